//! The laid-out pages against GB/T 9704 and the Chinese line rules, through
//! the public API: margins, grid, line starts and ends, justification,
//! title, page numbers; plus a text snapshot of every page and reference
//! images compared with a tolerance.

use crate::common;

use common::{goushi, shili};
use nianbao::layout::{Item, Laid};
/// GB/T 15834-2011 and clreq §3.1.7, written out here rather than taken
/// from the implementation: 点号, the closing half of 引号, 括号 and
/// 书名号, and the percent sign never start a line, nor their half-width
/// forms `. , ; : ! ? ) ] } %`…
const NO_LINE_START: &str = "。？！，、；：”’）】》〉」』〕％%.,;:!?)]}";
/// …and the opening half never ends one.
const NO_LINE_END: &str = "“‘（【《〈「『〔([{";
use nianbao::{Engine, RenderOptions};
use serde_json::Value;

fn laid(data: &Value) -> (Laid, Engine) {
    let engine = common::engine();
    let (doc, _) = engine
        .document(data, RenderOptions::default())
        .expect("document");
    (engine.layout(&doc).expect("layout"), engine)
}

const MM: f64 = 72.0 / 25.4;
const LEFT: f64 = 28.0 * MM;
const RIGHT: f64 = (28.0 + 156.0) * MM;
const TOP: f64 = 37.0 * MM;
const BOTTOM: f64 = (37.0 + 225.0) * MM;

/// A line of text: page, baseline, size, left edge, right edge, text.
#[derive(Debug, Clone)]
struct TextLine {
    page: usize,
    baseline: f64,
    size: f64,
    left: f64,
    right: f64,
    text: String,
}

/// Text runs joined into lines by page and baseline, in reading order,
/// table text excluded (lines inside the text block narrower than 10 pt
/// font are table cells).
fn lines(l: &Laid) -> Vec<TextLine> {
    let mut out: Vec<TextLine> = Vec::new();
    for (p, page) in l.pages.iter().enumerate() {
        for item in &page.items {
            let Item::Text(t) = item else { continue };
            let (Some(first), Some(last)) = (t.glyphs.first(), t.glyphs.last()) else {
                continue;
            };
            let (left, right) = (first.x.to_pt(), (last.x + last.advance).to_pt());
            let text: String = t.glyphs.iter().map(|g| g.c).collect();
            match out.last_mut() {
                Some(line)
                    if line.page == p
                        && (line.baseline - t.baseline.to_pt()).abs() < 0.01
                        && left >= line.right - 0.5 =>
                {
                    line.right = right;
                    line.text.push_str(&text);
                }
                _ => out.push(TextLine {
                    page: p,
                    baseline: t.baseline.to_pt(),
                    size: t.size.to_pt(),
                    left,
                    right,
                    text,
                }),
            }
        }
    }
    out
}

fn body(l: &Laid) -> Vec<TextLine> {
    lines(l)
        .into_iter()
        .filter(|x| (x.size - 16.0).abs() < 0.01 && x.baseline < BOTTOM)
        .collect()
}

