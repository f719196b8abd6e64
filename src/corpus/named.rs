//! The corpus at a few named paths: what [`list`](super::list) would say of the files there,
//! and of every file whose document ID they could take or give up, by the same rules
//! (hidden entries, the index folder, links, formats, `metadata.tsv` dates, the ID rule),
//! without walking the corpus. The watcher names the files its events name.
//!
//! Only what this can be sure of is listed; otherwise ([`list_named`] returns `None`) the
//! caller walks the whole corpus: a named `metadata.tsv` (it dates documents anywhere below
//! it), a named folder or a folder that is no longer one the walk enters, a name that is
//! not UTF-8 (two such names can show as one path), a `metadata.tsv` above a named file
//! that cannot be read.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use crate::corpus::ids::id_for;
use crate::corpus::listing::{
    Listed, assign_ids, date_by_metadata, list_file, slash_separated, walk_problem,
};
use crate::corpus::metadata::{METADATA_FILE, Metadata, read_metadata};
use crate::corpus::walk::is_hidden;
use crate::corpus::{CorpusFile, CorpusListing, Skipped};
use crate::extract::Format;

/// The corpus at the named paths, as the whole listing would have it.
#[derive(Debug, Default)]
pub struct NamedListing {
    /// The documents there, in path order, with their IDs, dates and languages.
    pub files: Vec<CorpusFile>,
    /// Files there that are not documents.
    pub ignored: usize,
    /// Files there that cannot be indexed, with the reason.
    pub skipped: Vec<Skipped>,
    /// Every path looked at, `/`-separated, relative to the corpus, whether a file is there
    /// or not: the named ones and those that share a possible ID with them.
    pub paths: BTreeSet<String>,
    /// Every ID the index may hold for a file at those paths (a file's ID is its path
    /// without extension, or its path when another file has that).
    pub ids: BTreeSet<String>,
}

/// Lists the files at `named` (paths relative to the corpus in `root`, whose index is in
/// `index_dir`), and those whose ID depends on theirs; `None` when only a walk of the whole
/// corpus can tell (see the module's docs).
pub fn list_named(
    root: &Path,
    index_dir: &Path,
    named: &BTreeSet<PathBuf>,
) -> Option<NamedListing> {
    let canonical_root = root.canonicalize().ok()?;
    let index_dir = index_dir.canonicalize().ok();
    let mut by_folder: BTreeMap<&Path, BTreeSet<OsString>> = BTreeMap::new();
    for rel in named {
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return None;
        }
        let (Some(folder), Some(name)) = (rel.parent(), rel.file_name()) else {
            return None;
        };
        if rel.components().any(|c| is_hidden(c.as_os_str())) {
            // Never part of the corpus, nor anything below it.
            continue;
        }
        if name == METADATA_FILE || !is_exact(rel.as_os_str()) {
            return None;
        }
        by_folder
            .entry(folder)
            .or_default()
            .insert(name.to_os_string());
    }
    let mut listing = NamedListing::default();
    let mut files = Vec::new();
    for (folder, names) in by_folder {
        if !is_walked(root, index_dir.as_deref(), folder) {
            return None;
        }
        let mut metadata = Metadata::new();
        let mut folder_files = Vec::new();
        for name in sharing_ids(&root.join(folder), &names)? {
            let rel = folder.join(&name);
            let rel_path = slash_separated(&rel);
            listing.ids.insert(id_for(&rel_path));
            listing.ids.insert(rel_path.clone());
            listing.paths.insert(rel_path.clone());
            let stat = match std::fs::symlink_metadata(root.join(&rel)) {
                Ok(stat) if stat.is_dir() => return None,
                Ok(stat) => stat,
                Err(error) if error.kind() == ErrorKind::NotFound => continue,
                Err(error) => {
                    listing
                        .skipped
                        .push(Skipped::new(rel_path, walk_problem(&error)));
                    continue;
                }
            };
            let file_type = stat.file_type();
            match list_file(root, Some(&canonical_root), rel, file_type, || Ok(stat)) {
                Listed::Nothing => {}
                // A `metadata.tsv` is never named here (see above), nor shares an ID.
                Listed::Ignored | Listed::Metadata(_) => listing.ignored += 1,
                Listed::Skipped(skipped) => listing.skipped.push(skipped),
                Listed::Document(file) => folder_files.push(file),
            }
        }
        if !folder_files.is_empty() {
            read_metadata_above(root, folder, &mut metadata)?;
            date_by_metadata(&mut folder_files, &metadata);
        }
        files.extend(folder_files);
    }
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    let mut ided = CorpusListing {
        files,
        ignored: 0,
        skipped: std::mem::take(&mut listing.skipped),
    };
    assign_ids(&mut ided);
    listing.files = ided.files;
    listing.skipped = ided.skipped;
    listing.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Some(listing)
}

