//! The follow-up link by SMS, for a young person who gave only a phone: the text (short, in
//! French, one GSM-7 segment), queued with the application, and the worker that empties the
//! SMS outbox as [`super::outbox`] empties the mail one.

use std::sync::Arc;
use std::time::Duration;

use tremplin_domain::Telephone;
use tremplin_mail::sms::{Sms, SmsSender, gsm7_septets};
use tremplin_storage::Store;

use crate::services::outbox::retry_delay;
use crate::{Clock, SystemClock};

/// A claimed text belongs to this worker for so long.
const LEASE_SECONDS: i64 = 120;
/// One SMS segment in GSM-7.
pub const MAX_SEPTETS: usize = 160;

/// Whether texts can reach this number: French mobiles (06, 07) only.
pub fn is_mobile(phone: &Telephone) -> bool {
    let d = phone.international();
    d.starts_with("+336") || d.starts_with("+337")
}

/// "Tremplin : votre candidature « … » est partie. Suivez la réponse : {link}", in one GSM-7
/// segment: the offer's title is shortened, or left out when it has characters GSM-7 lacks
/// (ê, ç… would make the text UCS-2, 70 characters a segment).
pub fn follow_text(title: &str, link: &str) -> String {
    let plain =
        format!("Votre candidature est partie. Suivez la réponse de l'employeur ici : {link}");
    let with_title = |t: &str| {
        format!(
            "Votre candidature \"{t}\" est partie. Suivez la réponse de l'employeur ici : {link}"
        )
    };
    let fits = |s: &str| gsm7_septets(s).is_some_and(|n| n <= MAX_SEPTETS);
    let title = title.trim();
    if gsm7_septets(title).is_some() {
        if fits(&with_title(title)) {
            return with_title(title);
        }
        // Shortened word by word, with "..." (three septets) at the end.
        let mut words: Vec<&str> = title.split_whitespace().collect();
        while words.len() > 1 {
            words.pop();
            let t = format!("{}...", words.join(" "));
            if fits(&with_title(&t)) {
                return with_title(&t);
            }
        }
    }
    plain
}

/// Sends what is due at `clock`'s time; returns how many were sent.
pub async fn drain(
    store: &Store,
    sender: &dyn SmsSender,
    clock: &dyn Clock,
) -> Result<usize, tremplin_storage::StoreError> {
    let mut sent = 0;
    while let Some(m) = store
        .claim_sms(clock.now().timestamp(), LEASE_SECONDS)
        .await?
    {
        let sms = Sms {
            to: m.to_phone.clone(),
            body: m.body.clone(),
        };
        match sender.send(&sms).await {
            Ok(()) => {
                store.sms_sent(m.id, clock.now()).await?;
                sent += 1;
            }
            Err(e) if e.is_permanent() => {
                // The number stays out of the log: personal data.
                tracing::warn!(sms = m.id, candidature = m.application_id, cause = %e, "SMS impossible à envoyer, abandonné");
                store
                    .sms_abandoned(m.id, &e.to_string(), clock.now())
                    .await?;
            }
            Err(e) => {
                tracing::warn!(sms = m.id, tentative = m.attempts + 1, cause = %e, "envoi de SMS reporté");
                let retry_at = clock.now().timestamp() + retry_delay(m.attempts);
                store.sms_failed(m.id, &e.to_string(), retry_at).await?;
            }
        }
    }
    Ok(sent)
}

/// Runs [`drain`] every two seconds until `shutdown`.
pub async fn run(
    store: Store,
    sender: Arc<dyn SmsSender>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut every = tokio::time::interval(Duration::from_secs(2));
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = shutdown.changed() => return,
        }
        if let Err(e) = drain(&store, sender.as_ref(), &SystemClock).await {
            tracing::warn!(cause = %e, "boîte d'envoi des SMS indisponible, nouvel essai");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://offres.ml-aigle-mortagne.fr/c/k7m2q9x4hw3p";

    #[test]
    fn the_follow_text_fits_one_gsm7_segment() {
        for title in [
            "Boulanger/Boulangère",
            "Aide-soignant·e",
            "Mécanicien(ne) agricole",
            "Vendeur en boulangerie-pâtisserie",
            "Apprenti cuisinier dans un restaurant traditionnel du Perche, service midi et soir",
            "",
        ] {
            let t = follow_text(title, LINK);
            let n = gsm7_septets(&t).expect("GSM-7 only");
            assert!(n <= MAX_SEPTETS, "{n} septets: {t}");
            assert!(t.ends_with(LINK), "{t}");
            assert_eq!(tremplin_mail::sms::segments(&t), 1);
        }
        assert_eq!(
            follow_text("Boulanger/Boulangère", LINK),
            format!(
                "Votre candidature \"Boulanger/Boulangère\" est partie. Suivez la réponse de l'employeur ici : {LINK}"
            )
        );
        // "·" is not GSM-7: the title is left out rather than the text sent as UCS-2.
        assert!(!follow_text("Aide-soignant·e", LINK).contains("soignant"));
        let long = follow_text(
            "Apprenti cuisinier dans un restaurant traditionnel du Perche, service midi et soir",
            LINK,
        );
        assert!(
            long.contains("\"Apprenti cuisinier") && long.contains("...\""),
            "{long}"
        );
    }

    #[test]
    fn only_mobiles_get_texts() {
        assert!(is_mobile(&Telephone::parse("06 12 34 56 78").unwrap()));
        assert!(is_mobile(&Telephone::parse("0712345678").unwrap()));
        assert!(!is_mobile(&Telephone::parse("02 33 24 00 00").unwrap()));
    }
}
