/* Tests of error codes: names and messages of every UV_E* code, the
 * buffer-filling variants and their truncation, unknown codes, and the
 * translation of system error numbers. */

#include "task.h"

#include <errno.h>

struct err_row {
  int code;
  const char* name;
  const char* message;
};

static const struct err_row all_errors[] = {
#define XX(code, msg) { UV_ ## code, #code, msg },
  UV_ERRNO_MAP(XX)
#undef XX
};

#define NERRORS ((int) (sizeof(all_errors) / sizeof(all_errors[0])))

TEST(errors_names_and_messages) {
  char buf[128];
  int i;

  /* Guards against the table being emptied by a bad macro edit. */
  ASSERT_GE(NERRORS, 80);
  for (i = 0; i < NERRORS; i++) {
    ASSERT_LT(all_errors[i].code, 0);
    ASSERT_STR_EQ(uv_err_name(all_errors[i].code), all_errors[i].name);
    ASSERT_STR_EQ(uv_strerror(all_errors[i].code), all_errors[i].message);
    ASSERT_PTR_EQ(uv_err_name_r(all_errors[i].code, buf, sizeof(buf)), buf);
    ASSERT_STR_EQ(buf, all_errors[i].name);
    ASSERT_PTR_EQ(uv_strerror_r(all_errors[i].code, buf, sizeof(buf)), buf);
    ASSERT_STR_EQ(buf, all_errors[i].message);
  }

  /* A few spelled out, so the map itself is checked against libuv. */
  ASSERT_STR_EQ(uv_err_name(UV_EINVAL), "EINVAL");
  ASSERT_STR_EQ(uv_strerror(UV_EINVAL), "invalid argument");
  ASSERT_STR_EQ(uv_err_name(UV_EOF), "EOF");
  ASSERT_STR_EQ(uv_strerror(UV_EOF), "end of file");
  ASSERT_STR_EQ(uv_err_name(UV_EAI_NONAME), "EAI_NONAME");
  ASSERT_STR_EQ(uv_strerror(UV_ECANCELED), "operation canceled");
  ASSERT_STR_EQ(uv_err_name(UV_UNKNOWN), "UNKNOWN");
  ASSERT_STR_EQ(uv_strerror(UV_UNKNOWN), "unknown error");
  return 0;
}

/* No two names share a code, or a lookup would answer for the wrong one. */
TEST(errors_codes_unique) {
  int i;
  int j;

  for (i = 0; i < NERRORS; i++)
    for (j = i + 1; j < NERRORS; j++)
      if (all_errors[i].code == all_errors[j].code) {
        fprintf(stderr, "%s and %s are both %d\n", all_errors[i].name,
                all_errors[j].name, all_errors[i].code);
        ASSERT(0 && "duplicate error code");
      }
  return 0;
}

/* On Unix the codes are negated errno values. */
TEST(errors_match_errno) {
#ifdef _WIN32
  RETURN_SKIP("codes are not errno values on Windows");
#else
  ASSERT_EQ(UV_EINVAL, -EINVAL);
  ASSERT_EQ(UV_ENOENT, -ENOENT);
  ASSERT_EQ(UV_EAGAIN, -EAGAIN);
  ASSERT_EQ(UV_EBADF, -EBADF);
  ASSERT_EQ(UV_EPERM, -EPERM);
  ASSERT_EQ(UV_EEXIST, -EEXIST);
  ASSERT_EQ(UV_ENOSYS, -ENOSYS);
  ASSERT_EQ(UV_ECONNREFUSED, -ECONNREFUSED);
  ASSERT_EQ(UV_EOF, -4095);
  return 0;
#endif
}

