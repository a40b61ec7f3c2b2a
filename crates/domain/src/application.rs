//! Applying to an offer without an account: who the young person is, how to reach them, and
//! the pipeline of their application.

use chrono::{Datelike, NaiveDate};

use crate::values::clip;
use crate::{CodeInsee, Email, Invalid, Telephone, check_text};

/// How the young person gets around.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mobility {
    PermisVoiture,
    Permis,
    DeuxRoues,
    Aucune,
}

impl Mobility {
    pub const ALL: [Mobility; 4] = [
        Self::PermisVoiture,
        Self::Permis,
        Self::DeuxRoues,
        Self::Aucune,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PermisVoiture => "permis_voiture",
            Self::Permis => "permis",
            Self::DeuxRoues => "deux_roues",
            Self::Aucune => "aucune",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::PermisVoiture => "Permis B et voiture",
            Self::Permis => "Permis B, sans voiture",
            Self::DeuxRoues => "Deux-roues (scooter, vélo)",
            Self::Aucune => "Ni permis ni véhicule",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationStatus {
    Envoyee,
    Vue,
    Entretien,
    Retenue,
    NonRetenue,
    ContratSigne,
    Retiree,
}

impl ApplicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Envoyee => "envoyee",
            Self::Vue => "vue",
            Self::Entretien => "entretien",
            Self::Retenue => "retenue",
            Self::NonRetenue => "non_retenue",
            Self::ContratSigne => "contrat_signe",
            Self::Retiree => "retiree",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        [
            Self::Envoyee,
            Self::Vue,
            Self::Entretien,
            Self::Retenue,
            Self::NonRetenue,
            Self::ContratSigne,
            Self::Retiree,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    /// What the young person reads on their follow-up page.
    pub fn label(self) -> &'static str {
        match self {
            Self::Envoyee => "Envoyée à l'employeur",
            Self::Vue => "Lue par l'employeur",
            Self::Entretien => "L'employeur vous propose un entretien",
            Self::Retenue => "Retenue",
            Self::NonRetenue => "Profil non retenu",
            Self::ContratSigne => "Contrat signé",
            Self::Retiree => "Retirée",
        }
    }
}

/// Read back from the database: a status no version of Tremplin wrote is an error, not a guess.
impl TryFrom<String> for ApplicationStatus {
    type Error = crate::UnknownValue;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::from_db(&s).ok_or(crate::UnknownValue(s))
    }
}

/// An application as the form sends it, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationInput {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<Email>,
    pub phone: Option<Telephone>,
    pub commune: CodeInsee,
    pub birth_date: NaiveDate,
    pub mobility: Mobility,
    pub message: String,
}

fn name(field: &'static str, label: &str, v: &str, errors: &mut Vec<Invalid>) -> String {
    let t = v.trim();
    let n = t.chars().count();
    let lower = t.to_lowercase();
    if n == 0 || n > 50 {
        errors.push(Invalid::new(
            field,
            format!("Indiquez votre {label} (50 caractères au plus)."),
        ));
    } else if lower.contains("http") || lower.contains("www.") || t.contains('@') {
        errors.push(Invalid::new(
            field,
            format!("Votre {label} ne doit contenir ni adresse web ni e-mail."),
        ));
    } else if let Err(e) = check_text(field, label, t, false) {
        errors.push(e);
    }
    t.to_owned()
}

/// What follows "Je suis disponible", as people type it: "tout de suite", "dès lundi" and
/// "à partir de mars" stay as written; a bare date or month gets its "à partir du / de / d'";
/// "du 5 janvier" gets "à partir" ("disponible à partir tout de suite" was the old mistake).
fn availability(part: &str) -> String {
    const MONTHS: &[&str] = &[
        "janvier",
        "février",
        "fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
        "decembre",
    ];
    let lower = part.to_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    if first.starts_with(|c: char| c.is_ascii_digit()) || first == "1er" {
        format!("à partir du {part}")
    } else if MONTHS.contains(&first) {
        let elided = first.starts_with(['a', 'o', 'e']);
        format!("à partir {}{part}", if elided { "d'" } else { "de " })
    } else if first == "du" || first == "de" || first.starts_with("d'") || first.starts_with("d’")
    {
        format!("à partir {part}")
    } else {
        part.to_owned()
    }
}

