//! `nianbao batch INPUT... -o OUTDIR`: many reports at once.
//!
//! In: inputs (files, directories, arrays, JSON Lines, county workbooks,
//! standard input), an output directory and options. Out: the
//! documents, each written atomically;
//! a failure line per bad report naming its input, row and unit
//! (`county.xlsx 第 19 行（城关镇人民政府）: 表三「…」: 错误…`), in input
//! order, a summary line, optionally a JSON summary (each report's
//! `input`, `index`, `row`, `unit`); exit 0 all written, 1 any
//! failed, 2 usage errors or an input unread or a file unwritten, 130
//! interrupted. Reports run in parallel on one
//! shared engine (fonts and templates parsed once); a bad report never
//! stops the others, and Ctrl-C lets the reports in flight finish their
//! writes and starts no new ones, so no partial file is left. What it
//! prints and returns is [`said`]'s.

mod said;

use super::report::{cannot_write, Reporter, Target};
use super::EXIT_USAGE;
use nianbao::input::{Input, Source, Unit};
use nianbao::names::{NamePattern, Names};
use nianbao::{tr, Code, Diagnostic, Diagnostics, Engine, OutputFormat, RenderOptions};
use rayon::prelude::*;
use said::{finish, progress, report, Tally};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

pub struct Args<'a> {
    pub inputs: &'a [String],
    pub outdir: &'a Path,
    pub formats: Vec<OutputFormat>,
    pub defaults: Option<&'a Path>,
    pub name: &'a str,
    pub jobs: Option<usize>,
    pub force: bool,
    pub pdf_standard: Option<nianbao::PdfStandard>,
    pub previous: Option<&'a Path>,
    pub summary: Option<&'a Path>,
    pub template: Option<&'a Path>,
    pub fonts: &'a nianbao::fonts::FontOptions,
}

/// One report's outcome, as the JSON summary lists it.
#[derive(Debug, Serialize)]
struct Outcome {
    input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
    /// The county workbook's row (1-based, as the sheet numbers it).
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<usize>,
    /// The reporting unit, when the report names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<String>,
    status: Status,
    /// Whether writing a file failed (exit 2, not 1: the data was good).
    #[serde(skip)]
    write_failed: bool,
    outputs: Vec<String>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// Outputs written but not yet in place (by their place in
    /// `outputs`, with the path a message names), until the chunk is
    /// committed.
    #[serde(skip)]
    staged: Vec<(usize, PathBuf, nianbao::output::Staged)>,
}

/// What became of one report. The JSON summary spells it `"ok"`,
/// `"failed"` or `"skipped"`, as it always has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    /// Every output was written.
    Ok,
    /// The report was refused, or an output could not be written.
    Failed,
    /// Never started: the run was interrupted first.
    Skipped,
}

impl Status {
    /// The status line's word, in both languages.
    fn word(self) -> nianbao::Text {
        match self {
            Status::Ok => tr("完成", "ok"),
            Status::Skipped => tr("跳过", "skipped"),
            Status::Failed => tr("失败", "failed"),
        }
    }
}

fn usage(out: &Reporter, what: &str, d: &Diagnostic) -> u8 {
    out.diagnostic(what, d);
    EXIT_USAGE
}

