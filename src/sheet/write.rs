//! A report → a workbook a clerk reads at a glance (rust_xlsxwriter).
//!
//! In: a report's JSON value (already through the shape check) and a
//! creation time. Out: XLSX bytes with five sheets:
//! - 基本信息: unit, year, format, title (a row per line when given as
//!   lines), signature, the `labels` overrides; column C the JSON path;
//! - 正文: a row per paragraph (section, heading, text, JSON path);
//! - one sheet per table (二、三、四) laid out as the official table: its
//!   labels and merged headers locked, the value cells unlocked with
//!   number formats and validation (counts whole and ≥ 0; 本年增/减 may be
//!   negative), blanks blank, and each 总计 the data leaves to be computed
//!   written as a formula over its parts, so the workbook adds up as the
//!   clerk types. Sheets are protected without a password.

use super::layout::{self, GridCell, Role, Section, Slot};
use crate::data::spec::Cell;
use crate::data::{Format, Title};
use crate::diag::Diagnostic;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format as Style, FormatAlign,
    FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The sheet of basic facts.
pub const BASICS: &str = "基本信息";
/// The sheet of paragraphs.
pub const PROSE: &str = "正文";

/// The sections of prose, with the words the 正文 sheet shows.
pub const PROSE_SECTIONS: [(&str, &str); 4] = [
    ("preamble", "前言"),
    ("overview", "一、总体情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other_matters", "六、其他需要报告的事项"),
];

/// Writes the workbook.
pub fn write(report: &Value, format: Format, created: Option<i64>) -> Result<Vec<u8>, Diagnostic> {
    build(report, format, created).map_err(super::unwritable)
}

