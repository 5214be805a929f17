//! Stage 4, layout: document tree → positioned pages.
//!
//! In: a [`Document`], the font book and the role chains. Out: [`Laid`]
//! pages of positioned text runs and rules, which the PDF writer only
//! draws. The work goes as in typst: *collect* the blocks, *prepare* each
//! (shape its text with per-character font fallback), *line-break* it
//! ([`linebreak`]), *finalize* it onto pages ([`flow`]), with tables laid
//! out row by row ([`table`]) and page numbers added last.

pub mod flow;
pub mod linebreak;
pub mod shape;
pub mod table;

use crate::diag::Diagnostic;
use crate::doc::Document;
use crate::fonts::{Chains, FaceIdx, FontBook};
use crate::units::Length;
use std::fmt::Write;

/// Positioned pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Laid {
    pub width: Length,
    pub height: Length,
    pub pages: Vec<LaidPage>,
    /// Bookmarks: (title, page index).
    pub outline: Vec<(String, usize)>,
}

/// One page's content, in drawing order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LaidPage {
    pub items: Vec<Item>,
}

/// Something drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text(TextRun),
    Rule(Rule),
}

/// Glyphs of one face and size on one baseline. Coordinates are from the
/// paper's top-left corner, in points.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub face: FaceIdx,
    pub size: Length,
    pub bold: bool,
    pub baseline: Length,
    pub glyphs: Vec<PlacedGlyph>,
}

/// A glyph and where its origin goes.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    pub c: char,
    pub gid: u16,
    pub x: Length,
    /// The advance the font gives it (the PDF's own pen movement).
    pub advance: Length,
}

/// A straight rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub x1: Length,
    pub y1: Length,
    pub x2: Length,
    pub y2: Length,
    pub width: Length,
}

/// Lays out a document.
pub fn layout(doc: &Document, book: &FontBook, chains: &Chains) -> Result<Laid, Diagnostic> {
    flow::Flow::new(doc, book, chains).run()
}

/// A text dump of the laid-out pages (positions in points, one decimal),
/// for snapshot tests and for looking at a layout without a viewer.
pub fn dump(laid: &Laid, book: &FontBook) -> String {
    let mut out = String::new();
    for (i, page) in laid.pages.iter().enumerate() {
        let _ = writeln!(out, "page {}", i + 1);
        for item in &page.items {
            match item {
                Item::Text(t) => {
                    let text: String = t.glyphs.iter().map(|g| g.c).collect();
                    let x = t.glyphs.first().map_or(Length::ZERO, |g| g.x);
                    let _ = writeln!(
                        out,
                        "  text x={:.1} y={:.1} {} {}{} {text}",
                        x.to_pt(),
                        t.baseline.to_pt(),
                        book.name(t.face),
                        t.size,
                        if t.bold { " bold" } else { "" }
                    );
                }
                Item::Rule(r) => {
                    let _ = writeln!(
                        out,
                        "  rule {:.1},{:.1} {:.1},{:.1}",
                        r.x1.to_pt(),
                        r.y1.to_pt(),
                        r.x2.to_pt(),
                        r.y2.to_pt()
                    );
                }
            }
        }
    }
    out
}
