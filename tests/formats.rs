//! Real files of many formats (`../shared/data/formats/`, from public test suites; see its
//! SOURCE.md), indexed together as one dossier: every phrase `expected.tsv` lists is found
//! by a phrase search in its file, on its page where a page is given, and its passage says
//! whether it was read by OCR (the `ocr:` lines: a scanned PDF, an image); the damaged and
//! encrypted files are skipped with their reason; nothing else in the folder is lost.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{Dossier, stderr_of};

fn formats_dir() -> PathBuf {
    common::shared_data("formats")
}

/// One line of `expected.tsv`.
struct Expectation {
    file: String,
    page: Option<usize>,
    expectation: String,
}

fn expectations() -> Vec<Expectation> {
    let table = std::fs::read_to_string(formats_dir().join("expected.tsv"))
        .expect("../shared/data/formats/expected.tsv (the shared test data) is readable");
    table
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            Expectation {
                file: columns[0].to_string(),
                page: columns[1].parse().ok(),
                expectation: columns[2].to_string(),
            }
        })
        .collect()
}

/// The whole folder copied into a dossier and indexed once.
fn indexed_formats() -> (Dossier, String) {
    let dossier = Dossier::empty();
    for entry in std::fs::read_dir(formats_dir()).expect("the formats folder") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".md") || name.ends_with(".tsv") {
            continue;
        }
        dossier.write(&name, std::fs::read(&path).unwrap());
    }
    let output = dossier.index_run();
    // Some files are skipped on purpose: exit code 1, and the reasons on stderr.
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    (dossier, stderr_of(&output))
}

fn collapsed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_expected_phrase_is_found_in_its_file_on_its_page() {
    let (dossier, _) = indexed_formats();
    let mut checked = 0;
    for expected in expectations() {
        if expected.expectation.starts_with("skip:") {
            continue;
        }
        // OCR may read a letter differently from one version of Tesseract to the next; these
        // phrases were checked with Tesseract 5 at 300 dpi.
        let (phrase, by_ocr) = match expected.expectation.strip_prefix("ocr:") {
            Some(phrase) => (phrase.trim(), true),
            None => (expected.expectation.as_str(), false),
        };
        // Files of one name in several formats share an ID stem (the first keeps it, the
        // others are known by their name with extension).
        let ids = format!("{}*", expected.file.rsplit_once('.').unwrap().0);
        let query = format!("\"{phrase}\"");
        let results = dossier.search_json(&query, &["--id", &ids, "--passages", "10"]);
        let hit = results
            .hits
            .iter()
            .find(|hit| hit.path == expected.file)
            .unwrap_or_else(|| panic!("{phrase:?} not found in {}", expected.file));
        assert_ne!(hit.format.as_deref(), None, "{}: a format", expected.file);
        let wanted = collapsed(phrase).to_lowercase();
        let passage = hit
            .passages
            .iter()
            .find(|p| collapsed(&p.text).to_lowercase().contains(&wanted))
            .unwrap_or_else(|| panic!("no passage of {} holds {phrase:?}", expected.file));
        assert_eq!(passage.page, expected.page, "{}: {phrase:?}", expected.file);
        assert_eq!(
            passage.ocr, by_ocr,
            "{}: {phrase:?} read by OCR",
            expected.file
        );
        // The passage is exactly the bytes of the text `show` prints.
        let text = dossier.show(&hit.doc_id);
        assert_eq!(&text[passage.start..passage.end], passage.text.as_bytes());
        checked += 1;
    }
    assert!(checked >= 24, "only {checked} phrases checked");
}

#[test]
fn damaged_and_encrypted_files_are_skipped_with_their_reason_and_the_rest_indexed() {
    let (dossier, stderr) = indexed_formats();
    let skipped: BTreeMap<String, String> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("dossier: skipped "))
        .filter_map(|rest| {
            let (path, reason) = rest.split_once(": ")?;
            let name = Path::new(path).file_name()?.to_string_lossy().into_owned();
            Some((name, reason.to_string()))
        })
        .collect();
    for expected in expectations() {
        let Some(reason) = expected.expectation.strip_prefix("skip: ") else {
            continue;
        };
        let said = skipped
            .get(&expected.file)
            .unwrap_or_else(|| panic!("{} not reported as skipped:\n{stderr}", expected.file));
        let keyword = match reason.split_whitespace().next() {
            Some("encrypted") => "encrypted",
            Some("truncated") | Some("broken") => "damaged",
            other => panic!("unexpected reason {other:?}"),
        };
        assert!(said.contains(keyword), "{}: {said}", expected.file);
    }
    // Everything readable was indexed, scans and images included (by OCR).
    for (file, reason) in &skipped {
        let planned = expectations()
            .iter()
            .any(|e| &e.file == file && e.expectation.starts_with("skip:"));
        assert!(planned, "{file} skipped: {reason}");
    }
    // By `show`: not every file has a word in common with the others (multicolumn.pdf has
    // no "the").
    for file in [
        "fake-html.html",
        "eng_spa_mult.docx",
        "winter-sports.epub",
        "multicolumn.pdf",
        "c02-22.pdf",
        "linn.png",
    ] {
        let id = file.rsplit_once('.').unwrap().0;
        assert!(!dossier.show(id).is_empty(), "{file} indexed, with text");
    }
}

