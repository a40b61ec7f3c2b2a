//! Alerts on a search, end to end through the outbox: the form of the results page, the double
//! opt-in, one mail per edition with only its new matching offers, RFC 8058's one-click
//! unsubscribe, the limits, the retention, and a person's export and erasure.

mod support;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use support::{Reply, TestApp, backends, now, offer, text};
use tremplin_domain::{CodeRome, OfferStatus};
use tremplin_storage::Role;
use tremplin_web::services::{alerts, editions};
use tremplin_web::{AppState, FixedClock};

const SEARCH: [(&str, &str); 3] = [("q", "boulanger"), ("commune", "61214"), ("rayon", "30")];

/// Sends what the outbox holds, as `support::outbox` does, but as of a year from the tests'
/// day: messages queued by a later clock are due.
async fn outbox(app: &TestApp, dir: &std::path::Path) -> Vec<String> {
    let mailer = tremplin_mail::Mailer::new(
        &tremplin_mail::MailConfig::Folder(dir.to_owned()),
        "Tremplin <ne-pas-repondre@ml-test.example>",
    )
    .unwrap();
    let clock = FixedClock(now() + Duration::days(800));
    tremplin_web::services::outbox::drain(&app.state.store, &app.state.media, &mailer, &clock)
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

/// The same database and index, `days` later: the scheduler of a later week.
async fn later(app: &TestApp, days: i64) -> AppState {
    later_on(app, app.state.store.clone(), days).await
}

async fn later_on(app: &TestApp, store: tremplin_storage::Store, days: i64) -> AppState {
    let state = AppState::new(
        store,
        app.state.index.clone(),
        app.state.refs.clone(),
        Arc::new(FixedClock(now() + Duration::days(days))),
        app.state.config.clone(),
    );
    state.refresh_territory().await.unwrap();
    state
}

/// Sends a request through another state's router (a later clock).
async fn send(state: &AppState, request: Request<Body>) -> Reply {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = tremplin_web::router(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

fn get(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

fn post(uri: &str, cookie: &str, ip: &str, body: String) -> Request<Body> {
    Request::post(uri)
        .header(header::COOKIE, cookie)
        .header("x-forwarded-for", ip)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

/// The public CSRF cookie a page sets, and its token.
fn csrf_of(r: &Reply) -> (String, String) {
    let set = r
        .headers
        .get(header::SET_COOKIE)
        .expect("the page sets the form's cookie")
        .to_str()
        .unwrap();
    let cookie = set.split(';').next().unwrap().to_owned();
    let token = cookie.split_once('=').unwrap().1.to_owned();
    (cookie, token)
}

/// A form with the CSRF token of a results page.
async fn form(app: &TestApp) -> (String, String) {
    let r = app.get("/offres?q=boulanger&commune=61214&rayon=30").await;
    assert_eq!(r.status, StatusCode::OK);
    csrf_of(&r)
}

async fn subscribe(
    state: &AppState,
    csrf: &(String, String),
    email: &str,
    search: &[(&str, &str)],
    ip: &str,
) -> Reply {
    let mut fields = vec![("csrf", csrf.1.as_str()), ("email", email)];
    fields.extend_from_slice(search);
    let body = serde_urlencoded::to_string(&fields).unwrap();
    send(state, post("/alertes", &csrf.0, ip, body)).await
}

/// The address after `prefix` in a message: a link with its 64-hex token.
fn link(eml: &str, prefix: &str) -> String {
    let t = text(eml);
    let start = t.find(prefix).unwrap_or_else(|| panic!("{prefix} in {t}"));
    t[start..start + prefix.len() + 64].to_owned()
}

fn path(url: &str) -> &str {
    url.strip_prefix("https://tremplin.example").unwrap()
}

/// A header of a message as written (unfolded).
fn header_of(eml: &str, name: &str) -> Option<String> {
    let head = eml.split("\r\n\r\n").next().unwrap().replace("\r\n ", " ");
    head.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_owned))
}

fn to(eml: &str) -> String {
    header_of(eml, "To").unwrap_or_default()
}

/// Subscribes and confirms an alert through the pages; returns the alert's mail directory.
async fn confirmed(app: &TestApp, email: &str, dir: &std::path::Path) {
    let csrf = form(app).await;
    let r = subscribe(&app.state, &csrf, email, &SEARCH, "198.51.100.1").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mails = outbox(app, dir).await;
    let confirm = link(
        mails.iter().rev().find(|m| to(m) == email).unwrap(),
        "https://tremplin.example/alertes/confirmation/",
    );
    let page = app.get(path(&confirm)).await;
    let csrf = csrf_of(&page);
    let r = app
        .post_form(path(&confirm), &csrf.0, &[("csrf", &csrf.1)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

fn validated(ext: &str, title: &str, commune: &str, rome: &str) -> tremplin_domain::OfferInput {
    let mut o = offer(ext, title, commune);
    o.rome_codes = vec![CodeRome::parse(rome).unwrap()];
    o
}

#[tokio::test]
async fn an_alert_end_to_end_through_the_outbox() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let mail_dir = tempfile::tempdir().unwrap();
        // Edition 1 brings an offer the alert must never announce: it is not new afterwards.
        app.store(
            offer("ancienne", "Boulanger de la première édition", "61214"),
            OfferStatus::AValider,
        )
        .await;
        editions::tick(&app.state).await.unwrap().unwrap();
        app.sync().await;

        // The results page carries the form, with the search as hidden fields.
        let r = app.get("/offres?q=boulanger&commune=61214&rayon=30").await;
        assert!(
            r.body
                .contains("Recevoir les nouvelles offres de cette recherche")
        );
        assert!(r.body.contains("action=\"/alertes\""), "{}", r.body);
        assert!(r.body.contains("name=\"q\" value=\"boulanger\""));
        assert!(r.body.contains("name=\"rayon\" value=\"30\""));
        let csrf = csrf_of(&r);
        assert!(
            r.body
                .contains(&format!("name=\"csrf\" value=\"{}\"", csrf.1))
        );

        let r = subscribe(
            &app.state,
            &csrf,
            "Lea.Martin@Exemple.fr",
            &SEARCH,
            "198.51.100.1",
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Vérifiez votre boîte mail"), "{}", r.body);
        let mails = outbox(&app, mail_dir.path()).await;
        assert_eq!(mails.len(), 1, "{backend}: the confirmation only");
        assert_eq!(to(&mails[0]), "lea.martin@exemple.fr");
        let confirm = link(&mails[0], "https://tremplin.example/alertes/confirmation/");

        // Opening the link (a scanner, a preview) confirms nothing: the page has a button.
        let page = app.get(path(&confirm)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Activer mon alerte"), "{}", page.body);
        let stored = app
            .state
            .store
            .alerts_of_email("lea.martin@exemple.fr")
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert!(
            stored[0].confirmed_unix.is_none(),
            "{backend}: still pending"
        );
        assert!(
            stored[0].search.starts_with("q=boulanger&commune=")
                && stored[0].search.contains("&rayon=30"),
            "{}",
            stored[0].search
        );
        // The token is stored hashed: the link's own token is nowhere in the database.
        let token = confirm.rsplit('/').next().unwrap();
        assert!(
            app.state
                .store
                .alert_by_link(token, tremplin_storage::AlertLink::Confirm)
                .await
                .unwrap()
                .is_none()
        );
        let page_csrf = csrf_of(&page);
        let r = app
            .post_form(path(&confirm), &page_csrf.0, &[("csrf", &page_csrf.1)])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Alerte activée"));
        // Replayed: a French page, nothing changes.
        let again = app
            .post_form(path(&confirm), &page_csrf.0, &[("csrf", &page_csrf.1)])
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
        assert!(again.body.contains("plus valable"), "{}", again.body);

        // Edition 2, a week later: two new matches, two new offers that do not match.
        let near = app
            .store(
                validated("m1", "Boulanger/Boulangère", "61214", "D1102"),
                OfferStatus::AValider,
            )
            .await;
        let near2 = app
            .store(
                validated("m2", "Apprenti boulanger", "61214", "D1102"),
                OfferStatus::AValider,
            )
            .await;
        app.store(
            validated("n1", "Aide-soignant·e", "61214", "J1501"),
            OfferStatus::AValider,
        )
        .await;
        app.store(
            validated("n2", "Boulanger à Paris", "75056", "D1102"),
            OfferStatus::AValider,
        )
        .await;
        let week2 = later(&app, 7).await;
        editions::tick(&week2).await.unwrap().expect("edition 2");
        // The round is done once: another round, or another instance, sends nothing more.
        editions::tick(&week2).await.unwrap();
        let other = later_on(&app, app.second_instance().await.store.clone(), 7).await;
        assert_eq!(alerts::send_after_editions(&other).await.unwrap(), 0);
        let mails = outbox(&app, mail_dir.path()).await;
        assert_eq!(mails.len(), 2, "{backend}: exactly one alert mail");
        let m = &mails[1];
        assert_eq!(to(m), "lea.martin@exemple.fr");
        let body = text(m);
        assert!(
            body.contains("Boulanger/Boulangère") && body.contains("Apprenti boulanger"),
            "{body}"
        );
        assert!(
            !body.contains("Aide-soignant") && !body.contains("Paris"),
            "{body}"
        );
        assert!(!body.contains("première édition"), "{body}");
        assert!(body.contains(&format!(
            "https://tremplin.example/offres/{near}?via=alerte&alerte="
        )));
        assert!(body.contains(&format!("/offres/{near2}?via=alerte")));
        let unsubscribe = link(m, "https://tremplin.example/alertes/desinscription/");
        assert_eq!(
            header_of(m, "List-Unsubscribe"),
            Some(format!("<{unsubscribe}>"))
        );
        assert_eq!(
            header_of(m, "List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );

        // A click in the mail: the page counts the channel, the alert is in use.
        let click = link(
            m,
            &format!("https://tremplin.example/offres/{near}?via=alerte&alerte="),
        );
        let week3 = later(&app, 9).await;
        let r = send(&week3, get(path(&click), "")).await;
        assert_eq!(r.status, StatusCode::OK);
        let a = &app
            .state
            .store
            .alerts_of_email("lea.martin@exemple.fr")
            .await
            .unwrap()[0];
        assert_eq!(a.active_unix, (now() + Duration::days(9)).timestamp());

        // Edition 3: one new offer, not a match: no mail at all.
        app.store(
            validated("n3", "Aide à domicile", "61214", "K1304"),
            OfferStatus::AValider,
        )
        .await;
        editions::tick(&later(&app, 14).await)
            .await
            .unwrap()
            .expect("edition 3");
        assert_eq!(
            outbox(&app, mail_dir.path()).await.len(),
            2,
            "{backend}: nothing to send"
        );

        // The unsubscribe page has a button; the link alone changes nothing.
        let page = app.get(path(&unsubscribe)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Me désinscrire"));
        assert!(
            page.body
                .contains("name=\"List-Unsubscribe\" value=\"One-Click\"")
        );
        assert_eq!(
            app.state
                .store
                .alerts_of_email("lea.martin@exemple.fr")
                .await
                .unwrap()
                .len(),
            1
        );
        // RFC 8058: the mail client's POST, without cookie nor CSRF token.
        let r = app
            .raw(
                Request::post(path(&unsubscribe))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from("List-Unsubscribe=One-Click"))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Vous ne recevrez plus cette alerte"));
        assert!(
            app.state
                .store
                .alerts_of_email("lea.martin@exemple.fr")
                .await
                .unwrap()
                .is_empty()
        );

        // Edition 4 has a match: nothing goes to the address any more.
        app.store(
            validated("m3", "Boulanger pâtissier", "61214", "D1102"),
            OfferStatus::AValider,
        )
        .await;
        editions::tick(&later(&app, 21).await)
            .await
            .unwrap()
            .expect("edition 4");
        assert_eq!(
            outbox(&app, mail_dir.path()).await.len(),
            2,
            "{backend}: nothing after"
        );
        let counts = app.state.store.alert_counts(0).await.unwrap();
        assert_eq!((counts.active, counts.pending), (0, 0));
    }
}

#[tokio::test]
async fn two_instances_send_an_edition_once() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let dir = tempfile::tempdir().unwrap();
        confirmed(&app, "a@exemple.fr", dir.path()).await;
        app.store(
            validated("m", "Boulanger", "61214", "D1102"),
            OfferStatus::AValider,
        )
        .await;
        let one = later(&app, 7).await;
        let two = later_on(&app, app.second_instance().await.store.clone(), 7).await;
        editions::publish_manual(&one, None).await.unwrap();
        let (a, b) = tokio::join!(
            alerts::send_after_editions(&one),
            alerts::send_after_editions(&two)
        );
        assert_eq!(a.unwrap() + b.unwrap(), 1, "{backend}");
        let mails = outbox(&app, dir.path()).await;
        assert_eq!(
            mails
                .iter()
                .filter(|m| text(m).contains("via=alerte"))
                .count(),
            1
        );
    }
}

#[tokio::test]
async fn bad_input_is_answered_in_french_and_stores_nothing() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let csrf = form(&app).await;
        let s = &app.state;
        let cases: Vec<BadCase> = vec![
            (
                SEARCH.to_vec(),
                "pas-une-adresse",
                StatusCode::BAD_REQUEST,
                "pas une adresse e-mail valide",
            ),
            (
                SEARCH.to_vec(),
                "",
                StatusCode::BAD_REQUEST,
                "Indiquez votre adresse e-mail",
            ),
            (
                SEARCH.to_vec(),
                "a b@exemple.fr",
                StatusCode::BAD_REQUEST,
                "pas une adresse e-mail valide",
            ),
            (
                vec![("rayon", "9999")],
                "a@exemple.fr",
                StatusCode::BAD_REQUEST,
                "Le rayon",
            ),
            (
                vec![("metier", "ZZZ")],
                "a@exemple.fr",
                StatusCode::BAD_REQUEST,
                "ROME",
            ),
            (
                vec![("commune", "Nullepart-sur-Rien")],
                "a@exemple.fr",
                StatusCode::BAD_REQUEST,
                "Nous ne trouvons pas la commune",
            ),
            (
                vec![("tri", "distance")],
                "a@exemple.fr",
                StatusCode::BAD_REQUEST,
                "commune de départ",
            ),
            (
                vec![("debut_min", "demain")],
                "a@exemple.fr",
                StatusCode::BAD_REQUEST,
                "AAAA-MM-JJ",
            ),
            (
                vec![("rqth", "peut-être")],
                "a@exemple.fr",
                StatusCode::BAD_REQUEST,
                "true ou false",
            ),
        ];
        for (search, email, status, message) in cases {
            let r = subscribe(s, &csrf, email, &search, "198.51.100.2").await;
            assert_eq!(r.status, status, "{backend} {search:?} {email}: {}", r.body);
            assert!(r.body.contains(message), "{search:?} {email}: {}", r.body);
            // The form comes back, filled, with its token.
            assert!(r.body.contains("action=\"/alertes\""), "{}", r.body);
        }
        // Without the CSRF token, or with another one.
        let body = serde_urlencoded::to_string([("email", "a@exemple.fr"), ("q", "x")]).unwrap();
        let r = send(s, post("/alertes", &csrf.0, "198.51.100.2", body)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("Le formulaire a expiré"), "{}", r.body);
        // Unknown, malformed or expired links, on every path, both methods.
        let zeros = "0".repeat(64);
        for p in ["confirmation", "desinscription", "garder"] {
            for token in ["abc", zeros.as_str(), "../../etc", &"é".repeat(32)] {
                let uri = format!("/alertes/{p}/{}", urlencoding(token));
                let r = app.get(&uri).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
                assert!(r.body.contains("plus valable"), "{uri}: {}", r.body);
                let page = csrf_of(&app.get("/offres").await);
                let r = app
                    .post_form(
                        &uri,
                        &page.0,
                        &[("csrf", &page.1), ("List-Unsubscribe", "One-Click")],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.body);
            }
        }
        // An unsubscribe POST with anything but RFC 8058's body.
        let r = app
            .post_form(
                &format!("/alertes/desinscription/{zeros}"),
                "",
                &[("List-Unsubscribe", "Oui")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("bouton de la page de désinscription"));
        assert_eq!(
            outbox(&app, dir.path()).await.len(),
            0,
            "{backend}: no mail"
        );
        let counts = app.state.store.alert_counts(0).await.unwrap();
        assert_eq!(
            (counts.active, counts.pending),
            (0, 0),
            "{backend}: nothing stored"
        );

        // A confirmation link after 7 days: expired, and nothing confirmed.
        let r = subscribe(s, &csrf, "tard@exemple.fr", &SEARCH, "198.51.100.3").await;
        assert_eq!(r.status, StatusCode::OK);
        let confirm = link(
            &outbox(&app, dir.path()).await[0],
            "https://tremplin.example/alertes/confirmation/",
        );
        let week = later(&app, 8).await;
        let r = send(&week, get(path(&confirm), "")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let page = csrf_of(&app.get("/offres").await);
        let body = serde_urlencoded::to_string([("csrf", page.1.as_str())]).unwrap();
        let r = send(&week, post(path(&confirm), &page.0, "198.51.100.3", body)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(app.state.store.alert_counts(0).await.unwrap().active, 0);
    }
}

/// (search fields, address, expected status, what the page says)
type BadCase = (
    Vec<(&'static str, &'static str)>,
    &'static str,
    StatusCode,
    &'static str,
);

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn limits_per_connection_and_per_address() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let csrf = form(&app).await;
        let s = &app.state;
        // One connection: 10 requests an hour, then 429 with a French message.
        for n in 0..alerts::MAX_REQUESTS_PER_IP_HOUR {
            let r = subscribe(
                s,
                &csrf,
                &format!("j{n}@exemple.fr"),
                &SEARCH,
                "203.0.113.7",
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{n}");
        }
        let r = subscribe(s, &csrf, "encore@exemple.fr", &SEARCH, "203.0.113.7").await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{backend}");
        assert_eq!(r.headers.get(header::RETRY_AFTER).unwrap(), "3600");
        assert!(r.body.contains("Réessayez dans une heure"), "{}", r.body);
        assert!(
            app.state
                .store
                .alerts_of_email("encore@exemple.fr")
                .await
                .unwrap()
                .is_empty()
        );
        // Another connection is not held up.
        let r = subscribe(s, &csrf, "encore@exemple.fr", &SEARCH, "203.0.113.8").await;
        assert_eq!(r.status, StatusCode::OK);

        // One address: 3 mails a day, whatever the connection.
        let searches = [
            [("q", "cuisinier")],
            [("q", "vendeur")],
            [("q", "coiffeur")],
            [("q", "fleuriste")],
        ];
        for (n, search) in searches.iter().take(2).enumerate() {
            let r = subscribe(
                s,
                &csrf,
                "encore@exemple.fr",
                search,
                &format!("192.0.2.{n}"),
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{n}");
        }
        let r = subscribe(s, &csrf, "ENCORE@exemple.fr", &searches[3], "192.0.2.9").await;
        assert_eq!(
            r.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{backend}: {}",
            r.body
        );
        let wait: i64 = r
            .headers
            .get(header::RETRY_AFTER)
            .unwrap()
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((60..=86_400).contains(&wait));
        assert!(
            r.body.contains("déjà été envoyés à cette adresse"),
            "{}",
            r.body
        );
        assert_eq!(
            app.state
                .store
                .alerts_of_email("encore@exemple.fr")
                .await
                .unwrap()
                .len(),
            3
        );
        let to_encore = outbox(&app, dir.path())
            .await
            .iter()
            .filter(|m| to(m) == "encore@exemple.fr")
            .count();
        assert_eq!(to_encore, 3);

        // Ten alerts for one address at most: the page says the same, the mail tells the truth.
        for n in 0..alerts::MAX_ALERTS_PER_ADDRESS {
            let mail = tremplin_storage::AlertMail {
                to: "plein@exemple.fr".into(),
                subject: "s".into(),
                text: "t".into(),
                html: None,
                list_unsubscribe: None,
                links: Vec::new(),
            };
            app.state
                .store
                .request_alert("plein@exemple.fr", &format!("q=m{n}"), "m", &mail, now())
                .await
                .unwrap();
        }
        let r = subscribe(s, &csrf, "plein@exemple.fr", &SEARCH, "192.0.2.50").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Vérifiez votre boîte mail"));
        assert_eq!(
            app.state
                .store
                .alerts_of_email("plein@exemple.fr")
                .await
                .unwrap()
                .len(),
            alerts::MAX_ALERTS_PER_ADDRESS
        );
        let last = outbox(&app, dir.path())
            .await
            .into_iter()
            .rfind(|m| to(m) == "plein@exemple.fr")
            .unwrap();
        assert!(text(&last).contains("c'est le maximum"), "{}", text(&last));
    }
}

#[tokio::test]
async fn unconfirmed_and_unused_alerts_are_erased_after_a_notice() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let csrf = form(&app).await;
        // Pending for 8 days: erased.
        subscribe(
            &app.state,
            &csrf,
            "jamais@exemple.fr",
            &SEARCH,
            "198.51.100.9",
        )
        .await;
        confirmed(&app, "oublie@exemple.fr", dir.path()).await;
        confirmed(&app, "garde@exemple.fr", dir.path()).await;
        let before = outbox(&app, dir.path()).await.len();
        alerts::forget_old(&later(&app, 6).await).await.unwrap();
        assert_eq!(
            app.state
                .store
                .alerts_of_email("jamais@exemple.fr")
                .await
                .unwrap()
                .len(),
            1
        );
        alerts::forget_old(&later(&app, 8).await).await.unwrap();
        assert!(
            app.state
                .store
                .alerts_of_email("jamais@exemple.fr")
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );

        // Eleven months without a click: each address is told, once.
        let notice_day = alerts::INACTIVE_DAYS - alerts::NOTICE_DAYS + 1;
        let told = later(&app, notice_day).await;
        editions::tick(&told).await.unwrap();
        alerts::forget_old(&told).await.unwrap();
        let mails = outbox(&app, dir.path()).await;
        let notices: Vec<&String> = mails[before..]
            .iter()
            .filter(|m| text(m).contains("sera effacée le"))
            .collect();
        assert_eq!(notices.len(), 2, "{backend}");
        assert!(
            notices
                .iter()
                .all(|m| header_of(m, "List-Unsubscribe-Post").is_some())
        );
        let keep = link(
            notices
                .iter()
                .find(|m| to(m) == "garde@exemple.fr")
                .unwrap(),
            "https://tremplin.example/alertes/garder/",
        );
        // "Garder": the link shows a button; the button keeps it 12 more months.
        let page = send(&told, get(path(&keep), "")).await;
        assert!(page.body.contains("Garder mon alerte"));
        let c = csrf_of(&page);
        let body = serde_urlencoded::to_string([("csrf", c.1.as_str())]).unwrap();
        let r = send(&told, post(path(&keep), &c.0, "198.51.100.9", body)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        // Twelve months, thirty days after the notice: erased, not before.
        alerts::forget_old(&later(&app, notice_day + alerts::NOTICE_DAYS - 1).await)
            .await
            .unwrap();
        assert_eq!(
            app.state
                .store
                .alerts_of_email("oublie@exemple.fr")
                .await
                .unwrap()
                .len(),
            1
        );
        alerts::forget_old(&later(&app, notice_day + alerts::NOTICE_DAYS + 1).await)
            .await
            .unwrap();
        assert!(
            app.state
                .store
                .alerts_of_email("oublie@exemple.fr")
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        assert_eq!(
            app.state
                .store
                .alerts_of_email("garde@exemple.fr")
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn admins_export_and_erase_an_address_counselors_see_counts() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let dir = tempfile::tempdir().unwrap();
        confirmed(&app, "lea.martin@exemple.fr", dir.path()).await;
        let csrf = form(&app).await;
        subscribe(
            &app.state,
            &csrf,
            "autre@exemple.fr",
            &SEARCH,
            "198.51.100.4",
        )
        .await;

        let (counselor, _) = app.session(Role::Conseiller, None).await;
        let page = app.get_as("/gestion", &counselor).await.body;
        assert!(
            page.contains(
                "1 alerte(s) active(s), dont 1 confirmée(s) cette semaine ; 1 en attente"
            ),
            "{page}"
        );
        assert!(
            !page.contains("lea.martin") && !page.contains("autre@"),
            "{backend}"
        );
        let r = app
            .get_as("/gestion/personnes?email=lea.martin@exemple.fr", &counselor)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        let (admin, token) = app.session(Role::Admin, None).await;
        let page = app
            .get_as("/gestion/personnes?email=Lea.Martin@exemple.fr", &admin)
            .await
            .body;
        assert!(
            page.contains("1 alerte(s)") && page.contains("« boulanger »"),
            "{page}"
        );
        let r = app
            .post_form(
                "/gestion/personnes/export",
                &admin,
                &[("csrf", &token), ("email", "lea.martin@exemple.fr")],
            )
            .await;
        let export: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(export["alertes"][0]["email"], "lea.martin@exemple.fr");
        assert_eq!(export["alertes"][0]["etat"], "active");
        let r = app
            .post_form(
                "/gestion/personnes/effacer",
                &admin,
                &[("csrf", &token), ("email", "lea.martin@exemple.fr")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            app.state
                .store
                .alerts_of_email("lea.martin@exemple.fr")
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            app.state
                .store
                .alerts_of_email("autre@exemple.fr")
                .await
                .unwrap()
                .len(),
            1,
            "{backend}"
        );
    }
}
