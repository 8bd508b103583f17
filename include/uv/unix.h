/* uvcore — Unix platform types and the private parts of handles/requests.
 *
 * uv.h includes this file twice: first for the platform types (uv_buf_t,
 * descriptors, threads and locks), which the callback typedefs need, and
 * again with UV__WANT_PRIVATE defined for the private structs, which need
 * the callbacks.  Nothing in the second part is API; the layout is ours to
 * change.
 */
#ifndef UV_UNIX_H
#define UV_UNIX_H

#include <sys/types.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <dirent.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <termios.h>
#include <pwd.h>
#include <signal.h>
#include <pthread.h>
#if defined(__APPLE__)
# include <mach/semaphore.h>
#else
# include <semaphore.h>
#endif

/* Directory entry types are reported (uv_dirent_t.type), as libuv's
 * header announces on platforms whose readdir() knows them. */
#if defined(DT_UNKNOWN)
# define HAVE_DIRENT_TYPES
# define UV__DT_DIR DT_DIR
# define UV__DT_FILE DT_REG
# define UV__DT_LINK DT_LNK
# define UV__DT_FIFO DT_FIFO
# define UV__DT_SOCKET DT_SOCK
# define UV__DT_CHAR DT_CHR
# define UV__DT_BLOCK DT_BLK
#endif

typedef int uv_os_sock_t;
typedef int uv_os_fd_t;
typedef int uv_file;
typedef pid_t uv_pid_t;
typedef uid_t uv_uid_t;
typedef gid_t uv_gid_t;

typedef pthread_t uv_thread_t;
typedef pthread_mutex_t uv_mutex_t;
typedef pthread_rwlock_t uv_rwlock_t;
typedef pthread_cond_t uv_cond_t;
typedef pthread_key_t uv_key_t;
typedef pthread_once_t uv_once_t;
#define UV_ONCE_INIT PTHREAD_ONCE_INIT
#if defined(__APPLE__)
typedef semaphore_t uv_sem_t;
#else
typedef sem_t uv_sem_t;
#endif

/* Our own barrier: pthread barriers are optional in POSIX (macOS lacks
 * them) and cannot tell the last thread out that it may destroy. */
typedef struct {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  unsigned int threshold;
  unsigned int in;
  unsigned int out;
} uv_barrier_t;

typedef struct {
  void* handle;
  char* errmsg;
} uv_lib_t;

typedef struct uv_buf_t {
  char* base;
  size_t len;
} uv_buf_t;

/* Sizes for uv_getnameinfo_t; netdb.h hides NI_MAXHOST in strict modes. */
#define UV__NI_MAXHOST 1025
#define UV__NI_MAXSERV 32

/* uv_fs_open() flags: the platform's own values, 0 where it has none. */
#define UV_FS_O_APPEND O_APPEND
#define UV_FS_O_CREAT O_CREAT
#define UV_FS_O_EXCL O_EXCL
#define UV_FS_O_NOCTTY O_NOCTTY
#define UV_FS_O_NONBLOCK O_NONBLOCK
#define UV_FS_O_RDONLY O_RDONLY
#define UV_FS_O_RDWR O_RDWR
#define UV_FS_O_TRUNC O_TRUNC
#define UV_FS_O_WRONLY O_WRONLY
#if defined(O_DIRECT)
# define UV_FS_O_DIRECT O_DIRECT
#elif defined(__linux__)
# define UV_FS_O_DIRECT 040000
#else
# define UV_FS_O_DIRECT 0
#endif
#if defined(O_DIRECTORY)
# define UV_FS_O_DIRECTORY O_DIRECTORY
#else
# define UV_FS_O_DIRECTORY 0
#endif
#if defined(O_DSYNC)
# define UV_FS_O_DSYNC O_DSYNC
#else
# define UV_FS_O_DSYNC 0
#endif
#if defined(O_NOATIME)
# define UV_FS_O_NOATIME O_NOATIME
#elif defined(__linux__)
# define UV_FS_O_NOATIME 01000000
#else
# define UV_FS_O_NOATIME 0
#endif
#if defined(O_NOFOLLOW)
# define UV_FS_O_NOFOLLOW O_NOFOLLOW
#else
# define UV_FS_O_NOFOLLOW 0
#endif
#if defined(O_SYNC)
# define UV_FS_O_SYNC O_SYNC
#else
# define UV_FS_O_SYNC 0
#endif
#if defined(O_SYMLINK)
# define UV_FS_O_SYMLINK O_SYMLINK
#else
# define UV_FS_O_SYMLINK 0
#endif
#if defined(O_EXLOCK)
# define UV_FS_O_EXLOCK O_EXLOCK
#else
# define UV_FS_O_EXLOCK 0
#endif
/* Windows-only hints. */
#define UV_FS_O_FILEMAP 0
#define UV_FS_O_RANDOM 0
#define UV_FS_O_SHORT_LIVED 0
#define UV_FS_O_SEQUENTIAL 0
#define UV_FS_O_TEMPORARY 0

