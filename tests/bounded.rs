//! Every file's reading is bounded: each format but plain text is read in a worker process,
//! and a reader stopped by the time limit, by the memory limit or by a signal costs that
//! file alone. The file is skipped with its reason, its neighbours are indexed, and it is
//! read again once it changes or when asked. The limits are lowered through the environment
//! (`DOSSIER_READ_TIME_LIMIT_MS`, `DOSSIER_READ_MEMORY_LIMIT_MIB`) so that real readers
//! pass them on a real mailbox made large.

mod common;

use std::collections::BTreeMap;
use std::process::Stdio;

use common::{Dossier, stderr_of, summary};

fn shared(name: &str) -> Vec<u8> {
    std::fs::read(common::shared_data("formats").join(name)).expect("shared test file")
}

/// The real mailbox of the shared formats, its three messages again and again: `copies`
/// times 9.5 KiB.
fn large_mailbox(copies: usize) -> Vec<u8> {
    shared("apache-httpd-dev.mbox").repeat(copies)
}

/// The IDs of the documents where `phrase` stands.
fn found_in(dossier: &Dossier, phrase: &str) -> Vec<String> {
    let results = dossier.search_json(&format!("\"{phrase}\""), &[]);
    let mut ids: Vec<String> = results.doc_ids().iter().map(|id| id.to_string()).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// How many documents hold `phrase`.
fn hits(dossier: &Dossier, phrase: &str) -> u64 {
    dossier
        .search_json(&format!("\"{phrase}\""), &[])
        .total_hits as u64
}

/// Neighbours read by workers and in the indexing process: a file, a phrase of it, and the
/// document where the phrase stands.
const NEIGHBOURS: [(&str, &str, &str); 4] = [
    (
        "fake-html.html",
        "if the cow comes home under the sun",
        "fake-html",
    ),
    (
        "dovecot-009.eml",
        "this is the first part of the message",
        "dovecot-009//attachment-1",
    ),
    (
        "eng_spa_mult.docx",
        "Todos los seres humanos nacen libres e iguales",
        "eng_spa_mult",
    ),
    ("memo.txt", "the ocelot memo of the fourth of May", "memo"),
];

fn add_neighbours(dossier: &Dossier) {
    for (name, phrase, _) in NEIGHBOURS {
        if name.ends_with(".txt") {
            dossier.write(name, format!("Memo\n{phrase}\n"));
        } else {
            dossier.write(name, shared(name));
        }
    }
}

fn assert_neighbours_found(dossier: &Dossier) {
    for (name, phrase, id) in NEIGHBOURS {
        assert_eq!(found_in(dossier, phrase), [id], "{name}");
    }
}

#[test]
fn a_reader_past_the_memory_limit_costs_its_file_alone() {
    let dossier = Dossier::empty();
    add_neighbours(&dossier);
    dossier.write("large.mbox", large_mailbox(2000));
    let output = dossier
        .command(&["index"])
        .env("DOSSIER_READ_MEMORY_LIMIT_MIB", "64")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert_eq!(
        dossier.skipped(&output),
        BTreeMap::from([(
            "large.mbox".to_string(),
            "reading it ran out of memory (limit 64 MiB); it was stopped \
             (a damaged or hostile file?)"
                .to_string()
        )])
    );
    assert!(
        summary(&output).contains("4 added, 0 updated, 0 removed, 0 unchanged, 1 skipped"),
        "{}",
        summary(&output)
    );
    assert_neighbours_found(&dossier);
    assert!(found_in(&dossier, "Actual work on authentication").is_empty());

    // Remembered: the next run lists it again without reading it.
    let again = dossier
        .command(&["index"])
        .env("DOSSIER_READ_MEMORY_LIMIT_MIB", "64")
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(summary(&again).contains("0 added"), "{}", summary(&again));
    assert!(
        dossier.skipped(&again)["large.mbox"].contains("ran out of memory"),
        "{}",
        stderr_of(&again)
    );

    // With room to read it, asked to: all its messages are read.
    let retried = dossier
        .command(&["index", "--retry-skipped"])
        .output()
        .unwrap();
    assert_eq!(retried.status.code(), Some(0), "{}", stderr_of(&retried));
    assert_eq!(hits(&dossier, "Actual work on authentication"), 2000);
    let ids = found_in(&dossier, "Actual work on authentication");
    assert!(ids.iter().all(|id| id.starts_with("large//")), "{ids:?}");
    assert_neighbours_found(&dossier);
}

#[test]
fn a_reader_past_the_time_limit_is_stopped_and_its_file_read_once_it_changes() {
    let dossier = Dossier::empty();
    dossier.write("memo.txt", "Memo\nthe ocelot memo of the fourth of May\n");
    dossier.write("notes/plan.md", "# Plan\nwatch the river crossing\n");
    // Read by pdftotext, for longer than the limit: a program's own time limit adds to it.
    dossier.write("notes/GeoTopo.pdf", shared("GeoTopo-komprimiert.pdf"));
    dossier.write("large.mbox", large_mailbox(4000));
    let limited = |dossier: &Dossier| {
        dossier
            .command(&["index"])
            .env("DOSSIER_READ_TIME_LIMIT_MS", "300")
            .output()
            .unwrap()
    };
    let output = limited(&dossier);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert_eq!(
        dossier.skipped(&output),
        BTreeMap::from([(
            "large.mbox".to_string(),
            "reading it took longer than 300 ms; it was stopped (a damaged or hostile file?)"
                .to_string()
        )])
    );
    assert!(
        summary(&output).contains("3 added, 0 updated, 0 removed, 0 unchanged, 1 skipped"),
        "{}",
        summary(&output)
    );
    assert_eq!(found_in(&dossier, "the ocelot memo"), ["memo"]);
    assert_eq!(
        found_in(&dossier, "watch the river crossing"),
        ["notes/plan"]
    );

    // Changed (cut down to the mailbox it was made of), it is read, within the same limit.
    dossier.write("large.mbox", shared("apache-httpd-dev.mbox"));
    let changed = limited(&dossier);
    assert_eq!(changed.status.code(), Some(0), "{}", stderr_of(&changed));
    assert!(
        summary(&changed).contains("1 added, 0 updated, 0 removed, 3 unchanged, 0 skipped"),
        "{}",
        summary(&changed)
    );
    let ids = found_in(&dossier, "Actual work on authentication");
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert!(ids[0].starts_with("large//"), "{ids:?}");
}

/// The processes whose parent is `pid`, with their command lines.
fn children_of(pid: u32) -> Vec<(u32, String)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|child| {
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).ok()?;
            // `PID (NAME) STATE PPID ...`: the name may hold spaces, not `)`.
            let parent: u32 = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            let command = std::fs::read(format!("/proc/{child}/cmdline")).ok()?;
            let command = String::from_utf8_lossy(&command).replace('\0', " ");
            (parent == pid).then_some((child, command))
        })
        .collect()
}

