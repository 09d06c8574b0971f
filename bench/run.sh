#!/usr/bin/env bash
# The benchmark: the platform jar against a minimal Vert.x baseline, on one generated data set.
#
#   bench/run.sh              full run (~10-15 min on 2 cores): writes bench/RESULTS.md
#   bench/run.sh --smoke      tiny data set, every endpoint once, non-zero exit on any non-2xx (seconds)
#   bench/run.sh --help       all options
#
# It builds the platform jar (app/target/community-platform.jar) and the bench module with Maven,
# then runs org.communityplatform.bench.Bench. BENCH_SKIP_BUILD=1 skips the builds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

build() {
  # a shared lock, so that the build does not interleave with other builds of the same tree
  if command -v flock >/dev/null 2>&1; then
    flock "${BENCH_BUILD_LOCK:-/tmp/core.lock}" "$@"
  else
    "$@"
  fi
}

if [[ "${BENCH_SKIP_BUILD:-0}" != "1" ]]; then
  echo "building the platform jar (mvn -pl app -am package -DskipTests) ..."
  build mvn -B -q -pl app -am package -DskipTests
  echo "building the bench (mvn -pl bench package -DskipTests) ..."
  # copy-dependencies never deletes: a jar left from an older build (the PostgreSQL 14 binaries)
  # would sit beside the new one on the driver's class path
  rm -rf bench/target/lib
  mvn -B -q -pl bench package -DskipTests
fi

if [[ " $* " != *" --smoke "* ]] && ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is missing: install it with 'apt-get install -y wrk' (Debian/Ubuntu)" >&2
  exit 1
fi

exec java -Xmx1g -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*" org.communityplatform.bench.Bench --root "$ROOT" "$@"
