//! Métier pages end to end: the public page of a trade (label, the Mission Locale's text, its
//! film with captions and transcript, the offers near the young person nearest first, the
//! diplomas and the centres teaching them with their distance, pay per age from the dated
//! rules, the trade's events), 404 on an unknown code, the back office (text, film upload with
//! captions required, nothing stored when refused), unpublished film files out of reach.

mod support;

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::{TestApp, backends, now, offer};
use tremplin_domain::activity::ActivityInput;
use tremplin_domain::pay::{Category, euros};
use tremplin_domain::{CodeInsee, CodeRome};
use tremplin_storage::Role;

const ROME: &str = "I1310";
const LABEL: &str = "Mécanicien / Mécanicienne de maintenance industrielle";
const DIPLOMA: &str = "Bac pro Maintenance des systèmes de production connectés";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../domain/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

const VTT: &str =
    "WEBVTT\n\n00:00:00.000 --> 00:00:00.900\nOn répare les machines avant la panne.\n";

/// A multipart body with text fields and files (name, filename, bytes).
fn multipart(
    uri: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Request<Body> {
    let boundary = "XtremplinX";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, filename, bytes) in files {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Files of the métier films on disk.
fn film_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    walk(app.uploads.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("metiers"))
        .collect()
}

/// An offer in the trade, published, at `commune`.
async fn trade_offer(app: &TestApp, ext: &str, title: &str, commune: &str) -> i64 {
    let mut input = offer(ext, title, commune);
    input.rome_codes = vec![CodeRome::parse(ROME).unwrap()];
    input.diploma_label = Some(DIPLOMA.into());
    app.publish(input, 1).await
}

/// A public activity on 20 December 2026 (after the test clock's day).
async fn event(app: &TestApp, title: &str) -> i64 {
    let map: HashMap<&str, String> = [
        ("type", "job_dating"),
        ("titre", title),
        ("public", "oui"),
        ("commune", "61214"),
        ("adresse", "Salle des fêtes"),
        ("date", "2026-12-20"),
        ("heure_debut", "14:00"),
        ("heure_fin", "17:00"),
        ("places", "30"),
        ("anime_par", "Camille"),
        ("public_vise", "16-25 ans"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect();
    let input = ActivityInput::parse(
        &|k| map.get(k).cloned().unwrap_or_default(),
        vec![],
        None,
        &|_| true,
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    app.state
        .store
        .create_activity(&input, None, now())
        .await
        .unwrap()
}

/// Uploads a film through the back office; the reply.
async fn upload(
    app: &TestApp,
    cookie: &str,
    csrf: &str,
    publish: bool,
    files: &[(&str, &str, &[u8])],
) -> support::Reply {
    let mut fields = vec![
        ("csrf", csrf),
        ("titre", "Une journée à l'atelier"),
        ("entreprise", "Tréfilerie de l'Exemple"),
    ];
    if publish {
        fields.push(("publier", "oui"));
    }
    app.raw(multipart(
        &format!("/gestion/metiers/{ROME}/films"),
        cookie,
        &fields,
        files,
    ))
    .await
}

/// The first month's pay at 16–17 in a first-year apprenticeship, from the rules table.
fn expected_pay_16() -> (String, String) {
    let rules = tremplin_referentiels::pay_rules().unwrap();
    let today = now().date_naive();
    let at = |cat: Category, key: &str| {
        rules
            .iter()
            .filter(|r| r.category == cat && r.key == key && r.valid_from <= today)
            .max_by_key(|r| r.valid_from)
            .unwrap_or_else(|| panic!("rule {key}"))
            .number()
    };
    let smic = at(Category::Smic, "mensuel");
    let pct = at(Category::Apprentissage, "annee1_16-17");
    let gross = (smic * pct).round() / 100.0;
    (format!("{pct}\u{a0}%"), euros(gross))
}

#[tokio::test]
async fn a_trade_page_shows_text_film_offers_centres_pay_and_events() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let far = trade_offer(&app, "far", "Maintenance à Mortagne", "61293").await;
        let near = trade_offer(&app, "near", "Maintenance à L'Aigle", "61214").await;
        let other = app.publish(offer("bread", "Boulanger", "61214"), 1).await;
        let store = &app.state.store;
        store
            .save_training_centre(
                "CFA de Sées (test)",
                &CodeInsee::parse("61464").unwrap(),
                DIPLOMA,
                Some("https://cfa.example"),
            )
            .await
            .unwrap();
        store
            .save_training_centre(
                "Centre sans ce diplôme",
                &CodeInsee::parse("61001").unwrap(),
                "CAP Boulanger",
                None,
            )
            .await
            .unwrap();
        app.sync().await;
        let dating = event(&app, "Job dating de la maintenance").await;
        let unrelated = event(&app, "Portes ouvertes de la boulangerie").await;

        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let r = app
            .post_form(
                &format!("/gestion/metiers/{ROME}"),
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("texte", "Le texte de la Mission Locale sur la maintenance."),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let vtt = VTT.as_bytes();
        let video = fixture("tiny.mp4");
        let r = upload(
            &app,
            &cookie,
            &csrf,
            true,
            &[
                ("video", "film.mp4", &video),
                ("sous_titres", "film.vtt", vtt),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let (dating_s, unrelated_s) = (dating.to_string(), unrelated.to_string());
        let r = app
            .post_form(
                &format!("/gestion/metiers/{ROME}/evenements"),
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("offert", &dating_s),
                    ("offert", &unrelated_s),
                    ("evenement", &dating_s),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);

        let page = app.get(&format!("/metiers/{ROME}?commune=L%27Aigle")).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        let b = &page.body;
        let (rate, gross) = expected_pay_16();
        for needle in [
            LABEL,
            "Le texte de la Mission Locale sur la maintenance.",
            "Une journée à l&#39;atelier",
            r#"<track kind="captions" srclang="fr""#,
            "On répare les machines avant la panne.",
            "Les offres près de L&#39;Aigle",
            DIPLOMA,
            "CFA de Sées (test)",
            "à vol d&#39;oiseau",
            "16 ou 17 ans",
            &rate,
            &gross,
            "Job dating de la maintenance",
        ] {
            assert!(b.contains(needle), "{backend}: « {needle} » missing in {b}");
        }
        assert!(
            !b.contains("Portes ouvertes de la boulangerie"),
            "{backend}"
        );
        assert!(!b.contains("Centre sans ce diplôme"), "{backend}");
        assert!(!b.contains(&format!("/offres/{other}")), "{backend}");
        let at = |id: i64| {
            b.find(&format!("/offres/{id}"))
                .unwrap_or_else(|| panic!("offer {id} listed"))
        };
        assert!(at(near) < at(far), "{backend}: nearest first");

        // The film's files are reachable once published; the offer page links to the trade.
        let film = store.trade_films(ROME, true).await.unwrap().remove(0);
        let r = app
            .get(&format!("/metiers/{ROME}/films/{}/video", film.id))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}");
        assert_eq!(r.bytes, video);
        let r = app
            .get(&format!("/metiers/{ROME}/films/{}/sous-titres", film.id))
            .await;
        assert!(r.body.starts_with("WEBVTT"), "{backend}");
        let r = app.get(&format!("/offres/{near}?commune=L%27Aigle")).await;
        assert!(
            r.body.contains(&format!("href=\"/metiers/{ROME}?commune=")),
            "{backend}: the offer links to its trade"
        );
    }
}

#[tokio::test]
async fn an_unknown_or_invalid_code_is_a_french_404() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        for uri in [
            "/metiers/Z9999",
            "/metiers/xx",
            "/metiers/I1310%00",
            "/metiers/%C3%A9",
            "/metiers/I1310/films/1/video",
            "/metiers/Z9999/films/1/video",
        ] {
            let r = app.get(uri).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend} {uri}");
            assert!(r.body.contains("Page introuvable"), "{backend} {uri}");
        }
        let (cookie, _) = app.session(Role::Conseiller, None).await;
        let r = app.get_as("/gestion/metiers/Z9999", &cookie).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend}");
    }
}

