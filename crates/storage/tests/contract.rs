//! The storage contract: every test runs on SQLite, and on PostgreSQL when
//! `TREMPLIN_TEST_POSTGRES_URL` is set, and must behave the same on both.

use chrono::{DateTime, TimeZone, Utc};
use tremplin_domain::{
    CodeInsee, CodeRome, Contact, ContractType, NiveauDiplome, OfferInput, OfferSource,
    OfferStatus, Siret, SourceKind, StartDate, Telephone,
};
use tremplin_storage::testing::{TestDb, backends};
use tremplin_storage::{CompanyRecord, StoreError, Territory, UpsertOutcome};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

fn offer(ext: &str) -> OfferInput {
    OfferInput {
        title: "Boulanger/Boulangère".into(),
        description: "Pétrissage, façonnage et cuisson du pain au fournil, dès 5 h du matin."
            .into(),
        rome_codes: vec![
            CodeRome::parse("D1102").unwrap(),
            CodeRome::parse("D1104").unwrap(),
        ],
        company_name: "Boulangerie du Four Fictif".into(),
        siret: Some(Siret::parse("12345678000014").unwrap()),
        commune: CodeInsee::parse("61214").unwrap(),
        address: Some("3 rue du Fournil".into()),
        contract_type: ContractType::Apprentissage,
        level: Some(NiveauDiplome::new(3).unwrap()),
        diploma_label: Some("CAP Boulanger".into()),
        start: StartDate::On(chrono::NaiveDate::from_ymd_opt(2027, 9, 1).unwrap()),
        duration_months: Some(24),
        positions: 2,
        rqth: true,
        driving_licence: false,
        cfa: None,
        contact: Contact {
            phone: Some(Telephone::parse("0261910000").unwrap()),
            ..Contact::default()
        },
        source: OfferSource {
            kind: SourceKind::Import,
            name: "csv".into(),
            external_id: Some(ext.into()),
            url: None,
        },
    }
}

#[tokio::test]
async fn an_offer_round_trips_field_for_field() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let cfa = db
            .store
            .save_training_centre(
                "CFA du Test",
                &CodeInsee::parse("61001").unwrap(),
                "CAP Boulanger",
                None,
            )
            .await
            .unwrap();
        let mut input = offer("x1");
        input.cfa = Some("cfa du test".into());
        let (id, outcome) = db
            .store
            .upsert_offer(&input, OfferStatus::Publiee, now())
            .await
            .unwrap();
        assert_eq!(outcome, UpsertOutcome::Created, "{backend}");
        let stored = db.store.get_offer(id).await.unwrap().unwrap();
        input.cfa = Some("CFA du Test".into());
        assert_eq!(stored.fields, input, "{backend}");
        assert_eq!(stored.status, OfferStatus::Publiee);
        assert_eq!(stored.cfa_id, Some(cfa));
        assert_eq!(stored.published_at, Some(now()), "{backend}");
        assert_eq!(stored.created_at, now());
        assert!(db.store.get_offer(id + 1000).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn upsert_is_keyed_by_source_and_external_id_and_idempotent() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let (id, o) = db
            .store
            .upsert_offer(&offer("a"), OfferStatus::AValider, now())
            .await
            .unwrap();
        assert_eq!(o, UpsertOutcome::Created);
        let rev = db.store.current_revision().await.unwrap();

        let (same, o) = db
            .store
            .upsert_offer(&offer("a"), OfferStatus::AValider, now())
            .await
            .unwrap();
        assert_eq!((same, o), (id, UpsertOutcome::Unchanged), "{backend}");
        assert_eq!(
            db.store.current_revision().await.unwrap(),
            rev,
            "an unchanged upsert must not bump the revision"
        );

        let mut changed = offer("a");
        changed.positions = 3;
        let (same, o) = db
            .store
            .upsert_offer(&changed, OfferStatus::AValider, now())
            .await
            .unwrap();
        assert_eq!((same, o), (id, UpsertOutcome::Updated));
        assert_eq!(
            db.store
                .get_offer(id)
                .await
                .unwrap()
                .unwrap()
                .fields
                .positions,
            3
        );

        // Same external id from another source is another offer.
        let mut other = offer("a");
        other.source.name = "france-travail".into();
        let (other_id, o) = db
            .store
            .upsert_offer(&other, OfferStatus::AValider, now())
            .await
            .unwrap();
        assert_eq!(o, UpsertOutcome::Created);
        assert_ne!(other_id, id);
        // Both offers share one company, found by SIRET.
        assert_eq!(db.store.count_companies().await.unwrap(), 1, "{backend}");
    }
}

