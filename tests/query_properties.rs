//! Property tests of query robustness: random and adversarial queries (unbalanced quotes,
//! lone operators, huge slops, thousands of words, control characters, every script) and
//! quotations (ellipses, insertions, quotes of every style) go through parsing, search,
//! passage and highlight extraction and quotation checking, on an index of the shipped
//! corpus plus hostile documents (mixed scripts, combining marks, emoji, CRLF, very long
//! words, a long document read from its file).
//!
//! What must hold for every input: no panic; a malformed query is an error whose position is
//! a character of the query (or 0, nowhere); every passage is exactly the document's bytes
//! `start..end`, on character boundaries, on the line it says; its highlights are sorted,
//! apart, inside it and on character boundaries; a quotation's differences lie inside its
//! passage.
//!
//! Each property runs a few hundred cases by default; `PROPTEST_CASES=N` runs N per property,
//! each run with a new random seed. A long soak is best built with overflow checks and debug
//! assertions on (tantivy's included), in a target folder of its own:
//!
//! ```text
//! CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true \
//!   PROPTEST_CASES=2000 cargo test --release --target-dir target/checked \
//!   --test query_properties -- --nocapture --test-threads 1
//! ```
//!
//! `--nocapture` shows how many inputs each property tried.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use dossier::Error;
use dossier::highlight::matches::find_matches;
use dossier::highlight::passage::{Passage, best_passages};
use dossier::index::DossierIndex;
use dossier::index::schema::{Fields, build_schema};
use dossier::query::filter::Filters;
use dossier::query::variants::Variants;
use dossier::query::{QueryBuilder, normalize_quotes};
use dossier::quote::align;
use dossier::quote::{
    MAX_QUOTATION_WORDS, QuoteRequest, QuoteResults, check_quotation, parse_quotation,
};
use dossier::search::{SearchRequest, SearchResults, search};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

// ---------------------------------------------------------------------------------------
// The dossier searched: the shipped corpus and hostile documents, indexed once per run.

/// Words of many scripts, with combining marks, emoji sequences and letters whose folded
/// form has another length than the letter (İ, ẞ, the Kelvin sign, the ﬁ ligature).
const SCRIPTS: &[&str] = &[
    "Київ Харків Зеленський переговори",
    "Ελλάδα διαπραγματεύσεις ειρήνη",
    "السلام مفاوضات بوتين",
    "שלום משא ומתן",
    "和平谈判 普京 乌克兰 東京 ひらがな カタカナ",
    "평화 협상 대통령",
    "शांति वार्ता राष्ट्रपति",
    "สันติภาพ การเจรจา",
    "ሰላም ድርድር",
    "ශාන්තිය සාකච්ඡා",
    "e\u{301}te\u{301} cafe\u{301} n\u{303}o a\u{308}\u{304}\u{323}b",
    "👩‍👩‍👧‍👦 🇺🇦 🇷🇺 👍🏽 ❤\u{fe0f} 🏳\u{fe0f}\u{200d}🌈",
    "İstanbul ẞtraße K\u{212a}elvin ﬁnance Ǆemal ΐ ﬀ",
    "\u{200b}zero\u{200b}width \u{202e}reversed\u{202c} \u{feff}bom \u{a0}nbsp\u{a0}",
    "𝔐𝔞𝔱𝔥 𐍈𐌰𐌹𐍂 𓀀𓀁 𒀀",
];

