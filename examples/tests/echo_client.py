#!/usr/bin/env python3
"""Concurrent echo clients for the server examples.

  echo_client.py tcp:HOST:PORT|unix:PATH CLIENTS [BYTES]

Opens CLIENTS connections at once; each sends BYTES (default 20000) bytes
of its own pattern in a few pieces, closes its writing side and reads until
the end of the stream.  Exits 0 when every client got exactly its bytes
back, within 10 s; prints what went wrong otherwise.
"""
import asyncio
import os
import sys


async def one(target, i, size):
    payload = (b"client %04d " % i) * (size // 12 + 1)
    payload = payload[:size]
    if target.startswith("tcp:"):
        _, host, port = target.split(":")
        r, w = await asyncio.open_connection(host, int(port))
    else:
        r, w = await asyncio.open_unix_connection(target[5:])
    step = max(1, size // 4)
    for off in range(0, size, step):
        w.write(payload[off:off + step])
        await w.drain()
    w.write_eof()
    got = await r.read()  # to the end of the stream
    w.close()
    if got != payload:
        return "client %d: sent %d bytes, got %d back (%s)" % (
            i, size, len(got), "different" if len(got) == size else "short")
    return None


async def main():
    target, clients = sys.argv[1], int(sys.argv[2])
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    results = await asyncio.wait_for(
        asyncio.gather(*(one(target, i, size) for i in range(clients)),
                       return_exceptions=True), 10)
    bad = [r for r in results if r is not None]
    for r in bad[:5]:
        print("echo_client.py:", r, file=sys.stderr)
    print("%d of %d clients echoed" % (clients - len(bad), clients))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
