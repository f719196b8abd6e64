//! HTML web pages (to be written).

use super::{Extracted, SkipReason};

/// The visible text of an HTML page, and its title.
pub fn read(_bytes: &[u8]) -> Result<Extracted, SkipReason> {
    Err(SkipReason::NoText)
}
