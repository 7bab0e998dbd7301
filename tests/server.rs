//! The sandbox backend in-process (no socket): the whole order life through review, the upload
//! rules, sessions and the reviewer token, the verification limit, SQL-shaped input, and a
//! request log free of what students typed. Native only (`--features server`).

#![cfg(all(feature = "server", not(target_arch = "wasm32")))]

mod common;

use common::server::{
    assert_photos_consistent, other_photo, sha, standard_photo, third_photo, STUDENTS,
};

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gradphoto::server::{router, AppState, Config};
use gradphoto::Preset;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

const TOKEN: &str = "reviewer-secret";
const CODE: &str = "GP1-2026-000001";

struct Api {
    app: axum::Router,
    state: AppState,
    log: Arc<Mutex<Vec<String>>>,
    runtime: tokio::runtime::Runtime,
    _dir: TempDir,
}

/// A data directory removed when the test ends.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[derive(Clone)]
struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    bytes: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
    fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_string()
    }
}

impl Api {
    fn new(name: &str) -> Api {
        Api::with_clock(name, true)
    }

    /// Move the server's test clock forward.
    fn advance_clock(&self, seconds: i64) {
        let r = self.call(
            "POST",
            "/test/clock",
            None,
            Some(json!({ "advance_s": seconds })),
        );
        assert_eq!(r.status, StatusCode::OK);
    }

    fn with_timeouts(name: &str, timeouts: gradphoto::server::Timeouts) -> Api {
        Api::build(name, true, timeouts)
    }

    fn with_clock(name: &str, test_clock: bool) -> Api {
        Api::build(name, test_clock, Default::default())
    }

