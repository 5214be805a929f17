//! Reading a data file: bytes → text → JSON value.
//!
//! In: the file's bytes and a name for messages. Out: a
//! [`serde_json::Value`], or a diagnostic that says what is wrong and where:
//! a JSON syntax error with line and column, or an encoding problem. Chinese
//! Windows editors often save GBK/GB18030; such a file is refused with a
//! message saying so, never decoded into mojibake or guessed at.

use super::strict::StrictError;
use crate::diag::{tr, Code, Diagnostic};
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
        return Err(too_large(name, Some(len as u64)));
    }
    Ok(())
}

/// A report's data over [`MAX_DATA_BYTES`]: its real size when known (a
/// file's, bytes in hand), else "more than" (a stream, a line of one).
/// The one message for this limit, wherever it is met.
pub fn too_large(name: &str, size: Option<u64>) -> Diagnostic {
    let mib = MAX_DATA_BYTES >> 20;
    let (zh, en) = match size {
        Some(n) => (
            format!("{name} 有 {n} 字节；一份数据文件最多 {mib} MiB"),
            format!("{name} is {n} bytes; a data file holds at most {mib} MiB"),
        ),
        None => (
            format!("{name} 超过 {mib} MiB；一份数据文件最多 {mib} MiB"),
            format!("{name} is more than {mib} MiB, the most a data file holds"),
        ),
    };
    Diagnostic::input(Code::Limit, tr(zh, en))
}

/// [`decode`] without the size limit, for a batch file that holds many
/// reports (each report is held to the limit when it is read).
pub fn decode_any_size<'b>(bytes: &'b [u8], name: &str) -> Result<&'b str, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if is_ole(bytes) {
        return Err(Diagnostic::input(
            Code::Encoding,
            tr(
                format!("{name} 是旧版 Excel/WPS 文件（.xls/.et），读不了"),
                format!("{name} is an old binary Excel/WPS file (.xls/.et), which cannot be read"),
            ),
        )
        .with_hint(tr(
            "在 Excel 或 WPS 里打开它，「另存为」Excel 工作簿（.xlsx）再试",
            "open it in Excel or WPS and save it as an Excel workbook (.xlsx)",
        )));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Diagnostic::input(
            Code::Encoding,
            tr(
                format!("{name} 是 UTF-16 编码，不是 UTF-8"),
                format!("{name} is UTF-16, not UTF-8"),
            ),
        )
        .with_hint(tr(
            "把文件另存为 UTF-8（记事本：另存为 → 编码 UTF-8）",
            "save the file as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)",
        )));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => Err(not_utf8(bytes, e.valid_up_to(), name, 1)),
    }
}

/// The text of line `line` (1-based) of a stream read a line at a time
/// (JSON Lines on standard input): UTF-8, or refused as a file is, the
/// bad byte named at its line and column in the stream.
pub fn decode_line<'b>(bytes: &'b [u8], name: &str, line: usize) -> Result<&'b str, Diagnostic> {
    std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e.valid_up_to(), name, line))
}

