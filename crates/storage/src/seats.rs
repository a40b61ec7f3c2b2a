//! Seats at an activity. A registration from the public page (no account) and a promo member
//! registered by a counselor go through the same transaction: its checks, then a seat while
//! there are some, else the waiting list, the registrations written one at a time so that
//! seats and limits hold.

use chrono::{DateTime, NaiveDate, Utc};
use tremplin_domain::activity::{RegistrationInput, RegistrationStatus, place_for};

use crate::activities::{MAX_REGISTRATIONS_PER_DAY, refused};
use crate::{Result, Store, on_pool};

/// What registering a promo member gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberSeat {
    /// A new registration: its id and whether it holds a seat or waits.
    New(i64, RegistrationStatus),
    /// Already registered (seated or waiting): nothing written.
    Already(RegistrationStatus),
}

/// Who takes the seat.
enum Who<'a> {
    Public(&'a RegistrationInput),
    Member(i64),
}

/// The registration's row as written.
struct Row {
    first_name: String,
    last_name: String,
    email: Option<String>,
    phone: Option<String>,
    commune: String,
    minor: bool,
    guardian_name: Option<String>,
    guardian_phone: Option<String>,
    person: String,
    young_person_id: Option<i64>,
}

fn public_row(r: &RegistrationInput) -> Row {
    Row {
        first_name: r.first_name.clone(),
        last_name: r.last_name.clone(),
        email: r.email.as_ref().map(|e| e.as_str().to_owned()),
        phone: r.phone.as_ref().map(|t| t.as_str().to_owned()),
        commune: r.commune.as_str().to_owned(),
        minor: r.minor,
        guardian_name: r.guardian_name.clone(),
        guardian_phone: r.guardian_phone.as_ref().map(|t| t.as_str().to_owned()),
        person: r.person_key(),
        young_person_id: None,
    }
}

/// A member's record as the registration copies it: (first name, last name, e-mail, phone,
/// commune, birth date, guardian's name, guardian's phone).
type Record = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    NaiveDate,
    Option<String>,
    Option<String>,
);

/// The same keys as a public registration's, so that a member who registered on their own
/// is not registered twice; a record with neither e-mail nor phone is keyed by its id.
fn member_row(id: i64, y: Record, starts: DateTime<Utc>) -> Row {
    let (first_name, last_name, email, phone, commune, birth, guardian_name, guardian_phone) = y;
    let person = match (&email, &phone) {
        (Some(e), _) => format!("email:{}", e.to_lowercase()),
        (None, Some(p)) => format!("tel:{p}"),
        (None, None) => format!("jeune:{id}"),
    };
    // The day in UTC: a few hours from Paris's, for activities after midnight only.
    let day = starts.date_naive();
    Row {
        first_name,
        last_name,
        email,
        phone,
        commune,
        minor: tremplin_domain::application::age(birth, day) < 18,
        guardian_name,
        guardian_phone,
        person,
        young_person_id: Some(id),
    }
}

