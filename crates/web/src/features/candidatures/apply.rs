//! The application form and what happens when it is sent.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, FromRequest, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use tremplin_domain::application::{ApplicationInput, Mobility};
use tremplin_domain::{Invalid, Offer};

use crate::services::applications::deliver;
use crate::services::uploads::{self, FileField, MAX_CV_BYTES, Spooled, cv_kind, save_cv};
use crate::services::{reach, secrets, typed};
use crate::shell::Id;
use crate::shell::Layout;
use crate::shell::auth::{self, ClientIp};
use crate::{AppState, WebError};

/// Applications from one address in an hour, whoever sends them.
pub(super) const MAX_PER_IP_HOUR: i64 = 30;

#[derive(Template)]
#[template(path = "features/candidatures/templates/apply.html")]
pub(super) struct ApplyPage {
    layout: Layout,
    offer_id: i64,
    title: String,
    company: String,
    commune: String,
    csrf: String,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
    mobilities: Vec<(&'static str, &'static str)>,
    /// When the commune typed is ambiguous: the communes to pick from (radio buttons).
    commune_choices: Vec<typed::Choice>,
}

impl ApplyPage {
    fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }

    /// The message of the first error on field `k`, shown under it and named by its
    /// `aria-describedby`.
    fn err(&self, k: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == k)
            .map(|e| e.message.as_str())
    }

    /// Where the error summary's link for field `k` leads: the field itself (the first
    /// choice of a group); `None` for an error about no field (the hourly limit).
    fn anchor(&self, k: &str) -> Option<String> {
        match k {
            "mobilite" => self
                .mobilities
                .first()
                .map(|(code, _)| format!("mobilite-{code}")),
            "limite" => None,
            "covoiturage_parent" => Some("covoiturage_parent_email".to_owned()),
            k => Some(k.to_owned()),
        }
    }
}

/// The commune typed (or the one picked among the choices offered): its INSEE code, or why
/// there is none.
fn commune_typed(
    state: &AppState,
    values: &HashMap<String, String>,
) -> Result<String, typed::Unclear> {
    let picked = values.get("commune_choisie").map_or("", |v| v.trim());
    let typed = values.get("commune").map_or("", |v| v.trim());
    typed::commune(
        state,
        if picked.is_empty() { typed } else { picked },
        "votre commune",
    )
}

pub(super) async fn public_offer(state: &AppState, id: i64) -> Result<Offer, WebError> {
    state
        .store
        .get_offer(id)
        .await?
        .filter(|o| o.status.is_public())
        .ok_or(WebError::NotFound)
}

pub(super) fn page(
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
        commune_choices: Vec::new(),
    }
}

/// The channel that brought the young person to the offer, carried to the application.
#[derive(serde::Deserialize)]
pub(super) struct Via {
    via: Option<String>,
}

pub(super) async fn form(
    State(state): State<AppState>,
    Id(id): Id,
    Query(q): Query<Via>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let offer = public_offer(&state, id).await?;
    let (csrf, csrf_cookie) = auth::public_csrf(&state, &headers);
    let via = match q.via.as_deref() {
        Some(v) => reach::channel(&state, v).await?,
        None => None,
    };
    let values: HashMap<String, String> = via.map(|c| ("via".to_owned(), c)).into_iter().collect();
    let body = page(&state, &offer, csrf.clone(), values, Vec::new()).render()?;
    Ok(([(header::SET_COOKIE, csrf_cookie)], Html(body)).into_response())
}

#[derive(Template)]
#[template(path = "features/candidatures/templates/apply_done.html")]
pub(super) struct DonePage {
    layout: Layout,
    title: String,
    /// The short follow-up link, and its code (for the QR code's address).
    follow: String,
    code: String,
    by_mail: bool,
    by_sms: bool,
}

