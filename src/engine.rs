//! The library's front door: an [`Engine`] built once, rendering many.
//!
//! In: a data value and an output [`OutputFormat`]. Out: a [`Rendered`]
//! document (its bytes and the warnings raised), or the [`Diagnostics`]
//! that stopped it. The engine holds the compiled template; it is
//! `Send + Sync`, so one engine serves every thread of a batch.

use crate::data::{self, Checked};
use crate::diag::{tr, Diagnostic, Diagnostics, Location, Text};
use crate::doc::Resolved;
use crate::fonts::{self, Chains, FontBook, FontOptions};
use crate::pointer;
use crate::template::{self, Bundle, DataKind, Template};
use serde_json::Value;
use std::sync::Arc;

/// What to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// The formal document, typeset (GB/T 9704).
    Pdf,
    /// An editable Word document.
    Docx,
    /// One standalone web page.
    Html,
    /// The national fixed-layout format (GB/T 33190-2016), page for page
    /// the PDF.
    Ofd,
    /// The PDF's pages as SVG, glyphs as outlines (no font needed to
    /// view it): as one document, every page stacked top to bottom
    /// ([`crate::svg::write`]); [`Engine::render_pages`] gives one SVG
    /// per page.
    Svg,
}

impl OutputFormat {
    /// Every format nianbao writes, in the order help texts list them.
    pub const ALL: [OutputFormat; 5] = [
        OutputFormat::Pdf,
        OutputFormat::Docx,
        OutputFormat::Html,
        OutputFormat::Ofd,
        OutputFormat::Svg,
    ];

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Pdf => "pdf",
            OutputFormat::Docx => "docx",
            OutputFormat::Html => "html",
            OutputFormat::Ofd => "ofd",
            OutputFormat::Svg => "svg",
        }
    }

    /// The format for a file extension, if nianbao writes it.
    pub fn from_extension(ext: &str) -> Option<OutputFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "pdf" => Some(OutputFormat::Pdf),
            "docx" => Some(OutputFormat::Docx),
            "html" | "htm" => Some(OutputFormat::Html),
            "ofd" => Some(OutputFormat::Ofd),
            "svg" => Some(OutputFormat::Svg),
            _ => None,
        }
    }
}

/// A rendered document.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The document.
    pub bytes: Vec<u8>,
    /// Warnings, and check errors that `force` let through.
    pub diagnostics: Diagnostics,
}

/// Options for one render.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Render even when the 勾稽关系 checks fail (shape errors still stop).
    pub force: bool,
    /// The creation time written into the document, seconds since 1970
    /// (`SOURCE_DATE_EPOCH`); `None` writes the report's 成文日期
    /// (`signature.date`, midnight UTC) when it has one, else a fixed
    /// value: either way the same bytes on every run.
    pub created: Option<i64>,
    /// The PDF/A level of a PDF (`--pdf-standard`); `None` writes a plain
    /// tagged PDF. Other formats ignore it.
    pub pdf_standard: Option<crate::pdf::PdfStandard>,
}

impl RenderOptions {
    /// The options with `created` set from the data's 成文日期 when no
    /// time was given: a document that has a date gives it, rather than
    /// 1970-01-01.
    fn dated(self, data: &Value) -> RenderOptions {
        let created = self.created.or_else(|| {
            data.pointer("/signature/date")
                .and_then(Value::as_str)
                .and_then(crate::clock::of_written_date)
        });
        RenderOptions { created, ..self }
    }
}

/// A compiled template and the fonts, ready to render reports.
#[derive(Debug)]
pub struct Engine {
    template: Template,
    fonts: Arc<FontBook>,
    chains: Chains,
}

impl Engine {
    /// An engine with the built-in `annual-report` template and the
    /// bundled and system fonts.
    pub fn new() -> Result<Engine, Diagnostic> {
        Engine::with_bundle(&template::builtin("annual-report")?)
    }

    /// An engine with a template bundle (built in, or read from disk with
    /// [`Bundle::from_dir`]) and the bundled and system fonts.
    pub fn with_bundle(bundle: &Bundle) -> Result<Engine, Diagnostic> {
        Engine::with_fonts(bundle, fonts::shared_default()?)
    }

