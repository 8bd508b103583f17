#!/bin/sh
# Integration tests of the examples, one ctest test per program:
#   sh run.sh NAME BINDIR
# runs BINDIR/NAME in a scratch directory and checks what it did.  Every
# wait is bounded; background processes and the scratch directory are
# removed on exit, pass or fail.  Exit 77 (ctest: skipped) when a tool the
# test needs is missing.
set -eu

name=$1
bin=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/uvex-$name.XXXXXX")
bg_pids=""

cleanup() {
  for p in $bg_pids; do
    kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$tmp"

fail() {
  echo "FAIL example_$name: $*" >&2
  for f in out err; do
    [ -s "$tmp/$f" ] && sed "s/^/  $f| /" "$tmp/$f" >&2
  done
  exit 1
}

# expect FILE REGEX: the file has a line matching the extended regex.
expect() {
  grep -Eq -- "$2" "$1" || fail "no line matching '$2' in $1"
}

# wait_for FILE REGEX: up to 10 s for a line to appear (another process
# writes the file).
wait_for() {
  i=0
  while ! grep -Eq -- "$2" "$1" 2>/dev/null; do
    i=$((i + 1))
    [ $i -le 200 ] || fail "timed out waiting for '$2' in $1"
    sleep 0.05
  done
}

# start_bg CMD...: runs in the background with stdout in out, stderr in
# err; the pid is in $bg.
start_bg() {
  "$@" >out 2>err &
  bg=$!
  bg_pids="$bg_pids $bg"
}

# wait_exit PID: up to 10 s for a background process to end; its exit
# status is then in $st.
wait_exit() {
  i=0
  while [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; do
    i=$((i + 1))
    [ $i -le 200 ] || fail "pid $1 still running after 10 s"
    sleep 0.05
  done
  st=0
  wait "$1" || st=$?
}

# stop_bg PID SIGNAL: signals the process and expects exit status 0.
stop_bg() {
  kill -"$2" "$1"
  wait_exit "$1"
  [ $st -eq 0 ] || fail "exit status $st after SIG$2"
}

# fd_count PID: how many descriptors the process has open.
fd_count() {
  ls "/proc/$1/fd" | wc -l
}

# same_fds PID N: up to 10 s for the process to be back at N descriptors.
same_fds() {
  i=0
  while [ "$(fd_count "$1")" -ne "$2" ]; do
    i=$((i + 1))
    [ $i -le 200 ] || fail "pid $1 has $(fd_count "$1") descriptors, had $2"
    sleep 0.05
  done
}

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "skip: $1 not found"; exit 77; }
}

# The port a server printed as "listening on 127.0.0.1:PORT".
port_of() {
  sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1" | head -n 1
}

x="$bin/$name"

case $name in
helloworld)
  "$x" >out 2>err || fail "exit status $?"
  expect out '^uvcore, libuv API 1\.[0-9]+\.[0-9]+'
  expect out '^uv_run returned 0: nothing to do$'
  expect out '^Now quitting\.$'
  ;;
default-loop)
  "$x" >out 2>err || fail "exit status $?"
  expect out 'same loop on every call: yes$'
  expect out '^alive before running: 0$'
  expect out '^default loop closed$'
  ;;
idle-basic)
  "$x" 20000 >out 2>err || fail "exit status $?"
  expect out '^idle callback ran 20000 times in '
  ;;
idle-compute)
  { printf 'hello\n'; sleep 0.2; printf 'world\n'; } | "$x" >out 2>err ||
    fail "exit status $?"
  expect out '^typed: hello$'
  expect out '^typed: world$'
  expect out '^end of input after [1-9][0-9]* slices of background work$'
  # A regular file as standard input works the same way.
  printf 'from a file\n' >in
  "$x" <in >out 2>err || fail "exit status $?"
  expect out '^typed: from a file$'
  ;;
ref-timer)
  "$x" >out 2>err || fail "exit status $?"
  expect out '^job done after (1[5-9][0-9]|[2-9][0-9][0-9]|[0-9]{4}) ms$'
  # The collector ran ~15 times and was still active when uv_run returned.
  expect out 'collector still active \(1\), having run ([5-9]|[1-9][0-9]) times$'
  ;;
uvstop)
  "$x" >out 2>err || fail "exit status $?"
  [ "$(grep -c '^idle callback' out)" -eq 5 ] || fail "not 5 idle callbacks"
  expect out '^stopped after 5 calls; uv_run returned 1, loop alive 1$'
  ;;
