/* uvcore — what only Linux offers UDP sockets: IP_RECVERR, the per-socket
 * error queue of ICMP reports (port unreachable, fragmentation needed)
 * that UV_UDP_LINUX_RECVERR turns on.  udp.c reads the queue through the
 * two functions here; a kernel without one provides them as "not here"
 * (the flag is then accepted and does nothing, as with libuv).
 *
 * The trap: a report's sender ("offender") lives inside the control
 * message, not in msg_name (which holds the original destination), and it
 * may be absent (AF_UNSPEC) for locally generated errors. */
#include "udp.h"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

int uv__udp_recverr_enable(int fd, int family) {
  int on;
  int r;

  on = 1;
  if (family == AF_INET6)
    r = setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on));
  else
    r = setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
  return r == 0 ? 1 : uv__err();
}

static const struct sock_extended_err* icmp_report(struct msghdr* m) {
  struct cmsghdr* c;

  for (c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c))
    if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
        (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR))
      return (const struct sock_extended_err*) CMSG_DATA(c);
  return NULL;
}

int uv__udp_errqueue_recv(int fd, struct iovec* iov,
                          struct uv__udp_icmp_report* report) {
  struct sockaddr_storage dest;
  const struct sock_extended_err* ee;
  const struct sockaddr* from;
  char ctl[512];
  struct msghdr m;
  ssize_t n;

  memset(&m, 0, sizeof(m));
  m.msg_name = &dest;
  m.msg_namelen = sizeof(dest);
  m.msg_iov = iov;
  m.msg_iovlen = 1;
  m.msg_control = ctl;
  m.msg_controllen = sizeof(ctl);
  do
    n = recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);
  while (n == -1 && errno == EINTR);
  if (n == -1)
    return uv__err();

  memset(report, 0, sizeof(*report));
  report->truncated = (m.msg_flags & MSG_TRUNC) != 0;
  ee = icmp_report(&m);
  if (ee == NULL)
    return 0;
  report->err = (int) ee->ee_errno;
  from = SO_EE_OFFENDER(ee);
  if (from->sa_family == AF_INET)
    memcpy(&report->from, from, sizeof(struct sockaddr_in));
  else if (from->sa_family == AF_INET6)
    memcpy(&report->from, from, sizeof(struct sockaddr_in6));
  return 0;
}
