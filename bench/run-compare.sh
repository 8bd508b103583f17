#!/usr/bin/env bash
# Compares uvcore with the system's libuv on every benchmark in bench/.
#
#   bench/run-compare.sh [--quick] [--rounds N] [--only REGEX] [--out DIR]
#
# Builds uvcore's static library in Release mode (build/bench-release, or
# $UVCORE_BENCH_BUILD), then every bench/bench-*.c twice with the same
# compiler and flags (-O2): against uvcore, and against Debian's libuv1-dev
# (installed with apt-get when missing, as is gnuplot for the chart).  The
# floor programs bench/floor-*.c (plain system calls, no library) are built
# once.  Then it runs N rounds (default 5; RUNS=N works too): in each round
# every workload runs once per library, the order of the two alternating
# from round to round, and its floor once where it has one.  So noise from
# the rest of the machine spreads over both libraries.
#
# Each program prints "median: <ms> ms" (over the rounds it does inside)
# and "ops: <count> <unit>"; the rate is count / time.  Results:
#   <out>/results.txt   every run (row, library, round, ms, ops, unit)
#   <out>/table.txt     the table printed at the end
#   <out>/table.csv     the same as CSV
#   <out>/ratios.png    bar chart of the ratios with the min-max band
#   <out>/memory.txt    handle and request sizes, RSS, allocations per op
# (<out> is <build>/compare by default.)  The ratio is uvcore's rate over
# libuv's: HIGHER IS BETTER for uvcore, 1.0 is a tie; its band is the min
# and max of the per-round ratios (round i of uvcore against round i of
# libuv, which ran next to each other).
#
# --quick: 3 rounds and a quarter of the work in each program
# (BENCH_QUICK=1), for CI's informational run (under 3 minutes).
# A benchmark names its variants on lines " * compare: <label> <args...>"
# in its source (run as <name>-<label>); a floor program names the rows it
# is the floor of with " * floor: <row> <args...>".
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${UVCORE_BENCH_BUILD:-$root/build/bench-release}
out=""
runs=${RUNS:-5}
only=""
quick=0
cc=${CC:-gcc}

while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1; runs=${RUNS:-3} ;;
    --rounds) runs=$2; shift ;;
    --only) only=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "run-compare: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
out=${out:-$build/compare}
if [ "$quick" = 1 ]; then
  export BENCH_QUICK=1
fi

# Debian packages: libuv to compare with, gnuplot for the chart.
need=""
[ -f /usr/include/uv.h ] || need="$need libuv1-dev"
command -v gnuplot >/dev/null 2>&1 || need="$need gnuplot-nox"
if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run-compare: installing$need" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >/dev/null ||
      { apt-get update -q >/dev/null && \
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >/dev/null; } ||
      true
  fi
fi
if [ ! -f /usr/include/uv.h ]; then
  echo "run-compare: libuv's header (/usr/include/uv.h) is not installed" >&2
  exit 2
fi
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3

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

