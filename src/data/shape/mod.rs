//! Shape checks (contract check 5): a JSON value against the data contract.
//!
//! In: a parsed [`serde_json::Value`]. Out: every shape problem found, as
//! diagnostics naming the JSON pointer, what was expected and what was
//! found. It never stops at the first problem: a clerk fixes them all in one
//! pass. The format (2019 or 2021) is settled first, since section 二 and
//! （六）其他处理 take different shapes in each; a key of the other format
//! is named as such.

mod words;

pub(crate) use words::did_you_mean;
use words::expected;

use super::labels;
use super::model::Format;
use super::spec::{self, Cell, Field, Kind};
use crate::diag::{tr, Code, Diagnostic, Diagnostics, Text};
use crate::pointer;
use serde_json::{Map, Value};

/// The longest text accepted in one string: a long paragraph is a few
/// thousand characters; 100,000 is about 150 pages.
pub const MAX_TEXT_CHARS: usize = 100_000;

/// The most paragraphs accepted in one section.
pub const MAX_PARAGRAPHS: usize = 10_000;

/// Checks `value` against the contract; returns the format it follows and
/// the problems found (empty when the shape is right).
pub fn check(value: &Value) -> (Format, Diagnostics) {
    let mut w = Walker {
        format: settle_format(value),
        out: Diagnostics::new(),
    };
    w.object(value, "", spec::TOP, None);
    (w.format, w.out)
}

/// The format from `format`, else from `year`; when neither can be read
/// (the shape check then reports what is wrong with them), the format the
/// data's shape suggests, so one bad year does not bury the report in
/// wrong-format errors.
fn settle_format(value: &Value) -> Format {
    let named = value.get("format").and_then(Value::as_str);
    match (
        named.and_then(Format::parse),
        value.get("year").and_then(Value::as_i64),
    ) {
        (Some(format), _) => format,
        (None, Some(year)) => Format::for_year(year),
        (None, None) => guess_from_shape(value),
    }
}

/// 2019 if section 二 or （六）其他处理 has the 2019 shape, else 2021.
fn guess_from_shape(value: &Value) -> Format {
    let ad = &value["active_disclosure"];
    let shaped_2019 = ad.get("other_services").is_some()
        || ad.get("procurement").is_some()
        || ad.get("licensing").is_some_and(Value::is_array)
        || value["applications"]
            .get("other")
            .is_some_and(Value::is_array);
    if shaped_2019 {
        Format::F2019
    } else {
        Format::F2021
    }
}

struct Walker {
    format: Format,
    out: Diagnostics,
}

impl Walker {
    fn error(&mut self, code: Code, path: &str, message: Text) {
        self.out.push(Diagnostic::error(code, path, message));
    }

    /// An object: known keys checked by kind, required keys present, unknown
    /// keys reported with a "did you mean" hint or as the other format's.
    fn object(&mut self, v: &Value, path: &str, fields: &[Field], other: Option<&[Field]>) {
        let Some(map) = self.expect_object(v, path) else {
            return;
        };
        // A misspelt key is reported once, as unknown with a "did you
        // mean", not a second time as the key it meant being missing.
        let names: Vec<&str> = fields.iter().map(|f| f.key).collect();
        let meant: Vec<&str> = map
            .keys()
            .filter(|k| !names.contains(&k.as_str()))
            .filter_map(|k| did_you_mean(k, &names))
            .collect();
        for f in fields {
            match map.get(f.key) {
                Some(Value::Null) if f.nullable => {}
                Some(child) => self.kind(child, &pointer::push(path, f.key), &f.kind),
                None if f.required && !meant.contains(&f.key) => self.error(
                    Code::MissingKey,
                    path,
                    tr(
                        format!("缺少键 `{}`（{}）", f.key, f.what),
                        format!("missing key `{}` ({})", f.key, f.what),
                    ),
                ),
                None => {}
            }
        }
        for key in map.keys() {
            if !fields.iter().any(|f| f.key == key) {
                self.unknown_key(path, key, fields, other);
            }
        }
    }

