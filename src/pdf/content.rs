//! One page's content stream, as printpdf operators.
//!
//! In: a laid-out page's items, the faces they use (subset, with their
//! codes) and the structure their tags name. Out: the page's operators,
//! and which structure node each of its marked-content ids belongs to.
//!
//! What makes the stream short, since every byte of it is formatted,
//! deflated and written for every report:
//! - consecutive runs (a paragraph's lines, a table's cells) share one
//!   text object: `Tf` only when the face or size changes, and each
//!   line's start as a `Td` from the previous one;
//! - positions are whole thousandths of a point (0.35 µm), and each `Td`
//!   is the difference of two such positions, so the moves a reader adds
//!   up land exactly where the layout put the line;
//! - the step most of a run's glyphs share is the character spacing `Tc`
//!   (see [`run`]), so a line is mostly bare glyph codes.

use super::tags::Marks;
use super::UsedFace;
use crate::fonts::FaceIdx;
use crate::layout::tags::Tag;
use crate::layout::{Item, Laid, TextRun};
use crate::units::Length;
use printpdf::{
    Color, DictItem, Line, LinePoint, Op, PdfFontHandle, Point, Pt, Rgb, TextRenderingMode,
};
use std::collections::BTreeMap;

/// A length in whole thousandths of a point.
fn milli(l: Length) -> i64 {
    (l.to_pt() * 1000.0).round() as i64
}

/// Thousandths of a point as printpdf's `Pt`: the nearest `f32`, which
/// writes back as the same short decimal.
fn pt_of(m: i64) -> Pt {
    Pt((m as f64 / 1000.0) as f32)
}

fn pt(l: Length) -> Pt {
    pt_of(milli(l))
}

/// What a page's operators have set so far. The font, `Tc` and the line
/// width are graphics state, kept from one text object to the next (ISO
/// 32000-1 9.3.1, 8.4); a text object's line matrix starts anew with each
/// `BT` (9.4.1).
#[derive(Default)]
struct State {
    /// Inside `BT` … `ET`.
    in_text: bool,
    /// The start of the current line (`Td` moves from it), thousandths.
    line: (i64, i64),
    /// The face and size last set with `Tf`.
    font: Option<(FaceIdx, i64)>,
    /// The character spacing last set, hundred-thousandths of a point.
    spacing: i64,
    /// The line width last set, thousandths of a point.
    rule_width: Option<i64>,
}

/// One page's operators, each run inside the marked content of its tag;
/// with them, the node each marked-content id belongs to.
///
/// Consecutive runs share one text object, whatever their tags: each
/// run's marked-content sequence opens and closes inside it (marked
/// content may, ISO 32000-1 figure 9), so a table's cells are
/// `/TD <</MCID n>> BDC … Td … TJ EMC` one after another in one `BT`.
/// A rule ends the text object (a path may not be drawn inside one), and
/// its artifact sequence opens outside it.
pub fn page(
    items: &[Item],
    laid: &Laid,
    fonts: &BTreeMap<FaceIdx, UsedFace>,
) -> (Vec<Op>, Vec<usize>) {
    let h = laid.height;
    let mut marks = Marks::default();
    let mut st = State::default();
    let mut ops = vec![Op::SetOutlineColor {
        col: Color::Rgb(Rgb {
            r: 0.0,
            g: 0.0,
            b: 0.0,
            icc_profile: None,
        }),
    }];
    for item in items {
        match item {
            Item::Rule(r) => {
                if st.in_text {
                    // The text's sequence closes inside its text object.
                    marks.close(&mut ops);
                    ops.push(Op::EndTextSection);
                    st.in_text = false;
                }
                marks.enter(Tag::Artifact, &laid.structure, &mut ops);
                let width = milli(r.width);
                if st.rule_width != Some(width) {
                    ops.push(Op::SetOutlineThickness { pt: pt_of(width) });
                    st.rule_width = Some(width);
                }
                let p = |x: Length, y: Length| LinePoint {
                    p: Point {
                        x: pt(x),
                        y: pt(h - y),
                    },
                    bezier: false,
                };
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![p(r.x1, r.y1), p(r.x2, r.y2)],
                        is_closed: false,
                    },
                });
            }
            Item::Text(t) => {
                let (Some(f), Some(first)) = (fonts.get(&t.face), t.glyphs.first()) else {
                    continue;
                };
                if !st.in_text {
                    // A rule's sequence closes outside the text object.
                    marks.close(&mut ops);
                    ops.push(Op::StartTextSection);
                    st.in_text = true;
                    st.line = (0, 0);
                }
                marks.enter(t.tag, &laid.structure, &mut ops);
                let font = (t.face, milli(t.size));
                if st.font != Some(font) {
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(f.tag.clone()),
                        size: pt_of(font.1),
                    });
                    st.font = Some(font);
                }
                let at = (milli(first.x), milli(h - t.baseline));
                ops.push(Op::SetTextCursor {
                    pos: Point {
                        x: pt_of(at.0 - st.line.0),
                        y: pt_of(at.1 - st.line.1),
                    },
                });
                st.line = at;
                run(t, f, &mut st.spacing, &mut ops);
                if t.bold {
                    // Its outline stroke set the line width: the next
                    // rule sets its own again.
                    st.rule_width = None;
                }
            }
        }
    }
    marks.close(&mut ops);
    if st.in_text {
        ops.push(Op::EndTextSection);
    }
    (ops, marks.owners)
}

