//! The contract's object shapes as data: which keys each object takes, of
//! what kind, and which are required (`formats/data-model.md`).
//!
//! In: nothing. Out: static field tables that [`super::shape`] walks. Kept
//! apart from the walker so that the contract reads as one table.

use crate::diag::{tr, Text};

/// One cell of a table row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// A non-negative integer or null.
    Count,
    /// A signed integer or null (2019 本年增/减).
    Signed,
    /// A number, a string printed verbatim, or null.
    Money,
}

impl Cell {
    /// What the cell takes, in both languages.
    pub fn describe(self) -> Text {
        match self {
            Cell::Count => tr(
                "不小于 0 的整数或 null",
                "a non-negative whole number or null",
            ),
            Cell::Signed => tr(
                "整数（可以是负数）或 null",
                "a whole number (may be negative) or null",
            ),
            Cell::Money => tr(
                "金额（不小于 0 的数，或一段文字）或 null",
                "an amount (a non-negative number or a string) or null",
            ),
        }
    }
}

/// What a key holds.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A string.
    Text,
    /// The reported year.
    Year,
    /// `"2019"` or `"2021"`.
    FormatName,
    /// A string or an array of lines.
    Title,
    /// An array of paragraphs.
    Paragraphs,
    /// Official label → printed wording.
    Labels,
    /// An object of these fields.
    Object(&'static [Field]),
    /// A fixed-length array of cells.
    Cells(&'static [Cell]),
    /// A single cell, not in an array.
    Cell(Cell),
    /// A row of `min` counts (总计 computed) or `max` (总计 given).
    Row {
        /// Counts without the 总计.
        min: usize,
        /// Counts with it.
        max: usize,
    },
    /// Section 二, whose shape depends on the format.
    ActiveDisclosure,
    /// （六）其他处理, whose shape depends on the format.
    OtherProcessing,
}

/// A key of an object.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The JSON key.
    pub key: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Whether it must be present.
    pub required: bool,
    /// Whether `null` stands for "absent" (the Rust field is an `Option`).
    pub nullable: bool,
    /// What the key is, in the clerk's words, for "missing key" messages.
    pub what: &'static str,
}

const fn req(key: &'static str, kind: Kind, what: &'static str) -> Field {
    Field {
        key,
        kind,
        required: true,
        nullable: false,
        what,
    }
}

/// An optional key; `null` means absent.
const fn opt(key: &'static str, kind: Kind, what: &'static str) -> Field {
    Field {
        key,
        kind,
        required: false,
        nullable: true,
        what,
    }
}

/// An optional key that, when present, must hold a value (a list or map
/// whose absence means empty).
const fn opt_value(key: &'static str, kind: Kind, what: &'static str) -> Field {
    Field {
        key,
        kind,
        required: false,
        nullable: false,
        what,
    }
}

const APPLICANTS: Kind = Kind::Row { min: 6, max: 7 };
const REVIEW: Kind = Kind::Row { min: 4, max: 5 };
const C3: &[Cell] = &[Cell::Count, Cell::Count, Cell::Count];
const ITEMS_2019: &[Cell] = &[Cell::Count, Cell::Signed, Cell::Count];

/// The report.
pub const TOP: &[Field] = &[
    opt("format", Kind::FormatName, "格式：\"2019\" 或 \"2021\""),
    req("unit", Kind::Text, "报告单位"),
    req("year", Kind::Year, "报告年度"),
    opt("title", Kind::Title, "标题"),
    opt_value("preamble", Kind::Paragraphs, "前言"),
    req("overview", Kind::Paragraphs, "一、总体情况"),
    req(
        "active_disclosure",
        Kind::ActiveDisclosure,
        "二、主动公开政府信息情况",
    ),
    req(
        "applications",
        Kind::Object(APPLICATIONS),
        "三、收到和处理政府信息公开申请情况",
    ),
    req(
        "review_litigation",
        Kind::Object(REVIEW_LITIGATION),
        "四、政府信息公开行政复议、行政诉讼情况",
    ),
    req("problems", Kind::Paragraphs, "五、存在的主要问题及改进情况"),
    req("other_matters", Kind::Paragraphs, "六、其他需要报告的事项"),
    opt("signature", Kind::Object(SIGNATURE), "署名和成文日期"),
    opt_value("labels", Kind::Labels, "标签改写"),
];

/// A paragraph with a run-in heading.
pub const HEADED: &[Field] = &[
    req("heading", Kind::Text, "小标题"),
    opt("text", Kind::Text, "段落正文"),
];

/// 署名 and 成文日期.
pub const SIGNATURE: &[Field] = &[
    req("unit", Kind::Text, "署名"),
    req("date", Kind::Text, "成文日期"),
];

