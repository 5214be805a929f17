//! The markup's tables: `<table>` with its `<col>`s and rows → a
//! [`Table`] whose spans tile its grid.
//!
//! In: a `<table>` element of the markup, read by the markup's
//! [`Parser`]. Out: the table: column widths fitted to the measure
//! (weights sharing what lengths leave), header rows, rows kept with the
//! next, and a [`CellGrid`] in which each slot is a cell or covered by
//! one; a row whose cells overlap or leave a hole, an unknown attribute or
//! too many cells is an error at its line and column.

use super::grid::{self, Placed};
use super::{Parser, Result, MAX_DOCUMENT_CELLS, MAX_TABLE_CELLS};
use crate::diag::{Code, Diagnostic};
use crate::doc::*;
use crate::units::Length;
use roxmltree::Node;

/// The largest `<col width>` weight; weights are shares, and a sum of
/// huge ones loses the small.
const MAX_COL_WEIGHT: f64 = 1.0e6;

impl Parser<'_, '_> {
    pub(super) fn table(&self, node: Node) -> Result<Table> {
        self.attrs(node, &["class"])?;
        let mut widths = Vec::new();
        let mut rows = Vec::new();
        let mut keep_with_next = Vec::new();
        let mut header_rows = 0;
        for child in node.children().filter(Node::is_element) {
            match child.tag_name().name() {
                "col" => {
                    self.attrs(child, &["width"])?;
                    widths.push(self.col_width(child)?);
                }
                "thead" | "tbody" => {
                    self.attrs(child, &[])?;
                    let is_head = child.tag_name().name() == "thead";
                    if is_head && rows.len() > header_rows {
                        return Err(
                            self.err(child, "<thead> must come before the body rows".into())
                        );
                    }
                    for tr in child.children().filter(Node::is_element) {
                        let (row, keep) = self.row(tr)?;
                        self.count_cells(tr, &rows, row.len())?;
                        rows.push(row);
                        keep_with_next.push(keep);
                        if is_head {
                            header_rows += 1;
                        }
                    }
                }
                "tr" => {
                    let (row, keep) = self.row(child)?;
                    self.count_cells(child, &rows, row.len())?;
                    rows.push(row);
                    keep_with_next.push(keep);
                }
                other => {
                    return Err(self.err(
                        child,
                        format!("unknown element <{other}> in <table> (col, thead, tbody, tr)"),
                    ))
                }
            }
        }
        if rows.is_empty() {
            return Err(self.err(node, "a table needs at least one <tr>".into()));
        }
        if widths.is_empty() {
            let cols = rows[0].iter().map(|p| p.cell.colspan).sum::<usize>().max(1);
            widths = vec![ColWidth::Weight(1.0); cols];
        }
        let grid = grid::place(rows, widths.len(), node.range().start).map_err(|e| {
            let p = self.doc.text_pos_at(e.at);
            Diagnostic::at_text(
                Code::TableGrid,
                self.name,
                p.row as usize,
                p.col as usize,
                e.message,
            )
        })?;
        let t = &self.sheet.table;
        Ok(Table {
            columns: resolve_widths(&widths, self.sheet.page.text_width),
            header_rows,
            keep_with_next,
            grid,
            rule: t.rule,
            pad_x: t.pad_x,
            pad_y: t.pad_y,
            min_row_height: t.min_row_height,
        })
    }

    /// Refuses a row that takes its table past [`MAX_TABLE_CELLS`] or the
    /// document past [`MAX_DOCUMENT_CELLS`].
    fn count_cells(&self, tr: Node, rows: &[Vec<Placed>], new: usize) -> Result<()> {
        let in_table = rows.iter().map(Vec::len).sum::<usize>() + new;
        let in_doc = self.cells.get() + new;
        self.cells.set(in_doc);
        if in_table > MAX_TABLE_CELLS || in_doc > MAX_DOCUMENT_CELLS {
            let (zh, en, limit) = if in_table > MAX_TABLE_CELLS {
                ("一张表", "a table", MAX_TABLE_CELLS)
            } else {
                ("一份文件", "a document", MAX_DOCUMENT_CELLS)
            };
            let (line, col) = self.pos(tr);
            return Err(Diagnostic::at_text(
                Code::Limit,
                self.name,
                line,
                col,
                crate::diag::tr(
                    format!("{zh}最多 {limit} 个单元格；这一行超出了"),
                    format!("{en} has at most {limit} cells; this row goes past"),
                ),
            ));
        }
        Ok(())
    }

