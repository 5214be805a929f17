//! An input's reports: files, directories, arrays, JSON Lines and county
//! workbooks → one [`Unit`] per report, each read and parsed once.
//!
//! In: input paths (standard input is [`super::stream`]'s), or bytes
//! already read (a pipe). Out: the [`Unit`]s, in input order, each able
//! to give its report ([`Unit::input`]) merged with the run's defaults.
//! A unit holds no parsed data until asked, so that a batch's memory does
//! not grow with its number of reports: a file of one report is only
//! peeked at here (its first bytes, or a workbook's list of sheets) and
//! read when asked; the reports of an array or JSON Lines file are slices
//! of its text, held once; a county workbook's rows are the cells they
//! have. An input that cannot be read at all is one failed unit: it is
//! reported, and the other inputs still render.

use super::defaults::merge;
use super::{cannot_read, Input, Source};
use crate::diag::{tr, Code, Diagnostic, Diagnostics};
use serde_json::value::RawValue;
use serde_json::Value;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One report of a batch.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The input it came from, as given.
    pub input: String,
    /// Its index in an array or JSON Lines file.
    pub index: Option<usize>,
    origin: Origin,
}

/// Where a unit's data is.
#[derive(Debug, Clone)]
enum Origin {
    /// A file holding one report.
    File(PathBuf),
    /// A workbook of one report that came through a pipe.
    Bytes(Arc<Vec<u8>>),
    /// A slice of a text shared by several units; `line` for a JSON Lines
    /// line (its 1-based number, for messages).
    Text {
        text: Arc<str>,
        range: Range<usize>,
        line: Option<usize>,
    },
    /// A row of a county workbook, its cells read when the workbook was.
    Row(Arc<crate::sheet::county::Row>),
    /// An input that could not be read as reports.
    Failed(Diagnostics),
}

impl Unit {
    /// An input that gives no report, with why.
    pub(super) fn failed(input: &str, d: Diagnostic) -> Unit {
        Unit {
            input: input.to_string(),
            index: None,
            origin: Origin::Failed(d.into()),
        }
    }

    /// One line of a JSON Lines stream: its text, 1-based line number
    /// and index among the stream's reports.
    pub(super) fn line(input: &str, text: String, line: usize, index: usize) -> Unit {
        let len = text.len();
        Unit {
            input: input.to_string(),
            index: Some(index),
            origin: Origin::Text {
                text: Arc::from(text),
                range: 0..len,
                line: Some(line),
            },
        }
    }

    /// The 1-based sheet row of a county workbook's report.
    pub fn row(&self) -> Option<usize> {
        match &self.origin {
            Origin::Row(r) => Some(r.row),
            _ => None,
        }
    }

    /// The unit a county workbook's row names, read from its cell alone
    /// (so that a row whose figures cannot be read is still named).
    pub fn row_unit(&self) -> Option<String> {
        match &self.origin {
            Origin::Row(r) => r.unit(),
            _ => None,
        }
    }

    /// [`Unit::label`] in a person's language, with the reporting unit
    /// when it is known: `county.xlsx 第 19 行（城关镇人民政府）`,
    /// `county.xlsx[row 19] (城关镇人民政府)`.
    pub fn label_for(&self, lang: crate::Lang, unit: Option<&str>) -> String {
        let base = match (lang, self.row()) {
            (crate::Lang::Zh, Some(row)) => format!("{} 第 {row} 行", self.input),
            _ => self.label(),
        };
        match (unit.filter(|u| !u.trim().is_empty()), lang) {
            (Some(u), crate::Lang::Zh) => format!("{base}（{u}）"),
            (Some(u), crate::Lang::En) => format!("{base} ({u})"),
            (None, _) => base,
        }
    }

    /// `INPUT` or `INPUT[#index]`, as messages name it.
    pub fn label(&self) -> String {
        match (&self.origin, self.index) {
            (Origin::Row(r), _) => format!("{}[row {}]", self.input, r.row),
            (_, Some(i)) => format!("{}[#{i}]", self.input),
            (_, None) => self.input.clone(),
        }
    }

