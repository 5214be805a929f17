//! The official tables as a spreadsheet lays them out, and which JSON
//! path each value cell holds.
//!
//! In: a format and a section (二、三、四). Out: the official grid
//! (`formats/table_layouts.json`: every cell with its row, column, spans,
//! printed text and role) and, for the value cells in reading order, the
//! [`Slot`] each holds: its JSON pointer, its kind of cell, and for a 总计
//! the cells it sums. The slots come from the contract's own field tables
//! ([`crate::data::spec`]), so the two forms of the contract are checked
//! against each other by a test: as many slots as `{v}` cells.

use crate::data::spec::{self, Cell, Field, Kind};
use crate::data::Format;
use serde::Deserialize;
use std::sync::OnceLock;

/// A standard table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// 二、主动公开政府信息情况.
    Two,
    /// 三、收到和处理政府信息公开申请情况.
    Three,
    /// 四、政府信息公开行政复议、行政诉讼情况.
    Four,
}

impl Section {
    /// All three, in printed order.
    pub const ALL: [Section; 3] = [Section::Two, Section::Three, Section::Four];

    /// The sheet's name: the section's heading as printed.
    pub fn sheet(self) -> &'static str {
        match self {
            Section::Two => "二、主动公开政府信息情况",
            Section::Three => "三、收到和处理政府信息公开申请情况",
            Section::Four => "四、政府信息公开行政复议、行政诉讼情况",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Section::Two => "section2",
            Section::Three => "section3",
            Section::Four => "section4",
        }
    }
}

/// What a cell of the grid is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A column header.
    Header,
    /// The note in the corner of 表三.
    HeaderNote,
    /// A 第二十条第（x）项 row.
    GroupHeader,
    /// A row label.
    Label,
    /// A figure.
    Value,
}

/// One cell of an official grid.
#[derive(Debug, Clone, Deserialize)]
pub struct GridCell {
    /// Top row, 0-based.
    pub r: usize,
    /// Left column, 0-based.
    pub c: usize,
    /// Rows spanned.
    pub rs: usize,
    /// Columns spanned.
    pub cs: usize,
    /// The printed text (`{v}` for a value).
    pub text: String,
    /// What it is.
    pub role: Role,
}

/// An official grid.
#[derive(Debug, Clone, Deserialize)]
pub struct Grid {
    /// Columns.
    pub cols: usize,
    /// Rows.
    pub rows: usize,
    /// Every cell, each grid position covered once.
    pub cells: Vec<GridCell>,
}

type Layouts = std::collections::BTreeMap<String, std::collections::BTreeMap<String, Grid>>;

/// The official grid of a table.
pub fn grid(format: Format, section: Section) -> &'static Grid {
    static ALL: OnceLock<Layouts> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        let text = include_str!("../../formats/table_layouts.json");
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.remove("_doc");
        }
        serde_json::from_value(v).unwrap_or_default()
    });
    static EMPTY: Grid = Grid {
        cols: 0,
        rows: 0,
        cells: Vec::new(),
    };
    all.get(format.as_str())
        .and_then(|f| f.get(section.key()))
        .unwrap_or(&EMPTY)
}

/// What a value cell holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// Its JSON pointer: `/applications/new/0`.
    pub pointer: String,
    /// Its kind.
    pub cell: Cell,
    /// For a 总计 that the data may leave to be computed: the pointers it
    /// sums.
    pub total_of: Option<Vec<String>>,
}

/// The slots of a table's value cells, in reading order (row by row).
pub fn slots(format: Format, section: Section) -> Vec<Slot> {
    let mut out = Vec::new();
    match section {
        Section::Two => {
            let fields = match format {
                Format::F2019 => spec::AD_2019,
                Format::F2021 => spec::AD_2021,
            };
            for f in fields {
                let at = format!("/active_disclosure/{}", f.key);
                match f.kind {
                    Kind::Cells(cells) => {
                        for (i, c) in cells.iter().enumerate() {
                            out.push(plain(format!("{at}/{i}"), *c));
                        }
                    }
                    Kind::Cell(c) => out.push(plain(at, c)),
                    _ => {}
                }
            }
        }
        Section::Three => {
            let rows = application_rows(format);
            let results: Vec<&String> = rows
                .iter()
                .filter(|r| {
                    !matches!(
                        r.as_str(),
                        "/applications/new"
                            | "/applications/carried_over"
                            | "/applications/total"
                            | "/applications/carried_forward"
                    )
                })
                .collect();
            for row in &rows {
                for i in 0..7 {
                    let pointer = format!("{row}/{i}");
                    let total_of = if row == "/applications/total" {
                        Some(results.iter().map(|r| format!("{r}/{i}")).collect())
                    } else if i == 6 {
                        Some((0..6).map(|k| format!("{row}/{k}")).collect())
                    } else {
                        None
                    };
                    out.push(Slot {
                        pointer,
                        cell: Cell::Count,
                        total_of,
                    });
                }
            }
        }
        Section::Four => {
            for f in spec::REVIEW_LITIGATION {
                let row = format!("/review_litigation/{}", f.key);
                for i in 0..5 {
                    out.push(Slot {
                        pointer: format!("{row}/{i}"),
                        cell: Cell::Count,
                        total_of: (i == 4).then(|| (0..4).map(|k| format!("{row}/{k}")).collect()),
                    });
                }
            }
        }
    }
    out
}

fn plain(pointer: String, cell: Cell) -> Slot {
    Slot {
        pointer,
        cell,
        total_of: None,
    }
}

/// The rows of 表三 in printed order, as JSON pointers.
pub fn application_rows(format: Format) -> Vec<String> {
    let mut out = Vec::new();
    for f in spec::APPLICATIONS {
        push_rows(f, "/applications", format, &mut out);
    }
    out
}

fn push_rows(f: &Field, base: &str, format: Format, out: &mut Vec<String>) {
    let at = format!("{base}/{}", f.key);
    match f.kind {
        Kind::Row { .. } => out.push(at),
        Kind::Object(inner) => inner.iter().for_each(|g| push_rows(g, &at, format, out)),
        Kind::OtherProcessing => match format {
            Format::F2019 => out.push(at),
            Format::F2021 => spec::OTHER_ITEMS
                .iter()
                .for_each(|g| push_rows(g, &at, format, out)),
        },
        _ => {}
    }
}

/// The value cells of a grid, in reading order.
pub fn value_cells(grid: &Grid) -> Vec<&GridCell> {
    let mut v: Vec<&GridCell> = grid
        .cells
        .iter()
        .filter(|c| c.role == Role::Value)
        .collect();
    v.sort_by_key(|c| (c.r, c.c));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_cell_has_one_slot() {
        for format in [Format::F2019, Format::F2021] {
            for section in Section::ALL {
                let g = grid(format, section);
                assert!(g.rows > 0, "{format:?} {section:?}");
                assert_eq!(
                    value_cells(g).len(),
                    slots(format, section).len(),
                    "{format:?} {section:?}"
                );
            }
        }
    }
}