    /// An engine with a template bundle and fonts from `opts` too
    /// (`--font-dir`).
    pub fn with_font_options(bundle: &Bundle, opts: &FontOptions) -> Result<Engine, Diagnostic> {
        if opts.dirs.is_empty() && opts.system {
            return Engine::with_bundle(bundle);
        }
        Engine::with_fonts(bundle, Arc::new(FontBook::new(opts)?))
    }

    fn with_fonts(bundle: &Bundle, fonts: Arc<FontBook>) -> Result<Engine, Diagnostic> {
        let template = Template::compile(bundle)?;
        let chains = fonts.chains(&template.stylesheet.fonts)?;
        Ok(Engine {
            template,
            fonts,
            chains,
        })
    }

    /// What loading the fonts said: `--font-dir` files left out, each by
    /// name (warnings, code `font`). Said once per engine, not per report.
    pub fn font_warnings(&self) -> &[Diagnostic] {
        self.fonts.warnings()
    }

    /// The compiled template.
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// Checks data as the template's bundle expects: the annual-report
    /// contract and its 勾稽关系, or the bundle's JSON Schema.
    pub fn check(&self, data: &Value) -> Diagnostics {
        self.check_across(data, |_| None)
    }

    /// As [`Self::check`], with the check across years: `last` finds last
    /// year's report of the one checked (`--previous`, or the server's
    /// store), and the `check-carryover` warnings join the rest. The
    /// report is checked once, for both.
    pub fn check_across<'a>(
        &self,
        data: &Value,
        last: impl FnOnce(&Checked) -> Option<&'a Checked>,
    ) -> Diagnostics {
        match self.template.manifest.data {
            DataKind::AnnualReport => match data::check_value_across(data, last) {
                Ok(checked) => checked.diagnostics,
                Err(d) => d,
            },
            DataKind::Any => self.template.validate(data),
        }
    }

    /// Data → the resolved document tree, with the diagnostics that did
    /// not stop it.
    pub fn document(
        &self,
        data: &Value,
        opts: RenderOptions,
    ) -> Result<(Resolved, Diagnostics), Diagnostics> {
        self.document_across(data, opts, |_| None)
    }

    /// [`Self::document`] with the check across years ([`Self::check_across`]).
    fn document_across<'a>(
        &self,
        data: &Value,
        opts: RenderOptions,
        last: impl FnOnce(&Checked) -> Option<&'a Checked>,
    ) -> Result<(Resolved, Diagnostics), Diagnostics> {
        match self.template.manifest.data {
            DataKind::AnnualReport => {
                let checked = data::check_value_across(data, last)?;
                self.document_of(&checked, data, opts)
            }
            DataKind::Any => {
                let d = self.template.validate(data);
                if d.has_errors() {
                    return Err(d);
                }
                let mut doc = self.tree(data, data)?;
                doc.embed(embedded_json(data).map_err(Diagnostics::from)?);
                Ok((doc, d))
            }
        }
    }

    /// A checked report → the resolved tree; `data` is the JSON the report
    /// came as, for pointing a layout error at its string.
    fn document_of(
        &self,
        checked: &data::Checked,
        data: &Value,
        opts: RenderOptions,
    ) -> Result<(Resolved, Diagnostics), Diagnostics> {
        if checked.has_errors() && !opts.force {
            return Err(checked.diagnostics.clone());
        }
        let mut doc = self.tree(&checked.context()?, data)?;
        // The typed report, in the contract's order: a workbook carries
        // the same bytes as the JSON it was made from.
        doc.embed(embedded_json(&checked.report).map_err(Diagnostics::from)?);
        // Forced through failing checks: a draft, and every page says so.
        if checked.has_errors() {
            doc.mark_draft();
        }
        Ok((doc, checked.diagnostics.clone()))
    }

    /// The template over a context → the resolved tree.
    fn tree(&self, context: &Value, data: &Value) -> Result<Resolved, Diagnostics> {
        let doc = self.template.document(context)?;
        crate::layout::resolve::resolve(doc, &self.fonts, &self.chains)
            .map_err(|d| Diagnostics::from(locate_char(d, data)))
    }

    /// Data → the document's bytes in `format`.
    pub fn render(
        &self,
        data: &Value,
        format: OutputFormat,
        opts: RenderOptions,
    ) -> Result<Rendered, Diagnostics> {
        let mut all = self.render_all(data, &[format], opts)?;
        Ok(all.remove(0))
    }

    /// Data → the document in each of `formats`, in that order. The data
    /// is checked and the document built once; the pages are laid out
    /// once for the PDF, the OFD and the SVG together, so they are the
    /// same pages. Every [`Rendered`] carries the same warnings.
    pub fn render_all(
        &self,
        data: &Value,
        formats: &[OutputFormat],
        opts: RenderOptions,
    ) -> Result<Vec<Rendered>, Diagnostics> {
        self.render_all_across(data, formats, opts, |_| None)
    }

    /// [`Self::render_all`] with the check across years
    /// ([`Self::check_across`]).
    fn render_all_across<'a>(
        &self,
        data: &Value,
        formats: &[OutputFormat],
        opts: RenderOptions,
        last: impl FnOnce(&Checked) -> Option<&'a Checked>,
    ) -> Result<Vec<Rendered>, Diagnostics> {
        crate::clock::check(opts.created)?;
        let (doc, diagnostics) = self.document_across(data, opts, last)?;
        self.write_all(&doc, &diagnostics, data, formats, opts)
    }

    /// A resolved tree → each of `formats`, the PDF and the OFD from the
    /// same laid-out pages.
    fn write_all(
        &self,
        doc: &Resolved,
        diagnostics: &Diagnostics,
        data: &Value,
        formats: &[OutputFormat],
        opts: RenderOptions,
    ) -> Result<Vec<Rendered>, Diagnostics> {
        let located = |d: Diagnostic| Diagnostics::from(locate_char(d, data));
        let opts = opts.dated(data);
        let mut laid = None;
        let mut out = Vec::with_capacity(formats.len());
        for &format in formats {
            let bytes = match format {
                OutputFormat::Html => {
                    crate::html::write(doc, &self.template.stylesheet.fonts).into_bytes()
                }
                OutputFormat::Docx => {
                    let opts = crate::docx::DocxOptions {
                        created: opts.created,
                    };
                    crate::docx::write(doc, &self.template.stylesheet.fonts, opts)?
                }
                OutputFormat::Pdf | OutputFormat::Ofd | OutputFormat::Svg => {
                    let pages = match laid.take() {
                        Some(pages) => pages,
                        None => self.layout(doc).map_err(located)?,
                    };
                    let bytes = self.fixed(&pages, format, opts).map_err(located)?;
                    laid = Some(pages);
                    bytes
                }
            };
            out.push(Rendered {
                bytes,
                diagnostics: diagnostics.clone(),
            });
        }
        Ok(out)
    }

    /// Data → one standalone SVG per page ([`crate::svg::pages`]), the
    /// pages the PDF has, with the diagnostics that did not stop it: what
    /// a preview shows page by page, and what `nianbao render -f svg`
    /// writes.
    ///
    /// ```
    /// use nianbao::{Engine, RenderOptions};
    ///
    /// let engine = Engine::new().unwrap();
    /// let data: serde_json::Value = serde_json::from_str(
    ///     &std::fs::read_to_string("samples/goushi-2020.json").unwrap(),
    /// ).unwrap();
    /// let (pages, _warnings) = engine.render_pages(&data, RenderOptions::default()).unwrap();
    /// assert!(pages[0].contains("<svg") && !pages[0].contains("<text"));
    /// ```
    pub fn render_pages(
        &self,
        data: &Value,
        opts: RenderOptions,
    ) -> Result<(Vec<String>, Diagnostics), Diagnostics> {
        let (doc, diagnostics) = self.document(data, opts)?;
        let located = |d: Diagnostic| Diagnostics::from(locate_char(d, data));
        let laid = self.layout(&doc).map_err(located)?;
        let pages = crate::svg::pages(&laid, &self.fonts).map_err(located)?;
        Ok((pages, diagnostics))
    }

    /// A read input → one SVG per page, as [`Engine::render_pages`], with
    /// the reader's warnings first and every diagnostic at its workbook
    /// cell, as [`Engine::render_input`].
    pub fn render_input_pages(
        &self,
        input: &crate::input::Input,
        opts: RenderOptions,
    ) -> Result<(Vec<String>, Diagnostics), Diagnostics> {
        match self.render_pages(&input.value, opts) {
            Ok((pages, diagnostics)) => {
                let mut d = input.warnings.clone();
                d.extend(diagnostics);
                input.locate(&mut d);
                Ok((pages, d))
            }
            Err(mut d) => {
                input.locate(&mut d);
                Err(d)
            }
        }
    }

    /// A read input (a data file or a workbook, [`crate::input::load`]) →
    /// the document in each of `formats`, as [`Engine::render_all`]: the
    /// reader's warnings come first, and every diagnostic names the
    /// workbook cell its value came from.
    pub fn render_input(
        &self,
        input: &crate::input::Input,
        formats: &[OutputFormat],
        opts: RenderOptions,
    ) -> Result<Vec<Rendered>, Diagnostics> {
        self.render_input_across(input, formats, opts, |_| None)
    }

    /// [`Self::render_input`] with the check across years
    /// ([`Self::check_across`]): `batch --previous`.
    pub fn render_input_across<'a>(
        &self,
        input: &crate::input::Input,
        formats: &[OutputFormat],
        opts: RenderOptions,
        last: impl FnOnce(&Checked) -> Option<&'a Checked>,
    ) -> Result<Vec<Rendered>, Diagnostics> {
        match self.render_all_across(&input.value, formats, opts, last) {
            Ok(mut all) => {
                for r in &mut all {
                    let mut d = input.warnings.clone();
                    d.extend(std::mem::take(&mut r.diagnostics));
                    input.locate(&mut d);
                    r.diagnostics = d;
                }
                Ok(all)
            }
            Err(mut d) => {
                input.locate(&mut d);
                Err(d)
            }
        }
    }

    /// A report built in Rust → the document's bytes: the same checks and
    /// output as for a data file.
    ///
    /// ```
    /// use nianbao::data::{blank, Format, Paragraph};
    /// use nianbao::{Engine, OutputFormat, RenderOptions};
    ///
    /// let mut report = blank(Format::F2021, "示例镇人民政府", 2021);
    /// report.overview.push(Paragraph::Text("2021年，我镇……".into()));
    /// let engine = Engine::new().unwrap();
    /// let html = engine.render_report(&report, OutputFormat::Html, RenderOptions::default()).unwrap();
    /// assert!(String::from_utf8(html.bytes).unwrap().contains("2021年，我镇……"));
    /// ```
    pub fn render_report(
        &self,
        report: &crate::data::Report,
        format: OutputFormat,
        opts: RenderOptions,
    ) -> Result<Rendered, Diagnostics> {
        if self.template.manifest.data != DataKind::AnnualReport {
            return self.render(&data::to_json(report)?, format, opts);
        }
        // Checked as typed: serialised once for the shape check, never
        // parsed back.
        let (checked, value) = data::check_typed(report)?;
        let (doc, diagnostics) = self.document_of(&checked, &value, opts)?;
        let mut all = self.write_all(&doc, &diagnostics, &value, &[format], opts)?;
        Ok(all.remove(0))
    }

    /// Lays out a document tree: the pages the PDF and the OFD draw.
    pub fn layout(&self, doc: &Resolved) -> Result<crate::layout::Laid, Diagnostic> {
        crate::layout::layout(doc, &self.fonts, &self.chains)
    }

    /// Lays out a document tree and writes it as PDF.
    pub fn pdf(&self, doc: &Resolved, opts: RenderOptions) -> Result<Vec<u8>, Diagnostic> {
        let laid = self.layout(doc)?;
        self.fixed(&laid, OutputFormat::Pdf, opts)
    }

    /// Laid-out pages → the OFD or the SVG when `format` asks for it,
    /// else the PDF.
    fn fixed(
        &self,
        laid: &crate::layout::Laid,
        format: OutputFormat,
        opts: RenderOptions,
    ) -> Result<Vec<u8>, Diagnostic> {
        if format == OutputFormat::Svg {
            return crate::svg::write(laid, &self.fonts);
        }
        if format == OutputFormat::Ofd {
            let o = crate::ofd::OfdOptions {
                created: opts.created,
            };
            return crate::ofd::write(laid, &self.fonts, o);
        }
        let o = crate::pdf::PdfOptions {
            created: opts.created,
            standard: opts.pdf_standard,
        };
        crate::pdf::write(laid, &self.fonts, o)
    }

    /// The font book the engine draws with.
    pub fn fonts(&self) -> &FontBook {
        &self.fonts
    }
}

