//! The lines a front end writes to stderr (each to follow `dossier: `): what the engine did
//! on the way to an answer, and what to know about the answer itself.

use std::path::Path;

use crate::engine::Notice;
use crate::extract::MissingProgram;
use crate::quote::QuoteResults;
use crate::search::SearchResults;
use crate::update::IndexSummary;

/// The corpus folder a command reads when not given `--corpus`.
pub const DEFAULT_CORPUS: &str = "corpus";

/// The index folder a command uses when not given `--index`.
pub const DEFAULT_INDEX: &str = "index";

/// `line` with each dossier command it suggests (`dossier index --rebuild`) naming the
/// corpus and index it is about, where they are not the defaults: run as printed, the
/// command acts on them, not on `./index`.
pub fn naming_location(line: &str, corpus: &Path, index_dir: &Path) -> String {
    let mut flags = String::new();
    if corpus != Path::new(DEFAULT_CORPUS) {
        flags += &format!(" --corpus {}", shell_word(corpus));
    }
    if index_dir != Path::new(DEFAULT_INDEX) {
        flags += &format!(" --index {}", shell_word(index_dir));
    }
    let mut named = line.to_string();
    if !flags.is_empty() {
        for command in ["`dossier index", "`dossier serve", "`dossier watch"] {
            named = named.replace(command, &format!("{command}{flags}"));
        }
    }
    named
}

