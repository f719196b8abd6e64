//! One file of the corpus read into tantivy documents: its bytes read (up to the size
//! limit), hashed and extracted, then laid out in the schema's fields; the documents inside
//! it (see `extract::embedded`) follow, under IDs of their own (see `corpus::ids`). A file
//! that cannot be indexed gives the [`SkipReason`] instead, with the hash of its bytes if
//! they were read ([`NotRead`]).

use std::io::Read;
use std::path::Path;

use tantivy::TantivyDocument;

use crate::corpus::CorpusFile;
use crate::corpus::ids::INNER_SEPARATOR;
use crate::extract::embedded::{Inner, read_nested};
use crate::extract::worker::Workers;
use crate::extract::{self, MAX_FILE_BYTES, SkipReason};
use crate::extract::{Format, ReadSettings};
use crate::index::StoredState;
use crate::index::checkpoints::{encode_checkpoints, encode_offsets};
use crate::index::schema::{Fields, index_date};
use crate::index::stored::LONG_TEXT_BYTES;
use crate::index::title::weighted_title;
use crate::text::language::Language;

/// A file read and decoded, with the state the index will remember.
pub(super) struct ReadDocument {
    pub extracted: extract::Extracted,
    pub state: StoredState,
    /// The documents inside it, or why each is not indexed.
    pub inner: Vec<Inner>,
}

/// A file not indexed: why, and the hash of its bytes, if they were read (the text indexed
/// from the same bytes before is still the file's).
#[derive(Debug)]
pub(super) struct NotRead {
    pub reason: SkipReason,
    pub hash: Option<u64>,
}

impl From<SkipReason> for NotRead {
    fn from(reason: SkipReason) -> NotRead {
        NotRead { reason, hash: None }
    }
}

/// Reads and extracts `file` of the corpus at `corpus` (in one of `workers`, unless it is
/// plain text), or says why it is not indexed.
pub(super) fn read_document(
    corpus: &Path,
    file: &CorpusFile,
    settings: &ReadSettings,
    workers: &Workers,
) -> Result<ReadDocument, NotRead> {
    if file.size > MAX_FILE_BYTES {
        return Err(SkipReason::TooLarge.into());
    }
    let mut bytes = Vec::with_capacity(file.size as usize + 1);
    // Read no more than the limit even if the file grew since the walk.
    let path = file.path(corpus);
    std::fs::File::open(&path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => SkipReason::Vanished,
            // A disk's error, or permissions that may be set right: worth another reading.
            _ => SkipReason::SystemFailed(e.to_string()),
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(SkipReason::TooLarge.into());
    }
    let state = StoredState {
        size: bytes.len() as u64,
        mtime: file.mtime,
        hash: xxhash_rust::xxh3::xxh3_64(&bytes),
        date: file.date,
        language: file.language,
        path_hash: crate::index::path_hash(&file.rel_path),
    };
    let read = if file.format == Format::Text {
        // Decoding is one pass over the bytes: bounded by the file's size.
        read_nested(file.format, &path, bytes, settings, None)
    } else {
        workers.read(file.format, &path, &bytes, settings)
    };
    let (extracted, inner) = read.map_err(|reason| NotRead {
        reason,
        hash: Some(state.hash),
    })?;
    Ok(ReadDocument {
        extracted,
        state,
        inner,
    })
}

/// The ID of the document at `inner_path` under the file with ID `file_id`.
pub(super) fn inner_id(file_id: &str, inner_path: &str) -> String {
    format!("{file_id}{INNER_SEPARATOR}{inner_path}")
}

/// The tantivy documents for `file`, read as `document`: the file's, then those inside it
/// (which carry the file's path and state, and the file's date where they have none).
pub(super) fn to_tantivy_all(
    fields: &Fields,
    file: &CorpusFile,
    document: &ReadDocument,
) -> Vec<TantivyDocument> {
    let mut docs = vec![to_tantivy(fields, file, document)];
    for inner in &document.inner {
        if let Ok(extracted) = &inner.read {
            docs.push(inner_to_tantivy(
                fields,
                file,
                &inner_id(&file.id, &inner.path),
                extracted,
                &document.state,
            ));
        }
    }
    docs
}

/// The tantivy document for `extracted`, found inside `file` under ID `id`. Its text is
/// always stored: it is not the bytes of a file.
fn inner_to_tantivy(
    fields: &Fields,
    file: &CorpusFile,
    id: &str,
    extracted: &extract::Extracted,
    state: &StoredState,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, id);
    doc.add_text(fields.path, &file.rel_path);
    add_content(fields, &mut doc, extracted, true, None);
    add_state(fields, &mut doc, file, extracted, state);
    doc
}

/// The tantivy document for `file`, read as `document`.
fn to_tantivy(fields: &Fields, file: &CorpusFile, document: &ReadDocument) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &file.id);
    doc.add_text(fields.path, &file.rel_path);
    // A file whose name is not UTF-8 cannot be opened again by its stored path, and the text
    // of any format but plain text is not the file's bytes: such texts are kept whatever
    // their length.
    let extracted = &document.extracted;
    let store_text = !file.path_is_exact() || extracted.format != Format::Text;
    add_content(fields, &mut doc, extracted, store_text, file.language);
    add_state(fields, &mut doc, file, extracted, &document.state);
    doc
}

