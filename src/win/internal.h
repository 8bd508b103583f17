/* uvcore — internal declarations shared by the Windows files in src/win/.
 *
 * The portable core's contract is ../platform.h; this header adds what the
 * Windows files need from each other.  The API speaks UTF-8 (WTF-8, so
 * that any file name the system can return survives a round trip) and the
 * system speaks UTF-16: every conversion goes through the two functions
 * below (wide.c), which are thin wrappers over the public WTF-8 code in
 * ../wtf8.c.
 *
 * Windows sources stay valid for MSVC and clang-cl as well as MinGW:
 * atomics are the Interlocked* functions, not GNU builtins.
 */
#ifndef UV_SRC_WIN_INTERNAL_H
#define UV_SRC_WIN_INTERNAL_H

#include "../internal.h"

/* ---- strings (wide.c) --------------------------------------------------- */

/* NUL-terminated WTF-8 -> newly allocated (uv__malloc) NUL-terminated
 * UTF-16.  0, UV_EINVAL for a malformed string or UV_ENOMEM; *out is
 * NULL on failure.  A NULL input gives a NULL *out and 0. */
int uv__wide_from_utf8(const char* utf8, WCHAR** out);

/* UTF-16 (len units, or -1 for NUL-terminated) -> newly allocated
 * (uv__malloc) NUL-terminated WTF-8; *outlen (may be NULL) gets its length
 * without the NUL.  0 or UV_ENOMEM / UV_EINVAL. */
int uv__utf8_from_wide(const WCHAR* wide, int len, char** out,
                       size_t* outlen);

/* ---- errors (error.c) --------------------------------------------------- */

/* GetLastError() / WSAGetLastError() as a UV_E* code. */
int uv__win_last_error(void);
int uv__win_last_wsa_error(void);

/* ---- the completion port (loop.c) --------------------------------------- */

/* Completion keys of packets that carry no OVERLAPPED.  Packets of real
 * I/O carry the OVERLAPPED of the request and key 0. */
#define UV__WIN_KEY_IO 0
#define UV__WIN_KEY_WAKEUP 1

/* Queues a completed request for the pending phase.  Loop thread only;
 * requests completed elsewhere go through PostQueuedCompletionStatus. */
void uv__win_insert_pending(uv_loop_t* loop, struct uv__req_priv* req);

/* ---- timer resolution (timer-res.c) ------------------------------------- */

/* Waits up to this long (ms) run at 1 ms timer resolution; longer timer
 * waits sleep at the default tick (UV__WIN_DEFAULT_TICK_MS, 15.6 ms
 * rounded up) until they are this close to their end. */
#define UV__WIN_SHORT_WAIT_MS 32
#define UV__WIN_DEFAULT_TICK_MS 16

/* A wait of `ms` milliseconds is about to start: raises the system timer
 * resolution if it is a short wait (see above).  Returns what
 * uv__timer_res_restore() needs. */
int uv__timer_res_raise(int ms);
void uv__timer_res_restore(int raised);

/* ---- time (time.c) ------------------------------------------------------ */

/* QueryPerformanceCounter in milliseconds, for deadlines of waits. */
uint64_t uv__hrtime_ms(void);

#endif /* UV_SRC_WIN_INTERNAL_H */
