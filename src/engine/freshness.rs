//! The freshness protocol: an answer comes from an index current with the corpus.
//!
//! An index that opens is worked on before it is confirmed current, with a watcher's answer
//! or by checking the corpus: the watcher answers meanwhile, which could take longer than
//! the search when it had been idle. If the index turns out to be stale, it is updated and
//! the work done again. If there is no index, or one written by an older dossier, it is
//! built first. If another process is updating it, the last commit is used.

use std::time::{Duration, Instant};

use crate::engine::watcher::{self, Answer, Question};
use crate::engine::{Engine, Notice, Report, SLOW_CORPUS_CHECK};
use crate::error::{Error, Result};
use crate::index::DossierIndex;
use crate::index::lock::UpdateLock;
use crate::update::{self, IndexSummary, UpdateOptions, fingerprint};

/// Runs `work` on the index of `engine`, brought up to date with the corpus first unless
/// the engine does not refresh (or built, if there is none), and keeps that index open.
pub(super) fn on_current_index<T>(
    engine: &Engine,
    question: Option<Question>,
    report: &dyn Report,
    work: impl Fn(&DossierIndex) -> Result<T>,
) -> Result<T> {
    let (index, unconfirmed) = open_index(engine, question, report)?;
    let done = work(&index)?;
    let (index, done) = match unconfirmed {
        Some(unconfirmed) => match confirm_current(engine, &index, unconfirmed, report)? {
            Some(updated) => {
                let done = work(&updated)?;
                (updated, done)
            }
            None => (index, done),
        },
        None => (index, done),
    };
    engine.keep_open(index);
    Ok(done)
}

/// What is needed to confirm that an index opened from its last commit is current.
struct Unconfirmed {
    question: Option<Question>,
    /// The fingerprint the index recorded, read before it was opened.
    recorded: Option<u64>,
}

/// Opens the index: its last commit, still to be confirmed current if the engine refreshes;
/// or, when there is none or it is of an older version, one just built.
fn open_index(
    engine: &Engine,
    question: Option<Question>,
    report: &dyn Report,
) -> Result<(DossierIndex, Option<Unconfirmed>)> {
    let index_dir = &engine.index_dir;
    if !DossierIndex::exists(index_dir) {
        report.notice(Notice::NoIndexYet {
            list_lost: DossierIndex::lost_its_list(index_dir),
        });
        let watcher = question.and_then(Question::answer);
        return Ok((refresh_or_last_commit(engine, watcher, report)?, None));
    }
    // Read before the index opens: a fingerprint recorded by then was recorded after the
    // commit it describes, so the index opened holds at least that commit.
    let recorded = question
        .as_ref()
        .and_then(|_| fingerprint::recorded(index_dir));
    match DossierIndex::open(index_dir) {
        Ok(index) if !engine.refresh => Ok((index, None)),
        Ok(index) => Ok((index, Some(Unconfirmed { question, recorded }))),
        // The update rebuilds it, and says so.
        Err(Error::OutdatedIndex { .. }) if engine.refresh => {
            let watcher = question.and_then(Question::answer);
            Ok((refresh_or_last_commit(engine, watcher, report)?, None))
        }
        // Another process may be clearing it to rebuild it: then say so, not "broken".
        Err(error @ Error::BrokenIndex { .. }) => match UpdateLock::acquire(index_dir) {
            Err(busy @ Error::IndexBusy { .. }) => Err(busy),
            _ => Err(error),
        },
        Err(error) => Err(error),
    }
}

/// Confirms that `index` is current with the corpus, by the watcher's word or by checking
/// the corpus; if it is not, updates it and returns the index updated.
fn confirm_current(
    engine: &Engine,
    index: &DossierIndex,
    Unconfirmed { question, recorded }: Unconfirmed,
    report: &dyn Report,
) -> Result<Option<DossierIndex>> {
    let watcher = question.and_then(Question::answer);
    if watcher.is_some_and(|answer| answer.vouches_for(recorded)) {
        return Ok(None);
    }
    let started = Instant::now();
    let check = update::pending_changes(index, &engine.corpus)?;
    let took = started.elapsed();
    if watcher.is_none() && took >= SLOW_CORPUS_CHECK {
        report.notice(Notice::SlowCorpusCheck {
            files: check.files,
            took,
        });
    }
    let changes = check.changes;
    if changes.is_empty() {
        tell_watcher_current(engine, watcher, check.current_with);
        return Ok(None);
    }
    report.notice(Notice::CorpusChanged {
        new_or_modified: changes.to_read.len(),
        removed: changes.removed.len(),
    });
    refresh_or_last_commit(engine, watcher, report).map(Some)
}

/// Tells the watcher, if one answered, that the index is current with the corpus as this
/// process found it (with `fingerprint`, taken after the watcher answered), if it did.
pub(super) fn tell_watcher_current(
    engine: &Engine,
    watcher: Option<Answer>,
    fingerprint: Option<u64>,
) {
    if let (Some(answer), Some(fingerprint)) = (watcher, fingerprint) {
        watcher::tell_current(&engine.index_dir, &engine.corpus, &answer, fingerprint);
    }
}

/// How long a search waits for the update a server is running of this index (of the files
/// that just changed, most often) before it answers from the last commit.
const SERVER_UPDATE_PATIENCE: Duration = Duration::from_secs(2);

/// Updates the index; if another process is updating it, answers from its last commit
/// instead of waiting for the end of that run. When a server watches the index, the other
/// process is most likely that server bringing the index up to date with the change this
/// search saw: it is given a moment to finish.
fn refresh_or_last_commit(
    engine: &Engine,
    watcher: Option<Answer>,
    report: &dyn Report,
) -> Result<DossierIndex> {
    let index_dir = &engine.index_dir;
    let patience = if watcher.is_some() {
        SERVER_UPDATE_PATIENCE
    } else {
        Duration::ZERO
    };
    let deadline = Instant::now() + patience;
    loop {
        match update(engine, &UpdateOptions::default(), report) {
            Ok(summary) => {
                tell_watcher_current(engine, watcher, Some(summary.fingerprint));
                return DossierIndex::open(index_dir);
            }
            Err(Error::IndexBusy { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(Error::IndexBusy { holder, .. }) if DossierIndex::exists(index_dir) => {
                let index = DossierIndex::open(index_dir)?;
                report.notice(Notice::AnsweringFromLastCommit { holder });
                return Ok(index);
            }
            Err(error) => return Err(error),
        }
    }
}

/// Updates the index, and tells `report` what the update did.
pub(super) fn update(
    engine: &Engine,
    options: &UpdateOptions,
    report: &dyn Report,
) -> Result<IndexSummary> {
    let summary = update::update_with(&engine.corpus, &engine.index_dir, options, report)?;
    report.notice(Notice::Indexed(&summary));
    Ok(summary)
}
