//! The employer's answer, from the links in the application email: one page with one
//! button (mail scanners open links and must not answer in the employer's place).

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::Duration;
use tremplin_domain::application::ApplicationStatus;

use crate::services::applications::EMPLOYER_LINK_DAYS;
use crate::services::secrets;
use crate::shell::Layout;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new().route("/reponse/{token}/{choice}", get(answer_page).post(answer))
}

#[derive(Template)]
#[template(path = "features/reponses/templates/reponse.html")]
struct AnswerPage {
    layout: Layout,
    name: String,
    title: String,
    choice: String,
    answered: Option<&'static str>,
}

fn choice(s: &str) -> Result<ApplicationStatus, WebError> {
    match s {
        "entretien" => Ok(ApplicationStatus::Entretien),
        "non_retenu" => Ok(ApplicationStatus::NonRetenue),
        _ => Err(WebError::NotFound),
    }
}

async fn answer_page(
    State(state): State<AppState>,
    Path((token, c)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    choice(&c)?;
    let a = state
        .store
        .application_by_employer_link(&secrets::token_hash(&token))
        .await?
        .ok_or(WebError::NotFound)?;
    if state.clock.now() - a.created_at > Duration::days(EMPLOYER_LINK_DAYS) {
        return Err(WebError::BadRequest(
            "Ce lien de réponse a expiré. Pour répondre à cette candidature, contactez la Mission Locale.".into(),
        ));
    }
    if a.status == ApplicationStatus::Envoyee {
        state
            .store
            .set_application_status(a.id, ApplicationStatus::Vue, None, state.clock.now())
            .await?;
    }
    let offer = state
        .store
        .get_offer(a.offer_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let answered = matches!(
        a.status,
        ApplicationStatus::Entretien | ApplicationStatus::NonRetenue
    )
    .then(|| a.status.label());
    let page = AnswerPage {
        layout: Layout::new(&state, "/reponse"),
        name: format!("{} {}", a.first_name, a.last_name),
        title: offer.fields.title,
        choice: c,
        answered,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "features/reponses/templates/mail/answer.txt")]
struct AnswerMail<'a> {
    first_name: &'a str,
    title: &'a str,
    status: &'a str,
    reason: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "features/reponses/templates/mail/answer.html")]
struct AnswerMailHtml<'a> {
    m: &'a AnswerMail<'a>,
}

#[derive(serde::Deserialize)]
struct AnswerForm {
    #[serde(default)]
    raison: String,
}

async fn answer(
    State(state): State<AppState>,
    Path((token, c)): Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let status = choice(&c)?;
    let a = state
        .store
        .application_by_employer_link(&secrets::token_hash(&token))
        .await?
        .ok_or(WebError::NotFound)?;
    if state.clock.now() - a.created_at > Duration::days(EMPLOYER_LINK_DAYS) {
        return Err(WebError::BadRequest(
            "Ce lien de réponse a expiré. Pour répondre à cette candidature, contactez la Mission Locale.".into(),
        ));
    }
    if matches!(
        a.status,
        ApplicationStatus::Entretien
            | ApplicationStatus::NonRetenue
            | ApplicationStatus::Retiree
            | ApplicationStatus::ContratSigne
    ) {
        // Answered already: the first answer stands.
        return Ok(Redirect::to(&format!("/reponse/{token}/{c}")).into_response());
    }
    let reason: String = f.raison.trim().chars().take(500).collect();
    tremplin_domain::check_text("raison", "raison", &reason, true)
        .map_err(|e| WebError::BadRequest(e.message))?;
    let reason = (status == ApplicationStatus::NonRetenue && !reason.is_empty()).then_some(reason);
    let now = state.clock.now();
    state
        .store
        .set_application_status(a.id, status, reason.as_deref(), now)
        .await?;
    if let Some(email) = &a.email {
        let offer = state
            .store
            .get_offer(a.offer_id)
            .await?
            .ok_or(WebError::NotFound)?;
        let mail = AnswerMail {
            first_name: &a.first_name,
            title: &offer.fields.title,
            status: status.label(),
            reason: reason.as_deref(),
        };
        let text = mail.render()?;
        let html = AnswerMailHtml { m: &mail }.render()?;
        state
            .store
            .enqueue_mail(
                email,
                "L'employeur a répondu à votre candidature",
                &text,
                Some(&html),
                now,
            )
            .await?;
    }
    Ok(Redirect::to(&format!("/reponse/{token}/{c}")).into_response())
}
