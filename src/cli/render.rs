//! `nianbao render DATA`: one report to PDF, DOCX, HTML, OFD or SVG.
//!
//! In: a data file (`-` for stdin), an output path (`-` for stdout) and
//! options. Out: the document, written atomically (SVG: one file per
//! page, `OUT`'s stem + `-1.svg`, `-2.svg`, …, each written atomically;
//! to stdout, every page in one SVG); diagnostics on stderr;
//! exit 0 when written, 1 when the data or template was refused, 2 for
//! usage and I/O errors. Nothing is written when anything fails.

use super::report::{cannot_write, read_input, Reporter, Target};
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use nianbao::input::Source;
use nianbao::{tr, Code, Diagnostic, Engine, OutputFormat, RenderOptions};
use std::path::{Path, PathBuf};

pub struct Args<'a> {
    pub data: &'a str,
    pub output: Option<&'a str>,
    pub format: Option<OutputFormat>,
    pub template: Option<&'a Path>,
    pub fonts: &'a nianbao::fonts::FontOptions,
    pub force: bool,
    pub pdf_standard: Option<nianbao::PdfStandard>,
}

pub fn run(args: &Args, out: &Reporter) -> u8 {
    let format = match resolve_format(args).and_then(|f| pdf_only(args, f)) {
        Ok(f) => f,
        Err(d) => {
            out.diagnostic(args.data, &d);
            return EXIT_USAGE;
        }
    };
    let target = target(args, format);
    if let Some(d) = target.path().and_then(|t| unwritable(t, args.data)) {
        out.diagnostic(args.data, &d);
        return EXIT_USAGE;
    }
    let engine = match super::engine(args.template, args.fonts, out) {
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
            // Unreadable is an I/O problem; too large is invalid input.
            return if d.code == Code::Io {
                EXIT_USAGE
            } else {
                EXIT_INVALID
            };
        }
    };
    // SVG to a file is a file per page; to stdout, one document.
    let paged = target.path().filter(|_| format == OutputFormat::Svg);
    let rendered = match paged {
        Some(t) => render_pages(&engine, &bytes, &name, args).map(|(p, d)| {
            out.diagnostics(&name, &d);
            write_pages(t, &p, args.data, &name, out)
        }),
        None => render(&engine, &bytes, &name, format, args).map(|(doc, d)| {
            out.diagnostics(&name, &d);
            write_output(&target, &doc, &name, out)
        }),
    };
    match rendered {
        Ok(code) => code,
        Err(diags) => {
            out.diagnostics(&name, &diags);
            if !diags.has_fatal() && diags.has_errors() {
                out.diagnostic(
                    &name,
                    &Diagnostic::input(
                        Code::Output,
                        tr(
                            "没有写出文件：数字未通过上面的核对",
                            "nothing written: the figures fail the checks above",
                        ),
                    )
                    .with_hint(tr(
                        "改正数据后再排；加 --force 只能排出每页标有「草稿」的核对稿，不能作为正式文件",
                        "correct the data; --force renders only a proof marked 草稿 (draft) on every page, not a document to file",
                    )),
                );
            }
            EXIT_INVALID
        }
    }
}

/// The render's options: `--force`, `--pdf-standard` and
/// `SOURCE_DATE_EPOCH`.
fn options(args: &Args) -> Result<RenderOptions, nianbao::Diagnostics> {
    Ok(RenderOptions {
        force: args.force,
        created: source_date_epoch()?,
        pdf_standard: args.pdf_standard,
    })
}

/// `--pdf-standard` is for a PDF: with another format it is a mistake to
/// say, not an option to drop silently.
fn pdf_only(args: &Args, format: OutputFormat) -> Result<OutputFormat, Diagnostic> {
    match args.pdf_standard {
        Some(s) if format != OutputFormat::Pdf => Err(pdf_standard_without_pdf(
            s,
            &format!(".{}", format.extension()),
        )),
        _ => Ok(format),
    }
}

/// The message for `--pdf-standard` given where no PDF is written.
pub fn pdf_standard_without_pdf(s: nianbao::PdfStandard, what: &str) -> Diagnostic {
    Diagnostic::input(
        Code::Output,
        tr(
            format!("--pdf-standard {s} 只用于 PDF，不能用于 {what}"),
            format!("--pdf-standard {s} is for a PDF, not for {what}"),
        ),
    )
    .with_hint(tr(
        "输出 PDF（-f pdf 或 .pdf 文件名），或去掉 --pdf-standard",
        "write a PDF (-f pdf or a .pdf name), or leave out --pdf-standard",
    ))
}

fn render_pages(
    engine: &Engine,
    bytes: &[u8],
    name: &str,
    args: &Args,
) -> Result<(Vec<String>, nianbao::Diagnostics), nianbao::Diagnostics> {
    let input = nianbao::input::load(bytes, name)?;
    engine.render_input_pages(&input, options(args)?)
}

/// Page `n` (from 1) of an SVG written to `target`: `report.svg` →
/// `report-3.svg`, beside it.
pub fn page_path(target: &Path, n: usize) -> PathBuf {
    let stem = target
        .file_stem()
        .map_or_else(|| "report".into(), |s| s.to_os_string());
    let mut file = stem;
    file.push(format!("-{n}.svg"));
    target.with_file_name(file)
}

