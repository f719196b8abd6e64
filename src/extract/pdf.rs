//! PDF, read by poppler's `pdftotext` run as a separate program, with its title and date
//! from poppler's `pdfinfo`.
//!
//! A separate program keeps a damaged or hostile file from taking dossier down with it: it
//! gets a time limit and a cap on the text it may write, and is killed past either. Its
//! default reading order is kept (not `-layout`): two-column pages then read column by
//! column, so sentences stay whole. The text is exactly what `pdftotext` wrote, in which a
//! form feed ends each page; the page starts are the offsets just after those form feeds.
//! A PDF with no text at all (a scan) is skipped: reading images is OCR's job.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::Duration;

use chrono::NaiveDateTime;
use wait_timeout::ChildExt;

use super::{Extracted, Format, SkipReason, title_of};

/// How long `pdftotext` (and then `pdfinfo`) may take over one file.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The most text kept from one PDF; past it, only the pages that came before are indexed.
/// Thousands of pages of books fit many times over; a file that writes more is a trap.
const MAX_TEXT_BYTES: usize = 256 * 1024 * 1024;

/// How much of a program's error output is kept, to say what went wrong.
const MAX_STDERR_BYTES: usize = 64 * 1024;

/// A PDF's header may follow some junk, within this many bytes (as poppler allows).
const HEADER_WINDOW: usize = 1024;

/// The longest reason quoted from `pdftotext`'s error output.
const MAX_DETAIL_CHARS: usize = 200;

/// The program the reasons name (a test runs a missing one in its place).
const PROGRAM: &str = "pdftotext";

/// The program that extracts the text, and the limits it runs under.
struct Extractor<'a> {
    program: &'a str,
    time_limit: Duration,
    max_text_bytes: usize,
}

const PDFTOTEXT: Extractor<'static> = Extractor {
    program: PROGRAM,
    time_limit: TIME_LIMIT,
    max_text_bytes: MAX_TEXT_BYTES,
};

/// The text of the PDF at `path` (whose bytes are `bytes`), page by page.
pub fn read(path: &Path, bytes: &[u8]) -> Result<Extracted, SkipReason> {
    read_with(&PDFTOTEXT, path, bytes)
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
    let argument = program_argument(path);
    let ran = run(
        Command::new(extractor.program)
            .args(["-enc", "UTF-8"])
            .arg(&argument)
            .arg("-"),
        extractor.time_limit,
        extractor.max_text_bytes,
    )
    .map_err(RunFailure::into_skip_reason)?;

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
            &argument,
            path,
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
    if text.chars().all(char::is_whitespace) {
        return Err(SkipReason::NoText);
    }

    let info = document_info(&argument, extractor.time_limit);
    let mut extracted = Extracted::new(Format::Pdf);
    extracted.title = info
        .title
        .map(|title| title_of(&title))
        .filter(|title| !title.is_empty())
        .unwrap_or_else(|| title_of(&text));
    extracted.date = info.date;
    extracted.page_starts = page_starts(&text);
    extracted.note = note;
    extracted.text = text;
    Ok(extracted)
}

fn damaged(detail: &str) -> SkipReason {
    SkipReason::Damaged {
        format: "PDF",
        detail: detail.to_string(),
    }
}

