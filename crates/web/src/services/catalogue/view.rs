//! An offer as pages and the API show it: labels in French, distances, links.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tremplin_domain::Offer;
use tremplin_domain::geo::format_distance;

use crate::AppState;

#[derive(Debug, Clone, Serialize)]
pub struct OfferView {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub rome: Vec<(String, String)>,
    pub company_name: String,
    pub siret: Option<String>,
    pub commune_code: String,
    pub commune_name: String,
    pub postcode: String,
    pub lat: f64,
    pub lon: f64,
    pub approximate: bool,
    pub address: Option<String>,
    pub distance_km: Option<f64>,
    pub distance_label: Option<String>,
    pub contract_type: &'static str,
    pub contract_label: &'static str,
    pub level: Option<u8>,
    pub level_label: String,
    pub diploma_label: Option<String>,
    pub start_date: Option<String>,
    pub start_label: String,
    pub duration_months: Option<u8>,
    pub positions: u16,
    pub rqth: bool,
    pub driving_licence: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub published_label: Option<String>,
    pub new_this_week: bool,
    pub source_kind: &'static str,
    pub source_label: &'static str,
    pub source_name: String,
    pub external_id: Option<String>,
    pub source_url: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_phone_link: Option<String>,
    pub apply_url: Option<String>,
    pub cfa_id: Option<i64>,
    pub cfa_name: Option<String>,
    /// The offer's page path, `/offres/12`.
    pub path: String,
    /// Set by a search with a commune (`Found::views`): the weekly trip, its label and how
    /// it is counted.
    pub weekly_trip_km: Option<f64>,
    pub weekly_trip_label: Option<String>,
    pub weekly_trip_detail: Option<String>,
    /// Kept by « atteignable sans voiture ».
    pub reachable_without_car: bool,
}

pub fn view(
    state: &AppState,
    offer: &Offer,
    distance_km: Option<f64>,
    near_approximate: bool,
) -> OfferView {
    let f = &offer.fields;
    let now = state.clock.now();
    let commune = state.refs.communes.get(f.commune.as_str());
    let approximate = f.location.is_none() && commune.is_some_and(|c| c.approximate);
    OfferView {
        id: offer.id,
        title: f.title.clone(),
        description: f.description.clone(),
        rome: f
            .rome_codes
            .iter()
            .map(|c| {
                (
                    c.to_string(),
                    state.refs.rome.label(c.as_str()).unwrap_or("").to_owned(),
                )
            })
            .collect(),
        company_name: f.company_name.clone(),
        siret: f.siret.as_ref().map(ToString::to_string),
        commune_code: f.commune.to_string(),
        commune_name: commune.map_or_else(|| f.commune.to_string(), |c| c.name.clone()),
        postcode: commune
            .and_then(|c| c.postcodes.first().cloned())
            .unwrap_or_default(),
        lat: f.location.map_or(commune.map_or(0.0, |c| c.lat), |p| p.lat),
        lon: f.location.map_or(commune.map_or(0.0, |c| c.lon), |p| p.lon),
        approximate,
        address: f.address.clone(),
        distance_km: distance_km.map(|d| (d * 10.0).round() / 10.0),
        distance_label: distance_km.map(|d| format_distance(d, approximate || near_approximate)),
        contract_type: f.contract_type.as_str(),
        contract_label: f.contract_type.label(),
        level: f.level.map(|l| l.get()),
        level_label: f.level.map_or_else(
            || "Niveau non précisé".to_owned(),
            |l| format!("Niveau {} ({})", l.get(), l.label()),
        ),
        diploma_label: f.diploma_label.clone(),
        start_date: f.start.date().map(|d| d.to_string()),
        start_label: f.start.label(),
        duration_months: f.duration_months,
        positions: f.positions,
        rqth: f.rqth,
        driving_licence: f.driving_licence,
        published_at: offer.published_at,
        published_label: offer.published_at.map(|p| p.format("%d/%m/%Y").to_string()),
        new_this_week: offer
            .published_at
            .is_some_and(|p| p <= now && p > super::new_since(now)),
        source_kind: f.source.kind.as_str(),
        source_label: source_label(f.source.kind, &f.source.name),
        source_name: f.source.name.clone(),
        external_id: f.source.external_id.clone(),
        source_url: f.source.url.as_ref().map(ToString::to_string),
        contact_email: f.contact.email.as_ref().map(ToString::to_string),
        contact_phone: f.contact.phone.as_ref().map(|p| p.display()),
        contact_phone_link: f
            .contact
            .phone
            .as_ref()
            .map(|p| format!("tel:{}", p.international())),
        apply_url: f.contact.apply_url.as_ref().map(ToString::to_string),
        cfa_id: offer.cfa_id,
        cfa_name: f.cfa.clone(),
        path: format!("/offres/{}", offer.id),
        weekly_trip_km: None,
        weekly_trip_label: None,
        weekly_trip_detail: None,
        reachable_without_car: false,
    }
}

/// Where an offer comes from, naming the national source a connector brought it from.
pub fn source_label(kind: tremplin_domain::SourceKind, name: &str) -> &'static str {
    match tremplin_connectors::Source::from_name(name) {
        Some(tremplin_connectors::Source::FranceTravail) => "Importée de France Travail",
        Some(tremplin_connectors::Source::LaBonneAlternance) => "Importée de La bonne alternance",
        None => kind.label(),
    }
}
