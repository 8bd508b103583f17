/* uvcore benchmarks — pieces the floor programs share.  A floor program
 * does a benchmark's work with plain system calls and no event library,
 * to show the machine's limit; bench/run-compare.sh runs it next to the
 * benchmark named on its " * floor: <row> <arguments>" lines and reports
 * each library's rate as a percentage of it.  Same output as the
 * benchmarks: "median: <ms> ms" and "ops: <count> <unit>". */
#ifndef UVCORE_FLOOR_COMMON_H
#define UVCORE_FLOOR_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t floor_now(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static inline void floor_die(const char* what) {
  fprintf(stderr, "%s: %s\n", what, strerror(errno));
  exit(1);
}

static inline int floor_cmp(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*) a;
  uint64_t y = *(const uint64_t*) b;
  return x < y ? -1 : x > y;
}

static inline int floor_quick(void) {
  const char* q = getenv("BENCH_QUICK");
  return q != NULL && q[0] != '\0' && q[0] != '0';
}

static inline unsigned long floor_n(unsigned long n) {
  return floor_quick() && n >= 4 ? n / 4 : n;
}

static inline int floor_rounds(int r) {
  return floor_quick() && r > 3 ? 3 : r;
}

static inline void floor_report(uint64_t* times, int rounds, double ops,
                                const char* unit) {
  uint64_t med;

  qsort(times, (size_t) rounds, sizeof(times[0]), floor_cmp);
  med = times[rounds / 2];
  printf("median: %.3f ms (%.0f %s/s)\n", med / 1e6,
         ops * 1e9 / (double) (med ? med : 1), unit);
  printf("ops: %.0f %s\n", ops, unit);
}

#endif
