//! The saved reports: `/api/reports…`.
//!
//! In: requests naming a report by its integer id (anything else is 404:
//! no path is ever built from one), bodies that are a report's JSON, a
//! workbook's bytes, or `{"blank": {…}}`; `If-Match` on every save. Out:
//! JSON answers with the revision's `ETag` (`"r7"`); 201 for a new
//! report, 200 for a save or a restore (each a new revision), 412 with
//! the latest revision when a save is based on an older one, 428 without
//! `If-Match`, 404 for no such report or revision.
//!
//! Every save is checked by [`crate::Engine::check_across`] first (with
//! last year's report of the unit, when the store holds one), for the
//! status the list shows ([`super::store::Status`]) and the diagnostics
//! the answer carries; a report that fails the checks is still saved (a draft is
//! saved as it is while being filled in), but it must be a JSON object.

use super::api::BODY;
use super::http::{self, etag, etag_header, no_report, refuse, request_error};
use super::state::{new_revision, State};
use super::store::{NewRevision, Revision, SaveError, Summary};
use crate::data::Format;
use crate::diag::{tr, Code, Diagnostic, Diagnostics};
use crate::{Lang, RenderOptions};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State as With};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

/// An id or revision in a path: a positive integer, else 404.
pub fn number(s: &str, lang: Lang) -> Result<i64, Response> {
    s.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        request_error(
            StatusCode::NOT_FOUND,
            tr(format!("`{s}` 不是编号"), format!("`{s}` is not a number")),
            lang,
        )
    })
}

/// When a revision was saved, as RFC 3339 UTC with milliseconds.
pub fn saved_at(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let stamp = crate::clock::iso8601(secs);
    let stamp = stamp.strip_suffix('Z').unwrap_or(&stamp);
    format!("{stamp}.{:03}Z", ms.rem_euclid(1000))
}

/// What the list and the revisions list show of a revision.
pub fn summary_json(s: &Summary) -> Value {
    json!({
        "id": s.id,
        "revision": s.rev,
        "etag": etag(s.rev),
        "saved_at": saved_at(s.saved_at_ms),
        "unit": s.unit,
        "year": s.year,
        "format": s.format.map_or("", Format::as_str),
        "status": s.status.as_str(),
        "restored_from": s.restored_from,
    })
}

/// A summary with more keys.
fn with(s: &Summary, more: Value) -> Value {
    let mut v = summary_json(s);
    if let (Some(map), Value::Object(more)) = (v.as_object_mut(), more) {
        map.extend(more);
    }
    v
}

/// A stored revision's report.
fn content(r: &Revision) -> Result<Value, Response> {
    serde_json::from_str(&r.content).map_err(http::internal)
}

/// A body as a report to save: a workbook's or JSON's report, which must
/// be a JSON object, or a blank one (`{"blank": {…}}`) when `blank_ok`.
fn report_of(bytes: &[u8], blank_ok: bool, lang: Lang) -> Result<Value, Response> {
    let input =
        crate::input::load(bytes, BODY).map_err(|d| refuse(StatusCode::BAD_REQUEST, &d, lang))?;
    let value = input.value;
    if let Some(spec) = value
        .get("blank")
        .filter(|_| blank_ok && value.as_object().is_some_and(|m| m.len() == 1))
    {
        return blank(spec).map_err(|d| refuse(StatusCode::BAD_REQUEST, &d, lang));
    }
    if !value.is_object() {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            &Diagnostic::error(
                Code::Shape,
                "",
                tr(
                    "一份报告应是 JSON 对象 {…}",
                    "a report is a JSON object {…}",
                ),
            )
            .into(),
            lang,
        ));
    }
    Ok(value)
}

/// `{"year": 2025, "unit": "…", "format": "2021"}` → a blank report, as
/// `nianbao init` makes it (year: last year; unit: （单位名称）; format:
/// the year's).
fn blank(spec: &Value) -> Result<Value, Diagnostics> {
    use crate::data::Format;
    let bad = |zh: &str, en: &str| {
        Diagnostics::from(Diagnostic::error(Code::Shape, "/blank", tr(zh, en)))
    };
    let year = match spec.get("year") {
        None | Some(Value::Null) => crate::clock::this_year() - 1,
        Some(y) => y
            .as_i64()
            .filter(|y| (2008..=2100).contains(y))
            .ok_or_else(|| {
                bad(
                    "year 应是 2008 到 2100 之间的年份",
                    "year should be a year from 2008 to 2100",
                )
            })?,
    };
    let unit = match spec.get("unit") {
        None | Some(Value::Null) => "（单位名称）",
        Some(u) => u
            .as_str()
            .ok_or_else(|| bad("unit 应是文字", "unit should be a string"))?,
    };
    let format = match spec
        .get("format")
        .and_then(Value::as_str)
        .map(Format::parse)
    {
        None => Format::for_year(year),
        Some(Some(f)) => f,
        Some(None) => {
            return Err(bad(
                "format 应是 \"2019\" 或 \"2021\"",
                "format should be \"2019\" or \"2021\"",
            ))
        }
    };
    crate::data::to_json(&crate::data::blank(format, unit, year))
}

