//! dossier: full-text search for people who investigate.
//!
//! Data flows one way, one folder a stage: [`corpus`] walks the folder and says which files
//! are documents, [`extract`] turns each file into a document's text, [`update`] keeps the
//! tantivy [`index`] in step with the folder, [`query`] turns what the user typed into a
//! tantivy query, [`search`] runs it and ranks hits, [`highlight`] finds the exact spans and
//! the passages to show, [`quote`] checks a quotation against the documents, and [`printer`]
//! renders results for a person or a program. [`text`] (words, sentences, lines, dates) is
//! shared by all and depends on nothing. [`engine`] is the one entry point every front end
//! calls (the command line and the long-running [`server`] side): it opens the index,
//! keeps it current with the corpus, and answers searches and quotations with plain data.

pub mod corpus;
pub mod engine;
pub mod error;
pub mod extract;
pub mod highlight;
pub mod index;
pub mod printer;
pub mod query;
pub mod quote;
pub mod search;
pub mod server;
pub mod text;
pub mod update;

pub use error::{Error, Result};
