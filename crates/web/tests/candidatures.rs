//! Applying without an account, and the employer's one-click answer.

mod support;

use axum::http::{StatusCode, header};
use support::{TestApp, backends};
use tremplin_domain::application::ApplicationStatus;
use tremplin_mail::{MailConfig, Mailer};

async fn outbox(app: &TestApp, dir: &std::path::Path) -> Vec<String> {
    let mailer = Mailer::new(
        &MailConfig::Folder(dir.to_owned()),
        "Tremplin <ne-pas-repondre@ml-test.example>",
    )
    .unwrap();
    tremplin_web::services::outbox::drain(&app.state.store, &mailer, &tremplin_web::SystemClock)
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

/// The plain text of a message, quoted-printable decoded.
fn text(eml: &str) -> String {
    let b = eml.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
            i += 3;
        } else if b[i] == b'='
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            out.push(u8::from_str_radix(&eml[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Léa Martin's application as the storage receives it, for tests that store it directly.
fn input() -> tremplin_domain::application::ApplicationInput {
    let f = fields("x");
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default()
    };
    tremplin_domain::application::ApplicationInput::parse(
        &get,
        support::now().date_naive(),
        &|_| true,
    )
    .unwrap()
}

async fn form(app: &TestApp, offer: i64) -> (String, String) {
    let r = app.get(&format!("/offres/{offer}/postuler")).await;
    assert_eq!(r.status, StatusCode::OK);
    let cookie = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = cookie.split_once('=').unwrap().1.to_owned();
    (cookie, token)
}

fn fields<'a>(csrf: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("prenom", "Léa"),
        ("nom", "Martin"),
        ("email", "lea.martin@exemple.fr"),
        ("telephone", "06 12 34 56 78"),
        ("commune", "61293"),
        ("date_naissance", "2009-03-15"),
        ("mobilite", "deux_roues"),
        (
            "message",
            "Je recherche un apprentissage en boulangerie, disponible dès janvier.",
        ),
        ("consentement", "oui"),
    ]
}

#[tokio::test]
async fn apply_without_a_cv_and_get_an_answer() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let (cookie, csrf) = form(&app, 1).await;
        let r = app
            .post_form("/offres/1/postuler", &cookie, &fields(&csrf))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Votre candidature est partie"));
        let start = r
            .body
            .find("https://tremplin.example/candidature/")
            .unwrap();
        let follow = r.body[start + "https://tremplin.example".len()..]
            .split('"')
            .next()
            .unwrap()
            .to_owned();

        let mails = outbox(&app, dir.path()).await;
        assert_eq!(
            mails.len(),
            3,
            "{backend}: to the employer, to the young person, and to the Mission Locale (no CV)"
        );
        assert!(
            mails
                .iter()
                .map(|m| text(m))
                .any(|m| m.contains("To: contact@ml-test.example")
                    && m.contains("Candidature sans CV de Léa Martin"))
        );
        let employer = text(
            mails
                .iter()
                .find(|m| m.contains("To: contact@entreprise.example"))
                .unwrap(),
        );
        assert!(
            employer.contains("Léa Martin postule à votre offre « Boulanger/Boulangère »"),
            "{employer}"
        );
        assert!(
            employer.contains("Âge : 17 ans (mineur·e : horaires et travaux encadrés)"),
            "{employer}"
        );
        assert!(employer.contains("Mobilité : Deux-roues (scooter, vélo)"));
        assert!(
            mails
                .iter()
                .any(|m| m.contains("To: lea.martin@exemple.fr"))
        );
        assert!(
            employer.contains("Content-Type: text/html")
                && employer.contains("<strong>Léa Martin</strong>"),
            "text and HTML"
        );

        let page = app.get(&follow).await.body;
        assert!(
            page.contains("Envoyée à l&#39;employeur") || page.contains("Envoyée à l'employeur"),
            "{page}"
        );

        // The employer answers from the email's link: a page with one button, then the answer.
        let start = employer.find("https://tremplin.example/reponse/").unwrap()
            + "https://tremplin.example".len();
        let link = employer[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned();
        assert!(link.ends_with("/entretien"), "{link}");
        let r = app.get(&link).await;
        assert!(r.body.contains("Je propose un entretien"));
        let r = app.post_form(&link, "", &[("raison", "")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            app.get(&link)
                .await
                .body
                .contains("Votre réponse est enregistrée")
        );
        let page = app.get(&follow).await.body;
        assert!(
            page.contains("L&#39;employeur vous propose un entretien")
                || page.contains("L'employeur vous propose un entretien"),
            "{page}"
        );
        // The first answer stands.
        let no = link.replace("/entretien", "/non_retenu");
        app.post_form(&no, "", &[("raison", "trop tard")]).await;
        assert!(app.get(&follow).await.body.contains("propose un entretien"));
        let mails = outbox(&app, dir.path()).await;
        assert!(mails.iter().any(|m| text(m).contains("L'employeur a répondu à votre candidature « Boulanger/Boulangère » : L'employeur vous propose un entretien.")), "{backend}");
    }
}

#[tokio::test]
async fn bad_applications_are_explained_and_store_nothing() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf) = form(&app, 1).await;
    let mut f = fields(&csrf);
    f[3] = ("email", "");
    f[4] = ("telephone", "");
    f[9] = ("consentement", "");
    let r = app.post_form("/offres/1/postuler", &cookie, &f).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Indiquez un e-mail ou un téléphone"));
    assert!(r.body.contains("acceptez que la Mission Locale"));
    assert!(r.body.contains("value=\"Léa\""), "what was typed stays");
    assert_eq!(
        app.post_form("/offres/1/postuler", "", &fields("x"))
            .await
            .status,
        StatusCode::FORBIDDEN,
        "CSRF"
    );
    assert_eq!(
        app.get("/offres/4/postuler").await.status,
        StatusCode::NOT_FOUND,
        "not a public offer"
    );
    assert_eq!(app.state.store.mail_counts().await.unwrap(), (0, 0));
}

