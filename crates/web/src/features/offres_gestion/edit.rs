//! Editing an offer: the form prefilled with its fields, checked by the same parser as imports.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use tremplin_domain::import::parse_record;
use tremplin_domain::lifecycle::partner_change_waits;
use tremplin_domain::{Offer, OfferStatus};

use super::{FORM_FIELDS, OfferFormPage, names, offer_form_field, visible_offer};
use crate::services::revisions;
use crate::shell::Id;
use crate::shell::Layout;
use crate::shell::Nav;
use crate::shell::auth::Staff;
use crate::{AppState, WebError};

/// The offer's fields as the form shows them (the CSV column names).
pub(super) fn form_values(o: &Offer) -> HashMap<String, String> {
    let f = &o.fields;
    let yes_no = |b: bool| if b { "oui" } else { "" }.to_owned();
    let opt = |v: Option<String>| v.unwrap_or_default();
    HashMap::from([
        ("title".to_owned(), f.title.clone()),
        ("description".to_owned(), f.description.clone()),
        (
            "rome_code".to_owned(),
            f.rome_codes
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join("|"),
        ),
        ("company_name".to_owned(), f.company_name.clone()),
        (
            "siret".to_owned(),
            opt(f.siret.as_ref().map(ToString::to_string)),
        ),
        ("commune_code".to_owned(), f.commune.to_string()),
        ("address".to_owned(), opt(f.address.clone())),
        ("cfa".to_owned(), opt(f.cfa.clone())),
        (
            "contract_type".to_owned(),
            f.contract_type.as_str().to_owned(),
        ),
        (
            "target_diploma_level".to_owned(),
            opt(f.level.map(|l| l.get().to_string())),
        ),
        ("diploma_label".to_owned(), opt(f.diploma_label.clone())),
        (
            "start_date".to_owned(),
            opt(f.start.date().map(|d| d.to_string())),
        ),
        (
            "duration_months".to_owned(),
            opt(f.duration_months.map(|d| d.to_string())),
        ),
        ("positions".to_owned(), f.positions.to_string()),
        ("rqth".to_owned(), yes_no(f.rqth)),
        ("driving_licence".to_owned(), yes_no(f.driving_licence)),
        (
            "contact_email".to_owned(),
            opt(f.contact.email.as_ref().map(ToString::to_string)),
        ),
        (
            "contact_phone".to_owned(),
            opt(f.contact.phone.as_ref().map(|p| p.display())),
        ),
        (
            "apply_url".to_owned(),
            opt(f.contact.apply_url.as_ref().map(ToString::to_string)),
        ),
        (
            "source_url".to_owned(),
            opt(f.source.url.as_ref().map(ToString::to_string)),
        ),
    ])
}

pub(super) fn editable(o: &Offer) -> Result<(), WebError> {
    if matches!(
        o.status,
        OfferStatus::Pourvue | OfferStatus::Expiree | OfferStatus::Retiree
    ) {
        Err(WebError::BadRequest(
            "Cette offre est close : créez-en une nouvelle.".into(),
        ))
    } else {
        Ok(())
    }
}

/// Tells a partner, before they edit a validated offer, that their change will wait.
fn waits_notice(staff: &Staff, offer: &Offer) -> Option<String> {
    (!staff.is_conseiller() && partner_change_waits(offer.status, offer.validated_at.is_some()))
        .then(|| {
            "Cette offre a été validée : votre modification attendra la validation d'un·e conseiller·e, et la version actuelle reste en ligne d'ici là."
                .to_owned()
        })
}

pub(super) async fn edit_offer(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
) -> Result<Html<String>, WebError> {
    let offer = visible_offer(&state, &staff, id).await?;
    editable(&offer)?;
    // A partner goes on from their change that waits, not from the version online.
    let pending = if staff.is_conseiller() {
        None
    } else {
        state.store.pending_revision(offer.id).await?
    };
    let (mut values, notice) = match pending {
        Some(p) => (
            p.record.into_iter().collect(),
            Some(
                "Vous reprenez votre modification en attente de validation : l'enregistrer la remplace. La version validée reste en ligne jusqu'à ce qu'un·e conseiller·e l'accepte."
                    .to_owned(),
            ),
        ),
        None => (form_values(&offer), waits_notice(&staff, &offer)),
    };
    names::show_names(&state, &mut values);
    let page = OfferFormPage {
        action: format!("/gestion/offres/{}/modifier", offer.id),
        heading: format!("Modifier « {} »", offer.fields.title),
        layout: Layout::new(&state, &format!("/gestion/offres/{}/modifier", offer.id)),
        nav: Nav::new(&staff),
        values,
        errors: Vec::new(),
        notice,
        rome_choices: Vec::new(),
        commune_choices: Vec::new(),
        centres: super::centre_names(&state).await?,
    };
    Ok(Html(page.render()?))
}

pub(super) async fn save_offer(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.check_csrf(form.get("csrf").map_or("", String::as_str))?;
    let offer = visible_offer(&state, &staff, id).await?;
    editable(&offer)?;
    let external_id = offer
        .fields
        .source
        .external_id
        .clone()
        .unwrap_or_else(|| offer.id.to_string());
    let named = names::read(&state, &form);
    let get = |name: &str| offer_form_field(&named.coded, &external_id, name);
    let parsed = parse_record(
        &get,
        &offer.fields.source.name,
        &|c| state.refs.commune_centre(c),
        state.clock.now().date_naive(),
    )
    .map(|mut input| {
        input.source.kind = offer.fields.source.kind;
        // The source's point stays with its commune; another commune means its centre.
        if input.commune == offer.fields.commune {
            input.location = offer.fields.location;
        }
        input
    });
    let now = state.clock.now();
    let errors = match parsed {
        Ok(_) if !named.errors.is_empty() => named.errors.clone(),
        Ok(input) => match if staff.is_conseiller() {
            state
                .store
                .update_offer(offer.id, &input, Some(staff.user.id), now)
                .await
                .map(|_| ())
        } else {
            // A validated offer keeps its version online until a counselor accepts this one.
            revisions::submit(&state, &offer, &input, Some(staff.user.id))
                .await
                .map(|_| ())
        } {
            Ok(()) => return Ok(super::saved_redirect(offer.id)),
            Err(tremplin_storage::StoreError::Invalid(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => named.merge(errors),
    };
    let values = FORM_FIELDS
        .iter()
        .map(|f| {
            (
                f.to_string(),
                named.shown.get(*f).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let page = OfferFormPage {
        action: format!("/gestion/offres/{}/modifier", offer.id),
        heading: format!("Modifier « {} »", offer.fields.title),
        layout: Layout::new(&state, &format!("/gestion/offres/{}/modifier", offer.id)),
        nav: Nav::new(&staff),
        values,
        errors,
        notice: waits_notice(&staff, &offer),
        rome_choices: named.rome_choices,
        commune_choices: named.commune_choices,
        centres: super::centre_names(&state).await?,
    };
    Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}
