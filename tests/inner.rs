//! Documents inside documents: each message of an mbox, each attachment of an e-mail, each
//! file of a ZIP archive is found as a document of its own, under its container's ID, with
//! its own title and date and a link to its container; a ZIP bomb and a deeply nested
//! archive are stopped and reported, and what stands beside them is indexed; a container
//! changed or removed takes its documents with it.

mod common;

use std::io::{Cursor, Write};
use std::path::PathBuf;

use common::{Dossier, stderr_of, summary};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

fn formats_dir() -> PathBuf {
    common::shared_data("formats")
}

fn copy_shared(dossier: &Dossier, name: &str) {
    let bytes = std::fs::read(formats_dir().join(name)).expect("shared test file");
    dossier.write(name, bytes);
}

/// The lines `dossier: skipped PATH: REASON` of an indexing run, as (PATH, REASON).
fn skipped_lines(stderr: &str) -> Vec<(String, String)> {
    stderr
        .lines()
        .filter_map(|line| line.strip_prefix("dossier: skipped "))
        .filter_map(|rest| rest.split_once(": "))
        .map(|(path, reason)| (path.to_string(), reason.to_string()))
        .collect()
}

#[test]
fn each_message_of_an_mbox_is_a_document_with_its_subject_and_date() {
    let dossier = Dossier::empty();
    copy_shared(&dossier, "apache-httpd-dev.mbox");
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));

    // One phrase of each of its three messages, each found in its message alone.
    for (phrase, number, subject, date) in [
        (
            "buffer overflow in the code that is exploitable",
            1,
            "Re: running server as root (Was: Re: PUT method)",
            "1997-07-12",
        ),
        (
            "Netscape Enterprise vs. Apache Secure",
            2,
            "[Fwd: Netscape Enterprise vs. Apache Secure]",
            "1996-07-01",
        ),
        (
            "Actual work on authentication",
            3,
            "I-D ACTION:draft-ietf-http-authentication-00.txt (fwd)",
            "1997-12-01",
        ),
    ] {
        let results = dossier.search_json(&format!("\"{phrase}\""), &[]);
        let id = format!("apache-httpd-dev//{number}");
        let hit = results
            .hits
            .iter()
            .find(|hit| hit.doc_id == id)
            .unwrap_or_else(|| panic!("{phrase:?} not in {id}: {:?}", results.doc_ids()));
        assert_eq!(hit.container.as_deref(), Some("apache-httpd-dev"));
        assert_eq!(hit.path, "apache-httpd-dev.mbox");
        assert_eq!(hit.format.as_deref(), Some("email"));
        assert_eq!(hit.title, subject);
        assert_eq!(hit.date, date);
        assert!(!hit.passages.is_empty());
        // `id:` and `--id` take it by its ID, `--id` also by its container's.
        let by_id = dossier.search_json(&format!("id:{id}"), &[]);
        assert_eq!(by_id.doc_ids(), [id.as_str()]);
        let by_glob = dossier.search_json(&format!("\"{phrase}\""), &["--id", "apache-*"]);
        assert!(by_glob.doc_ids().contains(&id.as_str()));
        let elsewhere = dossier.search_json(&format!("\"{phrase}\""), &["--id", "other"]);
        assert_eq!(elsewhere.total_hits, 0);
    }
    // The mbox itself lists its messages.
    let listing = String::from_utf8(dossier.show("apache-httpd-dev")).unwrap();
    assert_eq!(listing.lines().count(), 3, "{listing}");
    assert!(listing.starts_with("1. Re: running server as root"));
    // `--type email` takes the messages, and so does `--type mbox`, the extension they
    // came in; `--type pdf` does not.
    for kind in ["email", "mbox"] {
        let emails = dossier.search_json("authentication", &["--type", kind]);
        assert!(emails.doc_ids().contains(&"apache-httpd-dev//3"), "{kind}");
    }
    let pdfs = dossier.search_json("authentication", &["--type", "pdf"]);
    assert_eq!(pdfs.total_hits, 0);
}

