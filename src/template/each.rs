//! `{{#each}}` with a step budget: the loop of handlebars' own helper,
//! counted, so that a bundle's nested loops over large data stop at
//! [`MAX_STEPS`] with an error instead of running for hours. A loop whose
//! body writes nothing escapes the markup limit, so only a count of
//! iterations bounds it.
//!
//! In: the block's parameter (an array or an object) and its templates.
//! Out: the body rendered once per item, with `this` the item, `@index`,
//! `@first`, `@last` (and `@key` for an object) and block parameters
//! (`as |item i|`), or the `{{else}}` block for an empty or missing value,
//! as handlebars documents `each`. `range` draws on the same budget.

use handlebars::{
    BlockContext, BlockParams, Context, Handlebars, Helper, HelperDef, HelperResult, Output,
    RenderContext, RenderError, RenderErrorReason, Renderable,
};
use serde_json::Value;
use std::cell::Cell;

/// The most loop iterations (and `range` items) one report may take: a
/// real report takes a few thousand.
pub const MAX_STEPS: u64 = 2_000_000;

thread_local! {
    /// Steps taken by the report being rendered on this thread.
    static STEPS: Cell<u64> = const { Cell::new(0) };
}

/// Starts a report's budget (rendering runs on one thread, start to end).
pub fn start() {
    STEPS.with(|c| c.set(0));
}

/// Takes `n` steps of the budget, or says that it is spent.
pub fn take(n: u64, helper: &str) -> Result<(), RenderError> {
    let total = STEPS.with(|c| {
        let t = c.get().saturating_add(n);
        c.set(t);
        t
    });
    if total > MAX_STEPS {
        return Err(RenderErrorReason::Other(format!(
            "{helper}: the template repeats more than {MAX_STEPS} times in one report \
             (nested loops multiply; 模板的循环次数超过上限)"
        ))
        .into());
    }
    Ok(())
}

/// The counted `each`.
pub struct Each;

impl HelperDef for Each {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let param = h
            .param(0)
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("each", 0))?;
        let Some(body) = h.template() else {
            return Ok(());
        };
        // The items as (key, value): an array's index, an object's key.
        let items: Vec<(Value, &Value)> = match param.value() {
            Value::Array(list) => list
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i), v))
                .collect(),
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| (Value::from(k.as_str()), v))
                .collect(),
            _ => Vec::new(),
        };
        let iterable = matches!(param.value(), Value::Array(_) | Value::Object(_));
        if items.is_empty() {
            return match h.inverse() {
                Some(other) => other.render(r, ctx, rc, out),
                None if !iterable && r.strict_mode() => {
                    Err(RenderError::strict_error(param.relative_path()))
                }
                None => Ok(()),
            };
        }
        let is_object = param.value().is_object();
        let base = param.context_path().cloned();
        let mut block = BlockContext::new();
        match &base {
            Some(path) => *block.base_path_mut() = path.clone(),
            None => block.set_base_value(param.value().clone()),
        }
        rc.push_block(block);
        let last = items.len() - 1;
        for (i, (key, value)) in items.into_iter().enumerate() {
            take(1, "each")?;
            if let Some(block) = rc.block_mut() {
                block.set_local_var("first", Value::from(i == 0));
                block.set_local_var("last", Value::from(i == last));
                block.set_local_var("index", Value::from(i));
                if is_object {
                    block.set_local_var("key", key.clone());
                }
                // `this` is the item: a path below the list's when the list
                // has one, else the item's value itself.
                match &base {
                    Some(path) => {
                        let segment = key.as_str().map_or_else(|| i.to_string(), str::to_string);
                        let mut p = path.clone();
                        p.push(segment);
                        *block.base_path_mut() = p;
                    }
                    None => block.set_base_value(value.clone()),
                }
                let mut params = BlockParams::new();
                if let Some(name) = h.block_param() {
                    add_item(&mut params, name, base.is_some(), value)?;
                    block.set_block_params(params);
                } else if let Some((name, index)) = h.block_param_pair() {
                    add_item(&mut params, name, base.is_some(), value)?;
                    params.add_value(index, key.clone())?;
                    block.set_block_params(params);
                }
            }
            body.render(r, ctx, rc, out)?;
        }
        rc.pop_block();
        Ok(())
    }
}

/// A block parameter for the item: the block's own path (empty, relative
/// to the item) when the list has a path, else its value.
fn add_item<'rc>(
    params: &mut BlockParams<'rc>,
    name: &'rc str,
    has_path: bool,
    value: &Value,
) -> Result<(), RenderError> {
    if has_path {
        params.add_path(name, Vec::new())
    } else {
        params.add_value(name, value.clone())
    }
}
