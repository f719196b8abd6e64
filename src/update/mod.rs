//! Bringing the index up to date with the corpus: adding new files, replacing changed ones,
//! removing deleted ones.
//!
//! Work is published by atomic commits: one at the end, and one at least every minute of a
//! long run, so a crash or a kill loses at most that minute. Each document carries the size,
//! time and hash of its file, so the next run sees what the last commit holds and reads only
//! the rest. Only one process updates an index at a time (see `lock`).
//!
//! A file whose size and modification time match what the index holds is not read again.
//! When only the time differs, the file is read and hashed, and counted as unchanged if its
//! content is. Files that cannot be indexed are remembered with their size and time in
//! `skipped.json` inside the index folder, so the next run reports them without reading
//! them again and a search does not mistake them for new files.

pub mod fingerprint;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::{IndexWriter, TantivyDocument, Term};

use crate::corpus::{self, CorpusFile, CorpusListing, Skipped};
use crate::error::{Error, Result};
use crate::extract::{self, MAX_FILE_BYTES};
use crate::index::checkpoints::encode_checkpoints;
use crate::index::dossier_index::CommitPayload;
use crate::index::lock::UpdateLock;
use crate::index::schema::{Fields, SCHEMA_VERSION};
use crate::index::side_files::{remove_if_present, write_atomically};
use crate::index::stored::LONG_TEXT_BYTES;
use crate::index::vocabulary;
use crate::index::{DossierIndex, StoredState};
use fingerprint::Fingerprint;

const SKIPPED_FILE: &str = "skipped.json";

/// Files are read and decoded in parallel, this many at a time, then handed to the writer.
const READ_BATCH: usize = 256;

/// A long run commits this often, so a crash loses at most this much work. A commit costs
/// a flush of the writer's buffers and a merge now and then, so not much more often.
const COMMIT_EVERY: Duration = Duration::from_secs(60);

/// A run also commits after handing the writer this much text, which bounds its memory
/// (tantivy queues documents without a bound on their size). Not less: each commit leaves
/// a segment per indexing thread, and every search pays for every segment (opening it,
/// looking its dictionary up); at 64 MiB the 200 MB corpus was 6 segments, at this 2.
const COMMIT_EVERY_TEXT_BYTES: usize = 192 * 1024 * 1024;

/// How an update runs.
#[derive(Clone, Debug)]
pub struct UpdateOptions {
    /// Read every file again and replace every document. A rebuild commits in batches like
    /// any long run: if it is killed, the index holds the documents re-read so far and the
    /// next run adds the others.
    pub rebuild: bool,
    /// The longest time between two commits.
    pub commit_every: Duration,
    /// Also commit after this many changed documents: crash tests use it to get many commits
    /// out of a small corpus.
    pub commit_every_docs: Option<usize>,
}

impl Default for UpdateOptions {
    fn default() -> UpdateOptions {
        UpdateOptions {
            rebuild: false,
            commit_every: COMMIT_EVERY,
            commit_every_docs: None,
        }
    }
}

/// Memory for tantivy's indexing threads, per thread.
const WRITER_MEMORY_PER_THREAD: usize = 96 * 1024 * 1024;

/// What an indexing run did.
#[derive(Debug, Default, Serialize)]
pub struct IndexSummary {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Files that are not documents (other extensions).
    pub ignored: usize,
    /// Document files that could not be indexed, with the reason.
    pub skipped: Vec<Skipped>,
    /// Documents indexed with something to know (a detected encoding, replaced bytes).
    pub notes: Vec<Note>,
    /// The schema version of an index written by an older dossier, rebuilt by this run.
    pub rebuilt_outdated: Option<u32>,
    pub elapsed: Duration,
    /// The corpus fingerprint recorded with the run, taken before it read anything.
    pub fingerprint: u64,
}

/// A document indexed, and what to know about how its text was read.
#[derive(Debug, Serialize)]
pub struct Note {
    pub path: String,
    pub note: String,
}

impl IndexSummary {
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.removed > 0
    }
}

