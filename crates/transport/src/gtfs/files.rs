//! Each file of a feed read into the [`Feed`], checking its references to the others.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::table::{Line, Table, opt};
use super::{Feed, Frequency, GtfsError, Route, Service, Stop, StopTime, Trip, err};

pub(super) fn read_stops(bytes: &[u8], feed: &mut Feed) -> Result<HashMap<String, u32>, GtfsError> {
    let mut t = Table::open("stops.txt", bytes)?;
    let (id, name, lat, lon) = (
        t.column("stop_id")?,
        t.optional("stop_name"),
        t.optional("stop_lat"),
        t.optional("stop_lon"),
    );
    let kind = t.optional("location_type");
    let mut ix = HashMap::new();
    let mut ids: std::collections::HashSet<String> = Default::default();
    t.each(|r, line| {
        let stop_id = line.get(r, id, "stop_id")?;
        if !ids.insert(stop_id.to_owned()) {
            return Err(line.fault(format_args!("l'arrêt « {stop_id} » est déjà défini")));
        }
        // Stations (1), entrances (2), generic nodes (3) and boarding areas (4) are not where
        // a coach stops: only stops and platforms (0 or empty) are kept. A stop needs no parent
        // station.
        let k = opt(r, kind);
        if !(k.is_empty() || k == "0") {
            return Ok(());
        }
        let coord = |col: Option<usize>, what: &str, max: f64| -> Result<f64, GtfsError> {
            let v = col.and_then(|c| r.get(c)).unwrap_or("");
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && x.abs() <= max)
                .ok_or_else(|| {
                    line.fault(format_args!(
                        "{what} « {v} » de l'arrêt « {stop_id} » n'est pas un nombre valable"
                    ))
                })
        };
        let stop = Stop {
            id: stop_id.to_owned(),
            name: opt(r, name).to_owned(),
            lat: coord(lat, "la latitude", 90.0)?,
            lon: coord(lon, "la longitude", 180.0)?,
        };
        ix.insert(stop.id.clone(), feed.stops.len() as u32);
        feed.stops.push(stop);
        Ok(())
    })?;
    Ok(ix)
}

pub(super) fn read_routes(
    bytes: &[u8],
    feed: &mut Feed,
) -> Result<HashMap<String, u32>, GtfsError> {
    let mut t = Table::open("routes.txt", bytes)?;
    let id = t.column("route_id")?;
    let (short, long) = (
        t.optional("route_short_name"),
        t.optional("route_long_name"),
    );
    let kind = t.column("route_type")?;
    let mut ix = HashMap::new();
    t.each(|r, line| {
        let route_id = line.get(r, id, "route_id")?;
        let k = line.get(r, kind, "route_type")?;
        let kind = k
            .parse::<u16>()
            .map_err(|_| line.fault(format_args!("route_type « {k} » n'est pas un nombre")))?;
        let (s, l) = (opt(r, short), opt(r, long));
        if s.is_empty() && l.is_empty() {
            return Err(line.fault(format_args!(
                "la ligne « {route_id} » n'a ni route_short_name ni route_long_name"
            )));
        }
        let route = Route {
            id: route_id.to_owned(),
            name: if s.is_empty() { l } else { s }.to_owned(),
            long_name: l.to_owned(),
            kind,
        };
        if ix
            .insert(route.id.clone(), feed.routes.len() as u32)
            .is_some()
        {
            return Err(line.fault(format_args!("la ligne « {route_id} » est déjà définie")));
        }
        feed.routes.push(route);
        Ok(())
    })?;
    Ok(ix)
}

fn parse_date(v: &str, line: Line, what: &str) -> Result<NaiveDate, GtfsError> {
    NaiveDate::parse_from_str(v, "%Y%m%d")
        .map_err(|_| line.fault(format_args!("{what} « {v} » n'est pas une date AAAAMMJJ")))
}

fn service<'s>(feed: &'s mut Feed, ix: &mut HashMap<String, u32>, id: &str) -> &'s mut Service {
    let i = *ix.entry(id.to_owned()).or_insert_with(|| {
        feed.services.push(Service {
            id: id.to_owned(),
            ..Default::default()
        });
        feed.services.len() as u32 - 1
    });
    &mut feed.services[i as usize]
}

