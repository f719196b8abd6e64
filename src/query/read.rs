//! Reading the user's query with tantivy's query grammar, after its quotation marks are
//! made plain ([`super::quotation_marks`]), and saying where and why a query cannot be
//! read: at a position counted in the characters the user typed, with a fix.

use tantivy::query_grammar::{self, UserInputAst};

use crate::error::{Error, Result};
use crate::query::quotation_marks::normalize;

/// The user's query as the grammar read it, to be built into queries: reading is most of
/// the work of parsing a short query, and a search builds its query twice (before the index
/// is opened, to report a mistake at once, and with the variants the index holds).
pub struct UserQuery {
    ast: UserInputAst,
    /// After quote normalization, for error positions.
    normalized: String,
    /// Where normalization added backslashes, and the length as typed: see
    /// [`at_typed_position`].
    added: Vec<usize>,
    typed_length: usize,
}

impl UserQuery {
    /// Reads the user's query, or says where and why it cannot be read.
    pub fn read(user_query: &str) -> Result<UserQuery> {
        let (normalized, added) = normalize(user_query);
        let typed_length = user_query.chars().count();
        let (ast, errors) = query_grammar::parse_query_lenient(&normalized);
        if let Some(error) = errors.first() {
            let error = describe_syntax_error(&normalized, error);
            return Err(at_typed_position(error, &added, typed_length));
        }
        Ok(UserQuery {
            ast,
            normalized,
            added,
            typed_length,
        })
    }

    /// The query as the grammar read it.
    pub(super) fn ast(&self) -> &UserInputAst {
        &self.ast
    }

    /// The query after quote normalization, which error positions are first counted in.
    pub(super) fn normalized(&self) -> &str {
        &self.normalized
    }

    /// An error found in [`Self::normalized`], with its position moved to the query as
    /// typed (see [`at_typed_position`]).
    pub(super) fn at_typed_position(&self, error: Error) -> Error {
        at_typed_position(error, &self.added, self.typed_length)
    }
}

/// The error with its position moved from the normalized query to the query as typed, and
/// kept on one of its characters: the grammar reports a missing word just past the end.
fn at_typed_position(error: Error, added: &[usize], typed_length: usize) -> Error {
    match error {
        Error::Query { position, message } if position > 0 => {
            let shift = added.iter().filter(|&&i| i + 1 < position).count();
            Error::Query {
                position: (position - shift).min(typed_length),
                message,
            }
        }
        other => other,
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

    fn error_position(query: &str) -> usize {
        match UserQuery::read(query) {
            Err(Error::Query { position, .. }) => position,
            Ok(_) => panic!("a query error expected for {query:?}, got a query"),
            Err(other) => panic!("a query error expected for {query:?}, got {other:?}"),
        }
    }

    #[test]
    fn an_error_at_the_end_points_at_the_last_character() {
        // Found by the property tests: the grammar reported character 3 of "+ ".
        assert_eq!(error_position("+ "), 2);
        assert_eq!(error_position("title:"), 6);
    }

    #[test]
    fn error_positions_count_the_characters_as_typed() {
        // The apostrophe is escaped for the grammar; the user did not type the backslash.
        assert_eq!(error_position("Ukraine's (bid"), 11);
        assert_eq!(error_position("Ukraine’s and Russia’s (bid"), 24);
    }
}