    fn col_width(&self, node: Node) -> Result<ColWidth> {
        let w = node.attribute("width").unwrap_or("1");
        if let Ok(v) = w.parse::<f64>() {
            if v.is_finite() && v > 0.0 && v <= MAX_COL_WEIGHT {
                return Ok(ColWidth::Weight(v));
            }
        }
        match Length::parse(w) {
            // No column is wider than a sheet of A0.
            Some(l) if l > Length::ZERO && l <= Length::mm(1189.0) => Ok(ColWidth::Abs(l)),
            _ => Err(self.err(
                node,
                format!(
                    "width=\"{w}\": expected a weight from 0 to {MAX_COL_WEIGHT} (e.g. 685) or a length up to 1189mm (e.g. 20mm)"
                ),
            )),
        }
    }

    /// A row's cells, and whether it keeps with the next row.
    fn row(&self, tr: Node) -> Result<(Vec<Placed>, bool)> {
        if tr.tag_name().name() != "tr" {
            return Err(self.err(
                tr,
                format!(
                    "unknown element <{}> where a <tr> belongs",
                    tr.tag_name().name()
                ),
            ));
        }
        self.attrs(tr, &["keep-with-next"])?;
        let keep = match tr.attribute("keep-with-next") {
            None | Some("false") => false,
            Some("true") => true,
            Some(v) => {
                return Err(self.err(
                    tr,
                    format!("keep-with-next=\"{v}\": expected true or false"),
                ))
            }
        };
        let mut cells = Vec::new();
        for td in tr.children().filter(Node::is_element) {
            if td.tag_name().name() != "td" {
                return Err(self.err(
                    td,
                    format!("unknown element <{}> in <tr> (td)", td.tag_name().name()),
                ));
            }
            cells.push(Placed {
                cell: self.cell(td)?,
                at: td.range().start,
            });
        }
        Ok((cells, keep))
    }

    fn cell(&self, td: Node) -> Result<Cell> {
        self.attrs(
            td,
            &[
                "rowspan",
                "colspan",
                "style",
                "align",
                "valign",
                "vertical",
                "class",
                "data-pointer",
            ],
        )?;
        let span = |name: &str| -> Result<usize> {
            match td.attribute(name) {
                None => Ok(1),
                Some(v) => v
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| {
                        self.err(
                            td,
                            format!("{name}=\"{v}\": expected a whole number from 1 to 1000"),
                        )
                    }),
            }
        };
        let mut style = self.style_attr(td, StyleName::TABLE_CELL.as_str())?;
        if let Some(a) = td.attribute("align") {
            style.align = match a {
                "left" => Align::Left,
                "center" => Align::Center,
                "right" => Align::Right,
                "justify" => Align::Justify,
                _ => {
                    return Err(self.err(
                        td,
                        format!("align=\"{a}\": expected left, center, right or justify"),
                    ))
                }
            };
        }
        let valign = match td.attribute("valign").unwrap_or("middle") {
            "top" => VAlign::Top,
            "middle" => VAlign::Middle,
            "bottom" => VAlign::Bottom,
            v => {
                return Err(self.err(
                    td,
                    format!("valign=\"{v}\": expected top, middle or bottom"),
                ))
            }
        };
        let vertical = match td.attribute("vertical") {
            None | Some("false") => false,
            Some("true") => true,
            Some(v) => {
                return Err(self.err(td, format!("vertical=\"{v}\": expected true or false")))
            }
        };
        let spans = self.inline(td, &style)?;
        Ok(Cell {
            rowspan: span("rowspan")?,
            colspan: span("colspan")?,
            spans,
            style,
            valign,
            vertical,
            class: td.attribute("class").map(str::to_string),
            pointer: td
                .attribute("data-pointer")
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        })
    }
}

/// A `<col width>`: a weight (share of what is left) or a length.
#[derive(Debug, Clone, Copy)]
enum ColWidth {
    Weight(f64),
    Abs(Length),
}

/// Column widths fitted to the measure: lengths as given, weights sharing
/// what is left; a table wider than the measure is scaled down to fit.
fn resolve_widths(widths: &[ColWidth], measure: Length) -> Vec<Length> {
    let (mut fixed, mut weights) = (Length::ZERO, 0.0);
    for w in widths {
        match *w {
            ColWidth::Abs(l) => fixed += l,
            ColWidth::Weight(v) => weights += v,
        }
    }
    let left = (measure - fixed).max(Length::ZERO);
    let mut out: Vec<Length> = widths
        .iter()
        .map(|w| match w {
            ColWidth::Abs(l) => *l,
            ColWidth::Weight(v) => left * (v / weights),
        })
        .collect();
    let total: Length = out.iter().copied().sum();
    if total > measure {
        let k = measure / total;
        out.iter_mut().for_each(|w| *w = *w * k);
    }
    out
}