#[test]
fn a_reader_killed_by_a_signal_costs_its_file_alone() {
    let dossier = Dossier::empty();
    dossier.write("memo.txt", "Memo\nthe ocelot memo of the fourth of May\n");
    dossier.write("large.mbox", large_mailbox(4000));
    let child = dossier
        .process(&["index"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The worker starts for the mailbox, the one file a worker reads, and reads it for a
    // while: it is killed as it reads.
    let worker = loop {
        let workers: Vec<u32> = children_of(child.id())
            .into_iter()
            .filter(|(_, command)| command.contains(" read-worker "))
            .map(|(pid, _)| pid)
            .collect();
        if let Some(&worker) = workers.first() {
            break worker;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &worker.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert_eq!(
        dossier.skipped(&output),
        BTreeMap::from([(
            "large.mbox".to_string(),
            "its reader crashed (it was killed by SIGKILL, by hand or by the system short of \
             memory); a damaged or hostile file?"
                .to_string()
        )])
    );
    assert_eq!(found_in(&dossier, "the ocelot memo"), ["memo"]);
    assert!(
        !std::path::Path::new(&format!("/proc/{worker}")).exists(),
        "the worker was waited for"
    );

    // Asked to, it is read again.
    let retried = dossier
        .command(&["index", "--retry-skipped"])
        .output()
        .unwrap();
    assert!(
        dossier.skipped(&retried).is_empty(),
        "{}",
        stderr_of(&retried)
    );
    assert!(hits(&dossier, "Actual work on authentication") > 3000);
}

#[test]
fn a_file_whose_name_is_not_utf8_is_read_by_a_worker() {
    use std::os::unix::ffi::OsStrExt;
    let dossier = Dossier::empty();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9 page.html");
    std::fs::write(dossier.corpus().join(name), shared("fake-html.html")).unwrap();
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(hits(&dossier, "if the cow comes home under the sun"), 1);
}

/// Whether the process `pid` is gone (or dead, waiting to be reaped by whoever adopted it).
fn is_gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

/// A folder of poppler's programs that hang (each a minute), and a `PATH` that finds them
/// before the real ones.
fn hanging_poppler() -> (tempfile::TempDir, String) {
    let programs = tempfile::tempdir().unwrap();
    for name in ["pdfinfo", "pdftotext", "pdftoppm"] {
        let path = programs.path().join(name);
        std::fs::write(&path, "#!/bin/sh\nexec sleep 60\n").unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
    }
    let path = format!(
        "{}:{}",
        programs.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (programs, path)
}

/// A ZIP archive of `entries` (name, bytes), stored in this order.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// Each program a reader runs has a time limit of its own; one file, whatever it holds, has
/// one in all. Three PDFs in a ZIP whose `pdftotext` hangs took three times pdftotext's
/// minute, and 10,000 would have taken a week.
#[test]
fn a_file_and_the_documents_inside_it_are_read_within_one_time_limit() {
    let dossier = Dossier::empty();
    dossier.write("memo.txt", "Memo\nthe ocelot memo of the fourth of May\n");
    let pdf = shared("gao-23-106826.pdf");
    let first = b"Note\nthe heron note read first\n";
    let last = b"Note\nthe egret note that comes last\n";
    dossier.write(
        "bundle.zip",
        zip_of(&[
            ("first.txt", first),
            ("b.pdf", &pdf),
            ("c.pdf", &pdf),
            ("d.pdf", &pdf),
            ("last.txt", last),
        ]),
    );
    dossier.write("report.pdf", &pdf);
    let (_programs, path) = hanging_poppler();
    let started = std::time::Instant::now();
    let output = dossier
        .command(&["index"])
        .env("PATH", path)
        .env("DOSSIER_READ_TIME_LIMIT_MS", "1000")
        .env("DOSSIER_READ_FILE_TIME_LIMIT_MS", "3000")
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_secs(30),
        "took {took:?}: {}",
        stderr_of(&output)
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    // What the archive's reading did not reach in time is skipped, each with the reason;
    // what it read before is kept.
    let out_of_time = "its file took longer than 3 s to read, the most one file may take with \
                       the documents inside it; the documents read before are indexed (split \
                       the file to index the rest)";
    let expected = BTreeMap::from(
        [
            "bundle.zip//b.pdf",
            "bundle.zip//c.pdf",
            "bundle.zip//d.pdf",
            "bundle.zip//last.txt",
        ]
        .map(|path| (path.to_string(), out_of_time.to_string())),
    );
    let mut skipped = dossier.skipped(&output);
    assert_eq!(
        skipped.remove("report.pdf").as_deref(),
        Some("reading it took longer than 3 s; it was stopped (a damaged or hostile file?)")
    );
    assert_eq!(skipped, expected);
    assert_eq!(
        found_in(&dossier, "the heron note read first"),
        ["bundle//first.txt"]
    );
    assert_eq!(found_in(&dossier, "the ocelot memo"), ["memo"]);
    assert!(found_in(&dossier, "the egret note that comes last").is_empty());

    // With poppler's own programs and the limits as they are, asked to, it is all read.
    let retried = dossier
        .command(&["index", "--retry-skipped"])
        .output()
        .unwrap();
    assert_eq!(retried.status.code(), Some(0), "{}", stderr_of(&retried));
    let ids = found_in(&dossier, "Build coalitions to reinforce global norms");
    assert_eq!(
        ids,
        ["bundle//b.pdf", "bundle//c.pdf", "bundle//d.pdf", "report"]
    );
    assert_eq!(
        found_in(&dossier, "the egret note that comes last"),
        ["bundle//last.txt"]
    );
}

#[test]
fn the_programs_a_worker_runs_die_with_an_indexer_that_is_killed() {
    let dossier = Dossier::empty();
    dossier.write("report.pdf", shared("gao-23-106826.pdf"));
    let (_programs, path) = hanging_poppler();
    let mut indexer = dossier
        .process(&["index"])
        .env("PATH", path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (worker, program) = loop {
        let running = children_of(indexer.id())
            .into_iter()
            .filter(|(_, command)| command.contains(" read-worker "))
            .find_map(|(worker, _)| {
                let program = children_of(worker)
                    .into_iter()
                    .find(|(_, command)| command.starts_with("sleep 60"))?;
                Some((worker, program.0))
            });
        if let Some(running) = running {
            break running;
        }
        assert!(indexer.try_wait().unwrap().is_none(), "the indexer ended");
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    indexer.kill().unwrap();
    indexer.wait().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !(is_gone(worker) && is_gone(program)) {
        assert!(
            std::time::Instant::now() < deadline,
            "still running 10 s after the indexer was killed: worker {} program {}",
            !is_gone(worker),
            !is_gone(program)
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
