//! The budget's work with no HTTP in it: the query read (the simulator's contract, the
//! communes, the expenses), prefilled from an offer, the pay computed and the budget built.
//! Nothing is stored.

use serde::Deserialize;
use tremplin_domain::Offer;
use tremplin_domain::budget::{self, Budget, BudgetInput, Mode};
use tremplin_domain::pay::{self, PayInput, Sector, Simulation};

use crate::services::simulateur::{self, SimQuery};
use crate::services::{trajets, typed};
use crate::{AppState, WebError};

/// The budget's own parameters as typed, all optional (the contract's are a [`SimQuery`]).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct BudgetQuery {
    pub offre: Option<String>,
    /// The workshop session the budget is built in (its short code), to share it there.
    pub atelier: Option<String>,
    /// Where the young person lives.
    pub commune: Option<String>,
    pub entreprise: Option<String>,
    pub cfa: Option<String>,
    pub transport: Option<String>,
    pub covoiturage: Option<String>,
    pub jours: Option<String>,
    pub rythme: Option<String>,
    pub logement: Option<String>,
    pub loyer: Option<String>,
    pub chambre: Option<String>,
    pub alimentation: Option<String>,
    pub telephone: Option<String>,
    pub assurance: Option<String>,
    pub loisirs: Option<String>,
    pub autres: Option<String>,
}

