//! Checking a quotation against the dossier: where it is quoted verbatim, and otherwise the
//! closest wordings, with a similarity figure and the differences word by word.
//!
//! This folder owns everything from the pasted text to the matches: reading the quotation
//! (`parse.rs`), choosing from the index the documents and the stretches of them worth
//! aligning, never reading every file (`candidates.rs`), aligning the quotation with each
//! stretch ([`align`]), and turning an alignment into a passage and its differences
//! (`describe.rs`); [`check_quotation`] runs them in that order. It reads the index and
//! stored texts and never writes them; it does not parse search queries (`query`) or rank
//! hits (`search`), and it returns plain data that the printers word: nothing here knows
//! of terminals, JSON or the command line.

mod candidates;
mod describe;
mod parse;

pub mod align;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::{DocAddress, TantivyDocument};

use crate::error::{Error, Result};
use crate::index::DossierIndex;
use crate::index::stored::StoredDocument;
use crate::query::variants::Variants;
use crate::text::lines::Lines;
use crate::text::words::compounds_wrapped;

use align::{Aligner, Alignment, best_alignments};
use candidates::{near_documents, rarest_words, stretches, verbatim_documents};
use describe::{Found, describe};

pub use describe::{Difference, DifferenceKind, QuoteMatch, Verdict};
pub use parse::{QuoteWords, parse_quotation, parse_with_literal_brackets};

