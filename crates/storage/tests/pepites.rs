//! The pépites' storage contract, on SQLite and (with `TREMPLIN_TEST_POSTGRES_URL`) PostgreSQL.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use tremplin_domain::pepite::consent::{Scope, check};
use tremplin_domain::pepite::{Area, Portrait, PortraitInput};
use tremplin_storage::testing::{TestDb, backends};
use tremplin_storage::{MediaSlot, NewMeetingRequest, StoreError};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap()
}

fn portrait() -> Portrait {
    let input = PortraitInput {
        display_name: "Léa".into(),
        birth_date: "2009-05-01".into(),
        trades: vec!["D1102".into(), "D1104".into()],
        available_from: "2027-01-04".into(),
        licence: false,
        vehicle: true,
        radius_km: "25".into(),
        strengths: ["Ponctuelle".into(), "Souriante".into(), "Curieuse".into()],
        text: "J'aime le pain.".into(),
    };
    Portrait::parse(
        &input,
        Area::epci("200035913", "CC des Sources de l'Orne"),
        now().date_naive(),
    )
    .unwrap()
}

fn request(key: &str) -> NewMeetingRequest {
    NewMeetingRequest {
        company_name: "Boulangerie Fictive".into(),
        commune_code: "61001".into(),
        siret: None,
        contact_name: "M. Martin".into(),
        phone: None,
        email: Some(key.into()),
        message: "Bonjour".into(),
        sender_key: key.into(),
    }
}

#[tokio::test]
async fn a_pepite_its_consents_and_its_end() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let id = s.create_pepite(&portrait(), 2, None, now()).await.unwrap();
        let p = s.pepite(id).await.unwrap().unwrap();
        assert_eq!(
            (p.status.as_str(), p.display_name.as_str(), p.holders),
            ("brouillon", "Léa", 2),
            "{backend}"
        );
        assert_eq!(p.trade_codes().len(), 2);
        assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(2009, 5, 1).unwrap());
        assert!(p.vehicle && !p.licence);

        // Consents asked, given by two of three: not publishable, the second holder named.
        let today = now().date_naive();
        let until = today + Duration::days(180);
        for (signer, token) in [
            ("jeune", "h1"),
            ("titulaire_1", "h2"),
            ("titulaire_2", "h3"),
        ] {
            s.ask_pepite_consent(
                id,
                signer,
                "X",
                "mère",
                Some("x@example.org"),
                "en_ligne",
                token,
                now(),
            )
            .await
            .unwrap();
        }
        for token in ["h1", "h2"] {
            let c = s.pepite_consent_by_token(token).await.unwrap().unwrap();
            assert!(
                s.give_pepite_consent(c.id, today, true, false, until, "en_ligne", now())
                    .await
                    .unwrap()
            );
            assert!(
                !s.give_pepite_consent(c.id, today, true, false, until, "en_ligne", now())
                    .await
                    .unwrap()
            );
        }
        let domain = |cs: Vec<tremplin_storage::StoredConsent>| {
            cs.iter().filter_map(|c| c.to_domain()).collect::<Vec<_>>()
        };
        let consents = domain(s.pepite_consents(id).await.unwrap());
        let missing = check(true, 2, &consents, Scope::Tremplin, today).unwrap_err();
        assert_eq!(missing.signer.as_str(), "titulaire_2", "{backend}");
        let c3 = s.pepite_consent_by_token("h3").await.unwrap().unwrap();
        s.give_pepite_consent(c3.id, today, true, true, until, "papier", now())
            .await
            .unwrap();
        assert!(
            check(
                true,
                2,
                &domain(s.pepite_consents(id).await.unwrap()),
                Scope::Tremplin,
                today
            )
            .is_ok()
        );

        // Media, publication, a request.
        assert_eq!(
            s.set_pepite_media(
                id,
                MediaSlot::Video,
                Some("pepites/1/v-ab.mp4"),
                Some(("video/mp4", 2000)),
                now()
            )
            .await
            .unwrap(),
            None
        );
        s.set_pepite_media(
            id,
            MediaSlot::Poster,
            Some("pepites/1/p-ab.jpg"),
            None,
            now(),
        )
        .await
        .unwrap();
        assert!(s.set_pepite_published(id, true, now()).await.unwrap());
        assert_eq!(s.published_pepites().await.unwrap().len(), 1);
        let r = s
            .create_meeting_request(id, &request("rh@example.org"), now())
            .await
            .unwrap();
        assert_eq!(
            s.set_meeting_outcome(r, "rencontre", now()).await.unwrap(),
            Some(id)
        );
        assert_eq!(
            s.meeting_requests(Some(id)).await.unwrap()[0]
                .outcome
                .as_deref(),
            Some("rencontre")
        );

        // Withdrawal: ends it, clears keys, queues both files, leaves a tombstone.
        assert!(
            s.withdraw_pepite_consent(c3.id, today, now())
                .await
                .unwrap()
        );
        let keys = s
            .end_pepite(id, "retiree", "consentement retiré", now())
            .await
            .unwrap();
        assert_eq!(keys.len(), 2, "{backend}");
        assert!(
            s.end_pepite(id, "retiree", "again", now())
                .await
                .unwrap()
                .is_empty()
        );
        let p = s.pepite(id).await.unwrap().unwrap();
        assert!(p.media_keys().is_empty() && p.status == "retiree");
        assert!(s.published_pepites().await.unwrap().is_empty());
        assert_eq!(s.media_erasures().await.unwrap().len(), 2);
        s.media_erased("pepites/1/v-ab.mp4").await.unwrap();
        assert_eq!(
            s.media_erasures().await.unwrap(),
            vec!["pepites/1/p-ab.jpg".to_owned()]
        );
        let kinds: Vec<String> = s
            .pepite_events(id)
            .await
            .unwrap()
            .into_iter()
            .map(|(_, k, _)| k)
            .collect();
        assert_eq!(
            kinds,
            [
                "creee",
                "consentement",
                "consentement",
                "consentement",
                "publiee",
                "demande",
                "suite",
                "retrait",
                "retiree"
            ]
        );
        assert!(matches!(
            s.set_pepite_media(id, MediaSlot::Video, Some("x"), None, now())
                .await,
            Err(StoreError::Invalid(_))
        ));

        // Person lookup, then retention: the tombstone stays, without name.
        let (consents, requests) = s
            .pepite_records_of_person(Some("X@example.org"), None)
            .await
            .unwrap();
        assert_eq!((consents.len(), requests.len()), (3, 0));
        let (_, requests) = s
            .pepite_records_of_person(Some("rh@example.org"), None)
            .await
            .unwrap();
        assert_eq!(requests.len(), 1);
        assert!(s.pepites_to_forget(now()).await.unwrap().is_empty());
        assert_eq!(
            s.pepites_to_forget(now() + Duration::days(1))
                .await
                .unwrap(),
            vec![id]
        );
        s.delete_pepite(id).await.unwrap();
        assert!(s.pepite(id).await.unwrap().is_none());
        assert!(s.pepite_consents(id).await.unwrap().is_empty());
        assert_eq!(s.pepite_tombstones().await.unwrap().len(), 1, "{backend}");
    }
}

