#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Programs on both ends of an offloaded TCP connection (toe_data.sh).

  toe_app.py xfer ROLE ADDR PORT MIB OFFLOAD
      ROLE connect (to ADDR) or accept (on ADDR, "::" for both families);
      OFFLOAD 1: setsockopt(TCP_ULP, "mpnic") once connected (prints
      "ulp OK" or "ulp ERRNO"). Then MIB MiB each way at once: a thread
      sends (seeded by ROLE) and shuts the write side, the main thread
      reads to EOF. Prints "sent BYTES SHA256" and "got BYTES SHA256".
  toe_app.py sem CASE ROLE ADDR PORT
      one socket-semantics case (see CASES); ROLE "app" is the offloaded
      end (connects, offloads), "peer" Linux's TCP (accepts). Each side
      checks what it sees and exits non-zero, naming the failure.
  toe_app.py tcpinfo ADDR PORT
      connect, offload, send 4 MiB to a "sem sink" peer, then print the
      engine's TCP_INFO fields as NAME VALUE lines.

The offloaded end needs tcp-offload on for the port it routes through.
"""
import errno
import hashlib
import os
import random
import select
import signal
import socket
import struct
import sys
import threading
import time

BLOCK = 1 << 20
TCP_ULP = getattr(socket, "TCP_ULP", 31)
TIMEOUT = 60


def fail(msg):
    print(f"toe_app: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def ulp(sock, must=True):
    try:
        sock.setsockopt(socket.IPPROTO_TCP, TCP_ULP, b"mpnic")
        print("ulp OK", flush=True)
        return True
    except OSError as err:
        print("ulp", errno.errorcode.get(err.errno, str(err.errno)), flush=True)
        if must:
            fail(f"offload refused: {err}")
        return False


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def connect(addr, port):
    s = socket.create_connection((addr, port), timeout=TIMEOUT)
    s.settimeout(TIMEOUT)
    return s


def accept(addr, port):
    with socket.create_server((addr, port), family=family(addr),
                              dualstack_ipv6=addr == "::", reuse_port=True) as srv:
        srv.settimeout(TIMEOUT)
        open(os.environ.get("TOE_READY", "/dev/null"), "a").close()
        s, _ = srv.accept()
    s.settimeout(TIMEOUT)
    return s


def data(seed, mib):
    """MIB blocks of pseudo-random bytes, each block different"""
    base = bytearray(random.Random(seed).randbytes(BLOCK))
    for i in range(mib):
        base[0:8] = i.to_bytes(8, "big")
        yield base


def tcp_state(s):
    """What the socket's TCP (Linux's, or the engine's when offloaded) says
    of itself, for a failure's message: struct tcp_info's first fields and
    snd_wnd"""
    try:
        b = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
    except OSError as err:
        return f"no TCP_INFO: {err}"
    st, ca, retr, probes, backoff = struct.unpack_from("5B", b, 0)
    (rto, _, _, _, unacked, _, lost, retrans, _, _, _, last_rcv, last_ack_rcv,
     _, _, rtt, _, _, cwnd, _, _, _, _, total) = struct.unpack_from("24I", b, 8)
    wnd = struct.unpack_from("I", b, 228)[0] if len(b) >= 232 else "?"
    return (f"tcp_info state {st} ca_state {ca} retransmits {retr} probes {probes} "
            f"backoff {backoff} rto {rto} rtt {rtt} cwnd {cwnd} unacked {unacked} "
            f"lost {lost} retrans {retrans}/{total} last_data_recv {last_rcv} "
            f"last_ack_recv {last_ack_rcv} snd_wnd {wnd}")


def sender(s, seed, mib, out):
    h = hashlib.sha256()
    n = 0
    try:
        for block in data(seed, mib):
            s.sendall(block)
            h.update(block)
            n += len(block)
        s.shutdown(socket.SHUT_WR)
    except OSError as err:
        out.append(f"send failed after {n} bytes: {err}; {tcp_state(s)}")
    out.append((n, h.hexdigest()))


def receive(s):
    h = hashlib.sha256()
    buf = bytearray(BLOCK)
    n = 0
    try:
        for got in iter(lambda: s.recv_into(buf), 0):
            h.update(memoryview(buf)[:got])
            n += got
    except OSError as err:
        fail(f"receive failed after {n} bytes: {err}; {tcp_state(s)}")
    return n, h.hexdigest()


def xfer(role, addr, port, mib, offload):
    s = connect(addr, port) if role == "connect" else accept(addr, port)
    if offload:
        ulp(s)
    out = []
    t = threading.Thread(target=sender, args=(s, role, mib, out))
    t.start()
    got = receive(s)
    t.join()
    s.close()
    if len(out) != 1:
        fail(out[0])
    print("sent", *out[0])
    print("got", *got)


# Socket semantics: each case a pair of programs, the app's and the peer's
def expect_errno(fn, want, what):
    try:
        fn()
    except OSError as err:
        if err.errno != want:
            fail(f"{what}: {errno.errorcode.get(err.errno)}, not {errno.errorcode[want]}")
        return
    fail(f"{what}: no error, not {errno.errorcode[want]}")


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        got = s.recv(n - len(buf))
        if not got:
            fail(f"EOF after {len(buf)} of {n} bytes")
        buf += got
    return buf


def app_eof(s):
    s.sendall(b"!")     # offloaded: the peer may go on
    if recv_exact(s, 1000) != b"e" * 1000:
        fail("wrong bytes before EOF")
    if s.recv(10) != b"" or s.recv(10) != b"":
        fail("no EOF after the peer's FIN")


def peer_eof(s):
    recv_exact(s, 1)
    s.sendall(b"e" * 1000)
    s.close()


def app_halfclose(s):
    # We close our side; the peer still sends, we still read
    s.sendall(b"h" * 5000)
    s.shutdown(socket.SHUT_WR)
    expect_errno(lambda: s.send(b"x", socket.MSG_NOSIGNAL), errno.EPIPE, "send after SHUT_WR")
    if recv_exact(s, 7000) != b"r" * 7000:
        fail("wrong reply after our FIN")
    if s.recv(1) != b"":
        fail("no EOF")


def peer_halfclose(s):
    if recv_exact(s, 5000) != b"h" * 5000 or s.recv(1) != b"":
        fail("peer: data or EOF missing")
    s.sendall(b"r" * 7000)
    s.close()


def app_halfclose_peer(s):
    # The peer closes its side first; we read EOF, then still send
    s.sendall(b"!")
    if s.recv(1) != b"":
        fail("no EOF from the peer's SHUT_WR")
    s.sendall(b"a" * 300000)
    s.shutdown(socket.SHUT_WR)
    s.settimeout(TIMEOUT)
    if s.recv(1) != b"":
        fail("data after EOF")


def peer_halfclose_peer(s):
    recv_exact(s, 1)
    s.shutdown(socket.SHUT_WR)
    if recv_exact(s, 300000) != b"a" * 300000 or s.recv(1) != b"":
        fail("peer: the app's data after our FIN did not arrive whole")


def app_reset(s):
    s.sendall(b"go")
    expect_errno(lambda: recv_exact(s, 1), errno.ECONNRESET, "recv after the peer's RST")
    expect_errno(lambda: s.send(b"x", socket.MSG_NOSIGNAL), errno.EPIPE, "send after the RST")
    # And SIGPIPE without MSG_NOSIGNAL
    got = []
    old = signal.signal(signal.SIGPIPE, lambda *a: got.append(1))
    expect_errno(lambda: s.send(b"x"), errno.EPIPE, "send after the RST")
    signal.signal(signal.SIGPIPE, old)
    if not got:
        fail("no SIGPIPE")


def linger0(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def peer_reset(s):
    recv_exact(s, 2)
    linger0(s)
    s.close()


def app_zerowindow(s):
    # The peer does not read: the send ring and the window fill, the writer
    # gets EAGAIN, the engine probes; it resumes when the peer reads
    s.setblocking(False)
    sent = 0
    deadline = time.time() + 30
    stuck = 0
    while time.time() < deadline and stuck < 5:
        try:
            sent += s.send(b"z" * 65536)
            stuck = 0
        except BlockingIOError:
            stuck += 1      # the engine may still be taking bytes
            time.sleep(0.1)
    if stuck < 5:
        fail("never stuck at EAGAIN with a peer that does not read")
    if select.select([], [s], [], 0)[1]:
        fail("writable with a full send ring")
    print("blocked", sent, flush=True)
    s.setblocking(True)
    s.sendall(b"z" * (4 << 20))
    s.shutdown(socket.SHUT_WR)
    if s.recv(1) != b"":
        fail("no EOF")


def peer_zerowindow(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    time.sleep(float(os.environ.get("TOE_STALL", "3")))
    n = 0
    buf = bytearray(BLOCK)
    for got in iter(lambda: s.recv_into(buf), 0):
        if buf[:got].count(b"z") != got:
            fail("peer: wrong bytes")
        n += got
    if n < 4 << 20:
        fail(f"peer: {n} bytes only")
    s.close()


def app_nonblock(s):
    s.setblocking(False)
    expect_errno(lambda: s.recv(10), errno.EAGAIN, "recv on an empty socket")
    p = select.poll()
    p.register(s, select.POLLIN)
    if p.poll(0):
        fail("poll says readable with nothing there")
    ep = select.epoll()
    ep.register(s.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
    s.sendall(b"?")     # the peer answers
    ev = ep.poll(10)
    if not ev or not ev[0][1] & select.EPOLLIN:
        fail(f"epoll: no EPOLLIN after the peer sent: {ev}")
    if s.recv(100) != b"answer":
        fail("wrong answer")
    ev = ep.poll(10)    # then the peer closes: EPOLLRDHUP
    if not ev or not ev[0][1] & select.EPOLLRDHUP:
        fail(f"epoll: no EPOLLRDHUP after the peer's FIN: {ev}")
    if s.recv(10) != b"":
        fail("no EOF")
    if not select.select([], [s], [], 0)[1]:
        fail("not writable")


def peer_nonblock(s):
    if recv_exact(s, 1) != b"?":
        fail("peer: no question")
    time.sleep(0.2)
    s.sendall(b"answer")
    time.sleep(0.5)
    s.close()


def app_peek(s):
    # Blocking: Python's timeout mode is non-blocking underneath
    s.setblocking(True)
    s.sendall(b"!")
    if s.recv(10, socket.MSG_PEEK) != b"0123456789":
        fail("MSG_PEEK returned other bytes")
    if s.recv(5, socket.MSG_PEEK) != b"01234":
        fail("a second MSG_PEEK did not see the same bytes")
    # MSG_WAITALL: the second half comes a moment later
    got = s.recv(20, socket.MSG_WAITALL)
    if got != b"0123456789abcdefghij":
        fail(f"MSG_WAITALL returned {got!r}")
    if s.recv(1) != b"":
        fail("no EOF")


def peer_peek(s):
    recv_exact(s, 1)
    s.sendall(b"0123456789")
    time.sleep(0.5)
    s.sendall(b"abcdefghij")
    s.close()


def app_rcvlowat(s):
    s.setblocking(True)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 100)
    s.sendall(b"!")
    t0 = time.time()
    got = s.recv(1000)
    if len(got) < 100:
        fail(f"SO_RCVLOWAT 100: recv returned {len(got)} bytes")
    if time.time() - t0 < 0.3:
        fail("recv returned before the second part came")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 0, 500000))
    t0 = time.time()
    expect_errno(lambda: s.recv(10), errno.EAGAIN, "SO_RCVTIMEO expiry")
    if not 0.4 < time.time() - t0 < 5:
        fail(f"SO_RCVTIMEO 0.5 s expired after {time.time() - t0:.2f} s")


def peer_rcvlowat(s):
    recv_exact(s, 1)
    s.sendall(b"l" * 50)
    time.sleep(0.5)
    s.sendall(b"l" * 50)
    time.sleep(2)
    s.close()


def app_close_unread(s):
    s.sendall(b"!")
    time.sleep(0.5)     # the peer's bytes are in; we never read them
    s.close()


def peer_close_unread(s):
    recv_exact(s, 1)
    s.sendall(b"u" * 1000)
    expect_errno(lambda: recv_exact(s, 1), errno.ECONNRESET, "recv after the app closed unread")


def app_linger0(s):
    s.sendall(b"!")
    time.sleep(0.2)
    linger0(s)
    s.close()


def peer_linger0(s):
    recv_exact(s, 1)
    expect_errno(lambda: recv_exact(s, 1), errno.ECONNRESET, "recv after SO_LINGER 0 close")


def app_ioctl(s):
    import fcntl
    import termios
    s.sendall(b"!")
    time.sleep(0.5)
    n = struct.unpack("i", fcntl.ioctl(s, termios.FIONREAD, b"\0" * 4))[0]
    if n != 3000:
        fail(f"FIONREAD {n}, not 3000")
    recv_exact(s, 3000)
    n = struct.unpack("i", fcntl.ioctl(s, termios.FIONREAD, b"\0" * 4))[0]
    if n != 0:
        fail(f"FIONREAD {n} after reading all")
    # the peer does not read it before we look, and its receive buffer
    # cannot take it all: part of it is still ours
    s.sendall(b"q" * 100000)
    n = struct.unpack("i", fcntl.ioctl(s, termios.TIOCOUTQ, b"\0" * 4))[0]
    if not 0 < n <= 100000:
        fail(f"SIOCOUTQ {n} with 100000 bytes sent to a peer that waits")
    s.sendall(b"!")


def peer_ioctl(s):
    # Linux's default buffer could take (and ACK) all 100000 bytes before
    # the app asks SIOCOUTQ; with 8 KiB the window stops short of them
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    recv_exact(s, 1)
    s.sendall(b"i" * 3000)
    time.sleep(1)
    recv_exact(s, 100001)
    s.close()


def app_echo(s):
    # Pings echoed until $TOE_DONE exists: the connection lives through
    # whatever the test sends at it meanwhile
    done = os.environ.get("TOE_DONE", "/nonexistent")
    deadline = time.time() + 40
    i = 0
    while time.time() < deadline:
        msg = b"p%04d" % (i % 10000)
        s.sendall(msg)
        if recv_exact(s, 5) != msg:
            fail(f"echo {i} came back wrong")
        i += 1
        if os.path.exists(done):
            break
        time.sleep(0.05)
    else:
        fail("the test never finished")
    s.shutdown(socket.SHUT_WR)
    if s.recv(1) != b"":
        fail("no EOF")
    print("pings", i, flush=True)


def peer_echo(s):
    for got in iter(lambda: s.recv(4096), b""):
        s.sendall(got)
    s.close()


def app_sendfile(s):
    # sendfile(): pages spliced into sendmsg (6.5 on) or sendpage (before)
    import tempfile
    s.setblocking(True)
    blob = random.Random(7).randbytes(3 << 20)
    with tempfile.TemporaryFile() as f:
        f.write(blob)
        f.flush()
        off = 0
        while off < len(blob):
            off += os.sendfile(s.fileno(), f.fileno(), off, len(blob) - off)
    s.shutdown(socket.SHUT_WR)
    if recv_exact(s, 64) != hashlib.sha256(blob).hexdigest().encode():
        fail("the peer got other bytes")


def peer_sendfile(s):
    h = hashlib.sha256()
    for got in iter(lambda: s.recv(BLOCK), b""):
        h.update(got)
    s.sendall(h.hexdigest().encode())
    s.close()


def peer_sink(s):
    buf = bytearray(BLOCK)
    for _ in iter(lambda: s.recv_into(buf), 0):
        pass
    s.close()


def app_keepalive(s):
    # set once offloaded: the engine's timer takes them, not the host's
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
    s.sendall(b"k")
    recv_exact(s, 1)
    time.sleep(3.5)     # idle: probes, which the peer's TCP answers
    s.sendall(b"a")
    if recv_exact(s, 1) != b"a":
        fail("the connection did not outlive answered keepalives")
    time.sleep(0.3)     # our delayed ACK of its "a" goes before the cut
    # the test now cuts the peer off: 3 unanswered probes end it
    open(os.environ["TOE_MARK"], "a").close()
    t0 = time.time()
    expect_errno(lambda: recv_exact(s, 1), errno.ETIMEDOUT, "recv from a vanished peer")
    if time.time() - t0 > 20:
        fail(f"ETIMEDOUT after {time.time() - t0:.1f} s, for 1 s idle and 3 probes 1 s apart")


def peer_keepalive(s):
    recv_exact(s, 1)
    s.sendall(b"k")
    recv_exact(s, 1)
    s.sendall(b"a")
    s.settimeout(60)
    try:
        s.recv(1)       # cut off: nothing comes; the test ends this
    except OSError:
        pass


CASES = {
    "eof": (app_eof, peer_eof),
    "halfclose": (app_halfclose, peer_halfclose),
    "halfclose_peer": (app_halfclose_peer, peer_halfclose_peer),
    "reset": (app_reset, peer_reset),
    "zerowindow": (app_zerowindow, peer_zerowindow),
    "nonblock": (app_nonblock, peer_nonblock),
    "peek": (app_peek, peer_peek),
    "rcvlowat": (app_rcvlowat, peer_rcvlowat),
    "close_unread": (app_close_unread, peer_close_unread),
    "linger0": (app_linger0, peer_linger0),
    "ioctl": (app_ioctl, peer_ioctl),
    "echo": (app_echo, peer_echo),
    "sendfile": (app_sendfile, peer_sendfile),
    "keepalive": (app_keepalive, peer_keepalive),
    "sink": (None, peer_sink),
}


def sem(case, role, addr, port):
    app, peer = CASES[case]
    if role == "peer":
        peer(accept(addr, port))
        return
    s = connect(addr, port)
    ulp(s)
    app(s)
    print("ok", case)


TCPI = struct.Struct("=BBBBBBBBII" + "I" * 22)


def tcpinfo(addr, port):
    s = connect(addr, port)
    ulp(s)
    for block in data(1, 4):
        s.sendall(block)
    time.sleep(0.2)
    raw = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    f = TCPI.unpack_from(raw)
    names = ("state", "ca_state", "retransmits", "probes", "backoff", "options", "wscale",
             "flags", "rto", "ato", "snd_mss", "rcv_mss", "unacked", "sacked", "lost",
             "retrans", "fackets", "last_data_sent", "last_ack_sent", "last_data_recv",
             "last_ack_recv", "pmtu", "rcv_ssthresh", "rtt", "rttvar", "snd_ssthresh",
             "snd_cwnd", "advmss", "reordering", "rcv_rtt", "rcv_space", "total_retrans")
    for n, v in zip(names, f):
        print(n, v)
    # tcpi_bytes_acked (u64) follows pacing_rate, max_pacing_rate (offset 120)
    print("bytes_acked", struct.unpack_from("=Q", raw, 120)[0])
    # What ss shows of it (inet_diag: the ULP's name, tcp_get_info())
    import subprocess
    port = s.getsockname()[1]
    ss = subprocess.run(["ss", "-tniH", "state", "established", f"sport = :{port}"],
                        capture_output=True, text=True, timeout=10).stdout
    print("ss", " ".join(ss.split()))
    s.close()


def main():
    a = sys.argv[1:]
    if len(a) == 6 and a[0] == "xfer":
        xfer(a[1], a[2], int(a[3]), int(a[4]), a[5] == "1")
    elif len(a) == 5 and a[0] == "sem" and a[1] in CASES:
        sem(a[1], a[2], a[3], int(a[4]))
    elif len(a) == 3 and a[0] == "tcpinfo":
        tcpinfo(a[1], int(a[2]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
