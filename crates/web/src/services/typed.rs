//! A commune or a métier typed by a person (a name, a postcode, a word), understood the same
//! way by every form: what it designates, or the choice to offer when it is ambiguous.

use tremplin_referentiels::{CommuneMatch, Metier, fold};

use crate::AppState;

/// One of the answers offered when what was typed designates several.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// What to send back to designate it alone ("Mortagne-au-Perche (61400)", "D1102").
    pub key: String,
    pub label: String,
    /// What tells it apart: the département, an old name.
    pub detail: String,
}

/// Why nothing was designated: a French message, and the choice when it is ambiguous.
#[derive(Debug, Clone, PartialEq)]
pub struct Unclear {
    pub message: String,
    pub choices: Vec<Choice>,
}

impl Unclear {
    fn new(message: String) -> Self {
        Self {
            message,
            choices: Vec::new(),
        }
    }
}

/// The INSEE code of the commune typed (its name the way the search takes it, a postcode,
/// "Name (postcode)", an INSEE code that is no postcode).
pub fn commune(state: &AppState, typed: &str, what: &str) -> Result<String, Unclear> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(Unclear::new(format!(
            "Indiquez {what} : son nom ou son code postal."
        )));
    }
    let communes = &state.refs.communes;
    match communes.resolve_in(typed, &state.commune_focus()) {
        CommuneMatch::One(c) => Ok(c.code.as_str().to_owned()),
        CommuneMatch::None => Err(Unclear::new(format!(
            "Nous ne trouvons pas la commune « {typed} » : vérifiez l'orthographe ou tapez son code postal."
        ))),
        CommuneMatch::Several(list) => Err(Unclear {
            message: format!(
                "Plusieurs communes correspondent à « {typed} » : choisissez la bonne."
            ),
            choices: list
                .into_iter()
                .map(|c| Choice {
                    key: c.link_key(),
                    label: c.label(),
                    detail: match communes.known_as(c, typed) {
                        Some(old) => format!("{} · ancienne commune {old}", c.place()),
                        None => c.place(),
                    },
                })
                .collect(),
        }),
    }
}

/// How a commune is shown in a field so that [`commune`] finds it again: its label.
pub fn commune_key(state: &AppState, code: &str) -> String {
    state
        .refs
        .communes
        .get(code)
        .map_or_else(|| code.to_owned(), |c| c.link_key())
}

/// How a métier is shown in a field so that [`metier`] finds it again.
pub fn metier_key(m: &Metier) -> String {
    format!("{} ({})", m.label, m.code)
}

/// The ROME code of the métier typed: a code, "Label (code)" as the autocomplete offers, or
/// words of its name ("boulanger").
pub fn metier(state: &AppState, typed: &str) -> Result<String, Unclear> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(Unclear::new(
            "Indiquez le métier : un mot de son nom (« boulanger ») ou son code ROME.".into(),
        ));
    }
    let rome = &state.refs.rome;
    let code = typed
        .rsplit_once('(')
        .map_or(typed, |(_, c)| c.trim_end_matches(')'))
        .trim()
        .to_ascii_uppercase();
    if let Some(m) = rome.get(&code) {
        return Ok(m.code.clone());
    }
    let found = rome.search(typed, 40);
    // A name typed whole, in either gender ("boulanger" for "Boulanger / Boulangère").
    let f = fold(typed);
    let whole: Vec<&&Metier> = found
        .iter()
        .filter(|m| fold(&m.label) == f || m.label.split(" / ").any(|g| fold(g) == f))
        .collect();
    if let [m] = whole.as_slice() {
        return Ok(m.code.clone());
    }
    match found.as_slice() {
        [] => Err(Unclear::new(format!(
            "Aucun métier ne correspond à « {typed} » : essayez un autre mot."
        ))),
        [m] => Ok(m.code.clone()),
        _ => Err(Unclear {
            message: format!("Plusieurs métiers correspondent à « {typed} » : choisissez le bon."),
            choices: found
                .iter()
                .take(tremplin_referentiels::CHOICES)
                .map(|m| Choice {
                    key: m.code.clone(),
                    label: m.label.clone(),
                    detail: m.code.clone(),
                })
                .collect(),
        }),
    }
}