#endif /* UV_UNIX_H */


#if defined(UV__WANT_PRIVATE) && !defined(UV_UNIX_PRIVATE_H)
#define UV_UNIX_PRIVATE_H

/* Members libuv declares on Unix that programs read directly, under
 * libuv's names: the descriptor of streams, UDP and poll handles
 * (io_watcher.fd), a pipe's bound path, and an fs request's second path
 * and buffers. */
#define UV_IO_WATCHER_FIELD uv__io_t io_watcher;
#define UV_PIPE_PLATFORM_FIELDS const char* pipe_fname;
#define UV_FS_PLATFORM_FIELDS \
  const char* new_path; \
  unsigned int nbufs; \
  uv_buf_t* bufs;

/* A descriptor the loop watches for readiness (src/unix/io.c). */
typedef struct uv__io_s uv__io_t;
typedef void (*uv__io_cb)(uv_loop_t* loop, uv__io_t* w, unsigned int events);

struct uv__io_s {
  uv__io_cb cb;
  struct uv__queue pending_queue;  /* callback deferred to the pending phase */
  struct uv__queue watcher_queue;  /* interest changed, kernel not told yet */
  unsigned int pevents;            /* events wanted */
  unsigned int events;             /* events the kernel was last told */
  unsigned int gen;                /* registration generation, for stale events */
  int fd;
};

struct uv__loop_priv {
  unsigned int flags;
  struct uv__queue handle_queue;   /* every handle, for uv_walk */
  struct uv__queue pending_queue;
  struct uv__queue watcher_queue;
  struct uv__queue ready_queue;    /* watchers of always-ready descriptors */
  uv__io_t** watchers;             /* indexed by fd */
  unsigned int nwatchers;
  unsigned int io_gen;
  int backend_fd;
  int async_watching;              /* loop thread's copy of UV__WAKE_WATCHING */
  struct uv__queue idle_handles;
  struct uv__queue prepare_handles;
  struct uv__queue check_handles;
  struct uv__queue async_handles;
  struct uv__queue* async_next;    /* uv__async_dispatch's next stop */
  uv_handle_t* closing_handles;
  struct uv__heap_node* timer_heap;
  uint64_t timer_seq;
  uint64_t time;                   /* ms, cached once per iteration */
  /* Cross-thread wake-up: uv_async_send and thread-pool completions. */
  uv__io_t wakeup_watcher;
  int wakeup_wfd;
  int wakeup_pending;              /* atomic */
  struct uv__queue wq;             /* finished thread-pool work */
  uv_mutex_t wq_mutex;
  /* Accepting at EMFILE (src/unix/stream.c) and signal handles
   * (src/unix/signal.c); the two ints share a word. */
  int emfile_fd;                   /* spare descriptor for EMFILE on accept */
  int signal_pending;              /* atomic: a handle here caught a signal */
  uv_timer_t* emfile_timer;        /* retries listeners paused at EMFILE */
  struct uv__queue signal_handles; /* the started ones */
  /* Child processes (src/unix/process.c). */
  struct uv__queue process_handles;
  struct uv__queue process_orphans;  /* closed handles, child still running */
  uv_signal_t* child_signal;       /* SIGCHLD watcher when pidfds are off */
  /* File system events: the inotify descriptor and its registry of
   * watches (src/unix/linux-inotify.c), made on first use. */
  struct uv__inotify* inotify;
  /* Metrics. */
  uv_mutex_t metrics_mutex;
  uint64_t loop_count;
  uint64_t events;
  uint64_t events_waiting;
  uint64_t idle_time;
  uint64_t poll_entry_time;
};

struct uv__handle_priv {
  uv_close_cb close_cb;
  struct uv__queue handle_queue;
  uv_handle_t* next_closing;
};

struct uv__req_priv {
  struct uv__queue queue;
};

