//! Checking a quotation against the dossier: where it is quoted verbatim, and otherwise the
//! closest wordings, with a similarity figure and the differences word by word.
//!
//! Candidates come from the index, never from reading every file: documents holding every
//! piece of the quotation as a phrase (verbatim candidates), and the best-ranked documents
//! for its words (near candidates). In each, only stretches around the quotation's rarest
//! words are aligned with it (see [`crate::quote::align`]).

pub mod align;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::highlight::matches::{Word, tokenize};
use crate::highlight::passage::{Highlight, Passage, passage_around};
use crate::index::DossierIndex;
use crate::index::stored::StoredDocument;
use crate::query::variants::Variants;
use crate::quote::align::{Aligner, Alignment, Step};
use crate::text::lines::Lines;

/// Near matches below this similarity are not shown unless the user asks for them.
pub const DEFAULT_MIN_SIMILARITY: f32 = 0.6;

/// At most this many words may stand in a quotation's ellipsis.
const ELLIPSIS_MAX_WORDS: usize = 60;
/// At most this many words may stand where an editor put `[the president]`.
const INSERTION_MAX_WORDS: usize = 4;
/// How many of the best-ranked documents are looked at for near matches.
const NEAR_CANDIDATES: usize = 25;
/// How many of the quotation's rarest words seed the stretches to align.
const SEED_WORDS: usize = 4;
/// At most this many stretches of one document are aligned.
const MAX_WINDOWS_PER_DOC: usize = 64;

/// A quotation to check, as asked: the one type every front end fills in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteRequest {
    /// The quotation as pasted.
    pub text: String,
    /// How many matches.
    pub limit: usize,
    /// Near matches at least this similar (0 to 1) are shown.
    pub min_similarity: f32,
    /// Spellings of one name count as a close spelling, not as another word.
    pub variants: bool,
}

impl QuoteRequest {
    /// The command line's defaults: 10 matches, [`DEFAULT_MIN_SIMILARITY`], variants on.
    pub fn new(text: impl Into<String>) -> QuoteRequest {
        QuoteRequest {
            text: text.into(),
            limit: 10,
            min_similarity: DEFAULT_MIN_SIMILARITY,
            variants: true,
        }
    }

    /// An error for a request that cannot be answered, before any work is done.
    pub fn check(&self) -> Result<()> {
        if !(0.0..=1.0).contains(&self.min_similarity) {
            return Err(Error::Usage(
                "--min-similarity takes a number from 0 to 1".to_string(),
            ));
        }
        Ok(())
    }
}

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
    pub differences: Vec<Difference>,
}

#[derive(Clone, Debug, Serialize)]
pub struct QuoteResults {
    /// The quotation's words, as dossier compared them.
    pub words: Vec<String>,
    pub matches: Vec<QuoteMatch>,
}

impl QuoteResults {
    pub fn verbatim_count(&self) -> usize {
        self.matches
            .iter()
            .filter(|m| m.verdict == Verdict::Verbatim)
            .count()
    }
}

/// A quotation's words, folded as the index folds them, and where words may be left out.
#[derive(Debug, Default)]
pub struct QuoteWords {
    /// Case- and diacritic-folded, for comparison.
    pub words: Vec<String>,
    /// As the user wrote them, for showing differences.
    pub originals: Vec<String>,
    /// How many document words may stand before word `i` at no cost.
    pub gap_before: Vec<usize>,
    /// Runs of words with no ellipsis or insertion inside: each must stand as a phrase.
    pub pieces: Vec<Range<usize>>,
}

