//! The corpus watcher of `dossier serve`: keeps an inotify watch on every folder of the
//! corpus, brings the index up to date itself once changes have settled, and tells each
//! command-line search, over a socket in the index folder, whether anything changed since
//! the index was last found current; a search it can vouch for it runs itself, on the
//! engine it shares with the HTTP side (see [`crate::engine::watcher`] for the protocol and
//! the promise it keeps).
//!
//! Updates run on a thread of their own: searches go on meanwhile, answered from the last
//! commit. What inotify cannot see, the watcher cannot: a write through a hard link from
//! outside the corpus, or a change made by another machine on a network drive.
//!
//! An update looks only at the files the events since the last one name (see
//! [`update::update_named`]), so a file saved, removed or renamed costs about the same
//! whatever the size of the corpus. A folder that appears, goes or is renamed, a changed
//! `metadata.tsv` (it dates documents anywhere below it), events the system could not
//! queue, or a failed update make the next one walk the whole corpus. Either way an update
//! covers every change counted up to the generation it started at, and the watcher vouches
//! for the index at that generation once it ends, by the fingerprint it recorded (for an
//! update of named files, a stand-in: see [`fingerprint::of_named_update`]). Each update
//! ends with one line on standard error: how long it took, what it looked at, what changed.
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use inotify::{EventMask, Inotify, WatchDescriptor, WatchMask};
use rustix::event::{PollFd, PollFlags, Timespec, poll};

use crate::corpus;
use crate::corpus::ids;
use crate::corpus::listing::Skipped;
use crate::corpus::metadata::METADATA_FILE;
use crate::corpus::walk::{Entry, Kind, walk};
use crate::engine::Engine;
use crate::engine::watcher::{
    AskedSearch, LONGEST_SOCKET_PATH, PATIENCE, SERVING, SOCKET_FILE, corpus_key,
    fits_in_an_address, parse_current, this_build, write_served,
};
use crate::error::{Error, Result};
use crate::index::{DossierIndex, lock};
use crate::search::{SearchRequest, SearchResults};
use crate::update::{self, IndexSummary, UpdateOptions, fingerprint};

/// What the watcher knows of the index, for a status page.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct IndexStatus {
    /// When the last update ended, if one ran since the server started.
    pub last_update: Option<SystemTime>,
    /// Whether an update runs now.
    pub updating: bool,
    /// The files the last update could not index, with the reason.
    pub skipped: Vec<Skipped>,
    /// Why the last update failed, if it did.
    pub last_error: Option<String>,
}

/// The status, shared between the watcher and the front ends that show it.
pub type SharedStatus = Arc<Mutex<IndexStatus>>;

/// Every change to a folder's entries or to their contents, times or names.
const CHANGES: WatchMask = WatchMask::CREATE
    .union(WatchMask::DELETE)
    .union(WatchMask::MODIFY)
    .union(WatchMask::ATTRIB)
    .union(WatchMask::MOVED_FROM)
    .union(WatchMask::MOVED_TO)
    .union(WatchMask::DELETE_SELF)
    .union(WatchMask::MOVE_SELF)
    .union(WatchMask::DONT_FOLLOW)
    .union(WatchMask::ONLYDIR);

/// How long the corpus must stay unchanged before an update starts: a file being written
/// in several calls is read once, when done.
const QUIET: Duration = Duration::from_millis(200);

/// How long after an update that found the index busy (held by another process) it is
/// tried again.
const RETRY: Duration = Duration::from_secs(2);

/// How often the loop wakes with nothing to do: to see whether the socket is still there.
const TICK: Timespec = Timespec {
    tv_sec: 0,
    tv_nsec: 100_000_000,
};

/// The outcome of an update run on its thread: the generation it started at.
type UpdateDone = (u64, std::result::Result<IndexSummary, UpdateFailure>);

/// Why an update failed, and whether trying again with nothing changed may succeed.
struct UpdateFailure {
    reason: String,
    /// Another process held the index (`dossier index` running): the update is tried
    /// again in a while. Any other failure (an empty corpus: a drive not mounted, say)
    /// waits for a change to the corpus.
    busy: bool,
}

