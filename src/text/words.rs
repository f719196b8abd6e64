//! Where words start in a text, as the index's tokenizer counts them (runs of
//! alphanumeric characters), and how a word is shown in the case the user typed.

/// Where each word of `text` starts, as the index's tokenizer counts words: runs of
/// alphanumeric characters. The n-th start is the byte offset of word position n.
pub fn word_starts(text: &str) -> WordStarts<'_> {
    WordStarts {
        text,
        at: 0,
        in_word: false,
        pending: 0,
        chunk: 0,
    }
}

/// The iterator of [`word_starts`]. It runs over whole texts at search time, so ASCII is
/// read eight bytes at a time: a mask of the bytes that are letters or digits gives all the
/// word starts of the eight at once, and `nth` (which `step_by` uses too) passes over
/// whole chunks by counting their starts, instead of visiting every word before the one
/// wanted. Other characters are decoded and classified one at a time.
pub struct WordStarts<'a> {
    text: &'a str,
    /// Where reading goes on: a character boundary.
    at: usize,
    /// Whether the character before `at` is alphanumeric.
    in_word: bool,
    /// The starts found in the chunk at byte `chunk` and not given yet: the high bit of
    /// each byte that starts a word.
    pending: u64,
    chunk: usize,
}

/// The high bit of every byte of a chunk.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `chunk` (eight ASCII bytes) that is an ASCII letter or
/// digit. Every byte is below 0x80, so no sum below carries into the next byte.
fn alphanumeric_bytes(chunk: u64) -> u64 {
    let each = |byte: u8| 0x0101_0101_0101_0101 * u64::from(byte);
    // `x + 0x80 - low` has its high bit set where x >= low; `x + 0x7f - high` where x > high.
    let within = |x: u64, low: u8, high: u8| (x + each(0x80 - low)) & !(x + each(0x7f - high));
    // Setting 0x20 turns capitals into small letters, and no other byte into one.
    let folded = chunk | each(0x20);
    (within(chunk, b'0', b'9') | within(folded, b'a', b'z')) & HIGH_BITS
}

impl Iterator for WordStarts<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        self.nth(0)
    }

    fn nth(&mut self, mut n: usize) -> Option<usize> {
        loop {
            let pending = self.pending.count_ones() as usize;
            if n < pending {
                for _ in 0..n {
                    self.pending &= self.pending - 1;
                }
                let byte = self.pending.trailing_zeros() as usize / 8;
                self.pending &= self.pending - 1;
                return Some(self.chunk + byte);
            }
            n -= pending;
            self.pending = 0;
            let bytes = self.text.as_bytes();
            let eight = bytes
                .get(self.at..self.at + 8)
                .and_then(|eight| <[u8; 8]>::try_from(eight).ok())
                .map(u64::from_le_bytes);
            if let Some(chunk) = eight.filter(|chunk| chunk & HIGH_BITS == 0) {
                let in_word = alphanumeric_bytes(chunk);
                let after_word = (in_word << 8) | if self.in_word { 0x80 } else { 0 };
                self.pending = in_word & !after_word;
                self.chunk = self.at;
                self.in_word = in_word >> 63 == 1;
                self.at += 8;
                continue;
            }
            // The last few bytes, or a chunk with a character that is not ASCII.
            let offset = self.at;
            let c = self.text[offset..].chars().next()?;
            self.at += c.len_utf8();
            let starts = c.is_alphanumeric() && !self.in_word;
            self.in_word = c.is_alphanumeric();
            if starts {
                if n == 0 {
                    return Some(offset);
                }
                n -= 1;
            }
        }
    }
}

/// `kyiv` shown as `Kyiv` when the user wrote `Kiev`.
pub fn same_case_as(typed: &str, word: &str) -> String {
    let mut chars = word.chars();
    match (typed.chars().next(), chars.next()) {
        (Some(first), Some(initial)) if first.is_uppercase() => {
            initial.to_uppercase().chain(chars).collect()
        }
        _ => word.to_string(),
    }
}
