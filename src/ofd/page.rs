//! One page's content: laid-out items → the page's `Content.xml`
//! (GB/T 33190-2016, 8 "页面", 9 "图元", 11 "文字").
//!
//! In: a page's [`Item`]s, the document's embedded fonts and the unit-ID
//! counter. Out: the XML of a `Page` with one body layer holding, in the
//! PDF's drawing order, a `TextObject` per run and a `PathObject` per
//! rule. Coordinates are the layout's own: millimetres from the paper's
//! top-left corner, y downwards, as OFD's page space is; each object's
//! `Boundary` is its local origin, so a run's `TextCode` `X`/`Y` and a
//! rule's path are relative to it. Every number is rounded once to a
//! micrometre ([`Um`]) and the `DeltaX` steps are differences of rounded
//! positions, so the glyphs land where the PDF puts them without drift.

use super::{Ids, UsedFont, NS};
use crate::fonts::FaceIdx;
use crate::layout::{Item, Laid, PlacedGlyph, Rule, TextRun};
use crate::units::Length;
use crate::xml::{Res, Xml};
use std::collections::BTreeMap;
use std::fmt;

/// A length in whole micrometres, written in millimetres (`12.345`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Um(pub i64);

impl Um {
    /// The nearest micrometre.
    pub fn of(l: Length) -> Um {
        Um((l.to_mm() * 1000.0).round() as i64)
    }
}

impl fmt::Display for Um {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (sign, v) = if self.0 < 0 {
            ("-", -self.0)
        } else {
            ("", self.0)
        };
        let (whole, frac) = (v / 1000, v % 1000);
        if frac == 0 {
            return write!(f, "{sign}{whole}");
        }
        let digits = format!("{frac:03}");
        write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// Space-separated lengths (an `ST_Array`).
fn list(v: &[Um]) -> String {
    v.iter().map(Um::to_string).collect::<Vec<_>>().join(" ")
}

/// The paper as a `PhysicalBox`: `0 0 width height`, in millimetres.
pub fn physical_box(laid: &Laid) -> String {
    format!("0 0 {} {}", Um::of(laid.width), Um::of(laid.height))
}

/// The page's `Content.xml`. The page states its own `Area` (the
/// document's `PageArea` again), so that a reader of one page file alone
/// still knows the paper.
pub fn content(
    items: &[Item],
    paper: &str,
    fonts: &BTreeMap<FaceIdx, UsedFont>,
    ids: &mut Ids,
) -> std::io::Result<Vec<u8>> {
    let mut x = Xml::new()?;
    x.open("ofd:Page", &[("xmlns:ofd", NS)])?;
    x.open("ofd:Area", &[])?;
    x.text("ofd:PhysicalBox", &[], paper)?;
    x.close("ofd:Area")?;
    x.open("ofd:Content", &[])?;
    let layer = ids.take().to_string();
    x.open("ofd:Layer", &[("ID", &layer), ("Type", "Body")])?;
    for item in items {
        match item {
            Item::Text(t) => {
                let glyphs = visible(&t.glyphs);
                if let (Some(font), false) = (fonts.get(&t.face), glyphs.is_empty()) {
                    text(&mut x, t, glyphs, font, ids.take())?;
                }
            }
            Item::Rule(r) => rule(&mut x, r, ids.take())?,
        }
    }
    x.close("ofd:Layer")?;
    x.close("ofd:Content")?;
    x.close("ofd:Page")?;
    Ok(x.finish())
}

/// A run without the spaces at its ends: they draw nothing, and a reader
/// that trims a `TextCode`'s text would count its `DeltaX` steps wrong.
fn visible(glyphs: &[PlacedGlyph]) -> &[PlacedGlyph] {
    let start = glyphs.iter().position(|g| g.c != ' ');
    let end = glyphs.iter().rposition(|g| g.c != ' ');
    match (start, end) {
        (Some(a), Some(b)) => &glyphs[a..=b],
        _ => &[],
    }
}

/// A run (its visible `glyphs`) as a `TextObject`. The boundary holds the
/// glyphs with room to spare (a glyph may reach past its em box), since a
/// reader may clip to it. Faux bold is drawn as the PDF draws it: fill
/// plus a stroke of 0.03 of the type size.
fn text(x: &mut Xml, t: &TextRun, glyphs: &[PlacedGlyph], font: &UsedFont, id: u32) -> Res {
    let (Some(first), Some(last)) = (glyphs.first(), glyphs.last()) else {
        return Ok(());
    };
    let size = Um::of(t.size);
    let left = Um::of(first.x).0 - size.0 / 2;
    let right = Um::of(last.x + last.advance).0 + size.0 / 2;
    let top = Um::of(t.baseline).0 - size.0 * 3 / 2;
    let boundary = list(&[Um(left), Um(top), Um(right - left), Um(size.0 * 2)]);
    let (id, font_id, size_s) = (id.to_string(), font.id.to_string(), size.to_string());
    let stroke = Um((size.0 * 3 + 50) / 100).to_string();
    let mut attrs = vec![
        ("ID", id.as_str()),
        ("Boundary", boundary.as_str()),
        ("Font", font_id.as_str()),
        ("Size", size_s.as_str()),
    ];
    if t.bold {
        attrs.extend([("Stroke", "true"), ("LineWidth", stroke.as_str())]);
    }
    x.open("ofd:TextObject", &attrs)?;
    x.empty("ofd:FillColor", &[("Value", "0 0 0")])?;
    if t.bold {
        x.empty("ofd:StrokeColor", &[("Value", "0 0 0")])?;
    }
    glyph_transforms(x, glyphs, font)?;
    let xs: Vec<i64> = glyphs.iter().map(|g| Um::of(g.x).0 - left).collect();
    let (gx, gy) = (Um(xs[0]).to_string(), Um(Um::of(t.baseline).0 - top));
    let gy = gy.to_string();
    let deltas = delta_x(&xs);
    let mut code = vec![("X", gx.as_str()), ("Y", gy.as_str())];
    if !deltas.is_empty() {
        code.push(("DeltaX", deltas.as_str()));
    }
    let text: String = glyphs.iter().map(|g| g.c).collect();
    x.text("ofd:TextCode", &code, &text)?;
    x.close("ofd:TextObject")
}

/// A `CGTransform` (11.4) for each stretch of glyphs that the font's
/// `cmap` would not give for their characters (a vertical cell's
/// punctuation in its vertical form): the reader draws the named glyphs
/// there, and the text still reads as the characters written.
fn glyph_transforms(x: &mut Xml, run: &[PlacedGlyph], font: &UsedFont) -> Res {
    let own = |g: &PlacedGlyph| font.own.get(&g.c) == Some(&g.gid);
    let mut k = 0;
    while k < run.len() {
        if own(&run[k]) {
            k += 1;
            continue;
        }
        let start = k;
        while k < run.len() && !own(&run[k]) {
            k += 1;
        }
        let glyphs: Vec<String> = run[start..k]
            .iter()
            .map(|g| {
                font.subset
                    .ids
                    .get(&g.gid)
                    .copied()
                    .unwrap_or(0)
                    .to_string()
            })
            .collect();
        let (pos, count) = (start.to_string(), (k - start).to_string());
        x.open(
            "ofd:CGTransform",
            &[
                ("CodePosition", pos.as_str()),
                ("CodeCount", count.as_str()),
                ("GlyphCount", count.as_str()),
            ],
        )?;
        x.text("ofd:Glyphs", &[], &glyphs.join(" "))?;
        x.close("ofd:CGTransform")?;
    }
    Ok(())
}

/// The steps between consecutive glyphs, with a repeated step written
/// once as `g N step` (11.3): a justified line of Chinese is mostly one
/// pitch, so its `DeltaX` stays short.
fn delta_x(xs: &[i64]) -> String {
    let steps: Vec<i64> = xs.windows(2).map(|w| w[1] - w[0]).collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let mut n = 1;
        while i + n < steps.len() && steps[i + n] == steps[i] {
            n += 1;
        }
        let step = Um(steps[i]).to_string();
        if n >= 3 {
            out.push(format!("g {n} {step}"));
        } else {
            out.extend(std::iter::repeat_n(step, n));
        }
        i += n;
    }
    out.join(" ")
}

