//! Errors are the user's to read: every input that once answered 500 (or panicked) answers a
//! French 4xx; axum's own rejections speak French, as a page or as the API's JSON; texts,
//! points and start dates are checked on every path. (Mail that cannot be sent: `envois.rs`.)

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::{TestApp, backends, now};
use tremplin_storage::Role;

fn content_type(r: &support::Reply) -> &str {
    r.headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// French, in the expected format, with none of axum's English.
fn assert_french(r: &support::Reply, status: StatusCode, json: bool, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    if json {
        assert!(
            content_type(r).starts_with("application/json"),
            "{what}: {:?}",
            r.headers
        );
        let message = r.json()["error"].as_str().unwrap_or_default().to_owned();
        let french = message.contains(['é', 'è', 'à', 'ê']) || message.contains(" n'");
        assert!(french, "{what}: {message}");
    } else {
        assert!(
            content_type(r).starts_with("text/html"),
            "{what}: {:?}",
            r.headers
        );
        assert!(r.body.contains("<html lang=\"fr\">"), "{what}: {}", r.body);
    }
    for english in [
        "Failed",
        "deserialize",
        "Expected",
        "length limit",
        "Invalid URL",
    ] {
        assert!(!r.body.contains(english), "{what}: {}", r.body);
    }
}

#[tokio::test]
async fn a_control_character_in_the_return_path_gives_a_safe_redirect() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (email, password) = app.user(Role::Conseiller, None).await;
        for suite in [
            "/gestion\u{1}",
            "/gestion/offres\r\nSet-Cookie: x=1",
            "/gestion\u{7f}",
        ] {
            let (cookie, csrf) = app.login_form().await;
            let fields = [
                ("email", email.as_str()),
                ("password", &password),
                ("csrf", &csrf),
                ("suite", suite),
            ];
            let r = app.post_form("/connexion", &cookie, &fields).await;
            assert_eq!(
                r.status,
                StatusCode::SEE_OTHER,
                "{backend} {suite:?}: {}",
                r.body
            );
            assert_eq!(r.headers[header::LOCATION], "/gestion");
            let wrong = [
                ("email", email.as_str()),
                ("password", "faux"),
                ("csrf", &csrf),
                ("suite", suite),
            ];
            let r = app.post_form("/connexion", &cookie, &wrong).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend} {suite:?}");
        }
    }
}

#[tokio::test]
async fn an_organisation_that_does_not_exist_is_refused_when_inviting_or_editing_a_user() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Admin, None).await;
        let invite = [
            ("csrf", csrf.as_str()),
            ("email", "nouvelle@partenaire.example"),
            ("role", "partenaire"),
            ("organisation", "999999"),
        ];
        let r = app
            .post_form("/gestion/utilisateurs", &cookie, &invite)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
        assert!(
            r.body.contains("Cette organisation n&#39;existe pas")
                || r.body.contains("Cette organisation n'existe pas"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("indisponible"));
        assert_eq!(
            app.state.store.mail_counts().await.unwrap(),
            (0, 0),
            "{backend}: no invitation sent"
        );

        let (other, _) = app.user(Role::Conseiller, None).await;
        let users = app.state.store.users().await.unwrap();
        let id = users.iter().find(|u| u.email == other).unwrap().id;
        for role in ["partenaire", "conseiller"] {
            let edit = [
                ("csrf", csrf.as_str()),
                ("role", role),
                ("organisation", "999999"),
                ("active", "on"),
            ];
            let r = app
                .post_form(&format!("/gestion/utilisateurs/{id}"), &cookie, &edit)
                .await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{backend} {role}: {}",
                r.body
            );
            assert!(r.body.contains("Cette organisation n"), "{}", r.body);
        }
        let after = app.state.store.users().await.unwrap();
        assert_eq!(
            after.iter().find(|u| u.id == id).unwrap().role,
            Role::Conseiller
        );
    }
}

