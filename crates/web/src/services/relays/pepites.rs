//! A pépite's social cards and posts, with no HTTP in it: its poster, first name or pseudonym,
//! age, trades and area (never more precise), the short link and a QR code (`?via=qr`), drawn
//! by the offers' card renderer in both sizes; one post per network. Only while the pépite is
//! published with every consent to the relay on networks and in the press; its cards leave the
//! memory cache as soon as it leaves the site.

use std::sync::Arc;

use tremplin_domain::pepite::age_on;
use tremplin_domain::pepite::consent::Scope;
use tremplin_print::Palette;
use tremplin_print::card::{self, Card, Extras, Format, Photo};
use tremplin_print::pepite_posts::PepitePost;
use tremplin_storage::Pepite;

use super::{DESIGN, cached, hash, host, keep, link, territory_name, towns};
use crate::services::media::MediaKey;
use crate::shell::dates::french_day;
use crate::{AppState, WebError};

/// What the footer of a pépite's card asks.
pub const CALL: &str = "Voir son portrait vidéo :";

/// The labels of its trades (ROME), the code when the referential does not know it.
pub fn trade_labels(state: &AppState, p: &Pepite) -> Vec<String> {
    p.trade_codes()
        .iter()
        .map(|c| {
            state
                .refs
                .rome
                .get(c.as_str())
                .map_or_else(|| c.to_string(), |m| m.label.clone())
        })
        .collect()
}

/// Whether it may be relayed on networks and to the press: published, and every consent
/// that relay needs given (the young person's, and each holder's for a minor).
pub async fn relayable(state: &AppState, p: &Pepite) -> Result<bool, WebError> {
    if !p.is_published() {
        return Ok(false);
    }
    let consents = state.store.pepite_consents(p.id).await?;
    let today = state.clock.now().date_naive();
    Ok(crate::services::pepites::missing(p, &consents, Scope::SocialAndPress, today).is_empty())
}

/// `/pepites/7`.
pub fn path(p: &Pepite) -> String {
    format!("/pepites/{}", p.id)
}

/// "Inès, 22 ans".
fn who(state: &AppState, p: &Pepite) -> String {
    let age = age_on(p.birth_date, state.clock.now().date_naive());
    format!("{}, {age} ans", p.display_name)
}

/// What its card says.
pub fn card(state: &AppState, p: &Pepite) -> Card {
    let path = path(p);
    Card {
        kicker: "Nos pépites · à rencontrer".into(),
        title: who(state, p),
        details: vec![
            trade_labels(state, p).join(", "),
            p.area_name.clone(),
            format!("Disponible à partir du {}", french_day(p.available_from)),
        ],
        territory: territory_name(state),
        link_label: format!("{}{path}", host(state)),
        qr_url: link(state, &path, "qr"),
        palette: Palette::default(),
    }
}

/// Its card's alternative text: everything it says, in reading order.
pub fn alt_text(card: &Card) -> String {
    format!(
        "{} : {}. {}. Avec l'affiche de sa vidéo. {CALL} {} (ou le QR code de l'image). {}.",
        card.kicker,
        card.title,
        card.details.join(". "),
        card.link_label,
        card.territory
    )
}

/// Its poster, when it has one the renderer can draw.
async fn photo(state: &AppState, p: &Pepite) -> Option<Photo> {
    let key = MediaKey::parse(p.poster_key.as_deref()?)?;
    match state.media.get(&key).await {
        Ok(Some(bytes)) => Photo::sniff(bytes),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(cause = %e, pepite = p.id, "affiche illisible pour la carte");
            None
        }
    }
}

/// The ETag of its card: what it is drawn from (a change of the portrait, of its poster, of
/// its age or of the territory draws it again).
pub fn key(state: &AppState, p: &Pepite, format: Format) -> String {
    let h = hash(&[
        &territory_name(state),
        &state.config.public_url,
        &who(state, p),
        &p.updated_at.to_rfc3339(),
        p.poster_key.as_deref().unwrap_or(""),
    ]);
    format!("\"pepite-{}-{}-{DESIGN}-{h:x}\"", p.id, format.slug())
}

/// Its card as PNG and its ETag, drawn once per change. The caller checks that it may be
/// relayed ([`relayable`]).
pub async fn png(
    state: &AppState,
    p: &Pepite,
    format: Format,
) -> Result<(Arc<Vec<u8>>, String), WebError> {
    let key = key(state, p, format);
    if let Some(png) = cached(&state.cards.pepites, p.id, format, &key) {
        return Ok((png, key));
    }
    let extras = Extras {
        photo: photo(state, p).await,
        call: Some(CALL.into()),
    };
    let c = card(state, p);
    let png = tokio::task::spawn_blocking(move || card::png_with(&c, format, &extras))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let png = Arc::new(png);
    keep(&state.cards.pepites, p.id, format, key.clone(), png.clone());
    Ok((png, key))
}

/// What its posts say.
pub fn post(state: &AppState, p: &Pepite) -> PepitePost {
    PepitePost {
        name: p.display_name.clone(),
        age: age_on(p.birth_date, state.clock.now().date_naive()),
        trades: trade_labels(state, p),
        area: p.area_name.clone(),
        available_from: french_day(p.available_from),
        territory: territory_name(state),
        url: format!("{}{}", state.config.public_url, path(p)),
        places: towns(state).iter().map(|c| c.name.clone()).collect(),
    }
}
