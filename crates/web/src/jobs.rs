//! The one scheduler: the Thursday edition and the day's deadlines, closing notices and
//! retention, and the connectors' nightly runs. (The outbox and the index follower are
//! workers of their own, started beside it.)

use crate::AppState;
use crate::services::editions;

pub async fn run_schedule(state: AppState, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(30));
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = shutdown.changed() => return,
        }
        if let Err(e) = editions::tick(&state).await {
            tracing::warn!(cause = %e, "travail planifié interrompu, nouvel essai dans 30 s");
        }
        let now = state.clock.now();
        if let Err(e) =
            tremplin_connectors::launch::scheduled(&state.store, &state.connector_area(), now).await
        {
            tracing::warn!(cause = %e, "imports planifiés : nouvel essai dans 30 s");
        }
    }
}
