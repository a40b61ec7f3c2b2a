//! JSON API v1: the catalogue for partner sites, school ENTs and apps.

use axum::extract::{RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::partenaires as partner_api;
use crate::error::ApiError;
use crate::services::catalogue::{self, CatalogueQuery, OfferView, ParamStyle};
use crate::shell::ApiId;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/offers", get(offers).post(partner_api::create))
        .route(
            "/api/v1/offers/{id}",
            get(offer)
                .put(partner_api::update)
                .delete(partner_api::withdraw),
        )
        .route("/api/v1/communes", get(communes))
        .route("/api/v1/metiers", get(metiers))
        .route("/api/v1/openapi.json", get(openapi))
}

/// The JSON shape of an offer, documented in the OpenAPI document.
pub fn offer_json(state: &AppState, v: &OfferView) -> Value {
    let mut o = json!({
        "id": v.id,
        "title": v.title,
        "rome_codes": v.rome.iter().map(|(c, _)| c).collect::<Vec<_>>(),
        "company": { "name": v.company_name, "siret": v.siret },
        "location": {
            "commune_code": v.commune_code,
            "commune_name": v.commune_name,
            "postcode": v.postcode,
            "lat": v.lat,
            "lon": v.lon,
            "approximate": v.approximate,
        },
        "contract_type": v.contract_type,
        "target_diploma_level": v.level,
        "start_date": v.start_date,
        "published_at": v.published_at.map(|p| p.to_rfc3339()),
        "new_this_week": v.new_this_week,
        "source": { "kind": v.source_kind, "external_id": v.external_id },
        "url": format!("{}{}", state.config.public_url, v.path),
    });
    if let Some(d) = v.distance_km {
        o["distance_km"] = json!(d);
    }
    if let Some(km) = v.weekly_trip_km {
        o["weekly_trip_km"] = json!(km);
    }
    o
}

pub(super) async fn offers(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = CatalogueQuery::parse(raw.as_deref().unwrap_or(""), ParamStyle::Api, &state)
        .map_err(|p| WebError::BadRequest(p.message))?;
    let found = catalogue::run(&state, &q).await?;
    let near_approx = q.near.as_ref().is_some_and(|n| n.approximate);
    let offers: Vec<Value> = found
        .views(&state, near_approx)
        .iter()
        .map(|v| offer_json(&state, v))
        .collect();
    let mut body =
        json!({ "total": found.total, "page": q.page, "per_page": q.per_page, "offers": offers });
    if q.no_car {
        let t = &found.trips;
        body["no_car"] = json!({
            "applied": t.no_car == catalogue::NoCar::Applied,
            "message": t.no_car.notice(),
        });
    }
    if q.needs_trips() {
        body["examined"] = json!({
            "max": catalogue::MAX_EXAMINED,
            "capped": found.trips.capped,
            "message": found.trips.capped_notice(&q),
        });
    }
    Ok(Json(body))
}

pub(super) async fn offer(
    State(state): State<AppState>,
    ApiId(id): ApiId,
) -> Result<Json<Value>, ApiError> {
    let offer = state
        .store
        .get_offer(id)
        .await?
        .filter(|o| o.status.is_public())
        .ok_or(WebError::NotFound)?;
    let v = catalogue::view(&state, &offer, None, false);
    let mut o = offer_json(&state, &v);
    o["description"] = json!(v.description);
    o["diploma_label"] = json!(v.diploma_label);
    o["duration_months"] = json!(v.duration_months);
    o["positions"] = json!(v.positions);
    o["rqth"] = json!(v.rqth);
    o["driving_licence"] = json!(v.driving_licence);
    o["contact"] =
        json!({ "email": v.contact_email, "phone": v.contact_phone, "apply_url": v.apply_url });
    o["training_centre"] = json!(v.cfa_name);
    o["source"]["url"] = json!(v.source_url);
    Ok(Json(o))
}

#[derive(serde::Deserialize)]
pub(super) struct Lookup {
    q: Option<String>,
}

pub(super) async fn communes(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = lookup(raw)?;
    let found = state
        .refs
        .communes
        .search_in(&q, 10, &state.commune_focus());
    Ok(Json(json!(
        found
            .iter()
            .map(|c| json!({
                "code": c.code.as_str(),
                "name": c.name,
                "postcodes": c.postcodes,
                "lat": c.lat,
                "lon": c.lon,
                "approximate": c.approximate,
                "label": c.label(),
                "departement": c.departement,
                "departement_name": c.departement_name,
                "place": c.place(),
                "known_as": state.refs.communes.known_as(c, &q),
            }))
            .collect::<Vec<_>>()
    )))
}

pub(super) async fn metiers(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = lookup(raw)?;
    let found = state.refs.rome.search(&q, 20);
    Ok(Json(json!(
        found
            .iter()
            .map(|m| json!({ "code": m.code, "label": m.label }))
            .collect::<Vec<_>>()
    )))
}

pub(super) fn lookup(raw: Option<String>) -> Result<String, ApiError> {
    let l: Lookup = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| WebError::BadRequest("Paramètres mal formés.".into()))?;
    let q = l.q.unwrap_or_default();
    let len = q.trim().chars().count();
    if len == 0 {
        return Err(WebError::BadRequest(
            "Le paramètre q est obligatoire : un nom, un code postal ou un code.".into(),
        )
        .into());
    }
    if len > 100 {
        return Err(WebError::BadRequest(
            "Le paramètre q est trop long (100 caractères au plus).".into(),
        )
        .into());
    }
    Ok(q)
}

pub(super) async fn openapi() -> Json<Value> {
    Json(
        serde_json::from_str(include_str!("../../../openapi.json"))
            .expect("openapi.json is valid JSON"),
    )
}
