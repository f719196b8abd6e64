//! The tantivy schema, its analyzers, and the struct of field handles that travels with it.
//!
//! A text is analyzed once: `body_exact` keeps every word as written (only case and
//! diacritics folded: Latin accents, and the marks of Greek, Arabic, Hebrew and Cyrillic
//! that [`crate::text::folding`] names), with its positions, so a quoted phrase matches
//! exactly those words in that order, and a keyword finds its inflections through the words
//! of that field that share its stem ([`crate::query::stems`]). Titles, short, also have a
//! stemmed field of their own.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, TextAnalyzer, TokenizerManager,
};

use crate::index::tokenizer::{EnglishStems, MarkFolding, WordTokenizer};

/// Bumped whenever the schema or an analyzer changes, so an old index is rebuilt, not misread.
pub const SCHEMA_VERSION: u32 = 21;

pub const STEMMED_ANALYZER: &str = "dossier_stemmed";

/// A date as the index holds it. tantivy keeps nanoseconds in an `i64`, so it reaches from
/// 1677 to 2262; a day outside that (`--after 2999`, a date typed in a metadata file) is
/// taken as the nearest day it can hold, rather than wrapping around to the other end.
pub fn index_date(seconds_since_epoch: i64) -> tantivy::DateTime {
    const LIMIT: i64 = i64::MAX / 1_000_000_000;
    tantivy::DateTime::from_timestamp_secs(seconds_since_epoch.clamp(-LIMIT, LIMIT))
}
pub const EXACT_ANALYZER: &str = "dossier_exact";

/// Words longer than this are dropped by both analyzers: they are hashes or base64, not words.
pub(crate) const LONGEST_WORD_BYTES: usize = 64;

/// The handles of every field, looked up once.
#[derive(Clone, Debug)]
pub struct Fields {
    /// Document ID: the file's path relative to the corpus, without extension.
    pub id: Field,
    /// The file's path relative to the corpus, as found on disk.
    pub path: Field,
    /// The title shown: the format's, else the first line (see `extract`).
    pub shown_title: Field,
    /// The title ranked by, stemmed and exact: only a title that is one (see `title`).
    pub title: Field,
    pub title_exact: Field,
    pub body_exact: Field,
    /// The decoded text of short documents, stored so passages come from exactly what was
    /// indexed; long plain-text ones are read from their file (see `stored`).
    pub text: Field,
    pub size: Field,
    pub mtime: Field,
    pub hash: Field,
    /// The document's date, for `--after` and `--before` and for showing: from the corpus's
    /// `metadata.tsv`, else the one the document gives itself (a PDF's, an e-mail's), else
    /// its file's modification time.
    pub date: Field,
    /// The date the corpus listing gave the file (from `metadata.tsv` or its modification
    /// time), which tells a later update whether it changed.
    pub listed_date: Field,
    /// The language the corpus's metadata gave the document ([`crate::text::language::Language::number`]; 0
    /// for none), which tells a later update whether it changed.
    pub listed_lang: Field,
    /// A hash of the file's path in the corpus ([`crate::index::path_hash`]), which tells a
    /// later update that a file was renamed to another extension under the same ID
    /// (`report.txt` to `report.html`), its size and time unchanged.
    pub path_hash: Field,
    /// Byte offsets and lines of every 64th word of long texts (see `stored`), to read only
    /// the stretches around matches.
    pub checkpoints: Field,
    /// The encoding a file that is not UTF-8 as it stands was decoded from (see `extract`);
    /// absent for UTF-8 files, whose offsets are offsets into the file.
    pub encoding: Field,
    /// The format the document was read as (`text`, `pdf`, …), for `--type`.
    pub format: Field,
    /// The document's language, by its ISO 639-1 code (see [`crate::text::language`]),
    /// for `--lang` and for stemming in the languages the index holds; absent when the
    /// text is too short to tell.
    pub lang: Field,
    /// Where the pages of a paged document start in its text (see `checkpoints`).
    pub page_starts: Field,
    /// The pages whose text was read by OCR.
    pub ocr_pages: Field,
    /// The printed label of each page, one a line, where the document has labels.
    pub page_labels: Field,
    /// An e-mail's From, its To and Cc, its Subject, as written, for `from:`, `to:` and
    /// `subject:` (exact words, like the body); absent for other documents.
    pub mail_from: Field,
    pub mail_to: Field,
    pub mail_subject: Field,
}

