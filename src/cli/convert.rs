//! `nianbao convert IN -o OUT`: reports between JSON and workbooks.
//!
//! In: a data file, a workbook, a county workbook, an array or JSON Lines
//! file or a directory of reports (`-` for stdin), and an output path.
//! Out: what OUT's extension names, whatever the input is: `.xlsx` a
//! workbook (one report's, or the county workbook of many), `.json` (or
//! `-`, stdout, or a device such as `/dev/null`) the JSON (an array for
//! many reports); the input's
//! diagnostics on stderr. An extension it cannot write is refused before
//! anything is read. The input is read once, so a pipe or a process
//! substitution works; whether it holds one report or many is decided
//! from those bytes. A report whose shape is wrong is refused (nothing
//! written); check errors are reported and the report is still
//! converted, so that a clerk can fix the figures in the workbook. A run
//! that converts nothing leaves an existing output untouched (exit 1),
//! and no output may be an input (exit 2).

use super::report::{cannot_write, Reporter, Target};
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use nianbao::data::Format;
use nianbao::input::{Source, Unit};
use nianbao::{tr, Code, Diagnostic};
use serde_json::Value;

/// What OUT's extension asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Workbook,
    Json,
}

pub fn run(input: &str, output: &str, out: &Reporter) -> u8 {
    let source = Source::from_arg(input);
    let output = &Target::from_arg(output);
    let name = &source.name();
    let kind = match kind_of(output) {
        Ok(k) => k,
        Err(d) => {
            out.diagnostic(name, &d);
            return EXIT_USAGE;
        }
    };
    if let Some(d) = is_input(input, output) {
        out.diagnostic(name, &d);
        return EXIT_USAGE;
    }
    let units = match &source {
        Source::Path(dir) if dir.is_dir() => nianbao::input::expand(std::slice::from_ref(dir)),
        _ => {
            // Read once: a pipe gives its bytes only once.
            let bytes = match nianbao::input::read_source(&source, std::io::stdin().lock()) {
                Ok(b) => b,
                Err(d) => return failed_read(out, name, &d),
            };
            if !nianbao::input::holds_many(&bytes, &source) {
                return one(&bytes, name, kind, output, out);
            }
            nianbao::input::units_from_bytes(bytes, &source)
        }
    };
    many(&units, name, kind, output, out)
}

/// An input that cannot be read: I/O is exit 2, too large or not data 1.
fn failed_read(out: &Reporter, name: &str, d: &Diagnostic) -> u8 {
    out.diagnostic(name, d);
    if d.code == Code::Io {
        EXIT_USAGE
    } else {
        EXIT_INVALID
    }
}

/// The kind OUT names by its extension, or why it cannot be written (a
/// document format is `render`'s).
fn kind_of(output: &Target) -> Result<Kind, Diagnostic> {
    // Standard output, or a device or FIFO named without an extension
    // (`/dev/null`, `/dev/stdout`): JSON, the text a pipe carries.
    let Target::File(path) = output else {
        return Ok(Kind::Json);
    };
    let device = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
    if device && path.extension().is_none() {
        return Ok(Kind::Json);
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("xlsx") => Ok(Kind::Workbook),
        Some("json") => Ok(Kind::Json),
        Some(doc @ ("pdf" | "docx" | "ofd" | "html")) => Err(Diagnostic::input(
            Code::Output,
            tr(
                format!("convert 不写 .{doc} 文件：它只在 JSON 和工作簿（.xlsx）之间转换"),
                format!(
                    "convert does not write .{doc}: it converts between JSON and workbooks (.xlsx)"
                ),
            ),
        )
        .with_hint(tr(
            format!("排出公文用 render：nianbao render 数据.json -o 报告.{doc}"),
            format!("render the document instead: nianbao render data.json -o report.{doc}"),
        ))),
        _ => Err(Diagnostic::input(
            Code::Output,
            tr(
                format!("输出 `{output}`：请用 .xlsx（工作簿）或 .json 作扩展名"),
                format!("output `{output}`: name it .xlsx (a workbook) or .json"),
            ),
        )),
    }
}

/// Why OUT cannot be written: it is the input, or a file of the input
/// directory (compared by device and inode, whatever the names).
fn is_input(input: &str, output: &Target) -> Option<Diagnostic> {
    let path = output.path()?;
    if !nianbao::output::InputSet::of(&[input]).contains(path) {
        return None;
    }
    Some(
        Diagnostic::input(
            Code::Output,
            tr(
                format!("输出 `{output}` 就是输入本身，写出会覆盖它；什么也没有写"),
                format!("the output `{output}` is the input itself; writing would destroy it, so nothing was written"),
            ),
        )
        .with_hint(tr(
            "用 -o 指定另一个文件名",
            "give another file name with -o",
        )),
    )
}

