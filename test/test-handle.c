/* Tests of what all handles and requests share: type names and sizes,
 * accessors, reference counting, uv_is_active, uv_walk, the two print
 * functions, and the rules of uv_close. */

#include "task.h"

static void noop_timer_cb(uv_timer_t* handle) {
  (void) handle;
}

static void noop_idle_cb(uv_idle_t* handle) {
  (void) handle;
}

static void noop_prepare_cb(uv_prepare_t* handle) {
  (void) handle;
}

static void noop_check_cb(uv_check_t* handle) {
  (void) handle;
}

#ifndef _WIN32
static void noop_poll_cb(uv_poll_t* handle, int status, int events) {
  (void) handle;
  (void) status;
  (void) events;
}
#endif

/* ------------------------------------------------------------------------ */
/* Type names and sizes */

TEST(handle_type_names) {
#define XX(uc, lc) ASSERT_STR_EQ(uv_handle_type_name(UV_ ## uc), #lc);
  UV_HANDLE_TYPE_MAP(XX)
#undef XX
  ASSERT_STR_EQ(uv_handle_type_name(UV_FILE), "file");
  ASSERT_STR_EQ(uv_handle_type_name(UV_NAMED_PIPE), "pipe");
  ASSERT_NULL(uv_handle_type_name(UV_UNKNOWN_HANDLE));
  ASSERT_NULL(uv_handle_type_name(UV_HANDLE_TYPE_MAX));
  ASSERT_NULL(uv_handle_type_name((uv_handle_type) -1));
  ASSERT_NULL(uv_handle_type_name((uv_handle_type) 1000));

#define XX(uc, lc) ASSERT_STR_EQ(uv_req_type_name(UV_ ## uc), #lc);
  UV_REQ_TYPE_MAP(XX)
#undef XX
  ASSERT_NULL(uv_req_type_name(UV_UNKNOWN_REQ));
  ASSERT_NULL(uv_req_type_name(UV_REQ_TYPE_MAX));
  ASSERT_NULL(uv_req_type_name((uv_req_type) -1));
  ASSERT_NULL(uv_req_type_name((uv_req_type) 1000));
  return 0;
}

/* Code written for libuv loops over [first, UV_*_TYPE_MAX) and uses each
 * name: every value in range must have one, and the ranges must end where
 * libuv's do on Unix (no private request kinds). */
TEST(handle_type_ranges) {
  int t;

  for (t = UV_UNKNOWN_HANDLE + 1; t < UV_HANDLE_TYPE_MAX; t++)
    ASSERT_NOT_NULL(uv_handle_type_name((uv_handle_type) t));
  for (t = UV_UNKNOWN_REQ + 1; t < UV_REQ_TYPE_MAX; t++)
    ASSERT_NOT_NULL(uv_req_type_name((uv_req_type) t));
  ASSERT_EQ(UV_HANDLE_TYPE_MAX, UV_FILE + 1);
  ASSERT_EQ(UV_REQ_TYPE_MAX, UV_RANDOM + 1);
  return 0;
}

