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
use crate::highlight::matches::{Word, each_word};
use crate::index::DossierIndex;
use crate::index::schema::LONGEST_WORD_BYTES;
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
            .filter_map(|piece| phrase_or_term(&quote.words[piece.clone()], field))
            .map(|query| (Occur::Must, query))
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

/// The query for a piece of the quotation as the index holds it: its words at their
/// places, those too long for the index left out (their places stay); `None` for a piece
/// of such words alone, which the index cannot tell anything of.
fn phrase_or_term(words: &[String], field: Field) -> Option<Box<dyn Query>> {
    let mut terms: Vec<(usize, Term)> = words
        .iter()
        .enumerate()
        .filter(|(_, w)| w.len() < LONGEST_WORD_BYTES)
        .map(|(at, w)| (at, Term::from_field_text(field, w)))
        .collect();
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            terms.remove(0).1,
            IndexRecordOption::Basic,
        ))),
        _ => Some(Box::new(PhraseQuery::new_with_offset(terms))),
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

/// The words of `text` in the stretches around its `seeds` (rare words of the quotation)
/// where the whole quotation could stand, and those stretches (ranges of the words given,
/// which hold as well the word before each stretch and the word after it).
///
/// Only the stretches' words are kept: the text is read twice, once to count its words,
/// note where every [`WORD_STARTS_EVERY`]th one starts and where the seeds stand, and once
/// in each stretch, from the noted start before it. (Keeping every word of a text took
/// about thirteen times its size: gigabytes for a long one.)
pub(super) fn stretches<'a>(
    quote: &QuoteWords,
    text: &'a str,
    seeds: &[String],
) -> (Vec<Word<'a>>, Vec<Range<usize>>) {
    let mut count = 0;
    let mut starts = Vec::new();
    // Where each seed stands, by word and by the quotation's word it is.
    let mut seeded: Vec<(u32, u32)> = Vec::new();
    each_word(text, |word| {
        if count % WORD_STARTS_EVERY == 0 {
            starts.push(word.start);
        }
        if seeds.iter().any(|seed| *seed == word.text) {
            let same = (0..quote.words.len()).filter(|&qi| quote.words[qi] == word.text);
            seeded.extend(same.map(|qi| (count as u32, qi as u32)));
        }
        count += 1;
    });
    let mut windows = Windows::new(quote, count);
    for (p, qi) in seeded {
        windows.seed(p as usize, qi as usize);
    }
    let mut words = Vec::new();
    let mut stretches = Vec::new();
    for range in windows.best() {
        // With the word before the stretch and the one after, which describing an
        // alignment at its edge looks at.
        let kept = range.start.saturating_sub(1)..range.end + 1;
        let first = kept.start / WORD_STARTS_EVERY;
        let from = starts[first];
        let to = starts
            .get(kept.end.div_ceil(WORD_STARTS_EVERY))
            .copied()
            .unwrap_or(text.len());
        let begin = words.len() + (range.start - kept.start);
        let mut index = first * WORD_STARTS_EVERY;
        each_word(&text[from..to], |mut word| {
            if kept.contains(&index) {
                word.start += from;
                word.end += from;
                words.push(word);
            }
            index += 1;
        });
        stretches.push(begin..begin + range.len());
    }
    (words, stretches)
}

/// How often [`stretches`] notes where a word starts.
const WORD_STARTS_EVERY: usize = 64;

/// The stretches of a text around its seeds, taken in the text's order: where the whole quotation
/// could stand, its ellipses filled, stretches that overlap merged up to twice the length
/// of one (where the seeds are common words of the document, merging them all made one
/// stretch of the whole text, and aligning a long quotation with it a table of billions
/// of cells); the best [`MAX_WINDOWS_PER_DOC`] kept, those most of the seeds point at
/// first.
struct Windows {
    /// The quotation's words.
    m: usize,
    /// The text's words.
    words: usize,
    /// Words on either side of a seed's place that the quotation may reach.
    reach: usize,
    longest: usize,
    /// The stretches closed, each with how many of the quotation's words seeded it.
    closed: Vec<(Range<usize>, usize)>,
    /// The stretch still growing, and the quotation's words that seeded it.
    open: Option<(Range<usize>, HashSet<usize>)>,
}

