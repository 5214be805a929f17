//! The 勾稽关系 checks (contract checks 1–4) and the prose warning.
//!
//! In: the [`Report`] as given and its [`Resolved`] form. Out: diagnostics,
//! each naming the rule, the JSON pointer of the checked cell and the
//! numbers, in the terms printed on the form. Blank cells add nothing to a
//! sum; a check whose checked cell is blank, or all of whose addends are
//! blank, is skipped (`formats/data-model.md`, "Cell values").

use super::model::{ApplicantRow, Count, Paragraph, Report, ReviewRow};
use super::resolve::{result_rows, sum, Resolved};
use crate::diag::{tr, Code, Diagnostic, Diagnostics};

/// The applicant columns of section 三, in printed order.
pub const APPLICANT_COLUMNS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

/// The result columns of each group of section 四.
pub const REVIEW_COLUMNS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// Runs checks 1–4 and the prose comparison.
///
/// One typo, one error: a row's 总计 that disagrees with its six columns
/// (check 3) is said first, at the cell typed, and the 总计-column
/// errors of checks 1 and 2 that it alone causes (the six columns
/// balance, only the 总计 column does not) are folded into its hint
/// rather than said again at cells the clerk never touched.
pub fn check(report: &Report, resolved: &Resolved) -> Diagnostics {
    let mut rows = Diagnostics::new();
    row_totals(report, &mut rows);
    let mut sums = Diagnostics::new();
    balance(resolved, &mut sums);
    result_total(resolved, &mut sums);
    let mut out = fold(rows, sums, resolved);
    review_totals(report, &mut out);
    prose(report, resolved, &mut out);
    out
}

/// Folds into the first row-total error each 总计-column error of checks
/// 1 and 2 that holds once every column is summed from the six applicant
/// columns: then only a 总计 cell disagrees, and the row-total error
/// already names it.
fn fold(mut rows: Diagnostics, sums: Diagnostics, r: &Resolved) -> Diagnostics {
    if rows.is_empty() {
        return sums;
    }
    let a = &r.applications;
    let six = |row: &super::resolve::Row7| sum(row[..6].iter().copied());
    let parts_balance =
        sum([six(&a.new), six(&a.carried_over)]) == sum([six(&a.total), six(&a.carried_forward)]);
    let parts_total = six(&a.total) == sum(a.result_rows().iter().map(|(_, _, row)| six(row)));
    let mut caused = Vec::new();
    let mut out = Diagnostics::new();
    for d in sums.0 {
        let total_column = matches!(&d.location,
            crate::diag::Location::Pointer { pointer } if pointer.ends_with("/6"));
        let follows = match d.code {
            Code::CheckBalance => parts_balance,
            Code::CheckResultTotal => parts_total,
            _ => false,
        };
        if total_column && follows {
            caused.push(d.message);
        } else {
            out.push(d);
        }
    }
    if let Some(first) = rows.0.first_mut() {
        let mut zh = "改正这一格的总计，或六类申请人中填错的那一格".to_string();
        let mut en = "correct this row's 总计, or the applicant column typed wrong".to_string();
        for m in &caused {
            zh.push_str(&format!(
                "；这一处还连带使「总计」列不平：{}（改正后随之消除）",
                m.zh
            ));
            en.push_str(&format!(
                "; it also unbalances the 总计 column: {} (cleared with it)",
                m.en
            ));
        }
        first.hint = Some(tr(zh, en));
    }
    rows.extend(out);
    rows
}

/// The value of a sum, or `None` when the check must be skipped: the
/// checked cell is blank, or every addend is.
fn compare(checked: Count, addends: impl IntoIterator<Item = Count>) -> Option<(u64, u64)> {
    Some((checked?, sum(addends)?))
}

