//! Running a query and returning ranked hits, with their passages, as plain data.

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::{Field, Value};
use tantivy::{Searcher, TantivyDocument, Term};

use crate::error::Result;
use crate::filter::{Filters, restrict};
use crate::index::DossierIndex;
use crate::matches::find_matches;
use crate::metadata::format_date;
use crate::passage::{Passage, best_passages};
use crate::query::{ParsedQuery, Pattern, QueryTerm};
use crate::suggest::{Suggestion, suggest};

/// How many hits and passages a search returns.
#[derive(Clone, Debug)]
pub struct SearchOptions {
    pub limit: usize,
    pub passages: usize,
    pub filters: Filters,
}

/// One matching document.
#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub doc_id: String,
    pub path: String,
    pub title: String,
    pub score: f32,
    /// The document's date, `YYYY-MM-DD`: from the corpus's metadata.tsv, else the file's
    /// modification time.
    pub date: String,
    pub passages: Vec<Passage>,
}

/// The answer to a query.
#[derive(Clone, Debug, Serialize)]
pub struct SearchResults {
    pub total_hits: usize,
    pub hits: Vec<Hit>,
    /// The query's clauses, as written: a highlight's `term` is an index into this list.
    pub terms: Vec<String>,
    /// Close spellings of the query's words that more documents have.
    pub suggestions: Vec<Suggestion>,
    /// Words also searched under other spellings of a name.
    pub variants: Vec<NameVariants>,
}

/// A word of the query and the other spellings of it that were searched too.
#[derive(Clone, Debug, Serialize)]
pub struct NameVariants {
    pub word: String,
    pub also: Vec<String>,
}

pub fn search(
    index: &DossierIndex,
    query: &ParsedQuery,
    options: SearchOptions,
) -> Result<SearchResults> {
    let searcher = index.reader()?.searcher();
    let top = TopDocs::with_limit(options.limit.max(1)).order_by_score();
    let restricted;
    let runnable: &dyn tantivy::query::Query = if options.filters.is_empty() {
        query.query.as_ref()
    } else {
        restricted = restrict(query.query.box_clone(), &options.filters, index, &searcher)?;
        restricted.as_ref()
    };
    let (total_hits, top_docs) = searcher
        .search(runnable, &(Count, top))
        .map_err(|e| index.error(e))?;
    let weights = term_weights(&searcher, index, &query.terms);
    let fields = &index.fields;
    let mut hits = Vec::with_capacity(top_docs.len());
    for (rank, (score, address)) in top_docs.into_iter().take(options.limit).enumerate() {
        let doc: TantivyDocument = searcher.doc(address).map_err(|e| index.error(e))?;
        let text = text_of(&doc, fields.text);
        let matches = find_matches(text, &query.terms);
        hits.push(Hit {
            rank: rank + 1,
            doc_id: text_of(&doc, fields.id).to_string(),
            path: text_of(&doc, fields.path).to_string(),
            title: text_of(&doc, fields.title).to_string(),
            score,
            date: doc
                .get_first(fields.date)
                .and_then(|v| v.as_datetime())
                .map(|d| format_date(d.into_timestamp_secs()))
                .unwrap_or_default(),
            passages: best_passages(text, &matches, &weights, options.passages),
        });
    }
    let keywords: Vec<(String, Vec<String>)> = query
        .terms
        .iter()
        .filter_map(|t| match &t.pattern {
            Pattern::Word {
                words,
                stemmed: true,
            } => Some((t.label.clone(), words.clone())),
            _ => None,
        })
        .collect();
    let suggestions = suggest(&searcher, fields.body_exact, &keywords, total_hits == 0);
    Ok(SearchResults {
        total_hits,
        hits,
        terms: query.terms.iter().map(|t| t.label.clone()).collect(),
        suggestions,
        variants: query
            .variants
            .iter()
            .map(|(word, also)| NameVariants {
                word: word.clone(),
                also: also.clone(),
            })
            .collect(),
    })
}

fn text_of(doc: &TantivyDocument, field: Field) -> &str {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("")
}

/// How telling a match of each clause is: its inverse document frequency, summed over the
/// words of a phrase, so rare words and whole phrases choose the passage.
fn term_weights(searcher: &Searcher, index: &DossierIndex, terms: &[QueryTerm]) -> Vec<f32> {
    let total = searcher.num_docs() as f32;
    let idf = |field: Field, word: &str| {
        let df = searcher
            .doc_freq(&Term::from_field_text(field, word))
            .unwrap_or(0) as f32;
        (1.0 + (total - df + 0.5) / (df + 0.5)).ln()
    };
    terms
        .iter()
        .map(|term| match &term.pattern {
            Pattern::Word {
                words,
                stemmed: true,
            } => words
                .iter()
                .map(|w| idf(index.fields.body, w))
                .fold(0.0, f32::max),
            Pattern::Word {
                words,
                stemmed: false,
            } => words
                .iter()
                .map(|w| idf(index.fields.body_exact, w))
                .fold(0.0, f32::max),
            // What a fuzzy or prefix term matches is not known here; its own word stands in.
            Pattern::Fuzzy { word, .. } => idf(index.fields.body_exact, word),
            Pattern::Prefix { prefix } => idf(index.fields.body_exact, prefix).min(2.0),
            Pattern::Phrase { words, .. } => {
                words.iter().map(|w| idf(index.fields.body_exact, w)).sum()
            }
        })
        .collect()
}
