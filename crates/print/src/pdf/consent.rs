//! The printed consent form of a pépite: what is asked, the two separate choices, the
//! duration, how to withdraw (the private address), and where to sign. One A4 page.

use super::{BLACK, GREY, HEIGHT, Op, WIDTH, lines, render};
use crate::Error;
use crate::font::{Weight, metrics};
use crate::text::wrap;

#[derive(Debug, Clone)]
pub struct ConsentForm {
    pub territory: String,
    /// « Léa » (the first name or pseudonym on the portrait).
    pub young_name: String,
    /// « la personne filmée », « la première personne titulaire de l'autorité parentale ».
    pub signer: String,
    pub name: String,
    pub link: String,
    /// The last day it may cover (six months at most).
    pub latest_end: String,
    /// The private address to withdraw at any time, without an account.
    pub withdraw_url: String,
}

const MARGIN: f32 = 48.0;

pub fn pdf(f: &ConsentForm) -> Result<Vec<u8>, Error> {
    let m = metrics();
    let width = WIDTH - 2.0 * MARGIN;
    let mut ops = Vec::new();
    let mut y = 48.0;
    let block = |ops: &mut Vec<Op>, y: &mut f32, text: &str, size: f32, weight: Weight, colour| {
        let (o, h) = lines(
            MARGIN,
            *y,
            size,
            1.35,
            weight,
            colour,
            wrap(m, &m.clean(text), size, weight, width),
        );
        ops.extend(o);
        *y += h + size * 0.6;
    };
    block(
        &mut ops,
        &mut y,
        "Consentement au portrait « Nos pépites »",
        20.0,
        Weight::Bold,
        BLACK,
    );
    block(&mut ops, &mut y, &f.territory, 11.0, Weight::Regular, GREY);
    block(
        &mut ops,
        &mut y,
        &format!(
            "Je soussigné·e {}, {} ({}), autorise la {} à diffuser le portrait vidéo de {} (prénom ou pseudonyme, âge, zone, métiers recherchés, atouts, texte, vidéo, affiche et sous-titres), sans nom de famille, adresse ni contact.",
            f.name, f.link, f.signer, f.territory, f.young_name
        ),
        11.0,
        Weight::Regular,
        BLACK,
    );
    block(
        &mut ops,
        &mut y,
        "Cochez ce que vous acceptez (deux choix séparés) :",
        11.0,
        Weight::Bold,
        BLACK,
    );
    block(
        &mut ops,
        &mut y,
        "[   ] sur Tremplin, pour les employeurs du territoire (page non référencée par les moteurs de recherche) ;",
        11.0,
        Weight::Regular,
        BLACK,
    );
    block(
        &mut ops,
        &mut y,
        "[   ] sur les réseaux sociaux de la Mission Locale et dans la presse locale.",
        11.0,
        Weight::Regular,
        BLACK,
    );
    block(
        &mut ops,
        &mut y,
        &format!(
            "Durée : jusqu'à la signature d'un contrat, et au plus tard jusqu'au {} (six mois). Pour un·e mineur·e, chaque personne titulaire de l'autorité parentale signe son propre formulaire (article 372-1 du Code civil).",
            f.latest_end
        ),
        11.0,
        Weight::Regular,
        BLACK,
    );
    block(
        &mut ops,
        &mut y,
        "Retrait à tout moment, sans compte ni justification, à l'adresse ci-dessous : le portrait quitte le site aussitôt, la vidéo, l'affiche et les sous-titres sont effacés dans l'heure.",
        11.0,
        Weight::Regular,
        BLACK,
    );
    block(&mut ops, &mut y, &f.withdraw_url, 10.0, Weight::Bold, BLACK);
    y += 20.0;
    block(
        &mut ops,
        &mut y,
        "Fait à ____________________, le ____ / ____ / ________",
        11.0,
        Weight::Regular,
        BLACK,
    );
    block(
        &mut ops,
        &mut y,
        "Signature :",
        11.0,
        Weight::Regular,
        BLACK,
    );
    if y > HEIGHT - 80.0 {
        return Err(Error::Pdf("formulaire trop long pour une page".into()));
    }
    let title = format!("Consentement – {}", f.young_name);
    render(&[ops], &title, |_, _| {
        format!("Tremplin · {}", metrics().clean(&f.territory))
    })
}
