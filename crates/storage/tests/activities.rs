//! Activities and registrations on both engines: seats then the waiting list, the waiting list
//! moving up exactly once, the limits, attendance, reminders claimed once, a person's
//! registrations found and erased, the SEQUENCE bumped by edits and cancellation.

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::HashMap;
use tremplin_domain::activity::{ActivityInput, Attendance, RegistrationInput, RegistrationStatus};
use tremplin_domain::{CodeInsee, Siret};
use tremplin_storage::testing::{TestDb, backends};
use tremplin_storage::{CompanyRecord, Role, StoreError};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap()
}

fn form(fields: &[(&str, &str)]) -> impl Fn(&str) -> String {
    let map: HashMap<String, String> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned().unwrap_or_default()
}

fn rally(capacity: &str, companies: Vec<i64>) -> ActivityInput {
    ActivityInput::parse(
        &form(&[
            ("type", "rallye"),
            ("titre", "Rallye des entreprises de L'Aigle"),
            ("public", "oui"),
            ("commune", "61214"),
            ("adresse", "Place Fulbert de Beina"),
            ("date", "2026-10-25"),
            ("heure_debut", "09:30"),
            ("heure_fin", "12:00"),
            ("places", capacity),
            ("anime_par", "Camille"),
            ("public_vise", "16-25 ans"),
        ]),
        companies,
        None,
        &|_| true,
    )
    .unwrap()
}

fn person(first: &str, email: &str) -> RegistrationInput {
    RegistrationInput::parse(
        &form(&[
            ("prenom", first),
            ("nom", "Test"),
            ("email", email),
            ("commune", "61214"),
            ("consentement", "oui"),
        ]),
        false,
        &|_| true,
    )
    .unwrap()
}

#[tokio::test]
async fn seats_then_waiting_list_and_the_first_waiting_moves_up_once() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let company = s
            .save_company(
                &CompanyRecord {
                    siret: Siret::parse("12345678000014").unwrap(),
                    name: "Scierie Fictive".into(),
                    naf: None,
                    commune: CodeInsee::parse("61214").unwrap(),
                    address: None,
                    contacts: vec![],
                },
                now(),
            )
            .await
            .unwrap();
        let id = s
            .create_activity(&rally("2", vec![company]), None, now())
            .await
            .unwrap();
        let a = s.activity(id).await.unwrap().unwrap();
        assert_eq!(
            a.starts_at,
            Utc.with_ymd_and_hms(2026, 10, 25, 8, 30, 0).unwrap(),
            "{backend}"
        );
        assert_eq!((a.sequence, a.cancelled, a.is_public), (0, false, true));
        assert_eq!(
            s.activity_companies(id).await.unwrap(),
            vec![(company, "Scierie Fictive".to_owned())]
        );

        let (r1, st1) = s
            .register(id, &person("Ana", "ana@example.org"), "h1", now())
            .await
            .unwrap();
        let (_r2, st2) = s
            .register(id, &person("Bob", "bob@example.org"), "h2", now())
            .await
            .unwrap();
        let (r3, st3) = s
            .register(id, &person("Cléo", "cleo@example.org"), "h3", now())
            .await
            .unwrap();
        let (r4, st4) = s
            .register(id, &person("Dan", "dan@example.org"), "h4", now())
            .await
            .unwrap();
        use RegistrationStatus::*;
        assert_eq!(
            [st1, st2, st3, st4],
            [Inscrit, Inscrit, Attente, Attente],
            "{backend}"
        );
        let a = s.activity(id).await.unwrap().unwrap();
        assert_eq!((a.seated, a.waiting), (2, 2));

        // Twice the same person: refused, nothing stored.
        let e = s
            .register(id, &person("Ana", "ANA@example.org"), "h5", now())
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Invalid(ref i) if i.message.contains("déjà inscrit")),
            "{e}"
        );

        // A waiting person cancels: nobody moves. A seated one cancels: the first waiting does.
        assert_eq!(s.cancel_registration(r4, now()).await.unwrap(), None);
        let promoted = s.cancel_registration(r1, now()).await.unwrap().unwrap();
        assert_eq!((promoted.id, promoted.status), (r3, Inscrit));
        assert_eq!(
            s.cancel_registration(r1, now()).await.unwrap(),
            None,
            "twice: nothing"
        );
        let by_link = s.registration_by_cancel_link("h3").await.unwrap().unwrap();
        assert_eq!(by_link.status, Inscrit);
        let a = s.activity(id).await.unwrap().unwrap();
        assert_eq!((a.seated, a.waiting), (2, 0), "{backend}");

        // Attendance: seated registrants only.
        let user = s
            .add_user("c@ml.example", "x", Role::Conseiller, None, now())
            .await
            .unwrap()
            .unwrap();
        assert!(
            s.set_attendance(id, r3, Attendance::Present, Some(user), now())
                .await
                .unwrap()
        );
        assert!(
            !s.set_attendance(id, r1, Attendance::Present, Some(user), now())
                .await
                .unwrap()
        );
        assert_eq!(
            s.registration(r3).await.unwrap().unwrap().attendance(),
            Some(Attendance::Present)
        );

        // Edits and cancellation bump the calendar SEQUENCE, the event stays.
        s.update_activity(id, &rally("3", vec![]), None, now())
            .await
            .unwrap();
        assert!(s.activity_companies(id).await.unwrap().is_empty());
        assert!(s.cancel_activity(id, now()).await.unwrap());
        assert!(!s.cancel_activity(id, now()).await.unwrap());
        let a = s.activity(id).await.unwrap().unwrap();
        assert_eq!(
            (a.sequence, a.cancelled, a.capacity),
            (2, true, 3),
            "{backend}"
        );
        assert!(s.public_activities(now(), false).await.unwrap().is_empty());
        assert_eq!(s.public_activities(now(), true).await.unwrap().len(), 1);
        let e = s
            .register(id, &person("Eve", "eve@example.org"), "h6", now())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("annulé"), "{e}");
    }
}

