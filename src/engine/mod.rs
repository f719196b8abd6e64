//! The one engine every front end calls: it opens the index, keeps it current with the
//! corpus, and answers searches and quotations with plain data.
//!
//! The promise it keeps (see `freshness.rs`): never an answer from an index older than the
//! corpus, unless the caller asked for that ([`Engine::without_refresh`]). A search is run
//! on the index's last commit while the corpus is checked (or a running `dossier serve`
//! asked, which runs the search itself when it vouches for the index); if the
//! corpus turns out to have changed, the index is updated and the search run again. While
//! another process updates the index, the engine answers from its last commit and says so.
//!
//! What happens on the way (an index built, a corpus found changed) is
//! told to the caller's [`Report`] as a [`Notice`], plain data for a printer to word.
//! Nothing here prints.

mod freshness;
pub mod watcher;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};
use crate::highlight::matches::{Match, find_matches};
use crate::index::DossierIndex;
use crate::index::names::words_sharing_a_key;
use crate::index::schema::build_schema;
use crate::query::stems::forms_in_languages;
use crate::query::variants::Variants;
use crate::query::{QueryBuilder, UserQuery};
use crate::quote::{QuoteRequest, QuoteResults, check_quotation};
use crate::search::{SearchRequest, SearchResults, search};
use crate::text::language::Language;
use crate::update::{IndexSummary, Progress, UpdateOptions};

/// Something the caller may want to tell the user about how an answer was reached.
#[derive(Debug)]
pub enum Notice<'a> {
    /// There was no index yet: it is being built. `list_lost`: the folder held the
    /// segments of one, but not the list of them (`meta.json`).
    NoIndexYet { list_lost: bool },
    /// The corpus changed since the last update: the index is being updated.
    CorpusChanged {
        new_or_modified: usize,
        removed: usize,
    },
    /// Another process is updating the index: the answer comes from its last commit.
    AnsweringFromLastCommit { holder: Option<u32> },
    /// An update ran (whether asked for or needed by a search).
    Indexed(&'a IndexSummary),
    /// Checking the corpus for changes took [`SLOW_CORPUS_CHECK`] or longer, with no
    /// `dossier serve` to answer for it: a front end may say how to avoid it.
    SlowCorpusCheck {
        files: usize,
        took: std::time::Duration,
    },
}

/// A corpus check that takes this long is worth avoiding (it stats every file).
pub const SLOW_CORPUS_CHECK: std::time::Duration = std::time::Duration::from_millis(500);

/// Where the engine reports progress and notices; `()` drops them.
pub trait Report: Progress {
    fn notice(&self, _notice: Notice<'_>) {}
}

impl Report for () {}

/// A document's text as indexed: what its passages' offsets point into.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DocumentText {
    pub id: String,
    pub path: String,
    pub title: String,
    /// The format it was read as, if not plain text.
    pub format: Option<String>,
    /// The encoding it was decoded from, if not UTF-8 as it stands.
    pub encoding: Option<String>,
    pub text: String,
    /// Where pages 2, 3, … start in `text`, for a document with pages.
    pub page_starts: Vec<usize>,
}

/// A document's text and every match in it of a query's clauses.
#[derive(Clone, Debug)]
pub struct DocumentMatches {
    pub document: DocumentText,
    /// The query's clauses, as written: a match's `term` is an index into this list.
    pub terms: Vec<String>,
    /// Byte ranges of `document.text`, sorted by start.
    pub matches: Vec<Match>,
}

impl DocumentText {
    /// How many pages the document has (1 for one without pages).
    pub fn page_count(&self) -> usize {
        self.page_starts.len() + 1
    }