#[test]
fn an_attachment_is_a_document_of_its_own_with_its_container() {
    let dossier = Dossier::empty();
    copy_shared(&dossier, "fake-email-attachment.eml");
    assert!(dossier.index_run().status.success());

    let results = dossier.search_json("\"Hey this is a fake attachment\"", &[]);
    assert_eq!(
        results.doc_ids(),
        ["fake-email-attachment//fake-attachment.txt"]
    );
    let hit = &results.hits[0];
    assert_eq!(hit.container.as_deref(), Some("fake-email-attachment"));
    assert_eq!(hit.title, "fake-attachment.txt");
    assert_eq!(hit.format.as_deref(), Some("text"));
    // The message's date (Fri, 23 Dec 2022), as the attachment has none of its own.
    assert_eq!(hit.date, "2022-12-23");
    let text = dossier.show(&hit.doc_id);
    assert!(text.starts_with(b"Hey this is a fake attachment!"));

    // The message names its attachment; its body is its own.
    let message = dossier.search_json("\"Here's the attachments\"", &[]);
    assert_eq!(message.doc_ids(), ["fake-email-attachment"]);
    assert_eq!(message.hits[0].container, None);
    assert_eq!(message.hits[0].title, "Fake email with attachment");
    let text = String::from_utf8(dossier.show("fake-email-attachment")).unwrap();
    assert!(
        text.ends_with("--- attachment: fake-attachment.txt ---"),
        "{text}"
    );
    assert!(!text.contains("Hey this is"));
}

