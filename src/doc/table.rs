//! The document tree's tables: column widths, header rows and a resolved
//! grid (after typst's `CellGrid`).
//!
//! In: built by the markup's table parser. Out: a [`Table`] every writer
//! reads the same way: a [`CellGrid`] in which each slot of the grid is
//! either a cell (its spans, alignment, whether set vertically) or
//! covered by the cell that spans it, so no writer works spans out again.

use super::{ParaStyle, Span, VAlign};
use crate::units::Length;

/// A table: column widths, header rows, and the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column widths, fitted to the measure.
    pub columns: Vec<Length>,
    /// Rows `0..header_rows` repeat at the top of each page.
    pub header_rows: usize,
    /// Per row: never the last row on a page (a group's heading row).
    pub keep_with_next: Vec<bool>,
    /// The cells.
    pub grid: CellGrid,
    /// The rule width drawn on every cell edge.
    pub rule: Length,
    /// Padding inside each cell, left/right and top/bottom.
    pub pad_x: Length,
    /// Padding above and below the text.
    pub pad_y: Length,
    /// Minimum row height.
    pub min_row_height: Length,
}

impl Table {
    /// The table's width: its columns' sum.
    pub fn width(&self) -> Length {
        self.columns.iter().copied().sum()
    }
}

/// The resolved grid: `rows × cols` slots, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct CellGrid {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// `rows × cols` slots, row by row.
    pub slots: Vec<Slot>,
}

/// One grid position: a cell's top-left, or covered by a spanning cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// A cell starts here.
    Cell(Cell),
    /// Covered by the cell whose top-left is at (row, col).
    Merged {
        /// The top-left (row, column) of the covering cell.
        parent: (usize, usize),
    },
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Rows spanned.
    pub rowspan: usize,
    /// Columns spanned.
    pub colspan: usize,
    /// The cell's text as runs; `\n` forces a line break.
    pub spans: Vec<Span>,
    /// Text style and alignment.
    pub style: ParaStyle,
    /// Vertical alignment.
    pub valign: VAlign,
    /// Set one character per line, top to bottom (竖排).
    pub vertical: bool,
    /// The markup's `class`: `label`, `value`, `header`, … (for read-back
    /// tests and HTML).
    pub class: Option<String>,
    /// The markup's `data-pointer`: where the cell's figure sits in the
    /// report's JSON (the HTML writes it on the cell).
    pub pointer: Option<String>,
}

impl CellGrid {
    /// The slot at a grid position.
    pub fn slot(&self, row: usize, col: usize) -> &Slot {
        &self.slots[row * self.cols + col]
    }

    /// The cell at a top-left position, if one starts there.
    pub fn cell(&self, row: usize, col: usize) -> Option<&Cell> {
        match self.slot(row, col) {
            Slot::Cell(c) => Some(c),
            Slot::Merged { .. } => None,
        }
    }

    /// Every cell with its top-left position, row by row.
    pub fn cells(&self) -> impl Iterator<Item = (usize, usize, &Cell)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(move |(i, s)| match s {
                Slot::Cell(c) => Some((i / self.cols, i % self.cols, c)),
                Slot::Merged { .. } => None,
            })
    }
}

impl Cell {
    /// The cell's plain text.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    /// What the cell heads, from its markup class: the official tables'
    /// header rows (`header`, `group-header`) head the columns below them,
    /// a row's label (`label`) heads its row; any other cell is data. The
    /// tagged PDF's `TH`/`TD` and the HTML's `<th scope>`/`<td>` read it.
    pub fn heads(&self) -> Option<Scope> {
        match self.class.as_deref() {
            Some("header" | "group-header") => Some(Scope::Column),
            Some("label") => Some(Scope::Row),
            _ => None,
        }
    }
}

/// What a header cell heads (ISO 32000-1 table 349 `Scope`; HTML's
/// `<th scope>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The column(s) below it.
    Column,
    /// The row it starts.
    Row,
}
