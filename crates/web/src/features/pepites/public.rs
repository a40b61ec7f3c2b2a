//! What employers see: the current pépites (filter by trade and area), each one's page with
//! its video, captions and transcript, and « Je souhaite rencontrer… », which goes to the
//! counselor, never to the young person. Pages are `noindex`; files of a pépite that is not
//! published answer 404 to everyone but counselors (who preview them in the back office).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use tremplin_domain::pepite::Captions;
use tremplin_domain::{Email, Invalid, Siret, Telephone, check_text};
use tremplin_storage::{NewMeetingRequest, Pepite};

use super::Shown;
use super::uploads::{mime_of, slot_key};
use crate::services::media::{self, Caching, MediaKey};
use crate::services::{pepites, relays, typed};
use crate::shell::Layout;
use crate::shell::auth::{self, ClientIp};
use crate::{AppState, WebError};

/// Requests from one connection in an hour, whoever sends them.
const MAX_PER_IP_HOUR: i64 = 20;

struct Card {
    shown: Shown,
    poster: bool,
}

#[derive(Template)]
#[template(path = "features/pepites/templates/list.html")]
struct ListPage {
    layout: Layout,
    cards: Vec<Card>,
    trades: Vec<(String, String)>,
    areas: Vec<String>,
    trade: String,
    area: String,
}

#[derive(serde::Deserialize, Default)]
pub(super) struct Filter {
    #[serde(default)]
    metier: String,
    #[serde(default)]
    zone: String,
}

pub(super) async fn list(
    State(state): State<AppState>,
    Query(f): Query<Filter>,
) -> Result<Html<String>, WebError> {
    let today = state.clock.now().date_naive();
    let all = state.store.published_pepites().await?;
    let mut trades: Vec<(String, String)> = Vec::new();
    let mut areas: Vec<String> = Vec::new();
    for p in &all {
        for c in p.trade_codes() {
            let label = state
                .refs
                .rome
                .get(c.as_str())
                .map_or_else(|| c.to_string(), |m| m.label.clone());
            if !trades.iter().any(|(code, _)| code == c.as_str()) {
                trades.push((c.to_string(), label));
            }
        }
        if !areas.contains(&p.area_name) {
            areas.push(p.area_name.clone());
        }
    }
    trades.sort_by(|a, b| a.1.cmp(&b.1));
    areas.sort();
    // The week's pépites first.
    let week = super::gestion::this_week(&state);
    let mut shown: Vec<&Pepite> = all
        .iter()
        .filter(|p| f.metier.is_empty() || p.trades.split_whitespace().any(|t| t == f.metier))
        .filter(|p| f.zone.is_empty() || p.area_name == f.zone)
        .collect();
    shown.sort_by_key(|p| p.featured_week.as_deref() != Some(week.as_str()));
    let cards = shown
        .into_iter()
        .map(|p| Card {
            shown: Shown::of(&state, p, today),
            poster: p.poster_key.is_some(),
        })
        .collect();
    let page = ListPage {
        layout: Layout::new(&state, "/pepites"),
        cards,
        trades,
        areas,
        trade: f.metier,
        area: f.zone,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "features/pepites/templates/page.html")]
pub(super) struct PepitePage {
    layout: Layout,
    shown: Shown,
    video_mime: String,
    light: bool,
    poster: bool,
    transcript: Vec<String>,
    csrf: String,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
    sent: bool,
    /// Its 1200×630 card and the card's alternative text, for link previews, while it may
    /// be relayed.
    card: Option<(String, String)>,
}

impl PepitePage {
    fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }
    fn err(&self, k: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == k)
            .map(|e| e.message.as_str())
    }
}

async fn published(state: &AppState, id: i64) -> Result<Pepite, WebError> {
    state
        .store
        .pepite(id)
        .await?
        .filter(Pepite::is_published)
        .ok_or(WebError::NotFound)
}

