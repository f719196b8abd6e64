//! A hostile corpus, as real dossiers are: other encodings, binary files named `.txt`, odd
//! line endings, a 100 MB line, deep folders, links out of the corpus and into itself,
//! hidden files, odd file names, files vanishing mid-run. For each, dossier does what the
//! README says (decodes it, skips it with a reason, or stays inside the corpus), indexes
//! every readable document completely, and keeps going.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use common::{Dossier, line_at, stderr_of, summary};

#[derive(Clone, Copy)]
enum Utf16 {
    Le,
    Be,
}

/// `text` in UTF-16, with its byte-order mark.
fn utf16(order: Utf16, text: &str) -> Vec<u8> {
    let units = text.encode_utf16();
    match order {
        Utf16::Le => [0xff, 0xfe]
            .into_iter()
            .chain(units.flat_map(u16::to_le_bytes))
            .collect(),
        Utf16::Be => [0xfe, 0xff]
            .into_iter()
            .chain(units.flat_map(u16::to_be_bytes))
            .collect(),
    }
}

/// An ordinary document, next to the hostile ones.
fn add_ordinary(dossier: &Dossier) {
    dossier.write(
        "plain.txt",
        "Plain memo\n\nThe pangolin report was filed on time.\n",
    );
}

/// Text in other encodings, or damaged; each with its own word to find.
fn add_encodings(dossier: &Dossier) {
    dossier.write(
        "bom-utf8.txt",
        "\u{feff}Memo with a byte-order mark\r\nThe bobcat shipment left Odesa.\r\n",
    );
    let minutes = "Minutes\r\nFrançois Müller met the envoy in Zürich on “Tuesday”.\r\n";
    dossier.write(
        "utf16le.txt",
        utf16(
            Utf16::Le,
            &format!("{minutes}The lemming clause was dropped.\r\n"),
        ),
    );
    dossier.write(
        "utf16be.txt",
        utf16(
            Utf16::Be,
            &format!("{minutes}The beaver clause was kept.\r\n"),
        ),
    );
    dossier.write(
        "latin1.txt",
        b"Note de frais\r\nRencontre avec Fran\xe7ois M\xfcller, \x93le financier\x94, \
          \xe0 Gen\xe8ve: co\xfbt 200 \x80, pay\xe9 par l'agence.\r\n"
            .as_slice(),
    );
    let mut damaged = "Kyiv’s reply — Müller’s note\n\nThe reply"
        .as_bytes()
        .to_vec();
    damaged.push(0xff);
    damaged.extend_from_slice(" arrived late: the marmot clause stands.\n".as_bytes());
    dossier.write("damaged.txt", damaged);
    // NUL bytes after the start (a log with a hole punched by a crash) are kept as text.
    let mut holed = "Server log\n".to_string();
    while holed.len() < 10_000 {
        holed.push_str("routine entry, nothing to see.\n");
    }
    holed.push_str(&"\0".repeat(512));
    holed.push_str("\nAfter the hole: the wombat entry.\n");
    dossier.write("holed-log.txt", holed);
}