/// Whether bytes are an old binary Office file (`.xls`, `.et`, `.doc`:
/// an OLE compound file), which only Excel or WPS can turn into `.xlsx`.
pub(crate) fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Explains a non-UTF-8 file: where the first bad byte is, and whether the
/// whole file reads as GB18030 (the superset of GBK and GB2312). `first`
/// is the line number `bytes` start on.
fn not_utf8(bytes: &[u8], valid_up_to: usize, name: &str, first: usize) -> Diagnostic {
    // Up to the first bad byte the bytes are UTF-8.
    let before = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
    let (line, column) = crate::text::line_col(before, before.len());
    let line = line + first - 1;
    let (_, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    let (looks_zh, looks) = if had_errors {
        (
            "它既不是 UTF-8，也不是 GBK",
            "it is not UTF-8 and not GBK either",
        )
    } else {
        (
            "看起来是 GBK/GB18030 编码（中文 Windows 编辑器常这样保存）",
            "it looks like GBK/GB18030 (as Chinese Windows editors save it)",
        )
    };
    let byte = bytes[valid_up_to];
    Diagnostic::at_text(
        Code::Encoding,
        name,
        line,
        column,
        tr(
            format!("文件不是 UTF-8 编码（字节 0x{byte:02X}）：{looks_zh}"),
            format!("the file is not UTF-8 (byte 0x{byte:02X}): {looks}"),
        ),
    )
    .with_hint(tr(
        "把文件另存为 UTF-8（记事本：另存为 → 编码 UTF-8；WPS/Excel：UTF-8 文本）",
        "save the file as UTF-8 (in Notepad: 另存为 → 编码 UTF-8; in WPS/Excel: UTF-8 文本)",
    ))
}

/// Data that holds nothing but blanks: said once, wherever it came from.
pub fn empty(name: &str) -> Diagnostic {
    Diagnostic::input(
        Code::JsonSyntax,
        tr(format!("{name} 是空的"), format!("{name} is empty")),
    )
    .with_hint(tr(
        "`nianbao init` 会打印一份空白数据文件，可以从它开始填写",
        "`nianbao init` prints a blank data file to start from",
    ))
}

/// Parses JSON text; a syntax error names its line and column (in
/// characters, as editors count them), and says so when the cause is
/// punctuation typed on a Chinese keyboard (“ ” ： ， ［ ］ ｛ ｝). A key
/// given twice in one object is refused at its path.
pub fn parse_text(text: &str, name: &str) -> Result<Value, Diagnostic> {
    if text.trim().is_empty() {
        return Err(empty(name));
    }
    super::strict::from_str(text).map_err(|e| match e {
        StrictError::Syntax(e) => syntax_error(text, name, &e),
        StrictError::Duplicate { pointer, error } => {
            let key = pointer.rsplit('/').next().unwrap_or("").to_string();
            let (line, column) = char_position(text, error.line(), error.column());
            Diagnostic::error(
                Code::Shape,
                pointer,
                tr(
                    format!("键 `{key}` 在同一处写了两次（第二次在第{line}行第{column}列）"),
                    format!(
                        "the key `{key}` is given twice (again at line {line}, column {column})"
                    ),
                ),
            )
            .with_hint(tr(
                "删去其中一个：只有最后一个会被读到，前一个会被悄悄丢掉",
                "remove one of them: only the last would be read, the other silently lost",
            ))
        }
    })
}

/// A syntax error at its line and character column.
pub(crate) fn syntax_error(text: &str, name: &str, e: &serde_json::Error) -> Diagnostic {
    let (line, column) = char_position(text, e.line(), e.column());
    if let Some(d) = chinese_punctuation(text, name, line, column) {
        return d;
    }
    let raw = syntax_message(e);
    let d = Diagnostic::at_text(
        Code::JsonSyntax,
        name,
        line,
        column,
        tr(
            format!("第{line}行第{column}列：JSON 格式错误（{raw}）"),
            format!("invalid JSON: {raw}"),
        ),
    );
    match e.classify() {
        serde_json::error::Category::Eof => d.with_hint(tr(
            "文件提前结束了：是不是没保存完整，或少了 } 或 ]？",
            "the file ends too early: is it cut off, or is a } or ] missing?",
        )),
        _ => d,
    }
}

/// serde_json's position (1-based line, column in bytes, 0 at a line's
/// start) as a 1-based line and a column in characters.
fn char_position(text: &str, line: usize, byte_column: usize) -> (usize, usize) {
    let Some(l) = text.split('\n').nth(line.saturating_sub(1)) else {
        return (line.max(1), byte_column.max(1));
    };
    let mut end = byte_column.min(l.len());
    while !l.is_char_boundary(end) {
        end += 1;
    }
    (line.max(1), l[..end].chars().count().max(1))
}

/// Full-width marks a Chinese keyboard types where JSON wants ASCII, and
/// what JSON wants instead.
const FULL_WIDTH: &[(char, &str, &str)] = &[
    ('“', "中文引号", "\""),
    ('”', "中文引号", "\""),
    ('‘', "中文单引号", "\""),
    ('’', "中文单引号", "\""),
    ('：', "中文冒号", ":"),
    ('，', "中文逗号", ","),
    ('｛', "全角大括号", "{"),
    ('｝', "全角大括号", "}"),
    ('［', "全角方括号", "["),
    ('］', "全角方括号", "]"),
    ('【', "中文方括号", "["),
    ('】', "中文方括号", "]"),
];

/// When the character at (or just before) the error is a full-width mark
/// outside any string, the error says which and what JSON needs there.
fn chinese_punctuation(text: &str, name: &str, line: usize, column: usize) -> Option<Diagnostic> {
    let l = text.split('\n').nth(line - 1)?;
    let chars: Vec<char> = l.chars().collect();
    // serde_json stops on the bad character or just after it.
    let candidates = [column.checked_sub(1), Some(column), column.checked_sub(2)];
    let (at, c, what, ascii) = candidates.into_iter().flatten().find_map(|k| {
        let c = *chars.get(k)?;
        FULL_WIDTH
            .iter()
            .find(|(f, _, _)| *f == c)
            .map(|&(_, what, ascii)| (k + 1, c, what, ascii))
    })?;
    Some(
        Diagnostic::at_text(
            Code::JsonSyntax,
            name,
            line,
            at,
            tr(
                format!("第{line}行第{at}列：这里是{what}{c}，JSON 需要英文{}", english(ascii)),
                format!("line {line}, column {at}: a full-width {c} where JSON needs the ASCII {ascii}"),
            ),
        )
        .with_hint(tr(
            format!("切换到英文输入法，把 {c} 改成 {ascii}（键名和文字两边的引号、冒号、逗号、括号都要用英文标点）"),
            format!("switch the keyboard to English and type {ascii} instead of {c} (the quotes, colons, commas and brackets of JSON are ASCII)"),
        )),
    )
}

/// The ASCII mark's name in Chinese, with the mark.
fn english(ascii: &str) -> String {
    let name = match ascii {
        "\"" => "引号",
        ":" => "冒号",
        "," => "逗号",
        "{" | "}" => "大括号",
        _ => "方括号",
    };
    format!("{name} {ascii}")
}

/// serde_json's message without its trailing " at line L column C", which
/// the location already carries.
fn syntax_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    }
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
            .as_ref()
            .is_some_and(|h| h.en.contains("ends too early")));
    }

    #[test]
    fn columns_count_characters() {
        // 500 Chinese characters, then the error: column 510, not byte 1510.
        let text = format!("{{\"unit\": \"{}\" \"year\": 2020}}", "镇".repeat(500));
        let d = parse_text(&text, "x.json").expect_err("refused");
        let Location::Text { column, .. } = d.location else {
            panic!("{d}")
        };
        // On the quote that opens "year", the 513th character.
        let byte = text.find("\"year").expect("year");
        assert_eq!(column, text[..byte].chars().count() + 1);
        assert_eq!(column, 513);
    }

    #[test]
    fn chinese_keyboard_punctuation_is_named() {
        let cases = [
            ("{“unit”: \"x\"}", '“', "引号"),
            ("{\n  \"year\"：2020}", '：', "冒号"),
            ("{\"year\": 2020，\"unit\": \"x\"}", '，', "逗号"),
            ("［1, 2]", '［', "方括号"),
        ];
        for (text, c, word) in cases {
            let d = parse_text(text, "x.json").expect_err("refused");
            assert_eq!(d.code, Code::JsonSyntax);
            assert!(
                d.message.zh.contains(c) && d.message.zh.contains(word),
                "{d}"
            );
            let Location::Text { line, column, .. } = d.location else {
                panic!("{d}")
            };
            let at = text
                .split('\n')
                .nth(line - 1)
                .expect("line")
                .chars()
                .nth(column - 1);
            assert_eq!(at, Some(c), "{text}: the column points at the mark");
        }
    }

    #[test]
    fn a_duplicate_key_is_refused() {
        let d = parse_text("{\"unit\": \"甲镇\",\n \"unit\": \"乙镇\"}", "x.json")
            .expect_err("refused");
        assert_eq!(d.code, Code::Shape);
        assert_eq!(
            d.location,
            Location::Pointer {
                pointer: "/unit".into()
            }
        );
    }
}
