//! Domain values that validate in their constructor: a handler never holds an unchecked
//! string where one of these belongs.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;

macro_rules! string_value {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// A SIRET (establishment number): 14 digits passing the Luhn check, or La Poste's
/// establishments (SIREN 356 000 000) whose digits sum to a multiple of 5.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Siret(String);
string_value!(Siret);

const LA_POSTE_SIREN: &str = "356000000";

impl Siret {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new(
                "siret",
                "Le SIRET doit comporter 14 chiffres.",
            ));
        }
        let digit_sum: u32 = digits.bytes().map(|b| u32::from(b - b'0')).sum();
        let valid = luhn(&digits) || (digits.starts_with(LA_POSTE_SIREN) && digit_sum % 5 == 0);
        if !valid {
            return Err(Invalid::new(
                "siret",
                "Ce SIRET n'existe pas (la clé de contrôle ne correspond pas) : vérifiez les 14 chiffres.",
            ));
        }
        Ok(Self(digits))
    }

    pub fn siren(&self) -> &str {
        &self.0[..9]
    }
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// An INSEE commune code: five characters, two for the département (2A/2B in Corsica).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct CodeInsee(String);
string_value!(CodeInsee);

impl CodeInsee {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = input.trim().to_ascii_uppercase();
        let b = code.as_bytes();
        let ok = b.len() == 5
            && (b[..2].iter().all(u8::is_ascii_digit) || &b[..2] == b"2A" || &b[..2] == b"2B")
            && b[2..].iter().all(u8::is_ascii_digit);
        if ok {
            Ok(Self(code))
        } else {
            Err(Invalid::new(
                "commune",
                format!(
                    "« {} » n'est pas un code commune INSEE (5 caractères, par exemple 61214 pour L'Aigle).",
                    clip(input)
                ),
            ))
        }
    }

    /// The département code: "61", "2A", or three digits overseas ("971").
    pub fn departement(&self) -> &str {
        if self.0.starts_with("97") || self.0.starts_with("98") {
            &self.0[..3]
        } else {
            &self.0[..2]
        }
    }
}

/// A ROME 4.0 métier code: a letter A–N and four digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct CodeRome(String);
string_value!(CodeRome);

impl CodeRome {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = input.trim().to_ascii_uppercase();
        let b = code.as_bytes();
        if b.len() == 5 && (b'A'..=b'N').contains(&b[0]) && b[1..].iter().all(u8::is_ascii_digit) {
            Ok(Self(code))
        } else {
            Err(Invalid::new(
                "rome_code",
                format!(
                    "« {} » n'est pas un code ROME (une lettre et quatre chiffres, par exemple D1102).",
                    clip(input)
                ),
            ))
        }
    }
}

/// An email address, checked for the shape people actually mistype and by the mail library's
/// own rules (`lettre::Address`): an address accepted here is one the sender can write to, so a
/// message is never stuck in the outbox for an address it could never send to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);
string_value!(Email);

impl Email {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let email = input.trim();
        let bad = || {
            Invalid::new(
                "email",
                format!("« {} » n'est pas une adresse e-mail valide.", clip(input)),
            )
        };
        if email.len() > 254
            || email
                .chars()
                .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
        {
            return Err(bad());
        }
        let (local, domain) = email.rsplit_once('@').ok_or_else(bad)?;
        let labels: Vec<&str> = domain.split('.').collect();
        if local.is_empty()
            || local.contains('@')
            || labels.len() < 2
            || labels
                .iter()
                .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
        {
            return Err(bad());
        }
        let email = format!("{local}@{}", domain.to_lowercase());
        if email.parse::<lettre::Address>().is_err() {
            return Err(bad());
        }
        Ok(Self(email))
    }
}

/// A French phone number, stored as ten digits and shown in pairs ("02 33 24 00 00").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Telephone(String);
string_value!(Telephone);

impl Telephone {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let compact: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}' | '(' | ')'))
            .collect();
        let national = if let Some(rest) = compact.strip_prefix("+33") {
            format!("0{rest}")
        } else if let Some(rest) = compact.strip_prefix("0033") {
            format!("0{rest}")
        } else {
            compact
        };
        let b = national.as_bytes();
        if b.len() == 10 && b[0] == b'0' && b[1] != b'0' && b.iter().all(u8::is_ascii_digit) {
            Ok(Self(national))
        } else {
            Err(Invalid::new(
                "telephone",
                format!(
                    "« {} » n'est pas un numéro de téléphone français (10 chiffres, par exemple 02 33 24 00 00).",
                    clip(input)
                ),
            ))
        }
    }

    /// "02 33 24 00 00"
    pub fn display(&self) -> String {
        self.0
            .as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap_or(""))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// "+33233240000", for `tel:` links.
    pub fn international(&self) -> String {
        format!("+33{}", &self.0[1..])
    }
}

