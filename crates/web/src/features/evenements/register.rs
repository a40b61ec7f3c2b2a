//! Registering to a public event without an account, and cancelling by the link of the
//! confirmation mail.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use tremplin_domain::Invalid;
use tremplin_domain::activity::{RegistrationInput, RegistrationStatus};
use tremplin_storage::{Activity, StoreError};

use crate::services::{events, secrets, typed};
use crate::shell::Layout;
use crate::shell::auth::{self, ClientIp};
use crate::{AppState, WebError};

/// Registrations from one address in an hour, whoever sends them (as applications).
pub(super) const MAX_PER_IP_HOUR: i64 = 30;

#[derive(Template)]
#[template(path = "features/evenements/templates/event.html")]
pub(super) struct EventPage {
    layout: Layout,
    id: i64,
    title: String,
    kind: &'static str,
    description: String,
    when: String,
    place: String,
    address: String,
    is_virtual: bool,
    audience: String,
    leader: String,
    partners: Vec<String>,
    seats_left: i64,
    waiting: i64,
    guardian_required: bool,
    cancelled: bool,
    open: bool,
    csrf: String,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
    commune_choices: Vec<typed::Choice>,
}

impl EventPage {
    fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }

    fn err(&self, k: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == k)
            .map(|e| e.message.as_str())
    }

    fn anchor(&self, k: &str) -> Option<String> {
        match k {
            "limite" | "inscription" => None,
            k => Some(k.to_owned()),
        }
    }
}

pub(super) async fn page(
    state: &AppState,
    a: &Activity,
    csrf: String,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
) -> Result<EventPage, WebError> {
    let mut partners: Vec<String> = state
        .store
        .activity_companies(a.id)
        .await?
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    if let Some(cfa) = match a.training_centre_id {
        Some(id) => state.store.training_centre(id).await?,
        None => None,
    } {
        partners.push(cfa.name);
    }
    Ok(EventPage {
        layout: Layout::new(state, &format!("/evenements/{}", a.id)),
        id: a.id,
        title: a.title.clone(),
        kind: a.kind.label(),
        description: a.description.clone(),
        when: events::when(a),
        place: events::place(state, a),
        address: a.address.clone(),
        is_virtual: a.commune_code.is_none(),
        audience: a.audience.clone(),
        leader: a.leader.clone(),
        partners,
        seats_left: (a.capacity - a.seated).max(0),
        waiting: a.waiting,
        guardian_required: a.guardian_required,
        cancelled: a.cancelled,
        open: !a.cancelled && a.starts_at > state.clock.now(),
        csrf,
        values,
        errors,
        commune_choices: Vec::new(),
    })
}

#[derive(Template)]
#[template(path = "features/evenements/templates/registered.html")]
struct DonePage {
    layout: Layout,
    id: i64,
    title: String,
    when: String,
    waiting: bool,
    by_mail: bool,
    cancel: String,
}

fn keep(values: &HashMap<String, String>) -> HashMap<String, String> {
    values
        .iter()
        .filter(|(k, _)| k.as_str() != "csrf")
        .map(|(k, v)| (k.clone(), v.chars().take(200).collect()))
        .collect()
}

