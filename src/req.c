/* uvcore — what every request shares: sizes, names, accessors. */
#include "internal.h"

size_t uv_req_size(uv_req_type type) {
  switch (type) {
#define XX(uc, lc) case UV_ ## uc: return sizeof(uv_ ## lc ## _t);
    UV_REQ_TYPE_MAP(XX)
#undef XX
    default:
      return (size_t) -1;
  }
}

const char* uv_req_type_name(uv_req_type type) {
  switch (type) {
#define XX(uc, lc) case UV_ ## uc: return #lc;
    UV_REQ_TYPE_MAP(XX)
#undef XX
    default:
      return NULL;
  }
}

void* uv_req_get_data(const uv_req_t* req) {
  if (req == NULL)
    return NULL;
  return req->data;
}

void uv_req_set_data(uv_req_t* req, void* data) {
  if (req != NULL)
    req->data = data;
}

uv_req_type uv_req_get_type(const uv_req_t* req) {
  if (req == NULL)
    return UV_UNKNOWN_REQ;
  return req->type;
}