    fn build(name: &str, test_clock: bool, timeouts: gradphoto::server::Timeouts) -> Api {
        let dir =
            std::env::temp_dir().join(format!("gradphoto-server-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let log = Arc::new(Mutex::new(Vec::new()));
        let state = open_state(&dir, test_clock, timeouts, log.clone());
        Api {
            app: router(state.clone()),
            state,
            log,
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            _dir: TempDir(dir),
        }
    }

    fn send(&self, request: Request<Body>) -> Reply {
        self.runtime.block_on(async {
            let response = self.app.clone().oneshot(request).await.unwrap();
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response
                .into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .to_vec();
            Reply {
                status,
                headers,
                bytes,
            }
        })
    }

    fn call(&self, method: &str, path: &str, auth: Option<&str>, body: Option<Value>) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("/api/v1{path}"));
        if let Some(auth) = auth {
            request = request.header("authorization", format!("Bearer {auth}"));
        }
        let body = match body {
            Some(v) => {
                request = request.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap())
    }

    fn upload(&self, order: &str, session: &str, jpeg: &[u8], sha: &str, mime: &str) -> Reply {
        let request = Request::builder()
            .method("PUT")
            .uri(format!("/api/v1/orders/{order}/photo"))
            .header("authorization", format!("Bearer {session}"))
            .header("content-type", mime)
            .header("x-content-sha256", sha)
            .body(Body::from(jpeg.to_vec()))
            .unwrap();
        self.send(request)
    }

    /// Upload a photo and submit it: the order is under review with it.
    fn upload_and_submit(&self, order: &str, session: &str, jpeg: &[u8]) {
        let uploaded = self.upload(order, session, jpeg, &sha(jpeg), "image/jpeg");
        assert_eq!(uploaded.status, StatusCode::CREATED);
        let sent = self.call(
            "POST",
            &format!("/orders/{order}/submit"),
            Some(session),
            Some(json!({ "sha256": sha(jpeg) })),
        );
        assert_eq!(sent.json()["status"], "under_review");
    }

    fn session(&self) -> String {
        self.session_of("student-a")
    }

    fn session_of(&self, login: &str) -> String {
        let r = self.call("POST", "/session", None, Some(json!({ "login": login })));
        assert_eq!(r.status, StatusCode::CREATED);
        r.json()["session"].as_str().unwrap().to_string()
    }

    fn verify(&self, session: &str, last4: &str) -> Reply {
        self.call(
            "POST",
            "/verify",
            Some(session),
            Some(json!({ "school": "国家开放大学", "category": "开放教育", "code": CODE, "last4": last4 })),
        )
    }

    /// A verified, paid order for the first sandbox student.
    fn paid_order(&self) -> (String, String) {
        self.paid_order_of("student-a", STUDENTS[0])
    }

    /// A verified, paid order for a sandbox student (school, category, code, last 4), from a
    /// session of `login`; a second login verifying the same student reaches the same order.
    fn paid_order_of(&self, login: &str, student: [&str; 4]) -> (String, String) {
        let s = self.session_of(login);
        let [school, category, code, last4] = student;
        let verified = self.call(
            "POST",
            "/verify",
            Some(&s),
            Some(json!({ "school": school, "category": category, "code": code, "last4": last4 })),
        );
        let record = verified.json()["record"]["ref"]
            .as_str()
            .unwrap()
            .to_string();
        let order = self.call(
            "POST",
            "/orders",
            Some(&s),
            Some(json!({ "record": record })),
        );
        let order = order.json()["order"].as_str().unwrap().to_string();
        let paid = self.call(
            "POST",
            &format!("/orders/{order}/pay"),
            Some(&s),
            Some(json!({ "result": "success" })),
        );
        assert_eq!(paid.status, StatusCode::OK);
        (s, order)
    }

    fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

/// The server's state over the data directory `dir` (as a restart would open it).
fn open_state(
    dir: &std::path::Path,
    test_clock: bool,
    timeouts: gradphoto::server::Timeouts,
    log: Arc<Mutex<Vec<String>>>,
) -> AppState {
    let config = Config {
        data_dir: dir.to_path_buf(),
        www: "www".into(),
        pkg: dir.join("pkg"),
        models: "models".into(),
        reviewer_token: TOKEN.into(),
        preset: Preset::builtin("chsi-graduation").unwrap(),
        test_clock,
        timeouts,
    };
    let analyzer = gradphoto::Analyzer::new(gradphoto::ModelBytes::embedded()).unwrap();
    AppState::open(
        config,
        Some(analyzer),
        Arc::new(move |line| log.lock().unwrap().push(line)),
    )
    .unwrap()
}

/// Files inside the byte window that are not the preset's JPEG, each with the code that refuses
/// it: (what, bytes, code).
fn damaged_and_off_spec(photo: &[u8]) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let mut cut = photo[..28 * 1024].to_vec();
    cut.extend_from_slice(&[0xFF, 0xD9]);
    let mut scrambled = photo.to_vec();
    let middle = scrambled.len() / 2;
    for (i, b) in scrambled[middle..middle + 400].iter_mut().enumerate() {
        *b = (i * 37 % 251) as u8; // no 0xFF: no marker, only a broken entropy-coded stream
    }
    let mut zipped = photo.to_vec();
    zipped.extend_from_slice(b"PK\x03\x04 a zip archive riding after the image");
    let image = gradphoto::decode(photo, &gradphoto::Limits::default())
        .unwrap()
        .image;
    // The same picture encoded otherwise, at the quality that lands in the 20–40 KB window.
    let encode = |grey: bool, dpi: u16, progressive: bool| -> Vec<u8> {
        for quality in (50..=100).rev() {
            let mut out = Vec::new();
            let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
            enc.set_density(jpeg_encoder::PixelDensity::dpi(dpi));
            enc.set_progressive(progressive);
            let result = if grey {
                let luma = image::imageops::grayscale(&image);
                enc.encode(luma.as_raw(), 480, 640, jpeg_encoder::ColorType::Luma)
            } else {
                enc.encode(image.as_raw(), 480, 640, jpeg_encoder::ColorType::Rgb)
            };
            result.unwrap();
            if (20_480..=40_000).contains(&out.len()) {
                return out;
            }
        }
        panic!("no quality lands in the byte window");
    };
    vec![
        ("cut at 28 KB, end marker added", cut, "upload.damaged"),
        ("scrambled scan data", scrambled, "upload.damaged"),
        ("a ZIP after the end marker", zipped, "upload.trailing_data"),
        ("greyscale", encode(true, 300, false), "upload.not_colour"),
        ("72 dpi", encode(false, 72, false), "upload.wrong_density"),
        (
            "progressive",
            encode(false, 300, true),
            "upload.not_baseline",
        ),
    ]
}

#[test]
fn an_order_goes_through_review_and_is_locked_once_approved() {
    let api = Api::new("life");
    let s = api.session();
    // Full-width characters and spaces are normalised before matching.
    let e = api.call(
        "POST",
        "/eligibility",
        Some(&s),
        Some(json!({ "school": "国家开放大学　", "category": "开放教育" })),
    );
    assert_eq!(e.json()["eligible"], true);
    let e = api.call(
        "POST",
        "/eligibility",
        Some(&s),
        Some(json!({ "school": "北京大字", "category": "普通高等教育" })),
    );
    assert_eq!(e.json()["eligible"], false);
    assert_eq!(e.json()["suggestions"][0], "北京大学");

    let wrong = api.verify(&s, "9999");
    assert_eq!(
        (wrong.status, wrong.code().as_str()),
        (StatusCode::NOT_FOUND, "verify.mismatch")
    );
    let bad = api.verify(&s, "12a4");
    assert_eq!(bad.code(), "verify.invalid_last4");
    let record = api.verify(&s, "1234").json()["record"].clone();
    assert_eq!(record["masked_name"], "张*明");
    let reference = record["ref"].as_str().unwrap();

    let created = api.call(
        "POST",
        "/orders",
        Some(&s),
        Some(json!({ "record": reference })),
    );
    assert_eq!(created.status, StatusCode::CREATED);
    let order = created.json()["order"].as_str().unwrap().to_string();
    assert_eq!(created.json()["status"], "pending");
    let again = api.call(
        "POST",
        "/orders",
        Some(&s),
        Some(json!({ "record": reference })),
    );
    assert_eq!(
        (again.status, again.json()["order"].as_str()),
        (StatusCode::OK, Some(order.as_str()))
    );

    let photo = standard_photo();
    let early = api.upload(&order, &s, photo, &sha(photo), "image/jpeg");
    assert_eq!(
        (early.status, early.code().as_str()),
        (StatusCode::CONFLICT, "order.not_paid")
    );
    let cancel = api.call(
        "POST",
        &format!("/orders/{order}/pay"),
        Some(&s),
        Some(json!({ "result": "cancel" })),
    );
    assert_eq!(
        (cancel.status, cancel.code().as_str()),
        (StatusCode::PAYMENT_REQUIRED, "pay.cancelled")
    );
    let paid = api.call(
        "POST",
        &format!("/orders/{order}/pay"),
        Some(&s),
        Some(json!({ "result": "success" })),
    );
    assert_eq!(paid.json()["status"], "paid");

    let up = api.upload(&order, &s, photo, &sha(photo), "image/jpeg");
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.json());
    assert_eq!(
        (up.json()["width"].as_u64(), up.json()["height"].as_u64()),
        (Some(480), Some(640))
    );
    assert_eq!(up.json()["sha256"], sha(photo));
    let stale = api.call(
        "POST",
        &format!("/orders/{order}/submit"),
        Some(&s),
        Some(json!({ "sha256": "00".repeat(32) })),
    );
    assert_eq!(stale.code(), "order.photo_mismatch");
    let sent = api.call(
        "POST",
        &format!("/orders/{order}/submit"),
        Some(&s),
        Some(json!({ "sha256": sha(photo) })),
    );
    assert_eq!(sent.json()["status"], "under_review");
    // The owner reads the stored photo back (the page shows it while it is reviewed); another
    // login cannot.
    let back = api.call("GET", &format!("/orders/{order}/photo"), Some(&s), None);
    assert_eq!(
        (back.status, back.bytes.as_slice()),
        (StatusCode::OK, photo)
    );
    let stranger = api.session_of("student-c");
    let refused = api.call(
        "GET",
        &format!("/orders/{order}/photo"),
        Some(&stranger),
        None,
    );
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    // A retried submit (its first answer lost) is answered, not refused.
    let retried = api.call(
        "POST",
        &format!("/orders/{order}/submit"),
        Some(&s),
        Some(json!({ "sha256": sha(photo) })),
    );
    assert_eq!(
        (retried.status, retried.json()["status"].as_str()),
        (StatusCode::OK, Some("under_review"))
    );
    let during = api.upload(&order, &s, photo, &sha(photo), "image/jpeg");
    assert_eq!(
        (during.status, during.code().as_str()),
        (StatusCode::CONFLICT, "order.wrong_state")
    );

