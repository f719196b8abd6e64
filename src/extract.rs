//! Turning the bytes of one file into a document: its text and title, or the reason it is
//! not a text document.

/// How much of a file's start is looked at to tell text from binary.
const SNIFF_BYTES: usize = 8192;

/// Files larger than this are skipped: they are dumps or logs, not documents to read.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Titles longer than this are cut (at a character boundary): a title is for a result list.
const MAX_TITLE_CHARS: usize = 200;

/// A file's content as dossier indexes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    pub title: String,
    /// The text exactly as in the file, so byte offsets into it are offsets into the file.
    pub text: String,
}

/// Decodes a file's bytes, or says why they are not a text document.
pub fn extract(bytes: Vec<u8>) -> Result<Extracted, String> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if head.contains(&0) {
        return Err("binary file (it contains NUL bytes), not text".to_string());
    }
    let text = String::from_utf8(bytes).map_err(|error| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            error.utf8_error().valid_up_to()
        )
    })?;
    Ok(Extracted {
        title: title_of(&text),
        text,
    })
}

/// The first line with something on it, trimmed.
pub fn title_of(text: &str) -> String {
    let line = text
        .lines()
        .map(|line| line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
        .find(|line| !line.is_empty())
        .unwrap_or("");
    line.chars().take(MAX_TITLE_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_the_first_non_empty_line() {
        assert_eq!(
            title_of("\u{feff}\n  \n  Envoy talks \nbody"),
            "Envoy talks"
        );
        assert_eq!(title_of(""), "");
    }

    #[test]
    fn binary_and_invalid_utf8_are_refused_with_a_reason() {
        assert!(
            extract(b"PNG\0\0\x01".to_vec())
                .unwrap_err()
                .contains("binary")
        );
        let error = extract(b"caf\xe9 au lait".to_vec()).unwrap_err();
        assert!(error.contains("offset 3"), "{error}");
    }
}
