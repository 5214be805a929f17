//! Breaking a paragraph into lines as a whole (total fit: Knuth & Plass,
//! "Breaking paragraphs into lines", 1981; as TeX and Typst do).
//!
//! In: glyphs and the widths available (the first line may be indented).
//! Out: [`Line`]s. Every way of breaking the paragraph at its break
//! opportunities is weighed at once, so that no line is left stretched
//! because the next word would not fit on it:
//! - the gaps next to wide characters stretch (clreq §3.2.3, 两端对齐);
//!   [`TOLERABLE_STRETCH`] per gap is a line's tolerance, and a line's
//!   badness grows with the cube of its stretch over it;
//! - a full-width pause, stop or closing mark shrinks by up to half its
//!   width (GB/T 15834, clreq §3.1.7 标点挤压), anywhere on the line;
//! - the 禁则 are forbidden breaks ([`super::linebreak::opportunities`]);
//! - a long URL or e-mail address may break after its `.`, `/`, `-`, `_`,
//!   `?` (never before: a line does not begin with a full stop, GB/T
//!   15834), before its `@`, `&`, `=`, `#`, and between letters at a
//!   higher penalty, never inside a number; a standard number after its
//!   `-` or `/`; a long number between groups of four digits: each at a
//!   penalty, taken only where every other choice stretches a line;
//! - inside an ordinary word or number, a break is an emergency, taken
//!   only when a run is wider than the line;
//! - never, not even in an emergency, where the next line would start
//!   with a combining mark (UAX #14 LB9): a mark stays with its base.
//!
//! Where a line may end, and at what penalty, is [`mod@candidates`]'s.
//! The search keeps only the breakpoints from which a line can still
//! reach the current one (at most a line's worth of characters back), so
//! its cost is linear in the paragraph's length; of those, it weighs only
//! the ones that can still win (see `Floor`).

mod candidates;

use super::linebreak::Line;
use super::shape::Glyph;
use crate::text::compressible_at_end;
use crate::units::Length;
use candidates::candidates;

/// The stretch per gap a line tolerates, in ems: a line stretched by this
/// much has badness 100.
pub const TOLERABLE_STRETCH: f64 = 0.15;

/// Demerits added per line, so that fewer lines are preferred.
const LINE_PENALTY: f64 = 10.0;
/// The badness of a line that cannot be set (one glyph wider than the
/// line): the worst there is.
const MAX_BADNESS: f64 = 1.0e6;
/// Prefix sums over the glyphs, so that any line's width, gaps and
/// shrink come in constant time.
struct Sums {
    width: Vec<Length>,
    gaps: Vec<u32>,
    shrink: Vec<Length>,
}

impl Sums {
    fn new(glyphs: &[Glyph]) -> Sums {
        let n = glyphs.len();
        let (mut width, mut gaps, mut shrink) = (
            Vec::with_capacity(n + 1),
            Vec::with_capacity(n + 1),
            Vec::with_capacity(n + 1),
        );
        width.push(Length::ZERO);
        gaps.push(0);
        shrink.push(Length::ZERO);
        for (k, g) in glyphs.iter().enumerate() {
            width.push(width[k] + g.advance);
            let gap = k > 0 && super::linebreak::gap_at(glyphs, k);
            gaps.push(gaps[k] + u32::from(gap));
            let s = if compressible_at_end(g.c) {
                g.advance * 0.5
            } else {
                Length::ZERO
            };
            shrink.push(shrink[k] + s);
        }
        Sums {
            width,
            gaps,
            shrink,
        }
    }
}

/// Breaks `glyphs` into lines; `first` is the first line's width, `rest`
/// the others'.
pub fn break_lines(glyphs: &[Glyph], first: Length, rest: Length) -> Vec<Line> {
    if glyphs.is_empty() {
        return Vec::new();
    }
    if let Some(line) = one_line(glyphs, first) {
        return vec![line];
    }
    // A run that no allowed break can cut to the measure (a long string
    // of symbols) leaves no way through: then every position may break.
    total_fit(glyphs, first, rest, false)
        .or_else(|| total_fit(glyphs, first, rest, true))
        .unwrap_or_else(|| vec![Line::whole(glyphs)])
}

