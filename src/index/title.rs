//! The title a document is ranked by: the one its format gives (an HTML `<title>` or first
//! heading, an e-mail's Subject, a PDF's or an office document's own title), or its first
//! line when that line looks like a heading. A first line that is the start of the text
//! (a hard-wrapped paragraph, a caption, a transcript's first words) is shown as the
//! document's title but not weighted as one.

/// A heading is at most this many characters: a longer first line is a paragraph.
const LONGEST_HEADING_CHARS: usize = 200;

/// The title to index and weigh for a document whose title is `title` and text `text`;
/// `None` when the title is only the text's first line and that line is no heading.
pub fn weighted_title<'a>(title: &'a str, text: &str) -> Option<&'a str> {
    let title_text = title.trim();
    if title_text.is_empty() {
        return None;
    }
    let mut lines = text
        .lines()
        .map(|line| line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
        .skip_while(|line| line.is_empty());
    let Some(first) = lines.next() else {
        return Some(title);
    };
    // A title the format gave, not the first line (a title cut short is still the line).
    if !first.starts_with(title_text) {
        return Some(title);
    }
    let heading = first.starts_with('#')
        || first.chars().count() <= LONGEST_HEADING_CHARS && lines.next().is_none_or(str::is_empty);
    heading.then_some(title)
}

#[cfg(test)]
mod tests {
    use super::weighted_title;

    #[test]
    fn a_first_line_is_a_title_only_when_it_looks_like_a_heading() {
        let heading = "Envoy Witkoff Bridges Dialogue Between Moscow and Kyiv";
        let text = format!("{heading}\n\nWASHINGTON – U.S. special envoy Steve Witkoff is set");
        assert_eq!(weighted_title(heading, &text), Some(heading));
        assert_eq!(weighted_title(heading, heading), Some(heading));
        assert_eq!(
            weighted_title("# Notes", "# Notes\nfirst point"),
            Some("# Notes")
        );
        // Lines of a hard-wrapped paragraph: the first runs on into the second.
        let line = "In late October, Trump administration officials met with Kirill";
        let text = format!("{line}\nDmitriev, a sanctioned Russian envoy, in Miami.\n");
        assert_eq!(weighted_title(line, &text), None);
        // One paragraph a line: too long for a heading.
        let paragraph = "When Kirill Dmitriev lands in Miami this weekend ".repeat(5);
        let text = format!("{paragraph}\n\nMore.");
        assert_eq!(weighted_title(&paragraph, &text), None);
    }

    #[test]
    fn a_title_the_format_gives_is_a_title() {
        let text = "From: a@b.c\nSubject: Talks\n\nThe talks in Miami went on\nall night.";
        assert_eq!(weighted_title("Talks", text), Some("Talks"));
        assert_eq!(weighted_title("", text), None);
        assert_eq!(weighted_title("  ", "text"), None);
    }
}
