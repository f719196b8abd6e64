//! Running a query and returning ranked hits, with their passages, as plain data.

pub mod suggest;

use serde::{Deserialize, Serialize};
use std::path::Path;
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::columnar::StrColumn;

use tantivy::query::EnableScoring;
use tantivy::schema::{Field, Value};
use tantivy::{DocAddress, DocId, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument, Term};

use crate::error::Result;
use crate::highlight::locate::{Located, stretches_in_text, terms_to_locate, windows};
use crate::highlight::matches::{Match, find_matches, find_matches_further_on, find_matches_in};
use crate::highlight::passage::{Passage, best_passages};
use crate::index::DossierIndex;
use crate::index::checkpoints::Checkpoint;
use crate::index::pool::{Sharing, map_shared};
use crate::index::stored::StoredDocument;
use crate::query::filter::{Filters, restrict};
use crate::query::synonyms::Words;
use crate::query::{ParsedQuery, Pattern, QueryTerm};
use crate::search::suggest::{Suggestion, suggest};
use crate::text::dates::format_date;

/// A stored text at least this long is analyzed again only around the places where the
/// postings put the query's words; a shorter one is analyzed whole, which costs less than
/// reading the postings.
const LOCATE_FROM_BYTES: usize = 4 * 1024;

/// How many hits past the limit are looked at for documents that score the same as the last
/// one within it, which may take its place (see `within_limit`); more when they all do.
const TIE_ROOM: usize = 16;

/// A search as asked: the query as the user typed it and what to return. The one type every
/// front end fills in (the command line from its flags, the watcher from a message) and the
/// engine answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub query: String,
    /// How many documents.
    pub limit: usize,
    /// How many of the best documents to leave out before the first returned: the
    /// documents before a page of results.
    #[serde(default)]
    pub offset: usize,
    /// How many passages of each document.
    pub passages: usize,
    /// Every plain word also matches close spellings.
    pub fuzzy: bool,
    /// Names are also searched under their other spellings (see [`crate::query::variants`]).
    pub variants: bool,
    pub filters: Filters,
}

impl SearchRequest {
    /// The command line's defaults: 10 documents, 2 passages each, variants on.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            limit: 10,
            offset: 0,
            passages: 2,
            fuzzy: false,
            variants: true,
            filters: Filters::default(),
        }
    }
}

/// What the work of one search shares.
struct Options<'a> {
    request: &'a SearchRequest,
    corpus: &'a Path,
}

/// One matching document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Hit {
    pub rank: usize,
    pub doc_id: String,
    pub path: String,
    pub title: String,
    pub score: f32,
    /// The document's date, `YYYY-MM-DD`: from the corpus's metadata.tsv, else the file's
    /// modification time.
    pub date: String,
    /// The format the document was read as, when it is not plain text (`pdf`, `html`, …).
    #[serde(default)]
    pub format: Option<String>,
    /// For a document inside a file (a message of an mbox, an attachment, a file of an
    /// archive), the ID of the document that holds it.
    #[serde(default)]
    pub container: Option<String>,
    /// The document's language (ISO 639-1), if known.
    #[serde(default)]
    pub lang: Option<String>,
    /// The encoding the document was decoded from, when it is not UTF-8 as it stands: the
    /// passages' offsets are then offsets into the decoded text, not into the file.
    pub encoding: Option<String>,
    pub passages: Vec<Passage>,
}

/// The answer to a query.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SearchResults {
    pub total_hits: usize,
    /// How many of the best hits were left out before `hits` (the request's offset).
    #[serde(default)]
    pub offset: usize,
    pub hits: Vec<Hit>,
    /// The query's clauses, as written: a highlight's `term` is an index into this list.
    pub terms: Vec<String>,
    /// For each clause, the rule by which it matches other words than those written, if
    /// it does (`transliteration`).
    #[serde(default)]
    pub term_variants: Vec<Option<String>>,
    /// Close spellings of the query's words that more documents have.
    pub suggestions: Vec<Suggestion>,
    /// Words also searched under other spellings of a name.
    pub variants: Vec<NameVariants>,
    /// Why some hits have no passages (a long document's file changed or vanished).
    pub problems: Vec<String>,
}

/// A word of the query and the other spellings of it that were searched too.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NameVariants {
    pub word: String,
    pub also: Vec<String>,
}

