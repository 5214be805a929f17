//! Batch inputs: many reports from files, directories, arrays and JSON
//! Lines; shared defaults; output names.
//!
//! In: input paths, an optional defaults value and a name pattern. Out: a
//! list of [`Unit`]s (one per report, each with where it came from) and a
//! safe, unique file name for each. A unit holds no parsed data: it is
//! read, parsed and merged with the defaults when asked ([`Unit::data`]),
//! so a batch's memory does not grow with its number of reports. A
//! report file is read again from disk; the reports of an array or JSON
//! Lines file are slices of its text, held once. Rendering them is the
//! caller's: the CLI runs them in parallel.

use crate::diag::{io_reason, tr, Code, Diagnostic, Diagnostics};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
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
    source: Source,
}

/// Where a unit's data is.
#[derive(Debug, Clone)]
enum Source {
    /// A file holding one report.
    File(PathBuf),
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
    fn failed(input: &str, d: Diagnostic) -> Unit {
        Unit {
            input: input.to_string(),
            index: None,
            source: Source::Failed(d.into()),
        }
    }

    /// `INPUT` or `INPUT[#index]`, as messages name it.
    pub fn label(&self) -> String {
        match (&self.source, self.index) {
            (Source::Row(r), _) => format!("{}[row {}]", self.input, r.row),
            (_, Some(i)) => format!("{}[#{i}]", self.input),
            (_, None) => self.input.clone(),
        }
    }

    /// The report's data, read from its source, with `defaults` merged
    /// under it; or why it cannot be read.
    pub fn data(&self, defaults: Option<&Value>) -> Result<Value, Diagnostics> {
        self.input(defaults).map(|i| i.value)
    }

    /// As [`Unit::data`], with what reading said and, for a workbook,
    /// where each value sat (so diagnostics can name the sheet cell).
    pub fn input(&self, defaults: Option<&Value>) -> Result<crate::input::Input, Diagnostics> {
        let name = self.input.as_str();
        let mut read = None;
        let value = match &self.source {
            Source::File(path) => {
                let bytes = std::fs::read(path).map_err(|e| cannot_read(name, &e))?;
                crate::data::check_size(bytes.len(), name)?;
                let input = crate::input::load(&bytes, name)?;
                let value = input.value.clone();
                read = Some(input);
                value
            }
            Source::Text { text, range, line } => {
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
            Source::Row(row) => {
                let input = row.input()?;
                let value = input.value.clone();
                read = Some(input);
                value
            }
            Source::Failed(d) => return Err(d.clone()),
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
            None => crate::input::Input {
                value,
                warnings: Diagnostics::new(),
                cells: Default::default(),
            },
        })
    }
}

/// Units from the inputs, one at a time. Files, directories, arrays and
/// JSON Lines files are read as [`expand`] reads them; standard input
/// holding JSON Lines is streamed, a line at a time, so that an endless
/// stream (`yes |`) is read as it comes and never held.
#[derive(Debug)]
pub struct Units {
    ready: std::collections::VecDeque<Unit>,
    pending: std::collections::VecDeque<String>,
    stream: Option<Stream>,
}

/// Standard input as JSON Lines, read lazily.
#[derive(Debug)]
struct Stream {
    reader: std::io::BufReader<std::io::Stdin>,
    line: usize,
    index: usize,
}

/// The units of `inputs`, read as they are asked for.
pub fn units(inputs: &[String]) -> Units {
    Units {
        ready: Default::default(),
        pending: inputs.iter().cloned().collect(),
        stream: None,
    }
}

impl Units {
    /// Whether units still come from a stream (standard input), so that
    /// their count is not known yet; false when every unit is known and
    /// the count is final.
    pub fn is_streaming(&self) -> bool {
        self.stream.is_some() || self.pending.iter().any(|p| p == "-")
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
            if input == "-" {
                match start_stream() {
                    Ok(Some((first, stream))) => {
                        self.stream = Some(stream);
                        return Some(first);
                    }
                    Ok(None) => continue,
                    Err(units) => self.ready.extend(units),
                }
                continue;
            }
            match expand(std::slice::from_ref(&input)) {
                Ok(units) => self.ready.extend(units),
                Err(d) => self.ready.push_back(Unit::failed(&input, d)),
            }
        }
    }
}

