//! A workbook → a report's JSON value (calamine), whoever saved it last.
//!
//! In: XLSX bytes as [`super::write`] lays them out, saved again by Excel,
//! WPS or LibreOffice. Out: the report's JSON value (then checked as any
//! data file is), warnings for figures typed as text, and a [`CellMap`]
//! from each JSON pointer to its sheet cell, so that every diagnostic
//! names `三、收到和处理政府信息公开申请情况!D12`; or errors naming the cell.
//!
//! A 总计 held as a formula is the computed one (the row is read without
//! it, and the checks recompute it); a 总计 held as a value is given, and
//! checked. A label that is not the official text, or a figure where a
//! label belongs, means the table was edited or moved: refused at the cell.

use super::layout::{self, Role, Section};
use super::write::{a1, BASICS, PROSE, PROSE_SECTIONS};
use crate::data::spec::Cell;
use crate::data::Format;
use crate::diag::{tr, Code, Diagnostic, Diagnostics};
use calamine::{Data, Range, Reader, Xlsx};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::Cursor;

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
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| {
        Diagnostics::from(Diagnostic::input(
            Code::JsonSyntax,
            tr(
                format!("{name} 不是可读的 Excel 工作簿（.xlsx）：{e}"),
                format!("{name} is not a readable workbook (.xlsx): {e}"),
            ),
        ))
    })?;
    let mut r = SheetReader {
        name: name.to_string(),
        errors: Diagnostics::new(),
        warnings: Diagnostics::new(),
        cells: CellMap::new(),
    };
    let basics = r.sheet(&mut wb, BASICS).ok_or_else(|| r.errors.clone())?;
    let mut value = r.basics(&basics.0);
    let year = value["year"].as_i64().unwrap_or(2021);
    let format = match value["format"].as_str() {
        Some("2019") => Format::F2019,
        Some("2021") => Format::F2021,
        _ => Format::for_year(year),
    };
    if let Some((prose, _)) = r.sheet(&mut wb, PROSE) {
        r.prose(&prose, &mut value);
    }
    for section in Section::ALL {
        if let Some((range, formulas)) = r.sheet(&mut wb, section.sheet()) {
            r.table(&range, &formulas, format, section, &mut value);
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

/// A workbook being read: what it said so far, and where each value was.
struct SheetReader {
    name: String,
    errors: Diagnostics,
    warnings: Diagnostics,
    cells: CellMap,
}

/// The text of a cell as a clerk sees it.
pub(super) fn shown(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
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

    /// A sheet's values and formulas, or an error naming the missing sheet.
    fn sheet(
        &mut self,
        wb: &mut Xlsx<Cursor<&[u8]>>,
        sheet: &str,
    ) -> Option<(Range<Data>, Range<String>)> {
        match (wb.worksheet_range(sheet), wb.worksheet_formula(sheet)) {
            (Ok(v), Ok(f)) => Some((v, f)),
            _ => {
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
                None
            }
        }
    }

    fn basics(&mut self, range: &Range<Data>) -> Value {
        let mut v = json!({});
        let (h, _) = range.get_size();
        for row in 1..range.end().map_or(h as u32, |e| e.0 + 1) as usize {
            let get = |c: usize| {
                range
                    .get_value((row as u32, c as u32))
                    .cloned()
                    .unwrap_or(Data::Empty)
            };
            let path = shown(&get(2));
            let content = get(1);
            if path.is_empty() {
                continue;
            }
            self.cells.insert(path.clone(), self.at(BASICS, row, 1));
            let value = match (&path[..], &content) {
                (_, Data::Empty) => continue,
                ("/year", Data::Float(f)) => json!(*f as i64),
                ("/year", Data::Int(i)) => json!(*i),
                ("/year", d) => match shown(d).trim().parse::<i64>() {
                    Ok(y) => json!(y),
                    Err(_) => json!(shown(d)),
                },
                (_, d) => json!(shown(d)),
            };
            set(&mut v, &path, value);
        }
        v
    }

    fn prose(&mut self, range: &Range<Data>, v: &mut Value) {
        for (key, _) in PROSE_SECTIONS {
            if key != "preamble" {
                v[key] = json!([]);
            }
        }
        let end = range.end().map_or(0, |e| e.0 as usize);
        for row in 1..=end {
            let get = |c: usize| {
                shown(
                    &range
                        .get_value((row as u32, c as u32))
                        .cloned()
                        .unwrap_or(Data::Empty),
                )
            };
            let (part, heading, text) = (get(0), get(1), get(2));
            if heading.trim().is_empty() && text.trim().is_empty() {
                continue;
            }
            // The section by its words, so that a clerk may add a row
            // without a path.
            let Some((key, _)) = PROSE_SECTIONS.iter().find(|(_, w)| *w == part.trim()) else {
                self.fail(
                    self.at(PROSE, row, 0),
                    format!("「{part}」不是报告的一部分（可写：前言、一、总体情况、五、存在的主要问题及改进情况、六、其他需要报告的事项）"),
                    format!("「{part}」 is not a part of the report"),
                );
                continue;
            };
            let item = if heading.trim().is_empty() {
                json!(text)
            } else if text.is_empty() {
                json!({ "heading": heading })
            } else {
                json!({ "heading": heading, "text": text })
            };
            let list = v[*key].as_array_mut();
            let list = match list {
                Some(l) => l,
                None => {
                    v[*key] = json!([]);
                    v[*key].as_array_mut().expect("just set")
                }
            };
            let i = list.len();
            list.push(item);
            self.cells
                .insert(format!("/{key}/{i}"), self.at(PROSE, row, 2));
        }
    }

    fn table(
        &mut self,
        range: &Range<Data>,
        formulas: &Range<String>,
        format: Format,
        section: Section,
        v: &mut Value,
    ) {
        let sheet = section.sheet();
        let grid = layout::grid(format, section);
        let get = |r: usize, c: usize| {
            range
                .get_value((r as u32, c as u32))
                .cloned()
                .unwrap_or(Data::Empty)
        };
        let formula = |r: usize, c: usize| {
            formulas
                .get_value((r as u32, c as u32))
                .is_some_and(|f| !f.trim().is_empty())
        };
        for cell in grid.cells.iter().filter(|c| c.role != Role::Value) {
            let got = shown(&get(cell.r, cell.c));
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
            let value = self.figure(
                &d,
                slot.cell,
                &self.at(sheet, cell.r, cell.c),
                &slot.pointer,
            );
            set(v, &slot.pointer, value);
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

    /// A figure from a cell: a number, blank as null, text as written
    /// for money; a count typed as text (`12`, `１２`, `12件`) is read as
    /// the number with a warning.
    fn figure(&mut self, d: &Data, kind: Cell, place: &str, pointer: &str) -> Value {
        match d {
            Data::Empty => Value::Null,
            Data::Int(i) => json!(i),
            // A whole amount comes back as the integer it was written as.
            Data::Float(f) if kind == Cell::Money && (f.fract() != 0.0 || f.abs() >= 9.0e15) => {
                json!(f)
            }
            Data::Float(f) if f.fract() == 0.0 => json!(*f as i64),
            Data::String(s) if kind == Cell::Money => json!(s),
            Data::String(s) if s.trim().is_empty() => Value::Null,
            Data::String(s) => {
                let cleaned: String = s
                    .trim()
                    .chars()
                    .map(|c| match c {
                        '０'..='９' => {
                            char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c)
                        }
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
                            pointer,
                            tr(
                                format!("「{s}」是文字，按数字 {n} 读入"),
                                format!("「{s}」 is text; read as the number {n}"),
                            ),
                        )
                        .with_hint(tr("格子里只填数字", "type only the number in the cell"));
                        w.place = Some(place.to_string());
                        self.warnings.push(w);
                        json!(n)
                    }
                    // The shape check refuses it, at this cell.
                    Err(_) => json!(s),
                }
            }
            other => json!(shown(other)),
        }
    }
}

/// Text compared without spaces and line breaks (an office suite may wrap
/// a label's text when it saves).
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

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
