//! The English stop words: words such as `the`, `of` and `which`, in nearly every document,
//! that a keyword query is not scored by when it has other words (see
//! [`crate::query::QueryBuilder`]). People paste whole paragraphs as queries, and there,
//! typed again and again, such words outweighed the words the paragraph is about.
//!
//! The list is NLTK's English one, which the build takes from the `stop-words` crate (see
//! `build.rs`): the Snowball project's list with the pieces that splitting contractions
//! leaves (`don`, `ll`, `ve`).

use std::collections::HashSet;
use std::sync::LazyLock;

static STOP_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!(concat!(env!("OUT_DIR"), "/english_stop_words.txt"))
        .lines()
        .collect()
});

/// Whether `word`, lower-cased, is an English stop word. A contraction (`I'm`, `don't`) is
/// one word of the list with its apostrophe, plain or typographic.
pub fn is_stop_word(word: &str) -> bool {
    if word.contains(['’', '‘']) {
        return is_stop_word(&word.replace(['’', '‘'], "'"));
    }
    STOP_WORDS.contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_its_words_and_contractions() {
        for word in ["the", "which", "i", "i'm", "don’t", "very", "don"] {
            assert!(is_stop_word(word), "{word}");
        }
        for word in ["cone", "us", "may", "must", "c", "The"] {
            assert!(!is_stop_word(word), "{word}");
        }
    }
}
