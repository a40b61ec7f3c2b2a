//! Reference data: French communes (with coordinates) and ROME 4.0 métiers.
//!
//! The data ships inside the binary as compact files derived from registry packages by
//! `scripts/referentiels/build.py` (sources and licences in `data/SOURCES.md`). Official commune
//! centres loaded with `tremplin referentiels communes FILE` are stored in the database and
//! applied on top with [`Communes::apply_centres`].

mod communes;
mod fold;
mod lookup;
mod naf;
mod rome;

pub use communes::{Centre, Commune, CommuneMatch, Communes, parse_official_centres};
pub use fold::{compact, fold};
pub use lookup::{CHOICES, Focus};
pub use naf::{naf_division, naf_divisions};
pub use rome::{Metier, Rome};

/// Communes and métiers, loaded once.
pub struct Referentiels {
    pub communes: Communes,
    pub rome: Rome,
}

impl Referentiels {
    /// The commune's centre, for the offer rules that need it; None for an unknown code.
    pub fn commune_centre(
        &self,
        code: &tremplin_domain::CodeInsee,
    ) -> Option<tremplin_domain::GeoPoint> {
        self.communes
            .get(code.as_str())
            .map(|c| tremplin_domain::GeoPoint {
                lat: c.lat,
                lon: c.lon,
            })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("fichier de référence illisible : {0}")]
    Read(String),
}

/// The pay rules file (`data/regles.csv`, checked by `scripts/regles/check.py`), loaded into
/// the rules table at every start: see `Store::seed_pay_rules`.
pub fn pay_rules() -> Result<Vec<tremplin_domain::pay::Rule>, Error> {
    tremplin_domain::pay::parse_csv(include_str!("../data/regles.csv")).map_err(Error::Read)
}
