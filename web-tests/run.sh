#!/usr/bin/env bash
# Runs the browser tests against a fresh Farmdesk server:
#   e2e.mjs      the pages without proxies (streaming, fallback, probes, outbox, eight tabs, ...)
#   proxies.mjs  the pages behind the real squid/nginx proxies of ../shared/lab/proxies
#   uploads-proxies.mjs  tus uploads (npm tus-js-client) through the same proxies, a 2G-slow one included
#                        (the 2G ones beside proxies.mjs, the fast ones after it)
# Expects target/farmdesk.jar (build it first: mvn -q -B -DskipTests package). Builds nothing itself.
# Starts the server on a free port in 20060-20079 (a copy of the jar, throwaway H2 database, ./web as
# the pages) and the lab proxies on their ports 20010-20015 (used as they are: the buffering one speaks
# HTTP/1.0 to the server); stops all of them (by PID) at the end and exits non-zero if a test failed.
#
#   FARMDESK_E2E_PROXIES=off   skip the proxy suite (it needs squid and nginx: apt-get install squid nginx)
#   SCREENSHOTS=docs/screenshots   save the pages' screenshots (README) there
#   E2E_ONLY=clean,gzip        run some proxy scenarios only
#   E2E_SUITES=proxies         run one suite only (default: "e2e proxies uploads")
#   E2E_STEPS=draft|tab         run only the e2e steps whose name matches (and the two sign-ins)
#   E2E_WEB_DIR=/tmp/web-copy    serve the pages from there instead of ./web (edit ./web while a run goes on)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
jar="$root/target/farmdesk.jar"
lab=${PROXY_LAB:-$root/../shared/lab/proxies}
proxies=${FARMDESK_E2E_PROXIES:-on}
suites=${E2E_SUITES:-e2e proxies uploads}
[ -f "$jar" ] || { echo "run.sh: $jar not found; build it first (mvn -q -B -DskipTests package)" >&2; exit 2; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "run.sh: ${CHROMIUM:-/usr/bin/chromium} missing (apt-get install -y chromium)" >&2; exit 2; }
if [ "$proxies" != off ]; then
  [ -x "$lab/lab.sh" ] || { echo "run.sh: proxy lab not found at $lab (set PROXY_LAB, or FARMDESK_E2E_PROXIES=off)" >&2; exit 2; }
  for b in squid nginx; do
    command -v "$b" >/dev/null || { echo "run.sh: $b missing (apt-get install -y squid nginx), or FARMDESK_E2E_PROXIES=off" >&2; exit 2; }
  done
fi

# the jar needs Java 21 or newer: $JAVA_HOME's, then the one on PATH, then any under /usr/lib/jvm
java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
java=
for j in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
  if [ -n "$j" ] && [ -x "$j" ] && [ "$(java_major "$j")" -ge 21 ] 2>/dev/null; then java=$j; break; fi
done
[ -n "$java" ] || { echo "run.sh: no Java 21 or newer found (set JAVA_HOME)" >&2; exit 2; }

if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ] || [ ! -d "$here/node_modules/tus-js-client" ]; then
  echo "run.sh: installing playwright-core, axe-core and tus-js-client (npm ci)"
  (cd "$here" && npm ci --no-audit --no-fund --silent)
fi

