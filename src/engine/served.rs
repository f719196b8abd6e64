//! A search as the user asked for it and as it is printed, in one form for both the process
//! the user ran and the watcher, which answers searches of an index it vouches for.
//!
//! The watcher keeps the index open between searches, so a search it answers skips opening
//! the index (a fifth of a search for a rare word) and finds its pages already mapped.

use std::path::Path;

use serde::{Deserialize, Serialize};
use termcolor::Buffer;

use crate::error::Result;
use crate::index::DossierIndex;
use crate::printer;
use crate::query::filter::Filters;
use crate::query::variants::Variants;
use crate::query::{QueryBuilder, UserQuery};
use crate::search::{SearchOptions, search};

/// The arguments of `dossier search` that decide what it prints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub passages: usize,
    pub json: bool,
    pub fuzzy: bool,
    pub filters: Filters,
    pub no_variants: bool,
    /// Whether the text is coloured: decided by the process the user ran, from its terminal.
    pub color: bool,
    /// The build of dossier that asks (see [`this_build`]): a watcher of another build
    /// leaves the search to it, so that a new version never prints what an old one would.
    pub build: String,
}

/// This build of dossier: its version and the time its executable was written. A watcher
/// whose executable was replaced since it started finds none (the path it had is gone).
pub fn this_build() -> String {
    let written = std::env::current_exe()
        .and_then(std::fs::metadata)
        .and_then(|file| file.modified());
    match written {
        Ok(time) => format!("{} {time:?}", env!("CARGO_PKG_VERSION")),
        Err(_) => "unknown".to_string(),
    }
}

/// What a search prints.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    pub stdout: Vec<u8>,
    /// Lines for stderr, each to follow `dossier: `.
    pub notes: Vec<String>,
    pub found: bool,
}

/// Runs `request` (whose query reads as `query`) on `index`, for the dossier in `corpus`,
/// and renders what it prints.
pub fn render_search(
    index: &DossierIndex,
    corpus: &Path,
    request: &SearchRequest,
    query: &UserQuery,
) -> Result<Rendered> {
    let fields = &index.fields;
    let mut builder = QueryBuilder::new(fields).fuzzy_words(request.fuzzy);
    if !request.no_variants {
        let variants = Variants::for_corpus(corpus)?;
        builder = builder.variants(variants.in_index(index.searcher()?, fields.body_exact));
    }
    let query = builder.build_query(query)?;
    let options = SearchOptions {
        limit: request.limit,
        passages: request.passages,
        filters: request.filters.clone(),
        corpus: corpus.to_path_buf(),
    };
    let results = search(index, &query, options)?;
    let mut notes: Vec<String> = results
        .problems
        .iter()
        .map(|problem| format!("warning: no passages: {problem}"))
        .collect();
    notes.extend(printer::human::note_lines(&results));
    // Writing to memory cannot fail.
    let stdout = if request.json {
        let mut out = Vec::new();
        printer::json::print(&mut out, &request.query, &results).expect("written to memory");
        out
    } else {
        let mut out = if request.color {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        };
        printer::human::print(&mut out, &results).expect("written to memory");
        out.into_inner()
    };
    Ok(Rendered {
        stdout,
        notes,
        found: results.total_hits > 0,
    })
}
