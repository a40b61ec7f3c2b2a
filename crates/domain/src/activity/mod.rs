//! Activities (workshops, visits, rallies, meetups, job datings, open days, immersions) and
//! the registrations to the public ones: what a counselor types, checked; who gets a seat and
//! who waits; who was there.
//!
//! Times are typed in Paris time and kept in UTC: a date and an hour that do not exist (the
//! hour skipped in March) are refused, an hour that happens twice (October) is the first one.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;

use crate::values::clip;
use crate::{CodeInsee, Email, HttpUrl, Invalid, check_text};

macro_rules! choice {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|x| x.as_str() == s)
            }
        }

        /// Read back from the database: a value no version wrote is an error, not a guess.
        impl TryFrom<String> for $name {
            type Error = crate::UnknownValue;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s).ok_or(crate::UnknownValue(s))
            }
        }
    };
}

choice!(
    /// What kind of activity.
    ActivityKind {
        AtelierPresentiel = "atelier", "Atelier";
        AtelierVirtuel = "atelier_virtuel", "Atelier en visio";
        VisiteEntreprise = "visite_entreprise", "Visite d'entreprise";
        VisiteCfa = "visite_cfa", "Visite de CFA";
        RallyeEntreprises = "rallye", "Rallye entreprises";
        RencontreJeunes = "rencontre", "Rencontre entre jeunes";
        JobDating = "job_dating", "Job dating";
        SeanceInformation = "information", "Séance d'information";
        PortesOuvertes = "portes_ouvertes", "Portes ouvertes de CFA";
        Immersion = "immersion", "Immersion en entreprise (PMSMP)";
    }
);

choice!(
    /// Where the PMSMP agreement (convention d'immersion) stands.
    Agreement {
        APreparer = "a_preparer", "Convention à préparer";
        Envoyee = "envoyee", "Convention envoyée pour signature";
        Signee = "signee", "Convention signée";
    }
);

choice!(
    /// A registration's place: a seat, the waiting list, or cancelled.
    RegistrationStatus {
        Inscrit = "inscrit", "Inscrit·e";
        Attente = "attente", "Sur liste d'attente";
        Annule = "annule", "Inscription annulée";
    }
);

choice!(
    /// What the attendance sheet says of a registrant.
    Attendance {
        Present = "present", "Présent·e";
        Absent = "absent", "Absent·e";
        Excuse = "excuse", "Excusé·e";
    }
);

/// The seat a new registrant gets when `seated` people already hold one.
pub fn place_for(seated: i64, capacity: i64) -> RegistrationStatus {
    if seated < capacity {
        RegistrationStatus::Inscrit
    } else {
        RegistrationStatus::Attente
    }
}

/// The PMSMP part of an immersion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Immersion {
    pub tutor: String,
    pub agreement: Agreement,
}

/// An activity as the counselor's form sends it, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityInput {
    pub kind: ActivityKind,
    pub title: String,
    pub description: String,
    pub public: bool,
    /// None only for a virtual workshop.
    pub commune: Option<CodeInsee>,
    pub address: String,
    pub video_url: Option<HttpUrl>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i64,
    pub leader: String,
    /// Told of each registration; the territory's contact when empty.
    pub organiser_email: Option<Email>,
    pub audience: String,
    pub guardian_required: bool,
    pub company_ids: Vec<i64>,
    pub training_centre_id: Option<i64>,
    pub immersion: Option<Immersion>,
}

fn text(
    field: &'static str,
    label: &str,
    v: &str,
    max: usize,
    required: bool,
    multiline: bool,
    errors: &mut Vec<Invalid>,
) -> String {
    let t = v.trim();
    let n = t.chars().count();
    if required && n == 0 {
        errors.push(Invalid::new(field, format!("Indiquez « {label} ».")));
    } else if n > max {
        errors.push(Invalid::new(
            field,
            format!("« {label} » : {max} caractères au plus."),
        ));
    } else if let Err(e) = check_text(field, label, t, multiline) {
        errors.push(e);
    }
    t.to_owned()
}

/// A date and an hour typed in Paris time, in UTC.
pub fn paris_time(field: &'static str, date: &str, time: &str) -> Result<DateTime<Utc>, Invalid> {
    let d = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| {
        Invalid::new(
            field,
            format!("« {} » n'est pas une date (AAAA-MM-JJ).", clip(date)),
        )
    })?;
    let t = NaiveTime::parse_from_str(time.trim(), "%H:%M").map_err(|_| {
        Invalid::new(
            field,
            format!("« {} » n'est pas une heure (HH:MM).", clip(time)),
        )
    })?;
    Paris
        .from_local_datetime(&NaiveDateTime::new(d, t))
        .earliest()
        .map(|x| x.with_timezone(&Utc))
        .ok_or_else(|| {
            Invalid::new(
                field,
                "Cette heure n'existe pas ce jour-là (passage à l'heure d'été) : choisissez-en une autre.",
            )
        })
}