/// Reads one line of standard input, at most [`MAX_DATA_BYTES`] + 1
/// bytes of it (the rest of a longer line is skipped).
fn read_line(
    reader: &mut std::io::BufReader<std::io::Stdin>,
) -> std::io::Result<Option<(Vec<u8>, bool)>> {
    use std::io::{BufRead, Read};
    let limit = crate::data::MAX_DATA_BYTES as u64 + 1;
    let mut buf = Vec::new();
    let n = reader.by_ref().take(limit).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    let too_long = !buf.ends_with(b"\n") && buf.len() as u64 >= limit;
    if too_long {
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
fn start_stream() -> Result<Option<(Unit, Stream)>, Vec<Unit>> {
    let name = "<stdin>";
    let mut reader = std::io::BufReader::new(std::io::stdin());
    let mut head = Vec::new();
    let mut line = 0;
    loop {
        match read_line(&mut reader) {
            Ok(None) => break,
            Ok(Some((bytes, too_long))) => {
                line += 1;
                if too_long {
                    head.extend_from_slice(&bytes);
                    break;
                }
                let blank = bytes.iter().all(u8::is_ascii_whitespace);
                head.extend_from_slice(&bytes);
                if blank {
                    continue;
                }
                let whole = std::str::from_utf8(&bytes)
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
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    let d = crate::data::parse_text(&text, name).err().map_or_else(
                        || Diagnostic::input(Code::JsonSyntax, tr("不是 JSON", "not JSON")),
                        |mut d| {
                            if let crate::diag::Location::Text { line: l, .. } = &mut d.location {
                                *l = line;
                            }
                            d
                        },
                    );
                    return Err(vec![Unit::failed(name, d)]);
                }
                break;
            }
            Err(e) => return Err(vec![Unit::failed(name, cannot_read(name, &e))]),
        }
    }
    if head.iter().all(u8::is_ascii_whitespace) && head.len() < 1 << 20 {
        // Nothing but blanks so far, and the stream ended.
        let mut rest = Vec::new();
        use std::io::Read;
        let _ = reader.read_to_end(&mut rest);
        if rest.iter().all(u8::is_ascii_whitespace) {
            return Err(vec![Unit::failed(
                name,
                Diagnostic::input(Code::JsonSyntax, tr("<stdin> 是空的", "<stdin> is empty")),
            )]);
        }
        head.extend_from_slice(&rest);
    } else {
        use std::io::Read;
        let room = MAX_BATCH_INPUT_BYTES.saturating_sub(head.len() as u64) + 1;
        if let Err(e) = reader.take(room).read_to_end(&mut head) {
            return Err(vec![Unit::failed(name, cannot_read(name, &e))]);
        }
    }
    Err(text_units(head, name))
}

impl Stream {
    fn next_unit(&mut self) -> Option<Unit> {
        loop {
            match read_line(&mut self.reader) {
                Ok(None) => return None,
                Ok(Some((bytes, too_long))) => {
                    self.line += 1;
                    if bytes.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(self.unit(bytes, too_long));
                }
                Err(e) => {
                    return Some(Unit::failed("<stdin>", cannot_read("<stdin>", &e)));
                }
            }
        }
    }

    fn unit(&mut self, bytes: Vec<u8>, too_long: bool) -> Unit {
        let index = self.index;
        self.index += 1;
        let name = "<stdin>";
        if too_long {
            let mut u = Unit::failed(
                name,
                crate::data::check_size(usize::MAX, name)
                    .err()
                    .unwrap_or_else(|| {
                        Diagnostic::input(Code::Limit, tr("这一行太长", "the line is too long"))
                    }),
            );
            u.index = Some(index);
            return u;
        }
        let text = String::from_utf8_lossy(&bytes).trim_end().to_string();
        let len = text.len();
        Unit {
            input: name.to_string(),
            index: Some(index),
            source: Source::Text {
                text: Arc::from(text),
                range: 0..len,
                line: Some(self.line),
            },
        }
    }
}

/// Expands inputs into units: a directory gives its `*.json` files in
/// name order; a file holding a JSON array gives one unit per item; a
/// `.jsonl`/`.ndjson` file one per non-empty line; any other file one;
/// `-` reads standard input (JSON Lines when it holds several values).
/// An input that cannot be read at all is one failed unit: it is
/// reported, and the other inputs still render.
pub fn expand(inputs: &[String]) -> Result<Vec<Unit>, Diagnostic> {
    let mut units = Vec::new();
    for input in inputs {
        let path = Path::new(input);
        if path.is_dir() {
            let listing = match std::fs::read_dir(path) {
                Ok(l) => l,
                Err(e) => {
                    let why = io_reason(&e);
                    units.push(Unit::failed(
                        input,
                        Diagnostic::input(
                            Code::Io,
                            tr(
                                format!("无法读取目录 {input}：{}", why.zh),
                                format!("cannot read directory {input}: {}", why.en),
                            ),
                        ),
                    ));
                    continue;
                }
            };
            let mut files: Vec<PathBuf> = listing
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|x| x == "json" || x == "xlsx") && p.is_file()
                })
                .collect();
            files.sort();
            for f in files {
                units.extend(file_units(&f.display().to_string())?);
            }
        } else {
            units.extend(file_units(input)?);
        }
    }
    Ok(units)
}

