//! Aligning a quotation's words with a stretch of a document's words, word by word, to say
//! whether the document quotes it verbatim and, if not, what differs.
//!
//! This is a fitting alignment (the whole quotation against any stretch of the document)
//! with the edits a retyped quotation suffers: a word changed, misspelt, dropped, added, or
//! two words swapped. Where the quotation had an ellipsis or a bracketed insertion, the
//! document may hold other words at no cost, as many as it allows; more, or any across a
//! paragraph break, count as added words.

use foldhash::{HashMap, HashMapExt};
use std::ops::{Range, RangeInclusive};

use crate::highlight::matches::Word;
use crate::text::folding::{fold_marks, is_optional_mark};

use super::parse::{QuoteWords, is_apostrophe};

/// One step of an alignment: which quotation word (`quote`) meets which document word (`doc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The same word.
    Same { quote: usize, doc: usize },
    /// A close spelling of the word (a name transliterated another way, a typo).
    Spelling { quote: usize, doc: usize },
    /// Another word in its place.
    Changed { quote: usize, doc: usize },
    /// A quotation word the document does not have; `doc` is the word it would precede.
    Missing { quote: usize, doc: usize },
    /// A document word the quotation does not have.
    Added { doc: usize },
    /// Two adjacent words in the other order: quotation words `quote`, `quote + 1` are
    /// document words `doc + 1`, `doc`.
    Swapped { quote: usize, doc: usize },
    /// A document word standing where the quotation left words out (ellipsis, brackets).
    Gap { doc: usize },
}

impl Step {
    /// The quotation's words this step covers (by their numbers), if any.
    pub fn quote_words(&self) -> Option<RangeInclusive<usize>> {
        match *self {
            Step::Same { quote, .. }
            | Step::Spelling { quote, .. }
            | Step::Changed { quote, .. }
            | Step::Missing { quote, .. } => Some(quote..=quote),
            Step::Swapped { quote, .. } => Some(quote..=quote + 1),
            Step::Added { .. } | Step::Gap { .. } => None,
        }
    }

    /// The document's words this step covers (by their numbers), if any.
    pub fn doc_words(&self) -> Option<RangeInclusive<usize>> {
        match *self {
            Step::Same { doc, .. }
            | Step::Spelling { doc, .. }
            | Step::Changed { doc, .. }
            | Step::Added { doc }
            | Step::Gap { doc } => Some(doc..=doc),
            Step::Swapped { doc, .. } => Some(doc..=doc + 1),
            Step::Missing { .. } => None,
        }
    }

    /// What the step costs the alignment.
    fn cost(&self) -> f32 {
        match self {
            Step::Same { .. } | Step::Gap { .. } => 0.0,
            Step::Spelling { .. } => SPELLING_COST,
            Step::Changed { .. }
            | Step::Missing { .. }
            | Step::Added { .. }
            | Step::Swapped { .. } => CHANGE_COST,
        }
    }
}

/// Whether `first` and `second`, steps of an alignment one after the other, one of them at
/// least a difference, cover an English contraction, two halves of a word joined by an
/// apostrophe (`didn't`, which the analyzer reads as `didn` and `t`), in the quotation or
/// in the document, and its long form on the other side (`did not`): one difference of
/// spelling, not words changed. Also a possessive or `'s` left out (`Ukraine bid` for
/// `Ukraine's bid`). Quotation words apart (an ellipsis between them) stay two places,
/// whatever the document joins. `doc_word(j)` is where document word `j` stands in `text`.
pub(super) fn one_contraction(
    first: &Step,
    second: &Step,
    quote: &QuoteWords,
    text: &str,
    doc_word: &dyn Fn(usize) -> Range<usize>,
) -> bool {
    let same = |step: &Step| matches!(step, Step::Same { .. });
    let gap = |step: &Step| matches!(step, Step::Gap { .. });
    if gap(first) || gap(second) || (same(first) && same(second)) {
        return false;
    }
    let mut quote_joined = false;
    if let (Some(a), Some(b)) = (first.quote_words(), second.quote_words()) {
        let next = *a.end() + 1 == *b.start();
        quote_joined = next && quote.contractions.iter().any(|(at, _)| at == a.end());
        if !quote_joined && (!next || quote.gap_before[*b.start()] > 0) {
            return false;
        }
    }
    let doc_joined = match (first.doc_words(), second.doc_words()) {
        (Some(a), Some(b)) => {
            *a.end() + 1 == *b.start()
                && is_apostrophe(&text[doc_word(*a.end()).end..doc_word(*b.start()).start])
        }
        _ => false,
    };
    if !quote_joined && !doc_joined {
        return false;
    }
    let quoted: Vec<String> = [first, second]
        .into_iter()
        .filter_map(Step::quote_words)
        .flatten()
        .map(|q| quote.words[q].clone())
        .collect();
    let found: Vec<String> = [first, second]
        .into_iter()
        .filter_map(Step::doc_words)
        .flatten()
        .map(|j| text[doc_word(j)].to_lowercase())
        .collect();
    (quote_joined && is_contraction_of(&quoted, &found))
        || (doc_joined && is_contraction_of(&found, &quoted))
}

