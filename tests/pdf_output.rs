//! The PDF as a reader gets it: read back with lopdf and poppler, not with
//! nianbao's own structures. Fonts embedded and subset, metadata, outline,
//! text in reading order, table grids rebuilt from the drawn rules equal to
//! the official grids with every value in its cell, identical bytes for
//! identical input. Tests that need poppler say they were skipped without it.

use crate::common;

use common::pdfread;
use common::{goushi, shili};
use nianbao::{OutputFormat, RenderOptions};
use serde_json::Value;
use std::path::PathBuf;

fn pdf(data: &Value) -> Vec<u8> {
    match common::engine().render(data, OutputFormat::Pdf, RenderOptions::default()) {
        Ok(r) => {
            common::assert_pdf(&r.bytes);
            r.bytes
        }
        Err(d) => panic!("{d}"),
    }
}

fn write_temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn skip(what: &str) -> bool {
    !common::tools::have("pdftotext", &["-v"], "poppler-utils", what)
}

#[test]
fn fonts_are_embedded_and_subset() {
    let doc = lopdf::Document::load_mem(&pdf(&shili())).expect("a PDF lopdf reads");
    let mut fonts = 0;
    for (_, obj) in doc.objects.iter() {
        let Ok(d) = obj.as_dict() else { continue };
        if d.get(b"Type").ok().and_then(|t| t.as_name().ok()) != Some(b"FontDescriptor".as_slice())
        {
            continue;
        }
        fonts += 1;
        let name = String::from_utf8_lossy(
            d.get(b"FontName")
                .and_then(|n| n.as_name())
                .expect("FontName"),
        )
        .into_owned();
        assert!(
            name.len() > 7 && name.as_bytes()[6] == b'+',
            "subset tag on {name}"
        );
        assert!(
            d.has(b"FontFile3") || d.has(b"FontFile2") || d.has(b"FontFile"),
            "{name} embedded"
        );
    }
    assert!(
        fonts >= 4,
        "fang, hei, kai, song and the title face: {fonts}"
    );
}

#[test]
fn metadata_and_outline() {
    let doc = lopdf::Document::load_mem(&pdf(&goushi())).expect("a PDF");
    let info_id = doc
        .trailer
        .get(b"Info")
        .and_then(|i| i.as_reference())
        .expect("Info");
    let info = doc.get_dictionary(info_id).expect("Info dictionary");
    let text = |key: &[u8]| {
        let bytes = info
            .get(key)
            .and_then(|v| v.as_str())
            .expect("a string")
            .to_vec();
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    };
    assert_eq!(
        text(b"Title"),
        "缑氏镇人民政府2020年政府信息公开工作年度报告"
    );
    assert_eq!(text(b"Author"), "缑氏镇人民政府");
    let catalog = doc.catalog().expect("catalog");
    let outlines = doc
        .get_dictionary(
            catalog
                .get(b"Outlines")
                .and_then(|o| o.as_reference())
                .expect("Outlines"),
        )
        .expect("dict");
    assert_eq!(
        outlines
            .get(b"Count")
            .and_then(|c| c.as_i64())
            .expect("Count"),
        6
    );
    let mut titles = Vec::new();
    let mut next = outlines.get(b"First").and_then(|f| f.as_reference()).ok();
    while let Some(id) = next {
        let item = doc.get_dictionary(id).expect("item");
        let raw = item
            .get(b"Title")
            .and_then(|t| t.as_str())
            .expect("Title")
            .to_vec();
        let units: Vec<u16> = raw[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        titles.push(String::from_utf16_lossy(&units));
        next = item.get(b"Next").and_then(|n| n.as_reference()).ok();
    }
    assert_eq!(titles[0], "一、总体情况");
    assert_eq!(titles[5], "六、其他需要报告的事项");
}

#[test]
fn identical_input_gives_identical_bytes() {
    let engine = common::engine();
    let a = engine
        .render(&shili(), OutputFormat::Pdf, RenderOptions::default())
        .expect("renders")
        .bytes;
    let _ = engine
        .render(&goushi(), OutputFormat::Pdf, RenderOptions::default())
        .expect("renders");
    let b = engine
        .render(&shili(), OutputFormat::Pdf, RenderOptions::default())
        .expect("renders")
        .bytes;
    assert!(a == b, "the Nth render in one process gives the same bytes");
    let dated = RenderOptions {
        created: Some(1_700_000_000),
        ..RenderOptions::default()
    };
    let c = engine
        .render(&shili(), OutputFormat::Pdf, dated)
        .expect("renders")
        .bytes;
    assert!(a != c, "the creation date is taken from the option");
}

/// Every prose paragraph of the data, whitespace removed.
fn prose(data: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["preamble", "overview", "problems", "other_matters"] {
        for p in data
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let text = match p {
                Value::String(s) => s.clone(),
                other => format!(
                    "{}{}",
                    other["heading"].as_str().unwrap_or(""),
                    other["text"].as_str().unwrap_or("")
                ),
            };
            out.push(text.chars().filter(|c| !c.is_whitespace()).collect());
        }
    }
    out
}

