//! Document dates and languages from `metadata.tsv` files in the corpus, and the date
//! formats dossier reads.
//!
//! A `metadata.tsv` describes the documents of its own folder and the folders below it. Its
//! first line names the columns; the first column is the document's path relative to that
//! folder, without extension (`0001` for `0001.txt`, `2025/brief`, `minutes 2017.02.07` for
//! `minutes 2017.02.07.txt`), or with it if its extension is one dossier reads (`0001.txt`);
//! the date is the first
//! column named `date` or ending in `date` (`publish_date`), the language the column named
//! `lang` or `language` (a code such as `ru` or `rus`, or a name such as `Russian`). A
//! document without a date there is dated by its file's modification time; one without a
//! language has its language detected from its text.

use std::collections::HashMap;
use std::path::Path;

use crate::extract::Format;
use crate::text::dates::parse_date;
use crate::text::language::Language;

/// What a metadata file says of one document.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Listed {
    /// In seconds since the Unix epoch.
    pub date: Option<i64>,
    pub language: Option<Language>,
}

/// What the metadata files say, by document ID (relative to the corpus root).
pub type Metadata = HashMap<String, Listed>;

pub const METADATA_FILE: &str = "metadata.tsv";

/// Reads one `metadata.tsv`, whose folder is `folder_id` (`""` for the corpus root, else a
/// `/`-separated path), and adds what it says to `metadata`. Values that cannot be read (a
/// date in no known format, an unknown language) are passed over.
pub fn read_metadata(path: &Path, folder_id: &str, metadata: &mut Metadata) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return Ok(());
    };
    let names: Vec<String> = header
        .split('\t')
        .map(|name| name.trim().to_ascii_lowercase())
        .collect();
    let date_column = names
        .iter()
        .position(|name| name == "date" || name.ends_with("date"));
    let language_column = names
        .iter()
        .position(|name| name == "lang" || name == "language");
    if date_column.is_none() && language_column.is_none() {
        return Ok(());
    }
    for line in lines {
        let columns: Vec<&str> = line.split('\t').collect();
        let Some(key) = columns.first() else {
            continue;
        };
        let value = |column: Option<usize>| column.and_then(|c| columns.get(c)).copied();
        let listed = Listed {
            date: value(date_column).and_then(parse_date),
            language: value(language_column).and_then(Language::from_name),
        };
        if listed == Listed::default() {
            continue;
        }
        let key = document_id(key);
        let id = if folder_id.is_empty() {
            key
        } else {
            format!("{folder_id}/{key}")
        };
        metadata.insert(id, listed);
    }
    Ok(())
}

/// The document ID a key of a metadata file names, relative to its folder: the key as it
/// stands, a path without its extension, unless it ends with an extension dossier reads
/// (`0001.txt`), which is then cut. Only then: a name may hold other dots (`minutes
/// 2017.02.07` is the ID of `minutes 2017.02.07.txt`, not `minutes 2017`).
fn document_id(key: &str) -> String {
    let key = key.trim();
    let key = key.strip_prefix("./").unwrap_or(key);
    if Format::of(Path::new(key)).is_some() {
        crate::corpus::ids::id_for(key)
    } else {
        key.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::dates::format_date;

    #[test]
    fn the_formats_of_the_benchmark_corpora_are_read() {
        let day = parse_date("2017-02-07").unwrap();
        assert_eq!(parse_date("2017/2/7"), Some(day));
        assert_eq!(format_date(day), "2017-02-07");
        assert_eq!(
            format_date(parse_date("26-FEB-1987 15:01:01.79").unwrap()),
            "1987-02-26"
        );
        assert_eq!(format_date(parse_date("1790-01-08").unwrap()), "1790-01-08");
        assert_eq!(format_date(parse_date("2017-02").unwrap()), "2017-02-01");
        assert_eq!(format_date(parse_date("2017").unwrap()), "2017-01-01");
        assert_eq!(parse_date("soon"), None);
        assert_eq!(parse_date("2017-02-07 junk"), None);
        assert_eq!(parse_date("7 Feb 2017"), Some(day));
        assert_eq!(parse_date("7 February 2017"), Some(day));
        assert_eq!(parse_date("February 7, 2017"), Some(day));
        assert_eq!(parse_date("07-FEBRUARY-2017"), Some(day));
        assert_eq!(parse_date("7 Febuary 2017"), None);
        assert_eq!(parse_date("2017-02-07T10:00:00Z"), Some(day));
        assert_eq!(parse_date("2017-02-07 10:00:00+02:00"), Some(day));
    }

    #[test]
    fn a_metadata_file_dates_the_documents_of_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(METADATA_FILE);
        std::fs::write(
            &path,
            "docid\tpublish_date\turl\n0001\t2017/2/7\thttp://x\n0002\tnot a date\t\n",
        )
        .unwrap();
        let mut metadata = Metadata::new();
        read_metadata(&path, "news", &mut metadata).unwrap();
        assert_eq!(metadata.len(), 1);
        assert_eq!(
            format_date(metadata["news/0001"].date.unwrap()),
            "2017-02-07"
        );
    }

    #[test]
    fn a_key_is_an_id_whose_dots_are_its_own_unless_it_ends_with_an_extension_read() {
        assert_eq!(document_id("minutes 2017.02.07"), "minutes 2017.02.07");
        assert_eq!(document_id(" ./2025/v1.2 "), "2025/v1.2");
        assert_eq!(document_id("0001.txt"), "0001");
        assert_eq!(document_id("scans/Report.PDF"), "scans/Report");
        assert_eq!(document_id("report.v2.pdf.txt"), "report.v2.pdf");
        assert_eq!(document_id(".hidden"), ".hidden");
    }

    #[test]
    fn a_metadata_file_names_the_languages_of_its_documents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(METADATA_FILE);
        std::fs::write(&path, "id\tlang\na\tuk\nb\tRussian\nc\tklingon\n").unwrap();
        let mut metadata = Metadata::new();
        read_metadata(&path, "", &mut metadata).unwrap();
        assert_eq!(metadata.len(), 2);
        assert_eq!(metadata["a"].language.unwrap().code(), "uk");
        assert_eq!(metadata["b"].language.unwrap().code(), "ru");
        assert_eq!(metadata["a"].date, None);
    }
}
