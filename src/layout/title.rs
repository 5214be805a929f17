//! Breaking the title into lines (GB/T 9704-2012 7.3.1: 回行时，要做到
//! 词意完整，排列对称，长短适宜，间距恰当).
//!
//! In: the shaped glyphs of one title line as the template gave it, and
//! the measure. Out: the glyph ranges of its printed lines. A line that
//! fits stays whole. A longer one breaks only between words, into the
//! fewest lines that fit, never leaving one character alone on a line:
//! - best at a `<wbr/>` hint (the built-in template puts one after the
//!   unit's name) or where the report title's structure joins (unit ·
//!   year · 政府信息公开工作年度报告);
//! - else between two words of the segmenter ([`crate::segment`]), never
//!   inside a number or between a number and its measure word;
//! - among those, the breaks whose lines differ least in length; a
//!   structural break is taken whenever one gives the fewest lines, and
//!   in longer titles a word break costs `WORD_BREAK_COST` ems of
//!   imbalance against it.

use super::linebreak::opportunities;
use super::shape::{width, Glyph};
use crate::units::Length;
use std::ops::Range;

/// What a break between two words costs against one at a hint or where
/// the title's parts join, in ems of difference between line lengths.
const WORD_BREAK_COST: f64 = 10.0;

/// The most lines a title line is broken into.
const MAX_LINES: usize = 6;

/// A place the line may break: before glyph `at`, skipping `skip` glyphs
/// (a hint), at a cost in ems.
#[derive(Debug, Clone, Copy)]
struct Cut {
    at: usize,
    skip: usize,
    cost: f64,
}

/// Splits a title line that is wider than `w` into lines; see the module
/// comment.
pub fn balanced(glyphs: &[Glyph], w: Length) -> Vec<Range<usize>> {
    let total = width(glyphs);
    if total <= w || glyphs.len() < 2 {
        return std::iter::once(0..glyphs.len()).collect();
    }
    let em = glyphs
        .iter()
        .map(|g| g.size)
        .fold(Length::ZERO, Length::max);
    let em = if em > Length::ZERO {
        em
    } else {
        Length::pt(1.0)
    };
    let min_lines = ((total / w).ceil() as usize).max(2);
    // The template's hints alone first (the author's choice), then with
    // the joints of the title's structure; the segmenter is loaded only
    // when these cannot give the fewest lines.
    for tier in [Tier::Hints, Tier::Structure] {
        let c = cuts(glyphs, tier);
        if let Some(lines) = best(glyphs, &c, w, em, min_lines) {
            return lines;
        }
    }
    let all = cuts(glyphs, Tier::Words);
    for n in min_lines..=MAX_LINES {
        if let Some(lines) = best(glyphs, &all, w, em, n) {
            return lines;
        }
    }
    // No break between words fits (a word wider than the line): the line
    // breaker's first-fit, which force-breaks what must be broken.
    super::totalfit::break_lines(glyphs, w, w)
        .iter()
        .map(|l| l.start..l.end)
        .collect()
}

/// Which places a title may break at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    /// `<wbr/>` hints only.
    Hints,
    /// Hints and the joints of the title's structure.
    Structure,
    /// And every word boundary.
    Words,
}

/// The places a title line may break at `tier`; all allowed by the 禁则.
fn cuts(glyphs: &[Glyph], tier: Tier) -> Vec<Cut> {
    let allowed = opportunities(glyphs);
    let chars: Vec<char> = glyphs.iter().map(|g| g.c).collect();
    let mut out: Vec<Cut> = Vec::new();
    for (i, g) in glyphs.iter().enumerate() {
        // Not before a combining mark: it stays with its base.
        if g.is_hint() && i > 0 && i + 1 < glyphs.len() && !crate::text::is_mark(glyphs[i + 1].c) {
            out.push(Cut {
                at: i,
                skip: 1,
                cost: 0.0,
            });
        }
    }
    let text: String = chars.iter().filter(|c| **c != '\u{200B}').collect();
    // Indices into `text` → glyph indices (hints removed from `text`).
    let glyph_of: Vec<usize> = (0..glyphs.len())
        .filter(|&i| !glyphs[i].is_hint())
        .collect();
    let mut add = |k: usize, cost: f64| {
        let Some(&at) = glyph_of.get(k) else { return };
        if at == 0 || !allowed[at] || out.iter().any(|c| c.at == at || c.at + c.skip == at) {
            return;
        }
        out.push(Cut { at, skip: 0, cost });
    };
    if tier >= Tier::Structure {
        for (k, cost) in structure(&text) {
            add(k, cost);
        }
    }
    if tier == Tier::Words {
        for k in crate::segment::word_starts(&text) {
            add(k, WORD_BREAK_COST);
        }
    }
    out.sort_by_key(|c| c.at);
    out
}

