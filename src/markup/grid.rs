//! Placing table cells on the grid.
//!
//! In: rows of cells with `rowspan`/`colspan`, as the markup lists them,
//! and the number of columns. Out: a [`CellGrid`] in which every slot is a
//! cell or `Merged { parent }`, placed by the HTML table algorithm (each
//! cell takes the next slot of its row not covered from above). A table
//! whose spans overlap, run past its edges, or leave a hole is an error
//! naming the row and column (counted from 1, as a person counts).

use crate::doc::{Cell, CellGrid, Slot};

/// A cell as parsed, before placement, with its position in the markup
/// for messages.
#[derive(Debug, Clone)]
pub struct Placed {
    pub cell: Cell,
    /// Byte offset of the `<td>` in the markup (turned into a line and
    /// column only when there is an error to report).
    pub at: usize,
}

/// A placement problem and where in the markup it is.
#[derive(Debug, Clone, PartialEq)]
pub struct GridError {
    pub message: String,
    pub at: usize,
}

/// Places `rows` on a grid of `cols` columns.
pub fn place(rows: Vec<Vec<Placed>>, cols: usize, table_at: usize) -> Result<CellGrid, GridError> {
    let nrows = rows.len();
    let mut owner: Vec<Option<(usize, usize)>> = vec![None; nrows * cols];
    let mut cells: Vec<Option<Cell>> = vec![None; nrows * cols];
    for (r, row) in rows.into_iter().enumerate() {
        let mut c = 0;
        for p in row {
            while c < cols && owner[r * cols + c].is_some() {
                c += 1;
            }
            let (rs, cs) = (p.cell.rowspan, p.cell.colspan);
            let err = |message: String| Err(GridError { message, at: p.at });
            if c + cs > cols {
                return err(format!(
                    "row {}: a cell at column {} spanning {cs} column(s) runs past the table's {cols} columns",
                    r + 1,
                    c + 1
                ));
            }
            if r + rs > nrows {
                return err(format!(
                    "row {}, column {}: rowspan {rs} runs past the table's last row ({nrows})",
                    r + 1,
                    c + 1
                ));
            }
            for rr in r..r + rs {
                for cc in c..c + cs {
                    if let Some((pr, pc)) = owner[rr * cols + cc] {
                        return err(format!(
                            "row {}, column {}: the cell starting at row {}, column {} overlaps the cell starting at row {}, column {}",
                            rr + 1,
                            cc + 1,
                            r + 1,
                            c + 1,
                            pr + 1,
                            pc + 1
                        ));
                    }
                    owner[rr * cols + cc] = Some((r, c));
                }
            }
            cells[r * cols + c] = Some(p.cell);
            c += cs;
        }
    }
    if let Some(i) = owner.iter().position(Option::is_none) {
        return Err(GridError {
            message: format!(
                "row {}, column {} is covered by no cell: the row has too few cells for {cols} columns",
                i / cols + 1,
                i % cols + 1
            ),
            at: table_at,
        });
    }
    let slots = cells
        .into_iter()
        .zip(owner)
        .map(|(cell, owner)| match (cell, owner) {
            (Some(cell), _) => Slot::Cell(cell),
            (None, Some(parent)) => Slot::Merged { parent },
            (None, None) => unreachable!("every slot has an owner, checked above"),
        })
        .collect();
    Ok(CellGrid {
        rows: nrows,
        cols,
        slots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Align, ParaStyle, TextStyle, VAlign};
    use crate::units::Length;

    fn cell(rowspan: usize, colspan: usize) -> Placed {
        let text = TextStyle {
            role: crate::doc::Role::Song,
            size: Length::pt(10.5),
            bold: false,
        };
        let style = ParaStyle {
            name: crate::doc::StyleName::TABLE_CELL,
            text,
            align: Align::Center,
            first_line_indent: Length::ZERO,
            line_pitch: Length::pt(14.0),
            space_before: Length::ZERO,
            space_after: Length::ZERO,
        };
        Placed {
            cell: Cell {
                rowspan,
                colspan,
                spans: vec![],
                style,
                valign: VAlign::Middle,
                vertical: false,
                class: None,
                pointer: None,
            },
            at: 0,
        }
    }

    #[test]
    fn spans_cover_their_slots() {
        // ┌───┬───┐
        // │   │ b │
        // │ a ├───┤
        // │   │ c │
        // └───┴───┘
        let g = place(vec![vec![cell(2, 1), cell(1, 1)], vec![cell(1, 1)]], 2, 0).expect("fits");
        assert!(g.cell(0, 0).is_some());
        assert_eq!(g.slot(1, 0), &Slot::Merged { parent: (0, 0) });
        assert!(g.cell(1, 1).is_some());
    }

    #[test]
    fn holes_and_overlaps_are_named() {
        let e = place(vec![vec![cell(1, 1)], vec![cell(1, 2)]], 2, 0).expect_err("hole");
        assert!(
            e.message
                .starts_with("row 1, column 2 is covered by no cell"),
            "{}",
            e.message
        );
        let e = place(vec![vec![cell(1, 2), cell(1, 1)]], 2, 0).expect_err("too wide");
        assert!(
            e.message.contains("runs past the table's 2 columns"),
            "{}",
            e.message
        );
        let e = place(vec![vec![cell(3, 1), cell(1, 1)], vec![cell(1, 1)]], 2, 0)
            .expect_err("too tall");
        assert!(e.message.contains("rowspan 3"), "{}", e.message);
    }
}
