//! The trade pages (`/metiers/{code ROME}`): what the job is (the ROME label and the Mission
//! Locale's own text), its films with captions and transcript, the open offers near the young
//! person, the diplomas that lead to it and the centres teaching them, what an apprentice
//! earns at each age, and the trade's upcoming events. The back office (`/gestion/metiers`)
//! writes the text, adds the films and says which events belong to the trade.
//!
//! Films are about companies and their work, not about people: no personal data is kept. A
//! film showing a young person is a portrait, with its consents: that is the pépites, not here.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use axum::routing::{get, post};
use tremplin_domain::CodeRome;
use tremplin_domain::pay::{euros, first_year_by_age, percent};
use tremplin_domain::pepite::Captions;
use tremplin_search::Sort;
use tremplin_storage::TradeFilm;

use crate::services::catalogue::{self, CatalogueQuery, Near, OfferView};
use crate::services::media::{self, Caching, MediaKey, mime_of};
use crate::services::{events, trajets, typed};
use crate::shell::Layout;
use crate::{AppState, WebError};

mod films;
mod gestion;

/// The largest body the film upload reads (the territory's video limit is checked on the
/// content, with a French message).
const MAX_UPLOAD_BYTES: usize = 400 * 1024 * 1024;

/// How far the trade's offers are looked for around the young person's commune.
const RADIUS_KM: u32 = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/metiers/{code}", get(metier))
        .route("/metiers/{code}/films/{id}/{slot}", get(film_media))
        .route("/gestion/metiers", get(gestion::list))
        .route(
            "/gestion/metiers/{code}",
            get(gestion::edit).post(gestion::save_text),
        )
        .route(
            "/gestion/metiers/{code}/films",
            post(films::add).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route(
            "/gestion/metiers/{code}/films/{id}/publier",
            post(gestion::publish),
        )
        .route(
            "/gestion/metiers/{code}/films/{id}/supprimer",
            post(gestion::delete),
        )
        .route(
            "/gestion/metiers/{code}/films/{id}/apercu/{slot}",
            get(gestion::preview),
        )
        .route(
            "/gestion/metiers/{code}/evenements",
            post(gestion::save_events),
        )
}

/// A ROME code of the referential, with its label; anything else is a 404.
pub(crate) fn trade(state: &AppState, code: &str) -> Result<(CodeRome, String), WebError> {
    let rome = CodeRome::parse(code).map_err(|_| WebError::NotFound)?;
    let label = state
        .refs
        .rome
        .label(rome.as_str())
        .ok_or(WebError::NotFound)?
        .to_owned();
    Ok((rome, label))
}

/// A film as the pages show it.
pub(crate) struct FilmView {
    pub id: i64,
    pub title: String,
    pub company: String,
    /// The uploaded video's media type; None for a hosted video.
    pub video_mime: Option<String>,
    pub hosted_url: Option<String>,
    pub poster: bool,
    pub published: bool,
    pub transcript: Vec<String>,
}

