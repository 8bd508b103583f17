/* uvcore — what getaddrinfo.c and getnameinfo.c share. */
#ifndef UV_SRC_UNIX_DNS_H
#define UV_SRC_UNIX_DNS_H

/* Maps a getaddrinfo()/getnameinfo() result to 0 or a UV_EAI_* code;
 * EAI_SYSTEM becomes the negated errno, so call it on the thread that made
 * the lookup, before anything else can change errno. */
int uv__gai_error(int eai);

#endif /* UV_SRC_UNIX_DNS_H */
