//! What a search asks for, read from a query string and checked, with the same rules for the
//! pages (French parameter names, a commune typed by a person) and the API (English names,
//! an INSEE code).

use chrono::NaiveDate;
use tremplin_domain::{CodeInsee, CodeRome, ContractType, NiveauDiplome};
use tremplin_referentiels::{Commune, CommuneMatch};
use tremplin_search::Sort;

use crate::AppState;

pub const DEFAULT_RADIUS_KM: u32 = 30;
pub const MAX_RADIUS_KM: u32 = 200;
pub const MAX_PER_PAGE: u32 = 100;
const MAX_PAGE: u32 = 500;

/// The commune a search is centred on.
#[derive(Debug, Clone, PartialEq)]
pub struct Near {
    pub code: String,
    /// How links name the commune (see `Commune::link_key`).
    pub key: String,
    pub name: String,
    pub label: String,
    /// "Orne (61)"
    pub place: String,
    /// The old name it was found under ("La Ferté-Frênel"), in a choice.
    pub known_as: Option<String>,
    pub lat: f64,
    pub lon: f64,
    pub approximate: bool,
}

impl From<&Commune> for Near {
    fn from(c: &Commune) -> Self {
        Self {
            code: c.code.as_str().to_owned(),
            key: c.link_key(),
            name: c.name.clone(),
            label: c.label(),
            place: c.place(),
            known_as: None,
            lat: c.lat,
            lon: c.lon,
            approximate: c.approximate,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueQuery {
    pub text: String,
    pub near: Option<Near>,
    pub radius_km: u32,
    pub rome: Vec<CodeRome>,
    pub levels: Vec<NiveauDiplome>,
    pub contract: Option<ContractType>,
    pub rqth: bool,
    pub new_only: bool,
    pub start_from: Option<NaiveDate>,
    pub start_to: Option<NaiveDate>,
    pub sort: Sort,
    /// « Atteignable sans voiture » (`sans_voiture=1`, `no_car=true`): only the offers reached
    /// by coach, train and walking, Monday morning and back on Friday evening.
    pub no_car: bool,
    /// Sorted by the weekly trip (`tri=trajet`, `sort=weekly_trip`); `sort` is then
    /// `Distance`, the order in which the index gives the offers examined.
    pub trip_sort: bool,
    pub page: u32,
    pub per_page: u32,
}

impl Default for CatalogueQuery {
    fn default() -> Self {
        Self {
            text: String::new(),
            near: None,
            radius_km: DEFAULT_RADIUS_KM,
            rome: Vec::new(),
            levels: Vec::new(),
            contract: None,
            rqth: false,
            new_only: false,
            start_from: None,
            start_to: None,
            sort: Sort::Relevance,
            no_car: false,
            trip_sort: false,
            page: 1,
            per_page: 20,
        }
    }
}

/// Which parameter names a query string uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `/offres?q=&commune=&rayon=&metier=&niveau=&contrat=&rqth=&nouveau=&debut_min=&debut_max=&sans_voiture=&tri=&page=`
    Page,
    /// `/api/v1/offers?q=&near=&radius_km=&rome=&level=&contract=&rqth=&new=&start_from=&start_to=&no_car=&sort=&page=&per_page=`
    Api,
}

/// Why a query string was refused, and, for an ambiguous commune, the communes to choose from.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryProblem {
    pub message: String,
    pub choices: Vec<Near>,
}

impl QueryProblem {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            choices: Vec::new(),
        }
    }
}

struct Names {
    text: &'static str,
    near: &'static str,
    radius: &'static str,
    rome: &'static str,
    level: &'static str,
    contract: &'static str,
    rqth: &'static str,
    new: &'static str,
    start_from: &'static str,
    start_to: &'static str,
    no_car: &'static str,
    sort: &'static str,
    page: &'static str,
    per_page: &'static str,
}

const PAGE_NAMES: Names = Names {
    text: "q",
    near: "commune",
    radius: "rayon",
    rome: "metier",
    level: "niveau",
    contract: "contrat",
    rqth: "rqth",
    new: "nouveau",
    start_from: "debut_min",
    start_to: "debut_max",
    no_car: "sans_voiture",
    sort: "tri",
    page: "page",
    per_page: "par_page",
};

