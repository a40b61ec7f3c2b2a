//! The record's form: the commune and the trades typed as a counselor says them (« L'Aigle »,
//! « boulanger | aide-soignant »), read into codes as the offer form does, then checked by the
//! domain.

use std::collections::HashMap;

use askama::Template;
use tremplin_domain::Invalid;
use tremplin_domain::young::{YoungPersonInput, YoungStatus};
use tremplin_storage::YoungPerson;

use crate::services::typed::{self, Choice};
use crate::shell::Layout;
use crate::shell::dates::paris_today;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "features/jeunes/templates/form.html")]
pub(super) struct FormPage {
    pub layout: Layout,
    pub nav: crate::shell::Nav,
    pub heading: String,
    pub action: String,
    pub values: HashMap<String, String>,
    pub errors: Vec<Invalid>,
    pub commune_choices: Vec<Choice>,
    pub rome_choices: Vec<Choice>,
    pub counselors: Vec<(i64, String)>,
    pub statuses: Vec<(&'static str, &'static str)>,
}

impl FormPage {
    fn v(&self, k: &str) -> &str {
        self.values.get(k).map_or("", String::as_str)
    }

    fn checked(&self, k: &str) -> bool {
        matches!(self.v(k), "oui" | "on" | "1")
    }

    pub async fn new(
        state: &AppState,
        staff: &crate::shell::auth::Staff,
        heading: &str,
        action: String,
        values: HashMap<String, String>,
    ) -> Result<Self, WebError> {
        Ok(Self {
            layout: Layout::new(state, &action),
            nav: crate::shell::Nav::new(staff),
            heading: heading.to_owned(),
            action,
            values,
            errors: Vec::new(),
            commune_choices: Vec::new(),
            rome_choices: Vec::new(),
            counselors: crate::services::promos::counselors(state).await?,
            statuses: YoungStatus::ALL
                .iter()
                .map(|s| (s.as_str(), s.label()))
                .collect(),
        })
    }
}

/// The form's values from a stored record, names shown for the codes.
pub(super) fn values_of(state: &AppState, y: &YoungPerson) -> HashMap<String, String> {
    let yes = |b: bool| if b { "oui" } else { "" }.to_owned();
    let trades: Vec<String> = y
        .rome_codes
        .split('|')
        .filter(|c| !c.is_empty())
        .map(|c| {
            state
                .refs
                .rome
                .get(c)
                .map_or_else(|| c.to_owned(), typed::metier_key)
        })
        .collect();
    [
        ("prenom", y.first_name.clone()),
        ("nom", y.last_name.clone()),
        ("date_naissance", y.birth_date.to_string()),
        ("email", y.email.clone().unwrap_or_default()),
        ("telephone", y.phone.clone().unwrap_or_default()),
        ("tuteur_nom", y.guardian_name.clone().unwrap_or_default()),
        ("tuteur_email", y.guardian_email.clone().unwrap_or_default()),
        (
            "tuteur_telephone",
            y.guardian_phone.clone().unwrap_or_default(),
        ),
        ("commune", typed::commune_key(state, &y.commune_code)),
        ("metiers", trades.join(" | ")),
        ("permis", yes(y.licence)),
        ("vehicule", yes(y.vehicle)),
        (
            "conseiller",
            y.counselor_id.map(|i| i.to_string()).unwrap_or_default(),
        ),
        ("statut", y.status.clone()),
        ("notes", y.notes.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Reads the form: the record, or the page again with every fault and the choices to make.
pub(super) fn read(
    state: &AppState,
    form: &HashMap<String, String>,
    counselors: &[(i64, String)],
    page: &mut FormPage,
) -> Option<YoungPersonInput> {
    let mut coded = form.clone();
    let mut errors = Vec::new();
    let picked = |k: &str| {
        form.get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let commune_typed = picked("commune_choisie")
        .or_else(|| picked("commune"))
        .unwrap_or_default();
    match typed::commune(state, &commune_typed, "la commune où vit le ou la jeune") {
        Ok(code) => {
            coded.insert("commune".into(), code);
        }
        Err(unclear) => {
            coded.insert("commune".into(), String::new());
            errors.push(Invalid::new("commune", unclear.message));
            page.commune_choices = unclear.choices;
        }
    }
    let mut trades_typed: Vec<String> = form
        .get("metiers")
        .map_or("", String::as_str)
        .split('|')
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if let Some(chosen) = picked("metier_choisi") {
        // The choice replaces the ambiguous name it answers (the last one asked about).
        if let Some(pos) = trades_typed
            .iter()
            .position(|t| typed::metier(state, t).is_err())
        {
            trades_typed[pos] = chosen;
        }
    }
    let mut codes = Vec::new();
    for t in &trades_typed {
        match typed::metier(state, t) {
            Ok(code) => codes.push(code),
            Err(unclear) => {
                errors.push(Invalid::new("metiers", unclear.message));
                if page.rome_choices.is_empty() {
                    page.rome_choices = unclear.choices;
                }
            }
        }
    }
    coded.insert("metiers".into(), codes.join("|"));
    let today = paris_today(state.clock.now());
    let get = |k: &str| coded.get(k).cloned().unwrap_or_default();
    let parsed = YoungPersonInput::parse(&get, today, &|id| counselors.iter().any(|c| c.0 == id));
    let mut shown = form.clone();
    shown.insert("metiers".into(), trades_typed.join(" | "));
    if let Some(c) = picked("commune_choisie") {
        shown.insert("commune".into(), c);
    }
    shown.remove("csrf");
    page.values = shown;
    match parsed {
        Ok(input) if errors.is_empty() => Some(input),
        Ok(_) => {
            page.errors = errors;
            None
        }
        Err(parsed) => {
            let commune_unclear = errors.iter().any(|e| e.field == "commune");
            errors.extend(
                parsed
                    .into_iter()
                    .filter(|e| !(e.field == "commune" && commune_unclear)),
            );
            page.errors = errors;
            None
        }
    }
}
