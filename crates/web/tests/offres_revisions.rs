//! A partner's change to an offer a counselor validated waits for a counselor, while the
//! validated version stays public; the counselor compares it field by field and accepts or
//! refuses it. Every test runs on SQLite, and on PostgreSQL when configured.

mod support;

use axum::http::StatusCode;
use support::{TestApp, backends};
use tremplin_domain::OfferStatus;
use tremplin_domain::lifecycle::{Action, Actor};
use tremplin_storage::Role;

const OLD_TITLE: &str = "Agent·e de maintenance des bâtiments";
const NEW_TITLE: &str = "Apprenti·e horloger·ère";
const PHISHING: &str = "https://hameconnage.example/connexion";

fn body(title: &str, apply_url: Option<&str>, email: &str) -> String {
    let mut b = serde_json::json!({
        "external_id": "ft-1",
        "title": title,
        "description": "Petits travaux de plomberie, d'électricité et de peinture dans les écoles de la commune.",
        "rome_code": "I1203",
        "company_name": "Commune fictive",
        "commune_code": "61214",
        "contract_type": "apprentissage",
        "positions": 1,
        "contact_email": email,
    });
    if let Some(url) = apply_url {
        b["apply_url"] = url.into();
    }
    b.to_string()
}

fn original() -> String {
    body(OLD_TITLE, None, "rh@commune.example")
}

fn phishing() -> String {
    body(NEW_TITLE, Some(PHISHING), "recrutement@hameconnage.example")
}

/// A partner's offer sent through the API, published by a counselor, in the index.
async fn published_offer(app: &TestApp, token: &str) -> i64 {
    let r = app
        .json("POST", "/api/v1/offers", Some(token), &original())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    app.state
        .store
        .apply_offer_action(
            id,
            Action::PublierMaintenant,
            Actor::Conseiller,
            None,
            support::now(),
        )
        .await
        .unwrap();
    app.sync().await;
    id
}