pub fn run(args: &Args, out: &Reporter) -> u8 {
    let started = Instant::now();
    let began = std::time::SystemTime::now();
    // No output may be an input: the data would be lost (a summary named
    // like a data file, an output directory holding the inputs).
    let mut read: Vec<&Path> = args.inputs.iter().map(Path::new).collect();
    read.extend(args.defaults);
    let inputs = nianbao::output::InputSet::of(&read);
    if let Some(d) = args.summary.and_then(|s| is_input(&inputs, s)) {
        return usage(out, "--summary", &d);
    }
    if let Some(s) = args.pdf_standard {
        if !args.formats.contains(&OutputFormat::Pdf) {
            let formats: Vec<&str> = args.formats.iter().map(|f| f.extension()).collect();
            let d = super::render::pdf_standard_without_pdf(s, &formats.join(","));
            return usage(out, "--pdf-standard", &d);
        }
    }
    if let Some(d) = bad_outdir(args.outdir) {
        return usage(out, "batch", &d);
    }
    // What a killed run left here (`.nianbao-PID-N.tmp` of a process that
    // is gone) is removed before this one writes.
    nianbao::output::remove_stale_temps(args.outdir, began);
    let defaults = match args
        .defaults
        .map(nianbao::input::defaults::read)
        .transpose()
    {
        Ok(d) => d,
        Err(d) => return usage(out, "--defaults", &d),
    };
    // Last year's reports, for the check across years.
    let previous = args.previous.map(|p| {
        let (prev, said) = nianbao::input::previous::Previous::load(p);
        out.diagnostics("--previous", &said);
        prev
    });
    let pattern = match NamePattern::new(args.name) {
        Ok(p) => p,
        Err(d) => return usage(out, "--name", &d),
    };
    let engine = match super::engine(args.template, args.fonts, out) {
        Ok(e) => e,
        Err(d) => return usage(out, "batch", &d),
    };
    if engine.template().manifest.data == nianbao::template::DataKind::AnnualReport {
        if let Err(d) = pattern.check_keys() {
            return usage(out, "--name", &d);
        }
    }
    let sources: Vec<Source> = args.inputs.iter().map(|i| Source::from_arg(i)).collect();
    let stdin = Box::new(std::io::BufReader::new(std::io::stdin()));
    let mut units = nianbao::input::units(&sources, stdin);
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            return usage(
                out,
                "-j",
                &Diagnostic::input(
                    Code::Io,
                    tr(
                        format!("无法启动线程：{e}"),
                        format!("cannot start threads: {e}"),
                    ),
                ),
            )
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // If a handler is already installed (a library embedding the CLI),
        // Ctrl-C keeps its default meaning.
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }
    let created = match super::render::source_date_epoch() {
        Ok(c) => c,
        Err(d) => return usage(out, "SOURCE_DATE_EPOCH", &d.0[0]),
    };
    let opts = RenderOptions {
        force: args.force,
        created,
        pdf_standard: args.pdf_standard,
    };
    // Inputs that are all known are counted for the progress bar; a
    // stream (JSON Lines on stdin) is read a chunk at a time, so that
    // memory stays bounded however long it runs.
    let streaming = units.is_streaming();
    let known: Vec<_> = if streaming {
        Vec::new()
    } else {
        units.by_ref().collect()
    };
    let bar = progress(known.len(), out.quiet || streaming);
    let mut pending = known.into_iter();
    let chunk = 64 * pool.current_num_threads().max(1);
    let mut names = Names::new();
    let mut tally = Tally::new(args.summary.is_some());
    // A chunk's files are put in place (flushed to disk, renamed) on a
    // thread of their own while the next chunk renders, then its reports
    // are said: waiting for the disk costs no rendering time.
    std::thread::scope(|scope| {
        let mut committing: Option<std::thread::ScopedJoinHandle<'_, Chunk>> = None;
        let mut say = |done: std::thread::ScopedJoinHandle<'_, Chunk>| {
            let (batch, outcomes) = done.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            // Said in input order, whichever thread finished first: a
            // county officer reads the lines against the list of townships.
            for (unit, outcome) in batch.iter().zip(outcomes) {
                report(out, unit, &outcome, bar.as_ref());
                tally.add(outcome);
            }
        };
        loop {
            let batch: Vec<Unit> = if streaming {
                units.by_ref().take(chunk).collect()
            } else {
                pending.by_ref().take(chunk).collect()
            };
            if batch.is_empty() {
                break;
            }
            // Each report is read and parsed once, here, and kept for its
            // name and its render (a chunk at a time, so memory stays bounded).
            let loaded: Vec<Result<Input, Diagnostics>> = pool.install(|| {
                batch
                    .par_iter()
                    .map(|u| u.input(defaults.as_ref()))
                    .collect()
            });
            let named = pool.install(|| assign_names(&batch, &loaded, &pattern, &mut names));
            let mut outcomes: Vec<Outcome> = pool.install(|| {
                batch
                    .par_iter()
                    .zip(loaded.into_par_iter())
                    .zip(named.par_iter())
                    .map(|((unit, input), name)| {
                        let outcome = if stop.load(Ordering::SeqCst) {
                            skipped(unit)
                        } else {
                            let job = Job {
                                engine: &engine,
                                inputs: &inputs,
                                previous: previous.as_ref(),
                                args,
                                opts,
                            };
                            process(&job, unit, input, name)
                        };
                        if let Some(b) = &bar {
                            b.inc(1);
                        }
                        outcome
                    })
                    .collect()
            });
            if let Some(done) = committing.take() {
                say(done);
            }
            committing = Some(scope.spawn(move || {
                commit(&mut outcomes);
                (batch, outcomes)
            }));
            if stop.load(Ordering::SeqCst) && streaming {
                // A stream is not read on once interrupted.
                break;
            }
        }
        if let Some(done) = committing.take() {
            say(done);
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    finish(
        &tally,
        started,
        args.summary,
        out,
        stop.load(Ordering::SeqCst),
    )
}

/// A chunk's units and their outcomes.
type Chunk = (Vec<Unit>, Vec<Outcome>);

/// Why OUTDIR cannot take the outputs: it is a file, or cannot be made.
fn bad_outdir(dir: &Path) -> Option<Diagnostic> {
    let shown = dir.display();
    if dir.exists() && !dir.is_dir() {
        return Some(
            Diagnostic::input(
                Code::Output,
                tr(
                    format!("-o {shown} 是一个文件；batch 需要一个输出目录"),
                    format!("-o {shown} is a file; batch needs an output directory"),
                ),
            )
            .with_hint(tr(
                "给 -o 一个目录（不存在时会自动建立）",
                "give -o a directory (it is created if missing)",
            )),
        );
    }
    let e = std::fs::create_dir_all(dir).err()?;
    let shown = shown.to_string();
    Some(nianbao::diag::cannot_each(
        ("建立输出目录", "create the output directory"),
        (&shown, &shown),
        &e,
    ))
}

/// Each unit's output name, or why it has none: its data cannot be read,
/// the pattern failed, or an earlier report already has the name
/// ([`Names::claim`]), so that no output overwrites another.
fn assign_names(
    units: &[Unit],
    loaded: &[Result<Input, Diagnostics>],
    pattern: &NamePattern,
    names: &mut Names,
) -> Vec<Result<String, Diagnostic>> {
    let raw: Vec<Result<String, Diagnostic>> = loaded
        .par_iter()
        .map(|l| match l {
            Ok(input) => pattern.name(&input.value),
            Err(_) => Err(Diagnostic::input(Code::Output, tr("没有数据", "no data"))),
        })
        .collect();
    units
        .iter()
        .zip(raw)
        .map(|(u, name)| names.claim(name?, &u.label()))
        .collect()
}

/// Why `path` cannot be written: it is one of the run's inputs.
fn is_input(inputs: &nianbao::output::InputSet, path: &Path) -> Option<Diagnostic> {
    if !inputs.contains(path) {
        return None;
    }
    let shown = path.display();
    Some(
        Diagnostic::input(
            Code::Output,
            tr(
                format!("输出 `{shown}` 是本次的一个输入，写出会覆盖它；什么也没有写"),
                format!("the output `{shown}` is one of the inputs; writing would destroy it, so nothing was written"),
            ),
        )
        .with_hint(tr(
            "给输出另取一个名字，或放到另一个目录",
            "give the output another name, or another directory",
        )),
    )
}

/// What every report of a run shares.
struct Job<'a> {
    engine: &'a Engine,
    inputs: &'a nianbao::output::InputSet,
    previous: Option<&'a nianbao::input::previous::Previous>,
    args: &'a Args<'a>,
    opts: RenderOptions,
}

