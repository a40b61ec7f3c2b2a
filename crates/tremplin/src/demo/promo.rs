//! The demo's past summer promo (2026): fictional young people followed by two fictional
//! counselors, their milestones from June to September, five contracts signed of eight, one of
//! them from a Tremplin application. The counselors' accounts are switched off: nobody signs
//! in with them, they only name who followed whom.

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use tremplin_domain::application::{ApplicationInput, ApplicationStatus, Mobility};
use tremplin_domain::promo::{MilestoneInput, MilestoneKind, PromoInput};
use tremplin_domain::young::{YoungPersonInput, YoungStatus};
use tremplin_domain::{CodeInsee, CodeRome, Email, Telephone};
use tremplin_storage::Role;
use tremplin_web::AppState;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("a date of 2026")
}

/// (first name, last name, birth date, commune, ROME, counselor index, milestones as
/// (kind, month, day, company, CFA)).
type Person = (
    &'static str,
    &'static str,
    (i32, u32, u32),
    &'static str,
    &'static str,
    usize,
    &'static [(MilestoneKind, u32, u32, &'static str, &'static str)],
);

const PEOPLE: &[Person] = {
    use MilestoneKind::*;
    &[
        (
            "Inès",
            "Démo-Lebrun",
            (2008, 3, 14),
            "61214",
            "D1102",
            0,
            &[
                (CvPret, 6, 5, "", ""),
                (PremiereCandidature, 6, 12, "", ""),
                (Entretien, 6, 26, "Boulangerie du Four Fictif", ""),
                (CfaTrouve, 7, 3, "", "3IFA – campus d'Alençon"),
                (
                    ContratSigne,
                    7,
                    17,
                    "Boulangerie du Four Fictif",
                    "3IFA – campus d'Alençon",
                ),
            ],
        ),
        (
            "Théo",
            "Démo-Martin",
            (2007, 11, 2),
            "61293",
            "A1416",
            0,
            &[
                (CvPret, 6, 8, "", ""),
                (ImmersionFaite, 6, 22, "Ferme fictive du Perche", ""),
                (PremiereCandidature, 6, 29, "", ""),
                (Entretien, 7, 8, "Ferme fictive du Perche", ""),
                (CfaTrouve, 7, 15, "", "CFA-CFPPA agricole de Sées"),
                (
                    ContratSigne,
                    8,
                    4,
                    "Ferme fictive du Perche",
                    "CFA-CFPPA agricole de Sées",
                ),
            ],
        ),
        (
            "Nour",
            "Démo-Haddad",
            (2006, 5, 21),
            "61214",
            "J1501",
            1,
            &[
                (CvPret, 6, 3, "", ""),
                (PremiereCandidature, 6, 10, "", ""),
                (Entretien, 6, 24, "EHPAD fictif des Tilleuls", ""),
                (
                    ContratSigne,
                    8,
                    25,
                    "EHPAD fictif des Tilleuls",
                    "IFAS du centre hospitalier de Mortagne-au-Perche",
                ),
            ],
        ),
        (
            "Lucas",
            "Démo-Petit",
            (2008, 1, 9),
            "61214",
            "I1304",
            1,
            &[
                (CvPret, 6, 15, "", ""),
                (PremiereCandidature, 7, 1, "", ""),
                (Entretien, 7, 20, "Garage des Essais", ""),
                (CfaTrouve, 8, 10, "", "3IFA – campus d'Alençon"),
                (
                    ContratSigne,
                    9,
                    8,
                    "Garage des Essais",
                    "3IFA – campus d'Alençon",
                ),
            ],
        ),
        (
            "Manon",
            "Démo-Roux",
            (2007, 7, 30),
            "61342",
            "D1202",
            0,
            &[
                (CvPret, 6, 10, "", ""),
                (PremiereCandidature, 6, 17, "", ""),
                (Entretien, 7, 2, "Salon des Ciseaux Fictifs", ""),
                (CfaTrouve, 7, 9, "", "3IFA – campus d'Alençon"),
                (
                    ContratSigne,
                    9,
                    22,
                    "Salon des Ciseaux Fictifs",
                    "3IFA – campus d'Alençon",
                ),
            ],
        ),
        (
            "Yanis",
            "Démo-Girard",
            (2008, 9, 12),
            "61293",
            "F1703",
            1,
            &[
                (CvPret, 6, 20, "", ""),
                (PremiereCandidature, 7, 6, "", ""),
                (Entretien, 8, 3, "Maçonnerie de la Pierre d'Exemple", ""),
            ],
        ),
        (
            "Chloé",
            "Démo-Bernard",
            (2006, 12, 1),
            "61214",
            "D1106",
            0,
            &[(CvPret, 7, 1, "", ""), (PremiereCandidature, 7, 21, "", "")],
        ),
        (
            "Enzo",
            "Démo-Moreau",
            (2009, 2, 17),
            "61456",
            "F1602",
            1,
            &[(CvPret, 8, 18, "", "")],
        ),
    ]
};