/// Section 二, 2019–2020 format.
pub const AD_2019: &[Field] = &[
    req("rules", Kind::Cells(C3), "规章"),
    req("normative_documents", Kind::Cells(C3), "规范性文件"),
    req("licensing", Kind::Cells(ITEMS_2019), "行政许可"),
    req(
        "other_services",
        Kind::Cells(ITEMS_2019),
        "其他对外管理服务事项",
    ),
    req("punishment", Kind::Cells(ITEMS_2019), "行政处罚"),
    req("coercion", Kind::Cells(ITEMS_2019), "行政强制"),
    req(
        "fees",
        Kind::Cells(&[Cell::Count, Cell::Signed]),
        "行政事业性收费",
    ),
    req(
        "procurement",
        Kind::Cells(&[Cell::Count, Cell::Money]),
        "政府集中采购",
    ),
];

/// Section 二, 2021 format.
pub const AD_2021: &[Field] = &[
    req("rules", Kind::Cells(C3), "规章"),
    req("normative_documents", Kind::Cells(C3), "行政规范性文件"),
    req("licensing", Kind::Cell(Cell::Count), "行政许可"),
    req("punishment", Kind::Cell(Cell::Count), "行政处罚"),
    req("coercion", Kind::Cell(Cell::Count), "行政强制"),
    req("fees", Kind::Cell(Cell::Money), "行政事业性收费"),
];

/// Section 三.
pub const APPLICATIONS: &[Field] = &[
    req("new", APPLICANTS, "一、本年新收政府信息公开申请数量"),
    req(
        "carried_over",
        APPLICANTS,
        "二、上年结转政府信息公开申请数量",
    ),
    req("granted", APPLICANTS, "（一）予以公开"),
    req("partially_granted", APPLICANTS, "（二）部分公开"),
    req("withheld", Kind::Object(WITHHELD), "（三）不予公开"),
    req("unavailable", Kind::Object(UNAVAILABLE), "（四）无法提供"),
    req(
        "not_processed",
        Kind::Object(NOT_PROCESSED),
        "（五）不予处理",
    ),
    req("other", Kind::OtherProcessing, "（六）其他处理"),
    opt("total", APPLICANTS, "（七）总计"),
    req("carried_forward", APPLICANTS, "四、结转下年度继续办理"),
];

/// （三）不予公开.
pub const WITHHELD: &[Field] = &[
    req("state_secret", APPLICANTS, "1.属于国家秘密"),
    req(
        "prohibited_by_law",
        APPLICANTS,
        "2.其他法律行政法规禁止公开",
    ),
    req("security_stability", APPLICANTS, "3.危及“三安全一稳定”"),
    req("third_party_rights", APPLICANTS, "4.保护第三方合法权益"),
    req("internal_affairs", APPLICANTS, "5.属于三类内部事务信息"),
    req("process_information", APPLICANTS, "6.属于四类过程性信息"),
    req("enforcement_files", APPLICANTS, "7.属于行政执法案卷"),
    req("query_matters", APPLICANTS, "8.属于行政查询事项"),
];

/// （四）无法提供.
pub const UNAVAILABLE: &[Field] = &[
    req("not_held", APPLICANTS, "1.本机关不掌握相关政府信息"),
    req("needs_creation", APPLICANTS, "2.没有现成信息需要另行制作"),
    req("still_unclear", APPLICANTS, "3.补正后申请内容仍不明确"),
];

/// （五）不予处理.
pub const NOT_PROCESSED: &[Field] = &[
    req("complaints", APPLICANTS, "1.信访举报投诉类申请"),
    req("repeated", APPLICANTS, "2.重复申请"),
    req("publications", APPLICANTS, "3.要求提供公开出版物"),
    req("excessive", APPLICANTS, "4.无正当理由大量反复申请"),
    req(
        "confirmation",
        APPLICANTS,
        "5.要求行政机关确认或重新出具已获取信息",
    ),
];

/// （六）其他处理, 2021 format.
pub const OTHER_ITEMS: &[Field] = &[
    req("no_correction", APPLICANTS, "1.申请人无正当理由逾期不补正"),
    req(
        "unpaid_fee",
        APPLICANTS,
        "2.申请人逾期未按收费通知要求缴纳费用",
    ),
    req("other", APPLICANTS, "3.其他"),
];

/// Section 四.
pub const REVIEW_LITIGATION: &[Field] = &[
    req("review", REVIEW, "行政复议"),
    req("litigation_direct", REVIEW, "行政诉讼 · 未经复议直接起诉"),
    req("litigation_after_review", REVIEW, "行政诉讼 · 复议后起诉"),
];