#[tokio::test]
async fn three_times_per_offer_at_most_and_robots_get_nothing() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf) = form(&app, 1).await;
        for _ in 0..3 {
            assert_eq!(
                app.post_form("/offres/1/postuler", &cookie, &fields(&csrf))
                    .await
                    .status,
                StatusCode::OK
            );
        }
        let r = app
            .post_form("/offres/1/postuler", &cookie, &fields(&csrf))
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{backend}");
        assert!(r.body.contains("déjà postulé 3 fois à cette offre"));
        // Another offer is fine.
        assert_eq!(
            app.post_form("/offres/2/postuler", &cookie, &fields(&csrf))
                .await
                .status,
            StatusCode::OK
        );

        let before = app.state.store.mail_counts().await.unwrap();
        let mut bot = fields(&csrf);
        bot.push(("site_web", "http://spam.example"));
        let r = app.post_form("/offres/3/postuler", &cookie, &bot).await;
        assert!(
            r.body.contains("Votre candidature est partie"),
            "the robot learns nothing"
        );
        assert_eq!(
            app.state.store.mail_counts().await.unwrap(),
            before,
            "and nothing is sent"
        );
    }
}

/// A multipart body as a browser sends it, with an optional file in `cv`.
fn multipart(fields: &[(&str, &str)], cv: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----tremplin-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = cv {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn a_cv_is_checked_by_its_content_kept_out_of_sight_and_sent_to_the_employer() {
    let app = TestApp::with_catalogue("sqlite").await;
    let dir = tempfile::tempdir().unwrap();
    let (cookie, csrf) = form(&app, 1).await;
    let send = |body: (String, Vec<u8>)| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let request = axum::http::Request::post("/offres/1/postuler")
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, body.0)
                .body(axum::body::Body::from(body.1))
                .unwrap();
            app.raw(request).await
        }
    };

    let exe = b"MZ\x90\x00 not a cv at all";
    let r = send(multipart(&fields(&csrf), Some(("cv.pdf", exe)))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("PDF, Word (.docx) ou OpenDocument (.odt)"),
        "{}",
        r.body
    );

    let huge = vec![b'a'; 5 * 1024 * 1024 + 10];
    let mut pdf_huge = b"%PDF-1.4\n".to_vec();
    pdf_huge.extend_from_slice(&huge);
    let r = send(multipart(&fields(&csrf), Some(("cv.pdf", &pdf_huge)))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("dépasse 5 Mo"), "{}", r.body);
    assert_eq!(
        app.state.store.mail_counts().await.unwrap(),
        (0, 0),
        "refused: nothing sent"
    );

    let pdf = b"%PDF-1.4\n% un vrai CV\n".to_vec();
    let r = send(multipart(&fields(&csrf), Some(("mon cv.pdf", &pdf)))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let stored: Vec<_> = std::fs::read_dir(app.uploads.path().join("cv"))
        .unwrap()
        .collect();
    assert_eq!(
        stored.len(),
        1,
        "kept under the uploads folder, under a random name"
    );

    let mails = outbox(&app, dir.path()).await;
    let employer = mails
        .iter()
        .find(|m| m.contains("To: contact@entreprise.example"))
        .unwrap();
    assert!(
        employer.contains("Content-Type: application/pdf"),
        "{employer}"
    );
    assert!(employer.contains("Content-Disposition: attachment"));
    // Counselors, and only they, get the CV, as a download.
    let (counselor, _) = app.session(tremplin_storage::Role::Conseiller, None).await;
    let list = app.get_as("/gestion/candidatures", &counselor).await.body;
    assert!(
        list.contains("Léa Martin") && list.contains("/gestion/candidatures/1/cv"),
        "{list}"
    );
    let r = app.get_as("/gestion/candidatures/1/cv", &counselor).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers
            .get(header::CONTENT_DISPOSITION)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=")
    );
    assert_eq!(
        r.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/pdf"
    );
    assert_eq!(r.body.as_bytes(), &pdf[..]);
    let (partner, _) = app
        .session(tremplin_storage::Role::Partenaire, Some("P"))
        .await;
    assert_eq!(
        app.get_as("/gestion/candidatures/1/cv", &partner)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/gestion/candidatures/1/cv").await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        app.state
            .store
            .audit_log(5)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "CV consulté")
    );
    // Without a file, multipart still works: applying without a CV is a first-class path.
    let (cookie2, csrf2) = form(&app, 2).await;
    let body = multipart(&fields(&csrf2), None);
    let request = axum::http::Request::post("/offres/2/postuler")
        .header(header::COOKIE, cookie2)
        .header(header::CONTENT_TYPE, body.0)
        .body(axum::body::Body::from(body.1))
        .unwrap();
    assert_eq!(app.raw(request).await.status, StatusCode::OK);
}

