//! One workbook cell → one JSON value of the report, or an error at the
//! cell.
//!
//! In: a cell's content as calamine gives it, the cell's name
//! (`基本信息!B5`), the JSON pointer it fills and what kind of value it
//! holds. Out: the JSON value, a warning (a count typed as text), or an
//! error naming the cell. Nothing a cell holds is dropped or changed
//! silently: Excel's error values (`#REF!`, `#N/A`), TRUE/FALSE, NaN and
//! ∞ and a fraction where a count belongs are refused at the cell; a
//! date cell (a date-formatted serial in either of Excel's date systems,
//! which calamine tells apart) is read as the date it shows.

use crate::data::spec::Cell;
use crate::diag::{tr, Code, Diagnostic, Diagnostics};
use calamine::Data;
use serde_json::{json, Value};

/// Where a cell is: its name for a person and its pointer for programs.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    /// `sheet!A1`.
    pub cell: &'a str,
    /// The JSON pointer it fills.
    pub pointer: &'a str,
}

impl At<'_> {
    /// An error at this cell.
    pub fn error(&self, zh: String, en: String) -> Diagnostic {
        let mut d = Diagnostic::error(Code::Shape, self.pointer, tr(zh, en));
        d.place = Some(self.cell.to_string());
        d
    }
}

/// The text of a cell as a clerk sees it (numbers without a needless
/// `.0`); an error value or a date shows as Excel shows it.
pub fn shown(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::DateTime(_) | Data::DateTimeIso(_) => date(d).unwrap_or_else(|| d.to_string()),
        other => other.to_string(),
    }
}

/// A date cell as `YYYY-MM-DD`: a date-formatted serial (calamine applies
/// the workbook's 1900 or 1904 system) or an ISO date (`t="d"`).
fn date(d: &Data) -> Option<String> {
    match d {
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, day, ..) = dt.to_ymd_hms_milli();
            Some(format!("{y:04}-{m:02}-{day:02}"))
        }
        Data::DateTimeIso(s) => {
            let day = s.get(..10)?;
            let ok = day.len() == 10 && day.as_bytes()[4] == b'-' && day.as_bytes()[7] == b'-';
            ok.then(|| day.to_string())
        }
        _ => None,
    }
}

/// What no cell of the report may hold, whatever its kind: an error value
/// or TRUE/FALSE.
fn refuse_special(d: &Data, at: At) -> Result<(), Diagnostic> {
    match d {
        Data::Error(e) => Err(at
            .error(
                format!("这一格是 Excel 的错误值 {e}，不是内容"),
                format!("this cell holds Excel's error value {e}, not content"),
            )
            .with_hint(tr(
                "改正这一格的公式，或直接填写内容",
                "fix the cell's formula, or type the content itself",
            ))),
        Data::Bool(b) => {
            let shown = if *b { "TRUE" } else { "FALSE" };
            Err(at.error(
                format!("这一格是逻辑值 {shown}，不是内容"),
                format!("this cell holds the logical value {shown}, not content"),
            ))
        }
        Data::Float(f) if !f.is_finite() => Err(at.error(
            format!("这一格的数字无效（{f}）"),
            format!("this cell's number is not a number ({f})"),
        )),
        _ => Ok(()),
    }
}

/// A text field (unit, title, 署名, a label's wording, a paragraph):
/// `None` when blank. A number is taken as the text it shows.
pub fn text(d: &Data, at: At) -> Result<Option<String>, Diagnostic> {
    refuse_special(d, at)?;
    let s = shown(d);
    Ok((!s.trim().is_empty()).then_some(s))
}

/// The year: a whole number (typed as a number or as text).
pub fn year(d: &Data, at: At) -> Result<Option<Value>, Diagnostic> {
    refuse_special(d, at)?;
    let whole = match d {
        Data::Empty => return Ok(None),
        Data::Int(i) => Some(*i),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e6 => Some(*f as i64),
        Data::String(s) if s.trim().is_empty() => return Ok(None),
        Data::String(s) => s.trim().trim_end_matches('年').trim().parse::<i64>().ok(),
        _ => None,
    };
    match whole {
        Some(y) => Ok(Some(json!(y))),
        None => Err(at.error(
            format!("年份应是整数（如 2025），这里是「{}」", shown(d)),
            format!(
                "the year must be a whole number (such as 2025), not 「{}」",
                shown(d)
            ),
        )),
    }
}

