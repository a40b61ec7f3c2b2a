//! The earliest arrival checked against a brute force on random small networks: every stop,
//! every run, every pair of positions, until nothing improves.

use chrono::NaiveDate;
use proptest::prelude::*;
use tremplin_transport::gtfs::{Route, Service, Stop, StopTime, Trip};
use tremplin_transport::{
    Day, Ends, Feed, Leg, Network, Settings, best_journey, earliest_arrival, earliest_arrival_by,
    earliest_arrivals,
};

const NEVER: i32 = i32::MAX;

/// Earliest arrival at the end with at most `max_rides` vehicles, by trying everything:
/// labels by exact number of vehicles, every run boarded at every stop it serves when ready.
fn brute_force(net: &Network, day: &Day, ends: &Ends, depart: i32) -> Option<i32> {
    let s = &net.settings;
    let n = net.feed.stops.len();
    let mut any = vec![vec![NEVER; n]; s.max_rides + 1];
    for &(st, w) in &ends.access {
        any[0][st as usize] = any[0][st as usize].min(depart + w);
    }
    let mut best = ends.direct.map_or(NEVER, |w| depart + w);
    for k in 0..s.max_rides {
        let change = if k >= 1 { s.min_change_s as i32 } else { 0 };
        let mut ride = vec![NEVER; n];
        for run in &day.runs {
            let trip = &net.feed.trips[run.trip as usize];
            let calls: &[StopTime] =
                &net.feed.stop_times[trip.times.0 as usize..trip.times.1 as usize];
            for (i, c) in calls.iter().enumerate() {
                let at = any[k][c.stop as usize];
                if at == NEVER || (c.departure as i32 + run.shift) < at + change {
                    continue;
                }
                for d in &calls[i + 1..] {
                    let a = d.arrival as i32 + run.shift;
                    ride[d.stop as usize] = ride[d.stop as usize].min(a);
                }
            }
        }
        for st in 0..n {
            if ride[st] == NEVER {
                continue;
            }
            any[k + 1][st] = any[k + 1][st].min(ride[st]);
            for &(to, w) in net.walks_from(st as u32) {
                any[k + 1][to as usize] = any[k + 1][to as usize].min(ride[st] + w);
            }
        }
        for &(st, w) in &ends.egress {
            if any[k + 1][st as usize] != NEVER {
                best = best.min(any[k + 1][st as usize] + w);
            }
        }
    }
    (best != NEVER).then_some(best)
}

/// A route's stops, and its runs: (first departure, minutes between stops).
type RouteSpec = (Vec<u32>, Vec<(u32, Vec<u32>)>);

#[derive(Debug, Clone)]
struct Net {
    stops: Vec<(f64, f64)>,
    /// (stop sequence, runs: (first departure, minutes between stops))
    routes: Vec<RouteSpec>,
    from: (f64, f64),
    to: (f64, f64),
    depart: u32,
}

fn network() -> impl Strategy<Value = Net> {
    // Stops in three villages 6 to 11 km apart: in a village some within a change on foot of
    // each other; the start and the end near two stops (within walking distance of a few).
    let point = || {
        (0usize..3, -0.004f64..0.004, -0.006f64..0.006).prop_map(|(v, x, y)| {
            let (cx, cy) = [(0.0, 0.0), (0.05, 0.07), (0.1, 0.0)][v];
            (cx + x, cy + y)
        })
    };
    (4usize..12).prop_flat_map(move |n| {
        let stop = prop::collection::vec(point(), n);
        let route = (
            prop::collection::vec(0..n as u32, 2..4),
            prop::collection::vec((300u32..700, prop::collection::vec(0u32..40, 5)), 1..7),
        );
        let jitter = || (-0.005f64..0.005, -0.007f64..0.007);
        (
            stop,
            prop::collection::vec(route, 1..8),
            (0..n, jitter()),
            (0..n, jitter()),
            300u32..600,
        )
            .prop_map(|(stops, routes, (a, ja), (b, jb), depart)| {
                let stops: Vec<(f64, f64)> = stops
                    .into_iter()
                    .map(|(x, y)| (48.5 + x, 0.5 + y))
                    .collect();
                Net {
                    from: (stops[a].0 + ja.0, stops[a].1 + ja.1),
                    to: (stops[b].0 + jb.0, stops[b].1 + jb.1),
                    stops,
                    routes,
                    depart,
                }
            })
    })
}

