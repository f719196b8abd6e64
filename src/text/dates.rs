//! The date formats dossier reads (in `metadata.tsv`, `--after`, `--before`) and the one it
//! writes.

use chrono::{NaiveDate, NaiveDateTime};

/// Seconds since the Unix epoch at the start (UTC) of the day a date names: `2017-02-07`,
/// `2017/2/7`, `26-FEB-1987 15:01:01.79`, `2017-02-07T10:00:00`, `2017-02`, `2017`.
pub fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    let day = text.split([' ', 'T']).next().unwrap_or(text);
    let date = ["%Y-%m-%d", "%Y/%m/%d", "%d-%b-%Y", "%d %b %Y", "%Y%m%d"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(day, format).ok())
        .or_else(|| NaiveDate::parse_from_str(&format!("{day}-01"), "%Y-%m-%d").ok())
        .or_else(|| NaiveDate::parse_from_str(&format!("{day}-01-01"), "%Y-%m-%d").ok())
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%d-%b-%Y %H:%M:%S%.f")
                .ok()
                .map(|t| t.date())
        })?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
}

/// `2017-02-07` for a number of seconds since the Unix epoch.
pub fn format_date(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}
