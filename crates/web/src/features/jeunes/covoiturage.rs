//! A counselor opts a young person in to car-pooling from their record (with the guardian's
//! agreement for a minor), or withdraws them. The pairs are on /gestion/covoiturage.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use tremplin_domain::carpool;
use tremplin_storage::{CarpoolOwner, NewCarpoolOptin, YoungPerson};

use crate::services::{covoiturage, typed};
use crate::shell::Id;
use crate::shell::auth::Staff;
use crate::shell::dates::{french_day, paris_today};
use crate::{AppState, WebError};

/// The record's car-pooling box: the opt-in in force, or the form to opt in.
pub(super) struct CarpoolBox {
    pub active: Option<String>,
    pub minor: bool,
    pub cfas: Vec<(i64, String)>,
    pub values: HashMap<String, String>,
    pub error: Option<String>,
}

impl CarpoolBox {
    pub fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }
}

pub(super) async fn load(
    state: &AppState,
    y: &YoungPerson,
    minor: bool,
) -> Result<CarpoolBox, WebError> {
    let active = match covoiturage::active_of(state, CarpoolOwner::YoungPerson(y.id)).await? {
        Some(o) => Some(format!(
            "Inscrit·e : {}, du {} au {}{}.",
            covoiturage::destination_label(state, &o).await?,
            french_day(o.starts_on),
            french_day(o.ends_on),
            if o.minor {
                " (accord du parent enregistré)"
            } else {
                ""
            }
        )),
        None => None,
    };
    let mut values = HashMap::new();
    if let Some(e) = &y.guardian_email {
        values.insert("parent_email".to_owned(), e.clone());
    }
    Ok(CarpoolBox {
        active,
        minor,
        cfas: state
            .store
            .training_centres()
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect(),
        values,
        error: None,
    })
}

fn date(values: &HashMap<String, String>, k: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(values.get(k).map_or("", |v| v.trim()), "%Y-%m-%d").ok()
}

/// The opt-in the form describes, or why not (in French).
async fn read(
    state: &AppState,
    y: &YoungPerson,
    minor: bool,
    staff: &Staff,
    f: &HashMap<String, String>,
) -> Result<Result<NewCarpoolOptin, String>, WebError> {
    let get = |k: &str| f.get(k).map_or("", |v| v.trim());
    let cfa_id = match get("cfa") {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(id) if state.store.training_centre(id).await?.is_some() => Some(id),
            _ => return Ok(Err("Choisissez le CFA dans la liste.".into())),
        },
    };
    let area = match (cfa_id, get("entreprise")) {
        (Some(_), "") => None,
        (None, "") => {
            return Ok(Err(
                "Choisissez le CFA, ou indiquez la commune de l'entreprise.".into(),
            ));
        }
        (_, name) => match typed::commune(state, name, "la commune de l'entreprise") {
            Ok(code) => Some(code),
            Err(u) => return Ok(Err(u.message)),
        },
    };
    let (Some(starts_on), Some(ends_on)) = (date(f, "debut"), date(f, "fin")) else {
        return Ok(Err(
            "Indiquez le début et la fin de la période (AAAA-MM-JJ).".into(),
        ));
    };
    if let Err(e) = carpool::period(starts_on, ends_on) {
        return Ok(Err(e.message));
    }
    let guardian = match carpool::guardian_agreement(
        minor,
        get("parent_email"),
        matches!(get("accord_parent"), "oui" | "on"),
    ) {
        Ok(g) => g,
        Err(_) => return Ok(Err("Ce·tte jeune a moins de 18 ans : indiquez l'e-mail de son parent (ou responsable légal) et cochez la case qui confirme son accord.".into())),
    };
    Ok(Ok(NewCarpoolOptin {
        owner: CarpoolOwner::YoungPerson(y.id),
        commune_code: y.commune_code.clone(),
        cfa_id,
        area_commune_code: area,
        starts_on,
        ends_on,
        minor,
        guardian_email: guardian.map(|e| e.as_str().to_owned()),
        created_by: Some(staff.user.id),
    }))
}

pub(super) async fn submit(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(f.get("csrf").map_or("", String::as_str))?;
    let y = state
        .store
        .young_person(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let now = state.clock.now();
    if f.get("action").map(String::as_str) == Some("retirer") {
        state
            .store
            .withdraw_carpool_optins(CarpoolOwner::YoungPerson(id), now)
            .await?;
        staff
            .log(&state, "covoiturage : retrait", &format!("jeune {id}"))
            .await?;
        return Ok(Redirect::to(&format!("/gestion/jeunes/{id}#covoiturage")).into_response());
    }
    let minor = tremplin_domain::application::age(y.birth_date, paris_today(now)) < 18;
    match read(&state, &y, minor, &staff, &f).await? {
        Ok(optin) => {
            state.store.add_carpool_optin(&optin, now).await?;
            staff
                .log(&state, "covoiturage : inscription", &format!("jeune {id}"))
                .await?;
            Ok(Redirect::to(&format!("/gestion/jeunes/{id}#covoiturage")).into_response())
        }
        Err(message) => {
            let mut page = super::record_page(&state, &staff, id, None).await?;
            page.carpool.values = f
                .iter()
                .filter(|(k, _)| k.as_str() != "csrf")
                .map(|(k, v)| (k.clone(), v.chars().take(200).collect()))
                .collect();
            page.carpool.error = Some(message);
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}
