//! The OFD as its readers get it, read back with none of nianbao's code:
//! `tests/common/ofdread.py` (a parser written from GB/T 33190-2016 with
//! zipfile, ElementTree and fontTools), easyofd's and ofdkit's parsers
//! (PyPI), and sOFD
//! (`sofd`, crates.io `sofd-cli`), which renders each page from the
//! package's own fonts. Checked: the container, namespace and DocInfo;
//! A4 pages as many as the PDF's; every font embedded and covering every
//! character drawn with it; the text in the PDF's reading order, and every
//! prose paragraph in order; the tables as stroked paths that rebuild the
//! official grids; each page rendered like the PDF's; identical bytes.

use crate::common;

use common::{goushi, pdfread, root, shili, tools};
use nianbao::{OutputFormat, RenderOptions};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-ofd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    dir.join(name)
}

/// The report as an OFD and a PDF from one render (the same pages), both
/// written to the temporary directory.
fn render(name: &str, data: &Value, opts: RenderOptions) -> (PathBuf, PathBuf) {
    let all = common::engine()
        .render_all(data, &[OutputFormat::Ofd, OutputFormat::Pdf], opts)
        .unwrap_or_else(|d| panic!("{d}"));
    let (ofd, pdf) = (temp(&format!("{name}.ofd")), temp(&format!("{name}.pdf")));
    std::fs::write(&ofd, &all[0].bytes).expect("write");
    std::fs::write(&pdf, &all[1].bytes).expect("write");
    (ofd, pdf)
}

/// Whether the Python readers (and `program`, when one is named) are
/// installed; under CI they must be.
fn have_readers(what: &str, program: Option<(&str, &str)>) -> bool {
    tools::have_python_module("fontTools", "pip install fonttools", what)
        && tools::have_python_module("easyofd", "pip install easyofd", what)
        && program.is_none_or(|(p, package)| tools::have(p, &["-v"], package, what))
}

/// What the independent reader finds in the package.
fn read(path: &Path) -> Value {
    let out = Command::new("python3")
        .arg(root().join("tests/common/ofdread.py"))
        .arg(path)
        .arg("--easyofd")
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "ofdread.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the reader's JSON")
}

fn strip(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Each page's text as poppler reads the PDF in content order.
fn pdf_pages_text(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let mut pages: Vec<String> = text.split('\u{c}').map(strip).collect();
    if pages.last().is_some_and(String::is_empty) {
        pages.pop();
    }
    pages
}

fn pages(read: &Value) -> &Vec<Value> {
    read["pages"].as_array().expect("pages")
}

fn page_text(page: &Value) -> String {
    let runs = page["texts"].as_array().expect("texts");
    strip(
        &runs
            .iter()
            .filter_map(|t| t["text"].as_str())
            .collect::<String>(),
    )
}

#[test]
fn the_package_is_what_the_standard_describes() {
    if !have_readers("the OFD package test", Some(("pdfinfo", "poppler-utils"))) {
        return;
    }
    for (name, data) in [("goushi", goushi()), ("shili", shili())] {
        let opts = RenderOptions {
            created: Some(1_700_000_000),
            ..RenderOptions::default()
        };
        let (ofd, pdf) = render(name, &data, opts);
        let r = read(&ofd);
        // 7.4: the entry file first, the parts deflated (method 8).
        assert_eq!(r["entries"][0], "OFD.xml", "{name}");
        assert_eq!(r["methods"], serde_json::json!([8]), "{name}");
        assert_eq!(r["root"], "{http://www.ofdspec.org/2016}OFD", "{name}");
        assert_eq!(
            (&r["version"], &r["doc_type"]),
            (&"1.0".into(), &"OFD".into())
        );
        let info = &r["docinfo"];
        let unit = data["unit"].as_str().expect("unit");
        let year = data["year"].as_u64().expect("year");
        assert_eq!(
            info["Title"],
            format!("{unit}{year}年政府信息公开工作年度报告")
        );
        assert_eq!(info["Author"], unit);
        assert_eq!(
            info["CreationDate"], "2023-11-14",
            "SOURCE_DATE_EPOCH's date"
        );
        assert_eq!(info["Creator"], "nianbao");
        let id = info["DocID"].as_str().expect("DocID");
        assert!(
            id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()),
            "DocID {id}"
        );
        // Unit IDs: unique, and MaxUnitID is the greatest.
        let ids: Vec<u64> = r["unit_ids"]
            .as_array()
            .expect("ids")
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        let unique: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{name}: unit IDs repeat");
        assert_eq!(r["max_unit_id"].as_u64(), ids.iter().max().copied());
        // A4 pages, as many as the PDF's (poppler's count).
        let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo");
        let info = String::from_utf8_lossy(&info.stdout).into_owned();
        let count: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("pdfinfo's page count");
        assert_eq!(pages(&r).len(), count, "{name}: pages");
        for p in pages(&r) {
            assert_eq!(p["box"], serde_json::json!([0.0, 0.0, 210.0, 297.0]));
            assert_eq!(p["images"], 0, "{name}: no image stands in for text");
            assert_eq!(
                p["outside"],
                serde_json::json!([]),
                "{name}: objects drawn outside their Boundary"
            );
        }
        // The outline: the six sections.
        let outline: Vec<&str> = r["outline"]
            .as_array()
            .expect("outline")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let marks = ["一、", "二、", "三、", "四、", "五、", "六、"];
        assert_eq!(outline.len(), 6, "{name}: {outline:?}");
        for (title, mark) in outline.iter().zip(marks) {
            assert!(title.starts_with(mark), "{name}: outline {title}");
        }
        // Fonts: each one a file in the package that covers the text.
        let fonts = r["fonts"].as_object().expect("fonts");
        assert!(!fonts.is_empty());
        for (id, f) in fonts {
            assert_eq!(f["in_package"], true, "{name}: font {id} embedded");
            assert_eq!(f["missing"], "", "{name}: font {id} lacks characters");
            assert_eq!(f["bad_glyphs"], serde_json::json!([]), "{name}: font {id}");
            let tables = f["tables"].as_array().expect("tables");
            for t in [
                "cmap", "head", "hhea", "hmtx", "maxp", "name", "OS/2", "post",
            ] {
                assert!(tables.iter().any(|x| x == t), "{name}: font {id} has {t}");
            }
            assert!(tables.iter().any(|x| x == "CFF " || x == "glyf"));
        }
    }
}

