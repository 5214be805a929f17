//! The command line as a clerk and a pipeline meet it: messages in Chinese
//! by default (English on request), the place named in the form's words,
//! usage errors with exit 2, and streams that close or fill up — each with
//! real pipes, `/dev/full` and FIFOs.

use crate::common;

use common::{goushi, root, set};
use serde_json::json;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs nianbao with no language set anywhere (a server's C locale).
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let unset = [
        ("NIANBAO_LANG", None),
        ("LANG", Some("C.UTF-8")),
        ("LC_ALL", None),
        ("LC_MESSAGES", None),
    ];
    common::cli_env(args, stdin, &unset)
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-msg-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn bad_total() -> Vec<u8> {
    let mut v = goushi();
    set(&mut v, "/applications/total/0", json!(20));
    v.to_string().into_bytes()
}

#[test]
fn chinese_by_default_english_on_request_codes_unchanged() {
    let o = run(&["check", "-"], &bad_total());
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(e.contains("错误[check-result-total]："), "{e}");
    assert!(e.contains("表三「（七）总计」×「自然人」"), "{e}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("未通过"));
    let o = run(&["check", "--lang", "en", "-"], &bad_total());
    let e = err(&o);
    assert!(e.contains("error[check-result-total]: "), "{e}");
    assert!(!e.contains("错误["), "{e}");
    // An English locale asks for English too.
    let o = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["check", "samples/shili-2021.json"])
        .current_dir(root())
        .env_remove("NIANBAO_LANG")
        .env("LANG", "en_US.UTF-8")
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&o.stdout).contains(": ok"));
    // JSON lines: the same code and pointer, the place as a field.
    let o = run(&["check", "--error-format", "json", "-"], &bad_total());
    let line = err(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
        .find(|v| v["code"] == "check-result-total")
        .expect("the error");
    assert_eq!(line["location"]["pointer"], "/applications/total/0");
    assert_eq!(line["place"], "表三「（七）总计」×「自然人」");
}

