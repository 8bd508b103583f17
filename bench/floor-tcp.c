/* floor-tcp — TCP ping-pong and bulk transfer with raw epoll.
 *
 * The floor for bench-tcp-pingpong and bench-tcp-throughput: the same
 * connected loopback pair in one thread, driven by epoll_wait and plain
 * read/write on non-blocking sockets, no library.
 *   pingpong N R    one 64-byte message in flight, echoed (Nagle off);
 *   stream MIB R    64 KiB writes whenever the socket is writable, the
 *                   other end reading 256 KiB at a time.
 *
 * floor: tcp-pingpong-1conn pingpong 50000 5
 * floor: tcp-throughput-tcp1 stream 1024 3
 * floor: tcp-throughput-tcp100 stream 1024 3
 */
#include "floor-common.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MSG_LEN 64
#define CHUNK (64 * 1024)

static int cfd;
static int sfd;
static int ep;
static char buf[256 * 1024];

static void make_pair(void) {
  struct sockaddr_in a;
  socklen_t len;
  int one;
  int lfd;

  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  len = sizeof(a);
  if (lfd < 0 || bind(lfd, (struct sockaddr*) &a, sizeof(a)) != 0 ||
      listen(lfd, 1) != 0 || getsockname(lfd, (struct sockaddr*) &a, &len))
    floor_die("listen");
  cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (cfd < 0 || connect(cfd, (struct sockaddr*) &a, sizeof(a)) != 0)
    floor_die("connect");
  sfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (sfd < 0)
    floor_die("accept");
  close(lfd);
  fcntl(cfd, F_SETFL, O_NONBLOCK);
  one = 1;
  setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  setsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0)
    floor_die("epoll");
}

static void watch(int fd, uint32_t events, int op) {
  struct epoll_event e;

  e.events = events;
  e.data.fd = fd;
  if (epoll_ctl(ep, op, fd, &e) != 0)
    floor_die("epoll_ctl");
}

static void pingpong(unsigned long n) {
  struct epoll_event ev[8];
  unsigned long done;
  size_t got;
  ssize_t r;
  int k;
  int i;

  done = 0;
  got = 0;
  memset(buf, 'p', MSG_LEN);
  if (write(cfd, buf, MSG_LEN) != MSG_LEN)
    floor_die("write");
  while (done < n) {
    k = epoll_wait(ep, ev, 8, -1);
    for (i = 0; i < k; i++) {
      r = read(ev[i].data.fd, buf, sizeof(buf));
      if (r <= 0)
        continue;
      if (ev[i].data.fd == sfd) {
        if (write(sfd, buf, (size_t) r) != r)
          floor_die("echo");
        continue;
      }
      got += (size_t) r;
      if (got < MSG_LEN)
        continue;
      got -= MSG_LEN;
      if (++done < n && write(cfd, buf, MSG_LEN) != MSG_LEN)
        floor_die("write");
    }
  }
}

static void stream(uint64_t total) {
  struct epoll_event ev[8];
  static char chunk[CHUNK];
  uint64_t sent;
  uint64_t got;
  ssize_t r;
  size_t len;
  int k;
  int i;

  sent = 0;
  got = 0;
  watch(cfd, EPOLLOUT, EPOLL_CTL_MOD);
  while (got < total) {
    k = epoll_wait(ep, ev, 8, -1);
    for (i = 0; i < k; i++) {
      if (ev[i].data.fd == sfd) {
        while ((r = read(sfd, buf, sizeof(buf))) > 0)
          got += (uint64_t) r;
        continue;
      }
      while (sent < total) {
        len = total - sent < CHUNK ? (size_t) (total - sent) : CHUNK;
        r = write(cfd, chunk, len);
        if (r < 0)
          break;
        sent += (uint64_t) r;
      }
      if (sent == total)
        watch(cfd, EPOLLIN, EPOLL_CTL_MOD);
    }
  }
}

int main(int argc, char** argv) {
  uint64_t times[64];
  unsigned long n;
  uint64_t t0;
  int rounds;
  int ping;
  int i;

  if (argc < 2)
    return 2;
  ping = strcmp(argv[1], "pingpong") == 0;
  n = floor_n(argc > 2 ? strtoul(argv[2], NULL, 10) : 50000);
  rounds = floor_rounds(argc > 3 ? atoi(argv[3]) : 5);
  if (n == 0 || rounds < 1 || rounds > 64)
    return 2;
  make_pair();
  watch(cfd, EPOLLIN, EPOLL_CTL_ADD);
  watch(sfd, EPOLLIN, EPOLL_CTL_ADD);
  for (i = 0; i < rounds; i++) {
    t0 = floor_now();
    if (ping)
      pingpong(n);
    else
      stream((uint64_t) n << 20);
    times[i] = floor_now() - t0;
    printf("round %d: %.2f ms\n", i + 1, times[i] / 1e6);
  }
  if (ping)
    floor_report(times, rounds, (double) n, "round trips");
  else
    floor_report(times, rounds, (double) (n << 20) / 1e6, "MB");
  close(cfd);
  close(sfd);
  close(ep);
  return 0;
}
