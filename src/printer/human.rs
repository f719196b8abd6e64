//! The rendering for a person: rank, document ID, title and score, then each passage line
//! by line with its line number, highlights in colour (or between `**` without colour).

use termcolor::{Color, ColorSpec, WriteColor};

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
    if results.total_hits > results.hits.len() {
        out.set_color(ColorSpec::new().set_dimmed(true))?;
        write!(
            out,
            "\n{} of {} matching documents shown; --limit shows more",
            results.hits.len(),
            results.total_hits
        )?;
        out.reset()?;
        writeln!(out)?;
    }
    Ok(())
}

fn print_hit(out: &mut dyn WriteColor, hit: &Hit) -> std::io::Result<()> {
    write!(out, "{}. ", hit.rank)?;
    out.set_color(ColorSpec::new().set_fg(Some(Color::Magenta)).set_bold(true))?;
    write!(out, "{}", hit.doc_id)?;
    out.reset()?;
    out.set_color(ColorSpec::new().set_dimmed(true))?;
    write!(out, "  score {:.2}", hit.score)?;
    out.reset()?;
    writeln!(out)?;
    out.set_color(ColorSpec::new().set_bold(true))?;
    write!(out, "   {}", hit.title)?;
    out.reset()?;
    writeln!(out)?;
    for passage in &hit.passages {
        let mut line = passage.line;
        let mut at = 0;
        let mut highlights = passage.highlights.iter().peekable();
        let mut in_highlight = false;
        write_line_number(out, line)?;
        for (offset, c) in passage.text.char_indices() {
            if in_highlight && highlights.peek().is_some_and(|h| h.end == offset) {
                end_highlight(out)?;
                highlights.next();
                in_highlight = false;
            }
            if !in_highlight && highlights.peek().is_some_and(|h| h.start == offset) {
                start_highlight(out)?;
                in_highlight = true;
            }
            let line_break =
                c == '\n' || (c == '\r' && !passage.text[offset + 1..].starts_with('\n'));
            if line_break {
                // A highlight that spans a line break is closed and reopened on the next line.
                if in_highlight {
                    end_highlight(out)?;
                }
                line += 1;
                writeln!(out)?;
                write_line_number(out, line)?;
                if in_highlight {
                    start_highlight(out)?;
                }
            } else if c != '\r' {
                write!(out, "{c}")?;
            }
            at = offset + c.len_utf8();
        }
        if in_highlight && highlights.peek().is_some_and(|h| h.end == at) {
            end_highlight(out)?;
        }
        writeln!(out)?;
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
