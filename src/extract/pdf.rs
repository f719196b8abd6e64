//! PDF, read by poppler's `pdftotext` run as a separate program, with its title and date
//! from poppler's `pdfinfo`.
//!
//! A separate program keeps a damaged or hostile file from taking dossier down with it: it
//! gets a time limit and a cap on the text it may write, and is killed past either. Its
//! default reading order is kept (not `-layout`): two-column pages then read column by
//! column, so sentences stay whole. The text is what `pdftotext` wrote, in which a form
//! feed ends each page, without its page furniture (page numbers, running headers and
//! footers: see [`super::pdf_furniture`]), so a sentence runs on across a page break; the
//! page starts are the offsets just after those form feeds.
//!
//! A page without text (a scan) is rendered as an image by poppler's `pdftoppm` and read
//! by OCR (see [`super::ocr`]): the reading takes the page's place in the text, before its
//! form feed, and the page is listed in [`Extracted::ocr_pages`]. OCR is slow (seconds a
//! page), so it is bounded: so many pages a file, each with its own time limit, and all of
//! them with one. A page left unread is said in the document's note; a PDF with no text
//! even then is skipped, with the reason its pages were not read if they were not.

use std::fmt;
use std::path::Path;
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use super::ocr::{self, Ocr};
use super::program::{self, MAX_STDERR_BYTES, RunFailure};
use super::{Extracted, Format, SkipReason, pdf_furniture, title_of};

/// How long `pdftotext` (and then `pdfinfo`) may take over one file.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The most text kept from one PDF; past it, only the pages that came before are indexed.
/// Thousands of pages of books fit many times over; a file that writes more is a trap.
const MAX_TEXT_BYTES: usize = 256 * 1024 * 1024;

/// A PDF's header may follow some junk, within this many bytes (as poppler allows).
const HEADER_WINDOW: usize = 1024;

/// The longest reason quoted from `pdftotext`'s error output.
const MAX_DETAIL_CHARS: usize = 200;

/// The programs the reasons name (a test runs a missing one in their place).
const PROGRAM: &str = "pdftotext";
const RENDERER: &str = "pdftoppm";
const PACKAGE: &str = "poppler-utils";

/// The most pages without text of one PDF read by OCR; the others stay without text.
const MAX_OCR_PAGES: usize = 500;

/// How long OCR may take over one PDF, all its pages together (each page also has the
/// limit of one image, [`Ocr::time_limit`]).
const OCR_TIME_LIMIT: Duration = Duration::from_secs(30 * 60);

/// The resolution pages are rendered at for OCR, in dots per inch: Tesseract reads best
/// at 300.
const OCR_RESOLUTION: &str = "300";

/// The resolution a page without text is first rendered at, to tell a blank page (a verso
/// left empty) from one with something on it: a tiny image, made in milliseconds, where
/// rendering for OCR and reading takes seconds.
const BLANK_TEST_RESOLUTION: &str = "12";

/// The programs that extract the text, and the limits they run under.
struct Extractor<'a> {
    program: &'a str,
    time_limit: Duration,
    max_text_bytes: usize,
    ocr: PageOcr<'a>,
}

/// How pages without text are read: rendered by `renderer`, then read by `ocr`, whose time
/// limit is each page's (rendering included).
#[derive(Clone, Copy)]
struct PageOcr<'a> {
    renderer: &'a str,
    ocr: Ocr<'a>,
    max_pages: usize,
    /// For all the pages of one file.
    time_limit: Duration,
}

const PDFTOTEXT: Extractor<'static> = Extractor {
    program: PROGRAM,
    time_limit: TIME_LIMIT,
    max_text_bytes: MAX_TEXT_BYTES,
    ocr: PageOcr {
        renderer: RENDERER,
        ocr: ocr::TESSERACT,
        max_pages: MAX_OCR_PAGES,
        time_limit: OCR_TIME_LIMIT,
    },
};

/// The text of the PDF at `path` (whose bytes are `bytes`), page by page.
pub fn read(path: &Path, bytes: &[u8]) -> Result<Extracted, SkipReason> {
    read_with(&PDFTOTEXT, path, bytes)
}

/// [`read`], its pages without text read by OCR in `languages` (Tesseract's codes).
pub fn read_in(path: &Path, bytes: &[u8], languages: &str) -> Result<Extracted, SkipReason> {
    let extractor = Extractor {
        ocr: PageOcr {
            ocr: Ocr {
                languages,
                ..ocr::TESSERACT
            },
            ..PDFTOTEXT.ocr
        },
        ..PDFTOTEXT
    };
    read_with(&extractor, path, bytes)
}

