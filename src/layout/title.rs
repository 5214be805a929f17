//! Breaking the title into lines (GB/T 9704-2012 7.3.1).
//!
//! In: the shaped glyphs of one title line as the template gave it, and
//! the measure. Out: the glyph ranges of its printed lines. A line that
//! fits stays whole; a longer one breaks at a `<wbr/>` hint when one gives
//! lines that fit, else into balanced lines at the break opportunities.

use super::linebreak::break_lines;
use super::shape::{width, Glyph};
use crate::units::Length;
use std::ops::Range;

/// Splits a title line that is wider than `w` into lines of nearly equal
/// width: at a `<wbr/>` hint if one gives lines that fit, else at the
/// break opportunities, with the narrowest measure that keeps the fewest
/// lines, so that no line is left with a character or two.
pub fn balanced(glyphs: &[Glyph], w: Length) -> Vec<Range<usize>> {
    let total = width(glyphs);
    if total <= w {
        return std::iter::once(0..glyphs.len()).collect();
    }
    let hints: Vec<usize> = glyphs
        .iter()
        .enumerate()
        .filter(|(_, g)| g.is_hint())
        .map(|(i, _)| i)
        .collect();
    let best_hint = hints
        .iter()
        .map(|&i| (i, width(&glyphs[..i]), width(&glyphs[i + 1..])))
        .filter(|(_, a, b)| *a <= w && *b <= w)
        .min_by(|x, y| {
            (x.1 - x.2)
                .abs()
                .to_pt()
                .total_cmp(&(y.1 - y.2).abs().to_pt())
        });
    if let Some((i, _, _)) = best_hint {
        return vec![0..i, i + 1..glyphs.len()];
    }
    let n = break_lines(glyphs, w, w).len();
    let mut trial = total / n as f64;
    loop {
        let lines = break_lines(glyphs, trial, trial);
        if lines.len() <= n || trial >= w {
            return lines.iter().map(|l| l.start..l.end).collect();
        }
        trial = (trial + Length::pt(1.0)).min(w);
    }
}