/// Checks `value` for a save: the revision to store and what the check
/// said.
async fn prepare(
    state: &State,
    value: Value,
    restored_from: Option<i64>,
) -> Result<(NewRevision, Diagnostics), Response> {
    let last = super::years::last_year(state, &value).await;
    state
        .engine(move |engine| {
            let last = super::years::checked(last.as_ref());
            let d = engine.check_across(&value, |_| last.as_ref());
            (new_revision(&value, &d, restored_from), d)
        })
        .await
}

/// The answer to a save: the new revision, its status and diagnostics.
fn saved(status: StatusCode, s: &Summary, d: &Diagnostics, lang: Lang) -> Response {
    let body = with(s, json!({ "diagnostics": http::diagnostics_json(d, lang) }));
    let mut r = (status, [etag_header(s.rev)], Json(body)).into_response();
    if status == StatusCode::CREATED {
        if let Ok(loc) = HeaderValue::from_str(&format!("/api/reports/{}", s.id)) {
            r.headers_mut().insert(header::LOCATION, loc);
        }
    }
    r
}

/// `GET /api/reports`: `[{id, revision, etag, saved_at, unit, year,
/// format, status, restored_from}]`, the last saved first.
pub async fn list(With(state): With<Arc<State>>) -> Response {
    match state.store(|s| s.list()).await {
        Ok(Ok(all)) => Json(Value::Array(all.iter().map(summary_json).collect())).into_response(),
        Ok(Err(d)) => refuse(StatusCode::INTERNAL_SERVER_ERROR, &d.into(), state.lang),
        Err(r) => r,
    }
}

/// `POST /api/reports`: a report (JSON or a workbook) or `{"blank": …}`
/// → 201 with `ETag` and `Location`.
pub async fn create(
    With(state): With<Arc<State>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let lang = http::lang(&headers, &state);
    let made = async {
        let bytes = http::body(body, lang)?;
        let value = report_of(&bytes, true, lang)?;
        let (new, d) = prepare(&state, value, None).await?;
        let s = state
            .store(move |s| s.create(&new))
            .await?
            .map_err(|e| refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.into(), lang))?;
        Ok::<_, Response>(saved(StatusCode::CREATED, &s, &d, lang))
    };
    made.await.unwrap_or_else(|r| r)
}

/// `GET /api/reports/{id}`: the latest revision with its report and
/// diagnostics (in the request's language), `ETag` its revision.
pub async fn get(
    With(state): With<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let lang = http::lang(&headers, &state);
    let got = async {
        let id = number(&id, lang)?;
        let r = latest(&state, id, lang).await?;
        let report = content(&r)?;
        let last = super::years::last_year(&state, &report).await;
        let (report, d) = state
            .engine(move |engine| {
                let last = super::years::checked(last.as_ref());
                let d = engine.check_across(&report, |_| last.as_ref());
                (report, d)
            })
            .await?;
        let body = with(
            &r.summary,
            json!({ "report": report, "diagnostics": http::diagnostics_json(&d, lang) }),
        );
        Ok::<_, Response>(([etag_header(r.summary.rev)], Json(body)).into_response())
    };
    got.await.unwrap_or_else(|r| r)
}

/// Saves `value` as a new revision of `id` if `If-Match` names the
/// latest: 200, or 412 with the latest, 404, 428.
async fn save(
    state: &State,
    headers: &HeaderMap,
    id: i64,
    value: Value,
    restored_from: Option<i64>,
) -> Result<Response, Response> {
    let lang = http::lang(headers, state);
    let expected = http::if_match(headers, lang)?;
    let (new, d) = prepare(state, value, restored_from).await?;
    match state.store(move |s| s.save(id, &expected, &new)).await? {
        Ok(s) => Ok(saved(StatusCode::OK, &s, &d, lang)),
        Err(SaveError::NotFound) => Err(no_report(id, lang)),
        Err(SaveError::Db(e)) => Err(refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.into(), lang)),
        Err(SaveError::Stale(latest)) => Err(stale(&latest, lang)),
    }
}

/// 412: the save was based on an older revision. The body gives the
/// latest revision, its ETag and its report, so that the page can show
/// the two side by side; nothing was saved.
fn stale(latest: &Revision, lang: Lang) -> Response {
    let rev = latest.summary.rev;
    let d = Diagnostic::input(
        Code::Conflict,
        tr(
            format!("这份报告已另有保存（现为第 {rev} 版），本次未保存"),
            format!("the report was saved meanwhile (now revision {rev}); this save was not made"),
        ),
    )
    .with_hint(tr(
        "比较两份内容，合并后以最新版本的 ETag 再保存",
        "compare the two, merge, and save again with the latest ETag",
    ));
    let report = content(latest).unwrap_or(Value::Null);
    let body = json!({
        "diagnostics": http::diagnostics_json(&d.into(), lang),
        "current": with(&latest.summary, json!({ "report": report })),
    });
    (
        StatusCode::PRECONDITION_FAILED,
        [etag_header(rev)],
        Json(body),
    )
        .into_response()
}

