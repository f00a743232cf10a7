#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Bulk TCP transfer with known content, checked by SHA-256.

  xfer.py recv PORT            accept one connection, read to EOF,
                               print "BYTES SHA256"
  xfer.py send HOST PORT MIB   send MIB MiB of deterministic content,
                               print "BYTES SHA256" of what was sent
"""
import hashlib
import random
import socket
import sys

BLOCK = 1 << 20


def recv(port):
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(("::", port))
    srv.listen(1)
    srv.settimeout(60)
    conn, _ = srv.accept()
    conn.settimeout(60)
    h = hashlib.sha256()
    n = 0
    buf = bytearray(BLOCK)
    while True:
        got = conn.recv_into(buf)
        if not got:
            break
        h.update(memoryview(buf)[:got])
        n += got
    print(n, h.hexdigest())


def send(host, port, mib):
    base = bytearray(random.Random(0x6d706e6963).randbytes(BLOCK))
    h = hashlib.sha256()
    with socket.create_connection((host, port), timeout=60) as s:
        for i in range(mib):
            # every MiB differs: a lost or repeated block changes the digest
            base[0:8] = i.to_bytes(8, "big")
            s.sendall(base)
            h.update(base)
        s.shutdown(socket.SHUT_WR)
        s.recv(1)
    print(mib * BLOCK, h.hexdigest())


def main():
    if sys.argv[1] == "recv":
        recv(int(sys.argv[2]))
    elif sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