/// Writes each page to its own file ([`page_path`]), each atomically;
/// a page that would replace the data file is refused before any is
/// written.
fn write_pages(target: &Path, pages: &[String], data: &str, name: &str, out: &Reporter) -> u8 {
    let paths: Vec<PathBuf> = (1..=pages.len()).map(|n| page_path(target, n)).collect();
    for p in &paths {
        if let Some(d) = unwritable(p, data) {
            out.diagnostic(name, &d);
            return EXIT_USAGE;
        }
    }
    for (path, page) in paths.iter().zip(pages) {
        if let Err(e) = nianbao::output::write(path, page.as_bytes()) {
            out.diagnostic(name, &cannot_write(&Target::File(path.clone()), &e));
            return EXIT_USAGE;
        }
    }
    let (first, last) = match (paths.first(), paths.last()) {
        (Some(f), Some(l)) => (f.display(), l.display()),
        _ => return EXIT_OK,
    };
    let n = paths.len();
    out.note(&tr(
        format!("{name}: 已写出 {first} … {last}（{n} 页）"),
        format!("{name}: wrote {first} … {last} ({n} pages)"),
    ));
    EXIT_OK
}

fn render(
    engine: &Engine,
    bytes: &[u8],
    name: &str,
    format: OutputFormat,
    args: &Args,
) -> Result<(Vec<u8>, nianbao::Diagnostics), nianbao::Diagnostics> {
    let input = nianbao::input::load(bytes, name)?;
    let mut all = engine.render_input(&input, &[format], options(args)?)?;
    let rendered = all.remove(0);
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
                tr(
                    format!("SOURCE_DATE_EPOCH=`{v}` 不是整数秒"),
                    format!("SOURCE_DATE_EPOCH=`{v}` is not a whole number of seconds"),
                ),
            )
            .into()
        }),
    }
}

/// `-f`, else the output's extension, else PDF.
fn resolve_format(args: &Args) -> Result<OutputFormat, Diagnostic> {
    if let Some(f) = args.format {
        return Ok(f);
    }
    let target = args.output.map(Target::from_arg);
    match target
        .as_ref()
        .and_then(Target::path)
        .and_then(Path::extension)
    {
        Some(ext) => {
            let ext = ext.to_string_lossy();
            OutputFormat::from_extension(&ext).ok_or_else(|| {
                let known = OutputFormat::ALL
                    .iter()
                    .map(|f| format!(".{}", f.extension()))
                    .collect::<Vec<_>>()
                    .join(" ");
                let flags = OutputFormat::ALL
                    .iter()
                    .map(|f| format!("-f {}", f.extension()))
                    .collect::<Vec<_>>()
                    .join(", ");
                Diagnostic::input(
                    Code::Output,
                    tr(
                        format!("无法从扩展名 `.{ext}` 判断输出格式（可用：{known}）"),
                        format!("cannot tell the format from `.{ext}` (known: {known})"),
                    ),
                )
                .with_hint(tr(
                    format!("把输出文件名改成这些扩展名之一，或指定格式：{flags}"),
                    format!("name the output with one of these extensions, or pass {flags}"),
                ))
            })
        }
        None => Ok(OutputFormat::Pdf),
    }
}

/// Where the document goes: `-o`, else stdout for stdin data, else the
/// data file's stem with the format's extension in the current directory.
fn target(args: &Args, format: OutputFormat) -> Target {
    match args.output {
        Some(o) => Target::from_arg(o),
        None if Source::from_arg(args.data) == Source::Stdin => Target::Stdout,
        None => {
            let stem = Path::new(args.data)
                .file_stem()
                .map_or_else(|| "report".into(), |s| s.to_os_string());
            Target::File(PathBuf::from(stem).with_extension(format.extension()))
        }
    }
}

/// Writes the document; a reader that closes the pipe early (`| head -c
/// 8`) has all it wanted: that ends quietly.
fn write_output(target: &Target, bytes: &[u8], name: &str, out: &Reporter) -> u8 {
    if let Err(e) = target.write(bytes) {
        out.diagnostic(name, &cannot_write(target, &e));
        return EXIT_USAGE;
    }
    if let Target::File(path) = target {
        let shown = path.display();
        out.note(&tr(
            format!("{name}: 已写出 {shown}"),
            format!("{name}: wrote {shown}"),
        ));
    }
    EXIT_OK
}

/// Why the document cannot go to `target`, found before any work is done:
/// its directory is missing (say so, and how to make it), it names a
/// directory, or it is the data file itself (the data would be lost).
fn unwritable(target: &Path, data: &str) -> Option<Diagnostic> {
    let shown = target.display();
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if target.is_dir() || target.as_os_str().to_string_lossy().ends_with('/') {
        return Some(
            Diagnostic::input(
                Code::Output,
                tr(
                    format!("输出 `{shown}` 是一个目录，需要一个文件名"),
                    format!("the output `{shown}` is a directory; it needs a file name"),
                ),
            )
            .with_hint(tr(
                format!(
                    "例如 -o {}",
                    Path::new(&*shown.to_string()).join("报告.pdf").display()
                ),
                format!(
                    "e.g. -o {}",
                    Path::new(&*shown.to_string()).join("report.pdf").display()
                ),
            )),
        );
    }
    if !parent.is_dir() {
        let dir = parent.display();
        return Some(
            Diagnostic::input(
                Code::Output,
                tr(
                    format!("输出目录 `{dir}` 不存在"),
                    format!("the output directory `{dir}` does not exist"),
                ),
            )
            .with_hint(tr(
                format!("先建立它：mkdir -p {dir}"),
                format!("create it first: mkdir -p {dir}"),
            )),
        );
    }
    let read = Source::from_arg(data);
    if read
        .path()
        .is_some_and(|p| nianbao::output::same_file(p, target))
    {
        return Some(
            Diagnostic::input(
                Code::Output,
                tr(
                    format!("输出 `{shown}` 就是数据文件本身，写出会覆盖数据"),
                    format!("the output `{shown}` is the data file itself; writing would destroy the data"),
                ),
            )
            .with_hint(tr(
                "用 -o 指定另一个文件名",
                "give another file name with -o",
            )),
        );
    }
    None
}
