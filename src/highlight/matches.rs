//! Locating a query's matches in a document's text, as exact byte ranges.
//!
//! The text is analyzed again with the index's own analyzer, so every token carries its
//! position and byte offsets. A phrase matches where its words stand at consecutive
//! positions (or within its slop), and yields one range from its first word to its last;
//! its words elsewhere are not matches. A keyword matches every word with the same stem.

use std::borrow::Cow;
use std::ops::Range;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use tantivy::tokenizer::TextAnalyzer;

use crate::index::schema::{
    LONGEST_WORD_BYTES, exact_analyzer_keeping_long_words, indexed_exact_analyzer, stemmed_analyzer,
};
use crate::index::tokenizer::FIRST_HALF_POSITION;
use crate::query::stems::{is_irregular, shared_beginning};
use crate::query::{Pattern, QueryTerm, Within};
use crate::text::words::{continues_hyphenated_word, rest_of_hyphenated_word, word_starts};

/// One match of one query clause in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    /// Index of the clause in the query's terms.
    pub term: usize,
}

/// A word of the text, as the exact analyzer sees it: borrowed from the text when folding
/// left it as written (most words), so a long text is not copied word by word.
pub(crate) struct Word<'a> {
    pub position: usize,
    pub start: usize,
    pub end: usize,
    pub text: Cow<'a, str>,
}

/// Keeps, of `matches` found in `text`, those of the clauses that search only a part of a
/// document (`title:`, `subject:`) that stand in that part, which is at the document's
/// start: none when `text` is a stretch from further on (`starts_document` false).
fn keep_within(text: &str, starts_document: bool, matches: &mut Vec<Match>, terms: &[QueryTerm]) {
    if terms.iter().all(|term| term.within == Within::Text) {
        return;
    }
    let inside = |range: &Range<usize>, m: &Match| range.start <= m.start && m.end <= range.end;
    matches.retain(|m| match terms[m.term].within {
        Within::Text => true,
        _ if !starts_document => false,
        Within::Title => first_line(text).is_some_and(|line| inside(&line, m)),
        Within::Headers(names) => header_lines(text).any(|(name, line)| {
            names.iter().any(|wanted| wanted.eq_ignore_ascii_case(name)) && inside(&line, m)
        }),
    });
}

/// Where the first line of `text` with anything on it stands.
fn first_line(text: &str) -> Option<Range<usize>> {
    let mut start = 0;
    for line in text.split_inclusive(['\n', '\r']) {
        let content = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if !content.is_empty() {
            return Some(start..start + line.trim_end().len());
        }
        start += line.len();
    }
    None
}

/// The header lines at the start of `text` (`Subject: Talks`, up to the first blank line),
/// each with its name and where it stands.
fn header_lines(text: &str) -> impl Iterator<Item = (&str, Range<usize>)> {
    text.split_inclusive('\n')
        .scan(0, |start, line| {
            let range = *start..*start + line.trim_end().len();
            *start += line.len();
            Some((line, range))
        })
        .take_while(|(line, _)| !line.trim().is_empty())
        .filter_map(|(line, range)| Some((line.split_once(':')?.0, range)))
}

/// Finds every match of `terms` in `text`, a document's whole text, sorted by start. A
/// clause that searches a part of the document (`title:`, `subject:`) matches only there.
///
/// The work grows with the text's words plus its distinct words times the query's clauses,
/// never with the text's words times the clauses: a query of thousands of words, or
/// thousands of fuzzy words, on a long document must still answer.
pub fn find_matches(text: &str, terms: &[QueryTerm]) -> Vec<Match> {
    find_matches_in(text, std::slice::from_ref(&(0..text.len())), terms)
}

/// [`find_matches`] in a stretch of a document's text that starts further on than the
/// document: the clauses that search a part at the document's start match nothing in it.
pub fn find_matches_further_on(text: &str, terms: &[QueryTerm]) -> Vec<Match> {
    let mut found = matches_in_stretches(text, std::slice::from_ref(&(0..text.len())), terms);
    keep_within(text, false, &mut found, terms);
    found
}