#[tokio::test]
async fn limits_reminders_and_a_persons_data() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let mut ids = Vec::new();
        for _ in 0..11 {
            ids.push(
                s.create_activity(&rally("5", vec![]), None, now())
                    .await
                    .unwrap(),
            );
        }
        for (i, id) in ids.iter().take(10).enumerate() {
            s.register(
                *id,
                &person("Ana", "ana@example.org"),
                &format!("a{i}"),
                now(),
            )
            .await
            .unwrap();
        }
        let e = s
            .register(ids[10], &person("Ana", "ana@example.org"), "a10", now())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("24 heures"), "{backend}: {e}");
        // The next day, the limit is lifted.
        s.register(
            ids[10],
            &person("Ana", "ana@example.org"),
            "a10",
            now() + Duration::days(1),
        )
        .await
        .unwrap();

        // Reminders: nothing a week before; once the day before, whatever the rounds.
        let start = Utc.with_ymd_and_hms(2026, 10, 25, 8, 30, 0).unwrap();
        assert!(
            s.claim_reminders(start - Duration::days(7), 86_400)
                .await
                .unwrap()
                .is_empty()
        );
        let day_before = start - Duration::hours(20);
        assert_eq!(
            s.claim_reminders(day_before, 86_400).await.unwrap().len(),
            11,
            "{backend}"
        );
        assert!(
            s.claim_reminders(day_before, 86_400)
                .await
                .unwrap()
                .is_empty()
        );

        // A started event takes no one.
        let e = s
            .register(ids[0], &person("Bob", "bob@example.org"), "b0", start)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("commencé"));

        assert_eq!(
            s.registrations_of_person(Some("ANA@example.org"), None)
                .await
                .unwrap()
                .len(),
            11
        );
        assert_eq!(
            s.delete_registrations_of_person(Some("ana@example.org"), None)
                .await
                .unwrap(),
            11
        );
        assert!(
            s.registrations_of_person(Some("ana@example.org"), None)
                .await
                .unwrap()
                .is_empty()
        );

        s.register(ids[0], &person("Bob", "bob@example.org"), "b0", now())
            .await
            .unwrap();
        assert_eq!(s.forget_registrations(start).await.unwrap(), 0);
        assert_eq!(
            s.forget_registrations(start + Duration::seconds(1))
                .await
                .unwrap(),
            1
        );
    }
}
