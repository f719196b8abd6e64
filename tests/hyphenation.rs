//! Words hyphenated across a line end, as text extracted from PDFs has them (`funda-`, a
//! line end, `mental`), are found by keyword, phrase and quotation, highlighted across the
//! break, and cited by the page and the bytes of the text `show` prints. The PDF is a real
//! manual (tests/data/pdf/SOURCE.md) whose extracted text keeps such words.

mod common;

use std::path::Path;

use common::{Dossier, Passage, stderr_of};

fn indexed_manual() -> Dossier {
    let dossier = Dossier::empty();
    let manual = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pdf/physconst.pdf");
    dossier.write(
        "physconst.pdf",
        std::fs::read(manual).expect("the test PDF"),
    );
    let output = dossier.index_run();
    assert!(output.status.success(), "{}", stderr_of(&output));
    dossier
}

/// Every passage of the hits of `query`, with the document's ID.
fn passages(dossier: &Dossier, query: &str) -> Vec<(String, Passage)> {
    let results = dossier.search_json(query, &["--passages", "100"]);
    dossier.check_offsets(&results);
    results
        .hits
        .into_iter()
        .flat_map(|hit| {
            let id = hit.doc_id;
            hit.passages.into_iter().map(move |p| (id.clone(), p))
        })
        .collect()
}

/// The passage whose highlights include `highlighted`, exactly.
fn passage_highlighting<'a>(
    found: &'a [(String, Passage)],
    highlighted: &str,
) -> Option<&'a Passage> {
    found
        .iter()
        .map(|(_, passage)| passage)
        .find(|passage| passage.highlighted().contains(&highlighted))
}

#[test]
fn a_keyword_finds_and_highlights_both_halves_of_a_hyphenated_word() {
    let dossier = indexed_manual();
    let found = passages(&dossier, "fundamental");
    let passage = passage_highlighting(&found, "funda-\n\nmental")
        .expect("a passage with funda- / mental highlighted as one word");
    assert_eq!(passage.page, Some(27));
    let text = dossier.show("physconst");
    assert_eq!(&text[passage.start..passage.end], passage.text.as_bytes());
    // Each half alone is not a word of the text.
    assert!(passages(&dossier, "funda").is_empty());
    assert!(passages(&dossier, "mental").is_empty());
}

#[test]
fn a_phrase_runs_across_the_hyphenated_line_end() {
    let dossier = indexed_manual();
    let found = passages(
        &dossier,
        "\"the mass of a proton in SI units with reduced precision\"",
    );
    let passage = passage_highlighting(
        &found,
        "the mass of a pro-\n\nton in SI units with reduced precision",
    )
    .expect("the phrase highlighted across pro- / ton");
    assert_eq!(passage.page, Some(13));
    // Written out for a person, the highlight is closed at the line end and opened again
    // on the next line that has some of it, not on the blank line between.
    let output = dossier
        .command(&[
            "search",
            "\"the mass of a proton in SI units with reduced precision\"",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    let printed = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = printed.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.ends_with("value of **the mass of a pro-**"))
        .unwrap_or_else(|| panic!("the first half highlighted:\n{printed}"));
    assert_eq!(lines[at + 1].trim(), "646:");
    assert!(lines[at + 2].ends_with(": **ton in SI units with reduced precision**."));
}

#[test]
fn a_quotation_of_a_hyphenated_passage_is_verbatim() {
    let dossier = indexed_manual();
    let quotation =
        "is a mathematical value of the fundamental charge in SI units with reduced precision";
    let output = dossier
        .command(&["quote", quotation, "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = &answer["matches"][0];
    assert_eq!(first["verdict"], "verbatim", "{answer:#}");
    assert_eq!(first["page"], 27);
    let text = first["text"].as_str().unwrap();
    let [start, end] = [0, 1].map(|i| first["highlights"][0][i].as_u64().unwrap() as usize);
    assert_eq!(
        &text[start..end],
        "is a mathematical value of the funda-\n\nmental charge in SI units with reduced precision"
    );
    let shown = dossier.show("physconst");
    let [doc_start, doc_end] = ["start", "end"].map(|k| first[k].as_u64().unwrap() as usize);
    assert_eq!(&shown[doc_start..doc_end], text.as_bytes());
}
