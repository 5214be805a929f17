//! Command-line arguments (clap derive) and dispatch to the subcommands.
//!
//! In: `std::env::args`. Out: an exit code. Each subcommand lives in its own
//! file and talks to the library through its public API only.

mod batch;
mod check;
mod convert;
mod help;
mod init;
mod render;
mod report;
#[cfg(feature = "serve")]
mod serve;
mod templates;

use clap::{FromArgMatches, Parser, Subcommand, ValueEnum};
use nianbao::fonts::FontOptions;
use nianbao::{Diagnostic, Engine, Lang, OutputFormat};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit codes, as the README documents them.
pub const EXIT_OK: u8 = 0;
pub const EXIT_INVALID: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "nianbao",
    version,
    about = "JSON data or a workbook + template → formally typeset Chinese reports (政府信息公开工作年度报告)",
    after_help = "Examples:\n  nianbao render samples/goushi-2020.json -o goushi-2020.pdf\n  nianbao render samples/goushi-2020.json -o goushi-2020.docx\n  nianbao render samples/goushi-2020.json -o goushi-2020.ofd\n  nianbao check samples/goushi-2020.json\n  nianbao batch reports/ -o out/ -f pdf,docx\n  nianbao convert samples/goushi-2020.json -o goushi-2020.xlsx\n  nianbao init --format 2021 --unit 示例镇人民政府 --year 2021 > report.json"
)]
struct Cli {
    /// How diagnostics are printed on stderr: `text`, or `json` (one JSON
    /// object per line).
    #[arg(long, global = true, value_enum, default_value_t = ErrorFormat::Text)]
    error_format: ErrorFormat,

    /// Print nothing but errors (and the document, when it goes to stdout).
    #[arg(long, short, global = true)]
    quiet: bool,

    /// Name each diagnostic's JSON pointer too, before the place in the
    /// form's words.
    #[arg(long, short, global = true)]
    verbose: bool,

