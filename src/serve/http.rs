//! The HTTP side of every handler: JSON answers, ETags, the cross-site
//! rule, and what a body that is too large or a panic becomes.
//!
//! In: requests' headers and bodies, and the diagnostics a handler has to
//! say. Out: responses, always JSON `{"diagnostics": […]}` when refused
//! (each diagnostic the object of the CLI's `--error-format json`, in the
//! request's language), and the request let through or refused by
//! [`same_origin`].
//!
//! The cross-site rule ([`same_origin`]), so that a page on another site
//! open in the same browser can neither change the reports nor read
//! them:
//! - every request, when the server listens on a loopback address, must
//!   name a loopback host in `Host` (`127.0.0.1`, `localhost`, `[::1]`):
//!   a rebinding DNS name pointed at 127.0.0.1 is refused;
//! - a `POST`, `PUT`, `PATCH` or `DELETE` whose `Origin` is not the
//!   server's own (`http://` + `Host`), or, without `Origin`, whose
//!   `Sec-Fetch-Site` says `cross-site` or `same-site`, is refused (403);
//! - and it must be `Content-Type: application/json` or carry the header
//!   `X-Nianbao` (any value): a plain HTML form can send neither, and a
//!   script on another origin cannot send them without a CORS preflight,
//!   which this server never grants.

use super::state::State;
use crate::diag::{tr, Code, Diagnostic, Diagnostics};
use crate::Lang;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

/// The language a request asks for: the first tag of `Accept-Language`
/// when it is Chinese or English, else the server's.
pub fn lang(headers: &HeaderMap, state: &State) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split([',', ';']).next())
        .and_then(Lang::parse)
        .unwrap_or(state.lang)
}

/// Diagnostics as a JSON array, each as `--error-format json` prints it.
pub fn diagnostics_json(d: &Diagnostics, lang: Lang) -> Value {
    Value::Array(d.iter().map(|d| d.to_json(lang)).collect())
}

/// `status` with `{"diagnostics": […]}`.
pub fn refuse(status: StatusCode, d: &Diagnostics, lang: Lang) -> Response {
    (
        status,
        Json(json!({ "diagnostics": diagnostics_json(d, lang) })),
    )
        .into_response()
}

/// A request refused as such (code `request`), with a message.
pub fn request_error(status: StatusCode, message: crate::Text, lang: Lang) -> Response {
    refuse(
        status,
        &Diagnostic::input(Code::Request, message).into(),
        lang,
    )
}

/// "No such report" (404).
pub fn no_report(id: i64, lang: Lang) -> Response {
    request_error(
        StatusCode::NOT_FOUND,
        tr(format!("没有编号为 {id} 的报告"), format!("no report {id}")),
        lang,
    )
}

/// The answer to a path no route takes.
pub async fn not_found() -> Response {
    request_error(
        StatusCode::NOT_FOUND,
        tr("没有这个地址", "no such address"),
        Lang::default(),
    )
}

/// A failure of the server itself (500): a blocking task that panicked,
/// the database, a lock.
pub fn internal(e: impl std::fmt::Display) -> Response {
    let d = Diagnostic::input(
        Code::Io,
        tr(
            format!("服务内部出错：{e}"),
            format!("internal server error: {e}"),
        ),
    );
    refuse(
        StatusCode::INTERNAL_SERVER_ERROR,
        &d.into(),
        Lang::default(),
    )
}

/// A panic in a handler, caught (tower-http's `CatchPanicLayer`): that
/// request gets a 500 and the server goes on.
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    internal(tr("处理请求时程序出错", "the handler panicked"))
}

/// A request's body, or why it has none: a body over the limit is 413
/// ([`super::MAX_BODY`]), said as a diagnostic.
pub fn body(read: Result<Bytes, BytesRejection>, lang: Lang) -> Result<Bytes, Response> {
    read.map_err(|rej| {
        let status = rej.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            let mib = super::MAX_BODY >> 20;
            let d = Diagnostic::input(
                Code::Limit,
                tr(
                    format!("请求正文超过 {mib} MiB；一份数据文件最多 {mib} MiB"),
                    format!("the request body is over {mib} MiB, the most a data file holds"),
                ),
            );
            return refuse(status, &d.into(), lang);
        }
        request_error(status, crate::Text::from(rej.body_text()), lang)
    })
}

/// The ETag of revision `rev`: `"r7"`.
pub fn etag(rev: i64) -> String {
    format!("\"r{rev}\"")
}

