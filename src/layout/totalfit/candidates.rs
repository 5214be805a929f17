//! Where a paragraph's lines may end, and at what penalty, for the
//! total-fit search (`super`).
//!
//! In: the paragraph's glyphs. Out: its [`Candidate`] breaks: UAX #14's
//! opportunities (with the 禁则, [`opportunities`]) at no penalty, each
//! forced break, and the breaks UAX #14 forbids inside a run that a
//! report still needs: after the punctuation of a long URL or address,
//! after a standard number's joint, between a long number's digit groups
//! (each at a penalty), and, in an emergency, between any two letters.

use super::line_start;
use crate::layout::linebreak::opportunities;
use crate::layout::shape::Glyph;

/// The penalty of a break at the punctuation of a URL, address or
/// standard number: less than the demerits of a line stretched past
/// [`super::TOLERABLE_STRETCH`], so that such a break is taken first.
const URL_PENALTY: f64 = 100.0;
/// The penalty of a break between two letters of a long URL or e-mail
/// address (no hyphen is added: a URL has no syllables): taken only where
/// a line would otherwise stretch by about 0.19 em a gap. (It was a
/// quarter em while a URL could also break before its `.` and `/`; with
/// those breaks gone for the 禁则, letters make up for them sooner.)
const URL_LETTER_PENALTY: f64 = 200.0;
/// A URL or address at least this long may break between letters.
const LONG_URL: usize = 12;
/// The penalty of a break between digit groups of a long number.
const DIGITS_PENALTY: f64 = 200.0;
/// The penalty of an emergency break inside a word: more than any line's
/// badness, so that an ordinary word or number is split only when it is
/// wider than the line.
const EMERGENCY_PENALTY: f64 = 1.0e7;
/// A run at least this long (a standard number, `GB/T 9704-2012`'s
/// `9704-2012`) may break after its punctuation.
const BREAK_RUN: usize = 8;
/// A number at least this long may break between digit groups.
const LONG_NUMBER: usize = 9;

/// Where a line may end: before glyph `at`, at a penalty.
#[derive(Debug, Clone, Copy)]
pub(super) struct Candidate {
    pub at: usize,
    pub penalty: f64,
    pub forced: bool,
}

/// Every place a line may end, with its penalty; the paragraph's end and
/// each forced break are forced. `desperate`: every position may break.
pub(super) fn candidates(glyphs: &[Glyph], desperate: bool) -> Vec<Candidate> {
    let allowed = opportunities(glyphs);
    let mut extra = inner_breaks(glyphs);
    if desperate {
        for (i, e) in extra.iter_mut().enumerate() {
            if e.is_none() && i > 0 && !glyphs.get(i).is_some_and(Glyph::is_hint) {
                *e = Some(EMERGENCY_PENALTY * 2.0);
            }
        }
    }
    let mut out = Vec::with_capacity(glyphs.len());
    for i in 1..glyphs.len() {
        if glyphs[i - 1].is_newline() {
            // The break belongs before the newline; see below.
            continue;
        }
        let next = line_start(glyphs, i);
        if !glyphs[i].is_newline() && glyphs.get(next).is_some_and(|g| crate::text::is_mark(g.c)) {
            // The next line would start with a combining mark, cut from
            // its base (UAX #14 LB9); an emergency break is no exception.
            continue;
        }
        if glyphs[i].is_newline() {
            out.push(Candidate {
                at: i,
                penalty: 0.0,
                forced: true,
            });
        } else if allowed[i] {
            out.push(Candidate {
                at: i,
                penalty: 0.0,
                forced: false,
            });
        } else if let Some(p) = extra[i] {
            out.push(Candidate {
                at: i,
                penalty: p,
                forced: false,
            });
        }
    }
    out.push(Candidate {
        at: glyphs.len(),
        penalty: 0.0,
        forced: true,
    });
    out
}

