//! `nianbao check DATA...`: the contract and 勾稽关系 checks, file by file.
//!
//! In: inputs as `batch` takes them (data files, directories, arrays,
//! JSON Lines, county workbooks; `-` for stdin), and optionally last
//! year's report(s) for the check across years. Out: diagnostics on
//! stderr, one status line per report read on stdout (named as `batch` names
//! it: `all.jsonl[#3]`, `county.xlsx 第 5 行（某镇）`), and the exit code:
//! 0 all valid, 1 any invalid, 2 any unreadable. A bad report never stops
//! the others.

use super::report::Reporter;
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use nianbao::input::{previous::Previous, Source};
use nianbao::{tr, Code, Diagnostics, Text};

pub fn run(paths: &[String], previous: Option<&std::path::Path>, out: &Reporter) -> u8 {
    let mut code = EXIT_OK;
    let previous = previous.map(|p| {
        let (prev, said) = Previous::load(p);
        out.diagnostics("--previous", &said);
        prev
    });
    // Read as batch reads them: files, directories, arrays, JSON Lines,
    // county workbooks, standard input (streamed when it is JSON Lines).
    let sources: Vec<Source> = paths.iter().map(|p| Source::from_arg(p)).collect();
    let stdin = Box::new(std::io::BufReader::new(std::io::stdin()));
    let mut units = nianbao::input::units(&sources, stdin).peekable();
    while let Some(unit) = units.next() {
        // The one report of a stream or an array (`check -` of a report
        // on one line) is named by its input alone, as a file is.
        let alone = unit.index == Some(0)
            && unit.row().is_none()
            && !units
                .peek()
                .is_some_and(|next| next.input == unit.input && next.index == Some(1));
        let name = if alone {
            unit.input.clone()
        } else if out.is_json() {
            unit.label()
        } else {
            unit.label_for(out.lang, unit.row_unit().as_deref())
        };
        let input = match unit.input(None) {
            Ok(input) => input,
            Err(diags) => {
                out.diagnostics(&name, &diags);
                // Unreadable is an I/O problem (2), with no verdict on the
                // data; data that does not parse is invalid (1).
                if diags.iter().any(|d| d.code == Code::Io) {
                    code = code.max(EXIT_USAGE);
                } else {
                    out.status(&format!("{name}: {}", out.say(&status_line(&diags))));
                    code = code.max(EXIT_INVALID);
                }
                continue;
            }
        };
        let mut diags = input.warnings.clone();
        let last = |this: &nianbao::data::Checked| previous.as_ref().and_then(|p| p.of(this));
        match nianbao::data::check_value_across(&input.value, last) {
            Ok(checked) => diags.extend(checked.diagnostics),
            Err(d) => diags.extend(d),
        }
        input.locate(&mut diags);
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
