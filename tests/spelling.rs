//! Names spelled many ways, with the real binary: fuzzy and prefix terms, spelling
//! suggestions, name variants and ID filters.

mod common;

use common::{Dossier, stderr_of};

/// `dossier search WORD`: its exit code, and what it said on stderr.
/// A search for `word` as spelled: names' other spellings (which would find what a close
/// spelling suggests) are not searched.
fn search_stderr(dossier: &Dossier, word: &str) -> (Option<i32>, String) {
    let output = dossier
        .command(&["search", word, "--no-variants"])
        .output()
        .unwrap();
    (output.status.code(), stderr_of(&output))
}

fn ids_sorted(results: &common::Results) -> Vec<&str> {
    let mut ids = results.doc_ids();
    ids.sort();
    ids
}

#[test]
fn a_fuzzy_term_finds_every_spelling_and_highlights_what_matched() {
    let dossier = Dossier::shipped();
    let results = dossier.search_json("Dimitriev~1", &["--passages", "9"]);
    assert_eq!(
        ids_sorted(&results),
        [
            "000_eea6b4a974d0f11e",
            "002_ecfde2e7f9f4abad",
            "003_66d2ee1fe4b90a87",
            "004_cfbd965501cddc54"
        ]
    );
    let mut spellings: Vec<&str> = results.highlighted();
    spellings.sort();
    spellings.dedup();
    assert_eq!(spellings, ["Dimitriev", "Dmitriev"]);
    assert_eq!(
        results.hits[0].doc_id, "000_eea6b4a974d0f11e",
        "the spelling as typed counts more"
    );
    for hit in &results.hits {
        for passage in &hit.passages {
            assert!(passage.highlight_terms.iter().all(|t| t == "Dimitriev~1"));
        }
    }
}

#[test]
fn fuzzy_everything_finds_the_other_spelling_of_a_long_name() {
    let dossier = Dossier::shipped();
    let exact = dossier.search_json("Zelenskyy", &["--no-variants"]);
    assert_eq!(exact.doc_ids(), ["004_cfbd965501cddc54"]);
    let fuzzy = dossier.search_json("Zelenskyy", &["--fuzzy", "--no-variants"]);
    assert_eq!(fuzzy.total_hits, 4);
    assert!(fuzzy.highlighted().contains(&"Zelensky"));
    // Short words stay exact under --fuzzy: "war" must not find "was" or "far".
    let war = dossier.search_json("war", &["--fuzzy", "--passages", "9"]);
    assert!(war.highlighted().iter().all(|w| w.to_lowercase() == "war"));
}

#[test]
fn a_prefix_finds_every_word_that_starts_so() {
    let dossier = Dossier::shipped();
    let results = dossier.search_json("negotiat*", &["--passages", "9"]);
    let mut words: Vec<String> = results
        .highlighted()
        .iter()
        .map(|w| w.to_lowercase())
        .collect();
    words.sort();
    words.dedup();
    assert_eq!(words, ["negotiating", "negotiation", "negotiations"]);
    let phrase = dossier.search_json("\"security guar\"*", &[]);
    assert_eq!(phrase.total_hits, 4);
    for text in phrase.highlighted() {
        assert_eq!(text.to_lowercase(), "security guarantees");
    }
}

/// A dossier of documents `a`, `b` and `c` that say `once` among filler, and `z`, which says
/// only `often`: the document a ranking by use must put first.
fn dossier_of_one_mention_each_and_one_of_many(once: &str, often: &str) -> Dossier {
    let dossier = Dossier::empty();
    for name in ["a", "b", "c"] {
        dossier.write(&format!("{name}.txt"), document_saying(name, once));
    }
    dossier.write("z.txt", format!("Notes z\n\n{often}\n"));
    dossier
}

/// A document titled `Notes NAME` whose body says `sentence` between two of filler.
fn document_saying(name: &str, sentence: &str) -> String {
    let filler = "The talks went on through the night in the hotel by the bay.";
    format!("Notes {name}\n\n{filler} {sentence} {filler}\n")
}

