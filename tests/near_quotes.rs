//! `dossier quote` finds near quotations of real sentences, whatever the one change made to
//! them, and finds nothing for words strung together from unrelated documents.
//!
//! Sentences are taken from one dossier of the shipped articles, two long speeches
//! (`tests/data/speeches/`) and the CISI and CACM abstracts (`../shared/data/`), half of
//! them from the long documents, and quoted in six ways: as they stand,
//! with a word changed, dropped, added, or two neighbours swapped, and as words drawn from
//! as many unrelated documents. At least 99% of each kind must come out right. Run on
//! another folder of documents with `DOSSIER_QUOTE_CORPUS=DIR` (and `DOSSIER_QUOTE_SAMPLES=N`
//! sentences a kind) for a measurement; the test then prints each kind's score.

mod common;

use std::path::{Path, PathBuf};

use common::{Dossier, stderr_of};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct QuoteResults {
    matches: Vec<QuoteMatch>,
}

#[derive(Debug, Deserialize)]
struct QuoteMatch {
    verdict: String,
    doc_id: String,
}

/// How many of the slowest checks a run prints, for a measurement.
const SLOWEST_SHOWN: usize = 5;

/// A document of at least this many bytes is long.
const LONG_DOCUMENT_BYTES: usize = 16 * 1024;

/// A small deterministic random sequence (xorshift), so a failure can be run again.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// The sentences of a text that have from 8 to 40 words separated by spaces.
fn sentences(text: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        current.push(word.to_string());
        if word.ends_with(['.', '!', '?']) {
            if (8..=40).contains(&current.len()) {
                found.push(std::mem::take(&mut current));
            }
            current.clear();
        }
    }
    found
}

/// Letters and digits only: a word that the index keeps as one word.
fn is_plain(word: &str) -> bool {
    word.chars().count() >= 3 && word.chars().all(char::is_alphanumeric)
}

struct Document {
    id: String,
    text: String,
}

fn documents(corpus: &Path) -> Vec<Document> {
    let mut found = Vec::new();
    for entry in walkdir(corpus) {
        let Ok(text) = std::fs::read_to_string(&entry) else {
            continue;
        };
        let id = entry
            .strip_prefix(corpus)
            .expect("below the corpus")
            .with_extension("")
            .to_string_lossy()
            .into_owned();
        found.push(Document { id, text });
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("read corpus folder")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walkdir(&path));
        } else if path.extension().is_some_and(|e| e == "txt") {
            files.push(path);
        }
    }
    files
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    AsItStands,
    Changed,
    Dropped,
    Added,
    Swapped,
    Unrelated,
}

const KINDS: [Kind; 6] = [
    Kind::AsItStands,
    Kind::Changed,
    Kind::Dropped,
    Kind::Added,
    Kind::Swapped,
    Kind::Unrelated,
];

/// A quotation of `kind` made from `sentence`, with `random` choices and `other` words.
fn perturbed(
    kind: Kind,
    sentence: &[String],
    random: &mut Random,
    mut other: impl FnMut(&mut Random) -> String,
) -> Vec<String> {
    let mut words = sentence.to_vec();
    // Inside the sentence, so the change is not at an edge the alignment may trim.
    let inner = 1 + random.below(words.len() - 2);
    match kind {
        Kind::AsItStands => {}
        Kind::Changed => words[inner] = other(random),
        Kind::Dropped => {
            words.remove(inner);
        }
        Kind::Added => words.insert(inner, other(random)),
        Kind::Swapped => words.swap(inner, inner + 1),
        Kind::Unrelated => {
            words = (0..sentence.len()).map(|_| other(random)).collect();
        }
    }
    words
}

fn quote(dossier: &Dossier, text: &str) -> QuoteResults {
    // A leading space: a quotation that starts with `-` is not read as an option.
    let output = dossier
        .command(&["quote", &format!(" {text}"), "--json", "--no-refresh"])
        .output()
        .expect("run dossier quote");
    serde_json::from_str(&String::from_utf8_lossy(&output.stdout))
        .unwrap_or_else(|e| panic!("{text}: JSON expected ({e}): {}", stderr_of(&output)))
}

/// Whether the answer to a quotation of `kind` of `sentence` is right: found in a document
/// that holds the sentence (boilerplate stands in many), verbatim when it was unchanged.
fn is_right(
    kind: Kind,
    sentence: &[String],
    results: &QuoteResults,
    documents: &[Document],
) -> bool {
    let holds_sentence = |id: &str| {
        documents
            .binary_search_by(|d| d.id.as_str().cmp(id))
            .is_ok_and(|at| {
                let words: Vec<&str> = documents[at].text.split_whitespace().collect();
                words.windows(sentence.len()).any(|w| w == sentence)
            })
    };
    match kind {
        Kind::Unrelated => results.matches.is_empty(),
        Kind::AsItStands => results
            .matches
            .iter()
            .any(|m| m.verdict == "verbatim" && holds_sentence(&m.doc_id)),
        _ => results.matches.iter().any(|m| holds_sentence(&m.doc_id)),
    }
}

