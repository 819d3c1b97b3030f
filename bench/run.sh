#!/usr/bin/env bash
# bench/run.sh - Farmdesk side by side with the peers (nchan, the Socket.IO seed, Pushpin), one run.
#
#   bench/run.sh                       # full sizes, ends by itself within ~15 min on 2 cores
#   QUICK=1 bench/run.sh               # smoke run (~2-3 min): tiny sizes, CI-friendly
#   PEERS="nchan" PG=0 bench/run.sh    # choose peers; PG=0 skips Farmdesk on PostgreSQL
#
# What it does: builds Farmdesk (mvn package) and copies the jar + libs under $OUT (so a rebuild in
# the checkout cannot break the running server), starts Farmdesk on H2 (and on PostgreSQL when the
# PostgreSQL server binaries are there), starts the peers from ../shared/bench/peers/, and runs the
# same scenarios through ../shared/bench/SseBench.java (socket.io: its bench-client.js) against all of
# them, scenario by scenario (targets interleaved, so they see the same machine load). Ends with one
# table: Farmdesk, the peers, and the ratio Farmdesk/nchan against the goals of the performance issue.
#
# Scenarios (full / QUICK):
#   idle        10,000 SSE streams over 1,000 topics held 30 s; KB per stream from the Pss/RSS delta
#   floor1      1 subscriber, 100 messages at 20/s
#   fanout20    1,000 subscribers on one topic, 100 messages at 20/s (+ the same over long-polling)
#   rooms       2,000 subscribers over 1,000 topics, 2,000 messages at 200/s
#   saturation  1,000 subscribers on one topic, 200 messages offered at 100/s (deliveries/s, lost)
#   posts       durable posts: 16 connections POST as fast as answered for 10 s (H2, PostgreSQL)
#   posts-slow  the same on H2 with 4 SSE subscribers that never read (a slow subscriber must not
#               slow the publisher)
#
# Environment: JAVA_HOME (JDK 21+, default temurin 25), QUICK, OUT (results folder), PEERS
# ("nchan socketio pushpin"; missing ones are skipped with a message), PG (auto|0|1), SHARED_BENCH
# (default ../shared/bench relative to the repo), FARMDESK_JAVA_OPTS (extra JVM options for Farmdesk,
# e.g. JFR), BUDGET (seconds, default 840: steps that would start later are skipped), STEP_TIMEOUT,
# NO_BUILD=1 (use target/farmdesk.jar as it is), BASELINE (a git ref: that commit is built too and runs
# as one more target, fd-base, on H2 beside fd-h2, for a before/after comparison under the same load),
# and the sizes below.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
SHARED="${SHARED_BENCH:-$repo/../shared/bench}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"; JAVAC="$JAVA_HOME/bin/javac"
QUICK="${QUICK:-0}"
PEERS="${PEERS:-nchan socketio pushpin}"
PG="${PG:-auto}"
OUT="${OUT:-${TMPDIR:-/tmp}/farmdesk-bench/$(date +%Y%m%d-%H%M%S)}"
BUDGET="${BUDGET:-840}"
STEP_TIMEOUT="${STEP_TIMEOUT:-240}"
FD_H2_PORT="${FD_H2_PORT:-19101}"; FD_PG_PORT="${FD_PG_PORT:-19102}"; FD_BASE_PORT="${FD_BASE_PORT:-19103}"; PG_PORT="${PG_PORT:-19190}"
BASELINE="${BASELINE:-}"
SECRET="farmdesk-bench-secret-0123456789abcdef"

if [[ "$QUICK" == 1 ]]; then
  IDLE_S=500; IDLE_T=100; IDLE_H=5
  FLOOR_M=20; FLOOR_W=5
  FANL_S=100; FANL_M=20; FANL_R=10; FANL_W=5
  ROOM_S=200; ROOM_T=100; ROOM_M=200; ROOM_R=100; ROOM_W=20
  FAN_S=100; FAN_M=50; FAN_R=50; FAN_W=10
  POSTS_C=8; POSTS_SEC=3; POSTS_WARM=2; STUCK=2; WARM_S=2
  TICKETS=100; DRAIN=5
