/* uvcore — loop metrics: iteration and event counts, and (when enabled
 * with UV_METRICS_IDLE_TIME) the time spent waiting in the poll phase.
 * The counts are written by the loop thread only and read on it, like
 * loop_count; idle time may be read from other threads, so it alone is
 * kept under the lock, and the lock is only taken when it is enabled. */
#include "internal.h"

#include <string.h>

void uv__metrics_poll_enter(uv_loop_t* loop) {
  if (!(loop->priv.flags & UV__LOOP_METRICS_IDLE))
    return;
  uv_mutex_lock(&loop->priv.metrics_mutex);
  loop->priv.poll_entry_time = uv__hrtime_ns(0);
  uv_mutex_unlock(&loop->priv.metrics_mutex);
}

void uv__metrics_poll_leave(uv_loop_t* loop, unsigned int nevents,
                            int was_waiting) {
  uint64_t now;

  loop->priv.events += nevents;
  if (was_waiting) {
    loop->priv.events_waiting += nevents;
    loop->priv.flags |= UV__LOOP_POLL_WAITING;
  } else {
    loop->priv.flags &= ~UV__LOOP_POLL_WAITING;
  }
  if (!(loop->priv.flags & UV__LOOP_METRICS_IDLE))
    return;

  uv_mutex_lock(&loop->priv.metrics_mutex);
  if (loop->priv.poll_entry_time != 0) {
    now = uv__hrtime_ns(0);
    loop->priv.idle_time += now - loop->priv.poll_entry_time;
    loop->priv.poll_entry_time = 0;
  }
  uv_mutex_unlock(&loop->priv.metrics_mutex);
}

void uv__metrics_more_events(uv_loop_t* loop, unsigned int n) {
  loop->priv.events += n;
  if (loop->priv.flags & UV__LOOP_POLL_WAITING)
    loop->priv.events_waiting += n;
}

int uv_metrics_info(uv_loop_t* loop, uv_metrics_t* metrics) {
  if (!uv__loop_usable(loop) || metrics == NULL)
    return UV_EINVAL;
  memset(metrics, 0, sizeof(*metrics));
  metrics->loop_count = loop->priv.loop_count;
  metrics->events = loop->priv.events;
  metrics->events_waiting = loop->priv.events_waiting;
  return 0;
}

uint64_t uv_metrics_idle_time(uv_loop_t* loop) {
  uint64_t idle;

  if (!uv__loop_usable(loop) || !(loop->priv.flags & UV__LOOP_METRICS_IDLE))
    return 0;
  uv_mutex_lock(&loop->priv.metrics_mutex);
  idle = loop->priv.idle_time;
  if (loop->priv.poll_entry_time != 0)
    idle += uv__hrtime_ns(0) - loop->priv.poll_entry_time;
  uv_mutex_unlock(&loop->priv.metrics_mutex);
  return idle;
}
