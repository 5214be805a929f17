//! `cargo bench --bench render`: the seed report rendered to PDF in-process
//! (warm: the engine and fonts already loaded) and as a whole process
//! (cold: `nianbao render`), with the PDF's size and peak memory.
//!
//! Targets on the 2-core reference machine: warm PDF under 6 ms (#26),
//! the cold process well under Typst's 120 ms for the same report, peak
//! RSS ≤ 100 MB. Measured there at 28143be: warm 1.98 ms,
//! cold 14.9 ms (median of 20), 24.6 MB. The PDF (about 330 KB) outgrew
//! the first target of 150 KB once it carried its structure tree, XMP,
//! the report's JSON and a subset of each of the six faces the seed
//! uses. This is a benchmark, not a test: it reports numbers and never
//! fails on them.

use nianbao::{Engine, OutputFormat, RenderOptions};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed_path = root.join("samples/goushi-2020.json");
    let seed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&seed_path).expect("the seed sample"))
            .expect("JSON");

    let t = Instant::now();
    let engine = Engine::new().expect("engine");
    let first = engine
        .render(&seed, OutputFormat::Pdf, RenderOptions::default())
        .expect("renders");
    let first_ms = t.elapsed().as_secs_f64() * 1e3;

    let n = 50;
    let warm_ms = mean_ms(&engine, &seed, OutputFormat::Pdf, n);
    let docx_ms = mean_ms(&engine, &seed, OutputFormat::Docx, n);
    let html_ms = mean_ms(&engine, &seed, OutputFormat::Html, n);
    let ofd_ms = mean_ms(&engine, &seed, OutputFormat::Ofd, n);
    let svg_ms = mean_ms(&engine, &seed, OutputFormat::Svg, n);
    let t = Instant::now();
    for _ in 0..n {
        let (pages, _) = engine
            .render_pages(&seed, RenderOptions::default())
            .expect("renders");
        std::hint::black_box(pages.len());
    }
    let pages_ms = t.elapsed().as_secs_f64() * 1e3 / f64::from(n);
    let svg_kb = engine
        .render(&seed, OutputFormat::Svg, RenderOptions::default())
        .expect("renders")
        .bytes
        .len() as f64
        / 1024.0;

    let exe = env!("CARGO_BIN_EXE_nianbao");
    let out = std::env::temp_dir().join(format!("nianbao-bench-{}.pdf", std::process::id()));
    let runs = 20;
    let mut cold = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let status = Command::new(exe)
            .args([
                "render",
                seed_path.to_str().expect("utf-8"),
                "-q",
                "-o",
                out.to_str().expect("utf-8"),
            ])
            .status()
            .expect("runs");
        assert!(status.success());
        cold.push(t.elapsed().as_secs_f64() * 1e3);
    }
    cold.sort_by(f64::total_cmp);
    let cold_rss = Command::new("/usr/bin/time")
        .args([
            "-f",
            "%M",
            exe,
            "render",
            seed_path.to_str().expect("utf-8"),
            "-q",
            "-o",
            out.to_str().expect("utf-8"),
        ])
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stderr)
                .trim()
                .lines()
                .last()?
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or("unknown (no /usr/bin/time)".to_string(), |kb| {
            format!("{:.1} MB", kb / 1024.0)
        });
    let _ = std::fs::remove_file(&out);

    let warm_rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or("unknown".to_string(), |kb| format!("{:.1} MB", kb / 1024.0));

    println!("seed report (samples/goushi-2020.json), PDF");
    println!("  first render in process (fonts parsed): {first_ms:.1} ms");
    println!("  warm render, mean of {n}:               {warm_ms:.2} ms");
    println!("  warm DOCX render, mean of {n}:          {docx_ms:.2} ms");
    println!("  warm HTML render, mean of {n}:          {html_ms:.2} ms");
    println!("  warm OFD render, mean of {n}:           {ofd_ms:.2} ms");
    println!("  warm SVG render (one file), mean of {n}: {svg_ms:.2} ms, {svg_kb:.0} KB");
    // What `nianbao serve` does for the preview after each edit (POST /api/preview).
    println!("  warm SVG pages (a file each; the serve preview), mean of {n}: {pages_ms:.2} ms");
    println!(
        "  cold process, median of {runs}:           {:.1} ms (min {:.1}, max {:.1})",
        cold[runs / 2],
        cold[0],
        cold[runs - 1]
    );
    println!(
        "  PDF size:                               {:.1} KB",
        first.bytes.len() as f64 / 1024.0
    );
    println!("  peak RSS, cold process:                 {cold_rss}");
    println!("  peak RSS, this benchmark process:       {warm_rss}");
}

/// The mean time of `n` renders of `data` to `format` by a warm engine.
fn mean_ms(engine: &Engine, data: &serde_json::Value, format: OutputFormat, n: u32) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        let r = engine
            .render(data, format, RenderOptions::default())
            .expect("renders");
        std::hint::black_box(r.bytes.len());
    }
    t.elapsed().as_secs_f64() * 1e3 / f64::from(n)
}
