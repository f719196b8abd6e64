//! The `dossier` command: parse arguments, run, and map the outcome to an exit code.

mod cli;

use std::io::{IsTerminal, Write};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use termcolor::{BufferedStandardStream, ColorChoice};

use cli::{Cli, ColorWhen, Command, Location, QuoteArgs, SearchArgs};
use dossier::engine::served::{Rendered, SearchRequest, render_search, this_build};
use dossier::error::holder_name;
use dossier::index::DossierIndex;
use dossier::index::lock::UpdateLock;
use dossier::index::schema::build_schema;
use dossier::query::filter::Filters;
use dossier::query::variants::Variants;
use dossier::query::{QueryBuilder, UserQuery};
use dossier::quote::{QuoteOptions, QuoteResults, check_quotation};
use dossier::server::watch;
use dossier::server::watch::SearchReply;
use dossier::update::fingerprint as freshness;
use dossier::update::{self, IndexSummary, Progress, UpdateOptions};
use dossier::{Error, printer};

/// From this many files, a search that had to check the corpus starts a watcher for the
/// searches after it: the check of 1,000 news articles took 2.7 ms here, two thirds of the
/// whole search (4,000 took 8.4 ms).
const WATCH_FROM_FILES: usize = 1_000;

/// Set (to anything but the empty string), searches start no watcher.
const NO_AUTO_WATCH: &str = "DOSSIER_NO_AUTO_WATCH";

const FOUND: u8 = 0;
const NOT_FOUND: u8 = 1;
const ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let index_dir = cli.command.location().index.clone();
    catch_panic_messages();
    match std::panic::catch_unwind(AssertUnwindSafe(|| run(cli))) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(error)) if is_broken_pipe(&error) => ExitCode::from(FOUND),
        Ok(Err(error)) => {
            eprintln!("dossier: error: {}", one_line(&error));
            ExitCode::from(ERROR)
        }
        Err(_) => {
            eprintln!("dossier: error: {}", explain_panic(&index_dir));
            ExitCode::from(ERROR)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Index {
            location,
            rebuild,
            commit_every_docs,
        } => {
            let options = UpdateOptions {
                rebuild,
                commit_every_docs,
                ..UpdateOptions::default()
            };
            let (corpus, index_dir) = (&location.corpus, &location.index);
            let watcher = watch::ask(index_dir, corpus);
            let summary = update_index(corpus, index_dir, &options)?;
            tell_watcher_current(index_dir, corpus, watcher, Some(summary.fingerprint));
            Ok(if summary.skipped.is_empty() {
                FOUND
            } else {
                NOT_FOUND
            })
        }
        Command::Search(args) => run_search(&args),
        Command::Quote(args) => run_quote(&args),
        Command::Watch {
            location,
            idle_timeout,
        } => run_watch(&location, idle_timeout.map(Duration::from_secs)),
    }
}

/// Watches the corpus until stopped, or until its socket goes with the index folder.
#[cfg(target_os = "linux")]
fn run_watch(location: &Location, idle_timeout: Option<Duration>) -> anyhow::Result<u8> {
    let (corpus, index_dir) = (&location.corpus, &location.index);
    let stopped = watch::watch(corpus, index_dir, idle_timeout, |folders| {
        let plural = if folders == 1 { "" } else { "s" };
        eprintln!(
            "dossier: watching {folders} folder{plural} of '{}' for the index in '{}'; searches skip \
             the corpus check while this runs (Ctrl-C stops it)",
            corpus.display(),
            index_dir.display()
        );
    })?;
    match stopped {
        watch::Stopped::SocketRemoved => eprintln!(
            "dossier: the watcher's socket in '{}' was removed; stopped watching",
            index_dir.display()
        ),
        watch::Stopped::Idle => eprintln!("dossier: no search asked for a while; stopped watching"),
    }
    Ok(FOUND)
}

#[cfg(not(target_os = "linux"))]
fn run_watch(_: &Location, _: Option<Duration>) -> anyhow::Result<u8> {
    Err(Error::Usage(
        "`dossier watch` needs Linux (inotify); searches check the corpus themselves".to_string(),
    )
    .into())
}

/// The last panic's message and place, kept by the panic hook for `explain_panic`.
static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

