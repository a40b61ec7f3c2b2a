//! The search form, filled with what was asked.

use tremplin_search::Sort;

use crate::services::catalogue::CatalogueQuery;

/// The search form, filled with what was asked.
pub struct Form {
    pub q: String,
    pub commune: String,
    pub radius: u32,
    pub levels: Vec<u8>,
    pub contract: &'static str,
    pub rqth: bool,
    pub new_only: bool,
    pub start_from: String,
    pub start_to: String,
    /// « Atteignable sans voiture »
    pub no_car: bool,
    pub sort: &'static str,
}

impl Form {
    pub fn from_query(q: &CatalogueQuery) -> Self {
        Self {
            q: q.text.clone(),
            commune: q.near.as_ref().map(|n| n.label.clone()).unwrap_or_default(),
            radius: q.radius_km,
            levels: q.levels.iter().map(|l| l.get()).collect(),
            contract: q.contract.map_or("", |c| c.as_str()),
            rqth: q.rqth,
            new_only: q.new_only,
            start_from: q.start_from.map(|d| d.to_string()).unwrap_or_default(),
            start_to: q.start_to.map(|d| d.to_string()).unwrap_or_default(),
            no_car: q.no_car,
            sort: match q.sort {
                _ if q.trip_sort => "trajet",
                Sort::Relevance if q.near.is_none() => "",
                Sort::Relevance => "pertinence",
                Sort::Distance => "",
                Sort::Date => "date",
            },
        }
    }

    /// What was typed, kept as typed when the query could not be understood.
    pub fn from_raw(raw: &str) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).unwrap_or_default();
        let get = |k: &str| -> String {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.chars().take(200).collect())
                .unwrap_or_default()
        };
        Self {
            q: get("q"),
            commune: get("commune"),
            // What was ticked stays ticked beside the message that asks for the commune.
            no_car: matches!(get("sans_voiture").as_str(), "1" | "true" | "oui" | "on"),
            sort: if get("tri") == "trajet" { "trajet" } else { "" },
            ..Self::from_query(&CatalogueQuery::default())
        }
    }

    pub fn has_level(&self, l: &u8) -> bool {
        self.levels.contains(l)
    }
}

pub const RADII: [u32; 6] = [10, 20, 30, 50, 100, 200];
pub const LEVELS: [(u8, &str); 5] = [
    (3, "CAP, BEP"),
    (4, "Bac, Bac pro, BP"),
    (5, "Bac+2 (BTS)"),
    (6, "Bac+3 (BUT, licence)"),
    (7, "Bac+5 (master)"),
];
