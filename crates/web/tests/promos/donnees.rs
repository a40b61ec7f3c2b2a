//! Personal data: the records, milestones and notes join the right of access, erasure and the
//! retention period, and nothing about the person reaches the audit log.

use axum::http::StatusCode;

use crate::support::{TestApp, backends};
use crate::{counselor, new_promo, new_record, redirected_id};

#[tokio::test]
async fn records_milestones_and_notes_are_exported_erased_and_forgotten() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf, me) = counselor(&app).await;
        let promo = new_promo(&app, &cookie, &csrf, me, &[("nom", "Promo été 2026")]).await;
        let promo_s = promo.to_string();
        let r = new_record(
            &app,
            &cookie,
            &csrf,
            "Inès",
            "ines@example.org",
            &[
                ("promo", &promo_s),
                ("notes", "Préfère travailler tôt le matin."),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let ines = app.state.store.young_people(None).await.unwrap()[0].id;
        let r = app
            .post_form(
                &format!("/gestion/promos/{promo}/membres/{ines}/etapes"),
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("etape", "cv_pret"),
                    ("date", "2026-06-10"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // A minor's record, found by the guardian's e-mail too.
        let r = new_record(
            &app,
            &cookie,
            &csrf,
            "Théo",
            "theo@example.org",
            &[
                ("date_naissance", "2011-01-01"),
                ("tuteur_nom", "Parent Fictif"),
                ("tuteur_email", "parent@example.org"),
            ],
        )
        .await;
        let theo = redirected_id(&r);

        let (admin, admin_csrf) = app.session(tremplin_storage::Role::Admin, None).await;
        let page = app
            .get_as("/gestion/personnes?email=INES@example.org", &admin)
            .await
            .body;
        assert!(
            page.contains("1 fiche(s) jeune") && page.contains("Inès Fictif"),
            "{page}"
        );
        let r = app
            .post_form(
                "/gestion/personnes/export",
                &admin,
                &[("csrf", &admin_csrf), ("email", "ines@example.org")],
            )
            .await;
        let export: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let fiche = &export["fiches_jeune"][0];
        assert_eq!(
            fiche["notes"], "Préfère travailler tôt le matin.",
            "{backend}"
        );
        assert_eq!(fiche["promos"][0], "Promo été 2026");
        assert_eq!(
            (
                fiche["etapes"][0]["etape"].as_str(),
                fiche["etapes"][0]["date"].as_str()
            ),
            (Some("cv_pret"), Some("2026-06-10"))
        );
        let r = app
            .post_form(
                "/gestion/personnes/effacer",
                &admin,
                &[("csrf", &admin_csrf), ("email", "ines@example.org")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            app.state.store.young_person(ines).await.unwrap().is_none(),
            "{backend}"
        );
        assert!(
            app.state
                .store
                .promo_milestones(promo)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            app.state.store.young_person(theo).await.unwrap().is_some(),
            "another person's record stays"
        );
        // The log says what was done and how many, never whose.
        let log = app.state.store.audit_log(50).await.unwrap();
        let text: String = log
            .iter()
            .map(|e| format!("{} {}\n", e.action, e.detail))
            .collect();
        assert!(
            text.contains("données effacées") && text.contains("1 fiche(s) jeune"),
            "{text}"
        );
        for personal in ["ines", "Inès", "theo", "Théo", "parent@", "Préfère"] {
            assert!(!text.contains(personal), "{personal} in the log: {text}");
        }

        // The retention period (12 months here) forgets a record untouched for 13 months.
        let later = tremplin_web::AppState::new(
            app.state.store.clone(),
            app.state.index.clone(),
            app.state.refs.clone(),
            std::sync::Arc::new(tremplin_web::FixedClock(
                crate::support::now() + chrono::Duration::days(400),
            )),
            app.state.config.clone(),
        );
        later.refresh_territory().await.unwrap();
        tremplin_web::services::retention::forget_old(&later)
            .await
            .unwrap();
        assert!(
            app.state.store.young_person(theo).await.unwrap().is_none(),
            "{backend}: forgotten"
        );
    }
}
