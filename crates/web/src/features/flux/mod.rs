//! Atom feeds, for feed readers, ENTs and partner sites that relay the catalogue:
//! `/editions.atom` (one entry an edition, with its new offers) and `/offres.atom?…` (the offers
//! of a search, with the search page's own parameters, newest first).

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, SecondsFormat, Utc};
use tremplin_search::Sort;
use tremplin_storage::EntryKind;

use crate::services::catalogue::{self, CatalogueQuery, ParamStyle};
use crate::shell::dates::french_date;
use crate::{AppState, WebError};

/// At most this many offers in a search's feed, and editions in the editions' feed.
const MAX_OFFERS: u32 = 50;
const MAX_EDITIONS: i64 = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editions.atom", get(editions))
        .route("/offres.atom", get(offers))
}

#[derive(Template)]
#[template(path = "features/flux/templates/feed.xml")]
struct Feed {
    id: String,
    title: String,
    updated: String,
    self_url: String,
    alternate: String,
    author: String,
    entries: Vec<Entry>,
}

struct Entry {
    id: String,
    title: String,
    updated: String,
    published: Option<String>,
    link: String,
    summary: String,
    /// HTML, escaped into the feed by the template.
    content: Option<String>,
}

/// The new offers of an edition, as the entry's content.
#[derive(Template)]
#[template(path = "features/flux/templates/edition_content.html")]
struct EditionContent {
    offers: Vec<(String, String)>,
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn atom(feed: &Feed) -> Result<Response, WebError> {
    Ok((
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        feed.render()?,
    )
        .into_response())
}

fn territory(state: &AppState) -> String {
    state
        .territory()
        .map_or_else(|| "Mission Locale".to_owned(), |t| t.name)
}

async fn editions(State(state): State<AppState>) -> Result<Response, WebError> {
    let base = &state.config.public_url;
    let mut entries = Vec::new();
    for e in state.store.editions(MAX_EDITIONS).await? {
        let Some(e) = state.store.edition(e.number).await? else {
            continue;
        };
        let offers: Vec<(String, String)> = e
            .entries
            .iter()
            .filter(|x| x.kind == EntryKind::New)
            .map(|x| (format!("{base}/offres/{}", x.offer_id), x.title.clone()))
            .collect();
        entries.push(Entry {
            id: format!("{base}/editions/{}", e.number),
            title: format!("Édition n° {} du {}", e.number, french_date(e.published_at)),
            updated: rfc3339(e.published_at),
            published: Some(rfc3339(e.published_at)),
            link: format!("{base}/editions/{}", e.number),
            summary: match offers.len() {
                0 => "Pas de nouvelle offre cette semaine.".to_owned(),
                1 => "1 nouvelle offre d'apprentissage.".to_owned(),
                n => format!("{n} nouvelles offres d'apprentissage."),
            },
            content: (!offers.is_empty())
                .then(|| EditionContent { offers }.render())
                .transpose()?,
        });
    }
    let territory = territory(&state);
    atom(&Feed {
        id: format!("{base}/editions.atom"),
        title: format!("Les éditions du jeudi – {territory}"),
        updated: entries
            .first()
            .map_or_else(|| rfc3339(state.clock.now()), |e| e.updated.clone()),
        self_url: format!("{base}/editions.atom"),
        alternate: format!("{base}/editions"),
        author: territory,
        entries,
    })
}

async fn offers(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let raw = raw.unwrap_or_default();
    let mut q = CatalogueQuery::parse(&raw, ParamStyle::Page, &state)
        .map_err(|p| WebError::BadRequest(p.message))?;
    q.sort = Sort::Date;
    q.page = 1;
    q.per_page = MAX_OFFERS;
    let found = catalogue::run(&state, &q).await?;
    let base = &state.config.public_url;
    let near_approx = q.near.as_ref().is_some_and(|n| n.approximate);
    let entries: Vec<Entry> = found
        .offers
        .iter()
        .map(|(o, d)| {
            let v = catalogue::view(&state, o, *d, near_approx);
            let mut summary = format!(
                "{} · {} · {} · {}",
                v.company_name, v.commune_name, v.contract_label, v.start_label
            );
            if let Some(d) = &v.distance_label {
                summary.push_str(&format!(" · {d}"));
            }
            Entry {
                id: format!("{base}/offres/{}", o.id),
                title: format!("{} – {} ({})", v.title, v.company_name, v.commune_name),
                updated: rfc3339(o.updated_at),
                published: o.published_at.map(rfc3339),
                link: format!("{base}{}", v.path),
                summary,
                content: None,
            }
        })
        .collect();
    let query = if raw.is_empty() {
        String::new()
    } else {
        format!("?{raw}")
    };
    let territory = territory(&state);
    let title = match (q.text.trim(), q.near.as_ref()) {
        ("", None) => format!("Offres d'apprentissage – {territory}"),
        ("", Some(n)) => format!("Offres d'apprentissage autour de {}", n.label),
        (t, None) => format!("Offres d'apprentissage « {t} »"),
        (t, Some(n)) => format!("Offres d'apprentissage « {t} » autour de {}", n.label),
    };
    atom(&Feed {
        id: format!("{base}/offres.atom{query}"),
        title,
        updated: entries
            .iter()
            .map(|e| e.updated.clone())
            .max()
            .unwrap_or_else(|| rfc3339(state.clock.now())),
        self_url: format!("{base}/offres.atom{query}"),
        alternate: format!("{base}/offres{query}"),
        author: territory,
        entries,
    })
}
