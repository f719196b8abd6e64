//! The index's common words: every word of the document text found in at least
//! [`MIN_DOCUMENTS`] documents, with how many, in one file written after each update, so
//! that spelling suggestions for a word the index has walk these alone.
//!
//! Looking for a close spelling walks an automaton over the vocabulary. Over every segment's
//! term dictionary that walk was the largest part of a search for a rare word; the common
//! words are a fraction of the vocabulary, in one dictionary, so walking them is far
//! shorter. Spellings in fewer documents are never offered for a word the index has, as
//! long as the search found something (see [`crate::search::suggest`]).
//!
//! The file names the segments it was built from; a search whose segments differ (an
//! update is being written, or the file is missing or damaged) walks the segments instead.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::directory::{Directory, MmapDirectory, OwnedBytes};
use tantivy::schema::Field;
use tantivy::termdict::TermMerger;
use tantivy::{Searcher, SegmentReader};
use tantivy_fst::raw::Fst;
use tantivy_fst::{Automaton, IntoStreamer, Map, MapBuilder, Streamer};

use crate::error::{Error, Result};

use super::side_files::write_atomically;

/// A word in fewer documents is left out.
pub const MIN_DOCUMENTS: u64 = 3;

const FILE: &str = "vocabulary.fst";

/// Bytes before the map: the key of the segments it was built from.
const KEY_BYTES: usize = 8;

/// Names the segments of a commit (see [`segments_key`]).
pub type SegmentsKey = [u8; KEY_BYTES];

/// The common words of one commit, mapped from the index folder.
pub struct CommonWords(Map<OwnedBytes>);

impl CommonWords {
    /// The common words of the segments `searcher` reads, if the file was written for them.
    pub fn open(maps: &SideMaps, searcher: &Searcher) -> Option<CommonWords> {
        maps.map(searcher, FILE).map(CommonWords)
    }

    /// The words `automaton` accepts, from `from` (included) to `to` (excluded), with how
    /// many documents have each.
    pub fn matching<A: Automaton>(&self, automaton: A, from: &str, to: &str) -> Vec<(String, u64)> {
        let mut found = Vec::new();
        let mut stream = self.0.search(automaton).ge(from).lt(to).into_stream();
        while let Some((word, documents)) = stream.next() {
            if let Ok(word) = std::str::from_utf8(word) {
                found.push((word.to_string(), documents));
            }
        }
        found
    }
}

/// Writes the common words of `field` in the segments `searcher` reads, unless the file
/// already holds them (an update that changed nothing). When the index has only gained
/// segments since the file was written, the file's words are counted on from the new
/// segments' words: the other segments' words are not walked again.
pub fn write(index_dir: &Path, searcher: &Searcher, field: Field) -> Result<()> {
    write_map(index_dir, searcher, FILE, |map, previous| {
        let Some(previous) = previous else {
            return for_each_word(searcher, field, |word, documents| {
                if documents >= MIN_DOCUMENTS {
                    map.insert(word, documents).map_err(std::io::Error::other)?;
                }
                Ok(())
            });
        };
        let mut entries = Vec::new();
        for (word, added) in previous.added_words(field)? {
            let documents = previous.counted_documents(field, &word)? + added;
            if documents >= MIN_DOCUMENTS {
                entries.push((word, documents));
            }
        }
        previous.merge_into(map, entries)
    })
}

/// A map file written for fewer segments than the index has now, none of them gone: what it
/// holds, the segments it counted and those added since.
pub(crate) struct Previous<'a> {
    pub map: Map<OwnedBytes>,
    counted: Vec<&'a SegmentReader>,
    added: Vec<&'a SegmentReader>,
}

