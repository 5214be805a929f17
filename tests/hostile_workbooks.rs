//! Hostile and real-world workbooks, each built here from a good one by
//! editing one part of its zip: every one is refused with a message
//! naming the part or the cell, or read as the clerk meant it, under a
//! time and memory bound, never by a crash (exit 101 or 134).

use crate::common;

use common::root;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The sheets of a report workbook, as `nianbao convert` writes them.
const BASICS: &str = "xl/worksheets/sheet1.xml";
const TABLE3: &str = "xl/worksheets/sheet4.xml";
const STRINGS: &str = "xl/sharedStrings.xml";

fn temp(name: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("nianbao-wb-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// Runs the binary under 4 GB of address space and 60 s, in English.
fn run(args: &[&str]) -> Output {
    let bin = env!("CARGO_BIN_EXE_nianbao");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4000000; exec \"$0\" \"$@\"")
        .arg(bin)
        .args(args)
        .current_dir(root())
        .env("NIANBAO_LANG", "en")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{args:?} ran over 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A good workbook of the 2021 sample.
fn good() -> Vec<u8> {
    let dir = temp("good");
    let out = dir.join("s.xlsx");
    let o = run(&[
        "convert",
        "samples/shili-2021.json",
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let bytes = std::fs::read(&out).expect("written");
    let _ = std::fs::remove_dir_all(&dir);
    bytes
}

/// The parts of a zip, in order.
fn parts(xlsx: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("entry");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("inflate");
            (f.name().to_string(), data)
        })
        .collect()
}

fn pack(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    for (name, data) in parts {
        w.start_file(name.as_str(), opts).expect("entry");
        w.write_all(data).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

/// `xlsx` with one part's text changed.
fn edit(xlsx: &[u8], part: &str, f: impl FnOnce(String) -> String) -> Vec<u8> {
    let mut all = parts(xlsx);
    let p = all.iter_mut().find(|(n, _)| n == part).expect("the part");
    p.1 = f(String::from_utf8(p.1.clone()).expect("xml")).into_bytes();
    pack(&all)
}

/// A sheet's XML with the cell at `addr` replaced by `new` (a whole `<c>`).
fn cell(xml: String, addr: &str, new: &str) -> String {
    let start = xml
        .find(&format!("<c r=\"{addr}\""))
        .unwrap_or_else(|| panic!("no cell {addr}"));
    let rest = &xml[start..];
    let open_end = rest.find('>').expect("tag end");
    let end = if rest[..open_end].ends_with('/') {
        start + open_end + 1
    } else {
        start + rest.find("</c>").expect("cell end") + 4
    };
    format!("{}{new}{}", &xml[..start], &xml[end..])
}

/// Adds cells to a sheet as a new last row.
fn append_row(xml: String, row: &str) -> String {
    xml.replace("</sheetData>", &format!("{row}</sheetData>"))
}

/// Writes `bytes` and runs `check` on it.
fn check(name: &str, bytes: &[u8]) -> Output {
    let dir = temp(name);
    let path = dir.join(format!("{name}.xlsx"));
    std::fs::write(&path, bytes).expect("write");
    let o = run(&["check", path.to_str().expect("utf-8")]);
    let _ = std::fs::remove_dir_all(&dir);
    o
}

/// `check` refuses the workbook (exit 1, no crash) saying each of `needles`.
fn refused(name: &str, bytes: &[u8], needles: &[&str]) {
    let o = check(name, bytes);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(1), "{name}: {e}");
    for n in needles {
        assert!(e.contains(n), "{name}: expected `{n}` in:\n{e}");
    }
}

#[test]
fn the_good_workbook_passes() {
    let o = check("good", &good());
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn a_shared_string_index_out_of_range_is_refused_at_its_cell() {
    let bad = edit(&good(), TABLE3, |x| {
        cell(x, "D5", r#"<c r="D5" t="s"><v>999999999</v></c>"#)
    });
    refused("sst-range", &bad, &["sheet4.xml!D5", "999999999"]);
    let neg = edit(&good(), BASICS, |x| {
        cell(x, "B2", r#"<c r="B2" t="s"><v>-1</v></c>"#)
    });
    refused("sst-negative", &neg, &["sheet1.xml!B2", "-1"]);
}

#[test]
fn a_shared_string_bad_in_a_batch_fails_alone() {
    let dir = temp("batch");
    let bad = edit(&good(), TABLE3, |x| {
        cell(x, "D5", r#"<c r="D5" t="s"><v>999999999</v></c>"#)
    });
    let wb = dir.join("bad.xlsx");
    std::fs::write(&wb, bad).expect("write");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("out");
    let o = run(&[
        "batch",
        "samples/goushi-2020.json",
        wb.to_str().expect("utf-8"),
        "samples/shili-2021.json",
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written.len(), 2, "the two good reports: {written:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_path_cell_edited_to_a_huge_index_is_refused_at_its_cell() {
    for (i, path) in [
        "/title/99999999",
        "/applications/new/99999999",
        "/title/3000000",
        "unit",
    ]
    .iter()
    .enumerate()
    {
        // C5 holds /title/0.
        let bad = edit(&good(), BASICS, |x| {
            cell(
                x,
                "C5",
                &format!(r#"<c r="C5" t="inlineStr"><is><t>{path}</t></is></c>"#),
            )
        });
        let o = check(&format!("path{i}"), &bad);
        let e = err(&o);
        assert_eq!(o.status.code(), Some(1), "{path}: {e}");
        assert!(e.contains("基本信息!C5"), "{path}: {e}");
        assert!(e.lines().count() < 20, "{path}: one error, not millions");
    }
}

#[test]
fn a_duplicated_or_missing_path_in_the_basics_is_refused() {
    // C4 holds /format; make it a second /unit.
    let dup = edit(&good(), BASICS, |x| {
        cell(
            x,
            "C4",
            r#"<c r="C4" t="inlineStr"><is><t>/unit</t></is></c>"#,
        )
    });
    refused("dup-unit", &dup, &["基本信息!C4", "/unit", "twice"]);
    let blank = edit(&good(), BASICS, |x| cell(x, "C2", r#"<c r="C2"/>"#));
    refused("no-path", &blank, &["基本信息!C2", "no JSON path"]);
}

#[test]
fn a_cell_far_outside_the_table_is_refused_quickly() {
    for (i, addr) in ["XFD1048576", "AZ1048576", "Z40"].iter().enumerate() {
        let bad = edit(&good(), TABLE3, |x| {
            append_row(
                x,
                &format!(
                    r#"<row r="{}"><c r="{addr}"><v>1</v></c></row>"#,
                    &addr[addr.find(|c: char| c.is_ascii_digit()).expect("row")..]
                ),
            )
        });
        let start = Instant::now();
        refused(&format!("far{i}"), &bad, &[addr]);
        assert!(start.elapsed() < Duration::from_secs(10), "{addr}: quick");
    }
}

#[test]
fn a_cell_beyond_excels_grid_is_refused() {
    let bad = edit(&good(), TABLE3, |x| {
        append_row(x, r#"<row r="60"><c r="XFE60"><v>1</v></c></row>"#)
    });
    refused("beyond", &bad, &["XFE60"]);
}

#[test]
fn a_shared_formula_over_a_huge_range_is_refused() {
    for (i, r) in ["J5:J99999999", "J5:J1048576"].iter().enumerate() {
        let bad = edit(&good(), TABLE3, |x| {
            cell(
                x,
                "D5",
                &format!(r#"<c r="D5"><f t="shared" ref="{r}" si="0">1+1</f><v>2</v></c>"#),
            )
        });
        refused(&format!("shared{i}"), &bad, &["sheet4.xml"]);
    }
    let si = edit(&good(), TABLE3, |x| {
        cell(
            x,
            "D5",
            r#"<c r="D5"><f t="shared" si="99999999"/><v>2</v></c>"#,
        )
    });
    refused("shared-si", &si, &["sheet4.xml!D5", "99999999"]);
}

#[test]
fn zip_bombs_are_refused_in_a_moment_naming_the_part() {
    // 200 MB of whitespace in one sheet (about 200 KB deflated).
    let spaces = edit(&good(), TABLE3, |x| {
        x.replace(
            "<sheetData>",
            &format!("<sheetData>{}", " ".repeat(200 << 20)),
        )
    });
    assert!(spaces.len() < 2 << 20, "a small file");
    let start = Instant::now();
    refused("spaces", &spaces, &["sheet4.xml", "error[limit]"]);
    assert!(start.elapsed() < Duration::from_secs(5));
    // 400,000 cells of one sheet.
    let many: String = (0..400_000)
        .map(|i| format!(r#"<c r="A{}"><v>1</v></c>"#, i % 1000 + 100))
        .collect();
    let cells = edit(&good(), TABLE3, |x| {
        append_row(x, &format!(r#"<row r="100">{many}</row>"#))
    });
    refused("cells", &cells, &["error[limit]", "cells"]);
    // One shared string longer than a cell holds.
    let long = edit(&good(), STRINGS, |x| {
        x.replacen("<si><t>", &format!("<si><t>{}", "字".repeat(40_000)), 1)
    });
    refused("long-string", &long, &["sharedStrings.xml", "32767"]);
}

#[test]
fn a_part_that_lies_about_its_size_is_caught_while_inflating() {
    let spaces = edit(&good(), TABLE3, |x| {
        x.replace(
            "<sheetData>",
            &format!("<sheetData>{}", " ".repeat(100 << 20)),
        )
    });
    // The central directory's uncompressed size (offset 24 of each
    // record) set to 1,000 for every part.
    let mut lied = spaces.clone();
    let mut i = 0;
    while i + 46 <= lied.len() {
        if lied[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
            lied[i + 24..i + 28].copy_from_slice(&1000u32.to_le_bytes());
            i += 46;
        } else {
            i += 1;
        }
    }
    let o = check("lie", &lied);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(!err(&o).contains("panicked"), "{}", err(&o));
}

#[test]
fn an_excel_date_is_read_as_the_date_it_shows() {
    // B8 holds 成文日期; style 8 (added) is numFmtId 14, Excel's date.
    let styled = |xlsx: &[u8]| {
        edit(xlsx, "xl/styles.xml", |x| {
            let x = x.replace("<cellXfs count=\"8\">", "<cellXfs count=\"9\">");
            x.replace(
                "</cellXfs>",
                r#"<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>"#,
            )
        })
    };
    let dated = edit(&styled(&good()), BASICS, |x| {
        cell(x, "B8", r#"<c r="B8" s="8"><v>44581</v></c>"#)
    });
    let o = check("date1900", &dated);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let dir = temp("date-pdf");
    let wb = dir.join("d.xlsx");
    let json = dir.join("d.json");
    std::fs::write(&wb, &dated).expect("write");
    let o = run(&[
        "convert",
        wb.to_str().expect("p"),
        "-o",
        json.to_str().expect("p"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("json")).expect("parse");
    assert_eq!(v["signature"]["date"], "2022-01-20");
    if common::tools::have("pdftotext", &["-v"], "poppler-utils", "the date in the PDF") {
        let pdf = dir.join("d.pdf");
        let o = run(&[
            "render",
            wb.to_str().expect("p"),
            "-o",
            pdf.to_str().expect("p"),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        let text = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext");
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("2022年1月20日"), "the date printed: {text}");
        assert!(!text.contains("44581"));
    }
    // The 1904 date system: the same day is serial 43119.
    let b1904 = edit(&styled(&good()), "xl/workbook.xml", |x| {
        x.replace("<workbookPr ", "<workbookPr date1904=\"1\" ")
    });
    let b1904 = edit(&b1904, BASICS, |x| {
        cell(x, "B8", r#"<c r="B8" s="8"><v>43119</v></c>"#)
    });
    std::fs::write(&wb, &b1904).expect("write");
    let o = run(&[
        "convert",
        wb.to_str().expect("p"),
        "-o",
        json.to_str().expect("p"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("json")).expect("parse");
    assert_eq!(v["signature"]["date"], "2022-01-20");
    // A bare number (no date format) is refused, not printed.
    let bare = edit(&good(), BASICS, |x| {
        cell(x, "B8", r#"<c r="B8"><v>44581</v></c>"#)
    });
    refused("bare-date", &bare, &["基本信息!B8", "44581"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn values_a_cell_cannot_mean_are_refused_at_the_cell() {
    let cases = [
        (BASICS, "B2", r#"<c r="B2" t="e"><v>#REF!</v></c>"#, "#REF!"),
        (
            BASICS,
            "B2",
            r#"<c r="B2" t="e"><v>#NAME?</v></c>"#,
            "#NAME?",
        ),
        (BASICS, "B3", r#"<c r="B3"><v>2021.7</v></c>"#, "2021.7"),
        (TABLE3, "D5", r#"<c r="D5" t="b"><v>1</v></c>"#, "TRUE"),
        (TABLE3, "D5", r#"<c r="D5"><v>1e999</v></c>"#, "D5"),
        (TABLE3, "D5", r#"<c r="D5"><v>NaN</v></c>"#, "D5"),
        (TABLE3, "D5", r#"<c r="D5"><v>2.5</v></c>"#, "2.5"),
        (
            TABLE3,
            "D5",
            r#"<c r="D5" t="e"><v>#DIV/0!</v></c>"#,
            "#DIV/0!",
        ),
        (TABLE3, "D5", r#"<c r="D5" t="e"><v>#N/A</v></c>"#, "#N/A"),
    ];
    for (i, (part, addr, new, needle)) in cases.iter().enumerate() {
        let bad = edit(&good(), part, |x| cell(x, addr, new));
        let sheet = if *part == BASICS {
            "基本信息"
        } else {
            "三、收到"
        };
        let o = check(&format!("value{i}"), &bad);
        let e = err(&o);
        assert_eq!(o.status.code(), Some(1), "{new}: {e}");
        assert!(
            e.contains(needle) && e.contains(sheet) && e.contains(addr),
            "{new}: {e}"
        );
    }
}

#[test]
fn an_old_xls_file_is_named_as_one() {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(std::iter::repeat_n(0u8, 4096));
    refused("xls", &ole, &[".xls"]);
}

/// A county workbook of the two samples.
fn county() -> Vec<u8> {
    let dir = temp("county-src");
    let arr = dir.join("all.json");
    let both = format!(
        "[{},{}]",
        serde_json::to_string(&common::goushi()).expect("json"),
        serde_json::to_string(&common::shili()).expect("json")
    );
    std::fs::write(&arr, both).expect("write");
    let out = dir.join("county.xlsx");
    let o = run(&[
        "convert",
        arr.to_str().expect("p"),
        "-o",
        out.to_str().expect("p"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let bytes = std::fs::read(&out).expect("county");
    let _ = std::fs::remove_dir_all(&dir);
    bytes
}

fn batch(name: &str, xlsx: &[u8]) -> Output {
    let dir = temp(name);
    let wb = dir.join("county.xlsx");
    std::fs::write(&wb, xlsx).expect("write");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("out");
    let o = run(&[
        "batch",
        wb.to_str().expect("p"),
        "-o",
        out.to_str().expect("p"),
        "-f",
        "html",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    o
}

#[test]
fn a_county_workbook_with_endless_rows_is_refused_by_its_row_limit() {
    let rows: String = (3..200_003)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>1</v></c></row>"#))
        .collect();
    let bad = edit(&county(), "xl/worksheets/sheet1.xml", |x| {
        x.replace("</sheetData>", &format!("{rows}</sheetData>"))
    });
    let start = Instant::now();
    let o = batch("endless", &bad);
    assert_ne!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).contains("rows"), "{}", err(&o));
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_county_path_row_emptied_or_doubled_is_refused_at_its_cell() {
    let wb = county();
    let xml = parts(&wb)
        .into_iter()
        .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
        .map(|(_, d)| String::from_utf8(d).expect("xml"))
        .expect("sheet");
    // Column L is the first figure column; M the second.
    assert!(xml.contains(r#"<c r="L2""#) && xml.contains(r#"<c r="M2""#));
    let emptied = edit(&wb, "xl/worksheets/sheet1.xml", |x| {
        cell(x, "L2", r#"<c r="L2"/>"#)
    });
    let o = batch("emptied", &emptied);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("报告!L"), "{}", err(&o));
    let l2 = xml[xml.find(r#"<c r="L2""#).expect("L2")..].to_string();
    let l2 = &l2[..l2.find("</c>").expect("end") + 4];
    let doubled = edit(&wb, "xl/worksheets/sheet1.xml", |x| {
        cell(x, "M2", &l2.replace("L2", "M2"))
    });
    let o = batch("doubled", &doubled);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("报告!M2"), "{}", err(&o));
}
