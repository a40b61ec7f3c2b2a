//! The edition in the back office: what Thursday will publish, the offers leaving with why and
//! how to keep them (confirm now, extend), and publishing it now.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use tremplin_domain::{Offer, OfferStatus, StartDate};
use tremplin_storage::{EditionPreview, EntryKind};

use crate::services::editions;
use crate::services::phoning::{self, WhomToCall};
use crate::shell::Layout;
use crate::shell::auth::Staff;
use crate::shell::dates::{next_edition, paris_day, paris_today};
use crate::shell::{CsrfForm, Id, Nav};
use crate::{AppState, WebError};

/// How an offer leaving the catalogue can be kept.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// Not confirmed in time: a call confirms it now.
    Confirm,
    /// Past its start date: a new start date brings it back.
    Extend,
    /// Filled or withdrawn on purpose: nothing to do.
    Nothing,
}

/// An offer the next edition takes out of the catalogue.
pub(super) struct Leaving {
    id: i64,
    title: String,
    company: String,
    commune: String,
    reason: String,
    keep: Keep,
    whom: WhomToCall,
}

fn leaving(state: &AppState, o: &Offer, whom: WhomToCall, today: chrono::NaiveDate) -> Leaving {
    let (reason, keep) = match o.status {
        OfferStatus::AReverifier => (
            match o.verified_at {
                Some(at) => format!("pas reconfirmée depuis le {}", paris_day(at)),
                None => "jamais confirmée par téléphone".to_owned(),
            },
            Keep::Confirm,
        ),
        OfferStatus::Expiree => (
            match o.fields.start.date() {
                Some(d) if d < today => {
                    format!("date de début dépassée (le {})", d.format("%d/%m/%Y"))
                }
                _ => "expirée : pas confirmée à temps".to_owned(),
            },
            Keep::Extend,
        ),
        OfferStatus::Pourvue => ("pourvue".to_owned(), Keep::Nothing),
        OfferStatus::Retiree => ("retirée".to_owned(), Keep::Nothing),
        s => (s.label().to_owned(), Keep::Nothing),
    };
    Leaving {
        id: o.id,
        title: o.fields.title.clone(),
        company: o.fields.company_name.clone(),
        commune: state
            .refs
            .communes
            .get(o.fields.commune.as_str())
            .map_or_else(|| o.fields.commune.to_string(), |c| c.name.clone()),
        reason,
        keep,
        whom,
    }
}

#[derive(Template)]
#[template(path = "features/editions/templates/preview.html")]
pub(super) struct EditionPage {
    layout: Layout,
    nav: Nav,
    next_edition: String,
    preview: EditionPreview,
    /// New and modified: their lists by title.
    kinds: [EntryKind; 2],
    leaving: Vec<Leaving>,
    flash: Option<String>,
    /// The extend form's suggested start date: in a month (AAAA-MM-JJ).
    suggested_start: String,
    today: String,
    /// The latest published editions (number, date), each with its social kit.
    published: Vec<(i64, String)>,
    /// The pépites that may go out with it, and the counselor's picks.
    picks: super::picks::PicksForm,
}

#[derive(Deserialize, Default)]
pub(super) struct PreviewQuery {
    confirmee: Option<i64>,
    prolongee: Option<i64>,
    pepites: Option<String>,
}

pub(super) async fn edition_preview(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<PreviewQuery>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let flash = match (q.confirmee, q.prolongee, q.pepites) {
        (Some(id), _, _) => state.store.get_offer(id).await?.map(|o| {
            format!(
                "« {} » est confirmée et reste au catalogue ; l'appel est noté dans le journal de l'entreprise.",
                o.fields.title
            )
        }),
        (_, Some(id), _) => state.store.get_offer(id).await?.map(|o| {
            format!(
                "« {} » est prolongée : {} ({}).",
                o.fields.title,
                o.status.label(),
                o.fields.start.label().to_lowercase()
            )
        }),
        (_, _, Some(_)) => Some("Les pépites de la prochaine édition sont enregistrées.".into()),
        _ => None,
    };
    let picks = super::picks::form(&state, None).await?;
    Ok(Html(
        preview_page(&state, &staff, flash, picks).await?.render()?,
    ))
}

