//! `dossier quote` with the real binary: verbatim quotations however they are typed, and
//! near ones with their differences.

mod common;

use common::{Dossier, stderr_of};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct QuoteResults {
    quote: String,
    verbatim_count: usize,
    matches: Vec<QuoteMatch>,
}

#[derive(Debug, Deserialize)]
struct QuoteMatch {
    verdict: String,
    similarity: f32,
    doc_id: String,
    path: String,
    text: String,
    line: usize,
    quotation_line: usize,
    start: usize,
    end: usize,
    highlights: Vec<[usize; 2]>,
    differences: Vec<Difference>,
    /// Only in documents with pages.
    #[serde(default)]
    page: Option<usize>,
    #[serde(default)]
    last_page: Option<usize>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Difference {
    kind: String,
    expected: Option<String>,
    found: Option<String>,
    start: usize,
    end: usize,
}

impl QuoteMatch {
    fn highlighted(&self) -> Vec<&str> {
        self.highlights
            .iter()
            .map(|[s, e]| &self.text[*s..*e])
            .collect()
    }
}

const QUOTE_DOC: &str = "000_eea6b4a974d0f11e";

/// What `dossier quote ARGS` prints on stdout, without colour.
fn printed_quote(dossier: &Dossier, args: &[&str]) -> String {
    let args = [&["quote"][..], args, &["--color", "never"]].concat();
    let output = dossier.command(&args).output().unwrap();
    String::from_utf8(output.stdout).unwrap()
}

fn quote(dossier: &Dossier, text: &str) -> QuoteResults {
    let output = dossier
        .command(&["quote", text, "--json"])
        .output()
        .expect("run dossier quote");
    let stdout = String::from_utf8(output.stdout.clone()).expect("UTF-8");
    let results: QuoteResults = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("one JSON object ({e}): {stdout} {}", stderr_of(&output)));
    assert_eq!(results.quote, text);
    let expected_code = if results.verbatim_count > 0 { 0 } else { 1 };
    assert_eq!(output.status.code(), Some(expected_code));
    for m in &results.matches {
        let bytes = dossier.file_bytes(&m.path);
        assert_eq!(&bytes[m.start..m.end], m.text.as_bytes(), "passage bytes");
        assert_eq!(
            m.line,
            1 + bytes[..m.start].iter().filter(|&&b| b == b'\n').count()
        );
        for d in &m.differences {
            assert!(d.start <= d.end && d.end <= m.text.len());
            if let Some(found) = &d.found {
                assert_eq!(&m.text[d.start..d.end], found);
            }
        }
    }
    results
}

fn only_near<'a>(results: &'a QuoteResults, doc_id: &str) -> &'a QuoteMatch {
    assert_eq!(results.verbatim_count, 0);
    let best = &results.matches[0];
    assert_eq!(best.verdict, "near");
    assert_eq!(best.doc_id, doc_id);
    best
}

#[test]
fn a_verbatim_quotation_is_found_with_curly_or_straight_quotes() {
    let dossier = Dossier::shipped();
    for text in [
        "“Presidents come and go, and even die”",
        "\"presidents come and go and even die\"",
        "Presidents come and go — and even die!",
    ] {
        let results = quote(&dossier, text);
        assert_eq!(results.verbatim_count, 1, "{text}");
        let found = &results.matches[0];
        assert_eq!(
            (found.verdict.as_str(), found.similarity),
            ("verbatim", 1.0)
        );
        assert_eq!(found.doc_id, QUOTE_DOC);
        assert_eq!(found.line, 14);
        assert_eq!(
            found.highlighted(),
            ["Presidents come and go, and even die"]
        );
        assert!(found.differences.is_empty());
    }
}

#[test]
fn an_ellipsis_and_a_bracketed_insertion_need_not_appear() {
    let dossier = Dossier::shipped();
    let results = quote(
        &dossier,
        "“The United States does not […] see us in NATO… Presidents come and go”",
    );
    assert_eq!(results.verbatim_count, 1);
    assert_eq!(results.matches[0].doc_id, QUOTE_DOC);

    let results = quote(
        &dossier,
        "“[Russia] had not changed its stance on the conflict and the achievement of its military goals”",
    );
    assert_eq!(results.verbatim_count, 1);
    assert_eq!(results.matches[0].doc_id, QUOTE_DOC);
    assert_eq!(results.matches[0].line, 16);

    let far_apart = quote(&dossier, "Presidents come and go … Olga Stefanishyna");
    assert_eq!(far_apart.verbatim_count, 0, "pieces in different documents");
}