/// Documents written to trip up offsets: each is indexed beside the shipped corpus.
fn hostile_documents() -> Vec<(&'static str, String)> {
    let scripts = SCRIPTS.join(". ");
    let long_word = "x".repeat(5000);
    let long_accented = "é".repeat(700);
    let long_emoji = "🇺🇦".repeat(300);
    vec![
        ("scripts.txt", format!("Scripts of the world\n\n{scripts}.\n")),
        (
            "crlf.txt",
            "Peace talks\r\n\r\nThe envoy met Putin.\r\nLone\rreturns\rhere. Presidents come\r\nand go.\r\n"
                .to_string(),
        ),
        (
            "long-words.txt",
            format!(
                "Long words\n\n{long_word} peace {long_accented} talks {long_emoji} envoy \
                 {long_word}{long_accented}.\n"
            ),
        ),
        (
            "bom.txt",
            "\u{feff}Witkoff memo\n\n“The United States does not … see us in NATO.” [sic] \
             Presidents come and go... and (…) even die.\n"
                .to_string(),
        ),
        (
            "no-spaces.txt",
            format!(
                "No spaces\n\n{}\n",
                "peace,talks;envoy—Putin/Київ·和平…".repeat(60)
            ),
        ),
        (
            "separators.txt",
            "Separators\u{2028}peace\u{2029}talks\u{85}envoy\u{b}Putin\u{c}Kyiv\u{1}Kiev\u{7f}end\n"
                .to_string(),
        ),
        ("long.txt", long_document(&scripts)),
        ("empty.txt", String::new()),
    ]
}

/// More than 64 KiB, so its passages are read from the file around the matches.
fn long_document(scripts: &str) -> String {
    let mut text = String::from("A long dossier\n\n");
    for copy in 0..40 {
        for file in shipped_files() {
            let part = std::fs::read_to_string(&file).expect("shipped corpus file");
            if copy % 2 == 1 {
                text.push_str(&part.replace('\n', "\r\n"));
            } else {
                text.push_str(&part);
            }
            text.push('\n');
        }
        text.push_str(scripts);
        // Lone carriage returns end lines too, as old Mac files have them.
        text.push_str("\rPresidents come\rand go.\r\n");
    }
    assert!(text.len() > 128 * 1024);
    text
}

fn shipped_files() -> Vec<PathBuf> {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(shipped)
        .expect("shipped corpus")
        .map(|entry| entry.expect("corpus entry").path())
        .collect();
    files.sort();
    files
}

struct Fixture {
    _dir: tempfile::TempDir,
    corpus: PathBuf,
    index: DossierIndex,
    fields: Fields,
    /// Every document's text by its path relative to the corpus.
    texts: HashMap<String, String>,
    /// The words of the dossier, as written.
    vocabulary: Vec<String>,
}

impl Fixture {
    /// A search request of `limit` documents and `passages` passages, without filters (the
    /// query is given to `search` already built).
    fn request(&self, limit: usize, passages: usize) -> SearchRequest {
        SearchRequest {
            limit,
            passages,
            filters: Filters::default(),
            ..SearchRequest::new("")
        }
    }
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary folder");
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).expect("corpus folder");
        let mut texts = HashMap::new();
        for file in shipped_files() {
            let name = file.file_name().expect("file name").to_string_lossy();
            let text = std::fs::read_to_string(&file).expect("shipped corpus file");
            std::fs::write(corpus.join(name.as_ref()), &text).expect("copy corpus file");
            texts.insert(name.into_owned(), text);
        }
        for (name, text) in hostile_documents() {
            std::fs::write(corpus.join(name), &text).expect("write hostile document");
            texts.insert(name.to_string(), text);
        }
        let index_dir = dir.path().join("index");
        dossier::update::update(&corpus, &index_dir, false, &()).expect("index the fixture");
        let index = DossierIndex::open(&index_dir).expect("open the fixture's index");
        let mut vocabulary: Vec<String> = texts
            .values()
            .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty() && w.len() < 40)
            .map(str::to_string)
            .collect();
        vocabulary.sort();
        vocabulary.dedup();
        let (_, fields) = build_schema();
        Fixture {
            _dir: dir,
            corpus,
            index,
            fields,
            texts,
            vocabulary,
        }
    })
}

// ---------------------------------------------------------------------------------------
// Running properties with a case count that an environment variable can raise.

