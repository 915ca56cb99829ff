#!/usr/bin/env python3
"""milterclient.py: the MTA side of the milter protocol (version 6), for
relaymilter's benchmarks (t/bench/sessions.py imports it) and fault tests
(t/e2e/faults.test runs it).

As a module: packet(), read_packet(), dial(), Session.
As a program, one check per call; it prints "name value" lines and exits
0 when the daemon behaved, 1 otherwise (with a "# why" line):

  milterclient.py session SOCK IP RCPT [MAILER]
      one transaction from IP; prints "reply c|y|..." (the milter reply to RCPT)
  milterclient.py longrcpt SOCK LEN
      one RCPT of a LEN-byte address; the daemon must answer it (a packet
      over libmilter's 64 KiB limit must close this session only)
  milterclient.py many SOCK N PID
      N recipients in one transaction, all answered; prints the daemon's
      VmRSS growth in KiB
  milterclient.py bad SOCK KIND
      KIND garbage | truncated | huge (a header announcing 1 GB) | order
      (commands out of order, random arguments): the daemon must close
      the session (or answer sanely), within 10 s
  milterclient.py hold SOCK SECONDS
      connect, send nothing; prints "closed_after S" or "open_after S"

SOCK is unix:/path or inet:PORT@HOST (relaymilter's own spelling).
"""
import os
import random
import socket
import struct
import sys
import time

SMFIF_SETSYMLIST = 0x100
# skip HELO, headers, EOH, body, unknown
SKIPS = 0x2 | 0x10 | 0x20 | 0x40 | 0x100


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


def dial(spec, timeout=10):
    if spec.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX)
        addr = spec[5:]
    elif spec.startswith("inet:"):
        port, host = spec[5:].split("@", 1)
        s = socket.socket(socket.AF_INET)
        addr = (host, int(port))
    else:
        s = socket.socket(socket.AF_UNIX)
        addr = spec
    s.settimeout(timeout)
    s.connect(addr)
    return s


def nul(*fields):
    """Each field (str or bytes) followed by a NUL byte."""
    return b"".join((f.encode() if isinstance(f, str) else f) + b"\0"
                    for f in fields)


class Session:
    """One MTA-to-milter connection, as Postfix would drive it."""

    def __init__(self, spec, ip="127.0.0.1", daemon="MTA", i=0,
                 timeout=10):
        self.s = dial(spec, timeout)
        self.s.sendall(packet(b"O", struct.pack(">III", 6, SMFIF_SETSYMLIST,
                                                SKIPS)))
        read_packet(self.s)
        if daemon is not None:
            self.s.sendall(packet(b"D", b"C" + nul("{daemon_name}", daemon)))
        family = b"6" if ":" in ip else b"4"
        self.s.sendall(packet(b"C", nul("client.example") + family +
                              struct.pack(">H", 40000 + i % 20000) +
                              nul(ip)))
        self.expect(b"c", "connect")

    def expect(self, want, what):
        cmd, data = read_packet(self.s)
        if cmd != want:
            raise RuntimeError("%s: reply %r %r, want %r" %
                               (what, cmd, data[:60], want))
        return data

    def mail(self, sender="<sender@remote.test>", macros=()):
        if macros:
            self.s.sendall(packet(b"D", b"M" + nul(*macros)))
        self.s.sendall(packet(b"M", nul(sender)))
        self.expect(b"c", "MAIL")

    def rcpt(self, rcpt, mailer=None):
        """Send one RCPT; returns the reply command (b"c", b"y", ...)."""
        self.send_rcpt(rcpt, mailer)
        return read_packet(self.s)[0]

    def send_rcpt(self, rcpt, mailer=None):
        if mailer is not None:
            self.s.sendall(packet(b"D", b"R" + nul("{rcpt_mailer}", mailer)))
        self.s.sendall(packet(b"R", nul(rcpt)))

    def close(self):
        try:
            self.s.sendall(packet(b"Q"))
        except OSError:
            pass
        self.s.close()


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def closed_within(s, seconds):
    """True if the peer closes s (EOF or reset) within seconds."""
    s.settimeout(seconds)
    end = time.time() + seconds
    try:
        while time.time() < end:
            if not s.recv(65536):
                return True
    except socket.timeout:
        return False
    except OSError:
        return True
    return False


