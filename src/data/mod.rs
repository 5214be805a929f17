//! The data (the pipeline in the crate's header): bytes → a checked report.
//!
//! In: a data file's bytes (or a parsed JSON value). Out: a [`Checked`]
//! report (the [`Report`] as given, its [`Resolved`] form with every total
//! computed, and the check errors and warnings), or the diagnostics that
//! stopped it: an encoding or syntax error, or shape errors (contract check
//! 5), which no `--force` can override.

#[cfg(test)]
mod agreement;
mod blank;
pub mod carryover;
mod checks;
mod json_text;
pub mod labels;
mod lint;
mod model;
pub mod place;
mod resolve;
pub mod shape;
mod source;
pub mod spec;
mod strict;

pub use blank::{blank, json_schema};
pub use checks::{APPLICANT_COLUMNS, REVIEW_COLUMNS};
pub use json_text::to_pretty_json;
pub use model::*;
pub use resolve::{
    chinese_date, heading_level, Para, Resolved, ResolvedApplications, ResolvedReview,
    ResolvedSignature, Row5, Row7,
};
pub use source::{
    check_size, decode, decode_any_size, decode_line, empty, parse_bytes, parse_text, too_large,
    MAX_DATA_BYTES,
};
pub(crate) use source::{is_ole, syntax_error};

use crate::diag::{Code, Diagnostic, Diagnostics};
use serde_json::Value;

/// The top-level keys of a report, both formats (for `--name` patterns).
pub fn top_level_keys() -> Vec<&'static str> {
    spec::TOP.iter().map(|f| f.key).collect()
}

/// A report that passed the shape checks, with what the other checks said.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The report as given.
    pub report: Report,
    /// The report with every cell filled in or explicitly blank.
    pub resolved: Resolved,
    /// Check errors (overridable with `--force`) and warnings.
    pub diagnostics: Diagnostics,
}

impl Checked {
    /// Whether the checks found errors (the report is refused unless forced).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }

    /// The template's context: the resolved report (every total computed,
    /// every blank explicit) as the JSON value Handlebars reads. The one
    /// place the typed report becomes a template's data.
    pub fn context(&self) -> Result<Value, Diagnostics> {
        to_json(&self.resolved)
    }
}

/// A typed report (or its resolved form) as JSON, with the one message
/// for the failure serde cannot rule out at compile time.
pub fn to_json<T: serde::Serialize>(report: &T) -> Result<Value, Diagnostics> {
    serde_json::to_value(report).map_err(|e| Diagnostics::from(unserialisable(&e)))
}

/// The one message for a report serde cannot write as JSON.
pub fn unserialisable(e: &serde_json::Error) -> Diagnostic {
    Diagnostic::input(
        Code::Shape,
        crate::diag::tr(
            format!("报告无法转成 JSON：{e}"),
            format!("the report cannot be serialised: {e}"),
        ),
    )
}

/// Decodes, parses and checks a data file's bytes. `name` is used in
/// messages (a file path, or `<stdin>`).
pub fn check_bytes(bytes: &[u8], name: &str) -> Result<Checked, Diagnostics> {
    let value = source::parse_bytes(bytes, name)?;
    check_value(&value)
}

/// Checks a parsed JSON value against the contract and the 勾稽关系.
pub fn check_value(value: &Value) -> Result<Checked, Diagnostics> {
    let (format, shape) = shaped(value)?;
    // Read from the value in place: no copy of the whole report.
    let report = <Report as serde::Deserialize>::deserialize(value).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            Code::Shape,
            "",
            crate::diag::tr(
                format!("数据不符合数据约定：{e}"),
                format!("the data does not fit the contract: {e}"),
            ),
        ))
    })?;
    let mut checked = checked(report, format, shape);
    in_document_order(&mut checked.diagnostics, value);
    Ok(checked)
}

