//! The report's data file as Rust types: the contract of
//! `formats/data-model.md`, one type per JSON object.
//!
//! In: nothing (types only). Out: serde-serialisable, JSON-Schema-describable
//! types. Each printed table row is one array in printed column order. A
//! [`Count`] of `None` is a blank cell (`null` in JSON). The serde derives
//! build and print the values; [`crate::data::shape`] validates a JSON value
//! against the contract first, so that every error names its JSON path.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A non-negative count; `None` is a blank cell, printed empty.
pub type Count = Option<u64>;
/// A signed count (2019 format 本年增/减); `None` is a blank cell.
pub type Signed = Option<i64>;

/// Which official format the report follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Format {
    /// The 2019–2020 format (国办公开办函〔2019〕60号).
    #[serde(rename = "2019")]
    F2019,
    /// The format for 2021 reports on (国办公开办函〔2021〕30号).
    #[serde(rename = "2021")]
    F2021,
}

impl Format {
    /// The format a report of `year` follows when it names none.
    pub fn for_year(year: i64) -> Format {
        if year <= 2020 {
            Format::F2019
        } else {
            Format::F2021
        }
    }

    /// The format a data file names (`"2019"` or `"2021"`), if it is one.
    pub fn parse(name: &str) -> Option<Format> {
        [Format::F2019, Format::F2021]
            .into_iter()
            .find(|f| f.as_str() == name)
    }

    /// The format named, else the one a report of `year` follows.
    pub fn named_or_for_year(name: Option<&str>, year: i64) -> Format {
        name.and_then(Format::parse)
            .unwrap_or_else(|| Format::for_year(year))
    }

    /// The format as written in the data file: `"2019"` or `"2021"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::F2019 => "2019",
            Format::F2021 => "2021",
        }
    }

    /// How a clerk names the format.
    pub fn describe(self) -> &'static str {
        match self {
            Format::F2019 => "the 2019–2020 format",
            Format::F2021 => "the 2021 format",
        }
    }

    /// The format's name in Chinese: `2019–2020 年格式`.
    pub fn describe_zh(self) -> &'static str {
        match self {
            Format::F2019 => "2019–2020 年格式",
            Format::F2021 => "2021 年起的格式",
        }
    }
}

/// A money cell: a number, or a string printed verbatim (`"0.0000"`,
/// `"251000元"`) so that trailing zeros and units survive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Money {
    /// A number, printed as written (`7730.28`).
    Number(serde_json::Number),
    /// A string, printed verbatim (`"0.0000"`, `"251000元"`).
    Text(String),
}

impl Money {
    /// The cell's printed text.
    pub fn display(&self) -> String {
        match self {
            Money::Number(n) => n.to_string(),
            Money::Text(s) => s.clone(),
        }
    }
}

/// The title: one string (broken by the typesetter) or explicit lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Title {
    /// One line, broken by the typesetter when too long.
    One(String),
    /// Explicit title lines.
    Lines(Vec<String>),
}

impl Title {
    /// The title's lines: one, or those given.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Title::One(s) => vec![s.clone()],
            Title::Lines(lines) => lines.clone(),
        }
    }

    /// The title a report without one gets:
    /// `{unit}{year}年政府信息公开工作年度报告`.
    pub fn default_for(unit: &str, year: impl std::fmt::Display) -> String {
        format!("{unit}{year}年政府信息公开工作年度报告")
    }
}

/// One item of a paragraphs array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Paragraph {
    /// A body paragraph.
    Text(String),
    /// A run-in heading at the start of a paragraph, or (without `text`) a
    /// heading on its own line. Its level follows from its numbering.
    Headed {
        /// The heading: `（一）主动公开。`, `一、…`, `1.…` or `（1）…`.
        heading: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        /// The paragraph text after the heading; absent for a heading alone.
        text: Option<String>,
    },
}

/// The closing 署名 and 成文日期.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// 署名: the signing body.
    pub unit: String,
    /// `2021-01-20` or `2021年1月20日`.
    pub date: String,
}

