//! E-mail messages (`.eml`) and mailboxes (`.mbox`), read with `mail-parser`.
//!
//! A message's text is a short header block (From, To, Cc, Date, Subject, as the message
//! writes them), a blank line, its body (the plain-text part, else the HTML part's visible
//! text), then a line `--- attachment: NAME ---` for each attachment. Its title is its
//! subject and its date the Date header. A message stored whole as UTF-16 (with a
//! byte-order mark) is decoded first. Each attachment of a format dossier reads (by its file
//! name, else its content type: text, HTML, an attached message, the messages of a digest)
//! is a document of its own (see [`super::embedded`]), named by its file name, else
//! `attachment-N` (`message-N` in a digest), N counting from 1.
//!
//! An mbox's text lists its messages; each message is a document of its own, named by its
//! number in the file.
//!
//! Attached messages are never parsed by `mail-parser` as part of their container: it nests
//! them without limit, and a file of a few megabytes of messages in messages would overflow
//! the stack when the nest is copied or freed. So before a message goes to `mail-parser`,
//! every content type that would make it nest (`message/rfc822`, `message/global`,
//! `multipart/digest`) gets a mark (U+0001) after its subtype, which it does not know; the
//! marks are taken out of the text in the end. An attached message is read on its own, as
//! one more level of [`super::embedded`], which bounds the depth.

use std::borrow::Cow;
use std::collections::HashSet;

use encoding_rs::{Encoding, WINDOWS_1252};
use mail_parser::mailbox::mbox::MessageIterator as MboxMessages;
use mail_parser::{Address, HeaderName, Message, MessageParser, MimeHeaders, PartType};

use super::embedded::{Embedded, clean_name, unique_names};
use super::html::visible_text;
use super::{Extracted, Format, MailHeaders, SkipReason, title_of};

/// How many attachments of one message are looked at.
const MAX_ATTACHMENTS: usize = 1000;

/// What follows a subtype that would make `mail-parser` nest messages.
const MARK: u8 = 0x01;

/// The text of an e-mail message, its subject as title and its date.
pub fn read(bytes: &[u8]) -> Result<Extracted, SkipReason> {
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    if let Some(binary) = super::text::not_text(bytes) {
        return Err(binary);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SkipReason::BlankOnly);
    }
    let raw: Cow<[u8]> = match super::text::utf16_bom(bytes) {
        Some(encoding) => {
            let text = encoding.decode_with_bom_removal(bytes).0.into_owned();
            Cow::Owned(text.into_bytes())
        }
        _ => Cow::Borrowed(bytes),
    };
    let marked = mark_nesting(&raw);
    let message = MessageParser::default()
        .parse(marked.as_ref())
        .ok_or_else(|| SkipReason::Damaged {
            format: "e-mail",
            detail: "no message headers found".to_string(),
        })?;

    let mut out = Rendering::default();
    out.message(&message);
    unique_names(&mut out.attached);
    let text = unmarked(out.text.trim_end());
    if text.is_empty() {
        return Err(SkipReason::NoText);
    }
    let subject = message.subject().map(str::trim).unwrap_or("");
    let title = unmarked(&title_of(if subject.is_empty() {
        &out.top_body
    } else {
        subject
    }));
    let date = message
        .date()
        .filter(|date| date.is_valid())
        .map(|date| date.to_timestamp());
    let header = |name| header_value(&message, name).map(|value| unmarked(&value));
    let recipients: Vec<String> = [HeaderName::To, HeaderName::Cc]
        .into_iter()
        .filter_map(header)
        .collect();
    let mail = MailHeaders {
        from: header(HeaderName::From).unwrap_or_default(),
        to: recipients.join(", "),
        subject: header(HeaderName::Subject).unwrap_or_default(),
    };
    let note = (out.not_read > 0).then(|| {
        format!(
            "{} attachments not read: a message is read with its first {MAX_ATTACHMENTS}",
            out.not_read
        )
    });
    Ok(Extracted {
        title,
        text,
        date,
        embedded: out.attached,
        mail: Some(mail),
        note,
        ..Extracted::new(Format::Email)
    })
}

