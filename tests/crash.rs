//! Crash safety and concurrent use, with the real binary: `dossier index` killed (SIGKILL) at
//! many points of a run leaves an index that opens and holds every document of its last
//! commit exactly once, and the next run finishes the job; a second indexer is refused with
//! the first one's process ID, and a search meanwhile answers from the last commit.
//!
//! The corpus is generated from real text (the Cranfield collection in the shared data folder
//! beside the repository, or the shipped corpus if it is absent). Every document holds the
//! word `crashcheck` and its own `crashmarkNNNNN`. `DOSSIER_CRASH_CORPUS=DIR` runs the long
//! version on a real corpus instead (see `scripts/crash-test.sh`).

#![cfg(unix)]

mod common;

use std::collections::HashMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{Dossier, stderr_of};
use dossier::index::DossierIndex;
use tantivy::Term;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;

/// What the last commit (meta.json) publishes, read the way tantivy writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Commit {
    opstamp: u64,
    live_docs: usize,
}

fn last_commit(index: &Path) -> Option<Commit> {
    let bytes = std::fs::read(index.join("meta.json")).ok()?;
    // meta.json is replaced atomically: a reader never sees half of one.
    let meta: serde_json::Value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("meta.json is not whole JSON ({e})"));
    let live_docs = meta["segments"]
        .as_array()
        .expect("segments")
        .iter()
        .map(|segment| {
            let max = segment["max_doc"].as_u64().expect("max_doc");
            let deleted = segment["deletes"]["num_deleted_docs"].as_u64().unwrap_or(0);
            (max - deleted) as usize
        })
        .sum();
    Some(Commit {
        opstamp: meta["opstamp"].as_u64().expect("opstamp"),
        live_docs,
    })
}

/// Real texts to build documents from.
fn source_texts() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cranfield = root.join("../shared/data/cranfield");
    let dir = if cranfield.is_dir() {
        cranfield
    } else {
        root.join("corpus")
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("source texts")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt" || e == "md"))
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .map(|path| String::from_utf8_lossy(&std::fs::read(path).expect("read")).into_owned())
        .collect();
    assert!(!texts.is_empty(), "no texts in {}", dir.display());
    texts
}

/// `count` documents in folders of 100, each two real texts around its marker line.
fn generated(count: usize) -> Dossier {
    let dossier = Dossier::empty();
    let texts = source_texts();
    for i in 0..count {
        let first = &texts[i % texts.len()];
        let second = &texts[(i * 7 + 3) % texts.len()];
        dossier.write(
            &format!("batch{:02}/doc{i:05}.txt", i / 100),
            format!("{first}\n\ncrashmark{i:05} crashcheck\n\n{second}\n"),
        );
    }
    dossier
}

/// The documents of a corpus: ID (path without extension) → file.
fn documents(corpus: &Path) -> HashMap<String, PathBuf> {
    walkdir::WalkDir::new(corpus)
        .into_iter()
        .map(|entry| entry.expect("corpus entry"))
        .filter(|entry| {
            entry.file_type().is_file()
                && entry
                    .path()
                    .extension()
                    .is_some_and(|e| e == "txt" || e == "md")
        })
        .map(|entry| {
            let relative = entry
                .path()
                .strip_prefix(corpus)
                .expect("inside the corpus");
            let id = relative
                .with_extension("")
                .to_string_lossy()
                .replace('\\', "/");
            (id, entry.path().to_path_buf())
        })
        .collect()
}

