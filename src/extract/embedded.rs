//! Documents inside documents: the messages of an mbox, the attachments of an e-mail, the
//! files of a ZIP archive, each read as a document of its own.
//!
//! A container's reader lists what it holds as [`Embedded`] items (a name, a format, the
//! bytes); [`read_nested`] reads the file, then each item with the reader of its format, then
//! what those hold, depth first, and returns every document found, each with its path of
//! names under the file ([`Inner::path`], names joined by `//`, see `corpus::ids`).
//!
//! Containers are hostile input. Nothing is read more than [`MAX_NESTING`] containers deep
//! (a deeper one is skipped with [`SkipReason::TooDeep`]); all the items of one file
//! together unpack to at most [`MAX_UNPACKED_BYTES`] and number at most
//! [`MAX_INNER_DOCUMENTS`]. An archive that declares more than what is left of that budget
//! is not unpacked at all (a ZIP bomb), and skipped with [`SkipReason::UnpacksTooLarge`];
//! its siblings are read. An item that unpacks to more than what is left (its archive lied
//! about its size) spends the budget: it is skipped with the same reason, and the rest of
//! the file's items are counted in the file's note, not read. Whatever was read before
//! stays.
//!
//! A file is also read within one time limit, the documents inside it included (a
//! [`FileTime`]: see `worker`): once it has passed, the programs a reader runs are stopped
//! and the items not read yet are skipped with [`SkipReason::FileTimedOut`]; those read
//! before stay, as with the other limits.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use super::{Extracted, Format, ReadSettings, SkipReason};

/// How deep containers in containers are read: a file's own items are at depth 1.
pub const MAX_NESTING: usize = 10;

/// The most that the items of one file may unpack to, all together.
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;

/// The most documents read inside one file.
pub const MAX_INNER_DOCUMENTS: usize = 10_000;

/// A document inside a container, as the container's reader found it: not read yet.
#[derive(Clone, Debug, PartialEq)]
pub struct Embedded {
    /// Its name in the container: an entry's path, an attachment's file name, a message's
    /// number. [`unique_names`] makes the names of one container distinct.
    pub name: String,
    /// Its title, when the container names it (a file name); `None` for a document that
    /// titles itself (a message, by its subject).
    pub title: Option<String>,
    pub format: Format,
    /// Its bytes, or why they were not unpacked.
    pub content: Result<Vec<u8>, SkipReason>,
}

/// A document found inside a file.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Inner {
    /// Its names under the file, outermost first, joined by `//`: `3//report.pdf` is the
    /// attachment `report.pdf` of the file's third message.
    pub path: String,
    pub read: Result<Extracted, SkipReason>,
}

/// The time one file may take to be read, the documents inside it included, and when it
/// runs out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileTime {
    pub limit: Duration,
    pub ends: Instant,
}

impl FileTime {
    /// `limit` from now.
    pub fn starting_now(limit: Duration) -> FileTime {
        FileTime {
            limit,
            ends: Instant::now() + limit,
        }
    }

    /// What is left of it.
    pub fn left(&self) -> Duration {
        self.ends.saturating_duration_since(Instant::now())
    }
}

/// What may still be unpacked of one file.
struct Budget {
    bytes: u64,
    documents: usize,
    /// Items passed over once the budget was spent.
    dropped: usize,
    /// `None` when the file is read without a time limit of its own (plain text, which holds
    /// no documents).
    time: Option<FileTime>,
}

impl Budget {
    fn is_spent(&self) -> bool {
        self.bytes == 0 || self.documents == 0
    }

    /// The file's time limit, if it has passed.
    fn time_out(&self) -> Option<Duration> {
        self.time
            .filter(|time| time.left().is_zero())
            .map(|time| time.limit)
    }
}

