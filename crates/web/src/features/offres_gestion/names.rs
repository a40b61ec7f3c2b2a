//! The offer form names the métier and the commune the way a counselor says them on the
//! phone ("boulanger", "Mortagne"): read into codes here, or a choice to make (radio buttons
//! without JavaScript, the same autocomplete as the search with it).

use std::collections::HashMap;

use tremplin_domain::Invalid;

use crate::AppState;
use crate::services::typed::{self, Choice};

/// What was typed in the form, with codes where names were understood.
pub(super) struct Named {
    /// The form with `rome_code` and `commune_code` as codes (empty when not understood).
    pub coded: HashMap<String, String>,
    /// The form as it is shown again: a choice made replaces what was typed.
    pub shown: HashMap<String, String>,
    pub errors: Vec<Invalid>,
    pub rome_choices: Vec<Choice>,
    pub commune_choices: Vec<Choice>,
}

impl Named {
    /// Keeps the parser's errors about what these names already explain.
    pub fn merge(&self, mut parsed: Vec<Invalid>) -> Vec<Invalid> {
        let rome_unclear = self.errors.iter().any(|e| e.field == "rome_code");
        let commune_unclear = self.errors.iter().any(|e| e.field == "commune_code");
        parsed.retain(|e| match e.field {
            "rome_code" => !rome_unclear,
            "commune" | "commune_code" => !commune_unclear,
            _ => true,
        });
        let mut all = self.errors.clone();
        all.extend(parsed);
        all
    }
}

/// Reads `rome_code` (or the métier picked, `metier_choisi`) and `commune_code` (or
/// `commune_choisie`) as a person types them.
pub(super) fn read(state: &AppState, form: &HashMap<String, String>) -> Named {
    let mut coded = form.clone();
    let mut shown = form.clone();
    let mut errors = Vec::new();
    let mut pick = |field: &str, picked: &str| -> String {
        let picked = form.get(picked).map_or("", |v| v.trim());
        if picked.is_empty() {
            form.get(field).map_or("", |v| v.trim()).to_owned()
        } else {
            shown.insert(field.to_owned(), picked.to_owned());
            picked.to_owned()
        }
    };
    let rome_typed = pick("rome_code", "metier_choisi");
    let commune_typed = pick("commune_code", "commune_choisie");
    // Several métiers may be given, separated by "|" (as in imports).
    let mut codes = Vec::new();
    let mut rome_choices = Vec::new();
    for part in rome_typed
        .split('|')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match typed::metier(state, part) {
            Ok(code) => codes.push(code),
            Err(unclear) => {
                errors.push(Invalid::new("rome_code", unclear.message));
                rome_choices.extend(unclear.choices);
            }
        }
    }
    if rome_typed.is_empty() {
        let unclear = typed::metier(state, "").unwrap_err();
        errors.push(Invalid::new("rome_code", unclear.message));
    }
    coded.insert(
        "rome_code".into(),
        if errors.is_empty() {
            codes.join("|")
        } else {
            String::new()
        },
    );
    let mut commune_choices = Vec::new();
    match typed::commune(state, &commune_typed, "la commune du poste") {
        Ok(code) => {
            coded.insert("commune_code".into(), code);
        }
        Err(unclear) => {
            coded.insert("commune_code".into(), String::new());
            errors.push(Invalid::new("commune_code", unclear.message));
            commune_choices = unclear.choices;
        }
    }
    Named {
        coded,
        shown,
        errors,
        rome_choices,
        commune_choices,
    }
}

/// The form's values with codes shown as names ("Boulanger / Boulangère (D1102)",
/// "Mortagne-au-Perche (61400)"), for a form prefilled from an offer or a company.
pub(super) fn show_names(state: &AppState, values: &mut HashMap<String, String>) {
    if let Some(codes) = values.get("rome_code") {
        let named: Vec<String> = codes
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| {
                state
                    .refs
                    .rome
                    .get(c)
                    .map_or_else(|| c.to_owned(), typed::metier_key)
            })
            .collect();
        values.insert("rome_code".into(), named.join(" | "));
    }
    if let Some(code) = values.get("commune_code").filter(|c| !c.is_empty()) {
        let key = typed::commune_key(state, code);
        values.insert("commune_code".into(), key);
    }
}
