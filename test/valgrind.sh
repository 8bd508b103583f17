#!/usr/bin/env bash
# Runs uvcore's tests under valgrind memcheck, one valgrind per test, and
# reports each: pass, skip, or fail with the reason (memory errors, a
# definite or indirect leak, a descriptor left open, a failed assertion,
# a timeout).
#
#   test/valgrind.sh [-j N] [-t SECONDS] [-b BUILD_DIR] [REGEX...]
#
# With no REGEX every test runs (about 460; the whole list takes long: see
# docs/reliability.md for figures).  Each REGEX is an extended regular
# expression matched against the whole test name (grep -xE).
#
# The runner normally re-executes itself for each test; valgrind would
# then follow a process that only waits.  So valgrind runs the runner's
# single-test mode, "uvcore_tests --run NAME", which runs the body in that
# very process (with the runner's own descriptor-leak check).  Helper
# processes a test execs are not followed (--trace-children=no): they are
# the same code, exercised by the tests that run it in-process.  Children
# a test forks without exec are followed, and their leaks count too.
#
# Leaks: "definitely" and "indirectly" lost bytes are errors; memory still
# reachable at exit (the library's global state) and "possibly lost"
# (pointers into the middle of blocks, e.g. thread stacks) are not.
# Descriptors: --track-fds=yes lists those open at exit; any the test
# process opened itself (not inherited) fails the test.
#
# Suppressions for glibc and kernel artefacts only, each justified, are in
# test/valgrind.supp.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
src="$(dirname "$here")"
jobs=2
timeout_s=300
build="$src/build/valgrind"

while getopts "j:t:b:" opt; do
  case "$opt" in
    j) jobs="$OPTARG" ;;
    t) timeout_s="$OPTARG" ;;
    b) build="$OPTARG" ;;
    *) sed -n '2,12p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

if ! command -v valgrind >/dev/null; then
  echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2
  exit 2
fi

# A plain Debug build: no sanitizer runtime (valgrind cannot run one).
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DUVCORE_BUILD_TESTS=ON -DUVCORE_WERROR=ON >/dev/null || exit 2
fi
if ! out="$(cmake --build "$build" -j "$jobs" 2>&1)"; then
  printf '%s\n' "$out" >&2
  exit 2
fi
runner="$build/test/uvcore_tests"

list="$("$runner" --list)"
if [ $# -gt 0 ]; then
  pattern=""
  for re in "$@"; do
    pattern="${pattern:+$pattern|}($re)"
  done
  list="$(printf '%s\n' "$list" | grep -xE "$pattern" || true)"
fi
if [ -z "$list" ]; then
  echo "valgrind.sh: no test matches" >&2
  exit 2
fi

logs="$build/valgrind-logs"
rm -rf "$logs"
mkdir -p "$logs" "$build/test/scratch"
# Each process valgrind follows opens a log of its own (%p), including
# children that tests fork and then drop to uid 65534: they must be able
# to create it, or valgrind ends them before they run.
chmod 1777 "$logs"

# One test: prints "RESULT name detail" on one line.
run_one() {
  local name="$1" log="$logs/$1" rc out detail
  (
    cd "$build/test/scratch" || exit 2
    # sh records its pid and execs valgrind, so that pid is the test
    # process's: its log is the one the descriptor check reads.
    exec timeout -k 10 "$timeout_s" sh -c 'echo $$ > "$0.pid"; exec "$@"' \
      "$log" valgrind -q \
      --error-exitcode=99 --exit-on-first-error=no \
      --leak-check=full --show-leak-kinds=definite,indirect \
      --errors-for-leak-kinds=definite,indirect \
      --track-fds=yes --trace-children=no \
      --suppressions="$here/valgrind.supp" --gen-suppressions=all \
      --log-file="$log.vg.%p" \
      "$runner" --run "$name"
  ) >"$log.out" 2>&1
  rc=$?
  # Descriptors the test process opened and left open at exit (children
  # it forks exit with whatever they hold, as they may).  Inherited ones
  # (stdio, the caller's) are listed by valgrind with "<inherited from
  # parent>" and are not ours.
  out="$(grep -h -A1 '^==[0-9]*== Open .*file descriptor [0-9]*:' \
         "$log.vg.$(cat "$log.pid" 2>/dev/null)" \
         2>/dev/null | grep -v -e '^--$' | paste - - |
         grep -v 'inherited from parent' | grep -v 'descriptor [012]:' || true)"
  case "$rc" in
    0) if [ -n "$out" ]; then
         detail="descriptors left open: $(printf '%s' "$out" | head -3 |
                   sed 's/==[0-9]*== //g' | tr '\t\n' ' ')"
         echo "FAIL $name $detail"
       else
         echo "PASS $name"
       fi ;;
    77) echo "SKIP $name $(grep -m1 'skipped:' "$log.out" | sed 's/.*skipped: //')" ;;
    99) detail="$(grep -h -m1 -E 'definitely lost|indirectly lost|Invalid|uninitialised|Mismatched|Syscall param|overlap' \
                  "$log".vg.* 2>/dev/null | head -1 | sed 's/==[0-9]*== //')"
        echo "FAIL $name valgrind: ${detail:-see $log.vg.*}" ;;
    124|137) echo "FAIL $name timeout after ${timeout_s}s" ;;
    *) echo "FAIL $name exit code $rc: $(grep -m1 -E 'assertion|failed|leaked' "$log.out")" ;;
  esac
}
export -f run_one
export logs build here runner timeout_s

start=$(date +%s)
results="$(printf '%s\n' "$list" | xargs -P "$jobs" -I{} bash -c 'run_one "$1"' _ {} 2>/dev/null)"
end=$(date +%s)

printf '%s\n' "$results" | sort -k1,1 -s | sed 's/^/valgrind| /'
pass=$(printf '%s\n' "$results" | grep -c '^PASS' || true)
skip=$(printf '%s\n' "$results" | grep -c '^SKIP' || true)
fail=$(printf '%s\n' "$results" | grep -c '^FAIL' || true)
echo "valgrind: $pass passed, $skip skipped, $fail failed of $(printf '%s\n' "$list" | wc -l) in $((end - start)) s (logs: $logs)"
[ "$fail" -eq 0 ]
