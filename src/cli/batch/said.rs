//! What a batch says: a line per report as it is done, the progress bar
//! on a terminal, the closing line, the `--summary` file and the exit
//! code.
//!
//! In: each report's [`Outcome`] with its [`Unit`], in input order. Out:
//! failures on stderr (always), status lines on stdout (unless quiet or a
//! bar is drawn), the counts ([`Tally`]), the JSON summary and the exit
//! code: 0 all written, 1 any failed, 2 an I/O failure, 130 interrupted.

use super::{Outcome, Status};
use crate::cli::report::{cannot_write, stdout_line, Reporter, Target};
use crate::cli::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nianbao::input::Unit;
use nianbao::{tr, Code, Diagnostics};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

#[derive(Debug, Serialize)]
struct Summary<'a> {
    ok: usize,
    failed: usize,
    skipped: usize,
    warnings: usize,
    seconds: f64,
    reports_per_second: f64,
    reports: &'a [Outcome],
}

/// What a batch did: counts, and each report's outcome when a summary
/// file was asked for (kept only then, so that a long stream does not
/// grow memory).
pub(super) struct Tally {
    ok: usize,
    failed: usize,
    skipped: usize,
    warnings: usize,
    io_failed: bool,
    reports: Option<Vec<Outcome>>,
}

impl Tally {
    pub(super) fn new(keep: bool) -> Tally {
        Tally {
            ok: 0,
            failed: 0,
            skipped: 0,
            warnings: 0,
            io_failed: false,
            reports: keep.then(Vec::new),
        }
    }

    pub(super) fn add(&mut self, o: Outcome) {
        match o.status {
            Status::Ok => self.ok += 1,
            Status::Skipped => self.skipped += 1,
            Status::Failed => self.failed += 1,
        }
        self.warnings += o.warnings.len();
        self.io_failed |= o.write_failed || o.errors.iter().any(|e| e.code == Code::Io);
        if let Some(r) = &mut self.reports {
            r.push(o);
        }
    }
}

pub(super) fn progress(total: usize, quiet: bool) -> Option<ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{bar:30} {pos}/{len} reports  {per_sec}  ETA {eta}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// Prints a report's failures (always) and a status line (plain mode).
pub(super) fn report(out: &Reporter, unit: &Unit, o: &Outcome, bar: Option<&ProgressBar>) {
    let label = if out.is_json() {
        unit.label()
    } else {
        unit.label_for(out.lang, o.unit.as_deref())
    };
    let print = || {
        let mut all = Diagnostics(o.errors.clone());
        all.0.extend(o.warnings.iter().cloned());
        out.diagnostics(&label, &all);
    };
    match bar {
        Some(b) => b.suspend(print),
        None => {
            print();
            if !out.quiet {
                let outputs = if o.outputs.is_empty() {
                    String::new()
                } else {
                    format!(" → {}", o.outputs.join(", "))
                };
                let status = o.status.word();
                stdout_line(&format!("{label}: {}{outputs}", out.say(&status)));
            }
        }
    }
}

pub(super) fn finish(
    tally: &Tally,
    started: Instant,
    summary: Option<&Path>,
    out: &Reporter,
    interrupted: bool,
) -> u8 {
    let seconds = started.elapsed().as_secs_f64();
    let (ok, failed, skipped, warnings) = (tally.ok, tally.failed, tally.skipped, tally.warnings);
    let rate = if seconds > 0.0 {
        (ok + failed) as f64 / seconds
    } else {
        0.0
    };
    out.status(out.say(&tr(
        format!("批量：完成 {ok}，失败 {failed}，警告 {warnings}，跳过 {skipped}，{seconds:.2} 秒，每秒 {rate:.1} 份"),
        format!("batch: {ok} ok, {failed} failed, {warnings} warnings, {skipped} skipped, {seconds:.2} s, {rate:.1} reports/s"),
    )));
    if let Some(path) = summary {
        let s = Summary {
            ok,
            failed,
            skipped,
            warnings,
            seconds,
            reports_per_second: rate,
            reports: tally.reports.as_deref().unwrap_or(&[]),
        };
        let text = serde_json::to_string_pretty(&s).unwrap_or_default();
        if let Err(e) = nianbao::output::write(path, text.as_bytes()) {
            out.diagnostic("--summary", &cannot_write(&Target::File(path.into()), &e));
            return EXIT_USAGE;
        }
    }
    if interrupted {
        out.note(&tr(
            "批量：已中断；未开始的报告已跳过，写出的每个文件都是完整的",
            "batch: interrupted; reports not started were skipped, every file written is complete",
        ));
        130
    } else if tally.io_failed {
        // An input that cannot be read, or a file that cannot be written:
        // an I/O failure (README: exit 2), the other reports written.
        out.exit(EXIT_USAGE)
    } else if failed > 0 {
        out.exit(EXIT_INVALID)
    } else {
        out.exit(EXIT_OK)
    }
}