/// An mbox file: its text lists its messages (number, subject, sender, date), one a line;
/// each message is a document of its own, named by its number.
pub fn read_mailbox(bytes: &[u8]) -> Result<Extracted, SkipReason> {
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    let mut extracted = Extracted::new(Format::Mailbox);
    for message in MboxMessages::new(bytes) {
        let Ok(message) = message else {
            break;
        };
        let number = extracted.embedded.len() + 1;
        let contents = message.unwrap_contents();
        let mut line = format!("{number}.");
        if let Some(headers) = MessageParser::default().parse_headers(&contents[..]) {
            for name in [HeaderName::Subject, HeaderName::From, HeaderName::Date] {
                if let Some(value) = header_value(&headers, name) {
                    line.push(' ');
                    line.push_str(&value);
                    line.push_str(" —");
                }
            }
        }
        extracted.text.push_str(line.trim_end_matches(" —"));
        extracted.text.push('\n');
        extracted.embedded.push(Embedded {
            name: number.to_string(),
            title: None,
            format: Format::Email,
            content: Ok(contents),
        });
    }
    if extracted.embedded.is_empty() {
        return Err(SkipReason::Damaged {
            format: "mbox",
            detail: "no message in it (no line starts with \"From \")".to_string(),
        });
    }
    extracted.text.truncate(extracted.text.trim_end().len());
    Ok(extracted)
}

/// `raw` with a [`MARK`] after each subtype that makes `mail-parser` nest a message:
/// `rfc822` or `global` after `message /`, `digest` after `multipart /`, in any case, with
/// any white space, quotes or comments around the slash. A long stretch of those (longer
/// than [`MAX_GAP`]) counts as a match: a mark too many costs nothing.
fn mark_nesting(raw: &[u8]) -> Cow<'_, [u8]> {
    const SUBTYPES: [(&[u8], &[u8]); 3] = [
        (b"rfc822", b"message"),
        (b"global", b"message"),
        (b"digest", b"multipart"),
    ];
    let mut marks = Vec::new();
    for at in 0..raw.len() {
        if !matches!(raw[at], b'r' | b'R' | b'g' | b'G' | b'd' | b'D') {
            continue;
        }
        for (subtype, kind) in SUBTYPES {
            let Some(word) = raw.get(at..at + subtype.len()) else {
                continue;
            };
            if word.eq_ignore_ascii_case(subtype) && preceded_by(raw, at, kind) {
                marks.push(at + subtype.len());
            }
        }
    }
    if marks.is_empty() {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len() + marks.len());
    let mut from = 0;
    for mark in marks {
        out.extend_from_slice(&raw[from..mark]);
        out.push(MARK);
        from = mark;
    }
    out.extend_from_slice(&raw[from..]);
    Cow::Owned(out)
}

/// How far back [`mark_nesting`] looks past white space, quotes and comments.
const MAX_GAP: usize = 64;

/// Whether `raw[..at]` ends with `kind`, a slash, and what may come between them and `at`.
fn preceded_by(raw: &[u8], at: usize, kind: &[u8]) -> bool {
    let Some(slash) = skip_back(raw, at) else {
        return true;
    };
    if slash == 0 || raw[slash - 1] != b'/' {
        return false;
    }
    let Some(end) = skip_back(raw, slash - 1) else {
        return true;
    };
    end >= kind.len() && raw[end - kind.len()..end].eq_ignore_ascii_case(kind)
}

/// Where the white space, quotes and comments that end `raw[..at]` start; `None` if they
/// run longer than [`MAX_GAP`].
fn skip_back(raw: &[u8], mut at: usize) -> Option<usize> {
    let start = at;
    let mut comment_depth = 0usize;
    while at > 0 {
        if start - at > MAX_GAP {
            return None;
        }
        let byte = raw[at - 1];
        match byte {
            b')' => comment_depth += 1,
            b'(' if comment_depth > 0 => comment_depth -= 1,
            _ if comment_depth > 0 => {}
            b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\\' => {}
            _ => break,
        }
        at -= 1;
    }
    Some(at)
}

/// `text` without the marks [`mark_nesting`] put in (U+0001 is not text).
fn unmarked(text: &str) -> String {
    text.replace(char::from(MARK), "")
}