#[tokio::test]
async fn withdraw_and_erase_from_the_follow_up_link() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf) = form(&app, 1).await;
    let r = app
        .post_form("/offres/1/postuler", &cookie, &fields(&csrf))
        .await;
    let start = r
        .body
        .find("https://tremplin.example/candidature/")
        .unwrap()
        + "https://tremplin.example".len();
    let follow = r.body[start..].split('"').next().unwrap().to_owned();
    let r = app.post_form(&follow, "", &[]).await;
    assert!(r.body.contains("Votre candidature est retirée"));
    assert_eq!(
        app.get(&follow).await.status,
        StatusCode::NOT_FOUND,
        "erased"
    );
    assert!(app.state.store.applications(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn when_the_offer_is_filled_waiting_applicants_are_told() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let (cookie, csrf) = form(&app, 1).await;
        app.post_form("/offres/1/postuler", &cookie, &fields(&csrf))
            .await;
        outbox(&app, dir.path()).await;
        let (counselor, ccsrf) = app.session(tremplin_storage::Role::Conseiller, None).await;
        app.post_form(
            "/gestion/offres/1/action",
            &counselor,
            &[("csrf", &ccsrf), ("action", "pourvue")],
        )
        .await;
        let a = &app.state.store.applications(10).await.unwrap()[0];
        assert_eq!(a.status, ApplicationStatus::NonRetenue, "{backend}");
        let mails = outbox(&app, dir.path()).await;
        let told = mails
            .iter()
            .map(|m| text(m))
            .find(|m| m.contains("n'est plus disponible : le poste a été pourvu"));
        assert!(
            told.is_some_and(|m| m.contains("To: lea.martin@exemple.fr")),
            "{mails:?}"
        );
    }
}

#[tokio::test]
async fn a_week_without_an_answer_puts_the_application_on_the_counselors_list() {
    let app = TestApp::with_catalogue("sqlite").await;
    let input = input();
    let eight_days_ago = support::now() - chrono::Duration::days(8);
    app.state
        .store
        .create_application(1, &input, None, "f", "e", eight_days_ago)
        .await
        .unwrap();
    let (counselor, _) = app.session(tremplin_storage::Role::Conseiller, None).await;
    let week = app.get_as("/gestion/semaine", &counselor).await.body;
    assert!(
        week.contains("Relances : candidatures sans réponse depuis 7 jours (1)")
            && week.contains("Léa Martin"),
        "{week}"
    );
    let follow_page = app
        .state
        .store
        .application_by_follow_link("f")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(follow_page.status, ApplicationStatus::Envoyee);
}

