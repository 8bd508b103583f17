/* uvcore — fs event handles on Linux, through inotify.
 *
 * One inotify descriptor per loop, made on the first start (close-on-exec,
 * non-blocking, watched like any other descriptor) and kept until the loop
 * closes.  A registry keyed by watch descriptor (wd) holds one record per
 * kernel watch; each handle hangs "subscriptions" on the records it uses.
 *
 * What inotify gets wrong, and how we cope:
 * - Watches belong to inodes, not paths or callers: adding a path whose
 *   inode we already watch returns the same wd (and replaces its mask, so
 *   every watch gets the same mask).  Several handles on one path therefore
 *   share one record, counted by its subscriptions; only the last one to go
 *   removes the kernel watch, so stopping a handle never blinds another.
 * - A wd dies by itself when its inode is deleted or its file system is
 *   unmounted: IN_IGNORED arrives after IN_DELETE_SELF/IN_UNMOUNT.  The
 *   record leaves the registry then (the number may come back for a new
 *   watch) and must not be removed again; handles on it stay active, as in
 *   libuv, hear of IN_IGNORED itself as one more UV_RENAME (libuv's count),
 *   and see nothing more.
 * - There is no recursion.  UV_FS_EVENT_RECURSIVE (which libuv ignores on
 *   Linux) is done here by hand: one watch per directory of the tree, names
 *   reported relative to the root ("a/b/file"), new or moved-in directories
 *   watched as they appear.  Files can land in a new directory before its
 *   watch exists, so its contents are scanned right after and each entry is
 *   reported once as UV_RENAME (an entry may then be reported twice; never
 *   not at all).  Removed or moved-out directories drop their watches.
 *   A directory that is the same inode as one the handle already watches
 *   elsewhere (bind mounts) is not descended into again: no cycles.
 * - Limits are per user: max_user_watches (ENOSPC from inotify_add_watch)
 *   and max_user_instances (EMFILE from inotify_init1).  A start that hits
 *   one fails with that error and leaves nothing registered.  A directory
 *   that appears later and cannot be watched is reported through the
 *   callback's status instead.
 * - The kernel queue is bounded (max_queued_events); when it overflows the
 *   kernel drops events and says only IN_Q_OVERFLOW, for no wd.  Every
 *   started handle of the loop then gets one callback with filename NULL
 *   and UV_RENAME | UV_CHANGE ("anything may have changed: look again"),
 *   and recursive handles rescan their tree for directories they missed.
 * - Names arrive padded with NULs in a variable-length record; events for
 *   the watched object itself carry no name, and libuv reports the base
 *   name of the handle's path for them.
 */
#include "internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#define UV__INOTIFY_MASK \
  (IN_ATTRIB | IN_CREATE | IN_MODIFY | IN_DELETE | IN_DELETE_SELF | \
   IN_MOVE_SELF | IN_MOVED_FROM | IN_MOVED_TO)

#define UV__INOTIFY_RENAME \
  (IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_MOVED_FROM | \
   IN_MOVED_TO | IN_UNMOUNT)

/* A kernel watch: one per wd, shared by every handle that needs it. */
struct uv__watch {
  struct uv__watch* next;          /* registry bucket chain */
  struct uv__queue subs;           /* struct uv__sub.watch_link */
  unsigned int nsubs;              /* counted: subs may be moved out */
  int wd;                          /* -1 once the kernel dropped it */
  int add_flags;                   /* IN_ONLYDIR etc., to add it again */
  char* path;                      /* as first added, for uv_loop_fork */
};

/* One handle's use of one watch.  rel is "" for the path the handle was
 * started on, else the directory's path below it. */
struct uv__sub {
  struct uv__queue watch_link;
  struct uv__queue handle_link;    /* handle->priv.subs */
  uv_fs_event_t* handle;
  struct uv__watch* watch;
  size_t rellen;
  char rel[1];
};

struct uv__inotify {
  uv__io_t io;
  struct uv__watch** buckets;
  unsigned int nbuckets;           /* a power of two */
  unsigned int nwatches;
  char* name;                      /* the name handed to a callback */
  size_t name_cap;
};

