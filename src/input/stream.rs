//! Standard input as reports: JSON Lines streamed a line at a time, or
//! one text read whole (bounded).
//!
//! In: the run's inputs as [`Source`]s and a reader for standard input,
//! handed in by the caller. Out: [`Unit`]s, one at a time ([`Units`]):
//! files, directories, arrays and JSON Lines files as [`expand`] reads
//! them; standard input holding JSON Lines streamed, a line at a time, so
//! that an endless stream (`yes |`) is read as it comes and never held.

use super::units::{expand, text_units, too_large_for_a_batch, Unit, MAX_BATCH_INPUT_BYTES};
use super::{Source, STDIN};
use crate::diag::{tr, Code, Diagnostic};
use std::io::{BufRead, Read};

/// Units from the inputs, one at a time. Files, directories, arrays and
/// JSON Lines files are read as [`expand`] reads them; standard input
/// holding JSON Lines is streamed, a line at a time, so that an endless
/// stream (`yes |`) is read as it comes and never held.
pub struct Units {
    ready: std::collections::VecDeque<Unit>,
    pending: std::collections::VecDeque<Source>,
    /// Standard input, until it is read.
    stdin: Option<Reader>,
    stream: Option<Stream>,
}

/// A reader of standard input, handed in by the caller (the library
/// never reads the process's own).
pub type Reader = Box<dyn BufRead + Send>;

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream").field("line", &self.line).finish()
    }
}

/// Standard input as JSON Lines, read lazily.
struct Stream {
    reader: Reader,
    line: usize,
    index: usize,
}

/// The units of `inputs`, read as they are asked for; `stdin` is what
/// [`Source::Stdin`] reads (the CLI hands in the process's standard
/// input; a library caller any reader, or an empty one).
pub fn units(inputs: &[Source], stdin: Reader) -> Units {
    Units {
        ready: Default::default(),
        pending: inputs.iter().cloned().collect(),
        stdin: Some(stdin),
        stream: None,
    }
}

impl std::fmt::Debug for Units {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Units")
            .field("ready", &self.ready.len())
            .field("pending", &self.pending)
            .field("stream", &self.stream)
            .finish()
    }
}

impl Units {
    /// Whether units still come from a stream (standard input), so that
    /// their count is not known yet; false when every unit is known and
    /// the count is final.
    pub fn is_streaming(&self) -> bool {
        self.stream.is_some() || self.pending.iter().any(|p| *p == Source::Stdin)
    }
}

impl Iterator for Units {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        loop {
            if let Some(u) = self.ready.pop_front() {
                return Some(u);
            }
            if let Some(stream) = &mut self.stream {
                match stream.next_unit() {
                    Some(u) => return Some(u),
                    None => self.stream = None,
                }
                continue;
            }
            let input = self.pending.pop_front()?;
            if input == Source::Stdin {
                // Standard input is read once; named twice, the second
                // finds it at its end, as any Unix tool would.
                let reader = self
                    .stdin
                    .take()
                    .unwrap_or_else(|| Box::new(std::io::empty()));
                match start_stream(reader) {
                    Ok(Some((first, stream))) => {
                        self.stream = Some(stream);
                        return Some(first);
                    }
                    Ok(None) => continue,
                    Err(units) => self.ready.extend(units),
                }
                continue;
            }
            if let Source::Path(path) = input {
                self.ready.extend(expand(&[path]));
            }
        }
    }
}

/// Reads one line of standard input, at most [`crate::data::MAX_DATA_BYTES`] + 1
/// bytes of it; the rest of a longer line is skipped when `skip` says so
/// (a report's line in a stream), else left to be read (the first line,
/// which may be all of a large array).
fn read_line(reader: &mut Reader, skip: bool) -> std::io::Result<Option<(Vec<u8>, bool)>> {
    let limit = crate::data::MAX_DATA_BYTES as u64 + 1;
    let mut buf = Vec::new();
    let n = reader.by_ref().take(limit).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    let too_long = !buf.ends_with(b"\n") && buf.len() as u64 >= limit;
    if too_long && skip {
        // Skip to the end of the line.
        let mut rest = Vec::new();
        loop {
            rest.clear();
            let m = reader.by_ref().take(1 << 20).read_until(b'\n', &mut rest)?;
            if m == 0 || rest.ends_with(b"\n") {
                break;
            }
        }
    }
    Ok(Some((buf, too_long)))
}