/// Renders every format, then writes them all; a report that fails
/// writes nothing, and one whose output would be an input is refused
/// before it is rendered (an I/O-class failure, exit 2).
fn process(
    job: &Job,
    unit: &Unit,
    input: Result<Input, Diagnostics>,
    name: &Result<String, Diagnostic>,
) -> Outcome {
    let (engine, args, opts) = (job.engine, job.args, job.opts);
    let named = input
        .as_ref()
        .ok()
        .and_then(|i| i.value["unit"].as_str().map(str::to_string))
        .or_else(|| unit.row_unit());
    let mut outcome = Outcome {
        input: unit.input.clone(),
        index: unit.index,
        row: unit.row(),
        unit: named,
        status: Status::Failed,
        write_failed: false,
        outputs: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        staged: Vec::new(),
    };
    let input = match input {
        Ok(i) => i,
        Err(d) => {
            outcome.errors = d.0;
            return outcome;
        }
    };
    let data = &input.value;
    let name = match name {
        Ok(n) => n,
        Err(d) => {
            // A report that lacks the pattern's keys is usually wrong in
            // itself: its own errors say more than the name's.
            let mut own = engine.check(data);
            if own.has_errors() {
                input.locate(&mut own);
                split(&own, &mut outcome);
            } else {
                outcome.errors = vec![d.clone()];
            }
            return outcome;
        }
    };
    let paths: Vec<_> = args
        .formats
        .iter()
        .map(|format| args.outdir.join(format!("{name}.{}", format.extension())))
        .collect();
    if let Some(d) = paths.iter().find_map(|p| is_input(job.inputs, p)) {
        outcome.errors.push(d);
        outcome.write_failed = true;
        return outcome;
    }
    // One render for every format: the data checked and the pages laid
    // out once, so a report's PDF and OFD are the same pages.
    // With `--previous`, last year's report of the unit is compared too,
    // on the report as checked for rendering.
    let last = |this: &nianbao::data::Checked| job.previous.and_then(|p| p.of(this));
    let rendered = match engine.render_input_across(&input, &args.formats, opts, last) {
        Ok(all) => {
            if let Some(first) = all.first() {
                outcome.warnings = first.diagnostics.warnings().cloned().collect();
            }
            paths
                .into_iter()
                .zip(all)
                .map(|(p, r)| (p, r.bytes))
                .collect::<Vec<_>>()
        }
        Err(d) => {
            split(&d, &mut outcome);
            return outcome;
        }
    };
    for (path, bytes) in rendered {
        match nianbao::output::stage(&path, &bytes) {
            Ok(staged) => {
                outcome.outputs.push(path.display().to_string());
                outcome
                    .staged
                    .extend(staged.map(|s| (outcome.outputs.len() - 1, path.clone(), s)));
            }
            Err(e) => {
                outcome
                    .errors
                    .push(cannot_write(&Target::File(path.clone()), &e));
                outcome.write_failed = true;
                // Nothing of a report that cannot be written goes in place.
                outcome
                    .staged
                    .drain(..)
                    .for_each(|(_, _, s)| nianbao::output::discard(s));
                outcome.outputs.clear();
                return outcome;
            }
        }
    }
    outcome.status = Status::Ok;
    outcome
}

