//! Where a document's text is read from: the index holds short texts whole; long ones are
//! read from the corpus file, whole or in stretches, after checking that the file is still
//! the one indexed (same size and modification time).
//!
//! Keeping long texts out of the index's document store means that showing a hit in a long
//! document does not decompress all of it: only the stretches around the matches are read
//! (see [`crate::index::checkpoints`]).
//!
//! A long text decoded from another encoding (see `extract`) is read the same way, except
//! that its offsets are offsets into the decoded text, not the file: the file is decoded
//! whole, once per search, and the stretches taken from that. Such files are rare (legacy
//! exports, UTF-16 logs), and this keeps the index as small for them as for UTF-8 ones.

use std::cell::OnceCell;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::string::FromUtf8Error;

use tantivy::TantivyDocument;
use tantivy::schema::{Field, Value};

use crate::corpus::ids::INNER_SEPARATOR;
use crate::text::lines::page_of;
use crate::{corpus, extract};

use super::checkpoints::{Checkpoint, decode_checkpoints, decode_offsets};
use super::schema::Fields;

/// Texts at least this long are read from the corpus file, not stored in the index.
pub const LONG_TEXT_BYTES: usize = 64 * 1024;

/// Why a document's text cannot be read: the "no passages" warning a search shows for
/// it. A long text is read from its file, which may have changed or gone since indexing.
#[derive(Debug, thiserror::Error)]
pub enum TextUnavailable {
    /// The file's size or modification time is not the indexed one: the offsets the index
    /// holds would point at the wrong words.
    #[error("{} changed since it was indexed; run `dossier index`", path.display())]
    Changed { path: PathBuf },
    /// The file is no longer there.
    #[error("{}: {source}", path.display())]
    Vanished {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is there but could not be opened or read. `path` is the one the message
    /// names, if any.
    #[error("{}{source}", path.as_ref().map_or(String::new(), |p| format!("{}: ", p.display())))]
    Unreadable {
        path: Option<PathBuf>,
        source: std::io::Error,
    },
    /// The bytes read are not UTF-8, which a long text the index did not decode must be.
    #[error("{0}")]
    NotUtf8(#[from] FromUtf8Error),
    /// The file could not be decoded from the encoding the index names; extract's message.
    #[error("{0}")]
    Undecodable(#[from] extract::UnknownEncoding),
    /// A stretch asked for is not in the text: bytes `range` of the file at `path`, or of its
    /// decoded text.
    #[error(
        "{path}: bytes {range:?} are not in {}",
        if *in_decoded_text { "its decoded text" } else { "it" }
    )]
    OutOfRange {
        path: String,
        range: Range<usize>,
        in_decoded_text: bool,
    },
}

impl TextUnavailable {
    /// An error reading a file, in a message that does not name it.
    fn unreadable(source: std::io::Error) -> TextUnavailable {
        TextUnavailable::Unreadable { path: None, source }
    }
}

/// What the index stores of a document, enough to find its text.
pub struct StoredDocument {
    pub id: String,
    pub path: String,
    pub title: String,
    /// The whole text, for short texts; `None` for long ones, read from the file.
    pub text: Option<String>,
    /// For long texts, where every 64th word starts (see
    /// [`encode_checkpoints`](super::checkpoints::encode_checkpoints)).
    pub checkpoints: Vec<Checkpoint>,
    pub size: u64,
    pub mtime: i64,
    /// The encoding the text was decoded from; `None` when it is the file's bytes.
    pub encoding: Option<String>,
    /// The format the document was read as, if not plain text (or plain text inside
    /// another file).
    pub format: Option<String>,
    /// Where pages 2, 3, … start in the text of a paged document.
    pub page_starts: Vec<usize>,
    /// The pages (1-based; 1 for a document without pages) read by OCR.
    pub ocr_pages: Vec<usize>,
    /// The printed label of each page, where the document has labels.
    pub page_labels: Vec<String>,
    /// A long decoded text, decoded once however many stretches of it are read.
    decoded: OnceCell<String>,
}

impl StoredDocument {
    /// The 1-based page of byte `offset`; `None` for a document without pages. A document
    /// of a paged format with one page has no page starts, and is on page 1.
    pub fn page_at(&self, offset: usize) -> Option<usize> {
        page_of(&self.page_starts, offset).or_else(|| {
            let format = self.format.as_deref().and_then(extract::Format::named);
            format.is_some_and(extract::Format::has_pages).then_some(1)
        })
    }

