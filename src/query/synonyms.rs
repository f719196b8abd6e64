//! Scoring a group of words of one field as one word: the inflections of a keyword
//! (`sanctions` finds sanction, sanctioned; see [`crate::query::stems`]), the words a prefix
//! starts (`sanction*`), or the spellings near a word (`Dimitriev~1`).
//!
//! A group is scored as Lucene scores synonyms: BM25 of the words' summed frequency in the
//! document, with the document frequency of the commonest of them, so a document that uses
//! a rare word of the group is not ranked above one that uses the common one. (tantivy's
//! prefix query, like Lucene's and Elasticsearch's by default, gives every match the same
//! score, which left the hits of `sanction*` in the order they were indexed, and so did their
//! fuzzy query for the documents that have only a near spelling.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::InvertedIndexReader;
use tantivy::index::SegmentId;
use tantivy::postings::{Postings, SegmentPostings, TermInfo};
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, DfaWrapper, EmptyScorer, EnableScoring, Explanation,
    FuzzyTermQuery, Query, Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use crate::index::pool::{Sharing, map_shared};
use crate::index::words_starting_with;
use crate::query::stems::{terms_with_stem, words_with_stem};

/// Up to this many words of a group in a segment, their postings are merged as the scorer
/// advances, so a conjunction with a rarer clause can skip through them (a window at a
/// time); past it, merging looks at every word's postings for every window of documents
/// (`a*` has tens of thousands of words), and each document's frequency is counted up
/// front instead.
const MERGED_AT_MOST: usize = 16;

/// Which words of the field make the group.
#[derive(Clone, Debug)]
pub enum Words {
    /// The words whose stem is one of these (folded, as [`crate::query::stems`] expects):
    /// a word's own, and those of its other spellings and of its inflections in other
    /// languages, all one word.
    Stems(Vec<String>),
    /// The words that start with this (folded).
    Prefix(String),
    /// The words within `distance` edits of `word` (folded; a transposition is one edit),
    /// `word` itself among them.
    Near { word: String, distance: u8 },
}

impl Words {
    /// How many documents the commonest word of the group is in: the document frequency
    /// the group is scored with.
    pub fn doc_freq(&self, searcher: &Searcher, field: Field) -> u64 {
        Lister::new(self, field)
            .and_then(|lister| lister.commonest_doc_freq(searcher, searcher))
            .unwrap_or(0)
    }
}

/// What lists a group's words in a segment's dictionary; built once per search (a
/// Levenshtein automaton is costly to build).
struct Lister {
    kind: ListerKind,
    /// The words found in each segment, from the document frequency to the scorer: a
    /// fuzzy word's automaton or a prefix walks a segment's dictionary once a search.
    found: Mutex<HashMap<SegmentId, Arc<[TermInfo]>>>,
}

enum ListerKind {
    Stems { field: Field, stems: Vec<String> },
    Prefix { field: Field, prefix: String },
    Near { field: Field, automaton: DfaWrapper },
}

impl Lister {
    fn new(words: &Words, field: Field) -> tantivy::Result<Lister> {
        let kind = match words {
            Words::Stems(stems) => ListerKind::Stems {
                field,
                stems: stems.clone(),
            },
            Words::Prefix(prefix) => ListerKind::Prefix {
                field,
                prefix: prefix.clone(),
            },
            Words::Near { word, distance } => {
                let term = Term::from_field_text(field, word);
                ListerKind::Near {
                    field,
                    automaton: FuzzyTermQuery::new(term, *distance, true).automaton()?,
                }
            }
        };
        Ok(Lister {
            kind,
            found: Mutex::default(),
        })
    }

    fn field(&self) -> Field {
        match &self.kind {
            ListerKind::Stems { field, .. }
            | ListerKind::Prefix { field, .. }
            | ListerKind::Near { field, .. } => *field,
        }
    }