    fn unknown_key(&mut self, path: &str, key: &str, fields: &[Field], other: Option<&[Field]>) {
        let at = pointer::push(path, key);
        if other.is_some_and(|o| o.iter().any(|f| f.key == key)) {
            let (this, that) = (self.format, other_format(self.format));
            let d = Diagnostic::error(
                Code::WrongFormatKey,
                at,
                tr(
                    format!(
                        "`{key}` 属于{}，而这份报告用的是{}",
                        that.describe_zh(),
                        this.describe_zh()
                    ),
                    format!(
                        "`{key}` belongs to {}, but this report follows {}",
                        that.describe(),
                        this.describe()
                    ),
                ),
            )
            .with_hint(tr(
                format!(
                    "删去它；如果报告用的是{}，就写 \"format\": \"{}\"",
                    that.describe_zh(),
                    that.as_str()
                ),
                format!(
                    "remove it, or set \"format\": \"{}\" if the report follows {}",
                    that.as_str(),
                    that.describe()
                ),
            ));
            self.out.push(d);
            return;
        }
        let names: Vec<&str> = fields.iter().map(|f| f.key).collect();
        let mut d = Diagnostic::error(
            Code::UnknownKey,
            at,
            tr(
                format!("不认识的键 `{key}`"),
                format!("unknown key `{key}`"),
            ),
        );
        d = match did_you_mean(key, &names) {
            Some(best) => d.with_hint(tr(
                format!("是不是 `{best}`？"),
                format!("did you mean `{best}`?"),
            )),
            None => d.with_hint(tr(
                format!("这里可用的键：{}", names.join("、")),
                format!("expected one of: {}", names.join(", ")),
            )),
        };
        self.out.push(d);
    }

