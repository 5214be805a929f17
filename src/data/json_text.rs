//! JSON text for people: indented objects, table rows on one line.
//!
//! In: a JSON value. Out: text like `serde_json::to_string_pretty`, except
//! that an array of scalars (a printed table row) stays on one line, so a
//! data file reads like the form it transcribes.

use serde_json::Value;
use std::fmt::Write;

/// Pretty JSON with every array of scalars on one line.
pub fn to_pretty_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0);
    out
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn write_value(out: &mut String, value: &Value, depth: usize) {
    let pad = "  ".repeat(depth + 1);
    match value {
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) if items.iter().all(is_scalar) => {
            let cells: Vec<String> = items.iter().map(Value::to_string).collect();
            let _ = write!(out, "[{}]", cells.join(", "));
        }
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad);
                write_value(out, item, depth + 1);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{}]", "  ".repeat(depth));
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (key, item)) in map.iter().enumerate() {
                let _ = write!(out, "{pad}{}: ", Value::String(key.clone()));
                write_value(out, item, depth + 1);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{}}}", "  ".repeat(depth));
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_stay_on_one_line_and_parse_back() {
        let v: Value =
            serde_json::from_str(r#"{"a": [1, null, 2], "b": {"c": [[1], "x"]}, "d": []}"#)
                .expect("valid");
        let text = to_pretty_json(&v);
        assert!(text.contains("\"a\": [1, null, 2]"), "{text}");
        assert_eq!(
            serde_json::from_str::<Value>(&text).expect("parses back"),
            v
        );
    }
}
