//! Turning what the user typed into a tantivy query, and into the patterns that passages
//! highlight.
//!
//! The user's text is parsed with tantivy's own grammar (`AND`, `OR`, `NOT`, `+`, `-`,
//! `"phrase"`, `"phrase"~N`, `word~N`, `prefix*`, `"phrase pre"*`, `field:term`, `^boost`),
//! after typographic quotes and
//! apostrophes are made plain. The query is then built here rather than by tantivy's
//! `QueryParser`, because a phrase and a keyword are found differently: a keyword by its
//! stem ([`crate::query::stems`]), a quoted phrase by its exact words.

pub mod filter;
pub mod stems;
pub mod synonyms;
pub mod variants;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query,
    TermQuery,
};
use tantivy::query_grammar::{self, Delimiter, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::error::{Error, Result};
use crate::index::schema::{Fields, analyze, exact_analyzer, stemmed_analyzer};
use crate::query::synonyms::{SynonymQuery, Words};
use forward_only::ForwardOnly;

/// Title matches count a little more than body matches: a title says what a document is about.
const TITLE_BOOST: f32 = 1.5;

/// A near spelling of a fuzzy word counts for less than the word as typed, so documents that
/// have the word itself come first unless they barely mention it.
const NEAR_SPELLING_BOOST: f32 = 0.5;

/// What to look for in a document's text to highlight a query's match. Words are folded
/// as the exact analyzer folds them (lowercase, no diacritics).
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    /// Any of these words, compared after stemming (a keyword and its name variants) or as
    /// written (a quoted word).
    Word { words: Vec<String>, stemmed: bool },
    /// Words within `distance` edits of `word` (a transposition is one edit), and words
    /// with its `stem`, which the query also finds.
    Fuzzy {
        word: String,
        distance: u8,
        stem: String,
    },
    /// Words that start with `prefix`.
    Prefix { prefix: String },
    /// Words in this order, with at most `slop` other words between them in all; with
    /// `last_is_prefix`, the last word need only start the document's word.
    Phrase {
        words: Vec<String>,
        slop: u32,
        last_is_prefix: bool,
    },
}

/// The edit distance `--fuzzy` gives a word of this many characters: none for short words,
/// where one edit makes another common word, one up to eight characters, two beyond.
pub fn fuzzy_distance_for(word: &str) -> u8 {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// The largest edit distance tantivy's automata support.
const MAX_FUZZY_DISTANCE: u32 = 2;

/// The most words a phrase may have between its words: tantivy keeps the slop a match of
/// three words or more has spent in a byte, so beyond this it finds matches that overspend,
/// and its search grows with the square of the word's occurrences.
const MAX_PHRASE_SLOP: u32 = u8::MAX as u32;

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
    /// Words also searched under other spellings of a name: (as typed, the spellings).
    pub variants: Vec<(String, Vec<String>)>,
}

/// Gives the other spellings of a folded word that the index holds; `true` when the user
/// capitalized it (a name).
pub type VariantLookup = Box<dyn Fn(&str, bool) -> Vec<String>>;

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
    normalize(query).0
}

/// [`normalize_quotes`], and the 0-based character indexes, in the normalized query, of the
/// backslashes it added: what the grammar's error positions must be shifted by.
fn normalize(query: &str) -> (String, Vec<usize>) {
    let chars: Vec<char> = query.chars().collect();
    let mut out = String::with_capacity(query.len());
    let mut added = Vec::new();
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
                added.push(i + added.len());
                out.push_str("\\'")
            }
            '\'' | '‘' | '’' | '‚' | '‛' => {
                in_single = !in_single;
                out.push('\'');
            }
            _ => out.push(c),
        }
    }
    (out, added)
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

/// Which fields a literal searches: the user may name `title`, `body` or `id`.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    All,
    Title,
    Body,
    Id,
}

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
}

pub struct QueryBuilder {
    fields: Fields,
    /// Whether every plain word is fuzzy (`--fuzzy`), at the distance its length gives.
    fuzzy_words: bool,
    variant_lookup: Option<VariantLookup>,
    /// The variants used by the query being parsed.
    variants_used: Vec<(String, Vec<String>)>,
    stemmed: TextAnalyzer,
    exact: TextAnalyzer,
    /// The query being parsed, after quote normalization, for error positions.
    current: String,
}

impl QueryBuilder {
    pub fn new(fields: &Fields) -> QueryBuilder {
        QueryBuilder {
            fields: fields.clone(),
            fuzzy_words: false,
            variant_lookup: None,
            variants_used: Vec::new(),
            stemmed: stemmed_analyzer(),
            exact: exact_analyzer(),
            current: String::new(),
        }
    }

