//! Renderings of what the engine returns: for a person ([`human`]), for a program
//! ([`json`]), and the lines for stderr ([`notes`]). Printers only format; they never
//! search, and every front end prints through them.

pub mod human;
pub mod json;
pub mod notes;
