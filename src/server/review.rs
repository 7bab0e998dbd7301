//! The reviewer's side: list submissions with the server's automatic report, look at the photo,
//! approve or reject with a reason, publish. Every call needs `Authorization: Bearer <reviewer
//! token>`; the reviewer page itself shows nothing without it.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::api::mask_name;
use super::error::ApiError;
use super::extract::Body;
use super::{db, hex, AppState};

/// Longest rejection reason (the collectors' reasons are a sentence each; a reviewer may give a
/// few).
const MAX_REASON_CHARS: usize = 500;

/// The token compared through SHA-256 digests, so the time taken does not depend on how many
/// leading characters of a guess are right.
pub(super) fn reviewer(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = super::api::bearer(headers).unwrap_or_default();
    let expected = &state.config.reviewer_token;
    if !expected.is_empty() && Sha256::digest(given) == Sha256::digest(expected) {
        Ok(())
    } else {
        Err(ApiError::reviewer_only(!given.is_empty()))
    }
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    reviewer(&state, &headers)?;
    let rows = db::submissions(&state.db())?;
    let list: Vec<Value> = rows
        .into_iter()
        .map(|(order, student)| {
            let report: Value = order
                .report
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok())
                .unwrap_or(Value::Null);
            json!({
                "order": order.id,
                "masked_name": mask_name(&student.name),
                "school": student.school,
                "category": student.category,
                "level": student.level,
                "status": order.status,
                "submitted_at": order.submitted_at,
                "sha256": order.photo_sha,
                "rejection_reason": order.rejection_reason,
                "report": report,
            })
        })
        .collect();
    // The preset's common reasons, for the reviewer to pick from.
    Ok(Json(
        json!({ "submissions": list, "reasons": state.config.preset.rejection_reasons }),
    ))
}

fn submitted(state: &AppState, id: &str) -> Result<db::Order, ApiError> {
    db::order(&state.db(), id)?
        .filter(|o| o.submitted_at.is_some())
        .ok_or_else(ApiError::no_order)
}

pub async fn photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    reviewer(&state, &headers)?;
    let order = submitted(&state, &id)?;
    let sha = order.photo_sha.ok_or_else(ApiError::no_order)?;
    let bytes = tokio::fs::read(state.photo_path(&id, &sha))
        .await
        .map_err(|_| ApiError::no_order())?;
    // The hash of these very bytes, so a page can bind its decision to what it shows.
    let sha = hex(&Sha256::digest(&bytes));
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg".to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (header::ETAG, format!("\"{sha}\"")),
            (header::HeaderName::from_static("x-content-sha256"), sha),
        ],
        bytes,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    decision: String,
    #[serde(default)]
    reason: Option<String>,
    /// The SHA-256 of the photo the reviewer looked at: a decision binds to that photo, never to
    /// one the student uploaded since (withdraw, upload, submit while the reviewer looked).
    sha256: String,
}

pub async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(decision): Body<Decision>,
) -> Result<Json<Value>, ApiError> {
    reviewer(&state, &headers)?;
    let order = submitted(&state, &id)?;
    let seen = decision.sha256.trim().to_ascii_lowercase();
    let conn = state.db();
    let moved = match decision.decision.as_str() {
        "approve" => db::decide(&conn, &id, &seen, "approved", None)?,
        "reject" => {
            let reason = decision
                .reason
                .as_deref()
                .map(str::trim)
                .unwrap_or_default();
            if reason.is_empty()
                || reason.chars().count() > MAX_REASON_CHARS
                || reason.chars().any(super::api::invisible)
            {
                return Err(ApiError::bad_request(
                    "review.reason_required",
                    "退回需要填写原因（不超过 500 字，不含不可见或改变文字方向的字符）。",
                    "A rejection needs a reason of at most 500 characters, without invisible or direction characters.",
                ));
            }
            db::decide(&conn, &id, &seen, "rejected", Some(reason))?
        }
        _ => {
            return Err(ApiError::bad_request(
                "request.invalid",
                "decision 只能是 approve 或 reject。",
                "decision must be 'approve' or 'reject'.",
            ))
        }
    };
    if !moved {
        let now = db::order(&conn, &id)?.unwrap_or(order);
        if now.status == "under_review" && now.photo_sha.as_deref() != Some(seen.as_str()) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "review.stale",
                "学生已更换了这张照片：请刷新后审核新照片。",
                "The student has replaced this photo since: refresh and review the new one.",
            ));
        }
        return Err(ApiError::wrong_state(&now.status));
    }
    Ok(Json(
        json!({ "order": id, "status": db::order(&conn, &id)?.map(|o| o.status) }),
    ))
}

pub async fn publish(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    reviewer(&state, &headers)?;
    submitted(&state, &id)?;
    let conn = state.db();
    if !db::set_status(&conn, &id, "approved", "published")? {
        let order = db::order(&conn, &id)?.ok_or_else(ApiError::no_order)?;
        if order.status == "published" {
            return Err(ApiError::wrong_state(&order.status)); // order.locked, as api.yaml says
        }
        return Err(ApiError {
            status: StatusCode::CONFLICT,
            code: "order.wrong_state",
            message_zh: format!("订单当前状态（{}）不能上网。", order.status),
            message_en: format!(
                "The order is '{}': only an approved photo is published.",
                order.status
            ),
            ..ApiError::default()
        });
    }
    Ok(Json(json!({ "order": id, "status": "published" })))
}
