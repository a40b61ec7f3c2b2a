//! « Nos pépites » with no HTTP in it: whether a portrait may be shown, ending it (withdrawal,
//! contract, consent over) with its files erased at once where possible and by the scheduler
//! otherwise, and the round that ends portraits whose consent ran out.

use chrono::{Duration, NaiveDate};
use tremplin_domain::pepite::consent::{self, Missing, Scope};
use tremplin_domain::pepite::{VideoLimits, age_on};
use tremplin_storage::{Pepite, StoredConsent};

use crate::services::media::MediaKey;
use crate::{AppState, WebError};

/// Whether the young person is a minor today (the consents a minor needs follow from it).
pub fn is_minor(p: &Pepite, today: NaiveDate) -> bool {
    age_on(p.birth_date, today) < 18
}

/// The consents that allow nothing yet, in order; empty when the portrait may be shown.
pub fn missing(
    p: &Pepite,
    consents: &[StoredConsent],
    scope: Scope,
    today: NaiveDate,
) -> Vec<Missing> {
    let given: Vec<_> = consents
        .iter()
        .filter_map(StoredConsent::to_domain)
        .collect();
    consent::all_missing(
        is_minor(p, today),
        p.holders.clamp(0, 2) as u8,
        &given,
        scope,
        today,
    )
}

/// The territory's limits for one video (its size at most
/// [`VideoLimits::MAX_CONFIGURABLE_MB`], what the upload route reads).
pub async fn limits(state: &AppState) -> Result<VideoLimits, WebError> {
    let (mb, seconds) = state.store.pepite_video_limits().await?;
    Ok(VideoLimits {
        max_bytes: mb.clamp(1, VideoLimits::MAX_CONFIGURABLE_MB as i64) as u64 * 1_000_000,
        max_ms: seconds.max(1) as u64 * 1000,
    })
}

/// Erases what the store says is to erase; what fails stays queued for the next round.
pub async fn erase_queued(state: &AppState) -> Result<usize, WebError> {
    let mut erased = 0;
    for raw in state.store.media_erasures().await? {
        let done = match MediaKey::parse(&raw) {
            Some(key) => state.media.delete(&key).await,
            None => Ok(()),
        };
        match done {
            Ok(()) => {
                state.store.media_erased(&raw).await?;
                erased += 1;
            }
            Err(e) => {
                tracing::warn!(cause = %e, "fichier de pépite non effacé, nouvel essai au prochain tour")
            }
        }
    }
    Ok(erased)
}

/// Ends a pépite: off the site at once, its files erased now (or by the next round), its
/// counselor told by e-mail. `status` is `retiree` (consent withdrawn) or `terminee`.
pub async fn end(state: &AppState, id: i64, status: &str, reason: &str) -> Result<(), WebError> {
    let now = state.clock.now();
    let Some(p) = state.store.pepite(id).await? else {
        return Ok(());
    };
    let keys = state.store.end_pepite(id, status, reason, now).await?;
    // Its cards go with it: nothing drawn from its poster stays in memory.
    state.cards.forget_pepite(id);
    if keys.is_empty() && p.is_over() {
        return Ok(());
    }
    erase_queued(state).await?;
    if let Some(to) = counselor_email(state, &p).await? {
        let subject = format!("Pépite n° {id} : le portrait a quitté le site");
        let text = format!(
            "Bonjour,\n\nLe portrait de {} (pépite n° {id}) a quitté Tremplin : {reason}.\nSa vidéo, son affiche et ses sous-titres sont effacés ; il reste seulement la trace qu'un portrait a existé.\n\n{}/gestion/pepites/{id}\n",
            p.display_name, state.config.public_url
        );
        state
            .store
            .enqueue_mail(&to, &subject, &text, None, now)
            .await?;
    }
    Ok(())
}

/// The e-mail of the counselor in charge, or of the territory when none is named.
pub async fn counselor_email(state: &AppState, p: &Pepite) -> Result<Option<String>, WebError> {
    if let Some(id) = p.counselor_id {
        if let Some(u) = state
            .store
            .users()
            .await?
            .into_iter()
            .find(|u| u.id == id && u.active)
        {
            return Ok(Some(u.email));
        }
    }
    Ok(state.territory().and_then(|t| t.contact_email))
}

