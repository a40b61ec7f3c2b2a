//! The widget: a compact search form and its results, made to live in an `<iframe>` on
//! partners' pages (school ENTs, CIOs, town halls). No session, no cookie, nothing it changes:
//! any site may frame it unless an admin lists the sites allowed (`/gestion/territoire`).
//! Every result opens the full offer in a new tab, its link carrying the channel (`?via=`).

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::services::catalogue::{self, CatalogueQuery, OfferView, ParamStyle, QueryProblem};
use crate::shell::protect::Framing;
use crate::{AppState, WebError};

mod builder;
pub mod palette;

use palette::Theme;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/widget", get(widget))
        .merge(builder::router())
}

/// Results shown in the frame; the rest is one link away on the site.
const SHOWN: u32 = 10;

#[derive(Template)]
#[template(path = "features/widget/templates/widget.html")]
struct WidgetPage {
    territory: String,
    /// Kept in the form and in every link: the host's choices.
    hidden: Vec<(&'static str, String)>,
    q: String,
    commune: String,
    radius: u32,
    radii: [u32; 6],
    theme: &'static str,
    problem: Option<Problem>,
    heading: Option<String>,
    offers: Vec<Item>,
    /// The same search on the site, for "all the offers".
    full_search: String,
}

struct Problem {
    message: String,
    choices: Vec<(String, String)>,
}

/// One result, with the address it opens in a new tab.
struct Item {
    o: OfferView,
    href: String,
}

/// The widget's own parameters, besides the search's: its colours and its channel.
struct Options {
    theme: Theme,
    via: String,
}

impl Options {
    fn read(raw: &str) -> Result<Self, String> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw)
            .map_err(|_| "L'adresse du widget est mal formée.".to_owned())?;
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim());
        let theme = match get("couleur").filter(|v| !v.is_empty()) {
            None => Theme::default(),
            Some(v) => Theme::parse(v).ok_or_else(|| {
                format!(
                    "Couleur inconnue « {} » : choisissez {}.",
                    v.chars().take(30).collect::<String>(),
                    palette::names()
                )
            })?,
        };
        // The channel is counted only when the site knows it (see `reach`): a made-up one is
        // carried for nothing, so it need not be refused.
        let via = get("via")
            .filter(|v| is_slug(v))
            .unwrap_or("widget")
            .to_owned();
        Ok(Self { theme, via })
    }
}

/// A channel's name as links carry it: lower-case letters, digits and hyphens.
pub fn is_slug(v: &str) -> bool {
    (1..=40).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

async fn widget(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let raw = raw.unwrap_or_default();
    let framing = Framing(state.store.widget_origins().await?);
    let territory = state.territory().map(|t| t.name).unwrap_or_default();
    let options = Options::read(&raw);
    let query = CatalogueQuery::parse(&raw, ParamStyle::Page, &state);
    let (theme, via) = match &options {
        Ok(o) => (o.theme, o.via.clone()),
        Err(_) => (Theme::default(), "widget".to_owned()),
    };
    let mut hidden = vec![("via", via.clone())];
    if theme != Theme::default() {
        hidden.push(("couleur", theme.name().to_owned()));
    }
    let mut page = WidgetPage {
        territory,
        hidden,
        q: String::new(),
        commune: String::new(),
        radius: catalogue::DEFAULT_RADIUS_KM,
        radii: [10, 20, 30, 50, 100, 200],
        theme: theme.name(),
        problem: None,
        heading: None,
        offers: Vec::new(),
        full_search: format!("{}/offres?via={via}", state.config.public_url),
    };
    let refused = |page: WidgetPage, framing: Framing| -> Result<Response, WebError> {
        let mut response = (StatusCode::BAD_REQUEST, Html(page.render()?)).into_response();
        response.extensions_mut().insert(framing);
        Ok(response)
    };
    let q = match (options, query) {
        (Err(message), _) => {
            page.problem = Some(Problem {
                message,
                choices: Vec::new(),
            });
            return refused(page, framing);
        }
        (Ok(_), Err(problem)) => {
            page.problem = Some(choices(&raw, problem));
            let typed: Vec<(String, String)> = serde_urlencoded::from_str(&raw).unwrap_or_default();
            let typed = |k: &str| {
                typed
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.chars().take(200).collect())
                    .unwrap_or_default()
            };
            page.q = typed("q");
            page.commune = typed("commune");
            return refused(page, framing);
        }
        (Ok(_), Ok(q)) => q,
    };
    for r in &q.rome {
        page.hidden.push(("metier", r.to_string()));
    }
    let mut shown = CatalogueQuery {
        per_page: SHOWN,
        page: 1,
        ..q.clone()
    };
    // Nothing asked yet (a frame just opened): the newest offers.
    if q.text.is_empty() && q.near.is_none() && q.sort == tremplin_search::Sort::Relevance {
        shown.sort = tremplin_search::Sort::Date;
    }
    let found = catalogue::run_widening(&state, &shown).await?;
    let approx = q.near.as_ref().is_some_and(|n| n.approximate);
    page.offers = found
        .offers
        .iter()
        .map(|(o, d)| {
            let o = catalogue::view(&state, o, *d, approx);
            let href = format!("{}{}?via={via}", state.config.public_url, o.path);
            Item { o, href }
        })
        .collect();
    let what = match found.total {
        0 => "Aucune offre".to_owned(),
        1 => "1 offre".to_owned(),
        n => format!("{n} offres"),
    };
    page.heading = Some(match (&q.near, found.widened_to) {
        (Some(n), Some(r)) => format!("{what} à moins de {r} km de {}", n.name),
        (Some(n), None) => format!("{what} autour de {}", n.name),
        (None, _) => what,
    });
    let search = q.page_query(1);
    page.full_search = if search.is_empty() {
        format!("{}/offres?via={via}", state.config.public_url)
    } else {
        format!("{}/offres?{search}&via={via}", state.config.public_url)
    };
    page.q = q.text.clone();
    page.commune = q.near.as_ref().map(|n| n.label.clone()).unwrap_or_default();
    page.radius = q.radius_km;
    let mut response =
        ([(header::CACHE_CONTROL, "no-cache")], Html(page.render()?)).into_response();
    response.extensions_mut().insert(framing);
    Ok(response)
}

/// The problem as the frame shows it, an ambiguous commune as links to each choice.
fn choices(raw: &str, problem: QueryProblem) -> Problem {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).unwrap_or_default();
    let choices = problem
        .choices
        .iter()
        .map(|n| {
            let mut kept: Vec<(String, String)> = pairs
                .iter()
                .filter(|(k, _)| k != "commune")
                .cloned()
                .collect();
            kept.push(("commune".into(), n.key.clone()));
            let href = format!(
                "/widget?{}",
                serde_urlencoded::to_string(&kept).unwrap_or_default()
            );
            (n.label.clone(), href)
        })
        .collect();
    Problem {
        message: problem.message,
        choices,
    }
}