/// Whether `contracted`, the two halves of an English contraction (`didn`, `t`), stands
/// for `long` (`did`, `not`), or for its first word alone when it is a possessive (`'s`).
fn is_contraction_of(contracted: &[String], long: &[String]) -> bool {
    let [head, tail] = contracted else {
        return false;
    };
    match long {
        [word] => (tail == "s" && word == head) || (tail == "t" && *word == format!("{head}not")),
        [first, second] => {
            let tail_stands_for = match tail.as_str() {
                "t" => &["not"][..],
                "s" => &["is", "has", "us", "does"],
                "re" => &["are"],
                "ve" => &["have"],
                "ll" => &["will", "shall"],
                "d" => &["would", "had", "did"],
                "m" => &["am"],
                _ => &[],
            };
            let head_stands_for_first = head == first
                || (tail == "t"
                    && (*head == format!("{first}n")
                        || matches!(
                            (head.as_str(), first.as_str()),
                            ("won", "will") | ("shan", "shall") | ("ca", "can")
                        )));
            tail_stands_for.contains(&second.as_str()) && head_stands_for_first
        }
        _ => false,
    }
}

/// The best alignment found, its cost and the stretch of the document it covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Alignment {
    pub steps: Vec<Step>,
    /// Sum of the edits' costs: 0 for a verbatim quotation.
    pub cost: f32,
    /// First and last document word covered (inclusive).
    pub first_doc: usize,
    pub last_doc: usize,
}

impl Alignment {
    /// 1 for verbatim, falling by the share of the quotation that had to be edited.
    pub fn similarity(&self, quote_len: usize) -> f32 {
        (1.0 - self.cost / quote_len.max(1) as f32).clamp(0.0, 1.0)
    }
}

const CHANGE_COST: f32 = 1.0;
const SPELLING_COST: f32 = 0.5;

/// Whether two different words are spellings of one another: one edit for words of four
/// letters or more, two for eight or more.
pub fn close_spelling(a: &str, b: &str) -> bool {
    Spelling::of(a).is_close_to(&Spelling::of(b))
}

/// What [`close_spelling`] needs of a word, worked out once for the many words it is
/// compared with.
struct Spelling<'a> {
    word: &'a str,
    chars: usize,
    /// One bit for each letter or digit (others share the last bit) the word has.
    char_set: u64,
}

