//! The portrait a counselor writes with the young person: what employers may read, and
//! nothing that finds them (no birth date, no address, no contact).

use crate::{CodeRome, Invalid, UnknownValue, check_text};
use chrono::{Datelike, NaiveDate};

/// The smallest commune that may be named as a pépite's area (above it, a first name and an
/// age do not single a person out).
pub const MIN_COMMUNE_POPULATION: u32 = 2_000;

/// Where the young person lives, at most this precisely: their EPCI, or a commune of more than
/// 2 000 inhabitants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Area {
    Epci { code: String, name: String },
    Commune { code: String, name: String },
}

impl Area {
    /// An EPCI the referentials know (`name` found there).
    pub fn epci(code: &str, name: &str) -> Self {
        Self::Epci {
            code: code.to_owned(),
            name: name.to_owned(),
        }
    }

    /// A commune, refused when too small to hide a person.
    pub fn commune(code: &str, name: &str, population: u32) -> Result<Self, Invalid> {
        if population <= MIN_COMMUNE_POPULATION {
            return Err(Invalid::new(
                "area",
                format!(
                    "{name} compte {population} habitants : on pourrait y reconnaître la personne. Choisissez sa communauté de communes, ou une commune de plus de 2 000 habitants."
                ),
            ));
        }
        Ok(Self::Commune {
            code: code.to_owned(),
            name: name.to_owned(),
        })
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::Epci { .. } => "epci",
            Self::Commune { .. } => "commune",
        }
    }
    pub fn code(&self) -> &str {
        match self {
            Self::Epci { code, .. } | Self::Commune { code, .. } => code,
        }
    }
    pub fn name(&self) -> &str {
        match self {
            Self::Epci { name, .. } | Self::Commune { name, .. } => name,
        }
    }
    /// Rebuilds a stored area (checked when it was written).
    pub fn stored(kind: &str, code: &str, name: &str) -> Result<Self, UnknownValue> {
        match kind {
            "epci" => Ok(Self::epci(code, name)),
            "commune" => Ok(Self::Commune {
                code: code.to_owned(),
                name: name.to_owned(),
            }),
            other => Err(UnknownValue(other.to_owned())),
        }
    }
}

/// How the young person gets around.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Mobility {
    pub licence: bool,
    pub vehicle: bool,
    /// How far they can go each day, in kilometres.
    pub radius_km: u16,
}

/// A checked portrait.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Portrait {
    pub display_name: String,
    /// Kept in the back office only; pages show [`age_on`].
    pub birth_date: NaiveDate,
    pub area: Area,
    pub trades: Vec<CodeRome>,
    pub available_from: NaiveDate,
    pub mobility: Mobility,
    pub strengths: [String; 3],
    pub text: String,
}

/// What the form gives, before checking.
#[derive(Clone, Debug, Default)]
pub struct PortraitInput {
    pub display_name: String,
    pub birth_date: String,
    pub trades: Vec<String>,
    pub available_from: String,
    pub licence: bool,
    pub vehicle: bool,
    pub radius_km: String,
    pub strengths: [String; 3],
    pub text: String,
}

pub const MAX_TEXT_CHARS: usize = 600;
pub const MAX_STRENGTH_CHARS: usize = 40;

/// Age in whole years on `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> u32 {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}

fn date(field: &'static str, label: &str, raw: &str) -> Result<NaiveDate, Invalid> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        Invalid::new(
            field,
            format!("La date « {label} » doit s'écrire jj/mm/aaaa (par exemple 01/09/2027)."),
        )
    })
}

