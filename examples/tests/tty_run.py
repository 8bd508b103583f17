#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal and prints what it displayed.

  tty_run.py ROWS COLS [--key PROMPT KEYS] -- CMD...

The terminal is ROWS x COLS.  The command runs inside
  sh -c 'stty -g; CMD; echo "exit status $?"; stty -g'
so the output shows the terminal settings before and after (the caller
compares them).  With --key, KEYS is typed once PROMPT has appeared.
Carriage returns are removed from the output.  Exits 1 after 10 s.
"""
import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import time


def main():
    rows, cols = int(sys.argv[1]), int(sys.argv[2])
    args = sys.argv[3:]
    prompt = keys = None
    if args[0] == "--key":
        prompt, keys = args[1].encode(), args[2].encode()
        args = args[3:]
    assert args[0] == "--"
    cmd = args[1:]
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    script = 'stty -g; "$@"; echo "exit status $?"; stty -g'
    proc = subprocess.Popen(["sh", "-c", script, "sh"] + cmd,
                            stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 10
    while True:
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            sys.stdout.write(out.decode(errors="replace"))
            print("tty_run.py: timed out", file=sys.stderr)
            return 1
        try:
            b = os.read(master, 65536)
        except OSError:  # EIO: every slave descriptor is closed
            break
        if not b:
            break
        out += b
        if prompt is not None and prompt in out:
            os.write(master, keys)
            prompt = None
    proc.wait()
    os.close(master)
    sys.stdout.write(out.replace(b"\r", b"").decode(errors="replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
