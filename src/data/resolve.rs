//! Computed cells: a shape-checked [`Report`] → a [`Resolved`] report in
//! which every table cell is filled in or explicitly blank.
//!
//! In: a [`Report`]. Out: a [`Resolved`] (what templates receive) and the
//! warnings resolution raises (unknown heading numbering, odd dates). Rows
//! of six applicant counts get their 总计; rows of four review results get
//! theirs; an omitted （七）总计 is summed from the result rows. A sum over
//! only blank cells stays blank (`formats/data-model.md`, "Cell values").

use super::model::*;
use crate::diag::{tr, Code, Diagnostic, Diagnostics};
use serde::Serialize;
use std::collections::BTreeMap;

/// A section 三 row with its 总计: seven cells.
pub type Row7 = [Count; 7];
/// A section 四 group with its 总计: five cells.
pub type Row5 = [Count; 5];

/// Sums cells; blank cells add nothing, and a sum of only blanks is blank.
pub fn sum(cells: impl IntoIterator<Item = Count>) -> Count {
    cells
        .into_iter()
        .flatten()
        .fold(None, |acc, n| Some(acc.unwrap_or(0).saturating_add(n)))
}

/// A row of `N - 1` or `N` cells → `N` cells, the last the total.
fn complete<const N: usize>(row: &[Count]) -> [Count; N] {
    let mut out = [None; N];
    for (o, c) in out.iter_mut().zip(row) {
        *o = *c;
    }
    if row.len() < N {
        out[N - 1] = sum(row.iter().copied());
    }
    out
}

impl<R> Withheld<R> {
    /// Items 1–8 as (key, printed label, row).
    pub fn items(&self) -> [(&'static str, &'static str, &R); 8] {
        [
            ("state_secret", "1.属于国家秘密", &self.state_secret),
            (
                "prohibited_by_law",
                "2.其他法律行政法规禁止公开",
                &self.prohibited_by_law,
            ),
            (
                "security_stability",
                "3.危及“三安全一稳定”",
                &self.security_stability,
            ),
            (
                "third_party_rights",
                "4.保护第三方合法权益",
                &self.third_party_rights,
            ),
            (
                "internal_affairs",
                "5.属于三类内部事务信息",
                &self.internal_affairs,
            ),
            (
                "process_information",
                "6.属于四类过程性信息",
                &self.process_information,
            ),
            (
                "enforcement_files",
                "7.属于行政执法案卷",
                &self.enforcement_files,
            ),
            ("query_matters", "8.属于行政查询事项", &self.query_matters),
        ]
    }

    fn map<S>(&self, f: impl Fn(&R) -> S) -> Withheld<S> {
        Withheld {
            state_secret: f(&self.state_secret),
            prohibited_by_law: f(&self.prohibited_by_law),
            security_stability: f(&self.security_stability),
            third_party_rights: f(&self.third_party_rights),
            internal_affairs: f(&self.internal_affairs),
            process_information: f(&self.process_information),
            enforcement_files: f(&self.enforcement_files),
            query_matters: f(&self.query_matters),
        }
    }
}

impl<R> Unavailable<R> {
    /// Items 1–3 as (key, printed label, row).
    pub fn items(&self) -> [(&'static str, &'static str, &R); 3] {
        [
            ("not_held", "1.本机关不掌握相关政府信息", &self.not_held),
            (
                "needs_creation",
                "2.没有现成信息需要另行制作",
                &self.needs_creation,
            ),
            (
                "still_unclear",
                "3.补正后申请内容仍不明确",
                &self.still_unclear,
            ),
        ]
    }

    fn map<S>(&self, f: impl Fn(&R) -> S) -> Unavailable<S> {
        Unavailable {
            not_held: f(&self.not_held),
            needs_creation: f(&self.needs_creation),
            still_unclear: f(&self.still_unclear),
        }
    }
}

impl<R> NotProcessed<R> {
    /// Items 1–5 as (key, printed label, row).
    pub fn items(&self) -> [(&'static str, &'static str, &R); 5] {
        [
            ("complaints", "1.信访举报投诉类申请", &self.complaints),
            ("repeated", "2.重复申请", &self.repeated),
            ("publications", "3.要求提供公开出版物", &self.publications),
            ("excessive", "4.无正当理由大量反复申请", &self.excessive),
            (
                "confirmation",
                "5.要求行政机关确认或重新出具已获取信息",
                &self.confirmation,
            ),
        ]
    }

