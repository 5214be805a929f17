//! A catalogue of bad inputs, each with its outcome: a non-zero exit, a
//! message naming the place, and no output file (or the old one intact).
//! Nothing may panic, hang or overflow the stack.

use crate::common;

use common::{goushi, root, set, shili};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str], stdin: &[u8]) -> Output {
    common::cli(args, stdin)
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8")
}

/// Renders `input` to a PDF in a fresh directory; asserts the exit code,
/// that stderr holds `needle` (with --verbose, so a JSON pointer shows
/// beside the form's words), and that no file was left.
fn refused(name: &str, input: &[u8], code: i32, needle: &str) {
    let dir = temp(name);
    let out = dir.join("out.pdf");
    let o = run(&["render", "--verbose", "-", "-o", s(&out)], input);
    assert_eq!(o.status.code(), Some(code), "{name}: {}", err(&o));
    assert!(
        err(&o).contains(needle),
        "{name}: expected `{needle}` in:\n{}",
        err(&o)
    );
    let left: Vec<_> = std::fs::read_dir(&dir).expect("list").collect();
    assert!(
        left.is_empty(),
        "{name}: nothing written, no temporary file left"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn malformed_and_truncated_json() {
    let full = goushi().to_string();
    refused(
        "truncated",
        &full.as_bytes()[..full.len() / 2],
        1,
        "error[json-syntax]",
    );
    refused("garbage", b"\x00\x01 not json", 1, "error[");
    refused("empty", b"", 1, "is empty");
    refused(
        "trailing",
        format!("{full} {{}}").as_bytes(),
        1,
        "trailing characters",
    );
}

#[test]
fn wrong_encodings() {
    let text = std::fs::read_to_string(root().join("samples/goushi-2020.json")).expect("sample");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    refused("gbk", &gbk, 1, "GBK");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    refused("utf16", &utf16, 1, "UTF-16");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    refused("deep", deep.as_bytes(), 1, "recursion limit");
    let mut v = goushi();
    set(
        &mut v,
        "/labels",
        json!({"规章": {"a": {"b": {"c": [[[[[]]]]]}}}}),
    );
    refused("nested-label", v.to_string().as_bytes(), 1, "/labels/规章");
}

#[test]
fn numbers_beyond_range_and_wrong_types() {
    let mut v = goushi();
    set(
        &mut v,
        "/applications/new/0",
        json!(18446744073709551616.0_f64),
    );
    refused("huge", v.to_string().as_bytes(), 1, "/applications/new/0");
    let text = goushi()
        .to_string()
        .replacen("\"year\":2020", "\"year\":1e400", 1);
    refused("overflow", text.as_bytes(), 1, "error[");
}

#[test]
fn control_characters_are_refused_with_the_path() {
    let mut v = goushi();
    set(&mut v, "/problems/0", json!("正文\u{0007}响铃"));
    refused(
        "bell",
        v.to_string().as_bytes(),
        1,
        "/problems/0 「五、存在的主要问题及改进情况」第 1 段: error[shape]: control character U+0007",
    );
}

#[test]
fn a_huge_paragraph_is_refused_with_the_limit() {
    let mut v = goushi();
    set(&mut v, "/overview/0", json!("字".repeat(3_500_000)));
    refused("10mb", v.to_string().as_bytes(), 1, "the limit is 100000");
}

#[test]
fn too_many_paragraphs_are_refused_with_the_limit() {
    let mut v = goushi();
    set(&mut v, "/problems", json!(vec!["一段。"; 100_000]));
    refused(
        "100k",
        v.to_string().as_bytes(),
        1,
        "the limit is 10000 a section",
    );
}

#[test]
fn a_long_report_within_the_limits_renders() {
    let mut v = goushi();
    set(
        &mut v,
        "/problems",
        json!(vec![
                "我镇将进一步完善政务公开工作相关机制，强化业务人员的工作能力培训。";
                2_000
            ]),
    );
    let o = run(
        &["render", "-", "-f", "pdf", "-o", "-"],
        v.to_string().as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let doc = lopdf::Document::load_mem(&o.stdout).expect("a PDF");
    assert!(doc.get_pages().len() > 100);
}

/// A bundle for any JSON whose table has a row per item.
fn table_bundle(dir: &Path) {
    let style =
        std::fs::read_to_string(root().join("templates/annual-report/style.toml")).expect("style");
    std::fs::write(dir.join("style.toml"), style).expect("write");
    std::fs::write(
        dir.join("template.toml"),
        "name = \"rows\"\ndata = \"any\"\nentry = \"main.hbs\"\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("main.hbs"),
        "<document><title>长表</title><table><col width=\"1\"/><col width=\"3\"/><thead><tr><td>序号</td><td>内容</td></tr></thead>\n{{#each rows}}<tr><td>{{@index}}</td><td>{{this}}</td></tr>\n{{/each}}</table></document>",
    )
    .expect("write");
}

#[test]
fn a_table_of_ten_thousand_rows_paginates() {
    let dir = temp("rows");
    table_bundle(&dir);
    let rows: Vec<String> = (0..10_000).map(|i| format!("第{i}行")).collect();
    let data = json!({ "rows": rows }).to_string();
    let o = run(
        &["render", "-", "--template", s(&dir), "-f", "pdf", "-o", "-"],
        data.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let doc = lopdf::Document::load_mem(&o.stdout).expect("a PDF");
    assert!(
        doc.get_pages().len() > 200,
        "{} pages",
        doc.get_pages().len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unbreakable_runs_are_force_broken_inside_the_margins_and_cells() {
    let engine = common::engine();
    let mut v = goushi();
    let long = "x".repeat(300);
    set(&mut v, "/overview/0", json!(long));
    set(&mut v, "/labels", json!({"规章": "y".repeat(200)}));
    let (doc, _) = engine
        .document(&v, nianbao::RenderOptions::default())
        .expect("document");
    let laid = engine.layout(&doc).expect("layout");
    let right = (28.0 + 156.0) / 25.4 * 72.0;
    for page in &laid.pages {
        for item in &page.items {
            if let nianbao::layout::Item::Text(t) = item {
                for g in &t.glyphs {
                    // A closing mark may hang half its width (its ink is in
                    // the left half): clreq line-end compression.
                    let hang = if nianbao::text::COMPRESSIBLE_AT_END.contains(g.c) {
                        t.size.to_pt() / 2.0
                    } else {
                        0.5
                    };
                    assert!(
                        (g.x + g.advance).to_pt() <= right + hang,
                        "never drawn past the margin: {}",
                        g.c
                    );
                }
            }
        }
    }
}

#[test]
fn hostile_text_prints_literally_in_every_format() {
    let hostile = "<w:p>&amp;</w:p><script>x</script>]]>{{unit}}";
    let mut v = shili();
    set(&mut v, "/other_matters/0", json!(hostile));
    let engine = common::engine();
    let opts = nianbao::RenderOptions::default();
    let html = engine
        .render(&v, nianbao::OutputFormat::Html, opts)
        .expect("html")
        .bytes;
    let html = String::from_utf8(html).expect("utf-8");
    assert!(
        !html.contains("<script>") && html.contains("&lt;script&gt;x&lt;/script&gt;]]&gt;{{unit}}")
    );
    let docx = engine
        .render(&v, nianbao::OutputFormat::Docx, opts)
        .expect("docx")
        .bytes;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").expect("part"),
        &mut xml,
    )
    .expect("read");
    let parsed = roxmltree::Document::parse(&xml).expect("still well-formed XML");
    let text: String = parsed
        .descendants()
        .filter(|n| n.has_tag_name("t"))
        .filter_map(|n| n.text())
        .collect();
    assert!(text.contains(hostile), "the DOCX holds the text itself");
    let (doc, _) = engine.document(&v, opts).expect("document");
    let laid = engine.layout(&doc).expect("layout");
    let drawn: String = laid
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| {
            if let nianbao::layout::Item::Text(t) = i {
                Some(t.glyphs.iter().map(|g| g.c).collect::<String>())
            } else {
                None
            }
        })
        .collect();
    assert!(
        drawn.contains("<w:p>&amp;</w:p><script>x</script>]]>{{unit}}"),
        "the PDF draws it"
    );
}

#[test]
fn template_mistakes_and_self_including_partials() {
    let dir = temp("tpl");
    table_bundle(&dir);
    std::fs::write(dir.join("main.hbs"), "<document>{{> main.hbs}}</document>").expect("write");
    let o = run(
        &[
            "render",
            "-",
            "--template",
            s(&dir),
            "-f",
            "html",
            "-o",
            "-",
        ],
        b"{}",
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("cycle"), "{}", err(&o));
    std::fs::write(dir.join("main.hbs"), "<document>{{#each rows}}</document>").expect("write");
    let o = run(
        &[
            "render",
            "-",
            "--template",
            s(&dir),
            "-f",
            "html",
            "-o",
            "-",
        ],
        b"{\"rows\": []}",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("main.hbs:1:"), "{}", err(&o));
    let o = run(
        &["render", "-", "--template", "/no/such/template", "-o", "-"],
        b"{}",
    );
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_or_broken_font() {
    let o = run(
        &[
            "render",
            "samples/goushi-2020.json",
            "--font-dir",
            "/no/such/fonts",
            "-o",
            "-",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("--font-dir /no/such/fonts: not a directory"));
    let dir = temp("badfont");
    std::fs::write(dir.join("仿宋_GB2312.ttf"), b"not a font at all").expect("write");
    let o = run(
        &[
            "render",
            "samples/goushi-2020.json",
            "--font-dir",
            s(&dir),
            "-f",
            "pdf",
            "-o",
            "-",
        ],
        b"",
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "an unreadable font is passed over: {}",
        err(&o)
    );
    assert!(
        err(&o).contains("warning[font]")
            && err(&o).contains("仿宋_GB2312.ttf is not a readable font"),
        "and named: {}",
        err(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unwritable_outputs_fail_cleanly() {
    let o = run(
        &[
            "render",
            "samples/goushi-2020.json",
            "-o",
            "/proc/nianbao-test.pdf",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(
        err(&o).contains("error[io]: cannot write /proc/nianbao-test.pdf"),
        "{}",
        err(&o)
    );
    // A full disk: standard output on /dev/full.
    if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
        let o = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            // These tests read the English messages; the Chinese ones have their own.
            .env("NIANBAO_LANG", "en")
            .args(["render", "samples/goushi-2020.json", "-f", "pdf", "-o", "-"])
            .current_dir(root())
            .stdout(full)
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(2));
        assert!(
            err(&o).contains("cannot write to standard output: no space left on device"),
            "{}",
            err(&o)
        );
    }
}

#[test]
fn a_failed_render_never_replaces_a_good_file() {
    let dir = temp("keep");
    let out = dir.join("report.pdf");
    let good = run(&["render", "samples/goushi-2020.json", "-o", s(&out)], b"");
    assert_eq!(good.status.code(), Some(0));
    let before = std::fs::read(&out).expect("written");
    let mut bad: Value = goushi();
    set(&mut bad, "/applications/total/0", json!(99));
    let o = run(&["render", "-", "-o", s(&out)], bad.to_string().as_bytes());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        std::fs::read(&out).expect("still there"),
        before,
        "the good file is untouched"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn device_outputs_are_written_through_and_stay_devices() {
    if !common::is_char_device("/dev/null") || !common::is_char_device("/dev/full") {
        assert!(!common::tools::in_ci(), "/dev/null and /dev/full exist");
        return;
    }
    let dir = temp("devices");
    let sample = "samples/goushi-2020.json";
    for args in [
        vec!["render", sample, "-o", "/dev/null", "-f", "pdf"],
        vec!["convert", sample, "-o", "/dev/null"],
        vec!["batch", sample, "-o", s(&dir), "--summary", "/dev/null"],
    ] {
        let o = run(&args, b"");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
        assert!(
            common::is_char_device("/dev/null"),
            "{args:?} replaced /dev/null"
        );
    }
    for args in [
        vec!["render", sample, "-o", "/dev/full", "-f", "pdf"],
        vec!["convert", sample, "-o", "/dev/full"],
        vec!["init", "-o", "/dev/full"],
        vec!["batch", sample, "-o", s(&dir), "--summary", "/dev/full"],
    ] {
        let o = run(&args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(
            err(&o).contains("cannot write /dev/full: no space left on device"),
            "{args:?}: {}",
            err(&o)
        );
        assert!(
            common::is_char_device("/dev/full"),
            "{args:?} replaced /dev/full"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_fifo_output_gets_the_document_and_stays_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let dir = temp("fifo-out");
    let fifo = dir.join("report.pdf");
    if !common::mkfifo(&fifo) {
        return;
    }
    let reader = common::drain_fifo(&fifo);
    let o = run(&["render", "samples/goushi-2020.json", "-o", s(&fifo)], b"");
    let got = reader.join().expect("reader");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(got.starts_with(b"%PDF-"), "the reader got the PDF");
    common::assert_pdf(&got);
    let kind = std::fs::symlink_metadata(&fifo).expect("meta").file_type();
    assert!(kind.is_fifo(), "the FIFO is still a FIFO");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A copy of a bundled font whose `cmap` table is zeroed, found through
/// the table directory (OpenType: numTables at 4, 16-byte records from 12).
fn font_without_cmap(bundled: &str) -> Vec<u8> {
    let mut b = std::fs::read(root().join("fonts").join(bundled)).expect("bundled font");
    let tables = usize::from(u16::from_be_bytes([b[4], b[5]]));
    let be32 = |b: &[u8], at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let record = (0..tables)
        .map(|i| 12 + 16 * i)
        .find(|&r| &b[r..r + 4] == b"cmap")
        .expect("a cmap table");
    let (offset, length) = (
        be32(&b, record + 8) as usize,
        be32(&b, record + 12) as usize,
    );
    b[offset..offset + length].fill(0);
    b
}

#[test]
fn a_broken_font_dir_face_is_named_and_never_shadows_the_bundled_one() {
    let dir = temp("cmap");
    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts).expect("dir");
    let broken = fonts.join("FandolFang-Regular.otf");
    std::fs::write(&broken, font_without_cmap("FandolFang-Regular.otf")).expect("write");
    let (good, with) = (dir.join("good.pdf"), dir.join("with.pdf"));
    let sample = "samples/goushi-2020.json";
    let o = run(
        &["render", sample, "--no-system-fonts", "-o", s(&good)],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = run(
        &[
            "render",
            sample,
            "--no-system-fonts",
            "--font-dir",
            s(&fonts),
            "-o",
            s(&with),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        err(&o).contains(&format!(
            "warning[font]: the font file {}",
            broken.display()
        )) && err(&o).contains("character map (cmap)"),
        "{}",
        err(&o)
    );
    // The bundled 仿宋 drew the body, exactly as without --font-dir.
    let bytes = std::fs::read(&with).expect("written");
    assert!(
        bytes == std::fs::read(&good).expect("written"),
        "the same PDF as the bundled fonts give"
    );
    // In Chinese too, naming the file.
    let o = common::cli_env(
        &[
            "render",
            sample,
            "--no-system-fonts",
            "--font-dir",
            s(&fonts),
            "-o",
            s(&with),
        ],
        b"",
        &[("NIANBAO_LANG", Some("zh"))],
    );
    assert!(
        err(&o).contains(&format!("警告[font]：字体文件 {}", broken.display())),
        "{}",
        err(&o)
    );
    if common::pdfread::have_poppler() {
        let listed = Command::new("pdffonts")
            .arg(&with)
            .output()
            .expect("pdffonts");
        let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
        assert!(listed.contains("+FandolFang-Regular"), "{listed}");
        assert!(!listed.contains("NotoSerifSC"), "{listed}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
