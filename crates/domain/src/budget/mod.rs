//! « Ma vie d'apprenti·e » : a month's budget built from the computed pay, in two scenarios
//! side by side (staying at the parents' and driving, or renting a room near the training
//! centre for its weeks), with the aids that may apply, each with its condition. Every figure
//! (cost per km, road factor, fares, the aids' fixed amounts and thresholds) is read from the
//! rules table at the budget's month; an aid whose amount is a CAF computation is never given a
//! number (« à estimer sur caf.fr »). Pure: no clock, no storage.

mod travel;

use chrono::NaiveDate;
use serde::Serialize;

pub use travel::{Leg, TravelRules, road_leg};

use crate::Invalid;
use crate::pay::{Category, Rule, RuleSet};

/// Weeks in a month, on average (52 weeks over 12 months, as the SMIC's 151,67 hours).
pub const WEEKS_PER_MONTH: f64 = 52.0 / 12.0;

/// How the young person travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Mode {
    /// Their own car.
    Voiture,
    /// A car shared with others: the cost per km is split.
    Covoiturage,
    /// The regional coach (Nomad).
    Car,
    /// On foot, by bike, or taken by someone else: no cost counted.
    Aucun,
}

impl Mode {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        match s.trim() {
            "voiture" => Ok(Self::Voiture),
            "covoiturage" => Ok(Self::Covoiturage),
            "car" => Ok(Self::Car),
            "aucun" => Ok(Self::Aucun),
            _ => Err(Invalid::new(
                "transport",
                "Choisissez un moyen de transport : voiture, covoiturage, car ou aucun.",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Voiture => "voiture",
            Self::Covoiturage => "covoiturage",
            Self::Car => "car",
            Self::Aucun => "aucun",
        }
    }
}

/// Everything the budget needs, checked at construction.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetInput {
    /// The month the pay and the rules are read for.
    pub month: NaiveDate,
    pub net: f64,
    pub gross: f64,
    /// The monthly SMIC in force that month.
    pub smic: f64,
    pub age: u32,
    /// A private employer (Mobili-Jeune is for private, non-agricultural employers).
    pub private_employer: bool,
    /// As the crow flies, home → company and home → training centre; None when unknown.
    pub home_company_km: Option<f64>,
    pub home_cfa_km: Option<f64>,
    pub mode: Mode,
    /// People sharing the car, the young person included (2 and more for a car-pool).
    pub carpool: u32,
    /// Working days a week (company and centre alike).
    pub days_per_week: u32,
    /// Weeks at the training centre out of 4 (1 for « 3 semaines en entreprise, 1 au CFA »).
    pub cfa_weeks_in_4: u32,
    /// The young person has their own home (rent), else lives at the parents'.
    pub own_home: bool,
    /// The rent, or what they give their parents, a month.
    pub housing: f64,
    /// The room near the training centre, a month (scenario « je loue près du CFA »).
    pub room: f64,
    pub food: f64,
    pub phone: f64,
    pub insurance: f64,
    pub leisure: f64,
    pub other: f64,
}

/// Largest amount typed in a budget field, a month: beyond is a typing error.
pub const MAX_AMOUNT: f64 = 10_000.0;

impl BudgetInput {
    /// Checks what a person typed: amounts between 0 and [`MAX_AMOUNT`], 1 to 7 days a week,
    /// 0 to 4 weeks at the centre out of 4, 1 to 8 people in a car, distances under 1 000 km.
    pub fn check(self) -> Result<Self, Invalid> {
        for (field, label, v) in [
            ("logement", "le logement", self.housing),
            ("chambre", "la chambre près du CFA", self.room),
            ("alimentation", "l'alimentation", self.food),
            ("telephone", "le téléphone", self.phone),
            ("assurance", "l'assurance", self.insurance),
            ("loisirs", "les loisirs", self.leisure),
            ("autres", "les autres dépenses", self.other),
        ] {
            if !v.is_finite() || !(0.0..=MAX_AMOUNT).contains(&v) {
                return Err(Invalid::new(
                    field,
                    format!(
                        "Le montant pour {label} va de 0 à {} € par mois.",
                        MAX_AMOUNT as u32
                    ),
                ));
            }
        }
        if !(1..=7).contains(&self.days_per_week) {
            return Err(Invalid::new(
                "jours",
                "Le nombre de jours de travail par semaine va de 1 à 7.",
            ));
        }
        if self.cfa_weeks_in_4 > 4 {
            return Err(Invalid::new(
                "rythme",
                "Le rythme se donne en semaines au CFA sur 4, de 0 à 4.",
            ));
        }
        if !(1..=8).contains(&self.carpool) {
            return Err(Invalid::new(
                "covoiturage",
                "Le covoiturage se fait de 1 à 8 personnes, toi compris·e.",
            ));
        }
        for km in [self.home_company_km, self.home_cfa_km]
            .into_iter()
            .flatten()
        {
            if !km.is_finite() || !(0.0..1000.0).contains(&km) {
                return Err(Invalid::new(
                    "commune",
                    "Cette distance n'est pas possible pour un trajet de tous les jours.",
                ));
            }
        }
        Ok(self)
    }
}

