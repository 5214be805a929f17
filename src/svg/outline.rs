//! Glyph outlines as SVG path data.
//!
//! In: a [`Face`] and a glyph id. Out: the glyph's outline as the `d` of
//! an SVG `<path>`, in the face's own units with y upwards (the writer
//! flips and scales it per run), or `None` for a glyph that draws
//! nothing (a space). The outline comes from ttf-parser's
//! `outline_glyph`, CFF and TrueType alike; coordinates are rounded to a
//! tenth of a font unit and written as relative moves between the rounded
//! points, so no error accumulates and identical glyphs give identical
//! text. Each face keeps the paths it has given ([`Face::derived`]): a
//! preview re-rendered on every edit decodes each glyph once per process.

use crate::fonts::Face;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, RwLock};

/// A face's outlines already written, by glyph id.
#[derive(Debug, Default)]
struct Cache(RwLock<HashMap<u16, Option<Arc<str>>>>);

/// The outline of glyph `gid` of `face`, or `None` when it draws nothing.
pub fn path(face: &Face, gid: u16) -> Option<Arc<str>> {
    let cache = face.derived(Cache::default);
    if let Some(found) = cache.0.read().ok().and_then(|m| m.get(&gid).cloned()) {
        return found;
    }
    let made = decode(face, gid);
    if let Ok(mut m) = cache.0.write() {
        m.entry(gid).or_insert_with(|| made.clone());
    }
    made
}

fn decode(face: &Face, gid: u16) -> Option<Arc<str>> {
    let parsed = face.parse()?;
    let mut b = Builder::default();
    parsed.outline_glyph(ttf_parser::GlyphId(gid), &mut b)?;
    (!b.d.is_empty()).then(|| Arc::from(b.d.as_str()))
}

/// Writes path data with relative commands between points rounded to a
/// tenth of a unit (held as whole tenths, so the sums are exact).
#[derive(Debug, Default)]
struct Builder {
    d: String,
    /// The current point, in tenths of a unit.
    at: (i64, i64),
    /// The start of the current subpath, where closing returns.
    sub: (i64, i64),
    /// The last command letter written, which a repeat may leave out.
    last: Option<char>,
}

fn tenths(v: f32) -> i64 {
    (f64::from(v) * 10.0).round() as i64
}

impl Builder {
    fn command(&mut self, c: char) {
        if self.last != Some(c) || c == 'm' {
            self.d.push(c);
            self.last = Some(c);
        } else {
            self.d.push(' ');
        }
    }

    /// A segment: its command, then its points, each relative to the
    /// segment's start (SVG's relative curves measure every control
    /// point from there); the last point becomes the current one.
    fn segment(&mut self, c: char, pts: &[(f32, f32)]) {
        self.command(c);
        let start = self.at;
        let mut first = true;
        for &(x, y) in pts {
            let p = (tenths(x), tenths(y));
            for v in [p.0 - start.0, p.1 - start.1] {
                if !first && v >= 0 {
                    self.d.push(' ');
                }
                first = false;
                write_tenths(&mut self.d, v);
            }
            self.at = p;
        }
    }
}

/// A whole number of tenths as a decimal: `12`, `-3.5`, `.5`, `-.5`.
fn write_tenths(out: &mut String, v: i64) {
    let (sign, a) = if v < 0 { ("-", -v) } else { ("", v) };
    let (whole, frac) = (a / 10, a % 10);
    match (whole, frac) {
        (w, 0) => {
            let _ = write!(out, "{sign}{w}");
        }
        (0, f) => {
            let _ = write!(out, "{sign}.{f}");
        }
        (w, f) => {
            let _ = write!(out, "{sign}{w}.{f}");
        }
    }
}

impl ttf_parser::OutlineBuilder for Builder {
    fn move_to(&mut self, x: f32, y: f32) {
        self.segment('m', &[(x, y)]);
        self.sub = self.at;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.segment('l', &[(x, y)]);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.segment('q', &[(x1, y1), (x, y)]);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.segment('c', &[(x1, y1), (x2, y2), (x, y)]);
    }

    /// Closing returns the current point to the subpath's start, as SVG
    /// does, so the next relative move is measured from there.
    fn close(&mut self) {
        self.d.push('z');
        self.last = Some('z');
        self.at = self.sub;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttf_parser::OutlineBuilder;

    #[test]
    fn tenths_print_short() {
        let shown: Vec<String> = [0, 5, -5, 10, 125, -1234]
            .iter()
            .map(|&v| {
                let mut s = String::new();
                write_tenths(&mut s, v);
                s
            })
            .collect();
        assert_eq!(shown, ["0", ".5", "-.5", "1", "12.5", "-123.4"]);
    }

    /// Relative moves between rounded points: a closed square, a
    /// repeated command left out, and a curve measured from its start.
    #[test]
    fn paths_are_relative_and_exact() {
        let mut b = Builder::default();
        b.move_to(10.0, 20.0);
        b.line_to(110.0, 20.0);
        b.line_to(110.0, 120.04);
        b.close();
        b.move_to(0.0, 0.0);
        b.curve_to(0.0, 50.0, 50.0, 100.0, 100.0, 100.0);
        b.quad_to(150.0, 100.0, 150.0, 50.0);
        assert_eq!(
            b.d,
            "m10 20l100 0 0 100zm-10-20c0 50 50 100 100 100q50 0 50-50"
        );
    }
}
