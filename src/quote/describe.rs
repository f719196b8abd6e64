//! Describing a quotation found in a document: the verdict, the passage around it with the
//! matched words highlighted, and each difference between the two wordings located in that
//! passage.

use std::ops::Range;

use serde::Serialize;

use crate::highlight::passage::{Highlight, Passage, passage_around};
use crate::index::stored::StoredDocument;
use crate::text::lines::Lines;

use super::align::{Alignment, Step};
use super::parse::QuoteWords;

/// Whether a document quotes the quotation word for word, or nearly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Verbatim,
    Near,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DifferenceKind {
    /// Another word stands in the document.
    Changed,
    /// The word is spelt differently.
    Spelling,
    /// The quotation has a word the document does not.
    Missing,
    /// The document has a word the quotation does not.
    Added,
    /// Two neighbouring words stand in the other order.
    Swapped,
}

/// One way the document's wording differs from the quotation. `start..end` is a byte range
/// of the passage: the found words, or an empty range where a missing word would stand.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    pub kind: DifferenceKind,
    pub expected: Option<String>,
    pub found: Option<String>,
    pub start: usize,
    pub end: usize,
}

/// A place where the quotation, or something close to it, stands.
#[derive(Clone, Debug, Serialize)]
pub struct QuoteMatch {
    pub verdict: Verdict,
    pub similarity: f32,
    pub doc_id: String,
    pub path: String,
    pub title: String,
    /// As `Hit::encoding`: set when offsets are into decoded text.
    pub encoding: Option<String>,
    /// The sentences around the match; highlights cover the matched words.
    pub passage: Passage,
    /// The 1-based line of the quotation's first word, to cite (the passage's own line is
    /// that of the sentence it starts with, which may stand lines before).
    pub quotation_line: usize,
    pub differences: Vec<Difference>,
}

/// An alignment of a quotation with a document's text, and what is needed to show it.
pub(super) struct Found<'a> {
    pub quote: &'a QuoteWords,
    pub alignment: &'a Alignment,
    /// Whether the alignment is verbatim: the document quotes it word for word.
    pub verbatim: bool,
    /// 1 for verbatim; see [`Alignment::similarity`].
    pub similarity: f32,
    /// The document, for its ID, path, title and encoding.
    pub document: &'a StoredDocument,
    /// Its whole text, with its lines and words (the alignment's `doc` numbers index these).
    pub text: &'a str,
    pub lines: &'a Lines,
    /// Where each word stands in `text`.
    pub words: &'a [Range<usize>],
}

/// Turns an alignment into a passage with the matched words highlighted and the
/// differences located in it.
pub(super) fn describe(found: &Found) -> QuoteMatch {
    let Found {
        quote,
        alignment,
        verbatim,
        similarity,
        document,
        text,
        lines,
        words,
    } = *found;
    let span_start = words[alignment.first_doc].start;
    let span_end = words[alignment.last_doc].end;
    // Runs of words that match, merged with the punctuation between them.
    let mut highlights: Vec<Highlight> = Vec::new();
    let mut previous_same: Option<usize> = None;
    for step in &alignment.steps {
        if let Step::Same { doc, .. } = *step {
            let word = &words[doc];
            match highlights.last_mut() {
                Some(last) if previous_same == Some(doc.wrapping_sub(1)) => last.end = word.end,
                _ => highlights.push(Highlight {
                    start: word.start,
                    end: word.end,
                    term: 0,
                }),
            }
            previous_same = Some(doc);
        } else if !matches!(step, Step::Gap { .. }) {
            previous_same = None;
        }
    }
    let mut passage = passage_around(text, lines, span_start, span_end, &highlights);
    // Kept to the pages of the whole quotation, differences before its first match
    // included.
    passage.place_citing(document, Some(span_start..span_end));
    let at = |offset: usize| offset - passage.start;
    let found_text = |range: Range<usize>| Some(text[range].to_string());
    let differences = alignment
        .steps
        .iter()
        .filter_map(|step| {
            let (kind, expected, found_range) = match *step {
                Step::Changed { quote: q, doc } => (
                    DifferenceKind::Changed,
                    Some(quote.originals[q].clone()),
                    words[doc].start..words[doc].end,
                ),
                Step::Spelling { quote: q, doc } => (
                    DifferenceKind::Spelling,
                    Some(quote.originals[q].clone()),
                    words[doc].start..words[doc].end,
                ),
                Step::Added { doc } => (
                    DifferenceKind::Added,
                    None,
                    words[doc].start..words[doc].end,
                ),
                Step::Swapped { quote: q, doc } => (
                    DifferenceKind::Swapped,
                    Some(format!("{} {}", quote.originals[q], quote.originals[q + 1])),
                    words[doc].start..words[doc + 1].end,
                ),
                Step::Missing { quote: q, doc } => {
                    let offset = words
                        .get(doc)
                        .map_or(span_end, |w| w.start.max(span_start))
                        .min(span_end);
                    (
                        DifferenceKind::Missing,
                        Some(quote.originals[q].clone()),
                        offset..offset,
                    )
                }
                Step::Same { .. } | Step::Gap { .. } => return None,
            };
            Some(Difference {
                kind,
                expected,
                found: if found_range.is_empty() {
                    None
                } else {
                    found_text(found_range.clone())
                },
                start: at(found_range.start),
                end: at(found_range.end),
            })
        })
        .collect();
    QuoteMatch {
        // A text read by OCR is a reading of an image: never verbatim until checked.
        verdict: if verbatim && !passage.ocr {
            Verdict::Verbatim
        } else {
            Verdict::Near
        },
        similarity,
        doc_id: document.id.clone(),
        path: document.path.clone(),
        title: document.title.clone(),
        encoding: document.encoding.clone(),
        quotation_line: lines.line_of(span_start),
        passage,
        differences,
    }
}
