//! Commits: when a run publishes what it has written so far, and how.
//!
//! Nothing an update writes is seen until a commit, and a crash or a kill loses what the
//! last commit did not publish. A run commits at its end, and on the way whenever the rule
//! in [`commit_due`] says so: after some time, after some text, or (for tests) after some
//! documents. Every commit records the schema version in its payload.
//!
//! The writer's memory does not grow with the corpus: its indexing threads share one fixed
//! budget ([`WRITER_MEMORY`]) however many cores there are, each flushing a segment when
//! its share is full; the text handed to it and not yet indexed is bounded by
//! [`COMMIT_EVERY_TEXT_BYTES`]; segments are merged one merge at a time
//! ([`MERGE_THREADS`]), each merge streaming its segments from disk, by tantivy's log merge
//! policy, which merges segments of about the same size, [`MERGE_AT_SEGMENTS`] at a time.
//!
//! That policy leaves a large run with a tail of middle-sized segments (ten segments at
//! 900,000 documents), and a search pays for each one it opens: its files' footers, a
//! lookup of every query word in its dictionary, page faults that a search process pays
//! anew each time. So a run ends by merging its smallest segments into one until
//! [`MOST_SEGMENTS`] remain, as far as that rewrites no more documents than the run wrote
//! ([`smallest_to_merge`]): a build pays it once, an edit of a few files never.

use std::time::{Duration, Instant};

use tantivy::IndexWriter;
use tantivy::index::SegmentId;
use tantivy::indexer::{IndexWriterOptions, LogMergePolicy};

use super::UpdateOptions;
use crate::error::Result;
use crate::index::DossierIndex;
use crate::index::dossier_index::CommitPayload;
use crate::index::schema::SCHEMA_VERSION;

/// A long run commits this often, so a crash loses at most this much work. A commit costs
/// a flush of the writer's buffers and a merge now and then, so not much more often.
pub(super) const COMMIT_EVERY: Duration = Duration::from_secs(60);

/// A run also commits after handing the writer this much text, which bounds its memory
/// (tantivy queues documents without a bound on their size). Not less: each commit
/// leaves a segment per indexing thread, and every search pays for every segment (opening
/// it, looking its dictionary up).
const COMMIT_EVERY_TEXT_BYTES: usize = 192 * 1024 * 1024;

/// Memory for tantivy's indexing threads, all together, whatever their number.
pub(super) const WRITER_MEMORY: usize = 128 * 1024 * 1024;

/// The most indexing threads: more cores would only cut the budget into smaller segments.
const MAX_INDEXING_THREADS: usize = 4;

/// Merges run one at a time: each holds its own buffers, and several at once (tantivy's
/// default is four) add up on a large index while buying nothing on two cores.
pub(super) const MERGE_THREADS: usize = 1;

/// The merge policy merges this many segments of about the same size at once.
pub(super) const MERGE_AT_SEGMENTS: usize = 8;

/// A run that wrote enough leaves at most this many segments (see the module's comment).
pub(super) const MOST_SEGMENTS: usize = 4;

/// Counts what the writer holds that no commit has published yet.
pub(super) struct PendingCommit<'a> {
    options: &'a UpdateOptions,
    since: Instant,
    /// Documents added, replaced or removed.
    pub changed: usize,
    /// Bytes of text handed to the writer: tantivy queues documents without a bound on
    /// their size, and a commit is what waits for the queue to drain.
    pub text_bytes: usize,
}

impl<'a> PendingCommit<'a> {
    pub fn new(options: &'a UpdateOptions) -> PendingCommit<'a> {
        PendingCommit {
            options,
            since: Instant::now(),
            changed: 0,
            text_bytes: 0,
        }
    }

    /// Whether it is time to commit what is pending.
    pub fn due(&self) -> bool {
        commit_due(
            self.options,
            self.since.elapsed(),
            self.changed,
            self.text_bytes,
        )
    }
}

/// The rule: commit when `elapsed` since the last commit reaches `options.commit_every`, when
/// the text handed to the writer since reaches [`COMMIT_EVERY_TEXT_BYTES`], or when the
/// documents `changed` since reach `options.commit_every_docs` (if set; 0 counts as 1).
fn commit_due(
    options: &UpdateOptions,
    elapsed: Duration,
    changed: usize,
    text_bytes: usize,
) -> bool {
    elapsed >= options.commit_every
        || text_bytes >= COMMIT_EVERY_TEXT_BYTES
        || options
            .commit_every_docs
            .is_some_and(|every| changed >= every.max(1))
}

/// How the writer of an update is set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct WriterSettings {
    pub indexing_threads: usize,
    pub memory_per_thread: usize,
    pub merge_threads: usize,
}

/// The writer's settings on a machine of `cores` cores.
pub(super) fn writer_settings(cores: usize) -> WriterSettings {
    let indexing_threads = cores.clamp(1, MAX_INDEXING_THREADS);
    WriterSettings {
        indexing_threads,
        memory_per_thread: WRITER_MEMORY / indexing_threads,
        merge_threads: MERGE_THREADS,
    }
}

