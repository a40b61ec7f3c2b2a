use std::sync::Arc;

use chrono::Duration;
use tremplin_domain::Offer;
use tremplin_search::{SearchQuery, SearchResults};

use super::CatalogueQuery;
use super::trips::{self, MAX_EXAMINED, NoCar, Trips};
use crate::{AppState, WebError};

/// Offers found, in order, with their distance when the search had a commune.
#[derive(Debug)]
pub struct Found {
    pub total: usize,
    pub offers: Vec<(Arc<Offer>, Option<f64>)>,
    /// The radius actually searched, when it had to be widened to find something.
    pub widened_to: Option<u32>,
    /// With a commune: the weekly trips, and what the trip filter and sort did.
    pub trips: Trips,
}

impl Found {
    /// The offers as pages and the API show them, each with its weekly trip.
    pub fn views(&self, state: &AppState, near_approximate: bool) -> Vec<super::OfferView> {
        self.offers
            .iter()
            .map(|(o, d)| {
                let mut v = super::view(state, o, *d, near_approximate);
                if let Some(w) = self.trips.weekly.get(&o.id) {
                    v.weekly_trip_km = Some((w.total_km() * 10.0).round() / 10.0);
                    v.weekly_trip_label = Some(w.label());
                    v.weekly_trip_detail = Some(w.detail());
                }
                v.reachable_without_car = self.trips.no_car == NoCar::Applied;
                v
            })
            .collect()
    }
}

/// Where "new this week" starts: the last seven days, so that Thursday's edition stays new
/// until the next one. The home page, the offer cards, the "Nouvelles cette semaine" filter
/// and the dashboard all count from here.
pub fn new_since(now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    now - Duration::days(7)
}

/// The offers in the catalogue now that are new this week, newest first: the first `shown`
/// of them and how many there are. One count for the home page and the dashboard.
pub async fn new_this_week(state: &AppState, shown: u32) -> Result<Found, WebError> {
    let q = CatalogueQuery {
        new_only: true,
        sort: tremplin_search::Sort::Date,
        per_page: shown.max(1),
        ..Default::default()
    };
    run(state, &q).await
}

/// Runs the search as asked.
pub async fn run(state: &AppState, q: &CatalogueQuery) -> Result<Found, WebError> {
    let results = search_index(state, &state.index, q, q.radius_km).await?;
    load(state, q, results, None).await
}

/// Runs the search as asked over another index than the instance's (an edition's new offers,
/// for the alerts): the same query, the same rules.
pub async fn run_in(
    state: &AppState,
    index: &std::sync::Arc<tremplin_search::SearchIndex>,
    q: &CatalogueQuery,
) -> Result<Found, WebError> {
    let results = search_index(state, index, q, q.radius_km).await?;
    load(state, q, results, None).await
}

/// Runs the search; near a commune with nothing found, widens the radius by 20 km up to
/// 100 km, as the page then says.
pub async fn run_widening(state: &AppState, q: &CatalogueQuery) -> Result<Found, WebError> {
    let mut results = search_index(state, &state.index, q, q.radius_km).await?;
    let mut widened_to = None;
    if results.total == 0 && q.near.is_some() && q.radius_km < 100 {
        let mut radius = q.radius_km;
        while results.total == 0 && radius < 100 {
            radius = (radius + 20).min(100);
            results = search_index(state, &state.index, q, radius).await?;
        }
        if results.total > 0 {
            widened_to = Some(radius);
        }
    }
    load(state, q, results, widened_to).await
}

async fn search_index(
    state: &AppState,
    index: &std::sync::Arc<tremplin_search::SearchIndex>,
    q: &CatalogueQuery,
    radius_km: u32,
) -> Result<SearchResults, WebError> {
    let now = state.clock.now();
    let query = SearchQuery {
        text: q.text.clone(),
        near: q
            .near
            .as_ref()
            .map(|n| (n.lat, n.lon, f64::from(radius_km))),
        rome_codes: q.rome.iter().map(|c| c.as_str().to_owned()).collect(),
        levels: q.levels.iter().map(|l| l.get()).collect(),
        contract: q.contract,
        rqth_only: q.rqth,
        start_from: q.start_from,
        start_to: q.start_to,
        today: Some(now.date_naive()),
        published_since: q.new_only.then(|| new_since(now)),
        sort: q.sort,
        // The trip stage filters and orders what the index found: it takes the first ones
        // whole and cuts the page itself.
        offset: if q.needs_trips() {
            0
        } else {
            ((q.page - 1) * q.per_page) as usize
        },
        limit: if q.needs_trips() {
            MAX_EXAMINED
        } else {
            q.per_page as usize
        },
    };
    // On the request's own thread: a search takes a fraction of a millisecond at 100 000 offers
    // (a few at a million), less than handing it to a blocking thread and back costs.
    Ok(index.search(&query)?)
}

async fn load(
    state: &AppState,
    q: &CatalogueQuery,
    results: SearchResults,
    widened_to: Option<u32>,
) -> Result<Found, WebError> {
    let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    let offers = state.offers.get_offers(&state.store, &ids).await?;
    // An offer withdrawn since the index last caught up is left out rather than shown stale.
    let offers: Vec<(Arc<Offer>, Option<f64>)> = offers
        .into_iter()
        .filter(|o| o.is_listed())
        .map(|o| {
            let d = results
                .hits
                .iter()
                .find(|h| h.id == o.id)
                .and_then(|h| h.distance_km);
            (o, d)
        })
        .collect();
    let (offers, total, trips) = match &q.near {
        Some(near) => trips::apply(state, q, near, offers, results.total).await?,
        None => (offers, results.total, Trips::default()),
    };
    Ok(Found {
        total,
        offers,
        widened_to,
        trips,
    })
}

/// Offers like `offer` to show when it is closed or to a young person waiting on it: the
/// same métier within 30 km of its commune (widened up to 100 km), without the offer itself.
/// Also the search that finds them all, as a page address.
pub async fn similar(
    state: &AppState,
    offer: &Offer,
    limit: usize,
) -> Result<(Vec<super::OfferView>, String), WebError> {
    let commune = state.refs.communes.get(offer.fields.commune.as_str());
    let q = CatalogueQuery {
        near: commune.map(super::Near::from),
        rome: offer.fields.rome_codes.clone(),
        sort: tremplin_search::Sort::Distance,
        per_page: (limit + 1) as u32,
        ..CatalogueQuery::default()
    };
    let found = run_widening(state, &q).await?;
    let views = found
        .offers
        .iter()
        .filter(|(o, _)| o.id != offer.id)
        .take(limit)
        .map(|(o, d)| super::view(state, o, *d, false))
        .collect();
    let mut search: Vec<(&str, String)> = offer
        .fields
        .rome_codes
        .iter()
        .map(|c| ("metier", c.to_string()))
        .collect();
    if let Some(c) = commune {
        search.push(("commune", c.link_key()));
        if let Some(r) = found.widened_to {
            search.push(("rayon", r.to_string()));
        }
    }
    let query = serde_urlencoded::to_string(&search).unwrap_or_default();
    Ok((views, format!("/offres?{query}")))
}
