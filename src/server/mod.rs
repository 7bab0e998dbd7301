//! The sandbox backend behind `gradphoto serve`: the collection API a real operator implements
//! (docs/api.yaml), with SQLite for orders and student records, and the demo's static files.
//! It binds where it is told (127.0.0.1 by default) and is for demos and tests, not production.
//!
//! - `api`: the student's calls (session, eligibility, verification, order, payment, upload,
//!   submit, withdraw).
//! - `review`: the reviewer's calls, behind a token.
//! - `photos`: the stored photo files, changed so that no race or crash loses one, and their
//!   reports.
//! - `upload`: what an uploaded photo must be (type, size, dimensions, hash) and the server's own
//!   automatic check of it.
//! - `throttle`: how often the last 4 may be guessed (timed locks with a growing back-off).
//! - `db`: the SQLite store, parameterised queries only.
//! - `error`: the one error shape; `extract`: body and query extractors that refuse in it.
//!
//! Privacy: the request log has the method, the route *template* and the status, never a path
//! value, a query, a header or a body; the last 4 ID characters are compared and dropped.

mod api;
pub mod db;
mod error;
mod extract;
mod photos;
mod review;
pub mod throttle;
mod upload;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use rusqlite::Connection;
use tower_http::services::ServeDir;
use tower_http::timeout::{RequestBodyDeadlineLayer, TimeoutLayer};

pub use error::ApiError;

use crate::{Analyzer, Preset};

/// Where things are and who may review.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub www: PathBuf,
    pub pkg: PathBuf,
    pub models: PathBuf,
    pub reviewer_token: String,
    pub preset: Preset,
    /// Tests only: `POST /api/v1/test/clock` moves the server's clock forward (to see a
    /// verification lock lift without waiting). Off in `gradphoto serve` unless asked for.
    pub test_clock: bool,
    pub timeouts: Timeouts,
}

/// How long a client may take, so that slow or stalled connections cannot pile up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To send a request's headers (then the connection is closed).
    pub headers: Duration,
    /// To send a request's whole body (then the call fails with a typed error).
    pub body: Duration,
    /// For the whole call, handler included (then `408 request.timeout`).
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            headers: Duration::from_secs(10),
            body: Duration::from_secs(30),
            request: Duration::from_secs(120),
        }
    }
}

/// Where request-log lines go (stderr in `gradphoto serve`, a buffer in tests).
pub type LogSink = Arc<dyn Fn(String) + Send + Sync>;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    db: Arc<Mutex<Connection>>,
    analyzer: Option<Arc<Analyzer>>,
    config: Arc<Config>,
    log: LogSink,
    /// Seconds the test clock was moved forward (always 0 unless `config.test_clock`).
    clock_offset: Arc<AtomicI64>,
    /// Slots for the server's own photo checks (see `photos::checks_allowed`).
    checks: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Open the store in `config.data_dir` (created if missing). `analyzer` runs the server's
    /// own check of each upload for the reviewer; without it the report is left empty.
    pub fn open(
        config: Config,
        analyzer: Option<Analyzer>,
        log: LogSink,
    ) -> Result<AppState, String> {
        std::fs::create_dir_all(config.data_dir.join("photos"))
            .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
        let conn = db::open(&config.data_dir).map_err(|e| format!("database: {e}"))?;
        Ok(AppState {
            db: Arc::new(Mutex::new(conn)),
            analyzer: analyzer.map(Arc::new),
            config: Arc::new(config),
            log,
            clock_offset: Arc::new(AtomicI64::new(0)),
            checks: photos::check_slots(),
        })
        .and_then(|state| {
            // What a crash may have left: temporary files and photos no order names.
            photos::tidy(&state).map_err(|e| format!("tidying the photos: {e}"))?;
            let damaged = photos::quarantine_damaged(&state)
                .map_err(|e| format!("checking the stored photos: {e}"))?;
            if !damaged.is_empty() {
                (state.log)(format!(
                    "{} stored photo(s) did not match their hash: moved to photos/quarantine, \
                     their orders need a new upload",
                    damaged.len()
                ));
            }
            Ok(state)
        })
    }

    /// The server's time, unix seconds (moved forward by the test clock, if enabled).
    fn now(&self) -> i64 {
        db::now() + self.clock_offset.load(Ordering::Relaxed)
    }

    /// The database, also after a handler panicked while holding it (SQLite keeps it consistent).
    fn db(&self) -> MutexGuard<'_, Connection> {
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn photo_path(&self, order: &str, sha: &str) -> PathBuf {
        // Order ids (`o_` + hex) and hashes (hex) are made here, so the name is path-safe by
        // construction; the filter keeps it so if that ever changes.
        let safe = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        self.config
            .data_dir
            .join("photos")
            .join(format!("{}-{}.jpg", safe(order), safe(sha)))
    }
}

