//! Batch inputs: many reports from files, directories, arrays and JSON
//! Lines; shared defaults; output names.
//!
//! In: input paths, an optional defaults value and a name pattern. Out: a
//! list of [`Unit`]s (one per report, each with where it came from and its
//! data or the error that stopped it) and a safe, unique file name for
//! each. Rendering them is the caller's: the CLI runs them in parallel.

use crate::diag::{Code, Diagnostic, Diagnostics};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// One report of a batch.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The input it came from, as given.
    pub input: String,
    /// Its index in an array or JSON Lines file.
    pub index: Option<usize>,
    /// The data (defaults merged), or why it could not be read.
    pub data: Result<Value, Diagnostics>,
}

impl Unit {
    /// `INPUT` or `INPUT[#index]`, as messages name it.
    pub fn label(&self) -> String {
        match self.index {
            Some(i) => format!("{}[#{i}]", self.input),
            None => self.input.clone(),
        }
    }
}

/// Expands inputs into units: a directory gives its `*.json` files in
/// name order; a file holding a JSON array gives one unit per item; a
/// `.jsonl`/`.ndjson` file one per non-empty line; any other file one;
/// `-` reads standard input (JSON Lines when it holds several values).
/// An input that cannot be read at all is an error (a usage problem).
pub fn expand(inputs: &[String], defaults: Option<&Value>) -> Result<Vec<Unit>, Diagnostic> {
    let mut units = Vec::new();
    for input in inputs {
        let path = Path::new(input);
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| {
                    Diagnostic::input(Code::Io, format!("cannot read directory {input}: {e}"))
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
                .collect();
            files.sort();
            for f in files {
                units.extend(file_units(&f.display().to_string(), defaults)?);
            }
        } else {
            units.extend(file_units(input, defaults)?);
        }
    }
    Ok(units)
}

fn file_units(input: &str, defaults: Option<&Value>) -> Result<Vec<Unit>, Diagnostic> {
    if input == "-" {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Diagnostic::input(Code::Io, format!("cannot read standard input: {e}")))?;
        // A stream is JSON Lines when it holds more than one value.
        let lines = serde_json::Deserializer::from_slice(&bytes)
            .into_iter::<Value>()
            .nth(1)
            .is_some();
        return Ok(units_of("<stdin>", &bytes, defaults, lines));
    }
    let bytes = std::fs::read(input)
        .map_err(|e| Diagnostic::input(Code::Io, format!("cannot read {input}: {e}")))?;
    let lines = Path::new(input)
        .extension()
        .is_some_and(|e| e == "jsonl" || e == "ndjson");
    Ok(units_of(input, &bytes, defaults, lines))
}

/// The units of one input's bytes: JSON Lines, an array, or one report.
fn units_of(input: &str, bytes: &[u8], defaults: Option<&Value>, lines: bool) -> Vec<Unit> {
    let unit = |index, data: Result<Value, Diagnostics>| Unit {
        input: input.to_string(),
        index,
        data: data.map(|v| match defaults {
            Some(d) => merge(d, &v),
            None => v,
        }),
    };
    let text = match crate::data::decode(bytes, input) {
        Ok(t) => t,
        Err(d) => return vec![unit(None, Err(d.into()))],
    };
    if lines {
        return text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .enumerate()
            .map(|(index, (line_no, line))| {
                let parsed = serde_json::from_str(line).map_err(|e| {
                    let message = e.to_string();
                    let message = message.split(" at line ").next().unwrap_or("");
                    Diagnostics::from(Diagnostic::at_text(
                        Code::JsonSyntax,
                        input,
                        line_no + 1,
                        e.column().max(1),
                        format!("invalid JSON: {message}"),
                    ))
                });
                unit(Some(index), parsed)
            })
            .collect();
    }
    match crate::data::parse_text(text, input) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| unit(Some(i), Ok(v)))
            .collect(),
        Ok(v) => vec![unit(None, Ok(v))],
        Err(d) => vec![unit(None, Err(d.into()))],
    }
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
                format!("--name `{pattern}`: {}", e.reason()),
            )
        })?;
        Ok(NamePattern { hb })
    }

    /// The file name (without extension) for a report: the pattern's text
    /// made safe for every file system.
    pub fn name(&self, data: &Value) -> Result<String, Diagnostic> {
        let raw = self.hb.render("name", data).map_err(|e| {
            Diagnostic::input(Code::Template, format!("--name: {}", e.reason()))
                .with_hint("the pattern names a key the report does not have")
        })?;
        Ok(safe_file_name(&raw))
    }
}

/// A string made into a file name valid on Windows, macOS and Linux:
/// path separators, reserved and control characters become `_`, leading
/// and trailing dots and spaces go, reserved DOS names get a `_`, and the
/// name is cut to 150 bytes (file systems limit names to 255 bytes, and a
/// Chinese character takes three; the rest is room for the extension and
/// the temporary name used while writing).
pub fn safe_file_name(raw: &str) -> String {
    let mut s: String = raw
        .chars()
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
    fn file_names_are_safe() {
        assert_eq!(
            safe_file_name("缑氏镇/人民政府:2020?"),
            "缑氏镇_人民政府_2020_"
        );
        assert_eq!(safe_file_name(" ..con.. "), "_con");
        assert_eq!(safe_file_name(""), "report");
        assert_eq!(safe_file_name("a\u{0}b"), "a_b");
        assert!(safe_file_name(&"镇".repeat(100)).len() <= 150);
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
