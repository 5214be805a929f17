//! The DOCX read back as Word would: the zip unpacked and its XML parsed
//! (roxmltree), not nianbao's own structures. Table grids (gridSpan,
//! vMerge) equal the official grids with every value in its cell; styles,
//! page setup, document grid, footer PAGE field and header-row flags are
//! there; identical input gives identical bytes; LibreOffice converts it.

use crate::common;

use common::{goushi, shili};
use nianbao::{OutputFormat, RenderOptions};
use roxmltree::{Document, Node};
use serde_json::Value;
use std::io::Read;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn docx(data: &Value) -> Vec<u8> {
    match common::engine().render(data, OutputFormat::Docx, RenderOptions::default()) {
        Ok(r) => {
            common::assert_docx(&r.bytes);
            r.bytes
        }
        Err(d) => panic!("{d}"),
    }
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut file = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the package"));
    let mut text = String::new();
    file.read_to_string(&mut text).expect("utf-8");
    text
}

fn w<'a>(n: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    n.children().find(|c| c.has_tag_name((W, name)))
}

fn attr(n: Node, name: &str) -> Option<String> {
    n.attribute((W, name)).map(str::to_string)
}

fn text_of(n: Node) -> String {
    n.descendants()
        .filter(|d| d.has_tag_name((W, "t")))
        .filter_map(|d| d.text())
        .collect()
}

/// The `w:tbl` elements of a part, in order.
fn tables<'a>(doc: &'a Document<'a>) -> Vec<Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.has_tag_name((W, "tbl")))
        .collect()
}

/// The `w:tr` rows of a table.
fn rows<'a>(tbl: Node<'a, 'a>) -> impl Iterator<Item = Node<'a, 'a>> {
    tbl.children().filter(|c| c.has_tag_name((W, "tr")))
}

/// (r, c, rs, cs, text) of every cell of a `w:tbl`, merges resolved.
fn grid(tbl: Node) -> Vec<(usize, usize, usize, usize, String)> {
    let mut cells: Vec<(usize, usize, usize, usize, String)> = Vec::new();
    for (r, tr) in rows(tbl).enumerate() {
        let mut c = 0;
        for tc in tr.children().filter(|x| x.has_tag_name((W, "tc"))) {
            let pr = w(tc, "tcPr");
            let span = pr
                .and_then(|p| w(p, "gridSpan"))
                .and_then(|g| attr(g, "val"))
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            let vmerge = pr
                .and_then(|p| w(p, "vMerge"))
                .map(|v| attr(v, "val").unwrap_or_else(|| "continue".into()));
            if vmerge.as_deref() == Some("continue") {
                let above = cells
                    .iter_mut()
                    .find(|x| x.1 == c && x.0 + x.2 == r)
                    .expect("a cell above to continue");
                above.2 += 1;
            } else {
                cells.push((r, c, 1, span, text_of(tc)));
            }
            c += span;
        }
    }
    cells.sort_by_key(|x| (x.0, x.1));
    cells
}

#[test]
fn tables_are_the_official_grids_with_every_value() {
    for (data, format) in [(goushi(), "2019"), (shili(), "2021")] {
        let xml = part(&docx(&data), "word/document.xml");
        let doc = Document::parse(&xml).expect("document.xml parses");
        let tables = tables(&doc);
        assert_eq!(tables.len(), 3);
        let labels = data.get("labels").cloned().unwrap_or(Value::Null);
        for ((tbl, section), values) in tables
            .iter()
            .zip(["section2", "section3", "section4"])
            .zip(common::table_values(&data))
        {
            let official = common::official::grid(format, section);
            let ours = grid(*tbl);
            assert_eq!(ours.len(), official.cells.len(), "{format} {section}");
            let cols: usize = w(*tbl, "tblGrid")
                .expect("tblGrid")
                .children()
                .filter(|c| c.is_element())
                .count();
            assert_eq!(cols, official.cols, "{format} {section} tblGrid");
            let mut values = values.into_iter();
            for (got, want) in ours.iter().zip(&official.cells) {
                assert_eq!(
                    (got.0, got.1, got.2, got.3),
                    (want.r, want.c, want.rs, want.cs),
                    "{format} {section} {want:?}"
                );
                let expected = common::expected_text(want, &labels, &mut values);
                assert_eq!(got.4, expected, "{format} {section} r{} c{}", got.0, got.1);
            }
        }
    }
}

