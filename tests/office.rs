//! Issue #25, the office's view: what a clerk and a county officer meet
//! (dates that mean something, messages that lead with the form, one
//! error per typo, a forced render marked as a draft, help in Chinese,
//! batch lines that name the township, workbooks to fill without
//! instructions).

use crate::common::{goushi, shili};
use nianbao::{Engine, OutputFormat, RenderOptions};
use std::io::Read;

fn zip_text(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut s = String::new();
    zip.by_name(name)
        .expect("part")
        .read_to_string(&mut s)
        .expect("read");
    s
}

/// With no SOURCE_DATE_EPOCH, a report with a 成文日期 is dated by it in
/// the PDF, the DOCX and the OFD; one without keeps the fixed date.
#[test]
fn the_document_date_is_the_signing_date() {
    let engine = Engine::new().expect("engine");
    let opts = RenderOptions::default();
    let render = |data, f| engine.render(data, f, opts).expect("renders").bytes;
    let data = shili();
    assert_eq!(data["signature"]["date"], "2022-01-20");
    let pdf = render(&data, OutputFormat::Pdf);
    let doc = lopdf::Document::load_mem(&pdf).expect("pdf");
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
        .and_then(|r| doc.get_dictionary(r))
        .expect("info");
    let created = info.get(b"CreationDate").expect("CreationDate");
    let created = String::from_utf8_lossy(created.as_str().expect("a string")).to_string();
    assert!(created.starts_with("D:20220120"), "{created}");
    let docx = render(&data, OutputFormat::Docx);
    let core = zip_text(&docx, "docProps/core.xml");
    assert!(core.contains("2022-01-20T00:00:00Z"), "{core}");
    let ofd = render(&data, OutputFormat::Ofd);
    let main = zip_text(&ofd, "OFD.xml");
    assert!(main.contains("2022-01-20"), "{main}");
    // Twice, the same bytes.
    assert!(render(&data, OutputFormat::Pdf) == pdf);
    // No 成文日期: the fixed date, as before.
    let docx = render(&goushi(), OutputFormat::Docx);
    let core = zip_text(&docx, "docProps/core.xml");
    assert!(core.contains("1970-01-01T00:00:00Z"), "{core}");
    // SOURCE_DATE_EPOCH still wins.
    let given = RenderOptions {
        created: Some(1_700_000_000),
        ..opts
    };
    let docx = engine
        .render(&data, OutputFormat::Docx, given)
        .expect("renders")
        .bytes;
    assert!(zip_text(&docx, "docProps/core.xml").contains("2023-11-14"));
}

/// The clerk's environment: Chinese, whatever the machine says.
fn zh(args: &[&str], stdin: &[u8]) -> std::process::Output {
    crate::common::cli_env(
        args,
        stdin,
        &[
            ("NIANBAO_LANG", None),
            ("LC_ALL", None),
            ("LC_MESSAGES", None),
            ("LANG", Some("zh_CN.UTF-8")),
        ],
    )
}

/// A 总计 typed as 20 where its six columns add up to 19: one error, at
/// the cell typed, first; the 总计 column's balance it breaks is told in
/// its hint, not as a second error at a cell never touched.
#[test]
fn one_typo_one_error_at_the_cell_typed() {
    let mut v = shili();
    crate::common::set(
        &mut v,
        "/applications/new",
        serde_json::json!([12, 3, 1, 0, 2, 1, 20]),
    );
    let o = zh(&["check", "-"], v.to_string().as_bytes());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.contains("错误[")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0].starts_with(
            "<stdin>: 表三「一、本年新收政府信息公开申请数量」×「总计」: 错误[check-row-total]"
        ),
        "{err}"
    );
    assert!(
        err.contains("连带"),
        "the balance it breaks, in its hint: {err}"
    );
    // For a person: no JSON pointer, no list of pointers in a hint.
    assert!(!err.contains("/applications"), "{err}");
    // The pointer stays for programs, and with --verbose.
    let o = zh(
        &["check", "--error-format", "json", "-"],
        v.to_string().as_bytes(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("\"pointer\":\"/applications/new/6\""), "{err}");
    let o = zh(&["check", "--verbose", "-"], v.to_string().as_bytes());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("/applications/new/6 表三"), "{err}");
}

