//! The GTFS reader on a small feed written by the test: calendars and their exceptions, a trip
//! past midnight, stops without a parent station, times left to interpolate, frequencies; and
//! malformed feeds, each refused with a French message naming the file and the line.

use std::io::Write;

use chrono::NaiveDate;
use tremplin_transport::{Ends, Leg, Network, Settings, earliest_arrival, read_zip, repack};

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

// Mortagne (M), a station (GARE) with one platform (A1), Bellême (B) and Alençon (C): only
// A1 has a parent station.
const STOPS: &str = "\u{feff}stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station
M,Mortagne - Place,48.5200,0.5470,,
GARE,Gare d'Alençon,48.4310,0.0920,1,
A1,Gare d'Alençon quai 1,48.4312,0.0921,0,GARE
B,Bellême - Mairie,48.3750,0.5600,0,
C,Alençon - Centre,48.4320,0.0930,,
";
const ROUTES: &str = "route_id,agency_id,route_short_name,route_long_name,route_type
R20,NOMAD,20,Mortagne - Alençon,3
RT,NOMAD,,TER Alençon - Le Mans,2
";
const TRIPS: &str = "route_id,service_id,trip_id,trip_headsign
R20,SEMAINE,T1,Alençon
R20,SEMAINE,NUIT,Alençon
R20,FERIE,T2,Alençon
R20,SEMAINE,NAVETTE,Alençon
";
// T1 leaves Mortagne at 6:42, passes Bellême (time left empty: interpolated) and reaches
// Alençon at 7:51. NUIT leaves at 23:50 and arrives at 24:20:00 (0:20 the next day).
const STOP_TIMES: &str = "trip_id,arrival_time,departure_time,stop_id,stop_sequence
T1,06:42:00,06:42:00,M,1
T1,,,B,2
T1,7:51:00,07:51:00,A1,3
NUIT,23:50:00,23:50:00,M,1
NUIT,24:20:00,24:20:00,A1,2
T2,10:00:00,10:00:00,M,1
T2,11:00:00,11:00:00,A1,2
NAVETTE,00:00:00,00:00:00,A1,1
NAVETTE,00:05:00,00:05:00,C,2
";
const CALENDAR: &str =
    "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date
SEMAINE,1,1,1,1,1,0,0,20260901,20270704
";
// No coach on Friday 25 December; a holiday service only on Saturday 26 December.
const CALENDAR_DATES: &str = "service_id,date,exception_type
SEMAINE,20261225,2
FERIE,20261226,1
";
const FREQUENCIES: &str = "trip_id,start_time,end_time,headway_secs
NAVETTE,07:00:00,08:00:00,1200
";

fn files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("stops.txt", STOPS),
        ("routes.txt", ROUTES),
        ("trips.txt", TRIPS),
        ("stop_times.txt", STOP_TIMES),
        ("calendar.txt", CALENDAR),
        ("calendar_dates.txt", CALENDAR_DATES),
        ("frequencies.txt", FREQUENCIES),
        (
            "shapes.txt",
            "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\n",
        ),
    ]
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn a_small_feed_reads_with_its_calendars_night_trip_and_stops_without_station() {
    let feed = read_zip(&zip_of(&files())).unwrap();
    // The station is not a stop; the platform and the stops without a parent are.
    let ids: Vec<&str> = feed.stops.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["M", "A1", "B", "C"]);
    assert_eq!(feed.stops[0].name, "Mortagne - Place");
    assert_eq!(feed.routes[0].name, "20");
    assert_eq!(
        feed.routes[1].name, "TER Alençon - Le Mans",
        "no short name: the long one"
    );
    let trip = |id: &str| feed.trips.iter().find(|t| t.id == id).unwrap();
    let times = |id: &str| {
        let t = trip(id);
        feed.stop_times[t.times.0 as usize..t.times.1 as usize].to_vec()
    };
    let t1 = times("T1");
    assert_eq!(t1.len(), 3);
    assert_eq!(t1[0].departure, 6 * 3600 + 42 * 60);
    // Bellême, left empty, halfway between 6:42 and 7:51 by position.
    assert_eq!(t1[1].arrival, (6 * 3600 + 42 * 60 + 7 * 3600 + 51 * 60) / 2);
    assert_eq!(times("NUIT")[1].arrival, 24 * 3600 + 20 * 60);
    let service = |id: &str| &feed.services[trip(id).service as usize];
    assert!(service("T1").runs_on(date(2026, 12, 7)), "a Monday");
    assert!(!service("T1").runs_on(date(2026, 12, 12)), "a Saturday");
    assert!(
        !service("T1").runs_on(date(2026, 12, 25)),
        "removed by calendar_dates"
    );
    assert!(!service("T1").runs_on(date(2027, 7, 5)), "after end_date");
    assert!(
        service("T2").runs_on(date(2026, 12, 26)),
        "only in calendar_dates"
    );
    assert!(!service("T2").runs_on(date(2026, 12, 27)));
    assert_eq!(feed.validity(), Some((date(2026, 9, 1), date(2027, 7, 4))));
    assert_eq!(feed.frequencies.len(), 1);
}

