//! Back-office accounts: the list, invitations, roles and organisations. Admins only.

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tremplin_storage::{Role, User};

use crate::services::invitations::send_invitation;
use crate::shell::Id;
use crate::shell::Layout;
use crate::shell::Nav;
use crate::shell::auth::Staff;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/utilisateurs", get(users).post(invite))
        .route("/gestion/utilisateurs/{id}", post(update_user))
}

#[derive(Template)]
#[template(path = "features/utilisateurs/templates/users.html")]
struct UsersPage {
    layout: Layout,
    nav: Nav,
    users: Vec<User>,
    organisations: Vec<(i64, String, String)>,
    notice: Option<String>,
    error: Option<String>,
}

async fn users_page(
    state: &AppState,
    staff: &Staff,
    notice: Option<String>,
    error: Option<String>,
) -> Result<String, WebError> {
    let page = UsersPage {
        layout: Layout::new(state, "/gestion/utilisateurs"),
        nav: Nav::new(staff),
        users: state.store.users().await?,
        organisations: state.store.organisations().await?,
        notice,
        error,
    };
    Ok(page.render()?)
}

async fn users(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    Ok(Html(users_page(&state, &staff, None, None).await?))
}

const NO_SUCH_ORGANISATION: &str = "Cette organisation n'existe pas (ou plus) : rechargez la page et choisissez-en une dans la liste.";

/// A chosen organisation is one of the list (or none is chosen).
async fn organisation_exists(state: &AppState, id: Option<i64>) -> Result<bool, WebError> {
    let Some(id) = id else { return Ok(true) };
    Ok(state
        .store
        .organisations()
        .await?
        .iter()
        .any(|(o, _, _)| *o == id))
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
}

async fn invite(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<InviteForm>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&form.csrf)?;
    let refuse = |m: String| async {
        Ok::<_, WebError>(
            (
                StatusCode::BAD_REQUEST,
                Html(users_page(&state, &staff, None, Some(m)).await?),
            )
                .into_response(),
        )
    };
    let email = match tremplin_domain::Email::parse(&form.email) {
        Ok(e) => e,
        Err(e) => return refuse(e.message).await,
    };
    let Some(role) = Role::parse(&form.role) else {
        return refuse("Choisissez un rôle.".into()).await;
    };
    let organisation = form.organisation.parse::<i64>().ok();
    if role == Role::Partenaire && organisation.is_none() {
        return refuse("Un compte partenaire doit appartenir à une organisation.".into()).await;
    }
    if !organisation_exists(&state, organisation).await? {
        return refuse(NO_SUCH_ORGANISATION.into()).await;
    }
    if state.store.user_for_login(email.as_str()).await?.is_some() {
        return refuse(format!("Un compte existe déjà pour {email}.")).await;
    }
    send_invitation(
        &state,
        &staff.user.email,
        email.as_str(),
        role,
        organisation,
    )
    .await?;
    staff
        .log(
            &state,
            "invitation envoyée",
            &format!("{email} ({})", role.as_str()),
        )
        .await?;
    let notice = format!("Invitation envoyée à {email} : le lien est valable 3 jours.");
    Ok(Html(users_page(&state, &staff, Some(notice), None).await?).into_response())
}

#[derive(Deserialize)]
struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    active: String,
}

async fn update_user(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(form): Form<UserForm>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&form.csrf)?;
    let before = state
        .store
        .users()
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or(WebError::NotFound)?;
    let role = Role::parse(&form.role)
        .ok_or_else(|| WebError::BadRequest("Choisissez un rôle.".into()))?;
    let organisation = form.organisation.parse::<i64>().ok();
    let active = !form.active.is_empty();
    let problem = if role == Role::Partenaire && organisation.is_none() {
        Some("Un compte partenaire doit appartenir à une organisation.")
    } else if !organisation_exists(&state, organisation).await? {
        Some(NO_SUCH_ORGANISATION)
    } else if id == staff.user.id && (role != Role::Admin || !active) {
        Some(
            "Vous ne pouvez pas retirer vos propres droits d'administration : demandez-le à un autre administrateur.",
        )
    } else {
        None
    };
    if let Some(m) = problem {
        return Ok((
            StatusCode::BAD_REQUEST,
            Html(users_page(&state, &staff, None, Some(m.to_owned())).await?),
        )
            .into_response());
    }
    state
        .store
        .update_user(id, role, organisation, active)
        .await?;
    let detail = format!(
        "{} : {} → {}{}",
        before.email,
        before.role.as_str(),
        role.as_str(),
        if before.active && !active {
            ", désactivé"
        } else if !before.active && active {
            ", réactivé"
        } else {
            ""
        }
    );
    staff.log(&state, "rôle modifié", &detail).await?;
    Ok(Redirect::to("/gestion/utilisateurs").into_response())
}
