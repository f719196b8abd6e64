//! Indexing with the real binary: incremental updates, refresh before search, skipped files
//! and document IDs.

mod common;

use common::{Dossier, stderr_of, summary};

#[test]
fn a_second_run_reads_only_what_changed() {
    let dossier = Dossier::shipped();
    let first = dossier.index_run();
    assert_eq!(first.status.code(), Some(0), "{}", stderr_of(&first));
    assert!(summary(&first).contains("5 added, 0 updated, 0 removed, 0 unchanged, 0 skipped"));

    let again = dossier.index_run();
    assert!(
        summary(&again).contains("0 added, 0 updated, 0 removed, 5 unchanged"),
        "{}",
        summary(&again)
    );

    dossier.write(
        "new/briefing.md",
        "Briefing\n\nThe zebra protocol was signed.\n",
    );
    dossier.write(
        "004_cfbd965501cddc54.txt",
        "Replaced\n\nOnly a quokka is left here.\n",
    );
    std::fs::remove_file(dossier.corpus().join("003_66d2ee1fe4b90a87.txt")).unwrap();
    let third = dossier.index_run();
    assert!(
        summary(&third).contains("1 added, 1 updated, 1 removed, 3 unchanged, 0 skipped"),
        "{}",
        summary(&third)
    );

    let zebra = dossier.search_json("zebra", &["--no-refresh"]);
    assert_eq!(zebra.doc_ids(), ["new/briefing"]);
    assert_eq!(zebra.hits[0].path, "new/briefing.md");
    assert_eq!(zebra.hits[0].title, "Briefing");
    assert_eq!(
        dossier.search_json("quokka", &["--no-refresh"]).doc_ids(),
        ["004_cfbd965501cddc54"]
    );
    assert_eq!(
        dossier
            .search_json("Thanksgiving", &["--no-refresh"])
            .total_hits,
        0
    );
    assert_eq!(
        dossier
            .search_json("\"great peacemaker\"", &["--no-refresh"])
            .total_hits,
        0,
        "the deleted document is gone"
    );
}

#[test]
fn a_file_touched_but_not_changed_counts_as_unchanged() {
    let dossier = Dossier::shipped();
    dossier.index_run();
    let path = dossier.corpus().join("000_eea6b4a974d0f11e.txt");
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    let output = dossier.index_run();
    assert!(
        summary(&output).contains("0 added, 0 updated, 0 removed, 5 unchanged"),
        "{}",
        summary(&output)
    );
}

#[test]
fn search_refreshes_a_changed_corpus_first_unless_told_not_to() {
    let dossier = Dossier::shipped();
    dossier.index_run();
    dossier.write("late.txt", "Late report\n\nA pangolin was seen in Miami.\n");

    let stale = dossier.search_json("pangolin", &["--no-refresh"]);
    assert_eq!(stale.total_hits, 0);

    let output = dossier
        .command(&["search", "pangolin", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("changed since the last index"), "{stderr}");
    assert!(stderr.contains("1 added"), "{stderr}");

    let quiet = dossier.command(&["search", "pangolin"]).output().unwrap();
    assert!(quiet.stderr.is_empty(), "no note when nothing changed");
}

/// The search is run on the last commit before the corpus is checked (so that a watcher's
/// answer arrives meanwhile); when the corpus changed, it is run again on the index updated.
#[test]
fn quote_refreshes_a_changed_corpus_and_checks_the_quotation_again() {
    let dossier = Dossier::shipped();
    dossier.index_run();
    dossier.write(
        "late.txt",
        "Late report\n\nThe envoy said the pangolin left Miami at dawn.\n",
    );
    let output = dossier
        .command(&["quote", "the pangolin left Miami at dawn", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("changed since the last index"));
    let results: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        results.to_string().contains("late"),
        "found in the new file: {results}"
    );
}

#[test]
fn a_file_that_is_not_text_is_skipped_with_its_path_and_reason() {
    let dossier = Dossier::shipped();
    dossier.write("scan.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    dossier.write("notes.numbers", "not a document type dossier reads");
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(1), "something was skipped");
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("scan.txt: binary file"),
        "path and reason: {stderr}"
    );
    assert!(summary(&output).contains("5 added"));
    assert!(summary(&output).contains("1 skipped (1 other files ignored)"));
    assert!(!stderr.contains("panicked"));
    assert_eq!(
        dossier
            .search_json("Pokrovsk", &["--no-refresh"])
            .total_hits,
        1
    );

    // Remembered: a search does not take the skipped file for a change.
    let search = dossier.command(&["search", "Pokrovsk"]).output().unwrap();
    assert!(search.stderr.is_empty(), "{}", stderr_of(&search));
    let again = dossier.index_run();
    assert!(stderr_of(&again).contains("scan.txt: binary file"));
}

