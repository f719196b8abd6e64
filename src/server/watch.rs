//! Watching the corpus so that searches can skip the corpus check: `dossier watch` keeps an
//! inotify watch on every folder of the corpus and tells each search, over a socket in the
//! index folder, whether anything changed since the index was last found current.
//!
//! The corpus check stats every file, about a microsecond each: 70 ms on 57,000 files, more
//! than the search. The watcher makes the same promise for the price of one message. A
//! search asks; the watcher first reads every event the kernel has queued (a change that
//! finished before the search asked is queued by then, since the kernel queues it before
//! the writing call returns) and answers with the number of changes seen so far, the
//! *generation*, and the generation and fingerprint at which a search last found the index
//! current. The search trusts the index only if nothing changed since then and the index
//! still records that fingerprint. Otherwise it checks the corpus as without a watcher and,
//! once the index is current, says so with the generation it was given before it checked
//! and the fingerprint it took itself after that: a change during the check has a later
//! generation, so it is never taken as seen, and an update another process started earlier
//! is never vouched for by its older fingerprint.
//!
//! Once its folders are watched, the watcher checks the corpus itself, as a search would, so
//! that not even the first search after it starts pays for the check. A search asks the
//! watcher to run it: one that vouches for the index (and is of the same build) does, on
//! the index it keeps open, and sends back what the search prints; otherwise it answers the
//! question and the search runs itself. A search that had to
//! check a large corpus because no watcher answered starts one in the background, which
//! stops when no search has asked for [`IDLE_TIMEOUT`].
//!
//! What inotify cannot see, the watcher cannot: a write through a hard link from outside
//! the corpus, or a change made by another machine on a network drive.

use std::path::Path;
use std::time::Duration;

use crate::engine::served::{Rendered, SearchRequest};

/// Why a watcher stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// Its socket was removed, with the index folder say.
    SocketRemoved,
    /// No search asked for as long as it was told to wait.
    Idle,
}

/// The watcher's socket, in the index folder.
pub const SOCKET_FILE: &str = ".dossier-watch";

/// How long a search waits for the watcher before checking the corpus itself.
const PATIENCE: Duration = Duration::from_secs(1);

/// The longest path of a socket: what its address holds, less the final NUL.
const LONGEST_SOCKET_PATH: usize = 107;

/// Whether a socket at `socket` can be bound or reached: its path must fit in an address.
fn fits_in_an_address(socket: &Path) -> bool {
    socket.as_os_str().len() <= LONGEST_SOCKET_PATH
}

/// How long a watcher that a search started waits for the next search before it stops.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Starts `dossier watch` (the binary `exe`) in the background for `corpus` and the index
/// in `index_dir`, to stop after [`IDLE_TIMEOUT`] without a search. Its process ID, or
/// `None` if it could not be started or could not serve searches of that corpus.
#[cfg(target_os = "linux")]
pub fn start_in_background(exe: &Path, corpus: &Path, index_dir: &Path) -> Option<u32> {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};

    if !changes_are_reported(corpus) {
        return None;
    }
    // Searches could not reach it.
    if !fits_in_an_address(&index_dir.join(SOCKET_FILE)) {
        return None;
    }
    let corpus = corpus_key(corpus)?;
    let watcher = Command::new(exe)
        .arg("watch")
        .arg("--corpus")
        .arg(corpus)
        // From within the index folder, as `.`: the socket's path must fit in an address,
        // which the folder's absolute path might not leave room for.
        .current_dir(index_dir)
        .arg("--index")
        .arg(".")
        .arg("--idle-timeout")
        .arg(IDLE_TIMEOUT.as_secs().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // Its own process group: Ctrl-C at the terminal stops the search, not the watcher.
        .process_group(0)
        .spawn()
        .ok()?;
    Some(watcher.id())
}

/// Whether the system reports every change to the files in `folder`: yes on the local file
/// systems below; not on network ones (NFS, SMB, FUSE mounts such as sshfs), where changes
/// made by other machines go unreported, so that a watcher would vouch for a stale index.
#[cfg(target_os = "linux")]
fn changes_are_reported(folder: &Path) -> bool {
    // From linux/magic.h.
    const LOCAL: [u64; 12] = [
        0xEF53,      // ext2, ext3, ext4
        0x5846_5342, // xfs
        0x9123_683E, // btrfs
        0xF2F5_2010, // f2fs
        0x2FC1_2FC1, // zfs
        0x3153_464A, // jfs
        0x5265_4973, // reiserfs
        0x0102_1994, // tmpfs
        0x794C_7630, // overlayfs
        0x4D44,      // vfat
        0x2011_BAB0, // exfat
        0x7366_746E, // ntfs3
    ];
    rustix::fs::statfs(folder).is_ok_and(|fs| LOCAL.contains(&(fs.f_type as u64 & 0xFFFF_FFFF)))
}

