//! The promo's private calendar: « Renouveler le lien » on its page (a new unguessable link,
//! shown once, the old one revoked), and the feed behind the link, for calendar apps that
//! cannot sign in: `/agenda/promos/{token}.ics`.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use crate::services::promo_activities;
use crate::shell::Id;
use crate::shell::auth::Staff;
use crate::{AppState, WebError};

#[derive(serde::Deserialize)]
pub(super) struct Csrf {
    #[serde(default)]
    csrf: String,
}

/// A new link replaces the old one, which stops working at once. The page shows the new one
/// this once: only its hash is kept.
pub(super) async fn renew(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(f): Form<Csrf>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    state.store.promo(id).await?.ok_or(WebError::NotFound)?;
    let link = promo_activities::renew_calendar(&state, id).await?;
    staff
        .log(
            &state,
            "lien de l'agenda de promo renouvelé",
            &format!("promo {id}"),
        )
        .await?;
    let mut page = super::board_page(&state, &staff, id, None).await?;
    page.calendar_link = Some(link);
    Ok((
        [(header::CACHE_CONTROL, "private, no-store")],
        Html(page.render()?),
    )
        .into_response())
}

/// The feed: a link that is not, or no longer, a promo's is a page that does not exist.
pub(super) async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let token = file.strip_suffix(".ics").ok_or(WebError::NotFound)?;
    let body = promo_activities::calendar_feed(&state, token)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"agenda-promo.ics\"".to_owned(),
            ),
            // The link is a secret: no shared cache keeps it, no search engine lists it.
            (header::CACHE_CONTROL, "private, max-age=300".to_owned()),
            (
                header::HeaderName::from_static("x-robots-tag"),
                "noindex".to_owned(),
            ),
        ],
        body,
    )
        .into_response())
}
