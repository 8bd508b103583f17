/* uvcore — error names and messages, generated from UV_ERRNO_MAP so the
 * codes, names and texts cannot drift apart.  Conversion from errno or
 * Win32 codes is the platform's (uv_translate_sys_error). */
#include "internal.h"

#include <stdio.h>
#include <string.h>

struct err_entry {
  int code;
  const char* name;
  const char* message;
};

static const struct err_entry err_table[] = {
#define XX(code, msg) { UV_ ## code, #code, msg },
  UV_ERRNO_MAP(XX)
#undef XX
};

static const struct err_entry* err_lookup(int err) {
  size_t i;

  for (i = 0; i < UV__ARRAY_SIZE(err_table); i++)
    if (err_table[i].code == err)
      return &err_table[i];
  return NULL;
}

/* Unknown codes are formatted into per-thread buffers rather than leaked.
 * A small ring of them lets one expression hold several results, such as
 * printf("%s: %s", uv_err_name(e), uv_strerror(e)); a pointer stays valid
 * until the thread has made UNKNOWN_SLOTS more such calls. */
#define UNKNOWN_SLOTS 8
static _Thread_local char unknown_bufs[UNKNOWN_SLOTS][48];
static _Thread_local unsigned int unknown_next;

static char* format_unknown(int err, char* buf, size_t len) {
  snprintf(buf, len, "Unknown system error %d", err);
  return buf;
}

static const char* format_unknown_static(int err) {
  char* buf;

  buf = unknown_bufs[unknown_next++ % UNKNOWN_SLOTS];
  return format_unknown(err, buf, sizeof(unknown_bufs[0]));
}

static char* copy_out(const char* s, char* buf, size_t len) {
  if (buf == NULL || len == 0)
    return buf;
  snprintf(buf, len, "%s", s);
  return buf;
}

const char* uv_strerror(int err) {
  const struct err_entry* e;

  e = err_lookup(err);
  if (e != NULL)
    return e->message;
  return format_unknown_static(err);
}

char* uv_strerror_r(int err, char* buf, size_t buflen) {
  const struct err_entry* e;

  if (buf == NULL || buflen == 0)
    return buf;
  e = err_lookup(err);
  if (e != NULL)
    return copy_out(e->message, buf, buflen);
  return format_unknown(err, buf, buflen);
}

const char* uv_err_name(int err) {
  const struct err_entry* e;

  e = err_lookup(err);
  if (e != NULL)
    return e->name;
  return format_unknown_static(err);
}

char* uv_err_name_r(int err, char* buf, size_t buflen) {
  const struct err_entry* e;

  if (buf == NULL || buflen == 0)
    return buf;
  e = err_lookup(err);
  if (e != NULL)
    return copy_out(e->name, buf, buflen);
  return format_unknown(err, buf, buflen);
}
