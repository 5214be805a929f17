//! The data contract lives in three forms: the field tables the shape
//! check walks ([`super::spec`]), the Rust types ([`super::model`]) and the
//! JSON Schema generated from those types (`nianbao schema`). This test
//! walks the spec and proves that the schema (and so the types it is
//! generated from) has the same keys, the same required keys and the same
//! shape at every path, for both formats.
//!
//! In: the spec's field tables and the generated schema. Out: a test
//! failure naming the path where they disagree (tests only).

use super::spec::{self, Cell, Field, Kind};
use serde_json::Value;

struct Walk<'a> {
    root: &'a Value,
    problems: Vec<String>,
}

impl<'a> Walk<'a> {
    /// A schema node with `$ref` followed and a nullable `anyOf` unwrapped.
    fn resolve(&self, node: &'a Value) -> &'a Value {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches("#/$defs/");
            return self.resolve(&self.root["$defs"][name]);
        }
        if let Some(any) = node.get("anyOf").and_then(Value::as_array) {
            let non_null: Vec<&Value> = any.iter().filter(|v| v["type"] != "null").collect();
            if non_null.len() == 1 {
                return self.resolve(non_null[0]);
            }
        }
        node
    }

    /// The alternatives of an `anyOf`/`oneOf` node, resolved.
    fn alternatives(&self, node: &'a Value) -> Vec<&'a Value> {
        let node = self.resolve(node);
        node.get("anyOf")
            .or_else(|| node.get("oneOf"))
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|v| self.resolve(v)).collect())
            .unwrap_or_else(|| vec![node])
    }

    fn fail(&mut self, path: &str, what: String) {
        self.problems.push(format!("{path}: {what}"));
    }

    fn has_type(node: &Value, t: &str) -> bool {
        match &node["type"] {
            Value::String(s) => s == t,
            Value::Array(a) => a.iter().any(|x| x == t),
            _ => false,
        }
    }

    fn object(&mut self, node: &'a Value, fields: &[Field], path: &str) {
        let node = self.resolve(node);
        let Some(props) = node["properties"].as_object() else {
            return self.fail(path, "the schema has no object here".into());
        };
        let mut spec_keys: Vec<&str> = fields.iter().map(|f| f.key).collect();
        let mut schema_keys: Vec<&str> = props.keys().map(String::as_str).collect();
        spec_keys.sort_unstable();
        schema_keys.sort_unstable();
        if spec_keys != schema_keys {
            self.fail(
                path,
                format!("keys: spec {spec_keys:?}, schema {schema_keys:?}"),
            );
        }
        let required: Vec<&str> = node["required"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for f in fields {
            let at = format!("{path}/{}", f.key);
            if f.required != required.contains(&f.key) {
                self.fail(
                    &at,
                    format!("required: spec {}, schema {}", f.required, !f.required),
                );
            }
            if let Some(child) = props.get(f.key) {
                self.kind(child, &f.kind, &at);
            }
        }
    }

    fn row(&mut self, node: &Value, min: usize, max: usize, path: &str) {
        let (lo, hi) = (node["minItems"].as_u64(), node["maxItems"].as_u64());
        if lo != Some(min as u64) || hi != Some(max as u64) {
            self.fail(
                path,
                format!("row of {min}..={max}; schema {lo:?}..={hi:?}"),
            );
        }
        if !Self::has_type(&node["items"], "integer") {
            self.fail(path, "row items are not integers".into());
        }
    }

    fn cell(&mut self, node: &Value, cell: Cell, path: &str) {
        let node = self.resolve(node);
        let ok = match cell {
            Cell::Count => Self::has_type(node, "integer") && node["minimum"] == 0,
            Cell::Signed => Self::has_type(node, "integer") && node.get("minimum").is_none(),
            Cell::Money => {
                let alts = self.alternatives(node);
                alts.iter().any(|a| Self::has_type(a, "number"))
                    && alts.iter().any(|a| Self::has_type(a, "string"))
            }
        };
        if !ok {
            self.fail(path, format!("a {cell:?} cell; schema {node}"));
        }
    }

    fn kind(&mut self, node: &'a Value, kind: &Kind, path: &str) {
        let r = self.resolve(node);
        match kind {
            Kind::Text => {
                if !Self::has_type(r, "string") {
                    self.fail(path, "not a string".into());
                }
            }
            Kind::Year => {
                if !Self::has_type(r, "integer") {
                    self.fail(path, "not an integer".into());
                }
            }
            Kind::FormatName => {
                let consts: Vec<&Value> =
                    self.alternatives(r).iter().map(|a| &a["const"]).collect();
                if consts != [&Value::from("2019"), &Value::from("2021")] {
                    self.fail(path, format!("format names {consts:?}"));
                }
            }
            Kind::Title => {
                let alts = self.alternatives(r);
                if !(alts.iter().any(|a| Self::has_type(a, "string"))
                    && alts.iter().any(|a| Self::has_type(a, "array")))
                {
                    self.fail(path, "a title is a string or lines".into());
                }
            }
            Kind::Paragraphs => {
                let items = self.alternatives(&r["items"]);
                let object = items.iter().find(|a| Self::has_type(a, "object"));
                match object {
                    Some(o) => self.object(o, spec::HEADED, &format!("{path}/N")),
                    None => self.fail(path, "no {heading, text} paragraph".into()),
                }
            }
            Kind::Labels => {
                if !Self::has_type(r, "object") {
                    self.fail(path, "labels are not an object".into());
                }
            }
            Kind::Object(fields) => self.object(r, fields, path),
            Kind::Cells(cells) => {
                // Cells of one kind are `items`; mixed ones `prefixItems`.
                let items = r["prefixItems"]
                    .as_array()
                    .cloned()
                    .unwrap_or_else(|| vec![r["items"].clone(); cells.len()]);
                if items.len() != cells.len()
                    || r["minItems"].as_u64() != Some(cells.len() as u64)
                    || r["maxItems"].as_u64() != Some(cells.len() as u64)
                {
                    return self.fail(path, format!("{} cells; schema {r}", cells.len()));
                }
                for (i, (item, cell)) in items.iter().zip(cells.iter()).enumerate() {
                    self.cell(item, *cell, &format!("{path}/{i}"));
                }
            }
            Kind::Cell(cell) => self.cell(r, *cell, path),
            Kind::Row { min, max } => self.row(r, *min, *max, path),
            Kind::ActiveDisclosure => {
                let alts = self.alternatives(r);
                if alts.len() != 2 {
                    return self.fail(path, "section 二 has one shape per format".into());
                }
                self.object(alts[0], spec::AD_2019, &format!("{path}[2019]"));
                self.object(alts[1], spec::AD_2021, &format!("{path}[2021]"));
            }
            Kind::OtherProcessing => {
                let alts = self.alternatives(r);
                match alts.iter().find(|a| Self::has_type(a, "array")) {
                    Some(row) => self.row(row, 6, 7, &format!("{path}[2019]")),
                    None => self.fail(path, "no 2019 row".into()),
                }
                match alts.iter().find(|a| Self::has_type(a, "object")) {
                    Some(o) => self.object(o, spec::OTHER_ITEMS, &format!("{path}[2021]")),
                    None => self.fail(path, "no 2021 items".into()),
                }
            }
        }
    }
}

#[test]
fn the_spec_the_types_and_the_schema_agree() {
    let schema: Value = serde_json::from_str(&super::json_schema()).expect("the schema is JSON");
    let mut w = Walk {
        root: &schema,
        problems: Vec::new(),
    };
    w.object(&schema, spec::TOP, "");
    assert!(w.problems.is_empty(), "{}", w.problems.join("\n"));
}

#[test]
fn the_walk_finds_a_disagreement() {
    // The oracle is live: a schema with one row too short is refused.
    let mut schema: Value =
        serde_json::from_str(&super::json_schema()).expect("the schema is JSON");
    schema["$defs"]["ReviewLitigation"]["properties"]["review"]["maxItems"] = 4.into();
    let mut w = Walk {
        root: &schema,
        problems: Vec::new(),
    };
    w.object(&schema, spec::TOP, "");
    assert_eq!(w.problems.len(), 1, "{:?}", w.problems);
    assert!(w.problems[0].starts_with("/review_litigation/review"));
}
