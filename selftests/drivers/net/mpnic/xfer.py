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
import struct
import sys

BLOCK = 1 << 20
# struct tcp_info up to tcpi_total_retrans: 8 bytes, then 24 u32
TCP_INFO_FMT = "8B24I"
TCP_INFO_LEN = struct.calcsize(TCP_INFO_FMT)
TCP_INFO_FIELDS = ("rto", "ato", "snd_mss", "rcv_mss", "unacked", "sacked", "lost",
                   "retrans", "fackets", "last_data_sent", "last_ack_sent",
                   "last_data_recv", "last_ack_recv", "pmtu", "rcv_ssthresh", "rtt",
                   "rttvar", "snd_ssthresh", "snd_cwnd", "advmss", "reordering",
                   "rcv_rtt", "rcv_space", "total_retrans")


def stuck(sock, side, err):
    """A transfer that made no progress: say where TCP stands, in one line"""
    raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, TCP_INFO_LEN)
    v = struct.unpack(TCP_INFO_FMT, raw.ljust(TCP_INFO_LEN, b"\0"))
    info = dict(zip(TCP_INFO_FIELDS, v[8:]))
    print(f"xfer {side}: {err}: state {v[0]} ca_state {v[1]} retransmits {v[2]} "
          f"probes {v[3]} backoff {v[4]} " +
          " ".join(f"{k} {info[k]}" for k in ("rto", "unacked", "lost", "retrans",
                                              "total_retrans", "snd_cwnd",
                                              "last_data_sent", "last_data_recv",
                                              "last_ack_recv")),
          file=sys.stderr)
    raise SystemExit(1)


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
        try:
            got = conn.recv_into(buf)
        except OSError as err:
            stuck(conn, "recv", err)
        if not got:
            break
        h.update(memoryview(buf)[:got])
        n += got
    print(n, h.hexdigest())


def send(host, port, mib):
    base = bytearray(random.Random(0x6d706e6963).randbytes(BLOCK))
    h = hashlib.sha256()
    with socket.create_connection((host, port), timeout=60) as s:
        try:
            for i in range(mib):
                # every MiB differs: a lost or repeated block changes the digest
                base[0:8] = i.to_bytes(8, "big")
                s.sendall(base)
                h.update(base)
            s.shutdown(socket.SHUT_WR)
            s.recv(1)
        except OSError as err:
            stuck(s, "send", err)
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