/// One line of a scenario: what it is, a month, and how it was counted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub label: String,
    pub amount: f64,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AidStatus {
    /// Its conditions are met by what was typed.
    Likely,
    /// Some condition cannot be checked here (the employer's levy, the CAF's computation).
    ToCheck,
    /// A condition is not met: the reason is given.
    No,
}

/// An aid, its condition, what it amounts to (a ceiling from the rules, or « à estimer ») and
/// where to apply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aid {
    pub name: &'static str,
    pub status: AidStatus,
    pub condition: String,
    pub amount: String,
    /// A fixed ceiling counted in « avec les aides » (OPCO, per month); None for the others.
    pub counted: Option<f64>,
    pub link: &'static str,
    pub link_label: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub key: &'static str,
    pub title: &'static str,
    pub income: f64,
    pub lines: Vec<Line>,
    pub costs: f64,
    /// Net pay minus the costs.
    pub left: f64,
    pub aids: Vec<Aid>,
    /// `left` plus the aids with a fixed ceiling whose conditions are met, at their ceiling.
    pub left_with_aids: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    pub scenarios: [Scenario; 2],
    /// The car trips, when the distances are known.
    pub to_company: Option<Leg>,
    pub to_cfa: Option<Leg>,
    /// Every rule read, once each.
    pub used: Vec<Rule>,
}

pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Reads budget rules at the budget's month and remembers which.
pub(crate) struct Reader<'a> {
    rules: &'a RuleSet,
    date: NaiveDate,
    pub(crate) used: Vec<Rule>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(rules: &'a RuleSet, date: NaiveDate) -> Self {
        Self {
            rules,
            date,
            used: Vec::new(),
        }
    }

    /// The budget rule in force, or None when the table does not know it at that date (the
    /// budget then says the figure is unknown rather than guessing).
    pub(crate) fn get(&mut self, key: &str) -> Option<f64> {
        let rule = self.rules.at(Category::Budget, key, self.date)?;
        if !self.used.contains(rule) {
            self.used.push(rule.clone());
        }
        Some(rule.number())
    }

    pub(crate) fn need(&mut self, key: &str) -> Result<f64, Invalid> {
        self.get(key).ok_or_else(|| {
            Invalid::new(
                "debut",
                format!(
                    "Le budget ne connaît pas la règle « {key} » à cette date : un·e administrateur·rice peut l'ajouter (Gestion → Règles)."
                ),
            )
        })
    }
}