#[cfg(not(target_os = "linux"))]
pub fn start_in_background(_: &Path, _: &Path, _: &Path) -> Option<u32> {
    None
}

/// What the watcher answered a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    /// How many changes the watcher has seen.
    pub generation: u64,
    /// The generation and fingerprint at which the index was last found current.
    pub current: Option<(u64, u64)>,
}

impl Answer {
    /// Whether the index, which records the corpus fingerprint `recorded`, is current
    /// without checking the corpus: nothing changed since a search found it current with
    /// that very fingerprint.
    pub fn vouches_for(&self, recorded: Option<u64>) -> bool {
        match (self.current, recorded) {
            (Some((generation, fingerprint)), Some(recorded)) => {
                generation == self.generation && fingerprint == recorded
            }
            _ => false,
        }
    }
}

/// Asks the watcher of the index in `index_dir`, if one runs for `corpus`. `None` (check
/// the corpus) when there is none, it watches another corpus, or it does not answer.
pub fn ask(index_dir: &Path, corpus: &Path) -> Option<Answer> {
    Question::send(index_dir, corpus)?.answer()
}

/// A question sent to the watcher whose answer may not have been read yet: the watcher
/// works out its answer on its own while the search opens the index.
pub struct Question(Asked);

enum Asked {
    Pending(Connection),
    /// Read already, with a search the watcher did not answer itself.
    Answered(Option<Answer>),
}

impl Question {
    /// Asks the watcher of the index in `index_dir`, if one runs, about `corpus`.
    pub fn send(index_dir: &Path, corpus: &Path) -> Option<Question> {
        let request = format!("ask\t{}", corpus_key(corpus)?);
        Some(Question(Asked::Pending(Connection::send(
            index_dir, &request,
        )?)))
    }

    /// The watcher's answer; `None` (check the corpus) when it watches another corpus or
    /// does not answer.
    pub fn answer(self) -> Option<Answer> {
        match self.0 {
            Asked::Pending(connection) => parse_answer(&connection.reply()?),
            Asked::Answered(answer) => answer,
        }
    }
}

fn parse_answer(reply: &str) -> Option<Answer> {
    let mut fields = reply.split('\t');
    let (Some("watching"), Some(generation), Some(current)) =
        (fields.next(), fields.next(), fields.next())
    else {
        return None;
    };
    Some(Answer {
        generation: generation.parse().ok()?,
        current: parse_current(current),
    })
}

/// How the watcher took a search.
pub enum SearchReply {
    /// It ran the search itself: it vouches that the index is current.
    Served(Rendered),
    /// It did not: the search is to be run here, with this answer.
    Unserved(Question),
}

/// Asks the watcher of the index in `index_dir`, if one runs, to run `request` on the
/// index of `corpus`. `None` when no watcher listens.
pub fn ask_to_search(
    index_dir: &Path,
    corpus: &Path,
    request: &SearchRequest,
) -> Option<SearchReply> {
    let request = format!(
        "search\t{}\t{}",
        corpus_key(corpus)?,
        serde_json::to_string(request).ok()?
    );
    let unserved = |answer| Some(SearchReply::Unserved(Question(Asked::Answered(answer))));
    let mut reply = Connection::send(index_dir, &request)?.into_reader();
    let Some(first) = read_line(&mut reply) else {
        return unserved(None);
    };
    if first != SERVING {
        return unserved(parse_answer(&first));
    }
    // Searching may take longer than answering: the watcher has said it is on it.
    wait_for_search(&reply);
    match read_served(&mut reply) {
        Some(rendered) => Some(SearchReply::Served(rendered)),
        None => unserved(None),
    }
}

/// The first line of the watcher's reply to a search it runs itself.
const SERVING: &str = "serving";

/// How long a search waits for the watcher to run it, once the watcher said it would.
const SEARCH_PATIENCE: Duration = Duration::from_secs(60);

