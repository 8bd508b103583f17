/* uvcore — the process title on Windows.
 *
 * uv_setup_args(), uv_get_process_title() and uv_set_process_title() are
 * not implemented on Windows yet (the console title API comes with the
 * rest of the process functions); until then uv_setup_args() has
 * allocated nothing, and library shutdown has nothing to free.
 */
#include "internal.h"

void uv__process_title_cleanup(void) {
}
