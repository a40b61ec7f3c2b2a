//! The Thursday edition as a service: when it falls, publishing it (once, even after a
//! restart or with several instances), and the day's deadlines and alerts that go with it.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use tremplin_storage::Edition;

use tremplin_domain::ClosingReason;

use crate::shell::dates::paris_iso_week;
use crate::{AppState, WebError};

/// The most recent scheduled publication at or before `now`: weekday (1 = Monday) and time,
/// Europe/Paris.
pub fn due_slot(now: DateTime<Utc>, weekday: i64, at: NaiveTime) -> DateTime<Utc> {
    let local = now.with_timezone(&Paris).date_naive();
    let back =
        (i64::from(local.weekday().number_from_monday()) - weekday.clamp(1, 7)).rem_euclid(7);
    let slot = slot_on(local - Duration::days(back), at);
    if slot > now {
        slot_on(local - Duration::days(back + 7), at)
    } else {
        slot
    }
}

/// `at` on `date` in Paris, as an instant.
fn slot_on(date: chrono::NaiveDate, at: NaiveTime) -> DateTime<Utc> {
    Paris
        .from_local_datetime(&date.and_time(at))
        .earliest()
        // A time skipped by the spring change: take the instant an hour later.
        .unwrap_or_else(|| Paris.from_utc_datetime(&(date.and_time(at) - Duration::hours(1))))
        .with_timezone(&Utc)
}

/// How a slot is named in the database: one edition a slot.
pub fn slot_key(slot: DateTime<Utc>) -> String {
    slot.with_timezone(&Paris).to_rfc3339()
}

/// When the next scheduled edition falls; `None` without a territory.
pub fn next_slot(state: &AppState) -> Option<DateTime<Utc>> {
    let t = state.territory()?;
    Some(due_slot(state.clock.now(), t.publication_weekday, t.publication_time) + Duration::days(7))
}

/// Publishes the edition now, outside the schedule (from the back office or the command line).
pub async fn publish_manual(state: &AppState, by: Option<i64>) -> Result<Edition, WebError> {
    let now = state.clock.now();
    // Published ahead of the schedule, it takes the picks made for the next edition.
    let week = paris_iso_week(next_slot(state).unwrap_or(now));
    let edition = state
        .store
        .publish_edition(&format!("manuelle:{}", now.to_rfc3339()), now, by)
        .await?
        .ok_or_else(|| {
            WebError::BadRequest("Une édition vient d'être publiée à l'instant.".into())
        })?;
    state
        .store
        .record_edition_pepites(edition.number, &week)
        .await?;
    Ok(edition)
}

/// One round of scheduled work: the due edition if it is not published yet (a server that was
/// down at publication time publishes it at start, once), then re-verification and expiry.
pub async fn tick(state: &AppState) -> Result<Option<Edition>, WebError> {
    let Some(t) = state.territory() else {
        return Ok(None);
    };
    let now = state.clock.now();
    let due = due_slot(now, t.publication_weekday, t.publication_time);
    let mut published = None;
    if now - due < Duration::days(6) && !state.store.edition_published_for(&slot_key(due)).await? {
        published = state
            .store
            .publish_edition(&slot_key(due), now, None)
            .await?;
        if let Some(e) = &published {
            // The pépites the counselor picked for this slot's week go out with it.
            let pepites = state
                .store
                .record_edition_pepites(e.number, &paris_iso_week(due))
                .await?;
            tracing::info!(
                pepites,
                numero = e.number,
                offres = e.entries.len(),
                "édition publiée"
            );
        }
    }
    let verified_before = now - Duration::weeks(t.reverify_weeks.max(1));
    let start_before = now.date_naive() - Duration::days(t.start_tolerance_days.max(0));
    state
        .store
        .apply_deadlines(verified_before, start_before, now)
        .await?;
    for (offer_id, status) in state.store.closed_offers_with_waiting_applicants().await? {
        let reason = ClosingReason::of(status).unwrap_or(ClosingReason::Expired);
        if let Some(offer) = state.store.get_offer(offer_id).await? {
            crate::services::notices::notify_offer_closed(state, &offer, reason).await?;
        }
    }
    crate::services::retention::forget_old(state).await?;
    // After the publication, in the same round: the alerts of every edition not yet done
    // (this one, or a manual one), then their retention.
    crate::services::alerts::tick(state).await?;
    Ok(published)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nine() -> NaiveTime {
        NaiveTime::from_hms_opt(9, 0, 0).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_due_slot_is_the_last_thursday_nine_oclock_in_paris() {
        // Thursday 26 November 2026, 10:00 UTC = 11:00 in Paris: today's 09:00 is due.
        assert_eq!(
            due_slot(utc("2026-11-26T10:00:00Z"), 4, nine()),
            utc("2026-11-26T08:00:00Z")
        );
        // 07:59 UTC = 08:59 in Paris: still last week's.
        assert_eq!(
            due_slot(utc("2026-11-26T07:59:00Z"), 4, nine()),
            utc("2026-11-19T08:00:00Z")
        );
        // Monday: the previous Thursday.
        assert_eq!(
            due_slot(utc("2026-11-30T12:00:00Z"), 4, nine()),
            utc("2026-11-26T08:00:00Z")
        );
        // Summer time: 09:00 in Paris is 07:00 UTC.
        assert_eq!(
            due_slot(utc("2026-07-02T12:00:00Z"), 4, nine()),
            utc("2026-07-02T07:00:00Z")
        );
    }
}
