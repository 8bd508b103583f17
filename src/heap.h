/* uvcore — intrusive pairing heap.
 *
 * Chosen over an array heap so that starting a timer never allocates, and
 * over a binary pointer heap for its short code: insert is O(1), removal of
 * any node O(log n) amortised.  The caller supplies the ordering; timers
 * order by (due time, start sequence) so equal deadlines keep start order.
 *
 * Node links: child = first child; next = next sibling; prev = previous
 * sibling, or the parent for a first child.  The root has prev == NULL.
 */
#ifndef UV_SRC_HEAP_H
#define UV_SRC_HEAP_H

#include "uv.h"

typedef int (*uv__heap_less)(const struct uv__heap_node* a,
                             const struct uv__heap_node* b);

void uv__heap_insert(struct uv__heap_node** root, struct uv__heap_node* n,
                     uv__heap_less less);
void uv__heap_remove(struct uv__heap_node** root, struct uv__heap_node* n,
                     uv__heap_less less);

static inline struct uv__heap_node* uv__heap_min(struct uv__heap_node* root) {
  return root;
}

#endif /* UV_SRC_HEAP_H */