pub async fn load(state: &AppState, offers: &[i64], now: DateTime<Utc>) -> anyhow::Result<()> {
    let store = &state.store;
    let mut counselors = Vec::new();
    for email in [
        "camille.conseillere@demo.invalid",
        "julien.conseiller@demo.invalid",
    ] {
        // No password can match « ! »: the account only names who followed whom.
        let id = store
            .add_user(email, "!", Role::Conseiller, None, now)
            .await?
            .context("conseiller de démonstration")?;
        store.update_user(id, Role::Conseiller, None, false).await?;
        counselors.push(id);
    }
    let promo = store
        .create_promo(
            &PromoInput {
                name: "Promo d'été 2026 – Perche".into(),
                season_start: day(6, 1),
                season_end: day(9, 30),
                goal_date: day(9, 30),
            },
            &counselors,
            now,
        )
        .await?;
    let mut members = Vec::new();
    for (i, (first, last, (y, m, d), commune, rome, counselor, steps)) in PEOPLE.iter().enumerate()
    {
        let birth_date = NaiveDate::from_ymd_opt(*y, *m, *d).context("date de naissance")?;
        // Minors on 1 June 2026 have their guardian on the record.
        let minor = tremplin_domain::application::age(birth_date, day(6, 1)) < 18;
        let email =
            format!("{}.{}@exemple.invalid", first.to_lowercase(), i + 1).replace(['è', 'é'], "e");
        let signed = steps.iter().any(|s| s.0 == MilestoneKind::ContratSigne);
        let record = YoungPersonInput {
            first_name: (*first).into(),
            last_name: (*last).into(),
            birth_date,
            email: Some(Email::parse(&email)?),
            phone: Some(Telephone::parse(&format!("06000000{:02}", i + 10))?),
            guardian_name: minor.then(|| format!("Parent {last}")),
            guardian_email: None,
            guardian_phone: minor
                .then(|| Telephone::parse(&format!("02330000{:02}", i + 10)))
                .transpose()?,
            commune: CodeInsee::parse(commune)?,
            trades: vec![CodeRome::parse(rome)?],
            licence: i % 3 == 0,
            vehicle: i % 2 == 0,
            counselor_id: Some(counselors[*counselor]),
            status: if signed {
                YoungStatus::EnContrat
            } else {
                YoungStatus::EnSuivi
            },
            notes: "Personne fictive du territoire de démonstration.".into(),
        };
        let id = store.create_young_person(&record, now).await?;
        store.add_promo_member(promo, id, day(6, 1)).await?;
        members.push(id);
        // Inès applied through Tremplin: her contract closes that application.
        let application = match (i, offers.first()) {
            (0, Some(offer)) => {
                let input = ApplicationInput {
                    first_name: record.first_name.clone(),
                    last_name: record.last_name.clone(),
                    email: record.email.clone(),
                    phone: None,
                    commune: record.commune.clone(),
                    birth_date,
                    mobility: Mobility::DeuxRoues,
                    message: "Je recherche un apprentissage en boulangerie.".into(),
                };
                let at = day(6, 12).and_hms_opt(10, 0, 0).context("heure")?.and_utc();
                let a = store
                    .create_application(
                        *offer,
                        &input,
                        None,
                        "demo-promo-suivi",
                        "demo-promo-employeur",
                        None,
                        at,
                    )
                    .await?;
                store
                    .set_application_status(
                        a,
                        ApplicationStatus::ContratSigne,
                        None,
                        day(7, 17).and_hms_opt(16, 0, 0).context("heure")?.and_utc(),
                    )
                    .await?;
                Some((a, *offer))
            }
            _ => None,
        };
        for (kind, m, d, company, cfa) in *steps {
            let from_application =
                matches!(kind, MilestoneKind::ContratSigne | MilestoneKind::Entretien)
                    .then_some(application)
                    .flatten();
            let milestone = MilestoneInput {
                kind: *kind,
                date: day(*m, *d),
                company: Some(company.to_string()).filter(|c| !c.is_empty()),
                cfa: Some(cfa.to_string()).filter(|c| !c.is_empty()),
                offer_id: from_application.map(|a| a.1),
                application_id: from_application.map(|a| a.0),
            };
            store.record_milestone(promo, id, &milestone, now).await?;
        }
    }
    super::promo_activities::load(state, promo, &members, now).await
}