/// Section 二 in the 2019–2020 format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActiveDisclosure2019 {
    /// 规章: 本年新制作数量, 本年新公开数量, 对外公开总数量.
    pub rules: [Count; 3],
    /// 规范性文件: same columns as `rules`.
    pub normative_documents: [Count; 3],
    /// 行政许可: 上一年项目数量, 本年增/减, 处理决定数量.
    pub licensing: (Count, Signed, Count),
    /// 其他对外管理服务事项: same columns as `licensing`.
    pub other_services: (Count, Signed, Count),
    /// 行政处罚: same columns as `licensing`.
    pub punishment: (Count, Signed, Count),
    /// 行政强制: same columns as `licensing`.
    pub coercion: (Count, Signed, Count),
    /// 行政事业性收费: 上一年项目数量, 本年增/减.
    pub fees: (Count, Signed),
    /// 政府集中采购: 采购项目数量, 采购总金额.
    pub procurement: (Count, Option<Money>),
}

/// Section 二 in the 2021 format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActiveDisclosure2021 {
    /// 规章: 本年制发件数, 本年废止件数, 现行有效件数.
    pub rules: [Count; 3],
    /// 行政规范性文件: same columns as `rules`.
    pub normative_documents: [Count; 3],
    // Required keys that may hold null (a blank cell): the shape check
    // wants them written, and the schema says so.
    /// 行政许可: 本年处理决定数量.
    #[schemars(required)]
    pub licensing: Count,
    /// 行政处罚: 本年处理决定数量.
    #[schemars(required)]
    pub punishment: Count,
    /// 行政强制: 本年处理决定数量.
    #[schemars(required)]
    pub coercion: Count,
    /// 行政事业性收费: 本年收费金额（单位：万元）.
    #[schemars(required)]
    pub fees: Option<Money>,
}

/// Section 二, in the shape its format wants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ActiveDisclosure {
    /// The 2019–2020 shape.
    F2019(ActiveDisclosure2019),
    /// The 2021 shape.
    F2021(ActiveDisclosure2021),
}

/// A row of section 三 over the applicant columns 自然人, 商业企业, 科研机构,
/// 社会公益组织, 法律服务机构, 其他 and, optionally, 总计 (computed when
/// absent, checked when given).
pub type ApplicantRow = Vec<Count>;

/// （三）不予公开, items 1–8.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Withheld<R = ApplicantRow> {
    #[schemars(length(min = 6, max = 7))]
    /// 1.属于国家秘密.
    pub state_secret: R,
    #[schemars(length(min = 6, max = 7))]
    /// 2.其他法律行政法规禁止公开.
    pub prohibited_by_law: R,
    #[schemars(length(min = 6, max = 7))]
    /// 3.危及“三安全一稳定”.
    pub security_stability: R,
    #[schemars(length(min = 6, max = 7))]
    /// 4.保护第三方合法权益.
    pub third_party_rights: R,
    #[schemars(length(min = 6, max = 7))]
    /// 5.属于三类内部事务信息.
    pub internal_affairs: R,
    #[schemars(length(min = 6, max = 7))]
    /// 6.属于四类过程性信息.
    pub process_information: R,
    #[schemars(length(min = 6, max = 7))]
    /// 7.属于行政执法案卷.
    pub enforcement_files: R,
    #[schemars(length(min = 6, max = 7))]
    /// 8.属于行政查询事项.
    pub query_matters: R,
}

/// （四）无法提供, items 1–3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unavailable<R = ApplicantRow> {
    #[schemars(length(min = 6, max = 7))]
    /// 1.本机关不掌握相关政府信息.
    pub not_held: R,
    #[schemars(length(min = 6, max = 7))]
    /// 2.没有现成信息需要另行制作.
    pub needs_creation: R,
    #[schemars(length(min = 6, max = 7))]
    /// 3.补正后申请内容仍不明确.
    pub still_unclear: R,
}

/// （五）不予处理, items 1–5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotProcessed<R = ApplicantRow> {
    #[schemars(length(min = 6, max = 7))]
    /// 1.信访举报投诉类申请.
    pub complaints: R,
    #[schemars(length(min = 6, max = 7))]
    /// 2.重复申请.
    pub repeated: R,
    #[schemars(length(min = 6, max = 7))]
    /// 3.要求提供公开出版物.
    pub publications: R,
    #[schemars(length(min = 6, max = 7))]
    /// 4.无正当理由大量反复申请.
    pub excessive: R,
    #[schemars(length(min = 6, max = 7))]
    /// 5.要求行政机关确认或重新出具已获取信息.
    pub confirmation: R,
}