/// Finds every match of `terms` inside `stretches` of `text`, a document's whole text
/// (sorted, apart, each starting on a word), as byte ranges of the whole text, sorted by
/// start. A phrase matches within one stretch, never across two. As in [`find_matches`], a
/// clause that searches a part of the document matches only there.
pub fn find_matches_in(text: &str, stretches: &[Range<usize>], terms: &[QueryTerm]) -> Vec<Match> {
    let mut found = matches_in_stretches(text, stretches, terms);
    keep_within(text, true, &mut found, terms);
    found
}

/// The matches of `terms` inside `stretches` of `text`, in whichever part of a document
/// their clauses search. The set-up (the query's clauses, the stems and clauses of each
/// distinct word) is shared by all the stretches.
fn matches_in_stretches(text: &str, stretches: &[Range<usize>], terms: &[QueryTerm]) -> Vec<Match> {
    if terms.is_empty() {
        return Vec::new();
    }
    // The index's analysis: the halves of a word hyphenated across a line end are words
    // too (after the text's words).
    let mut analyzer = indexed_exact_analyzer();
    let single = SingleWordClauses::new(terms);
    let mut clauses_of_word: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut stemmer = Stemmer::new();
    let has_phrases = terms
        .iter()
        .any(|term| matches!(term.pattern, Pattern::Phrase { .. }));
    // A word no clause can start with is passed over: a phrase finds its words by their
    // positions, which count every word.
    let wanted_first_bytes = first_bytes_wanted(&single, terms);
    let first_byte_wanted = |first: u8| {
        wanted_first_bytes
            .as_ref()
            .is_none_or(|wanted| wanted[usize::from(first)])
    };
    let mut found: Vec<Match> = Vec::new();
    let mut words = Vec::new();
    for stretch in stretches {
        let base = stretch.start;
        let part = &text[stretch.clone()];
        words.clear();
        for_each_word(
            &mut analyzer,
            part,
            first_byte_wanted,
            |w| {
                if single.may_match(&w.text) {
                    // Keyed by the word as written: its stem must come from that, as the
                    // index's did.
                    let written = &part[w.start..w.end];
                    let clauses = clauses_of_word
                        .entry(written)
                        .or_insert_with(|| single.matching(&w.text, written, &mut stemmer));
                    let (start, end) = (base + w.start, base + w.end);
                    for &term in clauses.iter() {
                        // A half of a hyphenated word (given after the words of its run)
                        // that a match of its clause holds adds nothing: `govern` in
                        // `govern-⏎ment`, which `government` matched.
                        if w.position >= FIRST_HALF_POSITION
                            && found
                                .iter()
                                .rev()
                                .take_while(|m| m.end > start)
                                .any(|m| m.term == term && m.start <= start && m.end >= end)
                        {
                            continue;
                        }
                        found.push(Match { start, end, term });
                    }
                }
                // Only phrases need the words kept: a query of keywords looks at each once.
                // The halves of hyphenated words are words, never in a phrase.
                if has_phrases && w.position < FIRST_HALF_POSITION {
                    words.push(w);
                }
            },
            LONGEST_WORD_BYTES,
        );
        for (term_index, term) in terms.iter().enumerate() {
            if let Pattern::Phrase {
                words: phrase,
                slop,
                last_is_prefix,
            } = &term.pattern
            {
                let mut spans = phrase_matches(&words, phrase, *slop, *last_is_prefix);
                if spans.is_empty() && *slop > 0 && !*last_is_prefix {
                    // tantivy lets a sloppy phrase's words trade places ("come presidents"~2
                    // finds "presidents come"); a hit must still show where it matched.
                    spans = unordered_phrase_matches(&words, phrase, *slop);
                }
                for (start, end) in spans {
                    found.push(Match {
                        start: base + start,
                        end: base + end,
                        term: term_index,
                    });
                }
            }
        }
    }
    // Of the clauses that match the same words, the one typed before another's variant:
    // `Kiev` in `Kyiv Kiev` is the clause Kiev's, not a spelling of Kyiv.
    found.sort_by_key(|m| {
        let variant = terms[m.term].variant.is_some();
        (m.start, std::cmp::Reverse(m.end), variant, m.term)
    });
    found
}