fn spawn_index(dossier: &Dossier, extra: &[&str]) -> Child {
    let args: Vec<&str> = std::iter::once("index")
        .chain(extra.iter().copied())
        .collect();
    dossier
        .process(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dossier index")
}

fn pause() {
    std::thread::sleep(Duration::from_millis(2));
}

/// Polls meta.json until `ready` holds for the last commit; false if the run ended first.
fn wait_for(child: &mut Child, index: &Path, ready: impl Fn(Commit) -> bool) -> bool {
    loop {
        if last_commit(index).is_some_and(&ready) {
            return true;
        }
        if child.try_wait().expect("child status").is_some() {
            return false;
        }
        pause();
    }
}

/// Kills `child`; true if it was still running (killed by the signal), false if it had
/// finished on its own, which must then have been a success.
fn kill(mut child: Child) -> bool {
    let _ = child.kill();
    let output = child.wait_with_output().expect("wait for dossier index");
    if output.status.signal() == Some(9) {
        return true;
    }
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    false
}

/// A word of the document for a search to find it by: its marker, else its longest word.
fn word_of(text: &str) -> Option<&str> {
    let words = || {
        text.split(|c: char| !c.is_ascii_alphanumeric())
            .take(2000)
            .filter(|w| w.len() >= 4 && w.len() <= 30)
    };
    words()
        .find(|w| w.starts_with("crashmark"))
        .or_else(|| words().max_by_key(|w| (w.len(), *w)))
}

/// The checks made after every kill: the index opens; it holds each document once, as its
/// file is on disk, reachable by its ID; and the binary finds documents by their words.
/// `everywhere` is a word of every document, to count them by a search.
/// Returns the number of documents of the last commit.
fn check_last_commit(
    dossier: &Dossier,
    files: &HashMap<String, PathBuf>,
    everywhere: Option<&str>,
    point: &str,
) -> usize {
    let index = DossierIndex::open(&dossier.index())
        .unwrap_or_else(|e| panic!("{point}: the index does not open: {e}"));
    let states = index.stored_states().expect("stored states");
    let searcher = index.reader().expect("reader").searcher();
    assert_eq!(
        searcher.num_docs() as usize,
        states.len(),
        "{point}: a document is in the index twice"
    );
    for (id, state) in &states {
        let file = files
            .get(id)
            .unwrap_or_else(|| panic!("{point}: {id} is indexed but has no file"));
        let bytes = std::fs::read(file).expect("read document");
        assert_eq!(state.size, bytes.len() as u64, "{point}: size of {id}");
        assert_eq!(
            state.hash,
            xxhash_rust::xxh3::xxh3_64(&bytes),
            "{point}: content of {id}"
        );
        let term = Term::from_field_text(index.fields.id, id);
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        assert_eq!(
            searcher.search(&query, &Count).expect("count"),
            1,
            "{point}: {id}"
        );
    }
    if let Some(word) = everywhere {
        let every = dossier.search_json(word, &["--no-refresh", "-n", "1"]);
        assert_eq!(every.total_hits, states.len(), "{point}: documents found");
    }
    // The last document committed, the most likely to be lost, found by one of its words.
    let last = states.keys().max();
    if let Some(id) = last.filter(|id| !id.contains(['*', '?', '[', ']', '{', '}'])) {
        let text = String::from_utf8_lossy(&std::fs::read(&files[id]).expect("read")).into_owned();
        if let Some(word) = word_of(&text) {
            let found = dossier.search_json(word, &["--no-refresh", "--id", id]);
            assert_eq!(found.doc_ids(), [id.as_str()], "{point}: {word} in {id}");
        }
    }
    states.len()
}

/// Runs `dossier index` to the end and checks it holds the whole corpus exactly once.
fn finish(dossier: &Dossier, files: &HashMap<String, PathBuf>, everywhere: Option<&str>) -> String {
    let output = dossier.index_run();
    assert!(output.status.code() != Some(2), "{}", stderr_of(&output));
    check_last_commit(dossier, files, everywhere, "after the last run");
    let index = DossierIndex::open(&dossier.index()).expect("open");
    let mut indexed: Vec<String> = index.stored_states().expect("states").into_keys().collect();
    indexed.sort();
    let mut expected: Vec<String> = files.keys().cloned().collect();
    expected.sort();
    assert_eq!(indexed, expected, "the next run finishes the job");
    stderr_of(&output)
}

/// What a series of kills survived: how many runs were killed while running, and how many
/// documents the index held after each kill.
#[derive(Debug, Default)]
struct Survived {
    killed: usize,
    documents: Vec<usize>,
}

/// Kills `dossier index` twice while it starts, then `points` times at growing counts of
/// committed documents, each a few milliseconds after a commit was seen, so kills land while
/// reading files, adding them, writing segments or merging. Checks the index after each.
fn kill_while_indexing(
    dossier: &Dossier,
    files: &HashMap<String, PathBuf>,
    everywhere: Option<&str>,
    points: usize,
    commit_every_docs: &str,
) -> Survived {
    let index = dossier.index();
    let every = ["--commit-every-docs", commit_every_docs];
    let mut survived = Survived::default();
    for point in 0..2 {
        let child = spawn_index(dossier, &every);
        std::thread::sleep(Duration::from_millis(5 * point));
        survived.killed += kill(child) as usize;
        if DossierIndex::exists(&index) {
            check_last_commit(dossier, files, everywhere, &format!("start {point}"));
        }
    }
    let mut committed = 0;
    for point in 0..points {
        let target = (point + 1) * files.len() * 9 / 10 / points;
        let mut child = spawn_index(dossier, &every);
        assert!(
            wait_for(&mut child, &index, |c| c.live_docs >= target),
            "the run ended before {target} documents were committed"
        );
        let seen = last_commit(&index).expect("a commit").live_docs;
        std::thread::sleep(Duration::from_millis(point as u64 % 4 * 3));
        survived.killed += kill(child) as usize;
        let after = check_last_commit(dossier, files, everywhere, &format!("adding {point}"));
        assert!(
            after >= seen && after >= committed,
            "kill {point}: {after} documents in the index, {seen} were committed before the kill"
        );
        committed = after;
        survived.documents.push(after);
    }
    survived
}

/// Kills `dossier index --rebuild` before its first commit and after 1 and 3 commits: the
/// index still opens each time, and the next plain run finishes what the rebuild started.
fn kill_while_rebuilding(
    dossier: &Dossier,
    files: &HashMap<String, PathBuf>,
    everywhere: Option<&str>,
    commit_every_docs: &str,
    survived: &mut Survived,
) {
    let index = dossier.index();
    for (point, commits) in [0, 1, 3].into_iter().enumerate() {
        let before = last_commit(&index).expect("commit");
        let mut child = spawn_index(
            dossier,
            &["--rebuild", "--commit-every-docs", commit_every_docs],
        );
        for _ in 0..commits {
            let seen = last_commit(&index).expect("commit");
            assert!(wait_for(&mut child, &index, |c| c.opstamp > seen.opstamp));
        }
        survived.killed += kill(child) as usize;
        let left = check_last_commit(dossier, files, everywhere, &format!("rebuild {point}"));
        if commits == 0 && last_commit(&index) == Some(before) {
            assert_eq!(
                left,
                files.len(),
                "a rebuild killed before committing changes nothing"
            );
        }
        survived.documents.push(left);
    }
    finish(dossier, files, everywhere);
}

const DOCUMENTS: usize = 1200;

#[test]
fn killed_index_runs_lose_nothing_committed_and_the_next_run_finishes() {
    let dossier = generated(DOCUMENTS);
    let files = documents(&dossier.corpus());
    assert_eq!(files.len(), DOCUMENTS);
    let everywhere = Some("crashcheck");
    let mut survived = kill_while_indexing(&dossier, &files, everywhere, 22, "30");
    let summary = finish(&dossier, &files, everywhere);
    assert!(
        summary.contains("0 updated, 0 removed"),
        "nothing indexed twice: {summary}"
    );
    kill_while_rebuilding(&dossier, &files, everywhere, "40", &mut survived);
    eprintln!("{survived:?}");
    assert!(
        survived.killed >= 20,
        "only {} runs were killed while running",
        survived.killed
    );
}

/// The long run of `scripts/crash-test.sh`: the same kills on a real corpus (a copy of
/// it is not needed: dossier never writes in the corpus).
#[test]
#[ignore = "long: run scripts/crash-test.sh CORPUS_DIR"]
fn long_crash_run_on_a_real_corpus() {
    let corpus =
        PathBuf::from(std::env::var_os("DOSSIER_CRASH_CORPUS").expect("DOSSIER_CRASH_CORPUS=DIR"));
    let corpus = corpus.canonicalize().expect("corpus folder");
    let points: usize = env_number("DOSSIER_CRASH_POINTS", 24);
    let every = env_number("DOSSIER_CRASH_COMMIT_EVERY_DOCS", 2000).to_string();
    let dossier = Dossier::empty();
    std::fs::remove_dir(dossier.corpus()).expect("empty corpus folder");
    std::os::unix::fs::symlink(&corpus, dossier.corpus()).expect("link to the corpus");
    let files = documents(&dossier.corpus());
    eprintln!("{} documents in {}", files.len(), corpus.display());
    let mut survived = kill_while_indexing(&dossier, &files, None, points, &every);
    eprintln!("while indexing: {survived:?}");
    let summary = finish(&dossier, &files, None);
    eprintln!("finished: {}", summary.trim());
    kill_while_rebuilding(&dossier, &files, None, &every, &mut survived);
    eprintln!("with rebuilds: {survived:?}");
    assert!(
        survived.killed >= 20,
        "only {} runs were killed while running",
        survived.killed
    );
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|value| {
            value
                .parse()
                .unwrap_or_else(|_| panic!("{name}={value}: a number"))
        })
        .unwrap_or(default)
}

