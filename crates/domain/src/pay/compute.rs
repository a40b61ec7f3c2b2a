//! The month-by-month computation.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use super::rules::{Category, Rule, RuleSet};
use super::text;
use super::{PayInput, Sector, bracket_age_on};
use crate::{ContractType, Invalid};

/// One month of the contract: the period from one monthly anniversary of the start to the day
/// before the next. It takes the situation of its last day (bracket, contract year, SMIC): a
/// contract starting on the 1st follows the rules exactly, one starting later in the month
/// gets a change a few days early, never late, so the figure is never below the legal grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthPay {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub contract_year: u32,
    /// The age that sets the pay: reached by the end of the month before `to`'s month.
    pub age: u32,
    pub bracket: &'static str,
    /// Share of the base, 0.27 for 27 %.
    pub rate: f64,
    /// The monthly SMIC in force.
    pub smic: f64,
    /// What the rate applies to: the SMIC, or the collective agreement's minimum when higher.
    pub base: f64,
    pub on_agreed_minimum: bool,
    pub gross: f64,
    pub net: f64,
}

impl MonthPay {
    /// `AAAA-MM`, the month the period starts in.
    pub fn month(&self) -> String {
        format!("{:04}-{:02}", self.from.year(), self.from.month())
    }
}

/// One contract year, summed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearPay {
    pub year: u32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub months: u32,
    /// The rates met during the year, in order, without repeats.
    pub rates: Vec<f64>,
    pub gross_first: f64,
    pub gross_last: f64,
    pub net_first: f64,
    pub net_last: f64,
    pub gross_total: f64,
    pub net_total: f64,
}

/// What changed in a month, said plainly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub month: NaiveDate,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    pub months: Vec<MonthPay>,
    pub years: Vec<YearPay>,
    pub changes: Vec<Change>,
    /// How the net is computed for this contract, in French.
    pub net_rule: String,
    /// Every rule the computation read, once each.
    pub used: Vec<Rule>,
}

pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

struct Reader<'a> {
    rules: &'a RuleSet,
    used: Vec<Rule>,
}

impl<'a> Reader<'a> {
    fn get(&mut self, category: Category, key: &str, date: NaiveDate) -> Result<f64, Invalid> {
        let rule = self.rules.at(category, key, date).ok_or_else(|| {
            let since = self
                .rules
                .first(category, key)
                .map(|d| format!(" : les règles connues commencent le {}", text::long_date(d)))
                .unwrap_or_default();
            Invalid::new(
                "debut",
                format!(
                    "Le simulateur ne connaît pas la règle « {} » ({}) au {}{since}.",
                    key,
                    category.label(),
                    text::long_date(date)
                ),
            )
        })?;
        if !self.used.contains(rule) {
            self.used.push(rule.clone());
        }
        Ok(rule.number())
    }
}

fn bracket(contract: ContractType, age: u32) -> &'static str {
    match contract {
        ContractType::Apprentissage => match age {
            ..18 => "16-17",
            18..21 => "18-20",
            21..26 => "21-25",
            _ => "26+",
        },
        ContractType::Professionnalisation => match age {
            ..21 => "moins21",
            21..26 => "21-25",
            _ => "26+",
        },
    }
}