impl From<Error> for UpdateFailure {
    fn from(error: Error) -> UpdateFailure {
        UpdateFailure {
            busy: matches!(error, Error::IndexBusy { .. }),
            reason: error.to_string(),
        }
    }
}

/// The most files an update is given by name; past them, a walk of the whole corpus is
/// no slower, and the list held stays small.
const MOST_NAMED: usize = 10_000;

/// Watches the corpus of `engine`, keeping its index up to date and answering searches
/// over the socket, until the socket is removed (with the index folder, say). The index is
/// brought up to date before `ready` is told how many folders are watched.
pub fn watch(engine: Arc<Engine>, status: SharedStatus, ready: impl FnOnce(usize)) -> Result<()> {
    let corpus = engine.corpus().to_path_buf();
    let index_dir = engine.index_dir().to_path_buf();
    // Before anything is created: a mistyped corpus leaves no index folder behind.
    let root = corpus.canonicalize().map_err(|e| Error::Corpus {
        path: corpus.clone(),
        reason: e.to_string(),
    })?;
    let socket = index_dir.join(SOCKET_FILE);
    socket_fits(&socket)?;
    std::fs::create_dir_all(&index_dir).map_err(|e| Error::io(&index_dir, e))?;
    let _only_watcher = lock(&index_dir)?;
    let mut watcher = Watcher::new(&corpus, root, &index_dir, Arc::clone(&engine))?;
    // The first update, before anything is served: the index is current (or at least
    // exists) once the server says it is ready.
    watcher.drain();
    let generation = watcher.generation;
    // This update walks the whole corpus: what changed before it, it sees.
    watcher.changed = Some(BTreeSet::new());
    let first = match update::update_with(&corpus, &index_dir, &UpdateOptions::default(), &()) {
        Err(error) if !DossierIndex::exists(&index_dir) => return Err(error),
        first => first.map_err(UpdateFailure::from),
    };
    // A first update that found the index busy is tried again at once, not in a while.
    let retry_at = watcher
        .updated(&status, (generation, first))
        .map(|_| Instant::now());
    let listener = listen(&socket)?;
    ready(watcher.folders.len());
    let (done_sender, done) = channel::<UpdateDone>();
    let (ended, end) = channel::<Result<()>>();
    let watch_loop = WatchLoop {
        watcher,
        listener,
        socket: socket.clone(),
        corpus,
        index_dir,
        status,
        done,
        done_sender,
        ended,
        updating: false,
        updated_at: generation,
        retry_at,
        changed_at: Instant::now(),
    };
    std::thread::spawn(move || watch_loop.run());
    end.recv().unwrap_or_else(|_| {
        Err(Error::io(
            &socket,
            std::io::Error::other("the corpus watcher stopped unexpectedly"),
        ))
    })
}

/// The watcher's loop and all it keeps between rounds. It runs on one thread at a time:
/// a thread that takes a search the watcher vouches for runs it itself, and the loop goes
/// on on a new thread (see [`WatchLoop::run`]).
struct WatchLoop {
    watcher: Watcher,
    listener: UnixListener,
    socket: PathBuf,
    corpus: PathBuf,
    index_dir: PathBuf,
    status: SharedStatus,
    /// The outcomes of updates, sent by their threads.
    done: Receiver<UpdateDone>,
    done_sender: Sender<UpdateDone>,
    /// Told how the loop ended: once the socket is gone, or on an error. (A loop that
    /// panics drops it untold, which `watch` reports.)
    ended: Sender<Result<()>>,
    updating: bool,
    /// The generation the last update started at.
    updated_at: u64,
    /// When to try again after a failed update.
    retry_at: Option<Instant>,
    /// When the corpus last changed.
    changed_at: Instant,
}