    fn map<S>(&self, f: impl Fn(&R) -> S) -> NotProcessed<S> {
        NotProcessed {
            complaints: f(&self.complaints),
            repeated: f(&self.repeated),
            publications: f(&self.publications),
            excessive: f(&self.excessive),
            confirmation: f(&self.confirmation),
        }
    }
}

impl<R> OtherProcessing<R> {
    /// The row or items 1–3 as (JSON pointer suffix, printed label, row).
    pub fn items(&self) -> Vec<(&'static str, &'static str, &R)> {
        match self {
            OtherProcessing::Row(r) => vec![("", "（六）其他处理", r)],
            OtherProcessing::Items(i) => vec![
                (
                    "/no_correction",
                    "（六）其他处理 1.申请人无正当理由逾期不补正",
                    &i.no_correction,
                ),
                (
                    "/unpaid_fee",
                    "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用",
                    &i.unpaid_fee,
                ),
                ("/other", "（六）其他处理 3.其他", &i.other),
            ],
        }
    }

    fn map<S>(&self, f: impl Fn(&R) -> S) -> OtherProcessing<S> {
        match self {
            OtherProcessing::Row(r) => OtherProcessing::Row(f(r)),
            OtherProcessing::Items(i) => OtherProcessing::Items(OtherItems {
                no_correction: f(&i.no_correction),
                unpaid_fee: f(&i.unpaid_fee),
                other: f(&i.other),
            }),
        }
    }
}

/// Every result row of section 三 (（一）…（六）), as (JSON pointer,
/// printed label, row), in printed order. Both the input rows and the
/// resolved rows use it, so the list exists once.
pub fn result_rows<'a, R>(
    granted: &'a R,
    partially_granted: &'a R,
    withheld: &'a Withheld<R>,
    unavailable: &'a Unavailable<R>,
    not_processed: &'a NotProcessed<R>,
    other: &'a OtherProcessing<R>,
) -> Vec<(String, &'static str, &'a R)> {
    let base = "/applications";
    let mut rows = vec![
        (format!("{base}/granted"), "（一）予以公开", granted),
        (
            format!("{base}/partially_granted"),
            "（二）部分公开",
            partially_granted,
        ),
    ];
    for (k, label, r) in withheld.items() {
        rows.push((format!("{base}/withheld/{k}"), label, r));
    }
    for (k, label, r) in unavailable.items() {
        rows.push((format!("{base}/unavailable/{k}"), label, r));
    }
    for (k, label, r) in not_processed.items() {
        rows.push((format!("{base}/not_processed/{k}"), label, r));
    }
    for (k, label, r) in other.items() {
        rows.push((format!("{base}/other{k}"), label, r));
    }
    rows
}

/// Section 三 with every row complete.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedApplications {
    /// 一、本年新收政府信息公开申请数量.
    pub new: Row7,
    /// 二、上年结转政府信息公开申请数量.
    pub carried_over: Row7,
    /// （一）予以公开.
    pub granted: Row7,
    /// （二）部分公开.
    pub partially_granted: Row7,
    /// （三）不予公开, items 1–8.
    pub withheld: Withheld<Row7>,
    /// （四）无法提供, items 1–3.
    pub unavailable: Unavailable<Row7>,
    /// （五）不予处理, items 1–5.
    pub not_processed: NotProcessed<Row7>,
    /// （六）其他处理.
    pub other: OtherProcessing<Row7>,
    /// （七）总计, given or computed.
    pub total: Row7,
    /// Whether `total` was given in the data (and so is checked) or computed.
    pub total_given: bool,
    /// 四、结转下年度继续办理.
    pub carried_forward: Row7,
}

impl ResolvedApplications {
    /// Every result row （一）…（六） as (JSON pointer, printed label, row).
    pub fn result_rows(&self) -> Vec<(String, &'static str, &Row7)> {
        result_rows(
            &self.granted,
            &self.partially_granted,
            &self.withheld,
            &self.unavailable,
            &self.not_processed,
            &self.other,
        )
    }
}

/// Section 四 with every group complete.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedReview {
    /// 行政复议.
    pub review: Row5,
    /// 行政诉讼 · 未经复议直接起诉.
    pub litigation_direct: Row5,
    /// 行政诉讼 · 复议后起诉.
    pub litigation_after_review: Row5,
}

/// A paragraph as templates see it: always an object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Para {
    /// The run-in heading, if any.
    pub heading: Option<String>,
    /// 1 for 一、, 2 for （一）, 3 for 1., 4 for （1）; set with `heading`.
    pub level: Option<u8>,
    /// The body text; absent for a heading on its own line.
    pub text: Option<String>,
}

