/* uvcore — the Unix part of closing handles: one switch over the handle
 * types this layer implements, for uv_close() and the closing phase. */
#include "internal.h"
#include "process.h"
#include "stream.h"
#include "tty.h"
#include "udp.h"

int uv__platform_close(uv_handle_t* h) {
  switch (h->type) {
    case UV_POLL:
      uv__poll_close((uv_poll_t*) h);
      return 1;
    case UV_TCP:
      uv__stream_close((uv_stream_t*) h);
      return 1;
    case UV_TTY:
      uv__tty_close((uv_tty_t*) h);
      return 1;
    case UV_NAMED_PIPE:
      uv__pipe_close((uv_pipe_t*) h);
      return 1;
    case UV_SIGNAL:
      uv__signal_close((uv_signal_t*) h);
      return 1;
    case UV_PROCESS:
      uv__process_close((uv_process_t*) h);
      return 1;
    case UV_UDP:
      uv__udp_close((uv_udp_t*) h);
      return 1;
#if defined(__linux__)
    case UV_FS_EVENT:
      uv__fs_event_close((uv_fs_event_t*) h);
      return 1;
#endif
    default:
      return 0;
  }
}

void uv__platform_finish_close(uv_handle_t* h) {
  switch (h->type) {
    case UV_TCP:
    case UV_NAMED_PIPE:
    case UV_TTY:
      uv__stream_destroy((uv_stream_t*) h);
      break;
    case UV_UDP:
      uv__udp_finish_close((uv_udp_t*) h);
      break;
    default:
      break;
  }
}