pub(super) async fn apply(
    State(state): State<AppState>,
    Id(id): Id,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    request: Request,
) -> Result<Response, WebError> {
    let offer = public_offer(&state, id).await?;
    let (values, upload) = read_form(&state, &headers, request).await?;
    let csrf = auth::check_public_csrf(&headers, values.get("csrf").map_or("", String::as_str))?;
    let now = state.clock.now();
    let ip_key = format!("candidature-ip:{ip}");
    if state
        .store
        .login_failures(&ip_key, now.timestamp() - 3600)
        .await?
        >= MAX_PER_IP_HOUR
    {
        // 429, and when to come back: the window is an hour, so by then the count is below.
        let e = Invalid::new(
            "limite",
            "Beaucoup de candidatures sont parties de cette connexion en une heure. Réessayez dans une heure, ou passez à la Mission Locale.",
        );
        let keep = values
            .iter()
            .filter(|(k, _)| k.as_str() != "csrf")
            .map(|(k, v)| (k.clone(), v.chars().take(2000).collect()))
            .collect();
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "3600")],
            Html(page(&state, &offer, csrf, keep, vec![e]).render()?),
        )
            .into_response());
    }
    state
        .store
        .record_login_failure(&[ip_key], now.timestamp())
        .await?;
    // A robot filled the hidden field: it gets the usual answer, and nothing is stored.
    if values.get("site_web").is_some_and(|v| !v.trim().is_empty()) {
        let code = secrets::short_code();
        let done = DonePage {
            layout: Layout::new(&state, "/offres"),
            title: offer.fields.title.clone(),
            follow: format!("{}/c/{code}", state.config.public_url),
            code,
            by_mail: false,
            by_sms: false,
        };
        return Ok(Html(done.render()?).into_response());
    }
    // A person types a commune's name or postcode, never its INSEE code: it is looked up
    // first, and an ambiguous one re-shows the form with a choice, everything else kept.
    let commune = commune_typed(&state, &values);
    let get = |k: &str| match (k, &commune) {
        ("commune", Ok(code)) => code.clone(),
        ("commune", Err(_)) => String::new(),
        _ => values.get(k).cloned().unwrap_or_default(),
    };
    let parsed =
        ApplicationInput::parse(&get, now.date_naive(), &|c| state.refs.communes.exists(c));
    // The car-pool opt-in is checked with the rest: a minor's without the guardian's
    // agreement stops everything, nothing is stored.
    let carpool = super::carpool::choice(&values, crate::shell::dates::paris_today(now));
    let input = match (parsed, commune, &carpool) {
        (Ok(input), Ok(_), Ok(_)) => input,
        (parsed, commune, carpool) => {
            let mut errors = parsed.err().unwrap_or_default();
            if let Err(e) = carpool {
                errors.push(e.clone());
            }
            let mut choices = Vec::new();
            if let Err(unclear) = commune {
                errors.retain(|e| e.field != "commune");
                errors.push(Invalid::new("commune", unclear.message));
                choices = unclear.choices;
            }
            if upload.is_some() {
                errors.push(Invalid::new(
                    "cv",
                    "Votre CV n'a pas pu être gardé : joignez-le à nouveau.",
                ));
            }
            let mut keep: HashMap<String, String> = values
                .iter()
                .filter(|(k, _)| k.as_str() != "csrf")
                .map(|(k, v)| (k.clone(), v.chars().take(2000).collect()))
                .collect();
            // A commune picked from a choice becomes what the field shows.
            if let Some(picked) = keep
                .remove("commune_choisie")
                .filter(|p| !p.trim().is_empty())
            {
                keep.insert("commune".into(), picked);
            }
            let mut shown = page(&state, &offer, csrf, keep, errors);
            shown.commune_choices = choices;
            return Ok((StatusCode::BAD_REQUEST, Html(shown.render()?)).into_response());
        }
    };
    let cv = match upload {
        None => None,
        Some(file) => match cv_kind(
            &file
                .bytes()
                .await
                .map_err(|e| WebError::Internal(e.to_string()))?,
        ) {
            Some((ext, mime)) => Some(save_cv(&state, file.path(), ext, mime, &input).await?),
            None => {
                let keep = values
                    .iter()
                    .filter(|(k, _)| k.as_str() != "csrf")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                let e = Invalid::new(
                    "cv",
                    "Le CV doit être un fichier PDF, Word (.docx) ou OpenDocument (.odt). Vous pouvez aussi postuler sans CV.",
                );
                return Ok((
                    StatusCode::BAD_REQUEST,
                    Html(page(&state, &offer, csrf, keep, vec![e]).render()?),
                )
                    .into_response());
            }
        },
    };
    let channel = match values.get("via") {
        Some(v) => reach::channel(&state, v).await?,
        None => None,
    };
    let delivered =
        match deliver(&state, &offer, &input, cv.as_ref(), channel.as_deref(), now).await? {
            Ok(d) => d,
            Err(e) => {
                if let Some(cv) = &cv {
                    crate::services::uploads::delete_cv(&state.media, &cv.path).await;
                }
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
        };
    if let Ok(Some(choice)) = carpool {
        crate::services::covoiturage::opt_in_application(
            &state,
            delivered.id,
            &offer,
            input.commune.as_str(),
            choice.minor,
            choice.guardian,
        )
        .await?;
    }
    let done = DonePage {
        layout: Layout::new(&state, "/offres"),
        title: offer.fields.title.clone(),
        follow: delivered.link,
        code: delivered.code,
        by_mail: input.email.is_some(),
        by_sms: delivered.by_sms,
    };
    Ok(Html(done.render()?).into_response())
}

/// The form's fields and the CV (spooled, 5 MB at most), from a multipart body (with a file)
/// or a plain one.
pub(super) async fn read_form(
    state: &AppState,
    headers: &HeaderMap,
    request: Request,
) -> Result<(HashMap<String, String>, Option<Spooled>), WebError> {
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let Form(values) = Form::<HashMap<String, String>>::from_request(request, state)
            .await
            .map_err(|_| WebError::BadRequest("Le formulaire est mal formé.".into()))?;
        return Ok((values, None));
    }
    let form = uploads::receive(state, request, "cv", MAX_CV_BYTES).await?;
    match form.file {
        FileField::TooLarge => Err(WebError::BadRequest(
            "Le CV dépasse 5 Mo : envoyez un fichier plus léger, ou postulez sans CV.".into(),
        )),
        FileField::Absent => Ok((form.values, None)),
        FileField::Kept(cv) => Ok((form.values, Some(cv))),
    }
}
