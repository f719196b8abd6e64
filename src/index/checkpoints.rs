//! Offsets into a text kept in the index: the checkpoints of a long text (the byte and line
//! where every [`CHECKPOINT_EVERY`]th word starts, so that a stretch of words, which the
//! postings' positions point at, can be read from the file without the text before it;
//! words are counted exactly as the index's tokenizer counts them, or the stretch would be
//! the wrong one), and where the pages of a paged document start.

use crate::text::lines::Lines;
use crate::text::words::word_starts;

/// A checkpoint is kept every this many words.
pub const CHECKPOINT_EVERY: usize = 64;

/// A place in a long text: where a word starts, and on which line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub byte: usize,
    pub line: usize,
}

/// The start and line of every `CHECKPOINT_EVERY`th word of `text`, as the index's tokenizer
/// counts words (see [`word_starts`]), as little-endian u32 pairs.
pub fn encode_checkpoints(text: &str) -> Vec<u8> {
    let lines = Lines::new(text);
    let mut out = Vec::new();
    for offset in word_starts(text).step_by(CHECKPOINT_EVERY) {
        out.extend_from_slice(&(offset as u32).to_le_bytes());
        out.extend_from_slice(&(lines.line_of(offset) as u32).to_le_bytes());
    }
    out
}

/// The checkpoints that [`encode_checkpoints`] wrote.
pub fn decode_checkpoints(bytes: &[u8]) -> Vec<Checkpoint> {
    bytes
        .chunks_exact(8)
        .map(|c| Checkpoint {
            byte: u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize,
            line: u32::from_le_bytes([c[4], c[5], c[6], c[7]]) as usize,
        })
        .collect()
}

/// Byte offsets (the starts of a document's pages) as the index stores them.
pub fn encode_offsets(offsets: &[usize]) -> Vec<u8> {
    offsets
        .iter()
        .flat_map(|&offset| (offset as u32).to_le_bytes())
        .collect()
}

/// The byte offsets [`encode_offsets`] stored.
pub fn decode_offsets(bytes: &[u8]) -> Vec<usize> {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::words::is_word_char;

    #[test]
    fn checkpoints_mark_every_64th_word_and_its_line() {
        let text: String = (0..200)
            .map(|i| format!("w{i},{}", if i % 10 == 9 { "\r\n" } else { " " }))
            .collect();
        let marks = decode_checkpoints(&encode_checkpoints(&text));
        assert_eq!(marks.len(), 4);
        assert_eq!(&text[marks[1].byte..marks[1].byte + 4], "w64,");
        assert_eq!(marks[1].line, 7);
        assert_eq!(
            marks[1].line,
            crate::text::lines::line_of(&text, marks[1].byte)
        );
        let mut analyzer = crate::index::schema::exact_analyzer();
        let mut starts = Vec::new();
        analyzer
            .token_stream(&text)
            .process(&mut |t| starts.push(t.offset_from));
        assert_eq!(marks[3].byte, starts[192]);
    }

    /// Word starts found one character at a time.
    fn starts_char_by_char(text: &str) -> Vec<usize> {
        let mut in_word = false;
        let mut starts = Vec::new();
        for (offset, c) in text.char_indices() {
            if is_word_char(c) && !in_word {
                starts.push(offset);
            }
            in_word = is_word_char(c);
        }
        starts
    }

    #[test]
    fn every_ascii_byte_is_classified_as_one_at_a_time() {
        for byte in 0..0x80u8 {
            let c = char::from(byte);
            // Long enough to be read eight bytes at a time, the byte in every place of it.
            let text: String = format!("{c}a{c}{c}9{c}{c}{c}Z{c}{c}{c}{c}{c}{c}{c}{c}x");
            assert_eq!(
                word_starts(&text).collect::<Vec<_>>(),
                starts_char_by_char(&text),
                "{byte:#04x}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn skipping_words_lands_where_counting_them_does(
            text in "[a-zA-Z0-9@`{/:\\[\u{7f}\t .é中😀]{0,120}",
            skips in proptest::collection::vec(0usize..12, 1..20),
        ) {
            let expected = starts_char_by_char(&text);
            proptest::prop_assert_eq!(word_starts(&text).collect::<Vec<_>>(), expected.clone());
            let mut starts = word_starts(&text);
            let mut next = 0;
            for skip in skips {
                let found = starts.nth(skip);
                proptest::prop_assert_eq!(found, expected.get(next + skip).copied());
                if found.is_none() {
                    break;
                }
                next += skip + 1;
            }
        }

        #[test]
        fn word_starts_are_where_the_index_tokenizer_puts_each_position(
            text in "[a-zA-Z0-9 .,'\\-\n\r\téßЖж中’😀\u{301}\u{ad}\u{2010}]{0,80}",
        ) {
            let starts: Vec<usize> = word_starts(&text).collect();
            let mut analyzer = crate::index::schema::exact_analyzer();
            let mut tokens = Vec::new();
            analyzer
                .token_stream(&text)
                .process(&mut |t| tokens.push((t.position, t.offset_from)));
            for (position, offset) in tokens {
                proptest::prop_assert_eq!(starts.get(position), Some(&offset));
            }
        }
    }
}