/// Where a report title's parts join, with a cost in ems: before its year
/// (`2020年`, `二〇二〇年度`), where published titles break (缑氏镇人民政府
/// / 2020年政府信息公开工作年度报告), and after it at the cost of a word
/// break. Indices are characters of `text`.
fn structure(text: &str) -> Vec<(usize, f64)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if c != '年' || i < 2 {
            continue;
        }
        let start = (0..i)
            .rev()
            .take_while(|&k| crate::segment::is_numeral(chars[k]))
            .last();
        let Some(start) = start.filter(|s| i - s >= 2) else {
            continue;
        };
        let mut end = i + 1;
        if chars.get(end) == Some(&'度') {
            end += 1;
        }
        if start > 0 {
            out.push((start, 0.0));
        }
        if end < chars.len() {
            out.push((end, WORD_BREAK_COST));
        }
        break;
    }
    out
}

/// The best way to break into exactly `n` lines at `cuts`, each line at
/// most `w` and more than one character, if any.
fn best(
    glyphs: &[Glyph],
    cuts: &[Cut],
    w: Length,
    em: Length,
    n: usize,
) -> Option<Vec<Range<usize>>> {
    // Line starts: the paragraph start, then each cut's end of skip.
    let mut starts = vec![(0usize, 0usize, 0.0f64)]; // (glyph, skip before, cost)
    starts.extend(cuts.iter().map(|c| (c.at + c.skip, c.skip, c.cost)));
    let m = starts.len();
    let mean = width(glyphs) / n as f64;
    let line = |a: usize, b: usize| -> Option<(Range<usize>, f64)> {
        // From start a to start b (or the end when b == m).
        let from = starts[a].0;
        let to = if b == m {
            glyphs.len()
        } else {
            starts[b].0 - starts[b].1
        };
        let visible = glyphs[from..to].iter().filter(|g| !g.is_hint()).count();
        let lw = width(&glyphs[from..to]);
        if to <= from || visible < 2 || lw > w + Length::pt(0.01) {
            return None;
        }
        Some((from..to, ((lw - mean) / em).abs()))
    };
    // cost[k][j]: the cheapest k+1 lines ending just before start j.
    let inf = f64::INFINITY;
    let mut cost = vec![vec![inf; m + 1]; n];
    let mut from = vec![vec![usize::MAX; m + 1]; n];
    for j in 1..=m {
        if let Some((_, c)) = line(0, j) {
            cost[0][j] = c + if j < m { starts[j].2 } else { 0.0 };
        }
    }
    for k in 1..n {
        for j in 1..=m {
            for i in 1..j {
                if cost[k - 1][i] == inf {
                    continue;
                }
                let Some((_, c)) = line(i, j) else { continue };
                let total = cost[k - 1][i] + c + if j < m { starts[j].2 } else { 0.0 };
                if total < cost[k][j] {
                    cost[k][j] = total;
                    from[k][j] = i;
                }
            }
        }
    }
    if cost[n - 1][m] == inf {
        return None;
    }
    let mut bounds = vec![m];
    let mut j = m;
    for k in (1..n).rev() {
        j = from[k][j];
        bounds.push(j);
    }
    bounds.push(0);
    bounds.reverse();
    Some(
        bounds
            .windows(2)
            .filter_map(|p| line(p[0], p[1]).map(|(r, _)| r))
            .collect(),
    )
}
