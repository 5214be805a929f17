//! The few dates nianbao writes, through the `time` crate (already linked
//! for printpdf's document dates, same version and features, so using it
//! here adds nothing to the build).
//!
//! In: seconds since 1970-01-01 UTC (`SOURCE_DATE_EPOCH`, or 0), or the
//! system clock. Out: the UTC date (and time) as each writer spells it:
//! W3CDTF for the DOCX's core properties, `YYYY-MM-DD` for the OFD's
//! `CreationDate`, and the current year for `init`. A time before year
//! −9999 or after 9999 is refused once ([`check`]), as the PDF's dates
//! refuse it, so no writer meets one.
//!
//! This replaced a hand-written civil-from-days conversion (H. Hinnant's
//! algorithm, 20 lines) that said no date crate was needed while `time`
//! was linked anyway; the tests below hold it to the same known dates.

use crate::diag::{tr, Code, Diagnostic};
use time::OffsetDateTime;

/// The moment `secs`, or the problem: `time` (and so the PDF) holds years
/// −9999 to 9999 only.
fn utc(secs: i64) -> Result<OffsetDateTime, time::error::ComponentRange> {
    OffsetDateTime::from_unix_timestamp(secs)
}

/// Refuses a creation time no writer can spell (the PDF's message).
pub fn check(secs: Option<i64>) -> Result<(), Diagnostic> {
    match secs.map(utc) {
        Some(Err(e)) => Err(Diagnostic::input(
            Code::Output,
            tr(
                format!("SOURCE_DATE_EPOCH 不可用：{e}"),
                format!("SOURCE_DATE_EPOCH: {e}"),
            ),
        )),
        _ => Ok(()),
    }
}

/// The moment `secs`, already [`check`]ed; 1970-01-01 otherwise.
fn at(secs: i64) -> OffsetDateTime {
    utc(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `YYYY-MM-DDTHH:MM:SSZ` (W3CDTF, as OOXML core properties want).
pub fn iso8601(secs: i64) -> String {
    let t = at(secs);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        date(secs),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `YYYY-MM-DD`.
pub fn date(secs: i64) -> String {
    let t = at(secs);
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// Midnight UTC of a written date (`2021年1月20日`, `2021-01-20`, as
/// [`crate::data::chinese_date`] reads them): a document's 成文日期 as
/// its creation time, still the same on every run. `None` for a date
/// that does not exist (`2021年2月30日`) or cannot be read.
pub fn of_written_date(text: &str) -> Option<i64> {
    let normal = crate::data::chinese_date(text)?;
    let (y, rest) = normal.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    let date = time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

/// The current year, from the system clock.
pub fn this_year() -> i64 {
    i64::from(OffsetDateTime::now_utc().year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_dates_are_midnight_utc() {
        assert_eq!(of_written_date("2021年1月20日"), Some(1_611_100_800));
        assert_eq!(of_written_date("2021-01-20"), Some(1_611_100_800));
        assert_eq!(of_written_date("2021年2月30日"), None);
        assert_eq!(of_written_date("一月"), None);
    }

    #[test]
    fn known_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(-86_400), "1969-12-31");
        assert!(check(Some(1_700_000_000)).is_ok() && check(None).is_ok());
        let far = check(Some(i64::MAX)).expect_err("refused");
        assert_eq!(far.code, Code::Output);
    }
}
