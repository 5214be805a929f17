//! DOCX tables: the tree's [`Table`] → a Word table.
//!
//! In: a table of the document tree (column widths, the resolved cell
//! grid, header and keep-with-next rows). Out: a docx-rs table with
//! `w:tblGrid` from the template, `gridSpan` and `vMerge` for merged
//! cells, rows that never split, the vertical cell set `tbRlV`, single
//! borders on every cell edge, and `w:keepNext` on the rows Word must keep
//! together. Header rows are marked later, in `package`, since docx-rs
//! has no `w:tblHeader`.

use super::{utw, Writer};
use crate::doc::*;
use crate::units::Length;
use docx_rs::{
    BorderType, Paragraph, Table as DTable, TableBorder, TableBorderPosition, TableBorders,
    TableCell, TableCellBorder, TableCellBorderPosition, TableCellBorders, TableLayoutType,
    TableRow, TextDirectionType, VAlignType, VMergeType, WidthType,
};

impl Writer<'_> {
    pub(super) fn table(&self, t: &Table) -> DTable {
        let grid: Vec<usize> = t.columns.iter().map(|w| utw(*w) as usize).collect();
        let rule = (t.rule.to_pt() * 8.0).round() as usize; // eighths of a point
        let mut rows = Vec::with_capacity(t.grid.rows);
        for (r, &keep) in keep_rows(t).iter().enumerate() {
            let mut cells = Vec::new();
            for c in 0..t.grid.cols {
                let span_width = |c0: usize, n: usize| grid[c0..c0 + n].iter().sum::<usize>();
                match t.grid.slot(r, c) {
                    Slot::Cell(cell) => {
                        let mut tc = self
                            .cell(cell, keep)
                            .width(span_width(c, cell.colspan), WidthType::Dxa);
                        if cell.colspan > 1 {
                            tc = tc.grid_span(cell.colspan);
                        }
                        if cell.rowspan > 1 {
                            tc = tc.vertical_merge(VMergeType::Restart);
                        }
                        cells.push(tc.set_borders(cell_borders(rule)));
                    }
                    Slot::Merged { parent: (pr, pc) } if *pc == c && *pr < r => {
                        // The row's piece of a cell spanning rows: an empty
                        // continuation with the parent's columns.
                        let Some(parent) = t.grid.cell(*pr, *pc) else {
                            continue;
                        };
                        let mut tc = TableCell::new()
                            .add_paragraph(Paragraph::new().keep_next(keep))
                            .vertical_merge(VMergeType::Continue)
                            .width(span_width(c, parent.colspan), WidthType::Dxa)
                            .set_borders(cell_borders(rule));
                        if parent.colspan > 1 {
                            tc = tc.grid_span(parent.colspan);
                        }
                        cells.push(tc);
                    }
                    Slot::Merged { .. } => {}
                }
            }
            let height = t.min_row_height.to_twips().round() as f32;
            rows.push(
                TableRow::new(cells)
                    .cant_split()
                    .row_height(height)
                    .height_rule(docx_rs::HeightRule::AtLeast),
            );
        }
        let width: usize = grid.iter().sum();
        let (px, py) = (utw(t.pad_x) as usize, utw(t.pad_y) as usize);
        DTable::new(rows)
            .set_grid(grid)
            .margins(docx_rs::TableCellMargins::new().margin(py, px, py, px))
            .layout(TableLayoutType::Fixed)
            .width(width, WidthType::Dxa)
            .align(docx_rs::TableAlignmentType::Center)
            .set_borders(table_borders(rule))
    }

    fn cell(&self, cell: &Cell, keep_next: bool) -> TableCell {
        let mut style = cell.style.clone();
        style.first_line_indent = Length::ZERO;
        let p = self
            .paragraph(&cell.spans, &style, None)
            .keep_next(keep_next);
        let valign = match cell.valign {
            VAlign::Top => VAlignType::Top,
            VAlign::Middle => VAlignType::Center,
            VAlign::Bottom => VAlignType::Bottom,
        };
        let mut tc = TableCell::new().add_paragraph(p).vertical_align(valign);
        if cell.vertical {
            tc = tc.text_direction(TextDirectionType::TbRlV);
        }
        tc
    }
}

/// Merge groups of at most this many rows are kept on one page.
const KEEP_GROUP_ROWS: usize = 8;
/// A taller group broken by a page keeps at least this many rows on each
/// side of the break.
const GROUP_PIECE_ROWS: usize = 3;

/// Rows whose paragraphs keep with the next row, which is how Word keeps
/// table rows together: the rows the template marks (a group's heading
/// rows), and every row but the last of a small vertically merged group.
/// Word cannot repeat a merged label on the next page as the PDF does,
/// so such a group split by a page break would show its label on one
/// piece only (or cut in two). A group taller than a third of a page may
/// break, but not right after its first rows or before its last ones, so
/// each piece has room for part of the label (as orphan and widow
/// control does for the lines of a paragraph).
fn keep_rows(t: &Table) -> Vec<bool> {
    let mut keep: Vec<bool> = (0..t.grid.rows)
        .map(|r| t.keep_with_next.get(r).copied().unwrap_or(false))
        .collect();
    for r in 0..t.grid.rows {
        for c in 0..t.grid.cols {
            let Slot::Cell(cell) = t.grid.slot(r, c) else {
                continue;
            };
            let last = r + cell.rowspan - 1;
            let kept: Vec<usize> = if cell.rowspan <= 1 {
                Vec::new()
            } else if cell.rowspan <= KEEP_GROUP_ROWS {
                (r..last).collect()
            } else {
                let head = r..r + GROUP_PIECE_ROWS - 1;
                let tail = last + 1 - GROUP_PIECE_ROWS..last;
                head.chain(tail).collect()
            };
            for k in kept {
                keep[k] = true;
            }
        }
    }
    keep
}

fn table_borders(size: usize) -> TableBorders {
    let mut b = TableBorders::new();
    for pos in [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ] {
        b = b.set(
            TableBorder::new(pos)
                .border_type(BorderType::Single)
                .size(size)
                .color("000000"),
        );
    }
    b
}

fn cell_borders(size: usize) -> TableCellBorders {
    let mut b = TableCellBorders::new();
    for pos in [
        TableCellBorderPosition::Top,
        TableCellBorderPosition::Left,
        TableCellBorderPosition::Bottom,
        TableCellBorderPosition::Right,
        TableCellBorderPosition::InsideH,
        TableCellBorderPosition::InsideV,
    ] {
        b = b.set(
            TableCellBorder::new(pos)
                .border_type(BorderType::Single)
                .size(size)
                .color("000000"),
        );
    }
    b
}