/// The two scenarios for `input`, under `rules`.
pub fn compute(input: &BudgetInput, rules: &RuleSet) -> Result<Budget, Invalid> {
    let mut r = Reader::new(rules, input.month);
    let travel = TravelRules::read(&mut r)?;
    let to_company = input.home_company_km.map(|km| road_leg(km, &travel));
    let to_cfa = input.home_cfa_km.map(|km| road_leg(km, &travel));
    let cfa_share = f64::from(input.cfa_weeks_in_4) / 4.0;
    let days = f64::from(input.days_per_week);
    let company_days = WEEKS_PER_MONTH * (1.0 - cfa_share) * days;
    let cfa_weeks = WEEKS_PER_MONTH * cfa_share;
    let cfa_days = cfa_weeks * days;
    let mut scenarios = Vec::with_capacity(2);
    for room in [false, true] {
        let mut lines = Vec::new();
        let housing_label = if input.own_home {
            "Mon loyer"
        } else {
            "Ma participation chez mes parents"
        };
        lines.push(Line {
            label: housing_label.into(),
            amount: round2(input.housing),
            detail: String::new(),
        });
        if room {
            lines.push(Line {
                label: "Ma chambre près du CFA".into(),
                amount: round2(input.room),
                detail: "le double loyer des semaines au CFA".into(),
            });
        }
        // Daily round trips to the company; to the centre, daily from home or once a week
        // from the room.
        let cfa_round_trips = if room { cfa_weeks } else { cfa_days };
        let company = travel::trips_cost(
            input,
            &mut r,
            to_company.as_ref(),
            company_days,
            false,
            room,
        )?;
        let cfa = travel::trips_cost(input, &mut r, to_cfa.as_ref(), cfa_round_trips, true, room)?;
        for (label, cost) in [
            ("Trajets vers l'entreprise", company),
            ("Trajets vers le CFA", cfa),
        ] {
            if let Some((amount, detail)) = cost {
                lines.push(Line {
                    label: label.into(),
                    amount,
                    detail,
                });
            }
        }
        for (label, v) in [
            ("Alimentation", input.food),
            ("Téléphone", input.phone),
            ("Assurances", input.insurance),
            ("Loisirs, sorties", input.leisure),
            ("Autres dépenses", input.other),
        ] {
            lines.push(Line {
                label: label.into(),
                amount: round2(v),
                detail: String::new(),
            });
        }
        let costs = round2(lines.iter().map(|l| l.amount).sum());
        let left = round2(input.net - costs);
        let aids = aids(input, &mut r, room, cfa_days, cfa_weeks)?;
        let counted: f64 = aids.iter().filter_map(|a| a.counted).sum();
        scenarios.push(Scenario {
            key: if room { "chambre" } else { "route" },
            title: if room {
                "Je loue près du CFA"
            } else {
                "Je garde ma chambre chez mes parents et je fais la route"
            },
            income: round2(input.net),
            lines,
            costs,
            left,
            aids,
            left_with_aids: round2(left + counted),
        });
    }
    let mut used = r.used;
    used.sort_by(|a, b| (&a.key, a.valid_from).cmp(&(&b.key, b.valid_from)));
    let [a, b]: [Scenario; 2] = scenarios
        .try_into()
        .map_err(|_| Invalid::new("budget", "Calcul impossible."))?;
    Ok(Budget {
        scenarios: [a, b],
        to_company,
        to_cfa,
        used,
    })
}

fn euros(x: f64) -> String {
    crate::pay::euros(x)
}

