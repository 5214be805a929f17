//! The data contract (`formats/data-model.md`) through the public API:
//! shapes, computed cells, blanks and the 勾稽关系 checks.

use crate::common;

use common::{goushi, remove, set, shili};
use nianbao::data::{check_value, Checked, Format, Money};
use nianbao::{Code, Diagnostics, Location};
use serde_json::{json, Value};

fn ok(v: &Value) -> Checked {
    match check_value(v) {
        Ok(c) => c,
        Err(d) => panic!("expected the shape to pass:\n{d}"),
    }
}

fn shape_errors(v: &Value) -> Diagnostics {
    check_value(v).expect_err("expected shape errors")
}

fn pointers(d: &Diagnostics) -> Vec<String> {
    d.iter()
        .map(|d| match &d.location {
            Location::Pointer { pointer } => pointer.clone(),
            other => format!("{other}"),
        })
        .collect()
}

/// The message of the one diagnostic of `code` at `pointer`.
fn only(d: &Diagnostics, code: Code, pointer: &str) -> nianbao::Text {
    let at = Location::Pointer {
        pointer: pointer.into(),
    };
    let hits: Vec<_> = d
        .iter()
        .filter(|x| x.code == code && x.location == at)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "expected one {code:?} at {pointer}, got:\n{d}"
    );
    hits[0].message.clone()
}

/// The diagnostics without the blank-form lints (`incomplete`), which
/// hand-cut test reports (no signature, empty sections) raise by design.
fn beyond_lints(d: &nianbao::Diagnostics) -> nianbao::Diagnostics {
    nianbao::Diagnostics(
        d.iter()
            .filter(|x| x.code != Code::Incomplete)
            .cloned()
            .collect(),
    )
}

#[test]
fn both_samples_pass_without_diagnostics() {
    // The 缑氏镇 report as published on the web carries no 署名: that, and
    // only that, is said.
    let c = ok(&goushi());
    assert_eq!(c.diagnostics.len(), 1, "{}", c.diagnostics);
    assert_eq!(c.diagnostics.0[0].code, Code::Incomplete);
    assert!(c.diagnostics.0[0].message.en.contains("signature"));
    let c = ok(&shili());
    assert!(c.diagnostics.is_empty(), "{}", c.diagnostics);
}

#[test]
fn a_blank_form_is_not_a_report() {
    let report = nianbao::data::blank(Format::F2021, "（单位名称）", 2021);
    let c = nianbao::data::check_report(&report).expect("a blank passes the checks");
    assert!(!c.has_errors());
    let at: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::Incomplete)
        .map(|d| d.location.to_string())
        .collect();
    for want in [
        "/unit",
        "/overview",
        "/problems",
        "/other_matters",
        "/signature",
    ] {
        assert!(at.iter().any(|a| a == want), "{want} in {at:?}");
    }
}

#[test]
fn format_follows_year_when_absent() {
    let mut v = goushi();
    remove(&mut v, "/format");
    assert_eq!(ok(&v).resolved.format, Format::F2019);
    let mut v = shili();
    remove(&mut v, "/format");
    assert_eq!(ok(&v).resolved.format, Format::F2021);
}

#[test]
fn wrong_row_length_names_path_and_counts() {
    let mut v = goushi();
    set(
        &mut v,
        "/applications/withheld/third_party_rights",
        json!([0, 0, 0, 0, 0]),
    );
    let d = shape_errors(&v);
    let m = only(&d, Code::Shape, "/applications/withheld/third_party_rights");
    assert_eq!(m.en, "expected 6 or 7 counts, found 5");
}

#[test]
fn review_rows_take_four_or_five() {
    let mut v = goushi();
    set(&mut v, "/review_litigation/review", json!([0, 0, 0]));
    let m = only(&shape_errors(&v), Code::Shape, "/review_litigation/review");
    assert_eq!(m.en, "expected 4 or 5 counts, found 3");
}

