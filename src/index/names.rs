//! The index's names: every word of the document text that has name keys (see
//! [`crate::text::names`]), under each of its keys, in one file written after each update, so that
//! a name finds its spellings in other scripts and romanisations (`Dmitriev`: Дмитриев,
//! Дмитриевым, Dmitrijew) without computing the key of every word of the vocabulary.
//!
//! The file maps `key NUL word` to how many documents have the word, and names the segments
//! it was built from, like the common words' file; a search whose segments differ (an
//! update is being written) computes the keys of the vocabulary's words instead.

use std::path::Path;

use rayon::prelude::*;
use tantivy::Searcher;
use tantivy::schema::Field;
use tantivy_fst::{IntoStreamer, Streamer};

use crate::error::Result;
use crate::index::vocabulary::{SideMaps, for_each_word, write_map};
use crate::text::names::name_keys;

const FILE: &str = "names.fst";

/// Writes the names of `field` in the segments `searcher` reads. When the index has only
/// gained segments since the file was written, the new segments' words are keyed and
/// merged into the file's entries, their counts added to: the other words are not keyed
/// again.
pub fn write(index_dir: &Path, searcher: &Searcher, field: Field) -> Result<()> {
    write_map(index_dir, searcher, FILE, |map, previous| {
        let Some(previous) = previous else {
            for (entry, documents) in keyed_words(searcher, field)? {
                map.insert(entry, documents)
                    .map_err(std::io::Error::other)?;
            }
            return Ok(());
        };
        let mut words = Vec::new();
        for (word, added) in previous.added_words(field)? {
            let before = previous.counted_documents(field, &word)?;
            if let Ok(word) = String::from_utf8(word) {
                words.push((word, before + added));
            }
        }
        // A word's entries, under each of its keys, stand in the file already if it was in
        // the counted segments: the new entries, with the new counts, replace them.
        previous.merge_into(map, keyed(&words))
    })
}

/// The words of `field` that share a name key with any of `words` (folded), in dictionary
/// order: the names file of `maps` is read (or, without it, the dictionary walked) once for
/// all.
pub fn words_sharing_a_key(
    maps: &SideMaps,
    searcher: &Searcher,
    field: Field,
    words: &[&str],
) -> Vec<String> {
    let mut keys: Vec<String> = words.iter().flat_map(|word| name_keys(word)).collect();
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        return Vec::new();
    }
    let bounds = |key: &str| (format!("{key}\0"), format!("{key}\u{1}"));
    let word_of = |entry: &[u8]| {
        let at = entry.iter().position(|&b| b == 0)? + 1;
        std::str::from_utf8(&entry[at..]).ok().map(str::to_string)
    };
    let mut words = std::collections::BTreeSet::new();
    match maps.map(searcher, FILE) {
        Some(map) => {
            for key in &keys {
                let (from, to) = bounds(key);
                let mut stream = map.range().ge(&from).lt(&to).into_stream();
                while let Some((entry, _)) = stream.next() {
                    words.extend(word_of(entry));
                }
            }
        }
        None => {
            for (entry, _) in keyed_words(searcher, field).unwrap_or_default() {
                if keys
                    .iter()
                    .any(|key| entry.starts_with(bounds(key).0.as_bytes()))
                {
                    words.extend(word_of(&entry));
                }
            }
        }
    }
    words.into_iter().collect()
}

/// Every word of `field` that has name keys, as `key NUL word` for each key, sorted, with
/// how many documents have the word.
fn keyed_words(searcher: &Searcher, field: Field) -> std::io::Result<Vec<(Vec<u8>, u64)>> {
    let mut words = Vec::new();
    for_each_word(searcher, field, |word, documents| {
        if let Ok(text) = std::str::from_utf8(word) {
            words.push((text.to_string(), documents));
        }
        Ok(())
    })?;
    Ok(keyed(&words))
}

/// The entries of `words` that have name keys, as `key NUL word` for each key, sorted, with
/// how many documents have the word.
fn keyed(words: &[(String, u64)]) -> Vec<(Vec<u8>, u64)> {
    // The keys of every word, on every core: with the sort, half of this file's time, which
    // is the end of every update.
    let mut keyed: Vec<(Vec<u8>, u64)> = words
        .par_iter()
        .flat_map_iter(|(word, documents)| {
            name_keys(word).into_iter().map(move |key| {
                let mut entry = key.into_bytes();
                entry.push(0);
                entry.extend_from_slice(word.as_bytes());
                (entry, *documents)
            })
        })
        .collect();
    keyed.par_sort_unstable();
    keyed
}

/// The file's name in the index folder, for clearing it out.
pub fn file_name() -> &'static str {
    FILE
}