/// The report's JSON as the documents carry it (the PDF's attachment, the
/// OFD's, the HTML's `nianbao-data` script; [`crate::embed`]).
fn embedded_json<T: serde::Serialize>(data: &T) -> Result<Vec<u8>, Diagnostic> {
    crate::embed::json(data).map_err(|e| data::unserialisable(&e))
}

/// A layout error pointed at the data: for a missing character, the
/// JSON path of the first string holding it; for a text that does not fit
/// (a table cell's), the string it came from ([`locate_text`]).
fn locate_char(d: Diagnostic, data: &Value) -> Diagnostic {
    if d.source_text.is_some() {
        return locate_text(d, data);
    }
    let Some(c) = d.character else {
        return d;
    };
    let mut paths = Vec::new();
    find_char(data, c, "", &mut paths);
    let Some(first) = paths.first() else { return d };
    let mut located = d;
    located.location = Location::Pointer {
        pointer: first.clone(),
    };
    if paths.len() > 1 {
        let more = paths[1..]
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let hint = located.hint.take().unwrap_or_else(|| Text::from(""));
        located.hint = Some(hint.append(&tr(
            format!("；它还出现在 {more}"),
            format!("; it occurs also at {more}"),
        )));
    }
    located
}

/// The JSON path of the longest data string that the diagnostic's text
/// holds (compared without white space, in NFC, as the document tree has
/// it) and that makes up at least half of it: a label override, a
/// paragraph. Text of the template's own stays located at the input.
fn locate_text(mut d: Diagnostic, data: &Value) -> Diagnostic {
    let Some(text) = d.source_text.take() else {
        return d;
    };
    let squash = |s: &str| -> String {
        crate::text::nfc(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let want = squash(&text);
    let mut strings = Vec::new();
    strings_of(data, "", &mut strings);
    let best = strings
        .into_iter()
        .map(|(path, s)| (path, squash(s)))
        .filter(|(_, s)| s.chars().count() * 2 >= want.chars().count() && want.contains(s.as_str()))
        .fold(None, |best: Option<(String, usize)>, (path, s)| {
            let n = s.chars().count();
            match best {
                Some((_, m)) if m >= n => best,
                _ => Some((path, n)),
            }
        });
    if let Some((pointer, _)) = best {
        d.location = Location::Pointer { pointer };
    }
    d
}

/// Every string of `v` with its JSON path, in document order.
fn strings_of<'a>(v: &'a Value, path: &str, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::String(s) if !s.trim().is_empty() => out.push((path.to_string(), s)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings_of(item, &pointer::push(path, &i.to_string()), out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                strings_of(item, &pointer::push(path, k), out);
            }
        }
        _ => {}
    }
}

fn find_char(v: &Value, c: char, path: &str, out: &mut Vec<String>) {
    match v {
        // The document's text is NFC (markup::text): a composed character
        // may stand decomposed in the data.
        Value::String(s) if s.contains(c) || crate::text::nfc(s).contains(c) => {
            out.push(path.to_string())
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find_char(item, c, &pointer::push(path, &i.to_string()), out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                find_char(item, c, &pointer::push(path, k), out);
            }
        }
        _ => {}
    }
}
