//! Plain text (`.txt`, `.md`): its bytes, decoded.
//!
//! UTF-8 text, with or without a byte-order mark, is kept exactly as in the file, so byte
//! offsets into it are offsets into the file. Other text is decoded to UTF-8 with
//! `encoding_rs`, and offsets are then offsets into the decoded text (the index records the
//! encoding, so searches say so and decode the file the same way):
//!
//! - UTF-16 LE or BE with a byte-order mark;
//! - mostly UTF-8 (at least as many valid non-ASCII characters as invalid sequences): UTF-8,
//!   with each invalid sequence replaced by U+FFFD and a note — a file damaged in a few
//!   places is still the reporter's document;
//! - anything else: the encoding `chardetng` detects (windows-1252 for Western European
//!   text), with a note, since a detection can be wrong.
//!
//! Known binary formats (by their signature) and files with NUL bytes near the start are
//! not text; nor are files with nothing but white space.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use super::{Extracted, Format, SkipReason, UnknownEncoding, title_of};

/// How much of a file's start is looked at to tell text from binary.
const SNIFF_BYTES: usize = 8192;

/// How much of a file that is not UTF-8 the encoding detector reads: plenty to tell, and a
/// 500 MB log is not read twice.
const DETECT_BYTES: usize = 1024 * 1024;

/// The first bytes of binary formats that end up named `.txt` (exports, renamed files).
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\0", "a TIFF image"),
    (b"MM\0*", "a TIFF image"),
    (
        b"PK\x03\x04",
        "a ZIP archive, or a Word, Excel or OpenDocument file",
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Microsoft Office file (.doc, .xls, .msg)",
    ),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"SQLite format 3\0", "an SQLite database"),
    (b"\x7fELF", "an executable program"),
];

/// Decodes a file's bytes, or says why they are not a text document.
pub fn read(bytes: Vec<u8>) -> Result<Extracted, SkipReason> {
    if let Some(binary) = not_text(&bytes) {
        return Err(binary);
    }
    let (text, encoding, note) = match utf16_bom(&bytes) {
        Some(encoding) => {
            let (text, had_errors) = decode_with(encoding, &bytes);
            let note =
                had_errors.then(|| format!("malformed {} replaced with U+FFFD", encoding.name()));
            (text, Some(encoding), note)
        }
        _ => match String::from_utf8(bytes) {
            Ok(text) => (text, None, None),
            Err(error) => {
                let (text, encoding, note) = decode_not_utf8(error.as_bytes());
                (text, Some(encoding), Some(note))
            }
        },
    };
    if text.is_empty() {
        return Err(SkipReason::Empty);
    }
    if text.chars().all(|c| c.is_whitespace() || c == '\u{feff}') {
        return Err(SkipReason::BlankOnly);
    }
    Ok(Extracted {
        title: title_of(&text),
        text,
        encoding,
        note,
        ..Extracted::new(Format::Text)
    })
}

/// Why `bytes`, which should be text of some kind (plain text, HTML, an e-mail), are not:
/// the signature of a known binary format, or NUL bytes near the start of a text with no
/// UTF-16 byte-order mark (random bytes, a program, a PDF renamed).
pub(super) fn not_text(bytes: &[u8]) -> Option<SkipReason> {
    if let Some(&(_, kind)) = SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
    {
        return Some(SkipReason::Binary { kind });
    }
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    (utf16_bom(bytes).is_none() && head.contains(&0)).then_some(SkipReason::NulBytes)
}

/// The UTF-16 encoding whose byte-order mark `bytes` start with, if they do: such a text
/// is read whole in it, its NUL bytes included.
pub(super) fn utf16_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    Encoding::for_bom(bytes)
        .map(|(encoding, _)| encoding)
        .filter(|&encoding| encoding == UTF_16LE || encoding == UTF_16BE)
}

/// The text of a file's bytes decoded from the encoding named `name`, exactly as
/// [`read`] decoded it when it recorded that name.
pub fn decode(bytes: &[u8], name: &str) -> Result<String, UnknownEncoding> {
    let encoding = Encoding::for_label(name.as_bytes()).ok_or_else(|| UnknownEncoding {
        name: name.to_string(),
    })?;
    Ok(decode_with(encoding, bytes).0)
}

/// The one way text is decoded, at indexing and when reading a file again: a byte-order
/// mark of the encoding is dropped, malformed sequences become U+FFFD.
fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> (String, bool) {
    let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
    (text.into_owned(), had_errors)
}

