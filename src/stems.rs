//! Keywords find every inflection without a stemmed copy of the text in the index: the
//! words of the exact field that share the keyword's stem are looked up in the index's
//! vocabulary, and scored together as one word.
//!
//! Indexing a second, stemmed analysis of every text took more than half of indexing's CPU
//! time and a quarter of its memory. English (Snowball) stemming keeps a word's beginning:
//! the whole stem, but when the stem ends in e, i, y or l that letter may be the stemmer's
//! (`happi` from happy, `hope` from hoping, `possibl` from possibility). So the words with a
//! stem are among the few that start with the stem, or with the stem less such a letter.
//! Checked on the vocabularies of the news and Debian benchmark corpora (290,000 and 590,000
//! words): the only other words are irregular forms such as dying and vying, listed below.
//! (Words that folding leaves with capitals, from phonetic transcriptions, are stemmed as
//! folded, with their capitals, on both sides: `bɪl` finds `bIl`.)
//!
//! The words of a stem are scored as Lucene scores synonyms: BM25 of their summed frequency
//! in the document, with the document frequency of the commonest of them, so a document
//! that uses a rare inflection is not ranked above one that uses the keyword itself.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex};

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer,
    Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::termdict::TermDictionary;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use crate::index::words_starting_with;
use crate::schema::folded_word_stemmer;

/// Words whose stem does not start with their own beginning: a letter and -ying.
const IRREGULAR: [(&str, &str); 5] = [
    ("die", "dying"),
    ("hie", "hying"),
    ("lie", "lying"),
    ("tie", "tying"),
    ("vie", "vying"),
];

/// A word is at most 12 letters longer than its stem in both benchmark vocabularies
/// (representativeness, `repres`); words longer still than this are not stemmed to check.
const LONGEST_SUFFIX_CHARS: usize = 14;

/// A one-letter stem is what is left of a word after `-s`, `-ed`, `-ing` or `-ingly` at most
/// (`aed`, `a`): the later steps only remove endings past the word's second letter.
const LONGEST_SUFFIX_OF_ONE_LETTER_STEM: usize = 6;

/// The beginning that every word with `stem` has, but for the irregular forms: the stem,
/// less its last letter when the stemmer may have written that one (see above). Looking
/// under the stem less any last letter made `of` or `the` look through thousands of words.
pub fn shared_beginning(stem: &str) -> &str {
    let mut beginning = stem.chars();
    let last = beginning.clone().next_back();
    if stem.chars().count() > 1 && matches!(last, Some('e' | 'i' | 'y' | 'l')) {
        beginning.next_back();
    }
    beginning.as_str()
}

/// Whether `word` (folded) is one of the irregular forms whose stem is not its beginning.
pub fn is_irregular(word: &str) -> bool {
    IRREGULAR.iter().any(|&(_, irregular)| irregular == word)
}

/// Expansions made so far in this process, by segment (segments never change), field and
/// stem: one search asks for the same ones to score its keywords, weigh them and locate
/// them, and a short stem (`the`) has thousands of words to look through.
static EXPANSIONS: LazyLock<Mutex<Expansions>> = LazyLock::new(Mutex::default);

type Expansions = HashMap<(SegmentId, Field, String), Arc<[String]>>;

/// Past this many, the expansions kept are forgotten: segments are replaced as an index is
/// updated, and a long-running program must not keep theirs.
const MAX_KEPT_EXPANSIONS: usize = 10_000;

/// The words of `field` in `segment` whose stem is `stem`, in dictionary order.
pub fn words_with_stem(segment: &SegmentReader, field: Field, stem: &str) -> Arc<[String]> {
    let key = (segment.segment_id(), field, stem.to_string());
    if let Some(words) = EXPANSIONS
        .lock()
        .ok()
        .and_then(|kept| kept.get(&key).cloned())
    {
        return words;
    }
    let words: Arc<[String]> = match segment.inverted_index(field) {
        Ok(inverted) => dictionary_words_with_stem(inverted.terms(), stem).into(),
        Err(_) => Arc::new([]),
    };
    if let Ok(mut kept) = EXPANSIONS.lock() {
        if kept.len() >= MAX_KEPT_EXPANSIONS {
            kept.clear();
        }
        kept.insert(key, words.clone());
    }
    words
}

