//! Keywords find every inflection without a stemmed copy of the text in the index: the
//! words of the exact field that share the keyword's stem are looked up in the index's
//! vocabulary, and scored together as one word.
//!
//! Indexing a second, stemmed analysis of every text would cost much of indexing's time and
//! memory. English (Snowball) stemming keeps a word's beginning: the whole stem, but when
//! the stem ends in e, i, y or l that letter may be the stemmer's (`happi` from happy,
//! `hope` from hoping, `possibl` from possibility). So the words with a stem are among the
//! few that start with the stem, or with the stem less such a letter.
//! Checked on the vocabularies of the news and Debian benchmark corpora (290,000 and 590,000
//! words): the only other words are irregular forms such as dying and vying, listed below.
//! (Words that folding leaves with capitals, from phonetic transcriptions, are stemmed as
//! folded, with their capitals, on both sides: `bɪl` finds `bIl`.)
//!
//! The words of a stem are scored together by [`crate::query::synonyms`].
//!
//! The other languages the index holds are stemmed the same way, each by its own Snowball
//! stemmer (see [`crate::text::language`]), and only for words in its script: the
//! inflections of a query word in those languages are found as the words of the
//! vocabulary, beginning as the stem does, that have its stem ([`forms_in_languages`]).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex};

use tantivy::index::SegmentId;
use tantivy::schema::Field;
use tantivy::termdict::TermDictionary;
use tantivy::{Searcher, SegmentReader, Term};

use crate::index::schema::folded_word_stemmer;
use crate::index::short_words_starting_with;
use crate::text::language::{Language, LanguageStemmer};

/// Words whose stem does not start with their own beginning: a letter and -ying, and the
/// one plural the stemmer gives a `y` (it lists it as an exception).
const IRREGULAR: [(&str, &str); 6] = [
    ("die", "dying"),
    ("hie", "hying"),
    ("lie", "lying"),
    ("tie", "tying"),
    ("vie", "vying"),
    ("sky", "skies"),
];

/// A word is at most 12 letters longer than its stem in both benchmark vocabularies
/// (representativeness, `repres`); words longer still than this are not stemmed to check.
const LONGEST_SUFFIX_CHARS: usize = 14;

/// Words longer than their stem by more than this many bytes (seven Cyrillic letters, a
/// dozen Latin ones: `-ierungen`, `-ованиями`) are not stemmed to check, in other languages.
const LONGEST_SUFFIX_BYTES: usize = 14;

/// A one-letter stem is what is left of a word after `-s`, `-ed`, `-ing` or `-ingly` at most
/// (`aed`, `a`): the later steps only remove endings past the word's second letter. In the
/// other languages' stemmers too: of the news corpus's 202,000 words, those with a one-letter
/// stem are at most three letters longer than it (Greek `πούς`, Dutch `ppt`), six in
/// Turkish (`dimitir`), where words of every length have stems of two letters or more.
const LONGEST_SUFFIX_OF_ONE_LETTER_STEM: usize = 6;