/// The most a batch reads from one input that holds many reports (an
/// array, JSON Lines, standard input): 256 MiB, some thousands of reports.
pub const MAX_BATCH_INPUT_BYTES: u64 = 256 << 20;

/// An input's units, or none that can be read.
fn file_units(input: &str) -> Result<Vec<Unit>, Diagnostic> {
    let name = if input == "-" { "<stdin>" } else { input };
    let bytes = match read_bounded(input) {
        Ok(b) => b,
        Err(d) => return Ok(vec![Unit::failed(name, d)]),
    };
    Ok(units_of(&bytes, input, name))
}

/// Standard input read whole (it was not JSON Lines), as units.
fn text_units(bytes: Vec<u8>, name: &str) -> Vec<Unit> {
    if bytes.len() as u64 > MAX_BATCH_INPUT_BYTES {
        let mib = MAX_BATCH_INPUT_BYTES >> 20;
        return vec![Unit::failed(
            name,
            Diagnostic::input(
                Code::Limit,
                tr(
                    format!("{name} 超过 {mib} MiB，一次批量读取不了这么多"),
                    format!("{name} is larger than {mib} MiB, more than one batch input may hold"),
                ),
            ),
        )];
    }
    units_of(&bytes, "-", name)
}

/// The units an input's bytes hold.
fn units_of(bytes: &[u8], input: &str, name: &str) -> Vec<Unit> {
    let bytes = bytes.to_vec();
    match units_of_inner(bytes, input, name) {
        Ok(u) => u,
        Err(d) => vec![Unit::failed(name, d)],
    }
}

