/* fetch: downloads one URL over HTTP/1.1 into a file.
 *
 *   fetch http://HOST[:PORT]/PATH FILE
 *
 * A small HTTP client of our own, no library beyond uvcore: the host is
 * resolved with uv_getaddrinfo (each address is tried in turn until a
 * uv_tcp_connect succeeds), a GET request with "Connection: close" is
 * written, and the response is parsed as it arrives: the status line, the
 * headers, then a body framed by Content-Length, by chunked transfer
 * coding, or by the end of the connection.  The body is decoded in place
 * (decoding never makes it longer) and written with uv_fs_write; reading
 * stops while a write is in flight, so a slow disk slows the download
 * instead of filling memory.  Anything but a 2xx status, a response cut
 * short, or 10 s without data is an error: exit status 1 and no FILE for
 * a non-2xx answer.  Redirects are reported, not followed.
 */
#include "common.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_HEADER 16384
#define IDLE_MS 10000

enum body_kind { BODY_LENGTH, BODY_CHUNKED, BODY_UNTIL_CLOSE };
enum chunk_state { CH_SIZE, CH_DATA, CH_DATA_END, CH_TRAILER, CH_DONE };

static uv_loop_t* loop;
static uv_getaddrinfo_t resolver;
static struct addrinfo* addresses;
static struct addrinfo* trying;
static uv_tcp_t conn;
static uv_connect_t connect_req;
static uv_write_t request_write;
static uv_timer_t idle;
static uv_fs_t fs_req;

static char host[256], port[8], path[2048];
static const char* out_path;
static char request[4096];

static char header[MAX_HEADER + 1];
static size_t header_len;
static int headers_done, status_code;
static enum body_kind body_kind;
static uint64_t body_left;        /* BODY_LENGTH: bytes still to come */
static uint64_t body_total;
static int complete;              /* the whole body has been seen */

static enum chunk_state chunk_state;
static uint64_t chunk_left;
static char chunk_line[64];
static size_t chunk_line_len;

static int conn_open;             /* conn is initialised and not closed */
static int finished;              /* succeeded or failed: stop everything */
static uv_file file = -1;
static char* write_buf;           /* the decoded read buffer being written */
static int exit_status = 1;

static void try_next_address(void);

/* ---- ending ---------------------------------------------------------- */

static void close_all(void) {
  uv_fs_t req;

  finished = 1;
  if (conn_open) {
    conn_open = 0;
    uv_close((uv_handle_t*) &conn, NULL);
  }
  if (!uv_is_closing((uv_handle_t*) &idle))
    uv_close((uv_handle_t*) &idle, NULL);
  if (file >= 0) {
    if (uv_fs_close(loop, &req, file, NULL) < 0) {
      report((int) req.result, out_path);
      exit_status = 1;
    }
    uv_fs_req_cleanup(&req);
    file = -1;
  }
}

static void fail_with(int err, const char* what) {
  report(err, what);
  exit_status = 1;
  close_all();
}

static void fail_msg(const char* msg) {
  fprintf(stderr, "fetch: %s\n", msg);
  exit_status = 1;
  close_all();
}

static void succeed(void) {
  printf("HTTP %d, %llu bytes saved to %s\n", status_code,
         (unsigned long long) body_total, out_path);
  exit_status = 0;
  close_all();
}

/* ---- parsing --------------------------------------------------------- */

/* Parses the status line and headers (header[] holds them, ending with an
 * empty line).  Returns 0 or an error message. */
