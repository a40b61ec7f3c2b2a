//! A promo's activities with no HTTP in them: its members registered (the same seats and
//! waiting list as the public page), what they attended for the board, a young person's
//! history, and the promo's private calendar feed behind a revocable link.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use tremplin_domain::activity::{Attendance, RegistrationStatus};
use tremplin_storage::{Activity, MemberSeat, Registration};

use crate::services::{events, secrets};
use crate::shell::dates::paris_today;
use crate::{AppState, WebError};

/// Public events cancelled stay in the feed this long after their end, as in the public one.
const CANCELLED_KEPT_DAYS: i64 = 30;

/// What registering members gave.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub seated: usize,
    pub waiting: usize,
    pub already: usize,
}

/// Registers these members of the activity's promo, one after the other in the order given
/// (so the waiting list keeps that order). A refusal (activity cancelled or over, not a
/// member) stops there with its French message; those registered before it stay.
pub async fn register_members(
    state: &AppState,
    activity: i64,
    members: &[i64],
) -> Result<Tally, WebError> {
    let mut t = Tally::default();
    for id in members {
        // The cancellation link is for people who registered on their own: a member's
        // registration is cancelled by their counselor.
        let (_, hash) = events::cancel_link();
        match state
            .store
            .register_member(activity, *id, &hash, state.clock.now())
            .await?
        {
            MemberSeat::New(_, RegistrationStatus::Attente) => t.waiting += 1,
            MemberSeat::New(..) => t.seated += 1,
            MemberSeat::Already(_) => t.already += 1,
        }
    }
    Ok(t)
}

/// The days each member of a promo attended an activity (marked present), for the board's
/// 14-day rule: the activity's last day, or today while it runs.
pub async fn attended_days(
    state: &AppState,
    promo: i64,
) -> Result<HashMap<i64, Vec<NaiveDate>>, WebError> {
    let now = state.clock.now();
    let mut out: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    for (young, starts, ends) in state.store.promo_attendance(promo).await? {
        if starts > now {
            continue;
        }
        out.entry(young)
            .or_default()
            .push(paris_today(ends.min(now)));
    }
    Ok(out)
}

/// One line of a young person's history.
pub struct HistoryLine {
    pub activity_id: i64,
    pub title: String,
    pub when: String,
    pub status: &'static str,
    pub attendance: &'static str,
    /// Registered by a counselor (through a promo) rather than on their own.
    pub by_counselor: bool,
}

/// A record's registrations and what the attendance sheets say, the latest first.
pub async fn history(state: &AppState, young: i64) -> Result<Vec<HistoryLine>, WebError> {
    let mut lines = Vec::new();
    for r in state.store.registrations_of_young_person(young).await? {
        let Some(a) = state.store.activity(r.activity_id).await? else {
            continue;
        };
        lines.push(line(&a, &r));
    }
    Ok(lines)
}

fn line(a: &Activity, r: &Registration) -> HistoryLine {
    HistoryLine {
        activity_id: a.id,
        title: if a.cancelled {
            format!("{} (annulée)", a.title)
        } else {
            a.title.clone()
        },
        when: events::when(a),
        status: r.status.label(),
        attendance: match (r.status, r.attendance()) {
            (_, Some(x)) => x.label(),
            (RegistrationStatus::Inscrit, None) => "non noté",
            _ => "–",
        },
        by_counselor: r.young_person_id.is_some(),
    }
}

/// A person's registrations for the right of access and erasure (by e-mail or phone): their
/// own, and those a counselor made for their records (a minor's record may carry only the
/// guardian's contact), each once, the latest first.
pub async fn registrations_of_person(
    state: &AppState,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<Vec<Registration>, WebError> {
    let mut all = state.store.registrations_of_person(email, phone).await?;
    for y in state.store.young_people_of_person(email, phone).await? {
        for r in state.store.registrations_of_young_person(y.id).await? {
            if !all.iter().any(|a| a.id == r.id) {
                all.push(r);
            }
        }
    }
    all.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(all)
}

/// A promo's activity as its page lists it: seats and what the sheet says.
pub struct ActivityLine {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub when: String,
    pub cancelled: bool,
    pub seated: i64,
    pub capacity: i64,
    pub waiting: i64,
    pub present: usize,
}

pub async fn activity_lines(state: &AppState, promo: i64) -> Result<Vec<ActivityLine>, WebError> {
    let mut out = Vec::new();
    for a in state.store.promo_activities(promo).await? {
        let present = state
            .store
            .registrations(a.id)
            .await?
            .iter()
            .filter(|r| {
                r.status == RegistrationStatus::Inscrit
                    && r.attendance() == Some(Attendance::Present)
            })
            .count();
        out.push(ActivityLine {
            id: a.id,
            title: a.title.clone(),
            kind: a.kind.label(),
            when: events::when(&a),
            cancelled: a.cancelled,
            seated: a.seated,
            capacity: a.capacity,
            waiting: a.waiting,
            present,
        });
    }
    Ok(out)
}

/// The address of a promo's calendar feed.
pub fn calendar_url(state: &AppState, token: &str) -> String {
    format!("{}/agenda/promos/{token}.ics", state.config.public_url)
}

/// A new calendar link for the promo, replacing (revoking) the old one; its address, to show
/// once: only the token's hash is kept.
pub async fn renew_calendar(state: &AppState, promo: i64) -> Result<String, WebError> {
    let token = secrets::random_token();
    state
        .store
        .renew_promo_calendar(promo, &secrets::token_hash(&token), state.clock.now())
        .await?;
    Ok(calendar_url(state, &token))
}

/// The feed behind a calendar link: the promo's activities (cancelled ones as CANCELLED) and
/// the public events, nothing about the members. `None` for a link that is not (or no longer)
/// one: the token is looked up by its SHA-256 and the stored hash compared in constant time,
/// so the answer's time says nothing of how close a guess was.
pub async fn calendar_feed(state: &AppState, token: &str) -> Result<Option<String>, WebError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let hash = secrets::token_hash(&token.to_ascii_lowercase());
    let Some((promo, stored)) = state.store.promo_of_calendar(&hash).await? else {
        return Ok(None);
    };
    if !crate::shell::auth::same(&stored, &hash) {
        return Ok(None);
    }
    let Some(p) = state.store.promo(promo).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    let mut shown = state.store.promo_activities(promo).await?;
    for a in state
        .store
        .public_activities(now - Duration::days(CANCELLED_KEPT_DAYS), true)
        .await?
    {
        if (a.cancelled || a.ends_at >= now) && !shown.iter().any(|s| s.id == a.id) {
            shown.push(a);
        }
    }
    shown.sort_by_key(|a| (a.starts_at, a.id));
    Ok(Some(events::ics(
        state,
        &shown,
        &format!("{} – agenda", p.name),
    )))
}