/// The words of one dictionary whose stem is `stem`, in dictionary order.
fn dictionary_words_with_stem(dictionary: &TermDictionary, stem: &str) -> Vec<String> {
    let mut stemmer = folded_word_stemmer();
    let stem_chars = stem.chars().count();
    let longest = stem_chars
        + if stem_chars == 1 {
            LONGEST_SUFFIX_OF_ONE_LETTER_STEM
        } else {
            LONGEST_SUFFIX_CHARS
        };
    let mut candidates: Vec<String> = Vec::new();
    let mut look_under = |prefix: &str| {
        let Some(mut stream) = words_starting_with(dictionary, prefix) else {
            return;
        };
        while stream.advance() {
            if let Ok(word) = std::str::from_utf8(stream.key())
                && word.chars().count() <= longest
            {
                candidates.push(word.to_string());
            }
        }
    };
    look_under(shared_beginning(stem));
    for (irregular_stem, word) in IRREGULAR {
        if stem == irregular_stem {
            look_under(word);
        }
    }
    candidates.retain(|word| {
        let mut same = false;
        stemmer
            .token_stream(word)
            .process(&mut |token| same = token.text == stem);
        same
    });
    candidates.sort();
    candidates.dedup();
    candidates
}

/// The terms of `field`, in any segment, whose stem is `stem`.
pub fn terms_with_stem(searcher: &Searcher, field: Field, stem: &str) -> Vec<Term> {
    let mut words = BTreeSet::new();
    for segment in searcher.segment_readers() {
        words.extend(words_with_stem(segment, field, stem).iter().cloned());
    }
    words
        .into_iter()
        .map(|word| Term::from_field_text(field, &word))
        .collect()
}

/// How many documents the commonest word with `stem` is in: the document frequency the
/// stem is scored with.
pub fn doc_freq(searcher: &Searcher, field: Field, stem: &str) -> u64 {
    commonest_doc_freq(searcher, searcher, field, stem).unwrap_or(0)
}

/// [`doc_freq`], counted by `statistics` (which a search may gather over several indexes).
fn commonest_doc_freq(
    searcher: &Searcher,
    statistics: &dyn Bm25StatisticsProvider,
    field: Field,
    stem: &str,
) -> tantivy::Result<u64> {
    let mut most = 0;
    for term in terms_with_stem(searcher, field, stem) {
        most = most.max(statistics.doc_freq(&term)?);
    }
    Ok(most)
}

/// Documents with any word of `field` whose stem is `stem`, scored as one word.
#[derive(Clone, Debug)]
pub struct StemQuery {
    field: Field,
    stem: String,
}

impl StemQuery {
    pub fn new(field: Field, stem: &str) -> StemQuery {
        StemQuery {
            field,
            stem: stem.to_string(),
        }
    }
}

impl Query for StemQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match scoring {
            EnableScoring::Enabled {
                searcher,
                statistics_provider,
            } => Some(self.bm25(searcher, statistics_provider)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(StemWeight {
            field: self.field,
            stem: self.stem.clone(),
            bm25,
        }))
    }
}

impl StemQuery {
    fn bm25(
        &self,
        searcher: &Searcher,
        statistics: &dyn Bm25StatisticsProvider,
    ) -> tantivy::Result<Bm25Weight> {
        let doc_freq = commonest_doc_freq(searcher, statistics, self.field, &self.stem)?;
        let documents = statistics.total_num_docs()?;
        let tokens = statistics.total_num_tokens(self.field)?;
        let average_length = tokens as Score / documents.max(1) as Score;
        Ok(Bm25Weight::for_one_term_without_explain(
            doc_freq,
            documents,
            average_length,
        ))
    }
}

struct StemWeight {
    field: Field,
    stem: String,
    /// `None` when the caller does not score.
    bm25: Option<Bm25Weight>,
}

impl Weight for StemWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inverted = reader.inverted_index(self.field)?;
        let mut postings = Vec::new();
        for word in words_with_stem(reader, self.field, &self.stem).iter() {
            let term = Term::from_field_text(self.field, word);
            if let Some(found) = inverted.read_postings(&term, IndexRecordOption::WithFreqs)? {
                postings.push(found);
            }
        }
        if postings.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(StemScorer::new(
            postings,
            reader.get_fieldnorms_reader(self.field)?,
            self.bm25.as_ref().map(|bm25| bm25.boost_by(boost)),
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} has no word with the stem {}",
                self.stem
            )));
        }
        Ok(Explanation::new(
            "BM25 of the words sharing a stem",
            scorer.score(),
        ))
    }
}

