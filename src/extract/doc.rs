//! Old Word documents (`.doc`, Word 97 to 2003), read by `antiword` (Debian's `antiword`)
//! run as a separate program, under the same time, output and memory bounds as the PDF
//! reader's programs (see `program`). Its text is antiword's, one paragraph a line, table
//! cells between bars, with the spaces that pad a line's end taken off. A `.doc` that is
//! really an RTF file (Word saves them so) is read as RTF, and one that is plain text as text.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::program::{self, MAX_STDERR_BYTES};
use super::{Extracted, Format, SkipReason, title_of};

/// How long `antiword` may take over one file.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The most text kept from one file.
const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// The program the reasons name (a test runs a missing one in its place), and its package.
const PROGRAM: &str = "antiword";
const PACKAGE: &str = "antiword";

/// The start of every OLE2 compound file, which a Word 97–2003 document is.
const OLE_SIGNATURE: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";

/// The text of the Word document at `path`, whose bytes are `bytes`.
pub fn read(path: &Path, bytes: &[u8]) -> Result<Extracted, SkipReason> {
    read_with(PROGRAM, path, bytes)
}

fn read_with(antiword: &'static str, path: &Path, bytes: &[u8]) -> Result<Extracted, SkipReason> {
    let damaged = |detail: String| SkipReason::Damaged {
        format: "Word",
        detail,
    };
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    if bytes.starts_with(b"{\\rtf") {
        let mut extracted = super::rtf::read(bytes)?;
        extracted.format = Format::Doc;
        return Ok(extracted);
    }
    if !bytes.starts_with(OLE_SIGNATURE) {
        // Plain text named `.doc` (README.doc and the like, common in older software's
        // documentation) is read as the text it is.
        if let Ok(mut extracted) = super::text::read(bytes.to_vec()) {
            extracted.format = Format::Doc;
            return Ok(extracted);
        }
        return Err(damaged(
            "not a Word 97-2003 document (no OLE2 signature)".to_string(),
        ));
    }
    let argument = program::argument(path);
    let ran = program::run(
        Command::new(antiword)
            .args(["-w", "0", "-m", "UTF-8.txt"])
            .arg(&argument),
        TIME_LIMIT,
        MAX_TEXT_BYTES,
    )
    .map_err(|failure| failure.into_skip_reason(antiword, PACKAGE))?;
    if !ran.status.success() || ran.stdout_cut {
        if ran.stderr.to_ascii_lowercase().contains("encrypt") {
            return Err(SkipReason::Encrypted);
        }
        let reason = ran.stderr.lines().find(|line| !line.trim().is_empty());
        let detail = match reason {
            Some(line) => program::without_path(line, &argument, path),
            None if ran.stdout_cut => format!(
                "its text is longer than {} MiB",
                MAX_TEXT_BYTES / (1024 * 1024)
            ),
            None => format!("{antiword} failed ({})", ran.status),
        };
        return Err(damaged(program::one_line(&detail, MAX_STDERR_BYTES)));
    }
    let text: String = String::from_utf8_lossy(&ran.stdout)
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    let text = text.trim_matches('\n').to_string();
    if text.trim().is_empty() {
        return Err(SkipReason::NoText);
    }
    let mut extracted = Extracted::new(Format::Doc);
    extracted.title = title_of(&text);
    extracted.text = text;
    Ok(extracted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::MissingProgram;
    use crate::extract::test_files::formats_dir;

    #[test]
    fn a_word_document_is_read_paragraph_by_paragraph() {
        let path = formats_dir().join("fake-doc-emphasized-text.doc");
        let bytes = std::fs::read(&path).unwrap();
        let extracted = read(&path, &bytes).unwrap_or_else(|reason| {
            panic!("{reason} (scripts/test.sh installs antiword)");
        });
        assert_eq!(extracted.format, Format::Doc);
        assert!(
            extracted
                .text
                .contains("I am a bold italic bold-italic text.\n\nI am a normal text."),
            "{}",
            extracted.text
        );
        assert!(!extracted.text.lines().any(|line| line.ends_with(' ')));
    }

    #[test]
    fn a_missing_antiword_says_which_package_to_install() {
        let path = formats_dir().join("fake-doc-emphasized-text.doc");
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(
            read_with("dossier-test-no-such-antiword", &path, &bytes),
            Err(SkipReason::ProgramMissing(MissingProgram::new(
                "dossier-test-no-such-antiword",
                "antiword"
            )))
        );
    }

    #[test]
    fn plain_text_named_doc_is_read_as_text() {
        // As TeX Live's documentation has them (README.doc).
        let text = "The documentation uses some official files from the\nFree University.\n";
        let extracted = read(Path::new("README.doc"), text.as_bytes()).unwrap();
        assert_eq!(extracted.format, Format::Doc);
        assert_eq!(extracted.text.trim_end(), text.trim_end());
    }

    #[test]
    fn what_is_not_a_word_document_is_damaged() {
        let path = Path::new("not.doc");
        assert!(matches!(
            read(path, b"PK\x03\x04 a zip"),
            Err(SkipReason::Damaged { .. })
        ));
        assert_eq!(read(path, b""), Err(SkipReason::Empty));
        let folder = tempfile::tempdir().unwrap();
        let broken = folder.path().join("broken.doc");
        let bytes = [OLE_SIGNATURE, &[0u8; 600][..]].concat();
        std::fs::write(&broken, &bytes).unwrap();
        match read(&broken, &bytes) {
            Err(SkipReason::Damaged { detail, .. }) => {
                assert!(
                    !detail.contains(&*folder.path().to_string_lossy()),
                    "{detail}"
                )
            }
            other => panic!("{other:?}"),
        }
    }
}
