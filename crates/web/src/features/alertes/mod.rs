//! Alerts on a search, without an account: the form of the results page posts here; the links
//! of the mails lead here (confirm, unsubscribe, keep). Every link opens a page with a button:
//! a mail scanner that opens links changes nothing. The one exception, by design, is RFC
//! 8058's one-click unsubscribe: a POST of `List-Unsubscribe=One-Click` to the link's own
//! address, with no CSRF token (the mail client sends it), accepted on that path only.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use tremplin_domain::Email;

use crate::services::alerts::{self, Requested};
use crate::services::catalogue::{CatalogueQuery, ParamStyle};
use crate::shell::Layout;
use crate::shell::auth::{self, ClientIp};
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/alertes", post(subscribe))
        .route(
            "/alertes/confirmation/{token}",
            get(confirm_page).post(confirm),
        )
        .route(
            "/alertes/desinscription/{token}",
            get(unsubscribe_page).post(unsubscribe),
        )
        .route("/alertes/garder/{token}", get(keep_page).post(keep))
}

/// Every page of the feature: a title, a few sentences, and at most one button.
#[derive(Template)]
#[template(path = "features/alertes/templates/page.html")]
struct Page {
    layout: Layout,
    title: &'static str,
    lines: Vec<String>,
    /// The button's form: (action, label); with the CSRF token, or the one-click field.
    button: Option<(String, &'static str)>,
    csrf: Option<String>,
    one_click: bool,
    /// A link back to the search, on the answer to the form.
    back: Option<String>,
}

impl Page {
    fn new(state: &AppState, title: &'static str, lines: Vec<String>) -> Self {
        Self {
            layout: Layout::new(state, "/alertes"),
            title,
            lines,
            button: None,
            csrf: None,
            one_click: false,
            back: None,
        }
    }

    fn answer(self, status: StatusCode) -> Result<Response, WebError> {
        Ok((status, Html(self.render()?)).into_response())
    }
}

/// The form of the results page, sent again with what went wrong.
#[derive(Template)]
#[template(path = "features/alertes/templates/form.html")]
struct FormPage {
    layout: Layout,
    message: String,
    email: String,
    csrf: String,
    hidden: Vec<(String, String)>,
}

/// The fields the form carries besides the search.
const OWN_FIELDS: [&str; 2] = ["email", "csrf"];

async fn subscribe(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).map_err(|_| {
        WebError::BadRequest("Le formulaire est mal formé : rechargez la page de recherche.".into())
    })?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let csrf = auth::check_public_csrf(&headers, get("csrf"))?;
    let search: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| !OWN_FIELDS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.chars().take(300).collect()))
        .collect();
    let email_typed: String = get("email").chars().take(254).collect();
    let again = |message: String, status: StatusCode| -> Result<Response, WebError> {
        let page = FormPage {
            layout: Layout::new(&state, "/alertes"),
            message,
            email: email_typed.clone(),
            csrf: csrf.clone(),
            hidden: search.clone(),
        };
        Ok((status, Html(page.render()?)).into_response())
    };
    let raw = serde_urlencoded::to_string(&search).unwrap_or_default();
    let q = match CatalogueQuery::parse(&raw, ParamStyle::Page, &state) {
        Ok(q) => q,
        Err(p) => {
            return again(
                format!(
                    "La recherche de cette alerte n'est pas valable : {}",
                    p.message
                ),
                StatusCode::BAD_REQUEST,
            );
        }
    };
    if email_typed.trim().is_empty() {
        return again(
            "Indiquez votre adresse e-mail pour recevoir les nouvelles offres.".into(),
            StatusCode::BAD_REQUEST,
        );
    }
    let email = match Email::parse(&email_typed) {
        Ok(e) => e,
        Err(e) => return again(e.message, StatusCode::BAD_REQUEST),
    };
    match alerts::request(&state, &email, &q, &ip).await? {
        Requested::Limited(message, wait) => {
            let mut response = again(message.to_owned(), StatusCode::TOO_MANY_REQUESTS)?;
            if let Ok(v) = wait.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(response)
        }
        Requested::CheckYourMailbox => {
            let mut page = Page::new(
                &state,
                "Vérifiez votre boîte mail",
                vec![
                    format!(
                        "Si l'adresse {} peut recevoir cette alerte, un e-mail vient d'y partir : ouvrez le lien qu'il contient pour l'activer (pensez aux courriers indésirables).",
                        email.as_str()
                    ),
                    format!("Recherche suivie : {}.", alerts::describe(&state, &q)),
                    "Sans activation dans les 7 jours, l'adresse est effacée.".into(),
                ],
            );
            page.back = Some(format!("/offres?{}", alerts::normalised(&q)));
            page.answer(StatusCode::OK)
        }
    }
}

