//! The student's side of the API. Every call but `POST /session` needs `Authorization: Bearer
//! <session>`, and every order call needs an order this session verified.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::error::ApiError;
use super::extract::{Body, Params};
use super::throttle::{self, Verdict};
use super::{db, photos, token, upload, AppState};
use crate::flow::{normalise_school_name, validate_last4};

type ApiResult<T> = Result<T, ApiError>;

/// Longest text field accepted (school names, categories, codes, login hand-offs).
const MAX_FIELD_CHARS: usize = 4096;

pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The caller's session, which must exist.
fn session(state: &AppState, headers: &HeaderMap) -> ApiResult<String> {
    let token = bearer(headers).ok_or_else(ApiError::unauthorized)?;
    if db::session_exists(&state.db(), token, state.now())? {
        Ok(token.to_string())
    } else {
        Err(ApiError::unauthorized())
    }
}

/// Who may call, checked before a body is read: an unauthenticated caller is answered at once,
/// so bodies that nobody may send are never held in memory (600 trickled 1 MiB bodies without a
/// session once held ~0.9 GB until each was answered 401). The reviewer's routes need the
/// reviewer's token, every other route but `POST /session` and the test clock a live session;
/// each handler still checks what it needs itself.
pub async fn authenticate_first(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    let open = matches!(path, "/session" | "/test/clock");
    let checked = if path.starts_with("/review/") {
        super::review::reviewer(&state, request.headers())
    } else if open {
        Ok(())
    } else {
        session(&state, request.headers()).map(|_| ())
    };
    match checked {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

/// Longest login identity (a WeChat openid is 28 characters).
const MAX_LOGIN_CHARS: usize = 128;

/// The login identity, trimmed: visible characters only (no control, format or zero-width
/// characters, which would make identities that look alike), within [`MAX_LOGIN_CHARS`].
fn login_identity(value: &str) -> ApiResult<&str> {
    let login = value.trim_matches(|c: char| c.is_whitespace() || invisible(c));
    if login.is_empty() || login.chars().count() > MAX_LOGIN_CHARS || login.chars().any(invisible) {
        return Err(ApiError::bad_request(
            "request.invalid",
            "登录标识为空、过长或含不可见字符。",
            "The login identity is empty, too long or has invisible characters.",
        ));
    }
    Ok(login)
}

/// Characters that show nothing or turn the text around them: controls, zero-width and
/// direction marks, isolates, the soft hyphen, Hangul fillers, the Mongolian vowel separator,
/// the combining grapheme joiner and tag characters. Two strings that differ only in these look
/// the same, and a direction override (U+202E) makes a reason read differently from what it is.
pub(super) fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{3164}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

fn field<'a>(value: &'a str, name: &str) -> ApiResult<&'a str> {
    if value.trim().is_empty()
        || value.chars().count() > MAX_FIELD_CHARS
        || value.chars().any(invisible)
    {
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "request.invalid",
            message_zh: format!("字段 {name} 为空、过长或含有不可见字符。"),
            message_en: format!(
                "The field '{name}' is empty, too long or holds invisible characters."
            ),
            ..ApiError::default()
        });
    }
    Ok(value)
}

pub async fn not_found() -> ApiError {
    ApiError::not_found()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// The host's login hand-off: who the user is (a WeChat openid in production). The sandbox
    /// takes any non-empty value as the identity; orders belong to it.
    login: String,
}

/// `POST /session`: the sandbox's stand-in for the host's login hand-off.
pub async fn create_session(
    State(state): State<AppState>,
    Body(login): Body<Login>,
) -> ApiResult<impl IntoResponse> {
    let login = login_identity(&login.login)?;
    let session = token("s_")?;
    db::add_session(&state.db(), &session, login, state.now())?;
    Ok((StatusCode::CREATED, Json(json!({ "session": session }))))
}