TEST(handle_sizes) {
#define XX(uc, lc) ASSERT_EQ(uv_handle_size(UV_ ## uc), sizeof(uv_ ## lc ## _t));
  UV_HANDLE_TYPE_MAP(XX)
#undef XX
  ASSERT_UINT64_EQ(uv_handle_size(UV_UNKNOWN_HANDLE), (size_t) -1);
  ASSERT_UINT64_EQ(uv_handle_size(UV_FILE), (size_t) -1);
  ASSERT_UINT64_EQ(uv_handle_size(UV_HANDLE_TYPE_MAX), (size_t) -1);
  ASSERT_UINT64_EQ(uv_handle_size((uv_handle_type) -1), (size_t) -1);

#define XX(uc, lc) ASSERT_EQ(uv_req_size(UV_ ## uc), sizeof(uv_ ## lc ## _t));
  UV_REQ_TYPE_MAP(XX)
#undef XX
  ASSERT_UINT64_EQ(uv_req_size(UV_UNKNOWN_REQ), (size_t) -1);
  ASSERT_UINT64_EQ(uv_req_size(UV_REQ_TYPE_MAX), (size_t) -1);
  ASSERT_UINT64_EQ(uv_req_size((uv_req_type) -1), (size_t) -1);

  /* Every handle fits in uv_any_handle, every request in uv_any_req. */
#define XX(uc, lc) ASSERT_LE(sizeof(uv_ ## lc ## _t), sizeof(union uv_any_handle));
  UV_HANDLE_TYPE_MAP(XX)
#undef XX
#define XX(uc, lc) ASSERT_LE(sizeof(uv_ ## lc ## _t), sizeof(union uv_any_req));
  UV_REQ_TYPE_MAP(XX)
#undef XX
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Accessors */

TEST(handle_accessors) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_idle_t idle;
  uv_write_t write_req;
  uv_req_t* req;
  int marker;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_idle_init(&loop, &idle));

  ASSERT_EQ(uv_handle_get_type((uv_handle_t*) &timer), UV_TIMER);
  ASSERT_EQ(uv_handle_get_type((uv_handle_t*) &idle), UV_IDLE);
  ASSERT_EQ(timer.type, UV_TIMER);
  ASSERT_PTR_EQ(uv_handle_get_loop((uv_handle_t*) &timer), &loop);
  ASSERT_PTR_EQ(timer.loop, &loop);

  uv_handle_set_data((uv_handle_t*) &timer, &marker);
  ASSERT_PTR_EQ(uv_handle_get_data((uv_handle_t*) &timer), &marker);
  ASSERT_PTR_EQ(timer.data, &marker);
  timer.data = NULL;
  ASSERT_NULL(uv_handle_get_data((uv_handle_t*) &timer));

  /* Requests: the accessors read the public members. */
  memset(&write_req, 0, sizeof(write_req));
  req = (uv_req_t*) &write_req;
  write_req.type = UV_WRITE;
  ASSERT_EQ(uv_req_get_type(req), UV_WRITE);
  uv_req_set_data(req, &marker);
  ASSERT_PTR_EQ(uv_req_get_data(req), &marker);
  ASSERT_PTR_EQ(write_req.data, &marker);

  /* NULL is not a handle or request. */
  ASSERT_EQ(uv_handle_get_type(NULL), UV_UNKNOWN_HANDLE);
  ASSERT_NULL(uv_handle_get_data(NULL));
  ASSERT_NULL(uv_handle_get_loop(NULL));
  uv_handle_set_data(NULL, &marker);
  ASSERT_EQ(uv_req_get_type(NULL), UV_UNKNOWN_REQ);
  ASSERT_NULL(uv_req_get_data(NULL));
  uv_req_set_data(NULL, &marker);
  ASSERT_EQ(uv_is_active(NULL), 0);
  ASSERT_EQ(uv_is_closing(NULL), 0);
  ASSERT_EQ(uv_has_ref(NULL), 0);
  uv_ref(NULL);
  uv_unref(NULL);
  uv_close(NULL, NULL);

  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Reference counting and activity */

TEST(handle_ref_unref) {
  uv_loop_t loop;
  uv_timer_t timer;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_EQ(uv_has_ref((uv_handle_t*) &timer), 1);  /* new handles are */

  /* Both are idempotent: no counting. */
  uv_unref((uv_handle_t*) &timer);
  uv_unref((uv_handle_t*) &timer);
  ASSERT_EQ(uv_has_ref((uv_handle_t*) &timer), 0);
  uv_ref((uv_handle_t*) &timer);
  ASSERT_EQ(uv_has_ref((uv_handle_t*) &timer), 1);
  uv_unref((uv_handle_t*) &timer);

  /* Unreferenced before start: starting does not make the loop alive. */
  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 3600 * 1000, 0));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &timer), 1);
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  uv_ref((uv_handle_t*) &timer);
  uv_ref((uv_handle_t*) &timer);
  ASSERT_EQ(uv_loop_alive(&loop), 1);
  uv_unref((uv_handle_t*) &timer);
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  uv_ref((uv_handle_t*) &timer);

  /* Stopping and restarting keeps the count straight. */
  ASSERT_OK(uv_timer_stop(&timer));
  ASSERT_OK(uv_timer_stop(&timer));
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 3600 * 1000, 0));
  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 3600 * 1000, 0));
  ASSERT_EQ(uv_loop_alive(&loop), 1);
  ASSERT_OK(uv_timer_stop(&timer));
  ASSERT_EQ(uv_loop_alive(&loop), 0);

  /* ref/unref on a closing handle are harmless. */
  uv_close((uv_handle_t*) &timer, NULL);
  uv_unref((uv_handle_t*) &timer);
  uv_ref((uv_handle_t*) &timer);
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

TEST(handle_is_active) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_idle_t idle;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_idle_init(&loop, &idle));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &timer), 0);
  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 3600 * 1000, 0));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &timer), 1);
  ASSERT_OK(uv_timer_stop(&timer));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &timer), 0);

  /* A handle closed while active is no longer active. */
  ASSERT_OK(uv_idle_start(&idle, noop_idle_cb));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &idle), 1);
  uv_close((uv_handle_t*) &idle, NULL);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &idle), 0);
  ASSERT_EQ(uv_is_closing((uv_handle_t*) &idle), 1);

  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* uv_close */