/// Whether a content type is one that holds a message: an attached one, or the first part
/// of one sent in parts (which starts with the message's headers).
fn holds_message(kind: &mail_parser::ContentType) -> bool {
    if !kind.ctype().eq_ignore_ascii_case("message") {
        return false;
    }
    let subtype = kind.subtype().unwrap_or("");
    let subtype = subtype.trim_end_matches(char::from(MARK));
    if subtype.eq_ignore_ascii_case("partial") {
        return kind.attribute("number").is_none_or(|n| n.trim() == "1");
    }
    subtype.eq_ignore_ascii_case("rfc822") || subtype.eq_ignore_ascii_case("global")
}

/// The parts of `message` that are messages of a digest: parts of a `multipart/digest`
/// without a content type of their own.
fn digest_messages(message: &Message) -> Vec<u32> {
    let mut ids = Vec::new();
    for part in &message.parts {
        let PartType::Multipart(children) = &part.body else {
            continue;
        };
        let is_digest = part.content_type().is_some_and(|kind| {
            kind.ctype().eq_ignore_ascii_case("multipart")
                && kind.subtype().is_some_and(|sub| {
                    sub.trim_end_matches(char::from(MARK))
                        .eq_ignore_ascii_case("digest")
                })
        });
        if is_digest {
            ids.extend(children.iter().copied().filter(|&id| {
                message
                    .parts
                    .get(id as usize)
                    .is_some_and(|child| child.content_type().is_none())
            }));
        }
    }
    ids
}

/// The text of a message being written, and the documents attached to it.
#[derive(Default)]
struct Rendering {
    text: String,
    /// The start of the body, for a title when the message has no subject.
    top_body: String,
    attached: Vec<Embedded>,
    /// Attachments past [`MAX_ATTACHMENTS`], not read.
    not_read: usize,
}

impl Rendering {
    /// Writes `message`: headers, body, and a line naming each attachment, whose content is
    /// a document of its own.
    fn message(&mut self, message: &Message) {
        let start = self.text.len();
        for (name, label) in [
            (HeaderName::From, "From"),
            (HeaderName::To, "To"),
            (HeaderName::Cc, "Cc"),
            (HeaderName::Date, "Date"),
            (HeaderName::Subject, "Subject"),
        ] {
            if let Some(value) = header_value(message, name) {
                self.text.push_str(label);
                self.text.push_str(": ");
                self.text.push_str(&value);
                self.text.push('\n');
            }
        }
        if self.text.len() > start {
            self.text.push('\n');
        }

        let digest = digest_messages(message);
        let in_digest: HashSet<u32> = digest.iter().copied().collect();
        let body = body_text(message, &in_digest);
        self.top_body = body.chars().take(1000).collect();
        self.text.push_str(body.trim_end());

        self.not_read += digest.len().saturating_sub(MAX_ATTACHMENTS)
            + message
                .attachments()
                .count()
                .saturating_sub(MAX_ATTACHMENTS);
        for &id in digest.iter().take(MAX_ATTACHMENTS) {
            if let Some(PartType::Text(text)) = message.parts.get(id as usize).map(|p| &p.body) {
                let name = format!("message-{}", self.attached.len() + 1);
                self.attach(name, None, Format::Email, text.as_bytes().to_vec());
            }
        }
        for part in message.attachments().take(MAX_ATTACHMENTS) {
            let number = self.attached.len() + 1;
            let file_name = part
                .attachment_name()
                .map(|name| name.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|name| !name.is_empty());
            let name = clean_name(
                file_name.as_deref().unwrap_or(""),
                &format!("attachment-{number}"),
            );
            let by_name = file_name
                .as_deref()
                .and_then(|name| Format::of(std::path::Path::new(name)));
            let holds_a_message = part.content_type().is_some_and(holds_message);
            let (format, bytes) = match &part.body {
                PartType::Text(text) => {
                    (by_name.unwrap_or(Format::Text), unmarked(text).into_bytes())
                }
                PartType::Html(html) => (by_name.unwrap_or(Format::Html), html.as_bytes().to_vec()),
                PartType::Message(nested) => (Format::Email, nested.raw_message().to_vec()),
                PartType::Binary(bytes) | PartType::InlineBinary(bytes) if holds_a_message => {
                    (Format::Email, bytes.to_vec())
                }
                PartType::Binary(bytes) | PartType::InlineBinary(bytes) => match by_name {
                    Some(format) => (format, bytes.to_vec()),
                    None => {
                        self.section(&name);
                        continue;
                    }
                },
                PartType::Multipart(_) => continue,
            };
            // A message titles itself by its subject; a file by its name.
            let title = (format != Format::Email).then(|| name.clone());
            self.attach(name, title, format, bytes);
        }
    }