/* Names found while scanning a directory that appeared. */
struct uv__names {
  char** v;
  size_t n;
  size_t cap;
};

static void inotify_cb(uv_loop_t* loop, uv__io_t* w, unsigned int events);

/* ---- the registry ------------------------------------------------------ */

static struct uv__watch** bucket(struct uv__inotify* st, int wd) {
  return &st->buckets[(unsigned int) wd & (st->nbuckets - 1)];
}

static struct uv__watch* find_watch(struct uv__inotify* st, int wd) {
  struct uv__watch* w;

  for (w = *bucket(st, wd); w != NULL; w = w->next)
    if (w->wd == wd)
      return w;
  return NULL;
}

static int insert_watch(struct uv__inotify* st, struct uv__watch* w) {
  struct uv__watch** table;
  struct uv__watch** old;
  struct uv__watch* x;
  unsigned int oldn;
  unsigned int i;

  if (st->nwatches >= st->nbuckets) {
    table = uv__calloc(st->nbuckets * 2, sizeof(*table));
    if (table == NULL)
      return UV_ENOMEM;
    old = st->buckets;
    oldn = st->nbuckets;
    st->buckets = table;
    st->nbuckets *= 2;
    for (i = 0; i < oldn; i++) {
      while ((x = old[i]) != NULL) {
        old[i] = x->next;
        x->next = *bucket(st, x->wd);
        *bucket(st, x->wd) = x;
      }
    }
    uv__free(old);
  }
  w->next = *bucket(st, w->wd);
  *bucket(st, w->wd) = w;
  st->nwatches++;
  return 0;
}

static void remove_watch(struct uv__inotify* st, struct uv__watch* w) {
  struct uv__watch** p;

  for (p = bucket(st, w->wd); *p != NULL; p = &(*p)->next) {
    if (*p == w) {
      *p = w->next;
      st->nwatches--;
      return;
    }
  }
}

static int get_state(uv_loop_t* loop, struct uv__inotify** out) {
  struct uv__inotify* st;
  int err;
  int fd;

  st = loop->priv.inotify;
  if (st == NULL) {
    st = uv__calloc(1, sizeof(*st));
    if (st == NULL)
      return UV_ENOMEM;
    st->nbuckets = 64;
    st->buckets = uv__calloc(st->nbuckets, sizeof(*st->buckets));
    if (st->buckets == NULL) {
      uv__free(st);
      return UV_ENOMEM;
    }
    uv__io_init(&st->io, inotify_cb, -1);
    loop->priv.inotify = st;
  }

  /* The descriptor may be missing after a failed first try or a fork. */
  if (st->io.fd == -1) {
    fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd == -1)
      return uv__err();  /* EMFILE: max_user_instances reached */
    uv__io_init(&st->io, inotify_cb, fd);
    err = uv__io_start(loop, &st->io, UV__POLLIN);
    if (err) {
      uv__close(fd);
      st->io.fd = -1;
      return err;
    }
  }
  *out = st;
  return 0;
}

/* ---- subscriptions ----------------------------------------------------- */

static void free_watch(struct uv__watch* w) {
  uv__free(w->path);
  uv__free(w);
}

static void drop_sub(struct uv__inotify* st, struct uv__sub* s) {
  struct uv__watch* w;

  w = s->watch;
  uv__queue_remove(&s->watch_link);
  uv__queue_remove(&s->handle_link);
  uv__free(s);
  if (--w->nsubs != 0)
    return;
  if (w->wd != -1) {
    remove_watch(st, w);
    /* EINVAL if the kernel dropped it already and IN_IGNORED is queued. */
    inotify_rm_watch(st->io.fd, w->wd);
  }
  free_watch(w);
}

static void drop_all(struct uv__inotify* st, uv_fs_event_t* h) {
  struct uv__sub* s;

  while (!uv__queue_empty(&h->priv.subs)) {
    s = uv__queue_data(uv__queue_head(&h->priv.subs), struct uv__sub,
                       handle_link);
    drop_sub(st, s);
  }
}

static struct uv__sub* handle_sub_on(uv_fs_event_t* h, struct uv__watch* w) {
  struct uv__queue* q;
  struct uv__sub* s;

