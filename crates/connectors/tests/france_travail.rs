//! The France Travail connector against a local fake of its API: paging past the 3 000 cap,
//! 204, 206 with Content-Range, 429 then success, an expired token, a 500, malformed JSON,
//! offers with missing fields; re-runs that change nothing and close what left the source.

mod support;

use std::sync::{Arc, Mutex};

use serde_json::Value;
use support::{Fake, Scripted, communes, ft_client, ft_offer, start};
use tremplin_connectors::run::Fetcher;
use tremplin_connectors::{ConnectorError, Progress, RunReport, Trigger, run};
use tremplin_domain::OfferStatus;
use tremplin_storage::Store;
use tremplin_storage::testing::{TestDb, backends};

async fn import(store: &Store, base: &str, deps: &[&str]) -> RunReport {
    let fetcher = Fetcher::FranceTravail(ft_client(base, deps));
    run(
        store,
        communes(),
        &fetcher,
        Trigger::CommandLine,
        &Progress::silent(),
    )
    .await
    .unwrap()
}

fn bulk(n: usize) -> Vec<(String, String, Value)> {
    (0..n)
        .map(|i| {
            let mut o = ft_offer(
                &format!("FT{i:05}"),
                &format!("Boulanger·ère en apprentissage, fournil n° {i}"),
                "61214",
                &format!("Boulangerie Fictive {i}"),
            );
            o["entreprise"]["siret"] = Value::Null;
            // Creation dates a minute apart from 1 October 2026.
            let created = chrono::DateTime::parse_from_rfc3339("2026-10-01T00:00:00Z").unwrap()
                + chrono::Duration::minutes(i as i64);
            (
                "61".to_owned(),
                created.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                o,
            )
        })
        .collect()
}

#[tokio::test]
async fn more_offers_than_the_paging_cap_are_all_imported_once() {
    let fake = Arc::new(Mutex::new(Fake {
        offers: bulk(3_400),
        ..Fake::default()
    }));
    let base = start(fake.clone()).await;
    let db = TestDb::new("sqlite").await;
    let report = import(&db.store, &base, &["61"]).await;
    assert_eq!(report.error, None, "{}", report.summary());
    assert_eq!(
        (report.fetched, report.created),
        (3_400, 3_400),
        "{}",
        report.summary()
    );
    let f = fake.lock().unwrap();
    // The search was split by creation dates: every page asked for a start ≤ 3 000.
    assert!(
        f.searches
            .iter()
            .any(|(_, q)| q.contains_key("minCreationDate"))
    );
    assert_eq!(f.tokens_issued, 1, "one token for the whole run");
    // Paced at one request per 5 ms, as configured (arrivals jitter, the whole span does not).
    let times: Vec<_> = f.searches.iter().map(|(t, _)| *t).collect();
    let span = *times.last().unwrap() - times[0];
    assert!(
        span >= std::time::Duration::from_millis(5) * (times.len() as u32 - 2),
        "{} requests in {span:?}",
        times.len()
    );
}

