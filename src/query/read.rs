//! Reading the user's query with tantivy's query grammar, after its quotation marks are
//! made plain ([`super::quotation_marks`]), and saying where and why a query cannot be
//! read: at a position counted in the characters the user typed, with a fix.

use std::collections::HashMap;

use tantivy::query_grammar::{self, Occur, UserInputAst, UserInputLeaf};

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
    repeats: Repeats,
}

/// How many times each unquoted word of a query was typed, per clause of the query that
/// has it: the grammar keeps one of a clause's identical words, and a word pasted several
/// times is what the query is about.
#[derive(Clone, Debug, Default)]
pub(super) struct Repeats(HashMap<String, f32>);

impl Repeats {
    /// How many times the word `field:phrase` (or `phrase`) was typed in each clause of the
    /// query that has it, at least 1.
    pub(super) fn of(&self, field: Option<&str>, phrase: &str) -> f32 {
        self.0
            .get(&literal_key(field, phrase))
            .copied()
            .unwrap_or(1.0)
            .max(1.0)
    }
}

impl UserQuery {
    /// Reads the user's query, or says where and why it cannot be read.
    pub fn read(user_query: &str) -> Result<UserQuery> {
        if user_query.trim().is_empty() {
            return Err(Error::Query {
                position: 0,
                message: "the query is empty: type the words to find, or \"a phrase\" in \
                          quotes"
                    .to_string(),
            });
        }
        let (normalized, added) = normalize(user_query);
        let normalized = question_marks_as_punctuation(&normalized);
        let typed_length = user_query.chars().count();
        if let Some(error) = dangling_operator(&normalized).or_else(|| too_deep(&normalized)) {
            return Err(at_typed_position(error, &added, typed_length));
        }
        let (ast, errors) = query_grammar::parse_query_lenient(&normalized);
        if let Some(error) = errors.first() {
            let error = describe_syntax_error(&normalized, error);
            return Err(at_typed_position(error, &added, typed_length));
        }
        if !can_match(&ast) {
            return Err(Error::Query {
                position: 0,
                message: "the query only excludes words (NOT, -), so it can find nothing: add \
                          what to find, as in `Miami -Witkoff`"
                    .to_string(),
            });
        }
        // Punctuation alone (`~`, `...`) would search for nothing; `*` alone lists every
        // document.
        if !user_query.chars().any(|c| c.is_alphanumeric() || c == '*') {
            return Err(Error::Query {
                position: 0,
                message: format!(
                    "`{}`: the query has no word in it: type the words to find, or \"a \
                     phrase\" in quotes",
                    user_query.trim()
                ),
            });
        }
        let repeats = repeats(&normalized, &ast);
        Ok(UserQuery {
            ast,
            normalized,
            added,
            typed_length,
            repeats,
        })
    }

