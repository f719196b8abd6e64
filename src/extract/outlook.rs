//! Outlook messages (`.msg`), read with `msg_parser`: laid out as an `.eml` is (see
//! [`super::email`]): From, To, Cc, Date and Subject lines, a blank line, the plain-text
//! body (else the HTML body's visible text), then a line `--- attachment: NAME ---` for
//! each attachment. Each attachment of a format dossier reads, and each message attached
//! as a message, is a document of its own. Its title is its subject; its date the time it
//! was delivered, else sent.

use std::path::Path;

use msg_parser::Outlook;

use super::embedded::{Embedded, clean_name, unique_names};
use super::html::visible_text;
use super::{Extracted, Format, MailHeaders, SkipReason, title_of};

/// How many attachments of one message are looked at.
const MAX_ATTACHMENTS: usize = 1000;

/// The text of the Outlook message `bytes`.
pub fn read(bytes: &[u8]) -> Result<Extracted, SkipReason> {
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    let message = Outlook::from_slice(bytes).map_err(|error| SkipReason::Damaged {
        format: "Outlook message",
        detail: super::program::one_line(&error.to_string(), 200),
    })?;
    let mut text = String::new();
    let people = |people: &[msg_parser::Person]| {
        people
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let date = [&message.message_delivery_time, &message.client_submit_time]
        .into_iter()
        .find_map(|time| chrono::DateTime::parse_from_rfc3339(time).ok());
    for (label, value) in [
        ("From", message.sender.to_string()),
        ("To", people(&message.to)),
        ("Cc", people(&message.cc)),
        ("Date", date.map(|d| d.to_rfc2822()).unwrap_or_default()),
        ("Subject", message.subject.trim().to_string()),
    ] {
        if !value.trim().is_empty() {
            text.push_str(label);
            text.push_str(": ");
            text.push_str(&value);
            text.push('\n');
        }
    }
    if !text.is_empty() {
        text.push('\n');
    }
    let body = if message.body.trim().is_empty() {
        visible_text(&message.html).0
    } else {
        message.body.clone()
    };
    let top_body: String = body.chars().take(1000).collect();
    text.push_str(body.trim_end());

    let mut attached = Vec::new();
    for (number, attachment) in message.attachments.iter().take(MAX_ATTACHMENTS).enumerate() {
        let file_name = [
            &attachment.long_file_name,
            &attachment.file_name,
            &attachment.display_name,
        ]
        .into_iter()
        .map(|name| name.trim())
        .find(|name| !name.is_empty());
        let name = clean_name(
            file_name.unwrap_or(""),
            &format!("attachment-{}", number + 1),
        );
        let trimmed = text.trim_end().len();
        text.truncate(trimmed);
        text.push_str("\n\n--- attachment: ");
        text.push_str(&name);
        text.push_str(" ---");
        let format = if attachment.is_embedded_message() {
            Some(Format::OutlookMessage)
        } else {
            Format::of(Path::new(&name))
        };
        let Some(format) = format else {
            continue;
        };
        if attachment.payload_bytes.is_empty() {
            continue;
        }
        let title = (!attachment.is_embedded_message()).then(|| name.clone());
        attached.push(Embedded {
            name,
            title,
            format,
            content: Ok(attachment.payload_bytes.clone()),
        });
    }
    unique_names(&mut attached);
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(SkipReason::NoText);
    }
    let subject = message.subject.trim();
    let mut extracted = Extracted::new(Format::Email);
    extracted.title = title_of(if subject.is_empty() {
        &top_body
    } else {
        subject
    });
    extracted.text = text;
    extracted.date = date.map(|d| d.timestamp());
    extracted.embedded = attached;
    let recipients = [people(&message.to), people(&message.cc)];
    extracted.mail = Some(MailHeaders {
        from: message.sender.to_string(),
        to: recipients
            .into_iter()
            .filter(|list| !list.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        subject: subject.to_string(),
    });
    Ok(extracted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::test_files::formats_dir;

    #[test]
    fn a_message_has_its_headers_body_and_attachment() {
        let path = formats_dir().join("fake-email-attachment.msg");
        let extracted = read(&std::fs::read(path).unwrap()).unwrap();
        assert_eq!(extracted.format, Format::Email);
        assert_eq!(extracted.title, "Fake email with attachment");
        assert!(
            extracted
                .text
                .contains("Subject: Fake email with attachment\n"),
            "{}",
            extracted.text
        );
        assert!(
            extracted
                .text
                .contains("--- attachment: fake-attachment.txt ---")
        );
        assert_eq!(extracted.embedded.len(), 1);
        let attachment = &extracted.embedded[0];
        assert_eq!(attachment.name, "fake-attachment.txt");
        assert!(
            String::from_utf8_lossy(attachment.content.as_ref().unwrap())
                .contains("Hey this is a fake attachment")
        );
    }

    #[test]
    fn what_is_not_a_message_is_damaged() {
        assert_eq!(read(b""), Err(SkipReason::Empty));
        assert!(matches!(
            read(b"not a message"),
            Err(SkipReason::Damaged { .. })
        ));
        let ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 and then nothing";
        assert!(matches!(read(ole), Err(SkipReason::Damaged { .. })));
    }
}