TEST(errors_truncation) {
  char buf[8];

  /* The result is cut to fit and always terminated. */
  memset(buf, 'x', sizeof(buf));
  ASSERT_PTR_EQ(uv_strerror_r(UV_EINVAL, buf, sizeof(buf)), buf);
  ASSERT_STR_EQ(buf, "invalid");
  memset(buf, 'x', sizeof(buf));
  ASSERT_PTR_EQ(uv_err_name_r(UV_EADDRINUSE, buf, 4), buf);
  ASSERT_STR_EQ(buf, "EAD");
  ASSERT_EQ(buf[4], 'x');  /* nothing written past buflen */
  memset(buf, 'x', sizeof(buf));
  uv_err_name_r(UV_EINVAL, buf, 1);
  ASSERT_EQ(buf[0], '\0');
  ASSERT_EQ(buf[1], 'x');
  uv_strerror_r(UV_EINVAL, buf, 2);
  ASSERT_STR_EQ(buf, "i");
  /* Exactly fitting. */
  uv_err_name_r(UV_EINVAL, buf, 7);
  ASSERT_STR_EQ(buf, "EINVAL");

  /* Nowhere to write: nothing written, the buffer pointer returned. */
  memset(buf, 'x', sizeof(buf));
  ASSERT_PTR_EQ(uv_strerror_r(UV_EINVAL, buf, 0), buf);
  ASSERT_PTR_EQ(uv_err_name_r(UV_EINVAL, buf, 0), buf);
  ASSERT_EQ(buf[0], 'x');
  ASSERT_NULL(uv_strerror_r(UV_EINVAL, NULL, 0));
  ASSERT_NULL(uv_err_name_r(UV_EINVAL, NULL, 0));
  ASSERT_NULL(uv_strerror_r(UV_EINVAL, NULL, 16));
  ASSERT_NULL(uv_err_name_r(UV_EINVAL, NULL, 16));

  /* Unknown codes are truncated the same way. */
  memset(buf, 'x', sizeof(buf));
  uv_strerror_r(-1234567, buf, sizeof(buf));
  ASSERT_STR_EQ(buf, "Unknown");
  uv_err_name_r(-1234567, buf, sizeof(buf));
  ASSERT_STR_EQ(buf, "Unknown");
  return 0;
}

TEST(errors_unknown) {
  char buf[128];
  const char* a;
  const char* b;

  ASSERT_NOT_NULL(strstr(uv_strerror(1234567), "1234567"));
  ASSERT_NOT_NULL(strstr(uv_strerror(-1234567), "-1234567"));
  ASSERT_NOT_NULL(strstr(uv_err_name(-1234567), "-1234567"));
  ASSERT_NOT_NULL(strstr(uv_err_name(0), "0"));
  ASSERT_NOT_NULL(strstr(uv_strerror(INT_MIN), "-2147483648"));
  ASSERT_NOT_NULL(strstr(uv_err_name(INT_MAX), "2147483647"));
  uv_strerror_r(-1234567, buf, sizeof(buf));
  ASSERT_NOT_NULL(strstr(buf, "-1234567"));
  uv_err_name_r(7654321, buf, sizeof(buf));
  ASSERT_NOT_NULL(strstr(buf, "7654321"));

  /* Two unknown codes in one expression, as in a printf with both the
   * name and the message: each keeps its own text. */
  a = uv_err_name(-1111111);
  b = uv_strerror(-2222222);
  ASSERT_NOT_NULL(strstr(a, "-1111111"));
  ASSERT_NOT_NULL(strstr(b, "-2222222"));
  a = uv_strerror(-3333333);
  b = uv_strerror(-4444444);
  ASSERT_NOT_NULL(strstr(a, "-3333333"));
  ASSERT_NOT_NULL(strstr(b, "-4444444"));
  return 0;
}

