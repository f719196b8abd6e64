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
    // Each half is a word too, at the word's place, as the hyphen may be the writer's
    // (`Moscow-⏎based`): found, and highlighted alone.
    let found = passages(&dossier, "mental");
    assert!(
        passage_highlighting(&found, "mental").is_some(),
        "{found:?}"
    );
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
    assert_eq!(lines[at + 1].trim(), "626:");
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

/// Two real abstracts of the CISI collection (`shared/data/cisi`) whose writers'
/// compounds are wrapped at their hyphen: `relatively self-⏎generating` and `top papers by
/// low-⏎ranking scientists`. The index holds such a compound as one word (`selfgenerating`),
/// as it holds a word the typesetter split; the compound as the user writes it must find it.
fn indexed_abstracts() -> Dossier {
    let dossier = Dossier::empty();
    for id in ["89", "1235"] {
        let from = common::shared_data(&format!("cisi/docs/{id}.txt"));
        dossier.write(&format!("{id}.txt"), std::fs::read(from).unwrap());
    }
    let output = dossier.index_run();
    assert!(output.status.success(), "{}", stderr_of(&output));
    dossier
}

#[test]
fn a_compound_wrapped_at_its_hyphen_is_found_by_the_compound_as_written() {
    let dossier = indexed_abstracts();
    for (query, id, highlighted) in [
        (
            "\"relatively self-generating\"",
            "1235",
            "relatively self-\ngenerating",
        ),
        ("low-ranking", "89", "low-\nranking"),
        // A phrase whose last word is a prefix.
        (
            "\"relatively self-gen\"*",
            "1235",
            "relatively self-\ngenerating",
        ),
        (
            // Two compounds, one wrapped and one not.
            "\"so uniform, well-documented and relatively self-generating\"",
            "1235",
            "so uniform, well-documented and relatively self-\ngenerating",
        ),
    ] {
        let found = passages(&dossier, query);
        let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, [id], "{query}");
        assert!(
            passage_highlighting(&found, highlighted).is_some(),
            "{query}: {:?}",
            found[0].1.highlighted()
        );
    }
    // Another compound of the same first word is not it.
    assert!(passages(&dossier, "\"self-generated\"").is_empty());
    assert!(passages(&dossier, "\"low-level\"").is_empty());
}

#[test]
fn each_word_of_a_compound_wrapped_at_its_hyphen_is_found_alone_but_not_in_a_phrase() {
    // A real Cranfield abstract: `a blunt two-⏎dimensional body in a low density flow`.
    let dossier = Dossier::empty();
    let from = common::shared_data("cranfield/1274.txt");
    dossier.write("1274.txt", std::fs::read(from).unwrap());
    for (query, highlighted) in [
        ("dimensional", "dimensional"),
        ("two", "two"),
        (
            "\"blunt two-dimensional body\"",
            "blunt two-\ndimensional body",
        ),
        (
            "\"blunt twodimensional body\"",
            "blunt two-\ndimensional body",
        ),
    ] {
        let found = passages(&dossier, query);
        assert!(
            passage_highlighting(&found, highlighted).is_some(),
            "{query}: {:?}",
            found
                .iter()
                .map(|(_, p)| p.highlighted())
                .collect::<Vec<_>>()
        );
    }
    // A half is not the word next to the words around the compound: `blunt dimensional`
    // is not in the text.
    for phrase in [
        "\"blunt dimensional\"",
        "\"two body\"",
        "\"blunt dimensional body\"",
    ] {
        assert!(passages(&dossier, phrase).is_empty(), "{phrase}");
    }
}

#[test]
fn a_quotation_with_a_compound_wrapped_at_its_hyphen_is_verbatim() {
    let dossier = indexed_abstracts();
    for (quotation, id, line) in [
        (
            "top papers by low-ranking scientists",
            "89",
            "28: more likely to be widely diffused early than are top papers by low-",
        ),
        (
            "“is so uniform, well-documented and relatively self-generating”",
            "1235",
            "4: centuries is so uniform, well-documented and relatively self-",
        ),
    ] {
        let output = dossier
            .command(&["quote", quotation, "--json"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let first = &answer["matches"][0];
        assert_eq!(first["verdict"], "verbatim", "{answer:#}");
        assert_eq!(first["doc_id"], id);
        assert_eq!(answer["matches"].as_array().unwrap().len(), 1, "{answer:#}");
        let printed = dossier
            .command(&["quote", quotation, "--color", "never"])
            .output()
            .unwrap();
        let printed = String::from_utf8(printed.stdout).unwrap();
        assert!(printed.starts_with("verbatim"), "{printed}");
        let (number, words) = line.split_once(": ").unwrap();
        let cited = printed
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{number}: ")))
            .unwrap_or_else(|| panic!("line {number} in {printed}"));
        assert_eq!(
            cited.replace("**", "").trim_start(),
            format!("{number}: {words}")
        );
    }
}
