//! The week's pépites in the Thursday edition: the counselor's picks (two at most, published,
//! every consent to the networks and the press), then the edition's page, its alert mails and
//! its social kit (both cards, a post per network with `?via=`), never the young person's
//! contact; a withdrawal takes them off the page and out of the kit at once. And the admin's
//! limits for one video, which the upload then applies.

mod support;

use std::io::Read;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use support::{TestApp, backends, now, offer, text};
use tremplin_domain::OfferStatus;
use tremplin_domain::pepite::consent::latest_end;
use tremplin_domain::pepite::{Area, Portrait, PortraitInput};
use tremplin_storage::{MediaSlot, Role};
use tremplin_testing::images::decode_png;
use tremplin_web::services::media::MediaKey;
use tremplin_web::services::{alerts, pepite_picks, pepites};

const POSTER: &[u8] = include_bytes!("../../tremplin/demo/pepite-affiche.jpg");
const BASE: &str = "https://tremplin.example";
/// What only the counselor knows of the young person: never on a page, a mail or in the kit.
const SURNAME: &str = "Lefébure";
const PRIVATE_EMAIL: &str = "jeune.privee@exemple.fr";

/// How far a pépite goes.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Draft,
    /// Published for employers only (no consent to networks and press).
    Tremplin,
    /// Published, every consent to networks and press given.
    Relayable,
    Withdrawn,
}

async fn pepite(app: &TestApp, name: &str, stage: Stage) -> i64 {
    let s = &app.state.store;
    let now = app.state.clock.now();
    let today = now.date_naive();
    let input = PortraitInput {
        display_name: name.into(),
        birth_date: "2004-06-12".into(),
        trades: vec!["D1102".into()],
        available_from: (today + Duration::days(30)).to_string(),
        licence: false,
        vehicle: false,
        radius_km: "20".into(),
        strengths: ["Matinale".into(), "Soigneuse".into(), "Curieuse".into()],
        text: "Je fais du pain.".into(),
    };
    let portrait = Portrait::parse(&input, Area::epci("200068468", "CC Fictive"), today).unwrap();
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
    if stage == Stage::Draft {
        return id;
    }
    let c = s
        .ask_pepite_consent(
            id,
            "jeune",
            &format!("{name} {SURNAME}"),
            "elle-même",
            Some(PRIVATE_EMAIL),
            "papier",
            &format!("h{id}"),
            now,
        )
        .await
        .unwrap();
    let social = stage != Stage::Tremplin;
    s.give_pepite_consent(c, today, true, social, latest_end(today), "papier", now)
        .await
        .unwrap();
    s.set_pepite_published(id, true, now).await.unwrap();
    if stage == Stage::Withdrawn {
        pepites::end(&app.state, id, "retiree", "consentement retiré")
            .await
            .unwrap();
    }
    id
}

async fn picked(app: &TestApp) -> Vec<i64> {
    pepite_picks::picked(&app.state)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect()
}

async fn pick(app: &TestApp, cookie: &str, csrf: &str, ids: &[impl AsRef<str>]) -> support::Reply {
    let mut fields = vec![("csrf", csrf)];
    fields.extend(ids.iter().map(|i| ("pepite", i.as_ref())));
    app.post_form("/gestion/edition/pepites", cookie, &fields)
        .await
}

fn no_contact(what: &str, body: &str) {
    assert!(!body.contains(SURNAME), "{what}: the surname shows\n{body}");
    assert!(!body.contains(PRIVATE_EMAIL), "{what}: the e-mail shows");
    assert!(!body.contains("2004-06-12") && !body.contains("12/06/2004"));
}

