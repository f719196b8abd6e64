//! Bringing the index up to date with the corpus: adding new files, replacing changed ones,
//! removing deleted ones.
//!
//! This folder owns the writing side of the index: the change plan (`plan`), reading a file
//! into a document (`document`), when to commit (`commits`), the files that could not be
//! indexed (`skipped`), the index folder's housekeeping (`index_folder`) and the corpus
//! fingerprint (`fingerprint`). It must not touch the corpus, which it only reads; it writes
//! in the index folder only under the update lock (see `index::lock`), and only what it
//! owns there. What a document is comes from `corpus`, how its bytes become text from
//! `extract`, the schema and stored texts from `index`; it prints nothing, and reports what
//! it did as an [`IndexSummary`] and through [`Progress`].
//!
//! Work is published by atomic commits: one at the end, and one at least every minute of a
//! long run, so a crash or a kill loses at most that minute. Each document carries the size,
//! time and hash of its file, so the next run sees what the last commit holds and reads only
//! the rest. Only one process updates an index at a time.
//!
//! A file whose size and modification time match what the index holds is not read again.
//! When only the time differs, the file is read and hashed, and counted as unchanged if its
//! content is. Files that cannot be indexed are remembered with their size and time in
//! `skipped.json` inside the index folder, so the next run reports them without reading
//! them again and a search does not mistake them for new files; those whose reason may be
//! the machine's are read again (see `skipped`). A file indexed before that cannot be read
//! again loses its documents, whose text is no longer the file's, unless its bytes are
//! those indexed: then its documents stay as they are.

mod commits;
mod document;
pub mod fingerprint;
mod index_folder;
mod plan;
mod skipped;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tantivy::Term;

use crate::corpus::ids::{self, INNER_SEPARATOR};
use crate::corpus::{self, CorpusFile, CorpusListing, Skipped};
use crate::error::{Error, Result};
use crate::extract::ReadSettings;
use crate::extract::worker::{Limits, Workers};
use crate::index::lock::UpdateLock;
use crate::index::{DossierIndex, names, vocabulary};
use commits::{COMMIT_EVERY, PendingCommit, commit, writer};
use document::{read_document, to_tantivy_all};
use fingerprint::Fingerprint;
use index_folder::{open_for_update, refuse_a_folder_of_other_files, remove_stale_temporaries};
use plan::Outcome;
pub use plan::{Changes, CorpusCheck, pending_changes, plan};
use skipped::SkippedRecord;

/// What the reason of a file that could not be read again says when the text indexed from
/// the same bytes before is kept.
const KEPT: &str = "; the text indexed before from the same bytes is kept";

/// Files are read and decoded in parallel, this many at a time, then handed to the writer.
const READ_BATCH: usize = 256;

/// A batch also ends once its files hold this many bytes, so that it holds at most that
/// much and one file more: the texts of a batch are all held at once.
const READ_BATCH_BYTES: u64 = 64 * 1024 * 1024;

/// The files an update reads, in path order, in batches of at most [`READ_BATCH`] files and
/// [`READ_BATCH_BYTES`] bytes; those read are let go, and the list's own memory with them
/// as it halves: the list is the one thing an update holds for every file of the corpus
/// while the writer fills its budget.
struct FilesToRead {
    /// Reversed: the next file is the last.
    reversed: Vec<CorpusFile>,
}

impl FilesToRead {
    fn new(mut files: Vec<CorpusFile>) -> FilesToRead {
        files.reverse();
        FilesToRead { reversed: files }
    }

    fn next_batch(&mut self) -> Option<Vec<CorpusFile>> {
        if self.reversed.is_empty() {
            return None;
        }
        let mut bytes = 0;
        let taken = self
            .reversed
            .iter()
            .rev()
            .take(READ_BATCH)
            .take_while(|file| {
                let room = bytes < READ_BATCH_BYTES;
                bytes += file.size;
                room
            })
            .count();
        let mut batch = self.reversed.split_off(self.reversed.len() - taken);
        batch.reverse();
        if self.reversed.capacity() > 2 * self.reversed.len() {
            self.reversed.shrink_to_fit();
        }
        Some(batch)
    }
}

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
    /// Read again the files skipped before (and the containers of documents skipped before),
    /// changed or not: after installing a missing program, say.
    pub retry_skipped: bool,
    /// How files are read (the OCR languages).
    pub read: ReadSettings,
}