/// Text that is not valid UTF-8: damaged UTF-8, repaired, or text in another encoding,
/// detected. Returns the text, its encoding and a note saying which.
pub(super) fn decode_not_utf8(bytes: &[u8]) -> (String, &'static Encoding, String) {
    let mut non_ascii = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        non_ascii += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    // A UTF-8 byte-order mark says what the file meant to be, whatever became of it.
    // Valid multi-byte sequences hardly occur by chance in other encodings, while a few
    // damaged bytes are how UTF-8 files go wrong: so a tie goes to UTF-8.
    if non_ascii >= invalid || bytes.starts_with(b"\xef\xbb\xbf") {
        let (text, _) = decode_with(UTF_8, bytes);
        let note = format!(
            "{invalid} invalid UTF-8 sequence{} replaced with U+FFFD",
            if invalid == 1 { "" } else { "s" }
        );
        return (text, UTF_8, note);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    detector.feed(sample, sample.len() == bytes.len());
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, had_errors) = decode_with(encoding, bytes);
    let mut note = format!("not UTF-8; read as {} (detected)", encoding.name());
    if had_errors {
        note.push_str(", with bytes it cannot have replaced by U+FFFD");
    }
    (text, encoding, note)
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
        assert_eq!(title_of("# Plan\nwatch the river"), "Plan");
        assert_eq!(title_of("### Plan ###\n"), "Plan");
        assert_eq!(title_of("## C#\n"), "C#");
        assert_eq!(title_of("#1 priority\n"), "#1 priority");
        assert_eq!(title_of("#######  Seven\n"), "#######  Seven");
        assert_eq!(title_of("# \nbody"), "#");
        assert_eq!(title_of("Envoy talks\rbody\r"), "Envoy talks");
        assert_eq!(title_of("\r\nEnvoy talks\r\nbody"), "Envoy talks");
    }

    #[test]
    fn utf8_is_kept_as_it_stands_byte_order_mark_included() {
        let extracted = read("\u{feff}Café\r\nline two".into()).unwrap();
        assert_eq!(extracted.text, "\u{feff}Café\r\nline two");
        assert_eq!(extracted.encoding, None);
        assert_eq!(extracted.note, None);
        assert_eq!(extracted.title, "Café");
    }

    #[test]
    fn binary_files_are_refused_with_what_they_are() {
        let png = read(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()).unwrap_err();
        assert_eq!(
            png,
            SkipReason::Binary {
                kind: "a PNG image"
            }
        );
        let pdf = read(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec()).unwrap_err();
        assert_eq!(
            pdf,
            SkipReason::Binary {
                kind: "a PDF document"
            }
        );
        let nul = read(b"text\0with NUL".to_vec()).unwrap_err();
        assert_eq!(nul, SkipReason::NulBytes);
    }

    #[test]
    fn empty_and_blank_files_are_refused() {
        assert_eq!(read(Vec::new()).unwrap_err(), SkipReason::Empty);
        assert_eq!(
            read(b"\xef\xbb\xbf \r\n\t\n".to_vec()).unwrap_err(),
            SkipReason::BlankOnly
        );
    }

    /// The reasons are what the reporter reads and what `skipped.json` remembers: their
    /// wording changes only on purpose.
    #[test]
    fn reasons_read_as_they_always_have() {
        let worded = [
            (
                SkipReason::Binary {
                    kind: "a PNG image",
                },
                "binary file: a PNG image, not text (name it as what it is, .pdf, .png, .docx, to \
                 have it read as one, or save its text as a .txt file)",
            ),
            (
                SkipReason::NulBytes,
                "binary file: it has NUL bytes, so it is not text \
                 (or it is UTF-16 without a byte-order mark)",
            ),
            (SkipReason::Empty, "empty file"),
            (SkipReason::BlankOnly, "nothing but white space"),
            (
                SkipReason::TooLarge,
                "larger than 512 MiB; split it to index it",
            ),
            (
                SkipReason::Vanished,
                "it vanished after the corpus was listed (deleted or moved during indexing)",
            ),
            (
                SkipReason::Unreadable("Permission denied (os error 13)".to_string()),
                "Permission denied (os error 13)",
            ),
        ];
        for (reason, wording) in worded {
            assert_eq!(reason.to_string(), wording);
        }
        assert_eq!(
            decode(b"text", "no-such-encoding").unwrap_err().to_string(),
            "unknown encoding \"no-such-encoding\" in the index"
        );
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_decoded() {
        let text = "Müller’s “memo”\r\nline two";
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for (bytes, encoding) in [(le, UTF_16LE), (be, UTF_16BE)] {
            let extracted = read(bytes.clone()).unwrap();
            assert_eq!(extracted.text, text);
            assert_eq!(extracted.encoding, Some(encoding));
            assert_eq!(extracted.note, None);
            assert_eq!(decode(&bytes, encoding.name()).unwrap(), text);
        }
    }

    #[test]
    fn windows_1252_is_detected() {
        let bytes = b"Caf\xe9 cr\xe8me: \x93Fran\xe7ois M\xfcller\x94 said it.\n".to_vec();
        let extracted = read(bytes.clone()).unwrap();
        assert_eq!(extracted.text, "Café crème: “François Müller” said it.\n");
        assert_eq!(extracted.encoding, Some(encoding_rs::WINDOWS_1252));
        assert!(extracted.note.unwrap().contains("windows-1252 (detected)"));
        assert_eq!(decode(&bytes, "windows-1252").unwrap(), extracted.text);
    }

    #[test]
    fn damaged_utf8_is_repaired_with_a_note() {
        let bytes = "Müller’s report: \u{20ac}5 million".as_bytes();
        let mut damaged = bytes[..10].to_vec();
        damaged.push(0xff);
        damaged.extend_from_slice(&bytes[10..]);
        let extracted = read(damaged.clone()).unwrap();
        assert_eq!(extracted.text, "Müller’\u{fffd}s report: \u{20ac}5 million");
        assert_eq!(extracted.encoding, Some(UTF_8));
        assert_eq!(
            extracted.note.as_deref(),
            Some("1 invalid UTF-8 sequence replaced with U+FFFD")
        );
        assert_eq!(decode(&damaged, "UTF-8").unwrap(), extracted.text);
        let tie = read(b"M\xc3\xbcller \xff ok".to_vec()).unwrap();
        assert_eq!(tie.text, "Müller \u{fffd} ok");
    }
}
