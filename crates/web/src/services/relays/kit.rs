//! The social kit of an edition: one ZIP with every new offer's cards in both sizes, the
//! edition's cards, their alternative texts, and the suggested posts for each network.

use std::fmt::Write;
use std::sync::Arc;

use tremplin_print::card::{Card, Format};
use tremplin_print::kit::{Entry, zip};
use tremplin_print::posts::{EditionPosts, NETWORKS, PostOffer};
use tremplin_storage::Edition;

use super::{edition_card, edition_headline, new_offers, offer_key, render_many, towns};
use crate::services::catalogue::{self, OfferView};
use crate::{AppState, WebError};

/// "boulanger-boulangere" for file names.
fn slug(title: &str) -> String {
    let folded = tremplin_referentiels::fold(title);
    let mut s = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
        if s.len() >= 40 {
            break;
        }
    }
    s.trim_end_matches('-').to_owned()
}

/// The kit's ZIP for `edition`; `date` as the edition's page shows it.
pub async fn kit(state: &AppState, edition: &Edition, date: &str) -> Result<Vec<u8>, WebError> {
    let offers = new_offers(state, edition).await?;
    let views: Vec<OfferView> = offers
        .iter()
        .map(|o| catalogue::view(state, o, None, false))
        .collect();
    let mut entries = Vec::new();
    let mut alts = String::new();
    let number = edition.number;

    let ed = edition_card(state, number, date, &views);
    // Every card, from the cache when its offer has not changed since it was drawn; the
    // others (and the edition's two) drawn together on every core.
    let mut cards: Vec<Option<Arc<Vec<u8>>>> = Vec::new();
    let mut jobs: Vec<(Card, Format)> = Vec::new();
    let mut drawing: Vec<(usize, Option<(i64, Format, String)>)> = Vec::new();
    for format in Format::ALL {
        drawing.push((cards.len(), None));
        jobs.push((ed.clone(), format));
        cards.push(None);
    }
    for (offer, o) in offers.iter().zip(&views) {
        let card = super::offer_card(state, o);
        for format in Format::ALL {
            let key = offer_key(state, offer, o, format);
            if let Some(png) = state.cards.get(offer.id, format, &key) {
                cards.push(Some(png));
            } else {
                drawing.push((cards.len(), Some((offer.id, format, key))));
                jobs.push((card.clone(), format));
                cards.push(None);
            }
        }
    }
    for ((slot, cached), png) in drawing.into_iter().zip(render_many(jobs).await?) {
        let png = Arc::new(png);
        if let Some((id, format, key)) = cached {
            state.cards.put(id, format, key, png.clone());
        }
        cards[slot] = Some(png);
    }
    let mut cards = cards.into_iter().flatten();

    for format in Format::ALL {
        let png = cards.next().unwrap_or_default();
        entries.push(Entry::new(
            format!("edition/carte-{}.png", format.slug()),
            png.as_ref().clone(),
        ));
    }
    let alt = ed.alt_text();
    entries.push(Entry::new(
        "edition/texte-alternatif.txt",
        format!("{alt}\n"),
    ));
    let _ = writeln!(alts, "edition/carte-*.png\n{alt}\n");

    for o in &views {
        let dir = format!("offres/{}-{}", o.id, slug(&o.title));
        for format in Format::ALL {
            let png = cards.next().unwrap_or_default();
            entries.push(Entry::new(
                format!("{dir}/carte-{}.png", format.slug()),
                png.as_ref().clone(),
            ));
        }
        let alt: String = super::offer_card(state, o).alt_text();
        entries.push(Entry::new(
            format!("{dir}/texte-alternatif.txt"),
            format!("{alt}\n"),
        ));
        let _ = writeln!(alts, "{dir}/carte-*.png\n{alt}\n");
    }
    let pepites = pepite_entries(state, number, &mut entries, &mut alts).await?;
    entries.push(Entry::new("textes-alternatifs.txt", alts));

    let posts = EditionPosts {
        count: views.len(),
        around: super::around(state),
        territory: super::territory_name(state),
        url: format!("{}/editions/{number}", state.config.public_url),
        offers: views
            .iter()
            .map(|o| PostOffer {
                title: o.title.clone(),
                company: o.company_name.clone(),
                commune: o.commune_name.clone(),
                url: format!("{}{}", state.config.public_url, o.path),
            })
            .collect(),
        places: towns(state).iter().map(|c| c.name.clone()).collect(),
    };
    for network in NETWORKS {
        entries.push(Entry::new(
            format!("publications/{}", network.file),
            posts.post(&network),
        ));
    }
    entries.insert(
        0,
        Entry::new(
            "LISEZMOI.txt",
            readme(state, number, date, &views, &ed, pepites),
        ),
    );
    let when = edition.published_at.naive_utc();
    use chrono::{Datelike, Timelike};
    let stamp = (
        u16::try_from(when.year()).unwrap_or(1980),
        when.month() as u8,
        when.day() as u8,
        when.hour() as u8,
        when.minute() as u8,
    );
    tokio::task::spawn_blocking(move || zip(&entries, stamp))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// The edition's pépites that may still be relayed (published, every consent to networks and
/// press given): each one's two cards, their alternative text and a post per network with
/// its `?via=` link. Returns how many.
async fn pepite_entries(
    state: &AppState,
    number: i64,
    entries: &mut Vec<Entry>,
    alts: &mut String,
) -> Result<usize, WebError> {
    let pepites = crate::services::pepite_picks::of_edition(state, number, true).await?;
    for p in &pepites {
        let dir = format!("pepites/{}-{}", p.id, slug(&p.display_name));
        for format in Format::ALL {
            let (png, _) = super::pepites::png(state, p, format).await?;
            entries.push(Entry::new(
                format!("{dir}/carte-{}.png", format.slug()),
                png.as_ref().clone(),
            ));
        }
        let alt = super::pepites::alt_text(&super::pepites::card(state, p));
        entries.push(Entry::new(
            format!("{dir}/texte-alternatif.txt"),
            format!("{alt}\n"),
        ));
        let _ = writeln!(alts, "{dir}/carte-*.png\n{alt}\n");
        let post = super::pepites::post(state, p);
        for network in NETWORKS {
            entries.push(Entry::new(
                format!("{dir}/publications/{}", network.file),
                post.post(&network),
            ));
        }
    }
    Ok(pepites.len())
}

fn readme(
    state: &AppState,
    number: i64,
    date: &str,
    views: &[OfferView],
    ed: &Card,
    pepites: usize,
) -> String {
    let mut r = format!(
        "Kit de diffusion de l'édition n° {number} ({date}) – {}\n\n{} autour de {}.\n\n",
        super::territory_name(state),
        edition_headline(views.len()),
        super::around(state)
    );
    r.push_str(
        "Contenu :\n\
         - edition/ : les deux cartes de l'édition (1080×1080 pour Instagram et Facebook, 1200×630 pour un lien) ;\n\
         - offres/ : pour chaque nouvelle offre, ses deux cartes et leur texte alternatif ;\n\
         - publications/ : un texte proposé par réseau (Facebook, Instagram, LinkedIn, Bluesky, X), dans sa limite de longueur, avec les liens suivis (?via=…) ;\n\
         - textes-alternatifs.txt : tous les textes alternatifs, à coller dans le champ « texte alternatif » du réseau avec chaque image.\n\n\
         Le QR code des cartes porte ?via=qr : les visites qu'il amène sont comptées dans « Diffusion » du tableau de bord.\n",
    );
    if pepites > 0 {
        r.push_str(
            "- pepites/ : les pépites de la semaine, chacune avec ses deux cartes (son affiche, son prénom, ses métiers, sa zone), leur texte alternatif et un texte par réseau (publications/) ; leurs consentements aux réseaux sociaux et à la presse sont tous donnés. Une pépite retirée ne doit plus être publiée : retéléchargez le kit avant chaque publication.\n",
        );
    }
    let _ = writeln!(r, "\nLa carte de l'édition dit : {}", ed.alt_text());
    r
}
