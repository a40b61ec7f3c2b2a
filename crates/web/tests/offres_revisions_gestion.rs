//! A partner's change through the back-office form waits too; counselors' own edits apply at
//! once; the forms that answer a change are checked. Every test runs on SQLite, and on
//! PostgreSQL when configured.

mod revisions_support;
mod support;

use axum::http::StatusCode;
use revisions_support::*;
use support::{TestApp, backends};
use tremplin_domain::OfferStatus;
use tremplin_domain::lifecycle::{Action, Actor};
use tremplin_storage::Role;

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

        // Both dashboards count it.
        let (counselor, _) = app.session(Role::Conseiller, None).await;
        assert!(
            app.get_as("/gestion", &counselor)
                .await
                .body
                .contains("<strong>1</strong> modification(s) de partenaires à relire")
        );
        assert!(
            app.get_as("/gestion", &partner)
                .await
                .body
                .contains("<strong>1</strong> modification(s) en attente de validation")
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
        let r = put(&app, &token, id, &phishing()).await;
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
async fn answering_forms_are_checked() {
    let app = TestApp::with_catalogue("sqlite").await;
    let token = app.partner_token("France Travail").await;
    let id = published_offer(&app, &token).await;
    put(&app, &token, id, &phishing()).await;
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