/// Reads the file at `path` as `format`, then every document inside it, within the limits
/// and within `time`, if given (the programs the readers run are kept within it by the
/// worker, see `program::BEFORE_START`).
pub fn read_nested(
    format: Format,
    path: &Path,
    bytes: Vec<u8>,
    settings: &ReadSettings,
    time: Option<FileTime>,
) -> Result<(Extracted, Vec<Inner>), SkipReason> {
    let mut budget = Budget {
        bytes: MAX_UNPACKED_BYTES,
        documents: MAX_INNER_DOCUMENTS,
        dropped: 0,
        time,
    };
    let mut top =
        super::read_within(format, path, bytes, budget.bytes, settings).map_err(|reason| {
            match reason {
                // Nothing of the file was read: it is the file that took too long.
                SkipReason::FileTimedOut { limit } => SkipReason::TimedOut { limit },
                reason => reason,
            }
        })?;
    let mut inner = Vec::new();
    let items = std::mem::take(&mut top.embedded);
    unpack(items, "", 1, top.date, settings, &mut budget, &mut inner);
    if budget.dropped > 0 {
        let dropped = format!(
            "{} document{} inside it not read: it unpacks to more than {} MiB or holds more \
             than {MAX_INNER_DOCUMENTS} documents",
            budget.dropped,
            if budget.dropped == 1 { "" } else { "s" },
            MAX_UNPACKED_BYTES / (1024 * 1024),
        );
        top.note = Some(match top.note.take() {
            Some(note) => format!("{note}; {dropped}"),
            None => dropped,
        });
    }
    Ok((top, inner))
}

/// Reads `items`, found `depth` containers deep under the path `prefix`, into `out`, and
/// what they hold after each. An item without a date of its own has its container's,
/// `container_date`.
fn unpack(
    items: Vec<Embedded>,
    prefix: &str,
    depth: usize,
    container_date: Option<i64>,
    settings: &ReadSettings,
    budget: &mut Budget,
    out: &mut Vec<Inner>,
) {
    for item in items {
        if budget.is_spent() {
            budget.dropped += 1;
            continue;
        }
        budget.documents -= 1;
        let path = format!("{prefix}{}", item.name);
        if let Some(limit) = budget.time_out() {
            let read = Err(SkipReason::FileTimedOut { limit });
            out.push(Inner { path, read });
            continue;
        }
        // An item that unpacked to more than the budget spends it; an archive refused for
        // what it declares (`read_item`) unpacked nothing.
        let overdrawn = || {
            Err(SkipReason::UnpacksTooLarge {
                limit_mib: MAX_UNPACKED_BYTES / (1024 * 1024),
            })
        };
        let read = match item.content {
            _ if depth > MAX_NESTING => Err(SkipReason::TooDeep {
                levels: MAX_NESTING,
            }),
            Err(SkipReason::UnpacksTooLarge { .. }) => {
                budget.bytes = 0;
                overdrawn()
            }
            Err(reason) => Err(reason),
            Ok(bytes) if bytes.len() as u64 > budget.bytes => {
                budget.bytes = 0;
                overdrawn()
            }
            Ok(bytes) => {
                budget.bytes -= bytes.len() as u64;
                read_item(item.format, &item.name, bytes, budget.bytes, settings)
            }
        };
        match read {
            Ok(mut extracted) => {
                if let Some(title) = item.title {
                    extracted.title = title;
                }
                extracted.date = extracted.date.or(container_date);
                let date = extracted.date;
                let inside = std::mem::take(&mut extracted.embedded);
                out.push(Inner {
                    path: path.clone(),
                    read: Ok(extracted),
                });
                let prefix = format!("{path}//");
                unpack(inside, &prefix, depth + 1, date, settings, budget, out);
            }
            Err(reason) => out.push(Inner {
                path,
                read: Err(reason),
            }),
        }
    }
}

/// Reads the bytes of an item named `name`. The readers that run a program on a file get a
/// temporary copy; a reader that fails on it costs this item alone.
fn read_item(
    format: Format,
    name: &str,
    bytes: Vec<u8>,
    limit: u64,
    settings: &ReadSettings,
) -> Result<Extracted, SkipReason> {
    let copy = if matches!(format, Format::Pdf | Format::Image | Format::Doc) {
        let extension = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or(format.name());
        let file = tempfile::Builder::new()
            .prefix("dossier-inner-")
            .suffix(&format!(".{extension}"))
            .tempfile()
            .and_then(|mut file| {
                std::io::Write::write_all(&mut file, &bytes)?;
                Ok(file)
            })
            .map_err(|e| {
                SkipReason::SystemFailed(format!("a copy of it could not be made: {e}"))
            })?;
        Some(file)
    } else {
        None
    };
    let path = copy
        .as_ref()
        .map_or_else(|| Path::new(name).to_path_buf(), |f| f.path().to_path_buf());
    std::panic::catch_unwind(move || super::read_within(format, &path, bytes, limit, settings))
        .unwrap_or_else(|_| {
            Err(SkipReason::Damaged {
                format: format.name(),
                detail: "its reader failed on it".to_string(),
            })
        })
}