/// Month by month for the whole contract, under `rules`.
pub fn simulate(input: &PayInput, rules: &RuleSet) -> Result<Simulation, Invalid> {
    let mut r = Reader {
        rules,
        used: Vec::new(),
    };
    let start = input.start;
    // The contribution rules are those in force on the day the contract started.
    let (threshold_pct, contribution_pct, net_rule) = net_rule(input, &mut r)?;
    let mut months = Vec::with_capacity(input.months as usize);
    for i in 0..input.months {
        let from = start + Months::new(i);
        let to = (start + Months::new(i + 1)).pred_opt().unwrap_or(from);
        let contract_year = i / 12 + 1;
        let age = bracket_age_on(input.birth, to);
        let bracket = bracket(input.contract, age);
        let smic = r.get(Category::Smic, "mensuel", to)?;
        let (pct, base, on_min, gross) = match input.contract {
            ContractType::Apprentissage => {
                let pct = r.get(
                    Category::Apprentissage,
                    &format!("annee{contract_year}_{bracket}"),
                    to,
                )?;
                let min = input.agreed_minimum.filter(|m| age >= 21 && *m > smic);
                let base = min.unwrap_or(smic);
                (pct, base, min.is_some(), round2(base * pct / 100.0))
            }
            ContractType::Professionnalisation => {
                let level = if input.level.is_some_and(|l| l.get() >= 4) {
                    "bac"
                } else {
                    "sous-bac"
                };
                if bracket == "26+" {
                    let pct = r.get(Category::Professionnalisation, "26+", to)?;
                    let on_smic = round2(smic * pct / 100.0);
                    match input.agreed_minimum {
                        Some(m) => {
                            let share = r.get(
                                Category::Professionnalisation,
                                "26+_minimum_conventionnel",
                                to,
                            )?;
                            let on_min = round2(m * share / 100.0);
                            if on_min > on_smic {
                                (share, m, true, on_min)
                            } else {
                                (pct, smic, false, on_smic)
                            }
                        }
                        None => (pct, smic, false, on_smic),
                    }
                } else {
                    let pct = r.get(
                        Category::Professionnalisation,
                        &format!("{bracket}_{level}"),
                        to,
                    )?;
                    (pct, smic, false, round2(smic * pct / 100.0))
                }
            }
        };
        let excess = (gross - smic * threshold_pct / 100.0).max(0.0);
        let net = round2(gross - round2(excess * contribution_pct / 100.0));
        months.push(MonthPay {
            from,
            to,
            contract_year,
            age,
            bracket,
            rate: pct / 100.0,
            smic,
            base,
            on_agreed_minimum: on_min,
            gross,
            net,
        });
    }
    let years = years(&months);
    let changes = text::changes(input, &months);
    let mut used = r.used;
    used.sort_by(|a, b| {
        (a.category, &a.key, a.valid_from).cmp(&(b.category, &b.key, b.valid_from))
    });
    Ok(Simulation {
        months,
        years,
        changes,
        net_rule,
        used,
    })
}

/// (threshold as % of SMIC below which nothing is withheld, % withheld above it, in words).
fn net_rule(input: &PayInput, r: &mut Reader) -> Result<(f64, f64, String), Invalid> {
    let d = input.start;
    Ok(match (input.contract, input.sector) {
        (ContractType::Professionnalisation, _) => {
            let t = r.get(Category::Cotisations, "professionnalisation_taux", d)?;
            (
                0.0,
                t,
                format!(
                    "Contrat de professionnalisation : environ {} de cotisations salariales sur tout le salaire brut.",
                    text::percent(t)
                ),
            )
        }
        (ContractType::Apprentissage, Sector::Public) => {
            let t = r.get(Category::Cotisations, "apprentissage_public_taux", d)?;
            let words = if t == 0.0 {
                "Apprenti·e dans le secteur public : aucune cotisation salariale, le net est égal au brut.".to_owned()
            } else {
                format!(
                    "Apprenti·e dans le secteur public : {} de cotisations salariales.",
                    text::percent(t)
                )
            };
            (0.0, t, words)
        }
        (ContractType::Apprentissage, Sector::Prive) => {
            let s = r.get(Category::Cotisations, "apprentissage_prive_seuil", d)?;
            let t = r.get(Category::Cotisations, "apprentissage_prive_taux", d)?;
            let since = r
                .rules
                .at(Category::Cotisations, "apprentissage_prive_seuil", d)
                .map(|rule| rule.valid_from)
                .unwrap_or(d);
            let words = if t == 0.0 {
                format!(
                    "Contrat commencé le {} (règle en vigueur depuis le {}) : aucune cotisation salariale jusqu'à {} du SMIC.",
                    text::long_date(d),
                    text::long_date(since),
                    text::percent(s)
                )
            } else {
                format!(
                    "Contrat commencé le {} (règle en vigueur depuis le {}) : rien n'est retenu jusqu'à {} du SMIC ; au-delà, environ {} de cotisations et CSG/CRDS sur la part qui dépasse.",
                    text::long_date(d),
                    text::long_date(since),
                    text::percent(s),
                    text::percent(t)
                )
            };
            (s, t, words)
        }
    })
}

fn years(months: &[MonthPay]) -> Vec<YearPay> {
    let mut years: Vec<YearPay> = Vec::new();
    for m in months {
        match years.last_mut() {
            Some(y) if y.year == m.contract_year => {
                y.to = m.to;
                y.months += 1;
                if y.rates.last() != Some(&m.rate) {
                    y.rates.push(m.rate);
                }
                y.gross_last = m.gross;
                y.net_last = m.net;
                y.gross_total = round2(y.gross_total + m.gross);
                y.net_total = round2(y.net_total + m.net);
            }
            _ => years.push(YearPay {
                year: m.contract_year,
                from: m.from,
                to: m.to,
                months: 1,
                rates: vec![m.rate],
                gross_first: m.gross,
                gross_last: m.gross,
                net_first: m.net,
                net_last: m.net,
                gross_total: m.gross,
                net_total: m.net,
            }),
        }
    }
    years
}
