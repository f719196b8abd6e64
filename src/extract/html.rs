//! HTML web pages: the text a browser shows, and the page's title.
//!
//! The bytes are decoded as a browser would decide: a byte-order mark, else the charset a
//! `<meta>` tag (or an XML declaration) names near the start, else UTF-8 if they are valid
//! UTF-8, else what the plain-text reader makes of them (repaired UTF-8 or a detected
//! encoding, with a note). html5ever, through `scraper`, parses the page as a browser does.
//!
//! Only what is shown counts: the head, scripts, styles, templates and hidden elements are
//! left out. Block elements (list items, table rows and cells, `<div>`s, `<br>`…) end lines;
//! paragraphs, headings, tables and `<pre>` are set apart by a blank line; runs of white
//! space inside a block become one space, except in `<pre>`. [`visible_text`] is also what
//! the e-mail and e-book readers use for their HTML.
//!
//! The parser's work grows with the square of how deep elements nest, so a page nested
//! deeper than [`MAX_NESTING`] (a hostile one, or one that never closes its tags) is read
//! without its structure: its text, with a line break for each block element.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use scraper::{Html, Node};

use super::{Extracted, Format, SkipReason, text, title_of};

/// How much of a page's start is searched for the charset it declares. The HTML standard
/// says 1024 bytes; pages with long comments or scripts before their `<meta>` are common,
/// and browsers then reload with the charset found later.
const DECLARATION_BYTES: usize = 8192;

/// Elements whose content is never shown.
const DROPPED: &[&str] = &[
    "head", "title", "script", "style", "template", "noscript", "iframe",
];

/// Elements that end a line where they start and end.
const LINE_BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "footer",
    "form",
    "header",
    "hgroup",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "option",
    "section",
    "summary",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements set apart by a blank line.
const PARAGRAPH_BLOCKS: &[&str] = &[
    "blockquote",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "p",
    "pre",
    "table",
];

const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];

/// The visible text of an HTML page, and its title: `<title>`, else its first heading, else
/// its first line.
pub fn read(bytes: &[u8]) -> Result<Extracted, SkipReason> {
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    if let Some(binary) = super::text::not_text(bytes) {
        return Err(binary);
    }
    let decoded = decode(bytes);
    let flat = flattened_if_too_deep(&decoded.text);
    let (text, title) = parsed_text(flat.as_deref().unwrap_or(&decoded.text));
    if text.is_empty() {
        return Err(SkipReason::NoText);
    }
    let title = title_of(title.as_deref().unwrap_or(&text));
    let flat_note = flat.map(|_| {
        format!("elements nested more than {MAX_NESTING} deep: read without its structure")
    });
    let note = match (decoded.note, flat_note) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    };
    Ok(Extracted {
        title,
        text,
        encoding: decoded.encoding,
        note,
        ..Extracted::new(Format::Html)
    })
}

/// A page's bytes as text.
pub(crate) struct Decoded {
    pub text: String,
    /// `None` when the bytes were UTF-8 as they stand.
    pub encoding: Option<&'static Encoding>,
    pub note: Option<String>,
}

/// Decodes an HTML (or XHTML) page: byte-order mark, declared charset, valid UTF-8, then
/// the plain-text reader's repair or detection.
pub(crate) fn decode(bytes: &[u8]) -> Decoded {
    let declared = match Encoding::for_bom(bytes) {
        Some((encoding, _)) => Some(encoding),
        None => declared_charset(&bytes[..bytes.len().min(DECLARATION_BYTES)]),
    };
    match declared {
        // Declared UTF-8 that is not is read like undeclared text: repaired, or detected.
        Some(encoding) if encoding != UTF_8 => {
            let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
            Decoded {
                text: text.into_owned(),
                encoding: Some(encoding),
                note: had_errors
                    .then(|| format!("malformed {} replaced with U+FFFD", encoding.name())),
            }
        }
        _ => {
            let without_bom = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            match std::str::from_utf8(without_bom) {
                Ok(text) => Decoded {
                    text: text.to_string(),
                    encoding: None,
                    note: None,
                },
                Err(_) => {
                    let (text, encoding, note) = text::decode_not_utf8(bytes);
                    Decoded {
                        text,
                        encoding: Some(encoding),
                        note: Some(note),
                    }
                }
            }
        }
    }
}