else
  IDLE_S="${IDLE_S:-10000}"; IDLE_T="${IDLE_T:-1000}"; IDLE_H="${IDLE_H:-30}"
  FLOOR_M="${FLOOR_M:-100}"; FLOOR_W=20
  FANL_S="${FANL_S:-1000}"; FANL_M="${FANL_M:-100}"; FANL_R="${FANL_R:-20}"; FANL_W="${FANL_W:-20}"
  ROOM_S="${ROOM_S:-2000}"; ROOM_T="${ROOM_T:-1000}"; ROOM_M="${ROOM_M:-2000}"; ROOM_R="${ROOM_R:-200}"; ROOM_W="${ROOM_W:-200}"
  FAN_S="${FAN_S:-1000}"; FAN_M="${FAN_M:-200}"; FAN_R="${FAN_R:-100}"; FAN_W="${FAN_W:-50}"
  POSTS_C="${POSTS_C:-16}"; POSTS_SEC="${POSTS_SEC:-10}"; POSTS_WARM="${POSTS_WARM:-5}"; STUCK="${STUCK:-4}"
  TICKETS=$(( ROOM_T > IDLE_T ? ROOM_T : IDLE_T )); DRAIN=15
fi
FLOOR_R=20
PUB_CONNS="${PUB_CONNS:-32}"

mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)" 2>/dev/null
t0=$(date +%s)
echo "farmdesk bench -> $OUT"
{ echo "# farmdesk bench/run.sh $(date -u +%FT%TZ)  QUICK=$QUICK PEERS='$PEERS' PG=$PG"
  echo "command: ${BENCH_COMMAND:-bench/run.sh}"; echo "commit: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null); uncommitted in src/: $(git -C "$repo" status --short -- src pom.xml 2>/dev/null | wc -l) files"
  uname -srm; echo "cores: $(nproc)"; echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$JAVA" -version 2>&1 | head -1; echo "ulimit -n: $(ulimit -n)"; } > "$OUT/env.txt"

[[ -x "$JAVA" ]] || { echo "no JDK at $JAVA_HOME (set JAVA_HOME to a JDK 21+)" >&2; exit 1; }
[[ -f "$SHARED/SseBench.java" ]] || { echo "no harness at $SHARED/SseBench.java (set SHARED_BENCH)" >&2; exit 1; }

# ---------------------------------------------------------------- build, compile the harness
APP="$OUT/app"; CLASSES="$OUT/classes"
mkdir -p "$APP" "$CLASSES"
if [[ "${NO_BUILD:-0}" != 1 ]]; then
  echo "building Farmdesk (mvn -q -B -DskipTests package)"
  (cd "$repo" && PATH="$JAVA_HOME/bin:$PATH" mvn -q -B -DskipTests package > "$OUT/build.log" 2>&1) \
    || { echo "build failed, see $OUT/build.log" >&2; exit 1; }
fi
cp -r "$repo/target/farmdesk.jar" "$repo/target/libs" "$APP/" || { echo "no target/farmdesk.jar" >&2; exit 1; }
if [[ -n "$BASELINE" ]]; then
  # the baseline is built from a throw-away worktree of this repository, at that commit
  BASE_APP="$OUT/app-base"; mkdir -p "$BASE_APP"
  echo "building the baseline $BASELINE ($(git -C "$repo" rev-parse --short "$BASELINE" 2>/dev/null))"
  { git -C "$repo" worktree add -q --detach "$OUT/base-src" "$BASELINE" \
    && (cd "$OUT/base-src" && PATH="$JAVA_HOME/bin:$PATH" mvn -q -B -DskipTests package) \
    && cp -r "$OUT/base-src/target/farmdesk.jar" "$OUT/base-src/target/libs" "$BASE_APP/"; } > "$OUT/build-base.log" 2>&1 \
    || { echo "baseline build failed, see $OUT/build-base.log" >&2; exit 1; }
  git -C "$repo" worktree remove --force "$OUT/base-src"
  echo "baseline: $BASELINE = $(git -C "$repo" rev-parse --short "$BASELINE")" >> "$OUT/env.txt"
fi
"$JAVAC" -d "$CLASSES" "$SHARED/SseBench.java" "$here/PostBench.java" 2>"$OUT/javac.log" \
  || { echo "javac failed, see $OUT/javac.log" >&2; exit 1; }
SSEBENCH=("$JAVA" -cp "$CLASSES" SseBench)
POSTBENCH=("$JAVA" -cp "$CLASSES" PostBench)

# ---------------------------------------------------------------- start / stop
FD_PIDS=(); PEERS_UP=(); PG_UP=0; PGDIR="$OUT/pg"
RUNPG=(); [[ $EUID -eq 0 ]] && RUNPG=(runuser -u postgres --)
PGBIN=/usr/lib/postgresql/15/bin
cleanup() {
  for p in "${FD_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${FD_PIDS[@]}"; do for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; kill -9 "$p" 2>/dev/null; done
  FD_PIDS=()
  for p in "${PEERS_UP[@]}"; do RUNDIR="$OUT/peers/$p" "$SHARED/peers/$p/stop.sh" >/dev/null 2>&1; done
  PEERS_UP=()
  if [[ $PG_UP == 1 ]]; then "${RUNPG[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" stop -m fast >/dev/null 2>&1; PG_UP=0; fi
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

# start_farmdesk NAME PORT DB_URL DB_USER [APP_DIR] -> sets FD_PID; workdir $OUT/NAME (H2 file under ./data there)
start_farmdesk() {
  local name="$1" port="$2" url="$3" user="$4" dir="$OUT/$1" app="${5:-$APP}"
  mkdir -p "$dir"
  local opts=(); read -r -a opts <<< "${FARMDESK_JAVA_OPTS:-}"
  (cd "$dir" && PORT="$port" FARMDESK_DB_URL="$url" FARMDESK_DB_USER="$user" FARMDESK_RATE_LIMIT=0 \
     FARMDESK_STREAMS_PER_USER=0 FARMDESK_AUTH_SECRET="$SECRET" FARMDESK_DEV_LOGIN=true FARMDESK_WEB_DIR="$repo/web" \
     exec "$JAVA" "${opts[@]}" -jar "$app/farmdesk.jar" > server.log 2>&1) &
  FD_PID=$!
  FD_PIDS+=("$FD_PID")
  for _ in $(seq 150); do
    curl -fsS -m 1 "http://127.0.0.1:$port/observe/health" >/dev/null 2>&1 && break
    kill -0 "$FD_PID" 2>/dev/null || break
    sleep 0.2
  done
  curl -fsS -m 1 "http://127.0.0.1:$port/observe/health" >/dev/null 2>&1 \
    || { echo "$name did not come up; see $dir/server.log"; return 1; }
  "${POSTBENCH[@]}" setup --base "http://127.0.0.1:$port" --tickets "$TICKETS" --out "$dir" | sed 's/^/  /'
}

start_pg() {
  [[ -x "$PGBIN/initdb" ]] || { echo "PostgreSQL: skipped (no server binaries at $PGBIN)"; return 1; }
  mkdir -p "$PGDIR"; [[ $EUID -eq 0 ]] && chown postgres "$PGDIR"
  "${RUNPG[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 > "$PGDIR/initdb.log" 2>&1 \
    || { echo "PostgreSQL: skipped (initdb failed, see $PGDIR/initdb.log)"; return 1; }
  # defaults kept (synchronous_commit=on, fsync=on); only the port, socket dir and connections change
  "${RUNPG[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -w -l "$PGDIR/pg.log" \
    -o "-p $PG_PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=50" start > /dev/null 2>&1 \
    || { echo "PostgreSQL: skipped (did not start, see $PGDIR/pg.log)"; return 1; }
  PG_UP=1
  "${RUNPG[@]}" psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc 'CREATE DATABASE farmdesk' >/dev/null \
    || { echo "PostgreSQL: skipped (CREATE DATABASE failed)"; return 1; }
  echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (synchronous_commit=$("${RUNPG[@]}" psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atc 'show synchronous_commit'))"
}

# the port of a Farmdesk target
fd_port() { case "$1" in fd-pg) echo "$FD_PG_PORT" ;; fd-base) echo "$FD_BASE_PORT" ;; *) echo "$FD_H2_PORT" ;; esac; }
pids_of_tree() { { echo "$1"; pgrep -P "$1"; } | paste -sd, -; }

# ---------------------------------------------------------------- targets
TARGETS=()
declare -A PIDS
echo "starting Farmdesk (H2) on :$FD_H2_PORT"
if start_farmdesk fd-h2 "$FD_H2_PORT" "jdbc:h2:file:./data/farmdesk" "sa"; then
  TARGETS+=(fd-h2); PIDS[fd-h2]=$FD_PID
fi
if [[ -n "$BASELINE" ]]; then
  echo "starting the baseline Farmdesk (H2) on :$FD_BASE_PORT"
  if start_farmdesk fd-base "$FD_BASE_PORT" "jdbc:h2:file:./data/farmdesk" "sa" "$BASE_APP"; then
    TARGETS+=(fd-base); PIDS[fd-base]=$FD_PID
  fi
