#!/bin/sh
# Compile-only checks of the public headers: uv.h must be usable from strict
# C89, from C++, and on both platforms (Linux natively, Windows through the
# MinGW-w64 cross compiler).  Nothing is linked or run.
#
# usage: test/header-check.sh [repo-root]      (default: this script's ../)
#
# Prints one line per check and exits non-zero if any check fails.  The
# MinGW checks are skipped, with the reason printed, only when no compiler
# for that target can be found.  Compilers may be overridden with GCC,
# CLANG, GXX, MINGW_GCC and MINGW_GXX.

root=${1:-"$(dirname "$0")/.."}
if [ ! -f "$root/include/uv.h" ]; then
  echo "header-check: no include/uv.h under '$root'" >&2
  exit 2
fi
inc=$(cd "$root/include" && pwd)

GCC=${GCC:-gcc}
CLANG=${CLANG:-clang}
GXX=${GXX:-g++}
MINGW_GCC=${MINGW_GCC:-x86_64-w64-mingw32-gcc}
MINGW_GXX=${MINGW_GXX:-x86_64-w64-mingw32-g++}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/header-check.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

# One object of every handle, request and platform type, the loop and the
# any-unions; then the private members portable code in src/ relies on
# having the same name (and, for the locks, the same type) everywhere.
cat > "$tmp/t.c" <<'EOF'
#include <uv.h>

static uv_loop_t loop;
static uv_handle_t handle;
static uv_stream_t stream;
static uv_tcp_t tcp;
static uv_udp_t udp;
static uv_pipe_t pipe_;
static uv_tty_t tty;
static uv_poll_t poll_;
static uv_timer_t timer;
static uv_prepare_t prepare;
static uv_check_t check;
static uv_idle_t idle;
static uv_async_t async_;
static uv_process_t process;
static uv_fs_event_t fs_event;
static uv_fs_poll_t fs_poll;
static uv_signal_t signal_;
static uv_req_t req;
static uv_getaddrinfo_t getaddrinfo_;
static uv_getnameinfo_t getnameinfo_;
static uv_shutdown_t shutdown_;
static uv_write_t write_;
static uv_connect_t connect_;
static uv_udp_send_t udp_send;
static uv_fs_t fs;
static uv_work_t work;
static uv_random_t random_;
static uv_dir_t dir;
static union uv_any_handle any_handle;
static union uv_any_req any_req;
static uv_buf_t buf;
static uv_once_t once = UV_ONCE_INIT;
static uv_mutex_t mutex;
static uv_rwlock_t rwlock;
static uv_cond_t cond;
static uv_sem_t sem;
static uv_barrier_t barrier;
static uv_key_t key;
static uv_thread_t thread;
static uv_lib_t lib;
static uv_os_sock_t sock;
static uv_os_fd_t osfd;
static uv_file file;
static uv_pid_t pid;
static uv_uid_t uid;
static uv_gid_t gid;
static ssize_t ssz;
static struct sockaddr_in sin4;
static struct sockaddr_in6 sin6;
static struct sockaddr_storage ss;
static struct addrinfo ai;
static const int flags[] = {
  UV_FS_O_APPEND, UV_FS_O_CREAT, UV_FS_O_DIRECT, UV_FS_O_DIRECTORY,
  UV_FS_O_DSYNC, UV_FS_O_EXCL, UV_FS_O_EXLOCK, UV_FS_O_FILEMAP,
  UV_FS_O_NOATIME, UV_FS_O_NOCTTY, UV_FS_O_NOFOLLOW, UV_FS_O_NONBLOCK,
  UV_FS_O_RANDOM, UV_FS_O_RDONLY, UV_FS_O_RDWR, UV_FS_O_SEQUENTIAL,
  UV_FS_O_SHORT_LIVED, UV_FS_O_SYMLINK, UV_FS_O_SYNC, UV_FS_O_TEMPORARY,
  UV_FS_O_TRUNC, UV_FS_O_WRONLY,
  SIGHUP, SIGINT, SIGKILL, SIGTERM, SIGWINCH, UV__NI_MAXHOST, UV__NI_MAXSERV
};

