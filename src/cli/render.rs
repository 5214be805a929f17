//! `nianbao render DATA`: one report to PDF, DOCX or HTML.
//!
//! In: a data file (`-` for stdin), an output path (`-` for stdout) and
//! options. Out: the document, written atomically; diagnostics on stderr;
//! exit 0 when written, 1 when the data or template was refused, 2 for
//! usage and I/O errors. Nothing is written when anything fails.

use super::report::{io_reason, read_input, Reporter};
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use nianbao::{Code, Diagnostic, Engine, OutputFormat, RenderOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct Args<'a> {
    pub data: &'a str,
    pub output: Option<&'a str>,
    pub format: Option<OutputFormat>,
    pub template: Option<&'a Path>,
    pub fonts: &'a nianbao::fonts::FontOptions,
    pub force: bool,
}

pub fn run(args: &Args, out: &Reporter) -> u8 {
    let format = match resolve_format(args) {
        Ok(f) => f,
        Err(message) => {
            out.diagnostic(args.data, &Diagnostic::input(Code::Output, message));
            return EXIT_USAGE;
        }
    };
    let target = target_path(args, format);
    let engine = match super::engine(args.template, args.fonts) {
        Ok(e) => e,
        Err(d) => {
            out.diagnostic(args.data, &d);
            // A directory that cannot be read is a usage problem; a
            // template or font that is wrong is invalid input.
            return if d.code == Code::Io {
                EXIT_USAGE
            } else {
                EXIT_INVALID
            };
        }
    };
    let (bytes, name) = match read_input(args.data) {
        Ok(read) => read,
        Err(d) => {
            out.diagnostic(args.data, &d);
            return EXIT_USAGE;
        }
    };
    match render(&engine, &bytes, &name, format, args.force) {
        Ok((doc, diags)) => {
            out.diagnostics(&name, &diags);
            write_output(&target, &doc, &name, out)
        }
        Err(diags) => {
            out.diagnostics(&name, &diags);
            if !diags.has_fatal() && diags.has_errors() {
                out.diagnostic(
                    &name,
                    &Diagnostic::input(
                        Code::Output,
                        "nothing written: the figures fail the checks above",
                    )
                    .with_hint("correct the data, or pass --force to render it as it is"),
                );
            }
            EXIT_INVALID
        }
    }
}

fn render(
    engine: &Engine,
    bytes: &[u8],
    name: &str,
    format: OutputFormat,
    force: bool,
) -> Result<(Vec<u8>, nianbao::Diagnostics), nianbao::Diagnostics> {
    let text = nianbao::data::decode(bytes, name)?;
    let value = nianbao::data::parse_text(text, name)?;
    let created = source_date_epoch()?;
    let rendered = engine.render(&value, format, RenderOptions { force, created })?;
    Ok((rendered.bytes, rendered.diagnostics))
}

/// `SOURCE_DATE_EPOCH`, the reproducible-builds convention for a fixed
/// timestamp, if set.
pub fn source_date_epoch() -> Result<Option<i64>, nianbao::Diagnostics> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Err(_) => Ok(None),
        Ok(v) => v.trim().parse().map(Some).map_err(|_| {
            Diagnostic::input(
                Code::Output,
                format!("SOURCE_DATE_EPOCH=`{v}` is not a whole number of seconds"),
            )
            .into()
        }),
    }
}

/// `-f`, else the output's extension, else PDF.
fn resolve_format(args: &Args) -> Result<OutputFormat, String> {
    if let Some(f) = args.format {
        return Ok(f);
    }
    match args
        .output
        .filter(|o| *o != "-")
        .and_then(|o| Path::new(o).extension())
    {
        Some(ext) => {
            let ext = ext.to_string_lossy();
            OutputFormat::from_extension(&ext).ok_or_else(|| {
                format!("cannot tell the format from `.{ext}`; pass -f pdf or -f html")
            })
        }
        None => Ok(OutputFormat::Pdf),
    }
}

/// Where the document goes: `-o`, else stdout for stdin data, else the
/// data file's stem with the format's extension in the current directory.
fn target_path(args: &Args, format: OutputFormat) -> Option<PathBuf> {
    match args.output {
        Some("-") => None,
        Some(o) => Some(PathBuf::from(o)),
        None if args.data == "-" => None,
        None => {
            let stem = Path::new(args.data)
                .file_stem()
                .map_or_else(|| "report".into(), |s| s.to_os_string());
            Some(PathBuf::from(stem).with_extension(format.extension()))
        }
    }
}

fn write_output(target: &Option<PathBuf>, bytes: &[u8], name: &str, out: &Reporter) -> u8 {
    match target {
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                out.diagnostic(
                    name,
                    &Diagnostic::input(
                        Code::Output,
                        format!("cannot write to standard output: {}", io_reason(&e)),
                    ),
                );
                return EXIT_USAGE;
            }
            EXIT_OK
        }
        Some(path) => match nianbao::output::write_atomic(path, bytes) {
            Ok(()) => {
                if !out.quiet {
                    eprintln!("{name}: wrote {}", path.display());
                }
                EXIT_OK
            }
            Err(e) => {
                let message = format!("cannot write {}: {}", path.display(), io_reason(&e));
                out.diagnostic(name, &Diagnostic::input(Code::Output, message));
                EXIT_USAGE
            }
        },
    }
}