/// Cases per property: `PROPTEST_CASES` if set, else `default`, a quarter of it in an
/// unoptimized build, where each case costs ten times more.
fn cases(default: u32) -> u32 {
    let default = if cfg!(debug_assertions) {
        (default / 4).max(1)
    } else {
        default
    };
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `test` on `cases` inputs of `strategy`, shrinking any failure to a minimal input,
/// and says how many inputs it tried (seen with `--nocapture`).
fn check<S: Strategy>(
    name: &str,
    default_cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let config = Config {
        cases: cases(default_cases),
        failure_persistence: None,
        // Rejections are not used; shrinking a failure may take many steps on long inputs.
        max_shrink_iters: 4096,
        ..Config::default()
    };
    let tried = AtomicUsize::new(0);
    let mut runner = TestRunner::new(config);
    let outcome = runner.run(&strategy, |value| {
        tried.fetch_add(1, Ordering::Relaxed);
        test(value)
    });
    eprintln!(
        "{name}: {} inputs tried (shrinking included); queries so far in this run: {} \
         searched, {} refused as malformed",
        tried.load(Ordering::Relaxed),
        SEARCHED.load(Ordering::Relaxed),
        REFUSED.load(Ordering::Relaxed),
    );
    if let Err(failure) = outcome {
        panic!("{name}: {failure}");
    }
}

// ---------------------------------------------------------------------------------------
// Strategies.

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(fixture().vocabulary.clone())
}

const OPERATORS: &[&str] = &[
    "AND", "OR", "NOT", "and", "or", "not", "+", "-", "(", ")", "\"", "“", "”", "„", "‟", "«", "»",
    "‘", "’", "‚", "‛", "'", "~", "^", "*", "?", ":", "[", "]", "{", "}", "\\", "/", "!", "&&",
    "||", "IN", "TO", "*:*", "-(", "+(", ")~2", "\"\"", "''", "“”", "\\\"", "\\'", "@", "#", "$",
    "%", "=", "<", ">", ">=", "<=", ",", ";", ".", "…", "...", "[...]", "[…]", "(…)",
];

const SUFFIXES: &[&str] = &[
    "*",
    "~",
    "~0",
    "~1",
    "~2",
    "~3",
    "~9",
    "~99999999999",
    "~4294967295",
    "~4294967296",
    "~-1",
    "~1.5",
    "~~",
    "**",
    "*~1",
    "~1*",
    "^2",
    "^0",
    "^-1",
    "^0.0001",
    "^1e39",
    "^1e308",
    "^NaN",
    "^inf",
    "^",
    ":",
    "’s",
    "'s",
    "'",
    "’",
    "\\",
];

const FIELDS: &[&str] = &[
    "title:", "body:", "text:", "id:", "path:", "Title:", "foo:", "title:(", "title:\"", ":",
    "title::", "id:*",
];

const CONTROLS: &[&str] = &[
    "\0",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\u{1b}",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{200b}",
    "\u{200d}",
    "\u{feff}",
    "\u{202e}",
    "\u{301}",
    "\u{fffd}",
    "\u{10ffff}",
    "\u{b}",
];

const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "99999999999",
    "18446744073709551616",
    "-1",
    "1e309",
    "0.5",
    "NaN",
    "٣",
    "Ⅻ",
];

const QUOTES: &[(&str, &str)] = &[
    ("\"", "\""),
    ("“", "”"),
    ("„", "“"),
    ("«", "»"),
    ("‘", "’"),
    ("'", "'"),
    ("\"", ""),
    ("", "\""),
    ("“", ""),
    ("‘", ""),
    ("＂", "＂"),
    ("〝", "〞"),
];

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(list).prop_map(str::to_string)
}

/// A word of the dossier, maybe capitalized or shouted, maybe with a suffix.
fn query_word() -> impl Strategy<Value = String> {
    (word(), 0..3u8, prop::option::weighted(0.3, pick(SUFFIXES))).prop_map(|(w, case, suffix)| {
        let w = match case {
            0 => w,
            1 => w.to_uppercase(),
            _ => w.to_lowercase(),
        };
        w + suffix.as_deref().unwrap_or("")
    })
}

/// A phrase in quotes of some style, maybe unbalanced, maybe with a slop or a star after.
fn quoted_phrase() -> impl Strategy<Value = String> {
    (
        prop::sample::select(QUOTES),
        prop::collection::vec(word(), 0..6),
        prop::option::weighted(0.4, pick(SUFFIXES)),
    )
        .prop_map(|((open, close), words, suffix)| {
            format!(
                "{open}{}{close}{}",
                words.join(" "),
                suffix.as_deref().unwrap_or("")
            )
        })
}

