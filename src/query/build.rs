//! Building the tantivy query from the query the grammar read ([`UserQuery`]), with what
//! each of its positive clauses looks like in a document's text ([`Pattern`], for
//! highlighting).
//!
//! The query is built here rather than by tantivy's `QueryParser`, because a phrase and a
//! keyword are found differently: a keyword by its stem ([`crate::query::stems`]) and its
//! name variants, a quoted phrase by its exact words. Each kind of literal (a word, a fuzzy
//! word, a prefix, a phrase, a phrase ending in a prefix, an ID) has its own method.

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
use crate::query::forward_only::ForwardOnly;
use crate::query::read::{Repeats, UserQuery};
use crate::query::stop_words::is_stop_word;
use crate::query::synonyms::{SynonymQuery, Words};
use crate::text::words::{compound_joined, compounds_wrapped, hyphenated_compounds};

/// How much a title match counts against a body match, measured on the classic test
/// collections (bench/relevance): the body's BM25 plus this share of the title's. A title
/// is only there when it is one (see [`crate::index::title`]), and its words are mostly in
/// the body as well, so weighing it fully counts them twice.
const TITLE_BOOST: f32 = 0.4;

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
    /// By which rule the clause matches other words than those written: `transliteration`
    /// for the spellings of a name in other scripts and romanisations.
    pub variant: Option<&'static str>,
    /// Where in a document's text its matches count.
    pub within: Within,
}

/// The part of a document's text a clause searches (`title:`, `subject:`): only there are
/// its words highlighted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Within {
    /// The whole text.
    #[default]
    Text,
    /// The title, as it stands in the text: its first line.
    Title,
    /// An e-mail's header lines of these names, at the top of its text.
    Headers(&'static [&'static str]),
}

/// The rule of the spellings that share a name's key (see [`crate::text::names`]).
pub const TRANSLITERATION: &str = "transliteration";

/// The rule of the spellings of one family of variants, built in or declared in the
/// dossier (see [`crate::query::variants`]).
pub const NAME_VARIANT: &str = "variant";

/// A spelling of a name found by its key counts for a twentieth of the name as written:
/// documents with the spelling the user typed come first (a BM25 score is rarely twenty
/// times another's for one word), and those with only other spellings follow in their own
/// order.
const NAME_KEY_BOOST: f32 = 0.05;

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

/// Gives the words of the index that share a folded word's name key.
pub type NameLookup = Box<dyn Fn(&str) -> Vec<String>>;

/// Gives the inflections of a folded word in the other languages the index holds (see
/// [`crate::query::stems::forms_in_languages`]).
pub type FormsLookup = Box<dyn Fn(&str) -> Vec<String>>;

impl std::fmt::Debug for ParsedQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParsedQuery")
            .field("query", &self.query)
            .field("terms", &self.terms)
            .finish()
    }
}

/// Which fields a literal searches: the user may name `title`, `body` or `id`, or an
/// e-mail header: `from`, `to` (To and Cc), `subject`.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    All,
    Title,
    Body,
    Id,
    Header(Field),
}

/// A literal of the user's query, with the `*` or `~N` the grammar leaves in an unquoted
/// word taken out, ready to be built by the method for its kind.
#[derive(Clone)]
struct Literal {
    /// The text as the user wrote it, without its `*` or `~N`.
    text: String,
    quoted: bool,
    /// Ends in `*`: its last word need only start a document's word.
    prefix: bool,
    /// After a word, its edit distance (`word~N`); after a quoted phrase, how many other
    /// words may stand between its words (`"a b"~N`).
    slop: u32,
    scope: Scope,
    /// The words of the text, folded as the exact analyzer folds them.
    exact_words: Vec<String>,
    /// The `i` for which the user wrote `exact_words[i]` and the next word as a hyphenated
    /// compound (see [`hyphenated_compounds`]).
    compounds: Vec<usize>,
    /// The clause as the user wrote it: see [`QueryTerm::label`].
    label: String,
}

impl Literal {
    /// Whether the user wrote it capitalized: a name, whose endings vary and which has
    /// spellings in other scripts.
    fn is_name(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }
}

/// A word clause as built by [`QueryBuilder::word`].
struct Word {
    /// What its highlights match.
    pattern: Pattern,
    query: Box<dyn Query>,
    /// The stems of the other spellings it searches (`Kiev` for `Kyiv`: see
    /// [`crate::query::variants`]), for their highlights to say so.
    spelling_words: Vec<String>,
    /// Every stem it searches: its own, its inflections' and the other spellings'.
    searched: Vec<String>,
}

