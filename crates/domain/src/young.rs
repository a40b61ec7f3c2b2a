//! The young people a counselor follows: a minimal record, for counselors only. It does not
//! replace the national i-milo file; it holds what Tremplin needs to follow a promo.

use chrono::NaiveDate;

use crate::application::age;
use crate::values::clip;
use crate::{CodeInsee, CodeRome, Email, Invalid, Telephone, check_text};

/// Where the young person stands in the Mission Locale's follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YoungStatus {
    AContacter,
    EnSuivi,
    EnContrat,
    Sorti,
}

impl YoungStatus {
    pub const ALL: [YoungStatus; 4] = [
        Self::AContacter,
        Self::EnSuivi,
        Self::EnContrat,
        Self::Sorti,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AContacter => "a_contacter",
            Self::EnSuivi => "en_suivi",
            Self::EnContrat => "en_contrat",
            Self::Sorti => "sorti",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::AContacter => "À contacter",
            Self::EnSuivi => "En suivi",
            Self::EnContrat => "En contrat",
            Self::Sorti => "Sorti·e du suivi",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A young person's record as the counselor's form sends it, once checked. The commune and the
/// trades arrive as codes: the web layer reads the names a counselor types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YoungPersonInput {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub email: Option<Email>,
    pub phone: Option<Telephone>,
    /// For a minor: who answers for them, and how to reach them.
    pub guardian_name: Option<String>,
    pub guardian_email: Option<Email>,
    pub guardian_phone: Option<Telephone>,
    pub commune: CodeInsee,
    pub trades: Vec<CodeRome>,
    pub licence: bool,
    pub vehicle: bool,
    pub counselor_id: Option<i64>,
    pub status: YoungStatus,
    pub notes: String,
}

fn person_name(field: &'static str, label: &str, v: &str, errors: &mut Vec<Invalid>) -> String {
    let t = v.trim();
    let n = t.chars().count();
    if n == 0 || n > 50 {
        errors.push(Invalid::new(
            field,
            format!("Indiquez le {label} (50 caractères au plus)."),
        ));
    } else if t.contains('@') || t.to_lowercase().contains("http") {
        errors.push(Invalid::new(
            field,
            format!("Le {label} ne doit contenir ni adresse web ni e-mail."),
        ));
    } else if let Err(e) = check_text(field, label, t, false) {
        errors.push(e);
    }
    t.to_owned()
}

fn yes(v: &str) -> bool {
    matches!(v.trim(), "oui" | "on" | "1")
}

impl YoungPersonInput {
    /// Reads the form (`prenom`, `nom`, `date_naissance`, `email`, `telephone`, `tuteur_nom`,
    /// `tuteur_email`, `tuteur_telephone`, `commune` as an INSEE code, `metiers` as ROME codes
    /// separated by `|`, `permis`, `vehicule`, `conseiller` as a user id, `statut`, `notes`).
    /// `counselor_exists` says whether a user id is a counselor's.
    pub fn parse(
        get: &dyn Fn(&str) -> String,
        today: NaiveDate,
        counselor_exists: &dyn Fn(i64) -> bool,
    ) -> Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let first_name = person_name("prenom", "prénom", &get("prenom"), &mut errors);
        let last_name = person_name("nom", "nom", &get("nom"), &mut errors);
        let opt = |k: &str| Some(get(k).trim().to_owned()).filter(|v| !v.is_empty());
        let birth = get("date_naissance");
        let birth_date = match NaiveDate::parse_from_str(birth.trim(), "%Y-%m-%d") {
            Ok(d) if d <= today && (13..=35).contains(&age(d, today)) => Some(d),
            Ok(_) => {
                errors.push(Invalid::new(
                    "date_naissance",
                    "Vérifiez la date de naissance : le suivi concerne les 13 à 35 ans.",
                ));
                None
            }
            Err(_) => {
                errors.push(Invalid::new(
                    "date_naissance",
                    format!(
                        "« {} » n'est pas une date de naissance (AAAA-MM-JJ).",
                        clip(&birth)
                    ),
                ));
                None
            }
        };
        let email = opt("email").and_then(|e| Email::parse(&e).map_err(|e| errors.push(e)).ok());
        let phone =
            opt("telephone").and_then(|p| Telephone::parse(&p).map_err(|e| errors.push(e)).ok());
        if opt("email").is_none() && opt("telephone").is_none() {
            errors.push(Invalid::new(
                "email",
                "Indiquez un e-mail ou un téléphone pour joindre le ou la jeune.",
            ));
        }
        let guardian_name = opt("tuteur_nom");
        if let Some(g) = &guardian_name {
            if g.chars().count() > 100 {
                errors.push(Invalid::new(
                    "tuteur_nom",
                    "Le nom du représentant légal fait 100 caractères au plus.",
                ));
            } else if let Err(e) = check_text("tuteur_nom", "représentant légal", g, false) {
                errors.push(e);
            }
        }
        let guardian_email = opt("tuteur_email").and_then(|e| {
            Email::parse(&e)
                .map_err(|e| errors.push(Invalid::new("tuteur_email", e.message)))
                .ok()
        });
        let guardian_phone = opt("tuteur_telephone").and_then(|p| {
            Telephone::parse(&p)
                .map_err(|e| errors.push(Invalid::new("tuteur_telephone", e.message)))
                .ok()
        });
        let minor = birth_date.is_some_and(|d| age(d, today) < 18);
        if minor
            && (guardian_name.is_none()
                || (opt("tuteur_email").is_none() && opt("tuteur_telephone").is_none()))
        {
            errors.push(Invalid::new(
                "tuteur_nom",
                "Le ou la jeune est mineur·e : indiquez son représentant légal et son e-mail ou son téléphone.",
            ));
        }
        let commune = CodeInsee::parse(&get("commune"))
            .map_err(|e| errors.push(Invalid::new("commune", e.message)))
            .ok();
        let mut trades = Vec::new();
        for part in get("metiers")
            .split('|')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match CodeRome::parse(part) {
                Ok(c) if !trades.contains(&c) => trades.push(c),
                Ok(_) => {}
                Err(e) => errors.push(Invalid::new("metiers", e.message)),
            }
        }
        if trades.len() > 5 {
            errors.push(Invalid::new("metiers", "Cinq métiers recherchés au plus."));
        }
        let counselor_id = match opt("conseiller") {
            None => None,
            Some(v) => match v.parse::<i64>() {
                Ok(id) if counselor_exists(id) => Some(id),
                _ => {
                    errors.push(Invalid::new(
                        "conseiller",
                        "Choisissez le ou la conseiller·e dans la liste.",
                    ));
                    None
                }
            },
        };
        let status = match opt("statut") {
            None => Some(YoungStatus::EnSuivi),
            Some(s) => YoungStatus::parse(&s),
        };
        if status.is_none() {
            errors.push(Invalid::new(
                "statut",
                "Choisissez un statut dans la liste.",
            ));
        }
        let notes = get("notes").trim().to_owned();
        if let Err(e) = check_text("notes", "notes", &notes, true) {
            errors.push(e);
        } else if notes.chars().count() > 5000 {
            errors.push(Invalid::new(
                "notes",
                "Les notes font 5 000 caractères au plus.",
            ));
        }
        match (birth_date, commune, status) {
            (Some(birth_date), Some(commune), Some(status)) if errors.is_empty() => Ok(Self {
                first_name,
                last_name,
                birth_date,
                email,
                phone,
                guardian_name,
                guardian_email,
                guardian_phone,
                commune,
                trades,
                licence: yes(&get("permis")),
                vehicle: yes(&get("vehicule")),
                counselor_id,
                status,
                notes,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(fields: &[(&str, &str)]) -> Result<YoungPersonInput, Vec<Invalid>> {
        let map: HashMap<String, String> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        YoungPersonInput::parse(&|k| map.get(k).cloned().unwrap_or_default(), today, &|id| {
            id == 7
        })
    }

    const ADULT: [(&str, &str); 5] = [
        ("prenom", "Inès"),
        ("nom", "Lebrun"),
        ("date_naissance", "2006-05-04"),
        ("telephone", "06 12 34 56 78"),
        ("commune", "61214"),
    ];

    fn fields(e: Vec<Invalid>) -> Vec<&'static str> {
        e.into_iter().map(|i| i.field).collect()
    }

    #[test]
    fn an_adult_needs_no_guardian() {
        let y = parse(&ADULT).unwrap();
        assert_eq!(y.status, YoungStatus::EnSuivi);
        assert_eq!(y.phone.unwrap().as_str(), "0612345678");
        assert!(!y.licence && y.guardian_name.is_none());
    }

    #[test]
    fn a_minor_needs_a_guardian_and_a_way_to_reach_them() {
        let mut f = ADULT.to_vec();
        f[2] = ("date_naissance", "2010-01-01");
        assert_eq!(fields(parse(&f).unwrap_err()), ["tuteur_nom"]);
        f.push(("tuteur_nom", "Sophie Lebrun"));
        assert_eq!(fields(parse(&f).unwrap_err()), ["tuteur_nom"]);
        f.push(("tuteur_telephone", "0233000000"));
        assert!(parse(&f).is_ok());
    }

    #[test]
    fn every_fault_is_named() {
        let mut f = ADULT.to_vec();
        f[3] = ("telephone", "");
        f[4] = ("commune", "L'Aigle");
        f.push(("metiers", "D1102|boulanger"));
        f.push(("conseiller", "8"));
        f.push(("statut", "perdu"));
        f.push(("notes", "a\0b"));
        assert_eq!(
            fields(parse(&f).unwrap_err()),
            [
                "email",
                "commune",
                "metiers",
                "conseiller",
                "statut",
                "notes"
            ]
        );
        let mut f = ADULT.to_vec();
        f.push(("metiers", "D1102|D1102|H2913"));
        f.push(("conseiller", "7"));
        f.push(("permis", "oui"));
        let y = parse(&f).unwrap();
        assert_eq!(y.trades.len(), 2);
        assert_eq!((y.counselor_id, y.licence), (Some(7), true));
    }
}