TEST(errors_translate_sys_error) {
#ifdef _WIN32
  /* One table for Win32 and Winsock codes, as libuv maps them. */
  ASSERT_EQ(uv_translate_sys_error(ERROR_FILE_NOT_FOUND), UV_ENOENT);
  ASSERT_EQ(uv_translate_sys_error(ERROR_PATH_NOT_FOUND), UV_ENOENT);
  ASSERT_EQ(uv_translate_sys_error(ERROR_ENVVAR_NOT_FOUND), UV_ENOENT);
  ASSERT_EQ(uv_translate_sys_error(ERROR_ACCESS_DENIED), UV_EPERM);
  ASSERT_EQ(uv_translate_sys_error(ERROR_INVALID_PARAMETER), UV_EINVAL);
  ASSERT_EQ(uv_translate_sys_error(ERROR_ALREADY_EXISTS), UV_EEXIST);
  ASSERT_EQ(uv_translate_sys_error(ERROR_DIRECTORY), UV_ENOTDIR);
  ASSERT_EQ(uv_translate_sys_error(ERROR_NOT_ENOUGH_MEMORY), UV_ENOMEM);
  ASSERT_EQ(uv_translate_sys_error(WSAEWOULDBLOCK), UV_EAGAIN);
  ASSERT_EQ(uv_translate_sys_error(WSAECONNREFUSED), UV_ECONNREFUSED);
  /* A code with no counterpart. */
  ASSERT_EQ(uv_translate_sys_error(0x7FFF0000), UV_UNKNOWN);
  /* Already negative (already a UV_E* code): passed through. */
  ASSERT_EQ(uv_translate_sys_error(UV_EINVAL), UV_EINVAL);
  ASSERT_EQ(uv_translate_sys_error(0), 0);
  /* More of the table: pipes, sharing, cancellation, disk, charset and
   * sockets. */
  ASSERT_EQ(uv_translate_sys_error(ERROR_NOACCESS), UV_EACCES);
  ASSERT_EQ(uv_translate_sys_error(ERROR_FILE_EXISTS), UV_EEXIST);
  ASSERT_EQ(uv_translate_sys_error(ERROR_BROKEN_PIPE), UV_EOF);
  ASSERT_EQ(uv_translate_sys_error(ERROR_NO_DATA), UV_EPIPE);
  ASSERT_EQ(uv_translate_sys_error(ERROR_SHARING_VIOLATION), UV_EBUSY);
  ASSERT_EQ(uv_translate_sys_error(ERROR_OPERATION_ABORTED), UV_ECANCELED);
  ASSERT_EQ(uv_translate_sys_error(ERROR_DIR_NOT_EMPTY), UV_ENOTEMPTY);
  ASSERT_EQ(uv_translate_sys_error(ERROR_INVALID_HANDLE), UV_EBADF);
  ASSERT_EQ(uv_translate_sys_error(ERROR_DISK_FULL), UV_ENOSPC);
  ASSERT_EQ(uv_translate_sys_error(ERROR_NO_UNICODE_TRANSLATION),
            UV_ECHARSET);
  ASSERT_EQ(uv_translate_sys_error(WSAECONNRESET), UV_ECONNRESET);
  ASSERT_EQ(uv_translate_sys_error(WSAEADDRINUSE), UV_EADDRINUSE);
  ASSERT_EQ(uv_translate_sys_error(WSAETIMEDOUT), UV_ETIMEDOUT);
  ASSERT_EQ(uv_translate_sys_error(WSAENOTSOCK), UV_ENOTSOCK);
  ASSERT_EQ(uv_translate_sys_error(WSAEMSGSIZE), UV_EMSGSIZE);
  ASSERT_EQ(uv_translate_sys_error(WSAESHUTDOWN), UV_EPIPE);
  ASSERT_EQ(uv_translate_sys_error(0x7FFFFFF0), UV_UNKNOWN);
  ASSERT_EQ(uv_translate_sys_error(ERROR_SUCCESS), 0);
  ASSERT_EQ(uv_translate_sys_error(UV_ENOENT), UV_ENOENT);
  /* The translated codes have names and messages. */
  ASSERT_STR_EQ(uv_err_name(uv_translate_sys_error(WSAECONNREFUSED)),
                "ECONNREFUSED");
  return 0;
#else
  ASSERT_EQ(uv_translate_sys_error(EINVAL), UV_EINVAL);
  ASSERT_EQ(uv_translate_sys_error(ENOENT), UV_ENOENT);
  ASSERT_EQ(uv_translate_sys_error(EAGAIN), UV_EAGAIN);
  /* Already negative (already a UV_E* code): passed through. */
  ASSERT_EQ(uv_translate_sys_error(UV_EINVAL), UV_EINVAL);
  ASSERT_EQ(uv_translate_sys_error(-1234567), -1234567);
  ASSERT_EQ(uv_translate_sys_error(0), 0);
  return 0;
#endif
}
