//! An input file, whatever its kind: bytes → the report's JSON value.
//!
//! In: a file's bytes and its name. Out: the JSON value (from JSON text,
//! or from a workbook by [`crate::sheet::read`]), the warnings reading it
//! gave, and where each value sat in the workbook (empty for JSON), so
//! that later diagnostics can name the sheet cell. Everything after this
//! reads the same checked data.

use crate::diag::Diagnostics;
use crate::sheet::{self, CellMap};
use serde_json::Value;

/// A report's data, read.
#[derive(Debug)]
pub struct Input {
    /// The report as JSON.
    pub value: Value,
    /// Said while reading (a figure typed as text in a workbook).
    pub warnings: Diagnostics,
    /// JSON pointer → `sheet!A1`, for a workbook.
    pub cells: CellMap,
}

impl Input {
    /// Names the workbook cell of each diagnostic (nothing for JSON).
    pub fn locate(&self, diags: &mut Diagnostics) {
        sheet::name_cells(diags, &self.cells);
    }
}

/// Reads JSON text or an XLSX workbook (told apart by content, not name).
pub fn load(bytes: &[u8], name: &str) -> Result<Input, Diagnostics> {
    if sheet::is_xlsx(bytes) {
        let read = sheet::read(bytes, name)?;
        return Ok(Input {
            value: read.value,
            warnings: read.warnings,
            cells: read.cells,
        });
    }
    let value = crate::data::parse_bytes(bytes, name)?;
    Ok(Input {
        value,
        warnings: Diagnostics::new(),
        cells: CellMap::new(),
    })
}
