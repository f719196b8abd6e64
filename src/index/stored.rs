//! Where a document's text is read from: the index holds short texts whole; long ones are
//! read from the corpus file, whole or in stretches, after checking that the file is still
//! the one indexed (same size and modification time).
//!
//! Keeping long texts out of the index's document store means that showing a hit in a
//! 3 MB document does not decompress 3 MB: only the stretches around the matches are read.
//!
//! A long text decoded from another encoding (see `extract`) is read the same way, except
//! that its offsets are offsets into the decoded text, not the file: the file is decoded
//! whole, once per search, and the stretches taken from that. Such files are rare (legacy
//! exports, UTF-16 logs), and this keeps the index as small for them as for UTF-8 ones.

use std::cell::OnceCell;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::Path;

use tantivy::TantivyDocument;
use tantivy::schema::{Field, Value};

use crate::index::schema::Fields;
use crate::text::lines::Lines;
use crate::text::words::word_starts;
use crate::{corpus, extract};

/// Texts at least this long are read from the corpus file, not stored in the index.
pub const LONG_TEXT_BYTES: usize = 64 * 1024;

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

pub fn decode_checkpoints(bytes: &[u8]) -> Vec<Checkpoint> {
    bytes
        .chunks_exact(8)
        .map(|c| Checkpoint {
            byte: u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize,
            line: u32::from_le_bytes([c[4], c[5], c[6], c[7]]) as usize,
        })
        .collect()
}

/// What the index stores of a document, enough to find its text.
pub struct StoredDocument {
    pub id: String,
    pub path: String,
    pub title: String,
    /// The whole text, for short texts; `None` for long ones, read from the file.
    pub text: Option<String>,
    /// For long texts, where every 64th word starts (see [`encode_checkpoints`]).
    pub checkpoints: Vec<Checkpoint>,
    pub size: u64,
    pub mtime: i64,
    /// The encoding the text was decoded from; `None` when it is the file's bytes.
    pub encoding: Option<String>,
    /// A long decoded text, decoded once however many stretches of it are read.
    decoded: OnceCell<String>,
}

impl StoredDocument {
    pub fn new(doc: &TantivyDocument, fields: &Fields) -> StoredDocument {
        let text_of = |field: Field| doc.get_first(field).and_then(|v| v.as_str());
        StoredDocument {
            id: text_of(fields.id).unwrap_or_default().to_string(),
            path: text_of(fields.path).unwrap_or_default().to_string(),
            title: text_of(fields.title).unwrap_or_default().to_string(),
            text: text_of(fields.text).map(str::to_string),
            checkpoints: doc
                .get_first(fields.checkpoints)
                .and_then(|v| v.as_bytes())
                .map(decode_checkpoints)
                .unwrap_or_default(),
            size: doc
                .get_first(fields.size)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            mtime: doc
                .get_first(fields.mtime)
                .and_then(|v| v.as_i64())
                .unwrap_or(0),
            encoding: text_of(fields.encoding).map(str::to_string),
            decoded: OnceCell::new(),
        }
    }

    /// The whole text: stored, or read from the file if it is still the one indexed.
    pub fn whole_text(&self, corpus: &Path) -> Result<String, String> {
        if let Some(text) = &self.text {
            return Ok(text.clone());
        }
        if self.encoding.is_some() {
            return self.decoded_text(corpus).map(str::to_string);
        }
        let mut file = self.open(corpus)?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(|e| e.to_string())?;
        Ok(text)
    }

    /// Bytes `range` of a long text, which must start and end on characters (the
    /// checkpoints do): read from the file, or from the decoded file. A range that reaches
    /// past the end of the text stops there: the caller need not know how long a decoded
    /// text is.
    pub fn read_range(&self, corpus: &Path, range: Range<usize>) -> Result<String, String> {
        if self.encoding.is_some() {
            let text = self.decoded_text(corpus)?;
            let range = range.start..range.end.min(text.len());
            return text.get(range.clone()).map(str::to_string).ok_or_else(|| {
                format!("{}: bytes {range:?} are not in its decoded text", self.path)
            });
        }
        let range = range.start..range.end.min(self.size as usize);
        if range.start > range.end {
            return Err(format!("{}: bytes {range:?} are not in it", self.path));
        }
        let mut file = self.open(corpus)?;
        file.seek(SeekFrom::Start(range.start as u64))
            .map_err(|e| e.to_string())?;
        let mut bytes = vec![0; range.len()];
        file.read_exact(&mut bytes).map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|e| e.to_string())
    }

    /// The file decoded from `encoding`, as it was at indexing.
    fn decoded_text(&self, corpus: &Path) -> Result<&str, String> {
        if let Some(text) = self.decoded.get() {
            return Ok(text);
        }
        let mut bytes = Vec::new();
        self.open(corpus)?
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{}: {e}", self.path))?;
        let text = extract::decode(&bytes, self.encoding.as_deref().unwrap_or("UTF-8"))?;
        Ok(self.decoded.get_or_init(|| text))
    }

    fn open(&self, corpus: &Path) -> Result<std::fs::File, String> {
        let path = corpus.join(&self.path);
        let file = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let metadata = file.metadata().map_err(|e| e.to_string())?;
        if metadata.len() != self.size || corpus::mtime_nanos(&metadata) != self.mtime {
            return Err(format!(
                "{} changed since it was indexed; run `dossier index`",
                path.display()
            ));
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            if c.is_alphanumeric() && !in_word {
                starts.push(offset);
            }
            in_word = c.is_alphanumeric();
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
            text in "[a-zA-Z0-9 .,'\\-\n\réßЖ中’😀\u{301}]{0,80}",
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
