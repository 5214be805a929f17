//! What every request handler shares, and what the list says of a report.
//!
//! In: the engine, the store and the options the server started with.
//! Out: [`State`], whose [`State::engine`] and [`State::store`] run a
//! blocking call off the async threads (the engine's at most one per core
//! at once), and a report's [`Status`] and list metadata, computed from
//! its data and [`Engine::check_across`] (with last year's report of the
//! unit, when the store holds one) at every save.

use super::http::internal;
use super::store::{NewRevision, Status, Store};
use crate::data::Format;
use crate::diag::Diagnostics;
use crate::{Engine, Lang};
use axum::response::Response;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Shared by every handler.
#[derive(Debug)]
pub struct State {
    engine: Arc<Engine>,
    store: Arc<Store>,
    /// At most this many engine calls at once: rendering is CPU-bound,
    /// and more at once than there are cores only holds more documents
    /// in memory while finishing none sooner.
    engine_work: Semaphore,
    /// The language of messages when a request asks for none.
    pub lang: Lang,
    /// The creation time written into documents (`SOURCE_DATE_EPOCH`).
    pub created: Option<i64>,
    /// The address the server is bound to.
    pub bound: SocketAddr,
}

impl State {
    /// The state of a server bound to `bound`.
    pub fn new(engine: Engine, store: Store, opts: &super::Options, bound: SocketAddr) -> State {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        State {
            engine: Arc::new(engine),
            store: Arc::new(store),
            engine_work: Semaphore::new(cores),
            lang: opts.lang,
            created: opts.created,
            bound,
        }
    }

    /// Runs `f` with the engine on a blocking thread, once a core is
    /// free; a panic in it is this request's 500, never the server's end.
    pub async fn engine<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> T + Send + 'static,
    ) -> Result<T, Response> {
        let _permit = self.engine_work.acquire().await.map_err(internal)?;
        let engine = self.engine.clone();
        tokio::task::spawn_blocking(move || f(&engine))
            .await
            .map_err(internal)
    }

    /// Runs `f` with the store on a blocking thread (SQLite blocks).
    pub async fn store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> T + Send + 'static,
    ) -> Result<T, Response> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(internal)
    }
}

/// A revision to save of `value`, which the engine said `d` of.
pub fn new_revision(value: &Value, d: &Diagnostics, restored_from: Option<i64>) -> NewRevision {
    let year = value.get("year").and_then(Value::as_i64);
    let named = value.get("format").and_then(Value::as_str);
    let format = match (named.and_then(Format::parse), year) {
        (Some(f), _) => Some(f),
        (None, Some(y)) => Some(Format::for_year(y)),
        (None, None) => None,
    };
    NewRevision {
        content: value.to_string(),
        unit: value
            .get("unit")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        year,
        format,
        status: Status::of(d),
        restored_from,
    }
}
