//! The one engine every front end calls: it opens the index, keeps it current with the
//! corpus, and answers searches and quotations with plain data.

pub mod served;
