//! The sandbox's SQLite store: seeded schools and student records, sessions, verified-record
//! handles and orders. Every query is parameterised; no SQL is built from request text.
//!
//! The student records stand in for 学信网's: the full name and the last 4 ID characters live
//! only here, and only the masked name leaves the server.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension};

use super::throttle::{Budget, Failures};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS schools (
    name TEXT NOT NULL, category TEXT NOT NULL, PRIMARY KEY (name, category));
CREATE TABLE IF NOT EXISTS students (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, school TEXT NOT NULL,
    category TEXT NOT NULL, last4 TEXT NOT NULL, name TEXT NOT NULL, level TEXT NOT NULL,
    verify_failures INTEGER NOT NULL DEFAULT 0, last_failure_at INTEGER NOT NULL DEFAULT 0,
    budget_failures INTEGER NOT NULL DEFAULT 0, budget_since INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY, login TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS logins (
    login TEXT PRIMARY KEY, verify_failures INTEGER NOT NULL DEFAULT 0,
    last_failure_at INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS records (
    ref TEXT PRIMARY KEY, login TEXT NOT NULL, student_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY, student_id INTEGER NOT NULL UNIQUE, status TEXT NOT NULL,
    amount_fen INTEGER NOT NULL, photo_sha TEXT, photo_bytes INTEGER, report TEXT,
    submitted_at INTEGER, rejection_reason TEXT, created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_by_login ON sessions (login, created_at);
CREATE INDEX IF NOT EXISTS sessions_by_age ON sessions (created_at);
CREATE INDEX IF NOT EXISTS records_by_login ON records (login, student_id);
CREATE INDEX IF NOT EXISTS records_by_student ON records (student_id);
";

/// The sandbox's schools (name, category) and students (code, school, category, last 4, full
/// name, level). Documented in docs/api.yaml so testers know what to type.
const SCHOOLS: [(&str, &str); 5] = [
    ("国家开放大学", "开放教育"),
    ("北京大学", "普通高等教育"),
    ("清华大学", "普通高等教育"),
    ("华中科技大学", "成人高等教育"),
    ("北京理工大学", "网络教育"),
];
const STUDENTS: [(&str, &str, &str, &str, &str, &str); 4] = [
    (
        "GP1-2026-000001",
        "国家开放大学",
        "开放教育",
        "1234",
        "张小明",
        "专科",
    ),
    (
        "GP1-2026-000002",
        "北京大学",
        "普通高等教育",
        "567X",
        "李华",
        "本科",
    ),
    (
        "GP1-2026-000003",
        "华中科技大学",
        "成人高等教育",
        "0001",
        "欧阳娜娜",
        "本科",
    ),
    (
        "GP1-2026-000004",
        "北京理工大学",
        "网络教育",
        "2468",
        "王芳",
        "本科",
    ),
];

/// Order price in fen (the sandbox's; real collectors charge ~¥25–40).
pub const AMOUNT_FEN: i64 = 2500;

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Open (or create and seed) the database in `dir`.
pub fn open(dir: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(dir.join("gradphoto.sqlite3"))?;
    // Write-ahead logging: a commit is one append and one sync of the log, not a journal and the
    // database each synced (POST /session spent most of its ~2 ms there). `synchronous = FULL`
    // keeps every acknowledged commit across a power cut, not only across a crash.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch(SCHEMA)?;
    for migration in MIGRATIONS {
        if let Err(e) = conn.execute(migration, []) {
            if !e.to_string().contains("duplicate column") {
                return Err(e);
            }
        }
    }
    for (name, category) in SCHOOLS {
        conn.execute(
            "INSERT OR IGNORE INTO schools (name, category) VALUES (?1, ?2)",
            params![name, category],
        )?;
    }
    for (code, school, category, last4, name, level) in STUDENTS {
        conn.execute(
            "INSERT OR IGNORE INTO students (code, school, category, last4, name, level)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![code, school, category, last4, name, level],
        )?;
    }
    Ok(conn)
}

pub fn schools(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT name, category FROM schools ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// How long a session lasts from its creation (then `auth.required`; the page signs in again).
pub const SESSION_TTL_S: i64 = 7 * 24 * 60 * 60;
/// Sessions kept per login; older ones end when a new one starts.
pub const SESSIONS_PER_LOGIN: i64 = 10;
/// Expired sessions deleted by one new session, at most: more than one, so the table shrinks
/// while sessions are being created, and few, so that when a crowd's sessions expire together
/// no one caller pays for deleting them all under the store's lock (with a million expired at
/// once, an unbounded delete held every other call for seconds).
pub const PRUNE_PER_SESSION: i64 = 16;
/// Deletes up to ?2 sessions created at or before ?1, returning their logins.
const PRUNE_EXPIRED: &str = "DELETE FROM sessions WHERE token IN (
    SELECT token FROM sessions WHERE created_at <= ?1 LIMIT ?2) RETURNING login";

/// A new session for `login` (the host's user identity: a WeChat openid in production). Orders
/// and verified records belong to the login, so a renewed session reaches them again. Expired
/// sessions (up to [`PRUNE_PER_SESSION`] of them), and this login's beyond the newest
/// [`SESSIONS_PER_LOGIN`], are deleted here, so
/// sessions cannot pile up; so is the `logins` row of a login whose last session expired and that
/// holds nothing (no record, no failure count still in force), so logins cannot pile up either.
pub fn add_session(conn: &Connection, token: &str, login: &str, now: i64) -> rusqlite::Result<()> {
    // One transaction: one commit (one sync) for the whole change instead of one per statement.
    let tx = conn.unchecked_transaction()?;
    let conn = &*tx;
    let expired: Vec<String> = conn
        .prepare_cached(PRUNE_EXPIRED)?
        .query_map(params![now - SESSION_TTL_S, PRUNE_PER_SESSION], |r| {
            r.get(0)
        })?
        .collect::<rusqlite::Result<_>>()?;
    // Each lookup goes through an index (sessions_by_login, records_by_login, the primary key);
    // failures are forgotten a day after the longest lock (a day) ends.
    let mut forget = conn.prepare_cached(
        "DELETE FROM logins WHERE login = ?1
           AND (verify_failures = 0 OR last_failure_at < ?2)
           AND NOT EXISTS (SELECT 1 FROM sessions WHERE login = ?1)
           AND NOT EXISTS (SELECT 1 FROM records WHERE login = ?1)",
    )?;
    for gone in &expired {
        forget.execute(params![gone, now - 2 * 24 * 60 * 60])?;
    }
    drop(forget);
    conn.execute(
        "INSERT INTO sessions (token, login, created_at) VALUES (?1, ?2, ?3)",
        params![token, login, now],
    )?;
    conn.execute(
        "DELETE FROM sessions WHERE login = ?1 AND token NOT IN (
            SELECT token FROM sessions WHERE login = ?1 ORDER BY created_at DESC, rowid DESC LIMIT ?2)",
        params![login, SESSIONS_PER_LOGIN],
    )?;
    conn.execute(
        "INSERT OR IGNORE INTO logins (login) VALUES (?1)",
        params![login],
    )?;
    tx.commit()
}

/// Whether the session exists and has not expired at `now`.
pub fn session_exists(conn: &Connection, token: &str, now: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT 1 FROM sessions WHERE token = ?1 AND created_at > ?2",
        params![token, now - SESSION_TTL_S],
        |_| Ok(()),
    )
    .optional()
    .map(|r| r.is_some())
}

const LOGIN_OF: &str = "(SELECT login FROM sessions WHERE token = ?1)";

/// Columns added after the first release: added to an older database, ignored when present.
const MIGRATIONS: [&str; 4] = [
    "ALTER TABLE logins ADD COLUMN last_failure_at INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE students ADD COLUMN last_failure_at INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE students ADD COLUMN budget_failures INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE students ADD COLUMN budget_since INTEGER NOT NULL DEFAULT 0",
];

/// Failed verifications in a row of the session's login (a new session does not reset them).
pub fn login_failures(conn: &Connection, session: &str) -> rusqlite::Result<Failures> {
    conn.query_row(
        &format!("SELECT verify_failures, last_failure_at FROM logins WHERE login = {LOGIN_OF}"),
        params![session],
        |r| {
            Ok(Failures {
                count: r.get(0)?,
                last_at: r.get(1)?,
            })
        },
    )
    .optional()
    .map(Option::unwrap_or_default)
}

pub fn set_login_failures(conn: &Connection, session: &str, f: Failures) -> rusqlite::Result<()> {
    conn.execute(
        &format!(
            "UPDATE logins SET verify_failures = ?2, last_failure_at = ?3 WHERE login = {LOGIN_OF}"
        ),
        params![session, f.count, f.last_at],
    )?;
    Ok(())
}

pub fn set_code_failures(conn: &Connection, student: i64, f: Failures) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE students SET verify_failures = ?2, last_failure_at = ?3 WHERE id = ?1",
        params![student, f.count, f.last_at],
    )?;
    Ok(())
}

