//! Typesetting a 公文 proofreader signs off, measured on the laid-out
//! pages: titles broken only between words, no loose lines in real prose
//! or around URLs, addresses and standard numbers at every position of a
//! line, every non-final line flush right, and the 禁则 of GB/T 15834
//! with the standard's own lists written out here (not the
//! implementation's).

use crate::common;

use common::goushi;
use nianbao::doc::Block;
use nianbao::layout::{Item, Laid};
use nianbao::{Engine, RenderOptions};
use serde_json::Value;

/// GB/T 15834-2011 §5.1.7, clreq §3.1.7: marks that never start a line —
/// 点号 (。？！，、；：), the closing half of 引号, 括号, 书名号, and the
/// percent sign; and their half-width forms, which Chinese text meets in
/// URLs (`.shanghai.gov.cn` starting a line reads as a stray full stop)
/// and in typed text: `. , ; : ! ? ) ] }` and `%`.
pub(crate) const NOT_AT_LINE_START: &str = "。？！，、；：”’）】》〉」』〕％%.,;:!?)]}";
/// The opening half of 引号, 括号, 书名号, full-width and half-width: never
/// at a line's end.
const NOT_AT_LINE_END: &str = "“‘（【《〈「『〔([{";

const MM: f64 = 72.0 / 25.4;
const LEFT: f64 = 28.0 * MM;
const RIGHT: f64 = (28.0 + 156.0) * MM;
/// The grid's pitch for a 16 pt wide character: 156 mm / 28.
const PITCH: f64 = 156.0 * MM / 28.0;

fn engine() -> Engine {
    common::engine()
}

fn title_lines(engine: &Engine, title: &str) -> Vec<String> {
    let mut data = goushi();
    common::set(&mut data, "/title", Value::String(title.into()));
    let (doc, _) = engine
        .document(&data, RenderOptions::default())
        .expect("document");
    let Some(Block::Title { lines, .. }) = doc.blocks.first() else {
        panic!("a title first");
    };
    lines
        .iter()
        .map(|l| l.iter().map(|s| s.text.replace('\u{200B}', "")).collect())
        .collect()
}

/// Real titles, each with the words a break must not cut (written out
/// here by hand): the unit's names, the year with its 年, and the words
/// of 政府信息公开工作年度报告.
#[test]
fn titles_break_only_between_words() {
    let common_words = ["政府", "信息", "公开", "工作", "年度", "报告"];
    let cases: &[(&str, &[&str])] = &[
        (
            "缑氏镇人民政府2020年政府信息公开工作年度报告",
            &["缑氏镇", "人民政府", "2020年"],
        ),
        (
            "伊金霍洛旗人民政府办公室2023年政府信息公开工作年度报告",
            &["伊金霍洛旗", "人民政府", "办公室", "2023年"],
        ),
        (
            "伊金霍洛旗人民政府二〇二三年政府信息公开工作年度报告",
            &["伊金霍洛旗", "人民政府", "二〇二三年"],
        ),
        (
            "北京市西城区人民政府德胜街道办事处2021年度政府信息公开工作年度报告",
            &[
                "北京市",
                "西城区",
                "人民政府",
                "德胜",
                "街道",
                "办事处",
                "2021年度",
            ],
        ),
        (
            "中国（上海）自由贸易试验区临港新片区管理委员会2023年政府信息公开工作年度报告",
            &[
                "自由贸易",
                "试验区",
                "临港",
                "新片区",
                "管理",
                "委员会",
                "2023年",
            ],
        ),
        (
            "内蒙古自治区鄂尔多斯市伊金霍洛旗札萨克镇人民政府2022年政府信息公开工作年度报告",
            &[
                "内蒙古",
                "自治区",
                "鄂尔多斯市",
                "伊金霍洛旗",
                "札萨克镇",
                "人民政府",
                "2022年",
            ],
        ),
        (
            "上海市浦东新区人民政府2022年政府信息公开工作年度报告",
            &["上海市", "浦东新区", "人民政府", "2022年"],
        ),
    ];
    let engine = engine();
    for (title, words) in cases {
        let lines = title_lines(&engine, title);
        assert_eq!(lines.concat(), *title, "no character lost or added");
        assert!(lines.len() >= 2, "{title}: wider than the measure");
        let mut at = 0;
        let mut cuts = Vec::new();
        for line in &lines[..lines.len() - 1] {
            at += line.chars().count();
            cuts.push(at);
        }
        for line in &lines {
            assert!(
                line.chars().count() > 1,
                "{title}: a character alone: {lines:?}"
            );
        }
        let chars: Vec<char> = title.chars().collect();
        for word in words.iter().chain(common_words.iter()) {
            let w: Vec<char> = word.chars().collect();
            for start in 0..chars.len().saturating_sub(w.len() - 1) {
                if chars[start..start + w.len()] == w[..] {
                    for &cut in &cuts {
                        assert!(
                            cut <= start || cut >= start + w.len(),
                            "{title}: “{word}” cut: {lines:?}"
                        );
                    }
                }
            }
        }
    }
}

