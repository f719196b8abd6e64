//! Where words start in a text, as the index's tokenizer counts them (runs of
//! alphanumeric characters, a word hyphenated across a line end counted once), and how a
//! word is shown in the case the user typed.

use std::ops::Range;

/// The characters that split a word across a line end: the hyphen-minus, the Unicode
/// hyphen, and the soft hyphen (which also joins the halves around it on one line, since
/// it is never shown there).
const HYPHENS: [char; 3] = ['-', '\u{2010}', '\u{ad}'];

/// Where the rest of the word that ends at byte `end` of `text` starts, when that word is
/// hyphenated across a line end: `nego-⏎tiations`, the hyphen right at the end of the line
/// (spaces or tabs may follow it), the next line, or the one after a blank line (PDF text
/// often has one where a paragraph runs on into another column or past a figure), starting
/// with a small letter. A capital (`Anti-⏎American`) or a digit there keeps the two words
/// apart, as the hyphen is more likely the writer's than the typesetter's. Joining is what
/// search, highlights and quotations need from PDFs, OCR and other hard-wrapped text; a
/// compound hyphenated by its writer at a line end (`well-⏎known`) is then one word
/// (`wellknown`) there, which a phrase or quotation that writes the compound also looks
/// for (see [`hyphenated_compounds`]).
#[inline]
pub fn rest_of_hyphenated_word(text: &str, end: usize) -> Option<usize> {
    // The first byte of each of the hyphens: every other word is passed over here.
    match text.as_bytes().get(end) {
        Some(b'-' | 0xc2 | 0xe2) => rest_after_hyphen(text, end),
        _ => None,
    }
}

/// [`rest_of_hyphenated_word`], past its first look.
fn rest_after_hyphen(text: &str, end: usize) -> Option<usize> {
    let after = &text[end..];
    let hyphen = after.chars().next().filter(|c| HYPHENS.contains(c))?;
    let after = &after[hyphen.len_utf8()..];
    let (rest, first_wanted): (&str, fn(char) -> bool) = match past_line_end(after) {
        Some(next_line) => (
            past_line_end(next_line).unwrap_or(next_line),
            char::is_lowercase,
        ),
        None if hyphen == '\u{ad}' => (after, is_word_char),
        None => return None,
    };
    let first = rest.chars().next()?;
    first_wanted(first).then_some(text.len() - rest.len())
}

/// What follows the end of the line that `text` starts on, if only spaces or tabs stand
/// before that end.
fn past_line_end(text: &str) -> Option<&str> {
    let line_end = text.trim_start_matches([' ', '\t']);
    line_end
        .strip_prefix('\r')
        .unwrap_or(line_end)
        .strip_prefix('\n')
}

/// What stands before the line end that `text` ends with, less spaces or tabs before it.
fn before_line_end(text: &str) -> Option<&str> {
    let line = text.strip_suffix('\n')?;
    Some(
        line.strip_suffix('\r')
            .unwrap_or(line)
            .trim_end_matches([' ', '\t']),
    )
}

/// Whether the word starting at byte `start` of `text` is the rest of one hyphenated across
/// a line end (see [`rest_of_hyphenated_word`]), and so not a word of its own.
pub fn continues_hyphenated_word(text: &str, start: usize) -> bool {
    let before = &text[..start];
    let before = match before_line_end(before) {
        Some(line) => before_line_end(line).unwrap_or(line),
        None => before,
    };
    let Some(hyphen) = before.chars().next_back().filter(|c| HYPHENS.contains(c)) else {
        return false;
    };
    let end = before.len() - hyphen.len_utf8();
    text[..end].chars().next_back().is_some_and(is_word_char)
        && rest_of_hyphenated_word(text, end) == Some(start)
}