int check_types(void);
int check_types(void) {
  const void* p[64];
  int n = 0;
  p[n++] = &loop; p[n++] = &handle; p[n++] = &stream; p[n++] = &tcp;
  p[n++] = &udp; p[n++] = &pipe_; p[n++] = &tty; p[n++] = &poll_;
  p[n++] = &timer; p[n++] = &prepare; p[n++] = &check; p[n++] = &idle;
  p[n++] = &async_; p[n++] = &process; p[n++] = &fs_event;
  p[n++] = &fs_poll; p[n++] = &signal_; p[n++] = &req;
  p[n++] = &getaddrinfo_; p[n++] = &getnameinfo_; p[n++] = &shutdown_;
  p[n++] = &write_; p[n++] = &connect_; p[n++] = &udp_send; p[n++] = &fs;
  p[n++] = &work; p[n++] = &random_; p[n++] = &dir; p[n++] = &any_handle;
  p[n++] = &any_req; p[n++] = &buf; p[n++] = &once; p[n++] = &mutex;
  p[n++] = &rwlock; p[n++] = &cond; p[n++] = &sem; p[n++] = &barrier;
  p[n++] = &key; p[n++] = &thread; p[n++] = &lib; p[n++] = &sock;
  p[n++] = &osfd; p[n++] = &file; p[n++] = &pid; p[n++] = &uid;
  p[n++] = &gid; p[n++] = &ssz; p[n++] = &sin4; p[n++] = &sin6;
  p[n++] = &ss; p[n++] = &ai; p[n++] = flags;
  return p[0] != 0 && n > 0;
}

int check_portable_members(void);
int check_portable_members(void) {
  const void* p[96];
  int n = 0;
  uv_loop_t* l = &loop;
  p[n++] = &l->active_handles;   p[n++] = &l->active_reqs.count;
  p[n++] = &l->priv.flags;            p[n++] = &l->stop_flag;
  p[n++] = &l->priv.handle_queue;     p[n++] = &l->priv.idle_handles;
  p[n++] = &l->priv.prepare_handles;  p[n++] = &l->priv.check_handles;
  p[n++] = &l->priv.async_handles;    p[n++] = &l->priv.closing_handles;
  p[n++] = &l->priv.timer_heap;       p[n++] = &l->priv.timer_seq;
  p[n++] = &l->priv.time;             p[n++] = &l->priv.wakeup_pending;
  p[n++] = &l->priv.wq;               p[n++] = &l->priv.loop_count;
  p[n++] = &l->priv.events;           p[n++] = &l->priv.events_waiting;
  p[n++] = &l->priv.idle_time;        p[n++] = &l->priv.poll_entry_time;
  uv_mutex_lock(&l->priv.wq_mutex);
  uv_mutex_lock(&l->priv.metrics_mutex);
  uv_mutex_lock(&barrier.mutex);
  uv_cond_signal(&barrier.cond);
  p[n++] = &barrier.threshold; p[n++] = &barrier.in; p[n++] = &barrier.out;
  p[n++] = &lib.handle; p[n++] = &lib.errmsg;
  handle.hpriv.close_cb = (uv_close_cb) 0;
  p[n++] = &handle.hpriv.handle_queue; p[n++] = &handle.hpriv.next_closing;
  p[n++] = &handle.flags;
  p[n++] = &req.rpriv.queue;
  stream.spriv.alloc_cb = (uv_alloc_cb) 0;
  stream.spriv.read_cb = (uv_read_cb) 0;
  stream.spriv.connection_cb = (uv_connection_cb) 0;
  stream.spriv.connect_req = &connect_;
  stream.spriv.shutdown_req = &shutdown_;
  p[n++] = &stream.spriv.delayed_error;
  udp.priv.alloc_cb = (uv_alloc_cb) 0;
  udp.priv.recv_cb = (uv_udp_recv_cb) 0;
  poll_.priv.cb = (uv_poll_cb) 0;
  process.priv.exit_cb = (uv_exit_cb) 0;
  fs_event.priv.cb = (uv_fs_event_cb) 0;
  signal_.priv.cb = (uv_signal_cb) 0;
  p[n++] = &signal_.priv.caught; p[n++] = &signal_.priv.dispatched;
  p[n++] = &signal_.priv.flags;
  p[n++] = &tty.priv.mode;
  shutdown_.priv.cb = (uv_shutdown_cb) 0;
  write_.priv.cb = (uv_write_cb) 0;
  connect_.priv.cb = (uv_connect_cb) 0;
  udp_send.priv.cb = (uv_udp_send_cb) 0;
  fs.priv.cb = (uv_fs_cb) 0;
  fs.priv.work.loop = l;
  fs.priv.file = file;
  p[n++] = &fs.priv.flags;
  p[n++] = &fs.priv.off; p[n++] = &fs.priv.atime; p[n++] = &fs.priv.mtime;
  fs.priv.bufsml[0] = buf;
  getaddrinfo_.priv.cb = (uv_getaddrinfo_cb) 0;
  getaddrinfo_.priv.work.loop = l;
  p[n++] = &getaddrinfo_.priv.hints; p[n++] = &getaddrinfo_.priv.hostname;
  p[n++] = &getaddrinfo_.priv.service; p[n++] = &getaddrinfo_.priv.retcode;
  getnameinfo_.priv.cb = (uv_getnameinfo_cb) 0;
  getnameinfo_.priv.work.loop = l;
  getnameinfo_.priv.storage = ss;
  p[n++] = &getnameinfo_.priv.flags; p[n++] = &getnameinfo_.priv.retcode;
  return p[0] != 0 && n > 0;
}
EOF
cp "$tmp/t.c" "$tmp/t.cc"

