//! The `dossier` command: parse arguments, make one engine call, render its answer, and map
//! the outcome to an exit code. Everything else is the library's.

mod cli;

use std::io::{IsTerminal, Write};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::{CommandFactory, Parser};
use indicatif::{ProgressBar, ProgressStyle};
use termcolor::{BufferedStandardStream, ColorChoice};

use cli::{
    Cli, ColorWhen, Command, CommonArgs, Generated, Location, QuoteArgs, SearchArgs, ServeArgs,
    ShowArgs,
};
use dossier::engine::watcher::SOCKET_FILE;
use dossier::engine::{Engine, Notice, Report};
use dossier::extract::ReadSettings;
use dossier::index::DossierIndex;
use dossier::printer;
use dossier::printer::human::printable;
use dossier::update::{Progress, UpdateOptions};

const FOUND: u8 = 0;
const NOT_FOUND: u8 = 1;
const ERROR: u8 = 2;

fn main() -> ExitCode {
    return_freed_memory();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error)
            if !error.use_stderr()
                || error.kind()
                    == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            error.exit()
        }
        Err(error) => {
            say(&format!("error: {}", clap_error_line(&error)));
            return ExitCode::from(ERROR);
        }
    };
    let location = cli
        .command
        .location()
        .map(|location| (location.corpus.clone(), location.index.clone()));
    // An error's advice (`run dossier index --rebuild`) names the corpus and index it is
    // about.
    let say_error = |line: String| match &location {
        Some((corpus, index_dir)) => {
            say(&printer::notes::naming_location(&line, corpus, index_dir));
        }
        None => say(&line),
    };
    catch_panic_messages();
    match std::panic::catch_unwind(AssertUnwindSafe(|| run(cli))) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(error)) if is_broken_pipe(&error) => ExitCode::from(FOUND),
        Ok(Err(error)) => {
            say_error(format!("error: {}", one_line(&error)));
            ExitCode::from(ERROR)
        }
        Err(_) => {
            let index_dir = location.as_ref().map(|(_, index_dir)| index_dir.as_path());
            say_error(format!("error: {}", explain_panic(index_dir)));
            ExitCode::from(ERROR)
        }
    }
}

/// Large blocks (the indexer's memory arenas, a document's text) are mapped on their own
/// and unmapped when freed. glibc otherwise raises that threshold to the largest block freed
/// so far, after which such blocks come from its heaps, whose freed memory it keeps: the
/// process's memory then grew with the corpus through the indexing threads' heaps, beyond
/// the writer's budget.
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MAPPED_FROM_BYTES);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 4 * MAPPED_FROM_BYTES);
    }
}

/// Blocks of this many bytes or more are mapped on their own; smaller ones come from the heaps.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MAPPED_FROM_BYTES: i32 = 256 * 1024;

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Index {
            location,
            rebuild,
            retry_skipped,
            ocr_lang,
            commit_every_docs,
        } => {
            let options = UpdateOptions {
                rebuild,
                commit_every_docs,
                retry_skipped,
                read: ReadSettings::with_ocr_languages(&ocr_lang).map_err(dossier::Error::Usage)?,
                ..UpdateOptions::default()
            };
            let engine = Engine::new(&location.corpus, &location.index);
            let summary = engine.update(&options, &Reporter::new(&location))?;
            Ok(if summary.skipped.is_empty() {
                FOUND
            } else {
                NOT_FOUND
            })
        }
        Command::Search(args) => run_search(&args),
        Command::Quote(args) => run_quote(&args),
        Command::Serve(args) => run_serve(&args),
        Command::Watch { location } => run_serve(&ServeArgs {
            location,
            port: 0,
            bind: std::net::Ipv4Addr::LOCALHOST.into(),
            token: None,
            open: false,
            idle_seconds: None,
            no_http: true,
        }),
        Command::Show(args) => run_show(&args),
        Command::Generate { what } => generate(what),
        Command::ReadWorker { memory_limit_mib } => {
            dossier::extract::worker::serve(memory_limit_mib.saturating_mul(1024 * 1024))?;
            Ok(FOUND)
        }
    }
}

