//! The printed relays: the PDF catalogue of an edition, grouped by métier or by commune, and
//! the A4 poster of an offer. Each QR code carries its channel (`?via=catalogue`,
//! `?via=affiche`).

use std::collections::BTreeMap;

use tremplin_domain::Offer;
use tremplin_print::Palette;
use tremplin_print::pdf::catalogue::{self, Catalogue, Group, Item};
use tremplin_print::pdf::poster::{self, Poster};
use tremplin_storage::{Edition, EntryKind};

use super::{around, contract_line, host, link, place_line, territory_name};
use crate::services::catalogue::{self as cat, OfferView};
use crate::{AppState, WebError};

/// How the catalogue groups its offers (`?par=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Metier,
    Commune,
}

impl Grouping {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "metier" => Some(Self::Metier),
            "commune" => Some(Self::Commune),
            _ => None,
        }
    }
}

/// Sorted as a reader expects: accents and case folded.
fn sort_key(s: &str) -> String {
    tremplin_referentiels::fold(s)
}

fn item(state: &AppState, o: &OfferView) -> Item {
    Item {
        title: o.title.clone(),
        company: o.company_name.clone(),
        place: place_line(state, o),
        facts: {
            let mut f = contract_line(o);
            if let Some(d) = &o.diploma_label {
                f.push_str(" · ");
                f.push_str(d);
            }
            f
        },
        summary: o.description.clone(),
        url: link(state, &o.path, "catalogue"),
        link_label: format!("{}{}", host(state), o.path),
    }
}

/// The offers the catalogue of an edition prints: its new and updated offers still in the
/// catalogue.
async fn edition_offers(state: &AppState, edition: &Edition) -> Result<Vec<Offer>, WebError> {
    let ids: Vec<i64> = edition
        .entries
        .iter()
        .filter(|e| matches!(e.kind, EntryKind::New | EntryKind::Updated))
        .map(|e| e.offer_id)
        .collect();
    Ok(state
        .store
        .get_offers(&ids)
        .await?
        .into_iter()
        .filter(Offer::is_listed)
        .collect())
}

/// Groups `views` under their first métier or their commune, both in alphabetical order.
pub fn groups(state: &AppState, views: &[OfferView], by: Grouping) -> Vec<Group> {
    let mut map: BTreeMap<String, (String, Vec<&OfferView>)> = BTreeMap::new();
    for o in views {
        let heading = match by {
            Grouping::Metier => o
                .rome
                .first()
                .map(|(code, label)| {
                    if label.is_empty() {
                        code.clone()
                    } else {
                        label.clone()
                    }
                })
                .unwrap_or_else(|| "Autres métiers".to_owned()),
            Grouping::Commune => o.commune_name.clone(),
        };
        map.entry(sort_key(&heading))
            .or_insert_with(|| (heading, Vec::new()))
            .1
            .push(o);
    }
    map.into_values()
        .map(|(heading, mut offers)| {
            offers.sort_by_key(|o| (sort_key(&o.title), o.id));
            Group {
                heading,
                items: offers.into_iter().map(|o| item(state, o)).collect(),
            }
        })
        .collect()
}

/// The catalogue's content, for the PDF and the benchmark.
pub fn catalogue_of(
    state: &AppState,
    number: i64,
    date: &str,
    views: &[OfferView],
    by: Grouping,
) -> Catalogue {
    let n = views.len();
    let what = match n {
        0 => "Aucune offre".to_owned(),
        1 => "1 offre d'apprentissage".to_owned(),
        n => format!("{n} offres d'apprentissage"),
    };
    Catalogue {
        title: format!("Édition n° {number} – {date}"),
        subtitle: format!(
            "{what} autour de {}, {}",
            around(state),
            match by {
                Grouping::Metier => "par métier",
                Grouping::Commune => "par commune",
            }
        ),
        territory: territory_name(state),
        contact: state.territory().and_then(|t| t.contact_email),
        site: host(state),
        groups: groups(state, views, by),
        palette: Palette::default(),
    }
}

/// The PDF catalogue of `edition`.
pub async fn catalogue_pdf(
    state: &AppState,
    edition: &Edition,
    date: &str,
    by: Grouping,
) -> Result<Vec<u8>, WebError> {
    let offers = edition_offers(state, edition).await?;
    let views: Vec<OfferView> = offers
        .iter()
        .map(|o| cat::view(state, o, None, false))
        .collect();
    let c = catalogue_of(state, edition.number, date, &views, by);
    blocking(move || catalogue::pdf(&c)).await
}

/// The poster of an offer.
pub fn poster_of(state: &AppState, o: &OfferView) -> Poster {
    let mut facts = vec![
        ("Entreprise".to_owned(), o.company_name.clone()),
        ("Contrat".to_owned(), {
            let mut c = o.contract_label.to_owned();
            if let Some(m) = o.duration_months {
                c.push_str(&format!(", {m} mois"));
            }
            c
        }),
        ("Début".to_owned(), o.start_label.clone()),
        (
            "Diplôme préparé".to_owned(),
            match &o.diploma_label {
                Some(d) => format!("{d} – {}", o.level_label),
                None => o.level_label.clone(),
            },
        ),
        ("Postes".to_owned(), o.positions.to_string()),
        (
            "Permis B".to_owned(),
            if o.driving_licence {
                "Nécessaire"
            } else {
                "Pas nécessaire"
            }
            .to_owned(),
        ),
    ];
    if o.rqth {
        facts.push((
            "Handicap".to_owned(),
            "Ouverte aux personnes en situation de handicap (RQTH)".to_owned(),
        ));
    }
    Poster {
        kicker: "Offre d'apprentissage".to_owned(),
        title: o.title.clone(),
        company: o.company_name.clone(),
        place: place_line(state, o),
        facts,
        summary: o.description.clone(),
        url: link(state, &o.path, "affiche"),
        link_label: format!("{}{}", host(state), o.path),
        territory: territory_name(state),
        contact: state.territory().and_then(|t| t.contact_email),
        palette: Palette::default(),
    }
}

pub async fn poster_pdf(state: &AppState, offer: &Offer) -> Result<Vec<u8>, WebError> {
    let o = cat::view(state, offer, None, false);
    let p = poster_of(state, &o);
    blocking(move || poster::pdf(&p)).await
}

async fn blocking(
    f: impl FnOnce() -> Result<Vec<u8>, tremplin_print::Error> + Send + 'static,
) -> Result<Vec<u8>, WebError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))
}
