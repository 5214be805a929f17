//! The built-in template's tables against the official grids
//! (`tests/fixtures/table_layouts.json`, a copy of formats/table_layouts.json),
//! cell by cell, for both formats: position, spans, label text (with the
//! data's `labels` overrides) and every value in its cell.

use crate::common;

use common::{goushi, set, shili};
use nianbao::doc::{Block, Document, Resolved, Table};
use nianbao::RenderOptions;
use serde_json::{json, Value};

fn fixture() -> Value {
    let text = std::fs::read_to_string(common::root().join("tests/fixtures/table_layouts.json"))
        .expect("fixture");
    serde_json::from_str(&text).expect("JSON")
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
    let fixture = fixture();
    let labels = data.get("labels").cloned().unwrap_or(json!({}));
    let found = tables(&doc);
    assert_eq!(found.len(), 3, "three tables");
    for (table, section) in found.into_iter().zip(["section2", "section3", "section4"]) {
        let f = &fixture[format][section];
        let grid = &table.grid;
        assert_eq!(
            grid.cols as u64,
            f["cols"].as_u64().expect("cols"),
            "{format} {section} columns"
        );
        assert_eq!(
            grid.rows as u64,
            f["rows"].as_u64().expect("rows"),
            "{format} {section} rows"
        );
        let index = ["section2", "section3", "section4"]
            .iter()
            .position(|s| *s == section)
            .expect("a section");
        let mut values = common::table_values(data).swap_remove(index).into_iter();
        let cells = f["cells"].as_array().expect("cells");
        let ours: Vec<_> = grid.cells().collect();
        assert_eq!(
            ours.len(),
            cells.len(),
            "{format} {section}: number of cells"
        );
        for (fc, (r, c, cell)) in cells.iter().zip(ours) {
            let at = format!("{format} {section} r{r} c{c}");
            assert_eq!(
                (r as u64, c as u64),
                (fc["r"].as_u64().expect("r"), fc["c"].as_u64().expect("c")),
                "{at}: position"
            );
            assert_eq!(
                cell.rowspan as u64,
                fc["rs"].as_u64().expect("rs"),
                "{at}: rowspan"
            );
            assert_eq!(
                cell.colspan as u64,
                fc["cs"].as_u64().expect("cs"),
                "{at}: colspan"
            );
            let official = fc["text"].as_str().expect("text");
            let want = if official == "{v}" {
                values.next().expect("a value for every value cell")
            } else {
                labels
                    .get(official)
                    .and_then(Value::as_str)
                    .unwrap_or(official)
                    .to_string()
            };
            assert_eq!(cell.text(), want, "{at}: text");
            let role = fc["role"].as_str().expect("role");
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
