//! Subsetting CID-keyed CFF fonts that use no subroutines.
//!
//! In: a font file whose `CFF ` table is CID-keyed and calls no
//! subroutines (the Fandol faces bundled with nianbao are such fonts),
//! and the glyphs a report uses. Out: a bare CFF (Adobe Technical Note
//! #5176, "The Compact Font Format Specification") holding just those
//! glyphs, for a PDF `FontFile3` of subtype `CIDFontType0C`.
//!
//! The font's structure is read once per process into a [`Cff`]; a
//! report's subset is then a matter of copying byte ranges. Every glyph
//! keeps its CID (the charset maps the new glyph ids to the old CIDs), so
//! the codes a PDF page uses are the original font's CIDs and never
//! depend on which other glyphs the report needed. A charstring without
//! subroutine calls is self-contained, which is what makes copying it
//! safe; any other CFF (name-keyed, or with subroutines, whose calls would
//! need renumbering) gets `None` from [`Cff::parse`] and is left to the
//! general subsetter.
//!
//! Why a third subsetter beside `subsetter` (every other face of the
//! PDF) and allsorts (the OFD): measured side by side in one run
//! (`cargo bench --bench subset`), on the glyphs the two samples draw with
//! each bundled face; median of 21 interleaved runs, on the 2-core machine
//! shared with other builds (load average about 7 during the run), so the
//! ratios say more than the microseconds. Sizes in bytes of the CFF
//! program a PDF embeds; allsorts writes a whole OpenType file (its CFF
//! table in brackets):
//!
//! | face | glyphs | this: parse once µs, subset µs, bytes | subsetter: µs, bytes | allsorts: µs, bytes |
//! |---|---|---|---|---|
//! | FandolFang | 435 | 19, 144, 232,380 | 9,818, 231,520 | 1,180, 239,052 (232,380) |
//! | FandolSong | 179 | 11, 6, 65,737 | 1,433, 65,389 | 404, 69,444 (65,737) |
//! | FandolHei | 129 | 15, 10, 56,585 | 1,470, 56,338 | 391, 59,644 (56,585) |
//! | FandolKai | 74 | 11, 4, 43,580 | 854, 43,451 | 247, 45,948 (43,580) |
//! | FandolSong-Bold | 22 | 10, 1, 8,662 | 123, 8,628 | 147, 10,428 (8,662) |
//! | NotoSerifSC | 2 | has subroutines: not this one's | 118, 1,143 | 194, 31,584 (28,821) |
//!
//! Per report this takes 1–144 µs a face where `subsetter` takes 123 µs
//! to 9.8 ms (68–240 times as long) for a program 0.3–0.5 % smaller, and
//! allsorts 147 µs to 1.2 ms for a CFF table of the same size. So it
//! stays; `subsetter` keeps the faces this one refuses.

use std::ops::Range;

/// The structure of a font's CFF table, as byte ranges into the font file.
#[derive(Debug, Clone)]
pub struct Cff {
    /// The table within the font file.
    table: Range<usize>,
    /// Header version (major, minor).
    version: [u8; 2],
    /// The Name INDEX, copied as is (relative to the table).
    names: Range<usize>,
    /// The Top DICT's bytes without the operators a subset rewrites.
    top: Vec<u8>,
    /// The String INDEX and the (empty) Global Subr INDEX, copied as is.
    strings_and_gsubrs: Range<usize>,
    /// The CharStrings INDEX.
    charstrings: Index,
    /// Glyph id → CID (the charset).
    cids: Vec<u16>,
    /// Glyph id → Font DICT (the FDSelect).
    fd_of: Vec<u8>,
    /// Each Font DICT without its Private operator, and its Private DICT.
    fds: Vec<(Vec<u8>, Range<usize>)>,
}

/// Operators (TN #5176 Table 9 and 23); escaped ones are `0x0c00 | b1`.
const CHARSET: u16 = 15;
const ENCODING: u16 = 16;
const CHARSTRINGS: u16 = 17;
const PRIVATE: u16 = 18;
const SUBRS: u16 = 19;
const XUID: u16 = 14;
const ROS: u16 = 0x0c1e;
const UID_BASE: u16 = 0x0c23;
const FD_ARRAY: u16 = 0x0c24;
const FD_SELECT: u16 = 0x0c25;

impl Cff {
    /// Reads the structure of the face's CFF table; `None` when there is
    /// none or it is not a CID-keyed font without subroutines.
    pub fn parse(data: &[u8], index: u32) -> Option<Cff> {
        let raw = ttf_parser::RawFace::parse(data, index).ok()?;
        let t = raw.table(ttf_parser::Tag::from_bytes(b"CFF "))?;
        let start = (t.as_ptr() as usize).checked_sub(data.as_ptr() as usize)?;
        let mut cff = parse_table(t)?;
        cff.table = start..start + t.len();
        Some(cff)
    }

