//! Choosing the best passages of a document and the exact highlight spans inside them.
//!
//! A passage is one or more whole sentences (Unicode sentence boundaries), as short as the
//! matches it shows allow and at most `MAX_PASSAGE_BYTES` unless a single match is longer. A
//! sentence too long to show whole is cut at white space, never inside a word, and never
//! inside a match. Passages are scored by the weight of the distinct query clauses they
//! contain, so a passage with a rare word or a whole phrase beats one with common words.
//! Only the text around the best groups of matches is segmented, so the cost of a passage
//! does not grow with the size of the document.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::highlight::matches::Match;
use crate::index::stored::StoredDocument;
use crate::text::lines::{Lines, line_of};
use crate::text::words::continues_hyphenated_word;

/// The longest passage shown, unless one match alone is longer.
pub const MAX_PASSAGE_BYTES: usize = 480;

/// A passage shorter than this takes in the neighbouring sentence for context.
const MIN_PASSAGE_BYTES: usize = 160;

/// How far around a group of matches sentence boundaries are looked for: a passage holding
/// the group is no longer than `MAX_PASSAGE_BYTES`, and the rest lets the segmenter see the
/// text before the first boundary it may need.
const SEGMENT_MARGIN: usize = MAX_PASSAGE_BYTES + 64;

/// How far before a group of matches its sentence's start is looked for first: most
/// sentences start closer than this, and each byte segmented costs (segmenting was the
/// largest part of a passage's cost).
const FIRST_LOOK_BACK: usize = 128;

/// One passage of a document, with byte offsets into the document's text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    pub text: String,
    /// 1-based line of `start`.
    pub line: usize,
    pub start: usize,
    pub end: usize,
    /// Sorted, non-overlapping byte ranges within `text`.
    pub highlights: Vec<Highlight>,
    /// The 1-based page of `start`, in a document with pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    /// The printed label of that page, where the document labels its pages otherwise
    /// than by counting them (`xii`, `A-4`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_label: Option<String>,
    /// The page of its last highlight, when that is a later one (a phrase, or matches, on
    /// both sides of a page break), with its printed label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_page: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_page_label: Option<String>,
    /// Whether its text was read from an image by OCR: to be checked before it is cited.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ocr: bool,
    #[serde(skip)]
    pub score: f32,
}

impl Passage {
    /// Sets where it stands in `document`, for a citation: its page (and its last
    /// highlight's, if later), the page's printed label, and whether OCR read it.
    pub fn place_in(&mut self, document: &StoredDocument) {
        let highlighted = self
            .highlights
            .first()
            .zip(self.highlights.last())
            .map(|(first, last)| self.start + first.start..self.start + last.end);
        self.place_citing(document, highlighted);
    }

    /// [`Self::place_in`] for a passage that cites `cited` (bytes of the text), which
    /// may reach beyond its highlights (a quotation's differences).
    pub fn place_citing(&mut self, document: &StoredDocument, cited: Option<Range<usize>>) {
        if let Some(cited) = &cited {
            self.keep_to_pages_of(&document.page_starts, cited.clone());
        }
        self.page = document.page_at(self.start);
        self.page_label = document.page_label_at(self.start);
        let last = cited.filter(|c| !c.is_empty()).map(|c| c.end - 1);
        self.last_page = last
            .and_then(|offset| document.page_at(offset))
            .filter(|&page| Some(page) != self.page);
        self.last_page_label = self
            .last_page
            .and(last)
            .and_then(|offset| document.page_label_at(offset));
        self.ocr = document.is_ocr_at(self.start);
    }