#[test]
fn text_reads_as_the_pdf_does_and_the_prose_in_order() {
    if !have_readers("the OFD text test", Some(("pdftotext", "poppler-utils"))) {
        return;
    }
    for (name, data) in [("goushi", goushi()), ("shili", shili())] {
        let (ofd, pdf) = render(&format!("{name}-text"), &data, RenderOptions::default());
        let r = read(&ofd);
        let ours: Vec<String> = pages(&r).iter().map(page_text).collect();
        assert_eq!(ours, pdf_pages_text(&pdf), "{name}: the pages' text");
        let easy: Vec<String> = r["easyofd_pages"]
            .as_array()
            .expect("easyofd's pages")
            .iter()
            .map(|p| strip(p.as_str().unwrap_or("")))
            .collect();
        assert_eq!(easy, ours, "{name}: easyofd reads the same text");
        // Page numbers ("— 4 —") sit between the pages' text: leave them out.
        let all: String = pages(&r)
            .iter()
            .flat_map(|p| p["texts"].as_array().expect("texts"))
            .filter_map(|t| t["text"].as_str())
            .filter(|t| !(t.starts_with('—') && t.ends_with('—')))
            .map(strip)
            .collect();
        assert_prose_in_order(name, &all, &data);
    }
}

/// Every prose paragraph of the report is in `text` (white space
/// removed), in the report's order.
fn assert_prose_in_order(who: &str, text: &str, data: &Value) {
    let mut from = 0;
    for p in common::paragraph_texts(data) {
        let at = text[from..]
            .find(&p)
            .unwrap_or_else(|| panic!("{who}: paragraph in order: {p}"));
        from += at + p.len();
    }
}

/// ofdkit (PyPI), a third reader: its DocInfo, page boxes and each
/// page's text.
const OFDKIT: &str = r#"
import json, sys, ofdkit
d = ofdkit.open(sys.argv[1])
i = d.info
print(json.dumps({
    "warnings": [str(w) for w in d.warnings],
    "info": [i.title, i.author, i.creation_date, i.creator],
    "boxes": [list(p.box) for p in d.pages],
    "pages": [p.text() for p in d.pages],
}, ensure_ascii=False))
"#;