/// The paragraph as one line, when it has no forced break and fits the
/// first line unshrunk: total fit's own answer (that line costs
/// `LINE_PENALTY²` demerits, any two lines at least twice as much), found
/// without weighing every break. Most table cells and short paragraphs
/// are this: a report lays out some 500 paragraphs of under 4 glyphs on
/// average, each of which cost the break opportunities, the prefix sums
/// and the search (callgrind). The width and shrink are summed in the
/// same order as [`Sums`] does, so the line is the same to the bit.
fn one_line(glyphs: &[Glyph], first: Length) -> Option<Line> {
    if glyphs.iter().any(Glyph::is_newline) {
        return None;
    }
    let end = trim_end(glyphs, 0, glyphs.len());
    let (mut width, mut shrink) = (Length::ZERO, Length::ZERO);
    for g in &glyphs[..end] {
        width += g.advance;
        let s = if compressible_at_end(g.c) {
            g.advance * 0.5
        } else {
            Length::ZERO
        };
        shrink += s;
    }
    if first - width < -Length::pt(0.01) {
        return None;
    }
    let over = (width - first).max(Length::ZERO);
    Some(Line {
        start: 0,
        end,
        width,
        last: true,
        compress: over.min(shrink),
    })
}

fn total_fit(glyphs: &[Glyph], first: Length, rest: Length, desperate: bool) -> Option<Vec<Line>> {
    search(glyphs, first, rest, desperate, true)
}

/// The search; `prune`: skip the nodes that cannot win (see [`Floor`]),
/// off only to test that pruning changes nothing.
fn search(
    glyphs: &[Glyph],
    first: Length,
    rest: Length,
    desperate: bool,
    prune: bool,
) -> Option<Vec<Line>> {
    let candidates = candidates(glyphs, desperate);
    let sums = Sums::new(glyphs);
    // Node 0 is the paragraph's start; node k + 1 ends at candidate k.
    let mut best: Vec<(f64, usize)> = vec![(f64::INFINITY, usize::MAX); candidates.len() + 1];
    best[0] = (0.0, usize::MAX);
    // Where each node's next line starts, found once per node rather than
    // once per line weighed (a line's worth of times); and two lists of
    // active nodes swapped rather than one made per candidate.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(candidates.iter().map(|c| line_start(glyphs, c.at)))
        .collect();
    let start_of = |node: usize| -> usize { starts[node] };
    let uniform = prune && glyphs.iter().all(|g| g.size == glyphs[0].size);
    // The active nodes with their least total demerits (kept side by
    // side: the least of a run of them is then a scan of one array).
    let mut active: Vec<(usize, f64)> = vec![(0, 0.0)];
    // The least total demerits of any active node.
    let mut active_min = 0.0;
    let mut keep: Vec<(usize, f64)> = Vec::new();
    for (k, cand) in candidates.iter().enumerate() {
        let node = k + 1;
        keep.clear();
        let mut keep_min = f64::INFINITY;
        let p = cand.penalty;
        let pp = if p > 0.0 { p * p } else { 0.0 };
        let mut floor = None;
        for (j, &(a, total_a)) in active.iter().enumerate() {
            if let Some(f) = floor {
                if active_min + f >= best[node].0 {
                    // No node from here on can lower the best: all kept.
                    let tail = &active[j..];
                    keep.extend_from_slice(tail);
                    for &(_, t) in tail {
                        if t < keep_min {
                            keep_min = t;
                        }
                    }
                    break;
                }
            }
            let s = start_of(a);
            let avail = if a == 0 { first } else { rest };
            let end = trim_end(glyphs, s, cand.at);
            let b = match badness(glyphs, &sums, s, end, avail, cand.forced) {
                Some(b) => b,
                // One glyph wider than the line: set alone, overfull.
                None if end <= s + 1 => MAX_BADNESS,
                // Too long even shrunk: no later line from here fits either.
                None => continue,
            };
            keep.push((a, total_a));
            keep_min = f64::min(keep_min, total_a);
            let d = (LINE_PENALTY + b).powi(2) + pp;
            let total = total_a + d;
            if total < best[node].0 {
                best[node] = (total, a);
            }
            if uniform && a != 0 && !cand.forced {
                floor = Floor::after(glyphs, &sums, s, end, rest)
                    .map(|b| (LINE_PENALTY + b).powi(2) + pp);
            }
        }
        if cand.forced {
            // Nothing breaks across a forced break.
            keep.clear();
            keep_min = f64::INFINITY;
        }
        if best[node].0.is_finite() {
            keep.push((node, best[node].0));
            keep_min = f64::min(keep_min, best[node].0);
        }
        std::mem::swap(&mut active, &mut keep);
        active_min = keep_min;
    }
    if !best[candidates.len()].0.is_finite() {
        return None;
    }
    // Follow the best path back from the paragraph's end.
    let mut nodes = Vec::new();
    let mut n = candidates.len();
    while n != 0 && n != usize::MAX {
        nodes.push(n);
        n = best[n].1;
    }
    nodes.reverse();
    let mut lines = Vec::with_capacity(nodes.len());
    let mut prev = 0;
    for node in nodes {
        let cand = candidates[node - 1];
        let s = start_of(prev);
        let end = trim_end(glyphs, s, cand.at);
        let avail = if prev == 0 { first } else { rest };
        let width = sums.width[end] - sums.width[s];
        let shrink = sums.shrink[end] - sums.shrink[s];
        let over = (width - avail).max(Length::ZERO);
        lines.push(Line {
            start: s,
            end,
            width,
            last: cand.forced,
            compress: over.min(shrink),
        });
        prev = node;
    }
    Some(lines)
}

