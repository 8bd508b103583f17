#!/usr/bin/env bash
# Cross-builds uvcore for Windows (the `mingw` preset) and runs its test
# suite under Wine, in a fresh Wine prefix under the build directory:
#   test/wine-suite.sh [-j N] [ctest arguments...]
# Prints the counts of tests run, passed, skipped and failed, and exits
# non-zero if any failed.  Needs tools/install-deps --wine.
#
# Wine traps handled here:
# - A new prefix is set up on first use (wineboot), which takes a while and
#   must not race between tests started in parallel: done once, up front.
# - An unhandled exception starts winedbg, which waits for a user: the
#   debugger is switched off, so a crashing test exits and is reported.
# - Every wine command talks to a wineserver that outlives it; `-p` keeps
#   one running for the whole suite (no start-up per test), and `-k` stops
#   it at the end so nothing is left behind.
# - The first program of a fresh wineserver can hang when started on a
#   pseudo-terminal: a plain run comes first (see below).
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=2
if [ "${1:-}" = "-j" ]; then
  jobs=$2
  shift 2
fi

start=$(date +%s)
cmake --preset mingw >/dev/null
cmake --build --preset mingw

build=build/mingw
export WINEPREFIX="$PWD/$build/wineprefix"
export WINEDEBUG=-all
export WINEARCH=win64
# No Mono or Gecko installers (nothing here needs .NET or HTML), and no
# debugger: a crash ends the process.
export WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d"
rm -rf "$WINEPREFIX"
wineboot -i >/dev/null 2>&1
wine reg delete 'HKLM\Software\Microsoft\Windows NT\CurrentVersion\AeDebug' \
  /v Debugger /f >/dev/null 2>&1 || true
wineserver -w
wineserver -p
# The first program a new wineserver starts brings up Wine's own services;
# measured here, when that first program runs on a pseudo-terminal (as
# wine-run.sh runs every test) it sometimes never starts.  One run without
# a terminal first avoids that.
wine "$build/test/uvcore_tests.exe" --list </dev/null >/dev/null

log=$build/wine-ctest.log
set +e
(cd "$build" && ctest -j "$jobs" --output-on-failure "$@") 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
wineserver -k || true

total=$(sed -n 's/.* tests failed out of \([0-9]*\)$/\1/p' "$log" | tail -1)
failed=$(sed -n 's/.* \([0-9]*\) tests failed out of .*/\1/p' "$log" | tail -1)
skipped=$(grep -c ' (Skipped)$' "$log" || true)
total=${total:-0}
failed=${failed:-0}
# Starts that wine-run.sh had to repeat (the program never ran).
restarts=$(grep -c '^wine-run: no output' "$build/Testing/Temporary/LastTest.log" 2>/dev/null || true)
if [ "${restarts:-0}" -gt 0 ]; then
  echo "wine-suite: ${restarts} test start(s) repeated by wine-run.sh (no output, program never ran)"
fi
echo "wine-suite: ${total} run, $((total - failed - skipped)) passed," \
     "${skipped} skipped, ${failed} failed ($(( $(date +%s) - start )) s)"
exit "$status"
