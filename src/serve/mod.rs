//! `nianbao serve`: the reports of one office in a browser, on the
//! clerk's own machine.
//!
//! In: an [`Engine`] (built once, shared by every request), [`Options`]
//! (the address, the data folder) and a callback told the URL once the
//! socket is bound. Out: an HTTP server (axum on tokio) that runs until
//! Ctrl-C or SIGTERM and then stops cleanly, finishing the requests under
//! way; or the [`Diagnostic`] of why it could not start.
//!
//! The server is a client of the engine as the CLI is: it checks and
//! renders with the same calls, so a document downloaded from it is the
//! very bytes `nianbao render` writes. Rendering is CPU-bound and runs on
//! tokio's blocking threads, at most as many at once as there are cores
//! ([`state::State::engine_work`]); saves go to SQLite ([`store`]).
//!
//! - [`state`]: what every handler shares, and the report's status;
//! - [`http`]: responses, ETags, the cross-site rule, body limits;
//! - [`api`]: `/api/health`, `/api/check`, `/api/render`, `/api/layout`,
//!   `/api/preview`;
//! - [`reports`]: `/api/reports…`, the saved reports and revisions;
//! - [`pages`]: the HTML pages, their assets, and the downloads;
//! - [`store`]: the revisions in SQLite.

pub mod api;
pub mod http;
pub mod pages;
pub mod reports;
pub mod state;
pub mod store;
pub mod years;

use crate::diag::{tr, Code, Diagnostic};
use crate::{Engine, Lang};
use axum::routing::{get, post};
use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The address `nianbao serve` listens on unless told otherwise: the
/// loopback interface only, so nobody else on the network reaches it.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8321";

/// The data folder unless told otherwise, in the current directory.
pub const DEFAULT_DATA: &str = "nianbao-data";

/// The largest request body read: one report's data file at most
/// ([`crate::data::MAX_DATA_BYTES`], 16 MiB); a larger one is answered
/// 413 before it is read whole.
pub const MAX_BODY: usize = crate::data::MAX_DATA_BYTES;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen; port 0 takes any free port.
    pub addr: SocketAddr,
    /// The data folder (created when missing).
    pub data: PathBuf,
    /// The language of messages when a request does not ask for one.
    pub lang: Lang,
    /// The creation time written into documents (`SOURCE_DATE_EPOCH`).
    pub created: Option<i64>,
}

/// The routes, over a shared state.
pub fn router(state: Arc<state::State>) -> Router {
    use axum::extract::DefaultBodyLimit;
    use tower_http::catch_panic::CatchPanicLayer;
    use tower_http::limit::RequestBodyLimitLayer;
    Router::new()
        .route("/", get(pages::index))
        .route("/assets/{name}", get(pages::asset))
        .route("/reports/{name}", get(pages::report_or_download))
        .route("/api/health", get(api::health))
        .route("/api/check", post(api::check))
        .route("/api/render", post(api::render))
        .route("/api/layout", get(api::layout))
        .route("/api/preview", post(api::preview))
        .route("/api/reports", get(reports::list).post(reports::create))
        .route("/api/reports/{id}", get(reports::get).put(reports::put))
        .route("/api/reports/{id}/revisions", get(reports::revisions))
        .route("/api/reports/{id}/revisions/{rev}", get(reports::revision))
        .route("/api/reports/{id}/restore/{rev}", post(reports::restore))
        .route("/api/reports/{id}/preview", get(reports::preview))
        .fallback(http::not_found)
        // Innermost first: the cross-site rule sees every request that
        // reached a route; the body limit wraps the body before any
        // handler reads it (413 at once when Content-Length says too
        // much, or as soon as a streamed body passes the limit); a panic
        // anywhere inside becomes a 500 for that request alone.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::same_origin,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(CatchPanicLayer::custom(http::panicked))
        .with_state(state)
}

/// Starts the server: binds `opts.addr`, calls `ready` with the URL, and
/// serves until Ctrl-C or SIGTERM.
pub fn run(engine: Engine, opts: Options, ready: impl FnOnce(&str)) -> Result<(), Diagnostic> {
    let store = store::Store::open(&opts.data)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| crate::diag::cannot_each(("启动", "start"), ("服务", "the server"), &e))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(opts.addr)
            .await
            .map_err(|e| unbindable(opts.addr, &e))?;
        let bound = listener
            .local_addr()
            .map_err(|e| unbindable(opts.addr, &e))?;
        let state = Arc::new(state::State::new(engine, store, &opts, bound));
        ready(&format!("http://{bound}/"));
        axum::serve(listener, router(state))
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(|e| crate::diag::cannot_each(("运行", "run"), ("服务", "the server"), &e))
    })
}

/// "Cannot listen on ADDR", with the reason and what to do.
fn unbindable(addr: SocketAddr, e: &std::io::Error) -> Diagnostic {
    let mut d = crate::diag::cannot(("监听", "listen on"), &addr.to_string(), e);
    if e.kind() == std::io::ErrorKind::AddrInUse {
        d = d.with_hint(tr(
            "这个端口已被占用（也许 nianbao serve 已在运行）；用 --addr 换一个端口",
            "the port is taken (nianbao serve may be running already); pick another with --addr",
        ));
    }
    d
}

/// Resolves when the process is asked to stop: Ctrl-C, or SIGTERM on
/// Unix (what `kill` and service managers send).
async fn shutdown() {
    let ctrl_c = async {
        // Without a handler there is nothing to wait for; SIGTERM (or the
        // process ending) still stops the server.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Opens `url` in the default browser, quietly: a machine without one
/// (a server over SSH) still serves.
pub fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/c", "start", "", url]);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    let _ = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// A `--addr` value: `HOST:PORT` (an IP address; `localhost` means
/// 127.0.0.1).
pub fn parse_addr(s: &str) -> Result<SocketAddr, Diagnostic> {
    let fixed = s.replacen("localhost:", "127.0.0.1:", 1);
    fixed.parse().map_err(|_| {
        Diagnostic::input(
            Code::Request,
            tr(
                format!("--addr `{s}` 不是「地址:端口」，例如 127.0.0.1:8321"),
                format!("--addr `{s}` is not HOST:PORT, e.g. 127.0.0.1:8321"),
            ),
        )
    })
}
