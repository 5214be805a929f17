//! The check across years (`check --previous`, `batch --previous`): this
//! year's 上年结转 against last year's 结转下年度, and a 2019-format
//! 上一年项目数量 against last year's plus its 本年增/减.

use crate::common::{self, goushi, set};
use serde_json::{json, Value};
use std::path::PathBuf;

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-years-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn write(path: &std::path::Path, v: &Value) -> String {
    std::fs::write(path, v.to_string()).expect("write");
    path.to_str().expect("utf-8").to_string()
}

/// Last year's goushi (2019, the same format): what 2020 carried over was
/// carried forward, and the 2019 table 二 leads to 2020's.
fn last_year() -> Value {
    let mut last = goushi();
    set(&mut last, "/year", json!(2019));
    last
}

#[test]
fn carried_over_must_equal_last_years_carried_forward() {
    let dir = temp("carry");
    let mut last = last_year();
    set(&mut last, "/applications/carried_forward/1", json!(3));
    let last = write(&dir.join("2019.json"), &last);
    let this = write(&dir.join("2020.json"), &goushi());
    let o = common::cli(&["check", &this, "--previous", &last], b"");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "a warning, not an error: {err}");
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("check-carryover"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    let line = lines[0];
    assert!(
        line.contains("表三「二、上年结转政府信息公开申请数量」×「商业企业」"),
        "{line}"
    );
    assert!(
        line.contains("2020") && line.contains("2019") && line.contains(" 3"),
        "{line}"
    );
    // The same figures: nothing to say.
    let same = write(&dir.join("2019-same.json"), &last_year());
    let o = common::cli(&["check", &this, "--previous", &same], b"");
    assert!(!String::from_utf8_lossy(&o.stderr).contains("check-carryover"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_2019_previous_year_count_must_follow_last_years_change() {
    let dir = temp("items");
    let mut last = last_year();
    // 2019: 行政许可 上一年 10, 本年增/减 +2 → 2020's 上一年 should be 12.
    set(&mut last, "/active_disclosure/licensing/0", json!(10));
    set(&mut last, "/active_disclosure/licensing/1", json!(2));
    let mut this = goushi();
    set(&mut this, "/active_disclosure/licensing/0", json!(11));
    let last = write(&dir.join("2019.json"), &last);
    let this_path = write(&dir.join("2020.json"), &this);
    let o = common::cli(&["check", &this_path, "--previous", &last], b"");
    let err = String::from_utf8_lossy(&o.stderr);
    let line = err
        .lines()
        .find(|l| l.contains("check-carryover"))
        .unwrap_or_else(|| panic!("a warning: {err}"));
    assert!(
        line.contains("表二「行政许可」×「上一年项目数量」"),
        "{line}"
    );
    assert!(
        line.contains("11") && line.contains("10") && line.contains("+2") && line.contains("12"),
        "{line}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn years_that_do_not_follow_are_said_and_not_compared() {
    let dir = temp("gap");
    let mut last = last_year();
    set(&mut last, "/year", json!(2017));
    set(&mut last, "/applications/carried_forward/1", json!(3));
    let last = write(&dir.join("2017.json"), &last);
    let this = write(&dir.join("2020.json"), &goushi());
    let o = common::cli(&["check", &this, "--previous", &last], b"");
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("check-carryover"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].contains("2017") && !lines[0].contains("carried_over"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn batch_matches_each_report_with_its_units_last_year() {
    let dir = temp("batch");
    let prev = dir.join("prev");
    std::fs::create_dir_all(&prev).expect("dir");
    let mut a_last = last_year();
    set(&mut a_last, "/applications/carried_forward/0", json!(5));
    write(&prev.join("a.json"), &a_last);
    let mut b_last = last_year();
    set(&mut b_last, "/unit", json!("另一镇人民政府"));
    write(&prev.join("b.json"), &b_last);
    let mut b = goushi();
    set(&mut b, "/unit", json!("另一镇人民政府"));
    let inputs = write(&dir.join("all.json"), &json!([goushi(), b]));
    let out = dir.join("out");
    let summary = dir.join("summary.json");
    let o = common::cli(
        &[
            "batch",
            &inputs,
            "-o",
            out.to_str().expect("p"),
            "-f",
            "html",
            "--previous",
            prev.to_str().expect("p"),
            "--summary",
            summary.to_str().expect("p"),
        ],
        b"",
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s: Value =
        serde_json::from_slice(&std::fs::read(&summary).expect("summary")).expect("json");
    let codes = |i: usize| -> Vec<String> {
        s["reports"][i]["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .filter_map(|w| w["code"].as_str().map(str::to_string))
            .collect()
    };
    assert!(codes(0).contains(&"check-carryover".to_string()), "{s}");
    assert!(!codes(1).contains(&"check-carryover".to_string()), "{s}");
    let _ = std::fs::remove_dir_all(&dir);
}