    /// The report, read and parsed from its source, with `defaults`
    /// merged under it, what reading said and, for a workbook, where each
    /// value sat (so diagnostics can name the sheet cell); or why it
    /// cannot be read. Each call reads the source: a caller that needs
    /// the report twice keeps what this returns.
    pub fn input(&self, defaults: Option<&Value>) -> Result<Input, Diagnostics> {
        let name = self.input.as_str();
        let mut read = None;
        let value = match &self.origin {
            Origin::File(path) => {
                let source = super::Source::Path(path.clone());
                let bytes = super::read_report(&source, std::io::empty())?;
                let input = super::load(&bytes, name)?;
                let value = input.value.clone();
                read = Some(input);
                value
            }
            Origin::Bytes(bytes) => {
                crate::data::check_size(bytes.len(), name)?;
                let input = super::load(bytes, name)?;
                let value = input.value.clone();
                read = Some(input);
                value
            }
            Origin::Text { text, range, line } => {
                let part = &text[range.clone()];
                crate::data::check_size(part.len(), &self.label())?;
                match line {
                    // A line's position is in the whole file.
                    Some(line) => crate::data::parse_text(part, name).map_err(|mut d| {
                        if let crate::diag::Location::Text { line: l, .. } = &mut d.location {
                            *l = *line;
                        }
                        d
                    })?,
                    None => crate::data::parse_text(part, name)?,
                }
            }
            Origin::Row(row) => {
                let input = Input::from(row.read()?);
                let value = input.value.clone();
                read = Some(input);
                value
            }
            Origin::Failed(d) => return Err(d.clone()),
        };
        let value = match defaults {
            Some(d) => merge(d, &value),
            None => value,
        };
        Ok(match read {
            Some(mut input) => {
                input.value = value;
                input
            }
            None => Input {
                value,
                warnings: Diagnostics::new(),
                cells: Default::default(),
            },
        })
    }
}

/// Expands paths into units: a directory gives its `*.json` and `*.xlsx`
/// files in name order; a file holding a JSON array gives one unit per
/// item; a `.jsonl`/`.ndjson` file one per non-empty line; a county
/// workbook one per row; any other file one. (Standard input is read by
/// [`super::stream::Units`].)
pub fn expand(paths: &[PathBuf]) -> Vec<Unit> {
    let mut units = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        if !path.is_dir() {
            units.extend(file_units(path, &shown));
            continue;
        }
        let listing = match std::fs::read_dir(path) {
            Ok(l) => l,
            Err(e) => {
                let d = crate::diag::cannot(("读取目录", "read the directory"), &shown, &e);
                units.push(Unit::failed(&shown, d));
                continue;
            }
        };
        let mut files: Vec<PathBuf> = listing
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| is_data_file_name(p) && p.is_file())
            .collect();
        files.sort();
        if files.is_empty() {
            // A folder named by mistake is said, not passed over as a run
            // of no reports that all went well.
            units.push(Unit::failed(&shown, no_reports_in(&shown)));
        }
        for f in files {
            let shown = f.display().to_string();
            units.extend(file_units(&f, &shown));
        }
    }
    units
}

/// The most a batch reads from one input that holds many reports (an
/// array, JSON Lines, standard input): 256 MiB, some thousands of reports.
pub const MAX_BATCH_INPUT_BYTES: u64 = 256 << 20;

/// How much of a file is looked at to tell one report from many.
const PEEK: usize = 4096;

