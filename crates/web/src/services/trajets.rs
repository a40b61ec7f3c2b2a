//! Trips by road between communes, for the offer page and the budget: the distance as the crow
//! flies, made a road distance and an approximate car time by the rules table (road factor,
//! average speed, both « à vérifier » until the Mission Locale sets them), and the training
//! centres of an offer (its own, or the nearest teaching its diploma when none is set).

use tremplin_domain::Offer;
use tremplin_domain::budget::{Leg, TravelRules, road_leg};
use tremplin_domain::geo::{format_distance, haversine_km};
use tremplin_referentiels::{Commune, fold};
use tremplin_storage::TrainingCentre;

use crate::{AppState, WebError};

/// How many centres are offered when the offer names none.
pub const NEAREST_CFAS: usize = 3;

/// The road rules in force today, or None when the table has none (the page then gives the
/// distance as the crow flies only).
pub async fn travel_rules(state: &AppState) -> Result<Option<TravelRules>, WebError> {
    let rules = crate::services::simulateur::rules(state).await?;
    let today = state.clock.now().date_naive();
    Ok(TravelRules::at(&rules, today))
}

/// One trip as pages show it.
#[derive(Debug, Clone)]
pub struct Trip {
    pub crow_km: f64,
    /// « 28 km à vol d'oiseau » (≈ when a point is approximate).
    pub crow: String,
    /// « ≈ 36 km par la route », « ≈ 35 min en voiture »; None without road rules.
    pub road: Option<String>,
    pub time: Option<String>,
    pub leg: Option<Leg>,
}

pub fn trip(a: &Commune, b: (f64, f64, bool), rules: Option<&TravelRules>) -> Trip {
    let km = haversine_km(a.lat, a.lon, b.0, b.1);
    let leg = rules.map(|r| road_leg(km, r));
    Trip {
        crow_km: km,
        crow: format!(
            "{} à vol d'oiseau",
            format_distance(km, a.approximate || b.2)
        ),
        road: leg.map(|l| l.road_label()),
        time: leg.map(|l| format!("{} en voiture", l.time_label())),
        leg,
    }
}

/// Where an offer's company is: its own point if geocoded, else its commune's centre.
pub fn company_point(state: &AppState, offer: &Offer) -> Option<(f64, f64, bool)> {
    let commune = state.refs.communes.get(offer.fields.commune.as_str());
    offer
        .fields
        .location
        .map(|p| (p.lat, p.lon, false))
        .or(commune.map(|c| (c.lat, c.lon, c.approximate)))
}

/// A training centre and its commune.
#[derive(Debug, Clone)]
pub struct Cfa {
    pub centre: TrainingCentre,
    pub commune_name: String,
    pub point: Option<(f64, f64, bool)>,
    /// The centre is the offer's own (not one of the nearest teaching the diploma).
    pub own: bool,
}

/// A training centre as pages show it, with its commune.
fn cfa_of(state: &AppState, c: TrainingCentre, own: bool) -> Cfa {
    let commune = state.refs.communes.get(&c.commune_code);
    Cfa {
        commune_name: commune.map_or_else(|| c.commune_code.clone(), |k| k.name.clone()),
        point: commune.map(|k| (k.lat, k.lon, k.approximate)),
        centre: c,
        own,
    }
}

/// The centres whose diplomas include `diploma` (same words, accents and case aside), nearest
/// to `near` first when it is given; at most `limit`.
pub async fn centres_teaching(
    state: &AppState,
    diploma: &str,
    near: Option<(f64, f64)>,
    limit: usize,
) -> Result<Vec<Cfa>, WebError> {
    let diploma = fold(diploma);
    if diploma.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: Vec<Cfa> = state
        .store
        .training_centres()
        .await?
        .into_iter()
        .filter(|c| c.diploma_list().any(|d| fold(d) == diploma))
        .map(|c| cfa_of(state, c, false))
        .collect();
    if let Some((lat, lon)) = near {
        let d = |c: &Cfa| {
            c.point
                .map_or(f64::MAX, |(a, b, _)| haversine_km(lat, lon, a, b))
        };
        found.sort_by(|a, b| d(a).total_cmp(&d(b)));
    }
    found.truncate(limit);
    Ok(found)
}

/// The offer's centre, or the nearest centres whose diplomas include the offer's diploma,
/// nearest to the company first; empty when none is known.
pub async fn cfas_for(state: &AppState, offer: &Offer) -> Result<Vec<Cfa>, WebError> {
    if let Some(id) = offer.cfa_id {
        return Ok(state
            .store
            .training_centre(id)
            .await?
            .map(|c| vec![cfa_of(state, c, true)])
            .unwrap_or_default());
    }
    let Some(diploma) = offer.fields.diploma_label.as_deref() else {
        return Ok(Vec::new());
    };
    let near = company_point(state, offer).map(|(lat, lon, _)| (lat, lon));
    centres_teaching(state, diploma, near, NEAREST_CFAS).await
}

