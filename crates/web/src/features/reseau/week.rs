//! "Ma semaine": the calls due in the coming days by day (overdue first), the offers to confirm
//! before Thursday with whom to call, confirming one with its call record (and undoing it),
//! the follow-ups and the companies never called.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use tremplin_domain::network::{CallInput, CallOutcome};
use tremplin_domain::{Invalid, Offer};
use tremplin_storage::CompanyFilter;

use super::filters::{self, CommuneChoice, Sector};
use super::{CompanyLine, company_line};
use crate::services::phoning::{self, WhomToCall};
use crate::shell::Id;
use crate::shell::Layout;
use crate::shell::auth::Staff;
use crate::shell::dates::{french_day, paris, paris_today};
use crate::shell::{Nav, OfferLine, line};
use crate::{AppState, WebError};

/// How far "this week" looks ahead for calls: up to the same weekday next week ("rappeler
/// jeudi" said on a Thursday is next Thursday).
const DAYS_AHEAD: i64 = 7;
/// Companies never called shown on the page, by name.
const NEVER_CALLED_SHOWN: usize = 50;

/// The calls of one day (or the overdue ones).
pub struct DayCalls {
    pub heading: String,
    pub overdue: bool,
    pub companies: Vec<CompanyLine>,
}

/// An offer to confirm, with whom to call.
pub struct ToConfirm {
    pub o: OfferLine,
    pub whom: WhomToCall,
}

/// A message after a redirect: what was just done, and how to take it back.
pub struct Flash {
    pub text: String,
    /// The confirmation call "Annuler" takes back.
    pub undo_call: Option<i64>,
}

#[derive(Deserialize, Default)]
pub(super) struct WeekQuery {
    secteur: Option<String>,
    commune: Option<String>,
    /// Just confirmed: the offer, and the call that did it.
    confirmee: Option<i64>,
    appel: Option<i64>,
    /// A confirmation just taken back.
    annulee: Option<i64>,
    /// A call noted that did not confirm the offer.
    notee: Option<i64>,
}

#[derive(Template)]
#[template(path = "features/reseau/templates/week.html")]
struct WeekPage {
    layout: Layout,
    nav: Nav,
    flash: Option<Flash>,
    days: Vec<DayCalls>,
    due_count: usize,
    reverify: Vec<ToConfirm>,
    /// Applications without an answer for 7 days: call the employer.
    relances: Vec<(String, String, i64, String)>,
    /// Partners' changes to validated offers, oldest first: (offer, title, sent).
    revisions: Vec<(i64, String, String)>,
    never: Vec<CompanyLine>,
    sectors: Vec<Sector>,
    secteur: String,
    commune: String,
    /// Communes that answer to the name typed: (what to put in the box, label).
    commune_choices: Vec<(String, String)>,
    communes: Vec<String>,
}

/// The calls due up to `DAYS_AHEAD` days from today, grouped: overdue, then day by day.
fn group_by_day(
    state: &AppState,
    due: &[tremplin_storage::CompanySummary],
    today: NaiveDate,
) -> Vec<DayCalls> {
    let mut days: Vec<DayCalls> = Vec::new();
    for c in due {
        let Some(day) = c.next_call_on else { continue };
        let (heading, overdue) = if day < today {
            ("En retard".to_owned(), true)
        } else if day == today {
            (format!("Aujourd'hui, {}", french_day(day)), false)
        } else {
            (french_day(day), false)
        };
        match days.last_mut() {
            Some(d) if d.heading == heading => d.companies.push(company_line(state, c)),
            _ => days.push(DayCalls {
                heading,
                overdue,
                companies: vec![company_line(state, c)],
            }),
        }
    }
    days
}

async fn flash(state: &AppState, q: &WeekQuery) -> Result<Option<Flash>, WebError> {
    let title = |o: Option<Offer>| o.map_or_else(String::new, |o| o.fields.title);
    Ok(if let Some(id) = q.confirmee {
        Some(Flash {
            text: format!(
                "« {} » est confirmée ; l'appel est noté dans le journal de l'entreprise.",
                title(state.store.get_offer(id).await?)
            ),
            undo_call: q.appel,
        })
    } else if let Some(id) = q.annulee {
        let o = state.store.get_offer(id).await?;
        Some(Flash {
            text: format!(
                "Confirmation annulée : « {} » est de nouveau « {} », et l'appel est retiré du journal.",
                o.as_ref().map_or("", |o| o.fields.title.as_str()),
                o.as_ref().map_or("", |o| o.status.label()),
            ),
            undo_call: None,
        })
    } else if let Some(id) = q.notee {
        Some(Flash {
            text: format!(
                "Appel noté pour « {} » ; l'offre n'est pas confirmée.",
                title(state.store.get_offer(id).await?)
            ),
            undo_call: None,
        })
    } else {
        None
    })
}

