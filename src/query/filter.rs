//! Narrowing a query to some documents: by a glob over document IDs (`--id`), by date
//! (`--after`, `--before`), by format (`--type`) and by language (`--lang`).

use globset::{GlobBuilder, GlobMatcher};
use serde::{Deserialize, Serialize};
use std::ops::Bound;

use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermSetQuery};
use tantivy::{Searcher, Term};

use crate::corpus::ids::INNER_SEPARATOR;
use crate::error::{Error, Result};
use crate::extract::Format;
use crate::index::DossierIndex;
use crate::index::schema::index_date;
use crate::text::language::Language;

/// Which documents a search may return.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    /// A glob over document IDs (`2025/*`, `000_*`); `*` does not cross `/`. A document
    /// inside a file (`mail//3`) is taken when the glob matches its ID or a container's.
    pub id_glob: Option<String>,
    /// Documents dated on or after this day (seconds since the Unix epoch).
    pub after: Option<i64>,
    /// Documents dated before this day.
    pub before: Option<i64>,
    /// Documents read as one of these formats; any format when empty.
    #[serde(default)]
    pub types: Vec<Format>,
    /// Documents in one of these languages; any language (or none) when empty.
    #[serde(default)]
    pub languages: Vec<Language>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.id_glob.is_none()
            && self.after.is_none()
            && self.before.is_none()
            && self.types.is_empty()
            && self.languages.is_empty()
    }
}

/// `query`, restricted to the documents the filters allow.
pub fn restrict(
    query: Box<dyn Query>,
    filters: &Filters,
    index: &DossierIndex,
    searcher: &Searcher,
) -> Result<Box<dyn Query>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
    if let Some(pattern) = &filters.id_glob {
        let matcher = id_matcher(pattern)?;
        let ids = matching_ids(&matcher, index, searcher)?;
        let terms = ids
            .iter()
            .map(|id| Term::from_field_text(index.fields.id, id));
        clauses.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
    }
    if filters.after.is_some() || filters.before.is_some() {
        let bound = |seconds: Option<i64>, inclusive: bool| match seconds {
            None => Bound::Unbounded,
            Some(seconds) => {
                let term = Term::from_field_date_for_search(index.fields.date, index_date(seconds));
                if inclusive {
                    Bound::Included(term)
                } else {
                    Bound::Excluded(term)
                }
            }
        };
        let range = RangeQuery::new(bound(filters.after, true), bound(filters.before, false));
        clauses.push((Occur::Must, Box::new(range)));
    }
    if !filters.types.is_empty() {
        let terms = filters
            .types
            .iter()
            .map(|format| Term::from_field_text(index.fields.format, format.of_documents().name()));
        clauses.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
    }
    if !filters.languages.is_empty() {
        let terms = filters
            .languages
            .iter()
            .map(|language| Term::from_field_text(index.fields.lang, language.code()));
        clauses.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// The deepest nesting of `{…}` alternatives an ID glob may have: globset panics on a
/// pattern whose regular expression nests past its limit (about 100 levels).
const DEEPEST_ALTERNATIVES: usize = 16;

/// The longest ID glob: an ID is a path, and a glob past this compiles slowly, or not at all.
const LONGEST_ID_GLOB: usize = 4096;

fn id_matcher(pattern: &str) -> Result<GlobMatcher> {
    if pattern.len() > LONGEST_ID_GLOB {
        return Err(Error::Usage(format!(
            "--id: a glob of {} bytes; at most {LONGEST_ID_GLOB} are taken",
            pattern.len()
        )));
    }
    let mut depth = 0usize;
    let mut deepest = 0;
    for c in pattern.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        deepest = deepest.max(depth);
    }
    if deepest > DEEPEST_ALTERNATIVES {
        return Err(Error::Usage(format!(
            "--id: not a valid glob: alternatives {{…}} nested {deepest} deep, past \
             {DEEPEST_ALTERNATIVES}"
        )));
    }
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map(|glob| glob.compile_matcher())
        .map_err(|error| Error::Usage(format!("--id {pattern}: not a valid glob: {error}")))
}

/// The IDs of the containers of the document with ID `id`, innermost last.
fn containers(id: &str) -> impl Iterator<Item = &str> {
    id.match_indices(INNER_SEPARATOR).map(|(at, _)| &id[..at])
}

/// The IDs in the index that the glob matches, read from the ID column's dictionary.
fn matching_ids(
    matcher: &GlobMatcher,
    index: &DossierIndex,
    searcher: &Searcher,
) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for segment in searcher.segment_readers() {
        let Some(column) = segment
            .fast_fields()
            .str("id")
            .map_err(|e| index.error(e))?
        else {
            continue;
        };
        let mut stream = column
            .dictionary()
            .stream()
            .map_err(|e| Error::io(&index.dir, e))?;
        while stream.advance() {
            if let Ok(id) = std::str::from_utf8(stream.key())
                && (matcher.is_match(id) || containers(id).any(|c| matcher.is_match(c)))
            {
                ids.push(id.to_string());
            }
        }
    }
    Ok(ids)
}
