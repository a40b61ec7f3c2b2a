//! Reading a GTFS feed (a ZIP of CSV files) into a compact, checked [`Feed`]: only what
//! routing needs (stops, routes, trips, stop times, calendars and their exceptions,
//! frequencies). Every fault is a French message naming the file and the line; a feed with a
//! fault gives no feed at all.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use chrono::{Datelike, NaiveDate};

mod files;
mod table;

pub use files::parse_time;
use files::*;

/// Why a feed was refused, in French, with the file and line at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GtfsError(pub String);

pub(crate) fn err(msg: impl Into<String>) -> GtfsError {
    GtfsError(msg.into())
}

/// The files kept (and stored again, see [`repack`]); the others (shapes, fares…) are left out.
pub const FILES: [&str; 7] = [
    "stops.txt",
    "routes.txt",
    "trips.txt",
    "stop_times.txt",
    "calendar.txt",
    "calendar_dates.txt",
    "frequencies.txt",
];

/// No file of a feed may unpack to more than this (a ZIP bomb is refused, not unpacked).
const MAX_FILE_BYTES: u64 = 1 << 30;

#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub id: String,
    /// "20", or the long name when the feed gives no short one.
    pub name: String,
    pub long_name: String,
    /// GTFS route_type: 3 bus/coach, 2 train…
    pub kind: u16,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trip {
    pub id: String,
    pub route: u32,
    pub service: u32,
    pub headsign: String,
    /// Its stop times: `feed.stop_times[times.0..times.1]`, in stop order.
    pub times: (u32, u32),
}

/// A call at a stop, in seconds after the service day's noon minus 12 h (GTFS time: may pass
/// 24:00:00 for a trip that runs past midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopTime {
    pub stop: u32,
    pub arrival: u32,
    pub departure: u32,
}

/// The days a service runs: its weekly calendar between two dates, plus and minus the
/// exceptions of calendar_dates.txt.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Service {
    pub id: String,
    /// Monday first.
    pub weekdays: [bool; 7],
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub added: Vec<NaiveDate>,
    pub removed: Vec<NaiveDate>,
}

impl Service {
    pub fn runs_on(&self, day: NaiveDate) -> bool {
        if self.removed.contains(&day) {
            return false;
        }
        if self.added.contains(&day) {
            return true;
        }
        match (self.start, self.end) {
            (Some(s), Some(e)) => {
                s <= day && day <= e && self.weekdays[day.weekday().num_days_from_monday() as usize]
            }
            _ => false,
        }
    }
}

/// A trip repeated every `headway` seconds from `start` to `end` (frequencies.txt): its stop
/// times are those of the trip shifted so that its first departure is each start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frequency {
    pub trip: u32,
    pub start: u32,
    pub end: u32,
    pub headway: u32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Feed {
    pub stops: Vec<Stop>,
    pub routes: Vec<Route>,
    pub trips: Vec<Trip>,
    pub stop_times: Vec<StopTime>,
    pub services: Vec<Service>,
    pub frequencies: Vec<Frequency>,
}

impl Feed {
    /// The first and last days any service runs, if any does.
    pub fn validity(&self) -> Option<(NaiveDate, NaiveDate)> {
        let days = self.services.iter().flat_map(|s| {
            s.start
                .into_iter()
                .chain(s.end)
                .chain(s.added.iter().copied())
        });
        let (mut lo, mut hi) = (None::<NaiveDate>, None::<NaiveDate>);
        for d in days {
            lo = Some(lo.map_or(d, |l| l.min(d)));
            hi = Some(hi.map_or(d, |h| h.max(d)));
        }
        lo.zip(hi)
    }
}

