#!/usr/bin/env python3
"""authprobe.py: clients for relaymilter's line and auth sockets, good and
bad, for the fault tests (t/e2e/faults.test).

  authprobe.py dovecot PATH USER PASSWORD
      the Dovecot auth handshake as Postfix does it, then AUTH PLAIN;
      prints "result OK|FAIL|..."
  authprobe.py saslauthd PATH USER PASSWORD
      one saslauthd request; prints "result OK|NO"
  authprobe.py bad PATH PROTO KIND
      PROTO dovecot | saslauthd | control; KIND garbage | truncated |
      huge: the daemon must close the connection within 10 s; prints
      "closed 1" or "closed 0" (exit 1)
  authprobe.py hold PATH SECONDS
      connect and send nothing (as milterclient.py hold)

PATH is the unix socket's path (or unix:/path).
"""
import base64
import os
import random
import socket
import struct
import sys

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from milterclient import cli, closed_within, cmd_hold, dial  # noqa: E402


def lines_until(f, last):
    while True:
        line = f.readline()
        if not line:
            raise EOFError("closed before %s" % last)
        if line.split(b"\t")[0].rstrip(b"\n") == last.encode():
            return


def dovecot(path, user, password):
    s = dial(path)
    f = s.makefile("rb")
    s.sendall(b"VERSION\t1\t0\nCPID\t%d\n" % os.getpid())
    lines_until(f, "DONE")
    resp = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode())
    s.sendall(b"AUTH\t1\tPLAIN\tservice=smtp\tnologin\tlip=127.0.0.1\t"
              b"rip=127.0.0.9\tresp=" + resp + b"\n")
    line = f.readline().decode("latin-1").rstrip("\n")
    s.close()
    return line.split("\t")[0] or "closed"


def sasl_string(b):
    return struct.pack(">H", len(b)) + b


def saslauthd(path, user, password):
    s = dial(path)
    s.sendall(b"".join(sasl_string(x.encode()) for x in
                       (user, password, "smtp", "")))
    head = s.recv(2)
    if len(head) < 2:
        return "closed"
    n = struct.unpack(">H", head)[0]
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        if not chunk:
            break
        body += chunk
    s.close()
    return body[:2].decode("latin-1")


def bad(path, proto, kind):
    rng = random.Random(os.getpid())
    s = dial(path)
    try:
        if kind == "garbage":
            s.sendall(bytes(rng.getrandbits(8) for _ in range(4096)))
            s.shutdown(socket.SHUT_WR)
        elif kind == "truncated":
            if proto == "saslauthd":
                s.sendall(struct.pack(">H", 1000) + b"alice")
            elif proto == "dovecot":
                s.sendall(b"VERSION\t1\t0\nCPID\t1\nAUTH\t1\tPLA")
            else:
                s.sendall(b"sta")
            s.shutdown(socket.SHUT_WR)
        elif kind == "huge":
            # far beyond any line or field limit, and no end in sight
            chunk = b"x" * 65536
            if proto == "saslauthd":
                chunk = struct.pack(">H", 65535) + chunk
            for _ in range(16):
                s.sendall(chunk)
    except OSError:
        pass                        # closed on us: that is the point
    closed = closed_within(s, 10)
    s.close()
    print("closed %d" % closed)
    return 0 if closed else 1


def result(value):
    print("result %s" % value)
    return 0


def unix(path):
    return path[5:] if path.startswith("unix:") else path


COMMANDS = {
    "dovecot": lambda p, u, pw: result(dovecot(unix(p), u, pw)),
    "saslauthd": lambda p, u, pw: result(saslauthd(unix(p), u, pw)),
    "bad": lambda p, proto, kind: bad(unix(p), proto, kind),
    "hold": lambda p, sec: cmd_hold(unix(p), float(sec)),
}

if __name__ == "__main__":
    sys.exit(cli(__doc__, COMMANDS, sys.argv))
