//! The young people a counselor follows (counselors only): their records, the applications
//! linked to them, applying on their behalf from the record, and the CSV export carried to
//! i-milo (its shape: `docs/jeunes-csv.md`).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tremplin_domain::young::YoungStatus;
use tremplin_storage::YoungPerson;

use crate::services::promos::{csv_day, csv_line};
use crate::shell::auth::Staff;
use crate::shell::dates::paris_day;
use crate::shell::{Id, Layout};
use crate::{AppState, WebError};

mod covoiturage;
mod form;

use form::FormPage;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/jeunes", get(list).post(create))
        .route("/gestion/jeunes/nouveau", get(new_form))
        .route("/gestion/jeunes/export.csv", get(export))
        .route("/gestion/jeunes/{id}", get(record).post(update))
        .route("/gestion/jeunes/{id}/modifier", get(edit_form))
        .route("/gestion/jeunes/{id}/candidatures", post(attach))
        .route(
            "/gestion/jeunes/{id}/covoiturage",
            post(covoiturage::submit),
        )
}

fn status_label(s: &str) -> &'static str {
    YoungStatus::parse(s).map_or("?", YoungStatus::label)
}

fn commune_name(state: &AppState, code: &str) -> String {
    state
        .refs
        .communes
        .get(code)
        .map_or_else(|| code.to_owned(), |c| c.name.clone())
}

struct Line {
    id: i64,
    name: String,
    commune: String,
    counselor: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "features/jeunes/templates/list.html")]
struct ListPage {
    layout: Layout,
    nav: crate::shell::Nav,
    people: Vec<Line>,
    mine: bool,
}

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    conseiller: String,
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let mine = q.conseiller == "moi";
    let people = state
        .store
        .young_people(mine.then_some(staff.user.id))
        .await?
        .iter()
        .map(|y| Line {
            id: y.id,
            name: y.name(),
            commune: commune_name(&state, &y.commune_code),
            counselor: y.counselor_email.clone().unwrap_or_else(|| "–".into()),
            status: status_label(&y.status),
        })
        .collect();
    let page = ListPage {
        layout: Layout::new(&state, "/gestion/jeunes"),
        nav: crate::shell::Nav::new(&staff),
        people,
        mine,
    };
    Ok(Html(page.render()?))
}

#[derive(serde::Deserialize, Default)]
struct NewQuery {
    #[serde(default)]
    promo: String,
}

async fn new_form(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<NewQuery>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let mut values = HashMap::from([("conseiller".to_owned(), staff.user.id.to_string())]);
    if let Ok(p) = q.promo.parse::<i64>()
        && state.store.promo(p).await?.is_some()
    {
        values.insert("promo".into(), p.to_string());
    }
    let page = FormPage::new(
        &state,
        &staff,
        "Nouveau·elle jeune",
        "/gestion/jeunes".into(),
        values,
    )
    .await?;
    Ok(Html(page.render()?))
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(f.get("csrf").map_or("", String::as_str))?;
    let mut page = FormPage::new(
        &state,
        &staff,
        "Nouveau·elle jeune",
        "/gestion/jeunes".into(),
        HashMap::new(),
    )
    .await?;
    let counselors = page.counselors.clone();
    let promo = match f.get("promo").filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(
            state
                .store
                .promo(p.parse().map_err(|_| WebError::NotFound)?)
                .await?
                .ok_or(WebError::NotFound)?,
        ),
    };
    let Some(input) = form::read(&state, &f, &counselors, &mut page) else {
        return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
    };
    let now = state.clock.now();
    let id = state.store.create_young_person(&input, now).await?;
    staff
        .log(&state, "fiche jeune créée", &format!("jeune {id}"))
        .await?;
    if let Some(p) = promo {
        state
            .store
            .add_promo_member(p.id, id, crate::shell::dates::paris_today(now))
            .await?;
        return Ok(Redirect::to(&format!("/gestion/promos/{}", p.id)).into_response());
    }
    Ok(Redirect::to(&format!("/gestion/jeunes/{id}")).into_response())
}

async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let y = state
        .store
        .young_person(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let values = form::values_of(&state, &y);
    let page = FormPage::new(
        &state,
        &staff,
        &format!("Modifier la fiche de {}", y.name()),
        format!("/gestion/jeunes/{id}"),
        values,
    )
    .await?;
    Ok(Html(page.render()?))
}

async fn update(
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
    let mut page = FormPage::new(
        &state,
        &staff,
        &format!("Modifier la fiche de {}", y.name()),
        format!("/gestion/jeunes/{id}"),
        HashMap::new(),
    )
    .await?;
    let counselors = page.counselors.clone();
    let Some(input) = form::read(&state, &f, &counselors, &mut page) else {
        return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
    };
    state
        .store
        .update_young_person(id, &input, state.clock.now())
        .await?;
    staff
        .log(&state, "fiche jeune modifiée", &format!("jeune {id}"))
        .await?;
    Ok(Redirect::to(&format!("/gestion/jeunes/{id}")).into_response())
}

struct LinkedApplication {
    id: i64,
    sent: String,
    offer_id: i64,
    offer: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "features/jeunes/templates/record.html")]
