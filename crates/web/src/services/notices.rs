//! Telling applicants that an offer they applied to has closed, whatever closed it.

use askama::Template;
use tremplin_domain::application::ApplicationStatus;
use tremplin_domain::{ClosingReason, Offer};

use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "services/templates/mail/closed.txt")]
struct ClosedMail<'a> {
    first_name: &'a str,
    title: &'a str,
    why: &'a str,
    /// The same sentence as the follow-up page's ([`tremplin_domain::NOT_A_REFUSAL`]).
    not_a_refusal: &'static str,
}

#[derive(Template)]
#[template(path = "services/templates/mail/closed.html")]
struct ClosedMailHtml<'a> {
    m: &'a ClosedMail<'a>,
}

/// An offer was filled, withdrawn or expired: every applicant still waiting is told.
pub async fn notify_offer_closed(
    state: &AppState,
    offer: &Offer,
    reason: ClosingReason,
) -> Result<usize, WebError> {
    let why = reason.phrase();
    let now = state.clock.now();
    let mut told = 0;
    for a in state.store.pending_applications(offer.id).await? {
        state
            .store
            .set_application_status(a.id, ApplicationStatus::NonRetenue, Some(why), now)
            .await?;
        if let Some(email) = &a.email {
            let mail = ClosedMail {
                first_name: &a.first_name,
                title: &offer.fields.title,
                why,
                not_a_refusal: tremplin_domain::NOT_A_REFUSAL,
            };
            let text = mail.render()?;
            let html = ClosedMailHtml { m: &mail }.render()?;
            state
                .store
                .enqueue_mail(
                    email,
                    "L'offre à laquelle vous avez postulé n'est plus disponible",
                    &text,
                    Some(&html),
                    now,
                )
                .await?;
            told += 1;
        }
    }
    Ok(told)
}