#[tokio::test]
async fn a_naf_code_with_an_accent_is_refused_not_a_panic() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        for naf in ["12.1É", "1É.12", "€.1"] {
            let fields = [
                ("csrf", csrf.as_str()),
                ("siret", "12345678000014"),
                ("name", "Boulangerie du Four Fictif"),
                ("naf", naf),
                ("commune_code", "61214"),
            ];
            let r = app
                .post_form("/gestion/entreprises", &cookie, &fields)
                .await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{backend} {naf}: {}",
                r.body
            );
            assert!(r.body.contains("code NAF"), "{}", r.body);
        }
    }
}

#[tokio::test]
async fn a_nul_character_reaching_the_database_is_the_users_error_on_every_backend() {
    // PostgreSQL refuses NUL in a text (SQLSTATE 22021): once a 500 "indisponible".
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.login_form().await;
        let fields = [
            ("email", "jeanne\0@exemple.fr"),
            ("password", "x"),
            ("csrf", csrf.as_str()),
        ];
        let r = app.post_form("/connexion", &cookie, &fields).await;
        assert!(
            r.status.is_client_error(),
            "{backend}: {} {}",
            r.status,
            r.body
        );
        assert!(!r.body.contains("indisponible"), "{backend}: {}", r.body);
        let (cookie, _) = app.session(Role::Conseiller, None).await;
        let r = app
            .get_as("/gestion/entreprises?nom=Four%00", &cookie)
            .await;
        assert!(
            r.status == StatusCode::OK || r.status.is_client_error(),
            "{backend}: {}",
            r.status
        );
        assert!(!r.body.contains("indisponible"), "{backend}: {}", r.body);
    }
}

