#!/usr/bin/env python3
"""Checks the demo territory in crates/tremplin/demo against the repository's own
referentials (crates/referentiels/data: communes with their EPCI, ROME 4.0 codes) and,
with --etalab, against @etalab/decoupage-administratif directly. Python standard library only.

    python3 scripts/demo/check_demo.py [--etalab .../@etalab/decoupage-administratif/data]

Prints one line per check and exits non-zero if any fails.
"""

import argparse
import collections
import csv
import gzip
import json
import re
import sys
import tomllib
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "crates" / "tremplin" / "demo"
REF = ROOT / "crates" / "referentiels" / "data"

OFFER_COLUMNS = ["external_id", "title", "description", "rome_code", "company_name", "siret", "commune_code",
                 "contract_type", "target_diploma_level", "diploma_label", "start_date", "duration_months",
                 "positions", "rqth", "driving_licence", "cfa", "contact_email", "contact_phone", "apply_url",
                 "source_url"]
COMPANY_COLUMNS = ["siret", "name", "naf", "commune_code", "address", "contact_name", "contact_role",
                   "contact_phone", "contact_email"]
FICTION_PHONE = re.compile(r"^02 61 91 \d\d \d\d$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def parse_date(s: str):
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            pass
    return None


def read_csv(path: Path, columns):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        assert r.fieldnames == columns, f"{path.name}: columns {r.fieldnames}"
        return list(r)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--etalab", type=Path, help="data/ folder of @etalab/decoupage-administratif")
    args = ap.parse_args()

    failures = []

    def check(label, ok, detail=""):
        print(f"{'ok  ' if ok else 'FAIL'} {label}{(' — ' + detail) if detail and not ok else ''}")
        if not ok:
            failures.append(label)

    terr = tomllib.loads((DEMO / "territoire.toml").read_text(encoding="utf-8"))
    cfas = read_csv(DEMO / "cfa.csv", ["name", "commune_code", "diplomas", "website"])
    companies = read_csv(DEMO / "entreprises.csv", COMPANY_COLUMNS)
    offers = read_csv(DEMO / "offres.csv", OFFER_COLUMNS)

    # Referentials of the repository (built from @etalab/decoupage-administratif 6.0.0).
    communes = {}
    with gzip.open(REF / "communes.tsv.gz", "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            communes[row["code"]] = row
    rome = dict(l.split("\t", 1) for l in (REF / "rome.tsv").read_text(encoding="utf-8").splitlines()[1:])
    epci_names = {l.split("\t")[0]: l.split("\t")[1] for l in (REF / "epci.tsv").read_text(encoding="utf-8").splitlines()}

    epcis = set(terr["epcis"])
    territory = {code for code, c in communes.items() if c["epci"] in epcis}
    check("territoire.toml: EPCIs known", all(e in epci_names for e in epcis), str(epcis - set(epci_names)))
    check("territoire.toml: fields", all(terr.get(k) for k in ["name", "short_name", "publication_weekday",
                                                                "publication_time", "contact_email", "address"])
          and terr["contact_email"].endswith(".example") and "61300 L'Aigle" in terr["address"])

    if args.etalab:
        ej = {e["code"]: e for e in json.loads((args.etalab / "epci.json").read_text(encoding="utf-8"))}
        members = {m["code"] for e in epcis for m in ej[e]["membres"]}
        check("territory matches @etalab/decoupage-administratif", members == territory,
              f"{len(members)} vs {len(territory)}")
    print(f"     territory: {len(epcis)} EPCIs, {len(territory)} communes")

    # cfa.csv
    cfa_by_name = {c["name"]: c for c in cfas}
    check("cfa.csv: unique names", len(cfa_by_name) == len(cfas))
    check("cfa.csv: real communes", all(c["commune_code"] in communes for c in cfas))
    check("cfa.csv: diplomas listed, websites empty", all(c["diplomas"] and not c["website"] for c in cfas))

    # entreprises.csv
    by_siret = {c["siret"]: c for c in companies}
    check("entreprises.csv: unique SIRETs", len(by_siret) == len(companies))
    check("entreprises.csv: unique names", len({c["name"] for c in companies}) == len(companies))
    bad = [c["siret"] for c in companies if not (re.fullmatch(r"\d{14}", c["siret"]) and luhn_ok(c["siret"]))]
    check("entreprises.csv: SIRETs 14 digits, Luhn-valid", not bad, str(bad))
    check("entreprises.csv: NAF format", all(re.fullmatch(r"\d\d\.\d\d[A-Z]", c["naf"]) for c in companies))
    check("entreprises.csv: communes in the territory", all(c["commune_code"] in territory for c in companies))
    check("entreprises.csv: fiction phones, .example e-mails",
          all(FICTION_PHONE.match(c["contact_phone"]) and c["contact_email"].endswith(".example") for c in companies))
    check("entreprises.csv: contact and address filled",
          all(c["address"] and c["contact_name"] and c["contact_role"] for c in companies))

    # offres.csv
    check("offres.csv: 80 rows", len(offers) == 80, str(len(offers)))
    ids = [o["external_id"] for o in offers]
    check("offres.csv: external_ids demo-001…demo-080, unique",
          ids == [f"demo-{i:03d}" for i in range(1, 81)])
    problems = collections.defaultdict(list)
    for o in offers:
        i = o["external_id"]
        s = o["siret"]
        if not (re.fullmatch(r"\d{14}", s) and luhn_ok(s)):
            problems["siret Luhn"].append(i)
        if s not in by_siret or by_siret[s]["name"] != o["company_name"]:
            problems["siret/company in entreprises.csv"].append(i)
        if o["commune_code"] not in territory:
            problems["commune in territory"].append(i)
        if not re.fullmatch(r"[A-N]\d{4}", o["rome_code"]):
            problems["rome format"].append(i)
        if o["rome_code"] not in rome:
            problems["rome in crates/referentiels/data/rome.tsv"].append(i)
        if o["contract_type"] not in ("apprentissage", "professionnalisation"):
            problems["contract_type"].append(i)
        if not o["target_diploma_level"].isdigit() or not 3 <= int(o["target_diploma_level"]) <= 7:
            problems["level 3–7"].append(i)
        if o["start_date"]:
            d = parse_date(o["start_date"])
            if d is None or not date(2026, 12, 1) <= d <= date(2027, 9, 30):
                problems["start_date"].append(i)
        if not 6 <= int(o["duration_months"]) <= 36:
            problems["duration 6–36"].append(i)
        if not 1 <= int(o["positions"]) <= 3:
            problems["positions 1–3"].append(i)
        if o["rqth"] not in ("oui", "non") or o["driving_licence"] not in ("oui", "non"):
            problems["oui/non"].append(i)
        if o["cfa"]:
            c = cfa_by_name.get(o["cfa"])
            if c is None:
                problems["cfa in cfa.csv"].append(i)
            elif o["diploma_label"] not in c["diplomas"].split("|"):
                problems["diploma prepared by its cfa"].append(i)
        if len(o["description"].strip()) < 80:
            problems["description >= 80 chars"].append(i)
        if not (o["contact_email"] or o["contact_phone"] or o["apply_url"]):
            problems["at least one contact"].append(i)
        if o["contact_email"] and not o["contact_email"].endswith(".example"):
            problems["e-mail on .example"].append(i)
        if o["contact_phone"] and not FICTION_PHONE.match(o["contact_phone"]):
            problems["fiction phone"].append(i)
        for u in (o["apply_url"], o["source_url"]):
            if u and not re.match(r"^https://[a-z0-9.-]+\.example/", u):
                problems["URLs on .example"].append(i)
        if any(x in o["title"].lower() for x in ("http", "www.", "@")) or not 3 <= len(o["title"]) <= 150:
            problems["title"].append(i)
        if not o["diploma_label"]:
            problems["diploma_label"].append(i)
    for label in ["siret Luhn", "siret/company in entreprises.csv", "commune in territory", "rome format",
                  "rome in crates/referentiels/data/rome.tsv", "contract_type", "level 3–7", "start_date",
                  "duration 6–36", "positions 1–3", "oui/non", "cfa in cfa.csv", "diploma prepared by its cfa",
                  "description >= 80 chars", "at least one contact", "e-mail on .example", "fiction phone",
                  "URLs on .example", "title", "diploma_label"]:
        check(f"offres.csv: {label}", not problems[label], ", ".join(problems[label]))
    check("offres.csv: descriptions all different", len({o["description"] for o in offers}) == len(offers))
    per_company = collections.Counter(o["siret"] for o in offers)
    check("every company has 1–4 offers", set(per_company) == set(by_siret)
          and all(1 <= n <= 4 for n in per_company.values()))
    check("no straight double quote or tab in texts",
          not any('"' in o["description"] or "\t" in o["description"] for o in offers))

    # Summary
    cnt = collections.Counter
    print("     contracts:", dict(cnt(o["contract_type"] for o in offers)))
    print("     levels:", dict(sorted(cnt(o["target_diploma_level"] for o in offers).items())))
    print("     start:", dict(cnt("empty" if not o["start_date"] else ("DD/MM/YYYY" if "/" in o["start_date"] else "ISO")
                                 for o in offers)))
    print("     durations:", dict(sorted(cnt(int(o["duration_months"]) for o in offers).items())))
    print("     rqth oui:", sum(o["rqth"] == "oui" for o in offers),
          "| permis oui:", sum(o["driving_licence"] == "oui" for o in offers),
          "| cfa empty:", sum(not o["cfa"] for o in offers),
          "| social source:", sum(bool(o["source_url"]) for o in offers),
          "| phone only:", sum(bool(o["contact_phone"]) and not o["contact_email"] and not o["apply_url"] for o in offers),
          "| offers outside company commune:",
          sum(o["commune_code"] != by_siret[o["siret"]]["commune_code"] for o in offers))
    towns = cnt(communes[o["commune_code"]]["name"] for o in offers)
    print(f"     offers in {len(towns)} communes:", ", ".join(f"{k} {v}" for k, v in towns.most_common()))
    print(f"     {len(companies)} companies in {len({c['commune_code'] for c in companies})} communes")

    print(f"\n{len(failures)} failed" if failures else "\nall checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
