//! The Thursday edition published by the server itself.

use crate::support::{TestApp, backends, offer};
use tremplin_domain::OfferStatus;

#[tokio::test]
async fn the_server_publishes_the_due_edition_itself_once_even_after_downtime() {
    for backend in backends() {
        // The clock says Thursday 26 November 2026, 11:00 in Paris: 09:00's edition is due.
        let app = TestApp::new(backend).await;
        app.store(offer("v", "Offre validée", "61214"), OfferStatus::AValider)
            .await;
        let first = tremplin_web::services::editions::tick(&app.state)
            .await
            .unwrap()
            .expect("due edition published");
        assert_eq!(first.number, 1);
        assert_eq!(first.slot, "2026-11-26T09:00:00+01:00");
        assert_eq!(first.entries.len(), 1);
        // Another round, or another instance: nothing more.
        assert!(
            tremplin_web::services::editions::tick(&app.state)
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
        assert_eq!(app.state.store.editions(10).await.unwrap().len(), 1);
    }
}
