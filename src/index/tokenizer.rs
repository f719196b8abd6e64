//! The index's tokenizer: runs of alphanumeric characters are words, as tantivy's
//! `SimpleTokenizer` has them, except that a word hyphenated across a line end is one word,
//! spelt without the hyphen and spanning both halves in the text (see
//! [`rest_of_hyphenated_word`]), so that search, highlights and quotations find
//! `negotiations` where a PDF has `nego-⏎tiations`. And the filter that stems those words
//! in English ([`EnglishStems`]).

use tantivy::tokenizer::{
    SimpleTokenStream, SimpleTokenizer, Token, TokenFilter, TokenStream, Tokenizer,
};

use crate::text::language::{Language, LanguageStemmer};
use crate::text::words::rest_of_hyphenated_word;

#[derive(Clone, Default)]
pub struct WordTokenizer {
    words: SimpleTokenizer,
}

/// tantivy's words, with the halves of a hyphenated word put together: joins are rare, so
/// the stream of every other word is tantivy's own.
pub struct WordStream<'a> {
    text: &'a str,
    words: SimpleTokenStream<'a>,
    position: usize,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        WordStream {
            text,
            words: self.words.token_stream(text),
            position: usize::MAX,
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        if !self.words.advance() {
            return false;
        }
        self.position = self.position.wrapping_add(1);
        let start = self.words.token().offset_from;
        while rest_of_hyphenated_word(self.text, self.words.token().offset_to).is_some() {
            let first_half = std::mem::take(&mut self.words.token_mut().text);
            // The rest starts a run of alphanumeric characters: tantivy's next word.
            self.words.advance();
            self.words.token_mut().text.insert_str(0, &first_half);
        }
        let token = self.words.token_mut();
        token.offset_from = start;
        token.position = self.position;
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