/// Whether a name is UTF-8 without U+FFFD: shown as it is, so no other name shows the same.
fn is_exact(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|name| !name.contains('\u{FFFD}'))
}

/// Whether the walk of the corpus in `root` goes into `folder` (relative to it): every
/// folder on the way there is a folder (not a link to one) that can be listed, and none is
/// the index folder. (Hidden names were passed over before.)
fn is_walked(root: &Path, index_dir: Option<&Path>, folder: &Path) -> bool {
    let mut path = root.to_path_buf();
    for component in folder.components() {
        path.push(component);
        let is_folder = std::fs::symlink_metadata(&path).is_ok_and(|stat| stat.is_dir());
        if !is_folder
            || std::fs::read_dir(&path).is_err()
            || (index_dir.is_some() && path.canonicalize().ok().as_deref() == index_dir)
        {
            return false;
        }
    }
    true
}

/// The names of `folder` to look at for the files named `names`: those, whether they are
/// there or not, and every document there that shares a possible ID with one of them,
/// directly or through others (the ID rule gives each file its ID by the others that
/// want the same one); `None` if the folder cannot be listed or holds a name that is not
/// exact (see [`is_exact`]).
///
/// A file's possible IDs are its name without extension and its name, both prefixes of
/// its name up to a dot or the end: files that share one share the part of their names
/// before the first dot, so only those are compared.
fn sharing_ids(folder: &Path, names: &BTreeSet<OsString>) -> Option<BTreeSet<OsString>> {
    let first_part = |name: &str| name.split('.').next().unwrap_or_default().to_string();
    let wanted: BTreeSet<String> = names
        .iter()
        .filter_map(|name| name.to_str().map(first_part))
        .collect();
    let mut candidates: Vec<String> = names
        .iter()
        .filter_map(|name| name.to_str().map(str::to_string))
        .collect();
    for entry in std::fs::read_dir(folder).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name();
        if is_hidden(&name)
            || Format::of(Path::new(&name)).is_none()
            || entry.file_type().is_ok_and(|kind| kind.is_dir())
        {
            continue;
        }
        let name = name.to_str().filter(|_| is_exact(&name))?;
        if wanted.contains(&first_part(name)) {
            candidates.push(name.to_string());
        }
    }
    candidates.sort();
    candidates.dedup();
    let ids_of = |name: &str| [id_for(name), name.to_string()];
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, name) in candidates.iter().enumerate() {
        for id in ids_of(name) {
            by_id.entry(id).or_default().push(n);
        }
    }
    let mut taken = vec![false; candidates.len()];
    let mut to_visit: Vec<usize> = (0..candidates.len())
        .filter(|&n| names.contains(std::ffi::OsStr::new(&candidates[n])))
        .collect();
    while let Some(n) = to_visit.pop() {
        if std::mem::replace(&mut taken[n], true) {
            continue;
        }
        for id in ids_of(&candidates[n]) {
            to_visit.extend(by_id.get(&id).into_iter().flatten().filter(|&&m| !taken[m]));
        }
    }
    Some(
        candidates
            .into_iter()
            .zip(taken)
            .filter(|(_, taken)| *taken)
            .map(|(name, _)| OsString::from(name))
            .collect(),
    )
}

