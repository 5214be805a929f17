//! The SVG writer: laid-out pages → SVG, for a browser's preview.
//!
//! In: the same [`Laid`] pages the PDF and the OFD writers draw (the
//! layout runs once; [`crate::Engine::render_all`] hands the pages to
//! every fixed-layout writer) and the font book. Out: either one
//! standalone SVG per page ([`pages`], what `nianbao render -f svg`
//! writes and a preview shows page by page) or one SVG of every page
//! stacked top to bottom on a grey ground with a [`GAP_MM`] gap
//! ([`fn@write`], what `Engine::render(.., OutputFormat::Svg, ..)` returns).
//!
//! The drawing needs no installed font: every glyph is its outline, a
//! `<path>` in `<defs>` written once per file (in the face's units, y up,
//! see [`outline`]) and placed with `<use>`. A run is a group whose
//! transform puts the face's em at the run's origin and size, flipped,
//! so each glyph's place is one number, its `x` in font units; faux bold
//! is the PDF's stroke of 0.03 of the type size. Rules are stroked paths
//! at their width (0.5 pt). There is no `<text>` and no `font-family`:
//! the characters go into each run's `aria-label`, and the page's
//! `<title>`, for a screen reader and a search. Coordinates are points
//! (`viewBox` 0 0 595.276 841.89 for A4, `width`/`height` in mm), rounded
//! to a thousandth of a point, glyph places to a tenth of a font unit;
//! glyph ids are numbered in order of first use. Nothing else varies, so
//! identical input gives identical bytes.

pub mod outline;

use crate::diag::{tr, Code, Diagnostic};
use crate::fonts::{Face, FaceIdx, FontBook};
use crate::layout::{Item, Laid, LaidPage, Rule, TextRun};
use crate::units::Length;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

/// The gap between stacked pages in [`fn@write`]'s document, in millimetres.
pub const GAP_MM: f64 = 8.0;

/// The colour of the ground between stacked pages.
const GROUND: &str = "#d9d9d9";

/// One standalone SVG per page, in order. Each defines the glyphs it
/// draws; their ids start with the page's number (`p3g12`), so pages
/// inlined into one HTML document never take each other's glyphs.
pub fn pages(laid: &Laid, book: &FontBook) -> Result<Vec<String>, Diagnostic> {
    let faces = Faces::new(laid, book)?;
    let total = laid.pages.len();
    let mut out = Vec::with_capacity(total);
    for (i, page) in laid.pages.iter().enumerate() {
        let mut glyphs = Glyphs::new(format!("p{}g", i + 1));
        let mut body = String::with_capacity(64 * 1024);
        draw(&mut body, page, &faces, &mut glyphs);
        let mut s = String::with_capacity(body.len() + glyphs.len_hint());
        open(&mut s, laid.width, laid.height, laid);
        let _ = write!(
            s,
            "<title>{} — {}/{total}</title>",
            label(&laid.meta.title),
            i + 1
        );
        glyphs.defs(&mut s);
        s.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
        s.push_str(&body);
        s.push_str("</svg>\n");
        out.push(s);
    }
    Ok(out)
}

/// The whole document as one SVG: the pages one below the other, each on
/// white, [`GAP_MM`] apart on a grey ground; every glyph defined once.
pub fn write(laid: &Laid, book: &FontBook) -> Result<Vec<u8>, Diagnostic> {
    let faces = Faces::new(laid, book)?;
    let mut glyphs = Glyphs::new("g".into());
    let gap = Length::mm(GAP_MM);
    let n = laid.pages.len();
    let height = laid.height * n as f64 + gap * n.saturating_sub(1) as f64;
    let mut body = String::with_capacity(256 * 1024);
    for (i, page) in laid.pages.iter().enumerate() {
        let y = (laid.height + gap) * i as f64;
        let _ = write!(
            body,
            "<g transform=\"translate(0 {})\"><rect width=\"{}\" height=\"{}\" fill=\"#fff\"/>",
            pt(y),
            pt(laid.width),
            pt(laid.height)
        );
        draw(&mut body, page, &faces, &mut glyphs);
        body.push_str("</g>");
    }
    let mut s = String::with_capacity(body.len() + glyphs.len_hint());
    open(&mut s, laid.width, height, laid);
    let _ = write!(s, "<title>{}</title>", label(&laid.meta.title));
    glyphs.defs(&mut s);
    let _ = write!(
        s,
        "<rect width=\"100%\" height=\"100%\" fill=\"{GROUND}\"/>"
    );
    s.push_str(&body);
    s.push_str("</svg>\n");
    Ok(s.into_bytes())
}

