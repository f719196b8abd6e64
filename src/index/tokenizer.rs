//! The index's tokenizer: runs of letters and digits, with the combining marks written in
//! them ([`is_word_char`]), are words, as tantivy's `SimpleTokenizer` has them but for the
//! marks, and except that a word hyphenated across a line end is one word,
//! spelt without the hyphen and spanning both halves in the text (see
//! [`rest_of_hyphenated_word`]), so that search, highlights and quotations find
//! `negotiations` where a PDF has `nego-⏎tiations`. And the filter that stems those words
//! in English ([`EnglishStems`]).

use std::str::CharIndices;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use crate::text::language::{Language, LanguageStemmer};
use crate::text::words::{is_word_char, rest_of_hyphenated_word};

/// With `halves`, a word hyphenated across a line end is followed, at its position, by
/// each of its halves as a word of its own: what the index holds, since the hyphen may be
/// the writer's (`Moscow-⏎based`, `so-⏎called`), whose words must be found on their own
/// too (`Moscow`, `"called experts"`). Without, the words a reader counts, one a position:
/// what a query, a quotation and a passage's word offsets are read with.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    pub halves: bool,
}

/// The runs of word characters ([`is_word_char`]), with the halves of a hyphenated word put
/// together, and given after it with `halves`.
pub struct WordStream<'a> {
    text: &'a str,
    words: WordRuns<'a>,
    position: usize,
    halves: bool,
    /// The halves of the last word, to give after it (last half first), each with its
    /// offsets.
    pending: Vec<(String, usize, usize)>,
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
            pending: Vec::new(),
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
        if let Some((half, from, to)) = self.pending.pop() {
            self.token.text = half;
            self.token.offset_from = from;
            self.token.offset_to = to;
            return true;
        }
        if !self.words.advance() {
            return false;
        }
        self.position = self.position.wrapping_add(1);
        let word = self.words.token();
        let (start, mut end) = (word.offset_from, word.offset_to);
        // The runs' buffer and this one trade places: no word is copied.
        std::mem::swap(&mut self.token.text, &mut self.words.token_mut().text);
        if rest_of_hyphenated_word(self.text, end).is_some() {
            let mut halves = Vec::new();
            if self.halves {
                halves.push((self.token.text.clone(), start, end));
            }
            while rest_of_hyphenated_word(self.text, end).is_some() {
                // The rest starts a run of alphanumeric characters: tantivy's next word.
                self.words.advance();
                let rest = self.words.token();
                self.token.text.push_str(&rest.text);
                end = rest.offset_to;
                if self.halves {
                    halves.push((rest.text.clone(), rest.offset_from, rest.offset_to));
                }
            }
            // Given in order, after the word; a half the same as the one before it once.
            halves.dedup_by(|next, before| next.0 == before.0);
            halves.reverse();
            self.pending = halves;
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
    fn the_index_has_the_halves_of_a_hyphenated_word_too_in_its_place() {
        let mut halves = TextAnalyzer::from(WordTokenizer { halves: true });
        assert_eq!(
            tokens_of(&mut halves, "The Moscow-\nbased so-\nso fund"),
            [
                (0, "The".into(), 0, 3),
                (1, "Moscowbased".into(), 4, 17),
                (1, "Moscow".into(), 4, 10),
                (1, "based".into(), 12, 17),
                (2, "soso".into(), 18, 24),
                (2, "so".into(), 18, 20),
                (3, "fund".into(), 25, 29),
            ]
        );
        // A word of three halves.
        assert_eq!(
            tokens_of(&mut halves, "mother-\nin-\nlaw"),
            [
                (0, "motherinlaw".into(), 0, 15),
                (0, "mother".into(), 0, 6),
                (0, "in".into(), 8, 10),
                (0, "law".into(), 12, 15),
            ]
        );
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