impl Windows {
    /// The stretches for `quote` in a text of `words` words.
    fn new(quote: &QuoteWords, words: usize) -> Windows {
        let m = quote.words.len();
        let slack = 4 + m / 4;
        let allowed_gaps: usize = quote.gap_before.iter().sum();
        Windows {
            m,
            words,
            reach: slack + allowed_gaps,
            longest: 2 * (m + 2 * (slack + allowed_gaps)),
            closed: Vec::new(),
            open: None,
        }
    }

    /// Takes in a seed standing at word `p` of the text, which is word `qi` of the
    /// quotation. Seeds come in the text's order.
    fn seed(&mut self, p: usize, qi: usize) {
        let start = p.saturating_sub(qi + self.reach);
        let end = (p + (self.m - qi) + self.reach).min(self.words);
        match &mut self.open {
            Some((last, seeded))
                if start <= last.end
                    && end.max(last.end) - start.min(last.start) <= self.longest =>
            {
                last.start = last.start.min(start);
                last.end = last.end.max(end);
                seeded.insert(qi);
            }
            _ => {
                let mut seeded = HashSet::new();
                seeded.insert(qi);
                if let Some((range, seeded)) = self.open.replace((start..end, seeded)) {
                    self.close(range, seeded.len());
                }
            }
        }
    }

    fn close(&mut self, range: Range<usize>, seeded: usize) {
        self.closed.push((range, seeded));
        // Kept to the best ones as it goes, so a text whose every line holds a seed does
        // not make a list as long as itself.
        if self.closed.len() >= 2 * MAX_WINDOWS_PER_DOC {
            self.keep_best();
        }
    }

    fn keep_best(&mut self) {
        self.closed
            .sort_by_key(|(range, seeded)| (std::cmp::Reverse(*seeded), range.start));
        self.closed.truncate(MAX_WINDOWS_PER_DOC);
    }

    /// The best stretches.
    fn best(mut self) -> Vec<Range<usize>> {
        if let Some((range, seeded)) = self.open.take() {
            self.closed.push((range, seeded.len()));
        }
        self.keep_best();
        self.closed.into_iter().map(|(range, _)| range).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quote::parse::parse_quotation;

    /// The stretches' words are the text's own words at those places, each stretch with its
    /// neighbours; and a long text whose every line holds a seed keeps only the best
    /// stretches' words, not its own.
    #[test]
    fn stretches_hold_the_text_s_words_there_and_no_more() {
        let line = "The Ministry said the ledger was FOUND in a basement; nobody signed it.\n";
        let text = line.repeat(20_000) + "Here the ledger was found by an auditor at last.\n";
        let quote = parse_quotation("the ledger was found by an auditor");
        let seeds = vec!["auditor".to_string(), "ledger".to_string()];
        let (words, stretches) = stretches(&quote, &text, &seeds);
        let mut all = Vec::new();
        each_word(&text, |w| all.push(w));
        assert_eq!(stretches.len(), MAX_WINDOWS_PER_DOC);
        let m = quote.words.len();
        let longest = 2 * (m + 2 * (4 + m / 4));
        assert!(
            words.len() <= MAX_WINDOWS_PER_DOC * (longest + 2),
            "{} words kept",
            words.len()
        );
        assert!(words.len() * 50 < all.len(), "{} words kept", words.len());
        // The stretch the rarer seed points at goes first, and holds the quotation.
        let first = &words[stretches[0].clone()];
        let found: Vec<&str> = first.iter().map(|w| &*w.text).collect();
        assert!(
            found
                .join(" ")
                .contains("the ledger was found by an auditor")
        );
        let same = |a: &Word, b: &Word| (a.start, a.end, &a.text) == (b.start, b.end, &b.text);
        for stretch in &stretches {
            let at = all
                .iter()
                .position(|w| w.start == words[stretch.start].start)
                .unwrap();
            for (i, word) in words[stretch.clone()].iter().enumerate() {
                assert!(same(word, &all[at + i]));
            }
            if at > 0 {
                assert!(same(&words[stretch.start - 1], &all[at - 1]));
            }
            if let Some(after) = all.get(at + stretch.len()) {
                assert!(same(&words[stretch.end], after));
            }
        }
    }
}