    fn expect_object<'v>(&mut self, v: &'v Value, path: &str) -> Option<&'v Map<String, Value>> {
        self.expect(v.as_object(), v, path, || tr("一个对象 {…}", "an object"))
    }

    /// `got`, the value `v` taken as what `want` names; when it is not
    /// that, a shape error at `path` saying what was wanted and found.
    fn expect<T>(
        &mut self,
        got: Option<T>,
        v: &Value,
        path: &str,
        want: impl FnOnce() -> Text,
    ) -> Option<T> {
        if got.is_none() {
            self.error(Code::Shape, path, expected(want(), v));
        }
        got
    }

    fn kind(&mut self, v: &Value, path: &str, kind: &Kind) {
        match kind {
            Kind::Text => self.text(v, path, true),
            Kind::Year => self.year(v, path),
            Kind::FormatName => self.format_name(v, path),
            Kind::Title => self.title(v, path),
            Kind::Paragraphs => self.paragraphs(v, path),
            Kind::Labels => self.labels(v, path),
            Kind::Object(fields) => self.object(v, path, fields, None),
            Kind::Cells(cells) => self.cells(v, path, cells),
            Kind::Cell(cell) => self.cell(v, path, *cell),
            Kind::Row { min, max } => self.row(v, path, *min, *max),
            Kind::ActiveDisclosure => {
                let (this, that) = match self.format {
                    Format::F2019 => (spec::AD_2019, spec::AD_2021),
                    Format::F2021 => (spec::AD_2021, spec::AD_2019),
                };
                self.object(v, path, this, Some(that));
            }
            Kind::OtherProcessing => self.other_processing(v, path),
        }
    }

    /// A string; `nonempty` refuses `""`. Control characters are refused
    /// everywhere: they cannot be typeset and usually mean a bad paste.
    fn text(&mut self, v: &Value, path: &str, nonempty: bool) {
        let Some(s) = self.expect(v.as_str(), v, path, || tr("一段文字（字符串）", "a string"))
        else {
            return;
        };
        let chars = s.chars().count();
        if chars > MAX_TEXT_CHARS {
            self.error(
                Code::Limit,
                path,
                tr(
                    format!("这段文字有 {chars} 个字符，上限是 {MAX_TEXT_CHARS}"),
                    format!("the text is {chars} characters; the limit is {MAX_TEXT_CHARS}"),
                ),
            );
            return;
        }
        if nonempty && s.trim().is_empty() {
            self.error(
                Code::Shape,
                path,
                tr(
                    "这里不能为空",
                    "expected a non-empty string, found an empty one",
                ),
            );
        }
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| c.is_control()) {
            let d = Diagnostic::error(
                Code::Shape,
                path,
                tr(
                    format!("文字的第 {} 个字符是控制字符 U+{:04X}", i + 1, c as u32),
                    format!(
                        "control character U+{:04X} at character {} of the text",
                        c as u32,
                        i + 1
                    ),
                ),
            )
            .with_hint(tr(
                "删去它；段落里的换行表示两段：把它分成两个字符串",
                "remove it; a line break inside a paragraph means two paragraphs: split the string",
            ));
            self.out.push(d);
        }
    }

    fn year(&mut self, v: &Value, path: &str) {
        let year = v.as_i64().filter(|y| (2008..=2100).contains(y));
        self.expect(year, v, path, || {
            tr("2008 到 2100 之间的年份", "a year from 2008 to 2100")
        });
    }

    fn format_name(&mut self, v: &Value, path: &str) {
        if v.as_str().and_then(Format::parse).is_none() {
            let d = Diagnostic::error(
                Code::Shape,
                path,
                expected(tr("\"2019\" 或 \"2021\"", "\"2019\" or \"2021\""), v),
            )
            .with_hint(tr(
                "\"2019\" 是 2019–2020 年格式，\"2021\" 是 2021 年起的格式",
                "\"2019\" is the 2019–2020 format, \"2021\" the format for 2021 reports on",
            ));
            self.out.push(d);
        }
    }

    fn title(&mut self, v: &Value, path: &str) {
        match v {
            Value::Array(lines) if !lines.is_empty() => {
                for (i, line) in lines.iter().enumerate() {
                    self.text(line, &pointer::push(path, &i.to_string()), true);
                }
            }
            Value::String(_) => self.text(v, path, true),
            _ => self.error(
                Code::Shape,
                path,
                expected(
                    tr(
                        "一段文字，或按行写的非空数组",
                        "a string or a non-empty array of lines",
                    ),
                    v,
                ),
            ),
        }
    }

    /// An array of paragraphs: strings, or `{heading, text?}` objects.
    fn paragraphs(&mut self, v: &Value, path: &str) {
        let Some(items) = self.expect(v.as_array(), v, path, || {
            tr("段落的数组 […]", "an array of paragraphs")
        }) else {
            return;
        };
        if items.len() > MAX_PARAGRAPHS {
            self.error(
                Code::Limit,
                path,
                tr(
                    format!("{} 段，每部分最多 {MAX_PARAGRAPHS} 段", items.len()),
                    format!(
                        "{} paragraphs; the limit is {MAX_PARAGRAPHS} a section",
                        items.len()
                    ),
                ),
            );
            return;
        }
        for (i, item) in items.iter().enumerate() {
            let at = pointer::push(path, &i.to_string());
            match item {
                Value::String(_) => self.text(item, &at, false),
                Value::Object(_) => self.object(item, &at, spec::HEADED, None),
                _ => self.error(
                    Code::Shape,
                    &at,
                    expected(
                        tr(
                            "一个段落（字符串，或 {\"heading\": …, \"text\": …}）",
                            "a paragraph (a string or {\"heading\": …, \"text\": …})",
                        ),
                        item,
                    ),
                ),
            }
        }
    }

    /// `labels`: official label → printed wording; unknown labels refused.
    fn labels(&mut self, v: &Value, path: &str) {
        let Some(map) = self.expect_object(v, path) else {
            return;
        };
        let official = labels::official_labels(self.format);
        for (key, value) in map {
            let at = pointer::push(path, key);
            self.text(value, &at, true);
            if official.contains(&key.as_str()) {
                continue;
            }
            let mut d = Diagnostic::error(
                Code::UnknownKey,
                &at,
                tr(
                    format!("`{key}` 不是{}的标准标签", self.format.describe_zh()),
                    format!(
                        "`{key}` is not an official label of {}",
                        self.format.describe()
                    ),
                ),
            );
            let that = other_format(self.format);
            if let Some(best) = did_you_mean(key, official) {
                d = d.with_hint(tr(
                    format!("是不是 `{best}`？"),
                    format!("did you mean `{best}`?"),
                ));
            } else if labels::is_official(that, key) {
                d = d.with_hint(tr(
                    format!("这是{}的标签", that.describe_zh()),
                    format!("it is a label of {}", that.describe()),
                ));
            }
            self.out.push(d);
        }
    }

    /// A fixed-length array of cells, each of a given kind.
    fn cells(&mut self, v: &Value, path: &str, cells: &[Cell]) {
        let Some(items) = self.expect(v.as_array(), v, path, || {
            tr(
                format!("{} 个格子的数组", cells.len()),
                format!("an array of {} cells", cells.len()),
            )
        }) else {
            return;
        };
        if items.len() != cells.len() {
            self.error(
                Code::Shape,
                path,
                tr(
                    format!("应有 {} 格，实有 {} 格", cells.len(), items.len()),
                    format!("expected {} cells, found {}", cells.len(), items.len()),
                ),
            );
            return;
        }
        for (i, (item, cell)) in items.iter().zip(cells).enumerate() {
            self.cell(item, &pointer::push(path, &i.to_string()), *cell);
        }
    }

    /// A row of `min` counts (总计 computed) or `max` (总计 given).
    fn row(&mut self, v: &Value, path: &str, min: usize, max: usize) {
        let Some(items) = self.expect(v.as_array(), v, path, || {
            tr(
                format!("{min} 或 {max} 个数的数组"),
                format!("an array of {min} or {max} counts"),
            )
        }) else {
            return;
        };
        if items.len() != min && items.len() != max {
            let d = Diagnostic::error(
                Code::Shape,
                path,
                tr(
                    format!("这一行应有 {min} 或 {max} 个数，实有 {} 个", items.len()),
                    format!("expected {min} or {max} counts, found {}", items.len()),
                ),
            )
            .with_hint(tr(
                format!("写 {min} 个数，总计由程序算出；写 {max} 个数，最后一个是总计，会被核对"),
                format!("{min} values leave 总计 to be computed; {max} give it, and it is checked"),
            ));
            self.out.push(d);
            return;
        }
        for (i, item) in items.iter().enumerate() {
            self.cell(item, &pointer::push(path, &i.to_string()), Cell::Count);
        }
    }

    fn cell(&mut self, v: &Value, path: &str, cell: Cell) {
        let ok = match (cell, v) {
            (_, Value::Null) => true,
            (Cell::Count, Value::Number(n)) => n.as_u64().is_some(),
            (Cell::Signed, Value::Number(n)) => n.as_i64().is_some(),
            (Cell::Money, Value::Number(n)) => n.as_f64().is_some_and(|f| f >= 0.0),
            (Cell::Money, Value::String(_)) => {
                self.text(v, path, false);
                true
            }
            _ => false,
        };
        if !ok {
            let d = Diagnostic::error(Code::Shape, path, expected(cell.describe(), v));
            let d = match (cell, v) {
                (Cell::Count | Cell::Signed, Value::String(s))
                    if s.trim().parse::<i64>().is_ok() =>
                {
                    d.with_hint(tr(
                        format!("数字不要加引号：{}", s.trim()),
                        format!("write the number without quotes: {}", s.trim()),
                    ))
                }
                _ => d.with_hint(tr("空白格写 null", "use null for a blank cell")),
            };
            self.out.push(d);
            return;
        }
        // A count beyond any real report cannot be summed exactly.
        let too_big = match v {
            Value::Number(n) => n
                .as_i64()
                .map_or_else(|| n.as_u64().is_some(), |x| x.unsigned_abs() > MAX_COUNT),
            _ => false,
        };
        if too_big && cell != Cell::Money {
            self.error(
                Code::Limit,
                path,
                tr(
                    format!("{v} 太大了：一格最多 {MAX_COUNT}"),
                    format!("{v} is too large: a cell holds at most {MAX_COUNT}"),
                ),
            );
        }
    }

    /// （六）其他处理: one row in the 2019 format, three items in 2021.
    fn other_processing(&mut self, v: &Value, path: &str) {
        match (self.format, v) {
            (Format::F2019, Value::Object(_)) | (Format::F2021, Value::Array(_)) => {
                let (want_zh, want) = match self.format {
                    Format::F2019 => ("一行 6 或 7 个数", "one row of 6 or 7 counts"),
                    Format::F2021 => (
                        "含 no_correction、unpaid_fee、other 的对象",
                        "an object with no_correction, unpaid_fee and other",
                    ),
                };
                let that = other_format(self.format);
                let d = Diagnostic::error(
                    Code::WrongFormatKey,
                    path,
                    tr(
                        format!(
                            "（六）其他处理是{}的写法，而这份报告用的是{}，应写{want_zh}",
                            that.describe_zh(),
                            self.format.describe_zh()
                        ),
                        format!(
                            "（六）其他处理 has the shape of {}, but this report follows {}, which wants {want}",
                            that.describe(),
                            self.format.describe()
                        ),
                    ),
                )
                .with_hint(tr(
                    format!("或者写 \"format\": \"{}\"", that.as_str()),
                    format!("or set \"format\": \"{}\"", that.as_str()),
                ));
                self.out.push(d);
            }
            (Format::F2019, _) => self.row(v, path, 6, 7),
            (Format::F2021, _) => self.object(v, path, spec::OTHER_ITEMS, None),
        }
    }
}

fn other_format(f: Format) -> Format {
    match f {
        Format::F2019 => Format::F2021,
        Format::F2021 => Format::F2019,
    }
}

/// The largest count a cell holds: far beyond any real report, and small
/// enough that every sum of a table is exact.
pub const MAX_COUNT: u64 = 1_000_000_000_000;