    /// Makes every plain word of the queries it parses fuzzy (see [`fuzzy_distance_for`]).
    pub fn fuzzy_words(mut self, on: bool) -> QueryBuilder {
        self.fuzzy_words = on;
        self
    }

    /// Makes every plain word of the queries it parses also match the other spellings the
    /// lookup gives (name variants).
    pub fn variants(mut self, lookup: VariantLookup) -> QueryBuilder {
        self.variant_lookup = Some(lookup);
        self
    }

    /// Parses the user's query, or says where and why it cannot be read.
    pub fn parse(&mut self, user_query: &str) -> Result<ParsedQuery> {
        self.build_query(&UserQuery::read(user_query)?)
    }

    /// Builds the query `read`, or says where and why it cannot be.
    pub fn build_query(&mut self, read: &UserQuery) -> Result<ParsedQuery> {
        self.current = read.normalized.clone();
        let mut terms = Vec::new();
        self.variants_used.clear();
        let query = self
            .build(&read.ast, false, &mut terms)
            .map_err(|error| at_typed_position(error, &read.added, read.typed_length))?;
        Ok(ParsedQuery {
            query,
            terms,
            variants: std::mem::take(&mut self.variants_used),
        })
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
        let quoted = literal.delimiter != Delimiter::None;
        // tantivy's grammar leaves `word*` and `word~N` in the word itself.
        let mut literal = literal.clone();
        if !quoted {
            if let Some(stripped) = literal.phrase.strip_suffix('*') {
                literal.phrase = stripped.to_string();
                literal.prefix = true;
            } else if let Some((word, distance)) = literal.phrase.rsplit_once('~') {
                let distance = if distance.is_empty() {
                    Some(fuzzy_distance_for(word).max(1) as u32)
                } else {
                    distance.parse().ok()
                };
                if let Some(distance) = distance {
                    literal.slop = distance;
                    literal.phrase = word.to_string();
                }
            }
        }
        let phrase_text = literal.phrase.as_str();
        if !quoted && phrase_text.contains(['*', '?']) {
            return Err(Error::Query {
                position: self.position_of(phrase_text),
                message: format!(
                    "`{phrase_text}`: a wildcard may only end a word (negotiat*); \
                     put the word in quotes to search for the characters"
                ),
            });
        }
        let exact_words = analyze(&mut self.exact, phrase_text);
        let label = match (quoted, literal.prefix, literal.slop) {
            (true, true, _) => format!("\"{phrase_text}\"*"),
            (true, false, 0) => format!("\"{phrase_text}\""),
            (true, false, slop) => format!("\"{phrase_text}\"~{slop}"),
            (false, true, _) => format!("{phrase_text}*"),
            (false, false, 0) => phrase_text.to_string(),
            (false, false, slop) => format!("{phrase_text}~{slop}"),
        };
        if exact_words.is_empty() {
            return Ok(Box::new(EmptyQuery));
        }
        let single = exact_words.len() == 1;
        let (pattern, query) = if literal.prefix && single {
            let prefix = exact_words[0].clone();
            let query = self.per_field(scope, true, |field| {
                Box::new(SynonymQuery::new(field, Words::Prefix(prefix.clone())))
            });
            (Pattern::Prefix { prefix }, query)
        } else if literal.prefix {
            let query = self.per_field(scope, true, |field| {
                let terms = exact_words
                    .iter()
                    .map(|word| Term::from_field_text(field, word))
                    .collect();
                Box::new(ForwardOnly::new(PhrasePrefixQuery::new(terms)))
            });
            let pattern = Pattern::Phrase {
                words: exact_words,
                slop: 0,
                last_is_prefix: true,
            };
            (pattern, query)
        } else if !quoted && single && (literal.slop > 0 || self.fuzzy_words) {
            let distance = if literal.slop > 0 {
                if literal.slop > MAX_FUZZY_DISTANCE {
                    return Err(Error::Query {
                        position: self.position_of(&format!("~{}", literal.slop)),
                        message: format!(
                            "`{label}`: a fuzzy term allows at most {MAX_FUZZY_DISTANCE} edits; \
                             write {phrase_text}~{MAX_FUZZY_DISTANCE}"
                        ),
                    });
                }
                literal.slop as u8
            } else {
                fuzzy_distance_for(&exact_words[0])
            };
            self.fuzzy(scope, &exact_words[0], phrase_text, distance)
        } else if !quoted && !single && literal.slop > 0 {
            return Err(Error::Query {
                position: self.position_of(&label),
                message: format!(
                    "`{label}`: ~N after a word makes it fuzzy, but `{phrase_text}` is several \
                     words; for words near each other write \"{phrase_text}\"~{}",
                    literal.slop
                ),
            });
        } else if single {
            let mut words = if quoted {
                exact_words.clone()
            } else {
                analyze(&mut self.stemmed, phrase_text)
            };
            if !quoted && !excluded {
                let is_name = phrase_text.chars().next().is_some_and(char::is_uppercase);
                let spellings = self
                    .variant_lookup
                    .as_ref()
                    .map(|lookup| lookup(&exact_words[0], is_name))
                    .unwrap_or_default();
                if !spellings.is_empty() {
                    for spelling in &spellings {
                        words.extend(analyze(&mut self.stemmed, spelling));
                    }
                    words.dedup();
                    let shown = spellings
                        .iter()
                        .map(|s| crate::text::words::same_case_as(phrase_text, s))
                        .collect();
                    self.variants_used.push((phrase_text.to_string(), shown));
                }
            }
            let query = self.per_field(scope, quoted, |field| {
                let alternatives = words
                    .iter()
                    .map(|word| (Occur::Should, self.word_query(field, word, !quoted)))
                    .collect();
                Box::new(BooleanQuery::new(alternatives))
            });
            let pattern = Pattern::Word {
                words,
                stemmed: !quoted,
            };
            (pattern, query)
        } else {
            // Several words, quoted or not (`U.S.`, `e-mail`), must stand together.
            let slop = literal.slop;
            if slop > MAX_PHRASE_SLOP {
                return Err(Error::Query {
                    position: self.position_of(&format!("~{slop}")),
                    message: format!(
                        "`{label}`: a phrase allows at most {MAX_PHRASE_SLOP} words between its \
                         words; for words anywhere in a document write them with AND"
                    ),
                });
            }
            let query = self.per_field(scope, true, |field| {
                let terms = exact_words
                    .iter()
                    .map(|word| Term::from_field_text(field, word))
                    .collect();
                let mut phrase = PhraseQuery::new(terms);
                phrase.set_slop(slop);
                Box::new(ForwardOnly::new(phrase))
            });
            let pattern = Pattern::Phrase {
                words: exact_words,
                slop,
                last_is_prefix: false,
            };
            (pattern, query)
        };
        if !excluded {
            terms.push(QueryTerm { label, pattern });
        }
        Ok(query)
    }