fn run_search(args: &SearchArgs) -> anyhow::Result<u8> {
    let common = &args.common;
    let engine = engine_for(common);
    let results = engine.search(&args.request(), &Reporter::new(&common.location))?;
    for note in printer::notes::search_lines(&results) {
        say(&note);
    }
    if common.json {
        let mut out = buffered_stdout();
        printer::json::print(&mut out, &args.query, &results)?;
        out.flush()?;
    } else {
        let mut out = BufferedStandardStream::stdout(color_choice(common.color));
        printer::human::print(&mut out, &results)?;
        out.flush()?;
    }
    close_at_exit(engine);
    Ok(if results.total_hits > 0 {
        FOUND
    } else {
        NOT_FOUND
    })
}

fn run_quote(args: &QuoteArgs) -> anyhow::Result<u8> {
    let common = &args.common;
    let engine = engine_for(common);
    let request = args.request();
    let results = engine.quote(&request, &Reporter::new(&common.location))?;
    if common.json {
        let mut out = buffered_stdout();
        printer::json::print_quotes(&mut out, &args.text, &results)?;
        out.flush()?;
    } else {
        let mut out = BufferedStandardStream::stdout(color_choice(common.color));
        printer::human::print_quotes(&mut out, &results)?;
        // The remark follows the wordings it speaks of, on a terminal showing both.
        out.flush()?;
        for problem in &results.problems {
            say(&format!("warning: not checked: {problem}"));
        }
        if let Some(remark) = printer::notes::quote_remark(&results, request.min_similarity) {
            say(&remark);
        }
    }
    close_at_exit(engine);
    Ok(if results.verbatim_count() > 0 {
        FOUND
    } else {
        NOT_FOUND
    })
}

fn run_show(args: &ShowArgs) -> anyhow::Result<u8> {
    let location = &args.location;
    let mut engine = Engine::new(&location.corpus, &location.index);
    if args.no_refresh {
        engine = engine.without_refresh();
    }
    let document = engine.show(&args.id, &Reporter::new(location))?;
    let range = match args.page {
        Some(page) => document.page_range(page)?,
        None => 0..document.text.len(),
    };
    let mut out = buffered_stdout();
    let text = &document.text[range.clone()];
    if args.json {
        printer::json::print_document(&mut out, &document, range, args.page)?;
    } else if std::io::stdout().is_terminal() {
        // A terminal runs the escapes a document may hold: it is shown each line as text.
        for line in text.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            out.write_all(printable(content).as_bytes())?;
            if content.len() < line.len() {
                out.write_all(b"\n")?;
            }
        }
    } else {
        // Exactly as indexed, for the offsets of passages to point into.
        out.write_all(text.as_bytes())?;
    }
    out.flush()?;
    close_at_exit(engine);
    Ok(FOUND)
}

/// The engine for a search or a quotation: it refreshes the index unless `--no-refresh`.
fn engine_for(common: &CommonArgs) -> Engine {
    let location = &common.location;
    let engine = Engine::new(&location.corpus, &location.index);
    if common.no_refresh {
        return engine.without_refresh();
    }
    engine
}

/// Leaves the engine's open index mapped for the process's exit to release with the rest
/// of its memory, instead of unmapping its files one by one: the process ends next.
fn close_at_exit(engine: Engine) {
    std::mem::forget(engine);
}