    /// The byte range of page `page` (1-based) in `text`.
    pub fn page_range(&self, page: usize) -> Result<std::ops::Range<usize>> {
        if page == 0 || page > self.page_count() {
            return Err(Error::NoSuchPage {
                id: self.id.clone(),
                page,
                pages: self.page_count(),
            });
        }
        let start = if page == 1 {
            0
        } else {
            self.page_starts[page - 2]
        };
        let end = self
            .page_starts
            .get(page - 1)
            .copied()
            .unwrap_or(self.text.len());
        let whole =
            start <= end && self.text.is_char_boundary(start) && self.text.is_char_boundary(end);
        if !whole {
            return Err(Error::TextUnavailable {
                id: self.id.clone(),
                reason: "its page offsets do not fit its text; run `dossier index --rebuild`"
                    .to_string(),
            });
        }
        Ok(start..end)
    }
}

/// An engine over one corpus and its index.
pub struct Engine {
    corpus: PathBuf,
    index_dir: PathBuf,
    /// Whether the corpus is checked for changes before an answer.
    refresh: bool,
    /// The index last answered from, kept open with the text of the `meta.json` of its
    /// commit, so that a long-running front end opens it again only after a commit.
    opened: Mutex<Option<(Vec<u8>, Arc<DossierIndex>)>>,
}

/// A language is stemmed in when it holds at least one document in this many (any language
/// of a dossier of fewer documents). A language detected in one or two documents of
/// fifty thousand is more often a misreading than a language of the dossier, and each
/// language stemmed in costs a walk of the vocabulary for every word of a query (Catalan,
/// seen once in the news benchmark corpus, tripled the time of `sanctions`). `--lang`
/// stems in the languages it names whatever their share.
const MIN_LANGUAGE_SHARE: u64 = 1000;

impl Engine {
    /// An engine for the dossier in `corpus`, indexed in `index_dir`, that keeps the index
    /// current with the corpus.
    pub fn new(corpus: impl Into<PathBuf>, index_dir: impl Into<PathBuf>) -> Engine {
        Engine {
            corpus: corpus.into(),
            index_dir: index_dir.into(),
            refresh: true,
            opened: Mutex::new(None),
        }
    }

    /// Answers from the index as it is, without checking the corpus for changes.
    pub fn without_refresh(mut self) -> Engine {
        self.refresh = false;
        self
    }

    pub fn corpus(&self) -> &Path {
        &self.corpus
    }

    pub fn index_dir(&self) -> &Path {
        &self.index_dir
    }

    /// Brings the index up to date with the corpus (or rebuilds it), whatever `refresh`.
    pub fn update(&self, options: &UpdateOptions, report: &dyn Report) -> Result<IndexSummary> {
        let watcher = watcher::ask(&self.index_dir, &self.corpus);
        let summary = freshness::update(self, options, report)?;
        freshness::tell_watcher_current(self, watcher, Some(summary.fingerprint));
        Ok(summary)
    }

    /// Runs `request` on an index current with the corpus (or run by a watcher that vouches
    /// for it). The query is read before anything is indexed, so a typo costs nothing.
    pub fn search(&self, request: &SearchRequest, report: &dyn Report) -> Result<SearchResults> {
        let query = UserQuery::read(&request.query)?;
        let (_, fields) = build_schema();
        QueryBuilder::new(&fields).build_query(&query)?;
        // A watcher that vouches for the index runs the search itself, on the index it keeps
        // open; otherwise its answer is read once the search is done here.
        let question = if self.refresh {
            match watcher::ask_to_search(&self.index_dir, &self.corpus, request) {
                Some(watcher::SearchReply::Served(results)) => return Ok(results),
                Some(watcher::SearchReply::Unserved(question)) => Some(question),
                None => None,
            }
        } else {
            None
        };
        freshness::on_current_index(self, question, report, |index| {
            self.search_index(index, request, &query)
        })
    }

    /// Runs `request` on the index's last commit, kept open between calls: for a front end
    /// that knows the index is current (a watcher that vouches for it).
    pub fn search_last_commit(&self, request: &SearchRequest) -> Result<SearchResults> {
        let query = UserQuery::read(&request.query)?;
        let index = self.last_commit()?;
        self.search_index(&index, request, &query)
    }