    /// A word within `distance` edits, and the word itself, in any inflection, ranked above
    /// its neighbours: the spellings within reach score together as one word (see
    /// [`crate::query::synonyms`]), at a discount, and the word itself its BM25 on top.
    fn fuzzy(
        &mut self,
        scope: Scope,
        exact_word: &str,
        typed: &str,
        distance: u8,
    ) -> (Pattern, Box<dyn Query>) {
        let stem = analyze(&mut self.stemmed, typed)
            .into_iter()
            .next()
            .unwrap_or_default();
        let exact = self.per_field(scope, false, |field| self.word_query(field, &stem, true));
        if distance == 0 {
            let pattern = Pattern::Word {
                words: vec![stem],
                stemmed: true,
            };
            return (pattern, exact);
        }
        let near = self.per_field(scope, true, |field| {
            let words = Words::Near {
                word: exact_word.to_string(),
                distance,
            };
            Box::new(BoostQuery::new(
                Box::new(SynonymQuery::new(field, words)),
                NEAR_SPELLING_BOOST,
            ))
        });
        let query = Box::new(BooleanQuery::new(vec![
            (Occur::Should, exact),
            (Occur::Should, near),
        ]));
        let pattern = Pattern::Fuzzy {
            word: exact_word.to_string(),
            distance,
            stem,
        };
        (pattern, query)
    }

    /// A word of `field`: with `stemmed`, the word is a stem, found in the body through the
    /// exact words that share it and in the title in its stemmed field.
    fn word_query(&self, field: Field, word: &str, stemmed: bool) -> Box<dyn Query> {
        if stemmed && field == self.fields.body_exact {
            return Box::new(SynonymQuery::new(field, Words::Stem(word.to_string())));
        }
        Box::new(TermQuery::new(
            Term::from_field_text(field, word),
            IndexRecordOption::WithFreqs,
        ))
    }

