//! The demo promo's own activities (summer 2026): a CV workshop, a company visit, the CFA
//! visit and the « ma vie d'apprenti·e » workshop, every member registered through the same
//! seats as the back office and the attendance sheets filled, so that the promo's board, its
//! members' histories and its private calendar show them at first start.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use tremplin_domain::activity::Attendance;
use tremplin_storage::MemberSeat;
use tremplin_web::AppState;
use tremplin_web::shell::dates::paris_today;

use crate::demo_events::{activity_input, company_ids};

struct Demo {
    fields: &'static [(&'static str, &'static str)],
    /// The day in summer 2026.
    date: &'static str,
    companies: &'static [&'static str],
    cfa: Option<&'static str>,
    /// Members (by their rank in the promo) absent or excused; the others were present.
    absent: &'static [usize],
    excused: &'static [usize],
}

const ACTIVITIES: &[Demo] = &[
    Demo {
        fields: &[
            ("type", "atelier"),
            ("titre", "Atelier CV et lettre de motivation"),
            ("commune", "61214"),
            ("adresse", "Mission Locale, 10 rue Fictive"),
            ("heure_debut", "14:00"),
            ("heure_fin", "16:30"),
            ("places", "12"),
            ("anime_par", "Camille, conseillère (démo)"),
            ("public_vise", "Les membres de la promo"),
        ],
        date: "2026-06-10",
        companies: &[],
        cfa: None,
        absent: &[6],
        excused: &[],
    },
    Demo {
        fields: &[
            ("type", "visite_entreprise"),
            ("titre", "Visite de la tréfilerie de L'Aigle"),
            ("commune", "61214"),
            ("adresse", "Zone industrielle"),
            ("heure_debut", "09:30"),
            ("heure_fin", "11:30"),
            ("places", "10"),
            ("anime_par", "Julien, conseiller (démo)"),
            ("public_vise", "Les membres de la promo"),
        ],
        date: "2026-06-24",
        companies: &["Aiguilles et Ressorts de l'Exemple"],
        cfa: None,
        absent: &[5],
        excused: &[2],
    },
    Demo {
        fields: &[
            ("type", "visite_cfa"),
            ("titre", "Visite du 3IFA à Alençon"),
            ("commune", "61001"),
            ("adresse", "3IFA, campus d'Alençon"),
            ("heure_debut", "09:00"),
            ("heure_fin", "16:00"),
            ("places", "8"),
            ("anime_par", "Camille, conseillère (démo)"),
            ("public_vise", "Les membres de la promo"),
        ],
        date: "2026-07-08",
        companies: &[],
        cfa: Some("3IFA – campus d'Alençon"),
        absent: &[6, 7],
        excused: &[],
    },
    Demo {
        fields: &[
            ("type", "atelier"),
            ("titre", "Atelier « Ma vie d'apprenti·e »"),
            ("commune", "61293"),
            ("adresse", "Mission Locale, antenne de Mortagne"),
            ("heure_debut", "14:00"),
            ("heure_fin", "16:00"),
            ("places", "12"),
            ("anime_par", "Julien, conseiller (démo)"),
            ("public_vise", "Les membres de la promo"),
        ],
        date: "2026-08-26",
        companies: &[],
        cfa: None,
        absent: &[],
        excused: &[7],
    },
];

/// The promo's activities, its `members` (in promo order) registered and their attendance.
pub async fn load(
    state: &AppState,
    promo: i64,
    members: &[i64],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let store = &state.store;
    let companies = store.company_choices().await?;
    let centres = store.training_centres().await?;
    // Registration is open only ahead of an activity: each is scheduled ahead first, its
    // members registered, then moved to its summer day and its sheet filled.
    let ahead = (paris_today(now) + Duration::days(60))
        .format("%Y-%m-%d")
        .to_string();
    for d in ACTIVITIES {
        let ids = company_ids(&companies, d.companies)?;
        let cfa = match d.cfa {
            Some(n) => Some(
                centres
                    .iter()
                    .find(|c| c.name == n)
                    .map(|c| c.id)
                    .with_context(|| format!("CFA de démo {n}"))?,
            ),
            None => None,
        };
        let id = store
            .create_activity(
                &activity_input(state, d.fields, &ahead, false, ids.clone(), cfa)?,
                Some(promo),
                now,
            )
            .await?;
        let mut seats = Vec::new();
        for member in members {
            let hash = tremplin_web::services::secrets::token_hash(
                &tremplin_web::services::secrets::random_token(),
            );
            match store.register_member(id, *member, &hash, now).await? {
                MemberSeat::New(reg, _) => seats.push(reg),
                MemberSeat::Already(_) => anyhow::bail!("membre de démo inscrit deux fois"),
            }
        }
        for (rank, reg) in seats.iter().enumerate() {
            let attendance = if d.absent.contains(&rank) {
                Attendance::Absent
            } else if d.excused.contains(&rank) {
                Attendance::Excuse
            } else {
                Attendance::Present
            };
            store
                .set_attendance(id, *reg, attendance, None, now)
                .await?;
        }
        store
            .update_activity(
                id,
                &activity_input(state, d.fields, d.date, false, ids, cfa)?,
                Some(promo),
                now,
            )
            .await?;
    }
    Ok(())
}
