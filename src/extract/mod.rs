//! Turning one file of the corpus into a document: its text (with its pages, where it has
//! them), title and date, or the reason it is not indexed.
//!
//! One reader per format, each in its own file; [`Format::of`] says which formats dossier
//! reads, by the file's name, and [`read`] sends a file to its reader. Plain text is kept
//! as it stands (see [`text`]); every other format's text is what its reader extracted, and
//! offsets are offsets into that text. Why a file is not indexed is a [`SkipReason`], whose
//! wording is what the reporter reads.
//!
//! Every format but plain text is read in a worker process, with a time and a memory limit
//! per file (see [`worker`]): a reader that hangs, runs out of memory or crashes costs that
//! file alone.
//!
//! This folder knows nothing of the index: it turns bytes into text.

pub mod archive;
pub mod doc;
pub mod email;
pub mod embedded;
pub mod html;
pub mod ocr;
pub mod office;
pub mod outlook;
pub mod pdf;
pub mod pdf_furniture;
pub mod pdf_labels;
mod program;
pub mod rtf;
pub mod sheet;
pub mod text;
pub mod worker;

use std::fmt;
use std::path::Path;
use std::time::Duration;

use encoding_rs::Encoding;
use serde::{Deserialize, Serialize};

pub use text::decode;

/// The kinds of document dossier reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `.txt`, `.md`, and tables as text: `.csv` (not `.tsv`: `metadata.tsv` gives dates).
    Text,
    /// `.pdf`, paged.
    Pdf,
    /// `.html`, `.htm`, `.xhtml`.
    Html,
    /// `.eml`: one e-mail message.
    Email,
    /// `.mbox`: e-mail messages, each a document of its own.
    Mailbox,
    /// `.zip`: files, each a document of its own.
    Archive,
    /// `.msg`: an Outlook message, read as an e-mail (its documents say `email`).
    OutlookMessage,
    /// `.rtf`.
    Rtf,
    /// `.doc`: Word 97 to 2003.
    Doc,
    /// `.xlsx`, `.xlsm`, `.xls`, `.ods`.
    Spreadsheet,
    /// `.docx`.
    Docx,
    /// `.odt`.
    Odt,
    /// `.epub`.
    Epub,
    /// `.png`, `.jpg`, `.jpeg`, `.tif`, `.tiff`: read by OCR.
    Image,
}

/// Every format, in the order `--help` lists them.
const ALL: [Format; 14] = [
    Format::Text,
    Format::Pdf,
    Format::Html,
    Format::Email,
    Format::Mailbox,
    Format::Archive,
    Format::OutlookMessage,
    Format::Rtf,
    Format::Doc,
    Format::Spreadsheet,
    Format::Docx,
    Format::Odt,
    Format::Epub,
    Format::Image,
];

impl Format {
    /// The format of a file, by its extension; `None` for files dossier does not read.
    pub fn of(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "txt" | "md" | "csv" => Some(Format::Text),
            "pdf" => Some(Format::Pdf),
            "png" | "jpg" | "jpeg" | "tif" | "tiff" => Some(Format::Image),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "eml" => Some(Format::Email),
            "mbox" => Some(Format::Mailbox),
            "zip" => Some(Format::Archive),
            "msg" => Some(Format::OutlookMessage),
            "rtf" => Some(Format::Rtf),
            "doc" => Some(Format::Doc),
            "xlsx" | "xlsm" | "xls" | "ods" => Some(Format::Spreadsheet),
            "docx" => Some(Format::Docx),
            "odt" => Some(Format::Odt),
            "epub" => Some(Format::Epub),
            _ => None,
        }
    }

    /// The format a user names: by [`Format::name`] or by an extension it reads (`eml`).
    pub fn named(name: &str) -> Option<Format> {
        let name = name.trim().to_ascii_lowercase();
        ALL.into_iter()
            .find(|format| format.name() == name)
            .or_else(|| Format::of(Path::new(&format!("file.{name}"))))
    }

    /// Every name [`Format::named`] knows (each format's, not its extensions), for a
    /// message that lists them.
    pub fn names() -> String {
        ALL.map(Format::name).join(", ")
    }

    /// The format of the documents read from a file of this format: a mailbox's messages
    /// and an Outlook message are e-mails.
    pub fn of_documents(self) -> Format {
        match self {
            Format::Mailbox | Format::OutlookMessage => Format::Email,
            format => format,
        }
    }

    /// Whether its documents have pages, even when they have one (and so no page starts).
    pub fn has_pages(self) -> bool {
        matches!(self, Format::Pdf)
    }

    /// The name `--type` and the JSON output use.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Email => "email",
            Format::Mailbox => "mbox",
            Format::Archive => "zip",
            Format::OutlookMessage => "msg",
            Format::Rtf => "rtf",
            Format::Doc => "doc",
            Format::Spreadsheet => "spreadsheet",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Epub => "epub",
            Format::Image => "image",
        }
    }
}

