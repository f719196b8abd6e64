//! The library's error type: every failure a user can meet, with the context to act on it.

use std::path::PathBuf;

/// Everything that can go wrong in dossier, phrased for the person at the keyboard.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("corpus folder {path} cannot be read: {reason}")]
    Corpus { path: PathBuf, reason: String },

    #[error("no index at {path}: run `dossier index` to build it")]
    NoIndex { path: PathBuf },

    #[error(
        "the index at {path} cannot be opened: {reason}; run `dossier index --rebuild` to build it anew"
    )]
    BrokenIndex { path: PathBuf, reason: String },

    /// Safe to rebuild without asking: the corpus is the source of truth, and the payload
    /// proves dossier wrote the index.
    #[error(
        "the index at {path} was written by an older version of dossier (schema {found}, this one reads {expected}); run `dossier index` to rebuild it"
    )]
    OutdatedIndex {
        path: PathBuf,
        found: u32,
        expected: u32,
    },

    #[error(
        "the index at {path} is being updated by {}; wait for it to finish and try again",
        holder_name(*holder)
    )]
    IndexBusy { path: PathBuf, holder: Option<u32> },

    /// `position` is the 1-based character of the query where the problem is, 0 if nowhere.
    #[error("query error{}: {message}", at_character(*position))]
    Query { position: usize, message: String },

    #[error("{0}")]
    Usage(String),

    #[error("no document with ID '{id}' in the dossier (`dossier search` shows the IDs)")]
    UnknownDocument { id: String },

    #[error("document '{id}' has {pages} page(s); there is no page {page}")]
    NoSuchPage {
        id: String,
        page: usize,
        pages: usize,
    },

    #[error("cannot show document '{id}': {reason}")]
    TextUnavailable { id: String, reason: String },

    #[error("index at {path}: {source}")]
    Tantivy {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// "process N", or a vaguer name when the lock holder has not written its ID yet.
pub fn holder_name(holder: Option<u32>) -> String {
    match holder {
        Some(pid) => format!("process {pid}"),
        None => "another dossier process".to_string(),
    }
}

fn at_character(position: usize) -> String {
    if position == 0 {
        String::new()
    } else {
        format!(" at character {position}")
    }
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn tantivy(path: impl Into<PathBuf>, source: tantivy::TantivyError) -> Error {
        Error::Tantivy {
            path: path.into(),
            source,
        }
    }
}
