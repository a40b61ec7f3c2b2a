//! The events' work with no HTTP in it: how an activity reads (when, where), its calendar, the
//! mails (confirmation with the `.ics` and the cancellation link, the seat freed for the first
//! on the waiting list, the organiser told, the reminder the day before, the cancellation) and
//! registrations erased with the territory's retention.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Europe::Paris;
use tremplin_domain::activity::{RegistrationInput, RegistrationStatus};
use tremplin_storage::{Activity, Attachment, Registration};

use crate::services::calendar::{self, Entry};
use crate::services::secrets;
use crate::shell::dates::french_day;
use crate::{AppState, WebError};

/// The reminder goes this long before the start (the day before).
pub const REMINDER_AHEAD_SECONDS: i64 = 24 * 3600;

/// "Mortagne-au-Perche (61400)", or "En visio" for a virtual workshop.
pub fn place(state: &AppState, a: &Activity) -> String {
    match a
        .commune_code
        .as_deref()
        .and_then(|c| state.refs.communes.get(c))
    {
        Some(c) => match c.postcodes.first() {
            Some(pc) => format!("{} ({pc})", c.name),
            None => c.name.clone(),
        },
        None => "En visio".into(),
    }
}

/// "dimanche 25 octobre 2026, 09:30 – 12:00", Paris time; across days, both days.
pub fn when(a: &Activity) -> String {
    let s = a.starts_at.with_timezone(&Paris);
    let e = a.ends_at.with_timezone(&Paris);
    if s.date_naive() == e.date_naive() {
        format!(
            "{} {}, {} – {}",
            french_day(s.date_naive()),
            s.format("%Y"),
            s.format("%H:%M"),
            e.format("%H:%M")
        )
    } else {
        format!(
            "du {} {} à {} au {} {} à {}",
            french_day(s.date_naive()),
            s.format("%Y"),
            s.format("%H:%M"),
            french_day(e.date_naive()),
            e.format("%Y"),
            e.format("%H:%M")
        )
    }
}

pub fn url(state: &AppState, id: i64) -> String {
    format!("{}/evenements/{id}", state.config.public_url)
}

fn territory_name(state: &AppState) -> String {
    state
        .territory()
        .map_or_else(|| "Mission Locale".into(), |t| t.name)
}

/// The calendar of these activities.
pub fn ics(state: &AppState, activities: &[Activity], name: &str) -> String {
    let entries: Vec<Entry<'_>> = activities
        .iter()
        .map(|a| Entry {
            activity: a,
            place: if a.commune_code.is_some() {
                place(state, a)
            } else {
                String::new()
            },
            // A reserved activity has no public page to link to.
            url: if a.is_public {
                url(state, a.id)
            } else {
                String::new()
            },
        })
        .collect();
    calendar::calendar(
        entries.as_slice(),
        name,
        &state.config.public_url,
        &territory_name(state),
    )
}

/// The event's `.ics` as a file to attach: it holds nothing personal, so one file per version
/// of the event serves every registrant.
async fn ics_attachment(state: &AppState, a: &Activity) -> Option<Attachment> {
    // In the shared media storage, so that whichever instance sends the mail finds it.
    let key = crate::services::media::MediaKey::parse(&format!(
        "evenements/evenement-{}-{}.ics",
        a.id, a.sequence
    ))?;
    let body = ics(state, std::slice::from_ref(a), &a.title);
    match state.media.put(&key, body.as_bytes()).await {
        Ok(()) => Some(Attachment {
            path: format!(
                "{}{}",
                crate::services::uploads::STORED_PREFIX,
                key.as_str()
            ),
            name: "evenement.ics".into(),
            content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
        }),
        Err(e) => {
            // The mail still leaves, with the calendar's link.
            tracing::warn!(cause = %e, "fichier .ics non écrit");
            None
        }
    }
}

/// A new cancellation link: (the token for the mail, its hash for the database).
pub fn cancel_link() -> (String, String) {
    let token = secrets::random_token();
    let hash = secrets::token_hash(&token);
    (token, hash)
}

pub fn cancel_url(state: &AppState, token: &str) -> String {
    format!("{}/evenements/annuler/{token}", state.config.public_url)
}

fn details(state: &AppState, a: &Activity) -> String {
    let mut s = format!("{}\n{}\n", a.title, when(a));
    match (&a.video_url, a.address.is_empty()) {
        (Some(v), _) if a.commune_code.is_none() => s.push_str(&format!("En visio : {v}\n")),
        (_, false) => s.push_str(&format!("{}, {}\n", a.address, place(state, a))),
        _ => s.push_str(&format!("{}\n", place(state, a))),
    }
    s
}

/// After a registration: the person's confirmation (with the `.ics` and the cancellation
/// link) when they gave an e-mail, and the organiser told.
pub async fn registered(
    state: &AppState,
    a: &Activity,
    r: &RegistrationInput,
    status: RegistrationStatus,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), WebError> {
    let territory = territory_name(state);
    let cancel = cancel_url(state, token);
    if let Some(email) = &r.email {
        let (subject, opening) = match status {
            RegistrationStatus::Attente => (
                format!("Liste d'attente : {}", a.title),
                "L'événement est complet : vous êtes sur la liste d'attente. Si une place se libère, elle est pour vous dans l'ordre des inscriptions et nous vous l'écrivons.",
            ),
            _ => (
                format!("Inscription confirmée : {}", a.title),
                "Votre inscription est confirmée. L'événement est joint à ce message (fichier .ics) pour votre agenda.",
            ),
        };
        let text = format!(
            "Bonjour {},\n\n{opening}\n\n{}\nDétails : {}\nAgenda : {}.ics\n\nVous ne pouvez plus venir ? Annulez ici, la place ira à quelqu'un d'autre :\n{cancel}\n\n{territory}",
            r.first_name,
            details(state, a),
            url(state, a.id),
            url(state, a.id),
        );
        let attachment = ics_attachment(state, a).await;
        state
            .store
            .enqueue_mail_with(
                email.as_str(),
                &subject,
                &text,
                None,
                attachment.as_ref(),
                now,
            )
            .await?;
    }
    tell_organiser(
        state,
        a,
        &format!("{} {}", r.first_name, r.last_name),
        status,
        now,
    )
    .await
}

