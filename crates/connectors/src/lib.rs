//! Connectors: the territory's apprenticeship offers brought in from France Travail and La
//! bonne alternance, mapped to Tremplin offers (or rejected with a reason), upserted on source
//! and external id, closed when the source no longer lists them, and shown once when several
//! sources carry the same offer.
//!
//! Each source has a client (HTTP, paging, rate limits) and a mapper (JSON → the columns of
//! `tremplin import csv`, validated by the same `parse_record`); `run` does the rest for both.

pub mod csv_file;
pub mod france_travail;
pub mod http;
pub mod labonnealternance;
pub mod launch;
mod mapping;
pub mod run;

use std::collections::BTreeMap;

pub use launch::{Area, ConnectorSettings};
pub use run::{Progress, RunReport, Trigger, run};

/// Everything a connector run can fail on, in French for the report and the command line.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    #[error("configuration : {0}")]
    Config(String),
    #[error("{what} : serveur injoignable ({cause})")]
    Network { what: String, cause: String },
    #[error("{what} : réponse HTTP {status} {body}")]
    Status {
        what: String,
        status: u16,
        body: String,
    },
    #[error("{what} : identifiants refusés (HTTP {status}) : vérifiez ceux de la configuration")]
    Auth { what: String, status: u16 },
    #[error("{what} : réponse illisible ({cause})")]
    Malformed { what: String, cause: String },
    #[error("{0}")]
    Split(String),
    #[error("un import de cette source est déjà en cours")]
    Busy,
    #[error(transparent)]
    Store(#[from] tremplin_storage::StoreError),
}

/// One source offer as the columns of a CSV import line, ready for `parse_record`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Columns(pub BTreeMap<&'static str, String>);

impl Columns {
    pub fn set(&mut self, column: &'static str, value: impl Into<String>) {
        let value = value.into();
        let value = value.trim();
        if !value.is_empty() {
            self.0.insert(column, value.to_owned());
        }
    }

    pub fn get(&self, column: &str) -> &str {
        self.0.get(column).map_or("", String::as_str)
    }
}

/// What a mapper makes of one source offer.
#[derive(Debug, Clone, PartialEq)]
pub enum Mapped {
    Offer(Columns),
    /// Not for the catalogue, on purpose (not an apprenticeship, already brought by another
    /// connector): counted, not reported one by one.
    Excluded {
        why: &'static str,
    },
    /// Could not be mapped: reported with its reason, never guessed.
    Rejected {
        external_id: String,
        reason: String,
    },
}

/// The sources Tremplin has connectors for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    FranceTravail,
    LaBonneAlternance,
}

impl Source {
    pub const ALL: [Source; 2] = [Source::FranceTravail, Source::LaBonneAlternance];

    /// The source name offers are stored under (the upsert key with the external id).
    pub fn name(self) -> &'static str {
        match self {
            Self::FranceTravail => france_travail::SOURCE,
            Self::LaBonneAlternance => labonnealternance::SOURCE,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::FranceTravail => "France Travail",
            Self::LaBonneAlternance => "La bonne alternance",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}
