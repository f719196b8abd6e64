//! Turning what the user typed into a tantivy query, and into the patterns that passages
//! highlight.
//!
//! The user's text is parsed with tantivy's own grammar (`AND`, `OR`, `NOT`, `+`, `-`,
//! `"phrase"`, `"phrase"~N`, `field:term`, `^boost`), after typographic quotes and
//! apostrophes are made plain. The query is then built here rather than by tantivy's
//! `QueryParser`, because a phrase and a keyword go to different fields: keywords to the
//! stemmed field, quoted phrases to the exact one.

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::query_grammar::{self, Delimiter, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::error::{Error, Result};
use crate::schema::{Fields, analyze, exact_analyzer, stemmed_analyzer};

/// Title matches count a little more than body matches: a title says what a document is about.
const TITLE_BOOST: f32 = 1.5;

/// What to look for in a document's text to highlight a query's match.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    /// One word, compared after stemming (a keyword) or as written (a quoted word).
    Word { word: String, stemmed: bool },
    /// Words in this order, with at most `slop` other words between them in all.
    Phrase { words: Vec<String>, slop: u32 },
}

/// One positive clause of the query, as highlighting sees it.
#[derive(Clone, Debug)]
pub struct QueryTerm {
    /// The clause as the user wrote it, to say which clause a highlight came from.
    pub label: String,
    pub pattern: Pattern,
}

/// A query ready to run, with what its matches look like in the text.
pub struct ParsedQuery {
    pub query: Box<dyn Query>,
    /// Clauses whose matches are highlighted; excluded (`-`, `NOT`) clauses are not here.
    pub terms: Vec<QueryTerm>,
}

impl std::fmt::Debug for ParsedQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParsedQuery")
            .field("query", &self.query)
            .field("terms", &self.terms)
            .finish()
    }
}

