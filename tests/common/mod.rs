//! Helpers shared by the integration tests: a corpus in a temporary folder, the real binary
//! run on it, and its JSON output read back into typed values.

#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde::Deserialize;

/// The JSON printed by `dossier search --json`, as documented in the README.
#[derive(Debug, Deserialize)]
pub struct Results {
    pub query: String,
    pub total_hits: usize,
    pub hits: Vec<Hit>,
}

#[derive(Debug, Deserialize)]
pub struct Hit {
    pub rank: usize,
    pub doc_id: String,
    pub path: String,
    pub title: String,
    pub score: f32,
    pub date: String,
    /// Absent for plain text.
    #[serde(default)]
    pub format: Option<String>,
    /// Only for a document inside a file: the ID of its container.
    #[serde(default)]
    pub container: Option<String>,
    /// Absent when the language is not known.
    #[serde(default)]
    pub lang: Option<String>,
    pub passages: Vec<Passage>,
}

#[derive(Debug, Deserialize)]
pub struct Passage {
    pub text: String,
    pub line: usize,
    pub start: usize,
    pub end: usize,
    pub highlights: Vec<[usize; 2]>,
    pub highlight_terms: Vec<String>,
    /// Only when a highlight is of another spelling of a name: the rule of each.
    #[serde(default)]
    pub highlight_variants: Option<Vec<Option<String>>>,
    /// Only in documents with pages.
    #[serde(default)]
    pub page: Option<usize>,
    /// Only in documents that label their pages otherwise than by counting them.
    #[serde(default)]
    pub page_label: Option<String>,
    /// Only when its last highlight is on a later page.
    #[serde(default)]
    pub last_page: Option<usize>,
    #[serde(default)]
    pub last_page_label: Option<String>,
    /// Only when true: the text was read from an image by OCR.
    #[serde(default)]
    pub ocr: bool,
}

impl Passage {
    pub fn highlighted(&self) -> Vec<&str> {
        self.highlights
            .iter()
            .map(|[s, e]| &self.text[*s..*e])
            .collect()
    }
}

impl Results {
    pub fn doc_ids(&self) -> Vec<&str> {
        self.hits.iter().map(|h| h.doc_id.as_str()).collect()
    }

    pub fn highlighted(&self) -> Vec<&str> {
        self.hits
            .iter()
            .flat_map(|h| h.passages.iter())
            .flat_map(|p| p.highlighted())
            .collect()
    }
}

/// A folder or file of the shared test data (`shared/data/`, beside the repository): real
/// documents nobody here wrote.
pub fn shared_data(path: &str) -> PathBuf {
    let found = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(path);
    assert!(
        found.exists(),
        "{} is missing: the shared test data must sit beside the repository",
        found.display()
    );
    found
}

/// A corpus and an index in a temporary folder.
pub struct Dossier {
    pub dir: tempfile::TempDir,
}

impl Dossier {
    /// A copy of the dossier shipped in `corpus/`.
    pub fn shipped() -> Dossier {
        let dossier = Dossier::empty();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        for entry in std::fs::read_dir(shipped).expect("shipped corpus") {
            let entry = entry.expect("corpus entry");
            std::fs::copy(entry.path(), dossier.corpus().join(entry.file_name()))
                .expect("copy corpus file");
        }
        dossier
    }

    /// Three copies of `text`, `a`, `b` and `c`, indexed so that the first ID is held last:
    /// `b` and `c` in one run, `a` in a later one (a segment of its own).
    pub fn copies_with_the_first_id_indexed_last(text: &str) -> Dossier {
        let dossier = Dossier::empty();
        dossier.write("c.txt", text);
        dossier.write("b.txt", text);
        assert!(dossier.index_run().status.success());
        dossier.write("a.txt", text);
        assert!(dossier.index_run().status.success());
        dossier
    }

