//! Turning what the user typed into a tantivy query, and into the patterns that passages
//! highlight: reading it with tantivy's own grammar (`AND`, `OR`, `NOT`, `+`, `-`,
//! `"phrase"`, `"phrase"~N`, `word~N`, `prefix*`, `"phrase pre"*`, `field:term`, `^boost`)
//! after typographic quotes and apostrophes are made plain ([`normalize_quotes`],
//! [`UserQuery`]), then building the query ([`QueryBuilder`]): keywords by their stems
//! ([`stems`], scored together by [`synonyms`]), names under their other spellings
//! ([`variants`]), phrases by their exact words, and the documents a search may return
//! ([`filter`]). This folder does not run queries or read document texts: searching and
//! ranking are [`crate::search`]'s, finding matches in a text [`crate::highlight`]'s.
//!
//! - `quotation_marks.rs`: typographic quotes and apostrophes made into the grammar's.
//! - `read.rs`: the user's query read by the grammar, and its syntax errors worded.
//! - `build.rs`: the tantivy query and the highlight patterns, one method per kind of
//!   literal, and the edit distance `--fuzzy` gives a word.
//! - `forward_only.rs`: a guard around tantivy's phrase scorers for excluded phrases.
//! - `stop_words.rs`: the English stop words, which a keyword query with other words is
//!   not scored by.

mod build;
pub mod filter;
mod forward_only;
mod quotation_marks;
mod read;
pub mod stems;
pub mod stop_words;
pub mod synonyms;
pub mod variants;

pub use build::{
    ParsedQuery, Pattern, QueryBuilder, QueryTerm, VariantLookup, Within, fuzzy_distance_for,
};
pub use quotation_marks::normalize_quotes;
pub use read::UserQuery;
