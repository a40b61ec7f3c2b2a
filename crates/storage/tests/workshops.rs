//! Workshop sessions on both engines: a code is taken once, a session is found by its code
//! until it expires, results join only an open session, and the expired sessions go with their
//! results.

use chrono::{Duration, TimeZone, Utc};
use tremplin_storage::Role;
use tremplin_storage::testing::{TestDb, backends};

#[tokio::test]
async fn a_session_lives_until_its_expiry_and_goes_with_its_results() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        let now = Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2026, 12, 2, 22, 59, 59).unwrap();
        let by = s
            .add_user("conseil@ml.example", "x", Role::Conseiller, None, now)
            .await
            .unwrap()
            .unwrap();
        let id = s
            .open_workshop("K7P2Q", "Atelier du mardi", by, now, end)
            .await
            .unwrap()
            .expect("opened");
        assert_eq!(
            s.open_workshop("K7P2Q", "Autre", by, now, end)
                .await
                .unwrap(),
            None,
            "{backend}: a code is taken once"
        );
        let w = s.workshop_by_code("K7P2Q", now).await.unwrap().unwrap();
        assert_eq!((w.id, w.title.as_str()), (id, "Atelier du mardi"));
        assert!(
            s.add_workshop_result(id, "Boulanger", (504.1, -120.5, -80.0), now)
                .await
                .unwrap()
        );
        assert!(
            s.add_workshop_result(id, "Coiffeuse", (802.82, 10.0, 5.0), now)
                .await
                .unwrap()
        );
        let results = s.workshop_results(id).await.unwrap();
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].offer_title, "Boulanger");
        assert!((results[0].left_route + 120.5).abs() < 1e-9);
        assert_eq!(s.open_workshops(now).await.unwrap().len(), 1);
        // Nothing deleted before the end, then the session and its results go.
        assert_eq!(s.delete_expired_workshops(now).await.unwrap(), 0);
        let later = end + Duration::seconds(1);
        assert!(s.workshop_by_code("K7P2Q", later).await.unwrap().is_none());
        assert!(
            !s.add_workshop_result(id, "Trop tard", (1.0, 1.0, 1.0), later)
                .await
                .unwrap()
        );
        assert_eq!(
            s.delete_expired_workshops(later).await.unwrap(),
            1,
            "{backend}"
        );
        assert!(s.workshop_results(id).await.unwrap().is_empty());
        assert!(s.open_workshops(now).await.unwrap().is_empty());
    }
}