/// Standard input: JSON Lines when its first non-blank line is a whole
/// JSON value (streamed from there); else one text, read whole (bounded),
/// as an array or one report.
fn start_stream(mut reader: Reader) -> Result<Option<(Unit, Stream)>, Vec<Unit>> {
    let name = STDIN;
    // A workbook through a pipe (`< 报告.xlsx`), or an old binary one: no
    // lines to stream, read whole (bounded) as a file is.
    let mut magic = Vec::new();
    if let Err(e) = reader.by_ref().take(8).read_to_end(&mut magic) {
        return Err(vec![Unit::failed(name, super::cannot_read(name, &e))]);
    }
    if crate::sheet::is_xlsx(&magic) || crate::data::is_ole(&magic) {
        let room = MAX_BATCH_INPUT_BYTES + 1 - magic.len() as u64;
        if let Err(e) = reader.take(room).read_to_end(&mut magic) {
            return Err(vec![Unit::failed(name, super::cannot_read(name, &e))]);
        }
        return Err(text_units(magic, name));
    }
    let mut reader: Reader = Box::new(std::io::Cursor::new(magic).chain(reader));
    let mut head = Vec::new();
    let mut line = 0;
    loop {
        match read_line(&mut reader, false) {
            Ok(None) => break,
            Ok(Some((mut bytes, too_long))) => {
                line += 1;
                if line == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
                    // A byte-order mark, as a file's is: dropped.
                    bytes.drain(..3);
                }
                if too_long {
                    head.extend_from_slice(&bytes);
                    break;
                }
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    // Kept as a line end only (a message's line numbers
                    // count it); an endless run of blanks (`yes ' '`) is
                    // refused at the bound of a batch input.
                    head.push(b'\n');
                    if head.len() as u64 > MAX_BATCH_INPUT_BYTES {
                        return Err(vec![Unit::failed(name, too_large_for_a_batch(name))]);
                    }
                    continue;
                }
                head.extend_from_slice(&bytes);
                let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
                // An array on one line (`jq -c`) is the reports it holds,
                // read whole as an array file is, not a stream of one.
                let array = first == Some(&b'[');
                let whole = !array
                    && std::str::from_utf8(&bytes)
                        .ok()
                        .is_some_and(|t| serde_json::from_str::<serde::de::IgnoredAny>(t).is_ok());
                if whole {
                    let mut stream = Stream {
                        reader,
                        line,
                        index: 0,
                    };
                    let first = stream.unit(bytes, false);
                    return Ok(Some((first, stream)));
                }
                // Neither a JSON value nor the start of one (`yes |`): said
                // at once, not after reading all of it.
                let opens = bytes
                    .iter()
                    .find(|b| !b.is_ascii_whitespace())
                    .is_some_and(|b| *b == b'{' || *b == b'[');
                if !opens {
                    let d = match crate::data::decode_line(&bytes, name, line) {
                        Err(d) => d,
                        Ok(text) => crate::data::parse_text(text, name).err().map_or_else(
                            || Diagnostic::input(Code::JsonSyntax, tr("不是 JSON", "not JSON")),
                            |mut d| {
                                if let crate::diag::Location::Text { line: l, .. } = &mut d.location
                                {
                                    *l = line;
                                }
                                d
                            },
                        ),
                    };
                    return Err(vec![Unit::failed(name, d)]);
                }
                break;
            }
            Err(e) => return Err(vec![Unit::failed(name, super::cannot_read(name, &e))]),
        }
    }
    if head.iter().all(u8::is_ascii_whitespace) && head.len() < 1 << 20 {
        // Nothing but blanks so far, and the stream ended.
        let mut rest = Vec::new();
        let room = MAX_BATCH_INPUT_BYTES + 1 - head.len() as u64;
        if let Err(e) = reader.by_ref().take(room).read_to_end(&mut rest) {
            return Err(vec![Unit::failed(name, super::cannot_read(name, &e))]);
        }
        if rest.iter().all(u8::is_ascii_whitespace) {
            return Err(vec![Unit::failed(name, crate::data::empty(name))]);
        }
        head.extend_from_slice(&rest);
    } else {
        let room = MAX_BATCH_INPUT_BYTES.saturating_sub(head.len() as u64) + 1;
        if let Err(e) = reader.take(room).read_to_end(&mut head) {
            return Err(vec![Unit::failed(name, super::cannot_read(name, &e))]);
        }
    }
    Err(text_units(head, name))
}

impl Stream {
    fn next_unit(&mut self) -> Option<Unit> {
        loop {
            match read_line(&mut self.reader, true) {
                Ok(None) => return None,
                Ok(Some((bytes, too_long))) => {
                    self.line += 1;
                    if bytes.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(self.unit(bytes, too_long));
                }
                Err(e) => {
                    return Some(Unit::failed(STDIN, super::cannot_read(STDIN, &e)));
                }
            }
        }
    }

