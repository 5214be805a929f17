//! Bounds a workbook before any reader parses it.
//!
//! In: XLSX bytes, the file's name and the [`Limits`] of its kind (one
//! report, or a county workbook). Out: nothing when the workbook is safe
//! to hand to calamine, else a `limit` error naming the part that is too
//! large, or a `shape` error naming the part and cell a reader would
//! choke on.
//!
//! Why a pass of its own: an XLSX is a zip of XML, and both layers can
//! be made to explode. A 1 MB file can inflate to gigabytes (a zip bomb);
//! one cell at `XFD1048576` makes a dense reader allocate every cell up
//! to it; a shared formula's `ref="J5:J99999999"` or `si="99999999"`
//! makes calamine 0.31 build a map of that many entries; a shared-string
//! index past the table (`<v>999999999</v>`) panics in its cell reader
//! (`cells_reader.rs`, `&strings[idx]`), and `-1` silently reads string
//! 0. So every part is inflated here first, counting bytes as they come
//! (the sizes the central directory states are checked too, but a bomb
//! may lie in them), and the XML of the shared strings and of every sheet
//! is scanned for exactly those things. Nothing is kept: this pass only
//! says yes or no, in time and memory bounded by the limits.

mod said;
/// A workbook that cannot be read at all, said as the guard says it: one
/// message whichever reader found it.
pub(super) use said::unreadable;

use crate::diag::Diagnostic;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use said::{
    bad_ref, bad_xml, corrupt, empty_string, limit, long_string, malformed, too_big, total_too_big,
};
use std::io::{BufReader, Cursor, Read};

/// The bounds a workbook is held to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Parts (files) in the zip.
    pub parts: usize,
    /// Bytes of one part, inflated.
    pub part_bytes: u64,
    /// Bytes of all parts together, inflated.
    pub total_bytes: u64,
    /// Cells (`<c>` elements) in all sheets together.
    pub cells: u64,
    /// Rows (`<row>` elements) in one sheet.
    pub rows: u64,
}

/// A workbook of one report: five small sheets. A real one inflates to
/// well under 1 MiB; 32 MiB a part leaves room for very long prose.
pub const REPORT: Limits = Limits {
    parts: 1000,
    part_bytes: 32 << 20,
    total_bytes: 64 << 20,
    cells: 200_000,
    rows: 10_000,
};

/// The most data rows a county workbook may hold.
pub const COUNTY_ROWS: u64 = 100_000;

/// A county workbook: a row a report, up to [`COUNTY_ROWS`] of them.
pub const COUNTY: Limits = Limits {
    parts: 1000,
    part_bytes: 256 << 20,
    total_bytes: 320 << 20,
    cells: 12_000_000,
    rows: COUNTY_ROWS + 2,
};

/// Excel's own grid: 1,048,576 rows × 16,384 columns (XFD).
const EXCEL_ROWS: u32 = 1 << 20;
const EXCEL_COLS: u32 = 1 << 14;

/// The longest text Excel holds in one cell, in characters.
const CELL_CHARS: usize = 32_767;