#[test]
fn rows_header_flags_vertical_cell_and_borders() {
    let xml = part(&docx(&shili()), "word/document.xml");
    let doc = Document::parse(&xml).expect("parses");
    let tables = tables(&doc);
    for (t, header) in tables.iter().zip([0, 3, 3]) {
        for (i, tr) in rows(*t).enumerate() {
            let pr = w(tr, "trPr").expect("trPr");
            assert!(w(pr, "cantSplit").is_some(), "rows do not split");
            assert_eq!(
                w(pr, "tblHeader").is_some(),
                i < header,
                "row {i}: header flag"
            );
        }
    }
    let vertical = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "textDirection")))
        .filter_map(|n| attr(n, "val"))
        .collect::<Vec<_>>();
    assert_eq!(vertical, ["tbRlV"], "the 三、本年度办理结果 cell");
    let sizes: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "tcBorders")))
        .flat_map(|b| b.children())
        .filter_map(|e| attr(e, "sz"))
        .collect();
    assert!(
        !sizes.is_empty() && sizes.iter().all(|s| s == "4"),
        "single 0.5 pt borders"
    );
}

/// A title given as two lines is one Title paragraph with a line break,
/// so its space after comes once, below the title (as in the PDF).
#[test]
fn a_two_line_title_is_one_paragraph() {
    let xml = part(&docx(&shili()), "word/document.xml");
    let doc = Document::parse(&xml).expect("parses");
    let titles: Vec<Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .filter(|p| {
            w(*p, "pPr")
                .and_then(|pr| w(pr, "pStyle"))
                .and_then(|s| attr(s, "val"))
                .as_deref()
                == Some("Title")
        })
        .collect();
    assert_eq!(titles.len(), 1);
    assert_eq!(
        text_of(titles[0]),
        "示例镇人民政府2021年政府信息公开工作年度报告"
    );
    let breaks = titles[0]
        .descendants()
        .filter(|n| n.has_tag_name((W, "br")))
        .count();
    assert_eq!(breaks, 1);
}

/// Whether every paragraph of a row keeps with the next (Word's way of
/// keeping table rows together).
fn row_keeps(tr: Node) -> bool {
    let ps: Vec<Node> = tr
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .collect();
    !ps.is_empty()
        && ps
            .iter()
            .all(|p| w(*p, "pPr").and_then(|pr| w(pr, "keepNext")).is_some())
}

/// A group's heading rows keep with what follows, and so do the rows of a
/// small merged group (（三）不予公开 and its eight reasons) but its last;
/// the tall 三、本年度办理结果 group may break, but not within three rows
/// of either end.
#[test]
fn group_rows_keep_together_on_a_page() {
    let xml = part(&docx(&shili()), "word/document.xml");
    let doc = Document::parse(&xml).expect("parses");
    let tables = tables(&doc);
    let kept = |t: Node| -> Vec<(String, bool)> {
        rows(t).map(|tr| (text_of(tr), row_keeps(tr))).collect()
    };
    // Table 二: each 第二十条 heading row and its column headings keep with
    // the first data row; the last data row of a group does not.
    let two = kept(tables[0]);
    assert!(two[0].0.contains("第二十条第（一）项") && two[0].1);
    assert!(two[1].1, "column headings keep with the data");
    let before_next = two
        .iter()
        .position(|r| r.0.contains("第二十条第（五）项"))
        .expect("group five")
        - 1;
    assert!(!two[before_next].1, "a group's last row may end a page");
    // Table 三: the eight rows of （三）不予公开 stay together.
    let three = kept(tables[1]);
    let first = three
        .iter()
        .position(|r| r.0.contains("不予公开") && r.0.contains("属于国家秘密"))
        .expect("（三） starts");
    for r in &three[first..first + 7] {
        assert!(r.1, "kept: {}", r.0);
    }
    assert!(
        !three[first + 7].1,
        "the group's last row: {}",
        three[first + 7].0
    );
    // The tall 三、本年度办理结果 group may break, but keeps its first three
    // rows and its last three together, so each piece shows part of its
    // label.
    let start = three
        .iter()
        .position(|r| r.0.contains("予以公开"))
        .expect("（一）予以公开");
    assert!(three[start].1 && three[start + 1].1, "the group's head");
    let other = three
        .iter()
        .position(|r| r.0.starts_with("3.其他"))
        .expect("（六） 3.其他");
    assert!(three[other].1, "the group's tail: {}", three[other].0);
    assert!(three[other + 1].0.contains("总计"));
}

