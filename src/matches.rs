//! Locating a query's matches in a document's text, as exact byte ranges.
//!
//! The text is analyzed again with the index's own analyzer, so every token carries its
//! position and byte offsets. A phrase matches where its words stand at consecutive
//! positions (or within its slop), and yields one range from its first word to its last;
//! its words elsewhere are not matches. A keyword matches every word with the same stem.

use std::collections::HashMap;

use tantivy::tokenizer::TextAnalyzer;

use crate::query::{Pattern, QueryTerm};
use crate::schema::{exact_analyzer, stemmed_analyzer};

/// One match of one query clause in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    /// Index of the clause in the query's terms.
    pub term: usize,
}

/// A word of the text, as the exact analyzer sees it.
pub(crate) struct Word {
    pub position: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Finds every match of `terms` in `text`, sorted by start.
pub fn find_matches(text: &str, terms: &[QueryTerm]) -> Vec<Match> {
    if terms.is_empty() {
        return Vec::new();
    }
    let words = tokenize(text);
    let mut stemmer = Stemmer::new();
    let mut found = Vec::new();
    for (term_index, term) in terms.iter().enumerate() {
        let mut push = |start, end| {
            found.push(Match {
                start,
                end,
                term: term_index,
            })
        };
        match &term.pattern {
            Pattern::Word {
                words: wanted,
                stemmed,
            } => {
                for w in &words {
                    let hit = if *stemmed {
                        wanted.iter().any(|stem| stemmer.same_stem(&w.text, stem))
                    } else {
                        wanted.contains(&w.text)
                    };
                    if hit {
                        push(w.start, w.end);
                    }
                }
            }
            Pattern::Fuzzy { word, distance } => {
                let distance = *distance as usize;
                let length = word.chars().count();
                for w in &words {
                    if w.text.chars().count().abs_diff(length) <= distance
                        && strsim::osa_distance(&w.text, word) <= distance
                    {
                        push(w.start, w.end);
                    }
                }
            }
            Pattern::Prefix { prefix } => {
                for w in words.iter().filter(|w| w.text.starts_with(prefix.as_str())) {
                    push(w.start, w.end);
                }
            }
            Pattern::Phrase {
                words: phrase,
                slop,
                last_is_prefix,
            } => {
                for (start, end) in phrase_matches(&words, phrase, *slop, *last_is_prefix) {
                    push(start, end);
                }
            }
        }
    }
    found.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    found
}

pub(crate) fn tokenize(text: &str) -> Vec<Word> {
    let mut analyzer = exact_analyzer();
    let mut words = Vec::new();
    analyzer.token_stream(text).process(&mut |token| {
        words.push(Word {
            position: token.position,
            start: token.offset_from,
            end: token.offset_to,
            text: token.text.clone(),
        })
    });
    words
}

/// Where `phrase` occurs in `words`, in order, with at most `slop` extra positions in all;
/// with `last_is_prefix`, its last word need only start the document's word.
fn phrase_matches<'a>(
    words: &'a [Word],
    phrase: &'a [String],
    slop: u32,
    last_is_prefix: bool,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    let slop = slop as usize;
    let fits = move |index: usize, word: &Word| {
        if last_is_prefix && index + 1 == phrase.len() {
            word.text.starts_with(phrase[index].as_str())
        } else {
            word.text == phrase[index]
        }
    };
    (0..words.len()).filter_map(move |first| {
        if !fits(0, &words[first]) {
            return None;
        }
        let mut last = first;
        let mut slack = slop;
        for index in 1..phrase.len() {
            let wanted = words[last].position + 1;
            let next = words[last + 1..]
                .iter()
                .enumerate()
                .take_while(|(_, w)| w.position <= wanted + slack)
                .find(|(_, w)| fits(index, w))
                .map(|(offset, _)| last + 1 + offset)?;
            slack -= words[next].position - wanted;
            last = next;
        }
        Some((words[first].start, words[last].end))
    })
}

/// Stems words on demand, remembering the stems it has computed.
struct Stemmer {
    analyzer: TextAnalyzer,
    stems: HashMap<String, String>,
}

impl Stemmer {
    fn new() -> Stemmer {
        Stemmer {
            analyzer: stemmed_analyzer(),
            stems: HashMap::new(),
        }
    }

    fn same_stem(&mut self, word: &str, stem: &str) -> bool {
        // English stemming only ever changes a word's ending, so a word whose first letter
        // differs from the stem's cannot have that stem: no need to stem it.
        if word.chars().next() != stem.chars().next() {
            return false;
        }
        if let Some(known) = self.stems.get(word) {
            return known == stem;
        }
        let mut computed = String::new();
        self.analyzer
            .token_stream(word)
            .process(&mut |token| computed = token.text.clone());
        let same = computed == stem;
        self.stems.insert(word.to_string(), computed);
        same
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrase(words: &[&str], slop: u32) -> QueryTerm {
        QueryTerm {
            label: words.join(" "),
            pattern: Pattern::Phrase {
                words: words.iter().map(|w| w.to_string()).collect(),
                slop,
                last_is_prefix: false,
            },
        }
    }

    fn spans<'a>(text: &'a str, matches: &[Match]) -> Vec<&'a str> {
        matches.iter().map(|m| &text[m.start..m.end]).collect()
    }

    #[test]
    fn a_phrase_is_one_span_and_its_words_elsewhere_are_not_matches() {
        let text = "Presidents go. “Presidents come and go, and even die,” he said.";
        let found = find_matches(text, &[phrase(&["presidents", "come", "and", "go"], 0)]);
        assert_eq!(spans(text, &found), ["Presidents come and go"]);
    }

    #[test]
    fn a_phrase_matches_across_line_breaks_and_punctuation() {
        let text = "They said: presidents -- come\nand GO.";
        let found = find_matches(text, &[phrase(&["presidents", "come", "and", "go"], 0)]);
        assert_eq!(spans(text, &found), ["presidents -- come\nand GO"]);
    }

    #[test]
    fn slop_allows_words_between() {
        let text = "peace deal plan; peace and security plan";
        let found = find_matches(text, &[phrase(&["peace", "plan"], 1)]);
        assert_eq!(spans(text, &found), ["peace deal plan"]);
    }

    #[test]
    fn keywords_match_every_inflected_form() {
        let term = QueryTerm {
            label: "negotiate".into(),
            pattern: Pattern::Word {
                words: vec!["negoti".into()],
                stemmed: true,
            },
        };
        let text = "Negotiations: they negotiated; négociations differ.";
        let found = find_matches(text, &[term]);
        assert_eq!(spans(text, &found), ["Negotiations", "negotiated"]);
    }
}
