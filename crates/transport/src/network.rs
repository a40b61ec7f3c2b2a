//! A feed made ready for routing: the walks between nearby stops (built once), and the
//! timetable of one day (its trips grouped into patterns that never overtake, as RAPTOR
//! needs), built on demand for the days asked.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use crate::gtfs::Feed;

/// How people walk to, from and between stops. Defaults for a rural territory; a deployment
/// sets its own (configuration).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// The farthest a stop may be from the start or the end, straight line, in metres.
    pub max_walk_m: f64,
    /// Straight line × this = the distance walked (streets are not straight).
    pub detour_factor: f64,
    /// Walking speed, metres per second (1.2 m/s ≈ 4.3 km/h).
    pub walk_speed_m_s: f64,
    /// The farthest two stops may be, straight line, to change between them on foot.
    pub transfer_max_m: f64,
    /// Time kept between getting off and getting on the next coach, seconds.
    pub min_change_s: u32,
    /// At most this many vehicles in one journey (changes + 1).
    pub max_rides: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_walk_m: 1500.0,
            detour_factor: 1.3,
            walk_speed_m_s: 1.2,
            transfer_max_m: 400.0,
            min_change_s: 120,
            max_rides: 4,
        }
    }
}

impl Settings {
    /// Seconds to walk a straight-line distance.
    pub fn walk_secs(&self, metres: f64) -> i32 {
        (metres * self.detour_factor / self.walk_speed_m_s).ceil() as i32
    }
}

/// Great-circle distance, metres.
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

/// The feed and what does not depend on the day: stops sorted by latitude (to find those
/// near a point), walks between stops.
pub struct Network {
    pub feed: Feed,
    pub settings: Settings,
    by_lat: Vec<u32>,
    /// Walks from each stop: `walks[walk_start[s]..walk_start[s + 1]]`, (to, seconds).
    walk_start: Vec<u32>,
    walks: Vec<(u32, i32)>,
}

impl Network {
    pub fn new(feed: Feed, settings: Settings) -> Self {
        let mut by_lat: Vec<u32> = (0..feed.stops.len() as u32).collect();
        by_lat.sort_by(|a, b| {
            feed.stops[*a as usize]
                .lat
                .total_cmp(&feed.stops[*b as usize].lat)
        });
        let mut net = Self {
            feed,
            settings,
            by_lat,
            walk_start: Vec::new(),
            walks: Vec::new(),
        };
        let mut walk_start = Vec::with_capacity(net.feed.stops.len() + 1);
        let mut walks = Vec::new();
        for (i, s) in net.feed.stops.iter().enumerate() {
            walk_start.push(walks.len() as u32);
            for (j, secs) in net.near((s.lat, s.lon), settings.transfer_max_m) {
                if j as usize != i {
                    walks.push((j, secs));
                }
            }
        }
        walk_start.push(walks.len() as u32);
        net.walk_start = walk_start;
        net.walks = walks;
        net
    }

    /// Stops within `max_m` (straight line) of a point, with the seconds to walk there.
    pub fn near(&self, point: (f64, f64), max_m: f64) -> Vec<(u32, i32)> {
        let dlat = max_m / 111_000.0;
        let stops = &self.feed.stops;
        let from = self
            .by_lat
            .partition_point(|s| stops[*s as usize].lat < point.0 - dlat);
        self.by_lat[from..]
            .iter()
            .take_while(|s| stops[**s as usize].lat <= point.0 + dlat)
            .filter_map(|s| {
                let st = &stops[*s as usize];
                let d = distance_m(point, (st.lat, st.lon));
                (d <= max_m).then(|| (*s, self.settings.walk_secs(d)))
            })
            .collect()
    }

    /// Walks from a stop to the stops around it.
    pub fn walks_from(&self, stop: u32) -> &[(u32, i32)] {
        let s = stop as usize;
        &self.walks[self.walk_start[s] as usize..self.walk_start[s + 1] as usize]
    }

