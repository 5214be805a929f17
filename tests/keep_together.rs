//! Keep-together on the rendered pages (issue #24), read back from the PDF
//! by poppler (`pdftotext -layout`), an independent reader: no page but
//! the last ends with a heading, and no page ends with a table's caption
//! row (第二十条第（N）项, the column headings) or its header rows.
//!
//! The variants move the headings through every line position of a page:
//! the preamble grows one body line at a time across more than a page, so
//! 一、总体情况 (followed by a paragraph of three lines, which needs all
//! three at a page's foot: two would leave a widow, one an orphan) and
//! 二、主动公开政府信息情况 (followed by its table) each meet the foot of a
//! page at every line. A second set ends the overview with a heading of
//! its own, so that a heading is followed by a heading followed by a
//! table. Both official formats, whose section 二 tables open with a
//! caption row, not a header row.

use crate::common;
use serde_json::{json, Value};

/// Chinese text without punctuation, so that every body line holds
/// exactly 28 characters (26 on a paragraph's indented first line).
const FILLER: &str = "本年度报告电子版可从门户网站下载查阅如对本报告有任何疑问请与我们联系";

/// A paragraph of exactly `lines` body lines, its last line half full.
fn prose(lines: usize) -> String {
    let chars = if lines == 1 {
        14
    } else {
        26 + 28 * (lines - 2) + 14
    };
    let mut s: String = FILLER.chars().cycle().take(chars - 1).collect();
    s.push('。');
    s
}

/// A heading standing alone, ending the overview (the chain set).
const CHAIN_HEADING: &str = "（六）其他工作情况";

/// The headings that must never end a page.
const HEADINGS: [&str; 7] = [
    common::official::SECTIONS[0],
    common::official::SECTIONS[1],
    common::official::SECTIONS[2],
    common::official::SECTIONS[3],
    common::official::SECTIONS[4],
    common::official::SECTIONS[5],
    CHAIN_HEADING,
];

/// Words found only in the tables' caption and header rows: a page whose
/// last line holds one ends with a caption or a header.
const CAPTION_WORDS: [&str; 9] = [
    "第二十条",
    "信息内容",
    "申请人情况",
    "法人或其他组织",
    "商业企业",
    "第四项之和",
    "行政复议",
    "结果维持",
    "未经复议直接起诉",
];

/// The report `base` with a preamble of `lines` lines, an overview of a
/// three-line paragraph (and, with `chain`, a heading after it, and
/// section 六 empty before the signature).
fn variant(base: &Value, lines: usize, chain: bool) -> Value {
    let mut data = base.clone();
    common::set(&mut data, "/preamble", json!([prose(lines)]));
    let mut overview = vec![json!(prose(3))];
    if chain {
        overview.push(json!({ "heading": CHAIN_HEADING }));
        // 六 left empty: its heading is followed by the signature.
        common::set(&mut data, "/other_matters", json!([]));
        let signature = json!({ "unit": "缑氏镇人民政府", "date": "2021-01-20" });
        common::set(&mut data, "/signature", signature);
    }
    common::set(&mut data, "/overview", json!(overview));
    data
}

/// A page number as the PDF prints it (GB/T 9704 7.5): "— N —".
fn is_page_number(line: &str) -> bool {
    line.starts_with('—') && line.ends_with('—')
}

/// The pages of a PDF as `pdftotext -layout` reads them: each page's
/// non-blank lines, trimmed, the page number ("— N —") left out.
fn pages(pdf: &[u8], name: &str) -> Vec<Vec<String>> {
    let path = std::env::temp_dir().join(format!("nianbao-keep-{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, pdf).expect("write");
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let _ = std::fs::remove_file(&path);
    let text = String::from_utf8_lossy(&out.stdout);
    let mut pages: Vec<Vec<String>> = text
        .split('\u{c}')
        .map(|p| {
            p.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !is_page_number(l))
                .map(str::to_string)
                .collect()
        })
        .collect();
    while pages.last().is_some_and(Vec::is_empty) {
        pages.pop();
    }
    pages
}

/// The faults of one rendered report: pages (but the last) ending with a
/// heading, pages ending with a caption or header row.
fn faults(pages: &[Vec<String>]) -> Vec<String> {
    let mut out = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        let Some(last) = page.last() else {
            out.push(format!("page {} is empty", n + 1));
            continue;
        };
        if n + 1 < pages.len() && HEADINGS.contains(&last.as_str()) {
            out.push(format!("page {} ends with the heading {last}", n + 1));
        }
        if let Some(w) = CAPTION_WORDS.iter().find(|w| last.contains(*w)) {
            out.push(format!(
                "page {} ends with a caption or header row ({w}): {last}",
                n + 1
            ));
        }
    }
    out
}

/// Where a heading stands: (page, its line counted from the page's top).
fn position(pages: &[Vec<String>], heading: &str) -> Option<(usize, usize)> {
    pages
        .iter()
        .enumerate()
        .find_map(|(p, lines)| lines.iter().position(|l| l == heading).map(|i| (p, i)))
}

/// Renders every variant of `base` and fails with every fault found. The
/// headings must have stood at many places of their pages (the variants
/// do move them), so the test cannot pass by missing the feet of pages.
fn check(base: Value, format: &str, chain: bool) {
    if !common::pdfread::have_poppler() {
        return;
    }
    let engine = common::engine();
    let mut all = Vec::new();
    let mut places = std::collections::BTreeSet::new();
    for lines in 1..=26 {
        let data = variant(&base, lines, chain);
        let pdf = engine
            .render(&data, nianbao::OutputFormat::Pdf, Default::default())
            .unwrap_or_else(|d| panic!("renders: {d:?}"))
            .bytes;
        let name = format!("{format}-{chain}-{lines}");
        let pages = pages(&pdf, &name);
        for f in faults(&pages) {
            all.push(format!(
                "{format}, preamble of {lines} lines, chain {chain}: {f}"
            ));
        }
        for h in ["一、总体情况", "二、主动公开政府信息情况"] {
            if let Some(p) = position(&pages, h) {
                places.insert((h, p));
            }
        }
    }
    assert!(all.is_empty(), "{} faults:\n{}", all.len(), all.join("\n"));
    assert!(
        places.len() >= 40,
        "the headings stood at only {} places: {places:?}",
        places.len()
    );
}

#[test]
fn headings_and_captions_never_end_a_page_2019() {
    check(common::goushi(), "2019", false);
}

#[test]
fn headings_and_captions_never_end_a_page_2021() {
    check(common::shili(), "2021", false);
}

#[test]
fn a_heading_before_a_heading_before_a_table_never_ends_a_page_2019() {
    check(common::goushi(), "2019", true);
}

#[test]
fn a_heading_before_a_heading_before_a_table_never_ends_a_page_2021() {
    check(common::shili(), "2021", true);
}
