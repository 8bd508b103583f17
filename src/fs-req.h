/* uvcore — the contract between the shared file system request code
 * (fs-req.c) and the platform that does the work (unix/fs*.c, win/fs*.c).
 *
 * The request fields the shared code fills (path, new_path, bufs, nbufs
 * and the priv members file, file2, flags, mode, off, len, uid, gid,
 * atime, mtime, dirents, own_bufs) have the same names on every platform,
 * so only the operations themselves differ.  Directory listings are built
 * with the scan helpers below, so sorting, uv_fs_scandir_next() and the
 * freeing rules are the same everywhere.
 */
#ifndef UV_SRC_FS_REQ_H
#define UV_SRC_FS_REQ_H

#include "internal.h"

#include <stddef.h>

/* Runs the operation req->fs_type names; its value becomes req->result:
 * >= 0 or a negative UV_E* code.  Called on the caller's thread (no
 * callback) or on a pool thread. */
ssize_t uv__fs_run(uv_fs_t* req);

struct uv__scan_ent {
  char* name;
  uv_dirent_type_t type;
};

/* What req->ptr holds after a scandir: the entries, sorted by name, and
 * how far uv_fs_scandir_next() got. */
struct uv__scan {
  size_t count;
  size_t cap;
  size_t next;
  struct uv__scan_ent ents[];
};

/* Appends an entry; *scan may start NULL.  name (from uv__malloc) belongs
 * to the list from then on, and is freed here if the list cannot grow.
 * 0 or UV_ENOMEM. */
int uv__scan_push(struct uv__scan** scan, char* name, uv_dirent_type_t type);

/* Hands a complete list to the request: sorted into req->ptr (NULL for an
 * empty directory, as libuv) and the entry count returned. */
ssize_t uv__scan_finish(uv_fs_t* req, struct uv__scan* scan);

void uv__scan_free(struct uv__scan* scan);

/* Frees the first n names a failed readdir had already filled in. */
void uv__dirents_free(uv_dirent_t* ents, size_t n);

#endif /* UV_SRC_FS_REQ_H */