/// The title, text and what was learnt reading it; the text stored when `store_text` or
/// short, else read from the file when needed. The language is `listed` if the corpus's
/// metadata gives one, else the text's.
fn add_content(
    fields: &Fields,
    doc: &mut TantivyDocument,
    extracted: &extract::Extracted,
    store_text: bool,
    listed: Option<Language>,
) {
    let text = &extracted.text;
    let title = &extracted.title;
    doc.add_text(fields.shown_title, title);
    if let Some(title) = weighted_title(title, text) {
        doc.add_text(fields.title, title);
        doc.add_text(fields.title_exact, title);
    }
    doc.add_text(fields.body_exact, text);
    if text.len() < LONG_TEXT_BYTES || store_text {
        doc.add_text(fields.text, text);
    } else {
        doc.add_bytes(fields.checkpoints, &encode_checkpoints(text));
    }
    if let Some(encoding) = extracted.encoding {
        doc.add_text(fields.encoding, encoding.name());
    }
    doc.add_text(fields.format, extracted.format.name());
    if let Some(language) = listed.or_else(|| Language::detect(text)) {
        doc.add_text(fields.lang, language.code());
    }
    if !extracted.page_starts.is_empty() {
        doc.add_bytes(fields.page_starts, &encode_offsets(&extracted.page_starts));
    }
    if !extracted.page_labels.is_empty() {
        // A label is one line: a line break written into one would shift those after it.
        let labels: Vec<String> = extracted
            .page_labels
            .iter()
            .map(|label| label.replace(['\n', '\r'], " "))
            .collect();
        doc.add_text(fields.page_labels, labels.join("\n"));
    }
    if !extracted.ocr_pages.is_empty() {
        doc.add_bytes(fields.ocr_pages, &encode_offsets(&extracted.ocr_pages));
    }
    if let Some(mail) = &extracted.mail {
        doc.add_text(fields.mail_from, &mail.from);
        doc.add_text(fields.mail_to, &mail.to);
        doc.add_text(fields.mail_subject, &mail.subject);
    }
}

/// The state of the file it comes from, and its date.
fn add_state(
    fields: &Fields,
    doc: &mut TantivyDocument,
    file: &CorpusFile,
    extracted: &extract::Extracted,
    state: &StoredState,
) {
    doc.add_u64(fields.size, state.size);
    doc.add_i64(fields.mtime, state.mtime);
    doc.add_u64(fields.hash, state.hash);
    let date = if file.dated_by_metadata {
        file.date
    } else {
        extracted.date.unwrap_or(file.date)
    };
    doc.add_date(fields.date, index_date(date));
    doc.add_i64(fields.listed_date, state.date);
    doc.add_u64(
        fields.listed_lang,
        state.language.map_or(0, Language::number),
    );
    doc.add_u64(fields.path_hash, state.path_hash);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workers() -> Workers {
        Workers::new(crate::extract::worker::Limits::default())
    }

    fn corpus_file(name: &str, size: u64) -> CorpusFile {
        CorpusFile {
            format: crate::extract::Format::Text,
            rel_path: name.to_string(),
            inexact_rel_path: None,
            id: "memo".to_string(),
            size,
            mtime: 1_700_000_000_000_000_000,
            date: 1_700_000_000,
            dated_by_metadata: false,
            language: None,
        }
    }

    #[test]
    fn a_file_is_read_with_the_state_the_index_remembers() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("memo.txt"), "The ocelot memo\nbody").unwrap();
        let document = read_document(
            dir.path(),
            &corpus_file("memo.txt", 20),
            &ReadSettings::default(),
            &workers(),
        )
        .unwrap();
        assert_eq!(document.extracted.title, "The ocelot memo");
        assert_eq!(document.state.size, 20);
        assert_eq!(document.state.mtime, 1_700_000_000_000_000_000);
        assert_eq!(document.state.date, 1_700_000_000);
        assert_eq!(
            document.state.hash,
            xxhash_rust::xxh3::xxh3_64(b"The ocelot memo\nbody")
        );
    }

    #[test]
    fn files_that_cannot_be_indexed_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path();
        let skipped = |name: &str, size: u64| {
            read_document(
                corpus,
                &corpus_file(name, size),
                &ReadSettings::default(),
                &workers(),
            )
            .err()
            .map(|not_read| not_read.reason)
        };
        assert_eq!(skipped("gone.txt", 5), Some(SkipReason::Vanished));
        assert_eq!(
            skipped("gone.txt", MAX_FILE_BYTES + 1),
            Some(SkipReason::TooLarge)
        );
        std::fs::write(corpus.join("empty.txt"), "").unwrap();
        assert_eq!(skipped("empty.txt", 0), Some(SkipReason::Empty));
    }
}
