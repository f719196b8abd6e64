//! Document dates from `metadata.tsv` files in the corpus, and the date formats dossier reads.
//!
//! A `metadata.tsv` describes the documents of its own folder and the folders below it. Its
//! first line names the columns; the first column is the document's path relative to that
//! folder, without extension (`0001` for `0001.txt`, `2025/brief`); the date is the first
//! column named `date` or ending in `date` (`publish_date`). A document without a date
//! there is dated by its file's modification time.

use std::collections::HashMap;
use std::path::Path;

use crate::text::dates::parse_date;

/// Dates by document ID (relative to the corpus root), in seconds since the Unix epoch.
pub type Dates = HashMap<String, i64>;

pub const METADATA_FILE: &str = "metadata.tsv";

/// Reads one `metadata.tsv`, whose folder is `folder_id` (`""` for the corpus root, else a
/// `/`-separated path), and adds the dates it gives to `dates`. A file without a date
/// column gives none; rows whose date cannot be read are passed over.
pub fn read_dates(path: &Path, folder_id: &str, dates: &mut Dates) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return Ok(());
    };
    let Some(date_column) = header.split('\t').position(|name| {
        let name = name.trim().to_ascii_lowercase();
        name == "date" || name.ends_with("date")
    }) else {
        return Ok(());
    };
    for line in lines {
        let columns: Vec<&str> = line.split('\t').collect();
        let (Some(key), Some(value)) = (columns.first(), columns.get(date_column)) else {
            continue;
        };
        let Some(date) = parse_date(value) else {
            continue;
        };
        let key = key.trim();
        let key = crate::corpus::ids::id_for(key.strip_prefix("./").unwrap_or(key));
        let id = if folder_id.is_empty() {
            key
        } else {
            format!("{folder_id}/{key}")
        };
        dates.insert(id, date);
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
        let mut dates = Dates::new();
        read_dates(&path, "news", &mut dates).unwrap();
        assert_eq!(dates.len(), 1);
        assert_eq!(format_date(dates["news/0001"]), "2017-02-07");
    }
}