/// The aids, each with its condition checked against what was typed.
fn aids(
    input: &BudgetInput,
    r: &mut Reader,
    room: bool,
    cfa_days: f64,
    cfa_weeks: f64,
) -> Result<Vec<Aid>, Invalid> {
    let mut aids = Vec::new();
    // OPCO: meals on the centre's days, and nights in the room, up to fixed ceilings.
    let meal = r.need("opco_repas")?;
    let night = r.need("opco_nuit")?;
    let nights = if room {
        cfa_weeks * f64::from(input.days_per_week.saturating_sub(1))
    } else {
        0.0
    };
    let opco = round2(cfa_days * meal + nights * night);
    aids.push(Aid {
        name: "Frais de repas et d'hébergement (OPCO, par le CFA)",
        status: if opco > 0.0 {
            AidStatus::Likely
        } else {
            AidStatus::No
        },
        condition: if room {
            format!(
                "Pendant les semaines au CFA : repas jusqu'à {} l'un, nuits jusqu'à {} l'une ; le CFA les demande à ton OPCO et te les verse.",
                euros(meal),
                euros(night)
            )
        } else {
            format!(
                "Pendant les semaines au CFA : repas jusqu'à {} l'un (et les nuits si tu dors près du CFA) ; le CFA les demande à ton OPCO et te les verse.",
                euros(meal)
            )
        },
        amount: format!("jusqu'à {} par mois", euros(opco)),
        counted: (opco > 0.0).then_some(opco),
        link: "https://akto.fr",
        link_label: "Demande à ton CFA",
    });
    // Mobili-Jeune: under 30, private employer, pay under a ceiling, two rents or a move far.
    let age_max = r.need("mobili_jeune_age_max")?;
    let ceiling = r.need("mobili_jeune_plafond")?;
    let far = r.need("mobili_jeune_distance")?;
    let (low, high) = (r.need("mobili_jeune_min")?, r.need("mobili_jeune_max")?);
    let moved_far = input.own_home && input.home_company_km.is_some_and(|k| k > far);
    let mut why_not = Vec::new();
    if f64::from(input.age) >= age_max {
        why_not.push(format!("il faut avoir moins de {age_max} ans"));
    }
    if !input.private_employer {
        why_not.push("c'est pour les employeurs privés".to_owned());
    }
    if input.gross > input.smic * ceiling / 100.0 {
        why_not.push(format!(
            "ton salaire brut dépasse {} du SMIC",
            crate::pay::percent(ceiling)
        ));
    }
    if !(room || moved_far) {
        why_not.push(format!(
            "il faut payer deux loyers, ou un logement à plus de {far} km de l'ancien"
        ));
    }
    aids.push(Aid {
        name: "Mobili-Jeune (Action Logement)",
        status: if why_not.is_empty() {
            AidStatus::ToCheck
        } else {
            AidStatus::No
        },
        condition: if why_not.is_empty() {
            format!(
                "Moins de {age_max} ans, employeur privé non agricole, salaire brut d'au plus {} du SMIC, deux loyers (ou un logement à plus de {far} km) : tu sembles y avoir droit si ton employeur n'est pas agricole.",
                crate::pay::percent(ceiling)
            )
        } else {
            format!("Pas dans ce cas : {}.", why_not.join(" ; "))
        },
        amount: format!(
            "de {} à {} par mois selon ton loyer et ton APL : à estimer sur actionlogement.fr",
            euros(low),
            euros(high)
        ),
        counted: None,
        link: "https://www.actionlogement.fr",
        link_label: "Demander Mobili-Jeune",
    });
    // APL: a CAF computation, never a number here.
    if input.own_home || room {
        aids.push(Aid {
            name: "Aide au logement (APL)",
            status: AidStatus::ToCheck,
            condition: "Les apprenti·es y ont droit aux conditions habituelles pour un logement qu'ils louent."
                .into(),
            amount: "à estimer sur caf.fr".into(),
            counted: None,
            link: "https://www.caf.fr",
            link_label: "Simuler sur caf.fr",
        });
    }
    // Prime d'activité: 18 and more, and paid enough.
    let min_age = r.need("prime_activite_age_min")?;
    let threshold = r.get("prime_activite_seuil_net");
    let (status, condition) = match threshold {
        _ if f64::from(input.age) < min_age => (AidStatus::No, format!("Pas avant {min_age} ans.")),
        None => (
            AidStatus::ToCheck,
            format!(
                "{min_age} ans et plus, et un salaire assez élevé : le seuil n'est pas connu à cette date."
            ),
        ),
        Some(t) if input.net >= t => (
            AidStatus::ToCheck,
            format!(
                "{min_age} ans et plus, et un salaire net d'au moins {} sur les 3 derniers mois : tu sembles y avoir droit.",
                euros(t)
            ),
        ),
        Some(t) => (
            AidStatus::No,
            format!(
                "Il faut un salaire net d'au moins {} sur les 3 derniers mois ; le tien est de {}.",
                euros(t),
                euros(input.net)
            ),
        ),
    };
    aids.push(Aid {
        name: "Prime d'activité (CAF)",
        status,
        condition,
        amount: "à estimer sur caf.fr".into(),
        counted: None,
        link: "https://www.caf.fr",
        link_label: "Simuler sur caf.fr",
    });
    // Nomad's school pass: under 18, home ↔ centre.
    let nomad_age = r.need("nomad_scolaire_age_max")?;
    let pass = if room {
        r.need("nomad_scolaire_interne")?
    } else {
        r.need("nomad_scolaire_demi_pension")?
    };
    aids.push(Aid {
        name: "Abonnement de transport scolaire Nomad (Région Normandie)",
        status: if f64::from(input.age) < nomad_age {
            AidStatus::Likely
        } else {
            AidStatus::No
        },
        condition: if f64::from(input.age) < nomad_age {
            format!(
                "Moins de {nomad_age} ans, pour aller du domicile au CFA en car : {} par an{}.",
                euros(pass),
                if input.mode == Mode::Car {
                    " (compté dans tes trajets vers le CFA)"
                } else {
                    ""
                }
            )
        } else {
            format!("Pour les apprenti·es de moins de {nomad_age} ans.")
        },
        amount: format!("{} par an", euros(pass)),
        counted: None,
        link: "https://nomad.normandie.fr",
        link_label: "S'inscrire sur nomad.normandie.fr",
    });
    Ok(aids)
}

#[cfg(test)]
mod tests;
