//! The corpus as the indexer sees it: its documents in path order with their IDs, sizes,
//! times and dates, and the entries it cannot index, with the reason.

use std::collections::HashMap;
use std::fs::FileType;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::corpus::ids::id_for;
use crate::corpus::metadata::{METADATA_FILE, Metadata, read_metadata};
use crate::corpus::walk::{Entry, Kind, mtime_nanos, visit};
use crate::error::{Error, Result};
use crate::extract::{Format, MissingProgram};
use crate::text::language::Language;

/// A file of the corpus that is a document candidate, as seen by the walk (not yet read).
#[derive(Clone, Debug)]
pub struct CorpusFile {
    /// Its path relative to the corpus root, `/`-separated.
    pub rel_path: String,
    /// Its path relative to the corpus root as the file system has it, when `rel_path` does
    /// not name the file exactly (a name that is not UTF-8, shown with U+FFFD). Only then,
    /// and never the corpus's own path: an update holds an entry for every file, and that
    /// path in each would be a third of them.
    pub inexact_rel_path: Option<Box<Path>>,
    /// The format it is read as.
    pub format: Format,
    /// Its document ID: `rel_path` without extension, unless that clashes (see `assign_ids`).
    pub id: String,
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch.
    pub mtime: i64,
    /// The document's date in seconds since the Unix epoch: from a `metadata.tsv` if one
    /// gives it, else the modification time.
    pub date: i64,
    /// Whether `date` comes from a `metadata.tsv`, which the document's own date does not
    /// override.
    pub dated_by_metadata: bool,
    /// The language a `metadata.tsv` gives it, which detection does not override.
    pub language: Option<Language>,
}

impl CorpusFile {
    /// Where to read it, in the corpus at `corpus`.
    pub fn path(&self, corpus: &Path) -> PathBuf {
        match &self.inexact_rel_path {
            Some(rel) => corpus.join(rel),
            None => corpus.join(&self.rel_path),
        }
    }

    /// Whether `rel_path` names the file exactly (see `inexact_rel_path`).
    pub fn path_is_exact(&self) -> bool {
        self.inexact_rel_path.is_none()
    }
}

/// A file that was not indexed, and why.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
    /// The program whose absence kept it from being read, if that is the reason: a run
    /// names each missing program once, with the files it kept from being read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_program: Option<MissingProgram>,
}