/// A stretch of a document's text, cut at arbitrary characters, maybe quoted: queries
/// and quotations that do match, across line breaks and punctuation.
fn text_stretch() -> impl Strategy<Value = String> {
    let texts: Vec<String> = {
        let mut names: Vec<&String> = fixture().texts.keys().collect();
        names.sort();
        names
            .into_iter()
            .map(|n| fixture().texts[n].clone())
            .filter(|t| !t.is_empty())
            .collect()
    };
    (
        prop::sample::select(texts),
        any::<prop::sample::Index>(),
        1..300usize,
    )
        .prop_map(|(text, at, length)| {
            let mut start = at.index(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + length).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text[start..end].to_string()
        })
}

/// One piece of a query.
fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => query_word(),
        3 => quoted_phrase(),
        3 => pick(OPERATORS),
        1 => (pick(FIELDS), query_word()).prop_map(|(f, w)| f + &w),
        1 => pick(FIELDS),
        2 => pick(CONTROLS),
        1 => pick(NUMBERS),
        2 => pick(SCRIPTS),
        2 => any::<char>().prop_map(String::from),
        1 => prop::collection::vec(any::<char>(), 1..8).prop_map(String::from_iter),
        1 => text_stretch(),
    ]
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&[" ", " ", " ", " ", "", "  ", "\t", "\n", "\u{3000}"][..])
}

/// A query of up to a dozen pieces, anything goes: most are malformed.
fn wild_query() -> impl Strategy<Value = String> {
    prop::collection::vec((atom(), separator()), 0..12).prop_map(|pieces| {
        pieces
            .into_iter()
            .map(|(atom, sep)| atom + sep)
            .collect::<String>()
    })
}

/// A query as the grammar wants it, with every construct it has, nested: most are searched.
fn well_formed_query() -> impl Strategy<Value = String> {
    let valid_suffix =
        prop::sample::select(&["", "", "", "", "*", "~", "~1", "~2", "^2", "^0.5", "’s"][..]);
    let keyword = (word(), valid_suffix).prop_map(|(w, suffix)| w + suffix);
    let phrase = (
        prop::sample::select(&QUOTES[..6]),
        prop::collection::vec(word(), 1..6),
        prop::sample::select(&["", "", "*", "~1", "~3", "~255", "~256", "^3"][..]),
    )
        .prop_map(|((open, close), words, suffix)| {
            format!("{open}{}{close}{suffix}", words.join(" "))
        });
    let field = prop::sample::select(&["", "", "", "title:", "body:", "text:", "id:"][..]);
    let leaf = prop_oneof![
        3 => (field.clone(), keyword).prop_map(|(f, k)| format!("{f}{k}")),
        2 => (field, phrase).prop_map(|(f, p)| format!("{f}{p}")),
        1 => Just("*".to_string()),
    ];
    let occur = prop::sample::select(&["", "", "", "+", "-", "NOT "][..]);
    let clause = (occur, leaf).prop_map(|(o, l)| format!("{o}{l}"));
    clause.prop_recursive(3, 24, 6, |inner| {
        (
            prop::collection::vec(inner, 1..6),
            prop::sample::select(&[" ", " AND ", " OR "][..]),
            prop::sample::select(&["", "+", "-", "NOT "][..]),
            any::<bool>(),
        )
            .prop_map(|(clauses, join, occur, bracket)| {
                let joined = clauses.join(join);
                if bracket {
                    format!("{occur}({joined})")
                } else {
                    joined
                }
            })
    })
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![wild_query(), well_formed_query()]
}