#[test]
fn a_quotation_across_a_line_break_is_verbatim() {
    let dossier = Dossier::empty();
    dossier.write(
        "transcript.txt",
        "Hearing, day two\n\nThe witness said that the money was moved\r\nthrough Cyprus in 2019, \"every\n‘single’ euro of it\".\n",
    );
    let results = quote(
        &dossier,
        "the money was moved through Cyprus in 2019, “every 'single' euro of it”",
    );
    assert_eq!(results.verbatim_count, 1);
    let found = &results.matches[0];
    assert_eq!(found.line, 3);
    assert_eq!(found.quotation_line, 3);
    assert_eq!(
        found.highlighted(),
        ["the money was moved\r\nthrough Cyprus in 2019, \"every\n‘single’ euro of it"]
    );
}

#[test]
fn a_changed_word_is_a_near_match_with_the_word_marked() {
    let dossier = Dossier::shipped();
    let results = quote(&dossier, "Presidents come and go, and sometimes die");
    let best = only_near(&results, QUOTE_DOC);
    assert!(
        (best.similarity - 6.0 / 7.0).abs() < 0.01,
        "{}",
        best.similarity
    );
    assert_eq!(
        best.differences,
        [Difference {
            kind: "changed".into(),
            expected: Some("sometimes".into()),
            found: Some("even".into()),
            start: best.text.find("even die").unwrap(),
            end: best.text.find("even die").unwrap() + 4,
        }]
    );

    let stdout = printed_quote(&dossier, &["Presidents come and go, and sometimes die"]);
    // 6 of 7 words: 0.857, shown as 85%, which `--min-similarity 0.85` keeps.
    assert!(
        stdout.contains("near 85%  000_eea6b4a974d0f11e  line 14"),
        "{stdout}"
    );
    let kept = printed_quote(
        &dossier,
        &[
            "Presidents come and go, and sometimes die",
            "--min-similarity",
            "0.85",
        ],
    );
    assert!(kept.contains("near 85%  000_eea6b4a974d0f11e"), "{kept}");
    assert!(
        stdout.contains("**Presidents come and go, and** [-sometimes-]{+even+} **die**"),
        "{stdout}"
    );
}

#[test]
fn dropped_added_and_swapped_words_are_near_matches() {
    let dossier = Dossier::shipped();
    let dropped = quote(&dossier, "Presidents come and go, and die");
    let best = only_near(&dropped, QUOTE_DOC);
    assert_eq!(best.differences.len(), 1);
    assert_eq!(best.differences[0].kind, "added");
    assert_eq!(best.differences[0].found.as_deref(), Some("even"));

    let added = quote(&dossier, "Presidents come and go, and even sometimes die");
    let best = only_near(&added, QUOTE_DOC);
    assert_eq!(best.differences.len(), 1);
    assert_eq!(best.differences[0].kind, "missing");
    assert_eq!(best.differences[0].expected.as_deref(), Some("sometimes"));
    assert_eq!(best.differences[0].start, best.differences[0].end);

    let swapped = quote(&dossier, "Presidents come and go, even and die");
    let best = only_near(&swapped, QUOTE_DOC);
    assert_eq!(best.differences.len(), 1);
    let difference = &best.differences[0];
    assert_eq!(difference.kind, "swapped");
    assert_eq!(difference.expected.as_deref(), Some("even and"));
    assert_eq!(difference.found.as_deref(), Some("and even"));
}

#[test]
fn a_name_spelled_another_way_is_a_near_match() {
    let dossier = Dossier::shipped();
    let results = quote(&dossier, "Kirill Dimitriev lands in Miami this weekend");
    let best = only_near(&results, "002_ecfde2e7f9f4abad");
    assert_eq!(best.differences[0].kind, "spelling");
    assert_eq!(best.differences[0].found.as_deref(), Some("Dmitriev"));
}

