//! Trips by road: a distance as the crow flies made into a road distance (a road factor from
//! the rules), an approximate car time (an average speed from the rules), and what a month of
//! trips costs by car, car-pool or coach.

use serde::Serialize;

use super::{BudgetInput, Mode, Reader, round2};
use crate::Invalid;
use crate::pay::{Category, RuleSet, euros};

/// The figures of a road trip, from the rules table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TravelRules {
    /// Euros a kilometre (the table holds cents).
    pub cost_per_km: f64,
    pub road_factor: f64,
    pub speed_kmh: f64,
}

impl TravelRules {
    pub(crate) fn read(r: &mut Reader) -> Result<Self, Invalid> {
        Ok(Self {
            cost_per_km: r.need("voiture_cout_km")? / 100.0,
            road_factor: r.need("facteur_route")?,
            speed_kmh: r.need("vitesse_moyenne")?,
        })
    }

    /// The road rules in force on `date`, for pages that show a trip without a budget.
    pub fn at(rules: &RuleSet, date: chrono::NaiveDate) -> Option<Self> {
        let n = |key: &str| rules.at(Category::Budget, key, date).map(|r| r.number());
        Some(Self {
            cost_per_km: n("voiture_cout_km")? / 100.0,
            road_factor: n("facteur_route")?,
            speed_kmh: n("vitesse_moyenne")?.max(1.0),
        })
    }
}

/// One way by road.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Leg {
    pub crow_km: f64,
    pub road_km: f64,
    /// Approximate car time, rounded to 5 minutes (at least 5).
    pub minutes: u32,
}

impl Leg {
    /// `≈ 1 h 05`, `≈ 25 min`.
    pub fn time_label(&self) -> String {
        let (h, m) = (self.minutes / 60, self.minutes % 60);
        if h == 0 {
            format!("≈ {m} min")
        } else {
            format!("≈ {h} h {m:02}")
        }
    }

    /// `≈ 47 km par la route`.
    pub fn road_label(&self) -> String {
        format!("≈ {} km par la route", self.road_km.round() as i64)
    }
}

pub fn road_leg(crow_km: f64, rules: &TravelRules) -> Leg {
    let road_km = crow_km * rules.road_factor;
    let minutes = road_km / rules.speed_kmh.max(1.0) * 60.0;
    let minutes = ((minutes / 5.0).round() as u32 * 5).max(5);
    Leg {
        crow_km,
        road_km,
        minutes,
    }
}

/// A month of round trips on one leg: (cost, how it was counted), or None when the distance
/// is unknown and the mode needs it.
pub(crate) fn trips_cost(
    input: &BudgetInput,
    r: &mut Reader,
    leg: Option<&Leg>,
    round_trips: f64,
    to_cfa: bool,
    boarder: bool,
) -> Result<Option<(f64, String)>, Invalid> {
    if round_trips <= 0.0 {
        return Ok(None);
    }
    let trips = format!("{} allers-retours", round_trips.round() as i64);
    Ok(match input.mode {
        Mode::Aucun => Some((
            0.0,
            format!("{trips} à pied, à vélo ou accompagné·e : rien de compté"),
        )),
        Mode::Car => {
            let age_max = r.need("nomad_scolaire_age_max")?;
            if to_cfa && f64::from(input.age) < age_max {
                let key = if boarder {
                    "nomad_scolaire_interne"
                } else {
                    "nomad_scolaire_demi_pension"
                };
                let year = r.need(key)?;
                Some((
                    round2(year / 12.0),
                    format!(
                        "abonnement scolaire Nomad, {} par an (moins de {age_max} ans)",
                        euros(year)
                    ),
                ))
            } else {
                let (low, high) = (r.need("car_trajet_min")?, r.need("car_trajet_max")?);
                Some((
                    round2(round_trips * 2.0 * high),
                    format!(
                        "{trips} en car à {} le trajet au plus (de {} à {} selon la distance)",
                        euros(high),
                        euros(low),
                        euros(high)
                    ),
                ))
            }
        }
        Mode::Voiture | Mode::Covoiturage => match leg {
            None => None,
            Some(leg) => {
                let per_km = r.need("voiture_cout_km")? / 100.0;
                let people = if input.mode == Mode::Covoiturage {
                    input.carpool.max(1)
                } else {
                    1
                };
                let km = round_trips * 2.0 * leg.road_km;
                let shared = if people > 1 {
                    format!(", partagé à {people}")
                } else {
                    String::new()
                };
                Some((
                    round2(km * per_km / f64::from(people)),
                    format!(
                        "{trips} de {} km, {} km à {} le km{shared}",
                        leg.road_km.round() as i64,
                        km.round() as i64,
                        euros(per_km)
                    ),
                ))
            }
        },
    })
}
