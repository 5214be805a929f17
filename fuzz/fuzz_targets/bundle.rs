//! Untrusted template bundles: any entry template, any partial and any
//! data, compiled and rendered through the markup parser. A bundle may be
//! refused (a template, markup, limit or grid error), but never by a
//! panic, a stack overflow, a hang or unbounded memory: libFuzzer reports
//! each of those as a crash, a timeout or an out-of-memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::template::{Bundle, DataKind, Manifest, Template};
use std::collections::BTreeMap;

/// The built-in stylesheet: the bundle's styles are not what is fuzzed.
const STYLE: &str = include_str!("../../templates/annual-report/style.toml");

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else { return };
    // main.hbs \0 partials/p.hbs \0 data.json
    let mut parts = text.splitn(3, '\0');
    let main = parts.next().unwrap_or("");
    let partial = parts.next().unwrap_or("");
    let data = parts.next().unwrap_or("{}");
    let Ok(value) = serde_json::from_str::<serde_json::Value>(data) else { return };
    let mut files = BTreeMap::new();
    files.insert("style.toml".to_string(), STYLE.to_string());
    files.insert("main.hbs".to_string(), main.to_string());
    files.insert("partials/p.hbs".to_string(), partial.to_string());
    let bundle = Bundle {
        manifest: Manifest {
            name: "fuzz".into(),
            description: String::new(),
            data: DataKind::Any,
            entry: "main.hbs".into(),
            schema: None,
        },
        files,
        origin: "fuzz".into(),
    };
    let Ok(template) = Template::compile(&bundle) else { return };
    let _ = template.document(&value);
});
