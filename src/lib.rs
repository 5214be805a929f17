//! nianbao: a JSON data file plus a template → a formally typeset Chinese
//! report (政府信息公开工作年度报告) as PDF, DOCX or HTML.
//!
//! The pipeline is four stages, each one type in and one type out:
//! data ([`data`]) → template → document tree → layout → PDF, with DOCX and
//! HTML written from the document tree.

pub mod batch;
pub mod clock;
pub mod data;
pub mod diag;

pub use diag::{Code, Diagnostic, Diagnostics, Location, Severity};
pub mod doc;
pub mod docx;
pub mod engine;
pub mod fonts;
pub mod html;
pub mod layout;
pub mod markup;
pub mod output;
pub mod pdf;
pub mod style;
pub mod template;
pub mod units;

pub use engine::{Engine, OutputFormat, RenderOptions, Rendered};
