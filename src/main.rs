//! The `dossier` command: parse arguments, run, and map the outcome to an exit code.

mod cli;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use termcolor::{ColorChoice, StandardStream};

use cli::{Cli, ColorWhen, Command, Location, QuoteArgs, SearchArgs};
use dossier::filter::Filters;
use dossier::index::DossierIndex;
use dossier::indexer::{self, IndexSummary, Progress};
use dossier::query::QueryBuilder;
use dossier::quote::{QuoteOptions, check_quotation};
use dossier::schema::build_schema;
use dossier::search::{SearchOptions, search};
use dossier::variants::Variants;
use dossier::{Error, printer};

const FOUND: u8 = 0;
const NOT_FOUND: u8 = 1;
const ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) if is_broken_pipe(&error) => ExitCode::from(FOUND),
        Err(error) => {
            eprintln!("dossier: error: {}", one_line(&error));
            ExitCode::from(ERROR)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Index { location, rebuild } => {
            let summary = update_index(&location.corpus, &location.index, rebuild)?;
            Ok(if summary.skipped.is_empty() {
                FOUND
            } else {
                NOT_FOUND
            })
        }
        Command::Search(args) => run_search(&args),
        Command::Quote(args) => run_quote(&args),
    }
}

fn run_search(args: &SearchArgs) -> anyhow::Result<u8> {
    let (_, fields) = build_schema();
    // The query is read before anything is indexed, so a typo costs nothing; it is built
    // again once the index can say which name variants occur.
    QueryBuilder::new(&fields).parse(&args.query)?;
    let index = open_up_to_date(&args.location, args.no_refresh)?;
    let mut builder = QueryBuilder::new(&fields).fuzzy_words(args.fuzzy);
    if !args.no_variants {
        let variants = Variants::for_corpus(&args.location.corpus)?;
        builder =
            builder.variants(variants.in_index(index.reader()?.searcher(), fields.body_exact));
    }
    let query = builder.parse(&args.query)?;
    let options = SearchOptions {
        limit: args.limit,
        passages: args.passages,
        filters: Filters {
            id_glob: args.id.clone(),
            after: args.after,
            before: args.before,
        },
        corpus: args.location.corpus.clone(),
    };
    let results = search(&index, &query, options)?;
    for problem in &results.problems {
        eprintln!("dossier: warning: no passages: {problem}");
    }
    for line in printer::human::note_lines(&results) {
        eprintln!("dossier: {line}");
    }
    if args.json {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        printer::json::print(&mut out, &args.query, &results)?;
        out.flush()?;
    } else {
        let mut out = StandardStream::stdout(color_choice(args.color));
        printer::human::print(&mut out, &results)?;
        out.flush()?;
    }
    Ok(if results.total_hits > 0 {
        FOUND
    } else {
        NOT_FOUND
    })
}

fn run_quote(args: &QuoteArgs) -> anyhow::Result<u8> {
    if !(0.0..=1.0).contains(&args.min_similarity) {
        return Err(Error::Usage("--min-similarity takes a number from 0 to 1".to_string()).into());
    }
    let index = open_up_to_date(&args.location, args.no_refresh)?;
    let options = QuoteOptions {
        limit: args.limit,
        min_similarity: args.min_similarity,
        variants: if args.no_variants {
            Variants::none()
        } else {
            Variants::for_corpus(&args.location.corpus)?
        },
        corpus: args.location.corpus.clone(),
    };
    let results = check_quotation(&index, &args.text, options)?;
    if args.json {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        printer::json::print_quotes(&mut out, &args.text, &results)?;
        out.flush()?;
    } else {
        let mut out = StandardStream::stdout(color_choice(args.color));
        printer::human::print_quotes(&mut out, &results)?;
        if results.verbatim_count() == 0 {
            let nearest = if results.matches.is_empty() {
                ", and nothing close to it"
            } else {
                "; the closest wordings are shown"
            };
            eprintln!("dossier: the quotation is not in the dossier verbatim{nearest}");
        }
        out.flush()?;
    }
    Ok(if results.verbatim_count() > 0 {
        FOUND
    } else {
        NOT_FOUND
    })
}

/// Opens the index, building it first if there is none and bringing it up to date with the
/// corpus unless `no_refresh`. If another process is updating it, the last commit is used.
fn open_up_to_date(location: &Location, no_refresh: bool) -> anyhow::Result<DossierIndex> {
    let (corpus, index_dir) = (&location.corpus, &location.index);
    if !DossierIndex::exists(index_dir) {
        eprintln!(
            "dossier: no index yet in '{}'; building it from '{}'",
            index_dir.display(),
            corpus.display()
        );
        update_index(corpus, index_dir, false)?;
    }
    let index = DossierIndex::open(index_dir)?;
    if no_refresh {
        return Ok(index);
    }
    let changes = indexer::pending_changes(&index, corpus)?;
    if changes.is_empty() {
        return Ok(index);
    }
    eprintln!(
        "dossier: {} changed since the last index ({} new or modified, {} removed); updating it",
        corpus.display(),
        changes.to_read.len(),
        changes.removed.len()
    );
    match update_index(corpus, index_dir, false) {
        Ok(_) => Ok(DossierIndex::open(index_dir)?),
        Err(error) => match error.downcast_ref::<Error>() {
            Some(Error::IndexBusy { .. }) => {
                eprintln!("dossier: warning: {error}; using the index as last committed");
                Ok(index)
            }
            _ => Err(error),
        },
    }
}

/// Indexes, reporting each skipped file and a summary line on stderr.
fn update_index(corpus: &Path, index_dir: &Path, rebuild: bool) -> anyhow::Result<IndexSummary> {
    let progress = ProgressReporter::new();
    let summary = indexer::update(corpus, index_dir, rebuild, &progress)?;
    for noted in &summary.notes {
        eprintln!(
            "dossier: note: {}: {}",
            corpus.join(&noted.path).display(),
            noted.note
        );
    }
    for skipped in &summary.skipped {
        eprintln!(
            "dossier: skipped {}: {}",
            corpus.join(&skipped.path).display(),
            skipped.reason
        );
    }
    eprintln!(
        "dossier: indexed {} into {}: {} added, {} updated, {} removed, {} unchanged, {} skipped ({} other files ignored) in {:.2} s",
        corpus.display(),
        index_dir.display(),
        summary.added,
        summary.updated,
        summary.removed,
        summary.unchanged,
        summary.skipped.len(),
        summary.ignored,
        summary.elapsed.as_secs_f64()
    );
    Ok(summary)
}

/// A progress bar on stderr, drawn only on a terminal and only for runs worth watching.
struct ProgressReporter {
    bar: ProgressBar,
}

impl ProgressReporter {
    fn new() -> ProgressReporter {
        ProgressReporter {
            bar: ProgressBar::hidden(),
        }
    }
}

impl Progress for ProgressReporter {
    fn begin(&self, total: u64) {
        if std::io::stderr().is_terminal() && total >= 1000 {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.bar.set_length(total);
            self.bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} files, {eta} left")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
        }
    }

    fn advance(&self, done: u64) {
        self.bar.inc(done);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn color_choice(when: ColorWhen) -> ColorChoice {
    match when {
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
        ColorWhen::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
            if no_color || dumb || !std::io::stdout().is_terminal() {
                ColorChoice::Never
            } else {
                ColorChoice::Always
            }
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes on one line, each said once.
fn one_line(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ").replace('\n', " ")
}