pub(super) fn read_calendar(
    bytes: &[u8],
    feed: &mut Feed,
    ix: &mut HashMap<String, u32>,
) -> Result<(), GtfsError> {
    let mut t = Table::open("calendar.txt", bytes)?;
    let id = t.column("service_id")?;
    let days = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    .map(|d| t.column(d));
    let mut cols = [0usize; 7];
    for (c, d) in cols.iter_mut().zip(days) {
        *c = d?;
    }
    let (start, end) = (t.column("start_date")?, t.column("end_date")?);
    t.each(|r, line| {
        let sid = line.get(r, id, "service_id")?;
        let mut weekdays = [false; 7];
        for (w, c) in weekdays.iter_mut().zip(cols) {
            *w = match r.get(c).unwrap_or("") {
                "1" => true,
                "0" => false,
                v => {
                    return Err(line.fault(format_args!(
                        "un jour de la semaine vaut « {v} » au lieu de 0 ou 1"
                    )));
                }
            };
        }
        let s = parse_date(line.get(r, start, "start_date")?, line, "start_date")?;
        let e = parse_date(line.get(r, end, "end_date")?, line, "end_date")?;
        if e < s {
            return Err(line.fault(format_args!(
                "le service « {sid} » finit avant de commencer"
            )));
        }
        let svc = service(feed, ix, sid);
        if svc.start.is_some() {
            return Err(line.fault(format_args!("le service « {sid} » est déjà défini")));
        }
        svc.weekdays = weekdays;
        svc.start = Some(s);
        svc.end = Some(e);
        Ok(())
    })
}

pub(super) fn read_calendar_dates(
    bytes: &[u8],
    feed: &mut Feed,
    ix: &mut HashMap<String, u32>,
) -> Result<(), GtfsError> {
    let mut t = Table::open("calendar_dates.txt", bytes)?;
    let (id, date, kind) = (
        t.column("service_id")?,
        t.column("date")?,
        t.column("exception_type")?,
    );
    t.each(|r, line| {
        let sid = line.get(r, id, "service_id")?;
        let d = parse_date(line.get(r, date, "date")?, line, "date")?;
        match line.get(r, kind, "exception_type")? {
            "1" => service(feed, ix, sid).added.push(d),
            "2" => service(feed, ix, sid).removed.push(d),
            v => {
                return Err(line.fault(format_args!(
                    "exception_type vaut « {v} » au lieu de 1 (ajout) ou 2 (retrait)"
                )));
            }
        }
        Ok(())
    })
}

pub(super) fn read_trips(
    bytes: &[u8],
    feed: &mut Feed,
    routes: &HashMap<String, u32>,
    services: &HashMap<String, u32>,
) -> Result<HashMap<String, u32>, GtfsError> {
    let mut t = Table::open("trips.txt", bytes)?;
    let (id, route, service) = (
        t.column("trip_id")?,
        t.column("route_id")?,
        t.column("service_id")?,
    );
    let headsign = t.optional("trip_headsign");
    let mut ix = HashMap::new();
    t.each(|r, line| {
        let trip_id = line.get(r, id, "trip_id")?;
        let rid = line.get(r, route, "route_id")?;
        let sid = line.get(r, service, "service_id")?;
        let route = *routes.get(rid).ok_or_else(|| {
            line.fault(format_args!("la ligne « {rid} » n'est pas dans routes.txt"))
        })?;
        let service = *services.get(sid).ok_or_else(|| {
            line.fault(format_args!(
                "le service « {sid} » n'est ni dans calendar.txt ni dans calendar_dates.txt"
            ))
        })?;
        if ix
            .insert(trip_id.to_owned(), feed.trips.len() as u32)
            .is_some()
        {
            return Err(line.fault(format_args!("la course « {trip_id} » est déjà définie")));
        }
        feed.trips.push(Trip {
            id: trip_id.to_owned(),
            route,
            service,
            headsign: opt(r, headsign).to_owned(),
            times: (0, 0),
        });
        Ok(())
    })?;
    Ok(ix)
}

/// "7:05:00", "25:10:00" (past midnight): seconds since the start of the service day.
pub fn parse_time(v: &str) -> Option<u32> {
    let mut parts = v.split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let s: u32 = parts.next()?.parse().ok()?;
    (parts.next().is_none() && h < 48 && m < 60 && s < 60).then_some(h * 3600 + m * 60 + s)
}

/// (trip, sequence, stop, arrival, departure), None for a time left to interpolate.
type Call = (u32, u32, u32, Option<u32>, Option<u32>);

