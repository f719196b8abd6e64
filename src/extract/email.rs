//! E-mail messages (`.eml`) (to be written).

use super::{Extracted, SkipReason};

/// The text of an e-mail message, its subject as title and its date.
pub fn read(_bytes: &[u8]) -> Result<Extracted, SkipReason> {
    Err(SkipReason::NoText)
}
