//! Reports as workbooks: written by nianbao, read by independent readers
//! (openpyxl: merged ranges, locks, protection, validation, formulas;
//! LibreOffice: a re-save as another office suite would), read back by
//! nianbao whoever saved them last, and round-tripped without loss.

use crate::common;

use common::{goushi, root, shili, tools};
use nianbao::data::Format;
use nianbao::{OutputFormat, RenderOptions};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-xlsx-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn format_of(v: &Value) -> Format {
    nianbao::data::check_value(v)
        .expect("valid")
        .resolved
        .format
}

fn workbook(v: &Value) -> Vec<u8> {
    nianbao::sheet::write(v, format_of(v), None).expect("a workbook")
}

fn pdf(v: &Value) -> Vec<u8> {
    common::engine()
        .render(v, OutputFormat::Pdf, RenderOptions::default())
        .expect("renders")
        .bytes
}

#[test]
fn json_to_workbook_to_json_loses_nothing() {
    for v in [goushi(), shili()] {
        let xlsx = workbook(&v);
        assert_eq!(xlsx, workbook(&v), "identical input, identical bytes");
        let back = nianbao::sheet::read(&xlsx, "r.xlsx").expect("reads back");
        assert!(back.warnings.is_empty(), "{}", back.warnings);
        assert_eq!(back.value, v, "the same report");
        assert_eq!(pdf(&back.value), pdf(&v), "the same PDF bytes");
    }
    // Titles given as lines, money as text, blank cells and labels.
    let mut v = shili();
    common::set(
        &mut v,
        "/title",
        serde_json::json!(["示例镇人民政府", "2021年政府信息公开工作年度报告"]),
    );
    common::set(
        &mut v,
        "/active_disclosure/fees",
        serde_json::json!("0.0000"),
    );
    common::set(&mut v, "/active_disclosure/rules/1", Value::Null);
    common::set(
        &mut v,
        "/labels",
        serde_json::json!({"规章": "规章（含地方政府规章）"}),
    );
    let back = nianbao::sheet::read(&workbook(&v), "r.xlsx").expect("reads back");
    assert_eq!(back.value, v);
}

#[test]
fn the_workbook_passes_the_ooxml_validators() {
    for v in [goushi(), shili()] {
        tools::validate_ooxml(&workbook(&v), "xlsx");
    }
}

/// What openpyxl reads from a workbook, as JSON: per table sheet, its
/// merged ranges, each cell's value and lock, protection and validations.
const OPENPYXL: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames}
for ws in wb.worksheets[2:]:
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None or not c.protection.locked:
                cells[c.coordinate] = [c.value, c.protection.locked]
    out[ws.title] = {
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "protected": bool(ws.protection.sheet),
        "cells": cells,
        "validations": [[dv.type, dv.operator, str(dv.formula1), str(dv.sqref)] for dv in ws.data_validations.dataValidation],
    }
print(json.dumps(out, ensure_ascii=False))
"#;

