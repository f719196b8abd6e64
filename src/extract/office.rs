//! Office documents and e-books: DOCX, ODT and EPUB, each a ZIP archive of XML parts.
//!
//! - DOCX: the main document's paragraphs as lines (tabs and breaks kept), then its
//!   footnotes, endnotes, comments, and headers and footers, each section after a line
//!   `--- footnotes ---` (and so on); title and creation date from `docProps/core.xml`.
//! - ODT: `content.xml` the same way (notes and comments moved out of the sentences they
//!   are anchored in, to their own sections), the headers and footers of `styles.xml`,
//!   title and creation date from `meta.xml`.
//! - EPUB: the chapters of the spine, in reading order, each through the HTML reader's
//!   [`visible_text`], set apart by blank lines; the package's `dc:title` and `dc:date`.
//!
//! Archives are hostile input: at most [`MAX_UNPACKED_BYTES`] are unpacked from one file
//! (each entry's declared size is checked before it is read, and the reading stops there
//! whatever it declared), archives of more than [`MAX_ENTRIES`] entries are refused, at
//! most [`MAX_PARTS`] parts are read, and the XML is read as a stream, without recursion.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use encoding_rs::{Encoding, UTF_8};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;
use zip::result::ZipError;

use super::html::{self, visible_text};
use super::{Extracted, Format, SkipReason, title_of};

/// The most bytes unpacked from one archive, all its parts together.
const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;

/// Archives listing more entries than this are refused: no document has that many parts.
const MAX_ENTRIES: usize = 100_000;

/// The most parts read from one archive (chapters, headers…).
const MAX_PARTS: usize = 10_000;

/// The signature of an OLE2 compound file: old Office files, and encrypted new ones.
const OLE_SIGNATURE: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";

/// A Word document's text.
pub fn read_docx(bytes: &[u8]) -> Result<Extracted, SkipReason> {
    read_docx_within(bytes, MAX_UNPACKED_BYTES)
}

/// An OpenDocument text's text.
pub fn read_odt(bytes: &[u8]) -> Result<Extracted, SkipReason> {
    read_odt_within(bytes, MAX_UNPACKED_BYTES)
}

/// An e-book's text, in reading order.
pub fn read_epub(bytes: &[u8]) -> Result<Extracted, SkipReason> {
    read_epub_within(bytes, MAX_UNPACKED_BYTES)
}

fn read_docx_within(bytes: &[u8], limit: u64) -> Result<Extracted, SkipReason> {
    let mut archive = Archive::open(bytes, "DOCX", limit)?;
    let package = archive.relationships("_rels/.rels", "")?;
    let main = package
        .target("officeDocument")
        .unwrap_or("word/document.xml")
        .to_string();
    let core = package
        .target("core-properties")
        .unwrap_or("docProps/core.xml")
        .to_string();
    let Some(document) = archive.read_xml(&main)? else {
        return Err(archive.damaged(format!("no {main}: not a Word document")));
    };
    let mut text = word_text(&document).map_err(|e| archive.damaged(format!("{main}: {e}")))?;

    let (folder, file) = main.rsplit_once('/').unwrap_or(("", main.as_str()));
    let parts = archive.relationships(&format!("{folder}/_rels/{file}.rels"), folder)?;
    for (kind, label, fallback) in [
        ("footnotes", "footnotes", "word/footnotes.xml"),
        ("endnotes", "endnotes", "word/endnotes.xml"),
        ("comments", "comments", "word/comments.xml"),
    ] {
        let targets = if parts.is_empty() {
            vec![fallback.to_string()]
        } else {
            parts.targets(kind)
        };
        let mut section = String::new();
        for target in targets {
            if let Some(xml) = archive.read_xml(&target)? {
                let part =
                    word_text(&xml).map_err(|e| archive.damaged(format!("{target}: {e}")))?;
                push_lines(&mut section, &part);
            }
        }
        add_section(&mut text, label, &section);
    }
    let mut seen = HashSet::new();
    let mut section = String::new();
    for target in parts
        .targets("header")
        .into_iter()
        .chain(parts.targets("footer"))
    {
        if let Some(xml) = archive.read_xml(&target)? {
            let part = word_text(&xml).map_err(|e| archive.damaged(format!("{target}: {e}")))?;
            if seen.insert(part.trim().to_string()) {
                push_lines(&mut section, &part);
            }
        }
    }
    add_section(&mut text, "headers and footers", &section);

    let (title, date) = match archive.read_xml(&core)? {
        Some(xml) => {
            let fields = xml_fields(&xml, &["title", "created"])
                .map_err(|e| archive.damaged(format!("{core}: {e}")))?;
            (fields[0].clone(), fields[1].as_deref().and_then(parse_date))
        }
        None => (None, None),
    };
    finish(Format::Docx, text, title, date, None)
}

fn read_odt_within(bytes: &[u8], limit: u64) -> Result<Extracted, SkipReason> {
    let mut archive = Archive::open(bytes, "ODT", limit)?;
    if archive
        .read_xml("META-INF/manifest.xml")?
        .is_some_and(|manifest| manifest.contains("encryption-data"))
    {
        return Err(SkipReason::Encrypted);
    }
    let Some(content) = archive.read_xml("content.xml")? else {
        return Err(archive.damaged("no content.xml: not an OpenDocument file".to_string()));
    };
    let content =
        odf_text(&content, false).map_err(|e| archive.damaged(format!("content.xml: {e}")))?;
    let mut text = content.body;
    add_section(&mut text, "footnotes", &content.footnotes);
    add_section(&mut text, "endnotes", &content.endnotes);
    add_section(&mut text, "comments", &content.comments);
    if let Some(styles) = archive.read_xml("styles.xml")? {
        let styles =
            odf_text(&styles, true).map_err(|e| archive.damaged(format!("styles.xml: {e}")))?;
        add_section(&mut text, "headers and footers", &styles.body);
    }
    let (title, date) = match archive.read_xml("meta.xml")? {
        Some(xml) => {
            let fields = xml_fields(&xml, &["title", "creation-date"])
                .map_err(|e| archive.damaged(format!("meta.xml: {e}")))?;
            (fields[0].clone(), fields[1].as_deref().and_then(parse_date))
        }
        None => (None, None),
    };
    finish(Format::Odt, text, title, date, None)
}

