//! The check across years: this year's report against last year's of the
//! same unit.
//!
//! In: this year's checked report and last year's. Out: warnings (code
//! `check-carryover`), each at this year's cell and naming both values
//! and both years:
//! - 表三: this year's 二、上年结转政府信息公开申请数量 must equal last
//!   year's 四、结转下年度继续办理, column by column (the applications
//!   carried forward are the ones carried over);
//! - 表二, where both years use the 2019–2020 format: this year's
//!   上一年项目数量 must equal last year's 上一年项目数量 plus its 本年增/减,
//!   row by row (行政许可, 其他对外管理服务事项, 行政处罚, 行政强制,
//!   行政事业性收费).
//!
//! A blank cell on either side is not compared. Reports that are not of
//! consecutive years, or not of the same unit, are said to be so once,
//! and not compared.

use super::checks::APPLICANT_COLUMNS;
use super::model::{ActiveDisclosure, Count, Signed};
use super::Checked;
use crate::diag::{tr, Code, Diagnostic, Diagnostics};

/// This year's report against last year's.
pub fn check(this: &Checked, last: &Checked) -> Diagnostics {
    let (now, then) = (&this.resolved, &last.resolved);
    let mut out = Diagnostics::new();
    // Not last year's report of this unit: said once, nothing compared.
    let apart = if then.year + 1 != now.year {
        Some((
            "/year",
            format!(
                "上年报告是 {} 年的，本报告是 {} 年的：不是相邻两年",
                then.year, now.year
            ),
            format!(
                "last year's report is for {}, this one for {}: not consecutive years",
                then.year, now.year
            ),
        ))
    } else if !same_unit(&then.unit, &now.unit) {
        Some((
            "/unit",
            format!(
                "上年报告的单位是「{}」，本报告是「{}」：不是同一单位",
                then.unit, now.unit
            ),
            format!(
                "last year's report is of 「{}」, this one of 「{}」: not the same unit",
                then.unit, now.unit
            ),
        ))
    } else {
        None
    };
    if let Some((pointer, zh, en)) = apart {
        out.push(Diagnostic::warning(
            Code::CheckCarryover,
            pointer,
            tr(
                format!("{zh}，没有比对结转数"),
                format!("{en}, so nothing was compared"),
            ),
        ));
        return out;
    }
    let (y0, y1) = (then.year, now.year);
    for (col, name) in APPLICANT_COLUMNS.iter().enumerate() {
        let (Some(was), Some(is)) = (
            then.applications.carried_forward[col],
            now.applications.carried_over[col],
        ) else {
            continue;
        };
        if was != is {
            out.push(Diagnostic::warning(
                Code::CheckCarryover,
                format!("/applications/carried_over/{col}"),
                tr(
                    format!("{y1} 年的「二、上年结转政府信息公开申请数量」（{name}）为 {is}，但 {y0} 年报告的「四、结转下年度继续办理」为 {was}"),
                    format!("{y1}'s carried-over applications ({name}) are {is}, but {y0}'s report carried {was} forward"),
                ),
            ));
        }
    }
    if let (ActiveDisclosure::F2019(a), ActiveDisclosure::F2019(b)) =
        (&then.active_disclosure, &now.active_disclosure)
    {
        let rows: [(&str, &str, (Count, Signed), Count); 5] = [
            (
                "licensing",
                "行政许可",
                (a.licensing.0, a.licensing.1),
                b.licensing.0,
            ),
            (
                "other_services",
                "其他对外管理服务事项",
                (a.other_services.0, a.other_services.1),
                b.other_services.0,
            ),
            (
                "punishment",
                "行政处罚",
                (a.punishment.0, a.punishment.1),
                b.punishment.0,
            ),
            (
                "coercion",
                "行政强制",
                (a.coercion.0, a.coercion.1),
                b.coercion.0,
            ),
            ("fees", "行政事业性收费", (a.fees.0, a.fees.1), b.fees.0),
        ];
        for (key, label, (prev, change), now_prev) in rows {
            let (Some(prev), Some(change), Some(is)) = (prev, change, now_prev) else {
                continue;
            };
            let want = i128::from(prev) + i128::from(change);
            if want != i128::from(is) {
                out.push(Diagnostic::warning(
                    Code::CheckCarryover,
                    format!("/active_disclosure/{key}/0"),
                    tr(
                        format!("{y1} 年「{label}」的上一年项目数量为 {is}，但 {y0} 年报告为 {prev}、本年增/减 {change:+}，应为 {want}"),
                        format!("{y1}'s {label} previous-year count is {is}, but {y0}'s report gives {prev} and a change of {change:+}: {want}"),
                    ),
                ));
            }
        }
    }
    super::name_places(&mut out, now.format);
    out
}

/// Whether two unit names are one unit: compared without white space (a
/// clerk may type 城关镇 人民政府 one year and 城关镇人民政府 the next).
pub fn same_unit(a: &str, b: &str) -> bool {
    a.chars()
        .filter(|c| !c.is_whitespace())
        .eq(b.chars().filter(|c| !c.is_whitespace()))
}
