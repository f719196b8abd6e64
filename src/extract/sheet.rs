//! Spreadsheets (`.xlsx`, `.xlsm`, `.xls`, `.ods`), read with `calamine`: each sheet after a
//! line `--- sheet: NAME ---`, one row a line, its cells' values (as calamine shows them)
//! between tabs, empty rows left out. Formulas give their last computed value. A workbook
//! packed as a ZIP archive that declares more than [`MAX_UNPACKED_BYTES`] is not opened.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use super::embedded::MAX_UNPACKED_BYTES;
use super::office::Archive;
use super::{Extracted, Format, SkipReason};

/// The most text kept from one workbook; past it, the rest is left out, with a note.
const MAX_TEXT_BYTES: usize = 256 * 1024 * 1024;

/// The text of the workbook `bytes`.
pub fn read(bytes: &[u8]) -> Result<Extracted, SkipReason> {
    let damaged = |detail: String| SkipReason::Damaged {
        format: "spreadsheet",
        detail,
    };
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    if bytes.starts_with(b"PK") {
        let mut archive = Archive::open(bytes, "spreadsheet", MAX_UNPACKED_BYTES)?;
        let mut declared = 0u64;
        for index in 0..archive.zip.len() {
            if let Ok(entry) = archive.zip.by_index_raw(index) {
                declared = declared.saturating_add(entry.size());
            }
        }
        if declared > MAX_UNPACKED_BYTES {
            return Err(SkipReason::UnpacksTooLarge {
                limit_mib: MAX_UNPACKED_BYTES / (1024 * 1024),
            });
        }
    }
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|error| damaged(super::program::one_line(&error.to_string(), 200)))?;
    let mut text = String::new();
    let mut cut = false;
    for name in workbook.sheet_names() {
        let Ok(range) = workbook.worksheet_range(&name) else {
            continue;
        };
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str("--- sheet: ");
        text.push_str(&name);
        text.push_str(" ---");
        for row in range.rows() {
            if row.iter().all(|cell| matches!(cell, Data::Empty)) {
                continue;
            }
            text.push('\n');
            let cells: Vec<String> = row.iter().map(|cell| cell.to_string()).collect();
            text.push_str(cells.join("\t").trim_end());
            if text.len() > MAX_TEXT_BYTES {
                cut = true;
                break;
            }
        }
        if cut {
            break;
        }
    }
    let has_cells = text.lines().any(|line| !line.starts_with("--- sheet: "));
    if !has_cells {
        return Err(SkipReason::NoText);
    }
    let mut extracted = Extracted::new(Format::Spreadsheet);
    extracted.note = cut.then(|| {
        format!(
            "only its first {} MiB of cells are indexed",
            MAX_TEXT_BYTES / (1024 * 1024)
        )
    });
    // Its first row with something in it.
    let first_row = text.find('\n').map_or("", |at| &text[at..]);
    extracted.title = super::title_of(first_row);
    extracted.text = text;
    Ok(extracted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::test_files::formats_dir;

    #[test]
    fn each_sheet_is_read_row_by_row() {
        let path = formats_dir().join("eng_spa.xlsx");
        let extracted = read(&std::fs::read(path).unwrap()).unwrap();
        assert_eq!(extracted.format, Format::Spreadsheet);
        assert!(
            extracted.text.starts_with("--- sheet: "),
            "{}",
            extracted.text
        );
        assert!(
            extracted
                .text
                .contains("They are endowed with reason and conscience")
        );
    }

    #[test]
    fn what_is_not_a_workbook_is_damaged() {
        assert_eq!(read(b""), Err(SkipReason::Empty));
        assert!(matches!(
            read(b"not a workbook"),
            Err(SkipReason::Damaged { .. })
        ));
        assert!(matches!(
            read(b"PK\x03\x04 truncated"),
            Err(SkipReason::Damaged { .. })
        ));
    }
}