def cmd_session(spec, ip, rcpt, mailer=None):
    m = Session(spec, ip)
    m.mail()
    r = m.rcpt(rcpt, mailer)
    m.close()
    print("reply %s" % r.decode())
    return 0


def cmd_longrcpt(spec, n):
    m = Session(spec, "203.0.113.9")
    m.mail()
    rcpt = "<" + "a" * (n - len("<@remote.test>")) + "@remote.test>"
    m.send_rcpt(rcpt)
    try:
        r = read_packet(m.s)[0].decode()
    except (EOFError, OSError):
        r = "closed"
    m.close()
    print("reply %s" % r)
    return 0


def cmd_many(spec, n, pid):
    base = rss_kib(pid)
    m = Session(spec, "203.0.113.9")
    m.mail()
    replies = {}
    # Pipelined in windows, as an MTA may: the answers come in order.
    window = 100
    for start in range(0, n, window):
        k = min(window, n - start)
        m.s.sendall(b"".join(packet(b"R", nul("<many%d@%s>" % (
            start + j, "example.com" if (start + j) % 2 else "remote.test")))
            for j in range(k)))
        for _ in range(k):
            r = read_packet(m.s)[0].decode()
            replies[r] = replies.get(r, 0) + 1
    peak = rss_kib(pid)
    m.close()
    for r in sorted(replies):
        print("replies_%s %d" % (r, replies[r]))
    print("rss_growth_kib %d" % (peak - base))
    return 0


def junk_order(rng):
    """A few milter commands in a random order with random arguments."""
    out = b""
    for _ in range(rng.randint(1, 12)):
        cmd = rng.choice(b"ABCDEHLMNOQRTUK\x00\xff")
        arg = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 40)))
        if rng.random() < 0.5:
            arg = arg.replace(b"\0", b"x") + b"\0"
        out += packet(bytes([cmd]), arg)
    return out


def cmd_bad(spec, kind):
    rng = random.Random(os.getpid())
    rounds = 200 if kind in ("garbage", "order") else 1
    bad = 0
    for _ in range(rounds):
        s = dial(spec)
        try:
            if kind == "garbage":
                # then EOF: a packet that announces more than it holds
                # would otherwise wait for the rest (a slow client)
                s.sendall(bytes(rng.getrandbits(8)
                                for _ in range(rng.randint(1, 300))))
                s.shutdown(socket.SHUT_WR)
            elif kind == "truncated":
                # a MAIL packet announcing 100 bytes, 10 sent, then gone
                s.sendall(packet(b"O", struct.pack(">III", 6, 0, 0)))
                read_packet(s)
                s.sendall(struct.pack(">I", 101) + b"M<a@b.test")
                s.shutdown(socket.SHUT_WR)
            elif kind == "huge":
                s.sendall(struct.pack(">I", 1 << 30) + b"R<x@y>\0")
            elif kind == "order":
                s.sendall(junk_order(rng))
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass                    # closed while we were still talking
        if not closed_within(s, 10):
            bad += 1
        s.close()
    print("sessions %d" % rounds)
    print("not_closed %d" % bad)
    if bad:
        print("# the daemon left %d bad session(s) open" % bad)
    return 1 if bad else 0


def cmd_hold(spec, seconds):
    s = dial(spec)
    t0 = time.time()
    closed = closed_within(s, seconds)
    print("%s_after %.1f" % ("closed" if closed else "open", time.time() - t0))
    s.close()
    return 0


def cli(doc, commands, argv):
    """Run the command argv[1] of commands (name -> function of the other
    arguments, as strings); usage (64) when there is none, 1 with a
    "# why" line when the peer fails us."""
    fn = commands.get(argv[1]) if len(argv) > 2 else None
    if fn is None:
        sys.stderr.write(doc)
        return 64
    try:
        return fn(*argv[2:])
    except (OSError, EOFError, RuntimeError) as e:
        print("# %s: %s" % (argv[1], e))
        return 1


COMMANDS = {
    "session": cmd_session,
    "longrcpt": lambda spec, n: cmd_longrcpt(spec, int(n)),
    "many": lambda spec, n, pid: cmd_many(spec, int(n), int(pid)),
    "bad": cmd_bad,
    "hold": lambda spec, sec: cmd_hold(spec, float(sec)),
}

if __name__ == "__main__":
    sys.exit(cli(__doc__, COMMANDS, sys.argv))
