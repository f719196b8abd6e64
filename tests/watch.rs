//! `dossier serve --no-http` (and its old name, `dossier watch`) with the real binary: it
//! keeps the index current itself, what it vouches for, that command-line searches then
//! skip the corpus check and print what they print without it, and that no search ever
//! starts a long-running process.
#![cfg(target_os = "linux")]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use common::{Dossier, stderr_of};
use dossier::engine::watcher as watch;
use dossier::update::fingerprint as freshness;

/// A running `dossier watch` (`dossier serve --no-http`), stopped when dropped.
struct Watcher {
    child: Child,
    /// The lines it wrote to its standard error before it said it was watching.
    said_first: Vec<String>,
    /// The lines it writes to its standard error after that, as it writes them.
    said: Receiver<String>,
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
        let mut said_first = Vec::new();
        loop {
            let mut line = String::new();
            stderr.read_line(&mut line).unwrap();
            assert!(
                !line.is_empty(),
                "watcher did not start: {}",
                said_first.join("")
            );
            if line.contains("watching") {
                break;
            }
            said_first.push(line);
        }
        Watcher {
            child,
            said_first,
            said: said_by(stderr),
        }
    }

    /// The next line of the server's log on an update; fails after 30 s (only how long to
    /// wait before calling it hung), whatever else the server logs meanwhile.
    fn next_update(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let line = self
                .said
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("the server logs its update");
            if line.contains("index updated") {
                return line;
            }
        }
    }

    /// Waits for the next line saying an update failed, and returns it.
    fn next_failure(&self) -> String {
        let line = self
            .said
            .recv_timeout(Duration::from_secs(30))
            .expect("the server says the update failed");
        assert!(line.contains("could not be updated"), "{line}");
        line
    }

    /// Checks that for longer than the wait before a failed update is tried again, the
    /// server says nothing of a failure.
    fn says_no_more_failures(&self) {
        let deadline = Instant::now() + Duration::from_millis(2500);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            if let Ok(line) = self.said.recv_timeout(left) {
                assert!(!line.contains("could not be updated"), "said again: {line}");
            }
        }
    }
}

