//! "Y aller sans voiture" on the offer page: the young person's commune (`?commune=`, a name or
//! an INSEE code, or the searched commune the results' link carries), and Monday's and
//! Friday's trips between it and the company from the imported GTFS feed.

use tremplin_referentiels::CommuneMatch;

use crate::services::transport::{self, Reach, TripView};
use crate::shell::dates::french_day;
use crate::{AppState, WebError};

/// What the page shows; every case reads plainly, none breaks the page.
pub struct TransportBlock {
    /// A feed is imported: something is known.
    pub known: bool,
    /// The commune the trips start from, as named.
    pub home: Option<String>,
    /// What was typed, to fill the form again, and why it was not understood.
    pub typed: String,
    pub problem: Option<String>,
    pub no_service: bool,
    /// ("lundi 7 décembre", the trip)
    pub monday: Option<(String, TripView)>,
    pub friday: Option<(String, TripView)>,
    /// The Monday looked at.
    pub monday_label: String,
    /// The weeks at the training centre: its commune, Monday's trip there, Friday's back.
    pub cfa: Option<CfaTrips>,
    /// "le 2 décembre 2026": when the timetables were imported.
    pub imported: String,
    pub max_walk_km: String,
}

pub struct CfaTrips {
    pub commune: String,
    pub monday: Option<(String, TripView)>,
    pub friday: Option<(String, TripView)>,
}

/// `work`: where the company is; `cfa_id`: the offer's training centre, if it has one.
pub async fn block(
    state: &AppState,
    typed: Option<&str>,
    work: Option<(f64, f64)>,
    cfa_id: Option<i64>,
) -> Result<TransportBlock, WebError> {
    let loaded = transport::network(state).await?;
    let mut b = TransportBlock {
        known: loaded.is_some(),
        home: None,
        typed: typed.unwrap_or("").chars().take(100).collect(),
        problem: None,
        no_service: false,
        monday: None,
        friday: None,
        monday_label: String::new(),
        cfa: None,
        imported: String::new(),
        max_walk_km: String::new(),
    };
    let Some(loaded) = loaded else {
        return Ok(b);
    };
    b.imported = crate::shell::dates::paris_day(loaded.meta.imported_at);
    b.max_walk_km = format!("{:.1}", loaded.network.settings.max_walk_m / 1000.0).replace('.', ",");
    let Some(typed) = typed.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(b);
    };
    // An INSEE code as links carry it, else a name or a postcode as people type them.
    let home = match state.refs.communes.get(typed) {
        Some(c) => Some(c),
        None => match state
            .refs
            .communes
            .resolve_in(typed, &state.commune_focus())
        {
            CommuneMatch::One(c) => Some(c),
            CommuneMatch::Several(_) => {
                b.problem = Some(format!(
                    "Plusieurs communes correspondent à « {} » : précisez le département ou le code postal.",
                    b.typed
                ));
                None
            }
            CommuneMatch::None => {
                b.problem = Some(format!("Nous ne trouvons pas la commune « {} ».", b.typed));
                None
            }
        },
    };
    let (Some(home), Some(work)) = (home, work) else {
        return Ok(b);
    };
    b.home = Some(home.name.clone());
    let today = crate::shell::dates::paris_today(state.clock.now());
    let from = (home.lat, home.lon);
    // The centre's commune (its address is not kept): where the weeks at school go.
    let cfa = match cfa_id {
        Some(id) => state.store.training_centre(id).await?.and_then(|c| {
            state
                .refs
                .communes
                .get(&c.commune_code)
                .map(|k| (k.name.clone(), (k.lat, k.lon)))
        }),
        None => None,
    };
    let (reach, cfa_reach) = tokio::task::spawn_blocking(move || {
        let cfa = cfa.map(|(name, at)| (name, transport::week(&loaded, from, at, today)));
        (transport::week(&loaded, from, work, today), cfa)
    })
    .await
    .map_err(|e| WebError::Internal(format!("trajets interrompus : {e}")))?;
    let told = |t: TripView| (french_day(t.date), t);
    match reach {
        Reach::Unknown => b.known = false,
        Reach::NoService => b.no_service = true,
        Reach::Week {
            monday: day,
            trips: (monday, friday),
        } => {
            b.monday_label = french_day(day);
            b.monday = monday.map(told);
            b.friday = friday.map(told);
        }
    }
    if let Some((commune, Reach::Week { trips, .. })) = cfa_reach {
        b.cfa = Some(CfaTrips {
            commune,
            monday: trips.0.map(told),
            friday: trips.1.map(told),
        });
    }
    Ok(b)
}
