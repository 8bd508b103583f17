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

/* The name or the message of a known code; NULL for an unknown one. */
static const char* err_text(int err, int want_name) {
  const struct err_entry* e;

  e = err_lookup(err);
  if (e == NULL)
    return NULL;
  return want_name ? e->name : e->message;
}

static const char* text_or_unknown(int err, int want_name) {
  const char* t;

  t = err_text(err, want_name);
  return t != NULL ? t : format_unknown_static(err);
}

static char* text_into(int err, int want_name, char* buf, size_t buflen) {
  const char* t;

  if (buf == NULL || buflen == 0)
    return buf;
  t = err_text(err, want_name);
  if (t == NULL)
    return format_unknown(err, buf, buflen);
  snprintf(buf, buflen, "%s", t);
  return buf;
}

const char* uv_strerror(int err) {
  return text_or_unknown(err, 0);
}

char* uv_strerror_r(int err, char* buf, size_t buflen) {
  return text_into(err, 0, buf, buflen);
}

const char* uv_err_name(int err) {
  return text_or_unknown(err, 1);
}

char* uv_err_name_r(int err, char* buf, size_t buflen) {
  return text_into(err, 1, buf, buflen);
}
