//! Opening or creating a dossier index on disk, checking that it is one we can read, and
//! reading back what it holds about each document (size, time, hash) without loading texts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::error::LockError;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyError};

use crate::error::{Error, Result};
use crate::schema::{Fields, SCHEMA_VERSION, build_schema, register_analyzers};

/// Written with every commit, so a reader knows which version of dossier wrote the index.
#[derive(Serialize, Deserialize)]
pub(crate) struct CommitPayload {
    pub dossier_schema: u32,
}

/// What the index remembers of one document, to tell whether its file changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredState {
    pub size: u64,
    pub mtime: i64,
    pub hash: u64,
    /// Seconds since the Unix epoch.
    pub date: i64,
}

/// An open dossier index.
pub struct DossierIndex {
    pub index: Index,
    pub fields: Fields,
    pub dir: PathBuf,
}

impl DossierIndex {
    /// Whether `dir` holds an index at all (as opposed to a broken one).
    pub fn exists(dir: &Path) -> bool {
        dir.join("meta.json").is_file()
    }

    /// Opens the index in `dir`, refusing one that is missing, damaged or of another schema.
    pub fn open(dir: &Path) -> Result<DossierIndex> {
        if !Self::exists(dir) {
            return Err(Error::NoIndex {
                path: dir.to_path_buf(),
            });
        }
        let broken = |reason: String| Error::BrokenIndex {
            path: dir.to_path_buf(),
            reason,
        };
        let index = Index::open_in_dir(dir).map_err(|e| broken(short_reason(&e)))?;
        let metas = index.load_metas().map_err(|e| broken(short_reason(&e)))?;
        let written_by = metas
            .payload
            .as_deref()
            .and_then(|payload| serde_json::from_str::<CommitPayload>(payload).ok())
            .map(|payload| payload.dossier_schema);
        // An index created but never committed has no payload yet; its schema decides.
        let (schema, fields) = build_schema();
        if written_by.is_some_and(|version| version != SCHEMA_VERSION) || index.schema() != schema {
            return Err(broken(format!(
                "it was written by another version of dossier (schema {}, this one reads {SCHEMA_VERSION})",
                written_by.map_or("unknown".to_string(), |v| v.to_string())
            )));
        }
        register_analyzers(index.tokenizers());
        Ok(DossierIndex {
            index,
            fields,
            dir: dir.to_path_buf(),
        })
    }

    /// Creates an empty index in `dir`, which may hold other files (a `.gitignore`) but no index.
    pub fn create(dir: &Path) -> Result<DossierIndex> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let (schema, fields) = build_schema();
        let index = Index::create_in_dir(dir, schema).map_err(|e| Error::tantivy(dir, e))?;
        register_analyzers(index.tokenizers());
        Ok(DossierIndex {
            index,
            fields,
            dir: dir.to_path_buf(),
        })
    }

    /// A reader of the last commit; searches never see a half-done update.
    pub fn reader(&self) -> Result<IndexReader> {
        self.index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| self.error(e))
    }

    /// Every document's ID and stored state, read from fast fields (no text is loaded).
    pub fn stored_states(&self) -> Result<HashMap<String, StoredState>> {
        let searcher = self.reader()?.searcher();
        let mut states = HashMap::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let ids = fast
                .str("id")
                .map_err(|e| self.error(e))?
                .ok_or_else(|| self.broken("the id column is missing"))?;
            let sizes = fast.u64("size").map_err(|e| self.error(e))?;
            let mtimes = fast.i64("mtime").map_err(|e| self.error(e))?;
            let hashes = fast.u64("hash").map_err(|e| self.error(e))?;
            let dates = fast.date("date").map_err(|e| self.error(e))?;
            // One pass over the dictionary: looking up each ID by ordinal would decompress a
            // block per document.
            let mut id_of_ord = Vec::with_capacity(ids.num_terms());
            let mut stream = ids
                .dictionary()
                .stream()
                .map_err(|e| Error::io(&self.dir, e))?;
            while stream.advance() {
                id_of_ord.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            for doc in segment.doc_ids_alive() {
                let Some(id) = ids
                    .ords()
                    .first(doc)
                    .and_then(|ord| id_of_ord.get(ord as usize))
                else {
                    continue;
                };
                let state = StoredState {
                    size: sizes.first(doc).unwrap_or_default(),
                    mtime: mtimes.first(doc).unwrap_or_default(),
                    hash: hashes.first(doc).unwrap_or_default(),
                    date: dates
                        .first(doc)
                        .map_or(0, |date| date.into_timestamp_secs()),
                };
                states.insert(id.clone(), state);
            }
        }
        Ok(states)
    }

    pub(crate) fn error(&self, error: TantivyError) -> Error {
        if let TantivyError::LockFailure(LockError::LockBusy, _) = error {
            return Error::IndexBusy {
                path: self.dir.clone(),
                holder: String::new(),
            };
        }
        if matches!(
            error,
            TantivyError::DataCorruption(_) | TantivyError::OpenReadError(_)
        ) {
            return self.broken(&short_reason(&error));
        }
        Error::tantivy(&self.dir, error)
    }

    fn broken(&self, reason: &str) -> Error {
        Error::BrokenIndex {
            path: self.dir.clone(),
            reason: reason.to_string(),
        }
    }
}

/// tantivy's errors print nested debug structures; the first line is what a user needs.
fn short_reason(error: &TantivyError) -> String {
    let text = error.to_string();
    let first = text.lines().next().unwrap_or("unknown error");
    first.chars().take(200).collect()
}