/// A ZIP archive of `entries` (name, bytes), deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A ZIP bomb: sixteen entries of 32 MiB of zeros each, 512 MiB in all, from one deflated
/// copy (some tens of kilobytes) stored sixteen times.
fn zip_bomb() -> Vec<u8> {
    let zeros = zip_of(&[("zeros.txt", &vec![0u8; 32 * 1024 * 1024])]);
    let mut source = ZipArchive::new(Cursor::new(zeros)).unwrap();
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for n in 0..16 {
        let entry = source.by_index_raw(0).unwrap();
        writer
            .raw_copy_file_rename(entry, format!("zeros-{n}.txt"))
            .unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// 42 ZIP archives, each inside the next: the innermost holds `bottom words`, each other
/// one a note `markerN` (N its depth from the innermost) and the next archive in.
fn nested_zips() -> Vec<u8> {
    let mut archive = zip_of(&[("bottom.txt", b"bottom words")]);
    for level in 1..42 {
        let note = format!("marker{level} of the nest");
        archive = zip_of(&[
            (&format!("note{level}.txt"), note.as_bytes()),
            (&format!("level{level}.zip"), &archive),
        ]);
    }
    archive
}

#[test]
fn a_zip_bomb_and_a_deep_nest_are_stopped_and_what_stands_beside_them_is_indexed() {
    let dossier = Dossier::empty();
    let bomb = zip_bomb();
    dossier.write("bomb.zip", &bomb);
    dossier.write(
        "outer.zip",
        zip_of(&[
            ("bomb.zip", &bomb),
            ("notes/ocelot.txt", b"the ocelot report beside the bomb"),
            ("picture.bin", b"not read"),
        ]),
    );
    dossier.write("nest.zip", nested_zips());
    dossier.write("memo.txt", "the ocelot memo of the corpus");
    let output = dossier.index_run();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");

    let skipped = skipped_lines(&stderr);
    let reason_of = |path: &str| {
        skipped
            .iter()
            .find(|(p, _)| p.ends_with(path))
            .map(|(_, reason)| reason.as_str())
            .unwrap_or_else(|| panic!("{path} not reported as skipped:\n{stderr}"))
    };
    assert!(reason_of("/bomb.zip").contains("ZIP bomb"), "{stderr}");
    assert!(reason_of("outer.zip//bomb.zip").contains("ZIP bomb"));
    // The nest is read ten archives deep, no deeper.
    let deep = format!(
        "nest.zip//{}",
        (32..=41)
            .rev()
            .map(|level| format!("level{level}.zip"))
            .collect::<Vec<_>>()
            .join("//")
    );
    assert!(
        reason_of(&format!("{deep}//note31.txt")).contains("nested more than 10"),
        "{stderr}"
    );
    assert_eq!(skipped.len(), 4, "{stderr}");

    // Beside them, everything is indexed.
    let ocelot = dossier.search_json("ocelot", &[]);
    let mut ids = ocelot.doc_ids();
    ids.sort();
    // The archive itself lists `notes/ocelot.txt`.
    assert_eq!(ids, ["memo", "outer", "outer//notes/ocelot.txt"]);
    let report = ocelot
        .hits
        .iter()
        .find(|hit| hit.doc_id == "outer//notes/ocelot.txt")
        .unwrap();
    assert_eq!(report.container.as_deref(), Some("outer"));
    assert_eq!(report.title, "ocelot.txt");
    // The archive lists what it holds, read or not.
    assert_eq!(
        dossier.show("outer"),
        b"bomb.zip\nnotes/ocelot.txt\npicture.bin"
    );
    let marker = |n: usize| dossier.search_json(&format!("marker{n}"), &[]).total_hits;
    assert_eq!(marker(41), 1);
    assert_eq!(marker(32), 1);
    assert_eq!(marker(31), 0);
    assert_eq!(dossier.search_json("bottom", &[]).total_hits, 0);
    let note32 = format!(
        "nest//{}//note32.txt",
        (33..=41)
            .rev()
            .map(|level| format!("level{level}.zip"))
            .collect::<Vec<_>>()
            .join("//")
    );
    let in_nest = dossier.search_json("marker32", &[]);
    assert_eq!(in_nest.doc_ids(), [note32.as_str()]);
    assert_eq!(
        in_nest.hits[0].container.as_deref(),
        note32.strip_suffix("//note32.txt")
    );

    // A second run reads nothing again, and still says what was skipped.
    let again = dossier.index_run();
    assert_eq!(again.status.code(), Some(1));
    assert!(
        summary(&again).contains("0 added, 0 updated, 0 removed, 3 unchanged"),
        "{}",
        summary(&again)
    );
    assert_eq!(
        skipped_lines(&stderr_of(&again)).len(),
        4,
        "{}",
        stderr_of(&again)
    );
}

/// A message with one text attachment saying `attached`.
fn message_with_attachment(attached: &str) -> String {
    format!(
        "Subject: The ocelot file\r\nDate: Mon, 3 Feb 2025 10:00:00 +0000\r\n\
         Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
         See the attached note.\r\n--b\r\nContent-Type: text/plain\r\n\
         Content-Disposition: attachment; filename=note.txt\r\n\r\n{attached}\r\n--b--\r\n"
    )
}

#[test]
fn a_container_changed_or_removed_takes_its_documents_with_it() {
    let dossier = Dossier::empty();
    dossier.write(
        "mail.eml",
        message_with_attachment("the lynx was seen at dawn"),
    );
    assert!(dossier.index_run().status.success());
    let lynx = dossier.search_json("lynx", &[]);
    assert_eq!(lynx.doc_ids(), ["mail//note.txt"]);
    assert_eq!(lynx.hits[0].date, "2025-02-03");

    dossier.write(
        "mail.eml",
        message_with_attachment("the margay was seen at dusk, not the other one"),
    );
    let changed = dossier.index_run();
    assert!(
        summary(&changed).contains("0 added, 1 updated"),
        "{}",
        summary(&changed)
    );
    assert_eq!(dossier.search_json("lynx", &[]).total_hits, 0);
    assert_eq!(
        dossier.search_json("margay", &[]).doc_ids(),
        ["mail//note.txt"]
    );

    // Not the last file: a corpus left empty keeps its index (see tests/index.rs).
    dossier.write("other.txt", "An unrelated note.\n");
    std::fs::remove_file(dossier.corpus().join("mail.eml")).unwrap();
    let removed = dossier.index_run();
    assert!(
        summary(&removed).contains("1 removed"),
        "{}",
        summary(&removed)
    );
    assert_eq!(dossier.search_json("margay", &[]).total_hits, 0);
    let show = dossier
        .command(&["show", "mail//note.txt"])
        .output()
        .unwrap();
    assert_eq!(show.status.code(), Some(2));
}
