//! The métier pages in the back office (counselors and administrators): the trades worked on,
//! a trade's own text, its films (published or not, previewed, removed) and which upcoming
//! public activities belong to it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use tremplin_domain::check_text;

use super::{FilmView, film_view, slot_key, trade};
use crate::services::media::{self, Caching, mime_of};
use crate::services::{events, pepites, typed};
use crate::shell::auth::Staff;
use crate::shell::{Layout, Nav};
use crate::{AppState, WebError};

/// The longest own text kept.
const MAX_TEXT: usize = 4000;

struct TradeRow {
    code: String,
    label: String,
    has_text: bool,
    films: i64,
}

#[derive(Template)]
#[template(path = "features/metiers/templates/gestion_list.html")]
struct ListPage {
    layout: Layout,
    nav: Nav,
    rows: Vec<TradeRow>,
    typed: String,
    problem: Option<typed::Unclear>,
}

#[derive(serde::Deserialize, Default)]
pub(super) struct Open {
    #[serde(default)]
    metier: String,
}

pub(super) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(open): Query<Open>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let mut problem = None;
    if !open.metier.trim().is_empty() {
        match typed::metier(&state, &open.metier) {
            Ok(code) => {
                return Ok(Redirect::to(&format!("/gestion/metiers/{code}")).into_response());
            }
            Err(u) => problem = Some(u),
        }
    }
    let rows = state
        .store
        .trade_pages()
        .await?
        .into_iter()
        .map(|(code, has_text, films)| TradeRow {
            label: state.refs.rome.label(&code).unwrap_or("").to_owned(),
            code,
            has_text,
            films,
        })
        .collect();
    let status = if problem.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = ListPage {
        layout: Layout::new(&state, "/gestion/metiers"),
        nav: Nav::new(&staff),
        rows,
        typed: open.metier,
        problem,
    };
    Ok((status, Html(page.render()?)).into_response())
}

struct EventChoice {
    id: i64,
    title: String,
    when: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "features/metiers/templates/gestion_edit.html")]
pub(super) struct EditPage {
    layout: Layout,
    nav: Nav,
    code: String,
    label: String,
    own_text: String,
    films: Vec<FilmView>,
    choices: Vec<EventChoice>,
    /// What went wrong with the last form, in French.
    notice: Option<String>,
    /// The film form's values, kept when it is refused.
    values: HashMap<String, String>,
}

impl EditPage {
    fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }
}

/// The edit page of a trade, with `notice` said at its top.
pub(super) async fn edit_page(
    state: &AppState,
    staff: &Staff,
    code: &str,
    notice: Option<String>,
    values: HashMap<String, String>,
) -> Result<String, WebError> {
    let (rome, label) = trade(state, code)?;
    let own_text = state
        .store
        .trade_text(rome.as_str())
        .await?
        .map(|(t, _)| t)
        .unwrap_or_default();
    let mut films = Vec::new();
    for f in state.store.trade_films(rome.as_str(), false).await? {
        films.push(film_view(state, &f).await);
    }
    let linked = state.store.trade_activity_ids(rome.as_str()).await?;
    let choices = state
        .store
        .public_activities(state.clock.now(), false)
        .await?
        .into_iter()
        .map(|a| EventChoice {
            chosen: linked.contains(&a.id),
            when: events::when(&a),
            id: a.id,
            title: a.title,
        })
        .collect();
    Ok(EditPage {
        layout: Layout::new(state, &format!("/gestion/metiers/{rome}")),
        nav: Nav::new(staff),
        code: rome.to_string(),
        label,
        own_text,
        films,
        choices,
        notice,
        values,
    }
    .render()?)
}

pub(super) async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    Ok(Html(
        edit_page(&state, &staff, &code, None, HashMap::new()).await?,
    ))
}