fn read_epub_within(bytes: &[u8], limit: u64) -> Result<Extracted, SkipReason> {
    let mut archive = Archive::open(bytes, "EPUB", limit)?;
    let package_path = match archive.read_xml("META-INF/container.xml")? {
        Some(container) => package_path(&container)
            .map_err(|e| archive.damaged(format!("META-INF/container.xml: {e}")))?,
        None => None,
    }
    .or_else(|| archive.first_name_ending(".opf"));
    let Some(package_path) = package_path else {
        return Err(archive.damaged(
            "no package document (META-INF/container.xml names none): not an e-book".to_string(),
        ));
    };
    let Some(package) = archive.read_xml(&package_path)? else {
        return Err(archive.damaged(format!("its package document {package_path} is missing")));
    };
    let package =
        Package::parse(&package).map_err(|e| archive.damaged(format!("{package_path}: {e}")))?;
    let encrypted = match archive.read_xml("META-INF/encryption.xml")? {
        Some(xml) => encrypted_paths(&xml)
            .map_err(|e| archive.damaged(format!("META-INF/encryption.xml: {e}")))?,
        None => HashSet::new(),
    };

    let folder = package_path
        .rsplit_once('/')
        .map_or("", |(folder, _)| folder);
    let mut chapters = Vec::new();
    let mut first_title = None;
    let mut missing = 0usize;
    for href in package.reading_order().take(MAX_PARTS) {
        let path = resolve(folder, href);
        if encrypted.contains(&path) {
            return Err(SkipReason::Encrypted);
        }
        let Some(bytes) = archive.read(&path)? else {
            missing += 1;
            continue;
        };
        let (text, title) = visible_text(&html::decode(&bytes).text);
        if first_title.is_none() {
            first_title = title;
        }
        if !text.is_empty() {
            chapters.push(text);
        }
    }
    let note = (missing > 0).then(|| {
        format!(
            "{missing} chapter{} named in its package {} missing from the archive",
            if missing == 1 { "" } else { "s" },
            if missing == 1 { "is" } else { "are" }
        )
    });
    let title = package.title.or(first_title);
    let date = package.date.as_deref().and_then(parse_date);
    finish(Format::Epub, chapters.join("\n\n"), title, date, note)
}

/// The document, or `NoText` if it has none.
fn finish(
    format: Format,
    text: String,
    title: Option<String>,
    date: Option<i64>,
    note: Option<String>,
) -> Result<Extracted, SkipReason> {
    let text = text.trim_end().to_string();
    if text.trim().is_empty() {
        return Err(SkipReason::NoText);
    }
    let title = title
        .map(|title| title_of(&title))
        .filter(|title| !title.is_empty())
        .unwrap_or_else(|| title_of(&text));
    Ok(Extracted {
        title,
        text,
        note,
        date,
        ..Extracted::new(format)
    })
}

/// Appends a section (`--- footnotes ---` and its text) to a document's text, if it has
/// any text.
fn add_section(text: &mut String, label: &str, section: &str) {
    let section = section.trim();
    if section.is_empty() {
        return;
    }
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str("--- ");
    text.push_str(label);
    text.push_str(" ---\n");
    text.push_str(section);
}

/// Appends the text of one more part to a section, on lines of its own.
fn push_lines(section: &mut String, part: &str) {
    let part = part.trim();
    if part.is_empty() {
        return;
    }
    if !section.is_empty() {
        section.push('\n');
    }
    section.push_str(part);
}

/// A document's date (`2023-08-04T07:32:00Z`, `2023-10-03T21:38:00.12`, `2019-08-23`) in
/// seconds since the Unix epoch.
fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(date) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(date.timestamp());
    }
    if let Ok(date) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(date.and_utc().timestamp());
    }
    crate::text::dates::parse_date(text)
}

/// A ZIP archive being read, within its bounds.
pub(super) struct Archive<'a> {
    pub(super) zip: ZipArchive<Cursor<&'a [u8]>>,
    format: &'static str,
    /// The bytes that may still be unpacked.
    budget: u64,
    limit: u64,
    parts_read: usize,
}