#[test]
fn a_passage_is_cited_by_the_pages_of_its_matches() {
    let dossier = Dossier::empty();
    let name = "GeoTopo-komprimiert.pdf";
    dossier.write(name, std::fs::read(formats_dir().join(name)).unwrap());
    assert!(dossier.index_run().status.success());
    let text = dossier.show("GeoTopo-komprimiert");
    // Pages are separated by form feeds in the text `show` prints.
    let page_at = |offset: usize| 1 + text[..offset].iter().filter(|&&b| b == 0x0c).count();
    let query = "Zariski \"Intervalle der Länge\"";
    let results = dossier.search_json(query, &["--passages", "20"]);
    let mut across = 0;
    for passage in &results.hits[0].passages {
        let first = passage.start + passage.highlights[0][0];
        let last = passage.start + passage.highlights.last().unwrap()[1] - 1;
        assert_eq!(passage.page, Some(page_at(first)), "{passage:?}");
        let last_page = Some(page_at(last)).filter(|&page| Some(page) != passage.page);
        assert_eq!(passage.last_page, last_page, "{passage:?}");
        // No page break in the context before the first match or after the last.
        assert_eq!(page_at(passage.start), page_at(first), "{passage:?}");
        assert_eq!(page_at(passage.end - 1), page_at(last), "{passage:?}");
        across += usize::from(last_page.is_some());
    }
    // The last line of page 18 (printed 15) runs on into page 19's first, past the page
    // number and the running head "1.5. KOMPAKTHEIT" pdftotext puts between them.
    let both = results.hits[0]
        .passages
        .iter()
        .find(|p| p.last_page.is_some());
    let both = both.expect("a passage across a page break");
    assert_eq!(
        (
            both.page,
            both.page_label.as_deref(),
            both.last_page,
            both.last_page_label.as_deref()
        ),
        (Some(18), Some("15"), Some(19), Some("16"))
    );
    assert!(across >= 1);
    let printed = dossier
        .command(&["search", query, "--color", "never", "--limit", "1"])
        .output()
        .unwrap();
    let printed = String::from_utf8(printed.stdout).unwrap();
    assert!(printed.contains("pp. 18–19 (printed 15–16)"), "{printed}");
    assert!(
        !printed.contains('\u{FFFD}'),
        "a page break shown as a character:\n{printed}"
    );
}

#[test]
fn a_pdf_with_printed_page_labels_is_cited_by_both() {
    let dossier = Dossier::empty();
    for name in ["GeoTopo-komprimiert.pdf", "gao-23-106826.pdf"] {
        dossier.write(name, std::fs::read(formats_dir().join(name)).unwrap());
    }
    assert!(dossier.index_run().status.success());
    // The lecture notes number their front matter i, ii, iii and then start again at 1:
    // the 23rd page is printed as page 20.
    let results = dossier.search_json("\"Jede Jordankurve ist also ein einfacher\"", &[]);
    let passage = &results.hits[0].passages[0];
    assert_eq!(passage.page, Some(23));
    assert_eq!(passage.page_label.as_deref(), Some("20"));
    let results = dossier.search_json("\"Es beinhaltet die Mitschriften aus der\"", &[]);
    let passage = &results.hits[0].passages[0];
    assert_eq!(
        (passage.page, passage.page_label.as_deref()),
        (Some(2), Some("ii"))
    );
    let printed = dossier
        .command(&["search", "Jordankurve", "--color", "never", "--limit", "1"])
        .output()
        .unwrap();
    let printed = String::from_utf8(printed.stdout).unwrap();
    assert!(printed.contains("p. 23 (printed 20)"), "{printed}");
    // A report whose pages are numbered as counted says the page alone.
    let results = dossier.search_json("\"global norms\"", &[]);
    let passage = &results.hits[0].passages[0];
    assert_eq!(
        (passage.page, passage.page_label.as_deref()),
        (Some(1), None)
    );
}

#[test]
fn a_pdf_cut_short_is_said_to_be_cut_short_in_plain_words() {
    let dossier = Dossier::empty();
    let whole = std::fs::read(formats_dir().join("gao-23-106826.pdf")).unwrap();
    // The first 3,000 bytes: pdftotext finds no page in them.
    dossier.write("cut.pdf", &whole[..3000]);
    // Whole but for its last bytes: pdftotext reads no cross-reference table.
    let multicolumn = std::fs::read(formats_dir().join("multicolumn.pdf")).unwrap();
    dossier.write("ends-early.pdf", &multicolumn[..multicolumn.len() / 2]);
    let output = dossier.index_run();
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let skipped = dossier.skipped(&output);
    assert_eq!(
        skipped["cut.pdf"],
        "damaged PDF file: no page of it could be read: it is cut short \
         (an incomplete download or copy?)"
    );
    let ends_early = &skipped["ends-early.pdf"];
    assert!(
        ends_early.starts_with(
            "damaged PDF file: it is cut short (an incomplete download or copy?); pdftotext: "
        ),
        "{ends_early}"
    );
    for reason in skipped.values() {
        assert!(!reason.contains("page range"), "{reason}");
    }
}