/// The code's yearly count of failed tries.
pub fn set_code_budget(conn: &Connection, student: i64, b: Budget) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE students SET budget_failures = ?2, budget_since = ?3 WHERE id = ?1",
        params![student, b.failures, b.since],
    )?;
    Ok(())
}

/// Whether the session's login has verified this student before (it holds a record handle).
pub fn login_verified(conn: &Connection, session: &str, student: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        &format!("SELECT 1 FROM records WHERE student_id = ?2 AND login = {LOGIN_OF} LIMIT 1"),
        params![session, student],
        |_| Ok(()),
    )
    .optional()
    .map(|r| r.is_some())
}

/// A student record as the server may show it.
pub struct Student {
    pub id: i64,
    pub school: String,
    pub category: String,
    pub name: String,
    pub level: String,
}

/// The student a collection code belongs to, with what verification compares and counts.
pub struct CodeOwner {
    pub student: Student,
    pub last4: String,
    pub failures: Failures,
    /// Failed tries in the code's current year (never cleared by a success).
    pub budget: Budget,
}

/// The owner of a collection code, if the code exists.
pub fn code_owner(conn: &Connection, code: &str) -> rusqlite::Result<Option<CodeOwner>> {
    conn.query_row(
        "SELECT id, school, category, name, level, last4, verify_failures, last_failure_at,
                budget_failures, budget_since
         FROM students WHERE code = ?1",
        params![code],
        |r| {
            Ok(CodeOwner {
                student: Student {
                    id: r.get(0)?,
                    school: r.get(1)?,
                    category: r.get(2)?,
                    name: r.get(3)?,
                    level: r.get(4)?,
                },
                last4: r.get(5)?,
                failures: Failures {
                    count: r.get(6)?,
                    last_at: r.get(7)?,
                },
                budget: Budget {
                    failures: r.get(8)?,
                    since: r.get(9)?,
                },
            })
        },
    )
    .optional()
}