/// Makes typographic quotation marks into the grammar's quotes, and escapes apostrophes
/// inside words, so that `“Presidents come and go”` is a phrase and `Ukraine’s` a word.
pub fn normalize_quotes(query: &str) -> String {
    let chars: Vec<char> = query.chars().collect();
    let mut out = String::with_capacity(query.len());
    let mut in_double = false;
    let mut in_single = false;
    for (i, &c) in chars.iter().enumerate() {
        let prev_is_word = i > 0 && chars[i - 1].is_alphanumeric();
        let next_is_word = chars.get(i + 1).is_some_and(|c| c.is_alphanumeric());
        match c {
            '"' | '“' | '”' | '„' | '‟' | '«' | '»' | '＂' | '〝' | '〞' => {
                in_double = !in_double;
                out.push('"');
            }
            '\'' | '‘' | '’' | '‚' | '‛' if in_double => out.push(c),
            // An apostrophe inside or at the end of a word is part of the word.
            '\'' | '‘' | '’' | '‛' if prev_is_word && (next_is_word || !in_single) => {
                out.push_str("\\'")
            }
            '\'' | '‘' | '’' | '‚' | '‛' => {
                in_single = !in_single;
                out.push('\'');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Which fields a literal searches: the user may name `title`, `body` or `id`.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    All,
    Title,
    Body,
    Id,
}

pub struct QueryBuilder {
    fields: Fields,
    stemmed: TextAnalyzer,
    exact: TextAnalyzer,
    /// The query being parsed, after quote normalization, for error positions.
    current: String,
}

impl QueryBuilder {
    pub fn new(fields: &Fields) -> QueryBuilder {
        QueryBuilder {
            fields: fields.clone(),
            stemmed: stemmed_analyzer(),
            exact: exact_analyzer(),
            current: String::new(),
        }
    }

    /// Parses the user's query, or says where and why it cannot be read.
    pub fn parse(&mut self, user_query: &str) -> Result<ParsedQuery> {
        let normalized = normalize_quotes(user_query);
        let (ast, errors) = query_grammar::parse_query_lenient(&normalized);
        if let Some(error) = errors.first() {
            return Err(describe_syntax_error(&normalized, error));
        }
        self.current = normalized;
        let mut terms = Vec::new();
        let query = self.build(&ast, false, &mut terms)?;
        Ok(ParsedQuery { query, terms })
    }

    fn build(
        &mut self,
        ast: &UserInputAst,
        excluded: bool,
        terms: &mut Vec<QueryTerm>,
    ) -> Result<Box<dyn Query>> {
        match ast {
            UserInputAst::Clause(clauses) => {
                if clauses.is_empty() {
                    return Ok(Box::new(EmptyQuery));
                }
                let mut subqueries = Vec::with_capacity(clauses.len() + 1);
                for (occur, sub) in clauses {
                    let occur = match occur {
                        Some(query_grammar::Occur::Must) => Occur::Must,
                        Some(query_grammar::Occur::MustNot) => Occur::MustNot,
                        Some(query_grammar::Occur::Should) | None => Occur::Should,
                    };
                    let sub_excluded = excluded || occur == Occur::MustNot;
                    subqueries.push((occur, self.build(sub, sub_excluded, terms)?));
                }
                // `-word` alone means every document without the word, not none at all.
                if subqueries.iter().all(|(occur, _)| *occur == Occur::MustNot) {
                    subqueries.push((Occur::Must, Box::new(AllQuery)));
                }
                Ok(Box::new(BooleanQuery::new(subqueries)))
            }
            UserInputAst::Boost(sub, boost) => Ok(Box::new(BoostQuery::new(
                self.build(sub, excluded, terms)?,
                boost.into_inner() as f32,
            ))),
            UserInputAst::Leaf(leaf) => match leaf.as_ref() {
                UserInputLeaf::Literal(literal) => self.literal(literal, excluded, terms),
                UserInputLeaf::All => Ok(Box::new(AllQuery)),
                UserInputLeaf::Range { .. } => Err(unsupported("ranges ([a TO b])")),
                UserInputLeaf::Set { .. } => Err(unsupported("sets (IN [...])")),
                UserInputLeaf::Regex { .. } => Err(unsupported("regular expressions")),
                UserInputLeaf::Exists { .. } => Err(unsupported("field existence (field:*)")),
            },
        }
    }

    /// The 1-based character position of `needle` in the query being parsed.
    fn position_of(&self, needle: &str) -> usize {
        self.current
            .find(needle)
            .map_or(1, |byte| self.current[..byte].chars().count() + 1)
    }

    fn literal(
        &mut self,
        literal: &UserInputLiteral,
        excluded: bool,
        terms: &mut Vec<QueryTerm>,
    ) -> Result<Box<dyn Query>> {
        let scope = match literal.field_name.as_deref() {
            None => Scope::All,
            Some("title") => Scope::Title,
            Some("body" | "text") => Scope::Body,
            Some("id") => Scope::Id,
            Some(other) => {
                return Err(Error::Query {
                    position: self.position_of(&format!("{other}:")),
                    message: format!(
                        "unknown field `{other}`: the fields are title, body and id \
                         (to search for the word itself, write \"{other}:\" in quotes)"
                    ),
                });
            }
        };
        if scope == Scope::Id {
            let term = Term::from_field_text(self.fields.id, &literal.phrase);
            return Ok(Box::new(TermQuery::new(term, IndexRecordOption::Basic)));
        }
        if literal.prefix {
            return Err(unsupported("prefix terms (word*)"));
        }
        let quoted = literal.delimiter != Delimiter::None;
        if !quoted && literal.slop > 0 {
            return Err(unsupported("fuzzy terms (word~N)"));
        }
        let exact_words = analyze(&mut self.exact, &literal.phrase);
        let label = if quoted {
            format!("\"{}\"", literal.phrase)
        } else {
            literal.phrase.clone()
        };
        let (pattern, query): (Pattern, Box<dyn Query>) = match exact_words.len() {
            0 => return Ok(Box::new(EmptyQuery)),
            1 if quoted => {
                let word = exact_words.into_iter().next().unwrap_or_default();
                let query = self.per_field(scope, true, |field| {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &word),
                        IndexRecordOption::WithFreqs,
                    ))
                });
                (
                    Pattern::Word {
                        word,
                        stemmed: false,
                    },
                    query,
                )
            }
            1 => {
                let stems = analyze(&mut self.stemmed, &literal.phrase);
                let word = stems.into_iter().next().unwrap_or_default();
                let query = self.per_field(scope, false, |field| {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &word),
                        IndexRecordOption::WithFreqs,
                    ))
                });
                (
                    Pattern::Word {
                        word,
                        stemmed: true,
                    },
                    query,
                )
            }
            // Several words, quoted or not (`U.S.`, `e-mail`), must stand together.
            _ => {
                let slop = literal.slop;
                let query = self.per_field(scope, true, |field| {
                    let terms = exact_words
                        .iter()
                        .map(|word| Term::from_field_text(field, word))
                        .collect();
                    let mut phrase = PhraseQuery::new(terms);
                    phrase.set_slop(slop);
                    Box::new(phrase)
                });
                (
                    Pattern::Phrase {
                        words: exact_words,
                        slop,
                    },
                    query,
                )
            }
        };
        if !excluded {
            terms.push(QueryTerm { label, pattern });
        }
        Ok(query)
    }

    /// The same clause over the title and the body, or only the field the user named.
    fn per_field(
        &self,
        scope: Scope,
        exact: bool,
        make: impl Fn(Field) -> Box<dyn Query>,
    ) -> Box<dyn Query> {
        let (title, body) = if exact {
            (self.fields.title_exact, self.fields.body_exact)
        } else {
            (self.fields.title, self.fields.body)
        };
        match scope {
            Scope::Title => make(title),
            Scope::Body => make(body),
            _ => Box::new(BooleanQuery::new(vec![
                (Occur::Should, make(body)),
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(make(title), TITLE_BOOST)),
                ),
            ])),
        }
    }
}