/// ofdkit reads the same metadata, A4 pages and characters as the parser
/// above, and the prose in order.
#[test]
fn ofdkit_reads_the_same_document() {
    if !tools::have_python_module("ofdkit", "pip install ofdkit", "the ofdkit test")
        || !have_readers("the ofdkit test", None)
    {
        return;
    }
    let data = goushi();
    let opts = RenderOptions {
        created: Some(1_700_000_000),
        ..RenderOptions::default()
    };
    let (ofd, _) = render("goushi-ofdkit", &data, opts);
    let out = Command::new("python3")
        .args(["-c", OFDKIT])
        .arg(&ofd)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kit: Value = serde_json::from_slice(&out.stdout).expect("ofdkit's JSON");
    assert_eq!(kit["warnings"], serde_json::json!([]));
    let r = read(&ofd);
    let info = &r["docinfo"];
    assert_eq!(
        kit["info"],
        serde_json::json!([info["Title"], info["Author"], "2023-11-14", "nianbao"])
    );
    let boxes = kit["boxes"].as_array().expect("boxes");
    assert_eq!(boxes.len(), pages(&r).len());
    for b in boxes {
        assert_eq!(b, &serde_json::json!([0.0, 0.0, 210.0, 297.0]));
    }
    // ofdkit orders a table's text by position, so each page is compared
    // as the characters it holds, and the prose in order.
    let sorted = |s: String| {
        let mut c: Vec<char> = s.chars().collect();
        c.sort_unstable();
        c
    };
    let texts: Vec<&str> = kit["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .map(|p| p.as_str().unwrap_or(""))
        .collect();
    let theirs: Vec<Vec<char>> = texts.iter().map(|t| sorted(strip(t))).collect();
    let ours: Vec<Vec<char>> = pages(&r).iter().map(|p| sorted(page_text(p))).collect();
    assert_eq!(theirs, ours, "the characters of each page");
    let all: String = texts
        .iter()
        .flat_map(|t| t.lines())
        .filter(|l| !(l.trim().starts_with('—') && l.trim().ends_with('—')))
        .map(strip)
        .collect();
    assert_prose_in_order("ofdkit", &all, &data);
}

/// The vertical cell (表三 「三、本年度办理结果」) draws its punctuation in
/// the vertical forms of Unicode's Vertical Forms and CJK Compatibility
/// Forms blocks, while its text keeps the characters written: each glyph
/// a `CGTransform` names is the one the embedded font maps the vertical
/// form to.
#[test]
fn a_vertical_cell_draws_the_vertical_forms() {
    if !have_readers("the OFD vertical-cell test", None) {
        return;
    }
    // The Unicode code charts (U+FE10–FE19, U+FE30–FE4F).
    let vertical = [
        ('，', '\u{FE10}'),
        ('、', '\u{FE11}'),
        ('。', '\u{FE12}'),
        ('：', '\u{FE13}'),
        ('；', '\u{FE14}'),
        ('！', '\u{FE15}'),
        ('？', '\u{FE16}'),
        ('（', '\u{FE35}'),
        ('）', '\u{FE36}'),
        ('《', '\u{FE3D}'),
        ('》', '\u{FE3E}'),
    ];
    for (name, data) in [("goushi", goushi()), ("shili", shili())] {
        let (ofd, _) = render(&format!("{name}-vertical"), &data, RenderOptions::default());
        let r = read(&ofd);
        let named: Vec<&Value> = pages(&r)
            .iter()
            .flat_map(|p| p["texts"].as_array().expect("texts"))
            .flat_map(|t| t["glyph_transforms"].as_array().expect("transforms"))
            .collect();
        assert!(!named.is_empty(), "{name}: the vertical cell's 、");
        for n in named {
            let c = n[0]
                .as_str()
                .and_then(|s| s.chars().next())
                .expect("a character");
            let (_, form) = vertical
                .iter()
                .find(|(h, _)| *h == c)
                .unwrap_or_else(|| panic!("{name}: {c} has no vertical form"));
            let maps_to: Vec<&str> = n[2]
                .as_array()
                .expect("chars")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert!(
                maps_to.contains(&form.to_string().as_str()),
                "{name}: {c} drawn with a glyph the font maps to {maps_to:?}, not {form}"
            );
        }
    }
}

/// A text run as a word for the grid reader: its box from the glyph
/// origins and the type size, in points from the top-left corner.
fn words(page: &Value) -> Vec<pdfread::Word> {
    let pt = |mm: f64| mm * 72.0 / 25.4;
    let runs = page["texts"].as_array().expect("texts");
    runs.iter()
        .map(|t| {
            let xs: Vec<f64> = t["xs"]
                .as_array()
                .expect("xs")
                .iter()
                .filter_map(Value::as_f64)
                .collect();
            let (size, y) = (
                t["size"].as_f64().expect("size"),
                t["y"].as_f64().expect("y"),
            );
            pdfread::Word {
                x0: pt(xs[0]),
                y0: pt(y - 0.85 * size),
                x1: pt(xs[xs.len() - 1] + size),
                y1: pt(y + 0.15 * size),
                text: t["text"].as_str().unwrap_or("").to_string(),
            }
        })
        .collect()
}

/// The stroked segments of a page, in points from the top-left corner.
fn segments(page: &Value) -> Vec<pdfread::Seg> {
    let pt = |v: &Value| v.as_f64().expect("coordinate") * 72.0 / 25.4;
    let segs = page["segs"].as_array().expect("segs");
    segs.iter()
        .map(|s| {
            let s = s["seg"].as_array().expect("a straight segment");
            pdfread::Seg {
                x1: pt(&s[0]),
                y1: pt(&s[1]),
                x2: pt(&s[2]),
                y2: pt(&s[3]),
            }
        })
        .collect()
}

#[test]
fn tables_are_stroked_paths_that_rebuild_the_official_grids() {
    if !have_readers("the OFD table test", None) {
        return;
    }
    for (name, data, format) in [("goushi", goushi(), "2019"), ("shili", shili(), "2021")] {
        let (ofd, _) = render(&format!("{name}-grid"), &data, RenderOptions::default());
        let r = read(&ofd);
        for p in pages(&r) {
            for s in p["segs"].as_array().expect("segs") {
                // 0.5 pt, the PDF's rule.
                let w = s["width"].as_f64().expect("width");
                assert!(
                    (w - 0.5 * 25.4 / 72.0).abs() < 0.002,
                    "{name}: width {w} mm"
                );
            }
        }
        let grids: Vec<_> = pages(&r)
            .iter()
            .map(|p| pdfread::grids(&segments(p), &words(p)))
            .collect();
        let tables = pdfread::join_pages(grids, 37.0 / 25.4 * 72.0);
        common::assert_official_tables(name, format, &data, &tables);
    }
}

/// sOFD renders every page from the package's own fonts and paths; at
/// 2.5 mm blocks the page matches poppler's rendering of the PDF. The
/// bounds were measured: the two rasterisers' antialiasing differ by at
/// most 34 and 1.5 on average; the same page moved by 1 mm differs by 60
/// and 3.5, so a misplaced line or missing text fails.
#[test]
fn sofd_renders_each_page_as_the_pdf_shows_it() {
    if !have_renderers("the OFD rendering test") {
        return;
    }
    for (name, data) in [("goushi", goushi()), ("shili", shili())] {
        let (ofd, pdf) = render(&format!("{name}-render"), &data, RenderOptions::default());
        assert_pages_render_alike(name, &ofd, &pdf);
    }
}

/// Whether sOFD and poppler's pdftoppm are installed.
fn have_renderers(what: &str) -> bool {
    tools::have("sofd", &["--version"], "cargo install sofd-cli", what)
        && tools::have("pdftoppm", &["-v"], "poppler-utils", what)
}

/// Renders every page of the OFD with sOFD and of the PDF with pdftoppm,
/// at 80 dpi, and asserts that each pair matches (see above).
fn assert_pages_render_alike(name: &str, ofd: &Path, pdf: &Path) {
    let prefix = PathBuf::from(format!("{}-page", pdf.display()));
    let ok = Command::new("pdftoppm")
        .args(["-r", "80", "-gray", "-png"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm runs")
        .success();
    assert!(ok, "pdftoppm renders {name}");
    let pages = lopdf::Document::load(pdf).expect("PDF").get_pages().len();
    for i in 0..pages {
        let ours = PathBuf::from(format!("{}-{i}.png", ofd.display()));
        let out = Command::new("sofd")
            .args(["render", "--dpi", "80", "-p", &i.to_string(), "-o"])
            .arg(&ours)
            .arg(ofd)
            .output()
            .expect("sofd runs");
        assert!(
            out.status.success(),
            "sofd renders {name} page {i}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let digits = pages.to_string().len();
        let theirs = PathBuf::from(format!("{}-{:0digits$}.png", prefix.display(), i + 1));
        let (max, mean) = common::ink_difference(&ours, &theirs, 8);
        assert!(
            max < 48.0 && mean < 2.2,
            "{name} page {}: blocks differ by up to {max:.1}, {mean:.2} on average",
            i + 1
        );
    }
}

#[test]
fn identical_input_gives_identical_bytes() {
    let engine = common::engine();
    let data = shili();
    let once = engine.render(&data, OutputFormat::Ofd, RenderOptions::default());
    let again = engine.render(&data, OutputFormat::Ofd, RenderOptions::default());
    let (once, again) = (once.expect("renders").bytes, again.expect("renders").bytes);
    assert!(once.starts_with(b"PK\x03\x04"), "a zip");
    assert!(once == again, "two renders differ");
    // A fresh engine (fonts parsed anew) writes the same bytes too.
    let fresh = common::engine().render(&data, OutputFormat::Ofd, RenderOptions::default());
    assert!(fresh.expect("renders").bytes == once);
}

/// A TrueType face (DejaVu Serif drawing the 仿宋 role's digits and
/// Latin letters) is embedded as a `.ttf` with its outlines, its hinting
/// programs and a `cmap` that covers its text, and the pages still render
/// as the PDF's.
#[test]
fn a_truetype_face_is_embedded_whole_enough_to_draw() {
    let what = "the OFD TrueType test";
    if !common::have_dejavu() || !have_readers(what, None) || !have_renderers(what) {
        return;
    }
    let dir = temp("truetype");
    let tpl = common::template_with_fang_chain(&dir, r#"["DejaVu Serif", "FandolFang"]"#);
    let (ofd, pdf) = (dir.join("t.ofd"), dir.join("t.pdf"));
    for out in [&ofd, &pdf] {
        common::render_with_template("goushi-2020.json", &tpl, out, &[]);
    }
    let r = read(&ofd);
    let fonts = r["fonts"].as_object().expect("fonts");
    let dejavu = fonts
        .values()
        .find(|f| f["name"] == "DejaVuSerif")
        .expect("DejaVu Serif embedded");
    assert!(dejavu["file"].as_str().is_some_and(|f| f.ends_with(".ttf")));
    assert_eq!(dejavu["missing"], "");
    let tables = dejavu["tables"].as_array().expect("tables");
    for t in ["glyf", "loca", "cmap", "fpgm", "prep", "cvt "] {
        assert!(tables.iter().any(|x| x == t), "DejaVu Serif has {t}");
    }
    assert_pages_render_alike("DejaVu Serif", &ofd, &pdf);
}

/// The same long 署名 in the OFD (the PDF's laid pages): every glyph
/// origin inside the 版心 (28 mm to 28 + 156 mm), the unit's characters
/// all there, in order, and no object past its Boundary.
#[test]
fn a_long_signature_unit_stays_inside_the_text_block() {
    if !have_readers("the long signature test", None) {
        return;
    }
    let unit = "某某省某某市某某区人民政府办公室政务公开科（某某区政府信息与政务公开办公室）";
    let mut data = common::goushi();
    common::set(
        &mut data,
        "/signature",
        serde_json::json!({"unit": unit, "date": "2021-01-20"}),
    );
    let (ofd, _) = render("long-signature", &data, RenderOptions::default());
    let read = read(&ofd);
    for (p, page) in pages(&read).iter().enumerate() {
        assert_eq!(page["outside"], serde_json::json!([]), "page {}", p + 1);
        for t in page["texts"].as_array().expect("texts") {
            for x in t["xs"]
                .as_array()
                .expect("xs")
                .iter()
                .filter_map(Value::as_f64)
            {
                assert!(
                    (28.0 - 0.01..184.0).contains(&x),
                    "page {}: {} at x {x:.2} mm, outside the 版心",
                    p + 1,
                    t["text"]
                );
            }
        }
    }
    let last = page_text(pages(&read).last().expect("a page"));
    assert!(
        last.contains(&format!("{unit}2021年1月20日")),
        "the unit whole and in order, then the date: {last}"
    );
}
