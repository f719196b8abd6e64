//! The marks of Greek, Arabic, Hebrew and Cyrillic that people leave out when they type a
//! word in a search box: one rule for the index, the query, highlights and quotations, as
//! tantivy's `AsciiFoldingFilter` is for Latin accents (café is cafe).
//!
//! [`fold_marks`] takes a word already lower-cased, and folds:
//! - **Greek**: every accent and breathing (tonos, dialytika, the polytonic marks and the
//!   iota subscript), so `Ελλάδα`, `ΕΛΛΑΔΑ` and `ελλαδα` are one word, `λαϊκή` is `λαικη`;
//!   and the final sigma ς to σ, since a word in capitals lower-cases letter by letter to
//!   `οδοσ`, not `οδος`, and a prefix typed (`ανθρωπισ*`) ends in σ where the word it
//!   begins has σ.
//! - **Arabic**: the short vowels, shadda, sukun and tanwin (harakat), the superscript alef
//!   and the Quranic reading marks, which most texts leave out and a few write on some
//!   words; tatweel, which only stretches a word; and the hamza or madda on an alef (أ إ آ,
//!   and the wasla of ٱ), which writers themselves leave out as often as not (`احمد` for
//!   `أحمد`), as Lucene's Arabic normalisation and the Snowball stemmer of Arabic do.
//! - **Hebrew**: the vowel points (niqqud), the dots of dagesh and shin, and the
//!   cantillation marks, which only pointed texts (the Bible, poetry, teaching) write.
//! - **Cyrillic**: ё as е, as Russian is usually printed. No other Cyrillic letter: й is
//!   not и, ї is not і.
//!
//! Nothing else: the vowel signs and viramas of Devanagari, Bengali or Thai are letters of
//! their words, and a combining mark after a Latin letter is the tokenizer's to leave out.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::decompose_canonical;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Tatweel (kashida), which draws an Arabic word out: a stretch of the line, not a letter.
pub const TATWEEL: char = '\u{0640}';

/// The word with its Greek, Arabic, Hebrew and Cyrillic marks folded (see the module), or
/// `None` when there are none to fold. `word` is lower-cased.
pub fn fold_marks(word: &str) -> Option<String> {
    if word.is_ascii() || !word.chars().any(may_fold) {
        return None;
    }
    // A hamza or madda written apart (NFD) is composed with its letter first: on an alef
    // it then goes with the alef's other forms, on waw and yeh it stays their letter.
    let composed: String;
    let letters = if word.chars().any(|c| matches!(c, '\u{0653}'..='\u{0655}')) {
        composed = word.nfc().collect();
        composed.as_str()
    } else {
        word
    };
    let mut folded = String::with_capacity(word.len());
    for c in letters.chars() {
        match c {
            'ё' => folded.push('е'),
            'ς' => folded.push('σ'),
            TATWEEL => {}
            'آ' | 'أ' | 'إ' | 'ٱ' => folded.push('ا'),
            c if is_arabic_vowel_or_reading_mark(c) || is_hebrew_point(c) => {}
            c if is_greek(c) || is_hebrew_presentation_form(c) => decompose_canonical(c, |part| {
                if !is_greek_mark(part) && !is_hebrew_point(part) {
                    folded.push(part);
                }
            }),
            c => folded.push(c),
        }
    }
    (folded != word).then_some(folded)
}

/// Whether `c` is a mark that a text may write or leave out without being spelt otherwise:
/// the Arabic short vowels and reading marks, tatweel, and Hebrew points and cantillation,
/// which a vocalised edition adds to the same words. (Greek accents and the hamza on an
/// alef are the spelling, as Latin accents are: a quotation that leaves them out is spelt
/// otherwise, though it is found.)
pub fn is_optional_mark(c: char) -> bool {
    c == TATWEEL || is_arabic_vowel_or_reading_mark(c) || is_hebrew_point(c)
}

/// Whether `c` is in one of the ranges [`fold_marks`] may change.
fn may_fold(c: char) -> bool {
    matches!(c as u32,
        0x0370..=0x03FF // Greek
        | 0x1F00..=0x1FFF // Greek Extended (polytonic)
        | 0x0591..=0x05C7 // Hebrew points and cantillation
        | 0xFB1D..=0xFB4F // Hebrew presentation forms (a letter with its point)
        | 0x0610..=0x06ED // Arabic
        | 0x0451 // ё
    )
}

fn is_greek(c: char) -> bool {
    matches!(c as u32, 0x0370..=0x03FF | 0x1F00..=0x1FFF)
}