/// Reads the `metadata.tsv` of every folder from the corpus in `root` down to `folder`, in
/// that order (as the whole listing does: the nearer one has the last word); `None` if one
/// cannot be read (the whole listing reports it).
fn read_metadata_above(root: &Path, folder: &Path, metadata: &mut Metadata) -> Option<()> {
    let mut above = PathBuf::new();
    let folders = std::iter::once(PathBuf::new()).chain(folder.components().map(|c| {
        above.push(c);
        above.clone()
    }));
    for rel in folders {
        let path = root.join(&rel).join(METADATA_FILE);
        if std::fs::symlink_metadata(&path).is_ok_and(|stat| stat.is_file()) {
            read_metadata(&path, &slash_separated(&rel), metadata).ok()?;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(names: &[&str]) -> BTreeSet<OsString> {
        names.iter().map(OsString::from).collect()
    }

    /// A file as a listing shows it: everything but where to read it.
    fn shown(file: &CorpusFile) -> String {
        format!(
            "{} {} {:?} {} {} {} {} {:?}",
            file.rel_path,
            file.id,
            file.format,
            file.size,
            file.mtime,
            file.date,
            file.dated_by_metadata,
            file.language
        )
    }

    #[test]
    fn each_file_named_is_listed_as_the_whole_listing_lists_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "x").unwrap();
        for folder in ["a/b", ".hidden", "index"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        let files = [
            ("plain.txt", "x"),
            ("notes.md", "xx"),
            ("notes.txt", "xxx"),
            ("notes.txt.md", "xxxx"),
            ("song.mp3", "x"),
            ("a/dated.txt", "x"),
            ("a/b/deep.txt", "x"),
            ("a/b/listed twice.txt", "x"),
            (".hidden/secret.txt", "x"),
            ("index/meta.txt", "x"),
            (
                "metadata.tsv",
                "id\tdate\na/dated\t2001-02-03\na/b/listed twice\t1999\n",
            ),
            (
                "a/b/metadata.tsv",
                "id\tlang\tdate\ndeep\tde\t\nlisted twice\t\t2020\n",
            ),
        ];
        for (rel, text) in files {
            std::fs::write(root.join(rel), text).unwrap();
        }
        std::os::unix::fs::symlink(&outside, root.join("a/out.txt")).unwrap();
        std::os::unix::fs::symlink(root.join("plain.txt"), root.join("a/in.txt")).unwrap();
        std::os::unix::fs::symlink(root.join("nowhere.txt"), root.join("broken.txt")).unwrap();
        let index = root.join("index");
        let whole = crate::corpus::list(&root, &index).unwrap();
        let named = [
            "plain.txt",
            "notes.md",
            "notes.txt",
            "notes.txt.md",
            "song.mp3",
            "a/dated.txt",
            "a/b/deep.txt",
            "a/b/listed twice.txt",
            "a/out.txt",
            "a/in.txt",
            "broken.txt",
            "gone.txt",
        ];
        for rel in named {
            let listed = list_named(&root, &index, &BTreeSet::from([PathBuf::from(rel)])).unwrap();
            assert!(listed.paths.contains(rel), "{rel}");
            for file in &listed.files {
                let in_whole = whole.files.iter().find(|f| f.rel_path == file.rel_path);
                assert_eq!(in_whole.map(shown), Some(shown(file)), "named {rel}");
            }
            let looked_at = |path: &str| listed.paths.contains(path);
            let whole_files: Vec<String> = whole
                .files
                .iter()
                .filter(|f| looked_at(&f.rel_path))
                .map(shown)
                .collect();
            assert_eq!(
                listed.files.iter().map(shown).collect::<Vec<_>>(),
                whole_files
            );
            let whole_skipped: Vec<&str> = whole
                .skipped
                .iter()
                .filter(|s| looked_at(&s.path))
                .map(|s| s.reason.as_str())
                .collect();
            let skipped: Vec<&str> = listed.skipped.iter().map(|s| s.reason.as_str()).collect();
            assert_eq!(skipped, whole_skipped, "named {rel}");
        }
        // `notes.txt` wants `notes`, which `notes.md` has, then `notes.txt`, which
        // `notes.txt.md` has, which falls back to its own path in turn: none is skipped,
        // as in the whole listing.
        let notes = list_named(&root, &index, &BTreeSet::from([PathBuf::from("notes.txt")]));
        let notes = notes.unwrap();
        let ids: Vec<&str> = notes.files.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["notes", "notes.txt", "notes.txt.md"]);
        assert!(notes.skipped.is_empty());
        // What only a walk can tell.
        for rel in [
            "metadata.tsv",
            "a/b",
            ".hidden/../plain.txt",
            "nowhere/x.txt",
        ] {
            let named = BTreeSet::from([PathBuf::from(rel)]);
            assert!(list_named(&root, &index, &named).is_none(), "{rel}");
        }
        // What is no part of the corpus names nothing.
        for rel in [".hidden/secret.txt", "index/meta.txt"] {
            let named = BTreeSet::from([PathBuf::from(rel)]);
            let listed = list_named(&root, &index, &named);
            assert!(listed.is_none_or(|listed| listed.files.is_empty()), "{rel}");
        }
    }

    #[test]
    fn files_that_could_take_each_others_id_are_looked_at_together() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "notes.md",
            "notes.txt",
            "notes.txt.md",
            "notesx.txt",
            "other.txt",
            "song.mp3",
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let looked_at = sharing_ids(dir.path(), &names(&["notes.txt"])).unwrap();
        assert_eq!(looked_at, names(&["notes.md", "notes.txt", "notes.txt.md"]));
        // A file gone is looked at too: the index may hold it.
        let looked_at = sharing_ids(dir.path(), &names(&["gone.txt", "other.txt"])).unwrap();
        assert_eq!(looked_at, names(&["gone.txt", "other.txt"]));
    }
}
