//! The young person's private follow-up page (`/c/{code}`, and the long links of older
//! e-mails, `/candidature/{token}`), withdrawing (which erases the application, after a
//! confirmation step), and the link's QR code.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::Duration;
use serde::Deserialize;
use tremplin_domain::application::ApplicationStatus;
use tremplin_domain::{ClosingReason, NOT_A_REFUSAL};
use tremplin_storage::applications::Application;

use crate::services::catalogue::{self, OfferView};
use crate::services::secrets;
use crate::shell::Layout;
use crate::shell::auth::ClientIp;
use crate::shell::dates::{french_day, paris_today};
use crate::{AppState, WebError};

const UNDELIVERED: &str = "Nous n'avons pas pu l'envoyer à l'employeur. La Mission Locale est prévenue et va la lui transmettre, ou vous recontacter.";
const UNDELIVERED_STEP: &str = "Déposée, mais l'e-mail à l'employeur n'a pas pu partir";

/// How the Mission Locale is reached, from the territory's settings.
pub(super) struct Reach {
    pub name: String,
    pub phone: Option<(String, String)>,
    pub hours: Option<String>,
    pub email: Option<String>,
}

impl Reach {
    fn of(state: &AppState) -> Self {
        let t = state.territory();
        let phone = t.as_ref().and_then(|t| t.phone.clone()).map(|p| {
            let digits: String = p.chars().filter(char::is_ascii_digit).collect();
            let link = match digits.strip_prefix('0') {
                Some(rest) if digits.len() == 10 => format!("+33{rest}"),
                _ => digits,
            };
            (p, link)
        });
        Self {
            name: t
                .as_ref()
                .map_or_else(|| "Mission Locale".to_owned(), |t| t.name.clone()),
            phone,
            hours: t.as_ref().and_then(|t| t.opening_hours.clone()),
            email: t.and_then(|t| t.contact_email),
        }
    }
}

#[derive(Template)]
#[template(path = "features/candidatures/templates/suivi.html")]
pub(super) struct FollowPage {
    layout: Layout,
    /// This page's own path: the withdrawal form posts to it.
    path: String,
    title: String,
    company: String,
    offer_path: String,
    sent: String,
    status: String,
    /// The offer closed: the page says so, and that it is not a refusal.
    not_a_refusal: Option<&'static str>,
    /// The mail to the employer could never be sent: the page does not say "envoyée".
    undelivered: bool,
    reason: Option<String>,
    waiting_long: bool,
    steps: Vec<(String, String)>,
    similar: Vec<OfferView>,
    search: String,
    reach: Reach,
    depuis: &'static str,
    carpool: super::carpool::FollowCarpool,
}

/// Which link the young person came with.
pub(super) enum Key<'a> {
    Code(&'a str),
    Token(&'a str),
}

/// The application behind a follow-up link. A wrong link counts against the address that
/// tried it: past [`secrets::CODE_MISSES_PER_HOUR`] in an hour, every link answers 429, so
/// codes cannot be guessed by trying them all.
pub(super) async fn find(
    state: &AppState,
    ip: &str,
    key: Key<'_>,
) -> Result<Result<Application, Response>, WebError> {
    let now = state.clock.now();
    let ip_key = format!("suivi-ip:{ip}");
    if state
        .store
        .login_failures(&ip_key, now.timestamp() - 3600)
        .await?
        >= secrets::CODE_MISSES_PER_HOUR
    {
        let mut r = crate::error::error_page(
            StatusCode::TOO_MANY_REQUESTS,
            "Trop d'essais",
            "Beaucoup de liens de suivi inconnus ont été essayés depuis cette connexion. Réessayez dans une heure, ou appelez la Mission Locale.".into(),
        );
        r.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from_static("3600"),
        );
        return Ok(Err(r));
    }
    let hash = match key {
        Key::Code(c) => secrets::normalize_code(c).map(|c| secrets::token_hash(&c)),
        Key::Token(t) => Some(secrets::token_hash(t)),
    };
    let found = match hash {
        Some(h) => state.store.application_by_follow_link(&h).await?,
        None => None,
    };
    match found {
        Some(a) => Ok(Ok(a)),
        None => {
            state
                .store
                .record_login_failure(&[ip_key], now.timestamp())
                .await?;
            Err(WebError::NotFound)
        }
    }
}

pub(super) async fn follow_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    match find(&state, &ip, Key::Code(&code)).await? {
        Ok(a) => page(&state, a, format!("/c/{code}")).await,
        Err(r) => Ok(r),
    }
}

pub(super) async fn follow_token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    match find(&state, &ip, Key::Token(&token)).await? {
        Ok(a) => page(&state, a, format!("/candidature/{token}")).await,
        Err(r) => Ok(r),
    }
}

async fn page(state: &AppState, a: Application, path: String) -> Result<Response, WebError> {
    page_with(state, a, path, None).await
}

