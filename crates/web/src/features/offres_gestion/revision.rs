//! A partner's change to a validated offer, waiting for a counselor: shown on the offer's page
//! field by field (before → after), accepted or refused there.

use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tremplin_domain::Offer;
use tremplin_domain::revision::FieldChange;

use super::visible_offer;
use crate::services::revisions::{self, Review};
use crate::shell::Id;
use crate::shell::auth::Staff;
use crate::shell::dates::french_date;
use crate::{AppState, WebError};

/// The waiting change as the offer's page shows it.
pub struct ReviewView {
    pub change_id: i64,
    pub when: String,
    pub who: String,
    pub changes: Vec<FieldChange>,
    /// A way to apply changes: where young people would be sent, to check before accepting.
    pub contact_changed: bool,
    /// Why it can no longer be accepted as it is, if so.
    pub invalid: Option<String>,
}

pub(super) fn view(review: Review) -> ReviewView {
    let p = &review.pending;
    let who = match (&p.who, &p.organisation) {
        (Some(email), Some(org)) => format!("{email} ({org})"),
        (Some(email), None) => email.clone(),
        (None, Some(org)) => format!("l'API, pour « {org} »"),
        (None, None) => "l'API".to_owned(),
    };
    ReviewView {
        change_id: p.change_id,
        when: french_date(p.submitted_at),
        who,
        contact_changed: review.changes.iter().any(FieldChange::is_contact),
        changes: review.changes,
        invalid: review.proposed.err(),
    }
}

/// The waiting change of an offer, for its page.
pub(super) async fn review_view(
    state: &AppState,
    offer: &Offer,
) -> Result<Option<ReviewView>, WebError> {
    Ok(revisions::review(state, offer).await?.map(view))
}

#[derive(Deserialize)]
pub(super) struct ReviewForm {
    #[serde(default)]
    csrf: String,
    /// The change the counselor read (see `PendingRevision::change_id`).
    #[serde(default)]
    modification: String,
    #[serde(default)]
    motif: String,
}

/// The offer a counselor answers about, and the change they read.
async fn answered(
    state: &AppState,
    staff: &Staff,
    id: i64,
    form: &ReviewForm,
) -> Result<(Offer, i64), WebError> {
    staff.check_csrf(&form.csrf)?;
    staff.require_conseiller()?;
    let offer = visible_offer(state, staff, id).await?;
    let change_id = form.modification.trim().parse::<i64>().map_err(|_| {
        WebError::BadRequest(
            "Le formulaire ne dit pas quelle modification vous avez relue : rechargez la page de l'offre."
                .into(),
        )
    })?;
    Ok((offer, change_id))
}

/// `POST /gestion/offres/{id}/modification/accepter`
pub(super) async fn accept(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(form): Form<ReviewForm>,
) -> Result<Response, WebError> {
    let (offer, change_id) = answered(&state, &staff, id, &form).await?;
    revisions::accept(&state, &offer, change_id, staff.user.id).await?;
    staff
        .log(
            &state,
            "modification de partenaire acceptée",
            &format!("offre {}", offer.id),
        )
        .await?;
    Ok(Redirect::to(&format!("/gestion/offres/{}", offer.id)).into_response())
}

/// `POST /gestion/offres/{id}/modification/refuser`
pub(super) async fn refuse(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(form): Form<ReviewForm>,
) -> Result<Response, WebError> {
    let (offer, change_id) = answered(&state, &staff, id, &form).await?;
    let reason: String = form.motif.split_whitespace().collect::<Vec<_>>().join(" ");
    if reason.chars().count() > 500 {
        return Err(WebError::BadRequest(
            "Le motif du refus ne doit pas dépasser 500 caractères.".into(),
        ));
    }
    revisions::refuse(&state, &offer, change_id, &reason, staff.user.id).await?;
    staff
        .log(
            &state,
            "modification de partenaire refusée",
            &format!("offre {}", offer.id),
        )
        .await?;
    Ok(Redirect::to(&format!("/gestion/offres/{}", offer.id)).into_response())
}
