//! La bonne alternance against a local fake: search points over the territory, the
//! `JobOfferRead` shape, and one offer carried by both sources shown once.

mod support;

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use support::{Fake, Scripted, communes, ft_client, ft_offer, lba_client, start};
use tremplin_connectors::labonnealternance::search_points;
use tremplin_connectors::run::Fetcher;
use tremplin_connectors::{Progress, RunReport, Trigger, run};
use tremplin_storage::Store;
use tremplin_storage::testing::{TestDb, backends};

fn job(
    id: &str,
    title: &str,
    siret: &str,
    brand: &str,
    address: &str,
    lat: f64,
    lon: f64,
) -> Value {
    json!({
        "identifier": { "id": id, "partner_label": "La bonne alternance", "partner_job_id": id },
        "workplace": {
            "siret": siret, "brand": brand, "legal_name": format!("{brand} SARL"), "name": brand,
            "website": null, "description": null, "size": "0-9",
            "location": { "address": address, "geopoint": { "type": "Point", "coordinates": [lon, lat] } },
            "domain": { "idcc": null, "opco": "OPCO EP", "naf": { "code": "1071C", "label": "Boulangerie et boulangerie-pâtisserie" } }
        },
        "apply": { "url": format!("https://labonnealternance.apprentissage.beta.gouv.fr/offre/{id}"), "phone": "02 33 24 00 00", "recipient_id": null },
        "contract": { "start": "2027-09-01T00:00:00.000Z", "duration": 24, "type": ["Apprentissage"], "remote": null },
        "offer": {
            "title": title, "rome_codes": ["D1102"],
            "description": "Apprentissage du métier de boulanger : pétrissage, façonnage, cuisson, vente.",
            "target_diploma": { "european": "3", "label": "CAP, BEP" },
            "desired_skills": ["Ponctualité", "Goût du travail en équipe"], "to_be_acquired_skills": [], "access_conditions": [],
            "publication": { "creation": "2026-11-10T00:00:00.000Z", "expiration": "2027-01-10T00:00:00.000Z" },
            "opening_count": 2, "status": "Active"
        }
    })
}

async fn lba(store: &Store, base: &str, points: &[(f64, f64)]) -> RunReport {
    let fetcher = Fetcher::LaBonneAlternance {
        client: lba_client(base),
        points: points.to_vec(),
    };
    run(
        store,
        communes(),
        &fetcher,
        Trigger::BackOffice,
        &Progress::silent(),
    )
    .await
    .unwrap()
}