impl Store {
    /// Registers a person to a public event: a seat while there are some, else the waiting
    /// list. Refused (a French message) when the event is over, cancelled or not public, when
    /// the person is already registered, or over the daily limit.
    pub async fn register(
        &self,
        activity_id: i64,
        r: &RegistrationInput,
        cancel_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(i64, RegistrationStatus)> {
        match self
            .take_seat(activity_id, Who::Public(r), cancel_hash, now)
            .await?
        {
            MemberSeat::New(id, status) => Ok((id, status)),
            // A public registration is refused before it could be found already there.
            MemberSeat::Already(_) => Err(refused("Vous êtes déjà inscrit·e à cet événement.")),
        }
    }

    /// A counselor registers a member of the activity's promo, by the same seats and waiting
    /// list as the public page (the daily limit, meant for anonymous visitors, does not apply;
    /// a promo activity need not be public, and a member may still be added while it runs).
    /// Refused (a French message) when the activity is cancelled or over, or when the record
    /// is not a member of its promo; a member already registered (by a counselor or on their
    /// own, with the same e-mail or phone) is not registered twice.
    pub async fn register_member(
        &self,
        activity_id: i64,
        young_person_id: i64,
        cancel_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<MemberSeat> {
        self.take_seat(activity_id, Who::Member(young_person_id), cancel_hash, now)
            .await
    }

    async fn take_seat(
        &self,
        activity_id: i64,
        who: Who<'_>,
        cancel_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<MemberSeat> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            // Taken first: registrations are written one at a time, so seats and limits hold.
            sqlx::query("UPDATE revision_counter SET value = value WHERE id = 1")
                .execute(&mut *tx)
                .await?;
            let event: Option<(i64, bool, bool, DateTime<Utc>, i64, i64, Option<i64>)> =
                sqlx::query_as(
                    "SELECT capacity, is_public, cancelled, starts_at, starts_unix, ends_unix, promo_id FROM activities WHERE id = $1",
                )
                .bind(activity_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((capacity, public, cancelled, starts_at, starts, ends, promo)) = event else {
                return Err(refused("Cet événement n'existe pas."));
            };
            let row = match who {
                Who::Public(r) => {
                    if !public {
                        return Err(refused("Cet événement n'est pas ouvert aux inscriptions."));
                    }
                    if cancelled {
                        return Err(refused(
                            "Cet événement est annulé : les inscriptions sont fermées.",
                        ));
                    }
                    if starts <= now.timestamp() {
                        return Err(refused(
                            "Cet événement a déjà commencé : les inscriptions sont fermées.",
                        ));
                    }
                    public_row(r)
                }
                Who::Member(id) => {
                    let record: Option<Record> = sqlx::query_as(
                        "SELECT y.first_name, y.last_name, y.email, y.phone, y.commune_code, y.birth_date, y.guardian_name, \
                         y.guardian_phone FROM young_people y JOIN promo_members m ON m.young_person_id = y.id \
                         WHERE y.id = $1 AND m.promo_id = $2",
                    )
                    .bind(id)
                    .bind(promo)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(record) = record else {
                        return Err(refused(
                            "Ce·tte jeune n'est pas membre de la promo de cette activité.",
                        ));
                    };
                    if cancelled {
                        return Err(refused(
                            "Cette activité est annulée : on ne peut plus y inscrire personne.",
                        ));
                    }
                    if ends <= now.timestamp() {
                        return Err(refused(
                            "Cette activité est terminée : on ne peut plus y inscrire personne.",
                        ));
                    }
                    member_row(id, record, starts_at)
                }
            };
            let already: Option<String> = sqlx::query_scalar(
                "SELECT status FROM activity_registrations WHERE activity_id = $1 AND status <> 'annule' \
                 AND (person_key = $2 OR ($3 IS NOT NULL AND young_person_id = $3)) ORDER BY id LIMIT 1",
            )
            .bind(activity_id)
            .bind(&row.person)
            .bind(row.young_person_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(status) = already {
                if row.young_person_id.is_none() {
                    return Err(refused(
                        "Vous êtes déjà inscrit·e à cet événement : l'e-mail de confirmation contient votre lien pour annuler.",
                    ));
                }
                let status = RegistrationStatus::parse(&status).ok_or_else(|| {
                    crate::StoreError::Corrupt(format!("état d'inscription {status}"))
                })?;
                return Ok(MemberSeat::Already(status));
            }
            if row.young_person_id.is_none() {
                let today: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM activity_registrations WHERE person_key = $1 AND created_unix > $2",
                )
                .bind(&row.person)
                .bind(now.timestamp() - 86_400)
                .fetch_one(&mut *tx)
                .await?;
                if today >= MAX_REGISTRATIONS_PER_DAY {
                    return Err(refused(
                        "Vous vous êtes inscrit·e à 10 événements en 24 heures : c'est le maximum. Reprenez demain, ou appelez la Mission Locale.",
                    ));
                }
            }
            let seated: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM activity_registrations WHERE activity_id = $1 AND status = 'inscrit'",
            )
            .bind(activity_id)
            .fetch_one(&mut *tx)
            .await?;
            let status = place_for(seated, capacity);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO activity_registrations (activity_id, first_name, last_name, email, phone, commune_code, minor, \
                 guardian_name, guardian_phone, status, cancel_token_hash, person_key, created_at, created_unix, updated_at, \
                 young_person_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13, $15) RETURNING id",
            )
            .bind(activity_id)
            .bind(&row.first_name)
            .bind(&row.last_name)
            .bind(row.email.as_deref())
            .bind(row.phone.as_deref())
            .bind(&row.commune)
            .bind(row.minor)
            .bind(row.guardian_name.as_deref())
            .bind(row.guardian_phone.as_deref())
            .bind(status.as_str())
            .bind(cancel_hash)
            .bind(&row.person)
            .bind(now)
            .bind(now.timestamp())
            .bind(row.young_person_id)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(MemberSeat::New(id, status))
        })
    }
}