fn a1(r: usize, c: usize) -> String {
    let mut letters = String::new();
    let mut n = c + 1;
    while n > 0 {
        letters.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{letters}{}", r + 1)
}

#[test]
fn openpyxl_reads_the_official_tables() {
    if !tools::have_python_module("openpyxl", "openpyxl", "the workbook test") {
        return;
    }
    let dir = temp("openpyxl");
    for (v, format) in [(goushi(), "2019"), (shili(), "2021")] {
        let path = dir.join(format!("{format}.xlsx"));
        std::fs::write(&path, workbook(&v)).expect("write");
        let o = Command::new("python3")
            .args(["-c", OPENPYXL])
            .arg(&path)
            .output()
            .expect("python");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let got: Value = serde_json::from_slice(&o.stdout).expect("openpyxl's JSON");
        let names = [
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
        ];
        for (section, sheet) in ["section2", "section3", "section4"].iter().zip(names) {
            let grid = common::official::grid(format, section);
            let ws = &got[sheet];
            assert_eq!(ws["protected"], true, "{sheet}");
            let mut want_merged: Vec<String> = Vec::new();
            let mut values = 0;
            for cell in &grid.cells {
                let (r, c, rs, cs) = (cell.r, cell.c, cell.rs, cell.cs);
                let at = a1(r, c);
                if rs > 1 || cs > 1 {
                    want_merged.push(format!("{at}:{}", a1(r + rs - 1, c + cs - 1)));
                }
                let found = &ws["cells"][&at];
                if cell.value {
                    values += 1;
                    assert_eq!(found[1], false, "{sheet}!{at}: a value cell is unlocked");
                } else {
                    assert_eq!(found[0], cell.text, "{sheet}!{at}: the official label");
                    assert_eq!(found[1], true, "{sheet}!{at}: a label is locked");
                }
            }
            want_merged.sort();
            assert_eq!(
                ws["merged"],
                serde_json::json!(want_merged),
                "{sheet}: merged ranges"
            );
            assert!(values > 0);
            let validations = ws["validations"].as_array().expect("validations");
            assert!(
                validations
                    .iter()
                    .any(|d| d[0] == "whole" && d[1] == "greaterThanOrEqual" && d[2] == "0"),
                "{sheet}: {validations:?}"
            );
        }
        // A 总计 the data leaves to be computed is a formula over its parts.
        let ws = &got["四、政府信息公开行政复议、行政诉讼情况"]["cells"];
        let total = ws["E4"][0].as_str().unwrap_or("");
        let given = v["review_litigation"]["review"]
            .as_array()
            .expect("row")
            .len()
            == 5;
        if !given {
            assert_eq!(total, "=SUM(A4,B4,C4,D4)");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Re-saves a workbook with LibreOffice Calc, as another office suite
/// would, and returns the new file's bytes.
fn resaved(xlsx: &[u8], dir: &Path, name: &str) -> Vec<u8> {
    let src = dir.join(format!("{name}.xlsx"));
    std::fs::write(&src, xlsx).expect("write");
    let out = dir.join("resaved");
    std::fs::create_dir_all(&out).expect("dir");
    let o = Command::new("soffice")
        .args([
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
        ])
        .arg(&out)
        .arg(&src)
        .env("HOME", dir)
        .output()
        .expect("soffice runs");
    let path = out.join(format!("{name}.xlsx"));
    assert!(
        path.exists(),
        "LibreOffice wrote nothing: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read(path).expect("read")
}

#[test]
fn a_workbook_saved_again_by_libreoffice_reads_the_same() {
    if !tools::have(
        "soffice",
        &["--version"],
        "libreoffice-calc-nogui",
        "the re-save test",
    ) {
        return;
    }
    let dir = temp("resave");
    for (v, name) in [(goushi(), "goushi"), (shili(), "shili")] {
        let again = resaved(&workbook(&v), &dir, name);
        assert_ne!(again, workbook(&v), "LibreOffice wrote its own file");
        let back = nianbao::sheet::read(&again, "resaved.xlsx").expect("reads");
        assert_eq!(back.value, v, "{name}: the same report after LibreOffice");
    }
    let reports = vec![goushi(), shili()];
    let county = nianbao::sheet::county::write(&reports, None).expect("county");
    let again = resaved(&county, &dir, "county");
    let rows = nianbao::sheet::county::read(&again, "county.xlsx").expect("reads");
    for (row, want) in rows.iter().zip(&reports) {
        assert_eq!(
            &row.value().expect("a report"),
            want,
            "county row {}",
            row.row
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Edits one cell of a workbook with openpyxl.
fn edit(xlsx: &[u8], dir: &Path, sheet: &str, cell: &str, value: &str) -> Vec<u8> {
    let path = dir.join("edit.xlsx");
    std::fs::write(&path, xlsx).expect("write");
    let script = format!(
        "import openpyxl,sys\nwb=openpyxl.load_workbook(sys.argv[1])\nwb['{sheet}']['{cell}']={value}\nwb.save(sys.argv[1])"
    );
    let o = Command::new("python3")
        .args(["-c", &script])
        .arg(&path)
        .output()
        .expect("python");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read(&path).expect("read")
}

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(root())
        .env("NIANBAO_LANG", "en")
        .output()
        .expect("runs")
}

#[test]
fn diagnostics_name_the_sheet_and_the_cell() {
    if !tools::have_python_module("openpyxl", "openpyxl", "the workbook test") {
        return;
    }
    let dir = temp("cells");
    let sheet = "三、收到和处理政府信息公开申请情况";
    let xlsx = workbook(&shili());
    // A 总计 given as a number that does not add up.
    let bad = edit(&xlsx, &dir, sheet, "J4", "999");
    let path = dir.join("bad.xlsx");
    std::fs::write(&path, &bad).expect("write");
    let o = cli(&["check", path.to_str().expect("p")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("{sheet}!J4")), "{err}");
    // The pointer is the data file's address: only with --verbose.
    assert!(!err.contains("/applications/new/6"), "{err}");
    let o = cli(&["check", "--verbose", path.to_str().expect("p")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("/applications/new/6"), "{err}");
    // A figure typed as text: read with a warning.
    let text = edit(&xlsx, &dir, sheet, "D5", "'１件'");
    let back = nianbao::sheet::read(&text, "t.xlsx").expect("reads");
    assert_eq!(back.value["applications"]["carried_over"][0], 1);
    assert_eq!(back.warnings.len(), 1, "{}", back.warnings);
    assert!(back.warnings.0[0]
        .place
        .as_deref()
        .is_some_and(|p| p.ends_with("!D5")));
    // An edited label: refused at its cell.
    let label = edit(&xlsx, &dir, sheet, "A4", "'一、新收申请'");
    let e = nianbao::sheet::read(&label, "l.xlsx").expect_err("refused");
    assert!(
        e.0[0].place.as_deref() == Some(&format!("{sheet}!A4")[..]),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_clerk_starts_from_a_blank_workbook() {
    let dir = temp("blank");
    let blank = dir.join("blank.xlsx");
    let o = cli(&[
        "init",
        "--format",
        "2021",
        "--unit",
        "示例镇人民政府",
        "--year",
        "2021",
        "-o",
        blank.to_str().expect("p"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = cli(&["check", blank.to_str().expect("p")]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let pdf = dir.join("blank.pdf");
    let o = cli(&[
        "render",
        blank.to_str().expect("p"),
        "-o",
        pdf.to_str().expect("p"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    common::assert_pdf(&std::fs::read(&pdf).expect("pdf"));
    // convert both ways from the command line.
    let json = dir.join("r.json");
    let o = cli(&[
        "convert",
        blank.to_str().expect("p"),
        "-o",
        json.to_str().expect("p"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&std::fs::read(&json).expect("json")).expect("JSON");
    assert_eq!(v["unit"], "示例镇人民政府");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_county_workbook_holds_a_report_a_row_and_batch_renders_each() {
    let mut third = goushi();
    common::set(&mut third, "/unit", serde_json::json!("甲镇人民政府"));
    common::set(
        &mut third,
        "/applications/total",
        serde_json::json!([9, 0, 0, 0, 0, 0, 9]),
    );
    let mut headed = shili();
    common::set(
        &mut headed,
        "/title",
        serde_json::json!(["示例镇人民政府", "2021年政府信息公开工作年度报告"]),
    );
    let reports = vec![goushi(), headed, third];
    let xlsx = nianbao::sheet::county::write(&reports, None).expect("a workbook");
    tools::validate_ooxml(&xlsx, "xlsx");
    let rows = nianbao::sheet::county::read(&xlsx, "county.xlsx").expect("reads");
    assert_eq!(rows.len(), 3);
    for (row, want) in rows.iter().zip(&reports) {
        assert_eq!(&row.value().expect("a report"), want, "row {}", row.row);
    }
    // Two header rows: the form's words, then the JSON path.
    if tools::have_python_module("openpyxl", "openpyxl", "the county workbook test") {
        let dir = temp("county");
        let path = dir.join("county.xlsx");
        std::fs::write(&path, &xlsx).expect("write");
        let script = "import openpyxl,sys,json\nws=openpyxl.load_workbook(sys.argv[1])['报告']\nrows=list(ws.iter_rows(values_only=True))\nprint(json.dumps([rows[0],rows[1],len(rows)],ensure_ascii=False))";
        let o = Command::new("python3")
            .args(["-c", script])
            .arg(&path)
            .output()
            .expect("python");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let got: Value = serde_json::from_slice(&o.stdout).expect("JSON");
        let words = got[0].as_array().expect("words");
        let paths = got[1].as_array().expect("paths");
        assert_eq!(got[2], 5, "two header rows and three reports");
        let k = paths
            .iter()
            .position(|p| p == "/applications/new/0")
            .expect("a figure column");
        assert_eq!(
            words[k],
            "表三「一、本年新收政府信息公开申请数量」×「自然人」"
        );
        // batch reads it, names the failing row, and renders the others.
        let out = dir.join("out");
        let o = cli(&[
            "batch",
            path.to_str().expect("p"),
            "-o",
            out.to_str().expect("p"),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(
            err.contains("county.xlsx[row 5] (甲镇人民政府): 报告!"),
            "{err}"
        );
        assert_eq!(std::fs::read_dir(&out).expect("out").count(), 2);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
