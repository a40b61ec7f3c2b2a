//! What Tremplin produces to relay an edition, with no HTTP in it: the PNG cards of each offer
//! and edition (kept in memory per offer revision), the social kit's ZIP ([`kit`]), and the
//! printed catalogue and posters ([`printed`]). Drawing itself is `tremplin-print`'s; here,
//! offers become what the cards and pages say, and every link carries its channel (`?via=`).

pub mod kit;
pub mod pepites;
pub mod printed;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use tremplin_domain::geo::{format_distance, haversine_km};
use tremplin_domain::{ContractType, Offer};
use tremplin_print::Palette;
use tremplin_print::card::{self, Card, Format};
use tremplin_referentiels::Commune;

use crate::services::catalogue::{self, OfferView};
use crate::{AppState, WebError};

/// Cards already drawn, by offer and format, each with the key it was drawn for: a change
/// of the offer (its revision), of the week (« Nouvelle ») or of the territory's name draws
/// it again.
#[derive(Default)]
pub struct CardCache {
    cards: Cards,
    /// The pépites' cards, by pépite: forgotten as soon as one leaves the site.
    pepites: Cards,
}

/// About 100 KB a card: a few hundred cards stay in memory, then it starts afresh.
const CACHE_CARDS: usize = 400;

type Cards = Mutex<HashMap<(i64, Format), (String, Arc<Vec<u8>>)>>;

fn cached(cards: &Cards, id: i64, format: Format, key: &str) -> Option<Arc<Vec<u8>>> {
    let cards = cards.lock().unwrap_or_else(|e| e.into_inner());
    cards
        .get(&(id, format))
        .filter(|(k, _)| k == key)
        .map(|(_, png)| png.clone())
}

fn keep(cards: &Cards, id: i64, format: Format, key: String, png: Arc<Vec<u8>>) {
    let mut cards = cards.lock().unwrap_or_else(|e| e.into_inner());
    if cards.len() >= CACHE_CARDS {
        cards.clear();
    }
    cards.insert((id, format), (key, png));
}

impl CardCache {
    fn get(&self, id: i64, format: Format, key: &str) -> Option<Arc<Vec<u8>>> {
        cached(&self.cards, id, format, key)
    }

    fn put(&self, id: i64, format: Format, key: String, png: Arc<Vec<u8>>) {
        keep(&self.cards, id, format, key, png)
    }

    /// Forgets a pépite's cards (it left the site: its poster must not stay in memory).
    pub fn forget_pepite(&self, id: i64) {
        let mut cards = self.pepites.lock().unwrap_or_else(|e| e.into_inner());
        cards.retain(|(pepite, _), _| *pepite != id);
    }

    /// Whether a card of this pépite is kept (for the tests of its withdrawal).
    pub fn holds_pepite(&self, id: i64) -> bool {
        let cards = self.pepites.lock().unwrap_or_else(|e| e.into_inner());
        cards.keys().any(|(pepite, _)| *pepite == id)
    }
}

/// Bumped when the cards' design changes, so caches and browsers fetch the new one.
const DESIGN: u32 = 1;

/// The territory's name, or a neutral one.
pub fn territory_name(state: &AppState) -> String {
    state
        .territory()
        .map_or_else(|| "Mission Locale".to_owned(), |t| t.name)
}

/// The territory's two largest communes ("L'Aigle", "Mortagne-au-Perche"): what its young
/// people call "here", for "à 12 km de …" and the edition's headline.
/// Derived once per change of the territory ([`AppState::refresh_territory`]).
pub fn towns(state: &AppState) -> Vec<Commune> {
    state.territory_towns()
}

/// "L'Aigle et Mortagne-au-Perche".
pub fn around(state: &AppState) -> String {
    let names: Vec<String> = towns(state).iter().map(|c| c.name.clone()).collect();
    match names.as_slice() {
        [] => "du territoire".to_owned(),
        [one] => one.clone(),
        [a, b, ..] => format!("{a} et {b}"),
    }
}

