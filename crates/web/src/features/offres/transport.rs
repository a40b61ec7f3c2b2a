//! "Y aller sans voiture" on the offer page: Monday's and Friday's trips between the young
//! person's commune (understood by the page from `?commune=`) and the company, from the
//! imported GTFS feed.

use crate::services::transport::{self, Reach, TripView};
use crate::shell::dates::french_day;
use crate::{AppState, WebError};

/// What the page shows; every case reads plainly, none breaks the page.
pub struct TransportBlock {
    /// A feed is imported: something is known.
    pub known: bool,
    /// The commune the trips start from, as named.
    pub home: Option<String>,
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

/// `home`: the young person's commune, as the page understood it (the trips section asks for
/// it); `work`: where the company is; `cfa_commune`: the commune of the offer's training
/// centre, if it has one (read with the offer).
pub async fn block(
    state: &AppState,
    home: Option<&tremplin_referentiels::Commune>,
    work: Option<(f64, f64)>,
    cfa_commune: Option<&str>,
) -> Result<TransportBlock, WebError> {
    let loaded = transport::network(state).await?;
    let mut b = TransportBlock {
        known: loaded.is_some(),
        home: None,
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
    let (Some(home), Some(work)) = (home, work) else {
        return Ok(b);
    };
    b.home = Some(home.name.clone());
    let today = crate::shell::dates::paris_today(state.clock.now());
    let from = (home.lat, home.lon);
    // The centre's commune (its address is not kept): where the weeks at school go.
    let cfa = cfa_commune
        .and_then(|c| state.refs.communes.get(c))
        .map(|k| (k.name.clone(), (k.lat, k.lon)));
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