/// Binary files with a document's name, and files with no text.
fn add_unreadable(dossier: &Dossier) {
    dossier.write(
        "image.txt",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89",
    );
    let program = std::fs::read(env!("CARGO_BIN_EXE_dossier")).expect("the dossier binary");
    dossier.write("program.txt", program);
    dossier.write(
        "renamed-pdf.txt",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    );
    dossier.write("nul.txt", b"text\0with\0NUL bytes, the ocelot memo\n");
    dossier.write("empty.txt", "");
    dossier.write("blank.txt", " \r\n\t\n  \n");
    dossier.write("bom-only.txt", "\u{feff}\n");
    // A named pipe: reading it would wait for a writer forever.
    let status = std::process::Command::new("mkfifo")
        .arg(dossier.corpus().join("fifo.txt"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

/// The same short text with each kind of line ending, and a long one with lone CRs.
fn add_line_endings(dossier: &Dossier) {
    let lines = [
        "Line endings",
        "",
        "One.",
        "Two.",
        "The narwhal sentence is on line five.",
        "Six.",
        "",
        "Eight.",
    ];
    dossier.write("lf.txt", lines.join("\n"));
    dossier.write("crlf.txt", lines.join("\r\n"));
    dossier.write("cr.txt", format!("{}\r", lines.join("\r")));
    let mut long = String::from("Old Mac export\r");
    let mut line = 1;
    while long.len() < 100_000 {
        long.push_str("A line of an old export, ended by a carriage return alone.\r");
        line += 1;
    }
    long.push_str("The manatee line closes it.\r");
    assert_eq!(line_at(long.as_bytes(), long.len() - 2), line + 1);
    dossier.write("cr-long.txt", long);
}

/// Long (64 KiB+) documents that are not UTF-8: their passages come from the decoded file.
fn add_long_decoded(dossier: &Dossier) {
    let mut text = String::from("Long minutes\r\n");
    while text.len() < 100_000 {
        text.push_str("Zoë Müller read the “draft” aloud, line by line.\r\n");
    }
    text.push_str("In the end the capybara amendment passed.\r\n");
    dossier.write("long-utf16.txt", utf16(Utf16::Le, &text));
    let mut latin = b"Long 1252 notes\r\n".to_vec();
    while latin.len() < 100_000 {
        latin.extend_from_slice(b"Le caf\xe9 de la gare, \x93comme d'habitude\x94.\r\n");
    }
    latin.extend_from_slice(b"Enfin, l'accord sur le t\xe9tras fut sign\xe9.\r\n");
    dossier.write("long-1252.txt", latin);
}

/// File names with spaces, a newline, and bytes that are not UTF-8 (one short file, one
/// long one, whose text the index keeps since its name cannot be written down).
fn add_odd_names(dossier: &Dossier) {
    dossier.write("with space.txt", "Spaced\n\nThe jackal memo.\n");
    dossier.write("new\nline.txt", "Newline\n\nThe gecko memo.\n");
    let corpus = dossier.corpus();
    std::fs::write(
        corpus.join(OsStr::from_bytes(b"caf\xe9 memo.txt")),
        "Latin-1 name\n\nThe tapir memo.\n",
    )
    .unwrap();
    let mut long = "Long, oddly named\n".to_string();
    while long.len() < 100_000 {
        long.push_str("filler words for a long document with an odd name.\n");
    }
    long.push_str("The okapi sentence ends it.\n");
    std::fs::write(corpus.join(OsStr::from_bytes(b"long \xff.txt")), long).unwrap();
}

/// Hidden files and folders, which are passed over without a word.
fn add_hidden(dossier: &Dossier) {
    dossier.write(".hidden.txt", "Hidden\n\nThe hidden lynx memo.\n");
    dossier.write(".git/notes.txt", "Git\n\nThe hidden lynx memo again.\n");
    dossier.write("visible/.draft.md", "Draft\n\nThe hidden lynx draft.\n");
}

/// A folder linked into itself, links to a document inside, to a file and a folder outside
/// the corpus, and a broken link. Returns the outside folder.
fn add_links(dossier: &Dossier) -> PathBuf {
    let corpus = dossier.corpus();
    let outside = dossier.dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "Secret\n\nThe yak memo.\n").unwrap();
    symlink(".", corpus.join("loop")).unwrap();
    symlink("plain.txt", corpus.join("inside-link.txt")).unwrap();
    symlink("../outside/secret.txt", corpus.join("outside-link.txt")).unwrap();
    symlink(&outside, corpus.join("elsewhere")).unwrap();
    symlink("nowhere.txt", corpus.join("broken-link.txt")).unwrap();
    outside
}

/// A document 100 folders down, and one below a path longer than Linux allows (4096
/// bytes). That path cannot be written down, so it is built from the bottom up: each
/// folder made so far is moved into a new one.
fn add_deep(dossier: &Dossier) {
    let deep = vec!["d"; 100].join("/");
    dossier.write(&format!("{deep}/deep.txt"), "Deep\n\nThe mole memo.\n");
    let corpus = dossier.corpus();
    let long_name = "n".repeat(200);
    let mut chain = corpus.join("chain0");
    std::fs::create_dir(&chain).unwrap();
    std::fs::write(chain.join("abyss.txt"), "Abyss\n\nThe anglerfish memo.\n").unwrap();
    for level in 1..=22 {
        let outer = corpus.join(format!("chain{level}"));
        std::fs::create_dir(&outer).unwrap();
        std::fs::rename(&chain, outer.join(&long_name)).unwrap();
        chain = outer;
    }
    std::fs::rename(&chain, corpus.join("too-deep")).unwrap();
}

/// `dossier search` finds exactly `ids` for `query`.
fn finds(dossier: &Dossier, query: &str, ids: &[&str]) -> common::DecodedResults {
    let results = dossier.search_json_decoded(query, &["--no-refresh"]);
    let mut found = results.doc_ids();
    found.sort();
    assert_eq!(found, ids, "{query}");
    results
}

#[test]
fn a_hostile_corpus_is_indexed_completely_and_every_unreadable_file_named() {
    let dossier = Dossier::empty();
    add_ordinary(&dossier);
    add_encodings(&dossier);
    add_unreadable(&dossier);
    add_line_endings(&dossier);
    add_long_decoded(&dossier);
    add_odd_names(&dossier);
    add_hidden(&dossier);
    add_links(&dossier);
    add_deep(&dossier);

    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(output.stdout.is_empty(), "results only on stdout");
    let skipped = dossier.skipped(&output);
    let expected = [
        ("blank.txt", "nothing but white space"),
        ("bom-only.txt", "nothing but white space"),
        ("broken-link.txt", "broken symbolic link"),
        ("elsewhere", "symbolic link to a folder outside the corpus"),
        ("empty.txt", "empty file"),
        ("fifo.txt", "not a regular file"),
        ("image.txt", "binary file: a PNG image"),
        ("nul.txt", "binary file: it has NUL bytes"),
        (
            "outside-link.txt",
            "symbolic link to a file outside the corpus",
        ),
        ("program.txt", "binary file: an executable program"),
        ("renamed-pdf.txt", "binary file: a PDF document"),
    ];
    let mut unexplained = skipped.clone();
    for (path, reason) in expected {
        let got = unexplained.remove(path).unwrap_or_default();
        assert!(got.contains(reason), "{path}: {got:?}, not {reason:?}");
    }
    // The only other one: the folder whose path is longer than the system allows.
    assert_eq!(unexplained.len(), 1, "{unexplained:?}");
    let (path, reason) = unexplained.into_iter().next().unwrap();
    assert!(path.starts_with("too-deep/nnn"), "{path}");
    assert!(reason.contains("longer than the system allows"), "{reason}");
    assert!(
        summary(&output).contains("18 added, 0 updated, 0 removed, 0 unchanged, 12 skipped"),
        "{}",
        summary(&output)
    );
    let notes = dossier.notes(&output);
    assert_eq!(
        notes.keys().collect::<Vec<_>>(),
        ["damaged.txt", "latin1.txt", "long-1252.txt"]
    );

    // Every readable document is found, with exact passages.
    for (query, id) in [
        ("pangolin", "plain"),
        ("bobcat", "bom-utf8"),
        ("lemming", "utf16le"),
        ("beaver", "utf16be"),
        ("Genève", "latin1"),
        ("marmot", "damaged"),
        ("wombat", "holed-log"),
        ("manatee", "cr-long"),
        ("capybara", "long-utf16"),
        ("tétras", "long-1252"),
        ("jackal", "with space"),
        ("gecko", "new\nline"),
        ("tapir", "caf\u{fffd} memo"),
        ("okapi", "long \u{fffd}"),
        ("mole", &format!("{}/deep", vec!["d"; 100].join("/"))),
    ] {
        let results = finds(&dossier, query, &[id]);
        assert!(!results.hits[0].passages.is_empty(), "{query}: a passage");
    }
    finds(&dossier, "narwhal", &["cr", "crlf", "lf"]);
    // Nothing hidden, binary, outside or too deep was read; the loop was not followed.
    for absent in ["lynx", "yak", "anglerfish", "ocelot"] {
        finds(&dossier, absent, &[]);
    }
    assert_eq!(
        finds(&dossier, "pangolin", &["plain"]).hits[0].path,
        "plain.txt"
    );

    // A second run reports the same files, reading none of them again.
    let again = dossier.index_run();
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(dossier.skipped(&again), skipped);
    assert!(summary(&again).contains("0 added, 0 updated, 0 removed, 18 unchanged, 12 skipped"));
}

#[test]
fn utf8_with_a_byte_order_mark_keeps_offsets_in_the_file() {
    let dossier = Dossier::empty();
    add_encodings(&dossier);
    let results = finds(&dossier, "bobcat", &["bom-utf8"]);
    let hit = &results.hits[0];
    assert_eq!(hit.encoding, None);
    assert_eq!(hit.title, "Memo with a byte-order mark");
    // The line is counted in the file's bytes, byte-order mark included.
    assert_eq!(hit.passages[0].line, 2);
    assert_eq!(
        hit.passages[0].start,
        "\u{feff}Memo with a byte-order mark\r\n".len()
    );
}

#[test]
fn utf16_files_are_decoded_and_cited_by_offsets_in_the_decoded_text() {
    let dossier = Dossier::empty();
    add_encodings(&dossier);
    let results = finds(
        &dossier,
        "+\"Francois Muller\" +zurich",
        &["utf16be", "utf16le"],
    );
    for hit in &results.hits {
        let expected = if hit.doc_id == "utf16le" {
            "UTF-16LE"
        } else {
            "UTF-16BE"
        };
        assert_eq!(hit.encoding.as_deref(), Some(expected));
        assert_eq!(hit.title, "Minutes");
        let passage = &hit.passages[0];
        // The next (short) sentence comes along as context.
        assert_eq!(
            passage.text,
            format!(
                "François Müller met the envoy in Zürich on “Tuesday”.\r\nThe {} clause was {}.",
                if hit.doc_id == "utf16le" {
                    "lemming"
                } else {
                    "beaver"
                },
                if hit.doc_id == "utf16le" {
                    "dropped"
                } else {
                    "kept"
                },
            )
        );
        assert_eq!((passage.start, passage.line), ("Minutes\r\n".len(), 2));
        assert_eq!(passage.highlighted(), ["François Müller", "Zürich"]);
    }
}

#[test]
fn windows_1252_text_is_detected_decoded_and_noted() {
    let dossier = Dossier::empty();
    add_encodings(&dossier);
    let output = dossier.index_run();
    assert_eq!(
        dossier.notes(&output).get("latin1.txt").map(String::as_str),
        Some("not UTF-8; read as windows-1252 (detected)")
    );
    let results = finds(&dossier, "\"le financier\" Geneve", &["latin1"]);
    let hit = &results.hits[0];
    assert_eq!(hit.encoding.as_deref(), Some("windows-1252"));
    assert_eq!(
        hit.passages[0].text,
        "Rencontre avec François Müller, “le financier”, à Genève: coût 200 €, payé par l'agence."
    );
    finds(&dossier, "françois", &["latin1", "utf16be", "utf16le"]);
}

#[test]
fn damaged_utf8_is_indexed_repaired_and_noted() {
    let dossier = Dossier::empty();
    add_encodings(&dossier);
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(0), "repaired is not skipped");
    assert_eq!(
        dossier
            .notes(&output)
            .get("damaged.txt")
            .map(String::as_str),
        Some("1 invalid UTF-8 sequence replaced with U+FFFD")
    );
    let results = finds(&dossier, "marmot", &["damaged"]);
    let hit = &results.hits[0];
    assert_eq!(hit.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(
        hit.passages[0].text,
        "The reply\u{fffd} arrived late: the marmot clause stands."
    );
    assert_eq!(hit.title, "Kyiv’s reply — Müller’s note");
}

#[test]
fn nul_bytes_past_the_start_are_kept_as_text() {
    let dossier = Dossier::empty();
    add_encodings(&dossier);
    let results = finds(&dossier, "wombat", &["holed-log"]);
    let hit = &results.hits[0];
    assert_eq!(hit.encoding, None);
    assert!(
        hit.passages[0]
            .text
            .ends_with("After the hole: the wombat entry.")
    );
}

#[test]
fn binary_and_empty_files_are_skipped_with_a_reason_and_the_rest_indexed() {
    let dossier = Dossier::empty();
    add_ordinary(&dossier);
    add_unreadable(&dossier);
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(1));
    let skipped = dossier.skipped(&output);
    assert_eq!(
        skipped.keys().collect::<Vec<_>>(),
        [
            "blank.txt",
            "bom-only.txt",
            "empty.txt",
            "fifo.txt",
            "image.txt",
            "nul.txt",
            "program.txt",
            "renamed-pdf.txt"
        ]
    );
    assert!(skipped["renamed-pdf.txt"].contains("save its text as a .txt file"));
    assert!(skipped["nul.txt"].contains("UTF-16 without a byte-order mark"));
    finds(&dossier, "pangolin", &["plain"]);
    finds(&dossier, "ocelot", &[]);
}

#[test]
fn lines_and_offsets_are_right_with_crlf_and_lone_cr_line_endings() {
    let dossier = Dossier::empty();
    add_line_endings(&dossier);
    // search_json_decoded checks every passage against the file and its line.
    let results = finds(&dossier, "narwhal", &["cr", "crlf", "lf"]);
    let lf = &results
        .hits
        .iter()
        .find(|h| h.doc_id == "lf")
        .unwrap()
        .passages[0];
    assert_eq!(lf.line, 5);
    for hit in &results.hits {
        let passage = &hit.passages[0];
        assert_eq!(passage.line, 5, "{}", hit.doc_id);
        assert_eq!(
            passage.text.replace("\r\n", "\n").replace('\r', "\n"),
            lf.text
        );
        assert_eq!(passage.highlighted(), ["narwhal"]);
    }
    let long = finds(&dossier, "manatee", &["cr-long"]);
    assert_eq!(long.hits[0].passages[0].text, "The manatee line closes it.");
    let bytes = dossier.file_bytes("cr-long.txt");
    assert_eq!(
        long.hits[0].passages[0].line,
        1 + bytes.iter().filter(|&&b| b == b'\r').count() - 1
    );
}

#[test]
fn long_documents_in_other_encodings_give_passages_from_their_decoded_file() {
    let dossier = Dossier::empty();
    add_long_decoded(&dossier);
    let utf16 = finds(&dossier, "capybara", &["long-utf16"]);
    assert_eq!(utf16.hits[0].encoding.as_deref(), Some("UTF-16LE"));
    assert_eq!(
        utf16.hits[0].passages[0].text,
        "In the end the capybara amendment passed."
    );
    let latin = finds(&dossier, "\"accord sur le tetras\"", &["long-1252"]);
    assert_eq!(latin.hits[0].encoding.as_deref(), Some("windows-1252"));
    assert_eq!(
        latin.hits[0].passages[0].text,
        "Enfin, l'accord sur le tétras fut signé."
    );
    // Many passages across the whole decoded text, each checked against it.
    let many = dossier.search_json_decoded("\"Zoë Müller\"", &["--passages", "40"]);
    assert_eq!(many.hits[0].passages.len(), 40);
    let output = dossier
        .command(&["quote", "Zoë Müller read the “draft” aloud", "--json"])
        .output()
        .unwrap();
    let quotes: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(quotes["verbatim_count"].as_u64().unwrap() > 0);
    assert_eq!(quotes["matches"][0]["encoding"], "UTF-16LE");
}

#[test]
fn odd_file_names_are_indexed_under_a_readable_id() {
    let dossier = Dossier::empty();
    add_odd_names(&dossier);
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    finds(&dossier, "jackal", &["with space"]);
    assert_eq!(
        finds(&dossier, "gecko", &["new\nline"]).hits[0].path,
        "new\nline.txt"
    );
    let tapir = finds(&dossier, "tapir", &["caf\u{fffd} memo"]);
    assert_eq!(tapir.hits[0].passages[0].text, "The tapir memo.");
    // A long document whose name is not UTF-8 still has its passages.
    let okapi = finds(&dossier, "okapi", &["long \u{fffd}"]);
    assert_eq!(
        okapi.hits[0].passages[0].text,
        "The okapi sentence ends it."
    );
    let text = std::fs::read_to_string(dossier.corpus().join(OsStr::from_bytes(b"long \xff.txt")))
        .unwrap();
    assert_eq!(
        okapi.hits[0].passages[0].start,
        text.find("The okapi").unwrap()
    );
}

#[test]
fn hidden_files_and_folders_are_passed_over_quietly() {
    let dossier = Dossier::empty();
    add_ordinary(&dossier);
    add_hidden(&dossier);
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(0));
    assert!(!stderr_of(&output).contains("lynx") && !stderr_of(&output).contains(".git"));
    assert!(summary(&output).contains("1 added"), "{}", summary(&output));
    finds(&dossier, "lynx", &[]);
}