/// The titles the public API's search finds for `q`.
async fn found(app: &TestApp, q: &str) -> Vec<String> {
    app.get(&format!("/api/v1/offers?q={q}")).await.json()["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["title"].as_str().unwrap().to_owned())
        .collect()
}

/// The id of the change the counselor's page shows, as its forms send it.
fn change_id(page: &str) -> String {
    let marker = "name=\"modification\" value=\"";
    let start = page.find(marker).expect("a pending change on the page") + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

/// What the public reads: page, search and API all show the validated version.
async fn public_shows_the_old_version(app: &TestApp, id: i64) {
    app.sync().await;
    let page = app.get(&format!("/offres/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("maintenance des bâtiments"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("hameconnage") && !page.body.contains("horloger"));
    let api = app.get(&format!("/api/v1/offers/{id}")).await.json();
    assert_eq!(api["title"], OLD_TITLE);
    assert_eq!(api["contact"]["apply_url"], serde_json::Value::Null);
    assert_eq!(api["contact"]["email"], "rh@commune.example");
    assert_eq!(found(app, "maintenance").await, [OLD_TITLE]);
    assert!(found(app, "horloger").await.is_empty());
}

#[tokio::test]
async fn a_partners_api_change_waits_and_the_counselor_accepts_it() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let token = app.partner_token("France Travail").await;
        let id = published_offer(&app, &token).await;
        let uri = format!("/api/v1/offers/{id}");

        let r = app.json("PUT", &uri, Some(&token), &phishing()).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{backend}: {}", r.body);
        let j = r.json();
        assert_eq!(j["status"], "publiee", "the offer stays published");
        assert_eq!(j["pending_change"]["status"], "en attente de validation");
        assert_eq!(
            j["pending_change"]["fields"],
            serde_json::json!(["title", "contact_email", "apply_url"])
        );
        assert!(j["message"].as_str().unwrap().contains("version validée"));
        public_shows_the_old_version(&app, id).await;
        let stored = app.state.store.get_offer(id).await.unwrap().unwrap();
        assert_eq!(
            (stored.status, stored.fields.title.as_str()),
            (OfferStatus::Publiee, OLD_TITLE)
        );

        // The counselor sees it: in the list, in the week, and compared on the offer's page.
        let (counselor, csrf) = app.session(Role::Conseiller, None).await;
        let list = app.get_as("/gestion/offres", &counselor).await.body;
        assert!(list.contains("modification en attente"), "{list}");
        assert!(list.contains("Modifications de partenaires à relire : 1"));
        let waiting = app
            .get_as("/gestion/offres?modifications=en-attente", &counselor)
            .await
            .body;
        assert!(waiting.contains(&format!("/gestion/offres/{id}\"")));
        assert!(
            !waiting.contains("Aide-soignant"),
            "only offers with a change"
        );
        let week = app.get_as("/gestion/semaine", &counselor).await.body;
        assert!(week.contains("Modifications de partenaires à relire (1)"));
        assert!(week.contains(&format!("<a href=\"/gestion/offres/{id}\">{OLD_TITLE}</a>")));
        let page = app
            .get_as(&format!("/gestion/offres/{id}"), &counselor)
            .await
            .body;
        assert!(page.contains("Modification en attente de validation"));
        assert!(
            page.contains("par l&#39;API, pour « France Travail »"),
            "{page}"
        );
        assert!(page.contains(&format!(
            "<th scope=\"row\">intitulé</th><td>{OLD_TITLE}</td><td>{NEW_TITLE}</td>"
        )));
        assert!(page.contains(&format!(
            "<th scope=\"row\">adresse de candidature <strong>(à vérifier)</strong></th><td><em>vide</em></td><td>{PHISHING}</td>"
        )));
        assert!(
            !page.contains("<th scope=\"row\">description"),
            "only changed fields"
        );
        assert!(page.contains("Les moyens de candidater changent"));
        let first = change_id(&page);

        // A second change replaces the first; the stale form is refused.
        let newer = body(NEW_TITLE, Some(PHISHING), "rh@commune.example");
        let r = app.json("PUT", &uri, Some(&token), &newer).await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        assert_eq!(
            r.json()["pending_change"]["fields"],
            serde_json::json!(["title", "apply_url"])
        );
        let accept = format!("/gestion/offres/{id}/modification/accepter");
        let r = app
            .post_form(
                &accept,
                &counselor,
                &[("csrf", &csrf), ("modification", &first)],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("nouvelle version"), "{}", r.body);
        public_shows_the_old_version(&app, id).await;
        let page = app
            .get_as(&format!("/gestion/offres/{id}"), &counselor)
            .await
            .body;
        assert!(!page.contains("<th scope=\"row\">e-mail de contact"));
        let second = change_id(&page);
        assert_ne!(first, second);

        let r = app
            .post_form(
                &accept,
                &counselor,
                &[("csrf", &csrf), ("modification", &second)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        app.sync().await;
        let page = app.get(&format!("/offres/{id}")).await.body;
        assert!(page.contains("horloger") && page.contains(PHISHING));
        let api = app.get(&uri).await.json();
        assert_eq!(
            (api["title"].as_str(), api["contact"]["apply_url"].as_str()),
            (Some(NEW_TITLE), Some(PHISHING))
        );
        assert_eq!(found(&app, "horloger").await, [NEW_TITLE], "{backend}");
        assert!(found(&app, "maintenance").await.is_empty());

        let page = app
            .get_as(&format!("/gestion/offres/{id}"), &counselor)
            .await
            .body;
        assert!(!page.contains("Modification en attente de validation"));
        assert!(page.contains("Modification proposée acceptée"));
        assert!(
            page.contains("Modifiée : adresse de candidature, intitulé"),
            "{page}"
        );
        assert!(
            app.state
                .store
                .pending_revision(id)
                .await
                .unwrap()
                .is_none()
        );
        let log = app.state.store.audit_log(5).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "modification de partenaire acceptée"
                    && e.detail == format!("offre {id}"))
        );
        // Answered: a second click says so instead of failing.
        let r = app
            .post_form(
                &accept,
                &counselor,
                &[("csrf", &csrf), ("modification", &second)],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("déjà été traitée"));
    }
}

#[tokio::test]
async fn a_refused_change_leaves_the_validated_version() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let token = app.partner_token("France Travail").await;
        let id = published_offer(&app, &token).await;
        let r = app
            .json(
                "PUT",
                &format!("/api/v1/offers/{id}"),
                Some(&token),
                &phishing(),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        let (counselor, csrf) = app.session(Role::Conseiller, None).await;
        let page = app
            .get_as(&format!("/gestion/offres/{id}"), &counselor)
            .await
            .body;
        let change = change_id(&page);
        let r = app
            .post_form(
                &format!("/gestion/offres/{id}/modification/refuser"),
                &counselor,
                &[
                    ("csrf", csrf.as_str()),
                    ("modification", &change),
                    ("motif", "  Lien de candidature\r\n douteux "),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        public_shows_the_old_version(&app, id).await;
        assert!(
            app.state
                .store
                .pending_revision(id)
                .await
                .unwrap()
                .is_none()
        );
        let page = app
            .get_as(&format!("/gestion/offres/{id}"), &counselor)
            .await
            .body;
        assert!(!page.contains("Modification en attente de validation"));
        assert!(
            page.contains("Modification proposée refusée : Lien de candidature douteux"),
            "{page}"
        );
        assert!(
            !app.get_as("/gestion/offres", &counselor)
                .await
                .body
                .contains("modification en attente")
        );
        let log = app.state.store.audit_log(5).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "modification de partenaire refusée")
        );
    }
}

/// The mails queued for partners' accounts since last asked: (subject, text).
async fn partner_mails(app: &TestApp) -> Vec<(String, String)> {
    let mut out = Vec::new();
    while let Some(m) = app.state.store.claim_mail(4_000_000_000, 60).await.unwrap() {
        app.state
            .store
            .mail_sent(m.id, support::now())
            .await
            .unwrap();
        if m.to_addr.starts_with("partenaire") {
            out.push((m.subject, m.text_body));
        }
    }
    out
}

/// The offer form's fields for the API offer, with `title` and `apply_url`.
fn form<'a>(csrf: &'a str, title: &'a str, apply_url: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("title", title),
        (
            "description",
            "Petits travaux de plomberie, d'électricité et de peinture dans les écoles de la commune.",
        ),
        ("rome_code", "I1203"),
        ("company_name", "Commune fictive"),
        ("commune_code", "61214"),
        ("contract_type", "apprentissage"),
        ("positions", "1"),
        ("contact_email", "rh@commune.example"),
        ("apply_url", apply_url),
    ]
}