/// [`check_value`] with the check across years: `last` finds last year's
/// report of the one checked (`--previous`, or the server's store), and
/// [`carryover::check`]'s warnings join the rest, in the data's order.
pub fn check_value_across<'a>(
    value: &Value,
    last: impl FnOnce(&Checked) -> Option<&'a Checked>,
) -> Result<Checked, Diagnostics> {
    let mut checked = check_value(value)?;
    if let Some(last) = last(&checked) {
        let said = carryover::check(&checked, last);
        if !said.is_empty() {
            checked.diagnostics.extend(said);
            in_document_order(&mut checked.diagnostics, value);
        }
    }
    Ok(checked)
}

/// Sorts diagnostics by where they point in the data, in the data's own
/// order: for a data file the order its text gives, for a workbook the
/// order it was read in (sheet by sheet, row by row), so a clerk reads
/// them top to bottom as the form goes. A pointer to a key the data
/// lacks goes right after its nearest given parent; one at the top level
/// (a missing 署名) at the end. Diagnostics that point nowhere keep
/// their place before them; ties keep the order they were found in.
pub fn in_document_order(diags: &mut Diagnostics, value: &Value) {
    if diags.0.len() < 2 {
        // Nothing to sort: the pointers of the whole document (a third
        // of a clean report's checking) are not numbered.
        return;
    }
    let mut order = std::collections::HashMap::new();
    number(value, String::new(), &mut order);
    let rank = |d: &Diagnostic| -> usize {
        let crate::diag::Location::Pointer { pointer } = &d.location else {
            return 0;
        };
        let mut p = pointer.as_str();
        loop {
            if p.is_empty() {
                return usize::MAX;
            }
            if let Some(&n) = order.get(p) {
                return n;
            }
            p = p.rsplit_once('/').map_or("", |(up, _)| up);
        }
    };
    diags.0.sort_by_key(|d| rank(d));
}

/// Numbers every value below the root in document order (preorder, from
/// 1), by its pointer.
fn number(v: &Value, at: String, order: &mut std::collections::HashMap<String, usize>) {
    let children: Vec<(String, &Value)> = match v {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (crate::pointer::push(&at, k), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{at}/{i}"), v))
            .collect(),
        _ => return,
    };
    for (p, child) in children {
        let n = order.len() + 1;
        order.insert(p.clone(), n);
        number(child, p, order);
    }
}

/// The shape check, its places named; `Err` when the shape is wrong.
fn shaped(value: &Value) -> Result<(Format, Diagnostics), Diagnostics> {
    let (format, mut shape) = shape::check(value);
    name_places(&mut shape, format);
    if shape.has_errors() {
        return Err(shape);
    }
    Ok((format, shape))
}

/// A report of the right shape → resolved and checked.
fn checked(report: Report, format: Format, shape: Diagnostics) -> Checked {
    let (resolved, mut diagnostics) = resolve::resolve(&report);
    diagnostics.extend(checks::check(&report, &resolved));
    diagnostics.extend(lint::lint(&report));
    diagnostics.extend(shape);
    name_places(&mut diagnostics, format);
    Checked {
        report,
        resolved,
        diagnostics,
    }
}

/// Gives each diagnostic at a pointer the place it names in the form's
/// own words ([`place::describe`]).
pub fn name_places(diags: &mut Diagnostics, format: Format) {
    for d in &mut diags.0 {
        if let crate::diag::Location::Pointer { pointer } = &d.location {
            if d.place.is_none() {
                d.place = place::describe(pointer, format);
            }
        }
    }
}

/// Checks a report built in Rust. Its shape is checked through its JSON
/// form, so a value built by hand meets the same rules as a file.
pub fn check_report(report: &Report) -> Result<Checked, Diagnostics> {
    check_typed(report).map(|(checked, _)| checked)
}

/// [`check_report`], with the JSON form the shape was checked on (what
/// the engine points a layout error at). The report is serialised once
/// and never read back: the typed report is the checked one.
pub fn check_typed(report: &Report) -> Result<(Checked, Value), Diagnostics> {
    let value = to_json(report)?;
    let (format, shape) = shaped(&value)?;
    let mut checked = checked(report.clone(), format, shape);
    in_document_order(&mut checked.diagnostics, &value);
    Ok((checked, value))
}
