//! The change plan: what must be done to bring the index up to date with the corpus,
//! decided from the walk, what the index holds and `skipped.json`, reading no file.
//!
//! A file whose size, modification time and date match what the index holds is unchanged.
//! Any other file the index holds is read again, and counted as unchanged afterwards if its
//! content hashes the same (see [`Outcome::of`]). A file skipped before with the same size
//! and time is still skipped, unread, unless its reason was the machine's (see `skipped`):
//! it is read again, as is a file holding a document skipped so. A document whose file is
//! gone is removed.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::fingerprint::{self, Fingerprint};
use super::skipped::{self, SkippedRecord};
use crate::corpus::ids::{self, INNER_SEPARATOR};
use crate::corpus::{self, CorpusFile, CorpusListing, NamedListing};
use crate::error::Result;
use crate::index::lock::UpdateLock;
use crate::index::{DossierIndex, StoredState, path_hash};

/// What must be done to bring the index up to date.
#[derive(Debug, Default)]
pub struct Changes {
    /// Files to read: new, or possibly changed.
    pub to_read: Vec<CorpusFile>,
    /// IDs in the index whose file is gone.
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// Files skipped before and not changed since, as remembered.
    pub(super) still_skipped: Vec<SkippedRecord>,
    /// What the index holds of the files to read that it holds, by ID.
    pub previous: HashMap<String, StoredState>,
    /// The IDs of the documents inside the files to read that the index holds, by the
    /// file's ID: they go when their file is read again.
    pub previous_inner: HashMap<String, Vec<String>>,
    /// The paths of the files to read only because the last run left them (or a document
    /// inside them) to be read again (see `SkippedRecord::retry`).
    pub(super) retried: HashSet<String>,
    /// The documents remembered as skipped inside the files to read that the index holds,
    /// by the file's path: they stay if the file cannot be read again and keeps its text.
    pub(super) previous_skipped_inner: HashMap<String, Vec<SkippedRecord>>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.to_read.is_empty() && self.removed.is_empty()
    }
}

/// Compares the corpus with the index, reading no file.
pub fn plan(index: &DossierIndex, listing: CorpusListing) -> Result<Changes> {
    plan_with(index, listing.files, false)
}

/// [`plan`] of the corpus's document `files`; with `retry_skipped`, the files skipped
/// before, and those holding documents skipped before, are read again even if unchanged.
/// The files to read are moved into the plan, not copied: on a large corpus the listing is
/// the largest thing an update holds besides the writer.
pub(super) fn plan_with(
    index: &DossierIndex,
    files: Vec<CorpusFile>,
    retry_skipped: bool,
) -> Result<Changes> {
    let remembered = skipped::read(&index.dir);
    Ok(compare(
        index.stored_states()?,
        remembered,
        files,
        retry_skipped,
    ))
}

/// [`plan`] of the files at a few named paths alone (see [`crate::corpus::named`]): compared
/// with what the index holds under the IDs they may have had (and inside them) and with
/// `remembered`, what is remembered as skipped at those paths.
pub(super) fn plan_named(
    index: &DossierIndex,
    listed: &NamedListing,
    files: Vec<CorpusFile>,
    remembered: Vec<SkippedRecord>,
) -> Result<Changes> {
    let stored = index.stored_states_of(listed.ids.iter().map(String::as_str))?;
    Ok(compare(stored, remembered, files, false))
}

