//! Lines of the back office's lists, shared by the pages that show offers or applications.

use tremplin_domain::Offer;

use crate::AppState;

/// An offer line in the back office.
pub struct OfferLine {
    pub id: i64,
    pub title: String,
    pub company: String,
    pub commune: String,
    pub status: &'static str,
    pub validated: bool,
    pub updated: String,
    /// A partner's change waits for a counselor (set by the pages that show it).
    pub pending: bool,
}

pub fn line(state: &AppState, o: &Offer) -> OfferLine {
    OfferLine {
        id: o.id,
        title: o.fields.title.clone(),
        company: o.fields.company_name.clone(),
        commune: state
            .refs
            .communes
            .get(o.fields.commune.as_str())
            .map_or_else(|| o.fields.commune.to_string(), |c| c.name.clone()),
        status: o.status.label(),
        validated: o.validated_at.is_some(),
        updated: crate::shell::dates::paris_day(o.updated_at),
        pending: false,
    }
}

pub struct ApplicationLine {
    pub id: i64,
    pub sent: String,
    pub name: String,
    pub offer_id: i64,
    pub offer: String,
    pub status: &'static str,
    pub has_cv: bool,
}