/// What must be done to bring the index up to date.
#[derive(Debug, Default)]
pub struct Changes {
    /// Files to read: new, or possibly changed.
    pub to_read: Vec<CorpusFile>,
    /// IDs in the index whose file is gone.
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// Files skipped before and not changed since.
    pub still_skipped: Vec<Skipped>,
    /// What the index holds of the files to read that it holds, by ID.
    pub previous: HashMap<String, StoredState>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.to_read.is_empty() && self.removed.is_empty()
    }
}

/// Reports the progress of a long run; the CLI draws it, tests ignore it.
pub trait Progress: Sync {
    fn begin(&self, _total: u64) {}
    fn advance(&self, _done: u64) {}
    fn finish(&self) {}
}

impl Progress for () {}

/// A file remembered as not indexable, with the state it had then.
#[derive(Serialize, Deserialize)]
struct SkippedRecord {
    path: String,
    size: u64,
    mtime: i64,
    reason: String,
}

/// Compares the corpus with the index, reading no file.
pub fn plan(index: &DossierIndex, listing: &CorpusListing) -> Result<Changes> {
    let mut stored = index.stored_states()?;
    let remembered: HashMap<String, SkippedRecord> = read_skipped(&index.dir)
        .into_iter()
        .map(|record| (record.path.clone(), record))
        .collect();
    let mut changes = Changes::default();
    for file in &listing.files {
        match stored.remove(&file.id) {
            Some(state)
                if state.size == file.size
                    && state.mtime == file.mtime
                    && state.date == file.date =>
            {
                changes.unchanged += 1
            }
            Some(state) => {
                changes.previous.insert(file.id.clone(), state);
                changes.to_read.push(file.clone());
            }
            None => match remembered.get(&file.rel_path) {
                Some(record) if record.size == file.size && record.mtime == file.mtime => {
                    changes.still_skipped.push(Skipped {
                        path: record.path.clone(),
                        reason: record.reason.clone(),
                    })
                }
                _ => changes.to_read.push(file.clone()),
            },
        }
    }
    changes.removed = stored.into_keys().collect();
    changes.removed.sort();
    Ok(changes)
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
    let listing = corpus::list(corpus_dir, &index.dir, &taken.into_stats())?;
    let changes = plan(index, &listing)?;
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

/// Brings the index in `index_dir` up to date with `corpus_dir`, creating it if needed.
/// With `rebuild`, every file is read again and every document replaced.
pub fn update(
    corpus_dir: &Path,
    index_dir: &Path,
    rebuild: bool,
    progress: &dyn Progress,
) -> Result<IndexSummary> {
    let options = UpdateOptions {
        rebuild,
        ..UpdateOptions::default()
    };
    update_with(corpus_dir, index_dir, &options, progress)
}

/// [`update`] with every option. Fails at once with [`Error::IndexBusy`] if another process
/// is updating the same index.
pub fn update_with(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &UpdateOptions,
    progress: &dyn Progress,
) -> Result<IndexSummary> {
    let started = Instant::now();
    let _lock = UpdateLock::acquire(index_dir)?;
    remove_stale_temporaries(index_dir)?;
    // Taken before anything is read, so a file changed during the run makes it stale.
    let taken = Fingerprint::take(corpus_dir, index_dir)?;
    let fingerprint = taken.value;
    let listing = corpus::list(corpus_dir, index_dir, &taken.into_stats())?;
    let (index, rebuilt_outdated) = open_for_update(index_dir, options.rebuild)?;
    let rebuild = options.rebuild || rebuilt_outdated.is_some();
    let mut writer = writer(&index)?;
    fingerprint::forget(index_dir)?;
    let mut changes = if rebuild {
        writer.delete_all_documents().map_err(|e| index.error(e))?;
        Changes {
            to_read: listing.files.clone(),
            ..Changes::default()
        }
    } else {
        plan(&index, &listing)?
    };

    let mut summary = IndexSummary {
        unchanged: changes.unchanged,
        ignored: listing.ignored,
        skipped: listing.skipped.clone(),
        rebuilt_outdated,
        ..IndexSummary::default()
    };
    summary.skipped.append(&mut changes.still_skipped);
    let mut skipped_records: Vec<SkippedRecord> = summary
        .skipped
        .iter()
        .filter_map(|skipped| {
            let file = listing.files.iter().find(|f| f.rel_path == skipped.path)?;
            Some(SkippedRecord {
                path: skipped.path.clone(),
                size: file.size,
                mtime: file.mtime,
                reason: skipped.reason.clone(),
            })
        })
        .collect();

    let mut pending = PendingCommit::new(options);
    for id in &changes.removed {
        writer.delete_term(Term::from_field_text(index.fields.id, id));
        summary.removed += 1;
        pending.changed += 1;
    }

    progress.begin(changes.to_read.len() as u64);
    for batch in changes.to_read.chunks(READ_BATCH) {
        let read: Vec<_> = batch.par_iter().map(read_document).collect();
        for (file, outcome) in batch.iter().zip(read) {
            let previous = changes.previous.get(&file.id);
            match outcome {
                Ok(document) => {
                    if let Some(note) = &document.extracted.note {
                        summary.notes.push(Note {
                            path: file.rel_path.clone(),
                            note: note.clone(),
                        });
                    }
                    if previous.is_some() {
                        writer.delete_term(Term::from_field_text(index.fields.id, &file.id));
                    }
                    // Same content under a new time or date is re-added, but counted as
                    // unchanged: the user's text did not change.
                    match previous {
                        Some(state) if state.hash == document.state.hash => summary.unchanged += 1,
                        Some(_) => summary.updated += 1,
                        None => summary.added += 1,
                    }
                    pending.text_bytes += document.extracted.text.len();
                    writer
                        .add_document(to_tantivy(&index.fields, file, &document))
                        .map_err(|e| index.error(e))?;
                }
                Err(reason) => {
                    if previous.is_some() {
                        writer.delete_term(Term::from_field_text(index.fields.id, &file.id));
                        summary.removed += 1;
                    }
                    skipped_records.push(SkippedRecord {
                        path: file.rel_path.clone(),
                        size: file.size,
                        mtime: file.mtime,
                        reason: reason.clone(),
                    });
                    summary.skipped.push(Skipped {
                        path: file.rel_path.clone(),
                        reason,
                    });
                }
            }
            pending.changed += 1;
            if pending.due() {
                commit(&index, &mut writer)?;
                pending = PendingCommit::new(options);
            }
        }
        progress.advance(batch.len() as u64);
    }
    progress.finish();
    commit(&index, &mut writer)?;
    writer.wait_merging_threads().map_err(|e| index.error(e))?;
    vocabulary::write(
        &index.dir,
        &index.reader()?.searcher(),
        index.fields.body_exact,
    )?;
    write_skipped(&index.dir, &skipped_records)?;
    fingerprint::record(&index.dir, fingerprint)?;
    summary.fingerprint = fingerprint;
    summary.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Counts what the writer holds that no commit has published yet.
struct PendingCommit<'a> {
    options: &'a UpdateOptions,
    since: Instant,
    changed: usize,
    /// Bytes of text handed to the writer: tantivy queues documents without a bound on
    /// their size, and a commit is what waits for the queue to drain.
    text_bytes: usize,
}

impl<'a> PendingCommit<'a> {
    fn new(options: &'a UpdateOptions) -> PendingCommit<'a> {
        PendingCommit {
            options,
            since: Instant::now(),
            changed: 0,
            text_bytes: 0,
        }
    }

    fn due(&self) -> bool {
        self.since.elapsed() >= self.options.commit_every
            || self.text_bytes >= COMMIT_EVERY_TEXT_BYTES
            || self
                .options
                .commit_every_docs
                .is_some_and(|every| self.changed >= every.max(1))
    }
}

/// Opens the index, or creates it; a broken one is cleared first if `rebuild`, an outdated one
/// always (its version is returned then). The caller holds the update lock.
fn open_for_update(index_dir: &Path, rebuild: bool) -> Result<(DossierIndex, Option<u32>)> {
    if !DossierIndex::exists(index_dir) {
        return Ok((DossierIndex::create(index_dir)?, None));
    }
    match DossierIndex::open(index_dir) {
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

/// Removes what tantivy and dossier wrote in `dir`, and nothing else the user put there.
/// A kill half-way leaves a folder that `update` clears or reuses next time.
fn remove_index_files(dir: &Path) -> Result<()> {
    // meta.json first: without it the folder no longer claims to hold an index. .managed.json
    // last: as long as it lists the segment files, tantivy's garbage collection can remove
    // those a kill left behind.
    remove_if_present(&dir.join("meta.json"))?;
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name.ends_with(".idx")
            || name.ends_with(".pos")
            || name.ends_with(".term")
            || name.ends_with(".store")
            || name.ends_with(".fast")
            || name.ends_with(".fieldnorm")
            || name.ends_with(".del")
            || name == SKIPPED_FILE
            || name == vocabulary::file_name();
        if ours {
            remove_if_present(&entry.path())?;
        }
    }
    remove_if_present(&dir.join(".managed.json"))
}

/// Removes the temporary files of writes a kill interrupted: tantivy writes meta.json and
/// .managed.json through `.tmp*` files, dossier its own files through `<name>.tmp`.
/// Only the holder of the update lock writes in the index folder, so none is in use.
fn remove_stale_temporaries(dir: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        let ours = [SKIPPED_FILE, vocabulary::file_name()]
            .iter()
            .any(|file| name == format!("{file}.tmp"));
        if is_file && (name.starts_with(".tmp") || ours) {
            remove_if_present(&entry.path())?;
        }
    }
    Ok(())
}

fn writer(index: &DossierIndex) -> Result<IndexWriter> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    index
        .index
        .writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)
        .map_err(|e| index.error(e))
}

