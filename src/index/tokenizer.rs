//! The index's tokenizer: runs of letters and digits, with the combining marks written in
//! them ([`is_word_char`]), are words, as tantivy's `SimpleTokenizer` has them but for the
//! marks, and except that a word hyphenated across a line end is one word,
//! spelt without the hyphen and spanning both halves in the text (see
//! [`rest_of_hyphenated_word`]), so that search, highlights and quotations find
//! `negotiations` where a PDF has `nego-⏎tiations`. And the filters that fold the marks of
//! Greek, Arabic, Hebrew and Cyrillic out of those words ([`MarkFolding`]) and that stem
//! them in English ([`EnglishStems`]).

use std::str::CharIndices;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use crate::text::folding::fold_marks;
use crate::text::language::{Language, LanguageStemmer};
use crate::text::words::{is_word_char, rest_of_hyphenated_word};

/// With `halves`, the halves of each word hyphenated across a line end are words too,
/// given after all the text's words, at [`FIRST_HALF_POSITION`] and on, [`HALVES_APART`]
/// positions apart: what the index holds, since the hyphen may be the writer's
/// (`Moscow-⏎based`), whose words must be found (`Moscow`). Standing beyond every word and
/// each other, a half is found as a word but never in a phrase: at the word's own position
/// it made `"the violent protest"` match `the non-⏎violent protest`. Without `halves`,
/// the words a reader counts: what a query, a quotation and word offsets are read with.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    pub halves: bool,
}

/// The position of the first half of a hyphenated word in the index (see
/// [`WordTokenizer`]): beyond any text's words, and low enough for a few million halves
/// to fit tantivy's 32-bit positions.
pub const FIRST_HALF_POSITION: usize = 1 << 31;

/// Positions between two halves, and between the last word and the first half: more than
/// a phrase's largest slop (`MAX_PHRASE_SLOP`, 255) and its words.
pub const HALVES_APART: usize = 512;

/// The most halves a text's words give: the last fits a 32-bit position.
const MAX_HALVES: usize = (u32::MAX as usize - FIRST_HALF_POSITION) / HALVES_APART;

/// The runs of word characters ([`is_word_char`]), with the halves of a hyphenated word put
/// together; with `halves`, the halves after the words.
pub struct WordStream<'a> {
    text: &'a str,
    words: WordRuns<'a>,
    position: usize,
    halves: bool,
    /// The halves of the words given so far, each with its offsets, to give at the end.
    found_halves: Vec<(String, usize, usize)>,
    /// How many of them have been given.
    halves_given: usize,
    token: Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        WordStream {
            text,
            words: WordRuns {
                text,
                chars: text.char_indices(),
                token: Token::default(),
            },
            position: usize::MAX,
            halves: self.halves,
            found_halves: Vec::new(),
            halves_given: 0,
            token: Token::default(),
        }
    }
}

/// An accent or other diacritic written as a character of its own after its letter
/// (`é` as `e` and U+0301, as some PDFs and Russian stress marks have it): part of the
/// word, but left out of its text, as folding leaves out the accent of a precomposed `é`.
fn is_written_apart_diacritic(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// The runs of word characters of a text, one token each: tantivy's `SimpleTokenizer`, with
/// combining marks counted as letters, and diacritics written apart left out of the text.
pub struct WordRuns<'a> {
    text: &'a str,
    chars: CharIndices<'a>,
    token: Token,
}

