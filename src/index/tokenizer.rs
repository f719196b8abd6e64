//! The index's tokenizer: runs of alphanumeric characters are words, as tantivy's
//! `SimpleTokenizer` has them, except that a word hyphenated across a line end is one word,
//! spelt without the hyphen and spanning both halves in the text (see
//! [`rest_of_hyphenated_word`]), so that search, highlights and quotations find
//! `negotiations` where a PDF has `nego-⏎tiations`.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::text::words::rest_of_hyphenated_word;

#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordStream<'a> {
    text: &'a str,
    /// Where reading goes on.
    at: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            at: 0,
            token: &mut self.token,
        }
    }
}

impl WordStream<'_> {
    /// The end of the run of alphanumeric characters starting at `start`.
    fn run_end(&self, start: usize) -> usize {
        self.text[start..]
            .char_indices()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(self.text.len(), |(offset, _)| start + offset)
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        let Some((offset, _)) = self.text[self.at..]
            .char_indices()
            .find(|(_, c)| c.is_alphanumeric())
        else {
            self.at = self.text.len();
            return false;
        };
        let start = self.at + offset;
        let mut end = self.run_end(start);
        self.token.text.push_str(&self.text[start..end]);
        while let Some(rest) = rest_of_hyphenated_word(self.text, end) {
            end = self.run_end(rest);
            self.token.text.push_str(&self.text[rest..end]);
        }
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.at = end;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::TextAnalyzer;

    use super::*;

    fn tokens(text: &str) -> Vec<(usize, String, usize, usize)> {
        let mut analyzer = TextAnalyzer::from(WordTokenizer::default());
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
}