/// A rule as a stroked `PathObject`, its boundary the segment's box grown
/// by the stroke width on every side (a zero-height box would clip a
/// horizontal rule away in a reader that clips to it).
fn rule(x: &mut Xml, r: &Rule, id: u32) -> Res {
    let w = Um::of(r.width).0;
    let (x1, y1, x2, y2) = (
        Um::of(r.x1).0,
        Um::of(r.y1).0,
        Um::of(r.x2).0,
        Um::of(r.y2).0,
    );
    let (left, top) = (x1.min(x2) - w, y1.min(y2) - w);
    let boundary = list(&[
        Um(left),
        Um(top),
        Um((x2 - x1).abs() + 2 * w),
        Um((y2 - y1).abs() + 2 * w),
    ]);
    let path = format!(
        "M {} {} L {} {}",
        Um(x1 - left),
        Um(y1 - top),
        Um(x2 - left),
        Um(y2 - top)
    );
    let (id, width) = (id.to_string(), Um(w).to_string());
    x.open(
        "ofd:PathObject",
        &[
            ("ID", id.as_str()),
            ("Boundary", boundary.as_str()),
            ("LineWidth", width.as_str()),
        ],
    )?;
    x.empty("ofd:StrokeColor", &[("Value", "0 0 0")])?;
    x.text("ofd:AbbreviatedData", &[], &path)?;
    x.close("ofd:PathObject")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micrometres_print_as_millimetres() {
        let shown: Vec<String> = [0, 5, 1000, 1500, 210_000, -353, 12_345]
            .iter()
            .map(|&v| Um(v).to_string())
            .collect();
        assert_eq!(shown, ["0", "0.005", "1", "1.5", "210", "-0.353", "12.345"]);
    }

    /// 11.3: `g N step` stands for N equal steps; shorter repeats are
    /// written out, and the steps sum to the last glyph's offset.
    #[test]
    fn delta_x_groups_repeated_steps() {
        assert_eq!(
            delta_x(&[0, 5644, 11288, 16932, 22576, 25000, 27424]),
            "g 4 5.644 2.424 2.424"
        );
        assert_eq!(delta_x(&[0]), "");
        assert_eq!(delta_x(&[0, 1000, 3000]), "1 2");
    }

    #[test]
    fn runs_lose_their_end_spaces_only() {
        let run: Vec<PlacedGlyph> = " a b "
            .chars()
            .map(|c| PlacedGlyph {
                c,
                gid: 1,
                x: Length::ZERO,
                advance: Length::ZERO,
            })
            .collect();
        let kept: String = visible(&run).iter().map(|g| g.c).collect();
        assert_eq!(kept, "a b");
        assert!(visible(&run[..1]).is_empty());
    }
}