    /// The timetable of `date`: its trips, and the previous day's that run past midnight.
    pub fn day(&self, date: NaiveDate) -> Day {
        Day::build(&self.feed, date)
    }
}

/// One run of a trip on a day: which feed trip, and the seconds added to its GTFS times to
/// count from the day's midnight (−86 400 for the previous day's trips past midnight; the
/// start of each run for a trip of frequencies.txt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub trip: u32,
    pub shift: i32,
}

/// Trips with the same stops in the same order, none overtaking another: sorted by time at
/// every stop.
pub struct Pattern {
    pub route: u32,
    stops: (u32, u32),
    runs: (u32, u32),
}

/// A day's timetable in RAPTOR's layout.
pub struct Day {
    pub date: NaiveDate,
    pub patterns: Vec<Pattern>,
    pattern_stops: Vec<u32>,
    /// For run r of a pattern with n stops: `times[(first + r) * n + i]`... laid pattern by
    /// pattern: (arrival, departure), seconds from the day's midnight.
    times: Vec<(i32, i32)>,
    time_start: Vec<u32>,
    pub runs: Vec<Run>,
    /// Patterns through each stop with the stop's position in it.
    by_stop_start: Vec<u32>,
    by_stop: Vec<(u32, u32)>,
}

impl Day {
    fn build(feed: &Feed, date: NaiveDate) -> Self {
        let mut repeated: HashMap<u32, Vec<(u32, u32, u32)>> = HashMap::new();
        for f in &feed.frequencies {
            repeated
                .entry(f.trip)
                .or_default()
                .push((f.start, f.end, f.headway));
        }
        // The runs of the day, grouped by their stops.
        let mut groups: HashMap<(u32, Vec<u32>), Vec<Run>> = HashMap::new();
        for (offset, day) in [(-86_400i32, date - Duration::days(1)), (0, date)] {
            let running: Vec<bool> = feed.services.iter().map(|s| s.runs_on(day)).collect();
            for (t, trip) in feed.trips.iter().enumerate() {
                let calls = &feed.stop_times[trip.times.0 as usize..trip.times.1 as usize];
                if calls.len() < 2 || !running[trip.service as usize] {
                    continue;
                }
                let last = calls[calls.len() - 1].arrival as i32;
                let first = calls[0].departure as i32;
                let mut shifts = Vec::new();
                match repeated.get(&(t as u32)) {
                    None => shifts.push(offset),
                    Some(list) => {
                        for &(start, end, headway) in list {
                            let mut s = start;
                            while s < end {
                                shifts.push(offset + s as i32 - first);
                                s += headway;
                            }
                        }
                    }
                }
                let key = (trip.route, calls.iter().map(|c| c.stop).collect::<Vec<_>>());
                for shift in shifts {
                    if last + shift >= 0 {
                        groups.entry(key.clone()).or_default().push(Run {
                            trip: t as u32,
                            shift,
                        });
                    }
                }
            }
        }
        let mut day = Day {
            date,
            patterns: Vec::new(),
            pattern_stops: Vec::new(),
            times: Vec::new(),
            time_start: Vec::new(),
            runs: Vec::new(),
            by_stop_start: Vec::new(),
            by_stop: Vec::new(),
        };
        let mut groups: Vec<_> = groups.into_iter().collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        fn times_of<'f>(feed: &'f Feed, r: &Run) -> impl Iterator<Item = (i32, i32)> + 'f {
            let trip = &feed.trips[r.trip as usize];
            let shift = r.shift;
            feed.stop_times[trip.times.0 as usize..trip.times.1 as usize]
                .iter()
                .map(move |c| (c.arrival as i32 + shift, c.departure as i32 + shift))
        }
        for ((route, stops), mut runs) in groups {
            runs.sort_by_key(|r| times_of(feed, r).next().map(|t| t.1));
            // Split into patterns where no run overtakes the one before it.
            let mut parts: Vec<Vec<Run>> = Vec::new();
            for r in runs {
                let fits = |p: &Vec<Run>| {
                    let last = p.last().expect("parts are never empty");
                    times_of(feed, last)
                        .zip(times_of(feed, &r))
                        .all(|(a, b)| a.0 <= b.0 && a.1 <= b.1)
                };
                match parts.iter_mut().find(|p| fits(p)) {
                    Some(p) => p.push(r),
                    None => parts.push(vec![r]),
                }
            }
            for part in parts {
                let s0 = day.pattern_stops.len() as u32;
                day.pattern_stops.extend(&stops);
                let r0 = day.runs.len() as u32;
                day.time_start.push(day.times.len() as u32);
                for r in &part {
                    day.times.extend(times_of(feed, r));
                }
                day.runs.extend(part);
                day.patterns.push(Pattern {
                    route,
                    stops: (s0, day.pattern_stops.len() as u32),
                    runs: (r0, day.runs.len() as u32),
                });
            }
        }
        let mut by_stop: Vec<Vec<(u32, u32)>> = vec![Vec::new(); feed.stops.len()];
        for (p, pat) in day.patterns.iter().enumerate() {
            for (i, s) in day.pattern_stops[pat.stops.0 as usize..pat.stops.1 as usize]
                .iter()
                .enumerate()
            {
                by_stop[*s as usize].push((p as u32, i as u32));
            }
        }
        for list in by_stop {
            day.by_stop_start.push(day.by_stop.len() as u32);
            day.by_stop.extend(list);
        }
        day.by_stop_start.push(day.by_stop.len() as u32);
        day
    }

    pub fn stops_of(&self, p: u32) -> &[u32] {
        let pat = &self.patterns[p as usize];
        &self.pattern_stops[pat.stops.0 as usize..pat.stops.1 as usize]
    }

    pub fn run_count(&self, p: u32) -> u32 {
        let pat = &self.patterns[p as usize];
        pat.runs.1 - pat.runs.0
    }

    /// The run's index in [`Day::runs`].
    pub fn run_id(&self, p: u32, r: u32) -> u32 {
        self.patterns[p as usize].runs.0 + r
    }

    /// (arrival, departure) of run `r` of pattern `p` at its `i`-th stop.
    pub fn time(&self, p: u32, r: u32, i: u32) -> (i32, i32) {
        let n = self.stops_of(p).len() as u32;
        self.times[(self.time_start[p as usize] + r * n + i) as usize]
    }

    /// A pattern's stops and its runs' times, laid run by run, for a scan along the pattern
    /// without looking the pattern up at every stop.
    pub fn timetable(&self, p: u32) -> Timetable<'_> {
        let pat = &self.patterns[p as usize];
        let stops = &self.pattern_stops[pat.stops.0 as usize..pat.stops.1 as usize];
        let runs = pat.runs.1 - pat.runs.0;
        let start = self.time_start[p as usize] as usize;
        Timetable {
            stops,
            times: &self.times[start..start + runs as usize * stops.len()],
            runs,
            first_run: pat.runs.0,
        }
    }

    pub fn patterns_at(&self, stop: u32) -> &[(u32, u32)] {
        let s = stop as usize;
        &self.by_stop[self.by_stop_start[s] as usize..self.by_stop_start[s + 1] as usize]
    }

    /// Whether anything runs that day.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

/// One pattern of a day, as RAPTOR scans it.
#[derive(Clone, Copy)]
pub struct Timetable<'d> {
    pub stops: &'d [u32],
    times: &'d [(i32, i32)],
    pub runs: u32,
    /// The index in [`Day::runs`] of the pattern's first run.
    pub first_run: u32,
}

impl Timetable<'_> {
    /// (arrival, departure) of run `r` at the pattern's `i`-th stop.
    #[inline]
    pub fn at(&self, r: u32, i: u32) -> (i32, i32) {
        self.times[r as usize * self.stops.len() + i as usize]
    }
}