    /// Checks the quotation of `request` against an index current with the corpus.
    pub fn quote(&self, request: &QuoteRequest, report: &dyn Report) -> Result<QuoteResults> {
        request.check()?;
        let question = if self.refresh {
            watcher::Question::send(&self.index_dir, &self.corpus)
        } else {
            None
        };
        let variants = if request.variants {
            Variants::for_corpus(&self.corpus)?
        } else {
            Variants::none()
        };
        freshness::on_current_index(self, question, report, |index| {
            check_quotation(index, request, &variants, &self.corpus)
        })
    }

    /// The text of the document with ID `id` exactly as indexed (what passages' offsets
    /// point into), from an index current with the corpus.
    pub fn show(&self, id: &str, report: &dyn Report) -> Result<DocumentText> {
        let question = if self.refresh {
            watcher::Question::send(&self.index_dir, &self.corpus)
        } else {
            None
        };
        freshness::on_current_index(self, question, report, |index| {
            document_text(index, id, &self.corpus)
        })
    }

    /// Checks the quotation of `request` on the index's last commit, kept open between
    /// calls: for a front end that keeps the index current itself (`dossier serve`).
    pub fn quote_last_commit(&self, request: &QuoteRequest) -> Result<QuoteResults> {
        request.check()?;
        let variants = if request.variants {
            Variants::for_corpus(&self.corpus)?
        } else {
            Variants::none()
        };
        let index = self.last_commit()?;
        check_quotation(&index, request, &variants, &self.corpus)
    }

    /// The text of the document with ID `id` and every match in it of the query of
    /// `request` (none for an empty query), from the index's last commit. The document is
    /// looked up by its ID in the index, never by a path.
    pub fn document_matches_last_commit(
        &self,
        id: &str,
        request: &SearchRequest,
    ) -> Result<DocumentMatches> {
        let query = if request.query.trim().is_empty() {
            None
        } else {
            Some(UserQuery::read(&request.query)?)
        };
        let index = self.last_commit()?;
        let document = document_text(&index, id, &self.corpus)?;
        let Some(query) = query else {
            return Ok(DocumentMatches {
                document,
                terms: Vec::new(),
                matches: Vec::new(),
            });
        };
        let parsed = self.query_builder(&index, request)?.build_query(&query)?;
        let matches = find_matches(&document.text, &parsed.terms);
        Ok(DocumentMatches {
            document,
            terms: parsed.terms.iter().map(|t| t.label.clone()).collect(),
            matches,
        })
    }

    /// How many documents the index's last commit holds.
    pub fn document_count_last_commit(&self) -> Result<u64> {
        Ok(self.last_commit()?.searcher()?.num_docs())
    }

    fn search_index(
        &self,
        index: &DossierIndex,
        request: &SearchRequest,
        query: &UserQuery,
    ) -> Result<SearchResults> {
        let query = self.query_builder(index, request)?.build_query(query)?;
        search(index, &query, request, &self.corpus)
    }

