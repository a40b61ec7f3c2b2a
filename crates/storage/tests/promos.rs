//! The storage contract of young people's records and promos, on SQLite and on PostgreSQL
//! when `TREMPLIN_TEST_POSTGRES_URL` is set.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use tremplin_domain::application::{ApplicationInput, Mobility};
use tremplin_domain::promo::{MilestoneInput, MilestoneKind, PromoInput};
use tremplin_domain::young::{YoungPersonInput, YoungStatus};
use tremplin_domain::{
    CodeInsee, CodeRome, Contact, ContractType, Email, OfferInput, OfferSource, OfferStatus,
    SourceKind, StartDate, Telephone,
};
use tremplin_storage::Role;
use tremplin_storage::testing::{TestDb, backends};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap()
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn young(first: &str, email: Option<&str>, counselor: Option<i64>) -> YoungPersonInput {
    YoungPersonInput {
        first_name: first.into(),
        last_name: "Fictif".into(),
        birth_date: NaiveDate::from_ymd_opt(2009, 3, 1).unwrap(),
        email: email.map(|e| Email::parse(e).unwrap()),
        phone: Some(Telephone::parse("0612345678").unwrap()),
        guardian_name: Some("Parent Fictif".into()),
        guardian_email: Some(Email::parse("parent@example.org").unwrap()),
        guardian_phone: None,
        commune: CodeInsee::parse("61214").unwrap(),
        trades: vec![
            CodeRome::parse("D1102").unwrap(),
            CodeRome::parse("H2913").unwrap(),
        ],
        licence: true,
        vehicle: false,
        counselor_id: counselor,
        status: YoungStatus::EnSuivi,
        notes: "Motivée, cherche près de L'Aigle.".into(),
    }
}

fn offer() -> OfferInput {
    OfferInput {
        title: "Boulanger/Boulangère".into(),
        description: "Pétrissage, façonnage et cuisson du pain au fournil, dès 5 h du matin."
            .into(),
        rome_codes: vec![CodeRome::parse("D1102").unwrap()],
        company_name: "Boulangerie Fictive".into(),
        siret: None,
        commune: CodeInsee::parse("61214").unwrap(),
        address: None,
        contract_type: ContractType::Apprentissage,
        level: None,
        diploma_label: None,
        start: StartDate::Asap,
        duration_months: None,
        positions: 1,
        rqth: false,
        driving_licence: false,
        cfa: None,
        contact: Contact {
            email: Some(Email::parse("patron@example.org").unwrap()),
            ..Contact::default()
        },
        source: OfferSource {
            kind: SourceKind::Appel,
            name: "t".into(),
            external_id: Some("o1".into()),
            url: None,
        },
        location: None,
    }
}

fn application(email: &str) -> ApplicationInput {
    ApplicationInput {
        first_name: "Inès".into(),
        last_name: "Fictif".into(),
        email: Some(Email::parse(email).unwrap()),
        phone: None,
        commune: CodeInsee::parse("61214").unwrap(),
        birth_date: NaiveDate::from_ymd_opt(2009, 3, 1).unwrap(),
        mobility: Mobility::Aucune,
        message: String::new(),
    }
}