pub(super) async fn save_text(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(values.get("csrf").map_or("", String::as_str))?;
    let (rome, _) = trade(&state, &code)?;
    let text = values.get("texte").map_or("", |t| t.trim());
    let problem = if let Err(e) = check_text("texte", "texte de la Mission Locale", text, true) {
        Some(e.message)
    } else if text.chars().count() > MAX_TEXT {
        Some(format!(
            "Le texte de la Mission Locale tient en {MAX_TEXT} caractères au plus."
        ))
    } else {
        None
    };
    if let Some(message) = problem {
        return Ok((
            StatusCode::BAD_REQUEST,
            Html(edit_page(&state, &staff, &code, Some(message), HashMap::new()).await?),
        )
            .into_response());
    }
    state
        .store
        .set_trade_text(rome.as_str(), text, state.clock.now())
        .await?;
    staff
        .log(&state, "metier.texte", &format!("métier {rome}"))
        .await?;
    Ok(Redirect::to(&format!("/gestion/metiers/{rome}")).into_response())
}

/// A film of this trade, for the back office.
async fn film_of(
    state: &AppState,
    code: &str,
    id: i64,
) -> Result<tremplin_storage::TradeFilm, WebError> {
    let (rome, _) = trade(state, code)?;
    state
        .store
        .trade_film(id)
        .await?
        .filter(|f| f.rome == rome.as_str())
        .ok_or(WebError::NotFound)
}

pub(super) async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path((code, id)): Path<(String, i64)>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(values.get("csrf").map_or("", String::as_str))?;
    let film = film_of(&state, &code, id).await?;
    // Every film has its captions (the upload refuses one without): publishing needs no more.
    state
        .store
        .set_trade_film_published(id, !film.published, state.clock.now())
        .await?;
    staff
        .log(
            &state,
            "metier.film",
            &format!("film {id} du métier {}", film.rome),
        )
        .await?;
    Ok(Redirect::to(&format!("/gestion/metiers/{}", film.rome)).into_response())
}

pub(super) async fn delete(
    State(state): State<AppState>,
    staff: Staff,
    Path((code, id)): Path<(String, i64)>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(values.get("csrf").map_or("", String::as_str))?;
    let film = film_of(&state, &code, id).await?;
    state.store.delete_trade_film(id, state.clock.now()).await?;
    // The same erasure queue as the pépites: what fails now goes at the next round.
    pepites::erase_queued(&state).await?;
    staff
        .log(
            &state,
            "metier.film.supprime",
            &format!("film {id} du métier {}", film.rome),
        )
        .await?;
    Ok(Redirect::to(&format!("/gestion/metiers/{}", film.rome)).into_response())
}

/// A counselor's preview of a film's file, published or not (never kept by the browser).
pub(super) async fn preview(
    State(state): State<AppState>,
    staff: Staff,
    Path((code, id, slot)): Path<(String, i64, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let film = film_of(&state, &code, id).await?;
    let key = slot_key(&film, &slot).ok_or(WebError::NotFound)?;
    Ok(media::respond(
        &state.media,
        &key,
        mime_of(key.as_str()),
        &headers,
        Caching::Private,
    )
    .await)
}

/// Which upcoming public activities belong to the trade: the boxes ticked (`evenement`,
/// repeated) among those offered on the page (`offert`, repeated).
pub(super) async fn save_events(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    body: String,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&body)
        .map_err(|_| WebError::BadRequest("Le formulaire est mal formé.".into()))?;
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    staff.check_csrf(csrf)?;
    let (rome, _) = trade(&state, &code)?;
    let ids = |name: &str| -> Vec<i64> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .filter_map(|(_, v)| v.parse().ok())
            .collect()
    };
    // Only activities that exist: a made-up number changes nothing.
    let public: Vec<i64> = state
        .store
        .public_activities(state.clock.now(), false)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let offered: Vec<i64> = ids("offert")
        .into_iter()
        .filter(|i| public.contains(i))
        .collect();
    state
        .store
        .set_trade_activities(rome.as_str(), &offered, &ids("evenement"))
        .await?;
    staff
        .log(&state, "metier.evenements", &format!("métier {rome}"))
        .await?;
    Ok(Redirect::to(&format!("/gestion/metiers/{rome}")).into_response())
}