fn unsupported(what: &str) -> Error {
    Error::Query {
        position: 0,
        message: format!("{what} are not supported; put the text in quotes to search for it"),
    }
}

/// Turns the grammar's terse error into a position a person can count to and a fix.
fn describe_syntax_error(query: &str, error: &query_grammar::LenientError) -> Error {
    let char_position = |byte: usize| query[..byte.min(query.len())].chars().count() + 1;
    let (byte, message) = if error.message.starts_with("missing delimiter") {
        let quote = if error.message.ends_with('\'') {
            '\''
        } else {
            '"'
        };
        (
            unmatched_opening(query, quote, quote).unwrap_or(error.pos),
            format!("unclosed quote: add the closing {quote}, or remove the opening one"),
        )
    } else if error.message.contains("expected ')'") || error.message.contains("missing )") {
        (
            unmatched_opening(query, '(', ')').unwrap_or(error.pos),
            "unclosed bracket: add the closing ), or remove the opening (".to_string(),
        )
    } else if error.message.contains("missing ]") {
        (
            unmatched_opening(query, '[', ']').unwrap_or(error.pos),
            "unclosed bracket: add the closing ], or remove the opening [".to_string(),
        )
    } else if error.message.contains("expected word") {
        (
            error.pos,
            "a field name or operator is not followed by a word".to_string(),
        )
    } else {
        (
            error.pos,
            format!(
                "{} (put words with special characters such as : ( ) [ ] ^ in quotes)",
                error.message
            ),
        )
    };
    Error::Query {
        position: char_position(byte),
        message,
    }
}

/// The byte offset of the last opening delimiter that is never closed.
fn unmatched_opening(query: &str, open: char, close: char) -> Option<usize> {
    let mut openings = Vec::new();
    let mut escaped = false;
    for (i, c) in query.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if open == close && c == open {
            if openings.pop().is_none() {
                openings.push(i);
            }
        } else if c == open {
            openings.push(i);
        } else if c == close {
            openings.pop();
        }
    }
    openings.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typographic_quotes_become_phrase_quotes() {
        assert_eq!(
            normalize_quotes("“Presidents come and go”"),
            "\"Presidents come and go\""
        );
        assert_eq!(normalize_quotes("„Kyiv“"), "\"Kyiv\"");
        assert_eq!(normalize_quotes("‘come and go’"), "'come and go'");
    }

    #[test]
    fn apostrophes_inside_words_are_escaped() {
        assert_eq!(normalize_quotes("Ukraine’s bid"), "Ukraine\\'s bid");
        assert_eq!(normalize_quotes("Ukraine's bid"), "Ukraine\\'s bid");
        assert_eq!(
            normalize_quotes("\"Ukraine’s bid\""),
            "\"Ukraine’s bid\"",
            "inside a phrase the apostrophe needs no escape"
        );
        assert_eq!(normalize_quotes("'come and go'"), "'come and go'");
    }
}
