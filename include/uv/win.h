/* uvcore — Windows platform types and the private parts of handles/requests.
 *
 * uv.h includes this file twice, like uv/unix.h: first for the platform
 * types the callback typedefs need (uv_buf_t, descriptors, threads and
 * locks), then again with UV__WANT_PRIVATE defined for the private structs,
 * which need the callbacks.  Nothing in the second part is API; the layout
 * is ours to change.
 *
 * The port is built on an I/O completion port: every operation the kernel
 * finishes for us arrives as an OVERLAPPED, so every request (public or
 * internal) carries one.  Members whose meaning is the same as on Unix keep
 * the Unix name, so portable code in src/ can use them on both platforms.
 *
 * winsock2.h has to come before windows.h (otherwise windows.h pulls in the
 * old winsock.h and the two clash); include uv.h before windows.h, or define
 * WIN32_LEAN_AND_MEAN yourself, if you need both.
 */
#ifndef UV_WIN_H
#define UV_WIN_H

/* Windows 10 is the oldest system we target.  Only takes effect where
 * nothing has set a default yet (MSVC); MinGW-w64 sets its own in the CRT
 * headers uv.h has already included. */
#ifndef _WIN32_WINNT
# define _WIN32_WINNT 0x0A00
#endif

#include <stdint.h>
#include <limits.h>

/* MinGW-w64 provides ssize_t (and says so with _SSIZE_T_DEFINED); MSVC
 * does not. */
#if !defined(_SSIZE_T_DEFINED) && !defined(_SSIZE_T_)
typedef intptr_t ssize_t;
# define _SSIZE_T_DEFINED
# define _SSIZE_T_
# ifndef SSIZE_MAX
#  define SSIZE_MAX INTPTR_MAX
# endif
#endif

#ifndef WIN32_LEAN_AND_MEAN
# define WIN32_LEAN_AND_MEAN
# define UV__WIN_UNDEF_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#ifdef UV__WIN_UNDEF_LEAN_AND_MEAN
# undef WIN32_LEAN_AND_MEAN
# undef UV__WIN_UNDEF_LEAN_AND_MEAN
#endif

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

/* The CRT knows only the signals ISO C names (plus SIGBREAK).  uv_signal
 * and uv_kill also speak these, with their usual Unix numbers: SIGHUP when
 * the console window closes, SIGWINCH when it is resized, SIGKILL and
 * SIGQUIT for uv_kill. */
#ifndef SIGHUP
# define SIGHUP 1
#endif
#ifndef SIGQUIT
# define SIGQUIT 3
#endif
#ifndef SIGKILL
# define SIGKILL 9
#endif
#ifndef SIGWINCH
# define SIGWINCH 28
#endif
/* Loops of the form "for (i = 1; i < NSIG; i++)" must reach SIGWINCH. */
#if defined(NSIG) && NSIG <= SIGWINCH
# undef NSIG
#endif
#ifndef NSIG
# define NSIG (SIGWINCH + 1)
#endif

/* uv_fs_stat() reports symbolic links (and AF_UNIX socket files) with the
 * POSIX file-type bits; the CRT does not name them. */
#ifndef S_IFLNK
# define S_IFLNK 0xA000
#endif
#ifndef S_IFSOCK
# define S_IFSOCK 0xC000
#endif

typedef SOCKET uv_os_sock_t;
typedef HANDLE uv_os_fd_t;
typedef int uv_file;               /* a CRT descriptor, as libuv */
typedef int uv_pid_t;
typedef unsigned char uv_uid_t;    /* no users/groups to speak of */
typedef unsigned char uv_gid_t;

typedef HANDLE uv_thread_t;
typedef CRITICAL_SECTION uv_mutex_t;   /* always recursive */
typedef HANDLE uv_sem_t;
typedef CONDITION_VARIABLE uv_cond_t;

/* Slim reader/writer locks: no allocation, no destroy, try-variants. */
typedef struct {
  SRWLOCK lock;
} uv_rwlock_t;

