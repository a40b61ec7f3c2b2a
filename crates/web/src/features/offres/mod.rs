//! The public catalogue: home, results, offer, and the legal pages. Server
//! rendered, usable without JavaScript.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tremplin_domain::geo::haversine_km;

use crate::services::catalogue::{self, CatalogueQuery, Near, OfferView, ParamStyle, QueryProblem};
use crate::services::{relays, trajets, typed};
use crate::shell::Id;
use crate::shell::Layout;
use crate::shell::dates::monday_of;
use crate::{AppState, WebError};

mod closed;
mod form;
mod transport;

use form::{Form, LEVELS, RADII};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/offres", get(results))
        .route("/offres/{id}", get(offer))
        .route("/accessibilite", get(|s| info(s, Info::Accessibilite)))
        .route("/mentions-legales", get(|s| info(s, Info::Mentions)))
        .route("/confidentialite", get(|s| info(s, Info::Confidentialite)))
        .route("/donnees", get(|s| info(s, Info::Donnees)))
}

#[derive(Template)]
#[template(path = "features/offres/templates/home.html")]
struct HomePage {
    layout: Layout,
    form: Form,
    total: u64,
    new_count: usize,
    new_offers: Vec<OfferView>,
    radii: [u32; 6],
    levels: [(u8, &'static str); 5],
}

async fn home(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let found = catalogue::new_this_week(&state, 6).await?;
    let page = HomePage {
        layout: Layout::new(&state, "/").with_feed("/editions.atom", "Les éditions du jeudi"),
        form: Form::from_query(&CatalogueQuery::default()),
        total: state.index.num_docs(),
        new_count: found.total,
        new_offers: found
            .offers
            .iter()
            .map(|(o, d)| catalogue::view(&state, o, *d, false))
            .collect(),
        radii: RADII,
        levels: LEVELS,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "features/offres/templates/results.html")]
struct ResultsPage {
    layout: Layout,
    form: Form,
    heading: String,
    problem: Option<QueryProblem>,
    /// For each commune offered in a choice, the same search centred on it.
    choice_links: Vec<String>,
    offers: Vec<OfferView>,
    widened: Option<String>,
    /// What the trip filter and sort could not do, said plainly.
    notices: Vec<String>,
    more_link: Option<String>,
    depuis: String,
    radii: [u32; 6],
    levels: [(u8, &'static str); 5],
    alert: Option<AlertForm>,
}

/// "Recevoir les nouvelles offres de cette recherche": the search's own parameters as hidden
/// fields, posted to `/alertes` with an address.
struct AlertForm {
    csrf: String,
    hidden: Vec<(String, String)>,
}

async fn results(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: axum::http::HeaderMap,
) -> Result<Response, WebError> {
    let raw = raw.unwrap_or_default();
    let q = match CatalogueQuery::parse(&raw, ParamStyle::Page, &state) {
        Ok(q) => q,
        Err(problem) => {
            let choice_links = problem
                .choices
                .iter()
                .map(|c| format!("/offres?{}", with_commune(&raw, &c.key)))
                .collect();
            let page = ResultsPage {
                layout: Layout::new(&state, "/offres"),
                form: Form::from_raw(&raw),
                heading: "Rechercher une offre".into(),
                problem: Some(problem),
                choice_links,
                offers: Vec::new(),
                widened: None,
                notices: Vec::new(),
                more_link: None,
                depuis: String::new(),
                radii: RADII,
                levels: LEVELS,
                alert: None,
            };
            return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
        }
    };
    // "Voir plus" shows the next page below the first ones: one request, no infinite scroll.
    let shown = CatalogueQuery {
        per_page: q.per_page * q.page,
        page: 1,
        ..q.clone()
    };
    let found = catalogue::run_widening(&state, &shown).await?;
    let near_approx = q.near.as_ref().is_some_and(|n| n.approximate);
    let offers = found.views(&state, near_approx);
    let notices: Vec<String> = found
        .trips
        .no_car
        .notice()
        .map(str::to_owned)
        .into_iter()
        .chain(found.trips.capped_notice(&q))
        .collect();
    let heading = results_heading(
        found.total,
        &q,
        found.trips.no_car == catalogue::NoCar::Applied,
    );
    let widened = found.widened_to.map(|r| {
        format!(
            "Aucune offre à moins de {} km de {} : voici celles à moins de {r} km.",
            q.radius_km,
            q.near.as_ref().map_or("", |n| n.name.as_str())
        )
    });
    let more_link = (offers.len() < found.total && q.page < 500)
        .then(|| format!("/offres?{}", q.page_query(q.page + 1)));
    let (csrf, csrf_cookie) = crate::shell::auth::public_csrf(&state, &headers);
    let alert = AlertForm {
        csrf,
        hidden: serde_urlencoded::from_str(&q.page_query(1)).unwrap_or_default(),
    };
    let page = ResultsPage {
        alert: Some(alert),
        layout: Layout::new(&state, "/offres").with_feed(
            format!("/offres.atom?{}", q.page_query(1)),
            "Les offres de cette recherche",
        ),
        form: Form::from_query(&q),
        heading,
        problem: None,
        choice_links: Vec::new(),
        offers,
        widened,
        notices,
        more_link,
        depuis: offer_link_query(&q),
        radii: RADII,
        levels: LEVELS,
    };
    Ok((
        [(axum::http::header::SET_COOKIE, csrf_cookie)],
        Html(page.render()?),
    )
        .into_response())
}

/// The same query string with its commune replaced: a choice keeps every other criterion.
fn with_commune(raw: &str, key: &str) -> String {
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).unwrap_or_default();
    pairs.retain(|(k, _)| k != "commune" && k != "page");
    pairs.push(("commune".into(), key.to_owned()));
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

fn results_heading(total: usize, q: &CatalogueQuery, no_car: bool) -> String {
    let mut what = match total {
        0 => "Aucune offre".to_owned(),
        1 => "1 offre".to_owned(),
        n => format!("{n} offres"),
    };
    if no_car {
        what.push_str(if total > 1 {
            " atteignables sans voiture"
        } else {
            " atteignable sans voiture"
        });
    }
    match &q.near {
        Some(n) => format!("{what} autour de {}", n.name),
        None => what,
    }
}

#[derive(Template)]
#[template(path = "features/offres/templates/offer.html")]
struct OfferPage {
    layout: Layout,
    o: OfferView,
    from: Option<(String, String)>,
    trips: trajets::OfferTrips,
    /// The commune typed on the page could not be understood: why, and the choices.
    commune_problem: Option<typed::Unclear>,
    jsonld: String,
    meta_description: String,
    /// The same offer at other sources: (where, link to it there).
    also: Vec<(&'static str, Option<String>)>,
    share: Share,
    /// Carried to the application form, so the application keeps its channel.
    via: Option<String>,
    /// "← Retour à la recherche": the search the visitor came from, rebuilt from its parsed
    /// query (always `/offres?…`, never a link elsewhere), or all offers.
    back: Option<String>,
    /// The 1200×630 card shown by link previews (absolute), and its alternative text.
    card: String,
    card_alt: String,
    /// "Y aller sans voiture": the week's trips by coach or train.
    transport: transport::TransportBlock,
}

/// What the share block offers: the offer's address, one per channel (`?via=` says which
/// channel brought a visitor), and the sentence that goes with it. Plain links: no script from
/// elsewhere, nothing sent to anyone before a click.
struct Share {
    /// The address as shown and copied.
    link: String,
    text: String,
    whatsapp: String,
    sms: String,
    email: String,
    facebook: String,
    linkedin: String,
}

impl Share {
    fn new(state: &AppState, o: &OfferView) -> Self {
        let at = |via: &str| format!("{}{}?via={via}", state.config.public_url, o.path);
        Self {
            link: at("lien"),
            text: format!("Offre d'apprentissage : {} à {}", o.title, o.commune_name),
            whatsapp: at("whatsapp"),
            sms: at("sms"),
            email: at("email"),
            facebook: at("facebook"),
            linkedin: at("linkedin"),
        }
    }
}

/// The young person's commune: `?commune=` (typed, or the search's), else `?depuis=` (an INSEE
/// code, older links); what could not be understood is said on the page.
fn home_commune<'a>(
    state: &'a AppState,
    params: &OfferParams,
) -> (
    Option<&'a tremplin_referentiels::Commune>,
    Option<typed::Unclear>,
) {
    if let Some(typed_commune) = params.commune.as_deref().filter(|c| !c.trim().is_empty()) {
        return match typed::commune(state, typed_commune, "ta commune") {
            Ok(code) => (state.refs.communes.get(&code), None),
            Err(u) => (None, Some(u)),
        };
    }
    (
        params
            .depuis
            .as_deref()
            .and_then(|c| state.refs.communes.get(c)),
        None,
    )
}

/// What a result's link to its offer carries: where the distance is measured from, and the
/// search to go back to.
fn offer_link_query(q: &CatalogueQuery) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(n) = &q.near {
        // The commune as links name it, so the offer page measures the trips from it.
        pairs.push(("commune", n.key.clone()));
    }
    pairs.push(("retour", q.page_query(q.page)));
    format!(
        "?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

#[derive(serde::Deserialize)]
struct OfferParams {
    /// The young person's commune, typed or from the search (`?commune=`).
    commune: Option<String>,
    /// The same as an INSEE code (links made before `commune`).
    depuis: Option<String>,
    /// The search the visitor came from, as its query string.
    retour: Option<String>,
    /// The channel whose link brought the visitor (`?via=whatsapp`), counted per week.
    via: Option<String>,
    /// The click token of an alert's mail (`?via=alerte&alerte=…`): the alert is in use.
    alerte: Option<String>,
}

async fn offer(
    State(state): State<AppState>,
    Id(id): Id,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let offer = state.store.get_offer(id).await?.ok_or(WebError::NotFound)?;
    if !offer.status.is_public() {
        return closed::page(&state, &offer)
            .await?
            .ok_or(WebError::NotFound);
    }
    // Another source's copy: the offer is shown once, on the page that lists every source.
    if let Some(primary) = offer.duplicate_of
        && state
            .store
            .get_offer(primary)
            .await?
            .is_some_and(|p| p.is_listed())
    {
        let query = raw.map(|q| format!("?{q}")).unwrap_or_default();
        return Ok(
            axum::response::Redirect::to(&format!("/offres/{primary}{query}")).into_response(),
        );
    }
    let also: Vec<(&'static str, Option<String>)> = state
        .store
        .duplicates_of(offer.id)
        .await?
        .into_iter()
        .map(|(_, name, kind, url)| {
            let kind = tremplin_domain::SourceKind::from_db(&kind)
                .unwrap_or(tremplin_domain::SourceKind::Import);
            (catalogue::view::source_label(kind, &name), url)
        })
        .collect();
    let params: OfferParams =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or(OfferParams {
            commune: None,
            depuis: None,
            retour: None,
            via: None,
            alerte: None,
        });
    // Only a search Tremplin understands goes back, re-written from what it means.
    let back = params
        .retour
        .as_deref()
        .and_then(|r| CatalogueQuery::parse(r, ParamStyle::Page, &state).ok())
        .map(|q| format!("/offres?{}", q.page_query(q.page)));
    let (home, commune_problem) = home_commune(&state, &params);
    let from = home.map(Near::from);
    let point = trajets::company_point(&state, &offer).map(|(lat, lon, _)| (lat, lon));
    let transport = transport::block(&state, home, point, offer.cfa_commune.as_deref()).await?;
    let distance = match (&from, point) {
        (Some(f), Some((lat, lon))) => Some(haversine_km(f.lat, f.lon, lat, lon)),
        _ => None,
    };
    let o = catalogue::view(
        &state,
        &offer,
        distance,
        from.as_ref().is_some_and(|f| f.approximate),
    );
    let from = from.zip(o.distance_label.clone()).map(|(f, d)| (f.name, d));
    let trips = trajets::for_offer(&state, &offer, home).await?;
    let meta_description: String = o.description.chars().take(157).collect::<String>()
        + if o.description.chars().count() > 157 {
            "…"
        } else {
            ""
        };
    let jsonld = job_posting(&state, &o);
    let share = Share::new(&state, &o);
    let via = match params.via.as_deref() {
        Some(v) => crate::services::reach::channel(&state, v).await?,
        None => None,
    };
    if let Some(channel) = &via {
        let now = state.clock.now();
        state
            .store
            .count_view(o.id, channel, monday_of(now))
            .await?;
        if channel == "alerte"
            && let Some(token) = &params.alerte
        {
            crate::services::alerts::clicked(&state, token).await?;
        }
    }
    let card = format!(
        "{}/offres/{}/carte.png?format=lien",
        state.config.public_url, o.id
    );
    let card_alt = relays::offer_card(&state, &o).alt_text();
    let page = OfferPage {
        via,
        share,
        card,
        card_alt,
        layout: Layout::new(&state, &o.path),
        o,
        from,
        trips,
        commune_problem,
        jsonld,
        meta_description,
        also,
        back,
        transport,
    };
    Ok(Html(page.render()?).into_response())
}

/// schema.org `JobPosting`, safe to put inside a `<script>` element.
fn job_posting(state: &AppState, o: &OfferView) -> String {
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": o.title,
        "description": o.description,
        "identifier": { "@type": "PropertyValue", "name": "Tremplin", "value": o.id.to_string() },
        "datePosted": o.published_at.map(|p| p.date_naive().to_string()),
        "employmentType": ["OTHER"],
        "hiringOrganization": { "@type": "Organization", "name": o.company_name },
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": o.commune_name,
                "postalCode": o.postcode,
                "addressCountry": "FR",
            },
            "geo": { "@type": "GeoCoordinates", "latitude": o.lat, "longitude": o.lon },
        },
        "occupationalCategory": o.rome.first().map(|(c, _)| c),
        "totalJobOpenings": o.positions,
        "directApply": o.apply_url.is_none(),
        "url": format!("{}{}", state.config.public_url, o.path),
    });
    if let Some(d) = &o.diploma_label {
        ld["educationRequirements"] =
            json!({ "@type": "EducationalOccupationalCredential", "credentialCategory": d });
    }
    if let Some(s) = &o.start_date {
        ld["jobStartDate"] = json!(s);
    }
    // "</script>" inside a string would end the element: escape every "<".
    ld.to_string().replace('<', "\\u003c")
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Info {
    Accessibilite,
    Mentions,
    Confidentialite,
    Donnees,
}

#[derive(Template)]
#[template(path = "features/offres/templates/info.html")]
struct InfoPage {
    layout: Layout,
    which: Info,
    title: &'static str,
}

async fn info(State(state): State<AppState>, which: Info) -> Result<Html<String>, WebError> {
    let (title, path) = match which {
        Info::Accessibilite => ("Déclaration d'accessibilité", "/accessibilite"),
        Info::Mentions => ("Mentions légales", "/mentions-legales"),
        Info::Confidentialite => ("Données personnelles", "/confidentialite"),
        Info::Donnees => ("Sources des données", "/donnees"),
    };
    Ok(Html(
        InfoPage {
            layout: Layout::new(&state, path),
            which,
            title,
        }
        .render()?,
    ))
}