/// How files are read, as the user chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadSettings {
    /// The languages OCR reads: Tesseract's codes joined by `+` (`eng+deu`).
    pub ocr_languages: String,
}

impl Default for ReadSettings {
    fn default() -> ReadSettings {
        ReadSettings {
            ocr_languages: ocr::DEFAULT_LANGUAGES.to_string(),
        }
    }
}

impl ReadSettings {
    /// Settings with OCR in `languages`, if they are Tesseract language codes joined by
    /// `+`; else what is wrong with them.
    pub fn with_ocr_languages(languages: &str) -> Result<ReadSettings, String> {
        let valid = !languages.is_empty()
            && languages.split('+').all(|code| {
                !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
        if !valid {
            return Err(format!(
                "--ocr-lang {languages}: not Tesseract language codes joined by + \
                 (eng, deu, eng+fra; `tesseract --list-langs` lists those installed)"
            ));
        }
        Ok(ReadSettings {
            ocr_languages: languages.to_string(),
        })
    }
}

/// Reads the file at `path`, whose bytes are `bytes`, as a document of `format`. The
/// documents inside it are left in [`Extracted::embedded`], unread (see [`embedded`]).
pub fn read(format: Format, path: &Path, bytes: Vec<u8>) -> Result<Extracted, SkipReason> {
    let settings = ReadSettings::default();
    read_within(format, path, bytes, embedded::MAX_UNPACKED_BYTES, &settings)
}

/// [`read`] with `settings`, unpacking at most `limit` bytes from an archive.
fn read_within(
    format: Format,
    path: &Path,
    bytes: Vec<u8>,
    limit: u64,
    settings: &ReadSettings,
) -> Result<Extracted, SkipReason> {
    let languages = settings.ocr_languages.as_str();
    match format {
        Format::Text => text::read(bytes),
        Format::Pdf => pdf::read_in(path, &bytes, languages),
        Format::Html => html::read(&bytes),
        Format::Email => email::read(&bytes),
        Format::Mailbox => email::read_mailbox(&bytes),
        Format::Archive => archive::read(&bytes, limit),
        Format::OutlookMessage => outlook::read(&bytes),
        Format::Rtf => rtf::read(&bytes),
        Format::Doc => doc::read(path, &bytes),
        Format::Spreadsheet => sheet::read(&bytes),
        Format::Docx => office::read_docx(&bytes),
        Format::Odt => office::read_odt(&bytes),
        Format::Epub => office::read_epub(&bytes),
        Format::Image => ocr::read_in(path, &bytes, languages),
    }
}

/// Files larger than this are skipped: they are dumps or logs, not documents to read.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Titles longer than this are cut (at a character boundary): a title is for a result list.
const MAX_TITLE_CHARS: usize = 200;

/// Why a file of the corpus is not indexed. Its `Display` is the reason shown to the reporter
/// (and remembered in `skipped.json`), so it says what the file is and what to do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SkipReason {
    /// Protected by a password dossier does not have.
    #[error("encrypted (needs a password); save an unprotected copy to index it")]
    Encrypted,
    /// Not a readable file of its format; what its reader said.
    #[error("damaged {format} file: {detail}")]
    Damaged {
        format: &'static str,
        detail: String,
    },
    /// Its reader took longer than the time allowed for one file.
    #[error(
        "reading it took longer than {}; it was stopped (a damaged or hostile file?)",
        in_words(*.limit)
    )]
    TimedOut { limit: Duration },
    /// A document inside a file, not read (or not to its end) because reading the file took
    /// all the time one file may take, the documents inside it included (see
    /// [`worker::FILE_TIME_LIMIT`]); those read before it are kept.
    #[error(
        "its file took longer than {} to read, the most one file may take with the documents \
         inside it; the documents read before are indexed (split the file to index the rest)",
        in_words(*.limit)
    )]
    FileTimedOut { limit: Duration },
    /// Its reader wanted more memory than one file may take (see [`worker`]).
    #[error(
        "reading it ran out of memory (limit {limit_mib} MiB); it was stopped \
         (a damaged or hostile file?)"
    )]
    OutOfMemory { limit_mib: u64 },
    /// The process that read it died (see [`worker`]): `how`.
    #[error("its reader crashed ({how}); a damaged or hostile file?")]
    ReaderCrashed { how: String },
    /// The program that reads this format is not installed.
    #[error("{0}")]
    ProgramMissing(MissingProgram),
    /// A file of a known format with no text in it: none of its own, and none that OCR read
    /// in its images (for the formats whose images are read).
    #[error("no text in it (a scan or images only?)")]
    NoText,
    /// It starts with the signature of a known binary format; `kind` names the format.
    #[error(
        "binary file: {kind}, not text (name it as what it is, .pdf, .png, .docx, to have it \
         read as one, or save its text as a .txt file)"
    )]
    Binary { kind: &'static str },
    #[error(
        "binary file: it has NUL bytes, so it is not text \
         (or it is UTF-16 without a byte-order mark)"
    )]
    NulBytes,
    #[error("empty file")]
    Empty,
    #[error("nothing but white space")]
    BlankOnly,
    /// Inside more containers than [`embedded::MAX_NESTING`].
    #[error("nested more than {levels} archives or messages deep; not read (a hostile archive?)")]
    TooDeep { levels: usize },
    /// An archive that unpacks to more than its file may (see [`embedded`]).
    #[error(
        "unpacks to more than {limit_mib} MiB with the rest of its file; not read \
         (a ZIP bomb? unpack it to index what it holds)"
    )]
    UnpacksTooLarge { limit_mib: u64 },
    /// Larger than [`MAX_FILE_BYTES`].
    #[error("larger than {} MiB; split it to index it", MAX_FILE_BYTES / (1024 * 1024))]
    TooLarge,
    /// It was listed, then gone when it was to be read.
    #[error("it vanished after the corpus was listed (deleted or moved during indexing)")]
    Vanished,
    /// It could not be read; the text of the system's error.
    #[error("{0}")]
    Unreadable(String),
    /// Reading it failed for a reason of the machine's, not the file's: a process or a
    /// program that could not be started, a copy that could not be made, an error reading
    /// it from its disk; the text of the error. Reading it again may work.
    #[error("{0}")]
    SystemFailed(String),
    /// A reason given by the worker process that read it (see [`worker`]), in its words:
    /// a reason crosses between processes as the text the reporter reads, and its cause.
    #[error("{text}")]
    Reported { text: String, cause: Cause },
}

