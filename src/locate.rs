//! Finding where a query's words stand in a long document from the index's word positions,
//! so that only the stretches around them are analyzed again, not the whole text.
//!
//! The index keeps, for each long document, the byte offset and line of every 64th word
//! ([`crate::source`] checkpoints). A word position from the postings lies between two
//! checkpoints, which bound a stretch of text starting on a word; analyzing that stretch
//! finds the same matches there as analyzing the whole text would.

use std::ops::Range;

use tantivy::postings::Postings;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, SegmentReader, TERMINATED, Term};

use crate::query::{Pattern, QueryTerm};
use crate::schema::Fields;
use crate::source::CHECKPOINT_EVERY;

/// Words of context read before a match's first word.
const WORDS_BEFORE: usize = 8;
/// Words read after a match's first word, beyond the longest phrase of the query.
const WORDS_AFTER: usize = 8;
/// Checkpoints (of 64 words) of context on each side of a stretch, so that the sentences
/// around a match are in it.
const CONTEXT_CHECKPOINTS: usize = 3;
/// A prefix or fuzzy term that expands to more words than this is not located by postings:
/// the text is analyzed whole instead.
const MAX_EXPANSIONS: usize = 256;
/// Positions looked at in one document, rarest words first.
const MAX_POSITIONS: usize = 4096;

/// The index terms, per query clause, whose positions show where the clause may match.
pub struct Located {
    terms: Vec<Term>,
    /// Words after a match's first word that the longest clause can reach.
    reach: usize,
}

/// The terms to look up for the query's clauses, or `None` when a prefix or fuzzy term
/// expands too far to be worth it.
pub fn terms_to_locate(
    searcher: &Searcher,
    fields: &Fields,
    clauses: &[QueryTerm],
) -> Option<Located> {
    let mut terms = Vec::new();
    let mut reach = 1;
    for clause in clauses {
        match &clause.pattern {
            Pattern::Word { words, stemmed } => {
                let field = if *stemmed {
                    fields.body
                } else {
                    fields.body_exact
                };
                terms.extend(words.iter().map(|w| Term::from_field_text(field, w)));
            }
            Pattern::Fuzzy {
                word,
                distance,
                stem,
            } => {
                terms.push(Term::from_field_text(fields.body, stem));
                let query = FuzzyTermQuery::new(
                    Term::from_field_text(fields.body_exact, word),
                    *distance,
                    true,
                );
                terms.extend(expand(searcher, fields.body_exact, |dict| {
                    query
                        .automaton()
                        .ok()
                        .and_then(|automaton| dict.search(automaton).into_stream().ok())
                        .map(|mut stream| {
                            let mut keys = Vec::new();
                            while stream.advance() && keys.len() <= MAX_EXPANSIONS {
                                keys.push(stream.key().to_vec());
                            }
                            keys
                        })
                })?);
            }
            Pattern::Prefix { prefix } => {
                terms.extend(prefixed(searcher, fields.body_exact, prefix)?);
            }
            Pattern::Phrase {
                words,
                slop,
                last_is_prefix,
            } => {
                // The first word locates the phrase; the window reaches its end.
                match (words.first(), last_is_prefix) {
                    (Some(first), false) | (Some(first), true) if words.len() > 1 => {
                        terms.push(Term::from_field_text(fields.body_exact, first))
                    }
                    (Some(only), true) => {
                        terms.extend(prefixed(searcher, fields.body_exact, only)?)
                    }
                    (Some(only), false) => {
                        terms.push(Term::from_field_text(fields.body_exact, only))
                    }
                    (None, _) => {}
                }
                reach = reach.max(words.len() + *slop as usize);
            }
        }
    }
    Some(Located { terms, reach })
}