/// Checks `bytes` against `limits`.
pub fn check(bytes: &[u8], name: &str, limits: &Limits) -> Result<(), Diagnostic> {
    let mut zip = open(bytes, name)?;
    if zip.len() > limits.parts {
        return Err(limit(
            name,
            format!("有 {} 个部件，最多 {} 个", zip.len(), limits.parts),
            format!("has {} parts; at most {} are read", zip.len(), limits.parts),
        ));
    }
    let mut names = Vec::with_capacity(zip.len());
    let mut stated = 0u64;
    for i in 0..zip.len() {
        let file = zip.by_index_raw(i).map_err(|e| unreadable(name, &e))?;
        let part = file.name().to_string();
        if file.size() > limits.part_bytes {
            return Err(too_big(name, &part, limits.part_bytes));
        }
        stated = stated.saturating_add(file.size());
        names.push(part);
    }
    if stated > limits.total_bytes {
        return Err(total_too_big(name, limits.total_bytes));
    }
    // calamine finds a part by its name with case ignored: two parts that
    // differ only in case would leave which one it reads to chance.
    let mut lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    lower.sort();
    if let Some(w) = lower.windows(2).find(|w| w[0] == w[1]) {
        return Err(malformed(
            name,
            &w[0],
            "",
            "部件重复",
            "the part appears twice",
        ));
    }
    let mut budget = Budget {
        left: limits.total_bytes,
        limits: *limits,
        cells: 0,
    };
    // The shared strings first: the sheets' indexes are checked against
    // their count.
    let strings = names
        .iter()
        .position(|n| n.eq_ignore_ascii_case("xl/sharedStrings.xml"));
    let count = match strings {
        Some(i) => {
            let part = names[i].clone();
            let file = zip.by_index(i).map_err(|e| unreadable(name, &e))?;
            let mut reader = budget.reader(file);
            let count = shared_strings(&mut reader, name, &part)?;
            budget.settle(reader, name, &part)?;
            count
        }
        None => 0,
    };
    for (i, part) in names.iter().enumerate() {
        if Some(i) == strings {
            continue;
        }
        let file = zip.by_index(i).map_err(|e| unreadable(name, &e))?;
        let mut reader = budget.reader(file);
        let lower = part.to_ascii_lowercase();
        if lower.ends_with(".xml") && lower.starts_with("xl/worksheets/") {
            let cells = sheet(&mut reader, name, part, count, &budget.limits)?;
            budget.cells += cells;
            if budget.cells > limits.cells {
                return Err(limit(
                    name,
                    format!("单元格太多（超过 {} 个）", limits.cells),
                    format!("has more than {} cells", limits.cells),
                ));
            }
        } else {
            std::io::copy(&mut reader, &mut std::io::sink())
                .map_err(|e| corrupt(name, part, &e))?;
        }
        budget.settle(reader, name, part)?;
    }
    Ok(())
}

/// The sheet names of a workbook, in order, read from `xl/workbook.xml`
/// alone (bounded), so that its kind is known before it is checked.
pub fn sheet_names(bytes: &[u8]) -> Option<Vec<String>> {
    sheet_names_of(Cursor::new(bytes))
}

/// [`sheet_names`] of a workbook being read (a file: only its central
/// directory and `xl/workbook.xml` are read).
pub fn sheet_names_of<R: Read + std::io::Seek>(reader: R) -> Option<Vec<String>> {
    let mut zip = zip::ZipArchive::new(reader).ok()?;
    let i = (0..zip.len()).find(|&i| {
        zip.name_for_index(i)
            .is_some_and(|n| n.eq_ignore_ascii_case("xl/workbook.xml"))
    })?;
    let file = zip.by_index(i).ok()?;
    let mut xml = Reader::from_reader(BufReader::new(file.take(REPORT.part_bytes)));
    let mut names = Vec::new();
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"sheet" => {
                let name = attr(&e, b"name")?;
                names.push(quick_xml::escape::unescape(&name).ok()?.into_owned());
            }
            Event::Eof => return Some(names),
            _ => {}
        }
        buf.clear();
    }
}

/// Bytes left to inflate, and the cells counted so far.
struct Budget {
    left: u64,
    limits: Limits,
    cells: u64,
}

impl Budget {
    /// A part's inflated bytes, cut one past what may be read of it, so
    /// that [`Budget::settle`] can tell a part that is over.
    fn reader<R: Read>(&self, file: R) -> BufReader<std::io::Take<R>> {
        let room = self.limits.part_bytes.min(self.left).saturating_add(1);
        BufReader::new(file.take(room))
    }

    /// Charges what a part inflated to; over a limit is an error.
    fn settle<R: Read>(
        &mut self,
        reader: BufReader<std::io::Take<R>>,
        name: &str,
        part: &str,
    ) -> Result<(), Diagnostic> {
        let mut take = reader.into_inner();
        // Whatever the scan did not read still counts.
        std::io::copy(&mut take, &mut std::io::sink()).map_err(|e| corrupt(name, part, &e))?;
        let room = self.limits.part_bytes.min(self.left).saturating_add(1);
        let read = room - take.limit();
        if read > self.limits.part_bytes {
            return Err(too_big(name, part, self.limits.part_bytes));
        }
        if read > self.left {
            return Err(total_too_big(name, self.limits.total_bytes));
        }
        self.left -= read;
        Ok(())
    }
}

