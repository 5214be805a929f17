//! The PDF as a reader gets it: read back with lopdf and poppler, not with
//! nianbao's own structures. Fonts embedded and subset, metadata, outline,
//! text in reading order, table grids rebuilt from the drawn rules equal to
//! the official grids with every value in its cell, identical bytes for
//! identical input. Tests that need poppler say they were skipped without it.

mod common;

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
/// pages (about 291 KB, nearly all 仿宋 outlines; see the benchmark). A
/// face embedded whole, or streams left uncompressed, would blow it.
#[test]
fn the_seed_pdf_stays_within_its_size_budget() {
    let bytes = pdf(&goushi());
    assert!(bytes.len() < 320_000, "{} bytes", bytes.len());
    let doc = lopdf::Document::load_mem(&bytes).expect("a PDF");
    for (id, obj) in &doc.objects {
        if let Ok(s) = obj.as_stream() {
            assert!(
                s.dict.has(b"Filter") || s.content.len() < 200,
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
            })],
        }],
        outline: Vec::new(),
        meta: Meta {
            title: "t".into(),
            author: "a".into(),
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
