//! The week's pépites for the Thursday edition, with no HTTP in it: the counselor picks one or
//! two published portraits whose every consent to the relay on networks and in the press is
//! given; the edition records them when it is published; its page, its mail and its kit show
//! those still published (a portrait withdrawn afterwards leaves them at once).

use tremplin_domain::pepite::consent::Scope;
use tremplin_storage::Pepite;

use crate::services::{editions, pepites};
use crate::shell::dates::paris_iso_week;
use crate::{AppState, WebError};

/// At most this many pépites an edition.
pub const MAX: usize = 2;

/// The week of the next edition, the one picks made now go out with: after Thursday's
/// publication it is next week's, not the current ISO week's (whose edition is out).
pub fn next_edition_week(state: &AppState) -> String {
    paris_iso_week(editions::next_slot(state).unwrap_or_else(|| state.clock.now()))
}

/// "Inès (pépite n° 3)".
fn named(p: &Pepite) -> String {
    format!("{} (pépite n° {})", p.display_name, p.id)
}

/// Why `p` may not go out with the edition, in French and naming it; `None` when it may.
pub async fn refusal(state: &AppState, p: &Pepite) -> Result<Option<String>, WebError> {
    if p.is_over() {
        return Ok(Some(format!(
            "{} a quitté le site ({}) : elle ne peut plus partir avec l'édition.",
            named(p),
            if p.status == "retiree" {
                "portrait retiré"
            } else {
                "portrait terminé"
            }
        )));
    }
    if !p.is_published() {
        return Ok(Some(format!(
            "{} n'est pas publiée : seule une pépite publiée part avec l'édition du jeudi.",
            named(p)
        )));
    }
    let consents = state.store.pepite_consents(p.id).await?;
    let today = state.clock.now().date_naive();
    if let Some(m) = pepites::missing(p, &consents, Scope::SocialAndPress, today).first() {
        return Ok(Some(format!(
            "{} ne peut pas aller dans le kit des réseaux sociaux : {}",
            named(p),
            m.message(Scope::SocialAndPress)
        )));
    }
    Ok(None)
}

/// The pépites picked for the next edition (published ones only), in the order they were
/// created.
pub async fn picked(state: &AppState) -> Result<Vec<Pepite>, WebError> {
    let week = next_edition_week(state);
    let mut picked: Vec<Pepite> = state
        .store
        .published_pepites()
        .await?
        .into_iter()
        .filter(|p| p.featured_week.as_deref() == Some(week.as_str()))
        .collect();
    picked.sort_by_key(|p| p.id);
    Ok(picked)
}

/// Makes `ids` the next edition's picks (none, one or two), or returns every French reason
/// they cannot be, changing nothing.
pub async fn set(state: &AppState, ids: &[i64]) -> Result<Result<(), Vec<String>>, WebError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut errors = Vec::new();
    if ids.len() > MAX {
        errors.push(format!(
            "Choisissez une ou deux pépites au plus : vous en avez coché {}.",
            ids.len()
        ));
    }
    for id in &ids {
        match state.store.pepite(*id).await? {
            None => errors.push(format!("La pépite n° {id} n'existe pas.")),
            Some(p) => errors.extend(refusal(state, &p).await?),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let week = next_edition_week(state);
    for p in picked(state).await? {
        if !ids.contains(&p.id) {
            state.store.set_pepite_featured(p.id, None).await?;
        }
    }
    for id in &ids {
        state.store.set_pepite_featured(*id, Some(&week)).await?;
    }
    Ok(Ok(()))
}

/// What the edition recorded and may still show: published, and for the kit still relayable
/// (`social`).
pub async fn of_edition(
    state: &AppState,
    number: i64,
    social: bool,
) -> Result<Vec<Pepite>, WebError> {
    let mut out = Vec::new();
    for p in state.store.edition_pepites(number).await? {
        if !social || crate::services::relays::pepites::relayable(state, &p).await? {
            out.push(p);
        }
    }
    Ok(out)
}

/// A picked pépite as the edition's page and mail present it: first name or pseudonym, age,
/// trades and area; never a contact.
pub struct Featured {
    pub id: i64,
    pub name: String,
    pub age: u32,
    pub trades: String,
    pub area: String,
}

impl Featured {
    pub fn of(state: &AppState, p: &Pepite) -> Self {
        Self {
            id: p.id,
            name: p.display_name.clone(),
            age: tremplin_domain::pepite::age_on(p.birth_date, state.clock.now().date_naive()),
            trades: crate::services::relays::pepites::trade_labels(state, p).join(", "),
            area: p.area_name.clone(),
        }
    }
}

/// The edition's pépites still published, as shown.
pub async fn shown(state: &AppState, number: i64) -> Result<Vec<Featured>, WebError> {
    Ok(of_edition(state, number, false)
        .await?
        .iter()
        .map(|p| Featured::of(state, p))
        .collect())
}