impl Previous<'_> {
    /// The words of `field` in the added segments, in dictionary order, with how many of
    /// their documents have each.
    pub fn added_words(&self, field: Field) -> std::io::Result<Vec<(Vec<u8>, u64)>> {
        let mut words = Vec::new();
        words_of_segments(&self.added, field, |word, documents| {
            words.push((word.to_vec(), documents));
            Ok(())
        })?;
        Ok(words)
    }

    /// Writes the file's entries and `entries` (sorted) into `map`, in order; an entry of
    /// `entries` stands for the file's entry with the same key.
    pub fn merge_into(
        &self,
        map: &mut MapBuilder<Vec<u8>>,
        entries: Vec<(Vec<u8>, u64)>,
    ) -> std::io::Result<()> {
        let mut written = self.map.stream();
        let mut next_written = written.next().map(|(key, n)| (key.to_vec(), n));
        for (key, value) in entries {
            while let Some((old, old_value)) = next_written.take_if(|(old, _)| *old <= key) {
                if old != key {
                    map.insert(&old, old_value).map_err(std::io::Error::other)?;
                }
                next_written = written.next().map(|(key, n)| (key.to_vec(), n));
            }
            map.insert(&key, value).map_err(std::io::Error::other)?;
        }
        while let Some((old, value)) = next_written {
            map.insert(&old, value).map_err(std::io::Error::other)?;
            next_written = written.next().map(|(key, n)| (key.to_vec(), n));
        }
        Ok(())
    }

    /// How many documents of the counted segments have `word` in `field`.
    pub fn counted_documents(&self, field: Field, word: &[u8]) -> std::io::Result<u64> {
        let mut documents = 0;
        for segment in &self.counted {
            let inverted = segment
                .inverted_index(field)
                .map_err(std::io::Error::other)?;
            if let Some(info) = inverted.terms().get(word)? {
                documents += u64::from(info.doc_freq);
            }
        }
        Ok(documents)
    }
}

/// The map files of an index folder (its common words, its names), each kept mapped once
/// read for the segments of a commit: a process that searches one commit many times
/// (`dossier serve`) maps each once, not once a search. Clones share what was read.
#[derive(Clone)]
pub struct SideMaps {
    dir: PathBuf,
    read: Arc<Mutex<Vec<ReadMap>>>,
}

/// A map file as read, with the key of the segments it was written for.
struct ReadMap {
    file: &'static str,
    key: SegmentsKey,
    bytes: OwnedBytes,
}

impl SideMaps {
    pub fn new(index_dir: &Path) -> SideMaps {
        SideMaps {
            dir: index_dir.to_path_buf(),
            read: Arc::default(),
        }
    }

    /// The map in `file`, if it was written for the segments `searcher` reads. A file
    /// replaced since it was read was written for other segments: it is read again when
    /// a searcher of those asks.
    pub(crate) fn map(&self, searcher: &Searcher, file: &'static str) -> Option<Map<OwnedBytes>> {
        let key = segments_key(searcher);
        let mut read = self.read.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(kept) = read
            .iter()
            .find(|kept| kept.file == file && kept.key == key)
        {
            return map_of(kept.bytes.clone());
        }
        let bytes = read_file(&self.dir, file)?;
        if bytes.as_slice()[..KEY_BYTES] != key {
            return None;
        }
        read.retain(|kept| kept.file != file);
        read.push(ReadMap {
            file,
            key,
            bytes: bytes.clone(),
        });
        map_of(bytes)
    }
}

/// The bytes of `file` of the index folder, if it has a key.
fn read_file(index_dir: &Path, file: &str) -> Option<OwnedBytes> {
    let bytes = MmapDirectory::open(index_dir)
        .ok()?
        .open_read(Path::new(file))
        .ok()?
        .read_bytes()
        .ok()?;
    (bytes.len() >= KEY_BYTES).then_some(bytes)
}

