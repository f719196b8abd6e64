//! Opening or creating a dossier index on disk, checking that it is one we can read, and
//! reading back what it holds about each document (size, time, hash) without loading texts.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::text::language::Language;
use tantivy::collector::TopDocs;
use tantivy::directory::error::{LockError, OpenReadError};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::termdict::{TermDictionary, TermStreamer};
use tantivy::{
    Index, IndexReader, IndexSettings, ReloadPolicy, Searcher, TantivyDocument, TantivyError, Term,
};

use crate::corpus::ids::INNER_SEPARATOR;
use crate::error::{Error, Result};
use crate::index::released_pages::ReleasedPagesDirectory;
use crate::index::schema::{Fields, SCHEMA_VERSION, build_schema, register_analyzers};
use crate::index::stored::StoredDocument;
use crate::index::vocabulary::{self, SegmentsKey, SideMaps, segments_key};

/// The end (excluded) of the dictionary range, from `prefix` on, that holds the words starting
/// with `prefix`: no character sorts after U+10FFFF, so only words going on with that
/// noncharacter are left out.
pub fn past_prefix(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// The words of `dictionary` that start with `prefix`, in dictionary order; `None` if the
/// dictionary cannot be read.
pub fn words_starting_with<'a>(
    dictionary: &'a TermDictionary,
    prefix: &str,
) -> Option<TermStreamer<'a>> {
    dictionary
        .range()
        .ge(prefix.as_bytes())
        .lt(past_prefix(prefix).as_bytes())
        .into_stream()
        .ok()
}

/// The words of `dictionary` that start with `prefix` and have at most `max_chars`
/// characters, in dictionary order; `None` if the dictionary cannot be read. The walk leaves
/// out the branches of longer words instead of reading them: under one letter stands a
/// twentieth of the vocabulary, most of it longer than the forms of a one-letter stem.
pub fn short_words_starting_with<'a>(
    dictionary: &'a TermDictionary,
    prefix: &str,
    max_chars: usize,
) -> Option<TermStreamer<'a, ShortWords>> {
    let automaton = ShortWords {
        prefix: prefix.as_bytes().to_vec(),
        max_chars,
    };
    // The bounds matter beside the automaton: a walk without them reads every branch that
    // leaves the prefix's path to learn that the automaton rejects it, a page of the
    // dictionary for most, in every segment.
    dictionary
        .search(automaton)
        .ge(prefix.as_bytes())
        .lt(past_prefix(prefix).as_bytes())
        .into_stream()
        .ok()
}

/// The automaton of [`short_words_starting_with`].
pub struct ShortWords {
    prefix: Vec<u8>,
    max_chars: usize,
}

impl tantivy_fst::Automaton for ShortWords {
    /// Bytes and characters read, or `None` once the word cannot match.
    type State = Option<(usize, usize)>;

    fn start(&self) -> Self::State {
        Some((0, 0))
    }

    fn is_match(&self, state: &Self::State) -> bool {
        state.is_some_and(|(bytes, _)| bytes >= self.prefix.len())
    }

    fn can_match(&self, state: &Self::State) -> bool {
        state.is_some()
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        let (bytes, chars) = (*state)?;
        if self.prefix.get(bytes).is_some_and(|&wanted| wanted != byte) {
            return None;
        }
        // A byte that does not continue a character starts one.
        let chars = chars + usize::from(byte & 0xC0 != 0x80);
        (chars <= self.max_chars).then_some((bytes + 1, chars))
    }
}

/// Written with every commit, so a reader knows which version of dossier wrote the index.
#[derive(Serialize, Deserialize)]
pub(crate) struct CommitPayload {
    pub dossier_schema: u32,
}

/// The payload of the index's last commit, if it has one. Read from `meta.json` alone:
/// `Index::load_metas` would build the schema and every segment's metadata again, which
/// opening the index has just done.
fn commit_payload(index: &Index) -> tantivy::Result<Option<CommitPayload>> {
    #[derive(Deserialize)]
    struct Meta {
        payload: Option<String>,
    }
    let meta = tantivy::Directory::atomic_read(index.directory(), Path::new("meta.json"))?;
    let meta: Meta = serde_json::from_slice(&meta)
        .map_err(|e| tantivy::TantivyError::InternalError(format!("meta.json: {e}")))?;
    Ok(meta
        .payload
        .and_then(|payload| serde_json::from_str(&payload).ok()))
}

