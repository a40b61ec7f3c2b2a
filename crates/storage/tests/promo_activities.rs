//! Activities ↔ promos: migration 0029 keeps every row while `promo_id` becomes a foreign key
//! (SQLite rebuilds the table), and members registered by a counselor take the same seats and
//! waiting list as the public page, never twice; what they attended, on both engines.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use tremplin_domain::activity::{ActivityInput, Attendance, RegistrationInput, RegistrationStatus};
use tremplin_domain::promo::PromoInput;
use tremplin_domain::young::{YoungPersonInput, YoungStatus};
use tremplin_domain::{CodeInsee, Email};
use tremplin_storage::testing::{TestDb, backends};
use tremplin_storage::{MemberSeat, Store, StoreError};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap()
}

#[tokio::test]
async fn migration_0029_keeps_every_row_and_makes_promo_id_a_foreign_key() {
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("old.db"))
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut before = sqlx::migrate::Migrator::new(path.as_path()).await.unwrap();
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < 29)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.unwrap();
    let t = "2026-09-01T08:00:00+00:00";
    for sql in [
        "INSERT INTO promos (id, name, season_start, season_end, goal_date, created_at) VALUES (1, 'Promo', '2026-06-01', '2026-09-30', '2026-09-30', '2026-05-01T08:00:00+00:00')",
        "INSERT INTO companies (id, name, created_at, updated_at) VALUES (3, 'Scierie Fictive', '2026-05-01T08:00:00+00:00', '2026-05-01T08:00:00+00:00')",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    // Activity 7 belongs to promo 1; 8 names a promo that never existed (no key stopped it).
    for (id, promo) in [(7_i64, Some(1_i64)), (8, Some(99))] {
        sqlx::query(
            "INSERT INTO activities (id, kind, title, is_public, starts_at, starts_unix, ends_at, ends_unix, capacity, leader, \
             audience, guardian_required, promo_id, sequence, created_at, updated_at) \
             VALUES ($1, 'visite_cfa', 'Visite', 0, $2, 1788249600, $2, 1788256800, 10, 'Camille', 'Promo', 0, $3, 2, $2, $2)",
        )
        .bind(id)
        .bind(t)
        .bind(promo)
        .execute(&pool)
        .await
        .unwrap();
    }
    sqlx::query("INSERT INTO activity_companies (activity_id, company_id) VALUES (7, 3)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO activity_registrations (id, activity_id, first_name, last_name, email, commune_code, minor, status, \
         attendance, cancel_token_hash, person_key, created_at, created_unix, updated_at) \
         VALUES (41, 7, 'Léa', 'Fictif', 'lea@example.org', '61214', 0, 'inscrit', 'present', 'h41', 'email:lea@example.org', $1, 1788249600, $1)",
    )
    .bind(t)
    .execute(&pool)
    .await
    .unwrap();

    let all = sqlx::migrate::Migrator::new(path.as_path()).await.unwrap();
    all.run(&pool).await.unwrap();
    let rows: Vec<(i64, Option<i64>, i64)> =
        sqlx::query_as("SELECT id, promo_id, sequence FROM activities ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(rows, [(7, Some(1), 2), (8, None, 2)]);
    let r = sqlx::query(
        "SELECT id, activity_id, attendance, young_person_id FROM activity_registrations",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(r.get::<i64, _>(0), 41);
    assert_eq!(r.get::<i64, _>(1), 7);
    assert_eq!(r.get::<String, _>(2), "present");
    assert_eq!(r.get::<Option<i64>, _>(3), None);
    let companies: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM activity_companies WHERE activity_id = 7")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(companies, 1);
    let leftovers: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'copy_0029%'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(leftovers, 0);
    let problems: Vec<sqlx::sqlite::SqliteRow> = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(problems.is_empty());
    // The key holds: no activity for a promo that does not exist; removing a promo unlinks
    // its activities and keeps them, with their sheets.
    let bad = sqlx::query("UPDATE activities SET promo_id = 42 WHERE id = 8")
        .execute(&pool)
        .await;
    assert!(bad.is_err(), "promo 42 does not exist");
    sqlx::query("DELETE FROM promos WHERE id = 1")
        .execute(&pool)
        .await
        .unwrap();
    let unlinked: Option<i64> = sqlx::query_scalar("SELECT promo_id FROM activities WHERE id = 7")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(unlinked, None);
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activity_registrations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept, 1);
}

fn form(fields: &[(&str, &str)]) -> impl Fn(&str) -> String {
    let map: HashMap<String, String> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned().unwrap_or_default()
}

fn visit(capacity: &str) -> ActivityInput {
    ActivityInput::parse(
        &form(&[
            ("type", "visite_cfa"),
            ("titre", "Visite du CFA"),
            ("commune", "61214"),
            ("date", "2026-10-20"),
            ("heure_debut", "09:30"),
            ("heure_fin", "12:00"),
            ("places", capacity),
            ("anime_par", "Camille"),
            ("public_vise", "La promo"),
        ]),
        vec![],
        None,
        &|_| true,
    )
    .unwrap()
}

fn young(first: &str, email: &str) -> YoungPersonInput {
    YoungPersonInput {
        first_name: first.into(),
        last_name: "Fictif".into(),
        birth_date: NaiveDate::from_ymd_opt(2009, 3, 1).unwrap(),
        email: Some(Email::parse(email).unwrap()),
        phone: None,
        guardian_name: None,
        guardian_email: None,
        guardian_phone: None,
        commune: CodeInsee::parse("61214").unwrap(),
        trades: vec![],
        licence: false,
        vehicle: false,
        counselor_id: None,
        status: YoungStatus::EnSuivi,
        notes: String::new(),
    }
}

async fn promo(s: &Store, name: &str) -> i64 {
    s.create_promo(
        &PromoInput {
            name: name.into(),
            season_start: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            season_end: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            goal_date: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        },
        &[],
        now(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn members_take_the_same_seats_never_twice_and_only_their_promos_activities() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let p = promo(s, "Promo d'automne").await;
        let other = promo(s, "Autre promo").await;
        let joined = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let mut members = Vec::new();
        for (first, email) in [("Inès", "ines@example.org"), ("Théo", "theo@example.org")] {
            let id = s
                .create_young_person(&young(first, email), now())
                .await
                .unwrap();
            s.add_promo_member(p, id, joined).await.unwrap();
            members.push(id);
        }
        let outsider = s
            .create_young_person(&young("Nour", "nour@example.org"), now())
            .await
            .unwrap();
        s.add_promo_member(other, outsider, joined).await.unwrap();
        let a = s
            .create_activity(&visit("1"), Some(p), now())
            .await
            .unwrap();
        // A promo that does not exist is refused by the key.
        assert!(matches!(
            s.create_activity(&visit("1"), Some(9999), now()).await,
            Err(StoreError::Constraint(..))
        ));

        let seat = |m: i64, h: &'static str| s.register_member(a, m, h, now());
        assert!(matches!(
            seat(members[0], "h1").await.unwrap(),
            MemberSeat::New(_, RegistrationStatus::Inscrit)
        ));
        assert!(matches!(
            seat(members[1], "h2").await.unwrap(),
            MemberSeat::New(_, RegistrationStatus::Attente)
        ));
        assert_eq!(
            seat(members[0], "h3").await.unwrap(),
            MemberSeat::Already(RegistrationStatus::Inscrit)
        );
        let e = seat(outsider, "h4").await.unwrap_err();
        assert!(e.to_string().contains("n'est pas membre"), "{e}");
        assert_eq!(s.registrations(a).await.unwrap().len(), 2);

        // Théo registered on his own (public page) to another activity of the promo: the
        // counselor's registration finds him there and adds nobody.
        let mut open = visit("5");
        open.public = true;
        let b = s.create_activity(&open, Some(p), now()).await.unwrap();
        let theo = RegistrationInput::parse(
            &form(&[
                ("prenom", "Théo"),
                ("nom", "Fictif"),
                ("email", "Theo@example.org"),
                ("commune", "61214"),
                ("consentement", "oui"),
            ]),
            false,
            &|_| true,
        )
        .unwrap();
        s.register(b, &theo, "h5", now()).await.unwrap();
        assert_eq!(
            s.register_member(b, members[1], "h6", now()).await.unwrap(),
            MemberSeat::Already(RegistrationStatus::Inscrit)
        );
        // His history holds both: the one a counselor made and his own.
        let history = s.registrations_of_young_person(members[1]).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(
            history
                .iter()
                .filter(|r| r.young_person_id.is_some())
                .count(),
            1
        );

        // Cancelled: refused, nothing written.
        s.cancel_activity(b, now()).await.unwrap();
        let e = s
            .register_member(b, members[0], "h7", now())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("annulée"), "{e}");
        // Over: refused.
        let e = s
            .register_member(a, members[1], "h8", now() + Duration::days(30))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("terminée"), "{e}");

        // Attendance: present only, on a seat, of an activity not cancelled.
        let regs = s.registrations(a).await.unwrap();
        s.set_attendance(a, regs[0].id, Attendance::Present, None, now())
            .await
            .unwrap();
        let attended = s.promo_attendance(p).await.unwrap();
        assert_eq!(attended.len(), 1);
        assert_eq!(attended[0].0, members[0]);
        s.set_attendance(a, regs[0].id, Attendance::Excuse, None, now())
            .await
            .unwrap();
        assert!(s.promo_attendance(p).await.unwrap().is_empty());
        assert_eq!(s.promo_activities(p).await.unwrap().len(), 2);

        // Erasing a record erases the registrations made for it.
        s.delete_young_person(members[0]).await.unwrap();
        assert_eq!(s.registrations(a).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_promo_calendar_link_is_found_by_its_hash_until_renewed() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let p = promo(s, "Promo").await;
        assert_eq!(s.promo_calendar_since(p).await.unwrap(), None);
        s.renew_promo_calendar(p, "old", now()).await.unwrap();
        assert_eq!(
            s.promo_of_calendar("old").await.unwrap(),
            Some((p, "old".into()))
        );
        s.renew_promo_calendar(p, "new", now() + Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(s.promo_of_calendar("old").await.unwrap(), None);
        assert_eq!(
            s.promo_of_calendar("new").await.unwrap(),
            Some((p, "new".into()))
        );
        assert_eq!(
            s.promo_calendar_since(p).await.unwrap(),
            Some(now() + Duration::hours(1))
        );
    }
}