impl WatchLoop {
    /// Runs the loop until the socket is removed, then says so on `ended`. A search the
    /// watcher vouches for is run on the thread that took it, which has just woken and
    /// holds what the search needs in its caches; the loop goes on on a new thread at
    /// once, so a long search holds up neither the watching nor other searches. Handing
    /// the search to a new thread instead makes it wait for that thread to be scheduled,
    /// often on a core woken for it (see bench/README.md).
    fn run(mut self) {
        let outcome = loop {
            self.take_updates();
            if !self.socket.exists() {
                break Ok(());
            }
            let mut ready = [
                PollFd::new(&self.watcher.inotify, PollFlags::IN),
                PollFd::new(&self.listener, PollFlags::IN),
            ];
            match poll(&mut ready, Some(&TICK)) {
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(e) => break Err(Error::io(&self.socket, e.into())),
            }
            // Drained whether or not events woke the loop: a search may have, and its
            // answer must count what happened before it asked.
            let before = self.watcher.generation;
            self.watcher.drain();
            if self.watcher.generation != before {
                self.changed_at = Instant::now();
            }
            while let Ok((stream, _)) = self.listener.accept() {
                let Some(search) = self.watcher.serve(stream) else {
                    continue;
                };
                let (hand_over, take_over) = channel::<WatchLoop>();
                let next = std::thread::Builder::new().spawn(move || {
                    if let Ok(watch_loop) = take_over.recv() {
                        watch_loop.run();
                    }
                });
                if next.is_ok() {
                    match hand_over.send(self) {
                        Ok(()) => {
                            search.run();
                            return;
                        }
                        Err(returned) => self = returned.0,
                    }
                }
                // No thread to be had: the search is left to the command that asked
                // (its connection closes unanswered), and the loop goes on here.
                drop(search);
            }
        };
        let _ = self.ended.send(outcome);
    }

    /// Takes in the updates that ended, and starts the next one if the corpus changed
    /// (and has been quiet a while) or a failed one is due again.
    fn take_updates(&mut self) {
        let watcher = &mut self.watcher;
        while let Ok(outcome) = self.done.try_recv() {
            self.updating = false;
            if let Ok(summary) = &outcome.1 {
                eprintln!("dossier: {}", describe_update(summary));
            }
            self.retry_at = watcher
                .updated(&self.status, outcome)
                .map(|retry| retry + RETRY);
        }
        let due = watcher.generation != self.updated_at
            || self.retry_at.is_some_and(|at| at <= Instant::now());
        if !self.updating && due && self.changed_at.elapsed() >= QUIET {
            self.updating = true;
            self.updated_at = watcher.generation;
            self.retry_at = None;
            self.status
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .updating = true;
            // A watcher that could not watch every folder misses changes: it walks the
            // whole corpus.
            let named = watcher
                .changed
                .replace(BTreeSet::new())
                .filter(|_| !watcher.blind);
            start_update(
                &self.corpus,
                &self.index_dir,
                named,
                self.updated_at,
                self.done_sender.clone(),
            );
        }
    }
}

/// Runs an update on a thread of its own, of the `named` files (relative to the corpus)
/// or, when `None`, of the whole corpus, and sends its outcome with `generation`.
fn start_update(
    corpus: &Path,
    index_dir: &Path,
    named: Option<BTreeSet<PathBuf>>,
    generation: u64,
    done: Sender<UpdateDone>,
) {
    let (corpus, index_dir) = (corpus.to_path_buf(), index_dir.to_path_buf());
    std::thread::spawn(move || {
        let options = UpdateOptions::default();
        let outcome = std::panic::catch_unwind(|| match &named {
            Some(named) => update::update_named(&corpus, &index_dir, &options, named),
            None => update::update_with(&corpus, &index_dir, &options, &()),
        });
        let outcome = match outcome {
            Ok(updated) => updated.map_err(UpdateFailure::from),
            Err(_) => Err(UpdateFailure {
                reason: "the update failed unexpectedly".to_string(),
                busy: false,
            }),
        };
        let _ = done.send((generation, outcome));
    });
}

/// One line on what an update did, for the server's log.
fn describe_update(summary: &IndexSummary) -> String {
    let looked_at = match &summary.looked_at {
        Some(paths) if paths.len() == 1 => "looking at 1 file".to_string(),
        Some(paths) => format!("looking at {} files", paths.len()),
        None => "walking the whole corpus".to_string(),
    };
    format!(
        "index updated in {:.3} s, {looked_at}: {} added, {} updated, {} removed",
        summary.elapsed.as_secs_f64(),
        summary.added,
        summary.updated,
        summary.removed
    )
}