fn filled(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A public offer named by `offre`, or None (unknown, withdrawn, not a number: the page just
/// is not prefilled).
pub async fn offer(state: &AppState, q: &BudgetQuery) -> Result<Option<Offer>, WebError> {
    let Some(id) = filled(&q.offre).and_then(|v| v.parse::<i64>().ok()) else {
        return Ok(None);
    };
    Ok(state
        .store
        .get_offer(id)
        .await?
        .filter(|o| o.status.is_public()))
}

/// What the form shows before anything is typed: the contract and the places of the offer.
pub struct Prefill {
    pub sim: SimQuery,
    pub entreprise: Option<String>,
    pub cfa: Option<String>,
    pub cfa_name: Option<String>,
}

pub async fn prefill(
    state: &AppState,
    sim: &SimQuery,
    q: &BudgetQuery,
    offer: Option<&Offer>,
) -> Result<Prefill, WebError> {
    let mut sim = sim.clone();
    let (mut entreprise, mut cfa, mut cfa_name) = (
        filled(&q.entreprise).map(str::to_owned),
        filled(&q.cfa).map(str::to_owned),
        None,
    );
    if let Some(o) = offer {
        let f = &o.fields;
        let or = |v: &mut Option<String>, d: Option<String>| {
            if filled(v).is_none() {
                *v = d;
            }
        };
        or(&mut sim.contrat, Some(f.contract_type.as_str().to_owned()));
        or(&mut sim.debut, f.start.date().map(|d| d.to_string()));
        or(
            &mut sim.duree_mois,
            f.duration_months.map(|m| m.to_string()),
        );
        or(&mut sim.secteur, Some("prive".into()));
        or(&mut sim.niveau, f.level.map(|l| l.get().to_string()));
        if entreprise.is_none() {
            entreprise = Some(typed::commune_key(state, f.commune.as_str()));
        }
        if let Some(c) = trajets::cfas_for(state, o).await?.into_iter().next() {
            cfa_name = Some(c.centre.name.clone());
            if cfa.is_none() {
                cfa = Some(typed::commune_key(state, &c.centre.commune_code));
            }
        }
    }
    Ok(Prefill {
        sim,
        entreprise,
        cfa,
        cfa_name,
    })
}

fn amount(v: &Option<String>, label: &str) -> Result<f64, String> {
    match filled(v) {
        None => Ok(0.0),
        Some(s) => pay::parse_amount(&s.replace([' ', '\u{a0}', '€'], ""))
            .ok_or_else(|| format!("{label} : un montant en euros par mois (ex. 150 ou 150,50).")),
    }
}

fn small(v: &Option<String>, default: u32, message: &str) -> Result<u32, String> {
    match filled(v) {
        None => Ok(default),
        Some(s) => s.parse().map_err(|_| message.to_owned()),
    }
}

/// The budget computed, with the pay it is built on.
pub struct Computed {
    pub input: BudgetInput,
    pub pay: PayInput,
    pub sim: Simulation,
    pub budget: Budget,
}

/// Runs the budget: a French message for anything typed wrong (the page shows it above the
/// form, nothing is stored).
pub async fn run(
    state: &AppState,
    sim_q: &SimQuery,
    q: &BudgetQuery,
    pre: &Prefill,
) -> Result<Result<Computed, String>, WebError> {
    let pay_input = match sim_q.input(true) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let rules = simulateur::rules(state).await?;
    let sim = match pay::simulate(&pay_input, &rules) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e.message)),
    };
    let Some(first) = sim.months.first() else {
        return Ok(Err("Ce contrat n'a aucun mois à compter.".into()));
    };
    let point =
        |typed_commune: Option<&str>, what: &str| -> Result<Option<(f64, f64, bool)>, String> {
            match typed_commune {
                None => Ok(None),
                Some(t) => {
                    let code = typed::commune(state, t, what).map_err(|u| u.message)?;
                    Ok(state
                        .refs
                        .communes
                        .get(&code)
                        .map(|c| (c.lat, c.lon, c.approximate)))
                }
            }
        };
    let inner = || -> Result<BudgetInput, String> {
        let home = point(filled(&q.commune), "ta commune")?;
        let company = point(pre.entreprise.as_deref(), "la commune de l'entreprise")?;
        let cfa = point(pre.cfa.as_deref(), "la commune du CFA")?;
        let km = |b: Option<(f64, f64, bool)>| {
            home.zip(b)
                .map(|(a, b)| tremplin_domain::geo::haversine_km(a.0, a.1, b.0, b.1))
        };
        let mode = match filled(&q.transport) {
            None => Mode::Voiture,
            Some(m) => Mode::parse(m).map_err(|e| e.message)?,
        };
        let own_home = match filled(&q.logement) {
            None | Some("parents") => false,
            Some("loyer") => true,
            Some(_) => return Err("Où habites-tu : chez tes parents ou dans ton logement ?".into()),
        };
        BudgetInput {
            month: first.from,
            net: first.net,
            gross: first.gross,
            smic: first.smic,
            age: pay::age_on(pay_input.birth, first.from),
            private_employer: pay_input.sector == Sector::Prive,
            home_company_km: km(company),
            home_cfa_km: km(cfa),
            mode,
            carpool: small(
                &q.covoiturage,
                if mode == Mode::Covoiturage { 2 } else { 1 },
                "Le covoiturage se compte en personnes, de 1 à 8.",
            )?,
            days_per_week: small(
                &q.jours,
                5,
                "Les jours de travail par semaine : un nombre de 1 à 7.",
            )?,
            cfa_weeks_in_4: small(
                &q.rythme,
                1,
                "Le rythme : le nombre de semaines au CFA sur 4.",
            )?,
            own_home,
            housing: amount(&q.loyer, "Le logement")?,
            room: amount(&q.chambre, "La chambre près du CFA")?,
            food: amount(&q.alimentation, "L'alimentation")?,
            phone: amount(&q.telephone, "Le téléphone")?,
            insurance: amount(&q.assurance, "Les assurances")?,
            leisure: amount(&q.loisirs, "Les loisirs")?,
            other: amount(&q.autres, "Les autres dépenses")?,
        }
        .check()
        .map_err(|e| e.message)
    };
    let input = match inner() {
        Ok(i) => i,
        Err(e) => return Ok(Err(e)),
    };
    Ok(match budget::compute(&input, &rules) {
        Ok(b) => Ok(Computed {
            input,
            pay: pay_input,
            sim,
            budget: b,
        }),
        Err(e) => Err(e.message),
    })
}