/// Runs `query` (read from `request.query`) on `index`, for the dossier in `corpus` (where
/// long documents' texts are read), and returns the hits of `request` with their passages.
pub fn search(
    index: &DossierIndex,
    query: &ParsedQuery,
    request: &SearchRequest,
    corpus: &Path,
) -> Result<SearchResults> {
    search_collecting(index, query, request, corpus, Sharing::WhenWorthIt)
}

/// `search`, with its work on each segment (the matches) and on each hit (its passages)
/// shared with the pool of threads as `sharing` says.
pub(crate) fn search_collecting(
    index: &DossierIndex,
    query: &ParsedQuery,
    request: &SearchRequest,
    corpus: &Path,
    sharing: Sharing,
) -> Result<SearchResults> {
    let options = Options { request, corpus };
    let searcher = index.searcher()?;
    // No more hits than documents: tantivy sets room aside for as many as asked, and
    // `--limit 18446744073709551615` overflowed it.
    let documents = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    let through = options.request.offset.saturating_add(options.request.limit);
    let restricted;
    let runnable: &dyn tantivy::query::Query = if options.request.filters.is_empty() {
        query.query.as_ref()
    } else {
        restricted = restrict(
            query.query.box_clone(),
            &options.request.filters,
            index,
            &searcher,
        )?;
        restricted.as_ref()
    };
    let weight = runnable
        .weight(EnableScoring::enabled_from_searcher(&searcher))
        .map_err(|e| index.error(e))?;
    let collect = |wanted: usize| -> Result<(usize, Vec<(f32, DocAddress)>)> {
        let collector = (Count, TopDocs::with_limit(wanted).order_by_score());
        let segments: Vec<(SegmentOrdinal, &SegmentReader)> =
            (0..).zip(searcher.segment_readers()).collect();
        let fruits = map_shared(
            segments,
            |(_, segment)| u64::from(segment.max_doc()),
            sharing,
            |(ordinal, segment)| collector.collect_segment(weight.as_ref(), ordinal, segment),
        )
        .map_err(|e| index.error(e))?;
        collector.merge_fruits(fruits).map_err(|e| index.error(e))
    };
    let mut room = through.saturating_add(TIE_ROOM);
    let (total_hits, top_docs) = loop {
        let wanted = room.min(documents).max(1);
        let (total_hits, top_docs) = collect(wanted)?;
        // Documents of the score at the list's edge that run on past those collected: which
        // of them tantivy kept is the index's order, not their IDs'. Collect them all.
        let edge = through.checked_sub(1).and_then(|last| top_docs.get(last));
        let ties_cut = total_hits > top_docs.len()
            && edge
                .zip(top_docs.last())
                .is_some_and(|(edge, last)| edge.0 == last.0);
        if !ties_cut || wanted == documents {
            break (total_hits, top_docs);
        }
        room = room.saturating_mul(4);
    };
    let top_docs = within_limit(&searcher, top_docs, through);
    let top_docs = past_offset(&searcher, top_docs, options.request.offset);
    let keywords: Vec<(String, Vec<String>)> = query
        .terms
        .iter()
        // A name found under other spellings is not offered close ones.
        .filter(|t| {
            !query
                .terms
                .iter()
                .any(|other| other.variant.is_some() && other.label == t.label)
        })
        .filter_map(|t| match &t.pattern {
            Pattern::Word {
                words,
                stemmed: true,
            } => Some((t.label.clone(), words.clone())),
            _ => None,
        })
        .collect();
    let (hits, problems) = ranked_hits(index, &searcher, query, top_docs, &options, sharing)?;
    // Not on a thread of their own beside the passages: starting a thread costs more than
    // either part of the work for a rare word.
    let suggestions = suggest(
        &searcher,
        &index.side_maps,
        index.fields.body_exact,
        &keywords,
        total_hits == 0,
    );
    Ok(SearchResults {
        total_hits,
        offset: options.request.offset,
        hits,
        terms: query.terms.iter().map(|t| t.label.clone()).collect(),
        term_variants: query
            .terms
            .iter()
            .map(|t| t.variant.map(str::to_string))
            .collect(),
        suggestions,
        problems,
        variants: query
            .variants
            .iter()
            .map(|(word, also)| NameVariants {
                word: word.clone(),
                also: also.clone(),
            })
            .collect(),
    })
}

