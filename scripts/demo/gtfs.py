#!/usr/bin/env python3
"""Writes the demo territory's GTFS feed (crates/tremplin/demo/gtfs/*.txt): FICTIONAL coach
lines between Mortagne-au-Perche, L'Aigle, Alençon and a few communes of the Mission Locale's
territory, running on school days, with a stop at each commune's centre (coordinates from
crates/referentiels/data/communes.tsv.gz, a few dozen metres off so that a walk shows).

The demo imports these files at its first start (crates/tremplin/src/demo.rs), through the
same importer as `tremplin referentiels gtfs`. Run: python3 scripts/demo/gtfs.py
"""
import csv
import gzip
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "crates", "tremplin", "demo", "gtfs")

# stop id: (INSEE code, stop name)
STOPS = {
    "MORT": ("61293", "Mortagne-au-Perche – Place du Général de Gaulle"),
    "AIGL": ("61214", "L'Aigle – Place de la Halle"),
    "ALEN": ("61001", "Alençon – Gare routière"),
    "SEES": ("61464", "Sées – Cathédrale"),
    "RAI": ("61342", "Rai – Mairie"),
    "MOUL": ("61297", "Moulins-la-Marche – Place"),
    "TOUR": ("61491", "Tourouvre – Église"),
    "LONG": ("61230", "Longny-au-Perche – Place"),
    "BELL": ("61038", "Bellême – Place de la République"),
    "REMA": ("61345", "Rémalard – Gare"),
    "GACE": ("61181", "Gacé – Mairie"),
    "MERL": ("61275", "Le Merlerault – Place"),
    "SULP": ("61456", "Saint-Sulpice-sur-Risle – Église"),
}

# line: (short name, long name, [(stop, minutes from the first stop)], departures one way,
# departures the other way)
LINES = [
    ("20", "Mortagne-au-Perche – Sées – Alençon",
     [("MORT", 0), ("SEES", 38), ("ALEN", 69)],
     ["06:42", "12:15", "17:30"], ["07:05", "12:30", "17:45", "18:35"]),
    ("30", "L'Aigle – Moulins-la-Marche – Mortagne-au-Perche",
     [("AIGL", 0), ("RAI", 8), ("MOUL", 25), ("MORT", 50)],
     ["06:20", "07:35", "12:40", "17:50"], ["06:30", "07:40", "13:10", "17:45", "18:40"]),
    ("32", "L'Aigle – Saint-Sulpice-sur-Risle",
     [("AIGL", 0), ("SULP", 9)],
     ["07:10", "12:05", "17:35", "18:20"], ["07:30", "12:20", "17:55", "18:40"]),
    ("35", "Mortagne-au-Perche – Tourouvre – Longny-au-Perche",
     [("MORT", 0), ("TOUR", 17), ("LONG", 36)],
     ["07:00", "12:20", "17:40"], ["06:35", "12:40", "17:25", "18:30"]),
    ("40", "Gacé – Le Merlerault – Sées – Alençon",
     [("GACE", 0), ("MERL", 14), ("SEES", 40), ("ALEN", 70)],
     ["06:15", "12:00", "17:20"], ["06:50", "12:35", "17:50", "18:45"]),
    ("50", "Mortagne-au-Perche – Bellême – Rémalard",
     [("MORT", 0), ("BELL", 22), ("REMA", 48)],
     ["07:15", "12:30", "18:00"], ["06:25", "12:10", "17:35", "18:25"]),
]

# Weekdays of the school years; no coach on public holidays that fall on a weekday.
HOLIDAYS = ["20261111", "20261225", "20270101", "20270329", "20270505", "20270506",
            "20270517", "20270714", "20271111", "20271225", "20280101"]


def coordinates():
    wanted = {code for code, _ in STOPS.values()}
    found = {}
    with gzip.open(os.path.join(ROOT, "crates", "referentiels", "data", "communes.tsv.gz"), "rt") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["code"] in wanted:
                found[row["code"]] = (float(row["lat"]), float(row["lon"]))
    missing = wanted - set(found)
    if missing:
        raise SystemExit(f"communes absentes : {sorted(missing)}")
    return found


def minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def clock(mins):
    return f"{mins // 60:02d}:{mins % 60:02d}:00"


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    os.makedirs(OUT, exist_ok=True)
    coords = coordinates()
    # A stop ~150 m north-east of the commune's centre: the page shows a short walk.
    write("stops.txt", ["stop_id", "stop_name", "stop_lat", "stop_lon"],
          [[sid, name, f"{coords[code][0] + 0.0010:.5f}", f"{coords[code][1] + 0.0012:.5f}"]
           for sid, (code, name) in STOPS.items()])
    write("agency.txt", ["agency_id", "agency_name", "agency_url", "agency_timezone"],
          [["DEMO", "Cars du Perche (réseau fictif de démonstration)", "https://example.org", "Europe/Paris"]])
    write("routes.txt", ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
          [[f"L{short}", "DEMO", short, long, 3] for short, long, *_ in LINES])
    write("calendar.txt", ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday",
                           "saturday", "sunday", "start_date", "end_date"],
          [["SEMAINE", 1, 1, 1, 1, 1, 0, 0, "20260101", "20301231"]])
    write("calendar_dates.txt", ["service_id", "date", "exception_type"],
          [["SEMAINE", d, 2] for d in HOLIDAYS])
    trips, times = [], []
    for short, long, stops, out, back in LINES:
        first, last = long.split(" – ")[0], long.split(" – ")[-1]
        for direction, departures, seq, headsign in (
            (0, out, stops, last),
            (1, back, [(s, stops[-1][1] - m) for s, m in reversed(stops)], first),
        ):
            for dep in departures:
                tid = f"L{short}-{direction}-{dep.replace(':', '')}"
                trips.append([f"L{short}", "SEMAINE", tid, headsign, direction])
                for n, (stop, offset) in enumerate(seq, start=1):
                    t = clock(minutes(dep) + offset)
                    times.append([tid, t, t, stop, n])
    write("trips.txt", ["route_id", "service_id", "trip_id", "trip_headsign", "direction_id"], trips)
    write("stop_times.txt", ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"], times)
    print(f"{len(STOPS)} arrêts, {len(LINES)} lignes, {len(trips)} courses, {len(times)} passages -> {OUT}")


if __name__ == "__main__":
    main()
