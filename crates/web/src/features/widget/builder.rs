//! The back-office page that builds a partner's widget: choose keywords, commune, radius,
//! colour and the partner's name, see it at phone and desktop width, copy the `<iframe>` code.
//! Partners' names are registered here, so their widget's visits count under their own name.

use askama::Template;
use axum::Router;
use axum::extract::{Form, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tremplin_referentiels::fold;

use super::palette::{THEMES, Theme};
use crate::services::catalogue::{CatalogueQuery, ParamStyle};
use crate::shell::Layout;
use crate::shell::Nav;
use crate::shell::auth::Staff;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/widget", get(builder))
        .route("/gestion/widget/partenaires", post(add_partner))
}

#[derive(Template)]
#[template(path = "features/widget/templates/builder.html")]
struct BuilderPage {
    layout: Layout,
    nav: Nav,
    q: String,
    commune: String,
    radius: u32,
    radii: [u32; 6],
    theme: &'static str,
    themes: [(Theme, &'static str, &'static str, &'static str); 5],
    via: String,
    partners: Vec<(String, String)>,
    problem: Option<String>,
    /// The widget's address, as previewed and as the code carries it.
    src: String,
    code: String,
    restricted: Vec<String>,
}

async fn builder(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let raw = raw.unwrap_or_default();
    let page = page(&state, &staff, &raw, None).await?;
    let status = if page.problem.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn page(
    state: &AppState,
    staff: &Staff,
    raw: &str,
    problem: Option<String>,
) -> Result<BuilderPage, WebError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).unwrap_or_default();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().chars().take(200).collect::<String>())
            .unwrap_or_default()
    };
    let partners = state.store.widgets().await?;
    let mut problem = problem;
    let theme = match get("couleur").as_str() {
        "" => Theme::default(),
        v => Theme::parse(v).unwrap_or_else(|| {
            problem.get_or_insert_with(|| "Choisissez une couleur de la liste.".into());
            Theme::default()
        }),
    };
    let mut via = get("via");
    if via.is_empty() {
        via = "widget".into();
    } else if via != "widget" && !partners.iter().any(|(slug, _)| *slug == via) {
        problem.get_or_insert_with(|| "Choisissez un site partenaire de la liste.".into());
        via = "widget".into();
    }
    // The search part is checked as the widget itself will check it.
    let search: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, v)| ["q", "commune", "rayon"].contains(&k.as_str()) && !v.trim().is_empty())
        .cloned()
        .collect();
    let search_raw = serde_urlencoded::to_string(&search).unwrap_or_default();
    let (mut q, mut commune, mut radius) = (get("q"), get("commune"), 30);
    let mut params: Vec<(String, String)> = Vec::new();
    match CatalogueQuery::parse(&search_raw, ParamStyle::Page, state) {
        Ok(parsed) => {
            q = parsed.text.clone();
            radius = parsed.radius_km;
            if !q.is_empty() {
                params.push(("q".into(), q.clone()));
            }
            if let Some(n) = &parsed.near {
                commune = n.label.clone();
                params.push(("commune".into(), n.key.clone()));
                params.push(("rayon".into(), radius.to_string()));
            }
        }
        Err(p) => {
            let choice = p
                .choices
                .iter()
                .map(|n| n.label.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            problem.get_or_insert_with(|| {
                if choice.is_empty() {
                    p.message.clone()
                } else {
                    format!("{} ({choice})", p.message)
                }
            });
        }
    }
    if theme != Theme::default() {
        params.push(("couleur".into(), theme.name().into()));
    }
    params.push(("via".into(), via.clone()));
    let query = serde_urlencoded::to_string(&params).unwrap_or_default();
    let src = format!("/widget?{query}");
    let territory = state.territory().map(|t| t.name).unwrap_or_default();
    let base = &state.config.public_url;
    let code = format!(
        "<iframe data-tremplin src=\"{base}/widget?{}\" title=\"Offres d'apprentissage – {}\" width=\"100%\" height=\"640\" style=\"border:0;max-width:100%\" loading=\"lazy\"></iframe>\n<script src=\"{base}/assets/widget.js?v=1\" async></script>",
        query.replace('&', "&amp;"),
        territory.replace('"', "&quot;")
    );
    Ok(BuilderPage {
        layout: Layout::new(state, "/gestion/widget"),
        nav: Nav::new(staff),
        q,
        commune,
        radius,
        radii: [10, 20, 30, 50, 100, 200],
        theme: theme.name(),
        themes: THEMES,
        via,
        partners,
        problem,
        src,
        code,
        restricted: state.store.widget_origins().await?,
    })
}

#[derive(Deserialize)]
struct PartnerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    nom: String,
}

/// A partner's name as links carry it: "ENT – Lycée Jean-Monnet" → "ent-lycee-jean-monnet".
pub fn slug(name: &str) -> String {
    let folded = fold(name);
    let mut s = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    s.trim_end_matches('-')
        .chars()
        .take(40)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

async fn add_partner(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<PartnerForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    let name = f.nom.trim();
    let slug = slug(name);
    let refuse = |message: &str| WebError::BadRequest(message.to_owned());
    if name.chars().count() > 80 {
        return Err(refuse(
            "Le nom du site partenaire fait 80 caractères au plus.",
        ));
    }
    if slug.len() < 2 {
        return Err(refuse(
            "Donnez le nom du site partenaire (au moins deux lettres).",
        ));
    }
    if tremplin_domain::reach::channel(&slug).is_some() {
        return Err(refuse(
            "Ce nom est déjà celui d'un canal : précisez-le (ex. « ENT lycée Jean-Monnet »).",
        ));
    }
    if !state.store.add_widget(&slug, name).await? {
        return Err(refuse("Un site partenaire porte déjà ce nom."));
    }
    staff.log(&state, "site partenaire du widget", name).await?;
    Ok(Redirect::to(&format!("/gestion/widget?via={slug}")).into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn partner_names_become_link_names() {
        assert_eq!(
            super::slug("ENT – Lycée Jean-Monnet"),
            "ent-lycee-jean-monnet"
        );
        assert_eq!(super::slug("  Mairie de L'Aigle "), "mairie-de-l-aigle");
        assert_eq!(super::slug("!!!"), "");
        assert!(super::slug(&"a b ".repeat(40)).len() <= 40);
        assert!(!super::slug(&"a b ".repeat(40)).ends_with('-'));
    }
}
