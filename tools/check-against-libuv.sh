#!/bin/sh
# Builds the test runner with the given test files against the system
# libuv (Debian: libuv1-dev) instead of uvcore, and runs it, to check that
# the tests describe libuv's real behaviour.  The test list is made from the
# given files the same way test/CMakeLists.txt makes it.  uvcore's
# include/ is deliberately not on the include path.
#
#   tools/check-against-libuv.sh test/test-spawn.c test/test-spawn-ipc.c
#   OUT=/tmp/x CC=clang tools/check-against-libuv.sh test/test-foo.c -- -v
#
# Arguments after "--" go to the runner (test names, -v).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/build/libuv-check}
files=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  files="$files $(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  shift
done
[ "$1" = "--" ] && shift
[ -n "$files" ] || { echo "usage: $0 test/test-x.c... [-- runner args]" >&2; exit 2; }
mkdir -p "$out"
python3 - "$out/test-list.h" $files <<'PY'
import re, sys
tests, helpers, tmo = [], [], {}
for f in sys.argv[2:]:
    for line in open(f):
        m = re.match(r'^[ \t]*(TEST|HELPER)[ \t]*\([ \t]*([A-Za-z_]\w*)[ \t]*\)', line)
        if m:
            (tests if m.group(1) == 'TEST' else helpers).append(m.group(2))
        m = re.match(r'^[ \t]*TEST_TIMEOUT[ \t]*\([ \t]*(\w+)[ \t]*,[ \t]*(\d+)', line)
        if m:
            tmo[m.group(1)] = m.group(2)
o = ['#ifndef UVCORE_TEST_LIST_H_', '#define UVCORE_TEST_LIST_H_',
     '#include "runner.h"']
for t in tests:
    o.append('int uvtest_%s(void);' % t)
    if t in tmo:
        o.append('extern const int uvtest_timeout_%s;' % t)
for h in helpers:
    o.append('int uvhelper_%s(void);' % h)
o.append('static const uvtest_entry_t uvtest_test_table[] = {')
for t in tests:
    o.append('  { "%s", uvtest_%s, %s },' %
             (t, t, '&uvtest_timeout_' + t if t in tmo else 'NULL'))
o.append('  { NULL, NULL, NULL }\n};')
o.append('static const uvtest_entry_t uvtest_helper_table[] = {')
for h in helpers:
    o.append('  { "%s", uvhelper_%s, NULL },' % (h, h))
o.append('  { NULL, NULL, NULL }\n};\n#endif')
open(sys.argv[1], 'w').write('\n'.join(o) + '\n')
PY
${CC:-cc} -std=gnu11 -g -O1 -Wall -Wextra -Wstrict-prototypes -Wshadow \
  -Werror -pthread -I "$out" -I "$root/test" -DUVTEST_DEFAULT_TIMEOUT=60 \
  "$root/test/runner.c" "$root/test/task.c" "$root/test/runner-unix.c" \
  $files -o "$out/libuv_tests" -luv
cd "$out"
exec ./libuv_tests "$@"
