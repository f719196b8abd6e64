//! Searching the shipped dossier with the real binary: hits, passages, highlights, offsets,
//! line numbers, output forms and exit codes.

mod common;

use common::{Dossier, stderr_of};

const QUOTE_DOC: &str = "000_eea6b4a974d0f11e";

fn assert_quote_found(dossier: &Dossier, query: &str) {
    let results = dossier.search_json(query, &[]);
    assert_eq!(results.total_hits, 1, "{query}");
    let hit = &results.hits[0];
    assert_eq!(hit.doc_id, QUOTE_DOC);
    assert_eq!(hit.path, format!("{QUOTE_DOC}.txt"));
    let passage = &hit.passages[0];
    assert_eq!(passage.line, 14);
    assert_eq!(
        passage.highlighted(),
        ["Presidents come and go"],
        "one span, and no other word highlighted"
    );
    assert!(
        passage
            .text
            .contains("“The United States does not currently see us in NATO.…")
    );
}

#[test]
fn a_quoted_phrase_finds_the_quote_on_line_14_as_one_span() {
    let dossier = Dossier::shipped();
    assert_quote_found(&dossier, "\"Presidents come and go\"");
    assert_quote_found(&dossier, "“Presidents come and go”");
    assert_quote_found(&dossier, "'presidents COME and go'");
    assert_quote_found(&dossier, "\"presidents, come -- and go!\"");
}

#[test]
fn the_human_output_shows_rank_id_title_score_line_and_the_highlight() {
    let dossier = Dossier::shipped();
    let output = dossier
        .command(&["search", "\"Presidents come and go\""])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    let first_line = stdout.lines().next().unwrap_or_default();
    assert!(
        first_line.starts_with(&format!("1. {QUOTE_DOC}  ")),
        "{stdout}"
    );
    assert!(first_line.contains("  score 4."), "{stdout}");
    assert!(
        stdout.contains("US President’s Special Envoy Steve Witkoff"),
        "{stdout}"
    );
    assert!(stdout.contains("    14: Asked Thursday"), "{stdout}");
    assert_eq!(stdout.matches("**").count(), 2, "one highlight: {stdout}");
    assert!(stdout.contains("**Presidents come and go**"), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "no colour when piped");
    assert!(
        stderr_of(&output).contains("5 added"),
        "first search builds the index"
    );
}

