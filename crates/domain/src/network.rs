//! The company network a Mission Locale phones: what a call can conclude, and its rules.

use chrono::NaiveDate;

use crate::{Invalid, check_text};

/// How a call to a company ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    OffreRecueillie,
    /// A published offer confirmed as still open (the periodic re-verification).
    OffreConfirmee,
    PasDeBesoin,
    Rappeler,
    Injoignable,
    Refus,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 6] = [
        Self::OffreRecueillie,
        Self::OffreConfirmee,
        Self::PasDeBesoin,
        Self::Rappeler,
        Self::Injoignable,
        Self::Refus,
    ];

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL.into_iter().find(|o| o.as_str() == s).ok_or_else(|| {
            Invalid::new("outcome", "Choisissez l'issue de l'appel : offre recueillie, pas de besoin, rappeler, injoignable ou refus.")
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OffreRecueillie => "offre_recueillie",
            Self::OffreConfirmee => "offre_confirmee",
            Self::PasDeBesoin => "pas_de_besoin",
            Self::Rappeler => "rappeler",
            Self::Injoignable => "injoignable",
            Self::Refus => "refus",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::OffreRecueillie => "Offre recueillie",
            Self::OffreConfirmee => "Offre confirmée",
            Self::PasDeBesoin => "Pas de besoin",
            Self::Rappeler => "Rappeler",
            Self::Injoignable => "Injoignable",
            Self::Refus => "Refus",
        }
    }
}

/// A call as recorded by a counselor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallInput {
    pub outcome: CallOutcome,
    pub notes: String,
    pub next_call_on: Option<NaiveDate>,
}

impl CallInput {
    /// Checks a call; `today` bounds the next call date.
    pub fn parse(
        outcome: &str,
        notes: &str,
        next_call_on: &str,
        today: NaiveDate,
    ) -> Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let outcome = CallOutcome::parse(outcome.trim())
            .map_err(|e| errors.push(e))
            .ok();
        let notes = notes.trim().to_owned();
        if notes.chars().count() > 5_000 {
            errors.push(Invalid::new(
                "notes",
                "Les notes ne doivent pas dépasser 5 000 caractères.",
            ));
        } else if let Err(e) = check_text("notes", "notes", &notes, true) {
            errors.push(e);
        }
        let next = next_call_on.trim();
        let next_call_on = if next.is_empty() {
            None
        } else {
            match NaiveDate::parse_from_str(next, "%Y-%m-%d") {
                Ok(d) if d < today => {
                    errors.push(Invalid::new(
                        "next_call_on",
                        "La date du prochain appel est déjà passée.",
                    ));
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(Invalid::new(
                        "next_call_on",
                        format!("« {next} » n'est pas une date (AAAA-MM-JJ)."),
                    ));
                    None
                }
            }
        };
        if outcome == Some(CallOutcome::Rappeler) && next_call_on.is_none() && errors.is_empty() {
            errors.push(Invalid::new("next_call_on", "Indiquez quand rappeler."));
        }
        match outcome {
            Some(outcome) if errors.is_empty() => Ok(Self {
                outcome,
                notes,
                next_call_on,
            }),
            _ => Err(errors),
        }
    }
}

/// The free texts of a company of the network (name, sector, address, contact, tags, notes):
/// no control character, line breaks only in the notes.
pub fn check_company_texts(texts: &[(&'static str, &str, &str)], notes: &str) -> Vec<Invalid> {
    texts
        .iter()
        .filter_map(|(field, label, value)| check_text(field, label, value, false).err())
        .chain(check_text("notes", "notes", notes, true).err())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_notes_and_company_texts_refuse_control_characters() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert!(CallInput::parse("pas_de_besoin", "Rappel\nen mars", "", today).is_ok());
        let e = CallInput::parse("pas_de_besoin", "Rappel\0", "", today).unwrap_err();
        assert_eq!(e[0].field, "notes");
        let e = check_company_texts(
            &[
                ("name", "nom", "Four\r\nFictif"),
                ("tags", "étiquettes", "pain"),
            ],
            "ok\n",
        );
        assert_eq!(e.iter().map(|e| e.field).collect::<Vec<_>>(), ["name"]);
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn a_call_to_return_needs_a_future_date() {
        let ok = CallInput::parse("rappeler", " Patron absent ", "2026-12-01", today()).unwrap();
        assert_eq!(
            (ok.outcome, ok.notes.as_str()),
            (CallOutcome::Rappeler, "Patron absent")
        );
        let fields = |r: Result<CallInput, Vec<Invalid>>| {
            r.unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(CallInput::parse("rappeler", "", "", today())),
            ["next_call_on"]
        );
        assert_eq!(
            fields(CallInput::parse("rappeler", "", "2026-11-01", today())),
            ["next_call_on"]
        );
        assert_eq!(
            fields(CallInput::parse("injoignable", "", "demain", today())),
            ["next_call_on"]
        );
        assert_eq!(
            fields(CallInput::parse("peut-être", "", "", today())),
            ["outcome"]
        );
        assert!(CallInput::parse("pas_de_besoin", "", "", today()).is_ok());
    }
}
