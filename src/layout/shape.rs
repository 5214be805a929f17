//! Preparing text for layout: runs → glyphs with fonts and advances.
//!
//! In: the runs of a paragraph or cell, the font book and the role chains.
//! Out: one [`Glyph`] per character, each with the face that draws it (the
//! first face of its role's chain that has it: per-character fallback),
//! its advance, and its class for line breaking and justification. A
//! character no face of the chain has is an error naming it and its code
//! point, never a blank box.

use crate::diag::{tr, Code, Diagnostic};
use crate::doc::Span;
use crate::fonts::{Chains, FaceIdx, FontBook};
use crate::text::is_wide;
use crate::units::Length;

/// A character ready for layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// The character.
    pub c: char,
    /// The face that draws it.
    pub face: FaceIdx,
    /// Its glyph id in that face.
    pub gid: u16,
    /// Type size.
    pub size: Length,
    /// Drawn heavier.
    pub bold: bool,
    /// The advance the line uses (grid-adjusted for wide characters).
    pub advance: Length,
    /// The advance the font gives it.
    pub natural: Length,
    /// East Asian wide: breaks and justification gaps around it.
    pub wide: bool,
}

impl Glyph {
    /// A forced line break (`<br/>`).
    pub fn is_newline(&self) -> bool {
        self.c == '\n'
    }

    /// A zero-width break hint (`<wbr/>`), never drawn.
    pub fn is_hint(&self) -> bool {
        self.c == '\u{200B}'
    }

    /// A space (a break opportunity, never a line's start).
    pub fn is_space(&self) -> bool {
        self.c == ' '
    }
}

/// Characters that must not be drawn and take no room.
fn invisible(c: char) -> bool {
    matches!(c, '\n' | '\u{200B}')
}

/// Shapes runs. `wide_pitch`: when set, every wide character advances by
/// this fraction of its size (the document grid, GB/T 9704 5.2.3: 28
/// characters to a 156 mm line means 15.79 pt per 16 pt character).
pub fn shape(
    spans: &[Span],
    book: &FontBook,
    chains: &Chains,
    wide_pitch: Option<f64>,
) -> Result<Vec<Glyph>, Diagnostic> {
    let mut out = Vec::with_capacity(spans.iter().map(|s| s.text.len()).sum());
    for span in spans {
        let chain = chains.roles.get(&span.style.role).ok_or_else(|| {
            Diagnostic::input(
                Code::Font,
                tr(
                    format!("样式表里没有字体角色 `{}`", span.style.role),
                    format!("no font role `{}` in the stylesheet", span.style.role),
                ),
            )
        })?;
        let size = span.style.size;
        for c in span.text.chars() {
            if invisible(c) {
                let first = chain[0];
                out.push(Glyph {
                    c,
                    face: first,
                    gid: 0,
                    size,
                    bold: false,
                    advance: Length::ZERO,
                    natural: Length::ZERO,
                    wide: false,
                });
                continue;
            }
            let c = if c.is_whitespace() { ' ' } else { c };
            let (face, gid, em) = match book.glyph(chain, c)? {
                Some(g) => g,
                None if c == ' ' => (chain[0], 0, 0.25),
                None => return Err(missing(c, span.style.role.name(), chain, book)),
            };
            let wide = is_wide(c);
            let used = match wide_pitch {
                Some(k) if wide => k,
                _ => em,
            };
            out.push(Glyph {
                c,
                face,
                gid,
                size,
                bold: span.style.bold,
                advance: size * used,
                natural: size * em,
                wide,
            });
        }
    }
    Ok(out)
}

/// The error for a character no face of the chain has; it carries the
/// character, so that the engine, which knows the data, can point the
/// error at the string holding it.
fn missing(c: char, role: &str, chain: &[FaceIdx], book: &FontBook) -> Diagnostic {
    let names = chain
        .iter()
        .map(|&i| book.name(i))
        .collect::<Vec<_>>()
        .join(", ");
    let code = c as u32;
    let mut d = Diagnostic::input(
        Code::Font,
        tr(
            format!("没有字体含有字符“{c}”（U+{code:04X}）；字体角色 `{role}` 试过 {names}"),
            format!(
                "no font has the character “{c}” (U+{code:04X}); font role `{role}` tried {names}"
            ),
        ),
    )
    .with_hint(tr(
        "用 --font-dir 加入含有它的字体，或检查文字里是否有误输入的字符",
        "add a font that has it with --font-dir, or check the text for a stray character",
    ));
    d.character = Some(c);
    d
}

/// The width of glyphs, as laid on a line.
pub fn width(glyphs: &[Glyph]) -> Length {
    glyphs.iter().map(|g| g.advance).sum()
}

/// Shapes the runs of a vertical cell: as [`shape`], with each punctuation
/// mark drawn in its vertical form ([`crate::text::vertical_form`]) where a
/// face of its role's chain has that form. The glyph keeps its character,
/// so the text copies out as written (、, not ︑).
pub fn shape_vertical(
    spans: &[Span],
    book: &FontBook,
    chains: &Chains,
) -> Result<Vec<Glyph>, Diagnostic> {
    let mut glyphs = shape(spans, book, chains, None)?;
    let mut k = 0;
    for span in spans {
        let chain = chains.roles.get(&span.style.role);
        for c in span.text.chars() {
            let (Some(g), Some(chain)) = (glyphs.get_mut(k), chain) else {
                break;
            };
            if let Some(v) = crate::text::vertical_form(c) {
                if let Some((face, gid, em)) = book.glyph(chain, v)? {
                    g.face = face;
                    g.gid = gid;
                    g.natural = g.size * em;
                    g.advance = g.size * em;
                }
            }
            k += 1;
        }
    }
    Ok(glyphs)
}