/// "à 12 km de Mortagne-au-Perche", from the nearest of the territory's towns, when the offer
/// is not in one of them and not too far for the phrase to help.
pub fn distance_phrase(state: &AppState, o: &OfferView) -> Option<String> {
    let towns = towns(state);
    if towns.iter().any(|t| t.code.as_str() == o.commune_code) {
        return None;
    }
    towns
        .iter()
        .map(|t| (t, haversine_km(t.lat, t.lon, o.lat, o.lon)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|(_, d)| (1.0..=60.0).contains(d))
        .map(|(t, d)| {
            format!(
                "à {} de {}",
                format_distance(d, o.approximate || t.approximate),
                t.name
            )
        })
}

/// The site's address without its scheme, as printed under a QR code.
pub fn host(state: &AppState) -> String {
    let url = &state.config.public_url;
    url.split_once("://")
        .map_or(url.as_str(), |(_, rest)| rest)
        .to_owned()
}

/// The absolute address of `path`, with its channel.
pub fn link(state: &AppState, path: &str, via: &str) -> String {
    format!("{}{path}?via={via}", state.config.public_url)
}

fn kicker(o: &OfferView) -> String {
    let what = if o.contract_type == ContractType::Apprentissage.as_str() {
        "offre d'apprentissage"
    } else {
        "offre en alternance"
    };
    if o.new_this_week {
        format!("Nouvelle {what}")
    } else {
        let mut k = what.to_owned();
        k[..1].make_ascii_uppercase();
        k
    }
}

/// "Apprentissage · 24 mois · Dès que possible".
pub fn contract_line(o: &OfferView) -> String {
    let mut line = o.contract_label.to_owned();
    if let Some(m) = o.duration_months {
        line.push_str(&format!(" · {m} mois"));
    }
    line.push_str(" · ");
    line.push_str(&o.start_label.to_lowercase());
    line
}

/// "Mortagne-au-Perche (61400) · à 12 km de L'Aigle".
pub fn place_line(state: &AppState, o: &OfferView) -> String {
    let mut place = if o.postcode.is_empty() {
        o.commune_name.clone()
    } else {
        format!("{} ({})", o.commune_name, o.postcode)
    };
    if let Some(d) = distance_phrase(state, o) {
        place.push_str(" · ");
        place.push_str(&d);
    }
    place
}

/// What an offer's card says.
pub fn offer_card(state: &AppState, o: &OfferView) -> Card {
    Card {
        kicker: kicker(o),
        title: o.title.clone(),
        details: vec![
            o.company_name.clone(),
            place_line(state, o),
            contract_line(o),
        ],
        territory: territory_name(state),
        link_label: format!("{}{}", host(state), o.path),
        qr_url: link(state, &o.path, "qr"),
        palette: Palette::default(),
    }
}

fn hash(parts: &[&str]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// The offer's card as PNG and its ETag, drawn once per change of the offer.
pub async fn offer_png(
    state: &AppState,
    offer: &Offer,
    format: Format,
) -> Result<(Arc<Vec<u8>>, String), WebError> {
    let o = catalogue::view(state, offer, None, false);
    let key = offer_key(state, offer, &o, format);
    if let Some(png) = state.cards.get(offer.id, format, &key) {
        return Ok((png, key));
    }
    let c = offer_card(state, &o);
    let png = Arc::new(render(c, format).await?);
    state.cards.put(offer.id, format, key.clone(), png.clone());
    Ok((png, key))
}

/// The ETag of an offer's card: what it is drawn from.
pub fn offer_key(state: &AppState, offer: &Offer, o: &OfferView, format: Format) -> String {
    let h = hash(&[
        &territory_name(state),
        &state.config.public_url,
        if o.new_this_week { "n" } else { "" },
    ]);
    format!(
        "\"carte-{}-{}-{}-{DESIGN}-{h:x}\"",
        offer.id,
        offer.revision,
        format.slug()
    )
}

/// Draws a card on a blocking thread: it is CPU work.
pub async fn render(c: Card, format: Format) -> Result<Vec<u8>, WebError> {
    tokio::task::spawn_blocking(move || card::png(&c, format))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// Draws many cards on blocking threads, on every core; the PNGs in the order of `jobs`.
pub async fn render_many(jobs: Vec<(Card, Format)>) -> Result<Vec<Vec<u8>>, WebError> {
    tokio::task::spawn_blocking(move || {
        card::pngs(&jobs).into_iter().collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?
    .map_err(|e| WebError::Internal(e.to_string()))
}

/// "12 nouvelles offres d'apprentissage cette semaine".
pub fn edition_headline(count: usize) -> String {
    match count {
        0 => "Aucune nouvelle offre cette semaine".to_owned(),
        1 => "1 nouvelle offre d'apprentissage cette semaine".to_owned(),
        n => format!("{n} nouvelles offres d'apprentissage cette semaine"),
    }
}

/// The card of edition `number` with its new offers.
pub fn edition_card(state: &AppState, number: i64, date: &str, new: &[OfferView]) -> Card {
    let mut trades: Vec<String> = Vec::new();
    for o in new {
        if !trades.contains(&o.title) {
            trades.push(o.title.clone());
        }
    }
    let mut details = vec![format!("autour de {}", around(state))];
    if !trades.is_empty() {
        let shown = trades
            .iter()
            .take(4)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        details.push(if trades.len() > 4 {
            format!("{shown}…")
        } else {
            shown
        });
    }
    let path = format!("/editions/{number}");
    Card {
        kicker: format!("Édition n° {number} · {date}"),
        title: edition_headline(new.len()),
        details,
        territory: territory_name(state),
        link_label: format!("{}{path}", host(state)),
        qr_url: link(state, &path, "qr"),
        palette: Palette::default(),
    }
}

/// The ETag of an edition's card (its content is fixed at publication).
pub fn edition_key(state: &AppState, number: i64, format: Format) -> String {
    let h = hash(&[&territory_name(state), &state.config.public_url]);
    format!("\"edition-{number}-{}-{DESIGN}-{h:x}\"", format.slug())
}

/// The new offers of an edition still in the catalogue, in the edition's order.
pub async fn new_offers(
    state: &AppState,
    edition: &tremplin_storage::Edition,
) -> Result<Vec<Offer>, WebError> {
    let ids: Vec<i64> = edition
        .entries
        .iter()
        .filter(|e| e.kind == tremplin_storage::EntryKind::New)
        .map(|e| e.offer_id)
        .collect();
    let mut offers: Vec<Offer> = state
        .store
        .get_offers(&ids)
        .await?
        .into_iter()
        .filter(Offer::is_listed)
        .collect();
    offers.sort_by_key(|o| ids.iter().position(|i| *i == o.id));
    Ok(offers)
}