/// Thousands of words, as keywords (some fuzzy or prefixes), as one phrase, or as one
/// phrase with the largest slop; most of them valid, so that they are searched.
fn huge_query() -> impl Strategy<Value = String> {
    let keyword = (
        word(),
        prop::sample::select(&["", "", "", "", "", "", "*", "~1", "~2", "^2"][..]),
    )
        .prop_map(|(w, suffix)| w + suffix);
    (
        prop::collection::vec(keyword, 1000..4000),
        prop::collection::vec(word(), 1000..4000),
        0..4u8,
    )
        .prop_map(|(keywords, words, shape)| {
            let (keywords, words) = (keywords.join(" "), words.join(" "));
            match shape {
                0 => keywords,
                1 => format!("\"{words}\""),
                2 => format!("\"{words}\"~255"),
                _ => format!("\"{words}\"~99999999999 OR {keywords}"),
            }
        })
}

const QUOTE_MARKERS: &[&str] = &[
    "…",
    "...",
    "....",
    "..",
    ". . .",
    "[...]",
    "[…]",
    "[ … ]",
    "(...)",
    "(…)",
    "[",
    "]",
    "[]",
    "[the president]",
    "[sic]",
    "[[",
    "]]",
    "[…",
    "(…",
    "[.]",
    "“",
    "”",
    "\"",
    "'",
    "‘",
    "’",
    "«",
    "»",
    "„",
    "—",
    "–",
    "-",
];

/// A quotation as a reporter might paste one, or garbage.
fn quotation() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => word(),
        3 => pick(QUOTE_MARKERS),
        3 => text_stretch(),
        1 => pick(CONTROLS),
        1 => pick(SCRIPTS),
        1 => any::<char>().prop_map(String::from),
        1 => prop::collection::vec(any::<char>(), 1..8).prop_map(String::from_iter),
    ];
    prop::collection::vec((piece, separator()), 0..16).prop_map(|pieces| {
        pieces
            .into_iter()
            .map(|(piece, sep)| piece + sep)
            .collect::<String>()
    })
}

/// Text of any script and shape, for the checks that need no index.
fn any_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => word(),
        2 => pick(SCRIPTS),
        2 => pick(CONTROLS),
        2 => pick(QUOTE_MARKERS),
        2 => any::<char>().prop_map(String::from),
        1 => text_stretch(),
        1 => (word(), 1..200usize).prop_map(|(w, n)| w.repeat(n)),
    ];
    prop::collection::vec((piece, separator()), 0..40).prop_map(|pieces| {
        pieces
            .into_iter()
            .map(|(piece, sep)| piece + sep)
            .collect::<String>()
    })
}

// ---------------------------------------------------------------------------------------
// What must hold.

/// A query error points at a character of the query, or nowhere (0).
fn check_error(query: &str, error: &Error) -> Result<(), TestCaseError> {
    match error {
        Error::Query { position, message } => {
            let length = query.chars().count();
            prop_assert!(
                *position <= length,
                "position {position} past the query's {length} characters: {message}"
            );
            prop_assert!(!message.is_empty());
            Ok(())
        }
        other => Err(TestCaseError::fail(format!("not a query error: {other}"))),
    }
}

/// A passage is the text's bytes `start..end`, on the line it says, with highlights sorted,
/// apart, non-empty and on character boundaries inside it.
fn check_passage(text: &str, passage: &Passage, terms: usize) -> Result<(), TestCaseError> {
    prop_assert!(passage.start <= passage.end && passage.end <= text.len());
    prop_assert!(text.is_char_boundary(passage.start) && text.is_char_boundary(passage.end));
    prop_assert_eq!(&text[passage.start..passage.end], passage.text.as_str());
    let before = &text.as_bytes()[..passage.start];
    let line = 1
        + before.iter().filter(|&&b| b == b'\n').count()
        + before
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n'))
            .count();
    prop_assert_eq!(
        passage.line,
        line,
        "line of the passage at {}",
        passage.start
    );
    let mut previous_end = 0;
    for h in &passage.highlights {
        prop_assert!(h.start < h.end, "empty highlight {:?}", h);
        prop_assert!(h.start >= previous_end, "highlights sorted and apart");
        prop_assert!(h.end <= passage.text.len(), "highlight past the passage");
        prop_assert!(
            passage.text.is_char_boundary(h.start) && passage.text.is_char_boundary(h.end),
            "highlight inside a character"
        );
        prop_assert!(h.term < terms.max(1), "highlight of no clause");
        previous_end = h.end;
    }
    Ok(())
}