    /// Cuts the context of a passage at the page breaks (of a text whose pages 2, 3, …
    /// start at `page_starts`) before what it cites and after, so that it is cited by the
    /// page its matches stand on, not by the end of the page before.
    fn keep_to_pages_of(&mut self, page_starts: &[usize], cited: Range<usize>) {
        let (first, last) = (cited.start, cited.end);
        let from = page_starts
            .iter()
            .copied()
            .rfind(|&page| self.start < page && page <= first)
            .unwrap_or(self.start);
        let to = page_starts
            .iter()
            .copied()
            .find(|&page| last < page && page < self.end)
            .unwrap_or(self.end);
        if (from, to) == (self.start, self.end) {
            return;
        }
        let kept = &self.text[from - self.start..to - self.start];
        // The form feed that ends a page, and the blank lines before it, are not kept.
        let kept = kept.trim_end_matches(|c: char| c == '\x0c' || c.is_whitespace());
        self.line += line_of(&self.text, from - self.start) - 1;
        for highlight in &mut self.highlights {
            highlight.start -= from - self.start;
            highlight.end -= from - self.start;
        }
        self.end = from + kept.len();
        self.text = kept.to_string();
        self.start = from;
    }
}

/// A highlighted span of a passage, relative to the passage's start, and the query clause
/// it matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Highlight {
    pub start: usize,
    pub end: usize,
    pub term: usize,
}

/// Up to `limit` passages of `text`, best first. `weights[t]` is the weight of query clause
/// `t`; `matches` must be sorted by start.
pub fn best_passages(text: &str, matches: &[Match], weights: &[f32], limit: usize) -> Vec<Passage> {
    if matches.is_empty() || limit == 0 {
        return Vec::new();
    }
    let lines = Lines::new(text);
    let mut chosen: Vec<Passage> = Vec::new();
    // A group of matches too wide for one passage shows its first match only; the others
    // are grouped again, until `limit` passages or every match shown: a name in five
    // paragraphs near each other gave two passages however many were asked for.
    let mut unshown: Vec<Match> = matches.to_vec();
    while chosen.len() < limit && !unshown.is_empty() {
        let wanted = limit - chosen.len();
        let mut candidates: Vec<Passage> =
            match_groups(&unshown, weights, wanted.saturating_mul(3))
                .into_iter()
                .map(|(start, end, anchor_end)| {
                    let (from, to) = sentence_window(text, start, end, anchor_end);
                    // Unshown matches stand between passages chosen before: their passage
                    // is cut to the room between them rather than dropped for overlapping.
                    let (room_from, room_to) = room_around(&chosen, start, text.len());
                    let from = from.max(room_from);
                    let (from, to) = trim(text, from, to.min(room_to).max(from));
                    make_passage(text, &lines, from, to, matches, weights)
                })
                .filter(|c| {
                    !c.highlights.is_empty()
                        && !chosen.iter().any(|p| c.start < p.end && p.start < c.end)
                })
                .collect();
        candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.start.cmp(&b.start)));
        let added = best_apart(candidates, wanted, |p| p.start..p.end);
        if added.is_empty() {
            break;
        }
        chosen.extend(added);
        unshown.retain(|m| !chosen.iter().any(|p| p.start <= m.start && m.end <= p.end));
    }
    chosen
}

/// The stretch of text between the passages `chosen` around `offset`, which none of them
/// holds.
fn room_around(chosen: &[Passage], offset: usize, text_len: usize) -> (usize, usize) {
    let from = chosen
        .iter()
        .filter(|p| p.end <= offset)
        .map(|p| p.end)
        .max()
        .unwrap_or(0);
    let to = chosen
        .iter()
        .filter(|p| p.start > offset)
        .map(|p| p.start)
        .min()
        .unwrap_or(text_len);
    (from, to)
}

/// The first `limit` of `candidates` (best first) that overlap none taken before them, by
/// their `span`s.
pub(crate) fn best_apart<T>(
    candidates: impl IntoIterator<Item = T>,
    limit: usize,
    span: impl Fn(&T) -> Range<usize>,
) -> Vec<T> {
    // Not `with_capacity(limit)`: the limit may be the user's, and any number.
    let mut chosen: Vec<T> = Vec::new();
    for candidate in candidates {
        if chosen.len() == limit {
            break;
        }
        let here = span(&candidate);
        if !chosen.iter().any(|taken| {
            let taken = span(taken);
            here.start < taken.end && taken.start < here.end
        }) {
            chosen.push(candidate);
        }
    }
    chosen
}