fn read_with(extractor: &Extractor, path: &Path, bytes: &[u8]) -> Result<Extracted, SkipReason> {
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    let window = &bytes[..bytes.len().min(HEADER_WINDOW)];
    if !window.windows(5).any(|w| w == b"%PDF-") {
        return Err(damaged(
            "no %PDF- header in its first 1024 bytes (not a PDF file?)",
        ));
    }
    let argument = program::argument(path);
    let ran = program::run(
        Command::new(extractor.program)
            .args(["-enc", "UTF-8"])
            .arg(&argument)
            .arg("-"),
        extractor.time_limit,
        extractor.max_text_bytes,
    )
    .map_err(|failure| failure.into_skip_reason(PROGRAM, PACKAGE))?;

    let mut note = None;
    let stdout = if ran.stdout_cut {
        // pdftotext died writing into a closed pipe: keep the pages it finished.
        let mut text = ran.stdout;
        let Some(last_page_end) = text.iter().rposition(|&b| b == b'\x0c') else {
            return Err(damaged(&format!(
                "its first page alone has more than {} MiB of text",
                extractor.max_text_bytes / (1024 * 1024)
            )));
        };
        text.truncate(last_page_end + 1);
        let pages = text.iter().filter(|&&b| b == b'\x0c').count();
        note = Some(format!(
            "only its first {pages} pages are indexed: its text is longer than {} MiB",
            extractor.max_text_bytes / (1024 * 1024)
        ));
        text
    } else if ran.status.success() {
        ran.stdout
    } else if ran.stderr.contains("Incorrect password") || ran.status.code() == Some(3) {
        // 1 with "Incorrect password" for a user password; 3 for a copying restriction.
        return Err(SkipReason::Encrypted);
    } else {
        return Err(damaged(&failure_detail(
            &ran.status,
            &ran.stderr,
            (&argument, path),
            bytes,
        )));
    };

    let text = match String::from_utf8(stdout) {
        Ok(text) => text,
        Err(error) => {
            // Not expected with -enc UTF-8; the offsets are into the text kept, whatever it is.
            note.get_or_insert_with(|| {
                format!("{PROGRAM} wrote bytes that are not UTF-8; they were replaced")
            });
            String::from_utf8_lossy(error.as_bytes()).into_owned()
        }
    };
    let reading = read_pages_without_text(&extractor.ocr, &argument, &text);
    if reading.text.chars().all(char::is_whitespace) {
        return Err(reading.skip_reason());
    }
    let ocr_note = reading.note();
    let note = match (note, ocr_note) {
        (Some(note), Some(ocr_note)) => Some(format!("{note}; {ocr_note}")),
        (note, ocr_note) => note.or(ocr_note),
    };
    let page_labels = super::pdf_labels::page_labels(bytes, page_starts(&reading.text).len() + 1);
    let text = pdf_furniture::without_furniture(&reading.text, &page_labels).text;

    let info = document_info(&argument, extractor.time_limit);
    let mut extracted = Extracted::new(Format::Pdf);
    extracted.title = info
        .title
        .map(|title| title_of(&title))
        .filter(|title| !title.is_empty())
        .unwrap_or_else(|| title_of(&text));
    extracted.date = info.date;
    extracted.page_starts = page_starts(&text);
    extracted.page_labels = page_labels;
    extracted.note = note;
    extracted.text = text;
    extracted.ocr_pages = reading.pages;
    Ok(extracted)
}

fn damaged(detail: &str) -> SkipReason {
    SkipReason::Damaged {
        format: "PDF",
        detail: detail.to_string(),
    }
}

/// Offsets just after each form feed that starts a page: every one but a final one, which
/// ends the last page.
fn page_starts(text: &str) -> Vec<usize> {
    text.match_indices('\x0c')
        .map(|(at, _)| at + 1)
        .filter(|&start| start < text.len())
        .collect()
}

/// What `pdfinfo` says of a PDF that matters to a search: nothing, if it cannot say.
#[derive(Debug, Default, PartialEq)]
struct DocumentInfo {
    title: Option<String>,
    date: Option<i64>,
}

fn document_info(argument: &Path, time_limit: Duration) -> DocumentInfo {
    let ran = program::run(
        Command::new("pdfinfo")
            .args(["-isodates", "-enc", "UTF-8"])
            .arg(argument),
        time_limit,
        MAX_STDERR_BYTES,
    );
    match ran {
        Ok(ran) if ran.status.success() && !ran.stdout_cut => {
            parse_info(&String::from_utf8_lossy(&ran.stdout))
        }
        _ => DocumentInfo::default(),
    }
}

/// Title and CreationDate from `pdfinfo -isodates` output (`Key:   value` lines).
fn parse_info(output: &str) -> DocumentInfo {
    let value = |key: &str| {
        output.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            (name == key).then(|| value.trim().to_string())
        })
    };
    DocumentInfo {
        title: value("Title").filter(|title| !title.is_empty()),
        date: value("CreationDate").and_then(|date| parse_iso_date(&date)),
    }
}

/// Seconds since the epoch for `pdfinfo -isodates`' dates: `2016-12-31T18:43:23+01`,
/// `…+05:30`, `…Z`. A date poppler could not parse is printed as it stands, and gives `None`.
fn parse_iso_date(value: &str) -> Option<i64> {
    const LOCAL: usize = "2016-12-31T18:43:23".len();
    let value = value.trim();
    if !value.is_char_boundary(LOCAL) {
        return None;
    }
    let (local, zone) = value.split_at(LOCAL);
    let local = NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S").ok()?;
    let east_of_utc = match zone {
        "" | "Z" => 0,
        _ => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (hours, minutes) = zone[1..].split_once(':').unwrap_or((&zone[1..], "0"));
            let hours: i64 = hours.parse().ok()?;
            let minutes: i64 = minutes.parse().ok()?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 3600 + minutes * 60)
        }
    };
    Some(local.and_utc().timestamp() - east_of_utc)
}

/// A PDF's end, `%%EOF`, is within this many bytes of the end of its file (as poppler
/// allows); a file without it was cut short.
const TRAILER_WINDOW: usize = 1024;

