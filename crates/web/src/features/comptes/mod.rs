//! Accounts by email: invitations from the admin pages and forgotten passwords, both by a
//! one-time link that expires. No message ever says whether an account exists.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use tremplin_storage::Role;

use crate::services::secrets;
use crate::shell::Layout;
use crate::shell::auth::{self, ClientIp};
use crate::{AppState, WebError};

const RESET_SECONDS: i64 = 3600;
const MAX_RESETS_PER_HOUR: i64 = 3;
const MAX_RESETS_PER_IP: i64 = 10;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/invitation/{token}",
            get(invitation_page).post(accept_invitation),
        )
        .route("/mot-de-passe-oublie", get(forgot_page).post(forgot))
        .route("/reinitialisation/{token}", get(reset_page).post(reset))
}

#[derive(Template)]
#[template(path = "features/comptes/templates/mail/reset.txt")]
struct ResetText<'a> {
    link: &'a str,
}

#[derive(Template)]
#[template(path = "features/comptes/templates/mail/reset.html")]
struct ResetHtml<'a> {
    link: &'a str,
}

#[derive(Template)]
#[template(path = "features/comptes/templates/password.html")]
struct PasswordPage {
    layout: Layout,
    heading: &'static str,
    valid: bool,
    email: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
}

fn check_password(f: &PasswordForm) -> Result<(), String> {
    if f.password.chars().count() < 12 {
        Err("Le mot de passe doit faire au moins 12 caractères.".into())
    } else if f.password.chars().count() > 200 {
        Err("Le mot de passe ne doit pas dépasser 200 caractères.".into())
    } else if f.password != f.confirmation {
        Err("Les deux mots de passe ne sont pas identiques.".into())
    } else {
        Ok(())
    }
}

async fn password_page(
    state: &AppState,
    heading: &'static str,
    purpose: &str,
    token: &str,
    error: Option<String>,
) -> Result<Response, WebError> {
    let found = state
        .store
        .account_token(
            &secrets::token_hash(token),
            purpose,
            state.clock.now().timestamp(),
        )
        .await?;
    let status = match (&found, &error) {
        (None, _) => StatusCode::NOT_FOUND,
        (_, Some(_)) => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    let page = PasswordPage {
        layout: Layout::new(state, "/connexion"),
        heading,
        valid: found.is_some(),
        email: found.map(|t| t.email).unwrap_or_default(),
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn invitation_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    password_page(
        &state,
        "Créer votre mot de passe",
        "invitation",
        &token,
        None,
    )
    .await
}

async fn accept_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ClientIp(ip): ClientIp,
    Form(f): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let hash = secrets::token_hash(&token);
    let now = state.clock.now();
    let Some(invitation) = state
        .store
        .account_token(&hash, "invitation", now.timestamp())
        .await?
    else {
        return password_page(
            &state,
            "Créer votre mot de passe",
            "invitation",
            &token,
            None,
        )
        .await;
    };
    if let Err(e) = check_password(&f) {
        return password_page(
            &state,
            "Créer votre mot de passe",
            "invitation",
            &token,
            Some(e),
        )
        .await;
    }
    let password = f.password.clone();
    let password_hash = tokio::task::spawn_blocking(move || secrets::hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))??;
    if !state
        .store
        .use_account_token(&hash, now.timestamp())
        .await?
    {
        return password_page(
            &state,
            "Créer votre mot de passe",
            "invitation",
            &token,
            None,
        )
        .await;
    }
    let role = invitation.role.unwrap_or(Role::Partenaire);
    match state
        .store
        .add_user(
            &invitation.email,
            &password_hash,
            role,
            invitation.organisation_id,
            now,
        )
        .await?
    {
        Some(id) => {
            state
                .store
                .audit(
                    now,
                    Some(id),
                    "compte créé",
                    &format!("sur invitation ({})", role.as_str()),
                    Some(&ip),
                )
                .await?
        }
        None => {
            return Err(WebError::BadRequest(
                "Un compte existe déjà pour cette adresse : connectez-vous.".into(),
            ));
        }
    }
    Ok(Redirect::to("/connexion?ok=1").into_response())
}