uvcat)
  need python3
  head -c 300000 /dev/urandom >data
  for k in file pipe unix tcp tty; do
    python3 "$here/stdio.py" file $k data got -- "$x" data 2>err ||
      fail "stdout a $k: exit status $?"
    cmp -s data got || fail "stdout a $k: the copy differs"
  done
  # A missing file is reported and skipped; the others are copied.
  st=0
  "$x" data missing data >out 2>err || st=$?
  [ $st -eq 1 ] || fail "exit status $st with a missing file"
  expect err '^uvcat: missing: no such file or directory \(ENOENT\)$'
  cat data data | cmp -s - out || fail "the files around a missing one differ"
  # A reader that goes away: EPIPE, reported, exit status 1.
  { st=0; "$x" data data data 2>err || st=$?; echo $st >status; } |
    head -c 10 >/dev/null
  expect status '^1$'
  expect err 'broken pipe \(EPIPE\)$'
  ;;
uvtee)
  need python3
  seq 1 20000 >data
  for k in file pipe unix tcp tty; do
    rm -f copy
    python3 "$here/stdio.py" $k pipe data got -- "$x" copy 2>err ||
      fail "stdin a $k: exit status $?"
    cmp -s data got || fail "stdin a $k: standard output differs"
    cmp -s data copy || fail "stdin a $k: the file differs"
  done
  for k in file unix tcp tty; do
    rm -f copy
    python3 "$here/stdio.py" pipe $k data got -- "$x" copy 2>err ||
      fail "stdout a $k: exit status $?"
    cmp -s data got || fail "stdout a $k: standard output differs"
    cmp -s data copy || fail "stdout a $k: the file differs"
  done
  # Binary data, file to file.
  head -c 300000 /dev/urandom >bin
  "$x" copy <bin >got 2>err || fail "file to file: exit status $?"
  cmp -s bin got && cmp -s bin copy || fail "file to file: the copies differ"
  # A file that cannot be created: a clear error, not a hang.
  st=0
  "$x" no/such/dir/f <bin >out 2>err || st=$?
  [ $st -eq 1 ] || fail "exit status $st for an impossible file"
  expect err '^uvtee: no/such/dir/f: no such file or directory \(ENOENT\)$'
  ;;
onchange)
  : >f1
  : >f2
  start_bg "$x" -n 2 'echo "changed: $*" >>log' f1 f2
  wait_for out '^watching 2 files$'
  echo a >>f1
  wait_for out '^command exit status 0, signal 0$'
  echo b >>f2
  wait_exit $bg
  [ $st -eq 0 ] || fail "exit status $st"
  expect out '^f1: changed$'
  expect out '^f2: changed$'
  expect log '^changed: f1$'
  expect log '^changed: f2$'
  [ "$(wc -l <log)" -eq 2 ] || fail "the command ran $(wc -l <log) times, not 2"
  # A file that does not exist: a clear error.
  st=0
  "$x" true nothing-here >out 2>err || st=$?
  [ $st -eq 1 ] || fail "exit status $st for a missing file"
  expect err '^onchange: nothing-here: no such file or directory \(ENOENT\)$'
  ;;
tcp-echo-server)
  need python3
  start_bg "$x"
  wait_for out '^listening on 127\.0\.0\.1:[0-9]+$'
  port=$(port_of out)
  fds=$(fd_count $bg)
  python3 "$here/echo_client.py" tcp:127.0.0.1:$port 100 >client ||
    fail "$(cat client)"
  expect client '^100 of 100 clients echoed$'
  same_fds $bg $fds
  stop_bg $bg TERM
  expect out '^served 100 connections$'
  ;;
pipe-echo-server)
  need python3
  start_bg "$x" "$tmp/echo.sock"
  wait_for out "^listening on $tmp/echo.sock\$"
  fds=$(fd_count $bg)
  python3 "$here/echo_client.py" "unix:$tmp/echo.sock" 100 >client ||
    fail "$(cat client)"
  expect client '^100 of 100 clients echoed$'
  same_fds $bg $fds
  # A second server on the same name is refused, not silently started.
  st=0
  "$x" "$tmp/echo.sock" >out2 2>err2 || st=$?
  [ $st -eq 1 ] || fail "a second server: exit status $st"
  expect err2 'address already in use \(EADDRINUSE\)$'
  stop_bg $bg INT
  expect out '^served 100 connections$'
  [ ! -e "$tmp/echo.sock" ] || fail "the socket file is still there"
  ;;
udp)
  "$x" >out 2>err || fail "exit status $?"
  expect out '^client: DISCOVER [0-9a-f]{8} to 127\.0\.0\.1:[0-9]+$'
  xid=$(sed -n 's/^client: DISCOVER \([0-9a-f]*\) .*/\1/p' out)
  expect out "^server: DISCOVER $xid from 127\\.0\\.0\\.1:[0-9]+\$"
  expect out '^client: OFFER 10\.0\.0\.42 from server 10\.0\.0\.1, lease 3600 s$'
  ;;
