/* progress: a pool thread reports its progress to the loop thread.
 *
 * A "download" of 50 blocks runs in the thread pool.  After each block the
 * worker stores how far it got and calls uv_async_send, the one uv call
 * that is safe from any thread.  Several sends before the loop wakes up
 * give one callback, so the callback reads the latest figure (under a
 * mutex) instead of counting calls.  When the work is done the loop
 * thread closes the async handle.
 */
#include "common.h"

#include <stdio.h>

#define BLOCKS 50

static uv_async_t progress;
static uv_mutex_t lock;
static int blocks_done;
static int last_printed = -1;

static void download(uv_work_t* req) {
  int i;

  (void) req;
  for (i = 1; i <= BLOCKS; i++) {
    uv_sleep(2);  /* waiting for the network */
    uv_mutex_lock(&lock);
    blocks_done = i;
    uv_mutex_unlock(&lock);
    /* Fails only on a closing handle, which this one is not before the
     * work is done; check() would end the program from this thread. */
    check(uv_async_send(&progress), "uv_async_send");
  }
}

static void print_progress(uv_async_t* handle) {
  int done;

  (void) handle;
  uv_mutex_lock(&lock);
  done = blocks_done;
  uv_mutex_unlock(&lock);
  if (done != last_printed)
    printf("downloaded %d%%\n", done * 100 / BLOCKS);
  last_printed = done;
}

static void after_download(uv_work_t* req, int status) {
  check(status, "the download");
  print_progress(&progress);  /* the last send may not have been seen */
  printf("download complete\n");
  uv_close((uv_handle_t*) &progress, NULL);
  (void) req;
}

int main(int argc, char** argv) {
  uv_loop_t* loop;
  uv_work_t req;

  (void) argc;
  set_program_name(argv[0]);
  loop = uv_default_loop();
  check(uv_mutex_init(&lock), "uv_mutex_init");
  check(uv_async_init(loop, &progress, print_progress), "uv_async_init");
  check(uv_queue_work(loop, &req, download, after_download), "uv_queue_work");
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  uv_mutex_destroy(&lock);
  return 0;
}
