/* Tests of uv_getaddrinfo, uv_getnameinfo and the interface-name helpers.
 * Only localhost, numeric addresses and one reserved-TLD name are looked
 * up; nothing depends on a working network. */
#include "task.h"

#include <string.h>
#ifdef _WIN32
# include <iphlpapi.h>  /* if_nametoindex */
/* The pool reads UV_THREADPOOL_SIZE from the C library's environment. */
# define setenv(name, value, overwrite) _putenv_s((name), (value))
#else
# include <net/if.h>
#endif

/* A flag no resolver knows.  Windows gives most high bits a meaning
 * (0x40000000 is AI_RESOLUTION_HANDLE there). */
#ifdef _WIN32
# define BAD_AI_FLAG 0x00800000
#else
# define BAD_AI_FLAG 0x40000000
#endif

/* Whether the resolver refuses unknown flags: Wine's ignores them. */
static int rejects_unknown_flags(int r) {
#ifdef _WIN32
  if (r == 0) {
    printf("note: the resolver ignores unknown flags (Wine): not checked\n");
    return 0;
  }
#endif
  (void) r;
  return 1;
}

static int is_loopback(const struct sockaddr* sa) {
  static const unsigned char lo6[16] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
  };
  const struct sockaddr_in* sin;
  const struct sockaddr_in6* sin6;

  if (sa->sa_family == AF_INET) {
    sin = (const struct sockaddr_in*) sa;
    return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
  }
  if (sa->sa_family == AF_INET6) {
    sin6 = (const struct sockaddr_in6*) sa;
    return memcmp(&sin6->sin6_addr, lo6, 16) == 0;
  }
  return 0;
}

static int is_eai_error(int r) {
  return r <= UV_EAI_ADDRFAMILY && r >= UV_EAI_PROTOCOL;
}

/* Lookups of a name that does not exist may go to the configured name
 * server; make glibc give up quickly when it is unreachable. */
static void fast_resolver(void) {
#ifndef _WIN32
  setenv("RES_OPTIONS", "timeout:1 attempts:1", 1);
#endif
}

/* ---- uv_getaddrinfo ---------------------------------------------------- */

TEST(dns_getaddrinfo_localhost_sync) {
  struct addrinfo hints;
  struct addrinfo* ai;
  uv_getaddrinfo_t req;
  uv_loop_t loop;
  int n;

  ASSERT_OK(uv_loop_init(&loop));
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_STREAM;

  ASSERT_OK(uv_getaddrinfo(&loop, &req, NULL, "localhost", NULL, &hints));
  ASSERT_EQ(req.type, UV_GETADDRINFO);
  ASSERT_PTR_EQ(req.loop, &loop);
  ASSERT_NOT_NULL(req.addrinfo);
  n = 0;
  for (ai = req.addrinfo; ai != NULL; ai = ai->ai_next) {
    ASSERT_EQ(ai->ai_socktype, SOCK_STREAM);
    ASSERT(is_loopback(ai->ai_addr));
    n++;
  }
  ASSERT_GT(n, 0);
  uv_freeaddrinfo(req.addrinfo);

  /* A synchronous call leaves no request behind. */
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  close_loop_and_check(&loop);
  return 0;
}

static int localhost_cb_called;

static void localhost_cb(uv_getaddrinfo_t* req, int status,
                         struct addrinfo* res) {
  struct addrinfo* ai;

  ASSERT_OK(status);
  ASSERT_NOT_NULL(res);
  ASSERT_PTR_EQ(res, req->addrinfo);
  ASSERT_PTR_EQ(req->data, &localhost_cb_called);
  for (ai = res; ai != NULL; ai = ai->ai_next)
    ASSERT(is_loopback(ai->ai_addr));
  localhost_cb_called++;
  uv_freeaddrinfo(res);
}

TEST(dns_getaddrinfo_localhost_async) {
  uv_getaddrinfo_t req;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  req.data = &localhost_cb_called;
  ASSERT_OK(uv_getaddrinfo(&loop, &req, localhost_cb, "localhost", NULL,
                           NULL));
  ASSERT_PTR_EQ(req.loop, &loop);
  ASSERT_EQ(req.type, UV_GETADDRINFO);
  /* The pending request keeps the loop alive; no callback before run. */
  ASSERT_EQ(uv_loop_alive(&loop), 1);
  ASSERT_EQ(localhost_cb_called, 0);

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(localhost_cb_called, 1);
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  close_loop_and_check(&loop);
  return 0;
}