/// A name for a document inside a container, fit for an ID: slashes where it has
/// backslashes, no empty, `.`, `..` or repeated path segments, never empty (`fallback`
/// then). An ID never holds `..`: one that does looks like a path out of the corpus, which
/// `dossier serve` refuses to look up (a ZIP entry `../notes.txt` is `bundle//notes.txt`).
pub fn clean_name(name: &str, fallback: &str) -> String {
    let cleaned = name
        .replace('\\', "/")
        .split('/')
        .map(str::trim)
        .filter(|segment| !segment.is_empty() && *segment != "." && *segment != "..")
        .collect::<Vec<_>>()
        .join("/");
    if cleaned.is_empty() {
        fallback.to_string()
    } else {
        cleaned
    }
}

/// Makes the names of `items` distinct: the second `notes.txt` becomes `notes.txt~2`.
pub fn unique_names(items: &mut [Embedded]) {
    let mut seen = HashSet::new();
    for item in items {
        if seen.insert(item.name.clone()) {
            continue;
        }
        let name = (2..)
            .map(|n| format!("{}~{n}", item.name))
            .find(|name| !seen.contains(name))
            .unwrap_or_default();
        seen.insert(name.clone());
        item.name = name;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(name: &str) -> Embedded {
        Embedded {
            name: name.to_string(),
            title: None,
            format: Format::Text,
            content: Ok(b"words".to_vec()),
        }
    }

    #[test]
    fn names_are_cleaned_and_made_unique() {
        assert_eq!(clean_name("a//b/./c\\d/", "x"), "a/b/c/d");
        assert_eq!(clean_name("/ /", "attachment-3"), "attachment-3");
        assert_eq!(clean_name("../notes.txt", "x"), "notes.txt");
        assert_eq!(clean_name("a/../../b/..", "x"), "a/b");
        assert_eq!(clean_name("..", "attachment-2"), "attachment-2");
        let mut items = vec![item("n.txt"), item("n.txt"), item("n.txt~2"), item("n.txt")];
        unique_names(&mut items);
        let names: Vec<_> = items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["n.txt", "n.txt~2", "n.txt~2~2", "n.txt~3"]);
    }

    #[test]
    fn items_past_the_depth_are_skipped_and_the_budget_stops_the_rest() {
        let mut budget = Budget {
            bytes: 12,
            documents: 100,
            dropped: 0,
            time: None,
        };
        let mut out = Vec::new();
        let items = vec![item("a.txt"), item("b.txt"), item("c.txt"), item("d.txt")];
        let settings = ReadSettings::default();
        unpack(items, "z//", 1, None, &settings, &mut budget, &mut out);
        let paths: Vec<_> = out.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["z//a.txt", "z//b.txt", "z//c.txt"]);
        assert!(out[0].read.is_ok() && out[1].read.is_ok());
        assert_eq!(
            out[2].read.as_ref().err(),
            Some(&SkipReason::UnpacksTooLarge { limit_mib: 256 })
        );
        assert_eq!(budget.dropped, 1);

        let mut out = Vec::new();
        let mut budget = Budget {
            bytes: 100,
            documents: 100,
            dropped: 0,
            time: None,
        };
        let deep = vec![item("deep.txt")];
        unpack(
            deep,
            "",
            MAX_NESTING + 1,
            None,
            &settings,
            &mut budget,
            &mut out,
        );
        assert_eq!(
            out[0].read.as_ref().err(),
            Some(&SkipReason::TooDeep {
                levels: MAX_NESTING
            })
        );
    }

    #[test]
    fn past_the_files_time_the_items_left_are_skipped_and_counted() {
        let limit = Duration::from_millis(5);
        let mut budget = Budget {
            bytes: 100,
            documents: 3,
            dropped: 0,
            time: Some(FileTime {
                limit,
                ends: Instant::now(),
            }),
        };
        let mut out = Vec::new();
        let items = vec![item("a.txt"), item("b.txt"), item("c.txt"), item("d.txt")];
        let settings = ReadSettings::default();
        unpack(items, "", 1, None, &settings, &mut budget, &mut out);
        let paths: Vec<_> = out.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["a.txt", "b.txt", "c.txt"]);
        for inner in &out {
            assert_eq!(
                inner.read.as_ref().err(),
                Some(&SkipReason::FileTimedOut { limit })
            );
        }
        assert_eq!(budget.dropped, 1, "past the most documents of a file");
        assert_eq!(budget.bytes, 100, "nothing unpacked");
    }
}