static const char* parse_headers(void) {
  char* line = header;
  char* end;
  int have_length = 0;

  if (sscanf(line, "HTTP/1.%*d %d", &status_code) != 1)
    return "not an HTTP/1.x response";
  body_kind = BODY_UNTIL_CLOSE;
  while ((end = strstr(line, "\r\n")) != NULL && end != line) {
    char* colon;
    *end = '\0';
    colon = strchr(line, ':');
    if (colon != NULL && line != header) {
      char* value = colon + 1;
      *colon = '\0';
      while (*value == ' ' || *value == '\t')
        value++;
      if (strcasecmp(line, "Content-Length") == 0) {
        char* stop;
        body_left = strtoull(value, &stop, 10);
        if (stop == value || !isdigit((unsigned char) *value))
          return "a bad Content-Length";
        have_length = 1;
      } else if (strcasecmp(line, "Transfer-Encoding") == 0) {
        if (strcasecmp(value, "chunked") != 0)
          return "a transfer coding other than chunked";
        body_kind = BODY_CHUNKED;
      } else if (strcasecmp(line, "Location") == 0 &&
                 status_code >= 300 && status_code < 400) {
        fprintf(stderr, "fetch: redirected to %s (not followed)\n", value);
      }
    }
    line = end + 2;
  }
  if (body_kind != BODY_CHUNKED && have_length)
    body_kind = BODY_LENGTH;
  if (body_kind == BODY_LENGTH && body_left == 0)
    complete = 1;
  return NULL;
}

/* Decodes the chunked coding in place: returns the number of body bytes
 * left at the start of buf, or -1 for a malformed stream. */
static ssize_t dechunk(char* buf, size_t len) {
  size_t in = 0, out = 0;

  while (in < len && chunk_state != CH_DONE) {
    char c = buf[in];
    switch (chunk_state) {
      case CH_SIZE:
      case CH_TRAILER:
        in++;
        if (c != '\n') {
          if (chunk_line_len + 1 >= sizeof(chunk_line))
            return -1;
          chunk_line[chunk_line_len++] = c;
          break;
        }
        chunk_line[chunk_line_len] = '\0';
        if (chunk_line_len > 0 && chunk_line[chunk_line_len - 1] == '\r')
          chunk_line[--chunk_line_len] = '\0';
        if (chunk_state == CH_TRAILER) {
          if (chunk_line_len == 0)
            chunk_state = CH_DONE;  /* the empty line after the trailer */
        } else {
          char* stop;
          if (!isxdigit((unsigned char) chunk_line[0]))
            return -1;
          chunk_left = strtoull(chunk_line, &stop, 16);
          if (*stop != '\0' && *stop != ';')  /* ";" starts extensions */
            return -1;
          chunk_state = chunk_left == 0 ? CH_TRAILER : CH_DATA;
        }
        chunk_line_len = 0;
        break;
      case CH_DATA: {
        size_t n = len - in;
        if (n > chunk_left)
          n = (size_t) chunk_left;
        memmove(buf + out, buf + in, n);
        in += n;
        out += n;
        chunk_left -= n;
        if (chunk_left == 0)
          chunk_state = CH_DATA_END;
        break;
      }
      case CH_DATA_END:  /* the CRLF after a chunk's data */
        in++;
        if (c == '\n')
          chunk_state = CH_SIZE;
        else if (c != '\r')
          return -1;
        break;
      case CH_DONE:
        break;
    }
  }
  if (chunk_state == CH_DONE)
    complete = 1;
  return (ssize_t) out;
}

/* Turns received bytes into body bytes at the start of buf. */
static ssize_t body_bytes(char* buf, size_t len) {
  switch (body_kind) {
    case BODY_LENGTH:
      if (len > body_left)
        len = (size_t) body_left;  /* the server sent more than it said */
      body_left -= len;
      if (body_left == 0)
        complete = 1;
      return (ssize_t) len;
    case BODY_CHUNKED:
      return dechunk(buf, len);
    default:
      return (ssize_t) len;
  }
}

/* ---- reading and writing ----------------------------------------------- */

static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf) {
  (void) handle;
  buf->base = malloc(suggested);
  buf->len = buf->base != NULL ? suggested : 0;
}

static void on_read(uv_stream_t* stream, ssize_t n, const uv_buf_t* buf);

static void on_written(uv_fs_t* req) {
  ssize_t r = req->result;

  uv_fs_req_cleanup(req);
  free(write_buf);
  write_buf = NULL;
  if (r < 0)
    return fail_with((int) r, out_path);
  /* (uv_fs_write on a regular file writes everything or fails.) */
  if (complete)
    return succeed();
  if (uv_is_closing((uv_handle_t*) &conn))
    return;
  check(uv_read_start((uv_stream_t*) &conn, on_alloc, on_read), "uv_read_start");
}