/// The passage of whole sentences around `start..end` (a quotation found in the text), with
/// the given highlights, as absolute byte ranges of the text. `lines` are the text's.
pub fn passage_around(
    text: &str,
    lines: &Lines,
    start: usize,
    end: usize,
    highlights: &[Highlight],
) -> Passage {
    let (from, to) = sentence_window(text, start, end, end);
    let (from, to) = (from.min(start), to.max(end));
    Passage {
        text: text[from..to].to_string(),
        line: lines.line_of(from),
        start: from,
        end: to,
        highlights: highlights
            .iter()
            .map(|h| Highlight {
                start: h.start - from,
                end: h.end - from,
                term: h.term,
            })
            .collect(),
        page: None,
        page_label: None,
        last_page: None,
        last_page_label: None,
        ocr: false,
        score: 0.0,
    }
}

/// The score of a set of matches: each distinct clause counts its weight once, and each
/// repetition a little more. (Sorting the group's clauses, rather than marking them in a
/// table of all clauses, keeps the cost to the group's size with a query of many words.)
pub(crate) fn score(clauses: impl Iterator<Item = usize>, weights: &[f32]) -> f32 {
    let mut terms: Vec<usize> = clauses.collect();
    terms.sort_unstable();
    let mut total = 0.0;
    for (i, &term) in terms.iter().enumerate() {
        let weight = weights.get(term).copied().unwrap_or(1.0);
        let repeated = i > 0 && terms[i - 1] == term;
        total += if repeated { 0.2 * weight } else { weight };
    }
    total
}

/// The best non-overlapping spans of consecutive matches that fit in one passage, as byte
/// ranges of the text: a cheap first pass, so sentences are looked for only around them.
///
/// The span slides over the matches, its score and its furthest end kept up to date as
/// matches enter and leave it, so the cost grows with the number of matches, not with
/// matches times the matches a span holds (a query of thousands of words on a long
/// document has a match at nearly every word).
fn match_groups(matches: &[Match], weights: &[f32], wanted: usize) -> Vec<(usize, usize, usize)> {
    let terms = matches.iter().map(|m| m.term + 1).max().unwrap_or(0);
    let mut window = SlidingScore {
        counts: vec![0; terms],
        weights,
        total: 0.0,
    };
    // Indexes of the window's matches whose end no later match in it passes: the first
    // is the window's furthest end.
    let mut furthest: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
    let mut groups: Vec<(f32, usize, usize, usize)> = Vec::with_capacity(matches.len());
    let mut next = 0;
    for first in 0..matches.len() {
        while next < matches.len()
            && (next == first || matches[next].end - matches[first].start <= MAX_PASSAGE_BYTES)
        {
            window.add(matches[next].term);
            while furthest
                .back()
                .is_some_and(|&i| matches[i].end <= matches[next].end)
            {
                furthest.pop_back();
            }
            furthest.push_back(next);
            next += 1;
        }
        let end = furthest
            .front()
            .map_or(matches[first].end, |&i| matches[i].end);
        groups.push((
            window.total as f32,
            matches[first].start,
            end,
            matches[first].end,
        ));
        window.remove(matches[first].term);
        if furthest.front() == Some(&first) {
            furthest.pop_front();
        }
    }
    groups.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<(usize, usize, usize)> = Vec::new();
    for (_, start, end, anchor_end) in groups {
        if chosen.len() == wanted {
            break;
        }
        if !chosen.iter().any(|&(s, e, _)| start < e && s < end) {
            chosen.push((start, end, anchor_end));
        }
    }
    chosen
}

/// The [`score`] of a sliding run of matches, kept as matches enter and leave it.
struct SlidingScore<'a> {
    /// How many matches of each clause the run holds.
    counts: Vec<u32>,
    weights: &'a [f32],
    total: f64,
}

impl SlidingScore<'_> {
    fn weight(&self, term: usize) -> f64 {
        f64::from(self.weights.get(term).copied().unwrap_or(1.0))
    }

    fn add(&mut self, term: usize) {
        let weight = self.weight(term);
        self.total += if self.counts[term] == 0 {
            weight
        } else {
            0.2 * weight
        };
        self.counts[term] += 1;
    }

    fn remove(&mut self, term: usize) {
        let weight = self.weight(term);
        self.counts[term] -= 1;
        self.total -= if self.counts[term] == 0 {
            weight
        } else {
            0.2 * weight
        };
    }
}

