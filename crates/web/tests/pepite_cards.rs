//! A pépite's social cards: drawn with its poster in both sizes while it is published with
//! the consent to the relay on networks; 404 without that consent, and after withdrawal
//! (forgotten from the card cache too).

mod support;

use axum::http::StatusCode;
use chrono::Duration;
use support::{TestApp, backends};
use tremplin_domain::pepite::consent::latest_end;
use tremplin_domain::pepite::{Area, Portrait, PortraitInput};
use tremplin_storage::MediaSlot;
use tremplin_web::services::media::MediaKey;

const POSTER: &[u8] = include_bytes!("../../tremplin/demo/pepite-affiche.jpg");

/// A published adult pépite with a poster; `social`: the consent covers networks and press.
async fn pepite(app: &TestApp, social: bool) -> i64 {
    let s = &app.state.store;
    let now = app.state.clock.now();
    let today = now.date_naive();
    let input = PortraitInput {
        display_name: "Inès".into(),
        birth_date: "2004-06-12".into(),
        trades: vec!["D1102".into()],
        available_from: (today + Duration::days(30)).to_string(),
        licence: false,
        vehicle: false,
        radius_km: "20".into(),
        strengths: ["Matinale".into(), "Soigneuse".into(), "Curieuse".into()],
        text: "Je fais du pain.".into(),
    };
    let portrait = Portrait::parse(&input, Area::epci("200035913", "CC Fictive"), today).unwrap();
    let id = s.create_pepite(&portrait, 0, None, now).await.unwrap();
    let key = format!("pepites/{id}/affiche-test.jpg");
    app.state
        .media
        .put(&MediaKey::parse(&key).unwrap(), POSTER)
        .await
        .unwrap();
    s.set_pepite_media(id, MediaSlot::Poster, Some(&key), None, now)
        .await
        .unwrap();
    let c = s
        .ask_pepite_consent(
            id,
            "jeune",
            "Inès Exemple",
            "elle-même",
            None,
            "papier",
            &format!("h{id}"),
            now,
        )
        .await
        .unwrap();
    s.give_pepite_consent(c, today, true, social, latest_end(today), "papier", now)
        .await
        .unwrap();
    s.set_pepite_published(id, true, now).await.unwrap();
    id
}

#[tokio::test]
async fn cards_while_relayable_then_404_after_withdrawal() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let id = pepite(&app, true).await;
        for (format, size) in [("carre", (1080, 1080)), ("lien", (1200, 630))] {
            let r = app
                .get(&format!("/pepites/{id}/carte.png?format={format}"))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{backend} {format}");
            assert_eq!(r.headers["content-type"], "image/png");
            assert_eq!(r.headers["cache-control"], "no-cache");
            let img = tremplin_testing::images::decode_png(&r.bytes);
            assert_eq!((img.width, img.height), size, "{format}");
            assert!(img.colours() > 10, "{format} not blank");
            assert_eq!(
                img.qr_codes(),
                vec![format!("https://tremplin.example/pepites/{id}?via=qr")]
            );
        }
        let bad = app
            .get(&format!("/pepites/{id}/carte.png?format=rond"))
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("Format de carte inconnu"), "{}", bad.body);
        let page = app.get(&format!("/pepites/{id}")).await;
        assert!(
            page.body.contains(&format!(
                r#"<meta property="og:image" content="https://tremplin.example/pepites/{id}/carte.png?format=lien">"#
            )),
            "{}",
            page.body
        );
        assert!(app.state.cards.holds_pepite(id));

        // Withdrawn: 404 at once, out of the cache, no og:image anywhere.
        tremplin_web::services::pepites::end(&app.state, id, "retiree", "consentement retiré")
            .await
            .unwrap();
        assert!(!app.state.cards.holds_pepite(id), "{backend}");
        for format in ["carre", "lien"] {
            let r = app
                .get(&format!("/pepites/{id}/carte.png?format={format}"))
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend} {format}");
        }

        // Published without the consent to networks and press: no card, no og:image.
        let other = pepite(&app, false).await;
        let r = app.get(&format!("/pepites/{other}/carte.png")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let page = app.get(&format!("/pepites/{other}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("og:image"), "{}", page.body);
    }
}
