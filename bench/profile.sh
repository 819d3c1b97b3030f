#!/usr/bin/env bash
# bench/profile.sh - JFR profiles of Farmdesk (H2) under the benchmark scenarios, and a heap histogram
# at 10,000 idle streams. Run it alone on the machine (it measures, it does not compare).
#
#   bench/profile.sh              # ~4 min: fanout20 + saturation, durable posts, idle 10k
#   OUT=/tmp/prof bench/profile.sh
#
# One JVM (with -XX:NativeMemoryTracking=summary), one JFR recording per phase started and stopped
# with jcmd (settings=profile: 10/20 ms execution samples, allocation samples, monitor enter and park
# over 10 ms lowered to 1 ms here), then bench/JfrSummary.java on each: OUT/<phase>.jfr, OUT/<phase>.txt,
# plus `jfr view hot-methods|allocation-by-class|contention-by-site` and, at 10,000 streams,
# GC.class_histogram, GC.heap_info, VM.native_memory summary and the thread counts.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
SHARED="${SHARED_BENCH:-$repo/../shared/bench}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
J="$JAVA_HOME/bin"
OUT="${OUT:-${TMPDIR:-/tmp}/farmdesk-profile/$(date +%Y%m%d-%H%M%S)}"
PORT="${PORT:-19111}"
IDLE_S="${IDLE_S:-10000}"
mkdir -p "$OUT/app" "$OUT/classes" "$OUT/run"
ulimit -n "$(ulimit -Hn)"
[[ "${NO_BUILD:-0}" == 1 ]] || (cd "$repo" && PATH="$J:$PATH" mvn -q -B -DskipTests package > "$OUT/build.log" 2>&1) || { echo "build failed"; exit 1; }
cp -r "$repo/target/farmdesk.jar" "$repo/target/libs" "$OUT/app/"
"$J/javac" -d "$OUT/classes" "$SHARED/SseBench.java" "$here/PostBench.java" "$here/JfrSummary.java" || exit 1
B="http://127.0.0.1:$PORT"

(cd "$OUT/run" && PORT=$PORT FARMDESK_RATE_LIMIT=0 FARMDESK_STREAMS_PER_USER=0 \
   FARMDESK_AUTH_SECRET=farmdesk-bench-secret-0123456789abcdef FARMDESK_DEV_LOGIN=true FARMDESK_WEB_DIR="$repo/web" \
   exec "$J/java" -XX:NativeMemoryTracking=summary -XX:+FlightRecorder ${FARMDESK_JAVA_OPTS:-} \
   -jar "$OUT/app/farmdesk.jar" > server.log 2>&1) &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 150); do curl -fs -m1 "$B/observe/health" >/dev/null && break; sleep 0.2; done
"$J/java" -cp "$OUT/classes" PostBench setup --base "$B" --tickets 1000 --out "$OUT"
TOK="$(cat "$OUT/admin.token")"
SSE=("$J/java" -cp "$OUT/classes" SseBench --topic-list "$OUT/tickets.txt" -H "Authorization: Bearer $TOK"
     --event new-message --extract '"text":"bench {run} (?<seq>\d+) (?<ts>\d+)","internal"'
     --sub-url "$B/api/tickets/{topic}/events" --pub-url "$B/api/tickets/{topic}/messages" --pid "$PID"
     --pub-conns 32 --drain 15 --quiet)
EV='jdk.ExecutionSample#period=2ms jdk.JavaMonitorEnter#threshold=1ms jdk.ThreadPark#threshold=1ms jdk.CPUTimeSample#enabled=true jdk.CPUTimeSample#throttle=2ms'
jfr_start() { "$J/jcmd" $PID JFR.start name="$1" settings=profile $EV filename="$OUT/$1.jfr" > /dev/null; }
jfr_stop() {
  "$J/jcmd" $PID JFR.stop name="$1" > /dev/null
  "$J/java" -cp "$OUT/classes" JfrSummary "$OUT/$1.jfr" 25 > "$OUT/$1.txt" 2>&1
  for v in hot-methods allocation-by-class allocation-by-site contention-by-site; do
    echo "== jfr view $v" >> "$OUT/$1.views.txt"; "$J/jfr" view --width 200 "$v" "$OUT/$1.jfr" >> "$OUT/$1.views.txt" 2>&1
  done
  echo "profile $1 -> $OUT/$1.txt"
}

