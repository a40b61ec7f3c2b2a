//! Applications are kept for the territory's retention period, then erased with their CV.

use chrono::Duration;

use crate::{AppState, WebError};

/// Erases applications (and CVs) whose last activity is older than the territory's retention.
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
    if !old.is_empty() {
        tracing::info!(
            candidatures = old.len(),
            "candidatures effacées au terme de leur conservation"
        );
    }
    Ok(old.len())
}
