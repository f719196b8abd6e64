//! The files an update could not index, remembered in `skipped.json` inside the index folder
//! with the size and time they had then: the next run reports them again without reading
//! them, and a search does not take them for new files.
//!
//! The list is a cache. A damaged or missing list reads as empty, and a file missing from it
//! is only read again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::corpus::Skipped;
use crate::error::Result;
use crate::extract::{MissingProgram, SkipReason};
use crate::index::side_files::write_atomically;

/// The list's name in the index folder.
pub(super) const FILE_NAME: &str = "skipped.json";

/// A file remembered as not indexable, with the state it had then.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct SkippedRecord {
    pub path: String,
    pub size: u64,
    pub mtime: i64,
    /// The reason as the reporter read it.
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_program: Option<MissingProgram>,
}

impl SkippedRecord {
    /// The file at `path` (with its container's `size` and `mtime`) skipped for `reason`.
    pub fn new(path: String, size: u64, mtime: i64, reason: &SkipReason) -> SkippedRecord {
        SkippedRecord {
            path,
            size,
            mtime,
            reason: reason.to_string(),
            missing_program: reason.missing_program().cloned(),
        }
    }

    /// As a run reports it.
    pub fn skipped(&self) -> Skipped {
        Skipped {
            path: self.path.clone(),
            reason: self.reason.clone(),
            missing_program: self.missing_program.clone(),
        }
    }
}

fn path_in(index_dir: &Path) -> PathBuf {
    index_dir.join(FILE_NAME)
}

/// The files the last run remembered; none if the list is missing or cannot be read.
pub(super) fn read(index_dir: &Path) -> Vec<SkippedRecord> {
    std::fs::read(path_in(index_dir))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Written to a temporary file, synced and renamed, so a crash leaves the old list or the new
/// one.
pub(super) fn write(index_dir: &Path, records: &[SkippedRecord]) -> Result<()> {
    let json = serde_json::to_vec_pretty(records).unwrap_or_default();
    write_atomically(&path_in(index_dir), &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str, reason: &str) -> SkippedRecord {
        SkippedRecord {
            path: path.to_string(),
            size: 12,
            mtime: 1_700_000_000_123_456_789,
            reason: reason.to_string(),
            missing_program: None,
        }
    }

    #[test]
    fn the_list_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let records = vec![
            record("scan.txt", "binary file: a PDF document, not text"),
            record("notes/empty.md", "empty file"),
        ];
        write(dir.path(), &records).unwrap();
        assert_eq!(read(dir.path()), records);
        write(dir.path(), &[]).unwrap();
        assert_eq!(read(dir.path()), []);
    }

    #[test]
    fn a_missing_or_damaged_list_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()), []);
        write(dir.path(), &[record("scan.txt", "empty file")]).unwrap();
        let whole = std::fs::read(path_in(dir.path())).unwrap();
        std::fs::write(path_in(dir.path()), &whole[..whole.len() / 2]).unwrap();
        assert_eq!(read(dir.path()), []);
        std::fs::write(path_in(dir.path()), b"\xff\xfe not json").unwrap();
        assert_eq!(read(dir.path()), []);
    }
}