    /// The language of messages and help: zh (中文) or en [default: NIANBAO_LANG,
    /// else an English LC_ALL/LC_MESSAGES/LANG, else zh].
    #[arg(long, global = true, value_name = "LANG", value_parser = ["zh", "en"])]
    lang: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check data files against the contract and the 勾稽关系.
    #[command(
        after_help = "Examples:\n  nianbao check samples/goushi-2020.json\n  nianbao check reports/*.json\n  nianbao check county-2025.xlsx    (a county workbook: a report a row)\n  nianbao init | nianbao check -\n\nInputs are read as batch reads them (files, directories, arrays, JSON Lines, county workbooks); a line of status per report. Exit: 0 all valid, 1 any invalid, 2 usage or I/O errors. Warnings are printed, not fatal."
    )]
    Check {
        /// Data files, directories, arrays, JSON Lines or county
        /// workbooks; `-` reads standard input.
        #[arg(required = true, value_name = "DATA")]
        data: Vec<String>,
        /// Last year's report (a file), or a directory of last year's
        /// reports (each matched by unit): warn where this year's 上年结转
        /// or 上一年项目数量 disagrees with it (check-carryover).
        #[arg(long, value_name = "LAST_YEAR")]
        previous: Option<PathBuf>,
    },
    /// Print the JSON Schema (draft 2020-12) of the data file, both formats.
    #[command(after_help = "Example:\n  nianbao schema > nianbao.schema.json")]
    Schema,
    /// Print a blank data file (zeros, empty paragraphs) that passes `check`.
    #[command(
        after_help = "Examples:\n  nianbao init > report.json\n  nianbao init --format 2019 --unit 缑氏镇人民政府 --year 2020 > goushi.json"
    )]
    Init {
        /// The official format: 2019 (the 2019–2020 format) or 2021.
        #[arg(long, value_parser = ["2019", "2021"])]
        format: Option<String>,
        /// The reporting body.
        #[arg(long, default_value = "（单位名称）")]
        unit: String,
        /// The reported year [default: last year].
        #[arg(long)]
        year: Option<i64>,
        /// Write to a file instead of stdout; `.xlsx` writes the blank
        /// form as a workbook to fill in Excel or WPS.
        #[arg(short, long, value_name = "OUT")]
        output: Option<String>,
    },
    /// Convert reports between JSON and workbooks (XLSX), as OUT's
    /// extension says; many townships' reports make one county workbook.
    #[command(
        after_help = "Examples:\n  One report:\n    nianbao convert samples/goushi-2020.json -o goushi-2020.xlsx\n    nianbao convert goushi-2020.xlsx -o goushi-2020.json\n  The county workbook (a report a row, on its sheet 报告):\n    nianbao convert townships/ -o county-2025.xlsx\n    nianbao batch county-2025.xlsx -o documents/ -f pdf,docx\n\nOUT's extension names what is written: .xlsx a workbook, .json JSON (- for stdout); a directory, array, JSON Lines file or county workbook as input makes the county workbook. Each report is checked: one that fails is still written, named by row and unit, and its row marked red with the errors in a note. The input is read once (pipes work). Exit: 0 written, 1 a report unreadable, 2 usage or I/O error."
    )]
    Convert {
        /// The report: a JSON data file or a workbook; `-` reads standard input.
        #[arg(value_name = "IN")]
        input: String,
        /// The output file: `.xlsx` writes a workbook, `.json` JSON; `-`
        /// writes JSON to standard output.
        #[arg(short, long, value_name = "OUT")]
        output: String,
    },
    /// Render one report to a document.
    #[command(
        after_help = "Examples:\n  nianbao render samples/goushi-2020.json -o goushi-2020.pdf\n  nianbao render samples/shili-2021.json -f html -o - > report.html\n  nianbao render data.json --template my-template/ -o report.html\n  nianbao render samples/goushi-2020.json -o goushi.svg    (goushi-1.svg, goushi-2.svg, …)\n\nThe format comes from -f, else from OUT's extension. SVG is written one file per page, named OUT's stem + -1.svg, -2.svg, … beside OUT (with -o -, every page in one SVG on stdout). OUT defaults to DATA's stem in the current directory; `-` is stdin/stdout. Data that fails the checks is refused unless --force. Exit: 0 written, 1 refused, 2 usage or I/O error."
    )]
    Render {
        /// The data file; `-` reads standard input.
        #[arg(value_name = "DATA")]
        data: String,
        /// The output file; `-` writes standard output.
        #[arg(short, long, value_name = "OUT")]
        output: Option<String>,
        /// The output format. SVG is one file per page, named OUT's stem
        /// and -1.svg, -2.svg, …; with `-o -`, every page in one SVG.
        #[arg(short, long, value_enum)]
        format: Option<RenderFormatArg>,
        /// A template bundle directory (see `templates export`).
        #[arg(long, value_name = "DIR")]
        template: Option<PathBuf>,
        #[command(flatten)]
        fonts: FontArgs,
        /// Render even when the 勾稽关系 checks fail: a proof, marked 草稿
        /// (draft) on every page.
        #[arg(long)]
        force: bool,
        /// Write the PDF as PDF/A for the archive: a-1b, a-2b, or a-3b
        /// (which carries the report's JSON inside).
        #[arg(long, value_enum, value_name = "LEVEL")]
        pdf_standard: Option<PdfStandardArg>,
    },
    /// Render many reports at once, in parallel; a bad one never stops
    /// the rest. Reads a county workbook too.
    #[command(
        after_help = "Examples:\n  nianbao batch county-2025.xlsx -o out/ -f pdf,docx --summary out/summary.json\n  nianbao batch reports/ -o out/\n  nianbao batch reports/ -o out/ -f ofd,pdf\n  nianbao batch all.jsonl -o out/ -f pdf,docx --defaults county.json --summary out/summary.json\n  nianbao batch townships.json -o out/ --name \"{{year}}-{{unit}}\" -j 2\n\nINPUT: a data file, a directory (its *.json, sorted), a JSON array of reports, JSON Lines (.jsonl), or a county workbook (made by nianbao convert DIR -o county.xlsx, a report a row). Each report gets a line naming its input, row and unit, in input order; --summary writes the same as JSON (input, row, unit, status, errors…). Exit: 0 all written, 1 any failed, 2 usage error, 130 interrupted."
    )]
    Batch {
        /// Data files, directories, array files, JSON Lines files or
        /// county workbooks.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
        /// The output directory (created if missing).
        #[arg(short, long, value_name = "OUTDIR")]
        output: PathBuf,
        /// Output formats, comma-separated.
        #[arg(short, long, value_enum, value_delimiter = ',', default_value = "pdf")]
        format: Vec<FormatArg>,
        /// A JSON object deep-merged under every report (a report's own values win).
        #[arg(long, value_name = "FILE")]
        defaults: Option<PathBuf>,
        /// Output file names: a pattern over the data.
        #[arg(long, value_name = "PATTERN", default_value = nianbao::names::DEFAULT_NAME)]
        name: String,
        /// Reports rendered at once [default: the number of cores].
        #[arg(short, long, value_name = "N")]
        jobs: Option<usize>,
        /// Render even when the 勾稽关系 checks fail.
        #[arg(long)]
        force: bool,
        /// Write the PDFs as PDF/A for the archive: a-1b, a-2b, or a-3b
        /// (which carries each report's JSON inside).
        #[arg(long, value_enum, value_name = "LEVEL")]
        pdf_standard: Option<PdfStandardArg>,
        /// A directory of last year's reports: each report is compared with
        /// the one of its unit for the year before (check-carryover warnings).
        #[arg(long, value_name = "DIR")]
        previous: Option<PathBuf>,
        /// Write a JSON summary (per report: input, index, row, unit,
        /// outputs, status, errors, warnings).
        #[arg(long, value_name = "FILE")]
        summary: Option<PathBuf>,
        /// A template bundle directory.
        #[arg(long, value_name = "DIR")]
        template: Option<PathBuf>,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// List or export the built-in templates.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Serve the reports in a browser: list, edit, check, download.
    #[cfg(feature = "serve")]
    #[command(
        after_help = "Examples:\n  nianbao serve\n  nianbao serve --open --data ~/nianbao-data\n  nianbao serve --addr 127.0.0.1:0    (any free port; the URL is printed)\n\nThe URL is printed on stdout once the server listens. Every save is kept as a revision in DATA/nianbao.sqlite3. Ctrl-C stops it. Exit: 0 stopped, 2 could not start."
    )]
    Serve {
        /// Where to listen, HOST:PORT; port 0 takes any free port.
        #[arg(long, value_name = "HOST:PORT", default_value = nianbao::serve::DEFAULT_ADDR)]
        addr: String,
        /// The data folder (created when missing).
        #[arg(long, value_name = "DIR", default_value = nianbao::serve::DEFAULT_DATA)]
        data: PathBuf,
        /// Open the page in the default browser.
        #[arg(long)]
        open: bool,
        /// A template bundle directory.
        #[arg(long, value_name = "DIR")]
        template: Option<PathBuf>,
        #[command(flatten)]
        fonts: FontArgs,
    },
}

