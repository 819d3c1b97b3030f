#!/usr/bin/env bash
# bench/median.sh RESULTS...  -> RESULT lines holding, for each scenario, the median of every numeric field
# over the runs (a field that is not a number everywhere keeps its first value), plus runs=N. Feed the output
# to bench/table.sh for one table of medians:
#
#   for i in 1 2 3; do OUT=/tmp/b$i bench/run.sh; done
#   bench/median.sh /tmp/b{1,2,3}/results.txt > /tmp/median.txt && bench/table.sh /tmp/median.txt
#
# Medians per field, not per run: a p99 and a p50 in one row may come from different runs.
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: median.sh results.txt..." >&2; exit 2; }
awk '
function median(list,   n, a, i, j, t) {
  n = split(list, a, " ")
  for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$1 == "RESULT" {
  sc = ""
  for (i = 2; i <= NF; i++) if ($i ~ /^scenario=/) sc = substr($i, 10)
  if (sc == "") next
  if (!(sc in seen)) { seen[sc] = 1; order[++ns] = sc }
  runs[sc]++
  for (i = 2; i <= NF; i++) {
    p = index($i, "="); if (!p) continue
    k = substr($i, 1, p - 1); v = substr($i, p + 1)
    if (!((sc, k) in first)) { first[sc, k] = v; keys[sc] = keys[sc] " " k }
    vals[sc, k] = vals[sc, k] " " v
    if (v !~ /^-?[0-9]+(\.[0-9]+)?$/) text[sc, k] = 1
  }
}
END {
  for (s = 1; s <= ns; s++) {
    sc = order[s]; line = "RESULT scenario=" sc " runs=" runs[sc]
    nk = split(keys[sc], ks, " ")
    for (i = 1; i <= nk; i++) {
      k = ks[i]; if (k == "scenario") continue
      line = line " " k "=" (((sc, k) in text) ? first[sc, k] : median(vals[sc, k]))
    }
    print line
  }
}' "$@"
