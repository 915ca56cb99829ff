#!/usr/bin/env python3
"""t/bench/authclient.py -- many SMTP AUTH sessions against one listener.

usage: authclient.py PORT MECH USER PASSWORD COUNT PARALLEL

Each session: connect to 127.0.0.1:PORT, EHLO, AUTH MECH, QUIT. MECH is
PLAIN or SCRAM-SHA-256 (RFC 5802/7677, no channel binding; the server's
signature is verified). Like a real client, the SCRAM SaltedPassword is
derived once per (salt, iterations) and reused, so the client's PBKDF2 does
not weigh on the machine it shares with the server. PARALLEL threads run
COUNT sessions in all. Prints one line:
    ok=N failed=M seconds=S rate=R
and exits 1 if any session did not end in 235.
"""
import base64
import hashlib
import hmac
import os
import socket
import sys
import threading
import time


def b64(b):
    return base64.b64encode(b).decode()


class Smtp:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.f = self.s.makefile("rb")

    def reply(self):
        lines = []
        while True:
            line = self.f.readline()
            if not line:
                raise EOFError("connection closed")
            lines.append(line.decode("latin-1").rstrip("\r\n"))
            if len(line) < 4 or line[3:4] != b"-":
                return int(lines[-1][:3]), lines[-1][4:]

    def cmd(self, text):
        self.s.sendall(text.encode() + b"\r\n")
        return self.reply()

    def close(self):
        try:
            self.s.sendall(b"QUIT\r\n")
            self.reply()
        except (OSError, EOFError):
            pass
        self.f.close()
        self.s.close()


_salted = {}
_salted_lock = threading.Lock()


def salted_password(password, salt, iters):
    key = (salt, iters)
    with _salted_lock:
        sp = _salted.get(key)
    if sp is None:
        sp = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iters)
        with _salted_lock:
            _salted[key] = sp
    return sp


def auth_plain(c, user, password):
    code, _ = c.cmd("AUTH PLAIN " + b64(b"\0" + user.encode() + b"\0" + password.encode()))
    return code == 235


def auth_scram(c, user, password):
    nonce = b64(os.urandom(18))
    bare = "n=%s,r=%s" % (user.replace("=", "=3D").replace(",", "=2C"), nonce)
    code, text = c.cmd("AUTH SCRAM-SHA-256 " + b64(("n,," + bare).encode()))
    if code != 334:
        return False
    first = base64.b64decode(text).decode()
    attrs = dict(kv.split("=", 1) for kv in first.split(","))
    if not attrs["r"].startswith(nonce):
        return False
    sp = salted_password(password, base64.b64decode(attrs["s"]), int(attrs["i"]))
    ck = hmac.new(sp, b"Client Key", hashlib.sha256).digest()
    stored = hashlib.sha256(ck).digest()
    final_wo = "c=biws,r=" + attrs["r"]
    msg = (bare + "," + first + "," + final_wo).encode()
    sig = hmac.new(stored, msg, hashlib.sha256).digest()
    proof = bytes(a ^ b for a, b in zip(ck, sig))
    code, text = c.cmd(b64((final_wo + ",p=" + b64(proof)).encode()))
    if code != 334:
        return False
    sk = hmac.new(sp, b"Server Key", hashlib.sha256).digest()
    want = "v=" + b64(hmac.new(sk, msg, hashlib.sha256).digest())
    if base64.b64decode(text).decode() != want:
        return False
    code, _ = c.cmd("")
    return code == 235


def session(port, mech, user, password):
    c = Smtp(port)
    try:
        if c.reply()[0] != 220 or c.cmd("EHLO bench.test")[0] != 250:
            return False
        if mech == "PLAIN":
            return auth_plain(c, user, password)
        return auth_scram(c, user, password)
    finally:
        c.close()


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__.split("\n\n")[1])
    port, mech, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    count, parallel = int(sys.argv[5]), int(sys.argv[6])
    if mech not in ("PLAIN", "SCRAM-SHA-256"):
        sys.exit("MECH must be PLAIN or SCRAM-SHA-256")
    left = [count]
    ok = [0]
    lock = threading.Lock()
    errors = []

    def worker():
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            try:
                good = session(port, mech, user, password)
            except (OSError, EOFError, ValueError, KeyError) as e:
                good = False
                errors.append(repr(e))
            if good:
                with lock:
                    ok[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(parallel)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.monotonic() - t0
    print("ok=%d failed=%d seconds=%.2f rate=%.1f" % (ok[0], count - ok[0], dt, ok[0] / dt))
    if errors:
        print("first error: " + errors[0], file=sys.stderr)
    sys.exit(0 if ok[0] == count else 1)


if __name__ == "__main__":
    main()
