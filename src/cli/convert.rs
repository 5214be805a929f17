//! `nianbao convert IN -o OUT`: one report between JSON and a workbook.
//!
//! In: a data file or a workbook (`-` for stdin) and an output path. Out:
//! the workbook (from JSON) or the JSON (from a workbook), written
//! atomically; the input's diagnostics on stderr. A report whose shape is
//! wrong is refused (nothing written); check errors are reported and the
//! report is still converted, so that a clerk can fix the figures in the
//! workbook.

use super::report::{cannot_write, read_input, stdout_bytes, Reporter};
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use nianbao::data::Format;
use nianbao::{tr, Code, Diagnostic};
use serde_json::Value;
use std::path::Path;

pub fn run(input: &str, output: &str, out: &Reporter) -> u8 {
    if output.to_ascii_lowercase().ends_with(".xlsx") {
        if let Some(code) = county(input, output, out) {
            return code;
        }
    }
    let (bytes, name) = match read_input(input) {
        Ok(r) => r,
        Err(d) => {
            out.diagnostic(input, &d);
            return if d.code == Code::Io {
                EXIT_USAGE
            } else {
                EXIT_INVALID
            };
        }
    };
    let loaded = match nianbao::input::load(&bytes, &name) {
        Ok(l) => l,
        Err(d) => {
            out.diagnostics(&name, &d);
            return EXIT_INVALID;
        }
    };
    let mut diags = loaded.warnings.clone();
    let format = match nianbao::data::check_value(&loaded.value) {
        Ok(checked) => {
            diags.extend(checked.diagnostics);
            checked.resolved.format
        }
        Err(d) => {
            let mut d = d;
            loaded.locate(&mut d);
            out.diagnostics(&name, &d);
            return EXIT_INVALID;
        }
    };
    loaded.locate(&mut diags);
    out.diagnostics(&name, &diags);
    if nianbao::sheet::is_xlsx(&bytes) {
        let text = nianbao::data::to_pretty_json(&loaded.value) + "\n";
        write(output, text.as_bytes(), &name, out)
    } else {
        write_report(&loaded.value, format, output, &name, out)
    }
}

/// Writes a report as a workbook (`.xlsx`) or JSON, by the output's name.
pub fn write_report(value: &Value, format: Format, output: &str, name: &str, out: &Reporter) -> u8 {
    let ext = Path::new(output)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("xlsx") => {
            let created = super::render::source_date_epoch().ok().flatten();
            match nianbao::sheet::write(value, format, created) {
                Ok(bytes) => write(output, &bytes, name, out),
                Err(d) => {
                    out.diagnostic(name, &d);
                    EXIT_USAGE
                }
            }
        }
        Some("json") => {
            let text = nianbao::data::to_pretty_json(value) + "\n";
            write(output, text.as_bytes(), name, out)
        }
        _ if output == "-" => {
            let text = nianbao::data::to_pretty_json(value) + "\n";
            write(output, text.as_bytes(), name, out)
        }
        _ => {
            out.diagnostic(
                name,
                &Diagnostic::input(
                    Code::Output,
                    tr(
                        format!("输出 `{output}`：请用 .xlsx（工作簿）或 .json 作扩展名"),
                        format!("output `{output}`: name it .xlsx (a workbook) or .json"),
                    ),
                ),
            );
            EXIT_USAGE
        }
    }
}

fn write(output: &str, bytes: &[u8], name: &str, out: &Reporter) -> u8 {
    if output == "-" {
        return match stdout_bytes(bytes) {
            Ok(()) => out.exit(EXIT_OK),
            Err(e) => {
                out.diagnostic(name, &cannot_write("-", &e));
                EXIT_USAGE
            }
        };
    }
    let path = Path::new(output);
    if name != "<stdin>" && nianbao::output::same_file(Path::new(name), path) {
        out.diagnostic(
            name,
            &Diagnostic::input(
                Code::Output,
                tr(
                    format!("输出 `{output}` 就是输入本身"),
                    format!("the output `{output}` is the input itself"),
                ),
            ),
        );
        return EXIT_USAGE;
    }
    match nianbao::output::write_atomic(path, bytes) {
        Ok(()) => {
            out.note(&tr(
                format!("{name}: 已写出 {output}"),
                format!("{name}: wrote {output}"),
            ));
            EXIT_OK
        }
        Err(e) => {
            out.diagnostic(name, &cannot_write(output, &e));
            EXIT_USAGE
        }
    }
}

/// Many reports (a directory, a JSON array, JSON Lines) → one county
/// workbook, a row a report; `None` when the input is one report. A
/// report that cannot be read is reported and left out (exit 1); the
/// others are written.
fn county(input: &str, output: &str, out: &Reporter) -> Option<u8> {
    let many = Path::new(input).is_dir()
        || input.ends_with(".jsonl")
        || input.ends_with(".ndjson")
        || (input != "-"
            && std::fs::read(input)
                .ok()
                .is_some_and(|b| String::from_utf8_lossy(&b).trim_start().starts_with('[')));
    if !many {
        return None;
    }
    let units = match nianbao::batch::expand(&[input.to_string()]) {
        Ok(u) => u,
        Err(d) => {
            out.diagnostic(input, &d);
            return Some(EXIT_USAGE);
        }
    };
    let mut reports = Vec::new();
    let mut code = EXIT_OK;
    for unit in &units {
        match unit.data(None) {
            Ok(v) => reports.push(v),
            Err(d) => {
                out.diagnostics(&unit.label(), &d);
                code = EXIT_INVALID;
            }
        }
    }
    let created = super::render::source_date_epoch().ok().flatten();
    Some(match nianbao::sheet::county::write(&reports, created) {
        Ok(bytes) => write(output, &bytes, input, out).max(code),
        Err(d) => {
            out.diagnostic(input, &d);
            EXIT_USAGE
        }
    })
}