/// The lines of `stderr`, read on a thread of their own until it ends.
fn said_by(stderr: BufReader<ChildStderr>) -> Receiver<String> {
    let (sender, said) = channel();
    std::thread::spawn(move || {
        for line in stderr.lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    said
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
fn the_server_vouches_for_the_index_and_keeps_it_current_as_documents_change() {
    let dossier = Dossier::shipped();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let _watcher = Watcher::start(&dossier);
    assert!(
        vouched(&dossier),
        "a server started on a current index checks the corpus itself and vouches for it"
    );
    assert_eq!(dossier.search_json("Witkoff", &[]).total_hits, 5);
    assert!(vouched(&dossier));

    // What the indexer passes over does not count.
    dossier.write(".notes.txt", "private");
    dossier.write("song.mp3", "not a document");
    assert!(vouched(&dossier));

    // A document appended to does, and the next search finds what was added (updated by
    // the search or by the server, whichever comes first).
    let mut text = dossier.file_bytes("001_66895d6541d2e960.txt");
    text.extend_from_slice(b"\nThe quokka accord was initialled.\n");
    dossier.write("001_66895d6541d2e960.txt", &text);
    let quokka = dossier.search_json("quokka", &[]);
    assert_eq!(quokka.doc_ids(), ["001_66895d6541d2e960"]);
    // The server updates the index itself and vouches for it again.
    wait_until_vouched(&dossier);
    let quokka = dossier.search_json("quokka", &[]);
    assert_eq!(quokka.doc_ids(), ["001_66895d6541d2e960"]);

    // So do new folders, and what is written in them afterwards.
    dossier.write("new/deeper/memo.md", "The wombat memo.\n");
    assert_eq!(
        dossier.search_json("wombat", &[]).doc_ids(),
        ["new/deeper/memo"]
    );
    wait_until_vouched(&dossier);
    dossier.write("new/deeper/second.md", "The numbat memo.\n");
    assert_eq!(
        dossier.search_json("numbat", &[]).doc_ids(),
        ["new/deeper/second"],
        "a new folder is watched too"
    );

    // And a removed document, which the server takes out of the index without a search.
    std::fs::remove_file(dossier.corpus().join("new/deeper/memo.md")).unwrap();
    wait_until("the server did not update the index", || {
        let output = dossier
            .command(&["search", "wombat", "--no-refresh"])
            .output()
            .unwrap();
        (output.status.code() == Some(1)).then_some(())
    });
    wait_until_vouched(&dossier);
}

#[test]
fn a_server_started_on_a_stale_index_updates_it_before_it_is_ready() {
    let dossier = Dossier::shipped();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    dossier.write("late.txt", "The echidna file came late.\n");
    let _watcher = Watcher::start(&dossier);
    assert!(vouched(&dossier));
    assert_eq!(
        dossier.search_json("echidna", &["--no-refresh"]).doc_ids(),
        ["late"]
    );
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
    assert!(message.contains("already served"), "{message}");

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

/// The hits of a search's `output` as `--json` prints them, each without its
/// rank and score (which BM25 takes from segment statistics that count deleted documents),
/// in ID order, and the number of hits.
fn documents_found(output: std::process::Output) -> (Vec<serde_json::Value>, u64) {
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let found: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut hits: Vec<serde_json::Value> = found["hits"].as_array().unwrap().clone();
    for hit in &mut hits {
        let hit = hit.as_object_mut().unwrap();
        hit.remove("rank");
        hit.remove("score");
    }
    hits.sort_by_key(|hit| hit["doc_id"].as_str().unwrap().to_string());
    (hits, found["total_hits"].as_u64().unwrap())
}

/// An mbox of `count` messages, each speaking of Witkoff.
fn mbox_of(count: usize) -> String {
    (1..=count)
        .map(|n| {
            format!(
                "From envoy{n}@example.org Mon Jan  {n} 09:00:00 2024\n\
                 From: Envoy {n} <envoy{n}@example.org>\n\
                 Subject: Talks, day {n}\n\
                 Date: Mon, {n} Jan 2024 09:00:00 +0000\n\n\
                 Witkoff met envoy {n} about the kangaroo clause.\n\n"
            )
        })
        .collect()
}

#[test]
fn updates_of_the_files_the_events_name_leave_the_index_a_full_update_makes() {
    let dossier = Dossier::shipped();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("elsewhere.txt"), "Witkoff elsewhere.\n").unwrap();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let watcher = Watcher::start(&dossier);
    let corpus = dossier.corpus();
    // After each change, what the server's log says the update looked at: a new folder and
    // a `metadata.tsv` are only known by a walk of the whole corpus.
    let whole = "walking the whole corpus";
    let updated = |change: &str, looked_at: &str| {
        let logged = watcher.next_update();
        assert!(logged.contains(looked_at), "{change}: {logged}");
        wait_until_vouched(&dossier);
    };
    let one = "looking at 1 file:";
    let two = "looking at 2 files:";
    dossier.write("added.txt", "Witkoff added a wallaby.\n");
    updated("a file added", one);
    let mut text = dossier.file_bytes("001_66895d6541d2e960.txt");
    text.extend_from_slice(b"\nWitkoff initialled the quokka accord.\n");
    dossier.write("001_66895d6541d2e960.txt", text);
    updated("a file changed", one);
    std::fs::remove_file(corpus.join("002_ecfde2e7f9f4abad.txt")).unwrap();
    updated("a file removed", one);
    let renamed = corpus.join("renamed.md");
    std::fs::rename(corpus.join("003_66d2ee1fe4b90a87.txt"), renamed).unwrap();
    updated("a file renamed", two);
    dossier.write("new/deeper/memo.md", "Witkoff's wombat memo.\n");
    updated("a file in a new folder", whole);
    dossier.write("new/deeper/second.txt", "Witkoff's numbat memo.\n");
    updated("a second file there", one);
    // `notes.md` has the ID `notes`, then `notes.txt` is known as `notes.txt`, then takes
    // `notes` once `notes.md` is gone.
    dossier.write("notes.md", "Witkoff's notes, first.\n");
    updated("a file whose ID another wants", one);
    dossier.write("notes.txt", "Witkoff's notes, second.\n");
    updated("the other", two);
    std::fs::remove_file(corpus.join("notes.md")).unwrap();
    updated("the first one removed", two);
    dossier.write("mail.mbox", mbox_of(2));
    updated("an mbox", one);
    dossier.write("mail.mbox", mbox_of(3));
    updated("a message more", one);
    let elsewhere = outside.path().join("elsewhere.txt");
    std::os::unix::fs::symlink(elsewhere, corpus.join("outside.txt")).unwrap();
    updated("a link out of the corpus", one);
    let listed = "id\tdate\tlang\ndeeper/second\t2001-02-03\tde\n";
    dossier.write("new/metadata.tsv", listed);
    updated("dates and languages listed", whole);
    dossier.write("new/deeper/second.txt", "Witkoff's numbat memo, amended.\n");
    updated("a listed file changed", one);

    // What the server serves (it vouches for the index) is what a full build of the same
    // corpus holds.
    let search = ["search", "Witkoff", "--json", "--limit", "100"];
    let served = documents_found(dossier.command(&search).output().unwrap());
    let fresh = dossier.dir.path().join("fresh-index");
    let on_fresh = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
        command
            .args(args)
            .arg("--corpus")
            .arg(&corpus)
            .arg("--index")
            .arg(&fresh);
        command
    };
    let built = on_fresh(&["index"]).output().unwrap();
    // Exit code 1: the link out of the corpus is skipped, and said so.
    assert_eq!(built.status.code(), Some(1), "{}", stderr_of(&built));
    assert!(
        stderr_of(&built).contains("skipped"),
        "{}",
        stderr_of(&built)
    );
    assert_eq!(served, documents_found(on_fresh(&search).output().unwrap()));
    let ids: Vec<&str> = served
        .0
        .iter()
        .map(|hit| hit["doc_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "000_eea6b4a974d0f11e",
            "001_66895d6541d2e960",
            "004_cfbd965501cddc54",
            "added",
            "mail//1",
            "mail//2",
            "mail//3",
            "new/deeper/memo",
            "new/deeper/second",
            "notes",
            "renamed"
        ]
    );
    let second = served
        .0
        .iter()
        .find(|hit| hit["doc_id"] == "new/deeper/second")
        .unwrap();
    assert_eq!(second["date"], "2001-02-03", "{second}");
}

/// Waits until the server vouches for the index again (after an update).
fn wait_until_vouched(dossier: &Dossier) {
    wait_until("the server did not vouch again", || {
        vouched(dossier).then_some(())
    });
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

/// The processes, other than this test's, whose command line names `path`.
fn processes_naming(path: &Path) -> Vec<String> {
    let path = path.to_string_lossy().into_owned();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let pid = entry.file_name().to_string_lossy().into_owned();
        if !pid.chars().all(|c| c.is_ascii_digit()) || pid == std::process::id().to_string() {
            continue;
        }
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(&path) {
            found.push(format!("{pid}: {cmdline}"));
        }
    }
    found
}

#[test]
fn a_search_of_a_large_corpus_starts_no_process() {
    let dossier = indexed_corpus_of(1000);
    dossier.write("part3/memo3.txt", "Memo 3 now speaks of the bilby.\n");
    let search = dossier
        .command(&["search", "bilby", "--json"])
        .output()
        .unwrap();
    assert_eq!(search.status.code(), Some(0), "{}", stderr_of(&search));
    assert!(
        !stderr_of(&search).contains("watcher"),
        "{}",
        stderr_of(&search)
    );
    assert_eq!(watch::ask(&dossier.index(), &dossier.corpus()), None);
    assert!(!dossier.index().join(watch::SOCKET_FILE).exists());
    assert_eq!(processes_naming(dossier.dir.path()), Vec::<String>::new());
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

/// Searches sent at once are each run by the server, whichever of its threads takes them,
/// and it goes on watching after them.
#[test]
fn searches_sent_at_once_are_all_served_and_the_watching_goes_on() {
    // A write through a hard link from outside the corpus is a change only a search that
    // checks the corpus itself sees: one the server runs finds nothing.
    let dossier = Dossier::empty();
    dossier.write("memo.txt", "The first draft.\n");
    let outside = dossier.dir.path().join("outside-link.txt");
    std::fs::hard_link(dossier.corpus().join("memo.txt"), &outside).unwrap();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let watcher = Watcher::start(&dossier);
    std::fs::write(&outside, "The platypus clause was added.\n").unwrap();
    assert!(vouched(&dossier));
    let searches: Vec<std::process::Child> = (0..8)
        .map(|_| {
            dossier
                .process(&["search", "platypus OR draft"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for search in searches {
        let output = search.wait_with_output().unwrap();
        let (stdout, stderr, code) = printed(&output);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stdout.contains("**draft**"), "served: {stdout}");
        assert!(!stdout.contains("platypus"), "served: {stdout}");
    }

    assert!(vouched(&dossier), "the server still answers");
    dossier.write("late.txt", "The numbat file came late.\n");
    watcher.next_update();
    wait_until_vouched(&dossier);
    assert_eq!(
        dossier.search_json("numbat", &["--no-refresh"]).doc_ids(),
        ["late"]
    );
}

/// A client that sends its request a byte at a time holds the server a quarter of a
/// second at most, not for as long as it goes on.
#[test]
fn a_client_that_sends_slowly_does_not_hold_the_server() {
    use std::io::Write;
    let dossier = Dossier::shipped();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let _watcher = Watcher::start(&dossier);
    let mut slow =
        std::os::unix::net::UnixStream::connect(dossier.index().join(watch::SOCKET_FILE)).unwrap();
    let dripping = std::thread::spawn(move || {
        for _ in 0..40 {
            if slow.write_all(b"a").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        vouched(&dossier),
        "the server answers while the slow client drips"
    );
    dripping.join().unwrap();
}

/// An update that fails when the server starts (another process holds the index) is tried
/// again, with no file changing meanwhile.
#[test]
fn a_first_update_that_fails_is_tried_again() {
    let dossier = Dossier::shipped();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    dossier.write("late.txt", "The bilby file came late.\n");
    let held = dossier::index::lock::UpdateLock::acquire(&dossier.index()).unwrap();
    let watcher = Watcher::start(&dossier);
    assert!(
        watcher.said_first.concat().contains("could not be updated"),
        "{:?}",
        watcher.said_first
    );
    drop(held);
    watcher.next_update();
    assert_eq!(
        dossier.search_json("bilby", &["--no-refresh"]).doc_ids(),
        ["late"]
    );
}

/// A first update that fails for a reason waiting will not change (the corpus is empty: a
/// drive not mounted, say) is said once and not tried again until something changes.
#[test]
fn a_first_update_that_cannot_succeed_is_not_tried_again_and_again() {
    let dossier = Dossier::shipped();
    assert_eq!(dossier.index_run().status.code(), Some(0));
    for entry in std::fs::read_dir(dossier.corpus()).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    let watcher = Watcher::start(&dossier);
    let said = watcher.said_first.concat();
    assert!(said.contains("could not be updated"), "{said}");
    assert!(said.contains("trying again after a change"), "{said}");
    watcher.says_no_more_failures();
}

/// While the server runs, an update that fails for a reason waiting will not change is
/// said once and tried again only once the corpus changes; one that found the index busy
/// is tried again until it succeeds, and said once.
#[test]
fn a_failed_update_is_tried_again_when_it_can_succeed() {
    let dossier = Dossier::empty();
    dossier.write("notes/first.txt", "Notes\n\nThe first of them.\n");
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let watcher = Watcher::start(&dossier);
    // A folder gone makes the update walk the whole corpus, now empty: refused.
    std::fs::remove_dir_all(dossier.corpus().join("notes")).unwrap();
    let line = watcher.next_failure();
    assert!(line.contains("trying again after a change"), "{line}");
    watcher.says_no_more_failures();

    let held = dossier::index::lock::UpdateLock::acquire(&dossier.index()).unwrap();
    dossier.write("late.txt", "The bilby file came late.\n");
    let line = watcher.next_failure();
    assert!(line.ends_with("trying again"), "{line}");
    watcher.says_no_more_failures();
    drop(held);
    watcher.next_update();
    assert_eq!(
        dossier.search_json("bilby", &["--no-refresh"]).doc_ids(),
        ["late"]
    );
}

/// The server keeps what it read beside the index (the common words that spelling
/// suggestions come from) for one commit only: after an update, a served search suggests
/// from the words the corpus has now, as a search without the server does.
#[test]
fn a_served_search_suggests_from_the_index_as_updated() {
    let dossier = Dossier::empty();
    for i in 0..2 {
        dossier.write(&format!("common{i}.txt"), "Notes\n\nDmitriev spoke.\n");
    }
    dossier.write("rare.txt", "Notes\n\nDimitriev spoke.\n");
    assert_eq!(dossier.index_run().status.code(), Some(0));
    let watcher = Watcher::start(&dossier);
    assert!(vouched(&dossier));
    let (_, stderr, code) = printed(&dossier.command(&["search", "Dimitriev"]).output().unwrap());
    assert_eq!(code, Some(0));
    assert!(
        !stderr.contains("did you mean"),
        "2 documents are not many more than 1: {stderr}"
    );

    for i in 2..4 {
        dossier.write(&format!("common{i}.txt"), "Notes\n\nDmitriev spoke.\n");
    }
    watcher.next_update();
    wait_until_vouched(&dossier);
    let served = dossier.command(&["search", "Dimitriev"]).output().unwrap();
    let (_, stderr, code) = printed(&served);
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains("Dimitriev: 1 document; Dmitriev: 4 documents"),
        "{stderr}"
    );
    let here = dossier
        .command(&["search", "Dimitriev", "--no-refresh"])
        .output()
        .unwrap();
    assert_eq!(printed(&served), printed(&here));
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
