//! Talking to a running `dossier serve` (its watcher, see [`crate::server::watch`]): asking
//! whether the corpus changed, asking it to run a search, telling it the index was found
//! current. Both sides' share of the protocol is here. No search ever starts a server: only
//! the user does.
//!
//! The corpus check stats every file, which on a large corpus costs more than the search.
//! The watcher makes the same promise for the price of one message. A search asks; the
//! watcher first reads every event the kernel has queued (a change that finished before
//! the search asked is queued by then, since the kernel queues it before the writing call
//! returns) and answers with the number of changes seen so far, the *generation*, and the
//! generation and fingerprint at which a search last found the index current. The search
//! trusts the index only if nothing changed since then and the index still records that
//! fingerprint. Otherwise it checks the corpus as without a watcher and, once the index is
//! current, says so with the generation it was given before it checked and the fingerprint
//! it took itself after that: a change during the check has a later generation, so it is
//! never taken as seen, and an update another process started earlier is never vouched for
//! by its older fingerprint.
//!
//! A search asks the watcher to run it: one that vouches for the index (and is of the same
//! build) does, on the index it keeps open, and sends back the results as plain data, which
//! the asking process renders as it would its own; otherwise it answers the question and
//! the search runs in the asking process.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::search::{SearchRequest, SearchResults};

/// The watcher's socket, in the index folder.
pub const SOCKET_FILE: &str = ".dossier-watch";

/// How long a search waits for the watcher before checking the corpus itself.
pub(crate) const PATIENCE: Duration = Duration::from_secs(1);

/// The longest path of a socket: what its address holds, less the final NUL.
pub(crate) const LONGEST_SOCKET_PATH: usize = 107;

/// Whether a socket at `socket` can be bound or reached: its path must fit in an address.
pub(crate) fn fits_in_an_address(socket: &Path) -> bool {
    socket.as_os_str().len() <= LONGEST_SOCKET_PATH
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
    Served(SearchResults),
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
    let asked = AskedSearch {
        build: this_build(),
        request: request.clone(),
    };
    let request = format!(
        "search\t{}\t{}",
        corpus_key(corpus)?,
        serde_json::to_string(&asked).ok()?
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
        Some(results) => Some(SearchReply::Served(results)),
        None => unserved(None),
    }
}

/// The first line of the watcher's reply to a search it runs itself.
pub(crate) const SERVING: &str = "serving";

/// How long a search waits for the watcher to run it, once the watcher said it would.
const SEARCH_PATIENCE: Duration = Duration::from_secs(60);

/// A search as sent to the watcher: the request, and the build of dossier that asks (see
/// [`this_build`]). A watcher of another build leaves the search to the asking process, so
/// that a new version never prints what an old one would.
#[derive(Serialize, Deserialize)]
pub(crate) struct AskedSearch {
    pub build: String,
    pub request: SearchRequest,
}

/// This build of dossier: its version and the time its executable was written. A watcher
/// whose executable was replaced since it started finds none (the path it had is gone).
pub(crate) fn this_build() -> String {
    let written = std::env::current_exe()
        .and_then(std::fs::metadata)
        .and_then(|file| file.modified());
    match written {
        Ok(time) => format!("{} {time:?}", env!("CARGO_PKG_VERSION")),
        Err(_) => "unknown".to_string(),
    }
}

/// `served\t<bytes>`, then the results as that many bytes of JSON. Written at once: each
/// write wakes the search.
pub(crate) fn write_served(
    out: &mut impl std::io::Write,
    results: &SearchResults,
) -> std::io::Result<()> {
    let json = serde_json::to_vec(results).map_err(std::io::Error::other)?;
    let mut reply = format!("served\t{}\n", json.len()).into_bytes();
    reply.extend_from_slice(&json);
    out.write_all(&reply)
}

fn read_served(reply: &mut impl std::io::BufRead) -> Option<SearchResults> {
    let header = read_line(reply)?;
    let bytes: usize = header.strip_prefix("served\t")?.parse().ok()?;
    let mut json = vec![0; bytes];
    reply.read_exact(&mut json).ok()?;
    serde_json::from_slice(&json).ok()
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
pub(crate) fn corpus_key(corpus: &Path) -> Option<String> {
    let path = corpus.canonicalize().ok()?;
    let path = path.to_str()?;
    (!path.contains(['\t', '\n'])).then(|| path.to_string())
}

/// `generation:fingerprint`, or `-` for none.
pub(crate) fn parse_current(text: &str) -> Option<(u64, u64)> {
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
