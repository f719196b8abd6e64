//! The language a text is written in, and how words of that language are stemmed.
//!
//! A document's language is detected from its text (whatlang, which tells Ukrainian from
//! Russian and gives the script) unless the corpus's `metadata.tsv` names it. Languages are
//! named by their ISO 639-1 code (`ru`), and read from that code, the ISO 639-3 one (`rus`)
//! or the English name. A language with a Snowball stemmer (frostem) has its words stemmed
//! by it; the others are searched as written, case and diacritics folded.

use std::borrow::Cow;

use whatlang::Lang;

/// A language whatlang can detect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Language(Lang);

/// whatlang's languages with their ISO 639-1 codes.
const CODES: [(Lang, &str); 70] = [
    (Lang::Afr, "af"),
    (Lang::Aka, "ak"),
    (Lang::Amh, "am"),
    (Lang::Ara, "ar"),
    (Lang::Aze, "az"),
    (Lang::Bel, "be"),
    (Lang::Ben, "bn"),
    (Lang::Bul, "bg"),
    (Lang::Cat, "ca"),
    (Lang::Ces, "cs"),
    (Lang::Cmn, "zh"),
    (Lang::Cym, "cy"),
    (Lang::Dan, "da"),
    (Lang::Deu, "de"),
    (Lang::Ell, "el"),
    (Lang::Eng, "en"),
    (Lang::Epo, "eo"),
    (Lang::Est, "et"),
    (Lang::Fin, "fi"),
    (Lang::Fra, "fr"),
    (Lang::Guj, "gu"),
    (Lang::Heb, "he"),
    (Lang::Hin, "hi"),
    (Lang::Hrv, "hr"),
    (Lang::Hun, "hu"),
    (Lang::Hye, "hy"),
    (Lang::Ind, "id"),
    (Lang::Ita, "it"),
    (Lang::Jav, "jv"),
    (Lang::Jpn, "ja"),
    (Lang::Kan, "kn"),
    (Lang::Kat, "ka"),
    (Lang::Khm, "km"),
    (Lang::Kor, "ko"),
    (Lang::Lat, "la"),
    (Lang::Lav, "lv"),
    (Lang::Lit, "lt"),
    (Lang::Mal, "ml"),
    (Lang::Mar, "mr"),
    (Lang::Mkd, "mk"),
    (Lang::Mya, "my"),
    (Lang::Nep, "ne"),
    (Lang::Nld, "nl"),
    (Lang::Nob, "nb"),
    (Lang::Ori, "or"),
    (Lang::Pan, "pa"),
    (Lang::Pes, "fa"),
    (Lang::Pol, "pl"),
    (Lang::Por, "pt"),
    (Lang::Ron, "ro"),
    (Lang::Rus, "ru"),
    (Lang::Sin, "si"),
    (Lang::Slk, "sk"),
    (Lang::Slv, "sl"),
    (Lang::Sna, "sn"),
    (Lang::Spa, "es"),
    (Lang::Srp, "sr"),
    (Lang::Swe, "sv"),
    (Lang::Tam, "ta"),
    (Lang::Tel, "te"),
    (Lang::Tgl, "tl"),
    (Lang::Tha, "th"),
    (Lang::Tuk, "tk"),
    (Lang::Tur, "tr"),
    (Lang::Ukr, "uk"),
    (Lang::Urd, "ur"),
    (Lang::Uzb, "uz"),
    (Lang::Vie, "vi"),
    (Lang::Yid, "yi"),
    (Lang::Zul, "zu"),
];

/// How much of a text detection reads: its beginning says its language as well as the
/// whole would, and detection reads every character it is given.
const SAMPLE_BYTES: usize = 4 * 1024;

/// Texts with fewer letters than this are not given a language: a line or two says too
/// little to tell Danish from Norwegian or to notice a quotation.
const MIN_LETTERS: usize = 40;

