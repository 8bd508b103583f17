/* uvcore — the internal interface of UDP handles (udp.c): the close steps
 * close.c dispatches to, and the adoption of a descriptor received over an
 * IPC pipe, which uv_accept() (stream.c) hands over. */
#ifndef UV_SRC_UNIX_UDP_H
#define UV_SRC_UNIX_UDP_H

#include "internal.h"

/* uv_close time: stops watching and closes the socket; queued sends stay
 * queued until the closing phase. */
void uv__udp_close(uv_udp_t* handle);

/* Closing phase, before the close callback: queued sends complete with
 * UV_ECANCELED, after those already done, in order. */
void uv__udp_finish_close(uv_udp_t* handle);

/* Gives a received datagram socket (already close-on-exec) to an unopened
 * UDP handle.  On failure the caller still owns fd. */
int uv__udp_open_accepted(uv_udp_t* handle, int fd);

#endif /* UV_SRC_UNIX_UDP_H */
