//! Roles and territory settings, logged.

use crate::support::{TestApp, backends};
use axum::http::StatusCode;
use tremplin_storage::Role;

#[tokio::test]
async fn admins_change_roles_and_territory_settings_and_it_is_logged() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (admin, csrf) = app.session(Role::Admin, None).await;
        let (email, password) = app.user(Role::Conseiller, None).await;
        let victim_session = app.login(&email, &password).await;
        let users = app.state.store.users().await.unwrap();
        let victim = users.iter().find(|u| u.email == email).unwrap().id;
        let me = users.iter().find(|u| u.role == Role::Admin).unwrap().id;

        let r = app
            .post_form(
                &format!("/gestion/utilisateurs/{me}"),
                &admin,
                &[("csrf", &csrf), ("role", "conseiller"), ("active", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "no self-demotion");
        let r = app
            .post_form(
                &format!("/gestion/utilisateurs/{victim}"),
                &admin,
                &[("csrf", &csrf), ("role", "partenaire")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "a partner needs an organisation"
        );
        let r = app
            .post_form(
                &format!("/gestion/utilisateurs/{victim}"),
                &admin,
                &[("csrf", &csrf), ("role", "admin")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let u = app
            .state
            .store
            .users()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.id == victim)
            .unwrap();
        assert_eq!((u.role, u.active), (Role::Admin, false), "{backend}");
        assert_eq!(
            app.get_as("/gestion", &victim_session).await.status,
            StatusCode::SEE_OTHER,
            "deactivated: signed out"
        );
        let (cookie, token) = app.login_form().await;
        let r = app
            .post_form(
                "/connexion",
                &cookie,
                &[("email", &email), ("password", &password), ("csrf", &token)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "and cannot sign in");
        let log = app.state.store.audit_log(20).await.unwrap();
        assert!(
            log.iter().any(|e| e.action == "rôle modifié"
                && e.detail == format!("{email} : conseiller → admin, désactivé")),
            "{log:?}"
        );
        let page = app.get_as("/gestion/utilisateurs", &admin).await.body;
        assert!(page.contains(&format!("{email} (désactivé)")));

        let r = app
            .post_form(
                "/gestion/territoire",
                &admin,
                &[
                    ("csrf", &csrf),
                    ("weekday", "2"),
                    ("time", "25:00"),
                    ("reverify_weeks", "4"),
                    ("start_tolerance_days", "30"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = app
            .post_form(
                "/gestion/territoire",
                &admin,
                &[
                    ("csrf", &csrf),
                    ("weekday", "2"),
                    ("time", "14:30"),
                    ("reverify_weeks", "6"),
                    ("start_tolerance_days", "15"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let t = app.state.store.territory().await.unwrap().unwrap();
        assert_eq!(
            (
                t.publication_weekday,
                t.publication_time.format("%H:%M").to_string(),
                t.reverify_weeks,
                t.start_tolerance_days
            ),
            (2, "14:30".to_owned(), 6, 15)
        );
        assert!(
            app.get_as("/gestion", &admin)
                .await
                .body
                .contains("Prochaine édition : mardi 1er décembre à 14:30"),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn the_mission_locales_phone_and_hours_are_set_on_the_territory_page() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (admin, csrf) = app.session(Role::Admin, None).await;
        let page = app.get_as("/gestion/territoire", &admin).await.body;
        assert!(
            page.contains(r#"id="phone" name="phone" type="tel""#),
            "{page}"
        );
        assert!(page.contains(r#"value="02 33 24 00 00""#), "{page}");
        let post = |phone: &'static str, hours: &'static str| {
            let (admin, csrf) = (admin.clone(), csrf.clone());
            let app = &app;
            async move {
                app.post_form(
                    "/gestion/territoire",
                    &admin,
                    &[
                        ("csrf", csrf.as_str()),
                        ("weekday", "4"),
                        ("time", "09:00"),
                        ("reverify_weeks", "4"),
                        ("start_tolerance_days", "30"),
                        ("phone", phone),
                        ("opening_hours", hours),
                    ],
                )
                .await
            }
        };
        assert_eq!(
            post("12", "9 h – 17 h").await.status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            post("0233240000", "9 h\n17 h").await.status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            post("0233240000", "9 h\u{0}").await.status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            post("0233991122", "du lundi au vendredi, 9 h – 17 h")
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let t = app.state.store.territory().await.unwrap().unwrap();
        assert_eq!(
            (t.phone.as_deref(), t.opening_hours.as_deref()),
            (
                Some("02 33 99 11 22"),
                Some("du lundi au vendredi, 9 h – 17 h")
            ),
            "{backend}"
        );
        let r = post("", "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let t = app.state.store.territory().await.unwrap().unwrap();
        assert_eq!((t.phone, t.opening_hours), (None, None), "emptied");
    }
}