impl Portrait {
    /// Checks the form; `area` was resolved against the referentials by the caller.
    pub fn parse(input: &PortraitInput, area: Area, today: NaiveDate) -> Result<Self, Invalid> {
        let name = input.display_name.trim();
        check_text("display_name", "prénom ou pseudonyme", name, false)?;
        let count = name.chars().count();
        if count == 0 || count > 30 {
            return Err(Invalid::new(
                "display_name",
                "Indiquez un prénom ou un pseudonyme (30 caractères au plus).",
            ));
        }
        if name.chars().any(|c| c.is_ascii_digit() || c == '@') {
            return Err(Invalid::new(
                "display_name",
                "Le prénom ou pseudonyme ne peut contenir ni chiffre ni « @ » : pas de numéro ni d'adresse sur la page.",
            ));
        }
        let birth_date = date("birth_date", "date de naissance", &input.birth_date)?;
        let age = age_on(birth_date, today);
        if !(15..=30).contains(&age) || birth_date > today {
            return Err(Invalid::new(
                "birth_date",
                format!(
                    "Avec cette date de naissance, la personne aurait {age} ans : les pépites ont de 15 à 30 ans."
                ),
            ));
        }
        let mut trades = Vec::new();
        for raw in input
            .trades
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            let code = CodeRome::parse(raw)?;
            if !trades.contains(&code) {
                trades.push(code);
            }
        }
        if trades.is_empty() || trades.len() > 3 {
            return Err(Invalid::new(
                "trades",
                "Indiquez de un à trois métiers recherchés.",
            ));
        }
        let available_from = date(
            "available_from",
            "disponible à partir du",
            &input.available_from,
        )?;
        let radius_km = match input.radius_km.trim() {
            "" => 0,
            raw => raw
                .parse::<u16>()
                .ok()
                .filter(|r| *r <= 200)
                .ok_or_else(|| {
                    Invalid::new(
                        "radius_km",
                        "La distance de déplacement s'écrit en kilomètres, de 0 à 200.",
                    )
                })?,
        };
        let mut strengths: [String; 3] = Default::default();
        for (i, raw) in input.strengths.iter().enumerate() {
            let s = raw.trim();
            check_text("strengths", "atouts", s, false)?;
            if s.is_empty() || s.chars().count() > MAX_STRENGTH_CHARS {
                return Err(Invalid::new(
                    "strengths",
                    format!(
                        "Atout n° {} : écrivez-le en quelques mots ({MAX_STRENGTH_CHARS} caractères au plus).",
                        i + 1
                    ),
                ));
            }
            strengths[i] = s.to_owned();
        }
        let text = input.text.trim();
        check_text("text", "ses mots", text, true)?;
        let count = text.chars().count();
        if count == 0 || count > MAX_TEXT_CHARS {
            return Err(Invalid::new(
                "text",
                format!(
                    "Le texte dans ses mots est obligatoire, {MAX_TEXT_CHARS} caractères au plus (il en fait {count})."
                ),
            ));
        }
        if looks_like_contact(text) {
            return Err(Invalid::new(
                "text",
                "Le texte ne doit contenir ni numéro de téléphone ni adresse e-mail : les employeurs passent par la conseillère ou le conseiller.",
            ));
        }
        Ok(Self {
            display_name: name.to_owned(),
            birth_date,
            area,
            trades,
            available_from,
            mobility: Mobility {
                licence: input.licence,
                vehicle: input.vehicle,
                radius_km,
            },
            strengths,
            text: text.to_owned(),
        })
    }

    pub fn is_minor(&self, today: NaiveDate) -> bool {
        age_on(self.birth_date, today) < 18
    }
}

/// An e-mail address or a phone number (8 digits or more in a row, spaces and dots aside).
fn looks_like_contact(text: &str) -> bool {
    if text
        .split_whitespace()
        .any(|w| w.contains('@') && w.contains('.'))
    {
        return true;
    }
    let mut run = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 8 {
                return true;
            }
        } else if !matches!(c, ' ' | '.' | '-') {
            run = 0;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PortraitInput {
        PortraitInput {
            display_name: "Léa".into(),
            birth_date: "2008-03-10".into(),
            trades: vec!["D1102".into()],
            available_from: "2027-01-04".into(),
            licence: false,
            vehicle: false,
            radius_km: "20".into(),
            strengths: ["Ponctuelle".into(), "Souriante".into(), "Curieuse".into()],
            text: "J'aime faire du pain depuis toute petite.".into(),
        }
    }

    fn today() -> NaiveDate {
        "2026-12-02".parse().unwrap()
    }

    #[test]
    fn a_good_portrait() {
        let p = Portrait::parse(
            &input(),
            Area::epci("200035913", "CC des Sources de l'Orne"),
            today(),
        )
        .unwrap();
        assert_eq!(age_on(p.birth_date, today()), 18);
        assert!(!p.is_minor(today()));
        assert!(p.is_minor("2026-03-09".parse().unwrap()));
    }

    #[test]
    fn refusals_in_french() {
        let area = || Area::epci("1", "CC");
        let mut bad = input();
        bad.display_name = "Léa 06".into();
        assert!(
            Portrait::parse(&bad, area(), today())
                .unwrap_err()
                .message
                .contains("chiffre")
        );
        let mut bad = input();
        bad.text = "Appelez-moi au 06 12 34 56 78".into();
        assert!(
            Portrait::parse(&bad, area(), today())
                .unwrap_err()
                .message
                .contains("téléphone")
        );
        let mut bad = input();
        bad.strengths[2] = " ".into();
        assert!(
            Portrait::parse(&bad, area(), today())
                .unwrap_err()
                .message
                .contains("Atout n° 3")
        );
        let mut bad = input();
        bad.birth_date = "2015-01-01".into();
        assert!(
            Portrait::parse(&bad, area(), today())
                .unwrap_err()
                .message
                .contains("11 ans")
        );
        let mut bad = input();
        bad.trades = vec![];
        assert_eq!(
            Portrait::parse(&bad, area(), today()).unwrap_err().field,
            "trades"
        );
        assert!(
            Area::commune("61001", "Appenai", 1500)
                .unwrap_err()
                .message
                .contains("communauté de communes")
        );
        assert!(Area::commune("61001", "Alençon", 25_000).is_ok());
    }
}