pub fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let stemmed = |record| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(STEMMED_ANALYZER)
                .set_index_option(record),
        )
    };
    let exact = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(EXACT_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED | FAST),
        path: builder.add_text_field("path", STORED),
        shown_title: builder.add_text_field("shown_title", STORED),
        title: builder.add_text_field("title", stemmed(IndexRecordOption::WithFreqs)),
        title_exact: builder.add_text_field("title_exact", exact.clone()),
        body_exact: builder.add_text_field("body_exact", exact.clone()),
        text: builder.add_text_field("text", STORED),
        size: builder.add_u64_field("size", FAST | STORED),
        mtime: builder.add_i64_field("mtime", FAST | STORED),
        hash: builder.add_u64_field("hash", FAST | INDEXED),
        date: builder.add_date_field("date", INDEXED | FAST | STORED),
        listed_date: builder.add_i64_field("listed_date", FAST),
        listed_lang: builder.add_u64_field("listed_lang", FAST),
        path_hash: builder.add_u64_field("path_hash", FAST),
        checkpoints: builder.add_bytes_field("checkpoints", STORED),
        encoding: builder.add_text_field("encoding", STORED),
        format: builder.add_text_field("format", STRING | STORED),
        lang: builder.add_text_field("lang", STRING | STORED),
        page_starts: builder.add_bytes_field("page_starts", STORED),
        ocr_pages: builder.add_bytes_field("ocr_pages", STORED),
        page_labels: builder.add_text_field("page_labels", STORED),
        mail_from: builder.add_text_field("from", exact.clone()),
        mail_to: builder.add_text_field("to", exact.clone()),
        mail_subject: builder.add_text_field("subject", exact.clone()),
    };
    (builder.build(), fields)
}

/// Case- and diacritic-folded words, unstemmed, one a position: what a query's words are
/// read with, and a quoted phrase is matched against.
pub fn exact_analyzer() -> TextAnalyzer {
    exact_analysis(WordTokenizer { halves: false })
}

/// The exact analysis as the index has it: the halves of each word hyphenated across a
/// line end are words too, after the text's words (see [`WordTokenizer`]). What
/// highlights are found with.
pub fn indexed_exact_analyzer() -> TextAnalyzer {
    exact_analysis(WordTokenizer { halves: true })
}

fn exact_analysis(words: WordTokenizer) -> TextAnalyzer {
    TextAnalyzer::builder(words)
        .filter(RemoveLongFilter::limit(LONGEST_WORD_BYTES))
        .filter(LowerCaser)
        .filter(MarkFolding)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The exact analysis, long words kept: what a quotation is compared with a document's
/// text by, word for word, so that a long word (a hash, a run of Chinese between two
/// punctuation marks) that differs makes the wording differ, though the index holds no
/// such word.
pub fn exact_analyzer_keeping_long_words() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(LowerCaser)
        .filter(MarkFolding)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The exact analysis followed by English stemming: what keywords are matched against.
pub fn stemmed_analyzer() -> TextAnalyzer {
    stemmed_analysis(WordTokenizer { halves: false })
}

fn stemmed_analysis(words: WordTokenizer) -> TextAnalyzer {
    TextAnalyzer::builder(words)
        .filter(RemoveLongFilter::limit(LONGEST_WORD_BYTES))
        .filter(LowerCaser)
        .filter(MarkFolding)
        .filter(AsciiFoldingFilter)
        .filter(EnglishStems)
        .build()
}

/// English stemming alone, for a word the exact analyzer has already folded: analyzing it
/// again could split it (`i̇stanbul`, from İstanbul, holds a combining dot, which the
/// tokenizer splits on).
pub fn folded_word_stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(EnglishStems)
        .build()
}

/// The analyzers the index's fields name, as [`build_schema`] sets them.
pub fn register_analyzers(tokenizers: &TokenizerManager) {
    tokenizers.register(
        STEMMED_ANALYZER,
        stemmed_analysis(WordTokenizer { halves: true }),
    );
    tokenizers.register(EXACT_ANALYZER, indexed_exact_analyzer());
}

/// The words of `text` as one analyzer sees them.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut words = Vec::new();
    analyzer
        .token_stream(text)
        .process(&mut |token| words.push(token.text.clone()));
    words
}

/// An index in memory of documents with these bodies, for tests of what is found in it.
#[cfg(test)]
pub(crate) fn index_of_bodies(texts: &[&str]) -> (tantivy::Index, Field) {
    let (schema, fields) = build_schema();
    let index = tantivy::Index::create_in_ram(schema);
    register_analyzers(index.tokenizers());
    let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
    for text in texts {
        let mut doc = tantivy::TantivyDocument::new();
        doc.add_text(fields.body_exact, text);
        writer.add_document(doc).unwrap();
    }
    writer.commit().unwrap();
    (index, fields.body_exact)
}
