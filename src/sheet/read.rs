//! A workbook → a report's JSON value (calamine), whoever saved it last.
//!
//! In: XLSX bytes as [`mod@super::write`] lays them out, saved again by Excel,
//! WPS or LibreOffice. Out: the report's JSON value (then checked as any
//! data file is), warnings for figures typed as text, and a [`CellMap`]
//! from each JSON pointer to its sheet cell, so that every diagnostic
//! names `三、收到和处理政府信息公开申请情况!D12`; or errors naming the cell.
//!
//! A 总计 held as a formula is the computed one (the row is read without
//! it, and the checks recompute it); a 总计 held as a value is given, and
//! checked. A label that is not the official text, or a figure where a
//! label belongs, means the table was edited or moved: refused at the cell.

use super::cells::{self, Book, Bounds, Grid};
use super::guard;
use super::layout::{self, Role, Section};
use super::value::{self, At};
use super::write::{a1, BASICS, PROSE, PROSE_SECTIONS};
use crate::data::Format;
use crate::diag::{tr, Code, Diagnostic, Diagnostics};
use calamine::Data;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// JSON pointer → `sheet!A1`.
pub type CellMap = BTreeMap<String, String>;

/// A workbook read: the report, what was said about it, where each value
/// came from.
#[derive(Debug)]
pub struct Read {
    /// The report as JSON.
    pub value: Value,
    /// Warnings (figures typed as text).
    pub warnings: Diagnostics,
    /// Where each value was.
    pub cells: CellMap,
}

/// Reads a workbook; `name` names it in messages.
pub fn read(bytes: &[u8], name: &str) -> Result<Read, Diagnostics> {
    let mut book = cells::open(bytes, name, &guard::REPORT)?;
    let mut r = SheetReader {
        name: name.to_string(),
        errors: Diagnostics::new(),
        warnings: Diagnostics::new(),
        cells: CellMap::new(),
    };
    let basics = r.sheet(&mut book, BASICS, BASICS_BOUNDS, false)?;
    let Some(basics) = basics else {
        return Err(r.errors);
    };
    let mut value = r.basics(&basics);
    let year = value["year"].as_i64().unwrap_or(2021);
    let format = Format::named_or_for_year(value["format"].as_str(), year);
    if let Some(prose) = r.sheet(&mut book, PROSE, PROSE_BOUNDS, false)? {
        r.prose(&prose, &mut value);
    }
    for section in Section::ALL {
        if let Some(grid) = r.sheet(&mut book, section.sheet(), table_bounds(section), true)? {
            r.table(&grid, format, section, &mut value);
        }
    }
    if r.errors.has_errors() {
        return Err(r.errors);
    }
    Ok(Read {
        value,
        warnings: r.warnings,
        cells: r.cells,
    })
}

/// 基本信息 holds columns A–C (项目, 内容, JSON 路径); a row per fact,
/// title line and label override.
const BASICS_BOUNDS: Bounds = Bounds {
    rows: 2_000,
    cols: 3,
};

/// 正文 holds columns A–D (部分, 小标题, 正文, JSON 路径); a row a
/// paragraph.
const PROSE_BOUNDS: Bounds = Bounds {
    rows: 10_000,
    cols: 4,
};

/// A table's sheet holds its official grid, in either format.
fn table_bounds(section: Section) -> Bounds {
    let (mut rows, mut cols) = (0, 0);
    for format in [Format::F2019, Format::F2021] {
        let grid = layout::grid(format, section);
        rows = rows.max(grid.rows);
        cols = cols.max(grid.cols);
    }
    Bounds {
        rows: rows as u32,
        cols: cols as u32,
    }
}

/// A workbook being read: what it said so far, and where each value was.
struct SheetReader {
    name: String,
    errors: Diagnostics,
    warnings: Diagnostics,
    cells: CellMap,
}

/// The most title lines a workbook gives (a title is two or three lines).
const TITLE_LINES: usize = 10;