/// The compounds a writer joined with a hyphen (`so-called`, `well-known`) among words
/// given by their byte ranges in `text`: each `i` for which a hyphen, and nothing else,
/// stands between `words[i]` and `words[i + 1]`. A document that wraps such a compound at
/// its hyphen holds it as one word (see [`rest_of_hyphenated_word`]): a phrase or a
/// quotation that has one is also looked for with its two words as one.
pub fn hyphenated_compounds(text: &str, words: &[Range<usize>]) -> Vec<usize> {
    words
        .windows(2)
        .enumerate()
        .filter(|(_, pair)| {
            text.get(pair[0].end..pair[1].start)
                .is_some_and(|between| matches!(between, "-" | "\u{2010}"))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The most hyphenated compounds of one phrase or quotation that are also looked for
/// wrapped at their hyphen: each combination of them is one more phrase to look for.
pub const MAX_COMPOUNDS_WRAPPED: usize = 4;

/// The ways a document may have wrapped some of the compounds that start at the words
/// `compounds` (in order; the first [`MAX_COMPOUNDS_WRAPPED`] of them): each non-empty
/// combination, as its compounds' first words from the last to the first, the order in
/// which [`compound_joined`] can join them one after another.
pub fn compounds_wrapped(compounds: &[usize]) -> Vec<Vec<usize>> {
    let compounds = &compounds[..compounds.len().min(MAX_COMPOUNDS_WRAPPED)];
    (1..1usize << compounds.len())
        .map(|set| {
            (0..compounds.len())
                .rev()
                .filter(|k| set & 1 << k != 0)
                .map(|k| compounds[k])
                .collect()
        })
        .collect()
}

/// `words` with `words[i]` and `words[i + 1]` written as one, as a compound wrapped at its
/// hyphen is indexed (see [`hyphenated_compounds`]).
pub fn compound_joined(words: &[String], i: usize) -> Vec<String> {
    let mut joined = words.to_vec();
    let rest = joined.remove(i + 1);
    joined[i].push_str(&rest);
    joined
}

/// Whether `c` is part of a word: a letter or digit, or a combining mark (a Devanagari
/// vowel sign or virama, an accent written apart), which belongs to the letter before it.
/// Without the marks, `स्वतन्त्रता` was cut into pieces at each virama, and a search for
/// `से` highlighted the `स` of another word.
///
/// Not the marks of Thai, Lao, Khmer and Myanmar: those scripts leave no space between
/// words, so a run of their letters is a phrase, which the marks at least cut into pieces
/// that can be searched for (telling their words apart needs a dictionary).
pub fn is_word_char(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
            || (c.general_category_group() == GeneralCategoryGroup::Mark
                && !matches!(c, '\u{0E00}'..='\u{0EFF}' | '\u{1000}'..='\u{109F}' | '\u{1780}'..='\u{17FF}'))
    }
}

/// Where each word of `text` starts, as the index's tokenizer counts words: runs of
/// alphanumeric characters, the rest of a word hyphenated across a line end not counted
/// (see [`rest_of_hyphenated_word`]). The n-th start is the byte offset of word position n.
pub fn word_starts(text: &str) -> WordStarts<'_> {
    WordStarts {
        text,
        at: 0,
        in_word: false,
        pending: 0,
        chunk: 0,
    }
}

/// The iterator of [`word_starts`]. It runs over whole texts at search time, so ASCII is
/// read eight bytes at a time: a mask of the bytes that are letters or digits gives all the
/// word starts of the eight at once, and `nth` (which `step_by` uses too) passes over
/// whole chunks by counting their starts, instead of visiting every word before the one
/// wanted. Other characters are decoded and classified one at a time. A start right after
/// a line end or a character that is not ASCII may be the rest of a hyphenated word, and
/// is checked as such.
pub struct WordStarts<'a> {
    text: &'a str,
    /// Where reading goes on: a character boundary.
    at: usize,
    /// Whether the character before `at` is alphanumeric.
    in_word: bool,
    /// The starts found in the chunk at byte `chunk` and not given yet: the high bit of
    /// each byte that starts a word.
    pending: u64,
    chunk: usize,
}

/// The high bit of every byte of a chunk.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `chunk` (eight ASCII bytes) that is an ASCII letter or
/// digit. Every byte is below 0x80, so no sum below carries into the next byte.
fn alphanumeric_bytes(chunk: u64) -> u64 {
    let each = |byte: u8| 0x0101_0101_0101_0101 * u64::from(byte);
    // `x + 0x80 - low` has its high bit set where x >= low; `x + 0x7f - high` where x > high.
    let within = |x: u64, low: u8, high: u8| (x + each(0x80 - low)) & !(x + each(0x7f - high));
    // Setting 0x20 turns capitals into small letters, and no other byte into one.
    let folded = chunk | each(0x20);
    (within(chunk, b'0', b'9') | within(folded, b'a', b'z')) & HIGH_BITS
}

/// The high bit of each byte of `chunk` (eight ASCII bytes) that is a line feed.
fn newline_bytes(chunk: u64) -> u64 {
    // A byte of `x` is zero where the chunk's byte is a line feed; adding 0x7f sets the
    // high bit of every other byte, and no byte carries into the next (x < 0x80).
    let x = chunk ^ 0x0a0a_0a0a_0a0a_0a0a;
    !(x + 0x7f7f_7f7f_7f7f_7f7f) & HIGH_BITS
}

impl WordStarts<'_> {
    /// Takes out of `pending` the starts among `candidates` that continue a hyphenated word.
    fn drop_rests_of_hyphenated_words(&mut self, mut candidates: u64) {
        while candidates != 0 {
            let bit = candidates & candidates.wrapping_neg();
            candidates &= candidates - 1;
            let start = self.chunk + bit.trailing_zeros() as usize / 8;
            if continues_hyphenated_word(self.text, start) {
                self.pending &= !bit;
            }
        }
    }
}

