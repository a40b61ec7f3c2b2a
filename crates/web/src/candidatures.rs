//! Applying online without an account, and a reply from every employer: the form, the email to
//! the employer with two one-click answers, the young person's private follow-up page.
//!
//! Links in emails open a page with one button rather than acting on the GET itself: mail
//! scanners open links, and must not answer in the employer's place.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::Duration;
use tremplin_domain::application::{ApplicationInput, ApplicationStatus, Mobility, age};
use tremplin_domain::{Invalid, Offer};
use tremplin_storage::StoreError;

use crate::auth::{self, ClientIp};
use crate::pages::Layout;
use crate::{AppState, WebError};

/// Applications from one address in an hour, whoever sends them.
const MAX_PER_IP_HOUR: i64 = 30;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/offres/{id}/postuler", get(form).post(apply))
        .route("/candidature/{token}", get(follow))
        .route("/reponse/{token}/{choice}", get(answer_page).post(answer))
}

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyPage {
    layout: Layout,
    offer_id: i64,
    title: String,
    company: String,
    commune: String,
    csrf: String,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
    mobilities: Vec<(&'static str, &'static str)>,
}

impl ApplyPage {
    fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }
}

async fn public_offer(state: &AppState, id: &str) -> Result<Offer, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    state
        .store
        .get_offer(id)
        .await?
        .filter(|o| o.status.is_public())
        .ok_or(WebError::NotFound)
}

fn page(
    state: &AppState,
    o: &Offer,
    csrf: String,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
) -> ApplyPage {
    ApplyPage {
        layout: Layout::new(state, &format!("/offres/{}/postuler", o.id)),
        offer_id: o.id,
        title: o.fields.title.clone(),
        company: o.fields.company_name.clone(),
        commune: state
            .refs
            .communes
            .get(o.fields.commune.as_str())
            .map_or_else(String::new, |c| c.name.clone()),
        csrf,
        values,
        errors,
        mobilities: Mobility::ALL
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
    }
}

async fn form(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, WebError> {
    let offer = public_offer(&state, &id).await?;
    let csrf = auth::random_token();
    let body = page(&state, &offer, csrf.clone(), HashMap::new(), Vec::new()).render()?;
    Ok((
        [(
            header::SET_COOKIE,
            auth::set_cookie(&state, auth::LOGIN_CSRF_COOKIE, &csrf, 3600),
        )],
        Html(body),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "apply_done.html")]
struct DonePage {
    layout: Layout,
    title: String,
    follow: String,
    by_mail: bool,
}

#[derive(Template)]
#[template(path = "mail/employer.txt")]
struct EmployerMail<'a> {
    name: String,
    title: &'a str,
    territory: String,
    commune: String,
    age: i32,
    minor: bool,
    mobility: &'a str,
    email: Option<&'a str>,
    phone: Option<String>,
    message: &'a str,
    yes: String,
    no: String,
}

#[derive(Template)]
#[template(path = "mail/confirmation.txt")]
struct ConfirmationMail<'a> {
    first_name: &'a str,
    title: &'a str,
    company: &'a str,
    follow: &'a str,
}

