//! The storage contract: every test runs on SQLite, and on PostgreSQL when
//! `TREMPLIN_TEST_POSTGRES_URL` is set, and must behave the same on both.

use chrono::{DateTime, TimeZone, Utc};
use tremplin_domain::{
    CodeInsee, CodeRome, Contact, ContractType, NiveauDiplome, OfferInput, OfferSource,
    OfferStatus, Siret, SourceKind, StartDate, Telephone,
};
use tremplin_storage::testing::{TestDb, backends, copy_offer};
use tremplin_storage::{
    CompanyRecord, EntryKind, FeedPosition, StoreError, Territory, UpsertOutcome,
};

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
        location: None,
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
        input.location = Some(tremplin_domain::GeoPoint::new(48.30391, 0.65307).unwrap());
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

        let feed = db
            .store
            .offers_changed_after(FeedPosition::after_revision(start), 100)
            .await
            .unwrap();
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
                .offers_changed_after(FeedPosition::after_revision(last), 100)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            db.store
                .offers_changed_after(FeedPosition::after_revision(start), 1)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn the_feed_pages_through_a_revision_larger_than_a_page() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let start = db.store.current_revision().await.unwrap();
        let (template, _) = db
            .store
            .upsert_offer(&offer("p0"), OfferStatus::Publiee, now())
            .await
            .unwrap();
        // Six offers under one revision, as one transaction writes them, read four at a time.
        let revision = copy_offer(&db.store, template, 6, "p").await.unwrap();
        let mut read = Vec::new();
        let mut after = FeedPosition::after_revision(start);
        loop {
            let page = db.store.offers_changed_after(after, 4).await.unwrap();
            let Some(last) = page.last() else { break };
            after = FeedPosition::after(last);
            read.extend(page.iter().map(|o| (o.revision, o.id)));
        }
        let mut expected = vec![(revision - 1, template)];
        expected.extend((1..=6).map(|i| (revision, template + i)));
        assert_eq!(read, expected, "{backend}");
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
            db.store
                .offers_changed_after(FeedPosition::after_revision(0), 10)
                .await
                .unwrap()
                .len(),
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
            publication_time: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            contact_email: None,
            address: None,
            phone: Some("02 33 24 00 00".into()),
            opening_hours: None,
            epcis: vec!["200068468".into(), "200036069".into()],
            reverify_weeks: 4,
            start_tolerance_days: 30,
            retention_months: 12,
        };
        let id = db.store.save_territory(&t).await.unwrap();
        t.epcis = vec!["200036069".into()];
        assert_eq!(db.store.save_territory(&t).await.unwrap(), id);
        let got = db.store.territory().await.unwrap().unwrap();
        assert_eq!(got.epcis, ["200036069"], "{backend}");
        assert_eq!(got.phone.as_deref(), Some("02 33 24 00 00"), "{backend}");
        db.store
            .update_territory_contact(id, Some("02 61 91 00 00"), Some("9 h – 17 h"))
            .await
            .unwrap();
        let got = db.store.territory().await.unwrap().unwrap();
        assert_eq!(
            (got.phone.as_deref(), got.opening_hours.as_deref()),
            (Some("02 61 91 00 00"), Some("9 h – 17 h")),
            "{backend}"
        );

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
async fn a_training_centre_that_moves_reindexes_its_offers() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let alencon = CodeInsee::parse("61001").unwrap();
        db.store
            .save_training_centre("3IFA", &alencon, "CAP Boulanger", None)
            .await
            .unwrap();
        let input = OfferInput {
            cfa: Some("3IFA".into()),
            ..offer("a")
        };
        let (id, _) = db
            .store
            .upsert_offer(&input, OfferStatus::Publiee, now())
            .await
            .unwrap();
        let got = db.store.get_offer(id).await.unwrap().unwrap();
        assert_eq!(got.cfa_commune.as_deref(), Some("61001"), "{backend}");
        let changed_since = |before| {
            let store = &db.store;
            async move {
                store
                    .offers_changed_after(FeedPosition::after_revision(before), 10)
                    .await
                    .unwrap()
            }
        };
        // Same commune, other diplomas: the offers do not carry them.
        let before = db.store.current_revision().await.unwrap();
        db.store
            .save_training_centre("3IFA", &alencon, "CAP Boulanger|BP Boulanger", None)
            .await
            .unwrap();
        assert!(changed_since(before).await.is_empty(), "{backend}");
        let laigle = CodeInsee::parse("61214").unwrap();
        db.store
            .save_training_centre("3IFA", &laigle, "CAP Boulanger", None)
            .await
            .unwrap();
        let changed = changed_since(before).await;
        assert_eq!(changed.len(), 1, "{backend}");
        assert_eq!(
            changed[0].cfa_commune.as_deref(),
            Some("61214"),
            "{backend}"
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
                .offers_changed_after(FeedPosition::after_revision(before), 10)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

/// Runs `sql` on the test database through a connection of its own (faults and checks that
/// the store's interface has no business offering).
async fn raw_sql(db: &TestDb, sql: &str) {
    if db.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::raw_sql(sql).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::raw_sql(sql).execute(&pool).await.unwrap();
        pool.close().await;
    }
}