#[test]
fn negative_counts_strings_and_fractions_are_refused() {
    let mut v = goushi();
    set(&mut v, "/applications/granted/2", json!(-1));
    set(&mut v, "/applications/new/1", json!("3"));
    set(&mut v, "/applications/carried_over/0", json!(1.5));
    set(&mut v, "/active_disclosure/rules/0", json!(true));
    let d = shape_errors(&v);
    let mut p = pointers(&d);
    p.sort();
    assert_eq!(
        p,
        [
            "/active_disclosure/rules/0",
            "/applications/carried_over/0",
            "/applications/granted/2",
            "/applications/new/1"
        ]
    );
    assert!(d.iter().all(|x| x.code == Code::Shape));
    let hint = d
        .iter()
        .find_map(|x| x.hint.clone().filter(|h| h.contains("without quotes")));
    assert!(hint.is_some(), "{d}");
}

#[test]
fn numbers_beyond_the_integer_range_are_refused() {
    let mut v = goushi();
    set(&mut v, "/applications/new/0", json!(1e30));
    only(&shape_errors(&v), Code::Shape, "/applications/new/0");
}

#[test]
fn signed_change_may_be_negative_in_2019() {
    let mut v = goushi();
    set(&mut v, "/active_disclosure/licensing", json!([20, -18, 2]));
    ok(&v);
}

#[test]
fn unknown_key_has_did_you_mean_and_no_missing_duplicate() {
    let mut v = goushi();
    let apps = v["applications"].clone();
    remove(&mut v, "/applications");
    v.as_object_mut()
        .expect("object")
        .insert("aplications".into(), apps);
    let d = shape_errors(&v);
    assert_eq!(d.len(), 1, "{d}");
    only(&d, Code::UnknownKey, "/aplications");
    assert_eq!(
        d.0[0].hint.as_ref().map(|h| h.en.as_str()),
        Some("did you mean `applications`?")
    );
}

#[test]
fn unknown_key_far_from_any_lists_the_keys() {
    let mut v = goushi();
    set(&mut v, "/applications/zzz", json!(1));
    let d = shape_errors(&v);
    only(&d, Code::UnknownKey, "/applications/zzz");
    assert!(d.0[0]
        .hint
        .as_ref()
        .is_some_and(|h| h.contains("carried_forward")));
}

#[test]
fn missing_required_key_is_named() {
    let mut v = shili();
    remove(&mut v, "/applications/new");
    let m = only(&shape_errors(&v), Code::MissingKey, "/applications");
    assert!(m.contains("`new`"), "{m}");
}

#[test]
fn key_of_the_2019_format_in_a_2021_report() {
    let mut v = shili();
    set(
        &mut v,
        "/active_disclosure/other_services",
        json!([0, 0, 0]),
    );
    let m = only(
        &shape_errors(&v),
        Code::WrongFormatKey,
        "/active_disclosure/other_services",
    );
    assert!(m.contains("2019–2020 format"), "{m}");
}

#[test]
fn key_of_the_2021_format_in_a_2019_report() {
    let mut v = goushi();
    set(
        &mut v,
        "/applications/other",
        json!({"no_correction": [0,0,0,0,0,0], "unpaid_fee": [0,0,0,0,0,0], "other": [0,0,0,0,0,0]}),
    );
    only(
        &shape_errors(&v),
        Code::WrongFormatKey,
        "/applications/other",
    );
}

#[test]
fn the_2019_section_two_shape_in_a_2021_report() {
    let mut v = shili();
    set(&mut v, "/active_disclosure/licensing", json!([0, 0, 0]));
    only(
        &shape_errors(&v),
        Code::Shape,
        "/active_disclosure/licensing",
    );
}

#[test]
fn label_overrides_must_be_official_labels() {
    let mut v = goushi();
    set(&mut v, "/labels/规范性文件x", json!("x"));
    let d = shape_errors(&v);
    only(&d, Code::UnknownKey, "/labels/规范性文件x");
    assert_eq!(
        d.0[0].hint.as_ref().map(|h| h.en.as_str()),
        Some("did you mean `规范性文件`?")
    );
    // 规范性文件 is the 2019 wording, 行政规范性文件 the 2021 one.
    let mut v = shili();
    set(&mut v, "/labels", json!({"规范性文件": "x"}));
    only(&shape_errors(&v), Code::UnknownKey, "/labels/规范性文件");
    set(&mut v, "/labels", json!({"行政规范性文件": "x"}));
    ok(&v);
    let mut v = goushi();
    set(&mut v, "/labels/行政规范性文件", json!("x"));
    only(
        &shape_errors(&v),
        Code::UnknownKey,
        "/labels/行政规范性文件",
    );
}

