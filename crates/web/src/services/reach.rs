//! Reach: which channel a link names (the known channels and the partners' widgets, each
//! under its own name), and what they brought, per week and per edition.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use tremplin_domain::reach;
use tremplin_storage::PeriodCount;

use crate::{AppState, WebError};

/// The channel `via` names, in its canonical spelling: a known channel, or a partner's widget
/// registered in the back office. Anything else counts for nothing.
pub async fn channel(state: &AppState, via: &str) -> Result<Option<String>, WebError> {
    if let Some(known) = reach::channel(via) {
        return Ok(Some(known.to_owned()));
    }
    let via = via.trim();
    if via.is_empty() || via.len() > 40 {
        return Ok(None);
    }
    Ok(state
        .store
        .widgets()
        .await?
        .into_iter()
        .find(|(slug, _)| slug == via)
        .map(|(slug, _)| slug))
}

/// Every channel, as links carry it and as the dashboard names it: the known ones, then the
/// partners' widgets ("Widget · ENT lycée Jean-Monnet").
pub async fn channels(state: &AppState) -> Result<Vec<(String, String)>, WebError> {
    let mut all: Vec<(String, String)> = reach::CHANNELS
        .iter()
        .map(|(k, l)| ((*k).to_owned(), (*l).to_owned()))
        .collect();
    for (slug, label) in state.store.widgets().await? {
        all.push((slug, format!("Widget · {label}")));
    }
    Ok(all)
}

/// Views and applications per week and channel, for the weeks starting at `starts` (Paris
/// Mondays) bounded by `bounds` (one more instant than weeks, see `shell::charts::week_bounds`).
pub async fn weekly(
    state: &AppState,
    starts: &[NaiveDate],
    bounds: &[DateTime<Utc>],
) -> Result<(Vec<PeriodCount>, Vec<PeriodCount>), WebError> {
    let (Some(first), Some(since)) = (starts.first(), bounds.first()) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let views = state
        .store
        .views_by_week(*first)
        .await?
        .into_iter()
        .filter_map(|(week, channel, n)| {
            let monday = NaiveDate::parse_from_str(&week, "%Y-%m-%d").ok()?;
            Some(PeriodCount {
                period: starts.iter().position(|s| *s == monday)?,
                category: channel,
                count: u32::try_from(n).unwrap_or(u32::MAX),
            })
        })
        .collect();
    let applications = state
        .store
        .application_channels(*since)
        .await?
        .into_iter()
        .filter_map(|(channel, at)| {
            let period = bounds
                .windows(2)
                .position(|w| (w[0].timestamp()..w[1].timestamp()).contains(&at))?;
            Some(PeriodCount {
                period,
                category: channel,
                count: 1,
            })
        })
        .collect();
    Ok((views, applications))
}

/// What one edition's new offers brought.
pub struct EditionReach {
    pub number: i64,
    pub published: DateTime<Utc>,
    pub new_offers: i64,
    pub views: i64,
    pub applications: i64,
}

/// The last `limit` editions and what their new offers brought since each was published.
pub async fn editions(state: &AppState, limit: i64) -> Result<Vec<EditionReach>, WebError> {
    let mut out = Vec::new();
    for e in state.store.editions(limit).await? {
        let day = e
            .published_at
            .with_timezone(&chrono_tz::Europe::Paris)
            .date_naive();
        let week = day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()));
        let (new_offers, views, applications) = state
            .store
            .edition_reach(e.number, week, e.published_at)
            .await?;
        out.push(EditionReach {
            number: e.number,
            published: e.published_at,
            new_offers,
            views,
            applications,
        });
    }
    Ok(out)
}
