//! Diagnostics: every refusal and warning nianbao produces, as data.
//!
//! In: whatever stage found a problem. Out: a [`Diagnostic`] with a stable
//! [`Code`], a lowercase message without a final period, a [`Location`] (a
//! JSON pointer into the data file, or a line and column in a template or
//! markup source) and an optional hint. The CLI prints them as text or as
//! one JSON object per line; the library returns them, never prints them.

use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is. Errors stop rendering (checks can be overridden
/// with `--force`); warnings never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported, never stops rendering.
    Warning,
    /// Stops rendering (checks: unless forced).
    Error,
}

/// Stable machine-readable codes. The README lists them; never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// The input could not be read (missing file, permission, I/O).
    Io,
    /// The input is not UTF-8 (e.g. saved as GBK by a Windows editor).
    Encoding,
    /// The input is not well-formed JSON.
    JsonSyntax,
    /// A value has the wrong type, length or range.
    Shape,
    /// A required key is missing.
    MissingKey,
    /// A key the contract does not know.
    UnknownKey,
    /// A key that belongs to the other official format.
    WrongFormatKey,
    /// Check 1: 一 + 二 = （七）总计 + 四, per column.
    CheckBalance,
    /// Check 2: （七）总计 = the sum of all result rows, per column.
    CheckResultTotal,
    /// Check 3: the 总计 column = the sum of the six applicant columns.
    CheckRowTotal,
    /// Check 4: each 总计 of section 四 = the sum of its four results.
    CheckReviewTotal,
    /// Figures quoted in the prose disagree with the tables.
    ProseMismatch,
    /// A run-in heading whose numbering gives no level.
    HeadingLevel,
    /// A date that is not in a recognised form.
    Date,
    /// A template could not be compiled or rendered.
    Template,
    /// The document markup a template produced is malformed.
    Markup,
    /// A table whose spans overlap or leave a hole.
    TableGrid,
    /// A stylesheet or template bundle problem.
    Style,
    /// A character no font in the chain can draw, or a font problem.
    Font,
    /// Writing the output failed.
    Output,
    /// A limit (size, depth, count) was exceeded.
    Limit,
}

impl Code {
    /// The code as printed, e.g. `check-result-total`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "io",
            Code::Encoding => "encoding",
            Code::JsonSyntax => "json-syntax",
            Code::Shape => "shape",
            Code::MissingKey => "missing-key",
            Code::UnknownKey => "unknown-key",
            Code::WrongFormatKey => "wrong-format-key",
            Code::CheckBalance => "check-balance",
            Code::CheckResultTotal => "check-result-total",
            Code::CheckRowTotal => "check-row-total",
            Code::CheckReviewTotal => "check-review-total",
            Code::ProseMismatch => "prose-mismatch",
            Code::HeadingLevel => "heading-level",
            Code::Date => "date",
            Code::Template => "template",
            Code::Markup => "markup",
            Code::TableGrid => "table-grid",
            Code::Style => "style",
            Code::Font => "font",
            Code::Output => "output",
            Code::Limit => "limit",
        }
    }

    /// Whether an error of this code is a 勾稽关系 check that `--force` may
    /// override. Shape and syntax errors never can: the report would be
    /// incomplete.
    pub fn is_check(self) -> bool {
        matches!(
            self,
            Code::CheckBalance
                | Code::CheckResultTotal
                | Code::CheckRowTotal
                | Code::CheckReviewTotal
        )
    }
}

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Location {
    /// Nowhere more precise than the input as a whole.
    Input,
    /// A JSON pointer (RFC 6901) into the data file, `""` for the root.
    Pointer {
        /// The pointer, e.g. `/applications/total/0`.
        pointer: String,
    },
    /// A position in a text source: the data file before it parsed, a
    /// template file, or the markup a template produced.
    Text {
        /// The source's name (a path, `<stdin>`, or a template file).
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
    },
}

/// One problem found in an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code.
    pub code: Code,
    /// What is wrong, lowercase, without a final period.
    pub message: String,
    /// Where.
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// How to fix it, when there is something to say.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at a JSON pointer.
    pub fn error(code: Code, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: Location::Pointer {
                pointer: pointer.into(),
            },
            hint: None,
        }
    }

    /// A warning at a JSON pointer.
    pub fn warning(code: Code, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, pointer, message)
        }
    }

    /// An error about the input as a whole.
    pub fn input(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: Location::Input,
            hint: None,
        }
    }

    /// An error at a line and column of a text source.
    pub fn at_text(
        code: Code,
        file: impl Into<String>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: Location::Text {
                file: file.into(),
                line,
                column,
            },
            hint: None,
        }
    }

    /// The same diagnostic with a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether it is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Input => Ok(()),
            Location::Pointer { pointer } if pointer.is_empty() => f.write_str("/"),
            Location::Pointer { pointer } => f.write_str(pointer),
            Location::Text { file, line, column } => write!(f, "{file}:{line}:{column}"),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `LOCATION: SEVERITY[CODE]: MESSAGE`, then `  hint: …` on its own line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location != Location::Input {
            write!(f, "{}: ", self.location)?;
        }
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}[{}]: {}", self.code.as_str(), self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// A list of diagnostics, as returned by every stage that can fail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// No diagnostics.
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds all of another list.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Errors that `--force` cannot override: anything but a check.
    pub fn has_fatal(&self) -> bool {
        self.0.iter().any(|d| d.is_error() && !d.code.is_check())
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// All, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Appends `key` to a JSON pointer, escaping `~` and `/` (RFC 6901 §3).
pub fn pointer_push(base: &str, key: &str) -> String {
    let escaped = key.replace('~', "~0").replace('/', "~1");
    format!("{base}/{escaped}")
}