fn no_store() -> [(header::HeaderName, &'static str); 1] {
    [(header::CACHE_CONTROL, "no-store")]
}

pub(super) async fn register(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    let id = super::parse_id(&raw).ok_or(WebError::NotFound)?;
    let a = super::public_activity(&state, id).await?;
    let Ok(Form(values)) = form else {
        return Err(WebError::BadRequest("Le formulaire est mal formé.".into()));
    };
    let csrf = auth::check_public_csrf(&headers, values.get("csrf").map_or("", String::as_str))?;
    let now = state.clock.now();
    let refuse = |status: StatusCode, page: EventPage| -> Result<Response, WebError> {
        Ok((status, no_store(), Html(page.render()?)).into_response())
    };
    let ip_key = format!("evenement-ip:{ip}");
    if state
        .store
        .login_failures(&ip_key, now.timestamp() - 3600)
        .await?
        >= MAX_PER_IP_HOUR
    {
        let e = Invalid::new(
            "limite",
            "Beaucoup d'inscriptions sont parties de cette connexion en une heure. Réessayez dans une heure, ou appelez la Mission Locale.",
        );
        let p = page(&state, &a, csrf, keep(&values), vec![e]).await?;
        let mut r = refuse(StatusCode::TOO_MANY_REQUESTS, p)?;
        r.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from_static("3600"),
        );
        return Ok(r);
    }
    state
        .store
        .record_login_failure(&[ip_key], now.timestamp())
        .await?;
    // A robot filled the hidden field: the usual answer, nothing stored.
    if values.get("site_web").is_some_and(|v| !v.trim().is_empty()) {
        let done = DonePage {
            layout: Layout::new(&state, "/evenements"),
            id: a.id,
            title: a.title.clone(),
            when: events::when(&a),
            waiting: false,
            by_mail: false,
            cancel: events::cancel_url(&state, &secrets::random_token()),
        };
        return Ok((no_store(), Html(done.render()?)).into_response());
    }
    let picked = values.get("commune_choisie").map_or("", |v| v.trim());
    let typed_commune = values.get("commune").map_or("", |v| v.trim());
    let commune = typed::commune(
        &state,
        if picked.is_empty() {
            typed_commune
        } else {
            picked
        },
        "votre commune",
    );
    let get = |k: &str| match (k, &commune) {
        ("commune", Ok(code)) => code.clone(),
        ("commune", Err(_)) => String::new(),
        _ => values.get(k).cloned().unwrap_or_default(),
    };
    let parsed = RegistrationInput::parse(&get, a.guardian_required, &|c| {
        state.refs.communes.exists(c)
    });
    let input = match (parsed, commune) {
        (Ok(input), Ok(_)) => input,
        (parsed, commune) => {
            let mut errors = parsed.err().unwrap_or_default();
            let mut choices = Vec::new();
            if let Err(unclear) = commune {
                errors.retain(|e| e.field != "commune");
                errors.push(Invalid::new("commune", unclear.message));
                choices = unclear.choices;
            }
            let mut kept = keep(&values);
            if let Some(p) = kept
                .remove("commune_choisie")
                .filter(|p| !p.trim().is_empty())
            {
                kept.insert("commune".into(), p);
            }
            let mut p = page(&state, &a, csrf, kept, errors).await?;
            p.commune_choices = choices;
            return refuse(StatusCode::BAD_REQUEST, p);
        }
    };
    let (token, hash) = events::cancel_link();
    let status = match state.store.register(a.id, &input, &hash, now).await {
        Ok((_, status)) => status,
        Err(StoreError::Invalid(e)) => {
            let p = page(&state, &a, csrf, keep(&values), vec![e]).await?;
            return refuse(StatusCode::CONFLICT, p);
        }
        Err(e) => return Err(e.into()),
    };
    let fresh = state.store.activity(a.id).await?.unwrap_or(a);
    events::registered(&state, &fresh, &input, status, &token, now).await?;
    let done = DonePage {
        layout: Layout::new(&state, "/evenements"),
        id: fresh.id,
        title: fresh.title.clone(),
        when: events::when(&fresh),
        waiting: status == RegistrationStatus::Attente,
        by_mail: input.email.is_some(),
        cancel: events::cancel_url(&state, &token),
    };
    Ok((no_store(), Html(done.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "features/evenements/templates/cancel.html")]
struct CancelPage {
    layout: Layout,
    token: String,
    csrf: String,
    title: String,
    when: String,
    name: String,
    status: &'static str,
    done: bool,
}

async fn by_token(
    state: &AppState,
    token: &str,
) -> Result<(tremplin_storage::Registration, Activity), WebError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WebError::NotFound);
    }
    let r = state
        .store
        .registration_by_cancel_link(&secrets::token_hash(token))
        .await?
        .ok_or(WebError::NotFound)?;
    let a = state
        .store
        .activity(r.activity_id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((r, a))
}

/// The link opens a page with one button: mail scanners that open links cancel nothing.
pub(super) async fn cancel_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (r, a) = by_token(&state, &token).await?;
    let (csrf, cookie) = auth::public_csrf(&state, &headers);
    let page = CancelPage {
        layout: Layout::new(&state, "/evenements"),
        token,
        csrf,
        title: a.title.clone(),
        when: events::when(&a),
        name: r.first_name.clone(),
        status: r.status.label(),
        done: r.status == RegistrationStatus::Annule,
    };
    Ok((
        [(header::SET_COOKIE, cookie)],
        no_store(),
        Html(page.render()?),
    )
        .into_response())
}

#[derive(serde::Deserialize)]
pub(super) struct CancelForm {
    #[serde(default)]
    csrf: String,
}

pub(super) async fn cancel(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(f): Form<CancelForm>,
) -> Result<Response, WebError> {
    let (r, a) = by_token(&state, &token).await?;
    let csrf = auth::check_public_csrf(&headers, &f.csrf)?;
    events::cancelled(&state, &r, state.clock.now()).await?;
    let page = CancelPage {
        layout: Layout::new(&state, "/evenements"),
        token,
        csrf,
        title: a.title.clone(),
        when: events::when(&a),
        name: r.first_name.clone(),
        status: RegistrationStatus::Annule.label(),
        done: true,
    };
    Ok((no_store(), Html(page.render()?)).into_response())
}