    pub fn empty() -> Dossier {
        let dir = tempfile::tempdir().expect("temporary folder");
        std::fs::create_dir(dir.path().join("corpus")).expect("corpus folder");
        Dossier { dir }
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    pub fn write(&self, rel_path: &str, content: impl AsRef<[u8]>) {
        let path = self.corpus().join(rel_path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(path, content).expect("write corpus file");
    }

    pub fn file_bytes(&self, rel_path: &str) -> Vec<u8> {
        std::fs::read(self.corpus().join(rel_path)).expect("read corpus file")
    }

    /// `dossier ARGS --corpus C --index I`, run in the temporary folder.
    pub fn command(&self, args: &[&str]) -> Command {
        Command::from_std(self.process(args))
    }

    /// The same, as a process to start and watch while it runs.
    pub fn process(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"));
        command
            .current_dir(self.dir.path())
            .env_remove("NO_COLOR")
            .args(args)
            .arg("--corpus")
            .arg(self.corpus())
            .arg("--index")
            .arg(self.index());
        command
    }

    /// Runs dossier with `args` and its stdout closed at once, as `| head -0` would.
    pub fn run_into_closed_pipe(&self, args: &[&str]) -> std::process::Output {
        let mut child = self
            .process(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        child.wait_with_output().unwrap()
    }

    /// `(path, reason)` of every `dossier: skipped PATH: REASON` line of an index run.
    pub fn skipped(
        &self,
        output: &std::process::Output,
    ) -> std::collections::BTreeMap<String, String> {
        self.reported(output, "skipped")
    }

    /// `(path, note)` of every `dossier: note: PATH: NOTE` line of an index run.
    pub fn notes(
        &self,
        output: &std::process::Output,
    ) -> std::collections::BTreeMap<String, String> {
        self.reported(output, "note:")
    }

    /// `(path, what)` of every `dossier: KIND PATH: WHAT` line of an index run.
    fn reported(
        &self,
        output: &std::process::Output,
        kind: &str,
    ) -> std::collections::BTreeMap<String, String> {
        let prefix = format!("dossier: {kind} {}/", self.corpus().display());
        stderr_of(output)
            .lines()
            .filter_map(|line| line.strip_prefix(&prefix))
            .filter_map(|rest| rest.split_once(": "))
            .map(|(path, what)| (path.to_string(), what.to_string()))
            .collect()
    }

    pub fn index_run(&self) -> std::process::Output {
        self.command(&["index"])
            .output()
            .expect("run dossier index")
    }

    /// Runs a search with `--json` and reads the result back; checks the exit code agrees.
    pub fn search_json(&self, query: &str, extra: &[&str]) -> Results {
        let results: Results = self.search_json_as(query, extra, |r: &Results| r.total_hits);
        self.check_offsets(&results);
        results
    }

    /// Runs a search with `--json`, reads the one object back as `T`, and checks the exit
    /// code agrees with its `total_hits`.
    fn search_json_as<T: serde::de::DeserializeOwned>(
        &self,
        query: &str,
        extra: &[&str],
        total_hits: impl Fn(&T) -> usize,
    ) -> T {
        let mut args = vec!["search", query, "--json"];
        args.extend_from_slice(extra);
        let output = self.command(&args).output().expect("run dossier search");
        let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
        let results: T = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("one JSON object expected ({e}): {stdout}"));
        let expected_code = if total_hits(&results) > 0 { 0 } else { 1 };
        assert_eq!(output.status.code(), Some(expected_code), "exit code");
        results
    }

    /// What `dossier show ID` prints: the document's text as indexed.
    pub fn show(&self, id: &str) -> Vec<u8> {
        let output = self.command(&["show", id]).output().expect("show runs");
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        output.stdout
    }

    /// Every passage is the text's bytes `start..end` (the file's, for plain text; what
    /// `dossier show` prints, for other formats), on the line it says, with highlights
    /// sorted, apart and inside it.
    pub fn check_offsets(&self, results: &Results) {
        for hit in &results.hits {
            let bytes = match hit.format {
                None => self.file_bytes(&hit.path),
                Some(_) => self.show(&hit.doc_id),
            };
            for passage in &hit.passages {
                assert_eq!(
                    &bytes[passage.start..passage.end],
                    passage.text.as_bytes(),
                    "passage bytes of {}",
                    hit.path
                );
                let line = 1 + bytes[..passage.start]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                assert_eq!(passage.line, line, "line of passage in {}", hit.path);
                assert_eq!(passage.highlights.len(), passage.highlight_terms.len());
                let mut previous_end = 0;
                for [start, end] in &passage.highlights {
                    assert!(start < end && *end <= passage.text.len());
                    assert!(*start >= previous_end, "highlights sorted and apart");
                    previous_end = *end;
                }
            }
        }
    }
}

/// The summary line of an indexing run (`dossier: indexed … in N s`).
pub fn summary(output: &std::process::Output) -> String {
    stderr_of(output)
        .lines()
        .find(|line| line.starts_with("dossier: indexed"))
        .unwrap_or_default()
        .to_string()
}

pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A hit as `Hit`, with the `encoding` that documents decoded from another encoding have.
#[derive(Debug, Deserialize)]
pub struct DecodedHit {
    pub doc_id: String,
    pub path: String,
    pub title: String,
    #[serde(default)]
    pub encoding: Option<String>,
    pub passages: Vec<Passage>,
}

#[derive(Debug, Deserialize)]
pub struct DecodedResults {
    pub total_hits: usize,
    pub hits: Vec<DecodedHit>,
}

impl DecodedResults {
    pub fn doc_ids(&self) -> Vec<&str> {
        self.hits.iter().map(|h| h.doc_id.as_str()).collect()
    }
}

/// The 1-based line of byte `offset` of `text`, lines ending at `\n`, `\r\n` or a lone `\r`.
pub fn line_at(text: &[u8], offset: usize) -> usize {
    let before = &text[..offset];
    let lone_returns = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && text.get(i + 1) != Some(&b'\n'))
        .count();
    1 + before.iter().filter(|&&b| b == b'\n').count() + lone_returns
}

impl Dossier {
    /// Like `search_json`, for corpora whose files need not be UTF-8: every passage is
    /// checked against the file's text as its hit says to read it (the file's bytes when it
    /// has no `encoding`, else the file decoded from it), on the line it says, counting `\n`,
    /// `\r\n` and lone `\r`. Hits whose path is not the file's name (names that are not
    /// UTF-8, shown with U+FFFD) are checked by the caller.
    pub fn search_json_decoded(&self, query: &str, extra: &[&str]) -> DecodedResults {
        let results: DecodedResults =
            self.search_json_as(query, extra, |r: &DecodedResults| r.total_hits);
        for hit in results.hits.iter().filter(|h| !h.path.contains('\u{fffd}')) {
            let bytes = self.file_bytes(&hit.path);
            let text: Vec<u8> = match &hit.encoding {
                None => bytes,
                Some(name) => encoding_rs::Encoding::for_label(name.as_bytes())
                    .expect("a known encoding")
                    .decode_with_bom_removal(&bytes)
                    .0
                    .into_owned()
                    .into_bytes(),
            };
            for passage in &hit.passages {
                assert_eq!(
                    &text[passage.start..passage.end],
                    passage.text.as_bytes(),
                    "passage of {} ({:?})",
                    hit.path,
                    hit.encoding
                );
                assert_eq!(
                    passage.line,
                    line_at(&text, passage.start),
                    "line of passage in {}",
                    hit.path
                );
                for [start, end] in &passage.highlights {
                    assert!(start < end && *end <= passage.text.len());
                }
            }
        }
        results
    }
}
