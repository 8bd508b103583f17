/* uvcore — the thread pool: runs blocking work off the loop thread and
 * hands completions back through the loop's wake-up channel, batched so
 * that many completions cost one wake-up. */
#include "internal.h"

/* Runs the done callbacks of finished work.  The queue is taken under the
 * lock in one go, so pool threads are held up for a pointer swap only. */
void uv__work_done(uv_loop_t* loop) {
  struct uv__queue done;
  struct uv__queue* q;
  struct uv__work* w;

  uv_mutex_lock(&loop->priv.wq_mutex);
  uv__queue_move(&loop->priv.wq, &done);
  uv_mutex_unlock(&loop->priv.wq_mutex);

  while (!uv__queue_empty(&done)) {
    q = uv__queue_head(&done);
    uv__queue_remove(q);
    w = uv__container_of(q, struct uv__work, wq);
    w->done(w, 0);
  }
}

/* No pool threads exist yet in this build. */
void uv__threadpool_cleanup(void) {
}
