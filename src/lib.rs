//! dossier: full-text search for people who investigate.
//!
//! Data flows one way: [`corpus`] walks the folder, [`extract`] turns each file into a
//! document, [`indexer`] keeps the tantivy index ([`index`], [`schema`]) in step with the
//! folder, [`query`] turns what the user typed into a tantivy query, [`search`] runs it and
//! returns hits, [`matches`] and [`passage`] find the exact spans and passages to show, and
//! [`printer`] renders the result for a person or a program.

pub mod align;
pub mod corpus;
pub mod error;
pub mod extract;
mod files;
pub mod filter;
pub mod freshness;
pub mod index;
pub mod indexer;
pub mod locate;
pub mod lock;
pub mod matches;
pub mod metadata;
pub mod one_edit;
pub mod passage;
pub mod printer;
pub mod query;
pub mod quote;
pub mod schema;
pub mod search;
mod sentences;
pub mod served;
pub mod source;
pub mod stems;
pub mod suggest;
pub mod synonyms;
pub mod variants;
pub mod vocabulary;
pub mod watch;

pub use error::{Error, Result};