/// A title given as lines keeps the user's lines.
#[test]
fn a_title_given_in_lines_keeps_them() {
    let mut data = goushi();
    common::set(
        &mut data,
        "/title",
        serde_json::json!(["缑氏镇人民政府2020年", "政府信息公开工作年度报告"]),
    );
    let (doc, _) = engine()
        .document(&data, RenderOptions::default())
        .expect("document");
    let Some(Block::Title { lines, .. }) = doc.blocks.first() else {
        panic!("a title");
    };
    assert_eq!(lines.len(), 2);
}

/// One body line as drawn: its glyphs' characters, positions and sizes.
pub(crate) struct Drawn {
    pub(crate) text: Vec<char>,
    xs: Vec<f64>,
    advances: Vec<f64>,
    size: f64,
}

/// The body lines (16 pt, inside the measure) of the laid pages, in order.
fn body_lines(laid: &Laid) -> Vec<Drawn> {
    let mut out: Vec<(usize, f64, Drawn)> = Vec::new();
    for (p, page) in laid.pages.iter().enumerate() {
        for item in &page.items {
            let Item::Text(t) = item else { continue };
            if (t.size.to_pt() - 16.0).abs() > 0.01 {
                continue;
            }
            let y = t.baseline.to_pt();
            let line = match out.last_mut() {
                Some((lp, ly, d)) if *lp == p && (*ly - y).abs() < 0.01 => d,
                _ => {
                    out.push((
                        p,
                        y,
                        Drawn {
                            text: Vec::new(),
                            xs: Vec::new(),
                            advances: Vec::new(),
                            size: 16.0,
                        },
                    ));
                    &mut out.last_mut().expect("pushed").2
                }
            };
            for g in &t.glyphs {
                line.text.push(g.c);
                line.xs.push(g.x.to_pt());
                line.advances.push(g.advance.to_pt());
            }
        }
    }
    out.into_iter().map(|(_, _, d)| d).collect()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x4E00..=0x9FFF | 0xFF00..=0xFF60 | 0x2018..=0x201D)
}

/// The extra space per gap of a line, in ems: the widest gap between two
/// glyphs beyond the first one's advance (the grid's for a wide one),
/// inside URLs and numbers as well as next to wide characters; negative
/// gaps (compressed marks) count as none, and a word space is not a gap.
fn stretch(line: &Drawn) -> f64 {
    let mut worst: f64 = 0.0;
    for k in 1..line.text.len() {
        let (a, b) = (line.text[k - 1], line.text[k]);
        if a == ' ' || b == ' ' {
            continue;
        }
        let adv = if is_wide(a) {
            PITCH
        } else {
            line.advances[k - 1]
        };
        let extra = line.xs[k] - line.xs[k - 1] - adv;
        worst = worst.max(extra / line.size);
    }
    worst
}

/// Lays out paragraphs and returns, per paragraph, its drawn lines.
pub(crate) fn paragraphs(texts: &[String]) -> Vec<Vec<Drawn>> {
    let mut data = goushi();
    common::set(&mut data, "/overview", serde_json::json!(texts));
    common::set(&mut data, "/problems", serde_json::json!([]));
    common::set(&mut data, "/other_matters", serde_json::json!([]));
    let engine = engine();
    let (doc, _) = engine
        .document(&data, RenderOptions::default())
        .expect("document");
    let laid = engine.layout(&doc).expect("layout");
    let mut lines = body_lines(&laid).into_iter();
    let mut out = Vec::new();
    for text in texts {
        let want: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let mut got = String::new();
        let mut mine = Vec::new();
        for line in lines.by_ref() {
            let t: String = line.text.iter().filter(|c| !c.is_whitespace()).collect();
            if got.is_empty() && !want.starts_with(&t) {
                continue; // a line of something else (a heading)
            }
            got.push_str(&t);
            mine.push(line);
            if got.len() >= want.len() {
                break;
            }
        }
        assert_eq!(got, want, "the paragraph's lines, in order");
        out.push(mine);
    }
    out
}

