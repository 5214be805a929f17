//! `nianbao init`: print a blank data file that passes `check`.
//!
//! In: an optional format, a unit and an optional year. Out: the JSON on
//! stdout. The year defaults to last year (reports are written in January
//! for the year before); the format to the one that year follows.

use super::EXIT_OK;
use nianbao::data::{blank, Format};
use std::time::{SystemTime, UNIX_EPOCH};

pub fn run(format: Option<&str>, unit: &str, year: Option<i64>) -> Result<u8, String> {
    let year = year.unwrap_or_else(|| current_year() - 1);
    if !(2008..=2100).contains(&year) {
        return Err(format!("--year {year}: expected a year from 2008 to 2100"));
    }
    let format = match format {
        Some("2019") => Format::F2019,
        Some("2021") => Format::F2021,
        _ => Format::for_year(year),
    };
    let report = blank(format, unit, year);
    let value = serde_json::to_value(&report).map_err(|e| e.to_string())?;
    let text = nianbao::data::to_pretty_json(&value);
    println!("{text}");
    Ok(EXIT_OK)
}

/// The current year in UTC, from the system clock (civil-from-days,
/// H. Hinnant's algorithm), without a date crate for one number.
fn current_year() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(month <= 2)
}
