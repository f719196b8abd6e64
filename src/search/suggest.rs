//! Spelling suggestions drawn from the index's own vocabulary: when a word finds nothing,
//! or far fewer documents than a close spelling of it would.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};
use tantivy_fst::Automaton;

use crate::index::past_prefix;
use crate::index::vocabulary::{self, CommonWords, SideMaps};
use crate::query::fuzzy_distance_for;
use crate::text::one_edit::OneEdit;
use crate::text::words::same_case_as;

/// A close spelling is suggested when it is in at least this many times as many documents.
const MANY_TIMES_MORE: u64 = 2;
/// ... and the word as typed is rare: in at most this share of the documents (or 3), so a
/// word of the language (`allocation`) is not doubted for its neighbour (`location`).
const RARE_SHARE: u64 = 1000;
const MAX_ALTERNATIVES: usize = 3;

/// A word of the query, how many documents have it, and close spellings that more have.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub word: String,
    pub documents: u64,
    pub alternatives: Vec<Alternative>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    pub word: String,
    pub documents: u64,
    /// Edits from the query's word (a transposition is one).
    pub edits: usize,
}

/// Suggestions for `words` (as typed, with the stems the query already searches for them)
/// against `field`'s vocabulary in the index whose side files `maps` reads. With
/// `found_nothing`, any close spelling that occurs is suggested; otherwise only one in many
/// more documents.
pub fn suggest(
    searcher: &Searcher,
    maps: &SideMaps,
    field: Field,
    words: &[(String, Vec<String>)],
    found_nothing: bool,
) -> Vec<Suggestion> {
    let mut analyzer = crate::index::schema::exact_analyzer();
    let mut stemmer = crate::index::schema::stemmed_analyzer();
    let mut suggestions = Vec::new();
    let rare = (searcher.num_docs() / RARE_SHARE).max(3);
    // Opened when first needed.
    let mut common_words: Option<Option<CommonWords>> = None;
    for (typed, searched) in words {
        let folded = crate::index::schema::analyze(&mut analyzer, typed);
        let [word] = folded.as_slice() else {
            continue;
        };
        let documents = doc_freq(searcher, field, word);
        if !found_nothing && documents > rare {
            continue;
        }
        let least_documents = if found_nothing {
            documents + 1
        } else {
            (MANY_TIMES_MORE * documents).max(documents + 2)
        };
        // A word the index has is doubted for one edit only, past its first letter: the
        // automaton for two is many times larger, a spelling two edits away is another
        // word more often than a slip, and keeping the first letter walks one branch of the
        // vocabulary, not all of it (this walk was the slowest part of a search for a rare
        // word). A word the index lacks is looked for everywhere.
        let (distance, first_letter_kept) = if documents > 0 {
            (1, true)
        } else {
            (fuzzy_distance_for(word).max(1), false)
        };
        let first_letter = match word.chars().next() {
            Some(letter) if first_letter_kept => letter.to_string(),
            _ => String::new(),
        };
        let range = (first_letter.as_str(), past_prefix(&first_letter));
        // The common words hold every spelling that can be offered, when few enough can.
        let common = if least_documents >= vocabulary::MIN_DOCUMENTS {
            common_words
                .get_or_insert_with(|| CommonWords::open(maps, searcher))
                .as_ref()
        } else {
            None
        };
        let spellings = if let (1, Some(one_edit)) = (distance, OneEdit::new(word)) {
            close_spellings(searcher, field, common, one_edit, &range)
        } else {
            let term = Term::from_field_text(field, word);
            let Ok(automaton) = FuzzyTermQuery::new(term, distance, true).automaton() else {
                continue;
            };
            close_spellings(searcher, field, common, automaton, &range)
        };
        let mut alternatives: Vec<Alternative> = spellings
            .into_iter()
            .filter(|(alternative, documents)| {
                alternative != word
                    && *documents >= least_documents
                    && !crate::index::schema::analyze(&mut stemmer, alternative)
                        .iter()
                        .all(|stem| searched.contains(stem))
            })
            .map(|(alternative, documents)| Alternative {
                documents,
                edits: strsim::osa_distance(word, &alternative),
                word: same_case_as(typed, &alternative),
            })
            .collect();
        alternatives.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.word.cmp(&b.word)));
        alternatives.truncate(MAX_ALTERNATIVES);
        if !alternatives.is_empty() {
            suggestions.push(Suggestion {
                word: typed.clone(),
                documents,
                alternatives,
            });
        }
    }
    suggestions
}

fn doc_freq(searcher: &Searcher, field: Field, word: &str) -> u64 {
    searcher
        .doc_freq(&Term::from_field_text(field, word))
        .unwrap_or(0)
}

/// The words that `automaton` accepts from `range.0` (included) to `range.1` (excluded),
/// with how many documents have each: from the `common` words if given, else from every
/// segment's dictionary of `field`.
fn close_spellings<A: Automaton<State: Clone>>(
    searcher: &Searcher,
    field: Field,
    common: Option<&CommonWords>,
    automaton: A,
    range: &(&str, String),
) -> Vec<(String, u64)> {
    let (from, to) = (range.0, range.1.as_str());
    if let Some(common) = common {
        return common.matching(automaton, from, to);
    }
    let mut found = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted
            .terms()
            .search(&automaton)
            .ge(from)
            .lt(to)
            .into_stream()
        else {
            continue;
        };
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                found.insert(term.to_string());
            }
        }
    }
    found
        .into_iter()
        .map(|word| {
            let documents = doc_freq(searcher, field, &word);
            (word, documents)
        })
        .collect()
}
