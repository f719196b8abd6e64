//! An automaton for the words one edit from a given word (an insertion, a deletion, a
//! substitution, or two neighbours swapped), walked over a term dictionary to find close
//! spellings of a word the index has.
//!
//! tantivy's Levenshtein automaton (from `levenshtein_automata`) is a DFA built for each
//! word, and building it for one edit cost more than the walk it serves over the common
//! words. This one keeps the states of the
//! edit-distance NFA as bit sets, one bit per position in the word, and steps them with a
//! few shifts per character.

use tantivy_fst::Automaton;

/// Positions 0 to the word's length must fit in a bit set.
const LONGEST_WORD_CHARS: usize = 62;

pub struct OneEdit {
    chars: Vec<char>,
    /// For each ASCII character, the positions of the word that hold it.
    ascii_positions: [u64; 128],
    /// Positions 0 to the word's length.
    valid: u64,
}

/// Where reading may stand in the word: after its first `i` characters with no edit
/// (bit `i` of `exact`) or with one (`edited`), or with no edit but the next two
/// characters read in swapped order so far (`swapped`: the second was read). `pending`
/// bytes of a character are still to come, its bits so far in `partial`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct State {
    exact: u64,
    edited: u64,
    swapped: u64,
    partial: u32,
    pending: u8,
}

const DEAD: State = State {
    exact: 0,
    edited: 0,
    swapped: 0,
    partial: 0,
    pending: 0,
};

impl OneEdit {
    /// The automaton for `word`, or `None` if it is too long to fit.
    pub fn new(word: &str) -> Option<OneEdit> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() > LONGEST_WORD_CHARS {
            return None;
        }
        let mut ascii_positions = [0; 128];
        for (i, &c) in chars.iter().enumerate() {
            if c.is_ascii() {
                ascii_positions[c as usize] |= 1 << i;
            }
        }
        let valid = (1u64 << (chars.len() + 1)) - 1;
        Some(OneEdit {
            chars,
            ascii_positions,
            valid,
        })
    }

    fn positions_of(&self, c: char) -> u64 {
        if c.is_ascii() {
            return self.ascii_positions[c as usize];
        }
        self.chars
            .iter()
            .enumerate()
            .filter(|&(_, &held)| held == c)
            .fold(0, |positions, (i, _)| positions | 1 << i)
    }

    /// The states after reading `c`.
    #[inline]
    fn step(&self, state: &State, c: char) -> State {
        let at = self.positions_of(c);
        let exact = (state.exact & at) << 1;
        let edited = ((state.edited & at) << 1)
            // c in place of the word's next character, or inserted before it.
            | (state.exact << 1)
            | state.exact
            // The second of two swapped characters.
            | ((state.swapped & at) << 2)
            // The word's next character left out.
            | (exact << 1);
        State {
            exact: exact & self.valid,
            edited: edited & self.valid,
            swapped: state.exact & (at >> 1),
            ..DEAD
        }
    }
}

impl Automaton for OneEdit {
    type State = State;

    fn start(&self) -> State {
        State {
            exact: 1,
            // The first character left out.
            edited: 0b10 & self.valid,
            ..DEAD
        }
    }

    fn is_match(&self, state: &State) -> bool {
        let end = 1 << self.chars.len();
        state.pending == 0 && (state.exact | state.edited) & end != 0
    }

    fn can_match(&self, state: &State) -> bool {
        state.exact | state.edited | state.swapped != 0
    }

    fn accept(&self, state: &State, byte: u8) -> State {
        // (A state that cannot match steps to one that cannot either: no bit comes from none.)
        // Characters are decoded from their UTF-8 bytes: an edit is of a character.
        let (partial, pending) = match (state.pending, byte) {
            (0, 0x00..=0x7F) => return self.step(state, char::from(byte)),
            (0, 0xC0..=0xDF) => (u32::from(byte & 0x1F), 1),
            (0, 0xE0..=0xEF) => (u32::from(byte & 0x0F), 2),
            (0, 0xF0..=0xF7) => (u32::from(byte & 0x07), 3),
            (1.., 0x80..=0xBF) => (
                state.partial << 6 | u32::from(byte & 0x3F),
                state.pending - 1,
            ),
            _ => return DEAD,
        };
        if pending > 0 {
            return State {
                partial,
                pending,
                ..*state
            };
        }
        match char::from_u32(partial) {
            Some(c) => self.step(state, c),
            None => DEAD,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn accepts(word: &str, candidate: &str) -> bool {
        let automaton = OneEdit::new(word).unwrap();
        let end = candidate.bytes().fold(automaton.start(), |state, byte| {
            automaton.accept(&state, byte)
        });
        automaton.is_match(&end)
    }

    #[test]
    fn one_edit_of_each_kind_is_accepted_and_two_are_not() {
        for candidate in [
            "korolev", "korolov", "koroleva", "korlev", "kroolev", "okrolev", "korolve",
        ] {
            assert!(accepts("korolev", candidate), "{candidate}");
        }
        for candidate in ["korolova", "krolov", "okrolve", "koro", ""] {
            assert!(!accepts("korolev", candidate), "{candidate}");
        }
        assert!(
            accepts("bɪl", "bil"),
            "a character is one edit, whatever its bytes"
        );
        assert!(accepts("bil", "bɪl"));
        assert!(accepts("", "a") && accepts("a", "") && !accepts("", "ab"));
        assert!(OneEdit::new(&"a".repeat(62)).is_some() && OneEdit::new(&"a".repeat(63)).is_none());
    }

    proptest! {
        /// Against the edit distance itself, on words of a small alphabet (so that many
        /// pairs are close), two letters of it outside ASCII.
        #[test]
        fn accepts_exactly_the_words_one_edit_away(
            word in "[abcé€]{0,8}",
            candidate in "[abcé€]{0,9}",
        ) {
            prop_assert_eq!(
                accepts(&word, &candidate),
                strsim::osa_distance(&word, &candidate) <= 1,
            );
        }
    }
}