/// A fresh random token with a prefix (`s_`, `r_`, `o_`): 128 bits from the OS.
fn token(prefix: &str) -> Result<String, ApiError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| ApiError::internal())?;
    Ok(format!("{prefix}{}", hex(&bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Largest request body (the upload route's own size rule is stricter).
const MAX_BODY: usize = 1 << 20;

/// The whole application: API routes, the reviewer's routes, static files, request log.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/session", post(api::create_session))
        .route("/schools", get(api::schools))
        .route("/eligibility", post(api::eligibility))
        .route("/verify", post(api::verify))
        .route("/orders", post(api::create_order))
        .route("/orders/{order}", get(api::get_order))
        .route("/orders/{order}/pay", post(api::pay))
        .route(
            "/orders/{order}/photo",
            put(api::upload_photo)
                .layer(DefaultBodyLimit::max(upload::max_photo_bytes(
                    &state.config.preset,
                )))
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    upload::refuse_oversize_photo,
                ))
                .get(api::get_photo),
        )
        .route("/orders/{order}/submit", post(api::submit))
        .route("/orders/{order}/withdraw", post(api::withdraw))
        .route("/test/clock", post(api::advance_clock))
        .route("/review/submissions", get(review::list))
        .route("/review/submissions/{order}/photo", get(review::photo))
        .route("/review/submissions/{order}/decision", post(review::decide))
        .route("/review/submissions/{order}/publish", post(review::publish))
        // Only on the routes: an unknown path stays a 404 for everyone.
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            api::authenticate_first,
        ))
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(refuse_announced_oversize))
        .layer(middleware::map_response(error::in_api_shape));
    let config = state.config.clone();
    let t = config.timeouts;
    Router::new()
        .nest("/api/v1", api)
        .nest_service(
            "/pkg",
            ServeDir::new(&config.pkg)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .nest_service("/models", ServeDir::new(&config.models))
        .fallback_service(ServeDir::new(&config.www))
        .layer(middleware::from_fn(cache_control))
        .layer(middleware::from_fn(security_headers))
        .layer(RequestBodyDeadlineLayer::new(t.body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            t.request,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), log_request))
        .with_state(state)
}

/// A body announced (Content-Length) over [`MAX_BODY`] is refused before anything is read, rather
/// than read until the limit or the body timeout.
async fn refuse_announced_oversize(request: Request, next: Next) -> Response {
    if announced_length(&request).is_some_and(|n| n > MAX_BODY as u64) {
        return ApiError::too_large().into_response();
    }
    next.run(request).await
}

/// The body's length as the request states it before any of it is read: its Content-Length, or
/// the body's own exact size where it knows one.
fn announced_length(request: &Request) -> Option<u64> {
    use axum::body::HttpBody;
    request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .or_else(|| request.body().size_hint().exact())
}