#[test]
fn search_points_cover_every_commune_of_the_territory() {
    // The demo territory's six EPCIs around L'Aigle and Mortagne.
    let epcis: Vec<String> = [
        "200068468",
        "200069458",
        "200036069",
        "200068435",
        "200068856",
        "200071504",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let c = communes();
    let territory: Vec<_> = c.in_epcis(&epcis).collect();
    let points = search_points(territory.iter().copied());
    assert!(territory.len() > 100, "{} communes", territory.len());
    assert!(
        !points.is_empty() && points.len() < 40,
        "{} points",
        points.len()
    );
    for commune in territory.iter().filter(|c| !c.approximate) {
        let covered = points.iter().any(|p| {
            tremplin_domain::geo::haversine_km(p.0, p.1, commune.lat, commune.lon) <= 20.0
        });
        assert!(covered, "{} outside every search circle", commune.name);
    }
}

#[tokio::test]
async fn offers_are_mapped_and_one_offer_in_two_sources_is_shown_once() {
    for backend in backends() {
        let laigle = (48.7648, 0.6283);
        let mut no_contract = job(
            "LBA-3",
            "Vendeur",
            "",
            "Magasin",
            "61300 L'Aigle",
            laigle.0,
            laigle.1,
        );
        no_contract["contract"]["type"] = json!([]);
        let mut filled = job(
            "LBA-4",
            "Pâtissier",
            "",
            "Pâtisserie",
            "61300 L'Aigle",
            laigle.0,
            laigle.1,
        );
        filled["offer"]["status"] = "Filled".into();
        let mut expired = filled.clone();
        expired["identifier"]["id"] = "LBA-5".into();
        expired["offer"]["status"] = "Active".into();
        expired["offer"]["publication"]["expiration"] = "2026-01-10T00:00:00.000Z".into();
        let fake = Arc::new(Mutex::new(Fake {
            // The same bakery's offer at France Travail…
            offers: vec![(
                "61".into(),
                "2026-11-20T10:00:00Z".into(),
                ft_offer(
                    "FT-1",
                    "Boulanger / Boulangère (H/F)",
                    "61214",
                    "Boulangerie Fictive",
                ),
            )],
            jobs: vec![
                // … and at La bonne alternance, with a slightly different title.
                job(
                    "LBA-1",
                    "Boulanger boulangère en apprentissage",
                    "66043714600013",
                    "Boulangerie Fictive",
                    "12 rue des Emmurées 61300 L'Aigle",
                    laigle.0,
                    laigle.1,
                ),
                job(
                    "LBA-2",
                    "Mécanicien automobile",
                    "",
                    "Garage du Perche",
                    "Place du Général de Gaulle, 61400 Mortagne-au-Perche",
                    48.52,
                    0.547,
                ),
                no_contract,
                filled,
                expired,
                // Far away: outside every search circle.
                job(
                    "LBA-9",
                    "Boulanger",
                    "",
                    "Boulangerie de Lyon",
                    "69001 Lyon",
                    45.76,
                    4.83,
                ),
            ],
            ..Fake::default()
        }));
        let base = start(fake.clone()).await;
        let db = TestDb::new(backend).await;
        let store = &db.store;

        let ft = Fetcher::FranceTravail(ft_client(&base, &["61"]));
        run(
            store,
            communes(),
            &ft,
            Trigger::Schedule(chrono::Utc::now()),
            &Progress::silent(),
        )
        .await
        .unwrap();
        let r = lba(store, &base, &[laigle, (48.52, 0.547)]).await;
        assert_eq!(r.error, None, "{}", r.summary());
        assert_eq!(
            (r.fetched, r.created, r.duplicates),
            (5, 2, 1),
            "{backend}: {}",
            r.summary()
        );
        assert_eq!(
            r.excluded.get("plus active chez La bonne alternance"),
            Some(&1)
        );
        assert_eq!(r.excluded.get("expirée chez La bonne alternance"), Some(&1));
        assert_eq!(r.rejected.len(), 1);
        assert!(r.rejected[0].reason.contains("type de contrat"));

        let ids = store
            .open_offers_of_source("labonnealternance")
            .await
            .unwrap();
        let lba1 = ids.iter().find(|(_, e)| e == "LBA-1").unwrap().0;
        let ft1 = store.open_offers_of_source("france-travail").await.unwrap()[0].0;
        let dup = store.get_offer(lba1).await.unwrap().unwrap();
        assert_eq!(
            dup.duplicate_of,
            Some(ft1),
            "shown once, through France Travail's"
        );
        assert!(!dup.is_listed());
        let sources = store.duplicates_of(ft1).await.unwrap();
        assert_eq!(sources.len(), 1);
        assert_eq!(sources[0].1, "labonnealternance");
        assert_eq!(
            sources[0].3.as_deref(),
            Some("https://labonnealternance.apprentissage.beta.gouv.fr/offre/LBA-1")
        );
        let garage = store
            .get_offer(ids.iter().find(|(_, e)| e == "LBA-2").unwrap().0)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            garage.fields.commune.as_str(),
            "61293",
            "by postcode and name"
        );
        assert_eq!(garage.fields.positions, 2);
        assert_eq!(garage.fields.duration_months, Some(24));
        assert_eq!(garage.fields.level.map(u8::from), Some(3));

        // France Travail's copy goes: La bonne alternance's is shown again.
        fake.lock().unwrap().offers.clear();
        fake.lock().unwrap().offers.push((
            "61".into(),
            "2026-11-20T10:00:00Z".into(),
            ft_offer("FT-2", "Coiffeur / Coiffeuse", "61214", "Salon Fictif"),
        ));
        let r = run(
            store,
            communes(),
            &ft,
            Trigger::CommandLine,
            &Progress::silent(),
        )
        .await
        .unwrap();
        assert_eq!(r.closed, 1, "{}", r.summary());
        let dup = store.get_offer(lba1).await.unwrap().unwrap();
        assert_eq!(dup.duplicate_of, None);
        assert!(dup.is_listed() || dup.status == tremplin_domain::OfferStatus::AValider);

        // La bonne alternance now says the garage's offer is a France Travail relay: left out,
        // and the copy we had is closed.
        fake.lock().unwrap().jobs[1]["identifier"]["partner_label"] = "France Travail".into();
        let r = lba(store, &base, &[laigle, (48.52, 0.547)]).await;
        assert_eq!(
            r.excluded.get("déjà apportée par France Travail"),
            Some(&1),
            "{}",
            r.summary()
        );
        assert_eq!(r.closed, 1, "{}", r.summary());

        // A refused token is said plainly.
        fake.lock().unwrap().script.push_back(Scripted::Status(401));
        let r = lba(store, &base, &[laigle]).await;
        assert!(r.error.unwrap().contains("identifiants refusés"));
    }
}