/// `served\t<found: 0 or 1>\t<stdout bytes>\t<notes bytes>`, then those bytes; the notes
/// one to a line. Written at once: each write wakes the search.
fn write_served(out: &mut impl std::io::Write, rendered: &Rendered) -> std::io::Result<()> {
    let notes = rendered.notes.join("\n");
    let mut reply = format!(
        "served\t{}\t{}\t{}\n",
        u8::from(rendered.found),
        rendered.stdout.len(),
        notes.len()
    )
    .into_bytes();
    reply.extend_from_slice(&rendered.stdout);
    reply.extend_from_slice(notes.as_bytes());
    out.write_all(&reply)
}

fn read_served(reply: &mut impl std::io::BufRead) -> Option<Rendered> {
    let header = read_line(reply)?;
    let fields: Vec<&str> = header.split('\t').collect();
    let ["served", found, stdout_bytes, notes_bytes] = fields.as_slice() else {
        return None;
    };
    let mut stdout = vec![0; stdout_bytes.parse().ok()?];
    reply.read_exact(&mut stdout).ok()?;
    let mut notes = vec![0; notes_bytes.parse().ok()?];
    reply.read_exact(&mut notes).ok()?;
    let notes = String::from_utf8(notes).ok()?;
    Some(Rendered {
        stdout,
        notes: notes.lines().map(str::to_string).collect(),
        found: *found == "1",
    })
}

#[cfg(unix)]
fn wait_for_search(reply: &std::io::BufReader<std::os::unix::net::UnixStream>) {
    let _ = reply.get_ref().set_read_timeout(Some(SEARCH_PATIENCE));
}

#[cfg(not(unix))]
fn wait_for_search(_: &std::io::BufReader<std::io::Empty>) {}

/// One line, without its line break; `None` at the end or on an error (a time-out).
fn read_line(reader: &mut impl std::io::BufRead) -> Option<String> {
    let mut line = String::new();
    match reader.read_line(&mut line) {
        Ok(n) if n > 0 => Some(line.trim_end_matches(['\n', '\r']).to_string()),
        _ => None,
    }
}

/// Tells the watcher that the index, recording `fingerprint`, was found current by a check
/// that began after the watcher answered `answer`.
pub fn tell_current(index_dir: &Path, corpus: &Path, answer: &Answer, fingerprint: u64) {
    if let Some(corpus) = corpus_key(corpus) {
        let generation = answer.generation;
        let request = format!("current\t{corpus}\t{generation}:{fingerprint:016x}");
        // Waits for the reply: the watcher has taken the news in once it answers.
        Connection::send(index_dir, &request).and_then(Connection::reply);
    }
}

/// The corpus as both sides name it: its canonical path, if that fits on a line.
fn corpus_key(corpus: &Path) -> Option<String> {
    let path = corpus.canonicalize().ok()?;
    let path = path.to_str()?;
    (!path.contains(['\t', '\n'])).then(|| path.to_string())
}

/// `generation:fingerprint`, or `-` for none.
fn parse_current(text: &str) -> Option<(u64, u64)> {
    let (generation, fingerprint) = text.split_once(':')?;
    Some((
        generation.parse().ok()?,
        u64::from_str_radix(fingerprint, 16).ok()?,
    ))
}

/// One request line sent to the watcher, its reply still to be read.
#[cfg(unix)]
struct Connection(std::os::unix::net::UnixStream);

#[cfg(unix)]
impl Connection {
    fn send(index_dir: &Path, request: &str) -> Option<Connection> {
        use std::io::Write;

        let mut stream =
            std::os::unix::net::UnixStream::connect(index_dir.join(SOCKET_FILE)).ok()?;
        stream.set_read_timeout(Some(PATIENCE)).ok()?;
        stream.set_write_timeout(Some(PATIENCE)).ok()?;
        stream.write_all(format!("{request}\n").as_bytes()).ok()?;
        Some(Connection(stream))
    }

    fn into_reader(self) -> std::io::BufReader<std::os::unix::net::UnixStream> {
        std::io::BufReader::new(self.0)
    }

    /// The reply's one line.
    fn reply(self) -> Option<String> {
        read_line(&mut self.into_reader())
    }
}

/// No watcher runs where there are no Unix sockets.
#[cfg(not(unix))]
struct Connection(std::io::Empty);

#[cfg(not(unix))]
impl Connection {
    fn send(_: &Path, _: &str) -> Option<Connection> {
        None
    }

    fn into_reader(self) -> std::io::BufReader<std::io::Empty> {
        std::io::BufReader::new(self.0)
    }

    fn reply(self) -> Option<String> {
        None
    }
}