bin=$out/bin
mkdir -p "$bin"
# One row per workload: "<shown name> <program> [arguments...]".
rows=$out/rows
floors=$out/floors
: >"$rows"
: >"$floors"
status=0
for src in "$root"/bench/bench-*.c; do
  name=$(basename "$src" .c)
  short=${name#bench-}
  # A benchmark that needs a function uvcore lacks fails on its own (its
  # rows say so); the others still run.
  rm -f "$bin/$name-uvcore" "$bin/$name-libuv"
  "$cc" -O2 -I"$root/include" -o "$bin/$name-uvcore" "$src" "$lib" \
        -lpthread -ldl 2>"$bin/$name-uvcore.log" || true
  # No -I: the system's uv.h and libuv.so.
  "$cc" -O2 -o "$bin/$name-libuv" "$src" -luv -lpthread \
        2>"$bin/$name-libuv.log" || true
  variants=$(sed -n 's/^ \* compare: *//p' "$src")
  if grep -q '^ \* run-compare: memory' "$src"; then
    continue  # the memory report, run once per library at the end
  elif [ -z "$variants" ]; then
    printf '%s %s\n' "$short" "$name" >>"$rows"
  else
    printf '%s\n' "$variants" | while read -r label args; do
      printf '%s %s %s\n' "$short-$label" "$name" "$args" >>"$rows"
    done
  fi
done
for src in "$root"/bench/floor-*.c; do
  [ -f "$src" ] || continue
  name=$(basename "$src" .c)
  "$cc" -O2 -o "$bin/$name" "$src" 2>"$bin/$name.log" || continue
  sed -n 's/^ \* floor: *//p' "$src" | while read -r row args; do
    printf '%s %s %s\n' "$row" "$name" "$args" >>"$floors"
  done
done
if [ -n "$only" ]; then
  grep -E "^[^ ]*($only)" "$rows" >"$rows.only" || true
  mv "$rows.only" "$rows"
fi

# Runs one program; prints "<ms> <ops> <unit...>" from its last lines.
run_one() {
  local o ms ops
  o=$(timeout 300 "$@" </dev/null 2>/dev/null) || return 1
  ms=$(printf '%s\n' "$o" | sed -n 's/^median: *\([0-9.][0-9.]*\) *ms.*/\1/p' |
       tail -n 1)
  ops=$(printf '%s\n' "$o" | sed -n 's/^ops: *//p' | tail -n 1)
  [ -n "$ms" ] || return 1
  printf '%s %s\n' "$ms" "${ops:-1 runs}"
}

results=$out/results.txt
: >"$results"
nrows=$(wc -l <"$rows")
echo "run-compare: $nrows workloads, $runs rounds${BENCH_QUICK:+ (quick)}" >&2
round=1
while [ "$round" -le "$runs" ]; do
  echo "run-compare: round $round of $runs" >&2
  # (stdin of the loop is the row list; the programs get /dev/null.)
  while read -r name prog args; do
    if [ $((round % 2)) = 1 ]; then order="uvcore libuv"; else order="libuv uvcore"; fi
    for libname in $order; do
      if [ ! -x "$bin/$prog-$libname" ]; then
        printf '%s %s %s FAILED build\n' "$name" "$libname" "$round" >>"$results"
        continue
      fi
      # shellcheck disable=SC2086
      if v=$(run_one "$bin/$prog-$libname" $args); then
        printf '%s %s %s %s\n' "$name" "$libname" "$round" "$v" >>"$results"
      else
        printf '%s %s %s FAILED run\n' "$name" "$libname" "$round" >>"$results"
      fi
    done
    fl=$(awk -v n="$name" '$1 == n { $1 = ""; print; exit }' "$floors")
    if [ -n "$fl" ]; then
      # shellcheck disable=SC2086
      set -- $fl
      fprog=$1
      shift
      if v=$(run_one "$bin/$fprog" "$@"); then
        printf '%s floor %s %s\n' "$name" "$round" "$v" >>"$results"
      fi
    fi
  done <"$rows"
  round=$((round + 1))
done

# Memory: sizes, RSS, allocations per operation (both libraries).
mem=$out/memory.txt
: >"$mem"
for libname in uvcore libuv; do
  if [ -x "$bin/bench-memory-$libname" ]; then
    echo "== $libname" >>"$mem"
    # Bounded like every other program: a hang is reported, not waited on.
    timeout -k 5 300 "$bin/bench-memory-$libname" report </dev/null \
      >>"$mem" 2>&1 || echo "bench-memory-$libname failed or timed out" >>"$mem"
  fi
done

{
  echo "Machine: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)," \
       "$(nproc) cores, Linux $(uname -r)," \
       "$($cc --version | head -n 1)"
  echo "libuv $(pkg-config --modversion libuv 2>/dev/null || echo '?') (Debian) vs uvcore" \
       "$(git -C "$root" describe --always --dirty 2>/dev/null || echo '?')" \
       "(Release); $runs rounds${BENCH_QUICK:+, quick mode}; load at end:" \
       "$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"
cat "$out/machine.txt"
"$py" "$root/bench/report.py" "$results" "$out" "$mem" || status=1

# The chart: one bar per workload, the median ratio, the min-max band.
if command -v gnuplot >/dev/null 2>&1 && [ -s "$out/chart.dat" ]; then
  n=$(wc -l <"$out/chart.dat")
  gnuplot <<GP || echo "run-compare: gnuplot failed; no chart" >&2
set terminal pngcairo size 1400,$((300 + n * 22)) font "sans,10"
set output "$out/ratios.png"
set title "uvcore / libuv $(pkg-config --modversion libuv 2>/dev/null) speed (higher is better for uvcore; bar: median, whisker: min-max of per-round ratios)"
set datafile separator "\t"
set style fill solid 0.6 border -1
set yrange [-1:$n]
set ytics nomirror
set grid x
set xlabel "ratio uvcore rate / libuv rate (log scale)"
set logscale x 2
unset key
set arrow from 1, graph 0 to 1, graph 1 nohead lc rgb "black" lw 2
plot "$out/chart.dat" using (\$2):0:(1):(\$2):(\$0-0.35):(\$0+0.35):ytic(1) \
       with boxxyerror lc rgb "#4a90d9", \
     "" using 2:0:3:4 with xerrorbars lc rgb "black" pt 0
GP
  [ -f "$out/ratios.png" ] && echo "chart: $out/ratios.png"
fi
exit "$status"