pub(super) async fn week(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<WeekQuery>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let now = state.clock.now();
    let today = paris_today(now);
    let weeks = state.territory().map_or(4, |t| t.reverify_weeks.max(1));
    // Offers whose confirmation falls due before next Thursday's edition.
    let before = now - Duration::weeks(weeks) + Duration::days(7);
    let due = state
        .store
        .calls_due(today + Duration::days(DAYS_AHEAD))
        .await?;
    // A week's work, oldest first: the page stays light whatever the catalogue's size.
    let reverify = state.store.offers_to_reverify(before, 100).await?;
    let whom = phoning::whom_to_call(&state, &reverify).await?;
    let secteur = filters::sector_filter(q.secteur.as_deref())?;
    let (commune, commune_choices) = match filters::commune_filter(&state, q.commune.as_deref())? {
        CommuneChoice::Any => (None, Vec::new()),
        CommuneChoice::One(code) => (Some(code), Vec::new()),
        CommuneChoice::Several(list) => (None, list),
    };
    let never = if commune_choices.is_empty() {
        state
            .store
            .companies(&CompanyFilter {
                naf: secteur.clone(),
                commune,
                never_called: true,
                // The page shows the first 50; the network page lists them all.
                limit: Some(NEVER_CALLED_SHOWN as i64),
                ..Default::default()
            })
            .await?
    } else {
        Vec::new()
    };
    let page = WeekPage {
        layout: Layout::new(&state, "/gestion/semaine"),
        nav: Nav::new(&staff),
        flash: flash(&state, &q).await?,
        days: group_by_day(&state, &due, today),
        due_count: due.len(),
        reverify: reverify
            .iter()
            .map(|o| ToConfirm {
                o: line(&state, o),
                whom: whom.get(&o.id).cloned().unwrap_or_default(),
            })
            .collect(),
        relances: relances(&state, now).await?,
        revisions: revisions(&state).await?,
        never: never.iter().map(|c| company_line(&state, c)).collect(),
        sectors: filters::sectors(&state).await?,
        secteur: secteur.unwrap_or_default(),
        commune: q.commune.unwrap_or_default(),
        commune_choices,
        communes: filters::territory_communes(&state),
    };
    Ok(Html(page.render()?))
}

