//! Describing a quotation found in a document: the verdict, the passage around it with the
//! matched words highlighted, and each difference between the two wordings located in that
//! passage.

use std::ops::{Range, RangeInclusive};

use serde::Serialize;

use crate::highlight::passage::{Highlight, Passage, passage_around};
use crate::index::stored::StoredDocument;
use crate::text::lines::Lines;

use super::align::{Alignment, Step, one_contraction};
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
    // Each difference with the quotation's words and the document's it covers; the halves
    // of a contraction as one.
    let doc_word = |j: usize| words[j].clone();
    let missing_at = |doc: usize| {
        words
            .get(doc)
            .map_or(span_end, |w| w.start.max(span_start))
            .min(span_end)
    };
    let mut edits: Vec<Edit> = Vec::new();
    // The step before, unless it was paired with the one before it: as the alignment's
    // cost pairs them (see `one_contraction`).
    let mut previous: Option<&Step> = None;
    for step in &alignment.steps {
        let contracted =
            previous.is_some_and(|before| one_contraction(before, step, quote, text, &doc_word));
        let kind = match *step {
            Step::Changed { .. } => DifferenceKind::Changed,
            Step::Spelling { .. } => DifferenceKind::Spelling,
            Step::Added { .. } => DifferenceKind::Added,
            Step::Swapped { .. } => DifferenceKind::Swapped,
            Step::Missing { .. } => DifferenceKind::Missing,
            Step::Same { .. } | Step::Gap { .. } => {
                // A difference and the same word, halves of one contraction: the
                // difference is one of spelling.
                if contracted && let Some(last) = edits.last_mut() {
                    last.spelt_otherwise();
                }
                previous = (!contracted).then_some(step);
                continue;
            }
        };
        let found_range = match (step.doc_words(), *step) {
            (Some(d), _) => words[*d.start()].start..words[*d.end()].end,
            (None, Step::Missing { doc, .. }) => missing_at(doc)..missing_at(doc),
            (None, _) => span_end..span_end,
        };
        let mut edit = Edit {
            kind,
            quote_words: step.quote_words(),
            doc_words: step.doc_words(),
            found_range,
        };
        let after_a_difference =
            previous.is_some_and(|before| !matches!(before, Step::Same { .. } | Step::Gap { .. }));
        match edits.last_mut() {
            Some(last) if contracted && after_a_difference => last.absorb(edit),
            _ => {
                if contracted {
                    edit.spelt_otherwise();
                }
                edits.push(edit);
            }
        }
        previous = (!contracted).then_some(step);
    }
    let differences = edits
        .into_iter()
        .map(|edit| {
            let expected = edit.quote_words.as_ref().map(|q| quote.written(q.clone()));
            let found =
                (!edit.found_range.is_empty()).then(|| text[edit.found_range.clone()].to_string());
            Difference {
                kind: edit.kind,
                expected,
                found,
                start: edit.found_range.start - passage.start,
                end: edit.found_range.end - passage.start,
            }
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

/// A difference while differences are gathered: the quotation's and the document's words
/// it covers (by their numbers), and where it stands in the text.
struct Edit {
    kind: DifferenceKind,
    quote_words: Option<RangeInclusive<usize>>,
    doc_words: Option<RangeInclusive<usize>>,
    found_range: Range<usize>,
}

impl Edit {
    /// Takes `next` into this difference, one of a contraction: a spelling of the
    /// quotation's words, unless one side has no words.
    fn absorb(&mut self, next: Edit) {
        self.quote_words = join(self.quote_words.take(), next.quote_words);
        self.doc_words = join(self.doc_words.take(), next.doc_words);
        self.found_range = match (self.found_range.is_empty(), next.found_range.is_empty()) {
            (false, false) => self.found_range.start..next.found_range.end,
            (true, false) => next.found_range,
            _ => self.found_range.clone(),
        };
        self.kind = match (&self.quote_words, &self.doc_words) {
            (Some(_), Some(_)) => DifferenceKind::Spelling,
            (Some(_), None) => DifferenceKind::Missing,
            _ => DifferenceKind::Added,
        };
    }

    /// A changed word that is half of a contraction whose other half is the same word (`am`
    /// for the `m` of `I'm`): a difference of spelling, as it costs.
    fn spelt_otherwise(&mut self) {
        if self.kind == DifferenceKind::Changed {
            self.kind = DifferenceKind::Spelling;
        }
    }
}

fn join(
    a: Option<RangeInclusive<usize>>,
    b: Option<RangeInclusive<usize>>,
) -> Option<RangeInclusive<usize>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(*a.start()..=*b.end()),
        (a, b) => a.or(b),
    }
}