/// The plan from what the index holds (`stored`, by ID) and the files remembered as skipped.
fn compare(
    mut stored: HashMap<String, StoredState>,
    remembered: Vec<SkippedRecord>,
    files: Vec<CorpusFile>,
    retry_skipped: bool,
) -> Changes {
    // Documents inside files, and their skipped ones, go with their file.
    let mut inner: HashMap<String, Vec<String>> = HashMap::new();
    let inner_ids: Vec<String> = stored
        .keys()
        .filter(|id| id.contains(INNER_SEPARATOR))
        .cloned()
        .collect();
    for id in inner_ids {
        stored.remove(&id);
        inner
            .entry(ids::file_of(&id).to_string())
            .or_default()
            .push(id);
    }
    let mut remembered_inner: HashMap<String, Vec<SkippedRecord>> = HashMap::new();
    let mut remembered_files = HashMap::new();
    for record in remembered {
        match record.path.split_once(INNER_SEPARATOR) {
            Some((file, _)) => remembered_inner
                .entry(file.to_string())
                .or_default()
                .push(record),
            None => {
                remembered_files.insert(record.path.clone(), record);
            }
        }
    }
    let remembered = remembered_files;
    let mut changes = Changes::default();
    for file in files {
        match stored.remove(&file.id) {
            Some(state) => {
                let same = state.size == file.size
                    && state.mtime == file.mtime
                    && state.date == file.date
                    && state.language == file.language
                    && state.path_hash == path_hash(&file.rel_path);
                let skipped_inside = remembered_inner.get(&file.rel_path);
                let asked = retry_skipped && skipped_inside.is_some();
                let left_to_retry =
                    skipped_inside.is_some_and(|records| records.iter().any(|r| r.retry));
                if same && !asked && !left_to_retry {
                    changes.unchanged += 1;
                    inner.remove(&file.id);
                    changes
                        .still_skipped
                        .extend(remembered_inner.remove(&file.rel_path).unwrap_or_default());
                    continue;
                }
                if same && !asked {
                    changes.retried.insert(file.rel_path.clone());
                }
                changes.previous.insert(file.id.clone(), state);
                if let Some(ids) = inner.remove(&file.id) {
                    changes.previous_inner.insert(file.id.clone(), ids);
                }
                if let Some(records) = remembered_inner.remove(&file.rel_path) {
                    let path = file.rel_path.clone();
                    changes.previous_skipped_inner.insert(path, records);
                }
                changes.to_read.push(file);
            }
            None => match remembered.get(&file.rel_path) {
                Some(record)
                    if record.size == file.size && record.mtime == file.mtime && !retry_skipped =>
                {
                    if record.retry {
                        changes.retried.insert(file.rel_path.clone());
                        changes.to_read.push(file);
                    } else {
                        changes.still_skipped.push(record.clone());
                    }
                }
                _ => changes.to_read.push(file),
            },
        }
    }
    changes.removed = stored
        .into_keys()
        .chain(inner.into_values().flatten())
        .collect();
    changes.removed.sort();
    changes
}

/// What a file the plan said to read turned out to be, once read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    Added,
    Updated,
    /// The same content under a new time or date: the document is added again (it records
    /// them), but the user's text did not change.
    Unchanged,
}

impl Outcome {
    /// From what the index held of the file (`previous`) and the hash of its content now.
    pub(super) fn of(previous: Option<&StoredState>, hash: u64) -> Outcome {
        match previous {
            Some(state) if state.hash == hash => Outcome::Unchanged,
            Some(_) => Outcome::Updated,
            None => Outcome::Added,
        }
    }
}

/// What checking the corpus against the index found.
#[derive(Debug, Default)]
pub struct CorpusCheck {
    pub changes: Changes,
    /// The fingerprint this check took of the corpus, when it found the index current and
    /// that fingerprint is the one the index records.
    pub current_with: Option<u64>,
    /// How many files the check looked at.
    pub files: usize,
}

