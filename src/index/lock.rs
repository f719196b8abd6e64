//! The update lock: one dossier process at a time brings an index up to date, and the others
//! learn which process that is.
//!
//! tantivy's own writer lock only covers the `IndexWriter`; an update also creates the index,
//! clears a broken one and writes `skipped.json`, so dossier takes its own OS lock first, on
//! `.dossier-lock` in the index folder, and writes its process ID into it. The OS releases the
//! lock when the process ends, even by SIGKILL, so a crash never leaves the index locked; the
//! file itself stays (deleting a lock file lets two processes lock two different files).
//! `try_lock`, the OS lock alone, also keeps a second `dossier serve` off an index.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

pub const LOCK_FILE: &str = ".dossier-lock";

/// How long a lock held with no holder named is waited for. Such a lock is being taken or
/// let go, or is held a moment by a child process that another thread of this process is
/// starting: the child shares the open lock file (the lock with it) from its start until
/// it runs its program, when the file closes. An update that found the lock so would
/// otherwise answer from the last commit, as if another process were updating.
const UNNAMED_HOLDER_PATIENCE: Duration = Duration::from_millis(500);

/// Held while an update runs; dropping it releases the lock.
pub struct UpdateLock {
    file: File,
}

impl Drop for UpdateLock {
    /// Clears the ID while still holding the lock, so that only a killed holder leaves one.
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
}

impl UpdateLock {
    /// Takes the lock of the index in `index_dir` (creating the folder), or fails at once with
    /// [`Error::IndexBusy`] naming the process that holds it.
    pub fn acquire(index_dir: &Path) -> Result<UpdateLock> {
        std::fs::create_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
        let path = lock_path(index_dir);
        let deadline = Instant::now() + UNNAMED_HOLDER_PATIENCE;
        let mut file = loop {
            if let Some(file) = try_lock(&path)? {
                break file;
            }
            let holder = holder(index_dir);
            if holder.is_some() || Instant::now() >= deadline {
                return Err(Error::IndexBusy {
                    path: index_dir.to_path_buf(),
                    holder,
                });
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        // The ID only names the holder in messages; failing to write it is no reason to stop.
        let _ = file
            .set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| write!(file, "{}", std::process::id()));
        Ok(UpdateLock { file })
    }
}

/// Opens (creating it) the lock file at `path` and takes its OS lock at once: `None` when
/// another process holds it. The lock lasts as long as the file is open.
pub(crate) fn try_lock(path: &Path) -> Result<Option<File>> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(Error::io(path, e)),
    }
}

/// The process ID written by the lock's holder, if it can be read. A holder that has just
/// taken the lock may not have written its ID yet, and the file may still hold the ID of a
/// killed one: on Linux, that is told by the process being gone.
fn holder(index_dir: &Path) -> Option<u32> {
    let mut text = String::new();
    File::open(lock_path(index_dir))
        .and_then(|mut file| file.read_to_string(&mut text))
        .ok()?;
    let pid: u32 = text.trim().parse().ok()?;
    if cfg!(target_os = "linux") && !Path::new("/proc").join(pid.to_string()).exists() {
        return None;
    }
    Some(pid)
}

fn lock_path(index_dir: &Path) -> PathBuf {
    index_dir.join(LOCK_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_held_with_no_holder_named_is_waited_for() {
        // As a child process being started shares the open lock file: the lock, no ID.
        let dir = tempfile::tempdir().unwrap();
        let unnamed = try_lock(&lock_path(dir.path())).unwrap().expect("free");
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            drop(unnamed);
        });
        let lock = UpdateLock::acquire(dir.path());
        release.join().unwrap();
        assert!(lock.is_ok(), "{:?}", lock.err());
    }

    #[test]
    fn a_lock_whose_holder_is_named_is_busy() {
        let dir = tempfile::tempdir().unwrap();
        let _held = UpdateLock::acquire(dir.path()).unwrap();
        match UpdateLock::acquire(dir.path()) {
            Err(Error::IndexBusy { holder, .. }) => assert_eq!(holder, Some(std::process::id())),
            other => panic!("{:?}", other.err()),
        }
    }
}