impl<'a> Archive<'a> {
    pub(super) fn open(
        bytes: &'a [u8],
        format: &'static str,
        limit: u64,
    ) -> Result<Archive<'a>, SkipReason> {
        let damaged = |detail: String| SkipReason::Damaged { format, detail };
        if bytes.is_empty() {
            return Err(SkipReason::Empty);
        }
        if bytes.starts_with(OLE_SIGNATURE) {
            // An encrypted DOCX (or ODT saved by Office) is an OLE2 file with an
            // `EncryptionInfo` stream.
            let name: Vec<u8> = "EncryptionInfo"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect();
            if bytes.windows(name.len()).any(|window| window == name) {
                return Err(SkipReason::Encrypted);
            }
            return Err(damaged(
                "an old-style Office file (OLE2), not a ZIP archive; save it in the new format \
                 to index it"
                    .to_string(),
            ));
        }
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|error| {
            damaged(if !bytes.starts_with(b"PK") {
                "not a ZIP archive".to_string()
            } else if !has_end_of_central_directory(bytes) {
                "truncated ZIP (no central directory)".to_string()
            } else {
                format!("unreadable ZIP archive ({error})")
            })
        })?;
        if zip.len() > MAX_ENTRIES {
            return Err(damaged(format!(
                "its ZIP archive lists {} entries, more than the {MAX_ENTRIES} dossier reads",
                zip.len()
            )));
        }
        Ok(Archive {
            zip,
            format,
            budget: limit,
            limit,
            parts_read: 0,
        })
    }

    fn damaged(&self, detail: String) -> SkipReason {
        SkipReason::Damaged {
            format: self.format,
            detail,
        }
    }

    /// The first entry whose name ends with `suffix`.
    fn first_name_ending(&self, suffix: &str) -> Option<String> {
        self.zip
            .file_names_raw()
            .filter_map(|name| std::str::from_utf8(name).ok())
            .find(|name| name.ends_with(suffix))
            .map(str::to_string)
    }

    /// The unpacked bytes of entry `name`, or `None` if there is none.
    fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, SkipReason> {
        let Some(index) = self.zip.index_for_name_raw(name.as_bytes()) else {
            return Ok(None);
        };
        if self.parts_read >= MAX_PARTS {
            return Err(self.damaged(format!("more than {MAX_PARTS} parts to read")));
        }
        self.parts_read += 1;
        let format = self.format;
        let damaged = |detail: String| SkipReason::Damaged { format, detail };
        let (budget, limit) = (self.budget, self.limit);
        let too_large = |declared: Option<u64>| {
            damaged(match declared {
                Some(size) if size > limit => format!(
                    "{name} unpacks to {}; dossier unpacks at most {} of one file (a ZIP bomb?)",
                    size_text(size),
                    size_text(limit)
                ),
                _ => format!(
                    "its parts unpack to more than {}, the most dossier unpacks of one file \
                     (a ZIP bomb?)",
                    size_text(limit)
                ),
            })
        };
        let mut file = match self.zip.by_index(index) {
            Ok(file) => file,
            Err(ZipError::UnsupportedArchive(message))
                if message == ZipError::PASSWORD_REQUIRED =>
            {
                return Err(SkipReason::Encrypted);
            }
            Err(ZipError::CompressionMethodNotSupported(method)) => {
                return Err(damaged(format!(
                    "{name} is compressed with method {method}, which dossier does not read"
                )));
            }
            Err(error) => return Err(damaged(format!("{name}: {error}"))),
        };
        let declared = file.size();
        if declared > budget {
            return Err(too_large(Some(declared)));
        }
        let mut data = Vec::with_capacity(declared.min(budget) as usize);
        (&mut file)
            .take(budget + 1)
            .read_to_end(&mut data)
            .map_err(|error| damaged(format!("{name}: {error}")))?;
        // The reader stops at the declared size; this is in case it did not.
        if data.len() as u64 > budget {
            return Err(too_large(None));
        }
        self.budget -= data.len() as u64;
        Ok(Some(data))
    }

    /// Entry `name` as text (XML is UTF-8 or UTF-16 with a byte-order mark), or `None`.
    fn read_xml(&mut self, name: &str) -> Result<Option<String>, SkipReason> {
        Ok(self.read(name)?.map(|bytes| {
            let encoding = Encoding::for_bom(&bytes).map_or(UTF_8, |(encoding, _)| encoding);
            encoding.decode_with_bom_removal(&bytes).0.into_owned()
        }))
    }

    /// The relationships of the part whose relationships file is `path` (none if it has no
    /// such file), their targets resolved against `folder`.
    fn relationships(&mut self, path: &str, folder: &str) -> Result<Relationships, SkipReason> {
        let Some(xml) = self.read_xml(path)? else {
            return Ok(Relationships::default());
        };
        Relationships::parse(&xml, folder).map_err(|e| self.damaged(format!("{path}: {e}")))
    }
}

/// Whether a ZIP file has its end-of-central-directory record, in the last 64 KiB (its
/// comment's most) and 22 bytes.
fn has_end_of_central_directory(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(65_557)..];
    tail.windows(4).any(|window| window == b"PK\x05\x06")
}

/// `1.5 MiB`, `300 bytes`.
fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

/// A part's relationships (OPC `.rels`): (type's last segment, resolved target).
#[derive(Default)]
struct Relationships(Vec<(String, String)>);

impl Relationships {
    fn parse(xml: &str, folder: &str) -> Result<Relationships, String> {
        let mut reader = xml_reader(xml);
        let mut relationships = Vec::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e))
                    if e.local_name().as_ref() == "Relationship" =>
                {
                    if attribute(&e, "TargetMode").is_some_and(|m| m == "External") {
                        continue;
                    }
                    if let (Some(kind), Some(target)) =
                        (attribute(&e, "Type"), attribute(&e, "Target"))
                    {
                        let kind = kind.rsplit('/').next().unwrap_or("").to_string();
                        relationships.push((kind, resolve(folder, &target)));
                    }
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(error) => return Err(xml_problem(&reader, &error)),
            }
        }
        Ok(Relationships(relationships))
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn target(&self, kind: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, target)| target.as_str())
    }

    /// The targets of relationships of type `kind`, each once, in order.
    fn targets(&self, kind: &str) -> Vec<String> {
        let mut seen = HashSet::new();
        self.0
            .iter()
            .filter(|(k, target)| k == kind && seen.insert(target.as_str()))
            .map(|(_, target)| target.clone())
            .collect()
    }
}

/// The path in the archive of `href` (a relative URI, percent-encoded, perhaps with a
/// fragment), relative to `folder`; absolute if it starts with `/`.
fn resolve(folder: &str, href: &str) -> String {
    let href = href.split(['#', '?']).next().unwrap_or("");
    let href = percent_decoded(href);
    let mut segments: Vec<&str> = Vec::new();
    let relative = !href.starts_with('/');
    let base = if relative { folder } else { "" };
    for segment in base.split('/').chain(href.split('/')) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            segment => segments.push(segment),
        }
    }
    segments.join("/")
}