/// The whole sentences around a group of matches `start..end`, trimmed, within the passage
/// budget. When they do not fit, the sentences from the group's first match (which ends at
/// `anchor_end`) on, as many as fit; when that one sentence is too long, a window cut at
/// white space.
///
/// Segmenting is most of a passage's cost, so the text is segmented only as far as the
/// passage needs: from a little before the group (further back only when no sentence starts
/// there) to the sentence that ends the passage.
fn sentence_window(text: &str, start: usize, end: usize, anchor_end: usize) -> (usize, usize) {
    // No sentence around a first match longer than a passage fits: the match is the
    // passage. Its text is not segmented either, which for a hostile run of punctuation
    // (a full stop, then a megabyte of closing brackets, between two words of a phrase)
    // takes time that grows with the square of its length.
    if anchor_end - start > MAX_PASSAGE_BYTES {
        return word_window(text, start, anchor_end);
    }
    let region_end = ceil_char_boundary(text, (end + SEGMENT_MARGIN).min(text.len()));
    for look_back in [FIRST_LOOK_BACK, SEGMENT_MARGIN] {
        let region_start = floor_char_boundary(text, start.saturating_sub(look_back));
        let mut starts = sentence_starts(text, region_start..region_end).peekable();
        let mut from = None;
        while let Some(b) = starts.next_if(|&b| b <= start) {
            from = Some(b);
        }
        if let Some(from) = from {
            let ahead = Ahead {
                starts,
                seen: Vec::new(),
            };
            return sentences_from(text, from, ahead, (end, anchor_end))
                .unwrap_or_else(|| word_window(text, start, anchor_end));
        }
        if region_start == 0 {
            break;
        }
    }
    word_window(text, start, anchor_end)
}

/// The passage that starts with the sentence at `from`, holding the group of matches ending
/// at `end` (or, when that does not fit, its first match, ending at `anchor_end`); `None`
/// when not even that fits.
fn sentences_from(
    text: &str,
    from: usize,
    mut ahead: Ahead<impl Iterator<Item = usize>>,
    (end, anchor_end): (usize, usize),
) -> Option<(usize, usize)> {
    let fits = |to: usize| trimmed_len(text, from, to) <= MAX_PASSAGE_BYTES;
    // When the whole group does not fit, the passage shows its first match only, and does
    // not reach for the others with sentences that cannot get there.
    let (mut to, end) = match ahead.first_from(end) {
        Some(to) if fits(to) => (to, end),
        _ => match ahead.first_from(anchor_end) {
            Some(to) if fits(to) => (to, anchor_end),
            _ => return None,
        },
    };
    // Take in following sentences while they fit and either hold matches (`end`) or the
    // passage is still short; short context stays within the paragraph and is a sentence,
    // not a heading or a byline standing on its own line.
    while let Some(next) = ahead.first_from(to + 1) {
        let holds_matches = to < end;
        let short = trimmed_len(text, from, to) < MIN_PASSAGE_BYTES
            && !ends_paragraph(&text[from..to])
            && is_sentence(&text[to..next]);
        if !(holds_matches || short) || !fits(next) {
            break;
        }
        to = next;
    }
    Some(trim(text, from, to))
}

/// Where sentences start in `region` of `text`, in order, as the segmenter finds them; the
/// end of the text counts as one when the region reaches it.
fn sentence_starts(text: &str, region: Range<usize>) -> impl Iterator<Item = usize> + '_ {
    let (region_start, region_end) = (region.start, region.end);
    crate::text::sentences::sentence_starts(&text[region])
        .map(move |offset| region_start + offset)
        // Boundaries at the region's own edges are real only at the text's edges.
        .filter(move |&b| b > region_start || region_start == 0)
        .filter(|&b| starts_sentence(text, b))
        .chain((region_end == text.len()).then_some(text.len()))
}

