//! A young person who gives only a phone keeps the follow-up link: a short link, a QR code,
//! the link by SMS; wrong codes are throttled; the texts join export, erasure and retention.

use crate::common::{fields, form};
use crate::suivi::follow_link;
use crate::support::{TestApp, backends};
use axum::http::{StatusCode, header};
use tremplin_mail::sms::{FileOutbox, gsm7_septets};

/// Léa's application with her phone only.
fn phone_only(csrf: &str) -> Vec<(&str, &str)> {
    fields(csrf)
        .into_iter()
        .filter(|(k, _)| *k != "email")
        .collect()
}

/// The modules of the QR code the SVG draws (`M{x} {y}h{w}v{h}H{x}V{y}` rectangles, one unit
/// a module), decoded by rqrr.
fn decode_qr(svg: &str) -> String {
    let size = |name: &str| -> usize {
        let at = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        svg[at..].split('"').next().unwrap().parse().unwrap()
    };
    let (w, h) = (size("width"), size("height"));
    let d_at = svg.find(" d=\"").unwrap() + 4;
    let d = svg[d_at..].split('"').next().unwrap();
    let mut dark = vec![false; w * h];
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().unwrap())
            .collect();
        let (x, y, rw, rh) = (nums[0], nums[1], nums[2], nums[3]);
        for yy in y..(y + rh).min(h) {
            for xx in x..(x + rw).min(w) {
                dark[yy * w + xx] = true;
            }
        }
    }
    let mut img = rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| dark[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    grids[0].decode().unwrap().1
}

