//! What the applications tests share: Léa Martin's application, the form.

pub(crate) use crate::support::{outbox, text};

use crate::support::TestApp;

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
    app.application_form(offer).await
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