impl TokenStream for WordRuns<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        while let Some((start, c)) = self.chars.next() {
            if is_word_char(c) {
                let end = self
                    .chars
                    .find(|&(_, c)| !is_word_char(c))
                    .map_or(self.text.len(), |(end, _)| end);
                self.token.offset_from = start;
                self.token.offset_to = end;
                let word = &self.text[start..end];
                if word.contains(is_written_apart_diacritic) {
                    let letters = word.chars().filter(|&c| !is_written_apart_diacritic(c));
                    self.token.text.extend(letters);
                } else {
                    self.token.text.push_str(word);
                }
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        if !self.words.advance() {
            return self.give_half();
        }
        self.position = self.position.wrapping_add(1);
        let word = self.words.token();
        let (start, mut end) = (word.offset_from, word.offset_to);
        // The runs' buffer and this one trade places: no word is copied.
        std::mem::swap(&mut self.token.text, &mut self.words.token_mut().text);
        if rest_of_hyphenated_word(self.text, end).is_some() {
            if self.halves && self.found_halves.len() < MAX_HALVES {
                self.found_halves
                    .push((self.token.text.clone(), start, end));
            }
            while rest_of_hyphenated_word(self.text, end).is_some() {
                // The rest starts a run of alphanumeric characters: tantivy's next word.
                self.words.advance();
                let rest = self.words.token();
                self.token.text.push_str(&rest.text);
                end = rest.offset_to;
                if self.halves && self.found_halves.len() < MAX_HALVES {
                    self.found_halves
                        .push((rest.text.clone(), rest.offset_from, rest.offset_to));
                }
            }
        }
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.position;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl WordStream<'_> {
    /// Gives the next of the halves found, once the text's words are all given.
    fn give_half(&mut self) -> bool {
        let Some((half, from, to)) = self.found_halves.get_mut(self.halves_given) else {
            return false;
        };
        self.token.text = std::mem::take(half);
        self.token.offset_from = *from;
        self.token.offset_to = *to;
        self.token.position = FIRST_HALF_POSITION + self.halves_given * HALVES_APART;
        self.halves_given += 1;
        true
    }
}

/// Each word with the marks of Greek, Arabic, Hebrew and Cyrillic folded ([`fold_marks`]),
/// as `AsciiFoldingFilter` folds Latin accents. Words are expected folded to lower case. A
/// word keeps its offsets: they are those of the word as the text writes it, which a
/// highlight marks.
#[derive(Clone, Copy)]
pub struct MarkFolding;

impl TokenFilter for MarkFolding {
    type Tokenizer<T: Tokenizer> = MarkFoldingOf<T>;

    fn transform<T: Tokenizer>(self, words: T) -> MarkFoldingOf<T> {
        MarkFoldingOf { words }
    }
}

#[derive(Clone)]
pub struct MarkFoldingOf<T> {
    words: T,
}

pub struct MarkFoldingStream<S> {
    words: S,
}

impl<T: Tokenizer> Tokenizer for MarkFoldingOf<T> {
    type TokenStream<'a> = MarkFoldingStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MarkFoldingStream {
            words: self.words.token_stream(text),
        }
    }
}

impl<S: TokenStream> TokenStream for MarkFoldingStream<S> {
    fn advance(&mut self) -> bool {
        if !self.words.advance() {
            return false;
        }
        let token = self.words.token_mut();
        if let Some(folded) = fold_marks(&token.text) {
            token.text = folded;
        }
        true
    }

    fn token(&self) -> &Token {
        self.words.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.words.token_mut()
    }
}

/// Each word replaced by its English Snowball stem, by the stemmer dossier stems every
/// language with (tantivy's own `Stemmer` would link a second copy of the Snowball tables,
/// which the loader relocates at every start). Words are expected folded to lower case.
#[derive(Clone, Copy)]
pub struct EnglishStems;

impl TokenFilter for EnglishStems {
    type Tokenizer<T: Tokenizer> = EnglishStemsOf<T>;

    fn transform<T: Tokenizer>(self, words: T) -> EnglishStemsOf<T> {
        let stemmer = Language::english()
            .stemmer()
            .expect("Snowball has an English stemmer");
        EnglishStemsOf { words, stemmer }
    }
}

#[derive(Clone)]
pub struct EnglishStemsOf<T> {
    words: T,
    stemmer: LanguageStemmer,
}

pub struct EnglishStemStream<S> {
    words: S,
    stemmer: LanguageStemmer,
}

