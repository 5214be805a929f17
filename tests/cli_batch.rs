//! `nianbao batch` as a county office runs it: directories, array files,
//! JSON Lines, shared defaults, name conflicts, broken reports mixed in,
//! the JSON summary, and outputs identical to single renders.

use crate::common;

use common::{goushi, root, set, shili};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn nianbao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        // These tests read the English messages; the Chinese ones have their own.
        .env("NIANBAO_LANG", "en")
        .args(args)
        .current_dir(root())
        .output()
        .expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-batch-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn unit(v: &Value, name: &str) -> Value {
    let mut v = v.clone();
    set(&mut v, "/unit", json!(name));
    v
}

#[test]
fn a_directory_an_array_and_json_lines_with_broken_reports() {
    let dir = temp("mixed");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).expect("dir");
    std::fs::write(inputs.join("a.json"), unit(&goushi(), "甲镇").to_string()).expect("write");
    std::fs::write(inputs.join("b.json"), "{\"unit\": ").expect("write");
    std::fs::write(inputs.join("notes.txt"), "not a report").expect("write");
    let mut bad = unit(&shili(), "丙镇");
    set(&mut bad, "/applications/total/0", json!(99));
    let array = dir.join("array.json");
    std::fs::write(&array, json!([unit(&shili(), "乙镇"), bad]).to_string()).expect("write");
    let lines = dir.join("more.jsonl");
    std::fs::write(
        &lines,
        format!("{}\n\n{}\n", unit(&shili(), "丁镇"), "{oops}"),
    )
    .expect("write");
    let out = dir.join("out");
    let summary = dir.join("summary.json");
    let o = nianbao(&[
        "batch",
        s(&inputs),
        s(&array),
        s(&lines),
        "-o",
        s(&out),
        "-f",
        "pdf,html",
        "--summary",
        s(&summary),
        "-j",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(
        files(&out),
        [
            "丁镇-2021.html",
            "丁镇-2021.pdf",
            "乙镇-2021.html",
            "乙镇-2021.pdf",
            "甲镇-2020.html",
            "甲镇-2020.pdf"
        ]
    );
    for f in files(&out).iter().filter(|f| f.ends_with(".pdf")) {
        common::assert_pdf(&std::fs::read(out.join(f)).expect("read"));
    }
    let err = text(&o.stderr);
    assert!(
        err.contains(&format!(
            "{}[#1] (丙镇): 表三「（七）总计」×「自然人」: error[check-result-total]",
            s(&array)
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}[#1]:", s(&lines))) && err.contains("json-syntax"),
        "{err}"
    );
    assert!(
        err.contains("b.json") && err.contains("json-syntax"),
        "{err}"
    );
    assert!(
        text(&o.stdout).contains("batch: 3 ok, 3 failed"),
        "{}",
        text(&o.stdout)
    );

    let sum: Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).expect("summary")).expect("JSON");
    assert_eq!(
        (sum["ok"].as_u64(), sum["failed"].as_u64()),
        (Some(3), Some(3))
    );
    let reports = sum["reports"].as_array().expect("reports");
    assert_eq!(reports.len(), 6);
    let failed = reports
        .iter()
        .find(|r| r["input"] == s(&array) && r["index"] == 1)
        .expect("the bad array item");
    assert_eq!(failed["status"], "failed");
    let errors = failed["errors"].as_array().expect("errors");
    assert!(
        errors
            .iter()
            .any(|e| e["location"]["pointer"] == "/applications/total/0"),
        "{errors:?}"
    );
    let ok = reports
        .iter()
        .find(|r| r["status"] == "ok")
        .expect("an ok report");
    assert_eq!(ok["outputs"].as_array().expect("outputs").len(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn defaults_are_merged_under_every_report() {
    let dir = temp("defaults");
    let mut a = shili();
    a.as_object_mut().expect("object").remove("other_matters");
    a.as_object_mut().expect("object").remove("signature");
    let input = dir.join("a.json");
    std::fs::write(&input, a.to_string()).expect("write");
    let defaults = dir.join("county.json");
    std::fs::write(&defaults, json!({"other_matters": ["全县统一：本年度未收取信息处理费。"], "signature": {"unit": "县政府办公室", "date": "2022-01-25"}}).to_string()).expect("write");
    let out = dir.join("out");
    let o = nianbao(&[
        "batch",
        s(&input),
        "-o",
        s(&out),
        "-f",
        "html",
        "--defaults",
        s(&defaults),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let html = std::fs::read_to_string(out.join("示例镇人民政府-2021.html")).expect("written");
    assert!(html.contains("全县统一") && html.contains("2022年1月25日"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn name_conflicts_are_reported_and_never_overwrite() {
    let dir = temp("conflict");
    let input = dir.join("two.json");
    let mut second = shili();
    set(&mut second, "/overview/0", json!("第二份报告。"));
    std::fs::write(&input, json!([shili(), second]).to_string()).expect("write");
    let out = dir.join("out");
    let o = nianbao(&["batch", s(&input), "-o", s(&out), "-f", "html"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("already taken by"),
        "{}",
        text(&o.stderr)
    );
    let html = std::fs::read_to_string(out.join("示例镇人民政府-2021.html")).expect("the first");
    assert!(
        !html.contains("第二份报告"),
        "the first report's output stands"
    );
    let o = nianbao(&[
        "batch",
        s(&input),
        "-o",
        s(&out),
        "-f",
        "html",
        "--name",
        "{{unit}}/{{year}}-{{overview.[0]}}",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        files(&out)
            .iter()
            .any(|f| f.starts_with("示例镇人民政府_2021-第二份报告")),
        "{:?}",
        files(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn batch_outputs_equal_single_renders() {
    let dir = temp("same");
    let input = dir.join("s.json");
    std::fs::write(&input, shili().to_string()).expect("write");
    let out = dir.join("out");
    assert_eq!(
        nianbao(&["batch", s(&input), "-o", s(&out), "-f", "ofd,pdf,docx"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        files(&out),
        [
            "示例镇人民政府-2021.docx",
            "示例镇人民政府-2021.ofd",
            "示例镇人民政府-2021.pdf"
        ]
    );
    for ext in ["ofd", "pdf", "docx"] {
        let single = dir.join(format!("single.{ext}"));
        assert_eq!(
            nianbao(&["render", s(&input), "-o", s(&single)])
                .status
                .code(),
            Some(0)
        );
        let a =
            std::fs::read(out.join(format!("示例镇人民政府-2021.{ext}"))).expect("batch output");
        let b = std::fs::read(&single).expect("single output");
        assert!(a == b, "{ext}: batch and single render give the same bytes");
        match ext {
            "pdf" => {
                common::assert_pdf(&a);
            }
            "docx" => common::assert_docx(&a),
            _ => assert!(a.starts_with(b"PK\x03\x04"), "the OFD is a zip"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_2() {
    let dir = temp("usage");
    assert_eq!(
        nianbao(&["batch", "no-such-input.json", "-o", s(&dir)])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        nianbao(&[
            "batch",
            "samples/shili-2021.json",
            "-o",
            s(&dir),
            "--name",
            "{{#if}}"
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        nianbao(&["batch", "samples/shili-2021.json"]).status.code(),
        Some(2),
        "-o is required"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_lines_on_stdin_and_json_errors() {
    let dir = temp("stdin");
    let mut bad = unit(&shili(), "坏镇");
    set(&mut bad, "/applications/new", json!([1]));
    let input = format!("{}\n{}\n", unit(&shili(), "好镇"), bad);
    let out = dir.join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        // These tests read the English messages; the Chinese ones have their own.
        .env("NIANBAO_LANG", "en")
        .args([
            "batch",
            "-",
            "-o",
            s(&out),
            "-f",
            "html",
            "--error-format",
            "json",
            "-q",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), input.as_bytes())
        .expect("write");
    let o = child.wait_with_output().expect("finishes");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(files(&out), ["好镇-2021.html"]);
    let lines: Vec<Value> = text(&o.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON per line"))
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["input"], "<stdin>[#1]");
    assert_eq!(lines[0]["location"]["pointer"], "/applications/new");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_output_may_be_an_input() {
    let dir = temp("inputs");
    let data = dir.join("s.json");
    let defaults = dir.join("d.json");
    let sample = std::fs::read(root().join("samples/goushi-2020.json")).expect("sample");
    std::fs::write(&data, &sample).expect("write");
    std::fs::write(&defaults, b"{}").expect("write");
    // A data file named like a document the batch writes.
    let named = dir.join("x.pdf");
    std::fs::write(&named, &sample).expect("write");
    let out = dir.join("out");
    let dotted = dir.join(".").join("s.json");
    for (args, input) in [
        (
            vec![s(&data), "-o", s(&out), "--summary", s(&dotted)],
            &data,
        ),
        (
            vec![
                s(&data),
                "--defaults",
                s(&defaults),
                "-o",
                s(&out),
                "--summary",
                s(&defaults),
            ],
            &defaults,
        ),
        (vec![s(&dir), "-o", s(&out), "--summary", s(&data)], &data),
        (vec![s(&named), "-o", s(&dir), "--name", "x"], &named),
    ] {
        let before = std::fs::read(input).expect("input");
        let mut all = vec!["batch"];
        all.extend(&args);
        let o = nianbao(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains("error[output]")
                && text(&o.stderr).contains("is one of the inputs"),
            "{args:?}: {}",
            text(&o.stderr)
        );
        assert_eq!(
            std::fs::read(input).expect("input"),
            before,
            "{args:?}: the input is intact"
        );
    }
    // Refused up front: nothing was rendered.
    assert!(!out.exists() || files(&out).is_empty(), "{:?}", files(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `THP_enabled` line of a running process's status (Linux 5.0+).
#[cfg(target_os = "linux")]
pub(crate) fn thp_enabled(pid: u32) -> Option<String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("THP_enabled:"))
        .map(|v| v.trim().to_string())
}

/// A batch runs without transparent huge pages (`cli::without_huge_pages`):
/// seen in the process's own status while it waits for its standard input.
#[cfg(target_os = "linux")]
#[test]
fn a_batch_runs_without_huge_pages() {
    use std::process::Stdio;
    let Some(own) = thp_enabled(std::process::id()) else {
        eprintln!("skipped: no THP_enabled in /proc/self/status (Linux before 5.0)");
        return;
    };
    if own != "1" {
        // A child would inherit the 0 and prove nothing.
        eprintln!("skipped: the test runner itself runs without huge pages");
        return;
    }
    let dir = temp("thp");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["batch", "-", "-q", "-o"])
        .arg(&dir)
        // mimalloc's own switch would turn them off without the command.
        .env_remove("MIMALLOC_ALLOW_THP")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    let pid = child.id();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut seen = thp_enabled(pid);
    while seen.as_deref() != Some("0") && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        seen = thp_enabled(pid);
    }
    drop(child.stdin.take());
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(seen.as_deref(), Some("0"));
}
