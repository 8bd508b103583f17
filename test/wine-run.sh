#!/bin/bash
# Runs a Windows executable under Wine for ctest (the cross toolchain's
# CMAKE_CROSSCOMPILING_EMULATOR): wine-run.sh prog.exe args...
#
# Why `script`: ctest gives a test pipes, not a terminal, and Wine then
# starts the program without a console; console APIs (and the runner's
# child processes, which inherit it) need one.  `script -qec` runs Wine on
# a pseudo-terminal, so the program gets a console, and exits with its
# status.  The program's own output still goes through a pipe: written to
# the terminal, Wine's console host would redraw it character by character
# with escape sequences.  Carriage returns (the CRT's and the terminal's)
# are dropped so ctest's logs read as on Linux.
#
# The caller's WINEPREFIX is used as it is (CI makes a fresh one under the
# build directory); WINEDEBUG defaults to silence.
set -u
if [ $# -lt 1 ]; then
  echo "usage: $0 program.exe [args...]" >&2
  exit 2
fi
: "${WINEDEBUG:=-all}"
export WINEDEBUG
cmd=$(printf '%q ' bash -c 'set -o pipefail; "$@" 2>&1 | cat' wine-run \
      "${UVCORE_WINE:-wine}" "$@")
# Under Wine a program sometimes (about one test in every second full
# run) ends within 0.2 s without printing anything: it never started.  A
# program of ours always prints (the runner's first TAP line comes
# first), so silence and failure together mean a start that did not
# happen; that alone is tried once more, and said so (wine-suite.sh
# counts these).  A test that ran and failed is never retried.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for attempt in 1 2; do
  script -qec "$cmd" /dev/null </dev/null | tr -d '\r' | tee "$out"
  status=${PIPESTATUS[0]}
  if [ "$status" -eq 0 ] || [ -s "$out" ] || [ "$attempt" -eq 2 ]; then
    break
  fi
  echo "wine-run: no output and exit status $status: the program did not start; starting it again"
done
exit "$status"