/// What the index remembers of one document, to tell whether its file changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredState {
    pub size: u64,
    pub mtime: i64,
    pub hash: u64,
    /// Seconds since the Unix epoch.
    pub date: i64,
    /// The language the corpus's metadata gave it, if any.
    pub language: Option<Language>,
    /// [`path_hash`] of its file's path.
    pub path_hash: u64,
}

/// What the index keeps of a file's path (relative to the corpus) to tell it was renamed.
pub fn path_hash(rel_path: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(rel_path.as_bytes())
}

/// Each language of an index's documents, with how many documents are in it.
pub type LanguageCounts = Vec<(Language, u64)>;

/// An open dossier index.
pub struct DossierIndex {
    pub index: Index,
    pub fields: Fields,
    pub dir: PathBuf,
    /// The last commit as it was opened: opening every segment again for each part of a
    /// search (variants, hits, passages) cost more than the search of a rare word.
    opened: Option<Searcher>,
    /// The map files beside the segments, each read once for a commit.
    pub side_maps: SideMaps,
    /// The languages of the documents, with the segments they were counted in.
    languages: Mutex<Option<(SegmentsKey, LanguageCounts)>>,
}

/// A file of the last commit that is not in `dir` (deleted by hand, a folder restored in
/// part), if one is: tantivy opens some of them only when a search needs them, and would
/// fail then, while an update found nothing wrong.
fn missing_file(index: &Index, dir: &Path) -> Option<String> {
    use tantivy::index::SegmentComponent;
    let metas = index.searchable_segment_metas().ok()?;
    metas.iter().find_map(|meta| {
        let mut components = vec![
            SegmentComponent::Postings,
            SegmentComponent::Positions,
            SegmentComponent::Terms,
            SegmentComponent::Store,
            SegmentComponent::FastFields,
            SegmentComponent::FieldNorms,
        ];
        if meta.has_deletes() {
            components.push(SegmentComponent::Delete);
        }
        components
            .into_iter()
            .map(|component| meta.relative_path(component))
            .find(|path| !dir.join(path).is_file())
            .map(|path| path.display().to_string())
    })
}

impl DossierIndex {
    /// Whether `dir` holds an index at all (as opposed to a broken one).
    pub fn exists(dir: &Path) -> bool {
        dir.join("meta.json").is_file()
    }

    /// Whether `dir` holds an index's segments but not the `meta.json` that lists them: a
    /// rebuild killed after it removed the list, or the file removed by hand.
    pub fn lost_its_list(dir: &Path) -> bool {
        !Self::exists(dir)
            && std::fs::read_dir(dir).is_ok_and(|entries| {
                entries
                    .flatten()
                    .any(|entry| entry.path().extension().is_some_and(|e| e == "store"))
            })
    }

    /// Opens the index in `dir`, refusing one that is missing, damaged or of another schema.
    ///
    /// Every segment of the last commit is opened once here, so a missing or truncated file is
    /// reported now, as a broken index, rather than in the middle of a search.
    pub fn open(dir: &Path) -> Result<DossierIndex> {
        Self::open_in(dir, Index::open_in_dir(dir))
    }

    /// Opens the index in `dir` as [`DossierIndex::open`] does, for an update: its files give
    /// their pages back as the update's merges read past them (see [`crate::index::released_pages`]).
    pub fn open_for_update(dir: &Path) -> Result<DossierIndex> {
        let directory = ReleasedPagesDirectory::open(dir).map_err(TantivyError::from);
        Self::open_in(dir, directory.and_then(Index::open))
    }