TEST(dns_getaddrinfo_numeric) {
  const struct sockaddr_in6* sin6;
  const struct sockaddr_in* sin;
  struct addrinfo hints;
  uv_getaddrinfo_t req;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST;
  hints.ai_socktype = SOCK_STREAM;

  ASSERT_OK(uv_getaddrinfo(&loop, &req, NULL, "127.0.0.1", "80", &hints));
  ASSERT_NOT_NULL(req.addrinfo);
  ASSERT_EQ(req.addrinfo->ai_family, AF_INET);
  sin = (const struct sockaddr_in*) req.addrinfo->ai_addr;
  ASSERT_UINT64_EQ(ntohl(sin->sin_addr.s_addr), 0x7F000001u);
  ASSERT_EQ(ntohs(sin->sin_port), 80);
  uv_freeaddrinfo(req.addrinfo);

  ASSERT_OK(uv_getaddrinfo(&loop, &req, NULL, "::1", "8080", &hints));
  ASSERT_NOT_NULL(req.addrinfo);
  ASSERT_EQ(req.addrinfo->ai_family, AF_INET6);
  ASSERT(is_loopback(req.addrinfo->ai_addr));
  sin6 = (const struct sockaddr_in6*) req.addrinfo->ai_addr;
  ASSERT_EQ(ntohs(sin6->sin6_port), 8080);
  uv_freeaddrinfo(req.addrinfo);

  /* Service only: a passive (wildcard) address. */
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  hints.ai_family = AF_INET;
  ASSERT_OK(uv_getaddrinfo(&loop, &req, NULL, NULL, "4242", &hints));
  ASSERT_NOT_NULL(req.addrinfo);
  sin = (const struct sockaddr_in*) req.addrinfo->ai_addr;
  ASSERT_UINT64_EQ(sin->sin_addr.s_addr, htonl(INADDR_ANY));
  ASSERT_EQ(ntohs(sin->sin_port), 4242);
  uv_freeaddrinfo(req.addrinfo);

  /* Node only, no hints at all. */
  ASSERT_OK(uv_getaddrinfo(&loop, &req, NULL, "127.0.0.1", NULL, NULL));
  ASSERT_NOT_NULL(req.addrinfo);
  ASSERT_EQ(req.addrinfo->ai_family, AF_INET);
  uv_freeaddrinfo(req.addrinfo);

  close_loop_and_check(&loop);
  return 0;
}

TEST(dns_getaddrinfo_service_name) {
  const struct sockaddr_in* sin;
  struct addrinfo hints;
  struct servent* se;
  uv_getaddrinfo_t req;
  uv_loop_t loop;

#ifdef _WIN32
  {
    /* getservbyname() needs Winsock started; the library's own start is
     * internal. */
    WSADATA wsa;
    ASSERT_OK(WSAStartup(MAKEWORD(2, 2), &wsa));
  }
#endif
  se = getservbyname("http", "tcp");
  if (se == NULL)
    RETURN_SKIP("no \"http\" entry in the services database");

  ASSERT_OK(uv_loop_init(&loop));
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  ASSERT_OK(uv_getaddrinfo(&loop, &req, NULL, "127.0.0.1", "http", &hints));
  sin = (const struct sockaddr_in*) req.addrinfo->ai_addr;
  ASSERT_EQ(sin->sin_port, se->s_port);
  uv_freeaddrinfo(req.addrinfo);

  /* AI_NUMERICSERV forbids service names. */
  hints.ai_flags |= AI_NUMERICSERV;
  ASSERT_EQ(uv_getaddrinfo(&loop, &req, NULL, "127.0.0.1", "http", &hints),
            UV_EAI_NONAME);
  ASSERT_NULL(req.addrinfo);
  close_loop_and_check(&loop);
  return 0;
}