#[tokio::test]
async fn applications_are_forgotten_after_the_retention_and_on_request() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let input = input();
        let cv_path = app.uploads.path().join("old-cv.pdf");
        std::fs::write(&cv_path, b"%PDF-1.4 old").unwrap();
        let cv = tremplin_storage::Attachment {
            path: cv_path.to_string_lossy().into_owned(),
            name: "cv.pdf".into(),
            content_type: "application/pdf".into(),
        };
        let thirteen_months_ago = support::now() - chrono::Duration::days(400);
        app.state
            .store
            .create_application(1, &input, Some(&cv), "old-f", "old-e", thirteen_months_ago)
            .await
            .unwrap();
        app.state
            .store
            .create_application(2, &input, None, "new-f", "new-e", support::now())
            .await
            .unwrap();
        tremplin_web::services::editions::tick(&app.state)
            .await
            .unwrap();
        let left: Vec<i64> = app
            .state
            .store
            .applications(10)
            .await
            .unwrap()
            .iter()
            .map(|a| a.offer_id)
            .collect();
        assert_eq!(left, [2], "{backend}: the old one is gone");
        assert!(!cv_path.exists(), "with its CV");

        // An admin answers a request for access, then for erasure.
        let (admin, csrf) = app.session(tremplin_storage::Role::Admin, None).await;
        let page = app
            .get_as("/gestion/personnes?email=LEA.MARTIN@exemple.fr", &admin)
            .await
            .body;
        assert!(page.contains("1 candidature(s)"), "{page}");
        let r = app
            .post_form(
                "/gestion/personnes/export",
                &admin,
                &[("csrf", &csrf), ("email", "lea.martin@exemple.fr")],
            )
            .await;
        assert_eq!(
            r.headers.get(header::CONTENT_TYPE).unwrap(),
            "application/json"
        );
        let export: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(export["candidatures"][0]["prenom"], "Léa");
        assert_eq!(export["candidatures"][0]["etapes"][0]["etape"], "envoyee");
        let r = app
            .post_form(
                "/gestion/personnes/effacer",
                &admin,
                &[("csrf", &csrf), ("telephone", "06 12 34 56 78")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(app.state.store.applications(10).await.unwrap().is_empty());
        let log = app.state.store.audit_log(5).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "données effacées" && e.detail == "1 candidature(s)")
        );
        assert!(
            log.iter().all(|e| !e.detail.contains("Martin")),
            "no personal data in the log"
        );
        let (counselor, ccsrf) = app.session(tremplin_storage::Role::Conseiller, None).await;
        assert_eq!(
            app.get_as("/gestion/personnes", &counselor).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post_form(
                "/gestion/personnes/effacer",
                &counselor,
                &[("csrf", &ccsrf), ("email", "x@y.fr")]
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn however_an_offer_closes_its_applicants_are_told() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf) = form(&app, 2).await;
        app.post_form("/offres/2/postuler", &cookie, &fields(&csrf))
            .await;
        // Closed behind the back office's back (an import, an expiry): the scheduled work notices.
        app.state
            .store
            .set_offer_status(2, tremplin_domain::OfferStatus::Expiree, support::now())
            .await
            .unwrap();
        tremplin_web::services::editions::tick(&app.state)
            .await
            .unwrap();
        let a = &app.state.store.applications(10).await.unwrap()[0];
        assert_eq!(
            (a.status.as_str(), a.answer_reason.as_deref()),
            ("non_retenue", Some("l'offre a expiré")),
            "{backend}"
        );
        let dir = tempfile::tempdir().unwrap();
        let mails = outbox(&app, dir.path()).await;
        assert!(
            mails
                .iter()
                .map(|m| text(m))
                .any(|m| m.contains("n'est plus disponible : l'offre a expiré"))
        );
        tremplin_web::services::editions::tick(&app.state)
            .await
            .unwrap();
        assert!(
            outbox(&app, tempfile::tempdir().unwrap().path())
                .await
                .is_empty(),
            "told once"
        );
    }
}

