//! Finding where a query's words stand in a long document from the index's word positions,
//! so that only the stretches around them are analyzed again, not the whole text.
//!
//! The index keeps, for each long document, the byte offset and line of every 64th word
//! ([`crate::index::stored`] checkpoints). A word position from the postings lies between two
//! checkpoints, which bound a stretch of text starting on a word; analyzing that stretch
//! finds the same matches there as analyzing the whole text would.

use std::ops::Range;

use tantivy::postings::Postings;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, SegmentOrdinal, SegmentReader, TERMINATED, Term};

use crate::highlight::passage::{MAX_PASSAGE_BYTES, best_apart, score};
use crate::index::checkpoints::{CHECKPOINT_EVERY, Checkpoint};
use crate::index::schema::Fields;
use crate::index::tokenizer::FIRST_HALF_POSITION;
use crate::index::words_starting_with;
use crate::query::stems::terms_with_stem;
use crate::query::{Pattern, QueryTerm};
use crate::text::words::word_starts;

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
    /// The query clause each locator stands for, and the locator.
    locators: Vec<(usize, Locator)>,
    /// Words after a match's first word that the longest clause can reach.
    reach: usize,
}

/// How a clause's places are read from the postings.
enum Locator {
    /// Wherever the term stands.
    Term(Term),
    /// Where the words stand one after the other: the places of an exact phrase.
    Phrase(Vec<Term>),
}

