/* Tests of uv_dlopen, uv_dlsym, uv_dlclose and uv_dlerror, with the C
 * library's math library (not linked into the runner, so it is really
 * loaded and unloaded here). */

#include "task.h"

#if defined(__linux__)
# include <dlfcn.h>
# define MATH_LIB "libm.so.6"
#elif defined(_WIN32)
# define MATH_LIB "msvcrt.dll"  /* every Windows has it; it exports cos */
#endif

#define MISSING_LIB "/nonexistent/uvcore-no-such-library.so"

TEST(dlopen_dlsym) {
#ifndef MATH_LIB
  RETURN_SKIP("no known shared library name on this system");
#else
  double (*cos_fn)(double);
  uv_lib_t lib;
  void* sym;

  ASSERT_OK(uv_dlopen(MATH_LIB, &lib));
  ASSERT_STR_EQ(uv_dlerror(&lib), "no error");
  sym = (void*) &lib;
  ASSERT_OK(uv_dlsym(&lib, "cos", &sym));
  ASSERT_NOT_NULL(sym);
  memcpy(&cos_fn, &sym, sizeof(sym));
  ASSERT(cos_fn(0.0) == 1.0);
  ASSERT_STR_EQ(uv_dlerror(&lib), "no error");
  uv_dlclose(&lib);
  ASSERT_NULL(lib.handle);
  ASSERT_NULL(lib.errmsg);
  /* Closing twice is harmless. */
  uv_dlclose(&lib);
  return 0;
#endif
}

TEST(dlopen_missing_library) {
  uv_lib_t lib;
  const char* msg;
  void* sym;

  memset(&lib, 0x55, sizeof(lib));  /* uv_dlopen must not trust it */
  ASSERT_EQ(uv_dlopen(MISSING_LIB, &lib), -1);
  ASSERT_NULL(lib.handle);
  msg = uv_dlerror(&lib);
  ASSERT_NOT_NULL(msg);
  ASSERT_STR_NE(msg, "no error");
  ASSERT_NOT_NULL(strstr(msg, MISSING_LIB));

  /* The failed lib has a NULL handle, which dlsym() would read as "search
   * everything": uv_dlsym must refuse instead of finding libc's malloc. */
  sym = (void*) &lib;
  ASSERT_EQ(uv_dlsym(&lib, "malloc", &sym), -1);
  ASSERT_NULL(sym);
  ASSERT_STR_NE(uv_dlerror(&lib), "no error");

  /* uv_dlclose frees the message (the leak checker of a sanitizer build
   * would see it otherwise) and leaves a usable struct. */
  uv_dlclose(&lib);
  ASSERT_STR_EQ(uv_dlerror(&lib), "no error");
  return 0;
}

TEST(dlopen_missing_symbol) {
#ifndef MATH_LIB
  RETURN_SKIP("no known shared library name on this system");
#else
  uv_lib_t lib;
  uv_lib_t other;
  const char* msg;
  char saved[1024];
  void* sym;

  ASSERT_OK(uv_dlopen(MATH_LIB, &lib));
  sym = (void*) &lib;
  ASSERT_EQ(uv_dlsym(&lib, "uvcore_no_such_symbol", &sym), -1);
  ASSERT_NULL(sym);
  msg = uv_dlerror(&lib);
  ASSERT_NOT_NULL(strstr(msg, "uvcore_no_such_symbol"));
  ASSERT_LT(strlen(msg), sizeof(saved));
  strcpy(saved, msg);

  /* The string is the lib's own copy: other dl* activity on this thread,
   * which overwrites dlerror()'s buffer, does not change it. */
#ifdef _WIN32
  ASSERT_NULL(LoadLibraryA(MISSING_LIB));
#else
  ASSERT_NULL(dlopen(MISSING_LIB, RTLD_LAZY));
  ASSERT_NOT_NULL(dlerror());
#endif
  ASSERT_EQ(uv_dlopen(MISSING_LIB, &other), -1);
  ASSERT_STR_EQ(uv_dlerror(&lib), saved);
  ASSERT_PTR_EQ(uv_dlerror(&lib), msg);
  uv_dlclose(&other);

  /* A stale error from elsewhere is not taken for ours. */
#ifdef _WIN32
  ASSERT_NULL(LoadLibraryA(MISSING_LIB));
#else
  ASSERT_NULL(dlopen(MISSING_LIB, RTLD_LAZY));
#endif
  ASSERT_OK(uv_dlsym(&lib, "sin", &sym));
  ASSERT_NOT_NULL(sym);
  ASSERT_STR_EQ(uv_dlerror(&lib), "no error");

  uv_dlclose(&lib);
  return 0;
#endif
}

TEST(dlopen_main_program) {
#ifdef _WIN32
  RETURN_SKIP("dlopen(NULL) is a Unix notion");
#else
  uv_lib_t lib;
  void* sym;

  /* NULL opens the program itself, whose scope includes libc. */
  ASSERT_OK(uv_dlopen(NULL, &lib));
  ASSERT_OK(uv_dlsym(&lib, "malloc", &sym));
  ASSERT_NOT_NULL(sym);
  uv_dlclose(&lib);
  return 0;
#endif
}

TEST(dlopen_bad_input) {
  uv_lib_t lib;
  void* sym;

  ASSERT_EQ(uv_dlopen(MISSING_LIB, NULL), UV_EINVAL);
  ASSERT_EQ(uv_dlsym(NULL, "x", &sym), UV_EINVAL);
  ASSERT_NOT_NULL(uv_dlerror(NULL));
  uv_dlclose(NULL);

#ifdef _WIN32
  /* No "program itself" to open: refused, with a message. */
  ASSERT_EQ(uv_dlopen(NULL, &lib), -1);
  ASSERT_NULL(lib.handle);
  ASSERT_STR_NE(uv_dlerror(&lib), "no error");
  uv_dlclose(&lib);
  ASSERT_OK(uv_dlopen(MATH_LIB, &lib));
#else
  ASSERT_OK(uv_dlopen(NULL, &lib));
#endif
  ASSERT_EQ(uv_dlsym(&lib, NULL, &sym), -1);
  ASSERT_NULL(sym);
  ASSERT_STR_NE(uv_dlerror(&lib), "no error");
  ASSERT_EQ(uv_dlsym(&lib, "malloc", NULL), -1);
  uv_dlclose(&lib);
  return 0;
}
