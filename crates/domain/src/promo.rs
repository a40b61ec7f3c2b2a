//! Summer promos d'apprentissage: a cohort of young people, its season and its goal (every
//! member under contract by the goal date), and the milestones of each member on the way.

use chrono::{Datelike, NaiveDate};

use crate::values::clip;
use crate::{Invalid, check_text};

/// A promo as its form sends it, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromoInput {
    pub name: String,
    pub season_start: NaiveDate,
    pub season_end: NaiveDate,
    pub goal_date: NaiveDate,
}

/// The defaults of a promo created on `today`: the season runs from 1 June to 30 September of
/// this year, and the goal is every contract signed by 30 September.
pub fn default_season(today: NaiveDate) -> (NaiveDate, NaiveDate, NaiveDate) {
    let y = today.year();
    let d = |m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or(today);
    (d(6, 1), d(9, 30), d(9, 30))
}

fn date(
    field: &'static str,
    label: &str,
    v: &str,
    fallback: NaiveDate,
    errors: &mut Vec<Invalid>,
) -> NaiveDate {
    let v = v.trim();
    if v.is_empty() {
        return fallback;
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d").unwrap_or_else(|_| {
        errors.push(Invalid::new(
            field,
            format!("« {} » n'est pas une date ({label}, AAAA-MM-JJ).", clip(v)),
        ));
        fallback
    })
}

impl PromoInput {
    /// Reads `nom`, `debut`, `fin`, `objectif` (dates `AAAA-MM-JJ`; empty: the defaults).
    pub fn parse(get: &dyn Fn(&str) -> String, today: NaiveDate) -> Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let name = get("nom").trim().to_owned();
        let n = name.chars().count();
        if !(3..=80).contains(&n) {
            errors.push(Invalid::new(
                "nom",
                "Donnez un nom à la promo (3 à 80 caractères).",
            ));
        } else if let Err(e) = check_text("nom", "nom", &name, false) {
            errors.push(e);
        }
        let (start, end, goal) = default_season(today);
        let season_start = date(
            "debut",
            "début de saison",
            &get("debut"),
            start,
            &mut errors,
        );
        let season_end = date("fin", "fin de saison", &get("fin"), end, &mut errors);
        let goal_date = date(
            "objectif",
            "date de l'objectif",
            &get("objectif"),
            goal,
            &mut errors,
        );
        let dates_read = !errors
            .iter()
            .any(|e| matches!(e.field, "debut" | "fin" | "objectif"));
        if dates_read {
            if season_end < season_start {
                errors.push(Invalid::new(
                    "fin",
                    "La saison finit avant de commencer : vérifiez les dates.",
                ));
            } else if (season_end - season_start).num_days() > 366 {
                errors.push(Invalid::new("fin", "Une saison dure un an au plus."));
            }
            if goal_date < season_start {
                errors.push(Invalid::new(
                    "objectif",
                    "La date de l'objectif tombe avant le début de la saison.",
                ));
            }
        }
        if errors.is_empty() {
            Ok(Self {
                name,
                season_start,
                season_end,
                goal_date,
            })
        } else {
            Err(errors)
        }
    }
}

/// The steps of a member on the way to a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MilestoneKind {
    CvPret,
    PremiereCandidature,
    Entretien,
    ImmersionFaite,
    CfaTrouve,
    ContratSigne,
}

impl MilestoneKind {
    pub const ALL: [MilestoneKind; 6] = [
        Self::CvPret,
        Self::PremiereCandidature,
        Self::Entretien,
        Self::ImmersionFaite,
        Self::CfaTrouve,
        Self::ContratSigne,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CvPret => "cv_pret",
            Self::PremiereCandidature => "premiere_candidature",
            Self::Entretien => "entretien",
            Self::ImmersionFaite => "immersion_faite",
            Self::CfaTrouve => "cfa_trouve",
            Self::ContratSigne => "contrat_signe",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::CvPret => "CV prêt",
            Self::PremiereCandidature => "Première candidature",
            Self::Entretien => "Entretien",
            Self::ImmersionFaite => "Immersion faite",
            Self::CfaTrouve => "CFA trouvé",
            Self::ContratSigne => "Contrat signé",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl TryFrom<String> for MilestoneKind {
    type Error = crate::UnknownValue;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or(crate::UnknownValue(s))
    }
}

/// A milestone as the counselor records it, once checked against the member's others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneInput {
    pub kind: MilestoneKind,
    pub date: NaiveDate,
    /// The company (contract signed, interview, immersion).
    pub company: Option<String>,
    /// The training centre (CFA found, contract signed).
    pub cfa: Option<String>,
    pub offer_id: Option<i64>,
    pub application_id: Option<i64>,
}

