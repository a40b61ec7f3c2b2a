//! The server's background work, started in one place: the scheduler (the Thursday edition
//! and the day's deadlines, closing notices and retention, the events' reminders, the connectors' nightly runs, the
//! database's planner statistics), the outbox that sends the mail, and the follower that keeps
//! this instance's index in step with the database.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::{Instant, interval, interval_at};
use tremplin_mail::Mailer;

use crate::AppState;
use crate::services::{editions, indexer, outbox};

/// The running workers; they stop when the shutdown signal turns true.
pub struct Workers(Vec<JoinHandle<()>>);

/// Starts every worker of a serving instance.
pub fn start(
    state: &AppState,
    mailer: Arc<Mailer>,
    sms: Option<Arc<dyn tremplin_mail::sms::SmsSender>>,
    shutdown: watch::Receiver<bool>,
) -> Workers {
    let mut workers = vec![
        tokio::spawn(indexer::follow(state.clone(), shutdown.clone())),
        tokio::spawn(outbox::run(
            state.store.clone(),
            state.media.clone(),
            mailer,
            shutdown.clone(),
        )),
    ];
    if let Some(sender) = sms {
        workers.push(tokio::spawn(crate::services::sms::run(
            state.store.clone(),
            sender,
            shutdown.clone(),
        )));
    }
    workers.push(tokio::spawn(run_schedule(state.clone(), shutdown)));
    Workers(workers)
}

impl Workers {
    /// Waits until every worker has finished its round and stopped.
    pub async fn join(self) {
        for worker in self.0 {
            let _ = worker.await;
        }
    }
}

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
    // Another instance may have imported a new transport feed.
    if let Err(e) = crate::services::transport::refresh(state).await {
        tracing::warn!(cause = %e, "réseau de transport non relu, nouvel essai dans 30 s");
    }
    if let Err(e) = editions::tick(state).await {
        tracing::warn!(cause = %e, "travail planifié interrompu, nouvel essai dans 30 s");
    }
    // The events' reminders, the day before.
    if let Err(e) = crate::services::events::remind(state).await {
        tracing::warn!(cause = %e, "rappels des événements : nouvel essai dans 30 s");
    }
    let now = state.clock.now();
    // Workshop sessions end the day they were opened: gone with their shared budgets.
    match state.store.delete_expired_workshops(now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(seances = n, "séances d'atelier terminées effacées"),
        Err(e) => {
            tracing::warn!(cause = %e, "séances d'atelier non effacées, nouvel essai dans 30 s")
        }
    }
    if let Err(e) =
        tremplin_connectors::launch::scheduled(&state.store, &state.connector_area(), now).await
    {
        tracing::warn!(cause = %e, "imports planifiés : nouvel essai dans 30 s");
    }
    // Withdrawn or expired portraits leave within a round, their files with them.
    if let Err(e) = crate::services::pepites::sweep(state).await {
        tracing::warn!(cause = %e, "pépites : nouvel essai dans 30 s");
    }
}