/// The merge policy of an update's writer.
pub(super) fn merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_min_num_segments(MERGE_AT_SEGMENTS);
    policy
}

/// A writer for an update, within [`WRITER_MEMORY`] on any machine.
pub(super) fn writer(index: &DossierIndex) -> Result<IndexWriter> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let settings = writer_settings(cores);
    let options = IndexWriterOptions::builder()
        .num_worker_threads(settings.indexing_threads)
        .memory_budget_per_thread(settings.memory_per_thread)
        .num_merge_threads(settings.merge_threads)
        .build();
    let writer = index
        .index
        .writer_with_options(options)
        .map_err(|e| index.error(e))?;
    writer.set_merge_policy(Box::new(merge_policy()));
    // Files a killed run wrote and no commit took up are removed first: the run again
    // would write the same ones (the same deletions at the same operation stamps, in
    // `.del` files named by them), and tantivy does not write over a file.
    writer
        .garbage_collect_files()
        .wait()
        .map_err(|e| index.error(e))?;
    Ok(writer)
}

/// Of segments of these sizes (documents, deleted ones included), those that a run that
/// wrote `written` documents merges into one as it ends: the smallest, as many as leave
/// [`MOST_SEGMENTS`] at most, and of those as many as hold no more documents together
/// than the run wrote; none if that is one segment. (The segments that edits of a few files
/// leave, one a run, are left to the log policy: a merge makes the update count the common
/// words and names of every segment again, seconds at a million documents.)
fn smallest_to_merge<T: Copy>(segments: &[(u32, T)], written: u64) -> Vec<T> {
    let Some(most) = (segments.len() + 1).checked_sub(MOST_SEGMENTS) else {
        return Vec::new();
    };
    let mut by_size: Vec<&(u32, T)> = segments.iter().collect();
    by_size.sort_by_key(|(documents, _)| *documents);
    let mut rewritten = 0;
    let smallest: Vec<T> = by_size
        .into_iter()
        .take(most)
        .take_while(|(documents, _)| {
            rewritten += u64::from(*documents);
            rewritten <= written
        })
        .map(|(_, segment)| *segment)
        .collect();
    if smallest.len() < 2 {
        return Vec::new();
    }
    smallest
}

/// Merges the index's smallest segments into one at the end of a run that wrote `written`
/// documents, as [`smallest_to_merge`] says, and waits for the merge to be published.
pub(super) fn merge_smallest_segments(index: &DossierIndex, written: u64) -> Result<()> {
    let segments: Vec<(u32, SegmentId)> = index
        .index
        .searchable_segment_metas()
        .map_err(|e| index.error(e))?
        .iter()
        .map(|segment| (segment.max_doc(), segment.id()))
        .collect();
    let smallest = smallest_to_merge(&segments, written);
    if smallest.is_empty() {
        return Ok(());
    }
    let mut writer = writer(index)?;
    writer.merge(&smallest).wait().map_err(|e| index.error(e))?;
    writer.wait_merging_threads().map_err(|e| index.error(e))
}