#[test]
fn files_that_would_share_an_id_both_stay_searchable() {
    let dossier = Dossier::empty();
    dossier.write("notes.md", "Markdown notes\n\nabout the walrus\n");
    dossier.write("notes.txt", "Text notes\n\nabout the narwhal\n");
    dossier.index_run();
    assert_eq!(dossier.search_json("walrus", &[]).doc_ids(), ["notes"]);
    assert_eq!(dossier.search_json("narwhal", &[]).doc_ids(), ["notes.txt"]);
    assert_eq!(
        dossier.search_json("id:notes.txt", &[]).doc_ids(),
        ["notes.txt"]
    );
}

#[test]
fn rebuild_reads_everything_again() {
    let dossier = Dossier::shipped();
    dossier.index_run();
    let output = dossier.command(&["index", "--rebuild"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(summary(&output).contains("5 added"), "{}", summary(&output));
    assert_eq!(dossier.search_json("Ukraine", &[]).total_hits, 5);
}

/// A mistyped `--index` (a folder of the user's own files) is not written into: the run
/// says why, and the folder is left as it was. An empty folder, or one holding only hidden
/// files such as a `.gitignore`, takes the index.
#[test]
fn an_index_folder_holding_the_users_files_is_not_written_into() {
    let dossier = Dossier::shipped();
    std::fs::create_dir_all(dossier.index()).unwrap();
    std::fs::write(dossier.index().join("thesis.txt"), "precious\n").unwrap();
    let output = dossier.command(&["index"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("holds 1 file of its own and no dossier index"),
        "{}",
        stderr_of(&output)
    );
    let left: Vec<String> = std::fs::read_dir(dossier.index())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["thesis.txt"]);
    std::fs::remove_file(dossier.index().join("thesis.txt")).unwrap();
    std::fs::write(dossier.index().join(".gitignore"), "*\n").unwrap();
    assert!(
        dossier
            .command(&["index"])
            .output()
            .unwrap()
            .status
            .success()
    );
}

/// A corpus folder with nothing in it (a drive not mounted: its mount point is an empty
/// folder) is not taken as every document deleted: the index is kept, and the run says
/// why and how to empty it on purpose.
#[test]
fn an_empty_corpus_folder_does_not_empty_the_index() {
    let dossier = Dossier::shipped();
    dossier.index_run();
    for entry in std::fs::read_dir(dossier.corpus()).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    for args in [&["index"][..], &["search", "Ukraine"][..]] {
        let output = dossier.command(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let said = stderr_of(&output);
        assert!(
            said.contains("holds no documents, but its index holds 5")
                && said.contains("left as it was")
                && said.contains("--rebuild"),
            "{said}"
        );
    }
    let kept = dossier
        .command(&["search", "Ukraine", "--no-refresh", "--json"])
        .output()
        .unwrap();
    assert_eq!(kept.status.code(), Some(0), "{}", stderr_of(&kept));
    // The command it says to run, run as it says: on this corpus and index, not on the
    // defaults of the folder it is run in.
    let said = stderr_of(&dossier.command(&["index"]).output().unwrap());
    let advised = said
        .split('`')
        .find(|part| part.starts_with("dossier index"))
        .unwrap_or_else(|| panic!("no command in: {said}"));
    let words: Vec<&str> = advised.split_whitespace().collect();
    let elsewhere = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
        .current_dir(elsewhere.path())
        .args(&words[1..])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{advised}: {}",
        stderr_of(&output)
    );
    assert!(!elsewhere.path().join("index").exists(), "{advised}");
    let emptied = dossier
        .command(&["search", "Ukraine", "--no-refresh"])
        .output()
        .unwrap();
    assert_eq!(emptied.status.code(), Some(1), "{}", stderr_of(&emptied));
}

/// A mistyped --corpus or --index gets one line saying what is wrong, and leaves nothing
/// behind: no index folder for a corpus that is not there, no error number for an
/// --index that is a file.
#[test]
fn a_missing_corpus_or_an_index_that_is_a_file_is_said_plainly_and_leaves_nothing() {
    let dossier = Dossier::shipped();
    let missing = dossier.corpus().join("no-such-folder");
    let index = dossier.index().with_file_name("new-index");
    for command in ["index", "search"] {
        let mut args = vec![command];
        if command == "search" {
            args.push("Ukraine");
        }
        let output = dossier_at(&args, &missing, &index);
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert!(
            stderr_of(&output).contains("cannot be read"),
            "{}",
            stderr_of(&output)
        );
        assert!(!index.exists(), "{command} left {}", index.display());
    }
    let file = dossier.index().with_file_name("index-file");
    std::fs::write(&file, "").unwrap();
    let output = dossier_at(&["index"], &dossier.corpus(), &file);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("is a file, not a folder"),
        "{}",
        stderr_of(&output)
    );
}

fn dossier_at(
    args: &[&str],
    corpus: &std::path::Path,
    index: &std::path::Path,
) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .output()
        .unwrap()
}