async fn pepite_page(
    state: &AppState,
    p: &Pepite,
    csrf: String,
    values: HashMap<String, String>,
    errors: Vec<Invalid>,
) -> Result<PepitePage, WebError> {
    let transcript = match p.captions_key.as_deref().and_then(MediaKey::parse) {
        Some(key) => match state.media.get(&key).await {
            Ok(Some(b)) => Captions::parse(&String::from_utf8_lossy(&b), u64::MAX)
                .map(|c| c.transcript())
                .unwrap_or_default(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    let card = if relays::pepites::relayable(state, p).await? {
        Some((
            format!(
                "{}/pepites/{}/carte.png?format=lien",
                state.config.public_url, p.id
            ),
            relays::pepites::alt_text(&relays::pepites::card(state, p)),
        ))
    } else {
        None
    };
    Ok(PepitePage {
        layout: Layout::new(state, &format!("/pepites/{}", p.id)),
        shown: Shown::of(state, p, state.clock.now().date_naive()),
        video_mime: p.video_mime.clone().unwrap_or_else(|| "video/mp4".into()),
        light: p.light_key.is_some(),
        poster: p.poster_key.is_some(),
        transcript,
        csrf,
        values,
        errors,
        sent: false,
        card,
    })
}

pub(super) async fn page(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let p = published(&state, id).await?;
    state.store.count_pepite_view(id).await?;
    let (csrf, cookie) = auth::public_csrf(&state, &headers);
    let body = pepite_page(&state, &p, csrf, HashMap::new(), Vec::new())
        .await?
        .render()?;
    Ok(([(header::SET_COOKIE, cookie)], Html(body)).into_response())
}

/// A published pépite's file; anything else (not published, ended, unknown) is 404.
pub(super) async fn media(
    State(state): State<AppState>,
    Path((id, slot)): Path<(i64, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let p = published(&state, id).await?;
    let key = slot_key(&p, &slot)
        .and_then(|k| MediaKey::parse(&k))
        .ok_or(WebError::NotFound)?;
    // Not kept by browsers: a withdrawn portrait must not stay in anyone's cache.
    Ok(media::respond(
        &state.media,
        &key,
        mime_of(key.as_str()),
        &headers,
        Caching::Private,
    )
    .await)
}

/// The employer's request, checked: every error at once, in French.
fn check(state: &AppState, v: &HashMap<String, String>) -> Result<NewMeetingRequest, Vec<Invalid>> {
    let get = |k: &str| v.get(k).map_or("", |s| s.trim()).to_owned();
    let mut errors = Vec::new();
    let mut text = |field: &'static str, label: &str, value: &str, max: usize, multiline: bool| {
        if let Err(e) = check_text(field, label, value, multiline) {
            errors.push(e);
        } else if value.is_empty() || value.chars().count() > max {
            errors.push(Invalid::new(
                field,
                format!("Indiquez « {label} » ({max} caractères au plus)."),
            ));
        }
    };
    let (company, name, message) = (get("entreprise"), get("nom"), get("message"));
    text("entreprise", "nom de l'entreprise", &company, 120, false);
    text("nom", "votre nom", &name, 80, false);
    text("message", "votre message", &message, 2000, true);
    let commune = match typed::commune(state, &get("commune"), "la commune de l'entreprise") {
        Ok(code) => code,
        Err(u) => {
            errors.push(Invalid::new("commune", u.message));
            String::new()
        }
    };
    let siret = match get("siret").replace(' ', "").as_str() {
        "" => None,
        raw => match Siret::parse(raw) {
            Ok(s) => Some(s.as_str().to_owned()),
            Err(e) => {
                errors.push(Invalid::new("siret", e.message));
                None
            }
        },
    };
    let phone = match get("telephone").as_str() {
        "" => None,
        raw => match Telephone::parse(raw) {
            Ok(t) => Some(t.as_str().to_owned()),
            Err(e) => {
                errors.push(Invalid::new("telephone", e.message));
                None
            }
        },
    };
    let email = match get("email").as_str() {
        "" => None,
        raw => match Email::parse(raw) {
            Ok(e) => Some(e.as_str().to_lowercase()),
            Err(e) => {
                errors.push(Invalid::new("email", e.message));
                None
            }
        },
    };
    if phone.is_none()
        && email.is_none()
        && !errors
            .iter()
            .any(|e| e.field == "telephone" || e.field == "email")
    {
        errors.push(Invalid::new(
            "telephone",
            "Indiquez un téléphone ou un e-mail, pour que la Mission Locale vous réponde.",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let sender_key = email.clone().or_else(|| phone.clone()).unwrap_or_default();
    Ok(NewMeetingRequest {
        company_name: company,
        commune_code: commune,
        siret,
        contact_name: name,
        phone,
        email,
        message,
        sender_key,
    })
}

pub(super) async fn request(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let p = published(&state, id).await?;
    let csrf = auth::check_public_csrf(&headers, values.get("csrf").map_or("", String::as_str))?;
    let keep: HashMap<String, String> = values
        .iter()
        .filter(|(k, _)| k.as_str() != "csrf")
        .map(|(k, v)| (k.clone(), v.chars().take(2000).collect()))
        .collect();
    let again = |status: StatusCode, errors: Vec<Invalid>| {
        let (state, p, csrf, keep) = (&state, &p, csrf.clone(), keep.clone());
        async move {
            Ok::<_, WebError>(
                (
                    status,
                    Html(pepite_page(state, p, csrf, keep, errors).await?.render()?),
                )
                    .into_response(),
            )
        }
    };
    let now = state.clock.now();
    let ip_key = format!("pepite-ip:{ip}");
    if state
        .store
        .login_failures(&ip_key, now.timestamp() - 3600)
        .await?
        >= MAX_PER_IP_HOUR
    {
        let e = Invalid::new(
            "limite",
            "Beaucoup de demandes sont parties de cette connexion en une heure. Réessayez dans une heure, ou appelez la Mission Locale.",
        );
        return again(StatusCode::TOO_MANY_REQUESTS, vec![e]).await;
    }
    state
        .store
        .record_login_failure(&[ip_key], now.timestamp())
        .await?;
    let mut done = pepite_page(&state, &p, csrf.clone(), HashMap::new(), Vec::new()).await?;
    done.sent = true;
    // A robot filled the hidden field: the usual answer, nothing stored.
    if values.get("site_web").is_some_and(|v| !v.trim().is_empty()) {
        return Ok(Html(done.render()?).into_response());
    }
    let r = match check(&state, &values) {
        Ok(r) => r,
        Err(errors) => return again(StatusCode::BAD_REQUEST, errors).await,
    };
    if let Err(e) = state.store.create_meeting_request(id, &r, now).await {
        return match e {
            tremplin_storage::StoreError::Invalid(i) => {
                again(StatusCode::TOO_MANY_REQUESTS, vec![i]).await
            }
            e => Err(e.into()),
        };
    }
    if let Some(to) = pepites::counselor_email(&state, &p).await? {
        let commune = state
            .refs
            .communes
            .get(&r.commune_code)
            .map_or_else(|| r.commune_code.clone(), |c| c.name.clone());
        let contact = [r.phone.as_deref(), r.email.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        let text = format!(
            "Bonjour,\n\n{} ({commune}{}) souhaite rencontrer {} (pépite n° {id}).\n\nContact : {} – {contact}\nMessage :\n{}\n\nLa demande et sa suite : {}/gestion/pepites/{id}#demandes\n",
            r.company_name,
            r.siret
                .as_deref()
                .map_or_else(String::new, |s| format!(", SIRET {s}")),
            p.display_name,
            r.contact_name,
            r.message,
            state.config.public_url
        );
        state
            .store
            .enqueue_mail(
                &to,
                &format!("Une entreprise souhaite rencontrer {}", p.display_name),
                &text,
                None,
                now,
            )
            .await?;
    }
    Ok(Html(done.render()?).into_response())
}