/// Sends a job-control signal: a stopped indexer keeps its locks, as a slow one would.
fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill");
    assert!(status.success());
}

/// Whether some process holds tantivy's meta lock, taken for an instant to publish a commit:
/// a reader waits for it, so the indexer must not be stopped while holding it.
fn meta_lock_held(index: &Path) -> bool {
    let Ok(file) = std::fs::File::open(index.join(".tantivy-meta.lock")) else {
        return false;
    };
    matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock))
}

#[test]
fn a_second_indexer_is_refused_and_a_search_answers_from_the_last_commit() {
    let count = 600;
    let dossier = generated(count);
    let index = dossier.index();
    let mut first = spawn_index(&dossier, &["--commit-every-docs", "20"]);
    assert!(wait_for(&mut first, &index, |c| c.live_docs >= 100));
    signal(&first, "STOP");
    while meta_lock_held(&index) {
        signal(&first, "CONT");
        pause();
        signal(&first, "STOP");
    }
    let committed = last_commit(&index).expect("commit").live_docs;
    assert!(committed < count, "the first run is not over");

    for args in [&["index"][..], &["index", "--rebuild"]] {
        let second = dossier
            .command(args)
            .output()
            .expect("second dossier index");
        assert_eq!(second.status.code(), Some(2));
        assert_eq!(
            stderr_of(&second),
            format!(
                "dossier: error: the index at {} is being updated by process {}; wait for it to finish and try again\n",
                index.display(),
                first.id()
            )
        );
    }

    // A search would refresh the index; it cannot, so it says so and uses the last commit.
    let output = dossier
        .command(&["search", "crashcheck", "--json", "-n", "1"])
        .output()
        .expect("search");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains(&format!(
            "is being updated by process {}; answering from its last commit",
            first.id()
        )),
        "{}",
        stderr_of(&output)
    );
    let results: common::Results = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(results.total_hits, committed);
    assert_eq!(
        dossier
            .search_json("crashmark00005", &["--no-refresh"])
            .doc_ids(),
        ["batch00/doc00005"]
    );

    signal(&first, "CONT");
    let output = first.wait_with_output().expect("first run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let again = dossier.index_run();
    assert!(
        stderr_of(&again).contains(&format!("0 added, 0 updated, 0 removed, {count} unchanged")),
        "{}",
        stderr_of(&again)
    );
    let results = dossier.search_json("crashcheck", &["-n", "1"]);
    assert_eq!(results.total_hits, count);
}

