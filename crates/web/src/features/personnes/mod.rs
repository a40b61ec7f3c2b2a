//! A person's data on request: what Tremplin holds about them, exported or erased. Admins.

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::shell::ApplicationLine;
use crate::shell::Layout;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/personnes", get(person))
        .route(
            "/gestion/personnes/export",
            axum::routing::post(export_person),
        )
        .route(
            "/gestion/personnes/effacer",
            axum::routing::post(erase_person),
        )
}

#[derive(serde::Deserialize, Default)]
struct PersonQuery {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    telephone: String,
}

impl PersonQuery {
    /// The person's identifiers as stored.
    fn keys(&self) -> Result<(Option<String>, Option<String>), WebError> {
        let email = Some(self.email.trim())
            .filter(|e| !e.is_empty())
            .map(str::to_lowercase);
        let phone = match self.telephone.trim() {
            "" => None,
            t => Some(
                tremplin_domain::Telephone::parse(t)
                    .map_err(|e| WebError::BadRequest(e.message))?
                    .as_str()
                    .to_owned(),
            ),
        };
        if email.is_none() && phone.is_none() {
            return Err(WebError::BadRequest(
                "Indiquez l'e-mail ou le téléphone de la personne.".into(),
            ));
        }
        Ok((email, phone))
    }
}

#[derive(Template)]
#[template(path = "features/personnes/templates/person.html")]
struct PersonPage {
    layout: Layout,
    nav: crate::shell::Nav,
    email: String,
    telephone: String,
    searched: bool,
    applications: Vec<ApplicationLine>,
}

async fn person(
    State(state): State<AppState>,
    staff: crate::shell::auth::Staff,
    axum::extract::Query(q): axum::extract::Query<PersonQuery>,
) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    let searched = !q.email.trim().is_empty() || !q.telephone.trim().is_empty();
    let mut applications = Vec::new();
    if searched {
        let (email, phone) = q.keys()?;
        for a in state
            .store
            .applications_of_person(email.as_deref(), phone.as_deref())
            .await?
        {
            applications.push(ApplicationLine {
                id: a.id,
                sent: crate::shell::dates::paris_day(a.created_at),
                name: format!("{} {}", a.first_name, a.last_name),
                offer_id: a.offer_id,
                offer: String::new(),
                status: a.status.label(),
                has_cv: a.cv_path.is_some(),
            });
        }
    }
    let page = PersonPage {
        layout: Layout::new(&state, "/gestion/personnes"),
        nav: crate::shell::Nav::new(&staff),
        email: q.email,
        telephone: q.telephone,
        searched,
        applications,
    };
    Ok(Html(page.render()?))
}

/// Everything Tremplin holds about a person, as JSON (the right of access).
async fn export_person(
    State(state): State<AppState>,
    staff: crate::shell::auth::Staff,
    Form(q): Form<PersonQuery>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&q.csrf)?;
    let (email, phone) = q.keys()?;
    let mut out = Vec::new();
    for a in state
        .store
        .applications_of_person(email.as_deref(), phone.as_deref())
        .await?
    {
        let steps: Vec<serde_json::Value> = state
            .store
            .application_events(a.id)
            .await?
            .into_iter()
            .map(|(at, s)| serde_json::json!({ "date": at.to_rfc3339(), "etape": s }))
            .collect();
        out.push(serde_json::json!({
            "candidature": a.id, "offre": a.offer_id, "prenom": a.first_name, "nom": a.last_name,
            "email": a.email, "telephone": a.phone, "commune": a.commune_code, "date_naissance": a.birth_date.to_string(),
            "mobilite": a.mobility, "message": a.message, "etat": a.status.as_str(), "raison": a.answer_reason,
            "cv": a.cv_name, "envoyee_le": a.created_at.to_rfc3339(), "etapes": steps,
        }));
    }
    let detail = format!("{} candidature(s)", out.len());
    staff.log(&state, "données exportées", &detail).await?;
    let body = serde_json::to_string_pretty(&serde_json::json!({ "candidatures": out }))
        .unwrap_or_default();
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"donnees-tremplin.json\"".to_owned(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// Erases everything about a person (the right to erasure).
async fn erase_person(
    State(state): State<AppState>,
    staff: crate::shell::auth::Staff,
    Form(q): Form<PersonQuery>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&q.csrf)?;
    let (email, phone) = q.keys()?;
    let found = state
        .store
        .applications_of_person(email.as_deref(), phone.as_deref())
        .await?;
    for a in &found {
        if let Some(path) = state.store.delete_application(a.id).await? {
            let _ = tokio::fs::remove_file(&path).await;
        }
    }
    // The log says how many, not whose: no personal data in it.
    let detail = format!("{} candidature(s)", found.len());
    staff.log(&state, "données effacées", &detail).await?;
    Ok(Redirect::to("/gestion/personnes").into_response())
}
