//! `dossier index --retry-skipped` reads again what was skipped, changed or not; a file
//! not read for a reason that may be the machine's (a program that could not run, a time
//! limit) is read again by the next run unasked; and `--ocr-lang` sets the languages OCR
//! reads.

mod common;

use std::io::{Cursor, Write};
use std::path::Path;

use common::{Dossier, stderr_of, summary};

fn shared(name: &str) -> Vec<u8> {
    let path = common::shared_data("formats").join(name);
    std::fs::read(path).expect("shared test file")
}

fn zip_of(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    writer
        .start_file(name, zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(bytes).unwrap();
    writer.finish().unwrap().into_inner()
}

#[test]
fn files_skipped_for_a_missing_program_are_read_again_on_request() {
    let dossier = Dossier::empty();
    let word = shared("fake-doc-emphasized-text.doc");
    dossier.write("letter.doc", &word);
    dossier.write("bundle.zip", zip_of("inner.doc", &word));
    dossier.write("memo.txt", "a memo");
    // No program on the PATH: antiword is missing.
    let empty = tempfile::tempdir().unwrap();
    let first = dossier
        .command(&["index"])
        .env("PATH", empty.path())
        .output()
        .unwrap();
    let stderr = stderr_of(&first);
    assert_eq!(first.status.code(), Some(1), "{stderr}");
    // The missing program is named once, with the files it kept from being read and the
    // package to install; none of them has a line of its own.
    assert_named_once_for_two_files(&dossier, &stderr);
    assert!(dossier.skipped(&first).is_empty(), "{stderr}");

    // With antiword back, an update alone reads nothing again: the files did not change,
    // and the remembered ones are reported the same way.
    let again = dossier.index_run();
    assert_eq!(again.status.code(), Some(1));
    assert_named_once_for_two_files(&dossier, &stderr_of(&again));
    assert!(
        summary(&again).contains("0 added, 0 updated"),
        "{}",
        summary(&again)
    );
    assert_eq!(dossier.search_json("\"a normal text\"", &[]).total_hits, 0);

    let retried = dossier
        .command(&["index", "--retry-skipped"])
        .output()
        .unwrap();
    assert_eq!(retried.status.code(), Some(0), "{}", stderr_of(&retried));
    let results = dossier.search_json("\"I am a normal text\"", &[]);
    let mut ids = results.doc_ids();
    ids.sort();
    assert_eq!(ids, ["bundle//inner.doc", "letter"]);
    // And nothing is skipped any more.
    assert_eq!(dossier.index_run().status.code(), Some(0));
}

/// One line names antiword, the two files it kept from being read, and its package.
fn assert_named_once_for_two_files(dossier: &Dossier, stderr: &str) {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("antiword"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    let line = lines[0];
    assert!(
        line.starts_with("dossier: antiword is not installed, so 2 files were not read: "),
        "{line}"
    );
    assert!(line.contains("letter.doc"), "{line}");
    assert!(line.contains("bundle.zip//inner.doc"), "{line}");
    // The command to run names this corpus and index.
    let advice = format!(
        "(Debian and Ubuntu: apt-get install antiword; then `dossier index --corpus {} --index {} \
         --retry-skipped` reads them)",
        dossier.corpus().display(),
        dossier.index().display()
    );
    assert!(line.ends_with(&advice), "{line}");
}

#[test]
fn ocr_reads_the_languages_asked_for() {
    let dossier = Dossier::empty();
    dossier.write("linn.png", shared("linn.png"));
    // A language whose data is not installed: the image is skipped, with the package.
    let output = dossier
        .command(&["index", "--ocr-lang", "qaa"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "no data for the language 'qaa' (Debian and Ubuntu: apt-get install tesseract-ocr-qaa)"
        ),
        "{stderr}"
    );
    // English, named or by default, reads it.
    let output = dossier
        .command(&["index", "--retry-skipped", "--ocr-lang", "eng"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let results = dossier.search_json("\"sequences contains\"", &[]);
    assert_eq!(results.doc_ids(), ["linn"]);

    let bad = dossier
        .command(&["index", "--ocr-lang", "eng;rm"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr_of(&bad).contains("--ocr-lang eng;rm: not Tesseract language codes"));
}

/// The IDs of the documents where `phrase` stands, sorted.
fn found_in(dossier: &Dossier, phrase: &str) -> Vec<String> {
    let results = dossier.search_json(&format!("\"{phrase}\""), &[]);
    let mut ids: Vec<String> = results.doc_ids().iter().map(|id| id.to_string()).collect();
    ids.sort();
    ids
}

/// A folder holding `programs` (name, shell script, mode).
fn programs(programs: &[(&str, &str, u32)]) -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    for (name, script, mode) in programs {
        let path = folder.path().join(name);
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(*mode))
            .unwrap();
    }
    folder
}

const PHRASE_OF_GAO: &str = "Build coalitions to reinforce global norms";

#[test]
fn files_not_read_for_the_machines_reasons_are_read_by_the_next_run() {
    let dossier = Dossier::empty();
    let pdf = shared("gao-23-106826.pdf");
    dossier.write("report.pdf", &pdf);
    let first = dossier.index_run();
    assert_eq!(first.status.code(), Some(0), "{}", stderr_of(&first));
    // Written again as it was (a copy, a restore: a new time, the same text), and an
    // archive added; then read on a machine where pdftotext cannot be run.
    dossier.write("report.pdf", &pdf);
    dossier.write("bundle.zip", zip_of("inner.pdf", &pdf));
    let unrunnable = programs(&[("pdftotext", "#!/bin/sh\nexit 0\n", 0o644)]);
    let broken = dossier
        .command(&["index"])
        .env("PATH", unrunnable.path())
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(1), "{}", stderr_of(&broken));
    let skipped = dossier.skipped(&broken);
    let paths: Vec<&str> = skipped.keys().map(String::as_str).collect();
    assert_eq!(paths, ["bundle.zip//inner.pdf", "report.pdf"]);
    for reason in skipped.values() {
        assert!(reason.starts_with("could not run pdftotext: "), "{reason}");
    }
    // The text indexed is still the file's: it is not taken away.
    assert_eq!(found_in(&dossier, PHRASE_OF_GAO), ["report"]);

    // The next run, on a machine that runs pdftotext, reads them both, unasked.
    let next = dossier.index_run();
    assert_eq!(next.status.code(), Some(0), "{}", stderr_of(&next));
    assert_eq!(
        found_in(&dossier, PHRASE_OF_GAO),
        ["bundle//inner.pdf", "report"]
    );
}

#[test]
fn a_changed_file_not_read_in_time_loses_its_old_text_and_is_read_again_once() {
    let dossier = Dossier::empty();
    dossier.write("report.pdf", shared("gao-23-106826.pdf"));
    let first = dossier.index_run();
    assert_eq!(first.status.code(), Some(0), "{}", stderr_of(&first));
    // A new version, read on a machine where pdftotext hangs (counting its starts).
    dossier.write("report.pdf", shared("multicolumn.pdf"));
    let folder = tempfile::tempdir().unwrap();
    let starts = folder.path().join("starts");
    let hanging = format!(
        "#!/bin/sh\necho started >> '{}'\nexec sleep 60\n",
        starts.display()
    );
    let hanging = programs(&[("pdftotext", &hanging, 0o755)]);
    let path = format!(
        "{}:{}",
        hanging.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let under_load = |dossier: &Dossier| {
        let output = dossier
            .command(&["index"])
            .env("PATH", &path)
            .env("DOSSIER_READ_TIME_LIMIT_MS", "1000")
            .env("DOSSIER_READ_FILE_TIME_LIMIT_MS", "2000")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
        assert_eq!(
            dossier.skipped(&output)["report.pdf"],
            "reading it took longer than 2 s; it was stopped (a damaged or hostile file?)"
        );
    };
    let started = |starts: &Path| {
        std::fs::read_to_string(starts)
            .map(|text| text.lines().count())
            .unwrap_or(0)
    };
    under_load(&dossier);
    assert_eq!(started(&starts), 1);
    // The old text is no longer the file's: it is not found as if it were.
    assert!(found_in(&dossier, PHRASE_OF_GAO).is_empty());
    // A time limit may be the machine's (a machine under load): the next run reads the
    // file again, unasked...
    under_load(&dossier);
    assert_eq!(started(&starts), 2);
    // ...once: a file that hangs is not to cost every run its time.
    under_load(&dossier);
    assert_eq!(started(&starts), 2);
    // Asked to, a run reads it.
    let retried = dossier
        .command(&["index", "--retry-skipped"])
        .output()
        .unwrap();
    assert_eq!(retried.status.code(), Some(0), "{}", stderr_of(&retried));
    assert_eq!(
        found_in(&dossier, "a sample document with two columns"),
        ["report"]
    );
}
