/* uvcore benchmarks — pieces every benchmark shares.  Public libuv API
 * only, so each benchmark builds against uvcore and against libuv. */
#ifndef UVCORE_BENCH_COMMON_H
#define UVCORE_BENCH_COMMON_H

#include <uv.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A benchmark that hits an error has no meaningful figure: stop at once. */
static inline void die(const char* what, int err) {
  fprintf(stderr, "%s: %s\n", what, uv_strerror(err));
  exit(1);
}

static inline int cmp_u64(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*) a;
  uint64_t y = *(const uint64_t*) b;
  return x < y ? -1 : x > y;
}

/* Sorts the per-round times in place and returns the median. */
static inline uint64_t median_ns(uint64_t* times, int rounds) {
  qsort(times, (size_t) rounds, sizeof(times[0]), cmp_u64);
  return times[rounds / 2];
}

#endif
