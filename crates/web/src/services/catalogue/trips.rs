//! The trip stage of a search with a commune: each offer's weekly trip by road, and, when
//! asked, the « atteignable sans voiture » filter and the order by weekly trip. The index
//! cannot do either: the stage looks at the offers it found, at most `MAX_EXAMINED` of them.

use std::collections::HashMap;
use std::sync::Arc;

use tremplin_domain::Offer;

use super::{CatalogueQuery, Near};
use crate::services::trajets::{self, WeeklyTrip};
use crate::services::transport;
use crate::{AppState, WebError};

/// At most this many offers (the first in the index's order: the nearest for the trip sort)
/// are examined by the filter and the trip sort.
pub const MAX_EXAMINED: usize = 1000;

/// What became of « atteignable sans voiture ».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoCar {
    #[default]
    NotAsked,
    /// Only the offers reached by coach, train and walking are kept.
    Applied,
    /// No timetable imported: nothing is known, every offer is shown.
    Unknown,
    /// The imported timetables run no day in the next weeks: every offer is shown.
    NoService,
}

impl NoCar {
    /// What the page and the API say when the filter could not be applied.
    pub fn notice(self) -> Option<&'static str> {
        match self {
            NoCar::Unknown => Some(
                "Les horaires des cars et des trains ne sont pas connus de Tremplin : impossible de dire quelles offres sont atteignables sans voiture. Toutes les offres sont affichées.",
            ),
            NoCar::NoService => Some(
                "Les horaires de cars et de trains connus de Tremplin ne comptent aucun départ ces prochaines semaines : impossible de dire quelles offres sont atteignables sans voiture. Toutes les offres sont affichées.",
            ),
            NoCar::NotAsked | NoCar::Applied => None,
        }
    }
}

/// What the stage did.
#[derive(Debug, Clone, Default)]
pub struct Trips {
    /// The weekly trip of each offer returned, by offer id (none without a known location).
    pub weekly: HashMap<i64, WeeklyTrip>,
    pub no_car: NoCar,
    /// The filter or the trip sort looked at only the first `MAX_EXAMINED` offers found.
    pub capped: bool,
}

impl Trips {
    /// « Seules les 1 000 offres les plus proches ont été examinées. »
    pub fn capped_notice(&self, q: &CatalogueQuery) -> Option<String> {
        self.capped.then(|| {
            let which = if q.sort == tremplin_search::Sort::Distance {
                "les plus proches"
            } else {
                "les premières dans l'ordre choisi"
            };
            format!(
                "Cette recherche trouve plus de 1 000 offres : seules les 1 000 {which} ont été examinées pour le trajet. Réduisez la distance ou ajoutez un critère pour voir les autres."
            )
        })
    }
}

/// Runs the stage over the offers found (in the index's order). Without the filter or the
/// trip sort, only the weekly trips are added; with them, the offers come back filtered,
/// ordered and cut to the page asked, with their new total.
pub async fn apply(
    state: &AppState,
    q: &CatalogueQuery,
    near: &Near,
    offers: Vec<(Arc<Offer>, Option<f64>)>,
    found_total: usize,
) -> Result<(Vec<(Arc<Offer>, Option<f64>)>, usize, Trips), WebError> {
    let rules = trajets::travel_rules(state).await?;
    let home = (near.lat, near.lon);
    struct Row {
        offer: Arc<Offer>,
        distance: Option<f64>,
        company: Option<(f64, f64)>,
        cfa: Option<(f64, f64)>,
        weekly: Option<WeeklyTrip>,
    }
    let mut rows: Vec<Row> = offers
        .into_iter()
        .map(|(offer, distance)| {
            let company = trajets::company_point(state, &offer).map(|(a, b, _)| (a, b));
            // The centre's point: its commune's centre (addresses are not kept).
            let cfa = offer
                .cfa_commune
                .as_deref()
                .and_then(|c| state.refs.communes.get(c))
                .map(|k| (k.lat, k.lon));
            let weekly = company.map(|c| trajets::weekly(home, c, cfa, rules.as_ref()));
            Row {
                offer,
                distance,
                company,
                cfa,
                weekly,
            }
        })
        .collect();
    let mut trips = Trips::default();
    let mut total = found_total;
    if q.needs_trips() {
        trips.capped = found_total > MAX_EXAMINED;
        if q.no_car {
            trips.no_car = match transport::network(state).await? {
                None => NoCar::Unknown,
                Some(loaded) => {
                    // The company's point and the centre's, for every offer, in one list.
                    let places: Vec<(f64, f64)> = rows
                        .iter()
                        .flat_map(|r| r.company.into_iter().chain(r.cfa))
                        .collect();
                    let today = crate::shell::dates::paris_today(state.clock.now());
                    let reached = tokio::task::spawn_blocking(move || {
                        transport::reachable(&loaded, home, &places, today)
                    })
                    .await
                    .map_err(|e| WebError::Internal(format!("trajets interrompus : {e}")))?;
                    match reached {
                        None => NoCar::NoService,
                        Some(reached) => {
                            let mut next = reached.into_iter();
                            let keep: Vec<bool> = rows
                                .iter()
                                .map(|r| {
                                    // An offer whose place is unknown cannot be said reachable.
                                    let company =
                                        r.company.is_some_and(|_| next.next() == Some(true));
                                    let cfa = r.cfa.is_none_or(|_| next.next() == Some(true));
                                    company && cfa
                                })
                                .collect();
                            let mut keep = keep.into_iter();
                            rows.retain(|_| keep.next() == Some(true));
                            NoCar::Applied
                        }
                    }
                }
            };
        }
        if q.trip_sort {
            // Stable: equal trips keep the index's order (the nearest first).
            rows.sort_by(|a, b| {
                let key = |r: &Row| r.weekly.map_or(f64::MAX, |w| w.total_km());
                key(a).total_cmp(&key(b))
            });
        }
        total = rows.len();
        let skip = ((q.page - 1) * q.per_page) as usize;
        rows = rows
            .into_iter()
            .skip(skip)
            .take(q.per_page as usize)
            .collect();
    }
    trips.weekly = rows
        .iter()
        .filter_map(|r| r.weekly.map(|w| (r.offer.id, w)))
        .collect();
    Ok((
        rows.into_iter().map(|r| (r.offer, r.distance)).collect(),
        total,
        trips,
    ))
}
