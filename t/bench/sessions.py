#!/usr/bin/env python3
"""sessions.py: a milter-protocol load client for the benchmarks.

It speaks the milter protocol itself (version 6): negotiate, connect,
MAIL, RCPT. Prints "name value" lines.
usage: sessions.py hold SOCKET_PATH PID [N]
         hold N sessions open at once and report the milter's VmRSS
       sessions.py load SOCKET_PATH SECONDS
         run sessions one after another for SECONDS and count those
         that did not get the expected answers"""
import os
import sys
import time

# The protocol itself lives in t/lib/milterclient.py (shared with the
# fault tests).
sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from milterclient import Session, packet, rss_kib  # noqa: E402


def open_session(path, i):
    # version 6; SETSYMLIST; skip HELO, headers, EOH, body, unknown
    m = Session(path, "127.0.0.1", "MTA", i)
    m.mail("<sender@example.com>")
    if m.rcpt("<u%d@remote.test>" % i) != b"c":
        raise RuntimeError("unexpected RCPT reply")
    return m.s


def load(path, seconds):
    ok = failed = 0
    end = time.time() + seconds
    i = 0
    while time.time() < end:
        try:
            s = open_session(path, i)
            s.sendall(packet(b"Q"))
            s.close()
            ok += 1
        except (OSError, EOFError, RuntimeError):
            failed += 1
        i += 1
    print("load_sessions_ok %d" % ok)
    print("load_sessions_failed %d" % failed)


def main():
    if sys.argv[1] == "load":
        load(sys.argv[2], float(sys.argv[3]))
        return
    path, pid = sys.argv[2], int(sys.argv[3])
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    base = rss_kib(pid)
    t0 = time.time()
    sessions = [open_session(path, i) for i in range(n)]
    opened = time.time() - t0
    time.sleep(1)
    held = rss_kib(pid)
    print("sessions %d" % n)
    print("open_seconds %.2f" % opened)
    print("rss_idle_kib %d" % base)
    print("rss_with_sessions_kib %d" % held)
    print("rss_per_session_kib %.1f" % ((held - base) / n))
    for s in sessions:
        s.sendall(packet(b"Q"))
        s.close()


if __name__ == "__main__":
    main()