#[test]
fn control_characters_are_refused_with_the_path() {
    let mut v = goushi();
    set(&mut v, "/overview/0", json!("第一行\n第二行"));
    let m = only(&shape_errors(&v), Code::Shape, "/overview/0");
    assert!(m.contains("U+000A"), "{m}");
}

#[test]
fn paragraph_objects_need_a_heading() {
    let mut v = goushi();
    set(&mut v, "/overview/1", json!({"text": "无标题"}));
    only(&shape_errors(&v), Code::MissingKey, "/overview/1");
}

#[test]
fn year_and_format_are_checked() {
    let mut v = goushi();
    set(&mut v, "/year", json!("2020"));
    set(&mut v, "/format", json!("2020"));
    let mut p = pointers(&shape_errors(&v));
    p.sort();
    assert_eq!(p, ["/format", "/year"]);
}

#[test]
fn totals_are_computed_when_absent() {
    let mut v = shili();
    remove(&mut v, "/applications/total");
    set(&mut v, "/applications/new", json!([12, 3, 1, 0, 2, 1]));
    let c = ok(&v);
    let a = &c.resolved.applications;
    assert!(!a.total_given);
    assert_eq!(
        a.total,
        [
            Some(13),
            Some(4),
            Some(1),
            Some(0),
            Some(2),
            Some(1),
            Some(21)
        ]
    );
    assert_eq!(a.new[6], Some(19));
    assert_eq!(c.resolved.review_litigation.litigation_direct[4], Some(2));
    assert!(c.diagnostics.is_empty(), "{}", c.diagnostics);
}

#[test]
fn blanks_add_nothing_and_blank_sums_stay_blank() {
    let mut v = goushi();
    set(
        &mut v,
        "/applications/partially_granted",
        json!([null, null, null, null, null, null]),
    );
    set(
        &mut v,
        "/applications/granted",
        json!([1, null, 0, 0, 0, 0]),
    );
    remove(&mut v, "/applications/total");
    let c = ok(&v);
    let a = &c.resolved.applications;
    assert_eq!(a.partially_granted[6], None);
    assert_eq!(a.granted[6], Some(1));
    assert_eq!(a.total[1], Some(0), "blank + zeros = 0");
    assert!(beyond_lints(&c.diagnostics).is_empty(), "{}", c.diagnostics);
}

#[test]
fn a_check_on_a_blank_cell_is_skipped() {
    let mut v = goushi();
    set(&mut v, "/applications/total/0", Value::Null);
    set(&mut v, "/applications/new/6", Value::Null);
    let c = ok(&v);
    assert!(
        !c.diagnostics
            .iter()
            .any(|d| d.code == Code::CheckResultTotal),
        "{}",
        c.diagnostics
    );
}

#[test]
fn check_1_balance_per_column() {
    let mut v = goushi();
    set(
        &mut v,
        "/applications/carried_forward",
        json!([1, 0, 0, 0, 0, 0]),
    );
    let c = ok(&v);
    let m = only(
        &c.diagnostics,
        Code::CheckBalance,
        "/applications/carried_forward/0",
    );
    assert!(
        m.contains("自然人") && m.contains("为 1") && m.contains("为 2"),
        "{m}"
    );
    // The 总计 column is out of balance too, and nothing else.
    only(
        &c.diagnostics,
        Code::CheckBalance,
        "/applications/carried_forward/6",
    );
    assert_eq!(beyond_lints(&c.diagnostics).len(), 2, "{}", c.diagnostics);
    assert!(c.has_errors());
}

