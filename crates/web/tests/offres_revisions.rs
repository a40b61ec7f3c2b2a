//! A partner's change through the API to an offer a counselor validated waits for a
//! counselor, while the validated version stays public; the counselor compares it field by
//! field and accepts or refuses it. Every test runs on SQLite, and on PostgreSQL when
//! configured.

mod revisions_support;
mod support;

use axum::http::StatusCode;
use revisions_support::*;
use support::{TestApp, backends};
use tremplin_domain::OfferStatus;
use tremplin_storage::Role;

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
        let r = put(&app, &token, id, &phishing()).await;
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

#[tokio::test]
async fn a_partners_change_to_an_unvalidated_offer_applies_at_once() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let token = app.partner_token("France Travail").await;
        let r = app
            .json("POST", "/api/v1/offers", Some(&token), &original())
            .await;
        let id = r.json()["id"].as_i64().unwrap();
        let r = put(&app, &token, id, &phishing()).await;
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
        let r = put(&app, &token, id, &phishing()).await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        assert_eq!(
            app.state.store.offer_history(id).await.unwrap().len(),
            lines
        );
        // Sending the validated version back cancels the change.
        let r = put(&app, &token, id, &original()).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            app.state
                .store
                .pending_revision(id)
                .await
                .unwrap()
                .is_none()
        );
        put(&app, &token, id, &phishing()).await;
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
        // Withdrawn: out of the catalogue, its page says so (410) instead of a bare 404.
        assert_eq!(
            app.get(&format!("/offres/{id}")).await.status,
            StatusCode::GONE
        );
    }
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