/// The first `limit` of `top` (best first). When documents of equal score stand on both
/// sides of the limit, those within it are the ones of the first IDs, not those the index
/// happens to hold first, which changes with a rebuild: a list of hits cited must not.
/// (`top` reaches past the limit through every document tied at its edge; `ranked_hits`
/// orders the ties within.)
fn within_limit(
    searcher: &Searcher,
    mut top: Vec<(f32, DocAddress)>,
    limit: usize,
) -> Vec<(f32, DocAddress)> {
    if top.len() <= limit {
        return top;
    }
    let Some(&(edge, _)) = limit.checked_sub(1).and_then(|last| top.get(last)) else {
        return Vec::new();
    };
    if top[limit].0 != edge {
        top.truncate(limit);
        return top;
    }
    let tie = tie_at(&top, limit - 1);
    let first = tie.start;
    let room = limit - first;
    let mut ids = DocumentIds::new(searcher);
    // Within a segment, IDs are in the order of their numbers in its dictionary: only the
    // first `room` of each segment can be within the limit, and only theirs are read.
    let mut tied: Vec<(u32, Option<u64>, (f32, DocAddress))> = top[tie]
        .iter()
        .map(|&entry| (entry.1.segment_ord, ids.number(entry.1), entry))
        .collect();
    tied.sort_by_key(|&(segment, number, _)| (segment, number));
    let mut candidates: Vec<(String, (f32, DocAddress))> = Vec::new();
    let mut in_segment = (u32::MAX, 0);
    for &(segment, _, entry) in &tied {
        if in_segment.0 != segment {
            in_segment = (segment, 0);
        }
        in_segment.1 += 1;
        if in_segment.1 <= room {
            candidates.push((ids.of(entry.1), entry));
        }
    }
    candidates.sort_by(|a, b| a.0.cmp(&b.0));
    top.truncate(first);
    top.extend(candidates.into_iter().map(|(_, entry)| entry).take(room));
    top
}

/// Where in `top` (best first) the documents of the score of `top[at]` stand: together,
/// since scores only fall.
fn tie_at(top: &[(f32, DocAddress)], at: usize) -> std::ops::Range<usize> {
    let edge = top[at].0;
    let first = top[..at]
        .iter()
        .rposition(|&(score, _)| score != edge)
        .map_or(0, |before| before + 1);
    let end = top[at..]
        .iter()
        .position(|&(score, _)| score != edge)
        .map_or(top.len(), |after| at + after);
    first..end
}

/// `top` (best first) without its first `offset`, as hits are ranked (equal scores by ID),
/// so that only the documents returned are read and their passages built. Only documents
/// tied with the first after the offset can stand on either side of it: only their IDs are
/// read.
fn past_offset(
    searcher: &Searcher,
    mut top: Vec<(f32, DocAddress)>,
    offset: usize,
) -> Vec<(f32, DocAddress)> {
    if offset == 0 || offset >= top.len() {
        return top.split_off(offset.min(top.len()));
    }
    let edge = top[offset].0;
    if top[offset - 1].0 != edge {
        return top.split_off(offset);
    }
    let tie = tie_at(&top, offset);
    let (first, end) = (tie.start, tie.end);
    let mut ids = DocumentIds::new(searcher);
    let mut tied: Vec<(String, (f32, DocAddress))> = top[tie]
        .iter()
        .map(|&entry| (ids.of(entry.1), entry))
        .collect();
    tied.sort_by(|a, b| a.0.cmp(&b.0));
    let after = top.split_off(end);
    tied.into_iter()
        .skip(offset - first)
        .map(|(_, entry)| entry)
        .chain(after)
        .collect()
}

/// The IDs of documents, from their fast field (no stored document is read). Each
/// segment's column is opened once, at its first document: opening one reads the column's
/// header, whose size grows with the segment (copies of a text tie at the limit, one in
/// each segment, so a search may ask for many).
struct DocumentIds<'a> {
    searcher: &'a Searcher,
    columns: Vec<Option<Option<StrColumn>>>,
}

impl<'a> DocumentIds<'a> {
    fn new(searcher: &'a Searcher) -> Self {
        DocumentIds {
            searcher,
            columns: vec![None; searcher.segment_readers().len()],
        }
    }

