//! `dossier watch` with the real binary: what it vouches for, what makes it stop vouching,
//! and that searches then skip the corpus check.
#![cfg(target_os = "linux")]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Dossier, stderr_of};
use dossier::engine::watcher as watch;
use dossier::update::fingerprint as freshness;

/// A running `dossier watch`, stopped when dropped.
struct Watcher {
    child: Child,
    /// Kept open: what the watcher says when it stops must have somewhere to go.
    stderr: BufReader<ChildStderr>,
}

impl Watcher {
    /// Starts a watcher and waits until it says it is watching.
    fn start(dossier: &Dossier) -> Watcher {
        Watcher::start_with(dossier, &[])
    }

    /// [`Watcher::start`] with more arguments.
    fn start_with(dossier: &Dossier, args: &[&str]) -> Watcher {
        Watcher::start_from(Path::new(env!("CARGO_BIN_EXE_dossier")), dossier, args)
    }

    /// [`Watcher::start_with`], running the executable `exe`.
    fn start_from(exe: &Path, dossier: &Dossier, args: &[&str]) -> Watcher {
        let mut child = Command::new(exe)
            .arg("watch")
            .args(args)
            .arg("--corpus")
            .arg(dossier.corpus())
            .arg("--index")
            .arg(dossier.index())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dossier watch");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        assert!(line.contains("watching"), "watcher did not start: {line}");
        Watcher { child, stderr }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether the watcher vouches for the index as it is now.
fn vouched(dossier: &Dossier) -> bool {
    let answer = watch::ask(&dossier.index(), &dossier.corpus()).expect("the watcher answers");
    answer.vouches_for(freshness::recorded(&dossier.index()))
}

#[test]
fn the_watcher_vouches_for_the_index_until_a_document_changes() {
    let dossier = Dossier::shipped();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let _watcher = Watcher::start(&dossier);
    assert!(
        vouched(&dossier),
        "a watcher started on a current index checks the corpus itself and vouches for it"
    );
    assert_eq!(dossier.search_json("Witkoff", &[]).total_hits, 5);
    assert!(vouched(&dossier));

    // What the indexer passes over does not count.
    dossier.write(".notes.txt", "private");
    dossier.write("song.mp3", "not a document");
    assert!(vouched(&dossier));

    // A document appended to does, and the next search finds what was added.
    let mut text = dossier.file_bytes("001_66895d6541d2e960.txt");
    text.extend_from_slice(b"\nThe quokka accord was initialled.\n");
    dossier.write("001_66895d6541d2e960.txt", &text);
    assert!(!vouched(&dossier));
    let quokka = dossier.search_json("quokka", &[]);
    assert_eq!(quokka.doc_ids(), ["001_66895d6541d2e960"]);
    assert!(vouched(&dossier));
    // Run by the watcher now, on the index it opens anew after the update.
    let quokka = dossier.search_json("quokka", &[]);
    assert_eq!(quokka.doc_ids(), ["001_66895d6541d2e960"]);

    // So do new folders, and what is written in them afterwards.
    dossier.write("new/deeper/memo.md", "The wombat memo.\n");
    assert!(!vouched(&dossier));
    assert_eq!(
        dossier.search_json("wombat", &[]).doc_ids(),
        ["new/deeper/memo"]
    );
    assert!(vouched(&dossier));
    dossier.write("new/deeper/second.md", "The numbat memo.\n");
    assert!(!vouched(&dossier), "a new folder is watched too");
    assert_eq!(
        dossier.search_json("numbat", &[]).doc_ids(),
        ["new/deeper/second"]
    );

    // And a removed document. `dossier index` tells the watcher too.
    std::fs::remove_file(dossier.corpus().join("new/deeper/memo.md")).unwrap();
    assert!(!vouched(&dossier));
    assert_eq!(dossier.index_run().status.code(), Some(0));
    assert!(vouched(&dossier));
    assert_eq!(dossier.search_json("wombat", &[]).total_hits, 0);
}

#[test]
fn a_watcher_started_on_a_stale_index_vouches_once_a_search_updated_it() {
    let dossier = Dossier::shipped();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    dossier.write("late.txt", "The echidna file came late.\n");
    let _watcher = Watcher::start(&dossier);
    assert!(!vouched(&dossier));
    assert_eq!(dossier.search_json("echidna", &[]).doc_ids(), ["late"]);
    assert!(vouched(&dossier));
}

#[test]
fn while_watched_a_search_skips_the_corpus_check() {
    // A write through a hard link from outside the corpus is the one change inotify does
    // not report: the watcher vouches, the search believes it, and the change waits until
    // the watcher stops and the corpus check sees the file's new size.
    let dossier = Dossier::empty();
    dossier.write("memo.txt", "The first draft.\n");
    let outside = dossier.dir.path().join("outside-link.txt");
    std::fs::hard_link(dossier.corpus().join("memo.txt"), &outside).unwrap();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let watcher = Watcher::start(&dossier);
    assert_eq!(dossier.search_json("draft", &[]).total_hits, 1);

    std::fs::write(&outside, "The platypus clause was added.\n").unwrap();
    assert!(vouched(&dossier));
    assert_eq!(dossier.search_json("platypus", &[]).total_hits, 0);

    drop(watcher);
    assert_eq!(dossier.search_json("platypus", &[]).total_hits, 1);
}

#[test]
fn one_watcher_per_index_and_a_stopped_one_can_be_replaced() {
    let dossier = Dossier::shipped();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let first = Watcher::start(&dossier);

    let second = dossier.command(&["watch"]).output().unwrap();
    assert_eq!(second.status.code(), Some(2));
    let message = stderr_of(&second);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("already watched"), "{message}");

    // Killed, it leaves its socket behind; nothing answers there, and a search checks the
    // corpus itself.
    drop(first);
    assert_eq!(watch::ask(&dossier.index(), &dossier.corpus()), None);
    assert_eq!(dossier.search_json("Witkoff", &[]).total_hits, 5);
    let _replacement = Watcher::start(&dossier);
    assert_eq!(dossier.search_json("Witkoff", &[]).total_hits, 5);
    assert!(vouched(&dossier));
}

#[test]
fn a_watcher_of_another_corpus_is_not_believed() {
    let dossier = Dossier::shipped();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let _watcher = Watcher::start(&dossier);
    let elsewhere = tempfile::tempdir().unwrap();
    assert_eq!(watch::ask(&dossier.index(), elsewhere.path()), None);
}

#[test]
fn removing_the_index_folder_stops_the_watcher() {
    let dossier = Dossier::shipped();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let mut watcher = Watcher::start(&dossier);
    std::fs::remove_dir_all(dossier.index()).unwrap();
    let status = wait_until("the watcher did not stop", || {
        watcher.child.try_wait().unwrap()
    });
    assert_eq!(status.code(), Some(0));
}

/// Waits until `ready` gives something, failing with `what` after 30 s: only how long to
/// wait before calling it hung, not a timing of dossier.
fn wait_until<T>(what: &str, mut ready: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(found) = ready() {
            return found;
        }
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_watcher_with_an_idle_timeout_stops_once_no_search_asks() {
    let dossier = Dossier::shipped();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let mut watcher = Watcher::start_with(&dossier, &["--idle-timeout", "2"]);

    // Asked every fifth of a second for twice its timeout, it keeps answering.
    let asked_until = Instant::now() + Duration::from_secs(4);
    while Instant::now() < asked_until {
        assert!(watch::ask(&dossier.index(), &dossier.corpus()).is_some());
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(watcher.child.try_wait().unwrap().is_none());

    let stopped = wait_until("the idle watcher did not stop", || {
        watcher.child.try_wait().unwrap()
    });
    assert_eq!(stopped.code(), Some(0));
    let mut line = String::new();
    watcher.stderr.read_line(&mut line).unwrap();
    assert!(line.contains("no search asked"), "{line}");
    assert!(!dossier.index().join(watch::SOCKET_FILE).exists());
    assert_eq!(dossier.search_json("Witkoff", &[]).total_hits, 5);
}

/// A corpus of `count` short documents, each with a word of its own, and its index.
fn indexed_corpus_of(count: usize) -> Dossier {
    let dossier = Dossier::empty();
    for n in 0..count {
        dossier.write(
            &format!("part{}/memo{n}.txt", n % 20),
            format!("Memo {n}: the word of the day is marker{n}.\n"),
        );
    }
    assert_eq!(dossier.index_run().status.code(), Some(0));
    dossier
}

/// The process ID in a search's note that it started a watcher, if it did.
fn watcher_started(search: &std::process::Output) -> Option<u32> {
    let message = stderr_of(search);
    let (_, after) = message.split_once("started a watcher (process ")?;
    after.split(')').next()?.parse().ok()
}

#[test]
fn a_search_of_a_large_corpus_starts_a_watcher_for_the_searches_after_it() {
    let dossier = indexed_corpus_of(1000);
    let search = |word: &str| {
        dossier
            .command(&["search", word, "--json"])
            .env_remove("DOSSIER_NO_AUTO_WATCH")
            .output()
            .unwrap()
    };

    // Not when the user said not to.
    let declined = dossier
        .command(&["search", "marker7"])
        .env("DOSSIER_NO_AUTO_WATCH", "1")
        .output()
        .unwrap();
    assert_eq!(declined.status.code(), Some(0));
    assert_eq!(watcher_started(&declined), None, "{}", stderr_of(&declined));

    let first = search("marker7");
    assert_eq!(first.status.code(), Some(0));
    let process = watcher_started(&first).expect("a watcher was started");
    wait_until("the watcher never answered", || {
        watch::ask(&dossier.index(), &dossier.corpus())
    });
    assert!(vouched(&dossier), "it checked the corpus itself");

    let second = search("marker8");
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(watcher_started(&second), None, "one is running");
    // The searches it answers for still see every change.
    dossier.write("part3/memo3.txt", "Memo 3 now speaks of the bilby.\n");
    assert_eq!(dossier.search_json("bilby", &[]).doc_ids(), ["part3/memo3"]);
    assert_eq!(dossier.search_json("marker3", &[]).total_hits, 0);

    // It is a watcher like any other: removing the index folder stops it.
    // A zombie counts as stopped: whether it is reaped at once depends on the system's init.
    let alive = || {
        std::fs::read_to_string(format!("/proc/{process}/stat")).is_ok_and(|stat| {
            stat.rsplit(") ")
                .next()
                .is_some_and(|s| !s.starts_with('Z'))
        })
    };
    assert!(alive());
    std::fs::remove_dir_all(dossier.index()).unwrap();
    wait_until("the started watcher did not stop", || {
        (!alive()).then_some(())
    });
}

#[test]
fn a_search_starts_no_watcher_that_searches_could_not_reach() {
    // The socket's absolute path is longer than an address holds; a relative one that fits
    // is reached, by a watcher started from within the index folder.
    let dossier = indexed_corpus_of(1000);
    let deep = Path::new("a".repeat(60).as_str()).join("b".repeat(60));
    std::fs::create_dir_all(dossier.dir.path().join(&deep)).unwrap();
    std::fs::rename(
        dossier.index(),
        dossier.dir.path().join(&deep).join("index"),
    )
    .unwrap();
    let search = |index: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
            .current_dir(dossier.dir.path().join(&deep))
            .args(["search", "marker5", "--corpus"])
            .arg(dossier.corpus())
            .arg("--index")
            .arg(index)
            .env_remove("DOSSIER_NO_AUTO_WATCH")
            .output()
            .unwrap()
    };

    let absolute = search(&dossier.dir.path().join(&deep).join("index"));
    assert_eq!(absolute.status.code(), Some(0));
    assert_eq!(watcher_started(&absolute), None, "{}", stderr_of(&absolute));

    let relative = search(Path::new("index"));
    assert_eq!(relative.status.code(), Some(0));
    assert!(watcher_started(&relative).is_some());
    let index = dossier.dir.path().join(&deep).join("index");
    wait_until("the watcher never listened", || {
        index.join(watch::SOCKET_FILE).exists().then_some(())
    });
    let answered = search(Path::new("index"));
    assert_eq!(watcher_started(&answered), None, "the watcher answered it");
    std::fs::remove_dir_all(index).unwrap();
}

#[test]
fn a_search_of_a_small_corpus_starts_no_watcher() {
    let dossier = Dossier::shipped();
    let search = dossier
        .command(&["search", "Witkoff"])
        .env_remove("DOSSIER_NO_AUTO_WATCH")
        .output()
        .unwrap();
    assert_eq!(search.status.code(), Some(0));
    assert_eq!(watcher_started(&search), None);
    assert_eq!(watch::ask(&dossier.index(), &dossier.corpus()), None);
}

#[test]
fn a_missing_corpus_is_one_line_and_leaves_nothing_behind() {
    let dossier = Dossier::empty();
    std::fs::remove_dir(dossier.corpus()).unwrap();
    let output = dossier.command(&["watch"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = stderr_of(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("cannot be read"), "{message}");
    assert!(!dossier.index().exists());
}

/// What a search printed: stdout, stderr and exit code.
fn printed(output: &std::process::Output) -> (String, String, Option<i32>) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr_of(output),
        output.status.code(),
    )
}

/// A watcher that vouches for the index runs searches itself, on the index it keeps open,
/// and they print what a search run here prints.
#[test]
fn a_watcher_that_vouches_runs_searches_itself_and_they_print_the_same() {
    let dossier = Dossier::shipped();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let _watcher = Watcher::start(&dossier);
    assert!(vouched(&dossier));
    let searches: [&[&str]; 6] = [
        &["search", "Witkoff"],
        &["search", "\"Presidents come and go\"", "--color", "always"],
        &["search", "Dimitriev", "--json", "--limit", "2"],
        &["search", "negotiat*", "--passages", "1", "--id", "00*"],
        &["search", "Witkof"],
        &["search", "quokka"],
    ];
    for args in searches {
        let served = dossier.command(args).output().unwrap();
        let here = dossier.command(args).arg("--no-refresh").output().unwrap();
        assert_eq!(printed(&served), printed(&here), "{args:?}");
    }

    // A search that opened the index now would fail, but the watcher has the old files open.
    replace_segment_files_with_damaged_ones(&dossier);
    let here = dossier
        .command(&["search", "Witkoff", "--no-refresh"])
        .output()
        .unwrap();
    assert_eq!(here.status.code(), Some(2), "{}", stderr_of(&here));
    let served = dossier.command(&["search", "Witkoff"]).output().unwrap();
    assert_eq!(served.status.code(), Some(0), "{}", stderr_of(&served));
    assert!(String::from_utf8_lossy(&served.stdout).contains("Witkoff"));
}

/// Replaces each segment file of the index by a damaged one under the same name: a
/// process that has the index open keeps reading the old files.
fn replace_segment_files_with_damaged_ones(dossier: &Dossier) {
    for entry in std::fs::read_dir(dossier.index()).unwrap() {
        let path = entry.unwrap().path();
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if ["idx", "pos", "term", "store"].contains(&extension) {
            let damaged = path.with_extension("damaged");
            std::fs::write(&damaged, b"damaged").unwrap();
            std::fs::rename(&damaged, &path).unwrap();
        }
    }
}

/// A watcher of another build (here, a copy of the executable written later) answers, but
/// leaves the search to the process the user ran.
#[test]
fn a_watcher_of_another_build_does_not_run_searches() {
    let dossier = Dossier::shipped();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let other_build = dossier.dir.path().join("dossier-other-build");
    std::fs::copy(env!("CARGO_BIN_EXE_dossier"), &other_build).unwrap();
    let _watcher = Watcher::start_from(&other_build, &dossier, &[]);
    assert!(vouched(&dossier));
    assert_eq!(dossier.search_json("Witkoff", &[]).total_hits, 5);
    replace_segment_files_with_damaged_ones(&dossier);
    let output = dossier.command(&["search", "Witkoff"]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "run here: {}",
        stderr_of(&output)
    );
}