/// A file's units. A regular file of one report (a JSON object, a
/// report's workbook) is only peeked at: it is read, once, when its
/// report is asked for. Anything else is read whole here, once.
fn file_units(path: &Path, name: &str) -> Vec<Unit> {
    let one = || {
        vec![Unit {
            input: name.to_string(),
            index: None,
            origin: Origin::File(path.to_path_buf()),
        }]
    };
    if regular_file(path) && peek_one(path) == Some(true) {
        return one();
    }
    let bytes = match std::fs::File::open(path)
        .map_err(|e| cannot_read(name, &e))
        .and_then(|f| read_bounded(f, name))
    {
        Ok(b) => b,
        Err(d) => return vec![Unit::failed(name, d)],
    };
    units_of(bytes, &Source::Path(path.to_path_buf()), name)
}

/// Whether a regular file surely holds one report, from its first bytes
/// (or, for a workbook, its list of sheets): `None` when it cannot tell.
fn peek_one(path: &Path) -> Option<bool> {
    let named_lines = path
        .extension()
        .is_some_and(|e| e == "jsonl" || e == "ndjson");
    if named_lines {
        return Some(false);
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut head = Vec::with_capacity(PEEK);
    (&mut file).take(PEEK as u64).read_to_end(&mut head).ok()?;
    if crate::sheet::is_xlsx(&head) {
        let names = crate::sheet::guard::sheet_names_of(std::io::BufReader::new(file))?;
        return Some(!crate::sheet::county::is_county_sheets(&names));
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    let first = head.iter().find(|b| !b.is_ascii_whitespace())?;
    Some(*first != b'[')
}

/// Standard input read whole (it was not JSON Lines), as units.
pub(super) fn text_units(bytes: Vec<u8>, name: &str) -> Vec<Unit> {
    if bytes.len() as u64 > MAX_BATCH_INPUT_BYTES {
        return vec![Unit::failed(name, too_large_for_a_batch(name))];
    }
    units_of(bytes, &Source::Stdin, name)
}

/// The units that bytes already read hold (a file or a pipe read once).
fn units_of(bytes: Vec<u8>, source: &Source, name: &str) -> Vec<Unit> {
    match units_of_inner(bytes, source, name) {
        Ok(u) => u,
        Err(d) => vec![Unit::failed(name, d)],
    }
}

fn units_of_inner(bytes: Vec<u8>, source: &Source, name: &str) -> Result<Vec<Unit>, Diagnostic> {
    let failed = |d: Diagnostic| Unit::failed(name, d);
    if crate::sheet::is_xlsx(&bytes) {
        if !crate::sheet::county::is_county(&bytes) {
            // A report's workbook, kept as read (a pipe gives it once).
            return Ok(vec![Unit {
                input: name.to_string(),
                index: None,
                origin: Origin::Bytes(Arc::new(bytes)),
            }]);
        }
        // A county workbook: a report a row.
        let rows = match crate::sheet::county::read(&bytes, name) {
            Ok(r) => r,
            Err(d) => {
                return Ok(vec![Unit {
                    input: name.to_string(),
                    index: None,
                    origin: Origin::Failed(d),
                }])
            }
        };
        return Ok(rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| Unit {
                input: name.to_string(),
                index: Some(i),
                origin: Origin::Row(Arc::new(r)),
            })
            .collect());
    }
    let text = match crate::data::decode_any_size(&bytes, name) {
        Ok(t) => t,
        Err(d) => return Ok(vec![failed(d)]),
    };
    let (lines, is_array) = text_shape(text, source);
    let shared: Arc<str> = Arc::from(text);
    let unit = |index, range, line| Unit {
        input: name.to_string(),
        index,
        origin: Origin::Text {
            text: shared.clone(),
            range,
            line,
        },
    };
    if lines {
        return Ok(line_ranges(&shared)
            .into_iter()
            .enumerate()
            .map(|(index, (line, range))| unit(Some(index), range, Some(line)))
            .collect());
    }
    if is_array {
        return Ok(match array_items(&shared) {
            Some(items) => items
                .into_iter()
                .enumerate()
                .map(|(index, range)| unit(Some(index), range, None))
                .collect(),
            // Not a well-formed array: parsing the whole says where.
            None => vec![match crate::data::parse_text(&shared, name) {
                Err(d) => failed(d),
                Ok(_) => unit(None, 0..shared.len(), None),
            }],
        });
    }
    Ok(vec![unit(None, 0..shared.len(), None)])
}

/// Whether an input's bytes hold many reports (a county workbook, a JSON
/// array, JSON Lines) rather than one. Decided from bytes already read,
/// so that a pipe or FIFO is read once ([`read_bounded`], then
/// [`units_from_bytes`] or one report from the same bytes).
pub fn holds_many(bytes: &[u8], source: &Source) -> bool {
    if crate::sheet::is_xlsx(bytes) {
        return crate::sheet::county::is_county(bytes);
    }
    crate::data::decode_any_size(bytes, &source.name()).is_ok_and(|text| {
        let (lines, array) = text_shape(text, source);
        lines || array
    })
}

/// The units that an input's bytes, read once by [`read_bounded`], hold.
pub fn units_from_bytes(bytes: Vec<u8>, source: &Source) -> Vec<Unit> {
    units_of(bytes, source, &source.name())
}

/// Whether a text is JSON Lines, and whether it is an array. A file says
/// JSON Lines by its name (`.jsonl`, `.ndjson`); a stream or FIFO has no
/// telling name, and is JSON Lines when it holds more than one value.
fn text_shape(text: &str, source: &Source) -> (bool, bool) {
    let (named, regular) = match source {
        Source::Stdin => (false, false),
        Source::Path(p) => (
            p.extension().is_some_and(|e| e == "jsonl" || e == "ndjson"),
            regular_file(p),
        ),
    };
    let lines = named
        || (!regular
            && serde_json::Deserializer::from_str(text)
                .into_iter::<&RawValue>()
                .nth(1)
                .is_some());
    (lines, text.trim_start().starts_with('['))
}

/// All of a reader (a file, a pipe, standard input), at most
/// [`MAX_BATCH_INPUT_BYTES`]: an endless stream (`yes |`) is refused
/// rather than held in memory.
pub fn read_bounded(reader: impl Read, name: &str) -> Result<Vec<u8>, Diagnostic> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_BATCH_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot_read(name, &e))?;
    if bytes.len() as u64 > MAX_BATCH_INPUT_BYTES {
        return Err(too_large_for_a_batch(name));
    }
    Ok(bytes)
}

