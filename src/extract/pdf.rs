//! PDF, read with poppler's `pdftotext` (to be written).

use std::path::Path;

use super::{Extracted, SkipReason};

/// The text of the PDF at `path` (whose bytes are `bytes`), page by page.
pub fn read(_path: &Path, _bytes: &[u8]) -> Result<Extracted, SkipReason> {
    Err(SkipReason::NoText)
}