#[test]
fn prose_is_extracted_in_reading_order() {
    if skip("prose_is_extracted_in_reading_order") {
        return;
    }
    for (name, data) in [("goushi", goushi()), ("shili", shili())] {
        let path = write_temp(&format!("{name}.pdf"), &pdf(&data));
        // Page numbers ("— 4 —") sit between the pages' text: leave them out.
        let text: String = pdfread::text(&path)
            .lines()
            .filter(|l| !(l.starts_with('—') && l.ends_with('—')))
            .flat_map(str::chars)
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut from = 0;
        for p in prose(&data) {
            let at = text[from..]
                .find(&p)
                .unwrap_or_else(|| panic!("{name}: not found in order: {p}"));
            from += at + p.len();
        }
    }
}

#[test]
fn table_grids_read_back_from_the_rules_are_the_official_grids() {
    if skip("table_grids_read_back_from_the_rules_are_the_official_grids") {
        return;
    }
    for (name, data, format) in [("goushi", goushi(), "2019"), ("shili", shili(), "2021")] {
        let bytes = pdf(&data);
        let path = write_temp(&format!("{name}-grid.pdf"), &bytes);
        let rules = pdfread::rules(&bytes);
        let words = pdfread::words(&path);
        let pages: Vec<_> = rules
            .iter()
            .zip(&words)
            .map(|(r, w)| pdfread::grids(r, w))
            .collect();
        // GB/T 9704: the text block starts 37 mm from the top.
        let tables = pdfread::join_pages(pages, 37.0 / 25.4 * 72.0);
        common::assert_official_tables(name, format, &data, &tables);
    }
}

/// The CID font of `subtype` whose name ends in `suffix`, and its
/// embedded program (FontFile2 or FontFile3), inflated.
fn cid_font(doc: &lopdf::Document, subtype: &str, suffix: &str) -> (lopdf::Dictionary, Vec<u8>) {
    let font = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .find(|d| {
            let name = |k: &[u8]| d.get(k).and_then(|n| n.as_name()).unwrap_or(b"");
            name(b"Subtype") == subtype.as_bytes()
                && String::from_utf8_lossy(name(b"BaseFont")).ends_with(suffix)
        })
        .unwrap_or_else(|| panic!("a {subtype} font named *{suffix}"))
        .clone();
    let desc = font
        .get(b"FontDescriptor")
        .and_then(|r| r.as_reference())
        .and_then(|id| doc.get_dictionary(id))
        .expect("a descriptor");
    let program = [b"FontFile2".as_slice(), b"FontFile3"]
        .iter()
        .find_map(|k| desc.get(k).ok())
        .and_then(|r| r.as_reference().ok())
        .and_then(|id| doc.get_object(id).ok())
        .and_then(|o| o.as_stream().ok())
        .expect("an embedded program")
        .decompressed_content()
        .expect("inflates");
    (font, program)
}

