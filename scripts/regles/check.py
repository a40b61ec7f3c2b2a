#!/usr/bin/env python3
"""Checks crates/referentiels/data/regles.csv, the pay rules Tremplin loads into its rules table
(table `pay_rules`, loaded at every start, rows already there left alone).

The file transcribes the tables of the shared document « regles-apprentissage.md » (SMIC,
apprenticeship and professionalisation grids, contributions, aids), with each row's source and
its « à vérifier » flag (the document's VERIFY lines). This script checks that the file is
well formed, and that every figure used by a computation appears in the document, written the
way the document writes it, so that nothing in the file was typed from memory.

Usage, from the repository root:
    python3 scripts/regles/check.py [--doc PATH/regles-apprentissage.md]
Exit status 0 when the file is sound, 1 with one line a problem otherwise.
"""
import argparse
import csv
import datetime
import re
import sys
from pathlib import Path

COLUMNS = ["categorie", "cle", "valid_from", "valeur", "unite", "libelle", "conditions", "source", "a_verifier"]
NUMERIC = {"smic", "apprentissage", "professionnalisation", "cotisations", "impot", "aide_employeur", "budget"}
# Budget figures the shared document does not give (cost per km, road factor, speed) may come
# from elsewhere, but then only as « à vérifier » rows whose conditions say so.
OUTSIDE_DOC = {"budget"}
TEXT = {"aide"}
KEY = re.compile(r"^[a-z0-9_+\-]{1,60}$")


def doc_forms(value: str):
    """The ways the document may write a figure: 1801.80 → "1 801.80", 27 → "27 %"."""
    v = value
    forms = {v}
    if "." in v:
        whole, frac = v.split(".")
        forms.add(f"{int(whole):,}".replace(",", " ") + "." + frac)
        forms.add(v.rstrip("0").rstrip("."))
        forms.add(v.replace(".", ","))
    else:
        forms.add(f"{int(v):,}".replace(",", " "))
    return forms


def main() -> int:
    root = Path(__file__).resolve().parents[2]
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default=root / "crates/referentiels/data/regles.csv", type=Path)
    ap.add_argument("--doc", default=root.parent / "shared/docs/regles-apprentissage.md", type=Path)
    args = ap.parse_args()
    doc = args.doc.read_text(encoding="utf-8") if args.doc.exists() else None
    problems = []
    seen = set()
    with open(args.file, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != COLUMNS:
            print(f"colonnes {reader.fieldnames}, attendues {COLUMNS}")
            return 1
        rows = list(reader)
    for n, r in enumerate(rows, start=2):
        where = f"ligne {n} ({r['categorie']}/{r['cle']})"
        if r["categorie"] not in NUMERIC | TEXT:
            problems.append(f"{where} : catégorie inconnue")
        if not KEY.match(r["cle"]):
            problems.append(f"{where} : clé mal formée")
        try:
            datetime.date.fromisoformat(r["valid_from"])
        except ValueError:
            problems.append(f"{where} : date {r['valid_from']!r} mal écrite")
        ident = (r["categorie"], r["cle"], r["valid_from"])
        if ident in seen:
            problems.append(f"{where} : deux lignes pour la même règle à la même date")
        seen.add(ident)
        if r["categorie"] in NUMERIC:
            if not re.fullmatch(r"\d+(\.\d{1,2})?", r["valeur"]):
                problems.append(f"{where} : valeur {r['valeur']!r} n'est pas un nombre")
            elif doc is not None and r["valeur"] != "0":
                if not any(form in doc for form in doc_forms(r["valeur"])):
                    if r["categorie"] in OUTSIDE_DOC and r["a_verifier"] == "oui" and "Hors du document" in r["conditions"]:
                        continue
                    problems.append(f"{where} : {r['valeur']} n'apparaît pas dans le document")
        elif not r["valeur"].strip():
            problems.append(f"{where} : valeur vide")
        if not r["libelle"].strip():
            problems.append(f"{where} : libellé vide")
        if not r["source"].startswith("https://"):
            problems.append(f"{where} : source {r['source']!r} n'est pas une adresse https://")
        if r["a_verifier"] not in ("oui", "non"):
            problems.append(f"{where} : a_verifier doit valoir oui ou non")
    if doc is None:
        print(f"(document {args.doc} absent : figures non comparées)", file=sys.stderr)
    for p in problems:
        print(p)
    if not problems:
        print(f"{len(rows)} règles, {sum(r['a_verifier'] == 'oui' for r in rows)} à vérifier : fichier correct")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
