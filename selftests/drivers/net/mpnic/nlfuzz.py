#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Random and malformed netlink to mpnic: nlfuzz.py COUNT [SEED]

Sends COUNT messages, about nine in ten to the mpnic generic netlink
family and one in ten RTM_NEWLINK/RTM_DELLINK of kind mpnic: random
commands, flags and versions; attributes of random types (known and
unknown, some flagged nested), wrong lengths, lengths past the message,
garbage nests, out-of-range values, and well-formed values (card and
engine ids that exist) often enough to reach the handlers' depths.
Reads every answer. Prints counts as JSON: messages sent, answers with
an error, answers that succeeded, and of those the changes (the admin
commands and link changes), which an unprivileged sender must not get.
"""
import json
import os
import random
import socket
import struct
import sys

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLM_F_CREATE, NLM_F_EXCL = 0x400, 0x200
NLMSG_ERROR, NLMSG_DONE = 2, 3
GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 0x10, 3, 1, 2
RTM_NEWLINK, RTM_DELLINK = 16, 17
IFLA_IFNAME, IFLA_LINKINFO, IFLA_INFO_KIND, IFLA_INFO_DATA = 3, 18, 1, 2
NLA_F_NESTED = 0x8000

MAX_CMD = 11            # the family's commands are 1-8
CMD_CARD_NEW, CMD_CARD_DEL = 6, 7
ADMIN_CMDS = (3, 5, 6, 7)     # engine-set, fault-set, card-new, card-del
MAX_ATTR = 24           # its attribute sets end below 20


def nla(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * ((4 - len(payload) % 4) % 4)


def msg(mtype, flags, seq, body):
    return struct.pack("=IHHII", 16 + len(body), mtype, flags, seq, 0) + body


class Fuzzer:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.seq = 1
        self.gen = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.rt = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        for s in (self.gen, self.rt):
            s.bind((0, 0))
            s.settimeout(2)
        self.family = self.resolve("mpnic")
        self.sent = self.errors = self.ok = self.changes = 0

    def resolve(self, name):
        body = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0)
        body += nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0")
        self.gen.send(msg(GENL_ID_CTRL, NLM_F_REQUEST, 1, body))
        data = self.gen.recv(65536)
        off = 20
        while off + 4 <= len(data):
            alen, atype = struct.unpack_from("=HH", data, off)
            if atype == CTRL_ATTR_FAMILY_ID:
                return struct.unpack_from("=H", data, off + 4)[0]
            off += (alen + 3) & ~3
        raise SystemExit("no mpnic family")

    def value(self):
        r = self.rng
        kind = r.random()
        if kind < 0.4:      # ids that exist, small counts
            return struct.pack("=I", r.choice([0, 1, 2, 3, 4]))
        if kind < 0.55:
            return struct.pack("=I", r.choice([0xffffffff, 0x7fffffff, 64, 65, 4095, 4096]))
        if kind < 0.65:
            return struct.pack("=Q", r.choice([0, 1, (1 << 20) - 1, 1 << 20, 16 << 20,
                                               4 << 30, (4 << 30) + 1, (1 << 64) - 1]))
        if kind < 0.75:
            return r.choice([b"", b"\0", b"0-1\0", b"1\0", b"4000\0", b"0-99999\0",
                             b"x" * 300, b"1,,\0"])
        if kind < 0.85:
            return bytes([r.choice([0, 1, 2, 3, 255])])
        return bytes(r.getrandbits(8) for _ in range(r.randrange(0, 64)))

    def attrs(self, depth=0):
        r = self.rng
        out = b""
        for _ in range(r.randrange(0, 7)):
            atype = r.randrange(0, MAX_ATTR)
            if depth < 2 and r.random() < 0.1:
                out += nla(atype | NLA_F_NESTED, self.attrs(depth + 1))
            else:
                out += nla(atype, self.value())
        if r.random() < 0.05:       # an attribute that claims more than is there
            out += struct.pack("=HH", r.choice([3, 0, 200, 65535]), r.randrange(0, MAX_ATTR))
        return out

    def genl(self):
        r = self.rng
        cmd = r.randrange(0, MAX_CMD)
        # card-new makes real cards: keep them few
        if cmd == CMD_CARD_NEW and r.random() < 0.9:
            cmd = CMD_CARD_DEL
        # always an answer: an ack, an error, or a dump's end
        flags = NLM_F_REQUEST | NLM_F_ACK | r.choice([0, NLM_F_DUMP])
        body = struct.pack("=BBH", cmd, r.choice([0, 1, 2]), 0) + self.attrs()
        return self.gen, msg(self.family, flags, self.seq, body), cmd in ADMIN_CMDS

    def rtnl(self):
        r = self.rng
        name = b"mpf%d\0" % r.randrange(0, 4)
        if r.random() < 0.5:
            data = self.attrs(1) if r.random() < 0.5 else b"".join(
                nla(r.randrange(0, 5), self.value()) for _ in range(r.randrange(0, 4)))
            info = nla(IFLA_INFO_KIND, b"mpnic\0") + nla(IFLA_INFO_DATA | NLA_F_NESTED, data)
            body = struct.pack("=BxHiII", 0, 0, 0, 0, 0)
            body += nla(IFLA_IFNAME, name) + nla(IFLA_LINKINFO | NLA_F_NESTED, info)
            flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
            return self.rt, msg(RTM_NEWLINK, flags, self.seq, body), True
        body = struct.pack("=BxHiII", 0, 0, 0, 0, 0) + nla(IFLA_IFNAME, name)
        return self.rt, msg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, self.seq, body), True

    def drain(self, sock):
        """Read answers until the ack, the dump's end, or silence.
        Return: whether the request succeeded."""
        while True:
            try:
                data = sock.recv(1 << 16)
            except (socket.timeout, BlockingIOError):
                return False
            off = 0
            while off + 16 <= len(data):
                mlen, mtype = struct.unpack_from("=IH", data, off)
                if mtype == NLMSG_ERROR:
                    err = struct.unpack_from("=i", data, off + 16)[0]
                    if err:
                        self.errors += 1
                    else:
                        self.ok += 1
                    return not err
                if mtype == NLMSG_DONE:
                    self.ok += 1
                    return True
                if mlen < 16:
                    return False
                off += (mlen + 3) & ~3

    def run(self, count):
        for _ in range(count):
            self.seq += 1
            sock, m, change = self.rtnl() if self.rng.random() < 0.1 else self.genl()
            try:
                sock.send(m)
            except OSError:
                self.errors += 1
                continue
            self.sent += 1
            if self.drain(sock) and change:
                self.changes += 1


def main():
    count = int(sys.argv[1])
    fz = Fuzzer(int(sys.argv[2]) if len(sys.argv) > 2 else os.getpid())
    fz.run(count)
    json.dump({"sent": fz.sent, "errors": fz.errors, "ok": fz.ok, "changes": fz.changes},
              sys.stdout)
    print()


if __name__ == "__main__":
    main()
