//! The date formats dossier reads (in `metadata.tsv`, `--after`, `--before`) and the one it
//! writes.

use chrono::{NaiveDate, NaiveDateTime};

/// Seconds since the Unix epoch at the start (UTC) of the day a date names: `2017-02-07`,
/// `2017/2/7`, `7 Feb 2017`, `26-FEB-1987 15:01:01.79`, `2017-02-07T10:00:00`, `2017-02`,
/// `2017`; `None` for anything else, a day followed by other words than a time included.
pub fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    // A day written with spaces (`7 Feb 2017`, `7 March 2017`, `March 7, 2017`), whole.
    // (`%B` reads a month's full name or its abbreviation.)
    if let Some(date) = ["%d %B %Y", "%B %d, %Y", "%B %d %Y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
    {
        return Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp());
    }
    let (day, time) = text.split_once([' ', 'T']).unwrap_or((text, ""));
    // What follows the day is a time of day (`12:30:00`, `15:01:01.79`), or nothing:
    // `2017-02-07 junk` is no date.
    if !time
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | 'Z' | '+' | '-'))
    {
        return None;
    }
    let date = ["%Y-%m-%d", "%Y/%m/%d", "%d-%B-%Y", "%Y%m%d"]
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