/// The XML declaration and the `<svg>` element: the size in mm, the
/// coordinates in points.
fn open(s: &mut String, width: Length, height: Length, laid: &Laid) {
    let lang = if laid.meta.title.is_ascii() {
        ""
    } else {
        " xml:lang=\"zh-CN\""
    };
    let _ = write!(
        s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{}mm\" height=\"{}mm\" viewBox=\"0 0 {} {}\"{lang}>",
        num(width.to_mm(), 3),
        num(height.to_mm(), 3),
        pt(width),
        pt(height)
    );
}

/// The faces the pages draw with, loaded once.
struct Faces(HashMap<FaceIdx, Arc<Face>>);

impl Faces {
    fn new(laid: &Laid, book: &FontBook) -> Result<Faces, Diagnostic> {
        let mut out = HashMap::new();
        for (idx, _) in laid.faces_used() {
            let face = book.face(idx)?;
            if face.parse().is_none() {
                return Err(Diagnostic::input(
                    Code::Font,
                    tr(
                        format!("无法读取字体 {} 的字形轮廓", face.name),
                        format!("cannot read the glyph outlines of the font {}", face.name),
                    ),
                ));
            }
            out.insert(idx, face);
        }
        Ok(Faces(out))
    }
}

/// The glyphs a file uses, numbered in order of first use.
struct Glyphs {
    prefix: String,
    ids: HashMap<(FaceIdx, u16), Option<usize>>,
    order: Vec<(FaceIdx, Arc<str>)>,
}

impl Glyphs {
    fn new(prefix: String) -> Glyphs {
        Glyphs {
            prefix,
            ids: HashMap::new(),
            order: Vec::new(),
        }
    }

    /// The number of `gid` of `face`, or `None` when it draws nothing.
    fn id(&mut self, faces: &Faces, face: FaceIdx, gid: u16) -> Option<usize> {
        if let Some(&known) = self.ids.get(&(face, gid)) {
            return known;
        }
        let made = faces
            .0
            .get(&face)
            .and_then(|f| outline::path(f, gid))
            .map(|d| {
                self.order.push((face, d));
                self.order.len()
            });
        self.ids.insert((face, gid), made);
        made
    }

    fn len_hint(&self) -> usize {
        self.order.iter().map(|(_, d)| d.len() + 24).sum()
    }

    /// The `<defs>`: each glyph's outline once.
    fn defs(&self, s: &mut String) {
        if self.order.is_empty() {
            return;
        }
        s.push_str("<defs>");
        for (n, (_, d)) in self.order.iter().enumerate() {
            let _ = write!(s, "<path id=\"{}{}\" d=\"{d}\"/>", self.prefix, n + 1);
        }
        s.push_str("</defs>");
    }
}

/// A page's items in drawing order: a run a group of `<use>`s, rules of
/// one width in a row one stroked path.
fn draw(s: &mut String, page: &LaidPage, faces: &Faces, glyphs: &mut Glyphs) {
    let mut rules: Vec<&Rule> = Vec::new();
    for item in &page.items {
        match item {
            Item::Text(t) => {
                flush_rules(s, &mut rules);
                run(s, t, faces, glyphs);
            }
            Item::Rule(r) => {
                if rules.last().is_some_and(|l| l.width != r.width) {
                    flush_rules(s, &mut rules);
                }
                rules.push(r);
            }
        }
    }
    flush_rules(s, &mut rules);
}