    /// Reads a bare CFF table (the `table` of [`Cff::subset`] is then the
    /// whole of `data`); `None` as for [`Cff::parse`].
    pub fn from_table(data: &[u8]) -> Option<Cff> {
        let mut cff = parse_table(data)?;
        cff.table = 0..data.len();
        Some(cff)
    }

    /// The CID of a glyph (the code a PDF page uses for it).
    pub fn cid(&self, gid: u16) -> Option<u16> {
        self.cids.get(usize::from(gid)).copied()
    }

    /// A CFF holding `.notdef` and the given glyphs, in glyph-id order,
    /// each keeping its CID. `data` is the font file `parse` read.
    pub fn subset(&self, data: &[u8], gids: &[u16]) -> Vec<u8> {
        let d = &data[self.table.clone()];
        let mut keep: Vec<u16> = gids
            .iter()
            .copied()
            .filter(|&g| usize::from(g) < self.cids.len())
            .collect();
        keep.push(0);
        keep.sort_unstable();
        keep.dedup();

        let mut charset = vec![0u8];
        for &g in &keep[1..] {
            charset.extend_from_slice(&self.cids[usize::from(g)].to_be_bytes());
        }
        let mut fd_select = vec![0u8];
        fd_select.extend(keep.iter().map(|&g| self.fd_of[usize::from(g)]));
        let glyphs: Vec<&[u8]> = keep
            .iter()
            .map(|&g| {
                self.charstrings
                    .item(d, usize::from(g))
                    .map_or(&[][..], |r| &d[r])
            })
            .collect();
        let charstrings = index(&glyphs);

        // Every offset is written as a five-byte integer, so the sizes of
        // the dictionaries are known before the offsets are.
        let top_len = self.top.len() + 4 * 5 + 1 + 1 + 2 + 2;
        let fd_len = |ops: &Vec<u8>| ops.len() + 2 * 5 + 1;
        let fd_lens: Vec<usize> = self.fds.iter().map(|(ops, _)| fd_len(ops)).collect();
        let names = &d[self.names.clone()];
        let strings = &d[self.strings_and_gsubrs.clone()];

        let at_charset = 4 + names.len() + index_len(&[top_len]) + strings.len();
        let at_fd_select = at_charset + charset.len();
        let at_charstrings = at_fd_select + fd_select.len();
        let at_fd_array = at_charstrings + charstrings.len();
        let mut at_private = at_fd_array + index_len(&fd_lens);

        let mut fd_dicts = Vec::with_capacity(self.fds.len());
        let mut privates = Vec::new();
        for (ops, private) in &self.fds {
            let p = &d[private.clone()];
            let mut fd = ops.clone();
            int5(&mut fd, p.len());
            int5(&mut fd, at_private);
            fd.push(PRIVATE as u8);
            fd_dicts.push(fd);
            privates.extend_from_slice(p);
            at_private += p.len();
        }
        let mut top = self.top.clone();
        for (at, op) in [
            (at_charset, CHARSET),
            (at_charstrings, CHARSTRINGS),
            (at_fd_array, FD_ARRAY),
            (at_fd_select, FD_SELECT),
        ] {
            int5(&mut top, at);
            if op > 0xff {
                top.extend_from_slice(&op.to_be_bytes());
            } else {
                top.push(op as u8);
            }
        }

        let mut out = Vec::with_capacity(at_private);
        out.extend_from_slice(&[self.version[0], self.version[1], 4, 4]);
        out.extend_from_slice(names);
        out.extend_from_slice(&index(&[&top]));
        out.extend_from_slice(strings);
        out.extend_from_slice(&charset);
        out.extend_from_slice(&fd_select);
        out.extend_from_slice(&charstrings);
        let fd_refs: Vec<&[u8]> = fd_dicts.iter().map(Vec::as_slice).collect();
        out.extend_from_slice(&index(&fd_refs));
        out.extend_from_slice(&privates);
        debug_assert_eq!(out.len(), at_private);
        out
    }
}

