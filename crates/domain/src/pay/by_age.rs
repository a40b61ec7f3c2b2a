//! What an apprentice earns in the first month of a first-year apprenticeship contract, for
//! each age bracket (16–17, 18–20, 21–25, 26 and over): the métier pages' table. The figures
//! come from the rules in force on the start date, as for the simulator; none is written here.

use chrono::{Months, NaiveDate};

use super::{PayInput, RuleSet, Sector, simulate};
use crate::{ContractType, Invalid};

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct AgePay {
    /// « 16-17 », « 18-20 », « 21-25 », « 26+ » (the rules' own bracket names).
    pub bracket: &'static str,
    /// « 16 ou 17 ans »…
    pub label: &'static str,
    /// Share of the SMIC, 0.27 for 27 %.
    pub rate: f64,
    pub gross: f64,
    pub net: f64,
}

/// The brackets, each with an age inside it (the age on the start date).
const BRACKETS: [(&str, u32); 4] = [
    ("16 ou 17 ans", 16),
    ("de 18 à 20 ans", 19),
    ("de 21 à 25 ans", 23),
    ("26 ans et plus", 30),
];

/// The first month of a first-year apprenticeship (private employer, no agreed minimum)
/// starting on `start`, at each age bracket. An error when the rules do not cover the date.
pub fn first_year_by_age(rules: &RuleSet, start: NaiveDate) -> Result<Vec<AgePay>, Invalid> {
    let mut rows = Vec::with_capacity(BRACKETS.len());
    for (label, age) in BRACKETS {
        // Born half a year before the birthday: no bracket change during the first month.
        let birth = start
            .checked_sub_months(Months::new(age * 12 + 6))
            .ok_or_else(|| Invalid::new("debut", "Cette date de début n'est pas possible."))?;
        let input = PayInput::new(
            birth,
            start,
            12,
            ContractType::Apprentissage,
            Sector::Prive,
            None,
            None,
        )?;
        let sim = simulate(&input, rules)?;
        let first = sim
            .months
            .first()
            .ok_or_else(|| Invalid::new("debut", "Aucun mois à calculer."))?;
        rows.push(AgePay {
            bracket: first.bracket,
            label,
            rate: first.rate,
            gross: first.gross,
            net: first.net,
        });
    }
    Ok(rows)
}
