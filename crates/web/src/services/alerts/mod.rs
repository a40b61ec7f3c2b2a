//! Saved-search alerts, without an account: a young person leaves an address on a results
//! page, confirms it from the mail (double opt-in), then receives after each edition the new
//! offers of that search only, never an empty mail. Every mail unsubscribes in one click
//! (RFC 8058). Limits, retention and the wording of the mails live here; HTTP in the feature.
//!
//! Limits (an address is never told whether it already has alerts):
//! - 10 requests an hour from one connection, answered 429;
//! - 3 mails about alerts a day to one address (confirmation, "already subscribed", "limit
//!   reached"), answered 429: nobody can flood an inbox from the form;
//! - 10 alerts (pending or active) per address: beyond, the mail says so and nothing is created.
//!
//! Retention: an alert unconfirmed after 7 days is erased; an alert with no click in any of its
//! mails for 12 months is erased, after a notice mailed 30 days before (its "garder" link
//! keeps it 12 more months).

mod mails;
mod rounds;

use chrono::Duration;
use tremplin_domain::Email;
use tremplin_storage::{AlertLink, AlertMail};

use crate::services::catalogue::CatalogueQuery;
use crate::services::secrets::{random_token, token_hash};
use crate::{AppState, WebError};

pub use rounds::{forget_old, send_after_editions};

pub const MAX_REQUESTS_PER_IP_HOUR: i64 = 10;
pub const MAX_MAILS_PER_ADDRESS_DAY: i64 = 3;
pub const MAX_ALERTS_PER_ADDRESS: usize = 10;
pub const PENDING_DAYS: i64 = 7;
pub const INACTIVE_DAYS: i64 = 365;
pub const NOTICE_DAYS: i64 = 30;
/// At most this many offers in one mail; the mail links to the search for the rest.
pub const MAX_OFFERS_PER_MAIL: u32 = 50;

/// What a request to subscribe came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Requested {
    /// A mail is on its way (or, for an address with too many alerts, nothing is: the page
    /// says the same either way).
    CheckYourMailbox,
    /// Too many requests: the message and how many seconds to wait.
    Limited(&'static str, i64),
}

/// Scheduled work: the alerts of the editions just published, then retention.
pub async fn tick(state: &AppState) -> Result<(), WebError> {
    send_after_editions(state).await?;
    forget_old(state).await?;
    Ok(())
}

/// The search as stored: the results page's own query string (without its page).
pub fn normalised(q: &CatalogueQuery) -> String {
    q.page_query(1)
}

/// How mails and pages name a search: « boulanger », Boulangerie, à 30 km de L'Aigle…
pub fn describe(state: &AppState, q: &CatalogueQuery) -> String {
    let mut parts = Vec::new();
    if !q.text.is_empty() {
        parts.push(format!("« {} »", q.text));
    }
    for r in &q.rome {
        parts.push(
            state
                .refs
                .rome
                .label(r.as_str())
                .map_or_else(|| r.to_string(), str::to_owned),
        );
    }
    if let Some(c) = q.contract {
        parts.push(c.label().to_lowercase());
    }
    if !q.levels.is_empty() {
        let levels: Vec<String> = q.levels.iter().map(|l| l.get().to_string()).collect();
        parts.push(format!("niveau {}", levels.join(", ")));
    }
    if q.rqth {
        parts.push("ouvertes RQTH".into());
    }
    if let Some(n) = &q.near {
        parts.push(format!("à {} km de {}", q.radius_km, n.name));
    }
    if parts.is_empty() {
        "toutes les offres".into()
    } else {
        parts.join(", ")
    }
}

/// Throttle keys never hold an address: its hash.
fn address_key(email: &str) -> String {
    format!("alerte-adresse:{}", token_hash(email))
}