dns)
  "$x" localhost 80 >out 2>err || fail "exit status $?"
  expect out '^(127\.0\.0\.1|::1) port 80$'
  expect out '^[1-9][0-9]* addresses$'
  expect out '^the first address is .+, service 80$'
  # A numeric address needs no resolver and comes back unchanged.
  "$x" 127.0.0.1 8080 >out 2>err || fail "exit status $?"
  expect out '^127\.0\.0\.1 port 8080$'
  expect out '^1 addresses$'
  ;;
interfaces)
  "$x" >out 2>err || fail "exit status $?"
  expect out '^[1-9][0-9]* addresses$'
  expect out '^lo internal IPv4 127\.0\.0\.1 netmask 255\.0\.0\.0 '
  n=$(sed -n 's/^\([0-9]*\) addresses$/\1/p' out)
  [ "$(grep -c ' netmask ' out)" -eq "$n" ] || fail "not $n address lines"
  ;;
thread-create)
  "$x" >out 2>err || fail "exit status $?"
  expect out '^hare finished after 10 steps$'
  expect out '^tortoise finished after 10 steps$'
  [ "$(grep -c ': step ' out)" -eq 4 ] || fail "not 4 step lines"
  # Joined: the last line comes after both threads finished.
  [ "$(tail -n 1 out)" = "both threads joined" ] || fail "joined too early"
  ;;
locks)
  "$x" >out 2>err || fail "exit status $?"
  expect out '^final value 400$'
  expect out '^readers saw an odd value: no$'
  [ "$(grep -c '^reader [0-2] read [1-9][0-9]* times$' out)" -eq 3 ] ||
    fail "not 3 readers reporting"
  expect out "^the barrier's serial thread: (main|writer|a reader)\$"
  ;;
queue-work)
  "$x" >out 2>err || fail "exit status $?"
  for v in 'fib(20) = 6765' 'fib(25) = 75025' 'fib(29) = 514229'; do
    grep -qxF "$v" out || fail "no line '$v'"
  done
  [ "$(grep -c '^fib(' out)" -eq 10 ] || fail "not 10 results"
  ;;
queue-cancel)
  UV_THREADPOOL_SIZE=4 start_bg "$x"
  wait_for out '^queued 16 jobs'
  kill -INT $bg
  wait_exit $bg
  [ $st -eq 0 ] || fail "exit status $st"
  expect out '^SIGINT: cancelling the jobs that wait$'
  # 4 jobs were running (at most a few more started before the signal);
  # the rest were cancelled, and every job is accounted for.
  ran=$(sed -n 's/^\([0-9]*\) jobs ran, \([0-9]*\) were cancelled$/\1/p' out)
  can=$(sed -n 's/^\([0-9]*\) jobs ran, \([0-9]*\) were cancelled$/\2/p' out)
  [ -n "$ran" ] && [ $((ran + can)) -eq 16 ] || fail "jobs unaccounted for"
  [ "$can" -ge 8 ] || fail "only $can jobs cancelled"
  expect out "^$ran jobs could not be cancelled\$"
  # Without a signal every job runs and the program still ends.
  UV_THREADPOOL_SIZE=8 "$x" >out 2>err || fail "exit status $?"
  expect out '^16 jobs ran, 0 were cancelled$'
  ;;
progress)
  "$x" >out 2>err || fail "exit status $?"
  expect out '^downloaded [0-9]+%$'
  expect out '^downloaded 100%$'
  [ "$(tail -n 1 out)" = "download complete" ] || fail "no completion last"
  # Progress only goes forward.
  sed -n 's/^downloaded \([0-9]*\)%$/\1/p' out | sort -n -c ||
    fail "progress went backwards"
  ;;
spawn)
  "$x" mkdir newdir >out 2>err || fail "exit status $?"
  [ -d newdir ] || fail "the child did not create newdir"
  expect out '^started process [0-9]+$'
  pid=$(sed -n 's/^started process \([0-9]*\)$/\1/p' out)
  expect out "^process $pid exited with status 0, signal 0\$"
  # The child gets our standard streams and nothing else.
  "$x" sh -c 'ls /proc/$$/fd' >out 2>err || fail "exit status $?"
  fds=$(echo $(grep -E '^[0-9]+$' out))
  [ "$fds" = "0 1 2" ] || fail "the child had descriptors $fds"
  st=0
  "$x" sh -c 'exit 3' >out 2>err || st=$?
  [ $st -eq 1 ] || fail "exit status $st for a failing child"
  expect out '^process [0-9]+ exited with status 3, signal 0$'
  "$x" sh -c 'kill -TERM $$' >out 2>err || true
  expect out '^process [0-9]+ exited with status 0, signal 15$'
  st=0
  "$x" ./no-such-program >out 2>err || st=$?
  [ $st -eq 1 ] || fail "exit status $st for a missing program"
  expect err '^spawn: \./no-such-program: no such file or directory \(ENOENT\)$'
  ;;