fi
if [[ "$PG" != 0 ]]; then
  if start_pg; then
    echo "starting Farmdesk (PostgreSQL) on :$FD_PG_PORT"
    if start_farmdesk fd-pg "$FD_PG_PORT" "jdbc:postgresql://127.0.0.1:$PG_PORT/farmdesk" "postgres"; then
      TARGETS+=(fd-pg); PIDS[fd-pg]=$FD_PID
    fi
  elif [[ "$PG" == 1 ]]; then
    echo "PG=1 but PostgreSQL could not be started" >&2; exit 1
  fi
fi
for p in $PEERS; do
  case "$p" in
    nchan)
      if ! command -v nginx >/dev/null || [[ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]]; then
        echo "nchan: skipped (needs nginx + libnginx-mod-nchan: apt-get install -y nginx libnginx-mod-nchan)"; continue; fi
      if m="$(RUNDIR="$OUT/peers/nchan" "$SHARED/peers/nchan/start.sh" 2>"$OUT/nchan-start.err")"; then
        PEERS_UP+=(nchan); TARGETS+=(nchan); PIDS[nchan]="$(pids_of_tree "$m")"
        echo "nchan up (nginx $(nginx -v 2>&1 | sed 's/.*\///'), pids ${PIDS[nchan]})"
      else echo "nchan: skipped (did not start: $(tail -1 "$OUT/nchan-start.err"))"; fi ;;
    socketio|socketio-seed)
      if ! command -v node >/dev/null; then echo "socketio: skipped (no node)"; continue; fi
      d="$SHARED/peers/socketio-seed"
      if [[ ! -d "$d/node_modules/socket.io-client" ]] && ! (cd "$d" && npm ci --no-audit --no-fund >"$OUT/npm.log" 2>&1); then
        echo "socketio: skipped (npm ci failed in $d, see $OUT/npm.log)"; continue; fi
      if m="$(RUNDIR="$OUT/peers/socketio-seed" "$d/start.sh" 2>"$OUT/socketio-start.err")"; then
        PEERS_UP+=(socketio-seed); TARGETS+=(sio); PIDS[sio]="$m"
        echo "socketio-seed up (node $(node -v), pid $m)"
      else echo "socketio: skipped (did not start: $(tail -1 "$OUT/socketio-start.err"))"; fi ;;
    pushpin)
      if ! command -v pushpin >/dev/null; then echo "pushpin: skipped (pushpin not installed)"; continue; fi
      if both="$(RUNDIR="$OUT/peers/pushpin" "$SHARED/peers/pushpin/start.sh" 2>"$OUT/pushpin-start.err")"; then
        PEERS_UP+=(pushpin); TARGETS+=(pushpin); PIDS[pushpin]="$(pids_of_tree "${both% *}"),${both#* }"
        echo "pushpin up (pids ${PIDS[pushpin]})"
      else echo "pushpin: skipped (did not start: $(tail -1 "$OUT/pushpin-start.err"))"; fi ;;
    *) echo "unknown peer $p (nchan, socketio, pushpin)" ;;
  esac