/// Counts the shared strings, refusing those calamine would skip (and so
/// shift every later index) or that are longer than a cell holds.
fn shared_strings<R: std::io::BufRead>(
    input: &mut R,
    name: &str,
    part: &str,
) -> Result<u64, Diagnostic> {
    let mut xml = Reader::from_reader(input);
    let mut buf = Vec::new();
    let (mut count, mut depth_rph) = (0u64, 0u32);
    // Inside an <si>: whether it has text a reader keeps, and its length.
    let mut item: Option<(bool, usize)> = None;
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| bad_xml(name, part, &e))?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                b"si" => item = Some((false, 0)),
                b"rPh" => depth_rph += 1,
                b"t" | b"r" if depth_rph == 0 => {
                    if let Some((kept, _)) = &mut item {
                        *kept = true;
                    }
                }
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == b"si" => {
                return Err(empty_string(name, part, count));
            }
            Event::Empty(e) if matches!(e.local_name().as_ref(), b"t" | b"r") && depth_rph == 0 => {
                if let Some((kept, _)) = &mut item {
                    *kept = true;
                }
            }
            Event::Text(t) => {
                if let Some((_, len)) = &mut item {
                    *len += String::from_utf8_lossy(&t).chars().count();
                    if *len > CELL_CHARS {
                        return Err(long_string(name, part, count));
                    }
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"rPh" => depth_rph = depth_rph.saturating_sub(1),
                b"si" => {
                    let (kept, _) = item.take().unwrap_or((false, 0));
                    if !kept {
                        return Err(empty_string(name, part, count));
                    }
                    count += 1;
                }
                _ => {}
            },
            Event::Eof => return Ok(count),
            _ => {}
        }
        buf.clear();
    }
}

/// Where the scan of a sheet is: the row and column calamine would give
/// a cell without an `r`, and the cell being read.
struct Cursor2 {
    row: u32,
    col: u32,
    rows: u64,
    cells: u64,
    /// The open cell: its address and whether it is a shared-string cell.
    cell: Option<(String, bool)>,
    /// Inside the open cell's `<v>`.
    in_v: bool,
    value: String,
    /// Entries the shared formulas' ranges would make, all together.
    shared_span: u64,
}

