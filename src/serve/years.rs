//! The check across years in the server: a report against last year's
//! report of the same unit, when the store holds one.
//!
//! In: a report's JSON and the store. Out: last year's report of the same
//! unit, checked, for [`crate::Engine::check_across`] to compare with
//! ([`crate::data::carryover`]: 上年结转 against last year's 结转下年度; a
//! 2019 上一年项目数量 against last year's plus its 本年增/减), or none
//! when no stored report is of the same unit (compared without spaces) for
//! the year before. The latest revision of that report is the one
//! compared.

use super::state::State;
use crate::data::Checked;
use serde_json::Value;

/// Last year's report of `value`'s unit, if one is stored.
pub async fn last_year(state: &State, value: &Value) -> Option<Value> {
    let unit = value.get("unit")?.as_str()?.to_string();
    let year = value.get("year")?.as_i64()?;
    let found = state
        .store(move |s| {
            let all = s.list().ok()?;
            let hit = all.iter().find(|x| {
                x.year == Some(year - 1) && crate::data::carryover::same_unit(&x.unit, &unit)
            })?;
            s.get(hit.id, None).ok()?
        })
        .await
        .ok()??;
    serde_json::from_str(&found.content).ok()
}

/// Last year's report, checked, when it passes the shape check: what
/// [`crate::Engine::check_across`] compares this year's with.
pub fn checked(last: Option<&Value>) -> Option<Checked> {
    crate::data::check_value(last?).ok()
}
