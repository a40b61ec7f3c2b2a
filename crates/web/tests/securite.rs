//! Public forms that live side by side, headers of private pages, stalled bodies, and the
//! login throttle that a stranger cannot turn against a member of staff.

mod support;

use axum::http::{StatusCode, header};
use support::{Reply, TestApp, backends};

/// The cookie a browser keeps after `reply`, as sent back with the next request.
fn keep_cookie(jar: &str, reply: &Reply) -> String {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|v| v.starts_with("tremplin_connexion="))
        .map_or_else(|| jar.to_owned(), str::to_owned)
}

fn csrf_in(body: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = body.find(marker).expect("csrf in the page") + marker.len();
    body[start..].split('"').next().unwrap().to_owned()
}

fn application(csrf: &str) -> Vec<(&str, &str)> {
    vec![
        ("csrf", csrf),
        ("prenom", "Léa"),
        ("nom", "Martin"),
        ("email", "lea.martin@exemple.fr"),
        ("commune", "61293"),
        ("date_naissance", "2009-03-15"),
        ("mobilite", "deux_roues"),
        ("message", "Je recherche un apprentissage, disponible dès janvier."),
        ("consentement", "oui"),
    ]
}

#[tokio::test]
async fn several_public_forms_live_at_once() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let r = app.get("/offres/1/postuler").await;
        let jar = keep_cookie("", &r);
        let first = csrf_in(&r.body);
        // A second offer, the login page and the forgotten password page, in other tabs.
        let r = app.get_as("/offres/2/postuler", &jar).await;
        let jar = keep_cookie(&jar, &r);
        let second = csrf_in(&r.body);
        for page in ["/connexion", "/mot-de-passe-oublie"] {
            let r = app.get_as(page, &jar).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(r.headers.get(header::SET_COOKIE).is_some(), "lifetime renewed");
        }
        let r = app
            .post_form("/offres/1/postuler", &jar, &application(&first))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        assert!(r.body.contains("Votre candidature est partie"));
        let r = app
            .post_form("/offres/2/postuler", &jar, &application(&second))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);

        // A forged token, a missing one, a missing cookie, a cookie made up by the sender:
        // refused, in French.
        let forged = "0".repeat(64);
        for (cookie, token) in [
            (jar.as_str(), forged.as_str()),
            (jar.as_str(), ""),
            ("", first.as_str()),
        ] {
            let r = app
                .post_form("/offres/1/postuler", cookie, &application(token))
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
            assert!(r.body.contains("Le formulaire a expiré"), "{}", r.body);
        }
        // A cookie value this server did not make is replaced, not echoed back.
        let r = app
            .get_as("/connexion", "tremplin_connexion=x; Max-Age=1; Domain=evil")
            .await;
        let token = csrf_in(&r.body);
        assert_eq!(token.len(), 64);
        assert!(keep_cookie("", &r).ends_with(&token));
    }
}

#[tokio::test]
async fn signing_in_keeps_other_public_forms_valid() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (email, password) = app.user(tremplin_storage::Role::Conseiller, None).await;
    let r = app.get("/offres/1/postuler").await;
    let jar = keep_cookie("", &r);
    let token = csrf_in(&r.body);
    let login = app.get_as("/connexion", &jar).await;
    let r = app
        .post_form(
            "/connexion",
            &jar,
            &[
                ("email", email.as_str()),
                ("password", password.as_str()),
                ("csrf", &csrf_in(&login.body)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let jar = keep_cookie(&jar, &r);
    let r = app
        .post_form("/offres/1/postuler", &jar, &application(&token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