/// A verified record handle for the session's login; a success clears the failure count.
pub fn add_record(
    conn: &Connection,
    reference: &str,
    session: &str,
    student: &Student,
) -> rusqlite::Result<()> {
    conn.execute(
        &format!("INSERT INTO records (ref, login, student_id) VALUES (?2, {LOGIN_OF}, ?3)"),
        params![session, reference, student.id],
    )?;
    set_login_failures(conn, session, Failures::default())?;
    set_code_failures(conn, student.id, Failures::default())
}

/// The student behind a record handle the session's login was given.
pub fn record_student(
    conn: &Connection,
    reference: &str,
    session: &str,
) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        &format!("SELECT student_id FROM records WHERE ref = ?2 AND login = {LOGIN_OF}"),
        params![session, reference],
        |r| r.get(0),
    )
    .optional()
}

/// One order row.
#[derive(Debug, Clone)]
pub struct Order {
    pub id: String,
    pub student_id: i64,
    pub status: String,
    pub amount_fen: i64,
    pub photo_sha: Option<String>,
    pub photo_bytes: Option<i64>,
    pub report: Option<String>,
    pub submitted_at: Option<i64>,
    pub rejection_reason: Option<String>,
}

const ORDER_COLUMNS: &str = "o.id, o.student_id, o.status, o.amount_fen, o.photo_sha, \
     o.photo_bytes, o.report, o.submitted_at, o.rejection_reason";

fn order_row(r: &rusqlite::Row) -> rusqlite::Result<Order> {
    Ok(Order {
        id: r.get(0)?,
        student_id: r.get(1)?,
        status: r.get(2)?,
        amount_fen: r.get(3)?,
        photo_sha: r.get(4)?,
        photo_bytes: r.get(5)?,
        report: r.get(6)?,
        submitted_at: r.get(7)?,
        rejection_reason: r.get(8)?,
    })
}

pub fn order_of_student(conn: &Connection, student: i64) -> rusqlite::Result<Option<Order>> {
    conn.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM orders o WHERE o.student_id = ?1"),
        params![student],
        order_row,
    )
    .optional()
}

