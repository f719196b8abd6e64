//! Dossiers in many languages, run as a user would: each document's language detected (or
//! given by metadata.tsv), keywords found in their inflections in every language the index
//! holds, names found across scripts and romanisations with the highlight on the name as
//! written, and right-to-left text printed without stray direction controls. On the
//! Universal Declaration of Human Rights in nine languages (shared/data/languages/udhr).

mod common;

use common::{Dossier, shared_data, stderr_of};

/// The UDHR files and the language each is in.
const UDHR: [(&str, &str); 9] = [
    ("arb", "ar"),
    ("bel", "be"),
    ("deu_1996", "de"),
    ("eng", "en"),
    ("fra", "fr"),
    ("pol", "pl"),
    ("rus", "ru"),
    ("spa", "es"),
    ("ukr", "uk"),
];

/// The declaration in nine languages, and the shipped articles, indexed.
fn udhr_dossier() -> Dossier {
    let dossier = Dossier::shipped();
    for (name, _) in UDHR {
        let file = format!("{name}.html");
        let from = shared_data(&format!("languages/udhr/{file}"));
        std::fs::copy(from, dossier.corpus().join(&file)).expect("copy the declaration");
    }
    let output = dossier.index_run();
    assert!(output.status.success(), "{}", stderr_of(&output));
    dossier
}