impl ActivityInput {
    /// Reads the form: `type`, `titre`, `description`, `public`, `commune` (an INSEE code, the
    /// name already looked up), `adresse`, `lien_visio`, `date`, `heure_debut`, `date_fin`
    /// (the same day when empty), `heure_fin`, `places`, `anime_par`, `email_organisateur`,
    /// `public_vise`, `tuteur_legal`, `tuteur`, `convention`; the companies and the training
    /// centre come checked against the network by the caller.
    pub fn parse(
        get: &dyn Fn(&str) -> String,
        company_ids: Vec<i64>,
        training_centre_id: Option<i64>,
        commune_exists: &dyn Fn(&CodeInsee) -> bool,
    ) -> Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let kind = ActivityKind::parse(get("type").trim());
        if kind.is_none() {
            errors.push(Invalid::new("type", "Choisissez le type d'activité."));
        }
        let title = text(
            "titre",
            "Titre",
            &get("titre"),
            120,
            true,
            false,
            &mut errors,
        );
        if !title.is_empty() && title.chars().count() < 3 {
            errors.push(Invalid::new(
                "titre",
                "Le titre compte 3 caractères au moins.",
            ));
        }
        let description = text(
            "description",
            "Description",
            &get("description"),
            4000,
            false,
            true,
            &mut errors,
        );
        let virtual_ = kind == Some(ActivityKind::AtelierVirtuel);
        let commune = match get("commune").trim() {
            "" if virtual_ => None,
            "" => {
                errors.push(Invalid::new(
                    "commune",
                    "Indiquez la commune où elle a lieu.",
                ));
                None
            }
            c => match CodeInsee::parse(c) {
                Ok(c) if commune_exists(&c) => Some(c),
                _ => {
                    errors.push(Invalid::new("commune", "Cette commune est inconnue."));
                    None
                }
            },
        };
        let address = text(
            "adresse",
            "Adresse",
            &get("adresse"),
            200,
            false,
            false,
            &mut errors,
        );
        let video_url = match get("lien_visio").trim() {
            "" if virtual_ => {
                errors.push(Invalid::new(
                    "lien_visio",
                    "Un atelier en visio a besoin de son lien de visioconférence.",
                ));
                None
            }
            "" => None,
            v => HttpUrl::parse(v)
                .map_err(|e| errors.push(Invalid::new("lien_visio", e.message)))
                .ok(),
        };
        let day = get("date");
        let end_day = Some(get("date_fin"))
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| day.clone());
        let starts_at = paris_time("heure_debut", &day, &get("heure_debut"))
            .map_err(|e| errors.push(e))
            .ok();
        let ends_at = paris_time("heure_fin", &end_day, &get("heure_fin"))
            .map_err(|e| errors.push(e))
            .ok();
        if let (Some(s), Some(e)) = (starts_at, ends_at) {
            if e <= s {
                errors.push(Invalid::new(
                    "heure_fin",
                    "La fin doit venir après le début.",
                ));
            } else if (e - s).num_days() > 92 {
                errors.push(Invalid::new(
                    "heure_fin",
                    "Une activité dure 3 mois au plus.",
                ));
            }
        }
        let capacity = match get("places").trim().parse::<i64>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                errors.push(Invalid::new(
                    "places",
                    "Indiquez le nombre de places (de 1 à 1 000).",
                ));
                0
            }
        };
        let leader = text(
            "anime_par",
            "Animé par",
            &get("anime_par"),
            120,
            true,
            false,
            &mut errors,
        );
        let organiser_email = match get("email_organisateur").trim() {
            "" => None,
            e => Email::parse(e)
                .map_err(|e| errors.push(Invalid::new("email_organisateur", e.message)))
                .ok(),
        };
        let audience = text(
            "public_vise",
            "Pour qui",
            &get("public_vise"),
            200,
            true,
            false,
            &mut errors,
        );
        let yes = |k: &str| matches!(get(k).trim(), "oui" | "on" | "1" | "true");
        let immersion = if kind == Some(ActivityKind::Immersion) {
            if company_ids.is_empty() {
                errors.push(Invalid::new(
                    "entreprises",
                    "Une immersion se fait dans une entreprise du réseau : choisissez-la.",
                ));
            }
            let tutor = text(
                "tuteur",
                "Tuteur",
                &get("tuteur"),
                120,
                true,
                false,
                &mut errors,
            );
            let agreement = Agreement::parse(get("convention").trim());
            if agreement.is_none() {
                errors.push(Invalid::new(
                    "convention",
                    "Dites où en est la convention d'immersion.",
                ));
            }
            agreement.map(|agreement| Immersion { tutor, agreement })
        } else {
            None
        };
        if kind == Some(ActivityKind::Immersion) && yes("public") {
            errors.push(Invalid::new(
                "public",
                "Une immersion concerne un·e jeune : elle ne peut pas être ouverte à tous.",
            ));
        }
        match (kind, starts_at, ends_at) {
            (Some(kind), Some(starts_at), Some(ends_at)) if errors.is_empty() => Ok(Self {
                kind,
                title,
                description,
                public: yes("public"),
                commune,
                address,
                video_url,
                starts_at,
                ends_at,
                capacity,
                leader,
                organiser_email,
                audience,
                guardian_required: yes("tuteur_legal"),
                company_ids,
                training_centre_id,
                immersion,
            }),
            _ => Err(errors),
        }
    }
}