impl<T: Tokenizer> Tokenizer for EnglishStemsOf<T> {
    type TokenStream<'a> = EnglishStemStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        EnglishStemStream {
            words: self.words.token_stream(text),
            stemmer: self.stemmer,
        }
    }
}

impl<S: TokenStream> TokenStream for EnglishStemStream<S> {
    fn advance(&mut self) -> bool {
        if !self.words.advance() {
            return false;
        }
        let token = self.words.token_mut();
        let stem = self.stemmer.stem(&token.text);
        if *stem != *token.text {
            token.text = stem.into_owned();
        }
        true
    }

    fn token(&self) -> &Token {
        self.words.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.words.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::TextAnalyzer;

    use super::*;

    fn tokens(text: &str) -> Vec<(usize, String, usize, usize)> {
        tokens_of(&mut TextAnalyzer::from(WordTokenizer::default()), text)
    }

    fn tokens_of(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String, usize, usize)> {
        let mut tokens = Vec::new();
        analyzer.token_stream(text).process(&mut |t| {
            tokens.push((t.position, t.text.clone(), t.offset_from, t.offset_to))
        });
        tokens
    }

    #[test]
    fn halves_of_a_hyphenated_word_are_one_token_spanning_both() {
        assert_eq!(
            tokens("Hello, nego-\ntiations ﬁne"),
            [
                (0, "Hello".into(), 0, 5),
                (1, "negotiations".into(), 7, 21),
                (2, "ﬁne".into(), 22, 27),
            ]
        );
    }

    #[test]
    fn the_index_has_the_halves_of_a_hyphenated_word_after_its_words() {
        let mut halves = TextAnalyzer::from(WordTokenizer { halves: true });
        let half = |k: usize| FIRST_HALF_POSITION + k * HALVES_APART;
        assert_eq!(
            tokens_of(&mut halves, "The Moscow-\nbased fund, mother-\nin-\nlaw"),
            [
                (0, "The".into(), 0, 3),
                (1, "Moscowbased".into(), 4, 17),
                (2, "fund".into(), 18, 22),
                (3, "motherinlaw".into(), 24, 39),
                (half(0), "Moscow".into(), 4, 10),
                (half(1), "based".into(), 12, 17),
                (half(2), "mother".into(), 24, 30),
                (half(3), "in".into(), 32, 34),
                (half(4), "law".into(), 36, 39),
            ]
        );
        assert!(half(MAX_HALVES) <= u32::MAX as usize);
    }

    #[test]
    fn folded_marks_keep_the_offsets_of_the_word_as_written() {
        let mut analyzer = TextAnalyzer::builder(WordTokenizer::default())
            .filter(tantivy::tokenizer::LowerCaser)
            .filter(MarkFolding)
            .build();
        let text = "ΟΔΟΣ Ελλάδα, أحرارًا אֱלֹהִ֑ים Самолётом";
        let words = tokens_of(&mut analyzer, text);
        let folded: Vec<&str> = words.iter().map(|(_, word, _, _)| word.as_str()).collect();
        assert_eq!(folded, ["οδοσ", "ελλαδα", "احرارا", "אלהים", "самолетом"]);
        let written: Vec<&str> = words.iter().map(|w| &text[w.2..w.3]).collect();
        assert_eq!(written, ["ΟΔΟΣ", "Ελλάδα", "أحرارًا", "אֱלֹהִ֑ים", "Самолётом"]);
    }

    #[test]
    fn english_stems_replace_each_word_in_its_place() {
        let mut analyzer = TextAnalyzer::builder(WordTokenizer::default())
            .filter(tantivy::tokenizer::LowerCaser)
            .filter(EnglishStems)
            .build();
        assert_eq!(
            tokens_of(&mut analyzer, "Sanctions running on nego-\ntiations"),
            [
                (0, "sanction".into(), 0, 9),
                (1, "run".into(), 10, 17),
                (2, "on".into(), 18, 20),
                (3, "negoti".into(), 21, 35),
            ]
        );
    }
}
