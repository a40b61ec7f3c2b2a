//! « Nos pépites »: portraits, their consents, employers' requests and history. Ending a
//! pépite (withdrawal, contract, end of consent) clears its media keys, queues the files for
//! erasure and leaves a tombstone without name nor image, in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use tremplin_domain::pepite::Portrait;
use tremplin_domain::{CodeRome, Invalid};

use crate::{Result, Store, StoreError, on_pool};

/// At most this many requests from one sender about one pépite, and in a day.
pub const MAX_REQUESTS_PER_PEPITE: i64 = 3;
pub const MAX_REQUESTS_PER_DAY: i64 = 10;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Pepite {
    pub id: i64,
    /// `brouillon`, `publiee`, `terminee` or `retiree`.
    pub status: String,
    pub counselor_id: Option<i64>,
    pub display_name: String,
    pub birth_date: NaiveDate,
    pub holders: i64,
    pub area_kind: String,
    pub area_code: String,
    pub area_name: String,
    pub trades: String,
    pub available_from: NaiveDate,
    pub licence: bool,
    pub vehicle: bool,
    pub radius_km: i64,
    pub strength_1: String,
    pub strength_2: String,
    pub strength_3: String,
    pub story: String,
    pub video_key: Option<String>,
    pub video_mime: Option<String>,
    pub video_ms: Option<i64>,
    pub light_key: Option<String>,
    pub poster_key: Option<String>,
    pub captions_key: Option<String>,
    pub featured_week: Option<String>,
    pub views: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
}

impl Pepite {
    pub fn trade_codes(&self) -> Vec<CodeRome> {
        self.trades
            .split_whitespace()
            .filter_map(|c| CodeRome::parse(c).ok())
            .collect()
    }
    pub fn is_published(&self) -> bool {
        self.status == "publiee"
    }
    pub fn is_over(&self) -> bool {
        matches!(self.status.as_str(), "terminee" | "retiree")
    }
    /// Every media key it holds.
    pub fn media_keys(&self) -> Vec<String> {
        [
            &self.video_key,
            &self.light_key,
            &self.poster_key,
            &self.captions_key,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }
}

pub(crate) const SELECT: &str = "SELECT id, status, counselor_id, display_name, birth_date, holders, area_kind, area_code, area_name, \
    trades, available_from, licence, vehicle, radius_km, strength_1, strength_2, strength_3, story, video_key, video_mime, \
    video_ms, light_key, poster_key, captions_key, featured_week, views, created_at, updated_at, published_at, ended_at, \
    end_reason FROM pepites";

/// Which media slot of a pépite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaSlot {
    Video,
    Light,
    Poster,
    Captions,
}

impl MediaSlot {
    fn column(self) -> &'static str {
        match self {
            Self::Video => "video_key",
            Self::Light => "light_key",
            Self::Poster => "poster_key",
            Self::Captions => "captions_key",
        }
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredConsent {
    pub id: i64,
    pub pepite_id: i64,
    pub signer: String,
    pub name: String,
    pub link: String,
    pub email: Option<String>,
    pub channel: String,
    pub given_on: Option<NaiveDate>,
    pub tremplin: bool,
    pub social_and_press: bool,
    pub until: Option<NaiveDate>,
    pub withdrawn_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

impl StoredConsent {
    /// As the consent rules read it; `None` while it is only asked for.
    pub fn to_domain(&self) -> Option<tremplin_domain::pepite::consent::Consent> {
        use tremplin_domain::pepite::consent::{Channel, Consent, Signer};
        let given_on = self.given_on?;
        Some(Consent {
            signer: Signer::parse(&self.signer).ok()?,
            name: self.name.clone(),
            link: self.link.clone(),
            given_on,
            tremplin: self.tremplin,
            social_and_press: self.social_and_press,
            until: self.until.unwrap_or(given_on),
            withdrawn_on: self.withdrawn_on,
            channel: Channel::parse(&self.channel).ok()?,
        })
    }
}

pub(crate) const CONSENT_SELECT: &str = "SELECT id, pepite_id, signer, name, link, email, channel, given_on, tremplin, social_and_press, \
    until, withdrawn_on, created_at FROM pepite_consents";

/// An employer's request to meet a pépite.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MeetingRequest {
    pub id: i64,
    pub pepite_id: i64,
    pub company_name: String,
    pub commune_code: String,
    pub siret: Option<String>,
    pub contact_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub message: String,
    pub outcome: Option<String>,
    pub outcome_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A request as the form checked it.
#[derive(Debug, Clone, Default)]
pub struct NewMeetingRequest {
    pub company_name: String,
    pub commune_code: String,
    pub siret: Option<String>,
    pub contact_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub message: String,
    pub sender_key: String,
}

pub(crate) const REQUEST_SELECT: &str = "SELECT id, pepite_id, company_name, commune_code, siret, contact_name, phone, email, message, \
    outcome, outcome_at, created_at FROM pepite_requests";

impl Store {
    /// A territory's limits for one video: (megabytes, seconds); the defaults without one.
    pub async fn pepite_video_limits(&self) -> Result<(i64, i64)> {
        let row: Option<(i64, i64)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT pepite_max_video_mb, pepite_max_video_seconds FROM territories ORDER BY id LIMIT 1")
                .fetch_optional(p)
                .await
        })?;
        Ok(row.unwrap_or((150, 180)))
    }