/// English words so common that a text where they are this share of the words is English:
/// whatlang weighs every language it knows against the text, a fixed cost per document
/// that was a fifth of indexing English news, and most dossiers are mostly English.
const ENGLISH_FUNCTION_WORDS: [&str; 10] = [
    "the", "and", "of", "to", "in", "is", "that", "for", "with", "was",
];
const ENGLISH_SHARE: f64 = 0.12;

/// Whether `sample` is English beyond doubt, by how many of its words are
/// [`ENGLISH_FUNCTION_WORDS`]; no other language has them this often (checked on the
/// declaration in nine languages).
fn is_plainly_english(sample: &str) -> bool {
    let mut words = 0usize;
    let mut common = 0usize;
    for word in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        if word.len() <= 4
            && ENGLISH_FUNCTION_WORDS
                .iter()
                .any(|w| w.eq_ignore_ascii_case(word))
        {
            common += 1;
        }
    }
    words >= MIN_LETTERS / 4 && common as f64 >= ENGLISH_SHARE * words as f64
}

/// Stemmers whose stems may differ from their word in this many last letters (French
/// `appliqu` from application, Ukrainian `вибор` from вибір; Russian, German and Polish
/// stems are their words' beginnings); the others, not measured, in one. Measured on the
/// UDHR of each language, folded. Fewer letters make fewer words to stem: looking for the
/// forms of `the` in French walks the words that begin with `th`.
const REWRITTEN_LETTERS: [(&str, usize); 10] = [
    ("ru", 0),
    ("de", 0),
    ("pl", 0),
    ("fr", 3),
    ("es", 3),
    ("it", 3),
    ("pt", 3),
    ("ro", 3),
    ("ca", 3),
    ("uk", 2),
];

impl Language {
    /// The language of `text`, if it says enough to tell.
    pub fn detect(text: &str) -> Option<Language> {
        let mut end = text.len().min(SAMPLE_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let sample = &text[..end];
        sample
            .chars()
            .filter(|c| c.is_alphabetic())
            .nth(MIN_LETTERS - 1)?;
        if is_plainly_english(sample) {
            return Some(Language::english());
        }
        let info = whatlang::detect(sample)?;
        info.is_reliable().then_some(Language(info.lang()))
    }

    /// The language a user or a metadata file names: its ISO 639-1 or 639-3 code or its
    /// English name, in any case.
    pub fn from_name(name: &str) -> Option<Language> {
        let name = name.trim().to_lowercase();
        CODES
            .iter()
            .find(|(lang, code)| {
                *code == name || lang.code() == name || lang.eng_name().to_lowercase() == name
            })
            .map(|&(lang, _)| Language(lang))
    }

    /// Its ISO 639-1 code.
    pub fn code(self) -> &'static str {
        CODES
            .iter()
            .find(|(lang, _)| *lang == self.0)
            .map_or("", |(_, code)| code)
    }

    /// A number for it, above zero, as the index keeps it (see [`Self::from_number`]).
    pub fn number(self) -> u64 {
        CODES
            .iter()
            .position(|(lang, _)| *lang == self.0)
            .map_or(0, |i| i as u64 + 1)
    }

    /// The language [`Self::number`] gave this number; none for 0.
    pub fn from_number(number: u64) -> Option<Language> {
        let index = usize::try_from(number.checked_sub(1)?).ok()?;
        CODES.get(index).map(|&(lang, _)| Language(lang))
    }

    pub fn english() -> Language {
        Language(Lang::Eng)
    }

    /// The stemmer of its words, if Snowball has one whose stems keep their word's
    /// beginning (Arabic's takes prefixes off, so its words are matched as written).
    pub fn stemmer(self) -> Option<LanguageStemmer> {
        let code = match self.code() {
            "ar" => return None,
            "nb" => "no",
            code => code,
        };
        let algorithm = frostem::Algorithm::from_name(code).ok()?;
        let rewritten = REWRITTEN_LETTERS
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(1, |&(_, n)| n);
        Some(LanguageStemmer {
            language: self,
            stemmer: frostem::Stemmer::new(algorithm),
            rewritten,
        })
    }

