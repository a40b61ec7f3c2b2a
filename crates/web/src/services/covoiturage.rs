//! Car-pooling between young people: opting in (from an application, or a counselor on a
//! record), the pairs to suggest, and the counselor's « mise en relation ». Contact always
//! goes through the counselor: each side (or a minor's guardian) is written to with the
//! counselor's address, never with the other young person's.

use std::collections::HashSet;

use chrono::{DateTime, Months, NaiveDate, Utc};
use tremplin_domain::carpool::{self, Candidate, Destination, Pair, PairingRules};
use tremplin_domain::{Invalid, Offer};
use tremplin_storage::{CarpoolOptin, CarpoolOutcome, CarpoolOwner, NewCarpoolOptin, User};

use crate::shell::dates::{french_day, paris_today};
use crate::{AppState, WebError};

/// When the rules table holds no row yet (a database older than its migration's data).
const FALLBACK: PairingRules = PairingRules {
    home_km: 15.0,
    area_km: 10.0,
};

/// The distances in force today.
pub async fn rules(state: &AppState) -> Result<PairingRules, WebError> {
    let today = paris_today(state.clock.now());
    Ok(match state.store.carpool_rules(today).await? {
        Some((home_km, area_km)) => PairingRules { home_km, area_km },
        None => FALLBACK,
    })
}

/// Who an opt-in's owner is, across applications and records: their e-mail, or phone.
fn person_key(o: &CarpoolOptin) -> String {
    match (&o.email, &o.phone) {
        (Some(e), _) => format!("email:{e}"),
        (None, Some(p)) => format!("tel:{p}"),
        _ => format!("inscription:{}", o.id),
    }
}

fn point(state: &AppState, code: &str) -> Option<(f64, f64)> {
    state.refs.communes.get(code).map(|c| (c.lat, c.lon))
}

/// The opt-in as pairing sees it; none when a commune is unknown to the referential.
fn candidate(state: &AppState, o: &CarpoolOptin) -> Option<Candidate> {
    let destination = match (o.cfa_id, &o.area_commune_code) {
        (Some(id), _) => Destination::Cfa(id),
        (None, Some(code)) => {
            let (lat, lon) = point(state, code)?;
            Destination::Area { lat, lon }
        }
        (None, None) => return None,
    };
    Some(Candidate {
        optin_id: o.id,
        person: person_key(o),
        home: point(state, &o.commune_code)?,
        destination,
        starts_on: o.starts_on,
        ends_on: o.ends_on,
        minor: o.minor,
        guardian_agreed: o.guardian_agreed_at.is_some() && o.guardian_email.is_some(),
        withdrawn: o.withdrawn_at.is_some(),
    })
}

fn commune_name(state: &AppState, code: &str) -> String {
    state
        .refs
        .communes
        .get(code)
        .map_or_else(|| code.to_owned(), |c| c.name.clone())
}

/// Where an opt-in goes, as people read it.
pub async fn destination_label(state: &AppState, o: &CarpoolOptin) -> Result<String, WebError> {
    Ok(match (o.cfa_id, &o.area_commune_code) {
        (Some(id), _) => state
            .store
            .training_centre(id)
            .await?
            .map_or_else(|| format!("CFA n° {id}"), |c| c.name),
        (None, Some(code)) => format!("entreprise à {}", commune_name(state, code)),
        (None, None) => "?".into(),
    })
}

/// One side of a suggested pair, as the counselor's page shows it: no contact.
pub struct Side {
    pub optin_id: i64,
    /// "Inès D." and where the counselor finds them (the record, or the application).
    pub name: String,
    pub link: String,
    pub commune: String,
    pub minor: bool,
}

pub struct Suggestion {
    pub a: Side,
    pub b: Side,
    pub destination: String,
    pub weeks: String,
    pub distance: String,
}

fn side(state: &AppState, o: &CarpoolOptin) -> Side {
    let initial: String = o.last_name.chars().take(1).collect();
    Side {
        optin_id: o.id,
        name: format!("{} {initial}.", o.first_name).trim().to_owned(),
        link: match (o.young_person_id, o.application_id) {
            (Some(y), _) => format!("/gestion/jeunes/{y}"),
            (None, Some(a)) => format!("/gestion/candidatures/{a}"),
            _ => String::new(),
        },
        commune: commune_name(state, &o.commune_code),
        minor: o.minor,
    }
}

/// The pairs to suggest now, as computed from the active opt-ins.
async fn pairs(state: &AppState) -> Result<(Vec<CarpoolOptin>, Vec<Pair>), WebError> {
    let optins = state.store.active_carpool_optins().await?;
    // A period already over has no trip left to share.
    let today = paris_today(state.clock.now());
    let candidates: Vec<Candidate> = optins
        .iter()
        .filter(|o| o.ends_on >= today)
        .filter_map(|o| candidate(state, o))
        .collect();
    let settled: HashSet<(i64, i64)> = state
        .store
        .settled_carpool_pairs()
        .await?
        .into_iter()
        .collect();
    let pairs = carpool::suggestions(&candidates, rules(state).await?, &settled);
    Ok((optins, pairs))
}

