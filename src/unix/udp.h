/* uvcore — the internal interface of UDP handles (udp.c): the close steps
 * close.c dispatches to, and the adoption of a descriptor received over an
 * IPC pipe, which uv_accept() (stream.c) hands over. */
#ifndef UV_SRC_UNIX_UDP_H
#define UV_SRC_UNIX_UDP_H

#include "internal.h"

#include <sys/socket.h>
#include <sys/uio.h>

/* uv_close time: stops watching and closes the socket; queued sends stay
 * queued until the closing phase. */
void uv__udp_close(uv_udp_t* handle);

/* Closing phase, before the close callback: queued sends complete with
 * UV_ECANCELED, after those already done, in order. */
void uv__udp_finish_close(uv_udp_t* handle);

/* Gives a received datagram socket (already close-on-exec) to an unopened
 * UDP handle.  On failure the caller still owns fd. */
int uv__udp_open_accepted(uv_udp_t* handle, int fd);

/* ---- a kernel's own error reporting (linux-udp.c on Linux) ----------- */

/* One report from a socket's error queue. */
struct uv__udp_icmp_report {
  int err;                        /* positive errno; 0: not an ICMP report */
  int truncated;                  /* the datagram did not fit the buffer */
  struct sockaddr_storage from;   /* who sent it; AF_UNSPEC if unknown */
};

/* UV_UDP_LINUX_RECVERR at bind time: 1 when the kernel now queues ICMP
 * reports on fd, 0 when it has no such queue (the flag does nothing), or
 * a UV_E* error. */
int uv__udp_recverr_enable(int fd, int family);

/* Takes the oldest report off fd's error queue, its payload into iov:
 * 0, or a UV_E* error (UV_EAGAIN once the queue is empty). */
int uv__udp_errqueue_recv(int fd, struct iovec* iov,
                          struct uv__udp_icmp_report* report);

#endif /* UV_SRC_UNIX_UDP_H */