/// What is wrong with a PDF `pdftotext` failed on, in a user's words where poppler's would
/// mislead: a file cut short (no `%%EOF` at its end) says so, and one in which no page was
/// found says that (poppler says "Wrong page range given: the first page (1) can not be
/// after the last page (0)", as if the user had asked for pages). Otherwise the one line
/// of its error output that says most: its last error, with the path (`argument`) replaced
/// by the file's name (the reason is kept in the index and shown elsewhere).
fn failure_detail(
    status: &ExitStatus,
    stderr: &str,
    (argument, path): (&Path, &Path),
    bytes: &[u8],
) -> String {
    const CUT_SHORT: &str = "it is cut short (an incomplete download or copy?)";
    let tail = &bytes[bytes.len().saturating_sub(TRAILER_WINDOW)..];
    let cut_short = !tail.windows(5).any(|w| w == b"%%EOF");
    let no_page = stderr.contains("Wrong page range given") && stderr.contains("last page (0)");
    match (no_page, cut_short) {
        (true, true) => return format!("no page of it could be read: {CUT_SHORT}"),
        (true, false) => return "no page of it could be read: it is damaged".to_string(),
        (false, _) => {}
    }
    let said = program_said(status, stderr, argument, path);
    if cut_short {
        format!("{CUT_SHORT}; {said}")
    } else {
        said
    }
}

/// The one line of a failed run's error output that says most: its last error, with the
/// path replaced by the file's name.
fn program_said(status: &ExitStatus, stderr: &str, argument: &Path, path: &Path) -> String {
    let last_error = stderr
        .lines()
        .rev()
        .find(|line| line.contains("Error"))
        .or_else(|| stderr.lines().rev().find(|line| !line.trim().is_empty()));
    let Some(line) = last_error else {
        return match status.code() {
            Some(code) => format!("{PROGRAM} stopped with exit code {code}"),
            None => format!("{PROGRAM} stopped without an exit code (it crashed?)"),
        };
    };
    let line = program::without_path(line, argument, path);
    // "Syntax Error: Couldn't read xref table": the category is poppler's, not the reader's.
    let message = line
        .split_once("Error: ")
        .map_or(line.as_str(), |(_, message)| message);
    format!(
        "{PROGRAM}: {}",
        program::one_line(message, MAX_DETAIL_CHARS)
    )
}

/// What OCR made of a PDF's pages without text.
struct OcrReading {
    /// pdftotext's text with each page OCR read in its place, before its form feed.
    text: String,
    /// The pages OCR read text on (1-based, in order).
    pages: Vec<usize>,
    /// The pages without text that were not read, each with why.
    unread: Vec<(usize, Unread)>,
}

/// Why a page without text was not read by OCR.
#[derive(Clone, Debug, PartialEq)]
enum Unread {
    /// Rendering or reading it failed so (tesseract missing, its time limit, …).
    Failed(SkipReason),
    /// It came after the most pages of a file that are read.
    PastTheMost(usize),
    /// The time for the whole file ran out.
    OutOfTime(Duration),
}

impl fmt::Display for Unread {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Unread::Failed(reason @ SkipReason::ProgramMissing(_)) => {
                write!(f, "{reason}; then index again with --rebuild")
            }
            Unread::Failed(reason) => write!(f, "{reason}"),
            Unread::PastTheMost(most) => write!(f, "at most {most} pages of a file are read"),
            Unread::OutOfTime(limit) => write!(
                f,
                "OCR took {} s over this file, its time limit",
                limit.as_secs_f64().ceil()
            ),
        }
    }
}

impl OcrReading {
    /// Why a PDF without text even after OCR is skipped: why its pages were not read, if
    /// they were not.
    fn skip_reason(&self) -> SkipReason {
        match self.unread.first() {
            Some((_, Unread::Failed(reason))) => reason.clone(),
            Some((_, Unread::OutOfTime(limit))) => SkipReason::TimedOut { limit: *limit },
            Some((_, Unread::PastTheMost(_))) | None => SkipReason::NoText,
        }
    }

    /// What the reader should know of the pages left unread: one sentence for each reason.
    fn note(&self) -> Option<String> {
        let mut reasons: Vec<(String, Vec<usize>)> = Vec::new();
        for (page, why) in &self.unread {
            let why = why.to_string();
            match reasons.iter_mut().find(|(reason, _)| *reason == why) {
                Some((_, pages)) => pages.push(*page),
                None => reasons.push((why, vec![*page])),
            }
        }
        let sentences: Vec<String> = reasons
            .into_iter()
            .map(|(why, pages)| {
                format!("{} without text not read by OCR: {why}", page_list(&pages))
            })
            .collect();
        (!sentences.is_empty()).then(|| sentences.join("; "))
    }
}

/// "page 3", "pages 3, 5 and 9", "12 pages (3, 5, 9, …)".
fn page_list(pages: &[usize]) -> String {
    const LISTED: usize = 5;
    let numbers: Vec<String> = pages.iter().map(usize::to_string).collect();
    match numbers.as_slice() {
        [one] => format!("page {one}"),
        [first @ .., last] if numbers.len() <= LISTED => {
            format!("pages {} and {last}", first.join(", "))
        }
        _ => format!(
            "{} pages ({}, …)",
            numbers.len(),
            numbers[..LISTED].join(", ")
        ),
    }
}

