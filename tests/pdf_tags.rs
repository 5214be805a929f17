//! The tagged PDF as poppler reads its structure (`pdfinfo -struct-text`),
//! written out here from what the report says, not from nianbao's tree:
//! `Tagged: yes`; the title as `H1` and each 一、… heading as `H2`, in
//! order; three tables or more, each with its rows and cells, the merged
//! cells' spans and header scopes as attributes; every prose paragraph of
//! the report, in reading order, as `P`; page numbers and rules as
//! artifacts (no structure element holds "— 1 —").

use crate::common;

use common::{goushi, shili, tools};
use nianbao::{OutputFormat, RenderOptions};
use serde_json::Value;
use std::process::Command;

/// One element of poppler's structure dump: its type, its depth, the text
/// directly under it, and its attribute lines.
#[derive(Debug, Default)]
struct Elem {
    kind: String,
    depth: usize,
    text: String,
    attrs: Vec<String>,
}

/// `pdfinfo -struct-text` of the report's PDF, and whether it says
/// `Tagged: yes`.
fn structure(data: &Value) -> Option<(bool, Vec<Elem>)> {
    structure_with(data, false)
}

/// [`structure`], forced through failing checks when `force`.
fn structure_with(data: &Value, force: bool) -> Option<(bool, Vec<Elem>)> {
    if !tools::have("pdfinfo", &["-v"], "poppler-utils", "the PDF's structure") {
        return None;
    }
    let opts = RenderOptions {
        force,
        ..RenderOptions::default()
    };
    let bytes = match common::engine().render(data, OutputFormat::Pdf, opts) {
        Ok(r) => r.bytes,
        Err(d) => panic!("{d}"),
    };
    let dir = std::env::temp_dir().join(format!("nianbao-tags-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("{}-{force}.pdf", data["year"]));
    std::fs::write(&path, bytes).expect("write");
    let info = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo");
    let tagged = String::from_utf8_lossy(&info.stdout)
        .lines()
        .any(|l| l.starts_with("Tagged:") && l.ends_with("yes"));
    let out = Command::new("pdfinfo")
        .arg("-struct-text")
        .arg(&path)
        .output()
        .expect("pdfinfo");
    Some((tagged, parse(&String::from_utf8_lossy(&out.stdout))))
}

/// Reads poppler's indented dump: `Type (block)` or `Type:` lines open an
/// element at their indent, quoted lines are its text, `/Key value`
/// lines its attributes.
fn parse(dump: &str) -> Vec<Elem> {
    let mut out: Vec<Elem> = Vec::new();
    for line in dump.lines() {
        let depth = line.len() - line.trim_start().len();
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(q) = t.strip_prefix('"') {
            if let Some(e) = out.last_mut() {
                e.text.push_str(q.strip_suffix('"').unwrap_or(q));
            }
        } else if t.starts_with('/') {
            if let Some(e) = out.last_mut() {
                e.attrs.push(t.to_string());
            }
        } else {
            let kind = t.split([' ', ':']).next().unwrap_or_default().to_string();
            out.push(Elem {
                kind,
                depth,
                ..Elem::default()
            });
        }
    }
    out
}

fn strip(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn headings_tables_and_paragraphs_are_tagged_in_reading_order() {
    for data in [goushi(), shili()] {
        let Some((tagged, elems)) = structure(&data) else {
            return;
        };
        let unit = data["unit"].as_str().unwrap_or_default();
        assert!(tagged, "{unit}: pdfinfo says Tagged: yes");
        assert_eq!(elems.first().map(|e| e.kind.as_str()), Some("Document"));

        let h1: Vec<&Elem> = elems.iter().filter(|e| e.kind == "H1").collect();
        assert_eq!(h1.len(), 1, "{unit}: one title");
        assert!(
            strip(&h1[0].text).contains(unit),
            "{unit}: the title {}",
            h1[0].text
        );
        let h2: Vec<String> = elems
            .iter()
            .filter(|e| e.kind == "H2")
            .map(|e| strip(&e.text))
            .collect();
        assert_eq!(
            h2,
            common::official::SECTIONS,
            "{unit}: the section headings, in order"
        );

        let tables: Vec<usize> = (0..elems.len())
            .filter(|&i| elems[i].kind == "Table")
            .collect();
        assert!(tables.len() >= 3, "{unit}: {} tables", tables.len());
        for &t in &tables {
            let depth = elems[t].depth;
            let inside: Vec<&Elem> = elems[t + 1..]
                .iter()
                .take_while(|e| e.depth > depth)
                .collect();
            let rows = inside.iter().filter(|e| e.kind == "TR").count();
            let cells = inside
                .iter()
                .filter(|e| e.kind == "TD" || e.kind == "TH")
                .count();
            assert!(
                rows >= 3 && cells >= rows * 2,
                "{unit}: a table of {rows} rows, {cells} cells"
            );
            assert!(
                inside
                    .iter()
                    .any(|e| e.kind == "TH" && e.attrs.iter().any(|a| a.starts_with("/Scope"))),
                "{unit}: header cells carry their scope"
            );
        }
        // Section three's table merges cells across rows and columns.
        let spans: Vec<&String> = elems.iter().flat_map(|e| &e.attrs).collect();
        assert!(
            spans.iter().any(|a| a.starts_with("/RowSpan")),
            "{unit}: RowSpan attributes"
        );
        assert!(
            spans.iter().any(|a| a.starts_with("/ColSpan")),
            "{unit}: ColSpan attributes"
        );

        // Every prose paragraph, in the report's order, is one P's text
        // (a run-in heading is part of its paragraph; a heading on a line
        // of its own, （三）…, is a lower heading, H3).
        let prose = ["P", "H3", "H4", "H5", "H6"];
        let paragraphs: Vec<String> = elems
            .iter()
            .filter(|e| prose.contains(&e.kind.as_str()))
            .map(|e| strip(&e.text))
            .collect();
        let mut at = 0;
        for want in common::paragraph_texts(&data) {
            let found = paragraphs[at..].iter().position(|p| p.contains(&want));
            let Some(k) = found else {
                panic!("{unit}: paragraph not found in order after P #{at}: {want}");
            };
            at += k;
        }

        // Page numbers are artifacts: no element's text is one.
        assert!(
            !elems
                .iter()
                .any(|e| e.text.contains("— 1 —") || e.text.contains("—1—")),
            "{unit}: a page number tagged as content"
        );
    }
}

#[test]
fn a_vertical_cell_reads_as_its_characters_and_repeated_headers_once() {
    let data = goushi();
    let Some((_, elems)) = structure(&data) else {
        return;
    };
    let texts: Vec<String> = elems
        .iter()
        .filter(|e| e.kind == "TH" || e.kind == "TD")
        .map(|e| strip(&e.text))
        .collect();
    // 三、本年度办理结果 is set one character a line down its cell (竖排);
    // it still reads as the words.
    for label in ["三、本年度办理结果", "申请人情况", "自然人"] {
        assert!(
            texts.iter().any(|t| t == label),
            "{label} read as a cell's text: {texts:?}"
        );
    }
    // A header row the table repeats on its next page is an artifact there:
    // the structure has each header cell once.
    let count = |s: &str| texts.iter().filter(|t| *t == s).count();
    assert_eq!(count("申请人情况"), 1, "申请人情况 once");
}

/// A forced render's 草稿 mark is read first, once: a screen-reader user
/// learns what every page shows a sighted one.
#[test]
fn a_drafts_mark_is_read_first_and_once() {
    let mut data = shili();
    common::set(&mut data, "/applications/new/0", serde_json::json!(999));
    let Some((_, elems)) = structure_with(&data, true) else {
        return;
    };
    let draft = strip(nianbao::doc::DRAFT);
    let first = elems.iter().find(|e| !e.text.is_empty()).expect("text");
    assert_eq!(first.kind, "P");
    assert_eq!(strip(&first.text), draft, "the mark first");
    let times = elems.iter().filter(|e| strip(&e.text) == draft).count();
    assert_eq!(times, 1, "the mark once, though every page shows it");
}
