//! A JSON pointer in the form's own words, for a clerk who knows the
//! printed table, not the data file's keys.
//!
//! In: a pointer into a report (`/applications/new/0`) and the report's
//! format. Out: the place as printed, `表三「一、本年新收政府信息公开申请数量」×「自然人」`,
//! or `None` for a pointer that names no section or cell. The row names
//! come from the contract's own table ([`super::spec`], each key's `what`);
//! the column names are the printed headers of `formats/tables.md`.

use super::checks::{APPLICANT_COLUMNS, REVIEW_COLUMNS};
use super::model::Format;
use super::spec::{self, Field, Kind};

/// The columns of a row of section 二, by key, as printed.
fn active_columns(format: Format, key: &str) -> &'static [&'static str] {
    match (format, key) {
        (Format::F2019, "rules" | "normative_documents") => {
            &["本年新制作数量", "本年新公开数量", "对外公开总数量"]
        }
        (Format::F2019, "licensing" | "other_services" | "punishment" | "coercion") => {
            &["上一年项目数量", "本年增/减", "处理决定数量"]
        }
        (Format::F2019, "fees") => &["上一年项目数量", "本年增/减"],
        (Format::F2019, "procurement") => &["采购项目数量", "采购总金额"],
        (Format::F2021, "rules" | "normative_documents") => {
            &["本年制发件数", "本年废止件数", "现行有效件数"]
        }
        (Format::F2021, "fees") => &["本年收费金额（单位：万元）"],
        (Format::F2021, _) => &["本年处理决定数量"],
        _ => &[],
    }
}

/// The place a pointer names, in the printed words, if any.
pub fn describe(pointer: &str, format: Format) -> Option<String> {
    let parts: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (first, rest) = parts.split_first()?;
    let top = spec::TOP.iter().find(|f| f.key == first)?;
    match first.as_str() {
        "active_disclosure" => {
            let fields = match format {
                Format::F2019 => spec::AD_2019,
                Format::F2021 => spec::AD_2021,
            };
            let (row, rest) = rest.split_first()?;
            let field = find(fields, row)?;
            let columns = active_columns(format, row);
            Some(cell("表二", &[field.what], rest.first(), columns))
        }
        "applications" => {
            let mut rows = Vec::new();
            let mut fields = spec::APPLICATIONS;
            let mut rest = rest;
            while let Some((key, more)) = rest.split_first() {
                let Some(field) = find(fields, key) else {
                    break;
                };
                rows.push(field.what);
                rest = more;
                match field.kind {
                    Kind::Object(inner) => fields = inner,
                    Kind::OtherProcessing if format == Format::F2021 => {
                        fields = spec::OTHER_ITEMS;
                    }
                    _ => break,
                }
            }
            if rows.is_empty() {
                return Some(format!("「{}」", top.what));
            }
            Some(cell("表三", &rows, rest.first(), &APPLICANT_COLUMNS))
        }
        "review_litigation" => {
            let Some((row, rest)) = rest.split_first() else {
                return Some(format!("「{}」", top.what));
            };
            let field = find(spec::REVIEW_LITIGATION, row)?;
            Some(cell("表四", &[field.what], rest.first(), &REVIEW_COLUMNS))
        }
        "preamble" | "overview" | "problems" | "other_matters" => {
            // A paragraph by its number, as a clerk counts them.
            let Some(n) = rest.first().and_then(|i| i.parse::<usize>().ok()) else {
                return Some(format!("「{}」", top.what));
            };
            let part = match rest.get(1).map(String::as_str) {
                Some("heading") => "的小标题",
                Some("text") => "的正文",
                _ => "",
            };
            Some(format!("「{}」第 {} 段{part}", top.what, n + 1))
        }
        _ => Some(format!("「{}」", top.what)),
    }
}

fn find<'a>(fields: &'a [Field], key: &str) -> Option<&'a Field> {
    fields.iter().find(|f| f.key == key)
}

/// `表三「row · row」×「column」`, the column when the index names one.
fn cell(table: &str, rows: &[&str], index: Option<&String>, columns: &[&str]) -> String {
    let row = rows.join(" · ");
    match index
        .and_then(|i| i.parse::<usize>().ok())
        .and_then(|i| columns.get(i))
    {
        Some(col) => format!("{table}「{row}」×「{col}」"),
        None => format!("{table}「{row}」"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_printed() {
        let f = Format::F2019;
        assert_eq!(
            describe("/applications/new/0", f).as_deref(),
            Some("表三「一、本年新收政府信息公开申请数量」×「自然人」")
        );
        assert_eq!(
            describe("/applications/withheld/state_secret/6", f).as_deref(),
            Some("表三「（三）不予公开 · 1.属于国家秘密」×「总计」")
        );
        assert_eq!(
            describe("/applications/other/unpaid_fee/1", Format::F2021).as_deref(),
            Some("表三「（六）其他处理 · 2.申请人逾期未按收费通知要求缴纳费用」×「商业企业」")
        );
        assert_eq!(
            describe("/review_litigation/litigation_after_review/4", f).as_deref(),
            Some("表四「行政诉讼 · 复议后起诉」×「总计」")
        );
        assert_eq!(
            describe("/active_disclosure/licensing/1", f).as_deref(),
            Some("表二「行政许可」×「本年增/减」")
        );
        assert_eq!(
            describe("/active_disclosure/fees", Format::F2021).as_deref(),
            Some("表二「行政事业性收费」")
        );
        assert_eq!(
            describe("/overview/2", f).as_deref(),
            Some("「一、总体情况」第 3 段")
        );
        assert_eq!(describe("/nonsense/1", f), None);
        assert_eq!(describe("", f), None);
    }
}