typedef struct {
  DWORD index;                     /* from TlsAlloc() */
} uv_key_t;

/* One-time initialisation is InitOnceExecuteOnce(): statically
 * initialisable and it blocks latecomers until the first caller is done. */
typedef struct {
  INIT_ONCE once;
} uv_once_t;
#define UV_ONCE_INIT { INIT_ONCE_STATIC_INIT }

/* Same shape and algorithm as the Unix barrier (built on our own mutex and
 * condition variable), so the last thread out may destroy it. */
typedef struct {
  uv_mutex_t mutex;
  uv_cond_t cond;
  unsigned int threshold;
  unsigned int in;
  unsigned int out;
} uv_barrier_t;

typedef struct {
  HMODULE handle;
  char* errmsg;
} uv_lib_t;

/* Laid out like WSABUF, so an array of uv_buf_t goes to WSASend() and
 * WSARecv() as it is. */
typedef struct uv_buf_t {
  ULONG len;
  char* base;
} uv_buf_t;

/* Sizes for uv_getnameinfo_t (the values of NI_MAXHOST/NI_MAXSERV). */
#define UV__NI_MAXHOST 1025
#define UV__NI_MAXSERV 32

/* uv_fs_open() flags.  The CRT's _O_* values where it has them; the bits
 * from 0x02000000 up are ours, picked clear of every _O_* bit and equal to
 * libuv's, and uv_fs_open turns them into CreateFileW() flags; 0 where
 * Windows has no equivalent. */
#define UV_FS_O_APPEND _O_APPEND
#define UV_FS_O_CREAT _O_CREAT
#define UV_FS_O_EXCL _O_EXCL
#define UV_FS_O_RDONLY _O_RDONLY
#define UV_FS_O_RDWR _O_RDWR
#define UV_FS_O_TRUNC _O_TRUNC
#define UV_FS_O_WRONLY _O_WRONLY
#define UV_FS_O_RANDOM _O_RANDOM          /* FILE_FLAG_RANDOM_ACCESS */
#define UV_FS_O_SEQUENTIAL _O_SEQUENTIAL  /* FILE_FLAG_SEQUENTIAL_SCAN */
#define UV_FS_O_SHORT_LIVED _O_SHORT_LIVED /* FILE_ATTRIBUTE_TEMPORARY */
#define UV_FS_O_TEMPORARY _O_TEMPORARY    /* FILE_FLAG_DELETE_ON_CLOSE */
#define UV_FS_O_DIRECT 0x02000000         /* FILE_FLAG_NO_BUFFERING */
#define UV_FS_O_DSYNC 0x04000000          /* FILE_FLAG_WRITE_THROUGH */
#define UV_FS_O_SYNC 0x08000000           /* FILE_FLAG_WRITE_THROUGH */
#define UV_FS_O_EXLOCK 0x10000000         /* share mode 0 */
#define UV_FS_O_FILEMAP 0x20000000        /* read/write through a mapping */
#define UV_FS_O_DIRECTORY 0
#define UV_FS_O_NOATIME 0
#define UV_FS_O_NOCTTY 0
#define UV_FS_O_NOFOLLOW 0
#define UV_FS_O_NONBLOCK 0
#define UV_FS_O_SYMLINK 0

#endif /* UV_WIN_H */


#if defined(UV__WANT_PRIVATE) && !defined(UV_WIN_PRIVATE_H)
#define UV_WIN_PRIVATE_H

/* Defined in src/win/: allocated per listening handle, never embedded. */
struct uv__win_tcp_accept;
struct uv__win_pipe_accept;

/* Why: completed requests, not ready descriptors, drive this port.  All
 * the loop-wide state that is not about readiness keeps its Unix name. */
