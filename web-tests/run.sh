#!/usr/bin/env bash
# Runs the browser end-to-end test against a fresh Farmdesk server.
# Expects target/farmdesk.jar (build it first: mvn -q -B -DskipTests package). Builds nothing itself.
# Starts the server on a free port in 20060-20079 with a throwaway H2 database and ./web as the pages,
# waits for /observe/health, runs node web-tests/e2e.mjs, stops the server (by its PID) and exits with
# the test's status.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
jar="$root/target/farmdesk.jar"
[ -f "$jar" ] || { echo "run.sh: $jar not found; build it first (mvn -q -B -DskipTests package)" >&2; exit 2; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "run.sh: ${CHROMIUM:-/usr/bin/chromium} missing (apt-get install -y chromium)" >&2; exit 2; }

# the jar needs Java 21 or newer: $JAVA_HOME's, then the one on PATH, then any under /usr/lib/jvm
java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
java=
for j in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
  if [ -n "$j" ] && [ -x "$j" ] && [ "$(java_major "$j")" -ge 21 ] 2>/dev/null; then java=$j; break; fi
done
[ -n "$java" ] || { echo "run.sh: no Java 21 or newer found (set JAVA_HOME)" >&2; exit 2; }

if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "run.sh: installing playwright-core (npm ci)"
  (cd "$here" && npm ci --no-audit --no-fund --silent)
fi

tmp=$(mktemp -d -t farmdesk-e2e.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  if [ "${keep_tmp:-0}" = 1 ]; then echo "run.sh: server log kept in $tmp/server.log"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

port=
for p in $(seq 20060 20079 | shuf); do
  port_free "$p" || continue
  echo "run.sh: starting $jar on port $p (database $tmp/fd)"
  PORT=$p FARMDESK_DB_URL="jdbc:h2:file:$tmp/fd" FARMDESK_WEB_DIR="$root/web" \
    "$java" -jar "$jar" >"$tmp/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 120); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    if curl -sf "http://127.0.0.1:$p/observe/health" >/dev/null 2>&1; then port=$p; break; fi
    sleep 0.25
  done
  [ -n "$port" ] && break
  echo "run.sh: server did not become healthy on port $p:" >&2
  tail -5 "$tmp/server.log" >&2
  if kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  pid=
  # another port helps only when this one was taken meanwhile
  grep -qiE 'port|address already in use|bind' "$tmp/server.log" || break
done
[ -n "$port" ] || { echo "run.sh: could not start the server on any port in 20060-20079" >&2; exit 2; }
echo "run.sh: server up (pid $pid) at http://127.0.0.1:$port/"

status=0
FARMDESK_URL="http://127.0.0.1:$port" node "$here/e2e.mjs" || status=$?
if [ $status -ne 0 ]; then
  keep_tmp=1
  echo "run.sh: e2e FAILED (exit $status); last server log lines:" >&2
  tail -20 "$tmp/server.log" >&2
else
  echo "run.sh: e2e passed"
fi
exit $status