done
has() { [[ " ${TARGETS[*]} " == *" $1 "* ]]; }
echo "targets: ${TARGETS[*]}   (setup took $(( $(date +%s) - t0 )) s)"
[[ ${#TARGETS[@]} -gt 0 ]] || exit 1

# ---------------------------------------------------------------- steps
RESULTS="$OUT/results.txt"; : > "$RESULTS"
# step NAME CMD...  one scenario with a hard time bound; keeps its RESULT line
step() {
  local name="$1"; shift
  local left=$(( BUDGET - ($(date +%s) - t0) ))
  if (( left < 20 )); then
    echo "--- $name: skipped (time budget of $BUDGET s used up)"; echo "RESULT scenario=$name skipped=budget" >> "$RESULTS"; return; fi
  local limit=$(( left < STEP_TIMEOUT ? left : STEP_TIMEOUT ))
  echo "--- $name  (load $(cut -d' ' -f1-3 /proc/loadavg))"
  timeout -k 10 "$limit" "$@" > "$OUT/$name.log" 2>&1
  local rc=$?
  grep '^RESULT' "$OUT/$name.log" | sed "s/^RESULT /RESULT scenario=$name /" >> "$RESULTS" \
    || echo "RESULT scenario=$name failed rc=$rc" >> "$RESULTS"
  grep -E '^  (subscribers|published|deliveries|latency|delivery rate|held|server VmRSS|CPU|posts)' "$OUT/$name.log" | sed 's/^/    /'
  [[ $rc -ne 0 ]] && echo "    (exit $rc, see $OUT/$name.log)"
  sleep 2
}

sse_common=(--connect-concurrency 256 --settle 1 --drain "$DRAIN" --pub-conns "$PUB_CONNS")
EXTRACT='"text":"bench {run} (?<seq>\d+) (?<ts>\d+)","internal"'
# args_for TARGET -> ARGS (SseBench target options: URLs, auth, matching)
args_for() {
  local t="$1"
  case "$t" in
    fd-h2|fd-pg|fd-base)
      local port; port=$(fd_port "$t")
      local b="http://127.0.0.1:$port" dir="$OUT/$t"
      ARGS=(--sub-url "$b/api/tickets/{topic}/events" --pub-url "$b/api/tickets/{topic}/messages"
            --topic-list "$dir/tickets.txt" -H "Authorization: Bearer $(cat "$dir/admin.token")"
            --event new-message --extract "$EXTRACT")
      POLL_ARGS=(--transport poll --sub-url "$b/api/tickets/{topic}/events/poll?timeout=25" --cursor-param after
                 --cursor-json next --cursor-init "$("${POSTBENCH[@]}" latest --base "$b" --token "$(cat "$dir/admin.token")" --path /api/tickets/TKT-1001/events/poll)") ;;
    nchan)
      ARGS=(--sub-url "http://127.0.0.1:19001/sub/b-{run}-{topic}" --pub-url "http://127.0.0.1:19001/pub/b-{run}-{topic}")
      POLL_ARGS=(--transport poll --poll-conditional) ;;
    pushpin)
      ARGS=(--sub-url "http://127.0.0.1:19010/sub/b-{run}-{topic}" --pub-url "http://127.0.0.1:19011/publish/"
            --body '{"items":[{"channel":"b-{run}-{topic}","formats":{"http-stream":{"content":"data: {\"text\":\"bench {run} {seq} {ts}\"}\n\n"}}}]}')
      POLL_ARGS=() ;;
  esac
}
# deliver SCEN TARGET [poll] -- SIZE ARGS...
deliver() {
  local scen="$1" t="$2"; shift 2
  local transport=sse; if [[ "$1" == poll ]]; then transport=poll; shift; fi
  local name="$t-$scen"; [[ $transport == poll ]] && name="$t-poll-$scen"
  if [[ $t == sio ]]; then
    local tr=websocket; [[ $transport == poll ]] && tr=polling
    step "$name" node "$SHARED/peers/socketio-seed/bench-client.js" --label "$name" --transport "$tr" \
      --pid "${PIDS[$t]}" --drain "$DRAIN" --pub-conns "$PUB_CONNS" "$@"
    return
  fi
  args_for "$t"
  local extra=(); if [[ $transport == poll ]]; then
    [[ ${#POLL_ARGS[@]} -eq 0 ]] && return
    extra=("${ARGS[@]}" "${POLL_ARGS[@]}")   # later --sub-url/--transport win
  else extra=("${ARGS[@]}"); fi
  step "$name" "${SSEBENCH[@]}" --label "$name" "${extra[@]}" --pid "${PIDS[$t]}" "${sse_common[@]}" "$@"
}

# JIT warm-up of each Farmdesk JVM (not measured): posts, then a small fan-out over SSE and over long-polling. Without it the first
# scenarios measure C2 compiling (floor1 then costs ~8 ms of server CPU per message instead of ~0.3).
for t in fd-h2 fd-base fd-pg; do
  has "$t" || continue
  port=$(fd_port "$t")
  echo "--- $t warm-up (JIT; not measured)"
  "${POSTBENCH[@]}" posts --label warmup --base "http://127.0.0.1:$port" --token "$(cat "$OUT/$t/admin.token")" \
    --tickets "$OUT/$t/tickets.txt" --conns 8 --seconds "${WARM_S:-6}" --warmup 0 > "$OUT/$t-warmup.log" 2>&1
  args_for "$t"
  timeout 60 "${SSEBENCH[@]}" --label warmup "${ARGS[@]}" --mode fanout --subs 100 --messages 200 --rate 100 --quiet \
    "${sse_common[@]}" >> "$OUT/$t-warmup.log" 2>&1
  # the long-poll path too (its first run otherwise measures the JIT: p99 ~400 ms instead of ~100)
  timeout 60 "${SSEBENCH[@]}" --label warmup "${ARGS[@]}" "${POLL_ARGS[@]}" --mode fanout --subs 100 --messages 200 \
    --rate 50 --quiet "${sse_common[@]}" >> "$OUT/$t-warmup.log" 2>&1
done

# idle first (fresh processes), then latency below saturation, then the loaded scenarios
for t in "${TARGETS[@]}"; do
  [[ $t == fd-pg ]] && continue        # same stream code as fd-h2; saves 45 s
  if [[ $t == sio ]]; then
    step "$t-idle" node "$SHARED/peers/socketio-seed/bench-client.js" --label "$t-idle" --mode idle --transport websocket \
      --subs "$IDLE_S" --topics "$IDLE_T" --hold "$IDLE_H" --pid "${PIDS[$t]}"
  else
    args_for "$t"
    sub=("${ARGS[@]}"); [[ $t == nchan ]] && sub=(--sub-url "http://127.0.0.1:19001/sub/idle-{run}-{topic}")
    [[ $t == pushpin ]] && sub=(--sub-url "http://127.0.0.1:19010/sub/idle-{run}-{topic}")
    step "$t-idle" "${SSEBENCH[@]}" --label "$t-idle" --mode idle "${sub[@]}" --subs "$IDLE_S" --topics "$IDLE_T" \
      --hold "$IDLE_H" --pid "${PIDS[$t]}" "${sse_common[@]}"
  fi
done
for t in "${TARGETS[@]}"; do
  deliver floor1 "$t" --mode fanout --subs 1 --messages "$FLOOR_M" --rate "$FLOOR_R" --warmup "$FLOOR_W"
done
for t in "${TARGETS[@]}"; do
  deliver fanout20 "$t" --mode fanout --subs "$FANL_S" --messages "$FANL_M" --rate "$FANL_R" --warmup "$FANL_W"
done
for t in "${TARGETS[@]}"; do
  [[ $t == pushpin || $t == fd-pg ]] && continue
  deliver fanout20 "$t" poll --mode fanout --subs "$FANL_S" --messages "$FANL_M" --rate "$FANL_R" --warmup "$FANL_W"
done
for t in "${TARGETS[@]}"; do
  deliver rooms "$t" --mode rooms --subs "$ROOM_S" --topics "$ROOM_T" --messages "$ROOM_M" --rate "$ROOM_R" --warmup "$ROOM_W"
done
for t in "${TARGETS[@]}"; do
  [[ $t == fd-pg ]] && continue
  deliver saturation "$t" --mode fanout --subs "$FAN_S" --messages "$FAN_M" --rate "$FAN_R" --warmup "$FAN_W"
done
# durable posts (Farmdesk only): closed loop, as fast as the server answers
for t in fd-h2 fd-base fd-pg; do
  has "$t" || continue
  port=$(fd_port "$t")
  step "$t-posts" "${POSTBENCH[@]}" posts --label "$t-posts" --base "http://127.0.0.1:$port" \
    --token "$(cat "$OUT/$t/admin.token")" --tickets "$OUT/$t/tickets.txt" --conns "$POSTS_C" \
    --seconds "$POSTS_SEC" --warmup "$POSTS_WARM" --pid "${PIDS[$t]}"
  if [[ $t != fd-pg ]]; then
    step "$t-posts-slow" "${POSTBENCH[@]}" posts --label "$t-posts-slow" --base "http://127.0.0.1:$port" \
      --token "$(cat "$OUT/$t/admin.token")" --tickets "$OUT/$t/tickets.txt" --conns "$POSTS_C" \
      --seconds "$POSTS_SEC" --warmup "$POSTS_WARM" --pid "${PIDS[$t]}" --stuck "$STUCK" --stuck-path /api/admin/events
    curl -s "http://127.0.0.1:$port/observe/metrics" | grep -E '^farmdesk_subscribers_dropped' | sed 's/^/    /'
  fi
done
for t in fd-h2 fd-base fd-pg; do
  has "$t" && grep -hE 'Exception|SEVERE' "$OUT/$t/server.log" 2>/dev/null | sort | uniq -c | sort -rn | head -5 | sed "s/^/    $t log: /"
done

cleanup
elapsed=$(( $(date +%s) - t0 ))
echo "total $elapsed s; load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/env.txt"

# ---------------------------------------------------------------- the table
"$here/table.sh" "$RESULTS" | tee "$OUT/table.md"
echo
echo "details: $OUT (results.txt, one log per scenario, env.txt)"
