/* udp: a DHCP-style DISCOVER / OFFER exchange, adapted to loopback.
 *
 * A real DHCP client broadcasts DISCOVER from port 68 to port 67 and a
 * server answers OFFER.  Here both sides live in one loop on 127.0.0.1
 * with ports the kernel picks (67 and 68 need privileges and would clash
 * with a real DHCP service): the "server" socket answers every DISCOVER
 * it receives with an OFFER of 10.0.0.42; the "client" socket sends one
 * DISCOVER (BOOTP layout: op, hardware type, transaction id, client
 * hardware address, the magic cookie, option 53) and prints the offer it
 * gets back.  The client checks the transaction id, as a real client
 * must, since anyone can send it datagrams.  A timer gives up after 2 s.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOOTP_SIZE 240          /* fixed header up to and with the cookie */
#define OPT_MSG_TYPE 53
#define OPT_SERVER_ID 54
#define OPT_LEASE 51
#define OPT_END 255
#define DISCOVER 1
#define OFFER 2

static uv_loop_t* loop;
static uv_udp_t server, client;
static uv_timer_t deadline;
static uint32_t xid;
static int status = 1;  /* 0 once an offer was accepted */

static const unsigned char cookie[4] = { 99, 130, 83, 99 };
static const unsigned char mac[6] = { 0x02, 0x00, 0x00, 0xc0, 0xff, 0xee };

static void put32(unsigned char* p, uint32_t v) {
  p[0] = (unsigned char) (v >> 24);
  p[1] = (unsigned char) (v >> 16);
  p[2] = (unsigned char) (v >> 8);
  p[3] = (unsigned char) v;
}

static uint32_t get32(const unsigned char* p) {
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 |
         (uint32_t) p[2] << 8 | p[3];
}

/* Fills a BOOTP message; returns its length.  Options follow the cookie
 * as (code, length, value...), ended by OPT_END. */
static size_t build(unsigned char* m, int op, int type, uint32_t id,
                    const char* yiaddr) {
  unsigned char* o = m + BOOTP_SIZE;

  memset(m, 0, BOOTP_SIZE + 64);
  m[0] = (unsigned char) op;  /* 1: request, 2: reply */
  m[1] = 1;                   /* Ethernet */
  m[2] = 6;                   /* hardware address length */
  put32(m + 4, id);
  m[10] = 0x80;               /* the broadcast flag, as clients set it */
  if (yiaddr != NULL)
    check(uv_inet_pton(AF_INET, yiaddr, m + 16), "uv_inet_pton");
  memcpy(m + 28, mac, sizeof(mac));
  memcpy(m + 236, cookie, sizeof(cookie));
  *o++ = OPT_MSG_TYPE;
  *o++ = 1;
  *o++ = (unsigned char) type;
  if (type == OFFER) {
    *o++ = OPT_SERVER_ID;
    *o++ = 4;
    check(uv_inet_pton(AF_INET, "10.0.0.1", o), "uv_inet_pton");
    o += 4;
    *o++ = OPT_LEASE;
    *o++ = 4;
    put32(o, 3600);
    o += 4;
  }
  *o++ = OPT_END;
  return (size_t) (o - m);
}

/* Finds option `code`; NULL when absent or the message is malformed. */
static const unsigned char* option(const unsigned char* m, size_t len,
                                   int code, int want_len) {
  size_t i = BOOTP_SIZE;

  if (len < BOOTP_SIZE + 1 || memcmp(m + 236, cookie, 4) != 0)
    return NULL;
  while (i < len && m[i] != OPT_END) {
    if (m[i] == 0) {  /* padding */
      i++;
      continue;
    }
    if (i + 2 > len || i + 2 + m[i + 1] > len)
      return NULL;
    if (m[i] == code)
      return m[i + 1] == want_len ? m + i + 2 : NULL;
    i += 2 + (size_t) m[i + 1];
  }
  return NULL;
}

static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf) {
  (void) handle;
  buf->base = malloc(suggested);
  buf->len = buf->base != NULL ? suggested : 0;
}

static void on_sent(uv_udp_send_t* req, int err) {
  if (err != 0)
    report(err, "uv_udp_send");
  free(req);
}

static void send_message(uv_udp_t* from, const struct sockaddr* to,
                         unsigned char* m, size_t len) {
  uv_udp_send_t* req = malloc(sizeof(*req) + len);
  uv_buf_t buf;

  if (req == NULL)
    check(UV_ENOMEM, "sending");
  /* The bytes travel with the request: they must live until on_sent. */
  memcpy(req + 1, m, len);
  buf = uv_buf_init((char*) (req + 1), (unsigned) len);
  check(uv_udp_send(req, from, &buf, 1, to, on_sent), "uv_udp_send");
}