/// The combining marks a Greek letter decomposes into: tonos and oxia, varia, dialytika,
/// psili and dasia, perispomeni, ypogegrammeni.
fn is_greek_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// Niqqud, dagesh, the shin and sin dots, and cantillation marks: the combining marks of
/// the Hebrew block (its punctuation, maqaf and sof pasuq, is no part of a word).
fn is_hebrew_point(c: char) -> bool {
    matches!(c, '\u{0591}'..='\u{05C7}') && c.general_category() == GeneralCategory::NonspacingMark
}

/// A Hebrew letter with its point as one character (`שׁ`, Yiddish `אַ`).
fn is_hebrew_presentation_form(c: char) -> bool {
    matches!(c, '\u{FB1D}'..='\u{FB4F}')
}

/// The harakat (fathatan to sukun, U+064B–U+0652), the other vowel signs after them, the
/// superscript alef, and the small marks of Quranic text. Not the madda and hamza above
/// and below (U+0653–U+0655), which are parts of letters written apart (on an alef they
/// go, as the alef's own forms do).
fn is_arabic_vowel_or_reading_mark(c: char) -> bool {
    matches!(c,
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{0652}'
        | '\u{0656}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}')
        && c.general_category() == GeneralCategory::NonspacingMark
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(word: &str) -> String {
        fold_marks(word).unwrap_or_else(|| word.to_string())
    }

    #[test]
    fn greek_accents_and_final_sigma_are_folded() {
        // Tonos, in the text and typed without it; a word in capitals lower-cased letter
        // by letter, its sigma not final, is the word in small letters; dialytika, with and
        // without tonos.
        assert_eq!(folded("ελλάδα"), "ελλαδα");
        assert_eq!(folded("οδος"), "οδοσ");
        assert_eq!(fold_marks("οδοσ"), None);
        assert_eq!(folded("άνθρωπος"), "ανθρωποσ");
        assert_eq!(folded("λαϊκή"), "λαικη");
        assert_eq!(folded("διυλιστήριο"), "διυλιστηριο");
        assert_eq!(folded("ΐ"), "ι");
        // A sigma is σ however written.
        assert_eq!(folded("ςυν"), "συν");
        assert_eq!(folded("ς"), "σ");
        // Polytonic: breathing, circumflex, iota subscript.
        assert_eq!(folded("ἐχει"), "εχει");
        assert_eq!(folded("τῇ"), "τη");
        assert_eq!(fold_marks("ανθρωποσ"), None);
    }

    #[test]
    fn arabic_harakat_tatweel_and_hamza_on_alef_are_folded() {
        // Tanwin fatha, damma, shadda: words of the Arabic declaration.
        assert_eq!(folded("أحرارًا"), "احرارا");
        assert_eq!(folded("يُخل"), "يخل");
        assert_eq!(folded("إلاّ"), "الا");
        assert_eq!(folded("القُرْآن"), "القران");
        assert_eq!(folded("مـحـمـد"), "محمد");
        // Superscript alef, alef wasla.
        assert_eq!(folded("هٰذا"), "هذا");
        assert_eq!(folded("ٱلله"), "الله");
        // The same decomposed (NFD): alef, its vowel, then its hamza or madda.
        assert_eq!(folded("\u{0627}\u{0654}حرار"), "احرار");
        assert_eq!(folded("\u{0627}\u{064E}\u{0654}حمد"), "احمد");
        assert_eq!(folded("القر\u{0627}\u{0653}ن"), "القران");
        // Hamza on waw and yeh is a letter of its own, composed or not.
        assert_eq!(fold_marks("مسؤول"), None);
        assert_eq!(folded("مسو\u{0654}ول"), "مسؤول");
        assert_eq!(folded("ر\u{064A}\u{0654}يس"), "رئيس");
        assert_eq!(fold_marks("رئيس"), None);
    }

    #[test]
    fn hebrew_points_and_cantillation_are_folded() {
        // Genesis 1:1 as the Westminster Leningrad Codex points it.
        assert_eq!(folded("אֱלֹהִ֑ים"), "אלהים");
        assert_eq!(folded("בָּרָ֣א"), "ברא");
        assert_eq!(folded("הַשָּׁמַ֖יִם"), "השמים");
        // A letter and its point as one character.
        assert_eq!(folded("\u{FB2A}לום"), "שלום");
        assert_eq!(fold_marks("שלום"), None);
    }

    #[test]
    fn only_yo_of_cyrillic_and_no_mark_of_other_scripts_is_folded() {
        assert_eq!(folded("самолётом"), "самолетом");
        for word in ["йод", "їжак", "स्वतन्त्रता", "মানুষ", "ภาษาไทย", "café"]
        {
            assert_eq!(fold_marks(word), None, "{word}");
        }
    }
}