#[tokio::test]
async fn mapping_rejections_reruns_and_closing() {
    for backend in backends() {
        let mut lba = ft_offer(
            "FT-LBA",
            "Vendeur en boulangerie",
            "61214",
            "Boulangerie Bis",
        );
        lba["origineOffre"]["partenaires"] = serde_json::json!([{ "nom": "LABONNEALTERNANCE", "url": "https://labonnealternance.apprentissage.beta.gouv.fr/x" }]);
        let mut cdi = ft_offer("FT-CDI", "Boulanger confirmé", "61214", "Boulangerie Ter");
        cdi["natureContrat"] = "Contrat travail".into();
        cdi["alternance"] = false.into();
        let mut anonymous = ft_offer("FT-ANON", "Pâtissier apprenti", "61214", "");
        anonymous["entreprise"] = serde_json::json!({});
        let mut nowhere = ft_offer("FT-NOWHERE", "Pâtissier apprenti", "", "Pâtisserie");
        nowhere["lieuTravail"] = serde_json::json!({ "libelle": "99 - Inconnue" });
        let mut short = ft_offer("FT-SHORT", "Pâtissier", "61214", "Pâtisserie Courte");
        short["description"] = "Trop court.".into();
        short["salaire"] = Value::Null;
        short["dureeTravailLibelle"] = Value::Null;
        let mut pro = ft_offer("FT-PRO", "Assistant·e comptable", "61293", "Cabinet Fictif");
        pro["natureContrat"] = "Contrat de professionnalisation".into();
        pro["romeCode"] = "M1203".into();
        pro["lieuTravail"] =
            serde_json::json!({ "libelle": "61 - MORTAGNE AU PERCHE", "codePostal": "61400" });
        pro["formations"] = serde_json::json!([{ "niveauLibelle": "Bac+2 ou équivalents" }]);
        pro["contact"] = serde_json::json!({ "courriel": "Pour postuler, utiliser le lien suivant : https://x", "telephone": "pas un numéro" });
        let offers: Vec<(String, String, Value)> = [
            ft_offer(
                "FT-1",
                "Boulanger / Boulangère",
                "61214",
                "Boulangerie Fictive",
            ),
            pro,
            lba,
            cdi,
            anonymous,
            nowhere,
            short,
        ]
        .into_iter()
        .map(|o| ("61".into(), "2026-11-20T10:00:00Z".into(), o))
        .collect();
        let fake = Arc::new(Mutex::new(Fake {
            offers,
            ..Fake::default()
        }));
        let base = start(fake.clone()).await;
        let db = TestDb::new(backend).await;
        let store = &db.store;

        let r = import(store, &base, &["61", "28"]).await;
        assert_eq!(r.error, None);
        assert_eq!((r.fetched, r.created), (7, 2), "{backend}: {}", r.summary());
        assert_eq!(
            r.excluded.get("déjà apportée par La bonne alternance"),
            Some(&1)
        );
        assert_eq!(r.excluded.get("pas un contrat en alternance"), Some(&1));
        let reasons: Vec<(&str, &str)> = r
            .rejected
            .iter()
            .map(|x| (x.external_id.as_str(), x.reason.as_str()))
            .collect();
        assert!(
            reasons.contains(&(
                "FT-ANON",
                "France Travail ne communique pas le nom de l'entreprise."
            )),
            "{reasons:?}"
        );
        assert!(
            reasons.contains(&("FT-NOWHERE", "Commune introuvable : « 99 - Inconnue ».")),
            "{reasons:?}"
        );
        assert!(
            reasons
                .iter()
                .any(|(id, why)| *id == "FT-SHORT" && why.contains("30 caractères")),
            "{reasons:?}"
        );

        // Mapped as the source says: commune by postcode and name, level, contract.
        let open = store.open_offers_of_source("france-travail").await.unwrap();
        let pro_id = open.iter().find(|(_, e)| e == "FT-PRO").unwrap().0;
        let pro = store.get_offer(pro_id).await.unwrap().unwrap();
        assert_eq!(pro.fields.commune.as_str(), "61293");
        assert_eq!(pro.fields.level.map(u8::from), Some(5));
        assert_eq!(pro.fields.contract_type.as_str(), "professionnalisation");
        assert_eq!(pro.fields.contact.email, None, "not an address: left out");
        assert_eq!(pro.fields.contact.phone, None);
        assert_eq!(
            pro.fields
                .source
                .url
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("https://candidat.francetravail.fr/offres/recherche/detail/FT-PRO")
        );
        assert_eq!(
            pro.status,
            OfferStatus::AValider,
            "validated, out at Thursday's edition"
        );
        assert!(pro.validated_at.is_some());

        // Again: nothing changes.
        let again = import(store, &base, &["61", "28"]).await;
        assert_eq!(
            (again.created, again.updated, again.unchanged, again.closed),
            (0, 0, 2, 0),
            "{}",
            again.summary()
        );

        // One offer leaves France Travail: closed at the next run, the other stays.
        fake.lock()
            .unwrap()
            .offers
            .retain(|(_, _, o)| o["id"] != "FT-1");
        let after = import(store, &base, &["61", "28"]).await;
        assert_eq!(after.closed, 1, "{}", after.summary());
        let open = store.open_offers_of_source("france-travail").await.unwrap();
        assert_eq!(
            open.iter().map(|(_, e)| e.as_str()).collect::<Vec<_>>(),
            ["FT-PRO"]
        );

        // Back at France Travail: a new offer (the closed one stays closed, with its history).
        fake.lock().unwrap().offers.push((
            "61".into(),
            "2026-11-20T10:00:00Z".into(),
            ft_offer(
                "FT-1",
                "Boulanger / Boulangère",
                "61214",
                "Boulangerie Fictive",
            ),
        ));
        let back = import(store, &base, &["61", "28"]).await;
        assert_eq!((back.created, back.closed), (1, 0), "{}", back.summary());
        fake.lock()
            .unwrap()
            .offers
            .retain(|(_, _, o)| o["id"] != "FT-1");
        let gone = import(store, &base, &["61", "28"]).await;
        assert_eq!(gone.closed, 1);

        // A run over another département leaves this one's offers alone.
        let elsewhere = import(store, &base, &["28"]).await;
        assert_eq!(
            (elsewhere.fetched, elsewhere.closed, elsewhere.warning),
            (0, 0, None)
        );
        assert_eq!(
            store
                .open_offers_of_source("france-travail")
                .await
                .unwrap()
                .len(),
            1
        );

        let runs = store.import_runs(10).await.unwrap();
        assert_eq!(runs.len(), 6);
        assert!(
            runs.iter()
                .all(|r| r.outcome == Some(tremplin_storage::RunOutcome::Succeeded))
        );
        let stored: RunReport = serde_json::from_str(&runs[1].report).unwrap();
        assert_eq!(stored, gone, "the stored report is the printed one");
    }
}