    pub async fn set_pepite_video_limits(&self, megabytes: i64, seconds: i64) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
                "UPDATE territories SET pepite_max_video_mb = $1, pepite_max_video_seconds = $2",
            )
            .bind(megabytes)
            .bind(seconds)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    pub async fn create_pepite(
        &self,
        portrait: &Portrait,
        holders: u8,
        counselor_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let trades = portrait
            .trades
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let id: i64 = on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO pepites (status, counselor_id, display_name, birth_date, holders, area_kind, area_code, area_name, \
                 trades, available_from, licence, vehicle, radius_km, strength_1, strength_2, strength_3, story, created_at, updated_at) \
                 VALUES ('brouillon', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
            )
            .bind(counselor_id)
            .bind(&portrait.display_name)
            .bind(portrait.birth_date)
            .bind(holders as i64)
            .bind(portrait.area.kind())
            .bind(portrait.area.code())
            .bind(portrait.area.name())
            .bind(&trades)
            .bind(portrait.available_from)
            .bind(portrait.mobility.licence)
            .bind(portrait.mobility.vehicle)
            .bind(portrait.mobility.radius_km as i64)
            .bind(&portrait.strengths[0])
            .bind(&portrait.strengths[1])
            .bind(&portrait.strengths[2])
            .bind(&portrait.text)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO pepite_events (pepite_id, at, kind) VALUES ($1, $2, 'creee')")
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(id)
        })?;
        Ok(id)
    }

    /// Rewrites the portrait of a pépite that has not ended; `false` when it has.
    pub async fn update_pepite(
        &self,
        id: i64,
        portrait: &Portrait,
        holders: u8,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let trades = portrait
            .trades
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let n = on_pool!(self, |p| {
            sqlx::query(
                "UPDATE pepites SET display_name = $2, birth_date = $3, holders = $4, area_kind = $5, area_code = $6, area_name = $7, \
                 trades = $8, available_from = $9, licence = $10, vehicle = $11, radius_km = $12, strength_1 = $13, strength_2 = $14, \
                 strength_3 = $15, story = $16, updated_at = $17 WHERE id = $1 AND status IN ('brouillon', 'publiee')",
            )
            .bind(id)
            .bind(&portrait.display_name)
            .bind(portrait.birth_date)
            .bind(holders as i64)
            .bind(portrait.area.kind())
            .bind(portrait.area.code())
            .bind(portrait.area.name())
            .bind(&trades)
            .bind(portrait.available_from)
            .bind(portrait.mobility.licence)
            .bind(portrait.mobility.vehicle)
            .bind(portrait.mobility.radius_km as i64)
            .bind(&portrait.strengths[0])
            .bind(&portrait.strengths[1])
            .bind(&portrait.strengths[2])
            .bind(&portrait.text)
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    pub async fn pepite(&self, id: i64) -> Result<Option<Pepite>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!("{SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Every pépite, newest first (the back office).
    pub async fn pepites(&self) -> Result<Vec<Pepite>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!("{SELECT} ORDER BY id DESC"))
                .fetch_all(p)
                .await
        })?)
    }

    /// The published ones, the most recently published first.
    pub async fn published_pepites(&self) -> Result<Vec<Pepite>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "{SELECT} WHERE status = 'publiee' ORDER BY published_at DESC, id DESC"
            ))
            .fetch_all(p)
            .await
        })?)
    }

    /// Sets one media key (`None` clears it); returns the key it replaced, to erase.
    pub async fn set_pepite_media(
        &self,
        id: i64,
        slot: MediaSlot,
        key: Option<&str>,
        video: Option<(&str, i64)>,
        now: DateTime<Utc>,
    ) -> Result<Option<String>> {
        let column = slot.column();
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let old: Option<Option<String>> = sqlx::query_scalar(&format!(
                "SELECT {column} FROM pepites WHERE id = $1 AND status IN ('brouillon', 'publiee')"
            ))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(old) = old else {
                return Err(StoreError::Invalid(Invalid::new(
                    "pepite",
                    "Ce portrait est terminé : il ne peut plus changer.",
                )));
            };
            // Again on the status: a pépite ended since the read above keeps no new file.
            let written = sqlx::query(&format!(
                "UPDATE pepites SET {column} = $2, updated_at = $3 WHERE id = $1 AND status IN ('brouillon', 'publiee')"
            ))
            .bind(id)
            .bind(key)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if written == 0 {
                return Err(StoreError::Invalid(Invalid::new(
                    "pepite",
                    "Ce portrait est terminé : il ne peut plus changer.",
                )));
            }
            if let Some((mime, ms)) = video {
                sqlx::query("UPDATE pepites SET video_mime = $2, video_ms = $3 WHERE id = $1")
                    .bind(id)
                    .bind(mime)
                    .bind(ms)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(old)
        })
    }

    /// Publishes (`true`) or takes back to draft (`false`) a pépite that has not ended.
    pub async fn set_pepite_published(
        &self,
        id: i64,
        published: bool,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let (status, kind) = if published {
            ("publiee", "publiee")
        } else {
            ("brouillon", "depubliee")
        };
        let n = on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "UPDATE pepites SET status = $2, published_at = CASE WHEN $2 = 'publiee' THEN $3 ELSE published_at END, updated_at = $3 \
                 WHERE id = $1 AND status IN ('brouillon', 'publiee')",
            )
            .bind(id)
            .bind(status)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                sqlx::query("INSERT INTO pepite_events (pepite_id, at, kind) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(now)
                    .bind(kind)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(n)
        })?;
        Ok(n == 1)
    }

    /// Features a pépite in the Thursday edition of `week` (`None`: not featured).
    pub async fn set_pepite_featured(&self, id: i64, week: Option<&str>) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query("UPDATE pepites SET featured_week = $2 WHERE id = $1")
                .bind(id)
                .bind(week)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    pub async fn count_pepite_view(&self, id: i64) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query("UPDATE pepites SET views = views + 1 WHERE id = $1")
                .bind(id)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Ends a pépite (`retiree`: consent withdrawn; `terminee`: contract or consent over): it
    /// leaves the site, its media keys are cleared and queued for erasure, a tombstone stays.
    /// Returns the keys to erase now (the job retries those it could not); empty when it had
    /// already ended.
    pub async fn end_pepite(
        &self,
        id: i64,
        status: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let Some(pepite) = self.pepite(id).await? else {
            return Ok(Vec::new());
        };
        if pepite.is_over() {
            return Ok(Vec::new());
        }
        let keys = on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            // The status first: from here a file written alongside (ffmpeg's lighter copy
            // finishing) is refused by `set_pepite_media`, and one written before is read below.
            let ended = sqlx::query(
                "UPDATE pepites SET status = $2, end_reason = $3, ended_at = $4, updated_at = $4, featured_week = NULL \
                 WHERE id = $1 AND status IN ('brouillon', 'publiee')",
            )
            .bind(id)
            .bind(status)
            .bind(reason)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if ended == 0 {
                return Ok(Vec::new());
            }
            let (video, light, poster, captions): (
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
            ) = sqlx::query_as(
                "SELECT video_key, light_key, poster_key, captions_key FROM pepites WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let keys: Vec<String> = [video, light, poster, captions]
                .into_iter()
                .flatten()
                .collect();
            sqlx::query(
                "UPDATE pepites SET video_key = NULL, light_key = NULL, poster_key = NULL, captions_key = NULL WHERE id = $1",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            for key in &keys {
                sqlx::query("INSERT INTO media_erasures (media_key, due_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(key)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO pepite_events (pepite_id, at, kind, note) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(now)
            .bind(status)
            .bind(reason)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO pepite_tombstones (pepite_id, reason, created_at, ended_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(reason)
            .bind(pepite.created_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(keys)
        })?;
        Ok(keys)
    }

    /// Queues a replaced file for erasure (the job deletes it).
    pub async fn queue_media_erasure(&self, key: &str, now: DateTime<Utc>) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query("INSERT INTO media_erasures (media_key, due_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(key)
                .bind(now)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Files still to erase.
    pub async fn media_erasures(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT media_key FROM media_erasures ORDER BY due_at, media_key")
                .fetch_all(p)
                .await
        })?;
        Ok(rows.into_iter().map(|(k,)| k).collect())
    }

    pub async fn media_erased(&self, key: &str) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query("DELETE FROM media_erasures WHERE media_key = $1")
                .bind(key)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// The tombstones: (pépite, reason, ended at).
    pub async fn pepite_tombstones(&self) -> Result<Vec<(i64, String, DateTime<Utc>)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT pepite_id, reason, ended_at FROM pepite_tombstones ORDER BY pepite_id",
            )
            .fetch_all(p)
            .await
        })?)
    }
}