/// Reads by OCR the pages of `text` (pdftotext's: each page ended by a form feed) that
/// have nothing but white space, rendering them from the PDF at `argument`.
fn read_pages_without_text(settings: &PageOcr, argument: &Path, text: &str) -> OcrReading {
    let pages: Vec<&str> = text.split_inclusive('\x0c').collect();
    let without_text: Vec<usize> = (1..=pages.len())
        .filter(|&page| pages[page - 1].chars().all(char::is_whitespace))
        .collect();
    let mut reading = OcrReading {
        text: String::new(),
        pages: Vec::new(),
        unread: Vec::new(),
    };
    if without_text.is_empty() {
        reading.text = text.to_string();
        return reading;
    }

    let deadline = Instant::now() + settings.time_limit;
    let folder = tempfile::Builder::new().prefix("dossier-ocr-").tempdir();
    let mut read: Vec<(usize, String)> = Vec::new();
    let mut missing: Option<SkipReason> = None;
    for (nth, &page) in without_text.iter().enumerate() {
        let unread = if nth >= settings.max_pages {
            Unread::PastTheMost(settings.max_pages)
        } else if let Some(reason) = &missing {
            Unread::Failed(reason.clone())
        } else if Instant::now() >= deadline {
            Unread::OutOfTime(settings.time_limit)
        } else {
            let read_page = match &folder {
                Ok(folder) => read_page(settings, folder.path(), argument, page, deadline),
                Err(error) => Err(Unread::Failed(SkipReason::SystemFailed(format!(
                    "no temporary folder for OCR: {error}"
                )))),
            };
            match read_page {
                Ok(page_text) if page_text.chars().all(char::is_whitespace) => continue,
                Ok(page_text) => {
                    read.push((page, page_text));
                    continue;
                }
                Err(unread) => {
                    if let Unread::Failed(reason @ SkipReason::ProgramMissing(_)) = &unread {
                        missing = Some(reason.clone());
                    }
                    unread
                }
            }
        };
        reading.unread.push((page, unread));
    }

    let mut read = read.into_iter().peekable();
    for (index, original) in pages.iter().enumerate() {
        let page = index + 1;
        match read.next_if(|(read_page, _)| *read_page == page) {
            Some((_, page_text)) => {
                reading.text.push_str(&page_text);
                if original.ends_with('\x0c') {
                    reading.text.push('\x0c');
                }
                reading.pages.push(page);
            }
            None => reading.text.push_str(original),
        }
    }
    reading
}

/// Whether page `number` is blank: white all over when rendered small, in grey. A page
/// with an image, a drawing or text drawn as shapes is not. False when it cannot be told
/// (the renderer failed): the page is then rendered for OCR as any other.
fn is_blank(
    renderer: &str,
    folder: &Path,
    argument: &Path,
    number: &str,
    time_limit: Duration,
) -> bool {
    let root = folder.join("blank-test");
    let ran = program::run(
        Command::new(renderer)
            .args(["-r", BLANK_TEST_RESOLUTION, "-gray", "-singlefile"])
            .args(["-f", number, "-l", number])
            .arg(argument)
            .arg(&root),
        time_limit,
        MAX_STDERR_BYTES,
    );
    let image = root.with_extension("pgm");
    let pixels = match ran {
        Ok(ran) if ran.status.success() => std::fs::read(&image).ok(),
        _ => None,
    };
    let _ = std::fs::remove_file(&image);
    pixels
        .as_deref()
        .and_then(grey_pixels)
        .is_some_and(|(pixels, white)| {
            // Anything drawn, even faint and small, darkens some pixel by a tenth.
            pixels
                .iter()
                .all(|&pixel| u32::from(pixel) * 10 >= u32::from(white) * 9)
        })
}