fn commit(index: &DossierIndex, writer: &mut IndexWriter) -> Result<()> {
    let payload = serde_json::to_string(&CommitPayload {
        dossier_schema: SCHEMA_VERSION,
    })
    .unwrap_or_default();
    let mut prepared = writer.prepare_commit().map_err(|e| index.error(e))?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(|e| index.error(e))?;
    Ok(())
}

/// A file read and decoded, with the state the index will remember.
struct ReadDocument {
    extracted: extract::Extracted,
    state: StoredState,
}

fn read_document(file: &CorpusFile) -> std::result::Result<ReadDocument, String> {
    if file.size > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(file.size as usize + 1);
    // Read no more than the limit even if the file grew since the walk.
    std::fs::File::open(&file.path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "it vanished after the corpus was listed (deleted or moved during indexing)"
                    .to_string()
            }
            _ => e.to_string(),
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let state = StoredState {
        size: bytes.len() as u64,
        mtime: file.mtime,
        hash: xxhash_rust::xxh3::xxh3_64(&bytes),
        date: file.date,
    };
    let extracted = extract::extract(bytes)?;
    Ok(ReadDocument { extracted, state })
}

fn too_large() -> String {
    format!(
        "larger than {} MiB; split it to index it",
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

fn to_tantivy(fields: &Fields, file: &CorpusFile, document: &ReadDocument) -> TantivyDocument {
    let text = &document.extracted.text;
    let title = &document.extracted.title;
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &file.id);
    doc.add_text(fields.path, &file.rel_path);
    doc.add_text(fields.title, title);
    doc.add_text(fields.title_exact, title);
    doc.add_text(fields.body_exact, text);
    // A file whose name is not UTF-8 cannot be opened again by its stored path: its text is
    // kept whatever its length.
    if text.len() < LONG_TEXT_BYTES || !file.path_is_exact {
        doc.add_text(fields.text, text);
    } else {
        doc.add_bytes(fields.checkpoints, &encode_checkpoints(text));
    }
    if let Some(encoding) = document.extracted.encoding {
        doc.add_text(fields.encoding, encoding.name());
    }
    doc.add_u64(fields.size, document.state.size);
    doc.add_i64(fields.mtime, document.state.mtime);
    doc.add_u64(fields.hash, document.state.hash);
    doc.add_date(
        fields.date,
        tantivy::DateTime::from_timestamp_secs(document.state.date),
    );
    doc
}

fn skipped_path(index_dir: &Path) -> PathBuf {
    index_dir.join(SKIPPED_FILE)
}

fn read_skipped(index_dir: &Path) -> Vec<SkippedRecord> {
    std::fs::read(skipped_path(index_dir))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Written to a temporary file, synced and renamed, so a crash leaves the old list or the new
/// one. The list is a cache: a file missing from it (after a kill before the end of a run) is
/// only read again.
fn write_skipped(index_dir: &Path, records: &[SkippedRecord]) -> Result<()> {
    let json = serde_json::to_vec_pretty(records).unwrap_or_default();
    write_atomically(&skipped_path(index_dir), &json)
}