#[test]
fn each_declaration_is_found_in_its_language_and_filtered_by_it() {
    let dossier = udhr_dossier();
    for (name, language) in UDHR {
        let results = dossier.search_json(&format!("id:{name}"), &[]);
        assert_eq!(results.doc_ids(), [name]);
        assert_eq!(results.hits[0].lang.as_deref(), Some(language), "{name}");
    }
    // The shipped articles are English.
    let results = dossier.search_json("Witkoff", &["--lang", "en"]);
    assert!(results.total_hits >= 4, "{:?}", results.doc_ids());
    assert!(results.hits.iter().all(|h| h.lang.as_deref() == Some("en")));
    // `--lang` takes codes of either kind and names, and narrows any query.
    let results = dossier.search_json("*", &["--lang", "rus,Ukrainian", "-n", "20"]);
    let mut ids = results.doc_ids();
    ids.sort();
    assert_eq!(ids, ["rus", "ukr"]);
    let output = dossier
        .command(&["search", "права", "--lang", "klingon"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("not a language"),
        "{}",
        stderr_of(&output)
    );
}

/// The words a search highlights in the document `id`.
fn highlighted_in(dossier: &Dossier, query: &str, id: &str) -> Vec<String> {
    let results = dossier.search_json(query, &["-n", "20", "--passages", "5"]);
    results
        .hits
        .iter()
        .filter(|hit| hit.doc_id == id)
        .flat_map(|hit| hit.passages.iter())
        .flat_map(|p| p.highlighted())
        .map(|word| word.to_lowercase())
        .collect()
}

#[test]
fn an_inflected_word_finds_its_other_forms_in_its_language() {
    let dossier = udhr_dossier();
    // A form of the query, and another form the declaration has, which only stemming in
    // the document's language finds.
    for (query, id, other_form) in [
        ("свободы", "rus", "свободу"),
        ("свободи", "ukr", "свободу"),
        ("Rechte", "deu_1996", "recht"),
        ("droits", "fra", "droit"),
        ("prawa", "pol", "prawo"),
    ] {
        let words = highlighted_in(&dossier, query, id);
        assert!(
            words.iter().any(|w| w == other_form),
            "{query} in {id} highlights {words:?}, not {other_form}"
        );
        // Every highlight is a form of the word, not another word.
        let beginning: String = other_form.chars().take(4).collect();
        assert!(
            words.iter().all(|w| w.starts_with(&beginning)),
            "{query} in {id}: {words:?}"
        );
    }
    // A quoted word is matched as written.
    let words = highlighted_in(&dossier, "\"droits\"", "fra");
    assert!(
        !words.is_empty() && words.iter().all(|w| w == "droits"),
        "{words:?}"
    );
}

#[test]
fn a_long_query_finds_the_inflections_of_the_language_it_is_written_in() {
    let dossier = udhr_dossier();
    // Long enough to tell its language: looked up in German inflections alone, which still
    // find `Recht` for `Rechte` (and French ones, for a French sentence).
    for (query, id, other_form) in [
        (
            "Jeder Mensch hat Anspruch auf die in dieser Erklärung verkündeten Rechte",
            "deu_1996",
            "recht",
        ),
        (
            "Toute personne peut se prévaloir de tous les droits proclamés dans cette Déclaration",
            "fra",
            "droit",
        ),
    ] {
        let words = highlighted_in(&dossier, query, id);
        assert!(
            words.iter().any(|w| w == other_form),
            "{query} in {id} highlights {words:?}, not {other_form}"
        );
    }
}

#[test]
fn a_metadata_file_sets_the_language_and_a_change_to_it_is_indexed() {
    let dossier = Dossier::empty();
    let text = "Minutes of the meeting held on the fourth of May between the two \
                delegations, with the list of those who attended and what was agreed.";
    dossier.write("minutes.txt", text);
    dossier.write("metadata.tsv", "id\tlang\nminutes\tde\n");
    assert!(dossier.index_run().status.success());
    let results = dossier.search_json("delegations", &[]);
    assert_eq!(results.hits[0].lang.as_deref(), Some("de"));
    dossier.write("metadata.tsv", "id\tlang\n");
    assert!(dossier.index_run().status.success());
    let results = dossier.search_json("delegations", &[]);
    assert_eq!(
        results.hits[0].lang.as_deref(),
        Some("en"),
        "detected once no longer set"
    );
}

#[test]
fn a_short_latin_word_does_not_match_cyrillic_text() {
    let dossier = udhr_dossier();
    // мир (peace, world) is in the Russian declaration; a three-letter name is never
    // matched by its key.
    assert!(!highlighted_in(&dossier, "мир", "rus").is_empty());
    let results = dossier
        .command(&["search", "Mir", "--json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(results.stdout).unwrap();
    assert!(!stdout.contains("\"rus\""), "{stdout}");
    assert!(!stdout.contains("\"ukr\""), "{stdout}");
}

#[test]
fn right_to_left_text_is_highlighted_and_printed_without_open_direction_controls() {
    let dossier = udhr_dossier();
    // حقوق (rights) in the Arabic declaration: the highlight is the word as written.
    let results = dossier.search_json("حقوق", &[]);
    assert_eq!(results.hits[0].doc_id, "arb");
    assert!(
        results.highlighted().iter().all(|w| w.contains("حقوق")),
        "{:?}",
        results.highlighted()
    );
    // A document that leaves a right-to-left override open: JSON keeps its text exactly
    // (offsets are into it), the terminal output drops the override, which would reverse
    // the lines printed after it.
    dossier.write(
        "override.txt",
        "The ledger entry reads \u{202E}1234 lanif\u{202C} and then \u{202E}open to the end.\n",
    );
    assert!(dossier.index_run().status.success());
    let results = dossier.search_json("ledger", &[]);
    assert!(results.hits[0].passages[0].text.contains('\u{202E}'));
    let output = dossier
        .command(&["search", "ledger", "--color", "never"])
        .output()
        .unwrap();
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(printed.contains("lanif"), "{printed}");
    assert!(!printed.contains(['\u{202E}', '\u{202C}']), "{printed:?}");
}

/// The shipped articles (which mention Kirill Dmitriev) and real Russian, Ukrainian,
/// German, French and Polish texts (tests/data/languages, see its SOURCE.md).
fn names_dossier() -> Dossier {
    let dossier = Dossier::shipped();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/languages");
    for entry in std::fs::read_dir(data).expect("test texts") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "txt") {
            std::fs::copy(&path, dossier.corpus().join(path.file_name().unwrap())).unwrap();
        }
    }
    let output = dossier.index_run();
    assert!(output.status.success(), "{}", stderr_of(&output));
    dossier
}

#[test]
fn a_name_in_any_script_or_romanisation_finds_it_written_the_other_ways() {
    let dossier = names_dossier();
    const CYRILLIC: &str = "ru-dmitriev-ivan-ivanovich";
    const LATIN: &str = "004_cfbd965501cddc54";
    for query in ["Dmitriev", "Dmitrijew", "Дмитриев"] {
        let results = dossier.search_json(query, &["-n", "20"]);
        for id in [CYRILLIC, LATIN] {
            let hit = results.hits.iter().find(|h| h.doc_id == id);
            let hit = hit.unwrap_or_else(|| panic!("{query} misses {id}: {:?}", results.doc_ids()));
            let written = if id == CYRILLIC {
                "Дмитриев"
            } else {
                "Dmitriev"
            };
            // Russian text marks the stress of a name: Дми́триев, an accent written apart.
            let unstressed = |w: &str| w.replace('\u{301}', "");
            for passage in &hit.passages {
                assert!(
                    passage
                        .highlighted()
                        .iter()
                        .all(|w| unstressed(w) == written),
                    "{query} in {id}: {:?}",
                    passage.highlighted()
                );
            }
            // A highlight of another spelling than the one typed says by which rule.
            let other_spelling = query != written;
            let marked = hit.passages.iter().all(|p| {
                p.highlight_variants.as_ref().is_some_and(|rules| {
                    rules
                        .iter()
                        .all(|r| r.as_deref() == Some("transliteration"))
                })
            });
            assert_eq!(marked, other_spelling, "{query} in {id}");
        }
        // The feminine (or genitive) form, in a Russian news text.
        assert!(
            results.doc_ids().contains(&"ru-lekciya-dmitrieva"),
            "{query}"
        );
    }
    // The name as typed ranks above its other spellings.
    let results = dossier.search_json("Dmitriev", &["-n", "20"]);
    let first_cyrillic = results
        .doc_ids()
        .iter()
        .position(|id| id.starts_with("ru-"))
        .unwrap();
    assert!(
        results.hits[..first_cyrillic].len() >= 4,
        "the four articles that write Dmitriev first: {:?}",
        results.doc_ids()
    );
    // The note says what else was searched; --no-variants searches the spelling typed.
    let output = dossier.command(&["search", "Dmitriev"]).output().unwrap();
    assert!(
        stderr_of(&output).contains("Dmitriev also matches Дмитриев"),
        "{}",
        stderr_of(&output)
    );
    let plain = dossier.search_json("Dmitriev", &["--no-variants", "-n", "20"]);
    assert!(
        plain.doc_ids().iter().all(|id| !id.starts_with("ru-")),
        "{:?}",
        plain.doc_ids()
    );
}

#[test]
fn names_of_the_budapest_memorandum_are_found_across_languages() {
    let dossier = names_dossier();
    for (query, ids) in [
        (
            "Yeltsin",
            ["en-budapest-memorandum", "ru-budapeshtskiy-memorandum"],
        ),
        (
            "Кравчук",
            ["en-budapest-memorandum", "ru-budapeshtskiy-memorandum"],
        ),
        (
            "Clinton",
            ["en-budapest-memorandum", "ru-budapeshtskiy-memorandum"],
        ),
    ] {
        let results = dossier.search_json(query, &["-n", "20"]);
        for id in ids {
            assert!(
                results.doc_ids().contains(&id),
                "{query} misses {id}: {:?}",
                results.doc_ids()
            );
        }
    }
}

#[test]
fn suggestions_are_offered_in_every_script() {
    let dossier = udhr_dossier();
    let output = dossier.command(&["search", "Деклорации"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("did you mean"), "{stderr}");
    assert!(stderr.contains("Декларации: 1 document"), "{stderr}");
}

/// Devanagari's vowel signs and virama are letters of the word they are written in: a
/// word is found and highlighted whole, and a short word is not found inside another
/// (`से` highlighted the `स` that starts `स्वतन्त्रता`).
#[test]
fn devanagari_words_keep_their_vowel_signs() {
    let dossier = Dossier::empty();
    dossier.write(
        "hi.txt",
        "सभी मनुष्यों को जन्मजात स्वतन्त्रता प्राप्त है।\nउन्हें भाईचारे के भाव से बर्ताव करना चाहिए।\n",
    );
    dossier.index_run();
    let text = std::fs::read_to_string(dossier.corpus().join("hi.txt")).unwrap();
    for (word, line) in [("से", 2), ("स्वतन्त्रता", 1), ("मनुष्यों", 1)]
    {
        let results = dossier.search_json(word, &[]);
        assert_eq!(results.total_hits, 1, "{word}");
        let passage = &results.hits[0].passages[0];
        assert_eq!(passage.line, line, "{word}");
        let marked: Vec<&str> = passage
            .highlights
            .iter()
            .map(|h| &text[passage.start + h[0]..passage.start + h[1]])
            .collect();
        assert_eq!(marked, [word], "{word}");
    }
}

/// Real texts whose words carry the marks that people leave out when they type them: the
/// Greek and Hebrew declarations (excerpts) and Genesis 1:1–5 with its points and
/// cantillation (tests/data/languages/marks, see tests/data/languages/SOURCE.md), the
/// Arabic declaration, which writes the short vowels of a few words, the Russian one, which
/// writes ё as е, and a Russian news text that writes ё.
fn marks_dossier() -> Dossier {
    let dossier = Dossier::empty();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/languages");
    let own = [
        "marks/el-udhr-excerpt.txt",
        "marks/he-udhr-excerpt.txt",
        "marks/he-genesis-1.txt",
        "ru-lekciya-dmitrieva.txt",
    ];
    for name in own {
        let from = data.join(name);
        std::fs::copy(&from, dossier.corpus().join(from.file_name().unwrap())).unwrap();
    }
    for file in ["arb.html", "rus.html"] {
        let from = shared_data(&format!("languages/udhr/{file}"));
        std::fs::copy(from, dossier.corpus().join(file)).expect("copy the declaration");
    }
    let output = dossier.index_run();
    assert!(output.status.success(), "{}", stderr_of(&output));
    dossier
}

/// What a search highlights in the document `id`, as its text holds it at the highlights'
/// byte offsets: the file's bytes for a text file, the passage's for another.
fn marked_in(dossier: &Dossier, query: &str, id: &str) -> Vec<String> {
    let results = dossier.search_json(query, &["-n", "20", "--passages", "10"]);
    let file = dossier.corpus().join(format!("{id}.txt"));
    let text = std::fs::read_to_string(file).ok();
    let mut marked = Vec::new();
    for passage in results
        .hits
        .iter()
        .filter(|hit| hit.doc_id == id)
        .flat_map(|hit| hit.passages.iter())
    {
        for [start, end] in &passage.highlights {
            marked.push(match &text {
                Some(text) => text[passage.start + start..passage.start + end].to_string(),
                None => passage.text[*start..*end].to_string(),
            });
        }
    }
    marked
}

/// Greek is typed without its accents and in capitals, which lower-case letter by letter
/// to a sigma that is not final (`ΟΔΟΣ` to `οδοσ`): the words are found, and the highlight
/// is the word as the text writes it.
#[test]
fn greek_words_typed_without_accents_or_in_capitals_find_the_accented_word() {
    let dossier = marks_dossier();
    const GREEK: &str = "el-udhr-excerpt";
    for query in [
        "\"ανθρωπος\"",
        "\"ΑΝΘΡΩΠΟΣ\"",
        "\"Ανθρωπος\"",
        "\"άνθρωπος\"",
    ] {
        assert_eq!(marked_in(&dossier, query, GREEK), ["άνθρωπος"], "{query}");
    }
    assert_eq!(marked_in(&dossier, "λαικη", GREEK), ["λαϊκή"]);
    // The heading in capitals, written without accents as Greek capitals are, and the
    // word in the text.
    for query in ["\"διακηρυξη\"", "\"Διακήρυξη\""] {
        assert_eq!(
            marked_in(&dossier, query, GREEK),
            ["ΔΙΑΚΗΡΥΞΗ", "Διακήρυξη"],
            "{query}"
        );
    }
    // A prefix that ends in a sigma finds the words it begins, as the phrase ending in one.
    for query in ["ρουχισ*", "ΡΟΥΧΙΣ*", "\"τροφη ρουχισ\"*"] {
        let marked = marked_in(&dossier, query, GREEK);
        assert!(
            marked.iter().any(|w| w.ends_with("ρουχισμό")),
            "{query}: {marked:?}"
        );
    }
    // Article 25 writes one `έχει` with a polytonic breathing.
    let marked = marked_in(&dossier, "\"εχει\"", GREEK);
    assert!(
        marked.iter().any(|w| w == "Ἐχει") && marked.iter().any(|w| w == "έχει"),
        "{marked:?}"
    );
}

/// The Arabic declaration writes a few words with their short vowels (tanwin, damma,
/// shadda) and most alefs with their hamza: a word typed without them finds them, and one
/// typed with harakat finds the word written without.
#[test]
fn arabic_words_match_with_or_without_harakat_and_hamza_on_alef() {
    let dossier = marks_dossier();
    assert_eq!(marked_in(&dossier, "\"احرارا\"", "arb"), ["أحرارًا"]);
    assert_eq!(marked_in(&dossier, "\"إلا\"", "arb"), ["إلاّ", "إلا"]);
    for (query, written) in [("\"حُقُوق\"", "حقوق"), ("\"انسان\"", "إنسان")] {
        let marked = marked_in(&dossier, query, "arb");
        assert!(
            !marked.is_empty() && marked.iter().all(|w| w == written),
            "{query}: {marked:?}"
        );
    }
    // The declaration decomposed (NFD), as some tools write it: the hamza after its alef.
    use unicode_normalization::UnicodeNormalization;
    let declaration = std::fs::read_to_string(shared_data("languages/udhr/arb.html")).unwrap();
    let decomposed: String = declaration.nfd().collect();
    dossier.write("arb-nfd.html", &decomposed);
    let marked = marked_in(&dossier, "\"احرارا\"", "arb-nfd");
    assert_eq!(marked, ["أحرارًا".nfd().collect::<String>()]);
    // There the hamza on waw and yeh is written apart too: still the letters ؤ and ئ.
    for word in ["الشؤون", "جنائية"] {
        let marked = marked_in(&dossier, &format!("\"{word}\""), "arb-nfd");
        assert_eq!(marked, [word.nfd().collect::<String>()], "{word}");
    }
}

/// Hebrew is written without points, but the Bible, poetry and teaching texts point it: a
/// word typed either way finds the other, the highlight covering the pointed word whole.
#[test]
fn hebrew_words_match_with_or_without_points_and_cantillation() {
    let dossier = marks_dossier();
    const GENESIS: &str = "he-genesis-1";
    let unpointed = |word: &str| -> String {
        word.chars()
            .filter(|c| !('\u{0591}'..='\u{05C7}').contains(c))
            .collect()
    };
    let marked = marked_in(&dossier, "\"אלהים\"", GENESIS);
    assert_eq!(marked.len(), 6, "{marked:?}");
    assert!(
        marked
            .iter()
            .all(|w| w != "אלהים" && unpointed(w) == "אלהים"),
        "{marked:?}"
    );
    assert_eq!(marked_in(&dossier, "\"השמים\"", GENESIS), ["הַשָּׁמַ֖יִם"]);
    assert_eq!(
        marked_in(&dossier, "\"אָדָם\"", "he-udhr-excerpt"),
        ["אדם", "אדם"]
    );
}

/// Russian is printed with е for ё, most of the time: either finds the other, and й is
/// still not и.
#[test]
fn russian_yo_and_ye_are_one_letter() {
    let dossier = marks_dossier();
    assert_eq!(
        marked_in(&dossier, "\"самолетом\"", "ru-lekciya-dmitrieva"),
        ["самолётом"]
    );
    // The declaration writes `в своем достоинстве`.
    assert_eq!(marked_in(&dossier, "\"своём\"", "rus"), ["своем", "своем"]);
    assert!(marked_in(&dossier, "\"своеи\"", "rus").is_empty());
}

#[derive(Debug, serde::Deserialize)]
struct QuoteResults {
    verbatim_count: usize,
    matches: Vec<QuoteMatch>,
}

#[derive(Debug, serde::Deserialize)]
struct QuoteMatch {
    verdict: String,
    doc_id: String,
    text: String,
    highlights: Vec<[usize; 2]>,
    differences: Vec<QuoteDifference>,
}

#[derive(Debug, serde::Deserialize)]
struct QuoteDifference {
    kind: String,
    found: Option<String>,
}

fn quote(dossier: &Dossier, quotation: &str) -> QuoteResults {
    let output = dossier
        .command(&["quote", quotation, "--json"])
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {output:?}"))
}

/// `dossier quote` finds a quotation typed without the marks its document writes. Those a
/// text may write or leave out (Hebrew points and cantillation, the dots of ё) leave it
/// verbatim; Greek accents are the spelling, as Latin ones are, and are shown as such,
/// unless the quotation is in capitals, which Greek sets without accents.
#[test]
fn a_quotation_typed_without_marks_is_found() {
    let dossier = marks_dossier();
    for (quotation, id) in [
        ("בראשית ברא אלהים את השמים ואת הארץ", "he-genesis-1"),
        (
            "Почему за самолетом в небе тянется белый хвост?",
            "ru-lekciya-dmitrieva",
        ),
    ] {
        let results = quote(&dossier, quotation);
        assert_eq!(results.verbatim_count, 1, "{quotation}: {results:?}");
        assert_eq!(results.matches[0].doc_id, id);
    }
    let results = quote(&dossier, "Ολοι οι ανθρωποι γεννιουνται ελευθεροι και ισοι");
    let found = &results.matches[0];
    assert_eq!(
        (found.verdict.as_str(), found.doc_id.as_str()),
        ("near", "el-udhr-excerpt")
    );
    // The words spelt alike are marked as found; each of the others is a spelling of the
    // word the quotation typed without its accent.
    let marked: Vec<&str> = found
        .highlights
        .iter()
        .map(|[s, e]| &found.text[*s..*e])
        .collect();
    assert_eq!(marked, ["οι", "και"]);
    let spelt: Vec<(&str, Option<&str>)> = found
        .differences
        .iter()
        .map(|d| (d.kind.as_str(), d.found.as_deref()))
        .collect();
    assert_eq!(
        spelt,
        ["Όλοι", "άνθρωποι", "γεννιούνται", "ελεύθεροι", "ίσοι"].map(|w| ("spelling", Some(w)))
    );
    // Greek set in capitals carries no accents: quoted so, as a headline would, it is the
    // text's own wording.
    let results = quote(&dossier, "ΟΛΟΙ ΟΙ ΑΝΘΡΩΠΟΙ ΓΕΝΝΙΟΥΝΤΑΙ ΕΛΕΥΘΕΡΟΙ ΚΑΙ ΙΣΟΙ");
    assert_eq!(results.verbatim_count, 1, "{results:?}");
    assert_eq!(results.matches[0].doc_id, "el-udhr-excerpt");
}