#[derive(Debug, Subcommand)]
enum TemplatesCommand {
    /// List the built-in template bundles.
    #[command(after_help = "Example:\n  nianbao templates list")]
    List,
    /// Write a built-in bundle into a new directory, to change it.
    #[command(
        after_help = "Example:\n  nianbao templates export annual-report my-template\n  nianbao render data.json --template my-template -o report.html"
    )]
    Export {
        /// The bundle's name.
        name: String,
        /// A directory that does not exist yet (or is empty).
        dir: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Pdf,
    Docx,
    Html,
    Ofd,
}

/// `render -f`: the batch's formats and SVG, which `render` writes one
/// file per page (batch does not write SVG yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RenderFormatArg {
    Pdf,
    Docx,
    Html,
    Ofd,
    Svg,
}

/// `--pdf-standard`: the PDF/A levels, spelt as Typst spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PdfStandardArg {
    #[value(name = "a-1b")]
    A1b,
    #[value(name = "a-2b")]
    A2b,
    #[value(name = "a-3b")]
    A3b,
}

impl From<PdfStandardArg> for nianbao::PdfStandard {
    fn from(s: PdfStandardArg) -> nianbao::PdfStandard {
        match s {
            PdfStandardArg::A1b => nianbao::PdfStandard::A1b,
            PdfStandardArg::A2b => nianbao::PdfStandard::A2b,
            PdfStandardArg::A3b => nianbao::PdfStandard::A3b,
        }
    }
}

