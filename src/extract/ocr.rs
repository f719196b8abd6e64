//! OCR: the text of an image, read by Tesseract (`tesseract`, Debian's `tesseract-ocr`) run
//! as a separate program, with a time limit and a cap on its text. It reads image files of
//! the corpus (`.png`, `.jpg`, `.jpeg`, `.tif`, `.tiff`) and the pages of a PDF that have no
//! text (see [`super::pdf`]).
//!
//! A reading is not the document's own text: the pages it fills are listed in
//! [`Extracted::ocr_pages`], so that passages from them say so. Tesseract's form feeds
//! (between the pages of a multi-page TIFF) become line breaks: an image has no pages, and
//! in a PDF form feeds are the PDF's own page ends.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::program;
use super::{Extracted, Format, SkipReason, title_of};

/// The languages read when none are given: Tesseract's `-l` codes, joined by `+`.
pub const DEFAULT_LANGUAGES: &str = "eng";

/// The program the reasons name (a test runs a missing one in its place).
const PROGRAM: &str = "tesseract";
const PACKAGE: &str = "tesseract-ocr";

/// How long reading one image may take. A dense page at 300 dpi takes seconds.
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// The most text kept from one image: a dense page holds a few KiB.
const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// The longest reason quoted from Tesseract's error output.
const MAX_DETAIL_CHARS: usize = 200;

/// How images are read: the program, the languages and the limits it runs under.
#[derive(Clone, Copy, Debug)]
pub struct Ocr<'a> {
    pub program: &'a str,
    /// Tesseract's `-l` argument: language codes joined by `+` (`eng+deu`).
    pub languages: &'a str,
    pub time_limit: Duration,
    pub max_text_bytes: usize,
}

/// Tesseract, reading English.
pub const TESSERACT: Ocr<'static> = Ocr {
    program: PROGRAM,
    languages: DEFAULT_LANGUAGES,
    time_limit: TIME_LIMIT,
    max_text_bytes: MAX_TEXT_BYTES,
};

impl Ocr<'_> {
    /// The text read in the image file at `image`: empty if none was found. The file must
    /// be a PNG, JPEG or TIFF image: Tesseract reads a file it does not recognize as a list
    /// of the paths of other images.
    pub fn recognize(&self, image: &Path) -> Result<String, SkipReason> {
        let argument = program::argument(image);
        let ran = program::run(
            Command::new(self.program)
                .arg(&argument)
                .arg("stdout")
                .args(["-l", self.languages])
                // Tesseract's own threads (OpenMP) contend with the files dossier reads
                // in parallel, and slow it down: one thread per image.
                .env("OMP_THREAD_LIMIT", "1"),
            self.time_limit,
            self.max_text_bytes,
        )
        .map_err(|failure| failure.into_skip_reason(PROGRAM, PACKAGE))?;
        if ran.stdout_cut {
            return Err(damaged(&format!(
                "OCR read more than {} KiB of text in one image",
                self.max_text_bytes / 1024
            )));
        }
        if !ran.status.success() {
            return Err(failure_reason(&ran, &argument, image));
        }
        let text = String::from_utf8_lossy(&ran.stdout);
        Ok(text.replace('\x0c', "\n"))
    }
}

/// An image file of the corpus, whose text is its OCR reading.
pub fn read(path: &Path, bytes: &[u8]) -> Result<Extracted, SkipReason> {
    read_with(&TESSERACT, path, bytes)
}

/// [`read`], in `languages` (Tesseract's codes joined by `+`).
pub fn read_in(path: &Path, bytes: &[u8], languages: &str) -> Result<Extracted, SkipReason> {
    read_with(
        &Ocr {
            languages,
            ..TESSERACT
        },
        path,
        bytes,
    )
}

fn read_with(ocr: &Ocr, path: &Path, bytes: &[u8]) -> Result<Extracted, SkipReason> {
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    if !is_image(bytes) {
        return Err(damaged(
            "its first bytes are not those of a PNG, JPEG or TIFF image",
        ));
    }
    let text = ocr.recognize(path)?;
    if text.chars().all(char::is_whitespace) {
        return Err(SkipReason::NoText);
    }
    let mut extracted = Extracted::new(Format::Image);
    extracted.title = title_of(&text);
    extracted.text = text;
    extracted.ocr_pages = vec![1];
    Ok(extracted)
}