#[tokio::test]
async fn closing_an_offer_gone_from_its_source_frees_its_id_in_the_same_transaction() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let (gone, _) = s
            .upsert_offer(&offer("gone"), OfferStatus::Publiee, now())
            .await
            .unwrap();
        let (held, _) = s
            .upsert_offer(&offer("held"), OfferStatus::Publiee, now())
            .await
            .unwrap();

        // Freeing the id fails (as a crash would cut it short): the offer is not closed either.
        raw_sql(
            &db,
            if backend == "sqlite" {
                "CREATE TRIGGER keep_ids BEFORE UPDATE OF external_id ON offers \
                 WHEN NEW.external_id IS NOT OLD.external_id BEGIN SELECT RAISE(ABORT, 'refusé'); END"
            } else {
                "CREATE FUNCTION keep_ids() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'refusé'; END $$; \
                 CREATE TRIGGER keep_ids BEFORE UPDATE OF external_id ON offers FOR EACH ROW \
                 WHEN (NEW.external_id IS DISTINCT FROM OLD.external_id) EXECUTE FUNCTION keep_ids()"
            },
        )
        .await;
        assert!(s.close_offer_gone_from_source(held, now()).await.is_err());
        let still = s.get_offer(held).await.unwrap().unwrap();
        assert_eq!(still.status, OfferStatus::Publiee, "{backend}");
        assert_eq!(still.fields.source.external_id.as_deref(), Some("held"));
        raw_sql(
            &db,
            if backend == "sqlite" {
                "DROP TRIGGER keep_ids"
            } else {
                "DROP TRIGGER keep_ids ON offers; DROP FUNCTION keep_ids()"
            },
        )
        .await;

        let before = s.current_revision().await.unwrap();
        assert_eq!(
            s.close_offer_gone_from_source(gone, now()).await.unwrap(),
            OfferStatus::Expiree,
            "{backend}"
        );
        let closed = s.get_offer(gone).await.unwrap().unwrap();
        assert_eq!(closed.status, OfferStatus::Expiree);
        assert_ne!(closed.fields.source.external_id.as_deref(), Some("gone"));
        assert_eq!(closed.revision, before + 1, "one write, one revision");
        // Listed again by its source: a new offer, the closed one stays closed.
        let (again, outcome) = s
            .upsert_offer(&offer("gone"), OfferStatus::Publiee, now())
            .await
            .unwrap();
        assert_eq!(outcome, UpsertOutcome::Created, "{backend}");
        assert_ne!(again, gone);
        // A closed offer cannot expire: refused, and its id is not touched again.
        assert!(matches!(
            s.close_offer_gone_from_source(gone, now()).await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.get_offer(gone)
                .await
                .unwrap()
                .unwrap()
                .fields
                .source
                .external_id,
            closed.fields.source.external_id
        );
    }
}

