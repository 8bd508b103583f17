#!/usr/bin/env python3
"""Runs a command with standard input and output of chosen kinds.

  stdio.py IN_KIND OUT_KIND INPUT GOT -- CMD...

IN_KIND and OUT_KIND are file, pipe, unix (a socketpair), tcp (a loopback
connection) or tty (a pseudo-terminal).  The bytes of the file INPUT are
fed to the command's standard input; what it writes to standard output is
stored in GOT.  A terminal as input is in canonical mode without echo and
ends with ^D; a terminal as output has output processing off, so bytes
arrive unchanged.  Exits with the command's status (1 after 10 s).
"""
import os
import pty
import socket
import subprocess
import sys
import termios
import threading


def tcp_pair():
    with socket.socket() as lst:
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        a = socket.create_connection(lst.getsockname())
        b, _ = lst.accept()
    return a, b


def endpoint(kind, path, for_input):
    """(descriptor for the child, our end or None, keep-alive objects)"""
    if kind == "file":
        if for_input:
            return os.open(path, os.O_RDONLY), None, []
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), None, []
    if kind == "pipe":
        r, w = os.pipe()
        return (r, w, []) if for_input else (w, r, [])
    if kind in ("unix", "tcp"):
        a, b = socket.socketpair() if kind == "unix" else tcp_pair()
        return a.detach(), b.detach(), []
    if kind == "tty":
        master, slave = pty.openpty()
        attrs = termios.tcgetattr(slave)
        attrs[3] &= ~termios.ECHO
        attrs[1] &= ~termios.OPOST
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        return slave, master, []
    raise SystemExit("unknown kind " + kind)


def feed(kind, fd, data):
    try:
        if kind == "tty":
            # Canonical mode: lines of at most 4095 bytes, ending with a
            # newline, then ^D alone at the start of a line.
            view = memoryview(data)
            while view:
                n = os.write(fd, view[:1024])
                view = view[n:]
            os.write(fd, b"\x04")
            return  # the master stays open until the child is done
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        if kind in ("unix", "tcp"):
            socket.socket(fileno=os.dup(fd)).shutdown(socket.SHUT_WR)
        else:
            os.close(fd)
    except OSError as e:
        print("stdio.py: feeding input: %s" % e, file=sys.stderr)


def drain(fd, sink):
    while True:
        try:
            b = os.read(fd, 65536)
        except OSError:  # EIO: the terminal's last user is gone
            break
        if not b:
            break
        sink.append(b)


def main():
    in_kind, out_kind, inp, got = sys.argv[1:5]
    assert sys.argv[5] == "--"
    cmd = sys.argv[6:]
    with open(inp, "rb") as f:
        data = f.read()
    child_in, our_in, _ = endpoint(in_kind, inp, True)
    child_out, our_out, _ = endpoint(out_kind, got, False)
    proc = subprocess.Popen(cmd, stdin=child_in, stdout=child_out)
    os.close(child_in)
    os.close(child_out)
    threads = []
    chunks = []
    if our_in is not None:
        threads.append(threading.Thread(target=feed, args=(in_kind, our_in, data)))
    if our_out is not None:
        threads.append(threading.Thread(target=drain, args=(our_out, chunks)))
    for t in threads:
        t.daemon = True
        t.start()
    try:
        status = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        print("stdio.py: %s timed out" % cmd[0], file=sys.stderr)
        return 1
    for t in threads:
        t.join(timeout=5)
    if our_out is not None:
        with open(got, "wb") as f:
            f.write(b"".join(chunks))
    return status


if __name__ == "__main__":
    sys.exit(main())
