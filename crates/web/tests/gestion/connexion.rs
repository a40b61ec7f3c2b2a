//! Signing in and out, the login form's CSRF token, failures slowing down.

use crate::support::{TestApp, backends};
use axum::http::{StatusCode, header};
use tremplin_storage::Role;

#[tokio::test]
async fn signing_in_and_out() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (email, password) = app.user(Role::Conseiller, None).await;
        let (cookie, token) = app.login_form().await;

        for (who, pw) in [
            (email.as_str(), "mauvais mot de passe"),
            ("personne@ml-test.example", "peu importe"),
        ] {
            let r = app
                .post_form(
                    "/connexion",
                    &cookie,
                    &[("email", who), ("password", pw), ("csrf", &token)],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            assert!(
                r.body.contains("E-mail ou mot de passe incorrect."),
                "the same message whether the account exists or not"
            );
        }

        let r = app
            .post_form(
                "/connexion",
                &cookie,
                &[
                    ("email", &email.to_uppercase()),
                    ("password", &password),
                    ("csrf", &token),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/gestion");
        let set: Vec<String> = r
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let session = set
            .iter()
            .find(|c| c.starts_with("tremplin_session="))
            .unwrap();
        assert!(
            session.contains("HttpOnly") && session.contains("SameSite=Lax"),
            "{session}"
        );
        assert!(
            session.contains("Secure"),
            "the test site is https: {session}"
        );
        let cookie = session.split(';').next().unwrap().to_owned();
        assert_eq!(
            app.get_as("/gestion", &cookie).await.status,
            StatusCode::OK,
            "{backend}"
        );

        let page = app.get_as("/gestion", &cookie).await.body;
        let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
        let csrf = &page[at..at + 64];
        assert_eq!(
            app.post_form("/deconnexion", &cookie, &[("csrf", "faux")])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post_form("/deconnexion", &cookie, &[("csrf", csrf)])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            app.get_as("/gestion", &cookie).await.status,
            StatusCode::SEE_OTHER,
            "the session is gone"
        );

        let log = app.state.store.audit_log(10).await.unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "déconnexion",
                "connexion",
                "connexion refusée",
                "connexion refusée"
            ]
        );
    }
}

#[tokio::test]
async fn login_needs_its_csrf_token() {
    let app = TestApp::new("sqlite").await;
    let (email, password) = app.user(Role::Admin, None).await;
    let (cookie, _) = app.login_form().await;
    let r = app
        .post_form(
            "/connexion",
            &cookie,
            &[
                ("email", &email),
                ("password", &password),
                ("csrf", "autre"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            "/connexion",
            "",
            &[("email", &email), ("password", &password), ("csrf", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Le formulaire a expiré"));
}

#[tokio::test]
async fn repeated_failures_slow_down_that_account_from_that_address() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (email, password) = app.user(Role::Conseiller, None).await;
        let (cookie, token) = app.login_form().await;
        for _ in 0..3 {
            let r = app
                .post_form(
                    "/connexion",
                    &cookie,
                    &[("email", &email), ("password", "non"), ("csrf", &token)],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        // Even the right password waits now, without saying whether it was right.
        let r = app
            .post_form(
                "/connexion",
                &cookie,
                &[("email", &email), ("password", &password), ("csrf", &token)],
            )
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{backend}");
        assert_eq!(r.headers.get(header::RETRY_AFTER).unwrap(), "1");
        assert!(r.body.contains("patientez 1 seconde avant de réessayer"));
        // Another account from the same address is still fine (under the per-address limit).
        let (other, other_pw) = app.user(Role::Admin, None).await;
        app.login(&other, &other_pw).await;
    }
}
