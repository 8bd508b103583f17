/* uvcore — pairing heap (see heap.h for the node layout). */
#include "heap.h"

#include <stddef.h>

/* Makes the larger of two roots the first child of the smaller. */
static struct uv__heap_node* meld(struct uv__heap_node* a,
                                  struct uv__heap_node* b,
                                  uv__heap_less less) {
  struct uv__heap_node* t;

  if (a == NULL)
    return b;
  if (b == NULL)
    return a;
  if (less(b, a)) {
    t = a;
    a = b;
    b = t;
  }
  b->prev = a;
  b->next = a->child;
  if (a->child != NULL)
    a->child->prev = b;
  a->child = b;
  a->next = NULL;
  a->prev = NULL;
  return a;
}

/* Combines a sibling list into one tree: pair left to right, then fold
 * the pairs right to left.  The pairs are chained through `prev` while
 * folding, so no extra storage is needed. */
static struct uv__heap_node* merge_siblings(struct uv__heap_node* first,
                                            uv__heap_less less) {
  struct uv__heap_node* pairs;
  struct uv__heap_node* a;
  struct uv__heap_node* b;
  struct uv__heap_node* rest;
  struct uv__heap_node* acc;

  pairs = NULL;
  while (first != NULL) {
    a = first;
    b = a->next;
    rest = b != NULL ? b->next : NULL;
    a->next = NULL;
    a->prev = NULL;
    if (b != NULL) {
      b->next = NULL;
      b->prev = NULL;
    }
    a = meld(a, b, less);
    a->prev = pairs;  /* temporary chain of paired trees */
    pairs = a;
    first = rest;
  }

  acc = NULL;
  while (pairs != NULL) {
    a = pairs;
    pairs = a->prev;
    a->prev = NULL;
    acc = meld(acc, a, less);
  }
  return acc;
}

void uv__heap_insert(struct uv__heap_node** root, struct uv__heap_node* n,
                     uv__heap_less less) {
  n->child = NULL;
  n->next = NULL;
  n->prev = NULL;
  *root = meld(*root, n, less);
}

void uv__heap_remove(struct uv__heap_node** root, struct uv__heap_node* n,
                     uv__heap_less less) {
  struct uv__heap_node* sub;

  sub = merge_siblings(n->child, less);

  if (n == *root) {
    *root = sub;
  } else {
    /* Unlink n from its sibling list (or from its parent's child slot). */
    if (n->prev->child == n)
      n->prev->child = n->next;
    else
      n->prev->next = n->next;
    if (n->next != NULL)
      n->next->prev = n->prev;
    *root = meld(*root, sub, less);
  }
  n->child = NULL;
  n->next = NULL;
  n->prev = NULL;
}