/// The closing block, date in the form GB/T 9704 7.3.5 wants.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedSignature {
    /// 署名.
    pub unit: String,
    /// 成文日期, as `2021年1月20日`.
    pub date: String,
}

/// A report as templates receive it: every value present or explicitly
/// blank, every total computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resolved {
    /// The official format followed.
    pub format: Format,
    /// The reporting body.
    pub unit: String,
    /// The reported year.
    pub year: i64,
    /// The title lines.
    pub title: Vec<String>,
    /// Whether the data gave the title (else it is the default one, which
    /// a template may break after the unit name).
    pub title_given: bool,
    /// Text before section 一.
    pub preamble: Vec<Para>,
    /// 一、总体情况.
    pub overview: Vec<Para>,
    /// 二、主动公开政府信息情况 (as given: every cell present).
    pub active_disclosure: ActiveDisclosure,
    /// 三、收到和处理政府信息公开申请情况.
    pub applications: ResolvedApplications,
    /// 四、政府信息公开行政复议、行政诉讼情况.
    pub review_litigation: ResolvedReview,
    /// 五、存在的主要问题及改进情况.
    pub problems: Vec<Para>,
    /// 六、其他需要报告的事项.
    pub other_matters: Vec<Para>,
    /// 署名 and 成文日期, if given.
    pub signature: Option<ResolvedSignature>,
    /// Official label → printed wording.
    pub labels: BTreeMap<String, String>,
}

/// Fills in every computed cell; returns the warnings raised on the way.
pub fn resolve(report: &Report) -> (Resolved, Diagnostics) {
    let mut warnings = Diagnostics::new();
    let a = &report.applications;
    let c7 = |r: &ApplicantRow| complete::<7>(r);
    let (withheld, unavailable, not_processed, other) = (
        a.withheld.map(c7),
        a.unavailable.map(c7),
        a.not_processed.map(c7),
        a.other.map(c7),
    );
    let (granted, partially_granted) = (c7(&a.granted), c7(&a.partially_granted));
    let total = match &a.total {
        Some(t) => c7(t),
        None => {
            let rows = result_rows(
                &granted,
                &partially_granted,
                &withheld,
                &unavailable,
                &not_processed,
                &other,
            );
            std::array::from_fn(|col| sum(rows.iter().map(|(_, _, r)| r[col])))
        }
    };
    let applications = ResolvedApplications {
        new: c7(&a.new),
        carried_over: c7(&a.carried_over),
        granted,
        partially_granted,
        withheld,
        unavailable,
        not_processed,
        other,
        total,
        total_given: a.total.is_some(),
        carried_forward: c7(&a.carried_forward),
    };
    let r = &report.review_litigation;
    let review_litigation = ResolvedReview {
        review: complete::<5>(&r.review),
        litigation_direct: complete::<5>(&r.litigation_direct),
        litigation_after_review: complete::<5>(&r.litigation_after_review),
    };
    let mut paras = |items: &[Paragraph], key: &str| paragraphs(items, key, &mut warnings);
    let resolved = Resolved {
        format: report.format(),
        unit: report.unit.clone(),
        year: report.year,
        title: report.title_lines(),
        title_given: report.title.is_some(),
        preamble: paras(&report.preamble, "preamble"),
        overview: paras(&report.overview, "overview"),
        active_disclosure: report.active_disclosure.clone(),
        applications,
        review_litigation,
        problems: paras(&report.problems, "problems"),
        other_matters: paras(&report.other_matters, "other_matters"),
        signature: report
            .signature
            .as_ref()
            .map(|s| signature(s, &mut warnings)),
        labels: report.labels.clone(),
    };
    (resolved, warnings)
}

fn paragraphs(items: &[Paragraph], key: &str, warnings: &mut Diagnostics) -> Vec<Para> {
    items
        .iter()
        .enumerate()
        .map(|(i, p)| match p {
            Paragraph::Text(t) => Para { heading: None, level: None, text: Some(t.clone()) },
            Paragraph::Headed { heading, text } => {
                let level = heading_level(heading).unwrap_or_else(|| {
                    warnings.push(
                        Diagnostic::warning(
                            Code::HeadingLevel,
                            format!("/{key}/{i}/heading"),
                            tr(
                                format!("标题“{heading}”没有一、（一）1. 或（1）这样的序号；按（一）级标题排"),
                                format!("heading `{heading}` has no numbering 一、（一）1. or （1）; set as a （一） heading"),
                            ),
                        )
                        .with_hint(tr(
                            "在标题前写上序号，如“（一）主动公开。”",
                            "start it with its number, e.g. （一）主动公开。",
                        )),
                    );
                    2
                });
                Para { heading: Some(heading.clone()), level: Some(level), text: text.clone() }
            }
        })
        .collect()
}