/// Replaces the printing of panics (a stack of engine internals, useless to a reporter) by
/// keeping their message for one line at the end.
fn catch_panic_messages() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        let place = info
            .location()
            .map(|l| {
                format!(
                    " at {}:{}",
                    l.file().rsplit('/').next().unwrap_or(""),
                    l.line()
                )
            })
            .unwrap_or_default();
        // The last one: a panic caught on the way (a damaged file found while opening the
        // index) does not explain a later one.
        if let Ok(mut message) = PANIC_MESSAGE.lock() {
            *message = Some(format!("{payload}{place}"));
        }
    }));
}

/// After a panic: a damaged index (tantivy panics on some corrupt files) is told apart from
/// a bug in dossier by checking the checksums of the index's files, when they can be.
fn explain_panic(index_dir: &Path) -> String {
    let what = PANIC_MESSAGE
        .lock()
        .ok()
        .and_then(|message| message.clone())
        .unwrap_or_default();
    let what = what.replace('\n', " ");
    let index = index_dir.display();
    match DossierIndex::damage(index_dir) {
        Some(reason) => format!(
            "the index at {index} is damaged ({reason}); run `dossier index --rebuild` to build it anew"
        ),
        None => format!(
            "internal failure ({what}); please report it; if the index at {index} is damaged, `dossier index --rebuild` builds it anew"
        ),
    }
}

fn run_search(args: &SearchArgs) -> anyhow::Result<u8> {
    // The query is read before anything is indexed, so a typo costs nothing; it is built
    // again once the index can say which name variants occur.
    let user_query = UserQuery::read(&args.query)?;
    let (_, fields) = build_schema();
    QueryBuilder::new(&fields).build_query(&user_query)?;
    let request = SearchRequest {
        query: args.query.clone(),
        limit: args.limit,
        passages: args.passages,
        json: args.json,
        fuzzy: args.fuzzy,
        filters: Filters {
            id_glob: args.id.clone(),
            after: args.after,
            before: args.before,
        },
        no_variants: args.no_variants,
        color: !args.json && color_choice(args.color) == ColorChoice::Always,
        build: this_build(),
    };
    let (location, no_refresh) = (&args.location, args.no_refresh);
    // A watcher that vouches for the index runs the search itself, on the index it keeps
    // open; otherwise its answer is read once the search is done here.
    let question = match ask_to_search(location, no_refresh, &request) {
        Some(SearchReply::Served(rendered)) => return print_rendered(&rendered),
        Some(SearchReply::Unserved(question)) => Some(question),
        None => None,
    };
    let (index, rendered) = on_current_index(location, no_refresh, question, |index| {
        Ok(render_search(
            index,
            &location.corpus,
            &request,
            &user_query,
        )?)
    })?;
    close_at_exit(index);
    print_rendered(&rendered)
}

/// Prints a search's notes and results; its exit code.
fn print_rendered(rendered: &Rendered) -> anyhow::Result<u8> {
    for note in &rendered.notes {
        eprintln!("dossier: {note}");
    }
    let mut out = std::io::stdout().lock();
    out.write_all(&rendered.stdout)?;
    out.flush()?;
    Ok(if rendered.found { FOUND } else { NOT_FOUND })
}

/// Asks the index's watcher, unless `no_refresh`, to run the search `request`.
fn ask_to_search(
    location: &Location,
    no_refresh: bool,
    request: &SearchRequest,
) -> Option<SearchReply> {
    if no_refresh {
        return None;
    }
    watch::ask_to_search(&location.index, &location.corpus, request)
}

/// Leaves the index's files mapped for the process's exit to release with the rest of its
/// memory: unmapping its dozen files one by one at the end of a search took 0.05 to 0.09 ms
/// of a 2.5 ms search for a rare word. Only for the last use of an index in a process.
fn close_at_exit(index: DossierIndex) {
    std::mem::forget(index);
}