/// `PUT /api/reports/{id}` with `If-Match`: the body (a report's JSON or
/// a workbook) as a new revision.
pub async fn put(
    With(state): With<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let lang = http::lang(&headers, &state);
    let done = async {
        let id = number(&id, lang)?;
        let bytes = http::body(body, lang)?;
        let value = report_of(&bytes, false, lang)?;
        save(&state, &headers, id, value, None).await
    };
    done.await.unwrap_or_else(|r| r)
}

/// `GET /api/reports/{id}/revisions`: every revision, the latest first.
pub async fn revisions(
    With(state): With<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let lang = http::lang(&headers, &state);
    let got = async {
        let id = number(&id, lang)?;
        let all = state
            .store(move |s| s.revisions(id))
            .await?
            .map_err(|e| refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.into(), lang))?
            .ok_or_else(|| no_report(id, lang))?;
        Ok::<_, Response>(
            Json(Value::Array(all.iter().map(summary_json).collect())).into_response(),
        )
    };
    got.await.unwrap_or_else(|r| r)
}

/// Revision `rev` of report `id`, or 404.
async fn old(state: &State, id: &str, rev: &str, lang: Lang) -> Result<Revision, Response> {
    let (id, rev) = (number(id, lang)?, number(rev, lang)?);
    state
        .store(move |s| s.get(id, Some(rev)))
        .await?
        .map_err(|e| refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.into(), lang))?
        .ok_or_else(|| {
            request_error(
                StatusCode::NOT_FOUND,
                tr(
                    format!("报告 {id} 没有第 {rev} 版"),
                    format!("report {id} has no revision {rev}"),
                ),
                lang,
            )
        })
}

/// `GET /api/reports/{id}/revisions/{rev}`: that revision with its report.
pub async fn revision(
    With(state): With<Arc<State>>,
    headers: HeaderMap,
    Path((id, rev)): Path<(String, String)>,
) -> Response {
    let lang = http::lang(&headers, &state);
    let got = async {
        let r = old(&state, &id, &rev, lang).await?;
        let report = content(&r)?;
        Ok::<_, Response>(Json(with(&r.summary, json!({ "report": report }))).into_response())
    };
    got.await.unwrap_or_else(|r| r)
}

/// `POST /api/reports/{id}/restore/{rev}` with `If-Match`: a new revision
/// with revision `rev`'s content (`restored_from` says which).
pub async fn restore(
    With(state): With<Arc<State>>,
    headers: HeaderMap,
    Path((id, rev)): Path<(String, String)>,
) -> Response {
    let lang = http::lang(&headers, &state);
    let done = async {
        // Said before anything is read: a restore without If-Match is 428
        // whether or not the revision exists.
        http::if_match(&headers, lang)?;
        let r = old(&state, &id, &rev, lang).await?;
        let value = content(&r)?;
        save(&state, &headers, r.summary.id, value, Some(r.summary.rev)).await
    };
    done.await.unwrap_or_else(|r| r)
}

/// `GET /api/reports/{id}/preview`: `{"pages": ["<svg…>", …],
/// "diagnostics": […]}`, one SVG per page of the latest revision, laid
/// out even when the checks fail (as `--force`: the page shows the
/// errors beside it); 422 with no pages when it cannot be laid out.
pub async fn preview(
    With(state): With<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let lang = http::lang(&headers, &state);
    let got = async {
        let id = number(&id, lang)?;
        let r = latest(&state, id, lang).await?;
        let report = content(&r)?;
        let opts = RenderOptions {
            force: true,
            created: state.created,
            pdf_standard: None,
        };
        let laid = state
            .engine(move |engine| engine.render_pages(&report, opts))
            .await?;
        Ok::<_, Response>(super::api::pages_json(laid, lang))
    };
    got.await.unwrap_or_else(|r| r)
}

/// The latest revision of `id`, or 404 (500 when the store fails).
async fn latest(state: &State, id: i64, lang: Lang) -> Result<Revision, Response> {
    state
        .store(move |s| s.get(id, None))
        .await?
        .map_err(|e| refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.into(), lang))?
        .ok_or_else(|| no_report(id, lang))
}

/// The latest revision of `id` as an input, for a download.
pub async fn latest_input(
    state: &State,
    id: i64,
    lang: Lang,
) -> Result<(Summary, crate::input::Input), Response> {
    let r = latest(state, id, lang).await?;
    let value = content(&r)?;
    let input = crate::input::Input {
        value,
        warnings: Diagnostics::new(),
        cells: Default::default(),
    };
    Ok((r.summary, input))
}
