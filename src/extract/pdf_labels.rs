//! The page labels of a PDF: what its pages are numbered as in print (`iii`, `20`, `A-4`),
//! from its catalog's `/PageLabels` number tree, read with lopdf. A citation gives both the
//! page as counted from the first (which any viewer finds) and its printed label (which the
//! reader of a paper copy finds).
//!
//! Labels are an addition to a citation, never a reason to skip a file: a PDF lopdf cannot
//! read, or whose labels are damaged, simply has none.

use lopdf::{Dictionary, Document, LoadOptions, Object};

/// Files larger than this are not parsed for labels: lopdf reads the whole file.
const MAX_BYTES: usize = 64 * 1024 * 1024;

/// How deep a number tree may be, and how many ranges it may give: a loop in a damaged
/// tree ends here.
const MAX_DEPTH: usize = 16;
const MAX_RANGES: usize = 100_000;

/// The label of each of the `pages` pages, in order; empty when the PDF has no labels, or
/// they number the pages 1, 2, 3, … as counted (so say nothing more than the page does).
pub fn page_labels(bytes: &[u8], pages: usize) -> Vec<String> {
    if bytes.len() > MAX_BYTES || pages == 0 {
        return Vec::new();
    }
    let options = LoadOptions {
        // Page contents, fonts and images are not needed for the catalog.
        filter: Some(|id, object| {
            (!matches!(object, Object::Stream(_))).then(|| (id, object.clone()))
        }),
        ..LoadOptions::default()
    };
    let Ok(document) = Document::load_mem_with_options(bytes, options) else {
        return Vec::new();
    };
    let Some(tree) = document
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"PageLabels").ok())
        .and_then(|tree| dictionary(&document, tree))
    else {
        return Vec::new();
    };
    let mut ranges = Vec::new();
    collect_ranges(&document, tree, 0, &mut ranges);
    ranges.sort_by_key(|(first, _)| *first);
    let labels = labels_of(&ranges, pages);
    let counted = (1..=pages).map(|page| page.to_string());
    if labels.iter().cloned().eq(counted) {
        return Vec::new();
    }
    labels
}

fn dictionary<'a>(document: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    match document.dereference(object).ok()?.1 {
        Object::Dictionary(dictionary) => Some(dictionary),
        _ => None,
    }
}

fn array<'a>(document: &'a Document, object: &'a Object) -> Option<&'a [Object]> {
    match document.dereference(object).ok()?.1 {
        Object::Array(array) => Some(array),
        _ => None,
    }
}

/// How one range of pages is labelled, from its first page on.
#[derive(Clone, Debug, Default, PartialEq)]
struct Style {
    /// `D`, `R`, `r`, `A` or `a`; `None` for labels that are the prefix alone.
    numbering: Option<u8>,
    prefix: String,
    start: i64,
}

/// The ranges of a number tree node and its kids: (first page, 0-based; style).
fn collect_ranges(
    document: &Document,
    node: &Dictionary,
    depth: usize,
    ranges: &mut Vec<(usize, Style)>,
) {
    if depth > MAX_DEPTH || ranges.len() > MAX_RANGES {
        return;
    }
    if let Some(numbers) = node.get(b"Nums").ok().and_then(|n| array(document, n)) {
        for pair in numbers.chunks_exact(2) {
            let (Object::Integer(first), Some(style)) = (&pair[0], dictionary(document, &pair[1]))
            else {
                continue;
            };
            let Ok(first) = usize::try_from(*first) else {
                continue;
            };
            ranges.push((first, style_of(style)));
        }
    }
    if let Some(kids) = node.get(b"Kids").ok().and_then(|k| array(document, k)) {
        for kid in kids {
            if let Some(kid) = dictionary(document, kid) {
                collect_ranges(document, kid, depth + 1, ranges);
            }
        }
    }
}

fn style_of(style: &Dictionary) -> Style {
    let numbering = match style.get(b"S") {
        Ok(Object::Name(name)) if matches!(name.as_slice(), b"D" | b"R" | b"r" | b"A" | b"a") => {
            Some(name[0])
        }
        _ => None,
    };
    let prefix = style
        .get(b"P")
        .ok()
        .and_then(|prefix| lopdf::decode_text_string(prefix).ok())
        .map(|prefix| prefix.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let start = match style.get(b"St") {
        Ok(Object::Integer(start)) if *start >= 1 => *start,
        _ => 1,
    };
    Style {
        numbering,
        prefix,
        start,
    }
}

/// The label of each page, by the ranges sorted by first page. Pages before the first
/// range (which should start at page 0) are numbered as counted.
fn labels_of(ranges: &[(usize, Style)], pages: usize) -> Vec<String> {
    (0..pages)
        .map(|page| {
            let Some((first, style)) = ranges.iter().rev().find(|(first, _)| *first <= page) else {
                return (page + 1).to_string();
            };
            let number = style.start.saturating_add((page - first) as i64);
            let numeral = match style.numbering {
                Some(b'D') => number.to_string(),
                Some(b'R') => roman(number).to_uppercase(),
                Some(b'r') => roman(number),
                Some(b'A') => letters(number).to_uppercase(),
                Some(b'a') => letters(number),
                _ => String::new(),
            };
            format!("{}{numeral}", style.prefix)
        })
        .collect()
}

/// `number` in small Roman numerals (as PDF readers write numbers past 3999: with more `m`s,
/// up to a bound, past which the decimal number).
pub(super) fn roman(number: i64) -> String {
    if !(1..=10_000).contains(&number) {
        return number.to_string();
    }
    let mut rest = number;
    let mut numeral = String::new();
    for (value, letters) in [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ] {
        while rest >= value {
            numeral.push_str(letters);
            rest -= value;
        }
    }
    numeral
}

/// `number` as the PDF's letter numbering has it: a to z, then aa to zz, then aaa, …
fn letters(number: i64) -> String {
    if !(1..=26 * 100).contains(&number) {
        return number.to_string();
    }
    let letter = (b'a' + ((number - 1) % 26) as u8) as char;
    std::iter::repeat_n(letter, ((number - 1) / 26 + 1) as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(numbering: Option<u8>, prefix: &str, start: i64) -> Style {
        Style {
            numbering,
            prefix: prefix.to_string(),
            start,
        }
    }

    #[test]
    fn ranges_number_their_pages_in_their_own_style() {
        let ranges = [
            (0, style(Some(b'r'), "", 1)),
            (3, style(Some(b'D'), "", 1)),
            (5, style(Some(b'A'), "App. ", 1)),
            (7, style(None, "Cover", 1)),
        ];
        assert_eq!(
            labels_of(&ranges, 8),
            ["i", "ii", "iii", "1", "2", "App. A", "App. B", "Cover"]
        );
        assert_eq!(roman(1994), "mcmxciv");
        assert_eq!(letters(28), "bb");
    }

    #[test]
    fn a_real_pdf_with_roman_front_matter_has_its_labels() {
        let dir = crate::extract::test_files::formats_dir();
        let bytes = std::fs::read(dir.join("GeoTopo-komprimiert.pdf")).expect("shared test data");
        let labels = page_labels(&bytes, 30);
        assert_eq!(labels[..5], ["i", "ii", "iii", "1", "2"]);
        assert_eq!(labels[22], "20");
        // Labels that only count the pages say nothing: none are kept.
        let bytes = std::fs::read(dir.join("gao-23-106826.pdf")).expect("shared test data");
        assert_eq!(page_labels(&bytes, 3), Vec::<String>::new());
    }
}