/// The follow-up page; `carpool_error` when a car-pool change was refused (a 400).
pub(super) async fn page_with(
    state: &AppState,
    a: Application,
    path: String,
    carpool_error: Option<String>,
) -> Result<Response, WebError> {
    let offer = state
        .store
        .get_offer(a.offer_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let now = state.clock.now();
    let status = a.status;
    let undelivered =
        status == ApplicationStatus::Envoyee && state.store.application_mail_failed(a.id).await?;
    // The offer closed under the application (filled, withdrawn, expired): that is what the
    // page says, as the e-mail does, not "profil non retenu".
    let closed = (status == ApplicationStatus::NonRetenue)
        .then(|| {
            a.answer_reason
                .as_deref()
                .and_then(ClosingReason::from_phrase)
        })
        .flatten()
        .filter(|r| ClosingReason::of(offer.status) == Some(*r));
    let steps = state
        .store
        .application_events(a.id)
        .await?
        .into_iter()
        .map(|(at, s)| {
            let label = match ApplicationStatus::from_db(&s) {
                Some(ApplicationStatus::Envoyee) if undelivered => UNDELIVERED_STEP.to_owned(),
                Some(ApplicationStatus::NonRetenue) if closed.is_some() => {
                    "L'offre n'est plus disponible".to_owned()
                }
                Some(x) => x.label().to_owned(),
                None => "?".to_owned(),
            };
            (french_day(paris_today(at)), label)
        })
        .collect();
    let (similar, search) = catalogue::similar(state, &offer, 3).await?;
    let refused = carpool_error.is_some();
    let page = FollowPage {
        carpool: super::carpool::follow_box(state, &a, carpool_error).await?,
        layout: Layout::new(state, "/candidature"),
        path,
        title: offer.fields.title.clone(),
        company: offer.fields.company_name.clone(),
        offer_path: format!("/offres/{}", offer.id),
        sent: french_day(paris_today(a.created_at)),
        status: match closed {
            Some(r) => r.applicant_status(),
            None if undelivered => UNDELIVERED.to_owned(),
            None => status.label().to_owned(),
        },
        not_a_refusal: closed.map(|_| NOT_A_REFUSAL),
        undelivered,
        reason: a.answer_reason.clone().filter(|_| closed.is_none()),
        waiting_long: matches!(status, ApplicationStatus::Envoyee | ApplicationStatus::Vue)
            && now - a.created_at >= Duration::days(7),
        steps,
        similar,
        search,
        reach: Reach::of(state),
        depuis: "",
    };
    let status = if refused {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "features/candidatures/templates/withdraw_confirm.html")]
pub(super) struct ConfirmPage {
    layout: Layout,
    path: String,
    title: String,
}

#[derive(Template)]
#[template(path = "features/candidatures/templates/withdrawn.html")]
pub(super) struct WithdrawnPage {
    layout: Layout,
}

#[derive(Deserialize, Default)]
pub(super) struct WithdrawForm {
    #[serde(default)]
    confirmer: String,
}

pub(super) async fn withdraw_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    match find(&state, &ip, Key::Code(&code)).await? {
        Ok(a) => withdraw(&state, a, format!("/c/{code}"), &body).await,
        Err(r) => Ok(r),
    }
}

pub(super) async fn withdraw_token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    match find(&state, &ip, Key::Token(&token)).await? {
        Ok(a) => withdraw(&state, a, format!("/candidature/{token}"), &body).await,
        Err(r) => Ok(r),
    }
}

/// The follow-up page's button asks first (a page, so that it works without JavaScript);
/// the confirmation's button erases the application, with its CV and its messages.
async fn withdraw(
    state: &AppState,
    a: Application,
    path: String,
    body: &[u8],
) -> Result<Response, WebError> {
    // A body that does not read is no confirmation: the question is asked.
    let confirmed =
        serde_urlencoded::from_bytes::<WithdrawForm>(body).is_ok_and(|f| f.confirmer == "oui");
    if !confirmed {
        let title = state
            .store
            .get_offer(a.offer_id)
            .await?
            .map(|o| o.fields.title)
            .unwrap_or_default();
        let page = ConfirmPage {
            layout: Layout::new(state, "/candidature"),
            path,
            title,
        };
        return Ok(Html(page.render()?).into_response());
    }
    if let Some(cv) = state.store.delete_application(a.id).await? {
        crate::services::uploads::delete_cv(&state.media, &cv).await;
    }
    let page = WithdrawnPage {
        layout: Layout::new(state, "/candidature"),
    };
    Ok(Html(page.render()?).into_response())
}

/// The follow-up link as a QR code (SVG), to keep it on another phone or print it. Any
/// well-formed code gets its picture without a lookup: the picture tells nothing a guess
/// did not already hold.
pub(super) async fn qr(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let code = secrets::normalize_code(&code).ok_or(WebError::NotFound)?;
    let svg = qr_svg(&format!("{}/c/{code}", state.config.public_url))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        svg,
    )
        .into_response())
}

pub(super) fn qr_svg(link: &str) -> Result<String, WebError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| WebError::Internal(format!("QR code : {e}")))?;
    Ok(code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}