    /// How many times each of its words was typed.
    pub(super) fn repeats(&self) -> &Repeats {
        &self.repeats
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

/// An `AND` or `OR` with no word on one side (`Witkoff AND`, `OR Dmitriev`), or a `NOT`
/// with none after it: the grammar would search for the word "and", or misplace the error.
fn dangling_operator(query: &str) -> Option<Error> {
    // Words outside quotes, with their byte offsets; brackets end a run of words.
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut in_quotes = false;
    let mut escaped = false;
    let mut start = None;
    for (i, c) in query
        .char_indices()
        .chain(std::iter::once((query.len(), ' ')))
    {
        let separator = !in_quotes && (c.is_whitespace() || c == '(' || c == ')');
        if let Some(from) = start.filter(|_| separator || c == '"') {
            words.push((from, &query[from..i]));
            start = None;
        }
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            // A phrase is a word to the operators around it.
            if !in_quotes {
                words.push((i, "\"…\""));
            }
            in_quotes = !in_quotes;
        }
        if c == '(' || c == ')' {
            words.push((i, if c == '(' { "(" } else { ")" }));
        } else if !separator && c != '"' && !in_quotes && start.is_none() {
            start = Some(i);
        }
    }
    let is_operator = |word: &str| matches!(word, "AND" | "OR" | "NOT");
    for (index, &(at, word)) in words.iter().enumerate() {
        if !is_operator(word) {
            continue;
        }
        let before = index.checked_sub(1).map(|i| words[i].1);
        let after = words.get(index + 1).map(|&(_, w)| w);
        let nothing_after = after.is_none_or(|w| w == ")" || is_operator(w) && w != "NOT");
        let nothing_before = before.is_none_or(|w| w == "(" || is_operator(w));
        let message = if nothing_after {
            format!("{word} is not followed by a word: add one after it, or remove {word}")
        } else if word != "NOT" && nothing_before {
            format!("{word} has no word before it: add one, or remove {word}")
        } else {
            continue;
        };
        return Some(Error::Query {
            position: query[..at].chars().count() + 1,
            message,
        });
    }
    None
}

fn literal_key(field: Option<&str>, phrase: &str) -> String {
    match field {
        Some(field) => format!("{field}:{phrase}"),
        None => phrase.to_string(),
    }
}

/// The times each unquoted word stands in `query`, divided among the clauses of `ast` that
/// have it (the grammar keeps one of a clause's identical words): `a a b` types `a` twice
/// in one clause, `a OR (a AND b)` once in each of two.
fn repeats(query: &str, ast: &UserInputAst) -> Repeats {
    let mut typed: HashMap<String, f32> = HashMap::new();
    let mut in_quotes = false;
    let mut escaped = false;
    let mut word = String::new();
    let mut count = |word: &mut String| {
        let bare = word.trim_start_matches(['+', '-']);
        if !bare.is_empty() && !matches!(bare, "AND" | "OR" | "NOT") {
            *typed.entry(bare.to_string()).or_default() += 1.0;
        }
        word.clear();
    };
    for c in query.chars() {
        if escaped {
            escaped = false;
            word.push(c);
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            in_quotes = !in_quotes;
            word.clear();
        } else if in_quotes {
        } else if c.is_whitespace() || c == '(' || c == ')' {
            count(&mut word);
        } else {
            word.push(c);
        }
    }
    count(&mut word);
    let mut clauses_with: HashMap<String, f32> = HashMap::new();
    literal_clauses(ast, &mut clauses_with);
    Repeats(
        typed
            .into_iter()
            .filter_map(|(key, times)| Some((key.clone(), times / *clauses_with.get(&key)?)))
            .collect(),
    )
}

/// How many clauses of `ast` each unquoted word is in.
fn literal_clauses(ast: &UserInputAst, found: &mut HashMap<String, f32>) {
    match ast {
        UserInputAst::Leaf(leaf) => {
            if let UserInputLeaf::Literal(literal) = leaf.as_ref()
                && literal.delimiter == query_grammar::Delimiter::None
            {
                *found
                    .entry(literal_key(literal.field_name.as_deref(), &literal.phrase))
                    .or_default() += 1.0;
            }
        }
        UserInputAst::Boost(inner, _) => literal_clauses(inner, found),
        UserInputAst::Clause(clauses) => {
            for (_, clause) in clauses {
                literal_clauses(clause, found);
            }
        }
    }
}

/// Whether a query can match anything: not when all it has are excluded words.
fn can_match(ast: &UserInputAst) -> bool {
    match ast {
        UserInputAst::Leaf(_) => true,
        UserInputAst::Boost(inner, _) => can_match(inner),
        UserInputAst::Clause(clauses) => clauses
            .iter()
            .any(|(occur, clause)| *occur != Some(Occur::MustNot) && can_match(clause)),
    }
}

/// The query with each `?` that ends a word (outside quotes) made a space: a question
/// typed as one (`Who met Witkoff in Miami?`) is searched for its words. A `?` inside a
/// word (`wom?n`) is left, for the builder to refuse as a wildcard it does not have. One
/// character for one keeps the positions of errors.
fn question_marks_as_punctuation(query: &str) -> String {
    let chars: Vec<char> = query.chars().collect();
    let mut in_quotes = false;
    let mut escaped = false;
    let mut out = String::with_capacity(query.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => in_quotes = !in_quotes,
            // A run of them, looked at once: what stands before and after it decides.
            '?' if !in_quotes => {
                let end = chars[i..]
                    .iter()
                    .position(|&a| a != '?')
                    .map_or(chars.len(), |run| i + run);
                let after_word = i > 0 && chars[i - 1].is_alphanumeric();
                let ends_word = chars
                    .get(end)
                    .is_none_or(|&a| a.is_whitespace() || matches!(a, ')' | ']' | '}' | '"'));
                let mark = if after_word && ends_word { ' ' } else { '?' };
                out.extend(std::iter::repeat_n(mark, end - i));
                i = end;
                continue;
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The deepest brackets a query may nest, and the most `NOT`s it may have in a row: the
/// parser reads each by recursion, which takes stack, and a few thousand of them (a request
/// to the server) overflowed it, which ends the process.
const MAX_NESTING: usize = 64;

/// Brackets nested deeper than [`MAX_NESTING`], or more `NOT`s than that in a row (outside
/// quotes), as an error at the first one too many.
fn too_deep(query: &str) -> Option<Error> {
    let mut depth = 0usize;
    let mut nots_in_a_row = 0usize;
    let mut in_quotes = false;
    let mut escaped = false;
    let mut previous = ' ';
    let too_many = |i: usize, what: &str| {
        Some(Error::Query {
            position: query[..i].chars().count() + 1,
            message: format!("{what} more than {MAX_NESTING} deep: remove some"),
        })
    };
    for (i, c) in query.char_indices() {
        let starts_word = !in_quotes && !escaped && previous.is_whitespace() && !c.is_whitespace();
        if starts_word {
            let word = query[i..].split_whitespace().next().unwrap_or("");
            if word == "NOT" {
                nots_in_a_row += 1;
                if nots_in_a_row > MAX_NESTING {
                    return too_many(i, "NOT nested");
                }
            } else {
                nots_in_a_row = 0;
            }
        }
        previous = c;
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => in_quotes = !in_quotes,
            '(' | '[' | '{' if !in_quotes => {
                depth += 1;
                if depth > MAX_NESTING {
                    return too_many(i, "brackets nested");
                }
            }
            ')' | ']' | '}' if !in_quotes => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
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
    fn brackets_nested_too_deep_are_an_error_not_a_crash() {
        let nested = |depth: usize| format!("{}a{}", "(".repeat(depth), ")".repeat(depth));
        assert!(UserQuery::read(&nested(MAX_NESTING)).is_ok());
        // Deep enough to overflow a thread's stack in the grammar, as it did the server's.
        for depth in [MAX_NESTING + 1, 1000, 100_000] {
            match UserQuery::read(&nested(depth)) {
                Err(Error::Query { position, message }) => {
                    assert_eq!(position, MAX_NESTING + 1);
                    assert!(message.contains("nested"), "{message}");
                }
                other => panic!("{depth}: {:?}", other.map(|_| ())),
            }
        }
        // Inside quotes, brackets are text.
        assert!(UserQuery::read(&format!("\"{}\"", nested(1000))).is_ok());
    }

    #[test]
    fn nots_in_a_row_are_an_error_not_a_crash() {
        let nots = |n: usize| format!("Miami {}Witkoff", "NOT ".repeat(n));
        assert!(UserQuery::read(&nots(MAX_NESTING)).is_ok());
        // Two thousand overflowed the stack of the server's threads.
        for n in [MAX_NESTING + 1, 2000, 100_000] {
            match UserQuery::read(&nots(n)) {
                Err(Error::Query { position, message }) => {
                    assert_eq!(position, "Miami ".len() + 4 * MAX_NESTING + 1);
                    assert!(message.contains("NOT nested"), "{message}");
                }
                other => panic!("{n}: {:?}", other.map(|_| ())),
            }
        }
        assert!(UserQuery::read(&format!("\"{}\" Miami", nots(1000))).is_ok());
    }

    #[test]
    fn a_question_mark_ending_a_word_is_punctuation() {
        for (typed, read) in [
            ("Who met Witkoff in Miami?", "Who met Witkoff in Miami "),
            ("Miami?? (Kyiv?)", "Miami   (Kyiv )"),
            ("\"in Miami?\"", "\"in Miami?\""),
            ("wom?n ?", "wom?n ?"),
        ] {
            assert_eq!(question_marks_as_punctuation(typed), read);
        }
        assert!(UserQuery::read("Who met Witkoff in Miami?").is_ok());
    }

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
    fn an_empty_query_or_one_that_only_excludes_is_refused_with_what_to_type() {
        for query in [
            "",
            "   ",
            "NOT Witkoff",
            "-Witkoff",
            "-Witkoff -Dmitriev",
            "(-Witkoff)",
        ] {
            match UserQuery::read(query) {
                Err(Error::Query {
                    position: 0,
                    message,
                }) => {
                    assert!(message.contains("empty") || message.contains("only excludes"))
                }
                other => panic!("{query:?}: {:?}", other.map(|_| ())),
            }
        }
        for query in ["Miami -Witkoff", "Miami AND NOT Witkoff", "(a OR b) -c"] {
            assert!(UserQuery::read(query).is_ok(), "{query}");
        }
    }

    #[test]
    fn an_operator_with_nothing_to_join_is_refused_where_it_stands() {
        assert_eq!(error_position("Witkoff AND"), 9);
        assert_eq!(error_position("Witkoff OR "), 9);
        assert_eq!(error_position("AND Witkoff"), 1);
        assert_eq!(error_position("Witkoff AND NOT"), 13);
        assert_eq!(error_position("(Witkoff OR) Miami"), 10);
        assert_eq!(error_position("Witkoff AND OR Miami"), 9);
        // Inside quotes they are words.
        for query in [
            "\"Witkoff AND\"",
            "\"and\" Witkoff",
            "Witkoff and",
            "rock AND roll",
        ] {
            assert!(UserQuery::read(query).is_ok(), "{query}");
        }
    }

    #[test]
    fn the_times_a_word_was_typed_are_shared_among_its_clauses() {
        let read = UserQuery::read("a a b title:a title:a \"a a\" +c c").unwrap();
        assert_eq!(read.repeats().of(None, "a"), 2.0);
        assert_eq!(read.repeats().of(None, "b"), 1.0);
        assert_eq!(read.repeats().of(Some("title"), "a"), 2.0);
        // `+c` and `c` are two clauses, not one word typed twice.
        assert_eq!(read.repeats().of(None, "c"), 1.0);
        let read = UserQuery::read("a (a AND b) a").unwrap();
        assert_eq!(read.repeats().of(None, "a"), 1.5);
        let read = UserQuery::read("Ukraine's Ukraine’s").unwrap();
        assert_eq!(read.repeats().of(None, "Ukraine's"), 2.0);
    }

    #[test]
    fn error_positions_count_the_characters_as_typed() {
        // The apostrophe is escaped for the grammar; the user did not type the backslash.
        assert_eq!(error_position("Ukraine's (bid"), 11);
        assert_eq!(error_position("Ukraine’s and Russia’s (bid"), 24);
    }
}
