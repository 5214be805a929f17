//! Templates end to end: tree snapshots, escaping, error positions, custom
//! bundles, and the HTML output read back.

use crate::common;

use common::{goushi, root, set, shili};
use nianbao::doc::{dump, Block};
use nianbao::template::{builtin, Bundle, Template};
use nianbao::{Code, Engine, Location, OutputFormat, RenderOptions};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn tree(data: &Value) -> String {
    let (doc, _) = common::engine()
        .document(data, RenderOptions::default())
        .expect("renders");
    dump(&doc)
}

#[test]
fn tree_snapshot_goushi_2020() {
    common::snapshot("goushi-2020.tree.txt", &tree(&goushi()));
}

#[test]
fn tree_snapshot_shili_2021() {
    common::snapshot("shili-2021.tree.txt", &tree(&shili()));
}

#[test]
fn run_in_headings_take_their_level_style() {
    let t = tree(&shili());
    assert!(t.contains("p [body fangsong 16pt Justify indent=32pt pitch=28.95pt] <heading2>（一）主动公开。</heading2>全年"), "{t}");
    assert!(
        t.contains("heading 2 outline=false [heading2 kai 16pt"),
        "a heading alone: {t}"
    );
    assert!(t.contains("<heading3>1.严格审查。</heading3>"), "{t}");
    assert!(t.contains(
        "heading 1 outline=true [heading1 hei 16pt Justify indent=32pt pitch=28.95pt] 一、总体情况"
    ));
}

#[test]
fn hostile_data_text_is_printed_literally() {
    let hostile = "<b>&amp;]]></p><script>alert(1)</script>{{unit}}\"'";
    let mut v = goushi();
    set(&mut v, "/overview/0", json!(hostile));
    set(&mut v, "/unit", json!("缑氏镇<人民政府>&"));
    let engine = common::engine();
    let (doc, _) = engine
        .document(&v, RenderOptions::default())
        .expect("renders");
    let texts: Vec<String> = doc
        .blocks
        .iter()
        .filter_map(|b| {
            if let Block::Paragraph { spans, .. } = b {
                Some(nianbao::doc::plain(spans))
            } else {
                None
            }
        })
        .collect();
    assert_eq!(texts[0], hostile);
    assert_eq!(doc.meta.author, "缑氏镇<人民政府>&");
    let html = String::from_utf8(
        engine
            .render(&v, OutputFormat::Html, RenderOptions::default())
            .expect("html")
            .bytes,
    )
    .expect("utf-8");
    assert!(!html.contains("<script>"), "no script from the data");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;{{unit}}"));
}

