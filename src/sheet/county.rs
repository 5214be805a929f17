//! The county workbook: many reports, one row each, on one sheet.
//!
//! In: reports as JSON values (to write), or such a workbook (to read).
//! Out: XLSX bytes with a sheet 报告 whose first header row names each
//! column in the form's own words (`表三「一、本年新收政府信息公开申请数量」×「自然人」`)
//! and whose second header row gives its JSON path; or, reading, one JSON
//! value per data row with a map from each pointer to its cell.
//!
//! The columns: unit, year, format, title (lines on lines of the cell),
//! signature; the four prose sections (paragraphs on lines of the cell,
//! or as JSON when one has a heading); then every figure of both formats.
//! A row fills the figures of its own format; a 总计 cell left empty is
//! computed, a blank figure is a blank cell. The `labels` overrides are
//! one column, a `标准标签=印出的文字` per line.

use super::layout::{self, Section};
use super::read::shown;
use super::write::a1;
use super::CellMap;
use crate::data::place;
use crate::data::Format;
use crate::diag::{tr, Code, Diagnostic, Diagnostics};
use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format as Style, FormatBorder, Workbook, XlsxError,
};
use serde_json::{json, Value};
use std::io::Cursor;

/// The sheet's name.
pub const SHEET: &str = "报告";

/// Text columns: path and header.
const TEXT: [(&str, &str); 11] = [
    ("/unit", "单位"),
    ("/year", "年份"),
    ("/format", "格式"),
    ("/title", "标题"),
    ("/signature/unit", "署名"),
    ("/signature/date", "成文日期"),
    ("/preamble", "前言"),
    ("/overview", "一、总体情况"),
    ("/problems", "五、存在的主要问题及改进情况"),
    ("/other_matters", "六、其他需要报告的事项"),
    ("/labels", "标签（每行：标准标签=印出的文字）"),
];

/// A figure column: its pointer, the formats it belongs to, whether it
/// is a 总计 the data may leave to be computed, and its header.
#[derive(Debug, Clone)]
struct Column {
    pointer: String,
    formats: Vec<Format>,
    total: bool,
    header: String,
}

fn columns() -> Vec<Column> {
    let mut out: Vec<Column> = Vec::new();
    for section in Section::ALL {
        for format in [Format::F2019, Format::F2021] {
            for slot in layout::slots(format, section) {
                let header =
                    place::describe(&slot.pointer, format).unwrap_or_else(|| slot.pointer.clone());
                if let Some(c) = out.iter_mut().find(|c| c.pointer == slot.pointer) {
                    c.formats.push(format);
                    // The two formats name some cells differently: both.
                    if c.header != header {
                        c.header = format!("{}（2019–2020）/ {header}（2021）", c.header);
                    }
                    continue;
                }
                out.push(Column {
                    pointer: slot.pointer,
                    formats: vec![format],
                    total: slot.total_of.is_some(),
                    header,
                });
            }
        }
    }
    // A column of one format only says which.
    for c in out.iter_mut() {
        match c.formats[..] {
            [Format::F2019] => c.header = format!("{}（2019–2020）", c.header),
            [Format::F2021] => c.header = format!("{}（2021）", c.header),
            _ => {}
        }
    }
    out
}

/// Whether reports are one county workbook's (a 报告 sheet, no 基本信息).
pub fn is_county(bytes: &[u8]) -> bool {
    let Ok(wb) = calamine::open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)) else {
        return false;
    };
    let names = wb.sheet_names();
    names.iter().any(|n| n == SHEET) && !names.iter().any(|n| n == super::BASICS)
}

/// Writes reports as a county workbook.
pub fn write(reports: &[Value], created: Option<i64>) -> Result<Vec<u8>, Diagnostic> {
    build(reports, created).map_err(|e| {
        Diagnostic::input(
            Code::Output,
            tr(
                format!("无法写出工作簿：{e}"),
                format!("cannot write the workbook: {e}"),
            ),
        )
    })
}

fn build(reports: &[Value], created: Option<i64>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_timestamp(created.unwrap_or(946_684_800))?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("政府信息公开工作年度报告（汇总）")
            .set_creation_datetime(&when),
    );
    let ws = wb.add_worksheet().set_name(SHEET)?;
    let head = Style::new()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_background_color("#F2F2F2");
    let path = Style::new()
        .set_font_color("#808080")
        .set_border(FormatBorder::Thin);
    let wrap = Style::new().set_text_wrap();
    let figures = columns();
    let mut col = 0u16;
    for (p, h) in TEXT {
        ws.write_string_with_format(0, col, h, &head)?;
        ws.write_string_with_format(1, col, p, &path)?;
        col += 1;
    }
    for c in &figures {
        ws.write_string_with_format(0, col, &c.header, &head)?;
        ws.write_string_with_format(1, col, &c.pointer, &path)?;
        col += 1;
    }
    for (i, r) in reports.iter().enumerate() {
        let row = i as u32 + 2;
        for (k, (p, _)) in TEXT.iter().enumerate() {
            let k = k as u16;
            match r.pointer(p) {
                Some(Value::String(s)) => {
                    ws.write_string_with_format(row, k, s, &wrap)?;
                }
                Some(Value::Number(n)) => {
                    ws.write_number(row, k, n.as_f64().unwrap_or(0.0))?;
                }
                Some(Value::Array(items)) => {
                    ws.write_string_with_format(row, k, lines(items), &wrap)?;
                }
                Some(Value::Object(labels)) => {
                    let text: Vec<String> = labels
                        .iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                        .collect();
                    ws.write_string_with_format(row, k, text.join("\n"), &wrap)?;
                }
                _ => {}
            }
        }
        for (k, c) in figures.iter().enumerate() {
            let k = (TEXT.len() + k) as u16;
            match r.pointer(&c.pointer) {
                Some(Value::Number(n)) => {
                    ws.write_number(row, k, n.as_f64().unwrap_or(0.0))?;
                }
                Some(Value::String(s)) => {
                    ws.write_string(row, k, s)?;
                }
                _ => {}
            }
        }
    }
    ws.set_row_height(0, 60)?;
    for c in 0..col {
        ws.set_column_width(c, if c < TEXT.len() as u16 { 20 } else { 14 })?;
    }
    ws.set_freeze_panes(2, 1)?;
    wb.save_to_buffer()
}