/// The pixels of a binary greymap (PGM, `P5`) of one byte a pixel, and its white.
fn grey_pixels(pgm: &[u8]) -> Option<(&[u8], u8)> {
    let mut rest = pgm.strip_prefix(b"P5")?;
    let mut fields = [0usize; 3];
    for field in &mut fields {
        let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        let digits = rest[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        *field = std::str::from_utf8(&rest[start..start + digits])
            .ok()?
            .parse()
            .ok()?;
        rest = &rest[start + digits..];
    }
    let [width, height, white] = fields;
    // One whitespace byte ends the header.
    let pixels = rest.get(1..)?;
    let white = u8::try_from(white).ok()?;
    (pixels.len() == width.checked_mul(height)? && white > 0).then_some((pixels, white))
}

/// The text OCR reads on `page` of the PDF at `argument`, rendered into `folder`; within
/// the time of one image, and before `deadline`.
fn read_page(
    settings: &PageOcr,
    folder: &Path,
    argument: &Path,
    page: usize,
    deadline: Instant,
) -> Result<String, Unread> {
    let started = Instant::now();
    let left = deadline.saturating_duration_since(started);
    let time_limit = settings.ocr.time_limit.min(left);
    // Past the time limit, say which one it was.
    let timed_out = || {
        if left <= settings.ocr.time_limit {
            Unread::OutOfTime(settings.time_limit)
        } else {
            Unread::Failed(SkipReason::TimedOut {
                limit: settings.ocr.time_limit,
            })
        }
    };
    let number = page.to_string();
    if is_blank(settings.renderer, folder, argument, &number, time_limit) {
        return Ok(String::new());
    }
    let root = folder.join("page");
    let ran = program::run(
        Command::new(settings.renderer)
            .args(["-r", OCR_RESOLUTION, "-gray", "-tiff", "-singlefile"])
            .args(["-f", &number, "-l", &number])
            .arg(argument)
            .arg(&root),
        time_limit,
        MAX_STDERR_BYTES,
    )
    .map_err(|failure| match failure {
        RunFailure::TimedOut(_) => timed_out(),
        failure => Unread::Failed(failure.into_skip_reason(RENDERER, PACKAGE)),
    })?;
    let image = root.with_extension("tif");
    if !ran.status.success() || !image.is_file() {
        let why = ran
            .stderr
            .lines()
            .rev()
            .find(|line| !line.trim().is_empty());
        return Err(Unread::Failed(damaged(&format!(
            "{RENDERER} could not render page {page} for OCR: {}",
            program::one_line(
                &program::without_path(why.unwrap_or("no reason given"), argument, argument),
                MAX_DETAIL_CHARS
            )
        ))));
    }
    let ocr = Ocr {
        time_limit: time_limit.saturating_sub(started.elapsed()),
        ..settings.ocr
    };
    let recognized = ocr.recognize(&image);
    // A page at 300 dpi is megabytes: one at a time in the folder.
    let _ = std::fs::remove_file(&image);
    recognized.map_err(|reason| match reason {
        SkipReason::TimedOut { .. } => timed_out(),
        SkipReason::Damaged { detail, .. } => {
            Unread::Failed(damaged(&format!("page {page}: {detail}")))
        }
        reason => Unread::Failed(reason),
    })
}

#[cfg(test)]
mod tests {
    use crate::extract::MissingProgram;
    use crate::extract::test_files::formats_dir;
    use std::collections::HashMap;
    use std::path::PathBuf;

    use super::*;

    /// Reads a test file with `extractor`; fails, rather than skip, without pdftotext.
    fn read_sample_with(extractor: &Extractor, name: &str) -> Result<Extracted, SkipReason> {
        let path = formats_dir().join(name);
        let bytes = std::fs::read(&path).expect("a test file reads");
        installed(read_with(extractor, &path, &bytes))
    }

    /// `result`, unless a program it needs (pdftotext, tesseract) or tesseract's English is
    /// missing: then the test fails and says what to install.
    fn installed(result: Result<Extracted, SkipReason>) -> Result<Extracted, SkipReason> {
        let said = match &result {
            Err(reason) => reason.to_string(),
            Ok(extracted) => extracted.note.clone().unwrap_or_default(),
        };
        if said.contains("is not installed") || said.contains("has no data for the language 'eng'")
        {
            panic!(
                "the PDF reader cannot be tested: {said}. Install poppler-utils, \
                 tesseract-ocr and tesseract-ocr-eng (scripts/test.sh installs what the \
                 tests need)"
            );
        }
        result
    }

    fn read_sample(name: &str) -> Result<Extracted, SkipReason> {
        read_sample_with(&PDFTOTEXT, name)
    }

    fn collapse_whitespace(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The text of each page, by `page_starts`.
    fn pages(extracted: &Extracted) -> Vec<&str> {
        let mut bounds = vec![0];
        bounds.extend(&extracted.page_starts);
        bounds.push(extracted.text.len());
        bounds
            .windows(2)
            .map(|pair| &extracted.text[pair[0]..pair[1]])
            .collect()
    }

    fn assert_pages_are_sound(name: &str, extracted: &Extracted) {
        let text = &extracted.text;
        let mut previous = 0;
        for &start in &extracted.page_starts {
            assert!(start > previous, "{name}: page starts increase");
            assert!(start < text.len(), "{name}: no page starts at the end");
            assert!(
                text.is_char_boundary(start),
                "{name}: {start} is a boundary"
            );
            assert_eq!(
                &text[start - 1..start],
                "\x0c",
                "{name}: a page follows a form feed"
            );
            previous = start;
        }
    }

    #[test]
    fn every_pdf_phrase_of_expected_tsv_is_on_its_page() {
        let dir = formats_dir();
        let table = std::fs::read_to_string(dir.join("expected.tsv")).expect("expected.tsv");
        let mut documents: HashMap<String, Extracted> = HashMap::new();
        let mut checked = 0;
        for line in table.lines().filter(|line| !line.starts_with('#')) {
            let fields: Vec<&str> = line.split('\t').collect();
            let [file, page, expectation, _kind] = fields[..] else {
                panic!("expected.tsv: four fields in {line:?}");
            };
            if !file.ends_with(".pdf")
                || expectation.starts_with("skip:")
                || expectation.starts_with("ocr:")
            {
                continue;
            }
            let page: usize = page.parse().expect("a page number");
            let extracted = documents.entry(file.to_string()).or_insert_with(|| {
                let extracted = read_sample(file).unwrap_or_else(|e| panic!("{file}: {e}"));
                assert_pages_are_sound(file, &extracted);
                extracted
            });
            let pages = pages(extracted);
            let phrase = collapse_whitespace(expectation);
            let found_on: Vec<usize> = (1..=pages.len())
                .filter(|&n| collapse_whitespace(pages[n - 1]).contains(&phrase))
                .collect();
            assert!(
                found_on.contains(&page),
                "{file}: {phrase:?} expected on page {page}, found on {found_on:?}"
            );
            checked += 1;
        }
        assert!(checked >= 8, "only {checked} phrases checked");
    }

    #[test]
    fn skipped_pdfs_of_expected_tsv_give_a_reason() {
        let table = std::fs::read_to_string(formats_dir().join("expected.tsv")).expect("tsv");
        let skipped: Vec<&str> = table
            .lines()
            .filter_map(|line| {
                let fields: Vec<&str> = line.split('\t').collect();
                (fields.len() == 4 && fields[0].ends_with(".pdf") && fields[2].starts_with("skip:"))
                    .then_some(fields[0])
            })
            .collect();
        assert!(skipped.len() >= 2);
        for file in skipped {
            assert!(read_sample(file).is_err(), "{file} is skipped");
        }
    }

    #[test]
    fn pages_split_at_form_feeds_and_match_the_page_count() {
        let extracted = read_sample("GeoTopo-komprimiert.pdf").expect("reads");
        assert_eq!(extracted.format, Format::Pdf);
        assert_eq!(
            extracted.page_starts.len() + 1,
            117,
            "pdfinfo counts 117 pages"
        );
        assert_pages_are_sound("GeoTopo", &extracted);
        assert!(
            extracted.text.ends_with('\x0c'),
            "the text is pdftotext's, kept as is"
        );
        assert_eq!(page_starts("a\x0cb\x0c"), [2]);
        assert_eq!(
            page_starts("a\x0c\x0c"),
            [2],
            "an empty last page still counts"
        );
        assert_eq!(page_starts("a"), Vec::<usize>::new());
        assert_eq!(page_starts("é\x0cü"), [3]);
    }

    #[test]
    fn title_and_date_come_from_pdfinfo_else_the_first_line() {
        let geotopo = read_sample("GeoTopo-komprimiert.pdf").expect("reads");
        assert_eq!(geotopo.title, "Geometrie und Topologie");
        // 2016-12-31T18:43:23+01
        assert_eq!(geotopo.date, Some(1_483_206_203));
        let multicolumn = read_sample("multicolumn.pdf").expect("reads");
        assert_eq!(multicolumn.title, "Two-Column Document with Lorem Ipsum");
        assert!(multicolumn.date.is_some());
    }

    #[test]
    fn two_columns_read_column_by_column() {
        let extracted = read_sample("multicolumn.pdf").expect("reads");
        let first_page = collapse_whitespace(pages(&extracted)[0]);
        assert!(first_page.contains(
            "This is a sample document with two columns filled with Lorem Ipsum text. \
             Lorem ipsum dolor sit amet"
        ));
    }

    #[test]
    fn dates_of_pdfinfo_read_with_their_zone() {
        assert_eq!(parse_iso_date("1970-01-01T01:00:00+01"), Some(0));
        assert_eq!(parse_iso_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_iso_date("1970-01-01T00:00:00"), Some(0));
        assert_eq!(parse_iso_date("1970-01-01T05:30:00+05:30"), Some(0));
        assert_eq!(parse_iso_date("1969-12-31T20:00:00-04"), Some(0));
        assert_eq!(parse_iso_date("D:20161231184323+01'00'"), None);
        assert_eq!(parse_iso_date("1970-01-01T00:00:00+99"), None);
        assert_eq!(parse_iso_date("é"), None);
        assert_eq!(parse_iso_date(""), None);
        let info = parse_info("Title:          A: B \nCreationDate:   1970-01-01T00:00:00Z\n");
        assert_eq!(info.title.as_deref(), Some("A: B"));
        assert_eq!(info.date, Some(0));
        assert_eq!(parse_info("Title:   \nPages: 3\n"), DocumentInfo::default());
    }

    #[test]
    fn an_encrypted_pdf_is_skipped_as_encrypted() {
        assert_eq!(
            read_sample("libreoffice-writer-password.pdf"),
            Err(SkipReason::Encrypted)
        );
    }

    #[test]
    fn a_broken_pdf_is_damaged_with_pdftotexts_reason_in_one_line() {
        match read_sample("invalid.pdf") {
            Err(SkipReason::Damaged { format, detail }) => {
                assert_eq!(format, "PDF");
                assert_eq!(detail, "pdftotext: Couldn't read xref table");
            }
            other => panic!("invalid.pdf: {other:?}"),
        }
    }

    #[test]
    fn a_failure_names_the_file_not_its_path() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("vanished.pdf");
        match installed(read_with(&PDFTOTEXT, &path, b"%PDF-1.7\n")) {
            Err(SkipReason::Damaged { detail, .. }) => {
                assert!(detail.contains("'vanished.pdf'"), "{detail}");
                assert!(
                    !detail.contains(&*folder.path().to_string_lossy()),
                    "{detail}"
                );
                assert!(!detail.contains('\n'));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_file_that_is_not_a_pdf_is_damaged_and_an_empty_one_empty() {
        let path = Path::new("not-read.pdf");
        assert!(matches!(
            read_with(&PDFTOTEXT, path, b"<html>not a PDF</html>"),
            Err(SkipReason::Damaged { .. })
        ));
        assert_eq!(read_with(&PDFTOTEXT, path, b""), Err(SkipReason::Empty));
    }

    #[test]
    fn a_scan_is_read_by_ocr_in_its_place() {
        let extracted = read_sample("c02-22.pdf").expect("reads");
        assert_eq!(extracted.ocr_pages, [1]);
        assert!(extracted.page_starts.is_empty(), "one page");
        assert!(extracted.text.ends_with('\x0c'), "the page still ends");
        assert_eq!(extracted.text.matches('\x0c').count(), 1);
        assert!(
            collapse_whitespace(&extracted.text)
                .to_lowercase()
                .contains("there was a light behind him"),
            "{}",
            extracted.text
        );
        assert_eq!(extracted.note, None);
    }

    #[test]
    fn a_pdf_with_text_is_not_read_by_ocr() {
        let extracted = read_sample("multicolumn.pdf").expect("reads");
        assert!(extracted.ocr_pages.is_empty());
        assert_eq!(extracted.note, None);
    }

    /// multicolumn.pdf's three pages of text, then c02-22.pdf's scanned page, joined into
    /// one PDF by poppler's `pdfunite`.
    fn text_then_scan() -> (tempfile::TempDir, PathBuf, Vec<u8>) {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let joined = folder.path().join("text-then-scan.pdf");
        let status = std::process::Command::new("pdfunite")
            .arg(formats_dir().join("multicolumn.pdf"))
            .arg(formats_dir().join("c02-22.pdf"))
            .arg(&joined)
            .status()
            .unwrap_or_else(|error| {
                panic!(
                    "pdfunite did not run ({error}): install poppler-utils (Debian and \
                     Ubuntu: apt-get install poppler-utils)"
                )
            });
        assert!(status.success(), "pdfunite joins the two PDFs");
        let bytes = std::fs::read(&joined).expect("the joined PDF reads");
        (folder, joined, bytes)
    }

    /// A PDF of one blank page, written out with its cross-reference table.
    fn blank_page_pdf() -> Vec<u8> {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ];
        let mut pdf = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (number, object) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend(format!("{} 0 obj\n{object}\nendobj\n", number + 1).bytes());
        }
        let xref = pdf.len();
        pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
        for offset in offsets {
            pdf.extend(format!("{offset:010} 00000 n \n").bytes());
        }
        pdf.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .bytes(),
        );
        pdf
    }

    #[test]
    fn a_blank_page_is_not_read_by_ocr() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let blank = folder.path().join("blank.pdf");
        std::fs::write(&blank, blank_page_pdf()).unwrap();
        let joined = folder.path().join("text-then-blank.pdf");
        let status = std::process::Command::new("pdfunite")
            .arg(formats_dir().join("multicolumn.pdf"))
            .arg(&blank)
            .arg(&joined)
            .status()
            .expect("pdfunite runs (poppler-utils)");
        assert!(status.success());
        let bytes = std::fs::read(&joined).unwrap();
        // Were the blank page given to OCR, the missing tesseract would be in the note; the
        // scanned page of text_then_scan is (the test above).
        let extracted = read_with(&without_tesseract(), &joined, &bytes).expect("reads");
        assert_eq!(extracted.page_starts.len() + 1, 4);
        assert!(pages(&extracted)[3].trim().is_empty());
        assert_eq!(extracted.note, None);
        assert!(extracted.ocr_pages.is_empty());
    }

    #[test]
    fn a_greymap_is_read_with_its_white() {
        assert_eq!(
            grey_pixels(b"P5\n2 1\n255\n\xff\x10"),
            Some((&b"\xff\x10"[..], 255))
        );
        assert_eq!(grey_pixels(b"P5\n2 2\n255\n\xff"), None);
        assert_eq!(grey_pixels(b"P6\n1 1\n255\n\xff"), None);
    }

    #[test]
    fn only_the_pages_without_text_are_read_by_ocr() {
        let (_folder, joined, bytes) = text_then_scan();
        let extracted = installed(read_with(&PDFTOTEXT, &joined, &bytes)).expect("reads");
        assert_pages_are_sound("text-then-scan", &extracted);
        assert_eq!(extracted.ocr_pages, [4]);
        let multicolumn = read_sample("multicolumn.pdf").expect("reads");
        let alone = pages(&multicolumn);
        let pages = pages(&extracted);
        assert_eq!(pages.len(), 4);
        assert_eq!(pages[..2], alone[..2], "the text pages are as read alone");
        // Page 3 is no longer the last: its number, between its text and page 4's, is left
        // out as page 1's and 2's are.
        assert!(alone[2].ends_with("\n\n3\n\n\x0c"));
        assert_eq!(pages[2], alone[2].replacen("\n3\n\n\x0c", "\n\x0c", 1));
        assert!(
            collapse_whitespace(pages[3])
                .to_lowercase()
                .contains("there was a light behind him")
        );
        assert!(pages[3].ends_with('\x0c'));
        assert_eq!(extracted.note, None);
    }

    fn without_tesseract() -> Extractor<'static> {
        Extractor {
            ocr: PageOcr {
                ocr: Ocr {
                    program: "dossier-test-no-such-program",
                    ..ocr::TESSERACT
                },
                ..PDFTOTEXT.ocr
            },
            ..PDFTOTEXT
        }
    }

    #[test]
    fn a_scan_without_tesseract_says_which_package_to_install() {
        let path = formats_dir().join("c02-22.pdf");
        let bytes = std::fs::read(&path).expect("reads");
        let skipped = read_with(&without_tesseract(), &path, &bytes);
        assert_eq!(
            skipped,
            Err(SkipReason::ProgramMissing(MissingProgram::new(
                "tesseract",
                "tesseract-ocr"
            )))
        );
        assert_eq!(
            skipped.unwrap_err().to_string(),
            "tesseract is not installed (Debian and Ubuntu: apt-get install tesseract-ocr)"
        );
    }

    #[test]
    fn without_tesseract_the_pages_with_text_are_kept_and_the_others_noted() {
        let (_folder, joined, bytes) = text_then_scan();
        let extracted = read_with(&without_tesseract(), &joined, &bytes).expect("reads");
        assert!(extracted.ocr_pages.is_empty());
        assert_eq!(extracted.page_starts.len() + 1, 4);
        assert!(pages(&extracted)[3].trim().is_empty());
        assert_eq!(
            extracted.note.as_deref(),
            Some(
                "page 4 without text not read by OCR: tesseract is not installed (Debian and \
                 Ubuntu: apt-get install tesseract-ocr); then index again with --rebuild"
            )
        );
    }

    #[test]
    fn ocr_past_a_pages_time_limit_is_stopped() {
        let hurried = Extractor {
            ocr: PageOcr {
                ocr: Ocr {
                    time_limit: Duration::from_millis(1),
                    ..ocr::TESSERACT
                },
                ..PDFTOTEXT.ocr
            },
            ..PDFTOTEXT
        };
        let started = Instant::now();
        assert_eq!(
            read_sample_with(&hurried, "c02-22.pdf"),
            Err(SkipReason::TimedOut {
                limit: Duration::from_millis(1)
            })
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "killed, not waited for"
        );
        let (_folder, joined, bytes) = text_then_scan();
        let extracted = installed(read_with(&hurried, &joined, &bytes)).expect("reads");
        assert!(extracted.ocr_pages.is_empty());
        let note = extracted.note.expect("a note");
        assert!(
            note.starts_with("page 4 without text not read by OCR: reading it took longer"),
            "{note}"
        );
    }

    #[test]
    fn ocr_past_a_files_time_limit_or_page_count_is_stopped() {
        let (_folder, joined, bytes) = text_then_scan();
        let out_of_time = Extractor {
            ocr: PageOcr {
                time_limit: Duration::from_millis(1),
                ..PDFTOTEXT.ocr
            },
            ..PDFTOTEXT
        };
        assert_eq!(
            read_sample_with(&out_of_time, "c02-22.pdf"),
            Err(SkipReason::TimedOut {
                limit: Duration::from_millis(1)
            })
        );
        let extracted = installed(read_with(&out_of_time, &joined, &bytes)).expect("reads");
        assert!(extracted.ocr_pages.is_empty());
        assert_eq!(
            extracted.note.as_deref(),
            Some(
                "page 4 without text not read by OCR: OCR took 1 s over this file, its time limit"
            )
        );

        let none = Extractor {
            ocr: PageOcr {
                max_pages: 0,
                ..PDFTOTEXT.ocr
            },
            ..PDFTOTEXT
        };
        assert_eq!(
            read_sample_with(&none, "c02-22.pdf"),
            Err(SkipReason::NoText)
        );
        let extracted = installed(read_with(&none, &joined, &bytes)).expect("reads");
        assert_eq!(
            extracted.note.as_deref(),
            Some("page 4 without text not read by OCR: at most 0 pages of a file are read")
        );
    }

    #[test]
    fn a_pdf_of_blank_pages_has_no_text_even_by_ocr() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("blank.pdf");
        let bytes = b"%PDF-1.4\n\
            1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
            2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
            3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n\
            trailer << /Root 1 0 R >>\n%%EOF\n";
        std::fs::write(&path, bytes).expect("writes");
        assert_eq!(
            installed(read_with(&PDFTOTEXT, &path, bytes)),
            Err(SkipReason::NoText)
        );
    }

    #[test]
    fn unread_pages_are_listed_briefly() {
        assert_eq!(page_list(&[3]), "page 3");
        assert_eq!(page_list(&[3, 5]), "pages 3 and 5");
        assert_eq!(page_list(&[1, 2, 3, 4, 5]), "pages 1, 2, 3, 4 and 5");
        assert_eq!(page_list(&[1, 2, 3, 4, 5, 9]), "6 pages (1, 2, 3, 4, 5, …)");
    }

    #[test]
    fn bad_page_labels_do_not_move_page_one() {
        let extracted = read_sample("bad-PageLabels.pdf").expect("reads");
        assert!(pages(&extracted)[0].contains("PDF document with bad Page Labels"));
    }

    #[test]
    fn a_run_past_the_time_limit_is_stopped() {
        let hurried = Extractor {
            time_limit: Duration::from_millis(1),
            ..PDFTOTEXT
        };
        let started = Instant::now();
        assert_eq!(
            read_sample_with(&hurried, "GeoTopo-komprimiert.pdf"),
            Err(SkipReason::TimedOut {
                limit: Duration::from_millis(1)
            })
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "killed, not waited for"
        );
    }

    #[test]
    fn text_past_the_cap_keeps_the_whole_pages_before_it() {
        let whole = read_sample("GeoTopo-komprimiert.pdf").expect("reads");
        let capped = Extractor {
            max_text_bytes: 20_000,
            ..PDFTOTEXT
        };
        let cut = read_sample_with(&capped, "GeoTopo-komprimiert.pdf").expect("reads");
        assert!(cut.text.len() <= 20_000 && cut.text.ends_with('\x0c'));
        assert!(whole.text.starts_with(&cut.text));
        let pages = cut.page_starts.len() + 1;
        assert!(pages > 1 && pages < 117);
        let note = cut.note.expect("a note says the text was cut");
        assert!(note.starts_with(&format!("only its first {pages} pages are indexed")));
    }

    #[test]
    fn a_missing_pdftotext_says_which_package_to_install() {
        let absent = Extractor {
            program: "dossier-test-no-such-program",
            ..PDFTOTEXT
        };
        let path = formats_dir().join("multicolumn.pdf");
        let bytes = std::fs::read(&path).expect("reads");
        assert_eq!(
            read_with(&absent, &path, &bytes),
            Err(SkipReason::ProgramMissing(MissingProgram::new(
                "pdftotext",
                "poppler-utils"
            )))
        );
    }
}
