//! The members of the activity's promo on its page: each with where they stand (seated,
//! waiting, not registered), « Inscrire les membres de la promo » for all of them at once and
//! « Inscrire » for one, through the same seats and waiting list as the public page.

use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use tremplin_domain::activity::RegistrationStatus;
use tremplin_storage::{Activity, Registration};

use crate::services::promo_activities::{self, Tally};
use crate::shell::auth::Staff;
use crate::shell::{Id, Ids};
use crate::{AppState, WebError};

/// A member of the promo and where they stand for this activity.
pub(super) struct MemberLine {
    pub id: i64,
    pub name: String,
    /// « Inscrit·e », « Liste d'attente », or empty when not registered.
    pub status: &'static str,
}

/// The promo part of the page: its name, and its members in order.
pub(super) struct PromoPart {
    pub id: i64,
    pub name: String,
    pub members: Vec<MemberLine>,
    /// Members not registered yet.
    pub to_register: usize,
}

/// The promo part of an activity's page, when it belongs to a promo.
pub(super) async fn part(
    state: &AppState,
    a: &Activity,
    registrations: &[Registration],
) -> Result<Option<PromoPart>, WebError> {
    let Some(promo) = a.promo_id else {
        return Ok(None);
    };
    let Some(p) = state.store.promo(promo).await? else {
        return Ok(None);
    };
    let members: Vec<MemberLine> = state
        .store
        .promo_members(promo)
        .await?
        .into_iter()
        .map(|m| {
            let status = registrations
                .iter()
                .find(|r| {
                    r.young_person_id == Some(m.person.id) && r.status != RegistrationStatus::Annule
                })
                .map_or("", |r| r.status.label());
            MemberLine {
                id: m.person.id,
                name: m.person.name(),
                status,
            }
        })
        .collect();
    Ok(Some(PromoPart {
        id: p.id,
        name: p.name,
        to_register: members.iter().filter(|m| m.status.is_empty()).count(),
        members,
    }))
}

#[derive(serde::Deserialize)]
pub(super) struct Csrf {
    #[serde(default)]
    csrf: String,
}

async fn register(
    state: &AppState,
    staff: &Staff,
    id: i64,
    only: Option<i64>,
) -> Result<Response, WebError> {
    let a = state.store.activity(id).await?.ok_or(WebError::NotFound)?;
    let promo = a.promo_id.ok_or_else(|| {
        WebError::BadRequest(
            "Cette activité n'est liée à aucune promo : choisissez sa promo en la modifiant."
                .into(),
        )
    })?;
    let members: Vec<i64> = state
        .store
        .promo_members(promo)
        .await?
        .into_iter()
        .map(|m| m.person.id)
        .filter(|m| only.is_none_or(|o| o == *m))
        .collect();
    if only.is_some() && members.is_empty() {
        return Err(WebError::NotFound);
    }
    let Tally {
        seated,
        waiting,
        already,
    } = promo_activities::register_members(state, id, &members).await?;
    staff
        .log(
            state,
            "membres inscrits à une activité",
            &format!("activité n° {id}, promo {promo} : {seated} inscrit(s), {waiting} en attente"),
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/gestion/activites/{id}?inscrits={seated}&attente={waiting}&deja={already}#membres"
    ))
    .into_response())
}

/// « Inscrire les membres de la promo »: every member not registered yet.
pub(super) async fn register_all(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(f): Form<Csrf>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    register(&state, &staff, id, None).await
}

/// « Inscrire » one member.
pub(super) async fn register_one(
    State(state): State<AppState>,
    staff: Staff,
    Ids(id, young): Ids,
    Form(f): Form<Csrf>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    register(&state, &staff, id, Some(young)).await
}
