//! The index's names: every word of the document text that has a name key (see
//! [`crate::text::names`]), under that key, in one file written after each update, so that
//! a name finds its spellings in other scripts and romanisations (`Dmitriev`: Дмитриев,
//! Дмитриевым, Dmitrijew) without computing the key of every word of the vocabulary.
//!
//! The file maps `key NUL word` to how many documents have the word, and names the segments
//! it was built from, like the common words' file; a search whose segments differ (an
//! update is being written) computes the keys of the vocabulary's words instead.

use std::path::Path;

use tantivy::Searcher;
use tantivy::schema::Field;
use tantivy_fst::{IntoStreamer, Streamer};

use crate::error::Result;
use crate::index::vocabulary::{for_each_word, open_map, write_map};
use crate::text::names::name_key;

const FILE: &str = "names.fst";

/// Writes the names of `field` in the segments `searcher` reads.
pub fn write(index_dir: &Path, searcher: &Searcher, field: Field) -> Result<()> {
    let keyed = keyed_words(searcher, field)?;
    write_map(index_dir, searcher, FILE, |map| {
        for (entry, documents) in keyed {
            map.insert(entry, documents)
                .map_err(std::io::Error::other)?;
        }
        Ok(())
    })
}

/// The words of `field` with the name key `key`, in dictionary order.
pub fn words_with_key(
    index_dir: &Path,
    searcher: &Searcher,
    field: Field,
    key: &str,
) -> Vec<String> {
    let from = format!("{key}\0");
    let to = format!("{key}\u{1}");
    let strip = |entry: &[u8]| {
        std::str::from_utf8(&entry[from.len()..])
            .ok()
            .map(str::to_string)
    };
    let Some(map) = open_map(index_dir, searcher, FILE) else {
        return keyed_words(searcher, field)
            .unwrap_or_default()
            .into_iter()
            .filter(|(entry, _)| entry.starts_with(from.as_bytes()))
            .filter_map(|(entry, _)| strip(&entry))
            .collect();
    };
    let mut words = Vec::new();
    let mut stream = map.range().ge(&from).lt(&to).into_stream();
    while let Some((entry, _)) = stream.next() {
        words.extend(strip(entry));
    }
    words
}

/// Every word of `field` that has a name key, as `key NUL word`, sorted, with how many
/// documents have the word.
fn keyed_words(searcher: &Searcher, field: Field) -> Result<Vec<(Vec<u8>, u64)>> {
    let mut keyed = Vec::new();
    let walked = for_each_word(searcher, field, |word, documents| {
        if let Some(key) = std::str::from_utf8(word).ok().and_then(name_key) {
            let mut entry = key.into_bytes();
            entry.push(0);
            entry.extend_from_slice(word);
            keyed.push((entry, documents));
        }
        Ok(())
    });
    walked.map_err(|e| crate::error::Error::io(Path::new(FILE), e))?;
    keyed.sort_unstable();
    Ok(keyed)
}

/// The file's name in the index folder, for clearing it out.
pub fn file_name() -> &'static str {
    FILE
}
