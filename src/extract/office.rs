//! Office documents and e-books: DOCX, ODT, EPUB (to be written).

use super::{Extracted, SkipReason};

/// A Word document's text.
pub fn read_docx(_bytes: &[u8]) -> Result<Extracted, SkipReason> {
    Err(SkipReason::NoText)
}

/// An OpenDocument text's text.
pub fn read_odt(_bytes: &[u8]) -> Result<Extracted, SkipReason> {
    Err(SkipReason::NoText)
}

/// An e-book's text, in reading order.
pub fn read_epub(_bytes: &[u8]) -> Result<Extracted, SkipReason> {
    Err(SkipReason::NoText)
}