impl Default for UpdateOptions {
    fn default() -> UpdateOptions {
        UpdateOptions {
            rebuild: false,
            commit_every: COMMIT_EVERY,
            commit_every_docs: None,
            retry_skipped: false,
            read: ReadSettings::default(),
        }
    }
}

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
    /// The corpus fingerprint recorded with the run, taken before it read anything (or,
    /// when it looked at named files only, the value that stands for it).
    pub fingerprint: u64,
    /// The paths an update of named files looked at, `/`-separated and relative to the
    /// corpus (its `skipped` tells of these alone); `None` when it walked the whole corpus.
    #[serde(skip)]
    pub looked_at: Option<Vec<String>>,
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

/// Reports the progress of a long run; the CLI draws it, tests ignore it.
pub trait Progress: Sync {
    fn begin(&self, _total: u64) {}
    fn advance(&self, _done: u64) {}
    fn finish(&self) {}
}

impl Progress for () {}

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

/// [`update`] with every option. Fails at once with
/// [`Error::IndexBusy`](crate::Error::IndexBusy) if another process is updating the same
/// index.
pub fn update_with(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &UpdateOptions,
    progress: &dyn Progress,
) -> Result<IndexSummary> {
    let started = Instant::now();
    // Before the index folder is made: a mistyped --corpus leaves nothing behind.
    if let Err(e) = std::fs::read_dir(corpus_dir) {
        return Err(Error::Corpus {
            path: corpus_dir.to_path_buf(),
            reason: e.to_string(),
        });
    }
    refuse_a_folder_of_other_files(index_dir)?;
    let _lock = UpdateLock::acquire(index_dir)?;
    update_whole(corpus_dir, index_dir, options, progress, started)
}

/// [`update_with`], the update lock held: walks the whole corpus.
fn update_whole(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &UpdateOptions,
    progress: &dyn Progress,
    started: Instant,
) -> Result<IndexSummary> {
    remove_stale_temporaries(index_dir)?;
    // Taken before anything is read, so a file changed during the run makes it stale.
    let taken = Fingerprint::take(corpus_dir, index_dir)?;
    let listing = corpus::list(corpus_dir, index_dir)?;
    let (index, rebuilt_outdated) = open_for_update(index_dir, options.rebuild)?;
    let rebuild = options.rebuild || rebuilt_outdated.is_some();
    let writer = writer(&index)?;
    fingerprint::forget(index_dir)?;
    // The listing's files are moved into the plan: no second copy of them is held while the
    // writer fills its budget.
    let CorpusListing {
        files,
        ignored,
        skipped: not_walked,
    } = listing;
    let no_files = files.is_empty();
    let changes = if rebuild {
        writer.delete_all_documents().map_err(|e| index.error(e))?;
        Changes {
            to_read: files,
            ..Changes::default()
        }
    } else {
        plan::plan_with(&index, files, options.retry_skipped)?
    };
    if no_files && !changes.removed.is_empty() {
        return Err(corpus_gone(
            corpus_dir,
            index_dir,
            changes.removed.len(),
            &not_walked,
        ));
    }
    let summary = IndexSummary {
        unchanged: changes.unchanged,
        ignored,
        skipped: not_walked,
        rebuilt_outdated,
        fingerprint: taken.value,
        ..IndexSummary::default()
    };
    apply(
        (&index, corpus_dir),
        writer,
        changes,
        summary,
        Vec::new(),
        options,
        progress,
        started,
    )
}

