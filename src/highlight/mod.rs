//! From a hit to what the user reads: the exact byte ranges of the query's matches in a
//! document's text ([`matches`](mod@matches)), where in a long text to look for them ([`locate`]), and
//! the passages around them, best first ([`passage`]).
//!
//! It reads texts and the index's word positions; it does not rank documents.

pub mod locate;
pub mod matches;
pub mod passage;