/// A rare character the 仿宋 face lacks is drawn by the fallback face
/// (Noto Serif SC, whose CFF uses subroutines and so goes through the
/// general subsetter): that face is embedded as a subset, the glyph has
/// its real width, and the text extracts as the characters.
#[test]
fn fallback_characters_are_embedded_with_their_widths_and_extract() {
    let mut data = goushi();
    common::set(&mut data, "/unit", Value::String("甪堃镇人民政府".into()));
    let bytes = pdf(&data);
    let doc = lopdf::Document::load_mem(&bytes).expect("a PDF");
    let (noto, cff) = cid_font(&doc, "CIDFontType0", "+NotoSerifSC-Regular");
    let dw = noto.get(b"DW").and_then(|w| w.as_i64()).expect("DW");
    assert_eq!(dw, 1000, "CJK glyphs are one em wide");
    let table = ttf_parser::cff::Table::parse(&cff).expect("a CFF the parser reads");
    assert!(
        table.number_of_glyphs() < 50,
        "a subset, not the whole face: {}",
        table.number_of_glyphs()
    );
    if skip("fallback_characters_are_embedded_with_their_widths_and_extract") {
        return;
    }
    let path = write_temp("fallback.pdf", &bytes);
    let text = pdfread::text(&path);
    let head: String = text.chars().take(60).collect();
    assert!(text.contains("甪堃镇人民政府"), "{head}");
}

/// Readers other than poppler take the PDF without a complaint: MuPDF
/// (`mutool`, strict about fonts and cross-references) draws every page,
/// and so does Ghostscript when it is installed. Each is skipped with a
/// message when absent.
#[test]
fn other_readers_draw_every_page_without_complaint() {
    let mut rare = goushi();
    common::set(&mut rare, "/unit", Value::String("甪堃镇人民政府".into()));
    let files: Vec<PathBuf> = [("goushi", goushi()), ("shili", shili()), ("rare", rare)]
        .iter()
        .map(|(name, data)| write_temp(&format!("readers-{name}.pdf"), &pdf(data)))
        .collect();
    let readers: [(&str, Vec<&str>); 2] = [
        ("mutool", vec!["draw", "-q", "-o", "/dev/null"]),
        (
            "gs",
            vec!["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=nullpage"],
        ),
    ];
    for (tool, args) in readers {
        let package = if tool == "gs" {
            "ghostscript"
        } else {
            "mupdf-tools"
        };
        if !common::tools::have(tool, &["-v"], package, "drawing every page") {
            continue;
        }
        for file in &files {
            let out = std::process::Command::new(tool)
                .args(&args)
                .arg(file)
                .output()
                .expect("runs");
            let complaints: Vec<String> = String::from_utf8_lossy(&out.stderr)
                .lines()
                .chain(String::from_utf8_lossy(&out.stdout).lines())
                // A property of the reader's build, not of the file.
                .filter(|l| !l.contains("ICC support is not available"))
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect();
            assert!(
                out.status.success() && complaints.is_empty(),
                "{tool} on {}: {complaints:?}",
                file.display()
            );
        }
    }
}

/// A size budget: the seed's PDF is its five subset faces plus the
/// pages (about 291 KB, nearly all 仿宋 outlines; see the benchmark), the
/// structure tree of the tagged PDF (about 38 KB: an element per heading,
/// paragraph and table cell, which PDF 1.4's plain objects cannot
/// compress), the XMP and the attached JSON (5 KB): 335 KB. A face
/// embedded whole, or streams left uncompressed, would blow it.
#[test]
fn the_seed_pdf_stays_within_its_size_budget() {
    let bytes = pdf(&goushi());
    assert!(bytes.len() < 350_000, "{} bytes", bytes.len());
    let doc = lopdf::Document::load_mem(&bytes).expect("a PDF");
    for (id, obj) in &doc.objects {
        if let Ok(s) = obj.as_stream() {
            // The XMP is left readable, as PDF/A recommends.
            let xmp = s.dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Metadata");
            assert!(
                s.dict.has(b"Filter") || s.content.len() < 200 || xmp,
                "stream {id:?} of {} bytes is compressed",
                s.content.len()
            );
        }
    }
}