struct uv__loop_priv {
  unsigned int flags;
  struct uv__queue handle_queue;   /* every handle, for uv_walk */
  HANDLE iocp;
  /* Requests the port has completed (or we completed by hand), waiting
   * for the pending phase: a circular list through rpriv.next_pending,
   * kept by its tail so appending is O(1) and tail->next is the head. */
  struct uv__req_priv* pending_reqs_tail;
  /* Closed handles whose overlapped operations are still draining; moved
   * to closing_handles once hpriv.reqs_pending reaches zero. */
  uv_handle_t* endgame_handles;
  struct uv__queue idle_handles;
  struct uv__queue prepare_handles;
  struct uv__queue check_handles;
  struct uv__queue async_handles;
  struct uv__queue* async_next;    /* uv__async_dispatch's next stop */
  uv_handle_t* closing_handles;
  struct uv__heap_node* timer_heap;
  uint64_t timer_seq;
  uint64_t time;                   /* ms, cached once per iteration */
  /* Cross-thread wake-up: a completion packet with no OVERLAPPED, posted
   * at most once until the loop sees it. */
  LONG wakeup_pending;             /* Interlocked* */
  struct uv__queue wq;             /* finished thread-pool work */
  uv_mutex_t wq_mutex;             /* a CRITICAL_SECTION */
  /* Metrics. */
  uv_mutex_t metrics_mutex;
  uint64_t loop_count;
  uint64_t events;
  uint64_t events_waiting;
  uint64_t idle_time;
  uint64_t poll_entry_time;
};

/* Why: a handle cannot be released while the kernel still owns one of its
 * OVERLAPPEDs, so close counts them and may finish later (endgame). */
/* libuv's Unix-only public members have no Windows counterpart. */
#define UV_IO_WATCHER_FIELD
#define UV_PIPE_PLATFORM_FIELDS struct uv__pipe_priv priv;
/* Same members as on Unix, so the shared request code (src/fs-req.c)
 * fills them the same way; libuv's Windows struct has no such public
 * members, so no program can depend on their absence. */
#define UV_FS_PLATFORM_FIELDS \
  const char* new_path; \
  unsigned int nbufs; \
  uv_buf_t* bufs;

struct uv__handle_priv {
  uv_close_cb close_cb;
  struct uv__queue handle_queue;
  uv_handle_t* next_closing;
  uv_handle_t* endgame_next;
  unsigned int reqs_pending;       /* operations the kernel still holds */
};

/* Why: completion packets hand back only the OVERLAPPED pointer; the
 * request around it is found again with container_of.  kind tells a
 * public request (0: look at uv_req_t.type) from an internal one. */
struct uv__req_priv {
  OVERLAPPED overlapped;
  struct uv__queue queue;
  struct uv__req_priv* next_pending;
  unsigned int kind;
};

/* Why: reads, accepts, polls and notifications the port issues on its own
 * behalf need an OVERLAPPED too but have no public request type, so they
 * name their owner instead. */
struct uv__ireq {
  struct uv__req_priv rpriv;
  uv_handle_t* owner;
};

/* Why: at most one read is in flight per stream (a zero-byte one when
 * the transport allows it, so no buffer is pinned while idle); writes go
 * straight to the kernel and are only counted, so shutdown knows when the
 * last one has completed. */
struct uv__stream_priv {
  uv_alloc_cb alloc_cb;
  uv_read_cb read_cb;
  uv_connection_cb connection_cb;
  uv_connect_t* connect_req;
  uv_shutdown_t* shutdown_req;     /* held until write_reqs_pending is 0 */
  struct uv__ireq read_req;
  uv_buf_t read_buf;               /* buffer of a non-zero read in flight */
  unsigned int write_reqs_pending;
  int delayed_error;
};

/* Why: AcceptEx needs a pre-created socket and an address buffer per
 * outstanding accept; completed ones wait on a list for uv_accept. */
struct uv__tcp_priv {
  SOCKET socket;
  unsigned int flags;
  struct uv__win_tcp_accept* accept_reqs;      /* array, one per slot */
  struct uv__win_tcp_accept* pending_accepts;  /* completed, not taken */
  unsigned int accept_slots;
};