// A damaged index, as a dying disk or an older dossier leaves it: one line on stderr saying
// what is wrong and what to run, exit code 2, never a panic; or a rebuild when it is safe.

/// Documents of the shipped corpus with the word "war".
const WAR_HITS: usize = 4;

fn indexed_shipped() -> Dossier {
    let dossier = Dossier::shipped();
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    dossier
}

/// The one line of an error run.
fn error_line(output: &std::process::Output) -> String {
    let stderr = stderr_of(output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("dossier: error: "), "{stderr}");
    stderr.trim_end().to_string()
}

fn search_no_refresh(dossier: &Dossier) -> std::process::Output {
    dossier
        .command(&["search", "war", "--no-refresh"])
        .output()
        .expect("search")
}

fn segment_files(dossier: &Dossier, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dossier.index())
        .expect("index folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .{extension} file");
    files
}

/// `dossier index --rebuild` repairs it, and the search finds what it found before.
fn rebuild_repairs(dossier: &Dossier) {
    let output = dossier
        .command(&["index", "--rebuild"])
        .output()
        .expect("rebuild");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(
        dossier.search_json("war", &["--no-refresh"]).total_hits,
        WAR_HITS
    );
}

/// A side map of the index cut short (a name's spellings are read from `names.fst`) is
/// named in one line, not reported as a failure of dossier's own, and a rebuild repairs it.
#[test]
fn a_damaged_map_of_names_is_named_and_a_rebuild_repairs_it() {
    let dossier = indexed_shipped();
    let names = dossier.index().join("names.fst");
    let length = std::fs::metadata(&names).expect("names.fst").len();
    let cut = std::fs::OpenOptions::new()
        .write(true)
        .open(&names)
        .expect("open");
    cut.set_len(length / 2).expect("truncate");
    let output = dossier
        .command(&["search", "Dmitriev", "--no-refresh"])
        .output()
        .expect("search");
    let line = error_line(&output);
    assert!(
        line.contains("its file names.fst is damaged")
            && line.contains(&format!("run `{} --rebuild`", index_command(&dossier))),
        "{line}"
    );
    rebuild_repairs(&dossier);
    assert!(
        dossier
            .search_json("Dmitriev", &["--no-refresh"])
            .total_hits
            > 0
    );
}