/// Whether `bytes` start as a PNG, JPEG or TIFF image does, and are long enough for
/// Tesseract to tell (it reads 12 bytes). Tesseract reads a file it does not recognize as
/// a list of image paths, one a line: a hostile file could then have it read any image on
/// the machine into the index.
pub(super) fn is_image(bytes: &[u8]) -> bool {
    const SIGNATURES: [&[u8]; 4] = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\0", b"MM\0*"];
    bytes.len() >= 12
        && SIGNATURES
            .iter()
            .any(|signature| bytes.starts_with(signature))
}

fn damaged(detail: &str) -> SkipReason {
    SkipReason::Damaged {
        format: "image",
        detail: detail.to_string(),
    }
}

/// Why Tesseract failed: a language it has no data for, else the image's fault, in the
/// words of its first error line.
fn failure_reason(ran: &program::Ran, argument: &Path, path: &Path) -> SkipReason {
    if let Some(language) = ran
        .stderr
        .lines()
        .find_map(|line| line.strip_prefix("Failed loading language '"))
        .and_then(|rest| rest.split_once('\''))
        .map(|(language, _)| language)
    {
        let package = language.to_ascii_lowercase().replace('_', "-");
        return SkipReason::Unreadable(program::one_line(
            &format!(
                "{PROGRAM} has no data for the language '{language}' \
                 (Debian and Ubuntu: apt-get install {PACKAGE}-{package})"
            ),
            2 * MAX_DETAIL_CHARS,
        ));
    }
    // An image too large to decode within the memory Tesseract is given is not damaged.
    if ran.stderr.contains("Out of memory") || ran.stderr.contains("out of memory") {
        return SkipReason::OutOfMemory {
            limit_mib: program::MAX_PROGRAM_MEMORY / (1024 * 1024),
        };
    }
    let detail = match ran
        .stderr
        .lines()
        .find(|line| line.to_ascii_lowercase().contains("error"))
    {
        Some(line) => program::without_path(line, argument, path),
        None => match ran.status.code() {
            Some(code) => format!("stopped with exit code {code}"),
            None => "stopped without an exit code (it crashed?)".to_string(),
        },
    };
    damaged(&format!(
        "{PROGRAM}: {}",
        program::one_line(&detail, MAX_DETAIL_CHARS)
    ))
}

#[cfg(test)]
mod tests {
    use crate::extract::MissingProgram;
    use crate::extract::test_files::formats_dir;
    use std::time::Instant;

    use super::*;

    /// `result`, unless tesseract or its English is missing: then the test fails and says
    /// what to install.
    fn installed(result: Result<Extracted, SkipReason>) -> Result<Extracted, SkipReason> {
        if let Err(reason) = &result {
            let said = reason.to_string();
            if said.contains("is not installed")
                || said.contains("has no data for the language 'eng'")
            {
                panic!(
                    "OCR cannot be tested: {said}. Install tesseract-ocr and \
                     tesseract-ocr-eng (scripts/test.sh installs what the tests need)"
                );
            }
        }
        result
    }

    fn read_file_with(ocr: &Ocr, path: &Path) -> Result<Extracted, SkipReason> {
        let bytes = std::fs::read(path).expect("a test file reads");
        installed(read_with(ocr, path, &bytes))
    }

    fn collapsed(text: &str) -> String {
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }

    /// A white TIFF image, 8-bit grey, uncompressed: one strip after one directory.
    fn blank_tiff(width: u32, height: u32) -> Vec<u8> {
        let entries: [(u16, u16, u32); 8] = [
            (256, 4, width),              // ImageWidth, LONG
            (257, 4, height),             // ImageLength
            (258, 3, 8),                  // BitsPerSample, SHORT
            (259, 3, 1),                  // Compression: none
            (262, 3, 1),                  // PhotometricInterpretation: black is zero
            (273, 4, 8 + 2 + 8 * 12 + 4), // StripOffsets: just after the directory
            (278, 4, height),             // RowsPerStrip
            (279, 4, width * height),     // StripByteCounts
        ];
        let mut tiff = b"II*\0".to_vec();
        tiff.extend(8u32.to_le_bytes());
        tiff.extend((entries.len() as u16).to_le_bytes());
        for (tag, kind, value) in entries {
            tiff.extend(tag.to_le_bytes());
            tiff.extend(kind.to_le_bytes());
            tiff.extend(1u32.to_le_bytes());
            tiff.extend(value.to_le_bytes());
        }
        tiff.extend(0u32.to_le_bytes());
        tiff.resize(tiff.len() + (width * height) as usize, 255);
        tiff
    }