/// The trips an offer page shows: from the young person's commune to the company, and from
/// the company (and from home) to each training centre.
pub struct OfferTrips {
    /// The young person's commune: (name, how links name it).
    pub home: Option<(String, String)>,
    pub to_company: Option<Trip>,
    pub cfas: Vec<CfaTrips>,
    /// Whether the road rules are known (else distances as the crow flies only).
    pub road_known: bool,
}

pub struct CfaTrips {
    pub name: String,
    pub commune: String,
    pub website: Option<String>,
    pub own: bool,
    pub from_company: Option<Trip>,
    pub from_home: Option<Trip>,
}

pub async fn for_offer(
    state: &AppState,
    offer: &Offer,
    home: Option<&Commune>,
) -> Result<OfferTrips, WebError> {
    let rules = travel_rules(state).await?;
    let company = company_point(state, offer);
    let to_company = home.zip(company).map(|(h, c)| trip(h, c, rules.as_ref()));
    let cfas = cfas_for(state, offer)
        .await?
        .into_iter()
        .map(|c| {
            let company_commune = state.refs.communes.get(offer.fields.commune.as_str());
            CfaTrips {
                from_company: company_commune
                    .zip(c.point)
                    .map(|(k, p)| trip(k, p, rules.as_ref())),
                from_home: home.zip(c.point).map(|(h, p)| trip(h, p, rules.as_ref())),
                name: c.centre.name,
                commune: c.commune_name,
                website: c.centre.website,
                own: c.own,
            }
        })
        .collect();
    Ok(OfferTrips {
        home: home.map(|h| (h.name.clone(), h.link_key())),
        to_company,
        cfas,
        road_known: rules.is_some(),
    })
}

/// The week's trips by road from the young person's commune, as results show and sort them:
/// Monday there and Friday back to the company, and the same to the training centre when the
/// offer names one (a week at the company and a week at the centre, side by side).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeeklyTrip {
    /// One way, kilometres (by road when the rules table has the road factor).
    pub company_km: f64,
    pub cfa_km: Option<f64>,
    /// The road factor was known (else distances as the crow flies).
    pub road: bool,
}

impl WeeklyTrip {
    /// 2 × home → company + 2 × home → centre (when known).
    pub fn total_km(&self) -> f64 {
        2.0 * self.company_km + 2.0 * self.cfa_km.unwrap_or(0.0)
    }

    /// « ≈ 84 km de trajet par semaine »
    pub fn label(&self) -> String {
        let km = self.total_km().round() as i64;
        if self.road {
            format!("≈ {km} km de trajet par semaine")
        } else {
            format!("{km} km de trajet par semaine à vol d'oiseau")
        }
    }

    /// « 2 × 22 km jusqu'à l'entreprise + 2 × 20 km jusqu'au CFA »: how the total is counted.
    pub fn detail(&self) -> String {
        let mut s = format!(
            "2 × {} km jusqu'à l'entreprise",
            self.company_km.round() as i64
        );
        if let Some(c) = self.cfa_km {
            s.push_str(&format!(" + 2 × {} km jusqu'au CFA", c.round() as i64));
        }
        s
    }
}

/// The weekly trip from `home` to `company` (and to `cfa`), by road with the rules' factor.
pub fn weekly(
    home: (f64, f64),
    company: (f64, f64),
    cfa: Option<(f64, f64)>,
    rules: Option<&TravelRules>,
) -> WeeklyTrip {
    let factor = rules.map_or(1.0, |r| r.road_factor);
    let km = |p: (f64, f64)| haversine_km(home.0, home.1, p.0, p.1) * factor;
    WeeklyTrip {
        company_km: km(company),
        cfa_km: cfa.map(km),
        road: rules.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weekly_trip_is_twice_each_way_by_road() {
        let rules = TravelRules {
            cost_per_km: 0.6,
            road_factor: 1.5,
            speed_kmh: 60.0,
        };
        // One degree of latitude ≈ 111.19 km; a tenth of it, by road × 1.5 ≈ 16.68 km.
        let home = (48.0, 0.5);
        let w = weekly(home, (48.1, 0.5), Some((48.2, 0.5)), Some(&rules));
        assert!((w.company_km - 16.68).abs() < 0.01, "{w:?}");
        assert!(
            (w.total_km() - 2.0 * 16.68 - 2.0 * 33.36).abs() < 0.05,
            "{w:?}"
        );
        assert_eq!(w.label(), "≈ 100 km de trajet par semaine");
        assert_eq!(
            w.detail(),
            "2 × 17 km jusqu'à l'entreprise + 2 × 33 km jusqu'au CFA"
        );
        let crow = weekly(home, (48.1, 0.5), None, None);
        assert_eq!(crow.label(), "22 km de trajet par semaine à vol d'oiseau");
    }
}
