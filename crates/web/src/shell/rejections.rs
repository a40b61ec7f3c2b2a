//! The answers axum writes by itself — a body too large (413), a wrong content type (415), a
//! form or JSON that does not read (400, 422), a path that is not UTF-8 (400), a method the
//! route does not take (405) — come as English plain text or nothing. This layer rewrites each
//! in French, in the format of where it was asked: the error page, or `{"error": "…"}` under
//! `/api/` (where an HTML error, such as the site's "page not found", becomes JSON too).
//! Tremplin's own answers pass through untouched.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::error::{ErrorInfo, ErrorPage, error_response};
use crate::shell::Layout;

pub async fn in_french(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let api = path.starts_with("/api/");
    let response = in_french_only(api, next.run(request).await);
    // Every error page, whoever wrote it, in the site's full frame: header, search, footer.
    match response.extensions().get::<ErrorInfo>().cloned() {
        Some(info) if !api => framed(&state, &path, info, response),
        _ => response,
    }
}

fn framed(state: &AppState, path: &str, info: ErrorInfo, response: Response) -> Response {
    let page = ErrorPage {
        layout: Layout::new(state, path),
        title: info.title,
        message: info.message,
    };
    let Ok(body) = page.render() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}

fn in_french_only(api: bool, response: Response) -> Response {
    let status = response.status();
    // 503 stays as written: the readiness probe answers it in plain French text.
    if !(status.is_client_error() || status == StatusCode::INTERNAL_SERVER_ERROR) {
        return response;
    }
    let kind = response.headers().get(header::CONTENT_TYPE);
    let axums = kind.is_none_or(|v| v.to_str().is_ok_and(|v| v.starts_with("text/plain")));
    let page_in_api =
        api && kind.is_some_and(|v| v.to_str().is_ok_and(|v| v.starts_with("text/html")));
    if !(axums || page_in_api) {
        return response;
    }
    let (title, message) = explain(status, api);
    let (mut parts, _) = response.into_parts();
    let french = error_response(status, title, message.to_owned(), api);
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(kind) = french.headers().get(header::CONTENT_TYPE) {
        parts.headers.insert(header::CONTENT_TYPE, kind.clone());
    }
    if let Some(info) = french.extensions().get::<ErrorInfo>() {
        parts.extensions.insert(info.clone());
    }
    Response::from_parts(parts, french.into_body())
}

fn explain(status: StatusCode, api: bool) -> (&'static str, &'static str) {
    match status {
        StatusCode::BAD_REQUEST if api => (
            "Requête incorrecte",
            "La requête ne se lit pas : vérifiez l'adresse, les paramètres et le corps (du JSON valide, en UTF-8).",
        ),
        StatusCode::BAD_REQUEST => (
            "Demande incorrecte",
            "Cette adresse ou ce formulaire ne se lit pas : vérifiez le lien, ou rechargez la page et recommencez.",
        ),
        StatusCode::NOT_FOUND if api => (
            "Adresse inconnue",
            "Cette adresse n'existe pas dans l'API : les adresses possibles sont décrites dans /api/v1/openapi.json.",
        ),
        StatusCode::NOT_FOUND => (
            "Page introuvable",
            "Cette page n'existe pas, ou l'offre n'est plus en ligne.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Action impossible",
            "Cette adresse ne permet pas cette action : revenez à la page et utilisez ses boutons.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Envoi trop volumineux",
            "Ce que vous avez envoyé est trop volumineux : un CV de 5 Mo au plus, un formulaire de taille ordinaire.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE if api => (
            "Format non pris en charge",
            "Le corps de la requête doit être du JSON, envoyé avec l'en-tête Content-Type: application/json.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "Format non pris en charge",
            "Ce formulaire n'a pas été envoyé dans le format attendu : rechargez la page et recommencez.",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "Données incomplètes",
            "Des champs manquent ou sont mal remplis : vérifiez chaque champ et recommencez.",
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            "Trop de demandes",
            "Trop de demandes en peu de temps : réessayez dans quelques minutes.",
        ),
        StatusCode::INTERNAL_SERVER_ERROR => (
            "Erreur",
            "Une erreur est survenue de notre côté. Elle a été enregistrée ; réessayez dans quelques minutes.",
        ),
        _ => (
            "Demande impossible",
            "Cette demande n'a pas pu être traitée : revenez à la page précédente et recommencez.",
        ),
    }
}