impl Iterator for WordStarts<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        self.nth(0)
    }

    fn nth(&mut self, mut n: usize) -> Option<usize> {
        loop {
            let pending = self.pending.count_ones() as usize;
            if n < pending {
                for _ in 0..n {
                    self.pending &= self.pending - 1;
                }
                let byte = self.pending.trailing_zeros() as usize / 8;
                self.pending &= self.pending - 1;
                return Some(self.chunk + byte);
            }
            n -= pending;
            self.pending = 0;
            let bytes = self.text.as_bytes();
            let eight = bytes
                .get(self.at..self.at + 8)
                .and_then(|eight| <[u8; 8]>::try_from(eight).ok())
                .map(u64::from_le_bytes);
            if let Some(chunk) = eight.filter(|chunk| chunk & HIGH_BITS == 0) {
                let in_word = alphanumeric_bytes(chunk);
                let after_word = (in_word << 8) | if self.in_word { 0x80 } else { 0 };
                self.pending = in_word & !after_word;
                self.chunk = self.at;
                let before_chunk = self.at.checked_sub(1).map(|last| bytes[last]);
                let first_maybe_rest = matches!(before_chunk, Some(b'\n' | 0x80..));
                let maybe_rest = self.pending
                    & ((newline_bytes(chunk) << 8) | if first_maybe_rest { 0x80 } else { 0 });
                if maybe_rest != 0 {
                    self.drop_rests_of_hyphenated_words(maybe_rest);
                }
                self.in_word = in_word >> 63 == 1;
                self.at += 8;
                continue;
            }
            // The last few bytes, or a chunk with a character that is not ASCII.
            let offset = self.at;
            let c = self.text[offset..].chars().next()?;
            self.at += c.len_utf8();
            let starts =
                is_word_char(c) && !self.in_word && !continues_hyphenated_word(self.text, offset);
            self.in_word = is_word_char(c);
            if starts {
                if n == 0 {
                    return Some(offset);
                }
                n -= 1;
            }
        }
    }
}

/// `kyiv` shown as `Kyiv` when the user wrote `Kiev`.
pub fn same_case_as(typed: &str, word: &str) -> String {
    let mut chars = word.chars();
    match (typed.chars().next(), chars.next()) {
        (Some(first), Some(initial)) if first.is_uppercase() => {
            initial.to_uppercase().chain(chars).collect()
        }
        _ => word.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(text: &str) -> Vec<&str> {
        let ends: Vec<usize> = word_starts(text).skip(1).chain([text.len()]).collect();
        word_starts(text)
            .zip(ends)
            .map(|(start, end)| text[start..end].trim_end())
            .collect()
    }

    #[test]
    fn compounds_written_with_a_hyphen_and_the_ways_to_wrap_them() {
        let text = "so-called well‐known e - mail re--use";
        let words: Vec<Range<usize>> = ["so", "called", "well", "known", "e", "mail", "re", "use"]
            .iter()
            .scan(0, |from, word| {
                let start = *from + text[*from..].find(word).unwrap();
                *from = start + word.len();
                Some(start..*from)
            })
            .collect();
        // A hyphen-minus or a Unicode hyphen, and nothing else, between the two words.
        assert_eq!(hyphenated_compounds(text, &words), [0, 2]);
        assert_eq!(compounds_wrapped(&[0, 2]), [vec![0], vec![2], vec![2, 0]]);
        assert_eq!(compounds_wrapped(&[1, 3, 5, 7, 9]).len(), 15);
        let words: Vec<String> = ["so", "called", "well", "known"].map(String::from).into();
        let joined = compounds_wrapped(&[0, 2])[2]
            .iter()
            .fold(words, |words, &i| compound_joined(&words, i));
        assert_eq!(joined, ["socalled", "wellknown"]);
    }

    #[test]
    fn a_word_hyphenated_across_a_line_end_is_one_word() {
        let text = "the nego-\ntiations went on, then nego-  \r\ntiations again, pro-\n\nton";
        assert_eq!(rest_of_hyphenated_word(text, 8), Some(10));
        assert!(continues_hyphenated_word(text, 10));
        assert_eq!(
            starts(text),
            [
                "the",
                "nego-\ntiations",
                "went",
                "on,",
                "then",
                "nego-  \r\ntiations",
                "again,",
                "pro-\n\nton"
            ]
        );
    }

    #[test]
    fn a_capital_a_digit_or_a_hyphen_within_the_line_keeps_two_words() {
        for text in [
            "Anti-\nAmerican",
            "page-\n12",
            "e-mail",
            "so -\nthen",
            "go-\n\n\non",
        ] {
            assert_eq!(word_starts(text).count(), 2, "{text:?}");
        }
    }

    #[test]
    fn a_soft_hyphen_joins_within_a_line_and_across_a_line_end() {
        assert_eq!(
            word_starts("nego\u{ad}tiations nego\u{ad}\ntiations").count(),
            2
        );
        assert_eq!(word_starts("Стра\u{ad}\nтегия и зда-\nние").count(), 3);
    }
}
