//! A partner's change to an offer: applied at once while no counselor has validated the offer,
//! held for a counselor afterwards, the validated version staying public until a counselor
//! accepts it (see `tremplin_domain::revision`).

use askama::Template;
use tremplin_domain::lifecycle::partner_change_waits;
use tremplin_domain::revision::{self, FieldChange, from_record, to_record};
use tremplin_domain::{Offer, OfferInput};
use tremplin_storage::{PendingRevision, StoreError};

use crate::{AppState, WebError};

/// What became of a partner's change.
pub enum PartnerChange {
    /// Written: the offer shows it now.
    Applied,
    /// The offer is already so; a change that was waiting is dropped.
    Unchanged,
    /// Waiting for a counselor; the public still reads the validated version.
    Pending(PendingRevision),
}

/// A partner (`user_id` of their account, or none through the API) changes `offer` to `input`.
pub async fn submit(
    state: &AppState,
    offer: &Offer,
    input: &OfferInput,
    user_id: Option<i64>,
) -> Result<PartnerChange, StoreError> {
    let now = state.clock.now();
    if !partner_change_waits(offer.status, offer.validated_at.is_some()) {
        return Ok(
            if state
                .store
                .update_offer(offer.id, input, user_id, now)
                .await?
            {
                PartnerChange::Applied
            } else {
                PartnerChange::Unchanged
            },
        );
    }
    let changes = revision::changes(&to_record(&offer.fields), &to_record(input));
    if changes.is_empty() {
        state
            .store
            .cancel_offer_revision(offer.id, user_id, now)
            .await?;
        return Ok(PartnerChange::Unchanged);
    }
    state
        .store
        .propose_offer_revision(
            offer.id,
            input,
            &changes,
            user_id,
            offer.organisation_id,
            now,
        )
        .await?;
    match state.store.pending_revision(offer.id).await? {
        Some(p) => Ok(PartnerChange::Pending(p)),
        // Closed in between: nothing waits any more.
        None => Ok(PartnerChange::Unchanged),
    }
}

/// A waiting change as a counselor reviews it.
pub struct Review {
    pub pending: PendingRevision,
    /// Only the fields it changes, compared with the offer as it is now.
    pub changes: Vec<FieldChange>,
    /// The offer it would give, or why it no longer can (a rule or a referential changed).
    pub proposed: Result<OfferInput, String>,
}

/// The change waiting on `offer`, if any.
pub async fn review(state: &AppState, offer: &Offer) -> Result<Option<Review>, WebError> {
    let Some(pending) = state.store.pending_revision(offer.id).await? else {
        return Ok(None);
    };
    let changes = revision::changes(&to_record(&offer.fields), &pending.record);
    let proposed = from_record(
        &pending.record,
        &offer.fields.source,
        &|c| state.refs.commune_centre(c),
        state.clock.now().date_naive(),
    )
    .map_err(|errors| {
        errors
            .into_iter()
            .map(|e| e.message)
            .collect::<Vec<_>>()
            .join(" ")
    });
    Ok(Some(Review {
        pending,
        changes,
        proposed,
    }))
}

/// A counselor accepts the change `change_id`: the offer is updated as by any edit.
pub async fn accept(
    state: &AppState,
    offer: &Offer,
    change_id: i64,
    user_id: i64,
) -> Result<(), WebError> {
    let review = review(state, offer).await?.ok_or_else(|| {
        WebError::BadRequest(
            "Aucune modification n'attend de validation pour cette offre : elle a sans doute déjà été traitée."
                .into(),
        )
    })?;
    let input = review.proposed.map_err(|why| {
        WebError::BadRequest(format!(
            "Cette modification ne peut plus être acceptée telle quelle ({why}) : refusez-la, ou modifiez l'offre vous-même."
        ))
    })?;
    state
        .store
        .accept_offer_revision(
            offer.id,
            change_id,
            &input,
            Some(user_id),
            state.clock.now(),
        )
        .await?;
    tell_partner(state, offer, &review.pending, true, "").await
}

/// A counselor refuses the change `change_id`, with an optional reason for the partner.
pub async fn refuse(
    state: &AppState,
    offer: &Offer,
    change_id: i64,
    reason: &str,
    user_id: i64,
) -> Result<(), WebError> {
    let pending = state.store.pending_revision(offer.id).await?;
    state
        .store
        .refuse_offer_revision(
            offer.id,
            change_id,
            reason,
            Some(user_id),
            state.clock.now(),
        )
        .await?;
    match pending {
        Some(p) => tell_partner(state, offer, &p, false, reason).await,
        None => Ok(()),
    }
}

#[derive(Template)]
#[template(path = "services/templates/mail/revision.txt")]
struct AnswerMail<'a> {
    accepted: bool,
    title: &'a str,
    reason: &'a str,
    link: String,
}

/// The partner's account that sent the change hears the answer (changes sent through the API
/// have no account: their answer is in the offer's history).
async fn tell_partner(
    state: &AppState,
    offer: &Offer,
    pending: &PendingRevision,
    accepted: bool,
    reason: &str,
) -> Result<(), WebError> {
    let Some(email) = &pending.who else {
        return Ok(());
    };
    let mail = AnswerMail {
        accepted,
        title: &offer.fields.title,
        reason,
        link: format!("{}/gestion/offres/{}", state.config.public_url, offer.id),
    };
    let subject = if accepted {
        "Votre modification d'offre est en ligne"
    } else {
        "Votre modification d'offre n'a pas été retenue"
    };
    state
        .store
        .enqueue_mail(email, subject, &mail.render()?, None, state.clock.now())
        .await?;
    Ok(())
}