TEST(dns_getaddrinfo_bad_hints) {
  struct addrinfo hints;
  uv_getaddrinfo_t req;
  uv_loop_t loop;
  int r;

  ASSERT_OK(uv_loop_init(&loop));

  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = BAD_AI_FLAG;  /* no such flag */
  r = uv_getaddrinfo(&loop, &req, NULL, "127.0.0.1", NULL, &hints);
  if (rejects_unknown_flags(r)) {
    ASSERT_EQ(r, UV_EAI_BADFLAGS);
    ASSERT_NULL(req.addrinfo);
  } else {
    uv_freeaddrinfo(req.addrinfo);
  }

  /* A canonical name needs a node to be the name of. */
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_CANONNAME;
  ASSERT_EQ(uv_getaddrinfo(&loop, &req, NULL, NULL, "80", &hints),
            UV_EAI_BADFLAGS);

  memset(&hints, 0, sizeof(hints));
  hints.ai_family = 12345;
  ASSERT_EQ(uv_getaddrinfo(&loop, &req, NULL, "127.0.0.1", NULL, &hints),
            UV_EAI_FAMILY);

  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = 12345;
  ASSERT_EQ(uv_getaddrinfo(&loop, &req, NULL, "127.0.0.1", NULL, &hints),
            UV_EAI_SOCKTYPE);

  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_STREAM;
  ASSERT_EQ(uv_getaddrinfo(&loop, &req, NULL, "127.0.0.1",
                           "no-such-service-uvcore", &hints),
            UV_EAI_SERVICE);

  /* A numeric host of the wrong family for the hints. */
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET6;
  hints.ai_flags = AI_NUMERICHOST;
  ASSERT(is_eai_error(uv_getaddrinfo(&loop, &req, NULL, "127.0.0.1", NULL,
                                     &hints)));

  /* A name where only numbers are allowed. */
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST;
  ASSERT_EQ(uv_getaddrinfo(&loop, &req, NULL, "localhost", NULL, &hints),
            UV_EAI_NONAME);

  ASSERT_EQ(uv_loop_alive(&loop), 0);
  close_loop_and_check(&loop);
  return 0;
}

/* The name really goes through the IDNA conversion: the ideographic and
 * halfwidth full stops only become '.' there, and only then is this a
 * numeric address. */
TEST(dns_getaddrinfo_idna_applied) {
  const struct sockaddr_in* sin;
  struct addrinfo hints;
  uv_getaddrinfo_t req;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST;
  hints.ai_family = AF_INET;
  ASSERT_OK(uv_getaddrinfo(&loop, &req, NULL,
                           "127\xE3\x80\x82" "0\xEF\xBC\x8E"
                           "0\xEF\xBD\xA1" "1",
                           NULL, &hints));
  ASSERT_NOT_NULL(req.addrinfo);
  sin = (const struct sockaddr_in*) req.addrinfo->ai_addr;
  ASSERT_UINT64_EQ(ntohl(sin->sin_addr.s_addr), 0x7F000001u);
  uv_freeaddrinfo(req.addrinfo);
  close_loop_and_check(&loop);
  return 0;
}

static int error_cb_called;

static void error_cb(uv_getaddrinfo_t* req, int status,
                     struct addrinfo* res) {
  ASSERT_EQ(status, UV_EAI_BADFLAGS);
  ASSERT_NULL(res);
  ASSERT_NULL(req->addrinfo);
  error_cb_called++;
  uv_freeaddrinfo(res);  /* NULL is fine */
}

TEST(dns_getaddrinfo_async_error) {
  struct addrinfo hints;
  uv_getaddrinfo_t req;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  memset(&hints, 0, sizeof(hints));
  /* Failures found by the resolver arrive through the callback.  (A
   * canonical name without a node: every resolver refuses that, while
   * some ignore unknown flags.) */
  hints.ai_flags = AI_CANONNAME;
  ASSERT_OK(uv_getaddrinfo(&loop, &req, error_cb, NULL, "80", &hints));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(error_cb_called, 1);
  close_loop_and_check(&loop);
  return 0;
}

static int unknown_status;

static void unknown_cb(uv_getaddrinfo_t* req, int status,
                       struct addrinfo* res) {
  (void) req;
  unknown_status = status;
  ASSERT_NULL(res);
}

