//! Every glyph of the PDF lands where the layout put it. MuPDF
//! (`mutool trace`) follows the page's text operators as a reader does:
//! `Td`, each glyph's `/W` width at the `Tf` size, `Tc` and the `TJ`
//! offsets. The origins it reports are compared, glyph for glyph, with the
//! layout's own positions. A pen that drifted from rounded widths or sizes
//! would show here, growing along a line.

use crate::common;
use nianbao::layout::{Item, Laid};
use nianbao::{Engine, OutputFormat, RenderOptions};
use std::collections::BTreeMap;

/// How far a glyph may stand from its place: the positions are written to
/// a thousandth of a point and the offsets to a tenth of a thousandth of
/// an em, so 0.01 pt is well above rounding and well below a drift.
const TOLERANCE: f64 = 0.01;

/// The glyphs' origins per page as MuPDF draws them: character → (x, y)
/// in PDF space (y up).
fn drawn(pdf: &[u8]) -> Vec<BTreeMap<char, Vec<(f64, f64)>>> {
    let trace = common::mutool_trace(pdf);
    let attr = |line: &str, name: &str| -> Option<String> {
        let rest = line.split(&format!(" {name}=\"")).nth(1)?;
        Some(rest.split('"').next()?.to_string())
    };
    let mut pages: Vec<BTreeMap<char, Vec<(f64, f64)>>> = Vec::new();
    for line in trace.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            pages.push(BTreeMap::new());
        } else if line.starts_with("<g ") {
            let c = attr(line, "unicode").and_then(|u| u.chars().next());
            let x = attr(line, "x").and_then(|v| v.parse::<f64>().ok());
            let y = attr(line, "y").and_then(|v| v.parse::<f64>().ok());
            if let (Some(c), Some(x), Some(y), Some(page)) = (c, x, y, pages.last_mut()) {
                page.entry(c).or_default().push((x, y));
            }
        }
    }
    pages
}

/// Checks every laid glyph against the nearest drawn glyph of the same
/// character on its page; returns how many were checked.
fn compare(laid: &Laid, pdf: &[u8], what: &str) -> usize {
    let pages = drawn(pdf);
    assert_eq!(pages.len(), laid.pages.len(), "{what}: pages");
    let h = laid.height.to_pt();
    let mut checked = 0;
    for (p, page) in laid.pages.iter().enumerate() {
        for item in &page.items {
            let Item::Text(t) = item else { continue };
            let y = h - t.baseline.to_pt();
            for g in &t.glyphs {
                let x = g.x.to_pt();
                let nearest = pages[p]
                    .get(&g.c)
                    .into_iter()
                    .flatten()
                    .map(|&(dx, dy)| (dx - x).abs().max((dy - y).abs()))
                    .fold(f64::INFINITY, f64::min);
                assert!(
                    nearest <= TOLERANCE,
                    "{what}, page {}: {} laid at ({x:.3}, {y:.3}) is drawn {nearest:.4} pt away",
                    p + 1,
                    g.c
                );
                checked += 1;
            }
        }
    }
    checked
}

fn laid_and_pdf(engine: &Engine, data: &serde_json::Value) -> (Laid, Vec<u8>) {
    let (doc, _) = engine
        .document(data, RenderOptions::default())
        .expect("document");
    let laid = engine.layout(&doc).expect("layout");
    let pdf = engine
        .render(data, OutputFormat::Pdf, RenderOptions::default())
        .expect("renders")
        .bytes;
    (laid, pdf)
}

/// The bundled faces (1000 units an em, so `/W` is exact): both samples,
/// tables, URLs, justified and compressed lines.
#[test]
fn every_glyph_lands_where_the_layout_put_it() {
    if !common::tools::have("mutool", &["-v"], "mupdf-tools", "reading the drawn glyphs") {
        return;
    }
    let engine = common::engine();
    for (name, data) in [("goushi", common::goushi()), ("shili", common::shili())] {
        let (laid, pdf) = laid_and_pdf(&engine, &data);
        assert!(compare(&laid, &pdf, name) > 2000, "{name}: glyphs checked");
    }
}

/// A face of 2048 units an em (DejaVu Serif, first in the body's chain, so
/// it sets the Latin letters and digits): its widths are rounded to
/// thousandths of an em in `/W`, and the pen follows the rounded widths.
#[test]
fn glyphs_of_a_2048_unit_face_land_where_the_layout_put_them() {
    if !common::tools::have("mutool", &["-v"], "mupdf-tools", "reading the drawn glyphs")
        || !common::have_dejavu()
    {
        return;
    }
    let dir = std::env::temp_dir().join(format!("nianbao-glyphs-dejavu-{}", std::process::id()));
    let tpl = common::template_with_fang_chain(
        &dir,
        r#"["DejaVu Serif", "FandolFang", "Noto Serif SC"]"#,
    );
    let bundle = nianbao::template::Bundle::from_dir(&tpl).expect("bundle");
    let fonts = nianbao::fonts::FontOptions {
        dirs: Vec::new(),
        system: true,
    };
    let engine = Engine::with_font_options(&bundle, &fonts).expect("engine");
    let (laid, pdf) = laid_and_pdf(&engine, &common::shili());
    let dejavu = laid
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            Item::Text(t) => Some(t),
            Item::Rule(_) => None,
        })
        .filter(|t| engine.fonts().name(t.face).starts_with("DejaVuSerif"))
        .map(|t| t.glyphs.len())
        .sum::<usize>();
    assert!(dejavu > 50, "{dejavu} glyphs set in DejaVu Serif");
    compare(&laid, &pdf, "shili with DejaVu Serif");
    let _ = std::fs::remove_dir_all(&dir);
}