/// A request from the results page: checks the limits, then queues the confirmation mail
/// (or, for an address that already has this alert or too many, a mail saying so).
pub async fn request(
    state: &AppState,
    email: &Email,
    q: &CatalogueQuery,
    ip: &str,
) -> Result<Requested, WebError> {
    let now = state.clock.now();
    let email = email.as_str().to_lowercase();
    let ip_key = format!("alerte-ip:{ip}");
    if state
        .store
        .login_failures(&ip_key, now.timestamp() - 3600)
        .await?
        >= MAX_REQUESTS_PER_IP_HOUR
    {
        return Ok(Requested::Limited(
            "Beaucoup de demandes d'alerte sont parties de cette connexion en une heure. Réessayez dans une heure.",
            3600,
        ));
    }
    let key = address_key(&email);
    let span = state
        .store
        .login_failure_span(&key, now.timestamp() - 86_400)
        .await?;
    if span.count >= MAX_MAILS_PER_ADDRESS_DAY {
        let wait = (span.first + 86_400 - now.timestamp()).clamp(60, 86_400);
        return Ok(Requested::Limited(
            "Plusieurs e-mails ont déjà été envoyés à cette adresse aujourd'hui. Cherchez le dernier reçu (pensez aux courriers indésirables) ou réessayez demain.",
            wait,
        ));
    }
    state
        .store
        .record_login_failure(&[ip_key, key], now.timestamp())
        .await?;
    let search = normalised(q);
    let label = describe(state, q);
    let existing = state.store.alerts_of_email(&email).await?;
    if existing
        .iter()
        .any(|a| a.search == search && a.confirmed_unix.is_some())
    {
        let mail = mails::already(state, &email, &label)?;
        state.store.queue_alert_mail(&mail, now).await?;
    } else if existing.len() >= MAX_ALERTS_PER_ADDRESS
        && !existing.iter().any(|a| a.search == search)
    {
        let mail = mails::too_many(state, &email)?;
        state.store.queue_alert_mail(&mail, now).await?;
    } else {
        let token = random_token();
        let mut mail = mails::confirmation(state, &email, &label, &token)?;
        mail.links.push((token_hash(&token), AlertLink::Confirm));
        state
            .store
            .request_alert(&email, &search, &label, &mail, now)
            .await?;
    }
    Ok(Requested::CheckYourMailbox)
}

/// A link's token as it may appear: 64 lowercase hex digits.
pub fn well_formed(token: &str) -> bool {
    token.len() == 64
        && token
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The alert a confirmation link names, if it can still be confirmed.
pub async fn pending(
    state: &AppState,
    token: &str,
) -> Result<Option<tremplin_storage::Alert>, WebError> {
    if !well_formed(token) {
        return Ok(None);
    }
    let alert = state
        .store
        .alert_by_link(&token_hash(token), AlertLink::Confirm)
        .await?;
    let limit = state.clock.now() - Duration::days(PENDING_DAYS);
    Ok(alert.filter(|a| a.confirmed_unix.is_none() && a.created_unix > limit.timestamp()))
}

/// Confirms an alert; `None` when the link is unknown, used or expired.
pub async fn confirm(
    state: &AppState,
    token: &str,
) -> Result<Option<tremplin_storage::Alert>, WebError> {
    if pending(state, token).await?.is_none() {
        return Ok(None);
    }
    Ok(state
        .store
        .confirm_alert(&token_hash(token), state.clock.now())
        .await?)
}

/// The alert an unsubscribe link names.
pub async fn by_unsubscribe_link(
    state: &AppState,
    token: &str,
) -> Result<Option<tremplin_storage::Alert>, WebError> {
    if !well_formed(token) {
        return Ok(None);
    }
    Ok(state
        .store
        .alert_by_link(&token_hash(token), AlertLink::Unsubscribe)
        .await?)
}

/// Erases the alert of an unsubscribe link; false if there was none.
pub async fn unsubscribe(state: &AppState, token: &str) -> Result<bool, WebError> {
    if !well_formed(token) {
        return Ok(false);
    }
    let done = state.store.unsubscribe_alert(&token_hash(token)).await?;
    if done {
        tracing::info!("alerte désinscrite");
    }
    Ok(done)
}

/// The alert a "garder" link names.
pub async fn by_keep_link(
    state: &AppState,
    token: &str,
) -> Result<Option<tremplin_storage::Alert>, WebError> {
    if !well_formed(token) {
        return Ok(None);
    }
    Ok(state
        .store
        .alert_by_link(&token_hash(token), AlertLink::Keep)
        .await?)
}

/// Keeps an alert 12 more months; false for an unknown link.
pub async fn keep(state: &AppState, token: &str) -> Result<bool, WebError> {
    if !well_formed(token) {
        return Ok(false);
    }
    Ok(state
        .store
        .touch_alert(&token_hash(token), AlertLink::Keep, state.clock.now())
        .await?)
}

/// An offer opened from an alert's mail (`?via=alerte&alerte=…`): the alert is in use. An
/// unknown or malformed token counts for nothing.
pub async fn clicked(state: &AppState, token: &str) -> Result<(), WebError> {
    if well_formed(token) {
        state
            .store
            .touch_alert(&token_hash(token), AlertLink::Click, state.clock.now())
            .await?;
    }
    Ok(())
}

/// A fresh token for a link of a mail, and its hash to store.
fn link(kind: AlertLink, links: &mut Vec<(String, AlertLink)>) -> String {
    let token = random_token();
    links.push((token_hash(&token), kind));
    token
}

/// The message a delivery or a notice queues, before its links are added.
fn mail(to: &str, subject: String, text: String, unsubscribe: Option<String>) -> AlertMail {
    AlertMail {
        to: to.to_owned(),
        subject,
        text,
        html: None,
        list_unsubscribe: unsubscribe,
        links: Vec::new(),
    }
}