/// A corpus folder in which nothing can be listed, whose index holds `indexed` documents:
/// a drive not mounted (its mount point is an empty folder), a folder made unreadable, a
/// mistyped `--corpus`. Not taken as every file deleted, which would empty an index that
/// may have taken hours to build; emptying it is asked for with `--rebuild`.
fn corpus_gone(
    corpus_dir: &Path,
    index_dir: &Path,
    indexed: usize,
    not_walked: &[Skipped],
) -> Error {
    let kept = format!("the index at {} is left as it was", index_dir.display());
    match not_walked.first() {
        Some(unreadable) => Error::Corpus {
            path: corpus_dir.to_path_buf(),
            reason: format!("{}: {}; {kept}", unreadable.path, unreadable.reason),
        },
        None => Error::Usage(format!(
            "the corpus folder {} holds no documents, but its index holds {indexed}: is a drive \
             not mounted, or is it the wrong folder? {kept}; to empty it, run `dossier index \
             --rebuild`",
            corpus_dir.display(),
        )),
    }
}

/// Brings the index in `index_dir` up to date with the files at `named` (paths relative
/// to `corpus_dir` that changed: added, written, removed or renamed) and with nothing else,
/// walking no more of the corpus than their folders' listings: what the watcher runs when
/// its events name the files that changed. The index is left as [`update_with`] would
/// leave it if nothing else changed. When the named paths cannot be listed on their own
/// (see [`corpus::named`]), when there is no index yet or it needs a rebuild, or when the
/// last update did not complete (no fingerprint recorded), the whole corpus is walked
/// instead.
///
/// The fingerprint recorded is not the corpus's, which it does not walk, but a new value
/// no corpus has (see [`fingerprint::of_named_update`]).
pub fn update_named(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &UpdateOptions,
    named: &BTreeSet<PathBuf>,
) -> Result<IndexSummary> {
    let started = Instant::now();
    let _lock = UpdateLock::acquire(index_dir)?;
    let index = match DossierIndex::open_for_update(index_dir) {
        Ok(index) if !options.rebuild && !options.retry_skipped => index,
        _ => return update_whole(corpus_dir, index_dir, options, &(), started),
    };
    // No fingerprint: the last update did not complete (killed, or failed), and the index
    // may hold part of the corpus only, which the named files would not make whole.
    let recorded = fingerprint::recorded(index_dir);
    let listed = recorded.and_then(|_| corpus::list_named(corpus_dir, index_dir, named));
    let Some(mut listed) = listed else {
        drop(index);
        return update_whole(corpus_dir, index_dir, options, &(), started);
    };
    remove_stale_temporaries(index_dir)?;
    let writer = writer(&index)?;
    fingerprint::forget(index_dir)?;
    // What is remembered as skipped elsewhere stays as it is.
    let (remembered, kept): (Vec<SkippedRecord>, Vec<SkippedRecord>) = skipped::read(index_dir)
        .into_iter()
        .partition(|record| listed.paths.contains(ids::file_of(&record.path)));
    let files = std::mem::take(&mut listed.files);
    let changes = plan::plan_named(&index, &listed, files, remembered)?;
    let summary = IndexSummary {
        unchanged: changes.unchanged,
        ignored: listed.ignored,
        skipped: listed.skipped,
        fingerprint: fingerprint::of_named_update(recorded, &listed.paths),
        looked_at: Some(listed.paths.into_iter().collect()),
        ..IndexSummary::default()
    };
    apply(
        (&index, corpus_dir),
        writer,
        changes,
        summary,
        kept,
        options,
        &(),
        started,
    )
}

