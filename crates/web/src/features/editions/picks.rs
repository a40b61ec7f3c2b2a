//! The week's pépites in the edition's preview: the counselor ticks one or two published
//! portraits that may be relayed; the edition takes them when it is published.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::services::pepite_picks;
use crate::services::relays::pepites::relayable;
use crate::shell::auth::Staff;
use crate::{AppState, WebError};

/// A published pépite the form offers.
pub(super) struct Candidate {
    pub id: i64,
    pub name: String,
    pub trades: String,
    pub checked: bool,
    /// Every consent to the networks and the press is given: it may go in the kit.
    pub relayable: bool,
}

/// The form: the published pépites, which are ticked, and why the last choice was refused.
pub(super) struct PicksForm {
    pub candidates: Vec<Candidate>,
    pub errors: Vec<String>,
}

/// The form as stored (`typed`: None), or as the counselor ticked it, with its errors.
pub(super) async fn form(
    state: &AppState,
    typed: Option<(&[i64], Vec<String>)>,
) -> Result<PicksForm, WebError> {
    let picked: Vec<i64> = match typed {
        Some((ids, _)) => ids.to_vec(),
        None => pepite_picks::picked(state)
            .await?
            .iter()
            .map(|p| p.id)
            .collect(),
    };
    let mut candidates = Vec::new();
    for p in state.store.published_pepites().await? {
        candidates.push(Candidate {
            id: p.id,
            trades: crate::services::relays::pepites::trade_labels(state, &p).join(", "),
            checked: picked.contains(&p.id),
            relayable: relayable(state, &p).await?,
            name: p.display_name,
        });
    }
    Ok(PicksForm {
        candidates,
        errors: typed.map(|(_, e)| e).unwrap_or_default(),
    })
}

/// `csrf` and one `pepite` per ticked box.
fn parse(fields: &[(String, String)]) -> (String, Result<Vec<i64>, String>) {
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let ids = fields
        .iter()
        .filter(|(k, _)| k == "pepite")
        .map(|(_, v)| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| "Choisissez les pépites dans la liste.".to_owned())
        })
        .collect();
    (csrf, ids)
}

pub(super) async fn save(
    State(state): State<AppState>,
    staff: Staff,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let (csrf, ids) = parse(&fields);
    staff.check_csrf(&csrf)?;
    let outcome = match ids {
        Ok(ids) => pepite_picks::set(&state, &ids)
            .await?
            .map(|()| ids.clone())
            .map_err(|e| (ids, e)),
        Err(e) => Err((Vec::new(), vec![e])),
    };
    match outcome {
        Ok(ids) => {
            let detail = if ids.is_empty() {
                "aucune".to_owned()
            } else {
                ids.iter()
                    .map(|i| format!("n° {i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            staff.log(&state, "pépites de l'édition", &detail).await?;
            Ok(Redirect::to("/gestion/edition?pepites=1#pepites").into_response())
        }
        Err((ids, errors)) => {
            let picks = form(&state, Some((&ids, errors))).await?;
            let page = super::gestion::preview_page(&state, &staff, None, picks).await?;
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}