/// The first bytes a (folded) word must start with to match any clause: those `single`
/// wants, and those the words of the query's phrases start with. `None` when any word may
/// (a fuzzy word, or a phrase ending in an empty prefix).
fn first_bytes_wanted(single: &SingleWordClauses, terms: &[QueryTerm]) -> Option<[bool; 256]> {
    let mut wanted = single.first_bytes?;
    for term in terms {
        if let Pattern::Phrase { words, .. } = &term.pattern {
            for word in words {
                wanted[usize::from(*word.as_bytes().first()?)] = true;
            }
        }
    }
    Some(wanted)
}

/// The clauses that match one word of the text at a time (words, fuzzy words, prefixes),
/// arranged so that a word finds its clauses without trying every clause in turn.
struct SingleWordClauses<'a> {
    /// Clause indexes by the stem they want.
    stems: HashMap<&'a str, Vec<usize>>,
    /// The beginnings a word must have to have one of those stems ([`shared_beginning`]),
    /// and their lengths in bytes: stemming every distinct word of a text cost more than
    /// the rest of finding its matches.
    stem_beginnings: HashSet<&'a str>,
    stem_beginning_lengths: Vec<usize>,
    /// Clause indexes by the word, as written, they want.
    exact: HashMap<&'a str, Vec<usize>>,
    fuzzy: Vec<(usize, &'a str, usize, usize)>,
    prefixes: Vec<(usize, &'a str)>,
    /// The first bytes a (folded) word must start with to match any clause, or `None` when
    /// any word may: most words of a text are passed over without a hash lookup.
    first_bytes: Option<[bool; 256]>,
}

impl<'a> SingleWordClauses<'a> {
    fn new(terms: &'a [QueryTerm]) -> Self {
        let mut clauses = SingleWordClauses {
            stems: HashMap::new(),
            stem_beginnings: HashSet::new(),
            stem_beginning_lengths: Vec::new(),
            exact: HashMap::new(),
            fuzzy: Vec::new(),
            prefixes: Vec::new(),
            first_bytes: None,
        };
        for (index, term) in terms.iter().enumerate() {
            match &term.pattern {
                Pattern::Word { words, stemmed } => {
                    let by = if *stemmed {
                        &mut clauses.stems
                    } else {
                        &mut clauses.exact
                    };
                    for word in words {
                        let list = by.entry(word.as_str()).or_default();
                        if list.last() != Some(&index) {
                            list.push(index);
                        }
                    }
                }
                Pattern::Fuzzy {
                    word,
                    distance,
                    stem,
                } => {
                    clauses
                        .fuzzy
                        .push((index, word, word.chars().count(), *distance as usize));
                    // The query finds the word's inflections too: `underlying~2` finds
                    // "under", which is more than two edits away.
                    if !stem.is_empty() {
                        clauses.stems.entry(stem.as_str()).or_default().push(index);
                    }
                }
                Pattern::Prefix { prefix } => clauses.prefixes.push((index, prefix)),
                Pattern::Phrase { .. } => {}
            }
        }
        for stem in clauses.stems.keys() {
            let beginning = shared_beginning(stem);
            clauses.stem_beginnings.insert(beginning);
            clauses.stem_beginning_lengths.push(beginning.len());
        }
        clauses.stem_beginning_lengths.sort_unstable();
        clauses.stem_beginning_lengths.dedup();
        clauses.first_bytes = clauses.wanted_first_bytes();
        clauses
    }

    fn wanted_first_bytes(&self) -> Option<[bool; 256]> {
        // A near spelling may differ in its first letter.
        if !self.fuzzy.is_empty() {
            return None;
        }
        // The irregular forms (`dying`) start with their stem's first letter, so the stems'
        // beginnings cover them (a test in stems.rs keeps it so).
        let beginnings = self
            .exact
            .keys()
            .copied()
            .chain(self.stem_beginnings.iter().copied())
            .chain(self.prefixes.iter().map(|&(_, prefix)| prefix));
        let mut first_bytes = [false; 256];
        for beginning in beginnings {
            // An empty beginning (a prefix `*`) lets any word through.
            first_bytes[usize::from(*beginning.as_bytes().first()?)] = true;
        }
        Some(first_bytes)
    }

    /// Whether `word` (folded) may match a clause: false rules it out, true does not
    /// rule it in.
    fn may_match(&self, word: &str) -> bool {
        word.as_bytes()
            .first()
            .is_some_and(|&first| self.may_start_with(first))
    }

    /// Whether a (folded) word starting with `first` may match a clause. (A query of
    /// phrases only wants no first byte: it has nothing to look up word by word.)
    fn may_start_with(&self, first: u8) -> bool {
        self.first_bytes
            .as_ref()
            .is_none_or(|first_bytes| first_bytes[usize::from(first)])
    }

    /// Whether `word` (folded) begins as a word with one of the wanted stems must.
    fn may_have_a_stem(&self, word: &str) -> bool {
        !self.stems.is_empty()
            && (is_irregular(word)
                || self.stem_beginning_lengths.iter().any(|&length| {
                    word.get(..length)
                        .is_some_and(|beginning| self.stem_beginnings.contains(beginning))
                }))
    }

    /// The clauses that a word matches, in order: `word` as the exact analyzer gives it,
    /// `written` as the text has it. The stem is taken from the written word, not the
    /// folded one: folding can leave marks that split a word when it is analyzed again
    /// (`İstanbul` folds to `i̇stanbul`, with a combining dot, which reads as `i` `stanbul`).
    fn matching(&self, word: &str, written: &str, stemmer: &mut Stemmer) -> Vec<usize> {
        let mut clauses: Vec<usize> = Vec::new();
        if let Some(list) = self.exact.get(word) {
            clauses.extend(list);
        }
        if self.may_have_a_stem(word)
            && let Some(list) = self.stems.get(stemmer.stem(written))
        {
            clauses.extend(list);
        }
        if !self.fuzzy.is_empty() {
            let length = word.chars().count();
            for &(index, wanted, wanted_length, distance) in &self.fuzzy {
                if length.abs_diff(wanted_length) <= distance
                    && strsim::osa_distance(word, wanted) <= distance
                {
                    clauses.push(index);
                }
            }
        }
        for &(index, prefix) in &self.prefixes {
            if word.starts_with(prefix) {
                clauses.push(index);
            }
        }
        clauses.sort_unstable();
        clauses.dedup();
        clauses
    }
}

/// Gives every word of `text` to `visit`, in order, as the exact analyzer has them but
/// with the words it leaves out for their length, keeping none: the words a quotation is
/// compared with.
pub(crate) fn each_word<'a>(text: &'a str, visit: impl FnMut(Word<'a>)) {
    let mut analyzer = exact_analyzer_keeping_long_words();
    for_each_word(&mut analyzer, text, |_| true, visit, usize::MAX);
}

/// Every word of `text` as a phrase is matched against: those too long for the index left
/// out, no halves of hyphenated words.
#[cfg(test)]
pub(crate) fn tokenize(text: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let mut analyzer = crate::index::schema::exact_analyzer();
    let visit = |word| words.push(word);
    for_each_word(&mut analyzer, text, |_| true, visit, LONGEST_WORD_BYTES);
    words
}

/// Gives each word of `text`, in order, as the exact analyzer does. Runs of ASCII letters
/// and digits (most words of most texts) are taken without the analyzer's chain of boxed
/// token filters, which was the largest part of finding a common word's many matches: such
/// a run is one word, lowercased, dropped if `LONGEST_WORD_BYTES` or longer but still taking
/// a position. A run with any other character, up to the ASCII punctuation or space around
/// it, goes through the analyzer, together with the runs like it that follow (a text in
/// Cyrillic is analyzed a paragraph at a time, not a word at a time), and so do the halves
/// of a word hyphenated across a line end, which it joins. An ASCII word whose
/// (lowercased) first byte is not `wanted` is passed over without being lowercased or given.
fn for_each_word<'a>(
    analyzer: &mut TextAnalyzer,
    text: &'a str,
    first_byte_wanted: impl Fn(u8) -> bool,
    mut visit: impl FnMut(Word<'a>),
    longest_word_bytes: usize,
) {
    let bytes = text.as_bytes();
    let separates = |b: u8| b.is_ascii() && !b.is_ascii_alphanumeric();
    let mut position = 0;
    let mut at = 0;
    while at < bytes.len() {
        if separates(bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        let run_end = |from: usize| {
            let mut end = from;
            while end < bytes.len() && !separates(bytes[end]) {
                end += 1;
            }
            end
        };
        at = run_end(at);
        let run = &text[start..at];
        if !run.is_ascii() || rest_of_hyphenated_word(text, at).is_some() {
            // Taking in the next runs while they are not ASCII either, or continue a word
            // hyphenated across a line end.
            loop {
                let next = (at..bytes.len())
                    .find(|&i| !separates(bytes[i]))
                    .unwrap_or(bytes.len());
                let next_end = run_end(next);
                if next == next_end
                    || (text[next..next_end].is_ascii() && !continues_hyphenated_word(text, next))
                {
                    break;
                }
                at = next_end;
            }
            let runs = &text[start..at];
            visit_analyzed(analyzer, runs, start, position, &mut visit);
            // The analyzer's positions count the words it drops for their length too.
            position += word_starts(runs).count();
            continue;
        }
        if run.len() < longest_word_bytes && first_byte_wanted(bytes[start].to_ascii_lowercase()) {
            visit(Word {
                position,
                start,
                end: at,
                text: if run.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(run.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(run)
                },
            });
        }
        position += 1;
    }
}

/// Gives the exact analyzer's words of `text`, which stands at byte `offset` of the text
/// being tokenized and starts at word `first_position`.
fn visit_analyzed<'a>(
    analyzer: &mut TextAnalyzer,
    text: &'a str,
    offset: usize,
    first_position: usize,
    visit: &mut impl FnMut(Word<'a>),
) {
    analyzer.token_stream(text).process(&mut |token| {
        let written = &text[token.offset_from..token.offset_to];
        visit(Word {
            position: first_position + token.position,
            start: offset + token.offset_from,
            end: offset + token.offset_to,
            text: if written == token.text {
                Cow::Borrowed(written)
            } else {
                Cow::Owned(token.text.clone())
            },
        })
    });
}

/// Where `phrase` occurs in `words`, in order, with at most `slop` extra positions in all;
/// with `last_is_prefix`, its last word need only start the document's word.
///
/// Each phrase word's places in the text are listed once, and the next place of a word is
/// found by binary search: scanning ahead for it cost the text's length per start with a
/// huge slop.
fn phrase_matches(
    words: &[Word],
    phrase: &[String],
    slop: u32,
    last_is_prefix: bool,
) -> Vec<(usize, usize)> {
    let Some(last_index) = phrase.len().checked_sub(1) else {
        return Vec::new();
    };
    let mut indexes_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, word) in phrase.iter().enumerate() {
        if !(last_is_prefix && index == last_index) {
            indexes_of.entry(word.as_str()).or_default().push(index);
        }
    }
    // For each word of the phrase, the places in `words` where it fits, in order.
    let mut places: Vec<Vec<usize>> = vec![Vec::new(); phrase.len()];
    for (place, word) in words.iter().enumerate() {
        if let Some(indexes) = indexes_of.get(&*word.text) {
            for &index in indexes {
                places[index].push(place);
            }
        }
        if last_is_prefix && word.text.starts_with(phrase[last_index].as_str()) {
            places[last_index].push(place);
        }
    }
    let slop = slop as usize;
    let mut found = Vec::new();
    'starts: for &first in &places[0] {
        let mut last = first;
        let mut slack = slop;
        for index_places in &places[1..] {
            let wanted = words[last].position + 1;
            let after = index_places.partition_point(|&place| place <= last);
            let Some(&next) = index_places.get(after) else {
                continue 'starts;
            };
            let Some(extra) = words[next].position.checked_sub(wanted) else {
                continue 'starts;
            };
            if extra > slack {
                continue 'starts;
            }
            slack -= extra;
            last = next;
        }
        found.push((words[first].start, words[last].end));
    }
    found
}

