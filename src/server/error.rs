//! The API's one error shape: an HTTP status and `{ code, message_zh, message_en }`, the same
//! shape the library's own errors take in JS. Messages never echo what the user sent (it may be
//! ID characters or a name).

use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
    /// Verification: tries left before the next lock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// Locked: seconds until the next try (also sent as `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<i64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, zh: &str, en: &str) -> ApiError {
        ApiError {
            status,
            code,
            message_zh: zh.to_string(),
            message_en: en.to_string(),
            ..ApiError::default()
        }
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "auth.required",
            "登录已失效，请重新登录。",
            "The session is missing or has expired: sign in again.",
        )
    }

    /// No reviewer token given, or a wrong one: said apart, since the fix differs (open the
    /// reviewer's link, or check the token it carries).
    pub fn reviewer_only(given: bool) -> ApiError {
        if given {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "review.unauthorized",
                "审核员令牌不正确：请使用启动服务时给出的审核链接。",
                "The reviewer token is wrong: use the review link the server printed at start.",
            )
        } else {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "review.unauthorized",
                "需要审核员令牌：请使用启动服务时给出的审核链接。",
                "This needs the reviewer token: use the review link the server printed at start.",
            )
        }
    }

    /// A body over the limit, announced or read.
    pub fn too_large() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too_large",
            "请求内容过大。",
            "The request body is too large.",
        )
    }

    /// A request that is not in the expected form. Says nothing of what was sent.
    pub fn invalid_request() -> ApiError {
        ApiError::bad_request(
            "request.invalid",
            "请求格式不正确。",
            "The request is not in the expected form.",
        )
    }

    pub fn not_found() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "request.not_found",
            "没有这个接口。",
            "No such API call.",
        )
    }

    pub fn no_order() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "order.not_found",
            "找不到该订单。",
            "No such order for this session.",
        )
    }

    pub fn no_photo() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "photo.not_found",
            "服务器上还没有这个订单的照片。",
            "The server has no photo for this order yet.",
        )
    }

    pub fn bad_request(code: &'static str, zh: &str, en: &str) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, zh, en)
    }

    /// The order is not at a status where this action is allowed.
    pub fn wrong_state(status: &str) -> ApiError {
        if matches!(status, "approved" | "published") {
            return ApiError::new(
                StatusCode::CONFLICT,
                "order.locked",
                "照片已审核通过，不能再修改。",
                "The photo is approved: nothing can be changed any more.",
            );
        }
        ApiError {
            status: StatusCode::CONFLICT,
            code: "order.wrong_state",
            message_zh: format!("订单当前状态（{status}）不允许此操作。"),
            message_en: format!("The order is '{status}': this action is not allowed now."),
            ..ApiError::default()
        }
    }

    /// Storing a photo failed: `storage.full` when the disk (or quota) is full, which an operator
    /// fixes and a retry later succeeds, `storage.failed` for any other write error.
    pub fn storage(error: &std::io::Error) -> ApiError {
        use std::io::ErrorKind;
        let full = matches!(
            error.kind(),
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded
        ) || matches!(error.raw_os_error(), Some(28 | 122));
        if full {
            ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "storage.full",
                "服务器存储空间已满，照片未保存：请稍后重试。之前的照片仍然保留。",
                "The server's storage is full and the photo was not saved: try again later. \
                 Any earlier photo is kept.",
            )
        } else {
            ApiError::storage_failed()
        }
    }

    /// A photo could not be written completely, or did not read back as sent.
    pub fn storage_failed() -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage.failed",
            "服务器保存照片失败，照片未保存：请稍后重试。之前的照片仍然保留。",
            "The server could not save the photo completely, so it was not saved: try again \
             later. Any earlier photo is kept.",
        )
    }

    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server.internal",
            "服务器出错，请稍后重试。",
            "Server error: try again later.",
        )
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(_: rusqlite::Error) -> ApiError {
        ApiError::internal()
    }
}

impl From<std::io::Error> for ApiError {
    fn from(_: std::io::Error) -> ApiError {
        ApiError::internal()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry = self.retry_after_s;
        let mut response = (self.status, Json(self)).into_response();
        if let Some(Ok(value)) = retry.map(|s| HeaderValue::from_str(&s.max(1).to_string())) {
            response.headers_mut().insert(RETRY_AFTER, value);
        }
        response
    }
}

/// Every API error in the documented shape, also those the framework answers before a handler
/// runs (a body over the limit: plain-text 413; an undecodable path: 400; a wrong method: empty
/// 405; a timeout: 408). Answers already in JSON pass unchanged.
pub async fn in_api_shape(response: Response) -> Response {
    let status = response.status();
    let json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || json {
        return response;
    }
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::too_large(),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "request.method_not_allowed",
            "此接口不支持该请求方法。",
            "This call does not take that method.",
        ),
        StatusCode::NOT_FOUND => ApiError::not_found(),
        StatusCode::REQUEST_TIMEOUT => ApiError::new(
            status,
            "request.timeout",
            "请求超时，请重试。",
            "The request took too long: try again.",
        ),
        s if s.is_server_error() => ApiError::internal(),
        _ => ApiError {
            status,
            ..ApiError::invalid_request()
        },
    }
    .into_response()
}