mod registration;
pub use registration::RegistrationInput;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn get(fields: &[(&str, &str)]) -> impl Fn(&str) -> String {
        let map: HashMap<String, String> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned().unwrap_or_default()
    }

    const RALLY: &[(&str, &str)] = &[
        ("type", "rallye"),
        ("titre", "Rallye des entreprises de L'Aigle"),
        ("public", "oui"),
        ("commune", "61214"),
        ("date", "2026-10-25"),
        ("heure_debut", "09:30"),
        ("heure_fin", "12:00"),
        ("places", "12"),
        ("anime_par", "Camille, conseillère"),
        ("public_vise", "16-25 ans"),
    ];

    fn activity(extra: &[(&str, &str)]) -> Result<ActivityInput, Vec<Invalid>> {
        let mut fields: Vec<(&str, &str)> = RALLY.to_vec();
        fields.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
        fields.extend_from_slice(extra);
        ActivityInput::parse(&get(&fields), vec![], None, &|c| {
            c.as_str().starts_with("61")
        })
    }

    #[test]
    fn paris_times_are_stored_in_utc_on_both_sides_of_the_clock_change() {
        // 25 October 2026 is the last Sunday of October: winter time (UTC+1) from 3 h.
        let a = activity(&[]).unwrap();
        assert_eq!(a.starts_at.to_rfc3339(), "2026-10-25T08:30:00+00:00");
        let b = activity(&[("date", "2027-03-29"), ("heure_debut", "09:30")]).unwrap();
        assert_eq!(b.starts_at.to_rfc3339(), "2027-03-29T07:30:00+00:00");
        // 2 h 30 does not exist on 28 March 2027.
        let gap = activity(&[("date", "2027-03-28"), ("heure_debut", "02:30")]).unwrap_err();
        assert!(gap[0].message.contains("heure d'été"), "{gap:?}");
        // 2 h 30 happens twice on 25 October 2026: the first (summer time).
        let fold = activity(&[("heure_debut", "02:30")]).unwrap();
        assert_eq!(fold.starts_at.to_rfc3339(), "2026-10-25T00:30:00+00:00");
    }

    #[test]
    fn bad_activities_say_why_in_french() {
        let e = activity(&[("heure_fin", "08:00")]).unwrap_err();
        assert_eq!(e[0].field, "heure_fin");
        let e = activity(&[("places", "0")]).unwrap_err();
        assert_eq!(e[0].field, "places");
        let e = activity(&[("type", "atelier_virtuel"), ("commune", "")]).unwrap_err();
        assert_eq!(e[0].field, "lien_visio");
        assert!(
            activity(&[
                ("type", "atelier_virtuel"),
                ("commune", ""),
                ("lien_visio", "https://visio.example/abc")
            ])
            .unwrap()
            .commune
            .is_none()
        );
        let e = activity(&[("type", "immersion"), ("public", "")]).unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["entreprises", "tuteur", "convention"]);
        let e = activity(&[("commune", "75056")]).unwrap_err();
        assert_eq!(e[0].field, "commune");
        let e = activity(&[("titre", "a\u{0}b")]).unwrap_err();
        assert_eq!(e[0].field, "titre");
    }

    #[test]
    fn an_immersion_is_a_company_a_tutor_and_an_agreement() {
        let mut fields = RALLY.to_vec();
        fields.retain(|(k, _)| *k != "public" && *k != "type");
        fields.extend_from_slice(&[
            ("type", "immersion"),
            ("tuteur", "M. Duval"),
            ("convention", "signee"),
        ]);
        let a = ActivityInput::parse(&get(&fields), vec![3], None, &|_| true).unwrap();
        assert_eq!(
            a.immersion,
            Some(Immersion {
                tutor: "M. Duval".into(),
                agreement: Agreement::Signee
            })
        );
        assert!(!a.public);
    }

    #[test]
    fn the_seats_go_first_then_the_waiting_list() {
        assert_eq!(place_for(0, 2), RegistrationStatus::Inscrit);
        assert_eq!(place_for(1, 2), RegistrationStatus::Inscrit);
        assert_eq!(place_for(2, 2), RegistrationStatus::Attente);
        assert_eq!(place_for(5, 2), RegistrationStatus::Attente);
    }
}