#[tokio::test]
async fn the_per_address_application_limit_answers_429_with_retry_after() {
    let app = TestApp::with_catalogue("sqlite").await;
    let ip = "203.0.113.9";
    let key = format!("candidature-ip:{ip}");
    for _ in 0..30 {
        app.state
            .store
            .record_login_failure(&[key.clone()], now().timestamp())
            .await
            .unwrap();
    }
    let r = app.get("/offres/1/postuler").await;
    let cookie = r.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = cookie.split_once('=').unwrap().1.to_owned();
    let body = serde_urlencoded::to_string([
        ("csrf", csrf.as_str()),
        ("prenom", "Léa"),
        ("nom", "Martin"),
    ])
    .unwrap();
    let request = Request::post("/offres/1/postuler")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", ip)
        .body(Body::from(body))
        .unwrap();
    let r = app.raw(request).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(r.headers[header::RETRY_AFTER], "3600");
    assert!(
        r.body
            .contains("Beaucoup de candidatures sont parties de cette connexion"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn axums_own_rejections_answer_in_french_as_a_page_or_as_json() {
    let app = TestApp::with_catalogue("sqlite").await;
    let token = app.partner_token("Partenaire Fictif").await;
    let raw = |method: &str, uri: &str, kind: &str, body: Vec<u8>| {
        let mut r = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, kind);
        if uri.starts_with("/api/") {
            r = r.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        r.body(Body::from(body)).unwrap()
    };
    let form = "application/x-www-form-urlencoded";
    let big = vec![b'a'; 3 * 1024 * 1024];
    let cases = [
        // A body over the 2 MB limit: 413.
        (
            raw("POST", "/connexion", form, big.clone()),
            StatusCode::PAYLOAD_TOO_LARGE,
            false,
        ),
        (
            raw("POST", "/api/v1/offers", "application/json", big),
            StatusCode::PAYLOAD_TOO_LARGE,
            true,
        ),
        // JSON where a form is expected: 415.
        (
            raw("POST", "/connexion", "application/json", b"{}".to_vec()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            false,
        ),
        // A form that does not deserialize (a field twice): 422.
        (
            raw(
                "POST",
                "/connexion",
                form,
                b"email=a&email=b&password=x".to_vec(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
        ),
        // A token path that is not UTF-8, a query that does not read: 400 (an id that is
        // not one is a page that does not exist: 404, by the typed ids).
        (
            raw("GET", "/candidature/%FF", form, vec![]),
            StatusCode::BAD_REQUEST,
            false,
        ),
        (
            raw("GET", "/offres/%FF", form, vec![]),
            StatusCode::NOT_FOUND,
            false,
        ),
        (
            raw("GET", "/api/v1/offers/%FF", form, vec![]),
            StatusCode::NOT_FOUND,
            true,
        ),
        (
            raw("GET", "/connexion?suite=a&suite=b", form, vec![]),
            StatusCode::BAD_REQUEST,
            false,
        ),
        // A method the route does not take: 405.
        (
            raw("DELETE", "/connexion", form, vec![]),
            StatusCode::METHOD_NOT_ALLOWED,
            false,
        ),
        (
            raw("DELETE", "/api/v1/communes", form, vec![]),
            StatusCode::METHOD_NOT_ALLOWED,
            true,
        ),
        // An address the API does not have: JSON, not the site's page.
        (
            raw("GET", "/api/v1/inconnue", form, vec![]),
            StatusCode::NOT_FOUND,
            true,
        ),
    ];
    for (request, status, json) in cases {
        let what = format!("{} {}", request.method(), request.uri());
        let r = app.raw(request).await;
        assert_french(&r, status, json, &what);
    }
    // Tremplin's own answers pass through untouched.
    let r = app.get("/api/v1/offers/999999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.json()["error"].is_string());
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn far_points_distant_starts_and_control_characters_are_refused_on_the_api() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let token = app.partner_token("Partenaire Fictif").await;
        let offer = |extra: serde_json::Value| {
            let mut o = serde_json::json!({
                "external_id": "p1",
                "title": "Boulanger/Boulangère",
                "description": "Pétrissage, façonnage et cuisson du pain au fournil, dès 5 h du matin.",
                "rome_code": "D1102",
                "company_name": "Boulangerie du Four Fictif",
                "commune_code": "61214",
                "contract_type": "apprentissage",
                "contact_phone": "02 33 24 00 00",
            });
            for (k, v) in extra.as_object().unwrap() {
                o[k] = v.clone();
            }
            o.to_string()
        };
        let cases = [
            (
                serde_json::json!({ "latitude": "-89.9", "longitude": "179.9" }),
                "km de la commune",
            ),
            (
                serde_json::json!({ "start_date": "9999-12-31" }),
                "ne peut pas commencer",
            ),
            (
                serde_json::json!({ "start_date": "1990-01-01" }),
                "plus d'un an",
            ),
            (
                serde_json::json!({ "title": "Boulanger\u{0}" }),
                "caractère invisible",
            ),
            (
                serde_json::json!({ "company_name": "Four\r\nFictif" }),
                "caractère invisible",
            ),
            (
                serde_json::json!({ "contact_email": "jea\"nne@exemple.fr" }),
                "adresse e-mail valide",
            ),
        ];
        for (extra, expected) in cases {
            let r = app
                .json(
                    "POST",
                    "/api/v1/offers",
                    Some(&token),
                    &offer(extra.clone()),
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{backend} {extra}: {}",
                r.body
            );
            let message = r.json()["error"].as_str().unwrap().to_owned();
            assert!(message.contains(expected), "{backend} {extra}: {message}");
        }
        let near = serde_json::json!({ "latitude": "48.7648", "longitude": "0.6283", "start_date": "2027-09-01" });
        let r = app
            .json("POST", "/api/v1/offers", Some(&token), &offer(near))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{backend}: {}", r.body);
    }
}

#[tokio::test]
async fn every_error_page_keeps_the_sites_header_and_search() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (counselor, _) = app.session(Role::Conseiller, None).await;
    let framed = |r: &support::Reply, status: StatusCode, what: &str| {
        assert_eq!(r.status, status, "{what}: {}", r.body);
        assert!(
            r.body.contains(r#"<header class="top">"#),
            "{what}: {}",
            r.body
        );
        assert!(
            r.body
                .contains(r#"<span class="territory">Mission Locale de Test</span>"#),
            "{what}: {}",
            r.body
        );
        assert!(
            r.body
                .contains(r#"action="/offres" method="get" role="search""#),
            "{what}: {}",
            r.body
        );
        assert!(r.body.contains(r#"<footer class="foot">"#), "{what}");
    };
    framed(
        &app.get("/nulle-part").await,
        StatusCode::NOT_FOUND,
        "404 of the router",
    );
    framed(
        &app.get("/offres/99999").await,
        StatusCode::NOT_FOUND,
        "404 of a handler",
    );
    framed(
        &app.get("/candidature/%FF").await,
        StatusCode::BAD_REQUEST,
        "400 of axum",
    );
    framed(
        &app.get_as("/gestion/utilisateurs", &counselor).await,
        StatusCode::FORBIDDEN,
        "403",
    );
    framed(
        &app.post_form("/offres/1/postuler", "", &[("csrf", "faux")])
            .await,
        StatusCode::FORBIDDEN,
        "403 of a stale form",
    );
    let r = app
        .raw(
            Request::post("/offres/1")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    framed(&r, StatusCode::METHOD_NOT_ALLOWED, "405 of axum");
    for i in 0..tremplin_web::services::secrets::CODE_MISSES_PER_HOUR {
        app.get(&format!("/c/{i:012}")).await;
    }
    framed(
        &app.get("/c/000000000000").await,
        StatusCode::TOO_MANY_REQUESTS,
        "429",
    );
    // The API keeps its JSON.
    let r = app.get("/api/v1/nulle-part").await;
    assert!(content_type(&r).starts_with("application/json"));
}

#[tokio::test]
async fn a_filled_or_withdrawn_offer_says_so_and_lists_similar_offers_nearby() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let near = app
            .publish(support::offer("b9", "Boulanger en production", "61214"), 2)
            .await;
        let (counselor, csrf) = app.session(Role::Conseiller, None).await;
        for (id, action) in [(1, "pourvue")] {
            app.post_form(
                &format!("/gestion/offres/{id}/action"),
                &counselor,
                &[("csrf", &csrf), ("action", action)],
            )
            .await;
        }
        app.sync().await;
        let r = app.get("/offres/1").await;
        assert_eq!(r.status, StatusCode::GONE, "{backend}: {}", r.body);
        assert!(r.body.contains(r#"<header class="top">"#));
        assert!(
            r.body.contains("Cette offre n'est plus ouverte"),
            "{}",
            r.body
        );
        assert!(r.body.contains("le poste a été pourvu"), "{}", r.body);
        assert!(
            r.body.contains(&format!(r#"href="/offres/{near}""#)),
            "{}",
            r.body
        );
        assert!(!r.body.contains(r#"href="/offres/1""#), "not itself");
        assert!(
            !r.body.contains("Aide-soignant"),
            "another métier is not similar"
        );
        assert!(r.body.contains("/offres?metier=D1102"), "{}", r.body);
        assert!(r.body.contains(r#"role="search""#));
        assert!(r.body.contains(r#"<meta name="robots" content="noindex">"#));
        // Withdrawn: the same page, its reason.
        app.post_form(
            &format!("/gestion/offres/{near}/action"),
            &counselor,
            &[("csrf", &csrf), ("action", "retirer")],
        )
        .await;
        let r = app.get(&format!("/offres/{near}")).await;
        assert_eq!(r.status, StatusCode::GONE, "{backend}");
        assert!(
            r.body.contains("l'offre a été retirée")
                || r.body.contains("l&#39;offre a été retirée"),
            "{}",
            r.body
        );
        // Never published: a plain 404 that names nothing.
        let draft = app
            .store(
                support::offer("b10", "Brouillon secret", "61214"),
                tremplin_domain::OfferStatus::Brouillon,
            )
            .await;
        let r = app.get(&format!("/offres/{draft}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(!r.body.contains("Brouillon secret"));
    }
}
