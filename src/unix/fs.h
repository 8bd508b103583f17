/* uvcore — what the three parts of the Unix file system code share.
 *
 * ../fs-req.c owns the request life cycle (argument checks, sync/async
 * dispatch, cleanup); fs.c does the simple one-syscall operations;
 * fs-copy.c moves bytes between descriptors (copyfile, sendfile); fs-dir.c
 * lists directories (scandir, opendir/readdir/closedir).  Every uv__fs_do_* function runs
 * either on the caller's thread (no callback) or on a pool thread, and
 * returns what becomes req->result: >= 0 or a negative UV_E* code.
 */
#ifndef UV_SRC_UNIX_FS_H
#define UV_SRC_UNIX_FS_H

#include "internal.h"
#include "../fs-req.h"

#include <sys/types.h>

ssize_t uv__fs_do_copyfile(uv_fs_t* req);
ssize_t uv__fs_do_sendfile(uv_fs_t* req);

ssize_t uv__fs_do_scandir(uv_fs_t* req);
ssize_t uv__fs_do_opendir(uv_fs_t* req);
ssize_t uv__fs_do_readdir(uv_fs_t* req);
ssize_t uv__fs_do_closedir(uv_fs_t* req);

/* Writes every byte of bufs (see fs.c); used by the copy fallback too. */
ssize_t uv__fs_write_all(int fd, const uv_buf_t* bufs, unsigned int nbufs,
                         int64_t off);

#endif /* UV_SRC_UNIX_FS_H */