/* Why: a named-pipe server is a set of instances each waiting in
 * ConnectNamedPipe; an IPC pipe frames its data and may receive handles
 * (sockets and pipes) that queue until uv_accept; handles opened without
 * FILE_FLAG_OVERLAPPED can only be read by a helper thread. */
struct uv__pipe_priv {
  HANDLE handle;                   /* INVALID_HANDLE_VALUE when none */
  WCHAR* name;                     /* for more instances, getsockname */
  struct uv__win_pipe_accept* accept_reqs;
  struct uv__win_pipe_accept* pending_accepts;
  int pending_instances;
  struct uv__queue ipc_pending;    /* received handles, oldest first */
  unsigned int ipc_pending_count;
  DWORD ipc_remote_pid;            /* for DuplicateHandle on send */
  uint32_t ipc_frame_left;         /* payload bytes left in current frame */
  HANDLE read_thread;              /* blocking ReadFile, for cancelling */
  SRWLOCK read_thread_lock;
};

/* Why: console handles cannot join a completion port.  Raw input is
 * waited for with RegisterWaitForSingleObject and line input read on a
 * helper thread, both completing stream read_req by hand.  Key events are
 * turned into bytes (escape sequences, UTF-8) that may span reads; output
 * to consoles without VT support goes through an escape-sequence parser. */
struct uv__tty_priv {
  HANDLE handle;
  int mode;
  HANDLE read_wait;                /* RegisterWaitForSingleObject handle */
  uv_buf_t line_buf;               /* line-mode read, filled by the thread */
  WCHAR high_surrogate;            /* first half of a pending pair */
  unsigned short key_repeat;       /* repeats of key[] still to deliver */
  unsigned char key_len;
  unsigned char key_off;
  char key[16];
  /* Output. */
  unsigned int utf8_codepoint;     /* partial UTF-8 sequence across writes */
  unsigned char utf8_left;
  unsigned char ansi_state;
  unsigned char csi_argc;
  unsigned short csi_argv[4];
  COORD saved_pos;                 /* ESC[s / ESC 7 */
  WORD saved_attr;
};

/* Why: one overlapped WSARecvFrom at a time; the kernel writes the source
 * address into the handle when it completes, so it has to live here. */
struct uv__udp_priv {
  SOCKET socket;
  uv_alloc_cb alloc_cb;
  uv_udp_recv_cb recv_cb;
  struct uv__ireq recv_req;
  uv_buf_t recv_buf;
  struct sockaddr_storage recv_from;
  int recv_from_len;
};

/* The in/out buffer of the AFD poll ioctl for one socket; the SDK has no
 * public type for it. */
struct uv__afd_poll_info {
  LARGE_INTEGER timeout;
  ULONG handle_count;
  ULONG exclusive;
  HANDLE handle;
  ULONG events;
  LONG status;
};

/* Why: readiness on Windows comes from the AFD poll ioctl on the base
 * provider socket.  Changing the interest set while a poll is in flight
 * means submitting a new one before the old one completes, hence two. */
struct uv__poll_priv {
  uv_poll_cb cb;
  SOCKET socket;
  SOCKET base_socket;              /* the one AFD understands */
  int events;                      /* wanted */
  int submitted_events;            /* asked of the poll in flight */
  struct uv__ireq poll_req[2];
  struct uv__afd_poll_info afd_info[2];
};

/* Why: a process exit is noticed by a thread-pool wait on the process
 * handle, which completes exit_req into the port. */
struct uv__process_priv {
  uv_exit_cb exit_cb;
  HANDLE process_handle;
  HANDLE wait_handle;              /* RegisterWaitForSingleObject */
  struct uv__ireq exit_req;
  int exit_signal;                 /* set by uv_process_kill */
};

/* Why: ReadDirectoryChangesW watches directories only; a watched file is
 * its directory plus a name filter (long and 8.3 forms). */
struct uv__fs_event_priv {
  uv_fs_event_cb cb;
  HANDLE dir_handle;
  struct uv__ireq req;
  void* buffer;                    /* FILE_NOTIFY_INFORMATION records */
  WCHAR* dirw;
  WCHAR* filew;
  WCHAR* short_filew;
};

