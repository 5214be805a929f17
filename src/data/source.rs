//! Reading a data file: bytes → text → JSON value.
//!
//! In: the file's bytes and a name for messages. Out: a
//! [`serde_json::Value`], or a diagnostic that says what is wrong and where:
//! a JSON syntax error with line and column, or an encoding problem. Chinese
//! Windows editors often save GBK/GB18030; such a file is refused with a
//! message saying so, never decoded into mojibake or guessed at.

use crate::diag::{Code, Diagnostic};
use serde_json::Value;

/// The largest data file accepted. A real report is a few kilobytes; this
/// leaves room for very long prose while bounding memory and time.
pub const MAX_DATA_BYTES: usize = 16 * 1024 * 1024;

/// Decodes and parses a data file's bytes.
pub fn parse_bytes(bytes: &[u8], name: &str) -> Result<Value, Diagnostic> {
    let text = decode(bytes, name)?;
    parse_text(text, name)
}

/// The text of a data file: UTF-8, with a leading BOM accepted and dropped.
pub fn decode<'b>(bytes: &'b [u8], name: &str) -> Result<&'b str, Diagnostic> {
    check_size(bytes.len(), name)?;
    decode_any_size(bytes, name)
}

/// Refuses a report's data longer than [`MAX_DATA_BYTES`].
pub fn check_size(len: usize, name: &str) -> Result<(), Diagnostic> {
    if len > MAX_DATA_BYTES {
        return Err(Diagnostic::input(
            Code::Limit,
            format!(
                "{name} is {len} bytes; the largest data file accepted is {MAX_DATA_BYTES} bytes"
            ),
        ));
    }
    Ok(())
}

/// [`decode`] without the size limit, for a batch file that holds many
/// reports (each report is held to the limit when it is read).
pub fn decode_any_size<'b>(bytes: &'b [u8], name: &str) -> Result<&'b str, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(
            Diagnostic::input(Code::Encoding, format!("{name} is UTF-16, not UTF-8"))
                .with_hint("save the file as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)"),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => Err(not_utf8(bytes, e.valid_up_to(), name)),
    }
}

/// Explains a non-UTF-8 file: where the first bad byte is, and whether the
/// whole file reads as GB18030 (the superset of GBK and GB2312).
fn not_utf8(bytes: &[u8], valid_up_to: usize, name: &str) -> Diagnostic {
    let (line, column) = line_column(&bytes[..valid_up_to]);
    let (_, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    let looks = if had_errors {
        "it is not UTF-8 and not GBK either".to_string()
    } else {
        "it looks like GBK/GB18030 (as Chinese Windows editors save it)".to_string()
    };
    Diagnostic::at_text(
        Code::Encoding,
        name,
        line,
        column,
        format!(
            "the file is not UTF-8 (byte 0x{:02X}): {looks}",
            bytes[valid_up_to]
        ),
    )
    .with_hint("save the file as UTF-8 (in Notepad: 另存为 → 编码 UTF-8; in WPS/Excel: UTF-8 文本)")
}

/// 1-based line and column (in characters) just after `prefix`.
fn line_column(prefix: &[u8]) -> (usize, usize) {
    let text = String::from_utf8_lossy(prefix);
    let line = text.matches('\n').count() + 1;
    let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Parses JSON text; a syntax error names its line and column.
pub fn parse_text(text: &str, name: &str) -> Result<Value, Diagnostic> {
    if text.trim().is_empty() {
        return Err(
            Diagnostic::input(Code::JsonSyntax, format!("{name} is empty"))
                .with_hint("`nianbao init` prints a blank data file to start from"),
        );
    }
    serde_json::from_str(text).map_err(|e| {
        let message = syntax_message(&e);
        // serde_json reports column 0 at the start of a line; columns count from 1.
        let d = Diagnostic::at_text(Code::JsonSyntax, name, e.line(), e.column().max(1), message);
        match e.classify() {
            serde_json::error::Category::Eof => {
                d.with_hint("the file ends too early: is it cut off, or is a } or ] missing?")
            }
            _ => d,
        }
    })
}

/// serde_json's message without its trailing " at line L column C", which
/// the location already carries.
fn syntax_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    };
    format!("invalid JSON: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Location;

    #[test]
    fn bom_is_dropped() {
        let v = parse_bytes(b"\xEF\xBB\xBF{\"a\": 1}", "x.json").expect("parses");
        assert_eq!(v["a"], 1);
    }

    #[test]
    fn gbk_is_named() {
        let (gbk, _, _) = encoding_rs::GBK.encode("{\"unit\": \"缑氏镇人民政府\"}");
        let d = parse_bytes(&gbk, "x.json").expect_err("refused");
        assert_eq!(d.code, Code::Encoding);
        assert!(d.message.contains("GBK"), "{}", d.message);
        assert_eq!(
            d.location,
            Location::Text {
                file: "x.json".into(),
                line: 1,
                column: 11
            }
        );
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let d = parse_bytes(b"{\n  \"a\": 1,\n  \"b\" 2\n}", "x.json").expect_err("refused");
        assert_eq!(d.code, Code::JsonSyntax);
        assert_eq!(
            d.location,
            Location::Text {
                file: "x.json".into(),
                line: 3,
                column: 7
            }
        );
        assert!(!d.message.contains("at line"), "{}", d.message);
    }

    #[test]
    fn truncated_file_hints_at_the_end() {
        let d = parse_bytes(b"{\"a\": [1, 2", "x.json").expect_err("refused");
        assert!(d
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("ends too early")));
    }
}