#[tokio::test]
async fn renaming_a_company_puts_its_offers_in_the_feed() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let (a, _) = s
            .upsert_offer(&offer("a"), OfferStatus::Publiee, now())
            .await
            .unwrap();
        let (b, _) = s
            .upsert_offer(&offer("b"), OfferStatus::AValider, now())
            .await
            .unwrap();
        let mut elsewhere = offer("c");
        elsewhere.siret = Some(Siret::parse("73282932000074").unwrap());
        elsewhere.company_name = "Autre Entreprise".into();
        s.upsert_offer(&elsewhere, OfferStatus::Publiee, now())
            .await
            .unwrap();
        let mut company = CompanyRecord {
            siret: Siret::parse("12345678000014").unwrap(),
            name: "Boulangerie du Four Fictif".into(),
            naf: Some("10.71C".into()),
            commune: CodeInsee::parse("61214").unwrap(),
            address: None,
            contacts: vec![],
        };
        let start = s.current_revision().await.unwrap();
        s.save_company(&company, now()).await.unwrap();
        let feed = |after| s.offers_changed_after(FeedPosition::after_revision(after), 10);
        assert!(
            feed(start).await.unwrap().is_empty(),
            "{backend}: same name, nothing to re-index"
        );

        company.name = "Fournil des Essais".into();
        s.save_company(&company, now()).await.unwrap();
        let changed = feed(start).await.unwrap();
        assert_eq!(
            changed.iter().map(|o| o.id).collect::<Vec<_>>(),
            [a, b],
            "{backend}: the company's offers, not the other one's"
        );
        assert!(
            changed
                .iter()
                .all(|o| o.fields.company_name == "Fournil des Essais")
        );
    }
}

#[tokio::test]
async fn planner_statistics_are_kept_current() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        for ext in ["a", "b", "c"] {
            db.store
                .upsert_offer(&offer(ext), OfferStatus::Publiee, now())
                .await
                .unwrap();
        }
        db.store.optimize().await.unwrap();
        db.store.optimize().await.unwrap();
        if backend == "sqlite" {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            let analysed: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'offers'")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            assert!(analysed > 0, "the offers table has statistics");
            pool.close().await;
        }
        db.store.close().await;
    }
}