static void finish(void) {
  uv_close((uv_handle_t*) &server, NULL);
  uv_close((uv_handle_t*) &client, NULL);
  uv_close((uv_handle_t*) &deadline, NULL);
}

static void on_server_recv(uv_udp_t* handle, ssize_t n, const uv_buf_t* buf,
                           const struct sockaddr* from, unsigned flags) {
  const unsigned char* m = (const unsigned char*) buf->base;
  const unsigned char* type;
  unsigned char reply[BOOTP_SIZE + 64];
  char ip[64];

  (void) handle;
  (void) flags;
  if (n < 0)
    report((int) n, "server: receiving");
  if (n <= 0 || from == NULL) {
    free(buf->base);
    return;
  }
  type = option(m, (size_t) n, OPT_MSG_TYPE, 1);
  if (m[0] != 1 || type == NULL || *type != DISCOVER) {
    printf("server: ignored a datagram that is not a DISCOVER\n");
    free(buf->base);
    return;
  }
  check(uv_ip4_name((const struct sockaddr_in*) from, ip, sizeof(ip)),
        "uv_ip4_name");
  printf("server: DISCOVER %08x from %s:%d\n", (unsigned) get32(m + 4), ip,
         ntohs(((const struct sockaddr_in*) from)->sin_port));
  send_message(&server, from, reply,
               build(reply, 2, OFFER, get32(m + 4), "10.0.0.42"));
  free(buf->base);
}

static void on_client_recv(uv_udp_t* handle, ssize_t n, const uv_buf_t* buf,
                           const struct sockaddr* from, unsigned flags) {
  const unsigned char* m = (const unsigned char*) buf->base;
  const unsigned char *type, *server_id, *lease;
  char offered[16], sid[16];

  (void) handle;
  (void) flags;
  if (n < 0)
    report((int) n, "client: receiving");
  if (n <= 0 || from == NULL) {
    free(buf->base);
    return;
  }
  type = option(m, (size_t) n, OPT_MSG_TYPE, 1);
  server_id = option(m, (size_t) n, OPT_SERVER_ID, 4);
  lease = option(m, (size_t) n, OPT_LEASE, 4);
  if (m[0] != 2 || get32(m + 4) != xid || type == NULL || *type != OFFER ||
      server_id == NULL || lease == NULL) {
    printf("client: ignored a datagram that is not our OFFER\n");
    free(buf->base);
    return;
  }
  check(uv_inet_ntop(AF_INET, m + 16, offered, sizeof(offered)), "uv_inet_ntop");
  check(uv_inet_ntop(AF_INET, server_id, sid, sizeof(sid)), "uv_inet_ntop");
  printf("client: OFFER %s from server %s, lease %u s\n", offered, sid,
         (unsigned) get32(lease));
  free(buf->base);
  status = 0;
  finish();
}

static void on_deadline(uv_timer_t* timer) {
  (void) timer;
  fprintf(stderr, "udp: no offer within 2 s\n");
  finish();
}

int main(int argc, char** argv) {
  struct sockaddr_in addr, server_addr;
  int namelen = sizeof(server_addr);
  unsigned char m[BOOTP_SIZE + 64];

  (void) argc;
  set_program_name(argv[0]);
  loop = uv_default_loop();
  check(uv_ip4_addr("127.0.0.1", 0, &addr), "uv_ip4_addr");

  check(uv_udp_init(loop, &server), "uv_udp_init");
  check(uv_udp_bind(&server, (const struct sockaddr*) &addr, 0), "server: uv_udp_bind");
  check(uv_udp_getsockname(&server, (struct sockaddr*) &server_addr, &namelen),
        "uv_udp_getsockname");
  check(uv_udp_recv_start(&server, on_alloc, on_server_recv), "uv_udp_recv_start");

  check(uv_udp_init(loop, &client), "uv_udp_init");
  check(uv_udp_bind(&client, (const struct sockaddr*) &addr, 0), "client: uv_udp_bind");
  /* Real DHCP clients broadcast; on loopback this only shows the call. */
  check(uv_udp_set_broadcast(&client, 1), "uv_udp_set_broadcast");
  check(uv_udp_recv_start(&client, on_alloc, on_client_recv), "uv_udp_recv_start");

  check(uv_random(NULL, NULL, &xid, sizeof(xid), 0, NULL), "uv_random");
  printf("client: DISCOVER %08x to 127.0.0.1:%d\n", (unsigned) xid,
         ntohs(server_addr.sin_port));
  send_message(&client, (const struct sockaddr*) &server_addr, m,
               build(m, 1, DISCOVER, xid, NULL));

  check(uv_timer_init(loop, &deadline), "uv_timer_init");
  check(uv_timer_start(&deadline, on_deadline, 2000, 0), "uv_timer_start");
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return status;
}
