//! Telling cheaply whether the corpus changed since the index was last brought up to date:
//! a fingerprint of every document file's path, size and modification time, kept in the
//! index folder beside the commit it describes.
//!
//! Comparing the corpus with the index document by document (`indexer::plan`) loads every
//! stored state and parses every `metadata.tsv`; on a corpus of tens of thousands of files
//! that costs more than the search itself. The fingerprint needs only the walk and one
//! `stat` per file, done in parallel, so a search on an unchanged corpus pays little for
//! being sure it is unchanged. Any difference, or no fingerprint at all, sends the caller
//! to the full comparison, so the fingerprint can make a check cheaper but never wrong.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use walkdir::WalkDir;
use xxhash_rust::xxh3::xxh3_64;

use crate::corpus;
use crate::error::Result;
use crate::files::{remove_if_present, write_atomically};

/// The file in the index folder holding the fingerprint of the corpus it was last brought
/// up to date with.
const FINGERPRINT_FILE: &str = "corpus.fingerprint";

/// The fingerprint of the corpus as it is now: every file the indexer would look at
/// (documents and `metadata.tsv` files, hidden ones and the index folder passed over as the
/// indexer does), combined in an order-independent way so the walk need not be sorted.
pub fn fingerprint(root: &Path, index_dir: &Path) -> Result<u64> {
    let index_dir = index_dir.canonicalize().ok();
    let mut files: Vec<PathBuf> = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| !corpus::passed_over(entry, index_dir.as_deref()));
    for entry in walker {
        match entry {
            Ok(entry) if !entry.file_type().is_dir() && corpus::is_looked_at(entry.path()) => {
                files.push(entry.into_path())
            }
            Ok(_) => {}
            // An entry that cannot be walked is reported by the indexer; here it only has to
            // change the fingerprint when it appears or disappears, as its path does.
            Err(error) => files.push(error.path().unwrap_or(root).to_path_buf()),
        }
    }
    let fingerprint = files
        .par_iter()
        .map(|path| {
            let (size, mtime) = std::fs::symlink_metadata(path)
                .map(|m| {
                    let mtime = m
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                        .map_or(0, |d| d.as_nanos());
                    (m.len(), mtime)
                })
                .unwrap_or((u64::MAX, 0));
            let rel = path.strip_prefix(root).unwrap_or(path);
            let mut key = rel.as_os_str().as_encoded_bytes().to_vec();
            key.extend_from_slice(&size.to_le_bytes());
            key.extend_from_slice(&mtime.to_le_bytes());
            xxh3_64(&key)
        })
        .reduce(|| 0, u64::wrapping_add);
    Ok(fingerprint ^ files.len() as u64)
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

    #[test]
    fn the_fingerprint_changes_with_any_document_and_only_then() {
        let corpus = tempfile::tempdir().unwrap();
        let index = corpus.path().join("index");
        std::fs::create_dir(&index).unwrap();
        std::fs::write(corpus.path().join("a.txt"), "one").unwrap();
        std::fs::create_dir(corpus.path().join("sub")).unwrap();
        std::fs::write(corpus.path().join("sub/b.md"), "two").unwrap();
        let first = fingerprint(corpus.path(), &index).unwrap();
        assert_eq!(fingerprint(corpus.path(), &index).unwrap(), first);
        // Files the indexer does not look at do not count.
        std::fs::write(corpus.path().join("photo.jpg"), "x").unwrap();
        std::fs::write(index.join("meta.json"), "{}").unwrap();
        std::fs::write(corpus.path().join(".hidden.txt"), "x").unwrap();
        assert_eq!(fingerprint(corpus.path(), &index).unwrap(), first);
        // Any change to a document does.
        std::fs::write(corpus.path().join("sub/b.md"), "three").unwrap();
        let changed = fingerprint(corpus.path(), &index).unwrap();
        assert_ne!(changed, first);
        std::fs::rename(corpus.path().join("a.txt"), corpus.path().join("c.txt")).unwrap();
        assert_ne!(fingerprint(corpus.path(), &index).unwrap(), changed);
        std::fs::write(corpus.path().join("metadata.tsv"), "id\tdate\n").unwrap();
        let with_dates = fingerprint(corpus.path(), &index).unwrap();
        std::fs::remove_file(corpus.path().join("metadata.tsv")).unwrap();
        assert_ne!(fingerprint(corpus.path(), &index).unwrap(), with_dates);
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