fn parse_table(d: &[u8]) -> Option<Cff> {
    let version = [*d.first()?, *d.get(1)?];
    if version[0] != 1 {
        return None;
    }
    let names = Index::at(d, usize::from(*d.get(2)?))?;
    let tops = Index::at(d, names.end)?;
    let top_dict = &d[tops.item(d, 0)?];
    let strings = Index::at(d, tops.end)?;
    let gsubrs = Index::at(d, strings.end)?;
    if gsubrs.count != 0 {
        return None;
    }
    let entries = dict(top_dict)?;
    let find = |op: u16| entries.iter().find(|e| e.op == op);
    find(ROS)?;
    let offset = |op: u16| -> Option<usize> { usize::try_from(*find(op)?.args.first()?).ok() };
    let charstrings = Index::at(d, offset(CHARSTRINGS)?)?;
    let n = charstrings.count;
    if n == 0 {
        return None; // a font has at least .notdef
    }
    let cids = charset(d, offset(CHARSET)?, n)?;
    let fd_of = fd_select(d, offset(FD_SELECT)?, n)?;
    let fd_array = Index::at(d, offset(FD_ARRAY)?)?;
    let mut fds = Vec::with_capacity(fd_array.count);
    for i in 0..fd_array.count {
        let fd = &d[fd_array.item(d, i)?];
        let fd_entries = dict(fd)?;
        let private = fd_entries.iter().find(|e| e.op == PRIVATE)?;
        let (len, at) = match private.args[..] {
            [len, at] => (usize::try_from(len).ok()?, usize::try_from(at).ok()?),
            _ => return None,
        };
        let range = at..at.checked_add(len)?;
        if dict(d.get(range.clone())?)?.iter().any(|e| e.op == SUBRS) {
            return None;
        }
        fds.push((without(fd, &fd_entries, &[PRIVATE]), range));
    }
    if fd_of.iter().any(|&f| usize::from(f) >= fds.len()) {
        return None;
    }
    let rewritten = [CHARSET, ENCODING, CHARSTRINGS, PRIVATE, FD_ARRAY, FD_SELECT];
    let dropped = [XUID, UID_BASE]; // a subset is not the font those name
    let strip: Vec<u16> = rewritten.iter().chain(&dropped).copied().collect();
    Some(Cff {
        table: 0..0,
        version,
        names: usize::from(d[2])..names.end,
        top: without(top_dict, &entries, &strip),
        strings_and_gsubrs: tops.end..gsubrs.end,
        charstrings,
        cids,
        fd_of,
        fds,
    })
}

/// An INDEX (TN #5176 section 5): a count, an offset size, count + 1
/// offsets (from 1, relative to the byte before the data) and the data.
#[derive(Debug, Clone)]
struct Index {
    count: usize,
    off_size: usize,
    offsets: usize,
    end: usize,
}

impl Index {
    fn at(d: &[u8], at: usize) -> Option<Index> {
        let count = usize::from(u16::from_be_bytes([*d.get(at)?, *d.get(at + 1)?]));
        if count == 0 {
            return Some(Index {
                count,
                off_size: 1,
                offsets: at + 2,
                end: at + 2,
            });
        }
        let off_size = usize::from(*d.get(at + 2)?);
        if !(1..=4).contains(&off_size) {
            return None;
        }
        let mut index = Index {
            count,
            off_size,
            offsets: at + 3,
            end: 0,
        };
        let last = index.offset(d, count)?;
        index.end = index.data_base().checked_add(last)?;
        (index.end <= d.len()).then_some(index)
    }

    fn data_base(&self) -> usize {
        self.offsets + (self.count + 1) * self.off_size - 1
    }

    fn offset(&self, d: &[u8], i: usize) -> Option<usize> {
        let at = self.offsets + i * self.off_size;
        let bytes = d.get(at..at + self.off_size)?;
        Some(bytes.iter().fold(0, |v, &b| v << 8 | usize::from(b)))
    }

    fn item(&self, d: &[u8], i: usize) -> Option<Range<usize>> {
        if i >= self.count {
            return None;
        }
        let base = self.data_base();
        let (a, b) = (self.offset(d, i)?, self.offset(d, i + 1)?);
        (a >= 1 && a <= b && base + b <= d.len()).then(|| base + a..base + b)
    }
}

/// The bytes of an INDEX of `items`, with the smallest offset size.
fn index(items: &[&[u8]]) -> Vec<u8> {
    let lens: Vec<usize> = items.iter().map(|i| i.len()).collect();
    let mut out = Vec::with_capacity(index_len(&lens));
    out.extend_from_slice(&(items.len() as u16).to_be_bytes());
    if items.is_empty() {
        return out;
    }
    let size = off_size(lens.iter().sum::<usize>() + 1);
    out.push(size as u8);
    let mut offset = 1usize;
    out.extend_from_slice(&(offset as u32).to_be_bytes()[4 - size..]);
    for len in &lens {
        offset += len;
        out.extend_from_slice(&(offset as u32).to_be_bytes()[4 - size..]);
    }
    for item in items {
        out.extend_from_slice(item);
    }
    out
}

