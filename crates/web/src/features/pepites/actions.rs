//! What a counselor does to a pépite: publish, take back, feature this week, end it; and
//! what came of an employer's request.

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tremplin_domain::pepite::consent::Scope;

use super::gestion::{counselor_pepite, detail_page, this_week};
use crate::services::{pepite_picks, pepites};
use crate::shell::Id;
use crate::shell::auth::Staff;
use crate::{AppState, WebError};

#[derive(serde::Deserialize)]
pub(super) struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}

/// Publish, take back, feature this week, end (contract signed).
pub(super) async fn action(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(f): Form<ActionForm>,
) -> Result<Response, WebError> {
    let p = counselor_pepite(&state, &staff, id).await?;
    staff.check_csrf(&f.csrf)?;
    let now = state.clock.now();
    let refuse = |message: String| async {
        let p = state.store.pepite(id).await?.ok_or(WebError::NotFound)?;
        Ok::<_, WebError>(
            (
                StatusCode::CONFLICT,
                Html(detail_page(&state, &staff, p, Some(message)).await?),
            )
                .into_response(),
        )
    };
    if p.is_over() {
        return refuse("Ce portrait est terminé : il ne peut plus changer.".into()).await;
    }
    match f.action.as_str() {
        "publier" => {
            let consents = state.store.pepite_consents(id).await?;
            let today = now.date_naive();
            if let Some(m) = pepites::missing(&p, &consents, Scope::Tremplin, today).first() {
                return refuse(format!(
                    "Publication refusée : {}",
                    m.message(Scope::Tremplin)
                ))
                .await;
            }
            let what = [
                (p.video_key.is_none(), "la vidéo"),
                (p.poster_key.is_none(), "l'affiche"),
                (p.captions_key.is_none(), "les sous-titres"),
            ];
            let absent: Vec<&str> = what.iter().filter(|(a, _)| *a).map(|(_, w)| *w).collect();
            if !absent.is_empty() {
                return refuse(format!(
                    "Publication refusée : il manque {}.",
                    absent.join(", ")
                ))
                .await;
            }
            state.store.set_pepite_published(id, true, now).await?;
            staff
                .log(&state, "pepite.publiee", &format!("pépite {id}"))
                .await?;
        }
        "depublier" => {
            state.store.set_pepite_published(id, false, now).await?;
            state.store.set_pepite_featured(id, None).await?;
            state.cards.forget_pepite(id);
        }
        "semaine" => {
            // The same rules as the edition's form: published, relayable, two at most.
            let mut ids: Vec<i64> = pepite_picks::picked(&state)
                .await?
                .iter()
                .map(|o| o.id)
                .filter(|o| *o != id)
                .collect();
            if p.featured_week.as_deref() != Some(this_week(&state).as_str()) {
                ids.push(id);
            }
            if ids.len() > pepite_picks::MAX {
                return refuse(
                    "Deux pépites partent déjà cette semaine : retirez-en une d'abord.".into(),
                )
                .await;
            }
            if let Err(errors) = pepite_picks::set(&state, &ids).await? {
                return refuse(errors.join(" ")).await;
            }
        }
        "contrat" => {
            pepites::end(&state, id, "terminee", "contrat signé").await?;
            staff
                .log(&state, "pepite.terminee", &format!("pépite {id}"))
                .await?;
        }
        _ => return Err(WebError::BadRequest("Action inconnue.".into())),
    }
    Ok(Redirect::to(&format!("/gestion/pepites/{id}")).into_response())
}

#[derive(serde::Deserialize)]
pub(super) struct OutcomeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    suite: String,
}

/// What came of an employer's request; a contract ends the pépite.
pub(super) async fn outcome(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(f): Form<OutcomeForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    if !matches!(
        f.suite.as_str(),
        "rencontre" | "immersion" | "contrat" | "sans_suite"
    ) {
        return Err(WebError::BadRequest(
            "Choisissez ce qui est ressorti de la demande.".into(),
        ));
    }
    let pepite_id = state
        .store
        .set_meeting_outcome(id, &f.suite, state.clock.now())
        .await?
        .ok_or(WebError::NotFound)?;
    if f.suite == "contrat" {
        pepites::end(&state, pepite_id, "terminee", "contrat signé").await?;
    }
    Ok(Redirect::to(&format!("/gestion/pepites/{pepite_id}")).into_response())
}
