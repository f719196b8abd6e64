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
use std::path::Path;

use tantivy::Searcher;
use tantivy::directory::{Directory, MmapDirectory, OwnedBytes};
use tantivy::schema::Field;
use tantivy::termdict::TermMerger;
use tantivy_fst::raw::Fst;
use tantivy_fst::{Automaton, IntoStreamer, Map, MapBuilder, Streamer};

use crate::error::{Error, Result};

use super::side_files::write_atomically;

/// A word in fewer documents is left out.
pub const MIN_DOCUMENTS: u64 = 3;

const FILE: &str = "vocabulary.fst";

/// Bytes before the map: the key of the segments it was built from.
const KEY_BYTES: usize = 8;

/// The common words of one commit, mapped from the index folder.
pub struct CommonWords(Map<OwnedBytes>);

impl CommonWords {
    /// The common words of the segments `searcher` reads, if the file was written for them.
    pub fn open(index_dir: &Path, searcher: &Searcher) -> Option<CommonWords> {
        open_map(index_dir, searcher, FILE).map(CommonWords)
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
/// already holds them (an update that changed nothing).
pub fn write(index_dir: &Path, searcher: &Searcher, field: Field) -> Result<()> {
    write_map(index_dir, searcher, FILE, |map| {
        for_each_word(searcher, field, |word, documents| {
            if documents >= MIN_DOCUMENTS {
                map.insert(word, documents).map_err(std::io::Error::other)?;
            }
            Ok(())
        })
    })
}

/// The map in `file` of the index folder, if it was written for the segments `searcher`
/// reads.
pub(crate) fn open_map(
    index_dir: &Path,
    searcher: &Searcher,
    file: &str,
) -> Option<Map<OwnedBytes>> {
    let bytes = MmapDirectory::open(index_dir)
        .ok()?
        .open_read(Path::new(file))
        .ok()?
        .read_bytes()
        .ok()?;
    if bytes.len() < KEY_BYTES || bytes.as_slice()[..KEY_BYTES] != segments_key(searcher) {
        return None;
    }
    let fst = Fst::new(bytes.slice(KEY_BYTES..bytes.len())).ok()?;
    Some(Map::from(fst))
}

/// Writes the map `fill` builds, for the segments `searcher` reads, to `file` of the index
/// folder, unless it already holds that of these segments (an update that changed nothing).
pub(crate) fn write_map(
    index_dir: &Path,
    searcher: &Searcher,
    file: &str,
    fill: impl FnOnce(&mut MapBuilder<Vec<u8>>) -> std::io::Result<()>,
) -> Result<()> {
    let key = segments_key(searcher);
    let path = index_dir.join(file);
    let mut written = [0; KEY_BYTES];
    let already = std::fs::File::open(&path)
        .and_then(|mut file| file.read_exact(&mut written))
        .is_ok_and(|()| written == key);
    if already {
        return Ok(());
    }
    let build = || -> std::io::Result<Vec<u8>> {
        let mut map = MapBuilder::new(key.to_vec()).map_err(std::io::Error::other)?;
        fill(&mut map)?;
        map.into_inner().map_err(std::io::Error::other)
    };
    let bytes = build().map_err(|e| Error::io(&path, e))?;
    // Renamed into place, never written over: a search maps either the old file or the new.
    write_atomically(&path, &bytes)
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
    mut visit: impl FnMut(&[u8], u64) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dictionaries = searcher
        .segment_readers()
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

/// Names the segments (and their deletions) a searcher reads.
fn segments_key(searcher: &Searcher) -> [u8; KEY_BYTES] {
    let mut segments: Vec<String> = searcher
        .segment_readers()
        .iter()
        .map(|segment| {
            let id = segment.segment_id().uuid_string();
            format!("{id}:{}", segment.num_deleted_docs())
        })
        .collect();
    segments.sort();
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
        let searcher = index.reader().unwrap().searcher();
        write(folder.path(), &searcher, field).unwrap();
        let common = CommonWords::open(folder.path(), &searcher).expect("written for these");
        assert_eq!(all_words(&common), [("korolev".to_string(), 3)]);

        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut document = TantivyDocument::new();
        document.add_text(field, "Dorolev");
        writer.add_document(document).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert!(
            CommonWords::open(folder.path(), &searcher).is_none(),
            "another segment: the file no longer answers for the index"
        );
        write(folder.path(), &searcher, field).unwrap();
        let common = CommonWords::open(folder.path(), &searcher).expect("written again");
        assert_eq!(
            all_words(&common),
            [("dorolev".to_string(), 3), ("korolev".to_string(), 3)]
        );
    }
}