#[test]
fn a_prefix_ranks_documents_by_how_much_they_use_its_words() {
    let dossier = dossier_of_one_mention_each_and_one_of_many(
        "Sanctions were mentioned once.",
        "Sanctions, sanctioned, sanctioning: the sanctions regime.",
    );
    dossier.write("d.txt", document_saying("d", "Sanctionable was said once."));
    let results = dossier.search_json("sanction*", &[]);
    assert_eq!(results.total_hits, 5);
    assert_eq!(results.hits[0].doc_id, "z", "{:?}", results.doc_ids());
    assert!(results.hits[0].score > results.hits[1].score);
    // A rare word of the prefix counts as much as a common one, not more.
    let score_of = |id: &str| results.hits.iter().find(|h| h.doc_id == id).unwrap().score;
    assert_eq!(score_of("d"), score_of("a"));
}

#[test]
fn documents_with_only_a_near_spelling_are_ranked_by_how_much_they_use_it() {
    let dossier = dossier_of_one_mention_each_and_one_of_many(
        "Dmitriev was there.",
        "Dmitriev spoke; Dmitriev left; Dmitriev came back.",
    );
    let results = dossier.search_json("Dimitriev~1", &[]);
    assert_eq!(results.total_hits, 4);
    assert_eq!(results.hits[0].doc_id, "z", "{:?}", results.doc_ids());
    assert!(results.hits[0].score > results.hits[1].score);
}

#[test]
fn a_misspelt_word_gets_a_suggestion_and_is_not_rewritten() {
    let dossier = Dossier::shipped();
    let output = dossier
        .command(&["search", "Witkof", "--no-variants"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "nothing found: the query is not rewritten"
    );
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("Witkof: 0 documents; Witkoff: 5 documents"),
        "{stderr}"
    );

    let output = dossier
        .command(&["search", "Dimitriev", "--no-variants"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr_of(&output).contains("Dimitriev: 1 document; Dmitriev: 4 documents"),
        "much less than a close spelling: {}",
        stderr_of(&output)
    );
}

#[test]
fn a_common_word_is_not_doubted_for_a_commoner_neighbour() {
    let dossier = Dossier::empty();
    for i in 0..30 {
        dossier.write(
            &format!("place{i}.txt"),
            "Notes\n\nThe location was secret.\n",
        );
    }
    for i in 0..10 {
        dossier.write(
            &format!("budget{i}.txt"),
            "Notes\n\nThe allocation was cut.\n",
        );
    }
    dossier.write("typo.txt", "Notes\n\nThe locaton was wrong.\n");
    let (code, stderr) = search_stderr(&dossier, "allocation");
    assert_eq!(code, Some(0));
    assert!(!stderr.contains("did you mean"), "{stderr}");
    let (_, stderr) = search_stderr(&dossier, "locaton");
    assert!(
        stderr.contains("locaton: 1 document; location: 30 documents"),
        "{stderr}"
    );
}

/// A word the index has is doubted only for spellings with its first letter (walking the
/// whole vocabulary cost more than the rest of the search); a word it lacks, for any.
#[test]
fn a_rare_word_is_doubted_for_spellings_with_its_first_letter() {
    let dossier = Dossier::empty();
    for i in 0..10 {
        dossier.write(
            &format!("common{i}.txt"),
            "Notes\n\nKorolev and Dorolev met.\n",
        );
    }
    dossier.write("rare.txt", "Notes\n\nBorolev was there.\n");
    dossier.write("rarer.txt", "Notes\n\nKorolov was there.\n");
    let (_, stderr) = search_stderr(&dossier, "Korolov");
    assert!(
        stderr.contains("Korolov: 1 document; Korolev: 10 documents"),
        "{stderr}"
    );
    let (code, stderr) = search_stderr(&dossier, "Borolev");
    assert_eq!(code, Some(0));
    assert!(!stderr.contains("did you mean"), "{stderr}");
    let (code, stderr) = search_stderr(&dossier, "Zorolev");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("Zorolev: 0 documents; Dorolev: 10 documents"),
        "{stderr}"
    );
}

