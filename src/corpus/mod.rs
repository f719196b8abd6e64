//! The corpus folder: which of its files are documents and under which ID, and the dates
//! its `metadata.tsv` files give them.
//!
//! There is one walker ([`walk`]), used by the indexer's [`listing`], the freshness check
//! and the watcher alike, so that all three agree on what a document is (hidden files, links, the index
//! folder, extensions). Reading a file's content is [`crate::extract`]'s job, not this one's.

pub mod ids;
pub mod listing;
pub mod metadata;
pub mod named;
pub mod walk;

pub use ids::id_for;
pub use listing::{CorpusFile, CorpusListing, Skipped, list};
pub use named::{NamedListing, list_named};
pub use walk::{is_hidden, is_looked_at, mtime_nanos};