#[tokio::test]
async fn a_phone_only_applicant_keeps_a_short_link_a_qr_code_and_gets_it_by_sms() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf) = form(&app, 1).await;
        let r = app
            .post_form("/offres/1/postuler", &cookie, &phone_only(&csrf))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let path = follow_link(&r.body);
        let code = path.strip_prefix("/c/").unwrap();
        assert_eq!(code.len(), 12, "{path}");
        let link = format!("https://tremplin.example{path}");
        // No raw 64-character token on the page any more: the short link, selectable, a copy
        // button for JavaScript, the QR code, and the word that it left by SMS.
        let longest_hex_run = r
            .body
            .split(|c: char| !c.is_ascii_hexdigit())
            .map(str::len)
            .max()
            .unwrap();
        assert!(longest_hex_run < 32, "{backend}: {}", r.body);
        assert!(r.body.contains(&format!(r#"value="{link}" readonly"#)));
        assert!(r.body.contains(r#"data-copy="lien-suivi" hidden"#));
        assert!(r.body.contains(&format!(r#"<img src="/c/{code}/qr.svg""#)));
        assert!(r.body.contains("envoyé par SMS"), "{}", r.body);
        assert!(r.body.contains(r#"class="follow-link""#));

        // The QR code opens the same link.
        let qr = app.get(&format!("/c/{code}/qr.svg")).await;
        assert_eq!(qr.status, StatusCode::OK);
        assert_eq!(
            qr.headers.get(header::CONTENT_TYPE).unwrap(),
            "image/svg+xml"
        );
        assert_eq!(qr.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
        assert_eq!(decode_qr(&qr.body), link, "{backend}");
        assert_eq!(
            app.get("/c/pas-un-code/qr.svg").await.status,
            StatusCode::NOT_FOUND
        );

        // The short link opens the follow-up page, typed in capitals and with dashes too.
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains("Votre candidature : Boulanger/Boulangère")
        );
        let typed = format!(
            "/c/{}-{}-{}",
            &code[..4].to_uppercase(),
            &code[4..8].to_uppercase(),
            &code[8..].to_uppercase()
        );
        assert_eq!(app.get(&typed).await.status, StatusCode::OK, "{typed}");

        // The SMS, sent into a folder and read back: to her mobile, in French, one segment.
        let dir = tempfile::tempdir().unwrap();
        let outbox = FileOutbox {
            dir: dir.path().to_owned(),
        };
        let sent = tremplin_web::services::sms::drain(
            &app.state.store,
            &outbox,
            &tremplin_web::SystemClock,
        )
        .await
        .unwrap();
        assert_eq!(sent, 1, "{backend}");
        let file = std::fs::read_dir(dir.path())
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let text = std::fs::read_to_string(file).unwrap();
        let (head, body) = text.split_once("\n\n").unwrap();
        assert_eq!(head, "To: +33612345678");
        let body = body.trim_end();
        assert!(body.contains("Votre candidature"), "{body}");
        assert!(body.ends_with(&link), "{body}");
        assert!(gsm7_septets(body).is_some_and(|n| n <= 160), "{body}");
        // Sent once.
        assert_eq!(
            tremplin_web::services::sms::drain(
                &app.state.store,
                &outbox,
                &tremplin_web::SystemClock
            )
            .await
            .unwrap(),
            0
        );

        // The text is in the person's export, and goes with her data on erasure.
        let (admin, acsrf) = app.session(tremplin_storage::Role::Admin, None).await;
        let r = app
            .post_form(
                "/gestion/personnes/export",
                &admin,
                &[("csrf", &acsrf), ("telephone", "06 12 34 56 78")],
            )
            .await;
        let export: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let sms = &export["candidatures"][0]["sms"][0];
        assert_eq!(sms["numero"], "+33612345678", "{backend}: {export}");
        assert!(sms["texte"].as_str().unwrap().contains(&link));
        assert!(sms["envoye_le"].is_string());
        let id = app.state.store.applications(10).await.unwrap()[0].id;
        app.post_form(
            "/gestion/personnes/effacer",
            &admin,
            &[("csrf", &acsrf), ("telephone", "06 12 34 56 78")],
        )
        .await;
        assert!(
            app.state
                .store
                .sms_of_application(id)
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn with_an_email_or_a_landline_no_sms_leaves() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf) = form(&app, 1).await;
        let r = app
            .post_form("/offres/1/postuler", &cookie, &fields(&csrf))
            .await;
        assert!(r.body.contains("envoyé par e-mail"), "{}", r.body);
        let mut landline = phone_only(&csrf);
        for f in &mut landline {
            if f.0 == "telephone" {
                f.1 = "02 33 24 11 22";
            }
        }
        let r = app
            .post_form("/offres/2/postuler", &cookie, &landline)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(!r.body.contains("par SMS"), "{}", r.body);
        // Still a link to keep, on the page.
        assert!(r.body.contains("https://tremplin.example/c/"));
        for a in app.state.store.applications(10).await.unwrap() {
            assert!(
                app.state
                    .store
                    .sms_of_application(a.id)
                    .await
                    .unwrap()
                    .is_empty()
            );
        }
    }
}

#[tokio::test]
async fn wrong_follow_up_codes_are_throttled_per_address() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf) = form(&app, 1).await;
    let r = app
        .post_form("/offres/1/postuler", &cookie, &phone_only(&csrf))
        .await;
    let path = follow_link(&r.body);
    for i in 0..tremplin_web::services::secrets::CODE_MISSES_PER_HOUR {
        let guess = format!("/c/{:012}", i);
        assert_eq!(
            app.get(&guess).await.status,
            StatusCode::NOT_FOUND,
            "{guess}"
        );
    }
    // Past the limit, every link answers 429 from that address, the right one included.
    let r = app.get("/c/000000000099").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers.get(header::RETRY_AFTER).unwrap(), "3600");
    assert!(r.body.contains("Trop d&#39;essais"), "{}", r.body);
    assert_eq!(app.get(&path).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        app.get("/candidature/0000000000000000000000000000000000000000000000000000000000000000")
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS,
        "the long links count the same way"
    );
}

#[tokio::test]
async fn texts_are_forgotten_with_their_application_at_the_end_of_the_retention() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let old = crate::support::now() - chrono::Duration::days(400);
        let id = app
            .state
            .store
            .create_application(1, &crate::common::input(), None, "f", "e", None, old)
            .await
            .unwrap();
        app.state
            .store
            .enqueue_sms(id, "+33612345678", "Votre candidature est partie.", old)
            .await
            .unwrap();
        assert_eq!(
            app.state.store.sms_of_application(id).await.unwrap().len(),
            1
        );
        tremplin_web::services::editions::tick(&app.state)
            .await
            .unwrap();
        assert!(
            app.state.store.applications(10).await.unwrap().is_empty(),
            "{backend}"
        );
        assert!(
            app.state
                .store
                .sms_of_application(id)
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        // Nothing left for the worker to send to that number.
        let dir = tempfile::tempdir().unwrap();
        let outbox = FileOutbox {
            dir: dir.path().to_owned(),
        };
        assert_eq!(
            tremplin_web::services::sms::drain(
                &app.state.store,
                &outbox,
                &tremplin_web::SystemClock
            )
            .await
            .unwrap(),
            0
        );
    }
}
