//! Earliest arrival between two points on one day: RAPTOR (Delling, Pajor, Werneck 2012),
//! round k finding the best arrivals with k vehicles. The start and the end are points (a
//! commune's centre, a company): the journey walks to a stop within the set distance, rides,
//! changes on foot between stops close to each other, and walks to the end.

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
#[derive(Debug, Clone, Copy, PartialEq)]
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
        let d = distance_m(from, to);
        Self {
            access: net.near(from, s.max_walk_m),
            egress: net.near(to, s.max_walk_m),
            direct: (d <= s.max_walk_m).then(|| s.walk_secs(d)),
        }
    }
}

/// The earliest arrival at the end leaving the start at `depart` or later, with at most
/// `settings.max_rides` vehicles; among journeys arriving then, the one with fewest vehicles.
pub fn earliest_arrival(net: &Network, day: &Day, ends: &Ends, depart: i32) -> Option<Journey> {
    let settings: &Settings = &net.settings;
    let n = net.feed.stops.len();
    let rounds = settings.max_rides;
    let mut tau: Vec<Vec<i32>> = vec![vec![NEVER; n]; rounds + 1];
    let mut parent: Vec<Vec<Parent>> = vec![vec![Parent::None; n]; rounds + 1];
    let mut ride_tau: Vec<Vec<i32>> = vec![vec![NEVER; n]; rounds + 1];
    let mut ride_parent: Vec<Vec<Option<RideParent>>> = vec![vec![None; n]; rounds + 1];
    let mut walk_tau: Vec<Vec<i32>> = vec![vec![NEVER; n]; rounds + 1];
    let mut walk_parent: Vec<Vec<(u32, i32)>> = vec![vec![(0, 0); n]; rounds + 1];
    // Best arrivals with at least one vehicle (the start's walks are not among them: one
    // cannot walk to a stop and walk on to the end without riding, so they prune nothing).
    let mut best = vec![NEVER; n];
    let mut best_ride = vec![NEVER; n];
    let mut marked = vec![false; n];
    let mut egress_of = vec![NEVER; n];
    for &(s, w) in &ends.egress {
        egress_of[s as usize] = egress_of[s as usize].min(w);
    }
    // The best arrival at the end so far, in which round, from which stop.
    let mut target = ends.direct.map_or(NEVER, |w| depart.saturating_add(w));
    // (round, stop, reached on foot)
    let mut target_at: Option<(usize, u32, bool)> = None;
    for &(s, w) in &ends.access {
        let t = depart + w;
        if t < tau[0][s as usize] {
            tau[0][s as usize] = t;
            parent[0][s as usize] = Parent::Start(w);
            marked[s as usize] = true;
        }
    }
    let mut queue: Vec<u32> = vec![u32::MAX; day.patterns.len()];
    let mut queued: Vec<u32> = Vec::new();
    for k in 1..=rounds {
        let change = if k >= 2 {
            settings.min_change_s as i32
        } else {
            0
        };
        let (before, after) = tau.split_at_mut(k);
        let prev = &before[k - 1];
        let cur = &mut after[0];
        cur.copy_from_slice(prev);
        parent[k].fill(Parent::Same);
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
        let mut rode: Vec<u32> = Vec::new();
        for &p in &queued {
            let from = std::mem::replace(&mut queue[p as usize], u32::MAX);
            let stops = day.stops_of(p);
            let runs = day.run_count(p);
            let mut on: Option<(u32, u32)> = None; // (run, boarded at)
            for i in from..stops.len() as u32 {
                let s = stops[i as usize] as usize;
                if let Some((r, b)) = on {
                    let (arr, _) = day.time(p, r, i);
                    if arr < best_ride[s] && arr < target {
                        best_ride[s] = arr;
                        best[s] = best[s].min(arr);
                        ride_tau[k][s] = arr;
                        ride_parent[k][s] = Some(RideParent {
                            run: day.run_id(p, r),
                            pattern: p,
                            board: b,
                            alight: i,
                        });
                        rode.push(s as u32);
                    }
                }
                if prev[s] == NEVER {
                    continue;
                }
                let ready = prev[s].saturating_add(change);
                if on.is_none_or(|(r, _)| ready <= day.time(p, r, i).1) {
                    // Runs never overtake: the first one leaving at `ready` or later.
                    let first = partition(runs, |r| day.time(p, r, i).1 < ready);
                    if first < runs && on.is_none_or(|(r, _)| first < r) {
                        on = Some((first, i));
                    }
                }
            }
        }
        let mut improved: Vec<u32> = Vec::new();
        for &s in &rode {
            let a = ride_tau[k][s as usize];
            if a < cur[s as usize] {
                cur[s as usize] = a;
                parent[k][s as usize] = Parent::Ride;
                improved.push(s);
            }
        }
        // Changes on foot, from the stops reached by a vehicle this round.
        let mut walked: Vec<u32> = Vec::new();
        for &s in &rode {
            let t = ride_tau[k][s as usize];
            for &(to, w) in net.walks_from(s) {
                let a = t + w;
                let to_ = to as usize;
                if a < best[to_] && a < target {
                    best[to_] = a;
                    walk_tau[k][to_] = a;
                    walk_parent[k][to_] = (s, w);
                    walked.push(to);
                    if a < cur[to_] {
                        cur[to_] = a;
                        parent[k][to_] = Parent::Walk { from: s, secs: w };
                        improved.push(to);
                    }
                }
            }
        }
        for &s in &improved {
            marked[s as usize] = true;
        }
        let candidates = rode
            .iter()
            .map(|s| (*s, false))
            .chain(walked.iter().map(|s| (*s, true)));
        for (s, on_foot) in candidates {
            let e = egress_of[s as usize];
            let label = if on_foot { &walk_tau } else { &ride_tau }[k][s as usize];
            if e != NEVER && label.saturating_add(e) < target {
                target = label + e;
                target_at = Some((k, s, on_foot));
            }
        }
        if rode.is_empty() {
            break;
        }
    }
    if target == NEVER {
        return None;
    }
    let Some((round, end, on_foot)) = target_at else {
        let secs = ends.direct?;
        return Some(Journey {
            depart,
            arrive: depart + secs,
            legs: vec![Leg::Walk {
                from: None,
                to: None,
                secs,
            }],
        });
    };
    // Back from the end to the start.
    let mut legs = vec![Leg::Walk {
        from: Some(end),
        to: None,
        secs: egress_of[end as usize],
    }];
    let (mut k, mut s) = (round, end);
    let mut by_ride = true;
    if on_foot {
        let (from, secs) = walk_parent[k][s as usize];
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
            } = ride_parent[k][s as usize].expect("a ride label has its ride");
            let r = run - day.run_id(pattern, 0);
            let from = day.stops_of(pattern)[board as usize];
            legs.push(Leg::Ride {
                run,
                from,
                to: s,
                depart: day.time(pattern, r, board).1,
                arrive: day.time(pattern, r, alight).0,
            });
            s = from;
            k -= 1;
            by_ride = false;
            continue;
        }
        match parent[k][s as usize] {
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
    Some(Journey {
        depart: first_ride.map_or(depart, |d| d - access),
        arrive: target,
        legs,
    })
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
    let first = earliest_arrival(net, day, ends, depart)?;
    let arrive = first.arrive;
    let (mut lo, mut hi) = (depart / 60, arrive / 60);
    // Leaving at lo*60 arrives at `arrive`; find the last minute that still does.
    while lo < hi {
        let mid = lo + (hi - lo + 1) / 2;
        match earliest_arrival(net, day, ends, mid * 60) {
            Some(j) if j.arrive <= arrive => lo = mid,
            _ => hi = mid - 1,
        }
    }
    if lo * 60 <= depart {
        return Some(first);
    }
    earliest_arrival(net, day, ends, lo * 60)
}