static int close_cb_calls;
static int close_cb_during_close;
static int in_uv_close;
static uv_handle_t* close_order[8];

static void record_close_cb(uv_handle_t* handle) {
  if (in_uv_close)
    close_cb_during_close = 1;
  ASSERT_LT(close_cb_calls, 8);
  close_order[close_cb_calls++] = handle;
  /* The flag stays set: the handle is closed for good. */
  ASSERT_EQ(uv_is_closing(handle), 1);
  ASSERT_EQ(uv_is_active(handle), 0);
}

static void other_close_cb(uv_handle_t* handle) {
  (void) handle;
  ASSERT(0 && "second uv_close must be ignored");
}

TEST(handle_close) {
  uv_loop_t loop;
  uv_timer_t a;
  uv_timer_t b;
  uv_idle_t c;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &a));
  ASSERT_OK(uv_timer_init(&loop, &b));
  ASSERT_OK(uv_idle_init(&loop, &c));
  ASSERT_OK(uv_timer_start(&a, noop_timer_cb, 0, 0));
  ASSERT_OK(uv_idle_start(&c, noop_idle_cb));
  ASSERT_EQ(uv_is_closing((uv_handle_t*) &a), 0);

  close_cb_calls = 0;
  close_cb_during_close = 0;
  in_uv_close = 1;
  uv_close((uv_handle_t*) &a, record_close_cb);
  uv_close((uv_handle_t*) &b, record_close_cb);
  uv_close((uv_handle_t*) &c, record_close_cb);
  /* Closing again is ignored: the first callback stays. */
  uv_close((uv_handle_t*) &a, other_close_cb);
  in_uv_close = 0;
  ASSERT_EQ(close_cb_calls, 0);
  ASSERT_EQ(close_cb_during_close, 0);
  ASSERT_EQ(uv_is_closing((uv_handle_t*) &a), 1);
  ASSERT_EQ(uv_is_closing((uv_handle_t*) &b), 1);

  /* The closed timer does not fire even though it was due. */
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(close_cb_calls, 3);
  /* Like libuv: close callbacks run newest first. */
  ASSERT_PTR_EQ(close_order[0], &c);
  ASSERT_PTR_EQ(close_order[1], &b);
  ASSERT_PTR_EQ(close_order[2], &a);

  /* After the close callback: still "closing", and closing again does
   * nothing. */
  uv_close((uv_handle_t*) &a, other_close_cb);
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

static uv_timer_t chained_second;
static int chained_calls;

static void chained_second_cb(uv_handle_t* handle) {
  ASSERT_PTR_EQ(handle, &chained_second);
  ASSERT_EQ(chained_calls, 1);
  chained_calls++;
}

static void chained_first_cb(uv_handle_t* handle) {
  (void) handle;
  chained_calls++;
  /* Closing from a close callback: runs in a later closing phase, and the
   * loop stays alive for it. */
  uv_close((uv_handle_t*) &chained_second, chained_second_cb);
  ASSERT_EQ(uv_loop_alive(handle->loop), 1);
}

TEST(handle_close_from_close_cb) {
  uv_loop_t loop;
  uv_timer_t first;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &first));
  ASSERT_OK(uv_timer_init(&loop, &chained_second));
  chained_calls = 0;
  uv_close((uv_handle_t*) &first, chained_first_cb);
  ASSERT_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  ASSERT_EQ(chained_calls, 1);
  ASSERT_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(chained_calls, 2);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* Functions that start or stop a closing handle refuse or ignore it. */
TEST(handle_closing_misuse) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_idle_t idle;
  uv_prepare_t prepare;
  uv_check_t check;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_idle_init(&loop, &idle));
  ASSERT_OK(uv_prepare_init(&loop, &prepare));
  ASSERT_OK(uv_check_init(&loop, &check));
  uv_close((uv_handle_t*) &timer, NULL);
  uv_close((uv_handle_t*) &idle, NULL);
  uv_close((uv_handle_t*) &prepare, NULL);
  uv_close((uv_handle_t*) &check, NULL);

  ASSERT_EQ(uv_timer_start(&timer, noop_timer_cb, 0, 0), UV_EINVAL);
  ASSERT_EQ(uv_idle_start(&idle, noop_idle_cb), UV_EINVAL);
  ASSERT_EQ(uv_prepare_start(&prepare, noop_prepare_cb), UV_EINVAL);
  ASSERT_EQ(uv_check_start(&check, noop_check_cb), UV_EINVAL);
  ASSERT_OK(uv_timer_stop(&timer));
  ASSERT_OK(uv_idle_stop(&idle));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);

  /* And after the close callback ran. */
  ASSERT_EQ(uv_timer_start(&timer, noop_timer_cb, 0, 0), UV_EINVAL);
  ASSERT_EQ(uv_timer_again(&timer), UV_EINVAL);
  ASSERT_EQ(uv_idle_start(&idle, noop_idle_cb), UV_EINVAL);
  ASSERT_OK(uv_timer_stop(&timer));
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* ------------------------------------------------------------------------ */
/* uv_walk */