/// `%20` and the like decoded (as UTF-8, invalid sequences replaced).
fn percent_decoded(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A reader of an XML part that takes what it is given: mismatched end tags and stray `&`s
/// do not stop it.
fn xml_reader(xml: &str) -> Reader<&[u8]> {
    let mut reader = Reader::from_str(xml);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    reader
}

fn xml_problem(reader: &Reader<&[u8]>, error: &quick_xml::Error) -> String {
    format!("malformed XML at byte {}: {error}", reader.error_position())
}

/// The text an event stands for: text, CDATA, or a character or entity reference.
fn event_text<'e>(event: &'e Event) -> Option<Cow<'e, str>> {
    match event {
        Event::Text(text) => Some(text.xml10_content()),
        Event::CData(data) => Some(Cow::Borrowed(&**data)),
        Event::GeneralRef(reference) => Some(match reference.resolve_char_ref() {
            Ok(Some(c)) => Cow::Owned(c.to_string()),
            _ => match quick_xml::escape::resolve_predefined_entity(reference) {
                Some(text) => Cow::Borrowed(text),
                None => Cow::Owned(format!("&{};", &**reference)),
            },
        }),
        _ => None,
    }
}

/// The value of the attribute whose local name is `name`.
fn attribute(element: &BytesStart, name: &str) -> Option<String> {
    let mut attributes = element.attributes();
    attributes.with_checks(false);
    attributes
        .filter_map(Result::ok)
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(Cow::into_owned)
        })
}

/// The text of the first element named (by local name) each of `names`, trimmed; `None`
/// where there is none, or it is empty.
fn xml_fields(xml: &str, names: &[&str]) -> Result<Vec<Option<String>>, String> {
    let mut reader = xml_reader(xml);
    let mut fields: Vec<Option<String>> = vec![None; names.len()];
    let mut capturing: Option<(usize, String)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|error| xml_problem(&reader, &error))?;
        match &event {
            Event::Start(e) if capturing.is_none() => {
                let local = e.local_name();
                if let Some(i) = names.iter().position(|n| *n == local.as_ref())
                    && fields[i].is_none()
                {
                    capturing = Some((i, String::new()));
                }
            }
            Event::End(e) => {
                if let Some((i, text)) =
                    capturing.take_if(|(i, _)| e.local_name().as_ref() == names[*i])
                {
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    fields[i] = (!text.is_empty()).then_some(text);
                }
            }
            Event::Eof => break,
            _ => {
                if let (Some((_, text)), Some(part)) = (capturing.as_mut(), event_text(&event)) {
                    text.push_str(&part);
                }
            }
        }
    }
    Ok(fields)
}

/// The text of a WordprocessingML part (the document, its notes, comments, a header):
/// paragraphs as lines, tabs and breaks kept. Only text in text elements (`w:t`, and the
/// `m:t` and `a:t` of formulas and drawings) counts, so deleted text and field codes do
/// not; of the alternatives a writer gives for one piece of content (`mc:AlternateContent`),
/// the first is read.
fn word_text(xml: &str) -> Result<String, String> {
    let mut reader = xml_reader(xml);
    let mut out = String::new();
    let mut in_text = false;
    let mut run_depth = 0usize;
    let mut skip_depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|error| xml_problem(&reader, &error))?;
        match &event {
            Event::Start(e) => {
                if skip_depth > 0 {
                    skip_depth += 1;
                    continue;
                }
                let local = e.local_name();
                match local.as_ref() {
                    "Fallback" => skip_depth = 1,
                    "t" => in_text = true,
                    "r" => run_depth += 1,
                    name => word_mark(name, run_depth, &mut out),
                }
            }
            Event::Empty(e) => {
                if skip_depth == 0 {
                    let local = e.local_name();
                    match local.as_ref() {
                        "p" => out.push('\n'),
                        name => word_mark(name, run_depth, &mut out),
                    }
                }
            }
            Event::End(e) => {
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                match e.local_name().as_ref() {
                    "t" => in_text = false,
                    "r" => run_depth = run_depth.saturating_sub(1),
                    "p" => {
                        let trimmed = out.trim_end_matches(' ').len();
                        out.truncate(trimmed);
                        out.push('\n');
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {
                if in_text
                    && skip_depth == 0
                    && let Some(text) = event_text(&event)
                {
                    out.push_str(&text);
                }
            }
        }
    }
    Ok(out)
}

/// What a WordprocessingML element inside a run writes: a tab, a line break, a hyphen.
fn word_mark(name: &str, run_depth: usize, out: &mut String) {
    if run_depth == 0 {
        return;
    }
    match name {
        "tab" | "ptab" => out.push('\t'),
        "br" | "cr" => out.push('\n'),
        "noBreakHyphen" => out.push('-'),
        _ => {}
    }
}

/// The text of an OpenDocument part, by where it goes.
#[derive(Default)]
struct OdfText {
    body: String,
    footnotes: String,
    endnotes: String,
    comments: String,
}

/// Where the text of an OpenDocument element goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Destination {
    Body,
    Footnotes,
    Endnotes,
    Comments,
    Nowhere,
}

impl OdfText {
    fn buffer(&mut self, destination: Destination) -> Option<&mut String> {
        match destination {
            Destination::Body => Some(&mut self.body),
            Destination::Footnotes => Some(&mut self.footnotes),
            Destination::Endnotes => Some(&mut self.endnotes),
            Destination::Comments => Some(&mut self.comments),
            Destination::Nowhere => None,
        }
    }
}

