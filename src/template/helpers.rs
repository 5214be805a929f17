//! Handlebars helpers for report templates.
//!
//! In: values from the data. Out: text (escaped by the engine, so data can
//! never change the markup's structure) or values for subexpressions.
//!
//! | helper | example | result |
//! |---|---|---|
//! | `cell` | `{{cell 0}}`, `{{cell null}}`, `{{cell "0.0000"}}` | `0`, empty, `0.0000` (money strings verbatim) |
//! | `at` | `{{cell (at "/applications/new/0")}}`, `{{#each (at "/applications/new")}}` | the data's value at a JSON pointer (RFC 6901); a pointer to nothing is an error |
//! | `pointer` | `{{pointer "/applications/new" @index}}` | `/applications/new/3`: a pointer, with each further argument (an index, a key) appended, checked to name a value of the data; what `data-pointer` on a figure's cell says |
//! | `label` | `{{label "规章"}}` | the data's `labels` override, else the text; in an annual-report bundle the text must be an official label of the report's format |
//! | `date` | `{{date "2021-01-20"}}` | `2021年1月20日` (GB/T 9704 7.3.5); other text as written |
//! | `cn-number` | `{{cn-number 12}}` | `十二` (for ordinals: `{{cn-number 2}}、` → `二、`) |
//! | `sum` | `{{sum 1 null 2}}`, `{{sum applications.new}}` | `3`; blanks add nothing; only blanks → null |
//! | `join` | `{{join title ""}}` | the strings of an array joined |
//! | `range` | `{{#each (range 3)}}…{{/each}}` | `[0, 1, 2]` |
//!
//! handlebars' own `eq`, `ne`, `gt`, `gte`, `lt`, `lte`, `and`, `or`,
//! `not` and `len` compare and count.

use crate::data::{chinese_date, labels, Format};
use handlebars::{
    Context, Handlebars, Helper, HelperDef, RenderContext, RenderError, RenderErrorReason,
    ScopedJson,
};
use serde_json::Value;

/// A helper's body: the call's arguments and the root data → a value.
type Body = fn(&Helper, &Value, &Options) -> Result<Value, RenderError>;

/// Settings a helper may read.
#[derive(Debug, Clone, Copy)]
struct Options {
    /// Whether `label` refuses a text that is not an official label.
    official_labels: bool,
}

/// Adapts a plain function to handlebars' `HelperDef`, so that every
/// helper can also be used as a subexpression (`(range 15)`).
struct Adapter(Body, Options);

impl HelperDef for Adapter {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        (self.0)(h, ctx.data(), &self.1).map(ScopedJson::Derived)
    }
}

/// Registers every helper. `official_labels`: whether `label` refuses a
/// text that is not an official label (annual-report bundles).
pub fn register(hb: &mut Handlebars<'static>, official_labels: bool) {
    let opts = Options { official_labels };
    let helpers: [(&str, Body); 9] = [
        ("cell", cell),
        ("at", at),
        ("pointer", pointer),
        ("label", label),
        ("date", date),
        ("cn-number", cn_number_helper),
        ("sum", sum),
        ("join", join),
        ("range", range),
    ];
    for (name, body) in helpers {
        hb.register_helper(name, Box::new(Adapter(body, opts)));
    }
    // `each` with a step budget in place of handlebars' own.
    hb.register_helper("each", Box::new(super::each::Each));
}

fn fail(helper: &str, message: String) -> RenderError {
    RenderErrorReason::Other(format!("{helper}: {message}")).into()
}

fn param<'a>(h: &'a Helper, i: usize, helper: &str) -> Result<&'a Value, RenderError> {
    h.param(i)
        .map(|p| p.value())
        .ok_or_else(|| fail(helper, format!("needs argument {}", i + 1)))
}

/// `cell`: a table cell's text. Blank (`null`) prints empty; a number as
/// written; a string (a money cell) verbatim.
fn cell(h: &Helper, _: &Value, _: &Options) -> Result<Value, RenderError> {
    match param(h, 0, "cell")? {
        Value::Null => Ok(Value::String(String::new())),
        Value::Number(n) => Ok(Value::String(n.to_string())),
        Value::String(s) => Ok(Value::String(s.clone())),
        other => Err(fail(
            "cell",
            format!("expected a number, string or null, found {other}"),
        )),
    }
}