#[tokio::test]
async fn transient_failures_are_retried_and_lasting_ones_close_nothing() {
    for backend in backends() {
        let fake = Arc::new(Mutex::new(Fake {
            offers: vec![(
                "61".into(),
                "2026-11-20T10:00:00Z".into(),
                ft_offer(
                    "FT-1",
                    "Boulanger / Boulangère",
                    "61214",
                    "Boulangerie Fictive",
                ),
            )],
            ..Fake::default()
        }));
        let base = start(fake.clone()).await;
        let db = TestDb::new(backend).await;
        let store = &db.store;

        // 429, then a 503, then the answer; an expired token renewed once.
        fake.lock().unwrap().script.extend([
            Scripted::Status(429),
            Scripted::Status(503),
            Scripted::Expired,
        ]);
        let r = import(store, &base, &["61"]).await;
        assert_eq!(
            (r.error.as_deref(), r.created),
            (None, 1),
            "{}",
            r.summary()
        );
        assert_eq!(
            fake.lock().unwrap().tokens_issued,
            2,
            "renewed after the 401"
        );

        // A lasting 500: the run fails, stored as such; nothing is closed.
        fake.lock().unwrap().offers.clear();
        fake.lock()
            .unwrap()
            .script
            .extend([Scripted::Status(500); 4]);
        let r = import(store, &base, &["61"]).await;
        let error = r.error.clone().unwrap();
        assert!(error.contains("HTTP 500"), "{error}");
        assert_eq!(r.closed, 0);
        assert!(r.summary().contains("Aucune offre n'a été fermée"));
        assert_eq!(
            store
                .open_offers_of_source("france-travail")
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            store.import_runs(1).await.unwrap()[0].outcome,
            Some(tremplin_storage::RunOutcome::Failed)
        );

        // The list changed while it was read (an offer withdrawn between two pages): read
        // again from the start, and all is well.
        fake.lock().unwrap().offers.push((
            "61".into(),
            "2026-11-20T10:00:00Z".into(),
            ft_offer(
                "FT-1",
                "Boulanger / Boulangère",
                "61214",
                "Boulangerie Fictive",
            ),
        ));
        fake.lock()
            .unwrap()
            .script
            .push_back(Scripted::Inflated(151));
        let r = import(store, &base, &["61"]).await;
        assert_eq!(
            (r.error.as_deref(), r.unchanged),
            (None, 1),
            "{}",
            r.summary()
        );
        fake.lock().unwrap().offers.clear();

        // Fewer offers served than announced: a failure, not a partial list closing the rest.
        fake.lock().unwrap().offers.push((
            "61".into(),
            "2026-11-20T10:00:00Z".into(),
            ft_offer(
                "FT-9",
                "Boulanger / Boulangère",
                "61214",
                "Boulangerie Fictive",
            ),
        ));
        fake.lock()
            .unwrap()
            .script
            .extend([Scripted::Inflated(400); 2]);
        let r = import(store, &base, &["61"]).await;
        assert!(
            r.error
                .clone()
                .unwrap()
                .contains("400 offres annoncées, 1 reçues"),
            "{}",
            r.summary()
        );
        assert_eq!(r.closed, 0);
        fake.lock().unwrap().offers.clear();

        // Malformed JSON: a clear failure.
        fake.lock().unwrap().script.push_back(Scripted::Malformed);
        let r = import(store, &base, &["61"]).await;
        assert!(r.error.unwrap().contains("réponse illisible"));

        // 204 everywhere: nothing found, and by prudence nothing closed.
        let r = import(store, &base, &["61"]).await;
        assert_eq!((r.fetched, r.closed), (0, 0));
        assert!(r.warning.unwrap().contains("par prudence"));
        assert_eq!(
            store
                .open_offers_of_source("france-travail")
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn wrong_credentials_are_said_and_one_run_at_a_time() {
    let fake = Arc::new(Mutex::new(Fake::default()));
    let base = start(fake.clone()).await;
    let db = TestDb::new("sqlite").await;
    let mut http = tremplin_connectors::http::Http::new(std::time::Duration::ZERO).unwrap();
    http.backoff = std::time::Duration::from_millis(1);
    let client = tremplin_connectors::france_travail::Client::new(
        tremplin_connectors::france_travail::Settings {
            api_base: format!("{base}/v2"),
            token_url: format!("{base}/token"),
            client_id: "id-ml".into(),
            client_secret: "mauvais".into(),
            departements: vec!["61".into()],
        },
        http,
    );
    let fetcher = Fetcher::FranceTravail(client);
    let r = run(
        &db.store,
        communes(),
        &fetcher,
        Trigger::CommandLine,
        &Progress::silent(),
    )
    .await
    .unwrap();
    assert!(r.error.unwrap().contains("identifiants refusés"));

    // A run under way (another instance's, say) keeps a second one out.
    let now = chrono::Utc::now();
    db.store
        .begin_import(
            "france-travail",
            tremplin_storage::RunTrigger::Schedule,
            None,
            now,
            now + chrono::Duration::minutes(10),
        )
        .await
        .unwrap()
        .unwrap();
    let busy = run(
        &db.store,
        communes(),
        &fetcher,
        Trigger::CommandLine,
        &Progress::silent(),
    )
    .await;
    assert!(matches!(busy, Err(ConnectorError::Busy)));
}
