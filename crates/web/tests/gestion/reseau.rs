//! The company network: calls, confirmations by phone, companies not called since.

use crate::support::{TestApp, backends, offer};
use axum::http::{StatusCode, header};
use tremplin_domain::OfferStatus;
use tremplin_storage::Role;

#[tokio::test]
async fn phoning_the_network_a_call_then_an_offer_in_under_a_minute() {
    for backend in backends() {
        let app = TestApp::with_catalogue(backend).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;
        let company = [
            ("csrf", csrf.as_str()),
            ("siret", "123 456 780 00014"),
            ("name", "Charpentes du Perche (fictive)"),
            ("naf", "43.91a"),
            ("commune_code", "61293"),
            ("contact_name", "Paul Martin"),
            ("contact_phone", "02 61 91 44 55"),
        ];
        let mut bad = company.to_vec();
        bad[1] = ("siret", "12345678000015");
        let r = app.post_form("/gestion/entreprises", &cookie, &bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body.contains("la clé de contrôle ne correspond pas"),
            "{}",
            r.body
        );

        let r = app
            .post_form("/gestion/entreprises", &cookie, &company)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = r
            .headers
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let r = app
            .post_form("/gestion/entreprises", &cookie, &company)
            .await;
        assert!(
            r.body
                .contains("déjà ce SIRET : Charpentes du Perche (fictive)"),
            "duplicates are refused by SIRET"
        );

        // A call to return needs a date; nothing is stored without it.
        let calls = format!("{page}/appels");
        let r = app
            .post_form(
                &calls,
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("outcome", "rappeler"),
                    ("notes", "Absent"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("Indiquez quand rappeler."));
        let r = app
            .post_form(
                &calls,
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("outcome", "rappeler"),
                    ("next_call_on", "2026-11-26"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let week = app.get_as("/gestion/semaine", &cookie).await.body;
        assert!(
            week.contains("Appels à passer cette semaine (1)")
                && week.contains("Charpentes du Perche"),
            "{backend}: {week}"
        );

        // The offer collected on the phone: the form arrives with the company filled in.
        let r = app
            .post_form(
                &calls,
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("outcome", "offre_recueillie"),
                    ("notes", "Un apprenti charpentier"),
                ],
            )
            .await;
        let next = r
            .headers
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            next.starts_with("/gestion/offres/nouvelle?entreprise="),
            "{next}"
        );
        let form = app.get_as(&next, &cookie).await.body;
        assert!(
            form.contains("value=\"Charpentes du Perche (fictive)\"")
                && form.contains("value=\"12345678000014\"")
                && form.contains("value=\"Mortagne-au-Perche (61400)\""),
            "{form}"
        );
        let detail = app.get_as(&page, &cookie).await.body;
        assert!(detail.contains("Offre recueillie") && detail.contains("Un apprenti charpentier"));
        assert!(
            !app.get_as("/gestion/semaine", &cookie)
                .await
                .body
                .contains("Appels à passer cette semaine (1)"),
            "the last call no longer asks to call back"
        );
    }
}

#[tokio::test]
async fn confirming_an_offer_by_phone_renews_it_and_logs_the_call() {
    let app = TestApp::new("sqlite").await;
    let mut o = offer("old", "Offre ancienne", "61214");
    o.siret = Some(tremplin_domain::Siret::parse("12345678000014").unwrap());
    let id = app.store(o, OfferStatus::Publiee).await;
    // Published and last verified 30 days before the test clock: due for confirmation.
    app.state
        .store
        .set_published_at(id, crate::support::now() - chrono::Duration::days(30))
        .await
        .unwrap();
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    let week = app.get_as("/gestion/semaine", &cookie).await.body;
    assert!(
        week.contains("Offres à confirmer avant jeudi (1)"),
        "{week}"
    );
    let r = app
        .post_form(
            &format!("/gestion/offres/{id}/action"),
            &cookie,
            &[("csrf", &csrf), ("action", "confirmer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.state.store.get_offer(id).await.unwrap().unwrap();
    assert_eq!(stored.verified_at, Some(crate::support::now()));
    let company = app
        .state
        .store
        .company(stored.company_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        company.calls[0].outcome,
        tremplin_domain::network::CallOutcome::OffreConfirmee
    );
    assert!(
        app.get_as("/gestion/semaine", &cookie)
            .await
            .body
            .contains("Offres à confirmer avant jeudi (0)")
    );
}

#[tokio::test]
async fn companies_not_called_since_a_date() {
    let app = TestApp::new("sqlite").await;
    let (cookie, csrf) = app.session(Role::Conseiller, None).await;
    for (siret, name) in [("12345678000014", "Appelée"), ("73282932000074", "Oubliée")] {
        app.post_form(
            "/gestion/entreprises",
            &cookie,
            &[
                ("csrf", &csrf),
                ("siret", siret),
                ("name", name),
                ("commune_code", "61214"),
            ],
        )
        .await;
    }
    let id = app
        .state
        .store
        .companies(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Appelée")
        .unwrap()
        .id;
    app.post_form(
        &format!("/gestion/entreprises/{id}/appels"),
        &cookie,
        &[("csrf", &csrf), ("outcome", "pas_de_besoin")],
    )
    .await;
    let page = app
        .get_as("/gestion/entreprises?depuis=2026-11-01", &cookie)
        .await
        .body;
    assert!(
        page.contains("Oubliée") && !page.contains(">Appelée<"),
        "{page}"
    );
    assert_eq!(
        app.get_as("/gestion/entreprises?depuis=hier", &cookie)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}
