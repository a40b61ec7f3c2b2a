#!/usr/bin/env bash
# The load test of docs/perf.md: 100 000 offers, 200 simultaneous users for 60 s, against one
# SQLite instance, then against two instances sharing one PostgreSQL database.
#
#   scripts/load/run.sh                    # everything, as recorded in docs/perf.md
#   OFFERS=10000 DURATION=10 scripts/load/run.sh sqlite     # a quick look
#   scripts/load/run.sh prepare            # only load the offers (kept for the next runs)
#   RATES=250,500,1000,1500 DURATION=30 scripts/load/run.sh sqlite
#                                          # open loop: each arrival rate in turn, up to the
#                                          # first whose p99 is over 200 ms or has an error
#
# Needs PostgreSQL on $PG (default: the local server, trust authentication) for the second part.
# The loaded data is kept in $KEEP (one folder and one database per size): importing 100 000
# offers takes minutes, measuring is what is repeated.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tremplin-target}"
OFFERS="${OFFERS:-100000}"
USERS="${USERS:-200}"
DURATION="${DURATION:-60}"
PG="${PG:-postgres://postgres@127.0.0.1:5432}"
WHICH="${1:-all}"
# Closed loop (USERS simultaneous users) unless RATES lists arrival rates (open loop).
RATES="${RATES:-}"
if [[ -n "$RATES" ]]; then MODE=(--rate "$RATES" --skip-healthz); else MODE=(--users "$USERS"); fi
KEEP="${KEEP:-$HOME/.cache/tremplin-load}/$OFFERS"
DB="tremplin_charge_$OFFERS"
EMAIL="charge@exemple.fr"
export TREMPLIN_LOAD_PASSWORD="mot-de-passe-de-charge"
export TREMPLIN_LOG="${TREMPLIN_LOG:-warn}"

cargo build --release -q -p tremplin -p tremplin-bench
BIN="$CARGO_TARGET_DIR/release/tremplin"
LOAD="$CARGO_TARGET_DIR/release/tremplin-load"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
mkdir -p "$KEEP"
trap cleanup EXIT

echo "== $(nproc) cœurs, $(free -g | awk '/Mem/ {print $2}') Gio, $(uname -sr); $OFFERS offres, $USERS utilisateurs, $DURATION s"
"$LOAD" csv --offers "$OFFERS" > "$WORK/offres.csv"

wait_ready() {
  for _ in $(seq 1 600); do
    curl -fs "http://$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "l'instance $1 ne répond pas" >&2
  return 1
}

# $1 data dir, $2 database URL, $3 bind address
serve() {
  TREMPLIN_DATABASE_URL="$2" "$BIN" serve --data-dir "$1" --bind "$3" --trust-proxy \
    >"$1.log" 2>&1 &
  PIDS+=("$!")
  wait_ready "$3"
}

stop_all() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  PIDS=()
}

# The demo territory (first start), the offers, a counselor's account; once per size.
# $1 data dir, $2 database URL
prepare() {
  [[ -f "$1/.prepared" ]] && return 0
  mkdir -p "$1"
  serve "$1" "$2" 127.0.0.1:18090
  stop_all
  local start=$SECONDS
  TREMPLIN_DATABASE_URL="$2" "$BIN" import csv --data-dir "$1" --publish-now \
    --source charge "$WORK/offres.csv" | tail -1
  echo "import : $((SECONDS - start)) s"
  echo "$TREMPLIN_LOAD_PASSWORD" | TREMPLIN_DATABASE_URL="$2" "$BIN" user add \
    --data-dir "$1" --email "$EMAIL" --role conseiller >/dev/null
  touch "$1/.prepared"
}

if [[ "$WHICH" == all || "$WHICH" == sqlite || "$WHICH" == prepare ]]; then
  echo "== SQLite, une instance"
  DIR="$KEEP/sqlite"
  URL="sqlite://$DIR/tremplin.db"
  prepare "$DIR" "$URL"
fi
if [[ "$WHICH" == all || "$WHICH" == sqlite ]]; then
  serve "$DIR" "$URL" 127.0.0.1:18081
  "$LOAD" run --url http://127.0.0.1:18081 "${MODE[@]}" --duration "$DURATION" --email "$EMAIL"
  stop_all
fi

if [[ "$WHICH" == all || "$WHICH" == postgres || "$WHICH" == prepare ]]; then
  echo "== PostgreSQL, deux instances"
  URL="$PG/$DB"
  if [[ ! -f "$KEEP/pg-a/.prepared" ]]; then
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -qc "CREATE DATABASE $DB"
    rm -rf "$KEEP/pg-a" "$KEEP/pg-b"
  fi
  prepare "$KEEP/pg-a" "$URL"
fi
if [[ "$WHICH" == all || "$WHICH" == postgres ]]; then
  # Fresh statistics, and no autovacuum catching up on the import during the measurement.
  psql "$URL" -qc "VACUUM ANALYZE"
  # Each instance keeps its own index, fed from the database's change feed.
  serve "$KEEP/pg-a" "$URL" 127.0.0.1:18082
  serve "$KEEP/pg-b" "$URL" 127.0.0.1:18083
  "$LOAD" run --url http://127.0.0.1:18082 --url http://127.0.0.1:18083 \
    "${MODE[@]}" --duration "$DURATION" --email "$EMAIL"
  stop_all
fi