#[test]
fn scattered_words_do_not_beat_a_near_match() {
    let dossier = Dossier::empty();
    dossier.write(
        "scattered.txt",
        "Notes\n\nThe sanctions were lifted. Much later the envoy said that oil prices \
         would fall, and in another meeting the sanctions on oil were discussed; \
         the envoy lifted nothing. Prices fell anyway, said the envoy.\n",
    );
    dossier.write(
        "speech.txt",
        "Speech\n\nThe envoy said the sanctions on oil would be eased next year.\n",
    );
    let results = quote(
        &dossier,
        "the envoy said the sanctions on oil would be lifted next year",
    );
    let best = only_near(&results, "speech");
    assert_eq!(best.differences.len(), 1);
    assert_eq!(best.differences[0].found.as_deref(), Some("eased"));
    for m in &results.matches[1..] {
        assert!(m.similarity < best.similarity);
    }
}

/// A quotation whose first word differs, on the page before the rest (a real PDF's page 1
/// ends with `feugiat`, then its page number), is cited from that page, with that
/// difference in the passage shown: the passage was cut to the page of its first match,
/// which left the difference out, with its offsets wrapped around.
#[test]
fn a_difference_on_the_page_before_the_first_match_is_shown_and_cited() {
    let dossier = Dossier::empty();
    let from = common::shared_data("formats/multicolumn.pdf");
    dossier.write("multicolumn.pdf", std::fs::read(from).unwrap());
    let text = "feugiax lacus vel est. Curabitur consectetuer. Suspendisse vel felis.";
    let output = dossier
        .command(&["quote", text, "--json"])
        .output()
        .unwrap();
    let results: QuoteResults = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("one JSON object ({e}): {}", stderr_of(&output)));
    let near = only_near(&results, "multicolumn");
    assert_eq!((near.page, near.last_page), (Some(1), Some(2)));
    let shown = dossier.show("multicolumn");
    assert_eq!(&shown[near.start..near.end], near.text.as_bytes());
    assert!(
        near.differences
            .iter()
            .any(|d| d.expected.as_deref() == Some("feugiax")),
        "{:?}",
        near.differences
    );
    for d in &near.differences {
        assert!(d.start <= d.end && d.end <= near.text.len(), "{d:?}");
        if let Some(found) = &d.found {
            assert_eq!(&near.text[d.start..d.end], found);
        }
    }
}

