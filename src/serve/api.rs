//! The stateless API: `/api/health`, `/api/check`, `/api/render`.
//!
//! In: a report in the request body, JSON text or a workbook's bytes,
//! told apart by content as [`crate::input::load`] tells them (never by
//! `Content-Type`). Out: the diagnostics (`/api/check`, 200), or the
//! document's bytes (`/api/render`, 200, the very bytes `nianbao render`
//! writes for the same data), or 400 when the body cannot be read as a
//! report (malformed JSON, an unreadable workbook), 422 when the report
//! is refused. Every diagnostic of a workbook names its cell (`place`).

use super::http::{self, refuse, request_error};
use super::state::State;
use crate::diag::{tr, Diagnostics};
use crate::input::{self, Input};
use crate::{Engine, Lang, OutputFormat, PdfStandard, RenderOptions};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State as With};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// How messages name a request's body, as `<stdin>` names standard input.
pub const BODY: &str = "<body>";

/// `GET /api/health`: `{"ok": true, "version": "0.1.0"}`.
pub async fn health() -> Json<Value> {
    Json(json!({ "ok": true, "version": env!("CARGO_PKG_VERSION") }))
}

/// What the server can produce of a report: a document, or its data as a
/// workbook or as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    /// A document the engine renders.
    Document(OutputFormat),
    /// The workbook (`sheet::write`), as `nianbao convert -o x.xlsx`.
    Xlsx,
    /// The data as pretty JSON, as `nianbao convert -o x.json`.
    Json,
}

impl Product {
    /// The product an extension or `format=` names.
    pub fn from_extension(ext: &str) -> Option<Product> {
        match ext {
            "xlsx" => Some(Product::Xlsx),
            "json" => Some(Product::Json),
            _ => OutputFormat::from_extension(ext).map(Product::Document),
        }
    }

    /// Its `Content-Type` as a download.
    pub fn content_type(self) -> &'static str {
        match self {
            Product::Document(OutputFormat::Pdf) => "application/pdf",
            Product::Document(OutputFormat::Docx) => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Product::Document(OutputFormat::Ofd) => "application/ofd",
            Product::Document(OutputFormat::Html) => "text/html; charset=utf-8",
            Product::Document(OutputFormat::Svg) => "image/svg+xml",
            Product::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Product::Json => "application/json",
        }
    }

    /// Its file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Product::Document(f) => f.extension(),
            Product::Xlsx => "xlsx",
            Product::Json => "json",
        }
    }
}

/// A report → `product`'s bytes, with the warnings; or why not. A
/// document is refused when the checks fail unless `force` (shape errors
/// always); a workbook only when the shape is wrong (a workbook is where
/// a clerk corrects the figures, as `nianbao convert` writes one); JSON
/// never.
pub fn produce(
    engine: &Engine,
    input: &Input,
    product: Product,
    opts: RenderOptions,
) -> Result<(Vec<u8>, Diagnostics), Diagnostics> {
    match product {
        Product::Document(format) => {
            let mut all = engine.render_input(input, &[format], opts)?;
            let r = all.remove(0);
            Ok((r.bytes, r.diagnostics))
        }
        Product::Xlsx => {
            let checked = match crate::data::check_value(&input.value) {
                Ok(c) => c,
                Err(mut d) => {
                    input.locate(&mut d);
                    return Err(d);
                }
            };
            let bytes = crate::sheet::write(&input.value, checked.resolved.format, opts.created)?;
            let mut d = input.warnings.clone();
            d.extend(checked.diagnostics);
            input.locate(&mut d);
            Ok((bytes, d))
        }
        Product::Json => {
            let text = crate::data::to_pretty_json(&input.value) + "\n";
            Ok((text.into_bytes(), input.warnings.clone()))
        }
    }
}

/// `force=true|1|false|0` (absent: false), or 400.
pub fn force(query: &HashMap<String, String>, lang: Lang) -> Result<bool, Response> {
    match query.get("force").map(String::as_str) {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1" | "") => Ok(true),
        Some(other) => Err(request_error(
            StatusCode::BAD_REQUEST,
            tr(
                format!("force=`{other}` 应为 true 或 false"),
                format!("force=`{other}` should be true or false"),
            ),
            lang,
        )),
    }
}

