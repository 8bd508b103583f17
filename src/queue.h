/* uvcore — intrusive circular doubly-linked list.
 *
 * A list head is a struct uv__queue whose next/prev point at itself when
 * empty; elements embed a struct uv__queue and are recovered with
 * uv__queue_data().  A node that is not on any list is kept self-linked
 * (uv__queue_init), so "is it queued?" is one comparison.
 */
#ifndef UV_SRC_QUEUE_H
#define UV_SRC_QUEUE_H

#include <stddef.h>

#define uv__queue_data(ptr, type, field) \
  ((type*) ((char*) (ptr) - offsetof(type, field)))

static inline void uv__queue_init(struct uv__queue* q) {
  q->next = q;
  q->prev = q;
}

static inline int uv__queue_empty(const struct uv__queue* q) {
  return q == q->next;
}

static inline struct uv__queue* uv__queue_head(const struct uv__queue* q) {
  return q->next;
}

static inline struct uv__queue* uv__queue_next(const struct uv__queue* q) {
  return q->next;
}

static inline void uv__queue_insert_tail(struct uv__queue* h,
                                         struct uv__queue* q) {
  q->next = h;
  q->prev = h->prev;
  q->prev->next = q;
  h->prev = q;
}

static inline void uv__queue_insert_head(struct uv__queue* h,
                                         struct uv__queue* q) {
  q->next = h->next;
  q->prev = h;
  q->next->prev = q;
  h->next = q;
}

/* Unlinks q and leaves it self-linked, so removing twice is harmless. */
static inline void uv__queue_remove(struct uv__queue* q) {
  q->prev->next = q->next;
  q->next->prev = q->prev;
  q->next = q;
  q->prev = q;
}

/* Moves every element of h onto n (which it initialises); h ends empty.
 * Callback loops iterate the moved list so that callbacks may freely add
 * to or remove from the original. */
static inline void uv__queue_move(struct uv__queue* h, struct uv__queue* n) {
  if (uv__queue_empty(h)) {
    uv__queue_init(n);
    return;
  }
  n->next = h->next;
  n->prev = h->prev;
  n->next->prev = n;
  n->prev->next = n;
  uv__queue_init(h);
}

#define uv__queue_foreach(q, h) \
  for ((q) = (h)->next; (q) != (h); (q) = (q)->next)

#endif /* UV_SRC_QUEUE_H */
