//! Earliest arrival between two points on one day: RAPTOR (Delling, Pajor, Werneck 2012),
//! round k finding the best arrivals with k vehicles. The start and the end are points (a
//! commune's centre, a company): the journey walks to a stop within the set distance, rides,
//! changes on foot between stops close to each other, and walks to the end.

use std::cell::RefCell;

use crate::network::{Day, Network, Settings, distance_m};

const NEVER: i32 = i32::MAX;

/// One part of a journey.
#[derive(Debug, Clone, PartialEq)]
pub enum Leg {
    /// On foot, `from`/`to` a stop (None: the start or the end point).
    Walk {
        from: Option<u32>,
        to: Option<u32>,
        secs: i32,
    },
    /// On a vehicle: a run of [`Day::runs`], boarding and getting off at two stops.
    Ride {
        run: u32,
        from: u32,
        to: u32,
        depart: i32,
        arrive: i32,
    },
}

/// A journey on the day: leave at `depart`, arrive at `arrive` (seconds from the day's
/// midnight).
#[derive(Debug, Clone, PartialEq)]
pub struct Journey {
    pub depart: i32,
    pub arrive: i32,
    pub legs: Vec<Leg>,
}

impl Journey {
    pub fn rides(&self) -> impl Iterator<Item = &Leg> {
        self.legs.iter().filter(|l| matches!(l, Leg::Ride { .. }))
    }
}

/// How a stop was reached in a round, by any means (the label to board from).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Parent {
    None,
    /// Same label as the round before.
    Same,
    /// Walked from the start point.
    Start(i32),
    /// By the vehicle of this round's ride label.
    Ride,
    /// On foot from a stop reached by vehicle this round.
    Walk {
        from: u32,
        secs: i32,
    },
}

/// How a stop was reached by vehicle in a round: changes on foot start only from these, so a
/// walk never follows a walk, and a walk label never hides the vehicle label it could start from.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct RideParent {
    run: u32,
    pattern: u32,
    board: u32,
    alight: u32,
}

/// Where a journey starts: the stops near the start point with the time to walk there, the
/// stops near the end with the time to walk from them, and the time on foot all the way (if
/// within the walking distance).
pub struct Ends {
    pub access: Vec<(u32, i32)>,
    pub egress: Vec<(u32, i32)>,
    pub direct: Option<i32>,
}

impl Ends {
    pub fn between(net: &Network, from: (f64, f64), to: (f64, f64)) -> Self {
        let s = &net.settings;
        Self {
            access: net.near(from, s.max_walk_m),
            egress: net.near(to, s.max_walk_m),
            direct: on_foot(&net.settings, from, to),
        }
    }
}

/// Seconds on foot all the way, when within the walking distance.
fn on_foot(s: &Settings, from: (f64, f64), to: (f64, f64)) -> Option<i32> {
    let d = distance_m(from, to);
    (d <= s.max_walk_m).then(|| s.walk_secs(d))
}

/// The labels of one search, kept from one search to the next on the same thread: once the
/// arrays have the network's size, a search allocates nothing and refills only what it reads
/// before writing (round 0, the best arrivals, the marks). Rounds are laid one after another:
/// `round * n + stop`.
#[derive(Default)]
struct Labels {
    n: usize,
    rounds: usize,
    tau: Vec<i32>,
    parent: Vec<Parent>,
    ride_tau: Vec<i32>,
    ride_parent: Vec<RideParent>,
    walk_tau: Vec<i32>,
    walk_parent: Vec<(u32, i32)>,
    /// Best arrivals with at least one vehicle (the start's walks are not among them: one
    /// cannot walk to a stop and walk on to the end without riding, so they prune nothing).
    best: Vec<i32>,
    best_ride: Vec<i32>,
    marked: Vec<bool>,
    egress_of: Vec<i32>,
    /// For each pattern of the day, the first position to scan from (`u32::MAX`: not queued).
    queue: Vec<u32>,
    queued: Vec<u32>,
    rode: Vec<u32>,
    improved: Vec<u32>,
    walked: Vec<u32>,
}