#[tokio::test]
async fn a_sqlite_store_gathers_statistics_when_it_opens() {
    let db = TestDb::new("sqlite").await;
    db.store
        .upsert_offer(&offer("a"), OfferStatus::Publiee, now())
        .await
        .unwrap();
    let stats = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'";
    let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
    let before: i64 = sqlx::query_scalar(stats).fetch_one(&pool).await.unwrap();
    assert_eq!(before, 0, "a new database has none");
    let reopened = tremplin_storage::Store::connect(&db.url).await.unwrap();
    let after: i64 = sqlx::query_scalar(stats).fetch_one(&pool).await.unwrap();
    assert_eq!(after, 1);
    reopened.close().await;
    pool.close().await;
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

mod back_office {
    use super::*;
    use chrono::Duration;
    use tremplin_domain::lifecycle::{Action, Actor};
    use tremplin_storage::{OfferMeta, Role};

    fn partner_meta(org: i64) -> OfferMeta {
        OfferMeta {
            organisation_id: Some(org),
            user_id: None,
            validated: false,
        }
    }

    #[tokio::test]
    async fn life_cycle_is_enforced_and_every_change_is_kept() {
        for backend in backends() {
            let db = TestDb::new(backend).await;
            let s = &db.store;
            let org = s
                .add_organisation(
                    "France Travail",
                    tremplin_storage::OrganisationKind::Partenaire,
                    now(),
                )
                .await
                .unwrap();
            let (id, _) = s
                .upsert_offer_as(
                    &offer("p1"),
                    OfferStatus::AValider,
                    &partner_meta(org),
                    now(),
                )
                .await
                .unwrap();
            let o = s.get_offer(id).await.unwrap().unwrap();
            assert_eq!(
                (o.organisation_id, o.validated_at),
                (Some(org), None),
                "{backend}"
            );

            let e = s
                .apply_offer_action(
                    id,
                    Action::PublierMaintenant,
                    Actor::Partenaire,
                    None,
                    now(),
                )
                .await
                .unwrap_err();
            assert!(
                e.to_string().contains("partenaire ne peut pas publier"),
                "{e}"
            );
            assert_eq!(
                s.apply_offer_action(id, Action::Valider, Actor::Conseiller, None, now())
                    .await
                    .unwrap(),
                OfferStatus::AValider
            );
            assert!(
                s.get_offer(id)
                    .await
                    .unwrap()
                    .unwrap()
                    .validated_at
                    .is_some()
            );

            let mut changed = offer("p1");
            changed.title = "Boulanger·ère de nuit".into();
            assert!(s.update_offer(id, &changed, None, now()).await.unwrap());
            assert!(
                !s.update_offer(id, &changed, None, now()).await.unwrap(),
                "no change, no history line"
            );

            s.apply_offer_action(id, Action::Retirer, Actor::Partenaire, None, now())
                .await
                .unwrap();
            let e = s
                .apply_offer_action(
                    id,
                    Action::PublierMaintenant,
                    Actor::Conseiller,
                    None,
                    now(),
                )
                .await
                .unwrap_err();
            assert!(e.to_string().contains("close"));

            let history = s.offer_history(id).await.unwrap();
            let summaries: Vec<&str> = history.iter().map(|h| h.summary.as_str()).collect();
            assert_eq!(summaries[0], "Offre créée");
            assert_eq!(summaries[1], "Valider pour l'édition de jeudi");
            assert_eq!(summaries[2], "Modifiée : intitulé");
            assert_eq!(
                history[2].fields,
                [(
                    "intitulé".to_owned(),
                    "Boulanger/Boulangère".to_owned(),
                    "Boulanger·ère de nuit".to_owned()
                )]
            );
            assert_eq!(summaries[3], "Retirer : à valider → retirée");
            assert_eq!(history.len(), 4, "{backend}");
        }
    }

    #[tokio::test]
    async fn the_edition_publishes_what_was_validated_once_and_archives_it() {
        for backend in backends() {
            let db = TestDb::new(backend).await;
            let s = &db.store;
            let org = s
                .add_organisation(
                    "Partenaire",
                    tremplin_storage::OrganisationKind::Partenaire,
                    now(),
                )
                .await
                .unwrap();
            let (validated, _) = s
                .upsert_offer(&offer("v"), OfferStatus::AValider, now())
                .await
                .unwrap();
            let (waiting, _) = s
                .upsert_offer_as(
                    &offer("w"),
                    OfferStatus::AValider,
                    &partner_meta(org),
                    now(),
                )
                .await
                .unwrap();
            let (live, _) = s
                .upsert_offer(
                    &offer("l"),
                    OfferStatus::Publiee,
                    now() - Duration::days(30),
                )
                .await
                .unwrap();

            let preview = s.edition_preview().await.unwrap();
            assert_eq!(
                preview
                    .of_kind(&EntryKind::New)
                    .iter()
                    .map(|e| e.offer_id)
                    .collect::<Vec<_>>(),
                [validated, live],
                "{backend}"
            );

            // The dashboard's counts agree with the preview's lists.
            let p = s.edition_preview().await.unwrap();
            let kinds = |k: &EntryKind| p.of_kind(k).len() as i64;
            assert_eq!(
                s.edition_preview_counts().await.unwrap(),
                (
                    kinds(&EntryKind::New),
                    kinds(&EntryKind::Updated),
                    kinds(&EntryKind::Removed)
                ),
                "{backend}"
            );
            let e1 = s
                .publish_edition("2026-11-26T09:00:00+01:00", now(), None)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(e1.number, 1);
            assert_eq!(
                s.get_offer(validated).await.unwrap().unwrap().status,
                OfferStatus::Publiee
            );
            assert_eq!(
                s.get_offer(waiting).await.unwrap().unwrap().status,
                OfferStatus::AValider,
                "not validated: waits"
            );
            assert!(
                s.publish_edition("2026-11-26T09:00:00+01:00", now(), None)
                    .await
                    .unwrap()
                    .is_none(),
                "once a slot"
            );

            // During the week: one offer changes, one is withdrawn, one goes unconfirmed.
            let later = now() + Duration::days(3);
            let mut changed = offer("l");
            changed.positions = 5;
            s.update_offer(live, &changed, None, later).await.unwrap();
            s.apply_offer_action(validated, Action::Pourvoir, Actor::Conseiller, None, later)
                .await
                .unwrap();
            s.apply_offer_action(waiting, Action::Valider, Actor::Conseiller, None, later)
                .await
                .unwrap();
            let (reverify, expired) = s
                .apply_deadlines(
                    later,
                    chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                    later,
                )
                .await
                .unwrap();
            assert_eq!(
                (reverify, expired),
                (1, 0),
                "{backend}: the live offer was last verified 30+ days ago"
            );

            // The dashboard's counts agree with the preview's lists.
            let p = s.edition_preview().await.unwrap();
            let kinds = |k: &EntryKind| p.of_kind(k).len() as i64;
            assert_eq!(
                s.edition_preview_counts().await.unwrap(),
                (
                    kinds(&EntryKind::New),
                    kinds(&EntryKind::Updated),
                    kinds(&EntryKind::Removed)
                ),
                "{backend}"
            );
            let e2 = s
                .publish_edition("2026-12-03T09:00:00+01:00", now() + Duration::days(7), None)
                .await
                .unwrap()
                .unwrap();
            let kinds: Vec<(i64, &str)> = e2
                .entries
                .iter()
                .map(|e| (e.offer_id, e.kind.as_str()))
                .collect();
            assert!(kinds.contains(&(waiting, "nouvelle")), "{kinds:?}");
            assert!(kinds.contains(&(validated, "retiree")), "{kinds:?}");
            assert!(
                kinds.contains(&(live, "retiree")),
                "unconfirmed offers leave at the edition: {kinds:?}"
            );
            assert_eq!(
                s.get_offer(live).await.unwrap().unwrap().status,
                OfferStatus::Expiree
            );
            let archived = s.edition(2).await.unwrap().unwrap();
            assert_eq!(archived.entries.len(), e2.entries.len());
            assert_eq!(
                s.editions(10)
                    .await
                    .unwrap()
                    .iter()
                    .map(|e| e.number)
                    .collect::<Vec<_>>(),
                [2, 1]
            );
        }
    }

    #[tokio::test]
    async fn accounts_sessions_and_throttling() {
        for backend in backends() {
            let db = TestDb::new(backend).await;
            let s = &db.store;
            let id = s
                .add_user("Conseil@ML.example", "hash", Role::Conseiller, None, now())
                .await
                .unwrap()
                .unwrap();
            assert!(
                s.add_user("conseil@ml.example", "hash", Role::Admin, None, now())
                    .await
                    .unwrap()
                    .is_none(),
                "email taken"
            );
            let (user, hash) = s
                .user_for_login(" CONSEIL@ml.example")
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                (user.id, user.role, hash.as_str()),
                (id, Role::Conseiller, "hash")
            );

            s.create_session("tokhash", id, "csrf1", 1_000, 2_000)
                .await
                .unwrap();
            assert_eq!(
                s.session("tokhash", 1_500).await.unwrap().unwrap().csrf,
                "csrf1"
            );
            assert!(
                s.session("tokhash", 2_000).await.unwrap().is_none(),
                "{backend}: expired"
            );
            s.delete_session("tokhash").await.unwrap();
            assert!(s.session("tokhash", 1_500).await.unwrap().is_none());

            let keys = ["email:x".to_owned(), "ip:1.2.3.4".to_owned()];
            for t in 0..3 {
                s.record_login_failure(&keys, 10_000 + t).await.unwrap();
            }
            assert_eq!(s.login_failures("email:x", 9_000).await.unwrap(), 3);
            assert_eq!(s.login_failures("email:x", 10_001).await.unwrap(), 1);
            s.clear_login_failures("email:x").await.unwrap();
            assert_eq!(s.login_failures("email:x", 0).await.unwrap(), 0);
            assert_eq!(s.login_failures("ip:1.2.3.4", 0).await.unwrap(), 3);

            s.audit(now(), Some(id), "connexion", "réussie", Some("1.2.3.4"))
                .await
                .unwrap();
            let log = s.audit_log(10).await.unwrap();
            assert_eq!(log[0].user_email.as_deref(), Some("conseil@ml.example"));
        }
    }
}

