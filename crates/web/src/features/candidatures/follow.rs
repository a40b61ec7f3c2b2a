//! The young person's private follow-up page, and withdrawing (which erases the application).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use chrono::Duration;
use tremplin_domain::application::ApplicationStatus;

use crate::services::secrets;
use crate::shell::Layout;
use crate::{AppState, WebError};

const UNDELIVERED: &str = "Nous n'avons pas pu l'envoyer à l'employeur. La Mission Locale est prévenue et va la lui transmettre, ou vous recontacter.";
const UNDELIVERED_STEP: &str = "Déposée, mais l'e-mail à l'employeur n'a pas pu partir";

#[derive(Template)]
#[template(path = "features/candidatures/templates/suivi.html")]
pub(super) struct FollowPage {
    layout: Layout,
    title: String,
    company: String,
    sent: String,
    status: &'static str,
    /// The mail to the employer could never be sent: the page does not say "envoyée".
    undelivered: bool,
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
        .application_by_follow_link(&secrets::token_hash(&token))
        .await?
        .ok_or(WebError::NotFound)?;
    let offer = state
        .store
        .get_offer(a.offer_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let now = state.clock.now();
    let status = a.status;
    let undelivered =
        status == ApplicationStatus::Envoyee && state.store.application_mail_failed(a.id).await?;
    let steps = state
        .store
        .application_events(a.id)
        .await?
        .into_iter()
        .map(|(at, s)| {
            let label = match ApplicationStatus::from_db(&s) {
                Some(ApplicationStatus::Envoyee) if undelivered => UNDELIVERED_STEP,
                Some(x) => x.label(),
                None => "?",
            };
            (at.format("%d/%m/%Y").to_string(), label)
        })
        .collect();
    let page = FollowPage {
        layout: Layout::new(&state, "/candidature"),
        title: offer.fields.title.clone(),
        company: offer.fields.company_name.clone(),
        sent: a.created_at.format("%d/%m/%Y").to_string(),
        status: if undelivered {
            UNDELIVERED
        } else {
            status.label()
        },
        undelivered,
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
        .application_by_follow_link(&secrets::token_hash(&token))
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