/// Whether a directory's file is one of its reports: `.json` or `.xlsx`,
/// in any case (`报告.JSON`, as Windows may name it).
fn is_data_file_name(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("json") || x.eq_ignore_ascii_case("xlsx"))
}

/// A directory given as an input that holds no data file.
fn no_reports_in(dir: &str) -> Diagnostic {
    Diagnostic::input(
        Code::Io,
        tr(
            format!("目录 {dir} 里没有数据文件（.json）或工作簿（.xlsx）"),
            format!("the directory {dir} holds no data file (.json) or workbook (.xlsx)"),
        ),
    )
    .with_hint(tr(
        "换成放报告的目录，或直接给出文件",
        "name the directory that holds the reports, or the files themselves",
    ))
}

/// An input that holds many reports over [`MAX_BATCH_INPUT_BYTES`].
pub(super) fn too_large_for_a_batch(name: &str) -> Diagnostic {
    let mib = MAX_BATCH_INPUT_BYTES >> 20;
    Diagnostic::input(
        Code::Limit,
        tr(
            format!("{name} 超过 {mib} MiB，一次批量读取不了这么多"),
            format!("{name} is larger than {mib} MiB, more than one batch input may hold"),
        ),
    )
    .with_hint(tr(
        "把报告分成几个文件（或一个目录里的多个文件）再批量生成",
        "split the reports into several files (or a directory of files)",
    ))
}

/// Whether a path is a regular file (which can be read a second time).
fn regular_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// The non-blank lines of a JSON Lines text: (1-based line, byte range).
fn line_ranges(text: &str) -> Vec<(usize, Range<usize>)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let end = start + line.trim_end_matches(['\n', '\r']).len();
        if !line.trim().is_empty() {
            out.push((n + 1, start..end));
        }
        start += line.len();
    }
    out
}

