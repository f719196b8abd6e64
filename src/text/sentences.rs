//! Where sentences start, by the Unicode sentence rules (UAX #29) exactly as the
//! unicode-segmentation crate applies them, with a fast path for ASCII text.
//!
//! Segmenting is the largest part of a passage's cost, and the crate spends most of it
//! looking each character's category up in its table of all of Unicode. ASCII text, most of
//! what dossiers hold, runs here through the crate's own rules with a table of the 128 ASCII
//! categories instead; any other text goes to the crate. The tests check that both give the
//! same boundaries.

use unicode_segmentation::UnicodeSegmentation;

/// The byte offsets where the sentences of `text` start, the first at 0: the offsets
/// `split_sentence_bound_indices` gives.
pub fn sentence_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let ascii = text.is_ascii();
    let fast = ascii.then(|| AsciiBreaks::new(text).filter(|&b| b < text.len()));
    let slow = (!ascii).then(|| text.split_sentence_bound_indices().map(|(at, _)| at));
    fast.into_iter().flatten().chain(slow.into_iter().flatten())
}

/// A character's sentence category (UAX #29), as far as ASCII has them. (ASCII has no
/// `Sep`, `Extend`, `Format` or `OLetter`.)
#[derive(Clone, Copy, PartialEq, Eq)]
enum Category {
    Other,
    Cr,
    Lf,
    Sp,
    STerm,
    ATerm,
    Close,
    SContinue,
    Numeric,
    Upper,
    Lower,
}

/// The categories of the ASCII characters, as the crate's table has them.
const CATEGORIES: [Category; 128] = {
    let mut table = [Category::Other; 128];
    let mut byte = 0;
    while byte < 128 {
        table[byte] = match byte as u8 {
            b'\t' | 0x0b | 0x0c | b' ' => Category::Sp,
            b'\n' => Category::Lf,
            b'\r' => Category::Cr,
            b'!' | b'?' => Category::STerm,
            b'.' => Category::ATerm,
            b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Category::Close,
            b',' | b'-' | b':' | b';' => Category::SContinue,
            b'0'..=b'9' => Category::Numeric,
            b'A'..=b'Z' => Category::Upper,
            b'a'..=b'z' => Category::Lower,
            _ => Category::Other,
        };
        byte += 1;
    }
    table
};

/// The category of an ASCII byte (the high bit, never set in ASCII text, is ignored).
fn category(byte: u8) -> Category {
    CATEGORIES[usize::from(byte & 0x7f)]
}

/// What the rules remember of the text before a position: the crate's state parts, runs
/// of `Close` and of `Sp` each counting as one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Sot,
    Other,
    Cr,
    Lf,
    ATerm,
    UpperLower,
    ClosePlus,
    SpPlus,
    STerm,
}

/// The last four parts, the latest last.
#[derive(Clone, Copy)]
struct State([Part; 4]);

impl State {
    fn next(self, category: Category) -> State {
        let [_, a, b, last] = self.0;
        match (last, category) {
            (Part::ClosePlus, Category::Close) | (Part::SpPlus, Category::Sp) => self,
            _ => State([
                a,
                b,
                last,
                match category {
                    Category::Cr => Part::Cr,
                    Category::Lf => Part::Lf,
                    Category::ATerm => Part::ATerm,
                    Category::Upper | Category::Lower => Part::UpperLower,
                    Category::Close => Part::ClosePlus,
                    Category::Sp => Part::SpPlus,
                    Category::STerm => Part::STerm,
                    _ => Part::Other,
                },
            ]),
        }
    }

    fn last(self) -> Part {
        self.0[3]
    }

    /// Whether no terminator is among the parts remembered and the last is not a line break
    /// (nor the text's start): then no rule can break before a byte that is neither a
    /// terminator nor a line break, and reading one leaves the state quiet.
    fn is_quiet(self) -> bool {
        !matches!(self.last(), Part::Sot | Part::Cr | Part::Lf)
            && !self
                .0
                .iter()
                .any(|part| matches!(part, Part::STerm | Part::ATerm))
    }

    /// Where a terminator would stand if the state ends in `SATerm Close* Sp*`.
    fn terminator_before_spaces(self) -> Part {
        let mut at = if self.0[3] == Part::SpPlus { 2 } else { 3 };
        if self.0[at] == Part::ClosePlus {
            at -= 1;
        }
        self.0[at]
    }

    /// SB8a's `SATerm Close* Sp*`.
    fn after_terminator_spaces(self) -> bool {
        matches!(self.terminator_before_spaces(), Part::STerm | Part::ATerm)
    }

    /// SB8's `ATerm Close* Sp*`, followed in `ahead` by no letter, paragraph separator or
    /// terminator before a lower-case letter.
    fn continues_in_lower_case(self, ahead: &[u8]) -> bool {
        self.terminator_before_spaces() == Part::ATerm
            && ahead.iter().map(|&byte| category(byte)).find(|category| {
                !matches!(
                    category,
                    Category::Other
                        | Category::Sp
                        | Category::Close
                        | Category::SContinue
                        | Category::Numeric
                )
            }) == Some(Category::Lower)
    }

    /// SB9's `SATerm Close*`.
    fn after_terminator_closes(self) -> bool {
        let at = if self.0[3] == Part::ClosePlus { 2 } else { 3 };
        matches!(self.0[at], Part::STerm | Part::ATerm)
    }

