/* uvcore — what the Windows resolver files (getaddrinfo.c, getnameinfo.c)
 * share. */
#ifndef UV_SRC_WIN_DNS_H
#define UV_SRC_WIN_DNS_H

/* Calls WSAStartup() once per process (GetAddrInfoW and GetNameInfoW fail
 * with WSANOTINITIALISED before it).  Returns 0 or a UV_E* code; a failure
 * is remembered and returned again. */
int uv__dns_winsock_init(void);

/* Maps the Winsock code GetAddrInfoW()/GetNameInfoW() returned to 0 or a
 * UV_EAI_* code (a Winsock code with no resolver meaning goes through
 * uv_translate_sys_error). */
int uv__dns_error(int wsa_error);

#endif /* UV_SRC_WIN_DNS_H */
