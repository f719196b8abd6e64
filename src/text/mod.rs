//! Text as dossier reads it, before any index: where words, sentences and lines start, the
//! marks of other scripts than Latin that a word is folded without, the dates it reads and
//! writes, the language it is in, how close two spellings are, and the key that one
//! person's name shares across scripts and romanisations.
//!
//! Every other stage uses these; this folder uses nothing else of the crate.

pub mod dates;
pub mod folding;
pub mod language;
pub mod lines;
pub mod names;
pub mod one_edit;
pub mod sentences;
pub mod words;
