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

/// The lines of each page of the PDF at `path` as pdftotext reads them, its page furniture
/// and all.
fn pdftotext_pages(path: &Path) -> Vec<String> {
    let output = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils)");
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let mut pages: Vec<String> = text.split('\x0c').map(str::to_string).collect();
    pages.pop();
    pages
}

fn filled_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
}

#[test]
fn a_phrase_runs_on_across_a_page_break_past_the_page_number() {
    let dossier = Dossier::empty();
    let name = "multicolumn.pdf";
    dossier.write(name, std::fs::read(formats_dir().join(name)).unwrap());
    assert!(dossier.index_run().status.success());
    // pdftotext puts the page number "1" between "feugiat" and "lacus".
    let pages = pdftotext_pages(&formats_dir().join(name));
    assert!(pages[0].ends_with("Nam feugiat\n1\n\n") && pages[1].starts_with("lacus vel est."));
    let results = dossier.search_json("\"Nam feugiat lacus vel est\"", &[]);
    dossier.check_offsets(&results);
    let passage = &results.hits[0].passages[0];
    assert_eq!((passage.page, passage.last_page), (Some(1), Some(2)));
    let [[start, end]] = passage.highlights[..] else {
        panic!("one highlight: {passage:?}");
    };
    let highlighted = &passage.text[start..end];
    assert_eq!(highlighted, "Nam feugiat\n\n\x0clacus vel est");
    let printed = dossier
        .command(&[
            "search",
            "\"Nam feugiat lacus vel est\"",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&printed.stdout).contains("pp. 1–2"));
    let quoted = dossier
        .command(&["quote", "Nam feugiat lacus vel est", "--color", "never"])
        .output()
        .unwrap();
    let quoted = String::from_utf8_lossy(&quoted.stdout);
    assert!(quoted.starts_with("verbatim"), "{quoted}");
    // `show` prints the pages without their numbers between the texts, but the last
    // page's, which splits nothing; `show --page N` gives page N.
    let shown = String::from_utf8(dossier.show("multicolumn")).unwrap();
    let shown_pages: Vec<&str> = shown.split_inclusive('\x0c').collect();
    assert_eq!(shown_pages.len(), 3);
    for (index, page) in shown_pages.iter().enumerate() {
        let number = (index + 1).to_string();
        let mut expected = filled_lines(&pages[index]);
        if index < 2 {
            assert_eq!(expected.pop(), Some(number.as_str()));
        }
        assert_eq!(filled_lines(page), expected, "page {number}");
        let output = dossier
            .command(&["show", "multicolumn", "--page", &number])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            *page,
            "page {number}"
        );
    }
}

