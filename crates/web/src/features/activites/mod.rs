//! The activities in the back office (counselors): the list, the form to schedule or change
//! one, its cancellation, the attendance sheet filled on a phone during the activity, its PDF
//! for the funders, and a registrant's history.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Duration;
use tremplin_storage::Activity;

use crate::services::events;
use crate::shell::auth::Staff;
use crate::shell::{Id, Layout, Nav};
use crate::{AppState, WebError};

mod form;
mod members;
mod sheet;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/activites", get(list).post(form::create))
        .route("/gestion/activites/nouvelle", get(form::new))
        .route("/gestion/activites/historique", get(history))
        .route("/gestion/activites/{id}", get(sheet::show))
        .route(
            "/gestion/activites/{id}/modifier",
            get(form::edit).post(form::update),
        )
        .route("/gestion/activites/{id}/annuler", post(cancel))
        .route("/gestion/activites/{id}/presences", post(sheet::mark))
        .route(
            "/gestion/activites/{id}/membres",
            post(members::register_all),
        )
        .route(
            "/gestion/activites/{id}/membres/{jeune}",
            post(members::register_one),
        )
        .route("/gestion/activites/{id}/emargement.pdf", get(sheet::pdf))
}

pub(super) struct Line {
    id: i64,
    title: String,
    kind: &'static str,
    when: String,
    place: String,
    public: bool,
    cancelled: bool,
    seats: String,
}

fn line(state: &AppState, a: &Activity) -> Line {
    Line {
        id: a.id,
        title: a.title.clone(),
        kind: a.kind.label(),
        when: events::when(a),
        place: events::place(state, a),
        public: a.is_public,
        cancelled: a.cancelled,
        seats: if a.waiting > 0 {
            format!("{} / {} · {} en attente", a.seated, a.capacity, a.waiting)
        } else {
            format!("{} / {}", a.seated, a.capacity)
        },
    }
}

#[derive(Template)]
#[template(path = "features/activites/templates/list.html")]
struct ListPage {
    layout: Layout,
    nav: Nav,
    upcoming: Vec<Line>,
    past: Vec<Line>,
}

/// Upcoming activities, and those of the last 90 days (their sheets to fill or print).
async fn list(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let now = state.clock.now();
    let all = state
        .store
        .activities_since(now - Duration::days(90))
        .await?;
    let (past, upcoming): (Vec<&Activity>, Vec<&Activity>) =
        all.iter().partition(|a| a.ends_at < now);
    let page = ListPage {
        layout: Layout::new(&state, "/gestion/activites"),
        nav: Nav::new(&staff),
        upcoming: upcoming.into_iter().map(|a| line(&state, a)).collect(),
        past: past.into_iter().rev().map(|a| line(&state, a)).collect(),
    };
    Ok(Html(page.render()?))
}

#[derive(serde::Deserialize)]
struct Csrf {
    #[serde(default)]
    csrf: String,
}

/// Cancels the activity: registrants are told, calendars receive it as CANCELLED.
async fn cancel(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(f): Form<Csrf>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    let now = state.clock.now();
    let a = state.store.activity(id).await?.ok_or(WebError::NotFound)?;
    if state.store.cancel_activity(id, now).await? {
        let a = state.store.activity(id).await?.unwrap_or(a);
        let told = events::activity_cancelled(&state, &a, now).await?;
        staff
            .log(
                &state,
                "activité annulée",
                &format!("activité n° {id}, {told} personne(s) prévenue(s)"),
            )
            .await?;
    }
    Ok(Redirect::to(&format!("/gestion/activites/{id}")).into_response())
}

#[derive(serde::Deserialize, Default)]
struct HistoryQuery {
    #[serde(default)]
    email: String,
}

pub(super) struct HistoryLine {
    activity_id: i64,
    title: String,
    when: String,
    status: &'static str,
    attendance: &'static str,
}

#[derive(Template)]
#[template(path = "features/activites/templates/history.html")]
struct HistoryPage {
    layout: Layout,
    nav: Nav,
    email: String,
    searched: bool,
    lines: Vec<HistoryLine>,
}

/// What a young person (by the e-mail they registered with) took part in.
async fn history(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<HistoryQuery>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let email = q.email.trim().to_lowercase();
    let mut lines = Vec::new();
    if !email.is_empty() {
        for r in state
            .store
            .registrations_of_person(Some(&email), None)
            .await?
        {
            let Some(a) = state.store.activity(r.activity_id).await? else {
                continue;
            };
            lines.push(HistoryLine {
                activity_id: a.id,
                title: a.title.clone(),
                when: events::when(&a),
                status: r.status.label(),
                attendance: r.attendance().map_or("non noté", |x| x.label()),
            });
        }
    }
    let page = HistoryPage {
        layout: Layout::new(&state, "/gestion/activites/historique"),
        nav: Nav::new(&staff),
        searched: !email.is_empty(),
        email: q.email.chars().take(200).collect(),
        lines,
    };
    Ok(Html(page.render()?))
}