#[cfg(target_os = "linux")]
pub use watcher::watch;

#[cfg(target_os = "linux")]
mod watcher {
    use std::collections::HashMap;
    use std::fs::File;
    use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::panic::AssertUnwindSafe;
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    use inotify::{EventMask, Inotify, WatchDescriptor, WatchMask};
    use rustix::event::{PollFd, PollFlags, Timespec, poll};

    use super::{
        LONGEST_SOCKET_PATH, PATIENCE, SERVING, SOCKET_FILE, Stopped, corpus_key,
        fits_in_an_address, parse_current, write_served,
    };
    use crate::corpus;
    use crate::engine::served::{Rendered, SearchRequest, render_search, this_build};
    use crate::error::{Error, Result};
    use crate::index::DossierIndex;
    use crate::index::lock;
    use crate::query::UserQuery;
    use crate::update::fingerprint::{self, Fingerprint};

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

    /// Watches `corpus` for the index in `index_dir`, answering searches, until the socket
    /// is removed (with the index folder, say) or, given `idle_timeout`, no search asked for
    /// that long. `ready` is told how many folders are watched.
    pub fn watch(
        corpus: &Path,
        index_dir: &Path,
        idle_timeout: Option<Duration>,
        ready: impl FnOnce(usize),
    ) -> Result<Stopped> {
        // Before anything is created: a mistyped corpus leaves no index folder behind.
        let root = corpus.canonicalize().map_err(|e| Error::Corpus {
            path: corpus.to_path_buf(),
            reason: e.to_string(),
        })?;
        let socket = index_dir.join(SOCKET_FILE);
        socket_fits(&socket)?;
        std::fs::create_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
        let _only_watcher = lock(index_dir)?;
        let listener = listen(&socket)?;
        let mut watcher = Watcher::new(corpus, root, index_dir)?;
        watcher.check_corpus(index_dir);
        ready(watcher.folders.len());
        let tick = Timespec {
            tv_sec: 1,
            tv_nsec: 0,
        };
        let mut last_asked = Instant::now();
        while socket.exists() {
            if idle_timeout.is_some_and(|timeout| last_asked.elapsed() >= timeout) {
                // The socket is this watcher's (it holds the lock): a search that finds
                // none checks the corpus itself.
                let _ = std::fs::remove_file(&socket);
                return Ok(Stopped::Idle);
            }
            let mut ready = [
                PollFd::new(&watcher.inotify, PollFlags::IN),
                PollFd::new(&listener, PollFlags::IN),
            ];
            match poll(&mut ready, Some(&tick)) {
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(Error::io(&socket, e.into())),
            }
            // Drained whether or not events woke the loop: a search may have, and its
            // answer must count what happened before it asked.
            watcher.drain();
            while let Ok((stream, _)) = listener.accept() {
                watcher.serve(stream);
                last_asked = Instant::now();
            }
        }
        Ok(Stopped::SocketRemoved)
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
                "the index at {} is already watched by another `dossier watch`",
                index_dir.display()
            ))
        })
    }

    /// The longest request read: a search's arguments, its query included.
    const MAX_REQUEST_BYTES: u64 = 1024 * 1024;

    /// Runs the search `request` on `index` of the dossier in `corpus`; `None` if it fails
    /// (the search then runs it itself, and reports why).
    fn run_search(
        index: &DossierIndex,
        corpus: &Path,
        request: &SearchRequest,
    ) -> Option<Rendered> {
        let query = UserQuery::read(&request.query).ok()?;
        // tantivy panics on some damaged files instead of returning an error.
        std::panic::catch_unwind(AssertUnwindSafe(|| {
            render_search(index, corpus, request, &query)
        }))
        .ok()?
        .ok()
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
        current: Option<(u64, u64)>,
        /// Set when a folder could not be watched: from then on nothing is vouched for.
        blind: bool,
        /// The index as searches were last run on it, with the `meta.json` of its commit.
        opened: Option<(Vec<u8>, DossierIndex)>,
        /// Searches are run for the same build of dossier only.
        build: String,
        buffer: Vec<u8>,
    }

    impl Watcher {
        fn new(corpus: &Path, root: PathBuf, index_dir: &Path) -> Result<Watcher> {
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
                current: None,
                blind: false,
                opened: None,
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

        /// Checks the corpus once its folders are watched, as a search would, and if the
        /// index is current, vouches for it from the generation before the check: then not
        /// even the first search after the watcher starts checks the corpus.
        fn check_corpus(&mut self, index_dir: &Path) {
            self.drain();
            let generation = self.generation;
            let Ok(taken) = Fingerprint::take(&self.root, index_dir) else {
                return;
            };
            // Read after the fingerprint was taken, as `indexer::pending_changes` does: a
            // fingerprint recorded by then describes a commit made by then.
            if fingerprint::recorded(index_dir) == Some(taken.value) {
                self.current = Some((generation, taken.value));
            }
        }

        /// Watches `top` and every folder under it that the indexer walks into.
        fn watch_tree(&mut self, top: &Path) -> std::io::Result<()> {
            let index_dir = self.index_dir.clone();
            let folders = walkdir::WalkDir::new(top)
                .into_iter()
                .filter_entry(|entry| {
                    entry.file_type().is_dir()
                        && !(entry.depth() > 0 && corpus::is_hidden(entry.file_name()))
                        && !corpus::is_index_folder(entry.path(), index_dir.as_deref())
                });
            for folder in folders {
                // A folder removed meanwhile has been counted as a change already.
                let Ok(folder) = folder else { continue };
                match self.inotify.watches().add(folder.path(), CHANGES) {
                    Ok(watch) => {
                        self.folders.insert(watch, folder.into_path());
                    }
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
                eprintln!(
                    "dossier: warning: the watcher {why}; searches check the corpus themselves"
                );
            }
            self.blind = true;
        }

        /// Answers one search: first every change queued so far, then the reply; a search
        /// it asks to run, the watcher runs itself if it vouches for the index.
        fn serve(&mut self, stream: UnixStream) {
            let _ = stream.set_nonblocking(false);
            let _ = stream.set_read_timeout(Some(PATIENCE));
            let _ = stream.set_write_timeout(Some(PATIENCE));
            let mut request = String::new();
            let Ok(mut writer) = stream.try_clone() else {
                return;
            };
            if BufReader::new(stream.take(MAX_REQUEST_BYTES))
                .read_line(&mut request)
                .is_err()
            {
                return;
            }
            self.drain();
            let request = request.trim_end();
            let corpus = self.root.clone();
            if let ["search", key, search] = request.split('\t').collect::<Vec<_>>()[..]
                && Some(key) == self.key.as_deref()
                && let Ok(search) = serde_json::from_str::<SearchRequest>(search)
                && search.build == self.build
                && let Some(index) = self.vouched_index()
            {
                let _ = writer.write_all(format!("{SERVING}\n").as_bytes());
                let sent = match run_search(index, &corpus, &search) {
                    Some(rendered) => write_served(&mut writer, &rendered).is_ok(),
                    None => {
                        let _ = writer.write_all(b"failed\n");
                        false
                    }
                };
                if !sent {
                    // The search failed, or gave up waiting: it runs it itself, and the
                    // next one here is run on the index opened anew, in case that was the
                    // trouble.
                    self.opened = None;
                }
                return;
            }
            let reply = self.reply(request);
            let _ = writer.write_all(format!("{reply}\n").as_bytes());
        }

        /// The index, open, if this watcher vouches that it is current: nothing changed
        /// since a search found it current with the fingerprint it records. It is opened
        /// again when its last commit changes.
        fn vouched_index(&mut self) -> Option<&DossierIndex> {
            let (generation, fingerprint) = self.current?;
            let index_dir = self.index_dir.as_deref()?;
            let vouched = !self.blind
                && generation == self.generation
                && fingerprint::recorded(index_dir) == Some(fingerprint);
            if !vouched {
                return None;
            }
            // Read after the fingerprint: the commit it describes was made by then. Its
            // whole text, not its time: two commits can share a clock tick.
            let commit = std::fs::read(index_dir.join("meta.json")).ok()?;
            if self
                .opened
                .as_ref()
                .is_none_or(|(opened, _)| *opened != commit)
            {
                self.opened = DossierIndex::open(index_dir)
                    .ok()
                    .map(|index| (commit, index));
            }
            self.opened.as_ref().map(|(_, index)| index)
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
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn only_a_local_file_system_gets_a_watcher_unasked() {
        let local = tempfile::tempdir().unwrap();
        assert!(changes_are_reported(local.path()));
        // procfs and sysfs stand in for the network file systems a test cannot mount: file
        // systems not known to report every change.
        assert!(!changes_are_reported(Path::new("/proc/self")));
        assert!(!changes_are_reported(Path::new("/sys")));
    }
}