impl<'a> Spelling<'a> {
    fn of(word: &'a str) -> Spelling<'a> {
        let char_set = word.chars().fold(0u64, |set, c| {
            let bit = match c.to_ascii_lowercase() {
                c @ 'a'..='z' => c as u32 - 'a' as u32,
                c @ '0'..='9' => 26 + c as u32 - '0' as u32,
                _ => 63,
            };
            set | 1 << bit
        });
        Spelling {
            word,
            chars: word.chars().count(),
            char_set,
        }
    }

    fn is_close_to(&self, other: &Spelling) -> bool {
        let allowed = match self.chars.min(other.chars) {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        // An edit changes the length by one at most, and adds or removes at most two of the
        // characters a word has: most pairs of words are told apart without counting edits.
        allowed > 0
            && self.chars.abs_diff(other.chars) <= allowed
            && (self.char_set ^ other.char_set).count_ones() as usize <= 2 * allowed
            && strsim::damerau_levenshtein(self.word, other.word) <= allowed
    }
}

/// Aligns all of `quote` with the best-fitting stretch of `doc`. `free_gap_before[i]` says
/// the document may hold words before quotation word `i` at no cost (an ellipsis or a
/// bracketed insertion stood there).
/// `same_name` says whether two different words are spellings of one name (Kiev and Kyiv),
/// which counts as a close spelling.
pub fn align(
    quote: &[String],
    doc: &[&str],
    free_gap_before: &[bool],
    same_name: &dyn Fn(&str, &str) -> bool,
) -> Option<Alignment> {
    Aligner::new(quote, free_gap_before, same_name).align(doc)
}

/// Aligns one quotation with many stretches of documents (see [`align`]), remembering how
/// each of its words meets each document word. The alignment visits every pair of
/// positions, and comparing spellings afresh at each of them made a long quotation slow;
/// distinct pairs of words are far fewer.
pub struct Aligner<'a> {
    /// For each quotation word, the number of its distinct word.
    quote: Vec<usize>,
    quote_words: Vec<Spelling<'a>>,
    free_gap_before: &'a [bool],
    same_name: &'a dyn Fn(&str, &str) -> bool,
    /// Document words seen so far, numbered.
    doc_numbers: HashMap<String, usize>,
    /// For each document word, the distinct quotation word it is, if any.
    equal_to: Vec<Option<usize>>,
    /// For each document word, how it meets each distinct quotation word.
    meetings: Vec<Vec<Meeting>>,
}

/// How a quotation word meets a document word.
#[derive(Clone, Copy, PartialEq)]
enum Meeting {
    Same,
    Spelling,
    Changed,
}

impl<'a> Aligner<'a> {
    pub fn new(
        quote: &'a [String],
        free_gap_before: &'a [bool],
        same_name: &'a dyn Fn(&str, &str) -> bool,
    ) -> Aligner<'a> {
        let mut numbers: HashMap<&str, usize> = HashMap::new();
        let mut quote_words = Vec::new();
        let quote = quote
            .iter()
            .map(|word| {
                *numbers.entry(word).or_insert_with(|| {
                    quote_words.push(Spelling::of(word));
                    quote_words.len() - 1
                })
            })
            .collect();
        Aligner {
            quote,
            quote_words,
            free_gap_before,
            same_name,
            doc_numbers: HashMap::new(),
            equal_to: Vec::new(),
            meetings: Vec::new(),
        }
    }

