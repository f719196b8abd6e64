//! The one walk of the corpus folder, with the rules of what the indexer looks at: hidden
//! files and folders (`.git`, `.DS_Store`) and the index folder (when it lies inside the
//! corpus) are passed over with all below them; links are never followed, only reported as
//! links; documents are the files of a format dossier reads ([`Format::of`]), and
//! `metadata.tsv` files give their dates.
//!
//! The indexer's listing, the freshness fingerprint and the watcher all walk through
//! [`walk`], so that all three agree on what is in the corpus. Subfolders are listed in
//! parallel; nothing is sorted here. [`visit`] hands each entry over as it is found and
//! keeps none: what it holds at a time is the listing of the folders being read, whatever
//! the size of the corpus.

use std::ffi::OsStr;
use std::fs::{DirEntry, FileType};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use rayon::prelude::*;

use crate::corpus::metadata::METADATA_FILE;
use crate::extract::Format;

/// One entry found by the walk, by its path relative to the folder walked.
pub struct Entry {
    pub rel: PathBuf,
    pub kind: Kind,
}

/// What an entry is.
pub enum Kind {
    /// A folder; the walk goes on into it.
    Folder,
    /// Anything else (a file, a link, a pipe), with the entry of its folder's listing, from
    /// which its metadata is read without following a link.
    Other(FileType, DirEntry),
    /// A folder that could not be listed, or an entry whose type could not be read.
    Unreadable(std::io::Error),
}

/// Every entry under `top` that the rules keep, for which `wanted` is true; the folders
/// the rules keep are walked into whether wanted or not. `index_dir` is the index folder,
/// canonical, if it may lie inside `top`. `top` itself is not an entry; its name is not
/// checked (a corpus may live in a hidden folder).
pub fn walk(
    top: &Path,
    index_dir: Option<&Path>,
    wanted: &(dyn Fn(&Entry) -> bool + Sync),
) -> Vec<Entry> {
    let found = Mutex::new(Vec::new());
    visit(top, index_dir, &|entry| {
        if wanted(&entry) {
            found.lock().unwrap_or_else(|e| e.into_inner()).push(entry);
        }
    });
    found.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Hands every entry under `top` that the rules keep to `each` as the walk finds it, from
/// several threads at once (see [`walk`] for the rules).
pub fn visit(top: &Path, index_dir: Option<&Path>, each: &(dyn Fn(Entry) + Sync)) {
    visit_folder(top, Path::new(""), index_dir, each)
}

fn visit_folder(dir: &Path, rel: &Path, index_dir: Option<&Path>, each: &(dyn Fn(Entry) + Sync)) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            each(Entry {
                rel: rel.to_path_buf(),
                kind: Kind::Unreadable(error),
            });
            return;
        }
    };
    let mut folders = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                each(Entry {
                    rel: rel.to_path_buf(),
                    kind: Kind::Unreadable(error),
                });
                continue;
            }
        };
        let name = entry.file_name();
        if is_hidden(&name) {
            continue;
        }
        let rel = rel.join(&name);
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => {
                let path = entry.path();
                if !is_index_folder(&path, index_dir) {
                    each(Entry {
                        rel: rel.clone(),
                        kind: Kind::Folder,
                    });
                    folders.push((path, rel));
                }
            }
            Ok(kind) => each(Entry {
                rel,
                kind: Kind::Other(kind, entry),
            }),
            Err(error) => each(Entry {
                rel,
                kind: Kind::Unreadable(error),
            }),
        }
    }
    // In parallel only when there is something to share: a corpus without subfolders (most
    // small dossiers) then never starts the thread pool.
    if folders.len() > 1 {
        folders
            .par_iter()
            .for_each(|(path, rel)| visit_folder(path, rel, index_dir, each));
    } else {
        for (path, rel) in &folders {
            visit_folder(path, rel, index_dir, each);
        }
    }
}

/// Whether a file or folder is hidden (`.git`, `.dossier-variants`): passed over.
pub fn is_hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".")
}

/// Whether the folder at `path` is the index folder (`index_dir`, canonical), which the
/// corpus may hold: passed over. A folder (not a link) keeps its own name in its canonical
/// path, so only one named as the index folder is made canonical: doing so for every
/// folder was most of a search's corpus check on a corpus of many folders.
fn is_index_folder(path: &Path, index_dir: Option<&Path>) -> bool {
    index_dir.is_some_and(|index_dir| {
        index_dir.file_name() == path.file_name()
            && path.canonicalize().is_ok_and(|path| path == index_dir)
    })
}

/// Whether a file is a document by its name: one of the formats dossier reads.
pub fn is_document_name(path: &Path) -> bool {
    Format::of(path).is_some()
}

/// Whether a change to this file can change the index: a document, or a `metadata.tsv`
/// giving documents their dates.
pub fn is_looked_at(path: &Path) -> bool {
    is_document_name(path) || path.file_name().is_some_and(|name| name == METADATA_FILE)
}

/// A file's modification time in nanoseconds since the Unix epoch (0 if unknown), as the
/// index records it: what later tells whether the file changed.
pub fn mtime_nanos(metadata: &std::fs::Metadata) -> i64 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walked(top: &Path, index_dir: Option<&Path>) -> Vec<String> {
        let mut rels: Vec<String> = walk(top, index_dir, &|_| true)
            .into_iter()
            .map(|entry| entry.rel.to_string_lossy().into_owned())
            .collect();
        rels.sort();
        rels
    }

    #[test]
    fn hidden_entries_and_the_index_folder_are_passed_over_links_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for folder in ["a", "a/b", ".git", "index", "c"] {
            std::fs::create_dir(root.join(folder)).unwrap();
        }
        for file in [
            "a/one.txt",
            "a/b/two.md",
            ".git/config",
            "index/meta.json",
            ".hidden.txt",
        ] {
            std::fs::write(root.join(file), "x").unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("a"), root.join("c/link")).unwrap();
        let index = root.join("index").canonicalize().unwrap();
        let mut expected = vec!["a", "a/b", "a/b/two.md", "a/one.txt", "c"];
        if cfg!(unix) {
            expected.push("c/link");
        }
        assert_eq!(walked(root, Some(&index)), expected);
        // Without the index folder named, it is walked like any other.
        assert!(walked(root, None).contains(&"index/meta.json".to_string()));
    }
}