pub(crate) async fn film_view(state: &AppState, f: &TradeFilm) -> FilmView {
    let transcript = match MediaKey::parse(&f.captions_key) {
        Some(key) => match state.media.get(&key).await {
            Ok(Some(b)) => Captions::parse(&String::from_utf8_lossy(&b), u64::MAX)
                .map(|c| c.transcript())
                .unwrap_or_default(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    FilmView {
        id: f.id,
        title: f.title.clone(),
        company: f.company.clone(),
        video_mime: f.video_key.as_ref().map(|_| {
            f.video_mime
                .clone()
                .unwrap_or_else(|| "video/mp4".to_owned())
        }),
        hosted_url: f.hosted_url.clone(),
        poster: f.poster_key.is_some(),
        published: f.published,
        transcript,
    }
}

/// The key in a slot named in an address.
pub(crate) fn slot_key(f: &TradeFilm, slot: &str) -> Option<MediaKey> {
    match slot {
        "video" => f.video_key.clone(),
        "affiche" => f.poster_key.clone(),
        "sous-titres" => Some(f.captions_key.clone()),
        _ => None,
    }
    .and_then(|k| MediaKey::parse(&k))
}

struct CentreView {
    name: String,
    commune: String,
    website: Option<String>,
    /// « 12 km à vol d'oiseau, ≈ 15 min en voiture » from the young person's commune.
    distance: Option<String>,
}

struct DiplomaView {
    label: String,
    centres: Vec<CentreView>,
}

struct PayRow {
    label: &'static str,
    rate: String,
    gross: String,
    net: String,
}

struct EventView {
    id: i64,
    title: String,
    when: String,
    place: String,
    audience: String,
}

#[derive(Template)]
#[template(path = "features/metiers/templates/metier.html")]
struct MetierPage {
    layout: Layout,
    code: String,
    label: String,
    own_text: Vec<String>,
    films: Vec<FilmView>,
    total: usize,
    offers: Vec<OfferView>,
    /// The young person's commune: (name, how links name it).
    home: Option<(String, String)>,
    commune_problem: Option<typed::Unclear>,
    depuis: String,
    diplomas: Vec<DiplomaView>,
    pay: Vec<PayRow>,
    /// Why the pay table is missing (no rule for today), said plainly.
    pay_missing: Option<String>,
    pay_start: String,
    events: Vec<EventView>,
}

#[derive(serde::Deserialize, Default)]
struct Params {
    commune: Option<String>,
}

async fn metier(
    State(state): State<AppState>,
    Path(code): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, WebError> {
    let (rome, label) = trade(&state, &code)?;
    let params: Params =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
    let (home, commune_problem) = match params.commune.as_deref().map(str::trim) {
        Some(typed_commune) if !typed_commune.is_empty() => {
            match typed::commune(&state, typed_commune, "ta commune") {
                Ok(c) => (state.refs.communes.get(&c), None),
                Err(u) => (None, Some(u)),
            }
        }
        _ => (None, None),
    };
    let own_text = state
        .store
        .trade_text(rome.as_str())
        .await?
        .map(|(t, _)| {
            t.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut films = Vec::new();
    for f in state.store.trade_films(rome.as_str(), true).await? {
        films.push(film_view(&state, &f).await);
    }
    // Every open offer of the trade: its diplomas; near the commune when one is given.
    let all = catalogue::run(
        &state,
        &CatalogueQuery {
            rome: vec![rome.clone()],
            sort: Sort::Date,
            per_page: 100,
            ..Default::default()
        },
    )
    .await?;
    let near = home.map(Near::from);
    let nearby = match &near {
        Some(n) => Some(
            catalogue::run(
                &state,
                &CatalogueQuery {
                    rome: vec![rome.clone()],
                    near: Some(n.clone()),
                    radius_km: RADIUS_KM,
                    sort: Sort::Distance,
                    per_page: 100,
                    ..Default::default()
                },
            )
            .await?,
        ),
        None => None,
    };
    let shown = nearby.as_ref().unwrap_or(&all);
    let approx = near.as_ref().is_some_and(|n| n.approximate);
    let offers: Vec<OfferView> = shown
        .offers
        .iter()
        .map(|(o, d)| catalogue::view(&state, o, *d, approx))
        .collect();
    let mut labels: Vec<String> = Vec::new();
    for (o, _) in &all.offers {
        if let Some(d) = o.fields.diploma_label.as_deref().map(str::trim)
            && !d.is_empty()
            && !labels
                .iter()
                .any(|l| tremplin_referentiels::fold(l) == tremplin_referentiels::fold(d))
        {
            labels.push(d.to_owned());
        }
    }
    labels.sort();
    let rules = trajets::travel_rules(&state).await?;
    let mut diplomas = Vec::new();
    for label in labels {
        let centres = trajets::centres_teaching(
            &state,
            &label,
            home.map(|h| (h.lat, h.lon)),
            trajets::NEAREST_CFAS,
        )
        .await?
        .into_iter()
        .map(|c| CentreView {
            distance: home.zip(c.point).map(|(h, p)| {
                let t = trajets::trip(h, p, rules.as_ref());
                match t.time {
                    Some(m) => format!("{}, {m}", t.crow),
                    None => t.crow,
                }
            }),
            name: c.centre.name,
            commune: c.commune_name,
            website: c.centre.website,
        })
        .collect();
        diplomas.push(DiplomaView { label, centres });
    }
    let today = crate::shell::dates::paris_today(state.clock.now());
    let pay_rules = crate::services::simulateur::rules(&state).await?;
    let (pay, pay_missing) = match first_year_by_age(&pay_rules, today) {
        Ok(rows) => (
            rows.into_iter()
                .map(|r| PayRow {
                    label: r.label,
                    rate: percent(r.rate * 100.0),
                    gross: euros(r.gross),
                    net: euros(r.net),
                })
                .collect(),
            None,
        ),
        Err(e) => (Vec::new(), Some(e.message)),
    };
    let events = state
        .store
        .trade_activities(rome.as_str(), state.clock.now())
        .await?
        .into_iter()
        .map(|a| EventView {
            id: a.id,
            when: events::when(&a),
            place: events::place(&state, &a),
            title: a.title,
            audience: a.audience,
        })
        .collect();
    let depuis = near
        .as_ref()
        .map(|n| {
            format!(
                "?{}",
                serde_urlencoded::to_string([("commune", n.key.as_str())]).unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let page = MetierPage {
        layout: Layout::new(&state, &format!("/metiers/{rome}")),
        code: rome.to_string(),
        label,
        own_text,
        films,
        total: shown.total,
        offers,
        home: near.as_ref().map(|n| (n.name.clone(), n.key.clone())),
        commune_problem,
        depuis,
        diplomas,
        pay,
        pay_missing,
        pay_start: crate::shell::dates::french_day(today),
        events,
    };
    Ok(Html(page.render()?))
}

/// A published film's file; an unpublished, removed or unknown one is 404 to everyone here
/// (counselors preview theirs in the back office).
async fn film_media(
    State(state): State<AppState>,
    Path((code, id, slot)): Path<(String, i64, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (rome, _) = trade(&state, &code)?;
    let film = state
        .store
        .trade_film(id)
        .await?
        .filter(|f| f.published && f.rome == rome.as_str())
        .ok_or(WebError::NotFound)?;
    let key = slot_key(&film, &slot).ok_or(WebError::NotFound)?;
    // Not kept by browsers: a film taken down must not stay in anyone's cache.
    Ok(media::respond(
        &state.media,
        &key,
        mime_of(key.as_str()),
        &headers,
        Caching::Private,
    )
    .await)
}