/// Whose a reason not to index a file is: the file's, or the machine's, on which reading
/// the file as it is again may work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cause {
    /// The file's (damaged, encrypted, empty, …), or a program to install.
    #[default]
    File,
    /// The machine's: see [`SkipReason::SystemFailed`].
    Machine,
    /// A time limit: a file made to hang, or a machine under load.
    TimeLimit,
}

/// A time limit as a reason says it: `120 s`, `5 ms` under a second, `60 min` in whole
/// minutes from ten minutes on.
fn in_words(limit: Duration) -> String {
    let seconds = limit.as_secs_f64().ceil() as u64;
    if limit < Duration::from_secs(1) {
        format!("{} ms", limit.as_millis())
    } else if seconds >= 600 && seconds.is_multiple_of(60) {
        format!("{} min", seconds / 60)
    } else {
        format!("{seconds} s")
    }
}

/// An external program a reader needs, and the Debian package that provides it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MissingProgram {
    pub program: String,
    pub package: String,
}

impl MissingProgram {
    pub fn new(program: &str, package: &str) -> MissingProgram {
        MissingProgram {
            program: program.to_string(),
            package: package.to_string(),
        }
    }
}

impl fmt::Display for MissingProgram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not installed (Debian and Ubuntu: apt-get install {})",
            self.program, self.package
        )
    }
}

impl SkipReason {
    /// Whose the reason is.
    pub fn cause(&self) -> Cause {
        match self {
            SkipReason::SystemFailed(_) => Cause::Machine,
            SkipReason::TimedOut { .. } | SkipReason::FileTimedOut { .. } => Cause::TimeLimit,
            SkipReason::Reported { cause, .. } => *cause,
            _ => Cause::File,
        }
    }

    /// The program whose absence this is, if that is why.
    pub fn missing_program(&self) -> Option<&MissingProgram> {
        match self {
            SkipReason::ProgramMissing(missing) => Some(missing),
            _ => None,
        }
    }
}

/// A reason as it crosses between processes: the text the reporter reads and its cause,
/// except for a missing program, which a run reports once for all the files it kept from
/// being read.
#[derive(Serialize, Deserialize)]
enum CarriedReason {
    ProgramMissing(MissingProgram),
    Text { text: String, cause: Cause },
}