impl Labels {
    fn reset(&mut self, n: usize, rounds: usize, patterns: usize) {
        if self.n != n || self.rounds != rounds {
            let size = (rounds + 1) * n;
            *self = Labels {
                n,
                rounds,
                tau: vec![NEVER; size],
                parent: vec![Parent::None; size],
                ride_tau: vec![NEVER; size],
                ride_parent: vec![RideParent::default(); size],
                walk_tau: vec![NEVER; size],
                walk_parent: vec![(0, 0); size],
                best: vec![NEVER; n],
                best_ride: vec![NEVER; n],
                marked: vec![false; n],
                egress_of: vec![NEVER; n],
                ..Labels::default()
            };
        } else {
            // Round k ≥ 1 is copied from round k − 1 before it is read; the ride and walk
            // labels of a round are read only where that round wrote them.
            self.tau[..n].fill(NEVER);
            self.parent[..n].fill(Parent::None);
            self.best.fill(NEVER);
            self.best_ride.fill(NEVER);
            self.marked.fill(false);
            self.egress_of.fill(NEVER);
        }
        self.queue.clear();
        self.queue.resize(patterns, u32::MAX);
    }
}

thread_local! {
    static LABELS: RefCell<Labels> = RefCell::new(Labels::default());
}

/// This thread's labels (fresh ones if a search is already using them).
fn with_labels<R>(f: impl FnOnce(&mut Labels) -> R) -> R {
    LABELS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut labels) => f(&mut labels),
        Err(_) => f(&mut Labels::default()),
    })
}

/// RAPTOR's rounds from the start's stops, leaving at `depart`, with at most
/// `settings.max_rides` vehicles. Labels at or after `*target` are dropped. With `single`, the
/// search is for one end (`egress_of`, the walks from the stops near it): `*target` falls to
/// the best arrival there as the rounds find it, and the answer says in which round, from
/// which stop and whether that stop was reached on foot.
fn run(
    l: &mut Labels,
    net: &Network,
    day: &Day,
    access: &[(u32, i32)],
    depart: i32,
    target: &mut i32,
    single: bool,
) -> Option<(usize, u32, bool)> {
    let settings: &Settings = &net.settings;
    let n = l.n;
    let Labels {
        tau,
        parent,
        ride_tau,
        ride_parent,
        walk_tau,
        walk_parent,
        best,
        best_ride,
        marked,
        egress_of,
        queue,
        queued,
        rode,
        improved,
        walked,
        ..
    } = l;
    let mut target_at: Option<(usize, u32, bool)> = None;
    for &(s, w) in access {
        let t = depart + w;
        if t < tau[s as usize] {
            tau[s as usize] = t;
            parent[s as usize] = Parent::Start(w);
            marked[s as usize] = true;
        }
    }
    for k in 1..=settings.max_rides {
        let change = if k >= 2 {
            settings.min_change_s as i32
        } else {
            0
        };
        let at = k * n;
        let (before, after) = tau.split_at_mut(at);
        let prev = &before[at - n..];
        let cur = &mut after[..n];
        cur.copy_from_slice(prev);
        parent[at..at + n].fill(Parent::Same);
        queued.clear();
        for (s, m) in marked.iter_mut().enumerate() {
            if std::mem::take(m) {
                for &(p, i) in day.patterns_at(s as u32) {
                    if queue[p as usize] == u32::MAX {
                        queued.push(p);
                    }
                    queue[p as usize] = queue[p as usize].min(i);
                }
            }
        }
        rode.clear();
        for &p in queued.iter() {
            let from = std::mem::replace(&mut queue[p as usize], u32::MAX);
            let tt = day.timetable(p);
            let mut on: Option<(u32, u32)> = None; // (run, boarded at)
            for i in from..tt.stops.len() as u32 {
                let s = tt.stops[i as usize] as usize;
                if let Some((r, b)) = on {
                    let (arr, _) = tt.at(r, i);
                    if arr < best_ride[s] && arr < *target {
                        best_ride[s] = arr;
                        best[s] = best[s].min(arr);
                        ride_tau[at + s] = arr;
                        ride_parent[at + s] = RideParent {
                            run: tt.first_run + r,
                            pattern: p,
                            board: b,
                            alight: i,
                        };
                        rode.push(s as u32);
                    }
                }
                if prev[s] == NEVER {
                    continue;
                }
                let ready = prev[s].saturating_add(change);
                if on.is_none_or(|(r, _)| ready <= tt.at(r, i).1) {
                    // Runs never overtake: the first one leaving at `ready` or later.
                    let first = partition(tt.runs, |r| tt.at(r, i).1 < ready);
                    if first < tt.runs && on.is_none_or(|(r, _)| first < r) {
                        on = Some((first, i));
                    }
                }
            }
        }
        improved.clear();
        for &s in rode.iter() {
            let a = ride_tau[at + s as usize];
            if a < cur[s as usize] {
                cur[s as usize] = a;
                parent[at + s as usize] = Parent::Ride;
                improved.push(s);
            }
        }
        // Changes on foot, from the stops reached by a vehicle this round.
        walked.clear();
        for &s in rode.iter() {
            let t = ride_tau[at + s as usize];
            for &(to, w) in net.walks_from(s) {
                let a = t + w;
                let to_ = to as usize;
                if a < best[to_] && a < *target {
                    best[to_] = a;
                    walk_tau[at + to_] = a;
                    walk_parent[at + to_] = (s, w);
                    walked.push(to);
                    if a < cur[to_] {
                        cur[to_] = a;
                        parent[at + to_] = Parent::Walk { from: s, secs: w };
                        improved.push(to);
                    }
                }
            }
        }
        for &s in improved.iter() {
            marked[s as usize] = true;
        }
        if single {
            let candidates = rode
                .iter()
                .map(|s| (*s, false))
                .chain(walked.iter().map(|s| (*s, true)));
            for (s, on_foot) in candidates {
                let e = egress_of[s as usize];
                let label = if on_foot { &walk_tau } else { &ride_tau }[at + s as usize];
                if e != NEVER && label.saturating_add(e) < *target {
                    *target = label + e;
                    target_at = Some((k, s, on_foot));
                }
            }
        }
        if rode.is_empty() {
            break;
        }
    }
    target_at
}

