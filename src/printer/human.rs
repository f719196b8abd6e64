//! The rendering for a person: rank, document ID, title and score, then each passage line
//! by line with its line number, highlights in colour (or between `**` without colour);
//! for quotations, the verdict and the differences marked `[-expected-]{+found+}`.

use termcolor::{Color, ColorSpec, WriteColor};

use crate::highlight::passage::Passage;
use crate::quote::{Difference, QuoteResults, Verdict};
use crate::search::{Hit, SearchResults};

/// Marks a highlight when there is no colour to show it.
const PLAIN_MARK: &str = "**";

pub fn print(out: &mut dyn WriteColor, results: &SearchResults) -> std::io::Result<()> {
    for (i, hit) in results.hits.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        print_hit(out, hit)?;
    }
    let shown = results.hits.len();
    let after = results.offset + shown;
    let footer = if results.total_hits == 0 {
        None
    } else if shown == 0 && results.offset >= results.total_hits {
        Some(format!(
            "no document shown: --offset {} is past the last of the {} matching documents",
            results.offset, results.total_hits
        ))
    } else if results.offset > 0 && shown > 0 {
        let next = if after < results.total_hits {
            format!("; --offset {after} shows the next")
        } else {
            String::new()
        };
        let which = if shown == 1 {
            format!("document {after}")
        } else {
            format!("documents {}–{after}", results.offset + 1)
        };
        Some(format!(
            "{which} of {} matching shown{next}",
            results.total_hits
        ))
    } else if results.total_hits > shown {
        Some(format!(
            "{shown} of {} matching documents shown; --limit shows more",
            results.total_hits
        ))
    } else {
        None
    };
    if let Some(footer) = footer {
        out.set_color(ColorSpec::new().set_dimmed(true))?;
        write!(out, "\n{footer}")?;
        out.reset()?;
        writeln!(out)?;
    }
    Ok(())
}

fn print_hit(out: &mut dyn WriteColor, hit: &Hit) -> std::io::Result<()> {
    write!(out, "{}. ", hit.rank)?;
    out.set_color(ColorSpec::new().set_fg(Some(Color::Magenta)).set_bold(true))?;
    write!(out, "{}", printable(&hit.doc_id))?;
    out.reset()?;
    out.set_color(ColorSpec::new().set_dimmed(true))?;
    write!(out, "  {}", hit.date)?;
    if let Some(language) = &hit.lang {
        write!(out, "  {language}")?;
    }
    write!(out, "  score {:.2}", hit.score)?;
    out.reset()?;
    writeln!(out)?;
    out.set_color(ColorSpec::new().set_bold(true))?;
    write!(out, "   {}", printable(&hit.title))?;
    out.reset()?;
    writeln!(out)?;
    for passage in &hit.passages {
        write_passage(out, passage, &[])?;
    }
    Ok(())
}

/// Prints quotation matches: verdict, similarity, document and the quotation's line, then
/// the passage with the matched words highlighted and the differences marked
/// `[-expected-]{+found+}`.
pub fn print_quotes(out: &mut dyn WriteColor, results: &QuoteResults) -> std::io::Result<()> {
    for (i, found) in results.matches.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let (label, colour) = match found.verdict {
            Verdict::Verbatim => ("verbatim".to_string(), Color::Green),
            Verdict::Near => (
                // Rounded down: a match shown as 85% is one that `--min-similarity 0.85`
                // keeps (0.857 shown as 86% was dropped by 0.86).
                format!("near {}%", (found.similarity * 100.0).floor()),
                Color::Yellow,
            ),
        };
        out.set_color(ColorSpec::new().set_fg(Some(colour)).set_bold(true))?;
        write!(out, "{label}")?;
        out.reset()?;
        write!(out, "  ")?;
        out.set_color(ColorSpec::new().set_fg(Some(Color::Magenta)).set_bold(true))?;
        write!(out, "{}", printable(&found.doc_id))?;
        out.reset()?;
        writeln!(out, "  line {}", found.quotation_line)?;
        out.set_color(ColorSpec::new().set_bold(true))?;
        write!(out, "   {}", printable(&found.title))?;
        out.reset()?;
        writeln!(out)?;
        write_passage(out, &found.passage, &found.differences)?;
    }
    Ok(())
}