# warm-up (JIT), not recorded
"${SSE[@]}" --mode fanout --subs 200 --messages 300 --rate 100 > /dev/null 2>&1
"$J/java" -cp "$OUT/classes" PostBench posts --base "$B" --token "$TOK" --tickets "$OUT/tickets.txt" --seconds 5 --warmup 1 > /dev/null

# (a) fan-out: fanout20 then saturation, one recording
jfr_start fanout
"${SSE[@]}" --mode fanout --label fanout20 --subs 1000 --messages 200 --rate 20 --warmup 20 | tee "$OUT/fanout20.result"
"${SSE[@]}" --mode fanout --label saturation --subs 1000 --messages 400 --rate 100 --warmup 50 | tee "$OUT/saturation.result"
jfr_stop fanout

# (b) durable posts on H2
jfr_start posts
"$J/java" -cp "$OUT/classes" PostBench posts --base "$B" --token "$TOK" --tickets "$OUT/tickets.txt" --conns 16 \
  --seconds 15 --warmup 2 --pid $PID | tee "$OUT/posts.result"
jfr_stop posts

# (b2) long-poll fanout20: 1,000 pollers on one ticket
LATEST="$("$J/java" -cp "$OUT/classes" PostBench latest --base "$B" --token "$TOK" --path /api/tickets/TKT-1001/events/poll)"
jfr_start poll
"${SSE[@]}" --mode fanout --label poll-fanout20 --transport poll --sub-url "$B/api/tickets/{topic}/events/poll?timeout=25" \
  --cursor-param after --cursor-json next --cursor-init "$LATEST" --subs 1000 --messages 100 --rate 20 --warmup 20 | tee "$OUT/poll.result"
jfr_stop poll

# (c) idle: 10,000 streams; histogram etc. while they are held
"$J/jcmd" $PID GC.run > /dev/null; sleep 1
"$J/jcmd" $PID GC.heap_info > "$OUT/idle-before.heap.txt"
"$J/jcmd" $PID VM.native_memory summary > "$OUT/idle-before.nmt.txt"
grep -E 'VmRSS|Threads' /proc/$PID/status > "$OUT/idle-before.status.txt"
"$J/jcmd" $PID GC.class_histogram > "$OUT/idle-before.histo.txt"
"${SSE[@]}" --mode idle --subs "$IDLE_S" --topics 1000 --hold 60 > "$OUT/idle.result" 2>&1 &
SB=$!
for _ in $(seq 240); do
  n=$(curl -s "$B/observe/metrics" | awk '/^farmdesk_streams_open\{kind="ticket"/ {print int($2)}')
  [[ "${n:-0}" -ge "$IDLE_S" ]] && break; sleep 0.5
done
sleep 5
echo "streams open: $n"
grep -E 'VmRSS|Threads' /proc/$PID/status > "$OUT/idle-10k.status.txt"
"$J/jcmd" $PID GC.class_histogram > "$OUT/idle-10k.histo.txt"     # forces a full GC: live objects only
"$J/jcmd" $PID GC.heap_info > "$OUT/idle-10k.heap.txt"
"$J/jcmd" $PID VM.native_memory summary > "$OUT/idle-10k.nmt.txt"
"$J/jcmd" $PID Thread.vthread_summary > "$OUT/idle-10k.vthreads.txt" 2>&1
grep -E 'VmRSS|Threads' /proc/$PID/status >> "$OUT/idle-10k.status.txt"
wait $SB
cat "$OUT/idle.result" | grep RESULT
# histogram difference: what 10,000 streams hold (live, after full GC)
awk -v n="$IDLE_S" 'FNR == NR && $1 ~ /^[0-9]+:$/ { b[$4] = $3; bi[$4] = $2; next }
     $1 ~ /^[0-9]+:$/ { d = $3 - b[$4]; if (d > 0) printf "%12d bytes %9d instances  %8.1f B/stream  %s\n", d, $2 - bi[$4], d / n, $4 }' \
  "$OUT/idle-before.histo.txt" "$OUT/idle-10k.histo.txt" | sort -rn | head -40 > "$OUT/idle-histo-diff.txt"
echo "idle -> $OUT/idle-histo-diff.txt"; head -25 "$OUT/idle-histo-diff.txt"
echo "done: $OUT"
