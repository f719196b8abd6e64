//! The tantivy index on disk: its schema and analyzers, opening and checking it, what it
//! stores of each document (and where long texts are read from), its common-word
//! vocabulary, the update lock, and its small side files.
//!
//! It knows nothing of queries, ranking or passages; those read it through
//! [`DossierIndex`].

pub mod dossier_index;
pub mod files;
pub mod lock;
pub mod schema;
pub mod stored;
pub mod vocabulary;

pub use dossier_index::{DossierIndex, StoredState, past_prefix, words_starting_with};