/// The size of an INDEX of items of these lengths.
fn index_len(lens: &[usize]) -> usize {
    if lens.is_empty() {
        return 2;
    }
    let data: usize = lens.iter().sum();
    3 + (lens.len() + 1) * off_size(data + 1) + data
}

fn off_size(max: usize) -> usize {
    match max {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xff_ffff => 3,
        _ => 4,
    }
}

/// An integer operand in its five-byte form (TN #5176 Table 3, b0 = 29).
fn int5(out: &mut Vec<u8>, v: usize) {
    out.push(29);
    out.extend_from_slice(&(v as i32).to_be_bytes());
}

/// One operator of a DICT with its integer operands (reals read as 0)
/// and the bytes it spans, operands included.
#[derive(Debug)]
struct Entry {
    op: u16,
    args: Vec<i64>,
    span: Range<usize>,
}

/// The entries of a DICT (TN #5176 section 4).
fn dict(d: &[u8]) -> Option<Vec<Entry>> {
    let mut out = Vec::new();
    let mut args = Vec::new();
    let (mut i, mut start) = (0, 0);
    while i < d.len() {
        let b0 = d[i];
        let (len, arg) = match b0 {
            0..=21 => {
                let (op, len) = if b0 == 12 {
                    (0x0c00 | u16::from(*d.get(i + 1)?), 2)
                } else {
                    (u16::from(b0), 1)
                };
                i += len;
                out.push(Entry {
                    op,
                    args: std::mem::take(&mut args),
                    span: start..i,
                });
                start = i;
                continue;
            }
            28 => (
                3,
                i64::from(i16::from_be_bytes([*d.get(i + 1)?, *d.get(i + 2)?])),
            ),
            29 => {
                let b = d.get(i + 1..i + 5)?;
                (5, i64::from(i32::from_be_bytes([b[0], b[1], b[2], b[3]])))
            }
            30 => {
                let n = d[i + 1..]
                    .iter()
                    .position(|b| b & 0x0f == 0x0f || b >> 4 == 0x0f)?;
                (n + 2, 0)
            }
            32..=246 => (1, i64::from(b0) - 139),
            247..=250 => (
                2,
                (i64::from(b0) - 247) * 256 + i64::from(*d.get(i + 1)?) + 108,
            ),
            251..=254 => (
                2,
                -(i64::from(b0) - 251) * 256 - i64::from(*d.get(i + 1)?) - 108,
            ),
            _ => return None,
        };
        args.push(arg);
        i += len;
    }
    Some(out)
}

/// A DICT's bytes without the given operators (and their operands).
fn without(d: &[u8], entries: &[Entry], ops: &[u16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(d.len());
    for e in entries.iter().filter(|e| !ops.contains(&e.op)) {
        out.extend_from_slice(&d[e.span.clone()]);
    }
    out
}

/// The charset (TN #5176 section 13): glyph id → CID; glyph 0 is CID 0.
fn charset(d: &[u8], at: usize, n: usize) -> Option<Vec<u16>> {
    let u16_at = |i: usize| Some(u16::from_be_bytes([*d.get(i)?, *d.get(i + 1)?]));
    let mut cids = Vec::with_capacity(n);
    cids.push(0);
    let format = *d.get(at)?;
    let mut i = at + 1;
    while cids.len() < n {
        match format {
            0 => {
                cids.push(u16_at(i)?);
                i += 2;
            }
            1 | 2 => {
                let first = u16_at(i)?;
                let left = if format == 1 {
                    u16::from(*d.get(i + 2)?)
                } else {
                    u16_at(i + 2)?
                };
                i += if format == 1 { 3 } else { 4 };
                for k in 0..=left {
                    if cids.len() < n {
                        cids.push(first.checked_add(k)?);
                    }
                }
            }
            _ => return None,
        }
    }
    Some(cids)
}

/// The FDSelect (TN #5176 section 19): glyph id → Font DICT.
fn fd_select(d: &[u8], at: usize, n: usize) -> Option<Vec<u8>> {
    match *d.get(at)? {
        0 => Some(d.get(at + 1..at + 1 + n)?.to_vec()),
        3 => {
            let u16_at = |i: usize| {
                Some(usize::from(u16::from_be_bytes([
                    *d.get(i)?,
                    *d.get(i + 1)?,
                ])))
            };
            let ranges = u16_at(at + 1)?;
            let mut out = vec![0u8; n];
            for r in 0..ranges {
                let rec = at + 3 + r * 3;
                let (first, fd, next) = (u16_at(rec)?, *d.get(rec + 2)?, u16_at(rec + 3)?);
                for slot in out.get_mut(first..next.min(n))? {
                    *slot = fd;
                }
            }
            Some(out)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
