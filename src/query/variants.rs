//! Name variants: the spellings transliteration scatters one name into (Kyiv and Kiev,
//! Zelensky and Zelenskyy), built in for common Cyrillic names and declared per dossier in
//! `.dossier-variants` at the corpus root.
//!
//! The file holds one family of spellings per line, separated by commas; `#` starts a
//! comment: `Dmitriev, Dimitriev, Dmitriyev`.

use std::path::Path;

use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::error::{Error, Result};
use crate::query::build::VariantLookup;

/// The file, at the corpus root, where a dossier declares its own variants. Hidden, so it
/// is not indexed as a document.
pub const VARIANTS_FILE: &str = ".dossier-variants";

/// Places and names whose English spellings differ by more than a suffix.
const BUILTIN_FAMILIES: &[&[&str]] = &[
    &["kyiv", "kiev"],
    &["kharkiv", "kharkov"],
    &["odesa", "odessa"],
    &["donbas", "donbass"],
    &["zaporizhzhia", "zaporizhia", "zaporozhye", "zaporozhe"],
    &["lviv", "lvov"],
    &["mykolaiv", "nikolaev", "nikolayev"],
    &["chornobyl", "chernobyl"],
    &["dnipro", "dnepr"],
    &["luhansk", "lugansk"],
    &["rivne", "rovno"],
    &["vinnytsia", "vinnitsa"],
    &["zhytomyr", "zhitomir"],
    &["chernihiv", "chernigov"],
    &["kherson"],
];

/// Endings that Russian and Ukrainian names take in different transliterations: a name
/// with one of them is also looked for with the others.
const SUFFIX_FAMILIES: &[&[&str]] = &[
    &["skyy", "skyi", "skiy", "sky", "ski"],
    &["iyev", "iev", "yev"],
];

/// A word must keep at least this many letters before a variant ending.
const MIN_STEM_CHARS: usize = 3;

#[derive(Clone, Debug, Default)]
pub struct Variants {
    /// Families of folded spellings: the built-in ones and the dossier's own.
    families: Vec<Vec<String>>,
    /// Whether endings are varied (the built-in rule); off in [`Variants::none`].
    suffixes: bool,
}

impl Variants {
    /// No variants: every word as written.
    pub fn none() -> Variants {
        Variants::default()
    }

    /// The built-in families and endings, and those the dossier declares.
    pub fn for_corpus(corpus: &Path) -> Result<Variants> {
        let mut variants = Variants {
            families: BUILTIN_FAMILIES
                .iter()
                .map(|family| family.iter().map(|s| s.to_string()).collect())
                .collect(),
            suffixes: true,
        };
        let path = corpus.join(VARIANTS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => variants.families.extend(parse(&text, &path)?),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(Error::io(&path, error)),
        }
        Ok(variants)
    }

    /// The other spellings of `word` (folded), in no particular order; `is_name` says the
    /// user wrote it capitalized, the only case where endings are varied.
    pub fn of(&self, word: &str, is_name: bool) -> Vec<String> {
        let mut found: Vec<String> = self
            .families
            .iter()
            .filter(|family| family.iter().any(|w| w == word))
            .flatten()
            .filter(|w| *w != word)
            .cloned()
            .collect();
        if self.suffixes && is_name {
            for family in SUFFIX_FAMILIES {
                // The longest ending first: `zelenskyy` ends in `skyy`, not `sky`.
                let Some(ending) = family.iter().find(|e| word.ends_with(*e)) else {
                    continue;
                };
                let stem = &word[..word.len() - ending.len()];
                if stem.chars().count() < MIN_STEM_CHARS {
                    continue;
                }
                found.extend(
                    family
                        .iter()
                        .filter(|e| *e != ending)
                        .map(|e| format!("{stem}{e}")),
                );
                break;
            }
        }
        found.sort();
        found.dedup();
        found
    }

    /// The listed spellings that share a name key with `word` (folded): `kiev` for `kiew`
    /// and `київ` for `kyiv`, whose families are reached through them.
    pub fn sharing_a_key_with(&self, word: &str) -> Vec<&str> {
        let keys = crate::text::names::name_keys(word);
        if keys.is_empty() {
            return Vec::new();
        }
        self.families
            .iter()
            .flatten()
            .filter(|w| *w != word)
            .filter(|w| {
                crate::text::names::name_keys(w)
                    .iter()
                    .any(|k| keys.contains(k))
            })
            .map(String::as_str)
            .collect()
    }

    /// A lookup of the variants that `field` of the index holds: the others would only
    /// slow the query down.
    pub fn in_index(self, searcher: Searcher, field: Field) -> VariantLookup {
        Box::new(move |word, is_name| {
            self.of(word, is_name)
                .into_iter()
                .filter(|v| {
                    searcher
                        .doc_freq(&Term::from_field_text(field, v))
                        .is_ok_and(|n| n > 0)
                })
                .collect()
        })
    }

    /// Whether two folded words are spellings of one name.
    pub fn same_name(&self, a: &str, b: &str) -> bool {
        a != b && self.of(a, true).iter().any(|v| v == b)
    }
}

fn parse(text: &str, path: &Path) -> Result<Vec<Vec<String>>> {
    let mut analyzer = crate::index::schema::exact_analyzer();
    let mut families = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut family = Vec::new();
        for spelling in line.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match crate::index::schema::analyze(&mut analyzer, spelling).as_slice() {
                [word] => family.push(word.clone()),
                _ => {
                    return Err(Error::Usage(format!(
                        "{}:{}: `{spelling}` is not one word; a line lists spellings of one \
                         word, separated by commas",
                        path.display(),
                        number + 1
                    )));
                }
            }
        }
        families.push(family);
    }
    Ok(families)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Variants {
        Variants::for_corpus(Path::new("no such corpus")).unwrap()
    }

    #[test]
    fn places_and_endings_have_their_variants() {
        let v = builtin();
        assert_eq!(v.of("kiev", true), ["kyiv"]);
        assert_eq!(
            v.of("zelenskyy", true),
            ["zelenski", "zelenskiy", "zelensky", "zelenskyi"]
        );
        assert_eq!(v.of("dmitriev", true), ["dmitriyev", "dmitryev"]);
        assert!(v.of("risky", false).is_empty(), "endings only for names");
        assert!(
            v.of("sky", true).is_empty(),
            "too short to be a name's ending"
        );
        assert!(v.same_name("kharkov", "kharkiv"));
        assert!(Variants::none().of("kiev", true).is_empty());
    }

    #[test]
    fn a_dossier_declares_its_own_families() {
        let families = parse(
            "# names\nDmitriev, Dimitriev\n\nPeskov,Peskow # press\n",
            Path::new("v"),
        )
        .unwrap();
        assert_eq!(
            families,
            [vec!["dmitriev", "dimitriev"], vec!["peskov", "peskow"]]
        );
        let error = parse("Kirill Dmitriev, Dmitriev\n", Path::new("v")).unwrap_err();
        assert!(error.to_string().contains("v:1"), "{error}");
    }
}