fn units_of_inner(bytes: Vec<u8>, input: &str, name: &str) -> Result<Vec<Unit>, Diagnostic> {
    let failed = |d: Diagnostic| Unit::failed(name, d);
    // A county workbook: a report a row.
    if crate::sheet::is_xlsx(&bytes) && crate::sheet::county::is_county(&bytes) {
        let rows = match crate::sheet::county::read(&bytes, name) {
            Ok(r) => r,
            Err(d) => {
                return Ok(vec![Unit {
                    input: name.to_string(),
                    index: None,
                    source: Source::Failed(d),
                }])
            }
        };
        return Ok(rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| Unit {
                input: name.to_string(),
                index: Some(i),
                source: Source::Row(Arc::new(r)),
            })
            .collect());
    }
    // A workbook is one report; a regular file is read again when rendered.
    if crate::sheet::is_xlsx(&bytes) {
        if regular_file(input) {
            return Ok(vec![Unit {
                input: name.to_string(),
                index: None,
                source: Source::File(PathBuf::from(input)),
            }]);
        }
        return Ok(vec![Unit::failed(
            name,
            Diagnostic::input(
                Code::Io,
                tr(
                    format!("{name}：工作簿要以文件给出，不能从管道读入"),
                    format!("{name}: a workbook must be given as a file, not a pipe"),
                ),
            ),
        )]);
    }
    // Only a regular file can be read a second time: a pipe or FIFO
    // (`batch <(cat r.json)`) keeps what was read.
    let regular = regular_file(input);
    let text = match crate::data::decode_any_size(&bytes, name) {
        Ok(t) => t,
        Err(d) => return Ok(vec![failed(d)]),
    };
    let (lines, is_array) = text_shape(text, input);
    if !lines && !is_array && regular {
        // One report: read again when rendered, so that it is not held.
        return Ok(vec![Unit {
            input: name.to_string(),
            index: None,
            source: Source::File(PathBuf::from(input)),
        }]);
    }
    let shared: Arc<str> = Arc::from(text);
    let unit = |index, range, line| Unit {
        input: name.to_string(),
        index,
        source: Source::Text {
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
pub fn holds_many(bytes: &[u8], input: &str) -> bool {
    if crate::sheet::is_xlsx(bytes) {
        return crate::sheet::county::is_county(bytes);
    }
    crate::data::decode_any_size(bytes, input).is_ok_and(|text| {
        let (lines, array) = text_shape(text, input);
        lines || array
    })
}

/// The units that an input's bytes, read once by [`read_bounded`], hold.
pub fn units_from_bytes(bytes: &[u8], input: &str) -> Vec<Unit> {
    let name = if input == "-" { "<stdin>" } else { input };
    units_of(bytes, input, name)
}

/// Whether a text is JSON Lines, and whether it is an array. A file says
/// JSON Lines by its name (`.jsonl`, `.ndjson`); a stream or FIFO has no
/// telling name, and is JSON Lines when it holds more than one value.
fn text_shape(text: &str, input: &str) -> (bool, bool) {
    let named = Path::new(input)
        .extension()
        .is_some_and(|e| e == "jsonl" || e == "ndjson");
    let lines = named
        || (!regular_file(input)
            && serde_json::Deserializer::from_str(text)
                .into_iter::<&RawValue>()
                .nth(1)
                .is_some());
    (lines, text.trim_start().starts_with('['))
}

/// An input's bytes (`-`: standard input), at most
/// [`MAX_BATCH_INPUT_BYTES`]: an endless stream (`yes |`) is refused
/// rather than held in memory.
pub fn read_bounded(input: &str) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    let name = if input == "-" { "<stdin>" } else { input };
    let mut bytes = Vec::new();
    let read = if input == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_BATCH_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(input)
            .and_then(|f| f.take(MAX_BATCH_INPUT_BYTES + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| cannot_read(name, &e))?;
    if bytes.len() as u64 > MAX_BATCH_INPUT_BYTES {
        let mib = MAX_BATCH_INPUT_BYTES >> 20;
        return Err(Diagnostic::input(
            Code::Limit,
            tr(
                format!("{name} 超过 {mib} MiB，一次批量读取不了这么多"),
                format!("{name} is larger than {mib} MiB, more than one batch input may hold"),
            ),
        )
        .with_hint(tr(
            "把报告分成几个文件（或一个目录里的多个文件）再批量生成",
            "split the reports into several files (or a directory of files)",
        )));
    }
    Ok(bytes)
}

/// Whether an input is a regular file (which can be read a second time).
fn regular_file(input: &str) -> bool {
    input != "-" && std::fs::metadata(input).is_ok_and(|m| m.is_file())
}

/// "Cannot read NAME", with the reason, in both languages.
fn cannot_read(name: &str, e: &std::io::Error) -> Diagnostic {
    crate::diag::cannot(("读取", "read"), name, e)
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

/// `defaults` deep-merged under `report`: objects merge key by key, the
/// report's values win, and anything else (arrays included) replaces.
pub fn merge(defaults: &Value, report: &Value) -> Value {
    match (defaults, report) {
        (Value::Object(d), Value::Object(r)) => {
            let mut out: Map<String, Value> = d.clone();
            for (k, v) in r {
                let merged = match d.get(k) {
                    Some(dv) => merge(dv, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        _ => report.clone(),
    }
}

/// A name pattern over the data, e.g. `{{unit}}-{{year}}`.
#[derive(Debug)]
pub struct NamePattern {
    hb: handlebars::Handlebars<'static>,
    pattern: String,
}

/// The default pattern for output names.
pub const DEFAULT_NAME: &str = "{{unit}}-{{year}}";

impl NamePattern {
    /// Compiles a pattern (Handlebars, strict: a key the data lacks is an error).
    pub fn new(pattern: &str) -> Result<NamePattern, Diagnostic> {
        let mut hb = handlebars::Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(handlebars::no_escape);
        hb.register_template_string("name", pattern).map_err(|e| {
            Diagnostic::input(
                Code::Template,
                tr(
                    format!("--name `{pattern}` 写错了：{}", e.reason()),
                    format!("--name `{pattern}`: {}", e.reason()),
                ),
            )
        })?;
        Ok(NamePattern {
            hb,
            pattern: pattern.to_string(),
        })
    }

    /// Refuses a `{{key}}` that no report of the contract has (a misspelt
    /// `{{unti}}`), once, before any report is read. Only for bundles of
    /// the annual-report contract: `any` data has keys of its own.
    pub fn check_keys(&self) -> Result<(), Diagnostic> {
        unknown_name_key(&self.pattern).map_or(Ok(()), Err)
    }

    /// The file name (without extension) for a report: the pattern's text
    /// made safe for every file system.
    pub fn name(&self, data: &Value) -> Result<String, Diagnostic> {
        let raw = self.hb.render("name", data).map_err(|e| {
            Diagnostic::input(
                Code::Template,
                tr(
                    format!("--name：{}", e.reason()),
                    format!("--name: {}", e.reason()),
                ),
            )
            .with_hint(tr(
                "文件名模式用到了这份报告没有的键",
                "the pattern names a key the report does not have",
            ))
        })?;
        Ok(safe_file_name(&raw))
    }
}

/// The first `{{key}}` of a name pattern that the data contract does not
/// know, as one usage error with a "did you mean" (before any report is
/// read, so that it is said once, not once per report).
fn unknown_name_key(pattern: &str) -> Option<Diagnostic> {
    let known = crate::data::top_level_keys();
    let mut rest = pattern;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let close = after.find("}}")?;
        let inner =
            after[..close].trim_matches(|c: char| c == '{' || c == '~' || c.is_whitespace());
        rest = &after[close + 2..];
        // Helpers, blocks, comments and `this`/`@root` are not keys.
        if inner.is_empty() || inner.starts_with(['#', '/', '!', '>', '^', '@', '.']) {
            continue;
        }
        let words: Vec<&str> = inner.split_whitespace().collect();
        // `{{helper arg}}`: the key is the argument.
        let path = if words.len() > 1 { words[1] } else { words[0] };
        let key = path
            .trim_start_matches("this.")
            .split(['.', '/', '['])
            .next()
            .unwrap_or("");
        if key.is_empty() || key == "this" || key == "else" || key.starts_with(['"', '\'', '@']) {
            continue;
        }
        if key.chars().all(|c| c.is_ascii_digit()) || known.contains(&key) {
            continue;
        }
        let guess = crate::data::shape::did_you_mean(key, &known);
        let d = Diagnostic::input(
            Code::Template,
            tr(
                format!("--name `{pattern}`：报告里没有 `{key}` 这个键"),
                format!("--name `{pattern}`: a report has no key `{key}`"),
            ),
        );
        return Some(match guess {
            Some(g) => d.with_hint(tr(
                format!("是不是 `{g}`？"),
                format!("did you mean `{g}`?"),
            )),
            None => d.with_hint(tr(
                format!("可用的键：{}", known.join("、")),
                format!("the keys are: {}", known.join(", ")),
            )),
        });
    }
    None
}

/// A string made into a file name valid on Windows, macOS and Linux: in
/// Unicode NFC; path separators, reserved and control characters become `_`, leading
/// and trailing dots and spaces go, reserved DOS names get a `_`, and the
/// name is cut to 150 bytes (file systems limit names to 255 bytes, and a
/// Chinese character takes three; the rest is room for the extension and
/// the temporary name used while writing).
pub fn safe_file_name(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    // NFC: the composed and decomposed spellings of a name (macOS file
    // systems decompose) are one name, so that they conflict rather than
    // overwrite each other on a normalizing file system.
    let mut s: String = raw
        .nfc()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    s = s
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string();
    let mut bytes = 0;
    s = s
        .chars()
        .take_while(|c| {
            bytes += c.len_utf8();
            bytes <= 150
        })
        .collect();
    let stem = s.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = ["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str())
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit());
    if reserved {
        s.insert(0, '_');
    }
    if s.is_empty() {
        "report".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_merge_deeply_and_arrays_replace() {
        let d = json!({"problems": ["默认"], "signature": {"unit": "某县", "date": "2021-01-20"}, "year": 2020});
        let r = json!({"signature": {"unit": "某镇"}, "problems": ["本镇"]});
        assert_eq!(
            merge(&d, &r),
            json!({"problems": ["本镇"], "signature": {"unit": "某镇", "date": "2021-01-20"}, "year": 2020})
        );
    }

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
        let units = expand(&[path.display().to_string()]).expect("expands");
        assert_eq!(units.len(), 2);
        let defaults = json!({"year": 2021});
        let second = units[1].data(Some(&defaults)).expect("reads");
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
        let units = expand(&[dir.display().to_string()]).expect("expands");
        assert_eq!(units.len(), 2);
        assert_eq!(units[0].data(None).expect("reads"), json!({"unit": "甲"}));
        let err = units[1].data(None).expect_err("a syntax error");
        let d = &err.0[0];
        assert_eq!(d.code, Code::JsonSyntax);
        assert!(
            d.location.to_string().contains("b.json:2:"),
            "{}",
            d.location
        );
        // Changed on disk after expansion: the unit reads what is there.
        std::fs::write(&good, r#"{"unit": "丙"}"#).expect("write");
        assert_eq!(units[0].data(None).expect("reads"), json!({"unit": "丙"}));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            safe_file_name("缑氏镇/人民政府:2020?"),
            "缑氏镇_人民政府_2020_"
        );
        assert_eq!(safe_file_name(" ..con.. "), "_con");
        assert_eq!(safe_file_name(""), "report");
        assert_eq!(safe_file_name("a\u{0}b"), "a_b");
        assert!(safe_file_name(&"镇".repeat(100)).len() <= 150);
        // One name however it is spelt: é as one code point or e + ◌́.
        assert_eq!(
            safe_file_name("Caf\u{e9}镇"),
            safe_file_name("Cafe\u{301}镇")
        );
    }

    #[test]
    fn name_pattern_renders_without_escaping() {
        let p = NamePattern::new(DEFAULT_NAME).expect("compiles");
        assert_eq!(
            p.name(&json!({"unit": "A&B", "year": 2021}))
                .expect("renders"),
            "A&B-2021"
        );
        assert!(p.name(&json!({"unit": "A"})).is_err());
    }
}