/// （六）其他处理 in the 2021 format, items 1–3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtherItems<R = ApplicantRow> {
    #[schemars(length(min = 6, max = 7))]
    /// 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请.
    pub no_correction: R,
    #[schemars(length(min = 6, max = 7))]
    /// 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请.
    pub unpaid_fee: R,
    #[schemars(length(min = 6, max = 7))]
    /// 3.其他.
    pub other: R,
}

/// （六）其他处理: one row (2019 format) or three items (2021 format).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OtherProcessing<R = ApplicantRow> {
    /// The 2019–2020 format: one row.
    Row(#[schemars(length(min = 6, max = 7))] R),
    /// The 2021 format: items 1–3.
    Items(OtherItems<R>),
}

/// Section 三: applications received and how they were handled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Applications {
    /// 一、本年新收政府信息公开申请数量.
    #[schemars(length(min = 6, max = 7))]
    pub new: ApplicantRow,
    /// 二、上年结转政府信息公开申请数量.
    #[schemars(length(min = 6, max = 7))]
    pub carried_over: ApplicantRow,
    /// （一）予以公开.
    #[schemars(length(min = 6, max = 7))]
    pub granted: ApplicantRow,
    /// （二）部分公开.
    #[schemars(length(min = 6, max = 7))]
    pub partially_granted: ApplicantRow,
    /// （三）不予公开.
    pub withheld: Withheld,
    /// （四）无法提供.
    pub unavailable: Unavailable,
    /// （五）不予处理.
    pub not_processed: NotProcessed,
    /// （六）其他处理.
    pub other: OtherProcessing,
    /// （七）总计: computed from the result rows when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 6, max = 7))]
    pub total: Option<ApplicantRow>,
    /// 四、结转下年度继续办理.
    #[schemars(length(min = 6, max = 7))]
    pub carried_forward: ApplicantRow,
}

/// A group of section 四: 结果维持, 结果纠正, 其他结果, 尚未审结 and,
/// optionally, 总计 (computed when absent, checked when given).
pub type ReviewRow = Vec<Count>;

/// Section 四: administrative review and litigation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewLitigation {
    /// 行政复议.
    #[schemars(length(min = 4, max = 5))]
    pub review: ReviewRow,
    /// 行政诉讼 · 未经复议直接起诉.
    #[schemars(length(min = 4, max = 5))]
    pub litigation_direct: ReviewRow,
    /// 行政诉讼 · 复议后起诉.
    #[schemars(length(min = 4, max = 5))]
    pub litigation_after_review: ReviewRow,
}

/// One report: the whole data file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "nianbao report data (政府信息公开工作年度报告)")]
pub struct Report {
    /// `"2019"` or `"2021"`; absent: `year <= 2020` → 2019, else 2021.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// The reporting body, e.g. 缑氏镇人民政府.
    pub unit: String,
    /// The reported year.
    pub year: i64,
    /// Default `{unit}{year}年政府信息公开工作年度报告`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Title>,
    /// Text between the title and section 一.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preamble: Vec<Paragraph>,
    /// 一、总体情况.
    pub overview: Vec<Paragraph>,
    /// 二、主动公开政府信息情况.
    pub active_disclosure: ActiveDisclosure,
    /// 三、收到和处理政府信息公开申请情况.
    pub applications: Applications,
    /// 四、政府信息公开行政复议、行政诉讼情况.
    pub review_litigation: ReviewLitigation,
    /// 五、存在的主要问题及改进情况.
    pub problems: Vec<Paragraph>,
    /// 六、其他需要报告的事项.
    pub other_matters: Vec<Paragraph>,
    /// The closing 署名 and 成文日期.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    /// Official label → the wording printed instead.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

impl Report {
    /// The format this report follows: `format` if given, else by year.
    pub fn format(&self) -> Format {
        self.format.unwrap_or_else(|| Format::for_year(self.year))
    }

    /// The title lines as given, or the default title as one line.
    pub fn title_lines(&self) -> Vec<String> {
        match &self.title {
            Some(title) => title.lines(),
            None => vec![Title::default_for(&self.unit, self.year)],
        }
    }
}
