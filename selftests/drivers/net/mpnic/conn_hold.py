#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""An offloaded TCP connection held open while a test looks at it, then
closed the way the test asks. Files in DIR drive it (both ends may be in
different namespaces, not on different filesystems).

  conn_hold.py peer PORT DIR   accept one connection; read SEND bytes,
                               answer RECV bytes; then, when DIR/peer_close
                               appears, shut its side down first; read to
                               EOF and close; print "eof" or "reset": how
                               the client's side ended
  conn_hold.py client HOST PORT DIR
                               connect; offload (setsockopt TCP_ULP
                               "mpnic"); send SEND bytes, read RECV; write
                               "LOCAL_ADDR LOCAL_PORT" to DIR/ready; when
                               DIR/close appears, close as it says: "first"
                               (FIN first, then the peer's), "second" (after
                               the peer's FIN) or "reset" (SO_LINGER 0: RST)

SEND and RECV are fixed: 100000 and 30000 bytes, so that the test knows
what the engine's byte counters must read.
"""
import os
import select
import socket
import struct
import sys
import time

SEND = 100000
RECV = 30000
TCP_ULP = getattr(socket, "TCP_ULP", 31)
WAIT_S = 60


def wait_file(path):
    """The file's content once it exists; exit after WAIT_S without it"""
    end = time.monotonic() + WAIT_S
    while not os.path.exists(path):
        if time.monotonic() > end:
            raise SystemExit(f"conn_hold.py: no {path} after {WAIT_S} s")
        time.sleep(0.05)
    with open(path) as f:
        return f.read().strip()


def recv_exactly(sock, n):
    got = 0
    while got < n:
        chunk = sock.recv(min(65536, n - got))
        if not chunk:
            raise SystemExit(f"conn_hold.py: EOF after {got} of {n} bytes")
        got += len(chunk)


def recv_eof(sock):
    """Read to the end: "eof", or "reset" for a RST"""
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        return "reset"
    return "eof"


def peer(port, d):
    with socket.create_server(("::", port), family=socket.AF_INET6,
                              dualstack_ipv6=True) as srv:
        srv.settimeout(WAIT_S)
        conn, _ = srv.accept()
    with conn:
        conn.settimeout(WAIT_S)
        recv_exactly(conn, SEND)
        conn.sendall(b"p" * RECV)
        # Whichever comes first: the client's FIN, or the test's word
        while True:
            r, _, _ = select.select([conn], [], [], 0.05)
            if r:
                break
            if os.path.exists(os.path.join(d, "peer_close")):
                conn.shutdown(socket.SHUT_WR)
                break
        print(recv_eof(conn), flush=True)


def client(host, port, d):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(WAIT_S)
    s.connect((host, port))
    s.setsockopt(socket.IPPROTO_TCP, TCP_ULP, b"mpnic")
    s.sendall(b"c" * SEND)
    recv_exactly(s, RECV)
    local = s.getsockname()
    with open(os.path.join(d, "ready.tmp"), "w") as f:
        f.write(f"{local[0]} {local[1]}\n")
    os.rename(os.path.join(d, "ready.tmp"), os.path.join(d, "ready"))
    how = wait_file(os.path.join(d, "close"))
    if how == "first":
        s.shutdown(socket.SHUT_WR)
        recv_eof(s)
    elif how == "second":
        recv_eof(s)
    elif how == "reset":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    else:
        raise SystemExit(f"conn_hold.py: no close '{how}'")
    s.close()


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "peer":
        peer(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "client":
        client(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
