//! The connectors in the back office: configured or not, run from a button against a fake
//! France Travail, the stored report, the scheduled nightly run once, the offer page naming
//! its sources and showing an offer carried by two sources once.

mod support;

use axum::http::{StatusCode, header};
use support::{TestApp, backends, offer};
use tremplin_connectors::ConnectorSettings;
use tremplin_connectors::france_travail;
use tremplin_domain::OfferStatus;
use tremplin_storage::Role;
use tremplin_testing::partners::{Fake, Shared, start};

/// A France Travail with one apprenticeship offer in L'Aigle.
async fn fake_france_travail() -> (String, Shared) {
    let fake = Fake::one_offer("id-ml", "secret-ml");
    (start(fake.clone()).await, fake)
}

fn settings(base: &str) -> ConnectorSettings {
    ConnectorSettings {
        france_travail: Some(france_travail::Settings {
            api_base: format!("{base}/v2"),
            token_url: format!("{base}/token"),
            client_id: "id-ml".into(),
            client_secret: "secret-ml".into(),
            departements: Vec::new(),
        }),
        labonnealternance: None,
    }
}

async fn wait_finished(app: &TestApp, runs: usize) -> Vec<tremplin_storage::ImportRun> {
    let start = std::time::Instant::now();
    loop {
        let list = app.state.store.import_runs(10).await.unwrap();
        if list.len() >= runs && list.iter().all(|r| r.finished_at.is_some()) {
            return list;
        }
        assert!(
            start.elapsed().as_secs() < 20,
            "import never finished: {list:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_counselor_runs_an_import_and_reads_its_report() {
    for backend in backends() {
        let (base, _) = fake_france_travail().await;
        let app = TestApp::with_connectors(backend, settings(&base)).await;
        let (cookie, csrf) = app.session(Role::Conseiller, None).await;

        let page = app.get_as("/gestion/imports", &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains("Non configuré : La bonne alternance : LBA_API_TOKEN absent"),
            "{}",
            page.body
        );
        assert!(page.body.contains("/gestion/imports/france-travail/lancer"));

        let r = app
            .post_form(
                "/gestion/imports/france-travail/lancer",
                &cookie,
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let runs = wait_finished(&app, 1).await;
        assert_eq!(
            runs[0].outcome,
            Some(tremplin_storage::RunOutcome::Succeeded),
            "{backend}: {}",
            runs[0].report
        );
        assert_eq!(runs[0].trigger, tremplin_storage::RunTrigger::BackOffice);
        let report = app
            .get_as(&format!("/gestion/imports/rapport/{}", runs[0].id), &cookie)
            .await;
        assert!(
            report.body.contains("<dt>Créées</dt><dd>1</dd>"),
            "{}",
            report.body
        );

        // Out at the next edition, then its page says where it comes from.
        let id = app
            .state
            .store
            .open_offers_of_source("france-travail")
            .await
            .unwrap()[0]
            .0;
        assert_eq!(
            app.state.store.get_offer(id).await.unwrap().unwrap().status,
            OfferStatus::AValider
        );
        app.state
            .store
            .publish_edition("test", support::now(), None)
            .await
            .unwrap();
        let page = app.get(&format!("/offres/{id}")).await;
        assert!(
            page.body.contains("Importée de France Travail"),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("https://candidat.francetravail.fr/offres/recherche/detail/204XKLM")
        );

        // The schedule: bad hours refused in French, a setting kept.
        let bad = app
            .post_form(
                "/gestion/imports/france-travail/planning",
                &cookie,
                &[("csrf", &csrf), ("hour", "25")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("Choisissez une heure entre 0 et 23."));
        app.post_form(
            "/gestion/imports/france-travail/planning",
            &cookie,
            &[("csrf", &csrf), ("enabled", "oui"), ("hour", "4")],
        )
        .await;
        let s = app
            .state
            .store
            .import_schedule("france-travail")
            .await
            .unwrap();
        assert_eq!((s.enabled, s.hour), (true, 4));

        // Partners do not run imports.
        let (partner, pcsrf) = app
            .session(Role::Partenaire, Some("France Travail Orne"))
            .await;
        assert_eq!(
            app.get_as("/gestion/imports", &partner).await.status,
            StatusCode::FORBIDDEN
        );
        let r = app
            .post_form(
                "/gestion/imports/france-travail/lancer",
                &partner,
                &[("csrf", &pcsrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_nightly_run_starts_once_across_instances() {
    let (base, searches) = fake_france_travail().await;
    let app = TestApp::with_connectors("sqlite", settings(&base)).await;
    // 10:00 in Paris is after the default 3 h: due. Two instances' schedule loops check.
    tremplin_connectors::launch::scheduled(
        &app.state.store,
        &app.state.connector_area(),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    tremplin_connectors::launch::scheduled(
        &app.state.store,
        &app.state.connector_area(),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let runs = wait_finished(&app, 1).await;
    tremplin_connectors::launch::scheduled(
        &app.state.store,
        &app.state.connector_area(),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let runs_after = app.state.store.import_runs(10).await.unwrap();
    assert_eq!(runs_after.len(), 1, "{runs_after:?}");
    assert_eq!(runs[0].trigger, tremplin_storage::RunTrigger::Schedule);
    assert_eq!(searches.lock().unwrap().searches.len(), 1);

    // Switched off: nothing more, even on another day.
    app.state
        .store
        .set_import_schedule(
            "france-travail",
            tremplin_storage::ImportSchedule {
                enabled: false,
                hour: 3,
            },
        )
        .await
        .unwrap();
    tremplin_connectors::launch::scheduled(
        &app.state.store,
        &app.state.connector_area(),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(app.state.store.import_runs(10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_offer_in_two_sources_is_shown_once_with_both() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let mut ft = offer("FT-1", "Boulanger / Boulangère", "61214");
        ft.source.name = "france-travail".into();
        ft.source.url = Some(
            tremplin_domain::HttpUrl::parse(
                "https://candidat.francetravail.fr/offres/recherche/detail/FT-1",
            )
            .unwrap(),
        );
        let primary = app.publish(ft, 1).await;
        let mut lba = offer("LBA-1", "Boulanger boulangère", "61214");
        lba.source.name = "labonnealternance".into();
        lba.source.url = Some(
            tremplin_domain::HttpUrl::parse(
                "https://labonnealternance.apprentissage.beta.gouv.fr/offre/LBA-1",
            )
            .unwrap(),
        );
        let copy = app.publish(lba, 1).await;
        app.state
            .store
            .set_duplicate_of(copy, Some(primary), support::now())
            .await
            .unwrap();
        app.sync().await;

        let page = app.get(&format!("/offres/{primary}")).await;
        assert!(page.body.contains("Aussi publiée"), "{}", page.body);
        assert!(page.body.contains("Importée de La bonne alternance"));
        assert!(
            page.body
                .contains("https://labonnealternance.apprentissage.beta.gouv.fr/offre/LBA-1")
        );
        let r = app.get(&format!("/offres/{copy}?depuis=61293")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers.get(header::LOCATION).unwrap(),
            &format!("/offres/{primary}?depuis=61293")
        );
        let results = app.get("/api/v1/offers?q=boulanger").await.json();
        assert_eq!(results["total"], 1, "{results}");
    }
}