    /// [`Words::doc_freq`], counted by `statistics` where it can be (a search may gather
    /// them over several indexes). The words of a prefix or a spelling are counted from
    /// the dictionaries as they are listed, summing over segments the commonest word of
    /// each: the same word in each unless the segments differ in kind, and no word need be
    /// kept by name (looking each of the thousands of words of `a*` up again, or keeping
    /// them in a map, cost more than the search).
    fn commonest_doc_freq(
        &self,
        searcher: &Searcher,
        statistics: &dyn Bm25StatisticsProvider,
    ) -> tantivy::Result<u64> {
        if let ListerKind::Stems { field, stems } = &self.kind {
            let mut most = 0;
            for stem in stems {
                for term in terms_with_stem(searcher, *field, stem) {
                    most = most.max(statistics.doc_freq(&term)?);
                }
            }
            return Ok(most);
        }
        // A spelling's automaton walks every segment's whole dictionary: shared with the
        // pool when that takes long.
        let sharing = match self.kind {
            ListerKind::Near { .. } => Sharing::WhenWorthIt,
            _ => Sharing::Never,
        };
        let most_in_each = map_shared(
            searcher.segment_readers().iter().collect(),
            |segment| u64::from(segment.max_doc()),
            sharing,
            |segment| {
                let inverted = segment.inverted_index(self.field())?;
                let most = self
                    .term_infos(segment, &inverted)?
                    .iter()
                    .map(|info| info.doc_freq)
                    .max();
                Ok::<_, tantivy::TantivyError>(u64::from(most.unwrap_or(0)))
            },
        )?;
        Ok(most_in_each.into_iter().sum())
    }

    /// Where the group's words are in one segment's postings (`inverted`, the segment's
    /// index of the group's field).
    fn term_infos(
        &self,
        segment: &SegmentReader,
        inverted: &InvertedIndexReader,
    ) -> tantivy::Result<Arc<[TermInfo]>> {
        let id = segment.segment_id();
        if let Some(found) = self.found.lock().ok().and_then(|f| f.get(&id).cloned()) {
            return Ok(found);
        }
        let found: Arc<[TermInfo]> = self.list(segment, inverted)?.into();
        if let Ok(mut kept) = self.found.lock() {
            kept.insert(id, Arc::clone(&found));
        }
        Ok(found)
    }

    /// [`Lister::term_infos`], read from the segment's dictionary.
    fn list(
        &self,
        segment: &SegmentReader,
        inverted: &InvertedIndexReader,
    ) -> tantivy::Result<Vec<TermInfo>> {
        let mut found = Vec::new();
        match &self.kind {
            ListerKind::Stems { field, stems } => {
                let expansions: Vec<_> = stems
                    .iter()
                    .map(|stem| words_with_stem(segment, *field, stem))
                    .collect();
                // A word has one English stem, but the stems of its other spellings may
                // bring it again.
                let mut words: Vec<&String> = expansions.iter().flat_map(|w| w.iter()).collect();
                if expansions.len() > 1 {
                    words.sort_unstable();
                    words.dedup();
                }
                for word in words {
                    let term = Term::from_field_text(*field, word);
                    found.extend(inverted.get_term_info(&term)?);
                }
            }
            ListerKind::Prefix { prefix, .. } => {
                if let Some(mut stream) = words_starting_with(inverted.terms(), prefix) {
                    while stream.advance() {
                        found.push(stream.value().clone());
                    }
                }
            }
            ListerKind::Near { automaton, .. } => {
                let mut stream = inverted.terms().search(automaton).into_stream()?;
                while stream.advance() {
                    found.push(stream.value().clone());
                }
            }
        }
        Ok(found)
    }

    /// The documents of the group's words in one segment, with their frequencies; `None`
    /// when the segment has none of the words.
    fn union(&self, segment: &SegmentReader) -> tantivy::Result<Option<Union>> {
        let inverted = segment.inverted_index(self.field())?;
        let found = self.term_infos(segment, &inverted)?;
        if found.is_empty() {
            return Ok(None);
        }
        if found.len() <= MERGED_AT_MOST {
            let postings = found
                .iter()
                .map(|info| {
                    inverted.read_postings_from_terminfo(info, IndexRecordOption::WithFreqs)
                })
                .collect::<std::io::Result<_>>()?;
            return Ok(Some(Union::Merged(Window::new(postings))));
        }
        let mut frequencies = vec![0u32; segment.max_doc() as usize];
        for info in found.iter() {
            let mut blocks =
                inverted.read_block_postings_from_terminfo(info, IndexRecordOption::WithFreqs)?;
            while !blocks.docs().is_empty() {
                for (&doc, &frequency) in blocks.docs().iter().zip(blocks.freqs()) {
                    frequencies[doc as usize] += frequency;
                }
                blocks.advance();
            }
        }
        Ok(Some(Union::Counted(frequencies)))
    }
}