/// Paragraphs on the lines of a cell; as JSON when one has a heading (so
/// that nothing is lost), or when a title's lines are given.
fn lines(items: &[Value]) -> String {
    if items.iter().all(Value::is_string) {
        items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        Value::Array(items.to_vec()).to_string()
    }
}

/// One report read from a row: its JSON value and where each value sat.
#[derive(Debug)]
pub struct Row {
    /// The 1-based row number in the sheet.
    pub row: usize,
    /// The report, or why the row cannot be read.
    pub value: Result<Value, Diagnostics>,
    /// JSON pointer → `报告!D17`.
    pub cells: CellMap,
}

/// Reads every data row of a county workbook.
pub fn read(bytes: &[u8], name: &str) -> Result<Vec<Row>, Diagnostic> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| {
        Diagnostic::input(
            Code::JsonSyntax,
            tr(
                format!("{name} 不是可读的工作簿：{e}"),
                format!("{name} is not a readable workbook: {e}"),
            ),
        )
    })?;
    let range = wb.worksheet_range(SHEET).map_err(|_| {
        Diagnostic::input(
            Code::MissingKey,
            tr(
                format!("{name} 里没有工作表「{SHEET}」"),
                format!("{name} has no sheet 「{SHEET}」"),
            ),
        )
    })?;
    let width = range.end().map_or(0, |e| e.1 as usize + 1);
    let height = range.end().map_or(0, |e| e.0 as usize + 1);
    let get = |r: usize, c: usize| {
        range
            .get_value((r as u32, c as u32))
            .cloned()
            .unwrap_or(Data::Empty)
    };
    let paths: Vec<String> = (0..width).map(|c| shown(&get(1, c))).collect();
    let figures = columns();
    let mut rows = Vec::new();
    for r in 2..height {
        if (0..width).all(|c| matches!(get(r, c), Data::Empty)) {
            continue;
        }
        let mut cells = CellMap::new();
        let mut v = json!({});
        let mut errors = Diagnostics::new();
        for (c, path) in paths.iter().enumerate() {
            if path.is_empty() {
                continue;
            }
            cells.insert(path.clone(), format!("{SHEET}!{}", a1(r, c)));
            let d = get(r, c);
            if TEXT.iter().any(|(p, _)| p == path) {
                if let Some(value) = text_value(path, &d) {
                    super::read::set(&mut v, path, value);
                }
            }
        }
        // A section without text is an empty one.
        for key in ["overview", "problems", "other_matters"] {
            if v.get(key).is_none() {
                v[key] = json!([]);
            }
        }
        let year = v["year"].as_i64().unwrap_or(2021);
        let format = match v["format"].as_str() {
            Some("2019") => Format::F2019,
            Some("2021") => Format::F2021,
            _ => Format::for_year(year),
        };
        for (c, path) in paths.iter().enumerate() {
            let Some(col) = figures.iter().find(|f| &f.pointer == path) else {
                if !path.is_empty() && !TEXT.iter().any(|(p, _)| p == path) {
                    let mut d = Diagnostic::error(
                        Code::UnknownKey,
                        path.clone(),
                        tr(
                            format!("列「{path}」不是报告的数据"),
                            format!("the column 「{path}」 is not report data"),
                        ),
                    );
                    d.place = Some(format!("{SHEET}!{}", a1(1, c)));
                    errors.push(d);
                }
                continue;
            };
            if !col.formats.contains(&format) {
                continue;
            }
            let d = get(r, c);
            let value = match d {
                Data::Empty if col.total => continue,
                Data::Empty => Value::Null,
                Data::Int(i) => json!(i),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => json!(f as i64),
                Data::Float(f) => json!(f),
                other => json!(shown(&other)),
            };
            super::read::set(&mut v, path, value);
        }
        let value = if errors.has_errors() {
            Err(errors)
        } else {
            Ok(v)
        };
        rows.push(Row {
            row: r + 1,
            value,
            cells,
        });
    }
    Ok(rows)
}

fn text_value(path: &str, d: &Data) -> Option<Value> {
    let s = shown(d);
    if s.is_empty() {
        return None;
    }
    Some(match path {
        "/year" => s.trim().parse::<i64>().map_or(json!(s), |y| json!(y)),
        "/title" if s.contains('\n') => json!(s.split('\n').collect::<Vec<_>>()),
        "/title" if s.starts_with('[') => serde_json::from_str(&s).unwrap_or(json!(s)),
        "/labels" => {
            let map: serde_json::Map<String, Value> = s
                .split('\n')
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.trim().to_string(), json!(v.trim())))
                .collect();
            Value::Object(map)
        }
        "/preamble" | "/overview" | "/problems" | "/other_matters" => {
            if s.starts_with('[') {
                serde_json::from_str(&s).unwrap_or_else(|_| json!([s]))
            } else {
                json!(s.split('\n').collect::<Vec<_>>())
            }
        }
        _ => json!(s),
    })
}