/// `at`: the data's value at a JSON pointer. A partial loses the path of
/// the value it is given (handlebars passes it a copy), so a figure's
/// cell is written by its pointer, `at` and [`fn@pointer`] reading the same
/// text; a pointer that names nothing stops the render rather than print
/// an empty row.
fn at(h: &Helper, root: &Value, _: &Options) -> Result<Value, RenderError> {
    let Value::String(p) = param(h, 0, "at")? else {
        return Err(fail("at", "expected a JSON pointer string".into()));
    };
    crate::pointer::get(root, p)
        .cloned()
        .ok_or_else(|| fail("at", format!("`{p}` names nothing in the data")))
}

/// `pointer`: a JSON pointer (RFC 6901) with each further argument
/// appended as a segment (`~` written `~0`, `/` written `~1`), checked to
/// name a value of the template's data: what a figure's `data-pointer`
/// says, its place in the data contract. The documents carry the report
/// as given, so a 总计 the data left to be computed (the 7th of a row of
/// 6) has its place there but no value.
fn pointer(h: &Helper, root: &Value, _: &Options) -> Result<Value, RenderError> {
    let Value::String(base) = param(h, 0, "pointer")? else {
        return Err(fail("pointer", "expected a JSON pointer string".into()));
    };
    let mut out = base.clone();
    for p in h.params().iter().skip(1) {
        let segment: std::borrow::Cow<str> = match p.value() {
            Value::String(s) => s.into(),
            Value::Number(n) => n.to_string().into(),
            other => return Err(fail("pointer", format!("cannot append {other}"))),
        };
        out = crate::pointer::push(&out, &segment);
    }
    if crate::pointer::get(root, &out).is_none() {
        return Err(fail(
            "pointer",
            format!("`{out}` names nothing in the data"),
        ));
    }
    Ok(Value::String(out))
}

/// `label`: an official label, or the wording the data's `labels` gives.
fn label(h: &Helper, root: &Value, opts: &Options) -> Result<Value, RenderError> {
    let Value::String(key) = param(h, 0, "label")? else {
        return Err(fail("label", "expected a string".into()));
    };
    if opts.official_labels {
        let format = match root.get("format").and_then(Value::as_str) {
            Some("2019") => Format::F2019,
            _ => Format::F2021,
        };
        if !labels::is_official(format, key) {
            let message = format!(
                "`{key}` is not an official label of {} (「{key}」不是{}的标准标签); \
                 to print other text, write it in the template without `label`, \
                 or keep the official label and set its wording in the data's \
                 \"labels\" (\"labels\": {{\"官方标签\": \"印出的文字\"}})",
                format.describe(),
                format.describe_zh()
            );
            return Err(fail("label", message));
        }
    }
    let printed = root
        .get("labels")
        .and_then(|l| l.get(key))
        .and_then(Value::as_str);
    Ok(Value::String(printed.unwrap_or(key).to_string()))
}

/// `date`: `2021-01-20` → `2021年1月20日`; other text unchanged.
fn date(h: &Helper, _: &Value, _: &Options) -> Result<Value, RenderError> {
    match param(h, 0, "date")? {
        Value::String(s) => Ok(Value::String(chinese_date(s).unwrap_or_else(|| s.clone()))),
        Value::Null => Ok(Value::String(String::new())),
        other => Err(fail("date", format!("expected a string, found {other}"))),
    }
}

/// `cn-number`: 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五.
fn cn_number_helper(h: &Helper, _: &Value, _: &Options) -> Result<Value, RenderError> {
    let n = param(h, 0, "cn-number")?
        .as_u64()
        .filter(|n| *n < 10_000)
        .ok_or_else(|| fail("cn-number", "expected a whole number from 0 to 9999".into()))?;
    Ok(Value::String(cn_number(n)))
}

