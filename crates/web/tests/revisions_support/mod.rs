//! What the tests of partners' pending changes share: an offer sent through the API and
//! published, the change a partner makes to it, and what the public and the back office show.

#![allow(dead_code)]

use axum::http::StatusCode;
use tremplin_domain::lifecycle::{Action, Actor};

use crate::support::{self, TestApp};

pub const OLD_TITLE: &str = "Agent·e de maintenance des bâtiments";
pub const NEW_TITLE: &str = "Apprenti·e horloger·ère";
pub const PHISHING: &str = "https://hameconnage.example/connexion";

pub fn body(title: &str, apply_url: Option<&str>, email: &str) -> String {
    let mut b = serde_json::json!({
        "external_id": "ft-1",
        "title": title,
        "description": "Petits travaux de plomberie, d'électricité et de peinture dans les écoles de la commune.",
        "rome_code": "I1203",
        "company_name": "Commune fictive",
        "commune_code": "61214",
        "contract_type": "apprentissage",
        "positions": 1,
        "contact_email": email,
    });
    if let Some(url) = apply_url {
        b["apply_url"] = url.into();
    }
    b.to_string()
}

pub fn original() -> String {
    body(OLD_TITLE, None, "rh@commune.example")
}

pub fn phishing() -> String {
    body(NEW_TITLE, Some(PHISHING), "recrutement@hameconnage.example")
}

/// The partner changes offer `id` through the API to `body`.
pub async fn put(app: &TestApp, token: &str, id: i64, body: &str) -> support::Reply {
    app.json("PUT", &format!("/api/v1/offers/{id}"), Some(token), body)
        .await
}

/// A partner's offer sent through the API, published by a counselor, in the index.
pub async fn published_offer(app: &TestApp, token: &str) -> i64 {
    let r = app
        .json("POST", "/api/v1/offers", Some(token), &original())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    app.state
        .store
        .apply_offer_action(
            id,
            Action::PublierMaintenant,
            Actor::Conseiller,
            None,
            support::now(),
        )
        .await
        .unwrap();
    app.sync().await;
    id
}

/// The titles the public API's search finds for `q`.
pub async fn found(app: &TestApp, q: &str) -> Vec<String> {
    app.get(&format!("/api/v1/offers?q={q}")).await.json()["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["title"].as_str().unwrap().to_owned())
        .collect()
}

/// The id of the change the counselor's page shows, as its forms send it.
pub fn change_id(page: &str) -> String {
    let marker = "name=\"modification\" value=\"";
    let start = page.find(marker).expect("a pending change on the page") + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

/// What the public reads: page, search and API all show the validated version.
pub async fn public_shows_the_old_version(app: &TestApp, id: i64) {
    app.sync().await;
    let page = app.get(&format!("/offres/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("maintenance des bâtiments"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("hameconnage") && !page.body.contains("horloger"));
    let api = app.get(&format!("/api/v1/offers/{id}")).await.json();
    assert_eq!(api["title"], OLD_TITLE);
    assert_eq!(api["contact"]["apply_url"], serde_json::Value::Null);
    assert_eq!(api["contact"]["email"], "rh@commune.example");
    assert_eq!(found(app, "maintenance").await, [OLD_TITLE]);
    assert!(found(app, "horloger").await.is_empty());
}

/// The mails queued for partners' accounts since last asked: (subject, text).
pub async fn partner_mails(app: &TestApp) -> Vec<(String, String)> {
    let mut out = Vec::new();
    while let Some(m) = app.state.store.claim_mail(4_000_000_000, 60).await.unwrap() {
        app.state
            .store
            .mail_sent(m.id, support::now())
            .await
            .unwrap();
        if m.to_addr.starts_with("partenaire") {
            out.push((m.subject, m.text_body));
        }
    }
    out
}

/// The offer form's fields for the API offer, with `title` and `apply_url`.
pub fn form<'a>(csrf: &'a str, title: &'a str, apply_url: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("title", title),
        (
            "description",
            "Petits travaux de plomberie, d'électricité et de peinture dans les écoles de la commune.",
        ),
        ("rome_code", "I1203"),
        ("company_name", "Commune fictive"),
        ("commune_code", "61214"),
        ("contract_type", "apprentissage"),
        ("positions", "1"),
        ("contact_email", "rh@commune.example"),
        ("apply_url", apply_url),
    ]
}