/* Why: console control events arrive on a thread the system creates; it
 * bumps caught and completes req into the loop's port once, and the loop
 * delivers from there.  queue links all started handles process-wide. */
struct uv__signal_priv {
  uv_signal_cb cb;
  struct uv__queue queue;
  struct uv__ireq req;
  LONG caught;                     /* atomic */
  unsigned int dispatched;
  unsigned int flags;
};

/* Why: nothing is issued until the last write completes; the stream holds
 * the request (spriv.shutdown_req) until then. */
struct uv__shutdown_priv {
  uv_shutdown_cb cb;
};

/* Why: the kernel copies the WSABUF array but not the data, and an IPC
 * write needs a frame header that outlives the call.  Handles opened
 * without FILE_FLAG_OVERLAPPED complete through an event and a wait. */
struct uv__write_priv {
  uv_write_cb cb;
  size_t queued_bytes;             /* counted in write_queue_size */
  void* coalesced;                 /* header + payload, IPC only */
  HANDLE event_handle;
  HANDLE wait_handle;
};

/* Why: a busy pipe server makes connect wait on a thread in
 * WaitNamedPipeW, which needs the name and hands back the handle. */
struct uv__connect_priv {
  uv_connect_cb cb;
  WCHAR* pipe_name;
  HANDLE pipe_handle;
};

/* Why: WSASendTo captures the buffer array and the destination when
 * called, so only the byte count behind send_queue_size needs keeping. */
struct uv__udp_send_priv {
  uv_udp_send_cb cb;
  size_t queued_bytes;             /* counted in send_queue_size */
};

/* Why: runs on the thread pool as on Unix, with the same members (the
 * request code in src/fs-req.c is shared); paths are turned into UTF-16
 * only on the thread that runs the request, and the raw Win32 error is
 * kept for uv_fs_get_system_error. */
struct uv__fs_priv {
  uv_fs_cb cb;
  struct uv__work work;
  uv_file file;                    /* sendfile: out_fd */
  uv_file file2;                   /* sendfile: in_fd */
  int flags;                       /* open/copyfile/symlink flags, access */
  int mode;
  int own_bufs;                    /* bufs is a heap copy to free */
  DWORD sys_errno;                 /* Win32 error behind a failed result */
  int64_t off;
  size_t len;                      /* sendfile length, readdir capacity */
  double atime;
  double mtime;
  uv_dirent_t* dirents;            /* readdir: entries whose names we own */
  uv_buf_t bufsml[4];
  uv_uid_t uid;                    /* unused: chown changes nothing */
  uv_gid_t gid;
};

/* Why: GetAddrInfoW, so names are UTF-16 on the way in (the host name
 * after our IDNA conversion); the worker turns the wide result into one
 * block of struct addrinfo that uv_freeaddrinfo releases.  Only the four
 * input members of the hints are kept (the worker rebuilds an ADDRINFOW
 * from them), so the caller's may go away. */
struct uv__getaddrinfo_priv {
  uv_getaddrinfo_cb cb;
  struct uv__work work;
  WCHAR* hostname;
  WCHAR* service;
  struct {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
  } hints;
  int has_hints;
  int retcode;
};

/* Why: as on Unix; the address is copied so the caller's may go away, and
 * GetNameInfoW's UTF-16 answers are converted into host/service. */
struct uv__getnameinfo_priv {
  uv_getnameinfo_cb cb;
  struct uv__work work;
  struct sockaddr_storage storage;
  int flags;
  int retcode;
};

/* Why: FindFirstFileW returns the first entry when it opens the search,
 * so one entry is always held over to the next uv_fs_readdir. */
struct uv__dir_priv {
  HANDLE dir;                      /* the search; NULL once closed */
  WIN32_FIND_DATAW find_data;
  int have_entry;                  /* find_data holds an unreported entry */
};

#endif /* UV__WANT_PRIVATE */