/// The command an error says to run, naming the test's corpus and index.
fn index_command(dossier: &Dossier) -> String {
    format!(
        "dossier index --corpus {} --index {}",
        dossier.corpus().display(),
        dossier.index().display()
    )
}

#[test]
fn a_damaged_meta_json_is_one_line_and_a_rebuild_repairs_it() {
    let dossier = indexed_shipped();
    assert_eq!(
        dossier.search_json("war", &["--no-refresh"]).total_hits,
        WAR_HITS
    );
    for content in ["", "{\"segments\": [", "garbage"] {
        std::fs::write(dossier.index().join("meta.json"), content).expect("write");
        let expected = format!(
            "dossier: error: the index at {} cannot be opened: its file meta.json is damaged; run `{} --rebuild` to build it anew",
            dossier.index().display(),
            index_command(&dossier)
        );
        assert_eq!(error_line(&search_no_refresh(&dossier)), expected);
        assert_eq!(error_line(&dossier.index_run()), expected);
        rebuild_repairs(&dossier);
    }
}

#[test]
fn a_missing_or_truncated_segment_file_is_one_line_and_a_rebuild_repairs_it() {
    let dossier = indexed_shipped();
    // A file gone is named by the search and by the update alike (the update used to find
    // nothing wrong with a missing .pos, which tantivy opens only when a phrase needs it).
    for extension in ["idx", "pos", "store", "term", "fast", "fieldnorm"] {
        let missing = segment_files(&dossier, extension).remove(0);
        std::fs::remove_file(&missing).expect("remove");
        for run in [search_no_refresh(&dossier), dossier.index_run()] {
            let line = error_line(&run);
            let advice = format!("is missing; run `{} --rebuild`", index_command(&dossier));
            assert!(line.contains(&advice), "{extension}: {line}");
        }
        rebuild_repairs(&dossier);
    }

    for extension in ["store", "pos", "term", "fast", "fieldnorm", "idx"] {
        let file = segment_files(&dossier, extension).remove(0);
        let length = std::fs::metadata(&file).expect("metadata").len();
        let truncated = std::fs::OpenOptions::new()
            .write(true)
            .open(&file)
            .expect("open");
        truncated.set_len(length / 2).expect("truncate");
        let line = error_line(&search_no_refresh(&dossier));
        let advice = format!("run `{} --rebuild`", index_command(&dossier));
        assert!(line.contains(&advice), "{extension}: {line}");
        rebuild_repairs(&dossier);
    }
}