/// The encoding a page's start declares: `<meta charset>`, `<meta http-equiv=Content-Type
/// content="…; charset=…">`, or an XML declaration's `encoding`. A declaration of UTF-16
/// in a page that could be read as ASCII is wrong, and means UTF-8 (as in browsers).
fn declared_charset(head: &[u8]) -> Option<&'static Encoding> {
    let head = head.to_ascii_lowercase();
    let mut label = None;
    if head.starts_with(b"<?xml") {
        let end = find(&head, b"?>", 0).unwrap_or(head.len());
        label = attribute(&head[..end], b"encoding");
    }
    let mut at = 0;
    while label.is_none() {
        let Some(tag) = find(&head, b"<", at) else {
            break;
        };
        if head[tag..].starts_with(b"<!--") {
            at = find(&head, b"-->", tag + 4).map_or(head.len(), |end| end + 3);
            continue;
        }
        let end = find(&head, b">", tag).unwrap_or(head.len());
        let element = &head[tag..end];
        at = end;
        if !element.starts_with(b"<meta") {
            continue;
        }
        label = attribute(element, b"charset").or_else(|| {
            let content = attribute(element, b"content")?;
            let equiv = attribute(element, b"http-equiv")?;
            (equiv == b"content-type")
                .then(|| charset_in_content(content))
                .flatten()
        });
    }
    let encoding = Encoding::for_label(label?)?;
    Some(match encoding {
        e if e == UTF_16LE || e == UTF_16BE => UTF_8,
        e if e.name() == "x-user-defined" => WINDOWS_1252,
        e => e,
    })
}

/// Where `needle` first occurs in `haystack` at or after `from`.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|at| at + from)
}

/// The value of attribute `name` in the (lower-cased) text of a start tag, quoted or not.
fn attribute<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut at = 0;
    while let Some(found) = find(tag, name, at) {
        at = found + name.len();
        let before_ok = found > 0 && matches!(tag[found - 1], b' ' | b'\t' | b'\n' | b'\r' | b'/');
        let rest = &tag[at..];
        let rest = rest.trim_ascii_start();
        let Some(value) = rest.strip_prefix(b"=") else {
            continue;
        };
        if !before_ok {
            continue;
        }
        let value = value.trim_ascii_start();
        let (quote, value) = match value.first() {
            Some(&q @ (b'"' | b'\'')) => (Some(q), &value[1..]),
            _ => (None, value),
        };
        let end = value
            .iter()
            .position(|&b| match quote {
                Some(q) => b == q,
                None => b.is_ascii_whitespace() || b"/>\"';".contains(&b),
            })
            .unwrap_or(value.len());
        return Some(&value[..end]);
    }
    None
}

/// The charset in a Content-Type value: `text/html; charset=windows-1252`.
fn charset_in_content(content: &[u8]) -> Option<&[u8]> {
    let at = find(content, b"charset", 0)? + b"charset".len();
    let value = content[at..].trim_ascii_start().strip_prefix(b"=")?;
    let value = value.trim_ascii_start();
    let value = value
        .strip_prefix(b"\"")
        .or_else(|| value.strip_prefix(b"'"))
        .unwrap_or(value);
    let end = value
        .iter()
        .position(|&b| b == b';' || b == b'"' || b == b'\'' || b.is_ascii_whitespace())
        .unwrap_or(value.len());
    Some(&value[..end])
}

/// The text a browser shows of `html`, and its title: `<title>` if it has one, else its
/// first heading. A page nested too deep is read without its structure.
pub(crate) fn visible_text(html: &str) -> (String, Option<String>) {
    match flattened_if_too_deep(html) {
        Some(flat) => parsed_text(&flat),
        None => parsed_text(html),
    }
}

/// How deep elements may nest before a page is read without its structure. The HTML
/// parser's cost grows with the square of the depth (it searches the open elements at
/// each tag), so a page of a million nested `<div>`s would take hours; browsers stop
/// nesting at 512.
const MAX_NESTING: usize = 1000;

/// Elements whose end tag may be left out, closed by what follows: not counted as nesting.
const IMPLIED_END: &[&str] = &[
    "body", "caption", "colgroup", "dd", "dt", "head", "html", "li", "optgroup", "option", "p",
    "rb", "rp", "rt", "rtc", "tbody", "td", "tfoot", "th", "thead", "tr",
];

