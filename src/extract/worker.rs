//! Reading a file in a worker process, so that a reader that hangs, runs out of memory,
//! overflows its stack or aborts costs that file alone, never the run.
//!
//! Every format but plain text is read by `dossier` running itself (`dossier read-worker`,
//! a hidden command): [`Workers::read`] sends the file's bytes to a worker and waits for the
//! documents read from them ([`read_nested`]'s answer, as plain data), at most
//! [`Limits::time`] (more while the worker runs a program, which has a time limit of its
//! own: see `program::BEFORE_START`), and never more than [`Limits::file_time`] for the
//! file and every document inside it, whatever programs they run; the worker's address
//! space is capped at [`Limits::memory_bytes`], which the programs it runs inherit. A worker
//! that passes its time is killed, with the programs it runs; one that dies is replaced.
//! The file is then skipped with [`SkipReason::TimedOut`], [`SkipReason::OutOfMemory`] or
//! [`SkipReason::ReaderCrashed`]. A panic in a reader is caught in the worker, which goes
//! on. Plain text is decoded in the indexing process: that is a pass over the bytes, bounded
//! in time and memory by the file's size.
//!
//! The file's time is kept in the worker too: a program it starts may run no longer than
//! what is left of it, and once it has run out, the documents inside the file not read yet
//! are skipped with [`SkipReason::FileTimedOut`] (see [`embedded`](super::embedded)) and
//! the worker answers with those read, which are kept: an archive of scans that takes
//! hours keeps the hour of reading it had. The process waiting for the worker gives it
//! [`ANSWER_GRACE`] more to answer before it kills it.
//!
//! Workers are kept for the next file (one process per file would cost a start, about 3 ms,
//! for each): at most one per thread that reads, as many as read in parallel. A file whose
//! worker died after reading others is read again by a new one, so that what one file left
//! behind in a worker cannot cost the next (a file past the time limit is not read again).
//!
//! The limits can be lowered (or raised) by `DOSSIER_READ_TIME_LIMIT_MS`,
//! `DOSSIER_READ_FILE_TIME_LIMIT_MS` and `DOSSIER_READ_MEMORY_LIMIT_MIB`: the tests make
//! real readers pass them so.
//!
//! Between the processes: the worker reads requests on its standard input, each a frame
//! (a length, then that many bytes of JSON) then the file's bytes; it answers on its
//! standard output with frames, any number of [`Frame::MoreTime`] then one [`Frame::Done`].

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::embedded::{FileTime, Inner, read_nested};
use super::program::TimeAllowed;
use super::{Extracted, Format, ReadSettings, SkipReason};

/// The longest a worker may read one file, besides the time its programs are given.
pub const TIME_LIMIT: Duration = Duration::from_secs(120);

/// The longest one file may take in all, its programs and the documents inside it
/// included: every program a reader runs has a limit of its own, and a ZIP of 10,000 PDFs
/// whose `pdftotext` hangs would otherwise hold a worker for a week. An hour is more than
/// the longest document alone may take (a PDF of scans: 30 min of OCR, and its programs'
/// minutes), so it stops only containers that hold hours of work, or a file that is made
/// to hang.
pub const FILE_TIME_LIMIT: Duration = Duration::from_secs(60 * 60);

/// How long a worker whose file's time ran out is given to answer with what it read (its
/// programs are stopped at that time): past it, it is killed, and nothing of the file kept.
pub const ANSWER_GRACE: Duration = Duration::from_secs(10);

/// The most memory (address space) a worker may take, with each program it runs: a file
/// may be 512 MiB (`MAX_FILE_BYTES`), held with its text.
pub const MEMORY_LIMIT: u64 = 2 * 1024 * 1024 * 1024;

const MIB: u64 = 1024 * 1024;

/// The hidden command that makes `dossier` a worker.
pub const COMMAND: &str = "read-worker";

/// How much of a worker's error output is kept, to say why it died.
const MAX_STDERR_BYTES: usize = 4096;

/// What a worker may spend on one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// For the worker's own reading, besides the time of the programs it runs.
    pub time: Duration,
    /// For one file in all, whatever programs run and documents are inside it.
    pub file_time: Duration,
    pub memory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            time: TIME_LIMIT,
            file_time: FILE_TIME_LIMIT,
            memory_bytes: MEMORY_LIMIT,
        }
    }
}

impl Limits {
    /// The default limits, or those the environment sets (see the module's doc).
    pub fn from_env() -> Limits {
        let number = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|value| value.trim().parse::<u64>().ok())
        };
        let default = Limits::default();
        Limits {
            time: number("DOSSIER_READ_TIME_LIMIT_MS").map_or(default.time, Duration::from_millis),
            file_time: number("DOSSIER_READ_FILE_TIME_LIMIT_MS")
                .map_or(default.file_time, Duration::from_millis),
            memory_bytes: number("DOSSIER_READ_MEMORY_LIMIT_MIB")
                .map_or(default.memory_bytes, |mib| mib.saturating_mul(MIB)),
        }
    }
}