    /// The best alignment of the whole quotation with a stretch of `doc`.
    pub fn align(&mut self, doc: &[&str]) -> Option<Alignment> {
        let (m, n) = (self.quote.len(), doc.len());
        if m == 0 || n == 0 {
            return None;
        }
        let doc: Vec<usize> = doc.iter().map(|word| self.number(word)).collect();
        let free_gap =
            |i: usize| i > 0 && i < m && self.free_gap_before.get(i).copied().unwrap_or(false);
        let width = n + 1;
        let mut cost = vec![0f32; (m + 1) * width];
        let at = |i: usize, j: usize| i * width + j;
        for i in 1..=m {
            cost[at(i, 0)] = i as f32 * CHANGE_COST;
        }
        for i in 1..=m {
            for j in 1..=n {
                let (substitution, _) = self.substitute(&doc, i, j);
                let added = if free_gap(i) { 0.0 } else { CHANGE_COST };
                let mut best = (cost[at(i - 1, j - 1)] + substitution)
                    .min(cost[at(i - 1, j)] + CHANGE_COST)
                    .min(cost[at(i, j - 1)] + added);
                if self.is_swap(&doc, i, j) {
                    best = best.min(cost[at(i - 2, j - 2)] + CHANGE_COST);
                }
                cost[at(i, j)] = best;
            }
        }
        // The quotation may end anywhere in the document: the cheapest end, and of equally
        // cheap ones the last, which has matched more (`go and [even] die` rather than
        // `go and` with `die` missing).
        let end =
            (1..=n).min_by(|&a, &b| cost[at(m, a)].total_cmp(&cost[at(m, b)]).then(b.cmp(&a)))?;
        let total = cost[at(m, end)];

        let mut steps = Vec::with_capacity(m + 4);
        let (mut i, mut j) = (m, end);
        while i > 0 {
            let here = cost[at(i, j)];
            let close = |a: f32, b: f32| (a - b).abs() < 1e-4;
            if j > 0 {
                let (step_cost, step) = self.substitute(&doc, i, j);
                let diagonal = close(here, cost[at(i - 1, j - 1)] + step_cost);
                // Of a changed word and an added one that cost the same, the added one: the
                // quotation's word then stands as the same word before it (`Ukraine bid`
                // in `Ukraine's bid`: the `s` added, not `Ukraine` changed into it).
                let added_instead = matches!(step, Step::Changed { .. })
                    && !free_gap(i)
                    && close(here, cost[at(i, j - 1)] + CHANGE_COST);
                if diagonal && !added_instead {
                    steps.push(step);
                    i -= 1;
                    j -= 1;
                    continue;
                }
                if self.is_swap(&doc, i, j) && close(here, cost[at(i - 2, j - 2)] + CHANGE_COST) {
                    steps.push(Step::Swapped {
                        quote: i - 2,
                        doc: j - 2,
                    });
                    i -= 2;
                    j -= 2;
                    continue;
                }
                let added = if free_gap(i) { 0.0 } else { CHANGE_COST };
                if close(here, cost[at(i, j - 1)] + added) {
                    steps.push(if added == 0.0 {
                        Step::Gap { doc: j - 1 }
                    } else {
                        Step::Added { doc: j - 1 }
                    });
                    j -= 1;
                    continue;
                }
            }
            steps.push(Step::Missing {
                quote: i - 1,
                doc: j,
            });
            i -= 1;
        }
        steps.reverse();
        let covered = steps.iter().filter_map(|step| match *step {
            Step::Same { doc, .. }
            | Step::Spelling { doc, .. }
            | Step::Changed { doc, .. }
            | Step::Added { doc }
            | Step::Gap { doc } => Some((doc, doc)),
            Step::Swapped { doc, .. } => Some((doc, doc + 1)),
            Step::Missing { .. } => None,
        });
        let (first_doc, last_doc) =
            covered.fold((usize::MAX, 0), |(lo, hi), (a, b)| (lo.min(a), hi.max(b)));
        if first_doc == usize::MAX {
            return None;
        }
        Some(Alignment {
            steps,
            cost: total,
            first_doc,
            last_doc,
        })
    }

    /// The number of a document word, numbering it and working out how it meets each
    /// quotation word if it is new.
    fn number(&mut self, word: &str) -> usize {
        if let Some(&number) = self.doc_numbers.get(word) {
            return number;
        }
        let number = self.meetings.len();
        let equal_to = self.quote_words.iter().position(|q| q.word == word);
        let spelling = Spelling::of(word);
        let row = self
            .quote_words
            .iter()
            .enumerate()
            .map(|(q, quote_word)| {
                if equal_to == Some(q) {
                    Meeting::Same
                } else if quote_word.is_close_to(&spelling)
                    || (self.same_name)(quote_word.word, word)
                {
                    Meeting::Spelling
                } else {
                    Meeting::Changed
                }
            })
            .collect();
        self.doc_numbers.insert(word.to_string(), number);
        self.equal_to.push(equal_to);
        self.meetings.push(row);
        number
    }

