//! Defaults shared by the reports of a run (`--defaults FILE`).
//!
//! In: the defaults file's path, and each report's data. Out: the
//! defaults as a JSON object (or why the file cannot be one), and each
//! report with them deep-merged under it ([`merge`]): objects merge key
//! by key, the report's values win, arrays replace. Text shared by all
//! townships is so written once.

use crate::diag::{tr, Code, Diagnostic};
use serde_json::{Map, Value};
use std::path::Path;

/// Reads a defaults file: a JSON object, as a data file is read.
pub fn read(path: &Path) -> Result<Value, Diagnostic> {
    let name = path.display().to_string();
    // Bounded as a report is: a defaults file is one report's worth.
    let source = super::Source::Path(path.to_path_buf());
    let bytes = super::read_report(&source, std::io::empty())?;
    let text = crate::data::decode(&bytes, &name)?;
    let v = crate::data::parse_text(text, &name)?;
    if !v.is_object() {
        return Err(Diagnostic::input(
            Code::Shape,
            tr(
                format!("{name}：默认值文件必须是一个 JSON 对象 {{…}}"),
                format!("{name}: defaults must be a JSON object"),
            ),
        ));
    }
    Ok(v)
}

/// `defaults` deep-merged under `report`: objects merge key by key, the
/// report's values win, and anything else (arrays included) replaces.
pub fn merge(defaults: &Value, report: &Value) -> Value {
    match (defaults, report) {
        (Value::Object(d), Value::Object(r)) => {
            let mut out: Map<String, Value> = d.clone();
            for (k, v) in r {
                let merged = match d.get(k) {
                    Some(dv) => merge(dv, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        _ => report.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_merge_deeply_and_arrays_replace() {
        let d = json!({"problems": ["默认"], "signature": {"unit": "某县", "date": "2021-01-20"}, "year": 2020});
        let r = json!({"signature": {"unit": "某镇"}, "problems": ["本镇"]});
        assert_eq!(
            merge(&d, &r),
            json!({"problems": ["本镇"], "signature": {"unit": "某镇", "date": "2021-01-20"}, "year": 2020})
        );
    }
}