/// One report (a data file or a report's workbook) → OUT.
fn one(bytes: &[u8], name: &str, kind: Kind, output: &Target, out: &Reporter) -> u8 {
    if let Err(d) = nianbao::data::check_size(bytes.len(), name) {
        out.diagnostic(name, &d);
        return EXIT_INVALID;
    }
    let loaded = match nianbao::input::load(bytes, name) {
        Ok(l) => l,
        Err(d) => {
            out.diagnostics(name, &d);
            return EXIT_INVALID;
        }
    };
    let mut diags = loaded.warnings.clone();
    let format = match nianbao::data::check_value(&loaded.value) {
        Ok(checked) => {
            diags.extend(checked.diagnostics);
            checked.resolved.format
        }
        Err(mut d) => {
            loaded.locate(&mut d);
            out.diagnostics(name, &d);
            return EXIT_INVALID;
        }
    };
    loaded.locate(&mut diags);
    out.diagnostics(name, &diags);
    let bytes = match kind {
        Kind::Workbook => {
            let created = super::render::source_date_epoch().ok().flatten();
            match nianbao::sheet::write(&loaded.value, format, created) {
                Ok(b) => b,
                Err(d) => {
                    out.diagnostic(name, &d);
                    return EXIT_USAGE;
                }
            }
        }
        Kind::Json => (nianbao::data::to_pretty_json(&loaded.value) + "\n").into_bytes(),
    };
    write(output, &bytes, name, out)
}

/// Many reports (a directory, an array, JSON Lines, a county workbook) →
/// the county workbook, or a JSON array. A report that cannot be read is
/// reported and left out (exit 1); when none is left, nothing is written.
///
/// Each report is checked: one that fails the 勾稽关系 is still written
/// (the county officer sends the row back to its township), named by its
/// input, row and unit, and marked in the county workbook (a light red
/// row, the errors in a note on its unit cell).
fn many(units: &[Unit], name: &str, kind: Kind, output: &Target, out: &Reporter) -> u8 {
    let mut reports = Vec::new();
    let mut marks = Vec::new();
    let mut failing = Vec::new();
    let mut code = EXIT_OK;
    for unit in units {
        match checked(unit) {
            Ok((v, diags)) => {
                let who = unit.label_for(out.lang, v["unit"].as_str());
                out.diagnostics(&who, &diags);
                let errors: Vec<String> = diags
                    .errors()
                    .map(|d| d.display(out.lang).to_string())
                    .collect();
                marks.push((!errors.is_empty()).then(|| errors.join("\n")));
                if !errors.is_empty() {
                    // The row it is written to: two header rows first.
                    failing.push((who, errors.len(), reports.len() + 3));
                }
                reports.push(v);
            }
            Err(d) => {
                let who = unit.label_for(out.lang, unit.row_unit().as_deref());
                out.diagnostics(&who, &d);
                // Unreadable is an I/O problem (2); not data is invalid (1).
                let io = d.iter().any(|d| d.code == Code::Io);
                code = code.max(if io { EXIT_USAGE } else { EXIT_INVALID });
            }
        }
    }
    if kind == Kind::Workbook {
        for (who, n, row) in &failing {
            out.status(out.say(&tr(
                format!("{who}: 未通过核对（{n} 个错误），已写入 {output} 第 {row} 行并标成红色"),
                format!("{who}: fails the checks ({n} errors); written to row {row} of {output}, marked red"),
            )));
        }
    }
    if reports.is_empty() {
        out.diagnostic(
            name,
            &Diagnostic::input(
                Code::Output,
                tr(
                    format!("没有一份报告可以转换；{output} 没有写出"),
                    format!("no report could be converted; {output} was not written"),
                ),
            ),
        );
        return code.max(EXIT_INVALID);
    }
    let bytes = match kind {
        Kind::Workbook => {
            let created = super::render::source_date_epoch().ok().flatten();
            match nianbao::sheet::county::write_marked(&reports, created, &marks) {
                Ok(b) => b,
                Err(d) => {
                    out.diagnostic(name, &d);
                    return EXIT_USAGE;
                }
            }
        }
        Kind::Json => (nianbao::data::to_pretty_json(&Value::Array(reports)) + "\n").into_bytes(),
    };
    write(output, &bytes, name, out).max(code)
}

/// A unit's report and what checking it said (at workbook cells where it
/// came from one); `Err` when it cannot be read or its shape is wrong (a
/// check error still converts, as for one report).
fn checked(unit: &Unit) -> Result<(Value, nianbao::Diagnostics), nianbao::Diagnostics> {
    let loaded = unit.input(None)?;
    let mut diags = loaded.warnings.clone();
    match nianbao::data::check_value(&loaded.value) {
        Ok(c) => diags.extend(c.diagnostics),
        Err(mut d) => {
            loaded.locate(&mut d);
            return Err(d);
        }
    }
    loaded.locate(&mut diags);
    Ok((loaded.value, diags))
}

/// Writes a report as a workbook (`.xlsx`) or JSON, by the output's name
/// (`init -o`).
pub fn write_report(
    value: &Value,
    format: Format,
    output: &Target,
    name: &str,
    out: &Reporter,
) -> u8 {
    let bytes = match kind_of(output) {
        Ok(Kind::Workbook) => {
            let created = super::render::source_date_epoch().ok().flatten();
            match nianbao::sheet::write(value, format, created) {
                Ok(b) => b,
                Err(d) => {
                    out.diagnostic(name, &d);
                    return EXIT_USAGE;
                }
            }
        }
        Ok(Kind::Json) => (nianbao::data::to_pretty_json(value) + "\n").into_bytes(),
        Err(d) => {
            out.diagnostic(name, &d);
            return EXIT_USAGE;
        }
    };
    write(output, &bytes, name, out)
}

fn write(output: &Target, bytes: &[u8], name: &str, out: &Reporter) -> u8 {
    match output.write(bytes) {
        Ok(()) if *output == Target::Stdout => out.exit(EXIT_OK),
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
