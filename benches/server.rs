//! The sandbox server with a million of everything: `cargo bench --features server --bench
//! server`. Fills a fresh store with 1 M sessions, 1 M logins and 1 M verified records (plus
//! one graduate with a paid order), serves it on 127.0.0.1 in this process, and times what
//! every graduate's visit runs: `POST /session` (a new session, which also prunes) and
//! `GET /orders/{id}` (an owned order, found through the caller's session and records). Then
//! the whole crowd's sessions expire at once and `POST /session` is timed again: each one
//! deletes at most `PRUNE_PER_SESSION` expired rows, so no caller pays for the crowd.
//! Prints median / 95th percentile / max against the 5 ms target (issue #34); a figure, not a
//! gate.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gradphoto::server::{db, AppState, Config};
use gradphoto::Preset;
use serde_json::{json, Value};

const ROWS: i64 = 1_000_000;
const CALLS: usize = 300;
const TARGET_MS: f64 = 5.0;

/// One HTTP/1.1 call with `Connection: close`: (status, JSON body).
fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let auth = bearer
        .map(|b| format!("Authorization: Bearer {b}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} /api/v1{path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("write");
    stream.write_all(body.as_bytes()).expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("head") + 4;
    let status = std::str::from_utf8(&raw[9..12]).unwrap().parse().unwrap();
    (
        status,
        serde_json::from_slice(&raw[split..]).unwrap_or(Value::Null),
    )
}

/// `CALLS` timings of `f`, in ms: (median, 95th percentile, max).
fn time(mut f: impl FnMut(usize)) -> (f64, f64, f64) {
    let mut ms: Vec<f64> = (0..CALLS)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[CALLS / 2], ms[CALLS * 95 / 100], ms[CALLS - 1])
}

fn row(what: &str, (median, p95, max): (f64, f64, f64)) {
    let verdict = if p95 <= TARGET_MS { "met" } else { "NOT met" };
    println!("{what:<58} {median:>7.2} {p95:>7.2} {max:>7.2}   ≤ {TARGET_MS} ms: {verdict}");
}

/// 1 M sessions (ages spread over the last six days), their logins and a verified record each.
fn fill(dir: &std::path::Path, now: i64) {
    let mut conn = db::open(dir).expect("open store");
    let t = Instant::now();
    let tx = conn.transaction().expect("transaction");
    {
        let mut session = tx
            .prepare("INSERT INTO sessions (token, login, created_at) VALUES (?1, ?2, ?3)")
            .unwrap();
        let mut login = tx
            .prepare("INSERT INTO logins (login) VALUES (?1)")
            .unwrap();
        let mut record = tx
            .prepare("INSERT INTO records (ref, login, student_id) VALUES (?1, ?2, ?3)")
            .unwrap();
        for i in 0..ROWS {
            let name = format!("crowd-{i}");
            session
                .execute(rusqlite::params![
                    format!("s_{i:032x}"),
                    name,
                    now - (i % (6 * 86_400))
                ])
                .unwrap();
            login.execute([&name]).unwrap();
            record
                .execute(rusqlite::params![format!("r_{i:032x}"), name, 1_000 + i])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    eprintln!(
        "filled 1 M sessions, logins and records in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

fn main() {
    let dir = std::env::temp_dir().join(format!("gradphoto-bench-server-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    fill(&dir, db::now());
    let config = Config {
        data_dir: dir.clone(),
        www: "www".into(),
        pkg: "pkg".into(),
        models: "models".into(),
        reviewer_token: "bench-reviewer-token".into(),
        preset: Preset::builtin("chsi-graduation").unwrap(),
        test_clock: false,
        timeouts: Default::default(),
    };
    let state = AppState::open(config, None, Arc::new(|_| {})).expect("state");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(gradphoto::server::serve(
        listener,
        state,
        std::future::pending(),
    ));

    // One graduate with a paid order, among the million.
    let (_, s) = call(
        addr,
        "POST",
        "/session",
        None,
        json!({ "login": "graduate" }),
    );
    let session = s["session"].as_str().unwrap().to_string();
    let verify = json!({ "school": "北京大学", "category": "普通高等教育", "code": "GP1-2026-000002", "last4": "567X" });
    let (_, v) = call(addr, "POST", "/verify", Some(&session), verify);
    let record = v["record"]["ref"].as_str().unwrap().to_string();
    let (_, o) = call(
        addr,
        "POST",
        "/orders",
        Some(&session),
        json!({ "record": record }),
    );
    let order = o["order"].as_str().unwrap().to_string();

    println!("\nsandbox server, {ROWS} sessions, logins and records ({CALLS} calls each, ms)");
    println!("{:<58} {:>7} {:>7} {:>7}", "call", "median", "p95", "max");
    let path = format!("/orders/{order}");
    // A new login's session, and the graduate's own order: what every visit runs.
    let new_session = |prefix: &str| {
        let prefix = prefix.to_string();
        move |i: usize| {
            let login = json!({ "login": format!("{prefix}-{i}") });
            let (status, _) = call(addr, "POST", "/session", None, login);
            assert_eq!(status, 201);
        }
    };
    let own_order = |_: usize| {
        let (status, _) = call(addr, "GET", &path, Some(&session), Value::Null);
        assert_eq!(status, 200);
    };
    row("POST /session (a new login)", time(new_session("new")));
    row(
        "GET /orders/{id} (the graduate's own order)",
        time(own_order),
    );
    // The whole crowd's sessions expire at once (as a week after a campaign's first day).
    {
        let conn = db::open(&dir).unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        conn.execute(
            "UPDATE sessions SET created_at = ?1 WHERE login LIKE 'crowd-%'",
            [db::now() - db::SESSION_TTL_S - 60],
        )
        .unwrap();
    }
    row(
        "POST /session with 1 M sessions expired at once",
        time(new_session("later")),
    );
    row("GET /orders/{id} meanwhile", time(own_order));
    drop(runtime);
    let _ = std::fs::remove_dir_all(&dir);
}