/// Schools whose normalised name shares most of its characters with the query, best first.
fn similar(schools: &[(String, String)], query: &str, limit: usize) -> Vec<(String, String)> {
    let query = normalise_school_name(query);
    let wanted: Vec<char> = query.chars().filter(|c| !c.is_whitespace()).collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, &(String, String))> = schools
        .iter()
        .map(|s| (wanted.iter().filter(|c| s.0.contains(**c)).count(), s))
        .filter(|(score, _)| *score * 2 >= wanted.len())
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(limit)
        .map(|(_, s)| s.clone())
        .collect()
}

#[derive(Deserialize)]
pub struct SchoolQuery {
    #[serde(default)]
    q: String,
}

pub async fn schools(
    State(state): State<AppState>,
    headers: HeaderMap,
    Params(query): Params<SchoolQuery>,
) -> ApiResult<Json<Value>> {
    session(&state, &headers)?;
    let all = db::schools(&state.db())?;
    let found: Vec<Value> = similar(&all, &query.q, 5)
        .into_iter()
        .map(|(name, category)| json!({ "name": name, "category": category }))
        .collect();
    Ok(Json(json!({ "schools": found })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolEntry {
    school: String,
    category: String,
}

pub async fn eligibility(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(entry): Body<SchoolEntry>,
) -> ApiResult<Json<Value>> {
    session(&state, &headers)?;
    let name = normalise_school_name(field(&entry.school, "school")?);
    let category = normalise_school_name(field(&entry.category, "category")?);
    let all = db::schools(&state.db())?;
    let eligible = all.iter().any(|(n, c)| *n == name && *c == category);
    let suggestions: Vec<String> = if eligible {
        Vec::new()
    } else {
        similar(&all, &name, 5)
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    };
    Ok(Json(json!({
        "eligible": eligible,
        "school": name,
        "category": category,
        "suggestions": suggestions,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    school: String,
    category: String,
    code: String,
    last4: String,
}

/// A name with every character but the first and (for 3 or more) the last replaced by `*`.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(v): Body<Verification>,
) -> ApiResult<Json<Value>> {
    let session = session(&state, &headers)?;
    let last4 = validate_last4(&v.last4).map_err(|_| {
        ApiError::bad_request(
            "verify.invalid_last4",
            "证件号后四位格式不正确：应为 4 位数字，最后一位可为 X。",
            "The last 4 ID characters must be 4 digits; the last may be X.",
        )
    })?;
    let school = normalise_school_name(field(&v.school, "school")?);
    let category = normalise_school_name(field(&v.category, "category")?);
    let code = field(&v.code, "code")?;
    let now = state.now();
    let conn = state.db();
    let login = throttle::PER_LOGIN;
    let mut login_failures = db::login_failures(&conn, &session)?;
    if let Some(f) = login.rebased(login_failures, now) {
        db::set_login_failures(&conn, &session, f)?;
        login_failures = f;
    }
    if let Verdict::Locked { until } = login.verdict(login_failures, now) {
        return Err(locked(until - now, false));
    }
    // Every mismatch (an unknown code, another school's code, a wrong last 4) gets the one answer
    // of `mismatch` and counts as a failed try for the login.
    let fail_login = || -> ApiResult<Verdict> {
        let f = login.fail(login_failures, now);
        db::set_login_failures(&conn, &session, f)?;
        Ok(login.verdict(f, now))
    };
    let Some(mut owner) = db::code_owner(&conn, code)? else {
        return Err(mismatch(fail_login()?, now));
    };
    let code_limit = throttle::PER_CODE;
    if let Some(f) = code_limit.rebased(owner.failures, now) {
        db::set_code_failures(&conn, owner.student.id, f)?;
        owner.failures = f;
    }
    // The code's limits hold every login but one that has verified this code before, so a
    // stranger holding a screenshot of the code cannot keep its graduate out once they are in.
    let held = !db::login_verified(&conn, &session, owner.student.id)?;
    if held {
        if throttle::YEARLY_CODE_BUDGET.spent(owner.budget, now) {
            return Err(code_retired());
        }
        if let Verdict::Locked { until } = code_limit.verdict(owner.failures, now) {
            return Err(locked(until - now, true));
        }
    }
    // Another school's code tests no secret: it counts for the login, not for the code.
    if owner.student.school != school || owner.student.category != category {
        return Err(mismatch(fail_login()?, now));
    }
    if owner.last4 != last4.as_str() {
        let mut verdict = fail_login()?;
        if held {
            let c = code_limit.fail(owner.failures, now);
            db::set_code_failures(&conn, owner.student.id, c)?;
            let budget = throttle::YEARLY_CODE_BUDGET.fail(owner.budget, now);
            db::set_code_budget(&conn, owner.student.id, budget)?;
            verdict = stricter(verdict, code_limit.verdict(c, now));
        }
        return Err(mismatch(verdict, now));
    }
    let student = owner.student;
    let reference = token("r_")?;
    db::add_record(&conn, &reference, &session, &student)?;
    Ok(Json(json!({
        "record": {
            "ref": reference,
            "masked_name": mask_name(&student.name),
            "school": student.school,
            "category": student.category,
            "level": student.level,
            // The collection fee, shown before the graduate starts paying.
            "amount_fen": db::AMOUNT_FEN,
        }
    })))
}

fn order_json(order: &db::Order) -> Value {
    json!({
        "order": order.id,
        "status": order.status,
        "amount_fen": order.amount_fen,
        "rejection_reason": order.rejection_reason,
        "photo": order.photo_sha.as_ref().map(|sha| json!({
            "sha256": sha,
            "bytes": order.photo_bytes,
        })),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    record: String,
}

/// One order per student: a second call returns the existing one (one payment, any number of
/// shots, also after a new login).
pub async fn create_order(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(new): Body<NewOrder>,
) -> ApiResult<impl IntoResponse> {
    let session = session(&state, &headers)?;
    let conn = state.db();
    let student = db::record_student(&conn, &new.record, &session)?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "record.not_found",
            "请先完成学籍核验。",
            "Verify the student record first.",
        )
    })?;
    if let Some(order) = db::order_of_student(&conn, student)? {
        return Ok((StatusCode::OK, Json(order_json(&order))));
    }
    let id = token("o_")?;
    db::add_order(&conn, &id, student)?;
    let order = db::order(&conn, &id)?.ok_or_else(ApiError::internal)?;
    Ok((StatusCode::CREATED, Json(order_json(&order))))
}

/// The order, if the caller's session verified its student.
fn owned(state: &AppState, headers: &HeaderMap, id: &str) -> ApiResult<db::Order> {
    let session = session(state, headers)?;
    db::owned_order(&state.db(), id, &session)?.ok_or_else(ApiError::no_order)
}

pub async fn get_order(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(order_json(&owned(&state, &headers, &id)?)))
}

/// The order's stored photo, for its owner: the page shows the submitted photo in every later
/// stage and offers it for download, from the server's copy when the device no longer has it.
pub async fn get_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let order = owned(&state, &headers, &id)?;
    let sha = order.photo_sha.ok_or_else(ApiError::no_photo)?;
    let bytes = tokio::fs::read(state.photo_path(&id, &sha))
        .await
        .map_err(|_| ApiError::no_photo())?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "image/jpeg"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// The sandbox cashier's outcome: `success` or `cancel`.
    result: String,
}

/// The sandbox cashier. Paying an order that is already paid changes nothing (a replayed
/// callback); a cancel leaves it pending.
pub async fn pay(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(payment): Body<Payment>,
) -> ApiResult<Json<Value>> {
    let order = owned(&state, &headers, &id)?;
    match payment.result.as_str() {
        "success" => {}
        "cancel" => {
            return Err(ApiError::new(
                StatusCode::PAYMENT_REQUIRED,
                "pay.cancelled",
                "支付已取消，可以重新支付。",
                "Payment cancelled: you can pay again.",
            ))
        }
        _ => {
            return Err(ApiError::bad_request(
                "request.invalid",
                "result 只能是 success 或 cancel。",
                "result must be 'success' or 'cancel'.",
            ))
        }
    }
    let conn = state.db();
    if order.status == "pending" {
        db::set_status(&conn, &id, "pending", "paid")?;
    }
    let order = db::order(&conn, &id)?.ok_or_else(ApiError::internal)?;
    Ok(Json(order_json(&order)))
}

/// A photo may be (re)placed while the order is paid or rejected: not before payment, not while
/// a reviewer may be looking at it, never after approval.
fn photo_allowed(status: &str) -> ApiResult<()> {
    match status {
        "paid" | "rejected" => Ok(()),
        "pending" => Err(ApiError::new(
            StatusCode::CONFLICT,
            "order.not_paid",
            "请先支付。",
            "Pay first.",
        )),
        other => Err(ApiError::wrong_state(other)),
    }
}

pub async fn upload_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<impl IntoResponse> {
    let order = owned(&state, &headers, &id)?;
    photo_allowed(&order.status)?;
    let claimed = headers
        .get("x-content-sha256")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // One of a few slots from decoding to the stored report: memory stays bounded under a burst.
    let slot = photos::slot(&state).await?;
    let accepted = upload::accept(&body, claimed, &headers, &state.config.preset)?;
    photos::store(&state, &id, &accepted.sha256, &body, photo_allowed).await?;
    photos::report(&state, &id, &accepted.sha256, accepted.photo, slot).await;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "sha256": accepted.sha256,
            "bytes": body.len(),
            "width": accepted.width,
            "height": accepted.height,
        })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    sha256: String,
}

/// Into review: the photo the client names must be the one stored (so a stale tab cannot submit
/// an older upload).
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(submission): Body<Submission>,
) -> ApiResult<Json<Value>> {
    let order = owned(&state, &headers, &id)?;
    let sha = submission.sha256.trim().to_ascii_lowercase();
    let conn = state.db();
    // One statement: the status and the photo are checked where the change is made, so an
    // upload in between cannot slip a different photo into review.
    if db::submit(&conn, &id, &sha)? {
        let order = db::order(&conn, &id)?.ok_or_else(ApiError::internal)?;
        return Ok(Json(order_json(&order)));
    }
    let now = db::order(&conn, &id)?.unwrap_or(order);
    let same_photo = now.photo_sha.as_deref() == Some(sha.as_str());
    if now.status == "under_review" && same_photo {
        // A retried submit whose first answer was lost: already done.
        return Ok(Json(order_json(&now)));
    }
    photo_allowed(&now.status)?;
    if !same_photo {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "order.photo_mismatch",
            "提交的照片与已上传的不一致，请重新上传。",
            "The submitted photo is not the uploaded one: upload it again.",
        ));
    }
    Err(ApiError::wrong_state(&now.status))
}

