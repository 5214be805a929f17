//! Where a URL or e-mail address breaks in Chinese text (issue #24, item
//! 2), on the laid-out lines: after `.`, `/`, `-`, `_`, `?` (and `:` not
//! in `://`), before `@`, `&`, `=`, `#`, `~`, between two letters; never so
//! that a line begins with a mark GB/T 15834 keeps off a line's start
//! (the list is written out in `typesetting::NOT_AT_LINE_START`, and
//! every line is checked against it), and never inside a number.

use crate::typesetting::{measure, paragraphs, Drawn};

/// Addresses with every kind of joint, numbers inside them (a decimal in
/// a path, an IP address, a date), a query string and a fragment.
const TOKENS: [&str; 5] = [
    "（www.shanghai.gov.cn）",
    "https://www.gov.cn/zhengce/content/2019-04/15/content_5382991.htm",
    "http://xxgk.example.gov.cn/search/list.jsp?keyword=nianbao&year=2024#part_three",
    "xxgk.office@goushi.gov.cn",
    "ftp://10.0.0.1/pub/v3.14/report_2024-01-05.pdf",
];

const FILLER: &str = "本年度报告电子版可从中国上海门户网站下载查阅如对本报告有任何疑问请与我们联系";

/// Whether a break between `a` and `b` (`before` preceding `a`) inside an
/// address is one the rule allows.
fn allowed(a: char, b: char) -> bool {
    let after_mark = "./-_?".contains(a) && !(a == '/' && b == '/') || a == ':' && b != '/';
    after_mark || "@&=#~".contains(b) || a.is_ascii_alphabetic() && b.is_ascii_alphabetic()
}

/// Whether a break falls inside a number: between two digits, or after a
/// decimal point, thousands separator or colon with a digit on each side
/// (`3.|14`, `10.|0.0.1`, `10:|30`). A `-`, `/` or `_` between digit
/// groups joins two numbers (`9704-2012`, a path's `2019-04/15`) and may
/// break after it.
fn in_number(before: Option<char>, a: char, b: char) -> bool {
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    a.is_ascii_digit() && b.is_ascii_digit() || digit(before) && ".,:".contains(a) && digit(Some(b))
}

/// The breaks of a paragraph's lines that fall strictly inside `token`:
/// (character before the break's last, last, first of the next line).
fn breaks_inside(lines: &[Drawn], token: &str) -> Vec<(Option<char>, char, char)> {
    let text: Vec<char> = lines.iter().flat_map(|l| l.text.clone()).collect();
    let token: Vec<char> = token.chars().filter(|c| !c.is_whitespace()).collect();
    let at = (0..text.len())
        .find(|&i| text[i..].starts_with(&token))
        .expect("the token in the paragraph");
    let mut out = Vec::new();
    let mut end = 0;
    for l in &lines[..lines.len() - 1] {
        end += l.text.len();
        if end > at && end < at + token.len() {
            let before = (end >= 2).then(|| text[end - 2]);
            out.push((before, text[end - 1], text[end]));
        }
    }
    out
}

/// Every token at every position of a line: no line begins with a
/// forbidden mark (checked by `measure`), and every break inside an
/// address is an allowed one, never inside a number. The addresses must
/// have broken often, after a `.` among others, or the test proves
/// nothing.
#[test]
fn urls_break_after_dots_and_slashes_never_before() {
    let mut texts = Vec::new();
    for (t, token) in TOKENS.iter().enumerate() {
        for k in 0..28 {
            let head: String = FILLER.chars().cycle().skip(t + k).take(10 + k).collect();
            let tail: String = FILLER.chars().cycle().skip(k).take(30).collect();
            texts.push((t, format!("{head}{token}{tail}。")));
        }
    }
    let paras = paragraphs(&texts.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>());
    measure(&paras);
    let mut seen = Vec::new();
    for ((t, _), lines) in texts.iter().zip(&paras) {
        for (before, a, b) in breaks_inside(lines, TOKENS[*t]) {
            let at = format!("{}|{} in {}", a, b, TOKENS[*t]);
            assert!(allowed(a, b), "a break not allowed: {at}");
            assert!(!in_number(before, a, b), "a number broken: {at}");
            seen.push(a);
        }
    }
    assert!(
        seen.len() >= 60,
        "only {} breaks inside addresses",
        seen.len()
    );
    assert!(seen.contains(&'.'), "no break after a dot: {seen:?}");
    assert!(seen.contains(&'/'), "no break after a slash: {seen:?}");
}