#[derive(Template)]
#[template(path = "features/comptes/templates/forgot.html")]
struct ForgotPage {
    layout: Layout,
    csrf: String,
    notice: Option<String>,
}

async fn forgot_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (csrf, csrf_cookie) = auth::public_csrf(&state, &headers);
    let page = ForgotPage {
        layout: Layout::new(&state, "/mot-de-passe-oublie"),
        csrf: csrf.clone(),
        notice: None,
    };
    Ok(([(header::SET_COOKIE, csrf_cookie)], Html(page.render()?)).into_response())
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

async fn forgot(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(f): Form<ForgotForm>,
) -> Result<Response, WebError> {
    let expected = auth::check_public_csrf(&headers, &f.csrf)?;
    let now = state.clock.now();
    let email = f.email.trim().to_lowercase();
    let (email_key, ip_key) = (format!("reinit:{email}"), format!("reinit-ip:{ip}"));
    let since = now.timestamp() - 3600;
    if state.store.login_failures(&email_key, since).await? >= MAX_RESETS_PER_HOUR
        || state.store.login_failures(&ip_key, since).await? >= MAX_RESETS_PER_IP
    {
        return Err(WebError::TooManyAttempts);
    }
    // Every request counts against the limits, whether the account exists or not.
    state
        .store
        .record_login_failure(&[email_key, ip_key], now.timestamp())
        .await?;
    if let Some((user, _)) = state.store.user_for_login(&email).await? {
        let token = secrets::random_token();
        state
            .store
            .create_account_token(
                &secrets::token_hash(&token),
                "reinitialisation",
                &user.email,
                Some(user.id),
                None,
                None,
                now.timestamp() + RESET_SECONDS,
            )
            .await?;
        let link = format!("{}/reinitialisation/{token}", state.config.public_url);
        let (text, html) = (
            ResetText { link: &link }.render()?,
            ResetHtml { link: &link }.render()?,
        );
        state
            .store
            .enqueue_mail(
                &user.email,
                "Votre nouveau mot de passe Tremplin",
                &text,
                Some(&html),
                now,
            )
            .await?;
        state
            .store
            .audit(
                now,
                Some(user.id),
                "réinitialisation demandée",
                "",
                Some(&ip),
            )
            .await?;
    }
    let page = ForgotPage {
        layout: Layout::new(&state, "/mot-de-passe-oublie"),
        csrf: expected,
        notice: Some("Si un compte existe pour cette adresse, nous venons d'y envoyer un lien valable une heure.".into()),
    };
    Ok(Html(page.render()?).into_response())
}

async fn reset_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    password_page(
        &state,
        "Choisir un nouveau mot de passe",
        "reinitialisation",
        &token,
        None,
    )
    .await
}

async fn reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ClientIp(ip): ClientIp,
    Form(f): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let hash = secrets::token_hash(&token);
    let now = state.clock.now();
    let heading = "Choisir un nouveau mot de passe";
    let Some(found) = state
        .store
        .account_token(&hash, "reinitialisation", now.timestamp())
        .await?
    else {
        return password_page(&state, heading, "reinitialisation", &token, None).await;
    };
    if let Err(e) = check_password(&f) {
        return password_page(&state, heading, "reinitialisation", &token, Some(e)).await;
    }
    let Some(user_id) = found.user_id else {
        return Err(WebError::NotFound);
    };
    let password = f.password.clone();
    let password_hash = tokio::task::spawn_blocking(move || secrets::hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))??;
    if !state
        .store
        .use_account_token(&hash, now.timestamp())
        .await?
    {
        return password_page(&state, heading, "reinitialisation", &token, None).await;
    }
    state.store.set_password(user_id, &password_hash).await?;
    state
        .store
        .audit(
            now,
            Some(user_id),
            "mot de passe changé",
            "par lien de réinitialisation",
            Some(&ip),
        )
        .await?;
    Ok(Redirect::to("/connexion?ok=1").into_response())
}