/// Near matches below this similarity are not shown unless the user asks for them.
pub const DEFAULT_MIN_SIMILARITY: f32 = 0.6;

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
        // No place shown would say nothing of where the quotation stands, and the check
        // looks only as far as the places it shows.
        if self.limit == 0 {
            return Err(Error::Usage(
                "--limit 0: a quotation check shows at least one place".to_string(),
            ));
        }
        if !(0.0..=1.0).contains(&self.min_similarity) {
            return Err(Error::Usage(
                "--min-similarity takes a number from 0 to 1".to_string(),
            ));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct QuoteResults {
    /// The quotation's words, as dossier compared them.
    pub words: Vec<String>,
    pub matches: Vec<QuoteMatch>,
    /// Why some candidate documents could not be checked (a long document's file changed
    /// or vanished since it was indexed).
    pub problems: Vec<String>,
}

impl QuoteResults {
    pub fn verbatim_count(&self) -> usize {
        self.matches
            .iter()
            .filter(|m| m.verdict == Verdict::Verbatim)
            .count()
    }
}

/// A document's text with what aligning the quotation in it found.
struct AlignedText {
    text: String,
    lines: Lines,
    /// Where each word of the text stands in it (the alignments' word numbers index this).
    words: Vec<Range<usize>>,
    found: Vec<(Alignment, bool)>,
}

/// Where `quote`, one reading of the quotation of `request`, stands in the dossier, verbatim
/// or, with `near`, nearly; `problems` gets why a candidate document could not be read.
#[allow(clippy::too_many_arguments)]
fn matches_of(
    quote: &QuoteWords,
    near: bool,
    index: &DossierIndex,
    searcher: &tantivy::Searcher,
    request: &QuoteRequest,
    variants: &Variants,
    corpus: &Path,
    problems: &mut Vec<String>,
) -> Result<Vec<QuoteMatch>> {
    let unique_words: Vec<&String> = {
        let mut seen = HashSet::new();
        quote.words.iter().filter(|w| seen.insert(*w)).collect()
    };
    let seeds = rarest_words(searcher, index.fields.body_exact, &unique_words);
    let free: Vec<bool> = quote.gap_before.iter().map(|&g| g > 0).collect();
    // The other spellings of each quotation word that has them, worked out once for every
    // document (most quotations have none, and the map is then asked nothing).
    let names: HashMap<&str, Vec<String>> = quote
        .words
        .iter()
        .map(|w| (w.as_str(), variants.of(w, true)))
        .filter(|(_, spellings)| !spellings.is_empty())
        .collect();
    let same_name =
        |a: &str, b: &str| a != b && names.get(a).is_some_and(|v| v.iter().any(|s| s == b));
    let mut aligner = Aligner::new(&quote.words, &free, &same_name);
    let mut matches = Vec::new();
    let mut verbatim_places = HashSet::new();
    // The last text aligned, so that copies of one text (an attachment sent in ten e-mails,
    // a file saved in two folders), which rank side by side, are aligned once and
    // described for each.
    let mut last: Option<AlignedText> = None;
    // Aligns the quotation in the document at `address`; says how many places hold it
    // word for word so far.
    let mut align_in = |address: DocAddress| -> Result<usize> {
        let doc: TantivyDocument = searcher.doc(address).map_err(|e| index.error(e))?;
        let stored = StoredDocument::new(&doc, &index.fields);
        // A long document whose file changed since indexing cannot be quoted from: said,
        // or the quotation would seem to stand nowhere.
        let text = match stored.whole_text(corpus) {
            Ok(text) => text,
            Err(unavailable) => {
                let problem = unavailable.to_string();
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
                return Ok(verbatim_places.len());
            }
        };
        let aligned = match last.take() {
            Some(aligned) if aligned.text == text => aligned,
            _ => {
                let (words, stretches) = stretches(quote, &text, &seeds);
                let found = best_alignments(quote, &words, &stretches, &text, &mut aligner);
                AlignedText {
                    words: words.iter().map(|w| w.start..w.end).collect(),
                    lines: Lines::new(&text),
                    found,
                    text,
                }
            }
        };
        for (alignment, verbatim) in &aligned.found {
            let verbatim = *verbatim;
            let similarity = if verbatim {
                1.0
            } else {
                alignment.similarity(quote.words.len())
            };
            if !verbatim && (!near || similarity < request.min_similarity) {
                continue;
            }
            if verbatim {
                // By where it starts in the text: stretches that overlap find it twice.
                let start = aligned.words[alignment.first_doc].start;
                verbatim_places.insert((address, start));
            }
            matches.push(describe(&Found {
                quote,
                alignment,
                verbatim,
                similarity,
                document: &stored,
                text: &aligned.text,
                lines: &aligned.lines,
                words: &aligned.words,
            }));
        }
        last = Some(aligned);
        Ok(verbatim_places.len())
    };
    let verbatim = verbatim_documents(index, searcher, quote, request.limit)?;
    let mut places = 0;
    for &address in &verbatim {
        places = align_in(address)?;
    }
    // Once the documents that hold it word for word give `limit` places, no near match
    // would be shown (verbatim ones come first): no other document is looked for.
    if near && places < request.limit {
        let near = near_documents(
            index,
            searcher,
            quote,
            &unique_words,
            request.limit,
            &verbatim,
        )?;
        for address in near {
            align_in(address)?;
        }
    }
    Ok(matches)
}

/// Of the quotation's hyphenated compounds, those (by their first word) that the index
/// may hold wrapped at their hyphen: the words they join (`socalled`), alone or with the
/// compounds they run on into (`mother-in-law`, held as `motherinlaw` when both hyphens
/// were wrapped), are words of the index (`held`).
fn compounds_held_whole(quote: &QuoteWords, held: impl Fn(&str) -> bool) -> Vec<usize> {
    let starts: Vec<usize> = quote.compounds.iter().map(|(i, _)| *i).collect();
    let mut wrappable = vec![false; starts.len()];
    for first in 0..starts.len() {
        // The compounds that run on from this one: `first..=last`, each starting at the
        // word the one before ends with.
        let mut joined = quote.words[starts[first]].clone();
        for last in first..starts.len() {
            if last > first && starts[last] != starts[last - 1] + 1 {
                break;
            }
            joined.push_str(&quote.words[starts[last] + 1]);
            if held(&joined) {
                wrappable[first..=last].fill(true);
            }
        }
    }
    starts
        .into_iter()
        .zip(wrappable)
        .filter_map(|(start, wrappable)| wrappable.then_some(start))
        .collect()
}

/// The longest quotation checked, in words.
pub const MAX_QUOTATION_WORDS: usize = 1000;

/// Finds where the quotation of `request` stands in the dossier in `corpus`, verbatim or
/// nearly; the spellings of one name in `variants` count as close spellings.
pub fn check_quotation(
    index: &DossierIndex,
    request: &QuoteRequest,
    variants: &Variants,
    corpus: &Path,
) -> Result<QuoteResults> {
    request.check()?;
    let mut quote = parse_quotation(&request.text);
    let mut literal = parse_with_literal_brackets(&request.text);
    // `[prices]` alone: the document's brackets or nothing.
    if quote.words.is_empty() {
        quote = literal.take().unwrap_or_default();
    }
    if quote.words.is_empty() {
        return Err(Error::Usage(
            "the quotation has no words to look for".to_string(),
        ));
    }
    // Aligning costs the quotation's length times the stretch's, itself about the
    // quotation's: a page is checked in a second, a chapter would take hours.
    if quote.words.len() > MAX_QUOTATION_WORDS {
        return Err(Error::Usage(format!(
            "the quotation has {} words; at most {MAX_QUOTATION_WORDS} are checked at once: \
             check it a paragraph at a time",
            quote.words.len()
        )));
    }
    let searcher = index.searcher()?;
    // A hyphenated compound may stand wrapped at its hyphen in a document, one word there
    // (`so-⏎called`): the quotation read so is looked for word for word, for the compounds
    // that the index holds as one word.
    let wrappable = compounds_held_whole(&quote, |word| {
        let term = tantivy::Term::from_field_text(index.fields.body_exact, word);
        searcher.doc_freq(&term).is_ok_and(|count| count > 0)
    });
    let wrapped: Vec<QuoteWords> = compounds_wrapped(&wrappable)
        .into_iter()
        .map(|joins| {
            // Each combination has a compound; the last first, so the others' places hold.
            let mut reading = quote.with_compound_wrapped(joins[0]);
            for &i in &joins[1..] {
                reading = reading.with_compound_wrapped(i);
            }
            reading
        })
        .collect();
    // A document may hold brackets of its own: `the [prices] rose` quotes it word for word,
    // and that reading, whole, goes first where both find the same place.
    let readings = (literal
        .iter()
        .chain([&quote])
        .map(|reading| (reading, true)))
    .chain(wrapped.iter().map(|reading| (reading, false)));
    let mut problems = Vec::new();
    let mut matches = Vec::new();
    for (reading, near) in readings {
        matches.extend(matches_of(
            reading,
            near,
            index,
            &searcher,
            request,
            variants,
            corpus,
            &mut problems,
        )?);
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
    // The same place found by both readings of brackets: its best.
    let mut seen = HashSet::new();
    matches.retain(|m| seen.insert((m.doc_id.clone(), m.passage.start)));
    matches.truncate(request.limit);
    Ok(QuoteResults {
        words: quote.originals,
        matches,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compounds_are_wrappable_where_the_index_holds_their_words_joined() {
        let quote = parse_quotation("a so-called mother-in-law and a well-known e-mail");
        let starts: Vec<usize> = quote.compounds.iter().map(|(i, _)| *i).collect();
        assert_eq!(starts, [1, 3, 4, 8, 10]);
        let held = ["socalled", "motherinlaw", "wellknown"];
        // `mother-in-law` wrapped at both hyphens makes both compounds wrappable;
        // `e-mail`, not held whole, is not.
        assert_eq!(
            compounds_held_whole(&quote, |word| held.contains(&word)),
            [1, 3, 4, 8]
        );
        assert_eq!(compounds_held_whole(&quote, |word| word == "inlaw"), [4]);
    }
}
