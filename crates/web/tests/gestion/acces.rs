//! Who may do what: every route for every role (CSRF: `csrf.rs`).

use crate::support::{TestApp, offer};
use axum::http::{StatusCode, header};
use tremplin_domain::OfferStatus;
use tremplin_storage::Role;

/// Every back-office route, for every role and for anonymous visitors.
#[tokio::test]
async fn authorization_matrix() {
    let app = TestApp::with_catalogue("sqlite").await;
    let partner_org = "Partenaire A";
    let (partner, _) = app.session(Role::Partenaire, Some(partner_org)).await;
    let (counselor, _) = app.session(Role::Conseiller, None).await;
    let (admin, _) = app.session(Role::Admin, None).await;
    // Offer 1 belongs to nobody (counselor's); a partner offer for the partner's scope.
    let org = app.state.store.organisation_id(partner_org).await.unwrap();
    let meta = tremplin_storage::OfferMeta {
        organisation_id: org,
        user_id: None,
        validated: false,
    };
    let own = app
        .state
        .store
        .upsert_offer_as(
            &offer("own", "Offre du partenaire", "61214"),
            OfferStatus::AValider,
            &meta,
            crate::support::now(),
        )
        .await
        .unwrap()
        .0;

    // A young person's record in a promo, for the pages that show them.
    let young = app
        .state
        .store
        .create_young_person(
            &tremplin_domain::young::YoungPersonInput {
                first_name: "Inès".into(),
                last_name: "Fictif".into(),
                birth_date: chrono::NaiveDate::from_ymd_opt(2005, 4, 2).unwrap(),
                email: None,
                phone: Some(tremplin_domain::Telephone::parse("0612345678").unwrap()),
                guardian_name: None,
                guardian_email: None,
                guardian_phone: None,
                commune: tremplin_domain::CodeInsee::parse("61214").unwrap(),
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
    let promo = app
        .state
        .store
        .create_promo(
            &tremplin_domain::promo::PromoInput {
                name: "Promo".into(),
                season_start: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
                season_end: chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
                goal_date: chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
            },
            &[],
            crate::support::now(),
        )
        .await
        .unwrap();
    app.state
        .store
        .add_promo_member(
            promo,
            young,
            chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        )
        .await
        .unwrap();

    const ANON: u16 = 303;
    // (route, anonymous, partner, counselor, admin)
    let matrix: Vec<(String, [u16; 4])> = vec![
        ("/gestion".into(), [ANON, 200, 200, 200]),
        ("/gestion/offres".into(), [ANON, 200, 200, 200]),
        (
            "/gestion/offres?statut=publiee".into(),
            [ANON, 200, 200, 200],
        ),
        ("/gestion/offres/nouvelle".into(), [ANON, 200, 200, 200]),
        ("/gestion/offres/1".into(), [ANON, 404, 200, 200]),
        (format!("/gestion/offres/{own}"), [ANON, 200, 200, 200]),
        ("/gestion/edition".into(), [ANON, 403, 200, 200]),
        // No edition published yet in this app: the kit of edition 1 does not exist.
        ("/gestion/edition/1/kit".into(), [ANON, 403, 404, 404]),
        ("/gestion/semaine".into(), [ANON, 403, 200, 200]),
        ("/gestion/entreprises".into(), [ANON, 403, 200, 200]),
        (
            "/gestion/entreprises/nouvelle".into(),
            [ANON, 403, 200, 200],
        ),
        ("/gestion/entreprises/1".into(), [ANON, 403, 200, 200]),
        ("/gestion/utilisateurs".into(), [ANON, 403, 403, 200]),
        ("/gestion/journal".into(), [ANON, 403, 403, 200]),
        ("/gestion/jetons".into(), [ANON, 403, 403, 200]),
        ("/gestion/territoire".into(), [ANON, 403, 403, 200]),
        ("/gestion/candidatures".into(), [ANON, 403, 200, 200]),
        ("/gestion/personnes".into(), [ANON, 403, 403, 200]),
        ("/gestion/ateliers".into(), [ANON, 403, 200, 200]),
        ("/gestion/activites".into(), [ANON, 403, 200, 200]),
        ("/gestion/activites/nouvelle".into(), [ANON, 403, 200, 200]),
        (
            "/gestion/activites/historique?email=a@b.fr".into(),
            [ANON, 403, 200, 200],
        ),
        // No activity yet: number 1 does not exist.
        ("/gestion/activites/1".into(), [ANON, 403, 404, 404]),
        (
            "/gestion/activites/1/modifier".into(),
            [ANON, 403, 404, 404],
        ),
        (
            "/gestion/activites/1/emargement.pdf".into(),
            [ANON, 403, 404, 404],
        ),
        ("/gestion/pepites".into(), [ANON, 403, 200, 200]),
        // Métier pages: counselors and administrators.
        ("/gestion/metiers".into(), [ANON, 403, 200, 200]),
        (
            "/gestion/metiers?metier=I1310".into(),
            [ANON, 403, 303, 303],
        ),
        ("/gestion/metiers/I1310".into(), [ANON, 403, 200, 200]),
        ("/gestion/metiers/Z9999".into(), [ANON, 403, 404, 404]),
        (
            "/gestion/metiers/I1310/films/1/apercu/video".into(),
            [ANON, 403, 404, 404],
        ),
        ("/gestion/pepites/nouvelle".into(), [ANON, 403, 200, 200]),
        ("/gestion/pepites/1".into(), [ANON, 403, 404, 404]),
        (
            "/gestion/pepites/1/sous-titres".into(),
            [ANON, 403, 404, 404],
        ),
        (
            "/gestion/pepites/1/apercu/video".into(),
            [ANON, 403, 404, 404],
        ),
        (
            "/gestion/candidatures/nouvelle".into(),
            [ANON, 403, 200, 200],
        ),
        ("/gestion/candidatures/1/cv".into(), [ANON, 403, 404, 404]),
        ("/gestion/offres/1/modifier".into(), [ANON, 404, 200, 200]),
        (
            format!("/gestion/offres/{own}/modifier"),
            [ANON, 200, 200, 200],
        ),
        // The young people counselors follow and the promos: counselors only.
        ("/gestion/jeunes".into(), [ANON, 403, 200, 200]),
        (
            "/gestion/jeunes?conseiller=moi".into(),
            [ANON, 403, 200, 200],
        ),
        ("/gestion/jeunes/nouveau".into(), [ANON, 403, 200, 200]),
        ("/gestion/jeunes/export.csv".into(), [ANON, 403, 200, 200]),
        (format!("/gestion/jeunes/{young}"), [ANON, 403, 200, 200]),
        (
            format!("/gestion/jeunes/{young}/modifier"),
            [ANON, 403, 200, 200],
        ),
        ("/gestion/jeunes/9999".into(), [ANON, 403, 404, 404]),
        // Car-pooling between young people: counselors only.
        ("/gestion/covoiturage".into(), [ANON, 403, 200, 200]),
        (
            "/gestion/covoiturage?fait=relation".into(),
            [ANON, 403, 200, 200],
        ),
        (
            format!("/gestion/candidatures/nouvelle?jeune={young}"),
            [ANON, 403, 200, 200],
        ),
        ("/gestion/promos".into(), [ANON, 403, 200, 200]),
        ("/gestion/promos/nouvelle".into(), [ANON, 403, 200, 200]),
        ("/gestion/promos/resultats".into(), [ANON, 403, 200, 200]),
        (
            "/gestion/promos/resultats.csv".into(),
            [ANON, 403, 200, 200],
        ),
        (format!("/gestion/promos/{promo}"), [ANON, 403, 200, 200]),
        ("/gestion/promos/9999".into(), [ANON, 403, 404, 404]),
        (
            format!("/gestion/promos/{promo}/membres/{young}"),
            [ANON, 403, 200, 200],
        ),
        (
            format!("/gestion/promos/{promo}/membres/9999"),
            [ANON, 403, 404, 404],
        ),
    ];
    for (route, expected) in &matrix {
        let got = [
            app.get(route).await.status.as_u16(),
            app.get_as(route, &partner).await.status.as_u16(),
            app.get_as(route, &counselor).await.status.as_u16(),
            app.get_as(route, &admin).await.status.as_u16(),
        ];
        assert_eq!(
            &got, expected,
            "{route}: anonyme, partenaire, conseiller, admin"
        );
    }
    let r = app.get("/gestion/offres").await;
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        "/connexion?suite=%2Fgestion%2Foffres"
    );

    // State-changing routes: anonymous visitors are sent to sign in, wrong roles refused.
    for route in [
        "/gestion/offres",
        "/gestion/offres/1/action",
        "/gestion/edition/publier",
        "/gestion/edition/pepites",
        "/gestion/territoire/pepites",
        "/deconnexion",
        "/gestion/entreprises",
        "/gestion/entreprises/1/appels",
        "/gestion/jetons",
        "/gestion/jetons/1/revoquer",
        "/gestion/utilisateurs",
        "/gestion/utilisateurs/1",
        "/gestion/territoire",
        "/gestion/offres/1/modifier",
        "/gestion/candidatures/1",
        "/gestion/candidatures/nouvelle",
        "/gestion/personnes/export",
        "/gestion/personnes/effacer",
        "/gestion/offres/1/modification/accepter",
        "/gestion/offres/1/modification/refuser",
        "/gestion/jeunes",
        "/gestion/jeunes/1",
        "/gestion/jeunes/1/candidatures",
        "/gestion/jeunes/1/covoiturage",
        "/gestion/covoiturage/mises-en-relation",
        "/gestion/covoiturage/retirer",
        "/gestion/promos",
        "/gestion/promos/1/membres",
        "/gestion/promos/1/membres/1/etapes",
        "/gestion/promos/1/membres/1/retirer",
        "/gestion/ateliers",
        "/gestion/activites",
        "/gestion/activites/1/modifier",
        "/gestion/activites/1/annuler",
        "/gestion/activites/1/presences",
        "/gestion/activites/1/membres",
        "/gestion/activites/1/membres/1",
        "/gestion/promos/1/agenda",
        "/gestion/metiers/I1310",
        "/gestion/metiers/I1310/films",
        "/gestion/metiers/I1310/films/1/publier",
        "/gestion/metiers/I1310/films/1/supprimer",
        "/gestion/metiers/I1310/evenements",
    ] {
        assert_eq!(
            app.post_form(route, "", &[("csrf", "x")]).await.status,
            StatusCode::SEE_OTHER,
            "{route}"
        );
    }
    let (partner_cookie, partner_csrf) = app.session(Role::Partenaire, Some(partner_org)).await;
    let (counselor_cookie, counselor_csrf) = app.session(Role::Conseiller, None).await;
    for (route, cookie, csrf) in [
        ("/gestion/entreprises", &partner_cookie, &partner_csrf),
        (
            "/gestion/entreprises/1/appels",
            &partner_cookie,
            &partner_csrf,
        ),
        ("/gestion/jetons", &partner_cookie, &partner_csrf),
        ("/gestion/jetons", &counselor_cookie, &counselor_csrf),
        (
            "/gestion/jetons/1/revoquer",
            &counselor_cookie,
            &counselor_csrf,
        ),
        ("/gestion/utilisateurs", &counselor_cookie, &counselor_csrf),
        (
            "/gestion/utilisateurs/1",
            &counselor_cookie,
            &counselor_csrf,
        ),
        ("/gestion/territoire", &counselor_cookie, &counselor_csrf),
        ("/gestion/territoire", &partner_cookie, &partner_csrf),
        (
            "/gestion/territoire/pepites",
            &counselor_cookie,
            &counselor_csrf,
        ),
        (
            "/gestion/territoire/pepites",
            &partner_cookie,
            &partner_csrf,
        ),
        ("/gestion/edition/pepites", &partner_cookie, &partner_csrf),
        ("/gestion/utilisateurs", &partner_cookie, &partner_csrf),
        ("/gestion/utilisateurs/1", &partner_cookie, &partner_csrf),
        ("/gestion/ateliers", &partner_cookie, &partner_csrf),
        ("/gestion/jetons/1/revoquer", &partner_cookie, &partner_csrf),
        (
            "/gestion/offres/1/modification/accepter",
            &partner_cookie,
            &partner_csrf,
        ),
        (
            "/gestion/offres/1/modification/refuser",
            &partner_cookie,
            &partner_csrf,
        ),
        ("/gestion/jeunes", &partner_cookie, &partner_csrf),
        ("/gestion/jeunes/1", &partner_cookie, &partner_csrf),
        (
            "/gestion/jeunes/1/candidatures",
            &partner_cookie,
            &partner_csrf,
        ),
        (
            "/gestion/jeunes/1/covoiturage",
            &partner_cookie,
            &partner_csrf,
        ),
        (
            "/gestion/covoiturage/mises-en-relation",
            &partner_cookie,
            &partner_csrf,
        ),
        (
            "/gestion/covoiturage/retirer",
            &partner_cookie,
            &partner_csrf,
        ),
        ("/gestion/promos", &partner_cookie, &partner_csrf),
        ("/gestion/promos/1/membres", &partner_cookie, &partner_csrf),
        (
            "/gestion/promos/1/membres/1/etapes",
            &partner_cookie,
            &partner_csrf,
        ),
        (
            "/gestion/promos/1/membres/1/retirer",
            &partner_cookie,
            &partner_csrf,
        ),
        ("/gestion/activites", &partner_cookie, &partner_csrf),
        (
            "/gestion/activites/1/modifier",
            &partner_cookie,
            &partner_csrf,
        ),
        (
            "/gestion/activites/1/annuler",
            &partner_cookie,
            &partner_csrf,
        ),
        (
            "/gestion/activites/1/presences",
            &partner_cookie,
            &partner_csrf,
        ),
        (
            "/gestion/activites/1/membres",
            &partner_cookie,
            &partner_csrf,
        ),
        (
            "/gestion/activites/1/membres/1",
            &partner_cookie,
            &partner_csrf,
        ),
        ("/gestion/promos/1/agenda", &partner_cookie, &partner_csrf),
        ("/gestion/metiers/I1310", &partner_cookie, &partner_csrf),
        (
            "/gestion/metiers/I1310/films",
            &partner_cookie,
            &partner_csrf,
        ),
        (
            "/gestion/metiers/I1310/films/1/publier",
            &partner_cookie,
            &partner_csrf,
        ),
        (
            "/gestion/metiers/I1310/films/1/supprimer",
            &partner_cookie,
            &partner_csrf,
        ),
        (
            "/gestion/metiers/I1310/evenements",
            &partner_cookie,
            &partner_csrf,
        ),
    ] {
        let fields = [
            ("csrf", csrf.as_str()),
            ("outcome", "refus"),
            ("siret", "12345678000014"),
            ("organisation", "1"),
            ("label", "x"),
        ];
        assert_eq!(
            app.post_form(route, cookie, &fields).await.status,
            StatusCode::FORBIDDEN,
            "{route}"
        );
    }
    let r = app
        .post_form(
            "/gestion/edition/publier",
            &partner_cookie,
            &[("csrf", &partner_csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            "/gestion/offres/1/action",
            &partner_cookie,
            &[("csrf", &partner_csrf), ("action", "retirer")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "another organisation's offer"
    );
    let r = app
        .post_form(
            &format!("/gestion/offres/{own}/action"),
            &partner_cookie,
            &[("csrf", &partner_csrf), ("action", "publier")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "partners cannot publish");
    assert!(r.body.contains("partenaire ne peut pas publier"));
    assert_eq!(
        app.state
            .store
            .get_offer(own)
            .await
            .unwrap()
            .unwrap()
            .status,
        OfferStatus::AValider
    );
}