/// One scheduler round: portraits whose consent ended or was withdrawn leave the site, files
/// queued for erasure go, ended portraits past the retention period are forgotten.
pub async fn sweep(state: &AppState) -> Result<(), WebError> {
    let today = state.clock.now().date_naive();
    for p in state.store.published_pepites().await? {
        let consents = state.store.pepite_consents(p.id).await?;
        if let Some(m) = missing(&p, &consents, Scope::Tremplin, today).first() {
            let (status, reason) = if m.withdrawn {
                ("retiree", "consentement retiré")
            } else {
                ("terminee", "fin de la période consentie")
            };
            end(state, p.id, status, reason).await?;
        }
    }
    erase_queued(state).await?;
    if let Some(t) = state.territory() {
        let before = state.clock.now() - Duration::days(30 * t.retention_months.max(1));
        for id in state.store.pepites_to_forget(before).await? {
            for key in state.store.delete_pepite(id).await? {
                state
                    .store
                    .queue_media_erasure(&key, state.clock.now())
                    .await?;
            }
        }
    }
    Ok(())
}

/// What the pépites hold about a person (the right of access): the portraits their consents
/// name, with those consents, and the requests they sent as an employer.
pub async fn export_person(
    state: &AppState,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<serde_json::Value, WebError> {
    let (consents, requests) = state.store.pepite_records_of_person(email, phone).await?;
    let mut portraits = Vec::new();
    for c in &consents {
        let p = state.store.pepite(c.pepite_id).await?;
        portraits.push(serde_json::json!({
            "pepite": c.pepite_id,
            "portrait": p.as_ref().map(|p| serde_json::json!({
                "prenom": p.display_name, "date_naissance": p.birth_date.to_string(), "zone": p.area_name,
                "metiers": p.trades, "disponible": p.available_from.to_string(), "atouts": [p.strength_1, p.strength_2, p.strength_3],
                "texte": p.story, "etat": p.status, "vues": p.views,
            })),
            "consentement": {
                "qui": c.signer, "nom": c.name, "lien": c.link, "email": c.email, "voie": c.channel,
                "donne_le": c.given_on.map(|d| d.to_string()), "tremplin": c.tremplin, "reseaux_et_presse": c.social_and_press,
                "jusqu_au": c.until.map(|d| d.to_string()), "retire_le": c.withdrawn_on.map(|d| d.to_string()),
            },
        }));
    }
    let requests: Vec<serde_json::Value> = requests
        .iter()
        .map(|r| serde_json::json!({
            "pepite": r.pepite_id, "entreprise": r.company_name, "commune": r.commune_code, "siret": r.siret,
            "nom": r.contact_name, "telephone": r.phone, "email": r.email, "message": r.message,
            "suite": r.outcome, "envoyee_le": r.created_at.to_rfc3339(),
        }))
        .collect();
    Ok(serde_json::json!({ "portraits": portraits, "demandes": requests }))
}

/// Erases what the pépites hold about a person (the right to erasure): a portrait their
/// consent names leaves at once and is forgotten (its tombstone stays, without name), their
/// requests as an employer are deleted. Returns how many records went.
pub async fn erase_person(
    state: &AppState,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<usize, WebError> {
    let (consents, requests) = state.store.pepite_records_of_person(email, phone).await?;
    let mut ids: Vec<i64> = consents.iter().map(|c| c.pepite_id).collect();
    ids.dedup();
    for id in &ids {
        end(state, *id, "retiree", "effacement demandé").await?;
        for key in state.store.delete_pepite(*id).await? {
            state
                .store
                .queue_media_erasure(&key, state.clock.now())
                .await?;
        }
    }
    for r in &requests {
        state.store.delete_meeting_request(r.id).await?;
    }
    erase_queued(state).await?;
    Ok(ids.len() + requests.len())
}
