#!/usr/bin/env bash
# Upload benchmark (docs/benchmarks.md, "Uploads"): tus-js-client against Farmdesk on H2 and on a throwaway
# PostgreSQL 15, loopback only, ~3 min. Not a test: numbers, printed as RESULT lines.
#   throughput  a 10 MiB upload in 1 MiB PATCHes, 3 runs (+1 warm-up), median; H2 and PostgreSQL
#   memory      50 and 200 concurrent 10 MiB uploads held mid-PATCH; heap after GC and RSS per upload (H2)
#
#   bench/uploads.sh                  (builds nothing: mvn -q -B -DskipTests package first)
#   PG=0 bench/uploads.sh             H2 only
#   BENCH_CONCURRENCY=50 bench/uploads.sh
# The same by hand: PORT=19111 FARMDESK_DEV_LOGIN=true FARMDESK_RATE_LIMIT=0 java -jar target/farmdesk.jar, then
#   FARMDESK_URL=http://127.0.0.1:19111 node web-tests/upload-bench.mjs throughput
#   FARMDESK_URL=http://127.0.0.1:19111 FARMDESK_PID=<its pid> node web-tests/upload-bench.mjs memory
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); repo=$(cd "$here/.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}; export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
H2_PORT=${H2_PORT:-19111}; PGFD_PORT=${PGFD_PORT:-19112}; PG_PORT=${PG_PORT:-19191}; PG=${PG:-1}
OUT=${OUT:-${TMPDIR:-/tmp}/farmdesk-upload-bench/$(date +%Y%m%d-%H%M%S)}
PGBIN=/usr/lib/postgresql/15/bin
[ -f "$repo/target/farmdesk.jar" ] || { echo "build first: mvn -q -B -DskipTests package" >&2; exit 2; }
[ -d "$repo/web-tests/node_modules/tus-js-client" ] || (cd "$repo/web-tests" && npm ci --no-audit --no-fund --silent)
mkdir -p "$OUT/app" && cp "$repo/target/farmdesk.jar" "$OUT/app/" && cp -r "$repo/target/libs" "$OUT/app/"
RUNPG=(); [[ $EUID -eq 0 ]] && RUNPG=(runuser -u postgres --)
PIDS=(); PG_UP=0
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; kill -9 "$p" 2>/dev/null || true; done
  if [[ $PG_UP == 1 ]]; then "${RUNPG[@]}" "$PGBIN/pg_ctl" -D "$OUT/pg/data" stop -m fast >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# start NAME PORT DB_URL [DB_USER] -> FD_PID
start() {
  mkdir -p "$OUT/$1"
  (cd "$OUT/$1" && PORT=$2 FARMDESK_DB_URL=$3 FARMDESK_DB_USER=$4 FARMDESK_DEV_LOGIN=true FARMDESK_RATE_LIMIT=0 \
     exec "$JAVA" -jar "$OUT/app/farmdesk.jar" > server.log 2>&1) &
  FD_PID=$!; PIDS+=("$FD_PID")
  for _ in $(seq 150); do curl -fsS -m 1 "http://127.0.0.1:$2/observe/health" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "$1 did not come up: $OUT/$1/server.log" >&2; return 1
}
bench() { (cd "$repo" && FARMDESK_URL="http://127.0.0.1:$1" FARMDESK_PID="${3:-}" node web-tests/upload-bench.mjs "$2") | sed "s/^/[$4] /" | tee -a "$OUT/results.txt"; }

echo "output: $OUT; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
start h2 "$H2_PORT" "jdbc:h2:file:$OUT/h2/fd" sa
bench "$H2_PORT" throughput "" h2
bench "$H2_PORT" memory "$FD_PID" h2
if [[ $PG == 1 && -x $PGBIN/initdb ]]; then
  mkdir -p "$OUT/pg"; [[ $EUID -eq 0 ]] && chown postgres "$OUT/pg"
  "${RUNPG[@]}" "$PGBIN/initdb" -D "$OUT/pg/data" -U postgres --auth=trust -E UTF8 > "$OUT/pg/initdb.log" 2>&1
  "${RUNPG[@]}" "$PGBIN/pg_ctl" -D "$OUT/pg/data" -w -l "$OUT/pg/pg.log" \
    -o "-p $PG_PORT -k $OUT/pg -c listen_addresses=127.0.0.1 -c max_connections=50" start > /dev/null
  PG_UP=1
  "${RUNPG[@]}" psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc 'CREATE DATABASE farmdesk' > /dev/null
  start pg "$PGFD_PORT" "jdbc:postgresql://127.0.0.1:$PG_PORT/farmdesk" postgres
  bench "$PGFD_PORT" throughput "" pg
else
  echo "PostgreSQL skipped (PG=0 or no $PGBIN/initdb)"
fi
