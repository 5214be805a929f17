//! nianbao: a JSON data file plus a template → a formally typeset Chinese
//! report (政府信息公开工作年度报告) as PDF, DOCX, HTML, OFD or SVG.
//!
//! In: a report's data (JSON text, a JSON value, or a workbook) and a
//! template bundle. Out: the document's bytes in the format asked for,
//! or [`Diagnostics`] saying why not.
//!
//! The pipeline is a chain of stages, each one type in and one type out;
//! a report comes in as JSON text or as a workbook (`sheet`), and every
//! stage after `input` reads the same checked data:
//!
//! ```text
//! input (input: JSON text, JSON Lines, a workbook) → data (data::Checked)
//!   → template context (Checked::context) → template (template::Template:
//!     markup text) → markup (markup::parse) → document tree (doc::Document)
//!   → resolved tree (layout::resolve → doc::Resolved, what every writer takes)
//!   → layout (layout::layout → Laid) → PDF (pdf::write), OFD (ofd::write),
//!     SVG (svg::write, svg::pages): the same pages
//!   resolved tree → DOCX (docx::write), HTML (html::write)
//! ```
//!
//! Most programs need only an [`Engine`]: build it once (it parses the
//! template and finds the fonts), share it across threads (it is
//! `Send + Sync`), and render each report with it. Nothing here prints or
//! exits; every problem comes back as [`Diagnostics`] with a stable
//! [`Code`], a [`Location`] (a JSON pointer or a line and column) and a
//! hint.
//!
//! ```
//! use nianbao::{Engine, OutputFormat, RenderOptions};
//!
//! let engine = Engine::new().expect("the built-in template and fonts");
//! let data: serde_json::Value = serde_json::from_str(
//!     &std::fs::read_to_string("samples/goushi-2020.json").unwrap(),
//! ).unwrap();
//! // Check only: shape errors, 勾稽关系 errors and warnings, with JSON paths.
//! assert!(!engine.check(&data).has_errors());
//! // Render: the bytes, and the warnings that did not stop it.
//! let pdf = engine.render(&data, OutputFormat::Pdf, RenderOptions::default()).unwrap();
//! assert!(pdf.bytes.starts_with(b"%PDF"));
//! ```
//!
//! Identical input gives identical bytes in every format, across runs,
//! processes and threads; the creation date comes only from
//! [`RenderOptions::created`].

// A diagnostic carries its message in two languages and the place in the
// form's words: bigger than clippy's 128-byte guide for an `Err`, and
// only ever on the path that stops a report, never in a hot loop.
#![allow(clippy::result_large_err)]
// A module's header names its private parts too (what comes in and goes
// out, and through which function): read with `cargo doc
// --document-private-items`, where those links resolve.
#![allow(rustdoc::private_intra_doc_links)]

pub mod clock;
pub mod data;
pub mod diag;
pub mod doc;
pub mod docx;
pub mod embed;
pub mod engine;
pub mod fonts;
pub mod html;
pub mod input;
pub mod layout;
pub mod markup;
pub mod names;
pub mod ofd;
pub mod output;
pub mod pdf;
pub mod pointer;
pub mod segment;
#[cfg(feature = "serve")]
pub mod serve;
pub mod sheet;
pub mod style;
pub mod svg;
pub mod template;
pub mod text;
pub mod units;
pub mod xml;

pub use diag::{tr, Code, Diagnostic, Diagnostics, Lang, Location, Severity, Text};
pub use engine::{Engine, OutputFormat, RenderOptions, Rendered};
pub use pdf::PdfStandard;