/// An absolute http(s) URL, as an apply link or the source of an offer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct HttpUrl(String);
string_value!(HttpUrl);

impl HttpUrl {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let url = input.trim();
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
        match host {
            Some(h)
                if h.contains('.') || h.starts_with("localhost") || h.starts_with("127.0.0.1") =>
            {
                if url.len() <= 2000
                    && !url
                        .chars()
                        .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
                {
                    return Ok(Self(url.to_owned()));
                }
            }
            _ => {}
        }
        Err(Invalid::new(
            "url",
            format!(
                "« {} » n'est pas une adresse web valide (elle doit commencer par https://).",
                clip(input)
            ),
        ))
    }
}

/// Target diploma level on the European scale used by French certifications: 3 (CAP) to 7
/// (Master).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct NiveauDiplome(u8);

impl NiveauDiplome {
    pub const ALL: [NiveauDiplome; 5] = [
        NiveauDiplome(3),
        NiveauDiplome(4),
        NiveauDiplome(5),
        NiveauDiplome(6),
        NiveauDiplome(7),
    ];

    pub fn new(level: u8) -> Result<Self, Invalid> {
        if (3..=7).contains(&level) {
            Ok(Self(level))
        } else {
            Err(Invalid::new(
                "target_diploma_level",
                format!("Le niveau de diplôme doit être entre 3 (CAP) et 7 (Master), pas {level}."),
            ))
        }
    }

    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let t = input.trim();
        t.parse::<u8>().map_err(|_| {
            Invalid::new(
                "target_diploma_level",
                format!("« {} » n'est pas un niveau de diplôme : indiquez un chiffre de 3 (CAP) à 7 (Master).", clip(input)),
            )
        })
        .and_then(Self::new)
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// What the level means, in the words young people know.
    pub fn label(self) -> &'static str {
        match self.0 {
            3 => "CAP, BEP",
            4 => "Bac, Bac pro, BP",
            5 => "Bac+2 : BTS",
            6 => "Bac+3 : BUT, licence",
            _ => "Bac+5 : master, ingénieur",
        }
    }
}

impl TryFrom<u8> for NiveauDiplome {
    type Error = Invalid;
    fn try_from(v: u8) -> Result<Self, Invalid> {
        Self::new(v)
    }
}

impl From<NiveauDiplome> for u8 {
    fn from(v: NiveauDiplome) -> u8 {
        v.0
    }
}

/// The two work-study contracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContractType {
    Apprentissage,
    Professionnalisation,
}

impl ContractType {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        match input.trim().to_lowercase().as_str() {
            "apprentissage" | "contrat d'apprentissage" => Ok(Self::Apprentissage),
            "professionnalisation" | "contrat de professionnalisation" => {
                Ok(Self::Professionnalisation)
            }
            _ => Err(Invalid::new(
                "contract_type",
                format!(
                    "« {} » n'est pas un type de contrat : « apprentissage » ou « professionnalisation ».",
                    clip(input)
                ),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Apprentissage => "apprentissage",
            Self::Professionnalisation => "professionnalisation",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Apprentissage => "Contrat d'apprentissage",
            Self::Professionnalisation => "Contrat de professionnalisation",
        }
    }
}

/// Refuses control characters (NUL, escape, carriage return, line feed…) in a text typed or
/// sent by someone: invisible on the page, they break mail headers, CSV exports and logs. A
/// multi-line field (a description, a message, notes) keeps its line breaks and tabs.
pub fn check_text(
    field: &'static str,
    label: &str,
    value: &str,
    multiline: bool,
) -> Result<(), Invalid> {
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        let what = if multiline {
            "un caractère invisible (caractère nul, d'échappement…)"
        } else {
            "un caractère invisible (retour à la ligne, tabulation, caractère nul…)"
        };
        return Err(Invalid::new(
            field,
            format!("Le champ « {label} » contient {what} : retapez-le sans copier-coller."),
        ));
    }
    Ok(())
}

