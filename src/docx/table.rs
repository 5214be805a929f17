//! DOCX tables: the tree's [`Table`] → a Word table.
//!
//! In: a table of the document tree (column widths, the resolved cell
//! grid, header and keep-with-next rows). Out: `w:tbl` with `w:tblGrid`
//! from the template, `gridSpan` and `vMerge` for merged cells, header
//! rows marked `w:tblHeader` (contiguous from the first row, so Word
//! repeats them), rows that never split, the vertical cell set `tbRlV`,
//! single borders on every cell edge, and `w:keepNext` on the paragraphs
//! of the rows Word must keep together (Word has no row-level keep).
//! Children in schema order: ECMA-376 Part 1 §17.4.60 CT_TblPr,
//! §17.4.82 CT_TrPr, §17.4.70 CT_TcPr.

use super::body::{PPr, Writer};
use super::tw;
use super::xml::{Res, Val, Xml};
use crate::doc::*;
use crate::units::Length;

impl Writer<'_> {
    pub(super) fn table(&self, x: &mut Xml, t: &Table) -> Res {
        let grid: Vec<i64> = t.columns.iter().map(|w| tw(*w).max(0)).collect();
        let rule = ((t.rule.to_pt() * 8.0).round() as i64)
            .clamp(2, 96)
            .to_string();
        x.open("w:tbl", &[])?;
        table_props(x, t, grid.iter().sum(), &rule)?;
        x.open("w:tblGrid", &[])?;
        for w in &grid {
            x.empty("w:gridCol", &[("w:w", &w.to_string())])?;
        }
        x.close("w:tblGrid")?;
        let height = tw(t.min_row_height).max(0).to_string();
        let span_width = |c0: usize, n: usize| grid[c0..(c0 + n).min(grid.len())].iter().sum();
        for (r, &keep) in keep_rows(t).iter().enumerate() {
            x.open("w:tr", &[])?;
            x.open("w:trPr", &[])?;
            x.empty("w:cantSplit", &[])?;
            x.empty("w:trHeight", &[("w:val", &height), ("w:hRule", "atLeast")])?;
            if r < t.header_rows {
                x.empty("w:tblHeader", &[])?;
            }
            x.close("w:trPr")?;
            for c in 0..t.grid.cols {
                match t.grid.slot(r, c) {
                    Slot::Cell(cell) => {
                        let props = CellProps {
                            width: span_width(c, cell.colspan),
                            span: cell.colspan,
                            vmerge: (cell.rowspan > 1).then_some("restart"),
                            vertical: cell.vertical,
                            valign: cell.valign,
                        };
                        x.open("w:tc", &[])?;
                        props.write(x, &rule)?;
                        let mut style = cell.style.clone();
                        style.first_line_indent = Length::ZERO;
                        let mut ppr = PPr::of(&style);
                        ppr.keep_next = keep;
                        self.paragraph(x, &cell.spans, &ppr)?;
                        x.close("w:tc")?;
                    }
                    Slot::Merged { parent: (pr, pc) } if *pc == c && *pr < r => {
                        // The row's piece of a cell spanning rows: an empty
                        // continuation with the parent's columns, holding
                        // the paragraph every cell needs.
                        let Some(parent) = t.grid.cell(*pr, *pc) else {
                            continue;
                        };
                        let props = CellProps {
                            width: span_width(c, parent.colspan),
                            span: parent.colspan,
                            vmerge: Some("continue"),
                            vertical: false,
                            valign: parent.valign,
                        };
                        x.open("w:tc", &[])?;
                        props.write(x, &rule)?;
                        let mut ppr = PPr::of(&parent.style);
                        ppr.ind = (Length::ZERO, Length::ZERO, Length::ZERO);
                        ppr.keep_next = keep;
                        self.paragraph(x, &[], &ppr)?;
                        x.close("w:tc")?;
                    }
                    Slot::Merged { .. } => {}
                }
            }
            x.close("w:tr")?;
        }
        x.close("w:tbl")
    }
}