/// Elements without content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// A page whose elements nest deeper than [`MAX_NESTING`] (by a cheap count of start and
/// end tags, which only over-counts), rewritten without its structure: its text, block
/// elements as `<br>`, what is never shown left out. `None` for any other page.
fn flattened_if_too_deep(html: &str) -> Option<String> {
    if !scan_tags(html, None) {
        return None;
    }
    let mut flat = String::new();
    scan_tags(html, Some(&mut flat));
    Some(flat)
}

/// Goes through the tags of `html`, writing its flattened form to `flat` if given; returns
/// whether elements nest deeper than [`MAX_NESTING`].
fn scan_tags(html: &str, mut flat: Option<&mut String>) -> bool {
    let bytes = html.as_bytes();
    let lower = |range: std::ops::Range<usize>| html[range].to_ascii_lowercase();
    let tag_name_end = |from: usize| {
        bytes[from..]
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
            .map_or(bytes.len(), |n| from + n)
    };
    let mut open: Vec<String> = Vec::new();
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut too_deep = false;
    let mut text_start = 0;
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|&b| b == b'<') {
        let tag = at + offset;
        let next = bytes.get(tag + 1).copied().unwrap_or(b' ');
        let (end, name, closing) = if bytes[tag..].starts_with(b"<!--") {
            let end = find(bytes, b"-->", tag + 4).map_or(bytes.len(), |end| end + 3);
            (end, String::new(), false)
        } else if next == b'!' || next == b'?' {
            let end = find(bytes, b">", tag).map_or(bytes.len(), |end| end + 1);
            (end, String::new(), false)
        } else if next == b'/' && bytes.get(tag + 2).is_some_and(u8::is_ascii_alphabetic) {
            let name_end = tag_name_end(tag + 2);
            let end = find(bytes, b">", name_end).map_or(bytes.len(), |end| end + 1);
            (end, lower(tag + 2..name_end), true)
        } else if next.is_ascii_alphabetic() {
            let name_end = tag_name_end(tag + 1);
            let end = start_tag_end(bytes, name_end);
            (end, lower(tag + 1..name_end), false)
        } else {
            at = tag + 1;
            continue;
        };
        if let Some(flat) = flat.as_deref_mut() {
            flat.push_str(&html[text_start..tag]);
        }
        let mut after = end;
        if closing {
            if counts.get(&name).is_some_and(|&n| n > 0) {
                while let Some(top) = open.pop() {
                    if let Some(n) = counts.get_mut(&top) {
                        *n = n.saturating_sub(1);
                    }
                    if top == name {
                        break;
                    }
                }
            }
        } else if !name.is_empty() {
            if RAW_TEXT.contains(&name.as_str()) {
                after = end_tag_at(bytes, end, name.as_bytes())
                    .and_then(|close| find(bytes, b">", close))
                    .map_or(bytes.len(), |close| close + 1);
            } else if !VOID.contains(&name.as_str()) && !IMPLIED_END.contains(&name.as_str()) {
                *counts.entry(name.clone()).or_default() += 1;
                open.push(name.clone());
                too_deep |= open.len() > MAX_NESTING;
                if too_deep && flat.is_none() {
                    return true;
                }
            }
        }
        let block = LINE_BLOCKS.contains(&name.as_str())
            || PARAGRAPH_BLOCKS.contains(&name.as_str())
            || name == "br";
        if let Some(flat) = flat.as_deref_mut()
            && block
            && !flat.ends_with("<br>")
        {
            flat.push_str("<br>");
        }
        at = after;
        text_start = after;
    }
    if let Some(flat) = flat {
        flat.push_str(html.get(text_start..).unwrap_or(""));
    }
    too_deep
}

/// Where the first end tag of element `name` (lower case) at or after `from` starts.
fn end_tag_at(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(close) = find(bytes, b"</", at) {
        let after_name = close + 2 + name.len();
        if bytes
            .get(close + 2..after_name)
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name))
        {
            return Some(close);
        }
        at = close + 2;
    }
    None
}

/// Where a start tag whose name ends at `from` ends: after its `>`, outside quoted
/// attribute values (a quote opens one only right after `=`).
fn start_tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    let mut after_equals = false;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if after_equals && (b == b'"' || b == b'\'') => quote = Some(b),
            None if b == b'>' => return i + 1,
            None => {}
        }
        if !b.is_ascii_whitespace() {
            after_equals = quote.is_none() && b == b'=';
        }
    }
    bytes.len()
}