/// The byte ranges of the items of a top-level JSON array, found without
/// building the values; `None` when the text is not a well-formed array.
fn array_items(text: &str) -> Option<Vec<Range<usize>>> {
    let items: Vec<&RawValue> = serde_json::from_str(text).ok()?;
    let base = text.as_ptr() as usize;
    Some(
        items
            .iter()
            .map(|raw| {
                let start = raw.get().as_ptr() as usize - base;
                start..start + raw.get().len()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_lines_ranges_skip_blank_lines_and_line_ends() {
        let text = "{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\":3}";
        let got: Vec<(usize, &str)> = line_ranges(text)
            .into_iter()
            .map(|(n, r)| (n, &text[r]))
            .collect();
        assert_eq!(
            got,
            vec![(1, "{\"a\":1}"), (4, "{\"b\":2}"), (5, "{\"c\":3}")]
        );
    }

    #[test]
    fn array_items_are_found_without_parsing_them() {
        let text = " [ {\"a\": [1, 2]} ,\n\"x\", 3 ] ";
        let got: Vec<&str> = array_items(text)
            .expect("an array")
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(got, vec!["{\"a\": [1, 2]}", "\"x\"", "3"]);
        assert!(array_items("[1, 2").is_none());
    }

    /// A batch file may be larger than one report may be: the limit holds
    /// per report, and each report is read from the shared text only when
    /// asked for.
    #[test]
    fn a_batch_file_may_exceed_the_size_limit_of_one_report() {
        let dir = std::env::temp_dir().join(format!("nianbao-batch-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("big.jsonl");
        let pad = " ".repeat(crate::data::MAX_DATA_BYTES / 2 + 1);
        let text = format!("{{\"unit\":{pad}\"甲\"}}\n{{\"unit\":{pad}\"乙\"}}\n");
        assert!(text.len() > crate::data::MAX_DATA_BYTES);
        std::fs::write(&path, &text).expect("write");
        let units = expand(std::slice::from_ref(&path));
        assert_eq!(units.len(), 2);
        let defaults = json!({"year": 2021});
        let second = units[1].input(Some(&defaults)).expect("reads").value;
        assert_eq!(second, json!({"year": 2021, "unit": "乙"}));
        assert_eq!(units[1].label(), format!("{}[#1]", path.display()));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_report_file_is_read_when_asked_and_its_errors_name_it() {
        let dir = std::env::temp_dir().join(format!("nianbao-batch-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let good = dir.join("a.json");
        let bad = dir.join("b.json");
        std::fs::write(&good, r#"{"unit": "甲"}"#).expect("write");
        std::fs::write(&bad, "{\n  \"unit\": ,\n}").expect("write");
        let units = expand(std::slice::from_ref(&dir));
        assert_eq!(units.len(), 2);
        assert_eq!(
            units[0].input(None).expect("reads").value,
            json!({"unit": "甲"})
        );
        let err = units[1].input(None).expect_err("a syntax error");
        let d = &err.0[0];
        assert_eq!(d.code, Code::JsonSyntax);
        assert!(
            d.location.to_string().contains("b.json:2:"),
            "{}",
            d.location
        );
        // Changed on disk after expansion: the unit reads what is there.
        std::fs::write(&good, r#"{"unit": "丙"}"#).expect("write");
        assert_eq!(
            units[0].input(None).expect("reads").value,
            json!({"unit": "丙"})
        );
        // Too large: refused with the file's real size, not the bytes read.
        let size = crate::data::MAX_DATA_BYTES + 1000;
        std::fs::write(&good, vec![b' '; size]).expect("write");
        let err = units[0].input(None).expect_err("too large");
        assert_eq!(err.0[0].code, Code::Limit);
        assert!(err.0[0].message.en.contains(&format!("is {size} bytes")));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