impl Skipped {
    pub fn new(path: String, reason: String) -> Skipped {
        Skipped {
            path,
            reason,
            missing_program: None,
        }
    }
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

/// Lists the documents of the corpus in `root` in path order (see [`walk`] for what is
/// passed over; links are reported, never followed, so the listing never leaves the
/// corpus).
///
/// The listing is the one thing an update holds for every file of the corpus: each entry
/// is made into a [`CorpusFile`] as the walk finds it, and nothing else of the walk is kept.
pub fn list(root: &Path, index_dir: &Path) -> Result<CorpusListing> {
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
    let found = Mutex::new((CorpusListing::default(), Vec::new()));
    visit(root, index_dir.as_deref(), &|entry: Entry| {
        let listed = list_entry(root, canonical_root.as_deref(), entry);
        let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
        let (listing, metadata_files) = &mut *found;
        match listed {
            Listed::Nothing => {}
            Listed::Ignored => listing.ignored += 1,
            Listed::Metadata(rel) => {
                metadata_files.push(rel);
                listing.ignored += 1;
            }
            Listed::Skipped(skipped) => listing.skipped.push(skipped),
            Listed::Document(file) => listing.files.push(file),
        }
    });
    let (mut listing, mut metadata_files) = found.into_inner().unwrap_or_else(|e| e.into_inner());
    // Read from the top down: when two of them describe one document, the one nearer to it
    // has the last word, whatever order the walk found them in.
    metadata_files.sort_by_key(|rel| (rel.components().count(), rel.clone()));
    let mut metadata = Metadata::new();
    for rel in metadata_files {
        let folder = slash_separated(rel.parent().unwrap_or(Path::new("")));
        if let Err(error) = read_metadata(&root.join(&rel), &folder, &mut metadata) {
            listing.skipped.push(Skipped::new(
                slash_separated(&rel),
                format!("document dates and languages not read: {error}"),
            ));
        }
    }
    date_by_metadata(&mut listing.files, &metadata);
    // The walk's order is the file system's: sorted here, once, for the ID rule and for
    // reports that come in the same order every run.
    listing.files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    listing.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    assign_ids(&mut listing);
    Ok(listing)
}

/// Gives `files` the dates and languages `metadata` lists for them.
pub(super) fn date_by_metadata(files: &mut [CorpusFile], metadata: &Metadata) {
    for file in files {
        let Some(listed) = metadata.get(&id_for(&file.rel_path)) else {
            continue;
        };
        if let Some(date) = listed.date {
            file.date = date;
            file.dated_by_metadata = true;
        }
        file.language = listed.language;
    }
}

/// What one entry of the walk adds to the listing.
pub(super) enum Listed {
    Nothing,
    Ignored,
    /// A `metadata.tsv`, by its path relative to the corpus.
    Metadata(PathBuf),
    Skipped(Skipped),
    Document(CorpusFile),
}

fn list_entry(root: &Path, canonical_root: Option<&Path>, entry: Entry) -> Listed {
    match entry.kind {
        Kind::Folder => Listed::Nothing,
        Kind::Unreadable(error) => Listed::Skipped(Skipped::new(
            slash_separated(&entry.rel),
            walk_problem(&error),
        )),
        Kind::Other(file_type, dir_entry) => {
            list_file(root, canonical_root, entry.rel, file_type, || {
                dir_entry.metadata()
            })
        }
    }
}

/// What the file (or link, or pipe) of type `file_type` at `rel` adds to the listing;
/// `metadata` reads its metadata without following a link, only if it is a document.
pub(super) fn list_file(
    root: &Path,
    canonical_root: Option<&Path>,
    rel: PathBuf,
    file_type: FileType,
    metadata: impl FnOnce() -> std::io::Result<std::fs::Metadata>,
) -> Listed {
    let rel_path = slash_separated(&rel);
    let format = Format::of(&rel);
    if file_type.is_symlink() {
        return match link_problem(canonical_root, &root.join(&rel), format.is_some()) {
            Some(reason) => Listed::Skipped(Skipped::new(rel_path, reason.to_string())),
            None => Listed::Ignored,
        };
    }
    let Some(format) = format else {
        if file_type.is_file() && rel.file_name().is_some_and(|name| name == METADATA_FILE) {
            return Listed::Metadata(rel);
        }
        return Listed::Ignored;
    };
    if !file_type.is_file() {
        return Listed::Skipped(Skipped::new(rel_path, "not a regular file".to_string()));
    }
    let (size, mtime) = match metadata() {
        Ok(metadata) => (metadata.len(), mtime_nanos(&metadata)),
        Err(error) => {
            return Listed::Skipped(Skipped::new(rel_path, walk_problem(&error)));
        }
    };
    Listed::Document(CorpusFile {
        format,
        id: String::new(),
        inexact_rel_path: rel.to_str().is_none().then(|| rel.into_boxed_path()),
        rel_path,
        size,
        mtime,
        date: mtime.div_euclid(1_000_000_000),
        dated_by_metadata: false,
        language: None,
    })
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
pub(super) fn walk_problem(error: &std::io::Error) -> String {
    match error.kind() {
        ErrorKind::NotFound => {
            "it vanished while the corpus was listed (deleted or moved)".to_string()
        }
        ErrorKind::InvalidFilename => {
            "its path is longer than the system allows; shorten the folder names".to_string()
        }
        _ => error.to_string(),
    }
}

/// The `/`-separated form of a path relative to the corpus; names that are not UTF-8 are
/// shown with U+FFFD in place of the bytes that are not.
pub(super) fn slash_separated(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The ID of a document is its relative path without extension. When two files share it
/// (`notes.txt` and `notes.md`), the first in path order keeps it and the others are known
/// by their path with extension. A path with extension can be another file's ID in turn
/// (`notes.txt` is the ID of `notes.txt.md`): that file is then known by its own path too,
/// and so on; paths are unique, so every file gets an ID. Only names that are not UTF-8,
/// shown alike once their bytes are replaced, can leave a file with none: it is skipped.
pub(super) fn assign_ids(listing: &mut CorpusListing) {
    let mut ids: Vec<String> = listing
        .files
        .iter()
        .map(|file| id_for(&file.rel_path))
        .collect();
    // Files known by their path, until no two files share an ID.
    let mut by_path = vec![false; ids.len()];
    let mut unnamed: Vec<usize> = loop {
        // The files of each ID held twice or more, the first holder first. Borrowed, not
        // copied: the listing is what an update holds for every file.
        let mut first_holder: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
        let mut shared: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            let first = *first_holder.entry(id.as_str()).or_insert(i);
            if first != i {
                shared.entry(first).or_insert_with(|| vec![first]).push(i);
            }
        }
        let mut moved: Vec<usize> = Vec::new();
        for group in shared.values() {
            if group.iter().any(|&i| by_path[i]) {
                moved.extend(group.iter().filter(|&&i| !by_path[i]));
            } else {
                moved.extend(&group[1..]);
            }
        }
        if moved.is_empty() {
            // Files known by their path that still share it: names shown alike.
            break shared
                .values()
                .flat_map(|group| group[1..].iter().copied())
                .collect();
        }
        for i in moved {
            by_path[i] = true;
            ids[i] = listing.files[i].rel_path.clone();
        }
    };
    for (file, id) in listing.files.iter_mut().zip(ids) {
        file.id = id;
    }
    unnamed.sort_unstable();
    for i in unnamed.into_iter().rev() {
        let file = listing.files.remove(i);
        listing.skipped.push(Skipped::new(
            file.rel_path,
            "its document ID is taken by another file; rename one of them".to_string(),
        ));
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
            format: Format::Text,
            rel_path: rel.to_string(),
            inexact_rel_path: None,
            id: String::new(),
            size: 0,
            mtime: 0,
            date: 0,
            dated_by_metadata: false,
            language: None,
        };
        let mut listing = CorpusListing {
            files: vec![file("notes.md"), file("notes.txt")],
            ..Default::default()
        };
        assign_ids(&mut listing);
        let ids: Vec<_> = listing.files.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["notes", "notes.txt"]);

        // `minutes.txt` falls back to its path, which is `minutes.txt.md`'s ID: that one
        // falls back to its own path, and no file is left out.
        let mut listing = CorpusListing {
            files: vec![
                file("minutes.md"),
                file("minutes.txt"),
                file("minutes.txt.md"),
            ],
            ..Default::default()
        };
        assign_ids(&mut listing);
        let ids: Vec<_> = listing.files.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["minutes", "minutes.txt", "minutes.txt.md"]);
        assert!(listing.skipped.is_empty());
    }
}
