//! Reading a pasted quotation into the words to look for, folded as the index folds them,
//! and the places where an ellipsis or an editor's insertion lets the document hold other
//! words.

use std::ops::Range;

use crate::text::words::{compound_joined, hyphenated_compounds};

/// At most this many words may stand in a quotation's ellipsis.
const ELLIPSIS_MAX_WORDS: usize = 60;
/// At most this many words may stand where an editor put `[the president]`.
const INSERTION_MAX_WORDS: usize = 4;

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
    /// Hyphenated compounds (`so-called`): the `i` of their first word, and the hyphen
    /// as written (see [`hyphenated_compounds`]).
    pub compounds: Vec<(usize, String)>,
    /// Words joined to the next by an apostrophe (`don't`, two words to the analyzer): the
    /// `i` of the first, and the apostrophe as written, so that a difference in the pair is
    /// shown as one.
    pub contractions: Vec<(usize, String)>,
}

impl QuoteWords {
    /// This reading as a document holds it where the compound that starts at word `i`
    /// (one of [`QuoteWords::compounds`]) was wrapped at its hyphen, and is one word there.
    pub fn with_compound_wrapped(&self, i: usize) -> QuoteWords {
        let shift = |at: usize| if at > i { at - 1 } else { at };
        let mut originals = self.originals.clone();
        let mut gap_before = self.gap_before.clone();
        originals.remove(i + 1);
        gap_before.remove(i + 1);
        let mut compounds = Vec::new();
        for (start, hyphen) in &self.compounds {
            if *start == i {
                originals[i] = format!("{}{hyphen}{}", self.originals[i], self.originals[i + 1]);
            } else {
                compounds.push((shift(*start), hyphen.clone()));
            }
        }
        QuoteWords {
            words: compound_joined(&self.words, i),
            originals,
            gap_before,
            pieces: self
                .pieces
                .iter()
                .map(|piece| shift(piece.start)..shift(piece.end))
                .collect(),
            compounds,
            contractions: self
                .contractions
                .iter()
                .map(|(at, apostrophe)| (shift(*at), apostrophe.clone()))
                .collect(),
        }
    }
}

impl QuoteWords {
    /// Words `range` of the quotation as written: apart by a space, or by the apostrophe
    /// that joins a contraction.
    pub fn written(&self, range: std::ops::RangeInclusive<usize>) -> String {
        let mut written = String::new();
        for i in range {
            if !written.is_empty() {
                let joined = self.contractions.iter().find(|(at, _)| *at + 1 == i);
                written.push_str(joined.map_or(" ", |(_, apostrophe)| apostrophe.as_str()));
            }
            written.push_str(&self.originals[i]);
        }
        written
    }
}

/// Whether `between`, the text between two words, joins them into one written word by an
/// apostrophe (`don't`, `don’t`).
pub fn is_apostrophe(between: &str) -> bool {
    matches!(between, "'" | "’" | "ʼ")
}

/// Reads a pasted quotation: outer quotation marks go, an ellipsis (`…`, `...`, `[...]`,
/// `[…]`) lets words be left out, and a bracketed insertion (`[the president]`) is dropped.
pub fn parse_quotation(text: &str) -> QuoteWords {
    parse(text, true)
}

/// The quotation read with its brackets as the document's own (`the [prices] rose` quoting
/// a text that has them), when it has a bracketed insertion; `None` when it has none.
pub fn parse_with_literal_brackets(text: &str) -> Option<QuoteWords> {
    let with_insertions = parse(text, true);
    let literal = parse(text, false);
    (literal.words != with_insertions.words).then_some(literal)
}

fn parse(text: &str, insertions: bool) -> QuoteWords {
    let mut analyzer = crate::index::schema::exact_analyzer_keeping_long_words();
    let mut parsed = QuoteWords::default();
    let mut gap = 0;
    let mut segment_start = 0;
    let mut push_segment =
        |segment: &str, gap_after: usize, parsed: &mut QuoteWords, gap: &mut usize| {
            let first = parsed.words.len();
            let mut ranges = Vec::new();
            analyzer.token_stream(segment).process(&mut |token| {
                parsed.words.push(token.text.clone());
                parsed
                    .originals
                    .push(segment[token.offset_from..token.offset_to].to_string());
                parsed.gap_before.push(0);
                ranges.push(token.offset_from..token.offset_to);
            });
            for i in hyphenated_compounds(segment, &ranges) {
                let hyphen = &segment[ranges[i].end..ranges[i + 1].start];
                parsed.compounds.push((first + i, hyphen.to_string()));
            }
            for (i, pair) in ranges.windows(2).enumerate() {
                let between = &segment[pair[0].end..pair[1].start];
                if is_apostrophe(between) {
                    parsed.contractions.push((first + i, between.to_string()));
                }
            }
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
            if matches!(inner, "..." | "…" | "") {
                Some((inner_end + 2, ELLIPSIS_MAX_WORDS))
            } else if insertions {
                Some((inner_end + 2, INSERTION_MAX_WORDS))
            } else {
                None
            }
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
        let literal = parse_with_literal_brackets("he said [the talks] were... constructive");
        assert_eq!(
            literal.unwrap().words,
            ["he", "said", "the", "talks", "were", "constructive"]
        );
        assert!(parse_with_literal_brackets("he said […] constructive").is_none());
    }

    #[test]
    fn a_compound_wrapped_at_its_hyphen_reads_as_one_word() {
        let q = parse_quotation("the so-called experts … a long‐standing practice");
        assert_eq!(q.compounds, [(1, "-".into()), (5, "‐".into())]);
        let wrapped = q.with_compound_wrapped(5).with_compound_wrapped(1);
        assert_eq!(
            wrapped.words,
            [
                "the",
                "socalled",
                "experts",
                "a",
                "longstanding",
                "practice"
            ]
        );
        assert_eq!(
            wrapped.originals,
            [
                "the",
                "so-called",
                "experts",
                "a",
                "long‐standing",
                "practice"
            ]
        );
        assert_eq!(wrapped.pieces, [0..3, 3..6]);
        assert_eq!(wrapped.gap_before, [0, 0, 0, ELLIPSIS_MAX_WORDS, 0, 0]);
        assert!(wrapped.compounds.is_empty());
        let once = q.with_compound_wrapped(1);
        assert_eq!(once.compounds, [(4, "‐".into())]);
        assert_eq!(once.pieces, [0..3, 3..7]);
        // A compound of three words, wrapped at both hyphens: the last join first.
        let q = parse_quotation("his mother-in-law");
        let wrapped = q.with_compound_wrapped(2).with_compound_wrapped(1);
        assert_eq!(wrapped.words, ["his", "motherinlaw"]);
        assert_eq!(wrapped.originals, ["his", "mother-in-law"]);
    }
}