detach)
  "$x" sleep 30 >out 2>err || fail "exit status $?"
  pid=$(sed -n 's/^started detached process \([0-9]*\)$/\1/p' out)
  [ -n "$pid" ] || fail "no pid printed"
  bg_pids="$bg_pids $pid"
  [ -d "/proc/$pid" ] || fail "the detached process is gone"
  # Its own session (field 6 of /proc/PID/stat), not ours.
  sid=$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f4)
  [ "$sid" = "$pid" ] || fail "session $sid, not a session of its own"
  # Nothing of ours open in it: its standard streams are /dev/null.
  for fd in 0 1 2; do
    [ "$(readlink "/proc/$pid/fd/$fd")" = /dev/null ] ||
      fail "its descriptor $fd is $(readlink "/proc/$pid/fd/$fd")"
  done
  kill "$pid"
  ;;
proc-streams)
  "$x" >out 2>err || fail "exit status $?"
  expect out '^child exited with status 0, signal 0$'
  expect err '^child: this line goes to standard error$'
  ! grep -q 'standard output' out err || fail "the child's stdout was not ignored"
  ;;
cgi)
  need python3
  start_bg "$x"
  wait_for out '^listening on 127\.0\.0\.1:[0-9]+$'
  port=$(port_of out)
  fds=$(fd_count $bg)
  python3 - "$port" >client <<'PY' || fail "client: $(cat client)"
import socket, sys, threading
port = int(sys.argv[1])
got = [None] * 5
def client(i):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        data = b""
        while True:
            b = s.recv(4096)
            if not b:
                break
            data += b
        got[i] = data
ts = [threading.Thread(target=client, args=(i,)) for i in range(5)]
for t in ts: t.start()
for t in ts: t.join()
want = b"".join(b"tick %d\n" % i for i in range(1, 6))
bad = [g for g in got if g != want]
print("%d of 5 clients got every tick" % (5 - len(bad)))
for g in bad[:2]: print("got:", g)
sys.exit(1 if bad else 0)
PY
  expect client '^5 of 5 clients got every tick$'
  [ "$(grep -c '^child [0-9]* exited with status 0, signal 0$' out)" -eq 5 ] ||
    fail "not 5 children exited cleanly"
  same_fds $bg $fds
  stop_bg $bg TERM
  # The child mode writes to any standard output, a pipe here.
  "$x" --tick 3 | cat >ticks || fail "--tick to a pipe: exit status $?"
  printf 'tick 1\ntick 2\ntick 3\n' | cmp -s - ticks || fail "--tick to a pipe"
  ;;
signal)
  "$x" >out 2>err || fail "exit status $?"
  for who in 'main loop, handle 1' 'main loop, handle 2' 'thread 1 loop' 'thread 2 loop'; do
    grep -qxF "$who: got signal 10" out || fail "no callback for $who"
  done
  [ "$(grep -c ': got signal' out)" -eq 4 ] || fail "not exactly 4 callbacks"
  expect out '^all loops done$'
  ;;
multi-echo-server)
  need python3
  # One worker per CPU (uv_available_parallelism) by default; the test
  # wants 2 to 8, so it asks for a number when the machine has too few or
  # too many.
  start_bg "$x"
  wait_for out '^listening on 127\.0\.0\.1:[0-9]+ with [0-9]+ workers$'
  w=$(sed -n 's/^listening on .* with \([0-9]*\) workers$/\1/p' out)
  if [ "$w" -lt 2 ] || [ "$w" -gt 8 ]; then
    stop_bg $bg TERM
    [ "$w" -lt 2 ] && w=2 || w=8
    start_bg "$x" -w $w
    wait_for out "^listening on 127\\.0\\.0\\.1:[0-9]+ with $w workers\$"
  fi
  port=$(port_of out)
  fds=$(fd_count $bg)
  python3 "$here/echo_client.py" tcp:127.0.0.1:$port 100 >client ||
    fail "$(cat client)"
  expect client '^100 of 100 clients echoed$'
  wait_for out '^worker [0-9]+: accepted'
  [ "$(grep -c '^worker [0-9]*: accepted a connection$' out)" -eq 100 ] ||
    fail "not 100 connections accepted by workers"
  pids=$(sed -n 's/^worker \([0-9]*\): accepted.*/\1/p' out | sort -u | wc -l)
  [ "$pids" -ge 2 ] || fail "only $pids worker answered"
  same_fds $bg $fds
  stop_bg $bg TERM
  [ "$(grep -c '^worker [0-9]* exited with status 0, signal 0$' out)" -eq "$w" ] ||
    fail "not $w workers exited cleanly"
  expect out '^all workers done, 0 failed$'
  ;;