fn check_search(results: &SearchResults, passages: usize) -> Result<(), TestCaseError> {
    let texts = &fixture().texts;
    for hit in &results.hits {
        prop_assert!(hit.passages.len() <= passages);
        let Some(text) = texts.get(&hit.path) else {
            return Err(TestCaseError::fail(format!("unknown path {}", hit.path)));
        };
        for passage in &hit.passages {
            check_passage(text, passage, results.terms.len())?;
        }
    }
    Ok(())
}

fn check_quote(results: &QuoteResults) -> Result<(), TestCaseError> {
    let texts = &fixture().texts;
    for found in &results.matches {
        let Some(text) = texts.get(&found.path) else {
            return Err(TestCaseError::fail(format!("unknown path {}", found.path)));
        };
        check_passage(text, &found.passage, 1)?;
        prop_assert!((0.0..=1.0).contains(&found.similarity));
        let shown = &found.passage.text;
        for difference in &found.differences {
            prop_assert!(difference.start <= difference.end && difference.end <= shown.len());
            prop_assert!(
                shown.is_char_boundary(difference.start) && shown.is_char_boundary(difference.end)
            );
            if let Some(words) = &difference.found {
                prop_assert_eq!(&shown[difference.start..difference.end], words.as_str());
            }
        }
    }
    Ok(())
}

/// How many generated queries were searched, and how many refused as malformed: a
/// generator whose queries are all refused would test only the parser.
static SEARCHED: AtomicUsize = AtomicUsize::new(0);
static REFUSED: AtomicUsize = AtomicUsize::new(0);

/// Parses and runs `query` as the `search` command does, with or without fuzzy words and
/// name variants, and checks what comes back.
fn search_query(query: &str, fuzzy: bool, variants: bool) -> Result<(), TestCaseError> {
    let fixture = fixture();
    let mut builder = QueryBuilder::new(&fixture.fields).fuzzy_words(fuzzy);
    if variants {
        let searcher = fixture.index.reader().expect("reader").searcher();
        let variants = Variants::for_corpus(&fixture.corpus).expect("variants");
        builder = builder.variants(variants.in_index(searcher, fixture.fields.body_exact));
    }
    let parsed = match builder.parse(query) {
        Ok(parsed) => parsed,
        Err(error) => {
            REFUSED.fetch_add(1, Ordering::Relaxed);
            return check_error(query, &error);
        }
    };
    SEARCHED.fetch_add(1, Ordering::Relaxed);
    let passages = 3;
    let request = fixture.request(20, passages);
    let results = search(&fixture.index, &parsed, &request, &fixture.corpus)
        .map_err(|e| TestCaseError::fail(format!("search failed: {e}")))?;
    check_search(&results, passages)
}

fn quote_text(text: &str) -> Result<(), TestCaseError> {
    let fixture = fixture();
    let request = QuoteRequest {
        limit: 5,
        min_similarity: 0.0,
        ..QuoteRequest::new(text)
    };
    let variants = Variants::for_corpus(&fixture.corpus).expect("variants");
    match check_quotation(&fixture.index, &request, &variants, &fixture.corpus) {
        Ok(results) => check_quote(&results),
        Err(Error::Usage(_)) => {
            let words = parse_quotation(text).words.len();
            prop_assert!(words == 0 || words > MAX_QUOTATION_WORDS);
            Ok(())
        }
        Err(other) => Err(TestCaseError::fail(format!("quote failed: {other}"))),
    }
}

// ---------------------------------------------------------------------------------------
// The properties.

#[test]
fn random_queries_parse_search_and_highlight_without_panic() {
    check(
        "random queries",
        256,
        (query(), any::<bool>(), any::<bool>()),
        |(query, fuzzy, variants)| search_query(&query, fuzzy, variants),
    );
}

#[test]
fn stretches_of_the_text_searched_as_phrases_have_exact_passages() {
    check(
        "text stretches",
        128,
        (text_stretch(), prop::sample::select(QUOTES), any::<bool>()),
        |(stretch, (open, close), fuzzy)| {
            search_query(&format!("{open}{stretch}{close}"), fuzzy, true)
        },
    );
}