    /// The builder of `request`'s query in `index`: with the names' other spellings unless
    /// they are turned off, and the inflections of its words in the languages the index
    /// holds (or those the request names, or the one a long query is written in), English
    /// aside, which every word is stemmed in.
    fn query_builder(&self, index: &DossierIndex, request: &SearchRequest) -> Result<QueryBuilder> {
        let fields = &index.fields;
        let searcher = index.searcher()?;
        let mut builder = QueryBuilder::new(fields).fuzzy_words(request.fuzzy);
        if request.variants {
            let variants = Variants::for_corpus(&self.corpus)?;
            let listed = variants.clone();
            builder = builder.variants(variants.in_index(searcher.clone(), fields.body_exact));
            let (maps, searcher, body) =
                (index.side_maps.clone(), searcher.clone(), fields.body_exact);
            // The spellings that share the word's key, and those that share the keys of its
            // listed variants: Kyiv's include Kiev's (Kiew, Киев), as Kiev's include Kyiv.
            // (Київ's key is Kyiv's, whose listed variant is Kiev; Kiew's is Kiev's.)
            builder = builder.names(Box::new(move |word| {
                let mut found = words_sharing_a_key(&maps, &searcher, body, &[word]);
                let mut spelt: Vec<String> = std::iter::once(word.to_string())
                    .chain(found.iter().map(|s| s.to_lowercase()))
                    .collect();
                spelt.extend(
                    listed
                        .sharing_a_key_with(word)
                        .into_iter()
                        .map(String::from),
                );
                let variants: Vec<String> = spelt.iter().flat_map(|s| listed.of(s, true)).collect();
                let variants: Vec<&str> = variants.iter().map(String::as_str).collect();
                for spelling in words_sharing_a_key(&maps, &searcher, body, &variants) {
                    if spelling != word && !found.contains(&spelling) {
                        found.push(spelling);
                    }
                }
                found
            }));
        }
        let languages = if request.filters.languages.is_empty() {
            let held = index.languages(&searcher)?;
            let documents = searcher.num_docs();
            let held: Vec<Language> = held
                .into_iter()
                .filter(|&(_, count)| count * MIN_LANGUAGE_SHARE >= documents)
                .map(|(language, _)| language)
                .collect();
            // A query long enough to tell its language (a pasted paragraph) is written in
            // it: its words are looked up in that language's inflections alone, not in
            // every language's, which cost a pasted paragraph a walk of the vocabulary for
            // each word in each language.
            match Language::detect(&request.query) {
                Some(written) if written == Language::english() || held.contains(&written) => {
                    vec![written]
                }
                _ => held,
            }
        } else {
            request.filters.languages.clone()
        };
        let stemmers: Vec<_> = languages
            .into_iter()
            .filter(|language| *language != Language::english())
            .filter_map(Language::stemmer)
            .collect();
        if !stemmers.is_empty() {
            let body = fields.body_exact;
            builder = builder.inflections(Box::new(move |word| {
                forms_in_languages(&searcher, body, &stemmers, word)
            }));
        }
        Ok(builder)
    }

    /// The index's last commit, opened again only if its `meta.json` changed since.
    fn last_commit(&self) -> Result<Arc<DossierIndex>> {
        let meta = self.index_dir.join("meta.json");
        let commit = std::fs::read(&meta).map_err(|e| crate::error::Error::io(&meta, e))?;
        let mut opened = self.opened.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((seen, index)) = opened.as_ref()
            && *seen == commit
        {
            return Ok(Arc::clone(index));
        }
        let index = Arc::new(DossierIndex::open(&self.index_dir)?);
        *opened = Some((commit, Arc::clone(&index)));
        Ok(index)
    }

    /// Forgets the index kept open, so that the next search opens it anew (after a failure
    /// that may have been the index's).
    pub fn forget_open_index(&self) {
        *self.opened.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Keeps `index` as the one answered from: the process's last use of it then costs no
    /// closing until the engine goes.
    fn keep_open(&self, index: DossierIndex) {
        *self.opened.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((Vec::new(), Arc::new(index)));
    }
}

/// The text of the document with ID `id` in `index`, as indexed.
fn document_text(index: &DossierIndex, id: &str, corpus: &Path) -> Result<DocumentText> {
    let stored = index
        .document(id)?
        .ok_or_else(|| Error::UnknownDocument { id: id.to_string() })?;
    let text = stored
        .whole_text(corpus)
        .map_err(|reason| Error::TextUnavailable {
            id: id.to_string(),
            reason: reason.to_string(),
        })?;
    Ok(DocumentText {
        id: stored.id,
        path: stored.path,
        title: stored.title,
        format: stored.format,
        encoding: stored.encoding,
        text,
        page_starts: stored.page_starts,
    })
}

#[cfg(test)]
mod tests {
    //! The freshness protocol, through the engine alone: no binary, no watcher.

    use std::path::Path;
    use std::sync::Mutex;

