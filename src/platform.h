/* uvcore — the contract between the portable core and a platform.
 *
 * The portable core (the .c files in src/) owns the loop's phases, timers, the
 * idle/prepare/check/async handles, handle bookkeeping and the thread pool.
 * Everything that touches the kernel goes through the functions below,
 * implemented once per platform: src/unix/ (readiness backends: epoll,
 * kqueue — which in turn share the narrower contract in unix/backend.h)
 * and src/win/ (IOCP).  docs/design.md explains the split.
 */
#ifndef UV_SRC_PLATFORM_H
#define UV_SRC_PLATFORM_H

#include "uv.h"

/* Creates the loop's kernel objects: poller, wake-up channel.  The portable
 * part of the loop is already initialised.  Returns 0 or a UV_E* code and
 * leaves nothing open on failure. */
int uv__platform_loop_init(uv_loop_t* loop);

/* Releases what uv__platform_loop_init() created. */
void uv__platform_loop_close(uv_loop_t* loop);

/* In a forked child: replaces kernel objects the parent shares. */
int uv__platform_loop_fork(uv_loop_t* loop);

/* Handles a uv_loop_configure() option the core does not handle itself. */
int uv__platform_loop_configure(uv_loop_t* loop, uv_loop_option option,
                                int arg);

/* Waits up to timeout ms (-1: no limit, 0: just look) for I/O and runs the
 * callbacks of what completed or became ready.  Retries EINTR with the
 * remaining time.  Also runs async and thread-pool completions, which
 * arrive through the wake-up channel. */
void uv__platform_poll(uv_loop_t* loop, int timeout);

/* Whether the pending phase has work (forces a zero poll timeout), and
 * running it.  Pending callbacks are I/O completions deferred to the next
 * iteration, such as a write callback for a write that finished at once. */
int uv__platform_has_pending(const uv_loop_t* loop);
void uv__platform_run_pending(uv_loop_t* loop);

/* Whether interest changes are still waiting to be applied to the kernel
 * object behind uv_backend_fd(): an embedder that polls that descriptor
 * itself must then not block before running the loop once. */
int uv__platform_backend_stale(const uv_loop_t* loop);

/* Wakes the loop from any thread or from a signal handler: must be
 * async-signal-safe.  Wake-ups are coalesced. */
void uv__platform_wakeup(uv_loop_t* loop);

/* uv_run is returning after at least one turn: from now on a wake-up must
 * reach whoever polls the loop's backend descriptor (an embedder), not
 * only a running loop.  (A uv_run that ran no turn left nothing to undo.) */
void uv__platform_run_end(uv_loop_t* loop);

/* Monotonic time in nanoseconds; `coarse` allows a cheaper, ms-grade clock
 * (used for the loop's cached time). */
uint64_t uv__hrtime_ns(int coarse);

/* Type-specific parts of uv_close() and of the closing phase for the
 * handle types the platform implements (poll, streams, udp, ...).  Return
 * 0 if the type is not the platform's. */
int uv__platform_close(uv_handle_t* h);
void uv__platform_finish_close(uv_handle_t* h);

/* Gives up the rest of the calling thread's time slice (sched_yield(),
 * SwitchToThread()): for the short spins of async.c and threadpool.c. */
void uv__thread_yield(void);

/* Frees what uv_setup_args() allocated (for uv_library_shutdown). */
void uv__process_title_cleanup(void);

/* The system parts of requests whose bookkeeping is portable (random.c,
 * getnameinfo.c, getaddrinfo.c).  uv__random_fill: buflen bytes (at most
 * 2^31 - 1) from the system's CSPRNG; 0 or a UV_E* code.
 * uv__getnameinfo_work: runs the lookup of a uv_getnameinfo_t (on a pool
 * thread, or the caller's thread when no callback was given) and sets
 * req->host, req->service and req->priv.retcode. */
int uv__random_fill(void* buf, size_t buflen);
void uv__getnameinfo_work(struct uv__work* w);

/* uv_getaddrinfo: _prepare copies the arguments into req in the platform's
 * form (host is the ASCII form of the node, or NULL; only the four input
 * members of hints count) and returns 0 or a UV_E* code, keeping nothing
 * on failure; _work makes the lookup and sets req->addrinfo (NULL on
 * failure) and req->priv.retcode; _release frees the copies, on the loop
 * thread, whether or not _work ran. */
int uv__getaddrinfo_prepare(uv_getaddrinfo_t* req, const char* host,
                            const char* service,
                            const struct addrinfo* hints);
void uv__getaddrinfo_work(struct uv__work* w);
void uv__getaddrinfo_release(uv_getaddrinfo_t* req);

#endif /* UV_SRC_PLATFORM_H */