    /// The column of IDs of a segment, opened at its first use.
    fn column(&mut self, segment: SegmentOrdinal) -> Option<&StrColumn> {
        let searcher = self.searcher;
        self.columns
            .get_mut(segment as usize)?
            .get_or_insert_with(|| {
                let segment = searcher.segment_reader(segment);
                segment.fast_fields().str("id").ok().flatten()
            })
            .as_ref()
    }

    /// The number of the ID of the document at `address` in its segment's dictionary,
    /// whose order is the IDs' (read without reading the ID).
    fn number(&mut self, address: DocAddress) -> Option<u64> {
        self.column(address.segment_ord)?
            .ords()
            .first(address.doc_id)
    }

    /// The ID of the document at `address`; empty if it cannot be read.
    fn of(&mut self, address: DocAddress) -> String {
        let mut id = String::new();
        let number = self.number(address);
        if let (Some(ids), Some(number)) = (self.column(address.segment_ord), number) {
            // A failed read leaves the ID empty: the document keeps the index's order.
            let _ = ids.ord_to_str(number, &mut id);
        }
        id
    }
}

/// The top documents with their passages, and why some have none.
fn ranked_hits(
    index: &DossierIndex,
    searcher: &Searcher,
    query: &ParsedQuery,
    top_docs: Vec<(f32, DocAddress)>,
    options: &Options,
    sharing: Sharing,
) -> Result<(Vec<Hit>, Vec<String>)> {
    let weights = term_weights(searcher, index, &query.terms);
    let fields = &index.fields;
    let mut hits_in: Vec<SegmentOrdinal> = Vec::new();
    if options.request.passages > 0 {
        hits_in = top_docs.iter().map(|(_, a)| a.segment_ord).collect();
        hits_in.sort_unstable();
        hits_in.dedup();
    }
    let located = terms_to_locate(searcher, &hits_in, fields, &query.terms);
    // Each hit with its passages and the problem that kept them from it, if any; shared
    // with the pool when the first hit's took long (copies of a long text, each located).
    let hit_at = |(score, address): (f32, DocAddress)| -> Result<(Hit, Option<String>)> {
        let doc: TantivyDocument = searcher.doc(address).map_err(|e| index.error(e))?;
        let stored = StoredDocument::new(&doc, fields);
        let mut problem = None;
        let passages = if options.request.passages == 0 {
            Vec::new()
        } else {
            let segment = searcher.segment_reader(address.segment_ord);
            let mut passages = match (&stored.text, &located) {
                (None, Some(located)) if !stored.checkpoints.is_empty() => long_text_passages(
                    &stored,
                    (segment, address.doc_id),
                    located,
                    (&query.terms, &weights),
                    options,
                ),
                (Some(text), Some(located)) if text.len() >= LOCATE_FROM_BYTES => {
                    matches_around_places(text, (segment, address.doc_id), located, &query.terms)
                        .map(|matches| {
                            best_passages(text, &matches, &weights, options.request.passages)
                        })
                }
                _ => None,
            };
            // Stretches without a passage (an irregular form of a keyword that locating
            // missed) are no answer: the whole text is.
            if passages.as_ref().is_some_and(Vec::is_empty) {
                passages = None;
            }
            if passages.is_none() {
                passages = match stored.whole_text(options.corpus) {
                    Ok(text) => {
                        let matches = find_matches(&text, &query.terms);
                        Some(best_passages(
                            &text,
                            &matches,
                            &weights,
                            options.request.passages,
                        ))
                    }
                    Err(reason) => {
                        problem = Some(reason.to_string());
                        None
                    }
                };
            }
            passages.unwrap_or_default()
        };
        let mut passages = passages;
        for passage in &mut passages {
            passage.place_in(&stored);
        }
        let hit = Hit {
            // Set below, once the hits are in order.
            rank: 0,
            encoding: stored.encoding.clone(),
            format: stored.format.clone(),
            container: crate::corpus::ids::container_of(&stored.id).map(str::to_string),
            lang: doc
                .get_first(fields.lang)
                .and_then(|v| v.as_str())
                .map(str::to_string),
            doc_id: stored.id,
            path: stored.path,
            title: stored.title,
            score,
            date: doc
                .get_first(fields.date)
                .and_then(|v| v.as_datetime())
                .map(|d| format_date(d.into_timestamp_secs()))
                .unwrap_or_default(),
            passages,
        };
        Ok((hit, problem))
    };
    let answers = map_shared(top_docs, |_| 1, sharing, hit_at)?;
    let mut hits = Vec::with_capacity(answers.len());
    let mut problems = Vec::new();
    for (hit, problem) in answers {
        hits.push(hit);
        problems.extend(problem);
    }
    // Documents of equal score in the order of their IDs, not of where the index holds them.
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.doc_id.cmp(&b.doc_id))
    });
    for (rank, hit) in (options.request.offset + 1..).zip(&mut hits) {
        hit.rank = rank;
    }
    Ok((hits, problems))
}