#[test]
fn everything_stays_inside_the_text_block() {
    for data in [goushi(), shili()] {
        let (l, _) = laid(&data);
        for x in lines(&l) {
            // A closing mark may end a line compressed to half its width
            // (its ink is in its left half).
            let last = x.text.chars().last().unwrap_or(' ');
            let overhang = if nianbao::text::COMPRESSIBLE_AT_END.contains(last) {
                x.size / 2.0
            } else {
                0.5
            };
            assert!(
                x.left >= LEFT - 0.01 && x.right <= RIGHT + overhang,
                "outside the 156 mm measure: {x:?}"
            );
            if x.baseline < BOTTOM {
                assert!(x.baseline > TOP, "above the text block: {x:?}");
            }
        }
        for page in &l.pages {
            for item in &page.items {
                if let Item::Rule(r) = item {
                    for (x, y) in [(r.x1, r.y1), (r.x2, r.y2)] {
                        assert!(
                            x.to_pt() >= LEFT - 0.01 && x.to_pt() <= RIGHT + 0.01,
                            "rule outside: {r:?}"
                        );
                        assert!(
                            y.to_pt() >= TOP - 0.01 && y.to_pt() <= BOTTOM + 0.01,
                            "rule outside: {r:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn no_line_starts_or_ends_with_a_forbidden_mark() {
    for data in [goushi(), shili()] {
        let (l, _) = laid(&data);
        // One character per line is a vertical cell, not a line of text.
        for x in lines(&l).into_iter().filter(|x| x.text.chars().count() > 1) {
            let first = x.text.chars().next().unwrap_or(' ');
            let last = x.text.chars().last().unwrap_or(' ');
            assert!(
                !NO_LINE_START.contains(first),
                "line starts with {first}: {x:?}"
            );
            assert!(!NO_LINE_END.contains(last), "line ends with {last}: {x:?}");
        }
    }
}

#[test]
fn body_lines_are_on_the_grid_and_justified() {
    for data in [goushi(), shili()] {
        let (l, _) = laid(&data);
        let b = body(&l);
        let mut full = 0;
        for (i, x) in b.iter().enumerate() {
            let next = b.get(i + 1);
            // A line short of the right edge ends its paragraph: the next
            // line is indented, another style, or there is none.
            let ends_paragraph = next.is_none_or(|n| {
                n.left > LEFT + 1.0 || (n.page == x.page && n.baseline - x.baseline > 29.0)
            });
            if x.right < RIGHT - 1.0 && !ends_paragraph && x.left < LEFT + 40.0 {
                panic!("a line inside a paragraph is not justified: {x:?} then {next:?}");
            }
            if let Some(n) = next {
                if n.page == x.page
                    && (n.left - LEFT).abs() < 1.0
                    && (n.baseline - x.baseline) < 29.0
                {
                    assert!(
                        (n.baseline - x.baseline - 28.95).abs() < 0.01,
                        "line pitch 28.95 pt: {x:?} {n:?}"
                    );
                }
            }
            let all_wide = x.text.chars().all(|c| c as u32 >= 0x3000);
            if all_wide && (x.left - LEFT).abs() < 0.01 && x.right > RIGHT - 1.0 {
                assert!(x.text.chars().count() <= 28, "at most 28 characters: {x:?}");
                if x.text.chars().count() == 28 {
                    full += 1;
                }
            }
        }
        assert!(full > 3, "full lines hold 28 characters ({full} found)");
    }
}

#[test]
fn the_title_is_centred_on_the_measure() {
    let (l, _) = laid(&goushi());
    let title: Vec<TextLine> = lines(&l)
        .into_iter()
        .filter(|x| (x.size - 22.0).abs() < 0.01)
        .collect();
    assert_eq!(title.len(), 2, "broken after the unit name: {title:?}");
    assert_eq!(title[0].text, "缑氏镇人民政府");
    for x in &title {
        let centre = (x.left + x.right) / 2.0;
        assert!(
            (centre - (LEFT + RIGHT) / 2.0).abs() < 1.0,
            "centred: {x:?}"
        );
    }
}

#[test]
fn page_numbers_sit_outside_below_the_text_block() {
    let (l, _) = laid(&shili());
    let numbers: Vec<TextLine> = lines(&l)
        .into_iter()
        .filter(|x| x.baseline > BOTTOM)
        .collect();
    assert_eq!(numbers.len(), l.pages.len());
    for (i, n) in numbers.iter().enumerate() {
        assert_eq!(n.page, i);
        assert_eq!(n.text.replace(' ', ""), format!("—{}—", i + 1));
        assert!((n.size - 14.0).abs() < 0.01, "4号");
        let dash_y = n.baseline - 0.3 * 14.0;
        assert!(
            (dash_y - BOTTOM - 7.0 * MM).abs() < 1.0,
            "7 mm below the text block: {n:?}"
        );
        if (i + 1) % 2 == 1 {
            assert!(
                (n.right - (RIGHT - 14.0)).abs() < 0.5,
                "odd pages right, inset one character: {n:?}"
            );
        } else {
            assert!(
                (n.left - (LEFT + 14.0)).abs() < 0.5,
                "even pages left, inset one character: {n:?}"
            );
        }
    }
}

#[test]
fn rare_characters_fall_back_to_a_font_that_has_them() {
    let (l, engine) = laid(&shili());
    let mut found = false;
    for page in &l.pages {
        for item in &page.items {
            if let Item::Text(t) = item {
                if t.glyphs.iter().any(|g| g.c == '甪' || g.c == '堃') {
                    assert!(t.glyphs.iter().all(|g| g.gid != 0));
                    assert_eq!(engine.fonts().name(t.face), "NotoSerifSC-Regular");
                    found = true;
                }
            }
        }
    }
    assert!(found, "甪 and 堃 are drawn");
}

#[test]
fn a_character_no_font_has_is_an_error_with_its_path() {
    let mut v = goushi();
    common::set(
        &mut v,
        "/overview/1/text",
        serde_json::json!("私用区字符\u{E000}不应出现"),
    );
    let engine = common::engine();
    let d = engine
        .render(&v, nianbao::OutputFormat::Pdf, RenderOptions::default())
        .expect_err("refused");
    let e = &d.0[0];
    assert_eq!(e.code, nianbao::Code::Font);
    assert!(e.message.contains("U+E000"), "{e}");
    assert_eq!(
        e.location,
        nianbao::Location::Pointer {
            pointer: "/overview/1/text".into()
        }
    );
}

#[test]
fn layout_snapshot() {
    for (name, data) in [("goushi-2020", goushi()), ("shili-2021", shili())] {
        let (l, engine) = laid(&data);
        let text = nianbao::layout::dump(&l, engine.fonts());
        common::snapshot(&format!("{name}.layout.txt"), &text);
    }
}

/// A 署名 of 38 characters (an office with its second name in brackets)
/// is wider than the line: it is broken into lines flush right at
/// 右空二字, every character in order, inside the 版心, with the date on
/// the line below it (GB/T 9704 7.3.5).
const LONG_UNIT: &str =
    "某某省某某市某某区人民政府办公室政务公开科（某某区政府信息与政务公开办公室）";

#[test]
fn a_long_signature_unit_breaks_into_right_aligned_lines_inside_the_text_block() {
    let mut data = goushi();
    common::set(
        &mut data,
        "/signature",
        serde_json::json!({"unit": LONG_UNIT, "date": "2021-01-20"}),
    );
    let (l, _) = laid(&data);
    let all = lines(&l);
    let first = all
        .iter()
        .position(|x| x.text.starts_with("某某省"))
        .expect("the unit's first line");
    let mut unit = String::new();
    let mut k = first;
    while unit.chars().count() < LONG_UNIT.chars().count() {
        unit.push_str(&all[k].text);
        k += 1;
    }
    let unit_lines = &all[first..k];
    assert_eq!(unit, LONG_UNIT, "every character, in order");
    assert!(unit_lines.len() >= 2, "broken: {unit_lines:?}");
    let date = &all[k];
    assert_eq!(date.text, "2021年1月20日");
    let pitch = 15.79;
    for (i, x) in unit_lines.iter().enumerate() {
        assert_eq!(x.page, unit_lines[0].page, "on one page: {x:?}");
        assert!(x.left >= LEFT - 0.01 && x.right <= RIGHT + 0.01, "{x:?}");
        if i > 0 {
            assert!(x.baseline > unit_lines[i - 1].baseline, "{x:?}");
        }
        // Flush right at 右空二字 (a closing mark may give up half its
        // width at the line's end).
        let last = x.text.chars().last().unwrap_or(' ');
        let give = if nianbao::text::COMPRESSIBLE_AT_END.contains(last) {
            x.size / 2.0
        } else {
            0.5
        };
        assert!(
            x.right <= RIGHT - 2.0 * pitch + 0.5 && x.right >= RIGHT - 2.0 * pitch - give,
            "not flush right at 右空二字: {x:?}"
        );
        let first = x.text.chars().next().unwrap_or(' ');
        assert!(!NO_LINE_START.contains(first), "starts with {first}: {x:?}");
        assert!(!NO_LINE_END.contains(last), "ends with {last}: {x:?}");
    }
    let below = unit_lines[unit_lines.len() - 1].baseline;
    assert!(date.page == unit_lines[0].page && date.baseline > below);
    assert!(
        (date.right - (RIGHT - 4.0 * pitch)).abs() < 0.5,
        "右空四字: {date:?}"
    );
}
