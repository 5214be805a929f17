//! The county workbook: many reports, one row each, on one sheet.
//!
//! In: reports as JSON values (to write), or such a workbook (to read).
//! Out: XLSX bytes with a sheet 报告 whose first header row names each
//! column in the form's own words (`表三「一、本年新收政府信息公开申请数量」×「自然人」`)
//! and whose second header row gives its JSON path; or, reading, one JSON
//! value per data row with a map from each pointer to its cell.
//!
//! The columns: unit, year, format, title (lines on lines of the cell),
//! signature; the four prose sections (a paragraph a line of the cell, a
//! run-in heading before its text and told by its numbering; JSON only
//! where lines would not read back the same); then every figure of both
//! formats.
//! A row fills the figures of its own format; a 总计 cell left empty is
//! computed, a blank figure is a blank cell. The `labels` overrides are
//! one column, a `标准标签=印出的文字` per line.

use super::cells::{self, Bounds};
use super::guard;
use super::layout::{self, Section};
use super::value::{self, shown, At};
use super::write::a1;
use super::CellMap;
use crate::data::place;
use crate::data::spec::Cell;
use crate::data::Format;
use crate::diag::{tr, Code, Diagnostic, Diagnostics};
use calamine::Data;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format as Style, FormatBorder, Note, Workbook, XlsxError,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The sheet's name.
pub const SHEET: &str = "报告";

/// The fill of a row whose report fails the checks (Excel's light red).
const BAD: &str = "#FFC7CE";

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
    cell: Cell,
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
                    cell: slot.cell,
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

/// Whether reports are one county workbook's (a 报告 sheet, no 基本信息),
/// told from the workbook's list of sheets alone.
pub fn is_county(bytes: &[u8]) -> bool {
    guard::sheet_names(bytes).is_some_and(|names| is_county_sheets(&names))
}

/// Whether a workbook with these sheets is a county workbook.
pub fn is_county_sheets(names: &[String]) -> bool {
    names.iter().any(|n| n == SHEET) && !names.iter().any(|n| n == super::BASICS)
}

/// Writes reports as a county workbook.
pub fn write(reports: &[Value], created: Option<i64>) -> Result<Vec<u8>, Diagnostic> {
    build(reports, created, &[]).map_err(super::unwritable)
}

/// [`fn@write`], with rows marked: where `marks[i]` says why report `i`
/// fails the checks, its row is filled light red and its unit cell
/// carries the reason as a note, so the county officer sees which
/// townships to send back (a note and a fill are not data: the row reads
/// back the same).
pub fn write_marked(
    reports: &[Value],
    created: Option<i64>,
    marks: &[Option<String>],
) -> Result<Vec<u8>, Diagnostic> {
    build(reports, created, marks).map_err(super::unwritable)
}