impl Serialize for SkipReason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            SkipReason::ProgramMissing(missing) => {
                CarriedReason::ProgramMissing(missing.clone()).serialize(serializer)
            }
            other => CarriedReason::Text {
                text: other.to_string(),
                cause: other.cause(),
            }
            .serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for SkipReason {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match CarriedReason::deserialize(deserializer)? {
            CarriedReason::ProgramMissing(missing) => SkipReason::ProgramMissing(missing),
            CarriedReason::Text { text, cause } => SkipReason::Reported { text, cause },
        })
    }
}

/// The index names an encoding this build does not know, so a file cannot be decoded as it
/// was at indexing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown encoding {name:?} in the index")]
pub struct UnknownEncoding {
    pub name: String,
}

/// A file's content as dossier indexes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extracted {
    /// The kind of document it was read as.
    pub format: Format,
    pub title: String,
    /// The text: exactly the file's bytes when `encoding` is `None`, else decoded from it.
    pub text: String,
    /// The encoding the text was decoded from; `None` when the file is UTF-8 as it stands.
    #[serde(with = "encoding_name")]
    pub encoding: Option<&'static Encoding>,
    /// What a reader should know about how the text was read: a detected encoding, or
    /// bytes that were replaced.
    pub note: Option<String>,
    /// Byte offsets in `text` where pages 2, 3, … start (page 1 starts at 0); empty for a
    /// document without pages.
    pub page_starts: Vec<usize>,
    /// The date the document gives itself (a PDF's creation date, an e-mail's Date), in
    /// seconds since the Unix epoch, if it gives one.
    pub date: Option<i64>,
    /// The pages (1-based; page 1 for a document without pages) whose text was read from
    /// an image by OCR: a reading, not the document's own text.
    pub ocr_pages: Vec<usize>,
    /// The printed label of each page, where the document labels its pages otherwise than
    /// by counting them (see [`pdf_labels`]); empty if not.
    pub page_labels: Vec<String>,
    /// The documents inside it (messages, attachments, files of an archive), not read yet.
    #[serde(skip)]
    pub embedded: Vec<embedded::Embedded>,
    /// An e-mail's headers, as searchable fields.
    pub mail: Option<MailHeaders>,
}

/// The headers of an e-mail that `from:`, `to:` and `subject:` search, as the message
/// writes them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MailHeaders {
    pub from: String,
    /// Its To and Cc.
    pub to: String,
    pub subject: String,
}

impl Extracted {
    /// An empty document of `format`, for readers to fill in.
    pub fn new(format: Format) -> Extracted {
        Extracted {
            format,
            title: String::new(),
            text: String::new(),
            encoding: None,
            note: None,
            page_starts: Vec::new(),
            date: None,
            ocr_pages: Vec::new(),
            page_labels: Vec::new(),
            embedded: Vec::new(),
            mail: None,
        }
    }
}

/// An encoding by its name, between processes.
mod encoding_name {
    use encoding_rs::Encoding;
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(
        encoding: &Option<&'static Encoding>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        encoding.map(Encoding::name).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<&'static Encoding>, D::Error> {
        let name = Option::<String>::deserialize(deserializer)?;
        name.map(|name| {
            Encoding::for_label(name.as_bytes())
                .ok_or_else(|| D::Error::custom(format!("unknown encoding {name:?}")))
        })
        .transpose()
    }
}

/// The first line with something on it, trimmed; a lone CR ends a line too, as line
/// numbers count it.
pub fn title_of(text: &str) -> String {
    let line = text
        .split(['\n', '\r'])
        .map(|line| line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
        .find(|line| !line.is_empty())
        .unwrap_or("");
    // A Markdown heading's marks (`# `, `## `, and any closing `#`s) are not its title's.
    let heading = line.trim_start_matches('#');
    let marks = line.len() - heading.len();
    let line = match heading.strip_prefix(' ').map(str::trim) {
        Some(title) if (1..=6).contains(&marks) && !title.is_empty() => {
            let open = title.trim_end_matches('#');
            if open.ends_with(' ') {
                open.trim_end()
            } else {
                title
            }
        }
        _ => line,
    };
    line.chars().take(MAX_TITLE_CHARS).collect()
}

/// Where the readers' unit tests find real documents: the shared test data
/// (`shared/data/formats`), which sits beside the repository.
#[cfg(test)]
pub(crate) mod test_files {
    use std::path::{Path, PathBuf};

    pub fn formats_dir() -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/formats");
        assert!(
            dir.join("expected.tsv").is_file(),
            "the format test files are missing: shared/data/formats must sit beside the \
             repository"
        );
        dir
    }

    /// `text` with every run of white space made one space.
    pub fn collapsed(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}