TEST(dns_getaddrinfo_unknown_host) {
  uv_getaddrinfo_t req;
  uv_loop_t loop;
  int r;

  fast_resolver();
  ASSERT_OK(uv_loop_init(&loop));

  /* RFC 2606 reserves .invalid: it never resolves.  Without a network the
   * resolver may report a temporary failure instead of "no such name";
   * either way it must be one of the UV_EAI_* codes.  The trailing dot
   * keeps the resolver from also trying every search domain. */
  r = uv_getaddrinfo(&loop, &req, NULL, "nonexistent.invalid.", NULL, NULL);
  if (!is_eai_error(r))
    fprintf(stderr, "got %s\n", uv_err_name(r));
  ASSERT(is_eai_error(r));
  ASSERT_NULL(req.addrinfo);

  unknown_status = 1;
  ASSERT_OK(uv_getaddrinfo(&loop, &req, unknown_cb, "nonexistent.invalid.",
                           NULL, NULL));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT(is_eai_error(unknown_status));
  close_loop_and_check(&loop);
  return 0;
}

static void never_cb(uv_getaddrinfo_t* req, int status,
                     struct addrinfo* res) {
  (void) req;
  (void) status;
  (void) res;
  ASSERT(0 && "callback of a rejected request");
}

TEST(dns_getaddrinfo_einval) {
  char name[400];
  uv_getaddrinfo_t req;
  uv_loop_t loop;
  size_t i;

  ASSERT_OK(uv_loop_init(&loop));

  ASSERT_EQ(uv_getaddrinfo(&loop, &req, NULL, NULL, NULL, NULL), UV_EINVAL);
  ASSERT_EQ(uv_getaddrinfo(&loop, &req, never_cb, NULL, NULL, NULL),
            UV_EINVAL);
  ASSERT_EQ(uv_getaddrinfo(&loop, NULL, never_cb, "localhost", NULL, NULL),
            UV_EINVAL);
  ASSERT_EQ(uv_getaddrinfo(NULL, &req, never_cb, "localhost", NULL, NULL),
            UV_EINVAL);

  /* Names that cannot be converted for the resolver. */
  ASSERT_EQ(uv_getaddrinfo(&loop, &req, never_cb, "\xC0\x80.example", NULL,
                           NULL),
            UV_EINVAL);
  ASSERT_EQ(uv_getaddrinfo(&loop, &req, NULL, "bad\xFF", NULL, NULL),
            UV_EINVAL);
  memset(name, 'a', 64);                     /* a 64-byte label */
  strcpy(name + 64, ".example");
  ASSERT_EQ(uv_getaddrinfo(&loop, &req, never_cb, name, NULL, NULL),
            UV_EINVAL);
  memset(name, 'a', sizeof(name) - 1);       /* a 399-byte name */
  name[sizeof(name) - 1] = '\0';
  for (i = 50; i < sizeof(name) - 1; i += 50)
    name[i] = '.';
  ASSERT_EQ(uv_getaddrinfo(&loop, &req, NULL, name, NULL, NULL), UV_EINVAL);

  /* Nothing was started: the loop has nothing to do. */
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  close_loop_and_check(&loop);
  return 0;
}

/* The arguments are copied: changing them after the call has no effect. */
static void copied_cb(uv_getaddrinfo_t* req, int status,
                      struct addrinfo* res) {
  struct addrinfo* ai;
  int* called;

  called = req->data;
  ASSERT_OK(status);
  for (ai = res; ai != NULL; ai = ai->ai_next) {
    ASSERT_EQ(ai->ai_family, AF_INET);
    ASSERT_EQ(ai->ai_socktype, SOCK_DGRAM);
    ASSERT_EQ(ntohs(((struct sockaddr_in*) ai->ai_addr)->sin_port), 5353);
  }
  uv_freeaddrinfo(res);
  (*called)++;
}