    // The reviewer: token required (missing and wrong said apart); the list carries the
    // server's own report of the photo.
    let missing = api.call("GET", "/review/submissions", None, None);
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert!(missing.json()["message_zh"]
        .as_str()
        .unwrap()
        .starts_with("需要审核员令牌"));
    let wrong = api.call("GET", "/review/submissions", Some(&s), None);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.json()["message_zh"]
        .as_str()
        .unwrap()
        .starts_with("审核员令牌不正确"));
    let list = api
        .call("GET", "/review/submissions", Some(TOKEN), None)
        .json();
    let item = &list["submissions"][0];
    assert_eq!(item["order"], order.as_str());
    assert_eq!(item["masked_name"], "张*明");
    let rules = item["report"]["rules"].as_array().unwrap();
    let face = rules.iter().find(|r| r["id"] == "face.count").unwrap();
    assert_eq!(face["status"], "pass");
    assert!(rules
        .iter()
        .any(|r| r["id"] == "geometry.eye_line" && r["status"] == "pass"));
    let stored = api.call(
        "GET",
        &format!("/review/submissions/{order}/photo"),
        Some(TOKEN),
        None,
    );
    assert_eq!(stored.bytes, photo);
    // The hash of the bytes sent, so the page binds its decision to what it shows.
    assert_eq!(stored.headers["x-content-sha256"], sha(photo).as_str());
    assert_eq!(
        stored.headers["etag"],
        format!("\"{}\"", sha(photo)).as_str()
    );
    assert_eq!(
        api.call(
            "GET",
            &format!("/review/submissions/{order}/photo"),
            Some(&s),
            None
        )
        .status,
        StatusCode::UNAUTHORIZED
    );

    let decide = |body: Value| {
        api.call(
            "POST",
            &format!("/review/submissions/{order}/decision"),
            Some(TOKEN),
            Some(body),
        )
    };
    assert_eq!(
        decide(json!({ "decision": "reject", "sha256": sha(photo) })).code(),
        "review.reason_required"
    );
    // A direction override or an isolate would make the reason read otherwise than it is.
    for reason in [
        "背景\u{202E}匀不",
        "背景\u{2066}不均匀\u{2069}",
        "\u{E0041}背景",
    ] {
        assert_eq!(
            decide(json!({ "decision": "reject", "reason": reason, "sha256": sha(photo) })).code(),
            "review.reason_required",
            "{reason:?}"
        );
    }
    assert_eq!(
        decide(json!({ "decision": "reject", "reason": "背景不均匀", "sha256": sha(photo) }))
            .json()["status"],
        "rejected"
    );
    let seen = api
        .call("GET", &format!("/orders/{order}"), Some(&s), None)
        .json();
    assert_eq!(
        (seen["status"].as_str(), seen["rejection_reason"].as_str()),
        (Some("rejected"), Some("背景不均匀"))
    );

    // Reshoot without paying again, resubmit, approve: then nothing changes any more.
    api.upload_and_submit(&order, &s, photo);
    assert_eq!(
        api.call("POST", &format!("/orders/{order}/withdraw"), Some(&s), None)
            .json()["status"],
        "paid"
    );
    api.call(
        "POST",
        &format!("/orders/{order}/submit"),
        Some(&s),
        Some(json!({ "sha256": sha(photo) })),
    );
    assert_eq!(
        decide(json!({ "decision": "approve", "sha256": sha(photo) })).json()["status"],
        "approved"
    );
    let locked = api.upload(&order, &s, photo, &sha(photo), "image/jpeg");
    assert_eq!(
        (locked.status, locked.code().as_str()),
        (StatusCode::CONFLICT, "order.locked")
    );
    assert_eq!(
        api.call("POST", &format!("/orders/{order}/withdraw"), Some(&s), None)
            .code(),
        "order.locked"
    );
    assert_eq!(
        api.call(
            "POST",
            &format!("/orders/{order}/submit"),
            Some(&s),
            Some(json!({ "sha256": sha(photo) }))
        )
        .code(),
        "order.locked"
    );
    assert_eq!(
        decide(json!({ "decision": "reject", "reason": "x", "sha256": sha(photo) })).code(),
        "order.locked"
    );
    let published = api.call(
        "POST",
        &format!("/review/submissions/{order}/publish"),
        Some(TOKEN),
        None,
    );
    assert_eq!(published.json()["status"], "published");
    assert_eq!(
        api.call("GET", &format!("/orders/{order}"), Some(&s), None)
            .json()["status"],
        "published"
    );

    // The request log: route templates and statuses only.
    let log = api.log_text();
    assert!(
        log.contains("PUT /api/v1/orders/{order}/photo 201"),
        "{log}"
    );
    // Every line is exactly: method, route template, status, milliseconds, "ms".
    for line in log.lines() {
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts.len(), 5, "{line}");
        assert!(["GET", "POST", "PUT"].contains(&parts[0]), "{line}");
        assert!(
            parts[1].starts_with("/api/v1/")
                && parts[1][8..]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || "/{}".contains(c)),
            "{line}"
        );
        assert!(
            parts[2].len() == 3 && parts[2].parse::<u16>().is_ok(),
            "{line}"
        );
        assert!(
            parts[3].parse::<f64>().is_ok() && parts[4] == "ms",
            "{line}"
        );
    }
    for secret in ["张", "背景", CODE, &order, &s, reference] {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
}

