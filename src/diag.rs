//! Diagnostics: every refusal and warning nianbao produces, as data.
//!
//! In: whatever stage found a problem. Out: a [`Diagnostic`] with a stable
//! [`Code`], a message without a final period in Chinese and in English
//! ([`Text`]), a [`Location`] (a JSON pointer into the data file, or a line
//! and column in a template or markup source), the place in the official
//! form's own words when the pointer names a cell or section, and an
//! optional hint. The CLI prints them as text or as one JSON object per
//! line, in the language asked for ([`Lang`]); the library returns them,
//! never prints them.

use serde::Serialize;
use std::fmt;

/// The language diagnostics are shown in. Chinese is the default: the
/// people who fill the form read Chinese; codes never change with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 中文.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// `zh` or `en` (also `zh-CN`, `en_US.UTF-8` and the like).
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

/// A message in both languages. Text from elsewhere (a parser's own
/// message) converts with the same words in both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// 中文.
    pub zh: String,
    /// English.
    pub en: String,
}

/// A message in Chinese and in English.
pub fn tr(zh: impl Into<String>, en: impl Into<String>) -> Text {
    Text {
        zh: zh.into(),
        en: en.into(),
    }
}

impl Text {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// Whether either language contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.zh.contains(needle) || self.en.contains(needle)
    }

    /// The same text with `more` appended in each language.
    pub fn append(mut self, more: &Text) -> Text {
        self.zh.push_str(&more.zh);
        self.en.push_str(&more.en);
        self
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text {
            zh: s.clone(),
            en: s,
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::from(s.to_string())
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.zh)
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.zh)
    }
}

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
    /// This year's figures disagree with last year's report of the same
    /// unit (a warning): 上年结转 ≠ last year's 结转下年度, or a 2019
    /// 上一年项目数量 ≠ last year's plus its 本年增/减.
    CheckCarryover,
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
    /// A form not yet filled in: placeholder text, an empty required
    /// section, no signature (a warning).
    Incomplete,
    /// Punctuation GB/T 15834 sets otherwise (a warning).
    Punctuation,
    /// An HTTP request `nianbao serve` refuses as such, whatever its
    /// data: no such report, a cross-site request, a missing header.
    Request,
    /// A save based on a revision that is no longer the latest
    /// (`nianbao serve`: a stale or missing `If-Match`).
    Conflict,
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
            Code::CheckCarryover => "check-carryover",
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
            Code::Incomplete => "incomplete",
            Code::Punctuation => "punctuation",
            Code::Request => "request",
            Code::Conflict => "conflict",
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
    /// What is wrong, without a final period.
    pub message: Text,
    /// Where.
    pub location: Location,
    /// The place in the form's own words, when the pointer names one:
    /// `表三「一、本年新收政府信息公开申请数量」×「自然人」`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// How to fix it, when there is something to say.
    pub hint: Option<Text>,
    /// The character a font diagnostic is about (one no font can draw).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub character: Option<char>,
    /// The text a layout diagnostic is about (a table cell's text too tall
    /// for a page), so that the engine, which knows the data, can point
    /// the error at the string it came from. Not part of the output.
    #[serde(skip)]
    pub source_text: Option<String>,
}

impl Diagnostic {
    /// An error at a JSON pointer.
    pub fn error(code: Code, pointer: impl Into<String>, message: impl Into<Text>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: Location::Pointer {
                pointer: pointer.into(),
            },
            place: None,
            hint: None,
            character: None,
            source_text: None,
        }
    }

    /// A warning at a JSON pointer.
    pub fn warning(code: Code, pointer: impl Into<String>, message: impl Into<Text>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, pointer, message)
        }
    }

    /// An error about the input as a whole.
    pub fn input(code: Code, message: impl Into<Text>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: Location::Input,
            place: None,
            hint: None,
            character: None,
            source_text: None,
        }
    }

    /// An error at a line and column of a text source.
    pub fn at_text(
        code: Code,
        file: impl Into<String>,
        line: usize,
        column: usize,
        message: impl Into<Text>,
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
            place: None,
            hint: None,
            character: None,
            source_text: None,
        }
    }

    /// The same diagnostic with a hint.
    pub fn with_hint(mut self, hint: impl Into<Text>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same diagnostic as a warning.
    pub fn as_warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// The diagnostic shown in `lang` for a person: `PLACE: SEVERITY[CODE]:
    /// MESSAGE`, then the hint on its own line. The place is the form's
    /// (`sheet!cell` and the form's words, or `file:line:column`); the
    /// JSON pointer shows only where nothing else names the place.
    pub fn display(&self, lang: Lang) -> Shown<'_> {
        Shown {
            d: self,
            lang,
            verbose: false,
        }
    }

    /// [`Diagnostic::display`] with the JSON pointer before the place
    /// (`--verbose`), for whoever edits the data file by its keys.
    pub fn display_verbose(&self, lang: Lang) -> Shown<'_> {
        Shown {
            d: self,
            lang,
            verbose: true,
        }
    }

    /// The diagnostic as a JSON object, its message and hint in `lang`.
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.insert("message".into(), self.message.get(lang).into());
            if let Some(h) = &self.hint {
                map.insert("hint".into(), h.get(lang).into());
            }
        }
        v
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