#[tokio::test]
async fn the_picks_form_takes_one_or_two_published_relayable_pepites() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let a = pepite(&app, "Inès", Stage::Relayable).await;
        let b = pepite(&app, "Yanis", Stage::Relayable).await;
        let c = pepite(&app, "Lou", Stage::Tremplin).await;
        let d = pepite(&app, "Brouillon", Stage::Draft).await;
        let e = pepite(&app, "Partie", Stage::Withdrawn).await;
        let (a_, b_, c_, d_, e_) = (
            a.to_string(),
            b.to_string(),
            c.to_string(),
            d.to_string(),
            e.to_string(),
        );

        let page = app.get_as("/gestion/edition", &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Nos pépites de cette édition"));
        for (id, shown) in [(a, true), (b, true), (c, true), (d, false), (e, false)] {
            assert_eq!(
                page.body
                    .contains(&format!(r#"name="pepite" value="{id}""#)),
                shown,
                "{backend}: pépite {id}"
            );
        }
        assert!(
            page.body
                .contains("consentement aux réseaux sociaux et à la presse manquant")
        );

        // Refusals: said in French, naming the pépite, changing nothing.
        for (ids, says) in [
            (
                vec![a_.as_str(), b_.as_str(), c_.as_str()],
                "vous en avez coché 3".to_owned(),
            ),
            (
                vec![c_.as_str()],
                format!("Lou (pépite n° {c}) ne peut pas aller dans le kit des réseaux sociaux"),
            ),
            (
                vec![c_.as_str()],
                "pour les réseaux sociaux et la presse manque".to_owned(),
            ),
            (
                vec![a_.as_str(), d_.as_str()],
                format!("Brouillon (pépite n° {d}) n&#39;est pas publiée"),
            ),
            (
                vec![e_.as_str()],
                format!("Partie (pépite n° {e}) a quitté le site (portrait retiré)"),
            ),
            (vec!["deux"], "Choisissez les pépites dans la liste.".into()),
            (vec!["9999"], "La pépite n° 9999 n&#39;existe pas.".into()),
        ] {
            let r = pick(&app, &cookie, &csrf, &ids).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend} {ids:?}");
            assert!(
                r.body.contains(&says),
                "{backend} {ids:?}: {says}\n{}",
                r.body
            );
            assert!(r.body.contains(r#"role="alert""#));
            assert!(picked(&app).await.is_empty(), "{backend} {ids:?}");
        }
        // Without the right CSRF token: refused, nothing stored.
        let r = pick(&app, &cookie, "0", &[&a_]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(picked(&app).await.is_empty());

        let r = pick(&app, &cookie, &csrf, &[&a_, &b_, &a_]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        assert_eq!(picked(&app).await, vec![a, b]);
        // Thursday 26 November, after the 09:00 edition: the picks go with the next one
        // (3 December, week 49), not with this week's, already out.
        let p = app.state.store.pepite(a).await.unwrap().unwrap();
        assert_eq!(p.featured_week.as_deref(), Some("2026-W49"), "{backend}");
        let page = app.get_as("/gestion/edition?pepites=1", &cookie).await;
        assert!(page.body.contains("sont enregistrées"));
        assert!(
            page.body
                .contains(&format!(r#"name="pepite" value="{a}" checked"#))
        );
        let r = pick(&app, &cookie, &csrf, &[&b_]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(picked(&app).await, vec![b]);

        // The pépite's own button follows the same rules.
        let action = |id: i64| format!("/gestion/pepites/{id}/action");
        let r = app
            .post_form(
                &action(c),
                &cookie,
                &[("csrf", &csrf), ("action", "semaine")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{backend}");
        assert!(r.body.contains("kit des réseaux sociaux"), "{}", r.body);
        let r = app
            .post_form(
                &action(a),
                &cookie,
                &[("csrf", &csrf), ("action", "semaine")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(picked(&app).await, vec![a, b]);
        let third = pepite(&app, "Sam", Stage::Relayable).await;
        let r = app
            .post_form(
                &action(third),
                &cookie,
                &[("csrf", &csrf), ("action", "semaine")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("Deux pépites partent déjà"));
        // Taken back from the site: no longer picked.
        let r = app
            .post_form(
                &action(b),
                &cookie,
                &[("csrf", &csrf), ("action", "depublier")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(picked(&app).await, vec![a]);
        // Partners never see the form.
        let (partner, partner_csrf) = app.session(Role::Partenaire, Some("Partenaire")).await;
        let r = pick(&app, &partner, &partner_csrf, &[&a_]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

/// The kit's files: name → bytes.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("un ZIP");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (f.name().unwrap().into_owned(), v)
        })
        .collect()
}

#[tokio::test]
async fn the_edition_page_mail_and_kit_carry_the_picks_until_withdrawal() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let ines = pepite(&app, "Inès", Stage::Relayable).await;
        let other = pepite(&app, "Yanis", Stage::Relayable).await;
        let r = pick(&app, &cookie, &csrf, &[&ines.to_string()]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // An offer the alert announces, an alert older than the edition.
        app.store(
            offer("b1", "Boulanger de l'édition", "61214"),
            OfferStatus::AValider,
        )
        .await;
        app.state
            .store
            .add_confirmed_alert(
                "lea@exemple.fr",
                "q=boulanger&commune=61214&rayon=30",
                "boulanger autour de L'Aigle",
                now() - Duration::days(1),
            )
            .await
            .unwrap();
        let r = app
            .post_form("/gestion/edition/publier", &cookie, &[("csrf", &csrf)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        assert_eq!(r.headers[header::LOCATION], "/editions/1");
        app.sync().await;

        // The page: first name, age, trade and area, a link to the portrait; no contact.
        let page = app.get("/editions/1").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Nos pépites de la semaine"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains(&format!(
                r#"<a href="/pepites/{ines}" rel="nofollow">Inès, 22 ans</a> – Boulanger / Boulangère (CC Fictive)"#
            )),
            "{backend}: {}",
            page.body
        );
        assert!(!page.body.contains("Yanis"), "not picked");
        no_contact("page", &page.body);

        // The alert mail of the edition.
        assert_eq!(alerts::send_after_editions(&app.state).await.unwrap(), 1);
        let dir = tempfile::tempdir().unwrap();
        let mails = support::outbox(&app, dir.path()).await;
        let mail = text(
            mails
                .iter()
                .find(|m| m.contains("lea@exemple.fr"))
                .expect("the alert's mail"),
        );
        assert!(mail.contains("Nos pépites de la semaine"), "{mail}");
        assert!(
            mail.contains("- Inès, 22 ans : Boulanger / Boulangère (CC Fictive)"),
            "{mail}"
        );
        assert!(mail.contains(&format!("{BASE}/pepites/{ines}?via=alerte")));
        assert!(!mail.contains("Yanis"));
        no_contact("mail", &mail);

        // The kit: both cards (its poster, the QR with via=qr), a post per network with via=.
        let r = app.get_as("/gestion/edition/1/kit", &cookie).await;
        assert_eq!(r.status, StatusCode::OK, "{backend}");
        let files = unzip(&r.bytes);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        let dir = format!("pepites/{ines}-ines");
        for (format, size) in [("carre", (1080, 1080)), ("lien", (1200, 630))] {
            let name = format!("{dir}/carte-{format}.png");
            let (_, png) = files
                .iter()
                .find(|(n, _)| *n == name)
                .unwrap_or_else(|| panic!("{name} absent de {names:?}"));
            let img = decode_png(png);
            assert_eq!((img.width, img.height), size, "{name}");
            assert!(img.colours() > 10, "{name} not blank");
            assert_eq!(
                img.qr_codes(),
                vec![format!("{BASE}/pepites/{ines}?via=qr")]
            );
        }
        for (network, via) in [
            ("facebook", "facebook"),
            ("instagram", "instagram"),
            ("linkedin", "linkedin"),
            ("bluesky", "bluesky"),
            ("x", "x"),
        ] {
            let name = format!("{dir}/publications/{network}.txt");
            let (_, post) = files
                .iter()
                .find(|(n, _)| *n == name)
                .unwrap_or_else(|| panic!("{name} absent de {names:?}"));
            let post = String::from_utf8(post.clone()).unwrap();
            assert!(post.contains("Inès"), "{name}: {post}");
            if network != "instagram" {
                assert!(
                    post.contains(&format!("{BASE}/pepites/{ines}?via={via}")),
                    "{name}: {post}"
                );
            }
            no_contact(&name, &post);
        }
        let alt = files
            .iter()
            .find(|(n, _)| *n == format!("{dir}/texte-alternatif.txt"))
            .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
            .expect("alt text");
        assert!(
            alt.contains("Inès, 22 ans") && alt.contains("Boulanger"),
            "{alt}"
        );
        assert!(
            !names
                .iter()
                .any(|n| n.contains(&format!("pepites/{other}-")))
        );
        let readme = files
            .iter()
            .find(|(n, _)| n == "LISEZMOI.txt")
            .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
            .unwrap();
        assert!(readme.contains("pepites/ : les pépites de la semaine"));

        // Withdrawn: off the page and out of the kit at once.
        pepites::end(&app.state, ines, "retiree", "consentement retiré")
            .await
            .unwrap();
        let page = app.get("/editions/1").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Inès"), "{backend}: {}", page.body);
        assert!(!page.body.contains("Nos pépites de la semaine"));
        let r = app.get_as("/gestion/edition/1/kit", &cookie).await;
        assert_eq!(r.status, StatusCode::OK);
        let files = unzip(&r.bytes);
        assert!(
            !files.iter().any(|(n, _)| n.starts_with("pepites/")),
            "{backend}: {:?}",
            files.iter().map(|(n, _)| n).collect::<Vec<_>>()
        );
    }
}

#[tokio::test]
async fn the_scheduled_edition_takes_the_picks_of_its_week() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let ines = pepite(&app, "Inès", Stage::Relayable).await;
        // Picked for this Thursday's edition (week 48), which the scheduler publishes late.
        app.state
            .store
            .set_pepite_featured(ines, Some("2026-W48"))
            .await
            .unwrap();
        let e = tremplin_web::services::editions::tick(&app.state)
            .await
            .unwrap()
            .expect("the due edition");
        let shown = pepite_picks::shown(&app.state, e.number).await.unwrap();
        assert_eq!(shown.len(), 1, "{backend}");
        assert_eq!(shown[0].id, ines);
    }
}

/// A multipart upload of one video.
fn upload(id: i64, cookie: &str, csrf: &str, bytes: Vec<u8>) -> Request<Body> {
    let boundary = "XtremplinX";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"video\"; filename=\"portrait.mp4\"\r\nContent-Type: video/mp4\r\n\r\n"
    )
    .into_bytes();
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(format!("/gestion/pepites/{id}/video"))
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn the_admin_sets_the_video_limits_and_the_upload_applies_them() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (admin, admin_csrf) = app.session(Role::Admin, None).await;
        let (counselor, counselor_csrf) = app.session(Role::Conseiller, None).await;
        let limits = || async { app.state.store.pepite_video_limits().await.unwrap() };
        let page = app.get_as("/gestion/territoire", &admin).await;
        assert!(page.body.contains("Vidéos des pépites"));
        assert!(
            page.body
                .contains(r#"name="mo" type="text" inputmode="numeric" value="150""#)
        );
        assert!(page.body.contains(r#"value="3""#));
        let save = |cookie: String, csrf: String, mo: &'static str, minutes: &'static str| {
            let app = &app;
            async move {
                app.post_form(
                    "/gestion/territoire/pepites",
                    &cookie,
                    &[("csrf", &csrf), ("mo", mo), ("minutes", minutes)],
                )
                .await
            }
        };
        // Admins only, with the form's token.
        let r = save(counselor.clone(), counselor_csrf.clone(), "1", "2").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = save(admin.clone(), "0".repeat(64), "1", "2").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = save(String::new(), "x".into(), "1", "2").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "anonymous: to sign in");
        for (mo, minutes, says) in [
            ("0", "3", "de 1 à 400"),
            ("401", "3", "de 1 à 400"),
            ("beaucoup", "3", "de 1 à 400"),
            ("150", "0", "de 0,5 à 30"),
            ("150", "45", "de 0,5 à 30"),
            ("150", "-2", "de 0,5 à 30"),
        ] {
            let r = save(admin.clone(), admin_csrf.clone(), mo, minutes).await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{backend} {mo} {minutes}"
            );
            assert!(r.body.contains(says), "{mo} {minutes}: {}", r.body);
            assert!(r.body.contains(r#"id="videos-erreur""#));
            assert_eq!(limits().await, (150, 180), "{backend}: unchanged");
        }
        let r = save(admin.clone(), admin_csrf.clone(), "1", "2,5").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(limits().await, (1, 150), "{backend}");
        let page = app.get_as("/gestion/territoire", &admin).await;
        assert!(page.body.contains(r#"value="2,5""#), "{}", page.body);

        // The upload reads the new limit: 1.2 MB is refused in French, nothing kept.
        let id = pepite(&app, "Inès", Stage::Draft).await;
        let mut big = b"\0\0\0\x18ftypisom".to_vec();
        big.resize(1_200_000, 0);
        let r = app.raw(upload(id, &counselor, &counselor_csrf, big)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
        assert!(
            r.body
                .contains("Cette vidéo pèse plus de 1 Mo, le maximum sur ce territoire"),
            "{}",
            r.body
        );
        let p = app.state.store.pepite(id).await.unwrap().unwrap();
        assert!(p.video_key.is_none());
    }
}