#[test]
fn the_day_holds_the_night_trip_of_the_day_before_and_the_repeated_runs() {
    let feed = read_zip(&zip_of(&files())).unwrap();
    let net = Network::new(feed, Settings::default());
    // Tuesday: T1 and NUIT of Tuesday, NUIT of Monday (past midnight), the shuttle 3 times.
    let tuesday = net.day(date(2026, 12, 8));
    let shifts = |day: &tremplin_transport::Day, id: &str| {
        let mut v: Vec<i32> = day
            .runs
            .iter()
            .filter(|r| net.feed.trips[r.trip as usize].id == id)
            .map(|r| r.shift)
            .collect();
        v.sort();
        v
    };
    assert_eq!(shifts(&tuesday, "NUIT"), [-86_400, 0]);
    assert_eq!(shifts(&tuesday, "T1"), [0]);
    assert_eq!(
        shifts(&tuesday, "NAVETTE"),
        [7 * 3600, 7 * 3600 + 1200, 7 * 3600 + 2400]
    );
    assert!(shifts(&tuesday, "T2").is_empty());
    // Saturday 26 December: only the holiday trip, and Friday's night trip was removed.
    let saturday = net.day(date(2026, 12, 26));
    assert_eq!(saturday.runs.len(), 1);
    assert_eq!(net.feed.trips[saturday.runs[0].trip as usize].id, "T2");

    // Mortagne to Alençon's station on Monday morning: the 6:42 coach, arriving 7:51.
    let monday = net.day(date(2026, 12, 7));
    let ends = Ends::between(&net, (48.5205, 0.5475), (48.4315, 0.0925));
    let j = earliest_arrival(&net, &monday, &ends, 5 * 3600).unwrap();
    let rides: Vec<&Leg> = j.rides().collect();
    assert_eq!(rides.len(), 1);
    let Leg::Ride {
        depart,
        arrive,
        run,
        ..
    } = rides[0]
    else {
        unreachable!()
    };
    assert_eq!((*depart, *arrive), (6 * 3600 + 42 * 60, 7 * 3600 + 51 * 60));
    assert_eq!(
        net.feed.trips[monday.runs[*run as usize].trip as usize].id,
        "T1"
    );
    assert!(j.arrive > 7 * 3600 + 51 * 60, "then a short walk");
    // On Christmas, nothing.
    let christmas = net.day(date(2026, 12, 25));
    assert!(earliest_arrival(&net, &christmas, &ends, 5 * 3600).is_none());
}

#[test]
fn the_stored_copy_keeps_only_the_files_read() {
    // Files in a folder inside the ZIP are found too.
    let foldered: Vec<(String, &str)> = files()
        .into_iter()
        .map(|(n, b)| (format!("nomad/{n}"), b))
        .collect();
    let refs: Vec<(&str, &str)> = foldered.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let original = zip_of(&refs);
    let packed = repack(&original).unwrap();
    let archive = zip::ZipArchive::new(std::io::Cursor::new(&packed)).unwrap();
    let mut names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "calendar.txt",
            "calendar_dates.txt",
            "frequencies.txt",
            "routes.txt",
            "stop_times.txt",
            "stops.txt",
            "trips.txt"
        ]
    );
    assert_eq!(read_zip(&packed).unwrap(), read_zip(&original).unwrap());
}