/// Reads a pasted quotation: outer quotation marks go, an ellipsis (`…`, `...`, `[...]`,
/// `[…]`) lets words be left out, and a bracketed insertion (`[the president]`) is dropped.
pub fn parse_quotation(text: &str) -> QuoteWords {
    let mut analyzer = crate::index::schema::exact_analyzer();
    let mut parsed = QuoteWords::default();
    let mut gap = 0;
    let mut segment_start = 0;
    let mut push_segment =
        |segment: &str, gap_after: usize, parsed: &mut QuoteWords, gap: &mut usize| {
            let first = parsed.words.len();
            analyzer.token_stream(segment).process(&mut |token| {
                parsed.words.push(token.text.clone());
                parsed
                    .originals
                    .push(segment[token.offset_from..token.offset_to].to_string());
                parsed.gap_before.push(0);
            });
            if parsed.words.len() > first {
                parsed.gap_before[first] = *gap;
                parsed.pieces.push(first..parsed.words.len());
                *gap = 0;
            }
            *gap = (*gap).max(gap_after);
        };
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let marker = if let Some(inner_end) = rest.strip_prefix('[').and_then(|r| r.find(']')) {
            let inner = rest[1..1 + inner_end].trim();
            let limit = if matches!(inner, "..." | "…" | "") {
                ELLIPSIS_MAX_WORDS
            } else {
                INSERTION_MAX_WORDS
            };
            Some((inner_end + 2, limit))
        } else if rest.starts_with("(...)") || rest.starts_with("(…)") {
            Some((rest.find(')').unwrap_or(0) + 1, ELLIPSIS_MAX_WORDS))
        } else if rest.starts_with('…') {
            Some(('…'.len_utf8(), ELLIPSIS_MAX_WORDS))
        } else if rest.starts_with("...") {
            Some((
                rest.len() - rest.trim_start_matches('.').len(),
                ELLIPSIS_MAX_WORDS,
            ))
        } else {
            None
        };
        match marker {
            Some((length, limit)) => {
                push_segment(&text[segment_start..i], limit, &mut parsed, &mut gap);
                i += length;
                segment_start = i;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    push_segment(&text[segment_start..], 0, &mut parsed, &mut gap);
    parsed
}

/// Finds where the quotation of `request` stands in the dossier in `corpus`, verbatim or
/// nearly; the spellings of one name in `variants` count as close spellings.
pub fn check_quotation(
    index: &DossierIndex,
    request: &QuoteRequest,
    variants: &Variants,
    corpus: &Path,
) -> Result<QuoteResults> {
    request.check()?;
    let quote = parse_quotation(&request.text);
    if quote.words.is_empty() {
        return Err(Error::Usage(
            "the quotation has no words to look for".to_string(),
        ));
    }
    let searcher = index.searcher()?;
    let field = index.fields.body_exact;
    let term = |word: &str| Term::from_field_text(field, word);

    let verbatim_query = BooleanQuery::new(
        quote
            .pieces
            .iter()
            .map(|piece| {
                (
                    Occur::Must,
                    phrase_or_term(&quote.words[piece.clone()], field),
                )
            })
            .collect(),
    );
    let unique_words: Vec<&String> = {
        let mut seen = HashSet::new();
        quote.words.iter().filter(|w| seen.insert(*w)).collect()
    };
    let near_query = BooleanQuery::new(
        unique_words
            .iter()
            .map(|word| {
                let query: Box<dyn Query> =
                    Box::new(TermQuery::new(term(word), IndexRecordOption::WithFreqs));
                (Occur::Should, query)
            })
            .collect(),
    );
    let mut candidates: Vec<DocAddress> = Vec::new();
    // No more candidates than documents: tantivy sets room aside for as many as asked, and
    // `--limit 9223372036854775807` overflowed it.
    let documents = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    let candidates_at_most = |wanted: usize| wanted.min(documents).max(1);
    let verbatim_limit =
        TopDocs::with_limit(candidates_at_most(request.limit.saturating_mul(4))).order_by_score();
    let near_limit = TopDocs::with_limit(candidates_at_most(
        NEAR_CANDIDATES.max(request.limit.saturating_mul(2)),
    ))
    .order_by_score();
    for (query, collector) in [(&verbatim_query, verbatim_limit), (&near_query, near_limit)] {
        let top = searcher
            .search(query, &collector)
            .map_err(|e| index.error(e))?;
        for (_, address) in top {
            if !candidates.contains(&address) {
                candidates.push(address);
            }
        }
    }

    let seeds = rarest_words(&searcher, field, &unique_words);
    let free: Vec<bool> = quote.gap_before.iter().map(|&g| g > 0).collect();
    // The other spellings of each quotation word, worked out once for every document.
    let names: HashMap<&str, Vec<String>> = quote
        .words
        .iter()
        .map(|w| (w.as_str(), variants.of(w, true)))
        .collect();
    let same_name =
        |a: &str, b: &str| a != b && names.get(a).is_some_and(|v| v.iter().any(|s| s == b));
    let mut aligner = Aligner::new(&quote.words, &free, &same_name);
    let mut matches = Vec::new();
    for address in candidates {
        let doc: TantivyDocument = searcher.doc(address).map_err(|e| index.error(e))?;
        let stored = StoredDocument::new(&doc, &index.fields);
        // A long document whose file changed since indexing cannot be quoted from.
        let Ok(text) = stored.whole_text(corpus) else {
            continue;
        };
        let words = tokenize(&text);
        let lines = Lines::new(&text);
        for (alignment, verbatim) in best_alignments(&quote, &words, &seeds, &text, &mut aligner) {
            let similarity = if verbatim {
                1.0
            } else {
                alignment.similarity(quote.words.len())
            };
            if !verbatim && similarity < request.min_similarity {
                continue;
            }
            let mut found = describe(
                &quote,
                &words,
                (&text, &lines),
                &alignment,
                verbatim,
                similarity,
                (stored.id.clone(), stored.path.clone(), stored.title.clone()),
            );
            found.encoding = stored.encoding.clone();
            matches.push(found);
        }
    }
    // Copies of a quotation in the order of their documents' IDs, not of where the index
    // holds them, which changes with a rebuild.
    matches.sort_by(|a, b| {
        (b.verdict == Verdict::Verbatim)
            .cmp(&(a.verdict == Verdict::Verbatim))
            .then(b.similarity.total_cmp(&a.similarity))
            .then_with(|| a.doc_id.cmp(&b.doc_id))
            .then(a.passage.start.cmp(&b.passage.start))
    });
    matches.truncate(request.limit);
    Ok(QuoteResults {
        words: quote.originals,
        matches,
    })
}

fn phrase_or_term(words: &[String], field: tantivy::schema::Field) -> Box<dyn Query> {
    let terms: Vec<Term> = words
        .iter()
        .map(|w| Term::from_field_text(field, w))
        .collect();
    if terms.len() == 1 {
        Box::new(TermQuery::new(
            terms.into_iter().next().expect("one term"),
            IndexRecordOption::Basic,
        ))
    } else {
        Box::new(PhraseQuery::new(terms))
    }
}

/// The quotation's rarest words that the index knows: where they stand, the quotation may.
fn rarest_words(
    searcher: &Searcher,
    field: tantivy::schema::Field,
    words: &[&String],
) -> HashSet<String> {
    let mut by_frequency: Vec<(u64, &String)> = words
        .iter()
        .map(|w| {
            let df = searcher
                .doc_freq(&Term::from_field_text(field, w))
                .unwrap_or(0);
            (df, *w)
        })
        .filter(|(df, _)| *df > 0)
        .collect();
    by_frequency.sort();
    by_frequency
        .into_iter()
        .take(SEED_WORDS)
        .map(|(_, w)| w.clone())
        .collect()
}

/// The best alignment in each stretch of the document around a seed word, stretches that
/// overlap merged; with whether it is verbatim.
fn best_alignments(
    quote: &QuoteWords,
    words: &[Word],
    seeds: &HashSet<String>,
    text: &str,
    aligner: &mut Aligner,
) -> Vec<(Alignment, bool)> {
    let m = quote.words.len();
    let slack = 4 + m / 4;
    let allowed_gaps: usize = quote.gap_before.iter().sum();
    // Stretches around the seeds, each with how many of the quotation's words seeded it.
    let mut windows: Vec<(Range<usize>, HashSet<usize>)> = Vec::new();
    for (p, word) in words.iter().enumerate() {
        if !seeds.contains(&*word.text) {
            continue;
        }
        for (qi, _) in quote
            .words
            .iter()
            .enumerate()
            .filter(|(_, w)| **w == word.text)
        {
            let start = p.saturating_sub(qi + slack + allowed_gaps);
            let end = (p + (m - qi) + slack + allowed_gaps).min(words.len());
            match windows.last_mut() {
                Some((last, seeded)) if start <= last.end => {
                    last.start = last.start.min(start);
                    last.end = last.end.max(end);
                    seeded.insert(qi);
                }
                _ => windows.push((start..end, HashSet::from([qi]))),
            }
        }
    }
    // The stretches most of the quotation's rare words point at are aligned first.
    windows.sort_by_key(|(range, seeded)| (std::cmp::Reverse(seeded.len()), range.start));
    windows.truncate(MAX_WINDOWS_PER_DOC);
    let windows: Vec<Range<usize>> = windows.into_iter().map(|(range, _)| range).collect();
    let mut found: Vec<(Alignment, bool)> = Vec::new();
    for window in windows {
        let doc_words: Vec<&str> = words[window.clone()].iter().map(|w| &*w.text).collect();
        let Some(mut alignment) = aligner.align(&doc_words) else {
            continue;
        };
        for step in &mut alignment.steps {
            shift(step, window.start);
        }
        alignment.first_doc += window.start;
        alignment.last_doc += window.start;
        let excess = gap_excess(quote, &alignment, words, text);
        alignment.cost += excess as f32;
        let verbatim = alignment.cost == 0.0;
        found.push((alignment, verbatim));
    }
    found
}

/// Words standing in an ellipsis or insertion beyond what it allows, or across a paragraph
/// break: each counts as an added word.
fn gap_excess(quote: &QuoteWords, alignment: &Alignment, words: &[Word], text: &str) -> usize {
    let mut excess = 0;
    let mut run: Vec<usize> = Vec::new();
    let mut next_quote_word = 0;
    let mut flush = |run: &mut Vec<usize>, next_quote_word: usize| {
        if let (Some(&first), Some(&last)) = (run.first(), run.last()) {
            let limit = quote.gap_before.get(next_quote_word).copied().unwrap_or(0);
            let before = first
                .checked_sub(1)
                .map_or(words[first].start, |p| words[p].end);
            let after = words.get(last + 1).map_or(words[last].end, |w| w.start);
            let paragraph_break =
                text[before..after].contains("\n\n") || text[before..after].contains("\r\n\r\n");
            excess += if paragraph_break {
                run.len()
            } else {
                run.len().saturating_sub(limit)
            };
        }
        run.clear();
    };
    for step in &alignment.steps {
        match *step {
            Step::Gap { doc } => run.push(doc),
            Step::Same { quote, .. }
            | Step::Spelling { quote, .. }
            | Step::Changed { quote, .. }
            | Step::Missing { quote, .. }
            | Step::Swapped { quote, .. } => {
                next_quote_word = quote;
                flush(&mut run, next_quote_word);
            }
            Step::Added { .. } => {}
        }
    }
    flush(&mut run, next_quote_word);
    excess
}

fn shift(step: &mut Step, by: usize) {
    match step {
        Step::Same { doc, .. }
        | Step::Spelling { doc, .. }
        | Step::Changed { doc, .. }
        | Step::Missing { doc, .. }
        | Step::Added { doc }
        | Step::Swapped { doc, .. }
        | Step::Gap { doc } => *doc += by,
    }
}

/// Turns an alignment into a passage with the matched words highlighted and the
/// differences located in it.
fn describe(
    quote: &QuoteWords,
    words: &[Word],
    (text, lines): (&str, &Lines),
    alignment: &Alignment,
    verbatim: bool,
    similarity: f32,
    (doc_id, path, title): (String, String, String),
) -> QuoteMatch {
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
    let passage = passage_around(text, lines, span_start, span_end, &highlights);
    let at = |offset: usize| offset - passage.start;
    let found = |range: Range<usize>| Some(text[range].to_string());
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
                    found(found_range.clone())
                },
                start: at(found_range.start),
                end: at(found_range.end),
            })
        })
        .collect();
    QuoteMatch {
        verdict: if verbatim {
            Verdict::Verbatim
        } else {
            Verdict::Near
        },
        similarity,
        doc_id,
        path,
        title,
        encoding: None,
        passage,
        differences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outer_quotes_go_and_ellipses_and_insertions_become_gaps() {
        let q = parse_quotation(
            "“The United States does not … see us in NATO. […] Presidents come and go”",
        );
        assert_eq!(q.words.len(), 13);
        assert_eq!(q.pieces.len(), 3);
        assert_eq!(q.gap_before[5], ELLIPSIS_MAX_WORDS);
        assert_eq!(q.gap_before[9], ELLIPSIS_MAX_WORDS);
        let q = parse_quotation("\"[The president] said talks were constructive\"");
        assert_eq!(q.originals, ["said", "talks", "were", "constructive"]);
        let q = parse_quotation("he said [the talks] were... constructive");
        assert_eq!(q.words, ["he", "said", "were", "constructive"]);
        assert_eq!(q.gap_before[2], INSERTION_MAX_WORDS);
        assert_eq!(q.gap_before[3], ELLIPSIS_MAX_WORDS);
    }
}