fn build(
    reports: &[Value],
    created: Option<i64>,
    marks: &[Option<String>],
) -> Result<Vec<u8>, XlsxError> {
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
    let bad_wrap = wrap.clone().set_background_color(BAD);
    let bad = Style::new().set_background_color(BAD);
    let plain = Style::new();
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
        let mark = marks.get(i).and_then(Option::as_deref);
        let (wrap, figure) = match mark {
            Some(_) => (&bad_wrap, &bad),
            None => (&wrap, &plain),
        };
        if let Some(why) = mark {
            ws.insert_note(row, 0, &Note::new(why).set_author("nianbao"))?;
            for c in 0..col {
                ws.write_blank(row, c, figure)?;
            }
        }
        for (k, (p, _)) in TEXT.iter().enumerate() {
            let k = k as u16;
            match r.pointer(p) {
                Some(Value::String(s)) => {
                    ws.write_string_with_format(row, k, s, wrap)?;
                }
                Some(Value::Number(n)) => {
                    ws.write_number_with_format(row, k, n.as_f64().unwrap_or(0.0), figure)?;
                }
                Some(Value::Array(items)) => {
                    ws.write_string_with_format(row, k, lines(items), wrap)?;
                }
                Some(Value::Object(labels)) => {
                    let text: Vec<String> = labels
                        .iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                        .collect();
                    ws.write_string_with_format(row, k, text.join("\n"), wrap)?;
                }
                _ => {}
            }
        }
        for (k, c) in figures.iter().enumerate() {
            let k = (TEXT.len() + k) as u16;
            match r.pointer(&c.pointer) {
                Some(Value::Number(n)) => {
                    ws.write_number_with_format(row, k, n.as_f64().unwrap_or(0.0), figure)?;
                }
                Some(Value::String(s)) => {
                    ws.write_string_with_format(row, k, s, figure)?;
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

/// Paragraphs on the lines of a cell, one a line, a run-in heading
/// written before its text (`（一）主动公开。2025年…`) and told by its
/// numbering when read ([`paragraphs`]): text a person edits in Excel.
/// JSON only where the lines would not read back the same (a line break
/// inside a paragraph, an empty one, a heading without its 。 or its
/// numbering, a plain paragraph that starts like a heading).
fn lines(items: &[Value]) -> String {
    let text: Option<Vec<String>> = items
        .iter()
        .map(|p| match p {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => {
                let heading = o.get("heading")?.as_str()?;
                let rest = match o.get("text") {
                    Some(t) => t.as_str()?,
                    None => "",
                };
                Some(format!("{heading}{rest}"))
            }
            _ => None,
        })
        .collect();
    if let Some(text) = text {
        let joined = text.join("\n");
        if !items.is_empty() && paragraphs(&joined) == items {
            return joined;
        }
    }
    Value::Array(items.to_vec()).to_string()
}

/// A cell's lines → paragraphs: a line that opens with a heading's
/// numbering (一、（一）1.（1）) and has a 。 is that heading up to its
/// first 。 and the text after it (none when nothing follows); one with
/// the numbering and no 。 is a heading alone; any other line is a
/// paragraph of text.
fn paragraphs(s: &str) -> Vec<Value> {
    s.split('\n')
        .map(|line| {
            if crate::data::heading_level(line).is_none() {
                return json!(line);
            }
            match line.split_once('。') {
                Some((head, rest)) if !rest.is_empty() => {
                    json!({ "heading": format!("{head}。"), "text": rest })
                }
                _ => json!({ "heading": line }),
            }
        })
        .collect()
}

/// The most columns a county sheet may use: every column it writes
/// ([`TEXT`] and the figures of both formats, about 300) with room.
const COLUMNS: u32 = 1024;

/// A county sheet's columns: the JSON path each holds (from its second
/// header row), checked once for the whole sheet.
#[derive(Debug)]
pub struct Header {
    paths: Vec<Option<String>>,
    figures: Vec<Column>,
}

/// One data row of a county workbook: its cells, read into a report when
/// asked ([`Row::read`]), so that a batch of thousands of rows holds
/// only what the sheet holds.
#[derive(Debug)]
pub struct Row {
    /// The 1-based row number in the sheet.
    pub row: usize,
    cells: Vec<(u32, Data)>,
    header: Arc<Header>,
}

/// Reads every data row of a county workbook; the sheet's own errors
/// (its path row) fail the whole workbook, each at its cell.
pub fn read(bytes: &[u8], name: &str) -> Result<Vec<Row>, Diagnostics> {
    let mut book = cells::open(bytes, name, &guard::COUNTY)?;
    if !book.names().iter().any(|n| n == SHEET) {
        return Err(Diagnostic::input(
            Code::MissingKey,
            tr(
                format!("{name} 里没有工作表「{SHEET}」"),
                format!("{name} has no sheet 「{SHEET}」"),
            ),
        )
        .into());
    }
    let bounds = Bounds {
        rows: (guard::COUNTY_ROWS + 2) as u32,
        cols: COLUMNS,
    };
    let mut rows: BTreeMap<u32, Vec<(u32, Data)>> = BTreeMap::new();
    book.each(SHEET, bounds, |(r, c), d| {
        rows.entry(r).or_default().push((c, d))
    })?;
    let paths = rows.remove(&1).unwrap_or_default();
    rows.remove(&0);
    let header = Arc::new(header(&paths, &rows)?);
    Ok(rows
        .into_iter()
        .map(|(r, cells)| Row {
            row: r as usize + 1,
            cells,
            header: header.clone(),
        })
        .collect())
}

/// The path row, checked: each path known, none twice, and no column
/// that holds figures without one.
fn header(
    paths: &[(u32, Data)],
    rows: &BTreeMap<u32, Vec<(u32, Data)>>,
) -> Result<Header, Diagnostics> {
    let figures = columns();
    let mut errors = Diagnostics::new();
    let width = paths
        .iter()
        .map(|(c, _)| *c as usize + 1)
        .max()
        .unwrap_or(0);
    let mut out = vec![None; width];
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    for (c, d) in paths {
        let cell = format!("{SHEET}!{}", a1(1, *c as usize));
        let path = shown(d).trim().to_string();
        if path.is_empty() {
            continue;
        }
        let known =
            TEXT.iter().any(|(p, _)| *p == path) || figures.iter().any(|f| f.pointer == path);
        if !known {
            errors.push(at_cell(
                &cell,
                format!("列的 JSON 路径「{path}」不是报告的数据"),
                format!("the column's JSON path 「{path}」 is not report data"),
            ));
            continue;
        }
        if let Some(was) = first.get(&path) {
            errors.push(at_cell(
                &cell,
                format!("JSON 路径「{path}」有两列（另一列在 {was}）：不知道该用哪一列"),
                format!("two columns have the JSON path 「{path}」 (the other at {was}): which one holds it cannot be known"),
            ));
            continue;
        }
        first.insert(path.clone(), cell);
        out[*c as usize] = Some(path);
    }
    // A figure under a column without a path would be lost: said at the
    // first such cell of each column.
    let mut said = std::collections::BTreeSet::new();
    for (r, cells) in rows {
        for (c, _) in cells {
            if out.get(*c as usize).is_some_and(Option::is_some) || !said.insert(*c) {
                continue;
            }
            errors.push(at_cell(
                &format!("{SHEET}!{}", a1(*r as usize, *c as usize)),
                format!(
                    "这一格有内容，但它所在的列在第 2 行没有 JSON 路径（{}）",
                    a1(1, *c as usize)
                ),
                format!(
                    "this cell has content, but its column has no JSON path in row 2 ({})",
                    a1(1, *c as usize)
                ),
            ));
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(Header {
        paths: out,
        figures,
    })
}

fn at_cell(cell: &str, zh: String, en: String) -> Diagnostic {
    let mut d = Diagnostic::input(Code::Shape, tr(zh, en));
    d.place = Some(cell.to_string());
    d
}

impl Row {
    /// The report this row holds, what reading it said, and where each
    /// value sat; or why the row cannot be read, each at its cell.
    pub fn read(&self) -> Result<super::Read, Diagnostics> {
        let mut v = json!({});
        let mut cells = CellMap::new();
        let mut errors = Diagnostics::new();
        let mut warnings = Diagnostics::new();
        let get = |c: usize| {
            self.cells
                .iter()
                .find(|(k, _)| *k as usize == c)
                .map_or(Data::Empty, |(_, d)| d.clone())
        };
        let paths = &self.header.paths;
        for (c, path) in paths.iter().enumerate() {
            let Some(path) = path else { continue };
            let cell = format!("{SHEET}!{}", a1(self.row - 1, c));
            cells.insert(path.clone(), cell.clone());
            if TEXT.iter().any(|(p, _)| p == path) {
                let at = At {
                    cell: &cell,
                    pointer: path,
                };
                match text_value(path, &get(c), at) {
                    Ok(Some(value)) => super::read::set(&mut v, path, value),
                    Ok(None) => {}
                    Err(d) => errors.push(d),
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
        let format = Format::named_or_for_year(v["format"].as_str(), year);
        for (c, path) in paths.iter().enumerate() {
            let Some(path) = path else { continue };
            let Some(col) = self.header.figures.iter().find(|f| &f.pointer == path) else {
                continue;
            };
            let d = get(c);
            let cell = format!("{SHEET}!{}", a1(self.row - 1, c));
            if !col.formats.contains(&format) {
                if !matches!(d, Data::Empty) {
                    errors.push(at_cell(
                        &cell,
                        format!(
                            "这一列只属于另一种格式；本行是{}的报告",
                            format.describe_zh()
                        ),
                        format!(
                            "this column belongs to the other format; this row is a report in {}",
                            format.describe()
                        ),
                    ));
                }
                continue;
            }
            if matches!(d, Data::Empty) && col.total {
                continue;
            }
            let at = At {
                cell: &cell,
                pointer: path,
            };
            match value::figure(&d, col.cell, at, &mut warnings) {
                Ok(value) => super::read::set(&mut v, path, value),
                Err(e) => errors.push(e),
            }
        }
        if errors.has_errors() {
            return Err(errors);
        }
        Ok(super::Read {
            value: v,
            warnings,
            cells,
        })
    }

    /// The report this row holds, or why it cannot be read.
    pub fn value(&self) -> Result<Value, Diagnostics> {
        self.read().map(|r| r.value)
    }

    /// The unit the row names, when it names one (for messages).
    pub fn unit(&self) -> Option<String> {
        let c = self
            .header
            .paths
            .iter()
            .position(|p| p.as_deref() == Some("/unit"))?;
        let (_, d) = self.cells.iter().find(|(k, _)| *k as usize == c)?;
        let s = shown(d);
        (!s.trim().is_empty()).then_some(s)
    }
}

fn text_value(path: &str, d: &Data, at: At) -> Result<Option<Value>, Diagnostic> {
    match path {
        "/year" => return value::year(d, at),
        "/signature/date" => return value::signing_date(d, at),
        _ => {}
    }
    let Some(s) = value::text(d, at)? else {
        return Ok(None);
    };
    Ok(Some(match path {
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
                Value::Array(paragraphs(&s))
            }
        }
        _ => json!(s),
    }))
}