    /// The cost and step of aligning quotation word `i - 1` with document word `j - 1`.
    fn substitute(&self, doc: &[usize], i: usize, j: usize) -> (f32, Step) {
        let (quote, doc_word) = (i - 1, j - 1);
        let meeting = self.meetings[doc[doc_word]][self.quote[quote]];
        let doc = doc_word;
        match meeting {
            Meeting::Same => (0.0, Step::Same { quote, doc }),
            Meeting::Spelling => (SPELLING_COST, Step::Spelling { quote, doc }),
            Meeting::Changed => (CHANGE_COST, Step::Changed { quote, doc }),
        }
    }

    fn is_swap(&self, doc: &[usize], i: usize, j: usize) -> bool {
        let quote = &self.quote;
        i >= 2
            && j >= 2
            && quote[i - 1] != quote[i - 2]
            && self.equal_to[doc[j - 2]] == Some(quote[i - 1])
            && self.equal_to[doc[j - 1]] == Some(quote[i - 2])
    }
}

/// The best alignment of `quote` in each of the `windows` (ranges of `words`, a document's
/// words in `text`), with whether it is verbatim: in order, one for each window that has one.
pub(super) fn best_alignments(
    quote: &QuoteWords,
    words: &[Word],
    windows: &[Range<usize>],
    text: &str,
    aligner: &mut Aligner,
) -> Vec<(Alignment, bool)> {
    let mut found: Vec<(Alignment, bool)> = Vec::new();
    for window in windows {
        let doc_words: Vec<&str> = words[window.clone()].iter().map(|w| &*w.text).collect();
        let Some(mut alignment) = aligner.align(&doc_words) else {
            continue;
        };
        for step in &mut alignment.steps {
            shift(step, window.start);
        }
        alignment.first_doc += window.start;
        alignment.last_doc += window.start;
        let excess = gap_excess(quote, &alignment, words, text);
        alignment.cost += excess as f32;
        for step in &mut alignment.steps {
            if let Step::Same { quote: q, doc } = *step
                && !same_letters(&quote.originals[q], &text[words[doc].start..words[doc].end])
            {
                *step = Step::Spelling { quote: q, doc };
                alignment.cost += SPELLING_COST;
            }
        }
        // A contraction against its long form (`didn't`, `did not`) is one word spelt
        // otherwise, not two changed.
        let doc_word = |j: usize| words[j].start..words[j].end;
        let mut pairs = alignment.steps.windows(2);
        while let Some([first, second]) = pairs.next() {
            if one_contraction(first, second, quote, text, &doc_word) {
                alignment.cost -= (first.cost() + second.cost() - SPELLING_COST).max(0.0);
                pairs.next();
            }
        }
        let verbatim = alignment.cost == 0.0;
        found.push((alignment, verbatim));
    }
    found
}

/// Whether a quotation's word, as the user wrote it, is the document's word as written, but
/// for case and what stands between its letters (a hyphen at a line's end, an apostrophe),
/// and for the marks a text may write or leave out ([`is_optional_mark`]: Arabic short
/// vowels, Hebrew points) and the dots of ё, which Russian print leaves out: the alignment
/// compares words with their accents folded away, and an accent can make another word
/// (`Würde`, dignity; `wurde`, became; Greek `πότε`, when; `ποτέ`, never). Compared in
/// compatibility form, so a composed or decomposed accent, or a ligature, is the same
/// letters; lower-cased as a word, so `ΟΔΟΣ` is `οδος`, its last sigma final. Greek
/// written in capitals leaves its accents out (`ΑΝΘΡΩΠΟΣ` is how `άνθρωπος` is set in a
/// heading), so a word in unaccented Greek capitals on either side is compared without them.
fn same_letters(quoted: &str, found: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let letters = |word: &str| -> String {
        let letters: String = word
            .nfkc()
            .filter(|&c| crate::text::words::is_word_char(c) && !is_optional_mark(c))
            .collect();
        letters.to_lowercase().replace('ё', "е")
    };
    if quoted == found {
        return true;
    }
    let (quoted_letters, found_letters) = (letters(quoted), letters(found));
    if quoted_letters == found_letters {
        return true;
    }
    // Capitals written with an accent (`ΠΌΤΕ`) say which word they are, and are compared
    // with it.
    let in_greek_capitals = |word: &str| {
        word.chars().any(|c| ('\u{0370}'..='\u{03FF}').contains(&c))
            && !word.chars().any(char::is_lowercase)
            && !word.nfd().any(|c| ('\u{0300}'..='\u{036F}').contains(&c))
    };
    let unaccented = |word: String| fold_marks(&word).unwrap_or(word);
    (in_greek_capitals(quoted) || in_greek_capitals(found))
        && unaccented(quoted_letters) == unaccented(found_letters)
}