/// The earliest arrival at the end leaving the start at `depart` or later, with at most
/// `settings.max_rides` vehicles; among journeys arriving then, the one with fewest vehicles.
pub fn earliest_arrival(net: &Network, day: &Day, ends: &Ends, depart: i32) -> Option<Journey> {
    earliest_arrival_by(net, day, ends, depart, NEVER)
}

/// The same, for a journey arriving by `by` at the latest (a bound that spares the search
/// every label after it): None when none does.
pub fn earliest_arrival_by(
    net: &Network,
    day: &Day,
    ends: &Ends,
    depart: i32,
    by: i32,
) -> Option<Journey> {
    with_labels(|l| {
        l.reset(
            net.feed.stops.len(),
            net.settings.max_rides,
            day.patterns.len(),
        );
        for &(s, w) in &ends.egress {
            l.egress_of[s as usize] = l.egress_of[s as usize].min(w);
        }
        let limit = by.saturating_add(1);
        let walk = ends
            .direct
            .map(|w| depart.saturating_add(w))
            .filter(|a| *a < limit);
        let mut target = walk.unwrap_or(limit);
        match run(l, net, day, &ends.access, depart, &mut target, true) {
            Some(found) => Some(journey(l, day, depart, target, found)),
            None => walk.map(|arrive| Journey {
                depart,
                arrive,
                legs: vec![Leg::Walk {
                    from: None,
                    to: None,
                    secs: arrive - depart,
                }],
            }),
        }
    })
}

/// The earliest arrival at each of `ends` from `start`, leaving at `depart` or later, by `by`
/// at the latest (None for an end not reached by then): one RAPTOR run for all of them (the
/// labels do not depend on the end; each end then takes the best of the stops near it, or
/// the walk all the way). The same arrivals as [`earliest_arrival`] end by end.
pub fn earliest_arrivals(
    net: &Network,
    day: &Day,
    start: (f64, f64),
    ends: &[(f64, f64)],
    depart: i32,
    by: i32,
) -> Vec<Option<i32>> {
    let s = &net.settings;
    let access = net.near(start, s.max_walk_m);
    with_labels(|l| {
        l.reset(net.feed.stops.len(), s.max_rides, day.patterns.len());
        let limit = by.saturating_add(1);
        let mut target = limit;
        run(l, net, day, &access, depart, &mut target, false);
        ends.iter()
            .map(|&end| {
                let walk = on_foot(s, start, end).map_or(NEVER, |w| depart.saturating_add(w));
                let ride = net
                    .near(end, s.max_walk_m)
                    .into_iter()
                    .filter(|(stop, _)| l.best[*stop as usize] != NEVER)
                    .map(|(stop, w)| l.best[stop as usize] + w)
                    .min()
                    .unwrap_or(NEVER);
                Some(walk.min(ride)).filter(|a| *a < limit)
            })
            .collect()
    })
}

