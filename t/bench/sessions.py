#!/usr/bin/env python3
"""sessions.py: a milter-protocol load client for the benchmarks.

It speaks the milter protocol itself (version 6): negotiate, connect,
MAIL, RCPT. Prints "name value" lines.
usage: sessions.py hold SOCKET_PATH PID [N]
         hold N sessions open at once and report the milter's VmRSS
       sessions.py load SOCKET_PATH SECONDS
         run sessions one after another for SECONDS and count those
         that did not get the expected answers"""
import socket
import struct
import sys
import time


def packet(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


def read_packet(s):
    head = b""
    while len(head) < 4:
        chunk = s.recv(4 - len(head))
        if not chunk:
            raise EOFError("milter closed the session")
        head += chunk
    n = struct.unpack(">I", head)[0]
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        if not chunk:
            raise EOFError("milter closed the session")
        body += chunk
    return body[:1], body[1:]


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def open_session(path, i):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    # version 6; SETSYMLIST; offer to skip HELO, headers, EOH, body, unknown
    s.sendall(packet(b"O", struct.pack(">III", 6, 0x100, 0x2 | 0x10 | 0x20 | 0x40 | 0x100)))
    read_packet(s)
    s.sendall(packet(b"D", b"C{daemon_name}\0MTA\0"))
    s.sendall(packet(b"C", b"client.example\x004" + struct.pack(">H", 40000 + i % 20000) + b"127.0.0.1\0"))
    read_packet(s)
    s.sendall(packet(b"M", b"<sender@example.com>\0"))
    read_packet(s)
    s.sendall(packet(b"R", b"<u%d@remote.test>\0" % i))
    cmd, _ = read_packet(s)
    if cmd != b"c":
        raise RuntimeError("unexpected RCPT reply %r" % cmd)
    return s


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
