//! `nianbao check DATA...`: the contract and 勾稽关系 checks, file by file.
//!
//! In: data file paths (`-` for stdin), and optionally last year's
//! report(s) for the check across years. Out: diagnostics on stderr, one
//! status line per file on stdout, and the exit code: 0 all valid, 1 any
//! invalid, 2 any unreadable. A bad file never stops the others.

use super::report::{read_input, Reporter};
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use nianbao::{tr, Diagnostics, Text};

/// The files to check: each path, a directory's `*.json` files in name
/// order (as `batch` reads a directory).
fn expand(paths: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for path in paths {
        let source = nianbao::input::Source::from_arg(path);
        if let Some(dir) = source.path().filter(|p| p.is_dir()) {
            let mut files: Vec<String> = std::fs::read_dir(dir)
                .map(|l| {
                    l.filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| {
                            p.extension().is_some_and(|x| x == "json" || x == "xlsx") && p.is_file()
                        })
                        .map(|p| p.display().to_string())
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            if files.is_empty() {
                // Reading it says why (not a data file, or unreadable).
                out.push(path.clone());
            }
            out.extend(files);
        } else {
            out.push(path.clone());
        }
    }
    out
}

pub fn run(paths: &[String], previous: Option<&std::path::Path>, out: &Reporter) -> u8 {
    let mut code = EXIT_OK;
    let previous = previous.map(|p| {
        let (prev, said) = nianbao::input::previous::Previous::load(p);
        out.diagnostics("--previous", &said);
        prev
    });
    for path in &expand(paths) {
        let (bytes, name) = match read_input(path) {
            Ok(read) => read,
            Err(d) => {
                out.diagnostic(path, &d);
                let bad = if d.code == nianbao::Code::Io {
                    EXIT_USAGE
                } else {
                    EXIT_INVALID
                };
                code = code.max(bad);
                continue;
            }
        };
        let diags = match nianbao::input::load(&bytes, &name) {
            Ok(input) => {
                let mut diags = input.warnings.clone();
                match nianbao::data::check_value(&input.value) {
                    Ok(checked) => {
                        if let Some(last) = previous.as_ref().and_then(|p| p.of(&checked)) {
                            diags.extend(nianbao::data::carryover::check(&checked, last));
                        }
                        diags.extend(checked.diagnostics)
                    }
                    Err(d) => diags.extend(d),
                }
                input.locate(&mut diags);
                diags
            }
            Err(diags) => diags,
        };
        out.diagnostics(&name, &diags);
        out.status(&format!("{name}: {}", out.say(&status_line(&diags))));
        if diags.has_errors() {
            code = code.max(EXIT_INVALID);
        }
    }
    out.exit(code)
}

fn status_line(diags: &Diagnostics) -> Text {
    let errors = diags.errors().count();
    let warnings = diags.warnings().count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => tr("通过", "ok"),
        (0, w) => tr(
            format!("通过，{w} 条警告"),
            format!("ok, {}", plural(w, "warning")),
        ),
        (e, 0) => tr(
            format!("未通过，{e} 个错误"),
            format!("invalid, {}", plural(e, "error")),
        ),
        (e, w) => tr(
            format!("未通过，{e} 个错误，{w} 条警告"),
            format!("invalid, {}, {}", plural(e, "error"), plural(w, "warning")),
        ),
    }
}
