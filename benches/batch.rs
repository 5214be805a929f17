//! `cargo bench --bench batch`: 1,000 varied reports (units, figures,
//! prose lengths) rendered by `nianbao batch` to PDF, DOCX and both, with
//! reports per second and peak RSS; and the same 1,000 rendered one
//! process each, for the ratio. Targets on the 2-core reference machine:
//! ≥ 200 PDF reports/s, peak RSS ≤ 200 MB. A benchmark, not a test.

use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const N: usize = 1000;

fn report(i: usize, base: &Value) -> Value {
    let mut r = base.clone();
    let places = ["东", "西", "南", "北", "甪", "堃", "缑", "沭", "埭", "盱"];
    r["unit"] = json!(format!(
        "{}{}{}镇人民政府",
        places[i % 10],
        places[(i / 10) % 10],
        i
    ));
    let k = (i % 17) as u64;
    r["applications"]["new"] = json!([k, i as u64 % 3, 0, 0, 1, 0]);
    r["applications"]["granted"] = json!([k, i as u64 % 3, 0, 0, 1, 0]);
    r["applications"]["carried_over"] = json!([0, 0, 0, 0, 0, 0]);
    r["applications"]["partially_granted"] = json!([0, 0, 0, 0, 0, 0]);
    for group in ["withheld", "unavailable", "not_processed", "other"] {
        if let Some(map) = r["applications"][group].as_object_mut() {
            for v in map.values_mut() {
                *v = json!([0, 0, 0, 0, 0, 0]);
            }
        }
    }
    r["applications"]["carried_forward"] = json!([0, 0, 0, 0, 0, 0]);
    if let Some(a) = r["applications"].as_object_mut() {
        a.remove("total");
    }
    let sentence = "我镇坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。";
    r["overview"] = json!([format!("{}年，{}", r["year"], sentence.repeat(1 + i % 6))]);
    r["problems"] = json!([sentence.repeat(1 + (i / 7) % 4)]);
    r
}

fn rss_and_time(cmd: &mut Command) -> (f64, f64) {
    let t = Instant::now();
    let out = cmd.output().expect("runs");
    let secs = t.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&out.stderr);
    let kb: f64 = err
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(f64::NAN);
    (secs, kb / 1024.0)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let exe = env!("CARGO_BIN_EXE_nianbao");
    let base: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("samples/shili-2021.json")).expect("sample"),
    )
    .expect("JSON");
    let dir = std::env::temp_dir().join(format!("nianbao-bench-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let input = dir.join("reports.jsonl");
    let small = dir.join("reports-100.jsonl");
    let mut f = std::fs::File::create(&input).expect("create");
    let mut g = std::fs::File::create(&small).expect("create");
    for i in 0..N {
        writeln!(f, "{}", report(i, &base)).expect("write");
        if i < N / 10 {
            writeln!(g, "{}", report(i, &base)).expect("write");
        }
    }
    drop((f, g));
    let have_time = Path::new("/usr/bin/time").exists();
    println!(
        "{N} varied reports, `nianbao batch` on this machine ({} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let runs = [
        ("pdf", &input, N),
        ("docx", &input, N),
        ("pdf,docx", &input, N),
        ("ofd", &input, N),
        ("ofd,pdf", &input, N),
        ("pdf", &small, N / 10),
    ];
    for (formats, input, n) in runs {
        let out = dir.join(format!("out-{}-{n}", formats.replace(',', "-")));
        let mut cmd = if have_time {
            Command::new("/usr/bin/time")
        } else {
            Command::new(exe)
        };
        if have_time {
            cmd.args(["-f", "%M", exe]);
        }
        cmd.args([
            "batch",
            input.to_str().expect("utf-8"),
            "-q",
            "-o",
            out.to_str().expect("utf-8"),
            "-f",
            formats,
        ]);
        let (secs, mb) = rss_and_time(&mut cmd);
        println!(
            "  batch {formats:<9} {n:>5} reports {:>7.1} reports/s  ({secs:.1} s)  peak RSS {mb:.0} MB",
            n as f64 / secs
        );
    }
    // One process per report, for the ratio.
    let one = dir.join("one");
    std::fs::create_dir_all(&one).expect("dir");
    let t = Instant::now();
    for i in 0..N {
        let path = one.join(format!("{i}.json"));
        std::fs::write(&path, report(i, &base).to_string()).expect("write");
        let ok = Command::new(exe)
            .args([
                "render",
                path.to_str().expect("utf-8"),
                "-q",
                "-o",
                one.join(format!("{i}.pdf")).to_str().expect("utf-8"),
            ])
            .status()
            .expect("runs")
            .success();
        assert!(ok);
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "  one process each, pdf {:>5.1} reports/s  ({secs:.1} s)",
        N as f64 / secs
    );
    let _ = std::fs::remove_dir_all(&dir);
}