/// Documents with any word of a group in `field`, scored as one word.
#[derive(Clone, Debug)]
pub struct SynonymQuery {
    field: Field,
    words: Words,
}

impl SynonymQuery {
    pub fn new(field: Field, words: Words) -> SynonymQuery {
        SynonymQuery { field, words }
    }
}

impl Query for SynonymQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let lister = Lister::new(&self.words, self.field)?;
        let bm25 = match scoring {
            EnableScoring::Enabled {
                searcher,
                statistics_provider,
            } => {
                let doc_freq = lister.commonest_doc_freq(searcher, statistics_provider)?;
                let documents = statistics_provider.total_num_docs()?;
                let tokens = statistics_provider.total_num_tokens(self.field)?;
                let average_length = tokens as Score / documents.max(1) as Score;
                Some(Bm25Weight::for_one_term_without_explain(
                    doc_freq,
                    documents,
                    average_length,
                ))
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(SynonymWeight { lister, bm25 }))
    }
}

struct SynonymWeight {
    lister: Lister,
    /// `None` when the caller does not score.
    bm25: Option<Bm25Weight>,
}

impl Weight for SynonymWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let Some(union) = self.lister.union(reader)? else {
            return Ok(Box::new(EmptyScorer));
        };
        Ok(Box::new(SynonymScorer::new(
            union,
            reader.get_fieldnorms_reader(self.lister.field())?,
            self.bm25.as_ref().map(|bm25| bm25.boost_by(boost)),
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} has no word of the group"
            )));
        }
        Ok(Explanation::new(
            "BM25 of a group of words scored as one",
            scorer.score(),
        ))
    }
}

/// The documents of a group's postings, each once, with the words' summed frequency.
enum Union {
    /// Merged as the scorer advances, a window of documents at a time.
    Merged(Window),
    /// Counted up front: each document's summed frequency, by document.
    Counted(Vec<u32>),
}

impl Union {
    /// The first document at or past `target`.
    fn first_from(&mut self, target: DocId) -> DocId {
        match self {
            Union::Merged(window) => window.first_from(target),
            Union::Counted(frequencies) => frequencies
                .get(target as usize..)
                .and_then(|rest| rest.iter().position(|&frequency| frequency > 0))
                .map_or(TERMINATED, |offset| target + offset as DocId),
        }
    }

    /// The first document past `doc`, the current one.
    fn next_after(&mut self, doc: DocId) -> DocId {
        match self {
            Union::Merged(window) => window.next(),
            Union::Counted(_) => self.first_from(doc + 1),
        }
    }

    /// The summed frequency of the words in `doc`, the document the scorer stands on (a
    /// merged union keeps only that one's).
    fn frequency(&self, doc: DocId) -> u32 {
        match self {
            Union::Merged(window) => window.frequency,
            Union::Counted(frequencies) => frequencies[doc as usize],
        }
    }

    fn size_hint(&self) -> u32 {
        match self {
            Union::Merged(window) => window.size_hint,
            Union::Counted(frequencies) => frequencies.len() as u32,
        }
    }
}

/// Documents a [`Window`] reads its postings for at a time.
const WINDOW: u32 = 1024;
const WINDOW_BUCKETS: usize = (WINDOW / 64) as usize;