    fn unit(&mut self, bytes: Vec<u8>, too_long: bool) -> Unit {
        let index = self.index;
        self.index += 1;
        let name = STDIN;
        let text = if too_long {
            Err(crate::data::too_large(name, None))
        } else {
            crate::data::decode_line(&bytes, name, self.line)
        };
        match text {
            Ok(text) => Unit::line(name, text.trim_end().to_string(), self.line, index),
            Err(d) => {
                let mut u = Unit::failed(name, d);
                u.index = Some(index);
                u
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Location;

    fn stream(bytes: Vec<u8>) -> Vec<Unit> {
        units(&[Source::Stdin], Box::new(std::io::Cursor::new(bytes))).collect()
    }

    #[test]
    fn a_line_not_utf8_is_refused_at_its_line_and_the_others_read() {
        let mut bytes = b"{\"unit\":\"a\"}\n{\"unit\":\"".to_vec();
        bytes.extend_from_slice(&[0xB6, 0xAB]); // 东 in GBK
        bytes.extend_from_slice(b"\"}\n{\"unit\":\"c\"}\n");
        let units = stream(bytes);
        assert_eq!(units.len(), 3);
        assert!(units[0].input(None).is_ok() && units[2].input(None).is_ok());
        let d = &units[1].input(None).expect_err("GBK").0[0];
        assert_eq!(d.code, Code::Encoding);
        assert!(matches!(
            d.location,
            Location::Text {
                line: 2,
                column: 10,
                ..
            }
        ));
        assert!(d.message.en.contains("GBK"), "{}", d.message.en);
        assert_eq!(units[1].index, Some(1));
    }

    #[test]
    fn blanks_alone_are_empty_data_and_blank_lines_keep_their_count() {
        let units = stream(b"\n  \n\t\n".to_vec());
        let d = &units[0].input(None).expect_err("empty").0[0];
        assert!(d.message.en.ends_with("is empty") && d.hint.is_some());
        // Not JSON Lines (the first value spans lines): read whole, and a
        // syntax error is placed on the line it is on, blanks counted.
        let units = stream(b"\n \n{\n\"unit\": ,\n}\n".to_vec());
        let d = &units[0].input(None).expect_err("syntax").0[0];
        assert!(
            matches!(d.location, Location::Text { line: 4, .. }),
            "{:?}",
            d.location
        );
    }

    #[test]
    fn an_array_on_one_line_is_its_reports() {
        let units = stream(b"[{\"unit\":\"a\"},{\"unit\":\"b\"}]\n".to_vec());
        assert_eq!(units.len(), 2);
        assert_eq!(units[1].input(None).expect("reads").value["unit"], "b");
    }

    #[test]
    fn a_byte_order_mark_before_the_first_line_is_dropped() {
        let units = stream(b"\xEF\xBB\xBF{\"unit\":\"a\"}\n{\"unit\":\"b\"}\n".to_vec());
        assert_eq!(units.len(), 2);
        assert!(units.iter().all(|u| u.input(None).is_ok()));
    }

    #[test]
    fn a_workbook_through_a_pipe_is_read_whole() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/shili-2021.json");
        let text = std::fs::read_to_string(path).expect("sample");
        let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let format = crate::data::Format::F2021;
        let xlsx = crate::sheet::write(&value, format, None).expect("workbook");
        let units = stream(xlsx);
        assert_eq!(units.len(), 1);
        let input = units[0].input(None).expect("reads");
        assert_eq!(input.value["unit"], value["unit"]);
        assert!(!input.cells.is_empty());
    }

    #[test]
    fn a_first_line_longer_than_a_report_is_read_whole() {
        // One line (`jq -c`) holding an array of two reports, each under
        // the limit of one report, the whole over it.
        let pad = "x".repeat(crate::data::MAX_DATA_BYTES * 2 / 3);
        let line = format!(
            "[{{\"unit\":\"a\",\"pad\":\"{pad}\"}},{{\"unit\":\"b\",\"pad\":\"{pad}\"}}]\n"
        );
        let units = stream(line.into_bytes());
        assert_eq!(units.len(), 2);
        let b = units[1].input(None).expect("reads");
        assert_eq!(b.value["unit"], "b");
    }

    #[test]
    fn a_line_too_long_says_the_limit_not_a_count() {
        let mut bytes = b"{\"unit\":\"a\"}\n\"".to_vec();
        bytes.resize(bytes.len() + crate::data::MAX_DATA_BYTES + 10, b'x');
        bytes.extend_from_slice(b"\"\n{\"unit\":\"c\"}\n");
        let units = stream(bytes);
        assert_eq!(units.len(), 3);
        let d = &units[1].input(None).expect_err("too long").0[0];
        assert_eq!(d.code, Code::Limit);
        assert!(
            d.message.en.contains("more than 16 MiB"),
            "{}",
            d.message.en
        );
        assert!(units[2].input(None).is_ok());
    }
}