    /// The printed label of the page of byte `offset`, where the document has labels.
    pub fn page_label_at(&self, offset: usize) -> Option<String> {
        let page = self.page_at(offset)?;
        self.page_labels.get(page - 1).cloned()
    }

    /// Whether the text at byte `offset` was read by OCR.
    pub fn is_ocr_at(&self, offset: usize) -> bool {
        let page = self.page_at(offset).unwrap_or(1);
        self.ocr_pages.contains(&page)
    }

    pub fn new(doc: &TantivyDocument, fields: &Fields) -> StoredDocument {
        let text_of = |field: Field| doc.get_first(field).and_then(|v| v.as_str());
        StoredDocument {
            id: text_of(fields.id).unwrap_or_default().to_string(),
            path: text_of(fields.path).unwrap_or_default().to_string(),
            title: text_of(fields.shown_title).unwrap_or_default().to_string(),
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
            // A plain-text document inside a file is not that file's bytes: its format is
            // said, as for the formats whose text is extracted.
            format: text_of(fields.format)
                .filter(|format| {
                    *format != "text"
                        || text_of(fields.id).is_some_and(|id| id.contains(INNER_SEPARATOR))
                })
                .map(str::to_string),
            page_starts: doc
                .get_first(fields.page_starts)
                .and_then(|v| v.as_bytes())
                .map(decode_offsets)
                .unwrap_or_default(),
            ocr_pages: doc
                .get_first(fields.ocr_pages)
                .and_then(|v| v.as_bytes())
                .map(decode_offsets)
                .unwrap_or_default(),
            page_labels: text_of(fields.page_labels)
                .map(|labels| labels.split('\n').map(str::to_string).collect())
                .unwrap_or_default(),
            decoded: OnceCell::new(),
        }
    }

    /// The whole text: stored, or read from the file if it is still the one indexed.
    pub fn whole_text(&self, corpus: &Path) -> Result<String, TextUnavailable> {
        if let Some(text) = &self.text {
            return Ok(text.clone());
        }
        if self.encoding.is_some() {
            return self.decoded_text(corpus).map(str::to_string);
        }
        let mut file = self.open(corpus)?;
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(TextUnavailable::unreadable)?;
        Ok(text)
    }

    /// Bytes `range` of a long text, which must start and end on characters (the
    /// checkpoints do): read from the file, or from the decoded file. A range that reaches
    /// past the end of the text stops there: the caller need not know how long a decoded
    /// text is.
    pub fn read_range(
        &self,
        corpus: &Path,
        range: Range<usize>,
    ) -> Result<String, TextUnavailable> {
        let out_of_range = |range: Range<usize>, in_decoded_text| TextUnavailable::OutOfRange {
            path: self.path.clone(),
            range,
            in_decoded_text,
        };
        if self.encoding.is_some() {
            let text = self.decoded_text(corpus)?;
            let range = range.start..range.end.min(text.len());
            return text
                .get(range.clone())
                .map(str::to_string)
                .ok_or_else(|| out_of_range(range, true));
        }
        let range = range.start..range.end.min(self.size as usize);
        if range.start > range.end {
            return Err(out_of_range(range, false));
        }
        let mut file = self.open(corpus)?;
        file.seek(SeekFrom::Start(range.start as u64))
            .map_err(TextUnavailable::unreadable)?;
        let mut bytes = vec![0; range.len()];
        file.read_exact(&mut bytes)
            .map_err(TextUnavailable::unreadable)?;
        Ok(String::from_utf8(bytes)?)
    }