/// `ETag: "r7"` as a header.
pub fn etag_header(rev: i64) -> (header::HeaderName, HeaderValue) {
    // Digits and quotes only: always a valid header value.
    let v = HeaderValue::from_str(&etag(rev)).unwrap_or(HeaderValue::from_static("\"r0\""));
    (header::ETAG, v)
}

/// The revisions an `If-Match` names (`"r7"`, `W/"r7"`, a list of them),
/// or 428 when it is missing or names none: a save must say what it was
/// based on, so that it can never silently replace a newer one (`*` is
/// not enough, for the same reason).
pub fn if_match(headers: &HeaderMap, lang: Lang) -> Result<Vec<i64>, Response> {
    let revs: Vec<i64> = headers
        .get_all(header::IF_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|tag| {
            let tag = tag.trim();
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            tag.strip_prefix("\"r")?.strip_suffix('"')?.parse().ok()
        })
        .collect();
    if revs.is_empty() {
        let d = Diagnostic::input(
            Code::Conflict,
            tr(
                "保存时须带 If-Match 头，写明所依据的版本（如 \"r7\"）",
                "a save needs an If-Match header naming the revision it is based on (e.g. \"r7\")",
            ),
        )
        .with_hint(tr(
            "先 GET 这份报告，把它的 ETag 作为 If-Match 发回",
            "GET the report first and send its ETag back as If-Match",
        ));
        return Err(refuse(StatusCode::PRECONDITION_REQUIRED, &d.into(), lang));
    }
    Ok(revs)
}

/// Whether a `Host` value names this machine's loopback interface.
fn loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    let name = name.trim_end_matches('.');
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The cross-site rule of the module header, as middleware.
pub async fn same_origin(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: Request,
    next: Next,
) -> Response {
    let headers = req.headers();
    let lang = lang(headers, &state);
    let text = |name: &header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let host = text(&header::HOST).unwrap_or("");
    let forbid = |zh: String, en: String| request_error(StatusCode::FORBIDDEN, tr(zh, en), lang);
    if state.bound.ip().is_loopback() && !loopback_host(host) {
        return forbid(
            format!(
                "Host `{host}` 不是本机地址；请用 http://{} 打开",
                state.bound
            ),
            format!(
                "Host `{host}` is not this machine; open http://{}",
                state.bound
            ),
        );
    }
    let changes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !changes {
        return next.run(req).await;
    }
    let own = format!("http://{host}");
    match text(&header::ORIGIN) {
        Some(origin) if origin != own => {
            return forbid(
                format!("拒绝来自其他网站（{origin}）的修改请求"),
                format!("refused a change from another site ({origin})"),
            )
        }
        Some(_) => {}
        None => {
            let site = headers
                .get("sec-fetch-site")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if site.eq_ignore_ascii_case("cross-site") || site.eq_ignore_ascii_case("same-site") {
                return forbid(
                    "拒绝来自其他网站的修改请求".into(),
                    "refused a change from another site".into(),
                );
            }
        }
    }
    let json = text(&header::CONTENT_TYPE).is_some_and(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
    });
    if !json && !headers.contains_key("x-nianbao") {
        return forbid(
            "修改请求须是 Content-Type: application/json，或带 X-Nianbao 头".into(),
            "a change must be Content-Type: application/json or carry an X-Nianbao header".into(),
        );
    }
    next.run(req).await
}

/// `Content-Disposition` for a download of `stem.ext`: a plain ASCII
/// `filename` for old clients, and the real name (`缑氏镇人民政府-2020.pdf`)
/// as `filename*` in UTF-8, percent-encoded (RFC 6266, RFC 8187).
pub fn attachment(stem: &str, ext: &str) -> HeaderValue {
    let name = format!("{}.{ext}", crate::names::safe_file_name(stem));
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let value = format!("attachment; filename=\"report.{ext}\"; filename*=UTF-8''{encoded}");
    // Only ASCII went in: always a valid header value.
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in [
            "127.0.0.1:8321",
            "localhost:80",
            "[::1]:8321",
            "localhost",
            "127.0.0.2",
        ] {
            assert!(loopback_host(h), "{h}");
        }
        for h in ["evil.example:8321", "10.0.0.1:8321", "", "[fe80::1]:80"] {
            assert!(!loopback_host(h), "{h}");
        }
    }

    #[test]
    fn attachment_names_the_unit_in_utf8() {
        let v = attachment("示例镇人民政府-2021", "pdf");
        let s = v.to_str().expect("in test");
        assert!(s.starts_with("attachment; filename=\"report.pdf\"; filename*=UTF-8''%E7%A4%BA"));
        assert!(s.ends_with("-2021.pdf"));
    }
}