/* Streams (src/unix/stream.c): TCP, pipes and ttys share this part. */
struct uv__stream_fdq;
struct uv__stream_priv {
  uv_alloc_cb alloc_cb;
  uv_read_cb read_cb;
  uv_connection_cb connection_cb;
  uv_connect_t* connect_req;       /* the connect in progress */
  uv_shutdown_t* shutdown_req;
  struct uv__queue write_queue;            /* not yet completely written */
  struct uv__queue write_completed_queue;  /* done or failed, callback due */
  struct uv__queue connect_error_queue;    /* connects failed on the spot */
  int delayed_error;               /* connect/bind error reported later */
  int accepted_fd;                 /* connection or received descriptor
                                      waiting for uv_accept, or -1 */
  struct uv__stream_fdq* queued_fds;  /* further received descriptors */
};

struct uv__tcp_priv {
  /* Keep-alive settings, applied again when the socket is created late. */
  unsigned int keepalive_idle;
  unsigned int keepalive_intvl;
  unsigned int keepalive_cnt;
};

struct uv__tty_priv {
  struct termios orig_termios;
  int mode;
};

struct uv__udp_priv {
  uv_alloc_cb alloc_cb;
  uv_udp_recv_cb recv_cb;
  struct uv__queue write_queue;
  struct uv__queue write_completed_queue;
};

struct uv__poll_priv {
  uv_poll_cb cb;
};

struct uv__process_priv {
  uv_exit_cb exit_cb;
  struct uv__queue queue;          /* the loop's process_handles */
  uv__io_t io;                     /* exit watcher (pidfd), or fd -1 */
  int status;                      /* wait status between reap and report */
};

/* File system events (src/unix/linux-inotify.c). */
struct uv__fs_event_priv {
  uv_fs_event_cb cb;
  struct uv__queue subs;           /* the kernel watches it uses */
  unsigned int flags;              /* as given to uv_fs_event_start() */
  unsigned int gen;                /* bumped by each start */
};

/* Signal handles (src/unix/signal.c).  `next` and `flags` belong to the
 * process-wide registry and change only under its lock; `caught` is
 * raised by the signal handler; the rest is loop-thread state. */
struct uv__signal_priv {
  uv_signal_cb cb;
  struct uv_signal_s* next;        /* registry: next handle on this signal */
  struct uv__queue queue;          /* the loop's started signal handles */
  unsigned int caught;             /* atomic: deliveries the handler saw */
  unsigned int dispatched;         /* deliveries given to the callback */
  unsigned int flags;              /* one-shot bits, under the registry lock */
};

struct uv__shutdown_priv {
  uv_shutdown_cb cb;
};

struct uv__write_priv {
  uv_write_cb cb;
  struct uv__queue queue;
  unsigned int write_index;
  uv_buf_t* bufs;
  unsigned int nbufs;
  int error;
  uv_buf_t bufsml[4];
};

struct uv__connect_priv {
  uv_connect_cb cb;
  struct uv__queue queue;
  int error;
};

struct uv__udp_send_priv {
  uv_udp_send_cb cb;
  struct uv__queue queue;
  struct sockaddr_storage addr;
  unsigned int nbufs;
  uv_buf_t* bufs;
  ssize_t status;
  uv_buf_t bufsml[4];
};

struct uv__fs_priv {
  uv_fs_cb cb;
  struct uv__work work;
  uv_file file;                    /* sendfile: out_fd */
  uv_file file2;                   /* sendfile: in_fd */
  int flags;                       /* open/copyfile flags, access mode */
  int mode;
  int own_bufs;                    /* bufs is a heap copy to free */
  int64_t off;
  size_t len;                      /* sendfile length, readdir capacity */
  uv_uid_t uid;
  uv_gid_t gid;
  double atime;
  double mtime;
  uv_dirent_t* dirents;            /* readdir: entries whose names we own */
  uv_buf_t bufsml[4];
};

struct uv__getaddrinfo_priv {
  uv_getaddrinfo_cb cb;
  struct uv__work work;
  void* buf;                       /* one allocation: hints copy + strings */
  struct addrinfo* hints;          /* NULL or the copy inside buf */
  char* hostname;                  /* ASCII (IDNA) form, inside buf */
  char* service;
  int retcode;
};

struct uv__getnameinfo_priv {
  uv_getnameinfo_cb cb;
  struct uv__work work;
  struct sockaddr_storage storage;
  int flags;
  int retcode;
};

struct uv__dir_priv {
  DIR* dir;                        /* NULL once closed */
};

#endif /* UV__WANT_PRIVATE */