/// A group's postings merged a window of documents at a time, as tantivy's union does: each
/// postings list is read up to the window's end into a bitset of the window's documents and
/// their summed frequencies, which are then taken in order. Reading each list straight
/// through costs far less than comparing every list at every document of a common group,
/// and a seek past the window still skips through the lists.
struct Window {
    /// Each standing at or past the window's end, once a window is read.
    postings: Vec<SegmentPostings>,
    /// The window's first document.
    start: DocId,
    /// Which of the window's documents are still to be taken, 64 to a bucket.
    present: [u64; WINDOW_BUCKETS],
    /// Their summed frequencies, by document less `start`; zero for every other.
    frequencies: Box<[u32]>,
    /// The first bucket of `present` that may still have a document.
    bucket: usize,
    /// The summed frequency of the document taken last.
    frequency: u32,
    /// The lists' lengths summed when the window was made (finished lists are let go).
    size_hint: u32,
}

impl Window {
    fn new(postings: Vec<SegmentPostings>) -> Window {
        let size_hint = postings
            .iter()
            .map(|p| p.size_hint())
            .fold(0, u32::saturating_add);
        Window {
            postings,
            start: 0,
            present: [0; WINDOW_BUCKETS],
            frequencies: vec![0; WINDOW as usize].into_boxed_slice(),
            bucket: WINDOW_BUCKETS,
            frequency: 0,
            size_hint,
        }
    }

    /// The next document, in the window or in the next one read.
    fn next(&mut self) -> DocId {
        loop {
            if let Some(doc) = self.take() {
                return doc;
            }
            if !self.read() {
                return TERMINATED;
            }
        }
    }

    /// The first document at or past `target`.
    fn first_from(&mut self, target: DocId) -> DocId {
        let offset = target.saturating_sub(self.start);
        if offset < WINDOW {
            self.drop_below(offset);
        } else {
            self.drop_below(WINDOW);
            for postings in &mut self.postings {
                if postings.doc() < target {
                    postings.seek(target);
                }
            }
        }
        self.next()
    }

    /// Takes the window's next document, with its frequency.
    fn take(&mut self) -> Option<DocId> {
        while self.bucket < WINDOW_BUCKETS {
            let bits = self.present[self.bucket];
            if bits != 0 {
                self.present[self.bucket] = bits & (bits - 1);
                let offset = self.bucket * 64 + bits.trailing_zeros() as usize;
                self.frequency = std::mem::take(&mut self.frequencies[offset]);
                return Some(self.start + offset as DocId);
            }
            self.bucket += 1;
        }
        None
    }

    /// Drops the window's documents before `offset` (from its start), clearing their
    /// frequencies.
    fn drop_below(&mut self, offset: u32) {
        let (whole, rest) = ((offset / 64) as usize, offset % 64);
        while self.bucket < WINDOW_BUCKETS && self.bucket <= whole {
            let mut bits = self.present[self.bucket];
            if self.bucket == whole {
                bits &= (1u64 << rest) - 1;
            }
            self.present[self.bucket] &= !bits;
            while bits != 0 {
                let offset = self.bucket * 64 + bits.trailing_zeros() as usize;
                self.frequencies[offset] = 0;
                bits &= bits - 1;
            }
            if self.bucket == whole {
                return;
            }
            self.bucket += 1;
        }
    }

    /// Reads the next window, from the first document of the postings; `false` when they
    /// are done.
    fn read(&mut self) -> bool {
        self.postings.retain(|p| p.doc() != TERMINATED);
        let Some(start) = self.postings.iter().map(|p| p.doc()).min() else {
            return false;
        };
        self.start = start;
        self.bucket = 0;
        let end = start.saturating_add(WINDOW).min(TERMINATED);
        for postings in &mut self.postings {
            let mut doc = postings.doc();
            while doc < end {
                let offset = (doc - start) as usize;
                self.present[offset / 64] |= 1 << (offset % 64);
                self.frequencies[offset] += postings.term_freq();
                doc = postings.advance();
            }
        }
        true
    }
}

struct SynonymScorer {
    union: Union,
    fieldnorms: FieldNormReader,
    bm25: Option<Bm25Weight>,
    doc: DocId,
}