    fn open_in(dir: &Path, opened: tantivy::Result<Index>) -> Result<DossierIndex> {
        if !Self::exists(dir) {
            return Err(Error::NoIndex {
                path: dir.to_path_buf(),
            });
        }
        let broken = |reason: String| Error::BrokenIndex {
            path: dir.to_path_buf(),
            reason,
        };
        let index = opened.map_err(|e| broken(describe(&e)))?;
        if let Some(missing) = missing_file(&index, dir) {
            return Err(broken(format!("its file {missing} is missing")));
        }
        let written_by = commit_payload(&index)
            .map_err(|e| broken(describe(&e)))?
            .map(|payload| payload.dossier_schema);
        let (schema, fields) = build_schema();
        match written_by {
            Some(found) if found < SCHEMA_VERSION => {
                return Err(Error::OutdatedIndex {
                    path: dir.to_path_buf(),
                    found,
                    expected: SCHEMA_VERSION,
                });
            }
            Some(found) if found > SCHEMA_VERSION => {
                return Err(broken(format!(
                    "it was written by a newer version of dossier (schema {found}, this one reads {SCHEMA_VERSION})"
                )));
            }
            // An index created but never committed has no payload yet; its schema decides.
            _ if index.schema() != schema => {
                return Err(broken(
                    "it was not written by this version of dossier (its fields differ)".to_string(),
                ));
            }
            _ => {}
        }
        register_analyzers(index.tokenizers());
        let mut opened = DossierIndex {
            index,
            fields,
            dir: dir.to_path_buf(),
            opened: None,
            side_maps: SideMaps::new(dir),
            languages: Mutex::default(),
        };
        // tantivy panics on some damaged files instead of returning an error.
        let reader = match std::panic::catch_unwind(AssertUnwindSafe(|| opened.reader())) {
            Ok(reader) => reader?,
            Err(_) => {
                let reason = Self::damage(dir).unwrap_or_else(|| "its data is damaged".to_string());
                return Err(broken(reason));
            }
        };
        opened.opened = Some(reader.searcher());
        Ok(opened)
    }

    /// Which files of the last commit in `dir` fail their checksum, or of its side maps
    /// cannot be read through, in a few words, or `None` if none (or it cannot be checked).
    /// Reads every file: only to explain a failure.
    pub fn damage(dir: &Path) -> Option<String> {
        let maps = [vocabulary::file_name(), crate::index::names::file_name()];
        if let Some(map) = vocabulary::damaged_maps(dir, &maps).first() {
            return Some(format!("its file {map} is damaged"));
        }
        let check = || -> Option<Vec<String>> {
            let index = Index::open_in_dir(dir).ok()?;
            let damaged = index.validate_checksum().ok()?;
            let mut names: Vec<String> = damaged.iter().map(|path| file_name(path)).collect();
            names.sort();
            Some(names)
        };
        // Checking may meet the damage that caused the failure, and panic on it too.
        let files = std::panic::catch_unwind(check).ok().flatten()?;
        match files.len() {
            0 => None,
            1 => Some(format!("its file {} fails its checksum", files[0])),
            n => Some(format!("{n} of its files fail their checksum")),
        }
    }

