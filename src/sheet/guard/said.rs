//! What the workbook guard says: each refusal of [`super::check`] as a
//! diagnostic that names the workbook, the part and, where there is one,
//! the cell.
//!
//! In: the workbook's name, the part, the cell and what is wrong. Out: a
//! `limit` diagnostic for a bound passed, a `shape` one for a part a
//! reader would choke on, a `json-syntax` one for a zip or XML that cannot
//! be read at all; each with a hint for the clerk.

use super::CELL_CHARS;
use crate::diag::{tr, Code, Diagnostic};

pub(in crate::sheet) fn unreadable(name: &str, e: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::input(
        Code::JsonSyntax,
        tr(
            format!("{name} 不是可读的 Excel 工作簿（.xlsx）：{e}"),
            format!("{name} is not a readable workbook (.xlsx): {e}"),
        ),
    )
}

pub(super) fn corrupt(name: &str, part: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::input(
        Code::JsonSyntax,
        tr(
            format!("{name} 的部件 {part} 解压失败（文件已损坏）：{e}"),
            format!("{name}: the part {part} cannot be inflated (the file is damaged): {e}"),
        ),
    )
}

pub(super) fn bad_xml(name: &str, part: &str, e: &quick_xml::Error) -> Diagnostic {
    if let quick_xml::Error::Io(io) = e {
        return corrupt(name, part, io);
    }
    Diagnostic::input(
        Code::JsonSyntax,
        tr(
            format!("{name} 的部件 {part} 不是合格的 XML：{e}"),
            format!("{name}: the part {part} is not well-formed XML: {e}"),
        ),
    )
}

pub(super) fn limit(name: &str, zh: String, en: String) -> Diagnostic {
    Diagnostic::input(
        Code::Limit,
        tr(
            format!("工作簿 {name} {zh}"),
            format!("the workbook {name} {en}"),
        ),
    )
}

pub(super) fn too_big(name: &str, part: &str, max: u64) -> Diagnostic {
    limit(
        name,
        format!("的部件 {part} 解压后超过 {} MiB", max >> 20),
        format!("has a part {part} larger than {} MiB inflated", max >> 20),
    )
    .with_hint(tr(
        "这不是正常的报告工作簿（可能是压缩炸弹）；请用 Excel 或 WPS 另存一份再试",
        "this is not an ordinary report workbook (perhaps a zip bomb); save a fresh copy from Excel or WPS",
    ))
}

pub(super) fn total_too_big(name: &str, max: u64) -> Diagnostic {
    limit(
        name,
        format!("解压后超过 {} MiB", max >> 20),
        format!("is larger than {} MiB inflated", max >> 20),
    )
}

pub(super) fn malformed(name: &str, part: &str, addr: &str, zh: &str, en: &str) -> Diagnostic {
    let mut d = Diagnostic::input(
        Code::Shape,
        tr(
            format!("{name} 的部件 {part} 已损坏：{zh}"),
            format!("{name}: the part {part} is damaged: {en}"),
        ),
    )
    .with_hint(tr(
        "用 Excel 或 WPS 打开后另存一份再试",
        "open it in Excel or WPS, save a fresh copy and try again",
    ));
    if !addr.is_empty() {
        d.place = Some(format!("{part}!{addr}"));
    }
    d
}

pub(super) fn bad_ref(name: &str, part: &str, r: &str) -> Diagnostic {
    malformed(
        name,
        part,
        "",
        &format!("单元格地址「{r}」超出 Excel 的表格范围"),
        &format!("the cell address 「{r}」 is outside Excel's grid"),
    )
}

pub(super) fn empty_string(name: &str, part: &str, i: u64) -> Diagnostic {
    malformed(
        name,
        part,
        "",
        &format!("第 {} 个共享字符串没有文字", i + 1),
        &format!("shared string {} has no text", i + 1),
    )
}

pub(super) fn long_string(name: &str, part: &str, i: u64) -> Diagnostic {
    limit(
        name,
        format!(
            "的部件 {part} 第 {} 个共享字符串超过一格能放的 {CELL_CHARS} 个字符",
            i + 1
        ),
        format!(
            "{part}: shared string {} is longer than the {CELL_CHARS} characters a cell holds",
            i + 1
        ),
    )
}
