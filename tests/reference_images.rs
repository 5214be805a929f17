//! The sample pages rendered by poppler (pdftoppm) compared with reference
//! images in `tests/references/`, with a tolerance for antialiasing. Says
//! it was skipped when pdftoppm is not installed; `UPDATE_SNAPSHOTS=1`
//! rewrites the references (look at them before committing).

use crate::common;

use common::{goushi, grey, root, shili};
use nianbao::{OutputFormat, RenderOptions};
use std::process::Command;

#[test]
fn sample_pages_match_their_reference_images() {
    if !common::tools::have(
        "pdftoppm",
        &["-v"],
        "poppler-utils",
        "sample_pages_match_their_reference_images",
    ) {
        return;
    }
    let engine = common::engine();
    let dir = std::env::temp_dir().join(format!("nianbao-ref-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    for (name, data) in [("goushi-2020", goushi()), ("shili-2021", shili())] {
        let pdf = engine
            .render(&data, OutputFormat::Pdf, RenderOptions::default())
            .expect("renders")
            .bytes;
        let pdf_path = dir.join(format!("{name}.pdf"));
        std::fs::write(&pdf_path, pdf).expect("write");
        let prefix = dir.join(name);
        let ok = Command::new("pdftoppm")
            .args(["-r", "40", "-gray", "-png"])
            .arg(&pdf_path)
            .arg(&prefix)
            .status()
            .expect("pdftoppm runs")
            .success();
        assert!(ok, "pdftoppm renders {name}");
        let mut pages: Vec<_> = std::fs::read_dir(&dir)
            .expect("list")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{name}-")))
            })
            .collect();
        pages.sort();
        assert!(!pages.is_empty());
        for (i, page) in pages.iter().enumerate() {
            let reference = root().join(format!("tests/references/{name}-{}.png", i + 1));
            if update {
                std::fs::copy(page, &reference).expect("write reference");
                continue;
            }
            assert!(
                reference.exists(),
                "no reference {} (UPDATE_SNAPSHOTS=1 writes it)",
                reference.display()
            );
            let (w, h, got) = grey(page);
            let (rw, rh, want) = grey(&reference);
            assert_eq!((w, h), (rw, rh), "{name} page {} size", i + 1);
            let diff: u64 = got
                .iter()
                .zip(&want)
                .map(|(a, b)| u64::from(a.abs_diff(*b)))
                .sum();
            let mean = diff as f64 / got.len() as f64;
            let changed = got
                .iter()
                .zip(&want)
                .filter(|(a, b)| a.abs_diff(**b) > 64)
                .count() as f64
                / got.len() as f64;
            assert!(
                mean < 2.0 && changed < 0.01,
                "{name} page {}: mean difference {mean:.2}, {:.2}% pixels changed",
                i + 1,
                changed * 100.0
            );
        }
        let count = std::fs::read_dir(root().join("tests/references"))
            .expect("references")
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{name}-"))
            })
            .count();
        assert_eq!(count, pages.len(), "{name}: as many pages as references");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