/// A TrueType face (as most installed office fonts are) is embedded as a
/// `CIDFontType2` with its `glyf` subset and an identity CID → glyph map,
/// and its text extracts. DejaVu comes with LibreOffice, which the test
/// setup installs; without it the test says so.
#[test]
fn truetype_faces_embed_as_cid_font_type_2() {
    use nianbao::doc::Meta;
    use nianbao::fonts::{FontBook, FontOptions};
    use nianbao::layout::{Item, Laid, LaidPage, PlacedGlyph, TextRun};
    use nianbao::units::Length;
    let dir = std::path::Path::new("/usr/share/fonts/truetype/dejavu");
    if !dir.join("DejaVuSerif.ttf").exists() {
        assert!(
            !common::tools::in_ci(),
            "DejaVu Serif (fonts-dejavu-core) is not installed; .ci/run installs it"
        );
        eprintln!("skipped: DejaVu Serif (fonts-dejavu-core) is not installed");
        return;
    }
    let book = FontBook::new(&FontOptions {
        dirs: vec![dir.to_path_buf()],
        system: false,
    })
    .expect("fonts");
    let role = nianbao::style::FontRole {
        pdf: vec!["DejaVuSerif".into()],
        docx: String::new(),
        latin: String::new(),
        html: Vec::new(),
    };
    let chains = book
        .chains(&[(nianbao::doc::Role::Song, role)].into_iter().collect())
        .expect("found");
    let face = chains.roles[&nianbao::doc::Role::Song][0];
    let mut x = Length::pt(72.0);
    let mut glyphs = Vec::new();
    for c in "Report 2020".chars() {
        let (_, gid, em) = book.glyph(&[face], c).expect("font").expect("glyph");
        let advance = Length::pt(12.0) * em;
        glyphs.push(PlacedGlyph { c, gid, x, advance });
        x += advance;
    }
    let laid = Laid {
        width: Length::mm(210.0),
        height: Length::mm(297.0),
        pages: vec![LaidPage {
            items: vec![Item::Text(TextRun {
                face,
                size: Length::pt(12.0),
                bold: false,
                baseline: Length::pt(100.0),
                glyphs,
                tag: nianbao::layout::tags::Tag::Artifact,
            })],
        }],
        outline: Vec::new(),
        structure: Default::default(),
        meta: Meta {
            title: "t".into(),
            author: "a".into(),
            draft: false,
            data: None,
        },
    };
    let bytes = nianbao::pdf::write(&laid, &book, Default::default()).expect("writes");
    common::assert_pdf(&bytes);
    let doc = lopdf::Document::load_mem(&bytes).expect("reads");
    let (cid, program) = cid_font(&doc, "CIDFontType2", "+DejaVuSerif");
    assert_eq!(
        cid.get(b"CIDToGIDMap").and_then(|m| m.as_name()).ok(),
        Some(b"Identity".as_slice())
    );
    let sub = ttf_parser::Face::parse(&program, 0).expect("a TrueType font");
    // .notdef plus the nine distinct characters of "Report 2020".
    assert_eq!(sub.number_of_glyphs(), 10);
    let text = doc.extract_text(&[1]).expect("text");
    assert!(text.contains("Report 2020"), "{text:?}");
}

/// Only true metadata: no empty `/GTS_PDFXVersion` (which makes readers
/// call the file PDF/X), no empty entries.
#[test]
fn the_info_dictionary_claims_nothing_false() {
    let bytes = pdf(&goushi());
    let doc = lopdf::Document::load_mem(&bytes).expect("lopdf reads it");
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .and_then(|r| doc.get_dictionary(r))
        .expect("an info dictionary");
    for key in ["GTS_PDFXVersion", "Subject", "Keywords", "Identifier"] {
        assert!(info.get(key.as_bytes()).is_err(), "/{key} written");
    }
    for key in ["Title", "Author", "CreationDate"] {
        assert!(info.get(key.as_bytes()).is_ok(), "/{key} missing");
    }
}