/// The segments of the index's last commit, by ID, with their documents, from `meta.json`.
fn segments_of(index: &std::path::Path) -> Vec<(String, u64)> {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(index.join("meta.json")).unwrap()).unwrap();
    let mut segments: Vec<(String, u64)> = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["segment_id"].to_string(), s["max_doc"].as_u64().unwrap()))
        .collect();
    segments.sort_by_key(|(_, documents)| std::cmp::Reverse(*documents));
    segments
}

/// A search opens every segment of the index: a run ends by merging its smallest segments
/// into one until four remain, but a run that wrote one file rewrites none.
#[test]
fn a_run_leaves_few_segments_and_a_small_one_rewrites_none() {
    let dossier = Dossier::empty();
    for n in 0..7 {
        dossier.write(
            &format!("{n:02}.txt"),
            format!("Note {n}\n\nThe walrus {n}.\n"),
        );
    }
    // A commit after each document: seven segments, fewer than the log policy merges at once.
    let built = dossier
        .command(&["index", "--commit-every-docs", "1"])
        .output()
        .unwrap();
    assert_eq!(built.status.code(), Some(0), "{}", stderr_of(&built));
    let segments = segments_of(&dossier.index());
    let sizes: Vec<u64> = segments.iter().map(|(_, documents)| *documents).collect();
    assert_eq!(sizes, [4, 1, 1, 1], "the four smallest merged");
    assert_eq!(
        dossier.search_json("walrus", &["--no-refresh"]).total_hits,
        7
    );

    dossier.write("07.txt", "Note 7\n\nThe walrus, added.\n");
    let added = dossier.index_run();
    assert!(summary(&added).contains("1 added"), "{}", summary(&added));
    let after = segments_of(&dossier.index());
    let sizes: Vec<u64> = after.iter().map(|(_, documents)| *documents).collect();
    assert_eq!(
        sizes,
        [4, 1, 1, 1, 1],
        "the new segment left beside the others"
    );
    for segment in &segments {
        assert!(after.contains(segment), "{segment:?} left as it was");
    }
    let walrus = dossier.search_json("walrus", &["--no-refresh"]);
    assert_eq!(walrus.total_hits, 8);
    assert_eq!(
        dossier.search_json("added", &["--no-refresh"]).doc_ids(),
        ["07"]
    );
}

