//! The wording of the alerts' mails.

use askama::Template;
use tremplin_storage::{AlertLink, AlertMail};

use super::{MAX_ALERTS_PER_ADDRESS, link, mail};
use crate::{AppState, WebError};

fn territory(state: &AppState) -> String {
    state
        .territory()
        .map_or_else(|| "Mission Locale".to_owned(), |t| t.name)
}

#[derive(Template)]
#[template(path = "services/templates/mail/alerte_confirmation.txt")]
struct Confirmation<'a> {
    territory: &'a str,
    label: &'a str,
    link: &'a str,
}

/// The double opt-in: the link leads to a page with a button (a scanner that opens links
/// confirms nothing).
pub fn confirmation(
    state: &AppState,
    to: &str,
    label: &str,
    token: &str,
) -> Result<AlertMail, WebError> {
    let link = format!("{}/alertes/confirmation/{token}", state.config.public_url);
    let text = Confirmation {
        territory: &territory(state),
        label,
        link: &link,
    }
    .render()?;
    Ok(mail(to, "Activez votre alerte d'offres".into(), text, None))
}

#[derive(Template)]
#[template(path = "services/templates/mail/alerte_deja.txt")]
struct Already<'a> {
    label: &'a str,
}

pub fn already(_state: &AppState, to: &str, label: &str) -> Result<AlertMail, WebError> {
    let text = Already { label }.render()?;
    Ok(mail(
        to,
        "Vous recevez déjà cette alerte".into(),
        text,
        None,
    ))
}

#[derive(Template)]
#[template(path = "services/templates/mail/alerte_limite.txt")]
struct TooMany {
    max: usize,
}

pub fn too_many(_state: &AppState, to: &str) -> Result<AlertMail, WebError> {
    let text = TooMany {
        max: MAX_ALERTS_PER_ADDRESS,
    }
    .render()?;
    Ok(mail(
        to,
        "Nombre maximal d'alertes atteint".into(),
        text,
        None,
    ))
}

/// One offer as the mail lists it.
pub struct Line {
    pub title: String,
    pub company: String,
    pub commune: String,
    pub distance: Option<String>,
    pub link: String,
}

#[derive(Template)]
#[template(path = "services/templates/mail/alerte_offres.txt")]
struct Offers<'a> {
    edition: i64,
    label: &'a str,
    offers: &'a [Line],
    more: usize,
    search_link: &'a str,
    unsubscribe: &'a str,
    /// The week's pépites: (who, trades and area, link).
    pepites: &'a [(String, String, String)],
}

/// After an edition: its new offers for this search. `lines` get their links here, each with
/// `?via=alerte` and the mail's own click token.
pub fn offers(
    state: &AppState,
    alert: &tremplin_storage::Alert,
    edition: i64,
    found: Vec<(i64, Line)>,
    more: usize,
    pepites: &[crate::services::pepite_picks::Featured],
) -> Result<AlertMail, WebError> {
    let mut links = Vec::new();
    let click = link(AlertLink::Click, &mut links);
    let unsubscribe_token = link(AlertLink::Unsubscribe, &mut links);
    let base = &state.config.public_url;
    let unsubscribe = format!("{base}/alertes/desinscription/{unsubscribe_token}");
    let lines: Vec<Line> = found
        .into_iter()
        .map(|(id, mut l)| {
            l.link = format!("{base}/offres/{id}?via=alerte&alerte={click}");
            l
        })
        .collect();
    let search_link = format!("{base}/offres?{}", alert.search);
    let pepites: Vec<(String, String, String)> = pepites
        .iter()
        .map(|p| {
            (
                format!("{}, {} ans", p.name, p.age),
                format!("{} ({})", p.trades, p.area),
                format!("{base}/pepites/{}?via=alerte", p.id),
            )
        })
        .collect();
    let text = Offers {
        edition,
        label: &alert.label,
        offers: &lines,
        more,
        search_link: &search_link,
        unsubscribe: &unsubscribe,
        pepites: &pepites,
    }
    .render()?;
    let subject = if lines.len() + more == 1 {
        "Une nouvelle offre pour votre alerte".to_owned()
    } else {
        format!("{} nouvelles offres pour votre alerte", lines.len() + more)
    };
    let mut m = mail(&alert.email, subject, text, Some(unsubscribe));
    m.links = links;
    Ok(m)
}

#[derive(Template)]
#[template(path = "services/templates/mail/alerte_avis.txt")]
struct Notice<'a> {
    label: &'a str,
    date: &'a str,
    keep: &'a str,
    unsubscribe: &'a str,
}

/// Thirty days before an unused alert is erased.
pub fn notice(
    state: &AppState,
    alert: &tremplin_storage::Alert,
    erased_on: &str,
) -> Result<AlertMail, WebError> {
    let mut links = Vec::new();
    let keep_token = link(AlertLink::Keep, &mut links);
    let unsubscribe_token = link(AlertLink::Unsubscribe, &mut links);
    let base = &state.config.public_url;
    let unsubscribe = format!("{base}/alertes/desinscription/{unsubscribe_token}");
    let text = Notice {
        label: &alert.label,
        date: erased_on,
        keep: &format!("{base}/alertes/garder/{keep_token}"),
        unsubscribe: &unsubscribe,
    }
    .render()?;
    let mut m = mail(
        &alert.email,
        "Votre alerte d'offres va être effacée".into(),
        text,
        Some(unsubscribe),
    );
    m.links = links;
    Ok(m)
}
