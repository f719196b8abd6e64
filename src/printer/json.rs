//! The `--json` rendering: exactly one JSON object per run, documented in the README.

use std::io::Write;

use serde::Serialize;

use crate::engine::{DocumentMatches, DocumentText};
use crate::highlight::passage::Passage;
use crate::quote::{Difference, QuoteResults, Verdict};
use crate::search::suggest::Suggestion;
use crate::search::{Hit, NameVariants, SearchResults};
use crate::text::lines::{Lines, page_of};

#[derive(Serialize)]
struct JsonResults<'a> {
    query: &'a str,
    total_hits: usize,
    hits: Vec<JsonHit<'a>>,
    /// Close spellings of the query's words that more documents have.
    suggestions: &'a [Suggestion],
    /// Words also searched under other spellings of a name.
    variants: &'a [NameVariants],
    /// Only when some hits have no passages: why (a long document's file changed or went
    /// since it was indexed).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    problems: &'a [String],
}

#[derive(Serialize)]
struct JsonHit<'a> {
    rank: usize,
    doc_id: &'a str,
    path: &'a str,
    title: &'a str,
    score: f32,
    date: &'a str,
    /// Only for documents decoded from another encoding: offsets are into the decoded text.
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'a str>,
    /// Only for documents that are not plain text (`pdf`, `html`, …): offsets are into the
    /// text dossier extracted, which `dossier show` prints.
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'a str>,
    /// Only for a document inside a file (a message of an mbox, an attachment, a file of an
    /// archive): the ID of the document that holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    container: Option<&'a str>,
    /// The document's language (ISO 639-1), when its text says enough to tell or the
    /// corpus's metadata gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<&'a str>,
    passages: Vec<JsonPassage<'a>>,
}

#[derive(Serialize)]
struct JsonPassage<'a> {
    text: &'a str,
    line: usize,
    start: usize,
    end: usize,
    /// Only for documents with pages: the 1-based page of `start`.
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<usize>,
    /// Only where the document labels its pages otherwise than by counting them: the
    /// printed label of that page (`xii`, `A-4`).
    #[serde(skip_serializing_if = "Option::is_none")]
    page_label: Option<&'a str>,
    /// Only when its last highlight is on a later page than `start`: that page, and its
    /// printed label where the document has labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    last_page: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_page_label: Option<&'a str>,
    /// Only when true: the text was read from an image by OCR.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    ocr: bool,
    /// Byte ranges within `text`, sorted and non-overlapping.
    highlights: Vec<[usize; 2]>,
    /// For each highlight, the query clause it matched, as the user wrote it.
    highlight_terms: Vec<&'a str>,
    /// Only when a highlight is of another spelling than the one written: for each
    /// highlight, the rule it matched by (`transliteration`), or null.
    #[serde(skip_serializing_if = "Option::is_none")]
    highlight_variants: Option<Vec<Option<&'a str>>>,
}

pub fn print(out: &mut dyn Write, query: &str, results: &SearchResults) -> std::io::Result<()> {
    let document = JsonResults {
        query,
        total_hits: results.total_hits,
        hits: results
            .hits
            .iter()
            .map(|hit| json_hit(hit, &results.terms, &results.term_variants))
            .collect(),
        suggestions: &results.suggestions,
        variants: &results.variants,
        problems: &results.problems,
    };
    serde_json::to_writer(&mut *out, &document)?;
    writeln!(out)
}

fn json_hit<'a>(hit: &'a Hit, terms: &'a [String], variants: &'a [Option<String>]) -> JsonHit<'a> {
    JsonHit {
        rank: hit.rank,
        doc_id: &hit.doc_id,
        path: &hit.path,
        title: &hit.title,
        score: hit.score,
        date: &hit.date,
        encoding: hit.encoding.as_deref(),
        format: hit.format.as_deref(),
        container: hit.container.as_deref(),
        lang: hit.lang.as_deref(),
        passages: hit
            .passages
            .iter()
            .map(|p| json_passage(p, terms, variants))
            .collect(),
    }
}

fn json_passage<'a>(
    passage: &'a Passage,
    terms: &'a [String],
    variants: &'a [Option<String>],
) -> JsonPassage<'a> {
    let highlight_variants: Vec<Option<&str>> = passage
        .highlights
        .iter()
        .map(|h| variants.get(h.term).and_then(|v| v.as_deref()))
        .collect();
    JsonPassage {
        text: &passage.text,
        line: passage.line,
        start: passage.start,
        end: passage.end,
        page: passage.page,
        page_label: passage.page_label.as_deref(),
        last_page: passage.last_page,
        last_page_label: passage.last_page_label.as_deref(),
        ocr: passage.ocr,
        highlights: passage
            .highlights
            .iter()
            .map(|h| [h.start, h.end])
            .collect(),
        highlight_terms: passage
            .highlights
            .iter()
            .map(|h| terms.get(h.term).map_or("", String::as_str))
            .collect(),
        highlight_variants: highlight_variants
            .iter()
            .any(Option::is_some)
            .then_some(highlight_variants),
    }
}