/// A number below 10,000 in Chinese numerals, as used in ordinals.
pub fn cn_number(n: u64) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    const UNITS: [&str; 4] = ["", "十", "百", "千"];
    if n == 0 {
        return DIGITS[0].into();
    }
    let digits: Vec<usize> = n
        .to_string()
        .bytes()
        .map(|b| usize::from(b - b'0'))
        .collect();
    let mut out = String::new();
    let mut zero_pending = false;
    for (i, d) in digits.iter().enumerate() {
        let unit = digits.len() - 1 - i;
        if *d == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if zero_pending {
            out.push_str(DIGITS[0]);
            zero_pending = false;
        }
        // 十二, not 一十二, when the number starts in the tens.
        if !(*d == 1 && unit == 1 && out.is_empty()) {
            out.push_str(DIGITS[*d]);
        }
        out.push_str(UNITS[unit]);
    }
    out
}

/// `sum`: adds its arguments, or the items of one array argument. Blanks
/// add nothing; a sum of only blanks is blank (`null`).
fn sum(h: &Helper, _: &Value, _: &Options) -> Result<Value, RenderError> {
    let mut items: Vec<&Value> = Vec::new();
    for p in h.params() {
        match p.value() {
            Value::Array(a) => items.extend(a.iter()),
            v => items.push(v),
        }
    }
    let mut total: Option<i64> = None;
    for v in items {
        match v {
            Value::Null => {}
            Value::Number(n) => {
                let n = n
                    .as_i64()
                    .ok_or_else(|| fail("sum", format!("{n} is not a whole number")))?;
                total = Some(total.unwrap_or(0).saturating_add(n));
            }
            other => return Err(fail("sum", format!("expected numbers, found {other}"))),
        }
    }
    Ok(total.map_or(Value::Null, Value::from))
}

/// `join`: the strings of an array, joined by a separator.
fn join(h: &Helper, _: &Value, _: &Options) -> Result<Value, RenderError> {
    let sep = h.param(1).and_then(|p| p.value().as_str()).unwrap_or("");
    let Value::Array(items) = param(h, 0, "join")? else {
        return Err(fail("join", "expected an array".into()));
    };
    let parts: Vec<String> = items
        .iter()
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        .collect();
    Ok(Value::String(parts.join(sep)))
}

/// The most items all `range` calls of one report may make together:
/// nested ranges multiply (`range 10000` inside `range 10000` is 10^8
/// repetitions), and a report needs a few hundred.
pub const MAX_RANGE_ITEMS: u64 = 1_000_000;

thread_local! {
    /// Items `range` has made in the report being rendered on this thread.
    static RANGE_ITEMS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Starts a report's budget of `range` items (rendering runs on one
/// thread, start to end).
pub fn start_render() {
    RANGE_ITEMS.with(|c| c.set(0));
    super::each::start();
}

/// `range`: `[0, 1, …, n-1]`, for repeating markup n times.
fn range(h: &Helper, _: &Value, _: &Options) -> Result<Value, RenderError> {
    let n = param(h, 0, "range")?
        .as_u64()
        .filter(|n| *n <= 10_000)
        .ok_or_else(|| fail("range", "expected a whole number from 0 to 10000".into()))?;
    let total = RANGE_ITEMS.with(|c| {
        let t = c.get().saturating_add(n);
        c.set(t);
        t
    });
    if total > MAX_RANGE_ITEMS {
        return Err(fail(
            "range",
            format!(
                "the template repeats more than {MAX_RANGE_ITEMS} times in one report \
                 (nested ranges multiply; 模板的 range 重复次数超过上限)"
            ),
        ));
    }
    Ok(Value::Array((0..n).map(Value::from).collect()))
}

#[cfg(test)]
mod tests {
    use super::cn_number;

    #[test]
    fn chinese_numerals() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (12, "十二"),
            (20, "二十"),
            (105, "一百零五"),
            (1010, "一千零一十"),
            (110, "一百一十"),
        ];
        for (n, s) in cases {
            assert_eq!(cn_number(n), s, "{n}");
        }
    }
}