#[test]
fn near_quotations_of_real_sentences_are_found_and_unrelated_words_are_not() {
    let dossier = match std::env::var_os("DOSSIER_QUOTE_CORPUS") {
        Some(corpus) => {
            let dossier = Dossier::empty();
            std::fs::remove_dir(dossier.corpus()).expect("empty corpus folder");
            std::os::unix::fs::symlink(std::path::absolute(corpus).unwrap(), dossier.corpus())
                .expect("link the corpus");
            dossier
        }
        None => {
            let dossier = Dossier::shipped();
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            for entry in std::fs::read_dir(root.join("tests/data/speeches")).expect("speeches") {
                let path = entry.expect("speech").path();
                if path.extension().is_some_and(|e| e == "txt") {
                    let name = path.file_name().expect("file name").to_string_lossy();
                    dossier.write(&name, std::fs::read(&path).expect("read a speech"));
                }
            }
            for collection in ["cisi", "cacm"] {
                let docs = common::shared_data(collection).join("docs");
                for entry in std::fs::read_dir(&docs).unwrap_or_else(|e| {
                    panic!("{} (the shared test data) is readable: {e}", docs.display())
                }) {
                    let entry = entry.expect("collection entry");
                    dossier.write(
                        &format!("{collection}/{}", entry.file_name().to_string_lossy()),
                        std::fs::read(entry.path()).expect("read a document"),
                    );
                }
            }
            dossier
        }
    };
    let indexed = dossier.index_run();
    assert!(
        indexed.status.code().is_some_and(|code| code <= 1),
        "{}",
        stderr_of(&indexed)
    );
    let samples: usize = std::env::var("DOSSIER_QUOTE_SAMPLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let documents = documents(&dossier.corpus());
    // Every sentence with where it stands, and apart those of long documents, where a near
    // quotation is hardest to find: every other sample is drawn from them.
    let mut pool: Vec<(usize, Vec<String>)> = Vec::new();
    let mut long_pool: Vec<(usize, Vec<String>)> = Vec::new();
    for (d, document) in documents.iter().enumerate() {
        let found = sentences(&document.text).into_iter().map(|s| (d, s));
        if document.text.len() >= LONG_DOCUMENT_BYTES {
            long_pool.extend(found);
        } else {
            pool.extend(found);
        }
    }
    assert!(!long_pool.is_empty() && !pool.is_empty());
    let words: Vec<(usize, &str)> = documents
        .iter()
        .enumerate()
        .flat_map(|(d, doc)| doc.text.split_whitespace().map(move |w| (d, w)))
        .filter(|(_, w)| is_plain(w))
        .collect();
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut wrong: Vec<String> = Vec::new();
    let mut report = Vec::new();
    let mut slowest: Vec<(std::time::Duration, String)> = Vec::new();
    let mut total = std::time::Duration::ZERO;
    for kind in KINDS {
        let mut right = 0;
        for sample in 0..samples {
            let from = if sample % 2 == 0 { &long_pool } else { &pool };
            let (source, sentence) = &from[random.below(from.len())];
            // A word from another document: changed, added, or all of an unrelated quote.
            let mut used = Vec::new();
            let other = |random: &mut Random| loop {
                let (d, word) = words[random.below(words.len())];
                if d != *source && !used.contains(&d) {
                    used.push(d);
                    return word.to_string();
                }
            };
            let quotation = perturbed(kind, sentence, &mut random, other).join(" ");
            let started = std::time::Instant::now();
            let results = quote(&dossier, &quotation);
            let took = started.elapsed();
            total += took;
            slowest.push((took, quotation.clone()));
            slowest.sort_by_key(|(took, _)| std::cmp::Reverse(*took));
            slowest.truncate(SLOWEST_SHOWN);
            if is_right(kind, sentence, &results, &documents) {
                right += 1;
            } else {
                wrong.push(format!(
                    "{kind:?} of {}: {quotation:?} -> {:?}",
                    documents[*source].id,
                    results
                        .matches
                        .iter()
                        .map(|m| (&m.verdict, &m.doc_id))
                        .collect::<Vec<_>>()
                ));
            }
        }
        report.push((kind, right));
        println!("{kind:?}: {right} of {samples} right");
    }
    println!(
        "a quotation checked in {:?} on average (the process included); the slowest:",
        total / (samples * KINDS.len()) as u32
    );
    for (took, quotation) in &slowest {
        println!("  {took:?} {quotation:?}");
    }
    println!("{}", wrong.join("\n"));
    for (kind, right) in report {
        assert!(
            right * 100 >= samples * 99,
            "{kind:?}: {right} of {samples} right; wrong:\n{}",
            wrong.join("\n")
        );
    }
}
