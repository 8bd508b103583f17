/* uvcore — the few atomic operations the portable core needs.
 *
 * Why not <stdatomic.h>: the public structs hold plain ints (their layout
 * and types are part of the API), and MSVC's C mode has no usable
 * stdatomic for them.  GCC and clang (MinGW and clang-cl included) get
 * their builtins; MSVC gets the Interlocked intrinsics, which are full
 * barriers, so every operation here is at least as strong as its name.
 */
#ifndef UV_SRC_ATOMIC_H
#define UV_SRC_ATOMIC_H

#if defined(__GNUC__) || defined(__clang__)

static inline int uv__atomic_load_relaxed(const int* p) {
  return __atomic_load_n(p, __ATOMIC_RELAXED);
}
static inline int uv__atomic_load(const int* p) {
  return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}
static inline int uv__atomic_fetch_add(int* p, int v) {
  return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}
static inline int uv__atomic_fetch_or(int* p, int v) {
  return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST);
}
static inline int uv__atomic_fetch_and(int* p, int v) {
  return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST);
}
static inline int uv__atomic_exchange(int* p, int v) {
  return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}
/* Stores desired if *p still holds *expected; else loads *p there. */
static inline int uv__atomic_cas(int* p, int* expected, int desired) {
  return __atomic_compare_exchange_n(p, expected, desired, 0,
                                     __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
}
static inline unsigned int uv__atomic_load_relaxed_u(const unsigned int* p) {
  return __atomic_load_n(p, __ATOMIC_RELAXED);
}
static inline void uv__atomic_store_relaxed_u(unsigned int* p,
                                              unsigned int v) {
  __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
/* A pause inside a spin-wait: lets the sibling hyper-thread run and
 * saves power. */
static inline void uv__cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

#elif defined(_MSC_VER)

#include <intrin.h>

/* int and long are both 32 bits on Windows. */
static __inline int uv__atomic_load_relaxed(const int* p) {
  return *(const volatile int*) p;
}
static __inline int uv__atomic_load(const int* p) {
  return (int) _InterlockedOr((volatile long*) p, 0);
}
static __inline int uv__atomic_fetch_add(int* p, int v) {
  return (int) _InterlockedExchangeAdd((volatile long*) p, v);
}
static __inline int uv__atomic_fetch_or(int* p, int v) {
  return (int) _InterlockedOr((volatile long*) p, v);
}
static __inline int uv__atomic_fetch_and(int* p, int v) {
  return (int) _InterlockedAnd((volatile long*) p, v);
}
static __inline int uv__atomic_exchange(int* p, int v) {
  return (int) _InterlockedExchange((volatile long*) p, v);
}
static __inline int uv__atomic_cas(int* p, int* expected, int desired) {
  long seen;

  seen = _InterlockedCompareExchange((volatile long*) p, desired, *expected);
  if (seen == *expected)
    return 1;
  *expected = (int) seen;
  return 0;
}
static __inline unsigned int uv__atomic_load_relaxed_u(
    const unsigned int* p) {
  return *(const volatile unsigned int*) p;
}
static __inline void uv__atomic_store_relaxed_u(unsigned int* p,
                                                unsigned int v) {
  *(volatile unsigned int*) p = v;
}
static __inline void uv__cpu_relax(void) {
  YieldProcessor();
}

#else
# error "uvcore needs GCC/clang atomic builtins or MSVC's Interlocked intrinsics"
#endif

#endif /* UV_SRC_ATOMIC_H */
