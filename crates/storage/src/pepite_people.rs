//! The people around a pépite: who consented (and the private link to consent or withdraw),
//! the employers who asked to meet, what came of it; and their retention.

use chrono::{DateTime, NaiveDate, Utc};
use tremplin_domain::Invalid;

use crate::pepites::{CONSENT_SELECT, REQUEST_SELECT};
use crate::{
    MAX_REQUESTS_PER_DAY, MAX_REQUESTS_PER_PEPITE, MeetingRequest, NewMeetingRequest, Result,
    Store, StoreError, StoredConsent, on_pool,
};

impl Store {
    /// Asks a consent: a row with the private link's hash, not given yet. A signer asked
    /// again replaces the unanswered request (a new link; the old one stops working).
    #[allow(clippy::too_many_arguments)]
    pub async fn ask_pepite_consent(
        &self,
        pepite_id: i64,
        signer: &str,
        name: &str,
        link: &str,
        email: Option<&str>,
        channel: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM pepite_consents WHERE pepite_id = $1 AND signer = $2 AND given_on IS NULL")
                .bind(pepite_id)
                .bind(signer)
                .execute(&mut *tx)
                .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO pepite_consents (pepite_id, signer, name, link, email, channel, token_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(pepite_id)
            .bind(signer)
            .bind(name)
            .bind(link)
            .bind(email)
            .bind(channel)
            .bind(token_hash)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn pepite_consents(&self, pepite_id: i64) -> Result<Vec<StoredConsent>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "{CONSENT_SELECT} WHERE pepite_id = $1 ORDER BY signer, id"
            ))
            .bind(pepite_id)
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn pepite_consent_by_token(&self, token_hash: &str) -> Result<Option<StoredConsent>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!("{CONSENT_SELECT} WHERE token_hash = $1"))
                .bind(token_hash)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Records a consent as given (online, or the signed paper form received); `false` when
    /// it was already given or withdrawn.
    pub async fn give_pepite_consent(
        &self,
        consent_id: i64,
        given_on: NaiveDate,
        tremplin: bool,
        social_and_press: bool,
        until: NaiveDate,
        channel: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "UPDATE pepite_consents SET given_on = $2, tremplin = $3, social_and_press = $4, until = $5, channel = $6 \
                 WHERE id = $1 AND given_on IS NULL AND withdrawn_on IS NULL",
            )
            .bind(consent_id)
            .bind(given_on)
            .bind(tremplin)
            .bind(social_and_press)
            .bind(until)
            .bind(channel)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                sqlx::query(
                    "INSERT INTO pepite_events (pepite_id, at, kind, note) SELECT pepite_id, $2, 'consentement', signer FROM pepite_consents WHERE id = $1",
                )
                .bind(consent_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(n == 1)
        })
    }

    /// Withdraws a consent; `false` when already withdrawn.
    pub async fn withdraw_pepite_consent(
        &self,
        consent_id: i64,
        on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let n = on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let n = sqlx::query("UPDATE pepite_consents SET withdrawn_on = $2 WHERE id = $1 AND withdrawn_on IS NULL")
                .bind(consent_id)
                .bind(on)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 1 {
                sqlx::query(
                    "INSERT INTO pepite_events (pepite_id, at, kind, note) SELECT pepite_id, $2, 'retrait', signer FROM pepite_consents WHERE id = $1",
                )
                .bind(consent_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(n)
        })?;
        Ok(n == 1)
    }

    /// Stores an employer's request unless the sender is over a limit (said in French).
    pub async fn create_meeting_request(
        &self,
        pepite_id: i64,
        r: &NewMeetingRequest,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE pepites SET views = views WHERE id = $1")
                .bind(pepite_id)
                .execute(&mut *tx)
                .await?;
            let same: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pepite_requests WHERE sender_key = $1 AND pepite_id = $2",
            )
            .bind(&r.sender_key)
            .bind(pepite_id)
            .fetch_one(&mut *tx)
            .await?;
            if same >= MAX_REQUESTS_PER_PEPITE {
                return Err(StoreError::Invalid(Invalid::new(
                    "demande",
                    "Vous avez déjà envoyé 3 demandes pour ce portrait : la Mission Locale vous recontacte. Pour la joindre, appelez-la.",
                )));
            }
            let day: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pepite_requests WHERE sender_key = $1 AND created_unix > $2",
            )
            .bind(&r.sender_key)
            .bind(now.timestamp() - 86_400)
            .fetch_one(&mut *tx)
            .await?;
            if day >= MAX_REQUESTS_PER_DAY {
                return Err(StoreError::Invalid(Invalid::new(
                    "demande",
                    "Vous avez envoyé 10 demandes en 24 heures : c'est le maximum. Reprenez demain, ou appelez la Mission Locale.",
                )));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO pepite_requests (pepite_id, company_name, commune_code, siret, contact_name, phone, email, message, \
                 sender_key, created_at, created_unix) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(pepite_id)
            .bind(&r.company_name)
            .bind(&r.commune_code)
            .bind(&r.siret)
            .bind(&r.contact_name)
            .bind(&r.phone)
            .bind(&r.email)
            .bind(&r.message)
            .bind(&r.sender_key)
            .bind(now)
            .bind(now.timestamp())
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO pepite_events (pepite_id, at, kind, note) VALUES ($1, $2, 'demande', $3)")
                .bind(pepite_id)
                .bind(now)
                .bind(&r.company_name)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Requests about one pépite (`Some`) or all of them, newest first.
    pub async fn meeting_requests(&self, pepite_id: Option<i64>) -> Result<Vec<MeetingRequest>> {
        Ok(on_pool!(self, |p| {
            match pepite_id {
                Some(id) => {
                    sqlx::query_as(&format!(
                        "{REQUEST_SELECT} WHERE pepite_id = $1 ORDER BY id DESC"
                    ))
                    .bind(id)
                    .fetch_all(p)
                    .await
                }
                None => {
                    sqlx::query_as(&format!("{REQUEST_SELECT} ORDER BY id DESC"))
                        .fetch_all(p)
                        .await
                }
            }
        })?)
    }

    pub async fn meeting_request(&self, id: i64) -> Result<Option<MeetingRequest>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!("{REQUEST_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Records what came of a request (`rencontre`, `immersion`, `contrat`, `sans_suite`).
    pub async fn set_meeting_outcome(
        &self,
        id: i64,
        outcome: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let pepite: Option<i64> = sqlx::query_scalar("UPDATE pepite_requests SET outcome = $2, outcome_at = $3 WHERE id = $1 RETURNING pepite_id")
                .bind(id)
                .bind(outcome)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(pepite_id) = pepite {
                sqlx::query("INSERT INTO pepite_events (pepite_id, at, kind, note) VALUES ($1, $2, 'suite', $3)")
                    .bind(pepite_id)
                    .bind(now)
                    .bind(outcome)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(pepite)
        })
    }

    /// A pépite's history: (when, what, note), oldest first.
    pub async fn pepite_events(
        &self,
        pepite_id: i64,
    ) -> Result<Vec<(DateTime<Utc>, String, String)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT at, kind, note FROM pepite_events WHERE pepite_id = $1 ORDER BY id",
            )
            .bind(pepite_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Ended pépites whose retention is over (ended before `before`).
    pub async fn pepites_to_forget(&self, before: DateTime<Utc>) -> Result<Vec<i64>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar("SELECT id FROM pepites WHERE status IN ('terminee', 'retiree') AND ended_at < $1 ORDER BY id")
                .bind(before)
                .fetch_all(p)
                .await
        })?)
    }

    /// Erases a pépite and everything about the people around it; its tombstone stays.
    /// Returns the media keys it still held (to erase).
    pub async fn delete_pepite(&self, id: i64) -> Result<Vec<String>> {
        let keys = self
            .pepite(id)
            .await?
            .map(|p| p.media_keys())
            .unwrap_or_default();
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            for table in [
                "pepite_consents",
                "pepite_requests",
                "pepite_events",
                "edition_pepites",
            ] {
                sqlx::query(&format!("DELETE FROM {table} WHERE pepite_id = $1"))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM pepites WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })?;
        Ok(keys)
    }

    /// The pépites whose consents name this e-mail, and the requests sent from this e-mail or
    /// phone (a person's data on request).
    pub async fn pepite_records_of_person(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<(Vec<StoredConsent>, Vec<MeetingRequest>)> {
        let consents = match email {
            Some(e) => on_pool!(self, |p| {
                sqlx::query_as(&format!(
                    "{CONSENT_SELECT} WHERE lower(email) = lower($1) ORDER BY id"
                ))
                .bind(e)
                .fetch_all(p)
                .await
            })?,
            None => Vec::new(),
        };
        let requests = on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "{REQUEST_SELECT} WHERE lower(email) = lower($1) OR phone = $2 ORDER BY id"
            ))
            .bind(email.unwrap_or("\u{1}"))
            .bind(phone.unwrap_or("\u{1}"))
            .fetch_all(p)
            .await
        })?;
        Ok((consents, requests))
    }

    pub async fn delete_meeting_request(&self, id: i64) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query("DELETE FROM pepite_requests WHERE id = $1")
                .bind(id)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }
}

impl Store {
    /// Gives a consent a new private link (the confirmation e-mail of a paper form carries it).
    pub async fn set_pepite_consent_token(&self, consent_id: i64, token_hash: &str) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query("UPDATE pepite_consents SET token_hash = $2 WHERE id = $1")
                .bind(consent_id)
                .bind(token_hash)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }
}