async fn apply(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let offer = public_offer(&state, &id).await?;
    let csrf = auth::check_public_csrf(&headers, values.get("csrf").map_or("", String::as_str))?;
    let now = state.clock.now();
    let ip_key = format!("candidature-ip:{ip}");
    if state
        .store
        .login_failures(&ip_key, now.timestamp() - 3600)
        .await?
        >= MAX_PER_IP_HOUR
    {
        return Err(WebError::BadRequest(
            "Beaucoup de candidatures sont parties de cette connexion en une heure. Réessayez plus tard, ou passez à la Mission Locale.".into(),
        ));
    }
    state
        .store
        .record_login_failure(&[ip_key], now.timestamp())
        .await?;
    let follow_token = auth::random_token();
    let follow = format!("{}/candidature/{follow_token}", state.config.public_url);
    // A robot filled the hidden field: it gets the usual answer, and nothing is stored.
    if values.get("site_web").is_some_and(|v| !v.trim().is_empty()) {
        let done = DonePage {
            layout: Layout::new(&state, "/offres"),
            title: offer.fields.title.clone(),
            follow,
            by_mail: false,
        };
        return Ok(Html(done.render()?).into_response());
    }
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let input =
        match ApplicationInput::parse(&get, now.date_naive(), &|c| state.refs.communes.exists(c)) {
            Ok(input) => input,
            Err(errors) => {
                let keep = values
                    .iter()
                    .filter(|(k, _)| k.as_str() != "csrf")
                    .map(|(k, v)| (k.clone(), v.chars().take(2000).collect()))
                    .collect();
                return Ok((
                    StatusCode::BAD_REQUEST,
                    Html(page(&state, &offer, csrf, keep, errors).render()?),
                )
                    .into_response());
            }
        };
    let employer_token = auth::random_token();
    let id = match state
        .store
        .create_application(
            offer.id,
            &input,
            &auth::token_hash(&follow_token),
            &auth::token_hash(&employer_token),
            now,
        )
        .await
    {
        Ok(id) => id,
        Err(StoreError::Invalid(e)) => {
            let keep = values
                .iter()
                .filter(|(k, _)| k.as_str() != "csrf")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            return Ok((
                StatusCode::TOO_MANY_REQUESTS,
                Html(page(&state, &offer, csrf, keep, vec![e]).render()?),
            )
                .into_response());
        }
        Err(e) => return Err(e.into()),
    };
    // To the offer's contact; an offer taken by phone goes to the Mission Locale, which calls.
    let territory = state.territory();
    let recipient = offer
        .fields
        .contact
        .email
        .as_ref()
        .map(|e| e.to_string())
        .or_else(|| territory.as_ref().and_then(|t| t.contact_email.clone()));
    let years = age(input.birth_date, now.date_naive());
    let base = format!("{}/reponse/{employer_token}", state.config.public_url);
    let mail = EmployerMail {
        name: format!("{} {}", input.first_name, input.last_name),
        title: &offer.fields.title,
        territory: territory
            .as_ref()
            .map_or_else(|| "Mission Locale".to_owned(), |t| t.name.clone()),
        commune: state
            .refs
            .communes
            .get(input.commune.as_str())
            .map_or_else(|| input.commune.to_string(), |c| c.label()),
        age: years,
        minor: years < 18,
        mobility: input.mobility.label(),
        email: input.email.as_ref().map(|e| e.as_str()),
        phone: input.phone.as_ref().map(|p| p.display()),
        message: &input.message,
        yes: format!("{base}/entretien"),
        no: format!("{base}/non_retenu"),
    };
    if let Some(to) = recipient {
        let subject = format!(
            "Candidature de {} {} : {}",
            input.first_name, input.last_name, offer.fields.title
        );
        state
            .store
            .enqueue_mail(&to, &subject, &mail.render()?, None, now)
            .await?;
    } else {
        tracing::warn!(
            candidature = id,
            "ni contact ni e-mail de la Mission Locale : candidature à transmettre par téléphone"
        );
    }
    if let Some(email) = &input.email {
        let text = ConfirmationMail {
            first_name: &input.first_name,
            title: &offer.fields.title,
            company: &offer.fields.company_name,
            follow: &follow,
        }
        .render()?;
        state
            .store
            .enqueue_mail(
                email.as_str(),
                "Votre candidature est partie",
                &text,
                None,
                now,
            )
            .await?;
    }
    let done = DonePage {
        layout: Layout::new(&state, "/offres"),
        title: offer.fields.title.clone(),
        follow,
        by_mail: input.email.is_some(),
    };
    Ok(Html(done.render()?).into_response())
}

#[derive(Template)]
#[template(path = "suivi.html")]
struct FollowPage {
    layout: Layout,
    title: String,
    company: String,
    sent: String,
    status: &'static str,
    reason: Option<String>,
    waiting_long: bool,
    steps: Vec<(String, &'static str)>,
}

async fn follow(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Html<String>, WebError> {
    let a = state
        .store
        .application_by_follow_link(&auth::token_hash(&token))
        .await?
        .ok_or(WebError::NotFound)?;
    let offer = state
        .store
        .get_offer(a.offer_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let now = state.clock.now();
    let steps = state
        .store
        .application_events(a.id)
        .await?
        .into_iter()
        .map(|(at, s)| {
            (
                at.format("%d/%m/%Y").to_string(),
                ApplicationStatus::from_db(&s).map_or("?", |x| x.label()),
            )
        })
        .collect();
    let status = a.status();
    let page = FollowPage {
        layout: Layout::new(&state, "/candidature"),
        title: offer.fields.title.clone(),
        company: offer.fields.company_name.clone(),
        sent: a.created_at.format("%d/%m/%Y").to_string(),
        status: status.label(),
        reason: a.answer_reason.clone(),
        waiting_long: matches!(status, ApplicationStatus::Envoyee | ApplicationStatus::Vue)
            && now - a.created_at >= Duration::days(7),
        steps,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "reponse.html")]
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
        .application_by_employer_link(&auth::token_hash(&token))
        .await?
        .ok_or(WebError::NotFound)?;
    if a.status() == ApplicationStatus::Envoyee {
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
        a.status(),
        ApplicationStatus::Entretien | ApplicationStatus::NonRetenue
    )
    .then(|| a.status().label());
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
#[template(path = "mail/answer.txt")]
struct AnswerMail<'a> {
    first_name: &'a str,
    title: &'a str,
    status: &'a str,
    reason: Option<&'a str>,
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
        .application_by_employer_link(&auth::token_hash(&token))
        .await?
        .ok_or(WebError::NotFound)?;
    if matches!(
        a.status(),
        ApplicationStatus::Entretien
            | ApplicationStatus::NonRetenue
            | ApplicationStatus::Retiree
            | ApplicationStatus::ContratSigne
    ) {
        // Answered already: the first answer stands.
        return Ok(Redirect::to(&format!("/reponse/{token}/{c}")).into_response());
    }
    let reason: String = f.raison.trim().chars().take(500).collect();
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
        let text = AnswerMail {
            first_name: &a.first_name,
            title: &offer.fields.title,
            status: status.label(),
            reason: reason.as_deref(),
        }
        .render()?;
        state
            .store
            .enqueue_mail(
                email,
                "L'employeur a répondu à votre candidature",
                &text,
                None,
                now,
            )
            .await?;
    }
    Ok(Redirect::to(&format!("/reponse/{token}/{c}")).into_response())
}
