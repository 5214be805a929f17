//! The editing page of `nianbao serve` in a real browser: the real
//! binary on a free port, a report made from `samples/shili-2021.json`,
//! and `common/page.py` driving headless Chromium through chromedriver
//! (selenium) as a clerk would: clearing a given 总计 (it becomes
//! computed), typing a figure that breaks the balance (the total follows,
//! the `check-balance` error appears at a cell), autosave (a new
//! revision), the preview's pages against the forced PDF's (`pdfinfo`)
//! and the figure in it (`pdftotext`), a block pasted from a spreadsheet,
//! and a stale save (the Chinese conflict message, both values, the
//! clerk's choice). Bounded: the script has two minutes.
//!
//! `NIANBAO_SCREENSHOTS=DIR` also writes the screenshots of README's
//! serve section (the list, the form with an error, the preview, the
//! conflict) into DIR.

use crate::common::{goushi, shili, tools};
use crate::serve::{data_dir, post_json, Server};
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn a_clerk_edits_checks_saves_previews_and_meets_a_conflict_in_chromium() {
    let what = "the editing page in a browser";
    if !tools::have("chromium", &["--version"], "chromium", what)
        || !tools::have("chromedriver", &["--version"], "chromium-driver", what)
        || !tools::have("pdfinfo", &["-v"], "poppler-utils", what)
        || !tools::have_python_module("selenium", "selenium", what)
    {
        return;
    }
    let dir = data_dir("page");
    let server = Server::start(&dir.join("data"));
    let created = post_json(&server.at("/api/reports"), &shili());
    assert_eq!(created.status, 201);
    let id = created.json()["id"].as_i64().expect("an id");
    let work = dir.join("browser");
    std::fs::create_dir_all(&work).expect("a work folder");

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/page.py");
    let mut cmd = Command::new("timeout");
    cmd.args([
        "-k",
        "5",
        "120",
        "python3",
        script,
        &server.url,
        &id.to_string(),
    ])
    .arg(&work);
    if let Ok(shots) = std::env::var("NIANBAO_SCREENSHOTS") {
        std::fs::create_dir_all(&shots).expect("the screenshots' folder");
        // A list of more than one report to show.
        for more in [
            goushi(),
            serde_json::json!({"blank": {"unit": "示例县财政局", "year": 2025}}),
        ] {
            assert_eq!(post_json(&server.at("/api/reports"), &more).status, 201);
        }
        cmd.arg(shots);
    }
    let t = Instant::now();
    let out = cmd.output().expect("python3 runs");
    let said = String::from_utf8_lossy(&out.stdout);
    eprintln!("{said}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "the page failed a step (exit {:?}):\n{said}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("ok: kept mine"), "{said}");
    assert!(t.elapsed() < Duration::from_secs(125));
}