/// Checks every line of every paragraph: 禁则, non-final lines flush
/// right, and returns each non-final line's stretch.
pub(crate) fn measure(paras: &[Vec<Drawn>]) -> Vec<f64> {
    let mut stretches = Vec::new();
    for lines in paras {
        for (i, line) in lines.iter().enumerate() {
            let first = line.text[0];
            let last = *line.text.last().expect("a glyph");
            assert!(!NOT_AT_LINE_START.contains(first), "starts with {first}");
            assert!(!NOT_AT_LINE_END.contains(last), "ends with {last}");
            let right = line.xs.last().expect("x") + line.advances.last().expect("adv");
            assert!(right <= RIGHT + 8.5, "past the measure: {right}");
            assert!(line.xs[0] >= LEFT - 0.01);
            if i + 1 < lines.len() {
                let text: String = line.text.iter().collect();
                // A compressed closing mark may end the line half inside.
                let ink = if "，。、；：？！）》”’".contains(last) {
                    right - 8.0
                } else {
                    right - 0.5
                };
                assert!(
                    ink >= RIGHT - 8.5 - 0.5,
                    "not flush right ({right:.1}): {text}"
                );
                stretches.push(stretch(line));
            }
        }
    }
    stretches
}

/// URLs, e-mail addresses, 文号 and standard numbers at every position of
/// a line: no line stretched more than 0.25 em a gap, at most five more
/// than 0.15 em.
#[test]
fn no_loose_lines_around_urls_and_numbers() {
    let tokens = [
        "（www.shanghai.gov.cn）",
        "https://www.gov.cn/zhengce/content/2019-04/15/content_5382991.htm",
        "xxgk@goushi.gov.cn",
        "国办发〔2019〕15号",
        "GB/T 9704-2012",
        "13800138000",
    ];
    let filler = "本年度报告电子版可从中国上海门户网站下载查阅如对本报告有任何疑问请与我们联系";
    let mut texts = Vec::new();
    for (t, token) in tokens.iter().enumerate() {
        for k in 0..28 {
            let head: String = filler
                .chars()
                .cycle()
                .skip(t * 3 + k)
                .take(10 + k)
                .collect();
            let tail: String = filler.chars().cycle().skip(k).take(40).collect();
            texts.push(format!("{head}{token}{tail}。"));
        }
    }
    // The closing paragraph of a real report, with the portal's address
    // and the contact details in brackets, from every starting position.
    let real = "本年度报告电子版可从“中国上海”门户网站（www.shanghai.gov.cn）下载。\
                如对本报告有任何疑问，请与上海市人民政府办公厅联系（地址：上海市人民大道200号，\
                邮编：200003，电话：021-23111111，电子邮箱：xxgk@shanghai.gov.cn）。";
    for k in 0..28 {
        let head: String = filler.chars().cycle().skip(k).take(k).collect();
        texts.push(format!("{head}{real}"));
    }
    let paras = paragraphs(&texts);
    let s = measure(&paras);
    let worst = s.iter().copied().fold(0.0, f64::max);
    let over = s.iter().filter(|&&x| x > 0.15).count();
    if std::env::var_os("SHOW_LOOSE").is_some() {
        for lines in &paras {
            for (i, l) in lines[..lines.len() - 1].iter().enumerate() {
                let st = stretch(l);
                if st > 0.1 {
                    eprintln!(
                        "{st:.3} {} // {}",
                        l.text.iter().collect::<String>(),
                        lines[i + 1].text.iter().collect::<String>()
                    );
                }
            }
        }
    }
    assert!(worst <= 0.25, "worst stretch {worst:.3} em a gap");
    assert!(
        over <= 5,
        "{over} of {} lines stretched past 0.15 em",
        s.len()
    );
}

/// Real prose (the sample): no non-final line stretched past 0.15 em.
#[test]
fn no_loose_lines_in_real_prose() {
    let data = goushi();
    let texts: Vec<String> = data["overview"]
        .as_array()
        .expect("overview")
        .iter()
        .map(|p| match p {
            Value::String(s) => s.clone(),
            o => o["text"].as_str().unwrap_or("").to_string(),
        })
        .collect();
    let s = measure(&paragraphs(&texts));
    let worst = s.iter().copied().fold(0.0, f64::max);
    assert!(worst <= 0.15, "worst stretch {worst:.3} em a gap");
}

