//! The HTML page as a browser lays it out: headless Chromium loads each
//! sample's page in a frame of a measuring page, and reports every table
//! cell's edges from its own layout (`getBoundingClientRect`). The grid a
//! browser draws must be the one the page declares (the PDF's): the 表三
//! vertical-label column 12 mm wide, not squeezed or stretched.

use crate::common;

use common::{goushi, shili, tools};
use nianbao::{OutputFormat, RenderOptions};
use serde_json::Value;
use std::process::Command;

/// The measuring page: loads `report.html` and writes, per table, its
/// declared column widths and the distinct left/right edges of its cells.
const MEASURE: &str = r#"<!DOCTYPE html><html><body><pre id="out">waiting</pre>
<iframe id="f" src="report.html" style="width:1200px;height:900px"></iframe>
<script>
document.getElementById('f').addEventListener('load', () => {
  const d = document.getElementById('f').contentDocument;
  const lines = [];
  d.querySelectorAll('table').forEach(t => {
    const cols = [...t.querySelectorAll('col')].map(c => parseFloat(c.style.width));
    const edges = new Set();
    t.querySelectorAll('td, th').forEach(td => {
      const r = td.getBoundingClientRect();
      edges.add(Math.round(r.left * 10) / 10);
      edges.add(Math.round(r.right * 10) / 10);
    });
    lines.push('TABLE ' + JSON.stringify({cols, edges: [...edges].sort((a, b) => a - b)}));
  });
  document.getElementById('out').textContent = lines.join('\n');
});
</script></body></html>"#;

/// Per table: the declared widths (mm) and the measured edges (CSS px).
fn measure(data: &Value, name: &str) -> Vec<(Vec<f64>, Vec<f64>)> {
    let html = common::engine()
        .render(data, OutputFormat::Html, RenderOptions::default())
        .expect("renders")
        .bytes;
    let dir = std::env::temp_dir().join(format!("nianbao-html-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("report.html"), html).expect("write");
    std::fs::write(dir.join("measure.html"), MEASURE).expect("write");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", dir.join("measure.html").display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let _ = std::fs::remove_dir_all(&dir);
    let tables: Vec<(Vec<f64>, Vec<f64>)> = dom
        .lines()
        .filter_map(|l| {
            l.split_once("TABLE ")
                .map(|(_, j)| j.trim_end_matches("</pre>"))
        })
        // The script's own text mentions the marker too.
        .filter(|j| j.starts_with('{'))
        .map(|j| {
            let v: Value = serde_json::from_str(j).expect("the measure's JSON");
            let nums = |k: &str| -> Vec<f64> {
                v[k].as_array()
                    .expect("array")
                    .iter()
                    .map(|x| x.as_f64().expect("number"))
                    .collect()
            };
            (nums("cols"), nums("edges"))
        })
        .collect();
    assert!(!tables.is_empty(), "Chromium measured no table: {dom}");
    tables
}

#[test]
fn a_browser_draws_the_declared_grid() {
    if !tools::have(
        "chromium",
        &["--version"],
        "chromium",
        "the HTML browser test",
    ) {
        return;
    }
    for (data, name) in [(goushi(), "goushi"), (shili(), "shili")] {
        let tables = measure(&data, name);
        assert_eq!(tables.len(), 3, "{name}: tables 二、三、四");
        for (t, (cols, edges)) in tables.iter().enumerate() {
            // CSS: 96 px to the inch.
            let px = |mm: f64| mm * 96.0 / 25.4;
            let mut want = vec![edges[0]];
            for w in cols {
                want.push(want.last().expect("edge") + px(*w));
            }
            assert_eq!(
                edges.len(),
                want.len(),
                "{name} table {t}: {edges:?} vs {want:?}"
            );
            for (got, want) in edges.iter().zip(&want) {
                assert!(
                    (got - want).abs() <= 1.5,
                    "{name} table {t}: edges {edges:?}, declared {want:?}"
                );
            }
        }
        // 表三's first column, the vertical 三、本年度办理结果, is 12 mm.
        let (cols, edges) = &tables[1];
        assert!((cols[0] - 12.0).abs() < 0.5, "{cols:?}");
        assert!(((edges[1] - edges[0]) - 12.0 * 96.0 / 25.4).abs() <= 1.5);
    }
}
