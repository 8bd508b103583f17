/* uvcore — what the portable thread pool needs from the platform's thread
 * layer beyond the public uv_thread_* / lock API. */
#ifndef UV_SRC_THREADPOOL_H
#define UV_SRC_THREADPOOL_H

/* Arranges for child() to run in the child process after every fork(), in
 * the forking thread, before fork() returns.  Returns 0 or a UV_E* code.
 * Platforms without fork() accept and ignore the registration. */
int uv__thread_atfork_child(void (*child)(void));

#endif /* UV_SRC_THREADPOOL_H */
