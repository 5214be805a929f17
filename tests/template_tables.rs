//! The built-in template's tables against the official grids
//! (`tests/fixtures/official_tables.md`, transcribed from the official
//! documents, not from the layout the code compiles in), cell by cell, for
//! both formats: position, spans, label text (with the data's `labels`
//! overrides), every value in its cell, and each cell's class.

use crate::common;

use common::{goushi, set, shili};
use nianbao::doc::{Block, Document, Resolved, Table};
use nianbao::RenderOptions;
use serde_json::{json, Value};

/// The class the template gives an official cell, by its place in the
/// form: the value cells; in 二 the 第二十条 rows (shaded in the official
/// rendering) and the 信息内容 rows that head each block; in 三 and 四
/// the three header rows, of which 三's first cell is the note on the
/// 勾稽关系 (set in 楷体); the rest are row labels.
fn class(
    section: &str,
    grid: &common::official::Grid,
    cell: &common::official::Cell,
) -> &'static str {
    let first = |r: usize| grid.cells.iter().find(|x| x.r == r && x.c == 0);
    if cell.value {
        "value"
    } else if section == "section2" && cell.text.starts_with("第二十条") {
        "group-header"
    } else if section == "section2" {
        if first(cell.r).is_some_and(|x| x.text == "信息内容") {
            "header"
        } else {
            "label"
        }
    } else if cell.r < 3 && cell.text.starts_with("（本列数据的勾稽关系") {
        "header-note"
    } else if cell.r < 3 {
        "header"
    } else {
        "label"
    }
}

fn document(data: &Value) -> Resolved {
    let engine = common::engine();
    match engine.document(data, RenderOptions::default()) {
        Ok((doc, _)) => doc,
        Err(d) => panic!("{d}"),
    }
}

fn tables(doc: &Document) -> Vec<&Table> {
    doc.blocks
        .iter()
        .filter_map(|b| {
            if let Block::Table(t) = b {
                Some(t)
            } else {
                None
            }
        })
        .collect()
}

fn compare(data: &Value, format: &str) {
    let doc = document(data);
    let labels = data.get("labels").cloned().unwrap_or(json!({}));
    let found = tables(&doc);
    assert_eq!(found.len(), 3, "three tables");
    for (table, section) in found.into_iter().zip(["section2", "section3", "section4"]) {
        let official = common::official::grid(format, section);
        let grid = &table.grid;
        assert_eq!(grid.cols, official.cols, "{format} {section} columns");
        assert_eq!(grid.rows, official.rows, "{format} {section} rows");
        let index = ["section2", "section3", "section4"]
            .iter()
            .position(|s| *s == section)
            .expect("a section");
        let mut values = common::table_values(data).swap_remove(index).into_iter();
        let cells = &official.cells;
        let ours: Vec<_> = grid.cells().collect();
        assert_eq!(
            ours.len(),
            cells.len(),
            "{format} {section}: number of cells"
        );
        for (fc, (r, c, cell)) in cells.iter().zip(ours) {
            let at = format!("{format} {section} r{r} c{c}");
            assert_eq!((r, c), (fc.r, fc.c), "{at}: position");
            assert_eq!(cell.rowspan, fc.rs, "{at}: rowspan");
            assert_eq!(cell.colspan, fc.cs, "{at}: colspan");
            let want = common::expected_text(fc, &labels, &mut values);
            assert_eq!(cell.text(), want, "{at}: text");
            let role = class(section, &official, fc);
            assert_eq!(cell.class.as_deref(), Some(role), "{at}: class");
        }
        assert!(
            values.next().is_none(),
            "{format} {section}: every value placed"
        );
    }
}

#[test]
fn the_2019_tables_are_the_official_grid() {
    compare(&goushi(), "2019");
}

#[test]
fn the_2021_tables_are_the_official_grid() {
    compare(&shili(), "2021");
}

#[test]
fn blanks_print_empty_and_labels_are_overridden() {
    let mut v = shili();
    set(
        &mut v,
        "/applications/granted",
        json!([null, 2, 1, 0, 1, 0]),
    );
    set(&mut v, "/applications/total/0", json!(7));
    set(&mut v, "/applications/total/6", json!(15));
    set(&mut v, "/applications/new", json!([6, 3, 1, 0, 2, 1, 13]));
    set(
        &mut v,
        "/labels",
        json!({"规章": "规章（本级）", "自然人": "自然人（个人）"}),
    );
    let doc = document(&v);
    let t = tables(&doc);
    assert_eq!(
        t[1].grid.cell(5, 3).expect("a cell").text(),
        "",
        "a blank prints empty"
    );
    assert_eq!(t[0].grid.cell(2, 0).expect("a cell").text(), "规章（本级）");
    compare(&v, "2021");
}

#[test]
fn the_vertical_label_and_header_rows() {
    let doc = document(&shili());
    let t = tables(&doc);
    let results = t[1].grid.cell(5, 0).expect("三、本年度办理结果");
    assert!(results.vertical);
    assert_eq!(t[1].header_rows, 3);
    assert_eq!(t[2].header_rows, 3);
    assert_eq!(t[0].header_rows, 0);
    let width: f64 = t[1].columns.iter().map(|w| w.to_mm()).sum();
    assert!(
        (width - 156.0).abs() < 0.01,
        "table 三 fits the 156 mm measure: {width}"
    );
}
