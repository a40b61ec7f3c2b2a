//! « Diffusion »: which channel brings whom. Views of offer pages opened through a channel's
//! link and the applications that came through one, by channel and by week (a chart with its
//! table), the offers most opened, and what each edition's new offers brought. Counted without
//! cookie or address: numbers per week, channel and offer.

use crate::services::reach::{self, EditionReach};
use crate::shell::charts::{Chart, week_bounds};
use crate::shell::dates::french_date;
use crate::{AppState, WebError};

/// How far back « Diffusion » looks.
pub const WEEKS: usize = 8;

pub struct Diffusion {
    /// (channel as named, views, applications), channels that brought something.
    pub by_channel: Vec<(String, i64, i64)>,
    pub charts: Vec<Chart>,
    /// (offer id, title, views)
    pub most_viewed: Vec<(i64, String, i64)>,
    /// (edition number, published, new offers, views, applications)
    pub editions: Vec<(i64, String, i64, i64, i64)>,
}

impl Diffusion {
    pub fn is_empty(&self) -> bool {
        self.by_channel.is_empty()
    }
}

pub async fn diffusion(state: &AppState) -> Result<Diffusion, WebError> {
    let (starts, bounds) = week_bounds(state.clock.now(), WEEKS);
    let channels = reach::channels(state).await?;
    let (views, applications) = reach::weekly(state, &starts, &bounds).await?;
    let total = |counts: &[tremplin_storage::PeriodCount], key: &str| -> i64 {
        counts
            .iter()
            .filter(|c| c.category == key)
            .map(|c| i64::from(c.count))
            .sum()
    };
    let by_channel: Vec<(String, i64, i64)> = channels
        .iter()
        .map(|(key, label)| (label.clone(), total(&views, key), total(&applications, key)))
        .filter(|(_, v, a)| *v > 0 || *a > 0)
        .collect();
    // Only the channels that brought something get a colour in the charts.
    let shown: Vec<(&str, &str)> = channels
        .iter()
        .filter(|(key, _)| total(&views, key) > 0 || total(&applications, key) > 0)
        .map(|(k, l)| (k.as_str(), l.as_str()))
        .collect();
    let charts = if shown.is_empty() {
        Vec::new()
    } else {
        vec![
            Chart::weekly(
                "diffusion-vues",
                "Offres ouvertes par un lien partagé, par semaine et par canal",
                &starts,
                &shown,
                &views,
            ),
            Chart::weekly(
                "diffusion-candidatures",
                "Candidatures venues d'un lien partagé, par semaine et par canal",
                &starts,
                &shown,
                &applications,
            ),
        ]
    };
    let most_viewed = state
        .store
        .most_viewed(starts.first().copied().unwrap_or_default(), 5)
        .await?;
    let editions = reach::editions(state, 4)
        .await?
        .into_iter()
        .map(|e: EditionReach| {
            (
                e.number,
                french_date(e.published),
                e.new_offers,
                e.views,
                e.applications,
            )
        })
        .collect();
    Ok(Diffusion {
        by_channel,
        charts,
        most_viewed,
        editions,
    })
}
