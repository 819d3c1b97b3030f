#!/usr/bin/env bash
# bench/table.sh RESULTS  -> one Markdown table: Farmdesk (H2, PostgreSQL) beside the peers, the ratio
# Farmdesk(H2)/nchan, and the goal of the performance issue. RESULTS holds the RESULT lines written by
# bench/run.sh (scenario=<target>-<scenario>; targets fd-h2 fd-pg nchan sio pushpin). Plain awk.
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: table.sh results.txt" >&2; exit 2; }
awk '
function kv(line,   n, i, a, p, sc, v) {
  n = split(line, a, " "); sc = ""
  for (i = 2; i <= n; i++) { p = index(a[i], "="); if (p && substr(a[i], 1, p - 1) == "scenario") sc = substr(a[i], p + 1) }
  # numbers stored as numbers: awk compares two strings as text ("4.94" > "16")
  for (i = 2; i <= n; i++) { p = index(a[i], "="); if (p) { v = substr(a[i], p + 1); V[sc, substr(a[i], 1, p - 1)] = (v ~ /^-?[0-9]+(\.[0-9]+)?$/) ? v + 0 : v } }
  have[sc] = 1
}
function ok(sc) { return (sc in have) && V[sc, "failed"] == "" && V[sc, "skipped"] == "" }
function num(x) { return x + 0 }
function fmt(x) { x = num(x); return x >= 100 ? sprintf("%.0f", x) : (x >= 10 ? sprintf("%.1f", x) : sprintf("%.2f", x)) }
function lost(sc,   l) { l = V[sc, "lost"] + V[sc, "dup"] + V[sc, "misrouted"]; return l > 0 ? sprintf(" (lost %d, dup %d)", V[sc, "lost"], V[sc, "dup"]) : "" }
function lat(sc) {
  if (!(sc in have)) return "-"
  if (!ok(sc)) return V[sc, "skipped"] != "" ? "skipped" : "failed"
  return fmt(V[sc, "p50_ms"]) " / " fmt(V[sc, "p99_ms"]) lost(sc)
}
function cell(t, s, kind,   sc) {
  sc = t "-" s
  if (kind == "lat") return lat(sc)
  if (!(sc in have)) return "-"
  if (!ok(sc)) return V[sc, "skipped"] != "" ? "skipped" : "failed"
  if (kind == "rate") return sprintf("%.0f", V[sc, "deliv_rate"]) lost(sc) (V[sc, "pub_rate"] != "" ? sprintf(" (pub %.0f/s, sched p99 %s ms)", V[sc, "pub_rate"], fmt(V[sc, "sched_p99_ms"])) : "")
  if (kind == "idle") return sprintf("%s (RSS %s); %s/%s open", fmt(V[sc, "pss_kb_per_conn"]), fmt(V[sc, "kb_per_conn"]), V[sc, "still_open"], V[sc, "subs"])
  if (kind == "posts") return sprintf("%.0f/s (POST p50 %s, p99 %s ms)", V[sc, "rate"], fmt(V[sc, "p50_ms"]), fmt(V[sc, "p99_ms"]))
}
function ratio(a, b) { return (num(b) > 0 && a != "") ? sprintf("%.2f", num(a) / num(b)) : "-" }
function verdict(r, lim, dir) { if (r == "-" || lim == "") return "?"; return (dir == "le" ? (num(r) <= lim) : (num(r) >= lim)) ? "yes" : "**no**" }
function row(label, s, kind, key, lim, dir, goal,   r, t, line, met) {
  line = "| " label " |"
  for (t = 1; t <= nt; t++) line = line " " cell(T[t], s, kind) " |"
  r = (ok("fd-h2-" s) && ok("nchan-" s)) ? ratio(V["fd-h2-" s, key], V["nchan-" s, key]) : "-"
  # the verdict on the exact ratio: 0.998 prints as "1.00" but is not ">= 1"
  met = verdict(r == "-" ? r : num(V["fd-h2-" s, key]) / num(V["nchan-" s, key]), lim, dir)
  if (s == "saturation" && met == "yes" && V["fd-h2-saturation", "lost"] + 0 > 0) met = "**no** (lost)"
  if (s == "idle") met = ok("fd-h2-idle") ? (V["fd-h2-idle", "pss_kb_per_conn"] <= 16 ? "yes" : "**no**") : "?"
  if (s == "poll-fanout20") met = (ok("fd-h2-poll-fanout20") && ok("fd-h2-fanout20")) ? (V["fd-h2-poll-fanout20", "p99_ms"] <= 2 * V["fd-h2-fanout20", "p99_ms"] ? "yes" : "**no**") : "?"
  print line " " r " | " goal " | " met " |"
}
/^RESULT/ { kv($0) }
END {
  # a baseline build (bench/run.sh BASELINE=<ref>) gets a column beside Farmdesk H2
  base = 0; for (k in have) if (k ~ /^fd-base-/) base = 1
  nt = split(base ? "fd-h2 fd-base fd-pg nchan sio pushpin" : "fd-h2 fd-pg nchan sio pushpin", T, " ")
  print "| scenario (p50 / p99 ms unless noted) | Farmdesk H2 |" (base ? " Farmdesk H2, baseline |" : "") " Farmdesk PostgreSQL | nchan SSE | Socket.IO seed (websocket) | Pushpin SSE | Farmdesk H2 / nchan | goal | met |"
  print "|---|---|---|---|---|---|---|---|---|" (base ? "---|" : "")
  row("floor1: 1 sub, 20 msg/s", "floor1", "lat", "p99_ms", 2, "le", "p99 <= 2x nchan")
  row("rooms: 2,000 subs / 1,000 tickets, 200 msg/s", "rooms", "lat", "p99_ms", 1, "le", "p99 <= nchan")
  row("fanout20: 1,000 subs on one ticket, 20 msg/s", "fanout20", "lat", "p99_ms", 1, "le", "p99 <= nchan")
  row("saturation: 1,000 subs, 100 msg/s offered: deliveries/s", "saturation", "rate", "deliv_rate", 1, "ge", ">= nchan, 0 lost")
  row("idle: KB per open stream, Pss (RSS)", "idle", "idle", "pss_kb_per_conn", 99999, "le", "<= 16 KB (absolute)")
  row("fanout20 over long-polling (socket.io: polling)", "poll-fanout20", "lat", "p99_ms", 99999, "le", "poll p99 <= 2x SSE p99 (same server)")
  print ""
  # absolute goals
  if (ok("fd-h2-idle")) printf "- idle: Farmdesk %.1f KB per stream (Pss) -> goal <= 16 KB: %s\n", V["fd-h2-idle", "pss_kb_per_conn"], (V["fd-h2-idle", "pss_kb_per_conn"] <= 16 ? "yes" : "**no**")
  if (ok("fd-h2-poll-fanout20") && ok("fd-h2-fanout20")) {
    r = V["fd-h2-poll-fanout20", "p99_ms"] / V["fd-h2-fanout20", "p99_ms"]
    printf "- long-poll p99 / SSE p99 (Farmdesk H2, fanout20): %.2f -> goal <= 2: %s\n", r, (r <= 2 ? "yes" : "**no**")
  }
  if (ok("nchan-poll-fanout20") && ok("nchan-fanout20"))
    printf "- long-poll p99 / SSE p99 (nchan, fanout20): %.2f\n", V["nchan-poll-fanout20", "p99_ms"] / V["nchan-fanout20", "p99_ms"]
  if (ok("fd-h2-saturation")) printf "- saturation lost on Farmdesk H2: %d (goal 0); from-schedule p99 %s ms\n", V["fd-h2-saturation", "lost"], V["fd-h2-saturation", "sched_p99_ms"]
  if (ok("fd-h2-posts")) printf "- durable posts, H2: %s -> goal >= 2,000/s: %s\n", cell("fd-h2", "posts", "posts"), (V["fd-h2-posts", "rate"] >= 2000 ? "yes" : "**no**")
  if (ok("fd-pg-posts")) printf "- durable posts, PostgreSQL (synchronous_commit=on): %s\n", cell("fd-pg", "posts", "posts")
  if (ok("fd-h2-posts-slow") && ok("fd-h2-posts"))
    printf "- slow subscriber (%d SSE streams that never read, on the admin stream): posts %s vs %s without -> rate ratio %.2f (goal ~1: the publisher is not slowed); stuck streams still open at the end: %d\n", V["fd-h2-posts-slow", "stuck"], cell("fd-h2", "posts-slow", "posts"), cell("fd-h2", "posts", "posts"), V["fd-h2-posts-slow", "rate"] / V["fd-h2-posts", "rate"], V["fd-h2-posts-slow", "stuck_open_at_end"]
  printf "\nServer CPU per delivery (us), from --pid: "
  split("fanout20 rooms saturation", S, " ")
  for (s = 1; s <= 3; s++) {
    printf "%s", S[s] ": "
    for (t = 1; t <= nt; t++) if (ok(T[t] "-" S[s])) printf "%s %s  ", T[t], V[T[t] "-" S[s], "server_us_per_delivery"]
    printf "; "
  }
  if (ok("fd-h2-posts")) printf "posts: fd-h2 %s us/post", V["fd-h2-posts", "server_us_per_post"]
  if (ok("fd-pg-posts")) printf ", fd-pg %s us/post", V["fd-pg-posts", "server_us_per_post"]
  print ""
  for (sc in have) if (!ok(sc)) printf "- %s: %s\n", sc, (V[sc, "skipped"] != "" ? "skipped (" V[sc, "skipped"] ")" : "no result (see its log)")
  if (base) {
    # before/after under the same load: this build over the baseline (lower is better except rates)
    printf "\nThis build / baseline (H2, same run): "
    split("floor1 rooms fanout20 poll-fanout20", L, " ")
    for (s = 1; s <= 4; s++) if (ok("fd-h2-" L[s]) && ok("fd-base-" L[s]))
      printf "%s p99 %s; ", L[s], ratio(V["fd-h2-" L[s], "p99_ms"], V["fd-base-" L[s], "p99_ms"])
    if (ok("fd-h2-saturation") && ok("fd-base-saturation")) printf "saturation deliveries/s %s; ", ratio(V["fd-h2-saturation", "deliv_rate"], V["fd-base-saturation", "deliv_rate"])
    if (ok("fd-h2-idle") && ok("fd-base-idle")) printf "idle KB/stream %s; ", ratio(V["fd-h2-idle", "pss_kb_per_conn"], V["fd-base-idle", "pss_kb_per_conn"])
    if (ok("fd-h2-posts") && ok("fd-base-posts")) printf "posts/s %s; ", ratio(V["fd-h2-posts", "rate"], V["fd-base-posts", "rate"])
    split("fanout20 rooms saturation", S, " ")
    for (s = 1; s <= 3; s++) if (ok("fd-h2-" S[s]) && ok("fd-base-" S[s]))
      printf "%s CPU/delivery %s; ", S[s], ratio(V["fd-h2-" S[s], "server_us_per_delivery"], V["fd-base-" S[s], "server_us_per_delivery"])
    print ""
  }
}' "$1"