const API_NAMES: Names = Names {
    text: "q",
    near: "near",
    radius: "radius_km",
    rome: "rome",
    level: "level",
    contract: "contract",
    rqth: "rqth",
    new: "new",
    start_from: "start_from",
    start_to: "start_to",
    no_car: "no_car",
    sort: "sort",
    page: "page",
    per_page: "per_page",
};

impl CatalogueQuery {
    pub fn parse(raw: &str, style: ParamStyle, state: &AppState) -> Result<Self, QueryProblem> {
        let n = match style {
            ParamStyle::Page => &PAGE_NAMES,
            ParamStyle::Api => &API_NAMES,
        };
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw)
            .map_err(|_| QueryProblem::new("L'adresse de la recherche est mal formée."))?;
        let all = |name: &str| -> Vec<&str> {
            pairs
                .iter()
                .filter(|(k, _)| k == name)
                .flat_map(|(_, v)| v.split(','))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .collect()
        };
        let one = |name: &str| all(name).into_iter().next();
        let mut q = CatalogueQuery::default();

        if let Some((_, t)) = pairs.iter().find(|(k, _)| k == n.text) {
            if t.chars().count() > 200 {
                return Err(QueryProblem::new(
                    "La recherche est trop longue : 200 caractères au plus.",
                ));
            }
            q.text = t.trim().to_owned();
        }
        if let Some(v) = pairs
            .iter()
            .find(|(k, _)| k == n.near)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
        {
            q.near = Some(match style {
                ParamStyle::Api => {
                    let code = CodeInsee::parse(v).map_err(|e| QueryProblem::new(e.message))?;
                    let commune = state.refs.communes.get(code.as_str()).ok_or_else(|| {
                        QueryProblem::new(format!("Aucune commune n'a le code INSEE {code}."))
                    })?;
                    Near::from(commune)
                }
                ParamStyle::Page => match state.refs.communes.resolve_in(v, &state.commune_focus())
                {
                    CommuneMatch::One(c) => Near::from(c),
                    CommuneMatch::Several(list) => {
                        return Err(QueryProblem {
                            message: format!(
                                "Plusieurs communes correspondent à « {v} » : choisissez la vôtre."
                            ),
                            choices: list
                                .into_iter()
                                .map(|c| Near {
                                    known_as: state.refs.communes.known_as(c, v).map(str::to_owned),
                                    ..Near::from(c)
                                })
                                .collect(),
                        });
                    }
                    CommuneMatch::None => {
                        return Err(QueryProblem::new(format!(
                            "Nous ne trouvons pas la commune « {v} ». Vérifiez l'orthographe ou tapez son code postal."
                        )));
                    }
                },
            });
        }
        if let Some(v) = one(n.radius) {
            q.radius_km = v
                .parse::<u32>()
                .ok()
                .filter(|r| *r <= MAX_RADIUS_KM)
                .ok_or_else(|| {
                    QueryProblem::new(format!(
                        "Le rayon doit être un nombre de kilomètres entre 0 et {MAX_RADIUS_KM}."
                    ))
                })?;
        }
        for v in all(n.rome) {
            let code = CodeRome::parse(v).map_err(|e| QueryProblem::new(e.message))?;
            if state.refs.rome.get(code.as_str()).is_none() {
                return Err(QueryProblem::new(format!(
                    "Le code ROME {code} n'existe pas."
                )));
            }
            q.rome.push(code);
        }
        for v in all(n.level) {
            q.levels
                .push(NiveauDiplome::parse(v).map_err(|e| QueryProblem::new(e.message))?);
        }
        if let Some(v) = one(n.contract) {
            q.contract = Some(ContractType::parse(v).map_err(|e| QueryProblem::new(e.message))?);
        }
        q.rqth = flag(one(n.rqth), n.rqth)?;
        q.new_only = flag(one(n.new), n.new)?;
        q.start_from = one(n.start_from)
            .map(|v| date(v, n.start_from))
            .transpose()?;
        q.start_to = one(n.start_to).map(|v| date(v, n.start_to)).transpose()?;
        if let (Some(a), Some(b)) = (q.start_from, q.start_to) {
            if a > b {
                return Err(QueryProblem::new(
                    "La date de début minimale est après la date maximale.",
                ));
            }
        }
        q.no_car = flag(one(n.no_car), n.no_car)?;
        if let Some(v) = one(n.sort) {
            q.sort = match v {
                "relevance" | "pertinence" => Sort::Relevance,
                "distance" => Sort::Distance,
                "date" => Sort::Date,
                "trajet" | "weekly_trip" => {
                    q.trip_sort = true;
                    Sort::Distance
                }
                _ => {
                    return Err(QueryProblem::new(format!(
                        "Tri inconnu « {v} » : choisissez {}.",
                        if style == ParamStyle::Api {
                            "relevance, distance, date ou weekly_trip"
                        } else {
                            "pertinence, distance, date ou trajet"
                        }
                    )));
                }
            };
        } else if style == ParamStyle::Page && q.near.is_some() {
            // A young person who gives their commune wants what they can reach: nearest first.
            q.sort = Sort::Distance;
        }
        // The trips are measured from the young person's commune: without it, nothing to measure.
        if q.near.is_none() {
            let ask = match style {
                ParamStyle::Page => "indiquez votre commune",
                ParamStyle::Api => "donnez near (le code INSEE de la commune)",
            };
            if q.no_car {
                return Err(QueryProblem::new(format!(
                    "Pour voir les offres atteignables sans voiture, {ask} : les trajets partent de chez vous."
                )));
            }
            if q.trip_sort {
                return Err(QueryProblem::new(format!(
                    "Pour trier par trajet de la semaine, {ask} : les trajets partent de chez vous."
                )));
            }
        }
        if q.sort == Sort::Distance && q.near.is_none() {
            return Err(QueryProblem::new(
                "Le tri par distance demande une commune de départ.",
            ));
        }
        if let Some(v) = one(n.page) {
            q.page = v
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=MAX_PAGE).contains(p))
                .ok_or_else(|| {
                    QueryProblem::new(format!(
                        "Le numéro de page doit être entre 1 et {MAX_PAGE}."
                    ))
                })?;
        }
        if let Some(v) = one(n.per_page) {
            q.per_page = v
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=MAX_PER_PAGE).contains(p))
                .ok_or_else(|| {
                    QueryProblem::new(format!(
                        "Le nombre de résultats par page doit être entre 1 et {MAX_PER_PAGE}."
                    ))
                })?;
        }
        Ok(q)
    }

    /// Whether the search goes through the trip stage (reachability, weekly trips), which
    /// looks at the offers the index found, up to a limit, rather than one page of them.
    pub fn needs_trips(&self) -> bool {
        self.no_car || self.trip_sort
    }

    /// The query string of this search in page style, for links ("voir plus", filters).
    pub fn page_query(&self, page: u32) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        if let Some(n) = &self.near {
            pairs.push(("commune", n.key.clone()));
            pairs.push(("rayon", self.radius_km.to_string()));
        }
        for r in &self.rome {
            pairs.push(("metier", r.to_string()));
        }
        for l in &self.levels {
            pairs.push(("niveau", l.get().to_string()));
        }
        if let Some(c) = self.contract {
            pairs.push(("contrat", c.as_str().to_owned()));
        }
        if self.rqth {
            pairs.push(("rqth", "1".into()));
        }
        if self.new_only {
            pairs.push(("nouveau", "1".into()));
        }
        if let Some(d) = self.start_from {
            pairs.push(("debut_min", d.to_string()));
        }
        if let Some(d) = self.start_to {
            pairs.push(("debut_max", d.to_string()));
        }
        if self.no_car {
            pairs.push(("sans_voiture", "1".into()));
        }
        match self.sort {
            _ if self.trip_sort => pairs.push(("tri", "trajet".into())),
            Sort::Relevance if self.near.is_some() => pairs.push(("tri", "pertinence".into())),
            Sort::Relevance => {}
            Sort::Distance => pairs.push(("tri", "distance".into())),
            Sort::Date => pairs.push(("tri", "date".into())),
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

fn flag(v: Option<&str>, name: &str) -> Result<bool, QueryProblem> {
    match v.map(str::to_lowercase).as_deref() {
        None | Some("false" | "0" | "non" | "off") => Ok(false),
        Some("true" | "1" | "oui" | "on") => Ok(true),
        Some(other) => Err(QueryProblem::new(format!(
            "« {other} » : le paramètre {name} vaut true ou false."
        ))),
    }
}

fn date(v: &str, name: &str) -> Result<NaiveDate, QueryProblem> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
        QueryProblem::new(format!(
            "« {v} » : le paramètre {name} attend une date AAAA-MM-JJ."
        ))
    })
}