/// The order, if the session's login verified its student.
pub fn owned_order(conn: &Connection, id: &str, session: &str) -> rusqlite::Result<Option<Order>> {
    conn.query_row(
        &format!(
            "SELECT {ORDER_COLUMNS} FROM orders o
             WHERE o.id = ?2 AND EXISTS (
                SELECT 1 FROM records r
                WHERE r.student_id = o.student_id AND r.login = {LOGIN_OF})"
        ),
        params![session, id],
        order_row,
    )
    .optional()
}

pub fn order(conn: &Connection, id: &str) -> rusqlite::Result<Option<Order>> {
    conn.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM orders o WHERE o.id = ?1"),
        params![id],
        order_row,
    )
    .optional()
}

pub fn add_order(conn: &Connection, id: &str, student: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO orders (id, student_id, status, amount_fen, created_at, updated_at)
         VALUES (?1, ?2, 'pending', ?3, ?4, ?4)",
        params![id, student, AMOUNT_FEN, now()],
    )?;
    Ok(())
}

/// Move an order from `from` to `to`; false when it was not at `from` (a race or a replay).
pub fn set_status(conn: &Connection, id: &str, from: &str, to: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE orders SET status = ?3, updated_at = ?4 WHERE id = ?1 AND status = ?2",
        params![id, from, to, now()],
    )?;
    Ok(n == 1)
}

pub fn set_photo(conn: &Connection, id: &str, sha: &str, bytes: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE orders SET photo_sha = ?2, photo_bytes = ?3, report = NULL, updated_at = ?4
         WHERE id = ?1",
        params![id, sha, bytes, now()],
    )?;
    Ok(())
}

/// The order's stored photo `sha` was found damaged: the order no longer names a photo, and one
/// past the upload steps goes back to `rejected` with `reason`, so the graduate uploads again.
pub fn drop_damaged_photo(
    conn: &Connection,
    id: &str,
    sha: &str,
    reason: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE orders SET photo_sha = NULL, photo_bytes = NULL, report = NULL,
         status = CASE WHEN status = 'paid' THEN 'paid' ELSE 'rejected' END,
         rejection_reason = ?3, updated_at = ?4
         WHERE id = ?1 AND photo_sha = ?2",
        params![id, sha, reason, now()],
    )?;
    Ok(())
}

/// Every order's stored photo, or only those without a report yet: (order, sha256).
pub fn stored_photos(
    conn: &Connection,
    without_report: bool,
) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT id, photo_sha FROM orders
         WHERE photo_sha IS NOT NULL AND (?1 = 0 OR report IS NULL)",
    )?;
    let rows = stmt.query_map(params![without_report], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

pub fn set_report(conn: &Connection, id: &str, sha: &str, report: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE orders SET report = ?3 WHERE id = ?1 AND photo_sha = ?2",
        params![id, sha, report],
    )?;
    Ok(())
}

/// Into review: from `paid` or `rejected`, only with the photo `sha` stored, clearing the
/// last reason.
pub fn submit(conn: &Connection, id: &str, sha: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE orders SET status = 'under_review', submitted_at = ?2, rejection_reason = NULL,
         updated_at = ?2 WHERE id = ?1 AND status IN ('paid', 'rejected') AND photo_sha = ?3",
        params![id, now(), sha],
    )?;
    Ok(n == 1)
}

/// The reviewer's decision (`approved`, or `rejected` with a reason), only while the order is
/// under review with the photo `sha` the reviewer saw.
pub fn decide(
    conn: &Connection,
    id: &str,
    sha: &str,
    to: &str,
    reason: Option<&str>,
) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE orders SET status = ?3, rejection_reason = ?4, updated_at = ?5
         WHERE id = ?1 AND status = 'under_review' AND photo_sha = ?2",
        params![id, sha, to, reason, now()],
    )?;
    Ok(n == 1)
}