#[tokio::test]
async fn a_record_round_trips_is_found_by_its_person_and_erased_with_its_milestones() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let counselor = s
            .add_user("c@ml.example", "x", Role::Conseiller, None, now())
            .await
            .unwrap()
            .unwrap();
        let id = s
            .create_young_person(
                &young("Inès", Some("Ines@Example.org"), Some(counselor)),
                now(),
            )
            .await
            .unwrap();
        let other = s
            .create_young_person(&young("Théo", None, None), now())
            .await
            .unwrap();
        let y = s.young_person(id).await.unwrap().unwrap();
        assert_eq!(
            (
                y.email.as_deref(),
                y.rome_codes.as_str(),
                y.licence,
                y.vehicle,
                y.counselor_email.as_deref()
            ),
            (
                Some("ines@example.org"),
                "D1102|H2913",
                true,
                false,
                Some("c@ml.example")
            ),
            "{backend}"
        );
        assert_eq!(y.birth_date, NaiveDate::from_ymd_opt(2009, 3, 1).unwrap());
        assert_eq!(
            s.young_people(Some(counselor)).await.unwrap().len(),
            1,
            "{backend}"
        );
        assert_eq!(s.young_people(None).await.unwrap().len(), 2, "{backend}");
        let mut changed = young("Inès", Some("ines@example.org"), None);
        changed.status = YoungStatus::EnContrat;
        assert!(s.update_young_person(id, &changed, now()).await.unwrap());
        assert!(!s.update_young_person(9999, &changed, now()).await.unwrap());
        assert_eq!(
            s.young_person(id).await.unwrap().unwrap().status,
            "en_contrat"
        );
        // Found by their own e-mail, and by the guardian's.
        assert_eq!(
            s.young_people_of_person(Some("INES@example.org"), None)
                .await
                .unwrap()
                .len(),
            1,
            "{backend}"
        );
        assert_eq!(
            s.young_people_of_person(Some("parent@example.org"), None)
                .await
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            s.young_people_of_person(None, Some("0612345678"))
                .await
                .unwrap()
                .len(),
            2
        );

        let promo = s
            .create_promo(
                &PromoInput {
                    name: "Promo été".into(),
                    season_start: day(6, 1),
                    season_end: day(9, 30),
                    goal_date: day(9, 30),
                },
                &[counselor],
                now(),
            )
            .await
            .unwrap();
        s.add_promo_member(promo, id, day(6, 2)).await.unwrap();
        s.add_promo_member(promo, id, day(6, 3)).await.unwrap();
        s.add_promo_member(promo, other, day(6, 2)).await.unwrap();
        let cv = MilestoneInput {
            kind: MilestoneKind::CvPret,
            date: day(6, 5),
            company: None,
            cfa: None,
            offer_id: None,
            application_id: None,
        };
        s.record_milestone(promo, id, &cv, now()).await.unwrap();
        s.record_milestone(
            promo,
            id,
            &MilestoneInput {
                date: day(6, 6),
                ..cv.clone()
            },
            now(),
        )
        .await
        .unwrap();
        s.record_milestone(promo, other, &cv, now()).await.unwrap();
        let ms = s.milestones_of_young_person(id).await.unwrap();
        assert_eq!(ms.len(), 1, "recorded again, replaced ({backend})");
        assert_eq!(
            (ms[0].kind, ms[0].on_day),
            (MilestoneKind::CvPret, day(6, 6))
        );
        assert_eq!(
            s.promo_members(promo)
                .await
                .unwrap()
                .iter()
                .map(|m| m.joined_on)
                .collect::<Vec<_>>(),
            [day(6, 2), day(6, 2)]
        );
        assert_eq!(
            s.promo_counselors(promo).await.unwrap(),
            [(counselor, "c@ml.example".to_owned())]
        );
        assert_eq!(s.promos_of_young_person(id).await.unwrap().len(), 1);

        // Retention: untouched since before the cut and no milestone since.
        let later = now() + chrono::Duration::days(400);
        assert_eq!(
            s.young_people_to_forget(now()).await.unwrap(),
            Vec::<i64>::new()
        );
        assert_eq!(s.young_people_to_forget(later).await.unwrap(), [id, other]);

        s.delete_young_person(id).await.unwrap();
        assert!(s.young_person(id).await.unwrap().is_none());
        assert!(s.milestones_of_young_person(id).await.unwrap().is_empty());
        assert_eq!(s.promo_members(promo).await.unwrap().len(), 1, "{backend}");
        assert_eq!(
            s.promo_milestones(promo).await.unwrap().len(),
            1,
            "the other's stay"
        );
        s.remove_promo_member(promo, other).await.unwrap();
        assert!(s.promo_milestones(promo).await.unwrap().is_empty());
        assert!(
            s.young_person(other).await.unwrap().is_some(),
            "the record stays"
        );
    }
}

#[tokio::test]
async fn applications_show_on_the_record_by_email_or_attached_and_a_milestone_outlives_its_application()
 {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let offer = s
            .upsert_offer(&offer(), OfferStatus::Publiee, now())
            .await
            .unwrap()
            .0;
        let same = s
            .create_application(
                offer,
                &application("INES@example.org"),
                None,
                "f1",
                "e1",
                None,
                now(),
            )
            .await
            .unwrap();
        let elsewhere = s
            .create_application(
                offer,
                &application("autre@example.org"),
                None,
                "f2",
                "e2",
                None,
                now(),
            )
            .await
            .unwrap();
        let id = s
            .create_young_person(&young("Inès", Some("ines@example.org"), None), now())
            .await
            .unwrap();
        let ids = |v: Vec<tremplin_storage::applications::Application>| {
            v.into_iter().map(|a| a.id).collect::<Vec<_>>()
        };
        assert_eq!(
            ids(s.applications_of_young_person(id).await.unwrap()),
            [same],
            "{backend}"
        );
        s.attach_application(id, elsewhere).await.unwrap();
        s.attach_application(id, elsewhere).await.unwrap();
        assert_eq!(
            ids(s.applications_of_young_person(id).await.unwrap()),
            [same, elsewhere],
            "{backend}"
        );

        let promo = s
            .create_promo(
                &PromoInput {
                    name: "Promo".into(),
                    season_start: day(6, 1),
                    season_end: day(9, 30),
                    goal_date: day(9, 30),
                },
                &[],
                now(),
            )
            .await
            .unwrap();
        s.add_promo_member(promo, id, day(6, 1)).await.unwrap();
        let signed = MilestoneInput {
            kind: MilestoneKind::ContratSigne,
            date: day(6, 30),
            company: Some("Boulangerie Fictive".into()),
            cfa: Some("CFA".into()),
            offer_id: Some(offer),
            application_id: Some(same),
        };
        s.record_milestone(promo, id, &signed, now()).await.unwrap();
        // The application's own erasure (retention, request) leaves the milestone, unlinked.
        s.delete_application(same).await.unwrap();
        let ms = s.promo_milestones(promo).await.unwrap();
        assert_eq!(
            (ms[0].application_id, ms[0].offer_id),
            (None, Some(offer)),
            "{backend}"
        );
        assert_eq!(
            ids(s.applications_of_young_person(id).await.unwrap()),
            [elsewhere]
        );
        // A second promo with the same name is refused by the database.
        let again = s
            .create_promo(
                &PromoInput {
                    name: "Promo".into(),
                    season_start: day(6, 1),
                    season_end: day(9, 30),
                    goal_date: day(9, 30),
                },
                &[],
                now(),
            )
            .await;
        assert!(
            matches!(
                again,
                Err(tremplin_storage::StoreError::Constraint(
                    tremplin_storage::Constraint::Unique,
                    _
                ))
            ),
            "{backend}"
        );
    }
}