/// The journey found by [`run`] for one end, read back from the end to the start.
fn journey(
    l: &Labels,
    day: &Day,
    depart: i32,
    arrive: i32,
    (round, end, on_foot): (usize, u32, bool),
) -> Journey {
    let n = l.n;
    let mut legs = vec![Leg::Walk {
        from: Some(end),
        to: None,
        secs: l.egress_of[end as usize],
    }];
    let (mut k, mut s) = (round, end);
    let mut by_ride = true;
    if on_foot {
        let (from, secs) = l.walk_parent[k * n + s as usize];
        legs.push(Leg::Walk {
            from: Some(from),
            to: Some(s),
            secs,
        });
        s = from;
    }
    loop {
        if by_ride {
            let RideParent {
                run,
                pattern,
                board,
                alight,
            } = l.ride_parent[k * n + s as usize];
            let tt = day.timetable(pattern);
            let r = run - tt.first_run;
            let from = tt.stops[board as usize];
            legs.push(Leg::Ride {
                run,
                from,
                to: s,
                depart: tt.at(r, board).1,
                arrive: tt.at(r, alight).0,
            });
            s = from;
            k -= 1;
            by_ride = false;
            continue;
        }
        match l.parent[k * n + s as usize] {
            Parent::Same => k -= 1,
            Parent::Start(w) => {
                legs.push(Leg::Walk {
                    from: None,
                    to: Some(s),
                    secs: w,
                });
                break;
            }
            Parent::Ride => by_ride = true,
            Parent::Walk { from, secs } => {
                legs.push(Leg::Walk {
                    from: Some(from),
                    to: Some(s),
                    secs,
                });
                s = from;
                by_ride = true;
            }
            Parent::None => unreachable!("every label has its parent"),
        }
    }
    legs.reverse();
    let first_ride = legs.iter().find_map(|l| match l {
        Leg::Ride { depart, .. } => Some(*depart),
        _ => None,
    });
    let access = match legs.first() {
        Some(Leg::Walk { secs, .. }) => *secs,
        _ => 0,
    };
    Journey {
        depart: first_ride.map_or(depart, |d| d - access),
        arrive,
        legs,
    }
}

/// The first `i` in `0..n` for which `before(i)` is false (`before` true then false).
fn partition(n: u32, before: impl Fn(u32) -> bool) -> u32 {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The journey arriving as early as possible after leaving at `depart`, leaving as late as
/// possible for that arrival (nobody wants to wait an hour at the stop): the latest
/// departure, to the minute, with the same earliest arrival.
pub fn best_journey(net: &Network, day: &Day, ends: &Ends, depart: i32) -> Option<Journey> {
    best_journey_by(net, day, ends, depart, NEVER)
}

/// The same, arriving by `by` at the latest. Each later departure tried is a search bounded
/// by the arrival found first (only whether it still arrives then matters).
pub fn best_journey_by(
    net: &Network,
    day: &Day,
    ends: &Ends,
    depart: i32,
    by: i32,
) -> Option<Journey> {
    let first = earliest_arrival_by(net, day, ends, depart, by)?;
    let arrive = first.arrive;
    let (mut lo, mut hi) = (depart / 60, arrive / 60);
    // Leaving at lo*60 arrives at `arrive`; find the last minute that still does.
    while lo < hi {
        let mid = lo + (hi - lo + 1) / 2;
        match earliest_arrival_by(net, day, ends, mid * 60, arrive) {
            Some(_) => lo = mid,
            None => hi = mid - 1,
        }
    }
    if lo * 60 <= depart {
        return Some(first);
    }
    earliest_arrival_by(net, day, ends, lo * 60, arrive)
}
