//! What the applications tests share: the outbox read back, Léa Martin's application, the form.

use crate::support::TestApp;
use axum::http::{StatusCode, header};
use tremplin_mail::{MailConfig, Mailer};

pub(crate) async fn outbox(app: &TestApp, dir: &std::path::Path) -> Vec<String> {
    let mailer = Mailer::new(
        &MailConfig::Folder(dir.to_owned()),
        "Tremplin <ne-pas-repondre@ml-test.example>",
    )
    .unwrap();
    tremplin_web::services::outbox::drain(&app.state.store, &mailer, &tremplin_web::SystemClock)
        .await
        .unwrap();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

/// The plain text of a message, quoted-printable decoded.
pub(crate) fn text(eml: &str) -> String {
    let b = eml.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
            i += 3;
        } else if b[i] == b'='
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            out.push(u8::from_str_radix(&eml[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Léa Martin's application as the storage receives it, for tests that store it directly.
pub(crate) fn input() -> tremplin_domain::application::ApplicationInput {
    let f = fields("x");
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default()
    };
    tremplin_domain::application::ApplicationInput::parse(
        &get,
        crate::support::now().date_naive(),
        &|_| true,
    )
    .unwrap()
}

pub(crate) async fn form(app: &TestApp, offer: i64) -> (String, String) {
    let r = app.get(&format!("/offres/{offer}/postuler")).await;
    assert_eq!(r.status, StatusCode::OK);
    let cookie = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = cookie.split_once('=').unwrap().1.to_owned();
    (cookie, token)
}

pub(crate) fn fields<'a>(csrf: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("prenom", "Léa"),
        ("nom", "Martin"),
        ("email", "lea.martin@exemple.fr"),
        ("telephone", "06 12 34 56 78"),
        ("commune", "61293"),
        ("date_naissance", "2009-03-15"),
        ("mobilite", "deux_roues"),
        (
            "message",
            "Je recherche un apprentissage en boulangerie, disponible dès janvier.",
        ),
        ("consentement", "oui"),
    ]
}

/// A multipart body as a browser sends it, with an optional file in `cv`.
pub(crate) fn multipart(fields: &[(&str, &str)], cv: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----tremplin-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = cv {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
