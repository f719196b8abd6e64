//! Running a reader's external program (`pdftotext`, `pdftoppm`, `tesseract`) on one file:
//! with a time limit, past which it is killed, and a cap on the output kept, past which its
//! output is closed. A damaged or hostile file then costs a bounded time and memory, and
//! cannot take dossier down with the program.
//!
//! This file knows programs, not formats: what a run's output or failure means is the
//! reader's to say.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

use wait_timeout::ChildExt;

use super::SkipReason;

/// The most memory (address space) a program may take: a file that makes it grow without
/// end fails that program, not the machine.
pub(super) const MAX_PROGRAM_MEMORY: u64 = 2 * 1024 * 1024 * 1024;

/// How much of a program's error output is kept, to say what went wrong.
pub(super) const MAX_STDERR_BYTES: usize = 64 * 1024;

/// The path as a program's argument: a relative path starting with `-` would read as an
/// option.
pub(super) fn argument(path: &Path) -> PathBuf {
    if path.is_relative() {
        Path::new(".").join(path)
    } else {
        path.to_path_buf()
    }
}

/// Called with a program's time limit as it starts, once set: in a worker (see `worker`),
/// it says how long the program may run (less than its own limit when what is left of the
/// file's time is less: one file is read within one limit, whatever runs it holds), and
/// tells the process waiting for the worker that the file may take that much longer.
pub(super) static BEFORE_START: OnceLock<fn(Duration) -> TimeAllowed> = OnceLock::new();

/// How long a program may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct TimeAllowed {
    pub time: Duration,
    /// The time limit of the file being read, when what is left of it is less than the
    /// program's own limit: past `time`, it is the file's time that ran out.
    pub file_limit: Option<Duration>,
}

/// A program's run to its end.
pub(super) struct Ran {
    pub status: ExitStatus,
    /// At most the cap it was given.
    pub stdout: Vec<u8>,
    /// The program wrote more than the cap; its output was closed, which stops it.
    pub stdout_cut: bool,
    /// What it wrote on its error output (the start of it), lossily decoded.
    pub stderr: String,
}

/// Why a program gave nothing.
#[derive(Debug)]
pub(super) enum RunFailure {
    NotInstalled,
    /// Past its own time limit.
    TimedOut(Duration),
    /// Past what was left of the time of the file being read, whose limit this is.
    FileOutOfTime(Duration),
    Io(io::Error),
}

impl RunFailure {
    /// The reason a file is skipped when `program` (from Debian's `package`) failed so.
    pub(super) fn into_skip_reason(
        self,
        program: &'static str,
        package: &'static str,
    ) -> SkipReason {
        match self {
            RunFailure::NotInstalled => {
                SkipReason::ProgramMissing(super::MissingProgram::new(program, package))
            }
            RunFailure::TimedOut(limit) => SkipReason::TimedOut { limit },
            RunFailure::FileOutOfTime(limit) => SkipReason::FileTimedOut { limit },
            RunFailure::Io(error) => {
                SkipReason::SystemFailed(format!("could not run {program}: {error}"))
            }
        }
    }
}

