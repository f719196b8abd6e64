//! Rich Text Format (`.rtf`), read with `rtf-parser`: the text of its body, without its
//! font and colour tables. RTF is ASCII, with other characters escaped (`\'e9`, `\u233`);
//! bytes that are not are read as UTF-8, lossily. Groups nested deeper than
//! [`MAX_GROUP_DEPTH`] are refused before the parser sees them: it recurses into them.

use super::{Extracted, Format, SkipReason, title_of};

/// The deepest nest of `{…}` groups read; real files stay within a few dozen.
const MAX_GROUP_DEPTH: usize = 1000;

/// The text of the RTF document `bytes`.
pub fn read(bytes: &[u8]) -> Result<Extracted, SkipReason> {
    let damaged = |detail: String| SkipReason::Damaged {
        format: "RTF",
        detail,
    };
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    if !bytes.starts_with(b"{\\rtf") {
        return Err(damaged("it does not start with {\\rtf".to_string()));
    }
    if group_depth(bytes) > MAX_GROUP_DEPTH {
        return Err(damaged(format!(
            "groups nested more than {MAX_GROUP_DEPTH} deep"
        )));
    }
    let source = String::from_utf8_lossy(bytes);
    let document = rtf_parser::RtfDocument::try_from(source.as_ref())
        .map_err(|error| damaged(super::program::one_line(&error.to_string(), 200)))?;
    let text = document.get_text();
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(SkipReason::NoText);
    }
    let mut extracted = Extracted::new(Format::Rtf);
    extracted.title = title_of(&text);
    extracted.text = text;
    Ok(extracted)
}

/// The deepest nest of unescaped braces in `bytes`.
fn group_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest, mut escaped) = (0usize, 0usize, false);
    for &byte in bytes {
        match byte {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::test_files::formats_dir;

    #[test]
    fn the_body_is_read_with_its_accents() {
        let path = formats_dir().join("eng_spa_mult.rtf");
        let extracted = read(&std::fs::read(path).unwrap()).unwrap();
        assert_eq!(extracted.format, Format::Rtf);
        assert!(extracted.text.starts_with("All human beings are born free"));
        assert!(
            extracted
                .text
                .contains("dotados como están de razón y conciencia")
        );
        assert!(!extracted.text.contains("fonttbl"));
    }

    #[test]
    fn hostile_rtf_is_refused_without_harm() {
        assert_eq!(read(b""), Err(SkipReason::Empty));
        let deep = format!("{{\\rtf1 {}x{}}}", "{".repeat(100_000), "}".repeat(100_000));
        assert!(matches!(
            read(deep.as_bytes()),
            Err(SkipReason::Damaged { .. })
        ));
        assert!(matches!(
            read(b"plain text"),
            Err(SkipReason::Damaged { .. })
        ));
        for bytes in [
            &b"{\\rtf1"[..],
            b"{\\rtf1 \\'",
            b"{\\rtf1 \\u",
            b"{\\rtf1 }}}}",
        ] {
            let _ = read(bytes);
        }
    }
}