pub async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let order = owned(&state, &headers, &id)?;
    let conn = state.db();
    if !db::set_status(&conn, &id, "under_review", "paid")? {
        return Err(ApiError::wrong_state(&order.status));
    }
    let order = db::order(&conn, &id)?.ok_or_else(ApiError::internal)?;
    Ok(Json(order_json(&order)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_names() {
        assert_eq!(mask_name("张小明"), "张*明");
        assert_eq!(mask_name("李华"), "李*");
        assert_eq!(mask_name("欧阳娜娜"), "欧**娜");
        assert_eq!(mask_name("X"), "*");
    }

    #[test]
    fn suggests_close_school_names() {
        let all = vec![
            ("北京大学".to_string(), "普通高等教育".to_string()),
            ("北京理工大学".to_string(), "网络教育".to_string()),
            ("国家开放大学".to_string(), "开放教育".to_string()),
        ];
        let names: Vec<String> = similar(&all, "北京大字", 5)
            .into_iter()
            .map(|s| s.0)
            .collect();
        assert_eq!(names[0], "北京大学");
        assert!(!names.contains(&"国家开放大学".to_string()));
        assert!(similar(&all, "   ", 5).is_empty());
    }
}

/// The stricter of two limits' verdicts: a lock over tries, the later lock, the fewer tries.
fn stricter(a: Verdict, b: Verdict) -> Verdict {
    match (a, b) {
        (Verdict::Locked { until: x }, Verdict::Locked { until: y }) => {
            Verdict::Locked { until: x.max(y) }
        }
        (l @ Verdict::Locked { .. }, _) | (_, l @ Verdict::Locked { .. }) => l,
        (Verdict::Open { attempts_left: x }, Verdict::Open { attempts_left: y }) => Verdict::Open {
            attempts_left: x.min(y),
        },
    }
}

/// A failed try, then the tries left or the lock it earned. One answer for an unknown code,
/// another school's code and a wrong last 4: different answers would tell which codes exist.
fn mismatch(after: Verdict, now: i64) -> ApiError {
    let code = "verify.mismatch";
    let zh = "采集码、学校和学历类别、证件号后四位不一致：请核对学校全称、学历类别和身份证号码最后 4 位；如采集码已失效，请在学信网 App 中重新获取。";
    let en = "The collection code, school and category, and last 4 ID characters do not match: check the school's full name, the category and the last 4 characters of your ID number; if the code has expired, get it again in the 学信网 (CHSI) app.";
    match after {
        Verdict::Open { attempts_left } => ApiError {
            attempts_left: Some(attempts_left),
            ..ApiError::new(
                StatusCode::NOT_FOUND,
                code,
                &format!("{zh}还可尝试 {attempts_left} 次。"),
                &format!("{en} {attempts_left} tries left."),
            )
        },
        Verdict::Locked { until } => {
            let (wait_zh, wait_en) = throttle::wait_text(until - now);
            ApiError {
                attempts_left: Some(0),
                retry_after_s: Some(until - now),
                ..ApiError::new(
                    StatusCode::NOT_FOUND,
                    code,
                    &format!("{zh}尝试次数已用完，请 {wait_zh}后再试。"),
                    &format!("{en} No tries left: try again in {wait_en}."),
                )
            }
        }
    }
}

/// The code used up its yearly budget of failed tries: only a new code (from the school, out of
/// band) or a login that verified it before goes on.
fn code_retired() -> ApiError {
    ApiError {
        attempts_left: Some(0),
        ..ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "verify.code_retired",
            "此采集码的验证失败次数已达年度上限，已停止验证：可能有他人持有您的采集码截图，请联系学校重新生成采集码。",
            "This code has used up its yearly allowance of failed tries and takes no more: someone may hold a screenshot of it. Ask your school for a new code.",
        )
    }
}

