//! `nianbao serve`: the reports in a browser (see `nianbao::serve`).
//!
//! In: `--addr`, `--data`, `--open` and the template and font options.
//! Out: the URL on stdout once the server listens (a test or a script
//! reads the port from it when `--addr` asks for port 0), then nothing
//! until Ctrl-C or SIGTERM; exit 0 after a clean stop, 2 when it could
//! not start (the port taken, the data folder unwritable).

use super::report::{stdout_line, Reporter};
use super::{EXIT_OK, EXIT_USAGE};
use nianbao::serve::{self, Options};
use nianbao::tr;
use std::path::{Path, PathBuf};

pub struct Args<'a> {
    pub addr: &'a str,
    pub data: &'a Path,
    pub open: bool,
    pub template: Option<&'a Path>,
    pub fonts: &'a nianbao::fonts::FontOptions,
}

pub fn run(args: &Args, out: &Reporter) -> u8 {
    let addr = match serve::parse_addr(args.addr) {
        Ok(a) => a,
        Err(d) => {
            out.diagnostic("--addr", &d);
            return EXIT_USAGE;
        }
    };
    let created = match super::render::source_date_epoch() {
        Ok(c) => c,
        Err(d) => {
            out.diagnostics("SOURCE_DATE_EPOCH", &d);
            return EXIT_USAGE;
        }
    };
    let engine = match super::engine(args.template, args.fonts, out) {
        Ok(e) => e,
        Err(d) => {
            out.diagnostic("serve", &d);
            return EXIT_USAGE;
        }
    };
    let opts = Options {
        addr,
        data: PathBuf::from(args.data),
        lang: out.lang,
        created,
    };
    let data = args.data.display().to_string();
    let open = args.open;
    let started = serve::run(engine, opts, |url| {
        // The URL alone on stdout's first line: what a script reads.
        stdout_line(url);
        out.note(&tr(
            format!("nianbao serve：{url}（数据在 {data}；Ctrl-C 停止）"),
            format!("nianbao serve: {url} (data in {data}; Ctrl-C stops)"),
        ));
        if open {
            serve::open_browser(url);
        }
    });
    match started {
        Ok(()) => EXIT_OK,
        Err(d) => {
            out.diagnostic("serve", &d);
            EXIT_USAGE
        }
    }
}