/// `pdf-standard=a-1b|a-2b|a-3b` (absent: a plain tagged PDF), or 400.
pub fn pdf_standard(
    query: &HashMap<String, String>,
    lang: Lang,
) -> Result<Option<PdfStandard>, Response> {
    let Some(name) = query.get("pdf-standard") else {
        return Ok(None);
    };
    PdfStandard::from_name(name).map(Some).ok_or_else(|| {
        request_error(
            StatusCode::BAD_REQUEST,
            tr(
                format!("pdf-standard=`{name}` 不认识（可用：a-1b a-2b a-3b）"),
                format!("pdf-standard=`{name}` is unknown (known: a-1b a-2b a-3b)"),
            ),
            lang,
        )
    })
}

/// The body read as a report, or 400 with why not.
fn load(bytes: &[u8], lang: Lang) -> Result<Input, Response> {
    input::load(bytes, BODY).map_err(|d| refuse(StatusCode::BAD_REQUEST, &d, lang))
}

/// `POST /api/check`: 200 `{"diagnostics": […]}`, with `"report"`, the
/// JSON the workbook read as, when the body was a workbook.
pub async fn check(
    With(state): With<Arc<State>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let lang = http::lang(&headers, &state);
    let bytes = match http::body(body, lang) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let workbook = crate::sheet::is_xlsx(&bytes);
    // Read once (a workbook takes a while), then last year's report of the
    // same unit, when the store has one: the page checks what the clerk
    // types against it.
    let input = match state.engine(move |_| load(&bytes, lang)).await {
        Ok(Ok(input)) => input,
        Ok(Err(r)) | Err(r) => return r,
    };
    let last = super::years::last_year(&state, &input.value).await;
    let checked = state
        .engine(move |engine| {
            let last = super::years::checked(last.as_ref());
            let mut d = input.warnings.clone();
            d.extend(engine.check_across(&input.value, |_| last.as_ref()));
            input.locate(&mut d);
            Ok::<_, Response>((d, workbook.then_some(input.value)))
        })
        .await;
    match checked {
        Ok(Ok((d, report))) => {
            let mut out = json!({ "diagnostics": http::diagnostics_json(&d, lang) });
            if let Some(report) = report {
                out["report"] = report;
            }
            Json(out).into_response()
        }
        Ok(Err(r)) | Err(r) => r,
    }
}

/// `POST /api/render?format=pdf|docx|ofd|html|svg|xlsx[&force=true]`:
/// 200 the bytes (SVG: every page in one document, as `render -f svg -o
/// -` writes it; the preview has a page each), 422 `{"diagnostics"}`
/// when refused.
pub async fn render(
    With(state): With<Arc<State>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let lang = http::lang(&headers, &state);
    let ext = query.get("format").map_or("pdf", String::as_str);
    let Some(product) = Product::from_extension(ext).filter(|p| *p != Product::Json) else {
        return request_error(
            StatusCode::BAD_REQUEST,
            tr(
                format!("format=`{ext}` 不认识（可用：pdf docx ofd html svg xlsx）"),
                format!("format=`{ext}` is unknown (known: pdf docx ofd html svg xlsx)"),
            ),
            lang,
        );
    };
    let force = match force(&query, lang) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let bytes = match http::body(body, lang) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let pdf_standard = match pdf_standard(&query, lang) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let opts = RenderOptions {
        force,
        created: state.created,
        pdf_standard,
    };
    let made = state
        .engine(move |engine| {
            let input = load(&bytes, lang)?;
            produce(engine, &input, product, opts)
                .map_err(|d| refuse(StatusCode::UNPROCESSABLE_ENTITY, &d, lang))
        })
        .await;
    match made {
        Ok(Ok((bytes, _))) => {
            ([(header::CONTENT_TYPE, product.content_type())], bytes).into_response()
        }
        Ok(Err(r)) | Err(r) => r,
    }
}