/* Takes ownership of buf (malloc'ed), whose first len bytes are body. */
static void save(char* buf, size_t len) {
  uv_buf_t b = uv_buf_init(buf, (unsigned) len);
  int r;

  body_total += len;
  write_buf = buf;
  check(uv_read_stop((uv_stream_t*) &conn), "uv_read_stop");
  r = uv_fs_write(loop, &fs_req, file, &b, 1, -1, on_written);
  if (r != 0) {
    free(buf);
    write_buf = NULL;
    fail_with(r, out_path);
  }
}

static void on_read(uv_stream_t* stream, ssize_t n, const uv_buf_t* buf) {
  char* data = buf->base;
  size_t len = n > 0 ? (size_t) n : 0;
  ssize_t body;

  (void) stream;
  if (n == 0) {
    free(data);
    return;
  }
  check(uv_timer_again(&idle), "uv_timer_again");
  if (n < 0) {
    free(data);
    if (n != UV_EOF)
      return fail_with((int) n, "reading the response");
    if (headers_done && body_kind == BODY_UNTIL_CLOSE)
      return succeed();
    return fail_msg("the connection closed before the response was complete");
  }
  if (!headers_done) {
    size_t take = len < MAX_HEADER - header_len ? len : MAX_HEADER - header_len;
    char* end;
    const char* err;
    memcpy(header + header_len, data, take);
    header_len += take;
    header[header_len] = '\0';
    end = strstr(header, "\r\n\r\n");
    if (end == NULL) {
      free(data);
      if (header_len == MAX_HEADER)
        fail_msg("response headers too long");
      return;
    }
    headers_done = 1;
    /* What followed the empty line is the start of the body. */
    {
      size_t head = (size_t) (end + 4 - header);
      size_t before = header_len - take;  /* bytes from earlier reads */
      size_t used = head - before;
      memmove(data, data + used, len - used);
      len -= used;
    }
    end[2] = '\0';
    err = parse_headers();
    if (err != NULL) {
      free(data);
      return fail_msg(err);
    }
    printf("%.*s\n", (int) strcspn(header, "\r"), header);
    if (status_code < 200 || status_code > 299) {
      free(data);
      return fail_msg("the server did not answer 2xx; nothing saved");
    }
    {
      uv_fs_t req;
      int r = uv_fs_open(loop, &req, out_path, O_WRONLY | O_CREAT | O_TRUNC,
                         0644, NULL);
      uv_fs_req_cleanup(&req);
      if (r < 0) {
        free(data);
        return fail_with(r, out_path);
      }
      file = r;
    }
  }
  body = body_bytes(data, len);
  if (body < 0) {
    free(data);
    return fail_msg("malformed chunked coding");
  }
  if (body > 0)
    return save(data, (size_t) body);
  free(data);
  if (complete)
    succeed();
}

/* ---- connecting -------------------------------------------------------- */

static void on_request_written(uv_write_t* req, int err) {
  (void) req;
  if (err != 0)
    fail_with(err, "sending the request");
}

static void on_idle_timeout(uv_timer_t* timer) {
  (void) timer;
  if (write_buf != NULL)
    return;  /* the disk is slow, not the server: wait for the write */
  fail_msg("no data for 10 s");
}

static void on_failed_conn_closed(uv_handle_t* handle) {
  (void) handle;
  trying = trying->ai_next;
  try_next_address();
}

static void on_connected(uv_connect_t* req, int err) {
  uv_buf_t buf;
  int n;

  (void) req;
  if (err == UV_ECANCELED || finished)
    return;  /* closed by a failure elsewhere (the idle timer) */
  if (err != 0) {
    report(err, "connecting");
    conn_open = 0;
    uv_close((uv_handle_t*) &conn, on_failed_conn_closed);
    return;
  }
  uv_freeaddrinfo(addresses);
  addresses = trying = NULL;
  n = snprintf(request, sizeof(request),
               "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: uvcore-fetch\r\n"
               "Accept: */*\r\nConnection: close\r\n\r\n", path, host, port);
  buf = uv_buf_init(request, (unsigned) n);
  check(uv_write(&request_write, (uv_stream_t*) &conn, &buf, 1,
                 on_request_written), "uv_write");
  check(uv_read_start((uv_stream_t*) &conn, on_alloc, on_read), "uv_read_start");
}