/// Writes a passage line by line with line numbers (after its page, in a document with
/// pages), its highlights, and `differences` (byte ranges of the passage) in their marked
/// form.
fn write_passage(
    out: &mut dyn WriteColor,
    passage: &Passage,
    differences: &[Difference],
) -> std::io::Result<()> {
    let text = passage.text.as_str();
    let mut line = passage.line;
    let mut highlights = passage.highlights.iter().peekable();
    let mut differences = differences.iter().peekable();
    // Whether the text written is within a highlight, and whether its mark is open.
    let mut in_highlight = false;
    let mut marked = false;
    let mut skip_to = 0;
    // Characters are written a run at a time: one `write!` each made printing two passages
    // cost more than searching for them.
    let mut run = String::new();
    if passage.page.is_some() || passage.ocr {
        let page = passage.page.map(|page| {
            let printed = |label: Option<&str>| label.map(|l| printable(l).into_owned());
            match (passage.last_page, printed(passage.page_label.as_deref())) {
                (None, Some(label)) => format!("p. {page} (printed {label})"),
                (None, None) => format!("p. {page}"),
                (Some(last), Some(label)) => {
                    let last_label =
                        printed(passage.last_page_label.as_deref()).unwrap_or_default();
                    format!("pp. {page}–{last} (printed {label}–{last_label})")
                }
                (Some(last), None) => format!("pp. {page}–{last}"),
            }
        });
        let ocr = passage
            .ocr
            .then_some("OCR: check against the image before citing");
        let label: Vec<&str> = page.as_deref().into_iter().chain(ocr).collect();
        out.set_color(ColorSpec::new().set_fg(Some(Color::Green)))?;
        write!(out, "{:>6}", label.join("  "))?;
        out.reset()?;
        writeln!(out)?;
    }
    write_line_number(out, line)?;
    for (offset, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), '\0')))
    {
        if in_highlight && highlights.peek().is_some_and(|h| h.end <= offset) {
            if marked {
                write_run(out, &mut run)?;
                end_highlight(out)?;
                marked = false;
            }
            highlights.next();
            in_highlight = false;
        }
        while let Some(difference) = differences.next_if(|d| d.start <= offset) {
            write_run(out, &mut run)?;
            write_difference(out, difference)?;
            skip_to = skip_to.max(difference.end);
        }
        let line_break = c == '\n' || (c == '\r' && !text[offset + 1..].starts_with('\n'));
        if offset < skip_to {
            // A difference written on one line counts the lines it spans, so that the next
            // line is numbered as it stands in the document.
            line += usize::from(line_break);
            continue;
        }
        if offset == text.len() {
            continue;
        }
        if !in_highlight && highlights.peek().is_some_and(|h| h.start == offset) {
            in_highlight = true;
        }
        if line_break {
            write_run(out, &mut run)?;
            // A highlight that spans a line break is closed, and opened again on the next
            // line that has a character of it (not on a blank line between).
            if marked {
                end_highlight(out)?;
                marked = false;
            }
            line += 1;
            writeln!(out)?;
            write_line_number(out, line)?;
        } else if c != '\r' {
            if in_highlight && !marked {
                write_run(out, &mut run)?;
                start_highlight(out)?;
                marked = true;
            }
            run.extend(printable_char(c));
        }
    }
    write_run(out, &mut run)?;
    if marked {
        end_highlight(out)?;
    }
    writeln!(out)
}

/// Writes the characters gathered so far and starts a new run.
fn write_run(out: &mut dyn WriteColor, run: &mut String) -> std::io::Result<()> {
    out.write_all(run.as_bytes())?;
    run.clear();
    Ok(())
}

fn write_difference(out: &mut dyn WriteColor, difference: &Difference) -> std::io::Result<()> {
    if let Some(expected) = &difference.expected {
        out.set_color(ColorSpec::new().set_fg(Some(Color::Red)))?;
        write!(out, "[-{}-]", printable(expected))?;
        out.reset()?;
    }
    if let Some(found) = &difference.found {
        out.set_color(ColorSpec::new().set_fg(Some(Color::Green)).set_bold(true))?;
        write!(
            out,
            "{{+{}+}}",
            printable(&found.replace(['\n', '\r'], " "))
        )?;
        out.reset()?;
    }
    Ok(())
}

fn write_line_number(out: &mut dyn WriteColor, line: usize) -> std::io::Result<()> {
    out.set_color(ColorSpec::new().set_fg(Some(Color::Green)))?;
    write!(out, "{line:>6}")?;
    out.reset()?;
    write!(out, ": ")
}

fn start_highlight(out: &mut dyn WriteColor) -> std::io::Result<()> {
    if out.supports_color() {
        out.set_color(ColorSpec::new().set_fg(Some(Color::Red)).set_bold(true))
    } else {
        write!(out, "{PLAIN_MARK}")
    }
}

fn end_highlight(out: &mut dyn WriteColor) -> std::io::Result<()> {
    if out.supports_color() {
        out.reset()
    } else {
        write!(out, "{PLAIN_MARK}")
    }
}

/// A document's text as it may be shown on a terminal: control characters (an escape
/// sequence in a hostile file could retitle, clear or recolour the terminal) become U+FFFD,
/// tabs stay. Offsets in the JSON output are unaffected: this is display only. Messages
/// naming files go through it too: a file's name may hold escapes and line ends.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(|c| printable_char(c) != Some(c)) {
        text.chars().filter_map(printable_char).collect()
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A character of document text as the terminal is given it: control characters shown as
/// U+FFFD, but for a page's form feed, left out; the bidirectional embeddings, overrides
/// and isolates left out, since they hold the direction of what follows them (the next
/// line, the next hit) until they are closed, and a document may leave them open; the
/// marks (LRM, RLM), which do not, kept, and the terminal lays out right-to-left words
/// itself.
fn printable_char(c: char) -> Option<char> {
    match c {
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
        // A page break: the passage's label names the pages.
        '\x0c' => None,
        c if c.is_control() && c != '\t' => Some('\u{FFFD}'),
        c => Some(c),
    }
}
