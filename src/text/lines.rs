//! Lines and pages of a text: lines end at `\n`, `\r\n` or a lone `\r`; pages start where
//! a document's reader said they do. Both are counted from 1.

/// The 1-based line of byte `offset`: lines end at `\n`, `\r\n` or a lone `\r`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let bytes = &text.as_bytes()[..offset];
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    let lone_returns = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n'))
        .count();
    1 + newlines + lone_returns
}

/// Where a text's lines start, read once, so that the line of each of many passages is
/// found without counting lines from the text's start each time: in a long document, one
/// count per passage made the cost grow with passages × length.
pub struct Lines {
    /// Byte offset of the start of every line but the first.
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let bytes = text.as_bytes();
        let starts = bytes
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
            .map(|(i, _)| i + 1)
            .collect();
        Lines { starts }
    }

    /// The 1-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        1 + self.starts.partition_point(|&start| start <= offset)
    }
}

/// The 1-based page of byte `offset`, in a text whose pages 2, 3, … start at `page_starts`;
/// `None` for a text without pages (no starts).
pub fn page_of(page_starts: &[usize], offset: usize) -> Option<usize> {
    (!page_starts.is_empty()).then(|| 1 + page_starts.partition_point(|&start| start <= offset))
}
