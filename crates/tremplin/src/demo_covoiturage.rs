//! The demo's car-pooling: two fictional adults, from L'Aigle and Rai, both at the 3IFA in
//! Alençon over overlapping periods, opted in by a counselor on their records, so that
//! /gestion/covoiturage shows one suggested pair at the first start.

use anyhow::Context;
use chrono::{Duration, Utc};
use tremplin_domain::young::{YoungPersonInput, YoungStatus};
use tremplin_domain::{CodeInsee, CodeRome, Email, Telephone};
use tremplin_storage::{CarpoolOwner, NewCarpoolOptin};
use tremplin_web::AppState;

pub async fn load(state: &AppState) -> anyhow::Result<()> {
    let now = Utc::now();
    let today = now.date_naive();
    let store = &state.store;
    let cfa = store
        .training_centres()
        .await?
        .into_iter()
        .find(|c| c.name.starts_with("3IFA"))
        .context("CFA de démonstration 3IFA")?;
    // (first name, birth date, commune, phone, starts so many days ago, lasts so many days)
    let people = [
        ("Lucas", (2004, 5, 9), "61214", "0600000051", 60, 730),
        ("Manon", (2005, 1, 23), "61342", "0600000052", 20, 600),
    ];
    for (first, (y, m, d), commune, phone, ago, days) in people {
        let record = YoungPersonInput {
            first_name: first.into(),
            last_name: "Démo-Covoiturage".into(),
            birth_date: chrono::NaiveDate::from_ymd_opt(y, m, d).context("date de naissance")?,
            email: Some(Email::parse(&format!(
                "{}.covoiturage@exemple.invalid",
                first.to_lowercase()
            ))?),
            phone: Some(Telephone::parse(phone)?),
            guardian_name: None,
            guardian_email: None,
            guardian_phone: None,
            commune: CodeInsee::parse(commune)?,
            trades: vec![CodeRome::parse("D1102")?],
            licence: first == "Lucas",
            vehicle: first == "Lucas",
            counselor_id: None,
            status: YoungStatus::EnContrat,
            notes: "Personne fictive du territoire de démonstration (covoiturage).".into(),
        };
        let id = store.create_young_person(&record, now).await?;
        let starts_on = today - Duration::days(ago);
        store
            .add_carpool_optin(
                &NewCarpoolOptin {
                    owner: CarpoolOwner::YoungPerson(id),
                    commune_code: commune.into(),
                    cfa_id: Some(cfa.id),
                    area_commune_code: None,
                    starts_on,
                    ends_on: starts_on + Duration::days(days),
                    minor: false,
                    guardian_email: None,
                    created_by: None,
                },
                now,
            )
            .await?;
    }
    Ok(())
}
