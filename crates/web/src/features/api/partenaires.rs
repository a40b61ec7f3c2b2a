//! The partners' API: an organisation creates, changes and withdraws its own offers with a
//! bearer token. Same validation and life cycle as the forms; the JSON keys are the CSV
//! import's column names; creation is idempotent on the organisation's `external_id`.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tremplin_domain::ClosingReason;
use tremplin_domain::import::{OPTIONAL, REQUIRED, parse_record};
use tremplin_domain::lifecycle::{Action, Actor, partner_change_waits};
use tremplin_domain::revision::{changes, to_record};
use tremplin_domain::{Offer, OfferStatus, SourceKind};
use tremplin_storage::{OfferMeta, PendingRevision, StoreError, UpsertOutcome};

use crate::error::ApiError;
use crate::services::revisions::{self, PartnerChange};
use crate::services::secrets;
use crate::shell::ApiId;
use crate::{AppState, WebError};

/// The organisation a valid bearer token stands for.
pub struct Partner {
    pub organisation_id: i64,
}

/// 401 with `WWW-Authenticate`, in French.
pub struct Unauthorized(&'static str);

impl IntoResponse for Unauthorized {
    fn into_response(self) -> Response {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            Json(json!({ "error": self.0 })),
        )
            .into_response()
    }
}

impl FromRequestParts<AppState> for Partner {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                Unauthorized(
                    "Jeton d'accès manquant : ajoutez l'en-tête « Authorization: Bearer <jeton> ».",
                )
                .into_response()
            })?;
        match state
            .store
            .api_token_organisation(&secrets::token_hash(token), state.clock.now())
            .await
        {
            Ok(Some((organisation_id, _))) => Ok(Self { organisation_id }),
            Ok(None) => Err(Unauthorized("Jeton d'accès inconnu ou révoqué.").into_response()),
            Err(e) => Err(ApiError::from(e).into_response()),
        }
    }
}

pub(super) fn source_name(organisation_id: i64) -> String {
    format!("organisation-{organisation_id}")
}

/// The JSON body as the CSV parser's fields; unknown keys are refused.
pub(super) fn fields(body: &Bytes) -> Result<HashMap<String, String>, WebError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        WebError::BadRequest(format!(
            "Le corps de la requête n'est pas du JSON valide (ligne {}, colonne {}).",
            e.line(),
            e.column()
        ))
    })?;
    let Value::Object(map) = value else {
        return Err(WebError::BadRequest(
            "Le corps de la requête doit être un objet JSON.".into(),
        ));
    };
    let mut out = HashMap::new();
    for (k, v) in map {
        if !REQUIRED.contains(&k.as_str()) && !OPTIONAL.contains(&k.as_str()) {
            return Err(WebError::BadRequest(format!(
                "Champ inconnu « {k} ». Champs possibles : {}, {}.",
                REQUIRED.join(", "),
                OPTIONAL.join(", ")
            )));
        }
        let text = match v {
            Value::Null => String::new(),
            Value::Bool(b) => if b { "oui" } else { "non" }.to_owned(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => s,
            _ => {
                return Err(WebError::BadRequest(format!(
                    "Le champ « {k} » doit être un texte, un nombre ou un booléen."
                )));
            }
        };
        out.insert(k, text);
    }
    Ok(out)
}

pub(super) fn invalid(errors: Vec<tremplin_domain::Invalid>) -> ApiError {
    WebError::BadRequest(
        errors
            .into_iter()
            .map(|e| e.message)
            .collect::<Vec<_>>()
            .join(" "),
    )
    .into()
}

pub(super) fn answer(state: &AppState, status: StatusCode, offer: &Offer) -> Response {
    (status, Json(body_of(state, offer))).into_response()
}

fn body_of(state: &AppState, offer: &Offer) -> Value {
    json!({
        "id": offer.id,
        "external_id": offer.fields.source.external_id,
        "status": offer.status.as_str(),
        "url": format!("{}/offres/{}", state.config.public_url, offer.id),
    })
}

/// 202 Accepted: the change to a validated offer waits for a counselor; `status` and the
/// public page stay those of the validated version.
fn pending_answer(state: &AppState, offer: &Offer, pending: &PendingRevision) -> Response {
    let mut body = body_of(state, offer);
    let fields: Vec<String> = changes(&to_record(&offer.fields), &pending.record)
        .into_iter()
        .map(|c| c.column)
        .collect();
    body["pending_change"] = json!({
        "status": "en attente de validation",
        "submitted_at": pending.submitted_at.to_rfc3339(),
        "fields": fields,
    });
    body["message"] = json!(
        "Modification enregistrée, en attente de validation par un·e conseiller·e de la Mission Locale : d'ici là, la version validée reste publiée."
    );
    (StatusCode::ACCEPTED, Json(body)).into_response()
}

/// Sends a partner's change through the rule on validated offers; the answer when it waits.
async fn change(
    state: &AppState,
    offer: &Offer,
    input: &tremplin_domain::OfferInput,
) -> Result<Option<Response>, ApiError> {
    match revisions::submit(state, offer, input, None).await {
        Err(StoreError::Invalid(e)) => Err(invalid(vec![e])),
        Err(e) => Err(e.into()),
        Ok(PartnerChange::Pending(p)) => Ok(Some(pending_answer(state, offer, &p))),
        Ok(_) => Ok(None),
    }
}