/// A balance error that is not a 总计 typo stays, with a hint in the
/// form's words only.
#[test]
fn a_real_imbalance_is_still_said_in_the_forms_words() {
    let mut v = shili();
    crate::common::set(
        &mut v,
        "/applications/carried_forward/0",
        serde_json::json!(5),
    );
    let o = zh(&["check", "-"], v.to_string().as_bytes());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("错误[check-balance]"), "{err}");
    assert!(
        err.contains("提示：查看表三「自然人」这一列的四格"),
        "{err}"
    );
    assert!(!err.contains("/applications"), "{err}");
}

/// Diagnostics come in the data's order: the placeholder in 单位 before
/// a 总计 of table 四, before a missing 署名 at the end.
#[test]
fn diagnostics_come_in_the_forms_order() {
    let mut v = shili();
    crate::common::set(&mut v, "/unit", serde_json::json!("（单位名称）"));
    crate::common::set(
        &mut v,
        "/review_litigation/review",
        serde_json::json!([1, 0, 0, 0, 9]),
    );
    crate::common::remove(&mut v, "/signature");
    let o = zh(&["check", "-"], v.to_string().as_bytes());
    let err = String::from_utf8_lossy(&o.stderr);
    let at = |needle: &str| {
        err.find(needle)
            .unwrap_or_else(|| panic!("{needle} in {err}"))
    };
    assert!(at("占位文字") < at("check-review-total"), "{err}");
    assert!(at("check-review-total") < at("没有署名和成文日期"), "{err}");
    assert!(
        err.contains("「署名和成文日期」: 警告[incomplete]"),
        "{err}"
    );
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-office-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// Eight townships, the 3rd and the 6th with a wrong 总计, made into a
/// county workbook by `convert` (which names and marks the bad rows) and
/// rendered by `batch` on two threads: every line names the row and the
/// township, in input order, as does the summary.
#[test]
fn the_county_officer_sees_each_township_by_row_and_name() {
    let dir = temp("county");
    let reports = dir.join("reports");
    std::fs::create_dir_all(&reports).expect("dir");
    for i in 1..=8 {
        let mut v = goushi();
        crate::common::set(
            &mut v,
            "/unit",
            serde_json::json!(format!("第{i}镇人民政府")),
        );
        if i == 3 || i == 6 {
            crate::common::set(
                &mut v,
                "/applications/new",
                serde_json::json!([1, 0, 0, 0, 0, 0, 2]),
            );
        }
        let text = serde_json::to_string(&v).expect("json");
        std::fs::write(reports.join(format!("{i:02}.json")), text).expect("write");
    }
    let county = dir.join("county.xlsx");
    let c = county.to_str().expect("utf-8");
    let o = zh(&["convert", reports.to_str().expect("utf-8"), "-o", c], b"");
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("（第3镇人民政府）: 未通过核对（1 个错误），已写入")
            && said.contains("第 5 行并标成红色")
            && said.contains("（第6镇人民政府）")
            && said.contains("第 8 行并标成红色"),
        "{said}"
    );
    if crate::common::tools::have_python_module("openpyxl", "openpyxl", "the county marks test") {
        let script = "import openpyxl,sys\nws=openpyxl.load_workbook(sys.argv[1])['报告']\nfor r in range(3,11):\n  a=ws.cell(r,1)\n  print(r, a.value, a.fill.fgColor.rgb, bool(a.comment))";
        let o = std::process::Command::new("python3")
            .args(["-c", script, c])
            .output()
            .expect("python");
        let rows = String::from_utf8_lossy(&o.stdout);
        for line in rows.lines() {
            let bad = line.contains("第3镇") || line.contains("第6镇");
            assert_eq!(
                line.contains("FFC7CE") && line.ends_with("True"),
                bad,
                "{rows}"
            );
        }
    }
    let out = dir.join("out");
    let summary = dir.join("summary.json");
    let o = zh(
        &[
            "batch",
            c,
            "-o",
            out.to_str().expect("utf-8"),
            "-j",
            "2",
            "--summary",
            summary.to_str().expect("utf-8"),
        ],
        b"",
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let rows: Vec<&str> = stdout.lines().filter(|l| l.contains(" 行（")).collect();
    assert_eq!(rows.len(), 8, "{stdout}");
    for (k, line) in rows.iter().enumerate() {
        let want = format!("county.xlsx 第 {} 行（第{}镇人民政府）: ", k + 3, k + 1);
        assert!(line.contains(&want), "{want} in {stdout}");
    }
    assert!(
        stdout.contains("第 5 行（第3镇人民政府）: 失败"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("批量：")),
        "{stdout}"
    );
    assert!(
        stderr.contains("第 8 行（第6镇人民政府）: 报告!"),
        "{stderr}"
    );
    let sum: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&summary).expect("summary")).expect("JSON");
    let listed = sum["reports"].as_array().expect("reports");
    for (k, r) in listed.iter().enumerate() {
        assert_eq!(r["row"], k + 3);
        assert_eq!(r["unit"], format!("第{}镇人民政府", k + 1));
    }
    assert_eq!(listed[2]["status"], "failed");
    let o = crate::common::cli(&["batch", c, "-o", out.to_str().expect("utf-8")], b"");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("county.xlsx[row 5] (第3镇人民政府): failed"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("batch: ")),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A render forced through failing checks says 草稿 on every page of
