//! Public transport benchmark (not a test): a synthetic GTFS feed of a region's size (5 000
//! stops, about 300 000 stop times, written as a ZIP and read through the importer), then the
//! time of one earliest-arrival query between two random communes and of the reachability of
//! the 20 offers of a results page from one commune (one RAPTOR run towards the 20 offers, as
//! the results page makes it; 20 runs one offer at a time for comparison). Aims: a query under
//! 5 ms, a page under 50 ms. Also counts the allocations of a query (the labels are reused
//! from one query to the next: none once warmed).
//!
//! `cargo run --release -p tremplin-bench --bin tremplin-transport [-- --stops 5000 --stop-times 300000]`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use chrono::NaiveDate;
use tremplin_transport::gtfs::write_zip;
use tremplin_transport::{
    Ends, Network, Settings, best_journey_by, earliest_arrival, earliest_arrival_by,
    earliest_arrivals, read_zip,
};

/// Counts allocations, to show what a query allocates.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is System's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above, that is from System.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Monday from 5 h, arriving by noon: what the results page and the offer page ask.
const FROM: i32 = 5 * 3600;
const BY: i32 = 12 * 3600;

/// xorshift64*: the same feed on every run, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn clock(secs: u32) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Towns over a region of Normandy's size (≈ 250 × 140 km), five stops each within 600 m;
/// lines going from town to a nearby town, with runs from 5 h to 21 h both ways.
fn synthetic_feed(stops: usize, stop_times: usize) -> (Vec<u8>, Vec<(f64, f64)>) {
    let mut rng = Rng(0x5EED_CAFE);
    let towns = stops / 5;
    let centres: Vec<(f64, f64)> = (0..towns)
        .map(|_| (48.2 + rng.unit() * 1.3, -1.9 + rng.unit() * 3.4))
        .collect();
    let mut stop_rows = String::from("stop_id,stop_name,stop_lat,stop_lon\n");
    for (t, (lat, lon)) in centres.iter().enumerate() {
        for s in 0..5 {
            let (dlat, dlon) = ((rng.unit() - 0.5) * 0.01, (rng.unit() - 0.5) * 0.015);
            stop_rows.push_str(&format!(
                "S{t}-{s},Bourg {t} arrêt {s},{:.5},{:.5}\n",
                lat + dlat,
                lon + dlon
            ));
        }
    }
    // The 8 nearest towns of each: lines hop between neighbours, as coach lines do.
    let near: Vec<Vec<usize>> = centres
        .iter()
        .map(|a| {
            let mut by: Vec<(f64, usize)> = centres
                .iter()
                .enumerate()
                .map(|(j, b)| ((a.0 - b.0).powi(2) + ((a.1 - b.1) * 0.66).powi(2), j))
                .collect();
            by.sort_by(|x, y| x.0.total_cmp(&y.0));
            by.iter().skip(1).take(8).map(|(_, j)| *j).collect()
        })
        .collect();
    let mut routes = String::from("route_id,route_short_name,route_long_name,route_type\n");
    let mut trips = String::from("route_id,service_id,trip_id\n");
    let mut times = String::from("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
    let (mut written, mut r) = (0usize, 0usize);
    while written < stop_times {
        // A line of 12 to 28 stops through neighbouring towns.
        let len = 12 + rng.below(17);
        let mut town = rng.below(towns);
        let mut seq: Vec<String> = Vec::new();
        let mut visited = vec![town];
        while seq.len() < len {
            seq.push(format!("S{town}-{}", rng.below(5)));
            let next = near[town]
                .iter()
                .copied()
                .find(|t| !visited.contains(t))
                .unwrap_or(near[town][rng.below(8)]);
            visited.push(next);
            town = next;
        }
        routes.push_str(&format!("R{r},{r},Ligne {r},3\n"));
        let runs = 8 + rng.below(10);
        for run in 0..runs {
            for dir in 0..2 {
                let trip = format!("R{r}-{run}-{dir}");
                trips.push_str(&format!("R{r},SEMAINE,{trip}\n"));
                let mut t =
                    5 * 3600 + (run as u32 * 16 * 3600 / runs as u32) + rng.below(900) as u32;
                let order: Vec<&String> = if dir == 0 {
                    seq.iter().collect()
                } else {
                    seq.iter().rev().collect()
                };
                for (i, s) in order.iter().enumerate() {
                    times.push_str(&format!("{trip},{},{},{s},{}\n", clock(t), clock(t), i + 1));
                    t += 120 + rng.below(480) as u32;
                    written += 1;
                }
            }
        }
        r += 1;
    }
    let calendar = "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
                    SEMAINE,1,1,1,1,1,0,0,20260101,20271231\n";
    let zip = write_zip(&[
        ("stops.txt", stop_rows.as_bytes()),
        ("routes.txt", routes.as_bytes()),
        ("trips.txt", trips.as_bytes()),
        ("stop_times.txt", times.as_bytes()),
        ("calendar.txt", calendar.as_bytes()),
    ]);
    (zip, centres)
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let stops = arg("--stops", 5000);
    let stop_times = arg("--stop-times", 300_000);
    let t = Instant::now();
    let (zip, towns) = synthetic_feed(stops, stop_times);
    println!(
        "flux synthétique : {:.1} Mo (ZIP), écrit en {:.0} ms",
        zip.len() as f64 / 1e6,
        ms(t.elapsed())
    );
    let t = Instant::now();
    let feed = read_zip(&zip).expect("synthetic feed");
    println!(
        "lecture et contrôle du GTFS : {:.0} ms ({} arrêts, {} courses, {} passages)",
        ms(t.elapsed()),
        feed.stops.len(),
        feed.trips.len(),
        feed.stop_times.len()
    );
    let t = Instant::now();
    let net = Network::new(feed, Settings::default());
    println!(
        "réseau (correspondances à pied) : {:.0} ms",
        ms(t.elapsed())
    );
    let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let t = Instant::now();
    let day = net.day(monday);
    println!(
        "horaires du lundi : {:.0} ms ({} motifs, {} courses)",
        ms(t.elapsed()),
        day.patterns.len(),
        day.runs.len()
    );

    let mut rng = Rng(42);
    let mut pick = || towns[rng.below(towns.len())];
    let (mut single, mut bounded, mut tightened) = (Vec::new(), Vec::new(), Vec::new());
    let (mut found, mut allocs) = (0, Vec::new());
    for _ in 0..300 {
        let (a, b) = (pick(), pick());
        let t = Instant::now();
        let ends = Ends::between(&net, a, b);
        let j = earliest_arrival(&net, &day, &ends, FROM);
        single.push(ms(t.elapsed()));
        found += j.is_some_and(|j| j.arrive <= BY) as usize;
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let t = Instant::now();
        let ends = Ends::between(&net, a, b);
        let j = earliest_arrival_by(&net, &day, &ends, FROM, BY);
        bounded.push(ms(t.elapsed()));
        allocs.push(ALLOCATIONS.load(Ordering::Relaxed) - before);
        std::hint::black_box(j);
        let t = Instant::now();
        let _ = best_journey_by(&net, &day, &ends, FROM, BY);
        tightened.push(ms(t.elapsed()));
    }
    for v in [&mut single, &mut bounded, &mut tightened] {
        v.sort_by(f64::total_cmp);
    }
    allocs.sort();
    println!(
        "une arrivée au plus tôt (300 paires de communes, {found} reliées avant midi) : médiane {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        percentile(&single, 0.5),
        percentile(&single, 0.95),
        single[single.len() - 1]
    );
    println!(
        "la même, arrivée avant midi (comme les pages la demandent) : médiane {:.2} ms, p95 {:.2} ms, max {:.2} ms ; allocations par requête : médiane {}, max {}",
        percentile(&bounded, 0.5),
        percentile(&bounded, 0.95),
        bounded[bounded.len() - 1],
        allocs[allocs.len() / 2],
        allocs[allocs.len() - 1]
    );
    println!(
        "trajet de la page d'une offre (arrivée puis départ le plus tard) : médiane {:.2} ms, p95 {:.2} ms",
        percentile(&tightened, 0.5),
        percentile(&tightened, 0.95)
    );
    let (mut pages, mut one_by_one) = (Vec::new(), Vec::new());
    let mut agree = true;
    for _ in 0..50 {
        let home = pick();
        let offers: Vec<(f64, f64)> = (0..20).map(|_| pick()).collect();
        let t = Instant::now();
        let all = earliest_arrivals(&net, &day, home, &offers, FROM, BY);
        pages.push(ms(t.elapsed()));
        let t = Instant::now();
        let each: Vec<Option<i32>> = offers
            .iter()
            .map(|o| {
                let ends = Ends::between(&net, home, *o);
                earliest_arrival_by(&net, &day, &ends, FROM, BY).map(|j| j.arrive)
            })
            .collect();
        one_by_one.push(ms(t.elapsed()));
        agree &= all == each;
    }
    assert!(agree, "one run towards 20 offers disagrees with 20 runs");
    for v in [&mut pages, &mut one_by_one] {
        v.sort_by(f64::total_cmp);
    }
    println!(
        "atteignabilité des 20 offres d'une page, un seul calcul (50 pages) : médiane {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        percentile(&pages, 0.5),
        percentile(&pages, 0.95),
        pages[pages.len() - 1]
    );
    println!(
        "pour comparer, 20 calculs d'une offre chacun : médiane {:.1} ms, p95 {:.1} ms (mêmes arrivées)",
        percentile(&one_by_one, 0.5),
        percentile(&one_by_one, 0.95)
    );
}
