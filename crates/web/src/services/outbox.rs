//! The worker that empties the mail outbox: claims a message, sends it, marks it sent; on
//! failure retries later with a growing delay (30 s, 1 min, 2 min… up to an hour). A message
//! that can never be sent (an address the sender refuses, a permanent rejection) is marked
//! failed once and the Mission Locale is told by mail; no address is ever logged.

use std::sync::Arc;
use std::time::Duration;

use tremplin_mail::{FileAttachment, MailError, Mailer, Outgoing};
use tremplin_storage::{QueuedMail, Store};

use crate::services::media::Media;
use crate::services::uploads::read_cv;
use crate::{Clock, SystemClock};

/// A claimed message belongs to this worker for so long.
const LEASE_SECONDS: i64 = 120;

pub fn retry_delay(attempts: i64) -> i64 {
    (30_i64 << attempts.clamp(0, 7)).min(3600)
}

/// Sends what is due at `clock`'s time; returns how many were sent. Attachments (CVs) are
/// read from `media`.
pub async fn drain(
    store: &Store,
    media: &Media,
    mailer: &Mailer,
    clock: &dyn Clock,
) -> Result<usize, tremplin_storage::StoreError> {
    let mut sent = 0;
    while let Some(m) = store
        .claim_mail(clock.now().timestamp(), LEASE_SECONDS)
        .await?
    {
        let attachment = match (&m.attachment_path, &m.attachment_name, &m.attachment_type) {
            (Some(path), Some(name), Some(kind)) => match read_cv(media, path)
                .await
                .and_then(|b| b.ok_or_else(|| std::io::Error::other("introuvable")))
            {
                Ok(bytes) => Some(FileAttachment {
                    name: name.clone(),
                    content_type: kind.clone(),
                    bytes,
                }),
                Err(e) => {
                    tracing::warn!(message = m.id, cause = %e, "pièce jointe illisible, nouvel essai plus tard");
                    store
                        .mail_failed(
                            m.id,
                            &format!("pièce jointe illisible : {e}"),
                            clock.now().timestamp() + retry_delay(m.attempts),
                        )
                        .await?;
                    continue;
                }
            },
            _ => None,
        };
        let outgoing = Outgoing {
            to: m.to_addr.clone(),
            subject: m.subject.clone(),
            text: m.text_body.clone(),
            html: m.html_body.clone(),
            attachment,
            list_unsubscribe: m.list_unsubscribe.clone(),
        };
        match mailer.send(&outgoing).await {
            Ok(()) => {
                store.mail_sent(m.id, clock.now()).await?;
                sent += 1;
            }
            Err(e) if e.is_permanent() => {
                tracing::warn!(message = m.id, cause = %e, "e-mail impossible à envoyer, abandonné");
                store
                    .mail_abandoned(m.id, &e.to_string(), clock.now())
                    .await?;
                tell_the_mission_locale(store, &m, &e, clock).await?;
            }
            Err(e) => {
                // The address stays out of the log: personal data.
                tracing::warn!(message = m.id, tentative = m.attempts + 1, cause = %e, "envoi d'e-mail reporté");
                let retry_at = clock.now().timestamp() + retry_delay(m.attempts);
                store.mail_failed(m.id, &e.to_string(), retry_at).await?;
            }
        }
    }
    Ok(sent)
}

/// Tells the territory's contact that a message will never leave: whom it was for, what it was
/// (an application to pass on by phone…). Not when the contact's own address is the one that
/// fails: that would fail the same way.
async fn tell_the_mission_locale(
    store: &Store,
    m: &QueuedMail,
    e: &MailError,
    clock: &dyn Clock,
) -> Result<(), tremplin_storage::StoreError> {
    let Some(contact) = store.territory().await?.and_then(|t| t.contact_email) else {
        tracing::warn!(
            message = m.id,
            "aucun contact de la Mission Locale à prévenir"
        );
        return Ok(());
    };
    if contact.trim().eq_ignore_ascii_case(m.to_addr.trim()) {
        return Ok(());
    }
    let application = m.application_id.map_or_else(String::new, |id| {
        format!(
            "\nC'était l'envoi de la candidature n° {id} à l'employeur : elle ne lui est pas parvenue. \
             Transmettez-la par téléphone ou corrigez le contact de l'offre (rubrique Candidatures du back-office)."
        )
    });
    let text = format!(
        "Bonjour,\n\nLe message « {} » destiné à {} n'a pas pu être envoyé et ne le sera pas : {e}.{application}\n\nTremplin",
        m.subject, m.to_addr
    );
    store
        .enqueue_mail(
            &contact,
            "Un e-mail n'a pas pu être envoyé",
            &text,
            None,
            clock.now(),
        )
        .await?;
    Ok(())
}

/// Runs [`drain`] every two seconds until `shutdown`.
pub async fn run(
    store: Store,
    media: Media,
    mailer: Arc<Mailer>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut every = tokio::time::interval(Duration::from_secs(2));
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = shutdown.changed() => return,
        }
        if let Err(e) = drain(&store, &media, &mailer, &SystemClock).await {
            tracing::warn!(cause = %e, "boîte d'envoi indisponible, nouvel essai");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn retries_slow_down_up_to_an_hour() {
        let delays: Vec<i64> = (0..10).map(super::retry_delay).collect();
        assert_eq!(delays[..4], [30, 60, 120, 240]);
        assert_eq!(delays[9], 3600);
    }
}