fn flush_rules(s: &mut String, rules: &mut Vec<&Rule>) {
    let Some(first) = rules.first() else { return };
    let _ = write!(
        s,
        "<path fill=\"none\" stroke=\"#000\" stroke-width=\"{}\" d=\"",
        pt(first.width)
    );
    for (i, r) in rules.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let (x1, y1, x2, y2) = (pt(r.x1), pt(r.y1), pt(r.x2), pt(r.y2));
        if y1 == y2 {
            let _ = write!(s, "M{x1} {y1}H{x2}");
        } else if x1 == x2 {
            let _ = write!(s, "M{x1} {y1}V{y2}");
        } else {
            let _ = write!(s, "M{x1} {y1}L{x2} {y2}");
        }
    }
    s.push_str("\"/>");
    rules.clear();
}

/// A run: a group placing the face's em at the run's first glyph origin,
/// scaled to the type size and flipped (font units are y-up), each glyph
/// a `<use>` at its offset in font units. Faux bold strokes the outlines
/// with 0.03 of the type size, as the PDF does.
fn run(s: &mut String, t: &TextRun, faces: &Faces, glyphs: &mut Glyphs) {
    let (Some(first), Some(face)) = (t.glyphs.first(), faces.0.get(&t.face)) else {
        return;
    };
    let upem = face.units_per_em;
    let scale = t.size.to_pt() / upem;
    let text: String = t.glyphs.iter().map(|g| g.c).collect();
    let _ = write!(
        s,
        "<g aria-label=\"{}\" transform=\"matrix({sc} 0 0 -{sc} {} {})\"",
        label(text.trim()),
        pt(first.x),
        pt(t.baseline),
        sc = num(scale, 7),
    );
    if t.bold {
        let _ = write!(
            s,
            " stroke=\"#000\" stroke-width=\"{}\" stroke-miterlimit=\"10\"",
            num(upem * 0.03, 1)
        );
    }
    s.push('>');
    for g in &t.glyphs {
        let Some(id) = glyphs.id(faces, t.face, g.gid) else {
            continue;
        };
        let _ = write!(s, "<use href=\"#{}{id}\"", glyphs.prefix);
        let dx = ((g.x - first.x).to_pt() / scale * 10.0).round() / 10.0;
        if dx != 0.0 {
            let _ = write!(s, " x=\"{}\"", num(dx, 1));
        }
        s.push_str("/>");
    }
    s.push_str("</g>");
}

/// Text for an attribute or `<title>`: XML-escaped, with the control
/// characters XML 1.0 cannot carry left out.
fn label(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|&c| !c.is_control() || c == '\t')
        .collect();
    crate::text::escape_xml(&kept)
}

/// A length in points, to a thousandth.
fn pt(l: Length) -> String {
    num(l.to_pt(), 3)
}

/// `v` rounded to `places` decimals, without trailing zeros or a
/// negative zero: the same number always prints the same.
fn num(v: f64, places: u32) -> String {
    let m = 10_i64.pow(places);
    let r = (v * m as f64).round() as i64;
    let (sign, a) = if r < 0 { ("-", -r) } else { ("", r) };
    let (whole, frac) = (a / m, a % m);
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let digits = format!("{frac:0width$}", width = places as usize);
    format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_the_same_every_time() {
        assert_eq!(num(595.275_590_551, 3), "595.276");
        assert_eq!(num(-0.000_1, 3), "0");
        assert_eq!(num(0.5, 3), "0.5");
        assert_eq!(num(-12.0, 3), "-12");
        assert_eq!(num(16.0 / 1000.0, 7), "0.016");
        assert_eq!(num(16.0 / 2048.0, 7), "0.0078125");
    }

    #[test]
    fn labels_are_escaped_and_clean() {
        assert_eq!(label("a<b>&\"c\u{7}"), "a&lt;b&gt;&amp;&quot;c");
    }
}