  uv__queue_foreach(q, &w->subs) {
    s = uv__queue_data(q, struct uv__sub, watch_link);
    if (s->handle == h)
      return s;
  }
  return NULL;
}

/* Watches `path` for h.  Returns 1, with *had set and nothing new, when h
 * already watches that inode. */
static int add_sub(struct uv__inotify* st, uv_fs_event_t* h,
                   const char* path, const char* rel, size_t rellen,
                   int add_flags, struct uv__sub** had) {
  struct uv__watch* w;
  struct uv__sub* s;
  int created;
  int wd;

  wd = inotify_add_watch(st->io.fd, path, UV__INOTIFY_MASK | add_flags);
  if (wd == -1)
    return uv__err();  /* ENOSPC: max_user_watches reached */

  w = find_watch(st, wd);
  created = w == NULL;
  if (w != NULL) {
    *had = handle_sub_on(h, w);
    if (*had != NULL)
      return 1;
  } else {
    w = uv__calloc(1, sizeof(*w));
    if (w == NULL)
      goto nomem;
    uv__queue_init(&w->subs);
    w->wd = wd;
    w->add_flags = add_flags;
    w->path = uv__strdup(path);
    if (w->path == NULL || insert_watch(st, w) != 0) {
      free_watch(w);
      goto nomem;
    }
  }

  s = uv__malloc(sizeof(*s) + rellen);
  if (s == NULL) {
    if (created) {
      remove_watch(st, w);
      free_watch(w);
    }
    goto nomem;
  }
  s->handle = h;
  s->watch = w;
  s->rellen = rellen;
  memcpy(s->rel, rel, rellen);
  s->rel[rellen] = '\0';
  uv__queue_insert_tail(&w->subs, &s->watch_link);
  uv__queue_insert_tail(&h->priv.subs, &s->handle_link);
  w->nsubs++;
  return 0;

nomem:
  /* Only a watch we just created: an existing one is someone else's. */
  if (created)
    inotify_rm_watch(st->io.fd, wd);
  return UV_ENOMEM;
}

/* "a" + "b" -> "a/b"; "" + "b" -> "b".  NULL when out of memory. */
static char* join(const char* a, size_t alen, const char* b) {
  size_t blen;
  char* s;

  blen = strlen(b);
  s = uv__malloc(alen + blen + 2);
  if (s == NULL)
    return NULL;
  memcpy(s, a, alen);
  if (alen != 0)
    s[alen++] = '/';
  memcpy(s + alen, b, blen + 1);
  return s;
}

static int names_add(struct uv__names* names, const char* s) {
  char** v;

  if (names->n == names->cap) {
    v = uv__realloc(names->v, (names->cap ? names->cap * 2 : 8) * sizeof(*v));
    if (v == NULL)
      return UV_ENOMEM;
    names->v = v;
    names->cap = names->cap ? names->cap * 2 : 8;
  }
  names->v[names->n] = uv__strdup(s);
  if (names->v[names->n] == NULL)
    return UV_ENOMEM;
  names->n++;
  return 0;
}

static void names_free(struct uv__names* names) {
  size_t i;

  for (i = 0; i < names->n; i++)
    uv__free(names->v[i]);
  uv__free(names->v);
  names->v = NULL;
  names->n = names->cap = 0;
}

/* A directory below the root that cannot be watched because it went away,
 * is not a directory after all, or is closed to us: skipped. */
static int skippable(int err) {
  return err == UV_ENOENT || err == UV_ENOTDIR || err == UV_EACCES ||
         err == UV_ELOOP || err == UV_ENAMETOOLONG;
}

/* Watches the directory `rel` below h's root and everything under it.
 * Entries found are added to `found` when it is not NULL (a directory that
 * appeared after the start: its contents may predate its watch). */
