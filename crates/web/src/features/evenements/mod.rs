//! Events for everyone: the public activities upcoming (`/evenements`, nearest first when the
//! young person gives their commune), each event's page with its registration form, the
//! cancellation link, and the calendars (`/evenements/{id}.ics`, the feed `/evenements.ics`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::Duration;
use tremplin_domain::geo::{format_distance, haversine_km};
use tremplin_storage::Activity;

use crate::services::{events, typed};
use crate::shell::Layout;
use crate::shell::auth;
use crate::{AppState, WebError};

mod register;

/// Cancelled events stay in the feed this long after their end, so that calendars drop them.
const CANCELLED_KEPT_DAYS: i64 = 30;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/evenements", get(list))
        .route("/evenements.ics", get(feed))
        .route("/evenements/{id}", get(event))
        .route(
            "/evenements/{id}/inscription",
            axum::routing::post(register::register),
        )
        .route(
            "/evenements/annuler/{token}",
            get(register::cancel_form).post(register::cancel),
        )
}

/// One event as the lists show it.
pub(super) struct Card {
    id: i64,
    title: String,
    kind: &'static str,
    when: String,
    place: String,
    distance: Option<String>,
    audience: String,
    full: bool,
}

fn card(state: &AppState, a: &Activity, from: Option<(f64, f64, bool)>) -> (Card, f64) {
    let point = a
        .commune_code
        .as_deref()
        .and_then(|c| state.refs.communes.get(c));
    let km = match (from, point) {
        (Some((lat, lon, _)), Some(c)) => {
            Some((haversine_km(lat, lon, c.lat, c.lon), c.approximate))
        }
        _ => None,
    };
    let approx = from.is_some_and(|f| f.2);
    (
        Card {
            id: a.id,
            title: a.title.clone(),
            kind: a.kind.label(),
            when: events::when(a),
            place: events::place(state, a),
            distance: km.map(|(d, ap)| format_distance(d, ap || approx)),
            audience: a.audience.clone(),
            full: a.seated >= a.capacity,
        },
        km.map_or(f64::MAX, |(d, _)| d),
    )
}

#[derive(Template)]
#[template(path = "features/evenements/templates/list.html")]
struct ListPage {
    layout: Layout,
    commune: String,
    commune_error: Option<String>,
    choices: Vec<typed::Choice>,
    from: Option<String>,
    cards: Vec<Card>,
}

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    commune: String,
}

async fn list(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    let now = state.clock.now();
    let activities = state.store.public_activities(now, false).await?;
    let (mut from, mut commune_error, mut choices, mut from_name) = (None, None, Vec::new(), None);
    if !q.commune.trim().is_empty() {
        match typed::commune(&state, &q.commune, "votre commune") {
            Ok(code) => {
                if let Some(c) = state.refs.communes.get(&code) {
                    from = Some((c.lat, c.lon, c.approximate));
                    from_name = Some(c.name.clone());
                }
            }
            Err(unclear) => {
                commune_error = Some(unclear.message);
                choices = unclear.choices;
            }
        }
    }
    let mut cards: Vec<(Card, f64)> = activities.iter().map(|a| card(&state, a, from)).collect();
    // With a commune, the nearest first (virtual workshops last), then by date.
    if from.is_some() {
        cards.sort_by(|a, b| a.1.total_cmp(&b.1));
    }
    let page = ListPage {
        layout: Layout::new(&state, "/evenements"),
        commune: q.commune.chars().take(100).collect(),
        commune_error,
        choices,
        from: from_name,
        cards: cards.into_iter().map(|(c, _)| c).collect(),
    };
    Ok(Html(page.render()?))
}

/// The public feed: upcoming public events, and the cancelled ones for a while.
async fn feed(State(state): State<AppState>) -> Result<Response, WebError> {
    let now = state.clock.now();
    let all = state
        .store
        .public_activities(now - Duration::days(CANCELLED_KEPT_DAYS), true)
        .await?;
    let shown: Vec<Activity> = all
        .into_iter()
        .filter(|a| a.cancelled || a.ends_at >= now)
        .collect();
    let name = match state.territory() {
        Some(t) => format!("Événements – {}", t.name),
        None => "Événements".into(),
    };
    Ok(calendar_response(
        events::ics(&state, &shown, &name),
        "evenements.ics",
    ))
}

fn calendar_response(body: String, file: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "public, max-age=300".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// A public activity by its id in the path ("12" or "12.ics"): cancelled ones too.
pub(super) async fn public_activity(state: &AppState, id: i64) -> Result<Activity, WebError> {
    state
        .store
        .activity(id)
        .await?
        .filter(|a| a.is_public)
        .ok_or(WebError::NotFound)
}

fn parse_id(raw: &str) -> Option<i64> {
    (!raw.is_empty() && raw.len() < 16 && raw.bytes().all(|b| b.is_ascii_digit()))
        .then(|| raw.parse().ok())
        .flatten()
}

/// `/evenements/12` is the page, `/evenements/12.ics` its calendar (one route: the router
/// takes no suffix after a parameter).
async fn event(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Some(id) = raw.strip_suffix(".ics").and_then(parse_id) {
        let a = public_activity(&state, id).await?;
        let body = events::ics(&state, std::slice::from_ref(&a), &a.title);
        return Ok(calendar_response(body, &format!("evenement-{id}.ics")));
    }
    let id = parse_id(&raw).ok_or(WebError::NotFound)?;
    let a = public_activity(&state, id).await?;
    let (csrf, cookie) = auth::public_csrf(&state, &headers);
    let page = register::page(&state, &a, csrf, Default::default(), Vec::new()).await?;
    Ok(([(header::SET_COOKIE, cookie)], Html(page.render()?)).into_response())
}