static void try_next_address(void) {
  int r;

  if (finished) {
    uv_freeaddrinfo(addresses);
    addresses = NULL;
    return;
  }
  if (trying != NULL) {
    char name[64] = "?";
    if (trying->ai_family == AF_INET)
      check(uv_ip4_name((struct sockaddr_in*) trying->ai_addr, name,
                        sizeof(name)), "uv_ip4_name");
    else if (trying->ai_family == AF_INET6)
      check(uv_ip6_name((struct sockaddr_in6*) trying->ai_addr, name,
                        sizeof(name)), "uv_ip6_name");
    printf("connecting to %s port %s\n", name, port);
    fflush(stdout);
    check(uv_tcp_init(loop, &conn), "uv_tcp_init");
    conn_open = 1;
    r = uv_tcp_connect(&connect_req, &conn, trying->ai_addr, on_connected);
    if (r == 0)
      return;
    report(r, "uv_tcp_connect");
    /* The next address only once this handle is really closed: the
     * handle's memory is reused for it. */
    conn_open = 0;
    uv_close((uv_handle_t*) &conn, on_failed_conn_closed);
    return;
  }
  uv_freeaddrinfo(addresses);
  addresses = NULL;
  fail_msg("could not connect to any address");
}

static void on_resolved(uv_getaddrinfo_t* req, int err, struct addrinfo* res) {
  (void) req;
  if (finished) {  /* timed out meanwhile */
    uv_freeaddrinfo(res);
    return;
  }
  if (err != 0)
    return fail_with(err, host);
  addresses = trying = res;
  try_next_address();
}

/* Splits http://host[:port][/path]; a bracketed host is IPv6. */
static int parse_url(const char* url) {
  const char* p;
  const char* host_end;
  const char* slash;
  size_t n;

  if (strncmp(url, "http://", 7) != 0)
    return -1;
  p = url + 7;
  slash = p + strcspn(p, "/");
  if (*p == '[') {
    host_end = memchr(p, ']', (size_t) (slash - p));
    if (host_end == NULL)
      return -1;
    p++;
    n = (size_t) (host_end - p);
    host_end++;
  } else {
    host_end = memchr(p, ':', (size_t) (slash - p));
    if (host_end == NULL)
      host_end = slash;
    n = (size_t) (host_end - p);
  }
  if (n == 0 || n >= sizeof(host))
    return -1;
  memcpy(host, p, n);
  host[n] = '\0';
  if (*host_end == ':') {
    n = (size_t) (slash - host_end - 1);
    if (n == 0 || n >= sizeof(port) || strspn(host_end + 1, "0123456789") < n)
      return -1;
    memcpy(port, host_end + 1, n);
    port[n] = '\0';
  } else if (host_end == slash) {
    strcpy(port, "80");
  } else {
    return -1;
  }
  if (strlen(*slash ? slash : "/") >= sizeof(path))
    return -1;
  strcpy(path, *slash ? slash : "/");
  return 0;
}

int main(int argc, char** argv) {
  struct addrinfo hints;

  set_program_name(argv[0]);
  if (argc != 3) {
    fprintf(stderr, "usage: fetch http://HOST[:PORT]/PATH FILE\n");
    return 2;
  }
  if (parse_url(argv[1]) != 0) {
    fprintf(stderr, "fetch: not an http:// URL we can use: %s\n", argv[1]);
    return 2;
  }
  out_path = argv[2];
  loop = uv_default_loop();
  check(uv_timer_init(loop, &idle), "uv_timer_init");
  check(uv_timer_start(&idle, on_idle_timeout, IDLE_MS, IDLE_MS),
        "uv_timer_start");
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  check(uv_getaddrinfo(loop, &resolver, on_resolved, host, port, &hints),
        "uv_getaddrinfo");
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return exit_status;
}