fn run_quote(args: &QuoteArgs) -> anyhow::Result<u8> {
    if !(0.0..=1.0).contains(&args.min_similarity) {
        return Err(Error::Usage("--min-similarity takes a number from 0 to 1".to_string()).into());
    }
    let question = ask_watcher(&args.location, args.no_refresh);
    let variants = if args.no_variants {
        Variants::none()
    } else {
        Variants::for_corpus(&args.location.corpus)?
    };
    let check_index = |index: &DossierIndex| -> anyhow::Result<QuoteResults> {
        let options = QuoteOptions {
            limit: args.limit,
            min_similarity: args.min_similarity,
            variants: variants.clone(),
            corpus: args.location.corpus.clone(),
        };
        Ok(check_quotation(index, &args.text, options)?)
    };
    let (index, results) =
        on_current_index(&args.location, args.no_refresh, question, check_index)?;
    if args.json {
        let mut out = buffered_stdout();
        printer::json::print_quotes(&mut out, &args.text, &results)?;
        out.flush()?;
    } else {
        let mut out = BufferedStandardStream::stdout(color_choice(args.color));
        printer::human::print_quotes(&mut out, &results)?;
        // The remark follows the wordings it speaks of, on a terminal showing both.
        out.flush()?;
        if results.verbatim_count() == 0 {
            let nearest = if results.matches.is_empty() {
                ", and nothing close to it"
            } else {
                "; the closest wordings are shown"
            };
            eprintln!("dossier: the quotation is not in the dossier verbatim{nearest}");
        }
    }
    close_at_exit(index);
    Ok(if results.verbatim_count() > 0 {
        FOUND
    } else {
        NOT_FOUND
    })
}

/// Asks the index's watcher, if one runs and `no_refresh` is not given, whether the corpus
/// changed: first thing, so that a change the check might miss is counted after the answer,
/// and so that the watcher works its answer out while the search reads its query and
/// opens the index.
fn ask_watcher(location: &Location, no_refresh: bool) -> Option<watch::Question> {
    if no_refresh {
        return None;
    }
    watch::Question::send(&location.index, &location.corpus)
}

/// Runs `work` on the index, brought up to date with the corpus first unless `no_refresh`
/// (or built, if there is none). An index that opens is worked on before it is confirmed
/// current, with the watcher's answer to `question` or by checking the corpus: the watcher
/// answers meanwhile, which could take longer than the search when it had been idle. If the
/// index turns out to be stale, it is updated and `work` done again. If another process is
/// updating it, the last commit is used.
fn on_current_index<T>(
    location: &Location,
    no_refresh: bool,
    question: Option<watch::Question>,
    work: impl Fn(&DossierIndex) -> anyhow::Result<T>,
) -> anyhow::Result<(DossierIndex, T)> {
    let (index, unconfirmed) = open_index(location, no_refresh, question)?;
    let done = work(&index)?;
    match unconfirmed {
        Some(unconfirmed) => match confirm_current(location, &index, unconfirmed)? {
            Some(updated) => {
                let done = work(&updated)?;
                Ok((updated, done))
            }
            None => Ok((index, done)),
        },
        None => Ok((index, done)),
    }
}

/// What is needed to confirm that an index opened from its last commit is current.
struct Unconfirmed {
    question: Option<watch::Question>,
    /// The fingerprint the index recorded, read before it was opened.
    recorded: Option<u64>,
}

/// Opens the index: its last commit, still to be confirmed current unless `no_refresh`;
/// or, when there is none or it is of an older version, one just built.
fn open_index(
    location: &Location,
    no_refresh: bool,
    question: Option<watch::Question>,
) -> anyhow::Result<(DossierIndex, Option<Unconfirmed>)> {
    let (corpus, index_dir) = (&location.corpus, &location.index);
    if !DossierIndex::exists(index_dir) {
        eprintln!(
            "dossier: no index yet in '{}'; building it from '{}'",
            index_dir.display(),
            corpus.display()
        );
        let watcher = question.and_then(watch::Question::answer);
        return Ok((refresh_or_last_commit(corpus, index_dir, watcher)?, None));
    }
    // Read before the index opens: a fingerprint recorded by then was recorded after the
    // commit it describes, so the index opened holds at least that commit.
    let recorded = question
        .as_ref()
        .and_then(|_| freshness::recorded(index_dir));
    match DossierIndex::open(index_dir) {
        Ok(index) if no_refresh => Ok((index, None)),
        Ok(index) => Ok((index, Some(Unconfirmed { question, recorded }))),
        // The update rebuilds it, and says so.
        Err(Error::OutdatedIndex { .. }) if !no_refresh => {
            let watcher = question.and_then(watch::Question::answer);
            Ok((refresh_or_last_commit(corpus, index_dir, watcher)?, None))
        }
        // Another process may be clearing it to rebuild it: then say so, not "broken".
        Err(error @ Error::BrokenIndex { .. }) => match UpdateLock::acquire(index_dir) {
            Err(busy @ Error::IndexBusy { .. }) => Err(busy.into()),
            _ => Err(error.into()),
        },
        Err(error) => Err(error.into()),
    }
}