/// Words standing in an ellipsis or insertion beyond what it allows, or across a paragraph
/// break: each counts as an added word.
fn gap_excess(quote: &QuoteWords, alignment: &Alignment, words: &[Word], text: &str) -> usize {
    let mut excess = 0;
    let mut run: Vec<usize> = Vec::new();
    let mut next_quote_word = 0;
    let mut flush = |run: &mut Vec<usize>, next_quote_word: usize| {
        if let (Some(&first), Some(&last)) = (run.first(), run.last()) {
            let limit = quote.gap_before.get(next_quote_word).copied().unwrap_or(0);
            let before = first
                .checked_sub(1)
                .map_or(words[first].start, |p| words[p].end);
            let after = words.get(last + 1).map_or(words[last].end, |w| w.start);
            let paragraph_break =
                text[before..after].contains("\n\n") || text[before..after].contains("\r\n\r\n");
            excess += if paragraph_break {
                run.len()
            } else {
                run.len().saturating_sub(limit)
            };
        }
        run.clear();
    };
    for step in &alignment.steps {
        match *step {
            Step::Gap { doc } => run.push(doc),
            Step::Same { quote, .. }
            | Step::Spelling { quote, .. }
            | Step::Changed { quote, .. }
            | Step::Missing { quote, .. }
            | Step::Swapped { quote, .. } => {
                next_quote_word = quote;
                flush(&mut run, next_quote_word);
            }
            Step::Added { .. } => {}
        }
    }
    flush(&mut run, next_quote_word);
    excess
}

