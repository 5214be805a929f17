//! Printing diagnostics for people (text) or programs (JSON lines).
//!
//! In: diagnostics and the input they belong to. Out: lines on stderr. Text
//! is `INPUT: LOCATION: error[code]: message` with an indented hint; JSON is
//! one object per diagnostic, `{"input", "severity", "code", "message",
//! "location", "hint"}`, so that a pipeline can parse each line alone.

use super::ErrorFormat;
use nianbao::{Diagnostic, Diagnostics};
use std::io::Write;

#[derive(Debug, Clone, Copy)]
pub struct Reporter {
    format: ErrorFormat,
    pub quiet: bool,
}

impl Reporter {
    pub fn new(format: ErrorFormat, quiet: bool) -> Self {
        Reporter { format, quiet }
    }

    /// Prints every diagnostic of `input` on stderr.
    pub fn diagnostics(&self, input: &str, diags: &Diagnostics) {
        let stderr = std::io::stderr();
        let mut err = stderr.lock();
        for d in diags {
            // A closed stderr is not worth failing over.
            let _ = writeln!(err, "{}", self.line(input, d));
        }
    }

    pub fn diagnostic(&self, input: &str, d: &Diagnostic) {
        eprintln!("{}", self.line(input, d));
    }

    fn line(&self, input: &str, d: &Diagnostic) -> String {
        match self.format {
            ErrorFormat::Text => match &d.location {
                // The position is in the input itself: say the name once.
                nianbao::Location::Text { file, .. } if file == input => d.to_string(),
                _ => format!("{input}: {d}"),
            },
            ErrorFormat::Json => {
                let mut v = serde_json::to_value(d).unwrap_or_default();
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
            println!("{line}");
        }
    }
}

/// Reads an input file, or standard input for `-`; returns the bytes and
/// the name to use in messages.
pub fn read_input(path: &str) -> Result<(Vec<u8>, String), Diagnostic> {
    use nianbao::Code;
    use std::io::Read;
    let limit = nianbao::data::MAX_DATA_BYTES as u64 + 1;
    if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(|e| Diagnostic::input(Code::Io, format!("cannot read standard input: {e}")))?;
        return Ok((bytes, "<stdin>".into()));
    }
    let file = std::fs::File::open(path).map_err(|e| {
        Diagnostic::input(Code::Io, format!("cannot open {path}: {}", io_reason(&e)))
    })?;
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes).map_err(|e| {
        Diagnostic::input(Code::Io, format!("cannot read {path}: {}", io_reason(&e)))
    })?;
    Ok((bytes, path.to_string()))
}

/// An I/O error's reason in lowercase, without the "(os error N)" noise.
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    let s = s.split(" (os error").next().unwrap_or(&s).to_string();
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => s,
    }
}
