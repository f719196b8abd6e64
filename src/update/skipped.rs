//! The files an update could not index, remembered in `skipped.json` inside the index folder
//! with the size and time they had then: the next run reports them again without reading
//! them, and a search does not take them for new files.
//!
//! Except when the reason may be the machine's rather than the file's ([`Cause`]): a
//! process or program that could not start, a copy that could not be made, an error of the
//! disk are read again by every run until they are read (that costs little); a time limit,
//! which a machine under load may pass as well as a file made to hang, is read again by the
//! next run once, and then remembered as any other (a file that hangs would cost every run
//! its time).
//!
//! The list is a cache. A damaged or missing list reads as empty, and a file missing from it
//! is only read again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::corpus::Skipped;
use crate::error::Result;
use crate::extract::{Cause, MissingProgram, SkipReason};
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
    /// The next run reads it again, changed or not.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retry: bool,
}

impl SkippedRecord {
    /// The file at `path` (with its container's `size` and `mtime`) skipped for `reason`;
    /// `retried` when the run read it (or its container) only because the last run left it
    /// to be read again.
    pub fn new(
        path: String,
        size: u64,
        mtime: i64,
        reason: &SkipReason,
        retried: bool,
    ) -> SkippedRecord {
        SkippedRecord {
            path,
            size,
            mtime,
            reason: reason.to_string(),
            missing_program: reason.missing_program().cloned(),
            retry: match reason.cause() {
                Cause::File => false,
                Cause::Machine => true,
                Cause::TimeLimit => !retried,
            },
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
            retry: false,
        }
    }

    #[test]
    fn a_reason_of_the_machines_is_read_again_and_a_time_limit_once() {
        let record = |reason: &SkipReason, retried: bool| {
            SkippedRecord::new("a.pdf".to_string(), 1, 2, reason, retried).retry
        };
        let damaged = SkipReason::Damaged {
            format: "PDF",
            detail: "no page of it could be read: it is damaged".to_string(),
        };
        let failed = SkipReason::SystemFailed("could not run pdftotext: EAGAIN".to_string());
        let timed_out = SkipReason::TimedOut {
            limit: std::time::Duration::from_secs(120),
        };
        assert!(!record(&damaged, false));
        assert!(record(&failed, false) && record(&failed, true));
        assert!(record(&timed_out, false) && !record(&timed_out, true));
        // As a worker reports it.
        let reported: SkipReason =
            serde_json::from_value(serde_json::to_value(&timed_out).unwrap()).unwrap();
        assert!(record(&reported, false) && !record(&reported, true));
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