/// Publishes what the writer holds, with the schema version in the commit's payload.
pub(super) fn commit(index: &DossierIndex, writer: &mut IndexWriter) -> Result<()> {
    let payload = serde_json::to_string(&CommitPayload {
        dossier_schema: SCHEMA_VERSION,
    })
    .unwrap_or_default();
    let mut prepared = writer.prepare_commit().map_err(|e| index.error(e))?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(|e| index.error(e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn a_run_commits_after_its_time() {
        let options = UpdateOptions::default();
        assert!(!commit_due(&options, Duration::ZERO, 0, 0));
        assert!(!commit_due(
            &options,
            MINUTE - Duration::from_millis(1),
            100_000,
            0
        ));
        assert!(commit_due(&options, MINUTE, 0, 0));
        let often = UpdateOptions {
            commit_every: Duration::from_secs(5),
            ..UpdateOptions::default()
        };
        assert!(!commit_due(&often, Duration::from_secs(4), 1, 1));
        assert!(commit_due(&often, Duration::from_secs(5), 1, 1));
    }

    #[test]
    fn a_run_commits_after_its_text() {
        let options = UpdateOptions::default();
        assert!(!commit_due(
            &options,
            Duration::ZERO,
            1,
            COMMIT_EVERY_TEXT_BYTES - 1
        ));
        assert!(commit_due(
            &options,
            Duration::ZERO,
            1,
            COMMIT_EVERY_TEXT_BYTES
        ));
    }

    #[test]
    fn a_run_commits_after_its_documents_only_when_asked() {
        let every_three = UpdateOptions {
            commit_every_docs: Some(3),
            ..UpdateOptions::default()
        };
        assert!(!commit_due(&every_three, Duration::ZERO, 2, 0));
        assert!(commit_due(&every_three, Duration::ZERO, 3, 0));
        let every_zero = UpdateOptions {
            commit_every_docs: Some(0),
            ..UpdateOptions::default()
        };
        assert!(!commit_due(&every_zero, Duration::ZERO, 0, 0));
        assert!(commit_due(&every_zero, Duration::ZERO, 1, 0));
    }

    /// The settings that bound an update's memory whatever the corpus and the machine: a
    /// change that raises one must change this test too.
    #[test]
    fn the_writer_stays_within_its_budget_on_any_machine() {
        const MIB: usize = 1024 * 1024;
        const { assert!(WRITER_MEMORY <= 128 * MIB) };
        const { assert!(COMMIT_EVERY_TEXT_BYTES <= 192 * MIB) };
        for cores in [1, 2, 3, 4, 8, 64, 1024] {
            let settings = writer_settings(cores);
            assert!(settings.indexing_threads >= 1);
            assert!(settings.indexing_threads <= cores.max(1));
            assert!(settings.indexing_threads <= 4, "{cores} cores");
            assert!(settings.indexing_threads * settings.memory_per_thread <= WRITER_MEMORY);
            // tantivy refuses less than 15 MB a thread.
            assert!(settings.memory_per_thread >= 15_000_000);
            assert_eq!(settings.merge_threads, 1, "{cores} cores");
        }
        assert_eq!(writer_settings(2).indexing_threads, 2, "both cores index");
    }

    #[test]
    fn an_update_writer_merges_by_the_log_policy_set_here() {
        let folder = tempfile::tempdir().unwrap();
        let index = DossierIndex::create(folder.path()).unwrap();
        let writer = writer(&index).unwrap();
        let policy = format!("{:?}", writer.get_merge_policy());
        assert!(policy.starts_with("LogMergePolicy"), "{policy}");
        assert!(
            policy.contains(&format!("min_num_segments: {MERGE_AT_SEGMENTS}")),
            "{policy}"
        );
        assert!(
            policy.contains("max_docs_before_merge: 10000000"),
            "{policy}"
        );
    }

    #[test]
    fn a_run_merges_its_smallest_segments_when_it_wrote_as_many_documents() {
        // The segments that building 16 times the news corpus left.
        let built = [
            (340_680, 'a'),
            (10_952, 'b'),
            (335_782, 'c'),
            (62_235, 'd'),
            (40_901, 'e'),
            (40_573, 'f'),
            (39_950, 'g'),
            (36_108, 'h'),
            (10_659, 'i'),
        ];
        let mut merged = smallest_to_merge(&built, 917_840);
        merged.sort();
        assert_eq!(merged, ['b', 'e', 'f', 'g', 'h', 'i']);
        assert_eq!(built.len() - merged.len() + 1, MOST_SEGMENTS);
        // An edit of five files leaves the segments as they are, its own and those that
        // earlier edits left included.
        let mut edited = built.to_vec();
        edited.extend([(5, 'j'), (5, 'k')]);
        assert!(smallest_to_merge(&edited, 5).is_empty());
        assert_eq!(smallest_to_merge(&edited, 10), ['j', 'k']);
        // A run that wrote fewer documents than merging down to four segments would
        // rewrite merges as many of the smallest as it wrote.
        assert!(smallest_to_merge(&built, 179_143).len() == 6);
        let mut merged = smallest_to_merge(&built, 179_142);
        merged.sort();
        assert_eq!(merged, ['b', 'f', 'g', 'h', 'i'], "all but the 40,901");
        assert!(
            smallest_to_merge(&built, 21_610).is_empty(),
            "not the two 10,000s"
        );
        assert_eq!(smallest_to_merge(&built, 21_611).len(), 2);
        assert!(smallest_to_merge(&built[..MOST_SEGMENTS], u64::MAX).is_empty());
    }

    /// An update's merges read segments through maps that give pages back as the reading
    /// passes them (index/released_pages.rs), in an index created or opened for one; plain
    /// maps held every page a merge read, 400 MB at 16 times the news corpus.
    #[test]
    fn an_update_reads_its_index_through_pages_given_back() {
        let folder = tempfile::tempdir().unwrap();
        let created = DossierIndex::create(folder.path()).unwrap();
        let mut writer = writer(&created).unwrap();
        commit(&created, &mut writer).unwrap();
        drop(writer);
        let opened = DossierIndex::open_for_update(folder.path()).unwrap();
        for index in [&created, &opened] {
            let directory = format!("{:?}", index.index.directory());
            assert!(directory.contains("ReleasedPagesDirectory"), "{directory}");
        }
        let searched = DossierIndex::open(folder.path()).unwrap();
        let directory = format!("{:?}", searched.index.directory());
        assert!(!directory.contains("ReleasedPagesDirectory"), "{directory}");
    }

    #[test]
    fn pending_work_starts_not_due() {
        let options = UpdateOptions {
            commit_every_docs: Some(2),
            ..UpdateOptions::default()
        };
        let mut pending = PendingCommit::new(&options);
        assert!(!pending.due());
        pending.changed = 2;
        assert!(pending.due());
    }
}