    #[test]
    fn an_image_is_its_ocr_reading() {
        let started = Instant::now();
        let extracted = read_file_with(&TESSERACT, &formats_dir().join("linn.png")).expect("reads");
        eprintln!("linn.png read by OCR in {:?}", started.elapsed());
        assert_eq!(extracted.format, Format::Image);
        assert_eq!(extracted.ocr_pages, [1]);
        assert!(extracted.page_starts.is_empty());
        assert!(
            collapsed(&extracted.text).contains("each of the 100 sequences contains 32"),
            "{}",
            extracted.text
        );
        assert_eq!(extracted.title, title_of(&extracted.text));
        assert_eq!(collapsed(&extracted.title), "the linnsequencer");
        assert!(!extracted.text.contains('\x0c'));
    }

    #[test]
    fn an_image_without_text_has_no_text() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("white.tif");
        std::fs::write(&path, blank_tiff(300, 200)).expect("writes");
        assert_eq!(read_file_with(&TESSERACT, &path), Err(SkipReason::NoText));
    }

    #[test]
    fn a_missing_tesseract_says_which_package_to_install() {
        let absent = Ocr {
            program: "dossier-test-no-such-program",
            ..TESSERACT
        };
        let path = formats_dir().join("linn.png");
        let bytes = std::fs::read(&path).expect("reads");
        assert_eq!(
            read_with(&absent, &path, &bytes),
            Err(SkipReason::ProgramMissing(MissingProgram::new(
                "tesseract",
                "tesseract-ocr"
            )))
        );
    }

    #[test]
    fn a_missing_language_says_which_package_to_install() {
        let klingon = Ocr {
            languages: "tlh_x",
            ..TESSERACT
        };
        assert_eq!(
            read_file_with(&klingon, &formats_dir().join("linn.png")),
            Err(SkipReason::Unreadable(
                "tesseract has no data for the language 'tlh_x' (Debian and Ubuntu: \
                 apt-get install tesseract-ocr-tlh-x)"
                    .to_string()
            ))
        );
    }

    #[test]
    fn a_reading_past_the_time_limit_is_stopped() {
        let hurried = Ocr {
            time_limit: Duration::from_millis(1),
            ..TESSERACT
        };
        let started = Instant::now();
        assert_eq!(
            read_file_with(&hurried, &formats_dir().join("linn.png")),
            Err(SkipReason::TimedOut {
                limit: Duration::from_millis(1)
            })
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "killed, not waited for"
        );
    }

    /// A PNG of 60,000 by 60,000 pixels (its header alone) needs more memory than Tesseract
    /// is given: too large, not damaged.
    #[test]
    fn an_image_too_large_for_the_memory_allowed_is_said_so() {
        let header = "89504e470d0a1a0a0000000d494844520000ea600000ea600800000000a5b92a9e\
                      000000004944415435af061e0000000049454e44ae426082";
        let bytes: Vec<u8> = (0..header.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&header[i..i + 2], 16).unwrap())
            .collect();
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("huge.png");
        std::fs::write(&path, bytes).expect("writes");
        assert_eq!(
            read_file_with(&TESSERACT, &path),
            Err(SkipReason::OutOfMemory { limit_mib: 2048 })
        );
    }

    #[test]
    fn a_damaged_image_is_damaged_with_tesseracts_reason_without_its_path() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("cut.png");
        let whole = std::fs::read(formats_dir().join("linn.png")).expect("reads");
        std::fs::write(&path, &whole[..3000]).expect("writes");
        match read_file_with(&TESSERACT, &path) {
            Err(SkipReason::Damaged { format, detail }) => {
                assert_eq!(format, "image");
                assert!(detail.starts_with("tesseract: "), "{detail}");
                assert!(
                    !detail.contains(&*folder.path().to_string_lossy()),
                    "{detail}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_file_that_is_not_an_image_is_not_given_to_tesseract() {
        // Tesseract would read this as a list of images to read.
        let folder = tempfile::tempdir().expect("a temporary folder");
        let list = formats_dir().join("linn.png");
        let path = folder.path().join("list.png");
        std::fs::write(&path, format!("{}\n", list.display())).expect("writes");
        assert!(matches!(
            read_file_with(&TESSERACT, &path),
            Err(SkipReason::Damaged {
                format: "image",
                ..
            })
        ));
        let short = b"\x89PNG\r\n\x1a\n\n";
        assert!(!is_image(short), "too short for tesseract to tell");
        assert!(matches!(
            read_with(&TESSERACT, &path, short),
            Err(SkipReason::Damaged { .. })
        ));
        assert_eq!(read_with(&TESSERACT, &path, b""), Err(SkipReason::Empty));
        assert!(is_image(&blank_tiff(1, 1)));
        assert!(is_image(b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01"));
        assert!(is_image(b"MM\0*\0\0\0\x08\0\0\0\0"));
    }
}
