//! Long documents (64 KiB and more), whose text is read from the corpus file in stretches
//! around the matches, and middling ones (4 to 64 KiB), whose stored text is analyzed only
//! around the places the postings give: the same hits, passages, offsets and lines as for
//! short ones.

mod common;

use common::{Dossier, stderr_of};

/// The shipped dossier, twenty times over in one file, with CRLF line ends in every other
/// copy, and a marker sentence at the very end.
fn long_dossier() -> (Dossier, String) {
    let (dossier, text) = dossier_of_copies(20);
    assert!(text.len() > 128 * 1024);
    (dossier, text)
}

/// The same, twice over: a text kept whole in the index.
fn middling_dossier() -> (Dossier, String) {
    let (dossier, text) = dossier_of_copies(2);
    assert!((4 * 1024..64 * 1024).contains(&text.len()));
    (dossier, text)
}

fn dossier_of_copies(copies: usize) -> (Dossier, String) {
    let shipped = Dossier::shipped();
    let mut text = String::new();
    for copy in 0..copies {
        for entry in std::fs::read_dir(shipped.corpus()).unwrap() {
            let part = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            if copy % 2 == 1 {
                text.push_str(&part.replace('\n', "\r\n"));
            } else {
                text.push_str(&part);
            }
            text.push('\n');
        }
    }
    text.push_str("Closing note: the quokka protocol was signed.\n");
    text.push_str("Nobody was lying, the ombudsman said.\n");
    let dossier = Dossier::empty();
    dossier.write("all.txt", &text);
    dossier.write(
        "short.txt",
        "Short\n\nPresidents come and go, said someone else.\n",
    );
    (dossier, text)
}

#[test]
fn a_phrase_in_a_long_document_is_found_everywhere_with_exact_offsets_and_lines() {
    phrase_found_everywhere_with_exact_offsets_and_lines(long_dossier());
}

#[test]
fn a_phrase_in_a_middling_document_is_found_everywhere_with_exact_offsets_and_lines() {
    phrase_found_everywhere_with_exact_offsets_and_lines(middling_dossier());
}

fn phrase_found_everywhere_with_exact_offsets_and_lines((dossier, text): (Dossier, String)) {
    let results = dossier.search_json("\"Presidents come and go\"", &["--passages", "50"]);
    assert_eq!(results.total_hits, 2);
    let long = results.hits.iter().find(|h| h.doc_id == "all").unwrap();
    let expected: Vec<usize> = text
        .match_indices("Presidents come and go")
        .map(|(at, _)| 1 + text[..at].matches('\n').count())
        .collect();
    assert_eq!(
        long.passages.len(),
        expected.len(),
        "one passage for each copy"
    );
    for passage in &long.passages {
        assert_eq!(passage.highlighted(), ["Presidents come and go"]);
    }
    // check_offsets (in search_json) compared every passage with the file's bytes and line.
    let mut lines: Vec<usize> = long.passages.iter().map(|p| p.line).collect();
    lines.sort();
    assert_eq!(lines, expected);
}

#[test]
fn keywords_prefixes_and_fuzzy_terms_at_the_end_of_a_long_document() {
    terms_found_at_the_end(long_dossier());
}

#[test]
fn keywords_prefixes_and_fuzzy_terms_at_the_end_of_a_middling_document() {
    terms_found_at_the_end(middling_dossier());
}

fn terms_found_at_the_end((dossier, _): (Dossier, String)) {
    for query in [
        "quokka",
        "quok*",
        "quokkas~1",
        "\"protocol was signed\"",
        "signing quokkas",
    ] {
        let results = dossier.search_json(query, &[]);
        assert_eq!(results.doc_ids(), ["all"], "{query}");
        let passage = &results.hits[0].passages[0];
        assert!(
            passage
                .text
                .starts_with("Closing note: the quokka protocol was signed."),
            "{query}: {}",
            passage.text
        );
        assert!(!passage.highlights.is_empty(), "{query}");
    }
}

#[test]
fn a_quotation_in_a_long_document_is_verbatim() {
    let (dossier, _) = long_dossier();
    let output = dossier
        .command(&[
            "quote",
            "Presidents come and go, and even die",
            "--json",
            "-n",
            "30",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let results: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results["verbatim_count"], 20);
}

#[test]
fn a_long_document_changed_since_indexing_is_reported_not_misquoted() {
    let (dossier, text) = long_dossier();
    dossier.index_run();
    dossier.write("all.txt", format!("Inserted line.\n{text}"));
    let output = dossier
        .command(&["search", "quokka", "--json", "--no-refresh"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr_of(&output).contains("changed since it was indexed"));
    let results: common::Results = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        results.hits[0].passages.is_empty(),
        "no passage at stale offsets"
    );
    // Without --no-refresh the index is brought up to date first.
    let fresh = dossier.search_json("quokka", &[]);
    assert_eq!(fresh.hits[0].passages.len(), 1);
}

#[test]
fn an_irregular_form_of_a_keyword_in_a_long_document_still_gets_its_passage() {
    irregular_form_gets_its_passage(long_dossier());
}

#[test]
fn an_irregular_form_of_a_keyword_in_a_middling_document_still_gets_its_passage() {
    irregular_form_gets_its_passage(middling_dossier());
}

fn irregular_form_gets_its_passage((dossier, _): (Dossier, String)) {
    // `lie` and `lying` share the stem `lie`, but `lying` does not start with it.
    let results = dossier.search_json("lie", &[]);
    assert_eq!(results.doc_ids(), ["all"]);
    let passage = &results.hits[0].passages[0];
    assert_eq!(passage.text, "Nobody was lying, the ombudsman said.");
    assert_eq!(passage.highlighted(), ["lying"]);
}
