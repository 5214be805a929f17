//! The report's data inside the documents, read back with none of
//! nianbao's code: the OFD's attachment through `tests/common/ofdread.py`
//! (GB/T 33190's `Attachments` → `Attachment` → `FileLoc`), the HTML's
//! `<script type="application/json" id="nianbao-data">` and each figure's
//! `data-pointer` through Python's own HTML parser
//! (`tests/common/htmlread.py`). Each gives back JSON equal to the input,
//! every pointer names the figure its cell prints, and text that looks
//! like markup cannot end the script early.

use crate::common;

use common::{goushi, shili, tools};
use nianbao::{OutputFormat, RenderOptions};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn write(name: &str, data: &Value, format: OutputFormat) -> PathBuf {
    let bytes = match common::engine().render(data, format, RenderOptions::default()) {
        Ok(r) => r.bytes,
        Err(d) => panic!("{d}"),
    };
    let dir = std::env::temp_dir().join(format!("nianbao-embedded-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("{name}.{}", format.extension()));
    std::fs::write(&path, bytes).expect("write");
    path
}

fn python(script: &str, file: &Path) -> Value {
    let out = Command::new("python3")
        .arg(common::root().join("tests/common").join(script))
        .arg(file)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the reader's JSON")
}

/// A report whose prose holds what would end a script element or open
/// markup, were it written raw.
fn markup_in_prose() -> Value {
    let mut d = shili();
    common::set(
        &mut d,
        "/other_matters",
        serde_json::json!(["无。</script><script>alert(1)</script> & <!-- 注释 --> \u{2028}"]),
    );
    d
}

/// How a table cell prints a figure of the data.
fn printed(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn the_html_carries_the_json_and_each_figure_its_pointer() {
    if !tools::have(
        "python3",
        &["--version"],
        "python3",
        "the HTML's embedded data",
    ) {
        return;
    }
    for (name, data) in [
        ("goushi", goushi()),
        ("shili", shili()),
        ("markup", markup_in_prose()),
    ] {
        let r = python("htmlread.py", &write(name, &data, OutputFormat::Html));
        assert_eq!(r["scripts"], 1, "{name}: the data's script and no other");
        let text = r["data"].as_str().expect("a nianbao-data script");
        let back: Value = serde_json::from_str(text).expect("its text is JSON");
        assert_eq!(back, data, "{name}: the embedded JSON is the report");

        // The headers are <th> with their scope, as the tagged PDF's TH.
        let heads: Vec<(String, String)> = r["headers"]
            .as_array()
            .expect("headers")
            .iter()
            .map(|h| {
                (
                    h["scope"].as_str().unwrap_or_default().to_string(),
                    h["text"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        for (scope, text) in [
            ("col", "信息内容"),
            ("col", "申请人情况"),
            ("col", "自然人"),
            ("row", "行政许可"),
            ("row", "三、本年度办理结果"),
        ] {
            assert!(
                heads.contains(&(scope.to_string(), text.to_string())),
                "{name}: <th scope={scope}> {text}"
            );
        }

        let cells = r["cells"].as_array().expect("cells");
        // Every value cell of the three tables: section 3 alone has 7
        // columns of figures over more than 20 rows.
        assert!(
            cells.len() > 150,
            "{name}: {} cells with a pointer",
            cells.len()
        );
        for c in cells {
            let pointer = c["pointer"].as_str().expect("pointer");
            let figure = data.pointer(pointer);
            // A total the data left to be computed (data-model.md: a row
            // of 6 values leaves 总计, the 7th, to be computed; section
            // 四's rows of 4 leave the 5th; `total` is optional) has its
            // place in the contract but not in this file.
            if let Some(v) = figure {
                assert_eq!(c["text"], printed(v), "{name}: the cell at {pointer}");
            } else {
                let computed = pointer.starts_with("/applications/total/")
                    || (pointer.starts_with("/applications/") && pointer.ends_with("/6"))
                    || (pointer.starts_with("/review_litigation/") && pointer.ends_with("/4"));
                assert!(computed, "{name}: {pointer} is nowhere in the data");
            }
        }
    }
}

#[test]
fn the_ofd_carries_the_json_as_its_attachment() {
    if !tools::have_python_module("fontTools", "pip install fonttools", "the OFD's attachment") {
        return;
    }
    for (name, data) in [("goushi", goushi()), ("markup", markup_in_prose())] {
        let r = python("ofdread.py", &write(name, &data, OutputFormat::Ofd));
        let attachments = r["attachments"].as_array().expect("attachments");
        assert_eq!(attachments.len(), 1, "{name}: one attachment");
        let a = &attachments[0];
        assert_eq!(a["name"], "report.json", "{name}");
        // CT_Attachment's ID is an xs:ID: a name, which cannot start with a digit.
        let id = a["id"].as_str().unwrap_or_default();
        assert!(
            id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'),
            "{name}: ID={id}"
        );
        assert_eq!(a["format"], "json", "{name}");
        let text = a["text"].as_str().expect("the file's text");
        let kb = text.len() as f64 / 1024.0;
        assert!(
            (a["size_kb"].as_f64().unwrap_or(0.0) - kb).abs() < 0.01,
            "{name}: Size in KB"
        );
        let back: Value = serde_json::from_str(text).expect("the attachment is JSON");
        assert_eq!(back, data, "{name}: the attached JSON is the report");
    }
}
