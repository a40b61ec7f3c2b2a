//! The pay simulator's work shared by its page and its JSON: the rules in force (from the
//! rules table, with administrators' confirmations), and the query read into a checked
//! contract. Nothing here is stored.

use std::sync::Arc;

use chrono::{Months, NaiveDate};
use serde::Deserialize;
use tremplin_domain::pay::{self, PayInput, Rule, RuleSet, Sector};
use tremplin_domain::{ContractType, NiveauDiplome};

use crate::{AppState, WebError};

/// How long the rules read stay in use before they are read again: an administrator's new or
/// confirmed row shows at once on the instance that took it ([`forget_rules`]), and within
/// this delay on the others. Offer pages and searches near a commune read the rules on every
/// request (the road costs): reading the table each time was a third of an offer page.
const RULES_FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(5);

/// The rules as last read, and when.
#[derive(Default)]
pub struct RulesCache(std::sync::Mutex<Option<(std::time::Instant, Arc<RuleSet>)>>);

/// Every rule of the table; a row stays « à vérifier » until an administrator confirms it.
pub async fn rules(state: &AppState) -> Result<Arc<RuleSet>, WebError> {
    if let Some((at, rules)) = state
        .pay_rules
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        && at.elapsed() < RULES_FRESH_FOR
    {
        return Ok(rules.clone());
    }
    let read_at = std::time::Instant::now();
    let stored = state.store.pay_rules().await?;
    let rules = Arc::new(RuleSet::new(
        stored
            .into_iter()
            .map(|s| {
                let awaiting = s.awaiting_check();
                Rule {
                    to_verify: awaiting,
                    ..s.rule
                }
            })
            .collect(),
    ));
    *state.pay_rules.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((read_at, rules.clone()));
    Ok(rules)
}

/// After a change of the table on this instance: the next request reads it again.
pub fn forget_rules(state: &AppState) {
    *state.pay_rules.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// The simulator's parameters as typed (page form or API query), all optional here.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct SimQuery {
    pub naissance: Option<String>,
    pub age: Option<String>,
    pub debut: Option<String>,
    pub duree_mois: Option<String>,
    pub contrat: Option<String>,
    pub secteur: Option<String>,
    pub niveau: Option<String>,
    pub minimum_conventionnel: Option<String>,
}

/// The simulator's fields as typed, to show them back in a form: each clipped, the two
/// choices defaulted (apprentissage, privé).
#[derive(Debug, Default, Clone)]
pub struct SimEcho {
    pub naissance: String,
    pub age: String,
    pub debut: String,
    pub duree_mois: String,
    pub contrat: String,
    pub secteur: String,
    pub niveau: String,
    pub minimum: String,
}

impl SimQuery {
    pub fn echo(&self) -> SimEcho {
        let v = |o: &Option<String>| o.as_deref().unwrap_or_default().chars().take(40).collect();
        SimEcho {
            naissance: v(&self.naissance),
            age: v(&self.age),
            debut: v(&self.debut),
            duree_mois: v(&self.duree_mois),
            contrat: self
                .contrat
                .clone()
                .filter(|c| c == "professionnalisation")
                .unwrap_or_else(|| "apprentissage".into()),
            secteur: self
                .secteur
                .clone()
                .filter(|s| s == "public")
                .unwrap_or_else(|| "prive".into()),
            niveau: v(&self.niveau),
            minimum: v(&self.minimum_conventionnel),
        }
    }
}

fn filled(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn date(v: &str, what: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
        format!(
            "{what} « {} » n'est pas une date AAAA-MM-JJ (ex. 2026-09-01).",
            clip(v)
        )
    })
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

impl SimQuery {
    /// Whether the person asked for a computation (the page opened from an offer only
    /// prefills the form).
    pub fn asks(&self) -> bool {
        filled(&self.naissance).is_some() || filled(&self.age).is_some()
    }

    /// The contract to simulate, or the French reason it cannot be. `allow_age`: the page
    /// accepts an age instead of a birth date; the API wants the date.
    pub fn input(&self, allow_age: bool) -> Result<PayInput, String> {
        let start = date(
            filled(&self.debut)
                .ok_or("Indiquez la date de début du contrat (debut, AAAA-MM-JJ).")?,
            "La date de début",
        )?;
        let birth = match (filled(&self.naissance), filled(&self.age)) {
            (Some(b), _) => date(b, "La date de naissance")?,
            (None, Some(a)) if allow_age => {
                let years: u32 = a
                    .parse()
                    .ok()
                    .filter(|y| (pay::MIN_AGE..=pay::MAX_AGE).contains(y))
                    .ok_or_else(|| {
                        format!(
                            "L'âge se donne en années, de {} à {} ans.",
                            pay::MIN_AGE,
                            pay::MAX_AGE
                        )
                    })?;
                // Without a birth date, the birthday falls on the start: the latest bracket
                // changes, so the figures are never above what the law guarantees.
                start
                    .checked_sub_months(Months::new(years * 12))
                    .ok_or("Cet âge n'est pas possible.")?
            }
            _ => return Err("Indiquez la date de naissance (naissance, AAAA-MM-JJ).".into()),
        };
        let months: u32 = filled(&self.duree_mois)
            .ok_or("Indiquez la durée du contrat en mois (duree_mois, de 6 à 36).")?
            .parse()
            .map_err(|_| "La durée du contrat est un nombre de mois, de 6 à 36.".to_owned())?;
        let contract = match filled(&self.contrat) {
            None => {
                return Err(
                    "Indiquez le type de contrat : apprentissage ou professionnalisation.".into(),
                );
            }
            Some(c) => ContractType::parse(c).map_err(|e| e.message)?,
        };
        let sector = Sector::parse(
            filled(&self.secteur).ok_or("Indiquez le secteur de l'employeur : prive ou public.")?,
        )
        .map_err(|e| e.message)?;
        let level = filled(&self.niveau)
            .map(NiveauDiplome::parse)
            .transpose()
            .map_err(|e| e.message)?;
        let minimum = match filled(&self.minimum_conventionnel) {
            None => None,
            Some(m) => Some(
                pay::parse_amount(&m.replace([' ', '\u{a0}', '€'], ""))
                    .ok_or("Le minimum conventionnel est un salaire mensuel brut en euros (ex. 1900 ou 1900,50).")?,
            ),
        };
        PayInput::new(birth, start, months, contract, sector, level, minimum).map_err(|e| e.message)
    }
}

/// Runs the simulation: a bad contract (or one the rules do not cover) is the person's input
/// to fix, a 400.
pub async fn run(
    state: &AppState,
    q: &SimQuery,
    allow_age: bool,
) -> Result<(PayInput, pay::Simulation), WebError> {
    let input = q.input(allow_age).map_err(WebError::BadRequest)?;
    let rules = rules(state).await?;
    let sim = pay::simulate(&input, &rules).map_err(|e| WebError::BadRequest(e.message))?;
    Ok((input, sim))
}