/// Check 1, printed in the table itself: 第一项加第二项之和，等于第三项加
/// 第四项之和, i.e. 一 + 二 = （七）总计 + 四, per column. The pointer is the
/// 四、结转下年度 cell, the figure that balances the column; the hint names
/// all four cells.
fn balance(r: &Resolved, out: &mut Diagnostics) {
    let a = &r.applications;
    for (col, name) in APPLICANT_COLUMNS.iter().enumerate() {
        let (Some(left), Some(right)) = (
            sum([a.new[col], a.carried_over[col]]),
            sum([a.total[col], a.carried_forward[col]]),
        ) else {
            continue;
        };
        if left != right {
            let total = if a.total_given {
                "（七）总计"
            } else {
                "（七）总计（计算值）"
            };
            let (n, o, t, f) = (
                show(a.new[col]),
                show(a.carried_over[col]),
                show(a.total[col]),
                show(a.carried_forward[col]),
            );
            out.push(
                Diagnostic::error(
                    Code::CheckBalance,
                    format!("/applications/carried_forward/{col}"),
                    tr(
                        format!("{name}：第一项加第二项之和为 {left}，第三项加第四项之和为 {right}，不相等（一 {n} + 二 {o} ≠ （七）总计 {t} + 四 {f}）"),
                        format!("{name}: 一 + 二 is {left} but （七）总计 + 四 is {right} (一 {n} + 二 {o} ≠ （七）总计 {t} + 四 {f})"),
                    ),
                )
                .with_hint(tr(
                    format!("查看表三「{name}」这一列的四格：「一、本年新收政府信息公开申请数量」「二、上年结转政府信息公开申请数量」「{total}」「四、结转下年度继续办理」"),
                    format!("look at the four cells of column 「{name}」 of 表三: 「一、本年新收政府信息公开申请数量」, 「二、上年结转政府信息公开申请数量」, 「{total}」 and 「四、结转下年度继续办理」"),
                )),
            );
        }
    }
}

/// Check 2: （七）总计 = the sum of all result rows （一）…（六）, per column.
/// Only a given 总计 is checked; a computed one holds by construction.
fn result_total(r: &Resolved, out: &mut Diagnostics) {
    let a = &r.applications;
    if !a.total_given {
        return;
    }
    let rows = a.result_rows();
    for (col, name) in APPLICANT_COLUMNS.iter().enumerate() {
        let Some((total, items)) = compare(a.total[col], rows.iter().map(|(_, _, row)| row[col]))
        else {
            continue;
        };
        if total != items {
            out.push(Diagnostic::error(
                Code::CheckResultTotal,
                format!("/applications/total/{col}"),
                tr(
                    format!("（七）总计（{name}）为 {total}，但各项办理结果之和为 {items}"),
                    format!("（七）总计 ({name}) is {total}, but the results （一）–（六） add up to {items}"),
                ),
            ));
        }
    }
}

/// Check 3: the 总计 column = the sum of the six applicant columns, for
/// every row given with its 总计 (seven values).
fn row_totals(report: &Report, out: &mut Diagnostics) {
    let a = &report.applications;
    let mut rows: Vec<(String, &str, &ApplicantRow)> = vec![
        (
            "/applications/new".into(),
            "一、本年新收政府信息公开申请数量",
            &a.new,
        ),
        (
            "/applications/carried_over".into(),
            "二、上年结转政府信息公开申请数量",
            &a.carried_over,
        ),
    ];
    rows.extend(result_rows(
        &a.granted,
        &a.partially_granted,
        &a.withheld,
        &a.unavailable,
        &a.not_processed,
        &a.other,
    ));
    if let Some(t) = &a.total {
        rows.push(("/applications/total".into(), "（七）总计", t));
    }
    rows.push((
        "/applications/carried_forward".into(),
        "四、结转下年度继续办理",
        &a.carried_forward,
    ));
    for (path, label, row) in rows {
        if row.len() != 7 {
            continue;
        }
        if let Some((total, parts)) = compare(row[6], row[..6].iter().copied()) {
            if total != parts {
                out.push(Diagnostic::error(
                    Code::CheckRowTotal,
                    format!("{path}/6"),
                    tr(
                        format!("{label}：总计为 {total}，但六类申请人之和为 {parts}"),
                        format!("{label}: 总计 is {total}, but the six applicant columns add up to {parts}"),
                    ),
                ));
            }
        }
    }
}

/// Check 4: each group's 总计 in section 四 = 结果维持 + 结果纠正 + 其他结果
/// + 尚未审结, for every group given with its 总计 (five values).
fn review_totals(report: &Report, out: &mut Diagnostics) {
    let r = &report.review_litigation;
    let groups: [(&str, &str, &ReviewRow); 3] = [
        ("review", "行政复议", &r.review),
        (
            "litigation_direct",
            "行政诉讼（未经复议直接起诉）",
            &r.litigation_direct,
        ),
        (
            "litigation_after_review",
            "行政诉讼（复议后起诉）",
            &r.litigation_after_review,
        ),
    ];
    for (key, label, row) in groups {
        if row.len() != 5 {
            continue;
        }
        if let Some((total, parts)) = compare(row[4], row[..4].iter().copied()) {
            if total != parts {
                out.push(Diagnostic::error(
                    Code::CheckReviewTotal,
                    format!("/review_litigation/{key}/4"),
                    tr(
                        format!("{label}：总计为 {total}，但结果维持、结果纠正、其他结果、尚未审结之和为 {parts}"),
                        format!("{label}: 总计 is {total}, but 结果维持 + 结果纠正 + 其他结果 + 尚未审结 is {parts}"),
                    ),
                ));
            }
        }
    }
}