/// One run, its line start already set: the glyphs as one string, with a
/// `TJ` offset before each glyph whose place differs from where the
/// previous glyph's advance leaves the pen (justification). The step most
/// glyphs share (the document grid's pitch: 28 characters to a line sets
/// each 16 pt character 0.21 pt closer) is the character spacing `Tc`
/// instead, set once for the run, so that a line of body text is its glyph
/// codes with a few offsets rather than a number after every glyph. Bold
/// is drawn as fill plus a thin stroke, the usual stand-in where no bold
/// face exists.
///
/// The `TJ` is given to printpdf as an operator it passes through
/// (`Op::Unknown`, with `secure: false`), not as `ShowText`: printpdf
/// writes every glyph of a `ShowText` as a string of its own, allocated
/// and hex-formatted a byte at a time (`[<0427><0411>…]`), where here each
/// stretch of glyphs between two offsets is one literal string of their
/// 2-byte codes (`[(…) 25.9(…)]`). Measured on 100 reports (callgrind):
/// 4 % of a batch's instructions, and a shorter stream to deflate.
fn run(t: &TextRun, f: &UsedFace, spacing: &mut i64, ops: &mut Vec<Op>) {
    if t.bold {
        ops.push(Op::SetTextRenderingMode {
            mode: TextRenderingMode::FillStroke,
        });
        ops.push(Op::SetOutlineThickness {
            pt: pt(t.size * 0.03),
        });
    }
    // The size `Tf` wrote, and each glyph's advance as a reader makes it:
    // its width as `/W` declares it (thousandths of an em) at that size.
    let size = Length::pt(milli(t.size) as f64 / 1000.0);
    // The subset is cut from these very runs: every glyph is in it.
    let glyph = |gid: u16| {
        let found = f.subset.glyphs.get(&gid).copied();
        debug_assert!(found.is_some(), "glyph {gid} is not in the subset");
        found.unwrap_or((0, 0))
    };
    let advance = |width: i64| size * (width as f64 / 1000.0);
    // The gap after each glyph: from where its advance leaves the pen to
    // where the next glyph goes.
    let gaps: Vec<Length> = t
        .glyphs
        .windows(2)
        .map(|w| w[1].x - (w[0].x + advance(glyph(w[0].gid).1)))
        .collect();
    let tc = common_gap(&gaps);
    if tc != *spacing {
        ops.push(Op::SetCharacterSpacing {
            multiplier: (tc as f64 / 100_000.0) as f32,
        });
        *spacing = tc;
    }
    let tc = Length::pt(tc as f64 / 100_000.0);
    // Each glyph carries the TJ adjustment for what `Tc` leaves: thousandths
    // of the type size, positive to the left, to a tenth (at 16 pt, 1.6
    // thousandths of a point); none where that rounds to nothing.
    // The pen is followed as a reader moves it: from the line start the
    // `Td` wrote, by each glyph's width as `/W` declares it at the size
    // `Tf` wrote, then `Tc`, then the offset written. So neither a rounded
    // width, size or `Tc` nor a rounded offset ever adds up along a line.
    let mut pen = t
        .glyphs
        .first()
        .map_or(Length::ZERO, |g| Length::pt(milli(g.x) as f64 / 1000.0));
    let mut array: Vec<DictItem> = Vec::new();
    let mut codes: Vec<u8> = Vec::with_capacity(2 * t.glyphs.len());
    for (i, g) in t.glyphs.iter().enumerate() {
        let (code, width) = glyph(g.gid);
        pen = pen + advance(width) + tc;
        let offset = t.glyphs.get(i + 1).map_or(0.0, |next| {
            let thousandths = (-((next.x - pen) / size) * 10_000.0).round() / 10.0;
            pen -= size * (thousandths / 1000.0);
            thousandths as f32
        });
        codes.extend_from_slice(&code.to_be_bytes());
        if offset != 0.0 {
            array.push(DictItem::String {
                data: std::mem::take(&mut codes),
                literal: true,
            });
            array.push(DictItem::Real(offset));
        }
    }
    if !codes.is_empty() {
        array.push(DictItem::String {
            data: codes,
            literal: true,
        });
    }
    ops.push(Op::Unknown {
        key: "TJ".into(),
        value: vec![DictItem::Array(array)],
    });
    if t.bold {
        ops.push(Op::SetTextRenderingMode {
            mode: TextRenderingMode::Fill,
        });
    }
}

/// The gap that at least half of a run's gaps share (to the thousandth
/// of a point), if it is not zero; else zero. Chosen only by count, so the
/// same run always gives the same `Tc`; then, in hundred-thousandths of a
/// point, the mean of the gaps that share it, so that what it leaves over
/// a line stays under the offsets' tenth.
fn common_gap(gaps: &[Length]) -> i64 {
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for g in gaps {
        *counts.entry(milli(*g)).or_default() += 1;
    }
    let best = counts
        .iter()
        .max_by_key(|(k, n)| (**n, std::cmp::Reverse(k.abs())))
        .filter(|(k, n)| **k != 0 && **n * 2 >= gaps.len());
    let Some((&step, &n)) = best else {
        return 0;
    };
    let sum: f64 = gaps
        .iter()
        .filter(|g| milli(**g) == step)
        .map(|g| g.to_pt())
        .sum();
    (sum / n as f64 * 100_000.0).round() as i64
}