/// `path` as one word of a shell command: as it is when that is safe, else in single quotes.
fn shell_word(path: &Path) -> String {
    let text = path.to_string_lossy();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || "/._-+,:@%".contains(c));
    if plain {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The lines that say `notice`, for the dossier in `corpus` indexed in `index_dir`.
pub fn notice_lines(notice: &Notice, corpus: &Path, index_dir: &Path) -> Vec<String> {
    let lines = notice_lines_as_written(notice, corpus, index_dir);
    lines
        .iter()
        .map(|line| naming_location(line, corpus, index_dir))
        .collect()
}

fn notice_lines_as_written(notice: &Notice, corpus: &Path, index_dir: &Path) -> Vec<String> {
    let (corpus_name, index_name) = (corpus.display(), index_dir.display());
    match notice {
        Notice::NoIndexYet { list_lost: false } => vec![format!(
            "no index yet in '{index_name}'; building it from '{corpus_name}'"
        )],
        Notice::NoIndexYet { list_lost: true } => vec![format!(
            "the index in '{index_name}' has lost the list of its segments (meta.json: a \
             rebuild interrupted, or the file removed); building it anew from '{corpus_name}'"
        )],
        Notice::CorpusChanged {
            new_or_modified,
            removed,
        } => vec![format!(
            "{corpus_name} changed since the last index ({new_or_modified} new or modified, \
             {removed} removed); updating it"
        )],
        Notice::AnsweringFromLastCommit { holder } => vec![format!(
            "the index in '{index_name}' is being updated by {}; answering from its last commit",
            crate::error::holder_name(*holder)
        )],
        Notice::Indexed(summary) => summary_lines(summary, corpus, index_dir),
        Notice::SlowCorpusCheck { files, took } => vec![format!(
            "checking the {files} files of {corpus_name} for changes took {:.1} s of this \
             search; run `dossier serve` (or `dossier watch`) on this corpus in another \
             terminal and searches skip that check (said once for this index)",
            took.as_secs_f64()
        )],
    }
}

/// An update's notes, skipped files and summary line.
fn summary_lines(summary: &IndexSummary, corpus: &Path, index_dir: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(found) = summary.rebuilt_outdated {
        lines.push(format!(
            "the index in '{}' was written by an older version of dossier (schema {found}); rebuilt it",
            index_dir.display()
        ));
    }
    for noted in &summary.notes {
        lines.push(format!(
            "note: {}: {}",
            corpus.join(&noted.path).display(),
            noted.note
        ));
    }
    // A missing program is named once, with the files it kept from being read.
    let mut unread: Vec<(&MissingProgram, Vec<&str>)> = Vec::new();
    for skipped in &summary.skipped {
        match &skipped.missing_program {
            Some(missing) => match unread.iter_mut().find(|(seen, _)| *seen == missing) {
                Some((_, paths)) => paths.push(&skipped.path),
                None => unread.push((missing, vec![&skipped.path])),
            },
            None => lines.push(format!(
                "skipped {}: {}",
                corpus.join(&skipped.path).display(),
                skipped.reason
            )),
        }
    }
    for (missing, paths) in unread {
        lines.push(missing_program_line(missing, &paths, corpus));
    }
    lines.push(format!(
        "indexed {} into {}: {} added, {} updated, {} removed, {} unchanged, {} skipped ({} other files ignored) in {:.2} s",
        corpus.display(),
        index_dir.display(),
        summary.added,
        summary.updated,
        summary.removed,
        summary.unchanged,
        summary.skipped.len(),
        summary.ignored,
        summary.elapsed.as_secs_f64()
    ));
    lines
}

/// The files shown by name when a missing program kept more from being read.
const UNREAD_NAMED: usize = 5;

/// `pdftotext is not installed, so 3 files were not read: …`, with how to install it and
/// read them.
fn missing_program_line(missing: &MissingProgram, paths: &[&str], corpus: &Path) -> String {
    let mut named = paths
        .iter()
        .take(UNREAD_NAMED)
        .map(|path| corpus.join(path).display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > UNREAD_NAMED {
        named += &format!(" and {} more", paths.len() - UNREAD_NAMED);
    }
    let files = if paths.len() == 1 {
        "file was"
    } else {
        "files were"
    };
    format!(
        "{} is not installed, so {} {files} not read: {} (Debian and Ubuntu: apt-get install {}; \
         then `dossier index --retry-skipped` reads them)",
        missing.program,
        paths.len(),
        named,
        missing.package
    )
}

/// What to know about a search's results: hits shown without passages and why, the name
/// variants searched, and spelling suggestions.
pub fn search_lines(results: &SearchResults) -> Vec<String> {
    let documents = |n: u64| format!("{n} document{}", if n == 1 { "" } else { "s" });
    let problems = results
        .problems
        .iter()
        .map(|problem| format!("warning: no passages: {problem}"));
    let variants = results.variants.iter().map(|v| {
        format!(
            "{} also matches {} (name variants; --no-variants for the spelling as typed)",
            v.word,
            v.also.join(", ")
        )
    });
    let suggestions = results.suggestions.iter().map(|s| {
        let mut parts = vec![format!("{}: {}", s.word, documents(s.documents))];
        parts.extend(
            s.alternatives
                .iter()
                .map(|a| format!("{}: {}", a.word, documents(a.documents))),
        );
        let edits = s.alternatives.iter().map(|a| a.edits).max().unwrap_or(1);
        format!(
            "did you mean another spelling? {} (write {}~{edits} to find them all)",
            parts.join("; "),
            s.word
        )
    });
    problems.chain(variants).chain(suggestions).collect()
}

/// The remark after a quotation's matches when none is verbatim; near wordings were shown
/// from `min_similarity` up.
pub fn quote_remark(results: &QuoteResults, min_similarity: f32) -> Option<String> {
    if results.verbatim_count() > 0 {
        return None;
    }
    let nearest = if results.matches.is_empty() {
        // The bound as given: 35.5%, not a rounded figure that a wording below it reaches.
        let percent = min_similarity * 100.0;
        let percent = if (percent - percent.round()).abs() < 1e-3 {
            format!("{}", percent.round())
        } else {
            format!("{percent:.1}")
        };
        if min_similarity > 0.0 {
            format!(", and no wording at least {percent}% like it (--min-similarity lowers that)")
        } else {
            ", and nothing close to it".to_string()
        }
    } else {
        "; the closest wordings are shown".to_string()
    };
    let checked = if results.problems.is_empty() {
        ""
    } else {
        " (of the documents that could be read)"
    };
    Some(format!(
        "the quotation is not in the dossier verbatim{nearest}{checked}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quotation_found_nowhere_says_how_alike_a_wording_had_to_be() {
        let results = QuoteResults {
            words: vec!["nowhere".into()],
            matches: Vec::new(),
            problems: Vec::new(),
        };
        let remark = quote_remark(&results, 0.6).unwrap();
        assert!(
            remark.ends_with("no wording at least 60% like it (--min-similarity lowers that)"),
            "{remark}"
        );
        assert!(
            quote_remark(&results, 0.0)
                .unwrap()
                .ends_with("nothing close to it")
        );
    }

    #[test]
    fn a_slow_corpus_check_says_what_it_cost_and_how_to_avoid_it() {
        let notice = Notice::SlowCorpusCheck {
            files: 917_840,
            took: std::time::Duration::from_millis(2_340),
        };
        let lines = notice_lines(&notice, Path::new("leak"), Path::new("leak/index"));
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with("checking the 917840 files of leak for changes took 2.3 s"));
        assert!(
            lines[0].contains("`dossier serve --corpus leak --index leak/index`"),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn advice_names_the_corpus_and_index_unless_they_are_the_defaults() {
        let line = "damaged; run `dossier index --rebuild` to build it anew";
        let named =
            |corpus: &str, index: &str| naming_location(line, Path::new(corpus), Path::new(index));
        assert_eq!(named(DEFAULT_CORPUS, DEFAULT_INDEX), line);
        assert_eq!(
            named("leak", DEFAULT_INDEX),
            "damaged; run `dossier index --corpus leak --rebuild` to build it anew"
        );
        assert_eq!(
            named("my docs", "it's/index"),
            "damaged; run `dossier index --corpus 'my docs' --index 'it'\\''s/index' \
             --rebuild` to build it anew"
        );
    }
}