/// every format; a clean render never does.
#[test]
fn a_forced_render_is_marked_as_a_draft() {
    let engine = Engine::new().expect("engine");
    let mut bad = shili();
    crate::common::set(
        &mut bad,
        "/applications/new",
        serde_json::json!([12, 3, 1, 0, 2, 1, 20]),
    );
    let force = RenderOptions {
        force: true,
        ..RenderOptions::default()
    };
    let all = [
        OutputFormat::Pdf,
        OutputFormat::Docx,
        OutputFormat::Html,
        OutputFormat::Ofd,
    ];
    let draft = engine.render_all(&bad, &all, force).expect("forced");
    let clean = engine
        .render_all(&shili(), &all, RenderOptions::default())
        .expect("clean");
    let mark = nianbao::doc::DRAFT;
    // PDF: the mark in the text of every page.
    let pages = |pdf: &[u8]| {
        let doc = lopdf::Document::load_mem(pdf).expect("pdf");
        let n = doc.get_pages().len() as u32;
        (1..=n)
            .map(|p| doc.extract_text(&[p]).unwrap_or_default())
            .collect::<Vec<_>>()
    };
    let drafted = pages(&draft[0].bytes);
    assert!(drafted.len() > 3);
    for (i, text) in drafted.iter().enumerate() {
        let flat: String = text.split_whitespace().collect();
        assert!(flat.contains("草稿"), "page {}: {flat}", i + 1);
    }
    for text in pages(&clean[0].bytes) {
        assert!(!text.contains("草稿"));
    }
    // DOCX: a header on every page, valid.
    let header = zip_text(&draft[1].bytes, "word/header1.xml");
    assert!(header.contains(mark), "{header}");
    let document = zip_text(&draft[1].bytes, "word/document.xml");
    assert_eq!(document.matches("w:headerReference").count(), 2);
    crate::common::tools::validate_ooxml(&draft[1].bytes, "docx");
    assert!(!zip_text(&clean[1].bytes, "word/document.xml").contains("headerReference"));
    // HTML: a banner.
    let html = String::from_utf8_lossy(&draft[2].bytes);
    assert!(html.contains("class=\"draft\"") && html.contains(mark));
    assert!(!String::from_utf8_lossy(&clean[2].bytes).contains("class=\"draft\""));
    // OFD: the same pages as the PDF, so as many marks as pages.
    let ofd = &draft[3].bytes;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(ofd)).expect("zip");
    let mut marked = 0;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        if f.name().ends_with("Content.xml") {
            let mut s = String::new();
            f.read_to_string(&mut s).expect("read");
            marked += usize::from(s.contains("草稿"));
        }
    }
    assert_eq!(marked, drafted.len());
    // The CLI's refusal says what --force makes.
    let o = zh(&["render", "-", "-o", "-"], bad.to_string().as_bytes());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("标有「草稿」"), "{err}");
}

