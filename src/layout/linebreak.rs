//! Where lines may break, and how a line is set.
//!
//! In: glyphs; a line's glyph range and the width available. Out: the
//! break opportunities before each glyph, and per line the x offset of
//! every glyph. The lines themselves are chosen by
//! [`super::totalfit`], over the whole paragraph.
//!
//! Break opportunities follow UAX #14 (unicode-linebreak) for Latin words
//! and numbers, which never split, and the Chinese rules of GB/T 15834 and
//! clreq (W3C, "Requirements for Chinese Text Layout" §3.1.7 禁则) between
//! wide characters: a line never starts with a closing or pause mark and
//! never ends with an opening mark. A line is justified by widening the
//! gaps next to wide characters (clreq §3.2.3) and narrowed by taking up
//! to half the width of its full-width marks (标点挤压). A combining mark
//! (UAX #14 class CM: `q̇`, U+20DD) belongs to the character before it:
//! never a break before it, in body text, titles and cells alike (UAX #14
//! LB9, which the Chinese rules below would otherwise override next to a
//! wide character), and never a justification gap between them.

use super::shape::Glyph;
use crate::text::{compressible_at_end, is_mark, no_line_end, no_line_start};
use crate::units::Length;
use unicode_linebreak::{linebreaks, BreakOpportunity};

/// A line: glyphs `start..end` of the paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// First glyph.
    pub start: usize,
    /// One past the last glyph (trailing spaces excluded).
    pub end: usize,
    /// The natural width of its glyphs, trailing spaces excluded.
    pub width: Length,
    /// Ends at a forced break or the paragraph's end: not justified.
    pub last: bool,
    /// How much the final mark is compressed to make the line fit.
    pub compress: Length,
}

impl Line {
    /// All of `glyphs` as one line, neither broken nor justified.
    pub fn whole(glyphs: &[Glyph]) -> Line {
        let width = glyphs.iter().map(|g| g.advance).sum();
        Line {
            start: 0,
            end: glyphs.len(),
            width,
            last: true,
            compress: Length::ZERO,
        }
    }
}

/// Whether a break is allowed before each glyph (index 0 unused): UAX #14
/// between non-wide characters, the Chinese rules around wide ones.
pub fn opportunities(glyphs: &[Glyph]) -> Vec<bool> {
    let text: String = glyphs.iter().map(|g| g.c).collect();
    // UAX #14 speaks in byte offsets: map them to glyph indices.
    let mut byte_to_idx = vec![usize::MAX; text.len() + 1];
    for (i, (b, _)) in text.char_indices().enumerate() {
        byte_to_idx[b] = i;
    }
    byte_to_idx[text.len()] = glyphs.len();
    let mut uax = vec![false; glyphs.len() + 1];
    for (b, op) in linebreaks(&text) {
        if matches!(op, BreakOpportunity::Allowed | BreakOpportunity::Mandatory) {
            uax[byte_to_idx[b]] = true;
        }
    }
    let mut out = vec![false; glyphs.len()];
    for i in 1..glyphs.len() {
        let (a, b) = (&glyphs[i - 1], &glyphs[i]);
        out[i] = if a.is_newline() {
            true
        } else if is_mark(b.c) {
            // A combining mark stays in its base's cluster (UAX #14 LB9),
            // even after a `<wbr/>` hint or next to a wide character.
            false
        } else if a.is_hint() {
            true
        } else if b.is_newline() || b.is_hint() || no_line_start(b.c) || no_line_end(a.c) {
            // Breaks come after a hint or newline, never before; and the
            // 禁则 of clreq.
            false
        } else if a.c == b.c && matches!(a.c, '—' | '…') {
            // ——, …… are one mark of two characters (GB/T 15834 4.13, 4.11).
            false
        } else if a.wide || b.wide {
            true
        } else {
            uax[i]
        };
    }
    out
}

/// Horizontal alignment of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineAlign {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
    /// Flush to both edges: the slack spread over the gaps between
    /// characters (clreq §3.2.3, 两端对齐), never inside a Latin word or a
    /// number.
    Justify,
}

