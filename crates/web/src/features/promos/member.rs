//! A member of a promo: their milestones, recorded from a phone (one form, the step chosen in
//! a list), and taking them out of the promo.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tremplin_domain::Invalid;
use tremplin_domain::promo::{MilestoneInput, MilestoneKind};
use tremplin_storage::applications::Application;
use tremplin_storage::{Milestone, Promo, YoungPerson};

use crate::shell::Layout;
use crate::shell::auth::Staff;
use crate::shell::dates::paris_today;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "features/promos/templates/member.html")]
pub(super) struct MemberPage {
    layout: Layout,
    nav: crate::shell::Nav,
    promo: Promo,
    y: YoungPerson,
    /// Every kind, with its milestone when recorded.
    steps: Vec<(MilestoneKind, Option<Milestone>)>,
    /// The member's applications: (id, « offer title (date, status) »).
    applications: Vec<(i64, String)>,
    centres: Vec<String>,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
    today: String,
}

impl MemberPage {
    fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }
}

struct Loaded {
    promo: Promo,
    y: YoungPerson,
    milestones: Vec<Milestone>,
    applications: Vec<Application>,
}

async fn load(state: &AppState, promo: i64, young: i64) -> Result<Loaded, WebError> {
    let promo = state.store.promo(promo).await?.ok_or(WebError::NotFound)?;
    let members = state.store.promo_members(promo.id).await?;
    let y = members
        .into_iter()
        .find(|m| m.person.id == young)
        .ok_or(WebError::NotFound)?
        .person;
    let milestones = state
        .store
        .milestones_of_young_person(young)
        .await?
        .into_iter()
        .filter(|m| m.promo_id == promo.id)
        .collect();
    let applications = state.store.applications_of_young_person(young).await?;
    Ok(Loaded {
        promo,
        y,
        milestones,
        applications,
    })
}

async fn render(
    state: &AppState,
    staff: &Staff,
    l: Loaded,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
) -> Result<MemberPage, WebError> {
    let offers = state
        .store
        .get_offers(
            &l.applications
                .iter()
                .map(|a| a.offer_id)
                .collect::<Vec<_>>(),
        )
        .await?;
    let applications = l
        .applications
        .iter()
        .map(|a| {
            let title = offers
                .iter()
                .find(|o| o.id == a.offer_id)
                .map_or_else(String::new, |o| o.fields.title.clone());
            (
                a.id,
                format!(
                    "{title} ({}, {})",
                    crate::shell::dates::paris_day(a.created_at),
                    a.status.label()
                ),
            )
        })
        .collect();
    Ok(MemberPage {
        layout: Layout::new(
            state,
            &format!("/gestion/promos/{}/membres/{}", l.promo.id, l.y.id),
        ),
        nav: crate::shell::Nav::new(staff),
        steps: MilestoneKind::ALL
            .iter()
            .map(|k| (*k, l.milestones.iter().find(|m| m.kind == *k).cloned()))
            .collect(),
        applications,
        centres: state
            .store
            .training_centres()
            .await?
            .into_iter()
            .map(|c| c.name)
            .collect(),
        values,
        errors,
        today: paris_today(state.clock.now()).to_string(),
        promo: l.promo,
        y: l.y,
    })
}

pub(super) async fn page(
    State(state): State<AppState>,
    staff: Staff,
    ids: Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let (promo, young) = super::two_ids(ids)?;
    let l = load(&state, promo, young).await?;
    Ok(Html(
        render(&state, &staff, l, HashMap::new(), Vec::new())
            .await?
            .render()?,
    ))
}

/// Records a milestone, checked against the member's others (see
/// [`MilestoneInput::parse`] for the order rules); a contract signed from an application
/// marks that application « Contrat signé ».
pub(super) async fn record(
    State(state): State<AppState>,
    staff: Staff,
    ids: Path<(String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(f.get("csrf").map_or("", String::as_str))?;
    let (promo, young) = super::two_ids(ids)?;
    let l = load(&state, promo, young).await?;
    let recorded: Vec<(MilestoneKind, chrono::NaiveDate)> =
        l.milestones.iter().map(|m| (m.kind, m.on_day)).collect();
    let applications: Vec<(i64, i64)> = l.applications.iter().map(|a| (a.id, a.offer_id)).collect();
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    match MilestoneInput::parse(
        &get,
        paris_today(state.clock.now()),
        &recorded,
        &applications,
    ) {
        Ok(m) => {
            crate::services::promos::record_milestone(&state, promo, young, &m, &l.applications)
                .await?;
            staff
                .log(
                    &state,
                    "étape notée",
                    &format!("promo {promo}, jeune {young}, {}", m.kind.as_str()),
                )
                .await?;
            Ok(Redirect::to(&format!("/gestion/promos/{promo}/membres/{young}")).into_response())
        }
        Err(errors) => {
            let values = f.into_iter().filter(|(k, _)| k != "csrf").collect();
            let page = render(&state, &staff, l, values, errors).await?;
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}

#[derive(serde::Deserialize)]
pub(super) struct RemoveForm {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn remove(
    State(state): State<AppState>,
    staff: Staff,
    ids: Path<(String, String)>,
    Form(f): Form<RemoveForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    let (promo, young) = super::two_ids(ids)?;
    load(&state, promo, young).await?;
    state.store.remove_promo_member(promo, young).await?;
    staff
        .log(
            &state,
            "membre retiré d'une promo",
            &format!("promo {promo}, jeune {young}"),
        )
        .await?;
    Ok(Redirect::to(&format!("/gestion/promos/{promo}")).into_response())
}