TEST(dns_getaddrinfo_args_copied) {
  struct addrinfo hints;
  uv_getaddrinfo_t req;
  char service[16];
  char node[32];
  uv_loop_t loop;
  int called;

  ASSERT_OK(uv_loop_init(&loop));
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  /* Garbage in the output-only members must be ignored. */
  hints.ai_addr = (struct sockaddr*) (uintptr_t) 0x10;
  hints.ai_canonname = (char*) (uintptr_t) 0x20;
  hints.ai_next = (struct addrinfo*) (uintptr_t) 0x30;
  strcpy(node, "localhost");
  strcpy(service, "5353");

  called = 0;
  req.data = &called;
  ASSERT_OK(uv_getaddrinfo(&loop, &req, copied_cb, node, service, &hints));
  memset(&hints, 0xff, sizeof(hints));
  memset(node, 'x', sizeof(node) - 1);
  memset(service, 'y', sizeof(service) - 1);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(called, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* Many lookups in flight, each completion starting the next. */
#define CONCURRENT_INFLIGHT 10
#define CONCURRENT_TOTAL 50

static uv_getaddrinfo_t concurrent_reqs[CONCURRENT_INFLIGHT];
static int concurrent_started;
static int concurrent_done;

static void concurrent_cb(uv_getaddrinfo_t* req, int status,
                          struct addrinfo* res) {
  ASSERT_OK(status);
  ASSERT_NOT_NULL(res);
  ASSERT(is_loopback(res->ai_addr));
  uv_freeaddrinfo(res);
  concurrent_done++;
  if (concurrent_started < CONCURRENT_TOTAL) {
    /* Reusing the request from its own callback is allowed. */
    concurrent_started++;
    ASSERT_OK(uv_getaddrinfo(req->loop, req, concurrent_cb,
                             (concurrent_started & 1) ? "localhost"
                                                      : "127.0.0.1",
                             NULL, NULL));
  }
}

TEST(dns_getaddrinfo_concurrent) {
  uv_loop_t loop;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  for (i = 0; i < CONCURRENT_INFLIGHT; i++) {
    concurrent_started++;
    ASSERT_OK(uv_getaddrinfo(&loop, &concurrent_reqs[i], concurrent_cb,
                             "localhost", NULL, NULL));
  }
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(concurrent_started, CONCURRENT_TOTAL);
  ASSERT_EQ(concurrent_done, CONCURRENT_TOTAL);
  close_loop_and_check(&loop);
  return 0;
}

/* ---- cancellation ------------------------------------------------------ */

/* With a one-thread pool, a work item that waits on a semaphore keeps
 * everything queued behind it from starting, so uv_cancel must win. */
static uv_sem_t block_sem;
static int cancel_gai_called;
static int cancel_gni_called;
static int block_done_called;

static void block_work(uv_work_t* req) {
  (void) req;
  uv_sem_wait(&block_sem);
}

static void block_after(uv_work_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  block_done_called++;
}

static void cancel_gai_cb(uv_getaddrinfo_t* req, int status,
                          struct addrinfo* res) {
  ASSERT_EQ(status, UV_EAI_CANCELED);
  ASSERT_NULL(res);
  ASSERT_NULL(req->addrinfo);
  cancel_gai_called++;
}

static void cancel_gni_cb(uv_getnameinfo_t* req, int status,
                          const char* host, const char* service) {
  (void) req;
  ASSERT_EQ(status, UV_EAI_CANCELED);
  ASSERT_NULL(host);
  ASSERT_NULL(service);
  cancel_gni_called++;
}

TEST(dns_cancel_queued) {
  struct sockaddr_in addr;
  uv_getaddrinfo_t gai;
  uv_getnameinfo_t gni;
  uv_work_t block;
  uv_loop_t loop;

  setenv("UV_THREADPOOL_SIZE", "1", 1);
  ASSERT_OK(uv_sem_init(&block_sem, 0));
  ASSERT_OK(uv_loop_init(&loop));

  ASSERT_OK(uv_queue_work(&loop, &block, block_work, block_after));
  ASSERT_OK(uv_getaddrinfo(&loop, &gai, cancel_gai_cb, "localhost", NULL,
                           NULL));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 80, &addr));
  ASSERT_OK(uv_getnameinfo(&loop, &gni, cancel_gni_cb,
                           (const struct sockaddr*) &addr, 0));

  ASSERT_OK(uv_cancel((uv_req_t*) &gai));
  ASSERT_OK(uv_cancel((uv_req_t*) &gni));
  /* Callbacks run from the loop, never from inside uv_cancel. */
  ASSERT_EQ(cancel_gai_called, 0);
  ASSERT_EQ(cancel_gni_called, 0);

  uv_sem_post(&block_sem);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));

  ASSERT_EQ(cancel_gai_called, 1);
  ASSERT_EQ(cancel_gni_called, 1);
  ASSERT_EQ(block_done_called, 1);
  close_loop_and_check(&loop);
  uv_sem_destroy(&block_sem);
  return 0;
}

