//! The DOCX as Word takes it: both OOXML validators accept every file
//! nianbao writes (and refuse a broken one, so the check is live), the
//! Word settings match the PDF (no automatic space between Chinese and
//! Latin, the title broken where the PDF breaks it, the office fonts with
//! the stock faces Word substitutes), and no XML is patched as text.

use crate::common;

use common::{goushi, root, shili, tools};
use nianbao::{Engine, OutputFormat, RenderOptions};
use roxmltree::{Document, Node};
use serde_json::Value;
use std::io::{Read, Write};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn render(engine: &Engine, data: &Value, format: OutputFormat) -> Vec<u8> {
    engine
        .render(data, format, RenderOptions::default())
        .unwrap_or_else(|d| panic!("{d}"))
        .bytes
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the package"))
        .read_to_string(&mut text)
        .expect("utf-8");
    text
}

fn val(n: Node, name: &str) -> Option<String> {
    n.children()
        .find(|c| c.has_tag_name((W, name)))
        .and_then(|c| c.attribute((W, "val")))
        .map(str::to_string)
}

/// Both formats, a long one-string title, rare characters: every DOCX is
/// valid for both validators (`assert_docx` runs them).
#[test]
fn every_docx_passes_both_validators() {
    let engine = common::engine();
    let mut long = goushi();
    common::set(
        &mut long,
        "/title",
        Value::String("伊金霍洛旗人民政府办公室2023年政府信息公开工作年度报告".into()),
    );
    let mut rare = shili();
    common::set(&mut rare, "/unit", Value::String("甪堃镇人民政府".into()));
    for data in [goushi(), shili(), long, rare] {
        common::assert_docx(&render(&engine, &data, OutputFormat::Docx));
    }
}

/// A custom bundle (the built-in one exported, with other Word font
/// names, no page numbers and a table rule of 1 pt) still gives a valid
/// DOCX.
#[test]
fn a_custom_bundle_gives_a_valid_docx() {
    let dir = std::env::temp_dir().join(format!("nianbao-docx-bundle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = common::cli(
        &[
            "templates",
            "export",
            "annual-report",
            dir.to_str().expect("utf-8"),
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let style = dir.join("style.toml");
    let text = std::fs::read_to_string(&style).expect("style.toml");
    let text = text
        .replace("docx = \"仿宋_GB2312\"", "docx = \"华文仿宋\"")
        .replace("docx = \"黑体\"", "docx = \"Microsoft YaHei\"");
    std::fs::write(&style, text).expect("write");
    let bundle = nianbao::template::Bundle::from_dir(&dir).expect("bundle");
    let engine = Engine::with_bundle(&bundle).expect("engine");
    let bytes = render(&engine, &shili(), OutputFormat::Docx);
    common::assert_docx(&bytes);
    let fonts = part(&bytes, "word/fontTable.xml");
    assert!(fonts.contains("华文仿宋") && fonts.contains("Microsoft YaHei"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The validators are live: a DOCX with `w:tblLayout` moved before
/// `w:tblW` (out of schema order) is refused by the SDK validator, and one
/// with a table cell without a paragraph by openxml-audit.
#[test]
fn the_validators_refuse_a_broken_docx() {
    let good = render(&common::engine(), &goushi(), OutputFormat::Docx);
    let xml = part(&good, "word/document.xml");
    let layout = r#"<w:tblLayout w:type="fixed"/>"#;
    assert!(xml.contains(layout), "the table layout element");
    // Broken on purpose, as test input: the layout first in w:tblPr.
    let broken = xml
        .replace(layout, "")
        .replace("<w:tblPr>", &format!("<w:tblPr>{layout}"));
    let bad = repack(&good, "word/document.xml", broken.as_bytes());
    let path = std::env::temp_dir().join(format!("nianbao-bad-{}.docx", std::process::id()));
    std::fs::write(&path, &bad).expect("write");
    if let Some(errors) = tools::sdk_errors(&path) {
        assert!(!errors.is_empty(), "the SDK validator saw the wrong order");
    }
    if let Some(errors) = tools::audit_errors(&path) {
        assert!(!errors.is_empty(), "openxml-audit saw the wrong order");
    }
    let _ = std::fs::remove_file(&path);
}

fn repack(docx: &[u8], name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let entry = f.name().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("read");
        out.start_file(entry.as_str(), zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(if entry == name { bytes } else { &data })
            .expect("write");
    }
    out.finish().expect("finish").into_inner()
}

/// "2020年", not "2020 年": automatic spacing between Chinese and Latin
/// or digits is off in the defaults and in Normal.
#[test]
fn no_automatic_space_between_chinese_and_digits() {
    let styles = part(
        &render(&common::engine(), &goushi(), OutputFormat::Docx),
        "word/styles.xml",
    );
    let doc = Document::parse(&styles).expect("styles");
    let defaults = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "pPrDefault")))
        .and_then(|n| n.children().find(|c| c.has_tag_name((W, "pPr"))))
        .expect("pPrDefault/pPr");
    let normal = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "style")) && n.attribute((W, "styleId")) == Some("Normal"))
        .and_then(|n| n.children().find(|c| c.has_tag_name((W, "pPr"))))
        .expect("Normal's pPr");
    for ppr in [defaults, normal] {
        for name in ["autoSpaceDE", "autoSpaceDN"] {
            assert_eq!(val(ppr, name).as_deref(), Some("0"), "{name}");
        }
    }
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "style")))
        .filter_map(|n| n.attribute((W, "styleId")))
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "no style twice: {ids:?}");
}

