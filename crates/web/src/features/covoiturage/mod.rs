//! Car-pooling between young people, the counselors' side (counselors only): the pairs
//! Tremplin suggests from the opt-ins (communes, CFA, weeks, distance; never a contact),
//! « Mettre en relation » (both sides written to through the counselor) and « Retirer ».

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tremplin_domain::Invalid;

use crate::services::covoiturage::{self, Suggestion};
use crate::shell::Layout;
use crate::shell::auth::Staff;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/covoiturage", get(list))
        .route("/gestion/covoiturage/mises-en-relation", post(put_in_touch))
        .route("/gestion/covoiturage/retirer", post(set_aside))
}

#[derive(Template)]
#[template(path = "features/covoiturage/templates/list.html")]
struct ListPage {
    layout: Layout,
    nav: crate::shell::Nav,
    pairs: Vec<Suggestion>,
    home_km: String,
    area_km: String,
    done: Option<String>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    staff: &Staff,
    done: Option<String>,
    error: Option<String>,
) -> Result<ListPage, WebError> {
    let rules = covoiturage::rules(state).await?;
    Ok(ListPage {
        layout: Layout::new(state, "/gestion/covoiturage"),
        nav: crate::shell::Nav::new(staff),
        pairs: covoiturage::suggestions(state).await?,
        home_km: format!("{}", rules.home_km.round() as i64),
        area_km: format!("{}", rules.area_km.round() as i64),
        done,
        error,
    })
}

#[derive(serde::Deserialize, Default)]
struct Done {
    #[serde(default)]
    fait: String,
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::Query(q): axum::extract::Query<Done>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let done = match q.fait.as_str() {
        "relation" => Some("Mise en relation faite : chaque jeune (ou son parent pour un·e mineur·e) a reçu un e-mail avec votre adresse.".to_owned()),
        "retiree" => Some("Suggestion retirée : elle ne sera plus proposée.".to_owned()),
        _ => None,
    };
    Ok(Html(page(&state, &staff, done, None).await?.render()?))
}

#[derive(serde::Deserialize, Default)]
struct PairForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
}

impl PairForm {
    fn ids(&self) -> Option<(i64, i64)> {
        let a = self.a.trim().parse().ok()?;
        let b = self.b.trim().parse().ok()?;
        (a != b).then_some((a, b))
    }
}

async fn refused(state: &AppState, staff: &Staff, e: Invalid) -> Result<Response, WebError> {
    let page = page(state, staff, None, Some(e.message)).await?;
    Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}

fn unknown_pair() -> Invalid {
    Invalid::new(
        "paire",
        "Cette paire n'existe pas : choisissez-la dans la liste.",
    )
}

async fn put_in_touch(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<PairForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    let Some((a, b)) = f.ids() else {
        return refused(&state, &staff, unknown_pair()).await;
    };
    match covoiturage::put_in_touch(&state, &staff.user, a, b).await? {
        Ok(sent) => {
            staff
                .log(
                    &state,
                    "covoiturage : mise en relation",
                    &format!("inscriptions {a} et {b}, {sent} e-mail(s)"),
                )
                .await?;
            Ok(Redirect::to("/gestion/covoiturage?fait=relation").into_response())
        }
        Err(e) => refused(&state, &staff, e).await,
    }
}

async fn set_aside(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<PairForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    let Some((a, b)) = f.ids() else {
        return refused(&state, &staff, unknown_pair()).await;
    };
    match covoiturage::set_aside(&state, &staff.user, a, b).await? {
        Ok(()) => {
            staff
                .log(
                    &state,
                    "covoiturage : suggestion retirée",
                    &format!("inscriptions {a} et {b}"),
                )
                .await?;
            Ok(Redirect::to("/gestion/covoiturage?fait=retiree").into_response())
        }
        Err(e) => refused(&state, &staff, e).await,
    }
}
