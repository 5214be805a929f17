//! Warnings a proofreader would give before a report is filed: a form
//! left blank, and punctuation that GB/T 15834-2011 sets otherwise.
//!
//! In: the [`Report`] as given. Out: warnings (never errors: the text is
//! the user's), each at the JSON pointer of the text:
//! - `incomplete`: placeholder text left from a blank form (`（单位名称）`,
//!   `XXX`), a required prose section (一、五、六) with no text, no
//!   signature (署名 and 成文日期, GB/T 9704 7.3.5);
//! - `punctuation`: a half-width `, ; : ? ! ( )` between Chinese characters
//!   (GB/T 15834 5.1: Chinese text takes the full-width marks), brackets and
//!   quotes that do not pair up (（）《》“”), a pause or stop mark doubled
//!   (`，，`), and a run-in heading (one followed by text in its
//!   paragraph) that does not end in its 。, so that it would run into the
//!   text (`（一）主动公开2025年…`): the PDF adds nothing the clerk did not
//!   write, so the lint says it instead.

use super::model::{Paragraph, Report, Title};
use crate::diag::{tr, Code, Diagnostic, Diagnostics};
use crate::text::is_wide;

/// Text a blank form or template leaves in place of the real words.
const PLACEHOLDERS: &[&str] = &[
    "（单位名称）",
    "(单位名称)",
    "XXX",
    "xxx",
    "×××",
    "***",
    "（文字描述",
];

/// Runs every lint.
pub fn lint(report: &Report) -> Diagnostics {
    let mut out = Diagnostics::new();
    blank_form(report, &mut out);
    run_in_headings(report, &mut out);
    for (path, text) in texts(report) {
        placeholders(&path, text, &mut out);
        punctuation(&path, text, &mut out);
    }
    out
}

/// Every text of the report with its pointer: unit, title, paragraphs and
/// signature.
fn texts(report: &Report) -> Vec<(String, &str)> {
    let mut out = vec![("/unit".to_string(), report.unit.as_str())];
    match &report.title {
        Some(Title::One(t)) => out.push(("/title".into(), t)),
        Some(Title::Lines(lines)) => {
            for (i, l) in lines.iter().enumerate() {
                out.push((format!("/title/{i}"), l));
            }
        }
        None => {}
    }
    for (key, paras) in sections(report) {
        for (i, p) in paras.iter().enumerate() {
            match p {
                Paragraph::Text(t) => out.push((format!("/{key}/{i}"), t)),
                Paragraph::Headed { heading, text } => {
                    out.push((format!("/{key}/{i}/heading"), heading));
                    if let Some(t) = text {
                        out.push((format!("/{key}/{i}/text"), t));
                    }
                }
            }
        }
    }
    if let Some(s) = &report.signature {
        out.push(("/signature/unit".into(), &s.unit));
        out.push(("/signature/date".into(), &s.date));
    }
    out
}