/// A file to read, as the worker gets it; its bytes follow.
#[derive(Serialize, Deserialize)]
struct Request {
    format: Format,
    /// The file's path as bytes: a name need not be UTF-8.
    path: Vec<u8>,
    ocr_languages: String,
    /// The file's time in all ([`Limits::file_time`]), in milliseconds.
    file_time_millis: u64,
    size: u64,
}

/// A file read: the file's own document and those inside it.
type NestedRead = Result<(Extracted, Vec<Inner>), SkipReason>;

/// What a worker says while it reads a file.
#[derive(Serialize, Deserialize)]
enum Frame {
    /// It starts a program that has a time limit of its own, this long.
    MoreTime { millis: u64 },
    /// The file is read.
    Done(Box<NestedRead>),
}

/// The workers of one update, started as they are needed.
pub struct Workers {
    program: PathBuf,
    limits: Limits,
    idle: Mutex<Vec<Worker>>,
}

/// A worker process, and the threads that read what it writes.
struct Worker {
    child: Child,
    requests: BufWriter<ChildStdin>,
    frames: Receiver<Frame>,
    stderr: Option<JoinHandle<String>>,
    files_read: usize,
}

/// Why a worker gave no answer.
enum Failure {
    /// It could not be started, or its pipe failed: nothing to do with the file.
    Start(String),
    /// It passed this time limit.
    TimedOut(Duration),
    Died(SkipReason),
}

impl Workers {
    /// Workers that are this `dossier` program, with `limits`.
    pub fn new(limits: Limits) -> Workers {
        let program = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("dossier"));
        Workers {
            program,
            limits,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Reads the file at `path`, whose bytes are `bytes`, as `format`, with the documents
    /// inside it, in a worker.
    pub fn read(
        &self,
        format: Format,
        path: &Path,
        bytes: &[u8],
        settings: &ReadSettings,
    ) -> NestedRead {
        let request = Request {
            format,
            path: path_bytes(path),
            ocr_languages: settings.ocr_languages.clone(),
            file_time_millis: self.limits.file_time.as_millis() as u64,
            size: bytes.len() as u64,
        };
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let had_read_others = idle.is_some();
        let outcome = match idle {
            Some(worker) => self.read_in(worker, &request, bytes),
            None => self.start().and_then(|w| self.read_in(w, &request, bytes)),
        };
        let outcome = match outcome {
            Err(Failure::Died(_) | Failure::Start(_)) if had_read_others => {
                self.start().and_then(|w| self.read_in(w, &request, bytes))
            }
            outcome => outcome,
        };
        match outcome {
            Ok((worker, read)) => {
                if let Ok(mut idle) = self.idle.lock() {
                    idle.push(worker);
                }
                read
            }
            Err(Failure::Start(why)) => Err(SkipReason::SystemFailed(format!(
                "could not start a process to read it: {why}"
            ))),
            Err(Failure::TimedOut(limit)) => Err(SkipReason::TimedOut { limit }),
            Err(Failure::Died(reason)) => Err(reason),
        }
    }

    fn start(&self) -> Result<Worker, Failure> {
        let mut command = Command::new(&self.program);
        command
            .arg(COMMAND)
            .arg("--memory-limit-mib")
            .arg((self.limits.memory_bytes / MIB).max(1).to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // A group of its own: a worker past its time is killed with the programs it runs.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        super::program::die_with_this_process(&mut command);
        let mut child = command.spawn().map_err(|e| Failure::Start(e.to_string()))?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Failure::Start("no pipe to it".to_string()));
        };
        let (sender, frames) = mpsc::channel();
        thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            while let Ok(Some(frame)) = read_frame::<Frame>(&mut stdout) {
                if sender.send(frame).is_err() {
                    break;
                }
            }
        });
        let stderr = thread::spawn(move || keep_tail(stderr));
        Ok(Worker {
            child,
            requests: BufWriter::new(stdin),
            frames,
            stderr: Some(stderr),
            files_read: 0,
        })
    }

    /// Sends `request` to `worker` and waits for its answer, within the time limits: its own
    /// and its programs', and the file's in all (with a grace to answer).
    fn read_in(
        &self,
        mut worker: Worker,
        request: &Request,
        bytes: &[u8],
    ) -> Result<(Worker, NestedRead), Failure> {
        let sent = write_frame(&mut worker.requests, request)
            .and_then(|()| worker.requests.write_all(bytes))
            .and_then(|()| worker.requests.flush());
        if sent.is_err() {
            // It died, or was dead already; why is on its way.
            return Err(worker.died(self.limits));
        }
        let started = Instant::now();
        let mut deadline = started + self.limits.time;
        let last_deadline = started + self.limits.file_time + ANSWER_GRACE;
        loop {
            let left = deadline
                .min(last_deadline)
                .saturating_duration_since(Instant::now());
            match worker.frames.recv_timeout(left) {
                Ok(Frame::MoreTime { millis }) => deadline += Duration::from_millis(millis),
                Ok(Frame::Done(read)) => {
                    worker.files_read += 1;
                    return Ok((worker, *read));
                }
                Err(RecvTimeoutError::Timeout) if deadline < last_deadline => {
                    return Err(Failure::TimedOut(self.limits.time));
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(Failure::TimedOut(self.limits.file_time));
                }
                Err(RecvTimeoutError::Disconnected) => return Err(worker.died(self.limits)),
            }
        }
    }
}