    /// Creates an empty index in `dir`, which may hold other files (a `.gitignore`) but no
    /// index, for an update (opened as [`DossierIndex::open_for_update`] opens one).
    pub fn create(dir: &Path) -> Result<DossierIndex> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let (schema, fields) = build_schema();
        let index = ReleasedPagesDirectory::open(dir)
            .map_err(TantivyError::from)
            .and_then(|directory| Index::create(directory, schema, IndexSettings::default()))
            .map_err(|e| Error::tantivy(dir, e))?;
        register_analyzers(index.tokenizers());
        Ok(DossierIndex {
            index,
            fields,
            dir: dir.to_path_buf(),
            opened: None,
            side_maps: SideMaps::new(dir),
            languages: Mutex::default(),
        })
    }

    /// What the index stores of the document with ID `id`, if it holds one.
    pub fn document(&self, id: &str) -> Result<Option<StoredDocument>> {
        let searcher = self.searcher()?;
        let query = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .map_err(|e| self.error(e))?;
        let Some((_, address)) = top.first() else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(*address).map_err(|e| self.error(e))?;
        Ok(Some(StoredDocument::new(&doc, &self.fields)))
    }

    /// A searcher of the commit the index was opened at, or of the last commit for an index
    /// this process created.
    pub fn searcher(&self) -> Result<Searcher> {
        match &self.opened {
            Some(searcher) => Ok(searcher.clone()),
            None => Ok(self.reader()?.searcher()),
        }
    }

    /// The languages of the documents of `searcher`'s commit, with how many documents each
    /// has, read from the language field's dictionaries (a few words each) once a commit.
    pub fn languages(&self, searcher: &Searcher) -> Result<LanguageCounts> {
        let key = segments_key(searcher);
        let mut counted = self
            .languages
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((_, languages)) = counted.as_ref().filter(|(seen, _)| *seen == key) {
            return Ok(languages.clone());
        }
        let mut languages: LanguageCounts = Vec::new();
        for segment in searcher.segment_readers() {
            let inverted = segment
                .inverted_index(self.fields.lang)
                .map_err(|e| self.error(e))?;
            let mut stream = inverted
                .terms()
                .stream()
                .map_err(|e| Error::io(&self.dir, e))?;
            while stream.advance() {
                let Some(language) = std::str::from_utf8(stream.key())
                    .ok()
                    .and_then(Language::from_name)
                else {
                    continue;
                };
                let documents = u64::from(stream.value().doc_freq);
                match languages.iter_mut().find(|(l, _)| *l == language) {
                    Some((_, count)) => *count += documents,
                    None => languages.push((language, documents)),
                }
            }
        }
        *counted = Some((key, languages.clone()));
        Ok(languages)
    }

    /// A reader of the last commit; searches never see a half-done update.
    pub fn reader(&self) -> Result<IndexReader> {
        self.index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            // No cache of decompressed store blocks: a search reads each hit's document
            // once, and keeping every block read (tantivy's default keeps 100) put each one
            // in fresh pages instead of reusing the last one's.
            .doc_store_cache_num_blocks(0)
            .try_into()
            .map_err(|e| self.error(e))
    }

    /// Every document's ID and stored state, read from fast fields (no text is loaded): the
    /// one thing an update or a corpus check holds per document of the index.
    pub fn stored_states(&self) -> Result<HashMap<String, StoredState>> {
        let searcher = self.reader()?.searcher();
        // Sized once: growing it would hold the old table and the new at once.
        let mut states = HashMap::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let ids = fast
                .str("id")
                .map_err(|e| self.error(e))?
                .ok_or_else(|| self.broken("the id column is missing"))?;
            let sizes = fast.u64("size").map_err(|e| self.error(e))?;
            let mtimes = fast.i64("mtime").map_err(|e| self.error(e))?;
            let hashes = fast.u64("hash").map_err(|e| self.error(e))?;
            let dates = fast.i64("listed_date").map_err(|e| self.error(e))?;
            let languages = fast.u64("listed_lang").map_err(|e| self.error(e))?;
            let path_hashes = fast.u64("path_hash").map_err(|e| self.error(e))?;
            // One pass over the dictionary: looking up each ID by ordinal would decompress a
            // block per document.
            let mut id_of_ord = Vec::with_capacity(ids.num_terms());
            let mut stream = ids
                .dictionary()
                .stream()
                .map_err(|e| Error::io(&self.dir, e))?;
            while stream.advance() {
                id_of_ord.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            for doc in segment.doc_ids_alive() {
                // Moved out, not copied: an ID is alive once, and the map holds every ID of
                // the index.
                let Some(id) = ids
                    .ords()
                    .first(doc)
                    .and_then(|ord| id_of_ord.get_mut(ord as usize))
                    .map(std::mem::take)
                    .filter(|id| !id.is_empty())
                else {
                    continue;
                };
                let state = StoredState {
                    size: sizes.first(doc).unwrap_or_default(),
                    mtime: mtimes.first(doc).unwrap_or_default(),
                    hash: hashes.first(doc).unwrap_or_default(),
                    date: dates.first(doc).unwrap_or_default(),
                    language: Language::from_number(languages.first(doc).unwrap_or_default()),
                    path_hash: path_hashes.first(doc).unwrap_or_default(),
                };
                states.insert(id, state);
            }
        }
        Ok(states)
    }

    /// The stored state of the documents with the IDs `ids`, and of the documents inside
    /// them (ID `id//…`), looked up in the dictionary of IDs: what an update of a few named
    /// files needs of the index, in time that does not grow with it.
    pub fn stored_states_of<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a str> + Clone,
    ) -> Result<HashMap<String, StoredState>> {
        let searcher = self.reader()?.searcher();
        let mut states = HashMap::new();
        for segment in searcher.segment_readers() {
            let postings = segment
                .inverted_index(self.fields.id)
                .map_err(|e| self.error(e))?;
            let dictionary = postings.terms();
            let fast = segment.fast_fields();
            let sizes = fast.u64("size").map_err(|e| self.error(e))?;
            let mtimes = fast.i64("mtime").map_err(|e| self.error(e))?;
            let hashes = fast.u64("hash").map_err(|e| self.error(e))?;
            let dates = fast.i64("listed_date").map_err(|e| self.error(e))?;
            let languages = fast.u64("listed_lang").map_err(|e| self.error(e))?;
            let path_hashes = fast.u64("path_hash").map_err(|e| self.error(e))?;
            let mut found = Vec::new();
            for id in ids.clone() {
                if let Some(info) = dictionary.get(id).map_err(|e| Error::io(&self.dir, e))? {
                    found.push((id.to_string(), info));
                }
                let inner = format!("{id}{INNER_SEPARATOR}");
                let mut words = words_starting_with(dictionary, &inner)
                    .ok_or_else(|| self.broken("the dictionary of IDs cannot be read"))?;
                while words.advance() {
                    let id = String::from_utf8_lossy(words.key()).into_owned();
                    found.push((id, words.value().clone()));
                }
            }
            for (id, info) in found {
                let mut docs = postings
                    .read_postings_from_terminfo(&info, IndexRecordOption::Basic)
                    .map_err(|e| Error::io(&self.dir, e))?;
                let mut doc = tantivy::DocSet::doc(&docs);
                while doc != tantivy::TERMINATED {
                    if segment
                        .alive_bitset()
                        .is_none_or(|alive| alive.is_alive(doc))
                    {
                        let state = StoredState {
                            size: sizes.first(doc).unwrap_or_default(),
                            mtime: mtimes.first(doc).unwrap_or_default(),
                            hash: hashes.first(doc).unwrap_or_default(),
                            date: dates.first(doc).unwrap_or_default(),
                            language: Language::from_number(
                                languages.first(doc).unwrap_or_default(),
                            ),
                            path_hash: path_hashes.first(doc).unwrap_or_default(),
                        };
                        states.insert(id.clone(), state);
                    }
                    doc = tantivy::DocSet::advance(&mut docs);
                }
            }
        }
        Ok(states)
    }

    /// Turns a tantivy error met while using this index into one a user can act on.
    pub(crate) fn error(&self, error: TantivyError) -> Error {
        match error {
            // Only a process that is not dossier (or an older dossier) holds tantivy's lock
            // without holding dossier's.
            TantivyError::LockFailure(LockError::LockBusy, _) => Error::IndexBusy {
                path: self.dir.clone(),
                holder: None,
            },
            // tantivy takes a lock file in the index folder even to read it.
            TantivyError::LockFailure(LockError::IoError(_), _) => Error::Usage(format!(
                "the index at {} cannot be read from here: reading it takes a lock file in its \
                 folder, which cannot be written (a read-only disk, or another user's folder); \
                 copy the index to a folder you can write to",
                self.dir.display()
            )),
            // The schema is dossier's own: a file of the index that does not match it (field
            // norms missing for a field that has them) is damaged.
            TantivyError::DataCorruption(_)
            | TantivyError::OpenReadError(_)
            | TantivyError::IncompatibleIndex(_)
            | TantivyError::SchemaError(_) => self.broken(&describe(&error)),
            // Decoding a damaged file; a full disk or a permission problem has another kind.
            TantivyError::IoError(ref io)
                if matches!(
                    io.kind(),
                    std::io::ErrorKind::InvalidData
                        | std::io::ErrorKind::UnexpectedEof
                        | std::io::ErrorKind::InvalidInput
                        | std::io::ErrorKind::Other
                ) =>
            {
                self.broken(&describe(&error))
            }
            error => Error::tantivy(&self.dir, error),
        }
    }

    fn broken(&self, reason: &str) -> Error {
        Error::BrokenIndex {
            path: self.dir.clone(),
            reason: reason.to_string(),
        }
    }
}

