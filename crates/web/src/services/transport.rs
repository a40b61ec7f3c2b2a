//! Public transport: the GTFS feed imported into the database, the network every instance
//! builds from it (rebuilt when another import changes it, within a scheduler round), and the
//! week's two trips an apprentice makes: Monday morning to work, Friday evening home.
//!
//! Monday: the earliest arrival leaving home from 5 h, and, for that arrival, the latest
//! departure (nobody wants to wait an hour at the stop). Friday: the earliest arrival home
//! leaving work from 17 h. A trip must arrive by noon on Monday, by midnight on Friday.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use tremplin_storage::{NewTransportFeed, Store, StoreError, TransportFeed};
use tremplin_transport::{Day, Ends, GtfsError, Journey, Leg, Network, Settings, best_journey};

use crate::AppState;

/// When the week's trips are looked for, seconds after midnight.
pub const MONDAY_FROM: i32 = 5 * 3600;
pub const MONDAY_BY: i32 = 12 * 3600;
pub const FRIDAY_FROM: i32 = 17 * 3600;
pub const FRIDAY_BY: i32 = 24 * 3600;
/// How many Mondays ahead a day with service is looked for (school holidays, a feed that
/// starts later).
const MONDAYS_AHEAD: i64 = 8;

/// This instance's view of the feed: none yet, or the network built from the stored one.
#[derive(Default)]
pub struct Transport {
    settings: RwLock<Option<Settings>>,
    loaded: RwLock<Option<Arc<Loaded>>>,
    checked: AtomicBool,
}

/// A feed read from the database, with the days already built.
pub struct Loaded {
    pub meta: TransportFeed,
    pub network: Network,
    days: Mutex<Vec<(NaiveDate, Arc<Day>)>>,
}

impl Loaded {
    /// The timetable of a day, built once (a few days are kept: the next Monday and Friday).
    pub fn day(&self, date: NaiveDate) -> Arc<Day> {
        let mut days = self.days.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, d)) = days.iter().find(|(d, _)| *d == date) {
            return d.clone();
        }
        let day = Arc::new(self.network.day(date));
        if days.len() >= 6 {
            days.remove(0);
        }
        days.push((date, day.clone()));
        day
    }
}

impl Transport {
    /// Walking distances and speeds for this deployment (configuration); defaults otherwise.
    pub fn configure(&self, settings: Settings) {
        *self.settings.write().unwrap_or_else(|e| e.into_inner()) = Some(settings);
    }

    fn settings(&self) -> Settings {
        self.settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or_default()
    }