/// A 署名 of 38 characters, read back with `pdftotext -bbox`: every glyph
/// of the document inside the 版心 (x from 28 mm to 28 + 156 mm), the
/// unit's characters all there and in order, on lines whose right ends
/// line up (GB/T 9704 7.3.5).
#[test]
fn a_long_signature_unit_stays_inside_the_text_block() {
    if skip("a_long_signature_unit_stays_inside_the_text_block") {
        return;
    }
    const MM: f64 = 72.0 / 25.4;
    let unit = "某某省某某市某某区人民政府办公室政务公开科（某某区政府信息与政务公开办公室）";
    let mut data = goushi();
    common::set(
        &mut data,
        "/signature",
        serde_json::json!({"unit": unit, "date": "2021-01-20"}),
    );
    let path = write_temp("long-signature.pdf", &pdf(&data));
    let pages = pdfread::words(&path);
    for (p, words) in pages.iter().enumerate() {
        for w in words {
            // A closing mark compressed at a line's end keeps its full
            // advance in the box: half an em (8 pt) may stand past.
            assert!(
                w.x0 >= 28.0 * MM - 0.5 && w.x1 <= 184.0 * MM + 8.5,
                "page {}: outside the 版心: {} at {:.1}–{:.1}",
                p + 1,
                w.text,
                w.x0,
                w.x1
            );
        }
    }
    let last = pages.last().expect("a page");
    let first = last
        .iter()
        .position(|w| w.text.starts_with("某某省"))
        .expect("the unit on the last page");
    let mut read = String::new();
    let mut k = first;
    while read.chars().count() < unit.chars().count() {
        read.push_str(&last[k].text);
        k += 1;
    }
    assert_eq!(read, unit, "every character of the unit, in order");
    let lines = &last[first..k];
    assert!(lines.len() >= 2, "{} line(s)", lines.len());
    for w in lines {
        assert!(
            (w.x1 - lines[0].x1).abs() < 0.5,
            "right ends differ: {:.1} against {:.1}",
            w.x1,
            lines[0].x1
        );
    }
    assert!(last[k].text.starts_with("2021年1月20日"));
    assert!(
        last[k].y0 > lines[lines.len() - 1].y1 - 0.5,
        "the date below"
    );
}

/// A label override (`labels`, official label → local wording) in a cell:
/// at every length either every character is printed inside the 版心, or
/// the report is refused with a `limit` error at the label's JSON path,
/// its message in Chinese first. Never a silent cut (issue #22: 468 of
/// 1,000 characters were printed).
#[test]
fn a_cell_too_tall_for_a_page_is_refused_at_its_path_and_none_is_cut() {
    const MM: f64 = 72.0 / 25.4;
    let engine = common::engine();
    let mut rendered = Vec::new();
    for n in [100, 450, 800, 900, 1000, 5000] {
        let mut data = goushi();
        common::set(
            &mut data,
            "/labels",
            serde_json::json!({"采购总金额": "鑫".repeat(n)}),
        );
        match engine.render(&data, OutputFormat::Pdf, RenderOptions::default()) {
            Err(d) => {
                let e = &d.0[0];
                assert_eq!(e.code, nianbao::Code::Limit, "{n}: {e}");
                assert_eq!(
                    e.location,
                    nianbao::Location::Pointer {
                        pointer: "/labels/采购总金额".into()
                    },
                    "{n}: {e}"
                );
                let zh = e.message.get(nianbao::Lang::Zh);
                assert!(zh.starts_with("表格第"), "Chinese first: {zh}");
                assert!(zh.contains("一页排不下"), "{zh}");
            }
            Ok(r) => {
                rendered.push(n);
                if skip("a_cell_too_tall_for_a_page_is_refused_at_its_path_and_none_is_cut") {
                    continue;
                }
                let path = write_temp(&format!("label-{n}.pdf"), &r.bytes);
                let pages = pdfread::words(&path);
                let mut printed = 0;
                for w in pages.iter().flatten().filter(|w| w.text.contains('鑫')) {
                    printed += w.text.matches('鑫').count();
                    assert!(
                        w.x0 >= 28.0 * MM - 0.5
                            && w.x1 <= 184.0 * MM + 0.5
                            && w.y0 >= 37.0 * MM - 0.5
                            && w.y1 <= 262.0 * MM + 0.5,
                        "{n}: outside the 版心: {:.1},{:.1}–{:.1},{:.1}",
                        w.x0,
                        w.y0,
                        w.x1,
                        w.y1
                    );
                }
                assert_eq!(printed, n, "every character printed");
            }
        }
    }
    assert_eq!(
        rendered,
        [100, 450, 800, 900],
        "the lengths that fit render"
    );
}