pub async fn suggestions(state: &AppState) -> Result<Vec<Suggestion>, WebError> {
    let (optins, pairs) = pairs(state).await?;
    let mut out = Vec::new();
    for p in pairs {
        let (Some(a), Some(b)) = (
            optins.iter().find(|o| o.id == p.a),
            optins.iter().find(|o| o.id == p.b),
        ) else {
            continue;
        };
        out.push(Suggestion {
            a: side(state, a),
            b: side(state, b),
            destination: destination_label(state, a).await?,
            weeks: format!("du {} au {}", french_day(p.from), french_day(p.to)),
            distance: tremplin_domain::geo::format_distance(p.home_km, false),
        });
    }
    Ok(out)
}

/// The period an application's opt-in covers: the offer's start (or today when it starts as
/// soon as possible) for its duration (a year when it says none).
pub fn offer_period(offer: &Offer, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = offer.fields.start.date().unwrap_or(today);
    let months = u32::from(offer.fields.duration_months.unwrap_or(12).max(1));
    let end = start
        .checked_add_months(Months::new(months))
        .and_then(|d| d.pred_opt())
        .unwrap_or(start);
    (start, end)
}

/// Opts an application in: to the offer's CFA, or else the company's area, over the
/// contract's period. A minor's opt-in needs `guardian` (checked by the caller).
pub async fn opt_in_application(
    state: &AppState,
    application_id: i64,
    offer: &Offer,
    home: &str,
    minor: bool,
    guardian: Option<String>,
) -> Result<i64, WebError> {
    let now = state.clock.now();
    let (starts_on, ends_on) = offer_period(offer, paris_today(now));
    let id = state
        .store
        .add_carpool_optin(
            &NewCarpoolOptin {
                owner: CarpoolOwner::Application(application_id),
                commune_code: home.to_owned(),
                cfa_id: offer.cfa_id,
                area_commune_code: Some(offer.fields.commune.as_str().to_owned()),
                starts_on,
                ends_on,
                minor,
                guardian_email: guardian,
                created_by: None,
            },
            now,
        )
        .await?;
    Ok(id)
}

/// The active opt-in among an owner's, if any.
pub async fn active_of(
    state: &AppState,
    owner: CarpoolOwner,
) -> Result<Option<CarpoolOptin>, WebError> {
    Ok(state
        .store
        .carpool_optins_of(owner)
        .await?
        .into_iter()
        .find(|o| o.withdrawn_at.is_none()))
}

/// The counselor acts on pair `(a, b)`: only a pair suggested right now (ids typed by hand,
/// or a pair that vanished since the page was shown, get a French refusal).
async fn current_pair(
    state: &AppState,
    a: i64,
    b: i64,
) -> Result<Result<(CarpoolOptin, CarpoolOptin, Pair), Invalid>, WebError> {
    let (a, b) = (a.min(b), a.max(b));
    let (optins, pairs) = pairs(state).await?;
    let found = pairs.into_iter().find(|p| p.a == a && p.b == b);
    let (Some(p), Some(x), Some(y)) = (
        found,
        optins.iter().find(|o| o.id == a),
        optins.iter().find(|o| o.id == b),
    ) else {
        return Ok(Err(Invalid::new(
            "paire",
            "Cette paire n'est plus proposée : l'un·e des jeunes s'est retiré·e, ou un·e conseiller·e l'a déjà traitée.",
        )));
    };
    Ok(Ok((x.clone(), y.clone(), p)))
}

/// « Retirer »: the suggestion is set aside and not shown again.
pub async fn set_aside(
    state: &AppState,
    counselor: &User,
    a: i64,
    b: i64,
) -> Result<Result<(), Invalid>, WebError> {
    let (x, y, _) = match current_pair(state, a, b).await? {
        Ok(found) => found,
        Err(e) => return Ok(Err(e)),
    };
    state
        .store
        .settle_carpool_pair(
            x.id,
            y.id,
            CarpoolOutcome::SetAside,
            counselor.id,
            state.clock.now(),
        )
        .await?;
    Ok(Ok(()))
}

/// « Mettre en relation »: recorded, then each side is written to (a minor through their
/// guardian) with the counselor's address to answer; a side with no e-mail is left to the
/// counselor, who is told whom to phone. Returns how many messages left.
pub async fn put_in_touch(
    state: &AppState,
    counselor: &User,
    a: i64,
    b: i64,
) -> Result<Result<usize, Invalid>, WebError> {
    let (x, y, pair) = match current_pair(state, a, b).await? {
        Ok(found) => found,
        Err(e) => return Ok(Err(e)),
    };
    let now = state.clock.now();
    if !state
        .store
        .settle_carpool_pair(x.id, y.id, CarpoolOutcome::Matched, counselor.id, now)
        .await?
    {
        return Ok(Err(Invalid::new(
            "paire",
            "Un·e autre conseiller·e vient de traiter cette paire.",
        )));
    }
    let destination = destination_label(state, &x).await?;
    let weeks = format!("du {} au {}", french_day(pair.from), french_day(pair.to));
    let mut sent = 0;
    for (me, other) in [(&x, &y), (&y, &x)] {
        sent += usize::from(tell(state, counselor, me, other, &destination, &weeks, now).await?);
    }
    Ok(Ok(sent))
}