/// Every command's help is Chinese by default, English with `--lang en`
/// or an English locale; convert and batch tell the county workflow.
#[test]
fn help_speaks_the_readers_language() {
    let commands: [&[&str]; 9] = [
        &[],
        &["check"],
        &["schema"],
        &["init"],
        &["convert"],
        &["render"],
        &["batch"],
        &["templates", "list"],
        &["templates", "export"],
    ];
    for cmd in commands {
        let mut args = cmd.to_vec();
        args.push("--help");
        let o = zh(&args, b"");
        let help = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "{cmd:?}");
        assert!(
            help.contains("用法：") && help.contains("显示帮助"),
            "{cmd:?}: {help}"
        );
        let mut en = vec!["--lang", "en"];
        en.extend(&args);
        let o = zh(&en, b"");
        let english = String::from_utf8_lossy(&o.stdout);
        assert!(
            english.contains("Usage:") && !english.contains("用法："),
            "{english}"
        );
        let o = crate::common::cli_env(
            &args,
            b"",
            &[("NIANBAO_LANG", None), ("LANG", Some("en_US.UTF-8"))],
        );
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("Usage:"),
            "{cmd:?}"
        );
    }
    let help = |args: &[&str]| String::from_utf8_lossy(&zh(args, b"").stdout).to_string();
    let convert = help(&["convert", "--help"]);
    assert!(
        convert.contains("nianbao convert 各乡镇/ -o 全县-2025.xlsx"),
        "{convert}"
    );
    let batch = help(&["batch", "--help"]);
    assert!(
        batch.contains("汇总工作簿") && batch.contains("全县-2025.xlsx"),
        "{batch}"
    );
    let convert = help(&["--lang=en", "convert", "--help"]);
    assert!(
        convert.contains("county workbook") && convert.contains("townships/"),
        "{convert}"
    );
    let batch = help(&["batch", "--help", "--lang", "en"]);
    assert!(batch.contains("county workbook"), "{batch}");
}

/// The county workbook's prose is text a person can edit: a paragraph a
/// line, a run-in heading before its text; it reads back exactly.
#[test]
fn county_prose_is_text_and_reads_back_exactly() {
    let mut edge = goushi();
    // A heading without its 。 would not read back: that cell alone is JSON.
    crate::common::set(
        &mut edge,
        "/problems",
        serde_json::json!([{"heading": "（一）主动公开", "text": "全年…"}]),
    );
    let reports = vec![shili(), edge];
    let xlsx = nianbao::sheet::county::write(&reports, None).expect("county");
    let rows = nianbao::sheet::county::read(&xlsx, "county.xlsx").expect("reads");
    for (row, want) in rows.iter().zip(&reports) {
        assert_eq!(&row.value().expect("a report"), want, "row {}", row.row);
    }
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("opens");
    let sheet = calamine::Reader::worksheet_range(&mut book, "报告").expect("sheet");
    let overview = sheet
        .get_value((2, 7))
        .map(|d| d.to_string())
        .unwrap_or_default();
    assert!(!overview.starts_with('['), "{overview}");
    assert!(
        overview.contains("\n（一）主动公开。全年通过政府网站")
            && overview.contains("\n（三）政府信息管理。\n1.严格审查。坚持"),
        "{overview}"
    );
    let problems = sheet
        .get_value((3, 8))
        .map(|d| d.to_string())
        .unwrap_or_default();
    assert!(problems.starts_with('['), "{problems}");
}

