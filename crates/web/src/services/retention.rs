//! Applications are kept for the territory's retention period, then erased with their CV; the
//! counselors' records of young people too, with their milestones, notes and car-pool opt-ins; registrations to
//! events, that long after their event; the copies of sent mails, a month.

use chrono::Duration;

use crate::{AppState, WebError};

/// Erases applications (and CVs), and young people's records, whose last activity is older
/// than the territory's retention; returns how many.
pub async fn forget_old(state: &AppState) -> Result<usize, WebError> {
    let Some(t) = state.territory() else {
        return Ok(0);
    };
    let before = state.clock.now() - Duration::days(30 * t.retention_months.max(1));
    let old = state.store.applications_to_forget(before).await?;
    for (id, _) in &old {
        if let Some(path) = state.store.delete_application(*id).await? {
            crate::services::uploads::delete_cv(&state.media, &path).await;
        }
    }
    crate::services::events::forget_old(state).await?;
    if !old.is_empty() {
        tracing::info!(
            candidatures = old.len(),
            "candidatures effacées au terme de leur conservation"
        );
    }
    // The counselors' records follow the same period, counted from their last change or
    // milestone: with them go their milestones, memberships and notes.
    let records = state.store.young_people_to_forget(before).await?;
    for id in &records {
        state.store.delete_young_person(*id).await?;
    }
    if !records.is_empty() {
        tracing::info!(
            fiches = records.len(),
            "fiches jeunes effacées au terme de leur conservation"
        );
    }
    // Car-pool opt-ins go with their application or record; a withdrawn one is of no use
    // past the same period, nor the counselors' decisions on its pairs.
    let carpool = state.store.forget_withdrawn_carpool(before).await?;
    if carpool > 0 {
        tracing::info!(
            inscriptions = carpool,
            "inscriptions au covoiturage retirées effacées au terme de leur conservation"
        );
    }
    // A sent message's copy has no use past a month (delivery problems show within days).
    let mails = state
        .store
        .forget_sent_mail(state.clock.now() - Duration::days(SENT_MAIL_DAYS))
        .await?;
    if mails > 0 {
        tracing::info!(messages = mails, "copies de messages envoyés effacées");
    }
    Ok(old.len() + records.len())
}

/// How long the copy of a sent (or abandoned) mail is kept in the outbox.
pub const SENT_MAIL_DAYS: i64 = 30;