/// The text of an OpenDocument part: paragraphs and headings as lines, `text:s`,
/// `text:tab` and `text:line-break` as the spaces, tabs and breaks they stand for, other
/// white space collapsed. Notes and comments go to their own sections; note marks, tracked
/// deletions, embedded images and drawings' descriptions nowhere. With `styles`, only the
/// page headers and footers of `styles.xml` are read (into `body`).
fn odf_text(xml: &str, styles: bool) -> Result<OdfText, String> {
    let mut reader = xml_reader(xml);
    let mut out = OdfText::default();
    let base = if styles {
        Destination::Nowhere
    } else {
        Destination::Body
    };
    // (element depth, destination) of the elements that changed where text goes.
    let mut destinations: Vec<(usize, Destination)> = Vec::new();
    let mut depth = 0usize;
    let mut paragraph_depth = 0usize;
    let mut note_class = Destination::Footnotes;
    loop {
        let event = reader
            .read_event()
            .map_err(|error| xml_problem(&reader, &error))?;
        let current = destinations.last().map_or(base, |&(_, d)| d);
        match &event {
            Event::Start(e) => {
                depth += 1;
                let local = e.local_name();
                let name = local.as_ref();
                if name == "note" {
                    note_class = match attribute(e, "note-class").as_deref() {
                        Some("endnote") => Destination::Endnotes,
                        _ => Destination::Footnotes,
                    };
                }
                let page_part = matches!(
                    name,
                    "header"
                        | "footer"
                        | "header-left"
                        | "footer-left"
                        | "header-first"
                        | "footer-first"
                );
                // A comment's author and date (`dc:creator`, `dc:date`) come before its text.
                let comment_metadata = current == Destination::Comments
                    && destinations.last().is_some_and(|&(at, _)| at + 1 == depth)
                    && matches!(name, "creator" | "date" | "initials" | "sender-initials");
                let goes = match name {
                    _ if comment_metadata => Some(Destination::Nowhere),
                    "note-citation" | "tracked-changes" | "binary-data" | "desc" | "title" => {
                        Some(Destination::Nowhere)
                    }
                    "note-body" => Some(note_class),
                    "annotation" => Some(Destination::Comments),
                    _ if styles && page_part => Some(Destination::Body),
                    _ => None,
                };
                if let Some(goes) = goes {
                    let goes = if current == Destination::Nowhere && !(styles && page_part) {
                        Destination::Nowhere
                    } else {
                        goes
                    };
                    destinations.push((depth, goes));
                }
                let current = destinations.last().map_or(base, |&(_, d)| d);
                match name {
                    "p" | "h" => paragraph_depth += 1,
                    name => {
                        if paragraph_depth > 0
                            && let Some(buffer) = out.buffer(current)
                        {
                            odf_mark(name, e, buffer);
                        }
                    }
                }
            }
            Event::Empty(e) => {
                if let Some(buffer) = out.buffer(current) {
                    let local = e.local_name();
                    match local.as_ref() {
                        "p" | "h" => buffer.push('\n'),
                        name if paragraph_depth > 0 => odf_mark(name, e, buffer),
                        _ => {}
                    }
                }
            }
            Event::End(e) => {
                let local = e.local_name();
                if matches!(local.as_ref(), "p" | "h") {
                    paragraph_depth = paragraph_depth.saturating_sub(1);
                    if let Some(buffer) = out.buffer(current) {
                        let trimmed = buffer.trim_end_matches(' ').len();
                        buffer.truncate(trimmed);
                        buffer.push('\n');
                    }
                }
                if destinations.last().is_some_and(|&(at, _)| at == depth) {
                    destinations.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {
                if paragraph_depth > 0
                    && let Some(buffer) = out.buffer(current)
                    && let Some(text) = event_text(&event)
                {
                    for c in text.chars() {
                        if matches!(c, ' ' | '\t' | '\n' | '\r') {
                            if !buffer.is_empty() && !buffer.ends_with([' ', '\n', '\t']) {
                                buffer.push(' ');
                            }
                        } else {
                            buffer.push(c);
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

/// What an OpenDocument element inside a paragraph writes: spaces, a tab, a line break.
fn odf_mark(name: &str, element: &BytesStart, out: &mut String) {
    match name {
        "s" => {
            let count = attribute(element, "c")
                .and_then(|c| c.trim().parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 100);
            out.extend(std::iter::repeat_n(' ', count));
        }
        "tab" => out.push('\t'),
        "line-break" => out.push('\n'),
        _ => {}
    }
}

/// The package document's path, from an EPUB's `META-INF/container.xml`.
fn package_path(container: &str) -> Result<Option<String>, String> {
    let mut reader = xml_reader(container);
    let mut first = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "rootfile" => {
                let Some(path) = attribute(&e, "full-path") else {
                    continue;
                };
                let path = resolve("", &path);
                let media_type = attribute(&e, "media-type");
                if media_type.as_deref() == Some("application/oebps-package+xml") {
                    return Ok(Some(path));
                }
                first.get_or_insert(path);
            }
            Ok(Event::Eof) => return Ok(first),
            Ok(_) => {}
            Err(error) => return Err(xml_problem(&reader, &error)),
        }
    }
}

/// What dossier needs of an EPUB's package document.
struct Package {
    title: Option<String>,
    date: Option<String>,
    /// Manifest item ids: (href, media type).
    items: HashMap<String, (String, String)>,
    /// Hrefs of the manifest, in its order.
    manifest_order: Vec<String>,
    /// Item ids of the spine, in reading order.
    spine: Vec<String>,
}

impl Package {
    fn parse(xml: &str) -> Result<Package, String> {
        let [title, date] = xml_fields(xml, &["title", "date"])?
            .try_into()
            .unwrap_or([None, None]);
        let mut package = Package {
            title,
            date,
            items: HashMap::new(),
            manifest_order: Vec::new(),
            spine: Vec::new(),
        };
        let mut reader = xml_reader(xml);
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                    "item" => {
                        let (Some(id), Some(href)) = (attribute(&e, "id"), attribute(&e, "href"))
                        else {
                            continue;
                        };
                        let media_type = attribute(&e, "media-type").unwrap_or_default();
                        if is_document(&media_type) {
                            package.manifest_order.push(href.clone());
                        }
                        package.items.insert(id, (href, media_type));
                    }
                    "itemref" => {
                        if let Some(id) = attribute(&e, "idref") {
                            package.spine.push(id);
                        }
                    }
                    _ => {}
                },
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(error) => return Err(xml_problem(&reader, &error)),
            }
        }
        Ok(package)
    }

    /// The hrefs of the documents to read, in reading order: the spine's, or, without a
    /// spine, the manifest's.
    fn reading_order(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        if self.spine.is_empty() {
            return Box::new(self.manifest_order.iter().map(String::as_str));
        }
        Box::new(self.spine.iter().filter_map(|id| {
            let (href, media_type) = self.items.get(id)?;
            is_document(media_type).then_some(href.as_str())
        }))
    }
}

/// Whether a manifest item of this media type is a page of text (XHTML, or HTML).
fn is_document(media_type: &str) -> bool {
    matches!(
        media_type.trim(),
        "application/xhtml+xml" | "text/html" | "application/x-dtbook+xml" | ""
    )
}

/// The paths of the entries an EPUB's `META-INF/encryption.xml` says are encrypted, but
/// for fonts merely obfuscated (which a reader undoes without a key).
fn encrypted_paths(xml: &str) -> Result<HashSet<String>, String> {
    const FONT_OBFUSCATION: [&str; 2] = [
        "http://www.idpf.org/2008/embedding",
        "http://ns.adobe.com/pdf/enc#RC",
    ];
    let mut reader = xml_reader(xml);
    let mut paths = HashSet::new();
    let mut algorithm: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "EncryptedData" => algorithm = None,
                "EncryptionMethod" => algorithm = attribute(&e, "Algorithm"),
                "CipherReference" => {
                    let obfuscated = algorithm
                        .as_deref()
                        .is_some_and(|a| FONT_OBFUSCATION.contains(&a));
                    if let (false, Some(uri)) = (obfuscated, attribute(&e, "URI")) {
                        paths.insert(resolve("", &uri));
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(error) => return Err(xml_problem(&reader, &error)),
        }
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::test_files::{collapsed, formats_dir};
    use std::io::Write;

    fn read_file(name: &str) -> Result<Extracted, SkipReason> {
        let bytes = std::fs::read(formats_dir().join(name)).unwrap();
        match name.rsplit('.').next() {
            Some("docx") => read_docx(&bytes),
            Some("odt") => read_odt(&bytes),
            Some("epub") => read_epub(&bytes),
            _ => panic!("{name} is not an office document"),
        }
    }

    #[test]
    fn the_expected_phrases_are_in_the_documents() {
        let table = std::fs::read_to_string(formats_dir().join("expected.tsv")).unwrap();
        let mut checked = 0;
        for line in table.lines().filter(|line| !line.starts_with('#')) {
            let fields: Vec<&str> = line.split('\t').collect();
            let ours = [".docx", ".odt", ".epub"];
            if fields.len() != 4 || !ours.iter().any(|ext| fields[0].ends_with(ext)) {
                continue;
            }
            let (file, expectation) = (fields[0], fields[2]);
            match expectation.strip_prefix("skip: ") {
                Some(reason) => {
                    let SkipReason::Damaged { detail, .. } = read_file(file).unwrap_err() else {
                        panic!("{file} is not refused as damaged");
                    };
                    assert_eq!(detail, reason, "{file}");
                }
                None => {
                    let extracted = read_file(file).unwrap();
                    assert!(
                        collapsed(&extracted.text).contains(expectation),
                        "{file}: {expectation:?} not in {:?}",
                        extracted.text
                    );
                }
            }
            checked += 1;
        }
        assert_eq!(checked, 4);
    }

    #[test]
    fn titles_dates_and_structure() {
        let docx = read_file("eng_spa_mult.docx").unwrap();
        assert_eq!(docx.format, Format::Docx);
        assert!(docx.title.starts_with("All human beings are born free"));
        assert_eq!(docx.date, None);
        assert!(docx.text.contains("brotherhood.\n\nAll human beings"));
        assert!(docx.text.contains("brotherhood. \"Todos los seres humanos"));

        let odt = read_file("eng_spa_mult.odt").unwrap();
        assert_eq!(odt.format, Format::Odt);
        assert!(odt.title.starts_with("All human beings are born free"));
        assert_eq!(collapsed(&odt.text), collapsed(&docx.text));

        let epub = read_file("winter-sports.epub").unwrap();
        assert_eq!(epub.format, Format::Epub);
        assert_eq!(epub.title, "Winter Sports in Switzerland");
        assert_eq!(epub.date, Some(1_566_518_400)); // 2019-08-23
        // Chapters in spine order, set apart by blank lines.
        let preface = epub.text.find("The Project Gutenberg eBook of").unwrap();
        let skating = epub.text.find("hasten to assure them").unwrap();
        assert!(preface < skating);
        assert!(epub.text.contains("It must get rid of what it knows\n"));
    }

    /// A ZIP archive of `(name, content)` entries, deflated.
    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    /// `zip` with the uncompressed size every entry declares set to `size`.
    fn declaring(mut zip: Vec<u8>, size: u32) -> Vec<u8> {
        for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let starts: Vec<usize> = zip
                .windows(4)
                .enumerate()
                .filter(|(_, window)| window == signature)
                .map(|(at, _)| at)
                .collect();
            for start in starts {
                zip[start + offset..start + offset + 4].copy_from_slice(&size.to_le_bytes());
            }
        }
        zip
    }

    const DOCUMENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<w:document xmlns:w="w" xmlns:mc="mc"><w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
<w:r><w:t xml:space="preserve">Tom &amp; Jerry&#x2019;s </w:t></w:r><w:r><w:t>memo</w:t><w:tab/><w:t>col</w:t><w:br/><w:t>next line</w:t></w:r>
<w:r><w:footnoteReference w:id="1"/></w:r><w:del><w:r><w:delText>deleted</w:delText></w:r></w:del>
<w:r><w:instrText>PAGE \* MERGEFORMAT</w:instrText></w:r></w:p>
<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>shape text</w:t></mc:Choice><mc:Fallback><w:t>fallback text</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell one</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>cell two</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;

    #[test]
    fn a_docx_has_its_body_notes_comments_and_headers() {
        let rels = br#"<Relationships><Relationship Id="r1" Type="http://x/officeDocument" Target="word/document.xml"/><Relationship Id="r2" Type="http://x/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;
        let doc_rels = br#"<Relationships><Relationship Id="a" Type="http://x/footnotes" Target="footnotes.xml"/><Relationship Id="b" Type="http://x/comments" Target="/word/comments.xml"/><Relationship Id="c" Type="http://x/header" Target="header1.xml"/><Relationship Id="d" Type="http://x/header" Target="header2.xml"/><Relationship Id="e" Type="http://x/hyperlink" Target="http://example.org" TargetMode="External"/></Relationships>"#;
        let footnotes = br#"<w:footnotes xmlns:w="w"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>A footnote.</w:t></w:r></w:p></w:footnote></w:footnotes>"#;
        let comments = br#"<w:comments xmlns:w="w"><w:comment w:author="Ann"><w:p><w:r><w:t>Check this.</w:t></w:r></w:p></w:comment></w:comments>"#;
        let header = br#"<w:hdr xmlns:w="w"><w:p><w:r><w:t>Confidential</w:t></w:r></w:p></w:hdr>"#;
        let core = br#"<cp:coreProperties xmlns:cp="cp" xmlns:dc="dc" xmlns:dcterms="t"><dc:title>The Memo</dc:title><dcterms:created>2023-08-04T07:32:00Z</dcterms:created></cp:coreProperties>"#;
        let docx = zip_of(&[
            ("_rels/.rels", rels),
            ("word/document.xml", DOCUMENT.as_bytes()),
            ("word/_rels/document.xml.rels", doc_rels),
            ("word/footnotes.xml", footnotes),
            ("word/comments.xml", comments),
            ("word/header1.xml", header),
            ("word/header2.xml", header),
            ("docProps/core.xml", core),
        ]);
        let extracted = read_docx(&docx).unwrap();
        assert_eq!(extracted.title, "The Memo");
        assert_eq!(extracted.date, Some(1_691_134_320));
        assert_eq!(
            extracted.text,
            "Tom & Jerry\u{2019}s memo\tcol\nnext line\nshape text\ncell one\ncell two\n\n\
             --- footnotes ---\nA footnote.\n\n--- comments ---\nCheck this.\n\n\
             --- headers and footers ---\nConfidential"
        );
    }

    #[test]
    fn an_odt_has_its_body_notes_comments_and_headers() {
        let content = r#"<office:document-content xmlns:office="o" xmlns:text="t" xmlns:dc="dc" xmlns:draw="d" xmlns:svg="s"><office:body><office:text>
<text:tracked-changes><text:changed-region><text:deletion><text:p>deleted</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:h text:outline-level="1">A   heading</text:h>
<text:p>One<text:s text:c="3"/>two<text:tab/>three<text:line-break/>four<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>The note.</text:p></text:note-body></text:note> five.<office:annotation><dc:creator>Ann</dc:creator><text:p>A comment.</text:p></office:annotation></text:p>
<text:p><draw:frame><svg:desc>an image</svg:desc><draw:image><office:binary-data>iVBORw0KGgo=</office:binary-data></draw:image></draw:frame>After <text:span>the</text:span> image &amp; more.</text:p>
<text:p/><text:p>End<text:note text:note-class="endnote"><text:note-citation>i</text:note-citation><text:note-body><text:p>An endnote.</text:p></text:note-body></text:note></text:p>
</office:text></office:body></office:document-content>"#;
        let styles = r#"<office:document-styles xmlns:office="o" xmlns:style="st" xmlns:text="t"><office:styles><style:style><text:p>not a header</text:p></style:style></office:styles><office:master-styles><style:master-page><style:header><text:p>Page header</text:p></style:header><style:footer><text:p>Page footer</text:p></style:footer></style:master-page></office:master-styles></office:document-styles>"#;
        let meta = r#"<office:document-meta xmlns:office="o" xmlns:dc="dc" xmlns:meta="m"><office:meta><dc:title>Notes</dc:title><meta:creation-date>2023-10-03T21:38:00.123456789</meta:creation-date></office:meta></office:document-meta>"#;
        let odt = zip_of(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", content.as_bytes()),
            ("styles.xml", styles.as_bytes()),
            ("meta.xml", meta.as_bytes()),
            ("META-INF/manifest.xml", b"<manifest:manifest/>"),
        ]);
        let extracted = read_odt(&odt).unwrap();
        assert_eq!(extracted.title, "Notes");
        assert_eq!(extracted.date, Some(1_696_369_080));
        assert_eq!(
            extracted.text,
            "A heading\nOne   two\tthree\nfour five.\nAfter the image & more.\n\nEnd\n\n\
             --- footnotes ---\nThe note.\n\n--- endnotes ---\nAn endnote.\n\n\
             --- comments ---\nA comment.\n\n--- headers and footers ---\nPage header\nPage footer"
        );

        let encrypted = zip_of(&[
            ("content.xml", b"\x01\x02 not XML"),
            (
                "META-INF/manifest.xml",
                b"<manifest:file-entry manifest:full-path=\"content.xml\"><manifest:encryption-data/></manifest:file-entry>",
            ),
        ]);
        assert_eq!(read_odt(&encrypted).unwrap_err(), SkipReason::Encrypted);
    }

    #[test]
    fn an_epub_is_read_in_spine_order() {
        let container = br#"<container><rootfiles><rootfile full-path="OPS/book.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#;
        let opf = br#"<package><metadata><dc:title>A Book</dc:title></metadata><manifest>
<item id="b" href="Text/chapter%202.xhtml" media-type="application/xhtml+xml"/>
<item id="a" href="Text/one.xhtml#start" media-type="application/xhtml+xml"/>
<item id="gone" href="Text/missing.xhtml" media-type="application/xhtml+xml"/>
<item id="img" href="cover.jpg" media-type="image/jpeg"/></manifest>
<spine><itemref idref="a"/><itemref idref="img"/><itemref idref="b"/><itemref idref="gone"/></spine></package>"#;
        let one = b"<?xml version='1.0'?><html><head><title>One</title></head><body><h1>Chapter 1</h1><p>First words.</p></body></html>";
        let two = b"<html><body><p>Second words.</p></body></html>";
        let epub = zip_of(&[
            ("mimetype", b"application/epub+zip"),
            ("META-INF/container.xml", container),
            ("OPS/book.opf", opf),
            ("OPS/Text/chapter 2.xhtml", two),
            ("OPS/Text/one.xhtml", one),
        ]);
        let extracted = read_epub(&epub).unwrap();
        assert_eq!(extracted.title, "A Book");
        assert_eq!(extracted.text, "Chapter 1\n\nFirst words.\n\nSecond words.");
        assert_eq!(
            extracted.note.as_deref(),
            Some("1 chapter named in its package is missing from the archive")
        );
    }

    #[test]
    fn zip_bombs_are_refused() {
        // An entry that declares more than the whole allowance: refused before it is read.
        let docx = declaring(
            zip_of(&[("word/document.xml", DOCUMENT.as_bytes())]),
            u32::MAX,
        );
        let SkipReason::Damaged { format, detail } = read_docx(&docx).unwrap_err() else {
            panic!("not refused as damaged");
        };
        assert_eq!(format, "DOCX");
        assert_eq!(
            detail,
            "word/document.xml unpacks to 4095 MiB; dossier unpacks at most 256 MiB of one file \
             (a ZIP bomb?)"
        );
        // An entry that inflates to more than it declares: the reading stops where it said
        // it would end.
        let zeros = vec![b' '; 3 * 1024 * 1024];
        let bomb = declaring(zip_of(&[("word/document.xml", &zeros)]), 100);
        let SkipReason::Damaged { detail, .. } = read_docx_within(&bomb, 1024 * 1024).unwrap_err()
        else {
            panic!("not refused as damaged");
        };
        assert_eq!(
            detail,
            "word/document.xml: File is larger than its declared uncompressed size"
        );
        // Many parts that together unpack to more than the allowance.
        let chapter = vec![b'a'; 600 * 1024];
        let container =
            br#"<container><rootfiles><rootfile full-path="p.opf"/></rootfiles></container>"#;
        let opf = br#"<package><manifest><item id="a" href="a.html" media-type="text/html"/><item id="b" href="b.html" media-type="text/html"/></manifest><spine><itemref idref="a"/><itemref idref="b"/></spine></package>"#;
        let epub = zip_of(&[
            ("META-INF/container.xml", container),
            ("p.opf", opf),
            ("a.html", &chapter),
            ("b.html", &chapter),
        ]);
        assert!(read_epub_within(&epub, 4 * 1024 * 1024).is_ok());
        let SkipReason::Damaged { detail, .. } = read_epub_within(&epub, 1024 * 1024).unwrap_err()
        else {
            panic!("not refused as damaged");
        };
        assert_eq!(
            detail,
            "its parts unpack to more than 1 MiB, the most dossier unpacks of one file \
             (a ZIP bomb?)"
        );
    }

    #[test]
    fn hostile_archives_are_refused_with_a_reason() {
        let damaged = |result: Result<Extracted, SkipReason>| match result {
            Err(SkipReason::Damaged { detail, .. }) => detail,
            other => panic!("not refused as damaged: {other:?}"),
        };
        assert_eq!(damaged(read_docx(b"plain text")), "not a ZIP archive");
        assert_eq!(read_odt(b"").unwrap_err(), SkipReason::Empty);
        let ole = [OLE_SIGNATURE, b"rest of an old .doc"].concat();
        assert!(damaged(read_docx(&ole)).starts_with("an old-style Office file"));
        let encrypted: Vec<u8> = OLE_SIGNATURE
            .iter()
            .copied()
            .chain("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(read_docx(&encrypted).unwrap_err(), SkipReason::Encrypted);
        let empty_zip = zip_of(&[("other.xml", b"<a/>")]);
        assert_eq!(
            damaged(read_docx(&empty_zip)),
            "no word/document.xml: not a Word document"
        );
        assert!(damaged(read_epub(&empty_zip)).starts_with("no package document"));
        let malformed = zip_of(&[("word/document.xml", b"<w:document><w:p><w:t>text</w:t")]);
        let _ = read_docx(&malformed);
        let garbage = zip_of(&[("word/document.xml", b"<w:t>a</w:t>\xff\xfe<<<<&&&;;</>")]);
        let _ = read_docx(&garbage);
        // Every prefix of a real document, and the document with bytes changed here and
        // there, is refused or read, never a panic.
        for (name, read) in [
            (
                "eng_spa_mult.docx",
                read_docx as fn(&[u8]) -> Result<Extracted, SkipReason>,
            ),
            ("eng_spa_mult.odt", read_odt),
            ("winter-sports.epub", read_epub),
        ] {
            let bytes = std::fs::read(formats_dir().join(name)).unwrap();
            let step = bytes.len() / 60;
            for cut in (0..bytes.len()).step_by(step) {
                let _ = read(&bytes[..cut]);
                let mut changed = bytes.clone();
                for at in (cut..bytes.len()).step_by(step * 7 + 1) {
                    changed[at] ^= 0x5a;
                }
                let _ = read(&changed);
            }
        }
    }

    #[test]
    fn paths_resolve_against_their_folder() {
        assert_eq!(
            resolve("OEBPS", "Text/a%20b.xhtml#p3"),
            "OEBPS/Text/a b.xhtml"
        );
        assert_eq!(
            resolve("word", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(resolve("word", "/word/comments.xml"), "word/comments.xml");
        assert_eq!(resolve("", "./a/./b/../c"), "a/c");
        assert_eq!(resolve("a", "../../../x"), "x");
        assert_eq!(percent_decoded("100%"), "100%");
    }
}
