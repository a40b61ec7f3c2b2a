//! « Ma vie d'apprenti·e » in workshop mode. A counselor opens a session for the day and shows
//! its page on a projector; young people join from their phone with its short code (no
//! account), pick an offer, build their budget and share its figures with the group. The
//! projector shows everyone's results side by side, anonymously (an offer's title and three
//! amounts, no name), refreshing its results in place every 15 seconds with a little script (`data-refresh`
//! in app.js; a meta refresh would fail WCAG 2.2.1), or by its « actualiser » link without one. A
//! session ends at midnight, Paris time; the scheduler then deletes it with its results.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Europe::Paris;
use serde::Deserialize;
use tremplin_domain::pay::euros;

use crate::services::budget::{self, BudgetQuery};
use crate::services::secrets;
use crate::services::simulateur::SimQuery;
use crate::shell::auth::{Staff, check_public_csrf, public_csrf};
use crate::shell::{Id, Layout, Nav};
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/ateliers", get(list).post(open))
        .route("/gestion/ateliers/{id}", get(projector))
        .route("/atelier", get(join))
        .route("/atelier/{code}/partager", post(share))
}

/// Characters of a session's code: short enough to read on a projector and type on a phone.
pub const CODE_LEN: usize = 5;

/// A code as typed back (any case, spaces): its stored form, or None.
fn normalize(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    (code.len() == CODE_LEN && code.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(code)
}

/// The end of the day in Paris: when a session opened at `now` expires.
pub fn end_of_day(now: DateTime<Utc>) -> DateTime<Utc> {
    let day = now.with_timezone(&Paris).date_naive() + Duration::days(1);
    day.and_hms_opt(0, 0, 0)
        .and_then(|m| m.and_local_timezone(Paris).earliest())
        .map_or(now + Duration::hours(12), |t| t.with_timezone(&Utc))
}

#[derive(Template)]
#[template(path = "features/atelier/templates/sessions.html")]
struct SessionsPage {
    layout: Layout,
    nav: Nav,
    sessions: Vec<(i64, String, String)>,
    error: Option<String>,
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    render_list(&state, &staff, None).await.map(Html)
}

async fn render_list(
    state: &AppState,
    staff: &Staff,
    error: Option<String>,
) -> Result<String, WebError> {
    let sessions = state
        .store
        .open_workshops(state.clock.now())
        .await?
        .into_iter()
        .map(|w| (w.id, w.code, w.title))
        .collect();
    Ok(SessionsPage {
        layout: Layout::new(state, "/gestion/ateliers"),
        nav: Nav::new(staff),
        sessions,
        error,
    }
    .render()?)
}

#[derive(Deserialize)]
struct OpenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    titre: String,
}

async fn open(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<OpenForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    let title = f.titre.trim();
    if title.chars().count() > 80 || title.chars().any(char::is_control) {
        let body = render_list(
            &state,
            &staff,
            Some("Le nom de la séance tient en 80 caractères.".into()),
        )
        .await?;
        return Ok((StatusCode::BAD_REQUEST, Html(body)).into_response());
    }
    let title = if title.is_empty() {
        "Ma vie d'apprenti·e"
    } else {
        title
    };
    let now = state.clock.now();
    for _ in 0..5 {
        let code = secrets::short_code()[..CODE_LEN].to_ascii_uppercase();
        if let Some(id) = state
            .store
            .open_workshop(&code, title, staff.user.id, now, end_of_day(now))
            .await?
        {
            staff
                .log(&state, "atelier ouvert", &format!("{title} ({code})"))
                .await?;
            return Ok(Redirect::to(&format!("/gestion/ateliers/{id}")).into_response());
        }
    }
    Err(WebError::Conflict(
        "Aucun code libre trouvé : réessayez.".into(),
    ))
}

/// One young person's shared figures, as the projector shows them.
struct ResultRow {
    n: usize,
    offer: String,
    net: String,
    route: String,
    room: String,
    route_short: bool,
    room_short: bool,
}

#[derive(Template)]
#[template(path = "features/atelier/templates/projector.html")]
struct ProjectorPage {
    layout: Layout,
    nav: Nav,
    code: String,
    title: String,
    join: String,
    rows: Vec<ResultRow>,
}

