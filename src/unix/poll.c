/* uvcore — poll handles: readiness of a descriptor the user owns.
 *
 * The descriptor stays the user's: we never read, write or close it.  That
 * is why stopping deregisters at once instead of lazily — the user may
 * close the descriptor right after uv_poll_stop(), and a registration left
 * behind on a dup'ed descriptor would keep reporting.
 */
#include "internal.h"

#define UV__POLL_EVENTS \
  (UV_READABLE | UV_WRITABLE | UV_DISCONNECT | UV_PRIORITIZED)

static void poll_io_cb(uv_loop_t* loop, uv__io_t* w, unsigned int events) {
  uv_poll_t* h;
  int pevents;

  (void) loop;
  h = uv__container_of(w, uv_poll_t, io_watcher);

  if (events & UV__POLLERR) {
    /* The descriptor is unusable; stop so we do not spin on it. */
    uv__io_close(h->loop, &h->io_watcher);
    uv__handle_stop((uv_handle_t*) h);
    h->priv.cb(h, UV_EBADF, 0);
    return;
  }

  pevents = 0;
  if (events & UV__POLLIN)
    pevents |= UV_READABLE;
  if (events & UV__POLLPRI)
    pevents |= UV_PRIORITIZED;
  if (events & UV__POLLOUT)
    pevents |= UV_WRITABLE;
  if (events & UV__POLLRDHUP)
    pevents |= UV_DISCONNECT;
  h->priv.cb(h, 0, pevents);
}

int uv_poll_init(uv_loop_t* loop, uv_poll_t* handle, int fd) {
  int err;

  if (!uv__loop_usable(loop) || handle == NULL)
    return UV_EINVAL;
  if (fd < 0)
    return UV_EBADF;
  /* As in libuv: a descriptor this loop already watches (another poll
   * handle, a stream) cannot get a second watcher, which would take its
   * events and, when stopped, its kernel registration. */
  if ((unsigned int) fd < loop->priv.nwatchers &&
      loop->priv.watchers[fd] != NULL)
    return UV_EEXIST;

  err = uv__io_check_fd(loop, fd);
  if (err)
    return err;
  /* Readiness is only meaningful on a non-blocking descriptor. */
  err = uv__nonblock(fd, 1);
  if (err)
    return err;

  uv__handle_init(loop, (uv_handle_t*) handle, UV_POLL);
  uv__io_init(&handle->io_watcher, poll_io_cb, fd);
  handle->priv.cb = NULL;
  return 0;
}

int uv_poll_init_socket(uv_loop_t* loop, uv_poll_t* handle,
                        uv_os_sock_t socket) {
  return uv_poll_init(loop, handle, socket);
}

static void poll_stop(uv_poll_t* h) {
  uv__io_close(h->loop, &h->io_watcher);
  uv__handle_stop((uv_handle_t*) h);
}

int uv_poll_stop(uv_poll_t* handle) {
  if (handle == NULL || handle->type != UV_POLL)
    return UV_EINVAL;
  poll_stop(handle);
  return 0;
}

int uv_poll_start(uv_poll_t* handle, int pevents, uv_poll_cb cb) {
  unsigned int events;
  int err;
  int fd;

  if (handle == NULL || handle->type != UV_POLL ||
      uv__is_closing((uv_handle_t*) handle))
    return UV_EINVAL;
  if ((pevents & ~UV__POLL_EVENTS) != 0)
    return UV_EINVAL;
  if (pevents != 0 && cb == NULL)
    return UV_EINVAL;

  if (pevents == 0) {
    poll_stop(handle);
    return 0;
  }

  /* Another started watcher of this descriptor in this loop (a second poll
   * handle on it, as libuv reports): it would lose its events to us. */
  fd = handle->io_watcher.fd;
  if (fd >= 0 && (unsigned int) fd < handle->loop->priv.nwatchers &&
      handle->loop->priv.watchers[fd] != NULL &&
      handle->loop->priv.watchers[fd] != &handle->io_watcher)
    return UV_EEXIST;

  events = 0;
  if (pevents & UV_READABLE)
    events |= UV__POLLIN;
  if (pevents & UV_PRIORITIZED)
    events |= UV__POLLPRI;
  if (pevents & UV_WRITABLE)
    events |= UV__POLLOUT;
  if (pevents & UV_DISCONNECT)
    events |= UV__POLLRDHUP;

  /* Replace the interest set rather than add to it. */
  uv__io_stop(handle->loop, &handle->io_watcher, ~events);
  err = uv__io_start(handle->loop, &handle->io_watcher, events);
  if (err)
    return err;
  handle->priv.cb = cb;
  uv__handle_start((uv_handle_t*) handle);
  return 0;
}

void uv__poll_close(uv_poll_t* h) {
  poll_stop(h);
}