#[test]
fn uploads_must_be_the_presets_jpeg_intact() {
    let api = Api::new("upload");
    let (s, order) = api.paid_order();
    let photo = standard_photo();
    let code = |r: Reply| (r.status, r.code());
    let ok = |p: &[u8]| sha(p);

    let mut big = photo.to_vec();
    big.resize(41 * 1024, 0);
    assert_eq!(
        code(api.upload(&order, &s, &big, &ok(&big), "image/jpeg")),
        (StatusCode::PAYLOAD_TOO_LARGE, "upload.too_large".into())
    );
    // Announced over the preset's 40 000 bytes: refused from its headers, its body never read
    // (here it never comes), with the sizes in the answer.
    let announced = Request::builder()
        .method("PUT")
        .uri(format!("/api/v1/orders/{order}/photo"))
        .header("authorization", format!("Bearer {s}"))
        .header("content-type", "image/jpeg")
        .header("x-content-sha256", ok(photo))
        .header("content-length", "1000000")
        .body(Body::empty())
        .unwrap();
    let refused = api.send(announced);
    assert_eq!(
        code(refused.clone()),
        (StatusCode::PAYLOAD_TOO_LARGE, "upload.too_large".into())
    );
    assert!(refused.json()["message_en"]
        .as_str()
        .is_some_and(|m| m.contains("1000000 bytes, more than 40000")));
    let flat = image::RgbImage::from_pixel(480, 640, image::Rgb([100, 197, 255]));
    let png = common::png(&image::DynamicImage::ImageRgb8(flat));
    assert_eq!(
        code(api.upload(&order, &s, &png, &ok(&png), "image/jpeg")).1,
        "upload.not_jpeg"
    );
    assert_eq!(
        code(api.upload(&order, &s, photo, &ok(photo), "image/png")).1,
        "upload.not_jpeg"
    );
    let small = &photo[..10 * 1024];
    assert_eq!(
        code(api.upload(&order, &s, small, &ok(small), "image/jpeg")).1,
        "upload.bad_size"
    );
    assert_eq!(
        code(api.upload(&order, &s, photo, &"ab".repeat(32), "image/jpeg")).1,
        "upload.hash_mismatch"
    );
    assert_eq!(
        code(api.upload(&order, &s, photo, "", "image/jpeg")).1,
        "upload.hash_mismatch"
    );
    // Cut off before the end: the hash of what arrived matches, the JPEG does not.
    let cut = &photo[..photo.len() - 3000];
    assert_eq!(
        code(api.upload(&order, &s, cut, &ok(cut), "image/jpeg")),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "upload.trailing_data".into()
        )
    );
    // Damaged or off-spec files that a lenient decoder would take (the bottom of a cut file
    // filled grey, a ZIP riding after the image, greyscale, 72 dpi, progressive).
    for (what, bytes, expected) in damaged_and_off_spec(photo) {
        assert_eq!(
            code(api.upload(&order, &s, &bytes, &ok(&bytes), "image/jpeg")),
            (StatusCode::UNPROCESSABLE_ENTITY, expected.to_string()),
            "{what}"
        );
    }
    // A well-formed JPEG in the byte window, 20 px too wide.
    let mut spec = Preset::builtin("chsi-graduation").unwrap().output;
    spec.width = 500;
    let wide_image = image::imageops::resize(
        &common::grace(),
        500,
        640,
        image::imageops::FilterType::Triangle,
    );
    let wide = gradphoto::encode_to_spec(&wide_image, &spec).unwrap().bytes;
    assert_eq!(
        code(api.upload(&order, &s, &wide, &ok(&wide), "image/jpeg")).1,
        "upload.bad_dimensions"
    );
    // Lying frame headers (a decompression bomb declaring 16384² px in 40 KB, the sides
    // swapped, zero): refused from the header, before any pixel is decoded.
    let sof = photo
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline frame header");
    for (what, height, width, expected) in [
        ("16384 × 16384", 16384u16, 16384u16, "upload.bad_dimensions"),
        ("640 × 480", 480, 640, "upload.bad_dimensions"),
        ("0 × 0", 0, 0, "upload.damaged"),
    ] {
        let mut lying = photo.to_vec();
        lying[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
        lying[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
        let (status, got) = code(api.upload(&order, &s, &lying, &ok(&lying), "image/jpeg"));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert!(
            got == expected || got == "upload.bad_dimensions",
            "{what}: {got}"
        );
    }
    // Nothing was stored by any of them, in the database or on disk.
    assert_eq!(
        api.call("GET", &format!("/orders/{order}"), Some(&s), None)
            .json()["photo"],
        Value::Null
    );
    let photos = api._dir.0.join("photos");
    assert_eq!(std::fs::read_dir(&photos).unwrap().count(), 0);
    assert_eq!(
        api.upload(&order, &s, photo, &ok(photo), "image/jpeg")
            .status,
        StatusCode::CREATED
    );
}

#[test]
fn sessions_orders_and_tokens_are_checked() {
    let api = Api::new("auth");
    let (s, order) = api.paid_order();
    assert_eq!(
        api.call("GET", &format!("/orders/{order}"), None, None)
            .code(),
        "auth.required"
    );
    assert_eq!(
        api.call("GET", &format!("/orders/{order}"), Some("s_forged"), None)
            .code(),
        "auth.required"
    );
    // Another user's session cannot see or touch the order, nor learn that it exists.
    let other = api.session_of("student-b");
    assert_eq!(
        api.call("GET", &format!("/orders/{order}"), Some(&other), None)
            .code(),
        "order.not_found"
    );
    assert_eq!(
        api.call(
            "POST",
            &format!("/orders/{order}/withdraw"),
            Some(&other),
            None
        )
        .code(),
        "order.not_found"
    );
    assert_eq!(
        api.call(
            "POST",
            "/orders",
            Some(&other),
            Some(json!({ "record": "r_guess" }))
        )
        .code(),
        "record.not_found"
    );
    // Path-shaped ids find nothing.
    assert_eq!(
        api.call("GET", "/orders/..%2F..%2Fgradphoto.sqlite3", Some(&s), None)
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.call(
            "GET",
            "/review/submissions/..%2Fgradphoto/photo",
            Some(TOKEN),
            None
        )
        .status,
        StatusCode::NOT_FOUND
    );
    // Unknown fields and wrong shapes are refused, not ignored, in the API's error shape and
    // without quoting what was sent.
    let extra = json!({ "login": "x", "admin": true });
    let refused = api.call("POST", "/session", None, Some(extra));
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (StatusCode::BAD_REQUEST, "request.invalid")
    );
    let number =
        json!({ "school": "国家开放大学", "category": "开放教育", "code": CODE, "last4": 5678 });
    let refused = api.call("POST", "/verify", Some(&s), Some(number));
    assert_eq!(refused.code(), "request.invalid");
    assert!(!String::from_utf8_lossy(&refused.bytes).contains("5678"));
    assert_eq!(
        api.call("POST", "/nope", Some(&s), None).code(),
        "request.not_found"
    );
    // A renewed session of the same user reaches the order directly.
    let renewed = api.session();
    let seen = api.call("GET", &format!("/orders/{order}"), Some(&renewed), None);
    assert_eq!(seen.json()["status"], "paid");
    // Another user who verifies the same student (a new phone) reaches the same, paid order.
    let record = api.verify(&other, "1234").json()["record"]["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let body = Some(json!({ "record": record }));
    let same = api.call("POST", "/orders", Some(&other), body).json();
    assert_eq!(
        (same["order"].as_str(), same["status"].as_str()),
        (Some(order.as_str()), Some("paid"))
    );
}

#[test]
fn verification_is_limited_and_sql_shaped_input_is_only_text() {
    let api = Api::new("verify");
    let s = api.session();
    let inject = api.call(
        "POST",
        "/eligibility",
        Some(&s),
        Some(json!({ "school": "x' OR '1'='1", "category": "开放教育" })),
    );
    assert_eq!(inject.json()["eligible"], false);
    let inject = api.call(
        "POST",
        "/verify",
        Some(&s),
        Some(json!({ "school": "国家开放大学", "category": "开放教育", "code": "' OR 1=1 --", "last4": "1234" })),
    );
    assert_eq!(inject.code(), "verify.mismatch");
    assert_eq!(
        inject.json()["attempts_left"],
        4,
        "an unknown code counts for the login"
    );
    for left in (1..4).rev() {
        let wrong = api.verify(&s, "0000");
        assert_eq!(wrong.code(), "verify.mismatch");
        assert_eq!(wrong.json()["attempts_left"], left);
        assert!(wrong.json()["message_zh"]
            .as_str()
            .unwrap()
            .contains(&format!("还可尝试 {left} 次")));
    }
    // The fifth failure earns a lock of one minute, said with the failure itself.
    let fifth = api.verify(&s, "0000");
    assert_eq!(fifth.json()["attempts_left"], 0);
    assert_eq!(fifth.json()["retry_after_s"], 60);
    assert!(fifth.json()["message_zh"]
        .as_str()
        .unwrap()
        .contains("1 分钟"));
    // Locked: even the right answer is refused, also from a new session of the same login.
    let limited = api.verify(&s, "1234");
    assert_eq!(
        (limited.status, limited.code().as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "verify.locked")
    );
    // The lock began at the fifth failure; a whole second may have passed since.
    let wait = limited.json()["retry_after_s"].as_i64().unwrap();
    assert!((55..=60).contains(&wait), "retry_after_s {wait}");
    assert_eq!(api.verify(&api.session(), "1234").code(), "verify.locked");
    // After the minute: one try; failing it doubles the lock.
    api.advance_clock(60);
    assert_eq!(api.verify(&s, "0000").json()["retry_after_s"], 120);
    assert_eq!(api.verify(&s, "1234").code(), "verify.locked");
    api.advance_clock(120);
    assert_eq!(api.verify(&s, "1234").status, StatusCode::OK);
    // A success clears the count: five tries again.
    let again = api.verify(&s, "0000");
    assert_eq!(again.json()["attempts_left"], 4);
    // Another user is not affected; a success clears the count of failures in a row.
    let b = api.session_of("student-b");
    for _ in 0..2 {
        for _ in 0..4 {
            assert_eq!(api.verify(&b, "0000").code(), "verify.mismatch");
        }
        assert_eq!(api.verify(&b, "1234").status, StatusCode::OK);
    }
}

/// An unknown code, another school's code and a wrong last 4 get one answer (status, code,
/// message, tries left), so no answer tells which codes exist; each counts for the login.
#[test]
fn an_unknown_code_a_wrong_school_and_a_wrong_last_4_get_the_same_answer() {
    let api = Api::new("verify-one-answer");
    let ask = |login: &str, school: &str, code: &str, last4: &str| {
        let s = api.session_of(login);
        let r = api.call(
            "POST",
            "/verify",
            Some(&s),
            Some(json!({ "school": school, "category": "开放教育", "code": code, "last4": last4 })),
        );
        (r.status, r.json())
    };
    let unknown = ask("guess-1", "国家开放大学", "GP1-2026-999999", "1234");
    let school = ask("guess-2", "清华大学", CODE, "1234");
    let last4 = ask("guess-3", "国家开放大学", CODE, "0000");
    assert_eq!(unknown.0, StatusCode::NOT_FOUND);
    assert_eq!(unknown.1["code"], "verify.mismatch");
    assert_eq!(unknown.1["attempts_left"], 4, "it counted for the login");
    assert_eq!(unknown, school);
    assert_eq!(unknown, last4);
}

/// A patient guesser with a fresh login for every try, waiting out every lock: the code takes at
/// most its yearly budget of failed tries, then refuses every login that has not verified it (a
/// new code from the school is the way on), while its graduate, verified before, goes on.
#[test]
fn a_code_takes_no_more_than_its_yearly_budget_of_failures() {
    let api = Api::new("verify-budget");
    let graduate = api.session_of("the-graduate");
    assert_eq!(api.verify(&graduate, "1234").status, StatusCode::OK);
    let (mut failures, mut waited) = (0u32, 0i64);
    for n in 0.. {
        let r = api.verify(&api.session_of(&format!("guesser-{n}")), "0000");
        match r.code().as_str() {
            "verify.mismatch" => failures += 1,
            "verify.code_locked" => {
                let wait = r.json()["retry_after_s"].as_i64().unwrap();
                api.advance_clock(wait);
                waited += wait;
            }
            "verify.code_retired" => break,
            other => panic!("unexpected {other}"),
        }
        assert!(
            waited < 365 * 86_400,
            "a year passed with {failures} failures"
        );
    }
    assert_eq!(failures, 100);
    assert!(f64::from(failures) / 11_000.0 < 0.01);
    // Retired for every new login, even with the right last 4; its graduate goes on.
    let late = api.verify(&api.session_of("late-comer"), "1234");
    assert_eq!(
        (late.status, late.code().as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "verify.code_retired")
    );
    assert!(late.json()["message_zh"]
        .as_str()
        .unwrap()
        .contains("重新生成采集码"));
    // (Months later: a new session of the same login.)
    let graduate = api.session_of("the-graduate");
    assert_eq!(api.verify(&graduate, "1234").status, StatusCode::OK);
}

#[test]
fn static_files_go_compressed_where_prepared_and_say_how_to_cache() {
    let api = Api::new("static");
    let pkg = api._dir.0.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let module = vec![7u8; 10_000];
    std::fs::write(pkg.join("m.wasm"), &module).unwrap();
    // The prepared copy is passed through as it is (scripts/build makes it with gzip -9), so any
    // bytes tell which file was sent.
    let gz = b"\x1f\x8b prepared copy".to_vec();
    std::fs::write(pkg.join("m.wasm.gz"), &gz).unwrap();
    let get = |encoding: Option<&str>| {
        let mut r = Request::builder().uri("/pkg/m.wasm");
        if let Some(e) = encoding {
            r = r.header("accept-encoding", e);
        }
        let reply = api.send(r.body(Body::empty()).unwrap());
        (reply.headers, reply.bytes)
    };
    let (headers, bytes) = get(Some("gzip, br"));
    assert_eq!(headers["content-encoding"], "gzip");
    assert_eq!(bytes, gz);
    assert_eq!(headers["cache-control"], "no-cache");
    assert!(headers.contains_key("last-modified"));
    let (headers, bytes) = get(None);
    assert!(!headers.contains_key("content-encoding"));
    assert_eq!(bytes, module);
    // With a Brotli copy beside it (scripts/build makes both), a browser that takes Brotli gets
    // it, one that takes only gzip the gzip copy.
    let br = b"prepared brotli copy".to_vec();
    std::fs::write(pkg.join("m.wasm.br"), &br).unwrap();
    let (headers, bytes) = get(Some("gzip, deflate, br, zstd"));
    assert_eq!(headers["content-encoding"], "br");
    assert_eq!(bytes, br);
    assert_eq!(headers["cache-control"], "no-cache");
    let (headers, bytes) = get(Some("gzip"));
    assert_eq!(headers["content-encoding"], "gzip");
    assert_eq!(bytes, gz);
}

/// Every answer: no sniffing, no referrer, no framing; pages also a content security policy that
/// allows WebAssembly and the camera's blobs but no other site's scripts (WeChat's JS-SDK apart).
#[test]
fn every_answer_carries_the_security_headers() {
    let api = Api::new("headers");
    let page = api.send(Request::builder().uri("/").body(Body::empty()).unwrap());
    assert_eq!(page.status, StatusCode::OK);
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    for part in [
        "'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
        "img-src 'self' blob:",
        "https://res.wx.qq.com",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(!csp.contains("'unsafe-eval'") && !csp.contains("'unsafe-inline'"));
    let call = api.call("GET", "/schools", None, None);
    for reply in [&page, &call] {
        assert_eq!(reply.headers["x-content-type-options"], "nosniff");
        assert_eq!(reply.headers["referrer-policy"], "no-referrer");
        assert_eq!(reply.headers["x-frame-options"], "DENY");
    }
    assert!(!call.headers.contains_key("content-security-policy"));
}

#[test]
fn a_decision_binds_to_the_photo_the_reviewer_saw() {
    let api = Api::new("stale");
    let (s, order) = api.paid_order();
    let (x, y) = (standard_photo(), other_photo());
    assert_ne!(sha(x), sha(y));
    let submit = |bytes: &[u8]| api.upload_and_submit(&order, &s, bytes);
    // The reviewer lists X; meanwhile the student withdraws, uploads Y and submits it.
    submit(x);
    let listed = api
        .call("GET", "/review/submissions", Some(TOKEN), None)
        .json();
    let seen = listed["submissions"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(seen, sha(x));
    assert_eq!(listed["reasons"].as_array().unwrap().len(), 14);
    api.call("POST", &format!("/orders/{order}/withdraw"), Some(&s), None);
    submit(y);
    let decide = |decision: &str, sha256: &str| {
        api.call(
            "POST",
            &format!("/review/submissions/{order}/decision"),
            Some(TOKEN),
            Some(json!({ "decision": decision, "reason": "背景", "sha256": sha256 })),
        )
    };
    let stale = decide("approve", &seen);
    assert_eq!(
        (stale.status, stale.code().as_str()),
        (StatusCode::CONFLICT, "review.stale")
    );
    assert_eq!(decide("reject", &seen).code(), "review.stale");
    // A decision without the hash is not taken at all.
    let bare = api.call(
        "POST",
        &format!("/review/submissions/{order}/decision"),
        Some(TOKEN),
        Some(json!({ "decision": "approve" })),
    );
    assert_eq!(bare.code(), "request.invalid");
    // The photo the reviewer has now seen is decided.
    assert_eq!(decide("approve", &sha(y)).json()["status"], "approved");
    // Publishing twice: the second says the order is locked, as api.yaml says.
    let publish = || {
        api.call(
            "POST",
            &format!("/review/submissions/{order}/publish"),
            Some(TOKEN),
            None,
        )
    };
    assert_eq!(publish().json()["status"], "published");
    assert_eq!(publish().code(), "order.locked");
}

#[test]
fn every_error_is_in_the_documented_shape() {
    let api = Api::new("shapes");
    let s = api.session();
    let shaped = |r: &Reply, status: StatusCode, code: &str| {
        assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.bytes));
        let v = r.json();
        assert_eq!(v["code"], code);
        assert!(v["message_zh"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(v["message_en"].as_str().is_some_and(|m| !m.is_empty()));
    };
    // A body over the limit (framework: plain text before).
    let big = Request::builder()
        .method("POST")
        .uri("/api/v1/eligibility")
        .header("authorization", format!("Bearer {s}"))
        .header("content-type", "application/json")
        .body(Body::from(vec![b' '; 2 << 20]))
        .unwrap();
    shaped(
        &api.send(big),
        StatusCode::PAYLOAD_TOO_LARGE,
        "request.too_large",
    );
    // A path that does not decode (framework: plain-text 400).
    let raw = Request::builder()
        .uri("/api/v1/orders/%FF%FE")
        .header("authorization", format!("Bearer {s}"))
        .body(Body::empty())
        .unwrap();
    shaped(&api.send(raw), StatusCode::BAD_REQUEST, "request.invalid");
    // A method the route does not take (framework: empty 405).
    shaped(
        &api.call("DELETE", "/session", None, None),
        StatusCode::METHOD_NOT_ALLOWED,
        "request.method_not_allowed",
    );
    shaped(
        &api.call("GET", "/no/such/call", None, None),
        StatusCode::NOT_FOUND,
        "request.not_found",
    );
}

#[test]
fn sessions_end_and_logins_must_be_visible() {
    let api = Api::new("sessions");
    for login in [
        "\u{0}\u{0}",
        "\u{200B}\u{200B}",
        "  ",
        "a\u{200D}b",
        "a\u{2066}b",
        "\u{3164}",
        "a\u{00AD}b",
        "a\u{E0062}b",
        &"x".repeat(129),
    ] {
        let r = api.call("POST", "/session", None, Some(json!({ "login": login })));
        assert_eq!(r.code(), "request.invalid", "{login:?}");
    }
    let s = api.session();
    assert_eq!(
        api.call("GET", "/schools?q=北京", Some(&s), None).status,
        StatusCode::OK
    );
    // Seven days later the session has ended; signing in again works.
    api.advance_clock(7 * 24 * 3600);
    assert_eq!(
        api.call("GET", "/schools?q=北京", Some(&s), None).code(),
        "auth.required"
    );
    let again = api.session();
    assert_eq!(
        api.call("GET", "/schools?q=北京", Some(&again), None)
            .status,
        StatusCode::OK
    );
    // At most ten sessions per login: the oldest end as new ones start.
    let first = api.session();
    for _ in 0..10 {
        api.session();
    }
    assert_eq!(
        api.call("GET", "/schools?q=北京", Some(&first), None)
            .code(),
        "auth.required"
    );
}

/// The real connection loop on 127.0.0.1 (`serve_with`, at most `max_connections` at once) over a
/// fresh store, with `short` header and body timeouts and a 5 s request timeout: the store, the
/// runtime that serves (both must live as long as the test talks to it) and the address.
fn live_server(
    name: &str,
    short: std::time::Duration,
    max_connections: usize,
) -> (Api, tokio::runtime::Runtime, std::net::SocketAddr) {
    let api = Api::with_timeouts(
        name,
        gradphoto::server::Timeouts {
            headers: short,
            body: short,
            request: std::time::Duration::from_secs(5),
        },
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(gradphoto::server::serve_with(
        listener,
        api.state.clone(),
        std::future::pending(),
        max_connections,
    ));
    (api, runtime, addr)
}

/// At most so many connections at once: with a cap of 2 and two clients that send nothing, a third
/// client waits in the backlog (not refused, not answered) until the header timeout frees a slot,
/// and is then served; the descriptors the process holds stay bounded by the cap.
#[test]
fn connections_are_capped_and_the_rest_wait_their_turn() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let (_api, _runtime, addr) = live_server("capped", Duration::from_millis(800), 2);
    let idle: Vec<_> = (0..2)
        .map(|_| std::net::TcpStream::connect(addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let mut third = std::net::TcpStream::connect(addr).unwrap();
    third
        .write_all(b"GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    third
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reply = String::new();
    third.read_to_string(&mut reply).unwrap();
    assert!(reply.contains("request.not_found"), "{reply}");
    // Served only once the idle two were closed by the header timeout.
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "served after {:?}, before a slot was free",
        started.elapsed()
    );
    drop(idle);
}

/// The real connection loop on 127.0.0.1 with short timeouts: a client that never finishes its
/// headers is disconnected, one that stalls its body gets a typed error, and meanwhile others
/// are served.
#[test]
fn slow_clients_are_cut_off() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let (_api, _runtime, addr) = live_server(
        "slow",
        Duration::from_millis(500),
        gradphoto::server::MAX_CONNECTIONS,
    );
    // Headers never finished: closed after the header timeout.
    let started = Instant::now();
    let mut loris = std::net::TcpStream::connect(addr).unwrap();
    loris
        .write_all(b"GET /api/v1/schools HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    loris
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut rest = Vec::new();
    let _ = loris.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(5),
        "closed after {waited:?}: {}",
        String::from_utf8_lossy(&rest)
    );
    // A body announced but not sent: a typed error after the body timeout.
    let mut stall = std::net::TcpStream::connect(addr).unwrap();
    stall
        .write_all(b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999\r\n\r\n{\"login\"")
        .unwrap();
    stall
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = vec![0u8; 4096];
    let n = stall.read(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]).to_string();
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
    assert!(answer.contains("\"code\":\"request."), "{answer}");
    // A body announced far over the limit is refused at once, not waited for.
    let started = Instant::now();
    let mut huge = std::net::TcpStream::connect(addr).unwrap();
    huge.write_all(
        b"PUT /api/v1/orders/o_x/photo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
    )
    .unwrap();
    huge.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = vec![0u8; 4096];
    let n = huge.read(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]).to_string();
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    // A body nobody may send (no session): answered 401 as soon as the headers are in, its bytes
    // neither waited for nor held (before, the route read the whole body, then refused it).
    let mut anon = std::net::TcpStream::connect(addr).unwrap();
    anon.write_all(
        b"PUT /api/v1/orders/o_x/photo HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 1000000\r\n\r\n\xff\xd8\xff",
    )
    .unwrap();
    anon.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = vec![0u8; 4096];
    let n = anon.read(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]).to_string();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("auth.required"), "{answer}");
    // Meanwhile the server answers others.
    let mut ok = std::net::TcpStream::connect(addr).unwrap();
    ok.write_all(b"GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    ok.read_to_string(&mut reply).unwrap();
    assert!(reply.contains("request.not_found"), "{reply}");
}

/// Uploads (the same bytes twice at once, other bytes at once), submits, withdrawals and the
/// reviewer's decisions, mixed at random over four orders with two sessions each, ~40 calls in
/// flight at a time: no 5xx, and every order's photo is intact afterwards.
#[test]
fn concurrent_calls_never_lose_a_photo() {
    let api = Api::new("race");
    let mut sessions = Vec::new();
    for (i, student) in STUDENTS.iter().enumerate() {
        let (a, order) = api.paid_order_of(&format!("race-a{i}"), *student);
        let (b, same) = api.paid_order_of(&format!("race-b{i}"), *student);
        assert_eq!(order, same);
        sessions.push((order, a, b));
    }
    let photos: Vec<&'static [u8]> = vec![standard_photo(), other_photo(), third_photo()];
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let mut seed = 0x2545_f491_u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut statuses = std::collections::BTreeMap::<(String, u16), usize>::new();
    let mut calls = 0;
    for _wave in 0..6 {
        let _inside = runtime.enter();
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..40 {
            let (order, a, b) = sessions[next(sessions.len())].clone();
            let session = if next(2) == 0 { a } else { b };
            let photo = photos[next(photos.len())];
            let kind = next(10);
            let (what, request) = match kind {
                0..=3 => ("upload", upload_request(&order, &session, photo)),
                4..=5 => (
                    "submit",
                    json_request(
                        "POST",
                        &format!("/orders/{order}/submit"),
                        &session,
                        json!({ "sha256": sha(photo) }),
                    ),
                ),
                6 => (
                    "withdraw",
                    json_request(
                        "POST",
                        &format!("/orders/{order}/withdraw"),
                        &session,
                        Value::Null,
                    ),
                ),
                _ => {
                    let decision = if next(4) == 0 { "approve" } else { "reject" };
                    (
                        "decide",
                        json_request(
                            "POST",
                            &format!("/review/submissions/{order}/decision"),
                            TOKEN,
                            json!({ "decision": decision, "reason": "背景", "sha256": sha(photo) }),
                        ),
                    )
                }
            };
            let app = api.app.clone();
            set.spawn(async move {
                let response = app.oneshot(request).await.unwrap();
                (what, response.status().as_u16())
            });
            calls += 1;
        }
        for (what, status) in runtime.block_on(set.join_all()) {
            assert!(status < 500, "{what} answered {status}");
            *statuses.entry((what.to_string(), status)).or_default() += 1;
        }
    }
    let stored = assert_photos_consistent(&api._dir.0);
    assert_eq!(stored, 4, "every order ended with a photo");
    eprintln!("{calls} calls, answers by kind and status: {statuses:?}");
}

/// A small tmpfs mounted over a folder for one test, unmounted when dropped.
struct SmallVolume(std::path::PathBuf);

impl SmallVolume {
    /// `None` where this machine cannot mount one (not root, or in a container that forbids it).
    fn mount(at: &std::path::Path, kib: u32) -> Option<SmallVolume> {
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| SmallVolume(at.to_path_buf()))
    }
}

impl Drop for SmallVolume {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_refuses_the_upload_and_keeps_the_previous_photo() {
    let api = Api::new("full-disk");
    let photos = api._dir.0.join("photos");
    // Room for one photo and not two (tmpfs counts whole 4 KiB pages).
    let room = (standard_photo().len() / 1024 + 12) as u32;
    let Some(_volume) = SmallVolume::mount(&photos, room) else {
        eprintln!(
            "skipped: cannot mount a tmpfs here (needs root); \
             photos::tests covers a disk that fills up with an injected writer"
        );
        return;
    };
    let (s, order) = api.paid_order();
    let first = api.upload(
        &order,
        &s,
        standard_photo(),
        &sha(standard_photo()),
        "image/jpeg",
    );
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.json());
    let second = api.upload(&order, &s, other_photo(), &sha(other_photo()), "image/jpeg");
    assert_eq!(second.status, StatusCode::INSUFFICIENT_STORAGE);
    assert_eq!(second.code(), "storage.full");
    assert!(second.json()["message_en"]
        .as_str()
        .unwrap()
        .contains("earlier photo is kept"));
    // The order still names the first photo, whose file is whole; nothing half-written is left.
    let now = api.call("GET", &format!("/orders/{order}"), Some(&s), None);
    assert_eq!(now.json()["photo"]["sha256"], sha(standard_photo()));
    assert_eq!(assert_photos_consistent(&api._dir.0), 1);
    let served = api.send(
        Request::builder()
            .uri(format!("/api/v1/review/submissions/{order}/photo"))
            .header("authorization", format!("Bearer {TOKEN}"))
            .body(Body::empty())
            .unwrap(),
    );
    if served.status == StatusCode::OK {
        assert_eq!(served.bytes, standard_photo());
    }
    // Submitting the refused photo is refused; the kept one goes through.
    let refused = api.call(
        "POST",
        &format!("/orders/{order}/submit"),
        Some(&s),
        Some(json!({ "sha256": sha(other_photo()) })),
    );
    assert!(refused.status.is_client_error());
    let kept = api.call(
        "POST",
        &format!("/orders/{order}/submit"),
        Some(&s),
        Some(json!({ "sha256": sha(standard_photo()) })),
    );
    assert_eq!(kept.json()["status"], "under_review");
}

#[test]
fn a_stored_photo_that_no_longer_matches_is_quarantined_at_start() {
    let api = Api::new("quarantine");
    let (s, order) = api.paid_order();
    api.upload_and_submit(&order, &s, standard_photo());
    let name = format!("{order}-{}.jpg", sha(standard_photo()));
    let file = api._dir.0.join("photos").join(&name);
    // Cut short, as a full disk once left it.
    std::fs::write(&file, &standard_photo()[..20_480]).unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let restarted = open_state(&api._dir.0, true, Default::default(), log.clone());
    let app = router(restarted);
    let get = Request::builder()
        .uri(format!("/api/v1/orders/{order}"))
        .header("authorization", format!("Bearer {s}"))
        .body(Body::empty())
        .unwrap();
    let order_now: Value = api.runtime.block_on(async {
        let r = app.clone().oneshot(get).await.unwrap();
        serde_json::from_slice(&r.into_body().collect().await.unwrap().to_bytes()).unwrap()
    });
    assert_eq!(order_now["status"], "rejected");
    assert!(order_now["photo"].is_null());
    assert!(order_now["rejection_reason"]
        .as_str()
        .unwrap()
        .contains("重新上传"));
    assert!(!file.exists(), "the damaged file is no longer served");
    assert!(api._dir.0.join("photos/quarantine").join(&name).exists());
    let said = log.lock().unwrap().join("\n");
    assert!(said.contains("quarantine"), "{said}");
    assert!(
        !said.contains(&sha(standard_photo())),
        "the log names no photo"
    );
}

fn upload_request(order: &str, session: &str, jpeg: &[u8]) -> Request<Body> {
    Request::builder()
        .method("PUT")
        .uri(format!("/api/v1/orders/{order}/photo"))
        .header("authorization", format!("Bearer {session}"))
        .header("content-type", "image/jpeg")
        .header("x-content-sha256", sha(jpeg))
        .body(Body::from(jpeg.to_vec()))
        .unwrap()
}

fn json_request(method: &str, path: &str, bearer: &str, body: Value) -> Request<Body> {
    let builder = Request::builder()
        .method(method)
        .uri(format!("/api/v1{path}"))
        .header("authorization", format!("Bearer {bearer}"));
    if body.is_null() {
        builder.body(Body::empty()).unwrap()
    } else {
        builder
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    }
}

#[test]
fn the_test_clock_is_off_unless_asked_for() {
    let api = Api::with_clock("no-clock", false);
    let r = api.call(
        "POST",
        "/test/clock",
        None,
        Some(json!({ "advance_s": 60 })),
    );
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[test]
fn one_code_cannot_be_guessed_from_many_logins() {
    let api = Api::new("code-limit");
    // Ten wrong guesses at one code, each from a fresh login (each login stays under its own
    // limit of five), then the code is locked for 15 minutes to everyone who has not verified it
    // before, also for the right answer.
    let owner = api.session_of("student-a");
    assert_eq!(api.verify(&owner, "1234").status, StatusCode::OK);
    for i in 0..10 {
        let s = api.session_of(&format!("guesser-{i}"));
        assert_eq!(api.verify(&s, "0000").code(), "verify.mismatch");
    }
    let fresh = api.session_of("student-z");
    let locked = api.verify(&fresh, "1234");
    assert_eq!(locked.code(), "verify.code_locked");
    // 15 minutes from the tenth failure, counted in whole seconds: a second may have passed since.
    let wait = locked.json()["retry_after_s"].as_i64().unwrap();
    assert!((890..=900).contains(&wait), "retry_after_s {wait}");
    assert!(locked.json()["message_zh"]
        .as_str()
        .unwrap()
        .contains("联系学校"));
    // The graduate who verified this code before is not held by the strangers' guesses.
    assert_eq!(api.verify(&owner, "1234").status, StatusCode::OK);
    // Another student's code is not affected.
    let other = api.call(
        "POST",
        "/verify",
        Some(&fresh),
        Some(json!({ "school": "北京大学", "category": "普通高等教育", "code": "GP1-2026-000002", "last4": "567x" })),
    );
    assert_eq!(other.status, StatusCode::OK);
    // After the lock, the code is open again.
    api.advance_clock(900);
    assert_eq!(api.verify(&fresh, "1234").status, StatusCode::OK);
}
