//! Output names: a pattern over the report's data → a file name that is
//! safe on every file system and unique within a run.
//!
//! In: a `--name` pattern (Handlebars, e.g. `{{unit}}-{{year}}`) and each
//! report's data. Out: the file name without extension, made safe
//! ([`safe_file_name`]), or why there is none: the pattern is malformed or
//! names a key the contract lacks (said once, before any report is read),
//! the report lacks a key it names, or an earlier report of the run took
//! the name ([`Names::claim`], compared without case as Windows and macOS
//! do), so that no output overwrites another.

use crate::diag::{tr, Code, Diagnostic};
use serde_json::Value;
use std::collections::HashMap;

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
    for tag in crate::template::tags::tags(pattern) {
        let Some(inner) = tag.inner else { continue };
        let inner = inner.trim_end_matches(|c: char| c == '}' || c == '~' || c.is_whitespace());
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

/// The names a run has given out, each with the report that took it.
#[derive(Debug, Default)]
pub struct Names {
    taken: HashMap<String, String>,
}

impl Names {
    /// No names taken.
    pub fn new() -> Names {
        Names::default()
    }

    /// Takes `name` for the report `label`, or says which report has it.
    pub fn claim(&mut self, name: String, label: &str) -> Result<String, Diagnostic> {
        let key = name.to_lowercase();
        if let Some(first) = self.taken.get(&key) {
            return Err(Diagnostic::input(
                Code::Output,
                tr(
                    format!("输出文件名 `{name}` 已被 {first} 占用；这份没有写出"),
                    format!("output name `{name}` is already taken by {first}; nothing written"),
                ),
            )
            .with_hint(tr(
                "两份报告的单位和年份相同：若是重复的，删去一份；否则用 --name 加上区分它们的内容，如 \"{{unit}}-{{year}}-{{signature.date}}\"",
                "two reports share unit and year: if one is a duplicate, remove it; else give --name something that tells them apart, e.g. \"{{unit}}-{{year}}-{{signature.date}}\"",
            )));
        }
        self.taken.insert(key, label.to_string());
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