    /// SB11's `SATerm Close* Sp* ParaSep?`.
    fn ends_sentence(self) -> bool {
        let mut at = match self.0[3] {
            Part::Cr | Part::Lf => 2,
            _ => 3,
        };
        if self.0[at] == Part::SpPlus {
            at -= 1;
        }
        if self.0[at] == Part::ClosePlus {
            at -= 1;
        }
        matches!(self.0[at], Part::STerm | Part::ATerm)
    }
}

/// The sentence breaks of an ASCII text, its end included: the crate's forward iterator,
/// rule for rule.
struct AsciiBreaks<'a> {
    bytes: &'a [u8],
    at: usize,
    state: State,
    ended: bool,
}

impl AsciiBreaks<'_> {
    fn new(text: &str) -> AsciiBreaks<'_> {
        AsciiBreaks {
            bytes: text.as_bytes(),
            at: 0,
            state: State([Part::Sot; 4]),
            ended: false,
        }
    }

    /// Reads on, in a quiet state, up to the next terminator or line break: no other byte
    /// can break a sentence there, nor make the state other than quiet, so the rules need
    /// not be asked. (Most of a text is read this way.)
    fn pass_over_quiet_bytes(&mut self) {
        while let Some(&byte) = self.bytes.get(self.at) {
            let category = category(byte);
            if matches!(
                category,
                Category::STerm | Category::ATerm | Category::Cr | Category::Lf
            ) {
                return;
            }
            self.state = self.state.next(category);
            self.at += 1;
        }
    }
}

impl Iterator for AsciiBreaks<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.at < self.bytes.len() {
            if self.state.is_quiet() {
                self.pass_over_quiet_bytes();
                if self.at == self.bytes.len() {
                    break;
                }
            }
            let before = self.state;
            let here = self.at;
            let category = category(self.bytes[here]);
            self.at += 1;
            self.state = before.next(category);
            let breaks = match category {
                // SB1
                _ if before.last() == Part::Sot => true,
                // SB3
                Category::Lf if before.last() == Part::Cr => false,
                // SB4
                _ if matches!(before.last(), Part::Cr | Part::Lf) => true,
                // SB6
                Category::Numeric if before.last() == Part::ATerm => false,
                // SB7
                Category::Upper if before.0[2..] == [Part::UpperLower, Part::ATerm] => false,
                // SB8
                _ if before.continues_in_lower_case(&self.bytes[here..]) => false,
                // SB8a
                Category::SContinue | Category::STerm | Category::ATerm
                    if before.after_terminator_spaces() =>
                {
                    false
                }
                // SB9
                Category::Close | Category::Sp | Category::Cr | Category::Lf
                    if before.after_terminator_closes() =>
                {
                    false
                }
                // SB10
                Category::Sp | Category::Cr | Category::Lf if before.after_terminator_spaces() => {
                    false
                }
                // SB11
                _ => before.ends_sentence(),
            };
            if breaks {
                return Some(here);
            }
        }
        // SB2: the end of a text that had any.
        if self.ended || self.state.last() == Part::Sot {
            return None;
        }
        self.ended = true;
        Some(self.bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn crate_starts(text: &str) -> Vec<usize> {
        text.split_sentence_bound_indices()
            .map(|(at, _)| at)
            .collect()
    }

    fn fast_starts(text: &str) -> Vec<usize> {
        AsciiBreaks::new(text).filter(|&b| b < text.len()).collect()
    }

    #[test]
    fn ascii_sentences_start_where_the_crate_says() {
        for text in [
            "",
            "One.",
            "Mr. Smith met Dr. Jones. They talked.",
            "He said \"Stop.\" Then (after a while) left!  Why? Because.\r\n\r\nNew paragraph",
            "e.g. this is lower. 3.14 is a number. U.S. Army. etc.) and so on",
            "License: GPL-2\n On Debian systems, see /usr/share/common-licenses/GPL-2.\n .\n",
            "A sentence... and more?! Yes.\tTabbed.\x0bVertical.",
        ] {
            assert_eq!(fast_starts(text), crate_starts(text), "{text:?}");
        }
    }

    #[test]
    fn the_shipped_dossier_has_the_same_sentences_either_way() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut sentences = 0;
        for entry in std::fs::read_dir(corpus).expect("the shipped corpus") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("text");
            assert_eq!(
                sentence_starts(&text).collect::<Vec<_>>(),
                crate_starts(&text)
            );
            // The articles have typographic quotes: as ASCII quotes, the texts go the fast way.
            let ascii: String = text
                .chars()
                .map(|c| if c.is_ascii() { c } else { '"' })
                .collect();
            let starts = fast_starts(&ascii);
            assert_eq!(starts, crate_starts(&ascii));
            sentences += starts.len();
        }
        assert!(sentences > 100, "only {sentences} sentences compared");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn any_ascii_text_has_the_crate_s_sentences(
            text in "[a-cA-C0-9 .!?\"'(),;:\\-\t\r\n#]{0,40}"
        ) {
            prop_assert_eq!(fast_starts(&text), crate_starts(&text));
        }

        #[test]
        fn any_text_has_the_crate_s_sentences(text in "[a-zA-Z .!?é。\u{2029}\n]{0,30}") {
            prop_assert_eq!(sentence_starts(&text).collect::<Vec<_>>(), crate_starts(&text));
        }
    }
}
