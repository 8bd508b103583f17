/* floor-udp — UDP ping-pong with raw epoll, the floor for bench-udp.
 *
 * Two connected UDP sockets on 127.0.0.1 in one thread: `window` 32-byte
 * datagrams are in flight, every datagram received is answered with one
 * send back, until `count` were received.  epoll_wait, then recv until
 * EAGAIN and one send per datagram: no library.
 *
 * Usage: floor-udp [count] [window] [rounds]
 *
 * floor: udp-w1 50000 1 5
 * floor: udp-w64 400000 64 5
 */
#include "floor-common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MSG_LEN 32

static int udp_socket(struct sockaddr_in* a) {
  socklen_t len;
  int fd;

  memset(a, 0, sizeof(*a));
  a->sin_family = AF_INET;
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  len = sizeof(*a);
  if (fd < 0 || bind(fd, (struct sockaddr*) a, sizeof(*a)) != 0 ||
      getsockname(fd, (struct sockaddr*) a, &len) != 0)
    floor_die("udp socket");
  return fd;
}

int main(int argc, char** argv) {
  struct sockaddr_in aa;
  struct sockaddr_in ba;
  struct epoll_event ev[2];
  char buf[2048];
  uint64_t times[64];
  unsigned long wanted;
  unsigned long received;
  unsigned long window;
  unsigned long i;
  uint64_t t0;
  int rounds;
  int round;
  int fds[2];
  int ep;
  int k;
  int j;

  wanted = floor_n(argc > 1 ? strtoul(argv[1], NULL, 10) : 200000);
  window = argc > 2 ? strtoul(argv[2], NULL, 10) : 64;
  rounds = floor_rounds(argc > 3 ? atoi(argv[3]) : 5);
  if (wanted == 0 || window == 0 || rounds < 1 || rounds > 64)
    return 2;
  fds[0] = udp_socket(&aa);
  fds[1] = udp_socket(&ba);
  if (connect(fds[0], (struct sockaddr*) &ba, sizeof(ba)) != 0 ||
      connect(fds[1], (struct sockaddr*) &aa, sizeof(aa)) != 0)
    floor_die("connect");
  ep = epoll_create1(EPOLL_CLOEXEC);
  for (j = 0; j < 2; j++) {
    ev[0].events = EPOLLIN;
    ev[0].data.fd = fds[j];
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[j], &ev[0]) != 0)
      floor_die("epoll_ctl");
  }
  memset(buf, 'u', sizeof(buf));
  for (round = 0; round < rounds; round++) {
    received = 0;
    t0 = floor_now();
    for (i = 0; i < window; i++)
      if (send(fds[0], buf, MSG_LEN, 0) != MSG_LEN)
        floor_die("send");
    while (received < wanted) {
      k = epoll_wait(ep, ev, 2, -1);
      for (j = 0; j < k; j++) {
        while (recv(ev[j].data.fd, buf, sizeof(buf), 0) > 0) {
          if (++received + window > wanted)
            continue;  /* enough in flight to finish the round */
          if (send(ev[j].data.fd, buf, MSG_LEN, 0) != MSG_LEN)
            floor_die("send");
        }
      }
    }
    times[round] = floor_now() - t0;
    printf("round %d: %.2f ms\n", round + 1, times[round] / 1e6);
  }
  floor_report(times, rounds, (double) wanted, "datagrams");
  close(fds[0]);
  close(fds[1]);
  close(ep);
  return 0;
}