    /// Whether `word` is written in one of the scripts this language is written in.
    pub fn writes(self, word: &str) -> bool {
        whatlang::detect_script(word).is_some_and(|script| script.langs().contains(&self.0))
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Language::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!("`{name}` is not a language dossier knows"))
        })
    }
}

/// The Snowball stemmer of one language.
#[derive(Clone, Copy)]
pub struct LanguageStemmer {
    pub language: Language,
    stemmer: frostem::Stemmer,
    /// How many last letters of a stem may not be its word's.
    rewritten: usize,
}

impl LanguageStemmer {
    /// The stem of `word`, folded as the index folds words.
    pub fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        self.stemmer.stem(word)
    }

    /// The beginning every word with `stem` has: the stem less the letters the stemmer may
    /// have rewritten, but never less than three letters (what a rewrite leaves of a word:
    /// French `-ement` and `-ité` come off after the stem's third letter).
    pub fn shared_beginning<'a>(&self, stem: &'a str) -> &'a str {
        let letters = stem.chars().count();
        let keep = letters.saturating_sub(self.rewritten).max(3).min(letters);
        let end = stem.char_indices().nth(keep).map_or(stem.len(), |(i, _)| i);
        &stem[..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_is_read_from_its_codes_and_name() {
        for name in ["ru", "RUS", "Russian", " russian "] {
            assert_eq!(Language::from_name(name).map(Language::code), Some("ru"));
        }
        assert_eq!(Language::from_name("uk").unwrap().code(), "uk");
        assert_eq!(Language::from_name("klingon"), None);
        assert_eq!(Language::english().to_string(), "en");
        let ukrainian = Language::from_name("uk").unwrap();
        assert_eq!(Language::from_number(ukrainian.number()), Some(ukrainian));
        assert_eq!(Language::from_number(0), None);
    }

    #[test]
    fn every_language_has_a_code_and_the_main_ones_a_stemmer() {
        for lang in Lang::all() {
            assert!(!Language(*lang).code().is_empty(), "{lang:?}");
        }
        for code in [
            "en", "ru", "uk", "de", "fr", "es", "it", "pt", "nl", "pl", "nb",
        ] {
            let language = Language::from_name(code).unwrap();
            assert!(language.stemmer().is_some(), "{code}");
        }
        assert!(Language::from_name("ar").unwrap().stemmer().is_none());
        assert!(Language::from_name("be").unwrap().stemmer().is_none());
    }

    #[test]
    fn english_is_told_without_weighing_every_language() {
        let udhr = |name: &str| {
            // The shared test data, beside the repository.
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../shared/data/languages/udhr/{name}.html"));
            let html = std::fs::read_to_string(path).unwrap();
            // A stretch of the declaration's text, past the page's head.
            let middle: String = html
                .chars()
                .skip(html.chars().count() / 2)
                .take(1500)
                .collect();
            middle
        };
        assert!(is_plainly_english(&udhr("eng")));
        for name in ["deu_1996", "fra", "spa", "pol", "rus", "ukr", "bel", "arb"] {
            assert!(!is_plainly_english(&udhr(name)), "{name}");
        }
        let news = "In late October, Trump administration officials met with Kirill \
                    Dmitriev, a sanctioned Russian envoy, in Miami to draft a peace proposal.";
        assert!(is_plainly_english(news));
    }

    #[test]
    fn a_short_text_has_no_language() {
        assert_eq!(Language::detect("Minutes, 4 May"), None);
    }

    #[test]
    fn words_are_stemmed_in_their_script_only() {
        let russian = Language::from_name("ru").unwrap();
        assert!(russian.writes("переговоры"));
        assert!(!russian.writes("talks"));
        let stemmer = russian.stemmer().unwrap();
        assert_eq!(stemmer.stem("переговоров"), stemmer.stem("переговорах"));
        let french = Language::from_name("fr").unwrap().stemmer().unwrap();
        assert_eq!(french.shared_beginning("appliqu"), "appl");
        assert_eq!(french.shared_beginning("cour"), "cou");
        assert_eq!(french.shared_beginning("a"), "a");
    }
}
