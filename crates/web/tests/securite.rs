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
        (
            "message",
            "Je recherche un apprentissage, disponible dès janvier.",
        ),
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
            assert!(
                r.headers.get(header::SET_COOKIE).is_some(),
                "lifetime renewed"
            );
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

/// The same application with another clock or configuration.
async fn rebuild(
    app: &mut TestApp,
    clock: std::sync::Arc<dyn tremplin_web::Clock>,
    change: impl FnOnce(&mut tremplin_web::WebConfig),
) {
    let mut config = app.state.config.clone();
    change(&mut config);
    app.state = tremplin_web::AppState::new(
        app.state.store.clone(),
        app.state.index.clone(),
        app.state.refs.clone(),
        clock,
        config,
    );
    app.state.refresh_territory().await.unwrap();
    app.state.set_index_ready();
}

fn fixed() -> std::sync::Arc<dyn tremplin_web::Clock> {
    std::sync::Arc::new(tremplin_web::FixedClock(support::now()))
}

#[tokio::test]
async fn private_pages_are_not_stored_and_https_is_remembered() {
    let mut app = TestApp::with_catalogue("sqlite").await;
    let (session, _) = app.session(tremplin_storage::Role::Conseiller, None).await;
    let no_store = |r: &Reply| {
        r.headers
            .get(header::CACHE_CONTROL)
            .is_some_and(|v| v == "no-store")
    };
    for path in [
        "/gestion",
        "/gestion/offres",
        "/gestion/candidatures",
        "/connexion",
        "/mot-de-passe-oublie",
        "/invitation/inconnue",
        "/reinitialisation/inconnue",
        "/candidature/inconnue",
        "/reponse/inconnue/entretien",
        "/offres/1/postuler",
    ] {
        let r = app.get_as(path, &session).await;
        assert!(no_store(&r), "{path}: {} {:?}", r.status, r.headers);
    }
    // Anonymous, redirected to sign in: not stored either.
    assert!(no_store(&app.get("/gestion/offres").await));
    for path in ["/", "/offres", "/offres/1", "/editions"] {
        let r = app.get(path).await;
        assert!(!no_store(&r), "{path}");
        assert_eq!(
            r.headers.get(header::STRICT_TRANSPORT_SECURITY).unwrap(),
            "max-age=31536000"
        );
    }
    rebuild(&mut app, fixed(), |c| {
        c.public_url = "http://127.0.0.1:8080".into()
    })
    .await;
    for path in ["/", "/connexion"] {
        let r = app.get(path).await;
        assert!(
            r.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
            "{path}"
        );
    }
}

/// Serves `app` on a port; the address and what stops the server.
async fn served(app: &TestApp) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = app.state.clone();
    tokio::spawn(async move {
        tremplin_web::serve(listener, state, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    (addr, stop)
}

/// Sends `head` then the pieces of a body, `pause` apart; returns all the server said until
/// it closed the connection, and how long that took.
async fn send_slowly(
    addr: std::net::SocketAddr,
    head: &str,
    pieces: &[&[u8]],
    pause: std::time::Duration,
) -> (String, std::time::Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let started = std::time::Instant::now();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    for piece in pieces {
        tokio::time::sleep(pause).await;
        stream.write_all(piece).await.unwrap();
    }
    let mut out = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut out),
    )
    .await
    .expect("the server closes the connection")
    .unwrap();
    (
        String::from_utf8_lossy(&out).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn a_body_that_stops_halfway_is_answered_408() {
    let mut app = TestApp::with_catalogue("sqlite").await;
    let timeout = std::time::Duration::from_millis(400);
    rebuild(&mut app, fixed(), |c| c.body_timeout = timeout).await;
    let (addr, _stop) = served(&app).await;

    // A login form and a multipart application that stop halfway.
    let boundary = "XyZ";
    let multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"prenom\"\r\n\r\nLéa\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 "
    );
    for (path, kind, sent) in [
        (
            "/connexion",
            "application/x-www-form-urlencoded".to_owned(),
            "email=a%40b.fr&pass".to_owned(),
        ),
        (
            "/offres/1/postuler",
            format!("multipart/form-data; boundary={boundary}"),
            multipart.clone(),
        ),
    ] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {kind}\r\nContent-Length: 100000\r\n\r\n"
        );
        let (answer, took) = send_slowly(addr, &head, &[sent.as_bytes()], timeout / 4).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{path}: {answer}");
        assert!(
            answer.contains("L&#39;envoi du formulaire s&#39;est interrompu")
                || answer.contains("L'envoi du formulaire s'est interrompu"),
            "{answer}"
        );
        assert!(took < timeout * 5, "{path}: {took:?}");
    }

    // A slow body that keeps arriving is read to the end, however long it takes in all.
    let r = app.get("/offres/1/postuler").await;
    let jar = keep_cookie("", &r);
    let body = serde_urlencoded::to_string(application(&csrf_in(&r.body))).unwrap();
    let pieces: Vec<&[u8]> = body.as_bytes().chunks(body.len() / 6 + 1).collect();
    let head = format!(
        "POST /offres/1/postuler HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: {jar}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let (answer, took) = send_slowly(addr, &head, &pieces, timeout / 2).await;
    assert!(took > timeout * 2, "{took:?}");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// A clock the test moves forward.
struct StepClock(std::sync::Mutex<chrono::DateTime<chrono::Utc>>);

impl tremplin_web::Clock for StepClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        *self.0.lock().unwrap()
    }
}

