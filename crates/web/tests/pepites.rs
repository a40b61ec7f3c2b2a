//! « Nos pépites » end to end: a counselor writes a portrait, uploads its video (recognised by
//! content), poster and captions, gathers consents (online link, paper form), publishes; an
//! employer asks to meet; a withdrawal takes it off and erases its files; no unpublished file
//! is reachable by guessing its address.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::{Reply, TestApp, backends};
use tremplin_storage::Role;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../domain/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A multipart body with text fields and one file.
fn multipart(
    uri: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    file: (&str, &str, &[u8]),
) -> Request<Body> {
    let boundary = "XtremplinX";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n", file.0, file.1)
            .as_bytes(),
    );
    body.extend(file.2);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

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

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

/// A portrait through the form: its id.
async fn create(app: &TestApp, cookie: &str, csrf: &str, birth: &str) -> i64 {
    let r = app
        .post_form(
            "/gestion/pepites/nouvelle",
            cookie,
            &[
                ("csrf", csrf),
                ("prenom", "Léa"),
                ("naissance", birth),
                ("titulaires", "2"),
                ("zone", "epci:200068468"),
                ("metier_1", "D1102"),
                ("disponible", "2027-01-04"),
                ("rayon", "20"),
                ("atout_1", "Ponctuelle"),
                ("atout_2", "Souriante"),
                ("atout_3", "Curieuse"),
                ("texte", "J'aime faire du pain depuis toute petite."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.headers[header::LOCATION].to_str().unwrap();
    to.rsplit('/').next().unwrap().parse().unwrap()
}

/// Video, poster and captions uploaded.
async fn with_files(app: &TestApp, cookie: &str, csrf: &str, id: i64) {
    let r = app
        .raw(multipart(
            &format!("/gestion/pepites/{id}/video"),
            cookie,
            &[("csrf", csrf)],
            ("video", "portrait.mp4", &fixture("tiny.mp4")),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .raw(multipart(
            &format!("/gestion/pepites/{id}/affiche"),
            cookie,
            &[("csrf", csrf)],
            ("affiche", "a.png", PNG),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .post_form(
            &format!("/gestion/pepites/{id}/sous-titres"),
            cookie,
            &[
                ("csrf", csrf),
                ("debut_1", "0"),
                ("fin_1", "00:01.500"),
                ("texte_1", "Bonjour, je suis Léa."),
                ("debut_2", ""),
                ("fin_2", ""),
                ("texte_2", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Asks a consent online and answers it through the link e-mailed: the link.
async fn consent_online(
    app: &TestApp,
    cookie: &str,
    csrf: &str,
    id: i64,
    signer: &str,
    email: &str,
    mails: &std::path::Path,
) -> String {
    let r = app
        .post_form(
            &format!("/gestion/pepites/{id}/consentements"),
            cookie,
            &[
                ("csrf", csrf),
                ("signataire", signer),
                ("nom", "Camille Exemple"),
                ("lien", "mère"),
                ("email", email),
                ("mode", "email"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let all = support::outbox(app, mails).await;
    let text = support::text(
        all.iter()
            .rev()
            .find(|m| m.contains(email))
            .expect("mail sent"),
    );
    let start = text
        .find("https://tremplin.example/pepites/consentement/")
        .unwrap();
    let link = text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_start_matches("https://tremplin.example")
        .to_owned();
    let page = app.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    let (c, t) = csrf_of(&page);
    let r = app
        .post_form(
            &link,
            &c,
            &[("csrf", &t), ("action", "consentir"), ("tremplin", "oui")],
        )
        .await;
    assert!(r.body.contains("votre accord est enregistré"), "{}", r.body);
    link
}

#[tokio::test]
async fn a_minor_needs_both_holders_and_a_withdrawal_erases_the_files() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let mails = tempfile::tempdir().unwrap();
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        // Born 2010: 16 on the test's day.
        let id = create(&app, &cookie, &csrf, "2010-03-01").await;
        with_files(&app, &cookie, &csrf, id).await;
        let action = format!("/gestion/pepites/{id}/action");
        let publish = || async {
            app.post_form(&action, &cookie, &[("csrf", &csrf), ("action", "publier")])
                .await
        };
        let r = publish().await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{backend}");
        assert!(
            r.body.contains(
                "Le consentement de la personne filmée pour le portrait sur Tremplin manque"
            ),
            "{}",
            r.body
        );

        consent_online(
            &app,
            &cookie,
            &csrf,
            id,
            "jeune",
            "lea@example.org",
            mails.path(),
        )
        .await;
        consent_online(
            &app,
            &cookie,
            &csrf,
            id,
            "titulaire_1",
            "mere@example.org",
            mails.path(),
        )
        .await;
        let r = publish().await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(
            r.body.contains("seconde personne titulaire"),
            "one of two holders is not enough: {}",
            r.body
        );
        let link = consent_online(
            &app,
            &cookie,
            &csrf,
            id,
            "titulaire_2",
            "pere@example.org",
            mails.path(),
        )
        .await;
        let r = publish().await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = app.get(&format!("/pepites/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains(r#"<meta name="robots" content="noindex">"#)
        );
        assert!(
            page.body.contains(r#"<track kind="captions" srclang="fr""#)
                && page.body.contains("Bonjour, je suis Léa.")
        );
        for secret in [
            "lea@example.org",
            "mere@example.org",
            "2010-03-01",
            "Camille",
        ] {
            assert!(!page.body.contains(secret), "{secret} on the public page");
        }
        let video = app.get(&format!("/pepites/{id}/media/video")).await;
        assert_eq!(video.status, StatusCode::OK);
        assert_eq!(video.bytes, fixture("tiny.mp4"));
        let files = || walk(app.uploads.path());
        // Video, poster, captions (and with ffmpeg on the PATH, a lighter copy made behind).
        assert!(
            files().len() >= 3,
            "video, poster, captions on disk: {:?}",
            files()
        );

        // The father withdraws through his link: off the site at once, files erased, counselor told.
        let page = app.get(&link).await;
        assert!(page.body.contains("Retirer mon accord"));
        let (c, t) = csrf_of(&page);
        let r = app
            .post_form(&link, &c, &[("csrf", &t), ("action", "retirer")])
            .await;
        assert!(r.body.contains("Votre accord est retiré"), "{}", r.body);
        assert_eq!(
            app.get(&format!("/pepites/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(&format!("/pepites/{id}/media/video")).await.status,
            StatusCode::NOT_FOUND
        );
        // A lighter copy still being made when the consent went is erased as it lands (ffmpeg
        // can take many seconds on a loaded machine: wait up to a minute).
        for _ in 0..600 {
            if files().is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(files().is_empty(), "{backend}: files left {:?}", files());
        let all = support::outbox(&app, mails.path()).await;
        assert!(
            all.iter()
                .any(|m| support::text(m).contains("a quitté Tremplin")),
            "counselor told"
        );
        assert_eq!(app.state.store.pepite_tombstones().await.unwrap().len(), 1);
    }
}

/// The stored media under `dir`. Uploads being received or read by ffmpeg wait in the hidden
/// spool (`.envois/`), which `tests/uploads.rs` checks apart.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() && e.file_name() == ".envois" {
            continue;
        }
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn videos_are_recognised_by_content_and_refused_in_french() {
    let app = TestApp::new("sqlite").await;
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    let id = create(&app, &cookie, &csrf, "2000-03-01").await;
    let upload = |name: &'static str, bytes: Vec<u8>| {
        let (cookie, csrf) = (cookie.clone(), csrf.clone());
        let app = &app;
        async move {
            app.raw(multipart(
                &format!("/gestion/pepites/{id}/video"),
                &cookie,
                &[("csrf", &csrf)],
                ("video", name, &bytes),
            ))
            .await
        }
    };
    let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap()[..50_000].to_vec();
    let r = upload("portrait.mp4", exe).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("n&#39;est pas une vidéo MP4 ou WebM")
            || r.body.contains("n'est pas une vidéo MP4 ou WebM"),
        "{}",
        r.body
    );
    let r = upload("portrait.mp4", fixture("truncated.mp4")).await;
    assert!(
        r.status == StatusCode::BAD_REQUEST && r.body.contains("incomplète"),
        "{}",
        r.body
    );
    app.state
        .store
        .set_pepite_video_limits(150, 3)
        .await
        .unwrap();
    let r = upload("portrait.mp4", fixture("long.mp4")).await;
    assert!(
        r.status == StatusCode::BAD_REQUEST && r.body.contains("dure 4,0 s"),
        "{}",
        r.body
    );
    assert!(
        walk(app.uploads.path()).is_empty(),
        "nothing stored on refusal"
    );
    let r = upload("portrait.bin", fixture("tiny.webm")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = app.state.store.pepite(id).await.unwrap().unwrap();
    assert_eq!(p.video_mime.as_deref(), Some("video/webm"));
    // Captions past the end of the two-second video are refused.
    let r = app
        .post_form(
            &format!("/gestion/pepites/{id}/sous-titres"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("debut_1", "1"),
                ("fin_1", "5"),
                ("texte_1", "Trop tard"),
            ],
        )
        .await;
    assert!(
        r.status == StatusCode::BAD_REQUEST && r.body.contains("après la fin de la vidéo"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn no_unpublished_file_is_reachable_by_guessing() {
    let app = TestApp::new("sqlite").await;
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    let id = create(&app, &cookie, &csrf, "2000-03-01").await;
    with_files(&app, &cookie, &csrf, id).await;
    for slot in ["video", "affiche", "sous-titres", "legere", "x"] {
        assert_eq!(
            app.get(&format!("/pepites/{id}/media/{slot}")).await.status,
            StatusCode::NOT_FOUND,
            "{slot}"
        );
    }
    assert_eq!(
        app.get(&format!("/pepites/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    for path in walk(app.uploads.path()) {
        let rel = path
            .strip_prefix(app.uploads.path())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for guess in [
            format!("/{rel}"),
            format!("/uploads/{rel}"),
            format!("/media/{rel}"),
            format!("/assets/{rel}"),
        ] {
            assert_eq!(
                app.get(&guess).await.status,
                StatusCode::NOT_FOUND,
                "{guess}"
            );
        }
    }
    // The counselor previews it, never cached.
    let r = app
        .get_as(&format!("/gestion/pepites/{id}/apercu/video"), &cookie)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
    assert_eq!(
        app.get(&format!("/gestion/pepites/{id}/apercu/video"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

/// An adult published with a paper consent, ready for employers.
async fn published_adult(app: &TestApp, cookie: &str, csrf: &str) -> i64 {
    let id = create(app, cookie, csrf, "2000-03-01").await;
    with_files(app, cookie, csrf, id).await;
    let r = app
        .post_form(
            &format!("/gestion/pepites/{id}/consentements"),
            cookie,
            &[
                ("csrf", csrf),
                ("signataire", "jeune"),
                ("nom", "Léa Exemple"),
                ("lien", "elle-même"),
                ("email", "lea@example.org"),
                ("mode", "papier"),
            ],
        )
        .await;
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
    if tremplin_testing::tools::poppler() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("f.pdf");
        std::fs::write(&pdf, &r.bytes).unwrap();
        let out = std::process::Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
        assert!(
            text.contains("Léa Exemple")
                && text.contains("réseaux sociaux")
                && text.contains("/pepites/consentement/"),
            "{text}"
        );
    }
    let c = app.state.store.pepite_consents(id).await.unwrap()[0].id;
    let r = app
        .post_form(
            &format!("/gestion/pepites/{id}/consentements/{c}/recu"),
            cookie,
            &[
                ("csrf", csrf),
                ("signe_le", "2026-11-20"),
                ("jusqu_au", "2027-12-01"),
                ("tremplin", "oui"),
            ],
        )
        .await;
    assert!(
        r.body.contains("six mois au plus"),
        "beyond six months refused: {}",
        r.body
    );
    let r = app
        .post_form(
            &format!("/gestion/pepites/{id}/consentements/{c}/recu"),
            cookie,
            &[
                ("csrf", csrf),
                ("signe_le", "2026-11-20"),
                ("jusqu_au", ""),
                ("tremplin", "oui"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .post_form(
            &format!("/gestion/pepites/{id}/action"),
            cookie,
            &[("csrf", csrf), ("action", "publier")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    id
}

#[tokio::test]
async fn the_employer_form_checks_in_french_and_goes_to_the_counselor_only() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let mails = tempfile::tempdir().unwrap();
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let id = published_adult(&app, &cookie, &csrf).await;
        let list = app.get("/pepites?metier=D1102").await;
        assert!(list.body.contains(&format!("/pepites/{id}")) && list.body.contains("noindex"));
        assert!(
            !app.get("/pepites?metier=K2204")
                .await
                .body
                .contains(&format!("/pepites/{id}\""))
        );
        let page = app.get(&format!("/pepites/{id}")).await;
        assert!(page.body.contains("Je souhaite rencontrer Léa"));
        let (c, t) = csrf_of(&page);
        let send = |fields: Vec<(&'static str, &'static str)>| {
            let (c, t) = (c.clone(), t.clone());
            let app = &app;
            async move {
                let mut all = vec![("csrf", t.as_str())];
                all.extend(fields);
                app.post_form(&format!("/pepites/{id}/rencontrer"), &c, &all)
                    .await
            }
        };
        let r = send(vec![
            ("entreprise", ""),
            ("commune", "Nullepart-sur-Mer"),
            ("siret", "123"),
            ("nom", "M. Martin"),
            ("telephone", ""),
            ("email", "pas-un-mail"),
            ("message", "Bonjour"),
        ])
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
        for expected in ["nom de l&#39;entreprise", "SIRET"] {
            assert!(
                r.body.contains(expected) || r.body.contains(&expected.replace("&#39;", "'")),
                "{expected}: {}",
                r.body
            );
        }
        assert!(
            app.state
                .store
                .meeting_requests(None)
                .await
                .unwrap()
                .is_empty(),
            "nothing stored"
        );
        let r = send(vec![
            ("entreprise", "Boulangerie Fictive"),
            ("commune", "61214"),
            ("siret", ""),
            ("nom", "M. Martin"),
            ("telephone", "02 33 00 00 00"),
            ("email", ""),
            ("message", "Nous cherchons une apprentie."),
        ])
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("votre demande est partie"));
        let requests = app.state.store.meeting_requests(Some(id)).await.unwrap();
        assert_eq!(requests.len(), 1);
        let all = support::outbox(&app, mails.path()).await;
        let to_counselor: Vec<String> = all
            .iter()
            .filter(|m| m.contains("souhaite rencontrer"))
            .map(|m| support::text(m))
            .collect();
        assert_eq!(to_counselor.len(), 1);
        assert!(to_counselor[0].contains("Boulangerie Fictive"));
        // The young person's address is on no page or mail an employer sees.
        for body in [
            app.get("/pepites").await.body,
            app.get(&format!("/pepites/{id}")).await.body,
            r.body.clone(),
        ] {
            assert!(!body.contains("lea@example.org"));
        }
        // The counselor sees it, records a contract: the pépite ends, its files go.
        let list = app.get_as("/gestion/pepites", &cookie).await;
        assert!(list.body.contains("Boulangerie Fictive"));
        let r = app
            .post_form(
                &format!("/gestion/pepites/demandes/{}/suite", requests[0].id),
                &cookie,
                &[("csrf", &csrf), ("suite", "contrat")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.get(&format!("/pepites/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(walk(app.uploads.path()).is_empty());
        assert_eq!(
            app.state.store.pepite(id).await.unwrap().unwrap().status,
            "terminee"
        );
    }
}

#[tokio::test]
async fn export_and_erasure_cover_the_pepites() {
    let app = TestApp::new("sqlite").await;
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    let id = published_adult(&app, &cookie, &csrf).await;
    let (admin, admin_csrf) = app.session(Role::Admin, None).await;
    let r = app
        .post_form(
            "/gestion/personnes/export",
            &admin,
            &[("csrf", &admin_csrf), ("email", "lea@example.org")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let json = r.json();
    assert_eq!(json["pepites"]["portraits"][0]["pepite"], id, "{json}");
    assert_eq!(json["pepites"]["portraits"][0]["portrait"]["prenom"], "Léa");
    let r = app
        .post_form(
            "/gestion/personnes/effacer",
            &admin,
            &[("csrf", &admin_csrf), ("email", "lea@example.org")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(app.state.store.pepite(id).await.unwrap().is_none());
    assert_eq!(
        app.get(&format!("/pepites/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    for _ in 0..100 {
        if walk(app.uploads.path()).is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(walk(app.uploads.path()).is_empty());
    assert_eq!(app.state.store.pepite_tombstones().await.unwrap().len(), 1);
}