#[test]
fn json_typed_on_a_chinese_keyboard_is_named() {
    let o = run(&["check", "-"], "{\n  \"unit\"：\"甲镇\"}".as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(e.contains("<stdin>:2:9"), "{e}");
    assert!(e.contains("中文冒号："), "{e}");
}

#[test]
fn a_misspelt_name_pattern_is_one_usage_error() {
    let dir = temp("name");
    let out = dir.join("out");
    let o = run(
        &[
            "batch",
            "samples/goushi-2020.json",
            "samples/shili-2021.json",
            "-o",
            out.to_str().expect("utf-8"),
            "--name",
            "{{unti}}-{{year}}",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let e = err(&o);
    assert_eq!(e.matches("错误[").count(), 1, "said once: {e}");
    assert!(e.contains("`unit`"), "did you mean: {e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_say_what_to_do_and_exit_2() {
    let dir = temp("usage");
    let doc = dir.join("x.doc");
    let o = run(
        &[
            "render",
            "samples/goushi-2020.json",
            "-o",
            doc.to_str().expect("p"),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains(".docx") && err(&o).contains(".html") && err(&o).contains(".ofd"),
        "{}",
        err(&o)
    );
    let o = run(
        &[
            "templates",
            "export",
            "no-such-bundle",
            dir.join("t").to_str().expect("p"),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    // The output is the input: refused, the data intact.
    let data = dir.join("rep.pdf");
    std::fs::copy(root().join("samples/goushi-2020.json"), &data).expect("copy");
    let o = run(&["render", data.to_str().expect("p")], b"");
    let o2 = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["render", "rep.pdf", "-f", "pdf"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    assert_eq!(o2.status.code(), Some(2), "{}", err(&o2));
    assert!(err(&o2).contains("数据文件本身"), "{}", err(&o2));
    let kept = std::fs::read(&data).expect("read");
    assert!(kept.starts_with(b"{"), "the data survives ({:?})", o.status);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_reads_a_directory_as_batch_does() {
    let dir = temp("checkdir");
    std::fs::copy(root().join("samples/shili-2021.json"), dir.join("a.json")).expect("copy");
    std::fs::write(dir.join("b.json"), bad_total()).expect("write");
    std::fs::write(dir.join("notes.txt"), b"not a report").expect("write");
    let o = run(&["check", dir.to_str().expect("p")], b"");
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("a.json: 通过") && out.contains("b.json: 未通过"),
        "{out}"
    );
    assert!(!out.contains("notes.txt"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Spawns nianbao with stdout a pipe that is closed after `keep` bytes.
fn closed_early(args: &[&str], keep: usize) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut buf = vec![0; keep];
    let _ = stdout.read_exact(&mut buf);
    drop(stdout);
    let o = child.wait_with_output().expect("finishes");
    (o.status.code(), err(&o))
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = temp("pipe");
    let out = dir.join("out");
    let cases: Vec<Vec<&str>> = vec![
        vec!["schema"],
        vec!["init"],
        vec!["templates", "list"],
        vec![
            "check",
            "samples/goushi-2020.json",
            "samples/shili-2021.json",
        ],
        vec!["render", "samples/goushi-2020.json", "-o", "-"],
        vec![
            "batch",
            "samples/goushi-2020.json",
            "samples/shili-2021.json",
            "-o",
            out.to_str().expect("p"),
        ],
    ];
    for args in cases {
        let (code, e) = closed_early(&args, 1);
        assert!(!e.contains("panicked"), "{args:?}: {e}");
        assert!(!e.to_lowercase().contains("broken pipe"), "{args:?}: {e}");
        assert!(
            matches!(code, Some(0) | Some(1) | Some(141)),
            "{args:?}: {code:?} {e}"
        );
    }
    // The batch still wrote both reports.
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_full_disk_is_an_io_error_and_never_a_panic() {
    if !std::path::Path::new("/dev/full").exists() {
        assert!(std::env::var_os("CI").is_none(), "/dev/full is missing");
        return;
    }
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };
    for args in [
        vec!["schema"],
        vec!["render", "samples/goushi-2020.json", "-o", "-"],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(&args)
            .current_dir(root())
            .stdout(full())
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(!err(&o).contains("panicked"), "{args:?}: {}", err(&o));
    }
    // stderr full: the document is still written, nothing panics.
    let dir = temp("full");
    let pdf = dir.join("x.pdf");
    let o = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "render",
            "samples/goushi-2020.json",
            "-o",
            pdf.to_str().expect("p"),
        ])
        .current_dir(root())
        .stderr(full())
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0));
    assert!(pdf.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn batch_reads_a_fifo_once_and_goes_on_past_a_missing_input() {
    let dir = temp("fifo");
    let fifo = dir.join("r.json");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        assert!(std::env::var_os("CI").is_none(), "mkfifo failed");
        return;
    }
    let data = std::fs::read(root().join("samples/shili-2021.json")).expect("sample");
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(&fifo)
                .expect("open fifo");
            f.write_all(&data).expect("write fifo");
        })
    };
    let out = dir.join("out");
    let o = run(
        &[
            "batch",
            fifo.to_str().expect("p"),
            "no-such-report.json",
            "samples/goushi-2020.json",
            "-o",
            out.to_str().expect("p"),
        ],
        b"",
    );
    writer.join().expect("writer");
    // The missing input is an I/O failure (2), named; the others written.
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("no-such-report.json"), "{}", err(&o));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["示例镇人民政府-2021.pdf", "缑氏镇人民政府-2020.pdf"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigterm_stops_a_batch_like_ctrl_c_and_a_stale_temp_goes() {
    let dir = temp("term");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("out");
    // What a run killed with -9 left: a temp file of a process now gone.
    let stale = out.join(".nianbao-0-7.tmp");
    std::fs::write(&stale, b"half").expect("stale");
    let set: Vec<serde_json::Value> = (0..200)
        .map(|i| {
            let mut v = goushi();
            set(&mut v, "/unit", json!(format!("第{i}镇人民政府")));
            v
        })
        .collect();
    let input = dir.join("all.json");
    std::fs::write(&input, serde_json::to_vec(&set).expect("json")).expect("write");
    let child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["batch", "-j", "1", "-f", "pdf,docx", "-o"])
        .arg(&out)
        .arg(&input)
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // Wait until the first report is written, then ask it to stop.
    let started = std::time::Instant::now();
    while std::fs::read_dir(&out).expect("out").count() < 3
        && started.elapsed() < std::time::Duration::from_secs(30)
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let o = child.wait_with_output().expect("finishes");
    let e = err(&o);
    assert_eq!(o.status.code(), Some(130), "{e}");
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    assert!(names.len() < 400, "stopped early: {} files", names.len());
    for n in names.iter().filter(|n| n.ends_with(".pdf")) {
        common::assert_pdf(&std::fs::read(out.join(n)).expect("read"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn counts_that_cannot_be_summed_exactly_are_refused() {
    let mut v = goushi();
    let m = u64::MAX;
    set(&mut v, "/review_litigation/review", json!([m, 1, 0, 0, m]));
    let o = run(&["check", "--lang", "en", "-"], v.to_string().as_bytes());
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains("表四「行政复议」×「结果维持」"),
        "{}",
        err(&o)
    );
    assert!(err(&o).contains("error[limit]"), "{}", err(&o));
}

#[test]
fn misleading_outputs_are_named_for_what_they_are() {
    let dir = temp("outputs");
    let d = dir.to_str().expect("p");
    for o in [format!("{d}/"), d.to_string()] {
        let out = run(
            &[
                "render",
                "--lang",
                "en",
                "samples/goushi-2020.json",
                "-o",
                &o,
            ],
            b"",
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(
            err(&out).contains("is a directory; it needs a file name"),
            "{}",
            err(&out)
        );
    }
    let file = dir.join("a-file");
    std::fs::write(&file, b"x").expect("write");
    let out = run(
        &[
            "batch",
            "--lang",
            "en",
            "samples/goushi-2020.json",
            "-o",
            file.to_str().expect("p"),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err(&out).contains("is a file; batch needs an output directory"),
        "{}",
        err(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn batch_streams_json_lines_from_stdin_and_refuses_garbage_at_once() {
    let dir = temp("stream");
    let lines = format!("{}\n\n{}\n", goushi(), common::shili());
    let out = dir.join("lines");
    let o = run(
        &["batch", "-", "-o", out.to_str().expect("p")],
        lines.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 2);
    // A pretty-printed report on stdin is one report.
    let pretty = serde_json::to_string_pretty(&goushi()).expect("json");
    let out = dir.join("pretty");
    let o = run(
        &["batch", "-", "-o", out.to_str().expect("p")],
        pretty.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 1);
    // `yes |`: not JSON from the first line, said at once.
    let y = "y\n".repeat(100_000);
    let o = run(
        &[
            "batch",
            "--lang",
            "en",
            "-",
            "-o",
            dir.join("y").to_str().expect("p"),
        ],
        y.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains("<stdin>:1:1: error[json-syntax]"),
        "{}",
        err(&o)
    );
    // A line of a stream that is not a report names its line and goes on.
    let mixed = format!("{}\n{{\"unit\": 1}}\n", goushi());
    let out = dir.join("mixed");
    let o = run(
        &["batch", "--lang", "en", "-", "-o", out.to_str().expect("p")],
        mixed.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains("<stdin>[#1]: /: error[missing-key]"),
        "{}",
        err(&o)
    );
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
