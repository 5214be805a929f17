//! The PDF for the archive (`--pdf-standard a-1b|a-2b|a-3b`), read back by
//! programs that are not nianbao: Apache PDFBox Preflight judges every
//! PDF/A-1b file (and refuses the plain PDF: a live negative, so the
//! validator is seen to work); for parts 2 and 3, which no trustworthy
//! validator installs here for, what can be read back is checked: the XMP
//! identification (`pdfinfo -meta`, parsed as XML), the sRGB output intent
//! (`qpdf --json`), the attachment (`pdfdetach -list`/`-save`: the JSON
//! back, equal to the input, only where the level allows one), `qpdf
//! --check`, and identical bytes for identical input in every mode.

use crate::common;

use common::{goushi, shili, tools};
use nianbao::{OutputFormat, PdfStandard, RenderOptions};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const PREFLIGHT_JARS: [&str; 7] = [
    "preflight.jar",
    "pdfbox2.jar",
    "fontbox2.jar",
    "xmpbox.jar",
    "commons-logging.jar",
    "javax.activation.jar",
    "jaxb-api.jar",
];

fn render(data: &Value, standard: Option<PdfStandard>, force: bool) -> Vec<u8> {
    let opts = RenderOptions {
        force,
        pdf_standard: standard,
        ..RenderOptions::default()
    };
    match common::engine().render(data, OutputFormat::Pdf, opts) {
        Ok(r) => r.bytes,
        Err(d) => panic!("{d}"),
    }
}

fn write_temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-pdfa-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

/// Whether PDFBox Preflight and a Java runtime are installed (under CI
/// they must be).
fn have_preflight(what: &str) -> bool {
    if !tools::have("java", &["-version"], "openjdk-17-jre-headless", what) {
        return false;
    }
    let missing: Vec<&str> = PREFLIGHT_JARS
        .iter()
        .copied()
        .filter(|j| !Path::new("/usr/share/java").join(j).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        !tools::in_ci(),
        "{what} needs {missing:?} (libpdfbox2-java, libactivation-java, libjaxb-api-java); .ci/run installs them"
    );
    eprintln!("skipped: {what} needs {missing:?} (libpdfbox2-java …)");
    false
}