/// A floor under the badness of every line that starts after `s` and ends
/// by `end` (the later active nodes', to the same candidate), once the line
/// from `s` is not overfull: such a line is narrower, so it has more
/// slack and no more gaps to spread it over (the real gaps, or the
/// quarter of its glyphs that stand in when it has none), and, every
/// glyph being of one size, the same em. Badness only grows with slack
/// over gaps, so the floor is this line's slack over the most gaps any of
/// them has. With the least demerits of any active node, it bounds what
/// they can total: once that is no better than the best found, none of
/// them is weighed (nor is the result changed: a node replaces the best
/// only when strictly better). Most of a Chinese paragraph's active nodes
/// are lines too short to be chosen, so this saves most of the search.
struct Floor;

impl Floor {
    fn after(glyphs: &[Glyph], sums: &Sums, s: usize, end: usize, avail: Length) -> Option<f64> {
        let slack = avail - (sums.width[end] - sums.width[s]);
        let epsilon = Length::pt(0.01);
        if slack < -epsilon {
            return None;
        }
        if slack <= epsilon {
            return Some(0.0);
        }
        let real = sums.gaps[end].saturating_sub(sums.gaps[(s + 1).min(end)]);
        let stand_in = ((end - s).saturating_sub(1) / 4).max(1);
        let gaps = (real as usize).max(stand_in) as f64;
        let em = glyphs.get(s).map_or(Length::pt(1.0), |g| g.size);
        let r = (slack / gaps) / (em * TOLERABLE_STRETCH);
        Some((100.0 * r.powi(3)).min(MAX_BADNESS))
    }
}

/// Where the line after a break at `at` starts: spaces and one forced
/// break there belong to no line (UAX #14 LB7).
pub(super) fn line_start(glyphs: &[Glyph], at: usize) -> usize {
    let mut s = at;
    while s < glyphs.len() && (glyphs[s].is_space() || glyphs[s].is_newline()) {
        let newline = glyphs[s].is_newline();
        s += 1;
        if newline {
            break;
        }
    }
    s
}

/// The end of a line `start..at` without its trailing spaces or break.
fn trim_end(glyphs: &[Glyph], start: usize, at: usize) -> usize {
    let mut end = at.max(start);
    while end > start + 1 && (glyphs[end - 1].is_space() || glyphs[end - 1].is_newline()) {
        end -= 1;
    }
    end
}

