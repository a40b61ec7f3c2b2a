//! Applicants told when an offer closes, however it closes.

use crate::common::{fields, form, outbox, text};
use crate::support::{TestApp, backends};
use tremplin_domain::application::ApplicationStatus;

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
async fn however_an_offer_closes_its_applicants_are_told() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf) = form(&app, 2).await;
        app.post_form("/offres/2/postuler", &cookie, &fields(&csrf))
            .await;
        // Closed behind the back office's back (an import, an expiry): the scheduled work notices.
        app.state
            .store
            .set_offer_status(
                2,
                tremplin_domain::OfferStatus::Expiree,
                crate::support::now(),
            )
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