/// The watcher's socket must fit in its address; if not, the user is told what to do.
fn socket_fits(socket: &Path) -> Result<()> {
    if !fits_in_an_address(socket) {
        return Err(Error::Usage(format!(
            "the watcher's socket {} would be {} bytes long, and the system takes at most \
             {LONGEST_SOCKET_PATH}: give the index folder a shorter path",
            socket.display(),
            socket.as_os_str().len()
        )));
    }
    Ok(())
}

/// The socket searches ask, in place of one a stopped watcher left (nothing listens on it).
fn listen(socket: &Path) -> Result<UnixListener> {
    let _ = std::fs::remove_file(socket);
    let listener = UnixListener::bind(socket).map_err(|e| Error::io(socket, e))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::io(socket, e))?;
    Ok(listener)
}

/// One watcher per index: a second would take the socket from under the first.
fn lock(index_dir: &Path) -> Result<File> {
    lock::try_lock(&index_dir.join(format!("{SOCKET_FILE}.lock")))?.ok_or_else(|| {
        Error::Usage(format!(
            "the index at {} is already served by another `dossier serve` (or `dossier watch`)",
            index_dir.display()
        ))
    })
}

/// The longest request read: a search's arguments, its query included.
const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// How long a client has to send its whole request. A command writes it as soon as it is
/// connected; this is well under the [`PATIENCE`] other clients wait for their answer, so
/// one that stalls cannot make them give up.
const REQUEST_PATIENCE: Duration = Duration::from_millis(250);

/// The first line a client sends (without its line feed), read within [`REQUEST_PATIENCE`]
/// in all: a client that sends a byte now and then, or nothing, holds the watcher no
/// longer. `None` when it does not come in time, is too long or is not text.
fn read_request(mut stream: &UnixStream) -> Option<String> {
    let deadline = Instant::now() + REQUEST_PATIENCE;
    let mut request = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || request.len() > MAX_REQUEST_BYTES {
            return None;
        }
        stream.set_read_timeout(Some(left)).ok()?;
        let read = match stream.read(&mut chunk) {
            Ok(read) => read,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        if read == 0 {
            break;
        }
        if let Some(end) = chunk[..read].iter().position(|&b| b == b'\n') {
            request.extend_from_slice(&chunk[..end]);
            break;
        }
        request.extend_from_slice(&chunk[..read]);
    }
    String::from_utf8(request).ok()
}

/// Runs the search `request` on the index's last commit; `None` if it fails (the search
/// then runs it itself, and reports why).
fn run_search(engine: &Engine, request: &SearchRequest) -> Option<SearchResults> {
    // tantivy panics on some damaged files instead of returning an error.
    std::panic::catch_unwind(AssertUnwindSafe(|| engine.search_last_commit(request)))
        .ok()?
        .ok()
}

/// A search the watcher vouched for, to run on the index it keeps open and answer on its
/// connection.
struct VouchedSearch {
    engine: Arc<Engine>,
    writer: UnixStream,
    request: SearchRequest,
}

impl VouchedSearch {
    fn run(mut self) {
        let _ = self.writer.write_all(format!("{SERVING}\n").as_bytes());
        match run_search(&self.engine, &self.request) {
            // A client that went meanwhile (its user pressed Ctrl-C) is no fault of the
            // index's.
            Some(results) => {
                let _ = write_served(&mut self.writer, &results);
            }
            None => {
                // The command runs it itself, and the next search here is run on the
                // index opened anew, in case that was the trouble.
                let _ = self.writer.write_all(b"failed\n");
                self.engine.forget_open_index();
            }
        }
    }
}

struct Watcher {
    inotify: Inotify,
    root: PathBuf,
    /// The corpus as searches name it.
    key: Option<String>,
    index_dir: Option<PathBuf>,
    /// The watched folders, to name the folders created in them.
    folders: HashMap<WatchDescriptor, PathBuf>,
    generation: u64,
    /// The files that changed since the last update started, relative to the corpus, as
    /// the events name them; `None` when only a walk of the whole corpus can tell what
    /// changed (a folder appeared or went, events were lost, a `metadata.tsv` changed).
    changed: Option<BTreeSet<PathBuf>>,
    current: Option<(u64, u64)>,
    /// Set when a folder could not be watched: from then on nothing is vouched for.
    blind: bool,
    /// The engine searches are run on, which keeps the index open between them.
    engine: Arc<Engine>,
    /// Searches are run for the same build of dossier only.
    build: String,
    buffer: Vec<u8>,
}