impl Worker {
    /// Why it died: it is waited for, and its error output read.
    fn died(mut self, limits: Limits) -> Failure {
        let status = self.child.wait();
        let stderr = self
            .stderr
            .take()
            .and_then(|thread| thread.join().ok())
            .unwrap_or_default();
        match status {
            Ok(status) => Failure::Died(why_it_died(status, &stderr, limits)),
            Err(error) => Failure::Start(error.to_string()),
        }
    }
}

impl Drop for Worker {
    /// Killed (with the programs it runs, if any) and waited for: no process outlives a run.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            kill_group(&self.child);
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

#[cfg(target_os = "linux")]
fn kill_group(child: &Child) {
    use rustix::process::{Pid, Signal, kill_process_group};
    let _ = kill_process_group(Pid::from_child(child), Signal::KILL);
}

#[cfg(not(target_os = "linux"))]
fn kill_group(_: &Child) {}

/// The reason a file is skipped whose worker ended with `status`, having written `stderr`.
fn why_it_died(status: ExitStatus, stderr: &str, limits: Limits) -> SkipReason {
    // Rust's own words, as an allocation fails or the stack overflows.
    if stderr.contains("memory allocation of") {
        return SkipReason::OutOfMemory {
            limit_mib: limits.memory_bytes / MIB,
        };
    }
    if stderr.contains("has overflowed its stack") {
        return SkipReason::ReaderCrashed {
            how: "its stack overflowed".to_string(),
        };
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        let how = match signal {
            6 => "it aborted".to_string(),
            9 => "it was killed by SIGKILL, by hand or by the system short of memory".to_string(),
            11 => "a segmentation fault".to_string(),
            signal => format!("it was killed by signal {signal}"),
        };
        return SkipReason::ReaderCrashed { how };
    }
    let said = stderr
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .map(|line| format!(": {}", super::program::one_line(line, 200)))
        .unwrap_or_default();
    SkipReason::ReaderCrashed {
        how: match status.code() {
            Some(code) => format!("it ended with exit code {code} before answering{said}"),
            None => format!("it ended before answering{said}"),
        },
    }
}

/// The last [`MAX_STDERR_BYTES`] bytes of what a worker writes on its error output, read to
/// its end, lossily decoded.
fn keep_tail(mut from: impl Read) -> String {
    let mut tail = Vec::new();
    let mut buffer = [0; 4096];
    while let Ok(n) = from.read(&mut buffer) {
        if n == 0 {
            break;
        }
        tail.extend_from_slice(&buffer[..n]);
        if tail.len() > 2 * MAX_STDERR_BYTES {
            tail.drain(..tail.len() - MAX_STDERR_BYTES);
        }
    }
    String::from_utf8_lossy(&tail).into_owned()
}

fn write_frame(to: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    let json = serde_json::to_vec(value).map_err(io::Error::other)?;
    to.write_all(&(json.len() as u64).to_le_bytes())?;
    to.write_all(&json)
}

/// The next frame; `None` at the end of the input.
fn read_frame<T: for<'de> Deserialize<'de>>(from: &mut impl Read) -> io::Result<Option<T>> {
    let mut length = [0; 8];
    match from.read_exact(&mut length) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error),
    }
    let mut json = vec![0; u64::from_le_bytes(length) as usize];
    from.read_exact(&mut json)?;
    serde_json::from_slice(&json)
        .map(Some)
        .map_err(io::Error::other)
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec()
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(<std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(bytes))
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

/// The time of the file the worker reads; `None` before the first and between files.
static FILE_TIME: Mutex<Option<FileTime>> = Mutex::new(None);

