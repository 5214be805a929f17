//! The library's front door: an [`Engine`] built once, rendering many.
//!
//! In: a data value and an output [`OutputFormat`]. Out: a [`Rendered`]
//! document (its bytes and the warnings raised), or the [`Diagnostics`]
//! that stopped it. The engine holds the compiled template; it is
//! `Send + Sync`, so one engine serves every thread of a batch.

use crate::data::{self};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::doc::Document;
use crate::template::{self, Bundle, DataKind, Template};
use serde_json::Value;

/// What to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    Html,
}

impl OutputFormat {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Html => "html",
        }
    }

    /// The format for a file extension, if nianbao writes it.
    pub fn from_extension(ext: &str) -> Option<OutputFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "html" | "htm" => Some(OutputFormat::Html),
            _ => None,
        }
    }
}

/// A rendered document.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    /// Warnings, and check errors that `force` let through.
    pub diagnostics: Diagnostics,
}

/// Options for one render.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Render even when the 勾稽关系 checks fail (shape errors still stop).
    pub force: bool,
}

/// A compiled template, ready to render reports.
#[derive(Debug)]
pub struct Engine {
    template: Template,
}

impl Engine {
    /// An engine with the built-in `annual-report` template.
    pub fn new() -> Result<Engine, Diagnostic> {
        Engine::with_bundle(&template::builtin("annual-report")?)
    }

    /// An engine with a template bundle (built in, or read from disk with
    /// [`Bundle::from_dir`]).
    pub fn with_bundle(bundle: &Bundle) -> Result<Engine, Diagnostic> {
        Ok(Engine {
            template: Template::compile(bundle)?,
        })
    }

    /// The compiled template.
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// Checks data as the template's bundle expects: the annual-report
    /// contract and its 勾稽关系, or the bundle's JSON Schema.
    pub fn check(&self, data: &Value) -> Diagnostics {
        match self.template.manifest.data {
            DataKind::AnnualReport => match data::check_value(data) {
                Ok(checked) => checked.diagnostics,
                Err(d) => d,
            },
            DataKind::Any => self.template.validate(data),
        }
    }

    /// Data → document tree, with the diagnostics that did not stop it.
    pub fn document(
        &self,
        data: &Value,
        opts: RenderOptions,
    ) -> Result<(Document, Diagnostics), Diagnostics> {
        let (context, diagnostics) = match self.template.manifest.data {
            DataKind::AnnualReport => {
                let checked = data::check_value(data)?;
                if checked.has_errors() && !opts.force {
                    return Err(checked.diagnostics);
                }
                let context = serde_json::to_value(&checked.resolved).map_err(|e| {
                    Diagnostics::from(Diagnostic::input(
                        Code::Template,
                        format!("cannot pass the data to the template: {e}"),
                    ))
                })?;
                (context, checked.diagnostics)
            }
            DataKind::Any => {
                let d = self.template.validate(data);
                if d.has_errors() {
                    return Err(d);
                }
                (data.clone(), d)
            }
        };
        let doc = self.template.document(&context)?;
        Ok((doc, diagnostics))
    }

    /// Data → the document's bytes in `format`.
    pub fn render(
        &self,
        data: &Value,
        format: OutputFormat,
        opts: RenderOptions,
    ) -> Result<Rendered, Diagnostics> {
        let (doc, diagnostics) = self.document(data, opts)?;
        let bytes = match format {
            OutputFormat::Html => {
                crate::html::write(&doc, &self.template.stylesheet.fonts).into_bytes()
            }
        };
        Ok(Rendered { bytes, diagnostics })
    }
}