    /// An attachment: named in the text, read as a document of its own unless it is empty
    /// (a reference to a file elsewhere: `message/external-body`).
    fn attach(&mut self, name: String, title: Option<String>, format: Format, bytes: Vec<u8>) {
        self.section(&name);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        self.attached.push(Embedded {
            name,
            title,
            format,
            content: Ok(bytes),
        });
    }

    /// The line that names an attachment.
    fn section(&mut self, name: &str) {
        let trimmed = self.text.trim_end().len();
        self.text.truncate(trimmed);
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        self.text.push_str("--- attachment: ");
        self.text.push_str(name);
        self.text.push_str(" ---");
    }
}

/// A header's value as the message writes it, unfolded; decoded if it has encoded words
/// (`=?utf-8?q?…?=`) or is not text.
fn header_value(message: &Message, name: HeaderName) -> Option<String> {
    let raw = header_as_written(message, &name);
    let as_written = raw
        .as_deref()
        .filter(|raw| !raw.contains("=?"))
        .map(|raw| raw.split_whitespace().collect::<Vec<_>>().join(" "));
    let value = match as_written {
        Some(value) => value,
        None => match message.header(name)? {
            mail_parser::HeaderValue::Address(address) => addresses(address),
            mail_parser::HeaderValue::Text(text) => text.to_string(),
            mail_parser::HeaderValue::TextList(list) => list.join(", "),
            mail_parser::HeaderValue::DateTime(date) => date.to_rfc822(),
            _ => raw?.split_whitespace().collect::<Vec<_>>().join(" "),
        },
    };
    (!value.is_empty()).then_some(value)
}

/// The last `name` header's bytes as the message writes them, as text: UTF-8, or else raw
/// 8-bit text as old mailers wrote it (`Ingo L\xfctkebohle`), in the charset the message
/// names, or Windows-1252 (which Latin-1 is read as) when it names none.
fn header_as_written(message: &Message, name: &HeaderName) -> Option<String> {
    let header = message.headers().iter().rev().find(|h| h.name == *name)?;
    let bytes = message
        .raw_message
        .get(header.offset_start as usize..header.offset_end as usize)?;
    Some(match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            let encoding = message
                .content_type()
                .and_then(|kind| kind.attribute("charset"))
                .and_then(|label| Encoding::for_label(label.as_bytes()))
                .unwrap_or(WINDOWS_1252);
            encoding.decode_without_bom_handling(bytes).0.into_owned()
        }
    })
}

