#!/usr/bin/env bash
# bench/jmh.sh - microbenchmarks of Farmdesk's hot paths (JMH), so a regression shows up.
#
#   bench/jmh.sh                      # all benchmarks, 1 fork, 3 warm-up + 5 measured iterations of 1 s
#   bench/jmh.sh RecentEvents -i 10   # a subset (regex) and any JMH options
#
# The benchmarks live with the tests (src/test/java/farmdesk/**/*Benchmark.java): FanOutBenchmark
# (one event to 1,000 subscribers; encoding an event once), RecentEventsBenchmark (a poll answered
# from memory), PollAnswerBenchmark (a long-poll answer's body). On a 2-core shared machine compare runs
# made back to back, not absolute numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
mvn -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/jmh.classpath \
    -Dmdep.includeScope=test >/dev/null
filter=${1:-farmdesk}
[ $# -gt 0 ] && shift
exec java -cp "target/test-classes:target/classes:$(cat target/jmh.classpath)" org.openjdk.jmh.Main \
    -f 1 -wi 3 -w 1s -i 5 -r 1s "$filter" "$@"