/// The text and title of a page, parsed.
fn parsed_text(html: &str) -> (String, Option<String>) {
    let document = Html::parse_document(html);
    let mut out = TextBuilder::default();
    let title = document
        .tree
        .root()
        .descendants()
        .find(|node| {
            node.value().as_element().is_some_and(|element| {
                element.name() == "title" && &*element.name.ns == "http://www.w3.org/1999/xhtml"
            })
        })
        .map(|title| {
            let text: String = title
                .children()
                .filter_map(|child| child.value().as_text().map(|t| &**t))
                .collect();
            collapse_whitespace(&text)
        })
        .filter(|title| !title.is_empty());
    let mut first_heading: Option<String> = None;
    let mut heading_start: Option<usize> = None;
    let mut pre_depth = 0usize;

    // Depth first, without recursion (pages can nest deeper than a stack is), entering
    // only elements that are shown.
    let root = document.tree.root();
    let mut node = root;
    'walk: loop {
        let mut enter = false;
        match node.value() {
            Node::Text(text) if pre_depth > 0 => out.push_preformatted(text),
            Node::Text(text) => out.push_text(text),
            Node::Element(element) => {
                let name = element.name();
                if is_shown(element) {
                    enter = true;
                    open_element(name, &mut out, &mut pre_depth);
                    if HEADINGS.contains(&name) && heading_start.is_none() {
                        heading_start = Some(out.len());
                    }
                }
            }
            Node::Document | Node::Fragment => enter = true,
            _ => {}
        }
        if enter && let Some(child) = node.first_child() {
            node = child;
            continue;
        }
        // Leave the node, and every ancestor whose last child it is.
        loop {
            if let Node::Element(element) = node.value()
                && is_shown(element)
            {
                let name = element.name();
                close_element(name, &mut out, &mut pre_depth);
                if HEADINGS.contains(&name)
                    && let Some(start) = heading_start.take()
                    && first_heading.is_none()
                {
                    let heading = collapse_whitespace(out.since(start));
                    first_heading = (!heading.is_empty()).then_some(heading);
                }
            }
            if node == root {
                break 'walk;
            }
            if let Some(sibling) = node.next_sibling() {
                node = sibling;
                break;
            }
            match node.parent() {
                Some(parent) => node = parent,
                None => break 'walk,
            }
        }
    }
    (out.finish(), title.or(first_heading))
}

/// Whether an element's content is shown (and so entered, then left, by the walk).
fn is_shown(element: &scraper::node::Element) -> bool {
    !(DROPPED.contains(&element.name()) || is_hidden(element))
}