/// Reads and checks a feed from the bytes of its ZIP.
pub fn read_zip(bytes: &[u8]) -> Result<Feed, GtfsError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        err("Ce fichier n'est pas une archive ZIP lisible : un flux GTFS est un fichier .zip.")
    })?;
    // Some feeds put their files in a folder inside the ZIP: look them up by their last name.
    let mut names: HashMap<&'static str, usize> = HashMap::new();
    for i in 0..archive.len() {
        let f = archive
            .by_index_raw(i)
            .map_err(|e| err(format!("Archive ZIP abîmée : {e}.")))?;
        let name = String::from_utf8_lossy(f.name_raw()).into_owned();
        let base = name.rsplit('/').next().unwrap_or(&name);
        if let Some(known) = FILES.iter().find(|k| **k == base) {
            names.entry(known).or_insert(i);
        }
    }
    let mut read = |name: &str| -> Result<Option<Vec<u8>>, GtfsError> {
        let Some(&i) = names.get(name) else {
            return Ok(None);
        };
        let f = archive
            .by_index(i)
            .map_err(|e| err(format!("{name} illisible dans l'archive : {e}.")))?;
        let mut out = Vec::new();
        f.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| err(format!("{name} illisible dans l'archive : {e}.")))?;
        if out.len() as u64 > MAX_FILE_BYTES {
            return Err(err(format!("{name} dépasse 1 Go une fois décompressé.")));
        }
        Ok(Some(out))
    };
    let required = |name: &str, v: Option<Vec<u8>>| {
        v.ok_or_else(|| {
            err(format!(
                "Le flux n'a pas de fichier {name} : il est obligatoire."
            ))
        })
    };
    let stops = required("stops.txt", read("stops.txt")?)?;
    let routes = required("routes.txt", read("routes.txt")?)?;
    let trips = required("trips.txt", read("trips.txt")?)?;
    let stop_times = required("stop_times.txt", read("stop_times.txt")?)?;
    let calendar = read("calendar.txt")?;
    let calendar_dates = read("calendar_dates.txt")?;
    if calendar.is_none() && calendar_dates.is_none() {
        return Err(err(
            "Le flux n'a ni calendar.txt ni calendar_dates.txt : on ne sait pas quels jours circulent ses courses.",
        ));
    }
    let frequencies = read("frequencies.txt")?;
    let mut feed = Feed::default();
    let stop_ix = read_stops(&stops, &mut feed)?;
    let route_ix = read_routes(&routes, &mut feed)?;
    let mut service_ix: HashMap<String, u32> = HashMap::new();
    if let Some(c) = &calendar {
        read_calendar(c, &mut feed, &mut service_ix)?;
    }
    if let Some(c) = &calendar_dates {
        read_calendar_dates(c, &mut feed, &mut service_ix)?;
    }
    let trip_ix = read_trips(&trips, &mut feed, &route_ix, &service_ix)?;
    read_stop_times(&stop_times, &mut feed, &stop_ix, &trip_ix)?;
    if let Some(f) = &frequencies {
        read_frequencies(f, &mut feed, &trip_ix)?;
    }
    if feed.trips.iter().all(|t| t.times.1 - t.times.0 < 2) {
        return Err(err(
            "Le flux n'a aucune course qui desserve au moins deux arrêts.",
        ));
    }
    Ok(feed)
}

/// A ZIP of the given files (name, CSV text): how the demo and the benchmark make a feed.
pub fn write_zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in files {
        // Writing to memory fails only if the process is out of memory.
        w.start_file(*name, opts).expect("ZIP in memory");
        w.write_all(body).expect("ZIP in memory");
    }
    w.finish().expect("ZIP in memory").into_inner()
}

/// A ZIP holding only the files Tremplin reads, copied as they were compressed: what is
/// stored, so that every instance reads the same feed without its shapes and fares.
pub fn repack(bytes: &[u8]) -> Result<Vec<u8>, GtfsError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| err("Ce fichier n'est pas une archive ZIP lisible."))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut seen: Vec<&str> = Vec::new();
    for i in 0..archive.len() {
        let f = archive
            .by_index_raw(i)
            .map_err(|e| err(format!("Archive ZIP abîmée : {e}.")))?;
        let name = String::from_utf8_lossy(f.name_raw()).into_owned();
        let base = name.rsplit('/').next().unwrap_or(&name);
        if let Some(known) = FILES.iter().find(|k| **k == base)
            && !seen.contains(known)
        {
            seen.push(known);
            out.raw_copy_file_rename(f, *known)
                .map_err(|e| err(format!("Copie de {known} impossible : {e}.")))?;
        }
    }
    out.finish()
        .map(Cursor::into_inner)
        .map_err(|e| err(format!("Archive impossible à écrire : {e}.")))
}
