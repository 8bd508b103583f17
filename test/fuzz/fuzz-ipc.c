/* libFuzzer target: the IPC read path (stream.c reading an ipc pipe).
 *
 * The input is cut into messages sent into one end of a socket pair, each
 * with a list of descriptors attached (SCM_RIGHTS): none, a few, or more
 * than one receive takes (the kernel then truncates the list, MSG_CTRUNC),
 * of several kinds (TCP, UDP and Unix sockets, a plain file).  The other
 * end is an ipc uv_pipe_t that reads to EOF, accepting every descriptor
 * it announces into a handle of the announced type.  Nothing may crash,
 * and afterwards the process has exactly the descriptors it had before:
 * every received descriptor was either handed out or closed.
 *
 * Message format, repeated: one control byte c, one length byte n, then
 * n payload bytes (fewer at the end of the input).  c & 0x40: attach
 * descriptors, (c & 0x3f) + 1 of them, of kind c >> 7 plus their index.
 */
#include <uv.h>

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

#define KINDS 4

static int sources[KINDS];  /* descriptors we send copies of */
static uv_loop_t loop;
static uv_pipe_t reader;
static char rbuf[65536];

static int count_fds(void) {
  struct dirent* e;
  DIR* d;
  int n;

  d = opendir("/proc/self/fd");
  if (d == NULL)
    abort();
  n = 0;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.')
      n++;
  closedir(d);
  return n;
}

static void setup(void) {
  int pair[2];

  sources[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sources[1] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    abort();
  sources[2] = pair[0];
  close(pair[1]);
  sources[3] = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (sources[0] < 0 || sources[1] < 0 || sources[3] < 0)
    abort();
}

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void) h;
  (void) suggested;
  *buf = uv_buf_init(rbuf, sizeof(rbuf));
}

static void free_cb(uv_handle_t* h) {
  free(h);
}

static void take_pending(uv_pipe_t* p) {
  uv_handle_type type;
  uv_handle_t* h;
  int err;

  while (uv_pipe_pending_count(p) > 0) {
    type = uv_pipe_pending_type(p);
    h = malloc(sizeof(union uv_any_handle));
    if (h == NULL)
      abort();
    switch (type) {
      case UV_TCP:
        err = uv_tcp_init(&loop, (uv_tcp_t*) h);
        break;
      case UV_NAMED_PIPE:
        err = uv_pipe_init(&loop, (uv_pipe_t*) h, 0);
        break;
      case UV_UDP:
        err = uv_udp_init(&loop, (uv_udp_t*) h);
        break;
      default:
        /* Not acceptable: uv_accept must refuse it, and the descriptor
         * must still be closed with the pipe (checked at the end). */
        free(h);
        if (uv_accept((uv_stream_t*) p, NULL) == 0)
          abort();
        return;
    }
    if (err != 0)
      abort();
    if (uv_accept((uv_stream_t*) p, (uv_stream_t*) h) != 0)
      abort();
    uv_close(h, free_cb);
  }
}

static void read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void) buf;
  take_pending((uv_pipe_t*) s);
  if (nread < 0)
    uv_close((uv_handle_t*) s, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  union {
    struct cmsghdr hdr;
    char buf[CMSG_SPACE(64 * sizeof(int))];
  } cmsg;
  struct msghdr msg;
  struct iovec iov;
  struct cmsghdr* c;
  int pair[2];
  int before;
  size_t off;
  size_t len;
  int nfds;
  int i;
  char one;

  if (sources[0] == 0)
    setup();
  before = count_fds();
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    abort();

  /* Everything is queued before reading starts; a full socket buffer or
   * the kernel's limit on descriptors in flight just ends the input. */
  off = 0;
  while (off + 2 <= size) {
    unsigned char ctl = data[off];

    len = data[off + 1];
    off += 2;
    if (len > size - off)
      len = size - off;
    one = 0;
    iov.iov_base = len > 0 ? (void*) (data + off) : &one;
    iov.iov_len = len > 0 ? len : 1;
    off += len;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (ctl & 0x40) {
      nfds = (ctl & 0x3f) + 1;
      memset(&cmsg, 0, sizeof(cmsg));
      msg.msg_control = cmsg.buf;
      msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
      c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
      for (i = 0; i < nfds; i++) {
        int fd = sources[((ctl >> 7) + i) % KINDS];
        memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof(int));
      }
    }
    if (sendmsg(pair[1], &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
      break;
  }
  close(pair[1]);

  if (uv_loop_init(&loop) != 0)
    abort();
  if (uv_pipe_init(&loop, &reader, 1) != 0)
    abort();
  if (uv_pipe_open(&reader, pair[0]) != 0)
    abort();
  if (uv_read_start((uv_stream_t*) &reader, alloc_cb, read_cb) != 0)
    abort();
  if (uv_run(&loop, UV_RUN_DEFAULT) != 0)
    abort();
  if (uv_loop_close(&loop) != 0)
    abort();
  if (count_fds() != before)
    abort();
  return 0;
}