/// Caching of the static files: the models are large and change only with a release (a day);
/// the page, its scripts and the WASM module are revalidated on every load (`no-cache`: a 304
/// from their Last-Modified when unchanged, so a rebuilt module is never stale). API answers
/// are never stored: they carry sessions, records and photos.
async fn cache_control(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    let policy = if path.starts_with("/api/") {
        "no-store"
    } else if path.starts_with("/models/") || path.starts_with("/pkg/models/") {
        "public, max-age=86400"
    } else {
        "no-cache"
    };
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static(policy));
    }
    response
}

/// The content security policy of the pages: their own scripts and styles, WeChat's JS-SDK (the
/// mini-program bridge loads it in the web-view), WebAssembly compilation, the camera's stream and
/// the photos' blob URLs; nothing else, and never inside another site's frame (the reviewer's page
/// acts with a token). Workers carry no policy of their own and inherit nothing from it.
const PAGE_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' \
     https://res.wx.qq.com; style-src 'self'; img-src 'self' blob: data:; \
     media-src 'self' blob: mediastream:; worker-src 'self' blob:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Headers every answer carries: no MIME sniffing, no referrer (a page's address never leaves
/// with a request), no framing; pages also get [`PAGE_POLICY`].
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    if html {
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(PAGE_POLICY));
    }
    response
}

/// One line per request: method, route template, status, time. Nothing the user sent.
async fn log_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(static)".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    (state.log)(format!(
        "{method} {route} {} {:.1} ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1e3
    ));
    response
}

/// Serve until Ctrl-C. Prints `gradphoto serve: http://ADDR/` once listening (tests read it),
/// and the reviewer's page: with its token in the link when `show_token` (a token made for this
/// run, which nobody else knows), without it when the token was given (it is never printed).
pub async fn run(addr: SocketAddr, state: AppState, show_token: bool) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    println!("gradphoto serve: http://{local}/");
    if show_token {
        println!(
            "reviewer page:   http://{local}/review.html#token={}",
            state.config.reviewer_token
        );
    } else {
        println!("reviewer page:   http://{local}/review.html (the token you gave)");
    }
    serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serve on `listener` until `shutdown` completes: one task per connection, HTTP/1.1, with the
/// header timeout of `config.timeouts` (the body and request timeouts are layers of the router).
/// Reports of stored photos left without one are computed first, in the background.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    serve_with(listener, state, shutdown, MAX_CONNECTIONS).await
}

/// Connections served at once. One more waits in the kernel's backlog until one ends, so a crowd
/// of slow clients cannot take every descriptor the process has (at a 256-descriptor limit, 118
/// slow readers once made every request fail for 30 s).
pub const MAX_CONNECTIONS: usize = 512;

/// How long one connection may last, however slowly its client reads: twice the request timeout.
/// A client reading a large file at a trickle is cut off then, and its descriptor freed.
fn connection_lifetime(timeouts: &Timeouts) -> Duration {
    timeouts.request * 2
}

/// [`serve`] with at most `max_connections` connections at once.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
    max_connections: usize,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    photos::backfill_reports(&state);
    let headers = state.config.timeouts.headers;
    let lifetime = connection_lifetime(&state.config.timeouts);
    let app = router(state);
    let slots = Arc::new(tokio::sync::Semaphore::new(max_connections.max(1)));
    // After a failed accept (out of descriptors, above all), wait before the next: 10 ms, doubling
    // to 1 s while it keeps failing, instead of spinning on the error.
    let mut backoff = Duration::ZERO;
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.map_err(std::io::Error::other)?,
            () = &mut shutdown => return Ok(()),
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    backoff = Duration::ZERO;
                    stream
                }
                Err(_) => {
                    backoff = (backoff * 2).clamp(Duration::from_millis(10), Duration::from_secs(1));
                    tokio::time::sleep(backoff).await;
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(headers)
                .serve_connection(TokioIo::new(stream), service);
            let _ = tokio::time::timeout(lifetime, connection).await;
        });
    }
}