/* ---- uv_getnameinfo ---------------------------------------------------- */

TEST(dns_getnameinfo_sync) {
  struct sockaddr_in6 addr6;
  struct sockaddr_in addr;
  uv_getnameinfo_t req;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 80, &addr));

  ASSERT_OK(uv_getnameinfo(&loop, &req, NULL, (const struct sockaddr*) &addr,
                           NI_NUMERICHOST | NI_NUMERICSERV));
  ASSERT_EQ(req.type, UV_GETNAMEINFO);
  ASSERT_PTR_EQ(req.loop, &loop);
  ASSERT_STR_EQ(req.host, "127.0.0.1");
  ASSERT_STR_EQ(req.service, "80");

  /* A name this time (localhost, or whatever the hosts file says). */
  ASSERT_OK(uv_getnameinfo(&loop, &req, NULL, (const struct sockaddr*) &addr,
                           NI_NUMERICSERV));
  ASSERT_GT(strlen(req.host), 0);
  ASSERT_STR_EQ(req.service, "80");

  ASSERT_OK(uv_ip6_addr("::1", 443, &addr6));
  ASSERT_OK(uv_getnameinfo(&loop, &req, NULL, (const struct sockaddr*) &addr6,
                           NI_NUMERICHOST | NI_NUMERICSERV));
  ASSERT_STR_EQ(req.host, "::1");
  ASSERT_STR_EQ(req.service, "443");

  ASSERT_EQ(uv_loop_alive(&loop), 0);
  close_loop_and_check(&loop);
  return 0;
}

static int gni_cb_called;

static void gni_cb(uv_getnameinfo_t* req, int status, const char* host,
                   const char* service) {
  ASSERT_OK(status);
  ASSERT_PTR_EQ(host, req->host);
  ASSERT_PTR_EQ(service, req->service);
  ASSERT_STR_EQ(host, "127.0.0.1");
  ASSERT_STR_EQ(service, "8080");
  gni_cb_called++;
}

TEST(dns_getnameinfo_async) {
  struct sockaddr_in addr;
  uv_getnameinfo_t req;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 8080, &addr));
  ASSERT_OK(uv_getnameinfo(&loop, &req, gni_cb, (const struct sockaddr*) &addr,
                           NI_NUMERICHOST | NI_NUMERICSERV));
  /* The address was copied. */
  memset(&addr, 0, sizeof(addr));
  ASSERT_EQ(uv_loop_alive(&loop), 1);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(gni_cb_called, 1);
  close_loop_and_check(&loop);
  return 0;
}

static int gni_err_called;

static void gni_err_cb(uv_getnameinfo_t* req, int status, const char* host,
                       const char* service) {
  (void) req;
  ASSERT_EQ(status, UV_EAI_BADFLAGS);
  ASSERT_NULL(host);
  ASSERT_NULL(service);
  gni_err_called++;
}

static void gni_never_cb(uv_getnameinfo_t* req, int status, const char* host,
                         const char* service) {
  (void) req;
  (void) status;
  (void) host;
  (void) service;
  ASSERT(0 && "callback of a rejected request");
}

