//! After each edition, one mail per confirmed alert with that edition's new offers matching its
//! search; and the alerts' retention.
//!
//! The matching runs the catalogue's own search over an index of the edition's new offers
//! only, built in memory for the round: the same analysis and filters as the results page,
//! without waiting for this instance's index to follow the publication. Each (alert, edition)
//! is recorded in the transaction that queues its mail, so a round cut short by a restart
//! picks up where it stopped, and two instances never send the same mail.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use tremplin_search::SearchIndex;
use tremplin_storage::EntryKind;

use super::mails::{self, Line};
use super::{INACTIVE_DAYS, MAX_OFFERS_PER_MAIL, NOTICE_DAYS, PENDING_DAYS};
use crate::services::catalogue::{self, CatalogueQuery, ParamStyle};
use crate::services::indexer::offer_doc;
use crate::{AppState, WebError};

/// Sends the alerts of every edition of the last six days not yet done; returns how many
/// mails were queued.
pub async fn send_after_editions(state: &AppState) -> Result<usize, WebError> {
    let now = state.clock.now();
    let mut queued = 0;
    for (number, published_at) in state
        .store
        .editions_awaiting_alerts(now - Duration::days(6))
        .await?
    {
        let Some(edition) = state.store.edition(number).await? else {
            continue;
        };
        let new: Vec<i64> = edition
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::New)
            .map(|e| e.offer_id)
            .collect();
        let docs: Vec<_> = state
            .store
            .get_offers(&new)
            .await?
            .iter()
            .filter_map(|o| offer_doc(o, &state.refs))
            .collect();
        // The week's pépites still published go with every mail of the edition.
        let pepites = crate::services::pepite_picks::shown(state, number).await?;
        let index = Arc::new(SearchIndex::in_ram()?);
        let fill = index.clone();
        let has_offers = !docs.is_empty();
        tokio::task::spawn_blocking(move || fill.rebuild(docs, 0))
            .await
            .map_err(|e| WebError::Internal(e.to_string()))??;
        for alert in state
            .store
            .alerts_awaiting(number, published_at.timestamp())
            .await?
        {
            let found = match CatalogueQuery::parse(&alert.search, ParamStyle::Page, state) {
                Ok(q) if has_offers => {
                    let q = CatalogueQuery {
                        page: 1,
                        per_page: MAX_OFFERS_PER_MAIL,
                        ..q
                    };
                    catalogue::run_in(state, &index, &q).await?
                }
                // A search the referentials no longer understand, or an edition without new
                // offers: nothing to send, and the alert is done for this edition.
                _ => catalogue::Found {
                    total: 0,
                    offers: Vec::new(),
                    widened_to: None,
                    trips: Default::default(),
                },
            };
            let mail = if found.offers.is_empty() {
                None
            } else {
                let lines: Vec<(i64, Line)> = found
                    .offers
                    .iter()
                    .map(|(o, d)| {
                        let v = catalogue::view(state, o, *d, false);
                        (
                            o.id,
                            Line {
                                title: v.title,
                                company: v.company_name,
                                commune: v.commune_name,
                                distance: v.distance_label,
                                link: String::new(),
                            },
                        )
                    })
                    .collect();
                let more = found.total.saturating_sub(lines.len());
                Some(mails::offers(state, &alert, number, lines, more, &pepites)?)
            };
            let sent = state
                .store
                .deliver_alert(alert.id, number, found.total as i64, mail.as_ref(), now)
                .await?;
            if sent && mail.is_some() {
                queued += 1;
            }
        }
        state.store.alert_round_done(number, now).await?;
        tracing::info!(
            numero = number,
            envois = queued,
            "alertes de l'édition envoyées"
        );
    }
    Ok(queued)
}

/// Erases unconfirmed alerts after 7 days and unused ones after 12 months, telling the young
/// person 30 days before. Returns how many were erased.
pub async fn forget_old(state: &AppState) -> Result<u64, WebError> {
    let now = state.clock.now();
    let warn_before = now - Duration::days(INACTIVE_DAYS - NOTICE_DAYS);
    for alert in state.store.alerts_to_warn(warn_before.timestamp()).await? {
        let erased_on = Utc
            .timestamp_opt(alert.active_unix, 0)
            .single()
            .map(|t| t + Duration::days(INACTIVE_DAYS))
            .map(|t| t.max(now + Duration::days(NOTICE_DAYS)))
            .unwrap_or(now + Duration::days(NOTICE_DAYS))
            .with_timezone(&Paris)
            .format("%d/%m/%Y")
            .to_string();
        let mail = mails::notice(state, &alert, &erased_on)?;
        state.store.warn_alert(alert.id, &mail, now).await?;
    }
    let erased = state
        .store
        .forget_alerts(
            (now - Duration::days(PENDING_DAYS)).timestamp(),
            (now - Duration::days(INACTIVE_DAYS)).timestamp(),
            (now - Duration::days(NOTICE_DAYS)).timestamp() + 1,
        )
        .await?;
    if erased > 0 {
        tracing::info!(
            alertes = erased,
            "alertes effacées au terme de leur conservation"
        );
    }
    Ok(erased)
}
