//! Telling cheaply whether the corpus changed since the index was last brought up to date:
//! a fingerprint of every document file's path, size and modification time, kept in the
//! index folder beside the commit it describes.
//!
//! Comparing the corpus with the index document by document (`update::plan`) loads every
//! stored state and parses every `metadata.tsv`; on a corpus of tens of thousands of files
//! that costs more than the search itself. The fingerprint needs only the walk and one
//! `stat` per file, done in parallel, folder by folder, so a search on an unchanged corpus pays little for
//! being sure it is unchanged. Any difference, or no fingerprint at all, sends the caller
//! to the full comparison, so the fingerprint can make a check cheaper but never wrong.

use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use xxhash_rust::xxh3::xxh3_64;

use crate::corpus::walk::{Entry, Kind, visit};
use crate::corpus::{self};
use crate::error::Result;
use crate::index::side_files::{remove_if_present, write_atomically};

/// The file in the index folder holding the fingerprint of the corpus it was last brought
/// up to date with.
pub(super) const FINGERPRINT_FILE: &str = "corpus.fingerprint";

/// The fingerprint of the corpus as it is now: every file the indexer would look at
/// (documents and `metadata.tsv` files, hidden ones and the index folder passed over as the
/// indexer does), combined in an order-independent way so the walk need not be sorted.
///
/// Each file is hashed as the walk finds it and nothing of it is kept, so taking it holds
/// only the listings of the folders being read, however many files the corpus has.
pub struct Fingerprint {
    pub value: u64,
    files: usize,
}

impl Fingerprint {
    /// Takes the fingerprint of the corpus in `root`, whose index is in `index_dir`.
    pub fn take(root: &Path, index_dir: &Path) -> Result<Fingerprint> {
        let index_dir = index_dir.canonicalize().ok();
        let sum = AtomicU64::new(0);
        let files = AtomicUsize::new(0);
        visit(root, index_dir.as_deref(), &|entry: Entry| {
            let stat = match &entry.kind {
                Kind::Folder => return,
                Kind::Other(..) if !corpus::is_looked_at(&entry.rel) => return,
                // Through the folder's listing, by name, not by the whole path again.
                Kind::Other(_, dir_entry) => dir_entry
                    .metadata()
                    .ok()
                    .map(|m| (m.len(), corpus::mtime_nanos(&m))),
                Kind::Unreadable(_) => None,
            };
            sum.fetch_add(hash(&entry.rel, stat), Ordering::Relaxed);
            files.fetch_add(1, Ordering::Relaxed);
        });
        let files = files.into_inner();
        Ok(Fingerprint {
            value: sum.into_inner() ^ files as u64,
            files,
        })
    }

    /// How many files the fingerprint covers.
    pub fn file_count(&self) -> usize {
        self.files
    }
}

/// One file's share of the fingerprint: its path relative to the corpus with its size and
/// modification time, or `None` for what could not be read, which counts by its path alone.
fn hash(rel: &Path, stat: Option<(u64, i64)>) -> u64 {
    let (size, mtime) = stat.map_or((u64::MAX, 0), |(size, mtime)| {
        (size, u128::try_from(mtime).unwrap_or(0))
    });
    let mut key = rel.as_os_str().as_encoded_bytes().to_vec();
    key.extend_from_slice(&size.to_le_bytes());
    key.extend_from_slice(&mtime.to_le_bytes());
    xxh3_64(&key)
}

/// What an update of named files records in place of the corpus's fingerprint, which it
/// does not take (that would walk the corpus): a value new with each such update, taken
/// from the one recorded before (`previous`), the paths it looked at and the time, that no
/// corpus has but by a chance of one in 2^64. The watcher that ran the update vouches for
/// the index by it as by a fingerprint, until its next event. A search without a watcher
/// finds that it differs from the corpus's, compares the corpus with the index in full
/// (once), and records the corpus's own fingerprint if nothing changed.
pub fn of_named_update<'a>(
    previous: Option<u64>,
    paths: impl IntoIterator<Item = &'a String>,
) -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let mut key = b"named update".to_vec();
    key.extend_from_slice(&previous.unwrap_or_default().to_le_bytes());
    key.extend_from_slice(&now.to_le_bytes());
    key.extend_from_slice(&std::process::id().to_le_bytes());
    for path in paths {
        key.extend_from_slice(path.as_bytes());
        key.push(0);
    }
    xxh3_64(&key)
}