/// Suggestions for a search that found something are drawn from the index's common words
/// (in 3 documents or more, written after each update); without that file, or with one
/// left from other segments, from every word: the same suggestions either way.
#[test]
fn suggestions_are_the_same_from_the_common_words_as_from_every_word() {
    let dossier = Dossier::empty();
    for i in 0..2 {
        dossier.write(&format!("common{i}.txt"), "Notes\n\nDmitriev spoke.\n");
    }
    dossier.write("rare.txt", "Notes\n\nDimitriev spoke.\n");
    let vocabulary = dossier.index().join("vocabulary.fst");
    let (code, stderr) = search_stderr(&dossier, "Dimitriev");
    assert_eq!(code, Some(0));
    assert!(
        !stderr.contains("did you mean"),
        "2 documents are not many more than 1: {stderr}"
    );
    assert!(vocabulary.is_file(), "written with the index");
    let (code, stderr) = search_stderr(&dossier, "Dmitriev Dmitrieva");
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains("Dmitrieva: 0 documents; Dmitriev: 2 documents"),
        "a word the index lacks, in a search that found something: any spelling in 2 documents or more, so not only the common words: {stderr}"
    );

    dossier.write("common2.txt", "Notes\n\nDmitriev spoke.\n");
    let before = std::fs::read(&vocabulary).unwrap();
    let offered = "Dimitriev: 1 document; Dmitriev: 3 documents";
    let (_, stderr) = search_stderr(&dossier, "Dimitriev");
    assert!(stderr.contains(offered), "{stderr}");
    assert_ne!(
        std::fs::read(&vocabulary).unwrap(),
        before,
        "written again by the update the search made"
    );

    std::fs::remove_file(&vocabulary).unwrap();
    let (_, stderr) = search_stderr(&dossier, "Dimitriev");
    assert!(stderr.contains(offered), "{stderr}");
    std::fs::write(&vocabulary, &before).unwrap();
    let (_, stderr) = search_stderr(&dossier, "Dimitriev");
    assert!(stderr.contains(offered), "from other segments: {stderr}");
}