/// A path of the 基本信息 sheet: what it fills.
#[derive(Debug, Clone, PartialEq)]
enum Fact {
    Year,
    Date,
    TitleLine(usize),
    Label,
    Text,
}

/// What a path in 基本信息 names, or `None` when the contract has no such
/// place there.
fn fact(path: &str, title_lines: usize) -> Option<Fact> {
    match path {
        "/year" => Some(Fact::Year),
        "/signature/date" => Some(Fact::Date),
        "/unit" | "/format" | "/title" | "/signature/unit" => Some(Fact::Text),
        _ => {
            if let Some(key) = path.strip_prefix("/labels/") {
                return (!key.is_empty()).then_some(Fact::Label);
            }
            let n = path.strip_prefix("/title/")?;
            let i: usize = n.parse().ok().filter(|_| !n.starts_with('+'))?;
            // Lines in order, each once: `/title/5` without lines 0–4
            // would make an array of blanks.
            (i == title_lines && i < TITLE_LINES).then_some(Fact::TitleLine(i))
        }
    }
}

impl SheetReader {
    fn at(&self, sheet: &str, row: usize, col: usize) -> String {
        format!("{sheet}!{}", a1(row, col))
    }

    fn fail(&mut self, place: String, zh: String, en: String) {
        let mut d = Diagnostic::input(Code::Shape, tr(zh, en));
        d.place = Some(place);
        self.errors.push(d);
    }

    /// A sheet's cells, or an error naming the missing sheet (kept, and
    /// `None` returned); an unreadable sheet stops the workbook.
    fn sheet(
        &mut self,
        book: &mut Book,
        sheet: &str,
        bounds: Bounds,
        formulas: bool,
    ) -> Result<Option<Grid>, Diagnostics> {
        match book.sheet(sheet, bounds, formulas) {
            Ok(Some(grid)) => Ok(Some(grid)),
            Ok(None) => {
                let name = self.name.clone();
                self.errors.push(Diagnostic::input(
                    Code::MissingKey,
                    tr(
                        format!("{name} 里没有工作表「{sheet}」"),
                        format!("{name} has no sheet 「{sheet}」"),
                    ),
                )
                .with_hint(tr(
                    "用 nianbao convert 或 nianbao init -o 报告.xlsx 生成的工作簿，不要改工作表的名字",
                    "start from a workbook written by nianbao convert or nianbao init -o report.xlsx, and keep its sheet names",
                )));
                Ok(None)
            }
            Err(d) => {
                let mut all = std::mem::take(&mut self.errors);
                all.push(d);
                Err(all)
            }
        }
    }