pub(super) fn read_stop_times(
    bytes: &[u8],
    feed: &mut Feed,
    stops: &HashMap<String, u32>,
    trips: &HashMap<String, u32>,
) -> Result<(), GtfsError> {
    let mut t = Table::open("stop_times.txt", bytes)?;
    let (trip, stop, seq) = (
        t.column("trip_id")?,
        t.column("stop_id")?,
        t.column("stop_sequence")?,
    );
    let (arr, dep) = (t.column("arrival_time")?, t.column("departure_time")?);
    let mut rows: Vec<Call> = Vec::new();
    t.each(|r, line| {
        let tid = line.get(r, trip, "trip_id")?;
        let sid = line.get(r, stop, "stop_id")?;
        let trip = *trips.get(tid).ok_or_else(|| {
            line.fault(format_args!("la course « {tid} » n'est pas dans trips.txt"))
        })?;
        let stop = *stops.get(sid).ok_or_else(|| {
            line.fault(format_args!(
                "l'arrêt « {sid} » n'est pas un arrêt de stops.txt"
            ))
        })?;
        let s = line.get(r, seq, "stop_sequence")?;
        let seq = s
            .parse::<u32>()
            .map_err(|_| line.fault(format_args!("stop_sequence « {s} » n'est pas un nombre")))?;
        let time = |col: usize| -> Result<Option<u32>, GtfsError> {
            let v = r.get(col).unwrap_or("");
            if v.is_empty() {
                return Ok(None);
            }
            parse_time(v).map(Some).ok_or_else(|| {
                line.fault(format_args!("l'heure « {v} » n'est pas une heure HH:MM:SS"))
            })
        };
        let (a, d) = (time(arr)?, time(dep)?);
        rows.push((trip, seq, stop, a.or(d), d.or(a)));
        Ok(())
    })?;
    rows.sort_unstable_by_key(|r| (r.0, r.1));
    feed.stop_times.reserve_exact(rows.len());
    let mut i = 0;
    while i < rows.len() {
        let trip = rows[i].0;
        let mut j = i;
        while j < rows.len() && rows[j].0 == trip {
            j += 1;
        }
        let calls = &rows[i..j];
        let tid = &feed.trips[trip as usize].id;
        if calls.windows(2).any(|w| w[0].1 == w[1].1) {
            return Err(err(format!(
                "stop_times.txt : la course « {tid} » a deux fois le même stop_sequence."
            )));
        }
        if calls[0].3.is_none() || calls[calls.len() - 1].4.is_none() {
            return Err(err(format!(
                "stop_times.txt : la course « {tid} » n'a pas d'heure à son premier ou à son dernier arrêt."
            )));
        }
        let start = feed.stop_times.len() as u32;
        // Times left empty between two timed stops are interpolated by position.
        let mut prev: Option<(usize, u32)> = None;
        for (k, c) in calls.iter().enumerate() {
            let (a, d) = match (c.3, c.4) {
                (Some(a), Some(d)) => (a, d),
                _ => {
                    let (pk, pt) = prev.unwrap_or((k, 0));
                    let (nk, nt) = calls[k..]
                        .iter()
                        .enumerate()
                        .find_map(|(o, n)| n.3.map(|t| (k + o, t)))
                        .unwrap_or((k, pt));
                    let t =
                        pt + (nt.saturating_sub(pt)) * (k - pk) as u32 / (nk - pk).max(1) as u32;
                    (t, t)
                }
            };
            if d < a || prev.is_some_and(|(_, pt)| a < pt) {
                return Err(err(format!(
                    "stop_times.txt : les heures de la course « {tid} » reculent à l'arrêt n° {} (stop_sequence {}).",
                    k + 1,
                    c.1
                )));
            }
            prev = Some((k, d));
            feed.stop_times.push(StopTime {
                stop: c.2,
                arrival: a,
                departure: d,
            });
        }
        feed.trips[trip as usize].times = (start, feed.stop_times.len() as u32);
        i = j;
    }
    Ok(())
}

pub(super) fn read_frequencies(
    bytes: &[u8],
    feed: &mut Feed,
    trips: &HashMap<String, u32>,
) -> Result<(), GtfsError> {
    let mut t = Table::open("frequencies.txt", bytes)?;
    let (trip, start, end, headway) = (
        t.column("trip_id")?,
        t.column("start_time")?,
        t.column("end_time")?,
        t.column("headway_secs")?,
    );
    t.each(|r, line| {
        let tid = line.get(r, trip, "trip_id")?;
        let trip = *trips.get(tid).ok_or_else(|| {
            line.fault(format_args!("la course « {tid} » n'est pas dans trips.txt"))
        })?;
        let time = |col: usize, what: &str| -> Result<u32, GtfsError> {
            let v = line.get(r, col, what)?;
            parse_time(v).ok_or_else(|| {
                line.fault(format_args!("l'heure « {v} » n'est pas une heure HH:MM:SS"))
            })
        };
        let (s, e) = (time(start, "start_time")?, time(end, "end_time")?);
        let h = line.get(r, headway, "headway_secs")?;
        let headway = h.parse::<u32>().ok().filter(|h| *h >= 60).ok_or_else(|| {
            line.fault(format_args!(
                "headway_secs « {h} » doit être un nombre de secondes d'au moins 60"
            ))
        })?;
        if e <= s {
            return Err(line.fault("end_time doit venir après start_time"));
        }
        feed.frequencies.push(Frequency {
            trip,
            start: s,
            end: e,
            headway,
        });
        Ok(())
    })
}
