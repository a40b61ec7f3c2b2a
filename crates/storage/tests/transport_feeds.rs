//! The transport feed on both engines: none at first, one stored with its description and
//! bytes, replaced whole by the next import (a new id, the old bytes gone).

use chrono::{NaiveDate, TimeZone, Utc};
use tremplin_storage::NewTransportFeed;
use tremplin_storage::testing::{TestDb, backends};

#[tokio::test]
async fn a_feed_is_stored_whole_and_replaced_whole() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let s = &db.store;
        assert_eq!(s.transport_feed().await.unwrap(), None, "{backend}");
        let now = Utc.with_ymd_and_hms(2026, 12, 2, 5, 0, 0).unwrap();
        let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
        let first = s
            .replace_transport_feed(&NewTransportFeed {
                name: "nomad.zip",
                imported_at: now,
                stops: 5,
                trips: 4,
                stop_times: 9,
                valid_from: NaiveDate::from_ymd_opt(2026, 9, 1),
                valid_to: NaiveDate::from_ymd_opt(2027, 7, 4),
                data: &bytes,
            })
            .await
            .unwrap();
        let meta = s.transport_feed().await.unwrap().unwrap();
        assert_eq!(meta.id, first);
        assert_eq!(meta.name, "nomad.zip");
        assert_eq!(meta.imported_at, now);
        assert_eq!((meta.stops, meta.trips, meta.stop_times), (5, 4, 9));
        assert_eq!(meta.valid_to, NaiveDate::from_ymd_opt(2027, 7, 4));
        assert_eq!(s.transport_feed_data(first).await.unwrap(), Some(bytes));

        let second = s
            .replace_transport_feed(&NewTransportFeed {
                name: "autre.zip",
                imported_at: now,
                stops: 1,
                trips: 1,
                stop_times: 2,
                valid_from: None,
                valid_to: None,
                data: b"PK",
            })
            .await
            .unwrap();
        assert!(
            second > first,
            "{backend}: a new id, never one given before"
        );
        let meta = s.transport_feed().await.unwrap().unwrap();
        assert_eq!((meta.id, meta.name.as_str()), (second, "autre.zip"));
        assert_eq!(meta.valid_from, None);
        assert_eq!(
            s.transport_feed_data(first).await.unwrap(),
            None,
            "{backend}"
        );
        assert_eq!(
            s.transport_feed_data(second).await.unwrap().as_deref(),
            Some(&b"PK"[..])
        );
    }
}
