/* Tests of the public header as such: that it compiles as C89, C++ and for
 * Windows (by running test/header-check.sh), and the sizes of the public
 * handle, request and loop types, pinned so that growing one is a decision
 * rather than an accident. */

#include "task.h"

#ifndef _WIN32
# include <sys/wait.h>
# include <unistd.h>
#endif

#ifndef _WIN32
/* Finds the source tree: from the build system if it says, else from the
 * CMake cache of the build tree the runner was built in (the runner lives
 * in <build>/test/).  Returns 0 on success. */
static int find_source_dir(char* out, size_t size) {
#if defined(UVCORE_SOURCE_DIR)
  snprintf(out, size, "%s", UVCORE_SOURCE_DIR);
  return 0;
#else
  static const char key[] = "CMAKE_HOME_DIRECTORY:INTERNAL=";
  char cache[4096];
  char line[4096];
  char* slash;
  FILE* f;
  size_t n;
  int found;

  snprintf(cache, sizeof(cache), "%s", test_exepath());
  slash = strrchr(cache, '/');  /* <build>/test/uvcore_tests */
  if (slash == NULL)
    return -1;
  *slash = '\0';
  slash = strrchr(cache, '/');  /* <build>/test */
  if (slash == NULL)
    return -1;
  snprintf(slash, sizeof(cache) - (size_t) (slash - cache), "/CMakeCache.txt");

  f = fopen(cache, "r");
  if (f == NULL)
    return -1;
  found = -1;
  while (fgets(line, sizeof(line), f) != NULL) {
    if (strncmp(line, key, sizeof(key) - 1) != 0)
      continue;
    n = strcspn(line + sizeof(key) - 1, "\r\n");
    if (n > 0 && n < size) {
      memcpy(out, line + sizeof(key) - 1, n);
      out[n] = '\0';
      found = 0;
    }
    break;
  }
  fclose(f);
  return found;
#endif
}
#endif

TEST(header_c89_cxx_mingw) {
#ifdef _WIN32
  RETURN_SKIP("header-check.sh needs a POSIX shell");
#else
  char src[2048];
  char script[2300];
  char cmd[5000];
  int status;

  if (find_source_dir(src, sizeof(src)) != 0)
    RETURN_SKIP("source directory unknown: define UVCORE_SOURCE_DIR");
  snprintf(script, sizeof(script), "%s/test/header-check.sh", src);
  ASSERT_OK(access(script, R_OK));
  /* Single quotes: the path is used as is by the shell. */
  ASSERT_NULL(strchr(src, '\''));
  snprintf(cmd, sizeof(cmd), "sh '%s' '%s' 2>&1", script, src);
  fflush(stdout);
  fflush(stderr);
  status = system(cmd);
  ASSERT_NE(status, -1);
  ASSERT(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  return 0;
#endif
}

struct size_row {
  const char* name;
  size_t actual;
  size_t pinned;
};

/* PIN(x86_64 Linux (LP64, glibc), x64 Windows (LLP64, MinGW-w64 or MSVC)).
 * The Windows private structs are laid out for the IOCP port
 * (include/uv/win.h), so the two columns differ.  When a change here is
 * intended, update the number; say why in the commit. */
#if defined(_WIN64)
# define PIN(linux_x64, win_x64) (win_x64)
#else
# define PIN(linux_x64, win_x64) (linux_x64)
#endif
static const struct size_row sizes[] = {
  { "uv_loop_t", sizeof(uv_loop_t), PIN(512, 328) },
  { "uv_handle_t", sizeof(uv_handle_t), PIN(96, 112) },
  { "uv_stream_t", sizeof(uv_stream_t), PIN(264, 256) },
  { "uv_tcp_t", sizeof(uv_tcp_t), PIN(280, 296) },
  { "uv_pipe_t", sizeof(uv_pipe_t), PIN(280, 352) },
  { "uv_tty_t", sizeof(uv_tty_t), PIN(328, 344) },
  { "uv_udp_t", sizeof(uv_udp_t), PIN(216, 376) },
  { "uv_poll_t", sizeof(uv_poll_t), PIN(160, 352) },
  { "uv_timer_t", sizeof(uv_timer_t), PIN(152, 168) },
  { "uv_prepare_t", sizeof(uv_prepare_t), PIN(120, 136) },
  { "uv_check_t", sizeof(uv_check_t), PIN(120, 136) },
  { "uv_idle_t", sizeof(uv_idle_t), PIN(120, 136) },
  { "uv_async_t", sizeof(uv_async_t), PIN(120, 136) },
  { "uv_process_t", sizeof(uv_process_t), PIN(192, 224) },
  { "uv_fs_event_t", sizeof(uv_fs_event_t), PIN(136, 240) },
  { "uv_fs_poll_t", sizeof(uv_fs_poll_t), PIN(104, 120) },
  { "uv_signal_t", sizeof(uv_signal_t), PIN(152, 232) },
  { "uv_req_t", sizeof(uv_req_t), PIN(32, 80) },
  { "uv_connect_t", sizeof(uv_connect_t), PIN(72, 112) },
  { "uv_write_t", sizeof(uv_write_t), PIN(160, 136) },
  { "uv_shutdown_t", sizeof(uv_shutdown_t), PIN(48, 96) },
  { "uv_udp_send_t", sizeof(uv_udp_send_t), PIN(280, 104) },
  { "uv_fs_t", sizeof(uv_fs_t), PIN(448, 464) },
  { "uv_work_t", sizeof(uv_work_t), PIN(104, 152) },
  { "uv_getaddrinfo_t", sizeof(uv_getaddrinfo_t), PIN(144, 192) },
  { "uv_getnameinfo_t", sizeof(uv_getnameinfo_t), PIN(1296, 1344) },
  { "uv_random_t", sizeof(uv_random_t), PIN(120, 168) },
  { "union uv_any_handle", sizeof(union uv_any_handle), PIN(328, 376) },
  { "union uv_any_req", sizeof(union uv_any_req), PIN(1296, 1344) },
  /* Plain public structs whose layout is the API. */
  { "uv_buf_t", sizeof(uv_buf_t), PIN(16, 16) },
  { "uv_metrics_t", sizeof(uv_metrics_t), PIN(128, 128) },
  { "uv_timespec64_t", sizeof(uv_timespec64_t), PIN(16, 16) },
  { "uv_timeval64_t", sizeof(uv_timeval64_t), PIN(16, 16) },
  { "uv_stat_t", sizeof(uv_stat_t), PIN(160, 128) },
};

TEST(struct_sizes) {
  size_t i;
  int bad;

  bad = 0;
  for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
    printf("%-22s %5zu%s\n", sizes[i].name, sizes[i].actual,
           sizes[i].actual == sizes[i].pinned ? "" : "  <- changed");
    if (sizes[i].actual != sizes[i].pinned) {
      fprintf(stderr, "%s is %zu bytes, pinned at %zu: if intended, update "
              "the table in test/test-header.c\n", sizes[i].name,
              sizes[i].actual, sizes[i].pinned);
      bad++;
    }
  }
#if (defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__)) || \
    defined(_WIN64)
  ASSERT_EQ(bad, 0);
  return 0;
#else
  RETURN_SKIP("sizes are pinned for x86_64 Linux (glibc) and x64 Windows only");
#endif
}
