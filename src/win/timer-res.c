/* uvcore — the system timer resolution, raised only for short waits.
 *
 * Waits (GetQueuedCompletionStatusEx, Sleep) end on scheduler ticks,
 * about 15.6 ms apart by default, so a 1 ms timer would fire up to 16 ms
 * late.  timeBeginPeriod(1) makes ticks 1 ms apart, at a cost in power
 * (and, before Windows 10 2004, for every process on the machine), so it
 * is asked for only around a wait short enough for the tick to matter,
 * and given back as soon as the wait ends: the loop splits long timer
 * waits so that only their last few milliseconds run at 1 ms (loop.c).
 * Nothing stays raised while the loop sleeps long or does not run.
 */
#include "internal.h"

#include <mmsystem.h>

int uv__timer_res_raise(int ms) {
  if (ms <= 0 || ms > UV__WIN_SHORT_WAIT_MS)
    return 0;
  return timeBeginPeriod(1) == TIMERR_NOERROR;
}

void uv__timer_res_restore(int raised) {
  if (raised)
    timeEndPeriod(1);
}