/// The sentence starts after a passage's first, read from the segmenter only as far as
/// they are asked for.
struct Ahead<I> {
    starts: I,
    seen: Vec<usize>,
}

impl<I: Iterator<Item = usize>> Ahead<I> {
    /// The first sentence start at or after `offset`.
    fn first_from(&mut self, offset: usize) -> Option<usize> {
        if let Some(&b) = self.seen.iter().find(|&&b| b >= offset) {
            return Some(b);
        }
        for b in self.starts.by_ref() {
            self.seen.push(b);
            if b >= offset {
                return Some(b);
            }
        }
        None
    }
}

/// A window of at most `MAX_PASSAGE_BYTES` around `start..end`, cut at white space.
fn word_window(text: &str, start: usize, end: usize) -> (usize, usize) {
    if end - start >= MAX_PASSAGE_BYTES {
        return (start, end);
    }
    let spare = MAX_PASSAGE_BYTES - (end - start);
    let mut from = floor_char_boundary(text, start.saturating_sub(spare / 2));
    let mut to = ceil_char_boundary(text, (end + spare / 2).min(text.len()));
    // Words are whole at both ends: the window starts after a white space and ends at one,
    // and not between the halves of a word hyphenated across a line end.
    let word_after = |space: usize| space + text[space..].len() - text[space..].trim_start().len();
    if from > 0 {
        let mut spaces = text[from..start].match_indices(char::is_whitespace);
        from = spaces
            .find(|&(at, _)| !continues_hyphenated_word(text, word_after(from + at)))
            .map_or(start, |(at, _)| from + at);
    }
    if to < text.len() {
        let mut spaces = text[end..to].rmatch_indices(char::is_whitespace);
        to = spaces
            .find(|&(at, _)| !continues_hyphenated_word(text, word_after(end + at)))
            .map_or(end, |(at, _)| end + at);
    }
    trim(text, from, to)
}

/// Whether a sentence boundary really starts a sentence: Unicode's rules also break after
/// "NATO.… Presidents" and before a lowercase continuation, which would cut a quotation.
fn starts_sentence(text: &str, boundary: usize) -> bool {
    match text[boundary..].trim_start().chars().next() {
        Some(c) => !(c.is_lowercase() || matches!(c, '…' | ',' | ';' | ':' | ')' | ']' | '.')),
        None => true,
    }
}

/// Whether a stretch of text ends with a blank line, or with a line break after a line that
/// is not a sentence (a heading, a byline, a dateline).
fn ends_paragraph(stretch: &str) -> bool {
    let without_spaces = stretch.trim_end_matches([' ', '\t']);
    let Some(body) = without_spaces.strip_suffix(['\n', '\r']) else {
        return false;
    };
    let last_line = body
        .trim_end_matches('\r')
        .rsplit(['\n', '\r'])
        .next()
        .unwrap_or("");
    last_line.trim().is_empty() || !is_sentence(last_line)
}

/// Whether a stretch of text ends as a sentence does: with a full stop, question or
/// exclamation mark or ellipsis, perhaps inside closing quotation marks or brackets.
fn is_sentence(stretch: &str) -> bool {
    let closed = stretch
        .trim_end()
        .trim_end_matches(['"', '\'', '”', '’', '»', ')', ']']);
    closed.ends_with(['.', '!', '?', '…'])
}

fn trim(text: &str, from: usize, to: usize) -> (usize, usize) {
    let slice = &text[from..to];
    let leading = slice.len() - slice.trim_start().len();
    let trailing = slice.len() - slice.trim_end().len();
    if leading == slice.len() {
        return (from, from);
    }
    (from + leading, to - trailing)
}

fn trimmed_len(text: &str, from: usize, to: usize) -> usize {
    let (from, to) = trim(text, from, to);
    to - from
}

