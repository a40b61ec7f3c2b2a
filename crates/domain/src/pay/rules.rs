//! The pay rules as data: every figure a computation uses (SMIC, grids, contributions) and the
//! aids shown beside them, each dated (`valid_from`), sourced and flagged « à vérifier » when
//! its source is uncertain. No figure lives in code: the computation asks a [`RuleSet`] for the
//! row in force at a date.

use chrono::NaiveDate;
use serde::Serialize;

use crate::Invalid;

/// What a rule is about; the categories a computation reads hold a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Smic,
    Apprentissage,
    Professionnalisation,
    Cotisations,
    Impot,
    Aide,
    AideEmployeur,
    /// The monthly budget's figures: cost per km, road factor, fares, aids' fixed amounts.
    Budget,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Self::Smic,
        Self::Apprentissage,
        Self::Professionnalisation,
        Self::Cotisations,
        Self::Impot,
        Self::Aide,
        Self::AideEmployeur,
        Self::Budget,
    ];

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| {
                Invalid::new(
                    "categorie",
                    format!("« {} » n'est pas une catégorie de règles.", clip(s)),
                )
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Smic => "smic",
            Self::Apprentissage => "apprentissage",
            Self::Professionnalisation => "professionnalisation",
            Self::Cotisations => "cotisations",
            Self::Impot => "impot",
            Self::Aide => "aide",
            Self::AideEmployeur => "aide_employeur",
            Self::Budget => "budget",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Smic => "SMIC",
            Self::Apprentissage => "Salaire minimum de l'apprenti",
            Self::Professionnalisation => "Salaire minimum en contrat de professionnalisation",
            Self::Cotisations => "Du brut au net",
            Self::Impot => "Impôt sur le revenu",
            Self::Aide => "Aides pour l'apprenti",
            Self::AideEmployeur => "Aides à l'embauche (employeurs)",
            Self::Budget => "Budget : trajets, logement, aides chiffrées",
        }
    }

    /// Whether its value is a number a computation reads (the aids are text).
    pub fn numeric(self) -> bool {
        self != Self::Aide
    }
}

/// One dated rule, checked at construction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub category: Category,
    pub key: String,
    pub valid_from: NaiveDate,
    /// As written in the source: `12.02`, `27`, or a text for an aid (« 500 € une fois »).
    pub value: String,
    pub unit: String,
    pub label: String,
    pub conditions: String,
    pub source: String,
    pub to_verify: bool,
}

impl Rule {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        category: Category,
        key: &str,
        valid_from: NaiveDate,
        value: &str,
        unit: &str,
        label: &str,
        conditions: &str,
        source: &str,
        to_verify: bool,
    ) -> Result<Self, Invalid> {
        let key = key.trim();
        if key.is_empty()
            || key.len() > 60
            || !key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_+-".contains(&b))
        {
            return Err(Invalid::new(
                "cle",
                format!(
                    "« {} » n'est pas une clé de règle (minuscules, chiffres, _ + -).",
                    clip(key)
                ),
            ));
        }
        let value = value.trim();
        if category.numeric() {
            parse_amount(value).ok_or_else(|| {
                Invalid::new(
                    "valeur",
                    format!(
                        "« {} » n'est pas un nombre positif (ex. 12.02 ou 12,02).",
                        clip(value)
                    ),
                )
            })?;
        } else if value.is_empty() {
            return Err(Invalid::new("valeur", "Indiquez la valeur de la règle."));
        }
        let label = label.trim();
        if label.is_empty() {
            return Err(Invalid::new("libelle", "Indiquez un libellé."));
        }
        let source = source.trim();
        if !(source.starts_with("https://") || source.starts_with("http://"))
            || source.len() < 12
            || source.chars().any(char::is_whitespace)
        {
            return Err(Invalid::new(
                "source",
                "Indiquez l'adresse de la source (https://…), sans espace.",
            ));
        }
        for (field, text, max) in [
            ("valeur", value, 200),
            ("libelle", label, 300),
            ("conditions", conditions, 1000),
            ("source", source, 500),
            ("unite", unit, 40),
        ] {
            if text.chars().count() > max || text.chars().any(|c| c.is_control()) {
                return Err(Invalid::new(
                    field,
                    format!("Texte trop long ou illisible ({max} caractères au plus)."),
                ));
            }
        }
        Ok(Self {
            category,
            key: key.to_owned(),
            valid_from,
            value: if category.numeric() {
                value.replace(',', ".")
            } else {
                value.to_owned()
            },
            unit: unit.trim().to_owned(),
            label: label.to_owned(),
            conditions: conditions.trim().to_owned(),
            source: source.to_owned(),
            to_verify,
        })
    }

    /// The value as a number (numeric categories; checked at construction).
    pub fn number(&self) -> f64 {
        parse_amount(&self.value).unwrap_or(0.0)
    }
}

/// A positive decimal with at most 2 decimals, `.` or `,` as separator.
pub fn parse_amount(s: &str) -> Option<f64> {
    let s = s.trim().replace(',', ".");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty()
        || whole.len() > 7
        || frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (s.contains('.') && frac.is_empty())
    {
        return None;
    }
    s.parse::<f64>().ok()
}

/// Every rule known, all dates: the computation picks the row in force at each date.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    pub fn new(mut rules: Vec<Rule>) -> Self {
        rules.sort_by(|a, b| {
            (a.category, &a.key, a.valid_from).cmp(&(b.category, &b.key, b.valid_from))
        });
        Self { rules }
    }

    pub fn all(&self) -> &[Rule] {
        &self.rules
    }

    /// The row of `category`/`key` in force on `date`: the latest `valid_from` on or before it.
    pub fn at(&self, category: Category, key: &str, date: NaiveDate) -> Option<&Rule> {
        self.rules
            .iter()
            .filter(|r| r.category == category && r.key == key && r.valid_from <= date)
            .max_by_key(|r| r.valid_from)
    }

    /// The earliest date from which `category`/`key` is known.
    pub fn first(&self, category: Category, key: &str) -> Option<NaiveDate> {
        self.rules
            .iter()
            .filter(|r| r.category == category && r.key == key)
            .map(|r| r.valid_from)
            .min()
    }
}

/// Reads the rules file (`crates/referentiels/data/regles.csv`): a header, then one rule a line.
pub fn parse_csv(text: &str) -> Result<Vec<Rule>, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rules = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let r = record.map_err(|e| format!("ligne {line} : {e}"))?;
        if r.len() != 9 {
            return Err(format!(
                "ligne {line} : 9 colonnes attendues, {} lues",
                r.len()
            ));
        }
        let category = Category::parse(&r[0]).map_err(|e| format!("ligne {line} : {e}"))?;
        let date = NaiveDate::parse_from_str(&r[2], "%Y-%m-%d")
            .map_err(|_| format!("ligne {line} : date « {} » mal écrite", &r[2]))?;
        let verify = match &r[8] {
            "oui" => true,
            "non" => false,
            other => return Err(format!("ligne {line} : a_verifier vaut « {other} »")),
        };
        let rule = Rule::new(
            category, &r[1], date, &r[3], &r[4], &r[5], &r[6], &r[7], verify,
        )
        .map_err(|e| format!("ligne {line} : {e}"))?;
        rules.push(rule);
    }
    Ok(rules)
}

fn clip(s: &str) -> String {
    s.chars().take(60).collect()
}