impl Watcher {
    fn new(corpus: &Path, root: PathBuf, index_dir: &Path, engine: Arc<Engine>) -> Result<Watcher> {
        let unwatchable = |reason: String| Error::Corpus {
            path: corpus.to_path_buf(),
            reason,
        };
        let mut watcher = Watcher {
            inotify: Inotify::init().map_err(|e| unwatchable(e.to_string()))?,
            root: root.clone(),
            key: corpus_key(&root),
            index_dir: index_dir.canonicalize().ok(),
            folders: HashMap::new(),
            generation: 0,
            changed: None,
            current: None,
            blind: false,
            engine,
            build: this_build(),
            buffer: vec![0; 64 * 1024],
        };
        watcher.watch_tree(&root).map_err(|e| {
            unwatchable(format!(
                "cannot watch every folder ({e}); if the system's limit is reached, raise \
                 fs.inotify.max_user_watches"
            ))
        })?;
        Ok(watcher)
    }

    /// Takes in the outcome of an update that started at `generation`: if it succeeded,
    /// the index is current with the corpus as it was then, and vouched for until the next
    /// change. (Its fingerprint was taken before it read anything, after `generation`.)
    /// A failure is said, unless it is the one said last, and makes the next update walk
    /// the whole corpus (what this one was to do may be half done); it returns now if the
    /// update is to be tried again with nothing changed.
    fn updated(
        &mut self,
        status: &SharedStatus,
        (generation, outcome): UpdateDone,
    ) -> Option<Instant> {
        let mut status = status.lock().unwrap_or_else(|e| e.into_inner());
        status.updating = false;
        match outcome {
            Ok(summary) => {
                if self.current.is_none_or(|(seen, _)| generation >= seen) {
                    self.current = Some((generation, summary.fingerprint));
                }
                status.last_update = Some(SystemTime::now());
                status.skipped = match summary.looked_at {
                    None => summary.skipped,
                    // What the update did not look at is skipped as before.
                    Some(paths) => {
                        let looked_at: HashSet<&str> = paths.iter().map(String::as_str).collect();
                        let mut skipped: Vec<Skipped> = std::mem::take(&mut status.skipped)
                            .into_iter()
                            .filter(|skipped| !looked_at.contains(ids::file_of(&skipped.path)))
                            .chain(summary.skipped)
                            .collect();
                        skipped.sort_by(|a, b| a.path.cmp(&b.path));
                        skipped
                    }
                };
                status.last_error = None;
                None
            }
            Err(UpdateFailure { reason, busy }) => {
                if status.last_error.as_ref() != Some(&reason) {
                    let when = if busy {
                        "trying again"
                    } else {
                        "trying again after a change"
                    };
                    eprintln!("dossier: the index could not be updated ({reason}); {when}");
                }
                status.last_error = Some(reason);
                self.changed = None;
                busy.then(Instant::now)
            }
        }
    }

