//! The demo territory's events: upcoming public ones (a rally of companies in L'Aigle, the
//! open day of the CFA in Alençon, a meetup of young people in Mortagne-au-Perche, a job
//! dating, a virtual workshop) and past ones with their registrants and attendance marked, so
//! that `/evenements`, its calendar and the attendance sheets show something at first start.
//! Registrants are fictional (addresses at `exemple.invalid`: no mail can reach anyone).

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use tremplin_domain::activity::{ActivityInput, Attendance, RegistrationInput};
use tremplin_web::AppState;
use tremplin_web::shell::dates::paris_today;

struct Demo {
    fields: &'static [(&'static str, &'static str)],
    /// Days from today (Paris).
    in_days: i64,
    /// Companies of the demo network, by name.
    companies: &'static [&'static str],
    cfa: Option<&'static str>,
    /// Registrants, with what the sheet says (past events).
    registrants: &'static [(&'static str, &'static str, Option<Attendance>)],
}

const EVENTS: &[Demo] = &[
    Demo {
        fields: &[
            ("type", "rallye"),
            ("titre", "Rallye entreprises de L'Aigle"),
            (
                "description",
                "Une matinée pour visiter trois entreprises de L'Aigle qui recrutent des apprenti·es : tréfilerie, garage, supermarché. Départ et retour à la Mission Locale, en minibus.",
            ),
            ("commune", "61214"),
            ("adresse", "Mission Locale, 10 rue Fictive"),
            ("heure_debut", "09:30"),
            ("heure_fin", "12:30"),
            ("places", "12"),
            ("anime_par", "Camille Durand, conseillère (démo)"),
            (
                "public_vise",
                "16-25 ans qui cherchent un apprentissage dans l'industrie ou le commerce",
            ),
            ("tuteur_legal", "oui"),
        ],
        in_days: 9,
        companies: &[
            "Aiguilles et Ressorts de l'Exemple",
            "Garage des Essais",
            "Supermarché du Panier Témoin",
        ],
        cfa: None,
        registrants: &[
            ("Inès", "Moreau", None),
            ("Théo", "Lemaire", None),
            ("Jade", "Poirier", None),
        ],
    },
    Demo {
        fields: &[
            ("type", "portes_ouvertes"),
            ("titre", "Portes ouvertes du 3IFA à Alençon"),
            (
                "description",
                "Visitez les ateliers (boulangerie, cuisine, coiffure, mécanique), rencontrez les formateurs et les apprenti·es. Covoiturage possible depuis L'Aigle et Mortagne : demandez à la Mission Locale.",
            ),
            ("commune", "61001"),
            ("adresse", "3IFA, campus d'Alençon"),
            ("heure_debut", "10:00"),
            ("heure_fin", "16:00"),
            ("places", "40"),
            ("anime_par", "Le 3IFA, avec la Mission Locale"),
            (
                "public_vise",
                "Collégien·nes, lycéen·nes, jeunes de 15 à 29 ans et leurs parents",
            ),
        ],
        in_days: 16,
        companies: &[],
        cfa: Some("3IFA – campus d'Alençon"),
        registrants: &[("Lucas", "Girard", None)],
    },
    Demo {
        fields: &[
            ("type", "rencontre"),
            ("titre", "Rencontre entre jeunes à Mortagne-au-Perche"),
            (
                "description",
                "Des apprenti·es racontent leur première année : le CFA, le patron, le salaire, le permis. On pose toutes ses questions, autour d'un goûter.",
            ),
            ("commune", "61293"),
            ("adresse", "Salle des fêtes"),
            ("heure_debut", "14:00"),
            ("heure_fin", "16:30"),
            ("places", "15"),
            ("anime_par", "Yanis Robert, conseiller (démo)"),
            ("public_vise", "16-25 ans, avec ou sans projet"),
            ("tuteur_legal", "oui"),
        ],
        in_days: 5,
        companies: &[],
        cfa: None,
        registrants: &[("Manon", "Faure", None), ("Noah", "Chevalier", None)],
    },
    Demo {
        fields: &[
            ("type", "job_dating"),
            ("titre", "Job dating de l'alternance"),
            (
                "description",
                "Dix minutes pour convaincre : des employeurs du pays de L'Aigle reçoivent sans rendez-vous. Venez avec un CV, ou faites-le avec nous la semaine d'avant.",
            ),
            ("commune", "61214"),
            ("adresse", "Salle Fictive, place du Marché"),
            ("heure_debut", "13:30"),
            ("heure_fin", "17:00"),
            ("places", "30"),
            ("anime_par", "La Mission Locale et France Travail (démo)"),
            (
                "public_vise",
                "16-29 ans qui cherchent un contrat en alternance",
            ),
        ],
        in_days: 23,
        companies: &["Boulangerie du Four Fictif", "Garage des Essais"],
        cfa: None,
        registrants: &[],
    },
    Demo {
        fields: &[
            ("type", "atelier_virtuel"),
            ("titre", "Atelier « Ma vie d'apprenti·e » en visio"),
            (
                "description",
                "Le salaire mois par mois, les aides (permis, logement), les droits et les devoirs : une heure pour tout comprendre, depuis son téléphone.",
            ),
            (
                "lien_visio",
                "https://visio.exemple.invalid/ma-vie-d-apprenti",
            ),
            ("heure_debut", "18:00"),
            ("heure_fin", "19:00"),
            ("places", "25"),
            ("anime_par", "Camille Durand, conseillère (démo)"),
            ("public_vise", "Futur·es apprenti·es et leurs parents"),
        ],
        in_days: 12,
        companies: &[],
        cfa: None,
        registrants: &[],
    },
    Demo {
        fields: &[
            ("type", "information"),
            (
                "titre",
                "Séance d'information : l'apprentissage, comment ça marche ?",
            ),
            ("commune", "61293"),
            ("adresse", "Mission Locale, antenne de Mortagne"),
            ("heure_debut", "10:00"),
            ("heure_fin", "11:30"),
            ("places", "10"),
            ("anime_par", "Yanis Robert, conseiller (démo)"),
            ("public_vise", "16-25 ans"),
        ],
        in_days: -20,
        companies: &[],
        cfa: None,
        registrants: &[
            ("Emma", "Lambert", Some(Attendance::Present)),
            ("Hugo", "Bonnet", Some(Attendance::Present)),
            ("Chloé", "Mercier", Some(Attendance::Excuse)),
            ("Louis", "Blanc", Some(Attendance::Absent)),
            ("Léna", "Guerin", Some(Attendance::Present)),
        ],
    },
    Demo {
        fields: &[
            ("type", "rallye"),
            ("titre", "Rallye entreprises de Mortagne-au-Perche"),
            ("commune", "61293"),
            ("adresse", "Place du Général de Gaulle"),
            ("heure_debut", "09:00"),
            ("heure_fin", "12:00"),
            ("places", "8"),
            ("anime_par", "Camille Durand, conseillère (démo)"),
            ("public_vise", "16-25 ans"),
        ],
        in_days: -45,
        companies: &["Boulangerie du Four Fictif"],
        cfa: None,
        registrants: &[
            ("Adam", "Roux", Some(Attendance::Present)),
            ("Zoé", "Fournier", Some(Attendance::Present)),
            ("Nathan", "Morel", Some(Attendance::Absent)),
        ],
    },
];