/// The terms to look up for the query's clauses in the segments `hits_in` (the ordinals of
/// those holding the documents whose passages are wanted: the words of a prefix or fuzzy
/// term are listed from their dictionaries alone), or `None` when a prefix or fuzzy term
/// expands too far to be worth it.
pub fn terms_to_locate(
    searcher: &Searcher,
    hits_in: &[SegmentOrdinal],
    fields: &Fields,
    clauses: &[QueryTerm],
) -> Option<Located> {
    let mut locators = Vec::new();
    let mut reach = 1;
    for (index, clause) in clauses.iter().enumerate() {
        let mut terms = Vec::new();
        match &clause.pattern {
            Pattern::Word {
                words,
                stemmed: false,
            } => {
                terms.extend(
                    words
                        .iter()
                        .map(|w| Term::from_field_text(fields.body_exact, w)),
                );
            }
            Pattern::Word {
                words,
                stemmed: true,
            } => {
                for stem in words {
                    terms.extend(terms_with_stem(searcher, fields.body_exact, stem));
                }
            }
            Pattern::Fuzzy {
                word,
                distance,
                stem,
            } => {
                terms.extend(terms_with_stem(searcher, fields.body_exact, stem));
                let query = FuzzyTermQuery::new(
                    Term::from_field_text(fields.body_exact, word),
                    *distance,
                    true,
                );
                let automaton = query.automaton().ok()?;
                terms.extend(expand(searcher, hits_in, fields.body_exact, |dict| {
                    dict.search(&automaton)
                        .into_stream()
                        .ok()
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
                terms.extend(prefixed(searcher, hits_in, fields.body_exact, prefix)?);
            }
            Pattern::Phrase {
                words,
                slop,
                last_is_prefix,
            } if *slop == 0 && !*last_is_prefix && words.len() > 1 => {
                let terms = words
                    .iter()
                    .map(|w| Term::from_field_text(fields.body_exact, w))
                    .collect();
                locators.push((index, Locator::Phrase(terms)));
                reach = reach.max(words.len());
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
                        terms.extend(prefixed(searcher, hits_in, fields.body_exact, only)?)
                    }
                    (Some(only), false) => {
                        terms.push(Term::from_field_text(fields.body_exact, only))
                    }
                    (None, _) => {}
                }
                reach = reach.max(words.len() + *slop as usize);
            }
        }
        locators.extend(terms.into_iter().map(|t| (index, Locator::Term(t))));
    }
    Some(Located { locators, reach })
}

fn prefixed(
    searcher: &Searcher,
    hits_in: &[SegmentOrdinal],
    field: Field,
    prefix: &str,
) -> Option<Vec<Term>> {
    expand(searcher, hits_in, field, |dict| {
        let mut stream = words_starting_with(dict, prefix)?;
        let mut keys = Vec::new();
        while stream.advance() && keys.len() <= MAX_EXPANSIONS {
            keys.push(stream.key().to_vec());
        }
        Some(keys)
    })
}

/// The union over the segments `hits_in` of the words a dictionary walk gives, as terms of
/// `field`.
fn expand(
    searcher: &Searcher,
    hits_in: &[SegmentOrdinal],
    field: Field,
    walk: impl Fn(&tantivy::termdict::TermDictionary) -> Option<Vec<Vec<u8>>>,
) -> Option<Vec<Term>> {
    let mut keys = std::collections::BTreeSet::new();
    for &ordinal in hits_in {
        let inverted = searcher
            .segment_reader(ordinal)
            .inverted_index(field)
            .ok()?;
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
/// may be the number of checkpoints: the end of the text), sorted and apart, around the
/// `wanted` best groups of places where the located clauses match in `doc` (see
/// [`best_groups`]), with the sentences around them: the work does not grow with the
/// number of matches in a long document, nor with how close together they stand.
/// `checkpoints` are the text's. `None` when the postings cannot be read.
pub fn windows(
    segment: &SegmentReader,
    doc: DocId,
    located: &Located,
    checkpoints: &[Checkpoint],
    (weights, wanted): (&[f32], usize),
) -> Option<Vec<Range<usize>>> {
    let mut places = places(segment, doc, located)?;
    places.truncate(MAX_POSITIONS);
    let mut groups = best_groups(&places, checkpoints, weights, wanted.max(1));
    groups.sort_by_key(|group| group.start);
    let stretches = merge_touching(groups.into_iter().map(|group| {
        let first = places[group.start].0 as usize;
        let last = places[group.end - 1].0 as usize;
        let from = (first.saturating_sub(WORDS_BEFORE) / CHECKPOINT_EVERY)
            .saturating_sub(CONTEXT_CHECKPOINTS);
        let to =
            ((last + located.reach + WORDS_AFTER) / CHECKPOINT_EVERY + 1 + CONTEXT_CHECKPOINTS)
                .min(checkpoints.len());
        from..to
    }));
    Some(stretches.into_iter().map(|(range, _)| range).collect())
}

/// The `wanted` best groups of `places` (sorted) that one passage could show, as ranges of
/// their indexes, apart: each the places within [`MAX_PASSAGE_BYTES`] of its first, scored
/// by their clauses as a passage is, the best first and the earliest among equals. Where a
/// place stands in the text is estimated from the checkpoints around it, as if the words
/// between them were of one length.
fn best_groups(
    places: &[(u32, usize)],
    checkpoints: &[Checkpoint],
    weights: &[f32],
    wanted: usize,
) -> Vec<Range<usize>> {
    let byte_of = |position: u32| {
        let position = position as usize;
        let (block, within) = (position / CHECKPOINT_EVERY, position % CHECKPOINT_EVERY);
        let Some(start) = checkpoints.get(block) else {
            return usize::MAX;
        };
        let next = checkpoints.get(block + 1).map_or(start.byte, |c| c.byte);
        start.byte + (next - start.byte) * within / CHECKPOINT_EVERY
    };
    let bytes: Vec<usize> = places
        .iter()
        .map(|&(position, _)| byte_of(position))
        .collect();
    let mut end = 0;
    let mut groups: Vec<(f32, Range<usize>)> = (0..places.len())
        .map(|first| {
            end = end.max(first + 1);
            while end < places.len() && bytes[end].saturating_sub(bytes[first]) <= MAX_PASSAGE_BYTES
            {
                end += 1;
            }
            let clauses = places[first..end].iter().map(|&(_, clause)| clause);
            (score(clauses, weights), first..end)
        })
        .collect();
    groups.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.start.cmp(&b.1.start)));
    best_apart(
        groups.into_iter().map(|(_, group)| group),
        wanted,
        Clone::clone,
    )
}

/// The byte ranges of `text`, `doc`'s whole text, that hold the located clauses' matches:
/// a few words around each place the postings give, sorted and apart. Analyzing only these
/// finds the same matches as analyzing the whole text, at a fraction of the cost when the
/// text is long and the matches few. `None` when the postings cannot be read, or there are
/// too many places for this to pay.
pub fn stretches_in_text(
    segment: &SegmentReader,
    doc: DocId,
    located: &Located,
    text: &str,
) -> Option<Vec<Range<usize>>> {
    let places = places(segment, doc, located)?;
    if places.len() > MAX_POSITIONS {
        return None;
    }
    // Word ranges, first word and one past the last, merged where they touch.
    let words: Vec<Range<usize>> = merge_touching(places.iter().map(|&(position, _)| {
        let position = position as usize;
        position.saturating_sub(WORDS_BEFORE)..position + located.reach + WORDS_AFTER
    }))
    .into_iter()
    .map(|(range, _)| range)
    .collect();
    // One pass over the word starts, skipping from each word needed to the next (the
    // merged ranges' bounds only increase), and stopping at the last.
    let mut bytes = Vec::with_capacity(words.len() * 2);
    let mut starts = word_starts(text);
    let mut next_word = 0;
    for word in words.iter().flat_map(|r| [r.start, r.end]) {
        let Some(offset) = starts.nth(word - next_word) else {
            break;
        };
        bytes.push(offset);
        next_word = word + 1;
    }
    // Ranges that end (or start) past the last word reach the end of the text.
    bytes.resize(words.len() * 2, text.len());
    Some(bytes.chunks_exact(2).map(|b| b[0]..b[1]).collect())
}

/// `ranges`, sorted by start, merged where they touch: each merged range with the indexes
/// of the ranges it took in.
fn merge_touching(ranges: impl Iterator<Item = Range<usize>>) -> Vec<(Range<usize>, Range<usize>)> {
    let mut merged: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for (index, range) in ranges.enumerate() {
        match merged.last_mut() {
            Some((previous, held)) if range.start <= previous.end => {
                previous.end = previous.end.max(range.end);
                held.end = index + 1;
            }
            _ => merged.push((range, index..index + 1)),
        }
    }
    merged
}

/// Every place (word position, query clause) where a located clause matches in `doc`,
/// sorted.
fn places(segment: &SegmentReader, doc: DocId, located: &Located) -> Option<Vec<(u32, usize)>> {
    let mut places: Vec<(u32, usize)> = Vec::new();
    for (clause, locator) in &located.locators {
        let found = match locator {
            Locator::Term(term) => positions(segment, doc, term)?,
            Locator::Phrase(terms) => phrase_positions(segment, doc, terms)?,
        };
        places.extend(found.into_iter().map(|p| (p, *clause)));
    }
    places.sort_unstable();
    Some(places)
}

/// Where `term` stands in `doc` (word positions); empty when it does not.
fn positions(segment: &SegmentReader, doc: DocId, term: &Term) -> Option<Vec<u32>> {
    let inverted = segment.inverted_index(term.field()).ok()?;
    let Some(mut postings) = inverted
        .read_postings(term, IndexRecordOption::WithFreqsAndPositions)
        .ok()?
    else {
        return Some(Vec::new());
    };
    // A term whose first document comes after this one is not in it; postings must
    // only seek forward (debug builds of tantivy assert it).
    if postings.doc() > doc || postings.seek(doc) != doc || postings.doc() == TERMINATED {
        return Some(Vec::new());
    }
    let mut positions = Vec::new();
    postings.positions(&mut positions);
    // A half of a hyphenated word stands after the text's words, not where it is written.
    positions.retain(|&position| (position as usize) < FIRST_HALF_POSITION);
    Some(positions)
}

/// Where the words of an exact phrase stand one after the other in `doc`: the positions of
/// its first word that are followed by the second, the third, and so on.
fn phrase_positions(segment: &SegmentReader, doc: DocId, terms: &[Term]) -> Option<Vec<u32>> {
    let mut starts: Option<Vec<u32>> = None;
    for (offset, term) in terms.iter().enumerate() {
        let offset = offset as u32;
        let here: Vec<u32> = positions(segment, doc, term)?
            .into_iter()
            .filter_map(|p| p.checked_sub(offset))
            .collect();
        starts = Some(match starts {
            None => here,
            Some(previous) => {
                let here: std::collections::HashSet<u32> = here.into_iter().collect();
                previous.into_iter().filter(|p| here.contains(p)).collect()
            }
        });
    }
    Some(starts.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::index_of_bodies;

    #[test]
    fn close_matches_all_through_a_long_text_give_a_few_short_stretches() {
        // A word every 40 words of 20,000, and five of it together near the end: the
        // stretches to analyze are a few around the best places, not the whole text.
        let mut words: Vec<String> = (0..20_000)
            .map(|i| {
                if i % 40 == 0 {
                    "alpha".to_string()
                } else {
                    format!("w{i}")
                }
            })
            .collect();
        for k in 0..5 {
            words[18_001 + 2 * k] = "alpha".to_string();
        }
        let (index, body) = index_of_bodies(&[&words.join(" ")]);
        let searcher = index.reader().expect("reader").searcher();
        let located = Located {
            locators: vec![(0, Locator::Term(Term::from_field_text(body, "alpha")))],
            reach: 1,
        };
        let checkpoints: Vec<Checkpoint> = (0..20_000 / CHECKPOINT_EVERY)
            .map(|c| Checkpoint {
                byte: c * CHECKPOINT_EVERY * 7,
                line: 1,
            })
            .collect();
        let segment = searcher.segment_reader(0);
        let ranges = windows(segment, 0, &located, &checkpoints, (&[1.0], 4)).expect("postings");
        let spanned: usize = ranges.iter().map(ExactSizeIterator::len).sum();
        assert!(spanned <= 4 * (2 * CONTEXT_CHECKPOINTS + 3), "{ranges:?}");
        let together = 18_001 / CHECKPOINT_EVERY;
        assert!(ranges.iter().any(|r| r.contains(&together)), "{ranges:?}");
    }

    #[test]
    fn a_term_first_found_in_a_later_document_is_not_sought_backwards() {
        // Found by the long property run with debug assertions: the long document came
        // before every document holding one of the query's words, and seeking that word's
        // postings back to it panicked. (Release builds never check, so only a run with
        // debug assertions can catch it coming back.)
        let (index, body) = index_of_bodies(&["alpha words", "beta words"]);
        let searcher = index.reader().expect("reader").searcher();
        let located = Located {
            locators: ["beta", "alpha"]
                .iter()
                .enumerate()
                .map(|(clause, w)| (clause, Locator::Term(Term::from_field_text(body, w))))
                .collect(),
            reach: 1,
        };
        let segment = searcher.segment_reader(0);
        let checkpoints = [Checkpoint { byte: 0, line: 1 }];
        let ranges =
            windows(segment, 0, &located, &checkpoints, (&[1.0, 1.0], 2)).expect("postings");
        assert_eq!(ranges.len(), 1);
        assert_eq!(ranges[0], 0..1);
    }
}