#[test]
fn check_2_result_total_as_in_pingtan_2020() {
    let mut v = goushi();
    // The total says 20 while the results sum to 1 (平潭2020 had 20 vs 26).
    set(&mut v, "/applications/new", json!([20, 0, 0, 0, 0, 0, 20]));
    set(
        &mut v,
        "/applications/total",
        json!([20, 0, 0, 0, 0, 0, 20]),
    );
    let c = ok(&v);
    let m = only(
        &c.diagnostics,
        Code::CheckResultTotal,
        "/applications/total/0",
    );
    assert_eq!(m.zh, "（七）总计（自然人）为 20，但各项办理结果之和为 1");
    assert!(
        c.diagnostics.iter().all(|d| d.code != Code::CheckBalance),
        "{}",
        c.diagnostics
    );
}

#[test]
fn check_3_row_total() {
    let mut v = goushi();
    set(
        &mut v,
        "/applications/withheld/state_secret",
        json!([0, 1, 0, 0, 0, 0, 0]),
    );
    let c = ok(&v);
    let m = only(
        &c.diagnostics,
        Code::CheckRowTotal,
        "/applications/withheld/state_secret/6",
    );
    assert!(m.contains("1.属于国家秘密"), "{m}");
}

#[test]
fn check_4_review_total_as_in_hongze_2023() {
    let mut v = shili();
    set(
        &mut v,
        "/review_litigation/litigation_after_review",
        json!([5, 3, 2, 1, 0]),
    );
    let c = ok(&v);
    let m = only(
        &c.diagnostics,
        Code::CheckReviewTotal,
        "/review_litigation/litigation_after_review/4",
    );
    assert!(m.contains("为 0") && m.contains("之和为 11"), "{m}");
}

#[test]
fn prose_figures_that_disagree_are_warnings() {
    let mut v = goushi();
    let text = v["overview"][2]["text"]
        .as_str()
        .expect("text")
        .replace("1件", "3件");
    set(&mut v, "/overview/2/text", json!(text));
    let c = ok(&v);
    only(&c.diagnostics, Code::ProseMismatch, "/overview/2/text");
    assert!(!c.has_errors());
}

#[test]
fn heading_without_numbering_warns() {
    let mut v = goushi();
    set(&mut v, "/overview/1/heading", json!("主动公开。"));
    let c = ok(&v);
    only(&c.diagnostics, Code::HeadingLevel, "/overview/1/heading");
    assert_eq!(c.resolved.overview[1].level, Some(2));
}

#[test]
fn money_strings_are_kept_verbatim() {
    let c = ok(&shili());
    match c.resolved.active_disclosure {
        nianbao::data::ActiveDisclosure::F2021(ad) => {
            assert_eq!(ad.fees, Some(Money::Text("3.6000".into())));
        }
        other => panic!("2021 shape expected, got {other:?}"),
    }
}

#[test]
fn default_title_and_explicit_lines() {
    assert_eq!(
        ok(&goushi()).resolved.title,
        ["缑氏镇人民政府2020年政府信息公开工作年度报告"]
    );
    assert_eq!(
        ok(&shili()).resolved.title,
        ["示例镇人民政府", "2021年政府信息公开工作年度报告"]
    );
}

#[test]
fn signature_date_is_normalised() {
    let c = ok(&shili());
    assert_eq!(
        c.resolved.signature.expect("signature").date,
        "2022年1月20日"
    );
}

#[test]
fn null_means_absent_for_optional_keys() {
    let mut v = shili();
    set(&mut v, "/signature", Value::Null);
    set(&mut v, "/title", Value::Null);
    let c = ok(&v);
    assert!(c.resolved.signature.is_none());
}

#[test]
fn a_report_built_in_rust_round_trips_through_the_checks() {
    let report = nianbao::data::blank(Format::F2021, "示例镇人民政府", 2021);
    let c = nianbao::data::check_report(&report).expect("blank passes");
    assert!(beyond_lints(&c.diagnostics).is_empty(), "{}", c.diagnostics);
    let mut bad = report;
    bad.applications.new = vec![Some(1); 5];
    let d = nianbao::data::check_report(&bad).expect_err("wrong length");
    only(&d, Code::Shape, "/applications/new");
}