struct RecordPage {
    layout: Layout,
    nav: crate::shell::Nav,
    y: YoungPerson,
    age: i32,
    commune: String,
    trades: Vec<String>,
    status: &'static str,
    applications: Vec<LinkedApplication>,
    promos: Vec<(i64, String, Vec<(&'static str, String)>)>,
    /// The activities registered to and what their sheets say.
    history: Vec<crate::services::promo_activities::HistoryLine>,
    error: Option<String>,
    carpool: covoiturage::CarpoolBox,
}

async fn record_page(
    state: &AppState,
    staff: &Staff,
    id: i64,
    error: Option<String>,
) -> Result<RecordPage, WebError> {
    let y = state
        .store
        .young_person(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let list = state.store.applications_of_young_person(id).await?;
    let offers = state
        .store
        .get_offers(&list.iter().map(|a| a.offer_id).collect::<Vec<_>>())
        .await?;
    let applications = list
        .iter()
        .map(|a| LinkedApplication {
            id: a.id,
            sent: paris_day(a.created_at),
            offer_id: a.offer_id,
            offer: offers
                .iter()
                .find(|o| o.id == a.offer_id)
                .map_or_else(String::new, |o| o.fields.title.clone()),
            status: a.status.label(),
        })
        .collect();
    let milestones = state.store.milestones_of_young_person(id).await?;
    let promos = state
        .store
        .promos_of_young_person(id)
        .await?
        .into_iter()
        .map(|p| {
            let steps = milestones
                .iter()
                .filter(|m| m.promo_id == p.id)
                .map(|m| (m.kind.label(), m.on_day.format("%d/%m/%Y").to_string()))
                .collect();
            (p.id, p.name, steps)
        })
        .collect();
    let today = crate::shell::dates::paris_today(state.clock.now());
    let age = tremplin_domain::application::age(y.birth_date, today);
    Ok(RecordPage {
        layout: Layout::new(state, &format!("/gestion/jeunes/{id}")),
        nav: crate::shell::Nav::new(staff),
        carpool: covoiturage::load(state, &y, age < 18).await?,
        age,
        commune: commune_name(state, &y.commune_code),
        trades: y
            .rome_codes
            .split('|')
            .filter(|c| !c.is_empty())
            .map(|c| {
                state
                    .refs
                    .rome
                    .get(c)
                    .map_or_else(|| c.to_owned(), |m| format!("{} ({c})", m.label))
            })
            .collect(),
        status: status_label(&y.status),
        history: crate::services::promo_activities::history(state, y.id).await?,
        y,
        applications,
        promos,
        error,
    })
}

async fn record(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    Ok(Html(record_page(&state, &staff, id, None).await?.render()?))
}

#[derive(serde::Deserialize)]
struct AttachForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    candidature: String,
}

/// A counselor attaches an application made with another e-mail or phone (its number is on
/// the follow-up page and in the pipeline).
async fn attach(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(f): Form<AttachForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    state
        .store
        .young_person(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let typed = f.candidature.trim().trim_start_matches('#');
    let found = match typed.parse::<i64>() {
        Ok(a) => state.store.application(a).await?,
        Err(_) => None,
    };
    let Some(a) = found else {
        let page = record_page(
            &state,
            &staff,
            id,
            Some("Aucune candidature n'a ce numéro : il figure dans la liste des candidatures (colonne « N° »).".into()),
        )
        .await?;
        return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
    };
    state.store.attach_application(id, a.id).await?;
    staff
        .log(
            &state,
            "candidature rattachée",
            &format!("jeune {id}, candidature {}", a.id),
        )
        .await?;
    Ok(Redirect::to(&format!("/gestion/jeunes/{id}")).into_response())
}

/// Every record as CSV, in the shape documented in `docs/jeunes-csv.md`. Notes stay out: they
/// are the counselor's working notes, not i-milo's data.
async fn export(State(state): State<AppState>, staff: Staff) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let people = state.store.young_people(None).await?;
    let mut body = String::from("\u{feff}");
    body.push_str(&csv_line(&[
        "nom",
        "prenom",
        "date_naissance",
        "email",
        "telephone",
        "representant_legal",
        "representant_email",
        "representant_telephone",
        "commune_insee",
        "commune",
        "metiers_rome",
        "permis_b",
        "vehicule",
        "conseiller",
        "statut",
        "tremplin_id",
    ]));
    let yes = |b: bool| if b { "oui" } else { "non" };
    for y in &people {
        body.push_str(&csv_line(&[
            &y.last_name,
            &y.first_name,
            &csv_day(y.birth_date),
            y.email.as_deref().unwrap_or(""),
            y.phone.as_deref().unwrap_or(""),
            y.guardian_name.as_deref().unwrap_or(""),
            y.guardian_email.as_deref().unwrap_or(""),
            y.guardian_phone.as_deref().unwrap_or(""),
            &y.commune_code,
            &commune_name(&state, &y.commune_code),
            &y.rome_codes.replace('|', ","),
            yes(y.licence),
            yes(y.vehicle),
            y.counselor_email.as_deref().unwrap_or(""),
            status_label(&y.status),
            &y.id.to_string(),
        ]));
    }
    staff
        .log(
            &state,
            "fiches jeunes exportées",
            &format!("{} fiche(s)", people.len()),
        )
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"jeunes-tremplin.csv\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        body,
    )
        .into_response())
}
