/* uvcore — the Windows side of the loop: the I/O completion port, the
 * wake-up packet other threads post, the pending phase, and the platform
 * part of closing handles.
 *
 * Windows traps handled here:
 * - GetQueuedCompletionStatusEx sleeps in whole scheduler ticks (about
 *   15.6 ms unless some process raised the timer resolution) and may
 *   return a little before its timeout.  A timer wait therefore sleeps at
 *   the default resolution until shortly before the deadline and finishes
 *   at 1 ms resolution (timer-res.c), re-waiting whatever is left when the
 *   port gives up early: UV_RUN_ONCE must not return before the timer that
 *   bounded its wait is due.
 * - A packet without an OVERLAPPED cannot be told apart from another by
 *   anything but its completion key: the wake-up uses its own key.
 * - There is no fork(), so uv_loop_fork() is UV_ENOSYS, as in libuv, and
 *   there are no signals to block: UV_LOOP_BLOCK_SIGNAL is UV_ENOSYS too.
 */
#include "internal.h"

#include <stdlib.h>

/* Packets taken from the port per call. */
#define UV__MAX_PACKETS 128
/* A full batch means more may be waiting; take at most this many more
 * batches without blocking before running callbacks. */
#define UV__MAX_FULL_BATCHES 8

int uv__platform_loop_init(uv_loop_t* loop) {
  loop->priv.pending_reqs_tail = NULL;
  loop->priv.endgame_handles = NULL;
  loop->priv.wakeup_pending = 0;
  /* One thread (the loop's) ever waits on the port. */
  loop->priv.iocp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
  if (loop->priv.iocp == NULL)
    return uv__win_last_error();
  return 0;
}

void uv__platform_loop_close(uv_loop_t* loop) {
  if (loop->priv.iocp != NULL)
    CloseHandle(loop->priv.iocp);
  loop->priv.iocp = NULL;
}

int uv__platform_loop_fork(uv_loop_t* loop) {
  (void) loop;
  return UV_ENOSYS;
}

int uv__platform_loop_configure(uv_loop_t* loop, uv_loop_option option,
                                int arg) {
  (void) loop;
  (void) option;
  (void) arg;
  return UV_ENOSYS;
}

int uv__platform_backend_stale(const uv_loop_t* loop) {
  (void) loop;
  return 0;  /* nothing is registered lazily */
}

/* A completion port is not a descriptor an embedder could poll. */
int uv_backend_fd(const uv_loop_t* loop) {
  (void) loop;
  return -1;
}

/* ---- wake-ups ------------------------------------------------------------ */

void uv__platform_wakeup(uv_loop_t* loop) {
  if (InterlockedExchange(&loop->priv.wakeup_pending, 1) != 0)
    return;
  /* Only fails when the system is out of memory; the next sender then
   * tries again instead of finding the flag stuck. */
  if (!PostQueuedCompletionStatus(loop->priv.iocp, 0, UV__WIN_KEY_WAKEUP,
                                  NULL))
    InterlockedExchange(&loop->priv.wakeup_pending, 0);
}

/* Clear the flag before looking at the work: a sender racing with us then
 * either still sees it set (and we see its work below) or posts again. */
static void wakeup_dispatch(uv_loop_t* loop) {
  InterlockedExchange(&loop->priv.wakeup_pending, 0);
  uv__async_dispatch(loop, 0);  /* this poller never looks at the handles */
  uv__work_done(loop);
}

/* ---- the pending phase --------------------------------------------------- */

void uv__win_insert_pending(uv_loop_t* loop, struct uv__req_priv* req) {
  struct uv__req_priv* tail;

  tail = loop->priv.pending_reqs_tail;
  if (tail == NULL) {
    req->next_pending = req;
  } else {
    req->next_pending = tail->next_pending;
    tail->next_pending = req;
  }
  loop->priv.pending_reqs_tail = req;
}

void uv__platform_run_end(uv_loop_t* loop) {
  (void) loop;  /* every wake-up posts to the completion port */
}

int uv__platform_has_pending(const uv_loop_t* loop) {
  return loop->priv.pending_reqs_tail != NULL;
}

/* Every kind of request the port completes is dispatched here; the handle
 * types that issue overlapped I/O (sockets, pipes, processes: Windows
 * part 2) add theirs.  Until then nothing can be queued, and anything
 * that is means memory corruption. */