/// PDFBox Preflight's verdict: (valid, its report).
fn preflight(path: &Path) -> (bool, String) {
    let cp: Vec<String> = PREFLIGHT_JARS
        .iter()
        .map(|j| format!("/usr/share/java/{j}"))
        .collect();
    let out = Command::new("java")
        .arg("-cp")
        .arg(cp.join(":"))
        .arg("org.apache.pdfbox.preflight.Validator_A1b")
        .arg(path)
        .output()
        .expect("java runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (text.contains("is a valid PDF/A-1b file"), text)
}

fn poppler(what: &str) -> bool {
    tools::have("pdfinfo", &["-v"], "poppler-utils", what)
        && tools::have("qpdf", &["--version"], "qpdf", what)
}

/// A heavier report than the samples: a long unit, long prose, every
/// figure filled.
fn stress() -> Value {
    let mut d = shili();
    let unit = "某某省某某市某某县某某镇人民政府（某某镇综合行政执法大队）";
    common::set(&mut d, "/unit", Value::from(unit));
    common::set(&mut d, "/signature/unit", Value::from(unit));
    let long = "我镇坚持以公开为常态、不公开为例外，详见 https://www.example.gov.cn/zwgk/xxgk/2021/index_report-2021.html 。".repeat(12);
    common::set(&mut d, "/problems", serde_json::json!([long]));
    d
}

#[test]
fn preflight_accepts_every_a1b_file_and_refuses_the_plain_pdf() {
    if !have_preflight("PDF/A-1b validation") {
        return;
    }
    let cases = [
        ("goushi", goushi(), false),
        ("shili", shili(), false),
        ("stress", stress(), false),
        // A forced render's 草稿 mark is text like any other.
        (
            "draft",
            {
                let mut d = shili();
                common::set(&mut d, "/applications/new/0", Value::from(999));
                d
            },
            true,
        ),
    ];
    for (name, data, force) in cases {
        let path = write_temp(
            &format!("{name}-a1b.pdf"),
            &render(&data, Some(PdfStandard::A1b), force),
        );
        let (valid, report) = preflight(&path);
        assert!(
            valid,
            "{name}: PDFBox Preflight refuses the a-1b file:\n{report}"
        );
    }
    let plain = write_temp("plain.pdf", &render(&shili(), None, false));
    let (valid, report) = preflight(&plain);
    assert!(
        !valid,
        "the plain PDF passes as PDF/A-1b: is the validator working?\n{report}"
    );
}

/// The XMP packet as `pdfinfo -meta` prints it: (pdfaid:part,
/// pdfaid:conformance, dc:title).
fn xmp(path: &Path) -> (Option<String>, Option<String>, Option<String>) {
    let out = Command::new("pdfinfo")
        .arg("-meta")
        .arg(path)
        .output()
        .expect("pdfinfo");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let start = text.find("<x:xmpmeta").expect("an XMP packet");
    let end = text.find("</x:xmpmeta>").expect("the packet's end") + "</x:xmpmeta>".len();
    let doc = roxmltree::Document::parse(&text[start..end]).expect("the XMP is XML");
    let get = |ns: &str, name: &str| {
        doc.descendants()
            .find(|n| n.tag_name().name() == name && n.tag_name().namespace() == Some(ns))
            .map(|n| {
                n.descendants()
                    .filter(|d| d.is_text())
                    .filter_map(|d| d.text())
                    .collect::<String>()
                    .trim()
                    .to_string()
            })
    };
    let pdfaid = "http://www.aiim.org/pdfa/ns/id/";
    (
        get(pdfaid, "part"),
        get(pdfaid, "conformance"),
        get("http://purl.org/dc/elements/1.1/", "title"),
    )
}

/// The catalogue's output intents as qpdf's JSON gives them: (S, the
/// profile's /N).
fn output_intents(path: &Path) -> Vec<(String, i64)> {
    let out = Command::new("qpdf")
        .args(["--json", "--json-key=qpdf"])
        .arg(path)
        .output()
        .expect("qpdf");
    let json: Value = serde_json::from_slice(&out.stdout).expect("qpdf's JSON");
    let objects = &json["qpdf"][1];
    let get = |r: &Value| -> Value {
        let key = format!("obj:{}", r.as_str().unwrap_or_default());
        let o = &objects[&key];
        if o.get("value").is_some() {
            o["value"].clone()
        } else {
            o["stream"]["dict"].clone()
        }
    };
    let trailer = &objects["trailer"]["value"];
    let catalog = get(&trailer["/Root"]);
    let intents = match &catalog["/OutputIntents"] {
        Value::Array(a) => a.clone(),
        Value::String(_) => get(&catalog["/OutputIntents"])
            .as_array()
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    intents
        .iter()
        .map(|i| {
            let i = if i.is_string() { get(i) } else { i.clone() };
            let profile = get(&i["/DestOutputProfile"]);
            (
                i["/S"].as_str().unwrap_or_default().to_string(),
                profile["/N"].as_i64().unwrap_or(0),
            )
        })
        .collect()
}

/// The attached files `pdfdetach -list` names.
fn attachments(path: &Path) -> Vec<String> {
    let out = Command::new("pdfdetach")
        .arg("-list")
        .arg(path)
        .output()
        .expect("pdfdetach");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(": ").map(|(_, n)| n.trim().to_string()))
        .collect()
}

#[test]
fn each_level_says_what_it_is_and_carries_the_json_where_allowed() {
    if !poppler("the PDF/A metadata, output intent and attachment") {
        return;
    }
    let data = shili();
    let mut ids = std::collections::BTreeSet::new();
    for (standard, part) in [
        (Some(PdfStandard::A1b), Some("1")),
        (Some(PdfStandard::A2b), Some("2")),
        (Some(PdfStandard::A3b), Some("3")),
        (None, None),
    ] {
        let name = standard.map_or("plain".to_string(), |s| s.name().to_string());
        let bytes = render(&data, standard, false);
        assert_eq!(
            bytes,
            render(&data, standard, false),
            "{name}: identical bytes"
        );
        // Each level is another file: another /ID (ISO 32000-1 14.4).
        let doc = lopdf::Document::load_mem(&bytes).expect("a PDF");
        let id = format!("{:?}", doc.trailer.get(b"ID").expect("an /ID"));
        assert!(ids.insert(id), "{name}: an /ID another level has too");
        let path = write_temp(&format!("{name}.pdf"), &bytes);
        let check = Command::new("qpdf")
            .arg("--check")
            .arg(&path)
            .output()
            .expect("qpdf");
        assert!(
            check.status.success(),
            "{name}: qpdf --check: {}",
            String::from_utf8_lossy(&check.stdout)
        );

        let (got_part, conformance, title) = xmp(&path);
        assert_eq!(got_part.as_deref(), part, "{name}: pdfaid:part");
        if part.is_some() {
            assert_eq!(
                conformance.as_deref(),
                Some("B"),
                "{name}: pdfaid:conformance"
            );
            assert_eq!(
                output_intents(&path),
                vec![("/GTS_PDFA1".to_string(), 3)],
                "{name}: one sRGB output intent"
            );
        }
        let title = title.expect("dc:title");
        assert!(
            title.contains(data["unit"].as_str().unwrap_or_default()),
            "{name}: dc:title {title}"
        );

        let files = attachments(&path);
        // PDF/A-1 and -2 forbid an attachment that is not PDF/A itself.
        let carries = !matches!(standard, Some(PdfStandard::A1b | PdfStandard::A2b));
        if !carries {
            assert!(files.is_empty(), "{name}: attachments {files:?}");
            continue;
        }
        assert_eq!(files, vec!["report.json".to_string()], "{name}");
        let saved = path.with_extension("json");
        let out = Command::new("pdfdetach")
            .args(["-save", "1", "-o"])
            .arg(&saved)
            .arg(&path)
            .output()
            .expect("pdfdetach");
        assert!(out.status.success(), "{name}: pdfdetach -save");
        let back: Value = serde_json::from_slice(&std::fs::read(&saved).expect("saved"))
            .expect("the attachment is JSON");
        assert_eq!(back, data, "{name}: the attached JSON is the report");
    }
}

/// `nianbao COMMAND shili-2021.json -o OUT EXTRA… --pdf-standard LEVEL`:
/// the exit code and standard error.
fn run(command: &str, out: &Path, extra: &[&str], level: &str) -> (Option<i32>, String) {
    let sample = common::root().join("samples/shili-2021.json");
    let mut args = vec![
        command,
        sample.to_str().expect("utf-8 path"),
        "-o",
        out.to_str().expect("utf-8 path"),
    ];
    args.extend(extra);
    args.extend(["--pdf-standard", level]);
    let o = common::cli(&args, b"");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_cli_and_batch_write_pdf_a_and_refuse_it_for_other_formats() {
    let dir = write_temp("cli-probe", b"").with_extension("d");
    std::fs::create_dir_all(&dir).expect("dir");
    let one = dir.join("one.pdf");
    let (code, err) = run("render", &one, &[], "a-3b");
    assert_eq!(code, Some(0), "{err}");
    let lib = render(&shili(), Some(PdfStandard::A3b), false);
    let written = std::fs::read(&one).expect("written");
    assert_eq!(written, lib, "the CLI writes what the library does");

    let docx = dir.join("one.docx");
    let (code, err) = run("render", &docx, &[], "a-1b");
    assert_eq!(code, Some(2), "--pdf-standard with a DOCX is a usage error");
    assert!(!docx.exists(), "nothing written");
    assert!(err.contains("PDF"), "{err}");
    let (code, _) = run("render", &one, &[], "a-9z");
    assert_eq!(code, Some(2), "an unknown level is a usage error");

    let refused = dir.join("refused");
    let (code, _) = run("batch", &refused, &["-f", "docx"], "a-2b");
    assert_eq!(code, Some(2), "--pdf-standard without a PDF in the batch");
    assert!(!refused.exists(), "nothing written");

    let batch = dir.join("batch");
    let (code, err) = run("batch", &batch, &[], "a-1b");
    assert_eq!(code, Some(0), "{err}");
    let written: Vec<PathBuf> = std::fs::read_dir(&batch)
        .expect("outdir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    let a1b = render(&shili(), Some(PdfStandard::A1b), false);
    assert_eq!(std::fs::read(&written[0]).expect("pdf"), a1b);
}

/// A TrueType face (an installed office font is usually one) embeds as a
/// `CIDFontType2` with its `CIDSet` and `CIDToGIDMap`: PDF/A-1b too.
#[test]
fn a_truetype_face_passes_preflight_too() {
    if !have_preflight("PDF/A-1b with a TrueType face") || !common::have_dejavu() {
        return;
    }
    let dir = write_temp("truetype", b"").with_extension("d");
    let tpl = common::template_with_fang_chain(&dir, r#"["DejaVu Serif", "FandolFang"]"#);
    let pdf = dir.join("t.pdf");
    common::render_with_template("goushi-2020.json", &tpl, &pdf, &["--pdf-standard", "a-1b"]);
    let fonts = Command::new("pdffonts")
        .arg(&pdf)
        .output()
        .expect("pdffonts");
    let fonts = String::from_utf8_lossy(&fonts.stdout).into_owned();
    assert!(
        fonts.contains("DejaVuSerif") && fonts.contains("CID TrueType"),
        "{fonts}"
    );
    let (valid, report) = preflight(&pdf);
    assert!(
        valid,
        "PDFBox Preflight refuses the a-1b file with a TrueType face:\n{report}"
    );
}

/// A template that names no author (and no title) writes neither in the
/// info dictionary nor in the XMP: PDF/A asks the two to agree.
#[test]
fn a_template_without_author_or_title_still_passes_preflight() {
    if !have_preflight("PDF/A-1b from a template without an author") {
        return;
    }
    let dir = write_temp("no-author", b"").with_extension("d");
    let tpl = common::template_edited(
        &dir,
        "main.hbs",
        r#"<document title="{{join title ""}}" author="{{unit}}">"#,
        "<document>",
    );
    let pdf = dir.join("t.pdf");
    common::render_with_template("shili-2021.json", &tpl, &pdf, &["--pdf-standard", "a-1b"]);
    let (valid, report) = preflight(&pdf);
    assert!(
        valid,
        "PDFBox Preflight refuses the a-1b file without an author:\n{report}"
    );
}

#[test]
fn level_names_round_trip() {
    for s in PdfStandard::ALL {
        assert_eq!(PdfStandard::from_name(s.name()), Some(s));
    }
    assert_eq!(PdfStandard::from_name("a-1a"), None);
    assert_eq!(
        PdfStandard::ALL.map(PdfStandard::name),
        ["a-1b", "a-2b", "a-3b"],
        "the names Typst's --pdf-standard uses"
    );
}
