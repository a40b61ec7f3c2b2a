//! The public application form: with or without a CV, bad input explained, limits.

use crate::common::{fields, form, multipart, outbox, text};
use crate::support::{TestApp, backends};
use axum::http::{StatusCode, header};

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
        let start = r.body.find("https://tremplin.example/c/").unwrap();
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
async fn twenty_a_day_per_person_and_thirty_an_hour_per_address() {
    let app = TestApp::new("sqlite").await;
    for i in 0..22 {
        app.publish(
            crate::support::offer(&format!("o{i}"), &format!("Offre {i}"), "61214"),
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

#[tokio::test]
async fn required_questions_are_marked_and_a_refused_send_leads_to_each_error() {
    let app = TestApp::with_catalogue("sqlite").await;
    let page = app.get("/offres/1/postuler").await.body;
    // Marked without JavaScript: the attribute for the browser, the word for the reader.
    for (field, marker) in [
        (
            r#"id="prenom" name="prenom""#,
            "Prénom <span class=\"req\">(obligatoire)</span>",
        ),
        (
            r#"id="nom" name="nom""#,
            "Nom <span class=\"req\">(obligatoire)</span>",
        ),
        (
            r#"id="date_naissance" name="date_naissance""#,
            "Date de naissance <span class=\"req\">(obligatoire)</span>",
        ),
    ] {
        let at = page.find(field).unwrap_or_else(|| panic!("{field}"));
        let tag = &page[at..at + page[at..].find('>').unwrap()];
        assert!(tag.contains(" required"), "{tag}");
        assert!(page.contains(marker), "{marker}");
    }
    assert!(
        page.contains(r#"name="mobilite" value="permis_voiture" required"#),
        "{page}"
    );
    assert!(page.contains(r#"id="consentement" name="consentement" value="oui" required"#));
    assert!(page.contains("Comment vous déplacez-vous ? <span class=\"req\">(obligatoire)</span>"));
    assert!(page.contains("(obligatoire, ou le téléphone)"));

    let (cookie, csrf) = form(&app, 1).await;
    let mut bad = fields(&csrf);
    bad.retain(|(k, _)| !matches!(*k, "prenom" | "mobilite" | "consentement"));
    bad.push(("telephone", "12"));
    bad.retain(|(k, v)| *k != "telephone" || *v == "12");
    let r = app.post_form("/offres/1/postuler", &cookie, &bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let b = &r.body;
    // The summary first, focused on load, each message a link to its field.
    let summary = b.find("error-summary").unwrap();
    assert!(summary < b.find("<form").unwrap());
    assert!(
        b[summary..]
            .starts_with(r#"error-summary" id="erreurs" role="alert" tabindex="-1" autofocus>"#),
        "{b}"
    );
    for anchor in [
        "#prenom",
        "#telephone",
        "#mobilite-permis_voiture",
        "#consentement",
    ] {
        assert!(
            b.contains(&format!(r##"<a href="{anchor}">"##)),
            "{anchor}: {b}"
        );
    }
    // Each field says it is wrong, and which message is its own.
    for id in ["prenom", "telephone"] {
        assert!(
            b.contains(&format!(
                r#"id="{id}" name="{id}" aria-invalid="true" aria-describedby="{id}-erreur""#
            )),
            "{id}: {b}"
        );
        assert!(
            b.contains(&format!(r#"<p class="field-error" id="{id}-erreur">"#)),
            "{id}"
        );
    }
    assert!(b.contains(r#"aria-invalid="true" aria-describedby="consentement-erreur""#));
    assert!(b.contains(r#"id="mobilite-erreur""#));
    assert!(
        !b.contains(r#"id="nom" name="nom" aria-invalid"#),
        "a right field is not marked"
    );
    assert!(
        b.contains("<title>Erreur – Postuler"),
        "the title says it too"
    );
}
