/* uvcore — the Unix part of closing handles: one switch over the handle
 * types this layer implements, for uv_close() and the closing phase. */
#include "internal.h"

int uv__platform_close(uv_handle_t* h) {
  switch (h->type) {
    case UV_POLL:
      uv__poll_close((uv_poll_t*) h);
      return 1;
    default:
      return 0;
  }
}

void uv__platform_finish_close(uv_handle_t* h) {
  switch (h->type) {
    default:
      break;
  }
}