/// The beginning that every word with `stem` has, but for the irregular forms: the stem,
/// less its last letter when the stemmer may have written that one (see above). Looking
/// under the stem less any last letter made `of` or `the` look through thousands of words.
/// An `e`, `y` or `l` is the stemmer's only after a vowel (it rewrites endings only past
/// one), so `be` and `by` look under themselves, not under every word in b; an `i` may
/// follow consonants alone (`cri` from cry). Checked on the vocabularies of the news,
/// Debian and formats benchmark corpora (1,050,000 words): no other word is missed.
pub fn shared_beginning(stem: &str) -> &str {
    let mut beginning = stem.chars();
    let last = beginning.clone().next_back();
    if stem.chars().count() > 1 && matches!(last, Some('e' | 'i' | 'y' | 'l')) {
        beginning.next_back();
        let rest = beginning.as_str();
        if last == Some('i') || rest.contains(['a', 'e', 'i', 'o', 'u', 'y']) {
            return rest;
        }
        return stem;
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

/// By segment, field, language (none for English) and stem.
type Expansions = HashMap<(SegmentId, Field, Option<Language>, String), Arc<[String]>>;

/// Past this many, the expansions kept are forgotten: segments are replaced as an index is
/// updated, and a long-running program must not keep theirs.
const MAX_KEPT_EXPANSIONS: usize = 10_000;

/// The words of `field` in `segment` whose stem is `stem`, in dictionary order.
pub fn words_with_stem(segment: &SegmentReader, field: Field, stem: &str) -> Arc<[String]> {
    expanded(segment, field, None, stem, |dictionary| {
        dictionary_words_with_stem(dictionary, stem)
    })
}

/// The words of `field` in `segment` whose stem in `stemmer`'s language is `stem`.
fn words_with_stem_in(
    segment: &SegmentReader,
    field: Field,
    stemmer: &LanguageStemmer,
    stem: &str,
) -> Arc<[String]> {
    expanded(segment, field, Some(stemmer.language), stem, |dictionary| {
        let mut words = Vec::new();
        // Words too long to have the stem are passed over in the walk, not stemmed; the
        // bytes of the others are checked below.
        let longest = longest_form_chars(stem, LONGEST_SUFFIX_BYTES);
        let beginning = stemmer.shared_beginning(stem);
        if let Some(mut stream) = short_words_starting_with(dictionary, beginning, longest) {
            while stream.advance() {
                if let Ok(word) = std::str::from_utf8(stream.key())
                    && word.len() <= stem.len() + LONGEST_SUFFIX_BYTES
                    && stemmer.stem(word) == stem
                {
                    words.push(word.to_string());
                }
            }
        }
        words
    })
}

/// The expansion of `stem` kept for this segment, field and language, else the words
/// `expand` finds in the field's dictionary, kept.
fn expanded(
    segment: &SegmentReader,
    field: Field,
    language: Option<Language>,
    stem: &str,
    expand: impl FnOnce(&TermDictionary) -> Vec<String>,
) -> Arc<[String]> {
    let key = (segment.segment_id(), field, language, stem.to_string());
    if let Some(words) = EXPANSIONS
        .lock()
        .ok()
        .and_then(|kept| kept.get(&key).cloned())
    {
        return words;
    }
    let words: Arc<[String]> = match segment.inverted_index(field) {
        Ok(inverted) => expand(inverted.terms()).into(),
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

/// The most characters a word with `stem` has: a one-letter stem's words are short, the
/// others' at most `longest_suffix` longer than it.
fn longest_form_chars(stem: &str, longest_suffix: usize) -> usize {
    let stem_chars = stem.chars().count();
    stem_chars
        + if stem_chars == 1 {
            LONGEST_SUFFIX_OF_ONE_LETTER_STEM
        } else {
            longest_suffix
        }
}

/// The words of one dictionary whose stem is `stem`, in dictionary order.
fn dictionary_words_with_stem(dictionary: &TermDictionary, stem: &str) -> Vec<String> {
    let mut stemmer = folded_word_stemmer();
    let longest = longest_form_chars(stem, LONGEST_SUFFIX_CHARS);
    let mut candidates: Vec<String> = Vec::new();
    let mut look_under = |prefix: &str| {
        let Some(mut stream) = short_words_starting_with(dictionary, prefix, longest) else {
            return;
        };
        while stream.advance() {
            if let Ok(word) = std::str::from_utf8(stream.key()) {
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

/// The inflections of `word` (folded) that `field` holds in the languages of `stemmers`
/// written in the word's script, in dictionary order; the word itself among them if the
/// index has it.
pub fn forms_in_languages(
    searcher: &Searcher,
    field: Field,
    stemmers: &[LanguageStemmer],
    word: &str,
) -> Vec<String> {
    let mut forms = BTreeSet::new();
    for stemmer in stemmers.iter().filter(|s| s.language.writes(word)) {
        let stem = stemmer.stem(word);
        for segment in searcher.segment_readers() {
            forms.extend(
                words_with_stem_in(segment, field, stemmer, &stem)
                    .iter()
                    .cloned(),
            );
        }
    }
    forms.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::{analyze, index_of_bodies, stemmed_analyzer};

    fn stem_of(word: &str) -> String {
        analyze(&mut stemmed_analyzer(), word).remove(0)
    }

    #[test]
    fn an_irregular_form_starts_with_its_stem_s_first_letter() {
        // Finding matches passes over words by their first letter (matches.rs).
        for (stem, form) in IRREGULAR {
            assert_eq!(stem_of(form), stem);
            assert_eq!(form.as_bytes()[0], stem.as_bytes()[0], "{form}");
        }
    }

    #[test]
    fn every_inflection_and_no_other_word_is_found() {
        let (index, field) = index_of_bodies(&[
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
            "blue skies, a sky",
            "being there, to be, by a bee",
            "hoping for hope",
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
        assert_eq!(words("sky"), ["skies", "sky"]);
        assert_eq!(words("be"), ["be", "being"]);
        assert_eq!(words("hoping"), ["hope", "hoping"]);
        assert_eq!(words("runs"), ["run", "running"]);
    }
}