/// Verification is locked for `wait` more seconds, for this login or for this code.
fn locked(wait: i64, code: bool) -> ApiError {
    let (wait_zh, wait_en) = throttle::wait_text(wait);
    let (c, zh, en) = if code {
        (
            "verify.code_locked",
            format!("此采集码近期验证失败次数过多，已暂停验证，请 {wait_zh}后再试。如果不是您本人在尝试，可能有他人持有您的采集码截图，请联系学校重新生成采集码。"),
            format!("This code had too many failed tries and is paused: try again in {wait_en}. If that was not you, someone may hold a screenshot of your code: ask your school for a new one."),
        )
    } else {
        (
            "verify.locked",
            format!("验证失败次数过多，请 {wait_zh}后再试。每次连续失败后等待时间加倍，最长 24 小时；验证成功后清零。"),
            format!("Too many failed tries: try again in {wait_en}. Each further failure doubles the wait, up to 24 hours; a success resets it."),
        )
    };
    ApiError {
        retry_after_s: Some(wait),
        attempts_left: Some(0),
        ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, c, &zh, &en)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockStep {
    advance_s: i64,
}

/// Tests only (`Config::test_clock`): move the server's clock forward. Otherwise not found.
pub async fn advance_clock(
    State(state): State<AppState>,
    Body(step): Body<ClockStep>,
) -> ApiResult<Json<Value>> {
    if !state.config.test_clock || !(0..=30 * 86_400).contains(&step.advance_s) {
        return Err(ApiError::not_found());
    }
    state
        .clock_offset
        .fetch_add(step.advance_s, std::sync::atomic::Ordering::Relaxed);
    Ok(Json(json!({ "now": state.now() })))
}