/// Whether an element is hidden by its own attributes (`hidden`, `display: none`).
fn is_hidden(element: &scraper::node::Element) -> bool {
    if element.attr("hidden").is_some() {
        return true;
    }
    element.attr("style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
}

fn open_element(name: &str, out: &mut TextBuilder, pre_depth: &mut usize) {
    if name == "br" {
        out.line_break();
    } else if PARAGRAPH_BLOCKS.contains(&name) {
        out.block_break(2);
    } else if LINE_BLOCKS.contains(&name) {
        out.block_break(1);
    }
    if name == "pre" || name == "textarea" || name == "listing" || name == "plaintext" {
        *pre_depth += 1;
    }
}

fn close_element(name: &str, out: &mut TextBuilder, pre_depth: &mut usize) {
    if PARAGRAPH_BLOCKS.contains(&name) {
        out.block_break(2);
    } else if LINE_BLOCKS.contains(&name) {
        out.block_break(1);
    }
    if name == "pre" || name == "textarea" || name == "listing" || name == "plaintext" {
        *pre_depth = pre_depth.saturating_sub(1);
    }
}

/// `text` with runs of white space made one space, and trimmed.
fn collapse_whitespace(text: &str) -> String {
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text being built: breaks and spaces wait until text follows them, so that the text
/// neither starts nor ends with white space, and breaks do not pile up.
#[derive(Default)]
struct TextBuilder {
    out: String,
    /// Line breaks owed before the next text (2: a blank line).
    newlines: usize,
    /// A space owed before the next text.
    space: bool,
}

impl TextBuilder {
    fn len(&self) -> usize {
        self.out.len()
    }

    /// The text written since byte `start`.
    fn since(&self, start: usize) -> &str {
        self.out.get(start..).unwrap_or("")
    }

    /// A block starts or ends: at least `newlines` line breaks before what follows.
    fn block_break(&mut self, newlines: usize) {
        self.newlines = self.newlines.max(newlines);
    }

    /// `<br>`: one more line break, up to a blank line.
    fn line_break(&mut self) {
        self.newlines = (self.newlines + 1).min(2);
    }

    fn flush(&mut self) {
        if self.out.is_empty() {
            self.newlines = 0;
            self.space = false;
            return;
        }
        if self.newlines > 0 {
            // Text from `<pre>` may have ended its own line already.
            let ended = self.out.len() - self.out.trim_end_matches('\n').len();
            for _ in ended..self.newlines {
                self.out.push('\n');
            }
        } else if self.space {
            self.out.push(' ');
        }
        self.newlines = 0;
        self.space = false;
    }

    /// Text in normal flow: each run of white space is one space.
    fn push_text(&mut self, text: &str) {
        for (i, word) in text.split_ascii_whitespace().enumerate() {
            if i > 0 || text.starts_with(|c: char| c.is_ascii_whitespace()) {
                self.space = true;
            }
            self.flush();
            self.out.push_str(word);
        }
        if text.ends_with(|c: char| c.is_ascii_whitespace()) {
            self.space = true;
        }
    }

    /// Text in `<pre>`: as it stands, line breaks included.
    fn push_preformatted(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.flush();
        self.out.push_str(text);
    }

    /// The text, without the white space `<pre>` text may have left at its ends.
    fn finish(mut self) -> String {
        let trimmed = self.out.trim_end().len();
        self.out.truncate(trimmed);
        let blank_start = self.out.len() - self.out.trim_start_matches(['\n', '\r']).len();
        self.out.drain(..blank_start);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::test_files::{collapsed, formats_dir};

    /// The html lines of `expected.tsv`: (file, phrase).
    fn expected(kind: &str) -> Vec<(String, String)> {
        let table = std::fs::read_to_string(formats_dir().join("expected.tsv")).unwrap();
        table
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let fields: Vec<&str> = line.split('\t').collect();
                (fields.len() == 4 && fields[3] == kind)
                    .then(|| (fields[0].to_string(), fields[2].to_string()))
            })
            .collect()
    }

    #[test]
    fn the_expected_phrases_are_in_the_pages() {
        let lines = expected("html");
        assert!(lines.len() >= 2);
        for (file, phrase) in lines {
            let bytes = std::fs::read(formats_dir().join(&file)).unwrap();
            let extracted = read(&bytes).unwrap();
            assert_eq!(extracted.format, Format::Html);
            assert!(
                collapsed(&extracted.text).contains(&phrase),
                "{file}: {phrase:?} not in {:?}",
                extracted.text
            );
        }
    }

    #[test]
    fn a_windows_1252_page_is_detected_and_its_title_is_its_first_heading() {
        let bytes = std::fs::read(formats_dir().join("fake-html-cp1252.html")).unwrap();
        let extracted = read(&bytes).unwrap();
        assert_eq!(extracted.encoding, Some(WINDOWS_1252));
        assert!(extracted.note.unwrap().contains("windows-1252 (detected)"));
        assert_eq!(extracted.title, "My First Heading");
        assert!(extracted.text.contains("Der Preis betrug 15,50 €."));
        // `<pre>` keeps its lines.
        assert!(
            extracted
                .text
                .contains("15,50 €.\nL'été était très chaud cette année.")
        );
    }

    #[test]
    fn blocks_are_lines_and_paragraphs() {
        let bytes = std::fs::read(formats_dir().join("fake-html.html")).unwrap();
        let extracted = read(&bytes).unwrap();
        assert_eq!(extracted.encoding, None);
        assert_eq!(extracted.title, "My First Heading");
        let text = extracted.text;
        assert!(text.starts_with("My First Heading\n\nMy Second Heading\n\nMy first paragraph."));
        assert!(text.contains("\nA test list\nWith sub-bullets!\nAnd another\nBack at the root\n"));
        assert!(text.contains("\nRow 1, Cell 1\nRow 1, Cell 2\n"));
        assert!(text.ends_with("Row 2, Cell 2"));
    }

    #[test]
    fn scripts_and_styles_are_not_text_but_escaped_markup_is() {
        let page = "<!DOCTYPE html><html><head><title> The \n page </title>\
            <style>p { color: stylecolour }</style><script>var secret = 'scriptword';</script>\
            </head><body><script>document.write('bodyscript')</script>\
            <p>Write &lt;script&gt;alert(1)&lt;/script&gt; in   the\n   box.</p>\
            <template><p>templateword</p></template><noscript>noscriptword</noscript>\
            <div hidden>hiddenword</div><div style=\"display: none\">styledword</div>\
            <p>One<br>two<br><br>three</p><pre>  line 1\n<b>bold</b>\n  line 3\n</pre>after</body></html>";
        let extracted = read(page.as_bytes()).unwrap();
        assert_eq!(extracted.title, "The page");
        assert_eq!(
            extracted.text,
            "Write <script>alert(1)</script> in the box.\n\nOne\ntwo\n\nthree\n\n  line 1\nbold\n  line 3\n\nafter"
        );
    }

    #[test]
    fn the_declared_charset_is_used() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" \
            content=\"text/html; charset=ISO-8859-1\"></head><body>Caf\xe9</body></html>";
        let extracted = read(page).unwrap();
        assert_eq!(extracted.text, "Café");
        assert_eq!(extracted.encoding, Some(WINDOWS_1252));
        assert_eq!(extracted.note, None);
        let koi8 = b"<meta charset='koi8-r'><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>";
        assert_eq!(read(koi8).unwrap().text, "Привет");
        let commented = b"<!-- <meta charset=koi8-r> --><meta charset=utf-8><p>caf\xc3\xa9</p>";
        let extracted = read(commented).unwrap();
        assert_eq!(extracted.text, "café");
        assert_eq!(extracted.encoding, None);
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("<p>Grüße</p>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(read(&utf16).unwrap().text, "Grüße");
    }

    #[test]
    fn pages_without_text_are_refused() {
        assert_eq!(read(b"").unwrap_err(), SkipReason::Empty);
        assert_eq!(
            read(b"<html><head><title>t</title></head><body> <img src=x> </body></html>")
                .unwrap_err(),
            SkipReason::NoText
        );
    }

    #[test]
    fn deeply_nested_pages_are_read_without_their_structure_in_time() {
        let depth = 200_000;
        let page = format!(
            "<title>Deep</title><script>a < b</script>{}deep &amp; <b title=it's>bold</b>{}<p>after",
            "<div class=\"a>b\">".repeat(depth),
            "</div>".repeat(depth)
        );
        let started = std::time::Instant::now();
        let (text, _) = visible_text(&page);
        assert_eq!(text, "deep & bold\nafter");
        let mismatched = "<div></span>".repeat(depth) + "text";
        assert_eq!(visible_text(&mismatched).0, "text");
        let spans = "<span>".repeat(depth) + "inline";
        assert_eq!(visible_text(&spans).0, "inline");
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        let shallow = format!("{}text{}", "<div>".repeat(50), "</div>".repeat(50));
        assert_eq!(flattened_if_too_deep(&shallow), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]
        #[test]
        fn any_markup_gives_trimmed_text_without_a_panic(
            page in "(<(p|div|pre|br|b|script|style|title|h1|td|tr|table|!--)( a=\"[x>']\")?/?>|</(p|div|pre|b|script|style|h1|table)>|&(amp|lt|#x41|bogus);|[a-z \n\t]{0,6}|\u{a0}|é){0,40}"
        ) {
            let (text, title) = visible_text(&page);
            proptest::prop_assert_eq!(text.trim_end(), &text);
            proptest::prop_assert!(!text.starts_with('\n'));
            // Outside `<pre>`, white space never starts the text, nor piles up.
            if !page.contains("<pre") {
                proptest::prop_assert!(!text.starts_with([' ', '\t']));
                proptest::prop_assert!(!text.contains("\n\n\n"));
                proptest::prop_assert!(!text.contains("  "));
            }
            if let Some(title) = title {
                proptest::prop_assert!(!title.is_empty());
            }
            let _ = read(page.as_bytes());
        }
    }
}
