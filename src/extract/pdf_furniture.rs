//! Page furniture in a PDF's text: the page numbers and running headers and footers that
//! `pdftotext` writes among the text, where they split a sentence that runs on from one
//! page to the next (`… Nam feugiat` / `1` / `lacus vel est …`).
//!
//! They are told apart from the text by what they do over the whole document, never by
//! one page alone, and conservatively, since a line of text wrongly left out is a quotation
//! that cannot be found:
//!
//! - A **page number** is a line among the first or last three lines of a page that holds
//!   a number (`7`, `- 7 -`, `Page 7 of 40`, `vii`, `GAO-23-106826 | Page 7`) following the
//!   pages: the page's printed label (from the PDF's `/PageLabels`), or its count plus one
//!   offset, with the line otherwise the same, on at least [`MIN_PAGES`] pages.
//! - A **running header or footer** is a line with some letters that stands at the top (or
//!   the bottom) of a page, between the page's edge and its text, with nothing but page
//!   furniture and blank lines beside it, and the same there (`1.5. KOMPAKTHEIT`,
//!   `CHAPTER 2. …`) on at least [`MIN_PAGES`] pages, or on two pages
//!   where it stands next to their page numbers; and that is not found as a line elsewhere
//!   in the text, except for once in every four times (a title page, say). A line of the
//!   text that happens to start many pages (`\makeatletter` in a manual of LaTeX macros)
//!   is also found in the middle of pages, and stays.
//!
//!   Beside page numbers, it is left out where it is beside them (a chapter's first page,
//!   without a number, may have the chapter's title in its place); and only where it runs
//!   on from page to page (found again two pages away at most): a line at the top of a
//!   page now and then is a title in the text.
//!
//! Only what stands between two pages' text is left out: furniture above the first page's
//! text and below the last page's stays (a title page's title is there, which a running
//! header may repeat). A document of fewer than [`MIN_PAGES`] pages keeps everything. What
//! is left out is only ever whole lines, with the blank lines they leave; pages and their
//! form feeds stay.

use std::collections::{HashMap, HashSet};

/// The fewest pages a number or a line must follow or repeat on to be page furniture.
pub const MIN_PAGES: usize = 3;

/// How many lines (blank ones aside) at each end of a page may be page furniture.
const EDGE_LINES: usize = 3;

/// A longer line is not a page number's, nor a running header.
const MAX_CHARS: usize = 100;
const MAX_WORDS: usize = 12;

/// The fewest letters a running header or footer has.
const MIN_LETTERS: usize = 3;

/// The text without its page furniture, and what was left out.
#[derive(Debug, Default, PartialEq)]
pub struct WithoutFurniture {
    pub text: String,
    /// Each line left out: its page (1-based) and its text.
    pub removed: Vec<(usize, String)>,
}

/// `text` (pdftotext's: each page ended by a form feed) without its page furniture;
/// `labels` are the pages' printed labels, or empty when they are counted 1, 2, 3, ….
pub fn without_furniture(text: &str, labels: &[String]) -> WithoutFurniture {
    let pages: Vec<Page> = text.split_inclusive('\x0c').map(Page::new).collect();
    if pages.len() < MIN_PAGES {
        return WithoutFurniture {
            text: text.to_string(),
            removed: Vec::new(),
        };
    }
    let numbers = page_numbers(&pages, labels);
    let running = running_lines(&pages, &numbers);
    let mut result = WithoutFurniture::default();
    let last = pages.len() - 1;
    for (index, page) in pages.iter().enumerate() {
        let mut furniture: HashSet<usize> = running[index].clone();
        furniture.extend(numbers[index]);
        // Above the first page's text and below the last page's, furniture splits nothing:
        // it stays (a title page's title is there, which a running header may repeat).
        if index == 0 {
            page.keep_outer(Edge::Top, &mut furniture);
        }
        if index == last {
            page.keep_outer(Edge::Bottom, &mut furniture);
        }
        page.write_without(&furniture, index + 1, &mut result);
    }
    result
}

/// One page of the text: its lines, each with its line end, and its form feed.
struct Page<'a> {
    lines: Vec<&'a str>,
    form_feed: bool,
}

