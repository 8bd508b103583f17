/* dns: resolves a name with uv_getaddrinfo, then one address back with
 * uv_getnameinfo.
 *
 *   dns NAME [SERVICE]     (service defaults to "http")
 *
 * Both calls run the system resolver in the thread pool, so the loop is
 * free meanwhile.  Every address found is printed; the first one is then
 * turned back into a host and service name.  The result list belongs to
 * us and is released with uv_freeaddrinfo.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

static uv_getaddrinfo_t resolver;
static uv_getnameinfo_t reverse;
static int status;

static void on_name(uv_getnameinfo_t* req, int err, const char* host,
                    const char* service) {
  (void) req;
  if (err != 0) {
    report(err, "uv_getnameinfo");
    status = 1;
    return;
  }
  printf("the first address is %s, service %s\n", host, service);
}

static void on_resolved(uv_getaddrinfo_t* req, int err, struct addrinfo* res) {
  struct addrinfo* ai;
  char text[64];
  int n = 0;

  if (err != 0) {
    report(err, "uv_getaddrinfo");
    status = 1;
    return;
  }
  for (ai = res; ai != NULL; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET)
      check(uv_ip4_name((struct sockaddr_in*) ai->ai_addr, text, sizeof(text)),
            "uv_ip4_name");
    else if (ai->ai_family == AF_INET6)
      check(uv_ip6_name((struct sockaddr_in6*) ai->ai_addr, text, sizeof(text)),
            "uv_ip6_name");
    else
      continue;
    printf("%s port %d\n", text,
           ntohs(((struct sockaddr_in*) ai->ai_addr)->sin_port));
    n++;
  }
  printf("%d addresses\n", n);
  if (res != NULL) {
    int r = uv_getnameinfo(req->loop, &reverse, on_name, res->ai_addr,
                           NI_NUMERICSERV);
    if (r != 0) {
      report(r, "uv_getnameinfo");
      status = 1;
    }
  }
  uv_freeaddrinfo(res);  /* uv_getnameinfo copied the address */
}

int main(int argc, char** argv) {
  struct addrinfo hints;
  uv_loop_t* loop;

  set_program_name(argv[0]);
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: dns NAME [SERVICE]\n");
    return 2;
  }
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  loop = uv_default_loop();
  printf("resolving %s...\n", argv[1]);
  check(uv_getaddrinfo(loop, &resolver, on_resolved, argv[1],
                       argc > 2 ? argv[2] : "http", &hints),
        "uv_getaddrinfo");
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return status;
}
