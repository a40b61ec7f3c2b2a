//! What an apprentice (or a professionalisation contract) earns, month by month for the whole
//! contract, from the rules as data ([`RuleSet`]): the age bracket changes on the first day of
//! the month after the 18th, 21st and 26th birthdays (art. D6222-34 Code du travail), the
//! contract year on each anniversary, the SMIC at its dates; the net under the contribution
//! rules in force on the day the contract started. Pure: no clock, no storage.

mod by_age;
mod compute;
pub mod rules;
mod text;

use chrono::{Datelike, Months, NaiveDate};

pub use by_age::{AgePay, first_year_by_age};
pub use compute::{Change, MonthPay, Simulation, YearPay, simulate};
pub use rules::{Category, Rule, RuleSet, parse_amount, parse_csv};
pub use text::{euros, month_year, percent};

use crate::{ContractType, Invalid, NiveauDiplome};

/// The employer's sector: public employers pay no employee contribution for an apprentice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sector {
    Prive,
    Public,
}

impl Sector {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        match s.trim() {
            "prive" | "privé" => Ok(Self::Prive),
            "public" => Ok(Self::Public),
            other => Err(Invalid::new(
                "secteur",
                format!(
                    "« {} » n'est pas un secteur : « prive » ou « public ».",
                    other.chars().take(40).collect::<String>()
                ),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prive => "prive",
            Self::Public => "public",
        }
    }
}

/// Shortest and longest contract the simulator computes (6 months to 3 years).
pub const MIN_MONTHS: u32 = 6;
pub const MAX_MONTHS: u32 = 36;
/// Youngest and oldest age at the start that the simulator accepts (15 after the 3ème; no
/// upper limit with an RQTH, so a broad bound against typing errors).
pub const MIN_AGE: u32 = 15;
pub const MAX_AGE: u32 = 70;

/// A contract to simulate, checked at construction.
#[derive(Debug, Clone, PartialEq)]
pub struct PayInput {
    pub birth: NaiveDate,
    pub start: NaiveDate,
    pub months: u32,
    pub contract: ContractType,
    pub sector: Sector,
    /// The diploma prepared: needed for professionalisation (below the bac or not).
    pub level: Option<NiveauDiplome>,
    /// The collective agreement's monthly minimum for the job, gross, in euros.
    pub agreed_minimum: Option<f64>,
}

impl PayInput {
    pub fn new(
        birth: NaiveDate,
        start: NaiveDate,
        months: u32,
        contract: ContractType,
        sector: Sector,
        level: Option<NiveauDiplome>,
        agreed_minimum: Option<f64>,
    ) -> Result<Self, Invalid> {
        if !(MIN_MONTHS..=MAX_MONTHS).contains(&months) {
            return Err(Invalid::new(
                "duree_mois",
                format!(
                    "La durée du contrat va de {MIN_MONTHS} à {MAX_MONTHS} mois, pas {months}."
                ),
            ));
        }
        let age = age_on(birth, start);
        if birth >= start || !(MIN_AGE..=MAX_AGE).contains(&age) {
            return Err(Invalid::new(
                "naissance",
                format!(
                    "À la date de début, l'âge doit être entre {MIN_AGE} et {MAX_AGE} ans : vérifiez la date de naissance et la date de début."
                ),
            ));
        }
        if start.checked_add_months(Months::new(months)).is_none() {
            return Err(Invalid::new(
                "debut",
                "Cette date de début n'est pas possible.",
            ));
        }
        if contract == ContractType::Professionnalisation && level.is_none() {
            return Err(Invalid::new(
                "niveau",
                "Pour un contrat de professionnalisation, indiquez le niveau du diplôme préparé (3 pour un CAP, 4 pour un bac…).",
            ));
        }
        if let Some(m) = agreed_minimum {
            if !m.is_finite() || m <= 0.0 || m > 100_000.0 {
                return Err(Invalid::new(
                    "minimum_conventionnel",
                    "Le minimum conventionnel est un salaire mensuel brut en euros (ex. 1900).",
                ));
            }
        }
        Ok(Self {
            birth,
            start,
            months,
            contract,
            sector,
            level,
            agreed_minimum,
        })
    }
}

/// Age in whole years on `date` (born on 29 February: a year older on 1 March in other years).
pub fn age_on(birth: NaiveDate, date: NaiveDate) -> u32 {
    let mut age = date.year() - birth.year();
    if (date.month(), date.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}

/// The age that sets the pay bracket on `date`: the age reached by the last day of the
/// previous month, so a birthday moves the bracket on the first day of the month after it
/// (art. D6222-34).
pub fn bracket_age_on(birth: NaiveDate, date: NaiveDate) -> u32 {
    let first = date.with_day(1).unwrap_or(date);
    age_on(birth, first.pred_opt().unwrap_or(first))
}

/// The first day of the month after `birth`'s `years`th birthday: when that birthday moves
/// the bracket.
pub fn bracket_change_after(birth: NaiveDate, years: u32) -> Option<NaiveDate> {
    let birthday = birth.checked_add_months(Months::new(years * 12))?;
    // Born on 29 February: the birthday of a non-leap year is 1 March (see `age_on`).
    let birthday = if birth.month() == 2 && birth.day() == 29 && birthday.day() == 28 {
        birthday.succ_opt()?
    } else {
        birthday
    };
    let first = birthday.with_day(1)?;
    first.checked_add_months(Months::new(1))
}

#[cfg(test)]
mod tests;