#[test]
fn a_quotation_found_nowhere_exits_1() {
    let dossier = Dossier::shipped();
    let results = quote(&dossier, "the moon is made of green cheese");
    assert!(results.matches.iter().all(|m| m.verdict == "near"));
    assert!(results.matches.iter().all(|m| m.similarity >= 0.6));
    let output = dossier
        .command(&["quote", "the moon is made of green cheese"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("not in the dossier verbatim"));
}

#[test]
fn a_quotation_without_words_is_an_error() {
    let dossier = Dossier::shipped();
    let output = dossier.command(&["quote", "“ … ”"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("no words"));
    // Showing no place would have said a verbatim quotation is not in the dossier.
    let output = dossier
        .command(&["quote", "Presidents come and go", "--limit", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("--limit 0"),
        "{}",
        stderr_of(&output)
    );
}

/// A quotation of the commonest words, against a long document made of them, is aligned
/// with stretches about its own length, not with the whole text (which took a table of
/// billions of cells, and the server with it); one of more than 1,000 words is refused.
#[test]
fn a_quotation_of_common_words_in_a_long_document_is_checked_in_bounds() {
    let dossier = Dossier::empty();
    let common = [
        "the", "of", "a", "and", "to", "is", "in", "for", "are", "an", "on",
    ];
    let text: Vec<&str> = (0..1_000_000)
        .map(|i| common[(i * 7 + i / 13) % 11])
        .collect();
    dossier.write("long.txt", format!("{}\n", text.join(" ")));
    assert!(dossier.index_run().status.success());
    let quotation: Vec<&str> = (0..900).map(|i| common[i % 11]).collect();
    let check = dossier.command(&["quote", &quotation.join(" ")]);
    // In 2 GB of address space: a table for the whole text would take 3.6 GB.
    let output = std::process::Command::new("sh")
        .args(["-c", "ulimit -v 2000000 && exec \"$0\" \"$@\""])
        .arg(check.get_program())
        .args(check.get_args())
        .current_dir(check.get_current_dir().unwrap_or(std::path::Path::new(".")))
        .envs(check.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr_of(&output)
    );
    let longer: Vec<&str> = (0..1_200).map(|i| common[i % 11]).collect();
    let output = dossier
        .command(&["quote", &longer.join(" ")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("at most 1000"),
        "{}",
        stderr_of(&output)
    );
}

/// A long document whose file changed since it was indexed cannot be quoted from: with
/// `--no-refresh` the check says so, rather than that the quotation stands nowhere.
#[test]
fn a_changed_long_document_is_named_not_passed_over() {
    let dossier = Dossier::empty();
    let mut lines: Vec<String> = (0..3000)
        .map(|i| format!("line {i} filler text about aircraft wings and lift"))
        .collect();
    lines[1500] = "the special marker phrase zanzibar appears here".to_string();
    dossier.write("long.txt", lines.join("\n") + "\n");
    assert!(dossier.index_run().status.success());
    dossier.write("long.txt", format!("one new line\n{}\n", lines.join("\n")));
    let output = dossier
        .command(&[
            "quote",
            "the special marker phrase zanzibar",
            "--no-refresh",
        ])
        .output()
        .unwrap();
    let said = stderr_of(&output);
    assert!(said.contains("not checked: "), "{said}");
    assert!(said.contains("changed since it was indexed"), "{said}");
    let output = dossier
        .command(&[
            "quote",
            "the special marker phrase zanzibar",
            "--no-refresh",
            "--json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["problems"].as_array().map(Vec::len), Some(1), "{json}");
}

/// Copies of a quotation come in the order of their documents' IDs, however the index holds
/// them (here, the lowest ID went into a later segment), as search hits of equal score do.
#[test]
fn copies_of_a_quotation_come_in_the_order_of_their_ids() {
    let dossier = Dossier::copies_with_the_first_id_indexed_last(
        "He said the marmot clause stands as written.\n",
    );
    let results = quote(&dossier, "the marmot clause stands as written");
    let ids: Vec<&str> = results.matches.iter().map(|m| m.doc_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    // The copies' one text is aligned once, and each copy is described as itself.
    for m in &results.matches {
        assert_eq!(m.path, format!("{}.txt", m.doc_id));
        assert_eq!(
            m.highlighted().join(" "),
            "the marmot clause stands as written"
        );
    }
}

#[test]
fn brackets_that_the_document_holds_do_not_hide_a_quotation_of_it() {
    let dossier = Dossier::empty();
    dossier.write(
        "market.txt",
        "Market report\n\nOn Monday the [price of wheat on the Chicago exchange] rose \
         sharply, and [prices] of maize followed, traders said.\n",
    );
    for (text, highlighted) in [
        (
            "the [price of wheat on the Chicago exchange] rose sharply",
            "the [price of wheat on the Chicago exchange] rose sharply",
        ),
        ("[prices] of maize followed", "prices] of maize followed"),
        ("[prices]", "prices"),
    ] {
        let results = quote(&dossier, text);
        assert_eq!(results.verbatim_count, 1, "{text}");
        assert_eq!(results.matches[0].doc_id, "market");
        assert_eq!(results.matches.len(), 1, "{text}: one place, found once");
        assert_eq!(
            results.matches[0].highlighted().join(" "),
            highlighted,
            "{text}"
        );
    }
}

#[test]
fn near_matches_follow_the_verbatim_ones_while_the_limit_has_room() {
    let dossier = Dossier::empty();
    let sentence = "the harbour authority approved the dredging of the northern channel";
    for n in 0..12 {
        dossier.write(
            &format!("copy{n:02}.txt"),
            format!("Copy {n}\n\n{sentence}.\n"),
        );
    }
    dossier.write(
        "reworded.txt",
        "Reworded\n\nthe harbour authority approved the dredging of the southern channel.\n",
    );
    let verdicts = |limit: &str| -> Vec<(String, String)> {
        let output = dossier
            .command(&["quote", sentence, "--json", "--limit", limit])
            .output()
            .expect("run dossier quote");
        let results: QuoteResults =
            serde_json::from_slice(&output.stdout).expect("one JSON object");
        results
            .matches
            .into_iter()
            .map(|m| (m.verdict, m.doc_id))
            .collect()
    };
    // Ten places word for word fill ten matches.
    let ten = verdicts("10");
    assert_eq!(ten.len(), 10);
    assert!(
        ten.iter().all(|(verdict, _)| verdict == "verbatim"),
        "{ten:?}"
    );
    // With room for more, all twelve, then the reworded one.
    let more = verdicts("20");
    assert_eq!(more.len(), 13, "{more:?}");
    assert!(more[..12].iter().all(|(verdict, _)| verdict == "verbatim"));
    assert_eq!(more[12], ("near".to_string(), "reworded".to_string()));
}

/// A word too long for the index (a transaction hash, a run of Chinese between two
/// punctuation marks) is still a word of the quotation: changed, the wording is near and
/// the change is marked; the index, which holds no such word, did not see it, and a
/// quotation with one digit of a hash changed was said to stand verbatim.
#[test]
fn a_changed_long_word_makes_a_quotation_near_not_verbatim() {
    let dossier = Dossier::empty();
    let hash = "9f2c4e1b7a3d5f60812c9e4b7d1a3f5e6c8b0a2d4f6e8c1a3b5d7f9e2c4a6b8d0";
    dossier.write(
        "tx.txt",
        format!("Transfer confirmed: txid {hash} on 3 May.\n"),
    );
    dossier.write(
        "ja.txt",
        "人間は、理性と良心とを授けられており、互いに同胞の精神をもって行動しなければならない。\n",
    );
    dossier.index_run();
    let exact = quote(&dossier, &format!("txid {hash} on 3 May"));
    assert_eq!(exact.verbatim_count, 1);
    let changed_hash = format!("{}1", &hash[..hash.len() - 1]);
    let changed = quote(&dossier, &format!("txid {changed_hash} on 3 May"));
    let near = only_near(&changed, "tx");
    assert_eq!(
        near.differences,
        // One character off: a close spelling, as for any word.
        [Difference {
            kind: "spelling".to_string(),
            expected: Some(changed_hash.clone()),
            found: Some(hash.to_string()),
            start: near.text.find(hash).unwrap(),
            end: near.text.find(hash).unwrap() + hash.len(),
        }]
    );
    let invented = quote(
        &dossier,
        "人間は、理性と良心とを授けられており、互いに敵対して戦争を続けなければならないと宣言した。",
    );
    let near = only_near(&invented, "ja");
    assert_eq!(near.differences.len(), 1, "{:?}", near.differences);
    assert_eq!(near.differences[0].kind, "changed");
}

/// A quotation is cited by its own line: the passage around it starts with its sentence,
/// which may begin lines before (a hard-wrapped paragraph), and prints every line numbered.
#[test]
fn a_quotation_is_cited_by_the_line_it_stands_on() {
    let dossier = Dossier::empty();
    dossier.write(
        "wrapped.txt",
        "Talks\n\nHe said we will not negotiate about\nthe territory, and the deal\nwould resume on Monday in Geneva.\n",
    );
    let results = quote(&dossier, "would resume on Monday in Geneva");
    let found = &results.matches[0];
    assert_eq!((found.line, found.quotation_line), (3, 5));
    let stdout = printed_quote(&dossier, &["would resume on Monday in Geneva"]);
    assert!(
        stdout.starts_with("verbatim  wrapped  line 5\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("     5: **would resume on Monday in Geneva**."),
        "{stdout}"
    );
}

/// A difference across a line break is printed on one line; the lines after it keep the
/// numbers they have in the document.
#[test]
fn lines_after_a_difference_across_a_line_break_keep_their_numbers() {
    let dossier = Dossier::empty();
    dossier.write(
        "talks.txt",
        "Talks\n\nHe said we will not negotiate about\nthe territory, and the deal\nwould resume on Monday in Geneva.\n",
    );
    let stdout = printed_quote(
        &dossier,
        &["we will not negotiate the about territory, and the deal would resume"],
    );
    assert!(stdout.contains("     3: He said "), "{stdout}");
    assert!(
        stdout.contains("     5: **would resume**"),
        "the line after the swapped words keeps its number: {stdout}"
    );
    assert!(!stdout.contains("     4: **would"), "{stdout}");
}

/// Verbatim is whatever the case, punctuation and line breaks, not whatever the accents:
/// `wurde` (became) quoted for `Würde` (dignity) is a close spelling, shown as a difference;
/// a decomposed accent and a word hyphenated across a line are still the same words.
#[test]
fn an_accent_makes_a_quotation_near_and_its_forms_do_not() {
    let dossier = Dossier::empty();
    dossier.write(
        "grundgesetz.txt",
        "Artikel 1\n\nDie Würde des Menschen ist unantastbar. Sie zu ach-\nten ist Verpflichtung.\n",
    );
    let exact = quote(&dossier, "Die Würde des Menschen ist unantastbar");
    assert_eq!(exact.verbatim_count, 1);
    let decomposed = quote(
        &dossier,
        "Die W\u{75}\u{308}rde des Menschen ist unantastbar",
    );
    assert_eq!(
        decomposed.verbatim_count, 1,
        "ü written as u and a combining diaeresis"
    );
    let hyphenated = quote(&dossier, "Sie zu achten ist Verpflichtung");
    assert_eq!(
        hyphenated.verbatim_count, 1,
        "achten hyphenated at a line's end"
    );

    let unaccented = quote(&dossier, "Die wurde des Menschen ist unantastbar");
    assert_eq!(unaccented.verbatim_count, 0);
    let found = only_near(&unaccented, "grundgesetz");
    assert_eq!(
        found.differences,
        [Difference {
            kind: "spelling".into(),
            expected: Some("wurde".into()),
            found: Some("Würde".into()),
            start: found.text.find("Würde").unwrap(),
            end: found.text.find("Würde").unwrap() + "Würde".len(),
        }]
    );
}

/// A contraction is one written word: `doesn't` quoted where the document says `does not`
/// (or the other way round, in a real Cranfield abstract) is one difference, the two
/// wordings whole, not two halves (`[-doesn-]{+does+} [-t-]{+not+}`), and counts as a
/// close spelling.
#[test]
fn a_contraction_against_its_long_form_is_one_difference() {
    let dossier = Dossier::shipped();
    let text = "The United States doesn't currently see us in NATO";
    let results = quote(&dossier, text);
    let best = only_near(&results, QUOTE_DOC);
    let at = best.text.find("does not currently").unwrap();
    assert_eq!(
        best.differences,
        [Difference {
            kind: "spelling".into(),
            expected: Some("doesn't".into()),
            found: Some("does not".into()),
            start: at,
            end: at + "does not".len(),
        }]
    );
    let stdout = printed_quote(&dossier, &[text]);
    assert!(
        stdout.contains("**The United States** [-doesn't-]{+does not+} **currently see us"),
        "{stdout}"
    );

    let from = common::shared_data("cranfield/834.txt");
    dossier.write("834.txt", std::fs::read(from).unwrap());
    let results = quote(
        &dossier,
        "a special safety factor alone will not do the trick in the design",
    );
    let best = only_near(&results, "834");
    let at = best.text.find("won't").unwrap();
    assert_eq!(
        best.differences,
        [Difference {
            kind: "spelling".into(),
            expected: Some("will not".into()),
            found: Some("won't".into()),
            start: at,
            end: at + "won't".len(),
        }]
    );
    // And it costs the quotation as one close spelling, not two changed words: 8 words,
    // half a difference.
    let results = quote(&dossier, "safety factor alone will not do the trick");
    let best = only_near(&results, "834");
    assert!(
        (best.similarity - (1.0 - 0.5 / 8.0)).abs() < 0.01,
        "{}",
        best.similarity
    );
    // A long form the contraction does not stand for is two words changed: `did not` is
    // not `won't`.
    let results = quote(&dossier, "safety factor alone did not do the trick");
    let best = only_near(&results, "834");
    assert!((best.similarity - 0.75).abs() < 0.01, "{}", best.similarity);
    assert_eq!(best.differences.len(), 2, "{:?}", best.differences);
    // Words of the quotation apart, an ellipsis between them, stay two places.
    let results = quote(
        &dossier,
        "a special safety factor alone will … not do the trick in the design",
    );
    let expected: Vec<Option<&str>> = only_near(&results, "834")
        .differences
        .iter()
        .map(|d| d.expected.as_deref())
        .collect();
    assert_eq!(expected, [Some("will"), Some("not")]);
}

/// A possessive left out of a quotation (`Ukraine membership` for `Ukraine’s membership`)
/// is the `s` added, not the quotation's first word changed into it: the word stays found.
#[test]
fn a_possessive_left_out_is_an_added_s_not_a_changed_word() {
    let dossier = Dossier::shipped();
    let results = quote(
        &dossier,
        "Ukraine membership, Ukrainian President Volodymyr Zelensky responded",
    );
    let best = only_near(&results, QUOTE_DOC);
    let at = best.text.find("Ukraine’s").unwrap() + "Ukraine’".len();
    assert_eq!(
        best.differences,
        [Difference {
            kind: "added".into(),
            expected: None,
            found: Some("s".into()),
            start: at,
            end: at + 1,
        }]
    );
    assert_eq!(best.highlighted()[0], "Ukraine");
}
