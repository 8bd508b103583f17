/* Descriptor exhaustion at a listener with no spare descriptor to shed
 * load with (uv_listen ran with the table already full).  The listener
 * must not spin on its readable socket: the user hears UV_EMFILE a
 * bounded number of times, the process burns little CPU, and once
 * descriptors are free every waiting and new client is accepted.
 */
#include "task.h"
#include "test-tcp-util.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define ES_EARLY 5          /* clients connecting while the table is full */
#define ES_LATE 10          /* clients connecting after descriptors free up */
#define ES_MAX_FILL 256
#define ES_PHASE_MS 1000    /* how long the table stays full */

static uv_tcp_t es_server;
static uv_tcp_t es_accepted[ES_EARLY + ES_LATE];
static uv_timer_t es_timer;
static struct sockaddr_in es_addr;
static int es_clients[ES_EARLY + ES_LATE];
static int es_nclients;
static int es_fill[ES_MAX_FILL];
static int es_nfill;
static int es_exhausted;
static int es_errors;
static int es_naccepted;
static uint64_t es_cpu_start;
static uint64_t es_cpu_phase;

static uint64_t es_cpu_us(void) {
  struct rusage ru;

  ASSERT_OK(getrusage(RUSAGE_SELF, &ru));
  return (uint64_t) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
         (uint64_t) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static void es_connect_client(int fd) {
  int r;

  r = connect(fd, (const struct sockaddr*) &es_addr, sizeof(es_addr));
  ASSERT(r == 0 || errno == EINPROGRESS);
}

static int es_new_socket(void) {
  int fd;

  fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  return fd;
}

static void es_finish(void) {
  int i;

  /* Every client is still connected: none was shed by the server. */
  for (i = 0; i < es_nclients; i++) {
    char c;
    ASSERT_EQ(recv(es_clients[i], &c, 1, MSG_DONTWAIT), -1);
    ASSERT(errno == EAGAIN || errno == EWOULDBLOCK);
    ASSERT_OK(close(es_clients[i]));
  }
  for (i = 0; i < es_naccepted; i++)
    uv_close((uv_handle_t*) &es_accepted[i], NULL);
  uv_close((uv_handle_t*) &es_server, NULL);
  uv_close((uv_handle_t*) &es_timer, NULL);
}

static void es_connection_cb(uv_stream_t* server, int status) {
  if (status != 0) {
    ASSERT(status == UV_EMFILE || status == UV_ENFILE);
    ASSERT(es_exhausted);
    es_errors++;
    return;
  }
  ASSERT_LT(es_naccepted, ES_EARLY + ES_LATE);
  ASSERT_OK(uv_tcp_init(server->loop, &es_accepted[es_naccepted]));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) &es_accepted[es_naccepted]));
  es_naccepted++;
  if (es_naccepted == ES_EARLY + ES_LATE)
    es_finish();
}

static void es_timer_cb(uv_timer_t* timer) {
  int i;

  (void) timer;
  es_cpu_phase = es_cpu_us() - es_cpu_start;
  ASSERT_EQ(es_naccepted, 0);
  while (es_nfill > 0)
    ASSERT_OK(close(es_fill[--es_nfill]));
  es_exhausted = 0;
  for (i = 0; i < ES_LATE; i++) {
    es_clients[es_nclients] = es_new_socket();
    es_connect_client(es_clients[es_nclients++]);
  }
}

TEST(tcp_emfile_no_spare) {
  struct sockaddr_storage bound;
  struct rlimit saved;
  struct rlimit low;
  uv_loop_t loop;
  int namelen;
  int fd;
  int i;

  if (test_under_valgrind())
    RETURN_SKIP("valgrind: it emulates RLIMIT_NOFILE by closing what "
                "accept(2) returned above it, dropping the waiting clients");
  ASSERT_OK(getrlimit(RLIMIT_NOFILE, &saved));
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &es_timer));
  ASSERT_OK(uv_tcp_init(&loop, &es_server));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &es_addr));
  ASSERT_OK(uv_tcp_bind(&es_server, (const struct sockaddr*) &es_addr, 0));
  namelen = sizeof(bound);
  ASSERT_OK(uv_tcp_getsockname(&es_server, (struct sockaddr*) &bound,
                               &namelen));
  es_addr.sin_port = ((struct sockaddr_in*) &bound)->sin_port;
  for (i = 0; i < ES_EARLY; i++)
    es_clients[es_nclients++] = es_new_socket();
  uv_run(&loop, UV_RUN_NOWAIT);

  /* Lower the limit to what we can fill, then fill it. */
  fd = dup(0);
  ASSERT_GE(fd, 0);
  ASSERT_OK(close(fd));
  low = saved;
  low.rlim_cur = (rlim_t) fd + ES_MAX_FILL / 2;
  ASSERT_OK(setrlimit(RLIMIT_NOFILE, &low));
  es_exhausted = 1;
  for (;;) {
    fd = dup(0);
    if (fd < 0) {
      ASSERT_EQ(errno, EMFILE);
      break;
    }
    ASSERT_LT(es_nfill, ES_MAX_FILL);
    es_fill[es_nfill++] = fd;
  }

  /* No descriptor left for the spare. */
  ASSERT_OK(uv_listen((uv_stream_t*) &es_server, 128, es_connection_cb));
  for (i = 0; i < ES_EARLY; i++)
    es_connect_client(es_clients[i]);
  ASSERT_OK(uv_timer_start(&es_timer, es_timer_cb, ES_PHASE_MS, 0));
  es_cpu_start = es_cpu_us();
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));

  fprintf(stderr, "exhausted for %d ms: %d UV_EMFILE reports, %llu us CPU; "
          "then %d clients accepted\n", ES_PHASE_MS, es_errors,
          (unsigned long long) es_cpu_phase, es_naccepted);
  /* A spinning listener reports about a million errors a second and uses
   * the whole second of CPU; a paused one retries about ten times. */
  ASSERT_GE(es_errors, 1);
  ASSERT_LE(es_errors, 50);
  ASSERT_LT(es_cpu_phase, 300000);
  ASSERT_EQ(es_naccepted, ES_EARLY + ES_LATE);
  ASSERT_OK(setrlimit(RLIMIT_NOFILE, &saved));
  close_loop_and_check(&loop);
  return 0;
}