/// Bytes overwritten inside segment files: tantivy decodes some without checking and may
/// panic; what the user sees is still a result, or one line naming the damage.
#[test]
fn corrupt_bytes_in_segment_files_never_panic() {
    let dossier = indexed_shipped();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut reported = 0;
    for extension in ["idx", "pos", "term", "store", "fast", "fieldnorm"] {
        for share in [2, 3, 5] {
            for file in segment_files(&dossier, extension) {
                let mut bytes = std::fs::read(&file).expect("read");
                let start = bytes.len() / share;
                let end = (start + bytes.len() / 4 + 1).min(bytes.len());
                for byte in &mut bytes[start..end] {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    *byte = seed as u8;
                }
                std::fs::write(&file, bytes).expect("write");
            }
            for args in [
                &["search", "war OR \"united states\" OR the", "--no-refresh"][..],
                &["quote", "the war", "--no-refresh"],
            ] {
                let output = dossier.command(args).output().expect("run");
                if output.status.code() == Some(2) {
                    let line = error_line(&output);
                    let advice = format!("{} --rebuild", index_command(&dossier));
                    assert!(line.contains(&advice), "{line}");
                    reported += 1;
                } else {
                    assert!(
                        matches!(output.status.code(), Some(0 | 1)),
                        "{extension}: {}",
                        stderr_of(&output)
                    );
                }
            }
            rebuild_repairs(&dossier);
        }
    }
    assert!(reported > 0, "some damage was seen");
}

fn set_schema_version(dossier: &Dossier, version: u32) {
    let path = dossier.index().join("meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON");
    meta["payload"] = serde_json::Value::String(format!("{{\"dossier_schema\":{version}}}"));
    std::fs::write(&path, serde_json::to_vec(&meta).expect("JSON")).expect("write");
}