    use super::*;
    use crate::index::lock::UpdateLock;
    use crate::index::pool::Sharing;
    use crate::search::search_collecting;

    /// Keeps every notice, by its kind.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl Progress for Recorder {}

    impl Report for Recorder {
        fn notice(&self, notice: Notice<'_>) {
            let said = match notice {
                Notice::NoIndexYet { .. } => "no index".to_string(),
                Notice::CorpusChanged {
                    new_or_modified,
                    removed,
                } => format!("changed {new_or_modified}/{removed}"),
                Notice::AnsweringFromLastCommit { .. } => "last commit".to_string(),
                Notice::SlowCorpusCheck { .. } => "slow check".to_string(),
                Notice::Indexed(summary) => format!(
                    "indexed {}+ {}~ {}-",
                    summary.added, summary.updated, summary.removed
                ),
            };
            self.0.lock().unwrap().push(said);
        }
    }

    impl Recorder {
        fn taken(&self) -> Vec<String> {
            std::mem::take(&mut *self.0.lock().unwrap())
        }
    }

    /// The IDs of the documents found, in ID order.
    fn ids(engine: &Engine, query: &str, report: &Recorder) -> Vec<String> {
        let results = engine
            .search(&SearchRequest::new(query), report)
            .expect("a search");
        let mut ids: Vec<String> = results.hits.into_iter().map(|hit| hit.doc_id).collect();
        ids.sort();
        ids
    }

    fn write(corpus: &Path, name: &str, text: &str) {
        std::fs::write(corpus.join(name), text).unwrap();
    }

    fn dossier() -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        write(&corpus, "a.txt", "Witkoff met Dmitriev in Miami.");
        write(&corpus, "b.txt", "The talks in Geneva went on.");
        let engine = Engine::new(&corpus, dir.path().join("index"));
        (dir, engine)
    }

    #[test]
    fn segments_collected_on_threads_give_the_hits_of_one_thread() {
        let (_dir, engine) = dossier();
        let report = Recorder::default();
        ids(&engine, "talks", &report);
        write(
            engine.corpus(),
            "c.txt",
            "More talks in Miami, and talk of Geneva.",
        );
        write(
            engine.corpus(),
            "d.txt",
            "Talks in Miami: Witkoff and Dmitriev talked.",
        );
        assert_eq!(ids(&engine, "talks", &report), ["b", "c", "d"]);
        let index = DossierIndex::open(engine.index_dir()).unwrap();
        assert!(index.searcher().unwrap().segment_readers().len() >= 2);
        for query in [
            "talks",
            "miami geneva",
            "\"in Miami\"",
            "talk*",
            "+talks -geneva",
        ] {
            let request = SearchRequest::new(query);
            let parsed = engine
                .query_builder(&index, &request)
                .unwrap()
                .build_query(&UserQuery::read(query).unwrap())
                .unwrap();
            let corpus = engine.corpus();
            let alone = search_collecting(&index, &parsed, &request, corpus, Sharing::Never);
            let shared = search_collecting(&index, &parsed, &request, corpus, Sharing::Always);
            let json = |results: SearchResults| serde_json::to_string(&results).unwrap();
            assert_eq!(json(alone.unwrap()), json(shared.unwrap()), "{query}");
        }
    }

    #[test]
    fn the_first_search_builds_the_index_and_an_unchanged_corpus_is_not_indexed_again() {
        let (_dir, engine) = dossier();
        let report = Recorder::default();
        assert_eq!(ids(&engine, "miami", &report), ["a"]);
        assert_eq!(report.taken(), ["no index", "indexed 2+ 0~ 0-"]);
        assert_eq!(ids(&engine, "geneva", &report), ["b"]);
        assert_eq!(report.taken(), Vec::<String>::new());
    }

