//! A fake SMS provider speaking Twilio's Messages API: `POST
//! /2010-04-01/Accounts/{sid}/Messages.json`, a form with `To`, `From`, `Body`, HTTP basic auth
//! with the account id and its secret. It keeps every text it accepts, answers 401 to wrong
//! credentials, 400 (Twilio's code 21211) to a number that is not `+` and digits, and plays
//! scripted statuses first.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use base64::Engine;
use serde_json::json;

#[derive(Default)]
pub struct FakeSms {
    /// The account id and secret it accepts.
    pub account_sid: String,
    pub auth_token: String,
    /// Statuses answered before anything else (a 503 to make the sender try again…).
    pub script: VecDeque<u16>,
    /// Texts accepted: the form as received.
    pub received: Vec<HashMap<String, String>>,
}

pub type SharedSms = Arc<Mutex<FakeSms>>;

impl FakeSms {
    pub fn new(account_sid: &str, auth_token: &str) -> SharedSms {
        Arc::new(Mutex::new(FakeSms {
            account_sid: account_sid.into(),
            auth_token: auth_token.into(),
            ..FakeSms::default()
        }))
    }
}

/// Serves `fake` on a free local port; returns its base address (`http://127.0.0.1:…`).
pub async fn start(fake: SharedSms) -> String {
    let app = Router::new()
        .route("/2010-04-01/Accounts/{sid}/Messages.json", post(message))
        .with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn message(
    State(fake): State<SharedSms>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut f = fake.lock().unwrap();
    if let Some(status) = f.script.pop_front() {
        let status = StatusCode::from_u16(status).unwrap();
        return (
            status,
            Json(json!({"code": 20500, "message": "scripted", "status": status.as_u16()})),
        )
            .into_response();
    }
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", f.account_sid, f.auth_token))
    );
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if sid != f.account_sid || auth != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"code": 20003, "message": "Authenticate", "status": 401})),
        )
            .into_response();
    }
    let to = form.get("To").cloned().unwrap_or_default();
    let valid = to.len() > 8 && to.starts_with('+') && to[1..].bytes().all(|b| b.is_ascii_digit());
    if !valid || form.get("Body").is_none_or(|b| b.is_empty()) || !form.contains_key("From") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"code": 21211, "message": format!("The 'To' number {to} is not a valid phone number."), "status": 400})),
        )
            .into_response();
    }
    f.received.push(form);
    let n = f.received.len();
    (
        StatusCode::CREATED,
        Json(json!({"sid": format!("SM{n:032}"), "status": "queued"})),
    )
        .into_response()
}
