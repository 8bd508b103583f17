/* uvcore — descriptor access shared by every descriptor-backed handle:
 * uv_fileno() and the socket buffer sizes. */
#include "stream.h"

#include <sys/socket.h>

int uv_fileno(const uv_handle_t* handle, uv_os_fd_t* fd) {
  int out;

  if (handle == NULL || fd == NULL)
    return UV_EINVAL;
  switch (handle->type) {
    case UV_TCP:
    case UV_NAMED_PIPE:
    case UV_TTY:
      out = uv__stream_fd((const uv_stream_t*) handle);
      break;
    case UV_UDP:
      out = ((const uv_udp_t*) handle)->io_watcher.fd;
      break;
    case UV_POLL:
      out = ((const uv_poll_t*) handle)->io_watcher.fd;
      break;
    default:
      return UV_EINVAL;
  }
  if (uv__is_closing(handle) || out == -1)
    return UV_EBADF;
  *fd = out;
  return 0;
}

/* *value == 0 asks for the current size; anything else sets it.  Linux
 * doubles what is set (bookkeeping overhead) and reports the doubled
 * value back. */
static int buffer_size(uv_handle_t* handle, int optname, int* value) {
  socklen_t len;
  int fd;
  int err;

  if (handle == NULL || value == NULL || *value < 0)
    return UV_EINVAL;
  if (handle->type != UV_TCP && handle->type != UV_NAMED_PIPE &&
      handle->type != UV_UDP)
    return UV_ENOTSUP;
  err = uv_fileno(handle, &fd);
  if (err)
    return err;

  len = sizeof(*value);
  if (*value == 0) {
    if (getsockopt(fd, SOL_SOCKET, optname, value, &len))
      return uv__err();
  } else {
    if (setsockopt(fd, SOL_SOCKET, optname, value, len))
      return uv__err();
  }
  return 0;
}

int uv_send_buffer_size(uv_handle_t* handle, int* value) {
  return buffer_size(handle, SO_SNDBUF, value);
}

int uv_recv_buffer_size(uv_handle_t* handle, int* value) {
  return buffer_size(handle, SO_RCVBUF, value);
}
