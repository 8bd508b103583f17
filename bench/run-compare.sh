#!/bin/sh
# Compares uvcore with the system's libuv on every bench/bench-*.c.
#
# Each benchmark is built twice with the same compiler and flags (-O2):
# once against uvcore's static library from a Release build directory this
# script configures (build/bench-release, or $UVCORE_BENCH_BUILD), once
# against the installed libuv (-luv, header from the system include path).
# Both binaries are then run $RUNS times, alternating, and one line per
# benchmark shows the median of the medians each run reports and the ratio
# uvcore/libuv of those times: below 1 means uvcore is faster.
#
#   bench/run-compare.sh            RUNS=5 bench/run-compare.sh
#
# Every benchmark prints a final line "median: <milliseconds> ms (...)";
# that number is what is compared.  A benchmark runs without arguments,
# unless its source has lines " * compare: <label> <arguments...>": then it
# runs once per such line, shown as <name>-<label>.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${UVCORE_BENCH_BUILD:-$root/build/bench-release}
out=$build/compare
runs=${RUNS:-3}
cc=${CC:-gcc}

if [ ! -f /usr/include/uv.h ]; then
  echo "run-compare: libuv's header (/usr/include/uv.h) is not installed" >&2
  exit 2
fi

# uvcore, Release.
if [ ! -f "$build/CMakeCache.txt" ]; then
  gen=""
  command -v ninja >/dev/null 2>&1 && gen="-G Ninja"
  # shellcheck disable=SC2086
  cmake -S "$root" -B "$build" $gen -DCMAKE_BUILD_TYPE=Release \
        -DUVCORE_BUILD_TESTS=OFF -DUVCORE_BUILD_EXAMPLES=OFF \
        -DUVCORE_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build" --target uvcore_static -j2 >/dev/null
lib=$build/libuvcore.a
if [ ! -f "$lib" ]; then
  echo "run-compare: $lib was not built" >&2
  exit 1
fi

mkdir -p "$out"
# One row per run to compare: "<shown name> <binary base> [arguments...]".
rows=$out/rows
: >"$rows"
for src in "$root"/bench/bench-*.c; do
  name=$(basename "$src" .c)
  # A benchmark that needs a function uvcore lacks fails below, on its own,
  # naming the function; the others still run.
  rm -f "$out/$name-uvcore"
  "$cc" -O2 -I"$root/include" -o "$out/$name-uvcore" "$src" "$lib" \
        -lpthread -ldl 2>"$out/$name-uvcore.log" || true
  # No -I: the system's uv.h and libuv.so.
  "$cc" -O2 -o "$out/$name-libuv" "$src" -luv -lpthread
  variants=$(sed -n 's/^ \* compare: *//p' "$src")
  if [ -z "$variants" ]; then
    printf '%s %s\n' "$name" "$name" >>"$rows"
  else
    printf '%s\n' "$variants" | while read -r label args; do
      printf '%s %s %s\n' "$name-$label" "$name" "$args" >>"$rows"
    done
  fi
done

# Runs one binary with the arguments that follow; prints the number after
# "median:" in its output.  Fails if the program fails or prints no such
# line.
run_one() {
  o=$("$@") || return 1
  v=$(printf '%s\n' "$o" | sed -n 's/^median: *\([0-9.][0-9.]*\) *ms.*/\1/p' |
      tail -n 1)
  [ -n "$v" ] || return 1
  printf '%s\n' "$v"
}

# Median of the numbers on stdin.
median_of() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

status=0
printf '%-22s %14s %14s %8s   (median of %s runs; ratio < 1: uvcore faster)\n' \
       benchmark "uvcore" "libuv" "ratio" "$runs"
# (stdin of the loop is the row list; the benchmarks must not read it.)
while read -r name bin args; do
  u=""
  l=""
  failed=""
  i=0
  if [ ! -x "$out/$bin-uvcore" ]; then
    why=$(sed -n "s/.*undefined reference to .\(uv_[a-z0-9_]*\).*/\1/p" \
          "$out/$bin-uvcore.log" | sort -u | paste -sd ' ' -)
    if [ -n "$why" ]; then
      why="undefined: $why"
    else
      why="see $out/$bin-uvcore.log"
    fi
    printf '%-22s FAILED (no uvcore build; %s)\n' "$name" "$why"
    status=1
    continue
  fi
  while [ "$i" -lt "$runs" ]; do
    # shellcheck disable=SC2086
    if v=$(run_one "$out/$bin-uvcore" $args </dev/null); then
      u="$u $v"
    else
      failed="uvcore"
    fi
    # shellcheck disable=SC2086
    if v=$(run_one "$out/$bin-libuv" $args </dev/null); then
      l="$l $v"
    else
      failed="${failed:+$failed+}libuv"
    fi
    i=$((i + 1))
  done
  if [ -n "$failed" ]; then
    printf '%-22s FAILED (%s)\n' "$name" "$failed"
    status=1
    continue
  fi
  um=$(printf '%s\n' $u | median_of)
  lm=$(printf '%s\n' $l | median_of)
  awk -v n="$name" -v u="$um" -v l="$lm" 'BEGIN {
    printf "%-22s %11.2f ms %11.2f ms %8.2f\n", n, u, l, (l > 0 ? u / l : 0)
  }'
done <"$rows"
exit "$status"