fn make_passage(
    text: &str,
    lines: &Lines,
    start: usize,
    end: usize,
    matches: &[Match],
    weights: &[f32],
) -> Passage {
    let inside: Vec<&Match> = matches
        .iter()
        .filter(|m| m.start >= start && m.end <= end)
        .collect();
    let mut highlights: Vec<Highlight> = Vec::with_capacity(inside.len());
    for m in &inside {
        let (s, e) = (m.start - start, m.end - start);
        match highlights.last_mut() {
            Some(last) if s < last.end => last.end = last.end.max(e),
            _ => highlights.push(Highlight {
                start: s,
                end: e,
                term: m.term,
            }),
        }
    }
    Passage {
        text: text[start..end].to_string(),
        line: lines.line_of(start),
        start,
        end,
        highlights,
        page: None,
        page_label: None,
        last_page: None,
        last_page_label: None,
        ocr: false,
        score: score(inside.into_iter().map(|m| m.term), weights),
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn ceil_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_cut_from_a_long_sentence_never_splits_a_hyphenated_word() {
        // Wherever the window's edges fall, neither is between `nego-` and `tiations`.
        for shift in 100..130 {
            let text = format!(
                "{} nego-\ntiations on {}the match here {}nego-\ntiations at {}",
                "a ".repeat(200),
                "b ".repeat(shift),
                "c ".repeat(shift),
                "d ".repeat(200)
            );
            let start = text.find("match").unwrap();
            let (from, to) = word_window(&text, start, start + 5);
            let passage = &text[from..to];
            assert!(!passage.starts_with("tiations"), "{shift}: {passage}");
            assert!(!passage.ends_with("nego-"), "{shift}: {passage}");
        }
    }

    fn at(text: &str, needle: &str, term: usize) -> Match {
        spanning(text.find(needle), needle, term)
    }

    fn at_last(text: &str, needle: &str, term: usize) -> Match {
        spanning(text.rfind(needle), needle, term)
    }

    fn spanning(start: Option<usize>, needle: &str, term: usize) -> Match {
        let start = start.expect("needle in text");
        Match {
            start,
            end: start + needle.len(),
            term,
        }
    }

    #[test]
    fn a_passage_is_the_whole_sentence_around_the_match() {
        let text = "First sentence here. The envoy met Putin in Moscow on Tuesday. Last one.";
        let passages = best_passages(text, &[at(text, "Putin", 0)], &[1.0], 1);
        assert_eq!(passages.len(), 1);
        let p = &passages[0];
        assert_eq!(&text[p.start..p.end], p.text);
        assert!(p.text.contains("The envoy met Putin in Moscow on Tuesday."));
        let h = p.highlights[0];
        assert_eq!(&p.text[h.start..h.end], "Putin");
    }

    #[test]
    fn a_long_sentence_is_cut_at_white_space_around_the_match() {
        let text = format!("{} needle {}", "word ".repeat(200), "word ".repeat(200));
        let passages = best_passages(&text, &[at(&text, "needle", 0)], &[1.0], 1);
        let p = &passages[0];
        assert!(p.text.len() <= MAX_PASSAGE_BYTES);
        assert!(
            p.text.starts_with("word") && p.text.ends_with("word"),
            "{}",
            p.text
        );
        assert!(p.text.contains("needle"));
    }

    #[test]
    fn a_sentence_that_starts_further_back_than_the_first_look_is_still_shown_whole() {
        // The sentence starts ~300 bytes before the match: past the first look back, within
        // the passage budget.
        let long = format!(
            "The minister said {} and then named Scaparrotti as the envoy.",
            "that the talks would go on ".repeat(11)
        );
        let text = format!("Short opener. {long} Next sentence.");
        let needle = at(&text, "Scaparrotti", 0);
        assert!(needle.start - text.find("The minister").unwrap() > FIRST_LOOK_BACK);
        let passages = best_passages(&text, &[needle], &[1.0], 1);
        assert_eq!(passages[0].text, long);
    }

    #[test]
    fn a_match_with_no_sentence_start_in_reach_gets_a_word_window() {
        let text = format!("{}needle and more words.", "word ".repeat(150));
        let passages = best_passages(&text, &[at(&text, "needle", 0)], &[1.0], 1);
        let p = &passages[0];
        assert!(p.text.len() <= MAX_PASSAGE_BYTES);
        assert!(p.text.starts_with("word") && p.text.ends_with("more words."));
    }

    #[test]
    fn the_passage_with_more_distinct_terms_comes_first() {
        let filler = "Filler words keep the two passages apart. ".repeat(20);
        let text = format!("Alpha only here. {filler}Alpha and beta together.");
        let matches = [
            at(&text, "Alpha", 0),
            at_last(&text, "Alpha", 0),
            at(&text, "beta", 1),
        ];
        let passages = best_passages(&text, &matches, &[1.0, 1.0], 2);
        assert_eq!(passages.len(), 2);
        assert!(passages[0].text.ends_with("Alpha and beta together."));
        assert!(passages[1].text.starts_with("Alpha only here."));
    }

    proptest::proptest! {
        #[test]
        fn groups_span_the_matches_that_fit_and_score_as_a_whole(
            spans in proptest::collection::vec((0..2000usize, 1..600usize, 0..4usize), 1..60),
            wanted in 1..6usize,
        ) {
            let mut matches: Vec<Match> = spans
                .iter()
                .map(|&(start, length, term)| Match { start, end: start + length, term })
                .collect();
            matches.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
            let weights = [1.0, 0.5, 2.5];
            let groups = match_groups(&matches, &weights, wanted);
            proptest::prop_assert!(groups.len() <= wanted);
            for &(start, end, anchor_end) in &groups {
                // The group of the first match starting there (the one with the furthest
                // end, as sorted), extended as far as matches fit.
                let first = matches
                    .iter()
                    .position(|m| m.start == start && m.end == anchor_end)
                    .expect("a group starts at a match");
                let mut last = first;
                while last + 1 < matches.len()
                    && matches[last + 1].end - matches[first].start <= MAX_PASSAGE_BYTES
                {
                    last += 1;
                }
                let furthest = matches[first..=last].iter().map(|m| m.end).max();
                proptest::prop_assert_eq!(Some(end), furthest);
                let mut sliding = SlidingScore { counts: vec![0; 4], weights: &weights, total: 0.0 };
                for m in &matches[..=last] {
                    sliding.add(m.term);
                }
                for m in &matches[..first] {
                    sliding.remove(m.term);
                }
                let whole = score(matches[first..=last].iter().map(|m| m.term), &weights);
                proptest::prop_assert!((sliding.total as f32 - whole).abs() < 1e-3);
            }
        }
    }

    #[test]
    fn headings_and_bylines_are_not_taken_in_as_context() {
        let text = "Envoy lands in Miami\nRussia Ukraine War\n\nBy A. Reporter\n\nTalks resume.\n";
        let passages = best_passages(text, &[at(text, "Miami", 0)], &[1.0], 1);
        assert_eq!(passages[0].text, "Envoy lands in Miami");
        // A later match out of reach does not drag headings into the passage.
        let text = format!(
            "Envoy lands in Miami\nRussia Ukraine War\n\nBy A. Reporter\n\n{}Miami{}.",
            "word ".repeat(80),
            " word".repeat(40)
        );
        let matches = [at(&text, "Miami", 0), at_last(&text, "Miami", 0)];
        let passages = best_passages(&text, &matches, &[1.0], 1);
        assert_eq!(passages[0].text, "Envoy lands in Miami");
        // Hard-wrapped prose: a line break after a sentence is not the end of a paragraph.
        let text = "Short one here. Another sentence\nfollows it.\nNext line.\n\nApart.";
        let passages = best_passages(text, &[at(text, "Short", 0)], &[1.0], 1);
        assert_eq!(
            passages[0].text,
            "Short one here. Another sentence\nfollows it.\nNext line."
        );
    }

    #[test]
    fn lines_count_every_line_ending() {
        assert_eq!(line_of("a\nb\r\nc\rd", 0), 1);
        assert_eq!(line_of("a\nb\r\nc\rd", 2), 2);
        assert_eq!(line_of("a\nb\r\nc\rd", 5), 3);
        assert_eq!(line_of("a\nb\r\nc\rd", 7), 4);
        let text = "a\nb\r\nc\rd\r";
        let lines = Lines::new(text);
        for offset in 0..=text.len() {
            assert_eq!(lines.line_of(offset), line_of(text, offset), "at {offset}");
        }
    }
}
