#!/usr/bin/env bash
# The side-by-side figures of issue #16 (docs/perf.md): with wrk, 2 threads and 8 connections,
# one after the other in one run against the same instance: /healthz (an empty answer), the
# search « maintenance » within 30 km of L'Aigle sorted by distance as JSON (20 results), the
# same search as the results page, and one offer page.
#
#   scripts/load/wrk.sh http://127.0.0.1:18081 [seconds]
#
# The instance is one started by scripts/load/run.sh's data (`prepare`), e.g.
#   TREMPLIN_DATABASE_URL=sqlite://$HOME/.cache/tremplin-load/100000/sqlite/tremplin.db \
#     tremplin serve --data-dir $HOME/.cache/tremplin-load/100000/sqlite --bind 127.0.0.1:18081
set -euo pipefail
URL="${1:?l'adresse de l'instance, par exemple http://127.0.0.1:18081}"
SECONDS_EACH="${2:-15}"
OFFER_ID="${OFFER_ID:-$(curl -fs "$URL/api/v1/offers?per_page=1" | grep -o '"id": *[0-9]*' | head -1 | grep -o '[0-9]*$')}"
run() {
  echo "== $1"
  echo "   charge : $(cat /proc/loadavg)"
  curl -fs -o /dev/null -w "   une requête : HTTP %{http_code}, %{size_download} octets, %{time_total} s\n" "$URL$2"
  wrk -t2 -c8 -d"${SECONDS_EACH}s" --latency "$URL$2" | grep -E 'Requests/sec|Non-2xx|Socket errors|^ +(50|99)%|Latency '
}
run "/healthz" "/healthz"
run "recherche JSON, 20 résultats" "/api/v1/offers?q=maintenance&near=61214&radius_km=30&sort=distance&per_page=20"
run "page de résultats" "/offres?q=maintenance&commune=61214&rayon=30&tri=distance"
run "page d'offre" "/offres/$OFFER_ID"
run "/healthz (après)" "/healthz"
