//! The dashboard's figures about offers (how many per status, the next edition's preview,
//! publications per week), kept until any offer changes.
//!
//! They count the whole catalogue: at 100 000 offers, all published this week, a quarter of a
//! second of SQLite work for every dashboard shown. Every write to an offer takes the next
//! revision of the database ([`tremplin_storage::Store::current_revision`]), so figures
//! computed at a revision hold, exactly, as long as the revision has not moved; reading it is
//! one row.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tremplin_domain::OfferStatus;
use tremplin_storage::PeriodCount;

use crate::{AppState, WebError};

/// The statuses counted, in the dashboard's order.
pub const STATUSES: [OfferStatus; 4] = [
    OfferStatus::AValider,
    OfferStatus::Publiee,
    OfferStatus::AReverifier,
    OfferStatus::Brouillon,
];

/// One organisation's figures (everyone's for counselors).
#[derive(Debug, Clone, PartialEq)]
pub struct OfferFigures {
    /// How many offers have each of [`STATUSES`].
    pub per_status: [i64; 4],
    /// For counselors: the next edition's preview counts and the publications per week of
    /// the bounds asked.
    pub preview: (i64, i64, i64),
    pub publications: Vec<PeriodCount>,
}

/// (organisation, the first week's start): what the figures were computed for.
type Key = (Option<i64>, Option<DateTime<Utc>>);

/// The figures last computed for each key, with their revision.
#[derive(Default)]
pub struct Kept(Mutex<Vec<(Key, i64, Arc<OfferFigures>)>>);

/// At most this many keys are kept (one per partner organisation looking at its dashboard).
const KEYS: usize = 32;

/// The figures of `organisation` (`None`: all offers), with the counselors' preview and
/// publications per period of `bounds` when `bounds` is given.
pub async fn figures(
    state: &AppState,
    organisation: Option<i64>,
    bounds: Option<&[DateTime<Utc>]>,
) -> Result<Arc<OfferFigures>, WebError> {
    let key: Key = (organisation, bounds.and_then(|b| b.first().copied()));
    let revision = state.store.current_revision().await?;
    let kept = &state.offer_figures.0;
    if let Some((_, _, f)) = kept
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(k, r, _)| *k == key && *r == revision)
    {
        return Ok(f.clone());
    }
    let mut per_status = [0; 4];
    for (n, status) in per_status.iter_mut().zip(STATUSES) {
        *n = state.store.count_offers(status, organisation).await?;
    }
    let (preview, publications) = match bounds {
        Some(bounds) => (
            state.store.edition_preview_counts().await?,
            state.store.publications_per_period(bounds).await?,
        ),
        None => ((0, 0, 0), Vec::new()),
    };
    let figures = Arc::new(OfferFigures {
        per_status,
        preview,
        publications,
    });
    let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
    kept.retain(|(k, _, _)| *k != key);
    if kept.len() >= KEYS {
        kept.remove(0);
    }
    kept.push((key, revision, figures.clone()));
    Ok(figures)
}