/// Moves a step of an alignment with a window to the same place in the whole document.
fn shift(step: &mut Step, by: usize) {
    match step {
        Step::Same { doc, .. }
        | Step::Spelling { doc, .. }
        | Step::Changed { doc, .. }
        | Step::Missing { doc, .. }
        | Step::Added { doc }
        | Step::Swapped { doc, .. }
        | Step::Gap { doc } => *doc += by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    fn run(quote: &str, doc: &str) -> Alignment {
        let quote = words(quote);
        let doc: Vec<&str> = doc.split_whitespace().collect();
        align(&quote, &doc, &vec![false; quote.len()], &|_, _| false).expect("an alignment")
    }

    #[test]
    fn letters_are_the_same_whatever_their_case_and_optional_marks_not_their_accents() {
        assert!(same_letters("ΟΔΟΣ", "οδος"));
        assert!(same_letters("مـحـمـد", "محمد"));
        assert!(same_letters("أحرارا", "أحرارًا"));
        assert!(same_letters("אלהים", "אֱלֹהִ֑ים"));
        assert!(same_letters("Самолетом", "самолётом"));
        assert!(!same_letters("Wurde", "Würde"));
        assert!(!same_letters("ελλαδα", "Ελλάδα"));
        // Greek capitals carry no accents, in the quotation or in the document.
        assert!(same_letters("ΑΝΘΡΩΠΟΙ", "άνθρωποι"));
        assert!(same_letters("άνθρωποι", "ΑΝΘΡΩΠΟΙ"));
        assert!(!same_letters("Ανθρωποι", "άνθρωποι"));
        assert!(!same_letters("ΠΌΤΕ", "ποτέ"));
        assert!(same_letters("ΠΌΤΕ", "πότε"));
        assert!(!same_letters("احرارا", "أحرارًا"));
    }

    #[test]
    fn a_verbatim_quotation_costs_nothing_and_covers_only_itself() {
        let a = run("come and go", "presidents come and go and even die");
        assert_eq!(a.cost, 0.0);
        assert_eq!((a.first_doc, a.last_doc), (1, 3));
    }

    #[test]
    fn a_changed_word_is_one_edit() {
        let a = run(
            "presidents come and go and sometimes die",
            "they said presidents come and go and even die today",
        );
        assert_eq!(a.cost, 1.0);
        assert!(a.steps.contains(&Step::Changed { quote: 5, doc: 7 }));
        assert!((a.similarity(7) - 6.0 / 7.0).abs() < 1e-6);
    }

    #[test]
    fn dropped_added_and_swapped_words_are_found() {
        let dropped = run("come and go and die", "come and go and even die");
        assert!(dropped.steps.contains(&Step::Added { doc: 4 }));
        let added = run("come and go and even die", "come and go and die");
        assert!(added.steps.contains(&Step::Missing { quote: 4, doc: 4 }));
        let swapped = run("presidents come and go", "presidents and come go");
        assert!(swapped.steps.contains(&Step::Swapped { quote: 1, doc: 1 }));
        assert_eq!(swapped.cost, 1.0);
    }

    #[test]
    fn a_close_spelling_costs_half() {
        let a = run("kirill dimitriev said", "kirill dmitriev said");
        assert_eq!(a.cost, 0.5);
        assert!(a.steps.contains(&Step::Spelling { quote: 1, doc: 1 }));
    }

    #[test]
    fn each_pair_of_distinct_words_is_compared_once() {
        // A long quotation against long stretches compared spellings at every cell of the
        // alignment, twice. Counting the name comparisons bounds the work without timing it.
        let quote = words(&"presidents come and go and even die ".repeat(40));
        let doc_text = "they said that presidents come and go and sometimes die ".repeat(60);
        let doc: Vec<&str> = doc_text.split_whitespace().collect();
        let compared = std::cell::Cell::new(0usize);
        let same_name = |_: &str, _: &str| {
            compared.set(compared.get() + 1);
            false
        };
        let free = vec![false; quote.len()];
        let mut aligner = Aligner::new(&quote, &free, &same_name);
        for stretch in doc.chunks(100) {
            aligner.align(stretch).expect("an alignment");
        }
        let (distinct_quote, distinct_doc) = (6, 9);
        assert!(
            compared.get() <= distinct_quote * distinct_doc,
            "{} comparisons",
            compared.get()
        );
    }

    #[test]
    fn words_may_stand_in_an_ellipsis_for_free() {
        let quote = words("the united states see us presidents come");
        let doc: Vec<&str> = "the united states does not currently see us in nato presidents come"
            .split_whitespace()
            .collect();
        let mut free = vec![false; quote.len()];
        free[3] = true;
        free[5] = true;
        let a = align(&quote, &doc, &free, &|_, _| false).unwrap();
        assert_eq!(a.cost, 0.0, "{:?}", a.steps);
    }

    proptest::proptest! {
        /// The quick tests of length and characters reject no pair that the edit distance
        /// accepts: against the edit distance alone, on a word and the same word after up to
        /// three random edits, letters and digits, two of them outside ASCII.
        #[test]
        fn close_spellings_are_those_within_the_allowed_edits(
            a in "[a-zé€0-9]{0,10}",
            edits in proptest::collection::vec((0..4u8, 0..16usize, "[a-zé€0-9]"), 0..4),
        ) {
            let mut chars: Vec<char> = a.chars().collect();
            for (kind, at, c) in edits {
                let c = c.chars().next().expect("one character");
                let at = at % (chars.len() + 1);
                match kind {
                    0 => chars.insert(at, c),
                    1 if at < chars.len() => chars[at] = c,
                    2 if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ if at + 1 < chars.len() => chars.swap(at, at + 1),
                    _ => {}
                }
            }
            let b: String = chars.into_iter().collect();
            let allowed = match a.chars().count().min(b.chars().count()) {
                0..=3 => 0,
                4..=7 => 1,
                _ => 2,
            };
            proptest::prop_assert_eq!(
                close_spelling(&a, &b),
                allowed > 0 && strsim::damerau_levenshtein(&a, &b) <= allowed,
                "{} against {}", a, b
            );
        }
    }
}
