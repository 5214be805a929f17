//! A workbook's sheets as sparse grids, read cell by cell, each held to
//! the area its layout can fill.
//!
//! In: XLSX bytes (first bounded by [`super::guard`]), a sheet's name and
//! its [`Bounds`]. Out: a [`Grid`] of the sheet's non-empty cells and
//! which of them hold formulas, or a diagnostic naming the cell outside
//! the bounds; for the county sheet, its rows one by one.
//!
//! calamine's `worksheet_range` allocates every cell of the rectangle
//! from the first used cell to the last (one cell at `XFD1048576` asks
//! for 17 billion), so sheets are read through its cell stream instead,
//! keeping only what is there. Every call into calamine runs under
//! `catch_unwind`: a panic left in it is one unreadable workbook (one
//! failed report in a batch), never a crash.

use super::guard::{self, Limits};
use crate::diag::{tr, Code, Diagnostic};
use calamine::{Data, Reader, Xlsx};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// How far a sheet's cells may lie: rows and columns from `A1`.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Rows.
    pub rows: u32,
    /// Columns.
    pub cols: u32,
}

/// A sheet's non-empty cells.
#[derive(Debug, Default)]
pub struct Grid {
    cells: BTreeMap<(u32, u32), Data>,
    formulas: BTreeSet<(u32, u32)>,
}

impl Grid {
    /// The cell at a 0-based row and column (empty where nothing is).
    pub fn get(&self, r: usize, c: usize) -> Data {
        let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
            return Data::Empty;
        };
        self.cells.get(&(r, c)).cloned().unwrap_or(Data::Empty)
    }

    /// Whether the cell holds a formula.
    pub fn formula(&self, r: usize, c: usize) -> bool {
        match (u32::try_from(r), u32::try_from(c)) {
            (Ok(r), Ok(c)) => self.formulas.contains(&(r, c)),
            _ => false,
        }
    }

    /// One past the last row that holds anything.
    pub fn height(&self) -> usize {
        self.cells
            .keys()
            .map(|&(r, _)| r as usize + 1)
            .max()
            .unwrap_or(0)
    }
}

/// An open workbook.
pub struct Book<'b> {
    name: String,
    xlsx: Xlsx<Cursor<&'b [u8]>>,
}

impl std::fmt::Debug for Book<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Book").field("name", &self.name).finish()
    }
}

/// Checks a workbook against `limits`, then opens it.
pub fn open<'b>(bytes: &'b [u8], name: &str, limits: &Limits) -> Result<Book<'b>, Diagnostic> {
    guard::check(bytes, name, limits)?;
    let opened = contained(name, || {
        calamine::open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes))
    })?;
    let xlsx = opened.map_err(|e| guard::unreadable(name, &e))?;
    Ok(Book {
        name: name.to_string(),
        xlsx,
    })
}

/// Runs `f`, turning a panic inside a reader library into an error.
fn contained<T>(name: &str, f: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| {
        Diagnostic::input(
            Code::JsonSyntax,
            tr(
                format!("{name} 读不了：工作簿的内容自相矛盾"),
                format!("{name} cannot be read: the workbook contradicts itself"),
            ),
        )
        .with_hint(tr(
            "用 Excel 或 WPS 打开后另存一份再试",
            "open it in Excel or WPS, save a fresh copy and try again",
        ))
    })
}

impl Book<'_> {
    /// The sheet names, in order.
    pub fn names(&self) -> Vec<String> {
        self.xlsx.sheet_names()
    }

    /// A sheet's cells within `bounds`, with its formulas when asked;
    /// `None` when there is no such sheet.
    pub fn sheet(
        &mut self,
        sheet: &str,
        bounds: Bounds,
        formulas: bool,
    ) -> Result<Option<Grid>, Diagnostic> {
        if !self.names().iter().any(|n| n == sheet) {
            return Ok(None);
        }
        let mut grid = Grid::default();
        self.each(sheet, bounds, |pos, d| {
            grid.cells.insert(pos, d);
        })?;
        if formulas {
            let name = self.name.clone();
            let found = contained(&name, || -> Result<Vec<(u32, u32)>, String> {
                let mut cells = self
                    .xlsx
                    .worksheet_cells_reader(sheet)
                    .map_err(|e| e.to_string())?;
                let mut found = Vec::new();
                while let Some(cell) = cells.next_formula().map_err(|e| e.to_string())? {
                    if !cell.get_value().trim().is_empty() {
                        found.push(cell.get_position());
                    }
                }
                Ok(found)
            })?
            .map_err(|e| self.unreadable(sheet, &e))?;
            grid.formulas.extend(found);
        }
        Ok(Some(grid))
    }

    /// Calls `f` with each non-empty cell of a sheet, in the order stored,
    /// refusing the first that lies outside `bounds`.
    pub fn each(
        &mut self,
        sheet: &str,
        bounds: Bounds,
        mut f: impl FnMut((u32, u32), Data),
    ) -> Result<(), Diagnostic> {
        let name = self.name.clone();
        let outcome = contained(&name, || -> Result<(), Stop> {
            let mut cells = self
                .xlsx
                .worksheet_cells_reader(sheet)
                .map_err(|e| Stop::Read(e.to_string()))?;
            while let Some(cell) = cells.next_cell().map_err(|e| Stop::Read(e.to_string()))? {
                let (r, c) = cell.get_position();
                let value = Data::from(cell.get_value().clone());
                if matches!(value, Data::Empty) {
                    continue;
                }
                if r >= bounds.rows || c >= bounds.cols {
                    return Err(Stop::Outside(r, c));
                }
                f((r, c), value);
            }
            Ok(())
        })?;
        match outcome {
            Ok(()) => Ok(()),
            Err(Stop::Read(e)) => Err(self.unreadable(sheet, &e)),
            Err(Stop::Outside(r, c)) => Err(outside(sheet, r, c, bounds)),
        }
    }

    fn unreadable(&self, sheet: &str, e: &str) -> Diagnostic {
        let name = &self.name;
        Diagnostic::input(
            Code::JsonSyntax,
            tr(
                format!("{name} 的工作表「{sheet}」读不了：{e}"),
                format!("{name}: the sheet 「{sheet}」 cannot be read: {e}"),
            ),
        )
    }
}

/// Why a sheet's stream stopped early.
enum Stop {
    Read(String),
    Outside(u32, u32),
}

/// A filled cell past the area its sheet's layout can fill.
fn outside(sheet: &str, r: u32, c: u32, bounds: Bounds) -> Diagnostic {
    let last = super::a1(bounds.rows as usize - 1, bounds.cols as usize - 1);
    let mut d = Diagnostic::input(
        Code::Limit,
        tr(
            format!("这一格在「{sheet}」能填的范围（A1:{last}）之外，不会被读入"),
            format!(
                "this cell lies outside what 「{sheet}」 holds (A1:{last}) and would not be read"
            ),
        ),
    )
    .with_hint(tr(
        "删去表格之外的内容，或把它写进表里",
        "delete what is outside the table, or move it into the table",
    ));
    d.place = Some(format!("{sheet}!{}", super::a1(r as usize, c as usize)));
    d
}