/// The preview page, with a message and the pépites' form (as typed, with its errors).
pub(super) async fn preview_page(
    state: &AppState,
    staff: &Staff,
    flash: Option<String>,
    picks: super::picks::PicksForm,
) -> Result<EditionPage, WebError> {
    let preview = state.store.edition_preview().await?;
    let ids: Vec<i64> = preview
        .of_kind(&EntryKind::Removed)
        .iter()
        .map(|e| e.offer_id)
        .collect();
    let offers = state.store.get_offers(&ids).await?;
    let mut whom = phoning::whom_to_call(state, &offers).await?;
    let today = paris_today(state.clock.now());
    let page = EditionPage {
        layout: Layout::new(state, "/gestion/edition"),
        nav: Nav::new(staff),
        next_edition: next_edition(editions::next_slot(state)),
        leaving: offers
            .iter()
            .map(|o| leaving(state, o, whom.remove(&o.id).unwrap_or_default(), today))
            .collect(),
        preview,
        kinds: [EntryKind::New, EntryKind::Updated],
        flash,
        picks,
        suggested_start: (today + chrono::Months::new(1)).to_string(),
        today: today.to_string(),
        published: state
            .store
            .editions(5)
            .await?
            .into_iter()
            .map(|e| (e.number, crate::shell::dates::french_date(e.published_at)))
            .collect(),
    };
    Ok(page)
}

pub(super) async fn publish_edition(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&form.csrf)?;
    let edition = editions::publish_manual(&state, Some(staff.user.id)).await?;
    staff
        .log(&state, "édition publiée", &format!("n° {}", edition.number))
        .await?;
    Ok(Redirect::to(&format!("/editions/{}", edition.number)).into_response())
}

/// "Confirmer maintenant": the counselor just called; the offer stays, the call is logged.
pub(super) async fn confirm_now(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&form.csrf)?;
    let offer = state.store.get_offer(id).await?.ok_or(WebError::NotFound)?;
    let whom = phoning::whom_to_call(&state, std::slice::from_ref(&offer))
        .await?
        .remove(&offer.id)
        .unwrap_or_default();
    let note = format!(
        "{} (depuis l'aperçu de l'édition)",
        phoning::confirmation_note(&offer, &whom)
    );
    phoning::confirm(&state, &offer, &note, None, staff.user.id).await?;
    Ok(Redirect::to(&format!("/gestion/edition?confirmee={id}#message")).into_response())
}

#[derive(Deserialize)]
pub(super) struct ExtendForm {
    #[serde(default)]
    csrf: String,
    /// The new start date, AAAA-MM-JJ; empty: as soon as possible.
    #[serde(default)]
    debut: String,
}

/// "Prolonger": a new start date (today or later) brings the offer back.
pub(super) async fn extend(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(form): Form<ExtendForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&form.csrf)?;
    let today = paris_today(state.clock.now());
    let start = StartDate::parse(&form.debut).map_err(|e| WebError::BadRequest(e.message))?;
    start
        .check_window(today)
        .map_err(|e| WebError::BadRequest(e.message))?;
    if start.date().is_some_and(|d| d < today) {
        return Err(WebError::BadRequest(
            "Pour prolonger l'offre, donnez une date de début à partir d'aujourd'hui, ou laissez vide pour « dès que possible ».".into(),
        ));
    }
    state
        .store
        .extend_offer(id, start.date(), Some(staff.user.id), state.clock.now())
        .await?;
    staff
        .log(&state, "offre prolongée", &format!("offre {id}"))
        .await?;
    Ok(Redirect::to(&format!("/gestion/edition?prolongee={id}#message")).into_response())
}