fn short(
    field: &'static str,
    label: &str,
    v: Option<String>,
    errors: &mut Vec<Invalid>,
) -> Option<String> {
    let v = v?;
    if v.chars().count() > 150 {
        errors.push(Invalid::new(
            field,
            format!("Le champ « {label} » fait 150 caractères au plus."),
        ));
    } else if let Err(e) = check_text(field, label, &v, false) {
        errors.push(e);
    }
    Some(v)
}

impl MilestoneInput {
    /// Reads `etape`, `date` (empty: today), `entreprise`, `cfa`, `candidature` (an id among
    /// `applications`, the member's: (id, offer id)), and checks the order rules against the
    /// member's milestones already recorded (`recorded`: kind and date):
    ///
    /// - no milestone in the future;
    /// - an interview follows a first application (recorded, or this application's);
    /// - a contract signed needs its date, its company and its CFA (an apprenticeship contract
    ///   names its training centre), and comes on or after every other milestone's date.
    pub fn parse(
        get: &dyn Fn(&str) -> String,
        today: NaiveDate,
        recorded: &[(MilestoneKind, NaiveDate)],
        applications: &[(i64, i64)],
    ) -> Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let opt = |k: &str| Some(get(k).trim().to_owned()).filter(|v| !v.is_empty());
        let Some(kind) = MilestoneKind::parse(get("etape").trim()) else {
            return Err(vec![Invalid::new(
                "etape",
                "Choisissez l'étape dans la liste.",
            )]);
        };
        let date = match opt("date") {
            None if kind == MilestoneKind::ContratSigne => {
                errors.push(Invalid::new(
                    "date",
                    "Indiquez la date de signature du contrat.",
                ));
                today
            }
            None => today,
            Some(v) => NaiveDate::parse_from_str(&v, "%Y-%m-%d").unwrap_or_else(|_| {
                errors.push(Invalid::new(
                    "date",
                    format!("« {} » n'est pas une date (AAAA-MM-JJ).", clip(&v)),
                ));
                today
            }),
        };
        if date > today {
            errors.push(Invalid::new(
                "date",
                "Une étape se note une fois faite : la date est dans le futur.",
            ));
        }
        let company = short("entreprise", "entreprise", opt("entreprise"), &mut errors);
        let cfa = short("cfa", "CFA", opt("cfa"), &mut errors);
        let (application_id, offer_id) = match opt("candidature") {
            None => (None, None),
            Some(v) => match v
                .parse::<i64>()
                .ok()
                .and_then(|id| applications.iter().find(|a| a.0 == id))
            {
                Some((a, o)) => (Some(*a), Some(*o)),
                None => {
                    errors.push(Invalid::new(
                        "candidature",
                        "Cette candidature n'est pas celle du ou de la jeune : choisissez dans la liste.",
                    ));
                    (None, None)
                }
            },
        };
        let others: Vec<&(MilestoneKind, NaiveDate)> =
            recorded.iter().filter(|(k, _)| *k != kind).collect();
        match kind {
            MilestoneKind::Entretien => {
                let applied = others
                    .iter()
                    .find(|(k, _)| *k == MilestoneKind::PremiereCandidature);
                match applied {
                    None if application_id.is_none() => errors.push(Invalid::new(
                        "etape",
                        "Un entretien suit une candidature : notez d'abord la première candidature.",
                    )),
                    Some((_, d)) if *d > date => errors.push(Invalid::new(
                        "date",
                        "L'entretien est daté d'avant la première candidature : vérifiez les dates.",
                    )),
                    _ => {}
                }
            }
            MilestoneKind::ContratSigne => {
                if company.is_none() {
                    errors.push(Invalid::new(
                        "entreprise",
                        "Indiquez l'entreprise qui signe le contrat.",
                    ));
                }
                if cfa.is_none() {
                    errors.push(Invalid::new(
                        "cfa",
                        "Indiquez le CFA du contrat d'apprentissage.",
                    ));
                }
                if let Some((k, _)) = others.iter().find(|(_, d)| *d > date) {
                    errors.push(Invalid::new(
                        "date",
                        format!(
                            "Le contrat est daté d'avant l'étape « {} » : vérifiez les dates.",
                            k.label()
                        ),
                    ));
                }
            }
            MilestoneKind::PremiereCandidature => {
                if let Some((_, d)) = others.iter().find(|(k, _)| *k == MilestoneKind::Entretien)
                    && *d < date
                {
                    errors.push(Invalid::new(
                        "date",
                        "La première candidature est datée d'après l'entretien : vérifiez les dates.",
                    ));
                }
            }
            _ => {}
        }
        if kind != MilestoneKind::ContratSigne
            && let Some((_, d)) = others
                .iter()
                .find(|(k, _)| *k == MilestoneKind::ContratSigne)
            && *d < date
        {
            errors.push(Invalid::new(
                "date",
                "Cette étape est datée d'après le contrat signé : vérifiez les dates.",
            ));
        }
        if errors.is_empty() {
            Ok(Self {
                kind,
                date,
                company,
                cfa,
                offer_id,
                application_id,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn milestone(
        fields: &[(&str, &str)],
        recorded: &[(MilestoneKind, NaiveDate)],
    ) -> Result<MilestoneInput, Vec<&'static str>> {
        let map: HashMap<String, String> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        MilestoneInput::parse(
            &|k| map.get(k).cloned().unwrap_or_default(),
            day(8, 20),
            recorded,
            &[(5, 9)],
        )
        .map_err(|e| e.into_iter().map(|i| i.field).collect())
    }

    #[test]
    fn a_promo_defaults_to_june_september_of_this_year() {
        let p = PromoInput::parse(
            &|k| {
                if k == "nom" {
                    "Promo été".into()
                } else {
                    String::new()
                }
            },
            day(3, 10),
        )
        .unwrap();
        assert_eq!(
            (p.season_start, p.season_end, p.goal_date),
            (day(6, 1), day(9, 30), day(9, 30))
        );
        let bad = PromoInput::parse(
            &|k| match k {
                "nom" => "P".into(),
                "fin" => "2026-05-01".into(),
                _ => String::new(),
            },
            day(3, 10),
        )
        .unwrap_err();
        assert_eq!(
            bad.iter().map(|e| e.field).collect::<Vec<_>>(),
            ["nom", "fin"]
        );
    }

    #[test]
    fn a_contract_signed_needs_its_date_company_and_cfa() {
        assert_eq!(
            milestone(&[("etape", "contrat_signe")], &[]).unwrap_err(),
            ["date", "entreprise", "cfa"]
        );
        let ok = milestone(
            &[
                ("etape", "contrat_signe"),
                ("date", "2026-08-18"),
                ("entreprise", "Boulangerie"),
                ("cfa", "CFA 61"),
                ("candidature", "5"),
            ],
            &[(MilestoneKind::Entretien, day(8, 1))],
        )
        .unwrap();
        assert_eq!((ok.application_id, ok.offer_id), (Some(5), Some(9)));
        assert_eq!(
            milestone(
                &[
                    ("etape", "contrat_signe"),
                    ("date", "2026-07-18"),
                    ("entreprise", "B"),
                    ("cfa", "C"),
                    ("candidature", "6")
                ],
                &[(MilestoneKind::Entretien, day(8, 1))],
            )
            .unwrap_err(),
            ["candidature", "date"],
            "another person's application, and dated before the interview"
        );
    }

    #[test]
    fn an_interview_follows_an_application_and_nothing_is_in_the_future() {
        assert_eq!(
            milestone(&[("etape", "entretien")], &[]).unwrap_err(),
            ["etape"]
        );
        assert!(milestone(&[("etape", "entretien"), ("candidature", "5")], &[]).is_ok());
        let applied = [(MilestoneKind::PremiereCandidature, day(8, 10))];
        assert!(milestone(&[("etape", "entretien")], &applied).is_ok());
        assert_eq!(
            milestone(&[("etape", "entretien"), ("date", "2026-08-01")], &applied).unwrap_err(),
            ["date"]
        );
        assert_eq!(
            milestone(&[("etape", "cv_pret"), ("date", "2026-08-21")], &[]).unwrap_err(),
            ["date"]
        );
        assert_eq!(
            milestone(
                &[("etape", "cv_pret")],
                &[(MilestoneKind::ContratSigne, day(8, 1))]
            )
            .unwrap_err(),
            ["date"],
            "after the contract"
        );
        assert_eq!(
            milestone(&[("etape", "fusée")], &[]).unwrap_err(),
            ["etape"]
        );
    }
}