/// Serves the index until stopped (Ctrl-C), or until its socket goes with the index folder.
#[cfg(target_os = "linux")]
fn run_serve(args: &ServeArgs) -> anyhow::Result<u8> {
    use dossier::server::{http, watch};

    let location = &args.location;
    let engine = Arc::new(Engine::new(&location.corpus, &location.index).without_refresh());
    let status = watch::SharedStatus::default();
    let (ready, watching) = std::sync::mpsc::channel::<usize>();
    let (stopped, watcher_stopped) = tokio::sync::oneshot::channel::<()>();
    let watcher = {
        let (engine, status) = (Arc::clone(&engine), Arc::clone(&status));
        std::thread::spawn(move || {
            let outcome = watch::watch(engine, status, |folders| {
                let _ = ready.send(folders);
            });
            let _ = stopped.send(());
            outcome
        })
    };
    let stopped_watching =
        |watcher: std::thread::JoinHandle<dossier::Result<()>>| match watcher.join() {
            Ok(Ok(())) => {
                say(&format!(
                    "the socket in '{}' was removed; stopped serving",
                    location.index.display()
                ));
                Ok(FOUND)
            }
            Ok(Err(e)) => Err(anyhow::Error::from(e)),
            Err(_) => Err(anyhow::anyhow!("the corpus watcher failed unexpectedly")),
        };
    let Ok(folders) = watching.recv() else {
        return stopped_watching(watcher);
    };
    let plural = if folders == 1 { "" } else { "s" };
    let watched = format!(
        "watching {folders} folder{plural} of '{}' for the index in '{}'; command-line \
         searches of it are run here",
        location.corpus.display(),
        location.index.display()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let index_dir = location.index.clone();
    // Ctrl-C is caught from here on, before the server says it runs: a signal sent as soon
    // as it has said so stops it cleanly, socket removed, rather than killing it.
    let mut interrupted = {
        let _runtime = runtime.enter();
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?
    };
    // Until Ctrl-C, or until the watcher stops.
    let stop = async move {
        tokio::select! {
            _ = interrupted.recv() => {
                // Command-line searches find no server, and check the corpus themselves.
                let _ = std::fs::remove_file(index_dir.join(SOCKET_FILE));
            }
            _ = watcher_stopped => {}
        }
    };
    if args.no_http {
        say(&format!("{watched} (Ctrl-C stops it)"));
        runtime.block_on(stop);
        if watcher.is_finished() {
            return stopped_watching(watcher);
        }
        return Ok(FOUND);
    }
    let token = if args.bind.is_loopback() {
        args.token.clone()
    } else {
        say(&format!(
            "warning: listening on {}, other machines can connect: every request must carry \
             the token",
            args.bind
        ));
        Some(args.token.clone().map_or_else(new_token, Ok)?)
    };
    let listener = std::net::TcpListener::bind((args.bind, args.port))
        .and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot listen on {}:{} ({e}); choose another port with --port",
                args.bind,
                args.port
            )
        })?;
    let address = listener.local_addr()?;
    let host = match address.ip() {
        ip if ip.is_unspecified() => format!("localhost:{}", address.port()),
        _ => address.to_string(),
    };
    let url = match &token {
        Some(token) if !args.bind.is_loopback() => format!("http://{host}/?token={token}"),
        _ => format!("http://{host}/"),
    };
    say(&format!("serving {url} ; {watched} (Ctrl-C stops it)"));
    if args.open {
        open_in_browser(&url);
    }
    let options = http::HttpOptions {
        bind: args.bind,
        port: address.port(),
        token,
        idle: args
            .idle_seconds
            .map_or(dossier::server::connections::IDLE_LIMIT, |seconds| {
                std::time::Duration::from_secs(seconds.max(1))
            }),
    };
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        http::serve(listener, engine, status, options, stop).await
    })?;
    if watcher.is_finished() {
        return stopped_watching(watcher);
    }
    Ok(FOUND)
}

#[cfg(not(target_os = "linux"))]
fn run_serve(_: &ServeArgs) -> anyhow::Result<u8> {
    Err(dossier::Error::Usage(
        "`dossier serve` needs Linux (inotify); searches check the corpus themselves".to_string(),
    )
    .into())
}

