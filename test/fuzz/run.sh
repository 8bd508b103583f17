#!/usr/bin/env bash
# Builds the libFuzzer targets (the "fuzz" preset) and runs each for a
# while, starting from the seed corpora in test/fuzz/corpus.  New inputs
# and any crash go to build/fuzz/corpus-<target>/ and build/fuzz/artifacts/,
# never into the source tree.  A crash fails the run; turn its input into
# a regression test (see docs/reliability.md).
#
#   test/fuzz/run.sh [-t SECONDS_EACH] [TARGET...]   (targets: inet wtf8 idna ipc)
set -euo pipefail
cd "$(dirname "$0")/../.."

secs=45
while getopts "t:" opt; do
  case "$opt" in
    t) secs="$OPTARG" ;;
    *) sed -n '2,8p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(inet wtf8 idna ipc)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz >/dev/null
out=build/fuzz
mkdir -p "$out/artifacts"

status=0
for t in "${targets[@]}"; do
  mkdir -p "$out/corpus-$t"
  log="$out/fuzz-$t.log"
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     "$out/test/fuzz/fuzz-$t" -max_total_time="$secs" -timeout=10 \
       -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$out/artifacts/$t-" \
       "$out/corpus-$t" "test/fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
    echo "fuzz $t: ok, ${runs:-?} executions in ${secs}s, coverage ${cov:-?} edges, corpus $(ls "$out/corpus-$t" | wc -l) inputs"
  else
    echo "fuzz $t: FAILED (log: $log)"
    grep -m5 -E 'ERROR|SUMMARY|Test unit written' "$log" || true
    status=1
  fi
done
exit "$status"
