//! Choosing where a quotation may stand, from the index and never by reading every file:
//! the documents that hold every piece of it as a phrase (verbatim candidates), the
//! documents that hold the most of its pairs of neighbouring words (near candidates: a word
//! changed, dropped, added or swapped breaks two or three pairs and leaves the others, in a
//! document of any length), and the best-ranked for its words (for a quotation too short
//! to have pairs, or every pair of it changed); then, in each document, the stretches
//! around the quotation's rarest words, which alone are aligned with it.

use foldhash::{HashSet, HashSetExt};
use std::ops::Range;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Searcher, Term};

use crate::error::Result;
use crate::highlight::matches::Word;
use crate::index::DossierIndex;
use crate::query::stop_words::is_stop_word;

use super::parse::QuoteWords;

/// How many of the best-ranked documents are looked at for near matches.
const NEAR_CANDIDATES: usize = 25;
/// At most this many of the quotation's pairs of neighbouring words, the rarest, choose the
/// near candidates: enough that a few changed words leave most of them, few enough that a
/// pasted page costs no more than a sentence.
const MAX_PAIRS: usize = 32;
/// At least this many pairs are asked for, common or not, when the quotation has them.
const MIN_PAIRS: usize = 8;
/// A word in more than one document in this many is common (see [`pairs_query`]).
const COMMON_WORD_SHARE: u64 = 8;
/// How many of the quotation's rarest words seed the stretches to align.
const SEED_WORDS: usize = 4;
/// At most this many stretches of one document are aligned.
const MAX_WINDOWS_PER_DOC: usize = 64;

/// The documents that hold `quote` verbatim (every piece as a phrase), best-ranked first:
/// enough for `limit` matches.
pub(super) fn verbatim_documents(
    index: &DossierIndex,
    searcher: &Searcher,
    quote: &QuoteWords,
    limit: usize,
) -> Result<Vec<DocAddress>> {
    let field = index.fields.body_exact;
    let query = BooleanQuery::new(
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
    top_documents(
        index,
        searcher,
        &query,
        limit.saturating_mul(4),
        Kind::Verbatim,
    )
}

/// The documents that may hold `quote` nearly, none of `seen`: those with the most of its
/// pairs of neighbouring words, then the best-ranked for `distinct_words`, each once.
pub(super) fn near_documents(
    index: &DossierIndex,
    searcher: &Searcher,
    quote: &QuoteWords,
    distinct_words: &[&String],
    limit: usize,
    seen: &[DocAddress],
) -> Result<Vec<DocAddress>> {
    let field = index.fields.body_exact;
    let words_query = BooleanQuery::new(
        distinct_words
            .iter()
            .map(|word| {
                let query: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(field, word),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, query)
            })
            .collect(),
    );
    let pairs_query = pairs_query(searcher, quote, field);
    let wanted = NEAR_CANDIDATES.max(limit.saturating_mul(2));
    let mut documents: Vec<DocAddress> = Vec::new();
    for (kind, query) in [
        (Kind::Pairs, &pairs_query as &dyn Query),
        (Kind::Words, &words_query),
    ] {
        for address in top_documents(index, searcher, query, wanted, kind)? {
            if !seen.contains(&address) && !documents.contains(&address) {
                documents.push(address);
            }
        }
    }
    Ok(documents)
}

/// The `wanted` best-ranked documents for `query`, chosen as `kind` says.
fn top_documents(
    index: &DossierIndex,
    searcher: &Searcher,
    query: &dyn Query,
    wanted: usize,
    kind: Kind,
) -> Result<Vec<DocAddress>> {
    // No more candidates than documents: tantivy sets room aside for as many as asked, and
    // `--limit 9223372036854775807` overflowed it.
    let documents = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    let collector = TopDocs::with_limit(wanted.min(documents).max(1)).order_by_score();
    let mut top = searcher
        .search(query, &collector)
        .map_err(|e| index.error(e))?;
    // A document with under half the pairs the best one has is not where the quotation
    // stands with a few words changed; a long one costs its whole text to align.
    if kind == Kind::Pairs
        && let Some(&(best, _)) = top.first()
    {
        top.retain(|&(pairs, _)| pairs * 2.0 >= best);
    }
    Ok(top.into_iter().map(|(_, address)| address).collect())
}

/// The three ways candidates are chosen.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Verbatim,
    Pairs,
    Words,
}