failed=0

# report NAME COMMAND... : run a compile, print PASS or FAIL (with output).
report() {
  name=$1
  shift
  if "$@" > "$tmp/out" 2>&1; then
    echo "PASS  $name"
  else
    echo "FAIL  $name"
    sed 's/^/        /' "$tmp/out"
    failed=1
  fi
}

have() {
  command -v "$1" > /dev/null 2>&1
}

# need NAME COMPILER : a required (non-MinGW) compiler is missing = failure.
need() {
  if have "$2"; then
    return 0
  fi
  echo "FAIL  $1: compiler '$2' not found"
  failed=1
  return 1
}

if need "C89, Linux gcc" "$GCC"; then
  report "C89, Linux gcc ($GCC)" \
    "$GCC" -std=c89 -pedantic-errors -Wall -Wextra -Werror \
    -D_XOPEN_SOURCE=700 -I"$inc" -fsyntax-only "$tmp/t.c"
fi

if need "C89, Linux clang" "$CLANG"; then
  report "C89, Linux clang ($CLANG)" \
    "$CLANG" -std=c89 -pedantic-errors -Wall -Wextra -Werror \
    -D_XOPEN_SOURCE=700 -I"$inc" -fsyntax-only "$tmp/t.c"
fi

if need "C++, Linux g++" "$GXX"; then
  report "C++, Linux g++ ($GXX)" \
    "$GXX" -Wall -Wextra -Werror -I"$inc" -fsyntax-only "$tmp/t.cc"
fi

if have "$MINGW_GCC"; then
  report "C89, MinGW-w64 ($MINGW_GCC)" \
    "$MINGW_GCC" -std=c89 -pedantic-errors -Wall -Wextra -Werror \
    -I"$inc" -fsyntax-only "$tmp/t.c"
  report "gnu11, MinGW-w64 ($MINGW_GCC)" \
    "$MINGW_GCC" -std=gnu11 -pedantic-errors -Wall -Wextra -Werror \
    -I"$inc" -fsyntax-only "$tmp/t.c"
else
  echo "SKIP  C89, MinGW-w64: compiler '$MINGW_GCC' not found"
  echo "SKIP  gnu11, MinGW-w64: compiler '$MINGW_GCC' not found"
fi

# Debian ships the MinGW C compiler without its C++ front end; clang can
# stand in, compiling against the same MinGW-w64 headers.  Only when
# neither can build a Windows C++ unit is the check skipped.
mingw_cxx=""
mingw_cxx_target=""
if have "$MINGW_GXX"; then
  mingw_cxx=$MINGW_GXX
elif have "${CLANG}++"; then
  printf '#include <winsock2.h>\n#include <windows.h>\n' > "$tmp/probe.cc"
  if "${CLANG}++" --target=x86_64-w64-mingw32 -fsyntax-only \
       "$tmp/probe.cc" > /dev/null 2>&1; then
    mingw_cxx="${CLANG}++"
    mingw_cxx_target="--target=x86_64-w64-mingw32"
  fi
fi
if [ -n "$mingw_cxx" ]; then
  report "C++, MinGW-w64 ($mingw_cxx${mingw_cxx_target:+ $mingw_cxx_target})" \
    "$mingw_cxx" ${mingw_cxx_target:+"$mingw_cxx_target"} \
    -Wall -Wextra -Werror -I"$inc" -fsyntax-only "$tmp/t.cc"
else
  echo "SKIP  C++, MinGW-w64: neither '$MINGW_GXX' nor '${CLANG}++' with" \
       "MinGW-w64 headers found"
fi

exit $failed