/// The answer to a link that leads nowhere (unknown, used, expired).
fn gone(state: &AppState, what: &str) -> Result<Response, WebError> {
    Page::new(
        state,
        "Lien plus valable",
        vec![
            format!("Ce lien {what} n'est plus valable : il a déjà servi, a expiré, ou l'alerte a été supprimée."),
            "Vous pouvez créer une nouvelle alerte depuis une page de résultats de recherche.".into(),
        ],
    )
    .answer(StatusCode::NOT_FOUND)
}

async fn confirm_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let Some(alert) = alerts::pending(&state, &token).await? else {
        return gone(&state, "d'activation");
    };
    let (csrf, cookie) = auth::public_csrf(&state, &headers);
    let mut page = Page::new(
        &state,
        "Activer votre alerte",
        vec![format!("Recherche suivie : {}.", alert.label)],
    );
    page.button = Some((
        format!("/alertes/confirmation/{token}"),
        "Activer mon alerte",
    ));
    page.csrf = Some(csrf);
    Ok(([(header::SET_COOKIE, cookie)], Html(page.render()?)).into_response())
}

#[derive(serde::Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form: CsrfOnly = serde_urlencoded::from_bytes(&body)
        .map_err(|_| WebError::BadRequest("Le formulaire est mal formé.".into()))?;
    auth::check_public_csrf(&headers, &form.csrf)?;
    let Some(alert) = alerts::confirm(&state, &token).await? else {
        return gone(&state, "d'activation");
    };
    Page::new(
        &state,
        "Alerte activée",
        vec![
            format!("Recherche suivie : {}.", alert.label),
            "Après chaque édition du jeudi, vous recevrez les nouvelles offres de cette recherche, seulement s'il y en a.".into(),
            "Chaque e-mail contient un lien pour vous désinscrire en un clic.".into(),
        ],
    )
    .answer(StatusCode::OK)
}

async fn unsubscribe_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let Some(alert) = alerts::by_unsubscribe_link(&state, &token).await? else {
        return gone(&state, "de désinscription");
    };
    let mut page = Page::new(
        &state,
        "Se désinscrire de cette alerte",
        vec![
            format!("Recherche suivie : {}.", alert.label),
            "L'alerte et votre adresse seront effacées.".into(),
        ],
    );
    page.button = Some((format!("/alertes/desinscription/{token}"), "Me désinscrire"));
    page.one_click = true;
    page.answer(StatusCode::OK)
}

/// RFC 8058: the body is exactly `List-Unsubscribe=One-Click` (the page's button sends the
/// same). No CSRF token: the link's token is the proof, and this request can only unsubscribe.
async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if !pairs
        .iter()
        .any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click")
    {
        return Page::new(
            &state,
            "Demande incorrecte",
            vec!["Pour vous désinscrire, utilisez le bouton de la page de désinscription.".into()],
        )
        .answer(StatusCode::BAD_REQUEST);
    }
    if !alerts::unsubscribe(&state, &token).await? {
        return gone(&state, "de désinscription");
    }
    Page::new(
        &state,
        "Vous êtes désinscrit·e",
        vec!["Vous ne recevrez plus cette alerte : elle a été effacée, avec votre adresse.".into()],
    )
    .answer(StatusCode::OK)
}

async fn keep_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let Some(alert) = alerts::by_keep_link(&state, &token).await? else {
        return gone(&state, "pour garder l'alerte");
    };
    let (csrf, cookie) = auth::public_csrf(&state, &headers);
    let mut page = Page::new(
        &state,
        "Garder votre alerte",
        vec![format!("Recherche suivie : {}.", alert.label)],
    );
    page.button = Some((format!("/alertes/garder/{token}"), "Garder mon alerte"));
    page.csrf = Some(csrf);
    Ok(([(header::SET_COOKIE, cookie)], Html(page.render()?)).into_response())
}

async fn keep(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form: CsrfOnly = serde_urlencoded::from_bytes(&body)
        .map_err(|_| WebError::BadRequest("Le formulaire est mal formé.".into()))?;
    auth::check_public_csrf(&headers, &form.csrf)?;
    if !alerts::keep(&state, &token).await? {
        return gone(&state, "pour garder l'alerte");
    }
    Page::new(
        &state,
        "Alerte gardée",
        vec!["Votre alerte continue : elle est gardée 12 mois de plus.".into()],
    )
    .answer(StatusCode::OK)
}