/// The badness of the line `s..e` set `avail` wide, or `None` when it
/// does not fit even with every mark shrunk. A last line is not
/// justified, so its stretch costs nothing.
fn badness(
    glyphs: &[Glyph],
    sums: &Sums,
    s: usize,
    e: usize,
    avail: Length,
    last: bool,
) -> Option<f64> {
    let width = sums.width[e] - sums.width[s];
    let slack = avail - width;
    let em = glyphs.get(s).map_or(Length::pt(1.0), |g| g.size);
    let epsilon = Length::pt(0.01);
    if slack >= -epsilon {
        if last {
            return Some(0.0);
        }
        let gaps = sums.gaps[e].saturating_sub(sums.gaps[(s + 1).min(e)]);
        if slack <= epsilon {
            return Some(0.0);
        }
        // A line with no gap to widen (all of one URL) has its letters
        // spaced instead: weighed as if a quarter of them took it all, so
        // that such a line is taken only when nothing else will do.
        let gaps = if gaps == 0 {
            ((e - s).saturating_sub(1) / 4).max(1) as f64
        } else {
            f64::from(gaps)
        };
        let r = (slack / gaps) / (em * TOLERABLE_STRETCH);
        return Some((100.0 * r.powi(3)).min(MAX_BADNESS));
    }
    let shrink = sums.shrink[e] - sums.shrink[s];
    if -slack > shrink + epsilon {
        return None;
    }
    // Shrinking a mark is ordinary in Chinese setting: half the cost of
    // stretching by as much.
    let r = -slack / shrink.max(epsilon);
    Some(50.0 * r.powi(3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::linebreak::tests::glyphs;

    fn lines(text: &str, first: f64, rest: f64) -> Vec<String> {
        let g = glyphs(text);
        break_lines(&g, Length::pt(10.0 * first), Length::pt(10.0 * rest))
            .iter()
            .map(|l| g[l.start..l.end].iter().map(|x| x.c).collect())
            .collect()
    }

    #[test]
    fn a_long_url_breaks_rather_than_leave_a_loose_line() {
        let l = lines(
            "上海门户网站下载查阅如对本报告有任何疑https://www.gov.cn/zhengce/content/2019-04/15/content_5382991.htm疑问请与我们联系本年度报告电子版可从中国上海门户网站下载查阅如对本报告有任何。",
            26.0,
            28.0,
        );
        assert!(l[0].contains("https"), "{l:?}");
    }

    #[test]
    fn one_line_is_what_the_search_finds() {
        for text in [
            "0",
            "12,345",
            "合计",
            "（七）总计",
            "收到申请，",
            "一二三四五。 ",
            "a b c ",
        ] {
            let g = glyphs(text);
            for first in [0.5, 2.0, 4.95, 5.0, 7.0, 40.0] {
                let first = Length::pt(10.0 * first);
                let searched = total_fit(&g, first, first, false);
                match one_line(&g, first) {
                    Some(line) => {
                        let searched = searched.expect("a line that fits is found");
                        assert_eq!(searched.len(), 1, "{text} in {first:?}");
                        let s = &searched[0];
                        assert_eq!((s.start, s.end, s.last), (line.start, line.end, line.last));
                        assert_eq!(s.width.to_pt().to_bits(), line.width.to_pt().to_bits());
                        assert_eq!(
                            s.compress.to_pt().to_bits(),
                            line.compress.to_pt().to_bits()
                        );
                    }
                    None => assert!(
                        searched.is_none_or(|l| l.len() > 1 || l[0].compress > Length::ZERO),
                        "{text} in {first:?}: the search sets it on one unshrunk line"
                    ),
                }
            }
        }
    }

    /// Pruning changes no break: every string of both samples' data, run
    /// together and alone, with URLs, numbers and spaces among them, at
    /// measures from 3 to 40 em, searched with and without it, gives the
    /// same lines to the bit.
    #[test]
    fn pruning_changes_no_break() {
        fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::String(s) => out.push(s.clone()),
                serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
                serde_json::Value::Object(m) => m.values().for_each(|x| strings(x, out)),
                _ => {}
            }
        }
        let mut texts = Vec::new();
        for sample in [
            include_str!("../../samples/shili-2021.json"),
            include_str!("../../samples/goushi-2020.json"),
        ] {
            let data: serde_json::Value = serde_json::from_str(sample).expect("JSON");
            strings(&data, &mut texts);
        }
        let all = texts.concat();
        texts.push(all);
        texts.push("详见http://www.example.gov.cn/xxgk/2021/index.html?id=3&page=12，或致电0379-12345678，共1,234,567件 GB/T 9704-2012 a b c d e f".repeat(3));
        let mut compared = 0;
        for text in &texts {
            let g = glyphs(text);
            for (first, rest) in [
                (3.0, 3.0),
                (5.5, 6.0),
                (13.0, 15.0),
                (26.0, 28.0),
                (28.0, 28.0),
                (40.0, 38.0),
            ] {
                let (first, rest) = (Length::pt(10.0 * first), Length::pt(10.0 * rest));
                for desperate in [false, true] {
                    let pruned = search(&g, first, rest, desperate, true);
                    let full = search(&g, first, rest, desperate, false);
                    let key = |lines: Option<Vec<Line>>| {
                        lines.map(|ls| {
                            ls.iter()
                                .map(|l| {
                                    let bits =
                                        (l.width.to_pt().to_bits(), l.compress.to_pt().to_bits());
                                    (l.start, l.end, l.last, bits)
                                })
                                .collect::<Vec<_>>()
                        })
                    };
                    assert_eq!(key(pruned), key(full), "{text} at {first:?}/{rest:?}");
                    compared += 1;
                }
            }
        }
        assert!(compared > 100, "{compared} paragraphs compared");
    }
}
