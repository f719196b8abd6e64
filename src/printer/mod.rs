//! Renderings of search results: for a person ([`human`]) and for a program ([`json`]).
//! Printers only format; they never search.

pub mod human;
pub mod json;