    fn basics(&mut self, grid: &Grid) -> Value {
        let mut v = json!({});
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut title_lines = 0;
        for row in 1..grid.height() {
            let path_cell = self.at(BASICS, row, 2);
            let cell = self.at(BASICS, row, 1);
            let content = grid.get(row, 1);
            let path = match value::text(
                &grid.get(row, 2),
                At {
                    cell: &path_cell,
                    pointer: "",
                },
            ) {
                Ok(p) => p.unwrap_or_default().trim().to_string(),
                Err(d) => {
                    self.errors.push(d);
                    continue;
                }
            };
            if path.is_empty() {
                if !matches!(content, Data::Empty) {
                    self.fail(
                        path_cell,
                        format!("这一行填了内容「{}」，却没有 JSON 路径：不知道它是什么", value::shown(&content)),
                        format!("this row has content 「{}」 but no JSON path: what it is cannot be known", value::shown(&content)),
                    );
                }
                continue;
            }
            let Some(kind) = fact(&path, title_lines) else {
                // A title line out of place still takes its place, so
                // that the lines after it are not refused as well.
                if path.starts_with("/title/") {
                    title_lines += 1;
                }
                self.fail(
                    path_cell,
                    format!("「{path}」不是基本信息里可填的 JSON 路径"),
                    format!("「{path}」 is not a JSON path the basic facts may name"),
                );
                continue;
            };
            if let Some(first) = seen.get(&path) {
                let first = first.clone();
                self.fail(
                    path_cell,
                    format!("JSON 路径「{path}」重复了（第一次在 {first}）"),
                    format!("the JSON path 「{path}」 appears twice (first at {first})"),
                );
                continue;
            }
            let both = match kind {
                Fact::TitleLine(_) => seen.contains_key("/title"),
                _ => path == "/title" && title_lines > 0,
            };
            if both {
                self.fail(
                    path_cell,
                    "标题要么写在一行（/title），要么分行写（/title/0、/title/1…），不能两样都写"
                        .into(),
                    "the title is either one row (/title) or lines (/title/0, /title/1…), not both"
                        .into(),
                );
                continue;
            }
            if let Fact::TitleLine(_) = kind {
                title_lines += 1;
            }
            seen.insert(path.clone(), path_cell);
            self.cells.insert(path.clone(), cell.clone());
            let at = At {
                cell: &cell,
                pointer: &path,
            };
            let got = match kind {
                Fact::Year => value::year(&content, at),
                Fact::Date => value::signing_date(&content, at),
                // A title line keeps its place even when blank.
                Fact::TitleLine(_) => {
                    value::text(&content, at).map(|t| Some(json!(t.unwrap_or_default())))
                }
                Fact::Label | Fact::Text => value::text(&content, at).map(|t| t.map(Value::from)),
            };
            match got {
                Ok(Some(value)) => set(&mut v, &path, value),
                Ok(None) => {}
                Err(d) => self.errors.push(d),
            }
        }
        v
    }

    fn prose(&mut self, grid: &Grid, v: &mut Value) {
        for (key, _) in PROSE_SECTIONS {
            if key != "preamble" {
                v[key] = json!([]);
            }
        }
        for row in 1..grid.height() {
            let mut cols = [String::new(), String::new(), String::new()];
            let mut bad = false;
            for (c, slot) in cols.iter_mut().enumerate() {
                let cell = self.at(PROSE, row, c);
                match value::text(
                    &grid.get(row, c),
                    At {
                        cell: &cell,
                        pointer: "",
                    },
                ) {
                    Ok(t) => *slot = t.unwrap_or_default(),
                    Err(d) => {
                        self.errors.push(d);
                        bad = true;
                    }
                }
            }
            let [part, heading, text] = cols;
            if bad || (heading.trim().is_empty() && text.trim().is_empty()) {
                continue;
            }
            // The section by its words, so that a clerk may add a row
            // without a path.
            let Some((key, _)) = PROSE_SECTIONS.iter().find(|(_, w)| *w == part.trim()) else {
                let all: String = PROSE_SECTIONS
                    .iter()
                    .map(|(_, w)| format!("「{w}」"))
                    .collect();
                let (zh, en) = if part.trim().is_empty() {
                    (
                        format!("这一行的「部分」是空的：请填 {all} 之一"),
                        format!("this row's part is empty: write one of {all}"),
                    )
                } else {
                    (
                        format!("「{part}」不是报告的一部分：请填 {all} 之一"),
                        format!("「{part}」 is not a part of the report: write one of {all}"),
                    )
                };
                self.fail(self.at(PROSE, row, 0), zh, en);
                continue;
            };
            let item = if heading.trim().is_empty() {
                json!(text)
            } else if text.is_empty() {
                json!({ "heading": heading })
            } else {
                json!({ "heading": heading, "text": text })
            };
            if !v[*key].is_array() {
                v[*key] = json!([]);
            }
            if let Some(list) = v[*key].as_array_mut() {
                let i = list.len();
                list.push(item);
                self.cells
                    .insert(format!("/{key}/{i}"), self.at(PROSE, row, 2));
            }
        }
    }