#[tokio::test]
async fn every_change_increases_the_revision_and_feeds_the_index() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let start = db.store.current_revision().await.unwrap();
        let (a, _) = db
            .store
            .upsert_offer(&offer("a"), OfferStatus::Publiee, now())
            .await
            .unwrap();
        let (b, _) = db
            .store
            .upsert_offer(&offer("b"), OfferStatus::Publiee, now())
            .await
            .unwrap();
        assert!(
            db.store
                .set_offer_status(a, OfferStatus::Retiree, now())
                .await
                .unwrap()
        );
        assert!(
            !db.store
                .set_offer_status(9999, OfferStatus::Retiree, now())
                .await
                .unwrap()
        );

        let feed = db.store.offers_changed_since(start, 100).await.unwrap();
        let order: Vec<(i64, OfferStatus)> = feed.iter().map(|o| (o.id, o.status)).collect();
        assert_eq!(
            order,
            [(b, OfferStatus::Publiee), (a, OfferStatus::Retiree)],
            "{backend}"
        );
        assert!(feed[0].revision < feed[1].revision);
        let last = feed[1].revision;
        assert!(
            db.store
                .offers_changed_since(last, 100)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            db.store.offers_changed_since(start, 1).await.unwrap().len(),
            1
        );
    }
}

#[tokio::test]
async fn invalid_offers_and_unknown_training_centres_store_nothing() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let mut bad = offer("a");
        bad.contact = Contact::default();
        assert!(matches!(
            db.store
                .upsert_offer(&bad, OfferStatus::Publiee, now())
                .await,
            Err(StoreError::Invalid(_))
        ));
        let mut unknown_cfa = offer("b");
        unknown_cfa.cfa = Some("CFA Imaginaire".into());
        let err = db
            .store
            .upsert_offer(&unknown_cfa, OfferStatus::Publiee, now())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("CFA Imaginaire"), "{err}");
        assert_eq!(
            db.store.offers_changed_since(0, 10).await.unwrap().len(),
            0,
            "{backend}"
        );
        assert_eq!(
            db.store.count_companies().await.unwrap(),
            0,
            "a refused offer leaves no company behind"
        );
    }
}

#[tokio::test]
async fn territory_companies_and_centres() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        assert!(db.store.territory().await.unwrap().is_none());
        let mut t = Territory {
            id: 0,
            name: "ML Test".into(),
            short_name: "Test".into(),
            publication_weekday: 4,
            publication_time: "09:00".into(),
            contact_email: None,
            address: None,
            epcis: vec!["200068468".into(), "200036069".into()],
        };
        let id = db.store.save_territory(&t).await.unwrap();
        t.epcis = vec!["200036069".into()];
        assert_eq!(db.store.save_territory(&t).await.unwrap(), id);
        let got = db.store.territory().await.unwrap().unwrap();
        assert_eq!(got.epcis, ["200036069"], "{backend}");

        let company = CompanyRecord {
            siret: Siret::parse("12345678000014").unwrap(),
            name: "Garage des Essais".into(),
            naf: Some("45.20A".into()),
            commune: CodeInsee::parse("61214").unwrap(),
            address: None,
            contacts: vec![],
        };
        let c1 = db.store.save_company(&company, now()).await.unwrap();
        assert_eq!(db.store.save_company(&company, now()).await.unwrap(), c1);

        let commune = CodeInsee::parse("61001").unwrap();
        let cfa = db
            .store
            .save_training_centre("3IFA", &commune, "CAP A|BP B", None)
            .await
            .unwrap();
        assert_eq!(
            db.store
                .save_training_centre("3IFA", &commune, "CAP A|BP B|CAP C", None)
                .await
                .unwrap(),
            cfa
        );
        let centre = db.store.training_centre(cfa).await.unwrap().unwrap();
        assert_eq!(
            centre.diploma_list().collect::<Vec<_>>(),
            ["CAP A", "BP B", "CAP C"]
        );
    }
}

#[tokio::test]
async fn official_commune_centres_are_kept_and_reindex_offers() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        db.store
            .upsert_offer(&offer("a"), OfferStatus::Publiee, now())
            .await
            .unwrap();
        let before = db.store.current_revision().await.unwrap();
        let centres = vec![
            ("61214".to_owned(), 48.765, 0.628),
            ("61293".to_owned(), 48.52, 0.547),
        ];
        db.store
            .save_commune_centres(&centres, now())
            .await
            .unwrap();
        db.store
            .save_commune_centres(&centres[..1], now())
            .await
            .unwrap();
        let mut got = db.store.commune_centres().await.unwrap();
        got.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(got, centres, "{backend}");
        assert_eq!(
            db.store
                .offers_changed_since(before, 10)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn unknown_database_schemes_are_refused() {
    let err = tremplin_storage::Store::connect("mysql://localhost/x")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("« mysql »"), "{err}");
}

#[tokio::test]
async fn offers_load_in_the_order_asked() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let (a, _) = db
            .store
            .upsert_offer(&offer("a"), OfferStatus::Publiee, now())
            .await
            .unwrap();
        let (b, _) = db
            .store
            .upsert_offer(&offer("b"), OfferStatus::Publiee, now())
            .await
            .unwrap();
        let got: Vec<i64> = db
            .store
            .get_offers(&[b, 12345, a])
            .await
            .unwrap()
            .iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(got, [b, a], "{backend}");
        assert!(db.store.get_offers(&[]).await.unwrap().is_empty());
    }
}