struct walk_state {
  uv_handle_t* seen[8];
  int count;
  int close_them;
};

static void walk_cb(uv_handle_t* handle, void* arg) {
  struct walk_state* st;

  st = arg;
  ASSERT_LT(st->count, 8);
  st->seen[st->count++] = handle;
  if (st->close_them)
    uv_close(handle, NULL);
}

static int walk_seen(const struct walk_state* st, void* handle) {
  int i;
  int n;

  n = 0;
  for (i = 0; i < st->count; i++)
    if (st->seen[i] == handle)
      n++;
  return n;
}

TEST(handle_walk) {
  uv_loop_t loop;
  uv_timer_t active;
  uv_timer_t unrefd;
  uv_idle_t inactive;
  uv_check_t closing;
  struct walk_state st;

  ASSERT_OK(uv_loop_init(&loop));

  memset(&st, 0, sizeof(st));
  uv_walk(&loop, walk_cb, &st);
  ASSERT_EQ(st.count, 0);

  ASSERT_OK(uv_timer_init(&loop, &active));
  ASSERT_OK(uv_timer_init(&loop, &unrefd));
  ASSERT_OK(uv_idle_init(&loop, &inactive));
  ASSERT_OK(uv_check_init(&loop, &closing));
  ASSERT_OK(uv_timer_start(&active, noop_timer_cb, 3600 * 1000, 0));
  ASSERT_OK(uv_timer_start(&unrefd, noop_timer_cb, 3600 * 1000, 0));
  uv_unref((uv_handle_t*) &unrefd);
  uv_close((uv_handle_t*) &closing, NULL);

  /* Every handle, whatever its state, exactly once. */
  uv_walk(&loop, walk_cb, &st);
  ASSERT_EQ(st.count, 4);
  ASSERT_EQ(walk_seen(&st, &active), 1);
  ASSERT_EQ(walk_seen(&st, &unrefd), 1);
  ASSERT_EQ(walk_seen(&st, &inactive), 1);
  ASSERT_EQ(walk_seen(&st, &closing), 1);

  /* A NULL callback is ignored. */
  uv_walk(&loop, NULL, &st);

  /* The callback may close the handle it is given. */
  memset(&st, 0, sizeof(st));
  st.close_them = 1;
  uv_walk(&loop, walk_cb, &st);
  ASSERT_EQ(st.count, 4);
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);

  /* Closed handles are gone from the walk. */
  memset(&st, 0, sizeof(st));
  uv_walk(&loop, walk_cb, &st);
  ASSERT_EQ(st.count, 0);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

static uv_timer_t walk_new_timer;

static void walk_adding_cb(uv_handle_t* handle, void* arg) {
  struct walk_state* st;

  st = arg;
  ASSERT_PTR_NE(handle, &walk_new_timer);
  st->count++;
  if (st->count == 1)
    ASSERT_OK(uv_timer_init(handle->loop, &walk_new_timer));
}

/* Handles created during a walk are not visited by it, but are by the
 * next one. */
TEST(handle_walk_add_during_walk) {
  uv_loop_t loop;
  uv_idle_t a;
  uv_idle_t b;
  struct walk_state st;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_idle_init(&loop, &a));
  ASSERT_OK(uv_idle_init(&loop, &b));
  memset(&st, 0, sizeof(st));
  uv_walk(&loop, walk_adding_cb, &st);
  ASSERT_EQ(st.count, 2);
  memset(&st, 0, sizeof(st));
  uv_walk(&loop, walk_cb, &st);
  ASSERT_EQ(st.count, 3);
  ASSERT_EQ(walk_seen(&st, &walk_new_timer), 1);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* uv_print_all_handles / uv_print_active_handles */

/* Reads the whole of a temporary file back. */
static void slurp(FILE* f, char* buf, size_t size) {
  size_t n;

  ASSERT_OK(fflush(f));
  rewind(f);
  n = fread(buf, 1, size - 1, f);
  buf[n] = '\0';
}