/// Scans one sheet; returns its cell count.
fn sheet<R: std::io::BufRead>(
    input: &mut R,
    name: &str,
    part: &str,
    strings: u64,
    limits: &Limits,
) -> Result<u64, Diagnostic> {
    let mut xml = Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut at = Cursor2 {
        row: 0,
        col: 0,
        rows: 0,
        cells: 0,
        cell: None,
        in_v: false,
        value: String::new(),
        shared_span: 0,
    };
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| bad_xml(name, part, &e))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().as_ref() {
                    b"row" => {
                        row_start(&mut at, e, name, part, limits)?;
                        if empty {
                            at.row = at.row.saturating_add(1);
                            at.col = 0;
                        }
                    }
                    b"c" => {
                        cell_start(&mut at, e, name, part, limits)?;
                        if empty {
                            at.cell = None;
                        }
                    }
                    b"v" if at.cell.is_some() && !empty => {
                        at.in_v = true;
                        at.value.clear();
                    }
                    b"f" => formula(&mut at, e, name, part, limits)?,
                    b"dimension" => {
                        if let Some(r) = attr(e, b"ref") {
                            range(&r).ok_or_else(|| bad_ref(name, part, &r))?;
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if at.in_v => {
                at.value.push_str(&String::from_utf8_lossy(t));
                if at.value.len() > 64 {
                    // No number or index is this long; kept short so a
                    // huge <v> does not grow here.
                    at.value.truncate(64);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"v" if at.in_v => {
                    at.in_v = false;
                    if let Some((addr, true)) = &at.cell {
                        index(&at.value, strings, name, part, addr)?;
                    }
                }
                b"c" => at.cell = None,
                b"row" => {
                    at.row = at.row.saturating_add(1);
                    at.col = 0;
                }
                _ => {}
            },
            Event::Eof => return Ok(at.cells),
            _ => {}
        }
        buf.clear();
    }
}

/// Counts one more row or cell of `part`; past `max` is a `limit` error.
fn tally(
    n: &mut u64,
    max: u64,
    name: &str,
    part: &str,
    what: (&str, &str),
) -> Result<(), Diagnostic> {
    *n += 1;
    if *n <= max {
        return Ok(());
    }
    Err(limit(
        name,
        format!("{part} 的{}太多（超过 {max} 个）", what.0),
        format!("{part} has more than {max} {}", what.1),
    ))
}

fn row_start(
    at: &mut Cursor2,
    e: &BytesStart,
    name: &str,
    part: &str,
    limits: &Limits,
) -> Result<(), Diagnostic> {
    tally(&mut at.rows, limits.rows, name, part, ("行", "rows"))?;
    if let Some(r) = attr(e, b"r") {
        match r.trim().parse::<u32>() {
            Ok(n) if (1..=EXCEL_ROWS).contains(&n) => at.row = n - 1,
            _ => {
                return Err(malformed(
                    name,
                    part,
                    "",
                    "行号不合法",
                    "a row number is invalid",
                ))
            }
        }
    }
    at.col = 0;
    Ok(())
}

fn cell_start(
    at: &mut Cursor2,
    e: &BytesStart,
    name: &str,
    part: &str,
    limits: &Limits,
) -> Result<(), Diagnostic> {
    tally(&mut at.cells, limits.cells, name, part, ("单元格", "cells"))?;
    let (row, col) = match attr(e, b"r") {
        Some(r) => cell_ref(&r).ok_or_else(|| bad_ref(name, part, &r))?,
        None => (at.row, at.col),
    };
    if row >= EXCEL_ROWS || col >= EXCEL_COLS {
        return Err(bad_ref(name, part, &format!("R{}C{}", row + 1, col + 1)));
    }
    at.col = col.saturating_add(1);
    let shared = attr(e, b"t").as_deref() == Some("s");
    at.cell = Some((super::a1(row as usize, col as usize), shared));
    Ok(())
}

/// A shared formula's range and index, bounded: calamine keeps an entry
/// for every cell of the range and pads its list of formulas to the index.
fn formula(
    at: &mut Cursor2,
    e: &BytesStart,
    name: &str,
    part: &str,
    limits: &Limits,
) -> Result<(), Diagnostic> {
    if attr(e, b"t").as_deref() != Some("shared") {
        return Ok(());
    }
    let addr = at.cell.as_ref().map_or(String::new(), |c| c.0.clone());
    if let Some(si) = attr(e, b"si") {
        let ok = si.parse::<u64>().is_ok_and(|n| n <= limits.cells);
        if !ok {
            return Err(malformed(
                name,
                part,
                &addr,
                &format!("共享公式编号 {si} 不合法"),
                &format!("the shared formula index {si} is invalid"),
            ));
        }
    }
    if let Some(r) = attr(e, b"ref") {
        let ((r0, c0), (r1, c1)) = range(&r).ok_or_else(|| bad_ref(name, part, &r))?;
        let span = u64::from(r1.abs_diff(r0)).max(u64::from(c1.abs_diff(c0))) + 1;
        at.shared_span += span;
        if at.shared_span > limits.cells {
            return Err(malformed(
                name,
                part,
                &addr,
                &format!("共享公式的范围 {r} 太大"),
                &format!("the shared formula's range {r} is too large"),
            ));
        }
    }
    Ok(())
}

/// A shared-string cell's value: a whole number below the count.
fn index(value: &str, strings: u64, name: &str, part: &str, addr: &str) -> Result<(), Diagnostic> {
    let ok = !value.is_empty()
        && value.bytes().all(|b| b.is_ascii_digit())
        && value.parse::<u64>().is_ok_and(|n| n < strings);
    if ok {
        return Ok(());
    }
    Err(malformed(
        name,
        part,
        addr,
        &format!("共享字符串编号「{value}」不存在（共有 {strings} 个）"),
        &format!("the shared string index 「{value}」 does not exist (there are {strings})"),
    ))
}

/// `B12` → (row 11, column 1), within Excel's grid.
pub(crate) fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let r = r.trim().trim_start_matches('$');
    let split = r.find(|c: char| !c.is_ascii_alphabetic())?;
    let (letters, digits) = r.split_at(split);
    let digits = digits.trim_start_matches('$');
    if letters.is_empty() || letters.len() > 3 || digits.is_empty() {
        return None;
    }
    let mut col = 0u32;
    for b in letters.bytes() {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let row: u32 = digits.parse().ok()?;
    if row == 0 || row > EXCEL_ROWS || col == 0 || col > EXCEL_COLS {
        return None;
    }
    Some((row - 1, col - 1))
}

/// `A1:C3` (or one cell) → its corners.
fn range(r: &str) -> Option<((u32, u32), (u32, u32))> {
    match r.split_once(':') {
        Some((a, b)) => Some((cell_ref(a)?, cell_ref(b)?)),
        None => {
            let a = cell_ref(r)?;
            Some((a, a))
        }
    }
}

fn attr(e: &BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

fn open<'b>(bytes: &'b [u8], name: &str) -> Result<zip::ZipArchive<Cursor<&'b [u8]>>, Diagnostic> {
    zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(name, &e))
}