/// Breaks inside runs of non-wide characters that UAX #14 forbids: after
/// the punctuation of a long URL or address, between digit groups of a
/// long number, and else (emergency) between any two letters or digits.
fn inner_breaks(glyphs: &[Glyph]) -> Vec<Option<f64>> {
    let mut out = vec![None; glyphs.len() + 1];
    let mut i = 0;
    while i < glyphs.len() {
        let run = |g: &Glyph| !g.wide && !g.is_space() && !g.is_newline() && !g.is_hint();
        if !run(&glyphs[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < glyphs.len() && run(&glyphs[i]) {
            i += 1;
        }
        let end = i;
        let digits = glyphs[start..end].iter().all(|g| g.c.is_ascii_digit());
        let address = end - start >= LONG_URL && is_address(&glyphs[start..end]);
        for k in start + 1..end {
            let before = (k >= start + 2).then(|| glyphs[k - 2].c);
            let (a, b) = (glyphs[k - 1].c, glyphs[k].c);
            if !may_start_line(b) || in_number(before, a, b) {
                // 禁则 (GB/T 15834), or inside a number: never, not even
                // in an emergency.
                continue;
            }
            let p = if address {
                address_break(a, b)
            } else if end - start >= BREAK_RUN && "/.-_".contains(a) && b.is_ascii_alphanumeric() {
                // A standard number or 文号 breaks after its joint:
                // `9704-|2012` (two numbers, not one: see `in_number`).
                Some(URL_PENALTY)
            } else if digits && end - start >= LONG_NUMBER && (end - k) % 4 == 0 {
                Some(DIGITS_PENALTY)
            } else {
                None
            };
            let p = p.or_else(|| {
                (a.is_alphanumeric() && b.is_alphanumeric() || "/.-_@".contains(a))
                    .then_some(EMERGENCY_PENALTY)
            });
            out[k] = p;
        }
    }
    out
}

/// Whether a line may begin with `c`: not a mark GB/T 15834 keeps off a
/// line's start (its full-width and half-width forms alike).
fn may_start_line(c: char) -> bool {
    !crate::text::NO_LINE_START.contains(c)
}

/// Whether a break between `a` and `b` (`before` preceding `a`) falls
/// inside a number. A number here is digits with the marks that join the
/// parts of one quantity: a decimal point, a thousands separator, the
/// colon of a time or a ratio (`3.14`, `1,000`, `10:30`), and so an IP
/// address or a version (`10.0.0.1`, `v1.2.3`): never broken, between
/// two digits (a long number's groups aside, see [`DIGITS_PENALTY`]) nor
/// after such a mark (two digits side by side are UAX #14's to keep
/// together). A `-`, `/` or `_` between digit groups joins two
/// numbers rather than making one: a standard and its year
/// (`9704-2012`), a telephone's area code (`021-23111111`), a path's
/// segments (`2019-04/15`); it may break after the joint, as a 文号 does
/// (a date is written 2024年1月5日 in a 公文, and `2024-01-05` in a path
/// or a file name is such a chain of numbers).
fn in_number(before: Option<char>, a: char, b: char) -> bool {
    let digit_before = before.is_some_and(|c| c.is_ascii_digit());
    ".,:".contains(a) && digit_before && b.is_ascii_digit()
}

/// The penalty of a break between `a` and `b` inside a URL or e-mail
/// address. The Chicago Manual (17th ed., 6.17,
/// 7.42) breaks before `.` and `/`; in Chinese text a line that begins
/// with `.` reads as a misplaced full stop (GB/T 15834 4.1: 句号、问号…
/// 不出现在一行之首), while a `.` or `?` ending a line is not taken for
/// one (the stop is 。). So a URL breaks:
/// - after `.`, `/`, `-`, `_`, `?` (after `//`, not between its two
///   slashes), and after `:` but not in `://`;
/// - before `@`, `&`, `=`, `#`, `~`, which may begin a line;
/// - between two letters (no hyphen is added) only to save a loose line;
/// - never before a mark that may not begin a line, nor inside a number
///   (`3.14`, `10.0.0.1`): both refused by the caller ([`in_number`]).
///
/// `?` is broken after, not before as the Chicago Manual (and issue #24's
/// list) has it: a half-width `?` is a question mark that GB/T 15834
/// keeps off a line's start like `.`.
fn address_break(a: char, b: char) -> Option<f64> {
    let after = "./-_?".contains(a) && !(a == '/' && b == '/') || a == ':' && b != '/';
    if after || "@&=#~".contains(b) && a.is_ascii_alphanumeric() {
        Some(URL_PENALTY)
    } else if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() {
        Some(URL_LETTER_PENALTY)
    } else {
        None
    }
}

/// Whether a run reads as a URL or an e-mail address: it has `://`, an
/// `@`, a `www.` or a path's `/` between letters.
fn is_address(run: &[Glyph]) -> bool {
    let text: String = run.iter().map(|g| g.c).collect();
    text.contains("://")
        || text.contains('@')
        || text.to_ascii_lowercase().contains("www.")
        || text.matches('/').count() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::linebreak::tests::glyphs;

    /// The joints of addresses, each with where it may break: `|` marks
    /// every break [`inner_breaks`] offers inside the run at a joint (a
    /// break between two letters costs more, and is not marked).
    #[test]
    fn addresses_break_after_their_dots_never_inside_a_number() {
        let marked = |run: &str| -> String {
            let g = glyphs(run);
            let breaks = inner_breaks(&g);
            let mut out = String::new();
            for (k, c) in run.chars().enumerate() {
                if k > 0 && breaks[k].is_some_and(|p| p <= URL_PENALTY) {
                    out.push('|');
                }
                out.push(c);
            }
            out
        };
        assert_eq!(marked("www.shanghai.gov.cn"), "www.|shanghai.|gov.|cn");
        assert_eq!(
            marked("http://a.cn/list.jsp?id=3.14&v=1"),
            "http://|a.|cn/|list.|jsp?|id|=3.14|&v|=1"
        );
        assert_eq!(marked("ftp://10.0.0.1/x"), "ftp://|10.0.0.1/|x");
        assert_eq!(marked("xxgk@goushi.gov.cn"), "xxgk|@goushi.|gov.|cn");
    }
}