#[test]
fn colour_is_used_when_asked_and_never_when_refused() {
    let dossier = Dossier::shipped();
    let coloured = dossier
        .command(&["search", "\"Presidents come and go\"", "--color", "always"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(coloured.stdout).unwrap();
    assert!(
        stdout.contains("Presidents come and go\u{1b}[0m"),
        "highlight in colour: {stdout:?}"
    );
    assert!(!stdout.contains("**"));
    let plain = dossier
        .command(&["search", "Dmitriev", "--color", "never"])
        .output()
        .unwrap();
    assert!(!String::from_utf8(plain.stdout).unwrap().contains('\u{1b}'));
}

#[test]
fn words_of_a_phrase_standing_elsewhere_are_not_highlighted() {
    let dossier = Dossier::shipped();
    let results = dossier.search_json("\"security guarantees\"", &[]);
    assert_eq!(results.total_hits, 4);
    let highlighted = results.highlighted();
    assert!(!highlighted.is_empty());
    for text in highlighted {
        assert_eq!(text.to_lowercase(), "security guarantees");
    }
}

#[test]
fn a_phrase_misses_when_its_words_are_present_but_not_in_that_order() {
    let dossier = Dossier::shipped();
    for word in ["presidents", "come", "and", "go"] {
        assert!(
            dossier.search_json(word, &[]).total_hits > 0,
            "{word} is there"
        );
    }
    let results = dossier.search_json("\"go and come presidents\"", &[]);
    assert_eq!(results.total_hits, 0);
    assert!(results.hits.is_empty());
}

#[test]
fn a_sloppy_phrase_found_out_of_order_still_shows_its_passage() {
    let dossier = Dossier::shipped();
    // tantivy lets the words of a sloppy phrase trade places within the slop.
    let results = dossier.search_json("\"come Presidents\"~2", &[]);
    assert_eq!(results.doc_ids(), ["000_eea6b4a974d0f11e"]);
    assert_eq!(results.highlighted(), ["Presidents come"]);
    assert_eq!(results.hits[0].passages[0].line, 14);
}

#[test]
fn keywords_find_inflected_forms_and_highlight_each_of_them() {
    let dossier = Dossier::shipped();
    let results = dossier.search_json("negotiate", &["--limit", "10", "--passages", "5"]);
    assert_eq!(results.total_hits, 4);
    let mut forms: Vec<String> = results
        .highlighted()
        .iter()
        .map(|w| w.to_lowercase())
        .collect();
    forms.sort();
    forms.dedup();
    assert_eq!(forms, ["negotiating", "negotiation", "negotiations"]);
    for hit in &results.hits {
        for passage in &hit.passages {
            assert_eq!(
                passage
                    .highlight_terms
                    .iter()
                    .filter(|t| *t != "negotiate")
                    .count(),
                0
            );
        }
    }
}

#[test]
fn a_rare_word_ranks_the_document_that_has_it_first() {
    let dossier = Dossier::shipped();
    let results = dossier.search_json("Pokrovsk", &[]);
    assert_eq!(results.doc_ids(), ["001_66895d6541d2e960"]);
    let results = dossier.search_json("Dimitriev Kremlin", &[]);
    assert_eq!(
        results.hits[0].doc_id, QUOTE_DOC,
        "the only document with Dimitriev"
    );
    let scores: Vec<f32> = results.hits.iter().map(|h| h.score).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    let ranks: Vec<usize> = results.hits.iter().map(|h| h.rank).collect();
    assert_eq!(ranks, (1..=results.hits.len()).collect::<Vec<_>>());
}

#[test]
fn stop_words_count_only_in_a_query_of_stop_words_or_in_quotes() {
    let dossier = Dossier::empty();
    dossier.write("band.txt", "Songs by The Who, and what they played.\n");
    dossier.write("cone.txt", "A cone.\n");
    dossier.write(
        "other.txt",
        "It is what it is, and that is all there is to it.\n",
    );
    let keywords = dossier.search_json("the history of a cone I'm told", &[]);
    assert_eq!(keywords.doc_ids(), ["cone"]);
    assert_eq!(keywords.highlighted(), ["cone"]);
    let only_stop_words = dossier.search_json("the who", &[]);
    assert_eq!(only_stop_words.doc_ids()[0], "band");
    let phrase = dossier.search_json("\"the who\" songs", &[]);
    assert_eq!(phrase.doc_ids(), ["band"]);
    assert!(phrase.highlighted().contains(&"The Who"));
    let required = dossier.search_json("+what cone", &[]);
    assert_eq!(
        required.total_hits, 2,
        "the documents with what: {required:?}"
    );
}

#[test]
fn excluded_words_remove_documents_and_are_never_highlighted() {
    let dossier = Dossier::shipped();
    let with = dossier.search_json("Zelensky", &[]);
    let without = dossier.search_json("Zelensky -Pokrovsk", &[]);
    assert_eq!(without.total_hits, with.total_hits - 1);
    assert!(!without.doc_ids().contains(&"001_66895d6541d2e960"));
    let both = dossier.search_json("Witkoff NOT \"Presidents come and go\"", &[]);
    assert!(!both.doc_ids().contains(&QUOTE_DOC));
    for text in both.highlighted() {
        assert_eq!(text, "Witkoff");
    }
}

#[test]
fn boolean_operators_and_fields_narrow_the_hits() {
    let dossier = Dossier::shipped();
    let all = dossier.search_json("+Dmitriev +Pokrovsk", &[]);
    assert_eq!(all.total_hits, 0, "no document has both");
    let title = dossier.search_json("title:Witkoff", &[]);
    let body = dossier.search_json("Witkoff", &[]);
    assert!(title.total_hits >= 1 && title.total_hits < body.total_hits);
    let by_id = dossier.search_json(&format!("id:{QUOTE_DOC}"), &[]);
    assert_eq!(by_id.doc_ids(), [QUOTE_DOC]);
}

#[test]
fn limit_and_passages_bound_the_output_but_not_the_count() {
    let dossier = Dossier::shipped();
    let results = dossier.search_json("Ukraine", &["--limit", "2", "--passages", "1"]);
    assert_eq!(results.total_hits, 5);
    assert_eq!(results.hits.len(), 2);
    for hit in &results.hits {
        assert_eq!(hit.passages.len(), 1);
        let passage = &hit.passages[0];
        assert!(
            passage.text.len() <= 480,
            "a passage is a few hundred characters"
        );
    }
}

#[test]
fn passages_are_whole_sentences() {
    let dossier = Dossier::shipped();
    let results = dossier.search_json("Kellogg", &[]);
    let passage = &results.hits[0].passages[0];
    assert!(
        passage
            .text
            .starts_with("However, many senior U.S. officials"),
        "{}",
        passage.text
    );
    assert!(passage.text.ends_with('.'), "{}", passage.text);
}

/// Asked for as many passages as a document has matches, a search shows every match: in
/// real abstracts written in lowercase (Cranfield's), where no sentence seems to start, and
/// around a sentence too long for one passage (the Universal Declaration's preamble).
#[test]
fn every_match_is_shown_when_enough_passages_are_asked_for() {
    let dossier = Dossier::empty();
    for name in ["1.txt", "1133.txt", "1226.txt"] {
        let from = common::shared_data(&format!("cranfield/{name}"));
        dossier.write(name, std::fs::read(from).unwrap());
    }
    let from = common::shared_data("languages/udhr/eng.html");
    dossier.write("udhr.html", std::fs::read(from).unwrap());
    for (query, word) in [
        ("pressure", "pressure"),
        ("prandtl", "prandtl"),
        ("slipstream", "slipstream"),
        ("\"human\"", "human"),
    ] {
        let results = dossier.search_json(query, &["--passages", "100"]);
        dossier.check_offsets(&results);
        assert!(!results.hits.is_empty(), "{query}");
        for hit in &results.hits {
            let text = match hit.format {
                None => dossier.file_bytes(&hit.path),
                Some(_) => dossier.show(&hit.doc_id),
            };
            let text = String::from_utf8(text).unwrap().to_lowercase();
            let is_word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            let occurrences: Vec<usize> = text
                .match_indices(word)
                .map(|(at, _)| at)
                .filter(|&at| {
                    !is_word_char(text[..at].chars().next_back())
                        && !is_word_char(text[at + word.len()..].chars().next())
                })
                .collect();
            assert!(!occurrences.is_empty(), "{query} in {}", hit.doc_id);
            for at in occurrences {
                let shown = hit.passages.iter().any(|passage| {
                    passage.highlights.iter().any(|[start, end]| {
                        passage.start + start <= at && at + word.len() <= passage.start + end
                    })
                });
                assert!(
                    shown,
                    "{query}: the match at byte {at} of {} is in no passage",
                    hit.doc_id
                );
            }
        }
    }
}

/// A clause that searches one field (`title:`, `subject:`, `from:`) is highlighted only
/// where that field stands in the text: a real abstract's title line, a real message's
/// header line; the same words in the body are not its matches.
#[test]
fn a_field_clause_is_highlighted_in_its_field_only() {
    let dossier = Dossier::empty();
    let abstract_1 = common::shared_data("cranfield/1.txt");
    dossier.write("1.txt", std::fs::read(abstract_1).unwrap());
    let mbox = common::shared_data("formats/apache-httpd-dev.mbox");
    dossier.write("httpd.mbox", std::fs::read(mbox).unwrap());
    for (query, id, line_starts) in [
        (
            "title:slipstream",
            "1",
            "experimental investigation of the aerodynamics of a wing",
        ),
        ("subject:root", "httpd//1", "Subject: "),
        ("from:ingo", "httpd//1", "From: "),
    ] {
        let results = dossier.search_json(query, &["--passages", "100"]);
        dossier.check_offsets(&results);
        let hit = results
            .hits
            .iter()
            .find(|hit| hit.doc_id == id)
            .unwrap_or_else(|| panic!("{query}: {id} not found"));
        let shown = dossier.show(id);
        let mut highlights = 0;
        for passage in &hit.passages {
            for [start, _] in &passage.highlights {
                let at = passage.start + start;
                let line_start = shown[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                let line = String::from_utf8_lossy(&shown[line_start..at]);
                assert!(
                    line.starts_with(line_starts),
                    "{query}: highlight in {line:?}"
                );
                highlights += 1;
            }
        }
        assert!(highlights > 0, "{query}: nothing highlighted");
    }
}

#[test]
fn a_malformed_query_is_one_line_with_the_position_and_exit_2() {
    let dossier = Dossier::shipped();
    for (query, wanted) in [
        ("\"Presidents come", "character 1: unclosed quote"),
        ("Dmitriev AND (Miami", "character 14: unclosed bracket"),
        ("nosuchfield:word", "unknown field `nosuchfield`"),
    ] {
        let output = dossier.command(&["search", query]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{query}");
        let stderr = stderr_of(&output);
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(wanted), "{query}: {stderr}");
        assert!(output.stdout.is_empty());
        assert!(
            !dossier.index().join("meta.json").exists(),
            "nothing indexed for a typo"
        );
    }
}

#[test]
fn nothing_found_exits_1_and_a_missing_corpus_exits_2() {
    let dossier = Dossier::shipped();
    let output = dossier.command(&["search", "xylophone"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());

    let missing = Dossier::empty();
    std::fs::remove_dir(missing.corpus()).unwrap();
    let output = missing.command(&["search", "anything"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("corpus folder") && stderr.contains("cannot be read"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn a_broken_pipe_is_not_an_error() {
    let dossier = Dossier::shipped();
    dossier.index_run();
    let output = dossier.run_into_closed_pipe(&["search", "Ukraine", "--passages", "5"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(output.stderr.is_empty(), "{}", stderr_of(&output));
}

/// Documents of equal score come out in the order of their IDs, however the index happens
/// to hold them (here, the later ones went into a segment of their own): a list of hits
/// cited must not change with a rebuild. That holds at the limit's edge too.
#[test]
fn equal_scores_come_in_the_order_of_their_ids() {
    let dossier =
        Dossier::copies_with_the_first_id_indexed_last("The marmot clause was signed at dawn.\n");
    let all = dossier.search_json("marmot", &[]);
    assert_eq!(all.doc_ids(), ["a", "b", "c"]);
    let first = dossier.search_json("marmot", &["--limit", "1"]);
    assert_eq!(first.doc_ids(), ["a"]);
}

#[test]
fn type_restricts_a_search_to_documents_of_those_formats() {
    let dossier = Dossier::shipped();
    let all = dossier.search_json("Dmitriev", &[]);
    assert!(all.total_hits > 0);
    let text = dossier.search_json("Dmitriev", &["--type", "text,pdf"]);
    assert_eq!(text.total_hits, all.total_hits);
    let output = dossier
        .command(&["search", "Dmitriev", "--type", "pdf", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let output = dossier
        .command(&["search", "Dmitriev", "--type", "numbers"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a format dossier reads"));
}

#[test]
fn ligatures_match_their_letters_and_are_highlighted_as_written() {
    // PDF text often keeps the typesetter's ligatures (U+FB01 ﬁ, U+FB00 ﬀ).
    let dossier = Dossier::empty();
    dossier.write(
        "memo.txt",
        "The ﬁnancial ofﬁce reported a deﬁcit.\n\nThe staﬀ ﬁled it late.\n",
    );
    let keyword = dossier.search_json("financial", &[]);
    assert_eq!(keyword.doc_ids(), ["memo"]);
    assert_eq!(keyword.highlighted(), ["ﬁnancial"]);
    dossier.check_offsets(&keyword);

    let phrase = dossier.search_json("\"financial office reported a deficit\"", &[]);
    assert_eq!(phrase.highlighted(), ["ﬁnancial ofﬁce reported a deﬁcit"]);
    let staff = dossier.search_json("\"staff filed\"", &[]);
    assert_eq!(staff.highlighted(), ["staﬀ ﬁled"]);

    let quote = dossier
        .command(&["quote", "The staff filed it late."])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&quote.stdout);
    assert_eq!(quote.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("memo  line 3"), "{stdout}");
    assert!(stdout.contains("**The staﬀ ﬁled it late**"), "{stdout}");
}

/// Asked for many passages, a document shows every place its word stands: the name in
/// five paragraphs of the first article, three of them close together, gave two passages
/// however many were asked for.
#[test]
fn as_many_passages_as_asked_show_every_match() {
    let dossier = Dossier::shipped();
    dossier.index_run();
    let text = std::fs::read_to_string(dossier.corpus().join("000_eea6b4a974d0f11e.txt")).unwrap();
    let places: Vec<usize> = text.match_indices("Witkoff").map(|(i, _)| i).collect();
    assert_eq!(places.len(), 5);
    let results = dossier.search_json("Witkoff", &["--id", "000*", "--passages", "50"]);
    let passages = &results.hits[0].passages;
    for place in &places {
        assert!(
            passages
                .iter()
                .any(|p| p.highlights.iter().any(|h| p.start + h[0] == *place)),
            "the match at byte {place} is in no passage"
        );
    }
    // Two, as by default: the best two.
    let two = dossier.search_json("Witkoff", &["--id", "000*"]);
    assert_eq!(two.hits[0].passages.len(), 2);
}

/// Completions and the man page are made from the command's definitions: every command a
/// user runs is in them, with its options, and nothing that is dossier's own (the reading
/// worker, options for tests).
#[test]
fn completions_and_man_page_offer_every_command_and_nothing_internal() {
    let generated = |what: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(["generate", what])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        String::from_utf8(output.stdout).unwrap()
    };
    for shell in ["bash", "zsh", "fish"] {
        let script = generated(shell);
        for shown in ["search", "quote", "serve", "no-refresh", "min-similarity"] {
            assert!(script.contains(shown), "{shell}: {shown}");
        }
        for internal in ["read-worker", "commit-every-docs", "idle-seconds"] {
            assert!(!script.contains(internal), "{shell}: {internal}");
        }
    }
    let man = generated("man");
    for page in [
        "dossier",
        "dossier-index",
        "dossier-search",
        "dossier-quote",
        "dossier-show",
    ] {
        assert!(man.contains(&format!(".TH {page} 1")), "{page}");
    }
    assert!(man.contains("min\\-similarity"), "the commands' options");
    assert!(!man.contains("read\\-worker") && !man.contains("commit\\-every"));
}

/// A mistyped flag or value is one line on stderr, saying what is wrong, with exit code 2,
/// as every other error.
#[test]
fn a_command_line_error_is_one_line() {
    let dossier = Dossier::shipped();
    for (args, says) in [
        (
            &["search", "Witkoff", "--after", "yesterday"][..],
            "`yesterday` is not a date",
        ),
        (
            &["search", "Witkoff", "--type", "pdff"],
            "text, pdf, html, email, mbox, zip, msg, rtf, doc, spreadsheet, docx, odt, epub, image",
        ),
        (&["search", "Witkoff", "--limt", "3"], "'--limit'"),
        (&["search"], "<QUERY>"),
    ] {
        let output = dossier.command(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = stderr_of(&output);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("dossier: error: "), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

/// A page of results (`--offset`) is the same stretch of the list that a longer search
/// shows: the same documents in the same order, with the same ranks, scores and passages,
/// including documents of equal score on both sides of the page's edge (copies of one real
/// abstract, more than the engine first collects past a page, indexed in two runs so that
/// the index holds them in two segments, ranked by ID), and a page past the last is empty
/// but says how many match.
#[test]
fn a_page_of_results_is_the_same_stretch_of_the_whole_list() {
    let dossier = Dossier::empty();
    for n in 1..=80 {
        let name = format!("{n}.txt");
        let from = common::shared_data(&format!("cranfield/{name}"));
        dossier.write(&name, std::fs::read(from).unwrap());
    }
    let copied = std::fs::read(common::shared_data("cranfield/1.txt")).unwrap();
    for n in 1..=20 {
        dossier.write(&format!("z{n:02}.txt"), &copied);
    }
    assert_eq!(dossier.index_run().status.code(), Some(0));
    for n in 1..=20 {
        dossier.write(&format!("a{n:02}.txt"), &copied);
    }
    let seen = |hit: &common::Hit| {
        let passages: Vec<_> = hit
            .passages
            .iter()
            .map(|p| (p.start, p.end, p.highlights.clone()))
            .collect();
        (hit.rank, hit.doc_id.clone(), hit.score, passages)
    };
    for query in ["pressure", "\"boundary layer\"", "slipstream wing"] {
        let whole = dossier.search_json(query, &["--limit", "100"]);
        assert!(whole.hits.len() > 6, "{query}: {}", whole.hits.len());
        for (offset, limit) in [(0, 3), (3, 4), (2, 100), (whole.hits.len() - 1, 5)] {
            let page = dossier.search_json(
                query,
                &[
                    "--limit",
                    &limit.to_string(),
                    "--offset",
                    &offset.to_string(),
                ],
            );
            assert_eq!(page.total_hits, whole.total_hits, "{query}");
            let expected: Vec<_> = whole
                .hits
                .iter()
                .skip(offset)
                .take(limit)
                .map(seen)
                .collect();
            let shown: Vec<_> = page.hits.iter().map(seen).collect();
            assert_eq!(shown, expected, "{query} --offset {offset} --limit {limit}");
        }
        let past = dossier.search_json(query, &["--offset", &whole.total_hits.to_string()]);
        assert_eq!(past.total_hits, whole.total_hits);
        assert!(past.hits.is_empty());
    }
    // What a person reads under a page: which documents these are, and how to go on.
    let footer = |args: &[&str]| {
        let output = dossier.command(args).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        let stdout = String::from_utf8(output.stdout).unwrap();
        stdout.trim_end().lines().last().unwrap().to_string()
    };
    let total = dossier.search_json("pressure", &[]).total_hits;
    assert_eq!(
        footer(&["search", "pressure", "--limit", "5", "--offset", "10"]),
        format!("documents 11–15 of {total} matching shown; --offset 15 shows the next")
    );
    let last = (total - 1).to_string();
    assert_eq!(
        footer(&["search", "pressure", "--offset", &last]),
        format!("document {total} of {total} matching shown")
    );
    assert_eq!(
        footer(&["search", "pressure", "--offset", "5", "--limit", "0"]),
        format!("0 of {total} matching documents shown; --limit shows more")
    );
    let nothing = dossier
        .command(&["search", "zzzqqq", "--offset", "5"])
        .output()
        .unwrap();
    assert_eq!(nothing.status.code(), Some(1));
    assert!(nothing.stdout.is_empty(), "no footer when nothing matches");
    assert_eq!(
        footer(&["search", "pressure", "--offset", "900"]),
        format!(
            "no document shown: --offset 900 is past the last of the {total} matching documents"
        )
    );
    // Abstract 1 and its 40 copies tie, and each page of them is the next stretch of their
    // IDs, whatever the index holds first.
    let whole = dossier.search_json("slipstream", &["--limit", "100", "--passages", "0"]);
    let tied: Vec<String> = whole
        .hits
        .iter()
        .filter(|hit| hit.score == whole.hits[0].score)
        .map(|hit| hit.doc_id.clone())
        .collect();
    let mut expected: Vec<String> = ["1".to_string()]
        .into_iter()
        .chain((1..=20).map(|n| format!("a{n:02}")))
        .chain((1..=20).map(|n| format!("z{n:02}")))
        .collect();
    expected.sort();
    assert_eq!(tied, expected, "abstract 1 and its copies tie, first by ID");
    for offset in [0, 7, 10, 20, 30] {
        let page = dossier.search_json(
            "slipstream",
            &["--offset", &offset.to_string(), "--passages", "0"],
        );
        let ids: Vec<&str> = page.hits.iter().map(|h| h.doc_id.as_str()).collect();
        assert_eq!(ids, expected[offset..offset + 10], "--offset {offset}");
    }
}
