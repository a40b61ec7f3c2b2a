//! The partners' API tokens: created (shown once), listed, revoked. Admins only.

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tremplin_storage::ApiToken;

use crate::services::secrets;
use crate::shell::Id;
use crate::shell::Layout;
use crate::shell::auth::Staff;
use crate::shell::{CsrfForm, Nav};
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/jetons", get(tokens).post(create_token))
        .route("/gestion/jetons/{id}/revoquer", post(revoke_token))
}

#[derive(Template)]
#[template(path = "features/jetons/templates/tokens.html")]
struct TokensPage {
    layout: Layout,
    nav: Nav,
    tokens: Vec<ApiToken>,
    organisations: Vec<(i64, String, String)>,
    /// The token just created, shown this once.
    created: Option<String>,
}

async fn tokens_page(
    state: &AppState,
    staff: &Staff,
    created: Option<String>,
) -> Result<String, WebError> {
    let page = TokensPage {
        layout: Layout::new(state, "/gestion/jetons"),
        nav: Nav::new(staff),
        tokens: state.store.api_tokens().await?,
        organisations: state.store.organisations().await?,
        created,
    };
    Ok(page.render()?)
}

async fn tokens(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    Ok(Html(tokens_page(&state, &staff, None).await?))
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    label: String,
}

async fn create_token(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&form.csrf)?;
    let org: i64 = form
        .organisation
        .parse()
        .map_err(|_| WebError::BadRequest("Choisissez une organisation.".into()))?;
    let orgs = state.store.organisations().await?;
    let Some((_, name, _)) = orgs.iter().find(|(id, _, _)| *id == org) else {
        return Err(WebError::BadRequest(
            "Cette organisation n'existe pas.".into(),
        ));
    };
    let label = form.label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(WebError::BadRequest(
            "Donnez au jeton un libellé de 1 à 100 caractères.".into(),
        ));
    }
    tremplin_domain::check_text("label", "libellé", label, false)
        .map_err(|e| WebError::BadRequest(e.message))?;
    let token = secrets::random_token();
    let now = state.clock.now();
    state
        .store
        .create_api_token(org, &secrets::token_hash(&token), label, now)
        .await?;
    staff
        .log(&state, "jeton créé", &format!("{name} ({label})"))
        .await?;
    Ok(Html(tokens_page(&state, &staff, Some(token)).await?).into_response())
}

async fn revoke_token(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&form.csrf)?;
    let now = state.clock.now();
    if state.store.revoke_api_token(id, now).await? {
        staff
            .log(&state, "jeton révoqué", &format!("jeton {id}"))
            .await?;
    }
    Ok(Redirect::to("/gestion/jetons").into_response())
}
