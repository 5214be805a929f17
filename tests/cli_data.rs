//! The `check`, `schema` and `init` commands as a user runs them: exit
//! codes, messages on stderr, and the schema validating real files.

use crate::common;

use common::{goushi, root, set};
use serde_json::{json, Value};
use std::process::Output;

fn nianbao(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::cli(args, stdin.unwrap_or_default())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("writes");
    path
}

#[test]
fn check_accepts_the_samples() {
    let out = nianbao(
        &[
            "check",
            "samples/goushi-2020.json",
            "samples/shili-2021.json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The 缑氏镇 report as published has no 署名: a warning, not an error.
    assert!(text(&out.stdout).contains("samples/goushi-2020.json: ok, 1 warning"));
    assert!(text(&out.stdout).contains("samples/shili-2021.json: ok\n"));
    assert!(
        !text(&out.stderr).contains("error"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_refuses_a_bad_total_with_its_path_and_goes_on() {
    let mut v = goushi();
    set(&mut v, "/applications/total/0", json!(20));
    let bad = temp_file("bad-total.json", v.to_string().as_bytes());
    let bad = bad.to_str().expect("utf-8 path");
    let out = nianbao(&["check", bad, "samples/shili-2021.json"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("表三「（七）总计」×「自然人」: error[check-result-total]: （七）总计 (自然人) is 20, but the results （一）–（六） add up to 1"), "{err}");
    assert!(
        text(&out.stdout).contains("samples/shili-2021.json: ok"),
        "the next file is still checked"
    );
}

#[test]
fn check_refuses_gbk_naming_the_encoding() {
    let utf8 = std::fs::read_to_string(root().join("samples/goushi-2020.json")).expect("sample");
    let (gbk, _, _) = encoding_rs::GBK.encode(&utf8);
    let path = temp_file("gbk.json", &gbk);
    let out = nianbao(&["check", path.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("error[encoding]") && err.contains("GBK"),
        "{err}"
    );
}

#[test]
fn check_reports_json_syntax_with_line_and_column() {
    let out = nianbao(
        &["check", "-"],
        Some(b"{\n  \"unit\": \"x\",\n  \"year\" 2020\n}"),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.starts_with("<stdin>:3:10: error[json-syntax]"), "{err}");
}

#[test]
fn check_of_a_missing_file_is_an_io_error_exit_2() {
    let out = nianbao(&["check", "no/such/file.json"], None);
    assert_eq!(out.status.code(), Some(2));
    // Said as batch says it.
    assert!(
        text(&out.stderr).contains("error[io]: cannot read no/such/file.json"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(nianbao(&["check"], None).status.code(), Some(2));
    assert_eq!(nianbao(&["frobnicate"], None).status.code(), Some(2));
    assert_eq!(
        nianbao(&["init", "--format", "2020"], None).status.code(),
        Some(2)
    );
}

#[test]
fn json_error_format_is_one_object_per_line() {
    let mut v = goushi();
    set(&mut v, "/applications/new", json!([1, 2]));
    set(&mut v, "/aplications", json!({}));
    let out = nianbao(
        &["check", "--error-format", "json", "-"],
        Some(v.to_string().as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = text(&out.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["code"], "shape");
    assert_eq!(lines[0]["location"]["pointer"], "/applications/new");
    assert_eq!(lines[0]["input"], "<stdin>");
    assert_eq!(lines[1]["hint"], "did you mean `applications`?");
}

#[test]
fn init_output_passes_check_for_both_formats() {
    for format in ["2019", "2021"] {
        let init = nianbao(
            &[
                "init",
                "--format",
                format,
                "--unit",
                "示例镇人民政府",
                "--year",
                "2021",
            ],
            None,
        );
        assert_eq!(init.status.code(), Some(0));
        let v: Value = serde_json::from_slice(&init.stdout).expect("init prints JSON");
        assert_eq!(v["format"], format);
        let check = nianbao(&["check", "-"], Some(&init.stdout));
        assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    }
}

#[test]
fn help_shows_a_real_example() {
    for cmd in ["check", "schema", "init"] {
        let out = nianbao(&[cmd, "--help"], None);
        assert!(
            text(&out.stdout).contains("nianbao "),
            "{cmd} --help has an example"
        );
    }
}

fn validator() -> jsonschema::Validator {
    let out = nianbao(&["schema"], None);
    assert_eq!(out.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&out.stdout).expect("schema is JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::draft202012::new(&schema).expect("a valid schema")
}

#[test]
fn schema_validates_the_samples_and_init_output() {
    let v = validator();
    for name in ["goushi-2020.json", "shili-2021.json"] {
        let data = common::sample(name);
        let errors: Vec<String> = v.iter_errors(&data).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    for format in ["2019", "2021"] {
        let init = nianbao(&["init", "--format", format], None);
        let data: Value = serde_json::from_slice(&init.stdout).expect("JSON");
        assert!(v.is_valid(&data), "init --format {format}");
    }
}

#[test]
fn schema_refuses_wrong_shapes() {
    let v = validator();
    let mut bad = goushi();
    set(&mut bad, "/applications/new", json!([1, 2, 3]));
    assert!(!v.is_valid(&bad), "a short row");
    let mut bad = goushi();
    set(&mut bad, "/applications/granted/0", json!(-1));
    assert!(!v.is_valid(&bad), "a negative count");
    let mut bad = goushi();
    set(&mut bad, "/aplications", json!({}));
    assert!(!v.is_valid(&bad), "an unknown key");
}

#[test]
fn render_writes_html_and_refuses_bad_figures_without_writing() {
    let dir = std::env::temp_dir().join(format!("nianbao-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let out_path = dir.join("g.html");
    let out = nianbao(
        &[
            "render",
            "samples/goushi-2020.json",
            "-o",
            out_path.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(&out_path).expect("written");
    assert!(html.contains("缑氏镇人民政府2020年政府信息公开工作年度报告"));

    let mut v = goushi();
    set(&mut v, "/applications/total/0", json!(20));
    let bad_path = dir.join("bad.html");
    let out = nianbao(
        &["render", "-", "-o", bad_path.to_str().expect("utf-8")],
        Some(v.to_string().as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    assert!(!bad_path.exists(), "nothing written");
    let out = nianbao(
        &[
            "render",
            "-",
            "--force",
            "-o",
            bad_path.to_str().expect("utf-8"),
        ],
        Some(v.to_string().as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(bad_path.exists());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn render_stdin_to_stdout_prints_only_the_document() {
    let data = std::fs::read(root().join("samples/shili-2021.json")).expect("sample");
    let out = nianbao(&["render", "-", "-f", "html"], Some(&data));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("<!DOCTYPE html>"));
}

#[test]
fn render_into_a_missing_directory_is_an_io_error() {
    let out = nianbao(
        &[
            "render",
            "samples/goushi-2020.json",
            "-o",
            "/nonexistent-dir/x.html",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("error[output]: the output directory `/nonexistent-dir` does not exist")
            && text(&out.stderr).contains("mkdir -p /nonexistent-dir"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn templates_list_and_export() {
    let out = nianbao(&["templates", "list"], None);
    assert!(text(&out.stdout).starts_with("annual-report\t"));
    let dir = std::env::temp_dir().join(format!("nianbao-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = nianbao(
        &[
            "templates",
            "export",
            "annual-report",
            dir.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.join("partials/section3.hbs").exists());
    let out = nianbao(
        &[
            "render",
            "samples/goushi-2020.json",
            "--template",
            dir.to_str().expect("utf-8"),
            "-o",
            "-",
            "-f",
            "html",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn render_errors_as_json_lines() {
    let mut v = goushi();
    set(&mut v, "/applications/total/0", json!(20));
    let out = nianbao(
        &["render", "-", "-o", "-", "--error-format", "json"],
        Some(v.to_string().as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing on stdout when refused");
    let lines: Vec<Value> = text(&out.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON per line"))
        .collect();
    assert!(lines.iter().any(|l| l["code"] == "check-result-total"
        && l["location"]["pointer"] == "/applications/total/0"));
}

#[test]
fn pdf_through_stdin_and_stdout_and_the_same_bytes_in_two_processes() {
    let data = std::fs::read(root().join("samples/goushi-2020.json")).expect("sample");
    for format in ["pdf", "docx", "html", "ofd"] {
        let a = nianbao(&["render", "-q", "-", "-f", format, "-o", "-"], Some(&data));
        let b = nianbao(&["render", "-q", "-", "-f", format, "-o", "-"], Some(&data));
        assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
        assert!(
            a.stderr.is_empty(),
            "nothing but the document: {}",
            text(&a.stderr)
        );
        assert!(
            !a.stdout.is_empty() && a.stdout == b.stdout,
            "{format}: identical bytes across processes"
        );
    }
}

/// Renders the seed with `tpl` and `extra` options into `dir/out.pdf`;
/// returns the names of the fonts embedded.
fn embedded_fonts(dir: &std::path::Path, tpl: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let pdf = dir.join("out.pdf");
    let mut args = vec![
        "render",
        "samples/goushi-2020.json",
        "--template",
        tpl.to_str().expect("utf-8"),
        "-o",
        pdf.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    let out = nianbao(&args, None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc = lopdf::Document::load_mem(&std::fs::read(&pdf).expect("written")).expect("a PDF");
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter_map(|d| d.get(b"FontName").and_then(|n| n.as_name()).ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect()
}

#[test]
fn font_dir_fonts_come_first() {
    // A stylesheet whose body font exists only in --font-dir, by file stem.
    let dir = std::env::temp_dir().join(format!("nianbao-fontdir-{}", std::process::id()));
    let tpl = common::template_with_fang_chain(&dir, r#"["MyOfficeFang", "Noto Serif SC"]"#);
    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts).expect("dir");
    std::fs::copy(
        root().join("fonts/FandolKai-Regular.otf"),
        fonts.join("MyOfficeFang.otf"),
    )
    .expect("copy");
    let names = embedded_fonts(&dir, &tpl, &["--font-dir", fonts.to_str().expect("utf-8")]);
    assert!(
        !names.iter().any(|n| n.contains("FandolFang")),
        "the body font came from --font-dir: {names:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--no-system-fonts` leaves installed fonts out: a stylesheet naming an
/// installed family (DejaVu Serif, which LibreOffice brings) before the
/// bundled 仿宋 draws digits with it by default, and never with the flag.
#[test]
fn no_system_fonts_uses_only_the_bundled_ones() {
    if !common::have_dejavu() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("nianbao-nosys-{}", std::process::id()));
    let tpl = common::template_with_fang_chain(
        &dir,
        r#"["DejaVu Serif", "FandolFang", "Noto Serif SC"]"#,
    );
    let with = embedded_fonts(&dir, &tpl, &[]);
    assert!(with.iter().any(|n| n.ends_with("+DejaVuSerif")), "{with:?}");
    let without = embedded_fonts(&dir, &tpl, &["--no-system-fonts"]);
    assert!(!without.iter().any(|n| n.contains("DejaVu")), "{without:?}");
    assert!(without.iter().any(|n| n.ends_with("+FandolFang-Regular")));
    let _ = std::fs::remove_dir_all(&dir);
}

fn convert_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-convert-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn p(path: &std::path::Path) -> &str {
    path.to_str().expect("utf-8")
}

#[test]
fn convert_writes_what_the_output_extension_names() {
    let dir = convert_dir("ext");
    let (book, again, json) = (dir.join("a.xlsx"), dir.join("b.xlsx"), dir.join("c.json"));
    let o = nianbao(
        &["convert", "samples/goushi-2020.json", "-o", p(&book)],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // A workbook to .xlsx is a workbook again, to .json JSON.
    let o = nianbao(&["convert", p(&book), "-o", p(&again)], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(nianbao::sheet::is_xlsx(
        &std::fs::read(&again).expect("written")
    ));
    let o = nianbao(&["convert", p(&again), "-o", p(&json)], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let back: Value = serde_json::from_slice(&std::fs::read(&json).expect("json")).expect("JSON");
    assert_eq!(back["unit"], goushi()["unit"]);
    // A document format is render's; an unknown one is refused; nothing written.
    let before = std::fs::read(&book).expect("book");
    for (out, hint) in [
        ("x.pdf", "nianbao render"),
        ("x.ofd", "nianbao render"),
        ("x.txt", ".xlsx"),
    ] {
        let target = dir.join(out);
        let o = nianbao(&["convert", p(&book), "-o", p(&target)], None);
        assert_eq!(o.status.code(), Some(2), "{out}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains("error[output]"),
            "{}",
            text(&o.stderr)
        );
        assert!(text(&o.stderr).contains(hint), "{out}: {}", text(&o.stderr));
        assert!(!target.exists(), "{out} was not written");
    }
    // The input itself, by another name, is never the output.
    let o = nianbao(
        &["convert", p(&book), "-o", p(&dir.join(".").join("a.xlsx"))],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert_eq!(std::fs::read(&book).expect("book"), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_county_convert_that_converts_nothing_leaves_the_workbook() {
    let dir = convert_dir("county");
    let reports = json!([goushi(), common::shili()]);
    let arr = dir.join("all.json");
    std::fs::write(&arr, reports.to_string()).expect("write");
    let county = dir.join("county.xlsx");
    let o = nianbao(&["convert", p(&arr), "-o", p(&county)], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let good = std::fs::read(&county).expect("county");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "[1, {\"unit\": 2}]").expect("write");
    let o = nianbao(&["convert", p(&bad), "-o", p(&county)], None);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("was not written"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(std::fs::read(&county).expect("county"), good, "untouched");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn convert_reads_a_fifo_once() {
    let dir = convert_dir("fifo");
    let sample = std::fs::read(root().join("samples/goushi-2020.json")).expect("sample");
    let array = json!([goushi(), common::shili()]).to_string().into_bytes();
    for (name, bytes, rows) in [("one", sample, None), ("many", array, Some(2))] {
        let fifo = dir.join(name);
        if !common::mkfifo(&fifo) {
            return;
        }
        let writer = common::feed_fifo(&fifo, bytes);
        let out = dir.join(format!("{name}.xlsx"));
        let o = nianbao(&["convert", p(&fifo), "-o", p(&out)], None);
        writer.join().expect("writer");
        assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o.stderr));
        let book = std::fs::read(&out).expect("written");
        assert_eq!(
            nianbao::sheet::county::is_county(&book),
            rows.is_some(),
            "{name}"
        );
        let back = dir.join(format!("{name}.json"));
        let o = nianbao(&["convert", p(&out), "-o", p(&back)], None);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o.stderr));
        let v: Value = serde_json::from_slice(&std::fs::read(&back).expect("json")).expect("JSON");
        match rows {
            Some(n) => assert_eq!(v.as_array().map(Vec::len), Some(n), "{name}: every report"),
            None => assert_eq!(v["unit"], goushi()["unit"]),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `check` reads what `batch` reads: a JSON Lines file is a report a line,
/// each named by its line's index, one bad report failing alone.
#[test]
fn check_reads_json_lines_as_batch_does() {
    let good = goushi();
    let mut bad = goushi();
    set(&mut bad, "/applications/new", json!([1, 2]));
    let lines = format!("{good}\n{bad}\n");
    let path = temp_file("check-lines.jsonl", lines.as_bytes());
    let shown = path.display().to_string();
    let out = nianbao(&["check", &shown], None);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stdout);
    assert!(said.contains(&format!("{shown}[#0]: ok")), "{said}");
    assert!(said.contains(&format!("{shown}[#1]: invalid")), "{said}");
    let err = text(&out.stderr);
    let errors: Vec<&str> = err.lines().filter(|l| l.contains("error[")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(errors[0].starts_with(&format!("{shown}[#1]: ")), "{err}");
}

/// A workbook through a pipe is read as the file would be; data that does
/// not parse still gets its verdict line.
#[test]
fn check_reads_a_workbook_on_stdin_and_says_invalid_for_bad_json() {
    let xlsx = temp_file("check-stdin.xlsx", b"");
    let sample = root().join("samples/shili-2021.json");
    let made = nianbao(
        &[
            "convert",
            sample.to_str().expect("utf-8"),
            "-o",
            xlsx.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(made.status.code(), Some(0), "{}", text(&made.stderr));
    let bytes = std::fs::read(&xlsx).expect("workbook");
    let out = nianbao(&["check", "-"], Some(&bytes));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("<stdin>: ok"),
        "{}",
        text(&out.stdout)
    );
    let out = nianbao(&["check", "-"], Some(b"{\"unit\": ,}"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).starts_with("<stdin>: invalid, 1 error"),
        "{}",
        text(&out.stdout)
    );
}

/// A folder named by mistake (no data file in it) is said, for check and
/// batch alike, not passed as a run of no reports that all went well.
#[test]
fn a_directory_without_reports_is_said_not_passed() {
    let dir = std::env::temp_dir().join(format!("nianbao-cli-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("readme.txt"), "not a report").expect("write");
    let shown = dir.display().to_string();
    let out = nianbao(&["check", &shown], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("holds no data file"),
        "{}",
        text(&out.stderr)
    );
    let outdir = dir.join("out");
    let out = nianbao(
        &["batch", &shown, "-o", outdir.to_str().expect("utf-8")],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("holds no data file"),
        "{}",
        text(&out.stderr)
    );
    // A report named in capitals, as Windows may name it, is one.
    std::fs::write(dir.join("REPORT.JSON"), goushi().to_string()).expect("write");
    let out = nianbao(&["check", &shown], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("REPORT.JSON: ok"),
        "{}",
        text(&out.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