/// A hit is there to be cited: for words, fuzzy words, prefixes and phrases (no fields, no
/// exclusions, no `*`), every hit shows at least one passage with a highlight.
#[test]
fn every_hit_of_words_has_a_highlighted_passage() {
    let clause = prop_oneof![
        4 => (word(), prop::sample::select(&["", "", "*", "~", "~1", "~2"][..]))
            .prop_map(|(w, suffix)| w + suffix),
        1 => text_stretch().prop_map(|t| format!("\"{}\"", t.replace('"', " "))),
    ];
    check(
        "cited hits",
        64,
        (prop::collection::vec(clause, 1..4), any::<bool>()),
        |(clauses, fuzzy)| {
            let query = clauses.join(" ");
            let fixture = fixture();
            let Ok(parsed) = QueryBuilder::new(&fixture.fields)
                .fuzzy_words(fuzzy)
                .parse(&query)
            else {
                return Ok(());
            };
            let request = fixture.request(20, 1);
            let results = search(&fixture.index, &parsed, &request, &fixture.corpus)
                .map_err(|e| TestCaseError::fail(format!("search failed: {e}")))?;
            for hit in &results.hits {
                prop_assert!(
                    hit.passages.iter().any(|p| !p.highlights.is_empty()),
                    "{} has no passage for {:?} (fuzzy: {})",
                    hit.path,
                    query,
                    fuzzy
                );
            }
            Ok(())
        },
    );
}

/// Found by the check above: `--fuzzy underlying` found "under" by its stem, but only
/// highlighted words within two edits of "underlying", so the hit had no passage.
#[test]
fn a_fuzzy_word_highlights_the_inflections_it_finds() {
    let fixture = fixture();
    for query in ["underlying", "underlying~2"] {
        let parsed = QueryBuilder::new(&fixture.fields)
            .fuzzy_words(true)
            .parse(query)
            .expect("a query");
        let request = fixture.request(20, 1);
        let results = search(&fixture.index, &parsed, &request, &fixture.corpus).expect("search");
        assert!(
            results.hits.len() >= 3,
            "{query}: {} hits",
            results.hits.len()
        );
        for hit in &results.hits {
            assert!(
                !hit.passages.is_empty(),
                "{query}: no passage in {}",
                hit.path
            );
        }
    }
}

/// Found by the long run: `İstanbul` folds to `i̇stanbul`, with a combining dot, and the
/// highlighter, stemming the folded word again, never matched it: no passage, in the long
/// document or the short one.
#[test]
fn a_word_with_a_dotted_capital_i_is_highlighted() {
    let fixture = fixture();
    let parsed = QueryBuilder::new(&fixture.fields)
        .parse("İstanbul")
        .expect("a query");
    let request = fixture.request(20, 1);
    let results = search(&fixture.index, &parsed, &request, &fixture.corpus).expect("search");
    assert_eq!(results.hits.len(), 2);
    for hit in &results.hits {
        assert!(!hit.passages.is_empty(), "no passage in {}", hit.path);
    }
}

#[test]
fn queries_of_thousands_of_words_and_huge_slops_finish() {
    check(
        "huge queries",
        6,
        (huge_query(), any::<bool>()),
        |(query, fuzzy)| search_query(&query, fuzzy, true),
    );
}

#[test]
fn random_quotations_are_checked_without_panic() {
    check("random quotations", 128, quotation(), |text| {
        quote_text(&text)
    });
}

#[test]
fn quotations_of_thousands_of_words_finish() {
    let long = (
        prop::collection::vec((word(), pick(QUOTE_MARKERS)), 300..1200),
        any::<bool>(),
    )
        .prop_map(|(pieces, markers)| {
            pieces
                .into_iter()
                .map(|(w, m)| {
                    if markers {
                        format!("{w} {m} ")
                    } else {
                        w + " "
                    }
                })
                .collect::<String>()
        });
    check("huge quotations", 4, long, |text| quote_text(&text));
}