/// Word's "keep with next" on the blocks the PDF keeps together (issue
/// #24): every heading paragraph (the six sections and a subheading
/// standing alone) and every paragraph of a table's caption and header
/// rows (第二十条第（N）项, the column headings, tables 三 and 四's
/// heads), found by their words, so that Word never ends a page with
/// one. Both formats.
#[test]
fn headings_and_caption_rows_keep_with_next() {
    const HEADINGS: [&str; 7] = [
        common::official::SECTIONS[0],
        common::official::SECTIONS[1],
        common::official::SECTIONS[2],
        common::official::SECTIONS[3],
        common::official::SECTIONS[4],
        common::official::SECTIONS[5],
        "（六）其他工作情况",
    ];
    // Words only the caption and header rows hold.
    const CAPTION: [&str; 7] = [
        "第二十条",
        "信息内容",
        "申请人情况",
        "法人或其他组织",
        "商业企业",
        "行政复议",
        "结果维持",
    ];
    let keeps = |p: Node| w(p, "pPr").and_then(|pr| w(pr, "keepNext")).is_some();
    for (mut data, caption_rows) in [(goushi(), 16), (shili(), 14)] {
        let mut overview = data["overview"].as_array().expect("overview").clone();
        overview.push(serde_json::json!({ "heading": HEADINGS[6] }));
        common::set(&mut data, "/overview", Value::Array(overview));
        let xml = part(&docx(&data), "word/document.xml");
        let doc = Document::parse(&xml).expect("parses");
        let body = w(doc.root_element(), "body").expect("w:body");
        let headings: Vec<Node> = body
            .children()
            .filter(|p| p.has_tag_name((W, "p")) && HEADINGS.contains(&text_of(*p).as_str()))
            .collect();
        assert_eq!(headings.len(), HEADINGS.len(), "every heading found");
        for h in headings {
            assert!(keeps(h), "heading {} keeps with next", text_of(h));
        }
        let mut found = 0;
        for tr in tables(&doc).into_iter().flat_map(rows) {
            let text = text_of(tr);
            if !CAPTION.iter().any(|c| text.contains(c)) {
                continue;
            }
            found += 1;
            for p in tr.descendants().filter(|n| n.has_tag_name((W, "p"))) {
                assert!(keeps(p), "a paragraph of the row {text} keeps with next");
            }
        }
        assert_eq!(found, caption_rows, "caption and header rows found");
    }
}

#[test]
fn styles_page_grid_and_fonts() {
    let bytes = docx(&goushi());
    let styles = part(&bytes, "word/styles.xml");
    let sdoc = Document::parse(&styles).expect("styles parse");
    let style = |id: &str| {
        sdoc.descendants()
            .find(|n| n.has_tag_name((W, "style")) && attr(*n, "styleId").as_deref() == Some(id))
    };
    let h1 = style("Heading1").expect("Heading1");
    assert_eq!(
        w(h1, "name").and_then(|n| attr(n, "val")).as_deref(),
        Some("heading 1")
    );
    let lvl = h1
        .descendants()
        .find(|n| n.has_tag_name((W, "outlineLvl")))
        .and_then(|n| attr(n, "val"));
    assert_eq!(lvl.as_deref(), Some("0"), "in the navigation pane");
    assert!(style("Title").is_some() && style("Normal").is_some());
    let alias = w(h1, "aliases").and_then(|a| attr(a, "val"));
    assert_eq!(alias.as_deref(), Some("标题 1"), "its Chinese name");

    let xml = part(&bytes, "word/document.xml");
    let doc = Document::parse(&xml).expect("parses");
    let sect = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "sectPr")))
        .expect("sectPr");
    let pg = w(sect, "pgSz").expect("pgSz");
    assert_eq!(
        (attr(pg, "w").as_deref(), attr(pg, "h").as_deref()),
        (Some("11906"), Some("16838")),
        "A4"
    );
    let mar = w(sect, "pgMar").expect("pgMar");
    assert_eq!(attr(mar, "top").as_deref(), Some("2098"), "37 mm");
    assert_eq!(attr(mar, "left").as_deref(), Some("1587"), "28 mm");
    let g = w(sect, "docGrid").expect("docGrid");
    assert_eq!(attr(g, "type").as_deref(), Some("linesAndChars"));
    let pitch: f64 = attr(g, "linePitch")
        .and_then(|v| v.parse().ok())
        .expect("linePitch");
    assert!(
        (pitch / 20.0 * 22.0 - 225.0 / 25.4 * 72.0).abs() < 1.0,
        "22 lines on 225 mm"
    );
    let refs: Vec<String> = sect
        .children()
        .filter(|c| c.has_tag_name((W, "footerReference")))
        .filter_map(|c| attr(c, "type"))
        .collect();
    assert_eq!(refs, ["default", "even"]);
    assert!(part(&bytes, "word/settings.xml").contains("evenAndOddHeaders"));

    // Every run names its East Asian font; body paragraphs are exact 28.95 pt
    // with a two-character first-line indent.
    for r in doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "r")) && text_of(*n).chars().any(|c| c as u32 > 0x3000))
    {
        let fonts = r
            .descendants()
            .find(|n| n.has_tag_name((W, "rFonts")))
            .expect("rFonts");
        assert!(
            attr(fonts, "eastAsia").is_some(),
            "eastAsia on every Chinese run"
        );
    }
    let body = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .find(|p| text_of(*p).starts_with("2020年，我镇认真贯彻"))
        .expect("the first body paragraph");
    let ppr = w(body, "pPr").expect("pPr");
    let spacing = w(ppr, "spacing").expect("spacing");
    assert_eq!(
        (
            attr(spacing, "line").as_deref(),
            attr(spacing, "lineRule").as_deref()
        ),
        (Some("579"), Some("exact"))
    );
    assert!(w(ppr, "widowControl").is_some(), "widow and orphan control");
    let heading = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .find(|p| text_of(*p) == "五、存在的主要问题及改进情况")
        .expect("a section heading");
    assert!(
        w(w(heading, "pPr").expect("pPr"), "keepNext").is_some(),
        "kept with the next paragraph"
    );
    let ind = w(ppr, "ind").expect("ind");
    assert_eq!(
        attr(ind, "firstLine").as_deref(),
        Some("640"),
        "two 16 pt characters"
    );
    let east: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "rFonts")))
        .filter_map(|n| attr(n, "eastAsia"))
        .collect();
    for name in [
        "仿宋_GB2312",
        "黑体",
        "楷体_GB2312",
        "方正小标宋简体",
        "宋体",
    ] {
        assert!(east.iter().any(|e| e == name), "{name} used");
    }
}