tmp=$(mktemp -d -t farmdesk-e2e.XXXXXX)
labrun=$(mktemp -d -t farmdesk-lab.XXXXXX)
chmod 755 "$labrun" # squid runs as the 'proxy' user
pid=
lab_started=
cleanup() {
  if [ -n "${slow_pid:-}" ] && kill -0 "$slow_pid" 2>/dev/null; then kill "$slow_pid" 2>/dev/null || true; fi
  if [ -n "$lab_started" ]; then PROXY_LAB_RUN="$labrun" "$lab/lab.sh" stop $lab_started >/dev/null 2>&1 || true; fi
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  if [ "${keep_tmp:-0}" = 1 ]; then echo "run.sh: server log kept in $tmp/server.log, proxy logs in $labrun"; else rm -rf "$tmp" "$labrun"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# a copy of the jar and its libs: a rebuild in the work tree while the tests run does not break the server
mkdir -p "$tmp/app"
cp "$jar" "$tmp/app/" && cp -r "$root/target/libs" "$tmp/app/"

port=
for p in $(seq 20060 20079 | shuf); do
  port_free "$p" || continue
  echo "run.sh: starting farmdesk.jar on port $p (database $tmp/fd)"
  PORT=$p FARMDESK_DB_URL="jdbc:h2:file:$tmp/fd" FARMDESK_WEB_DIR="${E2E_WEB_DIR:-$root/web}" FARMDESK_DEV_LOGIN=true \
    "$java" -jar "$tmp/app/farmdesk.jar" >"$tmp/server.log" 2>&1 &
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

if [ "$proxies" != off ]; then
  # the lab's proxies, each on its fixed port; one already running there (another run's) is used as it is
  for name_port in clean:20010 buffering:20011 idle-timeout:20012 max-duration:20013 no-sse:20014 gzip:20015; do
    name=${name_port%%:*} p=${name_port##*:}
    if PROXY_LAB_RUN="$labrun" "$lab/lab.sh" start "$name" >"$labrun/start-$name.log" 2>&1; then
      lab_started="$lab_started $name"
    elif curl -s -o /dev/null -D - -m 5 -x "http://127.0.0.1:$p" "http://127.0.0.1:$port/observe/health" 2>/dev/null \
        | grep -qi "^x-lab-proxy: $name"; then
      echo "run.sh: proxy $name already running on port $p (not ours), using it"
    else
      cat "$labrun/start-$name.log" >&2
      echo "run.sh: could not start the $name proxy on port $p" >&2; keep_tmp=1; exit 2
    fi
  done
  echo "run.sh: lab proxies up:$lab_started (run folder $labrun)"
fi

status=0
if [ -n "${SCREENSHOTS:-}" ]; then # first, while the database is fresh
  (cd "$root" && FARMDESK_URL="http://127.0.0.1:$port" E2E_RESULT="$tmp/shots.json" node "$here/screenshots.mjs") || status=$?
fi
t0=$(date +%s)
if [[ " $suites " == *" e2e "* ]]; then
  FARMDESK_URL="http://127.0.0.1:$port" E2E_RESULT="$tmp/e2e.json" node "$here/e2e.mjs" || status=$?
  echo "run.sh: e2e.mjs took $(($(date +%s) - t0)) s"
fi
t1=$(date +%s)
# the 2G-paced uploads (uploads-proxies.mjs's slow-* scenarios) beside proxies.mjs: they wait on their 16 KiB/s pace and
# the proxies' cuts (the longest, max-duration's, ~70 s), hardly using the CPU that proxies.mjs's checks of
# how fast the pages fall back need; the fast ones (1.5 MB each, all at once: a burst of CPU) after it.
# Their output is shown once they end, not mixed with proxies.mjs's.
slow_pid=
if [[ " $suites " == *" uploads "* ]] && [ "$proxies" != off ]; then
  FARMDESK_URL="http://127.0.0.1:$port" E2E_RESULT="$tmp/uploads-slow.json" UPLOADS_PART=slow \
    node "$here/uploads-proxies.mjs" >"$tmp/uploads-slow.log" 2>&1 &
  slow_pid=$!
fi
if [[ " $suites " != *" proxies "* ]]; then
  :
elif [ "$proxies" != off ]; then
  FARMDESK_URL="http://127.0.0.1:$port" E2E_RESULT="$tmp/proxies.json" node "$here/proxies.mjs" || status=$?
  echo "run.sh: proxies.mjs took $(($(date +%s) - t1)) s"
else
  echo "run.sh: proxy suite skipped (FARMDESK_E2E_PROXIES=off)"
fi
t2=$(date +%s)
if [[ " $suites " == *" uploads "* ]] && [ "$proxies" != off ]; then
  FARMDESK_URL="http://127.0.0.1:$port" E2E_RESULT="$tmp/uploads-fast.json" UPLOADS_PART=fast \
    node "$here/uploads-proxies.mjs" || status=$?
  echo "run.sh: uploads-proxies.mjs fast-* took $(($(date +%s) - t2)) s"
  slow_status=0
  wait "$slow_pid" || slow_status=$?
  slow_pid=
  cat "$tmp/uploads-slow.log"
  [ $slow_status -eq 0 ] || status=$slow_status
  echo "run.sh: uploads-proxies.mjs slow-* (started with proxies.mjs) done $(($(date +%s) - t1)) s after the start of proxies.mjs"
fi

passed=0 failed=0
for f in "$tmp/shots.json" "$tmp/e2e.json" "$tmp/proxies.json" "$tmp/uploads-fast.json" "$tmp/uploads-slow.json"; do
  [ -s "$f" ] || continue
  passed=$((passed + $(sed 's/.*"passed":\([0-9]*\).*/\1/' "$f")))
  failed=$((failed + $(sed 's/.*"failed":\([0-9]*\).*/\1/' "$f")))
done
if [ $status -ne 0 ]; then
  keep_tmp=1
  [ $failed -gt 0 ] || failed=1
  echo "run.sh: browser tests FAILED (exit $status); last server log lines:" >&2
  tail -20 "$tmp/server.log" >&2
fi
echo "browser: $passed passed, $failed failed"
exit $status
