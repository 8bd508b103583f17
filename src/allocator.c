/* uvcore — the replaceable allocator every part of the library uses. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct {
  uv_malloc_func malloc_fn;
  uv_realloc_func realloc_fn;
  uv_calloc_func calloc_fn;
  uv_free_func free_fn;
} allocator = { malloc, realloc, calloc, free };

int uv_replace_allocator(uv_malloc_func malloc_func,
                         uv_realloc_func realloc_func,
                         uv_calloc_func calloc_func,
                         uv_free_func free_func) {
  if (malloc_func == NULL || realloc_func == NULL ||
      calloc_func == NULL || free_func == NULL)
    return UV_EINVAL;

  allocator.malloc_fn = malloc_func;
  allocator.realloc_fn = realloc_func;
  allocator.calloc_fn = calloc_func;
  allocator.free_fn = free_func;
  return 0;
}

/* Zero-size requests return NULL on every platform, so callers never see
 * the implementation-defined malloc(0) result. */
void* uv__malloc(size_t size) {
  if (size == 0)
    return NULL;
  return allocator.malloc_fn(size);
}

void* uv__calloc(size_t count, size_t size) {
  if (count == 0 || size == 0)
    return NULL;
  return allocator.calloc_fn(count, size);
}

void* uv__realloc(void* ptr, size_t size) {
  if (size == 0) {
    uv__free(ptr);
    return NULL;
  }
  return allocator.realloc_fn(ptr, size);
}

void* uv__reallocf(void* ptr, size_t size) {
  void* p;

  p = uv__realloc(ptr, size);
  if (p == NULL && size != 0)
    uv__free(ptr);
  return p;
}

/* free() may clobber errno; callers often free on an error path and then
 * report errno. */
void uv__free(void* ptr) {
  int saved;

  if (ptr == NULL)
    return;
  saved = errno;
  allocator.free_fn(ptr);
  errno = saved;
}

char* uv__strndup(const char* s, size_t n) {
  size_t len;
  char* p;

  len = strlen(s);
  if (len > n)
    len = n;
  p = uv__malloc(len + 1);
  if (p == NULL)
    return NULL;
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char* uv__strdup(const char* s) {
  return uv__strndup(s, strlen(s));
}