#[tokio::test]
async fn a_counselor_applies_for_a_young_person_to_several_offers_at_once() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (counselor, csrf) = app.session(tremplin_storage::Role::Conseiller, None).await;
        let form = app
            .get_as("/gestion/candidatures/nouvelle", &counselor)
            .await
            .body;
        assert!(
            form.contains("Boulanger/Boulangère") && form.contains("Aide-soignant·e"),
            "{form}"
        );
        let mut f = fields(&csrf);
        let r = app
            .post_form("/gestion/candidatures/nouvelle", &counselor, &f)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("Cochez au moins une offre."));
        f.push(("offres", "1"));
        f.push(("offres", "2"));
        let r = app
            .post_form("/gestion/candidatures/nouvelle", &counselor, &f)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            r.body.matches("envoyée – suivi").count(),
            2,
            "{backend}: {}",
            r.body
        );
        let offers: Vec<i64> = app
            .state
            .store
            .applications(10)
            .await
            .unwrap()
            .iter()
            .map(|a| a.offer_id)
            .collect();
        assert_eq!(offers, [2, 1]);
        let (partner, pcsrf) = app
            .session(tremplin_storage::Role::Partenaire, Some("P"))
            .await;
        assert_eq!(
            app.post_form(
                "/gestion/candidatures/nouvelle",
                &partner,
                &[("csrf", &pcsrf)]
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn the_employers_links_expire() {
    let app = TestApp::with_catalogue("sqlite").await;
    let input = input();
    let token = "jeton-employeur-de-test";
    let hash = tremplin_web::shell::auth::token_hash(token);
    app.state
        .store
        .create_application(
            1,
            &input,
            None,
            "f",
            &hash,
            support::now() - chrono::Duration::days(61),
        )
        .await
        .unwrap();
    let r = app.get(&format!("/reponse/{token}/entretien")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Ce lien de réponse a expiré"));
    assert_eq!(
        app.post_form(&format!("/reponse/{token}/entretien"), "", &[])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.state.store.applications(1).await.unwrap()[0].status,
        ApplicationStatus::Envoyee,
        "nothing changed"
    );
}

#[tokio::test]
async fn twenty_a_day_per_person_and_thirty_an_hour_per_address() {
    let app = TestApp::new("sqlite").await;
    for i in 0..22 {
        app.publish(
            support::offer(&format!("o{i}"), &format!("Offre {i}"), "61214"),
            1,
        )
        .await;
    }
    let (cookie, csrf) = form(&app, 1).await;
    for id in 1..=20 {
        let r = app
            .post_form(&format!("/offres/{id}/postuler"), &cookie, &fields(&csrf))
            .await;
        assert_eq!(r.status, StatusCode::OK, "application {id}");
    }
    let r = app
        .post_form("/offres/21/postuler", &cookie, &fields(&csrf))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.body.contains("20 candidatures en 24 heures"),
        "{}",
        r.body
    );
    // Another person from the same address: the per-address limit is 30 an hour.
    let mut other = fields(&csrf);
    other[3] = ("email", "autre@exemple.fr");
    other[4] = ("telephone", "");
    // 21 requests so far from this address; 9 more reach 30 (whatever their outcome).
    for _ in 0..9 {
        app.post_form("/offres/22/postuler", &cookie, &other).await;
    }
    let r = app.post_form("/offres/22/postuler", &cookie, &other).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers[header::RETRY_AFTER], "3600");
    assert!(
        r.body
            .contains("Beaucoup de candidatures sont parties de cette connexion"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_address_has_its_own_limit() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf) = form(&app, 1).await;
    let send = |i: usize, ip: &'static str| {
        let body = serde_urlencoded::to_string(
            fields(&csrf)
                .into_iter()
                .map(|(k, v)| {
                    if k == "email" {
                        (k, format!("p{i}@exemple.fr"))
                    } else {
                        (k, v.to_owned())
                    }
                })
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let request = axum::http::Request::post(format!("/offres/{}/postuler", 1 + i % 3))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", format!("10.0.0.1, {ip}"))
            .body(axum::body::Body::from(body))
            .unwrap();
        let app = &app;
        async move { app.raw(request).await.status }
    };
    for i in 0..30 {
        assert_eq!(
            send(i, "203.0.113.7").await,
            StatusCode::OK,
            "application {i}"
        );
    }
    assert_eq!(
        send(30, "203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS,
        "this address reached 30 an hour"
    );
    assert_eq!(
        send(31, "203.0.113.8").await,
        StatusCode::OK,
        "another young person behind the same proxy is not blocked"
    );
}
