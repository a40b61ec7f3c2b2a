//! Signing in and out of the back office.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::services::secrets;
use crate::shell::CsrfForm;
use crate::shell::Layout;
use crate::shell::auth::{self, Staff};
use crate::{AppState, WebError};

mod throttle;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/connexion", get(login_page).post(login))
        .route("/deconnexion", post(logout))
}

#[derive(Template)]
#[template(path = "features/connexion/templates/login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    email: String,
    suite: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
struct LoginQuery {
    suite: Option<String>,
    /// Shown after setting a password.
    ok: Option<String>,
}

/// Only a back-office path is a valid place to return to after signing in.
fn safe_return(suite: Option<&str>) -> String {
    // Visible ASCII only: a control character cannot go into the Location header.
    suite
        .filter(|s| s.starts_with("/gestion") && !s.contains("//") && !s.contains('\\'))
        .filter(|s| s.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("/gestion")
        .to_owned()
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Result<Response, WebError> {
    let (csrf, csrf_cookie) = auth::public_csrf(&state, &headers);
    let page = LoginPage {
        layout: Layout::new(&state, "/connexion"),
        csrf: csrf.clone(),
        email: String::new(),
        suite: safe_return(q.suite.as_deref()),
        error: None,
        notice: q
            .ok
            .as_deref()
            .map(|_| "Mot de passe enregistré : vous pouvez vous connecter.".to_owned()),
    };
    Ok(([(header::SET_COOKIE, csrf_cookie)], Html(page.render()?)).into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    suite: String,
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth::ClientIp(ip): auth::ClientIp,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let expected = auth::check_public_csrf(&headers, &form.csrf)?;
    let now = state.clock.now();
    let email = form.email.trim().to_lowercase();
    let keys = throttle::Keys::new(&email, &ip);
    let page = |error: String| LoginPage {
        layout: Layout::new(&state, "/connexion"),
        csrf: expected.clone(),
        email: form.email.chars().take(200).collect(),
        suite: safe_return(Some(&form.suite)),
        error: Some(error),
        notice: None,
    };
    if let Some(seconds) = throttle::wait(&state.store, &keys, now.timestamp()).await? {
        state
            .store
            .audit(
                now,
                None,
                "connexion retardée",
                &format!("{email} : {seconds} s à attendre"),
                Some(&ip),
            )
            .await?;
        let error = format!(
            "Trop de tentatives : patientez {} avant de réessayer.",
            throttle::in_words(seconds)
        );
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, seconds.to_string())],
            Html(page(error).render()?),
        )
            .into_response());
    }
    // Counted before the password is checked (argon2 takes a while), so that tries sent in
    // parallel do not all slip under the limits; a right password takes it back below.
    state
        .store
        .record_login_failure(&keys.all(), now.timestamp())
        .await?;
    let found = state.store.user_for_login(&email).await?;
    let hash = found
        .as_ref()
        .map_or_else(|| secrets::dummy_hash().to_owned(), |(_, h)| h.clone());
    let password = form.password.clone();
    let ok = tokio::task::spawn_blocking(move || secrets::verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let Some((user, _)) = found.filter(|_| ok) else {
        state
            .store
            .audit(now, None, "connexion refusée", &email, Some(&ip))
            .await?;
        let page = page("E-mail ou mot de passe incorrect.".into());
        return Ok((StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response());
    };
    state.store.clear_login_failures(&keys.pair).await?;
    state.store.clear_login_failures(&keys.account).await?;
    // The address's try is taken back too: colleagues signing in from one office do not use
    // up its limit.
    state
        .store
        .forget_login_try(&keys.ip, now.timestamp())
        .await?;
    let token = secrets::random_token();
    let expires = now.timestamp() + auth::SESSION_SECONDS;
    state
        .store
        .create_session(
            &secrets::token_hash(&token),
            user.id,
            &secrets::random_token(),
            now.timestamp(),
            expires,
        )
        .await?;
    state
        .store
        .audit(now, Some(user.id), "connexion", "réussie", Some(&ip))
        .await?;
    // The public forms' cookie stays: an application form open in another tab still goes.
    Ok((
        [(
            header::SET_COOKIE,
            auth::set_cookie(&state, auth::SESSION_COOKIE, &token, auth::SESSION_SECONDS),
        )],
        Redirect::to(&safe_return(Some(&form.suite))),
    )
        .into_response())
}

async fn logout(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    if let Some(token) = auth::cookie(&headers, auth::SESSION_COOKIE) {
        state
            .store
            .delete_session(&secrets::token_hash(&token))
            .await?;
    }
    staff.log(&state, "déconnexion", "").await?;
    Ok((
        [(
            header::SET_COOKIE,
            auth::set_cookie(&state, auth::SESSION_COOKIE, "", 0),
        )],
        Redirect::to("/"),
    )
        .into_response())
}
