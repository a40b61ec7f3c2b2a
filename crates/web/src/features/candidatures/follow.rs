//! The young person's private follow-up page, and withdrawing (which erases the application).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use chrono::Duration;
use tremplin_domain::application::ApplicationStatus;

use crate::shell::Layout;
use crate::shell::auth::{self};
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "features/candidatures/templates/suivi.html")]
pub(super) struct FollowPage {
    layout: Layout,
    title: String,
    company: String,
    sent: String,
    status: &'static str,
    reason: Option<String>,
    waiting_long: bool,
    steps: Vec<(String, &'static str)>,
}

pub(super) async fn follow(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Html<String>, WebError> {
    let a = state
        .store
        .application_by_follow_link(&auth::token_hash(&token))
        .await?
        .ok_or(WebError::NotFound)?;
    let offer = state
        .store
        .get_offer(a.offer_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let now = state.clock.now();
    let steps = state
        .store
        .application_events(a.id)
        .await?
        .into_iter()
        .map(|(at, s)| {
            (
                at.format("%d/%m/%Y").to_string(),
                ApplicationStatus::from_db(&s).map_or("?", |x| x.label()),
            )
        })
        .collect();
    let status = a.status;
    let page = FollowPage {
        layout: Layout::new(&state, "/candidature"),
        title: offer.fields.title.clone(),
        company: offer.fields.company_name.clone(),
        sent: a.created_at.format("%d/%m/%Y").to_string(),
        status: status.label(),
        reason: a.answer_reason.clone(),
        waiting_long: matches!(status, ApplicationStatus::Envoyee | ApplicationStatus::Vue)
            && now - a.created_at >= Duration::days(7),
        steps,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "features/candidatures/templates/withdrawn.html")]
pub(super) struct WithdrawnPage {
    layout: Layout,
}

/// The young person withdraws their application from the follow-up link: it is erased, with
/// its CV.
pub(super) async fn withdraw(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Html<String>, WebError> {
    let a = state
        .store
        .application_by_follow_link(&auth::token_hash(&token))
        .await?
        .ok_or(WebError::NotFound)?;
    if let Some(path) = state.store.delete_application(a.id).await? {
        if let Err(e) = tokio::fs::remove_file(&path).await {
            tracing::warn!(candidature = a.id, cause = %e, "CV déjà absent");
        }
    }
    Ok(Html(
        WithdrawnPage {
            layout: Layout::new(&state, "/candidature"),
        }
        .render()?,
    ))
}
