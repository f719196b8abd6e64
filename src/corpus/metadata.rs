//! Document dates and languages from `metadata.tsv` files in the corpus, and the date
//! formats dossier reads.
//!
//! A `metadata.tsv` describes the documents of its own folder and the folders below it. Its
//! first line names the columns; the first column is the document's path relative to that
//! folder, without extension (`0001` for `0001.txt`, `2025/brief`); the date is the first
//! column named `date` or ending in `date` (`publish_date`), the language the column named
//! `lang` or `language` (a code such as `ru` or `rus`, or a name such as `Russian`). A
//! document without a date there is dated by its file's modification time; one without a
//! language has its language detected from its text.

use std::collections::HashMap;
use std::path::Path;

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
        let key = key.trim();
        let key = crate::corpus::ids::id_for(key.strip_prefix("./").unwrap_or(key));
        let id = if folder_id.is_empty() {
            key
        } else {
            format!("{folder_id}/{key}")
        };
        metadata.insert(id, listed);
    }
    Ok(())
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