    #[test]
    fn a_file_added_changed_or_removed_between_two_searches_is_seen_by_the_second() {
        let (_dir, engine) = dossier();
        let report = Recorder::default();
        assert_eq!(ids(&engine, "talks", &report), ["b"]);
        report.taken();

        write(engine.corpus(), "c.txt", "More talks in Miami.");
        assert_eq!(ids(&engine, "talks", &report), ["b", "c"]);
        assert_eq!(report.taken(), ["changed 1/0", "indexed 1+ 0~ 0-"]);

        write(
            engine.corpus(),
            "b.txt",
            "The meeting in Geneva was called off entirely.",
        );
        assert_eq!(ids(&engine, "talks", &report), ["c"]);
        assert_eq!(ids(&engine, "meeting", &report), ["b"]);
        assert_eq!(report.taken(), ["changed 1/0", "indexed 0+ 1~ 0-"]);

        std::fs::remove_file(engine.corpus().join("c.txt")).unwrap();
        assert_eq!(ids(&engine, "talks", &report), Vec::<String>::new());
        assert_eq!(report.taken(), ["changed 0/1", "indexed 0+ 0~ 1-"]);
    }

    #[test]
    fn without_refresh_the_last_commit_answers_even_when_the_corpus_changed() {
        let (_dir, engine) = dossier();
        let report = Recorder::default();
        ids(&engine, "talks", &report);
        write(engine.corpus(), "c.txt", "More talks in Miami.");
        let stale = Engine::new(engine.corpus(), engine.index_dir()).without_refresh();
        assert_eq!(ids(&stale, "talks", &report), ["b"]);
        report.taken();
        assert_eq!(ids(&engine, "talks", &report), ["b", "c"]);
    }

    #[test]
    fn while_another_process_updates_the_index_its_last_commit_answers_and_says_so() {
        let (_dir, engine) = dossier();
        let report = Recorder::default();
        ids(&engine, "talks", &report);
        report.taken();
        write(engine.corpus(), "c.txt", "More talks in Miami.");
        // The OS lock is per open file, so holding it here stands for another process.
        let other = UpdateLock::acquire(engine.index_dir()).unwrap();
        assert_eq!(ids(&engine, "talks", &report), ["b"]);
        assert_eq!(report.taken(), ["changed 1/0", "last commit"]);
        drop(other);
        assert_eq!(ids(&engine, "talks", &report), ["b", "c"]);
        assert_eq!(report.taken(), ["changed 1/0", "indexed 1+ 0~ 0-"]);
    }

    #[test]
    fn a_quotation_is_checked_against_the_corpus_as_it_is_now() {
        let (_dir, engine) = dossier();
        let report = Recorder::default();
        let request = QuoteRequest::new("Witkoff met Dmitriev in Miami");
        assert_eq!(engine.quote(&request, &report).unwrap().verbatim_count(), 1);
        write(
            engine.corpus(),
            "a.txt",
            "Witkoff never met anyone in Miami.",
        );
        assert_eq!(engine.quote(&request, &report).unwrap().verbatim_count(), 0);
    }

    #[test]
    fn a_malformed_query_is_refused_before_anything_is_indexed() {
        let (_dir, engine) = dossier();
        let report = Recorder::default();
        let error = engine.search(&SearchRequest::new("\"unclosed"), &report);
        assert!(error.is_err());
        assert!(report.taken().is_empty());
        assert!(!engine.index_dir().exists());
    }

    #[test]
    fn the_last_commit_is_kept_open_until_a_new_commit() {
        let (_dir, engine) = dossier();
        let report = Recorder::default();
        engine.update(&UpdateOptions::default(), &report).unwrap();
        let first = engine.last_commit().unwrap();
        assert!(Arc::ptr_eq(&first, &engine.last_commit().unwrap()));
        write(engine.corpus(), "c.txt", "More talks in Miami.");
        engine.update(&UpdateOptions::default(), &report).unwrap();
        let second = engine.last_commit().unwrap();
        assert!(!Arc::ptr_eq(&first, &second));
        let request = SearchRequest::new("talks");
        assert_eq!(engine.search_last_commit(&request).unwrap().total_hits, 2);
    }
}
