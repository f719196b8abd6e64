//! Walking the corpus folder and deciding which files are documents, and under which ID.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use walkdir::WalkDir;

use crate::corpus::ids::id_for;
use crate::corpus::metadata::{Dates, METADATA_FILE, read_dates};
use crate::error::{Error, Result};

/// The extensions of the files dossier reads as documents.
const DOCUMENT_EXTENSIONS: &[&str] = &["txt", "md"];

/// The size and modification time of each file a fingerprint covered, by its path
/// relative to the corpus: what the walk of an update would otherwise look up again.
pub type Stats = HashMap<PathBuf, (u64, i64)>;

/// A file of the corpus that is a document candidate, as seen by the walk (not yet read).
#[derive(Clone, Debug)]
pub struct CorpusFile {
    /// Where to read it.
    pub path: PathBuf,
    /// Its path relative to the corpus root, `/`-separated.
    pub rel_path: String,
    /// Whether `rel_path` names the file exactly: false when the name is not UTF-8 and
    /// `rel_path` shows it with U+FFFD, so the file cannot be found again by that path.
    pub path_is_exact: bool,
    /// Its document ID: `rel_path` without extension, unless that clashes (see `assign_ids`).
    pub id: String,
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch.
    pub mtime: i64,
    /// The document's date in seconds since the Unix epoch: from a `metadata.tsv` if one
    /// gives it, else the modification time.
    pub date: i64,
}

/// A file that was not indexed, and why.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// The result of walking the corpus.
#[derive(Debug, Default)]
pub struct CorpusListing {
    pub files: Vec<CorpusFile>,
    /// Files that are not documents (other extensions): counted, not reported one by one.
    pub ignored: usize,
    /// Entries that could not be walked (permissions, broken links).
    pub skipped: Vec<Skipped>,
}

/// Walks `root` and lists its documents in path order. Hidden files and folders (`.git`,
/// `.DS_Store`) and the index folder, if it lies inside the corpus, are passed over; links
/// are not followed, so the walk never leaves the corpus (see `link_problem`). A file's size
/// and time are taken from `known` (the fingerprint's, a moment ago) when it has them.
pub fn list(root: &Path, index_dir: &Path, known: &Stats) -> Result<CorpusListing> {
    let metadata = std::fs::metadata(root).map_err(|e| Error::Corpus {
        path: root.to_path_buf(),
        reason: e.to_string(),
    })?;
    if !metadata.is_dir() {
        return Err(Error::Corpus {
            path: root.to_path_buf(),
            reason: "it is not a folder".to_string(),
        });
    }
    let index_dir = index_dir.canonicalize().ok();
    let canonical_root = root.canonicalize().ok();
    let mut listing = CorpusListing::default();
    let mut metadata_files = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| !passed_over(entry, index_dir.as_deref()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| root.display().to_string());
                listing.skipped.push(Skipped {
                    path,
                    reason: walk_problem(&error),
                });
                continue;
            }
        };
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        let rel_path = relative(root, entry.path());
        let document_name = is_document_name(entry.path());
        if file_type.is_symlink() {
            match link_problem(canonical_root.as_deref(), entry.path(), document_name) {
                Some(reason) => listing.skipped.push(Skipped {
                    path: rel_path,
                    reason: reason.to_string(),
                }),
                None => listing.ignored += 1,
            }
            continue;
        }
        if !document_name {
            if file_type.is_file() && entry.file_name() == METADATA_FILE {
                metadata_files.push(entry.path().to_path_buf());
            }
            listing.ignored += 1;
            continue;
        }
        if !file_type.is_file() {
            listing.skipped.push(Skipped {
                path: rel_path,
                reason: "not a regular file".to_string(),
            });
            continue;
        }
        let known = entry
            .path()
            .strip_prefix(root)
            .ok()
            .and_then(|rel| known.get(rel));
        let (size, mtime) = match known {
            Some(&stat) => stat,
            None => match entry.metadata() {
                Ok(metadata) => (metadata.len(), mtime_nanos(&metadata)),
                Err(error) => {
                    listing.skipped.push(Skipped {
                        path: rel_path,
                        reason: walk_problem(&error),
                    });
                    continue;
                }
            },
        };
        listing.files.push(CorpusFile {
            path: entry.path().to_path_buf(),
            id: String::new(),
            path_is_exact: entry
                .path()
                .strip_prefix(root)
                .is_ok_and(|rel| rel.to_str().is_some()),
            rel_path,
            size,
            mtime,
            date: mtime.div_euclid(1_000_000_000),
        });
    }
    let mut dates = Dates::new();
    for path in metadata_files {
        let folder = relative(root, path.parent().unwrap_or(root));
        if let Err(error) = read_dates(&path, &folder, &mut dates) {
            listing.skipped.push(Skipped {
                path: relative(root, &path),
                reason: format!("document dates not read: {error}"),
            });
        }
    }
    for file in &mut listing.files {
        if let Some(&date) = dates.get(&id_for(&file.rel_path)) {
            file.date = date;
        }
    }
    // Sorted once here rather than per folder during the walk: cheaper, and the order the
    // ID rule depends on.
    listing.files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    assign_ids(&mut listing);
    Ok(listing)
}

