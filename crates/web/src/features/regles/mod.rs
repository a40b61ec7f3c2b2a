//! The pay rules table for administrators: every row with its date and source, what is « à
//! vérifier », a confirmation (who, when, in the journal) and new dated rows. Nothing is
//! overwritten: a new figure is a new row from its date, the old one stays in the history.

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use tremplin_domain::pay::{Category, Rule};
use tremplin_storage::StoredRule;

use crate::shell::auth::Staff;
use crate::shell::dates::french_date;
use crate::shell::{Id, Layout, Nav};
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/regles", get(list).post(add))
        .route("/gestion/regles/{id}/confirmer", post(confirm))
}

#[derive(Template)]
#[template(path = "features/regles/templates/rules.html")]
struct RulesPage {
    layout: Layout,
    nav: Nav,
    groups: Vec<(&'static str, Vec<RuleRow>)>,
    awaiting: usize,
    /// The rules an admin may give a new row: `categorie/cle` and its label.
    choices: Vec<(String, String)>,
    error: Option<String>,
    form: AddForm,
}

struct RuleRow {
    id: i64,
    label: String,
    key: String,
    since: String,
    value: String,
    conditions: String,
    source: String,
    awaiting: bool,
    confirmed: Option<String>,
    added: Option<String>,
    /// Replaced by a later row of the same rule.
    superseded: bool,
}

fn rows(stored: &[StoredRule]) -> Vec<(&'static str, Vec<RuleRow>)> {
    Category::ALL
        .into_iter()
        .map(|c| {
            let rows: Vec<RuleRow> = stored
                .iter()
                .filter(|s| s.rule.category == c)
                .map(|s| RuleRow {
                    id: s.id,
                    label: s.rule.label.clone(),
                    key: s.rule.key.clone(),
                    since: s.rule.valid_from.format("%d/%m/%Y").to_string(),
                    value: format!("{} {}", s.rule.value, s.rule.unit)
                        .trim()
                        .to_owned(),
                    conditions: s.rule.conditions.clone(),
                    source: s.rule.source.clone(),
                    awaiting: s.awaiting_check(),
                    confirmed: s.confirmed_at.map(|at| {
                        format!(
                            "confirmée le {} par {}",
                            french_date(at),
                            s.confirmed_by.as_deref().unwrap_or("un compte supprimé")
                        )
                    }),
                    added: (s.origin == "admin").then(|| {
                        format!(
                            "ajoutée le {} par {}",
                            french_date(s.created_at),
                            s.created_by.as_deref().unwrap_or("un compte supprimé")
                        )
                    }),
                    superseded: stored.iter().any(|o| {
                        o.rule.category == c
                            && o.rule.key == s.rule.key
                            && o.rule.valid_from > s.rule.valid_from
                    }),
                })
                .collect();
            (c.label(), rows)
        })
        .filter(|group| !group.1.is_empty())
        .collect()
}

async fn render(
    state: &AppState,
    staff: &Staff,
    error: Option<String>,
    form: AddForm,
) -> Result<String, WebError> {
    let stored = state.store.pay_rules().await?;
    let mut choices: Vec<(String, String)> = Vec::new();
    for s in &stored {
        let value = format!("{}/{}", s.rule.category.as_str(), s.rule.key);
        if !choices.iter().any(|(v, _)| *v == value) {
            choices.push((
                value,
                format!(
                    "{} – {} ({})",
                    s.rule.category.label(),
                    s.rule.label,
                    s.rule.key
                ),
            ));
        }
    }
    Ok(RulesPage {
        layout: Layout::new(state, "/gestion/regles"),
        nav: Nav::new(staff),
        awaiting: stored.iter().filter(|s| s.awaiting_check()).count(),
        groups: rows(&stored),
        choices,
        error,
        form,
    }
    .render()?)
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_admin()?;
    Ok(Html(
        render(&state, &staff, None, AddForm::default()).await?,
    ))
}

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    csrf: String,
}

async fn confirm(
    State(state): State<AppState>,
    staff: Staff,
    Id(id): Id,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&f.csrf)?;
    let rule = state.store.pay_rule(id).await?.ok_or(WebError::NotFound)?;
    if !state
        .store
        .confirm_pay_rule(id, staff.user.id, state.clock.now())
        .await?
    {
        return Err(WebError::Conflict(
            "Cette règle n'est pas « à vérifier », ou elle est déjà confirmée.".into(),
        ));
    }
    crate::services::simulateur::forget_rules(&state);
    let r = &rule.rule;
    let detail = format!(
        "{}/{} au {} : {} {} ({})",
        r.category.as_str(),
        r.key,
        r.valid_from,
        r.value,
        r.unit,
        r.source
    );
    staff
        .log(&state, "règle de salaire confirmée", &detail)
        .await?;
    Ok(Redirect::to(&format!("/gestion/regles#regle-{id}")).into_response())
}

#[derive(Deserialize, Default)]
struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    regle: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valeur: String,
    #[serde(default)]
    conditions: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    a_verifier: Option<String>,
}

async fn add(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<AddForm>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    staff.check_csrf(&f.csrf)?;
    let stored = state.store.pay_rules().await?;
    let checked = (|| {
        let latest = stored
            .iter()
            .filter(|s| format!("{}/{}", s.rule.category.as_str(), s.rule.key) == f.regle)
            .max_by_key(|s| s.rule.valid_from)
            .ok_or_else(|| "Choisissez la règle à laquelle ajouter une ligne.".to_owned())?;
        let date = NaiveDate::parse_from_str(f.valid_from.trim(), "%Y-%m-%d")
            .map_err(|_| "La date d'application s'écrit AAAA-MM-JJ (ex. 2027-01-01).".to_owned())?;
        let r = &latest.rule;
        Rule::new(
            r.category,
            &r.key,
            date,
            &f.valeur,
            &r.unit,
            &r.label,
            &f.conditions,
            &f.source,
            f.a_verifier.is_some(),
        )
        .map_err(|e| e.message)
    })();
    let rule = match checked {
        Ok(rule) => rule,
        Err(message) => {
            let body = render(&state, &staff, Some(message), f).await?;
            return Ok((StatusCode::BAD_REQUEST, Html(body)).into_response());
        }
    };
    if !state
        .store
        .add_pay_rule(&rule, staff.user.id, state.clock.now())
        .await?
    {
        let message = format!(
            "Cette règle a déjà une ligne au {} : les lignes ne sont jamais remplacées, choisissez une autre date.",
            rule.valid_from.format("%d/%m/%Y")
        );
        let body = render(&state, &staff, Some(message), f).await?;
        return Ok((StatusCode::CONFLICT, Html(body)).into_response());
    }
    crate::services::simulateur::forget_rules(&state);
    let detail = format!(
        "{}/{} à partir du {} : {} {} ({})",
        rule.category.as_str(),
        rule.key,
        rule.valid_from,
        rule.value,
        rule.unit,
        rule.source
    );
    staff
        .log(&state, "règle de salaire ajoutée", &detail)
        .await?;
    Ok(Redirect::to("/gestion/regles").into_response())
}
