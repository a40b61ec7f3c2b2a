//! Phoning employers about their offers, for the pages that list offers to confirm ("Ma
//! semaine", the edition's preview): whom to call, and confirming an offer with its call.

use std::collections::HashMap;

use tremplin_domain::network::{CallInput, CallOutcome};
use tremplin_domain::{Offer, Telephone};

use crate::{AppState, WebError};

/// Whom to call about an offer: the company's first contact, or the offer's own phone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WhomToCall {
    /// "Mme Leroy (gérante)", empty when the company has no named contact.
    pub name: String,
    /// "02 33 24 00 00"
    pub phone: String,
    /// "+33233240000", for a `tel:` link; empty without a phone.
    pub tel: String,
}

/// Whom to call for each offer, by offer id.
pub async fn whom_to_call(
    state: &AppState,
    offers: &[Offer],
) -> Result<HashMap<i64, WhomToCall>, WebError> {
    let mut companies: Vec<i64> = offers.iter().map(|o| o.company_id).collect();
    companies.sort_unstable();
    companies.dedup();
    let contacts = state.store.first_contacts(&companies).await?;
    Ok(offers
        .iter()
        .map(|o| {
            let contact = contacts.get(&o.company_id);
            let phone = contact
                .and_then(|c| c.phone.as_deref())
                .and_then(|p| Telephone::parse(p).ok())
                .or_else(|| o.fields.contact.phone.clone());
            let name = contact.map_or_else(String::new, |c| match &c.role {
                Some(role) => format!("{} ({role})", c.name),
                None => c.name.clone(),
            });
            (
                o.id,
                WhomToCall {
                    name,
                    phone: phone.as_ref().map(Telephone::display).unwrap_or_default(),
                    tel: phone
                        .as_ref()
                        .map(Telephone::international)
                        .unwrap_or_default(),
                },
            )
        })
        .collect())
}

/// The note a confirmation call is prefilled with.
pub fn confirmation_note(offer: &Offer, whom: &WhomToCall) -> String {
    if whom.name.is_empty() {
        format!("Offre « {} » confirmée au téléphone", offer.fields.title)
    } else {
        format!(
            "Offre « {} » confirmée au téléphone avec {}",
            offer.fields.title, whom.name
        )
    }
}

/// Confirms the offer after a call and writes the call in its company's log; returns the
/// call's id, what "Annuler" takes back.
pub async fn confirm(
    state: &AppState,
    offer: &Offer,
    notes: &str,
    next_call_on: Option<chrono::NaiveDate>,
    user_id: i64,
) -> Result<i64, WebError> {
    let call = CallInput {
        outcome: CallOutcome::OffreConfirmee,
        notes: notes.trim().to_owned(),
        next_call_on,
    };
    Ok(state
        .store
        .confirm_offer_by_call(offer.id, &call, Some(user_id), state.clock.now())
        .await?)
}