    fn table(&mut self, grid_cells: &Grid, format: Format, section: Section, v: &mut Value) {
        let sheet = section.sheet();
        let grid = layout::grid(format, section);
        let get = |r: usize, c: usize| grid_cells.get(r, c);
        let formula = |r: usize, c: usize| grid_cells.formula(r, c);
        for cell in grid.cells.iter().filter(|c| c.role != Role::Value) {
            let got = value::shown(&get(cell.r, cell.c));
            if squash(&got) != squash(&cell.text) {
                self.fail(
                    self.at(sheet, cell.r, cell.c),
                    format!("这里应是「{}」，实际是「{got}」：标准表的文字不能改，格子也不能移动", cell.text),
                    format!("this cell should read 「{}」 but reads 「{got}」: the official table's labels may not be edited or moved", cell.text),
                );
                return;
            }
        }
        let slots = layout::slots(format, section);
        // Rows whose 总计 is a formula are read without it.
        let mut skip_total: Vec<&str> = Vec::new();
        for (slot, cell) in slots.iter().zip(layout::value_cells(grid)) {
            self.cells
                .insert(slot.pointer.clone(), self.at(sheet, cell.r, cell.c));
            if slot.total_of.is_some() && formula(cell.r, cell.c) {
                skip_total.push(&slot.pointer);
                continue;
            }
            let d = get(cell.r, cell.c);
            let place = self.at(sheet, cell.r, cell.c);
            let at = At {
                cell: &place,
                pointer: &slot.pointer,
            };
            match value::figure(&d, slot.cell, at, &mut self.warnings) {
                Ok(value) => set(v, &slot.pointer, value),
                Err(e) => self.errors.push(e),
            }
        }
        // A row left to compute its 总计: drop the trailing slot; （七）总计
        // all formulas: no `total` at all.
        if section == Section::Three
            && (0..7).all(|i| skip_total.contains(&format!("/applications/total/{i}").as_str()))
        {
            if let Some(a) = v
                .pointer_mut("/applications")
                .and_then(Value::as_object_mut)
            {
                a.remove("total");
            }
        }
        for p in skip_total {
            if p.starts_with("/applications/total/") {
                continue;
            }
            let (row, _) = p.rsplit_once('/').unwrap_or((p, ""));
            if let Some(arr) = v.pointer_mut(row).and_then(Value::as_array_mut) {
                arr.truncate(arr.len().min(if section == Section::Four { 4 } else { 6 }));
            }
        }
    }
}

/// Text compared without spaces and line breaks (an office suite may wrap
/// a label's text when it saves).
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The most blanks [`set`] adds before an index (a table row is at most
/// 9 cells).
const MAX_PAD: usize = 64;

/// Sets `pointer` in `v`, making the objects and arrays on the way.
pub(super) fn set(v: &mut Value, pointer: &str, new: Value) {
    let parts: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut cur = v;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let next_is_index = parts.get(i + 1).is_some_and(|p| p.parse::<usize>().is_ok());
        if let Ok(idx) = part.parse::<usize>() {
            if !cur.is_array() {
                *cur = Value::Array(Vec::new());
            }
            let arr = cur.as_array_mut().expect("an array");
            // Every pointer set here was checked against the contract's
            // shape first; this bound only keeps a mistake from padding
            // an array to a hostile index.
            if idx > arr.len() + MAX_PAD {
                return;
            }
            while arr.len() <= idx {
                arr.push(Value::Null);
            }
            if last {
                arr[idx] = new;
                return;
            }
            cur = &mut arr[idx];
        } else {
            if !cur.is_object() {
                *cur = Value::Object(Map::new());
            }
            let map = cur.as_object_mut().expect("an object");
            if last {
                map.insert(part.clone(), new);
                return;
            }
            cur = map.entry(part.clone()).or_insert_with(|| {
                if next_is_index {
                    Value::Array(Vec::new())
                } else {
                    Value::Object(Map::new())
                }
            });
        }
    }
}