static void process_req(uv_loop_t* loop, struct uv__req_priv* rp) {
  uv_req_t* req;

  (void) loop;
  req = uv__container_of(rp, uv_req_t, rpriv);
  switch (req->type) {
    default:
      abort();
  }
}

/* The list is detached first: callbacks may complete more requests, which
 * wait for the next round. */
void uv__platform_run_pending(uv_loop_t* loop) {
  struct uv__req_priv* req;
  struct uv__req_priv* next;

  if (loop->priv.pending_reqs_tail == NULL)
    return;
  req = loop->priv.pending_reqs_tail->next_pending;
  loop->priv.pending_reqs_tail->next_pending = NULL;
  loop->priv.pending_reqs_tail = NULL;
  while (req != NULL) {
    next = req->next_pending;
    req->next_pending = NULL;
    process_req(loop, req);
    req = next;
  }
}

/* ---- the poll phase ------------------------------------------------------ */

/* Returns the number of packets taken, 0 when the wait timed out. */
static ULONG wait_packets(uv_loop_t* loop, OVERLAPPED_ENTRY* packets,
                          int timeout) {
  ULONG n;
  BOOL ok;
  int raised;
  int wait;

  /* A long timer wait stops about a tick early; the caller waits out the
   * rest, which is then short enough for 1 ms resolution. */
  wait = timeout;
  if (timeout > UV__WIN_SHORT_WAIT_MS)
    wait = timeout - UV__WIN_DEFAULT_TICK_MS;
  raised = uv__timer_res_raise(wait);
  n = 0;
  ok = GetQueuedCompletionStatusEx(loop->priv.iocp, packets, UV__MAX_PACKETS,
                                   &n, timeout < 0 ? INFINITE : (DWORD) wait,
                                   FALSE);
  uv__timer_res_restore(raised);
  /* Failure is WAIT_TIMEOUT; the port itself cannot go away under us. */
  return ok ? n : 0;
}

static void dispatch(uv_loop_t* loop, OVERLAPPED_ENTRY* packets, ULONG n) {
  struct uv__req_priv* req;
  int wakeup;
  ULONG i;

  wakeup = 0;
  for (i = 0; i < n; i++) {
    if (packets[i].lpOverlapped == NULL) {
      if (packets[i].lpCompletionKey == UV__WIN_KEY_WAKEUP)
        wakeup = 1;
      continue;
    }
    req = uv__container_of(packets[i].lpOverlapped, struct uv__req_priv,
                           overlapped);
    uv__win_insert_pending(loop, req);
  }
  /* Several wake-up packets can be in one batch (a sender posts again as
   * soon as we clear the flag); one dispatch serves them all. */
  if (wakeup)
    wakeup_dispatch(loop);
}

void uv__platform_poll(uv_loop_t* loop, int timeout) {
  OVERLAPPED_ENTRY packets[UV__MAX_PACKETS];
  uint64_t base;
  int user_timeout;
  int probing;
  int batches;
  ULONG n;

  /* With idle-time metrics on, first look without blocking, so packets
   * that were already waiting are not counted as idle time. */
  probing = 0;
  user_timeout = timeout;
  if ((loop->priv.flags & UV__LOOP_METRICS_IDLE) && timeout != 0) {
    probing = 1;
    timeout = 0;
  }

  base = loop->priv.time;
  batches = UV__MAX_FULL_BATCHES;
  for (;;) {
    if (timeout != 0)
      uv__metrics_poll_enter(loop);
    n = wait_packets(loop, packets, timeout);
    uv__metrics_poll_leave(loop, (unsigned int) n, probing);
    uv__update_time(loop);

    if (n == 0) {
      if (probing) {
        probing = 0;
        timeout = user_timeout;
        continue;
      }
      /* Early, by the loop clock (see the top of the file): wait again. */
      if (uv__poll_time_left(loop, &timeout, &base))
        continue;
      return;
    }

    dispatch(loop, packets, n);

    if (n == UV__MAX_PACKETS && --batches > 0) {
      timeout = 0;
      probing = 0;
      continue;
    }
    return;
  }
}

/* ---- closing ------------------------------------------------------------- */

/* The handle types Windows implements itself (sockets, pipes, consoles,
 * processes, signals, file-system events) come with Windows part 2; the
 * portable types (timers, idle/prepare/check, async, fs-poll) are closed
 * by the core.  A type not built yet is not ours to close. */
int uv__platform_close(uv_handle_t* h) {
  (void) h;
  return 0;
}

void uv__platform_finish_close(uv_handle_t* h) {
  (void) h;
}