fn export_builtin(dir: &Path) {
    builtin("annual-report")
        .expect("built in")
        .export(dir)
        .expect("exports");
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-tpl-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} contains {from}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn exported_bundle_with_a_changed_label_and_style_renders() {
    let dir = temp_dir("custom");
    export_builtin(&dir);
    edit(
        &dir.join("partials/section4.hbs"),
        "{{label \"行政复议\"}}",
        "行政复议（件）",
    );
    edit(
        &dir.join("style.toml"),
        "[styles.heading1]      # 一、 第一层黑体\nfont = \"hei\"",
        "[styles.heading1]\nfont = \"kai\"",
    );
    let engine = Engine::with_bundle(&Bundle::from_dir(&dir).expect("reads")).expect("compiles");
    let (doc, _) = engine
        .document(&goushi(), RenderOptions::default())
        .expect("renders");
    let t = dump(&doc);
    assert!(t.contains("\"行政复议（件）\""), "{t}");
    assert!(t.contains("heading 1 outline=true [heading1 kai"), "{t}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_refuses_a_non_empty_directory() {
    let dir = temp_dir("nonempty");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("keep.txt"), "mine").expect("write");
    let e = builtin("annual-report")
        .expect("built in")
        .export(&dir)
        .expect_err("refused");
    assert!(e.message.contains("not empty"));
    assert_eq!(
        std::fs::read_to_string(dir.join("keep.txt")).expect("kept"),
        "mine"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A bundle for any JSON, validated by its own schema.
fn any_bundle(dir: &Path, main: &str) {
    std::fs::create_dir_all(dir).expect("dir");
    std::fs::write(
        dir.join("template.toml"),
        "name = \"notice\"\ndata = \"any\"\nentry = \"main.hbs\"\nschema = \"schema.json\"\n",
    )
    .expect("write");
    let style =
        std::fs::read_to_string(root().join("templates/annual-report/style.toml")).expect("style");
    std::fs::write(dir.join("style.toml"), style).expect("write");
    std::fs::write(dir.join("schema.json"), r#"{"type": "object", "required": ["who", "items"], "properties": {"items": {"type": "array"}}}"#).expect("write");
    std::fs::write(dir.join("main.hbs"), main).expect("write");
}

#[test]
fn a_bundle_for_any_json_renders_and_validates() {
    let dir = temp_dir("any");
    any_bundle(&dir, "<document>\n<title>{{who}}的通知</title>\n{{#each items}}<p>{{cn-number @index}}是{{this}}。</p>\n{{/each}}\n<table><tr><td>{{sum 1 2 null}}</td><td>{{date \"2024-01-05\"}}</td></tr></table>\n</document>\n");
    let engine = Engine::with_bundle(&Bundle::from_dir(&dir).expect("reads")).expect("compiles");
    let data = json!({"who": "示例镇", "items": ["甲", "乙"]});
    let (doc, _) = engine
        .document(&data, RenderOptions::default())
        .expect("renders");
    let t = dump(&doc);
    assert!(
        t.contains("line 示例镇的通知") && t.contains("零是甲。") && t.contains("一是乙。"),
        "{t}"
    );
    assert!(t.contains("\"3\"") && t.contains("\"2024年1月5日\""), "{t}");
    let d = engine
        .document(&json!({"who": 1}), RenderOptions::default())
        .expect_err("schema refuses");
    assert!(d.iter().any(|x| x.code == Code::Shape), "{d}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[allow(clippy::result_large_err)] // the library's own error type, as returned
fn compile_error(main: &str) -> nianbao::Diagnostic {
    let dir = temp_dir(&format!("err{}", main.len()));
    any_bundle(&dir, main);
    let bundle = Bundle::from_dir(&dir).expect("reads");
    let result = Template::compile(&bundle).and_then(|t| {
        t.document(&json!({"who": "x", "items": []}))
            .map(|_| ())
            .map_err(|d| d.0[0].clone())
    });
    let _ = std::fs::remove_dir_all(&dir);
    result.expect_err("an error")
}

fn text_position(d: &nianbao::Diagnostic) -> (String, usize, usize) {
    match &d.location {
        Location::Text { file, line, column } => (file.clone(), *line, *column),
        other => panic!("expected a text position, got {other:?}: {d}"),
    }
}

#[test]
fn a_missing_variable_names_template_line_and_column() {
    let d = compile_error("<document>\n<p>{{who}}</p>\n<p>{{nobody}}</p>\n</document>");
    assert_eq!(d.code, Code::Template);
    let (file, line, _) = text_position(&d);
    assert!(file.ends_with("main.hbs"), "{file}");
    assert_eq!(line, 3, "{d}");
}

#[test]
fn a_template_syntax_error_has_a_position() {
    let d = compile_error("<document>\n<p>{{#if who}}x</p>\n</document>");
    assert_eq!(d.code, Code::Template);
    text_position(&d);
}

#[test]
fn a_markup_error_has_line_and_column() {
    let d = compile_error("<document>\n<p>a</p>\n<p>b</q>\n</document>");
    assert_eq!(d.code, Code::Markup);
    let (_, line, _) = text_position(&d);
    assert_eq!(line, 3, "{d}");
}

#[test]
fn unknown_elements_and_styles_are_named() {
    let d = compile_error("<document>\n<para>a</para>\n</document>");
    assert!(d.message.contains("unknown element <para>"), "{d}");
    let d = compile_error("<document>\n\n<p style=\"nope\">a</p>\n</document>");
    assert!(d.message.contains("no style `nope`"), "{d}");
    assert_eq!(text_position(&d).1, 3);
}

#[test]
fn a_table_with_a_hole_or_overlap_names_row_and_column() {
    let d = compile_error("<document><table><col/><col/>\n<tr><td>a</td><td>b</td></tr>\n<tr><td colspan=\"2\">c</td><td>d</td></tr></table></document>");
    assert_eq!(d.code, Code::TableGrid);
    assert!(d.message.contains("row 2"), "{d}");
    let d = compile_error("<document><table><col/><col/><col/>\n<tr><td>a</td><td rowspan=\"2\">b</td><td>c</td></tr>\n<tr><td colspan=\"2\">d</td><td>e</td></tr></table></document>");
    assert!(d.message.contains("overlaps"), "{d}");
    let d = compile_error("<document><table><col/><col/>\n<tr><td>a</td><td>b</td></tr>\n<tr><td>c</td></tr></table></document>");
    assert!(
        d.message
            .en
            .starts_with("row 2, column 2 is covered by no cell"),
        "{d}"
    );
}

#[test]
fn recursive_partials_are_refused_before_rendering() {
    let dir = temp_dir("cycle");
    any_bundle(&dir, "<document>{{> a}}</document>");
    std::fs::create_dir_all(dir.join("partials")).expect("dir");
    std::fs::write(dir.join("partials/a.hbs"), "{{> b}}").expect("write");
    std::fs::write(dir.join("partials/b.hbs"), "{{> a}}").expect("write");
    let e = Template::compile(&Bundle::from_dir(&dir).expect("reads")).expect_err("a cycle");
    assert!(e.message.contains("a → b → a"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Reads `<tr>`/`<td|th rowspan colspan>` back from the HTML and places them
/// by the HTML table algorithm: (row, col, rowspan, colspan, text).
type HtmlCell = (usize, usize, usize, usize, String);

fn html_grids(html: &str) -> Vec<Vec<HtmlCell>> {
    let attr = |tag: &str, name: &str| -> usize {
        tag.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(1)
    };
    let mut grids = Vec::new();
    for table in html.split("<table").skip(1) {
        let table = table.split("</table>").next().unwrap_or("");
        let mut taken: std::collections::HashSet<(usize, usize)> = Default::default();
        let mut cells = Vec::new();
        for (r, row) in table.split("<tr>").skip(1).enumerate() {
            let mut c = 0;
            // A cell is a <td>, or a <th> for a header or a row's label.
            let cells_of_row = row
                .split("<t")
                .skip(1)
                .filter_map(|t| t.strip_prefix('d').or_else(|| t.strip_prefix('h')));
            for td in cells_of_row {
                let (tag, rest) = td.split_once('>').expect("a tag");
                let text = rest.split("</t").next().unwrap_or("").replace("<br>", "\n");
                while taken.contains(&(r, c)) {
                    c += 1;
                }
                let (rs, cs) = (attr(tag, "rowspan"), attr(tag, "colspan"));
                for rr in r..r + rs {
                    for cc in c..c + cs {
                        taken.insert((rr, cc));
                    }
                }
                cells.push((r, c, rs, cs, text));
                c += cs;
            }
        }
        grids.push(cells);
    }
    grids
}

#[test]
fn html_tables_read_back_as_the_official_grids() {
    for (data, format) in [(goushi(), "2019"), (shili(), "2021")] {
        let html = common::engine()
            .render(&data, OutputFormat::Html, RenderOptions::default())
            .expect("html")
            .bytes;
        let html = String::from_utf8(html).expect("utf-8");
        assert!(
            html.contains("font-family: \"Times New Roman\", \"仿宋_GB2312\""),
            "names the 公文 fonts"
        );
        let grids = html_grids(&html);
        assert_eq!(grids.len(), 3);
        for (grid, section) in grids.iter().zip(["section2", "section3", "section4"]) {
            let cells = common::official::grid(format, section).cells;
            assert_eq!(grid.len(), cells.len(), "{format} {section}");
            for (ours, f) in grid.iter().zip(&cells) {
                let got = (ours.0, ours.1, ours.2, ours.3);
                assert_eq!(got, (f.r, f.c, f.rs, f.cs), "{format} {section} {f:?}");
                if !f.value && f.text != "采购总金额" {
                    assert_eq!(ours.4, f.text, "{format} {section}");
                }
            }
        }
    }
}
