//! The index folder as an update reads it: memory-mapped, as tantivy's own directory maps
//! it, except that the pages of its files are given back to the system once the reading
//! has moved past them.
//!
//! A merge reads its segments from end to end: every word's postings and positions in
//! order, then each segment's stored texts in one piece. Through plain maps every page read
//! stays in the process until the merge ends, so a merge of segments of 400 MB held 400 MB
//! of the files (resident, though clean and shared with the page cache) beside the
//! writer's own memory. Here a file read in small pieces keeps mapped only a window behind
//! the last piece read ([`WINDOW`]), and a large piece (a segment's stored texts, a
//! dictionary) is given back when the last reference to it goes ([`OWN_PIECE_FROM`]).
//!
//! Giving a page back (`madvise(MADV_DONTNEED)` on a shared read-only map of a file that
//! nobody writes: tantivy writes each file once, before it is read) drops only the
//! process's reference to it: the page stays in the page cache, and a later read of it,
//! through any reference still held, reads the same bytes back.

use std::fmt;
use std::io;
use std::ops::{Deref, Range};
use std::path::Path;
use std::sync::{Arc, Mutex};

use stable_deref_trait::StableDeref;
use tantivy::HasLen;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};

/// How much of a file read in small pieces stays mapped behind the last piece read.
pub const WINDOW: usize = 1024 * 1024;

/// A piece of at least this size is given back as soon as nothing refers to it.
pub const OWN_PIECE_FROM: usize = 1024 * 1024;

/// An index folder whose files give their pages back as they are read (see the module).
#[derive(Clone, Debug)]
pub struct ReleasedPagesDirectory {
    mapped: MmapDirectory,
}

impl ReleasedPagesDirectory {
    pub fn open(dir: &Path) -> Result<ReleasedPagesDirectory, OpenDirectoryError> {
        Ok(ReleasedPagesDirectory {
            mapped: MmapDirectory::open(dir)?,
        })
    }
}

impl Directory for ReleasedPagesDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let handle = self.mapped.get_file_handle(path)?;
        let whole = handle
            .read_bytes(0..handle.len())
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?;
        Ok(Arc::new(ReleasedPagesFile::new(whole)))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mapped.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mapped.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mapped.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mapped.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mapped.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mapped.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mapped.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mapped.watch(watch_callback)
    }
}

/// One mapped file, and where in it the small pieces are being read.
struct ReleasedPagesFile {
    whole: OwnedBytes,
    /// The start of the part of the file that may still be mapped behind the reading: what
    /// lies before it was given back, unless read again since.
    kept_from: Mutex<usize>,
}

impl ReleasedPagesFile {
    fn new(whole: OwnedBytes) -> ReleasedPagesFile {
        ReleasedPagesFile {
            whole,
            kept_from: Mutex::new(0),
        }
    }

    /// Follows a small piece read at `range`: gives back what lies more than [`WINDOW`]
    /// behind its end, once that is a window's worth (one call a window, not one a piece).
    /// A read before the window (a second pass, a reader elsewhere in the file) moves the
    /// window back to it.
    fn follow(&self, range: &Range<usize>) {
        let mut kept_from = self.kept_from.lock().unwrap_or_else(|e| e.into_inner());
        if range.start < *kept_from {
            *kept_from = range.start;
        } else if range.end - *kept_from >= 2 * WINDOW {
            let to = range.end - WINDOW;
            give_back(&self.whole.as_slice()[*kept_from..to]);
            *kept_from = to;
        }
    }
}

impl fmt::Debug for ReleasedPagesFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReleasedPagesFile({} bytes)", self.whole.len())
    }
}

impl HasLen for ReleasedPagesFile {
    fn len(&self) -> usize {
        self.whole.len()
    }
}

impl FileHandle for ReleasedPagesFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        let piece = self.whole.slice(range.clone());
        if range.len() >= OWN_PIECE_FROM {
            return Ok(OwnedBytes::new(GivenBackWhenDropped(piece)));
        }
        self.follow(&range);
        Ok(piece)
    }
}

/// A large piece of a mapped file, given back when the last reference to it goes.
struct GivenBackWhenDropped(OwnedBytes);

impl Deref for GivenBackWhenDropped {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.0.as_slice()
    }
}

