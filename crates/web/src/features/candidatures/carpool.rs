//! Car-pooling from an application: the opt-in box of the form (a minor needs their
//! guardian's e-mail and agreement), and withdrawing or opting in again from the follow-up
//! page. Contact always goes through a counselor.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use tremplin_domain::{Invalid, carpool};
use tremplin_storage::CarpoolOwner;
use tremplin_storage::applications::Application;

use super::follow::{Key, find};
use crate::services::covoiturage;
use crate::shell::auth::ClientIp;
use crate::shell::dates::{french_day, paris_today};
use crate::{AppState, WebError};

/// An opt-in the form asks for: whether the young person is a minor, and their guardian's
/// e-mail (always there for a minor).
pub(super) struct Choice {
    pub minor: bool,
    pub guardian: Option<String>,
}

fn ticked(values: &HashMap<String, String>, k: &str) -> bool {
    matches!(values.get(k).map(|v| v.trim()), Some("oui" | "on" | "1"))
}

fn minor(birth: NaiveDate, today: NaiveDate) -> bool {
    tremplin_domain::application::age(birth, today) < 18
}

/// The form's car-pool box: `None` unticked; a minor (by the birth date typed) needs the
/// guardian's e-mail and agreement. A birth date that does not read is the form's own error.
pub(super) fn choice(
    values: &HashMap<String, String>,
    today: NaiveDate,
) -> Result<Option<Choice>, Invalid> {
    if !ticked(values, "covoiturage") {
        return Ok(None);
    }
    let birth = values.get("date_naissance").map_or("", |v| v.trim());
    let Ok(birth) = NaiveDate::parse_from_str(birth, "%Y-%m-%d") else {
        return Ok(None);
    };
    let minor = minor(birth, today);
    let guardian = carpool::guardian_agreement(
        minor,
        values
            .get("covoiturage_parent_email")
            .map_or("", String::as_str),
        ticked(values, "covoiturage_accord_parent"),
    )?;
    Ok(Some(Choice {
        minor,
        guardian: guardian.map(|e| e.as_str().to_owned()),
    }))
}

/// What the follow-up page says about car-pooling.
pub(super) struct FollowCarpool {
    pub active: Option<String>,
    pub minor: bool,
    pub error: Option<String>,
}

pub(super) async fn follow_box(
    state: &AppState,
    a: &Application,
    error: Option<String>,
) -> Result<FollowCarpool, WebError> {
    let active = match covoiturage::active_of(state, CarpoolOwner::Application(a.id)).await? {
        Some(o) => Some(format!(
            "Tu es inscrit·e au covoiturage vers {}, du {} au {}.",
            covoiturage::destination_label(state, &o).await?,
            french_day(o.starts_on),
            french_day(o.ends_on)
        )),
        None => None,
    };
    Ok(FollowCarpool {
        active,
        minor: minor(a.birth_date, paris_today(state.clock.now())),
        error,
    })
}

pub(super) async fn post_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    match find(&state, &ip, Key::Code(&code)).await? {
        Ok(a) => change(&state, a, format!("/c/{code}"), &body).await,
        Err(r) => Ok(r),
    }
}

pub(super) async fn post_token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    match find(&state, &ip, Key::Token(&token)).await? {
        Ok(a) => change(&state, a, format!("/candidature/{token}"), &body).await,
        Err(r) => Ok(r),
    }
}

/// Withdraws (`action=retirer`) or opts in again (a minor with the guardian's agreement),
/// then back to the follow-up page; a refusal shows on it, nothing changed.
async fn change(
    state: &AppState,
    a: Application,
    path: String,
    body: &[u8],
) -> Result<Response, WebError> {
    let values: HashMap<String, String> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let now = state.clock.now();
    if values.get("action").map(String::as_str) == Some("retirer") {
        state
            .store
            .withdraw_carpool_optins(CarpoolOwner::Application(a.id), now)
            .await?;
        return Ok(Redirect::to(&format!("{path}#covoiturage")).into_response());
    }
    // Anything but a clear « inscrire » (or an opt-in already there) changes nothing.
    if values.get("action").map(String::as_str) != Some("inscrire")
        || covoiturage::active_of(state, CarpoolOwner::Application(a.id))
            .await?
            .is_some()
    {
        return Ok(Redirect::to(&format!("{path}#covoiturage")).into_response());
    }
    let minor = minor(a.birth_date, paris_today(now));
    let guardian = match carpool::guardian_agreement(
        minor,
        values
            .get("covoiturage_parent_email")
            .map_or("", String::as_str),
        ticked(&values, "covoiturage_accord_parent"),
    ) {
        Ok(g) => g,
        Err(e) => {
            return super::follow::page_with(state, a, path, Some(e.message)).await;
        }
    };
    let Some(offer) = state.store.get_offer(a.offer_id).await? else {
        return Err(WebError::NotFound);
    };
    covoiturage::opt_in_application(
        state,
        a.id,
        &offer,
        &a.commune_code,
        minor,
        guardian.map(|e| e.as_str().to_owned()),
    )
    .await?;
    Ok(Redirect::to(&format!("{path}#covoiturage")).into_response())
}