/// Those of the map `files` of the index folder that are there but cannot be read through
/// (cut short, or overwritten: reading a damaged map panics, as the fst crate may).
pub(crate) fn damaged_maps(index_dir: &Path, files: &[&'static str]) -> Vec<&'static str> {
    let read_through = |file: &str| {
        let Some(map) = read_file(index_dir, file).and_then(map_of) else {
            return false;
        };
        let mut stream = map.stream();
        while stream.next().is_some() {}
        true
    };
    files
        .iter()
        .copied()
        .filter(|file| index_dir.join(file).exists())
        .filter(|file| !std::panic::catch_unwind(|| read_through(file)).unwrap_or(false))
        .collect()
}

fn map_of(bytes: OwnedBytes) -> Option<Map<OwnedBytes>> {
    let fst = Fst::new(bytes.slice(KEY_BYTES..bytes.len())).ok()?;
    Some(Map::from(fst))
}

/// The file beside a map file that lists the segments it was built from, one a line, as
/// [`segments`] names them. The map's key is that of the list, which tells a list that
/// does not belong to the map (a kill between writing one and the other).
pub(crate) fn list_of(file: &str) -> String {
    format!("{file}.segments")
}

/// The map `file` holds, if the segments it was written for are all among those `searcher`
/// reads (so the others were added since).
fn previous<'a>(index_dir: &Path, searcher: &'a Searcher, file: &str) -> Option<Previous<'a>> {
    let bytes = read_file(index_dir, file)?;
    let list = std::fs::read_to_string(index_dir.join(list_of(file))).ok()?;
    let listed: Vec<String> = list.lines().map(str::to_string).collect();
    if bytes.as_slice()[..KEY_BYTES] != key_of(&listed) {
        return None;
    }
    let ids: Vec<&str> = listed
        .iter()
        .filter_map(|segment| segment.split(':').next())
        .collect();
    let (counted, added): (Vec<_>, Vec<_>) = searcher
        .segment_readers()
        .iter()
        .partition(|segment| ids.contains(&segment.segment_id().uuid_string().as_str()));
    (counted.len() == ids.len()).then_some(Previous {
        map: map_of(bytes)?,
        counted,
        added,
    })
}

/// Writes the map `fill` builds, for the segments `searcher` reads, to `file` of the index
/// folder, unless it already holds that of these segments (an update that changed nothing).
/// `fill` is given the file as it was when the index has only gained segments since.
pub(crate) fn write_map(
    index_dir: &Path,
    searcher: &Searcher,
    file: &str,
    fill: impl FnOnce(&mut MapBuilder<Vec<u8>>, Option<Previous>) -> std::io::Result<()>,
) -> Result<()> {
    let segments = segments(searcher);
    let key = key_of(&segments);
    let path = index_dir.join(file);
    let mut written = [0; KEY_BYTES];
    let already = std::fs::File::open(&path)
        .and_then(|mut file| file.read_exact(&mut written))
        .is_ok_and(|()| written == key);
    if already {
        return Ok(());
    }
    let previous = previous(index_dir, searcher, file);
    let build = || -> std::io::Result<Vec<u8>> {
        let mut map = MapBuilder::new(key.to_vec()).map_err(std::io::Error::other)?;
        fill(&mut map, previous)?;
        map.into_inner().map_err(std::io::Error::other)
    };
    let bytes = build().map_err(|e| Error::io(&path, e))?;
    // Renamed into place, never written over: a search maps either the old file or the new.
    write_atomically(&path, &bytes)?;
    write_atomically(
        &index_dir.join(list_of(file)),
        segments.join("\n").as_bytes(),
    )
}

/// The file's name in the index folder, for clearing it out.
pub fn file_name() -> &'static str {
    FILE
}

/// Calls `visit` with every word of `field` in the segments `searcher` reads, in dictionary
/// order, and how many documents have it.
pub(crate) fn for_each_word(
    searcher: &Searcher,
    field: Field,
    visit: impl FnMut(&[u8], u64) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let segments: Vec<&SegmentReader> = searcher.segment_readers().iter().collect();
    words_of_segments(&segments, field, visit)
}

/// Calls `visit` with every word of `field` in `segments`, in dictionary order, and how many
/// of their documents have it.
fn words_of_segments(
    segments: &[&SegmentReader],
    field: Field,
    mut visit: impl FnMut(&[u8], u64) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dictionaries = segments
        .iter()
        .map(|segment| segment.inverted_index(field))
        .collect::<tantivy::Result<Vec<_>>>()
        .map_err(std::io::Error::other)?;
    let streams = dictionaries
        .iter()
        .map(|inverted| inverted.terms().stream())
        .collect::<std::io::Result<Vec<_>>>()?;
    let mut words = TermMerger::new(streams);
    while words.advance() {
        let documents: u64 = words
            .current_segment_ords_and_term_infos()
            .map(|(_, info)| u64::from(info.doc_freq))
            .sum();
        visit(words.key(), documents)?;
    }
    Ok(())
}

/// The segments a searcher reads, each as its ID and how many of its documents are
/// deleted, sorted.
fn segments(searcher: &Searcher) -> Vec<String> {
    let mut segments: Vec<String> = searcher
        .segment_readers()
        .iter()
        .map(|segment| {
            let id = segment.segment_id().uuid_string();
            format!("{id}:{}", segment.num_deleted_docs())
        })
        .collect();
    segments.sort();
    segments
}