/// A demo activity from its form fields, on `date`, public or for a promo only.
pub(crate) fn activity_input(
    state: &AppState,
    fields: &[(&str, &str)],
    date: &str,
    public: bool,
    companies: Vec<i64>,
    cfa: Option<i64>,
) -> anyhow::Result<ActivityInput> {
    let mut map: HashMap<&str, String> =
        fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    map.insert("date", date.to_owned());
    if public {
        map.insert("public", "oui".into());
    }
    ActivityInput::parse(
        &|k| map.get(k).cloned().unwrap_or_default(),
        companies,
        cfa,
        &|c| state.refs.communes.exists(c),
    )
    .map_err(|e| anyhow::anyhow!("activité de démonstration refusée : {e:?}"))
}

/// The ids of the demo network's companies named.
pub(crate) fn company_ids(choices: &[(i64, String)], names: &[&str]) -> anyhow::Result<Vec<i64>> {
    names
        .iter()
        .map(|n| {
            choices
                .iter()
                .find(|(_, c)| c == n)
                .map(|(id, _)| *id)
                .with_context(|| format!("entreprise de démo {n}"))
        })
        .collect()
}

pub async fn load(state: &AppState, now: DateTime<Utc>) -> anyhow::Result<()> {
    let store = &state.store;
    let companies = store.company_choices().await?;
    let centres = store.training_centres().await?;
    let today = paris_today(now);
    for d in EVENTS {
        let ids = company_ids(&companies, d.companies)?;
        let cfa = d
            .cfa
            .and_then(|n| centres.iter().find(|c| c.name == n).map(|c| c.id));
        // Past events are scheduled ahead first (registrations open), then moved to their day.
        let real = (today + Duration::days(d.in_days))
            .format("%Y-%m-%d")
            .to_string();
        let scheduled = if d.in_days >= 1 {
            real.clone()
        } else {
            (today + Duration::days(60)).format("%Y-%m-%d").to_string()
        };
        let id = store
            .create_activity(
                &activity_input(state, d.fields, &scheduled, true, ids.clone(), cfa)?,
                None,
                now,
            )
            .await?;
        for (i, (first, last, attendance)) in d.registrants.iter().enumerate() {
            let email = format!(
                "{}.{}@exemple.invalid",
                first.to_lowercase(),
                last.to_lowercase()
            )
            .replace(['é', 'è'], "e")
            .replace('ï', "i");
            let fields: HashMap<&str, String> = HashMap::from([
                ("prenom", (*first).to_owned()),
                ("nom", (*last).to_owned()),
                ("email", email),
                (
                    "commune",
                    if i % 2 == 0 { "61214" } else { "61293" }.to_owned(),
                ),
                ("consentement", "oui".to_owned()),
            ]);
            let r = RegistrationInput::parse(
                &|k| fields.get(k).cloned().unwrap_or_default(),
                false,
                &|_| true,
            )
            .map_err(|e| anyhow::anyhow!("inscription de démonstration refusée : {e:?}"))?;
            let hash = tremplin_web::services::secrets::token_hash(
                &tremplin_web::services::secrets::random_token(),
            );
            let (reg, _) = store.register(id, &r, &hash, now).await?;
            if let Some(a) = attendance {
                store.set_attendance(id, reg, *a, None, now).await?;
            }
        }
        if d.in_days < 1 {
            store
                .update_activity(
                    id,
                    &activity_input(state, d.fields, &real, true, ids, cfa)?,
                    None,
                    now,
                )
                .await?;
        }
    }
    tracing::info!(
        evenements = EVENTS.len(),
        "événements de démonstration chargés"
    );
    Ok(())
}