/// Whether the corpus differs from what the index holds, and how. Empty at once when the
/// corpus still has the fingerprint recorded with the last complete update.
pub fn pending_changes(index: &DossierIndex, corpus_dir: &Path) -> Result<CorpusCheck> {
    let taken = Fingerprint::take(corpus_dir, &index.dir)?;
    let fingerprint = taken.value;
    let files = taken.file_count();
    if fingerprint::recorded(&index.dir) == Some(fingerprint) {
        return Ok(CorpusCheck {
            changes: Changes::default(),
            current_with: Some(fingerprint),
            files,
        });
    }
    // Compared under the update lock when it is free: an update forgets the fingerprint
    // before its first commit, and one that starts (or is killed) during an unlocked
    // comparison could leave a part-built index behind a fingerprint recorded here.
    let lock = UpdateLock::acquire(&index.dir).ok();
    let listing = corpus::list(corpus_dir, &index.dir)?;
    let changes = plan(index, listing)?;
    // Only a shortcut for the next check: an index folder that cannot be written to is
    // still searched, just without it.
    let recorded = changes.is_empty()
        && lock.is_some()
        && fingerprint::record(&index.dir, fingerprint).is_ok();
    Ok(CorpusCheck {
        changes,
        current_with: recorded.then_some(fingerprint),
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: i64 = 1_000_000_000;

    fn file(rel_path: &str, size: u64, mtime: i64) -> CorpusFile {
        CorpusFile {
            format: crate::extract::Format::Text,
            rel_path: rel_path.to_string(),
            inexact_rel_path: None,
            id: corpus::id_for(rel_path),
            size,
            mtime,
            date: mtime.div_euclid(SECOND),
            dated_by_metadata: false,
            language: None,
        }
    }

    /// The state of `a.txt` as the index holds it.
    fn state(size: u64, mtime: i64, hash: u64) -> StoredState {
        state_at("a.txt", size, mtime, hash)
    }

    fn state_at(rel_path: &str, size: u64, mtime: i64, hash: u64) -> StoredState {
        StoredState {
            size,
            mtime,
            hash,
            date: mtime.div_euclid(SECOND),
            language: None,
            path_hash: path_hash(rel_path),
        }
    }

    fn listing(files: Vec<CorpusFile>) -> Vec<CorpusFile> {
        files
    }

    fn paths(files: &[CorpusFile]) -> Vec<&str> {
        files.iter().map(|f| f.rel_path.as_str()).collect()
    }

    #[test]
    fn an_empty_index_reads_every_file() {
        let corpus = listing(vec![
            file("a.txt", 10, 5 * SECOND),
            file("b.md", 20, 6 * SECOND),
        ]);
        let changes = compare(HashMap::new(), Vec::new(), corpus.clone(), false);
        assert_eq!(paths(&changes.to_read), ["a.txt", "b.md"]);
        assert!(changes.previous.is_empty());
        assert_eq!(changes.unchanged, 0);
        assert!(changes.removed.is_empty());
        assert!(!changes.is_empty());
    }

    #[test]
    fn a_file_as_the_index_holds_it_is_unchanged() {
        let corpus = listing(vec![file("a.txt", 10, 5 * SECOND)]);
        let stored = HashMap::from([("a".to_string(), state(10, 5 * SECOND, 7))]);
        let changes = compare(stored, Vec::new(), corpus.clone(), false);
        assert_eq!(changes.unchanged, 1);
        assert!(changes.is_empty());
    }

    #[test]
    fn a_file_added_is_read_as_new() {
        let corpus = listing(vec![
            file("a.txt", 10, 5 * SECOND),
            file("new.txt", 3, SECOND),
        ]);
        let stored = HashMap::from([("a".to_string(), state(10, 5 * SECOND, 7))]);
        let changes = compare(stored, Vec::new(), corpus.clone(), false);
        assert_eq!(paths(&changes.to_read), ["new.txt"]);
        assert_eq!(changes.previous.get("new"), None);
        assert_eq!(changes.unchanged, 1);
        assert_eq!(Outcome::of(None, 99), Outcome::Added);
    }

    #[test]
    fn a_file_changed_in_size_or_time_is_read_again_with_what_the_index_held() {
        let before = state(10, 5 * SECOND, 7);
        for now in [file("a.txt", 11, 5 * SECOND), file("a.txt", 10, 9 * SECOND)] {
            let stored = HashMap::from([("a".to_string(), before)]);
            let changes = compare(stored, Vec::new(), listing(vec![now]), false);
            assert_eq!(paths(&changes.to_read), ["a.txt"]);
            assert_eq!(changes.previous.get("a"), Some(&before));
            assert_eq!(changes.unchanged, 0);
            assert_eq!(Outcome::of(changes.previous.get("a"), 8), Outcome::Updated);
        }
    }

    #[test]
    fn a_file_touched_with_the_same_content_is_read_and_counted_unchanged() {
        let before = state(10, 5 * SECOND, 7);
        let stored = HashMap::from([("a".to_string(), before)]);
        let touched = file("a.txt", 10, 5 * SECOND + 1);
        let changes = compare(stored, Vec::new(), listing(vec![touched]), false);
        assert_eq!(paths(&changes.to_read), ["a.txt"]);
        assert_eq!(
            Outcome::of(changes.previous.get("a"), 7),
            Outcome::Unchanged
        );
    }

    #[test]
    fn a_file_renamed_to_another_extension_is_read_again() {
        // `mv a.txt a.html`: the same ID, size and time, another path and format.
        let stored = HashMap::from([("a".to_string(), state(10, 5 * SECOND, 7))]);
        let renamed = file("a.html", 10, 5 * SECOND);
        let changes = compare(stored, Vec::new(), listing(vec![renamed]), false);
        assert_eq!(paths(&changes.to_read), ["a.html"]);
    }

    #[test]
    fn a_new_date_from_the_metadata_file_reads_the_file_again() {
        let stored = HashMap::from([("a".to_string(), state(10, 5 * SECOND, 7))]);
        let mut dated = file("a.txt", 10, 5 * SECOND);
        dated.date = 86_400;
        let changes = compare(stored, Vec::new(), listing(vec![dated]), false);
        assert_eq!(paths(&changes.to_read), ["a.txt"]);
    }

    #[test]
    fn documents_whose_file_is_gone_are_removed_in_id_order() {
        let stored = HashMap::from([
            ("z/gone".to_string(), state(1, SECOND, 1)),
            ("a".to_string(), state(10, 5 * SECOND, 7)),
            ("b/gone".to_string(), state(2, SECOND, 2)),
        ]);
        let changes = compare(
            stored,
            Vec::new(),
            listing(vec![file("a.txt", 10, 5 * SECOND)]),
            false,
        );
        assert_eq!(changes.removed, ["b/gone", "z/gone"]);
        assert_eq!(changes.unchanged, 1);
        assert!(!changes.is_empty());
    }

    #[test]
    fn documents_inside_a_file_go_with_it() {
        let stored = HashMap::from([
            ("mail".to_string(), state(10, 5 * SECOND, 7)),
            ("mail//1".to_string(), state(10, 5 * SECOND, 7)),
            ("mail//1//a.txt".to_string(), state(10, 5 * SECOND, 7)),
            ("kept".to_string(), state_at("kept.zip", 3, SECOND, 1)),
            ("kept//1".to_string(), state(3, SECOND, 1)),
            ("gone".to_string(), state(2, SECOND, 2)),
            ("gone//x.pdf".to_string(), state(2, SECOND, 2)),
        ]);
        let remembered = vec![SkippedRecord {
            path: "kept.zip//bomb.zip".to_string(),
            size: 3,
            mtime: SECOND,
            reason: "a ZIP bomb".to_string(),
            missing_program: None,
            retry: false,
        }];
        let corpus = listing(vec![
            file("mail.mbox", 11, 5 * SECOND),
            file("kept.zip", 3, SECOND),
        ]);
        let changes = compare(stored, remembered, corpus.clone(), false);
        assert_eq!(paths(&changes.to_read), ["mail.mbox"]);
        let mut inner = changes.previous_inner["mail"].clone();
        inner.sort();
        assert_eq!(inner, ["mail//1", "mail//1//a.txt"]);
        assert_eq!(changes.unchanged, 1);
        assert_eq!(changes.removed, ["gone", "gone//x.pdf"]);
        assert_eq!(changes.still_skipped.len(), 1);
        assert_eq!(changes.still_skipped[0].path, "kept.zip//bomb.zip");
    }

    #[test]
    fn retrying_reads_again_what_was_skipped_and_the_files_holding_it() {
        let stored = HashMap::from([
            ("kept".to_string(), state_at("kept.zip", 3, SECOND, 1)),
            ("kept//a.txt".to_string(), state(3, SECOND, 1)),
            ("plain".to_string(), state_at("plain.txt", 4, SECOND, 1)),
        ]);
        let remembered = vec![
            SkippedRecord {
                path: "kept.zip//b.doc".to_string(),
                size: 3,
                mtime: SECOND,
                reason: "antiword is not installed".to_string(),
                missing_program: None,
                retry: false,
            },
            SkippedRecord {
                path: "scan.png".to_string(),
                size: 5,
                mtime: SECOND,
                reason: "tesseract is not installed".to_string(),
                missing_program: None,
                retry: false,
            },
        ];
        let corpus = listing(vec![
            file("kept.zip", 3, SECOND),
            file("plain.txt", 4, SECOND),
            file("scan.png", 5, SECOND),
        ]);
        let changes = compare(stored.clone(), remembered.clone(), corpus.clone(), true);
        assert_eq!(paths(&changes.to_read), ["kept.zip", "scan.png"]);
        assert_eq!(changes.previous_inner["kept"], ["kept//a.txt"]);
        assert_eq!(changes.unchanged, 1);
        assert!(changes.still_skipped.is_empty());

        let changes = compare(stored, remembered, corpus.clone(), false);
        assert!(changes.to_read.is_empty());
        assert_eq!(changes.still_skipped.len(), 2);
    }

    #[test]
    fn what_was_left_to_be_read_again_is_read_and_said_to_be_retried() {
        let stored = HashMap::from([
            ("kept".to_string(), state_at("kept.zip", 3, SECOND, 1)),
            ("kept//a.txt".to_string(), state(3, SECOND, 1)),
        ]);
        let record = |path: &str, size: u64, retry: bool| SkippedRecord {
            path: path.to_string(),
            size,
            mtime: SECOND,
            reason: "could not run pdftotext".to_string(),
            missing_program: None,
            retry,
        };
        let remembered = vec![
            record("kept.zip//b.pdf", 3, true),
            record("report.pdf", 5, true),
            record("hangs.pdf", 6, false),
        ];
        let corpus = listing(vec![
            file("hangs.pdf", 6, SECOND),
            file("kept.zip", 3, SECOND),
            file("report.pdf", 5, SECOND),
        ]);
        let changes = compare(stored, remembered, corpus, false);
        assert_eq!(paths(&changes.to_read), ["kept.zip", "report.pdf"]);
        let mut retried: Vec<&str> = changes.retried.iter().map(String::as_str).collect();
        retried.sort();
        assert_eq!(retried, ["kept.zip", "report.pdf"]);
        assert_eq!(changes.previous_inner["kept"], ["kept//a.txt"]);
        assert!(changes.previous.contains_key("kept"));
        // Kept aside, for a file that cannot be read again and keeps its text.
        assert_eq!(
            changes.previous_skipped_inner["kept.zip"][0].path,
            "kept.zip//b.pdf"
        );
        let still: Vec<&str> = changes
            .still_skipped
            .iter()
            .map(|r| r.path.as_str())
            .collect();
        assert_eq!(still, ["hangs.pdf"]);
    }

    #[test]
    fn a_file_skipped_before_is_still_skipped_until_it_changes() {
        let remembered = vec![SkippedRecord {
            path: "scan.txt".to_string(),
            size: 40,
            mtime: 3 * SECOND,
            reason: "empty file".to_string(),
            missing_program: None,
            retry: false,
        }];
        let same = listing(vec![file("scan.txt", 40, 3 * SECOND)]);
        let changes = compare(HashMap::new(), remembered.clone(), same, false);
        assert!(changes.to_read.is_empty());
        assert!(changes.is_empty());
        let still: Vec<_> = changes
            .still_skipped
            .iter()
            .map(|s| (s.path.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(still, [("scan.txt", "empty file")]);

        let changed = listing(vec![file("scan.txt", 40, 4 * SECOND)]);
        let changes = compare(HashMap::new(), remembered, changed, false);
        assert_eq!(paths(&changes.to_read), ["scan.txt"]);
        assert!(changes.still_skipped.is_empty());
    }
}