#[test]
fn a_quotation_runs_on_past_the_page_number_and_running_header() {
    let dossier = Dossier::empty();
    let name = "GeoTopo-komprimiert.pdf";
    dossier.write(name, std::fs::read(formats_dir().join(name)).unwrap());
    assert!(dossier.index_run().status.success());
    let quotation = "kann man I in endlich viele Intervalle der Länge δ unterteilen";
    let output = dossier
        .command(&["quote", quotation, "--json"])
        .output()
        .unwrap();
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found = &answer["matches"][0];
    assert_eq!(found["verdict"], "verbatim", "{answer}");
    assert_eq!(
        (
            &found["page"],
            &found["page_label"],
            &found["last_page"],
            &found["last_page_label"]
        ),
        (
            &serde_json::json!(18),
            &serde_json::json!("15"),
            &serde_json::json!(19),
            &serde_json::json!("16")
        )
    );
    let shown = dossier.show("GeoTopo-komprimiert");
    let (start, end) = (
        found["start"].as_u64().unwrap() as usize,
        found["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &shown[start..end],
        found["text"].as_str().unwrap().as_bytes()
    );

    // Every page `show --page N` gives is pdftotext's page N, its lines in order, but for
    // at most its printed number and its running header, and nothing else.
    let shown = String::from_utf8(shown).unwrap();
    let shown_pages: Vec<&str> = shown.split_inclusive('\x0c').collect();
    let read = pdftotext_pages(&formats_dir().join(name));
    assert_eq!(shown_pages.len(), read.len());
    let mut left_out = 0;
    for (index, (shown_page, read_page)) in shown_pages.iter().zip(&read).enumerate() {
        let shown_lines = filled_lines(shown_page);
        let mut read_lines = filled_lines(read_page).into_iter();
        let mut missing = Vec::new();
        for line in &shown_lines {
            loop {
                let next = read_lines.next();
                assert!(next.is_some(), "page {}: {line:?} not read", index + 1);
                if next == Some(*line) {
                    break;
                }
                missing.push(next.unwrap());
            }
        }
        missing.extend(read_lines);
        assert!(missing.len() <= 2, "page {}: {missing:?}", index + 1);
        for line in &missing {
            let header =
                line.chars().all(|c| !c.is_lowercase()) || *line == "Lösungen der Übungsaufgaben";
            let number = line.chars().all(|c| c.is_ascii_digit()) || *line == "iii";
            assert!(header || number, "page {}: {line:?} left out", index + 1);
        }
        left_out += missing.len();
    }
    assert!(left_out > 190, "only {left_out} lines left out");
    // The table of contents' last line is a page number, of another page: it stays.
    let page_4 = dossier
        .command(&["show", "GeoTopo-komprimiert", "--page", "4"])
        .output()
        .unwrap();
    let page_4 = String::from_utf8(page_4.stdout).unwrap();
    assert!(
        page_4.trim_end().ends_with("Symbolverzeichnis\n\n108"),
        "{page_4}"
    );
}

/// A PDF of `pages`, each a list of lines drawn from the top down, in Helvetica.
fn pdf_of(pages: &[Vec<&str>]) -> Vec<u8> {
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        String::new(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut kids = Vec::new();
    for lines in pages {
        let mut content = String::from("BT /F1 12 Tf 72 760 Td 16 TL\n");
        for line in lines {
            content.push_str(&format!("({line}) Tj T*\n"));
        }
        content.push_str("ET");
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ));
        let contents = objects.len();
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {contents} 0 R \
             /Resources << /Font << /F1 3 0 R >> >> >>"
        ));
        kids.push(format!("{} 0 R", objects.len()));
    }
    objects[1] = format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        kids.len()
    );
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (number, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{object}\nendobj\n", number + 1).bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        pdf.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    pdf
}

#[test]
fn a_number_ending_a_page_that_is_not_its_page_number_stays() {
    let dossier = Dossier::empty();
    // Numbered pages; page 2's text ends with a figure, just above its page number, and
    // page 3's with a figure that is not its number either.
    let pdf = pdf_of(&[
        vec!["The committee met on Monday and heard", "", "", "1"],
        vec!["the witnesses. Votes in favour:", "42", "", "2"],
        vec!["Abstentions:", "4", "", "3"],
        vec!["The motion carried.", "", "", "4"],
    ]);
    dossier.write("minutes.pdf", pdf);
    assert!(dossier.index_run().status.success());
    let shown = String::from_utf8(dossier.show("minutes")).unwrap();
    let pages: Vec<Vec<&str>> = shown.split_inclusive('\x0c').map(filled_lines).collect();
    assert_eq!(
        pages,
        [
            vec!["The committee met on Monday and heard"],
            vec!["the witnesses. Votes in favour:", "42"],
            vec!["Abstentions:", "4"],
            vec!["The motion carried.", "4"],
        ],
        "{shown:?}"
    );
    let results = dossier.search_json("\"heard the witnesses\"", &[]);
    let passage = &results.hits[0].passages[0];
    assert_eq!((passage.page, passage.last_page), (Some(1), Some(2)));
    let results = dossier.search_json("\"favour 42\"", &[]);
    assert_eq!(results.hits[0].passages[0].page, Some(2));
}
