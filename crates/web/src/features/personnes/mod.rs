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
    /// The address's alerts: (search, state): only admins, handling a request, see them.
    alerts: Vec<(String, &'static str)>,
}

fn alert_state(a: &tremplin_storage::Alert) -> &'static str {
    if a.confirmed_unix.is_some() {
        "active"
    } else {
        "en attente de confirmation"
    }
}

async fn person(
    State(state): State<AppState>,
    staff: crate::shell::auth::Staff,
    axum::extract::Query(q): axum::extract::Query<PersonQuery>,
) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    let searched = !q.email.trim().is_empty() || !q.telephone.trim().is_empty();
    let mut applications = Vec::new();
    let mut alerts = Vec::new();
    if searched {
        let (email, phone) = q.keys()?;
        if let Some(e) = &email {
            alerts = state
                .store
                .alerts_of_email(e)
                .await?
                .iter()
                .map(|a| (a.label.clone(), alert_state(a)))
                .collect();
        }
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
        alerts,
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
        // The texts sent to the person (the follow-up link by SMS).
        let sms: Vec<serde_json::Value> = state
            .store
            .sms_of_application(a.id)
            .await?
            .into_iter()
            .map(|m| {
                serde_json::json!({
                    "numero": m.to_phone, "texte": m.body, "cree_le": m.created_at.to_rfc3339(),
                    "envoye_le": m.sent_at.map(|t| t.to_rfc3339()),
                })
            })
            .collect();
        out.push(serde_json::json!({
            "candidature": a.id, "offre": a.offer_id, "prenom": a.first_name, "nom": a.last_name,
            "email": a.email, "telephone": a.phone, "commune": a.commune_code, "date_naissance": a.birth_date.to_string(),
            "mobilite": a.mobility, "message": a.message, "etat": a.status.as_str(), "raison": a.answer_reason,
            "cv": a.cv_name, "envoyee_le": a.created_at.to_rfc3339(), "etapes": steps, "sms": sms,
        }));
    }
    let mut alerts = Vec::new();
    if let Some(e) = &email {
        for a in state.store.alerts_of_email(e).await? {
            let sent: Vec<serde_json::Value> = state
                .store
                .alert_deliveries(a.id)
                .await?
                .into_iter()
                .map(|(edition, offers, mailed)| serde_json::json!({ "edition": edition, "offres": offers, "envoye": mailed }))
                .collect();
            let at = |t: i64| chrono::DateTime::from_timestamp(t, 0).map(|d| d.to_rfc3339());
            alerts.push(serde_json::json!({
                "email": a.email, "recherche": a.label, "parametres": a.search, "etat": alert_state(&a),
                "demandee_le": at(a.created_unix), "confirmee_le": a.confirmed_unix.and_then(at),
                "derniere_activite": at(a.active_unix), "avis_effacement": a.notice_unix.and_then(at),
                "envois": sent,
            }));
        }
    }
    let pepites =
        crate::services::pepites::export_person(&state, email.as_deref(), phone.as_deref()).await?;
    let detail = counted(out.len(), alerts.len() as u64);
    staff.log(&state, "données exportées", &detail).await?;
    let body = serde_json::to_string_pretty(
        &serde_json::json!({ "candidatures": out, "alertes": alerts, "pepites": pepites }),
    )
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

/// What the log says of a request: how many, never whose.
fn counted(applications: usize, alerts: u64) -> String {
    if alerts == 0 {
        format!("{applications} candidature(s)")
    } else {
        format!("{applications} candidature(s), {alerts} alerte(s)")
    }
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
    let alerts = match &email {
        Some(e) => state.store.delete_alerts_of_email(e).await?,
        None => 0,
    };
    let pepites =
        crate::services::pepites::erase_person(&state, email.as_deref(), phone.as_deref()).await?;
    // The log says how many, not whose: no personal data in it.
    let detail = format!("{}, {pepites} fiche(s) pépites", counted(found.len(), alerts));
    staff.log(&state, "données effacées", &detail).await?;
    Ok(Redirect::to("/gestion/personnes").into_response())
}