/// Carries out `changes` (of the corpus at `corpus_dir`) with `writer`, commits, and writes what goes with a commit: the
/// common words and names, the files skipped (`kept` and those of this run) and the
/// fingerprint in `summary`, last.
#[allow(clippy::too_many_arguments)]
fn apply(
    (index, corpus_dir): (&DossierIndex, &Path),
    mut writer: tantivy::IndexWriter,
    mut changes: Changes,
    mut summary: IndexSummary,
    kept: Vec<SkippedRecord>,
    options: &UpdateOptions,
    progress: &dyn Progress,
    started: Instant,
) -> Result<IndexSummary> {
    // Skipped before and unchanged since (or inside a file unchanged since): remembered again
    // as they were.
    let mut skipped_records = std::mem::take(&mut changes.still_skipped);
    summary
        .skipped
        .extend(skipped_records.iter().map(SkippedRecord::skipped));
    skipped_records.extend(kept);

    let mut pending = PendingCommit::new(options);
    // Documents handed to the writer: what the run may rewrite again as it ends.
    let mut written: u64 = 0;
    for id in &changes.removed {
        writer.delete_term(Term::from_field_text(index.fields.id, id));
        if !id.contains(INNER_SEPARATOR) {
            summary.removed += 1;
        }
        pending.changed += 1;
    }

    progress.begin(changes.to_read.len() as u64);
    let mut to_read = FilesToRead::new(std::mem::take(&mut changes.to_read));
    let workers = Workers::new(Limits::from_env());
    while let Some(batch) = to_read.next_batch() {
        let read: Vec<_> = batch
            .par_iter()
            .map(|file| read_document(corpus_dir, file, &options.read, &workers))
            .collect();
        for (file, outcome) in batch.iter().zip(read) {
            let previous = changes.previous.get(&file.id);
            let retried = changes.retried.contains(&file.rel_path);
            // What the index holds of the file goes once the file is read, or could not be
            // read from other bytes (the old text is no longer the file's). Bytes the same as
            // those indexed, that could not be read again, leave their text in place.
            let same_bytes = match (&outcome, previous) {
                (Err(not_read), Some(state)) => not_read.hash == Some(state.hash),
                _ => false,
            };
            if previous.is_some() && !same_bytes {
                writer.delete_term(Term::from_field_text(index.fields.id, &file.id));
                for id in changes.previous_inner.get(&file.id).into_iter().flatten() {
                    writer.delete_term(Term::from_field_text(index.fields.id, id));
                }
            }
            match outcome {
                Ok(document) => {
                    if let Some(note) = &document.extracted.note {
                        summary.notes.push(Note {
                            path: file.rel_path.clone(),
                            note: note.clone(),
                        });
                    }
                    match Outcome::of(previous, document.state.hash) {
                        Outcome::Unchanged => summary.unchanged += 1,
                        Outcome::Updated => summary.updated += 1,
                        Outcome::Added => summary.added += 1,
                    }
                    for inner in &document.inner {
                        let path = format!("{}{INNER_SEPARATOR}{}", file.rel_path, inner.path);
                        match &inner.read {
                            Ok(extracted) => {
                                pending.text_bytes += extracted.text.len();
                                if let Some(note) = &extracted.note {
                                    summary.notes.push(Note {
                                        path,
                                        note: note.clone(),
                                    });
                                }
                            }
                            Err(reason) => {
                                let record = SkippedRecord::new(
                                    path, file.size, file.mtime, reason, retried,
                                );
                                summary.skipped.push(record.skipped());
                                skipped_records.push(record);
                            }
                        }
                    }
                    pending.text_bytes += document.extracted.text.len();
                    for doc in to_tantivy_all(&index.fields, file, &document) {
                        writer.add_document(doc).map_err(|e| index.error(e))?;
                        written += 1;
                    }
                }
                Err(not_read) if same_bytes => {
                    // Not remembered: the index holds the file with its old state, so the
                    // next run reads it again if that differs. What was skipped inside it
                    // stays as it was, with its documents.
                    let inside = changes.previous_skipped_inner.remove(&file.rel_path);
                    for record in inside.into_iter().flatten() {
                        summary.skipped.push(record.skipped());
                        skipped_records.push(record);
                    }
                    let mut skipped = SkippedRecord::new(
                        file.rel_path.clone(),
                        file.size,
                        file.mtime,
                        &not_read.reason,
                        retried,
                    )
                    .skipped();
                    skipped.reason.push_str(KEPT);
                    summary.skipped.push(skipped);
                }
                Err(not_read) => {
                    if previous.is_some() {
                        summary.removed += 1;
                    }
                    let record = SkippedRecord::new(
                        file.rel_path.clone(),
                        file.size,
                        file.mtime,
                        &not_read.reason,
                        retried,
                    );
                    summary.skipped.push(record.skipped());
                    skipped_records.push(record);
                }
            }
            pending.changed += 1;
            if pending.due() {
                commit(index, &mut writer)?;
                pending = PendingCommit::new(options);
            }
        }
        progress.advance(batch.len() as u64);
    }
    progress.finish();
    // Not held through the last merges.
    drop(changes);
    drop(workers);
    commit(index, &mut writer)?;
    writer.wait_merging_threads().map_err(|e| index.error(e))?;
    commits::merge_smallest_segments(index, written)?;
    // Two walks of the vocabulary, one a core.
    let searcher = index.reader()?.searcher();
    let body = index.fields.body_exact;
    std::thread::scope(|scope| {
        let names = scope.spawn(|| names::write(&index.dir, &searcher, body));
        vocabulary::write(&index.dir, &searcher, body)?;
        names
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })?;
    skipped::write(&index.dir, &skipped_records)?;
    fingerprint::record(&index.dir, summary.fingerprint)?;
    summary.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    summary.elapsed = started.elapsed();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Format;

    fn file(n: usize, size: u64) -> CorpusFile {
        let rel_path = format!("{n:06}.txt");
        CorpusFile {
            format: Format::Text,
            id: corpus::id_for(&rel_path),
            rel_path,
            inexact_rel_path: None,
            size,
            mtime: 0,
            date: 0,
            dated_by_metadata: false,
            language: None,
        }
    }

    fn batches(files: Vec<CorpusFile>) -> Vec<Vec<CorpusFile>> {
        let mut to_read = FilesToRead::new(files);
        let mut batches = Vec::new();
        while let Some(batch) = to_read.next_batch() {
            // What was read is let go, and the list's memory with it.
            assert!(to_read.reversed.capacity() <= 2 * to_read.reversed.len().max(1));
            batches.push(batch);
        }
        batches
    }

    /// A killed run leaves no fingerprint, and an index that may hold part of the corpus:
    /// the watcher's next update, naming one file, brings in the others too.
    #[test]
    fn an_update_of_named_files_after_an_incomplete_one_walks_the_whole_corpus() {
        let folder = tempfile::tempdir().unwrap();
        let (corpus_dir, index_dir) = (folder.path().join("corpus"), folder.path().join("index"));
        std::fs::create_dir(&corpus_dir).unwrap();
        let write =
            |name: &str| std::fs::write(corpus_dir.join(name), format!("{name}\n")).unwrap();
        write("a.txt");
        let options = UpdateOptions::default();
        update_with(&corpus_dir, &index_dir, &options, &()).unwrap();
        write("b.txt");
        write("c.txt");
        // As a run killed after committing part of its work leaves it.
        fingerprint::forget(&index_dir).unwrap();
        let named = BTreeSet::from([PathBuf::from("c.txt")]);
        update_named(&corpus_dir, &index_dir, &options, &named).unwrap();
        let index = DossierIndex::open(&index_dir).unwrap();
        assert_eq!(index.reader().unwrap().searcher().num_docs(), 3);
        assert!(fingerprint::recorded(&index_dir).is_some());
    }

    #[test]
    fn every_file_is_read_once_in_path_order_a_bounded_batch_at_a_time() {
        let files: Vec<CorpusFile> = (0..READ_BATCH * 3 + 7).map(|n| file(n, 10)).collect();
        let batches = batches(files.clone());
        assert_eq!(batches.len(), 4);
        assert!(batches.iter().all(|batch| batch.len() <= READ_BATCH));
        let read: Vec<&str> = batches.iter().flatten().map(|f| f.id.as_str()).collect();
        let listed: Vec<&str> = files.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(read, listed);
    }

    #[test]
    fn a_batch_ends_once_its_files_hold_its_bytes() {
        let half = READ_BATCH_BYTES / 2;
        let large = READ_BATCH_BYTES * 2;
        let sizes = [half, half, large, 1, 1, half, half - 3, large];
        let files: Vec<CorpusFile> = sizes.iter().enumerate().map(|(n, &s)| file(n, s)).collect();
        let sizes_read: Vec<Vec<u64>> = batches(files)
            .iter()
            .map(|batch| batch.iter().map(|f| f.size).collect())
            .collect();
        assert_eq!(
            sizes_read,
            [
                vec![half, half],
                vec![large],
                vec![1, 1, half, half - 3, large]
            ]
        );
        for batch in &sizes_read {
            let all_but_last: u64 = batch[..batch.len() - 1].iter().sum();
            assert!(all_but_last < READ_BATCH_BYTES);
        }
    }
}