plugin)
  "$x" "$bin/hello-plugin.so" >out 2>err || fail "exit status $?"
  expect out '^registered plugin "Hello World!", version 1\.0$'
  expect out '^1 plugins registered$'
  st=0
  "$x" ./missing.so "$bin/hello-plugin.so" >out 2>err || st=$?
  [ $st -eq 1 ] || fail "exit status $st with a missing library"
  expect err '^plugin: cannot load \./missing\.so: .*missing\.so'
  expect out '^1 plugins registered$'
  # A library without plugin_init: the dynamic linker's message.
  st=0
  "$x" "$(ls "$bin"/../libuvcore.so | head -n 1)" >out 2>err || st=$?
  [ $st -eq 1 ] || fail "exit status $st for a library that is no plugin"
  expect err 'is no plugin: .*plugin_init'
  ;;
tty)
  need python3
  python3 "$here/tty_run.py" 24 80 --key 'press a key' x -- "$x" >out 2>err ||
    fail "tty_run.py failed"
  expect out 'Hello.*from.*uvcore'
  grep -q "$(printf '\033')\\[1;32m" out || fail "no colour escape written"
  expect out '^window size: 80x24$'
  expect out '^key: 0x78$'
  expect out '^exit status 0$'
  # The settings before (first line) and after (last line) are the same.
  [ "$(head -n 1 out)" = "$(tail -n 1 out)" ] || fail "terminal mode not restored"
  # Not a terminal: plain text, no escapes.
  "$x" </dev/null >out 2>err || fail "exit status $? without a terminal"
  expect out 'standard output is not a terminal'
  ! grep -q "$(printf '\033')" out || fail "escapes written to a file"
  ;;
tty-gravity)
  need python3
  python3 "$here/tty_run.py" 8 40 -- "$x" falling >out 2>err ||
    fail "tty_run.py failed"
  expect out '^window 40x8, [1-8] frames$'
  expect out '^exit status 0$'
  # Rows 1 and 8, in column 17: (40 - 7) / 2 + 1, centred.
  for r in 1 8; do
    grep -q "$(printf '\033')\\[$r;17Hfalling" out || fail "no frame at row $r"
  done
  [ "$(head -n 1 out)" = "$(tail -n 1 out)" ] || fail "terminal mode not restored"
  st=0
  "$x" >out 2>err || st=$?
  [ $st -eq 1 ] || fail "exit status $st without a terminal"
  expect err 'standard output is not a terminal'
  ;;
fetch)
  need python3
  head -c 200000 /dev/urandom >data
  start_bg python3 "$here/http_server.py" data
  wait_for out '^listening on 127\.0\.0\.1:[0-9]+$'
  port=$(port_of out)
  for p in length chunked close; do
    "$x" "http://127.0.0.1:$port/$p" got >fout 2>ferr ||
      { cat fout ferr >&2; fail "/$p: exit status $?"; }
    cmp -s data got || fail "/$p: the fetched bytes differ"
    grep -q '^HTTP 200, 200000 bytes saved to got$' fout || fail "/$p: no summary"
  done
  "$x" "http://localhost:$port/empty" got >fout 2>ferr || fail "/empty: exit status $?"
  [ ! -s got ] || fail "/empty: not empty"
  rm -f got
  st=0
  "$x" "http://127.0.0.1:$port/nothing" got >fout 2>ferr || st=$?
  [ $st -eq 1 ] || fail "404: exit status $st"
  grep -q '^HTTP/1.1 404' fout || fail "404: status line not shown"
  [ ! -e got ] || fail "404: a file was saved"
  # Nobody listening: a clear error.
  kill $bg
  wait $bg || true
  st=0
  "$x" "http://127.0.0.1:$port/length" got >fout 2>ferr || st=$?
  [ $st -eq 1 ] || fail "refused: exit status $st"
  grep -q 'connecting: connection refused (ECONNREFUSED)$' ferr ||
    fail "refused: no clear error"
  ;;
*)
  fail "no test for this example"
  ;;
esac
echo "ok example_$name"