impl From<RenderFormatArg> for OutputFormat {
    fn from(f: RenderFormatArg) -> OutputFormat {
        match f {
            RenderFormatArg::Pdf => OutputFormat::Pdf,
            RenderFormatArg::Docx => OutputFormat::Docx,
            RenderFormatArg::Html => OutputFormat::Html,
            RenderFormatArg::Ofd => OutputFormat::Ofd,
            RenderFormatArg::Svg => OutputFormat::Svg,
        }
    }
}

impl From<FormatArg> for OutputFormat {
    fn from(f: FormatArg) -> OutputFormat {
        match f {
            FormatArg::Pdf => OutputFormat::Pdf,
            FormatArg::Docx => OutputFormat::Docx,
            FormatArg::Html => OutputFormat::Html,
            FormatArg::Ofd => OutputFormat::Ofd,
        }
    }
}

/// Where fonts come from, for the commands that render.
#[derive(clap::Args, Debug)]
struct FontArgs {
    /// A directory of fonts to use before the bundled ones (repeatable).
    #[arg(long = "font-dir", value_name = "DIR")]
    font_dir: Vec<PathBuf>,
    /// Use only the bundled fonts and --font-dir, never the system's:
    /// the same bytes on every machine.
    #[arg(long)]
    no_system_fonts: bool,
}

impl From<FontArgs> for FontOptions {
    fn from(a: FontArgs) -> FontOptions {
        FontOptions {
            dirs: a.font_dir,
            system: !a.no_system_fonts,
        }
    }
}

/// The engine for `--template DIR` (or the built-in template) with the
/// fonts of `--font-dir` (and the system's unless `--no-system-fonts`);
/// a `--font-dir` file left out is said here, once.
fn engine(
    template: Option<&Path>,
    fonts: &FontOptions,
    out: &report::Reporter,
) -> Result<Engine, Diagnostic> {
    let bundle = match template {
        Some(dir) => nianbao::template::Bundle::from_dir(dir)?,
        None => nianbao::template::builtin("annual-report")?,
    };
    let engine = Engine::with_font_options(&bundle, fonts)?;
    let said = nianbao::Diagnostics(engine.font_warnings().to_vec());
    out.diagnostics("--font-dir", &said);
    Ok(engine)
}

/// The language of messages: `--lang`, else `NIANBAO_LANG`, else the
/// locale when it asks for English (`LANG=en_US.UTF-8`), else Chinese:
/// a server's `C` locale says nothing about who reads the messages.
fn language(flag: Option<&str>) -> Lang {
    if let Some(lang) = flag.and_then(Lang::parse) {
        return lang;
    }
    if let Some(lang) = std::env::var("NIANBAO_LANG")
        .ok()
        .as_deref()
        .and_then(Lang::parse)
    {
        return lang;
    }
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
    locale.as_deref().and_then(Lang::parse).unwrap_or_default()
}

