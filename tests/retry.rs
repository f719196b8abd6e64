//! `dossier index --retry-skipped` reads again what was skipped, changed or not, and
//! `--ocr-lang` sets the languages OCR reads.

mod common;

use std::io::{Cursor, Write};

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