impl<'a> Page<'a> {
    fn new(chunk: &'a str) -> Page<'a> {
        let body = chunk.strip_suffix('\x0c');
        Page {
            lines: body.unwrap_or(chunk).split_inclusive('\n').collect(),
            form_feed: body.is_some(),
        }
    }

    /// The indices of the lines with text, outermost first, at the top or the bottom.
    fn edge(&self, edge: Edge) -> Vec<usize> {
        let filled = (0..self.lines.len()).filter(|&i| !is_blank(self.lines[i]));
        match edge {
            Edge::Top => filled.take(EDGE_LINES).collect(),
            Edge::Bottom => filled.rev().take(EDGE_LINES).collect(),
        }
    }

    /// Takes out of `furniture` the lines at the page's `edge` with nothing but furniture
    /// between them and it.
    fn keep_outer(&self, edge: Edge, furniture: &mut HashSet<usize>) {
        let filled: Vec<usize> = (0..self.lines.len())
            .filter(|&i| !is_blank(self.lines[i]))
            .collect();
        let outward: Box<dyn Iterator<Item = &usize>> = match edge {
            Edge::Top => Box::new(filled.iter()),
            Edge::Bottom => Box::new(filled.iter().rev()),
        };
        for line in outward {
            if !furniture.remove(line) {
                break;
            }
        }
    }

    /// Whether the lines with text nearest line `at`, before and after it, include `other`.
    fn next_to(&self, at: usize, other: usize) -> bool {
        let before = (0..at).rev().find(|&i| !is_blank(self.lines[i]));
        let after = (at + 1..self.lines.len()).find(|&i| !is_blank(self.lines[i]));
        before == Some(other) || after == Some(other)
    }

    /// Writes the page without the lines `furniture`, and the blank lines after one that
    /// would be left doubled or at the top of the page.
    fn write_without(&self, furniture: &HashSet<usize>, page: usize, out: &mut WithoutFurniture) {
        let mut after_blank = true;
        let mut skipping_blanks = false;
        for (index, line) in self.lines.iter().enumerate() {
            if furniture.contains(&index) {
                out.removed.push((page, line.trim().to_string()));
                skipping_blanks |= after_blank;
                continue;
            }
            if is_blank(line) && skipping_blanks {
                continue;
            }
            skipping_blanks = false;
            after_blank = is_blank(line);
            out.text.push_str(line);
        }
        if self.form_feed {
            out.text.push('\x0c');
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Edge {
    Top,
    Bottom,
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// How a number in a line counts the pages.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Counting {
    /// As the page's printed label.
    Label,
    /// In Arabic or Roman numerals (lower or upper case), as the page's count plus so much.
    Arabic(i64),
    RomanLower(i64),
    RomanUpper(i64),
}

/// A way of numbering pages: how, and the line around the number (`Page # of 40`).
type Scheme = (Counting, String);

/// How a numeral counts, given its offset from the page's count.
type CountingBy = fn(i64) -> Counting;

/// The line of each page that is its page number, if it has one.
fn page_numbers(pages: &[Page], labels: &[String]) -> Vec<Option<usize>> {
    let mut candidates: Vec<Vec<(usize, Scheme)>> = vec![Vec::new(); pages.len()];
    let mut support: HashMap<Scheme, HashSet<usize>> = HashMap::new();
    for (index, page) in pages.iter().enumerate() {
        let count = index as i64 + 1;
        let mut lines = page.edge(Edge::Top);
        lines.extend(page.edge(Edge::Bottom));
        lines.sort_unstable();
        lines.dedup();
        for line in lines {
            for (numeral, template) in numerals(page.lines[line]) {
                let mut schemes = Vec::new();
                if labels.get(index).is_some_and(|label| *label == numeral) {
                    schemes.push((Counting::Label, template.clone()));
                }
                if let Some((value, counting)) = value_of(&numeral) {
                    schemes.push((counting(value - count), template));
                }
                for scheme in schemes {
                    support.entry(scheme.clone()).or_default().insert(index);
                    candidates[index].push((line, scheme));
                }
            }
        }
    }
    candidates
        .into_iter()
        .map(|candidates| {
            candidates
                .into_iter()
                .map(|(line, scheme)| (support[&scheme].len(), line))
                .filter(|&(pages, _)| pages >= MIN_PAGES)
                .max()
                .map(|(_, line)| line)
        })
        .collect()
}

/// The numbers a line might hold a page's number as, each with the line around it (the
/// number as `#`): none for a line too long to be a page number's.
fn numerals(line: &str) -> Vec<(String, String)> {
    let line = line.trim();
    if line.chars().count() > MAX_CHARS {
        return Vec::new();
    }
    let spaced = line.replace('/', " / ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    if words.len() > MAX_WORDS {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (at, word) in words.iter().enumerate() {
        let core = word.trim_matches(|c: char| !c.is_alphanumeric());
        if core.is_empty() || value_of(core).is_none() {
            continue;
        }
        let template: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(i, other)| {
                if i == at {
                    other.replacen(core, "#", 1)
                } else {
                    other.to_string()
                }
            })
            .collect();
        found.push((core.to_string(), template.join(" ")));
    }
    found
}

/// A numeral's value and how it counts: Arabic (at most five digits, not 0) or Roman (all
/// lower or all upper case, written as Roman numerals are).
fn value_of(numeral: &str) -> Option<(i64, CountingBy)> {
    if numeral.bytes().all(|b| b.is_ascii_digit()) {
        if numeral.len() > 5 {
            return None;
        }
        let value: i64 = numeral.parse().ok()?;
        return (value > 0).then_some((value, Counting::Arabic as CountingBy));
    }
    let lower = numeral.to_ascii_lowercase();
    let counting = if lower == numeral {
        Counting::RomanLower as CountingBy
    } else if numeral.to_ascii_uppercase() == numeral {
        Counting::RomanUpper
    } else {
        return None;
    };
    let value = roman_value(&lower)?;
    Some((value, counting))
}

/// The value of a lower-case Roman numeral, if it is written as one (`iv`, not `iiii`).
fn roman_value(numeral: &str) -> Option<i64> {
    let digit = |c: char| match c {
        'i' => Some(1),
        'v' => Some(5),
        'x' => Some(10),
        'l' => Some(50),
        'c' => Some(100),
        'd' => Some(500),
        'm' => Some(1000),
        _ => None,
    };
    if numeral.is_empty() || numeral.len() > 15 {
        return None;
    }
    let digits: Vec<i64> = numeral.chars().map(digit).collect::<Option<_>>()?;
    let mut value = 0;
    for (at, &d) in digits.iter().enumerate() {
        if digits.get(at + 1).is_some_and(|&next| next > d) {
            value -= d;
        } else {
            value += d;
        }
    }
    (value > 0 && value < 4000 && super::pdf_labels::roman(value) == numeral).then_some(value)
}

/// A line as it repeats from page to page: its spacing made one space. Digits count: a
/// header that changes with the chapter is the same through the chapter, and one that
/// changes with the page holds its number (found as such); with digits aside, lines of text
/// alike but for their figures (`The value is 1.67e − 24`) would be taken for headers.
fn key(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The running headers and footers of each page (see the module's documentation).
fn running_lines(pages: &[Page], numbers: &[Option<usize>]) -> Vec<HashSet<usize>> {
    // Every line with text, by its key: how often the text has it.
    let mut everywhere: HashMap<String, usize> = HashMap::new();
    for page in pages {
        for line in page.lines.iter().filter(|line| !is_blank(line)) {
            *everywhere.entry(key(line)).or_default() += 1;
        }
    }
    // The lines at each edge that might be running ones: where, and whether next to the
    // page's number.
    #[derive(Default)]
    struct Seen {
        pages: HashSet<usize>,
        next_to_number: HashSet<usize>,
        times: usize,
    }
    let mut seen: HashMap<(Edge, String), Seen> = HashMap::new();
    for (index, page) in pages.iter().enumerate() {
        for edge in [Edge::Top, Edge::Bottom] {
            for line in page.edge(edge) {
                let text = page.lines[line];
                if Some(line) == numbers[index]
                    || text.trim().chars().count() > MAX_CHARS
                    || text.chars().filter(|c| c.is_alphabetic()).count() < MIN_LETTERS
                {
                    continue;
                }
                let entry = seen.entry((edge, key(text))).or_default();
                entry.pages.insert(index);
                entry.times += 1;
                if numbers[index].is_some_and(|number| page.next_to(line, number)) {
                    entry.next_to_number.insert(index);
                }
            }
        }
    }
    // The pages each running line is furniture on.
    let running: HashMap<(Edge, String), HashSet<usize>> = seen
        .into_iter()
        .filter_map(|(found, seen)| {
            let elsewhere = everywhere[&found.1].saturating_sub(seen.times);
            if elsewhere * 4 >= seen.pages.len() {
                return None;
            }
            let on = if seen.next_to_number.len() * 2 > seen.pages.len() {
                // A header beside the page number: where it is beside it (a chapter's
                // first page may have the chapter's title there, and no number).
                seen.next_to_number
            } else if seen.pages.len() >= MIN_PAGES {
                seen.pages
            } else {
                return None;
            };
            // A header runs on from page to page (on every page, or on every other one):
            // a line at the top of a page now and then is a title in the text.
            let near = |page: usize| {
                (page.saturating_sub(2)..=page + 2)
                    .any(|other| other != page && on.contains(&other))
            };
            let on: HashSet<usize> = on.iter().copied().filter(|&page| near(page)).collect();
            (!on.is_empty()).then_some((found, on))
        })
        .collect();
    // Only from the page's edge inward, through furniture alone.
    pages
        .iter()
        .enumerate()
        .map(|(index, page)| {
            let mut lines = HashSet::new();
            for edge in [Edge::Top, Edge::Bottom] {
                for line in page.edge(edge) {
                    if Some(line) == numbers[index] {
                        continue;
                    }
                    let on = running.get(&(edge, key(page.lines[line])));
                    if !on.is_some_and(|on| on.contains(&index)) {
                        break;
                    }
                    lines.insert(line);
                }
            }
            lines
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(labels: &[&str]) -> Vec<String> {
        labels.iter().map(|label| label.to_string()).collect()
    }

    fn removed(text: &str, labels: &[String]) -> Vec<(usize, String)> {
        without_furniture(text, labels).removed
    }

    #[test]
    fn lone_page_numbers_in_sequence_are_left_out_with_their_blank_lines() {
        let text = "Title\nends with Nam feugiat\n1\n\n\x0clacus vel est.\nMore\n2\n\n\x0c\
                    Table\n\n3\n\n\x0c";
        let without = without_furniture(text, &[]);
        // The last page's number splits nothing, and stays.
        assert_eq!(
            without.text,
            "Title\nends with Nam feugiat\n\n\x0clacus vel est.\nMore\n\n\x0cTable\n\n3\n\n\x0c"
        );
        assert_eq!(without.removed, [(1, "1".into()), (2, "2".into())]);
    }

    #[test]
    fn numbers_out_of_the_pages_sequence_stay() {
        // Each page ends with a number, but not its own, nor its own plus one offset.
        let text = "a\n42\n\x0cb\n7\n\x0cc\n3\n\x0cd\n1990\n\x0c";
        assert_eq!(removed(text, &[]), []);
        // Two pages in sequence are not enough.
        let text = "a\n1\n\x0cb\n2\n\x0cc\n9\n\x0cd\n\x0c";
        assert_eq!(removed(text, &[]), []);
        // Nor is a document of two pages.
        assert_eq!(removed("a\n1\n\x0cb\n2\n\x0c", &[]), []);
    }

    #[test]
    fn a_number_in_the_middle_of_a_page_stays() {
        let page = |n: usize| format!("a{n}\nb{n}\nc{n}\n{n}\nd{n}\ne{n}\nf{n}\n\x0c");
        let text: String = (1..=4).map(page).collect();
        assert_eq!(removed(&text, &[]), []);
    }

    #[test]
    fn numbers_with_words_and_offsets_and_labels() {
        let text = "x\nPage 3 of 6\n\x0cy\nPage 4 of 6\n\x0cz\nPage 5 of 6\n\x0cw\n\x0c";
        assert_eq!(
            removed(text, &[]).len(),
            3,
            "offset 2, the same words around"
        );
        let text = "x\n- i -\n\x0cy\n- ii -\n\x0cz\n- 1 -\n\x0cw\n- 2 -\n\x0cv\n";
        let by_labels = removed(text, &labels(&["i", "ii", "1", "2", "3"]));
        assert_eq!(by_labels.len(), 4, "{by_labels:?}");
        assert_eq!(
            removed(text, &[]),
            [],
            "two Roman, two Arabic: too few of each"
        );
    }

    #[test]
    fn running_headers_beside_page_numbers_are_left_out_from_the_edge_in() {
        let page = |n: usize, head: &str| {
            let more = "x".repeat(n);
            format!("{n}\n\n{head}\n\nbody {n} text\nmore {more}\n\x0c")
        };
        let text = [
            page(1, "1.1. SPACES"),
            page(2, "1.1. SPACES"),
            page(3, "1.2. MAPS"),
            page(4, "1.2. MAPS"),
            page(5, "ONLY ONCE"),
            "6\n\n1.2. MAPS\n\nthe end\n\x0c".to_string(),
        ]
        .concat();
        let without = without_furniture(&text, &[]);
        // The first page's top stays: it splits nothing.
        assert!(
            without
                .text
                .starts_with("1\n\n1.1. SPACES\n\nbody 1 text\nmore x\n\x0cbody 2 text"),
            "{}",
            without.text
        );
        assert!(without.text.contains("\x0cONLY ONCE\n\nbody 5"));
        assert!(without.text.ends_with("\x0cthe end\n\x0c"));
        assert_eq!(without.removed.len(), 9, "{:?}", without.removed);
    }

    #[test]
    fn a_chapters_title_in_a_running_headers_place_stays() {
        // Page 3 opens a chapter: its title where the header will be, and no number.
        let text = "a\n1\n\x0cb\n2\n\x0cNotes\nc\n\x0c4\nNotes\nd\n\x0c5\nNotes\ne\n\x0cf\n\x0c";
        let without = without_furniture(text, &[]);
        assert!(without.text.contains("\x0cNotes\nc\n"), "{}", without.text);
        assert!(without.text.contains("\x0cd\n\x0ce\n"), "{}", without.text);
    }

    #[test]
    fn a_line_that_starts_many_pages_but_is_also_text_stays() {
        let page = |n: usize| {
            format!("\\makeatletter\na{n}\nb{n}\nc{n}\n\\makeatletter\nd{n}\ne{n}\nf{n}\n{n}\n\x0c")
        };
        let text: String = (1..=6).map(page).collect();
        let removed = removed(&text, &[]);
        assert!(removed.iter().all(|(_, line)| line != "\\makeatletter"));
        assert_eq!(
            removed.len(),
            5,
            "the page numbers alone, the last page's aside"
        );
    }

    #[test]
    fn a_line_at_the_edge_now_and_then_is_text() {
        // At the top of three pages, but far apart: a section's title, not a header.
        let page = |n: usize| {
            let head = if n.is_multiple_of(4) {
                "Exercises\n"
            } else {
                ""
            };
            format!("{n}\n{head}text {}\n\x0c", "x".repeat(n))
        };
        let text: String = (1..=12).map(page).collect();
        let removed = removed(&text, &[]);
        assert!(
            removed.iter().all(|(_, line)| line != "Exercises"),
            "{removed:?}"
        );
    }

    #[test]
    fn roman_numerals_are_read_as_written() {
        assert_eq!(roman_value("iv"), Some(4));
        assert_eq!(roman_value("xiv"), Some(14));
        assert_eq!(roman_value("mcmxc"), Some(1990));
        assert_eq!(roman_value("iiii"), None);
        assert_eq!(roman_value("vx"), None);
        assert_eq!(roman_value("mix"), Some(1009));
        assert_eq!(roman_value(""), None);
        assert!(value_of("Iv").is_none());
        assert!(value_of("0").is_none());
        assert!(value_of("123456").is_none());
    }
}