#[test]
fn an_index_of_an_older_dossier_is_rebuilt_automatically() {
    let dossier = indexed_shipped();
    let older = dossier::index::schema::SCHEMA_VERSION - 1;
    set_schema_version(&dossier, older);
    // Without refresh nothing is written: the user is told what to run.
    assert_eq!(
        error_line(&search_no_refresh(&dossier)),
        format!(
            "dossier: error: the index at {} was written by an older version of dossier (schema {older}, this one reads {}); run `{}` to rebuild it",
            dossier.index().display(),
            dossier::index::schema::SCHEMA_VERSION,
            index_command(&dossier)
        )
    );
    let output = dossier
        .command(&["search", "war", "--json"])
        .output()
        .expect("search");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains(&format!(
            "older version of dossier (schema {older}); rebuilt it"
        )),
        "{}",
        stderr_of(&output)
    );
    assert_eq!(
        dossier.search_json("war", &["--no-refresh"]).total_hits,
        WAR_HITS
    );

    set_schema_version(&dossier, older);
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("5 added"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn an_index_of_a_newer_dossier_is_left_alone() {
    let dossier = indexed_shipped();
    let newer = dossier::index::schema::SCHEMA_VERSION + 1;
    set_schema_version(&dossier, newer);
    let meta = std::fs::read(dossier.index().join("meta.json")).expect("meta");
    let expected = format!(
        "dossier: error: the index at {} cannot be opened: it was written by a newer version of dossier (schema {newer}, this one reads {}); run `{} --rebuild` to build it anew",
        dossier.index().display(),
        dossier::index::schema::SCHEMA_VERSION,
        index_command(&dossier)
    );
    assert_eq!(error_line(&search_no_refresh(&dossier)), expected);
    let refreshing = dossier
        .command(&["search", "war"])
        .output()
        .expect("search");
    assert_eq!(error_line(&refreshing), expected);
    assert_eq!(error_line(&dossier.index_run()), expected);
    assert_eq!(
        std::fs::read(dossier.index().join("meta.json")).expect("meta"),
        meta
    );
    rebuild_repairs(&dossier);
}

#[test]
fn an_index_folder_without_meta_json_is_built_anew() {
    // As an empty folder, or a rebuild killed after it removed meta.json.
    let dossier = indexed_shipped();
    std::fs::remove_file(dossier.index().join("meta.json")).expect("remove");
    let output = dossier
        .command(&["search", "war"])
        .output()
        .expect("search");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    // Said, not done in silence; and the segments no list named are not kept beside.
    let said = stderr_of(&output);
    assert!(said.contains("has lost the list of its segments"), "{said}");
    let results = dossier.search_json("war", &["--no-refresh"]);
    assert_eq!(results.total_hits, WAR_HITS);
    let stores = segment_files(&dossier, "store").len();
    let index_run = dossier
        .command(&["index", "--rebuild"])
        .output()
        .expect("rebuild");
    assert_eq!(index_run.status.code(), Some(0));
    assert_eq!(segment_files(&dossier, "store").len(), stores);

    let dossier = Dossier::shipped();
    std::fs::create_dir(dossier.index()).expect("index folder");
    assert_eq!(dossier.search_json("war", &[]).total_hits, WAR_HITS);
}

/// A run killed after writing a deletion's file and before its commit leaves that file
/// behind; the run again makes the same deletion at the same operation stamp, so tantivy
/// would write a file of the same name, and refused to, for every update after. The file
/// is made here as the killed run made it: by the same run on a copy of the index, its
/// name then listed among the index's files.
#[test]
fn a_deletion_file_left_by_a_killed_run_does_not_block_the_next_run() {
    // Thirty notes, three of them edited: one of the segments that hold them keeps a note
    // not edited, and so a file of deletions (a segment of deleted notes alone is dropped).
    let dossier = Dossier::empty();
    for n in 0..30 {
        dossier.write(&format!("{n:02}.txt"), format!("Note {n}\n\nThe heron.\n"));
    }
    assert!(dossier.index_run().status.success());
    let index = dossier.index();
    let copy = index.with_file_name("index-copy");
    std::fs::create_dir(&copy).unwrap();
    for entry in std::fs::read_dir(&index).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, copy.join(path.file_name().unwrap())).unwrap();
    }
    let files = |folder: &Path| -> Vec<String> {
        std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let before = files(&index);
    for n in [3, 14, 25] {
        dossier.write(
            &format!("{n:02}.txt"),
            format!("Note {n}\n\nThe heron, edited.\n"),
        );
    }
    let on_copy = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["index", "--corpus"])
        .arg(dossier.corpus())
        .arg("--index")
        .arg(&copy)
        .output()
        .unwrap();
    assert!(on_copy.status.success(), "{}", stderr_of(&on_copy));
    let left: Vec<String> = files(&copy)
        .into_iter()
        .filter(|name| name.ends_with(".del") && !before.contains(name))
        .collect();
    assert!(!left.is_empty(), "the update deleted the notes' old texts");
    let managed_path = index.join(".managed.json");
    let mut managed: Vec<String> =
        serde_json::from_slice(&std::fs::read(&managed_path).unwrap()).unwrap();
    for name in &left {
        std::fs::copy(copy.join(name), index.join(name)).unwrap();
        managed.push(name.clone());
    }
    std::fs::write(&managed_path, serde_json::to_vec(&managed).unwrap()).unwrap();

    let again = dossier.index_run();
    assert_eq!(again.status.code(), Some(0), "{}", stderr_of(&again));
    let edited = dossier.search_json("edited", &["--no-refresh"]);
    let mut edited = edited.doc_ids();
    edited.sort();
    assert_eq!(edited, ["03", "14", "25"]);
    assert_eq!(
        dossier.search_json("heron", &["--no-refresh"]).total_hits,
        30
    );
}