    /// The file decoded from `encoding`, as it was at indexing.
    fn decoded_text(&self, corpus: &Path) -> Result<&str, TextUnavailable> {
        if let Some(text) = self.decoded.get() {
            return Ok(text);
        }
        let mut bytes = Vec::new();
        self.open(corpus)?
            .read_to_end(&mut bytes)
            .map_err(|source| TextUnavailable::Unreadable {
                path: Some(PathBuf::from(&self.path)),
                source,
            })?;
        let text = extract::decode(&bytes, self.encoding.as_deref().unwrap_or("UTF-8"))?;
        Ok(self.decoded.get_or_init(|| text))
    }

    /// The file, if it is still the one indexed.
    fn open(&self, corpus: &Path) -> Result<std::fs::File, TextUnavailable> {
        let path = corpus.join(&self.path);
        let file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(source) if source.kind() == std::io::ErrorKind::NotFound => {
                return Err(TextUnavailable::Vanished { path, source });
            }
            Err(source) => {
                return Err(TextUnavailable::Unreadable {
                    path: Some(path),
                    source,
                });
            }
        };
        let metadata = file.metadata().map_err(TextUnavailable::unreadable)?;
        if metadata.len() != self.size || corpus::mtime_nanos(&metadata) != self.mtime {
            return Err(TextUnavailable::Changed { path });
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reason_reads_as_the_no_passages_warning_has_always_worded_it() {
        let io = |message: &str| std::io::Error::other(message.to_string());
        let reasons = [
            (
                TextUnavailable::Changed {
                    path: PathBuf::from("dossier/all.txt"),
                },
                "dossier/all.txt changed since it was indexed; run `dossier index`",
            ),
            (
                TextUnavailable::Vanished {
                    path: PathBuf::from("dossier/all.txt"),
                    source: io("gone"),
                },
                "dossier/all.txt: gone",
            ),
            (
                TextUnavailable::Unreadable {
                    path: Some(PathBuf::from("all.txt")),
                    source: io("denied"),
                },
                "all.txt: denied",
            ),
            (TextUnavailable::unreadable(io("short read")), "short read"),
            (
                TextUnavailable::OutOfRange {
                    path: "all.txt".to_string(),
                    range: 12..20,
                    in_decoded_text: false,
                },
                "all.txt: bytes 12..20 are not in it",
            ),
            (
                TextUnavailable::OutOfRange {
                    path: "all.txt".to_string(),
                    range: 3..8,
                    in_decoded_text: true,
                },
                "all.txt: bytes 3..8 are not in its decoded text",
            ),
        ];
        for (reason, wording) in reasons {
            assert_eq!(reason.to_string(), wording);
        }
    }

    fn stored(
        format: Option<&str>,
        page_starts: Vec<usize>,
        ocr_pages: Vec<usize>,
    ) -> StoredDocument {
        StoredDocument {
            id: "doc".to_string(),
            path: "doc".to_string(),
            title: String::new(),
            text: Some("one\x0ctwo\x0c".to_string()),
            checkpoints: Vec::new(),
            size: 0,
            mtime: 0,
            encoding: None,
            format: format.map(str::to_string),
            page_starts,
            ocr_pages,
            page_labels: Vec::new(),
            decoded: OnceCell::new(),
        }
    }

    #[test]
    fn a_one_page_pdf_is_on_page_one_and_a_text_on_none() {
        assert_eq!(stored(Some("pdf"), vec![], vec![]).page_at(2), Some(1));
        assert_eq!(stored(Some("pdf"), vec![4], vec![]).page_at(5), Some(2));
        assert_eq!(stored(None, vec![], vec![]).page_at(2), None);
        assert_eq!(stored(Some("image"), vec![], vec![1]).page_at(2), None);
        assert!(stored(Some("image"), vec![], vec![1]).is_ocr_at(2));
        assert!(stored(Some("pdf"), vec![4], vec![2]).is_ocr_at(4));
        assert!(!stored(Some("pdf"), vec![4], vec![2]).is_ocr_at(3));
    }
}
