#!/usr/bin/env bash
# The reconnect storm (docs/benchmarks.md "Reconnect storm"): one Farmdesk on a fresh H2 file, or on a
# throw-away PostgreSQL 15 with PG=1; N tickets each BEHIND messages ahead of the resume point; then
# STREAMS SSE streams reconnect with Last-Event-ID while a publisher posts RATE/s (bench/ReconnectStorm.java).
#
#   bench/storm.sh                       # the checkout's build (mvn package first), at-once
#   APP=/tmp/base RECONNECT=spread:2000-4000 LABEL=base-spread bench/storm.sh
#
# APP: a folder with farmdesk.jar and libs/ (default: target/ of this checkout, copied first).
# Each run is bounded (timeout 170 s); the server is stopped by its PID.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; repo="$(dirname "$here")"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"; JAVA="$JAVA_HOME/bin/java"; JAVAC="$JAVA_HOME/bin/javac"
STREAMS="${STREAMS:-5000}" TICKETS="${TICKETS:-500}" BEHIND="${BEHIND:-50}" RATE="${RATE:-50}"
RECONNECT="${RECONNECT:-at-once}" LABEL="${LABEL:-storm}" PORT="${PORT:-19131}" PG="${PG:-0}" PG_PORT="${PG_PORT:-19191}"
OUT="${OUT:-${TMPDIR:-/tmp}/farmdesk-storm/$(date +%Y%m%d-%H%M%S)-$LABEL}"
mkdir -p "$OUT/classes" "$OUT/app"
if [[ -z "${APP:-}" ]]; then cp -r "$repo/target/farmdesk.jar" "$repo/target/libs" "$OUT/app/"; APP="$OUT/app"; fi
"$JAVAC" -d "$OUT/classes" "$here/PostBench.java" "$here/ReconnectStorm.java" || exit 1
ulimit -n 20000 2>/dev/null
SECRET="storm-bench-secret-0123456789abcdef0123456789"
PIDS=(); PGDIR="$OUT/pg"; PGBIN=/usr/lib/postgresql/15/bin; RUNPG=(); [[ $EUID -eq 0 ]] && RUNPG=(runuser -u postgres --)
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; kill -9 "$p" 2>/dev/null; done
  PIDS=()
  [[ -f "$PGDIR/data/postmaster.pid" ]] && "${RUNPG[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" stop -m fast >/dev/null 2>&1
}
trap cleanup EXIT
URL="jdbc:h2:file:./data/farmdesk" USER_=sa
if [[ "$PG" == 1 ]]; then
  mkdir -p "$PGDIR"; [[ $EUID -eq 0 ]] && chown postgres "$PGDIR"
  "${RUNPG[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 > "$PGDIR/initdb.log" 2>&1 || exit 1
  "${RUNPG[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -w -l "$PGDIR/pg.log" \
    -o "-p $PG_PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=50" start > /dev/null || exit 1
  "${RUNPG[@]}" psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc 'CREATE DATABASE farmdesk' || exit 1
  URL="jdbc:postgresql://127.0.0.1:$PG_PORT/farmdesk" USER_=postgres
fi
mkdir -p "$OUT/server"
(cd "$OUT/server" && PORT="$PORT" FARMDESK_HOST=127.0.0.1 FARMDESK_DB_URL="$URL" FARMDESK_DB_USER="$USER_" FARMDESK_RATE_LIMIT=0 \
   FARMDESK_STREAMS_PER_USER=0 FARMDESK_AUTH_SECRET="$SECRET" FARMDESK_DEV_LOGIN=true FARMDESK_WEB_DIR="$repo/web" \
   exec "$JAVA" ${FARMDESK_JAVA_OPTS:-} -jar "$APP/farmdesk.jar" > server.log 2>&1) &
PIDS+=($!); SPID=$!
for _ in $(seq 150); do curl -fsS -m 1 "http://127.0.0.1:$PORT/observe/health" >/dev/null 2>&1 && break; sleep 0.2; done
echo "server pid $SPID ($APP), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/env.txt"
RS=("$JAVA" -cp "$OUT/classes" ReconnectStorm)
timeout 120 "${RS[@]}" prepare --base "http://127.0.0.1:$PORT" --tickets "$TICKETS" --behind "$BEHIND" --out "$OUT" || exit 1
timeout -k 5 170 "${RS[@]}" storm --base "http://127.0.0.1:$PORT" --dir "$OUT" --streams "$STREAMS" --rate "$RATE" \
  --reconnect "$RECONNECT" --pid "$SPID" --label "$LABEL" --limit 100 | tee "$OUT/storm.log"
rc=${PIPESTATUS[0]}
grep -cE 'SEVERE|Exception' "$OUT/server/server.log" | sed 's/^/server log lines with SEVERE or Exception: /'
echo "details: $OUT (exit $rc)"
exit "$rc"