#[tokio::test]
async fn request_limits_per_sender_and_video_limits() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let id = s.create_pepite(&portrait(), 1, None, now()).await.unwrap();
        for _ in 0..3 {
            s.create_meeting_request(id, &request("a@example.org"), now())
                .await
                .unwrap();
        }
        let e = s
            .create_meeting_request(id, &request("a@example.org"), now())
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("déjà envoyé 3 demandes"),
            "{backend}: {e}"
        );
        s.create_meeting_request(id, &request("b@example.org"), now())
            .await
            .unwrap();
        assert_eq!(s.meeting_requests(None).await.unwrap().len(), 4);
        assert_eq!(s.pepite_video_limits().await.unwrap(), (150, 180));
    }
}

#[tokio::test]
async fn an_edition_keeps_the_weeks_picks_while_they_stay_published() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let picked = s.create_pepite(&portrait(), 1, None, now()).await.unwrap();
        let draft = s.create_pepite(&portrait(), 1, None, now()).await.unwrap();
        let other_week = s.create_pepite(&portrait(), 1, None, now()).await.unwrap();
        for id in [picked, other_week] {
            s.set_pepite_published(id, true, now()).await.unwrap();
        }
        s.set_pepite_featured(picked, Some("2026-W49"))
            .await
            .unwrap();
        s.set_pepite_featured(draft, Some("2026-W49"))
            .await
            .unwrap();
        s.set_pepite_featured(other_week, Some("2026-W48"))
            .await
            .unwrap();
        // Only the week's published pick; recording again changes nothing.
        assert_eq!(s.record_edition_pepites(7, "2026-W49").await.unwrap(), 1);
        assert_eq!(s.record_edition_pepites(7, "2026-W49").await.unwrap(), 1);
        let ids = |v: Vec<tremplin_storage::Pepite>| v.iter().map(|p| p.id).collect::<Vec<_>>();
        assert_eq!(
            ids(s.edition_pepites(7).await.unwrap()),
            vec![picked],
            "{backend}"
        );
        assert!(s.edition_pepites(8).await.unwrap().is_empty());
        // Withdrawn: out of the edition at once; forgotten: its link goes with it.
        s.end_pepite(picked, "retiree", "consentement retiré", now())
            .await
            .unwrap();
        assert!(s.edition_pepites(7).await.unwrap().is_empty(), "{backend}");
        s.delete_pepite(picked).await.unwrap();
        assert!(s.pepite(picked).await.unwrap().is_none());
    }
}