/// In the vertical cell 三、本年度办理结果 the 、 is drawn with the font's
/// vertical form (the glyph its cmap gives U+FE11, read here with
/// ttf-parser from the font file; mutool reports what the PDF draws),
/// while the text still copies out as 、.
#[test]
fn the_vertical_cell_uses_vertical_punctuation() {
    if !common::tools::have("mutool", &["-v"], "mupdf-tools", "reading the drawn glyphs") {
        return;
    }
    let pdf = engine()
        .render(
            &common::shili(),
            nianbao::OutputFormat::Pdf,
            RenderOptions::default(),
        )
        .expect("renders")
        .bytes;
    let trace = common::mutool_trace(&pdf);
    let drawn: std::collections::BTreeSet<u16> = trace
        .lines()
        .filter(|l| l.contains("unicode=\"、\""))
        .filter_map(|l| l.split("glyph=\"").nth(1)?.split('"').next()?.parse().ok())
        .collect();
    let mut vertical = std::collections::BTreeSet::new();
    for name in [
        "FandolSong-Regular.otf",
        "FandolKai-Regular.otf",
        "FandolFang-Regular.otf",
    ] {
        let bytes = std::fs::read(common::root().join("fonts").join(name)).expect("font");
        let face = ttf_parser::Face::parse(&bytes, 0).expect("face");
        if let Some(g) = face.glyph_index('\u{FE11}') {
            vertical.insert(g.0);
        }
    }
    assert!(
        drawn.iter().any(|g| vertical.contains(g)),
        "a vertical 、 among the drawn glyphs {drawn:?} (vertical forms: {vertical:?})"
    );
}

/// A narrow cell never leaves one character alone on its last line when
/// a balanced break exists: （三）/不予/公开, not （三）/不予公/开.
#[test]
fn narrow_cells_break_into_balanced_lines() {
    let engine = engine();
    for data in [goushi(), common::shili()] {
        let (doc, _) = engine
            .document(&data, RenderOptions::default())
            .expect("document");
        let laid = engine.layout(&doc).expect("layout");
        let runs: Vec<String> = laid
            .pages
            .iter()
            .flat_map(|p| p.items.iter())
            .filter_map(|i| match i {
                Item::Text(t) => Some(t.glyphs.iter().map(|g| g.c).collect()),
                _ => None,
            })
            .collect();
        let at = runs
            .iter()
            .position(|r| r == "不予")
            .unwrap_or_else(|| panic!("a line 不予: {:?}", &runs[..runs.len().min(40)]));
        assert_eq!(runs[at + 1], "公开");
        assert!(!runs.iter().any(|r| r == "开"), "开 alone");
    }
}

/// Whether a character is a combining mark (General_Category M), the
/// ranges the tests below use written out: the combining diacritics and
/// the combining marks for symbols.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x20D0..=0x20FF)
}

/// Every combining mark drawn on the laid pages sits on its base's line,
/// right after it: never alone at a line's start (UAX #14 LB9), in the
/// title, body lines and table cells alike.
fn assert_marks_keep_their_base(laid: &Laid) -> usize {
    let mut marks = 0;
    for (p, page) in laid.pages.iter().enumerate() {
        // Glyphs per baseline, in x order: (x, advance, character).
        let mut lines: std::collections::BTreeMap<i64, Vec<(f64, f64, char)>> =
            std::collections::BTreeMap::new();
        for item in &page.items {
            let Item::Text(t) = item else { continue };
            let key = (t.baseline.to_pt() * 100.0).round() as i64;
            for g in &t.glyphs {
                lines
                    .entry(key)
                    .or_default()
                    .push((g.x.to_pt(), g.advance.to_pt(), g.c));
            }
        }
        for glyphs in lines.values_mut() {
            glyphs.sort_by(|a, b| a.0.total_cmp(&b.0));
            for k in 0..glyphs.len() {
                let (x, _, c) = glyphs[k];
                if !is_mark(c) {
                    continue;
                }
                marks += 1;
                // Its base: the glyph before it, ending where it starts.
                let base = glyphs[..k].iter().rev().find(|g| !is_mark(g.2));
                assert!(
                    base.is_some_and(|&(bx, badv, _)| (bx + badv - x).abs() < 0.5),
                    "page {}: U+{:04X} at x {x:.1} without its base before it: {:?}",
                    p + 1,
                    c as u32,
                    &glyphs[k.saturating_sub(3)..(k + 2).min(glyphs.len())]
                );
            }
        }
    }
    marks
}