    /// Watches `top` and every folder under it that the indexer walks into.
    fn watch_tree(&mut self, top: &Path) -> std::io::Result<()> {
        let is_folder = |entry: &Entry| matches!(entry.kind, Kind::Folder);
        let folders = walk(top, self.index_dir.as_deref(), &is_folder);
        let folders = std::iter::once(top.to_path_buf())
            .chain(folders.into_iter().map(|folder| top.join(folder.rel)));
        for folder in folders {
            match self.inotify.watches().add(&folder, CHANGES) {
                Ok(watch) => {
                    self.folders.insert(watch, folder);
                }
                // A folder removed meanwhile has been counted as a change already.
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Reads every queued event, counting those that can change the index and watching
    /// the folders that appear.
    fn drain(&mut self) {
        let mut appeared = Vec::new();
        let mut overflowed = false;
        loop {
            let events = match self.inotify.read_events(&mut self.buffer) {
                Ok(events) => events,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => {
                    self.go_blind(&format!("cannot read its events: {e}"));
                    return;
                }
            };
            for event in events {
                if event.mask.contains(EventMask::Q_OVERFLOW) {
                    overflowed = true;
                    self.generation += 1;
                    self.changed = None;
                    continue;
                }
                if event.mask.contains(EventMask::IGNORED) {
                    self.folders.remove(&event.wd);
                    continue;
                }
                let is_folder = event.mask.contains(EventMask::ISDIR);
                if let Some(name) = event.name {
                    if corpus::is_hidden(name)
                        || !(is_folder || corpus::is_looked_at(Path::new(name)))
                    {
                        continue;
                    }
                    // Watched anew after a change of permissions too: a folder that could
                    // not be read at first may be readable now.
                    let appears = EventMask::CREATE | EventMask::MOVED_TO | EventMask::ATTRIB;
                    if is_folder
                        && event.mask.intersects(appears)
                        && let Some(parent) = self.folders.get(&event.wd)
                    {
                        appeared.push(parent.join(name));
                    }
                    let file = self
                        .folders
                        .get(&event.wd)
                        .filter(|_| !is_folder && name != METADATA_FILE)
                        .and_then(|folder| {
                            folder
                                .join(name)
                                .strip_prefix(&self.root)
                                .ok()
                                .map(Path::to_path_buf)
                        });
                    match (file, &mut self.changed) {
                        (Some(file), Some(changed)) if changed.len() < MOST_NAMED => {
                            changed.insert(file);
                        }
                        _ => self.changed = None,
                    }
                } else {
                    // The watched folder itself was moved, removed or changed.
                    self.changed = None;
                }
                self.generation += 1;
            }
        }
        // What was written in a new folder before it was watched is not missed: the
        // folder's own appearance made the generation move on, so the next search
        // checks the corpus, after the folder is watched.
        let mut tops = appeared;
        if overflowed {
            tops = vec![self.root.clone()];
        }
        for top in tops {
            if let Err(e) = self.watch_tree(&top) {
                self.go_blind(&format!("cannot watch {}: {e}", top.display()));
            }
        }
    }

    fn go_blind(&mut self, why: &str) {
        if !self.blind {
            eprintln!("dossier: warning: the watcher {why}; searches check the corpus themselves");
        }
        self.blind = true;
    }

    /// Answers one connection: first every change queued so far, then the reply. A search
    /// it asks to run, and the watcher vouches for, is given back to be run.
    fn serve(&mut self, mut stream: UnixStream) -> Option<VouchedSearch> {
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_write_timeout(Some(PATIENCE));
        let request = read_request(&stream)?;
        self.drain();
        let request = request.trim_end();
        if let ["search", key, search] = request.split('\t').collect::<Vec<_>>()[..]
            && Some(key) == self.key.as_deref()
            && let Ok(search) = serde_json::from_str::<AskedSearch>(search)
            && search.build == self.build
            && self.vouches()
        {
            return Some(VouchedSearch {
                engine: Arc::clone(&self.engine),
                writer: stream,
                request: search.request,
            });
        }
        let reply = self.reply(request);
        let _ = stream.write_all(format!("{reply}\n").as_bytes());
        None
    }

    /// Whether this watcher vouches that the index is current: nothing changed since a
    /// search found it current with the fingerprint it records. (The engine reads the
    /// commit after this, so it holds at least the one that fingerprint describes.)
    fn vouches(&self) -> bool {
        let (Some((generation, fingerprint)), Some(index_dir)) =
            (self.current, self.index_dir.as_deref())
        else {
            return false;
        };
        !self.blind
            && generation == self.generation
            && fingerprint::recorded(index_dir) == Some(fingerprint)
    }

    fn reply(&mut self, request: &str) -> String {
        let fields: Vec<&str> = request.split('\t').collect();
        if fields.get(1).copied() != self.key.as_deref() {
            return "elsewhere".to_string();
        }
        match fields.as_slice() {
            // A search the watcher does not run is answered as a question.
            ["ask", _] | ["search", _, _] => {
                let current = match self.current {
                    Some((generation, fingerprint)) if !self.blind => {
                        format!("{generation}:{fingerprint:016x}")
                    }
                    _ => "-".to_string(),
                };
                format!("watching\t{}\t{current}", self.generation)
            }
            ["current", _, current] => {
                if let Some(found) = parse_current(current)
                    && self.current.is_none_or(|(seen, _)| found.0 >= seen)
                {
                    self.current = Some(found);
                }
                "ok".to_string()
            }
            _ => "unknown request".to_string(),
        }
    }
}