/// `GET /api/layout?format=2019|2021`: the three official tables of a
/// format as the page lays them out, from the one source of the layout
/// ([`crate::sheet::layout`]: `formats/table_layouts.json` and the
/// slots): `{"format", "tables": [{"section", "title", "pointer", "cols",
/// "rows", "cells": [{r, c, rs, cs, role, text}]}]}`, where each value
/// cell has, instead of `text`, its `pointer`, its `kind` (`count`,
/// `signed`, `money`), its `place` in the form's words, and for a 总计 the
/// data may leave to be computed, `total_of` (the pointers it sums).
pub async fn layout(
    With(state): With<Arc<State>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    use crate::data::Format;
    let lang = http::lang(&headers, &state);
    let asked = query.get("format").map_or("", String::as_str);
    let Some(format) = Format::parse(asked) else {
        return request_error(
            StatusCode::BAD_REQUEST,
            tr(
                format!("format=`{asked}` 应为 2019 或 2021"),
                format!("format=`{asked}` should be 2019 or 2021"),
            ),
            lang,
        );
    };
    Json(layout_json(format)).into_response()
}

/// The layout answer of [`layout`] for `format`.
pub fn layout_json(format: crate::data::Format) -> Value {
    use crate::data::spec::Cell;
    use crate::sheet::layout::{grid, slots, value_cells, Role, Section};
    let tables: Vec<Value> = Section::ALL
        .iter()
        .map(|&section| {
            let g = grid(format, section);
            let values = value_cells(g);
            let slots = slots(format, section);
            let mut cells: Vec<Value> = g
                .cells
                .iter()
                .filter(|c| c.role != Role::Value)
                .map(|c| {
                    let role = match c.role {
                        Role::Header => "header",
                        Role::HeaderNote => "header-note",
                        Role::GroupHeader => "group-header",
                        Role::Label => "label",
                        Role::Value => "value",
                    };
                    json!({"r": c.r, "c": c.c, "rs": c.rs, "cs": c.cs, "role": role, "text": c.text})
                })
                .collect();
            for (c, slot) in values.iter().zip(&slots) {
                let kind = match slot.cell {
                    Cell::Count => "count",
                    Cell::Signed => "signed",
                    Cell::Money => "money",
                };
                let mut v = json!({
                    "r": c.r, "c": c.c, "rs": c.rs, "cs": c.cs, "role": "value",
                    "pointer": slot.pointer,
                    "kind": kind,
                    "place": crate::data::place::describe(&slot.pointer, format),
                });
                if let Some(of) = &slot.total_of {
                    v["total_of"] = json!(of);
                }
                cells.push(v);
            }
            cells.sort_by_key(|c| {
                (
                    c["r"].as_u64().unwrap_or(0),
                    c["c"].as_u64().unwrap_or(0),
                )
            });
            let pointer = match section {
                Section::Two => "/active_disclosure",
                Section::Three => "/applications",
                Section::Four => "/review_litigation",
            };
            json!({
                "section": section.sheet().chars().next().map(String::from),
                "title": section.sheet(),
                "pointer": pointer,
                "cols": g.cols,
                "rows": g.rows,
                "cells": cells,
            })
        })
        .collect();
    json!({ "format": format.as_str(), "tables": tables })
}

/// `POST /api/preview` (a report, saved or not): `{"pages": ["<svg…>",
/// …], "diagnostics": […], "errors": n}`, one SVG per page laid out even
/// when the checks fail (as `--force`, so that the clerk sees the pages
/// while correcting them; `errors` says how many check errors there
/// are); 422 with no pages when it cannot be laid out (a shape error),
/// 400 when the body is not a report.
pub async fn preview(
    With(state): With<Arc<State>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let lang = http::lang(&headers, &state);
    let bytes = match http::body(body, lang) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let opts = RenderOptions {
        force: true,
        created: state.created,
        pdf_standard: None,
    };
    let laid = state
        .engine(move |engine| {
            let input = load(&bytes, lang)?;
            Ok::<_, Response>(engine.render_pages(&input.value, opts))
        })
        .await;
    match laid {
        Ok(Ok(laid)) => pages_json(laid, lang),
        Ok(Err(r)) | Err(r) => r,
    }
}

/// The answer of a preview: 200 with the pages, or 422 with none.
pub fn pages_json(laid: Result<(Vec<String>, Diagnostics), Diagnostics>, lang: Lang) -> Response {
    match laid {
        Ok((pages, d)) => Json(json!({
            "pages": pages,
            "diagnostics": http::diagnostics_json(&d, lang),
            "errors": d.errors().count(),
        }))
        .into_response(),
        Err(d) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({
                "pages": [],
                "diagnostics": http::diagnostics_json(&d, lang),
                "errors": d.errors().count(),
            })),
        )
            .into_response(),
    }
}