fn build(net: &Net) -> Feed {
    let mut feed = Feed {
        stops: net
            .stops
            .iter()
            .enumerate()
            .map(|(i, (lat, lon))| Stop {
                id: format!("s{i}"),
                name: format!("Arrêt {i}"),
                lat: *lat,
                lon: *lon,
            })
            .collect(),
        services: vec![Service {
            id: "tous".into(),
            weekdays: [true; 7],
            start: NaiveDate::from_ymd_opt(2026, 1, 1),
            end: NaiveDate::from_ymd_opt(2027, 12, 31),
            ..Default::default()
        }],
        ..Default::default()
    };
    for (r, (stops, runs)) in net.routes.iter().enumerate() {
        let mut seq = stops.clone();
        seq.dedup();
        if seq.len() < 2 {
            continue;
        }
        feed.routes.push(Route {
            id: format!("r{r}"),
            name: format!("{r}"),
            long_name: String::new(),
            kind: 3,
        });
        for (t, (first, gaps)) in runs.iter().enumerate() {
            let start = feed.stop_times.len() as u32;
            let mut time = first * 60;
            for (i, s) in seq.iter().enumerate() {
                if i > 0 {
                    time += gaps[i % gaps.len()] * 60;
                }
                // A minute's stop at some stops: arrival and departure differ.
                let dwell = if i % 2 == 1 { 60 } else { 0 };
                feed.stop_times.push(StopTime {
                    stop: *s,
                    arrival: time,
                    departure: time + dwell,
                });
                time += dwell;
            }
            feed.trips.push(Trip {
                id: format!("r{r}t{t}"),
                route: feed.routes.len() as u32 - 1,
                service: 0,
                headsign: String::new(),
                times: (start, feed.stop_times.len() as u32),
            });
        }
    }
    feed
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, max_global_rejects: 100_000, ..ProptestConfig::default() })]

    #[test]
    fn the_earliest_arrival_is_the_brute_force_one(
        net in network(),
        rides in 1usize..4,
        change in 0u32..900,
    ) {
        // Too close, the journey is on foot: not what is tested here.
        prop_assume!(tremplin_transport::distance_m(net.from, net.to) > 2000.0);
        let feed = build(&net);
        let settings = Settings { max_rides: rides, min_change_s: change, ..Settings::default() };
        let network = Network::new(feed, settings);
        let d = network.day(day());
        let ends = Ends::between(&network, net.from, net.to);
        let depart = net.depart as i32 * 60;
        let found = earliest_arrival(&network, &d, &ends, depart);
        let expected = brute_force(&network, &d, &ends, depart);
        prop_assert_eq!(found.as_ref().map(|j| j.arrive), expected);
        if let Some(j) = found {
            // The journey itself holds together: legs in time order, rides within the limit.
            prop_assert!(j.rides().count() <= rides);
            let mut t = depart;
            for leg in &j.legs {
                match leg {
                    Leg::Walk { secs, .. } => t += secs,
                    Leg::Ride { depart, arrive, .. } => {
                        prop_assert!(*depart >= t, "boarded before reaching the stop");
                        t = *arrive;
                    }
                }
            }
            prop_assert!(t <= j.arrive);
            // Leaving later for the same arrival never arrives later.
            let late = best_journey(&network, &d, &ends, depart).unwrap();
            prop_assert_eq!(late.arrive, j.arrive);
            prop_assert!(late.depart >= j.depart);
        }
    }

    #[test]
    fn one_run_towards_many_ends_gives_each_end_its_own_earliest_arrival(
        net in network(),
        others in prop::collection::vec((0usize..12, -0.01f64..0.01, -0.014f64..0.014), 1..8),
        rides in 1usize..4,
        change in 0u32..900,
        by in 360u32..1440,
    ) {
        let feed = build(&net);
        let settings = Settings { max_rides: rides, min_change_s: change, ..Settings::default() };
        let network = Network::new(feed, settings);
        let d = network.day(day());
        // Ends near stops, near the start (on foot), and the first one twice.
        let mut ends = vec![net.to, net.from];
        for (i, dx, dy) in others {
            let s = net.stops[i % net.stops.len()];
            ends.push((s.0 + dx, s.1 + dy));
        }
        ends.push(net.to);
        let depart = net.depart as i32 * 60;
        let by = by as i32 * 60;
        let many = earliest_arrivals(&network, &d, net.from, &ends, depart, by);
        prop_assert_eq!(many.len(), ends.len());
        for (end, found) in ends.iter().zip(&many) {
            let one = Ends::between(&network, net.from, *end);
            let bounded = earliest_arrival_by(&network, &d, &one, depart, by).map(|j| j.arrive);
            prop_assert_eq!(*found, bounded, "end {:?}", end);
            // The bound only cuts: the unbounded search agrees up to it.
            let free = earliest_arrival(&network, &d, &one, depart).map(|j| j.arrive);
            prop_assert_eq!(*found, free.filter(|a| *a <= by));
        }
    }
}
