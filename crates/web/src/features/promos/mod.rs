//! Summer promos d'apprentissage (counselors only): a cohort, its counselors and members, each
//! member's milestones, and the board: signed so far against the goal, the burn-up to the goal
//! date, the projection at the current pace and the members at risk with their next step.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tremplin_domain::Invalid;
use tremplin_domain::board::{AtRisk, at_risk, burn_up};
use tremplin_domain::promo::{MilestoneKind, PromoInput, default_season};
use tremplin_storage::Promo;

use crate::shell::auth::Staff;
use crate::shell::burnup::BurnUpChart;
use crate::shell::dates::{french_day, paris_today};
use crate::shell::{Id, Layout};
use crate::{AppState, WebError};

mod agenda;
mod member;
mod results;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/promos", get(list).post(create))
        .route("/gestion/promos/nouvelle", get(new_form))
        .route("/gestion/promos/resultats", get(results::page))
        .route("/gestion/promos/resultats.csv", get(results::csv))
        .route("/gestion/promos/{id}", get(board))
        .route("/gestion/promos/{id}/agenda", post(agenda::renew))
        .route("/agenda/promos/{file}", get(agenda::feed))
        .route("/gestion/promos/{id}/membres", post(add_member))
        .route("/gestion/promos/{id}/membres/{jeune}", get(member::page))
        .route(
            "/gestion/promos/{id}/membres/{jeune}/etapes",
            post(member::record),
        )
        .route(
            "/gestion/promos/{id}/membres/{jeune}/retirer",
            post(member::remove),
        )
}

/// Two ids in a path: a path whose ids are not numbers is a page that does not exist.
pub(super) fn two_ids(Path((a, b)): Path<(String, String)>) -> Result<(i64, i64), WebError> {
    let n = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse::<i64>().ok())
            .flatten()
    };
    Ok((
        n(&a).ok_or(WebError::NotFound)?,
        n(&b).ok_or(WebError::NotFound)?,
    ))
}

fn season_label(p: &Promo) -> String {
    format!(
        "du {} au {}",
        p.season_start.format("%d/%m/%Y"),
        p.season_end.format("%d/%m/%Y")
    )
}

#[derive(Template)]
#[template(path = "features/promos/templates/list.html")]
struct ListPage {
    layout: Layout,
    nav: crate::shell::Nav,
    promos: Vec<(i64, String, String, usize, usize)>,
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let mut promos = Vec::new();
    for p in state.store.promos().await? {
        let members = state.store.promo_members(p.id).await?.len();
        let signed = state
            .store
            .promo_milestones(p.id)
            .await?
            .iter()
            .filter(|m| m.kind == MilestoneKind::ContratSigne)
            .count();
        promos.push((p.id, p.name.clone(), season_label(&p), signed, members));
    }
    let page = ListPage {
        layout: Layout::new(&state, "/gestion/promos"),
        nav: crate::shell::Nav::new(&staff),
        promos,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "features/promos/templates/new.html")]
struct NewPage {
    layout: Layout,
    nav: crate::shell::Nav,
    values: HashMap<String, String>,
    chosen: Vec<i64>,
    counselors: Vec<(i64, String)>,
    errors: Vec<Invalid>,
}

impl NewPage {
    fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }
}

async fn new_form(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let (start, end, goal) = default_season(paris_today(state.clock.now()));
    let values = HashMap::from([
        ("debut".to_owned(), start.to_string()),
        ("fin".to_owned(), end.to_string()),
        ("objectif".to_owned(), goal.to_string()),
    ]);
    let page = NewPage {
        layout: Layout::new(&state, "/gestion/promos/nouvelle"),
        nav: crate::shell::Nav::new(&staff),
        values,
        chosen: vec![staff.user.id],
        counselors: crate::services::promos::counselors(&state).await?,
        errors: Vec::new(),
    };
    Ok(Html(page.render()?))
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    body: Bytes,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| WebError::BadRequest("Le formulaire est mal formé.".into()))?;
    let values: HashMap<String, String> = pairs
        .iter()
        .filter(|(k, _)| k != "conseillers")
        .cloned()
        .collect();
    staff.check_csrf(values.get("csrf").map_or("", String::as_str))?;
    let counselors = crate::services::promos::counselors(&state).await?;
    let chosen: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "conseillers")
        .filter_map(|(_, v)| v.parse().ok())
        .filter(|id| counselors.iter().any(|c| c.0 == *id))
        .collect();
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let parsed = PromoInput::parse(&get, paris_today(state.clock.now()));
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    if let Ok(input) = &parsed
        && state
            .store
            .promos()
            .await?
            .iter()
            .any(|p| p.name.to_lowercase() == input.name.to_lowercase())
    {
        errors.push(Invalid::new(
            "nom",
            "Une promo porte déjà ce nom : choisissez-en un autre.",
        ));
    }
    if chosen.is_empty() {
        errors.push(Invalid::new(
            "conseillers",
            "Cochez au moins un·e conseiller·e.",
        ));
    }
    if let (Ok(input), true) = (&parsed, errors.is_empty()) {
        let id = state
            .store
            .create_promo(input, &chosen, state.clock.now())
            .await?;
        staff
            .log(&state, "promo créée", &format!("promo {id}"))
            .await?;
        return Ok(Redirect::to(&format!("/gestion/promos/{id}")).into_response());
    }
    let page = NewPage {
        layout: Layout::new(&state, "/gestion/promos/nouvelle"),
        nav: crate::shell::Nav::new(&staff),
        values: values.into_iter().filter(|(k, _)| k != "csrf").collect(),
        chosen,
        counselors,
        errors,
    };
    Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}

