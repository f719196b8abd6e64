//! The index folder as an update finds it: the index opened, created, or cleared and created
//! again, and the temporary files of a killed run removed. Only what tantivy and dossier
//! wrote there is ever removed, never anything else the user put in the folder. The caller
//! holds the update lock.

use std::path::Path;

use super::{fingerprint, skipped};
use crate::error::{Error, Result};
use crate::index::DossierIndex;
use crate::index::side_files::remove_if_present;
use crate::index::{names, vocabulary};

/// Opens the index, or creates it; a broken one is cleared first if `rebuild`, an outdated one
/// always (its version is returned then).
pub(super) fn open_for_update(
    index_dir: &Path,
    rebuild: bool,
) -> Result<(DossierIndex, Option<u32>)> {
    if !DossierIndex::exists(index_dir) {
        return Ok((DossierIndex::create(index_dir)?, None));
    }
    match DossierIndex::open_for_update(index_dir) {
        Ok(index) => Ok((index, None)),
        Err(Error::OutdatedIndex { found, .. }) => {
            remove_index_files(index_dir)?;
            Ok((DossierIndex::create(index_dir)?, Some(found)))
        }
        Err(Error::BrokenIndex { .. }) if rebuild => {
            remove_index_files(index_dir)?;
            Ok((DossierIndex::create(index_dir)?, None))
        }
        Err(error) => Err(error),
    }
}

/// An index is not created in a folder that holds files of the user's (a mistyped
/// `--index ~/Documents`, or `/`): its files would be strewn among them. Hidden files (a
/// `.gitignore`, dossier's lock) and what an earlier index left are no obstacle; a file
/// is no folder at all. Checked before the update lock is taken, so such a folder is left
/// as it was.
pub(super) fn refuse_a_folder_of_other_files(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} is a file, not a folder: give --index a folder for the index",
            dir.display()
        )));
    }
    if DossierIndex::exists(dir) {
        return Ok(());
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let others = entries
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            !name.starts_with('.') && !is_index_file(name) && name != fingerprint::FINGERPRINT_FILE
        })
        .count();
    if others > 0 {
        let files = if others == 1 { "file" } else { "files" };
        return Err(Error::Usage(format!(
            "{} holds {others} {files} of its own and no dossier index: give --index an empty \
             or new folder, where dossier keeps its index files",
            dir.display()
        )));
    }
    Ok(())
}

/// Whether a file of the index folder is one tantivy or dossier writes there.
fn is_index_file(name: &str) -> bool {
    name.ends_with(".idx")
        || name.ends_with(".pos")
        || name.ends_with(".term")
        || name.ends_with(".store")
        || name.ends_with(".fast")
        || name.ends_with(".fieldnorm")
        || name.ends_with(".del")
        || name == "meta.json"
        || name == skipped::FILE_NAME
        || name == vocabulary::file_name()
        || name == names::file_name()
        || name == vocabulary::list_of(vocabulary::file_name())
        || name == vocabulary::list_of(names::file_name())
}

/// Removes what tantivy and dossier wrote in `dir`, and nothing else the user put there.
/// A kill half-way leaves a folder that `update` clears or reuses next time.
fn remove_index_files(dir: &Path) -> Result<()> {
    // meta.json first: without it the folder no longer claims to hold an index. .managed.json
    // last: as long as it lists the segment files, tantivy's garbage collection can remove
    // those a kill left behind.
    remove_if_present(&dir.join("meta.json"))?;
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries.flatten() {
        if is_index_file(&entry.file_name().to_string_lossy()) {
            remove_if_present(&entry.path())?;
        }
    }
    remove_if_present(&dir.join(".managed.json"))
}

/// Removes the temporary files of writes a kill interrupted: tantivy writes meta.json and
/// .managed.json through `.tmp*` files, dossier its own files through `<name>.tmp`.
/// Only the holder of the update lock writes in the index folder, so none is in use.
pub(super) fn remove_stale_temporaries(dir: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        let ours = [
            skipped::FILE_NAME.to_string(),
            vocabulary::file_name().to_string(),
            names::file_name().to_string(),
            vocabulary::list_of(vocabulary::file_name()),
            vocabulary::list_of(names::file_name()),
        ]
        .iter()
        .any(|file| name == format!("{file}.tmp"));
        if is_file && (name.starts_with(".tmp") || ours) {
            remove_if_present(&entry.path())?;
        }
    }
    Ok(())
}
