//! « Ma vie d'apprenti·e » : the pay simulator. What an apprentice (or a professionalisation
//! contract) earns month by month for the whole contract, from the rules table; the same as
//! JSON for partners. Public, works without JavaScript, nothing stored.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tremplin_domain::ContractType;
use tremplin_domain::pay::{self, PayInput, Simulation, euros, month_year, percent};

use crate::services::simulateur::{self, SimEcho, SimQuery};
use crate::shell::Layout;
use crate::{AppState, WebError};

mod json;

pub const PATH: &str = "/ma-vie-d-apprenti/salaire";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(page))
        .route("/api/v1/simulations/salaire", get(json::salaire))
}

const LEVELS: [(u8, &str); 5] = [
    (3, "3 – CAP, BEP"),
    (4, "4 – Bac, bac pro, BP"),
    (5, "5 – Bac+2 (BTS)"),
    (6, "6 – Bac+3 (BUT, licence)"),
    (7, "7 – Bac+5 (master)"),
];

#[derive(Template)]
#[template(path = "features/simulateur/templates/salaire.html")]
struct SalairePage {
    layout: Layout,
    q: FormValues,
    levels: [(u8, &'static str); 5],
    error: Option<String>,
    result: Option<ResultView>,
    /// The printable version: the month-by-month detail open.
    print: bool,
    print_link: String,
    /// The same contract's monthly budget (with the offer and commune it came with).
    budget_link: String,
}

/// The form as typed, to fill it back.
#[derive(Default)]
struct FormValues {
    sim: SimEcho,
    /// Carried to the budget: the offer the simulator was opened from, the young person's
    /// commune.
    offre: String,
    commune: String,
}

/// What the simulator only carries along, for the budget.
#[derive(Default, serde::Deserialize)]
struct Carried {
    offre: Option<String>,
    commune: Option<String>,
}

struct ResultView {
    summary: String,
    age_assumed: bool,
    years: Vec<YearView>,
    months: Vec<MonthView>,
    changes: Vec<String>,
    net_rule: String,
    rules: Vec<RuleView>,
    any_to_verify: bool,
}

struct YearView {
    title: String,
    period: String,
    rates: String,
    gross: String,
    net: String,
    gross_total: String,
    net_total: String,
}

struct MonthView {
    label: String,
    year: u32,
    rate: String,
    gross: String,
    net: String,
}

struct RuleView {
    label: String,
    value: String,
    since: String,
    source: String,
    /// The source's site name, as the link's text.
    host: String,
    to_verify: bool,
}

fn range(first: f64, last: f64) -> String {
    if first == last {
        euros(first)
    } else {
        format!("de {} à {}", euros(first), euros(last))
    }
}

fn view(input: &PayInput, sim: &Simulation, age_assumed: bool) -> ResultView {
    let last = sim.months.last().map_or(input.start, |m| m.to);
    let kind = match input.contract {
        ContractType::Apprentissage => "Contrat d'apprentissage",
        ContractType::Professionnalisation => "Contrat de professionnalisation",
    };
    let years = sim
        .years
        .iter()
        .map(|y| YearView {
            title: if y.year == 1 {
                "1re année".into()
            } else {
                format!("{}e année", y.year)
            },
            period: format!(
                "{} – {} ({} mois)",
                month_year(y.from),
                month_year(y.to),
                y.months
            ),
            rates: y
                .rates
                .iter()
                .map(|r| percent(r * 100.0))
                .collect::<Vec<_>>()
                .join(" puis "),
            gross: range(y.gross_first, y.gross_last),
            net: range(y.net_first, y.net_last),
            gross_total: euros(y.gross_total),
            net_total: euros(y.net_total),
        })
        .collect();
    let months = sim
        .months
        .iter()
        .map(|m| MonthView {
            label: month_year(m.from),
            year: m.contract_year,
            rate: percent(m.rate * 100.0)
                + if m.on_agreed_minimum {
                    " du minimum"
                } else {
                    ""
                },
            gross: euros(m.gross),
            net: euros(m.net),
        })
        .collect();
    let rules: Vec<RuleView> = sim
        .used
        .iter()
        .map(|r| RuleView {
            label: r.label.clone(),
            value: format!("{} {}", r.value.replace('.', ","), r.unit)
                .trim()
                .to_owned(),
            since: pay::month_year(r.valid_from),
            source: r.source.clone(),
            host: r
                .source
                .split("://")
                .nth(1)
                .unwrap_or(&r.source)
                .split('/')
                .next()
                .unwrap_or_default()
                .to_owned(),
            to_verify: r.to_verify,
        })
        .collect();
    ResultView {
        summary: format!(
            "{kind} de {} mois, de {} à {} inclus.",
            input.months,
            month_year(input.start),
            month_year(last)
        ),
        age_assumed,
        years,
        months,
        changes: sim.changes.iter().map(|c| c.text.clone()).collect(),
        net_rule: sim.net_rule.clone(),
        any_to_verify: rules.iter().any(|r| r.to_verify),
        rules,
    }
}

async fn page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let raw = raw.unwrap_or_default();
    // A malformed query shows the empty form with the reason, never a bare error page.
    let (q, mut error): (SimQuery, Option<String>) = match serde_urlencoded::from_str(&raw) {
        Ok(q) => (q, None),
        Err(_) => (
            SimQuery::default(),
            Some("Ces paramètres sont mal formés : remplissez le formulaire.".into()),
        ),
    };
    let print = raw.split('&').any(|p| p == "imprimer=1");
    let carried: Carried = serde_urlencoded::from_str(&raw).unwrap_or_default();
    let mut result = None;
    if error.is_none() && q.asks() {
        match q.input(true) {
            Err(e) => error = Some(e),
            Ok(input) => {
                let rules = simulateur::rules(&state).await?;
                match pay::simulate(&input, &rules) {
                    Ok(sim) => {
                        let assumed = q.naissance.as_deref().is_none_or(|n| n.trim().is_empty());
                        result = Some(view(&input, &sim, assumed));
                    }
                    Err(e) => error = Some(e.message),
                }
            }
        }
    }
    let v = |o: &Option<String>| {
        o.as_deref()
            .unwrap_or_default()
            .chars()
            .take(40)
            .collect::<String>()
    };
    let q_values = FormValues {
        sim: q.echo(),
        offre: v(&carried.offre)
            .chars()
            .filter(char::is_ascii_digit)
            .collect(),
        commune: v(&carried.commune),
    };
    let budget_link = format!(
        "/ma-vie-d-apprenti/budget?{}",
        raw.split('&')
            .filter(|p| *p != "imprimer=1")
            .collect::<Vec<_>>()
            .join("&")
    );
    let print_link = format!(
        "{PATH}?{}&imprimer=1",
        raw.split('&')
            .filter(|p| *p != "imprimer=1")
            .collect::<Vec<_>>()
            .join("&")
    );
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = SalairePage {
        layout: Layout::new(&state, PATH),
        q: q_values,
        levels: LEVELS,
        error,
        result,
        print,
        print_link,
        budget_link,
    };
    Ok((status, Html(page.render()?)).into_response())
}