    fn get(&self) -> Option<Arc<Loaded>> {
        self.loaded
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Refused(#[from] GtfsError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks a feed whole, then replaces the stored one in one transaction: a refused file
/// changes nothing. The stored copy keeps only the files routing reads.
pub async fn import(
    store: &Store,
    name: &str,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<TransportFeed, ImportError> {
    let (feed, packed) = tokio::task::spawn_blocking(move || {
        let feed = tremplin_transport::read_zip(&bytes)?;
        let packed = tremplin_transport::repack(&bytes)?;
        Ok::<_, GtfsError>((feed, packed))
    })
    .await
    .map_err(|e| GtfsError(format!("lecture du flux interrompue : {e}")))??;
    let validity = feed.validity();
    let new = NewTransportFeed {
        name,
        imported_at: now,
        stops: feed.stops.len() as i64,
        trips: feed.trips.len() as i64,
        stop_times: feed.stop_times.len() as i64,
        valid_from: validity.map(|v| v.0),
        valid_to: validity.map(|v| v.1),
        data: &packed,
    };
    let id = store.replace_transport_feed(&new).await?;
    Ok(TransportFeed {
        id,
        name: name.to_owned(),
        imported_at: now,
        stops: new.stops,
        trips: new.trips,
        stop_times: new.stop_times,
        valid_from: new.valid_from,
        valid_to: new.valid_to,
    })
}

/// Builds the network again when the stored feed is not the one this instance has (a cheap
/// query when nothing changed). Run at start and every scheduler round.
pub async fn refresh(state: &AppState) -> Result<(), StoreError> {
    let t = &state.transport;
    t.checked.store(true, Ordering::Relaxed);
    let meta = state.store.transport_feed().await?;
    let current = t.get().map(|l| l.meta.id);
    let Some(meta) = meta else {
        if current.is_some() {
            *t.loaded.write().unwrap_or_else(|e| e.into_inner()) = None;
        }
        return Ok(());
    };
    if current == Some(meta.id) {
        return Ok(());
    }
    let Some(data) = state.store.transport_feed_data(meta.id).await? else {
        return Ok(()); // replaced meanwhile: the next round reads the new one
    };
    let settings = t.settings();
    let built = tokio::task::spawn_blocking(move || {
        tremplin_transport::read_zip(&data).map(|feed| Network::new(feed, settings))
    })
    .await;
    match built {
        Ok(Ok(network)) => {
            tracing::info!(feed = %meta.name, stops = meta.stops, "réseau de transport chargé");
            *t.loaded.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(Loaded {
                meta,
                network,
                days: Mutex::new(Vec::new()),
            }));
        }
        Ok(Err(e)) => tracing::error!(cause = %e, "flux de transport en base illisible"),
        Err(e) => tracing::error!(cause = %e, "construction du réseau interrompue"),
    }
    Ok(())
}

/// The network, read from the database on first use.
pub async fn network(state: &AppState) -> Result<Option<Arc<Loaded>>, StoreError> {
    if !state.transport.checked.load(Ordering::Relaxed) {
        refresh(state).await?;
    }
    Ok(state.transport.get())
}

/// One trip as the offer page tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct TripView {
    pub date: NaiveDate,
    /// "6 h 42": when the first coach leaves (or the walk starts, on foot all the way).
    pub depart: String,
    pub from_stop: String,
    /// "ligne 20", "ligne 20 puis ligne 35"
    pub lines: String,
    pub arrive: String,
    pub to_stop: String,
    /// "12 min à pied jusqu'à l'arrêt", before the first coach.
    pub walk_before: Option<u32>,
    pub walk_after: Option<u32>,
    pub changes: usize,
    /// On foot all the way: no coach.
    pub on_foot: bool,
    /// "en car", "en train", "en car et en train", "à pied"
    pub mode: &'static str,
}

/// What the offer page says about getting there without a car.
#[derive(Debug, Clone, PartialEq)]
pub enum Reach {
    /// No feed imported: nothing is known.
    Unknown,
    /// The feed has no trip that week (or for the next weeks).
    NoService,
    /// The Monday looked at, and the trips found: (Monday morning, Friday evening).
    Week {
        monday: NaiveDate,
        trips: (Option<TripView>, Option<TripView>),
    },
}

/// The first Monday from `today` on which the feed runs, up to eight weeks ahead.
fn next_monday(loaded: &Loaded, today: NaiveDate) -> Option<NaiveDate> {
    let to_monday = (7 - today.weekday().num_days_from_monday() as i64) % 7;
    let first = today + Duration::days(to_monday);
    (0..MONDAYS_AHEAD)
        .map(|w| first + Duration::weeks(w))
        // The calendars say it without building the day's timetable.
        .find(|d| loaded.network.feed.services.iter().any(|s| s.runs_on(*d)))
}

/// Monday morning from `home` to `work`, Friday evening back, in the week from `today`.
pub fn week(loaded: &Loaded, home: (f64, f64), work: (f64, f64), today: NaiveDate) -> Reach {
    let Some(monday) = next_monday(loaded, today) else {
        return Reach::NoService;
    };
    let net = &loaded.network;
    let go = {
        let day = loaded.day(monday);
        let ends = Ends::between(net, home, work);
        best_journey(net, &day, &ends, MONDAY_FROM)
            .filter(|j| j.arrive <= MONDAY_BY)
            .map(|j| view(loaded, &day, &j, monday))
    };
    let friday = monday + Duration::days(4);
    let back = {
        let day = loaded.day(friday);
        let ends = Ends::between(net, work, home);
        tremplin_transport::earliest_arrival(net, &day, &ends, FRIDAY_FROM)
            .filter(|j| j.arrive <= FRIDAY_BY)
            .map(|j| view(loaded, &day, &j, friday))
    };
    Reach::Week {
        monday,
        trips: (go, back),
    }
}

/// Which of `places` a young person at `home` can reach without a car in the week from
/// `today`: there on Monday morning (by noon), home again on Friday evening (by midnight), by
/// coach, train and walking. Monday is one RAPTOR run for every place; Friday one query per
/// place reached on Monday (places are the same point for offers of one commune: asked once).
/// None when the feed runs no day in the next weeks.
pub fn reachable(
    loaded: &Loaded,
    home: (f64, f64),
    places: &[(f64, f64)],
    today: NaiveDate,
) -> Option<Vec<bool>> {
    let monday = next_monday(loaded, today)?;
    let net = &loaded.network;
    let mut distinct: Vec<(f64, f64)> = Vec::new();
    for p in places {
        if !distinct.iter().any(|d| same_point(*d, *p)) {
            distinct.push(*p);
        }
    }
    let go = {
        let day = loaded.day(monday);
        tremplin_transport::earliest_arrivals(net, &day, home, &distinct, MONDAY_FROM, MONDAY_BY)
    };
    let day = loaded.day(monday + Duration::days(4));
    let both: Vec<bool> = distinct
        .iter()
        .zip(go)
        .map(|(p, there)| {
            there.is_some() && {
                let ends = Ends::between(net, *p, home);
                tremplin_transport::earliest_arrival_by(net, &day, &ends, FRIDAY_FROM, FRIDAY_BY)
                    .is_some()
            }
        })
        .collect();
    Some(
        places
            .iter()
            .map(|p| {
                distinct
                    .iter()
                    .position(|d| same_point(*d, *p))
                    .is_some_and(|i| both[i])
            })
            .collect(),
    )
}

fn same_point(a: (f64, f64), b: (f64, f64)) -> bool {
    a.0.to_bits() == b.0.to_bits() && a.1.to_bits() == b.1.to_bits()
}

/// "6 h 42" (a time past midnight is told on the clock: "0 h 20").
pub fn clock(secs: i32) -> String {
    let m = secs.div_euclid(60);
    format!(
        "{} h {:02}",
        m.div_euclid(60).rem_euclid(24),
        m.rem_euclid(60)
    )
}

fn view(loaded: &Loaded, day: &Day, j: &Journey, date: NaiveDate) -> TripView {
    let feed = &loaded.network.feed;
    let stop = |s: u32| feed.stops[s as usize].name.clone();
    let minutes = |secs: i32| (secs.max(0) as u32).div_ceil(60);
    let mut rides = j.legs.iter().filter_map(|l| match l {
        Leg::Ride {
            run,
            from,
            to,
            depart,
            arrive,
        } => Some((*run, *from, *to, *depart, *arrive)),
        _ => None,
    });
    let first = rides.next();
    let Some(first) = first else {
        return TripView {
            date,
            depart: clock(j.depart),
            from_stop: String::new(),
            lines: String::new(),
            arrive: clock(j.arrive),
            to_stop: String::new(),
            walk_before: None,
            walk_after: Some(minutes(j.arrive - j.depart)),
            changes: 0,
            on_foot: true,
            mode: "à pied",
        };
    };
    let rest: Vec<_> = rides.collect();
    let last = rest.last().copied().unwrap_or(first);
    let mut lines: Vec<String> = Vec::new();
    let (mut trains, mut coaches) = (false, false);
    for (run, ..) in std::iter::once(first).chain(rest.iter().copied()) {
        let trip = &feed.trips[day.runs[run as usize].trip as usize];
        let route = &feed.routes[trip.route as usize];
        // GTFS route_type: 2 train, 100–117 the extended railway types.
        let train = route.kind == 2 || (100..=117).contains(&route.kind);
        trains |= train;
        coaches |= !train;
        lines.push(if train {
            format!("train {}", route.name)
        } else {
            format!("ligne {}", route.name)
        });
    }
    let mode = match (coaches, trains) {
        (true, true) => "en car et en train",
        (false, true) => "en train",
        _ => "en car",
    };
    let walk_before = match j.legs.first() {
        Some(Leg::Walk { secs, .. }) if *secs >= 60 => Some(minutes(*secs)),
        _ => None,
    };
    let walk_after = match j.legs.last() {
        Some(Leg::Walk { secs, .. }) if *secs >= 60 => Some(minutes(*secs)),
        _ => None,
    };
    TripView {
        date,
        depart: clock(first.3),
        from_stop: stop(first.1),
        lines: lines.join(" puis "),
        arrive: clock(last.4),
        to_stop: stop(last.2),
        walk_before,
        walk_after,
        changes: rest.len(),
        on_foot: false,
        mode,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_the_french_way() {
        assert_eq!(clock(6 * 3600 + 42 * 60), "6 h 42");
        assert_eq!(clock(24 * 3600 + 20 * 60), "0 h 20");
        assert_eq!(clock(-4 * 3600), "20 h 00");
    }
}