#[test]
fn links_never_lead_out_of_the_corpus() {
    let dossier = Dossier::empty();
    add_ordinary(&dossier);
    let outside = add_links(&dossier);
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        dossier.skipped(&output).keys().collect::<Vec<_>>(),
        ["broken-link.txt", "elsewhere", "outside-link.txt"]
    );
    finds(&dossier, "yak", &[]);
    // The document linked from inside is indexed once, in its own place; the loop is not
    // walked around.
    finds(&dossier, "pangolin", &["plain"]);
    assert!(summary(&output).contains("1 added"), "{}", summary(&output));
    // The index was not written to through the link either.
    assert_eq!(std::fs::read_dir(outside).unwrap().count(), 1);
}

#[test]
fn very_deep_folders_are_walked_and_too_deep_ones_reported() {
    let dossier = Dossier::empty();
    add_deep(&dossier);
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(1));
    let skipped = dossier.skipped(&output);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    finds(
        &dossier,
        "mole",
        &[&format!("{}/deep", vec!["d"; 100].join("/"))],
    );
}

/// Deletes a file once the corpus has been listed, before any file is read.
struct DeleteAfterListing(PathBuf);

impl dossier::update::Progress for DeleteAfterListing {
    fn begin(&self, _total: u64) {
        std::fs::remove_file(&self.0).expect("delete the file");
    }
}

