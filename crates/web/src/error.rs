//! One error type for pages and one for the API, with the same policy: the user reads a clear
//! French message; the cause goes to the log with the request id, never to the client.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use tremplin_storage::{Constraint, StoreError};

use crate::shell::Layout;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("page introuvable")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    /// The input clashes with what is stored (a duplicate): 409.
    #[error("{0}")]
    Conflict(String),
    /// Well formed but refers to nothing, or a value the database does not allow: 422.
    #[error("{0}")]
    Unprocessable(String),
    #[error("service momentanément indisponible")]
    Unavailable,
    #[error("accès refusé")]
    Forbidden,
    #[error("jeton CSRF invalide")]
    CsrfMismatch,
    #[error("trop de tentatives")]
    TooManyAttempts,
    #[error("erreur interne : {0}")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(i) => Self::BadRequest(i.message),
            // A constraint refused the write: the user's input, never a 500 nor "indisponible".
            StoreError::Constraint(kind, cause) => {
                tracing::info!(?kind, %cause, "écriture refusée par une contrainte");
                match kind {
                    Constraint::Unique => Self::Conflict(
                        "Cet élément existe déjà (même adresse e-mail, même SIRET ou même nom) : vérifiez la liste avant de recommencer.".into(),
                    ),
                    Constraint::ForeignKey => Self::Unprocessable(
                        "Ce choix renvoie à un élément qui n'existe pas ou plus (une organisation, une offre…) : rechargez la page et recommencez.".into(),
                    ),
                    Constraint::Check => Self::Unprocessable(
                        "Une des valeurs envoyées n'est pas acceptée : vérifiez le formulaire et recommencez.".into(),
                    ),
                }
            }
            e if e.is_unavailable() => {
                tracing::warn!(cause = %e, "base de données injoignable");
                Self::Unavailable
            }
            e => Self::Internal(e.to_string()),
        }
    }
}

impl From<tremplin_search::SearchError> for WebError {
    fn from(e: tremplin_search::SearchError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(format!("gabarit : {e}"))
    }
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Forbidden | Self::CsrfMismatch => StatusCode::FORBIDDEN,
            Self::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the user reads.
    pub fn message(&self) -> String {
        match self {
            Self::NotFound => "Cette page n'existe pas, ou l'offre n'est plus en ligne.".into(),
            Self::BadRequest(m) | Self::Conflict(m) | Self::Unprocessable(m) => m.clone(),
            Self::Unavailable => "Le service est momentanément indisponible. Réessayez dans quelques minutes.".into(),
            Self::Forbidden => "Cette page est réservée à d'autres comptes que le vôtre.".into(),
            Self::CsrfMismatch => "Le formulaire a expiré : rechargez la page et recommencez.".into(),
            Self::TooManyAttempts => "Trop de tentatives de connexion. Réessayez dans 15 minutes.".into(),
            Self::Internal(_) => {
                "Une erreur est survenue de notre côté. Elle a été enregistrée ; réessayez dans quelques minutes.".into()
            }
        }
    }

    fn log(&self) {
        if let Self::Internal(cause) = self {
            tracing::error!(%cause, "erreur interne");
        }
    }
}

/// Every HTML error page: the site's frame (header, search, footer), the title and message.
#[derive(Template)]
#[template(path = "shell/templates/error.html")]
pub(crate) struct ErrorPage {
    pub layout: Layout,
    pub title: &'static str,
    pub message: String,
}

/// What an HTML error answer says, kept on the response: the layer that knows the territory
/// ([`crate::shell::rejections::in_french`]) renders the page again in the site's full frame.
#[derive(Debug, Clone)]
pub(crate) struct ErrorInfo {
    pub title: &'static str,
    pub message: String,
}

/// An HTML error page in a frame without the territory's name, until
/// [`crate::shell::rejections::in_french`] renders it in the full one.
pub(crate) fn error_page(status: StatusCode, title: &'static str, message: String) -> Response {
    let page = ErrorPage {
        layout: Layout::bare(),
        title,
        message,
    };
    let body = page.render().unwrap_or_else(|_| page.message.clone());
    let mut response = (status, Html(body)).into_response();
    response.extensions_mut().insert(ErrorInfo {
        title,
        message: page.message,
    });
    response
}

/// An error answer of any status, as the page's or the API's format wants it: the French
/// error page, or `{"error": "…"}` under `/api/`.
pub(crate) fn error_response(
    status: StatusCode,
    title: &'static str,
    message: String,
    api: bool,
) -> Response {
    if api {
        return (status, Json(serde_json::json!({ "error": message }))).into_response();
    }
    error_page(status, title, message)
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.log();
        let title = match self {
            Self::NotFound => "Page introuvable",
            Self::BadRequest(_) => "Demande incorrecte",
            Self::Conflict(_) | Self::Unprocessable(_) => "Demande impossible",
            Self::Unavailable => "Service indisponible",
            Self::Forbidden => "Accès réservé",
            Self::CsrfMismatch => "Formulaire expiré",
            Self::TooManyAttempts => "Trop de tentatives",
            Self::Internal(_) => "Erreur",
        };
        error_page(self.status(), title, self.message())
    }
}

/// The API's face of [`WebError`]: `{"error": "…"}` in French.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        (
            self.0.status(),
            Json(serde_json::json!({ "error": self.0.message() })),
        )
            .into_response()
    }
}