/// Puts a chunk's staged files in place ([`nianbao::output::commit`]: each
/// flushed, then renamed; on a thread of its own while the next chunk
/// renders), and fails the report of any that could not be, naming the
/// file.
fn commit(outcomes: &mut [Outcome]) {
    let mut whose = Vec::new();
    let mut staged = Vec::new();
    for (i, o) in outcomes.iter_mut().enumerate() {
        for (output, path, s) in std::mem::take(&mut o.staged) {
            whose.push((i, output, path));
            staged.push(s);
        }
    }
    let results = nianbao::output::commit(&staged);
    let mut failed = Vec::new();
    for ((i, output, path), result) in whose.into_iter().zip(results) {
        if let Err(e) = result {
            let o = &mut outcomes[i];
            o.errors.push(cannot_write(&Target::File(path), &e));
            o.write_failed = true;
            o.status = Status::Failed;
            failed.push((i, output));
        }
    }
    // Listed outputs are the files in place.
    for (i, output) in failed.into_iter().rev() {
        outcomes[i].outputs.remove(output);
    }
}

fn split(d: &Diagnostics, outcome: &mut Outcome) {
    outcome.errors = d.errors().cloned().collect();
    outcome.warnings = d.warnings().cloned().collect();
}

fn skipped(unit: &Unit) -> Outcome {
    Outcome {
        input: unit.input.clone(),
        index: unit.index,
        row: unit.row(),
        unit: unit.row_unit(),
        status: Status::Skipped,
        write_failed: false,
        outputs: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        staged: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::Status;

    #[test]
    fn the_summary_spells_each_status_as_before() {
        let spelled = |s: Status| serde_json::to_value(s).expect("serialises");
        assert_eq!(spelled(Status::Ok), "ok");
        assert_eq!(spelled(Status::Failed), "failed");
        assert_eq!(spelled(Status::Skipped), "skipped");
    }
}
