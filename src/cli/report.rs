//! Printing for people (text) or programs (JSON lines), in the language
//! asked for.
//!
//! In: diagnostics and the input they belong to; status lines; a
//! document for stdout. Out: lines on stderr and stdout. Text is
//! `INPUT: PLACE: 错误[code]：message` with an indented hint, the place in
//! the form's words (the JSON pointer too with `--verbose`); JSON is
//! one object per diagnostic, `{"input", "severity", "code", "message",
//! "location", "place", "hint"}`, so that a pipeline can parse each line
//! alone.
//!
//! Nothing here panics on a closed or full stream (`println!` would): a
//! reader that closes stdout early (`| head`) ends the output quietly, as
//! ripgrep does, and a full disk is an I/O failure that the command's
//! exit code reports (2).

use super::ErrorFormat;
use nianbao::{Diagnostic, Diagnostics, Lang, Text};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once stdout is closed by its reader: nothing more is printed there.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// Set once a write to stdout failed otherwise (a full disk).
static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);

#[derive(Debug, Clone, Copy)]
pub struct Reporter {
    format: ErrorFormat,
    pub quiet: bool,
    pub lang: Lang,
    /// Text diagnostics name the JSON pointer too (`--verbose`).
    pub verbose: bool,
}

impl Reporter {
    pub fn new(format: ErrorFormat, quiet: bool, lang: Lang) -> Self {
        Reporter {
            format,
            quiet,
            lang,
            verbose: false,
        }
    }

    /// Whether diagnostics go out as JSON lines (for programs: the input
    /// is named as given, not in a person's words).
    pub fn is_json(&self) -> bool {
        self.format == ErrorFormat::Json
    }

    /// The words of `text` in the reporter's language.
    pub fn say<'t>(&self, text: &'t Text) -> &'t str {
        text.get(self.lang)
    }

    /// Prints every diagnostic of `input` on stderr.
    pub fn diagnostics(&self, input: &str, diags: &Diagnostics) {
        let mut err = std::io::stderr().lock();
        // Quiet: nothing but errors.
        for d in diags.iter().filter(|d| d.is_error() || !self.quiet) {
            // A closed or full stderr leaves nowhere to say so.
            let _ = writeln!(err, "{}", self.line(input, d));
        }
    }

    pub fn diagnostic(&self, input: &str, d: &Diagnostic) {
        let _ = writeln!(std::io::stderr().lock(), "{}", self.line(input, d));
    }

    /// A note for people on stderr (`wrote FILE`), unless quiet.
    pub fn note(&self, text: &Text) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{}", self.say(text));
        }
    }

    fn line(&self, input: &str, d: &Diagnostic) -> String {
        match self.format {
            ErrorFormat::Text => {
                let shown = if self.verbose {
                    d.display_verbose(self.lang)
                } else {
                    d.display(self.lang)
                };
                match &d.location {
                    // The position is in the input itself: say the name once.
                    nianbao::Location::Text { file, .. } if file == input => shown.to_string(),
                    _ => format!("{input}: {shown}"),
                }
            }
            ErrorFormat::Json => {
                let mut v = d.to_json(self.lang);
                if let Some(map) = v.as_object_mut() {
                    map.insert("input".into(), input.into());
                }
                v.to_string()
            }
        }
    }

    /// A status line for people, on stdout, unless quiet.
    pub fn status(&self, line: &str) {
        if !self.quiet {
            stdout_line(line);
        }
    }

    /// The exit code, raised to 2 when a write to stdout failed.
    pub fn exit(&self, code: u8) -> u8 {
        if STDOUT_FAILED.load(Ordering::SeqCst) {
            code.max(super::EXIT_USAGE)
        } else {
            code
        }
    }
}

/// Writes `bytes` to stdout. A reader that closed the pipe is not an
/// error (`Ok`, and nothing more is written); any other failure is
/// returned, once.
pub fn stdout_bytes(bytes: &[u8]) -> std::io::Result<()> {
    if STDOUT_CLOSED.load(Ordering::SeqCst) {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::SeqCst);
            Ok(())
        }
        Err(e) => {
            STDOUT_FAILED.store(true, Ordering::SeqCst);
            Err(e)
        }
    }
}

/// Writes one line to stdout as [`stdout_bytes`] does; a failure other
/// than a closed pipe is said on stderr once, as [`cannot_write`] says it
/// (in both languages: no reporter is at hand here), and makes the exit
/// code 2.
pub fn stdout_line(line: &str) {
    let already = STDOUT_FAILED.load(Ordering::SeqCst);
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    if let Err(e) = stdout_bytes(&bytes) {
        if !already {
            let said = cannot_write(&Target::Stdout, &e).message;
            let _ = writeln!(
                std::io::stderr().lock(),
                "nianbao: {} / {}",
                said.zh,
                said.en
            );
        }
    }
}

/// Reads one report's input (a file, or standard input for `-`), bounded
/// as [`nianbao::input::read_report`] says; returns the bytes and the
/// name to use in messages.
pub fn read_input(path: &str) -> Result<(Vec<u8>, String), Diagnostic> {
    let source = nianbao::input::Source::from_arg(path);
    let bytes = nianbao::input::read_report(&source, std::io::stdin().lock())?;
    Ok((bytes, source.name()))
}

/// Where a command writes: standard output or a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Standard output (`-o -`).
    Stdout,
    /// A file (or a device, a FIFO: written through, see
    /// [`nianbao::output::write`]).
    File(PathBuf),
}

impl Target {
    /// An output as the command line gives it: `-` is standard output.
    pub fn from_arg(arg: &str) -> Target {
        if arg == "-" {
            Target::Stdout
        } else {
            Target::File(PathBuf::from(arg))
        }
    }

    /// The file, unless it is standard output.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Target::Stdout => None,
            Target::File(p) => Some(p),
        }
    }

    /// Writes `bytes` there: to standard output as [`stdout_bytes`] does,
    /// or to the file as every output is written.
    pub fn write(&self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Target::Stdout => stdout_bytes(bytes),
            Target::File(p) => nianbao::output::write(p, bytes),
        }
    }
}

impl std::fmt::Display for Target {
    /// `-` for standard output, else the path as given.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Stdout => f.write_str("-"),
            Target::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// "Cannot write TARGET" (a file, or standard output), with the reason,
/// in both languages: one message for every command.
pub fn cannot_write(target: &Target, e: &std::io::Error) -> Diagnostic {
    let path = target.to_string();
    let name = match target {
        Target::Stdout => ("标准输出", "to standard output"),
        Target::File(_) => (path.as_str(), path.as_str()),
    };
    nianbao::diag::cannot_each(("写入", "write"), name, e)
}