/// What is wrong with the index, in a few words: tantivy's own messages nest debug
/// structures and internal paths, which tell a reporter nothing.
fn describe(error: &TantivyError) -> String {
    match error {
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(path)) => {
            format!("its file {} is missing", file_name(path))
        }
        TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            if io_error.kind() == std::io::ErrorKind::PermissionDenied {
                format!(
                    "its file {} cannot be read (permission denied)",
                    file_name(filepath)
                )
            } else {
                format!("its file {} is damaged or truncated", file_name(filepath))
            }
        }
        TantivyError::OpenReadError(OpenReadError::IncompatibleIndex(_))
        | TantivyError::IncompatibleIndex(_) => {
            "it was written by an incompatible version of its search engine".to_string()
        }
        TantivyError::DataCorruption(corruption) => {
            // The file is only reachable through the Debug text: "(in file `\"meta.json\"`)".
            let text = format!("{corruption:?}");
            match text.split('"').nth(1) {
                Some(file) if text.contains("in file") => {
                    format!("its file {} is damaged", file_name(Path::new(file)))
                }
                _ => "its data is damaged".to_string(),
            }
        }
        TantivyError::OpenDirectoryError(_) => "its folder cannot be read".to_string(),
        TantivyError::SchemaError(_) => "its files do not match its schema".to_string(),
        TantivyError::IoError(io) => format!(
            "its data is damaged ({})",
            io.to_string().chars().take(80).collect::<String>()
        ),
        other => {
            let text = other.to_string();
            let first = text.lines().next().unwrap_or("unknown error");
            first.chars().take(160).collect()
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A search's memory does not grow with the documents it reads: no store block is kept.
    #[test]
    fn a_search_keeps_no_store_block_in_memory() {
        let folder = tempfile::tempdir().unwrap();
        let index = DossierIndex::create(folder.path()).unwrap();
        let mut writer = index.index.writer_with_num_threads(1, 15_000_000).unwrap();
        for n in 0..3 {
            let mut document = TantivyDocument::new();
            document.add_text(index.fields.id, format!("doc{n}"));
            writer.add_document(document).unwrap();
        }
        writer.commit().unwrap();
        let index = DossierIndex::open(folder.path()).unwrap();
        let searcher = index.searcher().unwrap();
        for _ in 0..2 {
            for n in 0..3 {
                assert!(index.document(&format!("doc{n}")).unwrap().is_some());
            }
        }
        let stats = searcher.doc_store_cache_stats();
        assert_eq!(stats.num_entries, 0);
        assert_eq!(stats.cache_hits, 0);
        assert!(stats.cache_misses >= 6, "{stats:?}");
    }

    /// The languages are counted once a commit, and again for each new commit of an index
    /// kept open.
    #[test]
    fn the_languages_counted_follow_the_commits_of_an_index_kept_open() {
        let folder = tempfile::tempdir().unwrap();
        let index = DossierIndex::create(folder.path()).unwrap();
        let mut writer = index.index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut add = |language: &str| {
            let mut document = TantivyDocument::new();
            document.add_text(index.fields.lang, language);
            writer.add_document(document).unwrap();
            writer.commit().unwrap();
        };
        let counted = |index: &DossierIndex| index.languages(&index.searcher().unwrap()).unwrap();
        let (english, german) = (
            Language::from_name("en").unwrap(),
            Language::from_name("de").unwrap(),
        );
        add("en");
        assert_eq!(counted(&index), [(english, 1)]);
        assert_eq!(counted(&index), [(english, 1)]);
        add("de");
        let mut now = counted(&index);
        now.sort_by_key(|(language, _)| language.code());
        assert_eq!(now, [(german, 1), (english, 1)]);
    }
}