/// The path as an argument: a relative path starting with `-` would read as an option.
fn program_argument(path: &Path) -> PathBuf {
    if path.is_relative() {
        Path::new(".").join(path)
    } else {
        path.to_path_buf()
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
    let ran = run(
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

/// The one line of a failed run's error output that says most: its last error, with the
/// path replaced by the file's name (the reason is kept in the index and shown elsewhere).
fn failure_detail(status: &ExitStatus, stderr: &str, argument: &Path, path: &Path) -> String {
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
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    let line = line.replace(argument.to_string_lossy().as_ref(), &name);
    // "Syntax Error: Couldn't read xref table": the category is poppler's, not the reader's.
    let message = line
        .split_once("Error: ")
        .map_or(line.as_str(), |(_, message)| message);
    let message: String = message
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_DETAIL_CHARS)
        .collect();
    format!("{PROGRAM}: {message}")
}

/// A program's run to its end.
struct Ran {
    status: ExitStatus,
    /// At most the cap it was given.
    stdout: Vec<u8>,
    /// The program wrote more than the cap; its output was closed, which stops it.
    stdout_cut: bool,
    /// What it wrote on its error output (the start of it), lossily decoded.
    stderr: String,
}

/// Why a program gave nothing.
enum RunFailure {
    NotInstalled,
    TimedOut(Duration),
    Io(io::Error),
}

impl RunFailure {
    fn into_skip_reason(self) -> SkipReason {
        match self {
            RunFailure::NotInstalled => SkipReason::ProgramMissing {
                program: PROGRAM,
                package: "poppler-utils",
            },
            RunFailure::TimedOut(limit) => SkipReason::TimedOut {
                seconds: limit.as_secs_f64().ceil() as u64,
            },
            RunFailure::Io(error) => {
                SkipReason::Unreadable(format!("could not run {PROGRAM}: {error}"))
            }
        }
    }
}

/// Runs `command` for at most `time_limit`, keeping at most `max_stdout` bytes of its output.
/// Both outputs are read on their own threads as the program writes, so neither pipe fills
/// up and blocks it.
fn run(command: &mut Command, time_limit: Duration, max_stdout: usize) -> Result<Ran, RunFailure> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| match error.kind() {
            io::ErrorKind::NotFound => RunFailure::NotInstalled,
            _ => RunFailure::Io(error),
        })?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(RunFailure::Io(io::Error::other("no pipe to the program")));
    };
    let stdout = thread::spawn(move || read_capped(stdout, max_stdout));
    let stderr = thread::spawn(move || read_draining(stderr, MAX_STDERR_BYTES));

    let waited = child.wait_timeout(time_limit);
    let status = match waited {
        Ok(Some(status)) => Ok(status),
        Ok(None) => Err(RunFailure::TimedOut(time_limit)),
        Err(error) => Err(RunFailure::Io(error)),
    };
    if status.is_err() {
        // Killed, its pipes close and the threads finish.
        let _ = child.kill();
        let _ = child.wait();
    }
    let stdout = stdout.join();
    let stderr = stderr.join();
    let status = status?;
    let (stdout, stdout_cut) = match stdout {
        Ok(Ok(read)) => read,
        Ok(Err(error)) => return Err(RunFailure::Io(error)),
        Err(_) => {
            return Err(RunFailure::Io(io::Error::other(
                "reading its output failed",
            )));
        }
    };
    let stderr = match stderr {
        Ok(Ok(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => String::new(),
    };
    Ok(Ran {
        status,
        stdout,
        stdout_cut,
        stderr,
    })
}

/// Up to `cap` bytes, and whether there were more. The pipe closes when this returns, so a
/// program with more to write gets a broken pipe and stops.
fn read_capped(from: impl Read, cap: usize) -> io::Result<(Vec<u8>, bool)> {
    let mut bytes = Vec::new();
    from.take(cap as u64 + 1).read_to_end(&mut bytes)?;
    let cut = bytes.len() > cap;
    bytes.truncate(cap);
    Ok((bytes, cut))
}

/// Up to `cap` bytes; the rest is read and dropped, so that a program that only complains
/// a lot is not stopped for it.
fn read_draining(mut from: impl Read, cap: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    (&mut from).take(cap as u64).read_to_end(&mut bytes)?;
    io::copy(&mut from, &mut io::sink())?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::time::Instant;

    use super::*;

    fn formats_dir() -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/formats");
        assert!(
            dir.join("expected.tsv").is_file(),
            "the format test files are missing: shared/data/formats must sit beside the \
             repository"
        );
        dir
    }

    /// Reads a test file with `extractor`; fails, rather than skip, without pdftotext.
    fn read_sample_with(extractor: &Extractor, name: &str) -> Result<Extracted, SkipReason> {
        let path = formats_dir().join(name);
        let bytes = std::fs::read(&path).expect("a test file reads");
        installed(read_with(extractor, &path, &bytes))
    }

    /// `result`, unless pdftotext is missing: then the test fails and says what to install.
    fn installed(result: Result<Extracted, SkipReason>) -> Result<Extracted, SkipReason> {
        if let Err(SkipReason::ProgramMissing { .. }) = result {
            panic!(
                "pdftotext is not installed, so the PDF reader cannot be tested: install \
                 poppler-utils (Debian and Ubuntu: apt-get install poppler-utils)"
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
    fn a_scan_without_a_text_layer_has_no_text() {
        assert_eq!(read_sample("c02-22.pdf"), Err(SkipReason::NoText));
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
            Err(SkipReason::TimedOut { seconds: 1 })
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
            Err(SkipReason::ProgramMissing {
                program: "pdftotext",
                package: "poppler-utils"
            })
        );
    }
}
