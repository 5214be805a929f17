//! The HTML pages, their assets, and the downloads.
//!
//! In: `GET /`, `GET /assets/{name}`, `GET /reports/{id}` and
//! `GET /reports/{id}.{pdf|docx|ofd|html|svg|xlsx|json}[?force=true]`.
//! Out: the list page (its rows made here, every value escaped), the
//! editing page (`assets/report.html`, static: it loads the report and
//! the tables' layout itself), an asset from the set compiled in (no file is ever read from
//! a path a request names), or the document of the latest revision as an
//! attachment named after the unit and year; 422 with the diagnostics
//! when the data fails the checks (unless `force`), as `nianbao render`
//! refuses it.

use super::api::{self, Product};
use super::http::{self, refuse, request_error};
use super::reports::{latest_input, number, saved_at};
use super::state::State;
use crate::data::Format;
use crate::diag::tr;
use crate::text::escape_xml;
use crate::RenderOptions;
use axum::extract::{Path, Query, State as With};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Arc;

const INDEX: &str = include_str!("assets/index.html");
const REPORT: &str = include_str!("assets/report.html");
const CSS: &str = include_str!("assets/app.css");
const APP_JS: &str = include_str!("assets/app.js");
const REPORT_JS: &str = include_str!("assets/report.js");

/// Where the list page's rows go.
const ROWS: &str = "<!--ROWS-->";

/// What a page may load: its own scripts and styles only (inline styles
/// for the preview's SVG), and no other site may frame it.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                   frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// An HTML page with the headers every page carries.
fn page(html: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// `GET /`: the list of reports.
pub async fn index(With(state): With<Arc<State>>) -> Response {
    let all = match state.store(|s| s.list()).await {
        Ok(Ok(all)) => all,
        Ok(Err(d)) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, &d.into(), state.lang),
        Err(r) => return r,
    };
    let mut rows = String::new();
    for s in &all {
        let year = s.year.map(|y| y.to_string()).unwrap_or_default();
        let id = s.id;
        let mut links = format!("<a href=\"/reports/{id}\">编辑</a>");
        for ext in ["pdf", "docx", "ofd", "xlsx", "json"] {
            links.push_str(&format!(
                " <a href=\"/reports/{id}.{ext}\" download>{}</a>",
                ext.to_ascii_uppercase()
            ));
        }
        rows.push_str(&format!(
            "<tr data-id=\"{id}\"><td>{}</td><td>{}</td><td>{}</td>\
             <td><time datetime=\"{saved}\">{saved}</time></td>\
             <td class=\"status-{status}\" data-status=\"{status}\">{}</td><td>{links}</td></tr>\n",
            escape_xml(&s.unit),
            escape_xml(&year),
            s.format.map_or("", Format::as_str),
            s.status.label(),
            saved = escape_xml(&saved_at(s.saved_at_ms)),
            status = s.status.as_str(),
        ));
    }
    if all.is_empty() {
        rows.push_str("<tr><td colspan=\"6\">还没有报告：新建一份，或导入文件</td></tr>\n");
    }
    page(INDEX.replacen(ROWS, &rows, 1))
}

/// `GET /assets/{name}`: one of the files compiled in, or 404.
pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "report.js" => (REPORT_JS, "text/javascript; charset=utf-8"),
        _ => return http::not_found().await,
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// `GET /reports/{id}` (the editing page) or `GET /reports/{id}.{ext}`
/// (a download).
pub async fn report_or_download(
    With(state): With<Arc<State>>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let lang = http::lang(&headers, &state);
    let Some((id, ext)) = name.split_once('.') else {
        return match number(&name, lang) {
            Ok(_) => page(REPORT.to_string()),
            Err(r) => r,
        };
    };
    let done = async {
        let id = number(id, lang)?;
        let product = Product::from_extension(ext).ok_or_else(|| {
            request_error(
                StatusCode::NOT_FOUND,
                tr(
                    format!("不能下载为 .{ext}（可用：pdf docx ofd html svg xlsx json）"),
                    format!("no download as .{ext} (known: pdf docx ofd html svg xlsx json)"),
                ),
                lang,
            )
        })?;
        let force = api::force(&query, lang)?;
        let pdf_standard = api::pdf_standard(&query, lang)?;
        let (summary, input) = latest_input(&state, id, lang).await?;
        let opts = RenderOptions {
            force,
            created: state.created,
            pdf_standard,
        };
        let made = state
            .engine(move |engine| api::produce(engine, &input, product, opts))
            .await?;
        let (bytes, _) = made.map_err(|d| refuse(StatusCode::UNPROCESSABLE_ENTITY, &d, lang))?;
        let year = summary.year.map(|y| y.to_string()).unwrap_or_default();
        let stem = match (summary.unit.is_empty(), year.is_empty()) {
            (false, false) => format!("{}-{year}", summary.unit),
            (false, true) => summary.unit.clone(),
            _ => format!("report-{id}"),
        };
        let ext = product.extension();
        Ok::<_, Response>(
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static(product.content_type()),
                    ),
                    (header::CONTENT_DISPOSITION, http::attachment(&stem, ext)),
                    (
                        header::X_CONTENT_TYPE_OPTIONS,
                        HeaderValue::from_static("nosniff"),
                    ),
                ],
                bytes,
            )
                .into_response(),
        )
    };
    done.await.unwrap_or_else(|r| r)
}