fn prefixed(searcher: &Searcher, field: Field, prefix: &str) -> Option<Vec<Term>> {
    let upper = format!("{prefix}\u{10FFFF}");
    expand(searcher, field, |dict| {
        let mut stream = dict
            .range()
            .ge(prefix.as_bytes())
            .lt(upper.as_bytes())
            .into_stream()
            .ok()?;
        let mut keys = Vec::new();
        while stream.advance() && keys.len() <= MAX_EXPANSIONS {
            keys.push(stream.key().to_vec());
        }
        Some(keys)
    })
}

/// The union over segments of the words a dictionary walk gives, as terms of `field`.
fn expand(
    searcher: &Searcher,
    field: Field,
    walk: impl Fn(&tantivy::termdict::TermDictionary) -> Option<Vec<Vec<u8>>>,
) -> Option<Vec<Term>> {
    let mut keys = std::collections::BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field).ok()?;
        keys.extend(walk(inverted.terms())?);
        if keys.len() > MAX_EXPANSIONS {
            return None;
        }
    }
    Some(
        keys.into_iter()
            .filter_map(|key| String::from_utf8(key).ok())
            .map(|word| Term::from_field_text(field, &word))
            .collect(),
    )
}

/// Stretches of the text, as ranges of checkpoint indexes (the end one past the last, which
/// may be the number of checkpoints: the end of the text), sorted and apart, that hold every
/// match of the located terms in `doc` with the sentences around it. `None` when the
/// postings cannot be read.
pub fn windows(
    segment: &SegmentReader,
    doc: DocId,
    located: &Located,
    checkpoints: usize,
) -> Option<Vec<Range<usize>>> {
    let mut per_term: Vec<Vec<u32>> = Vec::new();
    for term in &located.terms {
        let inverted = segment.inverted_index(term.field()).ok()?;
        let Some(mut postings) = inverted
            .read_postings(term, IndexRecordOption::WithFreqsAndPositions)
            .ok()?
        else {
            continue;
        };
        // A term whose first document comes after this one is not in it; postings must
        // only seek forward (debug builds of tantivy assert it).
        if postings.doc() > doc || postings.seek(doc) != doc || postings.doc() == TERMINATED {
            continue;
        }
        let mut positions = Vec::new();
        postings.positions(&mut positions);
        per_term.push(positions);
    }
    per_term.sort_by_key(Vec::len);
    let mut positions: Vec<u32> = per_term.into_iter().flatten().take(MAX_POSITIONS).collect();
    positions.sort_unstable();
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for position in positions {
        let position = position as usize;
        let first = (position.saturating_sub(WORDS_BEFORE) / CHECKPOINT_EVERY)
            .saturating_sub(CONTEXT_CHECKPOINTS);
        let last =
            ((position + located.reach + WORDS_AFTER) / CHECKPOINT_EVERY + 1 + CONTEXT_CHECKPOINTS)
                .min(checkpoints);
        match ranges.last_mut() {
            Some(previous) if first <= previous.end => previous.end = previous.end.max(last),
            _ => ranges.push(first..last),
        }
    }
    Some(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::build_schema;
    use tantivy::{Index, TantivyDocument};

    #[test]
    fn a_term_first_found_in_a_later_document_is_not_sought_backwards() {
        // Found by the long property run with debug assertions: the long document came
        // before every document holding one of the query's words, and seeking that word's
        // postings back to it panicked. (Release builds never check, so only a run with
        // debug assertions can catch it coming back.)
        let (schema, fields) = build_schema();
        let index = Index::create_in_ram(schema);
        crate::schema::register_analyzers(index.tokenizers());
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
            .expect("writer");
        for body in ["alpha words", "beta words"] {
            let mut doc = TantivyDocument::new();
            doc.add_text(fields.body_exact, body);
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let located = Located {
            terms: ["beta", "alpha"]
                .iter()
                .map(|w| Term::from_field_text(fields.body_exact, w))
                .collect(),
            reach: 1,
        };
        let segment = searcher.segment_reader(0);
        let ranges = windows(segment, 0, &located, 1).expect("postings");
        assert_eq!(ranges.len(), 1);
        assert_eq!(ranges[0], 0..1);
    }
}
