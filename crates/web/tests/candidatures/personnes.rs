//! Retention, export and erasure of a person's data.

use crate::common::input;
use crate::support::{TestApp, backends};
use axum::http::{StatusCode, header};

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
        let thirteen_months_ago = crate::support::now() - chrono::Duration::days(400);
        app.state
            .store
            .create_application(
                1,
                &input,
                Some(&cv),
                "old-f",
                "old-e",
                None,
                thirteen_months_ago,
            )
            .await
            .unwrap();
        app.state
            .store
            .create_application(
                2,
                &input,
                None,
                "new-f",
                "new-e",
                None,
                crate::support::now(),
            )
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

/// The copies of mails go too: those to the person on erasure, every sent one after a month.
#[tokio::test]
async fn copies_of_mails_are_erased_with_the_person_and_forgotten_after_a_month() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let store = &app.state.store;
        let now = crate::support::now();
        let to_her = store
            .enqueue_mail("lea.martin@exemple.fr", "Alerte", "Bonjour Léa", None, now)
            .await
            .unwrap();
        let old = store
            .enqueue_mail("autre@exemple.fr", "Alerte", "Bonjour", None, now)
            .await
            .unwrap();
        store.mail_sent(to_her, now).await.unwrap();
        store
            .mail_sent(old, now - chrono::Duration::days(40))
            .await
            .unwrap();
        let (admin, csrf) = app.session(tremplin_storage::Role::Admin, None).await;
        let r = app
            .post_form(
                "/gestion/personnes/effacer",
                &admin,
                &[("csrf", &csrf), ("email", "Lea.Martin@exemple.fr")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(store.mail_counts().await.unwrap(), (0, 1), "{backend}");
        tremplin_web::services::editions::tick(&app.state)
            .await
            .unwrap();
        assert_eq!(store.mail_counts().await.unwrap(), (0, 0), "{backend}");
    }
}
