#!/usr/bin/env python3
"""Régénère crates/referentiels/data/naf_divisions.tsv : les 88 divisions de la NAF rév. 2
(deux chiffres) et leur libellé, pour choisir un secteur par son nom dans le back-office.

Source : paquet npm @socialgouv/codes-naf, version épinglée ci-dessous (fichier index.json,
liste des codes NAF de l'INSEE ; licence Apache-2.0).

Usage :
  npm install --prefix /tmp/naf-work @socialgouv/codes-naf@1.1.1
  python3 scripts/referentiels/naf.py --naf /tmp/naf-work/node_modules/@socialgouv/codes-naf/index.json

Bibliothèque standard uniquement ; sortie déterministe (triée par code).
"""

import argparse
import json
import re
import sys
from pathlib import Path

VERSION = "1.1.1"
OUT = Path(__file__).resolve().parents[2] / "crates/referentiels/data/naf_divisions.tsv"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--naf", type=Path, required=True, help="index.json de @socialgouv/codes-naf")
    args = ap.parse_args()
    package = json.loads((args.naf.parent / "package.json").read_text(encoding="utf-8"))
    if package.get("version") != VERSION:
        sys.exit(f"@socialgouv/codes-naf {package.get('version')} : attendu {VERSION}")
    codes = json.loads(args.naf.read_text(encoding="utf-8"))
    divisions = sorted(
        (c["id"], " ".join(c["label"].split())) for c in codes if re.fullmatch(r"\d\d", c["id"])
    )
    if len(divisions) != 88:
        sys.exit(f"{len(divisions)} divisions NAF : attendu 88")
    with OUT.open("w", encoding="utf-8", newline="\n") as f:
        f.write("code\tlabel\n")
        for code, label in divisions:
            f.write(f"{code}\t{label}\n")
    print(f"{OUT} : {len(divisions)} divisions")


if __name__ == "__main__":
    main()