mod network {
    use super::*;
    use chrono::NaiveDate;
    use tremplin_domain::network::CallInput;
    use tremplin_storage::{CompanyFilter, OrganisationKind};

    fn company(siret: &str, name: &str, naf: &str, commune: &str) -> CompanyRecord {
        CompanyRecord {
            siret: Siret::parse(siret).unwrap(),
            name: name.into(),
            naf: Some(naf.into()),
            commune: CodeInsee::parse(commune).unwrap(),
            address: None,
            contacts: vec![tremplin_storage::CompanyContact {
                name: "Martine".into(),
                role: Some("Gérante".into()),
                phone: None,
                email: None,
            }],
        }
    }

    #[tokio::test]
    async fn companies_calls_and_the_worklist() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        for backend in backends() {
            let db = TestDb::new(backend).await;
            let s = &db.store;
            let bakery = s
                .add_company(
                    &company("12345678000014", "Boulangerie du Four", "10.71C", "61214"),
                    "",
                    "",
                    now(),
                )
                .await
                .unwrap();
            let garage = s
                .add_company(
                    &company("73282932000074", "Garage des Essais", "45.20A", "61293"),
                    "",
                    "",
                    now(),
                )
                .await
                .unwrap();
            let e = s
                .add_company(
                    &company("12345678000014", "Doublon", "10.71C", "61214"),
                    "",
                    "",
                    now(),
                )
                .await
                .unwrap_err();
            assert!(
                e.to_string()
                    .contains("déjà ce SIRET : Boulangerie du Four"),
                "{e}"
            );

            let call = CallInput::parse(
                "rappeler",
                "Rappeler le patron",
                "2026-11-25",
                NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            )
            .unwrap();
            s.record_call(bakery, &call, None, now()).await.unwrap();
            assert!(s.record_call(9999, &call, None, now()).await.is_err());

            let due = s.calls_due(today).await.unwrap();
            assert_eq!(
                due.iter().map(|c| c.id).collect::<Vec<_>>(),
                [bakery],
                "{backend}"
            );
            assert_eq!(due[0].last_outcome_label(), "Rappeler");
            assert!(
                s.calls_due(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap())
                    .await
                    .unwrap()
                    .is_empty()
            );

            let never = s
                .companies(&CompanyFilter {
                    never_called: true,
                    ..Default::default()
                })
                .await
                .unwrap();
            assert_eq!(never.iter().map(|c| c.id).collect::<Vec<_>>(), [garage]);
            let bakeries = s
                .companies(&CompanyFilter {
                    naf: Some("10.71".into()),
                    ..Default::default()
                })
                .await
                .unwrap();
            assert_eq!(bakeries.len(), 1);
            let by_name = s
                .companies(&CompanyFilter {
                    name: Some("GARAGE".into()),
                    commune: Some("61293".into()),
                    ..Default::default()
                })
                .await
                .unwrap();
            assert_eq!(by_name.iter().map(|c| c.id).collect::<Vec<_>>(), [garage]);
            assert!(
                s.companies(&CompanyFilter {
                    with_open_offers: true,
                    ..Default::default()
                })
                .await
                .unwrap()
                .is_empty()
            );

            let detail = s.company(bakery).await.unwrap().unwrap();
            assert_eq!(detail.contacts[0].name, "Martine");
            assert_eq!(detail.calls[0].notes, "Rappeler le patron");
            assert_eq!(
                detail.calls[0].next_call_on,
                NaiveDate::from_ymd_opt(2026, 11, 25)
            );

            let org = s
                .add_organisation("Partenaire", OrganisationKind::Partenaire, now())
                .await
                .unwrap();
            s.create_api_token(org, "h1", "essai", now()).await.unwrap();
            assert_eq!(
                s.api_token_organisation("h1", now()).await.unwrap(),
                Some((org, "Partenaire".to_owned()))
            );
            let t = &s.api_tokens().await.unwrap()[0];
            assert_eq!(t.last_used_at, Some(now()), "{backend}");
            assert!(s.revoke_api_token(t.id, now()).await.unwrap());
            assert!(
                s.api_token_organisation("h1", now())
                    .await
                    .unwrap()
                    .is_none()
            );
        }
    }
}