/// The matches of `terms` in `text`, a document's whole text, found by analyzing only the
/// stretches around the places the postings give for the located clauses. `None` when the
/// postings cannot be read (the caller analyzes the whole text).
fn matches_around_places(
    text: &str,
    (segment, doc): (&SegmentReader, DocId),
    located: &Located,
    terms: &[QueryTerm],
) -> Option<Vec<Match>> {
    let stretches = stretches_in_text(segment, doc, located, text)?;
    Some(find_matches_in(text, &stretches, terms))
}

/// Passages of a long document, from the stretches of its file around the query's words:
/// each stretch is read and searched on its own, and the best passages of all are kept.
/// `None` when the stretches cannot be found or read (the caller reads the whole text).
fn long_text_passages(
    stored: &StoredDocument,
    (segment, doc): (&SegmentReader, DocId),
    located: &Located,
    (terms, weights): (&[QueryTerm], &[f32]),
    options: &Options,
) -> Option<Vec<Passage>> {
    let checkpoints = &stored.checkpoints;
    let place = |index: usize| {
        // Past the last checkpoint: the end of the text, which for a decoded text is not
        // the end of the file (`read_range` stops there).
        checkpoints.get(index).copied().unwrap_or(Checkpoint {
            byte: usize::MAX,
            line: 0,
        })
    };
    let mut passages = Vec::new();
    // Each stretch gives its best passages. More stretches than passages wanted leave room
    // for stretches whose matches make no passage, and for the estimate that chose them
    // (where their matches stand, from the checkpoints) being off.
    let wanted = options.request.passages.saturating_mul(4);
    for window in windows(segment, doc, located, checkpoints, (weights, wanted))? {
        let (start, end) = (place(window.start), place(window.end));
        let text = stored
            .read_range(options.corpus, start.byte..end.byte)
            .ok()?;
        let matches = if start.byte == 0 {
            find_matches(&text, terms)
        } else {
            find_matches_further_on(&text, terms)
        };
        for mut passage in best_passages(&text, &matches, weights, options.request.passages) {
            passage.start += start.byte;
            passage.end += start.byte;
            passage.line += start.line - 1;
            passages.push(passage);
        }
    }
    passages.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.start.cmp(&b.start)));
    passages.truncate(options.request.passages);
    Some(passages)
}

/// How telling a match of each clause is: its inverse document frequency, summed over the
/// words of a phrase, so rare words and whole phrases choose the passage.
fn term_weights(searcher: &Searcher, index: &DossierIndex, terms: &[QueryTerm]) -> Vec<f32> {
    let total = searcher.num_docs() as f32;
    let body = index.fields.body_exact;
    let idf_of = |df: u64| {
        let df = df as f32;
        (1.0 + (total - df + 0.5) / (df + 0.5)).ln()
    };
    let idf = |field: Field, word: &str| {
        idf_of(
            searcher
                .doc_freq(&Term::from_field_text(field, word))
                .unwrap_or(0),
        )
    };
    terms
        .iter()
        .map(|term| match &term.pattern {
            Pattern::Word {
                words,
                stemmed: true,
            } => words
                .iter()
                .map(|stem| idf_of(Words::Stems(vec![stem.clone()]).doc_freq(searcher, body)))
                .fold(0.0, f32::max),
            Pattern::Word {
                words,
                stemmed: false,
            } => words.iter().map(|w| idf(body, w)).fold(0.0, f32::max),
            // What a fuzzy term matches is not known here; its own word stands in.
            Pattern::Fuzzy { word, .. } => idf(body, word),
            Pattern::Prefix { prefix } => {
                idf_of(Words::Prefix(prefix.clone()).doc_freq(searcher, body))
            }
            Pattern::Phrase { words, .. } => words.iter().map(|w| idf(body, w)).sum(),
        })
        .collect()
}