#[test]
fn name_variants_are_searched_with_a_note_unless_refused() {
    let dossier = Dossier::shipped();
    let output = dossier
        .command(&["search", "Kiev", "--json"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert!(stderr.contains("Kiev also matches Kyiv"), "{stderr}");
    let results: common::Results = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results.total_hits, 4);
    // Each highlight says whether it is the spelling typed or a variant of it.
    let mut rules = Vec::new();
    for passage in results.hits.iter().flat_map(|hit| &hit.passages) {
        for (i, &[start, end]) in passage.highlights.iter().enumerate() {
            let rule = passage
                .highlight_variants
                .as_ref()
                .and_then(|rules| rules[i].clone());
            rules.push((passage.text[start..end].to_string(), rule));
        }
    }
    rules.sort();
    rules.dedup();
    assert_eq!(
        rules,
        [
            ("Kiev".to_string(), None),
            ("Kyiv".to_string(), Some("variant".to_string()))
        ]
    );
    // Both spellings typed: each is its own clause's, not the other's variant.
    let both = dossier.search_json("Kyiv Kiev", &[]);
    for passage in both.hits.iter().flat_map(|hit| &hit.passages) {
        assert!(passage.highlight_variants.is_none(), "{passage:?}");
    }
    let plain = dossier.search_json("Kiev", &["--no-variants"]);
    assert_eq!(plain.doc_ids(), ["000_eea6b4a974d0f11e"]);
}

#[test]
fn a_dossier_declares_its_own_variants() {
    let dossier = Dossier::shipped();
    assert_eq!(dossier.search_json("Peskov", &[]).total_hits, 1);
    dossier.write(".dossier-variants", "# our spellings\nPeskov, Dmitriev\n");
    let results = dossier.search_json("Peskov", &[]);
    assert_eq!(
        results.total_hits, 4,
        "Dmitriev declared a variant of Peskov"
    );
    let quoted = dossier.search_json("\"Peskov\"", &[]);
    assert_eq!(quoted.total_hits, 1, "a quoted word is exact");

    dossier.write(".dossier-variants", "Kirill Dmitriev, Dmitriev\n");
    let output = dossier.command(&["search", "Peskov"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains(".dossier-variants:1"));
}

#[test]
fn id_globs_and_title_narrow_the_hits() {
    let dossier = Dossier::shipped();
    let all = dossier.search_json("Ukraine", &[]);
    assert_eq!(all.total_hits, 5);
    let some = dossier.search_json("Ukraine", &["--id", "00[0-2]_*"]);
    assert_eq!(
        ids_sorted(&some),
        [
            "000_eea6b4a974d0f11e",
            "001_66895d6541d2e960",
            "002_ecfde2e7f9f4abad"
        ]
    );
    let title = dossier.search_json("title:Moscow", &[]);
    assert_eq!(title.doc_ids(), ["001_66895d6541d2e960"]);
    assert!(dossier.search_json("Moscow", &[]).total_hits > 1);
    // 002's first line, shown as its title, is a paragraph that names Kushner: no title.
    let paragraph = dossier.search_json("Kushner", &["--id", "002_*"]);
    assert!(paragraph.hits[0].title.contains("Kushner"));
    assert_eq!(dossier.search_json("title:Kushner", &[]).total_hits, 0);
    let output = dossier
        .command(&["search", "Ukraine", "--id", "["])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("not a valid glob"));
    // Alternatives nested past the glob library's limit (it panicked), and a glob longer
    // than any ID, are refused as well.
    let nested = format!("{}b{}", "{a,".repeat(150), "}".repeat(150));
    let long = "[a-z]".repeat(1000);
    for glob in [nested.as_str(), long.as_str()] {
        let output = dossier
            .command(&["search", "Ukraine", "--id", glob])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
        assert!(
            stderr_of(&output).contains("--id"),
            "{}",
            stderr_of(&output)
        );
    }
}

#[test]
fn fuzzy_and_wildcard_mistakes_are_explained() {
    let dossier = Dossier::shipped();
    for (query, wanted) in [
        ("Dmitriev~3", "at most 2 edits"),
        ("pres*dent", "a wildcard may only end a word"),
        ("pres?dent", "? is no wildcard"),
        ("peace plan~1 \"x", "unclosed quote"),
        ("Dmitriev~1.5", "~ takes a whole number of edits"),
        ("Miami Dmitriev~-1", "at character 7"),
        ("\"\" Miami", "a phrase without a word in it"),
        ("~", "the query has no word in it"),
    ] {
        let output = dossier.command(&["search", query]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{query}");
        assert!(
            stderr_of(&output).contains(wanted),
            "{query}: {}",
            stderr_of(&output)
        );
    }
    // Plain text's italics, /word/, are the word; a regular expression is refused where
    // it stands.
    assert!(dossier.search_json("the /Dmitriev/ talks", &[]).total_hits > 0);
    let output = dossier
        .command(&["search", "peace /D.*v/"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("at character 7"),
        "{}",
        stderr_of(&output)
    );
    // Without a word before it, as in pasted text, ~ is punctuation.
    let pasted = dossier.search_json("Dmitriev ~5", &[]);
    assert!(pasted.total_hits > 0);
}

#[test]
fn dates_come_from_metadata_tsv_or_the_file_time_and_filter_hits() {
    let dossier = Dossier::empty();
    dossier.write(
        "news/0001.txt",
        "Talks open\n\nThe envoy arrived in Miami.\n",
    );
    dossier.write("news/0002.txt", "Talks stall\n\nThe envoy left Miami.\n");
    dossier.write(
        "news/metadata.tsv",
        "docid\tpublish_date\n0001\t2017/2/7\n0002\t2017-03-15\n",
    );
    dossier.write("undated.md", "Notes\n\nThe envoy, again, in Miami.\n");
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_500_000_000);
    std::fs::File::options()
        .write(true)
        .open(dossier.corpus().join("undated.md"))
        .unwrap()
        .set_modified(old)
        .unwrap();

    let all = dossier.search_json("envoy", &[]);
    assert_eq!(all.total_hits, 3);
    let date_of = |id: &str| {
        all.hits
            .iter()
            .find(|h| h.doc_id == id)
            .map(|h| h.date.clone())
            .unwrap()
    };
    assert_eq!(date_of("news/0001"), "2017-02-07");
    assert_eq!(date_of("news/0002"), "2017-03-15");
    assert_eq!(
        date_of("undated"),
        "2017-07-14",
        "the file's modification time"
    );

    let february = dossier.search_json("envoy", &["--after", "2017-02-01", "--before", "2017-03"]);
    assert_eq!(february.doc_ids(), ["news/0001"]);
    let later = dossier.search_json("envoy", &["--after", "2017-03-15"]);
    assert_eq!(ids_sorted(&later), ["news/0002", "undated"]);
    // Days past what the index can hold (2262) are the end of time, not a wrap-around.
    for far in ["2263", "2999", "9999-12-31"] {
        let after = dossier.search_json("envoy", &["--after", far]);
        assert_eq!(after.total_hits, 0, "--after {far}");
        let before = dossier.search_json("envoy", &["--before", far]);
        assert_eq!(before.total_hits, 3, "--before {far}");
    }

    // A corrected date in the metadata reaches the index without touching the document.
    dossier.write(
        "news/metadata.tsv",
        "docid\tpublish_date\n0001\t2016-12-31\n0002\t2017-03-15\n",
    );
    let earlier = dossier.search_json("envoy", &["--before", "2017"]);
    assert_eq!(earlier.doc_ids(), ["news/0001"]);

    let output = dossier
        .command(&["search", "envoy", "--after", "last week"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("is not a date"));
}

/// A name's spellings reach each other whichever is typed: the listed variant (Kyiv, Kiev)
/// and the spellings sharing a key with either (Kiew, Киев, Києва, Київ). Kyiv found only
/// itself, though Kiev found all four.
#[test]
fn every_spelling_of_a_name_finds_the_others() {
    let dossier = Dossier::empty();
    dossier.write("de.txt", "Die Delegation reiste nach Kiew.\n");
    dossier.write("ru.txt", "Делегация прибыла в Киев.\n");
    dossier.write("uk.txt", "Делегація прибула до Києва.\n");
    dossier.write("en.txt", "The delegation flew to Kyiv.\n");
    dossier.index_run();
    for typed in ["Kyiv", "Kiev", "Kiew", "Киев", "Київ"] {
        let results = dossier.search_json(typed, &[]);
        assert_eq!(results.total_hits, 4, "{typed}: {:?}", results.doc_ids());
    }
    assert_eq!(
        dossier.search_json("Kyiv", &["--no-variants"]).total_hits,
        1
    );
}

/// `id:` takes a whole ID; a pattern after it found nothing, silently.
#[test]
fn a_pattern_after_id_is_refused_with_the_flag_that_takes_one() {
    let dossier = Dossier::shipped();
    dossier.index_run();
    for query in ["id:000*", "Ukraine id:00?_eea6b4a974d0f11e"] {
        let output = dossier.command(&["search", query]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{query}");
        assert!(
            stderr_of(&output).contains("--id '"),
            "{}",
            stderr_of(&output)
        );
    }
    let exact = dossier.search_json("id:000_eea6b4a974d0f11e", &[]);
    assert_eq!(exact.doc_ids(), ["000_eea6b4a974d0f11e"]);
}
