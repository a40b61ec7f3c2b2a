//! CSRF on every form: a missing or wrong token is refused (403) and changes nothing.

use crate::support::TestApp;
use axum::http::StatusCode;
use tremplin_domain::OfferStatus;
use tremplin_storage::Role;

#[tokio::test]
async fn forms_without_the_right_csrf_token_change_nothing() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    let r = app
        .post_form(
            "/gestion/offres/1/action",
            &cookie,
            &[("csrf", "0".repeat(64).as_str()), ("action", "retirer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.state.store.get_offer(1).await.unwrap().unwrap().status,
        OfferStatus::Publiee
    );
    let r = app
        .post_form(
            "/gestion/offres/1/action",
            &cookie,
            &[("action", "retirer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            "/gestion/offres/1/action",
            &cookie,
            &[("csrf", &csrf), ("action", "retirer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.state.store.get_offer(1).await.unwrap().unwrap().status,
        OfferStatus::Retiree
    );
}

/// The car-pooling forms refuse a missing or wrong CSRF token (403) and change nothing; with
/// the right one they answer (a French 400 for a pair that does not exist).
#[tokio::test]
async fn carpool_forms_without_the_right_csrf_token_change_nothing() {
    let app = TestApp::with_catalogue("sqlite").await;
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    let young = app
        .state
        .store
        .create_young_person(
            &tremplin_domain::young::YoungPersonInput {
                first_name: "Manon".into(),
                last_name: "Fictif".into(),
                birth_date: chrono::NaiveDate::from_ymd_opt(2004, 4, 2).unwrap(),
                email: None,
                phone: None,
                guardian_name: None,
                guardian_email: None,
                guardian_phone: None,
                commune: tremplin_domain::CodeInsee::parse("61342").unwrap(),
                trades: Vec::new(),
                licence: false,
                vehicle: false,
                counselor_id: None,
                status: tremplin_domain::young::YoungStatus::EnSuivi,
                notes: String::new(),
            },
            crate::support::now(),
        )
        .await
        .unwrap();
    let record = format!("/gestion/jeunes/{young}/covoiturage");
    let opt_in = [
        ("action", "inscrire"),
        ("entreprise", "L'Aigle"),
        ("debut", "2026-09-01"),
        ("fin", "2028-08-31"),
    ];
    for route in [
        record.as_str(),
        "/gestion/covoiturage/mises-en-relation",
        "/gestion/covoiturage/retirer",
    ] {
        let zeros = "0".repeat(64);
        for token in [None, Some(zeros.as_str())] {
            let mut fields: Vec<(&str, &str)> = opt_in.to_vec();
            fields.extend([("a", "1"), ("b", "2")]);
            if let Some(t) = token {
                fields.push(("csrf", t));
            }
            let r = app.post_form(route, &cookie, &fields).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{route} {token:?}");
        }
    }
    assert!(
        app.state
            .store
            .active_carpool_optins()
            .await
            .unwrap()
            .is_empty()
    );
    let mut fields = opt_in.to_vec();
    fields.push(("csrf", &csrf));
    let r = app.post_form(&record, &cookie, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.state.store.active_carpool_optins().await.unwrap().len(),
        1
    );
    let r = app
        .post_form(
            "/gestion/covoiturage/retirer",
            &cookie,
            &[("csrf", &csrf), ("a", "1"), ("b", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// The week's pépites and the video limits: a wrong or missing token changes nothing.
#[tokio::test]
async fn pepite_forms_without_the_right_csrf_token_change_nothing() {
    let app = TestApp::new("sqlite").await;
    let (admin, csrf) = app.session(Role::Admin, None).await;
    let bad = "0".repeat(64);
    for token in [bad.as_str(), ""] {
        let r = app
            .post_form(
                "/gestion/territoire/pepites",
                &admin,
                &[("csrf", token), ("mo", "10"), ("minutes", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app
            .post_form("/gestion/edition/pepites", &admin, &[("csrf", token)])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        app.state.store.pepite_video_limits().await.unwrap(),
        (150, 180)
    );
    let r = app
        .post_form(
            "/gestion/territoire/pepites",
            &admin,
            &[("csrf", &csrf), ("mo", "10"), ("minutes", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.state.store.pepite_video_limits().await.unwrap(),
        (10, 60)
    );
    let r = app
        .post_form("/gestion/edition/pepites", &admin, &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "no pick is a choice too");
}
