//! Spreadsheets in and out: the clerk fills the official tables in Excel
//! or WPS 表格.
//!
//! In: a report's JSON value (to write), or XLSX bytes (to read). Out: a
//! workbook laid out as the official tables ([`write()`]), or the report's
//! JSON value with a map from each JSON pointer to its sheet cell
//! ([`mod@read`]), which then goes through the same checks as a data file.
//! A spreadsheet is one more reader of the same checked data: nothing
//! after the data stage knows where the report came from.

mod cells;
pub mod county;
pub mod guard;
pub mod layout;
mod read;
mod value;
mod write;

pub use read::{read, CellMap, Read};
pub use write::{a1, write, BASICS, PROSE};

use crate::diag::Diagnostics;

/// Whether bytes are an XLSX (a zip) rather than JSON text.
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Names the sheet cell of every diagnostic at a pointer the workbook
/// holds, before the place in the form's words:
/// `三、收到和处理政府信息公开申请情况!D12 表三「…」×「自然人」`.
pub fn name_cells(diags: &mut Diagnostics, cells: &CellMap) {
    for d in &mut diags.0 {
        let crate::diag::Location::Pointer { pointer } = &d.location else {
            continue;
        };
        // The cell of the pointer, or of the nearest enclosing one.
        let mut p = pointer.as_str();
        let cell = loop {
            if let Some(c) = cells.get(p) {
                break Some(c);
            }
            match p.rsplit_once('/') {
                Some((up, _)) if !up.is_empty() => p = up,
                _ => break None,
            }
        };
        if let Some(cell) = cell {
            if d.place
                .as_deref()
                .is_some_and(|pl| pl.contains(cell.as_str()))
            {
                continue;
            }
            d.place = Some(match d.place.take() {
                Some(words) => format!("{cell} {words}"),
                None => cell.clone(),
            });
        }
    }
}

/// Where a place naming a cell (`正文!C5 「一、总体情况」…`) is in the
/// workbook: (sheet in the workbook's order, row, column), or `None` for
/// a place that names no cell.
pub fn cell_order(place: &str) -> Option<(usize, u32, u32)> {
    let (sheet, rest) = place.split_once('!')?;
    let sheets = [
        BASICS,
        PROSE,
        layout::Section::Two.sheet(),
        layout::Section::Three.sheet(),
        layout::Section::Four.sheet(),
        county::SHEET,
    ];
    let s = sheets.iter().position(|n| *n == sheet)?;
    let a1 = rest.split(' ').next()?;
    let letters: String = a1.chars().take_while(char::is_ascii_uppercase).collect();
    let row: u32 = a1[letters.len()..].parse().ok()?;
    let col = letters
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1));
    Some((s, row, col))
}

/// "Cannot write the workbook", as every writer says it cannot write
/// (code `io`).
fn unwritable(e: rust_xlsxwriter::XlsxError) -> crate::diag::Diagnostic {
    crate::diag::cannot_each(
        ("写出", "write"),
        ("工作簿", "the workbook"),
        &std::io::Error::other(e),
    )
}