/// Runs `command` for at most `time_limit` (less in a worker whose file has less time left,
/// see [`BEFORE_START`]), keeping at most `max_stdout` bytes of its output.
/// Both outputs are read on their own threads as the program writes, so neither pipe fills
/// up and blocks it.
pub(super) fn run(
    command: &mut Command,
    time_limit: Duration,
    max_stdout: usize,
) -> Result<Ran, RunFailure> {
    let allowed = BEFORE_START.get().map_or(
        TimeAllowed {
            time: time_limit,
            file_limit: None,
        },
        |before_start| before_start(time_limit),
    );
    let past_time = || match allowed.file_limit {
        Some(limit) => RunFailure::FileOutOfTime(limit),
        None => RunFailure::TimedOut(time_limit),
    };
    if allowed.time.is_zero() {
        return Err(past_time());
    }
    die_with_this_process(command);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| match error.kind() {
            io::ErrorKind::NotFound => RunFailure::NotInstalled,
            _ => RunFailure::Io(error),
        })?;
    bound_memory(&child);
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(RunFailure::Io(io::Error::other("no pipe to the program")));
    };
    let stdout = thread::spawn(move || read_capped(stdout, max_stdout));
    let stderr = thread::spawn(move || read_draining(stderr, MAX_STDERR_BYTES));

    let waited = child.wait_timeout(allowed.time);
    let status = match waited {
        Ok(Some(status)) => Ok(status),
        Ok(None) => Err(past_time()),
        Err(error) => Err(RunFailure::Io(error)),
    };
    if status.is_err() {
        // Killed, its pipes close and the threads finish.
        let _ = child.kill();
        let _ = child.wait();
    }
    let stdout = stdout.join();
    let stderr = stderr.join();
    let status = status?;
    let (stdout, stdout_cut) = match stdout {
        Ok(Ok(read)) => read,
        Ok(Err(error)) => return Err(RunFailure::Io(error)),
        Err(_) => {
            return Err(RunFailure::Io(io::Error::other(
                "reading its output failed",
            )));
        }
    };
    let stderr = match stderr {
        Ok(Ok(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => String::new(),
    };
    Ok(Ran {
        status,
        stdout,
        stdout_cut,
        stderr,
    })
}

/// Has the process `command` starts killed when this one dies (a worker stopped past its
/// time, or an indexer that was killed): no worker, and no program a worker runs, outlives
/// the process that started it. The signal is asked for before the program runs, so no
/// death goes unseen in between.
#[cfg(target_os = "linux")]
pub(super) fn die_with_this_process(command: &mut Command) {
    use rustix::process::{Signal, getpid, getppid, set_parent_process_death_signal};
    use std::os::unix::process::CommandExt;
    let runner = getpid();
    // SAFETY: the closure runs in the child between fork and exec, and only makes system
    // calls (prctl, getppid), which are async-signal-safe; it allocates nothing.
    unsafe {
        command.pre_exec(move || {
            set_parent_process_death_signal(Some(Signal::KILL))?;
            // The runner may have died before the signal was asked for. (An OS error
            // number: nothing is allocated here.)
            if getppid() != Some(runner) {
                return Err(rustix::io::Errno::SRCH.into());
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
pub(super) fn die_with_this_process(_: &mut Command) {}

/// Caps the memory of a program just started. (Set from outside, as the program starts:
/// what it takes in its first instant is not bounded, only what it grows to.)
#[cfg(target_os = "linux")]
fn bound_memory(child: &std::process::Child) {
    use rustix::process::{Pid, Resource, Rlimit, prlimit};
    let limit = Rlimit {
        current: Some(MAX_PROGRAM_MEMORY),
        maximum: Some(MAX_PROGRAM_MEMORY),
    };
    let _ = prlimit(Some(Pid::from_child(child)), Resource::As, limit);
}

#[cfg(not(target_os = "linux"))]
fn bound_memory(_: &std::process::Child) {}

/// Up to `cap` bytes, and whether there were more. The pipe closes when this returns, so a
/// program with more to write gets a broken pipe and stops.
fn read_capped(from: impl Read, cap: usize) -> io::Result<(Vec<u8>, bool)> {
    let mut bytes = Vec::new();
    from.take(cap as u64 + 1).read_to_end(&mut bytes)?;
    let cut = bytes.len() > cap;
    bytes.truncate(cap);
    Ok((bytes, cut))
}

/// Up to `cap` bytes; the rest is read and dropped, so that a program that only complains
/// a lot is not stopped for it.
fn read_draining(mut from: impl Read, cap: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    (&mut from).take(cap as u64).read_to_end(&mut bytes)?;
    io::copy(&mut from, &mut io::sink())?;
    Ok(bytes)
}

/// A line of a program's error output with the file's path (as its `argument`) replaced by
/// the file's name: a reason is kept in the index and shown elsewhere.
pub(super) fn without_path(line: &str, argument: &Path, path: &Path) -> String {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    line.replace(argument.to_string_lossy().as_ref(), &name)
}

/// A message fit for a one-line reason: trimmed, control characters blanked, at most
/// `max_chars` long.
pub(super) fn one_line(message: &str, max_chars: usize) -> String {
    message
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max_chars)
        .collect()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_program_runs_with_its_memory_bounded() {
        // `ulimit -v` is in KiB; the shell reads it once the bound is set.
        let ran = run(
            Command::new("sh").args(["-c", "sleep 0.3; ulimit -v"]),
            Duration::from_secs(10),
            1024,
        )
        .unwrap();
        let limit: u64 = String::from_utf8_lossy(&ran.stdout).trim().parse().unwrap();
        assert_eq!(limit, MAX_PROGRAM_MEMORY / 1024);
    }
}
