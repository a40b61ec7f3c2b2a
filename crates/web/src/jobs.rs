//! The one scheduler: the Thursday edition and the day's deadlines, closing notices and
//! retention, the connectors' nightly runs, and the database's planner statistics. (The
//! outbox and the index follower are workers of their own, started beside it.)

use std::time::Duration;

use tokio::time::{Instant, interval, interval_at};

use crate::AppState;
use crate::services::editions;

/// How often scheduled work is looked at.
const ROUND: Duration = Duration::from_secs(30);
/// How often SQLite's planner statistics are refreshed (PostgreSQL's autovacuum does its own).
const STATISTICS: Duration = Duration::from_secs(4 * 3600);

pub async fn run_schedule(state: AppState, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    let mut every = interval(ROUND);
    // The store gathers statistics when it opens: the first refresh is due one period later.
    let mut statistics = interval_at(Instant::now() + STATISTICS, STATISTICS);
    loop {
        tokio::select! {
            _ = every.tick() => round(&state).await,
            _ = statistics.tick() => {
                if let Err(e) = state.store.optimize().await {
                    tracing::warn!(cause = %e, "statistiques de la base non mises à jour");
                }
            }
            _ = shutdown.changed() => return,
        }
    }
}

/// One round: the edition and deadlines, then the connectors' nightly runs.
async fn round(state: &AppState) {
    if let Err(e) = editions::tick(state).await {
        tracing::warn!(cause = %e, "travail planifié interrompu, nouvel essai dans 30 s");
    }
    let now = state.clock.now();
    if let Err(e) =
        tremplin_connectors::launch::scheduled(&state.store, &state.connector_area(), now).await
    {
        tracing::warn!(cause = %e, "imports planifiés : nouvel essai dans 30 s");
    }
}