/// Submissions for the reviewer: every order that has been submitted at least once, newest
/// first, with the student's masked-name source fields.
pub fn submissions(conn: &Connection) -> rusqlite::Result<Vec<(Order, Student)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ORDER_COLUMNS}, s.id, s.school, s.category, s.name, s.level
         FROM orders o JOIN students s ON s.id = o.student_id
         WHERE o.submitted_at IS NOT NULL ORDER BY o.submitted_at DESC, o.id"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok((
            order_row(r)?,
            Student {
                id: r.get(9)?,
                school: r.get(10)?,
                category: r.get(11)?,
                name: r.get(12)?,
                level: r.get(13)?,
            },
        ))
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Logins whose last session expired and that hold nothing are forgotten as new sessions
    /// start; a login with a record, a live failure count or a live session stays.
    #[test]
    fn idle_logins_are_pruned_with_their_last_session() {
        let dir = std::env::temp_dir().join(format!("gradphoto-db-prune-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let conn = open(&dir).unwrap();
        let logins = |conn: &Connection| -> i64 {
            conn.query_row("SELECT COUNT(*) FROM logins", [], |r| r.get(0))
                .unwrap()
        };
        for i in 0..200 {
            add_session(&conn, &format!("t{i}"), &format!("anon-{i}"), 1_000).unwrap();
        }
        add_session(&conn, "kept", "graduate", 1_000).unwrap();
        let student = code_owner(&conn, "GP1-2026-000001")
            .unwrap()
            .unwrap()
            .student;
        add_record(&conn, "r_1", "kept", &student).unwrap();
        add_session(&conn, "failing", "guesser", 1_000).unwrap();
        let later = 1_000 + SESSION_TTL_S;
        set_login_failures(
            &conn,
            "failing",
            Failures {
                count: 3,
                last_at: later - 60,
            },
        )
        .unwrap();
        add_session(&conn, "live", "still-here", later - 10).unwrap();
        assert_eq!(logins(&conn), 203);
        // 202 sessions have expired; each new session deletes at most PRUNE_PER_SESSION of them.
        let expired = |conn: &Connection| -> i64 {
            conn.query_row(
                "SELECT COUNT(*) FROM sessions WHERE created_at <= ?1",
                [later - SESSION_TTL_S],
                |r| r.get(0),
            )
            .unwrap()
        };
        add_session(&conn, "new0", "newcomer", later).unwrap();
        assert_eq!(expired(&conn), 202 - PRUNE_PER_SESSION);
        for i in 1..13 {
            add_session(&conn, &format!("new{i}"), "newcomer", later).unwrap();
        }
        assert_eq!(expired(&conn), 0);
        let left: Vec<String> = conn
            .prepare("SELECT login FROM logins ORDER BY login")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(left, ["graduate", "guesser", "newcomer", "still-here"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Every query a graduate's call runs finds its rows through an index, never by reading a
    /// whole table: with a million sessions a scan took `POST /session` to 55 ms and another
    /// user's `GET /orders` to 172 ms.
    #[test]
    fn the_per_request_queries_use_indexes() {
        let dir = std::env::temp_dir().join(format!("gradphoto-db-plan-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let conn = open(&dir).unwrap();
        let plan = |sql: &str| -> String {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let n = stmt.parameter_count();
            let args: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
            let rows = stmt
                .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                    r.get::<_, String>(3)
                })
                .unwrap();
            rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("; ")
        };
        for sql in [
            PRUNE_EXPIRED,
            "DELETE FROM logins WHERE login = ?1
               AND (verify_failures = 0 OR last_failure_at < ?2)
               AND NOT EXISTS (SELECT 1 FROM sessions WHERE login = ?1)
               AND NOT EXISTS (SELECT 1 FROM records WHERE login = ?1)",
            "DELETE FROM sessions WHERE login = ?1 AND token NOT IN (
                SELECT token FROM sessions WHERE login = ?1 ORDER BY created_at DESC, rowid DESC LIMIT ?2)",
            "SELECT 1 FROM sessions WHERE token = ?1 AND created_at > ?2",
            &format!("SELECT 1 FROM records WHERE student_id = ?2 AND login = {LOGIN_OF} LIMIT 1"),
            &format!("SELECT student_id FROM records WHERE ref = ?2 AND login = {LOGIN_OF}"),
            &format!(
                "SELECT {ORDER_COLUMNS} FROM orders o WHERE o.id = ?2 AND EXISTS (
                    SELECT 1 FROM records r WHERE r.student_id = o.student_id AND r.login = {LOGIN_OF})"
            ),
        ] {
            let p = plan(sql);
            assert!(
                !p.split("; ").any(|step| step.starts_with("SCAN")),
                "{sql}\n→ {p}"
            );
        }
        drop(conn);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
