#!/usr/bin/env python3
"""A tiny HTTP/1.1 server on 127.0.0.1 for the fetch example's test.

  http_server.py FILE

Prints "listening on 127.0.0.1:PORT", then serves FILE's bytes as
  /length   with Content-Length
  /chunked  with chunked transfer coding (uneven chunks, an extension and
            a trailer)
  /close    with neither: the end of the connection ends the body
  /empty    an empty body with Content-Length: 0
and answers 404 for anything else.
"""
import http.server
import sys

DATA = open(sys.argv[1], "rb").read()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/length" or self.path == "/empty":
            body = DATA if self.path == "/length" else b""
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            off, size = 0, 1
            while off < len(DATA):
                piece = DATA[off:off + size]
                ext = ";note=x" if size % 3 == 0 else ""
                self.wfile.write(b"%x%s\r\n%s\r\n" % (len(piece), ext.encode(), piece))
                off += len(piece)
                size = size * 7 % 9973 + 1
            self.wfile.write(b"0\r\nX-Trailer: yes\r\n\r\n")
        elif self.path == "/close":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(DATA)
            self.close_connection = True
        else:
            self.send_error(404)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