/// Names the segments `searcher` reads (and how many of their documents are deleted).
pub(crate) fn segments_key(searcher: &Searcher) -> SegmentsKey {
    key_of(&segments(searcher))
}

/// Names a list of [`segments`].
fn key_of(segments: &[String]) -> [u8; KEY_BYTES] {
    xxhash_rust::xxh3::xxh3_64(segments.join(",").as_bytes()).to_le_bytes()
}

#[cfg(test)]
mod tests {
    use tantivy::TantivyDocument;
    use tantivy_fst::automaton::AlwaysMatch;

    use super::*;
    use crate::index::schema::index_of_bodies;

    fn all_words(common: &CommonWords) -> Vec<(String, u64)> {
        common.matching(AlwaysMatch, "", "\u{10FFFF}")
    }

    #[test]
    fn the_common_words_are_those_of_three_documents_for_the_segments_they_came_from() {
        let (index, field) = index_of_bodies(&[
            "Korolev met Dorolev",
            "Korolev",
            "Korolev and Dorolev",
            "Korolov",
        ]);
        let folder = tempfile::tempdir().unwrap();
        // One for the whole test, as a server keeps it: what it read for one commit must
        // not answer for the next.
        let maps = SideMaps::new(folder.path());
        let searcher = index.reader().unwrap().searcher();
        write(folder.path(), &searcher, field).unwrap();
        let common = CommonWords::open(&maps, &searcher).expect("written for these");
        assert_eq!(all_words(&common), [("korolev".to_string(), 3)]);

        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut document = TantivyDocument::new();
        document.add_text(field, "Dorolev");
        writer.add_document(document).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert!(
            CommonWords::open(&maps, &searcher).is_none(),
            "another segment: the file no longer answers for the index"
        );
        write(folder.path(), &searcher, field).unwrap();
        let common = CommonWords::open(&maps, &searcher).expect("written again");
        assert_eq!(
            all_words(&common),
            [("dorolev".to_string(), 3), ("korolev".to_string(), 3)]
        );
    }

    /// Every entry of `file` as written for `searcher`.
    fn entries(folder: &Path, searcher: &Searcher, file: &'static str) -> Vec<(Vec<u8>, u64)> {
        let map = SideMaps::new(folder)
            .map(searcher, file)
            .expect("written for these segments");
        let mut stream = map.stream();
        let mut found = Vec::new();
        while let Some((key, value)) = stream.next() {
            found.push((key.to_vec(), value));
        }
        found
    }

    #[test]
    fn files_counted_on_from_added_segments_are_those_written_afresh() {
        let (index, field) = index_of_bodies(&["Korolev met Dorolev", "Korolev", "Дмитриев"]);
        let kept = tempfile::tempdir().unwrap();
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let rounds: [&[&str]; 4] = [
            &["Dorolev", "Dmitriev and Korolev"],
            &["Dmitrijew", "Korolev"],
            &["Дмитриевым", "Dorolev Dorolev"],
            &["Korolev", "Dmitriev"],
        ];
        for (round, bodies) in rounds.iter().enumerate() {
            // The file as kept from round to round, and written afresh.
            let searcher = index.reader().unwrap().searcher();
            write(kept.path(), &searcher, field).unwrap();
            crate::index::names::write(kept.path(), &searcher, field).unwrap();
            let afresh = tempfile::tempdir().unwrap();
            write(afresh.path(), &searcher, field).unwrap();
            crate::index::names::write(afresh.path(), &searcher, field).unwrap();
            for file in [FILE, crate::index::names::file_name()] {
                assert_eq!(
                    entries(kept.path(), &searcher, file),
                    entries(afresh.path(), &searcher, file),
                    "{file}, round {round}"
                );
            }
            for body in *bodies {
                let mut document = TantivyDocument::new();
                document.add_text(field, body);
                writer.add_document(document).unwrap();
            }
            if round == 2 {
                // Segments merged into one: the file is written afresh.
                let ids = index.searchable_segment_ids().unwrap();
                writer.merge(&ids).wait().unwrap();
            }
            writer.commit().unwrap();
        }
    }
}
