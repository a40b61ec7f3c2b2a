//! A counselor's opt-in on a record, and the personal data: export, erasure, retention.

use axum::http::StatusCode;
use tremplin_storage::Role;

use crate::support::{TestApp, backends};
use crate::*;

#[tokio::test]
async fn erasing_a_person_removes_their_opt_ins_and_pairs_and_the_export_lists_them() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        apply(
            &app,
            "Lucas",
            "lucas@exemple.fr",
            "0611111111",
            "61214",
            "2004-05-09",
            OPT_IN,
        )
        .await;
        apply(
            &app,
            "Manon",
            "manon@exemple.fr",
            "0622222222",
            "61342",
            "2005-01-23",
            OPT_IN,
        )
        .await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let page = app.get_as("/gestion/covoiturage", &cookie).await;
        let (a, b) = first_pair(&page.body);
        app.post_form(
            "/gestion/covoiturage/retirer",
            &cookie,
            &[("csrf", &csrf), ("a", &a), ("b", &b)],
        )
        .await;
        assert_eq!(
            app.state.store.settled_carpool_pairs().await.unwrap().len(),
            1
        );
        let (admin, admin_csrf) = app.session(Role::Admin, None).await;
        let page = app
            .get_as("/gestion/personnes?email=lucas%40exemple.fr", &admin)
            .await;
        assert!(
            page.body.contains("1 inscription(s) au covoiturage"),
            "{backend}: {}",
            page.body
        );
        let r = app
            .post_form(
                "/gestion/personnes/export",
                &admin,
                &[("csrf", &admin_csrf), ("email", "lucas@exemple.fr")],
            )
            .await;
        let json = r.json();
        assert_eq!(
            json["covoiturage"].as_array().unwrap().len(),
            1,
            "{backend}"
        );
        assert_eq!(
            json["covoiturage"][0]["mises_en_relation"][0]["decision"],
            "retiree"
        );
        assert!(
            !r.body.contains("manon"),
            "{backend}: the other side is not in the export"
        );
        let r = app
            .post_form(
                "/gestion/personnes/effacer",
                &admin,
                &[("csrf", &admin_csrf), ("email", "lucas@exemple.fr")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}");
        let left = app.state.store.active_carpool_optins().await.unwrap();
        assert_eq!(left.len(), 1, "{backend}");
        assert_eq!(left[0].first_name, "Manon");
        assert!(
            app.state
                .store
                .settled_carpool_pairs()
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        // A counselor's opt-in goes with the record.
        let young = record(&app, "2003-01-01").await;
        app.post_form(
            &format!("/gestion/jeunes/{young}/covoiturage"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("action", "inscrire"),
                ("cfa", ""),
                ("entreprise", "L'Aigle"),
                ("debut", "2026-09-01"),
                ("fin", "2028-08-31"),
            ],
        )
        .await;
        assert_eq!(
            app.state.store.active_carpool_optins().await.unwrap().len(),
            2,
            "{backend}"
        );
        app.state.store.delete_young_person(young).await.unwrap();
        assert_eq!(
            app.state.store.active_carpool_optins().await.unwrap().len(),
            1,
            "{backend}"
        );
    }
}

#[tokio::test]
async fn retention_forgets_withdrawn_opt_ins() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let r = apply(
            &app,
            "Lucas",
            "lucas@exemple.fr",
            "0611111111",
            "61214",
            "2004-05-09",
            OPT_IN,
        )
        .await;
        let follow = follow_link(&r.body);
        app.post_form(
            &format!("{follow}/covoiturage"),
            "",
            &[("action", "retirer")],
        )
        .await;
        app.post_form(
            &format!("{follow}/covoiturage"),
            "",
            &[("action", "inscrire")],
        )
        .await;
        let a = app.state.store.applications(1).await.unwrap()[0].id;
        let all = app
            .state
            .store
            .carpool_optins_of(tremplin_storage::CarpoolOwner::Application(a))
            .await
            .unwrap();
        assert_eq!(all.len(), 2, "{backend}");
        let gone = app
            .state
            .store
            .forget_withdrawn_carpool(support::now() + chrono::Duration::days(1))
            .await
            .unwrap();
        assert_eq!(gone, 1, "{backend}: only the withdrawn one");
        assert_eq!(
            app.state.store.active_carpool_optins().await.unwrap().len(),
            1
        );
    }
}