impl SynonymScorer {
    fn new(union: Union, fieldnorms: FieldNormReader, bm25: Option<Bm25Weight>) -> SynonymScorer {
        let mut scorer = SynonymScorer {
            union,
            fieldnorms,
            bm25,
            doc: TERMINATED,
        };
        scorer.doc = scorer.union.first_from(0);
        scorer
    }
}

impl DocSet for SynonymScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.doc = self.union.next_after(self.doc);
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.doc {
            return self.doc;
        }
        self.doc = self.union.first_from(target);
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.union.size_hint()
    }
}

impl Scorer for SynonymScorer {
    fn score(&mut self) -> Score {
        let Some(bm25) = &self.bm25 else {
            return 1.0;
        };
        bm25.score(
            self.fieldnorms.fieldnorm_id(self.doc),
            self.union.frequency(self.doc),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::index_of_bodies;
    use tantivy::collector::{Count, TopDocs};

    fn top(texts: &[&str], words: Words) -> (usize, Vec<(Score, DocId)>) {
        let (index, field) = index_of_bodies(texts);
        let searcher = index.reader().unwrap().searcher();
        let query = SynonymQuery::new(field, words);
        let (count, top) = searcher
            .search(&query, &(Count, TopDocs::with_limit(10).order_by_score()))
            .unwrap();
        let top = top.into_iter().map(|(s, a)| (s, a.doc_id)).collect();
        (count, top)
    }

    #[test]
    fn a_document_counts_once_and_is_scored_by_its_inflections_together() {
        let (count, top) = top(
            &[
                "sanction sanctions sanctioned and nothing else here at all",
                "sanctions and nothing else here at all or anywhere",
                "nothing at all",
            ],
            Words::Stems(vec!["sanction".into()]),
        );
        assert_eq!(count, 2);
        assert_eq!(top.len(), 2);
        // Three occurrences beat one in a document of about the same length.
        assert_eq!(top[0].1, 0);
        assert!(top[0].0 > top[1].0);
    }

    #[test]
    fn a_prefix_ranks_by_its_words_together_and_a_rare_word_does_not_win() {
        let (count, top) = top(
            &[
                "sanctionable once, and nothing else here at all",
                "sanctions sanctions sanctioned here and nothing else at all",
                "sanctity is not a word of the prefix sanctio",
                "sanctions imposed, and nothing else here at all",
                "sanctions lifted, and nothing else here at all",
            ],
            Words::Prefix("sanction".into()),
        );
        assert_eq!(count, 4);
        // Three words of the prefix beat one; the rare `sanctionable` scores as the
        // common `sanctions` does, not above it.
        assert_eq!(top[0].1, 1);
        let score_of = |doc| top.iter().find(|&&(_, d)| d == doc).unwrap().0;
        assert_eq!(score_of(0), score_of(3));
        assert!(score_of(1) > score_of(3));
    }

    /// Texts of `length` words: each form as many times as its count, then filler.
    fn texts_of<const N: usize>(
        forms: [&str; N],
        counts: impl IntoIterator<Item = [usize; N]>,
        length: usize,
    ) -> Vec<String> {
        counts
            .into_iter()
            .map(|counts| {
                let mut words: Vec<&str> = Vec::new();
                for (form, count) in forms.iter().zip(counts) {
                    words.extend(std::iter::repeat_n(*form, count));
                }
                words.resize(length, "filler");
                words.join(" ")
            })
            .collect()
    }

    #[test]
    fn interleaved_words_give_each_document_once_with_its_summed_frequency() {
        // Three words in a pattern over several blocks of postings (128 documents each),
        // every document the same length, so its score rises with its summed frequency.
        let forms = ["sanction", "sanctions", "sanctioned"];
        let frequencies: Vec<[usize; 3]> = (0..400)
            .map(|n: usize| [n % 3, (n / 2) % 4, usize::from(n.is_multiple_of(7))])
            .collect();
        let texts = texts_of(forms, frequencies.iter().copied(), 12);
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let (index, field) = index_of_bodies(&texts);
        let searcher = index.reader().unwrap().searcher();
        let query = SynonymQuery::new(field, Words::Stems(vec!["sanction".into()]));
        let (count, top) = searcher
            .search(&query, &(Count, TopDocs::with_limit(400).order_by_score()))
            .unwrap();
        let expected: Vec<usize> = frequencies.iter().map(|c| c.iter().sum()).collect();
        assert_eq!(count, expected.iter().filter(|&&f| f > 0).count());
        let mut found: Vec<DocId> = top.iter().map(|(_, a)| a.doc_id).collect();
        found.sort_unstable();
        let matching: Vec<DocId> = (0..400).filter(|&n| expected[n as usize] > 0).collect();
        assert_eq!(found, matching);
        for pair in top.windows(2) {
            let [(high, a), (low, b)] = [pair[0], pair[1]];
            let (fa, fb) = (expected[a.doc_id as usize], expected[b.doc_id as usize]);
            assert!(fa >= fb, "{fa} then {fb}");
            assert_eq!(fa == fb, high == low);
        }
    }

    #[test]
    fn seeks_within_and_past_a_window_find_the_next_document_with_its_frequency() {
        // Two forms over more than three windows of documents, some stretches without
        // either (a seek lands in a gap, and a window starts past one).
        let documents = 3 * WINDOW + 300;
        let counts = |n: u32| -> [usize; 2] {
            if (1500..2400).contains(&n) {
                return [0, 0];
            }
            [
                usize::from(n.is_multiple_of(5)) * 2,
                usize::from(n % 7 == 3),
            ]
        };
        let texts = texts_of(["president", "presidents"], (0..documents).map(counts), 6);
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let (index, field) = index_of_bodies(&texts);
        let searcher = index.reader().unwrap().searcher();
        let query = SynonymQuery::new(field, Words::Stems(vec!["presid".into()]));
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        let segment = searcher.segment_reader(0);
        // Every document the group is in, with its score, by advancing.
        let mut all = Vec::new();
        let mut scorer = weight.scorer(segment, 1.0).unwrap();
        while scorer.doc() != TERMINATED {
            all.push((scorer.doc(), scorer.score()));
            scorer.advance();
        }
        let expected: Vec<DocId> = (0..documents)
            .filter(|&n| counts(n).iter().sum::<usize>() > 0)
            .collect();
        assert_eq!(
            all.iter().map(|&(doc, _)| doc).collect::<Vec<_>>(),
            expected
        );
        // Every document is six words long: its score rises with its summed count alone,
        // so a frequency carried over from another window would show.
        let total = |doc: DocId| counts(doc).iter().sum::<usize>();
        for &(a, score_a) in &all {
            for &(b, score_b) in all.iter().step_by(97) {
                assert_eq!(
                    total(a).cmp(&total(b)),
                    score_a.total_cmp(&score_b),
                    "documents {a} and {b}"
                );
            }
        }
        // The same documents and scores when seeking by steps small and large.
        for step in [1, 3, 64, 200, WINDOW - 1, WINDOW + 17, 2 * WINDOW] {
            let mut scorer = weight.scorer(segment, 1.0).unwrap();
            let mut target = 0;
            while target < documents + step {
                let doc = scorer.seek(target);
                let next = all.iter().find(|&&(d, _)| d >= target).copied();
                assert_eq!(next.map_or(TERMINATED, |(d, _)| d), doc, "step {step}");
                if let Some((_, score)) = next {
                    assert_eq!(scorer.score(), score, "step {step}, document {doc}");
                }
                target += step;
            }
        }
    }

    #[test]
    fn a_prefix_of_many_words_counts_each_document_once() {
        // More words than are merged as the scorer advances.
        let words: Vec<String> = (0..MERGED_AT_MOST + 5)
            .map(|n| format!("word{n}"))
            .collect();
        let mut texts: Vec<String> = words.iter().map(|w| format!("{w} filler")).collect();
        texts.push(words.join(" "));
        texts.push("nothing here".into());
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let (count, top) = top(&texts, Words::Prefix("word".into()));
        assert_eq!(count, MERGED_AT_MOST + 6);
        assert_eq!(top[0].1, (MERGED_AT_MOST + 5) as DocId);
    }
}
