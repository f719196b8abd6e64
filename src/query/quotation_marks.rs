//! Quotation marks and apostrophes as people type them, made into the ones tantivy's query
//! grammar reads: typographic quotes become plain ones, and an apostrophe inside a word is
//! escaped so that it stays part of the word.

/// Makes typographic quotation marks into the grammar's quotes, and escapes apostrophes
/// inside words, so that `“Presidents come and go”` is a phrase and `Ukraine’s` a word.
pub fn normalize_quotes(query: &str) -> String {
    normalize(query).0
}

/// [`normalize_quotes`], and the 0-based character indexes, in the normalized query, of the
/// backslashes it added: what the grammar's error positions must be shifted by.
pub(super) fn normalize(query: &str) -> (String, Vec<usize>) {
    let chars: Vec<char> = query.chars().collect();
    let mut out = String::with_capacity(query.len());
    let mut added = Vec::new();
    let mut in_double = false;
    let mut in_single = false;
    for (i, &c) in chars.iter().enumerate() {
        let prev_is_word = i > 0 && chars[i - 1].is_alphanumeric();
        let next_is_word = chars.get(i + 1).is_some_and(|c| c.is_alphanumeric());
        match c {
            '"' | '“' | '”' | '„' | '‟' | '«' | '»' | '＂' | '〝' | '〞' | '「' | '」' | '『'
            | '』' => {
                in_double = !in_double;
                out.push('"');
            }
            '\'' | '‘' | '’' | '‚' | '‛' if in_double => out.push(c),
            // An apostrophe inside or at the end of a word is part of the word.
            '\'' | '‘' | '’' | '‛' if prev_is_word && (next_is_word || !in_single) => {
                added.push(i + added.len());
                out.push_str("\\'")
            }
            '\'' | '‘' | '’' | '‚' | '‛' => {
                in_single = !in_single;
                out.push('\'');
            }
            _ => out.push(c),
        }
    }
    (out, added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typographic_quotes_become_phrase_quotes() {
        assert_eq!(
            normalize_quotes("“Presidents come and go”"),
            "\"Presidents come and go\""
        );
        assert_eq!(normalize_quotes("„Kyiv“"), "\"Kyiv\"");
        assert_eq!(normalize_quotes("「line two」"), "\"line two\"");
        assert_eq!(normalize_quotes("『line two』"), "\"line two\"");
        assert_eq!(normalize_quotes("‘come and go’"), "'come and go'");
    }

    #[test]
    fn apostrophes_inside_words_are_escaped() {
        assert_eq!(normalize_quotes("Ukraine’s bid"), "Ukraine\\'s bid");
        assert_eq!(normalize_quotes("Ukraine's bid"), "Ukraine\\'s bid");
        assert_eq!(
            normalize_quotes("\"Ukraine’s bid\""),
            "\"Ukraine’s bid\"",
            "inside a phrase the apostrophe needs no escape"
        );
        assert_eq!(normalize_quotes("'come and go'"), "'come and go'");
    }
}