TEST(dns_getnameinfo_errors) {
  struct sockaddr_storage ss;
  struct sockaddr_in addr;
  uv_getnameinfo_t req;
  uv_loop_t loop;
  int r;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 80, &addr));

  memset(&ss, 0, sizeof(ss));
  ss.ss_family = AF_UNIX;
  ASSERT_EQ(uv_getnameinfo(&loop, &req, gni_never_cb,
                           (const struct sockaddr*) &ss, 0),
            UV_EINVAL);
  ss.ss_family = AF_UNSPEC;
  ASSERT_EQ(uv_getnameinfo(&loop, &req, NULL, (const struct sockaddr*) &ss,
                           0),
            UV_EINVAL);
  ASSERT_EQ(uv_getnameinfo(&loop, &req, gni_never_cb, NULL, 0), UV_EINVAL);
  ASSERT_EQ(uv_getnameinfo(&loop, NULL, gni_never_cb,
                           (const struct sockaddr*) &addr, 0),
            UV_EINVAL);
  ASSERT_EQ(uv_getnameinfo(NULL, &req, gni_never_cb,
                           (const struct sockaddr*) &addr, 0),
            UV_EINVAL);
  ASSERT_EQ(uv_loop_alive(&loop), 0);

  /* Errors from the resolver: synchronously, then through the callback. */
  r = uv_getnameinfo(&loop, &req, NULL, (const struct sockaddr*) &addr,
                     0x40000000);
  if (!rejects_unknown_flags(r)) {
    close_loop_and_check(&loop);
    return 0;
  }
  ASSERT_EQ(r, UV_EAI_BADFLAGS);
  ASSERT_OK(uv_getnameinfo(&loop, &req, gni_err_cb,
                           (const struct sockaddr*) &addr, 0x40000000));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(gni_err_called, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* ---- interface names --------------------------------------------------- */

TEST(dns_if_indextoname) {
  char buf[UV_IF_NAMESIZE];
  const char* loname;
  const char* iid;
  unsigned int lo;
  size_t size;

#ifdef _WIN32
  char expected[UV_IF_NAMESIZE];
  char digits[16];
  NET_LUID luid;

  /* The loopback's index is 1; its NDIS name ("loopback_0") differs
   * between Windows and Wine, so ask the system.  A zone is written as
   * the index. */
  lo = 1;
  if (ConvertInterfaceIndexToLuid(lo, &luid) != NO_ERROR ||
      ConvertInterfaceLuidToNameA(&luid, expected, sizeof(expected)) !=
          NO_ERROR)
    RETURN_SKIP("no interface with index 1");
  loname = expected;
  snprintf(digits, sizeof(digits), "%u", lo);
  iid = digits;
#else
  loname = "lo";
  lo = if_nametoindex(loname);
  if (lo == 0) {
    loname = "lo0";
    lo = if_nametoindex(loname);
  }
  if (lo == 0)
    RETURN_SKIP("no loopback interface named lo or lo0");
  iid = loname;
#endif

  size = sizeof(buf);
  ASSERT_OK(uv_if_indextoname(lo, buf, &size));
  ASSERT_STR_EQ(buf, loname);
  ASSERT_UINT64_EQ(size, strlen(loname));  /* without the NUL */

  size = sizeof(buf);
  ASSERT_OK(uv_if_indextoiid(lo, buf, &size));
  ASSERT_STR_EQ(buf, iid);
  ASSERT_UINT64_EQ(size, strlen(iid));

  /* Exactly enough room, then one byte short. */
  size = strlen(loname) + 1;
  ASSERT_OK(uv_if_indextoname(lo, buf, &size));
  ASSERT_UINT64_EQ(size, strlen(loname));
  size = strlen(loname);
  memset(buf, 'x', sizeof(buf));
  ASSERT_EQ(uv_if_indextoname(lo, buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, strlen(loname) + 1);  /* with the NUL */
  ASSERT_EQ(buf[0], 'x');
  size = 1;
  ASSERT_EQ(uv_if_indextoiid(lo, buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, strlen(iid) + 1);

  /* Bad arguments and unknown interfaces. */
  size = 0;
  ASSERT_EQ(uv_if_indextoname(lo, buf, &size), UV_EINVAL);
  ASSERT_EQ(uv_if_indextoname(lo, NULL, &size), UV_EINVAL);
  ASSERT_EQ(uv_if_indextoname(lo, buf, NULL), UV_EINVAL);
  size = sizeof(buf);
  ASSERT_LT(uv_if_indextoname(0, buf, &size), 0);
  size = sizeof(buf);
  ASSERT_LT(uv_if_indextoname(0x7FFFFFF0u, buf, &size), 0);
  size = sizeof(buf);
  ASSERT_LT(uv_if_indextoiid(0x7FFFFFF0u, buf, &size), 0);
  return 0;
}
