//! Applications in the back office: the counselors' pipeline, statuses, CV downloads, and
//! applying on behalf of a young person (prescription).

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use tremplin_domain::application::ApplicationStatus;

use crate::shell::ApplicationLine;
use crate::shell::Id;
use crate::shell::Layout;
use crate::{AppState, WebError};

mod on_behalf;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/candidatures", get(pipeline))
        .route("/gestion/candidatures/{id}/cv", get(download_cv))
        .route(
            "/gestion/candidatures/{id}",
            axum::routing::post(set_status),
        )
        .route(
            "/gestion/candidatures/nouvelle",
            get(on_behalf::on_behalf_form).post(on_behalf::on_behalf),
        )
}

#[derive(Template)]
#[template(path = "features/gestion_candidatures/templates/applications.html")]
struct PipelinePage {
    layout: Layout,
    nav: crate::shell::Nav,
    applications: Vec<ApplicationLine>,
}

async fn pipeline(
    State(state): State<AppState>,
    staff: crate::shell::auth::Staff,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let list = state.store.applications(200).await?;
    let ids: Vec<i64> = list.iter().map(|a| a.offer_id).collect();
    let offers = state.store.get_offers(&ids).await?;
    let undelivered = state.store.applications_with_failed_mail().await?;
    let applications = list
        .iter()
        .map(|a| ApplicationLine {
            id: a.id,
            sent: crate::shell::dates::paris_day(a.created_at),
            name: format!("{} {}", a.first_name, a.last_name),
            offer_id: a.offer_id,
            offer: offers
                .iter()
                .find(|o| o.id == a.offer_id)
                .map_or_else(String::new, |o| o.fields.title.clone()),
            // The mail to the employer could never be sent: the counselors pass it on.
            status: match a.status {
                ApplicationStatus::Envoyee if undelivered.contains(&a.id) => {
                    "Non transmise : l'e-mail à l'employeur n'a pas pu partir"
                }
                s => s.label(),
            },
            has_cv: a.cv_path.is_some(),
        })
        .collect();
    let page = PipelinePage {
        layout: Layout::new(&state, "/gestion/candidatures"),
        nav: crate::shell::Nav::new(&staff),
        applications,
    };
    Ok(Html(page.render()?))
}

/// The CV, to counselors only, always as a download (never displayed by the browser), from
/// the shared media storage; range requests are answered (a download resumed on a bad line).
async fn download_cv(
    State(state): State<AppState>,
    staff: crate::shell::auth::Staff,
    Id(id): Id,
    request: axum::http::HeaderMap,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let a = state
        .store
        .application(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let (Some(path), Some(name), Some(kind)) = (&a.cv_path, &a.cv_name, &a.cv_type) else {
        return Err(WebError::NotFound);
    };
    let mut response =
        crate::services::uploads::respond_cv(&state.media, path, kind, &request).await;
    if response.status() == axum::http::StatusCode::NOT_FOUND {
        return Err(WebError::NotFound);
    }
    if response.status().is_success() {
        staff
            .log(&state, "CV consulté", &format!("candidature {id}"))
            .await?;
    }
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    if let Ok(v) = header::HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    )) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

#[derive(serde::Deserialize)]
struct StatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    statut: String,
}

/// Counselors move an application along: interview, kept, not kept, contract signed.
async fn set_status(
    State(state): State<AppState>,
    staff: crate::shell::auth::Staff,
    Id(id): Id,
    Form(f): Form<StatusForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    state
        .store
        .application(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let status = match f.statut.as_str() {
        "entretien" => ApplicationStatus::Entretien,
        "retenue" => ApplicationStatus::Retenue,
        "non_retenue" => ApplicationStatus::NonRetenue,
        "contrat_signe" => ApplicationStatus::ContratSigne,
        other => return Err(WebError::BadRequest(format!("Étape inconnue « {other} »."))),
    };
    state
        .store
        .set_application_status(id, status, None, state.clock.now())
        .await?;
    Ok(Redirect::to("/gestion/candidatures").into_response())
}
