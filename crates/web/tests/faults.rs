//! When things break underneath: the database gone, the upload folder unwritable. Answers stay
//! clear and in French; nothing half-done is left.

mod support;

use axum::http::{StatusCode, header};
use support::{TestApp, backends};

#[tokio::test]
async fn a_lost_database_answers_503_not_500() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        app.state.store.close().await;
        for uri in ["/offres/1", "/offres?q=boulanger", "/readyz"] {
            let r = app.get(uri).await;
            assert_eq!(
                r.status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{backend} {uri}: {}",
                r.body
            );
        }
        let r = app.get("/api/v1/offers/1").await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            r.json()["error"]
                .as_str()
                .unwrap()
                .contains("momentanément indisponible")
        );
        assert_eq!(
            app.get("/healthz").await.status,
            StatusCode::OK,
            "the process itself is up"
        );
    }
}

#[tokio::test]
async fn an_unwritable_upload_folder_refuses_the_cv_clearly_and_nothing_else_breaks() {
    let app = TestApp::with_catalogue("sqlite").await;
    // The uploads folder is a file: nothing can be written under it.
    std::fs::write(app.uploads.path().join("cv"), b"not a folder").unwrap();
    let r = app.get("/offres/1/postuler").await;
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
    let csrf = cookie.split_once('=').unwrap().1.to_owned();
    let boundary = "----b";
    let mut body = Vec::new();
    for (k, v) in [
        ("csrf", csrf.as_str()),
        ("prenom", "Léa"),
        ("nom", "Martin"),
        ("email", "lea@exemple.fr"),
        ("commune", "61293"),
        ("date_naissance", "2008-01-01"),
        ("mobilite", "aucune"),
        ("consentement", "oui"),
    ] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\n\r\n%PDF-1.4 cv\r\n--{boundary}--\r\n").as_bytes());
    let request = axum::http::Request::post("/offres/1/postuler")
        .header(header::COOKIE, &cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    let r = app.raw(request).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("Votre CV n&#39;a pas pu être enregistré")
            || r.body.contains("Votre CV n'a pas pu être enregistré"),
        "{}",
        r.body
    );
    assert!(
        app.state.store.applications(10).await.unwrap().is_empty(),
        "nothing half-stored"
    );
    assert_eq!(
        app.get("/offres?q=boulanger").await.status,
        StatusCode::OK,
        "the rest works"
    );
}