/// A member's line on the board: their milestones in order, ticked or not.
struct MemberLine {
    id: i64,
    name: String,
    steps: Vec<(&'static str, Option<String>)>,
}

#[derive(Template)]
#[template(path = "features/promos/templates/board.html")]
pub(super) struct BoardPage {
    layout: Layout,
    nav: crate::shell::Nav,
    promo: Promo,
    season: String,
    goal_day: String,
    counselors: Vec<String>,
    members: Vec<MemberLine>,
    signed: u32,
    goal: u32,
    projection: Option<u32>,
    past_goal: bool,
    chart: BurnUpChart,
    at_risk: Vec<AtRisk>,
    /// Records not yet in the promo, to add: (id, name).
    others: Vec<(i64, String)>,
    kinds: Vec<&'static str>,
    error: Option<String>,
    activities: Vec<crate::services::promo_activities::ActivityLine>,
    /// When the live calendar link was made (« 2 décembre 2026 »).
    calendar_since: Option<String>,
    /// The calendar link just made: shown this once.
    calendar_link: Option<String>,
}

pub(super) async fn board_page(
    state: &AppState,
    staff: &Staff,
    id: i64,
    error: Option<String>,
) -> Result<BoardPage, WebError> {
    let promo = state.store.promo(id).await?.ok_or(WebError::NotFound)?;
    let members = state.store.promo_members(id).await?;
    let milestones = state.store.promo_milestones(id).await?;
    let today = paris_today(state.clock.now());
    let facts = crate::services::promos::member_facts(state, id, &members, &milestones).await?;
    let signed_days: Vec<_> = facts.iter().filter_map(|f| f.signed).collect();
    let goal = members.len() as u32;
    let b = burn_up(
        promo.season_start,
        promo.goal_date,
        goal,
        &signed_days,
        today,
    );
    let lines = members
        .iter()
        .map(|m| MemberLine {
            id: m.person.id,
            name: m.person.name(),
            steps: MilestoneKind::ALL
                .iter()
                .map(|k| {
                    let done = milestones
                        .iter()
                        .find(|x| x.young_person_id == m.person.id && x.kind == *k)
                        .map(|x| x.on_day.format("%d/%m").to_string());
                    (k.label(), done)
                })
                .collect(),
        })
        .collect();
    let inside: Vec<i64> = members.iter().map(|m| m.person.id).collect();
    let others = state
        .store
        .young_people(None)
        .await?
        .into_iter()
        .filter(|y| !inside.contains(&y.id))
        .map(|y| (y.id, y.name()))
        .collect();
    Ok(BoardPage {
        layout: Layout::new(state, &format!("/gestion/promos/{id}")),
        nav: crate::shell::Nav::new(staff),
        season: season_label(&promo),
        goal_day: french_day(promo.goal_date),
        counselors: state
            .store
            .promo_counselors(id)
            .await?
            .into_iter()
            .map(|c| c.1)
            .collect(),
        members: lines,
        // Every contract signed so far; the burn-up stops at the goal date.
        signed: signed_days.len() as u32,
        goal,
        projection: b.projection,
        past_goal: today > promo.goal_date,
        chart: BurnUpChart::new("burnup", &b),
        at_risk: if today > promo.goal_date {
            Vec::new()
        } else {
            at_risk(&facts, today)
        },
        others,
        kinds: MilestoneKind::ALL.iter().map(|k| k.label()).collect(),
        activities: crate::services::promo_activities::activity_lines(state, id).await?,
        calendar_since: state
            .store
            .promo_calendar_since(id)
            .await?
            .map(crate::shell::dates::paris_day),
        calendar_link: None,
        promo,
        error,
    })
}

async fn board(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    Ok(Html(board_page(&state, &staff, id, None).await?.render()?))
}

#[derive(serde::Deserialize)]
struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    jeune: String,
}

async fn add_member(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(f): Form<AddForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    state.store.promo(id).await?.ok_or(WebError::NotFound)?;
    let found = match f.jeune.parse::<i64>() {
        Ok(y) => state.store.young_person(y).await?,
        Err(_) => None,
    };
    let Some(y) = found else {
        let page = board_page(
            &state,
            &staff,
            id,
            Some("Choisissez un·e jeune dans la liste.".into()),
        )
        .await?;
        return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
    };
    state
        .store
        .add_promo_member(id, y.id, paris_today(state.clock.now()))
        .await?;
    staff
        .log(
            &state,
            "membre ajouté à une promo",
            &format!("promo {id}, jeune {}", y.id),
        )
        .await?;
    Ok(Redirect::to(&format!("/gestion/promos/{id}")).into_response())
}