/// Whether the walk passes over an entry and all below it: hidden files and folders, and
/// the index folder (canonical) if it lies inside the corpus.
fn passed_over(entry: &walkdir::DirEntry, index_dir: Option<&Path>) -> bool {
    let hidden = entry.depth() > 0 && is_hidden(entry.file_name());
    hidden || (entry.file_type().is_dir() && is_index_folder(entry.path(), index_dir))
}

/// Whether a file or folder is hidden (`.git`, `.dossier-variants`): passed over.
pub(crate) fn is_hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".")
}

/// Whether the folder at `path` is the index folder (`index_dir`, canonical), which the
/// corpus may hold: passed over.
pub(crate) fn is_index_folder(path: &Path, index_dir: Option<&Path>) -> bool {
    index_dir.is_some() && path.canonicalize().ok().as_deref() == index_dir
}

/// A file's modification time in nanoseconds since the Unix epoch (0 if unknown), as the
/// index records it: what later tells whether the file changed.
pub(crate) fn mtime_nanos(metadata: &std::fs::Metadata) -> i64 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos() as i64)
}

/// Whether a change to this file can change the index: a document, or a `metadata.tsv`
/// giving documents their dates.
pub(crate) fn is_looked_at(path: &Path) -> bool {
    is_document_name(path) || path.file_name().is_some_and(|name| name == METADATA_FILE)
}

/// Why a link is reported, if it is. Links are never followed. One that points inside the
/// corpus is passed over quietly: what it points to is indexed in its own place (and a
/// folder linked into itself is no loop). One that points outside the corpus, or nowhere, is
/// reported when it is a folder or a document, which the reporter may expect to find.
fn link_problem(root: Option<&Path>, link: &Path, document_name: bool) -> Option<&'static str> {
    match std::fs::canonicalize(link) {
        Err(_) => document_name.then_some("broken symbolic link (what it points to is missing)"),
        Ok(target) if root.is_some_and(|root| target.starts_with(root)) => None,
        Ok(target) if target.is_dir() => Some(
            "symbolic link to a folder outside the corpus (not followed: the index holds only \
             what is inside the corpus)",
        ),
        Ok(_) => document_name.then_some(
            "symbolic link to a file outside the corpus (not followed: the index holds only \
             what is inside the corpus)",
        ),
    }
}

/// Why an entry of the corpus could not be looked at, said so the reporter can act on it.
fn walk_problem(error: &walkdir::Error) -> String {
    match error.io_error().map(std::io::Error::kind) {
        Some(ErrorKind::NotFound) => {
            "it vanished while the corpus was listed (deleted or moved)".to_string()
        }
        Some(ErrorKind::InvalidFilename) => {
            "its path is longer than the system allows; shorten the folder names".to_string()
        }
        _ => error
            .io_error()
            .map(ToString::to_string)
            .unwrap_or_else(|| error.to_string()),
    }
}

fn is_document_name(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| {
            DOCUMENT_EXTENSIONS
                .iter()
                .any(|known| ext.eq_ignore_ascii_case(known))
        })
}

/// The `/`-separated path of `path` below `root`; names that are not UTF-8 are shown with
/// U+FFFD in place of the bytes that are not.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The ID of a document is its relative path without extension. When two files share it
/// (`notes.txt` and `notes.md`), the first in path order keeps it and the others are known
/// by their path with extension, which is unique; a file whose every name is taken (possible
/// only for names that are not UTF-8) is skipped.
fn assign_ids(listing: &mut CorpusListing) {
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut clashing = Vec::new();
    for (i, file) in listing.files.iter_mut().enumerate() {
        let id = id_for(&file.rel_path);
        if taken.contains_key(&id) {
            clashing.push(i);
        } else {
            taken.insert(id.clone(), i);
            file.id = id;
        }
    }
    let mut unnamed = Vec::new();
    for i in clashing {
        let rel_path = listing.files[i].rel_path.clone();
        if taken.contains_key(&rel_path) {
            unnamed.push(i);
        } else {
            taken.insert(rel_path.clone(), i);
            listing.files[i].id = rel_path;
        }
    }
    for i in unnamed.into_iter().rev() {
        let file = listing.files.remove(i);
        listing.skipped.push(Skipped {
            path: file.rel_path,
            reason: "its document ID is taken by another file; rename one of them".to_string(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_drops_only_the_extension() {
        assert_eq!(id_for("000_eea6b4a974d0f11e.txt"), "000_eea6b4a974d0f11e");
        assert_eq!(id_for("2025/miami/notes.v2.md"), "2025/miami/notes.v2");
        assert_eq!(id_for("dir.d/readme"), "dir.d/readme");
    }

    #[test]
    fn clashing_ids_fall_back_to_the_path_with_extension() {
        let file = |rel: &str| CorpusFile {
            path: PathBuf::from(rel),
            rel_path: rel.to_string(),
            path_is_exact: true,
            id: String::new(),
            size: 0,
            mtime: 0,
            date: 0,
        };
        let mut listing = CorpusListing {
            files: vec![file("notes.md"), file("notes.txt")],
            ..Default::default()
        };
        assign_ids(&mut listing);
        let ids: Vec<_> = listing.files.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["notes", "notes.txt"]);
    }
}