/// The level of a heading from its numbering (GB/T 9704 7.3.3): 一、 → 1,
/// （一） → 2, 1. → 3, （1） → 4.
pub fn heading_level(heading: &str) -> Option<u8> {
    const CN: &str = "一二三四五六七八九十百零〇";
    let s = heading.trim_start();
    let is_cn = |c: char| CN.contains(c);
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let lead = |s: &str, f: &dyn Fn(char) -> bool| -> usize {
        s.chars().take_while(|c| f(*c)).map(char::len_utf8).sum()
    };
    if let Some(rest) = s.strip_prefix('（').or_else(|| s.strip_prefix('(')) {
        let n = lead(rest, &is_cn);
        if n > 0 && rest[n..].starts_with(['）', ')']) {
            return Some(2);
        }
        let n = lead(rest, &is_digit);
        if n > 0 && rest[n..].starts_with(['）', ')']) {
            return Some(4);
        }
        return None;
    }
    let n = lead(s, &is_cn);
    if n > 0 && s[n..].starts_with('、') {
        return Some(1);
    }
    let n = lead(s, &is_digit);
    if n > 0 && s[n..].starts_with(['.', '．', '、']) {
        return Some(3);
    }
    None
}

fn signature(s: &Signature, warnings: &mut Diagnostics) -> ResolvedSignature {
    let date = chinese_date(&s.date).unwrap_or_else(|| {
        warnings.push(
            Diagnostic::warning(
                Code::Date,
                "/signature/date",
                tr(
                    format!(
                        "日期“{}”既不是 2021-01-20 也不是 2021年1月20日 的写法；照原样印出",
                        s.date
                    ),
                    format!(
                        "date `{}` is neither 2021-01-20 nor 2021年1月20日; printed as written",
                        s.date
                    ),
                ),
            )
            .with_hint(tr(
                "GB/T 9704 7.3.5：成文日期用阿拉伯数字，年份写全，如 2021年1月20日",
                "GB/T 9704 7.3.5 wants Arabic numerals and the full year: 2021年1月20日",
            )),
        );
        s.date.clone()
    });
    ResolvedSignature {
        unit: s.unit.clone(),
        date,
    }
}

/// A date as GB/T 9704 7.3.5 writes it: `2021-01-20`, `2021/1/20` or
/// `2021年01月20日` → `2021年1月20日` (full year, no leading zeros).
pub fn chinese_date(text: &str) -> Option<String> {
    let t = text.trim();
    let parts: Vec<&str> = if t.contains('年') {
        let rest = t.strip_suffix('日')?;
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        vec![y, m, d]
    } else {
        t.split(['-', '/', '.']).collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let valid = (1900..=2999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d);
    valid.then(|| format!("{y}年{m}月{d}日"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_skip_blanks_and_stay_blank() {
        assert_eq!(sum([Some(1), None, Some(2)]), Some(3));
        assert_eq!(sum([None, None]), None);
        assert_eq!(sum([Some(0)]), Some(0));
    }

    #[test]
    fn complete_computes_or_keeps_the_total() {
        let six = vec![Some(1), Some(0), None, Some(2), Some(0), Some(0)];
        assert_eq!(complete::<7>(&six)[6], Some(3));
        let mut seven = six.clone();
        seven.push(Some(9));
        assert_eq!(complete::<7>(&seven)[6], Some(9));
        assert_eq!(complete::<7>(&[None; 6])[6], None);
    }

    #[test]
    fn heading_levels_follow_numbering() {
        assert_eq!(heading_level("一、总体情况"), Some(1));
        assert_eq!(heading_level("（一）主动公开。"), Some(2));
        assert_eq!(heading_level("（十二）其他"), Some(2));
        assert_eq!(heading_level("1.加强领导"), Some(3));
        assert_eq!(heading_level("12、加强领导"), Some(3));
        assert_eq!(heading_level("（3）细则"), Some(4));
        assert_eq!(heading_level("一是加强领导"), None);
        assert_eq!(heading_level("平台建设"), None);
    }

    #[test]
    fn dates_are_normalised() {
        assert_eq!(chinese_date("2021-01-20").as_deref(), Some("2021年1月20日"));
        assert_eq!(
            chinese_date("2021年01月05日").as_deref(),
            Some("2021年1月5日")
        );
        assert_eq!(chinese_date("2021/1/5").as_deref(), Some("2021年1月5日"));
        assert_eq!(chinese_date("2021-13-01"), None);
        assert_eq!(chinese_date("一月"), None);
    }
}
