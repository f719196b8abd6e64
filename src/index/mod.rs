//! The tantivy index on disk: its schema and analyzers, the title a document is ranked by, opening and checking it, what it
//! stores of each document and where a long text is read from (the file, in stretches found
//! through checkpoints), its common-word vocabulary, the update lock, its small side files
//! written whole or not at all, the maps through which an update reads it (their pages given
//! back as its merges read past them), and the pool of threads a long search shares its work on
//! segments and hits with.
//!
//! It knows nothing of queries, ranking or passages; those read it through
//! [`DossierIndex`].

pub mod checkpoints;
pub mod dossier_index;
pub mod lock;
pub mod names;
pub mod pool;
pub mod released_pages;
pub mod schema;
pub mod side_files;
pub mod stored;
pub mod title;
pub mod tokenizer;
pub mod vocabulary;

pub use dossier_index::{
    DossierIndex, StoredState, past_prefix, path_hash, short_words_starting_with,
    words_starting_with,
};
