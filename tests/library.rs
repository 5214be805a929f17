//! The library as an outside program uses it: only the public API.

use crate::common;

use common::{goushi, set, shili};
use nianbao::data::{blank, Format, Paragraph};
use nianbao::{Code, Engine, Location, OutputFormat, RenderOptions, Severity};
use serde_json::json;
use std::sync::Arc;

#[test]
fn the_engine_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
    let engine = Arc::new(Engine::new().expect("engine"));
    let first = engine
        .render(&shili(), OutputFormat::Pdf, RenderOptions::default())
        .expect("renders")
        .bytes;
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let e = engine.clone();
            std::thread::spawn(move || {
                ["pdf", "docx", "html"].map(|f| {
                    let format = OutputFormat::from_extension(f).expect("a format");
                    e.render(&shili(), format, RenderOptions::default())
                        .expect("renders")
                        .bytes
                })
            })
        })
        .collect();
    let html = engine
        .render(&shili(), OutputFormat::Html, RenderOptions::default())
        .expect("html")
        .bytes;
    let docx = engine
        .render(&shili(), OutputFormat::Docx, RenderOptions::default())
        .expect("docx")
        .bytes;
    for h in handles {
        let [p, d, t] = h.join().expect("a thread");
        assert!(
            p == first && d == docx && t == html,
            "every thread, every format: the same bytes"
        );
    }
}

#[test]
fn check_returns_diagnostics_as_data() {
    let engine = Engine::new().expect("engine");
    let mut v = goushi();
    set(&mut v, "/applications/total/0", json!(20));
    let d = engine.check(&v);
    assert!(d.has_errors());
    let e = d
        .errors()
        .find(|e| e.code == Code::CheckResultTotal)
        .expect("check 2");
    assert_eq!(e.severity, Severity::Error);
    assert_eq!(
        e.location,
        Location::Pointer {
            pointer: "/applications/total/0".into()
        }
    );
    let as_json = serde_json::to_value(e).expect("serialises");
    assert_eq!(as_json["code"], "check-result-total");
    assert_eq!(as_json["location"]["pointer"], "/applications/total/0");
}

#[test]
fn refused_without_force_rendered_with_it() {
    let engine = Engine::new().expect("engine");
    let mut v = goushi();
    set(&mut v, "/applications/total/0", json!(20));
    assert!(engine
        .render(&v, OutputFormat::Html, RenderOptions::default())
        .is_err());
    let forced = RenderOptions {
        force: true,
        ..RenderOptions::default()
    };
    let r = engine
        .render(&v, OutputFormat::Html, forced)
        .expect("forced");
    assert!(
        r.diagnostics.has_errors(),
        "the check errors come back with the document"
    );
    // Shape errors are never forced through.
    set(&mut v, "/applications/new", json!([1]));
    assert!(engine.render(&v, OutputFormat::Html, forced).is_err());
}

#[test]
fn a_report_built_from_rust_values_renders_in_every_format() {
    let mut report = blank(Format::F2019, "缑氏镇人民政府", 2020);
    report.overview.push(Paragraph::Headed {
        heading: "（一）主动公开。".into(),
        text: Some("全年更新信息69条。".into()),
    });
    let engine = Engine::new().expect("engine");
    for format in OutputFormat::ALL {
        let r = engine
            .render_report(&report, format, RenderOptions::default())
            .expect("renders");
        assert!(!r.bytes.is_empty());
    }
    let serialised = serde_json::to_string(&report).expect("the report types are serde-able");
    let back: nianbao::data::Report = serde_json::from_str(&serialised).expect("and back");
    assert_eq!(back, report);
}

#[test]
fn the_creation_date_comes_only_from_the_options() {
    let engine = Engine::new().expect("engine");
    let at = |created| RenderOptions {
        created,
        ..RenderOptions::default()
    };
    let a = engine
        .render(&shili(), OutputFormat::Docx, at(Some(1_700_000_000)))
        .expect("renders")
        .bytes;
    let b = engine
        .render(&shili(), OutputFormat::Docx, at(Some(1_700_000_000)))
        .expect("renders")
        .bytes;
    assert!(a == b);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(a)).expect("zip");
    let mut core = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("docProps/core.xml").expect("core"),
        &mut core,
    )
    .expect("read");
    assert!(core.contains("2023-11-14T22:13:20Z"), "{core}");
}

/// A workbook read with `input::load` renders through `render_input` to
/// the same PDF as its JSON, and to an OFD from the same call; the
/// reader's warnings come first and name their workbook cell.
#[test]
fn a_workbook_renders_through_the_engine_like_its_json() {
    let engine = common::engine();
    let data = shili();
    let format = nianbao::data::check_value(&data)
        .expect("valid")
        .resolved
        .format;
    let book = nianbao::sheet::write(&data, format, None).expect("a workbook");
    let input = nianbao::input::load(&book, "shili.xlsx").expect("reads");
    let formats = [OutputFormat::Pdf, OutputFormat::Ofd];
    let all = engine
        .render_input(&input, &formats, RenderOptions::default())
        .expect("renders");
    assert_eq!(all.len(), 2);
    let direct = engine
        .render(&data, OutputFormat::Pdf, RenderOptions::default())
        .expect("renders");
    assert!(
        all[0].bytes == direct.bytes,
        "the workbook's PDF is the JSON's"
    );
    assert!(all[1].bytes.starts_with(b"PK\x03\x04"), "an OFD package");

    // The reader's warnings come first, at their cell.
    let mut typed = nianbao::input::load(&book, "shili.xlsx").expect("reads");
    let pointer = "/applications/new/0";
    let mut w = nianbao::Diagnostics::new();
    w.push(nianbao::Diagnostic::warning(
        Code::Shape,
        pointer,
        nianbao::tr("文字数字", "a figure as text"),
    ));
    typed.warnings = w;
    let r = engine
        .render_input(&typed, &[OutputFormat::Html], RenderOptions::default())
        .expect("renders");
    let first = r[0].diagnostics.iter().next().expect("a warning");
    assert_eq!(first.code, Code::Shape);
    let place = first.place.clone().unwrap_or_default();
    assert!(place.contains('!'), "names the workbook cell: {place}");
}
