#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A TCP offload attempt (setsockopt TCP_ULP "mpnic") on a connection that
then carries a SHA-256-checked transfer, whatever the attempt's outcome.

  toe.py peer PORT             accept one connection; if its first byte is
                               "U", send one byte of urgent data; then read
                               to EOF and print "BYTES SHA256"
  toe.py client HOST PORT MIB CASE
                               connect, offload, send MIB MiB: half a MiB
                               before the attempt (queued on the socket
                               while it is made), the rest after; print
                               "ulp ERRNO" lines (OK for success), then
                               "BYTES SHA256" of what was sent
CASEs: plain (just the attempt), md5 (a TCP-MD5 key, for another address:
the connection itself is unsigned), urgent (the peer's urgent byte is
pending), notconn (attempts before connecting and while SYN_SENT; the
script holds the peer's link down until the file $TOE_SYN_SENT appears).
"""
import errno
import hashlib
import os
import random
import select
import socket
import struct
import sys

BLOCK = 1 << 20
TCP_ULP = getattr(socket, "TCP_ULP", 31)
TCP_MD5SIG = 14
MD5_OTHER = "203.0.113.99"   # TEST-NET-3: no connection of the test uses it


def ulp(sock):
    """One offload attempt: print its errno's name"""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, TCP_ULP, b"mpnic")
        print("ulp OK", flush=True)
    except OSError as err:
        # errorcode names 95 by its alias ENOTSUP
        name = "EOPNOTSUPP" if err.errno == errno.EOPNOTSUPP else \
            errno.errorcode.get(err.errno, str(err.errno))
        print("ulp", name, flush=True)


def md5_key(sock):
    """struct tcp_md5sig for MD5_OTHER: a key list the connection never uses"""
    addr = struct.pack("=H2s4s8x", socket.AF_INET, b"\0\0",
                       socket.inet_aton(MD5_OTHER))
    key = b"mpnic-toe-test"
    sig = addr.ljust(128, b"\0") + struct.pack("=BBHI", 0, 0, len(key), 0) + \
        key.ljust(80, b"\0")
    sock.setsockopt(socket.IPPROTO_TCP, TCP_MD5SIG, sig)


def peer(port):
    with socket.create_server(("::", port), family=socket.AF_INET6,
                              dualstack_ipv6=True) as srv:
        srv.settimeout(60)
        conn, _ = srv.accept()
    with conn:
        conn.settimeout(60)
        if conn.recv(1) == b"U":
            conn.send(b"!", socket.MSG_OOB)
        h = hashlib.sha256()
        buf = bytearray(BLOCK)
        n = 0
        for got in iter(lambda: conn.recv_into(buf), 0):
            h.update(memoryview(buf)[:got])
            n += got
    print(n, h.hexdigest())


def connect(host, port, case):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    if case == "md5":
        md5_key(s)
    if case == "notconn":
        ulp(s)                          # CLOSE: no route to look at
        s.setblocking(False)
        try:
            s.connect((host, port))
        except BlockingIOError:
            pass
        ulp(s)                          # SYN_SENT, by the mpnic port
        open(os.environ.get("TOE_SYN_SENT", "toe-syn-sent"), "w").close()
        _, w, _ = select.select([], [s], [], 60)
        if not w or s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
            raise SystemExit("toe.py: connect did not complete")
        s.setblocking(True)
    else:
        s.connect((host, port))
    s.settimeout(60)
    return s


def client(host, port, mib, case):
    base = bytearray(random.Random(0x746f65).randbytes(BLOCK))
    h = hashlib.sha256()
    s = connect(host, port, case)
    s.sendall(b"U" if case == "urgent" else b"N")
    if case == "urgent":
        # urgent data pending: select() says so, and recv(MSG_OOB) would take it
        _, _, x = select.select([], [], [s], 10)
        if not x:
            raise SystemExit("toe.py: no urgent data from the peer")
    half = BLOCK // 2
    s.sendall(base[:half])
    if case != "notconn":
        ulp(s)
    if case == "urgent":
        # with a timeout, Python would wait for normal data before recv()
        s.settimeout(None)
        if s.recv(1, socket.MSG_OOB) != b"!":
            raise SystemExit("toe.py: urgent byte lost")
        s.settimeout(60)
    s.sendall(base[half:])
    h.update(base)
    for i in range(1, mib):
        base[0:8] = i.to_bytes(8, "big")
        s.sendall(base)
        h.update(base)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()
    print(mib * BLOCK, h.hexdigest())


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "peer":
        peer(int(sys.argv[2]))
    elif len(sys.argv) == 6 and sys.argv[1] == "client":
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