/// Without an index: any query's clauses matched in any text give passages and highlights
/// that hold, and quotations of any text parse into consistent words.
#[test]
fn any_text_with_any_query_gives_exact_passages() {
    let (_, fields) = build_schema();
    check(
        "text × query",
        512,
        (any_text(), query(), 1..4usize),
        |(text, query, limit)| {
            let Ok(parsed) = QueryBuilder::new(&fields).fuzzy_words(true).parse(&query) else {
                return Ok(());
            };
            let matches = find_matches(&text, &parsed.terms);
            for m in &matches {
                prop_assert!(m.start < m.end && m.end <= text.len());
                prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
                prop_assert!(m.term < parsed.terms.len());
            }
            let weights = vec![1.0; parsed.terms.len()];
            let passages = best_passages(&text, &matches, &weights, limit);
            prop_assert!(passages.len() <= limit);
            for passage in &passages {
                check_passage(&text, passage, parsed.terms.len())?;
            }
            Ok(())
        },
    );
}

#[test]
fn quotations_of_any_text_parse_consistently() {
    check("quotation parsing", 1024, quotation(), |text| {
        let parsed = parse_quotation(&text);
        let n = parsed.words.len();
        prop_assert_eq!(parsed.originals.len(), n);
        prop_assert_eq!(parsed.gap_before.len(), n);
        let mut next = 0;
        for piece in &parsed.pieces {
            prop_assert_eq!(piece.start, next, "pieces cover the words in order");
            prop_assert!(piece.start < piece.end);
            next = piece.end;
        }
        prop_assert_eq!(next, n);
        let free: Vec<bool> = parsed.gap_before.iter().map(|&g| g > 0).collect();
        let doc: Vec<&str> = parsed.words.iter().rev().map(String::as_str).collect();
        if let Some(alignment) = align::align(&parsed.words, &doc, &free, &|_, _| false) {
            prop_assert!(alignment.first_doc <= alignment.last_doc);
            prop_assert!(alignment.last_doc < doc.len());
        }
        Ok(())
    });
}

#[test]
fn quote_normalization_keeps_every_other_character() {
    let kept = |s: &str| -> String {
        s.chars()
            .filter(|c| !"\"'\\“”„‟«»＂〝〞「」『』‘’‚‛".contains(*c))
            .collect()
    };
    // Found by a run of the property below: 「 is a quotation mark too.
    for query in ["「 ", "『talks』 don’t"] {
        assert_eq!(kept(query), kept(&normalize_quotes(query)), "{query}");
    }
    check("quote normalization", 1024, query(), |query| {
        prop_assert_eq!(kept(&query), kept(&normalize_quotes(&query)));
        Ok(())
    });
}

/// Found by the long run with debug assertions: tantivy's phrase scorer asserted that an
/// exclusion never seeks behind it, and a debug build panicked.
#[test]
fn an_excluded_phrase_that_never_matches_does_not_panic() {
    for query in [
        "-\"13 13\"",
        "peace -(\"13 13\")",
        "-\"13 13\"~2",
        "-\"13 13 13\"*",
        "-(13’s)",
    ] {
        search_query(query, false, false).unwrap_or_else(|e| panic!("{query}: {e}"));
    }
}

/// Found while running the binary on the cases above: `--limit` and `--passages` of
/// `usize::MAX` made tantivy and the passage list reserve room for that many and panic.
#[test]
fn the_largest_limits_are_no_panic() {
    let fixture = fixture();
    let parsed = QueryBuilder::new(&fixture.fields)
        .parse("peace")
        .expect("a query");
    let request = fixture.request(usize::MAX, usize::MAX);
    let results = search(&fixture.index, &parsed, &request, &fixture.corpus).expect("search");
    assert_eq!(results.hits.len(), results.total_hits);
    check_search(&results, usize::MAX).expect("exact passages");
    for limit in [usize::MAX, usize::MAX / 2] {
        let request = QuoteRequest {
            limit,
            min_similarity: 0.0,
            ..QuoteRequest::new("peace talks")
        };
        let results = check_quotation(&fixture.index, &request, &Variants::none(), &fixture.corpus)
            .expect("quote");
        check_quote(&results).expect("exact passages");
    }
}