/// The fingerprint recorded with the last complete update, if any.
pub fn recorded(index_dir: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(index_dir.join(FINGERPRINT_FILE)).ok()?;
    u64::from_str_radix(text.trim(), 16).ok()
}

/// Records that the index is up to date with the corpus as it was when `fingerprint` was
/// taken (before the update read anything), atomically.
pub fn record(index_dir: &Path, fingerprint: u64) -> Result<()> {
    write_atomically(
        &index_dir.join(FINGERPRINT_FILE),
        format!("{fingerprint:016x}\n").as_bytes(),
    )
}

/// Forgets the fingerprint: an update is under way, and until it completes the index may
/// hold only part of what the corpus has.
pub fn forget(index_dir: &Path) -> Result<()> {
    remove_if_present(&index_dir.join(FINGERPRINT_FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint(corpus: &Path, index: &Path) -> u64 {
        Fingerprint::take(corpus, index).unwrap().value
    }

    #[test]
    fn the_fingerprint_changes_with_any_document_and_only_then() {
        let corpus = tempfile::tempdir().unwrap();
        let index = corpus.path().join("index");
        std::fs::create_dir(&index).unwrap();
        std::fs::write(corpus.path().join("a.txt"), "one").unwrap();
        std::fs::create_dir(corpus.path().join("sub")).unwrap();
        std::fs::write(corpus.path().join("sub/b.md"), "two").unwrap();
        let first = fingerprint(corpus.path(), &index);
        assert_eq!(fingerprint(corpus.path(), &index), first);
        // Files the indexer does not look at do not count.
        std::fs::write(corpus.path().join("song.mp3"), "x").unwrap();
        std::fs::write(index.join("meta.json"), "{}").unwrap();
        std::fs::write(corpus.path().join(".hidden.txt"), "x").unwrap();
        std::fs::create_dir_all(corpus.path().join(".git/deep")).unwrap();
        std::fs::write(corpus.path().join(".git/deep/c.txt"), "x").unwrap();
        assert_eq!(fingerprint(corpus.path(), &index), first);
        // Any change to a document does.
        std::fs::write(corpus.path().join("sub/b.md"), "three").unwrap();
        let changed = fingerprint(corpus.path(), &index);
        assert_ne!(changed, first);
        std::fs::rename(corpus.path().join("a.txt"), corpus.path().join("c.txt")).unwrap();
        assert_ne!(fingerprint(corpus.path(), &index), changed);
        let renamed = fingerprint(corpus.path(), &index);
        std::fs::create_dir_all(corpus.path().join("sub/deeper")).unwrap();
        std::fs::write(corpus.path().join("sub/deeper/d.txt"), "four").unwrap();
        assert_ne!(fingerprint(corpus.path(), &index), renamed);
        std::fs::write(corpus.path().join("metadata.tsv"), "id\tdate\n").unwrap();
        let with_dates = fingerprint(corpus.path(), &index);
        std::fs::remove_file(corpus.path().join("metadata.tsv")).unwrap();
        assert_ne!(fingerprint(corpus.path(), &index), with_dates);
    }

    #[test]
    fn a_corpus_stat_ed_in_parallel_has_one_fingerprint_until_a_document_changes() {
        let corpus = tempfile::tempdir().unwrap();
        let index = corpus.path().join("index");
        for folder in ["a", "b"] {
            std::fs::create_dir(corpus.path().join(folder)).unwrap();
            for n in 0..600 {
                std::fs::write(corpus.path().join(format!("{folder}/{n}.txt")), "x").unwrap();
            }
        }
        let first = fingerprint(corpus.path(), &index);
        assert_eq!(fingerprint(corpus.path(), &index), first);
        std::fs::write(corpus.path().join("b/7.txt"), "xy").unwrap();
        assert_ne!(fingerprint(corpus.path(), &index), first);
    }

    #[test]
    fn a_recorded_fingerprint_is_read_back_until_forgotten() {
        let index = tempfile::tempdir().unwrap();
        assert_eq!(recorded(index.path()), None);
        record(index.path(), 0xfeed).unwrap();
        assert_eq!(recorded(index.path()), Some(0xfeed));
        forget(index.path()).unwrap();
        forget(index.path()).unwrap();
        assert_eq!(recorded(index.path()), None);
    }
}