/// `w:tblPr`: width, centred, borders, fixed layout, cell margins.
fn table_props(x: &mut Xml, t: &Table, width: i64, rule: &str) -> Res {
    x.open("w:tblPr", &[])?;
    x.empty("w:tblW", &[("w:w", &width.to_string()), ("w:type", "dxa")])?;
    x.val("w:jc", "center")?;
    borders(
        x,
        "w:tblBorders",
        &[
            "w:top",
            "w:left",
            "w:bottom",
            "w:right",
            "w:insideH",
            "w:insideV",
        ],
        rule,
    )?;
    x.empty("w:tblLayout", &[("w:type", "fixed")])?;
    let (px, py) = (
        tw(t.pad_x).max(0).to_string(),
        tw(t.pad_y).max(0).to_string(),
    );
    x.open("w:tblCellMar", &[])?;
    for (side, w) in [
        ("w:top", &py),
        ("w:left", &px),
        ("w:bottom", &py),
        ("w:right", &px),
    ] {
        x.empty(side, &[("w:w", w), ("w:type", "dxa")])?;
    }
    x.close("w:tblCellMar")?;
    x.close("w:tblPr")
}

/// A borders element with a single rule of `size` eighths of a point on
/// each of `sides`.
fn borders(x: &mut Xml, name: &str, sides: &[&str], size: &str) -> Res {
    x.open(name, &[])?;
    for side in sides {
        x.empty(
            side,
            &[
                ("w:val", "single"),
                ("w:sz", size),
                ("w:space", "0"),
                ("w:color", "000000"),
            ],
        )?;
    }
    x.close(name)
}

/// What a cell's `w:tcPr` says.
struct CellProps {
    width: i64,
    span: usize,
    vmerge: Option<&'static str>,
    vertical: bool,
    valign: VAlign,
}

impl CellProps {
    fn write(&self, x: &mut Xml, rule: &str) -> Res {
        x.open("w:tcPr", &[])?;
        x.empty(
            "w:tcW",
            &[("w:w", &self.width.to_string()), ("w:type", "dxa")],
        )?;
        if self.span > 1 {
            x.val("w:gridSpan", &self.span.to_string())?;
        }
        match self.vmerge {
            Some("restart") => x.val("w:vMerge", "restart")?,
            Some(_) => x.empty("w:vMerge", &[])?,
            None => {}
        }
        borders(
            x,
            "w:tcBorders",
            &["w:top", "w:left", "w:bottom", "w:right"],
            rule,
        )?;
        if self.vertical {
            x.val("w:textDirection", "tbRlV")?;
        }
        let v = match self.valign {
            VAlign::Top => "top",
            VAlign::Middle => "center",
            VAlign::Bottom => "bottom",
        };
        x.val("w:vAlign", v)?;
        x.close("w:tcPr")
    }
}

/// Merge groups of at most this many rows are kept on one page.
const KEEP_GROUP_ROWS: usize = 8;
/// A taller group broken by a page keeps at least this many rows on each
/// side of the break.
const GROUP_PIECE_ROWS: usize = 3;

/// Rows whose paragraphs keep with the next row, which is how Word keeps
/// table rows together: the header rows (so that the head of tables 三
/// and 四 never ends a page without the first data row, as the PDF keeps
/// it: `tblHeader` only repeats them), the rows the template marks (a
/// group's heading rows), and every row but the last of a small
/// vertically merged group.
/// Word cannot repeat a merged label on the next page as the PDF does,
/// so such a group split by a page break would show its label on one
/// piece only (or cut in two). A group taller than a third of a page may
/// break, but not right after its first rows or before its last ones, so
/// each piece has room for part of the label (as orphan and widow
/// control does for the lines of a paragraph).
fn keep_rows(t: &Table) -> Vec<bool> {
    let mut keep: Vec<bool> = (0..t.grid.rows)
        .map(|r| r < t.header_rows || t.keep_with_next.get(r).copied().unwrap_or(false))
        .collect();
    for (r, _, cell) in t.grid.cells() {
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
    keep
}