fn build(report: &Value, format: Format, created: Option<i64>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // Identical input, identical bytes: a fixed creation time.
    let when = ExcelDateTime::from_timestamp(created.unwrap_or(946_684_800))?;
    // The title as printed: its lines joined (a title given as lines is
    // one title), else the default one.
    let title = match Title::deserialize(&report["title"]) {
        Ok(title) => title.lines().concat(),
        Err(_) => {
            // A year as the clerk typed it: a number, or text, or none.
            let year = match &report["year"] {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                _ => String::new(),
            };
            Title::default_for(text(&report["unit"]), year)
        }
    };
    wb.set_properties(
        &DocProperties::new()
            .set_title(&title)
            .set_author(text(&report["unit"]))
            .set_creation_datetime(&when),
    );
    basics(wb.add_worksheet().set_name(BASICS)?, report)?;
    prose(wb.add_worksheet().set_name(PROSE)?, report)?;
    for section in Section::ALL {
        let ws = wb.add_worksheet().set_name(section.sheet())?;
        table(ws, report, format, section)?;
    }
    wb.save_to_buffer()
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn header() -> Style {
    Style::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#F2F2F2")
}

fn basics(ws: &mut Worksheet, r: &Value) -> Result<(), XlsxError> {
    let head = header();
    ws.write_string_with_format(0, 0, "项目", &head)?;
    ws.write_string_with_format(0, 1, "内容", &head)?;
    ws.write_string_with_format(0, 2, "JSON 路径", &head)?;
    let mut rows: Vec<(String, String, String)> = vec![
        ("单位".into(), text(&r["unit"]).into(), "/unit".into()),
        ("年份".into(), r["year"].to_string(), "/year".into()),
        ("格式".into(), text(&r["format"]).into(), "/format".into()),
    ];
    match &r["title"] {
        Value::String(t) => rows.push(("标题".into(), t.clone(), "/title".into())),
        Value::Array(lines) => {
            for (i, l) in lines.iter().enumerate() {
                rows.push((
                    format!("标题第{}行", i + 1),
                    text(l).into(),
                    format!("/title/{i}"),
                ));
            }
        }
        _ => rows.push(("标题".into(), String::new(), "/title".into())),
    }
    rows.push((
        "署名".into(),
        text(&r["signature"]["unit"]).into(),
        "/signature/unit".into(),
    ));
    rows.push((
        "成文日期".into(),
        text(&r["signature"]["date"]).into(),
        "/signature/date".into(),
    ));
    if let Some(labels) = r["labels"].as_object() {
        for (k, v) in labels {
            rows.push((
                format!("标签：{k}"),
                text(v).into(),
                crate::pointer::push("/labels", k),
            ));
        }
    }
    for (i, (what, value, path)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, what)?;
        if path == "/year" {
            if let Some(y) = r["year"].as_i64() {
                ws.write_number(row, 1, y as f64)?;
            }
        } else if !value.is_empty() {
            ws.write_string(row, 1, value)?;
        }
        ws.write_string(row, 2, path)?;
    }
    ws.set_column_width(0, 18)?;
    ws.set_column_width(1, 60)?;
    ws.set_column_width(2, 24)?;
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// What a blank section's rows show: the official format's usual
/// subheadings, each with placeholder text the lint knows (`（文字描述`),
/// so that a clerk sees what goes where and `check` warns of any left.
fn examples(key: &str) -> Vec<(&'static str, &'static str)> {
    match key {
        "overview" => vec![
            (
                "（一）主动公开。",
                "（文字描述：全年主动公开政府信息的情况……）",
            ),
            (
                "（二）依申请公开。",
                "（文字描述：收到和办理政府信息公开申请的情况……）",
            ),
            (
                "（三）政府信息管理。",
                "（文字描述：信息公开审查、目录更新等情况……）",
            ),
            (
                "（四）政府信息公开平台建设。",
                "（文字描述：政府网站、公开专栏等平台的情况……）",
            ),
            (
                "（五）监督保障。",
                "（文字描述：考核、培训、社会评议等情况……）",
            ),
        ],
        "problems" => vec![("", "（文字描述：存在的主要问题，以及改进的情况和打算……）")],
        _ => vec![("", "（文字描述：其他需要报告的事项；没有的，写“无”……）")],
    }
}

/// The most rows the 部分 drop-down and the cell help cover.
const PROSE_ROWS: u32 = 500;

fn prose(ws: &mut Worksheet, r: &Value) -> Result<(), XlsxError> {
    let head = header();
    for (c, h) in ["部分", "小标题", "正文", "JSON 路径"].iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
    }
    let wrap = Style::new().set_text_wrap().set_align(FormatAlign::Top);
    let example = wrap.clone().set_font_color("#808080").set_italic();
    let mut row = 1u32;
    for (key, name) in PROSE_SECTIONS {
        let given = r[key].as_array().is_some_and(|a| !a.is_empty());
        // The 前言 is optional: a report without one stays without one.
        if !given && key != "preamble" {
            // A blank section: a row per usual part, to overwrite.
            for (heading, text) in examples(key) {
                ws.write_string_with_format(row, 0, name, &wrap)?;
                if !heading.is_empty() {
                    ws.write_string_with_format(row, 1, heading, &example)?;
                }
                ws.write_string_with_format(row, 2, text, &example)?;
                row += 1;
            }
            continue;
        }
        for (i, p) in r[key].as_array().into_iter().flatten().enumerate() {
            let (heading, body) = match p {
                Value::String(t) => ("", t.as_str()),
                o => (text(&o["heading"]), text(&o["text"])),
            };
            ws.write_string_with_format(row, 0, name, &wrap)?;
            if !heading.is_empty() {
                ws.write_string_with_format(row, 1, heading, &wrap)?;
            }
            if !body.is_empty() {
                ws.write_string_with_format(row, 2, body, &wrap)?;
            }
            ws.write_string(row, 3, format!("/{key}/{i}"))?;
            row += 1;
        }
    }
    ws.set_column_width(0, 26)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(2, 90)?;
    ws.set_column_width(3, 18)?;
    help_cells(ws)?;
    // Printed one page wide, landscape, as the tables are.
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The 部分 column's drop-down (the four parts, each written as the
/// reader wants it) and a short help on each column's cells.
fn help_cells(ws: &mut Worksheet) -> Result<(), XlsxError> {
    let parts: Vec<&str> = PROSE_SECTIONS.iter().map(|(_, w)| *w).collect();
    let last = PROSE_ROWS;
    let part = DataValidation::new()
        .allow_list_strings(&parts)?
        .set_input_title("部分")?
        .set_input_message("从下拉列表里选这一段属于报告的哪一部分")?
        .set_error_title("部分")?
        .set_error_message("请从下拉列表里选：前言、一、总体情况、五、存在的主要问题及改进情况、六、其他需要报告的事项")?;
    ws.add_data_validation(1, 0, last, 0, &part)?;
    let heading = DataValidation::new()
        .allow_any_value()
        .set_input_title("小标题")?
        .set_input_message(
            "（一）、1. 这样带编号的小标题，以“。”结尾，排在这一段开头；没有小标题就空着",
        )?;
    ws.add_data_validation(1, 1, last, 1, &heading)?;
    let text = DataValidation::new()
        .allow_any_value()
        .set_input_title("正文")?
        .set_input_message(
            "这一段的文字；灰色的示例文字要换成本单位的内容。一段一行，需要更多段就插入新行",
        )?;
    ws.add_data_validation(1, 2, last, 2, &text)?;
    Ok(())
}

/// The A1 name of a cell (0-based row and column).
pub fn a1(row: usize, col: usize) -> String {
    let mut letters = String::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.insert(0, (b'A' + rem as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The value at a JSON pointer, `Null` where absent.
fn at<'v>(report: &'v Value, pointer: &str) -> &'v Value {
    static NULL: Value = Value::Null;
    report.pointer(pointer).unwrap_or(&NULL)
}

/// Whether a 总计 slot is left to be computed: its row (or, for （七）总计,
/// the whole row `total`) is absent from the data.
pub fn computed(report: &Value, slot: &Slot) -> bool {
    slot.total_of.is_some() && report.pointer(&slot.pointer).is_none()
}

fn table(
    ws: &mut Worksheet,
    report: &Value,
    format: Format,
    section: Section,
) -> Result<(), XlsxError> {
    let grid = layout::grid(format, section);
    let border = Style::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let label = border.clone().set_align(FormatAlign::Left);
    let head = border.clone().set_bold().set_background_color("#F2F2F2");
    let count = border.clone().set_unlocked().set_num_format("0");
    let money = border.clone().set_unlocked();
    let slots = layout::slots(format, section);
    // Where each pointer's cell is, for the formulas.
    let cells = layout::value_cells(grid);
    let place: BTreeMap<&str, &GridCell> = slots
        .iter()
        .zip(cells.iter())
        .map(|(s, c)| (s.pointer.as_str(), *c))
        .collect();
    // The tall label of 表三 (三、本年度办理结果) reads top to bottom, as
    // printed.
    let vertical = label
        .clone()
        .set_rotation(270)
        .set_align(FormatAlign::Center);
    for cell in &grid.cells {
        if cell.role == Role::Value {
            continue;
        }
        let style = match cell.role {
            Role::Label if cell.c == 0 && cell.cs == 1 && cell.rs >= 5 => &vertical,
            Role::Label => &label,
            _ => &head,
        };
        put(ws, cell, &cell.text, style)?;
    }
    for (slot, cell) in slots.iter().zip(cells) {
        let (r, c) = (cell.r as u32, cell.c as u16);
        let style = if slot.cell == Cell::Money {
            &money
        } else {
            &count
        };
        if computed(report, slot) {
            let parts: Vec<String> = slot
                .total_of
                .iter()
                .flatten()
                .filter_map(|p| place.get(p.as_str()).map(|g| a1(g.r, g.c)))
                .collect();
            // The sum as well, for a viewer that shows cached results
            // without calculating (Excel and LibreOffice recalculate).
            let sum: Option<f64> = slot
                .total_of
                .iter()
                .flatten()
                .filter_map(|p| at(report, p).as_f64())
                .fold(None, |acc, x| Some(acc.unwrap_or(0.0) + x));
            let formula = Formula::new(format!("=SUM({})", parts.join(",")))
                .set_result(sum.map_or_else(String::new, |x| format!("{x}")));
            put(ws, cell, "", style)?;
            ws.write_formula_with_format(r, c, formula, style)?;
        } else {
            match at(report, &slot.pointer) {
                Value::Number(n) => {
                    // The span first, then the number over its first cell.
                    put(ws, cell, "", style)?;
                    ws.write_number_with_format(r, c, n.as_f64().unwrap_or(0.0), style)?;
                }
                Value::String(s) => put(ws, cell, s, style)?,
                _ => put(ws, cell, "", style)?,
            }
        }
        let rule = match slot.cell {
            Cell::Count => Some(
                DataValidation::new()
                    .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
            ),
            Cell::Signed => Some(
                DataValidation::new()
                    .allow_whole_number(DataValidationRule::Between(i32::MIN, i32::MAX)),
            ),
            Cell::Money => None,
        };
        if let (Some(v), false) = (rule, slot.total_of.is_some() && computed(report, slot)) {
            let v = v
                .set_error_title("数字")?
                .set_error_message(match slot.cell {
                    Cell::Signed => "这里填整数（可以是负数）；空白表示不填",
                    _ => "这里填不小于 0 的整数；空白表示不填",
                })?;
            ws.add_data_validation(
                r,
                c,
                (cell.r + cell.rs - 1) as u32,
                (cell.c + cell.cs - 1) as u16,
                &v,
            )?;
        }
    }
    widths(ws, format, section)?;
    heights(ws, format, section)?;
    // Printed as one page wide, landscape: the table as the form shows it.
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.protect();
    Ok(())
}

/// The column widths of a table, in character units.
fn column_widths(format: Format, section: Section) -> Vec<f64> {
    let grid = layout::grid(format, section);
    let label_cols: &[(usize, f64)] = match section {
        Section::Two => &[(0, 26.0)],
        Section::Three => &[(0, 5.0), (1, 16.0), (2, 44.0)],
        Section::Four => &[],
    };
    (0..grid.cols)
        .map(|c| {
            label_cols
                .iter()
                .find(|(k, _)| *k == c)
                .map_or(11.0, |(_, w)| *w)
        })
        .collect()
}

/// Row heights that show every label whole: spreadsheets do not grow a
/// row for wrapped text on their own when they open a file.
fn heights(ws: &mut Worksheet, format: Format, section: Section) -> Result<(), XlsxError> {
    let grid = layout::grid(format, section);
    let widths = column_widths(format, section);
    let mut lines = vec![1usize; grid.rows];
    for cell in grid
        .cells
        .iter()
        .filter(|c| c.role != Role::Value && c.rs == 1)
    {
        let width: f64 = widths[cell.c..cell.c + cell.cs].iter().sum();
        // A Chinese character takes about two width units.
        let units: f64 = cell
            .text
            .chars()
            .map(|ch| if ch.is_ascii() { 1.0 } else { 2.0 })
            .sum();
        let n = (units / (width - 1.0).max(1.0)).ceil() as usize;
        lines[cell.r] = lines[cell.r].max(n.max(1));
    }
    for (r, n) in lines.iter().enumerate() {
        ws.set_row_height(r as u32, 15.0 * *n as f64 + 3.0)?;
    }
    Ok(())
}

/// A cell's text, merged over its span.
fn put(ws: &mut Worksheet, cell: &GridCell, s: &str, style: &Style) -> Result<(), XlsxError> {
    let (r, c) = (cell.r as u32, cell.c as u16);
    if cell.rs > 1 || cell.cs > 1 {
        ws.merge_range(
            r,
            c,
            (cell.r + cell.rs - 1) as u32,
            (cell.c + cell.cs - 1) as u16,
            s,
            style,
        )?;
    } else if s.is_empty() {
        ws.write_blank(r, c, style)?;
    } else {
        ws.write_string_with_format(r, c, s, style)?;
    }
    Ok(())
}

fn widths(ws: &mut Worksheet, format: Format, section: Section) -> Result<(), XlsxError> {
    for (c, w) in column_widths(format, section).into_iter().enumerate() {
        ws.set_column_width(c as u16, w)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn core_of(report: &Value) -> String {
        let bytes = write(report, Format::F2021, None).expect("writes");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut core = String::new();
        let mut part = zip.by_name("docProps/core.xml").expect("core");
        part.read_to_string(&mut core).expect("read");
        core
    }

    #[test]
    fn the_workbook_is_titled_as_the_report_is() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/shili-2021.json");
        let text = std::fs::read_to_string(path).expect("sample");
        let mut report: Value = serde_json::from_str(&text).expect("JSON");
        report["title"] = serde_json::json!(["示例镇人民政府", "2021年政府信息公开工作年度报告"]);
        assert!(core_of(&report)
            .contains("<dc:title>示例镇人民政府2021年政府信息公开工作年度报告</dc:title>"));
        report.as_object_mut().expect("object").remove("title");
        let unit = report["unit"].as_str().expect("unit").to_string();
        let want = format!("<dc:title>{unit}2021年政府信息公开工作年度报告</dc:title>");
        assert!(core_of(&report).contains(&want));
    }
}