TEST(handle_print) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_idle_t idle;
  uv_check_t check;
  char expected[512];
  char line[128];
  char got[1024];
  FILE* f;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_idle_init(&loop, &idle));
  ASSERT_OK(uv_check_init(&loop, &check));
  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 3600 * 1000, 0));
  ASSERT_OK(uv_idle_start(&idle, noop_idle_cb));
  uv_unref((uv_handle_t*) &idle);

  /* Empty loop: nothing printed. */
  f = tmpfile();
  ASSERT_NOT_NULL(f);
  {
    uv_loop_t empty;
    ASSERT_OK(uv_loop_init(&empty));
    uv_print_all_handles(&empty, f);
    uv_print_active_handles(&empty, f);
    ASSERT_OK(uv_loop_close(&empty));
  }
  slurp(f, got, sizeof(got));
  ASSERT_STR_EQ(got, "");
  ASSERT_OK(fclose(f));

  /* "[" R(eferenced) A(ctive) I(nternal) "] " type padded to 8, address;
   * a "-" for each flag not set; handles in creation order. */
  f = tmpfile();
  ASSERT_NOT_NULL(f);
  uv_print_all_handles(&loop, f);
  slurp(f, got, sizeof(got));
  expected[0] = '\0';
  snprintf(line, sizeof(line), "[RA-] timer    %p\n", (void*) &timer);
  strcat(expected, line);
  snprintf(line, sizeof(line), "[-A-] idle     %p\n", (void*) &idle);
  strcat(expected, line);
  snprintf(line, sizeof(line), "[R--] check    %p\n", (void*) &check);
  strcat(expected, line);
  ASSERT_STR_EQ(got, expected);
  ASSERT_OK(fclose(f));

  f = tmpfile();
  ASSERT_NOT_NULL(f);
  uv_print_active_handles(&loop, f);
  slurp(f, got, sizeof(got));
  expected[0] = '\0';
  snprintf(line, sizeof(line), "[RA-] timer    %p\n", (void*) &timer);
  strcat(expected, line);
  snprintf(line, sizeof(line), "[-A-] idle     %p\n", (void*) &idle);
  strcat(expected, line);
  ASSERT_STR_EQ(got, expected);
  ASSERT_OK(fclose(f));

  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Wrong handle types are refused. */

TEST(handle_wrong_type) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_idle_t idle;
  uv_prepare_t prepare;
  uv_check_t check;
  uv_async_t async;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_idle_init(&loop, &idle));
  ASSERT_OK(uv_prepare_init(&loop, &prepare));
  ASSERT_OK(uv_check_init(&loop, &check));
  ASSERT_OK(uv_async_init(&loop, &async, NULL));

  ASSERT_EQ(uv_timer_start((uv_timer_t*) &idle, noop_timer_cb, 0, 0),
            UV_EINVAL);
  ASSERT_EQ(uv_timer_stop((uv_timer_t*) &idle), UV_EINVAL);
  ASSERT_EQ(uv_timer_again((uv_timer_t*) &idle), UV_EINVAL);
  ASSERT_EQ(uv_idle_start((uv_idle_t*) &prepare, noop_idle_cb), UV_EINVAL);
  ASSERT_EQ(uv_idle_stop((uv_idle_t*) &check), UV_EINVAL);
  ASSERT_EQ(uv_prepare_start((uv_prepare_t*) &idle, noop_prepare_cb),
            UV_EINVAL);
  ASSERT_EQ(uv_check_start((uv_check_t*) &prepare, noop_check_cb),
            UV_EINVAL);
  ASSERT_EQ(uv_prepare_stop((uv_prepare_t*) &timer), UV_EINVAL);
  ASSERT_EQ(uv_check_stop((uv_check_t*) &idle), UV_EINVAL);
  ASSERT_EQ(uv_async_send((uv_async_t*) &timer), UV_EINVAL);
#ifndef _WIN32  /* uv_poll: Windows part 2 */
  ASSERT_EQ(uv_poll_stop((uv_poll_t*) &timer), UV_EINVAL);
  ASSERT_EQ(uv_poll_start((uv_poll_t*) &timer, UV_READABLE, noop_poll_cb),
            UV_EINVAL);
#endif

  /* Nothing above changed any state. */
  ASSERT_EQ(uv_is_active((uv_handle_t*) &idle), 0);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &prepare), 0);
  ASSERT_EQ(uv_loop_alive(&loop), 1);  /* the async */
  uv_unref((uv_handle_t*) &async);
  ASSERT_EQ(uv_loop_alive(&loop), 0);

  close_loop_and_check(&loop);
  return 0;
}