fn sections(report: &Report) -> [(&'static str, &[Paragraph]); 4] {
    [
        ("preamble", &report.preamble),
        ("overview", &report.overview),
        ("problems", &report.problems),
        ("other_matters", &report.other_matters),
    ]
}

/// A form not yet filled in: sections 一、五、六 without text, no signature.
fn blank_form(report: &Report, out: &mut Diagnostics) {
    let required = [
        ("overview", "一、总体情况", &report.overview),
        ("problems", "五、存在的主要问题及改进情况", &report.problems),
        (
            "other_matters",
            "六、其他需要报告的事项",
            &report.other_matters,
        ),
    ];
    for (key, name, paras) in required {
        let written = paras.iter().any(|p| match p {
            Paragraph::Text(t) => !t.trim().is_empty(),
            Paragraph::Headed { heading, text } => {
                !heading.trim().is_empty() || text.as_deref().is_some_and(|t| !t.trim().is_empty())
            }
        });
        if !written {
            out.push(
                Diagnostic::warning(
                    Code::Incomplete,
                    format!("/{key}"),
                    tr(
                        format!("「{name}」还没有写内容"),
                        format!("section {name} has no text yet"),
                    ),
                )
                .with_hint(tr(
                    "年度报告的这一部分不能空着；没有可报告的事项时，也写明“无”",
                    "the annual report may not leave this section empty; if there is nothing to report, say so",
                )),
            );
        }
    }
    if report.signature.is_none() {
        out.push(
            Diagnostic::warning(
                Code::Incomplete,
                "/signature",
                tr("没有署名和成文日期", "no signature (署名 and 成文日期)"),
            )
            .with_hint(tr(
                "在报告末尾写上署名和成文日期（GB/T 9704 7.3.5）：工作簿填在「基本信息」的「署名」「成文日期」两行，数据文件写 \"signature\": {\"unit\": \"…人民政府\", \"date\": \"2021年1月20日\"}",
                "add \"signature\": {\"unit\": \"…人民政府\", \"date\": \"2021年1月20日\"} (GB/T 9704 7.3.5)",
            )),
        );
    }
}

/// A heading set at the start of its paragraph (it has text after it)
/// ends in a stop, or it runs into the text: `（一）主动公开` +
/// `2025年，我镇…` prints `（一）主动公开2025年，我镇…`.
fn run_in_headings(report: &Report, out: &mut Diagnostics) {
    for (key, paras) in sections(report) {
        for (i, p) in paras.iter().enumerate() {
            let Paragraph::Headed {
                heading,
                text: Some(text),
            } = p
            else {
                continue;
            };
            let h = heading.trim_end();
            if h.is_empty() || text.trim().is_empty() {
                continue;
            }
            if h.ends_with(['。', '：', '？', '！', '；', '.', ':']) {
                continue;
            }
            let start: String = text.chars().take(8).collect();
            out.push(
                Diagnostic::warning(
                    Code::Punctuation,
                    format!("/{key}/{i}/heading"),
                    tr(
                        format!("小标题「{h}」后面紧接正文，却没有以“。”结尾：会排成「{h}{start}…」"),
                        format!("the run-in heading 「{h}」 does not end in “。”: it prints as 「{h}{start}…」"),
                    ),
                )
                .with_hint(tr(
                    format!("在小标题末尾加“。”：「{h}。」"),
                    format!("end the heading with “。”: 「{h}。」"),
                )),
            );
        }
    }
}

fn placeholders(path: &str, text: &str, out: &mut Diagnostics) {
    if let Some(p) = PLACEHOLDERS.iter().find(|p| text.contains(*p)) {
        out.push(
            Diagnostic::warning(
                Code::Incomplete,
                path,
                tr(
                    format!("这里还是空白表的占位文字“{p}”"),
                    format!("placeholder text “{p}” left from the blank form"),
                ),
            )
            .with_hint(tr("换成真实的内容", "replace it with the real words")),
        );
    }
}

/// Whether a character is a Chinese character (not a mark).
fn han(c: char) -> bool {
    is_wide(c) && c.is_alphabetic()
}

fn punctuation(path: &str, text: &str, out: &mut Diagnostics) {
    let chars: Vec<char> = text.chars().collect();
    let mut warn = |zh: String, en: String, hint: (String, String)| {
        out.push(
            Diagnostic::warning(Code::Punctuation, path, tr(zh, en)).with_hint(tr(hint.0, hint.1)),
        );
    };
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|k| chars[k]);
        let after = chars.get(i + 1).copied();
        let full = match c {
            ',' => '，',
            ';' => '；',
            ':' => '：',
            '?' => '？',
            '!' => '！',
            '(' => '（',
            ')' => '）',
            _ => continue,
        };
        let chinese = match c {
            '(' => after.is_some_and(han),
            ')' => before.is_some_and(han),
            _ => before.is_some_and(han) && after.is_some_and(han),
        };
        if chinese {
            let context: String = chars[i.saturating_sub(4)..(i + 5).min(chars.len())]
                .iter()
                .collect();
            warn(
                format!("第 {} 个字符：中文里用了半角“{c}”（…{context}…）", i + 1),
                format!(
                    "character {}: a half-width “{c}” in Chinese text (…{context}…)",
                    i + 1
                ),
                (
                    format!("中文里用全角“{full}”（GB/T 15834）"),
                    format!("Chinese text takes the full-width “{full}” (GB/T 15834)"),
                ),
            );
            // One per text is enough to send the clerk looking.
            break;
        }
    }
    for (open, close) in [('（', '）'), ('《', '》'), ('“', '”')] {
        if let Some(at) = unpaired(&chars, open, close) {
            warn(
                format!("第 {} 个字符：“{open}{close}”不成对", at + 1),
                format!(
                    "character {}: “{open}” and “{close}” do not pair up",
                    at + 1
                ),
                (
                    format!("检查是不是少了“{open}”或“{close}”"),
                    format!("check for a missing “{open}” or “{close}”"),
                ),
            );
        }
    }
    if let Some(i) =
        (1..chars.len()).find(|&i| chars[i] == chars[i - 1] && "，。、；：".contains(chars[i]))
    {
        let c = chars[i];
        warn(
            format!("第 {} 个字符：标点“{c}”重复了", i + 1),
            format!("character {}: the mark “{c}” is doubled", i + 1),
            (format!("删去一个“{c}”"), format!("remove one “{c}”")),
        );
    }
}

/// The index of the first mark that has no partner, if any.
fn unpaired(chars: &[char], open: char, close: char) -> Option<usize> {
    let mut stack = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == open {
            stack.push(i);
        } else if c == close && stack.pop().is_none() {
            return Some(i);
        }
    }
    stack.first().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<String> {
        let mut out = Diagnostics::new();
        punctuation("/overview/0", text, &mut out);
        out.iter().map(|d| d.message.en.clone()).collect()
    }

    #[test]
    fn half_width_marks_between_chinese_are_found() {
        assert_eq!(codes("加强平台建设,统一发布").len(), 1);
        assert_eq!(codes("见(一)项").len(), 1);
        // Between Latin or digits they are the text's own.
        assert!(codes("GB/T 9704-2012, ISO 32000").is_empty());
        assert!(codes("网址www.gov.cn,电话").is_empty());
        assert!(codes("共 1,234 件").is_empty());
    }

    #[test]
    fn a_run_in_heading_without_its_stop_is_found() {
        let mut report = crate::data::blank(crate::data::Format::F2021, "某镇人民政府", 2025);
        report.overview = vec![
            Paragraph::Headed {
                heading: "（一）主动公开".into(),
                text: Some("2025年，我镇主动公开信息。".into()),
            },
            Paragraph::Headed {
                heading: "（二）依申请公开。".into(),
                text: Some("全年收到申请3件。".into()),
            },
            Paragraph::Headed {
                heading: "（三）政府信息管理".into(),
                text: None,
            },
        ];
        let mut out = Diagnostics::new();
        run_in_headings(&report, &mut out);
        assert_eq!(out.len(), 1, "{out}");
        assert_eq!(
            out.0[0].location,
            crate::diag::Location::Pointer {
                pointer: "/overview/0/heading".into()
            }
        );
        assert!(out.0[0].message.zh.contains("（一）主动公开2025年"));
    }

    #[test]
    fn unpaired_and_doubled_marks_are_found() {
        assert_eq!(codes("依据《条例》（国务院令第711号").len(), 1);
        assert_eq!(codes("“图解”“视频”等").len(), 0);
        assert_eq!(codes("公开，，及时").len(), 1);
        assert!(codes("……——").is_empty());
    }
}