/// Applications without an answer for 7 days: (who, offer title, offer, employer's phone).
async fn relances(
    state: &AppState,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<(String, String, i64, String)>, WebError> {
    let waiting = state
        .store
        .applications_without_answer((now - Duration::days(7)).timestamp())
        .await?;
    let titles: HashMap<i64, _> = state
        .store
        .get_offers(&waiting.iter().map(|a| a.offer_id).collect::<Vec<_>>())
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    Ok(waiting
        .iter()
        .map(|a| {
            let offer = titles.get(&a.offer_id);
            (
                format!("{} {}", a.first_name, a.last_name),
                offer.map_or_else(String::new, |o| o.fields.title.clone()),
                a.offer_id,
                offer.map_or_else(String::new, |o| {
                    o.fields
                        .contact
                        .phone
                        .as_ref()
                        .map(|p| p.display())
                        .unwrap_or_default()
                }),
            )
        })
        .collect())
}

/// Partners' changes waiting for a counselor: (offer, title, sent, Paris time).
async fn revisions(state: &AppState) -> Result<Vec<(i64, String, String)>, WebError> {
    let pending = state.store.pending_revisions(None, 50).await?;
    let titles: HashMap<i64, String> = state
        .store
        .get_offers(&pending.iter().map(|p| p.offer_id).collect::<Vec<_>>())
        .await?
        .into_iter()
        .map(|o| (o.id, o.fields.title))
        .collect();
    Ok(pending
        .iter()
        .map(|p| {
            (
                p.offer_id,
                titles.get(&p.offer_id).cloned().unwrap_or_default(),
                paris(p.submitted_at),
            )
        })
        .collect())
}

#[derive(Template)]
#[template(path = "features/reseau/templates/confirm.html")]
struct ConfirmPage {
    layout: Layout,
    nav: Nav,
    o: OfferLine,
    whom: WhomToCall,
    outcomes: Vec<(&'static str, &'static str)>,
    outcome: String,
    notes: String,
    next_call_on: String,
    errors: Vec<Invalid>,
}

/// The offer to confirm, if it can still be confirmed.
async fn confirmable(state: &AppState, id: i64) -> Result<Offer, WebError> {
    let offer = state.store.get_offer(id).await?.ok_or(WebError::NotFound)?;
    if !matches!(
        offer.status,
        tremplin_domain::OfferStatus::Publiee | tremplin_domain::OfferStatus::AReverifier
    ) {
        return Err(WebError::BadRequest(format!(
            "« {} » est {} : il n'y a plus rien à confirmer.",
            offer.fields.title,
            offer.status.label()
        )));
    }
    Ok(offer)
}

async fn render_confirm(
    state: &AppState,
    staff: &Staff,
    offer: &Offer,
    form: Option<&CallForm>,
    errors: Vec<Invalid>,
) -> Result<String, WebError> {
    let whom = phoning::whom_to_call(state, std::slice::from_ref(offer))
        .await?
        .remove(&offer.id)
        .unwrap_or_default();
    let page = ConfirmPage {
        layout: Layout::new(state, &format!("/gestion/semaine/confirmer/{}", offer.id)),
        nav: Nav::new(staff),
        o: line(state, offer),
        outcomes: CallOutcome::ALL
            .iter()
            .filter(|o| **o != CallOutcome::OffreRecueillie)
            .map(|o| (o.as_str(), o.label()))
            .collect(),
        outcome: form.map_or_else(
            || CallOutcome::OffreConfirmee.as_str().to_owned(),
            |f| f.outcome.clone(),
        ),
        notes: form.map_or_else(
            || phoning::confirmation_note(offer, &whom),
            |f| f.notes.clone(),
        ),
        next_call_on: form.map_or_else(String::new, |f| f.next_call_on.clone()),
        whom,
        errors,
    };
    Ok(page.render()?)
}

/// The call record of a confirmation, prefilled: the counselor reads it, corrects it, sends.
pub(super) async fn confirm_form(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let offer = confirmable(&state, id).await?;
    Ok(Html(
        render_confirm(&state, &staff, &offer, None, Vec::new()).await?,
    ))
}

#[derive(Deserialize)]
pub(super) struct CallForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    next_call_on: String,
}

/// Records the call; "offre confirmée" also confirms the offer (undoable from the next page),
/// any other outcome only goes to the company's log.
pub(super) async fn confirm(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(f): Form<CallForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    let offer = confirmable(&state, id).await?;
    let today = paris_today(state.clock.now());
    let call = match CallInput::parse(&f.outcome, &f.notes, &f.next_call_on, today) {
        Ok(call) if call.outcome != CallOutcome::OffreRecueillie => call,
        Ok(_) => {
            return Err(WebError::BadRequest(
                "Pour une nouvelle offre, notez l'appel depuis la page de l'entreprise.".into(),
            ));
        }
        Err(errors) => {
            let page = render_confirm(&state, &staff, &offer, Some(&f), errors).await?;
            return Ok((StatusCode::BAD_REQUEST, Html(page)).into_response());
        }
    };
    if call.outcome == CallOutcome::OffreConfirmee {
        let call_id = phoning::confirm(
            &state,
            &offer,
            &call.notes,
            call.next_call_on,
            staff.user.id,
        )
        .await?;
        return Ok(Redirect::to(&format!(
            "/gestion/semaine?confirmee={}&appel={call_id}#message",
            offer.id
        ))
        .into_response());
    }
    state
        .store
        .record_call(
            offer.company_id,
            &call,
            Some(staff.user.id),
            state.clock.now(),
        )
        .await?;
    Ok(Redirect::to(&format!("/gestion/semaine?notee={}#message", offer.id)).into_response())
}

#[derive(Deserialize)]
pub(super) struct UndoForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    appel: String,
}

/// "Annuler": the offer gets back its status and the call leaves the log.
pub(super) async fn undo(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<UndoForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&f.csrf)?;
    let call_id: i64 = f
        .appel
        .trim()
        .parse()
        .map_err(|_| WebError::BadRequest("Cet appel n'existe pas.".into()))?;
    let undone = state
        .store
        .undo_offer_confirmation(call_id, Some(staff.user.id), state.clock.now())
        .await?;
    Ok(Redirect::to(&format!(
        "/gestion/semaine?annulee={}#message",
        undone.offer_id
    ))
    .into_response())
}