/// Addresses as they are written: `Name <address>`, groups as `Group: a, b;`.
fn addresses(address: &Address) -> String {
    let one = |addr: &mail_parser::Addr| match (addr.name(), addr.address()) {
        (Some(name), Some(address)) => format!("{name} <{address}>"),
        (Some(name), None) => name.to_string(),
        (None, Some(address)) => address.to_string(),
        (None, None) => String::new(),
    };
    match address {
        Address::List(list) => list.iter().map(one).collect::<Vec<_>>().join(", "),
        Address::Group(groups) => groups
            .iter()
            .map(|group| {
                let members = group.addresses.iter().map(one).collect::<Vec<_>>();
                match &group.name {
                    Some(name) => format!("{name}: {};", members.join(", ")),
                    None => members.join(", "),
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The body: its plain-text parts, or, where it has none, its HTML parts' visible text;
/// not the messages of a digest, which are attachments.
fn body_text(message: &Message, digest: &HashSet<u32>) -> String {
    let parts: Vec<Cow<str>> = message
        .text_body
        .iter()
        .filter(|id| !digest.contains(id))
        .filter_map(|&id| message.parts.get(id as usize))
        .filter_map(|part| match &part.body {
            PartType::Text(text) => Some(Cow::Borrowed(text.as_ref())),
            PartType::Html(html) => Some(Cow::Owned(visible_text(html).0)),
            _ => None,
        })
        .collect();
    let parts: Vec<&str> = parts
        .iter()
        .map(|part| part.trim_end())
        .filter(|part| !part.is_empty())
        .collect();
    parts.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::embedded::{self, read_nested};
    use crate::extract::test_files::{collapsed, formats_dir};
    use std::path::Path;

    fn read_file(name: &str) -> Extracted {
        let bytes = std::fs::read(formats_dir().join(name)).unwrap();
        read(&bytes).unwrap_or_else(|reason| panic!("{name}: {reason}"))
    }

    /// The texts of a message and of the documents in it, by their path under it ("" for
    /// the message).
    fn read_all(bytes: &[u8]) -> Vec<(String, Result<Extracted, SkipReason>)> {
        let (top, inner) = read_nested(
            Format::Email,
            Path::new("m.eml"),
            bytes.to_vec(),
            &crate::extract::ReadSettings::default(),
            None,
        )
        .unwrap_or_else(|reason| panic!("{reason}"));
        std::iter::once((String::new(), Ok(top)))
            .chain(inner.into_iter().map(|inner| (inner.path, inner.read)))
            .collect()
    }

    #[test]
    fn attachments_past_the_limit_are_counted_in_a_note() {
        let mut message = String::from(
            "From: a@b\nSubject: many\nMIME-Version: 1.0\n\
             Content-Type: multipart/mixed; boundary=\"BB\"\n\n--BB\n\
             Content-Type: text/plain\n\nbody\n",
        );
        for i in 0..MAX_ATTACHMENTS + 5 {
            message.push_str(&format!(
                "--BB\nContent-Type: text/plain\n\
                 Content-Disposition: attachment; filename=\"a{i}.txt\"\n\nsigma{i}\n"
            ));
        }
        message.push_str("--BB--\n");
        let read = read(message.as_bytes()).unwrap();
        assert_eq!(read.embedded.len(), MAX_ATTACHMENTS);
        let note = read.note.unwrap();
        assert!(note.starts_with("5 attachments not read"), "{note}");
    }

    #[test]
    fn a_header_of_raw_latin1_reads_as_latin1() {
        let bytes = std::fs::read(formats_dir().join("apache-httpd-dev.mbox")).unwrap();
        let (_, messages) = read_nested(
            Format::Mailbox,
            Path::new("apache-httpd-dev.mbox"),
            bytes,
            &crate::extract::ReadSettings::default(),
            None,
        )
        .unwrap();
        let ingo = messages
            .iter()
            .filter_map(|message| message.read.as_ref().ok())
            .find(|message| message.text.contains("ingo@blank.pages.de"))
            .expect("Ingo's message");
        assert!(
            ingo.text
                .contains("From: \"Ingo L\u{fc}tkebohle\" <ingo@blank.pages.de>"),
            "{}",
            ingo.text
        );
        assert!(!ingo.text.contains('\u{fffd}'));
    }

    #[test]
    fn the_expected_phrases_are_in_the_messages_or_their_attachments() {
        let table = std::fs::read_to_string(formats_dir().join("expected.tsv")).unwrap();
        let mut checked = 0;
        for line in table.lines().filter(|line| !line.starts_with('#')) {
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() != 4 || fields[3] != "mail" || !fields[0].ends_with(".eml") {
                continue;
            }
            let bytes = std::fs::read(formats_dir().join(fields[0])).unwrap();
            let texts: Vec<String> = read_all(&bytes)
                .into_iter()
                .filter_map(|(_, read)| read.ok())
                .map(|extracted| collapsed(&extracted.text))
                .collect();
            assert!(
                texts.iter().any(|text| text.contains(fields[2])),
                "{}: {:?} not in {texts:?}",
                fields[0],
                fields[2],
            );
            checked += 1;
        }
        assert_eq!(checked, 3);
    }

    #[test]
    fn a_utf16_message_has_its_headers_subject_and_date() {
        let extracted = read_file("fake-email-utf-16.eml");
        assert_eq!(extracted.title, "Test Email");
        // Fri, 16 Dec 2022 17:04:16 -0500
        assert_eq!(extracted.date, Some(1_671_228_256));
        assert!(extracted.text.starts_with(
            "From: Matthew Robinson <mrobinson@unstructured.io>\n\
             To: Matthew Robinson <mrobinson@unstructured.io>\n\
             Date: Fri, 16 Dec 2022 17:04:16 -0500\n\
             Subject: Test Email\n\n\
             This is a test email to use for unit tests."
        ));
        // The plain-text part, not the HTML one too.
        assert_eq!(extracted.text.matches("Roses are red").count(), 1);
    }

    #[test]
    fn attachments_are_named_in_the_text_and_read_on_their_own() {
        let extracted = read_file("fake-email-attachment.eml");
        assert_eq!(extracted.title, "Fake email with attachment");
        assert!(
            extracted
                .text
                .ends_with("Mallori\n\n--- attachment: fake-attachment.txt ---"),
            "{}",
            extracted.text
        );
        assert_eq!(extracted.embedded.len(), 1);
        let attachment = &extracted.embedded[0];
        assert_eq!(attachment.name, "fake-attachment.txt");
        assert_eq!(attachment.title.as_deref(), Some("fake-attachment.txt"));
        assert_eq!(attachment.format, Format::Text);
        assert!(
            String::from_utf8_lossy(attachment.content.as_ref().unwrap())
                .starts_with("Hey this is a fake attachment!")
        );

        let parts = read_file("dovecot-009.eml");
        assert_eq!(parts.title, "In parts");
        assert_eq!(parts.date, None);
        assert_eq!(
            parts.text,
            "Subject: In parts\n\nHi, this is the fancy thing I was talking about!\n\n\
             --- attachment: attachment-1 ---"
        );
        let all = read_all(&std::fs::read(formats_dir().join("dovecot-009.eml")).unwrap());
        assert_eq!(all[1].0, "attachment-1");
        let first_part = all[1].1.as_ref().unwrap();
        assert_eq!(first_part.format, Format::Email);
        assert!(
            first_part
                .text
                .contains("this is the first part of the message")
        );
    }

    /// A message attached to a message attached to … `levels` deep, the innermost saying
    /// `innermost words`.
    fn nested_message(levels: usize) -> String {
        let mut message = "Subject: innermost\r\n\r\ninnermost words\r\n".to_string();
        for level in 0..levels {
            message = format!(
                "Subject: level {level}\r\nContent-Type: multipart/mixed; boundary=\"b{level}\"\
                 \r\n\r\n--b{level}\r\nContent-Type: text/plain\r\n\r\nbody {level}\r\n\
                 --b{level}\r\nContent-Type: message/rfc822\r\n\r\n{message}\r\n--b{level}--\r\n"
            );
        }
        message
    }

    #[test]
    fn nested_messages_are_read_to_a_depth() {
        let shallow = read_all(nested_message(3).as_bytes());
        let paths: Vec<&str> = shallow.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "",
                "attachment-1",
                "attachment-1//attachment-1",
                "attachment-1//attachment-1//attachment-1"
            ]
        );
        let innermost = shallow[3].1.as_ref().unwrap();
        assert_eq!(innermost.title, "innermost");
        assert_eq!(innermost.text, "Subject: innermost\n\ninnermost words");
        assert_eq!(shallow[1].1.as_ref().unwrap().title, "level 1");

        let deep = read_all(nested_message(20).as_bytes());
        // The message, the ten read inside it, and the eleventh, skipped.
        assert_eq!(deep.len(), embedded::MAX_NESTING + 2);
        assert!(deep[embedded::MAX_NESTING].1.is_ok());
        assert_eq!(deep[0].1.as_ref().unwrap().title, "level 19");
        assert_eq!(
            deep.last().unwrap().1.as_ref().err(),
            Some(&SkipReason::TooDeep {
                levels: embedded::MAX_NESTING
            })
        );
    }

    #[test]
    fn hostile_messages_are_read_without_harm() {
        // A hundred thousand messages in messages, as they stand and inside a base64 part:
        // mail-parser would nest them all, and overflow the stack.
        let levels = 100_000;
        let chain = "Content-Type: Message / RFC822\r\n\r\n".repeat(levels) + "\r\ndeep";
        let deep = read_all(chain.as_bytes());
        assert!(matches!(
            deep.last().unwrap().1,
            Err(SkipReason::TooDeep { .. })
        ));
        let encoded = format!(
            "Subject: outer\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
             Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
            base64(chain.as_bytes())
        );
        let deep = read_all(encoded.as_bytes());
        assert_eq!(deep[0].1.as_ref().unwrap().title, "outer");
        assert!(matches!(
            deep.last().unwrap().1,
            Err(SkipReason::TooDeep { .. })
        ));
        let digests =
            "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\n".repeat(levels);
        assert!(read_all(digests.as_bytes()).len() > 1);

        assert_eq!(read(b"").unwrap_err(), SkipReason::Empty);
        assert_eq!(read(b" \r\n").unwrap_err(), SkipReason::BlankOnly);
        for bytes in [
            &b"\xff\xfe\x00"[..],
            b"Subject",
            b"\0\0\0",
            b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x",
            b"Content-Type: message/rfc822\r\n\r\n",
        ] {
            let _ = read(bytes);
        }
    }

    #[test]
    fn the_marks_are_where_mail_parser_would_nest_and_nowhere_else() {
        let marked = mark_nesting(
            b"Content-Type: message/(x)\"RFC822\"\r\nContent-Type: multipart / digest\r\n\r\n\
              a global view of message/rfc822 in rfc822 text",
        );
        assert_eq!(
            String::from_utf8(marked.into_owned()).unwrap(),
            "Content-Type: message/(x)\"RFC822\u{1}\"\r\nContent-Type: multipart / digest\u{1}\r\n\r\n\
             a global view of message/rfc822\u{1} in rfc822 text"
        );
        let message = b"Subject: s\r\n\r\nSee message/rfc822 and message/global.\r\n";
        assert!(
            read(message)
                .unwrap()
                .text
                .ends_with("See message/rfc822 and message/global.")
        );
    }

    #[test]
    fn the_messages_of_a_digest_are_attachments() {
        let digest = "Subject: Digest\r\nContent-Type: multipart/digest; boundary=d\r\n\r\n\
            --d\r\n\r\nSubject: first\r\nFrom: a@example.org\r\n\r\nfirst body\r\n\
            --d\r\n\r\nSubject: second\r\n\r\nsecond body\r\n--d--\r\n";
        let all = read_all(digest.as_bytes());
        let texts: Vec<(&str, &str)> = all
            .iter()
            .map(|(path, read)| (path.as_str(), read.as_ref().unwrap().text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                (
                    "",
                    "Subject: Digest\n\n--- attachment: message-1 ---\n\n\
                     --- attachment: message-2 ---"
                ),
                (
                    "message-1",
                    "From: a@example.org\nSubject: first\n\nfirst body"
                ),
                ("message-2", "Subject: second\n\nsecond body"),
            ]
        );
        assert_eq!(all[1].1.as_ref().unwrap().title, "first");
    }

    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for (i, chunk) in bytes.chunks(3).enumerate() {
            if i > 0 && i % 19 == 0 {
                out.push_str("\r\n");
            }
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (j, &b)| n | (b as u32) << (16 - 8 * j));
            for j in 0..4 {
                if j <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * j) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        #[test]
        fn any_message_is_read_or_refused_without_a_panic(
            message in "((Subject|From|Content-Type|Content-Transfer-Encoding): ?(multipart/(mixed|digest); boundary=b|message/(rfc822|partial)|text/(plain|html)|base64|quoted-printable|=\\?utf-8\\?q\\?x=41\\?=|a@b)?\r?\n|\r?\n|--b(--)?\r?\n|[a-z<>=/ ]{0,8}\r?\n){0,30}"
        ) {
            if let Ok(extracted) = read(message.as_bytes()) {
                let marked = |text: &str| text.contains(char::from(MARK));
                proptest::prop_assert!(!marked(&extracted.text), "{}", extracted.text);
                proptest::prop_assert!(!marked(&extracted.title), "{}", extracted.title);
            }
        }
    }
}