/// Confirms that `index` is current with the corpus, by the watcher's word or by checking
/// the corpus; if it is not, updates it and returns the index updated.
fn confirm_current(
    location: &Location,
    index: &DossierIndex,
    Unconfirmed { question, recorded }: Unconfirmed,
) -> anyhow::Result<Option<DossierIndex>> {
    let (corpus, index_dir) = (&location.corpus, &location.index);
    // Nothing listens for questions (the socket is missing, or a stopped watcher left it).
    let unwatched = question.is_none();
    let watcher = question.and_then(watch::Question::answer);
    if watcher.is_some_and(|answer| answer.vouches_for(recorded)) {
        return Ok(None);
    }
    let check = update::pending_changes(index, corpus)?;
    if unwatched && check.files >= WATCH_FROM_FILES {
        start_watcher(corpus, index_dir, check.files);
    }
    let changes = check.changes;
    if changes.is_empty() {
        tell_watcher_current(index_dir, corpus, watcher, check.current_with);
        return Ok(None);
    }
    eprintln!(
        "dossier: {} changed since the last index ({} new or modified, {} removed); updating it",
        corpus.display(),
        changes.to_read.len(),
        changes.removed.len()
    );
    refresh_or_last_commit(corpus, index_dir, watcher).map(Some)
}

/// Starts a watcher in the background, so that the searches after this one need not check
/// the corpus's `files` files themselves, unless the user said not to.
fn start_watcher(corpus: &Path, index_dir: &Path, files: usize) {
    if std::env::var_os(NO_AUTO_WATCH).is_some_and(|value| !value.is_empty()) {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    if let Some(process) = watch::start_in_background(&exe, corpus, index_dir) {
        eprintln!(
            "dossier: started a watcher (process {process}) so that later searches need not check \
             the corpus's {files} files; it stops after {} minutes without a search ({NO_AUTO_WATCH}=1 \
             starts none)",
            watch::IDLE_TIMEOUT.as_secs() / 60
        );
    }
}

/// Tells the watcher, if one answered, that the index is current with the corpus as this
/// process found it (with `fingerprint`, taken after the watcher answered), if it did.
fn tell_watcher_current(
    index_dir: &Path,
    corpus: &Path,
    watcher: Option<watch::Answer>,
    fingerprint: Option<u64>,
) {
    if let (Some(answer), Some(fingerprint)) = (watcher, fingerprint) {
        watch::tell_current(index_dir, corpus, &answer, fingerprint);
    }
}

/// Updates the index; if another process is updating it, answers from its last commit
/// instead of waiting for the end of that run.
fn refresh_or_last_commit(
    corpus: &Path,
    index_dir: &Path,
    watcher: Option<watch::Answer>,
) -> anyhow::Result<DossierIndex> {
    match update_index(corpus, index_dir, &UpdateOptions::default()) {
        Ok(summary) => {
            tell_watcher_current(index_dir, corpus, watcher, Some(summary.fingerprint));
            Ok(DossierIndex::open(index_dir)?)
        }
        Err(error) => match error.downcast_ref::<Error>() {
            Some(Error::IndexBusy { holder, .. }) if DossierIndex::exists(index_dir) => {
                let index = DossierIndex::open(index_dir)?;
                eprintln!(
                    "dossier: the index in '{}' is being updated by {}; answering from its last commit",
                    index_dir.display(),
                    holder_name(*holder)
                );
                Ok(index)
            }
            _ => Err(error),
        },
    }
}

/// Indexes, reporting each skipped file and a summary line on stderr.
fn update_index(
    corpus: &Path,
    index_dir: &Path,
    options: &UpdateOptions,
) -> anyhow::Result<IndexSummary> {
    let progress = ProgressReporter::new();
    let summary = update::update_with(corpus, index_dir, options, &progress)?;
    if let Some(found) = summary.rebuilt_outdated {
        eprintln!(
            "dossier: the index in '{}' was written by an older version of dossier (schema {found}); rebuilt it",
            index_dir.display()
        );
    }
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

/// Standard output, written in blocks: the results are complete before printing starts, and
/// a write per line (what `stdout()` does) cost a tenth of a search printing long passages.
fn buffered_stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock())
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