    /// The same clause over the title and the body, or only the field the user named. The
    /// body has only an exact field: `make` finds stems there with [`Self::word_query`].
    fn per_field(
        &self,
        scope: Scope,
        exact: bool,
        make: impl Fn(Field) -> Box<dyn Query>,
    ) -> Box<dyn Query> {
        let (title, body) = if exact {
            (self.fields.title_exact, self.fields.body_exact)
        } else {
            (self.fields.title, self.fields.body_exact)
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

/// A guard around tantivy 0.27's phrase scorers, which assert (in debug builds) that every
/// seek goes forward. An excluded phrase (`-"a b"`) breaks that: the exclusion asks its
/// scorer about document 0 after the scorer has moved to the phrase's first match, and a
/// debug build panics. Asked about a document behind it, the guarded scorer answers that
/// the document does not match and that nothing does before its own, which is what the
/// scorer's position means.
mod forward_only {
    use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
    use tantivy::{
        COLLECT_BLOCK_BUFFER_LEN, DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term,
    };

    #[derive(Debug)]
    pub struct ForwardOnly(Box<dyn Query>);

    impl ForwardOnly {
        pub fn new(query: impl Query) -> ForwardOnly {
            ForwardOnly(Box::new(query))
        }
    }

    impl Clone for ForwardOnly {
        fn clone(&self) -> ForwardOnly {
            ForwardOnly(self.0.box_clone())
        }
    }

    impl Query for ForwardOnly {
        fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
            Ok(Box::new(ForwardOnlyWeight(self.0.weight(scoring)?)))
        }

        fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
            self.0.query_terms(visitor)
        }
    }

    struct ForwardOnlyWeight(Box<dyn Weight>);

    impl Weight for ForwardOnlyWeight {
        fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
            Ok(Box::new(ForwardOnlyScorer(self.0.scorer(reader, boost)?)))
        }

        fn scorer_danger(
            &self,
            reader: &SegmentReader,
            target: DocId,
            boost: Score,
        ) -> tantivy::Result<(SeekDangerResult, Box<dyn Scorer>)> {
            let (found, scorer) = self.0.scorer_danger(reader, target, boost)?;
            Ok((found, Box::new(ForwardOnlyScorer(scorer))))
        }

        fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
            self.0.explain(reader, doc)
        }

        fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
            self.0.count(reader)
        }
    }

    struct ForwardOnlyScorer(Box<dyn Scorer>);

    impl DocSet for ForwardOnlyScorer {
        fn advance(&mut self) -> DocId {
            self.0.advance()
        }

        fn seek(&mut self, target: DocId) -> DocId {
            let doc = self.0.doc();
            if target <= doc {
                return doc;
            }
            self.0.seek(target)
        }

        fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
            let doc = self.0.doc();
            if target < doc {
                return SeekDangerResult::SeekLowerBound(doc);
            }
            self.0.seek_danger(target)
        }

        fn fill_buffer(&mut self, buffer: &mut [DocId; COLLECT_BLOCK_BUFFER_LEN]) -> usize {
            self.0.fill_buffer(buffer)
        }

        fn doc(&self) -> DocId {
            self.0.doc()
        }

        fn size_hint(&self) -> u32 {
            self.0.size_hint()
        }

        fn cost(&self) -> u64 {
            self.0.cost()
        }
    }

    impl Scorer for ForwardOnlyScorer {
        fn score(&mut self) -> Score {
            self.0.score()
        }
    }
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

    fn error_position(query: &str) -> usize {
        let (_, fields) = crate::index::schema::build_schema();
        match QueryBuilder::new(&fields).parse(query) {
            Err(Error::Query { position, .. }) => position,
            other => panic!("a query error expected for {query:?}, got {other:?}"),
        }
    }

    #[test]
    fn an_error_at_the_end_points_at_the_last_character() {
        // Found by the property tests: the grammar reported character 3 of "+ ".
        assert_eq!(error_position("+ "), 2);
        assert_eq!(error_position("title:"), 6);
    }

    #[test]
    fn a_phrase_slop_beyond_what_tantivy_counts_is_refused() {
        // Found by the property tests: `"the and of"~4294967295` took seconds on a long
        // document, and tantivy's byte-sized slop count let overspending matches through.
        let (_, fields) = crate::index::schema::build_schema();
        assert!(
            QueryBuilder::new(&fields)
                .parse("\"the and of\"~255")
                .is_ok()
        );
        assert_eq!(error_position("peace \"the and of\"~256"), 19);
        assert_eq!(error_position("\"the and of\"~4294967295"), 13);
    }

    #[test]
    fn error_positions_count_the_characters_as_typed() {
        // The apostrophe is escaped for the grammar; the user did not type the backslash.
        assert_eq!(error_position("Ukraine's (bid"), 11);
        assert_eq!(error_position("Ukraine’s and Russia’s (bid"), 24);
    }
}
