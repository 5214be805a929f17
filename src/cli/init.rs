//! `nianbao init`: print a blank data file that passes `check`.
//!
//! In: an optional format, a unit and an optional year. Out: the JSON on
//! stdout. The year defaults to last year (reports are written in January
//! for the year before); the format to the one that year follows.

use super::report::{stdout_line, Reporter, Target};
use super::EXIT_OK;
use nianbao::data::{blank, Format};

pub fn run(
    format: Option<&str>,
    unit: &str,
    year: Option<i64>,
    output: Option<&str>,
    out: &Reporter,
) -> Result<u8, String> {
    let year = year.unwrap_or_else(|| nianbao::clock::this_year() - 1);
    if !(2008..=2100).contains(&year) {
        return Err(format!(
            "--year {year}: {}",
            out.say(&nianbao::tr(
                "年份应在 2008 到 2100 之间",
                "expected a year from 2008 to 2100"
            ))
        ));
    }
    let format = Format::named_or_for_year(format, year);
    let report = blank(format, unit, year);
    let value = serde_json::to_value(&report).map_err(|e| e.to_string())?;
    match output.map_or(Target::Stdout, Target::from_arg) {
        Target::Stdout => {
            stdout_line(&nianbao::data::to_pretty_json(&value));
            Ok(out.exit(EXIT_OK))
        }
        file => Ok(super::convert::write_report(
            &value, format, &file, "init", out,
        )),
    }
}