/// The message to one side: where the other lives (the commune only), where both go and
/// when, and how to answer the counselor. True when a message left for the young person or
/// their guardian; false when the counselor was asked to phone instead.
async fn tell(
    state: &AppState,
    counselor: &User,
    me: &CarpoolOptin,
    other: &CarpoolOptin,
    destination: &str,
    weeks: &str,
    now: DateTime<Utc>,
) -> Result<bool, WebError> {
    let mission = state
        .territory()
        .map_or_else(|| "La Mission Locale".to_owned(), |t| t.name);
    let phone = state
        .territory()
        .and_then(|t| t.phone)
        .map(|p| format!(" ou au {p}"))
        .unwrap_or_default();
    let other_commune = commune_name(state, &other.commune_code);
    let to = if me.minor {
        me.guardian_email.clone()
    } else {
        me.email.clone()
    };
    let Some(to) = to else {
        let text = format!(
            "Bonjour,\n\nVous avez mis en relation pour le covoiturage {} (n° d'inscription {}) et un·e jeune de {other_commune} ({destination}, {weeks}).\n{} n'a pas donné d'e-mail : appelez-le ou la{} pour lui proposer le trajet.\n\nTremplin",
            me.first_name,
            me.id,
            me.first_name,
            me.phone
                .as_deref()
                .map(|p| format!(" au {p}"))
                .unwrap_or_default(),
        );
        state
            .store
            .enqueue_mail(
                &counselor.email,
                "Covoiturage : un·e jeune à appeler",
                &text,
                None,
                now,
            )
            .await?;
        return Ok(false);
    };
    let opening = if me.minor {
        format!(
            "Bonjour,\n\nVotre enfant {} s'est inscrit·e au covoiturage entre jeunes de {mission}, avec votre accord.",
            me.first_name
        )
    } else {
        format!(
            "Bonjour {},\n\nTu t'es inscrit·e au covoiturage entre jeunes de {mission}.",
            me.first_name
        )
    };
    let text = format!(
        "{opening}\n\nUn·e autre jeune, qui habite à {other_commune}, va au même endroit ({destination}) {weeks}. Faire la route ensemble partage les frais et la fatigue.\n\nPour en parler, répondez à votre conseiller·e : {}{phone}. C'est lui ou elle qui vous met en relation : les coordonnées ne sont jamais données directement à l'autre jeune.\n\nPour ne plus recevoir de proposition de covoiturage, dites-le à votre conseiller·e.\n\n{mission}",
        counselor.email,
    );
    state
        .store
        .enqueue_mail(
            &to,
            "Covoiturage : un·e jeune fait le même trajet",
            &text,
            None,
            now,
        )
        .await?;
    Ok(true)
}

/// A person's opt-ins and the counselors' decisions about them, for their export.
pub async fn export_person(
    state: &AppState,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<serde_json::Value, WebError> {
    let optins = state.store.carpool_optins_of_person(email, phone).await?;
    let ids: Vec<i64> = optins.iter().map(|o| o.id).collect();
    let matches = state.store.carpool_matches_of(&ids).await?;
    let mut out = Vec::new();
    for o in &optins {
        out.push(serde_json::json!({
            "inscription": o.id,
            "candidature": o.application_id,
            "fiche_jeune": o.young_person_id,
            "commune": o.commune_code,
            "destination": destination_label(state, o).await?,
            "du": o.starts_on,
            "au": o.ends_on,
            "mineur": o.minor,
            "email_parent": o.guardian_email,
            "accord_parent_le": o.guardian_agreed_at,
            "inscrit_le": o.created_at,
            "retire_le": o.withdrawn_at,
            // The other side of a pair is someone else's data: only the decision shows.
            "mises_en_relation": matches
                .iter()
                .filter(|m| m.optin_a == o.id || m.optin_b == o.id)
                .map(|m| serde_json::json!({ "decision": m.outcome, "le": m.at, "conseiller": m.counselor_email }))
                .collect::<Vec<_>>(),
        }));
    }
    Ok(serde_json::Value::Array(out))
}

/// Erases a person's opt-ins (their own, or those they agreed to as a guardian) with the pairs
/// they are in; how many.
pub async fn erase_person(
    state: &AppState,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<usize, WebError> {
    let ids: Vec<i64> = state
        .store
        .carpool_optins_of_person(email, phone)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    state.store.delete_carpool_optins(&ids).await?;
    Ok(ids.len())
}
