//! `dossier show ID` prints exactly the text a document's passages point into, so that any
//! passage's `start..end` can be checked against it.

mod common;

use common::{Dossier, stderr_of};

#[test]
fn show_prints_the_text_whose_bytes_the_passages_cite() {
    let dossier = Dossier::shipped();
    let results = dossier.search_json("\"Presidents come and go\" OR Dmitriev", &[]);
    assert!(results.hits.len() >= 2);
    for hit in &results.hits {
        let text = dossier.show(&hit.doc_id);
        // A UTF-8 text file is shown as it stands.
        assert_eq!(text, dossier.file_bytes(&hit.path));
        for passage in &hit.passages {
            assert_eq!(&text[passage.start..passage.end], passage.text.as_bytes());
        }
    }
}

#[test]
fn a_decoded_document_is_shown_as_decoded_and_its_offsets_point_into_that() {
    let dossier = Dossier::empty();
    // Windows-1252: é is one byte in the file, two in the text dossier indexed.
    dossier.write(
        "memo.txt",
        b"Caf\xe9 meeting\nThe envoy met the caf\xe9 owner.\n",
    );
    let results = dossier.search_json_decoded("owner", &[]);
    assert_eq!(results.hits[0].encoding.as_deref(), Some("windows-1252"));
    let passage = &results.hits[0].passages[0];
    let text = dossier.show("memo");
    assert_eq!(
        String::from_utf8(text.clone()).unwrap(),
        "Café meeting\nThe envoy met the café owner.\n"
    );
    assert_eq!(&text[passage.start..passage.end], passage.text.as_bytes());
}

#[test]
fn an_unknown_id_or_page_is_one_line_and_exit_code_2() {
    let dossier = Dossier::shipped();
    for args in [
        &["show", "no-such-document"][..],
        &["show", "000_eea6b4a974d0f11e", "--page", "2"],
        &["show", "000_eea6b4a974d0f11e", "--page", "0"],
    ] {
        let output = dossier.command(args).output().unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|line| line.starts_with("dossier: error:"))
            .collect();
        assert_eq!(errors.len(), 1, "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn show_json_gives_the_range_and_the_pages() {
    let dossier = Dossier::shipped();
    let output = dossier
        .command(&["show", "000_eea6b4a974d0f11e", "--json", "--page", "1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let shown: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let file = dossier.file_bytes("000_eea6b4a974d0f11e.txt");
    assert_eq!(shown["pages"], 1);
    assert_eq!(shown["start"], 0);
    assert_eq!(shown["end"], file.len());
    assert_eq!(shown["text"].as_str().unwrap().as_bytes(), &file[..]);
}

/// On a terminal, a document's escapes (a title set, the screen cleared) are shown as text,
/// not run; piped, the text is as indexed, byte for byte. (`script` gives the command a
/// terminal of its own.)
#[test]
fn a_document_shown_on_a_terminal_cannot_run_terminal_escapes() {
    let dossier = Dossier::empty();
    let text = "Notes\n\nhello \x1b]0;PWNED\x07\x1b[2J world\r\nnext line\n";
    dossier.write("escapes.txt", text);
    assert_eq!(dossier.index_run().status.code(), Some(0));
    assert_eq!(dossier.show("escapes"), text.as_bytes());
    let command = format!(
        "{} show escapes --corpus {} --index {}",
        env!("CARGO_BIN_EXE_dossier"),
        dossier.corpus().display(),
        dossier.index().display()
    );
    let output = std::process::Command::new("script")
        .args(["--quiet", "--return", "--command", &command, "/dev/null"])
        .output()
        .expect("script (util-linux) runs");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let shown = String::from_utf8(output.stdout).unwrap();
    assert!(
        !shown.contains('\x1b') && !shown.contains('\x07'),
        "{shown:?}"
    );
    // The terminal turns each line feed into a carriage return and a line feed.
    assert_eq!(
        shown,
        "Notes\r\n\r\nhello \u{FFFD}]0;PWNED\u{FFFD}\u{FFFD}[2J world\r\nnext line\r\n"
    );
}