/// Where all the words of `phrase` stand, in any order, within its length plus `slop`
/// positions: a sloppy phrase matched out of order. Each window holds one place per word
/// of the phrase (a repeated word needs as many places) and windows do not overlap.
fn unordered_phrase_matches(words: &[Word], phrase: &[String], slop: u32) -> Vec<(usize, usize)> {
    let span = (phrase.len() - 1).saturating_add(slop as usize);
    let mut wanted: HashMap<&str, usize> = HashMap::new();
    for word in phrase {
        *wanted.entry(word.as_str()).or_default() += 1;
    }
    let places: Vec<usize> = (0..words.len())
        .filter(|&i| wanted.contains_key(&*words[i].text))
        .collect();
    let mut found = Vec::new();
    let mut next_free = 0;
    for (k, &first) in places.iter().enumerate() {
        if first < next_free {
            continue;
        }
        let mut missing = wanted.clone();
        let mut missing_total = phrase.len();
        for &place in &places[k..] {
            if words[place].position > words[first].position + span {
                break;
            }
            if let Some(count) = missing.get_mut(&*words[place].text)
                && *count > 0
            {
                *count -= 1;
                missing_total -= 1;
                if missing_total == 0 {
                    found.push((words[first].start, words[place].end));
                    next_free = place + 1;
                    break;
                }
            }
        }
    }
    found
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

    fn stem(&mut self, word: &str) -> &str {
        if !self.stems.contains_key(word) {
            let mut computed = String::new();
            self.analyzer
                .token_stream(word)
                .process(&mut |token| computed = token.text.clone());
            self.stems.insert(word.to_string(), computed);
        }
        self.stems.get(word).map_or("", String::as_str)
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
            variant: None,
            within: Within::Text,
        }
    }

    fn keyword(word: &str) -> QueryTerm {
        QueryTerm {
            label: word.to_string(),
            pattern: Pattern::Word {
                words: crate::index::schema::analyze(&mut stemmed_analyzer(), word),
                stemmed: true,
            },
            variant: None,
            within: Within::Text,
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
    fn a_sloppy_phrase_out_of_order_shows_where_its_words_stand() {
        let text = "Presidents come and go. They stay.";
        let found = find_matches(text, &[phrase(&["come", "presidents"], 2)]);
        assert_eq!(spans(text, &found), ["Presidents come"]);
        // Matches in order, where there are any, are the ones shown; without slop, no
        // reordering.
        let text = "come presidents, and presidents come";
        let found = find_matches(text, &[phrase(&["come", "presidents"], 2)]);
        assert_eq!(spans(text, &found), ["come presidents"]);
        assert!(find_matches("presidents come", &[phrase(&["come", "presidents"], 0)]).is_empty());
        // A repeated word needs as many places.
        let text = "peace now, then peace";
        let found = find_matches(text, &[phrase(&["peace", "peace"], 3)]);
        assert_eq!(spans(text, &found), ["peace now, then peace"]);
    }

    #[test]
    fn a_keyword_matches_every_inflection_the_index_finds_it_by() {
        let text = "He cries; a cry. The dying man dies. İstanbul's trials, Istanbul, tried.";
        let found = find_matches(
            text,
            &[keyword("cried"), keyword("die"), keyword("İstanbul")],
        );
        // `İstanbul` folds to `i̇stanbul`, with a combining dot: another word than `istanbul`,
        // in the index as here.
        assert_eq!(
            spans(text, &found),
            ["cries", "cry", "dying", "dies", "İstanbul"]
        );
    }

    #[test]
    fn a_phrase_sees_every_word_though_keywords_pass_most_over() {
        // Keywords pass over words by their first letter; the phrase must still find its
        // words, which start with other letters, at their positions.
        let text = "Presidents come and go; a License, licensed. Presidents, come!";
        let found = find_matches(
            text,
            &[phrase(&["presidents", "come"], 0), keyword("license")],
        );
        assert_eq!(
            spans(text, &found),
            ["Presidents come", "License", "licensed", "Presidents, come"]
        );
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

    /// The first way of finding phrases, scanning ahead from every start: plainly right,
    /// and the reference the faster search must agree with.
    fn phrase_matches_by_scanning(
        words: &[Word],
        phrase: &[String],
        slop: u32,
        last_is_prefix: bool,
    ) -> Vec<(usize, usize)> {
        let fits = |index: usize, word: &Word| {
            if last_is_prefix && index + 1 == phrase.len() {
                word.text.starts_with(phrase[index].as_str())
            } else {
                word.text == phrase[index]
            }
        };
        (0..words.len())
            .filter_map(|first| {
                if phrase.is_empty() || !fits(0, &words[first]) {
                    return None;
                }
                let mut last = first;
                let mut slack = slop as usize;
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
            .collect()
    }

    fn as_tuples<'a>(words: &'a [Word]) -> Vec<(usize, usize, usize, &'a str)> {
        words
            .iter()
            .map(|w| (w.position, w.start, w.end, w.text.as_ref()))
            .collect()
    }

    fn analyzed(text: &str) -> Vec<Word<'_>> {
        let mut words = Vec::new();
        visit_analyzed(
            &mut crate::index::schema::exact_analyzer(),
            text,
            0,
            0,
            &mut |w| words.push(w),
        );
        words
    }

    proptest::proptest! {
        #[test]
        fn any_text_has_the_analyzer_s_words(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "[a-zA-Z0-9 .,'_\\-\t\n]{0,12}",
                    "[a-zA-Z0-9 .éÉİß’“\u{301}\u{660}\u{2003}\u{1F600}\u{ad}\u{2010}-]{0,8}",
                    proptest::strategy::Strategy::prop_map((62..67usize, "[a-zA-Zé]"), |(n, c)| {
                        c.repeat(n)
                    }),
                ],
                0..20,
            ),
        ) {
            let text = pieces.concat();
            let (fast, slow) = (tokenize(&text), analyzed(&text));
            proptest::prop_assert_eq!(as_tuples(&fast), as_tuples(&slow));
            // And with the long words kept, as quotations are compared.
            let mut fast = Vec::new();
            each_word(&text, |w| fast.push(w));
            let mut slow = Vec::new();
            let mut keeping = exact_analyzer_keeping_long_words();
            visit_analyzed(&mut keeping, &text, 0, 0, &mut |w| slow.push(w));
            proptest::prop_assert_eq!(as_tuples(&fast), as_tuples(&slow));
        }

        #[test]
        fn phrases_are_found_where_scanning_finds_them(
            text in proptest::collection::vec(
                proptest::sample::select(&["a", "ab", "b", "c", "abc", "x_x", "é", "a-\nb", "ab-\nc"][..]),
                0..60,
            ),
            phrase in proptest::collection::vec(
                proptest::sample::select(&["a", "ab", "b", "c", "é"][..]),
                1..5,
            ),
            slop in proptest::prop_oneof![0..4u32, proptest::strategy::Just(u32::MAX)],
            last_is_prefix in proptest::bool::ANY,
        ) {
            let text = text.join(" ");
            let words = tokenize(&text);
            let phrase: Vec<String> = phrase.iter().map(|w| w.to_string()).collect();
            proptest::prop_assert_eq!(
                phrase_matches(&words, &phrase, slop, last_is_prefix),
                phrase_matches_by_scanning(&words, &phrase, slop, last_is_prefix)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn a_phrase_found_in_a_text_passes_over_only_words_it_cannot_have(
            text in proptest::collection::vec(
                proptest::sample::select(&["Use", "after", "free", "a", "the", "f", "u-a", "é", "ufo", "use-\nafter", "af-\nter"][..]),
                0..50,
            ),
            phrase in proptest::collection::vec(
                proptest::sample::select(&["use", "after", "free", "a", "é"][..]),
                1..4,
            ),
            slop in 0..3u32,
            last_is_prefix in proptest::bool::ANY,
        ) {
            // Words of other first letters are passed over, as a phrase's words are found
            // by their positions: the spans are those of scanning every word.
            let text = text.join(" ");
            let phrase: Vec<String> = phrase.iter().map(|w| w.to_string()).collect();
            let term = QueryTerm {
                label: phrase.join(" "),
                pattern: Pattern::Phrase { words: phrase.clone(), slop, last_is_prefix },
                variant: None,
                within: Within::Text,
            };
            let found: Vec<(usize, usize)> =
                find_matches(&text, &[term]).iter().map(|m| (m.start, m.end)).collect();
            let mut expected = phrase_matches_by_scanning(&tokenize(&text), &phrase, slop, last_is_prefix);
            if expected.is_empty() && slop > 0 && !last_is_prefix {
                expected = unordered_phrase_matches(&tokenize(&text), &phrase, slop);
            }
            expected.sort_by_key(|&(start, end)| (start, std::cmp::Reverse(end)));
            proptest::prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn a_huge_slop_does_not_scan_the_text_from_every_start() {
        // Found by the property tests: `"the dossier"~999999999`, with `dossier` only at
        // the start of a long document, scanned to its end from every `the`. Here that
        // would be 10^10 comparisons; the search by places is immediate.
        let text = format!("end {}", "the other words ".repeat(100_000));
        let words = tokenize(&text);
        let phrase = vec!["the".to_string(), "end".to_string()];
        assert!(phrase_matches(&words, &phrase, u32::MAX, false).is_empty());
        let phrase = vec!["end".to_string(), "words".to_string()];
        assert_eq!(phrase_matches(&words, &phrase, u32::MAX, false).len(), 1);
    }

    #[test]
    fn a_word_matches_every_clause_that_wants_it_once() {
        let stem = |words: &[&str]| Pattern::Word {
            words: words.iter().map(|w| w.to_string()).collect(),
            stemmed: true,
        };
        let terms: Vec<QueryTerm> = [
            stem(&["negoti", "negoti"]),
            Pattern::Fuzzy {
                word: "negotiation".into(),
                distance: 2,
                stem: "negoti".into(),
            },
            Pattern::Prefix {
                prefix: "nego".into(),
            },
            Pattern::Word {
                words: vec!["talks".into()],
                stemmed: false,
            },
            stem(&["talk"]),
        ]
        .into_iter()
        .map(|pattern| QueryTerm {
            label: String::new(),
            pattern,
            variant: None,
            within: Within::Text,
        })
        .collect();
        let text = "Negotiations, talks; negotiating.";
        let found: Vec<(usize, usize)> = find_matches(text, &terms)
            .iter()
            .map(|m| (m.start, m.term))
            .collect();
        assert_eq!(
            found,
            [
                (0, 0),
                (0, 1),
                (0, 2),
                (14, 3),
                (14, 4),
                (21, 0),
                (21, 1),
                (21, 2)
            ]
        );
    }

    #[test]
    fn a_keyword_whose_folded_form_has_a_combining_mark_is_found() {
        // Found by the long property run: `İstanbul` was found by the index but never
        // highlighted, so its hits had no passage.
        let text = "From İstanbul, and İSTANBUL.";
        let found = find_matches(text, &[keyword("İstanbul")]);
        assert_eq!(spans(text, &found), ["İstanbul", "İSTANBUL"]);
    }

    #[test]
    fn keywords_match_every_inflected_form() {
        let term = QueryTerm {
            label: "negotiate".into(),
            pattern: Pattern::Word {
                words: vec!["negoti".into()],
                stemmed: true,
            },
            variant: None,
            within: Within::Text,
        };
        let text = "Negotiations: they negotiated; négociations differ.";
        let found = find_matches(text, &[term]);
        assert_eq!(spans(text, &found), ["Negotiations", "negotiated"]);
    }
}