static int add_tree(struct uv__inotify* st, uv_fs_event_t* h,
                    const char* rel, struct uv__names* found) {
  struct uv__sub* had;
  struct dirent* d;
  struct stat sb;
  const char* path;
  char* full;
  char* child;
  size_t rellen;
  DIR* dir;
  int isdir;
  int err;
  int fd;

  rellen = strlen(rel);
  full = NULL;
  path = h->path;
  if (rellen != 0) {
    full = join(h->path, strlen(h->path), rel);
    if (full == NULL)
      return UV_ENOMEM;
    path = full;
  }

  /* Below the root, never follow a symlink out of the tree. */
  err = add_sub(st, h, path, rel, rellen,
                rellen != 0 ? IN_ONLYDIR | IN_DONT_FOLLOW : 0, &had);
  if (err == 1) {
    /* Already watched by h: at this very place on a rescan (look below for
     * what was missed), else a second way to one directory (stop here). */
    if (strcmp(had->rel, rel) != 0) {
      uv__free(full);
      return 0;
    }
    err = 0;
  }
  if (err) {
    uv__free(full);
    return err;
  }

  fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
                  (rellen != 0 ? O_NOFOLLOW : 0));
  if (fd == -1) {
    err = uv__err();
    uv__free(full);
    /* A file (the root may be one), or unreadable: nothing below. */
    return err == UV_ENOMEM || err == UV_EMFILE || err == UV_ENFILE ? err : 0;
  }
  dir = fdopendir(fd);
  if (dir == NULL) {
    err = uv__err();
    uv__close(fd);
    uv__free(full);
    return err;
  }

  err = 0;
  while (err == 0 && (d = readdir(dir)) != NULL) {
    if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
      continue;
    child = join(rel, rellen, d->d_name);
    if (child == NULL) {
      err = UV_ENOMEM;
      break;
    }
    if (found != NULL)
      err = names_add(found, child);
    isdir = d->d_type == DT_DIR;
    if (d->d_type == DT_UNKNOWN)
      isdir = fstatat(fd, d->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
              S_ISDIR(sb.st_mode);
    if (err == 0 && isdir) {
      err = add_tree(st, h, child, found);
      if (skippable(err))
        err = 0;
    }
    uv__free(child);
  }
  closedir(dir);
  uv__free(full);
  return err;
}

/* Drops h's watches of the directory `rel` and everything below it. */
static void drop_tree(struct uv__inotify* st, uv_fs_event_t* h,
                      const char* rel) {
  struct uv__queue* q;
  struct uv__queue* next;
  struct uv__sub* s;
  size_t len;

  len = strlen(rel);
  for (q = uv__queue_head(&h->priv.subs); q != &h->priv.subs; q = next) {
    next = uv__queue_next(q);
    s = uv__queue_data(q, struct uv__sub, handle_link);
    if (s->rellen >= len && memcmp(s->rel, rel, len) == 0 &&
        (s->rel[len] == '\0' || s->rel[len] == '/'))
      drop_sub(st, s);
  }
}

/* Subscriptions of directories below a recursive root go with a watch the
 * kernel dropped; the handles' own paths stay, so the handles stay active,
 * as in libuv.  w may be freed. */
static void watch_gone(struct uv__inotify* st, struct uv__watch* w) {
  struct uv__queue* q;
  struct uv__queue* next;
  struct uv__sub* s;
  int last;

  for (q = uv__queue_head(&w->subs); q != &w->subs; q = next) {
    next = uv__queue_next(q);
    s = uv__queue_data(q, struct uv__sub, watch_link);
    if (s->rellen == 0)
      continue;
    last = w->nsubs == 1;
    drop_sub(st, s);
    if (last)
      return;
  }
}

/* IN_IGNORED: the wd is dead and its number free for the kernel to reuse. */
static void watch_dead(struct uv__inotify* st, struct uv__watch* w) {
  remove_watch(st, w);
  w->wd = -1;
  watch_gone(st, w);
}

/* ---- dispatch ---------------------------------------------------------- */

/* The name a callback gets, in st->name: rel/name, name, or the base name
 * of the handle's path for events on the watched object itself. */