mod mail {
    use super::*;
    use tremplin_storage::Role;

    #[tokio::test]
    async fn the_outbox_hands_each_message_to_one_worker_and_retries_failures() {
        for backend in backends() {
            let db = TestDb::new(backend).await;
            let s = &db.store;
            let a = s
                .enqueue_mail("a@exemple.fr", "Sujet A", "Texte", None, now())
                .await
                .unwrap();
            let b = s
                .enqueue_mail(
                    "b@exemple.fr",
                    "Sujet B",
                    "Texte",
                    Some("<p>Texte</p>"),
                    now(),
                )
                .await
                .unwrap();
            let t = now().timestamp();
            let first = s.claim_mail(t, 60).await.unwrap().unwrap();
            let second = s.claim_mail(t, 60).await.unwrap().unwrap();
            assert_eq!((first.id, second.id), (a, b), "{backend}");
            assert!(
                s.claim_mail(t, 60).await.unwrap().is_none(),
                "both are leased"
            );

            s.mail_failed(a, "connexion refusée", t + 30).await.unwrap();
            s.mail_sent(b, now()).await.unwrap();
            assert!(
                s.claim_mail(t + 10, 60).await.unwrap().is_none(),
                "not due yet"
            );
            let retry = s.claim_mail(t + 31, 60).await.unwrap().unwrap();
            assert_eq!((retry.id, retry.attempts), (a, 1));
            // A worker that died: its lease runs out and another takes the message.
            let again = s.claim_mail(t + 31 + 61, 60).await.unwrap().unwrap();
            assert_eq!(again.id, a);
            s.mail_sent(a, now()).await.unwrap();
            assert_eq!(s.mail_counts().await.unwrap(), (0, 2));
            assert!(s.claim_mail(t + 10_000, 60).await.unwrap().is_none());
        }
    }