/// The union of the postings of a stem's words, each document once.
struct StemScorer {
    postings: Vec<SegmentPostings>,
    fieldnorms: FieldNormReader,
    bm25: Option<Bm25Weight>,
    doc: DocId,
}

impl StemScorer {
    fn new(
        postings: Vec<SegmentPostings>,
        fieldnorms: FieldNormReader,
        bm25: Option<Bm25Weight>,
    ) -> StemScorer {
        let mut scorer = StemScorer {
            postings,
            fieldnorms,
            bm25,
            doc: TERMINATED,
        };
        scorer.doc = scorer.first_doc();
        scorer
    }

    fn first_doc(&self) -> DocId {
        self.postings
            .iter()
            .map(|p| p.doc())
            .min()
            .unwrap_or(TERMINATED)
    }
}

impl DocSet for StemScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        for postings in &mut self.postings {
            if postings.doc() == self.doc {
                postings.advance();
            }
        }
        self.doc = self.first_doc();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.doc {
            return self.doc;
        }
        for postings in &mut self.postings {
            if postings.doc() < target {
                postings.seek(target);
            }
        }
        self.doc = self.first_doc();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.postings
            .iter()
            .map(|p| p.size_hint())
            .fold(0, u32::saturating_add)
    }
}

impl Scorer for StemScorer {
    fn score(&mut self) -> Score {
        let Some(bm25) = &self.bm25 else {
            return 1.0;
        };
        let frequency: u32 = self
            .postings
            .iter()
            .filter(|p| p.doc() == self.doc)
            .map(|p| p.term_freq())
            .sum();
        bm25.score(self.fieldnorms.fieldnorm_id(self.doc), frequency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{analyze, build_schema, stemmed_analyzer};
    use tantivy::collector::{Count, TopDocs};
    use tantivy::{Index, TantivyDocument};

    fn index_of(texts: &[&str]) -> (Index, Field) {
        let (schema, fields) = build_schema();
        let index = Index::create_in_ram(schema);
        crate::schema::register_analyzers(index.tokenizers());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for text in texts {
            let mut doc = TantivyDocument::new();
            doc.add_text(fields.body_exact, text);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        (index, fields.body_exact)
    }

    fn stem_of(word: &str) -> String {
        analyze(&mut stemmed_analyzer(), word).remove(0)
    }

    #[test]
    fn every_inflection_and_no_other_word_is_found() {
        let (index, field) = index_of(&[
            "the sanctions bite",
            "sanctioned by the council",
            "a sanction",
            "sanctity of the home",
            "happy people",
            "happiness is a warm gun",
            "the patient is dying",
            "he dies",
            "a cry for help",
            "she cries",
            "they run",
            "running late",
            "a rune",
            "vying for it",
            "of an offer, often",
            "aed abbreviated",
        ]);
        let searcher = index.reader().unwrap().searcher();
        let words = |word: &str| -> Vec<String> {
            terms_with_stem(&searcher, field, &stem_of(word))
                .iter()
                .map(|t| t.value().as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(words("sanctions"), ["sanction", "sanctioned", "sanctions"]);
        assert_eq!(words("happy"), ["happiness", "happy"]);
        assert_eq!(words("die"), ["dies", "dying"]);
        assert_eq!(words("vie"), ["vying"]);
        assert_eq!(words("of"), ["of"]);
        assert_eq!(words("a"), ["a", "aed"]);
        assert_eq!(words("cry"), ["cries", "cry"]);
        assert_eq!(words("runs"), ["run", "running"]);
    }

    #[test]
    fn a_document_counts_once_and_is_scored_by_its_inflections_together() {
        let (index, field) = index_of(&[
            "sanction sanctions sanctioned and nothing else here at all",
            "sanctions and nothing else here at all or anywhere",
            "nothing at all",
        ]);
        let searcher = index.reader().unwrap().searcher();
        let query = StemQuery::new(field, "sanction");
        let (count, top) = searcher
            .search(&query, &(Count, TopDocs::with_limit(10).order_by_score()))
            .unwrap();
        assert_eq!(count, 2);
        assert_eq!(top.len(), 2);
        // Three occurrences beat one in a document of about the same length.
        assert_eq!(top[0].1.doc_id, 0);
        assert!(top[0].0 > top[1].0);
    }
}
