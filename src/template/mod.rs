//! Stage 2, the template: data → document markup → document tree.
//!
//! In: a [`Bundle`] (compiled once into a [`Template`], shareable across
//! threads) and a JSON context. Out: the document markup text, or straight
//! the [`Document`] tree parsed from it with the bundle's stylesheet.
//! Handlebars runs in strict mode: a missing variable is an error naming
//! the template file, line and column.

mod bundle;
pub mod helpers;

pub use bundle::{builtin, builtin_list, Bundle, DataKind, Manifest};

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::doc::Document;
use crate::style::{self, Stylesheet};
use crate::text::escape_xml;
use handlebars::Handlebars;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

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
                    format!("{origin}: two templates are named `{name}`"),
                ));
            }
            hb.register_template_string(&name, text).map_err(|e| {
                let (line, column) = e.pos().unwrap_or((1, 1));
                Diagnostic::at_text(
                    Code::Template,
                    format!("{origin}/{path}"),
                    line,
                    column,
                    e.reason().to_string(),
                )
            })?;
        }
        check_partial_cycles(bundle)?;
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
        self.hb.render(&self.manifest.entry, context).map_err(|e| {
            let file = e
                .template_name
                .as_ref()
                .map(|n| self.names.get(n).cloned().unwrap_or_else(|| n.clone()))
                .unwrap_or_else(|| self.manifest.entry.clone());
            let reason = e.reason().to_string();
            let reason = reason.trim_end_matches('.').to_string();
            Diagnostic::at_text(
                Code::Template,
                format!("{}/{file}", self.origin),
                e.line_no.unwrap_or(1),
                e.column_no.unwrap_or(1),
                lowercase_first(&reason),
            )
        })
    }

    /// Renders and parses: context → document tree.
    pub fn document(&self, context: &Value) -> Result<Document, Diagnostics> {
        let markup = self.render_markup(context)?;
        let name = format!("{}/{} (markup)", self.origin, self.manifest.entry);
        crate::markup::parse(&markup, &self.stylesheet, &name).map_err(Diagnostics::from)
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Refuses partials that include each other in a cycle (`a` → `b` → `a`),
/// which would otherwise recurse until the stack overflows. Only literal
/// `{{> name}}` references are followed.
fn check_partial_cycles(bundle: &Bundle) -> Result<(), Diagnostic> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, stem, text) in bundle.templates() {
        let name = if path == bundle.manifest.entry {
            path.to_string()
        } else {
            stem
        };
        let refs = text
            .split("{{>")
            .skip(1)
            .filter_map(|rest| {
                rest.split(|c: char| c.is_whitespace() || c == '}')
                    .find(|s| !s.is_empty())
            })
            .map(str::to_string)
            .collect();
        edges.insert(name, refs);
    }
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if !done.insert(node.to_string()) {
            return None;
        }
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(cycle) = visit(node, &edges, &mut Vec::new(), &mut done) {
            return Err(Diagnostic::input(
                Code::Template,
                format!(
                    "{}: partials include each other in a cycle: {}",
                    bundle.origin,
                    cycle.join(" → ")
                ),
            )
            .with_hint("a partial must not include itself, directly or through others"));
        }
    }
    Ok(())
}

fn compile_schema(bundle: &Bundle, file: &str) -> Result<jsonschema::Validator, Diagnostic> {
    let at = format!("{}/{file}", bundle.origin);
    let text = bundle.files.get(file).map_or("", String::as_str);
    let schema: Value = serde_json::from_str(text).map_err(|e| {
        Diagnostic::at_text(
            Code::Template,
            &at,
            e.line(),
            e.column().max(1),
            format!("invalid JSON: {e}"),
        )
    })?;
    jsonschema::validator_for(&schema).map_err(|e| {
        Diagnostic::input(
            Code::Template,
            format!("{at}: not a valid JSON Schema: {e}"),
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