    /// Erasure takes every message to the person and the sent ones that name them, never a
    /// message still to send to someone else; retention takes what was sent long ago.
    #[tokio::test]
    async fn a_persons_messages_are_erased_and_sent_ones_are_forgotten_in_time() {
        for backend in backends() {
            let db = TestDb::new(backend).await;
            let s = &db.store;
            let person = "Jeanne.D_x@exemple.fr";
            let to_her = s
                .enqueue_mail(person, "Inscription", "Bonjour", None, now())
                .await
                .unwrap();
            let notice = s
                .enqueue_mail(
                    "orga@ml.fr",
                    "Nouvelle inscription",
                    "De jeanne.d_x@exemple.fr",
                    None,
                    now(),
                )
                .await
                .unwrap();
            // "_" is a wildcard of LIKE: this other address must not be taken for hers.
            let other = s
                .enqueue_mail(
                    "orga@ml.fr",
                    "Nouvelle inscription",
                    "De jeanne.dax@exemple.fr",
                    None,
                    now(),
                )
                .await
                .unwrap();
            let pending = s
                .enqueue_mail(
                    "autre@ml.fr",
                    "À envoyer",
                    "Au sujet de jeanne.d_x@exemple.fr",
                    None,
                    now(),
                )
                .await
                .unwrap();
            for id in [to_her, notice, other] {
                s.mail_sent(id, now()).await.unwrap();
            }
            assert_eq!(
                s.forget_mail_of_person("  jeanne.d_x@EXEMPLE.fr ")
                    .await
                    .unwrap(),
                2,
                "{backend}"
            );
            assert_eq!(s.mail_counts().await.unwrap(), (1, 1), "{backend}");
            let day = chrono::Duration::days(1);
            assert_eq!(
                s.forget_sent_mail(now() - day).await.unwrap(),
                0,
                "{backend}: too recent"
            );
            assert_eq!(
                s.forget_sent_mail(now() + day).await.unwrap(),
                1,
                "{backend}"
            );
            // The message still to send is there, and is the one a worker gets.
            assert_eq!(s.mail_counts().await.unwrap(), (1, 0), "{backend}");
            let left = s.claim_mail(now().timestamp(), 60).await.unwrap().unwrap();
            assert_eq!(left.id, pending, "{backend}");
        }
    }

    #[tokio::test]
    async fn one_time_links_expire_and_work_once() {
        for backend in backends() {
            let db = TestDb::new(backend).await;
            let s = &db.store;
            s.create_account_token(
                "h",
                "invitation",
                "x@ml.example",
                None,
                Some(Role::Conseiller),
                None,
                1_000,
            )
            .await
            .unwrap();
            assert!(
                s.account_token("h", "reinitialisation", 500)
                    .await
                    .unwrap()
                    .is_none(),
                "{backend}: wrong purpose"
            );
            assert!(
                s.account_token("h", "invitation", 1_000)
                    .await
                    .unwrap()
                    .is_none(),
                "expired"
            );
            let t = s
                .account_token("h", "invitation", 500)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                (t.email.as_str(), t.role),
                ("x@ml.example", Some(Role::Conseiller))
            );
            assert!(s.use_account_token("h", 600).await.unwrap());
            assert!(!s.use_account_token("h", 601).await.unwrap());
            assert!(
                s.account_token("h", "invitation", 700)
                    .await
                    .unwrap()
                    .is_none()
            );
        }
    }
}