impl ApplicationInput {
    /// Reads the form (`prenom`, `nom`, `email`, `telephone`, `commune`, `date_naissance`,
    /// `mobilite`, `message`, `consentement`).
    pub fn parse(
        get: &dyn Fn(&str) -> String,
        today: NaiveDate,
        commune_exists: &dyn Fn(&CodeInsee) -> bool,
    ) -> Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let first_name = name("prenom", "prénom", &get("prenom"), &mut errors);
        let last_name = name("nom", "nom", &get("nom"), &mut errors);
        let opt = |k: &str| Some(get(k).trim().to_owned()).filter(|v| !v.is_empty());
        let email = opt("email").and_then(|e| Email::parse(&e).map_err(|e| errors.push(e)).ok());
        let phone =
            opt("telephone").and_then(|p| Telephone::parse(&p).map_err(|e| errors.push(e)).ok());
        if get("email").trim().is_empty() && get("telephone").trim().is_empty() {
            errors.push(Invalid::new(
                "email",
                "Indiquez un e-mail ou un téléphone pour que l'employeur vous réponde.",
            ));
        }
        let commune = CodeInsee::parse(&get("commune"))
            .and_then(|c| {
                if commune_exists(&c) {
                    Ok(c)
                } else {
                    Err(Invalid::new(
                        "commune",
                        format!("Aucune commune n'a le code INSEE {c}."),
                    ))
                }
            })
            .map_err(|e| errors.push(Invalid::new("commune", e.message)))
            .ok();
        let birth = get("date_naissance");
        let birth_date = match NaiveDate::parse_from_str(birth.trim(), "%Y-%m-%d") {
            Ok(d) if (14..=99).contains(&age(d, today)) && d <= today => Some(d),
            Ok(_) => {
                errors.push(Invalid::new(
                    "date_naissance",
                    "Vérifiez votre date de naissance.",
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
        let mobility = Mobility::parse(get("mobilite").trim());
        if mobility.is_none() {
            errors.push(Invalid::new(
                "mobilite",
                "Dites comment vous vous déplacez.",
            ));
        }
        // The sentence builder: short answers become the first sentences of the message.
        let mut sentences = Vec::new();
        for (key, start) in [
            ("je_recherche", "Je recherche"),
            ("je_prepare", "Je prépare"),
            ("disponible", "Je suis disponible"),
        ] {
            let part = get(key);
            let part = part.trim().trim_end_matches('.');
            if let Err(e) = check_text(key, start, part, false) {
                errors.push(e);
            } else if !part.is_empty() {
                let part: String = part.chars().take(200).collect();
                let part = if key == "disponible" {
                    availability(&part)
                } else {
                    part
                };
                sentences.push(format!("{start} {part}."));
            }
        }
        let free = get("message");
        if let Err(e) = check_text("message", "message", &free, true) {
            errors.push(e);
        } else if !free.trim().is_empty() {
            sentences.push(free.trim().to_owned());
        }
        let message = sentences.join(" ");
        if message.chars().count() > 2000 {
            errors.push(Invalid::new(
                "message",
                "Le message ne doit pas dépasser 2 000 caractères.",
            ));
        }
        if !matches!(get("consentement").as_str(), "oui" | "on" | "1") {
            errors.push(Invalid::new(
                "consentement",
                "Pour envoyer votre candidature, acceptez que la Mission Locale et l'employeur utilisent ces informations.",
            ));
        }
        match (commune, birth_date, mobility) {
            (Some(commune), Some(birth_date), Some(mobility)) if errors.is_empty() => Ok(Self {
                first_name,
                last_name,
                email,
                phone,
                commune,
                birth_date,
                mobility,
                message,
            }),
            _ => Err(errors),
        }
    }

    /// Who this is, for the limits on applications: the email, or else the phone.
    pub fn person_key(&self) -> String {
        match (&self.email, &self.phone) {
            (Some(e), _) => format!("email:{}", e.as_str().to_lowercase()),
            (None, Some(p)) => format!("tel:{}", p.as_str()),
            (None, None) => String::new(),
        }
    }
}

/// Age in whole years on `today`.
pub fn age(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(fields: &[(&str, &str)]) -> Result<ApplicationInput, Vec<Invalid>> {
        let map: HashMap<String, String> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        ApplicationInput::parse(&|k| map.get(k).cloned().unwrap_or_default(), today, &|c| {
            c.as_str().starts_with("61")
        })
    }

    const GOOD: [(&str, &str); 8] = [
        ("prenom", "Léa"),
        ("nom", "Martin"),
        ("telephone", "06 12 34 56 78"),
        ("commune", "61214"),
        ("date_naissance", "2009-03-15"),
        ("mobilite", "deux_roues"),
        ("message", "Je recherche un apprentissage en boulangerie."),
        ("consentement", "oui"),
    ];

    #[test]
    fn a_complete_application_reads() {
        let a = parse(&GOOD).unwrap();
        assert_eq!(
            (a.first_name.as_str(), a.mobility),
            ("Léa", Mobility::DeuxRoues)
        );
        assert_eq!(a.person_key(), "tel:0612345678");
        assert_eq!(
            age(a.birth_date, NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()),
            17
        );
    }

    #[test]
    fn the_sentence_builder_writes_the_start_of_the_message() {
        let mut f = GOOD.to_vec();
        f[6] = ("message", "Motivée !");
        f.push(("je_recherche", "un apprentissage en boulangerie"));
        f.push(("disponible", "du 5 janvier."));
        assert_eq!(
            parse(&f).unwrap().message,
            "Je recherche un apprentissage en boulangerie. Je suis disponible à partir du 5 janvier. Motivée !"
        );
    }

    #[test]
    fn availability_reads_as_french_whatever_is_typed() {
        let mut f = GOOD.to_vec();
        f[6] = ("message", "");
        for (typed, sentence) in [
            ("tout de suite", "Je suis disponible tout de suite."),
            ("Tout de suite", "Je suis disponible Tout de suite."),
            ("dès lundi", "Je suis disponible dès lundi."),
            ("à partir de mars", "Je suis disponible à partir de mars."),
            ("du 5 janvier", "Je suis disponible à partir du 5 janvier."),
            ("5 janvier", "Je suis disponible à partir du 5 janvier."),
            (
                "1er septembre",
                "Je suis disponible à partir du 1er septembre.",
            ),
            ("septembre", "Je suis disponible à partir de septembre."),
            ("avril", "Je suis disponible à partir d'avril."),
            ("août", "Je suis disponible à partir d'août."),
            ("maintenant", "Je suis disponible maintenant."),
        ] {
            let mut g = f.clone();
            g.push(("disponible", typed));
            assert_eq!(parse(&g).unwrap().message, sentence, "{typed}");
        }
    }

    #[test]
    fn names_refuse_line_breaks_and_nul_the_message_keeps_its_lines() {
        let fields = |e: Vec<Invalid>| e.into_iter().map(|i| i.field).collect::<Vec<_>>();
        let mut f = GOOD.to_vec();
        f[6] = ("message", "Bonjour,\r\nje suis motivée.");
        assert!(parse(&f).is_ok());
        f[0] = ("prenom", "Léa\r\nBcc: x");
        f[1] = ("nom", "Mar\0tin");
        f[6] = ("message", "Bonjour\0");
        f.push(("je_recherche", "un\napprentissage"));
        assert_eq!(
            fields(parse(&f).unwrap_err()),
            ["prenom", "nom", "je_recherche", "message"]
        );
    }

    #[test]
    fn every_fault_is_named() {
        let fields = |e: Vec<Invalid>| e.into_iter().map(|i| i.field).collect::<Vec<_>>();
        let mut bad = GOOD.to_vec();
        bad[2] = ("telephone", "");
        bad[7] = ("consentement", "");
        assert_eq!(fields(parse(&bad).unwrap_err()), ["email", "consentement"]);
        let mut bad = GOOD.to_vec();
        bad[0] = ("prenom", "www.spam.example");
        bad[4] = ("date_naissance", "2020-01-01");
        bad[5] = ("mobilite", "fusée");
        assert_eq!(
            fields(parse(&bad).unwrap_err()),
            ["prenom", "date_naissance", "mobilite"]
        );
    }
}
