//! « Nos pépites »: the back office where counselors write a portrait with the young person,
//! upload its video, poster and captions, gather consents and publish it; the public pages
//! employers read (`noindex`, no precise location, no contact) and their « Je souhaite
//! rencontrer… » form; the private consent link (give, then withdraw, without logging in).

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use chrono::NaiveDate;
use tremplin_storage::Pepite;

use crate::AppState;

mod actions;
mod cards;
mod consent;
mod derive;
mod gestion;
mod public;
mod uploads;

/// The largest body the video route reads: the most a territory may allow, and the form's
/// other fields. The territory's own limit stops the upload earlier, with a French message
/// ([`crate::services::uploads::receive`] streams it to disk and stops at the limit).
const MAX_UPLOAD_BYTES: usize =
    tremplin_domain::pepite::VideoLimits::MAX_CONFIGURABLE_MB as usize * 1_000_000 + 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/pepites", get(gestion::list))
        .route(
            "/gestion/pepites/nouvelle",
            get(gestion::new_form).post(gestion::create),
        )
        .route("/gestion/pepites/{id}", get(gestion::detail))
        .route(
            "/gestion/pepites/{id}/modifier",
            get(gestion::edit_form).post(gestion::update),
        )
        .route("/gestion/pepites/{id}/action", post(actions::action))
        .route(
            "/gestion/pepites/demandes/{id}/suite",
            post(actions::outcome),
        )
        .route(
            "/gestion/pepites/{id}/video",
            post(uploads::video).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route(
            "/gestion/pepites/{id}/affiche",
            post(uploads::poster).layer(DefaultBodyLimit::max(20 * 1024 * 1024)),
        )
        .route(
            "/gestion/pepites/{id}/sous-titres",
            get(uploads::captions_form)
                .post(uploads::captions)
                .layer(DefaultBodyLimit::max(2 * 1024 * 1024)),
        )
        .route("/gestion/pepites/{id}/apercu/{slot}", get(uploads::preview))
        .route("/gestion/pepites/{id}/consentements", post(consent::ask))
        .route(
            "/gestion/pepites/{id}/consentements/{cid}/recu",
            post(consent::received),
        )
        .route(
            "/pepites/consentement/{token}",
            get(consent::page).post(consent::answer),
        )
        .route("/pepites", get(public::list))
        .route("/pepites/{id}", get(public::page))
        .route("/pepites/{id}/rencontrer", post(public::request))
        .route("/pepites/{id}/carte.png", get(cards::card))
        .route("/pepites/{id}/media/{slot}", get(public::media))
}

/// What any page may show of a pépite: never its birth date, contact or precise place.
pub(crate) struct Shown {
    pub id: i64,
    pub name: String,
    pub age: u32,
    pub area: String,
    pub trades: Vec<String>,
    pub available_from: String,
    pub mobility: String,
    pub strengths: [String; 3],
    pub story: String,
}

impl Shown {
    pub fn of(state: &AppState, p: &Pepite, today: NaiveDate) -> Self {
        let mut mobility = Vec::new();
        if p.licence {
            mobility.push("permis B".to_owned());
        }
        if p.vehicle {
            mobility.push("véhiculé·e".to_owned());
        }
        if p.radius_km > 0 {
            mobility.push(format!("se déplace jusqu'à {} km", p.radius_km));
        }
        if mobility.is_empty() {
            mobility.push("sans véhicule : transports en commun, vélo ou covoiturage".to_owned());
        }
        Self {
            id: p.id,
            name: p.display_name.clone(),
            age: tremplin_domain::pepite::age_on(p.birth_date, today),
            area: p.area_name.clone(),
            trades: crate::services::relays::pepites::trade_labels(state, p),
            available_from: crate::shell::dates::french_day(p.available_from),
            mobility: mobility.join(", "),
            strengths: [
                p.strength_1.clone(),
                p.strength_2.clone(),
                p.strength_3.clone(),
            ],
            story: p.story.clone(),
        }
    }
}

/// The areas a counselor may pick: the territory's EPCIs, and its communes of more than
/// 2 000 inhabitants (value `epci:CODE` or `commune:INSEE`, label).
pub(crate) fn area_choices(state: &AppState) -> Vec<(String, String)> {
    let epcis = state.territory().map(|t| t.epcis).unwrap_or_default();
    let mut out: Vec<(String, String)> = epcis
        .iter()
        .filter_map(|e| {
            state
                .refs
                .communes
                .epci_name(e)
                .map(|n| (format!("epci:{e}"), n.to_owned()))
        })
        .collect();
    let mut communes: Vec<(String, String)> = state
        .refs
        .communes
        .in_epcis(&epcis)
        .filter(|c| c.population > tremplin_domain::pepite::MIN_COMMUNE_POPULATION)
        .map(|c| (format!("commune:{}", c.code), c.name.clone()))
        .collect();
    communes.sort_by(|a, b| a.1.cmp(&b.1));
    out.extend(communes);
    out
}

/// The area picked in the form, checked against the referentials.
pub(crate) fn area_of(
    state: &AppState,
    value: &str,
) -> Result<tremplin_domain::pepite::Area, tremplin_domain::Invalid> {
    use tremplin_domain::pepite::Area;
    let unknown = || {
        tremplin_domain::Invalid::new(
            "area",
            "Choisissez la zone dans la liste : sa communauté de communes, ou une commune de plus de 2 000 habitants.",
        )
    };
    match value.split_once(':') {
        Some(("epci", code)) => {
            let name = state.refs.communes.epci_name(code).ok_or_else(unknown)?;
            Ok(Area::epci(code, name))
        }
        Some(("commune", code)) => {
            let c = state.refs.communes.get(code).ok_or_else(unknown)?;
            Area::commune(code, &c.name, c.population)
        }
        _ => Err(unknown()),
    }
}