/// The lines of the DOCX title paragraph, split at its `w:br`.
fn docx_title_lines(bytes: &[u8]) -> Vec<String> {
    let xml = part(bytes, "word/document.xml");
    let doc = Document::parse(&xml).expect("document");
    let title = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .find(|p| {
            p.descendants()
                .find(|n| n.has_tag_name((W, "pStyle")))
                .and_then(|s| s.attribute((W, "val")))
                == Some("Title")
        })
        .expect("a Title paragraph");
    let mut lines = vec![String::new()];
    for n in title.descendants() {
        if n.has_tag_name((W, "br")) {
            lines.push(String::new());
        } else if n.has_tag_name((W, "t")) {
            if let Some(last) = lines.last_mut() {
                last.push_str(n.text().unwrap_or(""));
            }
        }
    }
    lines
}

/// The lines of the PDF's title, read back by poppler: the words on page
/// 1 set at the size of its first word (the title's), grouped by baseline.
fn pdf_title_lines(pdf: &[u8], name: &str) -> Vec<String> {
    let path =
        std::env::temp_dir().join(format!("nianbao-title-{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, pdf).expect("write");
    let words = common::pdfread::words(&path);
    let _ = std::fs::remove_file(&path);
    let mut lines: Vec<(f64, String)> = Vec::new();
    let height = |w: &&common::pdfread::Word| w.y1 - w.y0;
    let title = words[0].first().map_or(0.0, |w| height(&w));
    for w in words[0].iter().filter(|w| (height(w) - title).abs() < 0.5) {
        match lines.iter_mut().find(|(y, _)| (y - w.y1).abs() < 2.0) {
            Some((_, text)) => text.push_str(&w.text),
            None => lines.push((w.y1, w.text.clone())),
        }
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    lines.into_iter().map(|(_, t)| t).collect()
}

/// The DOCX title is broken by `w:br` exactly into the PDF's lines, for a
/// title given as one string (broken by nianbao) and as lines.
#[test]
fn the_title_breaks_where_the_pdf_breaks_it() {
    if !common::pdfread::have_poppler() {
        return;
    }
    let engine = common::engine();
    let mut long = goushi();
    common::set(
        &mut long,
        "/title",
        Value::String("伊金霍洛旗人民政府办公室2023年政府信息公开工作年度报告".into()),
    );
    for (name, data) in [("goushi", goushi()), ("shili", shili()), ("long", long)] {
        let docx = docx_title_lines(&render(&engine, &data, OutputFormat::Docx));
        let pdf = pdf_title_lines(&render(&engine, &data, OutputFormat::Pdf), name);
        assert!(docx.len() >= 2, "{name}: a title of two lines: {docx:?}");
        assert_eq!(docx, pdf, "{name}");
    }
}

/// Each office font names the stock Windows face Word substitutes on a
/// machine without it, with the GB2312 character set (86).
#[test]
fn the_font_table_names_substitutes() {
    let xml = part(
        &render(&common::engine(), &shili(), OutputFormat::Docx),
        "word/fontTable.xml",
    );
    let doc = Document::parse(&xml).expect("fontTable");
    let font = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name((W, "font")) && n.attribute((W, "name")) == Some(name))
            .unwrap_or_else(|| panic!("{name} in the font table"))
    };
    for (name, alt) in [
        ("仿宋_GB2312", "仿宋"),
        ("楷体_GB2312", "楷体"),
        ("方正小标宋简体", "宋体"),
    ] {
        let f = font(name);
        assert_eq!(val(f, "altName").as_deref(), Some(alt), "{name}");
        assert_eq!(val(f, "charset").as_deref(), Some("86"), "{name}");
        assert!(val(f, "panose1").is_some_and(|p| p.len() == 20), "{name}");
    }
    assert_eq!(val(font("黑体"), "charset").as_deref(), Some("86"));
}

/// No XML is repaired as text anywhere in the writers: no `.replace(` on
/// a string that holds a tag.
#[test]
fn no_xml_is_patched_as_text() {
    let mut offenders = Vec::new();
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            for (i, line) in text.lines().enumerate() {
                let l = line.replace(' ', "");
                if l.contains(".replace(\"<") || l.contains(".replace(r#\"<") {
                    offenders.push(format!("{}:{}", path.display(), i + 1));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "XML patched as text: {offenders:?}");
}

/// A second layout engine beside LibreOffice, dxpdf (Skia-based, PyPI),
/// lays out every page of both samples, and every paragraph's text is on
/// them. Layout differences between readers are expected; a failure or
/// missing text is not.
#[test]
fn dxpdf_lays_out_every_page() {
    if !tools::have_python_module("dxpdf", "dxpdf", "laying the DOCX out with dxpdf")
        || !common::pdfread::have_poppler()
    {
        return;
    }
    let engine = common::engine();
    let dir = std::env::temp_dir().join(format!("nianbao-dxpdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    for (name, data) in [("goushi", goushi()), ("shili", shili())] {
        let input = dir.join(format!("{name}.docx"));
        let output = dir.join(format!("{name}.pdf"));
        std::fs::write(&input, render(&engine, &data, OutputFormat::Docx)).expect("write");
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys, dxpdf; dxpdf.convert_file(sys.argv[1], sys.argv[2])",
            ])
            .arg(&input)
            .arg(&output)
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success() && output.exists(),
            "dxpdf failed on {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text: String = common::pdfread::text(&output)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for para in common::paragraph_texts(&data) {
            let n = para.chars().count().min(10);
            let head: String = para.chars().take(n).collect();
            let tail: String = para.chars().skip(para.chars().count() - n).collect();
            assert!(
                text.contains(&head) && text.contains(&tail),
                "{name}: dxpdf lost a paragraph: {para}"
            );
        }
        for label in ["一、总体情况", "三、收到和处理政府信息公开申请情况", "总计"]
        {
            assert!(text.contains(label), "{name}: {label}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
