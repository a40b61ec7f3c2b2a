//! « Ma vie d'apprenti·e » : the month's budget. The pay of the simulator's contract, minus
//! housing, trips, food and the rest, in two scenarios side by side (the road from the
//! parents', a room near the CFA), with the aids and their conditions. Public, a GET form that
//! works without JavaScript, prefilled from the simulator and from an offer; nothing stored.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tremplin_domain::budget::{AidStatus, Scenario};
use tremplin_domain::pay::{euros, month_year};

use crate::services::budget::{self, BudgetQuery, Computed};
use crate::services::simulateur::SimQuery;
use crate::shell::Layout;
use crate::{AppState, WebError};

pub const PATH: &str = "/ma-vie-d-apprenti/budget";

pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(page))
}

const LEVELS: [(u8, &str); 5] = [
    (3, "3 – CAP, BEP"),
    (4, "4 – Bac, bac pro, BP"),
    (5, "5 – Bac+2 (BTS)"),
    (6, "6 – Bac+3 (BUT, licence)"),
    (7, "7 – Bac+5 (master)"),
];

#[derive(Template)]
#[template(path = "features/budget/templates/budget.html")]
struct BudgetPage {
    layout: Layout,
    f: FormValues,
    levels: [(u8, &'static str); 5],
    error: Option<String>,
    result: Option<ResultView>,
    /// The offer the budget was opened from: (title, link).
    offer: Option<(String, String)>,
    salaire_link: String,
    /// In a workshop: (the session's code, the public form's CSRF token, this budget's query).
    share: Option<(String, String, String)>,
}

/// The form as typed (or prefilled), to fill it back.
#[derive(Default)]
struct FormValues {
    sim: crate::services::simulateur::SimEcho,
    offre: String,
    atelier: String,
    commune: String,
    entreprise: String,
    cfa: String,
    cfa_name: String,
    transport: String,
    covoiturage: String,
    jours: String,
    rythme: String,
    logement: String,
    loyer: String,
    chambre: String,
    alimentation: String,
    telephone: String,
    assurance: String,
    loisirs: String,
    autres: String,
}

struct ResultView {
    month: String,
    net: String,
    age: u32,
    trips: Vec<String>,
    scenarios: Vec<ScenarioView>,
    later: Vec<String>,
    rules: Vec<RuleView>,
    any_to_verify: bool,
}

struct ScenarioView {
    key: &'static str,
    title: &'static str,
    income: String,
    lines: Vec<(String, String, String)>,
    costs: String,
    left: String,
    short: bool,
    left_with_aids: String,
    aids: Vec<AidView>,
}

struct AidView {
    name: &'static str,
    status: &'static str,
    condition: String,
    amount: String,
    link: &'static str,
    link_label: &'static str,
}

struct RuleView {
    label: String,
    value: String,
    since: String,
    source: String,
    host: String,
    to_verify: bool,
}

fn clip(o: &Option<String>) -> String {
    o.as_deref().unwrap_or_default().chars().take(80).collect()
}

fn scenario(s: &Scenario) -> ScenarioView {
    ScenarioView {
        key: s.key,
        title: s.title,
        income: euros(s.income),
        lines: s
            .lines
            .iter()
            .map(|l| (l.label.clone(), euros(l.amount), l.detail.clone()))
            .collect(),
        costs: euros(s.costs),
        left: euros(s.left),
        short: s.left < 0.0,
        left_with_aids: euros(s.left_with_aids),
        aids: s
            .aids
            .iter()
            .map(|a| AidView {
                name: a.name,
                status: match a.status {
                    AidStatus::Likely => "tu y as sans doute droit",
                    AidStatus::ToCheck => "à vérifier pour toi",
                    AidStatus::No => "pas dans ce cas",
                },
                condition: a.condition.clone(),
                amount: a.amount.clone(),
                link: a.link,
                link_label: a.link_label,
            })
            .collect(),
    }
}

fn view(c: &Computed) -> ResultView {
    let b = &c.budget;
    let mut trips = Vec::new();
    for (what, leg) in [("à l'entreprise", &b.to_company), ("au CFA", &b.to_cfa)] {
        if let Some(l) = leg {
            trips.push(format!(
                "De chez toi {what} : {}, {} en voiture.",
                l.road_label(),
                l.time_label()
            ));
        }
    }
    let scenarios: Vec<ScenarioView> = b.scenarios.iter().map(scenario).collect();
    // Later contract years: the same expenses against the year's first net pay.
    let later = c
        .sim
        .years
        .iter()
        .skip(1)
        .map(|y| {
            let [a, r] = &b.scenarios;
            format!(
                "À partir de {} ({}e année), ton net passe à {} : il te resterait {} en faisant la route, {} en louant près du CFA.",
                month_year(y.from),
                y.year,
                euros(y.net_first),
                euros(y.net_first - a.costs),
                euros(y.net_first - r.costs)
            )
        })
        .collect();
    let rules: Vec<RuleView> = b
        .used
        .iter()
        .map(|r| RuleView {
            label: r.label.clone(),
            value: format!("{} {}", r.value.replace('.', ","), r.unit)
                .trim()
                .to_owned(),
            since: month_year(r.valid_from),
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
        month: month_year(c.input.month),
        net: euros(c.input.net),
        age: c.input.age,
        trips,
        scenarios,
        later,
        any_to_verify: rules.iter().any(|r| r.to_verify),
        rules,
    }
}

async fn page(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let raw = raw.unwrap_or_default();
    let parsed: Result<(SimQuery, BudgetQuery), _> = serde_urlencoded::from_str::<SimQuery>(&raw)
        .and_then(|s| serde_urlencoded::from_str::<BudgetQuery>(&raw).map(|b| (s, b)));
    let (sim_q, q, mut error) = match parsed {
        Ok((s, b)) => (s, b, None),
        Err(_) => (
            SimQuery::default(),
            BudgetQuery::default(),
            Some("Ces paramètres sont mal formés : remplissez le formulaire.".to_owned()),
        ),
    };
    let offer = budget::offer(&state, &q).await?;
    let pre = budget::prefill(&state, &sim_q, &q, offer.as_ref()).await?;
    let mut result = None;
    if error.is_none() && pre.sim.asks() {
        match budget::run(&state, &pre.sim, &q, &pre).await? {
            Ok(c) => result = Some(view(&c)),
            Err(e) => error = Some(e),
        }
    }
    let s = &pre.sim;
    let f = FormValues {
        sim: s.echo(),
        offre: offer.as_ref().map(|o| o.id.to_string()).unwrap_or_default(),
        atelier: clip(&q.atelier)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect(),
        commune: clip(&q.commune),
        entreprise: clip(&pre.entreprise),
        cfa: clip(&pre.cfa),
        cfa_name: clip(&pre.cfa_name),
        transport: q
            .transport
            .clone()
            .filter(|t| ["covoiturage", "car", "aucun"].contains(&t.as_str()))
            .unwrap_or_else(|| "voiture".into()),
        covoiturage: clip(&q.covoiturage),
        jours: q
            .jours
            .clone()
            .filter(|j| !j.trim().is_empty())
            .map_or_else(|| "5".into(), |j| clip(&Some(j))),
        rythme: q
            .rythme
            .clone()
            .filter(|r| ["0", "2", "3", "4"].contains(&r.as_str()))
            .unwrap_or_else(|| "1".into()),
        logement: q
            .logement
            .clone()
            .filter(|l| l == "loyer")
            .unwrap_or_else(|| "parents".into()),
        loyer: clip(&q.loyer),
        chambre: clip(&q.chambre),
        alimentation: clip(&q.alimentation),
        telephone: clip(&q.telephone),
        assurance: clip(&q.assurance),
        loisirs: clip(&q.loisirs),
        autres: clip(&q.autres),
    };
    let salaire_link = format!(
        "/ma-vie-d-apprenti/salaire?{}",
        serde_urlencoded::to_string([
            ("naissance", f.sim.naissance.as_str()),
            ("age", f.sim.age.as_str()),
            ("debut", f.sim.debut.as_str()),
            ("duree_mois", f.sim.duree_mois.as_str()),
            ("contrat", f.sim.contrat.as_str()),
            ("secteur", f.sim.secteur.as_str()),
            ("niveau", f.sim.niveau.as_str()),
            ("offre", f.offre.as_str()),
            ("commune", f.commune.as_str()),
        ])
        .unwrap_or_default()
    );
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    // In a workshop, a computed budget can be shared with the group (the workshop's page
    // computes it again from this query and keeps only its amounts).
    let atelier: String = clip(&q.atelier)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    let mut set_cookie = None;
    let share = if !atelier.is_empty() && result.is_some() {
        let (token, cookie) = crate::shell::auth::public_csrf(&state, &headers);
        set_cookie = Some(cookie);
        Some((atelier.clone(), token, raw.clone()))
    } else {
        None
    };
    let page = BudgetPage {
        share,
        layout: Layout::new(&state, PATH),
        offer: offer.map(|o| {
            let link = if f.commune.is_empty() {
                format!("/offres/{}", o.id)
            } else {
                format!(
                    "/offres/{}?{}",
                    o.id,
                    serde_urlencoded::to_string([("commune", f.commune.as_str())])
                        .unwrap_or_default()
                )
            };
            (o.fields.title.clone(), link)
        }),
        f,
        levels: LEVELS,
        error,
        result,
        salaire_link,
    };
    let mut response = (status, Html(page.render()?)).into_response();
    if let Some(c) = set_cookie.and_then(|c| axum::http::HeaderValue::from_str(&c).ok()) {
        response
            .headers_mut()
            .insert(axum::http::header::SET_COOKIE, c);
    }
    Ok(response)
}