fn show(c: Count) -> String {
    c.map_or_else(|| "空".to_string(), |n| n.to_string())
}

/// What a figure in the prose is compared with.
struct Quoted {
    /// Words that must all occur in the clause.
    words: &'static [&'static str],
    what: &'static str,
    table: Count,
}

/// The prose warning: figures quoted in the text that disagree with the
/// tables, where they can be recognised. A clause (text between ，。；)
/// that speaks of receiving applications, of 行政复议 or of 行政诉讼 and
/// quotes "N件" (or "N起") is compared with the matching table total.
fn prose(report: &Report, r: &Resolved, out: &mut Diagnostics) {
    let rl = &r.review_litigation;
    let quoted = [
        Quoted {
            words: &["收到", "申请"],
            what: "一、本年新收政府信息公开申请数量（总计）",
            table: r.applications.new[6],
        },
        Quoted {
            words: &["行政复议"],
            what: "行政复议（总计）",
            table: rl.review[4],
        },
        Quoted {
            words: &["行政诉讼"],
            what: "行政诉讼（两类起诉的总计之和）",
            table: sum([rl.litigation_direct[4], rl.litigation_after_review[4]]),
        },
    ];
    let sections: [(&str, &[Paragraph]); 4] = [
        ("preamble", &report.preamble),
        ("overview", &report.overview),
        ("problems", &report.problems),
        ("other_matters", &report.other_matters),
    ];
    for (key, paras) in sections {
        for (i, p) in paras.iter().enumerate() {
            let (text, path) = match p {
                Paragraph::Text(t) => (t.as_str(), format!("/{key}/{i}")),
                Paragraph::Headed { text: Some(t), .. } => (t.as_str(), format!("/{key}/{i}/text")),
                Paragraph::Headed { .. } => continue,
            };
            for clause in text.split(['，', '。', '；', ',', ';', '！', '？']) {
                for (noun, n) in figures(clause) {
                    for q in &quoted {
                        let Some(table) = q.table else { continue };
                        if q.words.iter().all(|w| noun.contains(w)) && n != table {
                            out.push(Diagnostic::warning(
                                Code::ProseMismatch,
                                path.clone(),
                                tr(
                                    format!("正文写“{clause}”（{n}件），但表中{}为 {table}", q.what),
                                    format!("the text says “{clause}” ({n}), but the table's {} is {table}", q.what),
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
}

/// Each "N件" or "N起" of a clause (N in Arabic digits) with the words
/// that name it: the text since the figure before, so that in
/// `共有行政诉讼案件1件、行政复议案件2件` the 1 belongs to 行政诉讼 and the 2
/// to 行政复议, in either order.
fn figures(clause: &str) -> Vec<(String, u64)> {
    let chars: Vec<char> = clause.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut noun_start) = (0, 0);
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if matches!(chars.get(i), Some('件' | '起')) {
            let noun: String = chars[noun_start..start].iter().collect();
            if let Ok(n) = chars[start..i].iter().collect::<String>().parse() {
                out.push((noun, n));
            }
            noun_start = i + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_found_before_jian() {
        let f = |s| figures(s).into_iter().map(|(_, n)| n).collect::<Vec<_>>();
        assert_eq!(f("2020年我镇收到依申请公开申请事项1件"), [1]);
        assert_eq!(f("共受理行政复议12起"), [12]);
        assert!(f("2020年信息公开目录信息更新69条").is_empty());
    }

    #[test]
    fn each_figure_goes_with_the_noun_before_it() {
        let got = figures("共有行政诉讼案件1件、行政复议案件2件");
        assert!(got[0].0.contains("行政诉讼") && !got[0].0.contains("行政复议"));
        assert_eq!(got[0].1, 1);
        assert!(got[1].0.contains("行政复议") && !got[1].0.contains("行政诉讼"));
        assert_eq!(got[1].1, 2);
        let got = figures("收到政府信息公开申请5件、上年结转2件");
        assert!(got[0].0.contains("收到") && got[0].0.contains("申请"));
        assert!(!got[1].0.contains("申请"), "结转 is not 收到");
    }

    #[test]
    fn compare_skips_blanks() {
        assert_eq!(compare(None, [Some(1)]), None);
        assert_eq!(compare(Some(1), [None, None]), None);
        assert_eq!(compare(Some(1), [Some(1), None]), Some((1, 1)));
    }
}