#[derive(Serialize)]
struct JsonQuoteResults<'a> {
    quote: &'a str,
    /// The quotation's words as compared.
    words: &'a [String],
    verbatim_count: usize,
    matches: Vec<JsonQuoteMatch<'a>>,
    /// Only when some candidate documents could not be checked: why.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    problems: &'a [String],
}

#[derive(Serialize)]
struct JsonQuoteMatch<'a> {
    verdict: Verdict,
    similarity: f32,
    doc_id: &'a str,
    path: &'a str,
    title: &'a str,
    /// As for search hits.
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'a str>,
    #[serde(flatten)]
    passage: JsonPassage<'a>,
    /// The line of the quotation's first word (`line` is the passage's).
    quotation_line: usize,
    /// Byte ranges within `text`, like highlights.
    differences: &'a [Difference],
}

pub fn print_quotes(
    out: &mut dyn Write,
    quote: &str,
    results: &QuoteResults,
) -> std::io::Result<()> {
    let quote_terms = [quote.to_string()];
    let document = JsonQuoteResults {
        quote,
        words: &results.words,
        verbatim_count: results.verbatim_count(),
        matches: results
            .matches
            .iter()
            .map(|m| JsonQuoteMatch {
                verdict: m.verdict,
                similarity: m.similarity,
                doc_id: &m.doc_id,
                path: &m.path,
                title: &m.title,
                encoding: m.encoding.as_deref(),
                passage: json_passage(&m.passage, &quote_terms, &[]),
                quotation_line: m.quotation_line,
                differences: &m.differences,
            })
            .collect(),
        problems: &results.problems,
    };
    serde_json::to_writer(&mut *out, &document)?;
    writeln!(out)
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    id: &'a str,
    path: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'a str>,
    /// The page shown, if one was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<usize>,
    /// How many pages the document has (1 for one without pages).
    pages: usize,
    /// Where pages 2, 3, … start in the whole text.
    page_starts: &'a [usize],
    /// The byte range of `text` in the document's whole text.
    start: usize,
    end: usize,
    text: &'a str,
}

/// A document's text, or the `range` of it that is page `page`.
pub fn print_document(
    out: &mut dyn Write,
    document: &DocumentText,
    range: std::ops::Range<usize>,
    page: Option<usize>,
) -> std::io::Result<()> {
    let shown = JsonDocument {
        id: &document.id,
        path: &document.path,
        title: &document.title,
        format: document.format.as_deref(),
        encoding: document.encoding.as_deref(),
        page,
        pages: document.page_count(),
        page_starts: &document.page_starts,
        start: range.start,
        end: range.end,
        text: &document.text[range],
    };
    serde_json::to_writer(&mut *out, &shown)?;
    writeln!(out)
}

#[derive(Serialize)]
struct JsonDocumentMatches<'a> {
    #[serde(flatten)]
    document: JsonDocument<'a>,
    /// Whether `text` stops short of the document's end (a document too large to send).
    truncated: bool,
    /// The query's clauses, as written.
    terms: &'a [String],
    /// The matches in `text`, in order: the first `max_matches` of them.
    matches: Vec<JsonMatch<'a>>,
    /// How many matches `text` holds, listed or not.
    matches_total: usize,
}

#[derive(Serialize)]
struct JsonMatch<'a> {
    start: usize,
    end: usize,
    /// The 1-based line of `start`.
    line: usize,
    /// Only for documents with pages: the 1-based page of `start`.
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<usize>,
    /// The query clause it matched, as the user wrote it.
    term: &'a str,
}

/// A document's text (at most its first `max_bytes`) and every match of a query in it,
/// each with its line and page.
pub fn print_document_matches(
    out: &mut dyn Write,
    found: &DocumentMatches,
    max_bytes: usize,
    max_matches: usize,
) -> std::io::Result<()> {
    let document = &found.document;
    let mut end = document.text.len().min(max_bytes);
    while !document.text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &document.text[..end];
    let matches_total = found.matches.iter().filter(|m| m.end <= end).count();
    // Lines and pages as passages count them (a lone `\r` ends a line too).
    let lines = Lines::new(text);
    let matches = found
        .matches
        .iter()
        .filter(|m| m.end <= end)
        .take(max_matches)
        .map(|m| JsonMatch {
            start: m.start,
            end: m.end,
            line: lines.line_of(m.start),
            page: page_of(&document.page_starts, m.start),
            term: found.terms.get(m.term).map_or("", String::as_str),
        })
        .collect();
    let shown = JsonDocumentMatches {
        document: JsonDocument {
            id: &document.id,
            path: &document.path,
            title: &document.title,
            format: document.format.as_deref(),
            encoding: document.encoding.as_deref(),
            page: None,
            pages: document.page_count(),
            page_starts: &document.page_starts,
            start: 0,
            end,
            text,
        },
        truncated: end < document.text.len(),
        terms: &found.terms,
        matches,
        matches_total,
    };
    serde_json::to_writer(&mut *out, &shown)?;
    writeln!(out)
}