/// The 成文日期: a date cell, or text (`2022-01-20`, checked later). A
/// bare number is refused: without its date format it could be a serial
/// or a typo, and printing 44581 is never right.
pub fn signing_date(d: &Data, at: At) -> Result<Option<Value>, Diagnostic> {
    refuse_special(d, at)?;
    if let Some(day) = date(d) {
        return Ok(Some(json!(day)));
    }
    match d {
        Data::Empty => Ok(None),
        Data::String(s) if s.trim().is_empty() => Ok(None),
        Data::String(s) => Ok(Some(json!(s))),
        Data::Int(_) | Data::Float(_) => Err(at
            .error(
                format!("成文日期是数字「{}」，不是日期", shown(d)),
                format!("the date is the number 「{}」, not a date", shown(d)),
            )
            .with_hint(tr(
                "写成 2022-01-20，或把这一格设为日期格式",
                "write it as 2022-01-20, or give the cell a date format",
            ))),
        _ => Err(at.error(
            format!("成文日期「{}」不是日期", shown(d)),
            format!("the date 「{}」 is not a date", shown(d)),
        )),
    }
}

/// A figure of a table: a count (a whole number, blank as null; typed as
/// text `12`, `１２`, `12件` it is read as the number with a warning), a
/// signed count, or money (a number, or text printed as written).
pub fn figure(
    d: &Data,
    kind: Cell,
    at: At,
    warnings: &mut Diagnostics,
) -> Result<Value, Diagnostic> {
    refuse_special(d, at)?;
    let fraction = || {
        at.error(
            format!("这一格只能填整数，这里是 {}", shown(d)),
            format!("this cell takes a whole number, not {}", shown(d)),
        )
    };
    match d {
        Data::Empty => Ok(Value::Null),
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => Err(at
            .error(
                format!("这一格是日期或时间（{}），不是数字", shown(d)),
                format!(
                    "this cell holds a date or time ({}), not a number",
                    shown(d)
                ),
            )
            .with_hint(tr(
                "把这一格的格式改为「常规」或「数值」再填数字",
                "set the cell's format to General or Number and type the figure",
            ))),
        Data::Int(i) => Ok(json!(i)),
        Data::Float(f) if kind == Cell::Money => Ok(money(*f)),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(json!(*f as i64)),
        Data::Float(_) => Err(fraction()),
        Data::String(s) if kind == Cell::Money => Ok(json!(s)),
        Data::String(s) if s.trim().is_empty() => Ok(Value::Null),
        Data::String(s) => Ok(typed_count(s, at, warnings)),
        other => Ok(json!(shown(other))),
    }
}

/// A whole amount comes back as the integer it was written as.
fn money(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        json!(f as i64)
    } else {
        json!(f)
    }
}

/// A count typed as text: the number, with a warning; else the text,
/// which the shape check refuses at this cell.
fn typed_count(s: &str, at: At, warnings: &mut Diagnostics) -> Value {
    let cleaned: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' => '-',
            c => c,
        })
        .collect();
    let digits = cleaned
        .trim_end_matches(['件', '个', '项', '起', '次'])
        .trim();
    match digits.parse::<i64>() {
        Ok(n) => {
            let mut w = Diagnostic::warning(
                Code::Shape,
                at.pointer,
                tr(
                    format!("「{s}」是文字，按数字 {n} 读入"),
                    format!("「{s}」 is text; read as the number {n}"),
                ),
            )
            .with_hint(tr("格子里只填数字", "type only the number in the cell"));
            w.place = Some(at.cell.to_string());
            warnings.push(w);
            json!(n)
        }
        Err(_) => json!(s),
    }
}
