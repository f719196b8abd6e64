//! ZIP archives, read with `zip`: each file in it that dossier reads is a document of its
//! own (see [`super::embedded`]), named by its path in the archive; the archive's own text
//! is the list of the paths it holds, one a line, so that a search finds a file by its name
//! even where its format is not read.
//!
//! An archive whose readable files declare more than it may unpack (`limit`) is not unpacked
//! at all; a file that unpacks to more than it declared is cut at the limit and skipped.

use std::io::Read;
use std::path::Path;

use zip::result::ZipError;

use super::embedded::MAX_UNPACKED_BYTES;
use super::embedded::{Embedded, clean_name, unique_names};
use super::office::Archive;
use super::{Extracted, Format, SkipReason};

/// The list of what the archive at `bytes` holds, and the files it holds that dossier
/// reads, unpacking at most `limit` bytes.
pub fn read(bytes: &[u8], limit: u64) -> Result<Extracted, SkipReason> {
    let mut archive = Archive::open(bytes, "ZIP", limit)?;
    let mut listed = Vec::new();
    let mut readable = Vec::new();
    let mut declared = 0u64;
    for index in 0..archive.zip.len() {
        let Ok(entry) = archive.zip.by_index_raw(index) else {
            continue;
        };
        if entry.is_dir() {
            continue;
        }
        let name = clean_name(
            &entry
                .name()
                .map(|name| name.into_owned())
                .unwrap_or_default(),
            &format!("entry-{}", index + 1),
        );
        if let Some(format) = Format::of(Path::new(&name)) {
            declared = declared.saturating_add(entry.size());
            readable.push((index, name.clone(), format));
        }
        listed.push(name);
    }
    if declared > limit {
        return Err(SkipReason::UnpacksTooLarge {
            limit_mib: MAX_UNPACKED_BYTES / (1024 * 1024),
        });
    }

    let mut budget = limit;
    let mut items = Vec::new();
    for (index, name, format) in readable {
        let content = unpack(&mut archive, index, budget);
        if let Ok(bytes) = &content {
            budget -= bytes.len() as u64;
        }
        let stop = matches!(content, Err(SkipReason::UnpacksTooLarge { .. }));
        let title = name.rsplit('/').next().map(str::to_string);
        items.push(Embedded {
            name,
            title,
            format,
            content,
        });
        if stop {
            break;
        }
    }
    unique_names(&mut items);
    let mut extracted = Extracted::new(Format::Archive);
    extracted.text = listed.join("\n");
    if extracted.text.is_empty() {
        return Err(SkipReason::NoText);
    }
    extracted.note = (listed.len() > items.len()).then(|| {
        format!(
            "{} of its {} files are read (the others are of formats dossier does not read)",
            items.len(),
            listed.len()
        )
    });
    extracted.embedded = items;
    Ok(extracted)
}

/// The bytes of entry `index`, at most `budget` of them.
fn unpack(archive: &mut Archive, index: usize, budget: u64) -> Result<Vec<u8>, SkipReason> {
    let damaged = |detail: String| SkipReason::Damaged {
        format: "ZIP",
        detail,
    };
    let mut file = match archive.zip.by_index(index) {
        Ok(file) => file,
        Err(ZipError::UnsupportedArchive(message)) if message == ZipError::PASSWORD_REQUIRED => {
            return Err(SkipReason::Encrypted);
        }
        Err(error) => return Err(damaged(error.to_string())),
    };
    let mut data = Vec::with_capacity(file.size().min(budget) as usize);
    (&mut file)
        .take(budget + 1)
        .read_to_end(&mut data)
        .map_err(|error| damaged(error.to_string()))?;
    if data.len() as u64 > budget {
        return Err(SkipReason::UnpacksTooLarge {
            limit_mib: MAX_UNPACKED_BYTES / (1024 * 1024),
        });
    }
    Ok(data)
}