/// A program is started which has `limit` of its own to run: it is allowed that, or what is
/// left of the file's time if less, and the indexing process is told that the file may take
/// that much longer.
fn allow_more_time(limit: Duration) -> TimeAllowed {
    let file_time = FILE_TIME.lock().ok().and_then(|time| *time);
    let allowed = match file_time.map(|time| (time.left(), time.limit)) {
        Some((left, file_limit)) if left < limit => TimeAllowed {
            time: left,
            file_limit: Some(file_limit),
        },
        _ => TimeAllowed {
            time: limit,
            file_limit: None,
        },
    };
    let frame = Frame::MoreTime {
        millis: allowed.time.as_millis() as u64,
    };
    let mut stdout = io::stdout().lock();
    let _ = write_frame(&mut stdout, &frame).and_then(|()| stdout.flush());
    allowed
}

/// The worker's side (`dossier read-worker`): with its memory capped at `memory_bytes`,
/// reads the files it is sent, one after the other, until its input ends.
pub fn serve(memory_bytes: u64) -> io::Result<()> {
    bound_memory(memory_bytes)?;
    let _ = super::program::BEFORE_START.set(allow_more_time);
    let mut input = BufReader::new(io::stdin().lock());
    while let Some(request) = read_frame::<Request>(&mut input)? {
        let mut bytes = Vec::new();
        if bytes.try_reserve_exact(request.size as usize).is_err() {
            io::copy(&mut (&mut input).take(request.size), &mut io::sink())?;
            let out_of_memory = SkipReason::OutOfMemory {
                limit_mib: memory_bytes / MIB,
            };
            answer(Err(out_of_memory))?;
            continue;
        }
        (&mut input).take(request.size).read_to_end(&mut bytes)?;
        let settings = ReadSettings {
            ocr_languages: request.ocr_languages,
        };
        let format = request.format;
        let path = path_from_bytes(request.path);
        let time = FileTime::starting_now(Duration::from_millis(request.file_time_millis));
        if let Ok(mut file_time) = FILE_TIME.lock() {
            *file_time = Some(time);
        }
        let read =
            std::panic::catch_unwind(|| read_nested(format, &path, bytes, &settings, Some(time)))
                .unwrap_or_else(|_| {
                    Err(SkipReason::Damaged {
                        format: format.name(),
                        detail: "its reader failed on it".to_string(),
                    })
                });
        if let Ok(mut file_time) = FILE_TIME.lock() {
            *file_time = None;
        }
        answer(read)?;
    }
    Ok(())
}

fn answer(read: NestedRead) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    write_frame(&mut stdout, &Frame::Done(Box::new(read)))?;
    stdout.flush()
}

/// Caps this process's address space, and that of the programs it starts. (It dies with
/// the process that started it: see `Workers::start`.)
#[cfg(target_os = "linux")]
fn bound_memory(bytes: u64) -> io::Result<()> {
    use rustix::process::{Resource, Rlimit, setrlimit};
    setrlimit(
        Resource::As,
        Rlimit {
            current: Some(bytes),
            maximum: Some(bytes),
        },
    )?;
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn bound_memory(_: u64) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_limits_read_as_the_readme_says_them() {
        let limit = |limit| SkipReason::TimedOut { limit }.to_string();
        assert!(limit(TIME_LIMIT).starts_with("reading it took longer than 120 s;"));
        assert!(limit(FILE_TIME_LIMIT).starts_with("reading it took longer than 60 min;"));
        let file = SkipReason::FileTimedOut {
            limit: FILE_TIME_LIMIT,
        };
        assert!(
            file.to_string()
                .starts_with("its file took longer than 60 min to read,")
        );
    }

    #[test]
    fn a_frame_reads_back_as_written() {
        let mut extracted = Extracted::new(Format::Html);
        extracted.title = "Ocelot".to_string();
        extracted.text = "Ocelot \u{fb01}le\n".to_string();
        extracted.encoding = Some(encoding_rs::WINDOWS_1252);
        extracted.page_starts = vec![3];
        extracted.mail = Some(super::super::MailHeaders {
            from: "a@b".to_string(),
            ..Default::default()
        });
        let inner = vec![Inner {
            path: "1//x.pdf".to_string(),
            read: Err(SkipReason::Encrypted),
        }];
        let mut bytes = Vec::new();
        write_frame(
            &mut bytes,
            &Frame::Done(Box::new(Ok((extracted.clone(), inner)))),
        )
        .unwrap();
        write_frame(&mut bytes, &Frame::MoreTime { millis: 7 }).unwrap();
        let mut from = bytes.as_slice();
        let Some(Frame::Done(done)) = read_frame(&mut from).unwrap() else {
            panic!("not a document");
        };
        let (read, inner) = done.unwrap();
        assert_eq!(read, extracted);
        assert_eq!(
            inner[0].read.as_ref().err().map(ToString::to_string),
            Some(SkipReason::Encrypted.to_string())
        );
        assert!(matches!(
            read_frame(&mut from).unwrap(),
            Some(Frame::MoreTime { millis: 7 })
        ));
        assert!(read_frame::<Frame>(&mut from).unwrap().is_none());
    }
}