/// The documents with the most of the quotation's pairs of neighbouring words (within a
/// piece: an ellipsis parts them), each pair counting 1 however often it stands there, so a
/// long document is not ranked below a short one. The rarest pairs (by their commoner word)
/// are asked for, at most [`MAX_PAIRS`].
fn pairs_query(searcher: &Searcher, quote: &QuoteWords, field: Field) -> BooleanQuery {
    let doc_freq = |word: &String| {
        searcher
            .doc_freq(&Term::from_field_text(field, word))
            .unwrap_or(0)
    };
    // Each pair with whether both its words are stop words (`of the`: in nearly every
    // document, the costliest to find and the least telling) and its commoner word's count.
    let mut pairs: Vec<(bool, u64, [&String; 2])> = Vec::new();
    for piece in &quote.pieces {
        for pair in quote.words[piece.clone()].windows(2) {
            let pair = [&pair[0], &pair[1]];
            if pairs.iter().any(|(_, _, seen)| *seen == pair) {
                continue;
            }
            let (first, second) = (doc_freq(pair[0]), doc_freq(pair[1]));
            // A pair with a word the index does not hold is in no document.
            if first.min(second) > 0 {
                let stop_words = pair.iter().all(|word| is_stop_word(word));
                pairs.push((stop_words, first.max(second), pair));
            }
        }
    }
    pairs.sort_by_key(|&(stop_words, commoner, _)| (stop_words, commoner));
    // Pairs of common words, and then of stop words, are asked for only when the quotation
    // has too few others.
    let common = searcher.num_docs() / COMMON_WORD_SHARE;
    let informative = pairs
        .iter()
        .take_while(|&&(stop_words, commoner, _)| !stop_words && commoner <= common)
        .count();
    pairs.truncate(informative.clamp(MIN_PAIRS, MAX_PAIRS));
    BooleanQuery::new(
        pairs
            .into_iter()
            .map(|(_, _, [a, b])| {
                let phrase = PhraseQuery::new(vec![
                    Term::from_field_text(field, a),
                    Term::from_field_text(field, b),
                ]);
                let counted: Box<dyn Query> = Box::new(ConstScoreQuery::new(Box::new(phrase), 1.0));
                (Occur::Should, counted)
            })
            .collect(),
    )
}

fn phrase_or_term(words: &[String], field: Field) -> Box<dyn Query> {
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
/// A few, so a document's words are compared with them one by one rather than hashed.
pub(super) fn rarest_words(searcher: &Searcher, field: Field, words: &[&String]) -> Vec<String> {
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

/// The stretches of a document's `words` around its `seeds` (rare words of the quotation)
/// where the whole quotation could stand, its ellipses filled, stretches that overlap
/// merged up to twice the length of one: those most of the seeds point at first, at most
/// [`MAX_WINDOWS_PER_DOC`]. (Where the seeds are common words of the document, merging
/// them all made one stretch of the whole text, and aligning a long quotation with it a
/// table of billions of cells.)
pub(super) fn windows(quote: &QuoteWords, words: &[Word], seeds: &[String]) -> Vec<Range<usize>> {
    let m = quote.words.len();
    let slack = 4 + m / 4;
    let allowed_gaps: usize = quote.gap_before.iter().sum();
    let longest = 2 * (m + 2 * (slack + allowed_gaps));
    // Stretches around the seeds, each with how many of the quotation's words seeded it.
    let mut windows: Vec<(Range<usize>, HashSet<usize>)> = Vec::new();
    for (p, word) in words.iter().enumerate() {
        if !seeds.iter().any(|seed| *seed == word.text) {
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
                Some((last, seeded))
                    if start <= last.end
                        && end.max(last.end) - start.min(last.start) <= longest =>
                {
                    last.start = last.start.min(start);
                    last.end = last.end.max(end);
                    seeded.insert(qi);
                }
                _ => {
                    let mut seeded = HashSet::new();
                    seeded.insert(qi);
                    windows.push((start..end, seeded));
                }
            }
        }
    }
    // The stretches most of the quotation's rare words point at are aligned first.
    windows.sort_by_key(|(range, seeded)| (std::cmp::Reverse(seeded.len()), range.start));
    windows.truncate(MAX_WINDOWS_PER_DOC);
    windows.into_iter().map(|(range, _)| range).collect()
}
