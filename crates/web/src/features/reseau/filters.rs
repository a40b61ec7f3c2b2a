//! The sector and commune filters of the company lists, chosen by name: a NAF division from a
//! list, a commune typed as people write it (resolved by the referentials), never codes.

use tremplin_referentiels::{CommuneMatch, naf_division};

use crate::{AppState, WebError};

/// A sector offered in the list: (division code, "10 – Industries alimentaires").
pub struct Sector {
    pub code: String,
    pub label: String,
}

/// The NAF divisions of the companies in the network, by code.
pub async fn sectors(state: &AppState) -> Result<Vec<Sector>, WebError> {
    Ok(state
        .store
        .naf_divisions_in_network()
        .await?
        .into_iter()
        .filter_map(|code| {
            let label = naf_division(&code)?;
            Some(Sector {
                label: format!("{code} – {label}"),
                code,
            })
        })
        .collect())
}

/// The sector filter as the store takes it: a NAF division ("10"), checked against the list;
/// older links with a NAF code or its start ("10.71") still work.
pub fn sector_filter(v: Option<&str>) -> Result<Option<String>, WebError> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if naf_division(v).is_some()
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
        && v.len() <= 6
    {
        Ok(Some(v.to_uppercase()))
    } else {
        Err(WebError::BadRequest(format!(
            "« {} » n'est pas un secteur de la liste : choisissez-en un.",
            v.chars().take(40).collect::<String>()
        )))
    }
}

/// What the commune box gave.
pub enum CommuneChoice {
    Any,
    /// Its INSEE code.
    One(String),
    /// Several communes answer to that name: the person picks one (what the box takes to find
    /// it alone, label).
    Several(Vec<(String, String)>),
}

/// Understands the commune box the way the search does (a name, a postcode, "Name (61300)").
pub fn commune_filter(state: &AppState, v: Option<&str>) -> Result<CommuneChoice, WebError> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(CommuneChoice::Any);
    };
    match state
        .refs
        .communes
        .resolve(v, &state.territory_departements())
    {
        CommuneMatch::One(c) => Ok(CommuneChoice::One(c.code.to_string())),
        CommuneMatch::Several(list) => Ok(CommuneChoice::Several(
            list.into_iter()
                .map(|c| (c.link_key(), c.label()))
                .collect(),
        )),
        CommuneMatch::None => Err(WebError::BadRequest(format!(
            "Aucune commune ne correspond à « {} » : vérifiez l'orthographe ou donnez son code postal.",
            v.chars().take(60).collect::<String>()
        ))),
    }
}

/// The territory's communes, for the box's suggestions (a `datalist`: no JavaScript needed).
pub fn territory_communes(state: &AppState) -> Vec<String> {
    state.territory_commune_labels()
}