async fn projector(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let w = state
        .store
        .workshop(id, state.clock.now())
        .await?
        .ok_or(WebError::NotFound)?;
    let rows = state
        .store
        .workshop_results(id)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, r)| ResultRow {
            n: i + 1,
            offer: r.offer_title,
            net: euros(r.net),
            route: euros(r.left_route),
            room: euros(r.left_room),
            route_short: r.left_route < 0.0,
            room_short: r.left_room < 0.0,
        })
        .collect();
    Ok(Html(
        ProjectorPage {
            layout: Layout::new(&state, "/gestion/ateliers"),
            nav: Nav::new(&staff),
            join: format!("{}/atelier", state.config.public_url),
            code: w.code,
            title: w.title,
            rows,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "features/atelier/templates/join.html")]
struct JoinPage {
    layout: Layout,
    code: String,
    title: Option<String>,
    error: Option<String>,
    shared: bool,
    offers: Vec<(i64, String)>,
}

#[derive(Deserialize, Default)]
struct JoinQuery {
    code: Option<String>,
    partage: Option<String>,
}

async fn join(
    State(state): State<AppState>,
    Query(q): Query<JoinQuery>,
) -> Result<Response, WebError> {
    let typed = q.code.unwrap_or_default();
    let mut page = JoinPage {
        layout: Layout::new(&state, "/atelier"),
        code: typed.chars().take(20).collect(),
        title: None,
        error: None,
        shared: q.partage.is_some(),
        offers: Vec::new(),
    };
    if typed.trim().is_empty() {
        return Ok(Html(page.render()?).into_response());
    }
    let found = match normalize(&typed) {
        Some(code) => {
            state
                .store
                .workshop_by_code(&code, state.clock.now())
                .await?
        }
        None => None,
    };
    let Some(w) = found else {
        page.error = Some(format!(
            "Aucune séance ouverte n'a le code « {} » : vérifie-le sur l'écran (il change chaque jour).",
            page.code
        ));
        return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
    };
    let mut offers: Vec<(i64, String)> = state
        .store
        .offers_for_management(Some(tremplin_domain::OfferStatus::Publiee), None, 300)
        .await?
        .into_iter()
        .map(|o| {
            let commune = state
                .refs
                .communes
                .get(o.fields.commune.as_str())
                .map_or_else(|| o.fields.commune.to_string(), |c| c.name.clone());
            (o.id, format!("{} – {}", o.fields.title, commune))
        })
        .collect();
    offers.sort_by(|a, b| a.1.cmp(&b.1));
    page.code = w.code;
    page.title = Some(w.title);
    page.offers = offers;
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
struct ShareForm {
    #[serde(default)]
    csrf: String,
    /// The budget's query string, as the page computed it.
    #[serde(default)]
    budget: String,
}

/// Shares a budget's figures with the session: computed again from its parameters (nothing
/// typed is trusted as a result), and only the offer's title and three amounts are kept.
async fn share(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(f): Form<ShareForm>,
) -> Result<Response, WebError> {
    check_public_csrf(&headers, &f.csrf)?;
    let now = state.clock.now();
    let w = match normalize(&code) {
        Some(c) => state.store.workshop_by_code(&c, now).await?,
        None => None,
    }
    .ok_or_else(|| {
        WebError::BadRequest("Cette séance est terminée ou son code est faux.".into())
    })?;
    let sim: SimQuery = serde_urlencoded::from_str(&f.budget)
        .map_err(|_| WebError::BadRequest("Ce budget est mal formé.".into()))?;
    let q: BudgetQuery = serde_urlencoded::from_str(&f.budget)
        .map_err(|_| WebError::BadRequest("Ce budget est mal formé.".into()))?;
    let offer = budget::offer(&state, &q).await?;
    let pre = budget::prefill(&state, &sim, &q, offer.as_ref()).await?;
    let computed = budget::run(&state, &pre.sim, &q, &pre)
        .await?
        .map_err(WebError::BadRequest)?;
    let [route, room] = &computed.budget.scenarios;
    let title = offer.map_or_else(|| "Sans offre choisie".to_owned(), |o| o.fields.title);
    state
        .store
        .add_workshop_result(
            w.id,
            &title,
            (computed.input.net, route.left, room.left),
            now,
        )
        .await?;
    let (_, cookie) = public_csrf(&state, &headers);
    Ok((
        [(header::SET_COOKIE, cookie)],
        Redirect::to(&format!("/atelier?code={}&partage=1", w.code)),
    )
        .into_response())
}