/// What a clause of the query is, for leaving out stop words: see
/// [`QueryBuilder::kind_of`].
#[derive(Clone, Copy, PartialEq)]
enum ClauseKind {
    StopWord,
    NoWord,
    Other,
}

/// Builds the queries of a search from what the user typed, with the search's options:
/// fuzzy words and name variants.
pub struct QueryBuilder {
    fields: Fields,
    /// Whether every plain word is fuzzy (`--fuzzy`), at the distance its length gives.
    fuzzy_words: bool,
    variant_lookup: Option<VariantLookup>,
    forms_lookup: Option<FormsLookup>,
    name_lookup: Option<NameLookup>,
    /// The variants used by the query being parsed.
    variants_used: Vec<(String, Vec<String>)>,
    stemmed: TextAnalyzer,
    exact: TextAnalyzer,
    /// The query being parsed, after quote normalization, for error positions.
    current: String,
    /// How many times each word of the query being parsed was typed.
    repeats: Repeats,
}

impl QueryBuilder {
    pub fn new(fields: &Fields) -> QueryBuilder {
        QueryBuilder {
            fields: fields.clone(),
            fuzzy_words: false,
            variant_lookup: None,
            forms_lookup: None,
            name_lookup: None,
            variants_used: Vec::new(),
            stemmed: stemmed_analyzer(),
            exact: exact_analyzer(),
            current: String::new(),
            repeats: Repeats::default(),
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

    /// Makes every plain word of the queries it parses also match its inflections in the
    /// other languages the lookup knows.
    pub fn inflections(mut self, lookup: FormsLookup) -> QueryBuilder {
        self.forms_lookup = Some(lookup);
        self
    }

    /// Makes every plain capitalized word of the queries it parses (a name) also match, at
    /// a discount, the words that share its name key.
    pub fn names(mut self, lookup: NameLookup) -> QueryBuilder {
        self.name_lookup = Some(lookup);
        self
    }

    /// Parses the user's query, or says where and why it cannot be read.
    pub fn parse(&mut self, user_query: &str) -> Result<ParsedQuery> {
        self.build_query(&UserQuery::read(user_query)?)
    }

    /// Builds the query `read`, or says where and why it cannot be.
    pub fn build_query(&mut self, read: &UserQuery) -> Result<ParsedQuery> {
        self.current = read.normalized().to_string();
        self.repeats = read.repeats().clone();
        let mut terms = Vec::new();
        self.variants_used.clear();
        let query = self
            .build(read.ast(), false, &mut terms)
            .map_err(|error| read.at_typed_position(error))?;
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
                // The optional words of the clause by their stem, with the times they were
                // typed: `sanction sanctions Sanctions` is one word typed three times.
                let mut repeated: Vec<((Option<String>, String), usize, f32)> = Vec::new();
                let occurs: Vec<Occur> = clauses
                    .iter()
                    .map(|(occur, _)| match occur {
                        Some(query_grammar::Occur::Must) => Occur::Must,
                        Some(query_grammar::Occur::MustNot) => Occur::MustNot,
                        Some(query_grammar::Occur::Should) | None => Occur::Should,
                    })
                    .collect();
                // Optional stop words are left out when the clause has other words to
                // find: `the who` still finds The Who, `the history of the cone` is
                // `history cone`.
                let kinds: Vec<ClauseKind> =
                    clauses.iter().map(|(_, sub)| self.kind_of(sub)).collect();
                let stop: Vec<bool> = kinds
                    .iter()
                    .zip(&occurs)
                    .map(|(&kind, &occur)| {
                        !excluded && occur == Occur::Should && kind == ClauseKind::StopWord
                    })
                    .collect();
                let has_other_words = kinds
                    .iter()
                    .zip(&occurs)
                    .any(|(&kind, &occur)| kind == ClauseKind::Other && occur != Occur::MustNot);
                for (((_, sub), &occur), &stop) in clauses.iter().zip(&occurs).zip(&stop) {
                    if stop && has_other_words {
                        continue;
                    }
                    let sub_excluded = excluded || occur == Occur::MustNot;
                    let word = (occur == Occur::Should && !sub_excluded)
                        .then(|| self.optional_word(sub))
                        .flatten();
                    if let Some((key, times)) = word {
                        if let Some(seen) = repeated.iter_mut().find(|(k, ..)| *k == key) {
                            seen.2 += times;
                            continue;
                        }
                        repeated.push((key, subqueries.len(), times));
                    }
                    subqueries.push((occur, self.build(sub, sub_excluded, terms)?));
                }
                for (_, at, times) in repeated {
                    let weight = query_term_weight(times);
                    if weight != 1.0 {
                        let query = std::mem::replace(&mut subqueries[at].1, Box::new(EmptyQuery));
                        subqueries[at].1 = Box::new(BoostQuery::new(query, weight));
                    }
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
                // Plain text writes `/word/` for italics: the words, as if unquoted.
                UserInputLeaf::Regex { field, pattern }
                    if pattern
                        .chars()
                        .all(|c| c.is_alphanumeric() || c.is_whitespace() || "-'’".contains(c)) =>
                {
                    let words = UserInputLiteral {
                        field_name: field.clone(),
                        phrase: pattern.clone(),
                        delimiter: Delimiter::None,
                        slop: 0,
                        prefix: false,
                    };
                    self.literal(&words, excluded, terms)
                }
                UserInputLeaf::Regex { pattern, .. } => Err(Error::Query {
                    position: self.position_of(&format!("/{pattern}")),
                    message: format!(
                        "`/{pattern}/`: regular expressions are not supported; put the text in \
                         quotes to search for it"
                    ),
                }),
                UserInputLeaf::Exists { .. } => Err(unsupported("field existence (field:*)")),
            },
        }
    }

    /// A plain word of the query (no quotes, `*` or `~`), by its field and stem, with the
    /// times it was typed; `None` for anything else.
    fn optional_word(&mut self, ast: &UserInputAst) -> Option<((Option<String>, String), f32)> {
        let UserInputAst::Leaf(leaf) = ast else {
            return None;
        };
        let UserInputLeaf::Literal(literal) = leaf.as_ref() else {
            return None;
        };
        if literal.delimiter != Delimiter::None || literal.phrase.contains(['*', '~', '?']) {
            return None;
        }
        let field = literal.field_name.clone();
        if field.as_deref() == Some("id") {
            return None;
        }
        let mut stems = analyze(&mut self.stemmed, &literal.phrase);
        let stem = stems.pop().filter(|_| stems.is_empty())?;
        let times = self.repeats.of(field.as_deref(), &literal.phrase);
        Some(((field, stem), times))
    }

    /// Whether `ast` is a plain word of the query (no quotes, `*` or `~`) that is an
    /// English stop word ([`crate::query::stop_words`]) or a contraction of them (`I'm`),
    /// a literal without a word (`&`), or anything else.
    fn kind_of(&mut self, ast: &UserInputAst) -> ClauseKind {
        let UserInputAst::Leaf(leaf) = ast else {
            return ClauseKind::Other;
        };
        let UserInputLeaf::Literal(literal) = leaf.as_ref() else {
            return ClauseKind::Other;
        };
        if literal.field_name.as_deref() == Some("id") {
            return ClauseKind::Other;
        }
        let words = analyze(&mut self.exact, &literal.phrase);
        if words.is_empty() {
            return ClauseKind::NoWord;
        }
        let plain =
            literal.delimiter == Delimiter::None && !literal.phrase.contains(['*', '~', '?']);
        let stop = match words.as_slice() {
            [word] => is_stop_word(word),
            _ => is_stop_word(&literal.phrase.to_lowercase()),
        };
        if plain && stop {
            ClauseKind::StopWord
        } else {
            ClauseKind::Other
        }
    }

    /// The 1-based character position of `needle` in the query being parsed.
    fn position_of(&self, needle: &str) -> usize {
        self.current
            .find(needle)
            .map_or(1, |byte| self.current[..byte].chars().count() + 1)
    }

    /// The query for one literal; unless it is `excluded`, what its matches look like is
    /// added to `terms`.
    fn literal(
        &mut self,
        literal: &UserInputLiteral,
        excluded: bool,
        terms: &mut Vec<QueryTerm>,
    ) -> Result<Box<dyn Query>> {
        let scope = self.scope(literal.field_name.as_deref())?;
        if scope == Scope::Id {
            // A pattern here would be searched as an ID of its own, and find nothing.
            if literal.prefix || literal.phrase.contains(['*', '?']) {
                return Err(Error::Query {
                    position: 0,
                    message: format!(
                        "`id:{}{}`: id: takes a whole document ID; for IDs that match a \
                         pattern use --id '{}*' (or id= in the web API)",
                        literal.phrase,
                        if literal.prefix { "*" } else { "" },
                        literal.phrase.trim_end_matches('*'),
                    ),
                });
            }
            return Ok(self.id(&literal.phrase));
        }
        let literal = self.read_literal(literal, scope)?;
        if literal.exact_words.is_empty() {
            return Ok(Box::new(EmptyQuery));
        }
        let single = literal.exact_words.len() == 1;
        // `~N` after unquoted text, or `--fuzzy` on an unquoted word (several words are not
        // made fuzzy by `--fuzzy`, and are refused with `~N`).
        let made_fuzzy = !literal.quoted && (literal.slop > 0 || single && self.fuzzy_words);
        let label = literal.label.clone();
        let mut spellings = None;
        // Other forms of the clause, with the rule they match by: a compound wrapped at its
        // hyphen (none: it is the clause as written), another spelling of a name.
        let mut also_matching = Vec::new();
        let (pattern, mut query) = match (literal.prefix, single) {
            (true, true) => self.prefix(literal),
            (false, true) if made_fuzzy => self.fuzzy_word(literal)?,
            (false, false) if made_fuzzy => return Err(self.fuzzy_phrase(&literal)),
            (false, true) => {
                let is_name = literal.is_name();
                let (literal_text, scope, quoted) =
                    (literal.text.clone(), literal.scope, literal.quoted);
                let exact_word = literal.exact_words[0].clone();
                let Word {
                    pattern,
                    query,
                    spelling_words,
                    searched,
                } = self.word(literal, excluded);
                if is_name && !quoted && !excluded && matches!(scope, Scope::All | Scope::Body) {
                    spellings = self.name_spellings(&literal_text, &exact_word, &searched);
                }
                if !spelling_words.is_empty() {
                    let spelled = Pattern::Word {
                        words: spelling_words,
                        stemmed: true,
                    };
                    also_matching.push((spelled, Some(NAME_VARIANT)));
                }
                (pattern, query)
            }
            (_, false) => {
                let wrapped = self.compounds_wrapped(&literal, excluded)?;
                let (pattern, query) = if literal.prefix {
                    self.phrase_prefix(literal)
                } else {
                    self.phrase(literal)?
                };
                let mut readings = vec![(Occur::Should, query)];
                for (wrapped, query) in wrapped {
                    also_matching.push((wrapped, None));
                    readings.push((Occur::Should, query));
                }
                let query: Box<dyn Query> = match readings.len() {
                    1 => readings.pop().expect("the phrase").1,
                    _ => Box::new(BooleanQuery::new(readings)),
                };
                (pattern, query)
            }
        };
        let within = match scope {
            Scope::Title => Within::Title,
            Scope::Header(field) if field == self.fields.mail_from => Within::Headers(&["From"]),
            Scope::Header(field) if field == self.fields.mail_to => Within::Headers(&["To", "Cc"]),
            Scope::Header(_) => Within::Headers(&["Subject"]),
            Scope::All | Scope::Body | Scope::Id => Within::Text,
        };
        if !excluded {
            for (pattern, variant) in std::iter::once((pattern, None)).chain(also_matching) {
                terms.push(QueryTerm {
                    label: label.clone(),
                    pattern,
                    variant,
                    within,
                });
            }
        }
        if let Some((pattern, spellings_query)) = spellings {
            terms.push(QueryTerm {
                label,
                pattern,
                variant: Some(TRANSLITERATION),
                within,
            });
            query = Box::new(BooleanQuery::new(vec![
                (Occur::Should, query),
                (Occur::Should, spellings_query),
            ]));
        }
        Ok(query)
    }

    /// The other spellings of the name `typed` (folded: `exact_word`) that share its name
    /// key, less the stems the word's own clause already finds (`found`), with the query
    /// that finds them at a discount; `None` when there are none. The spellings are added
    /// to the note of what else was searched.
    fn name_spellings(
        &mut self,
        typed: &str,
        exact_word: &str,
        found: &[String],
    ) -> Option<(Pattern, Box<dyn Query>)> {
        let lookup = self.name_lookup.as_ref()?;
        let mut spellings = Vec::new();
        let mut stems = Vec::new();
        for spelling in lookup(exact_word) {
            let stem = analyze(&mut self.stemmed, &spelling);
            if stem.iter().any(|s| found.contains(s) || stems.contains(s)) {
                continue;
            }
            stems.extend(stem);
            spellings.push(spelling);
        }
        if spellings.is_empty() {
            return None;
        }
        let shown: Vec<String> = spellings
            .iter()
            .map(|s| crate::text::words::same_case_as(typed, s))
            .collect();
        match self
            .variants_used
            .iter_mut()
            .find(|(word, _)| word == typed)
        {
            Some((_, also)) => also.extend(shown),
            None => self.variants_used.push((typed.to_string(), shown)),
        }
        let query = Box::new(BoostQuery::new(
            Box::new(SynonymQuery::new(
                self.fields.body_exact,
                Words::Stems(stems.clone()),
            )),
            NAME_KEY_BOOST,
        ));
        let pattern = Pattern::Word {
            words: stems,
            stemmed: true,
        };
        Some((pattern, query))
    }

    /// The fields a literal searches, by the field name the user put before it, if any.
    fn scope(&self, field_name: Option<&str>) -> Result<Scope> {
        match field_name {
            None => Ok(Scope::All),
            Some("title") => Ok(Scope::Title),
            Some("body" | "text") => Ok(Scope::Body),
            Some("id") => Ok(Scope::Id),
            Some("from") => Ok(Scope::Header(self.fields.mail_from)),
            Some("to") => Ok(Scope::Header(self.fields.mail_to)),
            Some("subject") => Ok(Scope::Header(self.fields.mail_subject)),
            Some(other) => Err(Error::Query {
                position: self.position_of(&format!("{other}:")),
                message: format!(
                    "unknown field `{other}`: the fields are title, body, id, from, to and subject \
                     (to search for the word itself, write \"{other}:\" in quotes)"
                ),
            }),
        }
    }

    /// The literal with its `*` or `~N` read, its words and its label; or why it cannot be
    /// searched for.
    fn read_literal(&mut self, literal: &UserInputLiteral, scope: Scope) -> Result<Literal> {
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
                let typed = &literal.phrase;
                let Some(distance) = distance else {
                    return Err(Error::Query {
                        position: self.position_of(typed),
                        message: format!(
                            "`{typed}`: after a word, ~ takes a whole number of edits \
                             (word~1, word~2); put the text in quotes to search for it"
                        ),
                    });
                };
                // Without a word before it (`~5 km` pasted), ~ is punctuation.
                if !word.is_empty() {
                    literal.slop = distance;
                    literal.phrase = word.to_string();
                }
            }
        }
        let text = literal.phrase;
        if !quoted && text.contains(['*', '?']) {
            let wildcard = if text.contains('*') {
                "a wildcard may only end a word (negotiat*)"
            } else {
                "? is no wildcard: * ending a word is the only one (negotiat*)"
            };
            return Err(Error::Query {
                position: self.position_of(&text),
                message: format!(
                    "`{text}`: {wildcard}; put the word in quotes to search for the characters"
                ),
            });
        }
        let mut exact_words = Vec::new();
        let mut ranges = Vec::new();
        self.exact.token_stream(&text).process(&mut |token| {
            exact_words.push(token.text.clone());
            ranges.push(token.offset_from..token.offset_to);
        });
        let compounds = hyphenated_compounds(&text, &ranges);
        if quoted && exact_words.is_empty() {
            return Err(Error::Query {
                position: self.position_of(&format!("\"{text}")),
                message: format!(
                    "`\"{text}\"`: a phrase without a word in it; put words between the quotes"
                ),
            });
        }
        let label = match (quoted, literal.prefix, literal.slop) {
            (true, true, _) => format!("\"{text}\"*"),
            (true, false, 0) => format!("\"{text}\""),
            (true, false, slop) => format!("\"{text}\"~{slop}"),
            (false, true, _) => format!("{text}*"),
            (false, false, 0) => text.clone(),
            (false, false, slop) => format!("{text}~{slop}"),
        };
        Ok(Literal {
            text,
            quoted,
            prefix: literal.prefix,
            slop: literal.slop,
            scope,
            exact_words,
            compounds,
            label,
        })
    }

    /// `id:…`: the document with this ID, as written.
    fn id(&self, id: &str) -> Box<dyn Query> {
        let term = Term::from_field_text(self.fields.id, id);
        Box::new(TermQuery::new(term, IndexRecordOption::Basic))
    }

    /// `word*`, quoted or not: the words that start with it.
    fn prefix(&self, literal: Literal) -> (Pattern, Box<dyn Query>) {
        let prefix = literal.exact_words[0].clone();
        let query = self.per_field(literal.scope, true, |field| {
            Box::new(SynonymQuery::new(field, Words::Prefix(prefix.clone())))
        });
        (Pattern::Prefix { prefix }, query)
    }

    /// `"several words pre"*`: the words in this order, the last one only starting a
    /// document's word.
    fn phrase_prefix(&self, literal: Literal) -> (Pattern, Box<dyn Query>) {
        let Literal {
            scope, exact_words, ..
        } = literal;
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
    }

    /// `word~N`, or any unquoted word with `--fuzzy` (at the distance its length gives): see
    /// [`Self::fuzzy`].
    fn fuzzy_word(&mut self, literal: Literal) -> Result<(Pattern, Box<dyn Query>)> {
        let Literal {
            scope,
            text,
            slop,
            exact_words,
            label,
            ..
        } = literal;
        let distance = if slop > 0 {
            if slop > MAX_FUZZY_DISTANCE {
                return Err(Error::Query {
                    position: self.position_of(&format!("~{slop}")),
                    message: format!(
                        "`{label}`: a fuzzy term allows at most {MAX_FUZZY_DISTANCE} edits; \
                         write {text}~{MAX_FUZZY_DISTANCE}"
                    ),
                });
            }
            slop as u8
        } else {
            fuzzy_distance_for(&exact_words[0])
        };
        Ok(self.fuzzy(scope, &exact_words[0], &text, distance))
    }

    /// `several words~N`, unquoted, is refused: `~N` after a word makes it fuzzy, and
    /// several words are a phrase.
    fn fuzzy_phrase(&self, literal: &Literal) -> Error {
        let Literal {
            text, slop, label, ..
        } = literal;
        Error::Query {
            position: self.position_of(label),
            message: format!(
                "`{label}`: ~N after a word makes it fuzzy, but `{text}` is several \
                 words; for words near each other write \"{text}\"~{slop}"
            ),
        }
    }

    /// One word: unquoted, in any inflection and under the other spellings of a name (but
    /// not when excluded); quoted, as written.
    fn word(&mut self, literal: Literal, excluded: bool) -> Word {
        let is_name = literal.is_name();
        let Literal {
            text,
            quoted,
            scope,
            exact_words,
            ..
        } = literal;
        let mut words = if quoted {
            exact_words.clone()
        } else {
            analyze(&mut self.stemmed, &text)
        };
        let mut spelling_words = Vec::new();
        if !quoted && !excluded {
            let spellings = self
                .variant_lookup
                .as_ref()
                .map(|lookup| lookup(&exact_words[0], is_name))
                .unwrap_or_default();
            if !spellings.is_empty() {
                for spelling in &spellings {
                    spelling_words.extend(analyze(&mut self.stemmed, spelling));
                }
                let shown = spellings
                    .iter()
                    .map(|s| crate::text::words::same_case_as(&text, s))
                    .collect();
                self.variants_used.push((text.clone(), shown));
            }
            // An inflection's stem is searched as the word's (the English stemmer leaves
            // most words of another language as they are), so that the query and the
            // highlights find the same words.
            if let Some(lookup) = &self.forms_lookup {
                for form in lookup(&exact_words[0]) {
                    words.extend(analyze(&mut self.stemmed, &form));
                }
            }
            let mut seen = std::collections::HashSet::new();
            words.retain(|word| seen.insert(word.clone()));
            spelling_words.retain(|word| seen.insert(word.clone()));
        }
        let searched: Vec<String> = words.iter().chain(&spelling_words).cloned().collect();
        let query = self.per_field(scope, quoted, |field| {
            // The body's words of every stem are one word to BM25 (an inflection-rich
            // document is not favoured); the title's stemmed field has each stem as a term.
            if !quoted && field != self.fields.title {
                return Box::new(SynonymQuery::new(field, Words::Stems(searched.clone())));
            }
            let alternatives = searched
                .iter()
                .map(|word| (Occur::Should, self.word_query(field, word, !quoted)))
                .collect();
            Box::new(BooleanQuery::new(alternatives))
        });
        Word {
            pattern: Pattern::Word {
                words,
                stemmed: !quoted,
            },
            query,
            spelling_words,
            searched,
        }
    }

    /// The phrase `literal` (its last word a prefix or not) as a document holds it where the
    /// writer's hyphenated compound (`so-called`) was wrapped at its hyphen and is indexed
    /// as one word (`socalled`): a reading for each combination of its compounds, none
    /// when it has none.
    fn compounds_wrapped(
        &mut self,
        literal: &Literal,
        excluded: bool,
    ) -> Result<Vec<(Pattern, Box<dyn Query>)>> {
        let mut readings = Vec::new();
        for wrapped in compounds_wrapped(&literal.compounds) {
            let exact_words = wrapped
                .iter()
                .fold(literal.exact_words.clone(), |words, &i| {
                    compound_joined(&words, i)
                });
            let reading = Literal {
                exact_words,
                quoted: true,
                compounds: Vec::new(),
                ..literal.clone()
            };
            readings.push(match (reading.prefix, reading.exact_words.len()) {
                (true, 1) => self.prefix(reading),
                (true, _) => self.phrase_prefix(reading),
                (false, 1) => {
                    let word = self.word(reading, excluded);
                    (word.pattern, word.query)
                }
                (false, _) => self.phrase(reading)?,
            });
        }
        Ok(readings)
    }

    /// Several words, quoted or not (`U.S.`, `e-mail`), that must stand together, in this
    /// order, with at most `slop` other words between them in all.
    fn phrase(&self, literal: Literal) -> Result<(Pattern, Box<dyn Query>)> {
        let Literal {
            scope,
            slop,
            exact_words,
            label,
            ..
        } = literal;
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
        Ok((pattern, query))
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
        // Only the title has a stemmed field; the others find stems among their words.
        if stemmed && field != self.fields.title {
            return Box::new(SynonymQuery::new(
                field,
                Words::Stems(vec![word.to_string()]),
            ));
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
            Scope::Header(header) => make(header),
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

/// BM25's query-side term frequency constant: a word typed twice weighs 1.78 times a word
/// typed once, three times 2.4, ten times 4.7 (Robertson's k3 = 7).
const QUERY_TERM_SATURATION: f32 = 7.0;

/// How much a word typed `times` times in a query weighs against a word typed once, as
/// BM25 weighs a query's term frequency.
fn query_term_weight(times: f32) -> f32 {
    (QUERY_TERM_SATURATION + 1.0) * times / (QUERY_TERM_SATURATION + times)
}

fn unsupported(what: &str) -> Error {
    Error::Query {
        position: 0,
        message: format!("{what} are not supported; put the text in quotes to search for it"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_position(query: &str) -> usize {
        let (_, fields) = crate::index::schema::build_schema();
        match QueryBuilder::new(&fields).parse(query) {
            Err(Error::Query { position, .. }) => position,
            other => panic!("a query error expected for {query:?}, got {other:?}"),
        }
    }

    #[test]
    fn a_word_typed_again_in_any_inflection_weighs_more() {
        let (_, fields) = crate::index::schema::build_schema();
        let (index, _) = crate::index::schema::index_of_bodies(&[
            "cone cone cone and other words",
            "flat flat flat and other words",
        ]);
        let searcher = index.reader().unwrap().searcher();
        let ranked = |query: &str| {
            let parsed = QueryBuilder::new(&fields).parse(query).unwrap();
            let top = searcher
                .search(
                    &parsed.query,
                    &tantivy::collector::TopDocs::with_limit(2).order_by_score(),
                )
                .unwrap();
            top.into_iter()
                .map(|(score, address)| (score, address.doc_id))
                .collect::<Vec<_>>()
        };
        let once = ranked("cone flat");
        assert_eq!(once[0].0, once[1].0);
        for query in [
            "cone cone flat",
            "Cones, cone flat",
            "flat (cone OR cone) cone",
        ] {
            let twice = ranked(query);
            assert_eq!(twice[0].1, 0, "{query}");
            assert!(twice[0].0 > twice[1].0, "{query}");
        }
        assert!(query_term_weight(2.0) > 1.0 && query_term_weight(2.0) < 2.0);
        assert!(query_term_weight(10.0) < query_term_weight(11.0));
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
}