#[tokio::test]
async fn a_film_without_captions_is_refused_in_french_and_nothing_is_stored() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let video = fixture("tiny.mp4");
        let refused: [(&[(&str, &str, &[u8])], &str); 4] = [
            (
                &[("video", "film.mp4", &video)],
                "Les sous-titres sont obligatoires",
            ),
            (
                &[
                    ("video", "film.mp4", &video),
                    ("sous_titres", "film.vtt", b"pas du WebVTT"),
                ],
                "WEBVTT",
            ),
            (
                &[
                    ("video", "film.txt", b"pas une video du tout"),
                    ("sous_titres", "film.vtt", VTT.as_bytes()),
                ],
                "vidéo",
            ),
            (
                &[("sous_titres", "film.vtt", VTT.as_bytes())],
                "Choisissez le fichier de la vidéo",
            ),
        ];
        for (files, message) in refused {
            let r = upload(&app, &cookie, &csrf, true, files).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.body);
            assert!(
                r.body.contains(message),
                "{backend}: « {message} » in {}",
                r.body
            );
            assert!(
                app.state
                    .store
                    .trade_films(ROME, false)
                    .await
                    .unwrap()
                    .is_empty(),
                "{backend}: no film stored"
            );
            assert!(film_files(&app).is_empty(), "{backend}: no file stored");
        }
        // A hosted video still needs its captions; with them, it is kept.
        let r = app
            .raw(multipart(
                &format!("/gestion/metiers/{ROME}/films"),
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("titre", "Le film hébergé"),
                    ("lien", "https://video.example/film"),
                ],
                &[],
            ))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(r.body.contains("Les sous-titres sont obligatoires"));
        let r = app
            .raw(multipart(
                &format!("/gestion/metiers/{ROME}/films"),
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("titre", "Le film hébergé"),
                    ("lien", "https://video.example/film"),
                    ("publier", "oui"),
                ],
                &[("sous_titres", "film.vtt", VTT.as_bytes())],
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let page = app.get(&format!("/metiers/{ROME}")).await;
        assert!(page.body.contains("href=\"https://video.example/film\""));
        assert!(page.body.contains("On répare les machines avant la panne."));
        // A wrong CSRF token changes nothing.
        let r = upload(
            &app,
            &cookie,
            "0000",
            true,
            &[
                ("video", "film.mp4", &video),
                ("sous_titres", "film.vtt", VTT.as_bytes()),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
        assert_eq!(
            app.state
                .store
                .trade_films(ROME, false)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn an_unpublished_film_is_out_of_reach_until_published_and_gone_when_removed() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let video = fixture("tiny.mp4");
        let r = upload(
            &app,
            &cookie,
            &csrf,
            false,
            &[
                ("video", "film.mp4", &video),
                ("sous_titres", "film.vtt", VTT.as_bytes()),
                ("affiche", "a.png", b"\x89PNG\r\n\x1a\n0000"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let film = app
            .state
            .store
            .trade_films(ROME, false)
            .await
            .unwrap()
            .remove(0);
        assert!(!film.published);
        for slot in ["video", "sous-titres", "affiche"] {
            let uri = format!("/metiers/{ROME}/films/{}/{slot}", film.id);
            assert_eq!(
                app.get(&uri).await.status,
                StatusCode::NOT_FOUND,
                "{backend} {uri}"
            );
            let preview = format!("/gestion/metiers/{ROME}/films/{}/apercu/{slot}", film.id);
            assert_eq!(
                app.get_as(&preview, &cookie).await.status,
                StatusCode::OK,
                "{backend} {preview}"
            );
        }
        // Under another trade's address: not found either.
        let r = app
            .get(&format!("/metiers/J1501/films/{}/video", film.id))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let page = app.get(&format!("/metiers/{ROME}")).await;
        assert!(!page.body.contains("<video"), "{backend}");

        let publish = format!("/gestion/metiers/{ROME}/films/{}/publier", film.id);
        let r = app.post_form(&publish, &cookie, &[("csrf", &csrf)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let uri = format!("/metiers/{ROME}/films/{}/video", film.id);
        assert_eq!(app.get(&uri).await.status, StatusCode::OK, "{backend}");
        assert!(
            app.get(&format!("/metiers/{ROME}"))
                .await
                .body
                .contains("<video")
        );

        let remove = format!("/gestion/metiers/{ROME}/films/{}/supprimer", film.id);
        let r = app.post_form(&remove, &cookie, &[("csrf", &csrf)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.get(&uri).await.status,
            StatusCode::NOT_FOUND,
            "{backend}"
        );
        assert!(film_files(&app).is_empty(), "{backend}: files erased");
    }
}