#[test]
fn a_file_deleted_between_the_walk_and_the_read_is_reported_and_skipped() {
    let dossier = Dossier::empty();
    add_ordinary(&dossier);
    dossier.write("vanishing.txt", "Vanishing\n\nThe dodo memo.\n");
    let summary = dossier::update::update(
        &dossier.corpus(),
        &dossier.index(),
        false,
        &DeleteAfterListing(dossier.corpus().join("vanishing.txt")),
    )
    .expect("the run goes on");
    assert_eq!(summary.added, 1);
    assert_eq!(summary.skipped.len(), 1);
    assert_eq!(summary.skipped[0].path, "vanishing.txt");
    assert!(
        summary.skipped[0].reason.contains("vanished"),
        "{}",
        summary.skipped[0].reason
    );
    finds(&dossier, "pangolin", &["plain"]);
    // The next run no longer knows it.
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
}

#[test]
fn a_single_100_mb_line_is_indexed_completely() {
    const SIZE: usize = 100 * 1024 * 1024;
    let dossier = Dossier::empty();
    let mut line = String::with_capacity(SIZE + 100);
    line.push_str("aardvark opens the log ");
    let mut n = 0u32;
    while line.len() < SIZE {
        // No sentence ends and no line ends: one sentence, one line, 100 MB long.
        line.push_str("entry ");
        // Ten thousand distinct IDs: a log's vocabulary, not one new word per entry.
        line.push_str(&format!("{:x} ", (n % 10_007).wrapping_mul(2_654_435_761)));
        line.push_str("status ok, ");
        n += 1;
    }
    let middle = line.len() / 2;
    let middle = middle + line[middle..].find(' ').unwrap() + 1;
    line.insert_str(middle, "the halfway platypus ");
    line.push_str("and at the very end the quokka protocol was signed");
    dossier.write("huge.log.txt", &line);
    drop(line);

    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    for (query, expected) in [
        ("aardvark", "aardvark"),
        ("platypus", "platypus"),
        (
            "\"quokka protocol was signed\"",
            "quokka protocol was signed",
        ),
    ] {
        // search_json checks the passage against the file's bytes and its line (1).
        let results = dossier.search_json(query, &["--no-refresh"]);
        assert_eq!(results.doc_ids(), ["huge.log"], "{query}");
        let passage = &results.hits[0].passages[0];
        assert_eq!(passage.highlighted(), [expected]);
        assert!(
            passage.text.len() <= 480,
            "{query}: {} bytes",
            passage.text.len()
        );
        assert_eq!(passage.line, 1);
    }
}