static const char* event_name(struct uv__inotify* st, uv_fs_event_t* h,
                              const char* rel, size_t rellen,
                              const char* name) {
  const char* base;
  size_t blen;
  size_t need;
  char* p;

  if (name == NULL) {
    /* "dir/" -> "dir", "/a/b" -> "b" */
    blen = strlen(h->path);
    while (blen > 1 && h->path[blen - 1] == '/')
      blen--;
    base = h->path + blen;
    while (base > h->path && base[-1] != '/')
      base--;
    blen -= (size_t) (base - h->path);
    rellen = 0;
  } else {
    base = name;
    blen = strlen(name);
  }

  need = rellen + 1 + blen + 1;
  if (need > st->name_cap) {
    p = uv__realloc(st->name, need);
    if (p == NULL)
      return name;  /* rel dropped rather than nothing said */
    st->name = p;
    st->name_cap = need;
  }
  p = st->name;
  memcpy(p, rel, rellen);
  if (rellen != 0)
    p[rellen++] = '/';
  memcpy(p + rellen, base, blen);
  p[rellen + blen] = '\0';
  return st->name;
}

static int still_same(uv_fs_event_t* h, unsigned int gen) {
  return uv__is_active((uv_handle_t*) h) &&
         !uv__is_closing((uv_handle_t*) h) && h->priv.gen == gen;
}

/* One handle's share of one event. */
static void deliver(struct uv__inotify* st, struct uv__sub* s,
                    const struct inotify_event* e, int events) {
  struct uv__names found;
  uv_fs_event_t* h;
  const char* name;
  char* rel;
  unsigned int gen;
  size_t i;
  int err;

  h = s->handle;
  gen = h->priv.gen;
  name = e->len != 0 ? e->name : NULL;

  if (!(h->priv.flags & UV_FS_EVENT_RECURSIVE) || name == NULL ||
      !(e->mask & IN_ISDIR)) {
    h->priv.cb(h, event_name(st, h, s->rel, s->rellen, name), events, 0);
    return;
  }

  /* A directory came or went inside a recursive handle's tree. */
  rel = join(s->rel, s->rellen, name);
  if (rel == NULL) {
    h->priv.cb(h, name, events, UV_ENOMEM);
    return;
  }
  memset(&found, 0, sizeof(found));
  err = 0;
  if (e->mask & (IN_DELETE | IN_MOVED_FROM))
    drop_tree(st, h, rel);
  if (e->mask & (IN_CREATE | IN_MOVED_TO)) {
    drop_tree(st, h, rel);  /* a stale one, if its removal was missed */
    err = add_tree(st, h, rel, &found);
    if (err == UV_ENOENT || err == UV_ENOTDIR)
      err = 0;  /* gone again already; its removal follows */
  }

  h->priv.cb(h, rel, events, 0);
  if (err != 0 && still_same(h, gen))
    h->priv.cb(h, rel, UV_RENAME, err);  /* e.g. UV_ENOSPC: not watched */
  for (i = 0; i < found.n && still_same(h, gen); i++)
    h->priv.cb(h, found.v[i], UV_RENAME, 0);
  names_free(&found);
  uv__free(rel);
}

/* Events were lost.  Every started handle hears so once, in handle order,
 * walking a moved copy of the loop's handle list as uv_walk() does. */
static void overflow(uv_loop_t* loop, struct uv__inotify* st) {
  struct uv__queue todo;
  struct uv__queue* q;
  uv_fs_event_t* h;
  unsigned int gen;

  uv__queue_move(&loop->priv.handle_queue, &todo);
  while (!uv__queue_empty(&todo)) {
    q = uv__queue_head(&todo);
    uv__queue_remove(q);
    uv__queue_insert_tail(&loop->priv.handle_queue, q);
    h = uv__queue_data(q, uv_fs_event_t, hpriv.handle_queue);
    if (h->type != UV_FS_EVENT || !uv__is_active((uv_handle_t*) h) ||
        uv__is_closing((uv_handle_t*) h))
      continue;
    gen = h->priv.gen;
    if (h->priv.flags & UV_FS_EVENT_RECURSIVE)
      (void) add_tree(st, h, "", NULL);  /* best effort: pick up misses */
    if (still_same(h, gen))
      h->priv.cb(h, NULL, UV_RENAME | UV_CHANGE, 0);
  }
}

