/* uvcore — what the rest of the Unix layer needs from tty.c: the uv_close
 * hook of TTY handles (close.c). */
#ifndef UV_SRC_UNIX_TTY_H
#define UV_SRC_UNIX_TTY_H

#include "internal.h"

/* uv_close time: puts back the terminal settings this handle changed and
 * forgets the descriptor uv_tty_reset_mode() would otherwise use, then
 * closes the stream. */
void uv__tty_close(uv_tty_t* tty);

#endif /* UV_SRC_UNIX_TTY_H */
