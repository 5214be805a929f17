//! The template (the pipeline in the crate's header): the checked
//! report's context → document markup.
//!
//! In: a [`Bundle`] (compiled once into a [`Template`], shareable across
//! threads: its stylesheet resolved by [`crate::style`]) and a JSON
//! context. Out: the document markup text ([`Template::render_markup`]).
//! Handlebars runs in strict mode: a missing variable is an error naming
//! the template file, line and column. The next step, markup → document
//! tree, is [`crate::markup`]'s; [`Template::document`] only
//! runs the two in a row, handing the markup its stylesheet.

mod bundle;
mod each;
pub mod helpers;
pub mod limits;
pub mod tags;

pub use bundle::{builtin, builtin_list, Bundle, DataKind, Manifest};

use crate::diag::{tr, Code, Diagnostic, Diagnostics};
use crate::doc::Document;
use crate::style::{self, Stylesheet};
use crate::text::escape_xml;
use handlebars::Handlebars;
use serde_json::Value;
use std::collections::BTreeMap;

/// A compiled bundle: templates registered, stylesheet resolved, schema
/// (if any) compiled. Build it once and render many reports with it.
#[derive(Debug)]
pub struct Template {
    hb: Handlebars<'static>,
    /// The bundle's manifest.
    pub manifest: Manifest,
    /// The resolved stylesheet.
    pub stylesheet: Stylesheet,
    /// Partial name → file path, for error messages.
    names: BTreeMap<String, String>,
    origin: String,
    schema: Option<jsonschema::Validator>,
}

impl Template {
    /// Compiles a bundle; errors name the file, line and column.
    pub fn compile(bundle: &Bundle) -> Result<Template, Diagnostic> {
        let origin = &bundle.origin;
        let style_text = bundle.files.get("style.toml").map_or("", String::as_str);
        let stylesheet = style::parse(style_text, &format!("{origin}/style.toml"))?;
        // Before handlebars parses anything: its parser recurses too.
        // Named as handlebars will know them: the entry by its path.
        let entry = &bundle.manifest.entry;
        let named = bundle.templates().map(|(path, stem, text)| {
            let name = if path == entry {
                path.to_string()
            } else {
                stem
            };
            (path, name, text)
        });
        limits::check(named, origin)?;
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(escape_xml);
        helpers::register(&mut hb, bundle.manifest.data == DataKind::AnnualReport);
        let mut names = BTreeMap::new();
        for (path, stem, text) in bundle.templates() {
            // The entry registers under its path; every file also under its
            // stem, the name `{{> stem}}` uses.
            let name = if path == bundle.manifest.entry {
                path.to_string()
            } else {
                stem.clone()
            };
            if names.insert(name.clone(), path.to_string()).is_some() {
                return Err(Diagnostic::input(
                    Code::Template,
                    tr(
                        format!("{origin}：有两个模板都叫 `{name}`"),
                        format!("{origin}: two templates are named `{name}`"),
                    ),
                ));
            }
            hb.register_template_string(&name, text).map_err(|e| {
                let (line, column) = e.pos().unwrap_or((1, 1));
                Diagnostic::at_text(
                    Code::Template,
                    format!("{origin}/{path}"),
                    line,
                    column,
                    tr(
                        format!("模板语法错误：{}", e.reason()),
                        e.reason().to_string(),
                    ),
                )
            })?;
        }
        let schema = match &bundle.manifest.schema {
            None => None,
            Some(file) => Some(compile_schema(bundle, file)?),
        };
        Ok(Template {
            hb,
            manifest: bundle.manifest.clone(),
            stylesheet,
            names,
            origin: origin.clone(),
            schema,
        })
    }

    /// Checks `any` data against the bundle's JSON Schema, if it has one.
    pub fn validate(&self, data: &Value) -> Diagnostics {
        let mut out = Diagnostics::new();
        if let Some(schema) = &self.schema {
            for e in schema.iter_errors(data) {
                out.push(Diagnostic::error(
                    Code::Shape,
                    e.instance_path().to_string(),
                    e.to_string(),
                ));
            }
        }
        out
    }

    /// Renders the entry template to document markup.
    pub fn render_markup(&self, context: &Value) -> Result<String, Diagnostic> {
        helpers::start_render();
        let mut out = Capped::default();
        let rendered = self
            .hb
            .render_to_write(&self.manifest.entry, context, &mut out);
        if out.over {
            let mib = crate::markup::MAX_MARKUP_BYTES >> 20;
            return Err(Diagnostic::input(
                Code::Limit,
                tr(
                    format!("{}：模板生成的标记超过 {mib} MiB，已停止", self.origin),
                    format!(
                        "{}: the template's markup passed {mib} MiB; rendering stopped",
                        self.origin
                    ),
                ),
            ));
        }
        rendered
            // Handlebars writes strings, so the bytes are UTF-8: taken as
            // they are, not copied (lossily, were a helper ever to split a
            // character).
            .map(|()| {
                String::from_utf8(out.bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
            })
            .map_err(|e| {
                let file = e
                    .template_name
                    .as_ref()
                    .map(|n| self.names.get(n).cloned().unwrap_or_else(|| n.clone()))
                    .unwrap_or_else(|| self.manifest.entry.clone());
                let reason = e.reason().to_string();
                let reason = reason.trim_end_matches('.').to_string();
                let reason = crate::text::lowercase_first(&reason);
                Diagnostic::at_text(
                    Code::Template,
                    format!("{}/{file}", self.origin),
                    e.line_no.unwrap_or(1),
                    e.column_no.unwrap_or(1),
                    tr(format!("模板出错：{reason}"), reason),
                )
            })
    }

    /// Renders the markup and has [`crate::markup::parse`] build the tree
    /// from it: context → document tree.
    pub fn document(&self, context: &Value) -> Result<Document, Diagnostics> {
        let markup = self.render_markup(context)?;
        let name = format!("{}/{} (markup)", self.origin, self.manifest.entry);
        crate::markup::parse(&markup, &self.stylesheet, &name).map_err(Diagnostics::from)
    }
}

/// The markup being rendered, refused past [`crate::markup::MAX_MARKUP_BYTES`]
/// as it grows: a runaway template stops at the limit, not when memory
/// runs out.
#[derive(Default)]
struct Capped {
    bytes: Vec<u8>,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > crate::markup::MAX_MARKUP_BYTES {
            self.over = true;
            return Err(std::io::Error::other("the markup limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn compile_schema(bundle: &Bundle, file: &str) -> Result<jsonschema::Validator, Diagnostic> {
    let at = format!("{}/{file}", bundle.origin);
    let text = bundle.files.get(file).map_or("", String::as_str);
    let schema: Value = serde_json::from_str(text).map_err(|e| {
        // Placed and worded as a data file's syntax error is (the column
        // in characters, as an editor counts it), as a template's fault.
        let mut d = crate::data::syntax_error(text, &at, &e);
        d.code = Code::Template;
        d
    })?;
    jsonschema::validator_for(&schema).map_err(|e| {
        Diagnostic::input(
            Code::Template,
            tr(
                format!("{at}：不是有效的 JSON Schema：{e}"),
                format!("{at}: not a valid JSON Schema: {e}"),
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_characters() {
        assert_eq!(
            escape_xml(r#"<a href="x">&]]>{{'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;]]&gt;{{&apos;"
        );
    }
}
