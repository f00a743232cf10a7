#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Take the kernel's once-only network paths before the tests do.

  warm.py serve READY   (in namespace b: 198.51.100.2, 2001:db8::2)
  warm.py connect       (in namespace a: 198.51.100.1, 2001:db8::1)

Run by tools/vm/guest.sh between two namespaces joined by a veth with two
queues. Several hashes in the stack draw their secret on first use
(net_get_random_once()), and then patch the static key that guarded it
out of the code, from a work item, while other vCPUs may be running that
code. Under TCG a vCPU sometimes executes code mid-patch and dies (see
the SO_TIMESTAMP note in guest.sh). Taken here, before mpnic is loaded,
those keys are patched with nothing else running:
- TCP over IPv4 and IPv6: the sequence number secret, the established
  hash secrets (inet_ehashfn(), inet6_ehashfn());
- UDP to closed ports: the ICMP errors' rate limit looks up the peer
  (inetpeer_addr_hash());
- unconnected UDP out of a device with two queues: the transmit queue
  comes from the flow dissector's hash (__flow_hash_secret_init()).
"""
import socket
import sys

PORT = 9
CLOSED = 10
PEERS = (("198.51.100.2", socket.AF_INET), ("2001:db8::2", socket.AF_INET6))


def serve(ready):
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(("::", PORT))
    srv.listen(4)
    srv.settimeout(30)
    open(ready, "w").close()
    for _ in PEERS:
        conn, _addr = srv.accept()
        with conn:
            conn.settimeout(30)
            while conn.recv(4096):
                pass


def connect():
    for addr, fam in PEERS:
        with socket.create_connection((addr, PORT), timeout=30) as s:
            s.sendall(b"x" * 4096)
            s.shutdown(socket.SHUT_WR)
            s.recv(1)
        with socket.socket(fam, socket.SOCK_DGRAM) as u:
            for _ in range(4):
                u.sendto(b"x", (addr, CLOSED))


def main():
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    elif sys.argv[1:] == ["connect"]:
        connect()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