// The SVG: the PDF's laid pages drawn as glyph outlines (src/svg), read
// back by Chromium and compared with poppler's drawing of the PDF.

/// The report laid out once and written both as a PDF and as one SVG
/// per page: the same pages, as `Engine::render_all` hands them on.
fn pdf_and_svg_pages(data: &Value) -> (Vec<u8>, Vec<String>) {
    let engine = common::engine();
    let (doc, _) = engine
        .document(data, RenderOptions::default())
        .unwrap_or_else(|d| panic!("{d}"));
    let laid = engine.layout(&doc).unwrap_or_else(|d| panic!("{d}"));
    let pdf = nianbao::pdf::write(&laid, engine.fonts(), Default::default()).expect("the PDF");
    let svgs = nianbao::svg::pages(&laid, engine.fonts()).expect("the SVG");
    (pdf, svgs)
}

/// poppler's page count.
fn pdfinfo_pages(pdf: &std::path::Path) -> usize {
    let info = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs");
    String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo's page count")
}

/// Draws each SVG with Chromium (two at a time) and the PDF's pages with
/// pdftoppm, both at 96 dpi (A4 is 794 × 1123 px), and returns each
/// page's block difference (10-pixel blocks, 2.6 mm): (largest, mean).
/// poppler draws thin lines by their shape (`-thinlinemode shape`), as a
/// browser does: by default it widens a 0.5 pt rule (0.67 px) to a whole
/// black pixel, and every table would differ by that alone.
fn svg_vs_pdf(name: &str, svgs: &[String], pdf: &std::path::Path) -> Vec<(f64, f64)> {
    let prefix = PathBuf::from(format!("{}-page", pdf.display()));
    let ok = std::process::Command::new("pdftoppm")
        .args(["-r", "96", "-gray", "-png", "-thinlinemode", "shape"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm runs")
        .success();
    assert!(ok, "pdftoppm draws {name}");
    let files: Vec<(PathBuf, PathBuf)> = svgs
        .iter()
        .enumerate()
        .map(|(i, svg)| {
            let file = write_temp(&format!("{name}-{}.svg", i + 1), svg.as_bytes());
            (file.clone(), file.with_extension("png"))
        })
        .collect();
    for pair in files.chunks(2) {
        std::thread::scope(|s| {
            for (svg, png) in pair {
                s.spawn(|| common::tools::chromium_screenshot(svg, png, 794, 1123));
            }
        });
    }
    let digits = svgs.len().to_string().len();
    files
        .iter()
        .enumerate()
        .map(|(i, (_, png))| {
            let theirs = PathBuf::from(format!("{}-{:0digits$}.png", prefix.display(), i + 1));
            common::ink_difference(png, &theirs, 10)
        })
        .collect()
}

fn have_svg_renderers(what: &str) -> bool {
    common::tools::have("chromium", &["--version"], "chromium", what)
        && common::tools::have("pdftoppm", &["-v"], "poppler-utils", what)
}

/// Every SVG page, drawn by Chromium from its own outlines (no font is
/// asked of the browser), matches poppler's drawing of the same PDF page
/// in 2.6 mm blocks. The bounds were measured: the two rasterisers'
/// antialiasing and hinting differ by at most 32 per block (of 255) and
/// 1.2 on average over the samples' pages; the first page moved 1 mm to
/// the right differs by 84 and 4.0, so a misplaced run, rule or glyph
/// fails (checked below on every run).
#[test]
fn svg_pages_draw_as_the_pdf_does() {
    if !have_svg_renderers("the SVG drawing test") {
        return;
    }
    for (name, data) in [("goushi", goushi()), ("shili", shili())] {
        let (pdf, svgs) = pdf_and_svg_pages(&data);
        let pdf = write_temp(&format!("svg-{name}.pdf"), &pdf);
        for (i, (max, mean)) in svg_vs_pdf(name, &svgs, &pdf).into_iter().enumerate() {
            assert!(
                max < 45.0 && mean < 1.6,
                "{name} page {}: blocks differ by up to {max:.1}, {mean:.2} on average",
                i + 1
            );
        }
    }
    // The bound catches a shift of 1 mm (2.835 pt): the first page drawn
    // once more, moved.
    let (pdf, svgs) = pdf_and_svg_pages(&goushi());
    let pdf = write_temp("svg-shifted.pdf", &pdf);
    let white = "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>";
    let moved = svgs[0]
        .replacen(
            white,
            &format!("{white}<g transform=\"translate(2.835 0)\">"),
            1,
        )
        .replacen("</svg>", "</g></svg>", 1);
    assert_ne!(moved, svgs[0]);
    let (max, mean) = svg_vs_pdf("shifted", &[moved], &pdf)[0];
    assert!(
        max >= 45.0 || mean >= 1.6,
        "a page moved 1 mm still passes: {max:.1}, {mean:.2}"
    );
}

/// The characters of an SVG's runs (their `aria-label`s) in drawing
/// order, and checks on the way that nothing drawn asks for a font: no
/// `<text>`, no font property, no style sheet, no image; every `<use>`
/// names a glyph outline defined in the same file, each defined once.
fn svg_text_and_no_fonts(who: &str, svg: &str) -> String {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{who}: not XML: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{who}");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let mut defined = std::collections::HashSet::new();
    let mut text = String::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        let tag = n.tag_name().name();
        assert!(
            ["svg", "title", "defs", "path", "g", "use", "rect"].contains(&tag),
            "{who}: <{tag}> draws with something other than outlines"
        );
        for a in n.attributes() {
            assert!(
                !a.name().starts_with("font") && a.name() != "style",
                "{who}: <{tag} {}> asks for a font",
                a.name()
            );
        }
        if let Some(id) = n.attribute("id") {
            assert!(defined.insert(id.to_string()), "{who}: {id} defined twice");
            assert!(n.parent().is_some_and(|p| p.has_tag_name("defs")));
        }
        if let Some(label) = n.attribute("aria-label") {
            text.push_str(label);
        }
    }
    for u in doc.descendants().filter(|n| n.has_tag_name("use")) {
        let href = u.attribute("href").expect("a <use> names its glyph");
        let id = href.strip_prefix('#').expect("a local reference");
        assert!(defined.contains(id), "{who}: {href} is not defined");
    }
    assert!(!svg.contains("font-family") && !svg.contains("@font-face"));
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The SVG pages are the PDF's pages: as many as pdfinfo counts, A4 in
/// millimetres, every visible mark an outline or a rule, and the text
/// of each page (its runs' labels) what poppler reads from that page of
/// the PDF. The one-document SVG stacks the same pages with every glyph
/// defined once.
#[test]
fn svg_pages_are_the_pdfs_pages_drawn_without_fonts() {
    if skip("the SVG pages test") {
        return;
    }
    for (name, data) in [("goushi", goushi()), ("shili", shili())] {
        let (pdf, svgs) = pdf_and_svg_pages(&data);
        let pdf = write_temp(&format!("svg-pages-{name}.pdf"), &pdf);
        assert_eq!(svgs.len(), pdfinfo_pages(&pdf), "{name}: pages");
        let out = std::process::Command::new("pdftotext")
            .args(["-raw", "-enc", "UTF-8"])
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext runs");
        let poppler: Vec<String> = String::from_utf8(out.stdout)
            .expect("UTF-8")
            .split('\u{c}')
            .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
            .collect();
        for (i, svg) in svgs.iter().enumerate() {
            let who = format!("{name} page {}", i + 1);
            assert!(svg.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "));
            assert!(
                svg.contains(" width=\"210mm\" height=\"297mm\" viewBox=\"0 0 595.276 841.89\""),
                "{who}: A4"
            );
            let text = svg_text_and_no_fonts(&who, svg);
            assert_eq!(text, poppler[i], "{who}: the text");
        }
        let one = common::engine()
            .render(&data, OutputFormat::Svg, RenderOptions::default())
            .expect("renders")
            .bytes;
        let one = String::from_utf8(one).expect("UTF-8");
        let n = svgs.len() as f64;
        let height = format!(
            "height=\"{}mm\"",
            297.0 * n + nianbao::svg::GAP_MM * (n - 1.0)
        );
        assert!(one.contains(&height), "{name}: {height}");
        let all = svg_text_and_no_fonts(&format!("{name} as one SVG"), &one);
        assert_eq!(all, poppler.concat(), "{name}: the text of every page");
        assert_eq!(
            one.matches("<rect ").count(),
            svgs.len() + 1,
            "a ground, a page each"
        );
    }
}

/// Identical input gives identical SVG bytes, from one engine twice and
/// from a fresh engine.
#[test]
fn svg_identical_input_gives_identical_bytes() {
    let data = goushi();
    let engine = common::engine();
    let render = |e: &nianbao::Engine| {
        let one = e.render(&data, OutputFormat::Svg, RenderOptions::default());
        let pages = e.render_pages(&data, RenderOptions::default());
        (one.expect("renders").bytes, pages.expect("renders").0)
    };
    let first = render(&engine);
    assert!(first.0.starts_with(b"<?xml") && first.1.len() > 1);
    assert!(render(&engine) == first, "two renders differ");
    assert!(render(&common::engine()) == first, "a fresh engine differs");
}

/// `nianbao render -f svg -o OUT` writes OUT's stem + `-1.svg`, `-2.svg`
/// … beside OUT, one per page; `-o -` writes every page in one SVG.
#[test]
fn svg_render_writes_a_file_per_page() {
    let dir = std::env::temp_dir().join(format!("nianbao-svg-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let data = common::root().join("samples/goushi-2020.json");
    let out = common::cli(
        &[
            "render",
            data.to_str().expect("utf-8"),
            "--no-system-fonts",
            "-o",
            dir.join("goushi.svg").to_str().expect("utf-8"),
        ],
        b"",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (pages, _) = common::engine()
        .render_pages(&goushi(), RenderOptions::default())
        .expect("renders");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort_by_key(|n| (n.len(), n.clone()));
    let want: Vec<String> = (1..=pages.len())
        .map(|n| format!("goushi-{n}.svg"))
        .collect();
    assert_eq!(names, want);
    for (n, page) in pages.iter().enumerate() {
        let written = std::fs::read_to_string(dir.join(&want[n])).expect("read");
        assert!(written == *page, "page {} as the library writes it", n + 1);
    }
    let stdout = common::cli(
        &[
            "render",
            data.to_str().expect("utf-8"),
            "--no-system-fonts",
            "-f",
            "svg",
            "-o",
            "-",
        ],
        b"",
    );
    assert_eq!(stdout.status.code(), Some(0));
    let one = common::engine()
        .render(&goushi(), OutputFormat::Svg, RenderOptions::default())
        .expect("renders");
    assert!(
        stdout.stdout == one.bytes,
        "stdout holds the one-document SVG"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every rule is stroked at the table's rule width, even after bold text
/// on the same page (whose outline stroke sets a thinner line width).
#[test]
fn rules_keep_their_width_after_bold_text() {
    let dir = write_temp("bold-rules", b"").with_extension("d");
    let four = "{{> section4}}";
    let bold = format!("<p><em>注：加粗</em></p>\n{four}");
    let tpl = common::template_edited(&dir, "main.hbs", four, &bold);
    let pdf = dir.join("t.pdf");
    common::render_with_template("goushi-2020.json", &tpl, &pdf, &[]);
    let doc = lopdf::Document::load(&pdf).expect("a PDF");
    let mut strokes = 0;
    let mut bold = 0;
    for (n, page) in doc.get_pages() {
        let content = doc.get_and_decode_page_content(page).expect("content");
        let mut width = 1.0f32;
        for op in &content.operations {
            match op.operator.as_str() {
                "w" => width = op.operands[0].as_float().expect("a width"),
                "Tr" if op.operands[0].as_i64().ok() == Some(2) => bold += 1,
                "S" => {
                    strokes += 1;
                    assert!(
                        (width - 0.5).abs() < 1e-3,
                        "page {n}: a rule stroked at {width} pt"
                    );
                }
                _ => {}
            }
        }
    }
    assert!(
        bold > 0 && strokes > 100,
        "{bold} bold runs, {strokes} rules"
    );
}