/// The organiser (or the territory's contact) hears of each registration.
async fn tell_organiser(
    state: &AppState,
    a: &Activity,
    who: &str,
    status: RegistrationStatus,
    now: DateTime<Utc>,
) -> Result<(), WebError> {
    let to = a
        .organiser_email
        .clone()
        .or_else(|| state.territory().and_then(|t| t.contact_email));
    let Some(to) = to else { return Ok(()) };
    let fresh = state
        .store
        .activity(a.id)
        .await?
        .unwrap_or_else(|| a.clone());
    let text = format!(
        "Bonjour,\n\n{who} s'est inscrit·e à « {} » ({}) : {}.\nPlaces prises : {} sur {} ; liste d'attente : {}.\n\nLa feuille d'émargement : {}/gestion/activites/{}\n\nTremplin",
        a.title,
        when(a),
        status.label().to_lowercase(),
        fresh.seated,
        fresh.capacity,
        fresh.waiting,
        state.config.public_url,
        a.id
    );
    state
        .store
        .enqueue_mail(
            &to,
            &format!("Nouvelle inscription : {}", a.title),
            &text,
            None,
            now,
        )
        .await?;
    Ok(())
}

/// A registration is cancelled: the first on the waiting list takes the seat and is told.
pub async fn cancelled(
    state: &AppState,
    registration: &Registration,
    now: DateTime<Utc>,
) -> Result<(), WebError> {
    let Some(promoted) = state
        .store
        .cancel_registration(registration.id, now)
        .await?
    else {
        return Ok(());
    };
    let Some(a) = state.store.activity(promoted.activity_id).await? else {
        return Ok(());
    };
    if let Some(email) = &promoted.email {
        let text = format!(
            "Bonjour {},\n\nUne place s'est libérée : vous êtes inscrit·e.\n\n{}\nDétails : {}\nAgenda : {}.ics\n\nVous ne pouvez plus venir ? Le lien pour annuler est dans le premier e-mail que vous avez reçu.\n\n{}",
            promoted.first_name,
            details(state, &a),
            url(state, a.id),
            url(state, a.id),
            territory_name(state)
        );
        let attachment = ics_attachment(state, &a).await;
        state
            .store
            .enqueue_mail_with(
                email,
                &format!("Une place pour vous : {}", a.title),
                &text,
                None,
                attachment.as_ref(),
                now,
            )
            .await?;
    }
    Ok(())
}

/// The activity is cancelled: everyone registered or waiting hears of it.
pub async fn activity_cancelled(
    state: &AppState,
    a: &Activity,
    now: DateTime<Utc>,
) -> Result<usize, WebError> {
    let mut told = 0;
    for r in state.store.registrations(a.id).await? {
        let (Some(email), false) = (&r.email, r.status == RegistrationStatus::Annule) else {
            continue;
        };
        let text = format!(
            "Bonjour {},\n\nNous sommes désolés : « {} » ({}) est annulé. Votre agenda le retire s'il l'avait importé.\n\nLes autres événements : {}/evenements\n\n{}",
            r.first_name,
            a.title,
            when(a),
            state.config.public_url,
            territory_name(state)
        );
        state
            .store
            .enqueue_mail(email, &format!("Annulé : {}", a.title), &text, None, now)
            .await?;
        told += 1;
    }
    Ok(told)
}

/// The day before: each seated registrant with an e-mail is reminded once. Safe to run every
/// round and on several instances: a reminder is claimed in the database before it is queued.
pub async fn remind(state: &AppState) -> Result<usize, WebError> {
    let now = state.clock.now();
    let due = state
        .store
        .claim_reminders(now, REMINDER_AHEAD_SECONDS)
        .await?;
    let mut sent = 0;
    for r in due {
        let (Some(email), Some(a)) = (&r.email, state.store.activity(r.activity_id).await?) else {
            continue;
        };
        let text = format!(
            "Bonjour {},\n\nC'est demain !\n\n{}\nDétails : {}\n\nVous ne pouvez plus venir ? Annulez avec le lien du premier e-mail : la place ira à quelqu'un d'autre.\n\n{}",
            r.first_name,
            details(state, &a),
            url(state, a.id),
            territory_name(state)
        );
        state
            .store
            .enqueue_mail(email, &format!("Demain : {}", a.title), &text, None, now)
            .await?;
        sent += 1;
    }
    Ok(sent)
}

/// Registrations are kept for the territory's retention period after their event.
pub async fn forget_old(state: &AppState) -> Result<u64, WebError> {
    let Some(t) = state.territory() else {
        return Ok(0);
    };
    let before = state.clock.now() - Duration::days(30 * t.retention_months.max(1));
    let n = state.store.forget_registrations(before).await?;
    if n > 0 {
        tracing::info!(
            inscriptions = n,
            "inscriptions aux événements effacées au terme de leur conservation"
        );
    }
    Ok(n)
}