/// Transparent huge pages off for this process (every command but
/// `serve`, which may start the user's browser: a child inherits the
/// setting across `exec`). mimalloc asks for them (`madvise`) on its
/// arenas unless built with its `no_thp` feature, as here, which covers
/// systems set to `madvise`; where the system gives them to every mapping
/// (`always`), this turns them off for all that is touched from here on. A huge page is zeroed whole at its first
/// touch, 2 MiB, while a report uses a few hundred KiB of an arena.
/// Measured on the 2-core reference VM: a batch of 300 reports took 18
/// huge-page faults and one report 11, and peak memory falls from 62 to
/// 37 MB and from 49 to 35 MB without them. Where the host has to back
/// fresh memory, those faults were 13 % of a batch's CPU samples (`perf`)
/// and made a few renders in a hundred take 100–160 ms, not 13; with memory
/// already backed, a batch takes the same time either way and a single
/// render 0.6 ms (5 %) longer at the median, for its 4 KiB faults, and
/// 1 ms less on average (100 alternating runs each).
#[cfg(target_os = "linux")]
fn without_huge_pages() {
    // An old kernel's EINVAL leaves things as they were: nothing to say.
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

#[cfg(not(target_os = "linux"))]
fn without_huge_pages() {}

/// Parses the command line and runs the subcommand.
pub fn run() -> Result<ExitCode, String> {
    // The language first, so that clap's help and errors speak it.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = language(help::lang_flag(&args).as_deref());
    let matches = help::command(lang).get_matches_from(args);
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    if !matches!(cli.command, Command::Serve { .. }) {
        without_huge_pages();
    }
    let mut out = report::Reporter::new(cli.error_format, cli.quiet, lang);
    out.verbose = cli.verbose;
    let code = match cli.command {
        Command::Check { data, previous } => check::run(&data, previous.as_deref(), &out),
        Command::Schema => {
            report::stdout_line(&nianbao::data::json_schema().to_string());
            out.exit(EXIT_OK)
        }
        Command::Init {
            format,
            unit,
            year,
            output,
        } => init::run(format.as_deref(), &unit, year, output.as_deref(), &out)?,
        Command::Convert { input, output } => convert::run(&input, &output, &out),
        Command::Render {
            data,
            output,
            format,
            template,
            fonts,
            force,
            pdf_standard,
        } => {
            let fonts = FontOptions::from(fonts);
            let args = render::Args {
                data: &data,
                output: output.as_deref(),
                format: format.map(Into::into),
                template: template.as_deref(),
                fonts: &fonts,
                force,
                pdf_standard: pdf_standard.map(Into::into),
            };
            render::run(&args, &out)
        }
        Command::Batch {
            inputs,
            output,
            format,
            defaults,
            name,
            jobs,
            force,
            pdf_standard,
            previous,
            summary,
            template,
            fonts,
        } => {
            let fonts = FontOptions::from(fonts);
            let mut formats: Vec<OutputFormat> = Vec::new();
            for f in format.into_iter().map(OutputFormat::from) {
                if !formats.contains(&f) {
                    formats.push(f);
                }
            }
            let args = batch::Args {
                inputs: &inputs,
                outdir: &output,
                formats,
                defaults: defaults.as_deref(),
                name: &name,
                jobs,
                force,
                pdf_standard: pdf_standard.map(Into::into),
                previous: previous.as_deref(),
                summary: summary.as_deref(),
                template: template.as_deref(),
                fonts: &fonts,
            };
            batch::run(&args, &out)
        }
        Command::Templates(TemplatesCommand::List) => templates::list(&out),
        Command::Templates(TemplatesCommand::Export { name, dir }) => {
            templates::export(&name, &dir, &out)
        }
        #[cfg(feature = "serve")]
        Command::Serve {
            addr,
            data,
            open,
            template,
            fonts,
        } => {
            let fonts = FontOptions::from(fonts);
            let args = serve::Args {
                addr: &addr,
                data: &data,
                open,
                template: template.as_deref(),
                fonts: &fonts,
            };
            serve::run(&args, &out)
        }
    };
    Ok(ExitCode::from(code))
}