impl StepClock {
    fn advance(&self, seconds: i64) {
        *self.0.lock().unwrap() += chrono::Duration::seconds(seconds);
    }
}

/// Tries a password from `ip` (behind the trusted proxy).
async fn try_password(app: &TestApp, ip: &str, email: &str, password: &str) -> Reply {
    let (cookie, token) = app.login_form().await;
    let body =
        serde_urlencoded::to_string([("email", email), ("password", password), ("csrf", &token)])
            .unwrap();
    app.raw(
        axum::http::Request::post("/connexion")
            .header(header::COOKIE, cookie)
            .header("x-forwarded-for", ip)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .unwrap(),
    )
    .await
}

fn retry_after(r: &Reply) -> Option<i64> {
    r.headers
        .get(header::RETRY_AFTER)
        .map(|v| v.to_str().unwrap().parse().unwrap())
}

#[tokio::test]
async fn a_stranger_cannot_shut_the_owner_out() {
    for backend in backends() {
        let mut app = TestApp::new(backend).await;
        let clock = std::sync::Arc::new(StepClock(std::sync::Mutex::new(support::now())));
        rebuild(&mut app, clock.clone(), |_| {}).await;
        let (email, password) = app.user(tremplin_storage::Role::Conseiller, None).await;
        let stranger = "203.0.113.7";

        // A stranger tries as fast as allowed: three failures are free, then each makes the
        // next try wait twice as long.
        let mut waits = Vec::new();
        for _ in 0..9 {
            let r = try_password(&app, stranger, &email, "devinette").await;
            if let Some(wait) = retry_after(&r) {
                assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
                assert!(
                    r.body.contains("Trop de tentatives : patientez"),
                    "{}",
                    r.body
                );
                waits.push(wait);
                clock.advance(wait);
                let r = try_password(&app, stranger, &email, "devinette").await;
                assert_eq!(
                    r.status,
                    StatusCode::UNAUTHORIZED,
                    "{backend}: after waiting"
                );
            } else {
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend}");
            }
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 32], "{backend}");
        // Waiting, even the right password from there is not tried.
        let r = try_password(&app, stranger, &email, &password).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(retry_after(&r), Some(64));
        assert!(r.body.contains("patientez 2 minutes"), "{}", r.body);

        // Meanwhile the owner signs in from the office.
        let r = try_password(&app, "198.51.100.20", &email, &password).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);

        // The address itself: 20 failures in 15 minutes, whatever the accounts, then a wait
        // until the oldest leaves the window.
        let other = "192.0.2.50";
        for n in 0..20 {
            let r = try_password(&app, other, &format!("inconnu{n}@exemple.fr"), "x").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend}: {n}");
            clock.advance(10);
        }
        let r = try_password(&app, other, "encore@exemple.fr", "x").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{backend}");
        assert_eq!(retry_after(&r), Some(15 * 60 - 200));
        clock.advance(15 * 60 - 200);
        let r = try_password(&app, other, "encore@exemple.fr", "x").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{backend}");
    }
}

/// Many addresses at once against one account: past 30 failures in 15 minutes, each try of
/// that account waits 10 seconds after the last, from anywhere; the owner waits as much and
/// no more, and signing in starts the count again.
#[tokio::test]
async fn many_addresses_against_one_account_slow_it_down_without_locking_it() {
    let mut app = TestApp::new("sqlite").await;
    let clock = std::sync::Arc::new(StepClock(std::sync::Mutex::new(support::now())));
    rebuild(&mut app, clock.clone(), |_| {}).await;
    let (email, password) = app.user(tremplin_storage::Role::Conseiller, None).await;
    for n in 0..30 {
        let r = try_password(&app, &format!("203.0.113.{n}"), &email, "devinette").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{n}");
        clock.advance(1);
    }
    let r = try_password(&app, "203.0.113.200", &email, "devinette").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&r), Some(9));
    let r = try_password(&app, "198.51.100.20", &email, &password).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the owner waits too"
    );
    clock.advance(9);
    let r = try_password(&app, "198.51.100.20", &email, &password).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "then signs in: {}", r.body);
    // Signed in, the account's count starts again.
    let r = try_password(&app, "203.0.113.201", &email, "devinette").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// Colleagues signing in from one office (one address) many times do not use up the address's
/// limit: only failures count.
#[tokio::test]
async fn successful_sign_ins_from_one_office_do_not_count_against_it() {
    let mut app = TestApp::new("sqlite").await;
    let clock = std::sync::Arc::new(StepClock(std::sync::Mutex::new(support::now())));
    rebuild(&mut app, clock.clone(), |_| {}).await;
    let (email, password) = app.user(tremplin_storage::Role::Conseiller, None).await;
    for n in 0..25 {
        let r = try_password(&app, "198.51.100.20", &email, &password).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "sign-in {n}: {}", r.body);
        clock.advance(5);
    }
}