/// `POST /api/v1/offers`
pub async fn create(
    State(state): State<AppState>,
    partner: Partner,
    body: Bytes,
) -> Result<Response, ApiError> {
    let f = fields(&body)?;
    let get = |k: &str| f.get(k).map_or("", |v| v.trim());
    let mut input = parse_record(
        &get,
        &source_name(partner.organisation_id),
        &|c| state.refs.commune_centre(c),
        state.clock.now().date_naive(),
    )
    .map_err(invalid)?;
    input.source.kind = SourceKind::Partenaire;
    // Sent again: a change to an offer a counselor validated waits for a counselor.
    let existing = match &input.source.external_id {
        Some(ext) => {
            state
                .store
                .offer_id_by_source(&input.source.name, ext)
                .await?
        }
        None => None,
    };
    if let Some(id) = existing {
        let offer = state.store.get_offer(id).await?.ok_or(WebError::NotFound)?;
        if offer.organisation_id != Some(partner.organisation_id) {
            return Err(WebError::Forbidden.into());
        }
        let closed = matches!(
            offer.status,
            OfferStatus::Pourvue | OfferStatus::Expiree | OfferStatus::Retiree
        );
        if !closed && partner_change_waits(offer.status, offer.validated_at.is_some()) {
            if let Some(r) = change(&state, &offer, &input).await? {
                return Ok(r);
            }
            return Ok(answer(&state, StatusCode::OK, &offer));
        }
    }
    let meta = OfferMeta {
        organisation_id: Some(partner.organisation_id),
        user_id: None,
        validated: false,
    };
    let now = state.clock.now();
    let (id, outcome) = match state
        .store
        .upsert_offer_as(&input, OfferStatus::AValider, &meta, now)
        .await
    {
        Err(StoreError::Invalid(e)) => return Err(invalid(vec![e])),
        other => other?,
    };
    let offer = state.store.get_offer(id).await?.ok_or(WebError::NotFound)?;
    if offer.organisation_id != Some(partner.organisation_id) {
        return Err(WebError::Forbidden.into());
    }
    Ok(answer(
        &state,
        if outcome == UpsertOutcome::Created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        &offer,
    ))
}

/// The partner's own offer: 404 if unknown, 403 if another organisation's.
pub(super) async fn own(state: &AppState, partner: &Partner, id: i64) -> Result<Offer, ApiError> {
    let offer = state.store.get_offer(id).await?.ok_or(WebError::NotFound)?;
    if offer.organisation_id != Some(partner.organisation_id) {
        return Err(ApiError(WebError::Forbidden));
    }
    Ok(offer)
}

/// `PUT /api/v1/offers/{id}`
pub async fn update(
    State(state): State<AppState>,
    partner: Partner,
    ApiId(id): ApiId,
    body: Bytes,
) -> Result<Response, ApiError> {
    let offer = own(&state, &partner, id).await?;
    if !matches!(
        offer.status,
        OfferStatus::Brouillon
            | OfferStatus::AValider
            | OfferStatus::Publiee
            | OfferStatus::AReverifier
    ) {
        return Err(
            WebError::BadRequest("Cette offre est close : créez-en une nouvelle.".into()).into(),
        );
    }
    let mut f = fields(&body)?;
    // The external id stays the offer's own.
    f.insert(
        "external_id".into(),
        offer
            .fields
            .source
            .external_id
            .clone()
            .unwrap_or_else(|| offer.id.to_string()),
    );
    let get = |k: &str| f.get(k).map_or("", |v| v.trim());
    let mut input = parse_record(
        &get,
        &offer.fields.source.name,
        &|c| state.refs.commune_centre(c),
        state.clock.now().date_naive(),
    )
    .map_err(invalid)?;
    input.source.kind = offer.fields.source.kind;
    if let Some(r) = change(&state, &offer, &input).await? {
        return Ok(r);
    }
    let offer = state
        .store
        .get_offer(offer.id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(answer(&state, StatusCode::OK, &offer))
}

/// `DELETE /api/v1/offers/{id}`: the offer is withdrawn (kept, with its history).
pub async fn withdraw(
    State(state): State<AppState>,
    partner: Partner,
    ApiId(id): ApiId,
) -> Result<Response, ApiError> {
    let offer = own(&state, &partner, id).await?;
    if offer.status != OfferStatus::Retiree {
        match state
            .store
            .apply_offer_action(
                offer.id,
                Action::Retirer,
                Actor::Partenaire,
                None,
                state.clock.now(),
            )
            .await
        {
            Err(StoreError::Invalid(e)) => return Err(invalid(vec![e])),
            other => other?,
        };
    }
    let offer = state
        .store
        .get_offer(offer.id)
        .await?
        .ok_or(WebError::NotFound)?;
    crate::services::notices::notify_offer_closed(&state, &offer, ClosingReason::Withdrawn).await?;
    Ok(answer(&state, StatusCode::OK, &offer))
}