/// A token no one can guess: 128 random bits, in hex.
fn new_token() -> anyhow::Result<String> {
    use std::io::Read;

    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut bytes))
        .map_err(|e| anyhow::anyhow!("cannot make a token ({e}); give one with --token"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Opens `url` in the user's web browser; says so if it cannot.
fn open_in_browser(url: &str) {
    let opened = std::process::Command::new("xdg-open")
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = opened {
        say(&format!(
            "warning: cannot open a web browser ({e}); open {url} yourself"
        ));
    }
}

/// Prints the man page or a shell's completion script.
fn generate(what: Generated) -> anyhow::Result<u8> {
    let mut command = shown(&Cli::command());
    let mut out = buffered_stdout();
    let shell = match what {
        Generated::Man => {
            // dossier(1), then the page of each command it names (dossier-search(1), …),
            // one after the other in the one file.
            command.build();
            clap_mangen::Man::new(command.clone()).render(&mut out)?;
            for subcommand in command.get_subcommands().filter(|c| c.get_name() != "help") {
                clap_mangen::Man::new(subcommand.clone()).render(&mut out)?;
            }
            out.flush()?;
            return Ok(FOUND);
        }
        Generated::Bash => clap_complete::Shell::Bash,
        Generated::Zsh => clap_complete::Shell::Zsh,
        Generated::Fish => clap_complete::Shell::Fish,
        Generated::Elvish => clap_complete::Shell::Elvish,
        Generated::Powershell => clap_complete::Shell::PowerShell,
    };
    clap_complete::generate(shell, &mut command, "dossier", &mut out);
    out.flush()?;
    Ok(FOUND)
}

/// `command` without its hidden commands and options (those for dossier's own use and its
/// tests), which completions and the man page would otherwise offer.
fn shown(command: &clap::Command) -> clap::Command {
    let mut shown = clap::Command::new(command.get_name().to_string())
        .args(
            command
                .get_arguments()
                .filter(|a| !a.is_hide_set())
                .cloned(),
        )
        .subcommands(
            command
                .get_subcommands()
                .filter(|c| !c.is_hide_set())
                .map(shown),
        );
    if let Some(about) = command.get_about() {
        shown = shown.about(about.clone());
    }
    if let Some(about) = command.get_long_about() {
        shown = shown.long_about(about.clone());
    }
    if let Some(after) = command.get_after_help() {
        shown = shown.after_help(after.clone());
    }
    if let Some(after) = command.get_after_long_help() {
        shown = shown.after_long_help(after.clone());
    }
    if let Some(version) = command.get_version() {
        shown = shown.version(version.to_string());
    }
    shown
}

/// Tells the user on stderr what the engine did on the way (each notice a line), and
/// draws a progress bar for long updates on a terminal.
struct Reporter {
    corpus: PathBuf,
    index_dir: PathBuf,
    bar: ProgressBar,
}

impl Reporter {
    fn new(location: &Location) -> Reporter {
        Reporter {
            corpus: location.corpus.clone(),
            index_dir: location.index.clone(),
            bar: ProgressBar::hidden(),
        }
    }
}

/// Marks, in the index folder, that the hint to run `dossier serve` was given.
const SERVE_HINT_GIVEN: &str = ".dossier-serve-hint";

/// Whether the hint to run `dossier serve` is to be given now: once for an index (and every
/// time if the index folder cannot remember it).
fn serve_hint_not_given_yet(index_dir: &Path) -> bool {
    let marked = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(index_dir.join(SERVE_HINT_GIVEN));
    !matches!(marked, Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists)
}

impl Report for Reporter {
    fn notice(&self, notice: Notice<'_>) {
        if matches!(notice, Notice::SlowCorpusCheck { .. })
            && !serve_hint_not_given_yet(&self.index_dir)
        {
            return;
        }
        for line in printer::notes::notice_lines(&notice, &self.corpus, &self.index_dir) {
            say(&line);
        }
    }
}

impl Progress for Reporter {
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

/// Standard output, written in blocks: the results are complete before printing starts.
fn buffered_stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock())
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
fn explain_panic(index_dir: Option<&Path>) -> String {
    let what = PANIC_MESSAGE
        .lock()
        .ok()
        .and_then(|message| message.clone())
        .unwrap_or_default();
    let what = what.replace('\n', " ");
    let Some(index_dir) = index_dir else {
        return format!("internal failure ({what}); please report it");
    };
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

/// Writes one line of dossier's own on stderr. Every such line goes through here: the
/// names of files and other text from documents in it are shown as text, their control
/// characters (a terminal escape, a line end) as U+FFFD.
fn say(line: &str) {
    eprintln!("dossier: {}", printable(line));
}

/// A command line's error in one line: clap's message, its tip if it has one (a flag of
/// a close name), and where to read more.
fn clap_error_line(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    // The message's paragraph (a missing argument's names are lines of their own), then
    // the tip's, if any.
    let paragraph = |from: &str| -> Option<String> {
        let start = rendered.find(from)? + from.len();
        let lines: Vec<&str> = rendered[start..]
            .lines()
            .take_while(|line| !line.trim().is_empty())
            .map(str::trim)
            .collect();
        Some(lines.join(" "))
    };
    let message = paragraph("error: ").unwrap_or_else(|| error.kind().to_string());
    let tip = paragraph("tip: ")
        .map(|tip| format!("; {tip}"))
        .unwrap_or_default();
    format!("{message}{tip} (see --help)")
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