/// Decomposed text (`e` + U+0301) reaches every output composed (NFC):
/// the PDF's text reads `café` and no line of it starts with the accent;
/// the HTML and the DOCX carry the same composed characters.
#[test]
fn decomposed_text_is_composed_before_it_is_set() {
    let mut data = goushi();
    common::set(
        &mut data,
        "/overview",
        serde_json::json!(["cafe\u{301} ".repeat(400)]),
    );
    let engine = engine();
    let (doc, _) = engine
        .document(&data, RenderOptions::default())
        .expect("document");
    let laid = engine.layout(&doc).expect("layout");
    let drawn: String = body_lines(&laid)
        .iter()
        .flat_map(|l| l.text.iter())
        .collect();
    assert_eq!(drawn.matches("café").count(), 400, "every café composed");
    assert!(!drawn.contains('\u{301}'), "no accent drawn on its own");
    let out = engine
        .render_all(
            &data,
            &[
                nianbao::OutputFormat::Pdf,
                nianbao::OutputFormat::Html,
                nianbao::OutputFormat::Docx,
            ],
            RenderOptions::default(),
        )
        .expect("renders");
    let html = String::from_utf8(out[1].bytes.clone()).expect("utf-8");
    // The page's text, not the report's JSON it carries (the data as given).
    let page = html
        .split("<script type=\"application/json\" id=\"nianbao-data\">")
        .next()
        .expect("the page before the data");
    assert!(html.len() > page.len(), "the HTML carries the data");
    assert_eq!(page.matches("café").count(), 400, "the HTML's café");
    assert!(!page.contains('\u{301}'));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(out[2].bytes.clone())).expect("zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").expect("document.xml"),
        &mut xml,
    )
    .expect("read");
    assert_eq!(xml.matches("café").count(), 400, "the DOCX's café");
    assert!(!xml.contains('\u{301}'));
    if !common::tools::have(
        "pdftotext",
        &["-v"],
        "poppler-utils",
        "reading the PDF back",
    ) {
        return;
    }
    let path = std::env::temp_dir().join(format!("nianbao-nfc-{}.pdf", std::process::id()));
    std::fs::write(&path, &out[0].bytes).expect("write");
    let text = common::pdfread::text(&path);
    let _ = std::fs::remove_file(&path);
    assert_eq!(text.matches("café").count(), 400, "pdftotext reads café");
    for line in text.lines() {
        assert!(
            !line.starts_with('\u{301}'),
            "a line starts with U+0301: {line}"
        );
    }
}

/// A combining mark with no precomposed form (`q̇`, the enclosing circle
/// U+20DD) stays with its base: in a long run of them in a paragraph, in
/// a run broken at `/`, after Chinese characters, in the title and in a
/// table cell, no line starts with the mark.
#[test]
fn a_combining_mark_never_starts_a_line() {
    let mut data = goushi();
    common::set(
        &mut data,
        "/title",
        serde_json::json!("缑氏镇人民政府q\u{307}q\u{307}q\u{307}中\u{20DD}中\u{20DD}中\u{20DD}2020年政府信息公开工作年度报告"),
    );
    common::set(
        &mut data,
        "/overview",
        serde_json::json!([
            "q\u{307}".repeat(3000),
            "中\u{20DD}".repeat(300),
            format!("{}/", "q\u{307}".repeat(30)).repeat(40),
            "这是一段中文q\u{307}q\u{307}，再接中文中\u{307}中\u{307}。".repeat(40),
        ]),
    );
    common::set(
        &mut data,
        "/labels",
        serde_json::json!({"采购总金额": format!("采购{}总金额", "q\u{307}中\u{20DD}".repeat(12))}),
    );
    let engine = engine();
    let (doc, _) = engine
        .document(&data, RenderOptions::default())
        .expect("document");
    let laid = engine.layout(&doc).expect("layout");
    let marks = assert_marks_keep_their_base(&laid);
    let expected = 6 + 3000 + 300 + 30 * 40 + 4 * 40 + 24;
    assert_eq!(marks, expected, "every mark drawn once");
    if !common::tools::have(
        "pdftotext",
        &["-v"],
        "poppler-utils",
        "reading the PDF back",
    ) {
        return;
    }
    let pdf = engine
        .render(&data, nianbao::OutputFormat::Pdf, RenderOptions::default())
        .expect("renders")
        .bytes;
    let path = std::env::temp_dir().join(format!("nianbao-cm-{}.pdf", std::process::id()));
    std::fs::write(&path, &pdf).expect("write");
    let text = common::pdfread::text(&path);
    let _ = std::fs::remove_file(&path);
    for line in text.lines() {
        let first = line.trim_start().chars().next().unwrap_or(' ');
        assert!(
            !is_mark(first),
            "a line starts with U+{:04X}: {line}",
            first as u32
        );
    }
}
