//! Inputs: where reports come from, each read and parsed once.
//!
//! In: the run's inputs as [`Source`]s (a path, or standard input, whose
//! reader the caller hands in: the library never reads the process's
//! own), and a report's bytes. Out: [`Unit`]s, one per report (files,
//! directories, JSON arrays, JSON Lines, county workbooks, streamed JSON
//! Lines on standard input), each giving its [`Input`]: the report's JSON
//! value (from JSON text, or from a workbook by [`crate::sheet::read`]),
//! with the run's defaults merged under it ([`defaults`]), the warnings
//! reading gave, and where each value sat in a workbook, so that later
//! diagnostics can name the sheet cell. Reading is bounded here: a report
//! at [`crate::data::MAX_DATA_BYTES`] (the limit `data` holds text to),
//! an input that holds many at [`MAX_BATCH_INPUT_BYTES`]; a report over
//! its limit is refused with its size where that is known (a file's) and
//! as "more than" where it is not (a stream), in `data`'s one message
//! ([`crate::data::too_large`]). Everything after this reads the same
//! checked data.
//!
//! - [`mod@units`]: paths and bytes → units;
//! - [`stream`]: standard input, streamed;
//! - [`defaults`]: `--defaults`, read and merged;
//! - [`previous`]: last year's reports, for the check across years.

pub mod defaults;
pub mod previous;
pub mod stream;
pub mod units;

pub use stream::{units, Reader, Units};
pub use units::{expand, holds_many, read_bounded, units_from_bytes, Unit, MAX_BATCH_INPUT_BYTES};

use crate::diag::{Diagnostic, Diagnostics};
use crate::sheet::{self, CellMap};
use serde_json::Value;
use std::path::PathBuf;

/// How messages name standard input.
pub const STDIN: &str = "<stdin>";

/// Where an input is: a path, or standard input (`-` on the command
/// line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input.
    Stdin,
    /// A file or directory.
    Path(PathBuf),
}

impl Source {
    /// An input as the command line gives it: `-` is standard input.
    pub fn from_arg(arg: &str) -> Source {
        if arg == "-" {
            Source::Stdin
        } else {
            Source::Path(PathBuf::from(arg))
        }
    }

    /// How messages name it: `<stdin>`, or the path as given.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => STDIN.to_string(),
            Source::Path(p) => p.display().to_string(),
        }
    }

    /// The path, unless it is standard input.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Source::Stdin => None,
            Source::Path(p) => Some(p),
        }
    }
}

/// All of an input that may hold many reports, read once and bounded
/// ([`MAX_BATCH_INPUT_BYTES`]); standard input from `stdin`.
pub fn read_source(source: &Source, stdin: impl std::io::Read) -> Result<Vec<u8>, Diagnostic> {
    let name = source.name();
    match source {
        Source::Stdin => read_bounded(stdin, &name),
        Source::Path(p) => {
            let file = std::fs::File::open(p).map_err(|e| cannot_read(&name, &e))?;
            read_bounded(file, &name)
        }
    }
}

/// One report's bytes, at most [`crate::data::MAX_DATA_BYTES`]; a larger
/// input is refused with its real size (a file's, or "more than" for a
/// stream), never the number of bytes read. Standard input from `stdin`.
pub fn read_report(source: &Source, stdin: impl std::io::Read) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    let max = crate::data::MAX_DATA_BYTES as u64;
    let name = source.name();
    let mut bytes = Vec::new();
    let size = match source {
        Source::Stdin => {
            stdin
                .take(max + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| cannot_read(&name, &e))?;
            None
        }
        Source::Path(p) => {
            let file = std::fs::File::open(p).map_err(|e| cannot_read(&name, &e))?;
            // A device or pipe has no size to tell: "more than" it is.
            let size = file
                .metadata()
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len());
            file.take(max + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| cannot_read(&name, &e))?;
            size
        }
    };
    if bytes.len() as u64 > max {
        return Err(crate::data::too_large(&name, size));
    }
    Ok(bytes)
}

/// "Cannot read NAME", with the reason, in both languages.
fn cannot_read(name: &str, e: &std::io::Error) -> Diagnostic {
    crate::diag::cannot(("读取", "read"), name, e)
}

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

/// A report read from a workbook (one report's, or a county row).
impl From<sheet::Read> for Input {
    fn from(read: sheet::Read) -> Input {
        Input {
            value: read.value,
            warnings: read.warnings,
            cells: read.cells,
        }
    }
}

impl Input {
    /// Names the workbook cell of each diagnostic (nothing for JSON), and
    /// puts a workbook's diagnostics in the order of its sheets, rows and
    /// columns, as a clerk goes through it (those without a cell last).
    pub fn locate(&self, diags: &mut Diagnostics) {
        sheet::name_cells(diags, &self.cells);
        if !self.cells.is_empty() {
            diags
                .0
                .sort_by_key(|d| d.place.as_deref().and_then(sheet::cell_order));
            // `None` (no cell) sorts first: move those after the cells.
            let n = diags
                .0
                .iter()
                .take_while(|d| d.place.as_deref().and_then(sheet::cell_order).is_none())
                .count();
            diags.0.rotate_left(n);
        }
    }
}

/// Reads JSON text or an XLSX workbook (told apart by content, not name).
pub fn load(bytes: &[u8], name: &str) -> Result<Input, Diagnostics> {
    if sheet::is_xlsx(bytes) {
        return Ok(sheet::read(bytes, name)?.into());
    }
    let value = crate::data::parse_bytes(bytes, name)?;
    Ok(Input {
        value,
        warnings: Diagnostics::new(),
        cells: CellMap::new(),
    })
}