/// `mv report.txt report.md` keeps the ID, the size and the time: the file is read again
/// all the same, so its path (where a long document's passages are read from) and format
/// are the new ones.
#[test]
fn a_file_renamed_to_another_extension_is_indexed_again() {
    let dossier = Dossier::empty();
    let long: String = (0..4000)
        .map(|n| format!("Line {n} of the long report on the tapir inquiry.\n"))
        .collect();
    assert!(long.len() > 64 * 1024);
    dossier.write("report.txt", format!("Report\n\n{long}"));
    assert!(dossier.index_run().status.success());
    std::fs::rename(
        dossier.corpus().join("report.txt"),
        dossier.corpus().join("report.md"),
    )
    .unwrap();
    let tapir = dossier.search_json("tapir", &[]);
    assert_eq!(tapir.doc_ids(), ["report"]);
    assert_eq!(tapir.hits[0].path, "report.md");
    assert!(
        !tapir.hits[0].passages.is_empty(),
        "passages read from report.md"
    );
    let shown = dossier.command(&["show", "report"]).output().unwrap();
    assert_eq!(shown.status.code(), Some(0), "{}", stderr_of(&shown));
}

/// Files whose IDs clash fall back to their paths, and a path can be another file's ID:
/// adding `minutes.md` beside `minutes.txt` and `minutes.txt.md` leaves out none of them.
#[test]
fn a_file_added_under_a_taken_id_drops_no_other() {
    let dossier = Dossier::empty();
    dossier.write("minutes.txt", "Minutes\n\nThe walrus spoke first.\n");
    dossier.write("minutes.txt.md", "Notes\n\nThe walrus spoke second.\n");
    assert!(dossier.index_run().status.success());
    dossier.write("minutes.md", "Agenda\n\nThe walrus spoke third.\n");
    let again = dossier.index_run();
    assert_eq!(again.status.code(), Some(0), "{}", stderr_of(&again));
    let walrus = dossier.search_json("walrus", &["--no-refresh"]);
    let mut paths: Vec<&str> = walrus.hits.iter().map(|h| h.path.as_str()).collect();
    paths.sort();
    assert_eq!(paths, ["minutes.md", "minutes.txt", "minutes.txt.md"]);
}

#[test]
fn metadata_tsv_dates_files_whose_names_hold_dots() {
    let dossier = Dossier::empty();
    dossier.write(
        "minutes/minutes 2017.02.07.txt",
        "Minutes\n\nThe envoy spoke first.\n",
    );
    dossier.write(
        "minutes/minutes 2017.txt",
        "Minutes\n\nThe envoy spoke last.\n",
    );
    dossier.write(
        "minutes/report.v2.pdf.txt",
        "Report\n\nThe envoy wrote it.\n",
    );
    dossier.write("minutes/0001.txt", "Note\n\nThe envoy left.\n");
    // Keys are paths without their extension, as the README says; a key written with its
    // file's extension (`0001.txt`, `report.v2.pdf.txt`) is read as well.
    dossier.write(
        "minutes/metadata.tsv",
        "docid\tdate\nminutes 2017.02.07\t2017-02-07\nreport.v2.pdf.txt\t2019-05-01\n\
         0001.txt\t2001-01-01\n",
    );
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_500_000_000);
    for name in [
        "minutes 2017.02.07.txt",
        "minutes 2017.txt",
        "report.v2.pdf.txt",
    ] {
        std::fs::File::options()
            .write(true)
            .open(dossier.corpus().join("minutes").join(name))
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let results = dossier.search_json("envoy", &[]);
    let mut dates: Vec<(&str, &str)> = results
        .hits
        .iter()
        .map(|hit| (hit.doc_id.as_str(), hit.date.as_str()))
        .collect();
    dates.sort();
    assert_eq!(
        dates,
        [
            ("minutes/0001", "2001-01-01"),
            ("minutes/minutes 2017", "2017-07-14"),
            ("minutes/minutes 2017.02.07", "2017-02-07"),
            ("minutes/report.v2.pdf", "2019-05-01"),
        ]
    );
}