/// A partner's change to a validated offer: held without touching the offer, replaced by a
/// newer one, accepted through the normal update (history, revision) or refused, dropped when
/// the offer closes; a stale answer is refused.
#[tokio::test]
async fn pending_revisions_wait_replace_and_apply() {
    use tremplin_domain::revision::{changes, to_record};
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let (id, _) = s
            .upsert_offer(&offer("p1"), OfferStatus::Publiee, now())
            .await
            .unwrap();
        let stored = s.get_offer(id).await.unwrap().unwrap();
        let mut proposed = stored.fields.clone();
        proposed.title = "Pâtissier/Pâtissière".into();
        let diff = changes(&to_record(&stored.fields), &to_record(&proposed));
        let revision = s.current_revision().await.unwrap();
        let first = s
            .propose_offer_revision(id, &proposed, &diff, None, None, now())
            .await
            .unwrap();
        assert_eq!(
            s.current_revision().await.unwrap(),
            revision,
            "{backend}: nothing public changed"
        );
        assert_eq!(s.get_offer(id).await.unwrap().unwrap(), stored);
        assert_eq!(
            s.propose_offer_revision(id, &proposed, &diff, None, None, now())
                .await
                .unwrap(),
            first,
            "the same change again is the same change"
        );
        let pending = s.pending_revision(id).await.unwrap().unwrap();
        assert_eq!(pending.record, to_record(&proposed));
        assert_eq!(pending.submitted_at, now());

        proposed.positions = 3;
        let second = s
            .propose_offer_revision(id, &proposed, &diff, None, None, now())
            .await
            .unwrap();
        assert_ne!(first, second);
        assert_eq!(
            s.pending_revisions(None, 10).await.unwrap().len(),
            1,
            "replaced"
        );
        let stale = s
            .accept_offer_revision(id, first, &proposed, None, now())
            .await
            .unwrap_err();
        assert!(
            matches!(stale, StoreError::Invalid(_)),
            "{backend}: {stale}"
        );

        assert!(
            s.accept_offer_revision(id, second, &proposed, None, now())
                .await
                .unwrap()
        );
        let after = s.get_offer(id).await.unwrap().unwrap();
        assert_eq!(
            (after.fields.title.as_str(), after.fields.positions),
            ("Pâtissier/Pâtissière", 3)
        );
        assert!(after.revision > revision, "the index follows");
        assert!(s.pending_revision(id).await.unwrap().is_none());
        let history: Vec<String> = s
            .offer_history(id)
            .await
            .unwrap()
            .into_iter()
            .map(|h| h.summary)
            .collect();
        assert!(
            history
                .iter()
                .any(|h| h == "Modification proposée acceptée")
        );
        assert!(
            history.iter().any(|h| h.starts_with("Modifiée : ")),
            "{history:?}"
        );

        // Refused: the offer stays as it is.
        let mut other = after.fields.clone();
        other.title = "Chocolatier/Chocolatière".into();
        let third = s
            .propose_offer_revision(id, &other, &diff, None, None, now())
            .await
            .unwrap();
        s.refuse_offer_revision(id, third, "  ", None, now())
            .await
            .unwrap();
        assert_eq!(
            s.get_offer(id).await.unwrap().unwrap().fields.title,
            "Pâtissier/Pâtissière"
        );
        assert!(s.pending_revision(id).await.unwrap().is_none());
        assert!(
            s.refuse_offer_revision(id, third, "", None, now())
                .await
                .is_err()
        );

        // Expired by the deadlines: the change goes with the offer.
        s.propose_offer_revision(id, &other, &diff, None, None, now())
            .await
            .unwrap();
        s.apply_deadlines(
            now(),
            chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
            now(),
        )
        .await
        .unwrap();
        assert_eq!(
            s.get_offer(id).await.unwrap().unwrap().status,
            OfferStatus::Expiree
        );
        assert!(
            s.pending_revisions(None, 10).await.unwrap().is_empty(),
            "{backend}"
        );
        assert!(
            s.offer_history(id)
                .await
                .unwrap()
                .iter()
                .any(|h| h.summary == "Modification proposée abandonnée : l'offre est close")
        );
        assert!(
            s.propose_offer_revision(id, &other, &diff, None, None, now())
                .await
                .is_err(),
            "closed"
        );
    }
}

/// A contact stored under older, looser rules (an address the mail library refuses) does not
/// make its offer unreadable, nor stop the change feed the indexes follow.
#[tokio::test]
async fn a_contact_stored_under_older_rules_is_dropped_not_fatal() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let (id, _) = s
            .upsert_offer(&offer("old"), OfferStatus::Publiee, now())
            .await
            .unwrap();
        s.upsert_offer(&offer("other"), OfferStatus::Publiee, now())
            .await
            .unwrap();
        raw_sql(
            &db,
            &format!("UPDATE offers SET contact_email = 'jean..dupont@orange.fr' WHERE id = {id}"),
        )
        .await;
        let o = s.get_offer(id).await.unwrap().expect("still readable");
        assert_eq!(o.fields.contact.email, None, "{backend}");
        let feed = s
            .offers_changed_after(FeedPosition::after_revision(0), 100)
            .await
            .unwrap();
        assert_eq!(feed.len(), 2, "{backend}: the feed goes on");
    }
}