static int has_root_sub(struct uv__watch* w) {
  struct uv__queue* q;

  uv__queue_foreach(q, &w->subs)
    if (uv__queue_data(q, struct uv__sub, watch_link)->rellen == 0)
      return 1;
  return 0;
}

static void handle_event(uv_loop_t* loop, struct uv__inotify* st,
                         const struct inotify_event* e) {
  struct uv__queue todo;
  struct uv__queue* q;
  struct uv__watch* w;
  struct uv__sub* s;
  int events;

  if (e->mask & IN_Q_OVERFLOW) {
    overflow(loop, st);
    return;
  }
  w = find_watch(st, e->wd);
  if (w == NULL)
    return;  /* removed by us; its IN_IGNORED or late news */
  if (e->mask & IN_IGNORED) {
    /* The handles started on the watched path hear of the end of the watch
     * once more, as a rename of that path without a name (libuv counts
     * every bit but IN_ATTRIB and IN_MODIFY as a rename, this one too).
     * watch_dead drops only the subscriptions of a recursive handle's
     * subdirectories: w lives on while one started on it remains. */
    events = has_root_sub(w) ? UV_RENAME : 0;
    watch_dead(st, w);
    if (events == 0)
      return;
  } else {
    events = 0;
    if (e->mask & (IN_ATTRIB | IN_MODIFY))
      events |= UV_CHANGE;
    if (e->mask & UV__INOTIFY_RENAME)
      events |= UV_RENAME;
    if (events == 0)
      return;
  }

  /* Move the list, then iterate: each subscription goes back before its
   * callback runs, so callbacks may stop, restart or close any handle,
   * this one included.  A subscription dropped meanwhile leaves `todo` by
   * itself; while `todo` is not empty w has subscriptions, so it lives. */
  uv__queue_move(&w->subs, &todo);
  while (!uv__queue_empty(&todo)) {
    q = uv__queue_head(&todo);
    uv__queue_remove(q);
    uv__queue_insert_tail(&w->subs, q);
    s = uv__queue_data(q, struct uv__sub, watch_link);
    /* A directory below a recursive root: its parent's watch reports the
     * same change under the entry's name. */
    if (e->len == 0 && s->rellen != 0)
      continue;
    deliver(st, s, e, events);
  }
}

static void inotify_cb(uv_loop_t* loop, uv__io_t* w, unsigned int events) {
  struct uv__inotify* st;
  const struct inotify_event* e;
  char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
  ssize_t n;
  char* p;
  int reads;

  (void) events;
  st = uv__container_of(w, struct uv__inotify, io);
  /* Bounded, for fairness: the descriptor stays readable if more wait. */
  for (reads = 0; reads < 16; reads++) {
    n = read(st->io.fd, buf, sizeof(buf));
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      return;  /* EAGAIN: drained */
    for (p = buf; p < buf + n; p += sizeof(*e) + e->len) {
      e = (const struct inotify_event*) p;
      handle_event(loop, st, e);
    }
  }
}

/* ---- API --------------------------------------------------------------- */

int uv_fs_event_init(uv_loop_t* loop, uv_fs_event_t* handle) {
  if (!uv__loop_usable(loop) || handle == NULL)
    return UV_EINVAL;
  uv__handle_init(loop, (uv_handle_t*) handle, UV_FS_EVENT);
  handle->path = NULL;
  handle->priv.cb = NULL;
  handle->priv.flags = 0;
  handle->priv.gen = 0;
  uv__queue_init(&handle->priv.subs);
  return 0;
}

int uv_fs_event_start(uv_fs_event_t* handle, uv_fs_event_cb cb,
                      const char* path, unsigned int flags) {
  struct uv__inotify* st;
  struct uv__sub* had;
  int err;

  if (handle == NULL || handle->type != UV_FS_EVENT || cb == NULL ||
      path == NULL || uv__is_closing((uv_handle_t*) handle) ||
      uv__is_active((uv_handle_t*) handle))
    return UV_EINVAL;

  err = get_state(handle->loop, &st);
  if (err)
    return err;
  handle->path = uv__strdup(path);
  if (handle->path == NULL)
    return UV_ENOMEM;
  handle->priv.flags = flags;

  if (flags & UV_FS_EVENT_RECURSIVE)
    err = add_tree(st, handle, "", NULL);
  else
    err = add_sub(st, handle, path, "", 0, 0, &had);
  if (err) {
    drop_all(st, handle);  /* nothing half-registered */
    uv__free(handle->path);
    handle->path = NULL;
    return err;
  }

  handle->priv.cb = cb;
  handle->priv.gen++;
  uv__handle_start((uv_handle_t*) handle);
  return 0;
}