#[test]
fn footers_carry_a_page_field_outside() {
    let bytes = docx(&shili());
    for (name, side) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
        let xml = part(&bytes, name);
        let doc = Document::parse(&xml).expect("footer parses");
        // A simple field (`w:fldSimple w:instr`) or a complex one
        // (`w:instrText`): Word reads both.
        let instr: String = doc
            .descendants()
            .filter_map(|n| {
                if n.has_tag_name((W, "instrText")) {
                    n.text().map(str::to_string)
                } else if n.has_tag_name((W, "fldSimple")) {
                    attr(n, "instr")
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(instr.trim(), "PAGE");
        let jc = doc
            .descendants()
            .find(|n| n.has_tag_name((W, "jc")))
            .and_then(|n| attr(n, "val"));
        assert_eq!(jc.as_deref(), Some(side), "{name}");
        assert!(text_of(doc.root()).contains('—'), "— N —");
    }
}

#[test]
fn identical_input_gives_identical_bytes_and_parts_are_deflated() {
    let engine = common::engine();
    let a = engine
        .render(&shili(), OutputFormat::Docx, RenderOptions::default())
        .expect("renders")
        .bytes;
    let _ = engine
        .render(&goushi(), OutputFormat::Docx, RenderOptions::default())
        .expect("renders");
    let b = engine
        .render(&shili(), OutputFormat::Docx, RenderOptions::default())
        .expect("renders")
        .bytes;
    assert!(
        a == b,
        "the Nth document of a process is the same as the first"
    );
    let other_thread = std::thread::spawn(move || {
        common::engine()
            .render(&shili(), OutputFormat::Docx, RenderOptions::default())
            .expect("renders")
            .bytes
    })
    .join()
    .expect("thread");
    assert!(a == other_thread, "and on another thread");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&a)).expect("zip");
    let doc = zip.by_name("word/document.xml").expect("document");
    assert_eq!(doc.compression(), zip::CompressionMethod::Deflated);
}

#[test]
fn libreoffice_converts_it_with_every_paragraph() {
    if !common::tools::have(
        "soffice",
        &["--version"],
        "libreoffice-writer-nogui",
        "converting the DOCX with LibreOffice",
    ) || !common::pdfread::have_poppler()
    {
        return;
    }
    let soffice = "soffice";
    let dir = std::env::temp_dir().join(format!("nianbao-lo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    for (name, data) in [("shili", shili()), ("goushi", goushi())] {
        let input = dir.join(format!("{name}.docx"));
        std::fs::write(&input, docx(&data)).expect("write");
        let profile = format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        );
        let out = std::process::Command::new(soffice)
            .args([
                profile.as_str(),
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
            ])
            .arg(&dir)
            .arg(&input)
            .output()
            .expect("soffice runs");
        let pdf = dir.join(format!("{name}.pdf"));
        assert!(
            pdf.exists(),
            "LibreOffice converted the DOCX: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text: String = common::pdfread::text(&pdf)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for t in common::paragraph_texts(&data) {
            // Word-like layout hyphenates nothing, but a page footer may
            // fall inside a paragraph: look for its first and last parts.
            let n = t.chars().count().min(12);
            let head: String = t.chars().take(n).collect();
            let tail: String = t.chars().skip(t.chars().count() - n).collect();
            assert!(
                text.contains(&head) && text.contains(&tail),
                "paragraph missing: {t}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