/// A diagnostic shown in one language.
#[derive(Debug)]
pub struct Shown<'a> {
    d: &'a Diagnostic,
    lang: Lang,
    verbose: bool,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (d, lang) = (self.d, self.lang);
        // A pointer is the data file's own address: a person reads the
        // form's words (and the workbook's cell), so the pointer shows
        // only with --verbose or when there is nothing else to show.
        let pointer = matches!(d.location, Location::Pointer { .. });
        let located =
            d.location != Location::Input && (self.verbose || !pointer || d.place.is_none());
        if located {
            write!(f, "{}", d.location)?;
            if let Some(place) = &d.place {
                write!(f, " {place}")?;
            }
            f.write_str(": ")?;
        } else if let Some(place) = &d.place {
            write!(f, "{place}: ")?;
        }
        let sev = match (d.severity, lang) {
            (Severity::Error, Lang::Zh) => "错误",
            (Severity::Warning, Lang::Zh) => "警告",
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::En) => "warning",
        };
        let colon = if lang == Lang::Zh { "：" } else { ": " };
        write!(
            f,
            "{sev}[{}]{colon}{}",
            d.code.as_str(),
            d.message.get(lang)
        )?;
        if let Some(hint) = &d.hint {
            let word = if lang == Lang::Zh { "提示" } else { "hint" };
            write!(f, "\n  {word}{colon}{}", hint.get(lang))?;
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostic {
    /// In Chinese; see [`Diagnostic::display`] for English.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.display(Lang::Zh).fmt(f)
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

/// "Cannot VERB NAME", with the I/O error's reason, in both languages:
/// `verb` is the action in Chinese and in English (`("读取", "read")`).
/// Every failure to read, write or create a file (or a stream, or a
/// document's bytes) is this one message with this one code, `io`, so
/// that every command's exit code treats it alike (2).
pub fn cannot(verb: (&str, &str), name: &str, e: &std::io::Error) -> Diagnostic {
    cannot_each(verb, (name, name), e)
}

/// [`cannot`] with the name in each language (`("标准输出", "to standard
/// output")`, `("PDF", "the PDF")`).
pub fn cannot_each(verb: (&str, &str), name: (&str, &str), e: &std::io::Error) -> Diagnostic {
    let why = io_reason(e);
    Diagnostic::input(
        Code::Io,
        tr(
            format!("无法{} {}：{}", verb.0, name.0, why.zh),
            format!("cannot {} {}: {}", verb.1, name.1, why.en),
        ),
    )
}

/// An I/O error's reason in both languages: the common kinds in the words
/// a clerk knows, else the system's words (without "(os error N)").
pub fn io_reason(e: &std::io::Error) -> Text {
    use std::io::ErrorKind as K;
    let system = {
        let s = e.to_string();
        crate::text::lowercase_first(s.split(" (os error").next().unwrap_or(&s))
    };
    let zh = match e.kind() {
        K::NotFound => "文件或目录不存在",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "已经存在",
        K::IsADirectory => "这是一个目录，不是文件",
        K::NotADirectory => "路径中有一段不是目录",
        K::StorageFull => "磁盘已满",
        K::InvalidFilename => "文件名太长或不合法",
        K::BrokenPipe => "读取方已关闭管道",
        K::ReadOnlyFilesystem => "文件系统只读",
        K::DirectoryNotEmpty => "目录不是空的",
        _ => return Text::from(system),
    };
    tr(format!("{zh}（{system}）"), system)
}