/// Quotes user input in a message without letting a huge value flood it.
pub(crate) fn clip(input: &str) -> String {
    let t = input.trim();
    if t.chars().count() > 40 {
        format!("{}…", t.chars().take(40).collect::<String>())
    } else {
        t.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siret_luhn_is_checked() {
        // A number built to pass the Luhn check.
        assert!(Siret::parse("123 456 780 00014").is_ok());
        assert!(Siret::parse("12345678000015").is_err());
        assert!(Siret::parse("1234567800001").is_err());
        assert!(Siret::parse("1234567800001A").is_err());
    }

    #[test]
    fn la_poste_sirets_follow_their_own_rule() {
        // La Poste: the digits sum to a multiple of 5, Luhn may fail.
        assert!(Siret::parse("35600000000048").is_ok());
        assert!(Siret::parse("35600000049837").is_ok()); // digits sum to 45
        assert!(Siret::parse("35600000049838").is_err());
    }

    #[test]
    fn commune_codes() {
        assert_eq!(CodeInsee::parse(" 61214 ").unwrap().as_str(), "61214");
        assert_eq!(CodeInsee::parse("2a004").unwrap().as_str(), "2A004");
        assert_eq!(CodeInsee::parse("97411").unwrap().departement(), "974");
        assert_eq!(CodeInsee::parse("61214").unwrap().departement(), "61");
        // "ⶨ¡" is five bytes: slicing it by bytes once panicked.
        for bad in ["6121", "612145", "L'Aig", "2C004", "", "ⶨ¡", "2ÀB00"] {
            assert!(CodeInsee::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rome_codes() {
        assert_eq!(CodeRome::parse("d1102").unwrap().as_str(), "D1102");
        for bad in ["Z1102", "D110", "D11023", "11023"] {
            assert!(CodeRome::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Jean.Dupont@Exemple.FR ").unwrap().as_str(),
            "Jean.Dupont@exemple.fr"
        );
        for bad in [
            "jean",
            "jean@",
            "@exemple.fr",
            "jean@exemple",
            "jean dupont@exemple.fr",
            "a@b..fr",
            // Accepted once, refused by the mail library: retried every hour forever.
            "jea\"nne@exemple.fr",
            "jeanne\u{0}@exemple.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones() {
        let t = Telephone::parse("+33 2 33 24 00 00").unwrap();
        assert_eq!(t.as_str(), "0233240000");
        assert_eq!(t.display(), "02 33 24 00 00");
        assert_eq!(t.international(), "+33233240000");
        assert!(Telephone::parse("02.33.24.00.00").is_ok());
        for bad in ["0033", "123", "00 00 00 00 00", "02 33 24 00 0x"] {
            assert!(Telephone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls() {
        assert!(HttpUrl::parse("https://exemple.fr/offre?id=3").is_ok());
        for bad in [
            "exemple.fr",
            "javascript:alert(1)",
            "https://",
            "https://exemple.fr/a b",
            "ftp://x.fr",
        ] {
            assert!(HttpUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn diploma_levels() {
        assert_eq!(NiveauDiplome::parse("3").unwrap().get(), 3);
        assert!(NiveauDiplome::parse("2").is_err());
        assert!(NiveauDiplome::parse("8").is_err());
        assert!(
            NiveauDiplome::parse("CAP")
                .unwrap_err()
                .message
                .contains("3 (CAP)")
        );
    }

    #[test]
    fn control_characters_are_refused_except_line_breaks_in_long_texts() {
        assert!(check_text("nom", "nom", "Léa Martin-Dupont", false).is_ok());
        for bad in [
            "Léa\r\nBcc: x",
            "Léa\n",
            "Lé\0a",
            "Léa\u{1b}[31m",
            "Léa\u{85}",
            "a\tb",
        ] {
            let e = check_text("nom", "nom", bad, false).unwrap_err();
            assert!(e.message.contains("« nom »"), "{bad:?}");
        }
        assert!(check_text("message", "message", "Bonjour,\r\n\tmotivée !", true).is_ok());
        assert!(check_text("message", "message", "Bonjour\0", true).is_err());
    }

    proptest::proptest! {
        #[test]
        fn constructors_never_panic(s in "\\PC{0,20}") {
            let _ = (Siret::parse(&s), CodeInsee::parse(&s), CodeRome::parse(&s), Email::parse(&s));
            let _ = (Telephone::parse(&s), HttpUrl::parse(&s), NiveauDiplome::parse(&s), ContractType::parse(&s));
        }
    }

    #[test]
    fn contract_types() {
        assert_eq!(
            ContractType::parse("Apprentissage").unwrap(),
            ContractType::Apprentissage
        );
        assert!(ContractType::parse("CDI").is_err());
    }
}