#[tokio::test]
async fn a_partners_form_change_waits_too() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (partner, partner_csrf) = app
            .session(Role::Partenaire, Some("CC des Pays de L'Aigle"))
            .await;
        let r = app
            .post_form(
                "/gestion/offres",
                &partner,
                &form(&partner_csrf, OLD_TITLE, ""),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id = app
            .state
            .store
            .offers_for_management(None, None, 1)
            .await
            .unwrap()[0]
            .id;
        let edit = format!("/gestion/offres/{id}/modifier");
        let before = app.get_as(&edit, &partner).await.body;
        assert!(
            !before.contains("attendra la validation"),
            "not validated yet"
        );
        app.state
            .store
            .apply_offer_action(
                id,
                Action::PublierMaintenant,
                Actor::Conseiller,
                None,
                support::now(),
            )
            .await
            .unwrap();
        let before = app.get_as(&edit, &partner).await.body;
        assert!(
            before.contains("votre modification attendra la validation"),
            "{before}"
        );

        let r = app
            .post_form(&edit, &partner, &form(&partner_csrf, NEW_TITLE, PHISHING))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        app.sync().await;
        let page = app.get(&format!("/offres/{id}")).await.body;
        assert!(page.contains("maintenance des bâtiments") && !page.contains("hameconnage"));
        assert_eq!(found(&app, "maintenance").await, [OLD_TITLE]);

        // The partner sees that it waits, and takes it up again from where they left it.
        let own = app
            .get_as(&format!("/gestion/offres/{id}"), &partner)
            .await
            .body;
        assert!(own.contains("Votre modification du"), "{own}");
        assert!(own.contains(&format!("<td>{NEW_TITLE}</td>")));
        assert!(
            !own.contains("/modification/accepter"),
            "no buttons for partners"
        );
        let again = app.get_as(&edit, &partner).await.body;
        assert!(again.contains(&format!("value=\"{NEW_TITLE}\"")), "{again}");
        assert!(again.contains("Vous reprenez votre modification en attente"));
        let change = change_id(
            &app.get_as(
                &format!("/gestion/offres/{id}"),
                &app.session(Role::Conseiller, None).await.0,
            )
            .await
            .body,
        );

        // Partners cannot answer their own change.
        for action in ["accepter", "refuser"] {
            let r = app
                .post_form(
                    &format!("/gestion/offres/{id}/modification/{action}"),
                    &partner,
                    &[("csrf", partner_csrf.as_str()), ("modification", &change)],
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{action}");
        }

        // Refused with a reason: the partner's account hears it.
        let (counselor, csrf) = app.session(Role::Conseiller, None).await;
        let r = app
            .post_form(
                &format!("/gestion/offres/{id}/modification/refuser"),
                &counselor,
                &[
                    ("csrf", csrf.as_str()),
                    ("modification", &change),
                    ("motif", "Lien à vérifier avec l'employeur"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let mails = partner_mails(&app).await;
        assert_eq!(mails.len(), 1, "{backend}: {mails:?}");
        assert!(mails[0].0.contains("n'a pas été retenue"));
        assert!(
            mails[0]
                .1
                .contains("Motif : Lien à vérifier avec l'employeur"),
            "{}",
            mails[0].1
        );
        assert!(
            mails[0]
                .1
                .contains(&format!("https://tremplin.example/gestion/offres/{id}"))
        );
        let own = app
            .get_as(&format!("/gestion/offres/{id}"), &partner)
            .await
            .body;
        assert!(own.contains("Modification proposée refusée : Lien à vérifier"));
        assert!(!own.contains("Votre modification du"));

        // Sent again and accepted.
        let r = app
            .post_form(&edit, &partner, &form(&partner_csrf, NEW_TITLE, PHISHING))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let change = change_id(
            &app.get_as(&format!("/gestion/offres/{id}"), &counselor)
                .await
                .body,
        );
        let r = app
            .post_form(
                &format!("/gestion/offres/{id}/modification/accepter"),
                &counselor,
                &[("csrf", csrf.as_str()), ("modification", &change)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let mails = partner_mails(&app).await;
        assert_eq!(mails.len(), 1);
        assert!(mails[0].0.contains("est en ligne"), "{mails:?}");
        app.sync().await;
        assert_eq!(found(&app, "horloger").await, [NEW_TITLE]);
        let stored = app.state.store.get_offer(id).await.unwrap().unwrap();
        assert_eq!(
            stored
                .fields
                .contact
                .apply_url
                .map(|u| u.to_string())
                .as_deref(),
            Some(PHISHING)
        );
        assert_eq!(stored.status, OfferStatus::Publiee);
    }
}

#[tokio::test]
async fn counselors_edits_apply_at_once() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let token = app.partner_token("France Travail").await;
        let id = published_offer(&app, &token).await;
        // A partner's change waits on the offer…
        let r = app
            .json(
                "PUT",
                &format!("/api/v1/offers/{id}"),
                Some(&token),
                &phishing(),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        // …while a counselor's own edit goes live at once.
        let (counselor, csrf) = app.session(Role::Conseiller, None).await;
        let r = app
            .post_form(
                &format!("/gestion/offres/{id}/modifier"),
                &counselor,
                &form(&csrf, NEW_TITLE, ""),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        app.sync().await;
        assert_eq!(found(&app, "horloger").await, [NEW_TITLE]);
        assert!(found(&app, "maintenance").await.is_empty());
        let page = app.get(&format!("/offres/{id}")).await.body;
        assert!(
            !page.contains("hameconnage"),
            "the partner's change still waits"
        );
        // Compared with the version online now: the title no longer differs.
        let page = app
            .get_as(&format!("/gestion/offres/{id}"), &counselor)
            .await
            .body;
        assert!(page.contains("Modification en attente de validation"));
        assert!(!page.contains("<th scope=\"row\">intitulé</th>"), "{page}");
        assert!(page.contains(&format!("<td>{PHISHING}</td>")));
    }
}

#[tokio::test]
async fn a_partners_change_to_an_unvalidated_offer_applies_at_once() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let token = app.partner_token("France Travail").await;
        let r = app
            .json("POST", "/api/v1/offers", Some(&token), &original())
            .await;
        let id = r.json()["id"].as_i64().unwrap();
        let r = app
            .json(
                "PUT",
                &format!("/api/v1/offers/{id}"),
                Some(&token),
                &phishing(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend}: {}", r.body);
        assert!(r.json().get("pending_change").is_none());
        let stored = app.state.store.get_offer(id).await.unwrap().unwrap();
        assert_eq!(stored.fields.title, NEW_TITLE);
        assert!(
            app.state
                .store
                .pending_revision(id)
                .await
                .unwrap()
                .is_none()
        );

        // Through the form as well.
        let (partner, csrf) = app
            .session(Role::Partenaire, Some("CC des Pays de L'Aigle"))
            .await;
        app.post_form("/gestion/offres", &partner, &form(&csrf, OLD_TITLE, ""))
            .await;
        let own = app
            .state
            .store
            .offers_for_management(None, None, 1)
            .await
            .unwrap()[0]
            .id;
        let r = app
            .post_form(
                &format!("/gestion/offres/{own}/modifier"),
                &partner,
                &form(&csrf, "Apprenti·e électricien·ne", ""),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.state
                .store
                .get_offer(own)
                .await
                .unwrap()
                .unwrap()
                .fields
                .title,
            "Apprenti·e électricien·ne"
        );
    }
}

#[tokio::test]
async fn sending_the_offer_again_waits_too_and_withdrawing_drops_the_change() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let token = app.partner_token("France Travail").await;
        let id = published_offer(&app, &token).await;

        // The idempotent creation with the same external id is a change like any other.
        let r = app
            .json("POST", "/api/v1/offers", Some(&token), &phishing())
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{backend}: {}", r.body);
        assert_eq!(r.json()["id"].as_i64(), Some(id));
        public_shows_the_old_version(&app, id).await;
        // A nightly sync sending it again adds nothing to the history.
        let lines = app.state.store.offer_history(id).await.unwrap().len();
        let r = app
            .json(
                "PUT",
                &format!("/api/v1/offers/{id}"),
                Some(&token),
                &phishing(),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        assert_eq!(
            app.state.store.offer_history(id).await.unwrap().len(),
            lines
        );
        // Sending the validated version back cancels the change.
        let r = app
            .json(
                "PUT",
                &format!("/api/v1/offers/{id}"),
                Some(&token),
                &original(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            app.state
                .store
                .pending_revision(id)
                .await
                .unwrap()
                .is_none()
        );
        app.json(
            "PUT",
            &format!("/api/v1/offers/{id}"),
            Some(&token),
            &phishing(),
        )
        .await;
        assert!(
            app.state
                .store
                .pending_revision(id)
                .await
                .unwrap()
                .is_some()
        );

        // Taking the offer down is immediate, and the change goes with it.
        let r = app
            .json("DELETE", &format!("/api/v1/offers/{id}"), Some(&token), "")
            .await;
        assert_eq!(
            (r.status, r.json()["status"].as_str()),
            (StatusCode::OK, Some("retiree"))
        );
        assert!(
            app.state
                .store
                .pending_revision(id)
                .await
                .unwrap()
                .is_none()
        );
        let history = app.state.store.offer_history(id).await.unwrap();
        assert!(
            history
                .iter()
                .any(|h| h.summary == "Modification proposée abandonnée : l'offre est close")
        );
        app.sync().await;
        assert_eq!(
            app.get(&format!("/offres/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn answering_forms_are_checked() {
    let app = TestApp::with_catalogue("sqlite").await;
    let token = app.partner_token("France Travail").await;
    let id = published_offer(&app, &token).await;
    app.json(
        "PUT",
        &format!("/api/v1/offers/{id}"),
        Some(&token),
        &phishing(),
    )
    .await;
    let (counselor, csrf) = app.session(Role::Conseiller, None).await;
    let page = app
        .get_as(&format!("/gestion/offres/{id}"), &counselor)
        .await
        .body;
    let change = change_id(&page);
    let accept = format!("/gestion/offres/{id}/modification/accepter");
    let refuse = format!("/gestion/offres/{id}/modification/refuser");
    let long = "x".repeat(501);
    for (uri, fields, status) in [
        (
            &accept,
            vec![("csrf", "faux"), ("modification", change.as_str())],
            StatusCode::FORBIDDEN,
        ),
        (
            &accept,
            vec![("modification", change.as_str())],
            StatusCode::FORBIDDEN,
        ),
        (
            &accept,
            vec![("csrf", csrf.as_str())],
            StatusCode::BAD_REQUEST,
        ),
        (
            &accept,
            vec![("csrf", csrf.as_str()), ("modification", "abc")],
            StatusCode::BAD_REQUEST,
        ),
        (
            &accept,
            vec![
                ("csrf", csrf.as_str()),
                ("modification", "99999999999999999999999"),
            ],
            StatusCode::BAD_REQUEST,
        ),
        (
            &refuse,
            vec![
                ("csrf", csrf.as_str()),
                ("modification", change.as_str()),
                ("motif", long.as_str()),
            ],
            StatusCode::BAD_REQUEST,
        ),
        (
            &"/gestion/offres/99999/modification/accepter".to_owned(),
            vec![("csrf", csrf.as_str()), ("modification", change.as_str())],
            StatusCode::NOT_FOUND,
        ),
        (
            &"/gestion/offres/abc/modification/refuser".to_owned(),
            vec![("csrf", csrf.as_str()), ("modification", change.as_str())],
            StatusCode::NOT_FOUND,
        ),
        (
            &"/gestion/offres/1/modification/accepter".to_owned(),
            vec![("csrf", csrf.as_str()), ("modification", change.as_str())],
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let r = app.post_form(uri, &counselor, &fields).await;
        assert_eq!(r.status, status, "{uri} {fields:?}: {}", r.body);
    }
    assert!(
        app.state
            .store
            .pending_revision(id)
            .await
            .unwrap()
            .is_some(),
        "still waiting"
    );
    // Signed out: sent to sign in.
    assert_eq!(
        app.post_form(&accept, "", &[("csrf", "x")]).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_202() {
    let app = TestApp::new("sqlite").await;
    let doc = app.get("/api/v1/openapi.json").await.json();
    for (path, method) in [("/api/v1/offers/{id}", "put"), ("/api/v1/offers", "post")] {
        let op = &doc["paths"][path][method];
        assert_eq!(
            op["responses"]["202"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/PendingChangeResult",
            "{method} {path}"
        );
        assert!(op["description"].as_str().unwrap().contains("202"));
    }
    let schema = &doc["components"]["schemas"]["PendingChangeResult"];
    assert_eq!(
        schema["properties"]["pending_change"]["properties"]["status"]["enum"][0],
        "en attente de validation"
    );
}