/// The x offset of each glyph of a line from the line's left edge, for a
/// line `avail` wide. Trailing spaces get no position that matters.
pub fn place(glyphs: &[Glyph], line: &Line, avail: Length, align: LineAlign) -> Vec<Length> {
    let g = &glyphs[line.start..line.end];
    let natural = line.width - line.compress;
    let slack = avail - natural;
    let mut tracked = false;
    let (mut x, gap) = match align {
        LineAlign::Left => (Length::ZERO, Length::ZERO),
        LineAlign::Center => (slack / 2.0, Length::ZERO),
        LineAlign::Right => (slack, Length::ZERO),
        LineAlign::Justify if line.last || slack <= Length::ZERO => (Length::ZERO, Length::ZERO),
        LineAlign::Justify => {
            let gaps = (line.start + 1..line.start + visible_len(g))
                .filter(|&k| gap_at(glyphs, k))
                .count();
            // A line all of one URL has no gap to widen: its letters are
            // spaced evenly instead, so that it still ends flush.
            tracked = gaps == 0;
            let n = if tracked {
                (1..visible_len(g)).filter(|&k| !is_mark(g[k].c)).count()
            } else {
                gaps
            };
            (
                Length::ZERO,
                if n > 0 {
                    slack / n as f64
                } else {
                    Length::ZERO
                },
            )
        }
    };
    // The line's compression comes off its full-width marks, each giving
    // up to half its width, in proportion (标点挤压).
    let shrinkable: Length = g
        .iter()
        .filter(|x| compressible_at_end(x.c))
        .map(|x| x.advance * 0.5)
        .sum();
    let factor = if shrinkable > Length::ZERO {
        (line.compress / shrinkable).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut out = Vec::with_capacity(g.len());
    for (k, glyph) in g.iter().enumerate() {
        if k > 0
            && gap > Length::ZERO
            && k < visible_len(g)
            && (tracked && !is_mark(glyph.c) || gap_at(glyphs, line.start + k))
        {
            x += gap;
        }
        out.push(x);
        x += glyph.advance;
        if compressible_at_end(glyph.c) {
            x -= glyph.advance * 0.5 * factor;
        }
    }
    out
}

/// The number of glyphs before trailing spaces.
fn visible_len(g: &[Glyph]) -> usize {
    g.iter().rposition(|x| !x.is_space()).map_or(0, |i| i + 1)
}

/// Whether the gap before glyph `k` of a paragraph may widen: next to a
/// wide character or a space, never inside a word, a number or a URL
/// (clreq §3.2.3: the space goes between the characters of Chinese
/// text; a Latin run keeps its letter spacing).
/// A combining mark takes no gap before it, and the gap after it is
/// judged by its base character.
pub(crate) fn gap_at(glyphs: &[Glyph], k: usize) -> bool {
    if is_mark(glyphs[k].c) {
        return false;
    }
    let mut base = k - 1;
    while base > 0 && is_mark(glyphs[base].c) {
        base -= 1;
    }
    expandable(&glyphs[base], &glyphs[k])
}

pub(crate) fn expandable(a: &Glyph, b: &Glyph) -> bool {
    a.wide || b.wide || a.is_space() || b.is_space()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::layout::totalfit::break_lines;
    use crate::text::{NO_LINE_END, NO_LINE_START};

    /// Test glyphs: wide 1 em, space 0.25 em, others 0.5 em, at 10 pt.
    pub(crate) fn glyphs(text: &str) -> Vec<Glyph> {
        text.chars()
            .map(|c| {
                let wide = crate::text::is_wide(c);
                let em = if wide {
                    1.0
                } else if c == ' ' {
                    0.25
                } else {
                    0.5
                };
                Glyph {
                    c,
                    face: 0,
                    gid: 1,
                    size: Length::pt(10.0),
                    bold: false,
                    advance: Length::pt(10.0 * em),
                    natural: Length::pt(10.0 * em),
                    wide,
                }
            })
            .collect()
    }

    fn lines(text: &str, chars: f64) -> Vec<String> {
        let g = glyphs(text);
        let w = Length::pt(10.0 * chars);
        break_lines(&g, w, w)
            .iter()
            .map(|l| g[l.start..l.end].iter().map(|x| x.c).collect())
            .collect()
    }

    #[test]
    fn chinese_breaks_between_any_two_characters() {
        assert_eq!(lines("一二三四五六七八", 3.0), ["一二三", "四五六", "七八"]);
    }

    #[test]
    fn no_line_starts_with_a_pause_mark() {
        // “，” would start line 2: it ends line 1, compressed by half.
        assert_eq!(lines("一二三，四五六", 3.5), ["一二三，", "四五六"]);
        // No room even compressed: the character before it moves down too.
        assert_eq!(lines("一二三，四五六", 3.0), ["一二", "三，四", "五六"]);
        // Two marks cannot both be compressed in.
        for line in lines("一二三。”四五", 3.5) {
            assert!(
                !NO_LINE_START.contains(line.chars().next().unwrap_or('x')),
                "{line}"
            );
        }
    }

    #[test]
    fn no_line_ends_with_an_opening_mark() {
        let l = lines("一二《三四》五", 3.0);
        assert_eq!(l, ["一二", "《三", "四》五"]);
        for line in lines("甲乙丙（丁）戊“己”庚", 3.0) {
            assert!(
                !NO_LINE_END.contains(line.chars().last().unwrap_or('x')),
                "{line}"
            );
            assert!(
                !NO_LINE_START.contains(line.chars().next().unwrap_or('x')),
                "{line}"
            );
        }
    }

    #[test]
    fn percent_and_close_quote_stay_with_what_precedes() {
        for l in lines("占比达到98.5%，“图解”“视频”等形式", 5.0) {
            let first = l.chars().next().unwrap_or('x');
            assert!(!NO_LINE_START.contains(first), "line starts with {first}");
            let last = l.chars().last().unwrap_or('x');
            assert!(!NO_LINE_END.contains(last), "line ends with {last}");
        }
    }

    #[test]
    fn numbers_and_latin_words_never_split() {
        let l = lines("我镇2020年信息更新", 3.0);
        assert!(l.iter().any(|x| x.contains("2020")), "{l:?}");
        let l = lines("网址www.example.gov.cn联系", 6.0);
        assert!(l.iter().all(|x| !x.ends_with("www.exa")), "{l:?}");
    }

    #[test]
    fn a_run_wider_than_the_line_is_force_broken() {
        let l = lines("abcdefghijklmnopqrstuvwxyz", 3.0);
        assert!(l.len() > 1);
        let g = glyphs("abcdefghijklmnopqrstuvwxyz");
        let w = Length::pt(30.0);
        for line in break_lines(&g, w, w) {
            assert!(line.width <= w + Length::pt(0.01), "{line:?}");
        }
    }

    #[test]
    fn justified_lines_are_flush_and_the_last_is_not() {
        let g = glyphs("一二三四五六七八九十，甲乙");
        let w = Length::pt(105.0);
        let ls = break_lines(&g, w, w);
        let first = &ls[0];
        let xs = place(&g, first, w, LineAlign::Justify);
        let end = xs[xs.len() - 1] + g[first.end - 1].advance - first.compress;
        assert!((end - w).abs() < Length::pt(0.01), "flush right: {end}");
        assert_eq!(
            first.compress,
            Length::pt(5.0),
            "the full stop compressed by half"
        );
        let last = ls.last().expect("a line");
        let xs = place(&g, last, w, LineAlign::Justify);
        assert_eq!(xs[1] - xs[0], Length::pt(10.0), "last line not stretched");
    }

    #[test]
    fn no_gap_is_added_inside_a_number() {
        let g = glyphs("共2020件");
        let line = Line {
            start: 0,
            end: g.len(),
            width: Length::pt(40.0),
            last: false,
            compress: Length::ZERO,
        };
        let xs = place(&g, &line, Length::pt(60.0), LineAlign::Justify);
        assert_eq!(xs[2] - xs[1], Length::pt(5.0), "2→0 stays tight");
        assert!(xs[1] - xs[0] > Length::pt(10.0), "共→2 widens");
    }

    #[test]
    fn a_url_keeps_its_letter_spacing_and_a_line_of_url_alone_is_tracked() {
        let g = glyphs("见www.gov.cn/a");
        let line = Line {
            start: 0,
            end: g.len(),
            width: Length::pt(70.0),
            last: false,
            compress: Length::ZERO,
        };
        let xs = place(&g, &line, Length::pt(80.0), LineAlign::Justify);
        for k in 2..g.len() {
            assert_eq!(xs[k] - xs[k - 1], Length::pt(5.0), "inside the URL at {k}");
        }
        // Nothing wide to widen next to: every letter gap takes a share.
        let g = glyphs("gov.cn/abc");
        let line = Line {
            start: 0,
            end: g.len(),
            width: Length::pt(50.0),
            last: false,
            compress: Length::ZERO,
        };
        let xs = place(&g, &line, Length::pt(59.0), LineAlign::Justify);
        for k in 1..g.len() {
            assert!((xs[k] - xs[k - 1] - Length::pt(6.0)).abs() < Length::pt(1e-6));
        }
    }

    #[test]
    fn no_break_and_no_gap_before_a_combining_mark() {
        // Next to a wide character, after a hint, inside a Latin run.
        let g = glyphs("中\u{307}中\u{200B}\u{20DD}aq\u{307}b");
        let ok = opportunities(&g);
        for (i, x) in g.iter().enumerate() {
            if crate::text::is_mark(x.c) {
                assert!(!ok[i], "a break before U+{:04X} at {i}", x.c as u32);
                assert!(!gap_at(&g, i), "a gap before U+{:04X} at {i}", x.c as u32);
            }
        }
        // The gap after a mark is its base's: 中̇|中 widens.
        assert!(gap_at(&g, 2));
        // Even a run wider than the line breaks only between clusters.
        for l in lines(&"q\u{307}".repeat(40), 3.0) {
            assert!(!l.starts_with('\u{307}'), "{l}");
        }
    }

    #[test]
    fn forced_breaks_end_lines() {
        assert_eq!(lines("商业\n企业", 10.0), ["商业", "企业"]);
    }
}