#[test]
fn the_index_records_no_absolute_path_and_is_written_nowhere_else() {
    let dossier = Dossier::empty();
    add_ordinary(&dossier);
    add_encodings(&dossier);
    add_long_decoded(&dossier);
    dossier.write("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let before = snapshot(&dossier.corpus());
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert_eq!(
        snapshot(&dossier.corpus()),
        before,
        "the corpus is untouched"
    );
    let mut beside: Vec<_> = std::fs::read_dir(dossier.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    beside.sort();
    assert_eq!(beside, ["corpus", "index"]);
    let absolute = dossier.dir.path().to_str().unwrap().as_bytes().to_vec();
    for (path, _, _) in snapshot(&dossier.index()) {
        let bytes = std::fs::read(dossier.index().join(&path)).unwrap();
        assert!(
            !bytes.windows(absolute.len()).any(|w| w == absolute),
            "{path} holds an absolute path"
        );
    }

    // Moved elsewhere together, the dossier and its index still work as one: nothing is
    // out of date, and long documents are read from the corpus where it now is.
    let moved = tempfile::tempdir().unwrap();
    for name in ["corpus", "index"] {
        std::fs::rename(dossier.dir.path().join(name), moved.path().join(name)).unwrap();
    }
    let moved = Dossier { dir: moved };
    let output = moved
        .command(&["search", "capybara", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        !stderr_of(&output).contains("updating"),
        "{}",
        stderr_of(&output)
    );
    let results: common::Results = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results.hits[0].path, "long-utf16.txt");
    assert_eq!(results.hits[0].passages.len(), 1);
}

/// Every file below `root`, relative, with its size and modification time.
fn snapshot(root: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            let metadata = std::fs::symlink_metadata(entry.path()).unwrap();
            if metadata.is_dir() {
                folders.push(entry.path());
            } else {
                let rel = entry.path().strip_prefix(root).unwrap().to_owned();
                let rel = rel.to_string_lossy().into_owned();
                files.push((rel, metadata.len(), metadata.modified().unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn json_output_into_a_closed_pipe_is_not_an_error() {
    let dossier = Dossier::empty();
    add_ordinary(&dossier);
    for i in 0..50 {
        dossier.write(&format!("copy{i}.txt"), "Copy\n\nThe pangolin again.\n");
    }
    dossier.index_run();
    let output = dossier.run_into_closed_pipe(&["search", "pangolin", "--json", "--limit", "50"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(output.stderr.is_empty(), "{}", stderr_of(&output));
}

#[test]
fn errors_and_notes_go_to_stderr_and_results_alone_to_stdout() {
    let dossier = Dossier::empty();
    add_ordinary(&dossier);
    add_encodings(&dossier);
    add_unreadable(&dossier);
    // Indexing on first search: its notes and skips go to stderr, the JSON alone to stdout.
    let output = dossier
        .command(&["search", "pangolin", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr_of(&output).contains("dossier: skipped"));
    assert!(stderr_of(&output).contains("dossier: note"));
    let results: common::Results = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results.doc_ids(), ["plain"]);
    let error = dossier.command(&["search", "\"unclosed"]).output().unwrap();
    assert_eq!(error.status.code(), Some(2));
    assert!(error.stdout.is_empty());
    assert!(stderr_of(&error).starts_with("dossier: error:"));
}

#[test]
fn the_end_of_a_long_decoded_text_is_the_end_of_the_text_not_of_the_file() {
    // Accented words first: the decoded text is a few hundred bytes longer than the file, so
    // the file's length falls inside the last stretch read around a match at the end.
    let mut latin = b"Summer notes\r\n".to_vec();
    while latin.len() < 1_500 {
        latin.extend_from_slice(b"\xc9t\xe9 \xe0 l'\xe9cole, caf\xe9 cr\xe8me.\r\n");
    }
    while latin.len() < 140_000 {
        latin.extend_from_slice(b"Plain words on a plain line.\r\n");
    }
    latin.extend_from_slice(b"The gnu sentence ends the file.\r\n");
    let dossier = Dossier::empty();
    dossier.write("summer.txt", &latin);
    let results = finds(&dossier, "gnu", &["summer"]);
    assert_eq!(results.hits[0].encoding.as_deref(), Some("windows-1252"));
    assert_eq!(
        results.hits[0].passages[0].text,
        "The gnu sentence ends the file."
    );
}

#[test]
fn escape_sequences_in_a_document_never_reach_the_terminal() {
    let dossier = Dossier::empty();
    // Retitles the terminal window, then clears the screen.
    let hostile =
        "Title \u{1b}]0;owned\u{7}here\nThe envoy \u{1b}[2J\u{1b}[31mlanded\u{9b}1m in Miami.\n";
    dossier.write("escapes.txt", hostile);
    for args in [
        &["search", "envoy", "--color", "always"][..],
        &["search", "envoy", "--color", "never"][..],
        &["quote", "in Miami", "--color", "never"][..],
    ] {
        let output = dossier.command(args).output().unwrap();
        let shown = String::from_utf8(output.stdout).unwrap();
        assert!(shown.contains("Miami"), "{args:?}: {shown}");
        assert!(!shown.contains("]0;owned\u{7}"), "{args:?}: {shown:?}");
        assert!(!shown.contains("\u{1b}[2J"), "{args:?}: {shown:?}");
        assert!(!shown.contains('\u{9b}'), "{args:?}: {shown:?}");
        assert!(shown.contains('\u{FFFD}'), "{args:?}: {shown:?}");
    }
    // The JSON output keeps the text as it is, for exact citation.
    let results = dossier.search_json("envoy", &[]);
    assert!(results.hits[0].passages[0].text.contains("\u{1b}[2J"));
}

/// A file's name is shown as text in the indexer's messages: an escape sequence in it
/// (which could recolour, retitle or clear the terminal) or a line end (which could forge
/// a line of output) is not passed to the terminal as such.
#[test]
fn a_hostile_file_name_reaches_the_terminal_as_text() {
    let dossier = Dossier::shipped();
    dossier.write("esc\x1b[31mRED\x1b]0;pwned\x07.txt", "");
    dossier.write("evil\nskipped fake.txt: forged line.txt", "");
    let output = dossier.command(&["index"]).output().unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!said.contains('\x1b') && !said.contains('\x07'), "{said:?}");
    let skipped: Vec<&str> = said
        .lines()
        .filter(|l| l.starts_with("dossier: skipped "))
        .collect();
    assert_eq!(skipped.len(), 2, "{said:?}");
    assert!(
        skipped
            .iter()
            .any(|l| l.contains("evil\u{FFFD}skipped fake.txt")),
        "{said:?}"
    );
}

/// Bytes that are no text, named as a web page or an e-mail, are skipped as binary, as
/// they are named `.txt`: they were indexed as text in Windows-1252, NUL and control
/// bytes and a PDF's compressed streams searchable.
#[test]
fn binary_bytes_named_as_html_or_email_are_skipped() {
    let dossier = Dossier::empty();
    let noise: Vec<u8> = (0u32..20_000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(noise.contains(&0));
    dossier.write("noise.html", &noise);
    dossier.write("noise.eml", &noise);
    dossier.write("report.html", b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj\n");
    dossier.write(
        "fine.html",
        "<html><title>Fine</title><p>A page.</p></html>",
    );
    let output = dossier.command(&["index"]).output().unwrap();
    let said = stderr_of(&output);
    for (name, reason) in [
        ("noise.html", "NUL bytes"),
        ("noise.eml", "NUL bytes"),
        ("report.html", "a PDF document"),
    ] {
        assert!(
            said.lines().any(|l| l.contains(name) && l.contains(reason)),
            "{name}: {said}"
        );
    }
    assert!(summary(&output).contains("1 added"), "{}", summary(&output));
}