fn with(name: &str, body: &str) -> Vec<u8> {
    let mut f: Vec<(&str, &str)> = files().into_iter().filter(|(n, _)| *n != name).collect();
    if !body.is_empty() {
        f.push((name, body));
    }
    zip_of(&f)
}

#[test]
fn malformed_feeds_are_refused_in_french_with_the_line_at_fault() {
    let refused = |bytes: Vec<u8>| read_zip(&bytes).unwrap_err().to_string();
    assert!(refused(b"stop_id,stop_name\n".to_vec()).contains("n'est pas une archive ZIP"));
    assert!(refused(with("stops.txt", "")).contains("pas de fichier stops.txt"));
    let no_calendar: Vec<(&str, &str)> = files()
        .into_iter()
        .filter(|(n, _)| !n.starts_with("calendar"))
        .collect();
    assert!(refused(zip_of(&no_calendar)).contains("ni calendar.txt ni calendar_dates.txt"));
    let cases = [
        (
            "stops.txt",
            "stop_name,stop_lat,stop_lon\nA,48.5,0.5\n",
            "stops.txt : la colonne stop_id manque",
        ),
        (
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon\nM,Mortagne,48.52,0.547\nA1,Quai,nord,0.09\n",
            "stops.txt, ligne 3 : la latitude « nord »",
        ),
        (
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon\nM,Mortagne,48.52,0.547\nM,Encore,48.5,0.5\n",
            "stops.txt, ligne 3 : l'arrêt « M » est déjà défini",
        ),
        (
            "stop_times.txt",
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,06:42:00,06:42:00,M,1\nT1,25:61:00,25:61:00,A1,2\n",
            "stop_times.txt, ligne 3 : l'heure « 25:61:00 » n'est pas une heure HH:MM:SS",
        ),
        (
            "stop_times.txt",
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,06:42:00,06:42:00,M,1\nT1,07:00:00,07:00:00,GARE,2\n",
            "stop_times.txt, ligne 3 : l'arrêt « GARE » n'est pas un arrêt de stops.txt",
        ),
        (
            "stop_times.txt",
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,07:42:00,07:42:00,M,1\nT1,07:00:00,07:00:00,A1,2\n",
            "les heures de la course « T1 » reculent",
        ),
        (
            "stop_times.txt",
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT9,07:42:00,07:42:00,M,1\n",
            "stop_times.txt, ligne 2 : la course « T9 » n'est pas dans trips.txt",
        ),
        (
            "trips.txt",
            "route_id,service_id,trip_id\nR99,SEMAINE,T1\n",
            "trips.txt, ligne 2 : la ligne « R99 » n'est pas dans routes.txt",
        ),
        (
            "calendar_dates.txt",
            "service_id,date,exception_type\nSEMAINE,20261225,3\n",
            "calendar_dates.txt, ligne 2 : exception_type vaut « 3 »",
        ),
        (
            "calendar.txt",
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nSEMAINE,1,1,1,1,1,0,0,2026-09-01,20270704\n",
            "calendar.txt, ligne 2 : start_date « 2026-09-01 » n'est pas une date AAAAMMJJ",
        ),
        (
            "frequencies.txt",
            "trip_id,start_time,end_time,headway_secs\nNAVETTE,07:00:00,08:00:00,0\n",
            "frequencies.txt, ligne 2 : headway_secs « 0 »",
        ),
        (
            "stop_times.txt",
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,06:42:00,06:42:00,M,1\n",
            "aucune course qui desserve au moins deux arrêts",
        ),
    ];
    for (file, body, expected) in cases {
        let message = refused(with(file, body));
        assert!(
            message.contains(expected),
            "{file}: « {message} » lacks « {expected} »"
        );
    }
}