int uv_fs_event_stop(uv_fs_event_t* handle) {
  if (handle == NULL || handle->type != UV_FS_EVENT)
    return UV_EINVAL;
  if (!uv__is_active((uv_handle_t*) handle))
    return 0;
  drop_all(handle->loop->priv.inotify, handle);
  uv__free(handle->path);
  handle->path = NULL;
  uv__handle_stop((uv_handle_t*) handle);
  return 0;
}

int uv_fs_event_getpath(uv_fs_event_t* handle, char* buffer, size_t* size) {
  size_t len;

  if (handle == NULL || buffer == NULL || size == NULL)
    return UV_EINVAL;
  if (!uv__is_active((uv_handle_t*) handle) || handle->path == NULL) {
    *size = 0;
    return UV_EINVAL;
  }
  len = strlen(handle->path);
  if (len >= *size) {
    *size = len + 1;
    return UV_ENOBUFS;
  }
  memcpy(buffer, handle->path, len + 1);
  *size = len;
  return 0;
}

void uv__fs_event_close(uv_fs_event_t* h) {
  uv_fs_event_stop(h);
}

/* ---- the loop ---------------------------------------------------------- */

void uv__inotify_loop_close(uv_loop_t* loop) {
  struct uv__inotify* st;

  st = loop->priv.inotify;
  if (st == NULL)
    return;
  /* Every handle is closed, so every watch is gone. */
  if (st->io.fd != -1) {
    uv__io_close(loop, &st->io);
    uv__close(st->io.fd);
  }
  uv__free(st->buckets);
  uv__free(st->name);
  uv__free(st);
  loop->priv.inotify = NULL;
}

/* The child shares the parent's inotify descriptor (and so its events):
 * make a new one and add every watch again.  The wds change; a watch whose
 * path no longer leads anywhere is dropped as IN_IGNORED would. */
int uv__inotify_loop_fork(uv_loop_t* loop) {
  struct uv__inotify* st;
  struct uv__watch* all;
  struct uv__watch* w;
  struct uv__watch* other;
  struct uv__sub* s;
  unsigned int i;
  int err;
  int wd;

  st = loop->priv.inotify;
  if (st == NULL || st->io.fd == -1)
    return 0;
  uv__io_close(loop, &st->io);
  uv__close(st->io.fd);
  st->io.fd = -1;

  all = NULL;
  for (i = 0; i < st->nbuckets; i++) {
    while ((w = st->buckets[i]) != NULL) {
      st->buckets[i] = w->next;
      w->next = all;
      all = w;
    }
  }
  st->nwatches = 0;

  err = get_state(loop, &st);
  while ((w = all) != NULL) {
    all = w->next;
    wd = -1;
    if (err == 0)
      wd = inotify_add_watch(st->io.fd, w->path,
                             UV__INOTIFY_MASK | w->add_flags);
    other = wd != -1 ? find_watch(st, wd) : NULL;
    if (other != NULL) {
      /* Two paths now lead to one inode: one record for both. */
      while (!uv__queue_empty(&w->subs)) {
        s = uv__queue_data(uv__queue_head(&w->subs), struct uv__sub,
                           watch_link);
        uv__queue_remove(&s->watch_link);
        uv__queue_insert_tail(&other->subs, &s->watch_link);
        s->watch = other;
        other->nsubs++;
      }
      free_watch(w);
      continue;
    }
    w->wd = wd;
    if (wd != -1 && insert_watch(st, w) == 0)
      continue;
    if (wd != -1)
      inotify_rm_watch(st->io.fd, wd);
    /* As if the kernel had dropped it. */
    w->wd = -1;
    w->next = NULL;
    watch_gone(st, w);
  }
  return err;
}