/// The blank workbook shows the clerk what goes where: 正文 has a row per
/// usual part with placeholder text (which check warns of, at its cell),
/// a drop-down for 部分 and a help on the cells; it reads back.
#[test]
fn the_blank_workbook_can_be_filled_without_instructions() {
    let dir = temp("blank");
    let blank = dir.join("blank.xlsx");
    let b = blank.to_str().expect("utf-8");
    let o = zh(
        &[
            "init",
            "-o",
            b,
            "--unit",
            "城关镇人民政府",
            "--year",
            "2025",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0));
    let bytes = std::fs::read(&blank).expect("read");
    let read = nianbao::sheet::read(&bytes, "blank.xlsx").expect("reads back");
    let overview = read.value["overview"].as_array().expect("overview");
    let headings: Vec<&str> = overview
        .iter()
        .filter_map(|p| p["heading"].as_str())
        .collect();
    assert_eq!(headings[0], "（一）主动公开。");
    assert_eq!(headings.len(), 5);
    let o = zh(&["check", b], b"");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("正文!C2 「一、总体情况」第 1 段的正文: 警告[incomplete]"),
        "{err}"
    );
    // The first warnings come in the sheet's order.
    let first = err.lines().next().unwrap_or_default();
    assert!(first.contains("正文!C2"), "{err}");
    if crate::common::tools::have_python_module("openpyxl", "openpyxl", "the blank workbook test") {
        let script = "import openpyxl,sys\nws=openpyxl.load_workbook(sys.argv[1])['正文']\nfor v in ws.data_validations.dataValidation:\n  print(v.type, v.sqref, v.formula1, v.promptTitle, bool(v.prompt))";
        let o = std::process::Command::new("python3")
            .args(["-c", script, b])
            .output()
            .expect("python");
        let dv = String::from_utf8_lossy(&o.stdout);
        assert!(
            dv.contains("list A2:A501 \"前言,一、总体情况,五、存在的主要问题及改进情况,六、其他需要报告的事项\" 部分 True"),
            "{dv}"
        );
        assert!(
            dv.contains("B2:B501") && dv.contains("C2:C501 None 正文 True"),
            "{dv}"
        );
    }
    // A filled report's workbook reads back as its JSON.
    let value = shili();
    let format = nianbao::data::check_value(&value)
        .expect("valid")
        .resolved
        .format;
    let xlsx = nianbao::sheet::write(&value, format, None).expect("writes");
    let back = nianbao::sheet::read(&xlsx, "s.xlsx").expect("reads");
    assert_eq!(back.value["overview"], value["overview"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every command answers --help, in Chinese by default: a command the
/// Chinese help does not know would lose its help flag altogether.
#[test]
fn every_command_has_its_help_in_chinese() {
    for cmd in [
        "check",
        "schema",
        "init",
        "convert",
        "render",
        "batch",
        "templates",
        "serve",
    ] {
        let o = crate::common::cli_env(
            &[cmd, "--help"],
            b"",
            &[
                ("NIANBAO_LANG", None),
                ("LANG", None),
                ("LC_ALL", None),
                ("LC_MESSAGES", None),
            ],
        );
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{cmd} --help: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(out.contains("用法："), "{cmd} --help in Chinese: {out}");
        assert!(
            out.contains("显示帮助"),
            "{cmd} --help lists its help in Chinese: {out}"
        );
        assert!(
            !out.contains("Print this message"),
            "{cmd} --help: clap's English left: {out}"
        );
    }
}