// SAFETY: the bytes are those of the mapped file, which stays where it is for as long as
// the `OwnedBytes` inside is held: moving this holder does not move them.
unsafe impl StableDeref for GivenBackWhenDropped {}

impl Drop for GivenBackWhenDropped {
    fn drop(&mut self) {
        give_back(self.0.as_slice());
    }
}

/// Gives back the whole pages of `bytes`, a part of a read-only shared map of a file: the
/// process no longer counts them, and the next read of any of them maps it again from the
/// page cache. A page only partly in `bytes` is kept. Errors are ignored: a page not given
/// back is still read correctly.
#[cfg(target_os = "linux")]
fn give_back(bytes: &[u8]) {
    let page = rustix::param::page_size();
    let start = bytes.as_ptr() as usize;
    let from = start.next_multiple_of(page);
    let to = (start + bytes.len()) / page * page;
    if to <= from {
        return;
    }
    // SAFETY: [from, to) lies within a map of a file (tantivy's `MmapDirectory` maps each
    // file whole, read-only and shared; an empty file is no map, but has no whole page),
    // and the file is never written while mapped. MADV_DONTNEED on such a map only drops the
    // process's page table entries: every reference into the range reads the same bytes
    // afterwards, faulted in again from the page cache.
    unsafe {
        let _ = rustix::mm::madvise(
            from as *mut std::ffi::c_void,
            to - from,
            rustix::mm::Advice::LinuxDontNeed,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn give_back(_: &[u8]) {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// KiB of the map holding `address` that this process has resident, from its smaps.
    fn resident_kib_of_map(address: *const u8) -> usize {
        let address = address as usize;
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            let first = line.split_whitespace().next().unwrap_or("");
            if let Some((start, end)) = first.split_once('-')
                && let (Ok(start), Ok(end)) = (
                    usize::from_str_radix(start, 16),
                    usize::from_str_radix(end, 16),
                )
            {
                inside = (start..end).contains(&address);
            } else if inside && let Some(kib) = line.strip_prefix("Rss:") {
                return kib.trim().trim_end_matches("kB").trim().parse().unwrap();
            }
        }
        panic!("no map holds {address:#x}")
    }

    fn directory_with(bytes: &[u8]) -> (tempfile::TempDir, ReleasedPagesDirectory) {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("file"), bytes).unwrap();
        let directory = ReleasedPagesDirectory::open(folder.path()).unwrap();
        (folder, directory)
    }

    fn content(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn small_pieces_read_in_order_keep_a_window_mapped_and_read_right() {
        let len = 64 * 1024 * 1024;
        let bytes = content(len);
        let (_folder, directory) = directory_with(&bytes);
        let file = directory.get_file_handle(Path::new("file")).unwrap();
        let base = file.read_bytes(0..1).unwrap().as_slice().as_ptr();
        let piece = 64 * 1024;
        let mut held = Vec::new();
        for start in (0..len).step_by(piece) {
            let read = file.read_bytes(start..start + piece).unwrap();
            assert_eq!(read.as_slice(), &bytes[start..start + piece]);
            if start % (16 * 1024 * 1024) == 0 {
                held.push((start, read));
            }
        }
        let resident = resident_kib_of_map(base);
        assert!(
            resident <= 3 * WINDOW / 1024,
            "{resident} KiB of a 64 MiB file still mapped"
        );
        // Pieces still held read the same bytes, faulted in again.
        for (start, read) in &held {
            assert_eq!(read.as_slice(), &bytes[*start..*start + piece]);
        }
    }

    #[test]
    fn a_large_piece_is_given_back_when_dropped_and_reads_right_till_then() {
        let len = 32 * 1024 * 1024;
        let bytes = content(len);
        let (_folder, directory) = directory_with(&bytes);
        let file = directory.get_file_handle(Path::new("file")).unwrap();
        let whole = file.read_bytes(0..len).unwrap();
        let base = whole.as_slice().as_ptr();
        let part = whole.slice(1000..2000);
        assert_eq!(whole.as_slice(), &bytes[..]);
        assert!(resident_kib_of_map(base) >= 30 * 1024);
        drop(whole);
        // A slice of it still held keeps it.
        assert_eq!(part.as_slice(), &bytes[1000..2000]);
        drop(part);
        let resident = resident_kib_of_map(base);
        assert!(
            resident < 1024,
            "{resident} KiB still mapped after the piece went"
        );
    }
}
