//! `GET /api/v1/simulations/salaire`: the simulator as JSON (documented in `openapi.json`).

use axum::Json;
use axum::extract::{RawQuery, State};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::services::simulateur::{self, SimQuery};
use crate::{AppState, WebError};

pub(super) async fn salaire(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q: SimQuery =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()).map_err(|_| {
            WebError::BadRequest("Paramètres mal formés (un paramètre donné deux fois ?).".into())
        })?;
    let (input, sim) = simulateur::run(&state, &q, false).await?;
    let mois: Vec<Value> = sim
        .months
        .iter()
        .map(|m| {
            json!({
                "mois": m.month(),
                "du": m.from.to_string(),
                "au": m.to.to_string(),
                "annee_contrat": m.contract_year,
                "age": m.age,
                "tranche": m.bracket,
                "taux_smic": m.rate,
                "base": if m.on_agreed_minimum { "minimum_conventionnel" } else { "smic" },
                "smic": m.smic,
                "brut": m.gross,
                "net": m.net,
            })
        })
        .collect();
    let annees: Vec<Value> = sim
        .years
        .iter()
        .map(|y| {
            json!({
                "annee_contrat": y.year,
                "du": y.from.to_string(),
                "au": y.to.to_string(),
                "mois": y.months,
                "taux_smic": y.rates,
                "brut_premier_mois": y.gross_first,
                "brut_dernier_mois": y.gross_last,
                "net_premier_mois": y.net_first,
                "net_dernier_mois": y.net_last,
                "brut_total": y.gross_total,
                "net_total": y.net_total,
            })
        })
        .collect();
    let regles: Vec<Value> = sim
        .used
        .iter()
        .map(|r| {
            json!({
                "categorie": r.category.as_str(),
                "cle": r.key,
                "valeur": r.value,
                "unite": r.unit,
                "libelle": r.label,
                "valid_from": r.valid_from.to_string(),
                "source": r.source,
                "a_verifier": r.to_verify,
            })
        })
        .collect();
    let explications: Vec<Value> = sim
        .changes
        .iter()
        .map(|c| json!({ "mois": format!("{}", c.month.format("%Y-%m")), "texte": c.text }))
        .collect();
    Ok(Json(json!({
        "contrat": input.contract.as_str(),
        "secteur": input.sector.as_str(),
        "debut": input.start.to_string(),
        "duree_mois": input.months,
        "mois": mois,
        "annees": annees,
        "explications": explications,
        "net": sim.net_rule,
        "regles": regles,
    })))
}
