//! Counselors apply on behalf of a young person, to one or several offers.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use tremplin_domain::Invalid;
use tremplin_domain::application::{ApplicationInput, Mobility};

use crate::services::applications::deliver;
use crate::shell::Layout;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "features/gestion_candidatures/templates/on_behalf.html")]
pub(super) struct OnBehalfPage {
    layout: Layout,
    nav: crate::shell::Nav,
    offers: Vec<(i64, String, String, bool)>,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
    sent: Vec<(String, Result<String, String>)>,
    mobilities: Vec<(&'static str, &'static str)>,
}

impl OnBehalfPage {
    fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }
}

pub(super) async fn public_offers(
    state: &AppState,
    chosen: &[i64],
) -> Result<Vec<(i64, String, String, bool)>, WebError> {
    let list = state
        .store
        .offers_for_management(Some(tremplin_domain::OfferStatus::Publiee), None, 300)
        .await?;
    Ok(list
        .iter()
        .map(|o| {
            let commune = state
                .refs
                .communes
                .get(o.fields.commune.as_str())
                .map_or_else(String::new, |c| c.name.clone());
            (
                o.id,
                o.fields.title.clone(),
                format!("{} · {commune}", o.fields.company_name),
                chosen.contains(&o.id),
            )
        })
        .collect())
}

#[derive(serde::Deserialize, Default)]
pub(super) struct FromRecord {
    #[serde(default)]
    jeune: String,
}

/// The form's values from a young person's record (« Postuler pour ce·tte jeune »).
async fn prefilled(state: &AppState, jeune: &str) -> Result<HashMap<String, String>, WebError> {
    let Ok(id) = jeune.trim().parse::<i64>() else {
        return Ok(HashMap::new());
    };
    let y = state
        .store
        .young_person(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mobility = match (y.licence, y.vehicle) {
        (true, true) => Mobility::PermisVoiture,
        (true, false) => Mobility::Permis,
        (false, true) => Mobility::DeuxRoues,
        (false, false) => Mobility::Aucune,
    };
    Ok([
        ("jeune", y.id.to_string()),
        ("prenom", y.first_name),
        ("nom", y.last_name),
        ("email", y.email.unwrap_or_default()),
        ("telephone", y.phone.unwrap_or_default()),
        ("commune", y.commune_code),
        ("date_naissance", y.birth_date.to_string()),
        ("mobilite", mobility.as_str().to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect())
}

pub(super) async fn on_behalf_form(
    State(state): State<AppState>,
    staff: crate::shell::auth::Staff,
    axum::extract::Query(q): axum::extract::Query<FromRecord>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let page = OnBehalfPage {
        layout: Layout::new(&state, "/gestion/candidatures/nouvelle"),
        nav: crate::shell::Nav::new(&staff),
        offers: public_offers(&state, &[]).await?,
        values: prefilled(&state, &q.jeune).await?,
        errors: Vec::new(),
        sent: Vec::new(),
        mobilities: Mobility::ALL
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
    };
    Ok(Html(page.render()?))
}

pub(super) async fn on_behalf(
    State(state): State<AppState>,
    staff: crate::shell::auth::Staff,
    body: Bytes,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| WebError::BadRequest("Le formulaire est mal formé.".into()))?;
    let values: HashMap<String, String> = pairs
        .iter()
        .filter(|(k, _)| k != "offres")
        .cloned()
        .collect();
    staff.check_csrf(values.get("csrf").map_or("", String::as_str))?;
    let chosen: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "offres")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let now = state.clock.now();
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let mut errors = Vec::new();
    if chosen.is_empty() {
        errors.push(Invalid::new("offres", "Cochez au moins une offre."));
    }
    let input = ApplicationInput::parse(&get, now.date_naive(), &|c| state.refs.communes.exists(c))
        .map_err(|e| errors.extend(e))
        .ok();
    // Started from a young person's record: the applications sent are attached to it.
    let record = match values
        .get("jeune")
        .map(|j| j.trim())
        .filter(|j| !j.is_empty())
    {
        None => None,
        Some(j) => Some(
            state
                .store
                .young_person(j.parse().map_err(|_| WebError::NotFound)?)
                .await?
                .ok_or(WebError::NotFound)?
                .id,
        ),
    };
    let mut sent = Vec::new();
    if let (Some(input), true) = (&input, errors.is_empty()) {
        for id in &chosen {
            let Some(offer) = state
                .store
                .get_offer(*id)
                .await?
                .filter(|o| o.status.is_public())
            else {
                continue;
            };
            let outcome = deliver(&state, &offer, input, None, None, now).await?;
            if let (Ok(d), Some(y)) = (&outcome, record) {
                state.store.attach_application(y, d.id).await?;
            }
            let outcome = outcome.map(|d| d.link).map_err(|e| e.message);
            sent.push((offer.fields.title.clone(), outcome));
        }
        let detail = format!(
            "{} candidature(s) envoyée(s) pour un·e jeune",
            sent.iter().filter(|s| s.1.is_ok()).count()
        );
        staff.log(&state, "candidature prescrite", &detail).await?;
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = OnBehalfPage {
        layout: Layout::new(&state, "/gestion/candidatures/nouvelle"),
        nav: crate::shell::Nav::new(&staff),
        offers: public_offers(&state, &chosen).await?,
        values: values.into_iter().filter(|(k, _)| k != "csrf").collect(),
        errors,
        sent,
        mobilities: Mobility::ALL
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
    };
    Ok((status, Html(page.render()?)).into_response())
}
